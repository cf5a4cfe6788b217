#!/bin/bash
# Runs ward's fuzzers (libFuzzer, ASan+UBSan) for a bounded time each and prints, per fuzzer,
# the executions, the coverage (edges) and whether anything crashed. Build them first:
#   mkdir _build_fuzz && cd _build_fuzz && ../configure --enable-fuzzing CC=clang && make fuzzers
# then, from the top of the tree:
#   tests/fuzz/run.sh                   # every fuzzer, 15 s each (what CI runs, shorter)
#   tests/fuzz/run.sh -t 3600           # an hour each (a campaign: 9 hours)
#   tests/fuzz/run.sh -t 14400 config   # one fuzzer for four hours
# Options: -t SECONDS per fuzzer; -b BUILD_DIR (default _build_fuzz); -o WORK_DIR (default
# BUILD_DIR/fuzz-work: the corpus each fuzzer grows, kept between runs, and crash files).
# The committed seeds (tests/fuzz/corpus/NAME) are read, never written. Exit status 1 when a
# fuzzer crashed: its input is saved in WORK_DIR/crashes, and `FUZZER FILE` reproduces it.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
seconds=15
build=$top/_build_fuzz
work=
while getopts "t:b:o:h" opt; do
	case $opt in
	t) seconds=$OPTARG ;;
	b) build=$(cd "$OPTARG" && pwd) || exit 2 ;;
	o) work=$OPTARG ;;
	*)
		sed -n '2,14s/^# \{0,1\}//p' "$0"
		exit 2
		;;
	esac
done
shift $((OPTIND - 1))
work=${work:-$build/fuzz-work}
names=("$@")
[ ${#names[@]} -gt 0 ] || names=(config policy_file seccomp mountopts cgroup_path state cli process resources dbus userns_pool)

dict_of() {
	case $1 in
	policy_file) echo policy ;;
	mountopts) echo mountopts ;;
	cgroup_path) echo cgroup ;;
	cli) echo cli ;;
	dbus) echo dbus ;;
	userns_pool) echo userns ;;
	*) echo json ;;
	esac
}

# Leaks that are libseccomp's, not ward's (lsan.supp says which).
export LSAN_OPTIONS="suppressions=$top/tests/fuzz/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
mkdir -p "$work/crashes" || exit 2
failed=0
total_runs=0
printf '%-12s %12s %10s %8s %8s %7s  %s\n' FUZZER EXECUTIONS EXEC/S EDGES FEATURES CORPUS RESULT
for name in "${names[@]}"; do
	bin=$build/tests/fuzz/fuzz_$name
	if [ ! -x "$bin" ]; then
		echo "run.sh: $bin is missing (configure --enable-fuzzing CC=clang; make fuzzers)" >&2
		failed=1
		continue
	fi
	mkdir -p "$work/corpus/$name"
	log=$work/$name.log
	# -close_fd_mask=3: ward's own messages (usage errors, refusals) are not the fuzzer's.
	nice -n 10 "$bin" -max_total_time="$seconds" -timeout=20 -rss_limit_mb=2048 \
		-dict="$top/tests/fuzz/dict/$(dict_of "$name").dict" -close_fd_mask=3 \
		-print_final_stats=1 -artifact_prefix="$work/crashes/$name-" \
		"$work/corpus/$name" "$top/tests/fuzz/corpus/$name" >"$log" 2>&1
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
	cov=$(grep -o 'cov: [0-9]* ft: [0-9]* corp: [0-9]*' "$log" | tail -n 1)
	read -r _ edges _ features _ corpus <<<"${cov:-x 0 x 0 x 0}"
	total_runs=$((total_runs + ${runs:-0}))
	if [ $rc -eq 0 ]; then
		result=ok
	else
		failed=1
		crash=$(ls -t "$work/crashes/$name-"* 2>/dev/null | head -n 1)
		result="CRASHED (exit $rc): reproduce with $bin ${crash:-(no input saved)}; log $log"
	fi
	printf '%-12s %12s %10s %8s %8s %7s  %s\n' "$name" "${runs:-0}" "${rate:-0}" \
		"$edges" "$features" "$corpus" "$result"
	# What went wrong and where in ward: the report's first line, ward's frames, the input.
	if [ $rc -ne 0 ]; then
		grep -E '==ERROR|runtime error|^SUMMARY|#[0-9]+ .* in .*(/src/|/tests/fuzz/)|^Base64' \
			"$log" | grep -v 'in fuzzer::' | head -n 16 | sed 's/^/    /'
	fi
done
echo "$total_runs executions in all"
exit $failed
