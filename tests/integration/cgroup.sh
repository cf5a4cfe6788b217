#!/bin/bash
# cgroup v2: the init is born in its cgroup with its limits, device control by eBPF, pause and
# resume through cgroup.freeze, kill --all through cgroup.kill, update, stats, fail closed.
. "$(dirname "$0")/lib/common.sh"

W() { "$WARD" --root "$STATE_ROOT" "$@"; }
cg="$CGROUP_ROOT$CGROUP_PARENT"

b=$(new_bundle born "cat /proc/self/cgroup; sleep 60; : $MARK")
edit_config "$b" '.linux.resources.hugepageLimits = [{pageSize: "2MB", limit: 4194304}]'
W run -d -b "$b" --pid-file "$WORK/born.pid" born >"$WORK/born.out" </dev/null
pid=$(cat "$WORK/born.pid")
is init_is_in_the_configured_cgroup "$(grep '^0::' /proc/"$pid"/cgroup)" "0::$CGROUP_PARENT/born"
sleep 0.1
is cgroup_namespace_shows_it_as_root "$(grep '^0::' "$WORK/born.out")" "0::/"
is hugetlb_limit_is_written_before_start "$(cat "$cg/born/hugetlb.2MB.max")" 4194304
is ps_lists_cgroup_procs "$(W ps --format json born | jq -c 'sort')" "$(sort -n "$cg/born/cgroup.procs" | jq -sc .)"

W exec -d --pid-file "$WORK/exec.pid" born sleep 50
is exec_joins_the_containers_cgroup "$(grep '^0::' /proc/"$(cat "$WORK/exec.pid")"/cgroup)" "0::$CGROUP_PARENT/born"

W pause born
is pause_reports_paused "$(W state born | jq -r .status)" paused
like pause_freezes_the_cgroup "$(cat "$cg/born/cgroup.events")" 'frozen 1'
like a_frozen_process_does_not_run "$(grep '^State' /proc/"$pid"/status)" 'State:.*S|State:.*D'
like pause_twice_is_refused "$(W pause born 2>&1)" 'container not running'
W resume born
is resume_reports_running "$(W state born | jq -r .status)" running
like resume_of_a_running_container_is_refused "$(W resume born 2>&1)" 'container not paused'

echo '{"hugepageLimits": [{"pageSize": "2MB", "limit": 2097152}]}' | W update --resources - born
is update_rewrites_a_limit "$(cat "$cg/born/hugetlb.2MB.max")" 2097152
like update_refuses_a_limit_it_cannot_enforce "$(W update --memory 64m born 2>&1; echo "rc=$?")" 'memory.limit: the memory controller is not available.*rc=1'
# The flags go through config.json's parser and validators: -5 once became "max".
like update_flags_are_validated_as_config_json_is "$(W update --memory -5 born 2>&1; echo "rc=$?")" \
	'^ward: --memory: memory: limit must be -1 \(unlimited\) or a number of bytes.rc=1$'
like update_blkio_weight_out_of_range_is_refused "$(W update --blkio-weight 5000 born 2>&1; echo "rc=$?")" \
	'blockIO: weight 5000 is out of range.*rc=1'
like update_resources_and_flags_exclude_each_other "$(echo '{}' | W update -r - --pids-limit 5 born 2>&1; echo "rc=$?")" \
	'give either --resources or flags such as --pids-limit, not both.*rc=1'
# The policy judges the container's resources as the update leaves them: at restricted an
# update may not leave the container without a memory or pids limit, nor bring device rules
# create would refuse.
printf 'level = restricted\n' >"$WORK/restricted.conf"
like restricted_refuses_an_update_that_removes_the_pids_limit \
	"$("$WARD" --policy "$WORK/restricted.conf" --root "$STATE_ROOT" update --pids-limit -1 born 2>&1; echo "rc=$?")" \
	'update: refused by the restricted policy.*pids.limit: the update sets -1, no limit \[restricted-pids-limit\].*rc=1'
like restricted_judges_the_result_of_any_update \
	"$(echo '{"hugepageLimits": [{"pageSize": "2MB", "limit": 2097152}]}' | "$WARD" --policy "$WORK/restricted.conf" --root "$STATE_ROOT" update -r - born 2>&1; echo "rc=$?")" \
	'memory.limit: the container has no limit and the update sets none \[restricted-memory-limit\].*rc=1'
like update_refuses_device_rules_create_would_refuse \
	"$(echo '{"devices": [{"allow": true, "access": "rwm"}]}' | W update -r - born 2>&1; echo "rc=$?")" \
	'linux.resources.devices\[0\]: allows rwm on every device \[device-rule-allow-all\].*rc=1'
is a_refused_update_changes_nothing "$(cat "$cg/born/hugetlb.2MB.max")" 2097152
stats=$(W events --stats born)
is events_stats_is_runcs_shape "$(echo "$stats" | jq -r '.type + " " + .id + " " + (.data.hugetlb["2MB"].max|tostring)')" "stats born 2097152"

timeout 3 "$WARD" --root "$STATE_ROOT" events --interval 1s born >"$WORK/events.out"
check events_interval_streams_stats test "$(grep -c '"type":"stats"' "$WORK/events.out")" -ge 2

W kill --all born KILL
for _ in $(seq 50); do [ "$(W state born | jq -r .status)" = stopped ] && break; sleep 0.05; done
is kill_all_kills_every_process_of_the_cgroup "$(cat "$cg/born/cgroup.procs" | wc -l)" 0
W delete born
check delete_removes_the_cgroup test ! -d "$cg/born"

like cgroup_verbs_on_an_unknown_id_say_does_not_exist \
	"$(W pause nosuch 2>&1; W resume nosuch 2>&1; W update --pids-limit 5 nosuch 2>&1; W events --stats nosuch 2>&1)" \
	'^(ward: container "nosuch" does not exist
?){4}$'

b=$(new_bundle pcreated "true")
W create -b "$b" pcreated </dev/null
W pause pcreated
is a_created_container_can_be_paused "$(W state pcreated | jq -r .status)" paused
W resume pcreated
is and_resumed_back_to_created "$(W state pcreated | jq -r .status)" created
W delete pcreated
check delete_of_a_created_container_removes_its_cgroup test ! -d "$cg/pcreated"

b=$(new_bundle nomem "true")
edit_config "$b" '.linux.resources.memory = {limit: 67108864}'
ward_run "$b" nomem
like memory_limit_without_the_controller_fails_closed "$RC|$ERR" '^1\|.*linux.resources.memory.limit: the memory controller is not available'
check a_refused_limit_leaves_no_cgroup test ! -d "$cg/nomem"

b=$(new_bundle devices 'mknod /tmp/disk b 8 0 2>&1; mknod /tmp/null c 1 3 && echo null-ok; head -c 1 /dev/zero | wc -c')
edit_config "$b" '.root.readonly = false | .mounts += [{destination: "/tmp", type: "tmpfs", source: "tmpfs"}] |
	.process.capabilities.bounding += ["CAP_MKNOD"] | .process.capabilities.effective += ["CAP_MKNOD"] |
	.process.capabilities.permitted += ["CAP_MKNOD"] | .linux.resources.devices = [{allow: false, access: "rwm"}]'
ward_run "$b" devices
like device_program_denies_mknod_of_a_block_device "$(echo "$OUT" | sed -n 1p)" 'Operation not permitted'
is device_program_allows_the_default_devices "$(echo "$OUT" | sed -n 2,3p | tr '\n' ' ')" "null-ok 1 "

# A device node that exists in the container but is not allowed by the rules cannot be opened
# (the host's /dev/kmsg bound in, which the policy refuses unless mount-host-dev is lifted).
b=$(new_bundle devopen 'cat /dev/kmsg-host 2>&1 | head -n 1; head -c 1 /dev/urandom | wc -c')
edit_config "$b" '.mounts += [{destination: "/dev/kmsg-host", type: "bind", source: "/dev/kmsg", options: ["bind"]}]'
printf 'allow = mount-host-dev\n' >"$WORK/devopen.conf"
OUT=$("$WARD" --policy "$WORK/devopen.conf" --root "$STATE_ROOT" run -b "$b" devopen 2>/dev/null </dev/null)
is a_device_outside_the_rules_cannot_be_opened "$(echo "$OUT" | tr '\n' ' ')" "cat: can't open '/dev/kmsg-host': Operation not permitted 1 "

# A read-only rule: c 1:9 r names /dev/urandom (in linux.devices too), so it decides for it and
# the default rwm does not come back after it. The kernel's verifier loads the program (it
# refused every rule whose access was not rwm).
# The init still makes the node itself (m stays allowed for it), with the configured mode, rather
# than binding the host's.
b=$(new_bundle devro 'head -c 4 /dev/urandom | wc -c; { echo x >/dev/urandom; } 2>&1; echo x >/dev/null && echo null-ok
	echo "$(stat -c %a /dev/urandom) $(grep -c " /dev/urandom " /proc/self/mountinfo)"')
edit_config "$b" '.linux.devices = [{path: "/dev/urandom", type: "c", major: 1, minor: 9, fileMode: 420}] |
	.linux.resources.devices = [{allow: false, access: "rwm"}, {allow: true, type: "c", major: 1, minor: 9, access: "r"}]'
ward_run "$b" devro
is read_only_rule_loads_and_allows_reading "$RC|$(echo "$OUT" | sed -n 1p)" "0|4"
like read_only_rule_denies_writing "$(echo "$OUT" | sed -n 2p)" "can't create /dev/urandom: Operation not permitted"
is read_only_rule_leaves_the_other_defaults "$(echo "$OUT" | sed -n 3p)" null-ok
is read_only_rule_still_lets_ward_make_the_node "$(echo "$OUT" | sed -n 4p)" "644 0"

# docker run --device /dev/fuse:r as Podman writes it: fileMode 8630 (020666, the file type with
# the permissions), an entry and a rule with r only.
b=$(new_bundle fuser 'stat -c "%a %t:%T" /dev/fuse; exec 3</dev/fuse && echo read-ok; ( exec 4>/dev/fuse ) 2>&1; true')
edit_config "$b" '.linux.devices = [{path: "/dev/fuse", type: "c", major: 10, minor: 229, fileMode: 8630, uid: 0, gid: 0}] |
	.linux.resources.devices = [{allow: false, access: "rwm"}, {allow: true, type: "c", major: 10, minor: 229, access: "r"}]'
ward_run "$b" fuser
is device_with_file_type_in_filemode_is_created "$RC|$(echo "$OUT" | sed -n 1p)" "0|666 a:e5"
is fuse_read_only_opens_for_reading "$(echo "$OUT" | sed -n 2p)" read-ok
like fuse_read_only_denies_writing "$(echo "$OUT" | sed -n 3p)" "can't create /dev/fuse: Operation not permitted"

# Docker's "c *:* m" and "b *:* m": mknod of anything, opening none of it.
b=$(new_bundle devm 'mknod /tmp/kmsg c 1 11 && echo mknod-ok; { cat /tmp/kmsg; } 2>&1 | head -n 1')
edit_config "$b" '.root.readonly = false | .mounts += [{destination: "/tmp", type: "tmpfs", source: "tmpfs"}] |
	.process.capabilities.bounding += ["CAP_MKNOD"] | .process.capabilities.effective += ["CAP_MKNOD"] |
	.process.capabilities.permitted += ["CAP_MKNOD"] |
	.linux.resources.devices = [{allow: false, access: "rwm"}, {allow: true, type: "c", access: "m"}, {allow: true, type: "b", major: -1, minor: -1, access: "m"}]'
ward_run "$b" devm
is mknod_only_rules_load "$RC|$(echo "$OUT" | sed -n 1p)" "0|mknod-ok"
like mknod_only_rules_deny_opening "$(echo "$OUT" | sed -n 2p)" "can't open '/tmp/kmsg': Operation not permitted"

b=$(new_bundle sharesdefault "true")
edit_config "$b" '.linux.resources.cpu = {shares: 1024}'
ward_run "$b" sharesdefault
is default_cpu_weight_needs_no_cpu_controller "$RC" 0

assert_no_leftovers
done_testing
