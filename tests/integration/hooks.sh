#!/bin/bash
# Hooks: all six kinds, in order, with the state on stdin; timeouts; failures; the policy's
# allow-list (hook-not-allowed): the hooks here live in this test's directory, which the policy
# allows, and the default policy refuses them.
. "$(dirname "$0")/lib/common.sh"

log="$WORK/hooks.log"
cat >"$WORK/hook" <<HOOK
#!/bin/sh
# Records: kind, then the state JSON it read, then which pid namespace it ran in.
echo "\$1 \$(cat | tr -d '\n') \$(readlink /proc/self/ns/mnt)" >>"$log"
HOOK
chmod 755 "$WORK/hook"
# The default policy: no hook entry but ward's built-in ones.
: >"$WORK/empty.conf"
chmod 644 "$WORK/empty.conf"
WARD_DEFAULT="$WARD"
use_policy "hook = $WORK" "hook = /bin/sleep" "hook = /bin/false"
W() { "$WARD" --root "$STATE_ROOT" "$@"; }

b=$(new_bundle hk true)
edit_config "$b" '.annotations = {"a.b": "c"} | .hooks = {
	prestart: [{path: $h, args: ["hook", "prestart"]}],
	createRuntime: [{path: $h, args: ["hook", "createRuntime"]}],
	createContainer: [{path: $h, args: ["hook", "createContainer"]}],
	startContainer: [{path: "/bin/sh", args: ["sh", "-c", "echo startContainer-in-container"]}],
	poststart: [{path: $h, args: ["hook", "poststart"]}],
	poststop: [{path: $h, args: ["hook", "poststop"]}]}' --arg h "$WORK/hook"
W create -b "$b" --pid-file "$WORK/hk.pid" hk </dev/null >"$WORK/create.out"
is create_with_hooks_succeeds "$?" 0
pid=$(cat "$WORK/hk.pid")
is create_runs_prestart_createruntime_createcontainer_in_order "$(awk '{print $1}' "$log" | tr '\n' ' ')" "prestart createRuntime createContainer "
is hooks_get_the_state_on_stdin "$(sed -n 1p "$log" | awk '{print $2}' | jq -r '[.id, .status, (.pid|tostring), .bundle, .annotations["a.b"]] | join(" ")')" "hk creating $pid $b c"
is runtime_hooks_run_in_the_runtime_mount_namespace "$(sed -n 2p "$log" | awk '{print $3}')" "$(readlink /proc/self/ns/mnt)"
is createcontainer_runs_in_the_container_mount_namespace "$(sed -n 3p "$log" | awk '{print $3}')" "$(readlink /proc/"$pid"/ns/mnt)"
W start hk >"$WORK/start.out"
is start_runs_poststart "$(awk '{print $1}' "$log" | tail -n 1)" poststart
for _ in $(seq 50); do [ "$(W state hk | jq -r .status)" = stopped ] && break; sleep 0.05; done
W delete hk
is delete_runs_poststop_last "$(awk '{print $1}' "$log" | tail -n 1)" poststop
is poststop_sees_status_stopped "$(tail -n 1 "$log" | awk '{print $2}' | jq -r .status)" stopped

# `run` judges and runs poststart and poststop itself.
: >"$log"
b=$(new_bundle hkrun true)
edit_config "$b" '.hooks = {poststart: [{path: $h, args: ["hook", "poststart"]}],
	poststop: [{path: $h, args: ["hook", "poststop"]}]}' --arg h "$WORK/hook"
ward_run "$b" hkrun
is run_runs_poststart_and_poststop "$RC $(awk '{print $1}' "$log" | tr '\n' ' ')" "0 poststart poststop "

b=$(new_bundle slow 'true')
edit_config "$b" '.hooks.createRuntime = [{path: "/bin/sleep", args: ["sleep", "30"], timeout: 1}]'
start=$(date +%s)
out=$(W create -b "$b" slow 2>&1 </dev/null; echo "rc=$?")
like hook_timeout_kills_it_and_fails_create "$out" 'hooks.createRuntime\[0\]: /bin/sleep did not finish within 1 seconds.*rc=1'
check hook_timeout_is_enforced_promptly test $(($(date +%s) - start)) -lt 10

b=$(new_bundle failing 'true')
edit_config "$b" '.hooks.prestart = [{path: "/bin/false"}]'
like failing_prestart_hook_fails_create "$(W create -b "$b" failing 2>&1 </dev/null; echo "rc=$?")" 'hooks.prestart\[0\]: /bin/false exited with status 1.*rc=1'

# The default policy refuses a hook it does not list, before anything runs or exists.
: >"$log"
b=$(new_bundle refused 'true')
edit_config "$b" '.hooks.prestart = [{path: $h, args: ["hook", "prestart"]}]' --arg h "$WORK/hook"
out=$("$WARD_DEFAULT" --policy "$WORK/empty.conf" --root "$STATE_ROOT" create -b "$b" refused 2>&1 </dev/null; echo "rc=$?")
like default_policy_refuses_an_unlisted_hook "$out" "hooks.prestart\[0\].path: $WORK/hook is not an allowed hook.*\[hook-not-allowed\].*rc=1"
is refused_hook_never_ran "$(cat "$log")" ""
check refused_create_leaves_no_state test ! -e "$STATE_ROOT/refused"
# `run` refuses it as create does.
out=$("$WARD_DEFAULT" --policy "$WORK/empty.conf" --root "$STATE_ROOT" run -b "$b" refused2 2>&1 </dev/null; echo "rc=$?")
like run_refuses_it_too "$out" "\[hook-not-allowed\].*rc=1"

assert_no_leftovers
done_testing
