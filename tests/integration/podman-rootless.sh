#!/bin/bash
# Rootless podman 4.3 with ward as its runtime, run by an ordinary user created for the test
# (subordinate ids from useradd): ward runs as root of podman's user namespace, so it must see
# that it is rootless (runc's rule), keep its state in $XDG_RUNTIME_DIR/ward without --root,
# run without a cgroup when the user's cgroup is not delegated (and say so), and create the
# container's cgroup below the user's own when it is. Devices are then the user namespace's
# business: no device program, no mknod, the host's nodes bound.
. "$(dirname "$0")/lib/common.sh"

for tool in podman newuidmap newgidmap; do
	if ! command -v $tool >/dev/null; then
		echo "Bail out! $tool is not installed (contrib/test installs podman and uidmap)"
		exit 1
	fi
done

user=ward-pm$$
# podman refuses a runroot longer than 50 characters: keep its directories short.
pm=$(mktemp -d /tmp/ward-pmu.XXXXXX)
plain="$CGROUP_ROOT$CGROUP_PARENT/plain" # root's, as a user's login cgroup is without systemd
deleg="$CGROUP_ROOT$CGROUP_PARENT/deleg" # the user's own, as systemd's Delegate=yes makes it

teardown() {
	if id "$user" >/dev/null 2>&1; then
		U_in "$plain" rm -af -t 0 >/dev/null 2>&1
		local uid pids
		uid=$(id -u "$user")
		# podman's pause process (it holds the user namespace) and anything else of the
		# user's: only this test's user runs them.
		for _ in $(seq 50); do
			pids=$(pgrep -u "$uid")
			[ -z "$pids" ] && break
			kill -9 $pids 2>/dev/null
			sleep 0.1
		done
		userdel "$user" 2>/dev/null
	fi
	rmdir "$deleg"/* "$deleg" "$plain" 2>/dev/null
	rm -rf "$pm"
}
trap 'teardown; cleanup' EXIT

useradd -M -d "$pm/home" -s /bin/sh "$user" || { echo "Bail out! cannot create the test user"; exit 1; }
uid=$(id -u "$user")
subuid=$(awk -F: -v u="$user" '$1 == u {print $2 ":" $3; exit}' /etc/subuid)
like useradd_gave_subordinate_ids "$subuid:$(grep -c "^$user:" /etc/subgid)" '^[0-9]+:65536:1$'
subuid=${subuid%%:*}

chmod 0755 "$pm"
mkdir -p "$pm/xdg" "$pm/home" "$pm/tmp" "$pm/storage" "$pm/run"
install -m 0755 "$WARD" "$pm/ward"
chown "$user:" "$pm/xdg" "$pm/home" "$pm/tmp" "$pm/storage" "$pm/run"
chmod 0700 "$pm/xdg"
podman_conf "$pm/containers.conf" "$pm/tmp/events.log"
tar -C "$ROOTFS" -cf "$pm/rootfs.tar" .
mkdir -p "$plain" "$deleg"
# Delegation as systemd does it: the directory and the files that let its owner create
# children and move processes (cgroup v2's delegation model).
chown "$user:" "$deleg" "$deleg/cgroup.procs" "$deleg/cgroup.subtree_control" "$deleg/cgroup.threads"

# U_in CGROUP ARGS...: podman as the user, started from CGROUP, with ward as its runtime and
# no global flags for it (podman passes none).
U_in() {
	local cg=$1
	shift
	sh -c 'echo $$ >"$0/cgroup.procs" && exec "$@"' "$cg" \
		su "$user" -s /bin/sh -c "cd '$pm/home' && HOME='$pm/home' XDG_RUNTIME_DIR='$pm/xdg' \
			CONTAINERS_CONF='$pm/containers.conf' podman --root '$pm/storage' \
			--runroot '$pm/run' --storage-driver vfs --runtime '$pm/ward' \
			--tmpdir '$pm/tmp' $(printf '%q ' "$@")"
}
P() { U_in "$plain" "$@"; }
D() { U_in "$deleg" "$@"; }
host_cgroup() { sed -n 's/^0:://p' "/proc/$1/cgroup"; }

out=$(P import "$pm/rootfs.tar" localhost/wardtest 2>&1)
is rootless_podman_imports_the_image "$?" 0
diag "$(echo "$out" | tail -n 1)"

# --- The user's cgroup is not delegated ---------------------------------------------------
# (ward's create-time warnings share the container's stderr: left out here, checked below)
out=$(P run --rm --network none localhost/wardtest sh -c 'echo hello; id -u; cat /proc/self/uid_map | tr -s " "' 2>&1 |
	grep -v '^ward: warning: ')
is rootless_podman_run_prints "$(echo "$out" | sed -n 1p)" hello
is root_in_the_container_is_root_of_podmans_userns "$(echo "$out" | sed -n 2p)" 0
like the_container_is_in_podmans_user_namespace "$(echo "$out" | sed -n 3,4p)" \
	"^ 0 $uid 1
 1 $subuid 65536$"
out=$(P run --rm --network none localhost/wardtest sh -c 'exit 4' 2>/dev/null; echo "rc=$?")
is rootless_podman_run_returns_the_exit_status "$out" rc=4

# Devices: no device program can be loaded, so the user namespace is the guard: the host's
# nodes are bound (mknod is not permitted) and no new node can be made, CAP_MKNOD or not.
out=$(P run --rm --network none localhost/wardtest sh -c 'awk "\$5 == \"/dev/null\" {print \$4, \$9}" /proc/self/mountinfo; mknod /dev/sda1 b 8 1 2>&1; echo rc=$?' 2>/dev/null)
is default_devices_are_the_hosts_nodes_bound "$(echo "$out" | sed -n 1p)" "/null devtmpfs"
like no_device_node_can_be_made "$(echo "$out" | sed -n 2,3p)" 'Operation not permitted.*rc=1'

cid=$(P run -d --network none localhost/wardtest sh -c "trap 'exit 0' TERM; while :; do sleep 1; done; : $MARK" 2>/dev/null)
pid=$(P inspect --format '{{.State.Pid}}' "$cid" 2>/dev/null)
is state_is_kept_in_xdg_runtime_dir_without_root "$(ls "$pm/xdg/ward" 2>&1 | grep -c "^$cid$")" 1
is the_container_stays_in_the_callers_cgroup "$(host_cgroup "$pid")" "$CGROUP_PARENT/plain"
# Warnings of create reach podman through the container's stderr (conmon's log).
like without_delegation_ward_says_it_runs_without_a_cgroup "$(P logs "$cid" 2>&1)" \
	'warning: rootless: cgroup .*/plain is not delegated to you; the container runs without a cgroup'
out=$(P exec "$cid" sh -c 'echo exec-ok; id -u' 2>&1)
is rootless_podman_exec "$out" "exec-ok
0"
P stop -t 5 "$cid" >/dev/null 2>&1
is rootless_podman_stop "$?" 0
is stopped_by_its_signal "$(P inspect --format '{{.State.Status}} {{.State.ExitCode}}' "$cid" 2>&1)" "exited 0"
P rm "$cid" >/dev/null 2>&1
is rootless_podman_rm_removes_wards_state "$(ls -A "$pm/xdg/ward" 2>&1 | grep -v '^cache:seccomp$')" ""

# --rootless is read: false makes ward act as root, which it is not outside podman's userns.
out=$(P --runtime-flag rootless=false run --rm --network none localhost/wardtest true 2>&1; echo "rc=$?")
like rootless_false_is_honoured "$out" 'create cgroup .*: permission denied.*rc=(126|1)'
out=$(P --runtime-flag rootless=true run --rm --network none localhost/wardtest echo forced 2>/dev/null)
is rootless_true_is_honoured "$out" forced

# --- The user's cgroup is delegated ---------------------------------------------------------
out=$(D run --rm --network none localhost/wardtest sh -c 'grep ^0:: /proc/self/cgroup; cat /sys/fs/cgroup/cgroup.procs' 2>&1)
is delegated_container_is_the_root_of_its_cgroup_namespace "$(echo "$out" | sed -n 1p)" "0::/"
# sh execs its last command: that cat, pid 1, is the cgroup's only process.
is delegated_cgroup_holds_only_the_container "$(echo "$out" | sed -n '2,$p')" 1
unlike delegated_run_gives_no_cgroup_warning "$out" 'not delegated'

cid=$(D run -d --network none localhost/wardtest sh -c "trap 'exit 0' TERM; while :; do sleep 1; done; : $MARK" 2>/dev/null)
pid=$(D inspect --format '{{.State.Pid}}' "$cid" 2>/dev/null)
is the_container_got_a_cgroup_below_the_users "$(host_cgroup "$pid")" "$CGROUP_PARENT/deleg/ward-$cid"
is exec_from_the_delegated_cgroup_joins_the_containers "$(D exec "$cid" grep ^0:: /proc/self/cgroup 2>&1)" "0::/"
# From outside the delegated subtree the kernel refuses the move; as with runc, the process
# runs in the caller's cgroup (the container has no limits), and ward says so.
out=$(P exec "$cid" grep ^0:: /proc/self/cgroup 2>&1)
like exec_from_elsewhere_stays_outside_and_says_so "$out" \
	"^0::/\.\./\.\./plain
.*cannot move the process into the container's cgroup .* from yours"
D stop -t 5 "$cid" >/dev/null 2>&1
is delegated_podman_stop "$?" 0
D rm "$cid" >/dev/null 2>&1
is delegated_rm_removes_the_containers_cgroup "$(find "$deleg" -mindepth 1 -type d)" ""

teardown
is the_test_user_and_its_ids_are_gone "$(id "$user" 2>&1 | grep -c 'no such user'):$(grep -c "^$user:" /etc/subuid /etc/subgid | tr '\n' ' ')" \
	"1:/etc/subuid:0 /etc/subgid:0 "
assert_no_leftovers
done_testing
