#!/bin/bash
# Seccomp from inside real containers: the built-in default-deny profile when the config has
# none, a config's profile with actions, errno values and argument conditions, the "never"
# filter stacked under any profile, and exec'd processes filtered too.
. "$(dirname "$0")/lib/common.sh"
# What the policy would refuse here, on purpose: profiles that allow by default to isolate one
# rule; CAP_DAC_READ_SEARCH so that only the never filter stops open_by_handle_at; the host's
# /usr and /lib (system trees that hold the kernel modules) bound read-only for the toolchain
# workload. The seccomp agent's socket lives in SOCKDIR, which the admin lists.
use_policy "allow = seccomp-unconfined, cap-dac-read-search, mount-host-modules, mount-host-system" \
	"seccomp-listener = $SOCKDIR"

W() { "$WARD" --root "$STATE_ROOT" "$@"; }

b=$(new_bundle default 'grep -E "^Seccomp(_filters)?:" /proc/self/status | tr -s "\t" " "; probe syscall unshare_user;
	probe syscall socket_unix; probe syscall open_by_handle_at; ls /bin >/dev/null && echo workload-ok')
ward_run "$b" default
is default_profile_is_installed_when_the_config_has_none "$(echo "$OUT" | sed -n 1,2p | tr '\n' ' ')" "Seccomp: 2 Seccomp_filters: 2 "
is default_profile_denies_user_namespaces "$(echo "$OUT" | sed -n 3p)" "unshare_user errno=1"
is default_profile_allows_ordinary_syscalls "$(echo "$OUT" | sed -n 4p)" "socket_unix errno=0"
is default_profile_denies_open_by_handle_at "$(echo "$OUT" | sed -n 5p)" "open_by_handle_at errno=1"
is an_ordinary_workload_runs "$(echo "$OUT" | sed -n 6p)" workload-ok
b=$(new_bundle enosys 'probe syscall nr_1000')
ward_run "$b" enosys
is syscalls_newer_than_the_profile_get_enosys "$OUT" "nr_1000 errno=38"

# A permissive config profile with one errno rule and one argument condition.
b=$(new_bundle custom 'probe syscall mkdir; probe syscall socket_inet; probe syscall socket_unix; probe syscall open_by_handle_at')
edit_config "$b" '.root.readonly = false | .mounts += [{destination: "/tmp", type: "tmpfs", source: "tmpfs"}] |
	.process.capabilities.bounding += ["CAP_DAC_READ_SEARCH"] | .process.capabilities.effective += ["CAP_DAC_READ_SEARCH"] |
	.process.capabilities.permitted += ["CAP_DAC_READ_SEARCH"] |
	.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW", architectures: ["SCMP_ARCH_X86_64"], syscalls: [
		{names: ["mkdir", "mkdirat", "no_such_syscall_name"], action: "SCMP_ACT_ERRNO", errnoRet: 13},
		{names: ["socket"], action: "SCMP_ACT_ERRNO", errnoRet: 97, args: [{index: 0, value: 2, op: "SCMP_CMP_EQ"}]}]}'
ward_run "$b" custom
is config_rule_returns_its_errno "$(echo "$OUT" | sed -n 1p)" "mkdir errno=13"
is argument_condition_matches "$(echo "$OUT" | sed -n 2p)" "socket_inet errno=97"
is argument_condition_leaves_other_arguments_alone "$(echo "$OUT" | sed -n 3p)" "socket_unix errno=0"
is never_filter_is_stacked_under_a_permissive_profile "$(echo "$OUT" | sed -n 4p)" "open_by_handle_at errno=1"
is unknown_syscall_names_are_skipped "$RC" 0

b=$(new_bundle notify 'true')
edit_config "$b" '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW", syscalls: [{names: ["mkdir"], action: "SCMP_ACT_NOTIFY"}]}'
ward_run "$b" notify
like notify_without_a_listener_path_fails_closed "$RC|$ERR" '^1\|.*linux.seccomp.syscalls\[0\]: SCMP_ACT_NOTIFY needs linux.seccomp.listenerPath'

# SCMP_ACT_NOTIFY with an agent: the notification fd and the process state reach listenerPath,
# and the agent's answer (EXDEV) is what mkdir returns inside the container.
"$WARD_HELPERS/seccompagent" "$SOCKDIR/agent.sock" "$WORK/agent.json" 2>"$WORK/agent.err" &
apid=$!
for _ in $(seq 100); do grep -q listening "$WORK/agent.err" 2>/dev/null && break; sleep 0.02; done
b=$(new_bundle notified 'probe syscall mkdir; probe syscall socket_unix')
edit_config "$b" '.root.readonly = false | .mounts += [{destination: "/tmp", type: "tmpfs", source: "tmpfs"}] |
	.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW", listenerPath: $sock, listenerMetadata: "meta-1",
	syscalls: [{names: ["mkdir", "mkdirat"], action: "SCMP_ACT_NOTIFY"}]}' --arg sock "$SOCKDIR/agent.sock"
ward_run "$b" notified
[ "$RC" = 0 ] || { diag "run failed: $ERR"; kill "$apid"; }
wait "$apid"
is the_agent_answers_notified_syscalls "$(echo "$OUT" | sed -n 1p)" "mkdir errno=18"
is other_syscalls_are_not_notified "$(echo "$OUT" | sed -n 2p)" "socket_unix errno=0"
is the_agent_gets_runcs_process_state "$(jq -r '[.fds[0], .metadata, .state.id, .state.status, (.pid > 0 | tostring)] | join(" ")' "$WORK/agent.json")" \
	"seccompFd meta-1 notified creating true"

b=$(new_bundle execd "sleep 60; : $MARK")
edit_config "$b" '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW", syscalls: [{names: ["socket"], action: "SCMP_ACT_ERRNO", errnoRet: 97}]}'
W run -d -b "$b" execd </dev/null
is exec_gets_the_containers_profile "$(W exec execd probe syscall socket_unix)" "socket_unix errno=97"
W delete --force execd

# Real workloads under the built-in profile: the host's compiler toolchain (bound read-only)
# compiles and links a program, and a shell script builds a small tree.
mkdir -p "$WORK/src"
printf '#include <stdio.h>\nint main(void) { puts("compiled-ok"); return 0; }\n' >"$WORK/src/hello.c"
b=$(new_bundle workload 'cd /src && gcc -O2 -o /tmp/hello hello.c && /tmp/hello;
	mkdir -p /tmp/tree/a/b && for i in 1 2 3; do echo $i >/tmp/tree/a/b/$i; done && tar -C /tmp -cf /tmp/t.tar tree && echo build-ok')
edit_config "$b" '.mounts += [{destination: "/tmp", type: "tmpfs", source: "tmpfs", options: ["exec"]},
	{destination: "/src", type: "bind", source: $src, options: ["rbind", "ro"]},
	{destination: "/usr", type: "bind", source: "/usr", options: ["rbind", "ro"]},
	{destination: "/lib", type: "bind", source: "/lib", options: ["rbind", "ro"]},
	{destination: "/lib64", type: "bind", source: "/lib64", options: ["rbind", "ro"]}] |
	.process.env += ["PATH=/usr/bin:/bin"]' --arg src "$WORK/src"
ward_run "$b" workload
is a_compiler_runs_under_the_default_profile "$(echo "$OUT" | sed -n 1p)" compiled-ok
is a_shell_build_runs_under_the_default_profile "$(echo "$OUT" | sed -n 2p)" build-ok

b=$(new_bundle fds 'probe fds | tr "\n" " "')
ward_run "$b" fds
is only_stdio_is_open_in_the_container "$OUT" "0 1 2 "

assert_no_leftovers
done_testing
