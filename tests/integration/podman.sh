#!/bin/bash
# podman 4.3 (through conmon) with ward as its OCI runtime and ward's DEFAULT policy: run --rm,
# -it through a pty, exec, stop, --read-only, --cap-drop, --user, a named volume, a project
# directory, --tmpfs, the host's time zone, --device /dev/fuse, --init, loopback; --privileged
# refused with an error that reaches the podman user. Images come from a tar of the test rootfs.
# WARD_TEST_USERNS=auto (podman-userns.sh): the same battery with `userns = auto`, plus the
# checks that tell the user namespace is there (lib/engine-userns.sh).
. "$(dirname "$0")/lib/common.sh"
. "$(dirname "$0")/lib/engine-userns.sh"

if ! command -v podman >/dev/null; then
	echo "Bail out! podman is not installed (contrib/test installs it)"
	exit 1
fi

# podman refuses a runroot longer than 50 characters: keep its directories short.
pm_root=$(mktemp -d /tmp/ward-pm.XXXXXX)
podman_conf "$pm_root/containers.conf" "$pm_root/events.log"
export CONTAINERS_CONF="$pm_root/containers.conf"
P() { podman --root "$pm_root/root" --runroot "$pm_root/runroot" --storage-driver vfs \
	--runtime "$WARD" --tmpdir "$pm_root/tmp" "$@"; }
stop_podman() {
	P rm -af -t 0 >/dev/null 2>&1
	rm -rf "$pm_root"
	cleanup
}
trap stop_podman EXIT

engine_image_tar "$pm_root/rootfs.tar"
out=$(P import "$pm_root/rootfs.tar" localhost/wardtest 2>&1)
is podman_imports_the_test_image "$?" 0
diag "$out"

out=$(P run --rm --network none localhost/wardtest sh -c 'echo hello as pid $$' 2>&1)
is podman_run_rm "$out" "hello as pid 1"
out=$(P run --rm --network none localhost/wardtest sh -c 'exit 4' 2>&1; echo "rc=$?")
like podman_run_returns_the_exit_status "$out" 'rc=4'

# script(1) gives podman a terminal. A process that ends at once sometimes takes its output
# with it before conmon relays it (seen with runc too, 1 run in 20): it lingers a little.
out=$(script -qec "podman --root $pm_root/root --runroot $pm_root/runroot --storage-driver vfs --runtime $WARD --tmpdir $pm_root/tmp run --rm -it --network none localhost/wardtest sh -c 'tty; sleep 0.3'" /dev/null 2>&1 </dev/null)
like podman_run_it_gets_a_pty "$out" '/dev/pts/[0-9]+'

out=$(P run --rm --network none --read-only localhost/wardtest sh -c 'touch /x 2>&1; echo rc=$?' 2>&1)
like podman_read_only_root "$out" 'Read-only file system.*rc=1'
out=$(P run --rm --network none --cap-drop all --cap-add NET_BIND_SERVICE localhost/wardtest awk '/CapEff/ {print $2}' /proc/self/status 2>&1)
is podman_cap_drop_and_add "$out" 0000000000000400
out=$(P run --rm --network none --user 1234:5678 localhost/wardtest id 2>&1)
like podman_user "$out" 'uid=1234.* gid=5678'

cid=$(P run -d --network none localhost/wardtest sh -c "trap 'exit 0' TERM; while :; do sleep 1; done; : $MARK" 2>/dev/null)
out=$(P exec "$cid" sh -c 'echo exec-ok' 2>&1)
is podman_exec "$out" exec-ok
userns_mode && userns_init_checks podman "$(P inspect -f '{{.State.Pid}}' "$cid" 2>&1)" "$(P exec "$cid" id -u 2>&1)"
echo from-the-host >"$WORK/in.txt"
# podman cp into a running container joins its mount namespace (not its user namespace) and
# writes there as the host's root: through ward's idmapped root, which maps no id to the
# host's 0, the kernel refuses to create the file (EOVERFLOW).
todo=
userns_mode && todo="userns = auto: podman cp into a running container writes as the host's root through the idmapped root (EOVERFLOW)"
P cp "$WORK/in.txt" "$cid:/tmp/in.txt" >"$WORK/cp.err" 2>&1
is_or_todo podman_cp_into_the_running_container \
	"$(P exec "$cid" sh -c 'cat /tmp/in.txt; stat -c %u:%g /tmp/in.txt' 2>&1 | tr '\n' ' ')" "from-the-host 0:0 " "$todo"
[ -n "$todo" ] && diag "podman cp: $(cat "$WORK/cp.err")"
P exec "$cid" sh -c 'echo from-the-container >/tmp/out.txt' >/dev/null 2>&1
P cp "$cid:/tmp/out.txt" "$WORK/out.txt" >/dev/null 2>&1
is podman_cp_out_of_the_container "$(cat "$WORK/out.txt" 2>&1)" from-the-container
P stop -t 5 "$cid" >/dev/null 2>&1
is podman_stop "$?" 0
P rm "$cid" >/dev/null 2>&1
is podman_rm "$?" 0
# Into a container not yet started, podman copies on the host, not through its namespace.
cid=$(P create --network none localhost/wardtest sh -c 'cat /tmp/in.txt; stat -c %u:%g /tmp/in.txt' 2>/dev/null)
P cp "$WORK/in.txt" "$cid:/tmp/in.txt" >/dev/null 2>&1
is podman_cp_into_a_created_container "$(P start -a "$cid" 2>&1 | tr '\n' ' ')" "from-the-host 0:0 "
P rm "$cid" >/dev/null 2>&1

# --device: podman writes the node's file type into fileMode (8630 for /dev/fuse), a
# linux.devices entry and a rule with the permissions asked for.
out=$(P run --rm --network none --device /dev/fuse localhost/wardtest sh -c 'stat -c "%a %t:%T" /dev/fuse; exec 3<>/dev/fuse && echo rw-ok' 2>&1)
is podman_device_fuse "$(echo "$out" | tr '\n' ' ')" "666 a:e5 rw-ok "
out=$(P run --rm --network none --device /dev/fuse:/dev/fuse:r localhost/wardtest sh -c 'exec 3</dev/fuse && echo r-ok; (exec 4>/dev/fuse) 2>&1; true' 2>&1)
like podman_device_read_only "$out" "r-ok.*can't create /dev/fuse: Operation not permitted"
out=$(P run --rm --network none --device /dev/tty1 localhost/wardtest true 2>&1)
like podman_device_host_tty_is_refused "$out" 'linux\.devices\[0\]: /dev/tty1 \(char 4:1\) \[device-host-tty\]' 
RUN=(run --rm --network none)
P "${RUN[@]}" -v wardvol:/data localhost/wardtest sh -c 'echo kept >/data/f' >/dev/null 2>&1
out=$(P "${RUN[@]}" -v wardvol:/data localhost/wardtest cat /data/f 2>&1)
is podman_named_volume_outlives_its_container "$out" kept
# A new named volume gets the image's content at its mount point, copied by podman with the
# owners on disk; root's and user's files keep their owners inside.
out=$(P "${RUN[@]}" -v wardhome:/home localhost/wardtest sh -c 'stat -c %u:%g /home /home/user' 2>&1)
is podman_named_volume_copy_keeps_owners "$(echo $out)" "0:0 1000:1000"
out=$(P "${RUN[@]}" --user 1000 -v wardhome:/home localhost/wardtest sh -c 'echo mine >/home/user/f && stat -c %u:%g /home/user/f' 2>&1)
is podman_named_volume_user_writes_its_home "$out" 1000:1000

mkdir -p "$WORK/project"
echo source >"$WORK/project/main.c"
out=$(P "${RUN[@]}" -v "$WORK/project:/src" localhost/wardtest sh -c 'cat /src/main.c && echo built >/src/out' 2>&1)
is podman_project_directory_bind "$out $(cat "$WORK/project/out" 2>&1)" "source built"
# Owners are the same inside and on disk; what the container writes is on disk as the uid it
# has inside.
echo theirs >"$WORK/project/by-1000" && mkdir "$WORK/project/dir-1000" &&
	chown 1000:1000 "$WORK/project/by-1000" "$WORK/project/dir-1000"
out=$(P "${RUN[@]}" -v "$WORK/project:/src" localhost/wardtest sh -c 'stat -c %u:%g /src/main.c /src/by-1000 /src/dir-1000' 2>&1)
is podman_bind_owners_are_the_same_inside "$(echo $out)" "0:0 1000:1000 1000:1000"
is podman_bind_root_writes_as_0_on_disk "$(stat -c %u:%g "$WORK/project/out" 2>&1)" 0:0
out=$(P "${RUN[@]}" --user 1000 -v "$WORK/project:/src" localhost/wardtest sh -c 'id -u; echo x >/src/dir-1000/new; echo y >>/src/by-1000' 2>&1)
is podman_bind_user_writes_as_itself_on_disk \
	"$out $(stat -c %u:%g "$WORK/project/dir-1000/new" 2>&1) $(cat "$WORK/project/by-1000")" \
	"1000 1000:1000 theirs"$'\n'y

out=$(P "${RUN[@]}" --tmpfs /scratch localhost/wardtest sh -c 'echo x >/scratch/y && awk '\''$2 == "/scratch" {print $3}'\'' /proc/mounts' 2>&1)
is podman_tmpfs "$out" tmpfs

host_zone=$(md5sum </etc/localtime | cut -d' ' -f1)
out=$(P "${RUN[@]}" -v /etc/localtime:/etc/localtime:ro localhost/wardtest sh -c 'md5sum </etc/localtime | cut -d" " -f1; awk '\''$2 == "/etc/localtime" {print $4}'\'' /proc/mounts' 2>&1)
like podman_host_localtime_read_only "$out" "^$host_zone"$'\n''ro,'

# --init binds the host's catatonit (read-only) at /run/podman-init, the container's PID 1.
out=$(P "${RUN[@]}" --init localhost/wardtest cat /proc/1/comm 2>&1)
is podman_init "$out" podman-init

# podman leaves lo to the runtime with --network none, as runc brings it up.
out=$(P "${RUN[@]}" localhost/wardtest sh -c 'ip link show lo | head -n 1; nc -l -p 8080 -e echo pong & for i in 1 2 3 4 5 6 7 8 9 10; do echo | nc 127.0.0.1 8080 2>/dev/null && break; sleep 0.2; done' 2>&1)
like podman_loopback_with_network_none "$out" 'LOOPBACK,UP.*pong'

# podman build (buildah, isolation oci) runs each RUN step with podman's runtime: a wrapper
# that notes each of its commands shows that it is ward. buildah mounts cgroup2 writable, which
# the default policy refuses (mount-cgroup-read-write): the build's policy lifts that check.
{ [ -f "$WORK/policy.conf" ] && cat "$WORK/policy.conf"; echo "allow = mount-cgroup-read-write"; } >"$WORK/build-policy.conf"
chmod 644 "$WORK/build-policy.conf"
printf '#!/bin/sh\necho "$*" >>%s/build-runtime.log\nexec %s --policy %s "$@"\n' \
	"$WORK" "${WARD_REAL:-$WARD}" "$WORK/build-policy.conf" >"$WORK/ward-noted"
chmod 755 "$WORK/ward-noted"
mkdir -p "$WORK/context"
printf 'FROM localhost/wardtest\nRUN echo built by a RUN step as $(id -u) >/built; cat /proc/self/uid_map >/built-map\n' >"$WORK/context/Containerfile"
out=$(podman --root "$pm_root/root" --runroot "$pm_root/runroot" --storage-driver vfs \
	--runtime "$WORK/ward-noted" --tmpdir "$pm_root/tmp" build --network none -q -t localhost/wardbuilt "$WORK/context" 2>&1)
diag "$out"
out=$(P "${RUN[@]}" localhost/wardbuilt cat /built 2>&1)
like podman_build_runs_its_steps_in_ward "$out $(grep -c -e '^create' -e ' create ' -e '^run' -e ' run ' "$WORK/build-runtime.log" 2>&1)" '^built by a RUN step as 0 [1-9]'
if userns_mode; then
	map=$(P "${RUN[@]}" localhost/wardbuilt cat /built-map 2>&1 | tr -s ' ' | sed 's/^ //')
	if [[ $map =~ ^0\ ([0-9]+)\ 65536$ ]] && in_pool "${BASH_REMATCH[1]}"; then
		ok podman_build_run_step_had_a_pool_user_namespace
	else
		not_ok podman_build_run_step_had_a_pool_user_namespace "uid_map of the RUN step: '$map'"
	fi
fi

# The policy's verdict, not a parse error, reaches the user.
out=$(P "${RUN[@]}" --privileged localhost/wardtest true 2>&1; echo "rc=$?")
like podman_privileged_is_refused_by_the_policy "$out" 'refused by the baseline policy.*\[cap-sys-admin\].*rc=126'
unlike podman_leaves_no_container "$(P ps -aq 2>&1)" '.'
done_testing
