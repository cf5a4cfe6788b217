#!/bin/bash
# The lifecycle as the runtime spec orders it, where the timing is what a caller sees: `start`
# returns once the container's program runs (after the startContainer hooks), startContainer
# hooks run under the container's seccomp filter (which refuses clone3), and `state` of an
# init that is exiting says stopped instead of failing.
. "$(dirname "$0")/lib/common.sh"

W() { "$WARD" --root "$STATE_ROOT" "$@"; }
status_of() { W state "$1" 2>/dev/null | jq -r .status; }

# ward's stacked filter answers clone3 with ENOSYS (as Docker's profile does): the hook is
# still started, through clone(2).
b=$(new_bundle schook 'cat /dev/shm/ran')
edit_config "$b" '.hooks.startContainer = [{path: "/bin/sh", args: ["sh", "-c", "echo startContainer >/dev/shm/ran"]}]'
ward_run "$b" schook
is startcontainer_hook_runs_under_the_seccomp_filter "$RC $OUT" "0 startContainer"

# A profile of the config's own that refuses clone3 with EPERM (an allow-list profile that does
# not name it): the same fallback.
use_policy "allow = seccomp-unconfined"
b=$(new_bundle schook2 'cat /dev/shm/ran')
edit_config "$b" '.hooks.startContainer = [{path: "/bin/sh", args: ["sh", "-c", "echo startContainer >/dev/shm/ran"]}]
	| .linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW",
		syscalls: [{names: ["clone3"], action: "SCMP_ACT_ERRNO", errnoRet: 1}]}'
ward_run "$b" schook2
is startcontainer_hook_runs_where_the_profile_refuses_clone3_with_eperm "$RC $OUT" "0 startContainer"

# `start` waits for the program: a slow startContainer hook holds it back, and when `start`
# returns the init is the container's program, not ward any more.
b=$(new_bundle slowstart "sleep 60; : $MARK")
edit_config "$b" '.hooks.startContainer = [{path: "/bin/sleep", args: ["sleep", "1"]}]'
W create -b "$b" --pid-file "$WORK/slow.pid" slowstart </dev/null
pid=$(cat "$WORK/slow.pid")
t0=$(date +%s%N)
W start slowstart
is start_succeeds "$?" 0
t1=$(date +%s%N)
check start_waits_for_the_startcontainer_hooks test $(((t1 - t0) / 1000000)) -ge 900
like start_returns_after_the_program_was_executed "$(readlink /proc/"$pid"/exe)" 'busybox$'
is status_is_running_after_start "$(status_of slowstart)" running
W delete --force slowstart

# An init that exits while many processes share its pid namespace spends a while in the kernel
# killing them, its namespaces already gone: `state` in that window says running or stopped,
# never an error about namespaces it cannot read.
b=$(new_bundle exiting "for i in \$(seq 300); do sleep 100 & done; sleep 0.3; exit 0; : $MARK")
W create -b "$b" exiting </dev/null
W start exiting
errors=""
for _ in $(seq 3000); do
	if ! out=$(W state exiting 2>&1); then
		errors="$errors$out"$'\n'
		continue
	fi
	[ "$(echo "$out" | jq -r .status)" = stopped ] && break
done
is state_of_an_exiting_init_never_fails "$errors" ""
is the_exited_init_is_stopped "$(status_of exiting)" stopped
W delete exiting

assert_no_leftovers
done_testing
