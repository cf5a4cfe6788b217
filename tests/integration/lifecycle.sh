#!/bin/bash
# The runc lifecycle as containerd and podman drive it: create (the init waits, fully set up),
# start, state, list, kill, delete; the error texts callers match; crash cleanup.
. "$(dirname "$0")/lib/common.sh"

W() { "$WARD" --root "$STATE_ROOT" "$@"; }
status_of() { W state "$1" 2>/dev/null | jq -r .status; }

b=$(new_bundle life "echo started >/dev/null; sleep 60; : $MARK")
W create -b "$b" --pid-file "$WORK/life.pid" life </dev/null
is create_returns_success "$?" 0
pid=$(cat "$WORK/life.pid")
like pid_file_has_the_host_pid_without_newline "$(od -c "$WORK/life.pid" | head -n 1)" "^0000000 +[0-9 ]+$"
is status_is_created_after_create "$(status_of life)" created
check created_init_is_alive_and_waiting test -d "/proc/$pid"
ppid=$(awk '{print $4}' /proc/"$pid"/stat)
unlike create_leaves_no_ward_parent_behind "$(cat /proc/"$ppid"/comm)" '^ward$'
state=$(W state life)
is state_has_runc_fields "$(echo "$state" | jq -r '[.ociVersion, .id, (.pid|tostring), .bundle, .rootfs] | join(" ")')" "1.3.0 life $pid $b $ROOTFS"
like state_created_is_rfc3339 "$(echo "$state" | jq -r .created)" '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z$'
is state_has_no_trailing_newline "$(W state life | tail -c 1 | od -An -c | tr -d ' ')" "}"
is list_quiet_prints_ids "$(W list -q)" life
is list_json_is_an_array_of_states "$(W list --format json | jq -r '.[0].id + " " + .[0].status')" "life created"
like list_table_has_a_header_and_a_row "$(W list)" 'ID +PID +STATUS.*
life +[0-9]+ +created'

W start life
is start_returns_success "$?" 0
is status_is_running_after_start "$(status_of life)" running
check exec_fifo_is_gone_after_start test ! -e "$STATE_ROOT/life/exec.fifo"
like start_twice_is_refused "$(W start life 2>&1)" 'cannot start an already running container'
is ps_json_lists_host_pids "$(W ps --format json life | jq -c 'map(select(. == '"$pid"')) | length')" 1
like ps_table_shows_the_process "$(W ps life)" "PID.*
.*$pid .*sleep 60"
like delete_running_is_refused "$(W delete life 2>&1; echo "rc=$?")" 'cannot delete container life that is not stopped: running
rc=1'

W kill life TERM
sleep 0.2
is pid_1_ignores_an_unhandled_term "$(status_of life)" running
W kill life SIGKILL
for _ in $(seq 50); do [ "$(status_of life)" = stopped ] && break; sleep 0.05; done
is kill_by_name_stops_it "$(status_of life)" stopped
is stopped_state_reports_pid_0 "$(W state life | jq .pid)" 0
like kill_of_a_stopped_container_says_not_running "$(W kill life 9 2>&1; echo "rc=$?")" 'container not running
rc=1'
is kill_all_of_a_stopped_container_succeeds "$(W kill --all life 9 >/dev/null 2>&1; echo $?)" 0
like start_of_a_stopped_container_is_refused "$(W start life 2>&1)" 'cannot start a container that has stopped'
W delete life
is delete_of_a_stopped_container_succeeds "$?" 0
check delete_removes_the_state_directory test ! -e "$STATE_ROOT/life"

like state_of_an_unknown_id_says_does_not_exist "$(W state nosuch 2>&1; echo "rc=$?")" 'container "nosuch" does not exist
rc=1'
is delete_force_of_an_unknown_id_succeeds "$(W delete --force nosuch; echo $?)" 0

# delete of a created container kills its waiting init.
b=$(new_bundle created-del "sleep 60; : $MARK")
W create -b "$b" --pid-file "$WORK/cd.pid" created-del </dev/null
cpid=$(cat "$WORK/cd.pid")
W delete created-del
if [ ! -d "/proc/$cpid" ] || grep -q '^State:.*Z' "/proc/$cpid/status" 2>/dev/null; then
	ok delete_kills_a_created_init
else
	not_ok delete_kills_a_created_init
fi

# Two creates of one ID at once: exactly one wins, the other fails cleanly.
b=$(new_bundle race "sleep 60; : $MARK")
W create -b "$b" race </dev/null >"$WORK/race1" 2>&1 &
W create -b "$b" race </dev/null >"$WORK/race2" 2>&1 &
wait
wins=$(grep -c . "$WORK/race1" "$WORK/race2" | grep -c ':0$')
is concurrent_creates_of_one_id_one_wins "$wins" 1
like the_loser_says_already_exists "$(cat "$WORK/race1" "$WORK/race2")" 'container "race" already exists'
W delete --force race

# A ward SIGKILLed in the middle of create (inside a slow prestart hook) leaves a state that
# delete --force removes completely. The hook lives in this test's directory, which the policy
# allows (hook-not-allowed).
use_policy "hook = $WORK"
b=$(new_bundle crash "sleep 60; : $MARK")
cat >"$WORK/slow-hook" <<HOOK
#!/bin/sh
echo \$\$ >"$WORK/hook.pid"
sleep 30
HOOK
chmod +x "$WORK/slow-hook"
edit_config "$b" '.hooks.prestart = [{path: $p}]' --arg p "$WORK/slow-hook"
W create -b "$b" crash </dev/null >/dev/null 2>&1 &
cpid=$!
for _ in $(seq 100); do [ -s "$WORK/hook.pid" ] && break; sleep 0.05; done
kill -KILL "$cpid"
wait "$cpid" 2>/dev/null
kill -KILL "$(cat "$WORK/hook.pid")" 2>/dev/null
W delete --force crash
is delete_force_after_a_killed_create_succeeds "$?" 0
sleep 0.2
check killed_create_leaves_no_state test ! -e "$STATE_ROOT/crash"
if pgrep -f "sleep 60; : $MARK" >/dev/null; then
	not_ok killed_create_leaves_no_process "$(pgrep -af "$MARK")"
else
	ok killed_create_leaves_no_process
fi

assert_no_leftovers
done_testing
