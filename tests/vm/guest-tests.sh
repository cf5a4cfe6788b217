#!/bin/sh
# Runs inside the VM of tests/vm/run-vm.sh (busybox sh, a kernel with pure cgroup v2, every
# controller enabled at the root, and AppArmor), as the payload of the initramfs' /init.
# shellcheck shell=sh disable=SC2016 # the container scripts are single-quoted on purpose
# Every test starts a real container with ward and observes the effect from inside the
# container and from the cgroup files. Prints TAP.
#
# The plan is fixed: tests/integration/vm.sh expects exactly this many results.
PLAN=41

WARD=${WARD:-ward}
ROOTFS=${ROOTFS:-/containers/rootfs}
STATE=/run/ward-test
CG=/sys/fs/cgroup
PARENT=/ward-test
WORK=/tmp/ward-vm
mkdir -p "$WORK"

N=0
ok() {
	N=$((N + 1))
	echo "ok $N - $1"
}
diag() { printf '%s\n' "$@" | sed 's/^/# /'; }
not_ok() {
	N=$((N + 1))
	echo "not ok $N - $1"
	shift
	for line in "$@"; do diag "$line"; done
}
is() { # is NAME GOT EXPECTED
	if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1" "got:      '$2'" "expected: '$3'"; fi
}
like() { # like NAME GOT ERE (matched against any line of GOT)
	if printf '%s\n' "$2" | grep -Eq -- "$3"; then ok "$1"; else not_ok "$1" "got:      '$2'" "expected to match: /$3/"; fi
}
check() { # check NAME COMMAND...
	name=$1
	shift
	if "$@"; then ok "$name"; else not_ok "$name" "command failed: $*"; fi
}

# Every ward command gets a deadline, so a hang costs one test rather than the whole VM run.
POLICY_OPT= # "--policy FILE" for the tests that lift a check (no spaces in FILE)
W() { timeout -s KILL 60 "$WARD" --root "$STATE" $POLICY_OPT "$@"; }

# new_bundle NAME SCRIPT [JQ-FILTER]: a bundle from `ward spec` whose process runs SCRIPT with
# sh -c in the shared busybox rootfs, in the cgroup $PARENT/NAME, edited by JQ-FILTER.
new_bundle() {
	b=$WORK/$1
	mkdir -p "$b"
	"$WARD" spec -b "$b" || return 1
	jq --arg root "$ROOTFS" --arg cmd "$2" --arg cg "$PARENT/$1" \
		".root.path = \$root | .process.args = [\"sh\", \"-c\", \$cmd] |
		 .linux.cgroupsPath = \$cg | ${3:-.}" "$b/config.json" >"$b/config.tmp" &&
		mv "$b/config.tmp" "$b/config.json"
}

# run_fg NAME: runs the bundle in the foreground; sets OUT (stdout+stderr of the container and
# of ward) and RC.
run_fg() {
	OUT=$(W run -b "$WORK/$1" "$1" 2>&1 </dev/null)
	RC=$?
}

# start_bg NAME: `ward run -d`, the container's output into $WORK/NAME.out.
start_bg() {
	W run -d -b "$WORK/$1" "$1" >"$WORK/$1.out" 2>&1 </dev/null
}

status_of() { W state "$1" 2>/dev/null | jq -r .status; }

wait_status() { # wait_status ID STATUS: up to ~10 s
	i=0
	while [ $i -lt 100 ]; do
		[ "$(status_of "$1")" = "$2" ] && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

wait_line() { # wait_line FILE LINE: up to ~10 s for FILE to hold LINE
	i=0
	while [ $i -lt 100 ]; do
		grep -qx -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

stop_and_delete() {
	W kill "$1" KILL >/dev/null 2>&1
	wait_status "$1" stopped
	W delete "$1" >/dev/null 2>&1 || W delete --force "$1" >/dev/null 2>&1
}

# crun's shares -> weight mapping as src/linux/cgroup_resources.c cgroup_shares_to_weight
# computes it, ceil(10^((l^2 + 125 l) / 612 - 7/34)) with l = log2(shares): busybox awk has no
# floating-point functions, so build-initramfs.sh computed it on the host into this file.
# shellcheck source=/dev/null
. /tests/expected.env

echo "1..$PLAN"

# ---- the machine ------------------------------------------------------------------------
ctrls=$(cat $CG/cgroup.controllers)
like kernel_has_pure_cgroup_v2_with_memory_cpu_cpuset_pids_io \
	"$(awk '$2 == "/sys/fs/cgroup" {print $3}' /proc/mounts) $ctrls" \
	'^cgroup2 .*(cpuset.*cpu |cpu .*cpuset).*io.*memory.*pids'
like apparmor_is_the_active_lsm "$(cat /sys/kernel/security/lsm)" '(^|,)apparmor(,|$)'

# ---- one container with every limit, observed from outside and from inside ------------------
weight2048=$WEIGHT_2048
new_bundle limits '
for f in memory.max memory.swap.max memory.high pids.max cpu.weight cpu.max cpuset.cpus; do
	echo "$f $(cat /sys/fs/cgroup/$f)"
done
echo done
exec sleep 1000' '.linux.resources = {
	memory: {limit: 67108864, swap: 100663296},
	pids: {limit: 20},
	cpu: {shares: 2048, quota: 50000, period: 100000, cpus: "0"},
	unified: {"memory.high": "50331648"}}'
start_bg limits
rc=$?
wait_line "$WORK/limits.out" "done"
is run_detached_starts_the_container "$rc $(status_of limits)" "0 running"
c=$CG$PARENT/limits
is memory_limit_sets_memory_max "$(cat $c/memory.max)" 67108864
is memory_swap_sets_swap_minus_limit "$(cat $c/memory.swap.max)" 33554432
is unified_memory_high_is_written "$(cat $c/memory.high)" 50331648
is pids_limit_sets_pids_max "$(cat $c/pids.max)" 20
is cpu_shares_2048_sets_the_crun_weight "$(cat $c/cpu.weight)" "$weight2048"
is cpu_quota_and_period_set_cpu_max "$(cat $c/cpu.max)" "50000 100000"
is cpuset_cpus_sets_cpuset_cpus "$(cat $c/cpuset.cpus)" 0
is the_container_sees_its_limits_in_its_cgroup_namespace "$(tr '\n' '|' <"$WORK/limits.out")" \
	"memory.max 67108864|memory.swap.max 33554432|memory.high 50331648|pids.max 20|cpu.weight $weight2048|cpu.max 50000 100000|cpuset.cpus 0|done|"

# pause and resume through cgroup.freeze
W pause limits
rc=$?
is pause_freezes_the_cgroup "$rc $(status_of limits) $(grep '^frozen' $c/cgroup.events)" "0 paused frozen 1"
W resume limits
rc=$?
is resume_thaws_the_cgroup "$rc $(status_of limits) $(grep '^frozen' $c/cgroup.events)" "0 running frozen 0"

W update --memory 128m limits
rc=$?
is update_memory_rewrites_memory_max "$rc $(cat $c/memory.max)" "0 134217728"
W update --pids-limit 30 limits
is update_pids_limit_rewrites_pids_max "$(cat $c/pids.max)" 30
# memory.checkBeforeUpdate: a limit below the current usage is refused (cgroup v2 would
# OOM-kill instead of refusing it, as v1 did); without it the same write would go through.
usage=$(cat $c/memory.current)
echo "{\"memory\": {\"limit\": $((usage / 2)), \"checkBeforeUpdate\": true}}" | W update -r - limits >$WORK/cbu.err 2>&1
rc=$?
like check_before_update_refuses_a_limit_below_the_usage "$rc $(cat $c/memory.max) $(cat $WORK/cbu.err)" \
	'^1 134217728 .*is below the container.s current usage.*checkBeforeUpdate'
# At level restricted no update may leave the container without its limits.
printf 'level = restricted\n' >$WORK/restricted.conf
POLICY_OPT="--policy $WORK/restricted.conf"
W update --pids-limit -1 limits >$WORK/restricted.err 2>&1
rc=$?
W update --memory -1 limits >>$WORK/restricted.err 2>&1
rc="$rc $?"
POLICY_OPT=
like restricted_update_cannot_remove_the_limits "$rc $(cat $c/pids.max) $(cat $c/memory.max) $(tr '\n' ' ' <$WORK/restricted.err)" \
	'^1 1 30 134217728 .*restricted-pids-limit.*restricted-memory-limit'

stats=$(W events --stats limits)
usage=$(echo "$stats" | jq -r '.data.memory.usage.usage // 0')
limit=$(echo "$stats" | jq -r '.data.memory.usage.limit // 0')
if [ "$usage" -gt 0 ] 2>/dev/null && [ "$limit" = 134217728 ]; then
	ok events_stats_reports_memory_usage_and_limit
else
	not_ok events_stats_reports_memory_usage_and_limit "stats: $stats"
fi

stop_and_delete limits
check delete_removes_the_cgroup test ! -e "$c"

# ---- behaviour under the limits ---------------------------------------------------------------
# dd allocates its block size and fills it from /dev/zero: 64 MiB against a 32 MiB limit.
new_bundle oom 'dd if=/dev/zero of=/dev/null bs=64M count=1' \
	'.linux.resources.memory = {limit: 33554432, swap: 33554432}'
run_fg oom
is memory_hog_is_oom_killed_with_137 "$RC" 137
check oom_killed_container_leaves_no_cgroup test ! -e "$CG$PARENT/oom"

# events streams the OOM kill of a process in a container that keeps running.
new_bundle oomev 'while :; do sleep 1; done' '.linux.resources.memory = {limit: 33554432, swap: 33554432}'
start_bg oomev
timeout 20 "$WARD" --root "$STATE" events --interval 1 oomev >"$WORK/oomev.out" 2>&1 &
evpid=$!
sleep 2
W exec oomev dd if=/dev/zero of=/dev/null bs=64M count=1 >/dev/null 2>&1
sleep 3
stop_and_delete oomev
wait $evpid 2>/dev/null
like events_reports_the_oom_kill "$(cat "$WORK/oomev.out")" '"type":"oom","id":"oomev"'

# cpu.max throttles: a busy loop at a 10% quota gets throttled.
new_bundle throttle 'i=0; while [ $i -lt 20000 ]; do i=$((i+1)); done; grep nr_throttled /sys/fs/cgroup/cpu.stat' \
	'.linux.resources.cpu = {quota: 10000, period: 100000}'
run_fg throttle
like cpu_max_throttles_a_busy_process "$OUT" 'nr_throttled [1-9]'

# io.max lands for a block device (a RAM disk from the brd module).
insmod /tests/brd.ko rd_nr=1 rd_size=4096 2>/dev/null
devnum=$(cat /sys/block/ram0/dev 2>/dev/null)
new_bundle iomax 'cat /sys/fs/cgroup/io.max' \
	".linux.resources.blockIO = {throttleReadBpsDevice: [{major: ${devnum%%:*}, minor: ${devnum##*:}, rate: 1048576}]}"
run_fg iomax
like io_max_is_written_for_the_device "$devnum|$OUT" "^[0-9]+:[0-9]+\\|$devnum rbps=1048576"

new_bundle nooom 'dd if=/dev/zero of=/dev/null bs=8M count=1 2>/dev/null && echo fits' \
	'.linux.resources.memory = {limit: 33554432, swap: 33554432}'
run_fg nooom
is allocation_below_the_limit_succeeds "$RC $OUT" "0 fits"

new_bundle pids 'echo "max=$(cat /sys/fs/cgroup/pids.max)"
for i in 1 2 3 4 5 6 7 8; do sleep 30 & done
echo all-forked' '.linux.resources.pids = {limit: 5}'
run_fg pids
like forking_beyond_pids_max_fails "$OUT" "can't fork"
unlike_out=$(printf '%s\n' "$OUT" | grep -c all-forked)
is the_container_saw_pids_max_and_stopped_forking "$(printf '%s\n' "$OUT" | grep '^max=') $unlike_out" "max=5 0"

new_bundle shares1024 'cat /sys/fs/cgroup/cpu.weight' '.linux.resources.cpu = {shares: 1024}'
run_fg shares1024
is cpu_shares_1024_is_weight_100 "$RC $OUT" "0 100"

# ---- AppArmor -----------------------------------------------------------------------------------
cat >"$WORK/ward-test-deny" <<'EOF'
profile ward-test-deny flags=(attach_disconnected,mediate_deleted) {
  file,
  capability,
  network,
  signal,
  ptrace,
  unix,
  mount,
  umount,
  pivot_root,
  deny /etc/secret r,
}
EOF
out=$(apparmor_parser -r -K "$WORK/ward-test-deny" 2>&1)
rc=$?
is apparmor_parser_loads_the_profile "$rc $(grep -c '^ward-test-deny ' /sys/kernel/security/apparmor/profiles)" "0 1"
[ $rc = 0 ] || diag "$out"

new_bundle aa 'echo "current=$(tr -d "\\0" </proc/self/attr/current)"
echo "apparmor/current=$(tr -d "\\0" </proc/self/attr/apparmor/current 2>/dev/null)"
echo "public=$(cat /etc/public)"
echo "secret=$(cat /etc/secret 2>&1)"' '.process.apparmorProfile = "ward-test-deny"'
run_fg aa
line() { printf '%s\n' "$OUT" | sed -n "s|^$1=||p"; }
is apparmor_profile_is_the_containers_label "$RC $(line current) / $(line apparmor/current)" \
	"0 ward-test-deny (enforce) / ward-test-deny (enforce)"
is apparmor_profile_allows_other_files "$(line public)" ward-public-content
like apparmor_profile_denies_the_file "$(line secret)" 'Permission denied'
is apparmor_denied_file_content_is_not_shown "$(printf '%s\n' "$OUT" | grep -c ward-secret-content)" 0

new_bundle aamissing 'echo should-not-run' '.process.apparmorProfile = "ward-test-not-loaded"'
run_fg aamissing
like apparmor_profile_not_loaded_fails_run "$RC|$(printf '%s' "$OUT" | tr '\n' ' ')" \
	'^1\|.*apparmorProfile'

# ward's own profile, as engines ask for it by name.
out=$(apparmor_parser -r -K /tests/ward-default 2>&1)
is ward_default_profile_loads "$? $(grep -c '^ward-default ' /sys/kernel/security/apparmor/profiles)" "0 1"
[ -z "$out" ] || diag "$out"
new_bundle wdef 'echo "current=$(tr -d "\\0" </proc/self/attr/current)"
echo "sysrq=$(echo h 2>&1 >/proc/sysrq-trigger; echo $?)"
echo "mount=$(mount -t tmpfs none /mnt 2>&1; echo $?)"
echo "public=$(cat /etc/public)"' '.process.apparmorProfile = "ward-default" | .root.readonly = false |
	.linux.readonlyPaths = []'
# The default read-only paths would answer EROFS first: lift that hardening so only the
# profile stands in the way.
echo "allow = default-readonly-paths" >"$WORK/policy.conf"
POLICY_OPT="--policy $WORK/policy.conf"
run_fg wdef
POLICY_OPT=
is ward_default_confines_the_container "$RC $(line current)" "0 ward-default (enforce)"
# /proc/sysrq-trigger is not a read-only path here: only the profile stands in the way ('h' is
# the harmless help request, should it ever get through).
like ward_default_denies_host_proc_knobs "$(line sysrq)" 'Permission denied'
like ward_default_allows_ordinary_files "$(line public)" '^ward-public-content$'

# ---- the restricted policy level, with the limits this kernel can enforce ----------------------
echo "level = restricted" >"$WORK/restricted.conf"
POLICY_OPT="--policy $WORK/restricted.conf"
new_bundle strict 'id -u; grep NoNewPrivs /proc/self/status | tr -d "\t"' '.process.user = {uid: 1000, gid: 1000} |
	.process.noNewPrivileges = true | .root.readonly = true |
	.process.capabilities = {bounding: ["CAP_NET_BIND_SERVICE"], effective: [], permitted: []} |
	.linux.resources.memory = {limit: 67108864} | .linux.resources.pids = {limit: 64}'
run_fg strict
is restricted_runs_a_minimal_non_root_container "$RC $OUT" "0 1000
NoNewPrivs:1"
new_bundle lax 'true'
run_fg lax
is restricted_refuses_the_default_config \
	"$RC $(echo "$OUT" | grep -o '\[restricted-[a-z-]*\]' | sort | tr '\n' ' ')" \
	"1 [restricted-capabilities] [restricted-memory-limit] [restricted-pids-limit] [restricted-run-as-root] "
POLICY_OPT=

# ---- nothing left behind ------------------------------------------------------------------------
left=$(find $CG$PARENT -mindepth 1 -type d 2>/dev/null)
# (compiled seccomp filters are kept outside the state root: nothing may be left in it)
state=$(find $STATE -mindepth 1 -maxdepth 1 2>/dev/null)$(W list -q)
is no_cgroups_or_state_left_behind "$left|$state" "|"

[ "$N" = "$PLAN" ] || diag "ran $N tests, planned $PLAN"
# Results travel as TAP; vm.sh fails every planned result that did not arrive.
exit 0
