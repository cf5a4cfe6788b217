#!/bin/bash
# The container's mount namespace, as the runtime spec allows it and the policy judges it:
# linux.rootfsPropagation on the container's root, a container without a mount namespace of
# its own (host-mount-namespace) and one that joins another by path (join-mount-namespace),
# and bind mount options the kernel ignores. The namespaces such containers share are this
# test's own (unshare -m, slaves of the host's), so nothing can reach the host.
. "$(dirname "$0")/lib/common.sh"

W() { "$WARD" --root "$STATE_ROOT" "$@"; }
mounted_at() { awk -v p="$2" '$5 == p' "/proc/$1/mountinfo"; }
root_tags() { awk '$5 == "/" {for (i = 7; $i != "-"; i++) printf "%s ", $i}' "$1"; }

# Namespaces that stand for the host's: slaves of it, so that what ward mounts there stays
# there even when a check fails.
unshare -m --propagation slave sleep 600 &
holder=$!
unshare -m --propagation slave sleep 600 &
target=$!
sleep 0.2
in_holder() { nsenter -t "$holder" -m "$@"; }
WH() { in_holder "$WARD" --root "$STATE_ROOT" "$@"; }
stop_holders() { kill "$holder" "$target" 2>/dev/null; }

# --- the default policy refuses both, by name ---------------------------------------------------
b=$(new_bundle hostmnt "cat /proc/self/mountinfo >/dev/null; stat -c %d:%i /; : $MARK")
edit_config "$b" '.linux.namespaces |= map(select(.type != "mount"))'
like default_policy_refuses_the_host_mount_namespace "$(WH run -b "$b" hostmnt 2>&1 </dev/null)" '\[host-mount-namespace\]'
j=$(new_bundle joinmnt "readlink /proc/self/ns/mnt; : $MARK")
edit_config "$j" '.linux.namespaces |= map(if .type == "mount" then .path = $p else . end)' --arg p "/proc/$target/ns/mnt"
like default_policy_refuses_joining_a_mount_namespace "$(W run -b "$j" joinmnt 2>&1 </dev/null)" '\[join-mount-namespace\]'
is refused_creates_leave_no_mount "$(mounted_at "$holder" "$ROOTFS")$(mounted_at "$target" "$ROOTFS")" ""

use_policy "allow = host-mount-namespace, join-mount-namespace, mount-shared-propagation" "hook = /bin/false"

# --- no mount namespace of its own: the holder's, with the container chrooted ---------------------
ward_in_holder_run() { OUT=$(WH run -b "$1" "$2" 2>"$WORK/stderr" </dev/null); RC=$?; ERR=$(cat "$WORK/stderr"); }
ward_in_holder_run "$b" hostmnt
is runs_without_a_mount_namespace "$RC" 0
# By identity: the shared rootfs's listing changes as other tests add mount points to it.
is its_root_is_the_container_root "$OUT" "$(stat -c %d:%i "$ROOTFS")"
check the_host_tree_is_not_visible test "$OUT" != "$(stat -c %d:%i /)"
mkdir -p "$WORK/vol"
b2=$(new_bundle hostmnt2 "sleep 60; : $MARK")
edit_config "$b2" '.linux.namespaces |= map(select(.type != "mount"))
	| .mounts += [{destination: "/mnt", type: "bind", source: $s, options: ["rbind"]}]' --arg s "$WORK/vol"
WH create -b "$b2" --pid-file "$WORK/h2.pid" hostmnt2 </dev/null
is create_without_a_mount_namespace_succeeds "$?" 0
pid=$(cat "$WORK/h2.pid")
is the_init_shares_the_holders_mount_namespace "$(readlink /proc/"$pid"/ns/mnt)" "$(readlink /proc/"$holder"/ns/mnt)"
check the_init_is_chrooted_into_the_rootfs test "$(stat -L -c %d:%i /proc/"$pid"/root)" = "$(stat -c %d:%i "$ROOTFS")"
like the_rootfs_is_bound_in_the_shared_namespace "$(mounted_at "$holder" "$ROOTFS")" "$ROOTFS"
like the_containers_proc_is_mounted_there_too "$(mounted_at "$holder" "$ROOTFS/proc")" proc
like the_bound_root_is_private "$(root_tags /proc/"$pid"/mountinfo)" '^ *$'
# A bind from the namespace would stay a slave (or peer) of its source: made private.
like a_bind_mount_is_private_too "$(awk '$5 == "/mnt" {for (i = 7; $i != "-"; i++) printf "%s ", $i}' /proc/"$pid"/mountinfo)" '^ *$'
is nothing_reaches_the_host "$(mounted_at $$ "$ROOTFS")" ""
is state_says_created "$(WH state hostmnt2 | jq -r .status)" created
WH start hostmnt2
is exec_enters_the_containers_root "$(WH exec hostmnt2 stat -c %d:%i / 2>&1)" "$(stat -c %d:%i "$ROOTFS")"
check exec_does_not_see_the_host_tree test "$(WH exec hostmnt2 stat -c %d:%i / 2>&1)" != "$(stat -c %d:%i /)"
WH kill hostmnt2 KILL
for _ in $(seq 50); do [ "$(WH state hostmnt2 | jq -r .status)" = stopped ] && break; sleep 0.05; done
WH delete hostmnt2
is delete_removes_the_mounts_from_the_shared_namespace "$(mounted_at "$holder" "$ROOTFS")" ""
# A create that fails after the root was bound takes it away again.
edit_config "$b2" '.hooks.prestart = [{path: "/bin/false"}]'
like a_failing_create_fails "$(WH create -b "$b2" hostmnt3 2>&1 </dev/null)" 'hooks.prestart\[0\]'
is a_failed_create_leaves_no_mount_in_the_shared_namespace "$(mounted_at "$holder" "$ROOTFS")" ""

# --- a mount namespace joined by path ---------------------------------------------------------------
j2=$(new_bundle joinmnt2 "sleep 60; : $MARK")
edit_config "$j2" '.linux.namespaces |= map(if .type == "mount" then .path = $p else . end)' --arg p "/proc/$target/ns/mnt"
W create -b "$j2" --pid-file "$WORK/j2.pid" joinmnt2 </dev/null
is create_joining_a_mount_namespace_succeeds "$?" 0
pid=$(cat "$WORK/j2.pid")
is the_init_is_in_the_joined_namespace "$(readlink /proc/"$pid"/ns/mnt)" "$(readlink /proc/"$target"/ns/mnt)"
check the_joined_init_is_chrooted_into_the_rootfs test "$(stat -L -c %d:%i /proc/"$pid"/root)" = "$(stat -c %d:%i "$ROOTFS")"
like the_rootfs_is_bound_in_the_joined_namespace "$(mounted_at "$target" "$ROOTFS")" "$ROOTFS"
check the_joined_namespaces_root_is_unchanged test "$(stat -L -c %d:%i /proc/"$target"/root)" = "$(stat -c %d:%i /)"
W delete --force joinmnt2
is delete_removes_the_mounts_from_the_joined_namespace "$(mounted_at "$target" "$ROOTFS")" ""

# --- linux.rootfsPropagation: the container's root, after the pivot ---------------------------------
declare -A tags
host_group=$(root_tags /proc/self/mountinfo | grep -o 'shared:[0-9]*')
for prop in shared slave private unbindable; do
	b=$(new_bundle "prop-$prop" "cat /proc/self/mountinfo; : $MARK")
	edit_config "$b" '.linux.rootfsPropagation = $p' --arg p "$prop"
	ward_run "$b" "prop-$prop"
	echo "$OUT" >"$WORK/prop-$prop.mountinfo"
	tags[$prop]=$(root_tags "$WORK/prop-$prop.mountinfo")
done
like shared_root_is_a_peer_group "${tags[shared]}" '^shared:[0-9]+ $'
unlike shared_root_is_not_the_hosts_peer_group "${tags[shared]}" "^${host_group:-none} "
like slave_root_receives_the_hosts_events "${tags[slave]}" '^master:[0-9]+ $'
like private_root_has_no_propagation "${tags[private]}" '^ *$'
like unbindable_root_is_unbindable "${tags[unbindable]}" '^unbindable $'

# --- bind mount options the kernel ignores ----------------------------------------------------------
b=$(new_bundle bindopts "grep -c ' /mnt ' /proc/self/mountinfo; : $MARK")
edit_config "$b" '.mounts += [{destination: "/mnt", type: "bind", source: $s, options: ["rbind", "nosuid", "mode=755", "size=1k"]}]' --arg s "$WORK/vol"
ward_run "$b" bindopts
is bind_with_key_value_options_runs "$RC $OUT" "0 1"
like the_ignored_options_are_named_in_a_warning "$ERR" 'mounts\[[0-9]+\].options: "mode=755" is ignored: a bind mount takes no filesystem options'

stop_holders
assert_no_leftovers
done_testing
