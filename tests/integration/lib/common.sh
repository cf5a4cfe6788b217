# Shared setup for the integration tests: a busybox-static root filesystem built once, bundles
# made from `ward spec` and edited with jq, a private state root per test script, and checks
# that nothing is left behind on the host.
# shellcheck shell=bash

set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/tap.sh"

: "${WARD:?WARD must point at the ward binary (make check sets it)}"
: "${WARD_TEST_WORK:=${TMPDIR:-/tmp}/ward-tests}"
: "${WARD_HELPERS:=}"

# Only for a developer's unprivileged `make check`: CI and contrib/test run as root, where
# every test runs.
if [ "$(id -u)" != 0 ]; then
	echo "1..0 # SKIP the integration tests start real containers and must run as root"
	exit 0
fi
for tool in jq busybox; do
	if ! command -v "$tool" >/dev/null; then
		echo "Bail out! $tool is not installed (contrib/test installs it)"
		exit 1
	fi
done

TEST_NAME=$(basename "$0" .sh)
# Every container of this script gets its cgroup below this parent, so leftovers are ours.
CGROUP_ROOT=/sys/fs/cgroup/unified
[ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ] && CGROUP_ROOT=/sys/fs/cgroup
CGROUP_PARENT="/ward-test-$TEST_NAME-$$"
WORK="$WARD_TEST_WORK/$TEST_NAME.$$"
STATE_ROOT="$WORK/state"
# UNIX socket paths are limited to 107 bytes and a checkout can sit deep in the file system:
# sockets live in a short directory of their own.
SOCKDIR=$(mktemp -d /tmp/ward-sock.XXXXXX)
ROOTFS="$WARD_TEST_WORK/rootfs"
mkdir -p "$WORK"

# The shared rootfs is read-only for tests (root.readonly); a test that must write into a
# rootfs makes its own copy with private_rootfs.
build_rootfs() {
	(
		flock 9
		if [ -x "$ROOTFS/bin/sh" ]; then
			# a rebuilt helper replaces the cached copy
			if [ -x "$WARD_HELPERS/probe" ] && ! cmp -s "$WARD_HELPERS/probe" "$ROOTFS/bin/probe"; then
				cp "$WARD_HELPERS/probe" "$ROOTFS/bin/probe"
			fi
			exit 0
		fi
		rm -rf "$ROOTFS.tmp"
		mkdir -p "$ROOTFS.tmp"/{bin,proc,sys,dev,etc,tmp,root,home}
		cp "$(command -v busybox)" "$ROOTFS.tmp/bin/busybox"
		for applet in $("$ROOTFS.tmp/bin/busybox" --list); do
			[ "$applet" = busybox ] || ln -s busybox "$ROOTFS.tmp/bin/$applet"
		done
		if [ -n "$WARD_HELPERS" ] && [ -x "$WARD_HELPERS/probe" ]; then
			cp "$WARD_HELPERS/probe" "$ROOTFS.tmp/bin/probe"
		fi
		echo 'root:x:0:0:root:/root:/bin/sh' >"$ROOTFS.tmp/etc/passwd"
		echo 'root:x:0:' >"$ROOTFS.tmp/etc/group"
		chmod 1777 "$ROOTFS.tmp/tmp"
		mv "$ROOTFS.tmp" "$ROOTFS"
	) 9>"$WARD_TEST_WORK/.rootfs.lock"
}
build_rootfs

private_rootfs() { # private_rootfs DIR: a writable copy of the rootfs
	cp -a "$ROOTFS" "$1"
}

# engine_image_tar TAR: the rootfs as a tar for `docker import` and `podman import`, with an
# ordinary user as images have them (user, uid 1000, home /home/user owned by it).
engine_image_tar() {
	local dir
	dir=$(mktemp -d "$WORK/image.XXXXXX") || return 1
	cp -a "$ROOTFS/." "$dir/" &&
		echo 'user:x:1000:1000:user:/home/user:/bin/sh' >>"$dir/etc/passwd" &&
		echo 'user:x:1000:' >>"$dir/etc/group" &&
		mkdir -p "$dir/home/user" && chown 1000:1000 "$dir/home/user" &&
		tar -C "$dir" -cf "$1" . && rm -rf "$dir"
}

# new_bundle NAME [COMMAND...]: a bundle from `ward spec` whose process runs COMMAND with sh -c.
new_bundle() {
	local b="$WORK/$1"
	shift
	mkdir -p "$b"
	"$WARD" spec -b "$b" || return 1
	local cmd=${1:-true}
	jq --arg root "$ROOTFS" --arg cmd "$cmd" --arg cg "$CGROUP_PARENT/$(basename "$b")" \
		'.root.path = $root | .process.args = ["sh", "-c", $cmd] | .linux.cgroupsPath = $cg' \
		"$b/config.json" >"$b/config.tmp" &&
		mv "$b/config.tmp" "$b/config.json"
	echo "$b"
}

# podman_conf FILE EVENTS_LOG: the containers.conf the Podman tests run with. These hosts have
# no systemd as PID 1 (cgroupfs, events to a file), their RLIMIT_NPROC and nofile are the
# test's (not Podman's raised defaults, which the policy would refuse as higher than the
# caller's), and no pids limit (these hosts' cgroup2 has no pids controller to set it in).
podman_conf() {
	cat >"$1" <<CONF
[containers]
default_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]
pids_limit = 0
[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "$2"
CONF
}

# use_policy LINE...: from here on, this script's ward runs under a policy file (ward-policy(5))
# with these lines, through a wrapper that passes --policy, as an admin's runtime handler
# would. A test about something the default policy refuses says which check it lifts.
use_policy() {
	: "${WARD_REAL:=$WARD}"
	printf '%s\n' "$@" >"$WORK/policy.conf"
	chmod 644 "$WORK/policy.conf"
	printf '#!/bin/sh\nexec "%s" --policy "%s" "$@"\n' "$WARD_REAL" "$WORK/policy.conf" >"$WORK/ward-policy"
	chmod 755 "$WORK/ward-policy"
	WARD="$WORK/ward-policy"
}

edit_config() { # edit_config BUNDLE JQ-FILTER [jq args...]
	local b=$1 filter=$2
	shift 2
	jq "$@" "$filter" "$b/config.json" >"$b/config.tmp" && mv "$b/config.tmp" "$b/config.json"
}

# ward_run BUNDLE ID [extra run flags]: sets OUT, ERR, RC.
ward_run() {
	local b=$1 id=$2
	shift 2
	OUT=$("$WARD" --root "$STATE_ROOT" run -b "$b" "$@" "$id" 2>"$WORK/stderr" </dev/null)
	RC=$?
	ERR=$(cat "$WORK/stderr")
}

# The host's mount table, without the mounts that podman, containerd and dockerd (run by
# other test scripts in parallel) legitimately make for their own state; docker.sh checks its
# daemon's own leftovers itself.
host_mounts() {
	awk '{print $5, $10}' /proc/self/mountinfo | grep -v -e '^/tmp/ward-pm\.' \
		-e '/ward-tests/containerd\.' -e '/tests/work/containerd\.' -e '^/run/containerd/' \
		-e '^/run/containers/' -e '^/tmp/ward-dk\.' -e '/ward-tests/docker\.' \
		-e '/tests/work/docker\.' | sort
}

HOST_MOUNTS_BEFORE=$(host_mounts)

# Nothing a test did may remain: state directories, mounts on the host, container processes.
assert_no_leftovers() {
	local name=${1:-leaves_nothing_behind}
	local problems=()
	# Nothing at all: the seccomp cache lives outside every state root (ward-seccomp(7)).
	if [ -d "$STATE_ROOT" ] && [ -n "$(ls -A "$STATE_ROOT")" ]; then
		problems+=("state root not empty: $(ls -A "$STATE_ROOT" | tr '\n' ' ')")
	fi
	local now
	now=$(host_mounts)
	if [ "$now" != "$HOST_MOUNTS_BEFORE" ]; then
		problems+=("host mount table changed: $(diff <(echo "$HOST_MOUNTS_BEFORE") <(echo "$now") | tr '\n' ' ')")
	fi
	if pgrep -f "ward-test-marker-$$" >/dev/null; then
		problems+=("container processes still running")
	fi
	local cgs
	cgs=$(find "$CGROUP_ROOT$CGROUP_PARENT" -mindepth 1 -type d 2>/dev/null)
	if [ -n "$cgs" ]; then
		problems+=("cgroups left behind: $cgs")
	fi
	if [ ${#problems[@]} -eq 0 ]; then ok "$name"; else not_ok "$name" "${problems[@]}"; fi
}

cleanup() {
	pkill -9 -f "ward-test-marker-$$" 2>/dev/null
	rm -rf "$WORK" "$SOCKDIR"
	rmdir "$CGROUP_ROOT$CGROUP_PARENT"/* "$CGROUP_ROOT$CGROUP_PARENT" 2>/dev/null
}
trap cleanup EXIT

MARK="ward-test-marker-$$"
