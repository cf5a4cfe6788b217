#!/bin/bash
# Concurrency: 50 containers created and run at once, and verbs racing on one container (exec
# during delete, kill during pause, two deletes, start during kill, creates of one ID, delete
# during create). Every verb either does its work or fails with a clear error; state.json is
# always whole; `ward list` agrees with the state directories; nothing is left behind.
# Wall times against runc and crun: tests/soak/soak.sh.
. "$(dirname "$0")/lib/common.sh"

W() { "$WARD" --root "$STATE_ROOT" "$@"; }
status_of() { W state "$1" 2>/dev/null | jq -r .status; }
wait_status() { # wait_status ID STATUS: up to 5 s
	for _ in $(seq 100); do [ "$(status_of "$1")" = "$2" ] && return 0; sleep 0.05; done
	return 1
}
ROUNDS=${WARD_CONCURRENCY_ROUNDS:-6}

# What a failing verb may say when another verb on the same container won the race: a clear
# reason, never a crash, a raw system error about the state, or a tampering alarm.
CLEAR='does not exist|not running|stopped|cannot start|cannot exec|exited before it was started|already exists'
BAD='Segmentation|Aborted|core dumped|tampered|state\.json|No such file|Bad file descriptor|Invalid argument'
failures_are_clear() { # failures_are_clear NAME FILE...: each file holds "rc" then stderr
	local f bad=()
	for f in "${@:2}"; do
		local rc text
		rc=$(head -n 1 "$f")
		text=$(tail -n +2 "$f")
		if [[ $text =~ $BAD ]] || { [ "$rc" != 0 ] && [ "$rc" != 137 ] && ! [[ $text =~ $CLEAR ]]; }; then
			bad+=("rc=$rc: $text")
		fi
	done
	if [ ${#bad[@]} -eq 0 ]; then ok "$1"; else not_ok "$1" "${bad[@]}"; fi
}
# bg OUT COMMAND...: runs ward in the background; OUT gets its exit status, then its stderr.
bg() {
	local out=$1
	shift
	{
		"$WARD" --root "$STATE_ROOT" "$@" </dev/null >/dev/null 2>"$out.err"
		echo $? >"$out"
		cat "$out.err" >>"$out"
	} &
}

# ---- 50 containers at once ----------------------------------------------------------------
for i in $(seq 50); do new_bundle par$i "sleep 60; : $MARK" >/dev/null; done
for i in $(seq 50); do bg "$WORK/par$i.rc" run -d -b "$WORK/par$i" par$i; done
wait
n_ok=$(cat "$WORK"/par*.rc | grep -cx 0)
is fifty_parallel_runs_all_succeed "$n_ok" 50
is fifty_parallel_runs_are_all_listed_running \
	"$(W list --format json | jq '[.[] | select(.status == "running")] | length')" 50
cgs=$(find "$CGROUP_ROOT$CGROUP_PARENT" -mindepth 1 -maxdepth 1 -name 'par*' -type d | wc -l)
is fifty_parallel_runs_have_one_cgroup_each "$cgs" 50
for i in $(seq 50); do bg "$WORK/pardel$i.rc" delete -f par$i; done
wait
is fifty_parallel_deletes_all_succeed "$(cat "$WORK"/pardel*.rc | grep -cx 0)" 50
is list_is_empty_after_the_parallel_deletes "$(W list -q)" ""

# ---- exec during delete -------------------------------------------------------------------
b=$(new_bundle ed "sleep 60; : $MARK")
files=()
for r in $(seq "$ROUNDS"); do
	W run -d -b "$b" ed </dev/null
	# a little later each round, so that the exec is caught at different points
	bg "$WORK/ed-exec$r" exec ed sh -c "sleep 30; : $MARK"
	sleep "0.0$((r % 10))"
	bg "$WORK/ed-del$r" delete -f ed
	wait
	files+=("$WORK/ed-exec$r" "$WORK/ed-del$r")
done
is exec_during_delete_delete_always_succeeds "$(cat "$WORK"/ed-del* | grep -cx 0)" "$ROUNDS"
failures_are_clear exec_during_delete_exec_succeeds_or_fails_clearly "${files[@]}"
is exec_during_delete_leaves_no_container "$(W list -q)" ""

# Deterministic: the process of an exec into a paused container (--ignore-paused) waits
# frozen; a delete then kills it with the container. exec says so.
b=$(new_bundle ep "sleep 60; : $MARK")
W run -d -b "$b" ep </dev/null
W pause ep
"$WARD" --root "$STATE_ROOT" exec --ignore-paused ep sh -c ": $MARK" </dev/null 2>"$WORK/ep.err" &
ep=$!
sleep 0.5
W delete -f ep
wait "$ep"
erc=$?
like exec_killed_by_a_delete_says_the_container_stopped "$(cat "$WORK/ep.err") rc=$erc" \
	'container ep stopped while the process was being started \(it was killed or deleted meanwhile\) rc=255'

# ---- a verb looking at an init that is exiting ------------------------------------------------------
# Killed, the init first leaves its namespaces and only later becomes a zombie; a memfd it
# holds is freed in between, stretching that moment. A verb reading it then sees a stopped
# container, not a state that "may have been tampered with".
b=$(new_bundle se "probe slowexit 1024; : $MARK")
edit_config "$b" '.process.args = ["probe", "slowexit", "1024"]'
seen=()
for r in 1 2 3; do
	W run -d -b "$b" se </dev/null >"$WORK/se.out"
	for _ in $(seq 200); do grep -q ready "$WORK/se.out" && break; sleep 0.05; done
	kill -KILL "$(W state se | jq .pid)"
	seen+=("$(W state se 2>&1 | jq -r .status 2>&1 | head -c 300)")
	W delete -f se
done
is a_verb_sees_an_exiting_init_as_stopped "${seen[*]}" "stopped stopped stopped"

# ---- kill during pause ----------------------------------------------------------------------
b=$(new_bundle kp "sleep 60; : $MARK")
files=()
stuck=()
for r in $(seq "$ROUNDS"); do
	W run -d -b "$b" kp </dev/null
	bg "$WORK/kp-pause$r" pause kp
	bg "$WORK/kp-kill$r" kill kp KILL
	wait
	files+=("$WORK/kp-pause$r" "$WORK/kp-kill$r")
	wait_status kp stopped || stuck+=("round $r: $(status_of kp)")
	W delete kp || stuck+=("round $r: delete of the stopped container failed")
done
failures_are_clear kill_during_pause_fails_only_clearly "${files[@]}"
is kill_during_pause_always_stops_the_container "${stuck[*]}" ""

# ---- two deletes at once ----------------------------------------------------------------------
b=$(new_bundle dd "sleep 60; : $MARK")
files=()
wins=()
for r in $(seq "$ROUNDS"); do
	W create -b "$b" dd </dev/null
	bg "$WORK/dd-a$r" delete dd
	bg "$WORK/dd-b$r" delete dd
	wait
	files+=("$WORK/dd-a$r" "$WORK/dd-b$r")
	wins+=("$(cat "$WORK/dd-a$r" "$WORK/dd-b$r" | grep -cx 0)")
done
is two_deletes_exactly_one_wins_each_round "${wins[*]}" "$(printf '1 %.0s' $(seq "$ROUNDS") | sed 's/ $//')"
like two_deletes_the_loser_says_does_not_exist "$(cat "$WORK"/dd-[ab]*)" 'container "dd" does not exist'
failures_are_clear two_deletes_fail_only_clearly "${files[@]}"
files=()
for r in $(seq "$ROUNDS"); do
	W run -d -b "$b" dd </dev/null
	bg "$WORK/ddf-a$r" delete -f dd
	bg "$WORK/ddf-b$r" delete -f dd
	wait
	files+=("$WORK/ddf-a$r" "$WORK/ddf-b$r")
done
is two_forced_deletes_both_succeed "$(cat "${files[@]}" | grep -cx 0)" $((2 * ROUNDS))

# ---- start during kill --------------------------------------------------------------------------
b=$(new_bundle sk "sleep 60; : $MARK")
files=()
stuck=()
for r in $(seq "$ROUNDS"); do
	W create -b "$b" sk </dev/null
	bg "$WORK/sk-start$r" start sk
	bg "$WORK/sk-kill$r" kill sk KILL
	wait
	files+=("$WORK/sk-start$r" "$WORK/sk-kill$r")
	wait_status sk stopped || stuck+=("round $r: $(status_of sk)")
	W delete sk || stuck+=("round $r: delete of the stopped container failed")
done
failures_are_clear start_during_kill_fails_only_clearly "${files[@]}"
is start_during_kill_always_stops_the_container "${stuck[*]}" ""

# ---- creates of one ID, and delete during create ----------------------------------------------
b=$(new_bundle cc "sleep 60; : $MARK")
files=()
wins=()
for r in $(seq "$ROUNDS"); do
	for k in 1 2 3 4; do bg "$WORK/cc$r-$k" create -b "$b" cc; done
	wait
	files+=("$WORK/cc$r"-[1-4])
	wins+=("$(cat "$WORK/cc$r"-[1-4] | grep -cx 0)")
	W delete -f cc
done
is four_creates_of_one_id_exactly_one_wins_each_round "${wins[*]}" "$(printf '1 %.0s' $(seq "$ROUNDS") | sed 's/ $//')"
failures_are_clear four_creates_the_losers_fail_clearly "${files[@]}"
files=()
bad=()
for r in $(seq "$ROUNDS"); do
	bg "$WORK/dc-create$r" create -b "$b" cc
	sleep "0.0$((r % 10))"
	bg "$WORK/dc-del$r" delete -f cc
	wait
	files+=("$WORK/dc-create$r" "$WORK/dc-del$r")
	# Either the delete came first (the create then stands) or it took the created container.
	st=$(status_of cc)
	case "$(head -n 1 "$WORK/dc-create$r"):$st" in
	0:created | 0: | 1:) ;;
	*) bad+=("round $r: create rc $(head -n 1 "$WORK/dc-create$r"), status '$st'") ;;
	esac
	W delete -f cc
done
failures_are_clear delete_during_create_fails_only_clearly "${files[@]}"
is delete_during_create_leaves_a_consistent_state "${bad[*]}" ""

# ---- state.json is always whole; list agrees with the directories ------------------------------
b=$(new_bundle sj "sleep 60; : $MARK")
W run -d -b "$b" sj </dev/null
(
	for _ in $(seq 30); do
		W pause sj
		W resume sj
	done >/dev/null 2>&1
	touch "$WORK/sj.done"
) &
torn=0
states=0
while [ ! -e "$WORK/sj.done" ]; do
	jq -e .id "$STATE_ROOT/sj/state.json" >/dev/null 2>&1 || torn=$((torn + 1))
	s=$(status_of sj)
	case "$s" in running | paused) states=$((states + 1)) ;; *) torn=$((torn + 1)) ;; esac
done
wait
is state_json_always_parses_during_pause_resume "$torn" 0
check state_was_read_during_the_race test "$states" -gt 0
W delete -f sj

for i in $(seq 8); do new_bundle ls$i "sleep 60; : $MARK" >/dev/null; done
(
	for i in $(seq 8); do W run -d -b "$WORK/ls$i" ls$i </dev/null; done
	for i in $(seq 8); do W delete -f ls$i; done
	touch "$WORK/ls.done"
) >/dev/null 2>&1 &
badlist=0
lists=0
while [ ! -e "$WORK/ls.done" ]; do
	out=$(W list --format json 2>"$WORK/list.err") || badlist=$((badlist + 1))
	echo "$out" | jq -e 'type == "array" and all(.[]; .status == "running" or .status == "created")' \
		>/dev/null || badlist=$((badlist + 1))
	[ -s "$WORK/list.err" ] && badlist=$((badlist + 1))
	lists=$((lists + 1))
done
wait
is list_during_runs_and_deletes_is_always_whole "$badlist" 0
check list_was_taken_during_the_race test "$lists" -gt 0

# ---- a verb that waited for the lock of a deleted container --------------------------------------
# A delete holds the lock (here flock(1) stands in for it) while another delete waits; the
# first removes the container and a new one is created under the same ID. The waiting delete
# must not take the new container for the old one.
b=$(new_bundle lk "sleep 60; : $MARK")
W create -b "$b" lk </dev/null
cg=$(W state lk | jq -r .pid | xargs -I{} cat /proc/{}/cgroup | sed -n 's/^0:://p')
flock "$STATE_ROOT/lk" sh -c '
	sleep 1
	echo 1 >"$3/cgroup.kill"
	for _ in $(seq 100); do rmdir "$3" 2>/dev/null && break; sleep 0.05; done
	rm -rf "$2/lk"
	"$1" --root "$2" create -b "$4" lk </dev/null' sh "$WARD" "$STATE_ROOT" "$CGROUP_ROOT$cg" "$b" &
sleep 0.3
W delete lk 2>"$WORK/lk.err"
is waiting_delete_of_a_removed_container_fails "$?" 1
like waiting_delete_says_does_not_exist "$(cat "$WORK/lk.err")" 'container "lk" does not exist'
wait
is the_new_container_of_that_id_survives "$(status_of lk)" created
W delete -f lk

# A foreground run whose container is deleted and created again under the same ID while it
# waits must not remove the new one when its own exits (run is stopped to hold it there).
"$WARD" --root "$STATE_ROOT" run -b "$b" fg </dev/null >/dev/null 2>&1 &
rp=$!
wait_status fg running
kill -STOP "$rp"
W delete -f fg
W create -b "$b" fg </dev/null
kill -CONT "$rp"
wait "$rp"
is run_of_a_deleted_container_returns_its_status "$?" 137
is run_leaves_the_new_container_of_its_id_alone "$(status_of fg)" created
W delete -f fg

assert_no_leftovers
done_testing
