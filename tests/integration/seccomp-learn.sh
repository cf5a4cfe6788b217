#!/bin/bash
# Seccomp learning and complain mode (ward-seccomp(7)) end to end: a real workload (a perl
# script, a dynamically linked interpreter, and a C compile with the host's gcc) learned, the
# learned profile enforced on the same workload (unchanged output, with and without
# no_new_privs) and denying what it never made; exec'd processes learned too, a killed
# container's calls kept, runs merged; the refusals; complain mode reporting exactly what a
# narrowed profile would deny while denying nothing, from the flag and from policy.conf; the
# cost of learning measured; the learned file read by Podman (--security-opt seccomp=) through
# ward; and rootless, the same three.
. "$(dirname "$0")/lib/common.sh"
# The host's /usr and /lib bound read-only for perl and gcc, as in seccomp.sh.
use_policy "allow = mount-host-system, mount-host-modules"

W() { "$WARD" --root "$STATE_ROOT" "$@"; }
PERL=$(command -v perl)
GCC=$(command -v gcc)
if [ -z "$PERL" ] || [ -z "$GCC" ]; then
	echo "Bail out! perl and gcc are needed (contrib/test installs them)"
	exit 1
fi

mkdir -p "$WORK/src"
cat >"$WORK/src/work.pl" <<'EOF'
use strict;
use warnings;
my $mode = shift // "";
open(my $fh, ">", "/tmp/out.txt") or die "open: $!";
print $fh "line $_\n" for 1 .. 100;
close $fh;
open($fh, "<", "/tmp/out.txt") or die "open: $!";
my @lines = <$fh>;
close $fh;
opendir(my $d, "/src") or die "opendir: $!";
my @entries = sort grep { !/^\./ } readdir $d;
closedir $d;
my $pid = fork();
exit 3 if $pid == 0;
waitpid($pid, 0);
my $child = $? >> 8;
my @st = stat("/tmp/out.txt");
print "perl-ok lines=", scalar(@lines), " entries=@entries child=$child size=$st[7]\n";
if ($mode eq "extra") {
	print "mkdir ", (mkdir("/tmp/newdir") ? 0 : $! + 0), "\n";
}
EOF
printf '#include <stdio.h>\nint main(void) { puts("compiled-ok"); return 0; }\n' >"$WORK/src/hello.c"
WORKLOAD='perl /src/work.pl $X; cd /src && gcc -O2 -o /tmp/hello hello.c && /tmp/hello'

# learned_bundle NAME [X]: the workload's bundle; X is passed to the perl script.
learned_bundle() {
	local b
	b=$(new_bundle "$1" "X=${2:-}; $WORKLOAD")
	edit_config "$b" '.mounts += [{destination: "/tmp", type: "tmpfs", source: "tmpfs", options: ["exec"]},
		{destination: "/src", type: "bind", source: $src, options: ["rbind", "ro"]},
		{destination: "/usr", type: "bind", source: "/usr", options: ["rbind", "ro"]},
		{destination: "/lib", type: "bind", source: "/lib", options: ["rbind", "ro"]},
		{destination: "/lib64", type: "bind", source: "/lib64", options: ["rbind", "ro"]}] |
		.process.env += ["PATH=/usr/bin:/bin"]' --arg src "$WORK/src"
	echo "$b"
}
names() { jq -r '[.syscalls[] | select(.action == "SCMP_ACT_ALLOW" and (.args // [] | length) == 0) | .names[]] | .[]' "$1"; }
has_name() { names "$1" | grep -qx "$2"; }
lacks_names() { ! names "$1" | grep -qx "${@:2}"; }
# The agents still running (an exited one may stay a zombie until init reaps it).
live_agents() {
	local _
	for _ in $(seq 20); do
		ps -eo stat=,comm= | grep -qE '^[^Z]\S*\s+ward-(learn|complain)$' || break
		sleep 0.1
	done
	ps -eo pid=,stat=,comm= | awk '$2 !~ /^Z/ && $3 ~ /^ward-(learn|complain)$/ {print $1}'
}

# 1. Learn the workload under the built-in profile.
L=$WORK/learned.json
b=$(learned_bundle learn)
ward_run "$b" learn --seccomp-learn "$L"
like learning_runs_the_workload "$RC $OUT" \
	$'^0 perl-ok lines=100 entries=hello.c work.pl child=3 size=[0-9]+\ncompiled-ok$'
LEARNED_OUT=$OUT
check learned_file_is_written test -s "$L"
is learned_profile_denies_by_default "$(jq -r '"\(.defaultAction) \(.defaultErrnoRet)"' "$L")" "SCMP_ACT_ERRNO 1"
is learned_names_are_sorted "$(jq '.syscalls[0].names == (.syscalls[0].names | sort)' "$L")" true
is clone_keeps_namespaces_out "$(jq -c '[.syscalls[] | select(.names == ["clone"]) | .args[0] | [.index, .value, .valueTwo, .op]]' "$L")" \
	'[[0,2114060288,0,"SCMP_CMP_MASKED_EQ"]]'
is clone3_gets_enosys "$(jq -c '[.syscalls[] | select(.names == ["clone3"]) | [.action, .errnoRet]]' "$L")" '[["SCMP_ACT_ERRNO",38]]'
check the_workloads_calls_are_learned has_name "$L" getdents64
check calls_never_made_are_not_learned lacks_names "$L" -e mkdir -e mkdirat
is learning_leaves_no_agent "$(live_agents)" ""

# 2. The learned profile, enforced: the same workload, unchanged; a call it never made denied.
enforce() { edit_config "$1" '.linux.seccomp = $p[0]' --slurpfile p "$2"; }
b=$(learned_bundle enforced)
enforce "$b" "$L"
ward_run "$b" enforced
is learned_profile_runs_the_same_workload "$RC $OUT" "0 $LEARNED_OUT"
# Without no_new_privs (as Podman and Docker give) the profile is loaded before the user and
# capability changes, which it must then allow: learning loads it there always.
b=$(learned_bundle nonnp)
enforce "$b" "$L"
edit_config "$b" '.process.noNewPrivileges = false'
ward_run "$b" nonnp
is learned_profile_holds_without_no_new_privs "$RC $OUT" "0 $LEARNED_OUT"
b=$(learned_bundle extra extra)
enforce "$b" "$L"
ward_run "$b" extra
like learned_profile_denies_what_was_never_made "$OUT" $'\nmkdir 1\n'

# 3. Learning again with the extra call merges: what was learned stays, mkdir joins.
cp "$L" "$WORK/first.json"
b=$(learned_bundle relearn extra)
ward_run "$b" relearn --seccomp-learn "$L"
check merged_profile_adds_the_new_call has_name "$L" mkdir
is merged_profile_keeps_the_first_runs_calls \
	"$(comm -23 <(names "$WORK/first.json" | sort) <(names "$L" | sort) | tr '\n' ' ')" ""
b=$(learned_bundle enforced2 extra)
enforce "$b" "$L"
ward_run "$b" enforced2
like merged_profile_allows_both_runs "$OUT" $'\nmkdir 0\n'

# 4. exec'd processes learn too (with an agent of their own), and a killed container's calls
# are on disk already.
L2=$WORK/exec.json
b=$(new_bundle execd "sleep 60; : $MARK")
W run -d -b "$b" --seccomp-learn "$L2" execd </dev/null
W exec execd probe syscall socket_unix >/dev/null
W kill execd KILL
for _ in $(seq 50); do [ "$(W state execd | jq -r .status)" = stopped ] && break; sleep 0.1; done
W delete execd
check execd_process_is_learned has_name "$L2" socket
check the_inits_calls_are_learned has_name "$L2" clock_nanosleep

# 5. Refusals, before anything exists.
b=$(new_bundle notify true)
edit_config "$b" '.linux.seccomp = {defaultAction: "SCMP_ACT_ERRNO", syscalls: [{names: ["mkdir"], action: "SCMP_ACT_NOTIFY"}]}'
ward_run "$b" notify --seccomp-learn "$WORK/n.json"
like learning_refuses_a_config_agent "$RC|$ERR" '^1\|.*--seccomp-learn: linux.seccomp has a notification agent'
b=$(new_bundle both true)
ward_run "$b" both --seccomp-learn "$WORK/n.json" --seccomp-complain
like learning_and_complaining_are_exclusive "$RC|$ERR" '^1\|.*--seccomp-learn and --seccomp-complain'
ward_run "$b" nodir --seccomp-learn "$WORK/no/such/dir/learned.json"
like learning_into_a_missing_directory_is_refused_at_once "$RC|$ERR" \
	"^1\|.*--seccomp-learn $WORK/no/such/dir/learned.json: its directory $WORK/no/such/dir: no such file"
echo '{"defaultAction": "SCMP_ACT_ALLOW"}' >"$WORK/foreign.json"
ward_run "$b" foreign --seccomp-learn "$WORK/foreign.json"
like a_foreign_file_is_not_merged "$RC|$ERR" "^1\|.*--seccomp-learn $WORK/foreign.json: not a profile ward learned"
is a_foreign_file_is_left_alone "$(cat "$WORK/foreign.json")" '{"defaultAction": "SCMP_ACT_ALLOW"}'

# 6. Complain mode: the learned profile narrowed by two calls the workload makes reports
# exactly those two, and denies nothing (the output is the learning run's).
jq '.syscalls[0].names -= ["getdents64", "wait4"]' "$WORK/first.json" >"$WORK/narrow.json"
b=$(learned_bundle complain)
enforce "$b" "$WORK/narrow.json"
ward_run "$b" complain --seccomp-complain="$WORK/findings.json"
is complain_mode_denies_nothing "$RC $OUT" "0 $LEARNED_OUT"
is complain_mode_reports_exactly_what_would_be_denied \
	"$(jq -r '[.findings[].syscall] | unique | join(" ")' "$WORK/findings.json")" "getdents64 wait4"
like complain_mode_names_the_process "$(jq -r '.findings[] | select(.syscall == "getdents64") | "\(.comm) \(.pid) \(.count)"' "$WORK/findings.json")" \
	'^perl [0-9]+ [0-9]+$'
like complain_mode_reports_on_delete "$ERR" 'would have denied wait4'
ward_run "$b" enforcing
like without_complain_mode_the_narrow_profile_denies "$RC" '^[1-9]'
# exec'd processes complain too; the never filter stays enforcing, and is not reported.
b=$(new_bundle cpl "sleep 60; : $MARK")
W run -d -b "$b" --seccomp-complain="$WORK/cpl.json" cpl </dev/null
out=$(W exec cpl sh -c 'probe syscall perf_event_open; probe syscall open_by_handle_at; probe syscall unshare_user')
is execd_process_is_not_denied_what_the_profile_would_deny "$out" \
	$'perf_event_open errno=0\nopen_by_handle_at errno=1\nunshare_user errno=1'
W delete --force cpl 2>/dev/null
is execd_process_complains_and_the_never_filter_does_not \
	"$(jq -r '[.findings[] | select(.comm == "probe") | .syscall] | join(" ")' "$WORK/cpl.json")" perf_event_open

# 7. Cost: a syscall-heavy loop (getppid + stat), without and with learning.
b=$(new_bundle loop "probe loop 100000")
ward_run "$b" loop
plain=${OUT#ns_per_round }
ward_run "$b" loop --seccomp-learn "$WORK/loop.json"
learning=${OUT#ns_per_round }
diag "cost of learning: $plain ns per round plain, $learning ns learning ($((learning / (plain > 0 ? plain : 1)))x)"
ward_run "$b" loop --seccomp-complain
diag "complain mode (nothing denied by the profile): ${OUT#ns_per_round } ns per round"
check learning_cost_is_measured test "$learning" -gt 0

# 8. The learned file as Podman reads it (--security-opt seccomp=FILE), through ward.
pm_root=$(mktemp -d /tmp/ward-pm.XXXXXX)
podman_conf "$pm_root/containers.conf" "$pm_root/events.log"
P() { CONTAINERS_CONF="$pm_root/containers.conf" podman --root "$pm_root/root" \
	--runroot "$pm_root/runroot" --storage-driver vfs --runtime "$WARD" --tmpdir "$pm_root/tmp" "$@"; }
stop_podman() {
	P rm -af -t 0 >/dev/null 2>&1
	rm -rf "$pm_root"
	cleanup
}
trap stop_podman EXIT
PODMAN_WORK='ls / >/dev/null; cat /etc/passwd >/dev/null; echo podman-ok'
b=$(new_bundle forpodman "$PODMAN_WORK")
ward_run "$b" forpodman --seccomp-learn "$WORK/podman.json"
engine_image_tar "$pm_root/rootfs.tar"
P import "$pm_root/rootfs.tar" localhost/wardtest >/dev/null 2>&1
out=$(P run --rm --network none --security-opt seccomp="$WORK/podman.json" localhost/wardtest \
	sh -c "$PODMAN_WORK; probe syscall socket_unix" 2>&1)
is podman_runs_under_the_learned_profile "$out" $'podman-ok\nsocket_unix errno=1'

# 9. The admin's complain mode (policy.conf), for every container.
use_policy "allow = mount-host-system, mount-host-modules" "seccomp-complain = yes"
b=$(learned_bundle policy)
enforce "$b" "$WORK/narrow.json"
ward_run "$b" policy
is policy_complain_mode_denies_nothing "$RC $OUT" "0 $LEARNED_OUT"
like policy_complain_mode_reports_on_delete "$ERR" 'container policy: the profile would have denied getdents64'

# 10. Rootless (as rootless.sh's user): learning, the learned profile enforced, complain mode.
user=ward-rootless
id "$user" >/dev/null 2>&1 || useradd -m -s /bin/sh "$user" || { echo "Bail out! cannot create the test user"; exit 1; }
home="$WORK/rootless"
mkdir -p "$home/xdg" "$home/b"
cp -a "$ROOTFS" "$home/b/rootfs"
chown -R "$user:" "$home"
chmod 0700 "$home/xdg"
chmod 0755 "$WORK" "$home"
U() { su "$user" -s /bin/bash -c "cd '$home/b' && XDG_RUNTIME_DIR='$home/xdg' $(printf '%q ' "$WARD_REAL" "$@")"; }
cfg() { jq "$@" "$home/b/config.json" >"$home/b/c.tmp" && mv "$home/b/c.tmp" "$home/b/config.json" && chown "$user:" "$home/b/config.json"; }
U spec --rootless
cfg '.process.args = ["sh", "-c", "ls / >/dev/null; echo rootless-ok"]'
out=$(U run --seccomp-learn "$home/learned.json" rl1 2>/dev/null </dev/null)
is rootless_learning_runs "$out" rootless-ok
cfg --slurpfile p "$home/learned.json" '.linux.seccomp = $p[0] | .process.args[2] += "; probe syscall socket_unix"'
is rootless_learned_profile_is_enforced "$(U run rl2 2>/dev/null </dev/null)" $'rootless-ok\nsocket_unix errno=1'
out=$(U run --seccomp-complain rl3 2>&1 </dev/null)
like rootless_complain_mode_denies_nothing_and_reports "$out" $'rootless-ok\nsocket_unix errno=0\n.*would have denied socket'

is no_agent_outlives_its_container "$(live_agents)" ""
assert_no_leftovers
done_testing
