#!/bin/bash
# SELinux enforcing, for real: a Debian 12 system booted under qemu with Debian's cloud kernel,
# `security=selinux selinux=1 enforcing=1`, Debian's reference policy ("default") and the
# tier's own policy module (tests/vm/selinux/policy: the confined domain wardtest_container_t
# and its file type wardtest_file_t), with the ward under test as the runtime of ward's own
# commands and of Podman. Re-emits the results of tests/vm/selinux/guest/tests.sh, which checks
# process.selinuxLabel, linux.mountLabel and exec --process-label from inside the container and
# from the host, the kernel's denials, the policy's refusals and what is left after delete.
# The image (the systemd tier's build script with this tier's packages and image hook, labelled
# at build time) is built once, as root, and cached under /var/tmp/ward-selinux-vm
# (WARD_SEVM_CACHE). WARD_SDVM_RUNTIME=runc runs the same tests with runc.
# The harness is systemd-vm.sh's: a missing prerequisite is a "Bail out!", never a skip.
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
export WARD_VM_TIER_DIR=${WARD_SRCDIR:-$here/../..}/tests/vm/selinux
export WARD_VM_TIER_NAME=selinux-vm
exec "$here/systemd-vm.sh" "$@"
