#!/bin/bash
# Boots the systemd tier's Debian 12 image (build-image.sh; built once and cached) under qemu
# (TCG) with Debian's cloud kernel: systemd as PID 1, pure cgroup v2, AppArmor. The runtime under
# test and the guest scripts reach it on a second disk made for each run; guest/setup.sh
# installs them before the engines start, guest/tests.sh runs the tests and writes its TAP to the
# second serial port, which this script prints on stdout. Exits 0 only when the guest produced a
# complete result (its TAP between the begin and end markers, as many results as its plan);
# the console log is kept for a failed run.
# Environment:
#   WARD             the ward binary under test (copied in for each run)
#   WARD_HELPERS     the directory of the test helpers (the static probe goes into the images)
#   WARD_SDVM_RUNTIME  ward (default) or runc: runc, installed in the image, stands in for ward
#                    in every engine, to show that each test passes with the reference runtime
#   WARD_SDVM_CACHE  where the image is cached (default /var/tmp/ward-sdvm), keyed by the
#                    checksums of packages.list and build-image.sh and the kernel's version
#   WARD_SDVM_TIMEOUT  seconds for the whole VM run (default 1500)
#   WARD_SDVM_SMP, WARD_SDVM_MEM  vCPUs (default 1: two TCG vCPUs on a busy two-core host
#                    have run into soft lockups) and MiB of memory (default 3072)
#   WARD_SDVM_KERNEL a cloud vmlinuz to use instead of the newest in /boot
#   WARD_TEST_WORK   where the payload disk and the logs of a run go
# For another tier's image and tests (tests/vm/selinux/run-vm.sh sets them):
#   WARD_SDVM_PACKAGES, WARD_SDVM_IMAGE_HOOK  the package list and the image hook
#                    (build-image.sh), WARD_SDVM_IMAGE_INPUTS more files the image is built
#                    from (all of them key the cache), WARD_SDVM_GUEST the guest scripts'
#                    directory, WARD_SDVM_LSM the kernel's LSM arguments
# Exit status: 0 complete, 1 incomplete or failed run, 2 a missing prerequisite or an image that
# cannot be built (the message says which package to install or why the build failed).
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
: "${WARD:?WARD must point at the ward binary}"
: "${WARD_HELPERS:?WARD_HELPERS must point at the directory of the test helpers}"
: "${WARD_SDVM_RUNTIME:=ward}"
: "${WARD_SDVM_CACHE:=/var/tmp/ward-sdvm}"
: "${WARD_SDVM_TIMEOUT:=1500}"
: "${WARD_SDVM_SMP:=1}"
: "${WARD_SDVM_MEM:=3072}"
: "${WARD_SDVM_PACKAGES:=$here/packages.list}"
: "${WARD_SDVM_IMAGE_HOOK:=}"
: "${WARD_SDVM_IMAGE_INPUTS:=}"
: "${WARD_SDVM_GUEST:=$here/guest}"
: "${WARD_SDVM_LSM:=apparmor=1 security=apparmor}"
work=${WARD_TEST_WORK:-${TMPDIR:-/tmp}/ward-tests}/sdvm
BEGIN_MARK=WARD-SDVM-TAP-BEGIN
END_MARK=WARD-SDVM-TAP-END
PATH=$PATH:/usr/sbin:/sbin

say() { echo "run-vm: $*" >&2; }
missing() { # missing WHAT PACKAGE
	say "$1 is missing: install the package $2 (contrib/test installs it)"
	exit 2
}

case $WARD_SDVM_RUNTIME in
ward | runc) ;;
*)
	say "WARD_SDVM_RUNTIME must be ward or runc, not '$WARD_SDVM_RUNTIME'"
	exit 2
	;;
esac
qemu=$(command -v qemu-system-x86_64) || missing qemu-system-x86_64 qemu-system-x86
command -v mkfs.ext4 >/dev/null || missing mkfs.ext4 e2fsprogs
command -v debootstrap >/dev/null || missing debootstrap debootstrap
command -v flock >/dev/null || missing flock util-linux
kernel=${WARD_SDVM_KERNEL:-$(printf '%s\n' /boot/vmlinuz-*-cloud-amd64 | grep -v '\*' | sort -V | tail -n 1)}
[ -n "$kernel" ] && [ -r "$kernel" ] ||
	missing "Debian's cloud kernel (/boot/vmlinuz-*-cloud-amd64)" linux-image-cloud-amd64
kver=$(basename "$kernel" | sed 's/^vmlinuz-//')
initrd=/boot/initrd.img-$kver
[ -r "$initrd" ] || missing "the cloud kernel's initrd ($initrd; virtio_blk is a module)" "linux-image-$kver"
[ -x "$WARD" ] || {
	say "$WARD is not an executable"
	exit 2
}
[ -x "$WARD_HELPERS/probe" ] || {
	say "$WARD_HELPERS/probe is missing (make check builds it)"
	exit 2
}

# ---- the image: built once per package list, build script and kernel -----------------------
key=$( (
	# shellcheck disable=SC2086 # WARD_SDVM_IMAGE_INPUTS is a list of files
	sha256sum "$WARD_SDVM_PACKAGES" "$here/build-image.sh" $WARD_SDVM_IMAGE_HOOK $WARD_SDVM_IMAGE_INPUTS |
		awk '{print $1}'
	echo "$kver"
) | sha256sum | cut -c1-16)
mkdir -p "$WARD_SDVM_CACHE" || exit 2
image_dir=$WARD_SDVM_CACHE/image-$key
image=$image_dir/disk.img
(
	flock 9
	[ -s "$image" ] && exit 0
	[ "$(id -u)" = 0 ] || {
		say "the image $image is not built yet and building it takes root (debootstrap)"
		exit 2
	}
	say "building the image (debootstrap; a few minutes) into $image_dir"
	start=$SECONDS
	rm -rf "$image_dir"
	WARD_SDVM_KERNEL=$kernel WARD_SDVM_PACKAGES=$WARD_SDVM_PACKAGES WARD_SDVM_IMAGE_HOOK=$WARD_SDVM_IMAGE_HOOK \
		"$here/build-image.sh" "$image_dir" >/dev/null || {
		say "building the image failed (see the lines above; Debian's archive must be reachable)"
		exit 2
	}
	say "built the image in $((SECONDS - start))s"
	# Only the current image is kept: an old one is several hundred MB.
	for old in "$WARD_SDVM_CACHE"/image-*; do
		[ "$old" = "$image_dir" ] || rm -rf "$old"
	done
) 9>"$WARD_SDVM_CACHE/.lock" || exit 2

# ---- the payload disk: the runtime under test and the guest scripts -------------------------
mkdir -p "$work" || exit 1
payload_dir=$(mktemp -d "$work/payload.XXXXXX") || exit 1
payload=$work/payload.$$.img
log=$work/console.$$.log
tapfile=$work/tap.$$.log
trap 'rm -rf "$payload_dir" "$payload"' EXIT
install -D -m 0755 "$WARD" "$payload_dir/bin/ward" &&
	install -D -m 0644 "$here/../../../seccomp-profiles/default.json" "$payload_dir/seccomp/default.json" &&
	install -D -m 0755 "$WARD_HELPERS/probe" "$payload_dir/bin/probe" &&
	cp -r "$WARD_SDVM_GUEST" "$payload_dir/guest" &&
	printf 'WARD_SDVM_RUNTIME=%s\n' "$WARD_SDVM_RUNTIME" >"$payload_dir/env" || {
	say "cannot stage the payload"
	exit 1
}
truncate -s 64M "$payload" && mkfs.ext4 -q -F -L ward-payload -d "$payload_dir" "$payload" || {
	say "mkfs.ext4 -d of the payload failed"
	exit 1
}

# ---- the run ------------------------------------------------------------------------------
: >"$tapfile"
start=$(date +%s.%N)
# snapshot=on: the guest's writes go to a temporary file, the cached image stays as built.
timeout -k 10 "$WARD_SDVM_TIMEOUT" "$qemu" -accel tcg,thread=multi -cpu max \
	-m "$WARD_SDVM_MEM" -smp "$WARD_SDVM_SMP" -display none -no-reboot -nic none -monitor none \
	-kernel "$kernel" -initrd "$initrd" \
	-append "console=ttyS0 root=/dev/vda rw loglevel=4 systemd.show_status=1 panic=-1 $WARD_SDVM_LSM" \
	-drive file="$image",if=virtio,format=raw,snapshot=on \
	-drive file="$payload",if=virtio,format=raw,readonly=on \
	-chardev file,id=console,path="$log" -serial chardev:console \
	-chardev file,id=tap,path="$tapfile" -serial chardev:tap \
	</dev/null >>"$log" 2>&1
qrc=$?
end=$(date +%s.%N)

# The serial port speaks CRLF; keep only what lies between the markers.
tap=$(tr -d '\r' <"$tapfile" | awk -v b="$BEGIN_MARK" -v e="$END_MARK" '
	index($0, b) { inside = 1; next }
	index($0, e) { inside = 0; next }
	inside { print }')
[ -n "$tap" ] && printf '%s\n' "$tap"
complete=0
planned=$(printf '%s\n' "$tap" | sed -n 's/^1\.\.\([0-9][0-9]*\)$/\1/p' | head -n 1)
results=$(printf '%s\n' "$tap" | grep -cE '^(not )?ok [0-9]+')
if tr -d '\r' <"$tapfile" | grep -q "^$END_MARK rc=[0-9]*\$" && [ -n "$planned" ] &&
	[ "$results" = "$planned" ]; then
	complete=1
fi
secs=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.0f", b - a }')
if [ "$complete" = 1 ]; then
	say "the VM ran for ${secs}s ($WARD_SDVM_RUNTIME, -smp $WARD_SDVM_SMP)"
	rm -f "$log" "$tapfile"
	exit 0
fi
if [ "$qrc" = 124 ] || [ "$qrc" = 137 ]; then
	say "the VM did not finish within ${WARD_SDVM_TIMEOUT}s"
else
	say "the VM produced no complete result ($results of ${planned:-?} results, qemu exit status $qrc, ${secs}s)"
fi
say "console log kept in $log, the guest's TAP in $tapfile; the console's last lines:"
tr -d '\r' <"$log" | tail -n 30 | sed 's/^/run-vm:   /' >&2
exit 1
