#!/bin/bash
# Builds the Debian 12 system image of the systemd tier (tests/vm/systemd/run-vm.sh) into
# DIR/disk.img: debootstrap of the packages in packages.list from Debian's archive (the mirror
# this machine's apt uses), the modules of the host's cloud kernel (the VM boots that kernel), and
# what makes the image boot into the tests without anyone at the console:
#   - a fixed machine-id (an empty one would make every boot a "first boot" that presets units),
#   - /etc/fstab with the root (/dev/vda); the payload disk (LABEL=ward-payload, made for each
#     run by run-vm.sh: the ward under test and the guest scripts) is mounted at /ward by the
#     units below,
#   - an ordinary user, wardtest, lingering (logind starts its systemd user manager at boot) and
#     given the controllers Podman's rootless mode needs in its delegated cgroup,
#   - two units: ward-sdvm-setup.service runs /ward/guest/setup.sh before the engines start (it
#     installs the runtime under test and writes their configuration), ward-sdvm-tests.service
#     runs /ward/guest/tests.sh once the system is up, its TAP on the second serial port
#     (/dev/ttyS1), and powers the machine off.
# Nothing in the image depends on ward: it is rebuilt only when this script, packages.list or the
# host's cloud kernel change (run-vm.sh keys its cache on them).
# Usage (as root): tests/vm/systemd/build-image.sh DIR
# Environment: WARD_SDVM_MIRROR (default: the first Debian URI of this machine's apt sources),
#   WARD_SDVM_SUITE (default bookworm), WARD_SDVM_KERNEL (a vmlinuz, default the newest
#   /boot/vmlinuz-*-cloud-amd64), WARD_SDVM_DEB_CACHE (debootstrap's download cache, default
#   DIR/../debs); for another tier's image (tests/vm/selinux): WARD_SDVM_PACKAGES (the package
#   list, default packages.list here) and WARD_SDVM_IMAGE_HOOK (a script run as `HOOK ROOT` on
#   the configured tree before it is written to the image).
# Host mounts are never touched: debootstrap's /proc and /sys mounts happen in a private mount
# namespace of this script, and the file system is written by mkfs.ext4 -d, without a loop mount.
set -euo pipefail

die() {
	echo "build-image: $*" >&2
	exit 1
}

[ $# -eq 1 ] || die "usage: $0 OUTPUT-DIR"
[ "$(id -u)" = 0 ] || die "debootstrap needs root: run me as root"
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
out=$(mkdir -p "$1" && cd "$1" && pwd)

if [ -z "${WARD_SDVM_PRIVATE_NS:-}" ]; then
	command -v unshare >/dev/null || die "unshare is missing: install the package util-linux"
	exec env WARD_SDVM_PRIVATE_NS=1 unshare -m --propagation private "$0" "$@"
fi

PATH=$PATH:/usr/sbin:/sbin
command -v debootstrap >/dev/null || die "debootstrap is missing: install the package debootstrap"
command -v mkfs.ext4 >/dev/null || die "mkfs.ext4 is missing: install the package e2fsprogs"

mirror=${WARD_SDVM_MIRROR:-}
if [ -z "$mirror" ]; then
	# deb822 sources first (Debian 12's default), then the one-line format.
	mirror=$(cat /etc/apt/sources.list.d/*.sources 2>/dev/null |
		awk '/^URIs:/ && $2 ~ /\/debian\/?$/ {print $2; exit}')
	[ -n "$mirror" ] || mirror=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
		awk '$1 == "deb" && $2 ~ /\/debian\/?$/ {print $2; exit}')
	[ -n "$mirror" ] || die "no Debian archive in this machine's apt sources: set WARD_SDVM_MIRROR"
fi
suite=${WARD_SDVM_SUITE:-bookworm}
kernel=${WARD_SDVM_KERNEL:-$(printf '%s\n' /boot/vmlinuz-*-cloud-amd64 | grep -v '\*' | sort -V | tail -n 1)}
[ -r "$kernel" ] || die "Debian's cloud kernel (/boot/vmlinuz-*-cloud-amd64) is missing: install the package linux-image-cloud-amd64"
kver=$(basename "$kernel" | sed 's/^vmlinuz-//')
[ -d "/lib/modules/$kver" ] || die "/lib/modules/$kver is missing: reinstall the package linux-image-$kver"

list=${WARD_SDVM_PACKAGES:-$here/packages.list}
hook=${WARD_SDVM_IMAGE_HOOK:-}
[ -z "$hook" ] || [ -x "$hook" ] || die "the image hook $hook is not an executable"
packages=$(sed -e 's/#.*//' -e 's/[[:space:]]//g' "$list" | grep -v '^$' | paste -sd, -)
[ -n "$packages" ] || die "$list names no package"

debs=${WARD_SDVM_DEB_CACHE:-$(dirname "$out")/debs}
mkdir -p "$debs"
root=$(mktemp -d "$out/root.XXXXXX")
trap 'rm -rf "$root" "$out/disk.img.tmp"' EXIT

echo "build-image: debootstrap $suite from $mirror" >&2
if ! debootstrap --variant=minbase --include="$packages" --cache-dir="$debs" \
	"$suite" "$root" "$mirror" >"$out/debootstrap.log" 2>&1; then
	tail -n 30 "$out/debootstrap.log" | sed 's/^/build-image:   /' >&2
	die "debootstrap failed (full log: $out/debootstrap.log); is $mirror reachable?"
fi
# Every package must be configured: a half-installed engine would fail every test for a reason
# that has nothing to do with the runtime.
unconfigured=$(chroot "$root" dpkg-query -W -f='${db:Status-Abbrev} ${Package}\n' | awk '$1 != "ii" {print $2}')
[ -z "$unconfigured" ] || die "packages left unconfigured by debootstrap: $unconfigured"

echo "build-image: configuring the image" >&2
mkdir -p "$root/lib/modules"
cp -a "/lib/modules/$kver" "$root/lib/modules/$kver"
echo ward-sdvm >"$root/etc/hostname"
printf '127.0.0.1 localhost\n127.0.1.1 ward-sdvm\n::1 localhost\n' >"$root/etc/hosts"
tr -d '-' </proc/sys/kernel/random/uuid >"$root/etc/machine-id"
echo '/dev/vda / ext4 defaults 0 1' >"$root/etc/fstab"
mkdir -p "$root/ward"
# No login prompt on the console: its lines would only clutter the console log.
ln -sf /dev/null "$root/etc/systemd/system/serial-getty@ttyS0.service"
ln -sf /dev/null "$root/etc/systemd/system/getty@tty1.service"

# The ordinary user of the rootless tests: lingering, so logind starts user@UID.service at boot
# (the state `loginctl enable-linger` writes), and with cpu, cpuset and io delegated besides
# systemd's default memory and pids, as Podman documents for rootless limits.
chroot "$root" useradd --create-home --shell /bin/bash wardtest
mkdir -p "$root/var/lib/systemd/linger"
touch "$root/var/lib/systemd/linger/wardtest"
mkdir -p "$root/etc/systemd/system/user@.service.d"
printf '[Service]\nDelegate=cpu cpuset io memory pids\n' >"$root/etc/systemd/system/user@.service.d/delegate.conf"

# The units mount the payload themselves: its device node exists before systemd starts (the
# initrd loaded virtio_blk for the root), so nothing waits for udev, which a loaded host slows
# down; a missing payload ends the run with a "Bail out!" rather than a hang.
cat >"$root/etc/systemd/system/ward-sdvm-setup.service" <<'EOF'
[Unit]
Description=ward systemd tier: install the runtime under test, configure the engines
After=local-fs.target
Before=docker.service containerd.service ward-sdvm-tests.service

[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/bin/sh -c 'mountpoint -q /ward || mount -o ro,nosuid,nodev -L ward-payload /ward'
ExecStart=/bin/bash /ward/guest/setup.sh

[Install]
WantedBy=multi-user.target
EOF
cat >"$root/etc/systemd/system/ward-sdvm-tests.service" <<'EOF'
[Unit]
Description=ward systemd tier: the tests, TAP on /dev/ttyS1, then power off
After=multi-user.target ward-sdvm-setup.service docker.service containerd.service
SuccessAction=poweroff-force
FailureAction=poweroff-force

[Service]
Type=oneshot
ExecStart=/bin/sh -c 'mountpoint -q /ward || mount -o ro,nosuid,nodev -L ward-payload /ward; \
	[ -f /ward/guest/tests.sh ] && exec /bin/bash /ward/guest/tests.sh; \
	echo WARD-SDVM-TAP-BEGIN; echo "Bail out! no payload at /ward (the disk labelled ward-payload)"; \
	echo "WARD-SDVM-TAP-END rc=1"; exit 1'
StandardOutput=file:/dev/ttyS1
StandardError=inherit

[Install]
WantedBy=multi-user.target
EOF
systemctl --root="$root" enable ward-sdvm-setup.service ward-sdvm-tests.service >/dev/null 2>&1 ||
	die "cannot enable the tier's units"

if [ -n "$hook" ]; then
	echo "build-image: running $hook" >&2
	"$hook" "$root" || die "the image hook $hook failed"
fi

rm -f "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*_* 2>/dev/null || true

echo "build-image: writing the ext4 image" >&2
truncate -s 8G "$out/disk.img.tmp"
mkfs.ext4 -q -F -L ward-sdvm -d "$root" "$out/disk.img.tmp" || die "mkfs.ext4 -d failed"
mv "$out/disk.img.tmp" "$out/disk.img"
echo "$kver" >"$out/kernel-version"
echo "$out/disk.img"
