#!/bin/bash
# Red team of the policy on devices: hostile config.json files that ask for the host's devices,
# each refused by `ward run` at baseline and at restricted with the check (or, for a number the
# kernel cannot have, the field) named in the error; an admin's `device` line that lets
# /dev/net/tun through; and the attacks that can run, shown to fail in the container where the
# device program must hold: a major of 4294967297 was 1 in the program (a rule for it gave write
# access to /dev/kmsg, 1:11), a major of -1 passed as "major -1" and allowed every device, and
# Docker's default rule c 5:1 rwm let a container with CAP_MKNOD open the host's console.
. "$(dirname "$0")/../integration/lib/common.sh"

SECPROBE="$WARD_HELPERS/secprobe"
if [ ! -x "$SECPROBE" ]; then
	echo "Bail out! $SECPROBE is not built (make check builds it)"
	exit 1
fi
R="$WORK/root"
private_rootfs "$R"
cp "$SECPROBE" "$R/bin/secprobe"

# bundle NAME COMMAND JQ-FILTER: a bundle on the private rootfs, edited by the filter.
bundle() {
	local b
	b=$(new_bundle "$1" "$2") || return 1
	edit_config "$b" ".root.path = \$r | $3" --arg r "$R"
	echo "$b"
}

# refused NAME JQ-FILTER CHECK-OR-FIELD: refused at baseline and at restricted, naming it; the
# container never starts (its command would print "started").
refused() {
	local name=$1 filter=$2 what=$3 level b
	for level in baseline restricted; do
		use_policy "level = $level"
		b=$(bundle "$name-$level" 'echo started' "$filter")
		ward_run "$b" "$name-$level"
		like "${name}_is_refused_at_$level" "$RC|$OUT|$ERR" "^1\|\|.*$what"
	done
}

mknod_caps='.process.capabilities.bounding += ["CAP_MKNOD"] | .process.capabilities.effective += ["CAP_MKNOD"] |
	.process.capabilities.permitted += ["CAP_MKNOD"] | .root.readonly = false |
	.mounts += [{destination: "/tmp", type: "tmpfs", source: "tmpfs"}]'

# 1. A major the kernel cannot have: 4294967297 (1 once truncated) with minor 11, a rule and a
# /dev/kmsg entry. The parser refuses it before any policy is consulted.
refused truncated_major_rule '.linux.resources.devices = [{allow: false, access: "rwm"},
	{allow: true, type: "c", major: 4294967297, minor: 11, access: "rw"}]' \
	'linux\.resources\.devices\[1\]\.major: 4294967297 is not a device major number'
refused truncated_major_node '.linux.devices = [{path: "/dev/kmsg", type: "c", major: 4294967297, minor: 11}]' \
	'linux\.devices\[0\]\.major: 4294967297 is not a device major number'

# 2. A major of -1: the wildcard, every character device.
refused wildcard_major_rule '.linux.resources.devices = [{allow: false, access: "rwm"},
	{allow: true, type: "c", major: -1, minor: 11, access: "rw"}]' \
	'linux\.resources\.devices\[1\]: allows rw on every char device \[device-rule-allow-all\]'

# 3. The host's consoles and terminals.
refused host_console_node '.linux.devices = [{path: "/dev/console", type: "c", major: 5, minor: 1}]' \
	'linux\.devices\[0\]: /dev/console \(char 5:1\) \[device-host-tty\]'
refused host_tty1_node '.linux.devices = [{path: "/dev/tty1", type: "c", major: 4, minor: 1}]' \
	'linux\.devices\[0\]: /dev/tty1 \(char 4:1\) \[device-host-tty\]'
refused host_serial_node '.linux.devices = [{path: "/dev/ttyS0", type: "c", major: 4, minor: 64}]' \
	'linux\.devices\[0\]: /dev/ttyS0 \(char 4:64\) \[device-host-tty\]'
refused host_vcs_node '.linux.devices = [{path: "/dev/vcs", type: "c", major: 7, minor: 0}]' \
	'linux\.devices\[0\]: /dev/vcs \(char 7:0\) \[device-host-tty\]'
refused host_tty_rule '.linux.resources.devices = [{allow: false, access: "rwm"}, {allow: true, type: "c", major: 4, access: "rw"}]' \
	'linux\.resources\.devices\[1\]: a rule allowing rw \(char 4:\*\) \[device-host-tty\]'

# 4. A block device, and the kernel's own devices under another name.
refused block_node '.linux.devices = [{path: "/dev/sda", type: "b", major: 8, minor: 0}]' \
	'linux\.devices\[0\]: /dev/sda \(block 8:0\) \[device-block\]'
refused kmsg_renamed '.linux.devices = [{path: "/dev/innocent", type: "c", major: 1, minor: 11}]' \
	'linux\.devices\[0\]: /dev/innocent \(char 1:11\) \[device-kernel-access\]'

# 5. A device no one listed: refused, then allowed by the admin's `device = c 10:200` line.
tun='.linux.devices = [{path: "/dev/net/tun", type: "c", major: 10, minor: 200, fileMode: 8630}] |
	.linux.resources.devices = [{allow: false, access: "rwm"}, {allow: true, type: "c", major: 10, minor: 200, access: "rwm"}]'
refused tun_without_the_admin "$tun" 'linux\.devices\[0\]: /dev/net/tun \(char 10:200\) \[device-not-allowed\]'
use_policy "level = baseline" "device = c 10:200"
b=$(bundle tun 'secprobe open /dev/net/tun' "$tun")
ward_run "$b" tun
is tun_listed_by_the_admin_runs_and_opens "$RC|$OUT" "0|r=0 w=0 rw=0"

# The attacks that can run. Docker's and containerd's default rules allow c 5:1 rwm; the
# container makes its own node of the host's console (CAP_MKNOD) and opens it. The
# host-console-rule hardening leaves m in that rule, not r nor w.
console='.linux.resources.devices = [{allow: false, access: "rwm"}, {allow: true, type: "c", major: 5, minor: 1, access: "rwm"}]'
use_policy "level = baseline"
b=$(bundle console 'mknod /tmp/console c 5 1 && secprobe open /tmp/console' "$mknod_caps | $console")
ward_run "$b" console
is host_console_rule_passes_and_the_node_does_not_open "$RC|$OUT" "0|r=1 w=1 rw=1"
# The same without the hardening: the rule as sent opens the host's console (O_NOCTTY, nothing
# written), so the hardening is what holds above.
use_policy "level = baseline" "allow = host-console-rule"
ward_run "$b" console-lifted
is without_the_hardening_the_console_opens "$RC|$OUT" "0|r=0 w=0 rw=0"

# With device-kernel-access lifted by the admin, a read-only rule for /dev/kmsg still holds:
# the log can be read, not written (no injected kernel log lines). CAP_SYSLOG so that the read
# is not refused by dmesg_restrict before the device program is asked.
use_policy "level = baseline" "allow = device-kernel-access, cap-syslog"
b=$(bundle kmsgro 'secprobe open /dev/kmsg' '.process.capabilities.bounding += ["CAP_SYSLOG"] |
	.process.capabilities.effective += ["CAP_SYSLOG"] | .process.capabilities.permitted += ["CAP_SYSLOG"] |
	.linux.devices = [{path: "/dev/kmsg", type: "c", major: 1, minor: 11}] |
	.linux.resources.devices = [{allow: false, access: "rwm"}, {allow: true, type: "c", major: 1, minor: 11, access: "r"}]')
ward_run "$b" kmsgro
is kmsg_lifted_read_only_rule_holds "$RC|$OUT" "0|r=0 w=1 rw=1"

# With the wildcard lifted, mknod only (Docker's c *:* m): a node of anything can be made,
# none opened, not the kernel log nor the console nor a disk.
use_policy "level = baseline"
b=$(bundle mknodonly 'mknod /tmp/kmsg c 1 11; mknod /tmp/tty1 c 4 1; mknod /tmp/sda b 8 0
	for n in kmsg tty1 sda; do echo "$n $(secprobe open /tmp/$n)"; done' "$mknod_caps |
	.linux.resources.devices = [{allow: false, access: \"rwm\"}, {allow: true, type: \"c\", major: -1, minor: -1, access: \"m\"},
	{allow: true, type: \"b\", access: \"m\"}]")
ward_run "$b" mknodonly
is mknod_only_rules_open_nothing "$RC|$(echo "$OUT" | tr '\n' ' ')" "0|kmsg r=1 w=1 rw=1 tty1 r=1 w=1 rw=1 sda r=1 w=1 rw=1 "

# The container's own ptys are allowed (c 136:*): a node of a host pty's number, made with mknod
# outside devpts, must not open it (the kernel finds the tty through the devpts dentry only).
python3 -c 'import os, pty, sys, time
m, s = pty.openpty()
print(os.minor(os.fstat(s).st_rdev), flush=True)
sys.stdout.close()
time.sleep(30)' >"$WORK/hostpty.minor" &
hostpty_pid=$!
for _ in $(seq 50); do [ -s "$WORK/hostpty.minor" ] && break; sleep 0.1; done
n=$(cat "$WORK/hostpty.minor")
b=$(bundle hostpty "mknod /tmp/pts c 136 $n && secprobe open /tmp/pts" "$mknod_caps")
ward_run "$b" hostpty
kill "$hostpty_pid" 2>/dev/null
wait "$hostpty_pid" 2>/dev/null
is a_host_pty_is_not_reached_through_mknod "$RC|$OUT" "0|r=5 w=5 rw=5"

# In a user namespace mknod is not permitted and the host's node at the same path is bound
# instead: it must be the device the config names, not /dev/kmsg passed off as /dev/null.
use_policy "level = baseline"
b=$(bundle userns 'secprobe open /dev/kmsg' '.linux.namespaces += [{type: "user"}] |
	.linux.uidMappings = [{containerID: 0, hostID: 0, size: 65536}] |
	.linux.gidMappings = [{containerID: 0, hostID: 0, size: 65536}] |
	.linux.devices = [{path: "/dev/kmsg", type: "c", major: 1, minor: 3}]')
ward_run "$b" userns
like bound_host_node_must_have_the_configured_numbers "$RC|$OUT|$ERR" \
	"^1\|\|.*linux\.devices\[0\]: the host's /dev/kmsg is not the character device 1:3 the config names"
edit_config "$b" '.linux.devices = [{path: "/dev/null", type: "c", major: 1, minor: 3}] | .process.args[2] = "secprobe open /dev/null"'
ward_run "$b" userns-null
is bound_host_node_with_the_configured_numbers_works "$RC|$OUT" "0|r=0 w=0 rw=0"

assert_no_leftovers
done_testing
