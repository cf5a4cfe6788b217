# The engine batteries (docker.sh, podman.sh, containerd.sh) in two modes: ward's default
# policy, or with WARD_TEST_USERNS=auto (docker-userns.sh and the others) a policy with
# `userns = auto`, so that every container the engine starts gets a user namespace of its own
# and its root filesystem and binds are idmapped (ward-policy(5)). Sourced after common.sh.
# shellcheck shell=bash

# Ten blocks far above any host user and apart from userns-auto.sh's pool (3900000000 on):
# the three batteries may run at once and share it through the host-wide ledger.
USERNS_POOL_START=3800000000
USERNS_POOL_COUNT=655360

case ${WARD_TEST_USERNS:-} in
'') ;;
auto)
	# use_policy points WARD at a wrapper that passes --policy: the engines run that.
	use_policy "userns = auto" "userns-pool = $USERNS_POOL_START:$USERNS_POOL_COUNT"
	diag "mode: userns = auto, pool $USERNS_POOL_START:$USERNS_POOL_COUNT"
	;;
*)
	echo "Bail out! WARD_TEST_USERNS=$WARD_TEST_USERNS: only 'auto' (or nothing) is known"
	exit 1
	;;
esac

userns_mode() { [ "${WARD_TEST_USERNS:-}" = auto ]; }

# in_pool ID: a host id that the pool hands out.
in_pool() {
	[ -n "$1" ] && [ "$1" -ge "$USERNS_POOL_START" ] &&
		[ "$1" -lt $((USERNS_POOL_START + USERNS_POOL_COUNT)) ]
}

# userns_init_checks PREFIX PID INSIDE_UID: from the host, the container's init (PID) runs as a
# uid of the pool, and its uid_map maps 0 to that block's start; INSIDE_UID is what `id -u`
# gave inside (root).
userns_init_checks() {
	local prefix=$1 pid=$2 inside=$3 uid='' gid='' map=''
	if [[ $pid =~ ^[1-9][0-9]*$ ]] && [ -r "/proc/$pid/status" ]; then
		uid=$(awk '$1 == "Uid:" {print $2}' "/proc/$pid/status")
		gid=$(awk '$1 == "Gid:" {print $2}' "/proc/$pid/status")
		map=$(tr -s ' ' <"/proc/$pid/uid_map" | sed 's/^ //')
	fi
	if in_pool "$uid" && in_pool "$gid" && [ "$map" = "0 $uid 65536" ] && [ "$inside" = 0 ]; then
		ok "${prefix}_init_is_root_inside_and_a_pool_uid_on_the_host"
	else
		not_ok "${prefix}_init_is_root_inside_and_a_pool_uid_on_the_host" \
			"pid '$pid': host uid '$uid' gid '$gid', uid_map '$map', id -u inside '$inside'" \
			"expected: ids in $USERNS_POOL_START+$USERNS_POOL_COUNT, uid_map '0 <uid> 65536', 0 inside"
	fi
}

# is_or_todo NAME GOT EXPECTED [REASON]: `is`, except that with a REASON (a known limitation
# of this mode) a failure is a TAP TODO (automake counts it XFAIL, and a pass XPASS, which
# fails the run: then the limitation is gone and the REASON must go too).
is_or_todo() {
	if [ -z "${4:-}" ]; then
		is "$1" "$2" "$3"
		return
	fi
	TAP_N=$((TAP_N + 1))
	if [ "$2" = "$3" ]; then echo "ok $TAP_N - $1 # TODO $4"; else echo "not ok $TAP_N - $1 # TODO $4"; fi
	diag "got:      '$2'" "expected: '$3'"
}
