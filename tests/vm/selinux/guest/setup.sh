#!/bin/bash
# Runs inside the SELinux tier's VM as ward-sdvm-setup.service (unconfined_t, SELinux
# enforcing), before the tests: installs the runtime under test from the payload disk (/ward),
# makes it Podman's runtime and builds the containers' root filesystem under /srv/wardtest,
# which the tier's policy module labels wardtest_file_t (the confined domain's own files).
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
restorecon -R /usr/local

install -d /etc/containers
cat >/etc/containers/containers.conf <<CONF
[engine]
runtime = "ward"

[engine.runtimes]
ward = ["$RT"]
CONF

# busybox-static and the probe, and coreutils' stat with its libraries: busybox shows no
# SELinux labels, stat -c %C does, from inside the container.
rootfs=/srv/wardtest/rootfs
rm -rf /srv/wardtest
install -d "$rootfs"/{bin,sbin,usr/bin,usr/sbin,etc,proc,sys,dev,tmp,root,mnt,lib64}
install -m 0755 "$(command -v busybox)" "$rootfs/bin/busybox"
for applet in $("$rootfs/bin/busybox" --list-full); do
	[ -e "$rootfs/$applet" ] || ln -s /bin/busybox "$rootfs/$applet"
done
install -m 0755 /ward/bin/probe "$rootfs/bin/probe"
install -m 0755 /usr/bin/stat "$rootfs/usr/bin/coreutils-stat"
for lib in $(ldd /usr/bin/stat | grep -o '/[^ ]*'); do
	install -D -m 0755 "$lib" "$rootfs$lib"
done
echo 'root:x:0:0:root:/root:/bin/sh' >"$rootfs/etc/passwd"
echo 'root:x:0:' >"$rootfs/etc/group"
chmod 1777 "$rootfs/tmp"
restorecon -R /srv/wardtest
# Podman's image store: Debian's policy labels it var_lib_t, which the confined domain may not
# read (container-selinux would give it a container type). The store takes the domain's type.
install -d /var/lib/containers/storage
chcon -R system_u:object_r:wardtest_file_t:s0 /var/lib/containers/storage
tar -C "$rootfs" -cf /srv/wardtest.tar .
echo "setup: runtime $WARD_SDVM_RUNTIME at $RT; rootfs $(stat -c %C "$rootfs")"
