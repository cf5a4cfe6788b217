#!/bin/bash
# Red team: what a config author (or `exec --process`) could get past the policy in
# confinement, scheduling and limits, and what ward now refuses, at baseline and at restricted,
# with the check that names it.
#  - A default-deny seccomp profile whose rules allow unshare, clone, clone3, setns, keyctl,
#    bpf and perf_event_open: user namespaces worked inside the container. Refused as
#    seccomp-weakened; with that lifted by the admin, the stacked filter still keeps user
#    namespaces and the host's keyrings out (never-user-namespace, never-host-keyring).
#  - linux.seccomp.listenerPath naming any socket on the host: ward connected to it as root and
#    handed it the container's notification fd. Refused unless the socket is below a
#    `seccomp-listener` directory (by identity: a link into that directory to a socket elsewhere
#    is refused); `exec` resolves and judges the socket again.
#  - process.scheduler SCHED_FIFO 99 (it was applied), a nice below the caller's, the real-time
#    I/O class, rlimits above ward's own hard limits, a negative oomScoreAdj below the caller's:
#    sched-realtime, sched-nice-raised, ioprio-realtime, rlimit-above-caller,
#    oom-score-adj-lowered; Docker's oomScoreAdj 0 under a caller at +1 (a hand-started
#    dockerd's shim) runs.
#  - The same through `exec --process`, and its capabilities, LSM label, user and
#    no_new_privs at restricted.
. "$(dirname "$0")/../integration/lib/common.sh"

W() { "$WARD" --root "$STATE_ROOT" "$@"; }

# What makes a bundle pass restricted but for what a test adds.
RESTRICTED='.process.user = {uid: 1000, gid: 1000} | .process.noNewPrivileges = true |
	.process.capabilities = {bounding: ["CAP_NET_BIND_SERVICE"], effective: [], permitted: []} |
	.root.readonly = true | .linux.resources.memory = {limit: 67108864} |
	.linux.resources.pids = {limit: 64}'

# refused NAME CHECK BUNDLE [POLICY-LINE...]: BUNDLE is refused with CHECK at baseline and, made
# otherwise restricted-ready, at restricted.
refused() {
	local name=$1 check=$2 b=$3 level bb
	shift 3
	for level in baseline restricted; do
		use_policy "level = $level" "$@"
		bb=$b
		if [ "$level" = restricted ]; then
			bb="$b-restricted"
			rm -rf "$bb" && cp -r "$b" "$bb" && edit_config "$bb" "$RESTRICTED"
		fi
		ward_run "$bb" "$name-$level"
		like "${name}_is_refused_at_$level" "rc=$RC $ERR" "^rc=1 .*\[$check\]"
	done
}

# --- seccomp-weakened ---------------------------------------------------------------------------
# ward's own profile with the red team's calls taken out of its rules and allowed.
OPEN='["unshare", "clone", "clone3", "setns", "keyctl", "bpf", "perf_event_open"]'
weak_profile() {
	jq --argjson open "$OPEN" '.syscalls |= (map(.names -= $open) | map(select(.names != []))) |
		.syscalls += [{names: $open, action: "SCMP_ACT_ALLOW"}]' \
		"$WARD_SRCDIR/seccomp-profiles/default.json"
}
PROBES='for s in unshare_user clone_newuser clone3 keyctl_user perf_event_open; do probe syscall $s; done | tr "\n" " "'
b=$(new_bundle weak "$PROBES")
edit_config "$b" '.linux.seccomp = $p[0]' --slurpfile p <(weak_profile)
refused weak seccomp-weakened "$b"
like weakened_names_the_calls "$ERR" 'allows bpf \(without CAP_SYS_ADMIN or CAP_BPF\), perf_event_open'

use_policy "allow = seccomp-weakened"
ward_run "$b" weak-lifted
is lifted_the_stacked_filter_keeps_user_namespaces_and_keyrings_out "$RC:$OUT" \
	"0:unshare_user errno=1 clone_newuser errno=1 clone3 errno=38 keyctl_user errno=38 perf_event_open errno=0 "
use_policy "allow = seccomp-weakened, never-user-namespace, never-host-keyring"
ward_run "$b" weak-open
is what_the_profile_alone_would_have_allowed "$RC:$OUT" \
	"0:unshare_user errno=0 clone_newuser errno=0 clone3 errno=0 keyctl_user errno=0 perf_event_open errno=0 "

# --- seccomp-listener-not-allowed -----------------------------------------------------------------
# A "host daemon" (the agent helper, which records any connection) outside the admin's list.
mkdir -p "$SOCKDIR/agents" "$SOCKDIR/daemon"
start_agent() { # start_agent SOCKET OUT: an agent that answers one container, in the background
	"$WARD_HELPERS/seccompagent" "$1" "$2" 2>"$2.err" &
	for _ in $(seq 100); do grep -q listening "$2.err" 2>/dev/null && break; sleep 0.02; done
}
start_agent "$SOCKDIR/daemon/host.sock" "$WORK/daemon.json"
dpid=$!
notify_bundle() { # notify_bundle NAME SOCKET
	local b
	b=$(new_bundle "$1" "sleep 30; : $MARK")
	edit_config "$b" '.linux.seccomp = ($p[0] | .listenerPath = $sock |
		.syscalls += [{names: ["acct"], action: "SCMP_ACT_NOTIFY"}])' \
		--slurpfile p "$WARD_SRCDIR/seccomp-profiles/default.json" --arg sock "$2"
	echo "$b"
}
b=$(notify_bundle listener "$SOCKDIR/daemon/host.sock")
refused listener seccomp-listener-not-allowed "$b" "seccomp-listener = $SOCKDIR/agents"
ln -s "$SOCKDIR/daemon/host.sock" "$SOCKDIR/agents/link.sock"
b=$(notify_bundle linked "$SOCKDIR/agents/link.sock")
use_policy "seccomp-listener = $SOCKDIR/agents"
ward_run "$b" linked
like a_link_in_the_listed_directory_is_judged_by_its_target "rc=$RC $ERR" \
	"^rc=1 .*$SOCKDIR/daemon/host.sock is not below .*\[seccomp-listener-not-allowed\]"

# exec resolves and judges the socket again: the link now leads out of the listed directory.
start_agent "$SOCKDIR/agents/one.sock" "$WORK/one.json"
apid=$!
ln -sfn "$SOCKDIR/agents/one.sock" "$SOCKDIR/agents/current.sock"
b=$(notify_bundle served "$SOCKDIR/agents/current.sock")
W run -d -b "$b" served </dev/null 2>"$WORK/served.err" || diag "run failed: $(cat "$WORK/served.err")"
ln -sfn "$SOCKDIR/daemon/host.sock" "$SOCKDIR/agents/current.sock"
out=$(W exec served true 2>&1; echo "rc=$?")
like exec_judges_the_socket_it_would_connect_to "$out" 'seccomp-listener-not-allowed.*rc=255$'
start_agent "$SOCKDIR/agents/two.sock" "$WORK/two.json"
bpid=$!
ln -sfn "$SOCKDIR/agents/two.sock" "$SOCKDIR/agents/current.sock"
W exec served true 2>"$WORK/exec.err"
is exec_hands_the_fd_to_the_listed_agent "$?:$(jq -r '.state.id' "$WORK/two.json" 2>/dev/null)" "0:served"
W delete --force served
kill "$dpid" "$apid" "$bpid" 2>/dev/null
wait "$dpid" "$apid" "$bpid" 2>/dev/null
is the_host_daemon_never_got_a_connection "$(ls "$WORK/daemon.json" 2>/dev/null)" ""

# --- scheduling, I/O priority, rlimits, OOM score ---------------------------------------------
b=$(new_bundle fifo 'probe sched')
edit_config "$b" '.process.scheduler = {policy: "SCHED_FIFO", priority: 99}'
refused fifo sched-realtime "$b"
use_policy "allow = sched-realtime"
ward_run "$b" fifo-lifted
like lifted_real_time_scheduling_is_what_the_container_gets "$RC:$OUT" '^0:policy=1 '

b=$(new_bundle nice 'probe sched')
edit_config "$b" '.process.scheduler = {policy: "SCHED_OTHER", nice: -10}'
refused nice sched-nice-raised "$b"

b=$(new_bundle ioprio 'probe sched')
edit_config "$b" '.process.ioPriority = {class: "IOPRIO_CLASS_RT", priority: 0}'
refused ioprio ioprio-realtime "$b"

above() { # one more than this shell's hard limit (what ward inherits)
	local h
	h=$(ulimit -H "$1")
	[ "$h" = unlimited ] && h=1048575
	echo $((h + 1))
}
b=$(new_bundle nofile 'probe limits')
edit_config "$b" '.process.rlimits = [{type: "RLIMIT_NOFILE", soft: 1024, hard: $n}]' --argjson n "$(above -n)"
refused nofile rlimit-above-caller "$b"
b=$(new_bundle rtprio 'probe limits')
edit_config "$b" '.process.rlimits = [{type: "RLIMIT_RTPRIO", soft: $n, hard: $n}]' --argjson n "$(above -r)"
refused rtprio rlimit-above-caller "$b"

caller_oom=$(cat /proc/self/oom_score_adj)
lower=$((caller_oom > 0 ? -1 : caller_oom - 1))
b=$(new_bundle oom 'cat /proc/self/oom_score_adj')
edit_config "$b" '.process.oomScoreAdj = $v' --argjson v "$lower"
refused oom oom-score-adj-lowered "$b"
# Docker's 0 from a shim above 0 (a dockerd started by hand, Docker-in-Docker, CI runners).
edit_config "$b" '.process.oomScoreAdj = 0'
use_policy "level = baseline"
out=$(echo 1 >/proc/self/oom_score_adj && W run -b "$b" docker-oom 2>&1 </dev/null; echo "rc=$?")
is dockers_oom_score_runs_under_a_caller_above_zero "$out" "0
rc=0"

# --- exec --process -----------------------------------------------------------------------------
b=$(new_bundle target "sleep 60; : $MARK")
use_policy "level = baseline"
W run -d -b "$b" target </dev/null
# A process that passes restricted, and the attempts made from it.
OK_PROC='{"args": ["/bin/true"], "cwd": "/", "user": {"uid": 1000, "gid": 1000}, "noNewPrivileges": true}'
exec_with() { # exec_with JQ-FILTER [jq args]: exec --process of OK_PROC changed by the filter
	echo "$OK_PROC" | jq "$@" >"$WORK/proc.json"
	W exec --process "$WORK/proc.json" target 2>&1
	echo "rc=$?"
}
exec_refused() { # exec_refused NAME CHECK LEVELS JQ-FILTER [jq args]
	local name=$1 check=$2 levels=$3 level
	shift 3
	for level in $levels; do
		use_policy "level = $level"
		like "exec_${name}_is_refused_at_$level" "$(exec_with "$@")" "exec: refused .*\[$check\].*rc=255$"
	done
}
for level in baseline restricted; do
	use_policy "level = $level"
	is "exec_of_a_restricted_ready_process_runs_at_$level" "$(exec_with .)" "rc=0"
done
exec_refused fifo sched-realtime "baseline restricted" '.scheduler = {policy: "SCHED_FIFO", priority: 99}'
exec_refused nice sched-nice-raised "baseline restricted" '.scheduler = {policy: "SCHED_OTHER", nice: -10}'
exec_refused ioprio ioprio-realtime "baseline restricted" '.ioPriority = {class: "IOPRIO_CLASS_RT", priority: 0}'
exec_refused rtprio rlimit-above-caller "baseline restricted" \
	'.rlimits = [{type: "RLIMIT_RTPRIO", soft: $n, hard: $n}]' --argjson n "$(above -r)"
exec_refused oom oom-score-adj-lowered "baseline restricted" '.oomScoreAdj = $v' --argjson v "$lower"
exec_refused sys_admin cap-sys-admin "baseline restricted" \
	'.capabilities = {bounding: ["CAP_SYS_ADMIN"], effective: ["CAP_SYS_ADMIN"], permitted: ["CAP_SYS_ADMIN"]}'
exec_refused apparmor apparmor-unconfined "baseline restricted" '.apparmorProfile = "unconfined"'
exec_refused root restricted-run-as-root restricted '.user = {uid: 0, gid: 0}'
exec_refused escalation restricted-privilege-escalation restricted '.noNewPrivileges = false'
use_policy "level = baseline"
W delete --force target

assert_no_leftovers
done_testing
