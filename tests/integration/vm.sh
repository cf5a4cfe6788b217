#!/bin/bash
# A real kernel with every cgroup v2 controller and AppArmor: boots Debian's cloud kernel under
# qemu (tests/vm/run-vm.sh) and re-emits, as this script's own test points, the results of
# tests/vm/guest-tests.sh, which starts containers with the ward under test inside the VM:
# memory/pids/cpu/cpuset/unified limits and their effect (OOM kill, fork failure), pause and
# resume, update, events --stats, AppArmor profiles, no cgroup left behind.
# The plan is the guest's fixed plan, so a VM that produced fewer results fails. A missing qemu
# or cloud kernel is a failure ("Bail out!"), never a skip: contrib/test installs them.
# Needs no root (the containers run as root inside the VM).
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/lib/tap.sh"
: "${WARD:?WARD must point at the ward binary (make check sets it)}"
: "${WARD_HELPERS:?WARD_HELPERS must point at the test helpers (make check sets it)}"
: "${WARD_TEST_WORK:=${TMPDIR:-/tmp}/ward-tests}"
export WARD WARD_HELPERS WARD_TEST_WORK
vm=${WARD_SRCDIR:-$here/../..}/tests/vm

bail() {
	echo "Bail out! $*"
	exit 1
}
needs() { # needs PROGRAM PACKAGE
	PATH=$PATH:/usr/sbin:/sbin command -v "$1" >/dev/null ||
		bail "$1 is not installed: install the package $2 (contrib/test installs it)"
}
needs qemu-system-x86_64 qemu-system-x86
compgen -G '/boot/vmlinuz-*-cloud-amd64' >/dev/null ||
	bail "Debian's cloud kernel (/boot/vmlinuz-*-cloud-amd64) is not installed: install the package linux-image-cloud-amd64 (contrib/test installs it)"
needs apparmor_parser apparmor
needs cpio cpio
needs busybox busybox-static
needs jq jq
[ -x "$WARD_HELPERS/probe" ] || bail "$WARD_HELPERS/probe is missing (make check builds it)"

PLAN=$(sed -n 's/^PLAN=\([0-9][0-9]*\)$/\1/p' "$vm/guest-tests.sh")
[ -n "$PLAN" ] || bail "no PLAN=N line in $vm/guest-tests.sh"
plan "$PLAN"

mkdir -p "$WARD_TEST_WORK"
errlog=$(mktemp "$WARD_TEST_WORK/vm-stderr.XXXXXX")
trap 'rm -f "$errlog"' EXIT
guest=$("$vm/run-vm.sh" 2>"$errlog")
rc=$?
[ "$rc" = 2 ] && bail "$(grep -m1 'install the package' "$errlog" || cat "$errlog")"

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
		echo "$status $TAP_N - vm: $rest"
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
			not_ok "vm: guest result $((TAP_N + 1)) is missing (run-vm.sh exit status $rc)" "${why[@]}"
			first=0
		else
			not_ok "vm: guest result $((TAP_N + 1)) is missing"
		fi
	done
elif [ "$rc" != 0 ]; then
	diag "run-vm.sh exit status $rc" "$(cat "$errlog")"
else
	diag "$(cat "$errlog")"
fi
# The verdict is in the TAP lines above (a missing guest result is a "not ok"), not the status.
exit 0
