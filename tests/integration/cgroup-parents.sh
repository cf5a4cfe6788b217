#!/bin/bash
# The parent cgroups ward makes for a container's (those an absolute cgroupsPath names that did
# not exist, /ward for the default one) go with the last container below them; parents that
# existed before stay. ward marks the ones it makes (trusted.ward.parent).
. "$(dirname "$0")/lib/common.sh"

W() { "$WARD" --root "$STATE_ROOT" "$@"; }
P="$CGROUP_ROOT$CGROUP_PARENT"
with_path() { # with_path BUNDLE CGROUPSPATH
	edit_config "$1" '.linux.cgroupsPath = $cg' --arg cg "$2"
}

b=$(new_bundle one "true; : $MARK")
with_path "$b" "$CGROUP_PARENT/a/b/c"
W run -b "$b" one </dev/null
is run_succeeds "$?" 0
check run_removes_the_parents_it_made test ! -e "$P"

# Two containers below one parent: it stays while either is there.
b1=$(new_bundle x "sleep 60; : $MARK")
b2=$(new_bundle y "sleep 60; : $MARK")
with_path "$b1" "$CGROUP_PARENT/shared/x"
with_path "$b2" "$CGROUP_PARENT/shared/y"
W create -b "$b1" x </dev/null && W create -b "$b2" y </dev/null
W delete x
check a_parent_in_use_stays test -d "$P/shared/y"
W delete y
check the_last_container_takes_the_parents test ! -e "$P"

# A parent that was there before is not ward's.
mkdir -p "$P/admin"
b=$(new_bundle adm "sleep 60; : $MARK")
with_path "$b" "$CGROUP_PARENT/admin/sub/c"
W create -b "$b" adm </dev/null
W delete adm
is a_parent_that_existed_stays "$(cd "$P" && find . -mindepth 1 -type d)" "./admin"
rmdir "$P/admin" "$P"

# A delete killed after it removed the container's cgroup: delete --force takes the parents.
b=$(new_bundle k "sleep 60; : $MARK")
with_path "$b" "$CGROUP_PARENT/killed/k"
W create -b "$b" k </dev/null
pid=$(W state k | jq .pid)
echo 1 >"$P/killed/k/cgroup.kill"
for _ in $(seq 100); do rmdir "$P/killed/k" 2>/dev/null && break; sleep 0.05; done
W delete --force k
is delete_force_succeeds_without_the_cgroup "$?" 0
check delete_force_takes_the_parents_left test ! -e "$P"

# Creates and deletes below one parent at once: a create whose parent the last delete removes
# between two of its steps walks again.
for i in $(seq 12); do
	bb=$(new_bundle r$i "sleep 60; : $MARK")
	with_path "$bb" "$CGROUP_PARENT/race/r$i"
done
W create -b "$WORK/r1" r1 </dev/null
failed=()
for i in $(seq 2 12); do
	W create -b "$WORK/r$i" "r$i" </dev/null 2>"$WORK/race.err" &
	W delete -f "r$((i - 1))" &
	wait
	[ -s "$WORK/race.err" ] && failed+=("r$i: $(cat "$WORK/race.err")")
	W state "r$i" >/dev/null 2>&1 || failed+=("r$i missing")
done
is creates_racing_the_removal_of_their_parent_succeed "${failed[*]}" ""
W delete -f r12
check and_the_parent_goes_with_the_last test ! -e "$P"

assert_no_leftovers
done_testing
