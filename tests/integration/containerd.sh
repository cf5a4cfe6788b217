#!/bin/bash
# containerd 1.6 (the runc v2 shim, as Docker and Kubernetes use it) driving ward, with ward's
# DEFAULT policy, through `ctr --runc-binary`: foreground and detached tasks, exec, kill,
# delete, a terminal task, a project directory bound read-only, the host's time zone, a tmpfs,
# --device /dev/fuse, HOME, loopback; --privileged refused.
# WARD_TEST_USERNS=auto (containerd-userns.sh): the same battery with `userns = auto`, plus the
# checks that tell the user namespace is there (lib/engine-userns.sh).
. "$(dirname "$0")/lib/common.sh"
. "$(dirname "$0")/lib/engine-userns.sh"

if ! command -v containerd >/dev/null || ! command -v ctr >/dev/null; then
	echo "Bail out! containerd is not installed (contrib/test installs it)"
	exit 1
fi

cd_root="$WORK/containerd"
sock="$SOCKDIR/containerd.sock"
mkdir -p "$cd_root"
cat >"$cd_root/config.toml" <<TOML
version = 2
root = "$cd_root/root"
state = "$cd_root/state"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "$sock"
[ttrpc]
  address = "$sock.ttrpc"
TOML
containerd --config "$cd_root/config.toml" >"$cd_root/log" 2>&1 &
cpid=$!
stop_containerd() {
	kill "$cpid" 2>/dev/null
	wait "$cpid" 2>/dev/null
	# shims are daemons of their own
	pkill -f "containerd-shim-runc-v2 .*-address $sock" 2>/dev/null
	cleanup
}
trap stop_containerd EXIT
CTR() { ctr --address "$sock" "$@"; }
# A first start on a fresh machine can take a while: wait until it answers.
for _ in $(seq 300); do CTR version >/dev/null 2>&1 && break; sleep 0.1; done
if ! CTR version >/dev/null 2>&1; then
	echo "Bail out! containerd did not come up in 30 s; its log:"
	tail -n 30 "$cd_root/log"
	exit 1
fi

private_rootfs "$WORK/rootfs"
# ctr's containers have the cgroup /<namespace>/<id> and the shim's state root for ward
# (runc's --root) is /run/containerd/runc/<namespace> unless told: a namespace named like this
# script's cgroup parent and a root of its own, so that the same names in containerd-userns.sh,
# run at the same time by another daemon, are other containers.
export CONTAINERD_NAMESPACE=${CGROUP_PARENT#/}
RUNC=(--runc-binary "$WARD" --runc-root "$SOCKDIR/runc")
out=$(CTR run --rm "${RUNC[@]}" --rootfs "$WORK/rootfs" fg sh -c 'echo hello as pid $$; exit 0' 2>&1)
like ctr_run_in_the_foreground "$out" 'hello as pid 1'
out=$(CTR run --rm "${RUNC[@]}" --rootfs "$WORK/rootfs" fgexit sh -c 'exit 3' 2>&1; echo "rc=$?")
like ctr_run_returns_the_exit_status "$out" 'rc=3'

CTR run -d "${RUNC[@]}" --rootfs "$WORK/rootfs" bg sh -c "trap 'exit 0' TERM; while :; do sleep 1; done; : $MARK" >"$WORK/bg.out" 2>&1
tasks=$(CTR task ls 2>&1)
like ctr_run_detached_task_is_running "$tasks" 'bg +[0-9]+ +RUNNING'
[[ $tasks =~ bg\ +[0-9]+\ +RUNNING ]] || diag "ctr run -d: $(cat "$WORK/bg.out")"
out=$(CTR task exec --exec-id e1 bg sh -c 'echo exec-ok; readlink /proc/1/ns/pid' 2>&1)
like ctr_task_exec_runs_in_the_container "$out" 'exec-ok'
userns_mode && userns_init_checks ctr "$(CTR task ls 2>/dev/null | awk '$1 == "bg" {print $2}')" \
	"$(CTR task exec --exec-id e2 bg id -u 2>&1)"
CTR task kill -s SIGTERM bg >/dev/null 2>&1
for _ in $(seq 50); do CTR task ls 2>/dev/null | grep -q 'bg .*STOPPED' && break; sleep 0.1; done
like ctr_task_kill_stops_it "$(CTR task ls 2>&1)" 'bg +[0-9]+ +STOPPED'
CTR task delete bg >/dev/null 2>&1
is ctr_task_delete_succeeds "$?" 0
CTR container delete bg >/dev/null 2>&1
unlike ctr_task_is_gone "$(CTR task ls 2>&1)" 'bg'

out=$(script -qec "ctr --address $sock run --rm -t --runc-binary $WARD --runc-root $SOCKDIR/runc --rootfs $WORK/rootfs tty sh -c 'tty; exit 0'" /dev/null 2>&1 </dev/null)
like ctr_run_with_a_terminal_gets_a_pty "$out" '/dev/pts/[0-9]+'

RUN=(run --rm "${RUNC[@]}")
mkdir -p "$WORK/project"
echo source >"$WORK/project/main.c"
out=$(CTR "${RUN[@]}" --mount "type=bind,src=$WORK/project,dst=/src,options=rbind:ro" --rootfs "$WORK/rootfs" bind sh -c 'cat /src/main.c; touch /src/x 2>&1; exit 0' 2>&1)
like ctr_mount_project_directory_read_only "$out" '^source'$'\n''.*Read-only file system'
# Owners are the same inside and on disk; what the container writes is on disk as the uid it
# has inside.
echo theirs >"$WORK/project/by-1000" && chown 1000:1000 "$WORK/project/by-1000"
out=$(CTR "${RUN[@]}" --mount "type=bind,src=$WORK/project,dst=/src,options=rbind:rw" --rootfs "$WORK/rootfs" bindrw sh -c 'stat -c %u:%g /src/main.c /src/by-1000; echo built >/src/out; exit 0' 2>&1)
is ctr_bind_owners_are_the_same_inside "$(echo $out)" "0:0 1000:1000"
is ctr_bind_root_writes_as_0_on_disk "$(stat -c %u:%g "$WORK/project/out" 2>&1)" 0:0

host_zone=$(md5sum </etc/localtime | cut -d' ' -f1)
out=$(CTR "${RUN[@]}" --mount type=bind,src=/etc/localtime,dst=/etc/localtime,options=rbind:ro --rootfs "$WORK/rootfs" zone sh -c 'md5sum </etc/localtime | cut -d" " -f1; awk '\''$2 == "/etc/localtime" {print $4}'\'' /proc/mounts' 2>&1)
like ctr_mount_host_localtime_read_only "$out" "^$host_zone"$'\n''ro,'

out=$(CTR "${RUN[@]}" --mount type=tmpfs,src=tmpfs,dst=/scratch,options=nosuid:nodev:size=1m --rootfs "$WORK/rootfs" tmpfs sh -c 'echo x >/scratch/y && awk '\''$2 == "/scratch" {print $3}'\'' /proc/mounts' 2>&1)
is ctr_mount_tmpfs "$out" tmpfs

out=$(CTR "${RUN[@]}" --device /dev/fuse --rootfs "$WORK/rootfs" fuse sh -c 'exec 3<>/dev/fuse && echo opened /dev/fuse' 2>&1)
is ctr_device_fuse "$out" "opened /dev/fuse"

# ctr sets no HOME: the runtime takes it from the image's /etc/passwd, as runc does.
out=$(CTR "${RUN[@]}" --rootfs "$WORK/rootfs" home sh -c 'echo "$HOME"' 2>&1)
is ctr_root_gets_its_home "$out" /root

# A new network namespace: the runtime brings lo up, as runc does.
out=$(CTR "${RUN[@]}" --rootfs "$WORK/rootfs" lo sh -c 'ip link show lo | head -n 1; nc -l -p 8080 -e echo pong & for i in 1 2 3 4 5 6 7 8 9 10; do echo | nc 127.0.0.1 8080 2>/dev/null && break; sleep 0.2; done' 2>&1)
like ctr_loopback_is_up "$out" 'LOOPBACK,UP.*pong'

out=$(CTR "${RUN[@]}" --privileged --rootfs "$WORK/rootfs" priv true 2>&1; echo "rc=$?")
like ctr_privileged_is_refused_by_the_policy "$out" 'refused by the baseline policy.*\[cap-sys-admin\].*rc=1'
unlike ctr_leaves_no_container "$(CTR container ls -q 2>&1)" '.'

assert_no_leftovers
done_testing
