# The symlink-exchange race harness of the security tests (CVE-2021-30465, CVE-2024-45310,
# CVE-2019-19921, CVE-2025-31133): a host process (tests/helpers/swapper) keeps exchanging a
# directory or file and a symbolic link under a mount destination with
# renameat2(RENAME_EXCHANGE) while containers start in a loop. After every start the host's
# mount table and the host paths the links point at are compared with their state before the
# race, and the container's own view is checked by the script's callback.
# Sourced after tests/integration/lib/common.sh.
# shellcheck shell=bash

SWAPPER="$WARD_HELPERS/swapper"
SECPROBE="$WARD_HELPERS/secprobe"
for helper in "$SWAPPER" "$SECPROBE"; do
	if [ ! -x "$helper" ]; then
		echo "Bail out! $helper is missing (make check builds it)"
		exit 1
	fi
done

# host_tree DIR...: every path below DIR with its type, size, mode and owner, to compare before
# and after.
host_tree() {
	find "$@" -printf '%p %y %s %m %u:%g\n' 2>/dev/null | sort
}

# swap_start A1 B1 [A2 B2 ...]: starts the swapper on the host; SWAP_PID is its pid.
swap_start() {
	"$SWAPPER" "$@" >"$WORK/swapper.out" 2>"$WORK/swapper.err" &
	SWAP_PID=$!
	for _ in $(seq 100); do grep -q swapping "$WORK/swapper.err" 2>/dev/null && break; sleep 0.02; done
}

# swap_stop: stops the swapper; SWAPS is how many exchanges it made.
swap_stop() {
	kill -TERM "$SWAP_PID" 2>/dev/null
	wait "$SWAP_PID" 2>/dev/null
	SWAPS=$(sed -n 's/^swaps=\([0-9]*\).*/\1/p' "$WORK/swapper.out")
	: "${SWAPS:=0}"
}

# race_loop BUNDLE MAX_STARTS MAX_SECONDS CHECK WATCH...: starts containers from BUNDLE until
# MAX_STARTS or MAX_SECONDS. For each start that succeeds, CHECK is called with the
# container's output in OUT and must print nothing when the container's view is right (else a
# description of what is wrong). After each start the host mount table and host_tree WATCH...
# must be what they were before the race. Sets STARTS, STARTED, REFUSED, BAD_VIEWS (the first
# few problems seen inside), HOST_CHANGES (the first change seen on the host), REFUSALS (the
# distinct error messages, numbers stripped).
race_loop() {
	local b=$1 max=$2 seconds=$3 check=$4
	shift 4
	local mounts_before tree_before deadline problem i=0
	mounts_before=$(host_mounts)
	tree_before=$(host_tree "$@")
	STARTS=0 STARTED=0 REFUSED=0 BAD_VIEWS="" HOST_CHANGES="" REFUSALS=""
	deadline=$((SECONDS + seconds))
	while [ "$i" -lt "$max" ] && [ "$SECONDS" -lt "$deadline" ]; do
		i=$((i + 1))
		race_before_start 2>/dev/null
		ward_run "$b" "race$i"
		STARTS=$i
		if [ "$RC" = 0 ]; then
			STARTED=$((STARTED + 1))
			problem=$("$check")
			if [ -n "$problem" ] && [ "$(echo "$BAD_VIEWS" | wc -l)" -lt 5 ]; then
				BAD_VIEWS+="start $i: $problem"$'\n'
			fi
		else
			REFUSED=$((REFUSED + 1))
			REFUSALS+="$(echo "$ERR" | head -n 1 | sed 's/[0-9]\+/N/g')"$'\n'
			# a refused start must not leave its container behind
			"$WARD" --root "$STATE_ROOT" delete --force "race$i" >/dev/null 2>&1
		fi
		if [ -z "$HOST_CHANGES" ]; then
			if [ "$(host_mounts)" != "$mounts_before" ]; then
				HOST_CHANGES="after start $i the host mount table changed: $(diff <(echo "$mounts_before") <(host_mounts) | tr '\n' ' ')"
			elif [ "$(host_tree "$@")" != "$tree_before" ]; then
				HOST_CHANGES="after start $i host paths changed: $(diff <(echo "$tree_before") <(host_tree "$@") | tr '\n' ' ')"
			fi
			# once the host has changed, more starts prove nothing
			[ -n "$HOST_CHANGES" ] && break
		fi
	done
	REFUSALS=$(echo "$REFUSALS" | sed '/^$/d' | sort | uniq -c | sort -rn | head -n 5)
}

# What the script may redefine: runs on the host before each start (e.g. to re-plant a link).
race_before_start() { :; }

# race_report NAME [VIEW]: the test points every race has: the swapper ran, no start changed the
# host, every container that started had the right view (VIEW names that check; by default
# its mounts inside its root).
race_report() {
	local name=$1 view=${2:-every_started_container_had_its_mounts_inside_its_root}
	diag "$name: $STARTS starts, $STARTED started, $REFUSED refused, $SWAPS exchanges"
	[ -n "$REFUSALS" ] && diag "refusals:" "$REFUSALS"
	if [ "$SWAPS" -gt 100 ] && [ "$STARTS" -gt 0 ]; then
		ok "${name}_the_attacker_kept_swapping_while_containers_started"
	else
		not_ok "${name}_the_attacker_kept_swapping_while_containers_started" "swaps=$SWAPS starts=$STARTS"
	fi
	if [ -z "$HOST_CHANGES" ]; then
		ok "${name}_no_start_changed_the_host_mount_table_or_host_paths"
	else
		not_ok "${name}_no_start_changed_the_host_mount_table_or_host_paths" "$HOST_CHANGES"
	fi
	if [ -z "$BAD_VIEWS" ]; then
		ok "${name}_$view"
	else
		not_ok "${name}_$view" "$BAD_VIEWS"
	fi
}
