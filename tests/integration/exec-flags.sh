#!/bin/bash
# exec's flags (--cwd, --cap, --user, --additional-gids, --env) are applied to the container's
# process as its JSON fields and read by config.json's reader: a bad value gets the reason
# config.json's field gets, naming the flag and the field; the policy judges what the flags
# make as it judges config.json, also where the container's config has no capabilities.
. "$(dirname "$0")/lib/common.sh"

W() { "$WARD" --root "$STATE_ROOT" "$@"; }

# The reason ward gives for a config.json whose process has FIELD = JSON-VALUE.
config_reason() { # config_reason FIELD-FILTER
	local b
	b=$(new_bundle "cfg$RANDOM")
	edit_config "$b" "$1"
	W create -b "$b" "bad$RANDOM" 2>&1 </dev/null | sed -n 's/.*config\.json: //p'
}
# The reason exec gives for FLAGS, after "FLAG: ".
exec_reason() { # exec_reason FLAG VALUE
	W exec "$1" "$2" ex true 2>&1 | sed -n "s/.*ward: $1: //p;s/.*error: $1: //p;s/^$1: //p"
}

b=$(new_bundle ex "sleep 60; : $MARK")
W run -d -b "$b" ex </dev/null
is container_runs "$?" 0

like relative_cwd_names_the_flag_and_the_field "$(W exec --cwd tmp ex true 2>&1; echo "rc=$?")" \
	'--cwd: process\.cwd: "tmp" is not an absolute path.*rc=255'
want=$(config_reason '.process.cwd = "tmp"')
is relative_cwd_has_config_json_s_reason "$(exec_reason --cwd tmp)" "$want"

like unknown_cap_names_the_flag_and_the_field "$(W exec --cap CAP_NO_SUCH ex true 2>&1; echo "rc=$?")" \
	'--cap: process\.capabilities\.bounding\[[0-9]+\]: unknown capability "CAP_NO_SUCH".*rc=255'
got=$(exec_reason --cap CAP_NO_SUCH | sed 's/\[[0-9]*\]/[i]/')
want=$(config_reason '.process.capabilities.bounding += ["CAP_NO_SUCH"]' | sed 's/\[[0-9]*\]/[i]/')
is unknown_cap_has_config_json_s_reason "$got" "$want"

like bad_user_names_the_flag_and_the_field "$(W exec --user nobody ex true 2>&1; echo "rc=$?")" \
	'--user: process\.user\.uid: expected .*"nobody".*rc=255'
want=$(config_reason '.process.user.uid = "nobody"')
is bad_user_has_config_json_s_reason "$(exec_reason --user nobody)" "$want"
want=$(config_reason '.process.user.uid = 4294967296')
is user_out_of_range_has_config_json_s_reason "$(exec_reason --user 4294967296)" "$want"
# (uid_t)-1 means "unchanged" to setresuid(): accepted, it would leave the process root.
like the_unchanged_uid_is_refused "$(W exec --user 4294967295 ex id -u 2>&1; echo "rc=$?")" \
	'--user: process\.user\.uid: 4294967295 is no ID.*rc=255'
like the_unchanged_gid_is_refused "$(W exec --user 1000:4294967295 ex id -g 2>&1; echo "rc=$?")" \
	'--user: process\.user\.gid: 4294967295 is no ID.*rc=255'
like bad_gid_names_the_field "$(W exec --user 1:x ex true 2>&1)" '--user: process\.user\.gid: expected .*"x"'
like bad_additional_gid_names_the_flag "$(W exec --additional-gids -1 ex true 2>&1)" \
	'--additional-gids: process\.user\.additionalGids\[0\]: expected .*-1'
like env_without_a_name_names_the_flag "$(W exec --env =x ex true 2>&1; echo "rc=$?")" \
	'--env: process\.env\[[0-9]+\]: "=x" is not of the form NAME=value.*rc=255'
is cap_in_lower_case_without_prefix_still_works "$(W exec --cap net_raw ex sh -c 'grep CapEff /proc/self/status | cut -f2')" \
	0000000020002420

# A config without process.capabilities: what --cap adds is judged all the same.
W delete --force ex
b=$(new_bundle nocaps "sleep 60; : $MARK")
edit_config "$b" 'del(.process.capabilities)'
W run -d -b "$b" nocaps </dev/null
like cap_sys_admin_is_refused_without_config_caps "$(W exec --cap CAP_SYS_ADMIN nocaps true 2>&1; echo "rc=$?")" \
	'exec: refused.*\[cap-sys-admin\].*rc=255'
W delete --force nocaps

assert_no_leftovers
done_testing
