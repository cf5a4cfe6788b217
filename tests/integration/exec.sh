#!/bin/bash
# ward exec: joins every namespace of the container, applies the process's own user, caps
# and no_new_privs, returns its status (255 when ward fails), detaches with a pid file.
. "$(dirname "$0")/lib/common.sh"

W() { "$WARD" --root "$STATE_ROOT" "$@"; }

b=$(new_bundle ex "sleep 60; : $MARK")
W run -d -b "$b" --pid-file "$WORK/init.pid" ex </dev/null
is run_detach_returns "$?" 0
init=$(cat "$WORK/init.pid")

out=$(W exec ex sh -c 'for n in pid mnt net ipc uts; do readlink /proc/self/ns/$n; done')
want=$(for n in pid mnt net ipc uts; do readlink /proc/"$init"/ns/$n; done)
is exec_joins_every_namespace_of_the_init "$out" "$want"
is exec_returns_the_process_status "$(W exec ex sh -c 'exit 7'; echo $?)" 7
like exec_failure_returns_255_with_strerror "$(W exec ex /no/such 2>&1; echo "rc=$?")" 'no such file or directory
rc=255'
like exec_missing_command_says_not_found_in_path "$(W exec ex no-such-cmd 2>&1)" 'executable file not found in \$PATH'
is exec_runs_as_the_given_user "$(W exec --user 1000:1001 --additional-gids 7 ex probe groups)" "uid=1000 gid=1001 groups=7"
is exec_uses_cwd_and_env "$(W exec --cwd /tmp --env A=b ex sh -c 'echo $(pwd) $A')" "/tmp b"
caps=$(W exec --cap CAP_NET_RAW ex grep -E '^Cap(Inh|Bnd|Eff)' /proc/self/status | awk '{print $2}' | tr '\n' ' ')
is exec_cap_adds_to_bounding_and_effective_never_inheritable "$caps" "0000000000000000 0000000020002420 0000000020002420 "
is exec_inherits_no_new_privs_from_the_config "$(W exec ex awk '/NoNewPrivs/ {print $2}' /proc/self/status)" 1

cat >"$WORK/proc.json" <<'JSON'
{"args": ["sh", "-c", "echo $X $(id -u)"], "cwd": "/", "env": ["X=from-process-json"], "user": {"uid": 5}}
JSON
is exec_process_json_is_used_whole "$(W exec --process "$WORK/proc.json" ex)" "from-process-json 5"
echo '{"args": [], "cwd": "/"}' >"$WORK/bad.json"
like exec_bad_process_json_names_the_field "$(W exec --process "$WORK/bad.json" ex 2>&1; echo "rc=$?")" '--process: args: must name the program to run.*
rc=255'

like exec_apparmor_without_apparmor_fails_closed "$(W exec --apparmor foo ex true 2>&1; echo "rc=$?")" 'AppArmor is not enabled on this host.*rc=255'

W exec -d --pid-file "$WORK/exec.pid" ex sleep 30
is exec_detach_returns_0 "$?" 0
epid=$(cat "$WORK/exec.pid")
is exec_detach_pid_file_names_a_process_in_the_container "$(readlink /proc/"$epid"/ns/pid)" "$(readlink /proc/"$init"/ns/pid)"
like ps_lists_the_exec_process "$(W ps --format json ex)" "$epid"

W pause ex
like exec_into_a_paused_container_is_refused "$(W exec ex true 2>&1; echo "rc=$?")" 'paused.*--ignore-paused.*rc=255'
# The new process is frozen with the container until resume.
timeout 20 "$WARD" --root "$STATE_ROOT" exec --ignore-paused ex echo after-resume >"$WORK/ip.out" &
ipid=$!
sleep 0.5
W resume ex
wait "$ipid"
is exec_ignore_paused_runs_once_resumed "$?|$(cat "$WORK/ip.out")" "0|after-resume"
echo preserved >"$WORK/pfd"
is exec_preserve_fds_passes_the_fd "$(W exec --preserve-fds 1 ex cat /proc/self/fd/3 3<"$WORK/pfd")" preserved
is exec_tty_gets_a_terminal "$(W exec -t ex tty </dev/null | tr -d '\r')" /dev/pts/0

W delete --force ex
like exec_into_a_deleted_container_fails "$(W exec ex true 2>&1; echo "rc=$?")" 'does not exist
rc=255'

assert_no_leftovers
done_testing
