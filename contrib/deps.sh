# Debian packages ward needs: sourced by contrib/quickstart and contrib/test.
# shellcheck shell=bash
WARD_BUILD_DEPS="build-essential autoconf automake libtool pkg-config git libseccomp-dev libcap-dev libselinux1-dev libyajl-dev libmount-dev check busybox-static"
WARD_TEST_DEPS="jq clang-format procps podman catatonit containerd docker.io bsdutils uidmap libcap2-bin passwd qemu-system-x86 linux-image-cloud-amd64 apparmor cpio systemd dbus-user-session clang libclang-rt-14-dev valgrind"

# The systemd and SELinux VM tiers (tests/vm/systemd, tests/vm/selinux) build their Debian
# images with these (the SELinux policy packages are installed in the image, not here).
WARD_TEST_DEPS="$WARD_TEST_DEPS debootstrap e2fsprogs util-linux"

apt_install() {
	if [ "$(id -u)" != 0 ]; then
		echo "contrib: run me as root (sudo $0): I install packages and start containers" >&2
		exit 1
	fi
	local missing=()
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	echo "contrib: installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}
