#!/bin/bash
# Configs that real tools send, run the way runc and crun run them, observed from inside:
# `runc spec`'s ambient capabilities without inheritable ones (skipped, with a warning in the
# log), the loopback of a new network namespace (up), HOME from the image's /etc/passwd when the
# environment has none (also for exec'd processes), and the executable lookup under a
# default-deny seccomp profile without faccessat2 (resolved before the filter).
. "$(dirname "$0")/lib/common.sh"

W() { "$WARD" --root "$STATE_ROOT" "$@"; }
status_field() { echo "$OUT" | awk -v f="$1:" '$1 == f {print $2}'; }
# ward_run_log BUNDLE ID LOG: ward_run with a JSON log, as containerd and podman ask for it.
ward_run_log() {
	OUT=$("$WARD" --root "$STATE_ROOT" --log "$3" --log-format json run -b "$1" "$2" 2>"$WORK/stderr" </dev/null)
	RC=$?
	ERR=$(cat "$WORK/stderr")
}
log_level() { jq -r --arg l "$2" 'select(.level == $l) | .msg' "$1" 2>/dev/null; }

# --- `runc spec` (1.1 and later): ambient capabilities without inheritable ones --------------
b="$WORK/runcspec"
mkdir -p "$b"
jq --arg root "$ROOTFS" --arg cg "$CGROUP_PARENT/runcspec" \
	'.root.path = $root | .process.terminal = false | .linux.cgroupsPath = $cg |
	.process.args = ["sh", "-c", "grep -E \"^Cap(Inh|Prm|Eff|Amb)\" /proc/self/status"]' \
	"$WARD_SRCDIR/tests/unit/data/runc-1.1-spec.json" >"$b/config.json"
ward_run_log "$b" runcspec "$WORK/runcspec.log"
is runc_spec_config_runs "$RC|$ERR" "0|"
# CAP_KILL=5, CAP_NET_BIND_SERVICE=10, CAP_AUDIT_WRITE=29 -> 0x20000420
is runc_spec_effective_set_is_the_configured_one "$(status_field CapEff)/$(status_field CapPrm)" \
	0000000020000420/0000000020000420
is runc_spec_ambient_caps_are_not_raised "$(status_field CapAmb)" 0000000000000000
is runc_spec_inheritable_stays_empty "$(status_field CapInh)" 0000000000000000
like runc_spec_warns_which_ambient_caps_were_not_raised_and_why "$(log_level "$WORK/runcspec.log" warning | grep ambient)" \
	'^process\.capabilities\.ambient: CAP_KILL, CAP_NET_BIND_SERVICE, CAP_AUDIT_WRITE not raised: .*permitted and inheritable'
is runc_spec_logs_no_error "$(log_level "$WORK/runcspec.log" error)" ""

# Only the ambient capabilities that are not inheritable are skipped; the others reach a
# non-root process. CAP_NET_BIND_SERVICE (0x400) is in every set, CAP_KILL (0x20) is not
# inheritable.
b=$(new_bundle partial 'grep -E "^Cap(Inh|Eff|Amb)" /proc/self/status')
edit_config "$b" '.process.user = {uid: 1000, gid: 1000} | .process.noNewPrivileges = false |
	.process.capabilities = {bounding: ["CAP_NET_BIND_SERVICE", "CAP_KILL"],
	effective: ["CAP_NET_BIND_SERVICE", "CAP_KILL"], permitted: ["CAP_NET_BIND_SERVICE", "CAP_KILL"],
	inheritable: ["CAP_NET_BIND_SERVICE"], ambient: ["CAP_NET_BIND_SERVICE", "CAP_KILL"]}'
ward_run_log "$b" partial "$WORK/partial.log"
is raisable_ambient_caps_are_raised "$(status_field CapAmb)/$(status_field CapEff)/$(status_field CapInh)" \
	0000000000000400/0000000000000400/0000000000000400
like warning_names_only_the_skipped_caps "$(log_level "$WORK/partial.log" warning | grep ambient)" \
	'^process\.capabilities\.ambient: CAP_KILL not raised'

# --- loopback of a new network namespace ------------------------------------------------------
# A TCP round trip on 127.0.0.1 (retried while the listener starts; ENETUNREACH while lo is
# down), then lo's flags (IFF_UP = 0x1).
b=$(new_bundle lo 'nc -l -p 7777 & s=$!
	i=0; until echo ping | nc 127.0.0.1 7777 2>/dev/null; do i=$((i+1)); [ $i -ge 50 ] && break; sleep 0.1; done
	sleep 0.1; kill $s 2>/dev/null; wait
	echo "up=$(( $(cat /sys/class/net/lo/flags) & 1 ))"; ip link show lo | head -n 1')
ward_run "$b" lo
is tcp_to_127_0_0_1_works_in_a_new_network_namespace "$(echo "$OUT" | sed -n 1p)" ping
is loopback_is_up_in_a_new_network_namespace "$(echo "$OUT" | sed -n 2p)" up=1
like ip_link_shows_lo_up "$(echo "$OUT" | sed -n 3p)" '<LOOPBACK,UP,LOWER_UP>'

# A joined network namespace is not the container's: ward leaves its lo as it is (down). The
# namespace is held by a process of its own (`ip netns add` would leave a mount on the host).
unshare --net sleep 600 &
holder=$!
trap 'kill "$holder" 2>/dev/null; cleanup' EXIT
for _ in $(seq 50); do [ "$(readlink "/proc/$holder/ns/net")" != "$(readlink /proc/self/ns/net)" ] && break; sleep 0.02; done
b=$(new_bundle lo-joined 'echo "up=$(( $(cat /sys/class/net/lo/flags) & 1 ))"')
edit_config "$b" '.linux.namespaces |= map(if .type == "network" then .path = $p else . end)' \
	--arg p "/proc/$holder/ns/net"
ward_run "$b" lo-joined
is joined_network_namespace_lo_is_left_down_inside "$RC|$OUT" "0|up=0"
like joined_network_namespace_lo_is_left_down_outside \
	"$(nsenter --net="/proc/$holder/ns/net" busybox ip link show lo | head -n 1)" '^1: lo: <LOOPBACK> '
kill "$holder"
wait "$holder" 2>/dev/null

# --- HOME from the image's /etc/passwd --------------------------------------------------------
# The shared rootfs has root:x:0:0:root:/root:/bin/sh; ward spec's env has no HOME.
b=$(new_bundle home-root 'echo "$HOME"')
ward_run "$b" home-root
is home_of_root_comes_from_passwd "$OUT" /root

homefs="$WORK/homefs"
private_rootfs "$homefs"
printf 'root:x:0:0:root:/root:/bin/sh\n\n  # not an entry\napp:x:1000:1000:App,,,:/home/app:/bin/sh\ndup:x:1000:1000::/home/dup:/bin/sh\n' \
	>"$homefs/etc/passwd"
home_bundle() { # home_bundle NAME UID [JQ-FILTER]: prints HOME as seen by uid UID in homefs
	local b
	b=$(new_bundle "$1" 'echo "$HOME"')
	edit_config "$b" '.root.path = $r | .process.user = {uid: ($u | tonumber), gid: 1000} | '"${3:-.}" \
		--arg r "$homefs" --arg u "$2"
	echo "$b"
}
ward_run "$(home_bundle home-user 1000)" home-user
is home_of_a_user_is_its_first_passwd_entry "$OUT" /home/app
ward_run "$(home_bundle home-nouser 1001)" home-nouser
is home_is_slash_without_a_passwd_entry "$OUT" /
ward_run "$(home_bundle home-explicit 1000 '.process.env += ["HOME=/explicit"]')" home-explicit
is an_explicit_home_in_env_wins "$OUT" /explicit
ward_run "$(home_bundle home-empty 1000 '.process.env += ["HOME="]')" home-empty
is an_empty_home_in_env_counts_as_unset "$OUT" /home/app

# Hostile passwd files: each run must start, quickly, with HOME=/.
hostile() { # hostile NAME: runs uid 1000 in homefs with the /etc/passwd the caller made
	local b
	b=$(home_bundle "$1" 1000)
	OUT=$(timeout 20 "$WARD" --root "$STATE_ROOT" run -b "$b" "$1" 2>"$WORK/stderr" </dev/null)
	RC=$?
	ERR=$(cat "$WORK/stderr")
	echo "$RC|$OUT"
}
echo 'app:x:1000:1000::/escaped:/bin/sh' >"$WORK/host-passwd"
rm -f "$homefs/etc/passwd"
ln -s "$WORK/host-passwd" "$homefs/etc/passwd"
is passwd_symlink_to_a_host_path_is_resolved_inside_the_container "$(hostile home-symlink)" "0|/"
rm -f "$homefs/etc/passwd"
mkfifo "$homefs/etc/passwd"
is passwd_fifo_does_not_hang_the_start "$(hostile home-fifo)" "0|/"
rm -f "$homefs/etc/passwd"
ln -s /dev/zero "$homefs/etc/passwd"
is passwd_pointing_at_a_device_is_ignored "$(hostile home-dev)" "0|/"
# Until execve, the init's environ is ward's: an entry planted there must not be read.
rm -f "$homefs/etc/passwd"
ln -s /proc/self/environ "$homefs/etc/passwd"
export WARD_TEST_PASSWD=$'\napp:x:1000:1000::/from-procfs:/bin/sh\n'
is passwd_on_procfs_is_ignored "$(hostile home-proc)" "0|/"
unset WARD_TEST_PASSWD
rm -f "$homefs/etc/passwd"
{ head -c $((5 << 20)) /dev/zero | tr '\0' 'x'; echo; echo 'app:x:1000:1000::/beyond:/bin/sh'; } >"$homefs/etc/passwd"
is passwd_entries_past_4_MiB_are_not_read "$(hostile home-big)" "0|/"
printf 'app:x:1000:1000::/home/\001\377:/bin/sh\nbad:x:1000\n:::::\napp:x:99999999999:1:::\n' >"$homefs/etc/passwd"
is passwd_home_with_odd_bytes_is_passed_through "$(hostile home-odd)" "$(printf '0|/home/\001\377')"
printf 'x:x:notanumber:0::/wrong:/bin/sh\nbroken\napp:x:1000' >"$homefs/etc/passwd"
is passwd_with_malformed_lines_gives_slash "$(hostile home-malformed)" "0|/"

# exec'd processes get the same rule, from the running container's /etc/passwd.
printf 'root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n' >"$homefs/etc/passwd"
b=$(new_bundle home-exec "sleep 60; : $MARK")
edit_config "$b" '.root.path = $r' --arg r "$homefs"
W run -d -b "$b" home-exec </dev/null
is exec_gets_home_of_root "$(W exec home-exec sh -c 'echo $HOME')" /root
is exec_gets_home_of_its_user "$(W exec --user 1000:1000 home-exec sh -c 'echo $HOME')" /home/app
is exec_without_a_passwd_entry_gets_slash "$(W exec --user 1234 home-exec sh -c 'echo $HOME')" /
is exec_explicit_home_wins "$(W exec --user 1000 --env HOME=/mine home-exec sh -c 'echo $HOME')" /mine
jq -n '{cwd: "/", args: ["sh", "-c", "echo $HOME"], user: {uid: 1000, gid: 1000}, env: ["PATH=/bin"]}' >"$WORK/proc.json"
is exec_process_json_gets_home_of_its_user "$(W exec --process "$WORK/proc.json" home-exec)" /home/app
# An exec'd process asking for ambient capabilities it cannot have is warned about too.
jq -n '{cwd: "/", args: ["true"], user: {uid: 0, gid: 0}, env: ["PATH=/bin"],
	capabilities: {bounding: ["CAP_KILL"], effective: ["CAP_KILL"], permitted: ["CAP_KILL"], ambient: ["CAP_KILL"]}}' \
	>"$WORK/amb.json"
W --log "$WORK/exec.log" --log-format json exec --process "$WORK/amb.json" home-exec
is exec_with_unraisable_ambient_caps_runs "$?" 0
like exec_warns_about_unraisable_ambient_caps "$(log_level "$WORK/exec.log" warning)" \
	'^process\.capabilities\.ambient: CAP_KILL not raised'
W delete --force home-exec

# --- the executable lookup under a default-deny profile without faccessat2 -------------------
# Allowed: what ward's init does after the filter (with no_new_privs the filter is the last
# step) and what busybox needs for echo, true and sleep. Not allowed: access, faccessat,
# faccessat2, stat, lstat, newfstatat, statx, statfs, openat (glibc's and Go's lookups).
allow='["umask", "close", "close_range", "sendmsg", "poll", "ppoll", "read", "write",
	"rt_sigaction", "rt_sigprocmask", "execve", "brk", "arch_prctl", "set_tid_address",
	"set_robust_list", "rseq", "prlimit64", "readlink", "getrandom", "mprotect", "prctl",
	"getuid", "getpid", "nanosleep", "clock_nanosleep", "exit_group", "exit"]'
# Without no_new_privs the filter comes before the user change: that must be allowed too.
creds='["setgroups", "setresgid", "setresuid", "capget", "capset"]'
strict() { # strict BUNDLE [NNP]: the default-deny profile (and noNewPrivileges = NNP, or true)
	edit_config "$1" '.process.noNewPrivileges = ($nnp == "true") | .process.env = ["PATH=/usr/bin:/bin"] |
		.linux.seccomp = {defaultAction: "SCMP_ACT_ERRNO", syscalls: [{names: ($allow + (if $nnp == "true" then [] else $creds end)), action: "SCMP_ACT_ALLOW"}]}' \
		--argjson allow "$allow" --argjson creds "$creds" --arg nnp "${2:-true}"
}
b=$(new_bundle strict-path unused)
edit_config "$b" '.process.args = ["echo", "found-on-path"]'
strict "$b"
ward_run "$b" strict-path
is path_lookup_works_under_a_profile_without_faccessat2 "$RC|$OUT|$ERR" "0|found-on-path|"
b=$(new_bundle strict-abs unused)
edit_config "$b" '.process.args = ["/bin/true"]'
strict "$b"
ward_run "$b" strict-abs
is absolute_executable_works_under_a_profile_without_faccessat2 "$RC|$ERR" "0|"
b=$(new_bundle strict-nnp unused)
edit_config "$b" '.process.args = ["echo", "no-nnp"] | .process.user = {uid: 1000, gid: 1000}'
strict "$b" false
ward_run "$b" strict-nnp
is lookup_works_when_the_filter_comes_before_the_user_change "$RC|$OUT|$ERR" "0|no-nnp|"
b=$(new_bundle strict-missing unused)
edit_config "$b" '.process.args = ["no-such-program"]'
strict "$b"
ward_run "$b" strict-missing
like missing_executable_under_the_profile_is_not_found_in_path "$RC|$ERR" \
	'^1\|ward: .*exec: "no-such-program": executable file not found in \$PATH$'
b=$(new_bundle strict-missing-abs unused)
edit_config "$b" '.process.args = ["/no/such/file"]'
strict "$b"
ward_run "$b" strict-missing-abs
like missing_absolute_executable_under_the_profile_is_no_such_file "$RC|$ERR" \
	'^1\|ward: .*exec: "/no/such/file": stat /no/such/file: no such file or directory$'
b=$(new_bundle strict-noexec unused)
edit_config "$b" '.process.args = ["/etc/passwd"]'
strict "$b"
ward_run "$b" strict-noexec
like non_executable_file_under_the_profile_is_permission_denied "$RC|$ERR" \
	'^1\|ward: .*exec: "/etc/passwd": stat /etc/passwd: permission denied$'
# The init is sleep itself: a shell would need more than this profile allows.
b=$(new_bundle strict-exec unused)
edit_config "$b" '.process.args = ["sleep", "60"]'
strict "$b"
W run -d -b "$b" strict-exec </dev/null
is exec_lookup_works_under_the_profile "$(W exec strict-exec echo exec-found 2>&1)" exec-found
like exec_missing_command_under_the_profile "$(W exec strict-exec no-such-cmd 2>&1; echo "rc=$?")" \
	'executable file not found in \$PATH.*rc=255'
W delete --force strict-exec

# The lookup judges the file as the process's user would, although it runs while still root:
# a root-only executable (0700) is permission denied for uid 1000, fine for root, and an
# executable the user cannot run earlier on PATH does not hide a later one it can.
lookfs="$WORK/lookfs"
private_rootfs "$lookfs"
mkdir -p "$lookfs/opt/rootonly"
cp "$lookfs/bin/busybox" "$lookfs/opt/rootonly/echo"
chmod 700 "$lookfs/opt/rootonly/echo"
lookup() { # lookup NAME UID ARG0: runs ARG0 ok as UID with PATH=/opt/rootonly:/bin
	local b
	b=$(new_bundle "$1" unused)
	edit_config "$b" '.root.path = $r | .process.user = {uid: ($u | tonumber), gid: ($u | tonumber)} |
		.process.args = [$a, "ok"] | .process.env = ["PATH=/opt/rootonly:/bin"]' \
		--arg r "$lookfs" --arg u "$2" --arg a "$3"
	ward_run "$b" "$1"
}
lookup look-denied 1000 /opt/rootonly/echo
like root_only_executable_is_permission_denied_for_a_user "$RC|$ERR" \
	'^1\|ward: .*exec: "/opt/rootonly/echo": stat /opt/rootonly/echo: permission denied$'
lookup look-root 0 /opt/rootonly/echo
is root_only_executable_runs_as_root "$RC|$OUT" "0|ok"
lookup look-later 1000 echo
is path_search_skips_what_the_user_cannot_run "$RC|$OUT" "0|ok"

assert_no_leftovers
done_testing
