#!/bin/bash
# Docker 20.10 (dockerd, the containerd it starts, the runc v2 shim) with ward as its runtime
# and ward's DEFAULT policy (no policy file): what users run every day, checked from inside the
# container. A private daemon with its own data-root, exec-root, socket and cgroup parent, and
# ward as its default runtime (so `docker build` runs its RUN steps in ward too); stopped by its
# pid at the end, leaving nothing behind. Docker's own prestart hook (`/proc/<dockerd>/exe
# libnetwork-setkey`) and its oomScoreAdj are in every container's config.
# WARD_TEST_USERNS=auto (docker-userns.sh): the same battery with `userns = auto`, plus the
# checks that tell the user namespace is there (lib/engine-userns.sh).
. "$(dirname "$0")/lib/common.sh"
. "$(dirname "$0")/lib/engine-userns.sh"

# docker.io's own client: a newer one elsewhere in PATH talks another API and builds otherwise.
DOCKER=/usr/bin/docker
for tool in dockerd "$DOCKER" containerd containerd-shim-runc-v2 script; do
	if ! command -v "$tool" >/dev/null; then
		echo "Bail out! $tool is not installed (contrib/test installs docker.io)"
		exit 1
	fi
done

# dockerd's socket and those of the containerd it starts live below the exec-root: keep it
# short (UNIX socket paths are limited to 107 bytes, a CI checkout is deep).
dk_run=$(mktemp -d /tmp/ward-dk.XXXXXX)
dk_data="$WORK/data"
sock="$dk_run/docker.sock"
export DOCKER_CONFIG="$dk_run/client"
# WARD_TEST_DOCKER_STORAGE: the storage driver (vfs unless set; overlay2 is Docker's default,
# whose root filesystems ward rebuilds over idmapped layers under `userns = auto`).
storage=${WARD_TEST_DOCKER_STORAGE:-vfs}
jq -n --arg data "$dk_data" --arg storage "$storage" --arg exec "$dk_run/exec" --arg pid "$dk_run/dockerd.pid" \
	--arg host "unix://$sock" --arg cg "$CGROUP_PARENT" --arg ward "$WARD" \
	--arg key "$dk_run/key.json" '{
	"data-root": $data, "exec-root": $exec, "pidfile": $pid, "hosts": [$host],
	"deprecated-key-path": $key,
	"bridge": "none", "iptables": false, "ip-forward": false, "ip-masq": false,
	"storage-driver": $storage, "cgroup-parent": $cg,
	"runtimes": {"ward": {"path": $ward}}, "default-runtime": "ward"}' >"$dk_run/daemon.json"

t_start=$EPOCHREALTIME
dockerd --config-file "$dk_run/daemon.json" >"$dk_run/log" 2>&1 &
dk_pid=$!
D() { "$DOCKER" -H "unix://$sock" "$@"; }

# Everything dockerd made: its processes (its containerd, shims), its mounts (the data-root is
# mounted on itself, network namespaces below the exec-root).
dockerd_processes() { pgrep -f -- "$dk_run" | grep -vx "$$"; }
dockerd_mounts() { awk '{print $5}' /proc/self/mountinfo | grep -e "^$dk_run" -e "^$dk_data"; }
stop_dockerd() {
	if kill -0 "$dk_pid" 2>/dev/null; then
		local all
		all=$(D ps -aq 2>/dev/null)
		[ -n "$all" ] && D rm -f $all >/dev/null 2>&1
		kill "$dk_pid"
		for _ in $(seq 150); do kill -0 "$dk_pid" 2>/dev/null || break; sleep 0.1; done
		kill -9 "$dk_pid" 2>/dev/null
	fi
	wait "$dk_pid" 2>/dev/null
}
cleanup_docker() {
	stop_dockerd
	local p m
	for p in $(dockerd_processes); do kill -9 "$p" 2>/dev/null; done
	for m in $(dockerd_mounts | sort -r); do umount -l "$m"; done
	# dockerd's plugin directory is fixed; leave /run/docker as it was found
	rmdir /run/docker/plugins /run/docker 2>/dev/null
	rm -rf "$dk_run"
	cleanup
}
trap cleanup_docker EXIT

for _ in $(seq 600); do
	D version >/dev/null 2>&1 && break
	kill -0 "$dk_pid" 2>/dev/null || break
	sleep 0.1
done
if ! D version >/dev/null 2>&1; then
	echo "Bail out! dockerd did not come up in 60 s (or exited); its log:"
	tail -n 30 "$dk_run/log"
	exit 1
fi
t_up=$EPOCHREALTIME

is docker_default_runtime_is_ward "$(D info -f '{{.DefaultRuntime}} {{.Driver}}' 2>&1)" "ward $storage"

engine_image_tar "$WORK/image.tar"
out=$(D import "$WORK/image.tar" wardtest 2>&1)
is docker_imports_the_test_image "$?" 0
t_imported=$EPOCHREALTIME
diag "$out"

RUN=(run --rm --runtime ward --network none)
out=$(D "${RUN[@]}" wardtest sh -c 'echo hello as pid $$' 2>&1)
is docker_run_rm "$out" "hello as pid 1"
out=$(D "${RUN[@]}" wardtest sh -c 'exit 4' 2>&1; echo "rc=$?")
like docker_run_returns_the_exit_status "$out" 'rc=4$'

# script(1) gives docker a terminal.
out=$(script -qec "$DOCKER -H unix://$sock run --rm -it --runtime ward --network none wardtest sh -c 'tty'" /dev/null 2>&1 </dev/null)
like docker_run_it_gets_a_pty "$out" '/dev/pts/[0-9]+'

out=$(D "${RUN[@]}" --privileged wardtest true 2>&1; echo "rc=$?")
like docker_privileged_is_refused_by_the_policy "$out" 'refused by the baseline policy.*\[cap-sys-admin\].*rc=125'

# A detached container counting in a file, to see it frozen and thawed.
cid=$(D run -d --runtime ward --network none wardtest sh -c "trap 'exit 0' TERM; i=0; while :; do i=\$((i+1)); echo \$i >/tmp/n; sleep 0.1; done; : $MARK" 2>"$WORK/stderr")
status=$("$WARD" --root "$dk_run/exec/runtime-runc/moby" state "$cid" 2>&1 | jq -r .status 2>&1)
is docker_run_detached_is_a_running_ward_container "$status" running
[ -s "$WORK/stderr" ] && diag "docker run -d: $(cat "$WORK/stderr")"
pid=$(D inspect -f '{{.State.Pid}}' "$cid" 2>/dev/null)
# libnetwork's setkey hook binds the container's network namespace to its sandbox key.
key=$(D inspect -f '{{.NetworkSettings.SandboxKey}}' "$cid" 2>/dev/null)
netns=$(stat -L -c %i "/proc/$pid/ns/net" 2>&1)
if [ "${pid:-0}" -gt 0 ] && [ "$(stat -L -c %i "$key" 2>&1)" = "$netns" ]; then
	ok docker_prestart_hook_gave_libnetwork_the_namespace
else
	not_ok docker_prestart_hook_gave_libnetwork_the_namespace \
		"sandbox key '$key' is not the network namespace of pid '$pid' ($netns)"
fi
out=$(D exec "$cid" sh -c 'echo exec-ok as $(id -u)' 2>&1)
is docker_exec "$out" "exec-ok as 0"
userns_mode && userns_init_checks docker "$pid" "$(D exec "$cid" id -u 2>&1)"
out=$(D exec -u 1000 "$cid" sh -c 'echo "$HOME"' 2>&1)
is docker_exec_as_a_user_gets_its_home "$out" /home/user

count() { cat "/proc/$pid/root/tmp/n" 2>/dev/null; }
D pause "$cid" >/dev/null 2>&1
a=$(count)
sleep 1
b=$(count)
is docker_pause_freezes_it "$(D inspect -f '{{.State.Status}}' "$cid" 2>&1) $a" "paused $b"
D unpause "$cid" >/dev/null 2>&1
sleep 1
c=$(count)
if [ "$(D inspect -f '{{.State.Status}}' "$cid" 2>&1)" = running ] && [ "${c:-0}" -gt "${b:-0}" ]; then
	ok docker_unpause_thaws_it
else
	not_ok docker_unpause_thaws_it "count $b before, $c after unpausing"
fi

echo from-the-host >"$WORK/in.txt"
D cp "$WORK/in.txt" "$cid:/tmp/in.txt" >/dev/null 2>&1
is docker_cp_into_the_container "$(D exec "$cid" cat /tmp/in.txt 2>&1)" from-the-host
# docker cp gives what it copies in to the container's root (without -a).
is docker_cp_in_is_roots_inside "$(D exec "$cid" stat -c %u:%g /tmp/in.txt 2>&1)" 0:0
D exec "$cid" sh -c 'echo from-the-container >/tmp/out.txt' >/dev/null 2>&1
D cp "$cid:/tmp/out.txt" "$WORK/out.txt" >/dev/null 2>&1
is docker_cp_out_of_the_container "$(cat "$WORK/out.txt" 2>&1)" from-the-container

# The container's trap ends it with 0: SIGTERM reached it (a timeout's SIGKILL gives 137).
D stop -t 10 "$cid" >/dev/null 2>&1
is docker_stop_delivers_sigterm "$? $(D inspect -f '{{.State.ExitCode}}' "$cid" 2>&1)" "0 0"
D rm "$cid" >/dev/null 2>&1
is docker_rm "$?" 0

# The classic builder runs each RUN step in a container of the default runtime: ward.
mkdir -p "$WORK/context"
printf 'FROM wardtest\nRUN echo built by a RUN step as $(id -u) >/built\n' >"$WORK/context/Dockerfile"
t_build=$EPOCHREALTIME
printf 'RUN cat /proc/self/uid_map >/built-map\n' >>"$WORK/context/Dockerfile"
out=$(DOCKER_BUILDKIT=0 D build --network none --force-rm -q -t wardbuilt "$WORK/context" 2>&1)
t_built=$EPOCHREALTIME
diag "$out"
out=$(D "${RUN[@]}" wardbuilt cat /built 2>&1)
is docker_build_runs_its_steps_in_ward "$out" "built by a RUN step as 0"
if userns_mode; then
	# The RUN step had a user namespace of the pool.
	map=$(D "${RUN[@]}" wardbuilt cat /built-map 2>&1 | tr -s ' ' | sed 's/^ //')
	if [[ $map =~ ^0\ ([0-9]+)\ 65536$ ]] && in_pool "${BASH_REMATCH[1]}"; then
		ok docker_build_run_step_had_a_pool_user_namespace
	else
		not_ok docker_build_run_step_had_a_pool_user_namespace "uid_map of the RUN step: '$map'"
	fi
	# BuildKit runs RUN steps with its own executor (the runc in PATH), whatever the daemon's
	# runtimes: no ward, no policy, no user namespace. A TODO point, so that it shows.
	mkdir -p "$WORK/bk"
	printf 'FROM wardtest\nRUN cat /proc/self/uid_map >/bk-map\n' >"$WORK/bk/Dockerfile"
	DOCKER_BUILDKIT=1 D build --network none -q -t wardbk "$WORK/bk" >"$WORK/bk.out" 2>&1 || diag "$(cat "$WORK/bk.out")"
	map=$(D "${RUN[@]}" wardbk cat /bk-map 2>&1 | tr -s ' ' | sed 's/^ //')
	[[ $map =~ ^0\ ([0-9]+)\ 65536$ ]] && in_pool "${BASH_REMATCH[1]}" && map=pool
	is_or_todo docker_buildkit_run_step_had_a_pool_user_namespace "$map" pool \
		"BuildKit runs RUN steps with its own runc executor, not the daemon's runtime (ward)"
fi

D "${RUN[@]}" -v wardvol:/data wardtest sh -c 'echo kept >/data/f' >/dev/null 2>&1
out=$(D "${RUN[@]}" -v wardvol:/data wardtest cat /data/f 2>&1)
is docker_named_volume_outlives_its_container "$out" kept
# A new named volume gets the image's content at its mount point, copied by dockerd with the
# owners on disk; root's and user's files keep their owners inside.
out=$(D "${RUN[@]}" -v wardhome:/home wardtest sh -c 'stat -c %u:%g /home /home/user' 2>&1)
is docker_named_volume_copy_keeps_owners "$(echo $out)" "0:0 1000:1000"
out=$(D "${RUN[@]}" --user 1000 -v wardhome:/home wardtest sh -c 'echo mine >/home/user/f && stat -c %u:%g /home/user/f' 2>&1)
is docker_named_volume_user_writes_its_home "$out" 1000:1000

mkdir -p "$WORK/project"
echo source >"$WORK/project/main.c"
out=$(D "${RUN[@]}" -v "$WORK/project:/src" wardtest sh -c 'cat /src/main.c && echo built >/src/out' 2>&1)
is docker_project_directory_bind "$out $(cat "$WORK/project/out" 2>&1)" "source built"
# Owners are the same inside and on disk; what the container writes is on disk as the uid it
# has inside.
echo theirs >"$WORK/project/by-1000" && mkdir "$WORK/project/dir-1000" &&
	chown 1000:1000 "$WORK/project/by-1000" "$WORK/project/dir-1000"
out=$(D "${RUN[@]}" -v "$WORK/project:/src" wardtest sh -c 'stat -c %u:%g /src/main.c /src/by-1000 /src/dir-1000' 2>&1)
is docker_bind_owners_are_the_same_inside "$(echo $out)" "0:0 1000:1000 1000:1000"
is docker_bind_root_writes_as_0_on_disk "$(stat -c %u:%g "$WORK/project/out" 2>&1)" 0:0
out=$(D "${RUN[@]}" --user 1000 -v "$WORK/project:/src" wardtest sh -c 'id -u; echo x >/src/dir-1000/new; echo y >>/src/by-1000' 2>&1)
is docker_bind_user_writes_as_itself_on_disk \
	"$out $(stat -c %u:%g "$WORK/project/dir-1000/new" 2>&1) $(cat "$WORK/project/by-1000")" \
	"1000 1000:1000 theirs"$'\n'y

out=$(D "${RUN[@]}" --tmpfs /scratch wardtest sh -c 'echo x >/scratch/y && awk '\''$2 == "/scratch" {print $3}'\'' /proc/mounts' 2>&1)
is docker_tmpfs "$out" tmpfs

host_zone=$(md5sum </etc/localtime | cut -d' ' -f1)
out=$(D "${RUN[@]}" -v /etc/localtime:/etc/localtime:ro wardtest sh -c 'md5sum </etc/localtime | cut -d" " -f1; awk '\''$2 == "/etc/localtime" {print $4}'\'' /proc/mounts' 2>&1)
like docker_host_localtime_read_only "$out" "^$host_zone"$'\n''ro,'

out=$(D "${RUN[@]}" --device /dev/fuse wardtest sh -c 'exec 3<>/dev/fuse && echo opened /dev/fuse' 2>&1)
is docker_device_fuse "$out" "opened /dev/fuse"
# Permissions narrower than rwm make a device rule of their own.
out=$(D "${RUN[@]}" --device /dev/fuse:/dev/fuse:rw wardtest sh -c 'exec 3<>/dev/fuse && echo opened /dev/fuse' 2>&1)
is docker_device_fuse_rw "$out" "opened /dev/fuse"

# --init binds the host's docker-init (read-only) as the container's PID 1.
out=$(D "${RUN[@]}" --init wardtest cat /proc/1/comm 2>&1)
is docker_init "$out" docker-init

# Docker asks every container with a network namespace to let all groups ping; under
# `userns = auto` ward keeps that to every group the container's user namespace has.
expected_range="0 2147483647"
userns_mode && expected_range="0 65535"
out=$(D "${RUN[@]}" wardtest sh -c 'cat /proc/sys/net/ipv4/ping_group_range' 2>&1)
is docker_ping_group_range_is_every_group "$(echo $out)" "$expected_range"

out=$(D "${RUN[@]}" --oom-score-adj 500 wardtest cat /proc/self/oom_score_adj 2>&1)
is docker_oom_score_adj "$out" 500

# Docker leaves HOME to the runtime: from the image's /etc/passwd, "/" for a user not in it.
out=$(D "${RUN[@]}" wardtest sh -c 'echo "$HOME"' 2>&1)
is docker_root_gets_its_home "$out" /root
out=$(D "${RUN[@]}" --user 1000 wardtest sh -c 'echo "$HOME"; mkdir -p "$HOME/.cache" && echo created' 2>&1)
is docker_user_gets_its_home_from_passwd "$out" $'/home/user\ncreated'
out=$(D "${RUN[@]}" --user 4321 wardtest sh -c 'echo "$HOME"' 2>&1)
is docker_unknown_user_gets_home_slash "$out" /

# Loopback: with --network none libnetwork sets the sandbox up; without a network (this
# daemon has no bridge) only the runtime brings lo up, as runc does.
loopback='ip link show lo | head -n 1; nc -l -p 8080 -e echo pong & for i in 1 2 3 4 5 6 7 8 9 10; do echo | nc 127.0.0.1 8080 2>/dev/null && break; sleep 0.2; done'
out=$(D "${RUN[@]}" wardtest sh -c "$loopback" 2>&1)
like docker_loopback_with_network_none "$out" 'LOOPBACK,UP.*pong'
out=$(D run --rm --runtime ward wardtest sh -c "$loopback" 2>&1)
like docker_loopback_without_a_network "$out" 'LOOPBACK,UP.*pong'

# What a start costs through the whole stack (dockerd, containerd, shim, ward): the median of
# ten `docker run --rm`, for comparing the modes and storage drivers (a figure, not a check).
for _ in $(seq 10); do
	t0=$EPOCHREALTIME
	D "${RUN[@]}" wardtest true >/dev/null 2>&1
	t1=$EPOCHREALTIME
	awk -v a="${t0/,/.}" -v b="${t1/,/.}" 'BEGIN { printf "%.0f\n", (b - a) * 1000 }'
done | sort -n >"$WORK/run-ms"
diag "docker run --rm: median $(sed -n 5p "$WORK/run-ms") ms, slowest $(tail -n 1 "$WORK/run-ms") ms of 10 ($storage${WARD_TEST_USERNS:+, userns = $WARD_TEST_USERNS})"

left=$(ls -A "$dk_run/exec/runtime-runc/moby" 2>/dev/null | grep -v '^cache:seccomp$')
is docker_leaves_no_ward_state "$left" ""

t_stop=$EPOCHREALTIME
stop_dockerd
t_stopped=$EPOCHREALTIME
is dockerd_stops_leaving_no_process_or_mount "$(dockerd_processes)$(dockerd_mounts)" ""
# BuildKit's parent cgroup below the daemon's cgroup-parent (its steps' are gone): not ward's.
rmdir "$CGROUP_ROOT$CGROUP_PARENT/buildkit" 2>/dev/null
assert_no_leftovers

elapsed() { awk -v a="${1/,/.}" -v b="${2/,/.}" 'BEGIN { printf "%.1f", b - a }'; }
diag "timings (s): dockerd up $(elapsed "$t_start" "$t_up"), import $(elapsed "$t_up" "$t_imported"), build $(elapsed "$t_build" "$t_built"), stop $(elapsed "$t_stop" "$t_stopped"), whole script $(elapsed "$t_start" "$EPOCHREALTIME")"
done_testing
