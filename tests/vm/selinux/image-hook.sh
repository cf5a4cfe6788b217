#!/bin/bash
# The SELinux tier's part of its image (tests/vm/systemd/build-image.sh runs it as
# WARD_SDVM_IMAGE_HOOK on the debootstrapped tree, as root, before the tree becomes the ext4
# image). It
#   - builds the tier's policy module (policy/) with the image's own selinux-policy-dev and
#     installs it in the image's policy store,
#   - makes the image boot enforcing Debian's "default" policy (the kernel command line of
#     run-vm.sh selects SELinux),
#   - runs the tier's units (the payload's setup and tests) unconfined_t, with the payload disk
#     mounted under a context they may execute,
#   - labels every file of the tree from the policy's file contexts, here at build time: a
#     relabel at the first boot under emulation would cost minutes and a reboot. This machine's
#     kernel need not run SELinux: as root it stores the security.selinux attributes as they
#     are, and mkfs.ext4 -d copies them into the image (checked below).
# Usage: image-hook.sh ROOT
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=${1:?usage: image-hook.sh ROOT}

die() {
	echo "image-hook: $*" >&2
	exit 1
}

# ---- the policy module, built and installed with the image's tools ---------------------------
build=$root/tmp/wardtest-policy
rm -rf "$build"
mkdir -p "$build"
cp "$here"/policy/wardtest.te "$here"/policy/wardtest.fc "$here"/policy/wardtest.if "$build/"
chroot "$root" make -s -C /tmp/wardtest-policy -f /usr/share/selinux/devel/Makefile wardtest.pp >&2 ||
	die "building the policy module failed"
chroot "$root" semodule -s default -i /tmp/wardtest-policy/wardtest.pp >&2 ||
	die "installing the policy module failed"
rm -rf "$build"
chroot "$root" semodule -s default -l | grep -qx wardtest || die "the policy module is not installed"

# ---- enforcing at boot --------------------------------------------------------------------
printf 'SELINUX=enforcing\nSELINUXTYPE=default\n' >"$root/etc/selinux/config"
rm -f "$root/.autorelabel"

# ---- the tier's units run unconfined_t, as an administrator's login; the payload under bin_t ----------------------
# ExecStartPre mounts the payload first (the units' own mount then finds it mounted): its ext4
# file system is made without labels, which the kernel would show as unlabeled_t.
for unit in ward-sdvm-setup.service ward-sdvm-tests.service; do
	mkdir -p "$root/etc/systemd/system/$unit.d"
	cat >"$root/etc/systemd/system/$unit.d/selinux.conf" <<'UNIT'
[Service]
SELinuxContext=unconfined_u:unconfined_r:unconfined_t:s0-s0:c0.c1023
ExecStartPre=/bin/sh -c 'mountpoint -q /ward || mount -o ro,nosuid,nodev,context=system_u:object_r:bin_t:s0 -L ward-payload /ward'
UNIT
done

# ---- the labels ----------------------------------------------------------------------------
# setfiles labels through /proc/self/fd: a procfs in the tree, in build-image.sh's private mount
# namespace, for as long as it runs.
fc=/etc/selinux/default/contexts/files/file_contexts
mount -t proc proc "$root/proc" || die "cannot mount a procfs on $root/proc"
trap 'umount "$root/proc" 2>/dev/null' EXIT
rc=0
chroot "$root" setfiles -F -e /proc -e /sys "$fc" / >&2 || rc=$?
umount "$root/proc"
trap - EXIT
[ "$rc" = 0 ] || die "setfiles failed"
label=$(stat -c %C "$root/lib/systemd/systemd" 2>/dev/null)
case $label in
*:init_exec_t:*) echo "image-hook: labelled (/lib/systemd/systemd: $label)" >&2 ;;
*) die "the labels did not stick: /lib/systemd/systemd is '$label', expected init_exec_t" ;;
esac
