#!/bin/bash
# Where users run containers: a whole Debian 12 system (systemd as PID 1, pure cgroup v2 with
# nsdelegate, AppArmor) booted under qemu (tests/vm/systemd/run-vm.sh), with Docker, containerd,
# Podman (root and rootless, a lingering user session) and buildah at their defaults, the
# systemd cgroup driver among them, and the ward under test as their runtime. Re-emits, as this
# script's own test points, the results of tests/vm/systemd/guest/tests.sh, which checks each case
# from inside the container and from systemd (the scope unit and its cgroup files).
# The image is built once (debootstrap from Debian's archive, as root) and cached under
# /var/tmp/ward-sdvm (WARD_SDVM_CACHE); ward is copied in for each run.
# WARD_SDVM_RUNTIME=runc runs the same tests with runc, the image's own, to prove the tests.
# The plan is the guest's fixed plan, so a VM that produced fewer results fails. A missing
# prerequisite, or an image that cannot be built, is a failure ("Bail out!"), never a skip.
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/lib/tap.sh"
: "${WARD:?WARD must point at the ward binary (make check sets it)}"
: "${WARD_HELPERS:?WARD_HELPERS must point at the test helpers (make check sets it)}"
: "${WARD_TEST_WORK:=${TMPDIR:-/tmp}/ward-tests}"
: "${WARD_SDVM_RUNTIME:=ward}"
export WARD WARD_HELPERS WARD_TEST_WORK WARD_SDVM_RUNTIME
# Another VM tier on the same machinery (selinux-vm.sh) names its directory and its results.
sdvm=${WARD_VM_TIER_DIR:-${WARD_SRCDIR:-$here/../..}/tests/vm/systemd}
name=${WARD_VM_TIER_NAME:-systemd-vm}

bail() {
	echo "Bail out! $*"
	exit 1
}

PLAN=$(sed -n 's/^PLAN=\([0-9][0-9]*\)$/\1/p' "$sdvm/guest/tests.sh")
[ -n "$PLAN" ] || bail "no PLAN=N line in $sdvm/guest/tests.sh"
plan "$PLAN"

mkdir -p "$WARD_TEST_WORK"
errlog=$(mktemp "$WARD_TEST_WORK/sdvm-stderr.XXXXXX")
trap 'rm -f "$errlog"' EXIT
guest=$("$sdvm/run-vm.sh" 2>"$errlog")
rc=$?
[ "$rc" = 2 ] && bail "$(tr '\n' ' ' <"$errlog")"

# The guest's results, in order, under this script's numbering; its diagnostics pass through.
while IFS= read -r line; do
	case $line in
	"ok "* | "not ok "*)
		[ "$TAP_N" -lt "$PLAN" ] || {
			diag "extra guest result: $line"
			continue
		}
		status=${line%%ok *}ok
		rest=$(printf '%s\n' "$line" | sed -E 's/^(not )?ok [0-9]+ ?(- )?//')
		TAP_N=$((TAP_N + 1))
		[ "$status" = ok ] || TAP_FAILED=$((TAP_FAILED + 1))
		echo "$status $TAP_N - $name ($WARD_SDVM_RUNTIME): $rest"
		;;
	"#"*) echo "$line" ;;
	"1.."*) [ "$line" = "1..$PLAN" ] || diag "the guest planned ${line#1..} tests, this script $PLAN" ;;
	"Bail out!"*) diag "guest: $line" ;;
	*) [ -n "$line" ] && diag "guest: $line" ;;
	esac
done <<<"$guest"

if [ "$TAP_N" -lt "$PLAN" ]; then
	first=1
	while [ "$TAP_N" -lt "$PLAN" ]; do
		if [ "$first" = 1 ]; then
			mapfile -t why <"$errlog"
			not_ok "$name: guest result $((TAP_N + 1)) is missing (run-vm.sh exit status $rc)" "${why[@]}"
			first=0
		else
			not_ok "$name: guest result $((TAP_N + 1)) is missing"
		fi
	done
else
	diag "$(cat "$errlog")"
fi
# The verdict is in the TAP lines above (a missing guest result is a "not ok"), not the status.
exit 0
