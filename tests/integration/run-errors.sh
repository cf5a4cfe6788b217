#!/bin/bash
# Failures on either side of the clone: a message naming the field and the reason, exit status
# 1, and nothing left behind (state directory, host mounts, processes).
. "$(dirname "$0")/lib/common.sh"

expect_failure() { # expect_failure NAME REGEX: the last ward_run failed with a matching message
	like "$1" "$RC|$ERR" "^1\|ward: .*$2"
	if [ -e "$STATE_ROOT/$3" ]; then not_ok "${1}_leaves_no_state"; else ok "${1}_leaves_no_state"; fi
}

mkdir -p "$WORK/empty"
ward_run "$WORK/empty" noconfig
expect_failure missing_config_json 'config.json.*no such file or directory' noconfig

b=$(new_bundle malformed)
printf '{"ociVersion": "1.2.0", "root": {"path": "rootfs"},\n "process": [' >"$b/config.json"
ward_run "$b" malformed
expect_failure malformed_config_names_the_position 'config.json: invalid JSON at line 2' malformed

b=$(new_bundle badtype)
edit_config "$b" '.linux.uidMappings = [{containerID: 0, hostID: 0, size: 1}, {containerID: 1, hostID: 1, size: "abc"}]'
ward_run "$b" badtype
expect_failure wrong_type_names_the_json_path \
	'config.json: linux.uidMappings\[1\].size: expected an unsigned 32-bit integer, got "abc"' badtype

b=$(new_bundle missing-exe)
edit_config "$b" '.process.args = ["no-such-program"]'
ward_run "$b" missing-exe
expect_failure missing_executable_fails_before_start 'exec: "no-such-program": executable file not found in \$PATH' missing-exe

b=$(new_bundle missing-abs)
edit_config "$b" '.process.args = ["/no/such/file"]'
ward_run "$b" missing-abs
expect_failure missing_absolute_executable_says_no_such_file 'no such file or directory' missing-abs

b=$(new_bundle badbind)
edit_config "$b" '.mounts += [{destination: "/x", type: "bind", source: "/nonexistent/src", options: ["rbind"]}]'
ward_run "$b" badbind
expect_failure missing_bind_source_names_the_mount 'mounts\[7\].*/nonexistent/src: no such file or directory' badbind

b=$(new_bundle badopt)
edit_config "$b" '.mounts += [{destination: "/x", type: "tmpfs", source: "tmpfs", options: ["size=lots"]}]'
ward_run "$b" badopt
expect_failure bad_filesystem_option_is_explained 'mounts\[7\].*option "size=lots".*tmpfs' badopt

b=$(new_bundle badbindopt)
edit_config "$b" '.mounts += [{destination: "/x", type: "bind", source: "/tmp", options: ["rbind", "readonly"]}]'
ward_run "$b" badbindopt
expect_failure unknown_bind_option_is_refused 'mounts\[7\].options.*"readonly" is not a bind mount option' badbindopt

b=$(new_bundle nouts)
edit_config "$b" '.linux.namespaces |= map(select(.type != "uts"))'
# The policy refuses the host's UTS namespace first; lifted, the hostname error remains.
use_policy "allow = host-uts-namespace"
ward_run "$b" nouts
expect_failure hostname_without_uts_namespace_is_refused 'hostname: .*private UTS namespace' nouts

b=$(new_bundle badid)
ward_run "$b" '../escape'
like invalid_container_id_is_refused "$RC|$ERR" '^1\|ward: invalid container ID "\.\./escape"'
check invalid_id_creates_nothing test ! -e "$WORK/escape"

# The same ID twice while the first is running.
b=$(new_bundle dup "sleep 30; : $MARK")
"$WARD" --root "$STATE_ROOT" run -b "$b" --pid-file "$WORK/dup.pid" dup >/dev/null 2>&1 &
wpid=$!
for _ in $(seq 100); do [ -s "$WORK/dup.pid" ] && break; sleep 0.05; done
ward_run "$b" dup
like duplicate_id_is_refused "$RC|$ERR" '^1\|ward: container "dup" already exists'
kill -KILL "$(cat "$WORK/dup.pid")"
wait "$wpid"

b=$(new_bundle unknown-cap)
edit_config "$b" '.process.capabilities.bounding += ["CAP_MAKE_COFFEE"]'
ward_run "$b" unknown-cap
expect_failure unknown_capability_is_refused 'process.capabilities.bounding\[3\]: unknown capability "CAP_MAKE_COFFEE"' unknown-cap

# No AppArmor or SELinux on this host: a label asked for cannot be applied, so nothing starts.
b=$(new_bundle apparmor)
edit_config "$b" '.process.apparmorProfile = "ward-default"'
ward_run "$b" apparmor
expect_failure apparmor_profile_without_apparmor_fails_closed 'process.apparmorProfile: AppArmor is not enabled on this host' apparmor
b=$(new_bundle selinux)
edit_config "$b" '.process.selinuxLabel = "system_u:system_r:container_t:s0"'
ward_run "$b" selinux
expect_failure selinux_label_without_selinux_fails_closed 'process.selinuxLabel: SELinux is not enabled on this host' selinux

b=$(new_bundle mountlabel)
edit_config "$b" '.linux.mountLabel = "system_u:object_r:container_file_t:s0"'
ward_run "$b" mountlabel
expect_failure mount_label_without_selinux_fails_closed 'linux.mountLabel: SELinux is not enabled on this host' mountlabel

assert_no_leftovers
done_testing
