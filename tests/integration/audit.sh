#!/bin/bash
# The audit trail (ward-policy(5) `audit`): one JSON event per create, exec, update and delete
# in the sink the policy names, with the verdict, the refusals and overrides by check name and
# JSON path, the hardening ward applied, the seccomp modes and the result; a config's strings
# cannot forge an event; the sink is judged (no world-writable directory, no symlink, nothing
# a container could reach) and never reaches a container; a broken sink refuses create and
# exec but not delete; syslog and the journal, each checked with a listener in a private mount
# namespace (the host's /dev/log and journal socket are left alone).
. "$(dirname "$0")/lib/common.sh"

W() { "$WARD" --root "$STATE_ROOT" "$@"; }
# The trail lives where only root can write: /run is root's, /tmp (WORK) is everyone's.
AUDIT_DIR=$(mktemp -d /run/ward-audit.XXXXXX)
chmod 700 "$AUDIT_DIR"
LOG="$AUDIT_DIR/audit.jsonl"
trap 'cleanup; rm -rf "$AUDIT_DIR"' EXIT
audit_policy() { use_policy "audit = file:$LOG" "$@"; }
# last KIND: the newest event of that kind.
last() { grep -a . "$LOG" | jq -c "select(.event == \"$1\")" | tail -n 1; }
field() { jq -r "$2" <<<"$1"; }

audit_policy
b=$(new_bundle basic "sleep 60; $MARK")

# 1. create, exec, update, delete: one event each.
W create -b "$b" a1 2>"$WORK/err"
e=$(last create)
is create_event_written "$(field "$e" '"\(.id) \(.result) \(.verdict) \(.bundle)"')" "a1 ok allowed $b"
like create_event_has_an_rfc3339_timestamp "$(field "$e" .timestamp)" '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}'
is create_event_names_the_caller "$(field "$e" '"\(.caller.uid) \(.caller.exe | test("/(ba)?sh$"))"')" "0 true"
is create_event_names_the_policy "$(field "$e" '"\(.policy.file) \(.policy.level)"')" "$WORK/policy.conf baseline"
like create_event_reports_silent_hardening "$(field "$e" '.defaults | join(",")')" 'default-seccomp-profile.*never-filter'
is create_event_reports_the_args "$(field "$e" '.args[0:2] | join(" ")')" "sh -c"
W start a1
e=$(last start)
is start_event_written "$(field "$e" '"\(.id) \(.result) \(.bundle)"')" "a1 ok $b"
W exec a1 echo hello >/dev/null
e=$(last exec)
is exec_event_written "$(field "$e" '"\(.id) \(.result) \(.verdict) \(.args | join(" "))"')" "a1 ok allowed echo hello"
# (an empty update: the controllers a limit needs may not be delegated here)
W exec --cap CAP_SYS_ADMIN a1 true 2>/dev/null
e=$(last exec)
is refused_exec_event_names_the_check "$(field "$e" '"\(.result) \(.verdict) \(.refusals[0].check)"')" \
	"error refused cap-sys-admin"
W update -r - a1 <<<'{}'
e=$(last update)
is update_event_written "$(field "$e" '"\(.id) \(.result) \(.bundle)"')" "a1 ok $b"
W update --memory 1 --memory-swap 1 a1 2>/dev/null
e=$(last update)
like failed_update_event_has_the_error "$(field "$e" '"\(.result) \(.error)"')" '^error .+'
W delete -f a1
e=$(last delete)
is delete_event_written "$(field "$e" '"\(.id) \(.result) \(.bundle)"')" "a1 ok $b"
W exec a1 true 2>/dev/null
e=$(last exec)
is failed_exec_event_has_the_error "$(field "$e" '"\(.id) \(.result) \(.verdict)"')" "a1 error null"

# 2. A refusal, with the check and the JSON path; then the same config under a policy that
# lifts the check: an override.
b=$(new_bundle admin "sleep 60; $MARK")
edit_config "$b" '.process.capabilities.bounding += ["CAP_SYS_ADMIN"]'
W create -b "$b" a2 2>"$WORK/err"
rc=$?
e=$(last create)
is refused_create_fails "$rc" 1
is refused_create_event "$(field "$e" '"\(.id) \(.result) \(.verdict)"')" "a2 error refused"
is refused_create_names_check_and_path \
	"$(field "$e" '.refusals[] | "\(.check) \(.path)"' | head -n 1)" \
	"cap-sys-admin $(jq -r '.refusals[0].path' <<<"$e")"
like refused_create_path_is_the_field "$(field "$e" '.refusals[0].path')" '^process\.capabilities\.bounding'
like refused_create_event_has_the_error_text "$(field "$e" .error)" 'refused by the baseline policy'
audit_policy "allow = cap-sys-admin"
W create -b "$b" a2 2>/dev/null
e=$(last create)
is override_event "$(field "$e" '"\(.result) \(.verdict) \([.overrides[] | "\(.check) \(.by)"] | unique | join(","))"')" \
	"ok allowed cap-sys-admin policy file"
like override_event_names_the_path "$(field "$e" '.overrides[0].path')" '^process\.capabilities\.'
W delete -f a2

# 3. Forging: a config's strings with newlines and JSON fragments stay inside their event.
audit_policy
before=$(wc -l <"$LOG")
b=$(new_bundle forge "true")
edit_config "$b" '.annotations = {"note": "x\"}\n{\"event\":\"forged\",\"id\":\"evil\"}\n"} |
	.process.args = ["sh", "-c", "true", "\"}\n{\"event\":\"forged\"}", "\r\n\u0007"]'
W create -b "$b" a3 2>"$WORK/err"
W delete -f a3
after=$(wc -l <"$LOG")
is forging_adds_exactly_two_events "$((after - before))" 2
is every_line_is_one_json_object "$(jq -c 'type' "$LOG" 2>&1 | sort -u)" '"object"'
is no_forged_event "$(jq -c 'select(.event == "forged" or .id == "evil")' "$LOG")" ""
is forged_strings_are_kept_verbatim "$(grep -a '"a3"' "$LOG" | head -n 1 | jq -r '.annotations.note')" \
	"$(printf 'x"}\n{"event":"forged","id":"evil"}\n')"

# 4. The sink never reaches a container: no fd, not under its root.
b=$(new_bundle peek "ls -l /proc/self/fd/ /proc/1/fd/; test -e $LOG && echo VISIBLE; true")
ward_run "$b" a4
unlike container_has_no_fd_of_the_trail "$OUT" 'audit\.jsonl|VISIBLE'
like container_listed_its_fds "$OUT" 'fd'
b=$(new_bundle peek2 "sleep 60; $MARK")
W run -d -b "$b" a4x </dev/null
out=$(W exec a4x sh -c "ls -l /proc/self/fd/ /proc/1/fd/; test -e $LOG && echo VISIBLE; true" 2>&1)
unlike execd_process_has_no_fd_of_the_trail "$out" 'audit\.jsonl|VISIBLE'
like execd_process_listed_its_fds "$out" 'fd'
W delete -f a4x

# 5. A sink in a bad place, or that cannot be written, refuses create (nothing left);
# delete still cleans up.
b=$(new_bundle bad "true")
use_policy "audit = file:$SOCKDIR/audit.jsonl" # below /tmp
ward_run "$b" a5
like world_writable_dir_refused "$RC|$ERR" "^1\|.*audit = file:$SOCKDIR/audit.jsonl: /tmp is writable by others"
ln -s "$LOG" "$AUDIT_DIR/link.jsonl"
use_policy "audit = file:$AUDIT_DIR/link.jsonl"
ward_run "$b" a5
like symlink_sink_refused "$RC|$ERR" '^1\|.*audit = file:.*link.jsonl: open .*link.jsonl'
mkdir -p "$AUDIT_DIR/bundle"
cp "$b/config.json" "$AUDIT_DIR/bundle/"
use_policy "audit = file:$AUDIT_DIR/bundle/audit.jsonl"
ward_run "$AUDIT_DIR/bundle" a5
like sink_in_the_bundle_refused "$RC|$ERR" '^1\|.*under the bundle'
use_policy "audit = file:$LOG" "allow = mount-host-run"
edit_config "$b" '.mounts += [{destination: "/mnt", type: "bind", source: $d, options: ["rbind", "ro"]}]' --arg d "$AUDIT_DIR"
ward_run "$b" a5
like sink_under_a_mount_source_refused "$RC|$ERR" "^1\|.*under a mount's source \($AUDIT_DIR\)"
b=$(new_bundle later "sleep 60; $MARK")
W create -b "$b" a6
chmod 644 "$LOG"
W exec a6 true 2>"$WORK/err"
like exec_with_a_broken_sink_refused "$?|$(cat "$WORK/err")" '^255\|.*audit = file:.*mode 0600'
W delete -f a6 2>"$WORK/err"
like delete_with_a_broken_sink_cleans_up "$?|$(cat "$WORK/err")" '^0\|.*removed without an audit event'
is delete_left_no_state "$(ls "$STATE_ROOT")" ""
chmod 600 "$LOG"
use_policy "audit = syslog"
if [ ! -e /dev/log ]; then
	ward_run "$b" a7
	like missing_syslog_socket_refused "$RC|$ERR" '^1\|.*audit = syslog: connect /dev/log'
fi

# 6. Learning and complain mode: the profile written and the findings, in delete's event.
audit_policy
b=$(new_bundle learn "mkdir /tmp/x 2>/dev/null; true")
W create -b "$b" --seccomp-learn "$WORK/learned.json" a8
e=$(last create)
is create_event_names_the_learning "$(field "$e" '"\(.seccomp_mode.mode) \(.seccomp_mode.file)"')" "learn $WORK/learned.json"
W start a8
sleep 0.5
W delete -f a8
e=$(last delete)
is delete_event_names_the_learned_profile "$(field "$e" '"\(.result) \(.learned_profile)"')" "ok $WORK/learned.json"
check learned_profile_exists test -s "$WORK/learned.json"
ward_run "$b" a10 --seccomp-learn "$WORK/learned2.json"
e=$(last delete)
is run_reports_its_removal_and_the_learned_profile "$(field "$e" '"\(.id) \(.result) \(.learned_profile)"')" \
	"a10 ok $WORK/learned2.json"
audit_policy "allow = seccomp-unconfined"
edit_config "$b" '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW",
	syscalls: [{names: ["mkdir", "mkdirat"], action: "SCMP_ACT_ERRNO"}]}'
W create -b "$b" --seccomp-complain a9
W start a9
sleep 0.5
W delete -f a9 2>/dev/null
e=$(last delete)
like delete_event_has_complain_findings "$(field "$e" '"\(.seccomp_mode.mode) \([.complain_findings[].syscall] | join(","))"')" '^complain mkdir'

# 7. syslog and the journal: each received by a listener on its socket in a private mount
# namespace (a tmpfs over /dev, the host's entries bound back; a tmpfs over /run/systemd).
cat >"$WORK/listen.py" <<'PY'
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
open(sys.argv[2] + "/ready", "w").close()
n = 0
while True:
    n += 1
    d = s.recv(1 << 20)
    with open("%s/%d" % (sys.argv[2], n), "wb") as f:
        f.write(d)
PY
cat >"$WORK/in-ns.sh" <<'SH'
set -e
kind=$1 out=$2 b=$3
mount --make-rprivate /
if [ "$kind" = syslog ]; then
	sock=/dev/log
	mkdir "$out/dev"
	mount --rbind /dev "$out/dev"
	mount -t tmpfs tmpfs /dev
	for f in "$out"/dev/*; do
		n=/dev/${f##*/}
		if [ -L "$f" ]; then cp -P "$f" "$n"
		elif [ -d "$f" ]; then mkdir "$n" && mount --rbind "$f" "$n"
		else touch "$n" && mount --bind "$f" "$n"; fi
	done
else
	sock=/run/systemd/journal/socket
	mount -t tmpfs tmpfs /run/systemd
	mkdir /run/systemd/journal
fi
python3 "$WORK/listen.py" "$sock" "$out" &
listener=$!
for _ in $(seq 50); do [ -e "$out/ready" ] && break; sleep 0.1; done
"$WARD" --root "$STATE_ROOT" create -b "$b" "s-$kind"
"$WARD" --root "$STATE_ROOT" delete -f "s-$kind"
sleep 0.3
kill "$listener"
SH
if command -v python3 >/dev/null; then
	b=$(new_bundle sock "true")
	for kind in syslog journal; do
		use_policy "audit = $kind"
		mkdir -p "$WORK/$kind"
		WORK=$WORK WARD=$WARD STATE_ROOT=$STATE_ROOT unshare -m bash "$WORK/in-ns.sh" "$kind" "$WORK/$kind" "$b" 2>"$WORK/err"
		is "${kind}_sink_used" "$?" 0
		if [ "$kind" = syslog ]; then
			like syslog_datagram_is_authpriv_and_tagged "$(head -c 20 "$WORK/syslog/1")" '^<86>ward\[[0-9]+\]: \{'
			events=$(for n in 1 2; do cat "$WORK/syslog/$n" && echo; done | sed 's/^<[0-9]*>ward\[[0-9]*\]: //')
		else
			like journal_datagram_has_native_fields "$(cat "$WORK/journal/1")" $'\nSYSLOG_IDENTIFIER=ward\n.*WARD_EVENT=create\nWARD_CONTAINER_ID=s-journal$'
			events=$(grep -ah '^MESSAGE=' "$WORK/journal/1" "$WORK/journal/2" | sed 's/^MESSAGE=//')
		fi
		is "${kind}_received_create_and_delete" "$(jq -r '"\(.event) \(.id) \(.result)"' <<<"$events" | tr '\n' ' ')" \
			"create s-$kind ok delete s-$kind ok "
	done
else
	not_ok syslog_and_journal_sinks "python3 is needed for the listener (contrib/test installs it)"
fi
check host_has_no_syslog_socket_left test ! -e /dev/log -o -S /dev/log

assert_no_leftovers
done_testing
