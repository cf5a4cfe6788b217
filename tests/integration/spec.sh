#!/bin/bash
# ward spec: a hardened config that runs as is, and never overwrites an existing one.
. "$(dirname "$0")/lib/common.sh"

b="$WORK/spec"
mkdir -p "$b"
"$WARD" spec -b "$b"
is writes_a_config_json "$?" 0
c="$b/config.json"
is has_no_new_privileges "$(jq .process.noNewPrivileges "$c")" true
is has_a_read_only_root "$(jq .root.readonly "$c")" true
is has_a_minimal_bounding_set "$(jq -c .process.capabilities.bounding "$c")" '["CAP_AUDIT_WRITE","CAP_KILL","CAP_NET_BIND_SERVICE"]'
is has_no_inheritable_or_ambient_caps "$(jq -c '[.process.capabilities.inheritable, .process.capabilities.ambient]' "$c")" '[[],[]]'
is creates_private_namespaces "$(jq -c '[.linux.namespaces[].type] | sort' "$c")" '["cgroup","ipc","mount","network","pid","uts"]'
like masks_sensitive_proc_paths "$(jq -c .linux.maskedPaths "$c")" '"/proc/kcore".*"/proc/keys"'

before=$(md5sum <"$c")
"$WARD" spec -b "$b" 2>"$WORK/err"
like refuses_to_overwrite "$?|$(cat "$WORK/err")" '^1\|ward: .*config.json already exists'
is leaves_the_existing_config_untouched "$(md5sum <"$c")" "$before"

jq --arg root "$ROOTFS" '.root.path = $root | .process.args = ["true"]' "$c" >"$c.tmp" && mv "$c.tmp" "$c"
"$WARD" --root "$STATE_ROOT" run -b "$b" spec-runs </dev/null
is generated_config_runs "$?" 0
done_testing
