#!/bin/bash
# Soak: many create/start/exec/delete cycles, ward SIGKILLed at random points of create, start,
# exec, delete and run (each followed by `ward delete --force`), then a count of what was left:
# cgroups (below the test's parent in the cgroup v2 hierarchy, and in any v1 hierarchy), host
# mounts, state entries, container and ward processes, and the fds each verb still held at its
# exit (tests/helpers/fdreport.so, preloaded, reports them). Optionally 50 containers run at
# once, timed against runc and crun in the same run. TAP on stdout; the figures as "# " lines.
#
#   tests/soak/soak.sh [-n CYCLES] [-k KILLS] [-p PARALLEL] [-r ROUNDS] [-c] [-s SEED]   (as root)
#
#   -n  create/start/exec/delete cycles (default 1000)
#   -k  SIGKILLs of ward (default 200)
#   -p  containers run at once, then deleted at once (default 50; 0: skip)
#   -r  rounds of the parallel run, interleaved between the runtimes (default 3; median shown)
#   -c  time the parallel run with runc and crun too (when installed)
#   -s  seed of the random kill points (default: from the clock; printed)
#
# WARD (default: _build/ward of this checkout), WARD_HELPERS (_build/tests/helpers) and
# WARD_TEST_WORK (_build/tests/work) as for `make check`. The short version in `make check`
# is tests/integration/soak.sh.
top=$(cd "$(dirname "$0")/../.." && pwd)
: "${WARD:=$top/_build/ward}" "${WARD_HELPERS:=$top/_build/tests/helpers}"
: "${WARD_TEST_WORK:=$top/_build/tests/work}"
export WARD WARD_HELPERS WARD_TEST_WORK
cycles=1000 kills=200 parallel=50 rounds=3 compare=false seed=$(($(date +%s%N) % 32768))
while getopts "n:k:p:r:cs:" o; do
	case $o in
	n) cycles=$OPTARG ;;
	k) kills=$OPTARG ;;
	p) parallel=$OPTARG ;;
	r) rounds=$OPTARG ;;
	c) compare=true ;;
	s) seed=$OPTARG ;;
	*) exit 2 ;;
	esac
done
. "$top/tests/integration/lib/common.sh"
RANDOM=$seed

FDREPORT=$WARD_HELPERS/fdreport.so
if [ ! -f "$FDREPORT" ]; then
	echo "Bail out! $FDREPORT is missing (make -C _build tests/helpers/fdreport.so)"
	exit 1
fi
PRELOAD=$FDREPORT
# An ASan build wants its runtime first.
asan=$(ldd "$WARD" | awk '/libasan/ {print $3}')
[ -n "$asan" ] && PRELOAD="$asan:$FDREPORT"
FDDIR="$WORK/fd"
mkdir -p "$FDDIR"

# W VERB ARGS...: ward, reporting its fds at exit to $FDDIR/VERB.
W() { LD_PRELOAD=$PRELOAD WARD_FDREPORT="$FDDIR/$1" "$WARD" --root "$STATE_ROOT" "$@"; }
# A sleep without a fork: read(1) on a pipe that never gets data, with a timeout.
exec {NEVER}<> <(:)
msleep() { read -r -t "$1" -u "$NEVER" _ || :; }
now_us() { echo "${EPOCHREALTIME/./}"; }
median() { sort -n | awk '{a[NR]=$1} END {print NR ? a[int((NR+1)/2)] : 0}'; }

# A bundle per container ID (its own cgroup below $CGROUP_PARENT), made from one template.
template=$(new_bundle template "sleep 600; : $MARK")
bundle_for() { # bundle_for ID: the bundle's directory
	local b="$WORK/b-$1"
	mkdir -p "$b"
	jq --arg cg "$CGROUP_PARENT/$1" --arg cmd "sleep 600; : $MARK $1" \
		'.linux.cgroupsPath = $cg | .process.args = ["sh", "-c", $cmd]' \
		"$template/config.json" >"$b/config.json"
	echo "$b"
}

# leaks: "cgroups mounts state processes" now, with the details in $WORK/leaks.txt.
leaks() {
	local cg=0 v1=0 mounts states procs h
	: >"$WORK/leaks.txt"
	cg=$(find "$CGROUP_ROOT$CGROUP_PARENT" -mindepth 1 -type d 2>/dev/null | tee -a "$WORK/leaks.txt" | wc -l)
	# ward uses no v1 hierarchy: any directory of ours there is a leak.
	for h in /sys/fs/cgroup/*/; do
		[ "$h" = "$CGROUP_ROOT/" ] && continue
		[ -d "$h${CGROUP_PARENT#/}" ] && v1=$((v1 + 1)) && echo "v1: $h${CGROUP_PARENT#/}" >>"$WORK/leaks.txt"
	done
	mounts=$(diff <(echo "$HOST_MOUNTS_BEFORE") <(host_mounts) | grep '^[<>]' | tee -a "$WORK/leaks.txt" | wc -l)
	states=$(ls -A "$STATE_ROOT" 2>/dev/null | tee -a "$WORK/leaks.txt" | wc -l)
	# container processes by the marker; ward processes by their state root
	procs=$( (pgrep -af "$MARK"; pgrep -af -- "--root $STATE_ROOT") | sort -u | tee -a "$WORK/leaks.txt" | wc -l)
	echo "$((cg + v1)) $mounts $states $procs"
}

# ---- cycles ------------------------------------------------------------------------------
declare -A dur
failed_verbs=()
b=$(bundle_for cyc)
t_start=$(now_us)
for i in $(seq "$cycles"); do
	for step in "create -b $b cyc" "start cyc" "exec cyc true" "delete -f cyc"; do
		verb=${step%% *}
		t0=$(now_us)
		# shellcheck disable=SC2086
		if ! W $step </dev/null >/dev/null 2>"$WORK/verb.err"; then
			failed_verbs+=("cycle $i $verb: $(head -c 300 "$WORK/verb.err")")
		fi
		echo $(($(now_us) - t0)) >>"$WORK/dur.$verb"
	done
done
t_cycles=$((($(now_us) - t_start) / 1000))
for verb in create start exec delete; do dur[$verb]=$(median <"$WORK/dur.$verb"); done
read -r cg_c mnt_c st_c pr_c <<<"$(leaks)"
cp "$WORK/leaks.txt" "$WORK/leaks-cycles.txt"
is cycles_every_verb_succeeds "${failed_verbs[*]:0:3}" ""

# ---- kills ---------------------------------------------------------------------------------
# Each kill lands at a random moment within 1.5 times the verb's median duration from the
# cycles (run: create + start), so that every phase of the verb is hit, and its start.
verbs=(create start exec delete run)
declare -A killed_in at_kill
declare -A limit_us=([create]=${dur[create]} [start]=${dur[start]} [exec]=${dur[exec]}
	[delete]=${dur[delete]} [run]=$((dur[create] + dur[start])))
force_failed=()
left_behind=()
prep_failed=0
for j in $(seq "$kills"); do
	verb=${verbs[RANDOM % 5]}
	id=k$j
	b=$(bundle_for "$id")
	case $verb in
	start) W create -b "$b" "$id" </dev/null >/dev/null 2>&1 || prep_failed=$((prep_failed + 1)) ;;
	exec | delete)
		{ W create -b "$b" "$id" && W start "$id"; } </dev/null >/dev/null 2>&1 ||
			prep_failed=$((prep_failed + 1))
		;;
	esac
	delay=$(((RANDOM * 32768 + RANDOM) % (limit_us[$verb] * 3 / 2 + 1)))
	case $verb in
	create) args=(create -b "$b" "$id") ;;
	start) args=(start "$id") ;;
	exec) args=(exec "$id" sh -c "sleep 600; : $MARK $id") ;;
	delete) args=(delete -f "$id") ;;
	run) args=(run -b "$b" "$id") ;;
	esac
	# Not through W: $! must be ward itself (it re-executes itself in place, same pid).
	LD_PRELOAD=$PRELOAD WARD_FDREPORT="$FDDIR/killed" "$WARD" --root "$STATE_ROOT" "${args[@]}" \
		</dev/null >/dev/null 2>&1 &
	pid=$!
	((delay > 0)) && msleep "$(printf '0.%06d' "$delay")"
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	killed_in[$verb]=$((${killed_in[$verb]:-0} + 1))
	# What the kill left, as `state` sees it.
	st=$(W state "$id" 2>&1 </dev/null)
	case $st in
	*'"status"'*) st=$(echo "$st" | jq -r .status) ;;
	*"create did not finish"*) st=half-created ;;
	*"does not exist"*) st=none ;;
	*) st="unreadable: ${st:0:200}" ;;
	esac
	at_kill[$st]=$((${at_kill[$st]:-0} + 1))
	if ! W delete --force "$id" </dev/null >/dev/null 2>"$WORK/force.err"; then
		force_failed+=("$id ($verb, $st): $(head -c 300 "$WORK/force.err")")
	fi
	left=()
	[ -e "$STATE_ROOT/$id" ] && left+=(state)
	[ -d "$CGROUP_ROOT$CGROUP_PARENT/$id" ] && left+=(cgroup)
	pgrep -f "$MARK $id\$" >/dev/null && left+=(process)
	[ ${#left[@]} -gt 0 ] && left_behind+=("$id ($verb, $st): ${left[*]}")
done
read -r cg_k mnt_k st_k pr_k <<<"$(leaks)"
is every_kill_is_prepared "$prep_failed" 0
is delete_force_succeeds_after_every_kill "${force_failed[*]:0:3}" ""
is delete_force_leaves_nothing_after_every_kill "${left_behind[*]:0:3}" ""
unlike no_state_is_unreadable_after_a_kill "${!at_kill[*]}" 'unreadable'

# ---- parallel ----------------------------------------------------------------------------------
declare -A par_up par_down
if ((parallel > 0)); then
	runtimes=(ward)
	declare -A rt_cmd=([ward]="$WARD --root $STATE_ROOT")
	cmp_parent="/ward-soak-cmp-$$"
	if $compare && command -v runc >/dev/null; then
		runtimes+=(runc)
		rt_cmd[runc]="runc --root $WORK/state-runc"
	fi
	if $compare && command -v crun >/dev/null; then
		# crun 1.8 refuses hybrid cgroup hosts: it runs in a mount namespace of its own
		# without the unified hierarchy (and so uses v1), as the test machines' notes say.
		runtimes+=(crun)
		cat >"$WORK/crun" <<WRAP
#!/bin/sh
exec unshare -m sh -c 'umount /sys/fs/cgroup/unified 2>/dev/null; exec crun --root $WORK/state-crun "\$@"' crun "\$@"
WRAP
		chmod +x "$WORK/crun"
		rt_cmd[crun]=$WORK/crun
	fi
	# crun 1.8 knows runtime-spec versions up to 1.1; the config is the same for all.
	for rt in "${runtimes[@]}"; do
		for i in $(seq "$parallel"); do
			pb="$WORK/par-$rt-$i"
			mkdir -p "$pb"
			cg="$CGROUP_PARENT/par-$i"
			[ "$rt" = ward ] || cg="$cmp_parent/$rt-$i"
			jq --arg cg "$cg" --arg cmd "sleep 600; : $MARK" \
				'.ociVersion = "1.0.2" | .linux.cgroupsPath = $cg | .process.args = ["sh", "-c", $cmd]' \
				"$template/config.json" >"$pb/config.json"
		done
	done
	par_failed=()
	for r in $(seq "$rounds"); do
		for rt in "${runtimes[@]}"; do
			t0=$(now_us)
			for i in $(seq "$parallel"); do
				# shellcheck disable=SC2086
				${rt_cmd[$rt]} run -d -b "$WORK/par-$rt-$i" "p$i" </dev/null >/dev/null 2>"$WORK/par-$rt-$i.err" &
			done
			wait
			echo $((($(now_us) - t0) / 1000)) >>"$WORK/up.$rt"
			n=$(${rt_cmd[$rt]} list -q 2>/dev/null | grep -c '^p')
			[ "$n" = "$parallel" ] || par_failed+=("$rt round $r: $n of $parallel running: $(cat "$WORK"/par-"$rt"-*.err | sort | uniq -c | head -n 3)")
			t0=$(now_us)
			for i in $(seq "$parallel"); do
				# shellcheck disable=SC2086
				${rt_cmd[$rt]} delete -f "p$i" </dev/null >/dev/null 2>&1 &
			done
			wait
			echo $((($(now_us) - t0) / 1000)) >>"$WORK/down.$rt"
		done
	done
	for rt in "${runtimes[@]}"; do
		par_up[$rt]=$(median <"$WORK/up.$rt")
		par_down[$rt]=$(median <"$WORK/down.$rt")
	done
	# runc and crun leave their parents behind (in the v1 hierarchies and the unified one).
	for h in /sys/fs/cgroup/ /sys/fs/cgroup/*/; do
		[ -d "$h${cmp_parent#/}" ] && find "$h${cmp_parent#/}" -depth -type d -exec rmdir {} + 2>/dev/null
	done
	is parallel_runs_all_run_and_delete "${par_failed[*]:0:3}" ""
fi

# ---- what is left, and the fds -------------------------------------------------------------
read -r cg mnt st pr <<<"$(leaks)"
is no_cgroup_is_left "$cg" 0
is no_host_mount_is_left "$mnt" 0
is no_state_entry_is_left "$st" 0
is no_process_is_left "$pr" 0
[ "$((cg + mnt + st + pr))" = 0 ] || diag "left behind:" "$(head -n 20 "$WORK/leaks.txt")"
# Every verb that exited (not killed) reported; a report naming an fd is a leak.
reports=$(cat "$FDDIR"/* 2>/dev/null | grep -v '^$' | wc -l)
fd_leaks=$(cat "$FDDIR"/* 2>/dev/null | awk '$2 > 0' | wc -l)
fd_max=$(cat "$FDDIR"/* 2>/dev/null | awk 'BEGIN {m = 0} $2 > m {m = $2} END {print m}')
expected=$((4 * cycles))
check every_verb_of_the_cycles_reported_its_fds test "$(cat "$FDDIR"/{create,start,exec,delete} | wc -l)" -ge "$expected"
is no_verb_leaves_an_fd_open "$fd_leaks" 0
[ "$fd_leaks" = 0 ] || diag "$(cat "$FDDIR"/* | awk '$2 > 0' | head -n 5)"

# ---- figures -----------------------------------------------------------------------------------
ms() { printf '%.1f' "$(echo "$1 / 1000" | bc -l)"; }
diag "" "ward soak (seed $seed): $cycles cycles, $kills kills$( ((parallel > 0)) && echo ", $parallel in parallel")"
diag "cycles: $((4 * cycles)) verbs in $((t_cycles / 1000)) s, ${#failed_verbs[@]} failed; median ms:" \
	"  create $(ms "${dur[create]}"), start $(ms "${dur[start]}"), exec $(ms "${dur[exec]}"), delete $(ms "${dur[delete]}")"
line="kills: $kills in"
for v in "${verbs[@]}"; do line+=" $v ${killed_in[$v]:-0},"; done
diag "${line%,}"
line="  state after the kill:"
for s in "${!at_kill[@]}"; do line+=" $s ${at_kill[$s]},"; done
diag "${line%,}" \
	"  delete --force: $((kills - ${#force_failed[@]})) succeeded, ${#force_failed[@]} failed; left something: ${#left_behind[@]}"
diag "leaks         cgroups  mounts  state  processes" \
	"$(printf '  after cycles %7s %7s %6s %10s' "$cg_c" "$mnt_c" "$st_c" "$pr_c")" \
	"$(printf '  after kills  %7s %7s %6s %10s' "$cg_k" "$mnt_k" "$st_k" "$pr_k")" \
	"$(printf '  at the end   %7s %7s %6s %10s' "$cg" "$mnt" "$st" "$pr")"
diag "fds: $reports verb exits reported, $fd_leaks with an fd still open (most: $fd_max)"
if ((parallel > 0)); then
	diag "$parallel in parallel, wall ms (median of $rounds): run -d / delete -f"
	for rt in "${runtimes[@]}"; do
		diag "$(printf '  %-5s %7s / %s' "$rt" "${par_up[$rt]}" "${par_down[$rt]}")"
	done
	$compare && [[ " ${runtimes[*]} " == *" crun "* ]] && diag "  (crun's times include the unshare wrapper this hybrid-cgroup host needs)"
fi
done_testing
