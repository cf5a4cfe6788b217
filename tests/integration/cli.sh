#!/bin/bash
# The command-line contract: option spellings callers use, --log/--log-format, features,
# preserved fds and socket activation, ID validation.
. "$(dirname "$0")/lib/common.sh"

b=$(new_bundle spell 'echo spelled')
is accepts_opt_equals_value_and_single_dash_long_options \
	"$("$WARD" -root="$STATE_ROOT" --log-format=json run -bundle="$b" spell </dev/null)" spelled
long_root="$WORK/$(printf 'r%.0s' $(seq 200))"
is single_dash_long_option_takes_a_long_value "$("$WARD" -root="$long_root" list -q; echo "rc=$?")" "rc=0"

logf="$WORK/log.json"
"$WARD" --root "$STATE_ROOT" --log "$logf" --log-format json state nosuch 2>"$WORK/err"
line=$(tail -n 1 "$logf")
is json_log_line_has_level_msg_time "$(echo "$line" | jq -r 'keys | join(",")')" "level,msg,time"
is json_log_level_is_error "$(echo "$line" | jq -r .level)" error
like json_log_msg_keeps_the_callers_substring "$(echo "$line" | jq -r .msg)" 'does not exist'
like json_log_time_is_rfc3339 "$(echo "$line" | jq -r .time)" '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?Z$'
like errors_also_go_to_stderr "$(cat "$WORK/err")" 'ward: container "nosuch" does not exist'
"$WARD" --root "$STATE_ROOT" --log "$WORK/log.txt" state nosuch 2>/dev/null
like text_log_format "$(cat "$WORK/log.txt")" '^time="[^"]+" level=error msg="container \\"nosuch\\" does not exist"'

f=$("$WARD" features)
is features_is_valid_json_with_the_version_range "$(echo "$f" | jq -r '.ociVersionMin + " " + .ociVersionMax')" "1.0.0 1.3.0"
is features_lists_all_hooks "$(echo "$f" | jq -c .hooks)" '["prestart","createRuntime","createContainer","startContainer","poststart","poststop"]'
like features_lists_rro "$(echo "$f" | jq -c .mountOptions)" '"rro"'
like features_lists_tmpcopyup "$(echo "$f" | jq -c .mountOptions)" '"tmpcopyup"'
is features_reports_memory_policy_and_net_devices "$(echo "$f" | jq -c '[.linux.memoryPolicy.modes[0], .linux.memoryPolicy.flags, .linux.netDevices.enabled, .linux.intelRdt.enabled]')" \
	'["MPOL_DEFAULT",["MPOL_F_NUMA_BALANCING","MPOL_F_RELATIVE_NODES","MPOL_F_STATIC_NODES"],true,false]'
# runtime-spec features.md: annotations that change what the runtime does (the policy's).
is features_lists_the_policy_annotation_as_potentially_unsafe \
	"$(echo "$f" | jq -c .potentiallyUnsafeConfigAnnotations)" '["org.ward.policy.allow"]'

echo preserved-content >"$WORK/fd3"
b=$(new_bundle preserve 'cat <&3; probe fds | tr "\n" " "')
out=$("$WARD" --root "$STATE_ROOT" run -b "$b" --preserve-fds 1 preserve </dev/null 3<"$WORK/fd3" 4<"$WORK/fd3")
is preserve_fds_passes_exactly_n_fds "$out" "preserved-content
0 1 2 3 "
b=$(new_bundle listen 'echo $LISTEN_FDS $LISTEN_PID; cat <&3')
# systemd's rule: LISTEN_PID is the process the fds are for (the shell exec's ward in place)
out=$(sh -c 'LISTEN_FDS=1 LISTEN_PID=$$ exec "$0" --root "$1" run -b "$2" listen' "$WARD" "$STATE_ROOT" "$b" </dev/null 3<"$WORK/fd3")
is listen_fds_are_passed_with_listen_pid_1 "$out" "1 1
preserved-content"
# fds meant for another process, or that are not there, are not passed: ward's own would be
b=$(new_bundle stale 'echo "[$LISTEN_FDS]"; probe fds | tr "\n" " "')
out=$(LISTEN_FDS=1 LISTEN_PID=1 "$WARD" --root "$STATE_ROOT" run -b "$b" stale </dev/null 3<"$WORK/fd3")
is listen_fds_for_another_process_are_not_passed "$out" "[]
0 1 2 "
out=$(sh -c 'LISTEN_FDS=3 LISTEN_PID=$$ exec "$0" --root "$1" run -b "$2" stale' "$WARD" "$STATE_ROOT" "$b" </dev/null 3<"$WORK/fd3")
is listen_fds_that_are_not_open_are_not_passed "$out" "[]
0 1 2 "

"$WARD" --root "$STATE_ROOT" --debug --log "$WORK/debug.log" run -b "$(new_bundle dbg true)" dbg </dev/null
like debug_logs_debug_messages "$(cat "$WORK/debug.log")" 'level=debug msg="container dbg: init is pid [0-9]+"'
b=$(new_bundle sd true)
edit_config "$b" 'del(.linux.cgroupsPath)'
like systemd_cgroup_without_systemd_is_a_clear_error \
	"$("$WARD" --root "$STATE_ROOT" --systemd-cgroup run -b "$b" sd 2>&1 </dev/null)" \
	'--systemd-cgroup: cannot reach the system.s systemd manager'
like rootless_and_criu_flags_are_accepted \
	"$("$WARD" --root "$STATE_ROOT" --rootless=false --criu /usr/sbin/criu state nosuch 2>&1)" 'does not exist'
b=$(new_bundle nopiv "sleep 60; : $MARK")
"$WARD" --root "$STATE_ROOT" create --no-pivot -b "$b" nopiv </dev/null && "$WARD" --root "$STATE_ROOT" start nopiv
is create_no_pivot_then_start_runs "$("$WARD" --root "$STATE_ROOT" state nopiv | jq -r .status)" running
"$WARD" --root "$STATE_ROOT" delete --force nopiv

like unknown_command_is_an_error "$("$WARD" frobnicate 2>&1; echo "rc=$?")" 'unknown command "frobnicate".*
rc=1'
assert_no_leftovers
done_testing
