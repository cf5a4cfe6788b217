#!/bin/bash
# Faults: a full file system under --root (space and inodes, at every write create makes), a low
# RLIMIT_NOFILE, an exhausted pids limit, a cgroup that cannot be created, a read-only root
# filesystem, a bundle deleted while create runs. Each time ward fails with a clear error that
# names what failed and exits 1 (exec: 255), or succeeds; nothing is left behind: no state
# entry, cgroup, process, mount, or fd still open at ward's exit (tests/helpers/fdreport.so).
. "$(dirname "$0")/lib/common.sh"

FDREPORT=$WARD_HELPERS/fdreport.so
[ -f "$FDREPORT" ] || {
	echo "Bail out! $FDREPORT is missing (make check builds it)"
	exit 1
}
PRELOAD=$FDREPORT
asan=$(ldd "$WARD" | awk '/libasan/ {print $3}')
[ -n "$asan" ] && PRELOAD="$asan:$FDREPORT"
export WARD_FDREPORT="$WORK/fdreport"
# Every ward of this script reports its fds at exit.
WP() { LD_PRELOAD=$PRELOAD "$WARD" "$@"; }
W() { WP --root "$STATE_ROOT" "$@"; }

BAD='Segmentation|Aborted|core dumped|tampered|\(null\)|^ward: *$'
# outcome FILE RC: one line for a verb's result: "ok", or "rc=N: first line of its error".
outcome() {
	if [ "$2" = 0 ]; then echo ok; else echo "rc=$2: $(head -n 1 "$1")"; fi
}
# all_clean NAME RC-WANTED REGEX FILE: every line of FILE is "ok" or "rc=RC-WANTED: <REGEX>".
all_clean() {
	local bad
	bad=$(grep -v -x -E "ok|rc=$2: ward: .*($3).*" "$4"; grep -E "$BAD" "$4")
	if [ -z "$bad" ]; then ok "$1"; else not_ok "$1" "$bad"; fi
}
# left: what a test left behind (state entries, cgroups, marked processes), or nothing.
left() {
	ls -A "$STATE_ROOT" 2>/dev/null | sed 's/^/state: /'
	find "$CGROUP_ROOT$CGROUP_PARENT" -mindepth 1 -type d 2>/dev/null | sed 's/^/cgroup: /'
	pgrep -af "$MARK" | sed 's/^/process: /'
}

# ---- a full file system under --root --------------------------------------------------------------
# tmpfs in a private mount namespace: 16 pages with a filler leaving 0..3 free (config.json and
# each state.json take one; the second state.json, written after the init exists, needs one
# more until the rename frees the first), then ample space but 1..7 inodes.
b=$(new_bundle full "sleep 60; : $MARK")
: >"$WORK/full.out"
fill_and_try() { # fill_and_try MOUNT-OPTIONS FILLER-PAGES VERB [FLAG]
	unshare -m --propagation private bash -c '
		set -u
		tiny=$1/tiny
		mkdir -p "$tiny" && mount -t tmpfs -o "$2",mode=0700 tiny "$tiny" || exit 99
		[ "$3" = 0 ] || dd if=/dev/zero of="$tiny/filler" bs=4096 count="$3" 2>/dev/null
		LD_PRELOAD=$6 "$4" --root "$tiny/state" "${@:7}" -b "$5" full </dev/null >/dev/null 2>"$1/full.err"
		rc=$?
		LD_PRELOAD=$6 "$4" --root "$tiny/state" delete -f full 2>>"$1/full.delete"
		echo "$rc $(ls -A "$tiny/state" 2>/dev/null | tr "\n" " ")"
	' sh "$WORK" "$1" "$2" "$WARD" "$b" "$PRELOAD" "${@:3}"
}
for free in 0 1 2 3; do
	read -r rc rest <<<"$(fill_and_try size=64k $((16 - free)) create)"
	outcome "$WORK/full.err" "$rc" >>"$WORK/full.out"
	[ -n "$rest" ] && echo "left in the state root: $rest" >>"$WORK/full.out"
done
for inodes in 1 2 3 4 5 6 7; do
	read -r rc rest <<<"$(fill_and_try size=1m,nr_inodes=$inodes 0 create)"
	outcome "$WORK/full.err" "$rc" >>"$WORK/full.out"
	[ -n "$rest" ] && echo "left in the state root: $rest" >>"$WORK/full.out"
done
cp "$WORK/full.out" "$WORK/full-create.out"
: >"$WORK/full.out"
for free in 1 2 3; do
	read -r rc rest <<<"$(fill_and_try size=64k $((16 - free)) run -d)"
	outcome "$WORK/full.err" "$rc" >>"$WORK/full.out"
	[ -n "$rest" ] && echo "left in the state root: $rest" >>"$WORK/full.out"
done
all_clean full_root_create_fails_cleanly_at_every_write 1 'no space left on device' "$WORK/full-create.out"
all_clean full_root_run_fails_cleanly 1 'no space left on device' "$WORK/full.out"
like full_root_errors_name_the_state_directory_and_file "$(cat "$WORK/full-create.out")" \
	"state directory $WORK/tiny/state/full: write config.json: no space left on device \\(the file system of --root $WORK/tiny/state is full\\)"
missing=()
for want in '--root: create' 'create the state directory of full' 'create exec.fifo' \
	'write config.json' 'write state.json'; do
	grep -qF -- "$want" "$WORK/full-create.out" || missing+=("$want")
done
is full_root_is_hit_at_each_write "${missing[*]}" ""
# One free page: the first state.json fails; two: the second, once the init exists.
like full_root_is_hit_before_and_after_the_init_exists "$(sed -n 2,4p "$WORK/full-create.out")" \
	'^rc=1: .*write state.json.*
rc=1: .*write state.json.*
ok$'
is full_root_delete_force_never_fails "$(cat "$WORK/full.delete" 2>/dev/null)" ""
is full_root_leaves_nothing "$(left)" ""

# ---- a low RLIMIT_NOFILE ---------------------------------------------------------------------------
# The soft limit only: the hard one stays, as the container's rlimits need it (no
# CAP_SYS_RESOURCE to raise it back on every host).
hard=$(ulimit -Hn)
# low_nofile N COMMAND...: the command with a soft RLIMIT_NOFILE of N and only fds 0-2 open
# (what make and the TAP driver pass on would shift every threshold).
low_nofile() {
	local n=$1 fd
	shift
	(
		for fd in /proc/$BASHPID/fd/*; do
			fd=${fd##*/}
			[ "$fd" -gt 2 ] && eval "exec $fd>&-" 2>/dev/null
		done
		exec prlimit --nofile="$n:$hard" "$@"
	)
}
b=$(new_bundle nofile "sleep 60; : $MARK")
: >"$WORK/nofile.out"
for n in $(seq 4 24); do
	low_nofile "$n" "$WARD" --root "$STATE_ROOT" create -b "$b" nofile </dev/null 2>"$WORK/nofile.err"
	outcome "$WORK/nofile.err" $? >>"$WORK/nofile.out"
	W delete -f nofile
done
all_clean low_nofile_create_fails_cleanly 1 'too many open files' "$WORK/nofile.out"
like low_nofile_create_fails_low_and_works_higher "$(uniq -c "$WORK/nofile.out" | awk '{print $2}' | tr '\n' ' ')" \
	'^rc=1: .*ok $'
W run -d -b "$b" nofile </dev/null
: >"$WORK/nofile-exec.out"
for n in $(seq 4 24); do
	low_nofile "$n" "$WARD" --root "$STATE_ROOT" exec nofile true </dev/null 2>"$WORK/nofile.err"
	outcome "$WORK/nofile.err" $? >>"$WORK/nofile-exec.out"
done
# Out of fds, no verb may take the running container for a stopped one: state errs or says
# running, delete without --force never removes it, delete --force succeeds only by removing it.
: >"$WORK/nofile-verbs.out"
for n in $(seq 4 16); do
	for verb in "state nofile" "kill nofile 0" "pause nofile" "delete nofile"; do
		# shellcheck disable=SC2086
		low_nofile "$n" "$WARD" --root "$STATE_ROOT" $verb </dev/null >"$WORK/nofile.err" 2>&1
		rc=$?
		if [ "$verb" = "state nofile" ] && [ $rc = 0 ] && [ "$(jq -r .status "$WORK/nofile.err")" != running ]; then
			echo "$n $verb: $(jq -r .status "$WORK/nofile.err")" >>"$WORK/nofile-verbs.out"
		fi
		[ "$verb" = "pause nofile" ] && [ $rc = 0 ] && W resume nofile
		[ "$(W state nofile 2>&1 | jq -r .status 2>&1)" = running ] ||
			echo "$n $verb (rc=$rc: $(head -n 1 "$WORK/nofile.err")): no longer running" >>"$WORK/nofile-verbs.out"
	done
done
is low_nofile_never_takes_a_running_container_for_stopped "$(head -n 5 "$WORK/nofile-verbs.out")" ""
: >"$WORK/nofile-force.out"
for n in $(seq 4 12); do
	low_nofile "$n" "$WARD" --root "$STATE_ROOT" delete --force nofile </dev/null 2>"$WORK/nofile.err"
	rc=$?
	if [ $rc = 0 ]; then
		[ -e "$STATE_ROOT/nofile" ] && echo "$n: rc 0 but the container is still there" >>"$WORK/nofile-force.out"
		break
	fi
	grep -q 'too many open files' "$WORK/nofile.err" ||
		echo "$n: rc=$rc: $(head -n 1 "$WORK/nofile.err")" >>"$WORK/nofile-force.out"
done
is low_nofile_delete_force_fails_or_removes "$(cat "$WORK/nofile-force.out")" ""
W delete -f nofile
all_clean low_nofile_exec_fails_cleanly 255 'too many open files' "$WORK/nofile-exec.out"
like low_nofile_exec_fails_low_and_works_higher "$(uniq -c "$WORK/nofile-exec.out" | awk '{print $2}' | tr '\n' ' ')" \
	'^rc=255: .*ok $'
is low_nofile_leaves_nothing "$(left)" ""

# ---- an exhausted pids limit -----------------------------------------------------------------------
# ward runs in a pids cgroup of this test's (v1 here, v2 where it has the controller) that
# allows 1, 2, 3 ... processes: ward, its setup process, the init.
pids_cg=
if [ -f /sys/fs/cgroup/pids/cgroup.procs ]; then
	pids_cg=/sys/fs/cgroup/pids/ward-test-faults-$$
elif grep -qw pids "$CGROUP_ROOT/cgroup.controllers" 2>/dev/null; then
	pids_cg=$CGROUP_ROOT$CGROUP_PARENT-pids
fi
b=$(new_bundle pids "sleep 60; : $MARK")
if [ -n "$pids_cg" ] && mkdir "$pids_cg"; then
	in_pids() { # in_pids LIMIT COMMAND...: the command in the pids cgroup, at that limit
		local limit=$1
		shift
		echo "$limit" >"$pids_cg/pids.max"
		bash -c 'echo $$ >"$0/cgroup.procs" && exec "$@"' "$pids_cg" "$@"
		local rc=$?
		echo max >"$pids_cg/pids.max"
		return $rc
	}
	: >"$WORK/pids.out"
	for n in 1 2 3; do
		in_pids "$n" "$WARD" --root "$STATE_ROOT" create -b "$b" pids </dev/null 2>"$WORK/pids.err"
		outcome "$WORK/pids.err" $? >>"$WORK/pids.out"
		W delete -f pids
	done
	W run -d -b "$b" pids </dev/null
	for n in 1 2 3; do
		in_pids "$n" "$WARD" --root "$STATE_ROOT" exec pids true </dev/null 2>"$WORK/pids.err"
		outcome "$WORK/pids.err" $? >>"$WORK/pids.out"
	done
	W delete -f pids
	all_clean exhausted_pids_create_and_exec_fail_cleanly '(1|255)' \
		"resource temporarily unavailable \\(a limit on ward's processes is reached: pids.max of its cgroup, or RLIMIT_NPROC\\)" \
		"$WORK/pids.out"
	like exhausted_pids_hit_the_setup_process_and_the_init "$(cat "$WORK/pids.out")" \
		'clone the container setup process.*clone the container init'
	rmdir "$pids_cg"
else
	ok "exhausted_pids_create_and_exec_fail_cleanly # SKIP no pids controller here"
	ok "exhausted_pids_hit_the_setup_process_and_the_init # SKIP no pids controller here"
fi
is exhausted_pids_leave_nothing "$(left)" ""

# ---- a cgroup that cannot be created -----------------------------------------------------------
limited=$CGROUP_ROOT$CGROUP_PARENT/limited
mkdir -p "$limited"
echo 1 >"$limited/cgroup.max.depth"
b=$(new_bundle cg "sleep 60; : $MARK")
edit_config "$b" '.linux.cgroupsPath = $cg' --arg cg "$CGROUP_PARENT/limited/a/b"
W create -b "$b" cg </dev/null 2>"$WORK/cg.err"
is too_deep_cgroup_create_fails "$?" 1
like too_deep_cgroup_error_names_the_cgroup_and_the_limit "$(cat "$WORK/cg.err")" \
	"create cgroup $limited/a/b: resource temporarily unavailable \\(the cgroup.max.depth or cgroup.max.descendants of an ancestor allows no more cgroups\\)"
is too_deep_cgroup_leaves_no_intermediate_cgroup "$(find "$limited" -mindepth 1 -type d)" ""
edit_config "$b" '.linux.cgroupsPath = "/cgroup.procs/cg"'
W create -b "$b" cg </dev/null 2>"$WORK/cg.err"
rc=$?
like cgroup_below_a_file_fails_cleanly "$(cat "$WORK/cg.err") rc=$rc" \
	"create cgroup $CGROUP_ROOT/cgroup.procs/cg: not a directory rc=1"
rmdir "$limited"
is failed_cgroups_leave_nothing "$(left)" ""

# ---- a read-only root filesystem -----------------------------------------------------------------
# The rootfs lacks the /proc mount point and sits on a read-only mount: ward cannot create it.
private_rootfs "$WORK/ro"
rmdir "$WORK/ro/proc"
b=$(new_bundle ro "sleep 60; : $MARK")
edit_config "$b" '.root.path = $r' --arg r "$WORK/ro"
: >"$WORK/ro.out"
unshare -m --propagation private bash -c '
	mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" || exit 99
	for verb in create run; do
		LD_PRELOAD=$6 "$2" --root "$3" $verb -b "$4" ro </dev/null >/dev/null 2>"$5/ro.err"
		echo "$verb rc=$?: $(head -n 1 "$5/ro.err")" >>"$5/ro.out"
	done' sh "$WORK/ro" "$WARD" "$STATE_ROOT" "$b" "$WORK" "$PRELOAD"
like read_only_rootfs_fails_cleanly_naming_the_mount "$(cat "$WORK/ro.out")" \
	'^create rc=1: ward: mounts\[[0-9]+\] \(/proc\): create directory /proc in the container: read-only file system
run rc=1: ward: mounts\[[0-9]+\] \(/proc\): create directory /proc in the container: read-only file system$'
is read_only_rootfs_leaves_nothing "$(left)" ""

# ---- a bundle deleted while create runs -------------------------------------------------------------
# At a different moment each round: create either fails, naming what it could not find, or
# makes the container (delete removes it).
tmpl=$(new_bundle tmpl "sleep 60; : $MARK")
: >"$WORK/gone.out"
for r in $(seq 8); do
	bd="$WORK/gone$r"
	mkdir -p "$bd"
	private_rootfs "$bd/rootfs"
	jq '.root.path = "rootfs"' "$tmpl/config.json" >"$bd/config.json"
	W create -b "$bd" gone </dev/null 2>"$WORK/gone.err" &
	p=$!
	sleep "0.0$((r - 1))$((RANDOM % 10))"
	rm -rf "$bd" 2>/dev/null
	wait "$p"
	outcome "$WORK/gone.err" $? >>"$WORK/gone.out"
	W delete -f gone
done
all_clean deleted_bundle_create_fails_cleanly 1 'no such file or directory|not found|bundle' "$WORK/gone.out"
is deleted_bundle_leaves_nothing "$(left)" ""

# ---- fds -----------------------------------------------------------------------------------
leaked=$(awk '$2 > 0' "$WARD_FDREPORT")
is no_failing_verb_leaves_an_fd_open "$leaked" ""
check every_failure_was_reported test "$(wc -l <"$WARD_FDREPORT")" -ge 60

assert_no_leftovers
done_testing
