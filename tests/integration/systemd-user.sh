#!/bin/bash
# --systemd-cgroup with a real systemd: a user manager (`systemd --user`, Debian's systemd 252)
# for a test user, and a rootless ward that has it make each container's scope. On this host
# systemd is not PID 1 and the cgroups are hybrid: the manager runs in a private mount
# namespace whose /run/systemd says systemd booted, in a test cgroup delegated to the user in
# both the name=systemd and the unified hierarchy (systemd 252 tracks units in both there).
if [ -z "${WARD_SYSTEMD_NS:-}" ] && [ "$(id -u)" = 0 ]; then
	exec env WARD_SYSTEMD_NS=1 unshare -m --propagation private "$0" "$@"
fi
if [ -n "${WARD_SYSTEMD_NS:-}" ] && ! mount -t tmpfs -o mode=755 tmpfs /run/systemd; then
	echo "Bail out! cannot mount a tmpfs on /run/systemd in the test's mount namespace"
	exit 1
fi
. "$(dirname "$0")/lib/common.sh"

SYSTEMD=/lib/systemd/systemd
if [ ! -x "$SYSTEMD" ] || ! command -v systemctl >/dev/null; then
	echo "1..0 # SKIP systemd is not installed, so no user manager can be started (apt-get install systemd dbus-user-session; contrib/deps.sh does)"
	exit 0
fi
V1=/sys/fs/cgroup/systemd
if [ "$CGROUP_ROOT" != /sys/fs/cgroup ] && [ ! -d "$V1" ]; then
	echo "1..0 # SKIP hybrid cgroups without the name=systemd hierarchy at $V1: systemd 252 cannot track a user manager's units here"
	exit 0
fi

user=ward-sduser
if ! id "$user" >/dev/null 2>&1; then
	useradd -m -s /bin/sh "$user" || { echo "Bail out! cannot create the test user"; exit 1; }
fi
uid=$(id -u "$user")
gid=$(id -g "$user")
mkdir -p /run/systemd/system

# The user's tree: the manager in it, ward in a sibling, both the user's.
T="$CGROUP_PARENT"
HIERS=("$CGROUP_ROOT")
[ "$CGROUP_ROOT" != /sys/fs/cgroup ] && HIERS+=("$V1")
for h in "${HIERS[@]}"; do
	mkdir -p "$h$T/client"
	chown -R "$user:" "$h$T"
done
home="$WORK/sduser"
mkdir -p "$home/xdg" "$home/b"
cp -a "$ROOTFS" "$home/b/rootfs"
chown -R "$user:" "$home/xdg" "$home/b"
chmod 0700 "$home/xdg"
chmod 0755 "$WORK" "$home"
XDG="$home/xdg"

(
	for h in "${HIERS[@]}"; do echo "$BASHPID" >"$h$T/cgroup.procs"; done
	exec setpriv --reuid "$uid" --regid "$gid" --init-groups env -i HOME="$home" USER="$user" \
		XDG_RUNTIME_DIR="$XDG" PATH=/usr/bin:/bin "$SYSTEMD" --user
) >"$WORK/manager.log" 2>&1 &
MGR=$!
for _ in $(seq 100); do [ -S "$XDG/systemd/private" ] && break; sleep 0.1; done
stop_manager() {
	kill "$MGR" 2>/dev/null && wait "$MGR" 2>/dev/null
	for h in "${HIERS[@]}"; do find "$h$T" -depth -mindepth 1 -type d -exec rmdir {} + 2>/dev/null; done
}
trap 'stop_manager; cleanup; for h in "${HIERS[@]}"; do rmdir "$h$T" 2>/dev/null; done' EXIT
if [ ! -S "$XDG/systemd/private" ]; then
	echo "Bail out! systemd --user did not start: $(tail -3 "$WORK/manager.log" | tr '\n' ' ')"
	exit 1
fi

# As the user, from the client cgroup (the manager moves processes only within the user's
# tree), with the session's XDG_RUNTIME_DIR: state in $XDG/ward.
U() {
	(
		for h in "${HIERS[@]}"; do echo "$BASHPID" >"$h$T/client/cgroup.procs"; done
		cd "$home/b" && exec setpriv --reuid "$uid" --regid "$gid" --init-groups env -i HOME="$home" \
			XDG_RUNTIME_DIR="$XDG" PATH=/usr/bin:/bin "$@"
	)
}
SC() { U systemctl --user "$@"; }
cfg() {
	jq "$@" "$home/b/config.json" >"$home/b/c.tmp" && mv "$home/b/c.tmp" "$home/b/config.json" &&
		chown "$user:" "$home/b/config.json"
}

U "$WARD" spec --rootless
cfg '.process.args = ["sh", "-c", "grep ^0:: /proc/self/cgroup; sleep 60; : '"$MARK"'"] |
	.linux.resources.cpu.shares = 1024'
U "$WARD" --systemd-cgroup run -d --pid-file "$XDG/u1.pid" u1 >"$WORK/u1.out" 2>"$WORK/u1.err" </dev/null
is rootless_create_with_the_user_manager "$?" 0
pid=$(cat "$XDG/u1.pid" 2>/dev/null)
unit_cg="$T/user.slice/ward-u1.scope"
is init_is_in_the_users_scope "$(grep '^0::' /proc/"$pid"/cgroup 2>&1)" "0::$unit_cg"
sleep 0.2
is inside_its_cgroup_namespace_is_rooted_at_the_scope "$(cat "$WORK/u1.out")" "0::/"
show=$(SC show -p ActiveState -p Delegate -p ControlGroup -p CPUWeight -p Slice ward-u1.scope)
is systemd_knows_the_unit_as_ward_made_it "$(echo "$show" | sort | tr '\n' ' ')" \
	"ActiveState=active CPUWeight=100 ControlGroup=$unit_cg Delegate=yes Slice=user.slice "
is the_scope_is_delegated_to_the_user "$(stat -c %U "$CGROUP_ROOT$unit_cg/cgroup.procs")" "$user"
is state_records_the_user_manager "$(jq -r '.systemd_unit + " " + .systemd_manager' "$XDG/ward/u1/state.json")" \
	"ward-u1.scope user"

U "$WARD" pause u1
like pause_freezes_the_scope "$(U "$WARD" state u1 | jq -r .status) $(cat "$CGROUP_ROOT$unit_cg/cgroup.events")" '^paused .*frozen 1'
U "$WARD" resume u1
is ps_reads_the_scope "$(U "$WARD" ps --format json u1 | jq -c 'sort')" "$(sort -n "$CGROUP_ROOT$unit_cg/cgroup.procs" | jq -sc .)"

echo '{"cpu": {"shares": 1024}}' >"$home/b/res.json"
chown "$user:" "$home/b/res.json"
U "$WARD" update --resources "$home/b/res.json" u1
is update_sets_the_units_property "$?" 0

cfg '.process.args = ["true"]'
like another_unit_runs_beside_it "$(U "$WARD" --systemd-cgroup run u1b 2>&1 </dev/null; echo "rc=$?")" '^rc=0$'
cfg '.linux.cgroupsPath = ":ward:u1"'
like the_same_name_is_refused_by_systemd "$(U "$WARD" --systemd-cgroup run dup 2>&1 </dev/null; echo "rc=$?")" \
	'UnitExists.*rc=1'
is the_first_container_is_untouched "$(SC show -p ActiveState --value ward-u1.scope) $(grep -c . "$CGROUP_ROOT$unit_cg/cgroup.procs")" "active 2"

U "$WARD" delete --force u1
is delete_leaves_no_unit "$(SC list-units --all --no-legend 'ward-*' | wc -l)" 0
check delete_leaves_no_cgroup test ! -d "$CGROUP_ROOT$unit_cg"

# a create that fails once the unit exists (a limit the hierarchy cannot enforce here)
cfg 'del(.linux.cgroupsPath) | .linux.resources.pids.limit = 10 | .linux.resources.unified = {"pids.max": "bogus"}'
like a_refused_limit_fails_create "$(U "$WARD" --systemd-cgroup run bad 2>&1 </dev/null; echo "rc=$?")" 'pids.*rc=1$'
is a_failed_create_leaves_no_unit "$(SC list-units --all --no-legend 'ward-*' | wc -l) $(ls "$XDG/ward")" "0 "
done_testing
