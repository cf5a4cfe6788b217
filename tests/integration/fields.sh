#!/bin/bash
# Fields ward once parsed and ignored, checked from inside real containers: tmpcopyup,
# linux.netDevices (and the net-device check), execCPUAffinity, memoryPolicy, exec --cgroup,
# --pidfd-socket, a failing poststart hook, and what is refused by name (intelRdt, personality
# flags, a newer ociVersion).
. "$(dirname "$0")/lib/common.sh"

W() { "$WARD" --root "$STATE_ROOT" "$@"; }
cg="$CGROUP_ROOT$CGROUP_PARENT"

# ---- tmpcopyup: the tmpfs starts with a copy of the image's directory ----------------------
rootfs="$WORK/copyroot"
private_rootfs "$rootfs"
mkdir -p "$rootfs/data/sub/deep" "$rootfs/data/empty"
echo image-file >"$rootfs/data/file"
echo deep >"$rootfs/data/sub/deep/f"
printf 'x%.0s' $(seq 100000) >"$rootfs/data/big"
chown 1234:5678 "$rootfs/data" "$rootfs/data/file"
# Modes that root without CAP_DAC_OVERRIDE (ward spec's process) can still use.
chmod 0751 "$rootfs/data"
chmod 0646 "$rootfs/data/file"
chmod 2711 "$rootfs/data/sub"
ln -s /etc/hostname-on-the-host "$rootfs/data/abs-link"
ln -s ../../.. "$rootfs/data/sub/up"
mkfifo "$rootfs/data/fifo"
touch -d '2001-02-03 04:05:06' "$rootfs/data/file"
# The destination as a symlink inside the image: resolved inside the root, as any mount.
ln -s /data "$rootfs/data-link"
b=$(new_bundle copy 'cd /data && stat -c "%n %u:%g %a %F" . file sub fifo abs-link; cat file sub/deep/f;
	readlink abs-link; readlink sub/up; wc -c <big; stat -c %y file | cut -c1-19; echo new >file && cat file;
	grep " /data " /proc/self/mountinfo | cut -d" " -f9; stat -c "%u:%g %a" /other')
mkdir -p "$rootfs/otherimg"
chmod 0700 "$rootfs/otherimg"
edit_config "$b" '.root.path = $r | .mounts += [
	{destination: "/data-link", type: "tmpfs", source: "tmpfs", options: ["tmpcopyup", "nosuid", "nodev"]},
	{destination: "/other", type: "tmpfs", source: "tmpfs", options: ["tmpcopyup", "mode=1777"]}]' \
	--arg r "$rootfs"
ward_run "$b" copy
is tmpcopyup_copies_owner_mode_and_types "$(echo "$OUT" | sed -n 1,5p | tr '\n' '|')" \
	". 1234:5678 751 directory|file 1234:5678 646 regular file|sub 0:0 2711 directory|fifo 0:0 644 fifo|abs-link 0:0 777 symbolic link|"
is tmpcopyup_copies_file_contents_and_subdirectories "$(echo "$OUT" | sed -n 6,7p | tr '\n' ' ')" "image-file deep "
is tmpcopyup_copies_symlinks_without_following_them "$(echo "$OUT" | sed -n 8,9p | tr '\n' ' ')" "/etc/hostname-on-the-host ../../.. "
is tmpcopyup_copies_large_files_whole "$(echo "$OUT" | sed -n 10p)" 100000
is tmpcopyup_keeps_modification_times "$(echo "$OUT" | sed -n 11p)" "2001-02-03 04:05:06"
is the_copy_is_writable_in_the_container "$(echo "$OUT" | sed -n 12p)" new
is the_copy_is_a_tmpfs "$(echo "$OUT" | sed -n 13p)" tmpfs
is mode_given_in_the_options_wins_over_the_image "$(echo "$OUT" | sed -n 14p)" "0:0 1777"
is the_image_is_left_untouched "$(cat "$rootfs/data/file")" image-file
is tmpcopyup_exit_status "$RC" 0

# A directory of another mount below the destination is not copied (here: a bind of a host
# directory already mounted at /data/sub/vol when the tmpfs comes).
mkdir -p "$WORK/vol" "$rootfs/data/sub/vol"
echo host-volume >"$WORK/vol/secret"
echo host-file >"$WORK/hostfile"
b=$(new_bundle copymnt 'ls -A /data/sub/vol | wc -l; wc -c </data/bound; cat /data/file')
edit_config "$b" '.root.path = $r | .mounts += [
	{destination: "/data/sub/vol", type: "bind", source: $v, options: ["bind"]},
	{destination: "/data/bound", type: "bind", source: $f, options: ["bind"]},
	{destination: "/data", type: "tmpfs", source: "tmpfs", options: ["tmpcopyup"]}]' \
	--arg r "$rootfs" --arg v "$WORK/vol" --arg f "$WORK/hostfile"
ward_run "$b" copymnt
is tmpcopyup_does_not_copy_other_mounts "$(echo "$OUT" | tr '\n' ' ')" "0 0 image-file "

# A read-only tmpcopyup tmpfs (podman --tmpfs /data:ro) is filled, then made read-only.
b=$(new_bundle copyro 'cat /data/file; touch /data/new 2>&1 | grep -c "Read-only file system"')
edit_config "$b" '.root.path = $r | .mounts += [
	{destination: "/data", type: "tmpfs", source: "tmpfs", options: ["tmpcopyup", "ro"]}]' \
	--arg r "$rootfs"
ward_run "$b" copyro
is a_read_only_tmpcopyup_is_filled_then_read_only "$RC $(echo "$OUT" | tr '\n' ' ')" "0 image-file 1 "

# ---- linux.netDevices ------------------------------------------------------------------------
dev="wardt$$"
dev=${dev:0:15}
# A dummy interface where the kernel has the driver; else one end of a veth pair (whose
# peer goes away with it).
ip link add "$dev" type dummy 2>/dev/null || ip link add "$dev" type veth peer name "${dev:0:13}p"
# Whatever happens below, the host keeps no test interface.
trap 'ip link del "$dev" 2>/dev/null; ip link del "${dev:0:13}p" 2>/dev/null; cleanup' EXIT
ip addr add 192.0.2.7/24 dev "$dev"
ip addr add 2001:db8::7/64 dev "$dev" nodad
b=$(new_bundle netdev "sleep 20; : $MARK")
edit_config "$b" '.linux.netDevices = {($d): {name: "ctr0"}}' --arg d "$dev"
ward_run "$b" netdev
like net_device_is_refused_at_baseline "$RC|$ERR" "^1\|.*linux.netDevices\[\"$dev\"\]: moves the host's interface $dev into the container as ctr0 \[net-device\]"
check a_refused_net_device_stays_on_the_host ip link show "$dev"

use_policy 'allow = net-device'
W run -d -b "$b" netdev >/dev/null 2>"$WORK/netdev.err" </dev/null
sleep 0.2
W run -b "$b" netdev-probe >/dev/null 2>&1 </dev/null # a second one: the device is gone
rc_second=$?
# Seen from inside the container (busybox ip).
OUT=$(W exec netdev sh -c 'ip -o link show ctr0 | cut -d" " -f2,3; ip -o addr show ctr0 | awk "{print \$4}" | sort | tr "\n" " "')
like net_device_is_moved_renamed_and_up "$(echo "$OUT" | sed -n 1p)" '^ctr0(@[^:]*)?: <([A-Z_-]+,)*UP[,>]'
is net_device_keeps_its_permanent_global_addresses "$(echo "$OUT" | sed -n 2p)" "192.0.2.7/24 2001:db8::7/64 "
check net_device_is_gone_from_the_host bash -c "! ip link show '$dev' 2>/dev/null"
check a_second_container_cannot_take_it_again test "$rc_second" -ne 0
W kill netdev KILL
for _ in $(seq 50); do [ "$(W state netdev | jq -r .status)" = stopped ] && break; sleep 0.05; done
W delete netdev
ip link del "$dev" 2>/dev/null
check a_dummy_goes_with_the_containers_namespace bash -c "! ip link show '$dev' 2>/dev/null"

b=$(new_bundle netdevnons 'true')
edit_config "$b" '.linux.netDevices = {"lo": {}} | .linux.namespaces |= map(select(.type != "network"))'
printf 'allow = net-device, host-network-namespace\n' >"$WORK/netdev2.conf"
OUT=$("$WARD_REAL" --policy "$WORK/netdev2.conf" --root "$STATE_ROOT" run -b "$b" netdevnons 2>&1 </dev/null)
like net_devices_need_a_network_namespace "$OUT" 'linux.netDevices: moving lo into the container needs a network namespace of its own'
b=$(new_bundle netdevmissing 'true')
edit_config "$b" '.linux.netDevices = {"wardnosuch0": {}}'
ward_run "$b" netdevmissing
like a_missing_interface_is_an_error "$RC|$ERR" '^1\|.*linux.netDevices.wardnosuch0: no interface wardnosuch0 on the host'
WARD=$WARD_REAL

# ---- execCPUAffinity, memoryPolicy -------------------------------------------------------------
ncpu=$(nproc)
all="0-$((ncpu - 1))"
[ "$ncpu" = 1 ] && all=0
b=$(new_bundle affinity "grep Cpus_allowed_list /proc/self/status | cut -f2; sleep 30; : $MARK")
edit_config "$b" '.process.execCPUAffinity = {initial: "0", final: $f}' --arg f "$((ncpu - 1))"
taskset -c 0 "$WARD" --root "$STATE_ROOT" run -d -b "$b" affinity >"$WORK/aff.out" </dev/null
sleep 0.2
is init_affinity_is_reset_to_every_cpu "$(cat "$WORK/aff.out")" "$all"
OUT=$(taskset -c 0 "$WARD" --root "$STATE_ROOT" exec affinity sh -c 'grep Cpus_allowed_list /proc/self/status | cut -f2')
is exec_runs_on_the_final_cpus "$OUT" "$((ncpu - 1))"
echo '{"args": ["sh", "-c", "grep Cpus_allowed_list /proc/self/status | cut -f2"], "cwd": "/", "execCPUAffinity": {"initial": "0"}}' >"$WORK/p.json"
is exec_with_only_initial_stays_there "$(W exec -p "$WORK/p.json" affinity)" 0
echo '{"args": ["sh", "-c", "grep Cpus_allowed_list /proc/self/status | cut -f2"], "cwd": "/"}' >"$WORK/p.json"
is a_process_without_affinity_takes_the_containers "$(taskset -c 0 "$WARD" --root "$STATE_ROOT" exec -p "$WORK/p.json" affinity)" "$((ncpu - 1))"
b=$(new_bundle noaff "sleep 30; : $MARK")
W run -d -b "$b" noaff </dev/null
is exec_without_any_affinity_is_reset "$(taskset -c 0 "$WARD" --root "$STATE_ROOT" exec noaff sh -c 'grep Cpus_allowed_list /proc/self/status | cut -f2')" "$all"
W kill noaff KILL
for _ in $(seq 50); do [ "$(W state noaff | jq -r .status)" = stopped ] && break; sleep 0.05; done
W delete noaff
echo '{"args": ["true"], "cwd": "/", "execCPUAffinity": {"final": "8000"}}' >"$WORK/p.json"
like an_impossible_affinity_is_an_error "$(W exec -p "$WORK/p.json" affinity 2>&1; echo "rc=$?")" 'process.execCPUAffinity.final: run on CPUs 8000.*rc=255'

# ---- exec --cgroup, --pidfd-socket ---------------------------------------------------------------
mkdir "$cg/affinity/sub"
W exec -d --cgroup sub --pid-file "$WORK/sub.pid" affinity sleep 20
is exec_cgroup_places_the_process_in_the_sub_cgroup "$(grep '^0::' /proc/"$(cat "$WORK/sub.pid")"/cgroup)" "0::$CGROUP_PARENT/affinity/sub"
like exec_cgroup_must_exist "$(W exec --cgroup nosuch affinity true 2>&1)" '--cgroup "nosuch": [Nn]o such file or directory.*must exist'
like exec_cgroup_stays_below_the_container "$(W exec --cgroup ../.. affinity true 2>&1)" '"\.\." would leave'
kill "$(cat "$WORK/sub.pid")" 2>/dev/null

sock="$SOCKDIR/pidfd.sock"
"$WARD_HELPERS/recvtty" "$sock" 2>"$WORK/pidfd.err" &
for _ in $(seq 50); do grep -q listening "$WORK/pidfd.err" 2>/dev/null && break; sleep 0.02; done
W exec -d --pidfd-socket "$sock" --pid-file "$WORK/pf.pid" affinity sleep 20
wait
is exec_sends_the_processes_pidfd "$(sed -n 2,3p "$WORK/pidfd.err" | tr '\n' ' ')" "payload=setns fds=1 tty=0 pidfd-pid=$(cat "$WORK/pf.pid") alive=1 "
W kill affinity KILL
for _ in $(seq 50); do [ "$(W state affinity | jq -r .status)" = stopped ] && break; sleep 0.05; done
W delete affinity

"$WARD_HELPERS/recvtty" "$sock" 2>"$WORK/pidfd.err" &
for _ in $(seq 50); do grep -q listening "$WORK/pidfd.err" 2>/dev/null && break; sleep 0.02; done
b=$(new_bundle pidfd "sleep 20; : $MARK")
W create -b "$b" --pidfd-socket "$sock" --pid-file "$WORK/pidfd.pid" pidfd </dev/null
wait
is create_sends_the_inits_pidfd "$(sed -n 2,3p "$WORK/pidfd.err" | tr '\n' ' ')" "payload=standard fds=1 tty=0 pidfd-pid=$(cat "$WORK/pidfd.pid") alive=1 "
W delete --force pidfd
like a_pidfd_socket_nobody_listens_on_fails_before_anything_exists "$(W run -b "$b" --pidfd-socket "$SOCKDIR/none.sock" nolisten 2>&1; echo "rc=$?"; ls -A "$STATE_ROOT" | grep -v cache)" \
	'--pidfd-socket .*none.sock: [Nn]o such file or directory.rc=1$'

b=$(new_bundle mempolicy 'head -n 1 /proc/self/numa_maps | cut -d" " -f2')
edit_config "$b" '.linux.memoryPolicy = {mode: "MPOL_BIND", nodes: "0"}'
ward_run "$b" mempolicy
is memory_policy_applies_to_the_process "$OUT" "bind:0"
edit_config "$b" '.linux.memoryPolicy = {mode: "MPOL_INTERLEAVE", nodes: "0", flags: ["MPOL_F_STATIC_NODES"]}'
ward_run "$b" mempolicy
is memory_policy_flags_apply "$OUT" "interleave=static:0"
edit_config "$b" '.linux.memoryPolicy = {mode: "MPOL_BIND", nodes: "63"}'
ward_run "$b" mempolicy
like memory_policy_on_absent_nodes_fails_closed "$RC|$ERR" '^1\|.*linux.memoryPolicy: set MPOL_BIND on nodes 63'

# ---- refused by name -----------------------------------------------------------------------------
b=$(new_bundle refused 'true')
edit_config "$b" '.linux.intelRdt = {closID: "c1"}'
ward_run "$b" refused
like intel_rdt_is_refused_by_name "$RC|$ERR" '^1\|.*linux.intelRdt: ward does not implement Intel RDT'
edit_config "$b" 'del(.linux.intelRdt) | .linux.personality = {domain: "LINUX", flags: ["ADDR_NO_RANDOMIZE"]}'
ward_run "$b" refused
like personality_flags_are_refused "$RC|$ERR" '^1\|.*linux.personality.flags: "ADDR_NO_RANDOMIZE": the runtime spec defines no personality flags'
edit_config "$b" 'del(.linux.personality) | .ociVersion = "1.4.0"'
ward_run "$b" refused
like a_newer_oci_version_is_refused "$RC|$ERR" '^1\|.*ociVersion: version "1.4.0" is not supported: ward implements runtime-spec 1.0 to 1.3'

# ---- a failing poststart hook is an error (runtime-spec 1.3) --------------------------------------
use_policy 'hook = /bin/false' # the policy's hook allow-list (hook-not-allowed)
b=$(new_bundle poststart "sleep 20; : $MARK")
edit_config "$b" '.hooks.poststart = [{path: "/bin/false"}]'
W create -b "$b" poststart </dev/null
OUT=$(W start poststart 2>&1)
RC=$?
like start_fails_when_a_poststart_hook_fails "$RC|$OUT" '^1\|.*hooks.poststart\[0\]: /bin/false exited with status 1'
for _ in $(seq 50); do [ "$(W state poststart | jq -r .status)" = stopped ] && break; sleep 0.05; done
is and_the_container_is_stopped "$(W state poststart | jq -r .status)" stopped
W delete poststart
ward_run "$b" poststart2
like run_fails_when_a_poststart_hook_fails "$RC|$ERR" '^1\|.*hooks.poststart\[0\]: /bin/false exited with status 1'
is run_leaves_nothing_after_a_failed_poststart "$(ls "$STATE_ROOT" | grep -v cache)" ""
WARD=$WARD_REAL

assert_no_leftovers
done_testing
