#!/bin/bash
# --systemd-cgroup against a stand-in systemd manager (tests/helpers/fakesystemd) on systemd's
# own private socket: the init born in a new transient scope, limits as unit properties and
# cgroup files, every lifecycle verb on the unit's cgroup, nothing left in the manager or the
# hierarchy, and a manager that fails, lies or names an existing unit never gets a container
# into a cgroup that is not its own. The real thing: systemd-user.sh here, tests/vm/systemd.
#
# It runs in a private mount namespace whose /run/systemd is a tmpfs of its own: ward finds the
# stand-in where it finds systemd, with no test switch in the binary, and the host's
# /run/systemd is untouched.
if [ -z "${WARD_SYSTEMD_NS:-}" ] && [ "$(id -u)" = 0 ]; then
	exec env WARD_SYSTEMD_NS=1 unshare -m --propagation private "$0" "$@"
fi
# Before the host's mount table is recorded: this mount is the namespace's own.
if [ -n "${WARD_SYSTEMD_NS:-}" ] && ! mount -t tmpfs -o mode=755 tmpfs /run/systemd; then
	echo "Bail out! cannot mount a tmpfs on /run/systemd in the test's mount namespace"
	exit 1
fi
. "$(dirname "$0")/lib/common.sh"

FAKE_BIN="$WARD_HELPERS/fakesystemd"
if [ ! -x "$FAKE_BIN" ]; then
	echo "Bail out! $FAKE_BIN is not built (make check builds the helpers)"
	exit 1
fi
mkdir -p /run/systemd/system

BASE="$CGROUP_PARENT"
cg="$CGROUP_ROOT$BASE"
FLOG="$WORK/fake.log"
FAKE_PID=
start_fake() { # start_fake [--fail-job UNIT] [--lie UNIT=CGROUP]
	stop_fake
	"$FAKE_BIN" /run/systemd/private "$CGROUP_ROOT" "$BASE" "$FLOG" "$@" &
	FAKE_PID=$!
	for _ in $(seq 50); do [ -S /run/systemd/private ] && return; sleep 0.05; done
}
stop_fake() {
	[ -n "$FAKE_PID" ] && kill "$FAKE_PID" 2>/dev/null && wait "$FAKE_PID" 2>/dev/null
	FAKE_PID=
}
trap 'stop_fake; cleanup' EXIT
S() { "$WARD" --root "$STATE_ROOT" --systemd-cgroup "$@"; }
log_since() { tail -n +"$(($1 + 1))" "$FLOG"; }
log_mark() { wc -l <"$FLOG"; }
procs_of() { cat "$cg/$1/cgroup.procs" 2>/dev/null | sort -n | tr '\n' ' '; }

start_fake
mkdir -p "$cg"

# ---- create: a new scope, the init born in it -------------------------------------------------
m=$(log_mark)
b=$(new_bundle sd1 "cat /proc/self/cgroup; cat /sys/fs/cgroup/hugetlb.2MB.max; sleep 60; : $MARK")
edit_config "$b" '.linux.cgroupsPath = "system.slice:eng:sd1" |
	.linux.resources.hugepageLimits = [{pageSize: "2MB", limit: 4194304}] |
	.linux.resources.cpu.shares = 1024 | .annotations["org.systemd.property.MemoryMax"] = "uint64 1"'
S create -b "$b" --pid-file "$WORK/sd1.pid" sd1 >"$WORK/sd1.out" 2>"$WORK/sd1.err" </dev/null
check create_succeeds test -s "$WORK/sd1.pid"
pid=$(cat "$WORK/sd1.pid")
scope="system.slice/eng-sd1.scope"
is init_is_in_the_units_cgroup "$(grep '^0::' /proc/"$pid"/cgroup)" "0::$BASE/$scope"
start=$(log_since "$m" | grep '^StartTransientUnit eng-sd1.scope ')
like unit_is_a_scope_in_the_slice_with_delegation "$start" \
	'mode=fail .*Slice=system.slice Delegate=true PIDs=[0-9]+ DefaultDependencies=false'
placed=$(sed -n 's/.* PIDs=\([0-9]*\).*/\1/p' <<<"$start")
# systemd moved ward's setup process; the init was cloned from it, already in the scope
if [ -n "$placed" ] && [ "$placed" != "$pid" ]; then ok the_setup_process_is_placed_not_the_init; else
	not_ok the_setup_process_is_placed_not_the_init "PIDs=$placed init=$pid"; fi
is the_scope_holds_only_the_init "$(procs_of "$scope")" "$pid "
like limits_with_a_property_are_sent "$start" 'CPUWeight=100'
unlike annotations_do_not_become_properties "$start" 'MemoryMax'
like ignored_annotation_is_warned_about "$(cat "$WORK/sd1.err")" 'org.systemd.property.MemoryMax: ignored'
is limit_without_a_property_is_a_cgroup_file "$(cat "$cg/$scope/hugetlb.2MB.max")" 4194304
st=$(cat "$STATE_ROOT/sd1/state.json")
is state_records_the_unit "$(jq -r '.systemd_unit + " " + .systemd_manager + " " + .cgroup_path' <<<"$st")" \
	"eng-sd1.scope system $BASE/$scope"

S start sd1
sleep 0.2
# from inside: its cgroup namespace is rooted at the scope, where the limit is
is inside_the_cgroup_root_is_the_scope_with_its_limit "$(grep -e '^0::' -e '^[0-9]*$' "$WORK/sd1.out" | tr '\n' ' ')" "0::/ 4194304 "
is status_running "$(S state sd1 | jq -r .status)" running
is ps_lists_the_scopes_processes "$(S ps --format json sd1 | jq -c 'sort')" "$(sort -n "$cg/$scope/cgroup.procs" | jq -sc .)"
S exec -d --pid-file "$WORK/exec.pid" sd1 sleep 50
is exec_joins_the_scope "$(grep '^0::' /proc/"$(cat "$WORK/exec.pid")"/cgroup)" "0::$BASE/$scope"
S pause sd1
like pause_freezes_the_scope "$(S state sd1 | jq -r .status) $(cat "$cg/$scope/cgroup.events")" '^paused .*frozen 1'
S resume sd1
is resume_thaws_it "$(S state sd1 | jq -r .status)" running
like events_stats_read_the_scope "$(S events --stats sd1)" '"type":"stats","id":"sd1"'

m=$(log_mark)
echo '{"cpu": {"shares": 1024}, "hugepageLimits": [{"pageSize": "2MB", "limit": 2097152}]}' |
	S update --resources - sd1
like update_sets_unit_properties "$(log_since "$m")" 'SetUnitProperties eng-sd1.scope runtime=1 CPUWeight=100'
is update_writes_the_cgroup_file "$(cat "$cg/$scope/hugetlb.2MB.max")" 2097152
m=$(log_mark)
like update_refused_by_the_kernel_is_not_told_to_systemd \
	"$(S update --memory 64m sd1 2>&1; echo "rc=$?"; log_since "$m" | grep -c SetUnitProperties)" 'rc=1.0$'

# ---- a name that exists: never joined -----------------------------------------------------------
before=$(procs_of "$scope")
m=$(log_mark)
b2=$(new_bundle dup "sleep 60; : $MARK")
edit_config "$b2" '.linux.cgroupsPath = "system.slice:eng:sd1"'
like existing_unit_is_refused "$(S create -b "$b2" dup 2>&1 </dev/null; echo "rc=$?")" \
	'UnitExists.*the unit exists already.*rc=1'
is existing_unit_keeps_its_container "$(procs_of "$scope")" "$before"
unlike existing_unit_is_not_stopped "$(log_since "$m")" 'StopUnit'
check refused_create_leaves_no_state test ! -e "$STATE_ROOT/dup"

S kill --all sd1 9
for _ in $(seq 100); do [ "$(S state sd1 2>/dev/null | jq -r .status)" = stopped ] && break; sleep 0.05; done
is kill_all_empties_the_scope "$(procs_of "$scope")" ""
m=$(log_mark)
S delete sd1
like delete_clears_the_unit "$(log_since "$m")" 'gc eng-sd1.scope|StopUnit eng-sd1.scope'
check delete_removes_the_cgroup test ! -d "$cg/$scope"

# ---- defaults and the other forms ---------------------------------------------------------------
b=$(new_bundle plain "sleep 60; : $MARK")
edit_config "$b" 'del(.linux.cgroupsPath)'
S create -b "$b" --pid-file "$WORK/plain.pid" plain </dev/null
is empty_path_is_ward_prefix_in_system_slice "$(grep '^0::' /proc/"$(cat "$WORK/plain.pid")"/cgroup)" \
	"0::$BASE/system.slice/ward-plain.scope"
S delete --force plain
check delete_force_removes_the_scope test ! -d "$cg/system.slice/ward-plain.scope"

b=$(new_bundle nest "sleep 60; : $MARK")
edit_config "$b" '.linux.cgroupsPath = "machine-test.slice:libpod:abc"'
S create -b "$b" --pid-file "$WORK/nest.pid" nest </dev/null
is nested_slice_expands "$(grep '^0::' /proc/"$(cat "$WORK/nest.pid")"/cgroup)" \
	"0::$BASE/machine.slice/machine-test.slice/libpod-abc.scope"
S delete --force nest

m=$(log_mark)
b=$(new_bundle sl "sleep 60; : $MARK")
edit_config "$b" '.linux.cgroupsPath = "test.slice:x:test-ctr.slice"'
S create -b "$b" --pid-file "$WORK/sl.pid" sl </dev/null
is slice_name_makes_a_slice_unit "$(grep '^0::' /proc/"$(cat "$WORK/sl.pid")"/cgroup)" \
	"0::$BASE/test.slice/test-ctr.slice"
like slice_unit_has_no_pids_and_wants_its_parent "$(log_since "$m" | grep StartTransientUnit)" \
	'StartTransientUnit test-ctr.slice mode=fail Description=[^=]* Wants=test.slice DefaultDependencies'
m=$(log_mark)
S delete --force sl
like delete_stops_the_slice_unit "$(log_since "$m")" 'StopUnit test-ctr.slice'
check slice_cgroup_is_removed test ! -d "$cg/test.slice/test-ctr.slice"

# run in the foreground: the unit goes with the container
b=$(new_bundle fg "grep '^0::' /proc/self/cgroup")
edit_config "$b" '.linux.cgroupsPath = ":fg:one"'
ward_run_sd() { OUT=$(S run -b "$1" "$2" 2>"$WORK/stderr" </dev/null); RC=$?; ERR=$(cat "$WORK/stderr"); }
ward_run_sd "$b" fg
is run_in_the_foreground_works "$RC $OUT" "0 0::/"
check run_leaves_no_scope test ! -d "$cg/system.slice/fg-one.scope"

# ---- refusals before anything exists ------------------------------------------------------------
m=$(log_mark)
i=0
for p in 'system.slice:eng:../x' 'system.slice:eng:a/b' 'nosuffix:eng:x' '-.slice:x:-.slice' \
	'system.slice:x:user.slice' '/plain/path' 'system.slice::x'; do
	i=$((i + 1))
	b=$(new_bundle "bad$i" "true")
	edit_config "$b" '.linux.cgroupsPath = $p' --arg p "$p"
	out=$(S create -b "$b" bad 2>&1 </dev/null)
	like "bad_cgroups_path_is_refused_by_name[$p]" "$out" '^ward: linux.cgroupsPath: .*(--systemd-cgroup|systemd.s form)'
done
is bad_paths_never_reach_the_manager "$(log_since "$m" | grep -c StartTransientUnit)" 0

# ---- the manager fails or lies: nothing of the container remains --------------------------------
start_fake --fail-job eng-failing.scope
b=$(new_bundle failing "sleep 60; : $MARK")
edit_config "$b" '.linux.cgroupsPath = "system.slice:eng:failing"'
like failed_job_fails_create "$(S create -b "$b" failing 2>&1 </dev/null; echo "rc=$?")" \
	'unit eng-failing.scope: the job ended with "failed".*rc=1'
like failed_unit_is_stopped_and_reset "$(cat "$FLOG")" 'StopUnit eng-failing.scope.*ResetFailedUnit eng-failing.scope'
check failed_job_leaves_no_cgroup test ! -d "$cg/system.slice/eng-failing.scope"

# a limit the kernel refuses (no such controller here, or a bad value) after the unit exists
m=$(log_mark)
b=$(new_bundle lim "sleep 60; : $MARK")
edit_config "$b" '.linux.cgroupsPath = ":eng:lim" | .linux.resources.pids.limit = 10 |
	.linux.resources.unified = {"pids.max": "bogus"}'
like refused_limit_fails_create "$(S create -b "$b" lim 2>&1 </dev/null; echo "rc=$?")" 'pids.*rc=1$'
like the_limit_was_sent_as_a_property "$(log_since "$m")" 'TasksMax=10'
like refused_limit_stops_the_unit "$(log_since "$m")" 'StopUnit eng-lim.scope|gc eng-lim.scope'
check refused_limit_leaves_no_cgroup test ! -d "$cg/system.slice/eng-lim.scope"

# a manager that answers with a cgroup holding someone else's process
mkdir -p "$cg/victim/system.slice/eng-liar.scope"
sleep 300 &
victim=$!
echo "$victim" >"$cg/victim/system.slice/eng-liar.scope/cgroup.procs"
start_fake --lie "eng-liar.scope=$BASE/victim/system.slice/eng-liar.scope"
b=$(new_bundle liar "sleep 60; : $MARK")
edit_config "$b" '.linux.cgroupsPath = "system.slice:eng:liar"'
like lying_manager_is_refused "$(S create -b "$b" liar 2>&1 </dev/null; echo "rc=$?")" \
	'eng-liar.scope\) holds 1 process, not ward.s setup process alone: it is not a new unit.*rc=1'
is lied_about_cgroup_is_untouched "$(procs_of victim/system.slice/eng-liar.scope)" "$victim "
like lying_managers_unit_is_stopped "$(cat "$FLOG")" 'StopUnit eng-liar.scope'
start_fake --lie "eng-liar2.scope=$BASE/victim"
b=$(new_bundle liar2 "sleep 60; : $MARK")
edit_config "$b" '.linux.cgroupsPath = "system.slice:eng:liar2"'
like cgroup_outside_the_slice_is_refused "$(S create -b "$b" liar2 2>&1 </dev/null; echo "rc=$?")" \
	'has the cgroup .*/victim, which is not where the unit belongs.*rc=1'
kill "$victim"
wait "$victim" 2>/dev/null
rmdir "$cg/victim/system.slice/eng-liar.scope" "$cg/victim/system.slice" "$cg/victim"

# ---- a tampered state never turns ward against another unit -------------------------------------
start_fake
b=$(new_bundle keep "sleep 60; : $MARK")
edit_config "$b" '.linux.cgroupsPath = ":eng:keep"'
S create -b "$b" --pid-file "$WORK/keep.pid" keep </dev/null
b=$(new_bundle tamper "sleep 60; : $MARK")
edit_config "$b" '.linux.cgroupsPath = ":eng:tamper"'
S create -b "$b" tamper </dev/null
jq '.systemd_unit = "eng-keep.scope"' "$STATE_ROOT/tamper/state.json" >"$WORK/t.json" &&
	cat "$WORK/t.json" >"$STATE_ROOT/tamper/state.json"
m=$(log_mark)
err=$(S delete --force tamper 2>&1)
unlike tampered_unit_is_not_stopped "$(log_since "$m")" 'StopUnit eng-keep.scope'
like tampered_unit_is_named_in_a_warning "$err" 'unit eng-keep.scope has the cgroup .* not the container.s'
is other_container_keeps_running "$(procs_of system.slice/eng-keep.scope)" "$(cat "$WORK/keep.pid") "
jq '.systemd_unit = "sshd.service"' "$STATE_ROOT/keep/state.json" >"$WORK/t.json" &&
	cat "$WORK/t.json" >"$STATE_ROOT/keep/state.json"
m=$(log_mark)
like unit_ward_never_makes_is_refused "$(S delete --force keep 2>&1)" 'names the unit "sshd.service", which is not a unit ward makes'
unlike no_call_names_that_unit "$(log_since "$m")" 'sshd'

# ---- no manager --------------------------------------------------------------------------------
stop_fake
rm -f /run/systemd/private
b=$(new_bundle nomgr "true")
edit_config "$b" 'del(.linux.cgroupsPath)'
like unreachable_manager_fails_closed "$(S create -b "$b" nomgr 2>&1 </dev/null; echo "rc=$?")" \
	'^ward: --systemd-cgroup: cannot reach the system.s systemd manager \(connect to /run/systemd/private: .*rc=1$'
check unreachable_manager_leaves_no_state test ! -e "$STATE_ROOT/nomgr"

like features_report_systemd "$("$WARD" features | jq -c .linux.cgroup)" '"systemd":true,"systemdUser":true'
rmdir "$cg"/*/*.slice "$cg"/*.slice 2>/dev/null
assert_no_leftovers
done_testing
