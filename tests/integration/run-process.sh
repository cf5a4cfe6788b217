#!/bin/bash
# The process settings, observed from inside the container: user and groups, env, cwd, umask,
# rlimits, the five capability sets, no_new_privs, and the executable lookup on PATH.
. "$(dirname "$0")/lib/common.sh"

status_field() { echo "$OUT" | awk -v f="$1:" '$1 == f {print $2}'; }

b=$(new_bundle user 'probe groups')
edit_config "$b" '.process.user = {uid: 1000, gid: 1001, additionalGids: [10, 20]}'
ward_run "$b" user
is runs_as_the_configured_user_and_groups "$OUT" "uid=1000 gid=1001 groups=10,20"

b=$(new_bundle root-groups 'probe groups')
ward_run "$b" root-groups
is drops_the_hosts_supplementary_groups "$OUT" "uid=0 gid=0 groups="

# Exactly the config's variables, plus HOME (from /etc/passwd) as runc adds it when it is unset.
b=$(new_bundle env 'echo "$FOO|$PATH"; tr "\\0" "\\n" </proc/1/environ | sort')
edit_config "$b" '.process.env = ["FOO=bar baz", "PATH=/bin"]'
ward_run "$b" env
is sets_exactly_the_configured_environment "$OUT" "bar baz|/bin
FOO=bar baz
HOME=/root
PATH=/bin"

b=$(new_bundle cwd 'pwd')
edit_config "$b" '.process.cwd = "/tmp/work/dir"'
ward_run "$b" cwd
is starts_in_the_configured_cwd_creating_it "$OUT" /tmp/work/dir

b=$(new_bundle umask 'umask')
edit_config "$b" '.process.user.umask = 63'
ward_run "$b" umask
is applies_the_umask "$OUT" 0077

b=$(new_bundle limits 'probe limits')
edit_config "$b" '.process.rlimits = [{type: "RLIMIT_NOFILE", soft: 512, hard: 1024}, {type: "RLIMIT_CORE", soft: 0, hard: 0}]'
ward_run "$b" limits
is sets_rlimit_nofile "$(echo "$OUT" | grep '^RLIMIT_NOFILE ')" "RLIMIT_NOFILE 512 1024"
is sets_rlimit_core "$(echo "$OUT" | grep '^RLIMIT_CORE ')" "RLIMIT_CORE 0 0"

# CAP_KILL=5, CAP_NET_BIND_SERVICE=10, CAP_AUDIT_WRITE=29 -> 0x20000420 (ward spec's set)
b=$(new_bundle caps 'grep -E "^(Cap|NoNewPrivs)" /proc/self/status')
ward_run "$b" caps
is bounding_set_is_the_configured_one "$(status_field CapBnd)" 0000000020000420
is effective_set_is_the_configured_one "$(status_field CapEff)" 0000000020000420
is permitted_set_is_the_configured_one "$(status_field CapPrm)" 0000000020000420
is inheritable_set_is_empty_unless_asked "$(status_field CapInh)" 0000000000000000
is ambient_set_is_empty_unless_asked "$(status_field CapAmb)" 0000000000000000
is no_new_privs_is_set "$(status_field NoNewPrivs)" 1

# A non-root user keeps CAP_NET_BIND_SERVICE (bit 10 = 0x400) through the ambient set.
b=$(new_bundle ambient 'grep -E "^Cap(Eff|Amb|Inh)" /proc/self/status')
edit_config "$b" '.process.user = {uid: 1000, gid: 1000} | .process.noNewPrivileges = false |
	.process.capabilities = {bounding: ["CAP_NET_BIND_SERVICE"], effective: ["CAP_NET_BIND_SERVICE"],
	permitted: ["CAP_NET_BIND_SERVICE"], inheritable: ["CAP_NET_BIND_SERVICE"], ambient: ["CAP_NET_BIND_SERVICE"]}'
ward_run "$b" ambient
is ambient_capability_reaches_a_non_root_process "$(status_field CapAmb)/$(status_field CapEff)" 0000000000000400/0000000000000400

b=$(new_bundle nocaps 'grep -E "^(CapBnd|CapEff|NoNewPrivs)" /proc/self/status')
edit_config "$b" 'del(.process.capabilities) | .process.noNewPrivileges = false'
ward_run "$b" nocaps
is no_capabilities_section_means_none "$(status_field CapBnd)/$(status_field CapEff)" 0000000000000000/0000000000000000
is no_new_privs_unset_when_false "$(status_field NoNewPrivs)" 0

b=$(new_bundle lookup 'unused')
edit_config "$b" '.process.args = ["busybox", "echo", "found"] | .process.env = ["PATH=/nonexistent:/bin"]'
ward_run "$b" lookup
is finds_the_executable_on_the_container_path "$OUT" found

b=$(new_bundle abs 'unused')
edit_config "$b" '.process.args = ["/bin/busybox", "echo", "absolute"]'
ward_run "$b" abs
is runs_an_absolute_executable "$OUT" absolute

b=$(new_bundle nonexec 'unused')
edit_config "$b" '.process.args = ["/etc/passwd"]'
ward_run "$b" nonexec
like refuses_a_non_executable_file_with_permission_denied "$RC:$ERR" '^1:.*exec: "/etc/passwd".*permission denied'

# oomScoreAdj, personality, ioPriority, scheduler (SCHED_BATCH = 3).
b=$(new_bundle tuning 'cat /proc/self/oom_score_adj; uname -m; probe sched')
edit_config "$b" '.process.oomScoreAdj = 500 | .linux.personality = {domain: "LINUX32"} |
	.process.ioPriority = {class: "IOPRIO_CLASS_BE", priority: 6} |
	.process.scheduler = {policy: "SCHED_BATCH", nice: 7}'
ward_run "$b" tuning
is applies_oom_score_adj "$(echo "$OUT" | sed -n 1p)" 500
like applies_the_personality "$(echo "$OUT" | sed -n 2p)" '^i[3-6]86$'
is applies_scheduler_and_io_priority "$(echo "$OUT" | sed -n 3p)" "policy=3 nice=7 ioprio_class=2 ioprio_data=6"

b=$(new_bundle hostsysctl 'true')
edit_config "$b" '.linux.sysctl = {"kernel.panic": "1"}'
ward_run "$b" hostsysctl
like refuses_a_sysctl_that_is_not_namespaced "$RC|$ERR" '^1\|.*linux.sysctl.kernel.panic: not a namespaced sysctl'
b=$(new_bundle netsysctl 'true')
edit_config "$b" '.linux.sysctl = {"net.ipv4.ip_forward": "1"} | .linux.namespaces |= map(select(.type != "network"))'
ward_run "$b" netsysctl
like refuses_a_net_sysctl_without_a_network_namespace "$RC|$ERR" '^1\|.*linux.sysctl.net.ipv4.ip_forward: needs a private network namespace'

"$WARD" --root "$STATE_ROOT" run -d -b "$(new_bundle exectune "sleep 30; : $MARK")" exectune </dev/null
echo '{"args": ["sh", "-c", "cat /proc/self/oom_score_adj"], "cwd": "/", "oomScoreAdj": 321}' >"$WORK/tune.json"
is exec_applies_oom_score_adj "$("$WARD" --root "$STATE_ROOT" exec --process "$WORK/tune.json" exectune)" 321
"$WARD" --root "$STATE_ROOT" delete --force exectune

assert_no_leftovers
done_testing
