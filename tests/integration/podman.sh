#!/bin/bash
# podman 4.3 (through conmon) with ward as its OCI runtime: run --rm, -it through a pty, exec,
# stop, --read-only, --cap-drop, --user. Images come from a tar of the test rootfs.
. "$(dirname "$0")/lib/common.sh"
plan 13

if ! command -v podman >/dev/null; then
	echo "Bail out! podman is not installed (contrib/test installs it)"
	exit 1
fi

# podman refuses a runroot longer than 50 characters: keep its directories short.
pm_root=$(mktemp -d /tmp/ward-pm.XXXXXX)
# What podman needs on these machines (see the team's test-machines notes).
cat >"$pm_root/containers.conf" <<CONF
[containers]
default_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]
pids_limit = 0
[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "$pm_root/events.log"
CONF
export CONTAINERS_CONF="$pm_root/containers.conf"
P() { podman --root "$pm_root/root" --runroot "$pm_root/runroot" --storage-driver vfs \
	--runtime "$WARD" --tmpdir "$pm_root/tmp" "$@"; }
stop_podman() {
	P rm -af -t 0 >/dev/null 2>&1
	rm -rf "$pm_root"
	cleanup
}
trap stop_podman EXIT

tar -C "$ROOTFS" -cf "$pm_root/rootfs.tar" .
out=$(P import "$pm_root/rootfs.tar" localhost/wardtest 2>&1)
is podman_imports_the_test_image "$?" 0
diag "$out"

out=$(P run --rm --network none localhost/wardtest sh -c 'echo hello as pid $$' 2>&1)
is podman_run_rm "$out" "hello as pid 1"
out=$(P run --rm --network none localhost/wardtest sh -c 'exit 4' 2>&1; echo "rc=$?")
like podman_run_returns_the_exit_status "$out" 'rc=4'

# script(1) gives podman a terminal; its stdin must stay open while the container runs.
out=$(sleep 20 | script -qec "podman --root $pm_root/root --runroot $pm_root/runroot --storage-driver vfs --runtime $WARD --tmpdir $pm_root/tmp run --rm -it --network none localhost/wardtest sh -c 'tty'" /dev/null 2>&1)
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
P stop -t 5 "$cid" >/dev/null 2>&1
is podman_stop "$?" 0
P rm "$cid" >/dev/null 2>&1
is podman_rm "$?" 0

# --device: podman writes the node's file type into fileMode (8630 for /dev/fuse), a
# linux.devices entry and a rule with the permissions asked for.
out=$(P run --rm --network none --device /dev/fuse localhost/wardtest sh -c 'stat -c "%a %t:%T" /dev/fuse; exec 3<>/dev/fuse && echo rw-ok' 2>&1)
is podman_device_fuse "$(echo "$out" | tr '\n' ' ')" "666 a:e5 rw-ok "
out=$(P run --rm --network none --device /dev/fuse:/dev/fuse:r localhost/wardtest sh -c 'exec 3</dev/fuse && echo r-ok; (exec 4>/dev/fuse) 2>&1; true' 2>&1)
like podman_device_read_only "$out" "r-ok.*can't create /dev/fuse: Operation not permitted"
out=$(P run --rm --network none --device /dev/tty1 localhost/wardtest true 2>&1)
like podman_device_host_tty_is_refused "$out" 'linux\.devices\[0\]: /dev/tty1 \(char 4:1\) \[device-host-tty\]' 
