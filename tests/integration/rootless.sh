#!/bin/bash
# Rootless: an unprivileged user (created for the test, with subordinate id ranges) runs,
# execs into, kills and deletes containers; a single mapping is written directly, a range goes
# through newuidmap/newgidmap; the user gains no host privilege.
. "$(dirname "$0")/lib/common.sh"

user=ward-rootless
if ! id "$user" >/dev/null 2>&1; then
	useradd -m -s /bin/sh "$user" || { echo "Bail out! cannot create the test user"; exit 1; }
fi
uid=$(id -u "$user")
gid=$(id -g "$user")
for tool in newuidmap newgidmap; do
	command -v $tool >/dev/null || { echo "Bail out! $tool is missing (apt-get install uidmap)"; exit 1; }
done
grep -q "^$user:" /etc/subuid || usermod --add-subuids 300000-365535 --add-subgids 300000-365535 "$user"
subuid=$(awk -F: -v u="$user" '$1 == u {print $2; exit}' /etc/subuid)

home="$WORK/rootless"
mkdir -p "$home/xdg" "$home/b"
cp -a "$ROOTFS" "$home/b/rootfs"
echo host-secret >"$home/rootfile"
chmod 0644 "$home/rootfile"
chown -R "$user:" "$home/xdg" "$home/b"
chmod 0700 "$home/xdg"
chmod 0755 "$WORK" "$home"
# The user's ward: its state goes to $XDG_RUNTIME_DIR/ward (no --root).
U() { su "$user" -s /bin/bash -c "cd '$home/b' && XDG_RUNTIME_DIR='$home/xdg' $(printf '%q ' "$WARD" "$@")"; }
cfg() { # edits the user's config (as root, then gives it back)
	jq "$@" "$home/b/config.json" >"$home/b/c.tmp" && mv "$home/b/c.tmp" "$home/b/config.json" &&
		chown "$user:" "$home/b/config.json"
}

U spec --rootless
is spec_rootless_maps_the_caller_to_root \
	"$(jq -c '[.linux.uidMappings[0].hostID, .linux.gidMappings[0].hostID, ([.linux.namespaces[].type] | index("user") != null)]' "$home/b/config.json")" \
	"[$uid,$gid,true]"
cfg '.process.args = ["sh", "-c", "cat /proc/self/uid_map | tr -s \" \"; id -u; { echo x >/host/rootfile; } 2>&1; cat /host/rootfile"] |
	.mounts += [{destination: "/host/rootfile", type: "bind", source: "'"$home/rootfile"'", options: ["bind"]}]'
out=$(U run r1 2>"$WORK/r1.err" </dev/null)
is single_mapping_container_runs "$?" 0
is single_mapping_is_written_directly "$(echo "$out" | sed -n 1p)" " 0 $uid 1"
is root_inside_is_the_callers_uid_outside "$(echo "$out" | sed -n 2p)" 0
like a_root_owned_host_file_stays_unwritable "$(echo "$out" | sed -n 3p)" 'Permission denied|Read-only'
is the_host_file_is_unchanged "$(cat "$home/rootfile")" host-secret
like no_delegated_cgroup_is_a_warning_not_a_silence "$(cat "$WORK/r1.err")" 'rootless: cgroup .* is not delegated to you'
# The user's compiled filters are kept in the user's own cache directory, not the state root.
ucache="$(getent passwd "$user" | cut -d: -f6)/.cache/ward/seccomp"
is rootless_seccomp_cache_is_the_users \
	"$(stat -c '%U %a' "$ucache") $(find "$ucache" -name '*.bpf' -user "$user" -perm 600 | grep -q . && echo has-entries) $(find "$ucache" -name '*.bpf' \( ! -user "$user" -o ! -perm 600 \) | grep -c .)" \
	"$user 700 has-entries 0"

cfg '.linux.uidMappings = [{containerID: 0, hostID: '"$subuid"', size: 65536}] |
	.linux.gidMappings = [{containerID: 0, hostID: '"$subuid"', size: 65536}] |
	.process.args = ["sh", "-c", "cat /proc/self/uid_map | tr -s \" \""] | del(.mounts[-1])'
is a_subordinate_range_goes_through_newuidmap "$(U run r2 2>/dev/null </dev/null)" " 0 $subuid 65536"

cfg '.process.args = ["sh", "-c", "sleep 60; : '"$MARK"'"]'
U run -d --pid-file "$home/xdg/r3.pid" r3 </dev/null 2>/dev/null
is rootless_run_detached_writes_the_pid_file "$(test -s "$home/xdg/r3.pid" && echo yes)" yes
is rootless_state_is_running "$(U state r3 | jq -r .status)" running
is rootless_exec_joins_the_container "$(U exec r3 sh -c 'readlink /proc/1/ns/pid')" "$(readlink /proc/"$(cat "$home/xdg/r3.pid")"/ns/pid)"
like rootless_ps_lists_the_init "$(U ps --format json r3)" "$(cat "$home/xdg/r3.pid")"
U kill r3 KILL
for _ in $(seq 50); do [ "$(U state r3 | jq -r .status)" = stopped ] && break; sleep 0.05; done
is rootless_kill_stops_it "$(U state r3 | jq -r .status)" stopped
U delete r3
is rootless_delete_leaves_no_state "$(ls -A "$home/xdg/ward")" ""

# create + start + list, and a console socket, as an unprivileged user.
cfg '.process.args = ["sh", "-c", "sleep 60; : '"$MARK"'"]'
U create r5 </dev/null 2>/dev/null
is rootless_create_leaves_it_created "$(U state r5 | jq -r .status)" created
U start r5
is rootless_start_runs_it "$(U state r5 | jq -r .status)" running
like rootless_list_shows_it "$(U list -q)" '^r5$'
U delete --force r5
cfg '.process.terminal = true | .process.args = ["sh", "-c", "tty"]'
chmod 711 "$SOCKDIR" && mkdir "$SOCKDIR/u" && chown "$user:" "$SOCKDIR/u"
su "$user" -s /bin/sh -c "'$WARD_HELPERS/recvtty' '$SOCKDIR/u/tty.sock'" >"$WORK/tty.out" 2>"$WORK/tty.err" &
rpid=$!
for _ in $(seq 100); do grep -q listening "$WORK/tty.err" 2>/dev/null && break; sleep 0.02; done
U run -d --console-socket "$SOCKDIR/u/tty.sock" r6 </dev/null 2>/dev/null
wait "$rpid"
like rootless_console_socket_gets_the_pty "$(cat "$WORK/tty.err") $(tr -d '\r' <"$WORK/tty.out")" 'payload=/dev/ptmx fds=1 tty=1 /dev/pts/0'
U delete --force r6

# A range that is not the user's: newuidmap refuses, and ward says where ranges come from.
cfg '.process.terminal = false | .process.args = ["true"] |
	.linux.uidMappings = [{containerID: 0, hostID: 900000, size: 1000}] |
	.linux.gidMappings = [{containerID: 0, hostID: 900000, size: 1000}]'
like rootless_unallocated_range_is_a_clear_error "$(U run r7 2>&1 </dev/null; echo "rc=$?")" \
	'newuidmap refused the mapping .*/etc/subuid.*rc=1'
cfg '.linux.uidMappings = [{containerID: 0, hostID: '"$uid"', size: 1}] |
	.linux.gidMappings = [{containerID: 0, hostID: '"$gid"', size: 1}] |
	.linux.namespaces |= map(select(.type != "network"))'
# What rootless podman's --network host sends: the admin lets the host's netns through.
use_policy "allow = host-network-namespace"
is rootless_without_a_network_namespace_still_gets_sys "$(cfg '.process.args = ["sh", "-c", "ls /sys/kernel >/dev/null && echo sys-ok"]'; U run r8 2>/dev/null </dev/null)" sys-ok

# linux.devices without mknod: the host's node is bound, and only when it is the device the
# config names (the policy judged type and major:minor, not the path).
cfg '.linux.devices = [{path: "/dev/fuse0", type: "c", major: 1, minor: 5}] |
	.process.args = ["sh", "-c", "head -c 3 /dev/fuse0 | od -An -tx1"]'
like rootless_device_needs_the_named_host_node "$(U run r9 2>&1 </dev/null; echo "rc=$?")" \
	'linux.devices\[0\].*/dev/fuse0.*rc=1'
cfg '.linux.devices = [{path: "/dev/full", type: "c", major: 1, minor: 3}] |
	.process.args = ["true"]'
like rootless_device_bind_checks_major_minor "$(U run r10 2>&1 </dev/null; echo "rc=$?")" \
	'the host.s /dev/full is not the character device 1:3 the config names.*rc=1'
cfg '.linux.devices = [{path: "/dev/zero", type: "c", major: 1, minor: 5}] |
	.process.args = ["sh", "-c", "head -c 3 /dev/zero | od -An -tx1"]'
is rootless_device_bind_of_the_named_node "$(U run r11 2>/dev/null </dev/null | tr -s ' ')" " 00 00 00"

cfg 'del(.linux.devices) | .linux.resources = {memory: {limit: 67108864}} | .process.args = ["true"]'
like rootless_limits_without_a_delegated_cgroup_are_refused "$(U run r4 2>&1 </dev/null; echo "rc=$?")" \
	'linux.resources: limits need a cgroup.*rc=1'

# ---- idmapped mounts, rootless ----------------------------------------------------------------
# The kernel idmaps a mount for whoever holds CAP_SYS_ADMIN over its filesystem: an ordinary user
# never does; root of a user namespace of its own (what rootless Podman runs ward as) does for a
# filesystem mounted there, not for the host's.
mkdir -p "$home/t" "$home/d" && echo d >"$home/d/f" && chown -R "$user:" "$home/t" "$home/d"
cfg 'del(.linux.resources) | .process.args = ["sh", "-c", "stat -c %u:%g /home/f /root/f"] |
	.mounts += [{destination: "/home", type: "bind", source: "'"$home"'/t", options: ["rbind", "idmap"]},
		{destination: "/root", type: "bind", source: "'"$home"'/t", options: ["rbind"]}]'
like rootless_idmap_needs_a_user_namespace_of_its_own "$(U run i1 2>&1 </dev/null; echo "rc=$?")" \
	'mounts: an idmapped mount needs CAP_SYS_ADMIN.*user namespace of its own.*rc=1'
cfg '.linux.uidMappings = [{containerID: 0, hostID: 1, size: 65535}] | .linux.gidMappings = .linux.uidMappings'
# In the user's namespace (0 is the user, 1.. its subordinate ids): a tmpfs of its own, a file
# of its uid 5; the container's root is its uid 1, so a plain bind shows that file as 4.
in_userns() {
	su "$user" -s /bin/bash -c "cd '$home/b' && XDG_RUNTIME_DIR='$home/xdg' unshare --map-auto --map-root-user --mount sh -c $(printf '%q' "$1")"
}
out=$(in_userns "mount -t tmpfs t '$home/t' && echo x >'$home/t/f' && chown 5:5 '$home/t/f' && $(printf '%q ' "$WARD") run i2 </dev/null 2>/dev/null")
is rootless_idmapped_mount_keeps_the_owner "$out" "5:5
4:4"
cfg '.mounts[-2].source = "'"$home"'/d" | .mounts[-1].source = "'"$home"'/d"'
out=$(in_userns "$(printf '%q ' "$WARD") run i3 </dev/null 2>&1; echo rc=\$?")
like rootless_idmap_of_a_host_filesystem_is_refused_with_the_reason "$out" \
	'mounts\[[0-9]+\] \(/home\).*idmapped mount.*operation not permitted.*user namespace ward is not root of.*rc=1'

assert_no_leftovers
done_testing
