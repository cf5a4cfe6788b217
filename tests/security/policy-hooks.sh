#!/bin/bash
# Red team: OCI hooks. prestart, createRuntime, createContainer, poststart and poststop hooks
# run a program the config names with ward's privileges on the host (root), so a config that
# may name any hook owns the host. ward's policy (hook-not-allowed) lets a hook run only if the
# file it resolves to is allowed by the host admin (a "hook" entry naming it or its directory;
# the engines' own dockerd), is owned by root and cannot be written by group or others; and
# ward runs exactly the file it judged, through its fd. start, run and delete resolve and judge
# poststart and poststop hooks again.
# Test: a config whose hooks run /bin/sh to touch a host file is refused in each host-side kind
# at baseline and at restricted, and the file never appears; an allowed directory does not
# allow a group-writable or foreign-owned file in it, nor an allowed file with LD_PRELOAD in its
# env; a hook path that is a symlink to an allowed script, re-pointed to a hostile one after
# create judged it (deterministically before start and before delete; and by a host process
# exchanging the links while containers run in a loop), never runs the hostile script.
. "$(dirname "$0")/../integration/lib/common.sh"
. "$(dirname "$0")/lib/race.sh"

W() { "$WARD" --root "$STATE_ROOT" "$@"; }
HOST="$WORK/host"
mkdir -p "$HOST"
kinds="prestart createRuntime createContainer poststart poststop"

# ---- a hook the admin did not allow ---------------------------------------------------------
for level in baseline restricted; do
	use_policy "level = $level"
	for kind in $kinds; do
		b=$(new_bundle "$level-$kind" true)
		edit_config "$b" '.hooks[$k] = [{path: "/bin/sh", args: ["sh", "-c", ("touch " + $f)]}]' \
			--arg k "$kind" --arg f "$HOST/pwned-$level-$kind"
		out=$(W create -b "$b" "$level-$kind" 2>&1 </dev/null; echo "rc=$?")
		like "${level}_refuses_a_${kind}_hook_running_a_host_shell" "$out" \
			"refused by the $level policy.*hooks\.$kind\[0\]\.path: /bin/sh \(resolved to [^)]*\) is not an allowed hook.*\[hook-not-allowed\].*rc=1\$"
	done
done
is no_refused_hook_touched_the_host "$(ls -A "$HOST")" ""
is no_refused_create_left_state "$(ls -A "$STATE_ROOT" 2>/dev/null | grep -v '^cache:seccomp$')" ""

# ---- an allowed directory, a file in it that others can change -------------------------------
mkdir -p "$WORK/hooks.d"
printf '#!/bin/sh\ntouch %s/pwned-writable\n' "$HOST" >"$WORK/hooks.d/hook"
chmod 775 "$WORK/hooks.d/hook"
use_policy "hook = $WORK/hooks.d"
b=$(new_bundle writable true)
edit_config "$b" '.hooks.prestart = [{path: $h}]' --arg h "$WORK/hooks.d/hook"
out=$(W create -b "$b" writable 2>&1 </dev/null; echo "rc=$?")
like a_group_writable_hook_in_an_allowed_directory_is_refused "$out" \
	"hooks\.prestart\[0\]\.path: $WORK/hooks\.d/hook is writable by group or others \(mode 0775\) \[hook-not-allowed\].*rc=1\$"
chmod 755 "$WORK/hooks.d/hook"
chown 65534 "$WORK/hooks.d/hook"
out=$(W create -b "$b" writable 2>&1 </dev/null; echo "rc=$?")
like a_hook_owned_by_another_user_in_an_allowed_directory_is_refused "$out" \
	"hooks\.prestart\[0\]\.path: $WORK/hooks\.d/hook is owned by uid 65534, not by root \[hook-not-allowed\].*rc=1\$"
is neither_ran "$(ls -A "$HOST")" ""

# ---- a symlink re-pointed after create judged it ---------------------------------------------
mkdir -p "$WORK/allowed" "$WORK/elsewhere"
printf '#!/bin/sh\necho "$1" >>%s/good.log\n' "$WORK" >"$WORK/allowed/good"
printf '#!/bin/sh\ntouch %s/pwned-"$1"\n' "$HOST" >"$WORK/elsewhere/evil"
chmod 755 "$WORK/allowed/good" "$WORK/elsewhere/evil"
point() { # point TARGET: atomically re-points $WORK/link
	ln -sfn "$1" "$WORK/link.new" && mv -T "$WORK/link.new" "$WORK/link"
}
point "$WORK/allowed/good"
use_policy "hook = $WORK/allowed"
hooks_json='{prestart: [{path: $l, args: ["h", "prestart"]}],
	createRuntime: [{path: $l, args: ["h", "createRuntime"]}],
	createContainer: [{path: $l, args: ["h", "createContainer"]}],
	poststart: [{path: $l, args: ["h", "poststart"]}],
	poststop: [{path: $l, args: ["h", "poststop"]}]}'

# The control: through the link, the allowed script runs in every kind.
b=$(new_bundle control true)
edit_config "$b" ".hooks = $hooks_json" --arg l "$WORK/link"
ward_run "$b" control
is the_allowed_script_runs_through_the_link_in_every_kind "$RC $(tr '\n' ' ' <"$WORK/good.log")" \
	"0 prestart createRuntime createContainer poststart poststop "

# Swapped between create and start: start judges the poststart hook again and refuses it.
: >"$WORK/good.log"
b=$(new_bundle swapstart "sleep 60; : $MARK")
edit_config "$b" '.hooks.poststart = [{path: $l, args: ["h", "poststart"]}]' --arg l "$WORK/link"
W create -b "$b" swapstart </dev/null
is create_judged_the_link_to_the_allowed_script "$?" 0
point "$WORK/elsewhere/evil"
out=$(W start swapstart 2>&1; echo "rc=$?")
like start_refuses_the_re_pointed_poststart_hook "$out" \
	"hooks\.poststart\[0\]\.path: $WORK/link \(resolved to $WORK/elsewhere/evil\) is not an allowed hook.*\[hook-not-allowed\].*rc=1\$"
is the_refused_start_leaves_the_container_created "$(W state swapstart | jq -r .status)" created
is the_hostile_poststart_hook_never_ran "$(ls -A "$HOST") $(cat "$WORK/good.log")" " "
W delete --force swapstart

# Swapped between start and delete: delete does not run it, and still removes the container.
point "$WORK/allowed/good"
b=$(new_bundle swapstop true)
edit_config "$b" '.hooks.poststop = [{path: $l, args: ["h", "poststop"]}]' --arg l "$WORK/link"
W create -b "$b" swapstop </dev/null && W start swapstop
for _ in $(seq 100); do [ "$(W state swapstop | jq -r .status)" = stopped ] && break; sleep 0.05; done
point "$WORK/elsewhere/evil"
out=$(W delete swapstop 2>&1; echo "rc=$?")
like delete_refuses_the_re_pointed_poststop_hook_but_deletes "$out" \
	"poststop hooks not run: .*hooks\.poststop\[0\]\.path: $WORK/link \(resolved to $WORK/elsewhere/evil\) is not an allowed hook.*\[hook-not-allowed\].*rc=0\$"
check the_container_is_gone test ! -e "$STATE_ROOT/swapstop"
is the_hostile_poststop_hook_never_ran "$(ls -A "$HOST") $(cat "$WORK/good.log")" " "

# An allowed program with an environment that makes the loader run other code.
b=$(new_bundle preload true)
edit_config "$b" '.hooks.prestart = [{path: $h, args: ["h", "prestart"], env: ["PATH=/usr/bin", $p]}]' \
	--arg h "$WORK/allowed/good" --arg p "LD_PRELOAD=$WORK/elsewhere/evil.so"
out=$(W create -b "$b" preload 2>&1 </dev/null; echo "rc=$?")
like an_allowed_hook_with_ld_preload_is_refused "$out" \
	"1 violation.*hooks\.prestart\[0\]\.env\[1\]: LD_PRELOAD would make the loader.*\[hook-not-allowed\].*rc=1\$"

# Refused at create when it already points elsewhere, in every kind.
b=$(new_bundle swapped true)
edit_config "$b" ".hooks = $hooks_json" --arg l "$WORK/link"
out=$(W create -b "$b" swapped 2>&1 </dev/null; echo "rc=$?")
like create_refuses_every_hook_through_the_re_pointed_link "$out" \
	"5 violations.*prestart.*createRuntime.*createContainer.*poststart.*poststop.*rc=1\$"

# The race: a host process keeps exchanging the link to the allowed script and a link to the
# hostile one while containers with all five hooks on the link run in a loop. Each hook is
# judged as whatever the link named when ward resolved it, and runs that file: the allowed
# script, or nothing.
point "$WORK/allowed/good"
ln -sfn "$WORK/elsewhere/evil" "$WORK/link-evil"
: >"$WORK/good.log"
b=$(new_bundle race "true; : $MARK")
edit_config "$b" ".hooks = $hooks_json" --arg l "$WORK/link"
hostile_ran() { [ -z "$(ls -A "$HOST")" ] || echo "the hostile hook ran: $(ls -A "$HOST")"; }
swap_start "$WORK/link" "$WORK/link-evil"
race_loop "$b" 150 40 hostile_ran "$HOST"
swap_stop
race_report hooks_link_exchange the_hostile_hook_never_ran
is the_hostile_script_never_ran_during_the_race "$(ls -A "$HOST")" ""
like the_judge_saw_the_hostile_script_during_the_race "$REFUSALS" "refused by the baseline policy"
diag "allowed hooks that ran during the race: $(wc -l <"$WORK/good.log")"

assert_no_leftovers
done_testing
