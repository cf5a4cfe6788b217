#!/bin/bash
# policy `userns = auto` (ward-policy(5)): containers whose config has no user namespace get one
# with 65536 ids leased from the pool. Checked from the host (/proc/<init>/status, uid_map,
# the ledger in /run/ward/userns, files on disk) and from inside (id, uid_map, owners through
# the idmapped root and volume): two containers at once with disjoint ranges, exec joining the
# namespace, reuse after delete, a SIGKILLed create, a full pool, a config's own mappings, the
# check lifted by annotation, and the restricted level.
. "$(dirname "$0")/lib/common.sh"
W() { "$WARD" --root "$STATE_ROOT" "$@"; }
LEDGER=/run/ward-userns
# Three blocks, far above any host user (the check refuses a pool that overlaps one).
BASE=3900000000
use_policy "userns = auto" "userns-pool = $BASE:196608" "overridable = auto-user-namespace"
status_ids() { awk -v k="$2:" '$1 == k {print $2}' "/proc/$1/status"; }
init_pid() { W state "$1" | jq .pid; }
# The ledger's entries for this script's state root.
entries() { grep -l "^root=$STATE_ROOT\$" "$LEDGER"/* 2>/dev/null | wc -l; }
host_uid_of() { awk '{print $2}' "/proc/$(init_pid "$1")/uid_map"; }

# ---- two containers at once ------------------------------------------------------------------
rootfs=$WORK/rootfs-a
private_rootfs "$rootfs"
vol=$WORK/vol
mkdir -p "$vol" && echo data >"$vol/owned-by-1000" && chown 1000:1000 "$vol/owned-by-1000"
a=$(new_bundle a "sleep 300; : $MARK")
edit_config "$a" '.root.path = $r | .root.readonly = false |
	.process.capabilities |= with_entries(.value += ["CAP_MKNOD", "CAP_CHOWN"]) |
	.mounts += [{"destination": "/vol", "type": "bind", "source": $v, "options": ["rbind", "rw"]}]' \
	--arg r "$rootfs" --arg v "$vol"
b=$(new_bundle b "sleep 300; : $MARK")
check first_container_runs W run -d -b "$a" a
check second_container_runs W run -d -b "$b" b
pa=$(init_pid a)
pb=$(init_pid b)
ua=$(status_ids "$pa" Uid)
ub=$(status_ids "$pb" Uid)
is init_runs_as_the_first_block_on_the_host "$ua $(status_ids "$pa" Gid)" "$BASE $BASE"
is second_init_has_the_next_block "$ub" "$((BASE + 65536))"
is uid_map_is_the_lease "$(tr -s ' ' <"/proc/$pa/uid_map" | sed 's/^ //')" "0 $BASE 65536"
is gid_map_is_the_lease "$(tr -s ' ' <"/proc/$pb/gid_map" | sed 's/^ //')" "0 $((BASE + 65536)) 65536"
is ledger_holds_two_entries "$(entries)" 2
is state_records_the_lease "$(jq -c '[.userns_uid, .userns_gid, .userns_size]' "$STATE_ROOT/a/state.json")" "[$BASE,$BASE,65536]"
is inside_the_process_is_root "$(W exec a id -u)" 0
is inside_uid_map_maps_0_to_the_lease "$(W exec a cat /proc/self/uid_map | tr -s ' ' | sed 's/^ //')" "0 $BASE 65536"
is exec_joins_the_containers_user_namespace "$(W exec a readlink /proc/self/ns/user)" \
	"$(readlink "/proc/$pa/ns/user")"
W exec -d --pid-file "$WORK/exec.pid" a sleep 60
is exec_process_runs_as_the_lease_on_the_host "$(status_ids "$(cat "$WORK/exec.pid")" Uid)" "$BASE"
is image_files_are_roots_inside "$(W exec a stat -c %u:%g /bin/busybox)" 0:0
is volume_file_keeps_its_owner_inside "$(W exec a stat -c %u:%g /vol/owned-by-1000)" 1000:1000
W exec a sh -c 'echo x >/vol/by-root && echo y >/etc/by-root' >/dev/null 2>&1
is files_root_writes_in_the_volume_are_0_on_disk "$(stat -c %u:%g "$vol/by-root" 2>&1)" 0:0
is files_root_writes_in_the_root_are_0_on_disk "$(stat -c %u:%g "$rootfs/etc/by-root" 2>&1)" 0:0
W exec --user 1234:1234 a sh -c 'echo z >/tmp/by-1234' >/dev/null 2>&1
is a_uid_writes_as_itself_on_disk "$(stat -c %u:%g "$rootfs/tmp/by-1234" 2>&1)" 1234:1234
is the_image_on_disk_is_unchanged "$(stat -c %u:%g "$rootfs/bin/busybox")" 0:0
out=$(W exec a sh -c 'cat /etc/shadow-none 2>/dev/null; echo 1 >/proc/sys/kernel/hostname 2>&1; hostname' 2>&1)
like host_kernel_settings_stay_out_of_reach "$out" 'Permission denied|Read-only|can.t'
is no_container_mount_reaches_the_host "$(awk -v w="$WARD_TEST_WORK/" 'index($5, w) == 1 {print $5}' /proc/self/mountinfo)" ""
# What the user namespace changes and what it leaves: capabilities act only on the container's
# own namespaces, the masks and the never filter stay.
out=$(W exec a sh -c 'grep CapEff /proc/self/status; mknod /tmp/null2 c 1 3 2>&1; echo rc=$?')
is cap_mknod_is_in_effect "$(( 0x$(echo "$out" | awk '/CapEff/ {print $2}') >> 27 & 1 ))" 1
like mknod_fails_despite_cap_mknod "$out" 'Operation not permitted.*rc=1'
like the_default_masks_stay "$(W exec a cat /proc/self/mountinfo)" ' /proc/(kcore|keys|timer_list) '
like the_never_filter_stays "$(grep -E '^Seccomp(_filters)?:' "/proc/$pa/status" | tr -s '\t\n' '  ')" 'Seccomp: 2 Seccomp_filters: [2-9]'
j=$(W inspect --format json a)
is inspect_shows_the_lease "$(echo "$j" | jq -c '.uid_map[0] | [.container_id, .host_id, .size]')" "[0,$BASE,65536]"

# A root filesystem below a directory only the host's root may search (Docker's and
# containers/storage's layers are): entered while ward is still host root, then idmapped.
mkdir -m 700 "$WORK/private" && private_rootfs "$WORK/private/rootfs"
pr=$(new_bundle pr "id -u; cat /proc/sys/net/ipv4/ping_group_range; : $MARK")
edit_config "$pr" '.root.path = $r | .linux.sysctl = {"net.ipv4.ping_group_range": "0 2147483647"}' --arg r "$WORK/private/rootfs"
ward_run "$pr" pr
is a_root_below_a_private_directory_runs "$(echo "$OUT" | sed -n 1p)" 0
is ping_group_range_is_cut_to_the_containers_groups "$(echo "$OUT" | sed -n 2p | tr -s ' \t' '  ')" "0 65535"

# ---- a pod -----------------------------------------------------------------------------------
# A container that joins another's namespaces by path (a pod's sandbox, `--network container:`)
# joins the user namespace that owns them, as a Kubernetes pod's containers share one; it
# leases nothing.
pod=$(new_bundle pod "readlink /proc/self/ns/user; ls -d /dev/mqueue /sys/class/net/lo; : $MARK")
edit_config "$pod" '.linux.namespaces |= map(if .type == "network" then .path = $n
	elif .type == "ipc" then .path = $i else . end)' --arg n "/proc/$pb/ns/net" --arg i "/proc/$pb/ns/ipc"
ward_run "$pod" pod
is a_pod_member_joins_the_sandboxs_user_namespace "$OUT" "$(readlink "/proc/$pb/ns/user")
/dev/mqueue
/sys/class/net/lo"
is a_pod_member_leases_nothing "$(entries)" 2

# A hostile config naming a FIFO as a namespace to join: looking for its owner must not open it
# (that would block), and the plan refuses it by name.
mkfifo "$WORK/fifo"
ff=$(new_bundle ff "true; : $MARK")
edit_config "$ff" '.linux.namespaces |= map(if .type == "network" then .path = $f else . end)' --arg f "$WORK/fifo"
out=$(timeout 20 "$WARD" --root "$STATE_ROOT" run -b "$ff" ff </dev/null 2>&1; echo "rc=$?")
like a_fifo_as_a_namespace_is_refused_without_blocking "$out" 'linux.namespaces.*fifo.*rc=1'

# ---- release and reuse ------------------------------------------------------------------------
check delete_of_the_first_works W delete -f a
is its_ledger_entry_is_gone "$(entries)" 1
c=$(new_bundle c "sleep 300; : $MARK")
check a_new_container_runs W run -d -b "$c" c
is it_reuses_the_freed_block "$(host_uid_of c)" "$BASE"

# ---- a full pool ------------------------------------------------------------------------------
d=$(new_bundle d "sleep 300; : $MARK")
check third_block_is_leased W run -d -b "$d" d
e=$(new_bundle e "sleep 300; : $MARK")
out=$(W run -d -b "$e" e 2>&1)
like a_full_pool_refuses_naming_userns_pool "$out" 'userns-pool.*(full|no free|in use)'
is the_refused_create_left_no_state "$(ls "$STATE_ROOT" | tr '\n' ' ')" "b c d "
W delete -f d
check after_a_delete_the_next_fits W run -d -b "$e" e
W delete -f e

# ---- a SIGKILLed create ----------------------------------------------------------------------
# The createRuntime hook holds the create (state.json written, the init half set up) while ward
# is killed; delete --force then removes the remains, the lease with them.
k=$(new_bundle k "sleep 300; : $MARK")
edit_config "$k" '.hooks.createRuntime = [{"path": "/bin/sh", "args": ["sh", "-c", "touch \($w)/hook-ran; sleep 30"]}]' \
	--arg w "$WORK"
use_policy "userns = auto" "userns-pool = $BASE:196608" "hook = /bin/sh"
(exec "$WARD" --root "$STATE_ROOT" create -b "$k" k </dev/null >/dev/null 2>&1) &
cpid=$!
for _ in $(seq 100); do [ -e "$WORK/hook-ran" ] && break; sleep 0.1; done
kill -9 "$cpid"
wait "$cpid" 2>/dev/null
is the_killed_create_held_a_block "$(entries)" 3
check delete_force_cleans_the_killed_create W delete -f k
pkill -9 -f "touch $WORK/hook-ran" 2>/dev/null
is the_killed_creates_lease_is_returned "$(entries)" 2
# A create killed with nothing recorded but its ledger entry (before state.json, or a delete
# killed before it returned the lease): the next lease finds holder and writer gone.
rm -f "$WORK/hook-ran"
(exec "$WARD" --root "$STATE_ROOT" create -b "$k" k2 </dev/null >/dev/null 2>&1) &
cpid=$!
for _ in $(seq 100); do [ -e "$WORK/hook-ran" ] && break; sleep 0.1; done
kill -9 "$cpid"
wait "$cpid" 2>/dev/null
entry=$(grep -l "^id=k2\$" "$LEDGER"/* 2>/dev/null)
cp "$entry" "$WORK/k2-entry" 2>/dev/null
W delete -f k2 >/dev/null 2>&1
pkill -9 -f "touch $WORK/hook-ran" 2>/dev/null
cp "$WORK/k2-entry" "$entry" 2>/dev/null
is the_stale_entry_is_in_the_ledger "$(entries)" 3
l=$(new_bundle l "sleep 300; : $MARK")
check a_lease_after_the_killed_create_succeeds W run -d -b "$l" l
is the_stale_block_was_taken_back "$(entries) $(host_uid_of l)" "3 $((BASE + 2 * 65536))"
W delete -f l
W delete -f c
use_policy "userns = auto" "userns-pool = $BASE:196608" "overridable = auto-user-namespace"

# ---- sysctls and devices ------------------------------------------------------------------------
# A namespaced sysctl (what Docker sets by default) is written by the container's root, whose
# network namespace it owns; a device is the host's node, bound (no mknod in a user namespace).
sd=$(new_bundle sd "cat /proc/sys/net/ipv4/ip_unprivileged_port_start; stat -c '%F %t:%T' /dev/fuse; : $MARK")
edit_config "$sd" '.linux.sysctl = {"net.ipv4.ip_unprivileged_port_start": "0"} |
	.linux.devices = [{path: "/dev/fuse", type: "c", major: 10, minor: 229}]'
ward_run "$sd" sd
is namespaced_sysctl_and_bound_device_work "$OUT" "0
character special file a:e5"

# ---- what the config asks for itself ----------------------------------------------------------
m=$(new_bundle m "cat /proc/self/uid_map; : $MARK")
edit_config "$m" '.linux.namespaces += [{"type": "user"}] |
	.linux.uidMappings = [{"containerID": 0, "hostID": 200000, "size": 65536}] |
	.linux.gidMappings = [{"containerID": 0, "hostID": 200000, "size": 65536}]'
ward_run "$m" m
like a_configs_own_mappings_are_kept "$OUT" '^ *0 *200000 *65536'
edit_config "$m" '.linux.uidMappings[0].hostID = $h' --argjson h "$((BASE + 100))"
ward_run "$m" m2
like mappings_into_the_pool_are_refused "rc=$RC $ERR" 'rc=1.*linux.uidMappings\[0\].*pool'
o=$(new_bundle o "true; : $MARK")
edit_config "$o" '.process.user.uid = 70000'
ward_run "$o" o
like a_uid_outside_the_block_is_refused_by_name "rc=$RC $ERR" 'rc=1.*process.user.uid: 70000 is outside the 65536 ids'
is the_refused_create_gave_its_lease_back "$(entries)" 1
like exec_as_a_uid_outside_the_block_is_refused_by_name "$(W exec --user 70000 b true 2>&1; echo "rc=$?")" \
	'process.user.uid: 70000 is outside.*rc=255'
n=$(new_bundle n "cat /proc/self/uid_map; : $MARK")
edit_config "$n" '.annotations["org.ward.policy.allow"] = "auto-user-namespace"'
ward_run "$n" n
like the_annotation_lifts_it_where_overridable "$OUT" '^ *0 *0 *4294967295'
like the_lift_is_logged "$ERR" 'auto-user-namespace'

# ---- the restricted level ----------------------------------------------------------------------
# Everything restricted asks for but a non-root user: refused as root without a user namespace,
# accepted once the policy gives it one.
r=$(new_bundle r "id -u; : $MARK")
edit_config "$r" '.process.noNewPrivileges = true | .process.capabilities = {"bounding": [], "effective": [], "permitted": []} |
	.linux.resources.pids = {"limit": 100} | .linux.resources.memory = {"limit": 268435456}'
printf 'level = restricted\n' >"$WORK/restricted.conf"
chmod 644 "$WORK/restricted.conf"
out=$("$WARD_REAL" --policy "$WORK/restricted.conf" policy check -b "$r" 2>&1)
like restricted_refuses_root_without_a_user_namespace "$out" 'restricted-run-as-root'
printf 'level = restricted\nuserns = auto\nuserns-pool = %s:196608\n' "$BASE" >"$WORK/restricted.conf"
out=$("$WARD_REAL" --policy "$WORK/restricted.conf" policy check -b "$r" 2>&1)
unlike restricted_accepts_root_with_auto_user_namespaces "$out" 'restricted-run-as-root'
like policy_check_says_what_auto_adds "$out" 'auto-user-namespace'

# ---- nothing left ----------------------------------------------------------------------------
W delete -f b
is no_ledger_entry_is_left "$(entries)" 0
assert_no_leftovers
done_testing
