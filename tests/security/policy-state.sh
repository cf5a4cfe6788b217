#!/bin/bash
# What ward reads back from disk, written by someone it must not obey. A state root bound into
# a container lets container root (uid 0) rewrite state.json: its pid, start time and
# cgroup_path aimed at host processes would make the engine's next `ward exec` join the host's
# namespaces and `ward kill --all` kill host processes. The seccomp cache was trusted because
# its files were "owned by root", which container root also is. (The policy refuses binds of
# the state roots and the cache; these attacks assume such a bind happened anyway.)
# Test, for real: a running container's state.json is rewritten to name a host process (a
# sacrificial `sleep` in a cgroup of its own, as a host service would be), the test's own
# shell, pid 1, the root cgroup, ward's own cgroup and its parent, another container, a host
# process in a private mount namespace, a wrong start time; exec, kill, pause, update, ps and
# state refuse and nothing on the host is harmed; delete --force removes only what is provably
# the container's. Cache entries are corrupted, replaced by another profile's entry, forged
# (a permissive program under the default profile's key) as a symbolic link, hard link, FIFO,
# with the wrong mode or owner, and the cache directory opened up; every new container still
# gets the default filter, seen from inside.
. "$(dirname "$0")/../integration/lib/common.sh"
# A permissive profile is compiled to forge cache entries from.
use_policy "allow = seccomp-unconfined"

W() { "$WARD" --root "$STATE_ROOT" "$@"; }
stime() { sed 's/.*) //' "/proc/$1/stat" | awk '{print $20}'; } # field 22, after the comm
cgroup_of() { sed -n 's/^0:://p' "/proc/$1/cgroup"; }
state_of() { echo "$STATE_ROOT/$1/state.json"; }
status_of() { W state "$1" 2>/dev/null | jq -r .status; }
exited() { [ ! -e "/proc/$1" ] || [ "$(sed 's/.*) //' "/proc/$1/stat" | cut -d' ' -f1)" = Z ]; } # or a zombie
refused() { # refused NAME OUTPUT-WITH-rc: a refusal that names the tampering
	like "$1" "$2" 'tampered.*rc=[1-9][0-9]*$'
}

# ---- the bait: host processes in cgroups of their own -----------------------------------------
mkdir -p "$CGROUP_ROOT$CGROUP_PARENT/bait" "$CGROUP_ROOT$CGROUP_PARENT/bait2" "$CGROUP_ROOT$CGROUP_PARENT/caller"
sleep 1000 &
BAIT=$!
echo "$BAIT" >"$CGROUP_ROOT$CGROUP_PARENT/bait/cgroup.procs"
# A host process with a private mount namespace, like a service with PrivateTmp=yes.
unshare --mount --propagation private sleep 1000 &
BAIT2=$!
for _ in $(seq 100); do [ "$(readlink /proc/$BAIT2/ns/mnt)" != "$(readlink /proc/self/ns/mnt)" ] && break; sleep 0.02; done
echo "$BAIT2" >"$CGROUP_ROOT$CGROUP_PARENT/bait2/cgroup.procs"
trap 'kill -9 "$BAIT" "$BAIT2" 2>/dev/null; cleanup' EXIT
BAIT_CG="$CGROUP_PARENT/bait"
BAIT2_CG="$CGROUP_PARENT/bait2"
bait_unharmed() { # both baits alive and not frozen
	kill -0 "$BAIT" 2>/dev/null && kill -0 "$BAIT2" 2>/dev/null &&
		grep -qx 'frozen 0' "$CGROUP_ROOT$BAIT_CG/cgroup.events" &&
		grep -qx 'frozen 0' "$CGROUP_ROOT$BAIT2_CG/cgroup.events" && echo unharmed
}

# ---- the victim: a running container whose state.json is rewritten ----------------------------
start_container() {
	local b
	b=$(new_bundle "$1" "sleep 300; : $MARK")
	W run -d -b "$b" "$1" </dev/null
	cp "$(state_of "$1")" "$WORK/$1.json"
}
start_victim() { # the container that the next tests tamper with: $V, its init $INIT in $INIT_CG
	V=$1
	start_container "$V"
	INIT=$(jq .pid "$WORK/$V.json")
	INIT_CG=$(jq -r .cgroup_path "$WORK/$V.json")
}
tamper() { jq "$@" "$WORK/$V.json" >"$(state_of "$V")"; }
restore() { cp "$WORK/$V.json" "$(state_of "$V")"; }
start_victim victim
is the_victim_runs "$(status_of victim) $(cgroup_of "$INIT")" "running $INIT_CG"

# Every verb that would join, signal or write a cgroup refuses; then nothing was harmed.
attempt() { # attempt CASE [ward-runner]
	local c=$1 run=${2:-W}
	refused "${c}_exec_refuses" "$($run exec victim sh -c 'echo joined' 2>&1; echo "rc=$?")"
	refused "${c}_kill_all_refuses" "$($run kill --all victim KILL 2>&1; echo "rc=$?")"
	refused "${c}_pause_refuses" "$($run pause victim 2>&1; echo "rc=$?")"
	restore
	is "${c}_harms_nothing" "$(bait_unharmed) $(status_of victim)" "unharmed running"
}

tamper --argjson p "$BAIT" --argjson t "$(stime "$BAIT")" '.pid = $p | .init_start_time = $t'
attempt pid_of_a_host_process
tamper --argjson p "$BAIT" --argjson t "$(stime "$BAIT")" '.pid = $p | .init_start_time = $t'
refused pid_of_a_host_process_kill_refuses "$(W kill victim KILL 2>&1; echo "rc=$?")"
refused pid_of_a_host_process_update_refuses "$(W update --pids-limit 5 victim 2>&1; echo "rc=$?")"
refused pid_of_a_host_process_ps_refuses "$(W ps victim 2>&1; echo "rc=$?")"
out=$(W state victim 2>&1; echo "rc=$?")
refused pid_of_a_host_process_state_refuses "$out"
like the_refusal_says_what_did_not_match_and_the_fix "$out" \
	"pid $BAIT, which is in ward's own mount namespace.*ward delete --force victim.*remove $STATE_ROOT/victim by hand"
is pid_of_a_host_process_the_bait_survives_kill "$(bait_unharmed)" unharmed
restore

tamper --argjson p $$ --argjson t "$(stime $$)" '.pid = $p | .init_start_time = $t'
attempt pid_of_the_callers_shell
tamper --argjson t "$(stime 1)" '.pid = 1 | .init_start_time = $t'
attempt pid_1
tamper '.cgroup_path = "/"'
attempt cgroup_is_the_root
tamper --argjson p "$BAIT" --argjson t "$(stime "$BAIT")" --arg cg "$BAIT_CG" \
	'.pid = $p | .init_start_time = $t | .cgroup_path = $cg'
attempt cgroup_of_a_host_process
# A host process outside ward's mount namespace, in a cgroup ward did not make (the state
# also denies the container a pid namespace of its own, which the bait does not have).
bait2() {
	tamper --argjson p "$BAIT2" --argjson t "$(stime "$BAIT2")" --arg cg "$BAIT2_CG" \
		'.pid = $p | .init_start_time = $t | .cgroup_path = $cg | .own_pid_ns = false'
}
bait2
attempt host_process_in_a_private_mount_namespace
bait2
like the_refusal_names_the_missing_mark "$(W exec victim true 2>&1)" "cgroup_path $BAIT2_CG, which does not carry this container's mark"
restore

# ward run from a cgroup of its own: that cgroup and its parent are never a container's.
Wc() { (echo "$BASHPID" >"$CGROUP_ROOT$CGROUP_PARENT/caller/cgroup.procs" && exec "$WARD" --root "$STATE_ROOT" "$@"); }
tamper --arg cg "$CGROUP_PARENT/caller" '.cgroup_path = $cg'
attempt cgroup_is_wards_own Wc
tamper --arg cg "$CGROUP_PARENT" '.cgroup_path = $cg'
attempt cgroup_is_the_parent_of_wards Wc
tamper --arg cg "$CGROUP_PARENT" '.cgroup_path = $cg'
like the_refusal_names_wards_own_cgroup "$(Wc kill --all victim KILL 2>&1)" "cgroup_path $CGROUP_PARENT, which is ward's own cgroup or one of its ancestors"
restore

# Another container's init and cgroup: a valid target, but not this container's.
start_container other
tamper --slurpfile o "$WORK/other.json" '.pid = $o[0].pid | .init_start_time = $o[0].init_start_time | .cgroup_path = $o[0].cgroup_path'
attempt another_containers_init
tamper --slurpfile o "$WORK/other.json" '.pid = $o[0].pid | .init_start_time = $o[0].init_start_time | .cgroup_path = $o[0].cgroup_path'
like the_refusal_names_the_other_containers_mark "$(W pause victim 2>&1)" 'belongs to another container \(its mark is "ward [0-9]+:[0-9]+ other"\)'
restore
is the_other_container_is_untouched "$(status_of other)" running
W delete --force other

# A wrong start time: the recorded process is not there, so the container counts as stopped and
# nothing is signalled or frozen.
tamper '.init_start_time += 1'
like wrong_start_time_exec_says_not_running "$(W exec victim true 2>&1; echo "rc=$?")" 'not running.*rc=[1-9]'
like wrong_start_time_pause_says_not_running "$(W pause victim 2>&1; echo "rc=$?")" 'not running.*rc=[1-9]'
W kill --all victim KILL 2>/dev/null
is wrong_start_time_reports_stopped "$(status_of victim)" stopped
restore
is wrong_start_time_signalled_nothing "$(status_of victim) $(kill -0 "$INIT" && echo alive)" "running alive"

# A proper move below the container's cgroup (as systemd in a container does) is accepted: the
# cgroup above it carries the container's mark.
mkdir "$CGROUP_ROOT$INIT_CG/init.scope"
echo "$INIT" >"$CGROUP_ROOT$INIT_CG/init.scope/cgroup.procs"
is an_init_below_its_marked_cgroup_is_accepted "$(W exec victim sh -c 'echo joined' 2>&1)" joined

# ---- delete --------------------------------------------------------------------------------------
# pid aimed at the bait, cgroup intact: the bait is not signalled; the container goes through
# its marked cgroup.
tamper --argjson p "$BAIT" --argjson t "$(stime "$BAIT")" '.pid = $p | .init_start_time = $t'
out=$(W delete --force victim 2>&1; echo "rc=$?")
like delete_force_goes_through_the_marked_cgroup "$out" "deleting it through its cgroup $INIT_CG, which carries its mark.*rc=0$"
sleep 0.2
is delete_force_killed_the_container_not_the_bait \
	"$(bait_unharmed) $(exited "$INIT" && echo init-gone) $(test -e "$CGROUP_ROOT$INIT_CG" || echo cgroup-gone) $(test -e "$STATE_ROOT/victim" || echo state-gone)" \
	"unharmed init-gone cgroup-gone state-gone"

# pid and cgroup both aimed at the bait: nothing is provably the container's, nothing is done.
start_victim victim2
tamper --argjson p "$BAIT" --argjson t "$(stime "$BAIT")" --arg cg "$BAIT_CG" \
	'.pid = $p | .init_start_time = $t | .cgroup_path = $cg'
refused delete_force_refuses_when_nothing_is_provably_the_containers "$(W delete --force "$V" 2>&1; echo "rc=$?")"
is delete_force_refusal_harms_nothing "$(bait_unharmed) $(test -d "$CGROUP_ROOT$BAIT_CG" && echo bait-cgroup-kept) $(test -d "$STATE_ROOT/$V" && echo state-kept)" \
	"unharmed bait-cgroup-kept state-kept"
restore
is delete_force_of_the_restored_state_succeeds "$(W delete --force "$V" 2>&1; echo "rc=$?")" "rc=0"

# A wrong start time with the bait's cgroup: a "stopped" container, deletable, but the bait's
# cgroup (populated, not marked) is left alone.
start_victim victim3
tamper --arg cg "$BAIT_CG" '.init_start_time += 7 | .cgroup_path = $cg'
out=$(W delete "$V" 2>&1; echo "rc=$?")
like a_stopped_container_is_deletable_its_bad_cgroup_left_alone "$out" "holds processes but does not carry this container's mark.*its cgroup is left alone.*rc=0$"
is deleting_it_harmed_nothing "$(bait_unharmed) $(test -d "$CGROUP_ROOT$BAIT_CG" && echo bait-cgroup-kept) $(test -e "$STATE_ROOT/$V" || echo state-gone)" \
	"unharmed bait-cgroup-kept state-gone"
# (the real container lost its state with it: removed here by hand, as an admin would)
echo 1 >"$CGROUP_ROOT$INIT_CG/cgroup.kill"
for _ in $(seq 100); do rmdir "$CGROUP_ROOT$INIT_CG" 2>/dev/null && break; sleep 0.05; done

# A container that really stopped is deleted with its cgroup; with a cgroup_path that fails
# the checks, its state still goes and the cgroup named is not touched.
b=$(new_bundle dead 'true')
W run -d -b "$b" dead </dev/null
for _ in $(seq 100); do [ "$(status_of dead)" = stopped ] && break; sleep 0.05; done
is a_dead_container_is_deleted_with_its_cgroup "$(W delete dead 2>&1; echo "rc=$?") $(test -e "$CGROUP_ROOT$CGROUP_PARENT/dead" || echo cgroup-gone)" "rc=0 cgroup-gone"
W run -d -b "$b" dead </dev/null
for _ in $(seq 100); do [ "$(status_of dead)" = stopped ] && break; sleep 0.05; done
jq '.cgroup_path = "/"' "$(state_of dead)" >"$WORK/dead.json" && cp "$WORK/dead.json" "$(state_of dead)"
out=$(W delete dead 2>&1; echo "rc=$?")
like a_dead_container_with_cgroup_root_is_deletable "$out" "cgroup_path /, which is the root cgroup.*rc=0$"
is and_its_state_is_gone "$(test -e "$STATE_ROOT/dead" || echo state-gone)" state-gone
rmdir "$CGROUP_ROOT$CGROUP_PARENT/dead"

# exec.fifo replaced by a symbolic link to a host file: start does not write through it.
echo host-file >"$WORK/hostfile"
b=$(new_bundle created 'true')
W create -b "$b" created </dev/null
ln -sf "$WORK/hostfile" "$STATE_ROOT/created/exec.fifo.new" && mv -f "$STATE_ROOT/created/exec.fifo.new" "$STATE_ROOT/created/exec.fifo"
like start_does_not_follow_a_planted_exec_fifo "$(W start created 2>&1; echo "rc=$?")" 'rc=[1-9]'
is the_host_file_is_untouched "$(cat "$WORK/hostfile")" host-file
W delete --force created

# ---- the seccomp cache ----------------------------------------------------------------------------
CACHE=/var/cache/ward/seccomp
# A bounding set no other test uses, so the entry's key is this script's alone.
drop_audit='.process.capabilities |= with_entries(.value |= map(select(. != "CAP_AUDIT_WRITE")))'
b=$(new_bundle filtered 'grep -E "^Seccomp_filters:" /proc/self/status | tr -s "\t" " "; probe syscall unshare_user')
edit_config "$b" "$drop_audit"
RIGHT="Seccomp_filters: 2 unshare_user errno=1 "
dbg_run() { # dbg_run NAME: runs bundle b with --debug; OUT (one line), ERR
	OUT=$("$WARD" --debug --root "$STATE_ROOT" run -b "$b" "$1" 2>"$WORK/stderr" </dev/null | tr '\n' ' ')
	ERR=$(cat "$WORK/stderr")
}
dbg_run c0
entry=$(echo "$ERR" | grep -o 'built-in profile .*cache entry [0-9a-f]*\.bpf' | grep -o '[0-9a-f]\{64\}\.bpf' | head -1)
E="$CACHE/$entry"
is the_default_filter_is_cached_outside_the_state_root "$OUT|$(stat -c '%U %a %h' "$E" 2>&1)|$(stat -c '%U %a' "$CACHE")|$(ls -A "$STATE_ROOT")" \
	"$RIGHT|root 600 1|root 700|"
dbg_run c1
like the_next_container_loads_it "$ERR" "built-in profile loaded from cache entry $entry"

# A permissive profile's entry, to forge from: its program under the default profile's key.
bp=$(new_bundle permissive 'true')
edit_config "$bp" "$drop_audit"' | .linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW", syscalls: [{names: ["mkdir"], action: "SCMP_ACT_ERRNO"}]}'
"$WARD" --debug --root "$STATE_ROOT" run -b "$bp" permissive 2>"$WORK/stderr" </dev/null
P="$CACHE/$(grep -o "config's profile .*cache entry [0-9a-f]*\.bpf" "$WORK/stderr" | grep -o '[0-9a-f]\{64\}\.bpf' | head -1)"
key=${entry%.bpf}
forge() { # forge FILE: P's header fields and program with E's key; valid in every other way
	{ head -c 16 "$P"; printf '%s' "$key"; tail -c +81 "$P"; } >"$1"
}
forge "$WORK/forged"
is the_forged_entry_is_the_permissive_one_under_the_default_key \
	"$(cmp -l "$P" "$WORK/forged" | awk '$1 <= 16 || $1 > 80' | wc -l | tr -d ' ')|$(dd if="$WORK/forged" bs=1 skip=16 count=64 status=none)" "0|$key"

tampered_run() { # tampered_run NAME REASON-REGEX
	dbg_run "$1"
	is "${1}_still_gets_the_default_filter" "$OUT" "$RIGHT"
	like "${1}_is_not_used" "$ERR" "$2"
}
printf '\xff' | dd of="$E" bs=1 seek=200 conv=notrunc status=none
tampered_run corrupted_entry "$entry not used \(its program does not match its checksum\)"
is the_corrupted_entry_was_replaced "$(stat -c '%U %a %h' "$E")" "root 600 1"
cp "$P" "$E"
tampered_run another_profiles_entry "$entry not used \(compiled for another key\)"
cp "$WORK/forged" "$WORK/forged-target" && chmod 600 "$WORK/forged-target"
ln -sf "$WORK/forged-target" "$E"
tampered_run forged_entry_as_a_symbolic_link "$entry not used: Too many levels of symbolic links"
is a_symbolic_link_is_replaced_not_followed "$(test -L "$E" || echo regular) $(cmp -s "$WORK/forged" "$WORK/forged-target" && echo target-intact)" "regular target-intact"
install -m 600 "$WORK/forged" "$E" && ln -f "$E" "$CACHE/.forged-link"
tampered_run forged_entry_with_a_hard_link "$entry not used \(it has other hard links\)"
rm -f "$CACHE/.forged-link"
install -m 644 "$WORK/forged" "$E"
tampered_run forged_entry_readable_by_others "$entry not used \(its mode is not 0600\)"
install -m 600 -o 65534 "$WORK/forged" "$E"
tampered_run forged_entry_of_another_user "$entry not used \(owned by another user\)"
rm -f "$E" && mkfifo -m 600 "$E"
OUT=$(timeout 30 "$WARD" --debug --root "$STATE_ROOT" run -b "$b" fifo 2>"$WORK/stderr" </dev/null | tr '\n' ' ')
ERR=$(cat "$WORK/stderr")
is forged_entry_as_a_fifo_neither_hangs_nor_loads "$OUT" "$RIGHT"
like forged_entry_as_a_fifo_is_not_used "$ERR" "$entry not used \(not a regular file\)"
# The directory opened to others: the cache is not used at all.
chmod 755 "$CACHE"
tampered_run cache_directory_readable_by_others "seccomp cache $CACHE not used: it must be the caller's with mode 0700"
chmod 700 "$CACHE"
dbg_run good_again
like the_replaced_entry_is_used_again "$OUT|$ERR" "^$RIGHT\|.*built-in profile loaded from cache entry $entry"

# The old cache in the state root (runc lists it as a broken container) is removed on create.
mkdir -p "$STATE_ROOT/cache:seccomp" && echo old >"$STATE_ROOT/cache:seccomp/x.bpf"
ward_run "$b" legacy
is the_legacy_cache_in_the_state_root_is_removed "$(echo "$OUT" | tr '\n' ' ')|$(ls -A "$STATE_ROOT")" "$RIGHT|"

{
	kill -9 "$BAIT" "$BAIT2"
	wait "$BAIT" "$BAIT2"
} 2>/dev/null
rmdir "$CGROUP_ROOT$BAIT_CG" "$CGROUP_ROOT$BAIT2_CG" "$CGROUP_ROOT$CGROUP_PARENT/caller" 2>/dev/null
assert_no_leftovers
done_testing
