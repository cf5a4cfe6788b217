#!/bin/bash
# Every fuzzer's committed corpus replayed through its entry point (one TAP test per fuzzer),
# built with the compiler and sanitizers of this build; WARD_REPLAY_WRAPPER (make
# check-valgrind) runs each replay under valgrind. A crash, a sanitizer report or a valgrind
# error fails the fuzzer's test.
set -u
src=${WARD_SRCDIR:?}/tests/fuzz
bin=$(dirname "${WARD:?}")/tests/fuzz
names=(config policy_file seccomp mountopts cgroup_path state cli process resources dbus userns_pool)
echo "1..${#names[@]}"
i=0
for name in "${names[@]}"; do
	i=$((i + 1))
	log=$(mktemp)
	# shellcheck disable=SC2086 # the wrapper is a command line
	if ${WARD_REPLAY_WRAPPER:-} "$bin/replay_$name" "$src/corpus/$name" >"$log" 2>&1; then
		echo "ok $i - $name: $(grep -o '[0-9]* inputs replayed' "$log")"
	else
		echo "not ok $i - $name: the corpus crashed or failed"
		sed 's/^/# /' "$log" | tail -n 60
	fi
	rm -f "$log"
done
