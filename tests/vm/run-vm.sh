#!/bin/bash
# Boots Debian's cloud kernel under qemu (TCG) with pure cgroup v2 and AppArmor, runs
# tests/vm/guest-tests.sh inside against the ward under test, and prints the guest's TAP output
# on stdout. Installs nothing. Exits 0 only when the guest produced a complete result
# (its TAP between the begin and end markers); the console log is kept for a failed run.
# Environment: WARD (the ward binary), WARD_HELPERS (the directory with the static probe),
#   WARD_TEST_WORK (where the initramfs is cached; default a directory under $TMPDIR),
#   WARD_VM_TIMEOUT (seconds, default 180), WARD_VM_KERNEL (a vmlinuz to use instead).
# Exit status: 0 complete, 1 incomplete or failed run, 2 a missing prerequisite (its message
# names the package to install).
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
: "${WARD:?WARD must point at the ward binary}"
: "${WARD_HELPERS:?WARD_HELPERS must point at the directory of the test helpers}"
: "${WARD_VM_TIMEOUT:=180}"
work=${WARD_TEST_WORK:-${TMPDIR:-/tmp}/ward-tests}/vm
BEGIN_MARK=WARD-VM-TAP-BEGIN
END_MARK=WARD-VM-TAP-END

missing() { # missing WHAT PACKAGE
	echo "run-vm: $1 is missing: install the package $2 (contrib/test installs it)" >&2
	exit 2
}

qemu=$(command -v qemu-system-x86_64) || missing qemu-system-x86_64 qemu-system-x86
kernel=${WARD_VM_KERNEL:-}
if [ -z "$kernel" ]; then
	kernel=$(printf '%s\n' /boot/vmlinuz-*-cloud-amd64 | grep -v '\*' | sort -V | tail -n 1)
	[ -n "$kernel" ] || missing "Debian's cloud kernel (/boot/vmlinuz-*-cloud-amd64)" linux-image-cloud-amd64
fi
[ -r "$kernel" ] || {
	echo "run-vm: cannot read $kernel" >&2
	exit 2
}
command -v cpio >/dev/null || missing cpio cpio
PATH=$PATH:/usr/sbin:/sbin command -v apparmor_parser >/dev/null || missing apparmor_parser apparmor
command -v busybox >/dev/null || missing busybox busybox-static
command -v jq >/dev/null || missing jq jq

# The initramfs is cached under a key made of the checksums of everything that goes into it.
inputs() {
	local prog
	echo "$here/build-initramfs.sh" "$here/guest-tests.sh" "$WARD_HELPERS/probe"
	for prog in "$WARD" "$(command -v busybox)" "$(PATH=$PATH:/usr/sbin:/sbin command -v apparmor_parser)" \
		"$(command -v jq)"; do
		echo "$prog"
		ldd "$prog" 2>/dev/null | awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\// {print $1}'
	done
}
key=$(inputs | sort -u | xargs -r sha256sum -- 2>/dev/null | awk '{print $1}' | sha256sum | cut -c1-16)
[ -n "$key" ] || {
	echo "run-vm: cannot checksum the inputs" >&2
	exit 1
}
mkdir -p "$work" || exit 1
initrd=$work/initramfs-$key/initramfs.cpio.gz
(
	flock 9
	if [ ! -s "$initrd" ]; then
		rm -rf "$work"/initramfs-*
		tmp=$(mktemp -d "$work/build.XXXXXX") || exit 1
		if ! "$here/build-initramfs.sh" "$tmp" >/dev/null; then
			rm -rf "$tmp"
			exit 1
		fi
		mv "$tmp" "$work/initramfs-$key"
	fi
) 9>"$work/.lock" || {
	echo "run-vm: building the initramfs failed" >&2
	exit 1
}

log=$(mktemp "$work/console.XXXXXX.log")
start=$(date +%s.%N)
timeout -k 5 "$WARD_VM_TIMEOUT" "$qemu" -accel tcg,thread=multi -cpu max -m 2048 -smp 1 \
	-nographic -no-reboot -nic none -monitor none -serial stdio \
	-kernel "$kernel" -initrd "$initrd" \
	-append "console=ttyS0 quiet panic=-1 cgroup_no_v1=all apparmor=1 security=apparmor" \
	</dev/null >"$log" 2>&1
qrc=$?
end=$(date +%s.%N)

# The console speaks CRLF; keep only what lies between the markers.
tap=$(tr -d '\r' <"$log" | awk -v b="$BEGIN_MARK" -v e="$END_MARK" '
	index($0, b) { inside = 1; next }
	index($0, e) { inside = 0; next }
	inside { print }')
[ -n "$tap" ] && printf '%s\n' "$tap"
# Complete: the end marker with the payload's status 0, and as many results as the plan says.
complete=0
planned=$(printf '%s\n' "$tap" | sed -n 's/^1\.\.\([0-9][0-9]*\)$/\1/p' | head -n 1)
results=$(printf '%s\n' "$tap" | grep -cE '^(not )?ok [0-9]+')
if tr -d '\r' <"$log" | grep -q "$END_MARK rc=0\$" && [ -n "$planned" ] && [ "$results" = "$planned" ]; then
	complete=1
fi
secs=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }')
if [ "$complete" = 1 ] && [ "$qrc" = 0 ]; then
	echo "run-vm: the VM ran for ${secs}s" >&2
	rm -f "$log"
	exit 0
fi
if [ "$qrc" = 124 ] || [ "$qrc" = 137 ]; then
	echo "run-vm: the VM did not finish within ${WARD_VM_TIMEOUT}s" >&2
else
	echo "run-vm: the VM produced no complete result ($results of ${planned:-?} results, qemu exit status $qrc, ${secs}s)" >&2
fi
echo "run-vm: console log kept in $log; its last lines:" >&2
tr -d '\r' <"$log" | tail -n 20 | sed 's/^/run-vm:   /' >&2
exit 1
