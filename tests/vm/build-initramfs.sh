#!/bin/bash
# Builds the initramfs of the "real kernel" VM (tests/vm/run-vm.sh) into DIR/initramfs.cpio.gz:
#   busybox-static and its applet links, the ward under test ($WARD) with the shared libraries
#   ldd lists and the dynamic loader, apparmor_parser and jq with theirs, a busybox root
#   filesystem for containers (with the static helper $WARD_HELPERS/probe), the test payload
#   (tests/vm/guest-tests.sh) and an /init that prepares a kernel with pure cgroup v2 and
#   AppArmor, runs the payload and powers the machine off.
# Usage: WARD=/path/to/ward WARD_HELPERS=/path/to/helpers tests/vm/build-initramfs.sh DIR
# Needs no root: the cpio archive is written with owner root (cpio -R 0:0).
set -euo pipefail

die() {
	echo "build-initramfs: $*" >&2
	exit 1
}

[ $# -eq 1 ] || die "usage: $0 OUTPUT-DIR"
out=$1
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
: "${WARD:?WARD must point at the ward binary}"
: "${WARD_HELPERS:?WARD_HELPERS must point at the directory of the test helpers (probe)}"

[ -x "$WARD" ] || die "$WARD is not an executable"
[ -x "$WARD_HELPERS/probe" ] || die "$WARD_HELPERS/probe is missing (make check builds it)"
[ -f "$here/guest-tests.sh" ] || die "$here/guest-tests.sh is missing"
busybox=$(command -v busybox) || die "busybox is not installed (package busybox-static)"
# The initramfs needs a static busybox: nothing else provides its /init's shell.
if ldd "$busybox" >/dev/null 2>&1; then
	die "$busybox is dynamically linked; install busybox-static"
fi
parser=$(PATH=$PATH:/usr/sbin:/sbin command -v apparmor_parser) ||
	die "apparmor_parser is not installed (package apparmor)"
jq=$(command -v jq) || die "jq is not installed (package jq)"
command -v cpio >/dev/null || die "cpio is not installed (package cpio)"

mkdir -p "$out"
stage=$(mktemp -d "$out/stage.XXXXXX")
trap 'rm -rf "$stage"' EXIT

# copy_bin SRC DEST: a program and, when it is dynamic, every library ldd lists plus the loader,
# each at the path ldd gives (the loader's path is compiled into the program).
copy_bin() {
	local src=$1 dest=$2 lib
	install -D -m 0755 "$src" "$stage$dest"
	ldd "$src" >/dev/null 2>&1 || return 0 # static
	for lib in $(ldd "$src" | awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\// {print $1}'); do
		[ -e "$stage$lib" ] && continue
		mkdir -p "$stage$(dirname "$lib")"
		cp -L "$lib" "$stage$lib"
	done
}

# busybox_tree ROOT: busybox with a link for every applet, at the paths busybox names.
busybox_tree() {
	local root=$1 applet
	install -D -m 0755 "$busybox" "$root/bin/busybox"
	for applet in $("$busybox" --list-full); do
		[ "$applet" = bin/busybox ] && continue
		mkdir -p "$root/$(dirname "$applet")"
		ln -sf /bin/busybox "$root/$applet"
	done
}

# The guest's own root: busybox, ward, apparmor_parser, jq.
busybox_tree "$stage"
mkdir -p "$stage"/{proc,sys,dev,tmp,run,etc,root,var/log,mnt,newroot}
copy_bin "$WARD" /usr/local/bin/ward
copy_bin "$parser" /sbin/apparmor_parser
copy_bin "$jq" /usr/bin/jq
echo 'root:x:0:0:root:/root:/bin/sh' >"$stage/etc/passwd"
echo 'root:x:0:' >"$stage/etc/group"
mkdir -p "$stage/etc/apparmor"
: >"$stage/etc/apparmor/parser.conf"

# The root filesystem of the test containers.
rootfs=$stage/containers/rootfs
mkdir -p "$rootfs"/{bin,proc,sys,dev,etc,tmp,root}
busybox_tree "$rootfs"
install -m 0755 "$WARD_HELPERS/probe" "$rootfs/bin/probe"
echo 'root:x:0:0:root:/root:/bin/sh' >"$rootfs/etc/passwd"
echo 'root:x:0:' >"$rootfs/etc/group"
echo 'ward-secret-content' >"$rootfs/etc/secret"
echo 'ward-public-content' >"$rootfs/etc/public"
chmod 1777 "$rootfs/tmp"

# The payload and what it needs to know about ward's conversions.
install -D -m 0755 "$here/guest-tests.sh" "$stage/tests/guest-tests.sh"
install -D -m 0644 "$here/../../contrib/apparmor/ward-default" "$stage/tests/ward-default"
# brd (a RAM disk) gives io.max a block device to limit; the cloud kernel has it as a module.
brd=$(ls /lib/modules/"$(basename "$(printf '%s\n' /boot/vmlinuz-*-cloud-amd64 | sort -V | tail -n 1)" | sed 's/^vmlinuz-//')"/kernel/drivers/block/brd.ko* 2>/dev/null | head -n 1)
[ -n "$brd" ] || die "brd.ko of the cloud kernel is missing (package linux-image-cloud-amd64)"
install -D -m 0644 "$brd" "$stage/tests/brd.ko"
# busybox awk has no floating point: the expected crun weight of cpu.shares 2048, from the
# formula of cgroup_shares_to_weight in src/linux/cgroup_resources.c, is computed here.
awk 'BEGIN {
	l = log(2048) / log(2)
	w = exp(((l * l + 125 * l) / 612 - 7 / 34) * log(10))
	c = int(w)
	if (c < w) c++
	print "WEIGHT_2048=" c
}' >"$stage/tests/expected.env"
grep -qx 'WEIGHT_2048=[0-9][0-9]*' "$stage/tests/expected.env" || die "awk cannot compute the weight"

cat >"$stage/init" <<'EOF'
#!/bin/sh
# Stage 1 runs from the initramfs, where pivot_root fails (EINVAL): it copies the whole tree
# onto a tmpfs and switch_roots to it. Stage 2 (this same file, on the tmpfs) mounts cgroup2
# and securityfs, runs the payload and powers off.
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
if [ ! -e /.ward-stage2 ]; then
	mount -t proc -o nosuid,nodev,noexec proc /proc
	mount -t sysfs -o nosuid,nodev,noexec sysfs /sys
	mount -t devtmpfs -o nosuid,mode=0755 devtmpfs /dev
	exec </dev/console >/dev/console 2>&1
	mount -t tmpfs -o nosuid,nodev,mode=1777 tmpfs /tmp
	mount -t tmpfs -o nosuid,nodev,mode=0755 tmpfs /run
	# Kernel messages (an OOM kill reports itself at error level) must not interleave with
	# the TAP output on the console.
	echo 1 >/proc/sys/kernel/printk
	mount -t tmpfs -o mode=0755 tmpfs /newroot
	for entry in /* /.[!.]*; do
		[ -e "$entry" ] || [ -L "$entry" ] || continue
		case $entry in
		/proc | /sys | /dev | /tmp | /run | /newroot) mkdir -p "/newroot$entry" ;;
		*) cp -a "$entry" /newroot/ ;;
		esac
	done
	touch /newroot/.ward-stage2
	for m in /proc /sys /dev /tmp /run; do
		mount --move "$m" "/newroot$m"
	done
	exec switch_root /newroot /init
	echo "WARD-VM: switch_root failed"
	poweroff -f
fi

fail() {
	echo "WARD-VM-TAP-BEGIN"
	echo "Bail out! $*"
	echo "WARD-VM-TAP-END rc=1"
	poweroff -f
}
mount -t cgroup2 -o nosuid,nodev,noexec cgroup2 /sys/fs/cgroup || fail "mount cgroup2"
for c in $(cat /sys/fs/cgroup/cgroup.controllers); do
	echo "+$c" >/sys/fs/cgroup/cgroup.subtree_control || fail "enable the $c controller"
done
mount -t securityfs -o nosuid,nodev,noexec securityfs /sys/kernel/security || fail "mount securityfs"
mkdir -p /dev/pts /dev/shm /dev/mqueue
mount -t devpts -o newinstance,ptmxmode=0666 devpts /dev/pts
mount -t tmpfs -o nosuid,nodev,mode=1777 shm /dev/shm
mount -t mqueue mqueue /dev/mqueue
ip link set lo up 2>/dev/null
hostname ward-vm

echo
echo "WARD-VM-TAP-BEGIN"
sh /tests/guest-tests.sh 2>&1
rc=$?
echo "WARD-VM-TAP-END rc=$rc"
sync
poweroff -f
EOF
chmod 0755 "$stage/init"

(cd "$stage" && find . -mindepth 1 | LC_ALL=C sort | cpio --quiet -o -H newc -R 0:0) |
	gzip -1 >"$out/initramfs.cpio.gz.tmp"
mv "$out/initramfs.cpio.gz.tmp" "$out/initramfs.cpio.gz"
echo "$out/initramfs.cpio.gz"
