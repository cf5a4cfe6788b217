#!/bin/bash
# Boots the SELinux tier's Debian 12 image under qemu (TCG) with Debian's cloud kernel, SELinux
# enforcing, and runs guest/tests.sh in it: the systemd tier's machinery
# (tests/vm/systemd/run-vm.sh and build-image.sh) with this tier's package list, image hook
# (image-hook.sh: the policy module, the labels) and guest scripts. Its output and exit status
# are run-vm.sh's.
# Environment: WARD_SEVM_CACHE, where the image is cached (default /var/tmp/ward-selinux-vm);
# WARD_SDVM_RUNTIME (ward or runc), WARD_SDVM_TIMEOUT, WARD_SDVM_SMP, WARD_SDVM_MEM and
# WARD_SDVM_KERNEL as for the systemd tier.
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
export WARD_SDVM_CACHE=${WARD_SEVM_CACHE:-/var/tmp/ward-selinux-vm}
export WARD_SDVM_PACKAGES=$here/packages.list
export WARD_SDVM_IMAGE_HOOK=$here/image-hook.sh
export WARD_SDVM_IMAGE_INPUTS="$here/policy/wardtest.te $here/policy/wardtest.fc $here/policy/wardtest.if"
export WARD_SDVM_GUEST=$here/guest
# SELinux as the one major LSM, enforcing from the start: the cloud kernel builds it in but
# boots AppArmor by default. It has no selinux= parameter (CONFIG_SECURITY_SELINUX_BOOTPARAM
# is off): security=selinux is what selects it.
export WARD_SDVM_LSM="security=selinux enforcing=1"
: "${WARD_SDVM_TIMEOUT:=900}"
export WARD_SDVM_TIMEOUT
exec "$here/../systemd/run-vm.sh" "$@"
