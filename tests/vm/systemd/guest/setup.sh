#!/bin/bash
# Runs inside the systemd tier's VM as ward-sdvm-setup.service, before docker, containerd and
# the tests start: installs the runtime under test from the payload disk (/ward) and writes the
# engines' configuration. Every engine keeps its defaults (the systemd cgroup driver, its own
# seccomp and AppArmor profiles); only the runtime is chosen: the name "ward" at
# /usr/local/bin/ward, which in the comparison mode (WARD_SDVM_RUNTIME=runc) is runc itself.
# Also builds the containers' root filesystem: busybox-static and the static probe, as a tar the
# tests import into each engine.
set -euo pipefail
# shellcheck source=/dev/null
. /ward/env
RT=/usr/local/bin/ward

install -d /usr/local/bin /usr/local/share/ward/seccomp
if [ "$WARD_SDVM_RUNTIME" = runc ]; then
	ln -sf "$(command -v runc)" "$RT"
else
	install -m 0755 /ward/bin/ward "$RT"
fi
install -m 0644 /ward/seccomp/default.json /usr/local/share/ward/seccomp/default.json

# Docker: ward as the default runtime. No network in the VM: without a bridge and iptables
# docker.service would fail to start.
install -d /etc/docker
cat >/etc/docker/daemon.json <<EOF
{
	"iptables": false,
	"ip-masq": false,
	"bridge": "none",
	"runtimes": {"ward": {"path": "$RT"}},
	"default-runtime": "ward"
}
EOF

# Podman and buildah (root and rootless read the same file): ward as the OCI runtime; the
# cgroup manager stays systemd, their default here.
install -d /etc/containers
cat >/etc/containers/containers.conf <<EOF
[engine]
runtime = "ward"

[engine.runtimes]
ward = ["$RT"]
EOF

# The containers' root filesystem, in /srv: ward's policy refuses a root below a host system
# tree such as /var/lib (rootfs-host-path).
rootfs=/srv/ward-sdvm/rootfs
rm -rf "$rootfs"
install -d "$rootfs"/{bin,sbin,usr/bin,usr/sbin,etc,proc,sys,dev,tmp,root,mnt}
install -m 0755 "$(command -v busybox)" "$rootfs/bin/busybox"
for applet in $("$rootfs/bin/busybox" --list-full); do
	[ -e "$rootfs/$applet" ] || ln -s /bin/busybox "$rootfs/$applet"
done
install -m 0755 /ward/bin/probe "$rootfs/bin/probe"
echo 'root:x:0:0:root:/root:/bin/sh' >"$rootfs/etc/passwd"
echo 'root:x:0:' >"$rootfs/etc/group"
chmod 1777 "$rootfs/tmp"
tar -C "$rootfs" -cf /srv/ward-sdvm/rootfs.tar .
chmod 0644 /srv/ward-sdvm/rootfs.tar
echo "setup: runtime $WARD_SDVM_RUNTIME at $RT"
