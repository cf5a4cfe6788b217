#!/bin/bash
# ward run end to end: exit status, pid 1, namespaces, stdio, signals, state and pid files.
. "$(dirname "$0")/lib/common.sh"

b=$(new_bundle basic 'exit 3')
ward_run "$b" basic
is returns_the_container_exit_status "$RC" 3

b=$(new_bundle pid1 'echo $$')
ward_run "$b" pid1
is process_is_pid_1_of_its_namespace "$OUT" 1

b=$(new_bundle ns 'for n in pid net ipc uts mnt cgroup; do echo "$n $(readlink /proc/self/ns/$n)"; done')
ward_run "$b" ns
for n in pid net ipc uts mnt cgroup; do
	inside=$(echo "$OUT" | awk -v n="$n" '$1 == n {print $2}')
	host=$(readlink /proc/self/ns/$n)
	if [ -n "$inside" ] && [ "$inside" != "$host" ]; then
		ok "has_a_private_${n}_namespace"
	else
		not_ok "has_a_private_${n}_namespace" "inside: '$inside' host: '$host'"
	fi
done

b=$(new_bundle host 'hostname')
edit_config "$b" '.hostname = "box-42"'
ward_run "$b" host
is sets_the_hostname "$OUT" box-42

b=$(new_bundle stdio 'read line; echo "out:$line"; echo "err:$line" >&2')
out=$(echo piped | "$WARD" --root "$STATE_ROOT" run -b "$b" stdio 2>"$WORK/err")
is passes_stdin_and_stdout_through "$out" "out:piped"
is passes_stderr_through "$(cat "$WORK/err")" "err:piped"

# SIGTERM sent to ward reaches the container's process, which exits through its trap.
b=$(new_bundle sig "trap 'exit 7' TERM; echo ready; while :; do sleep 1; done; : $MARK")
"$WARD" --root "$STATE_ROOT" run -b "$b" sig >"$WORK/sig.out" 2>&1 &
wpid=$!
for _ in $(seq 100); do grep -q ready "$WORK/sig.out" && break; sleep 0.05; done
kill -TERM "$wpid"
wait "$wpid"
is forwards_signals_to_the_container "$?" 7

# A process killed by signal N gives 128+N.
b=$(new_bundle killed "sleep 100; : $MARK")
"$WARD" --root "$STATE_ROOT" run -b "$b" --pid-file "$WORK/killed.pid" killed >/dev/null 2>&1 &
wpid=$!
for _ in $(seq 100); do [ -s "$WORK/killed.pid" ] && break; sleep 0.05; done
pid=$(cat "$WORK/killed.pid")
like pid_file_holds_a_decimal_pid "$pid" '^[0-9]+$'
is pid_file_has_no_trailing_newline "$(tail -c 1 "$WORK/killed.pid" | od -An -c | tr -d ' ')" "${pid: -1}"
is pid_file_names_the_container_process "$(cut -d' ' -f1 /proc/"$pid"/stat 2>/dev/null)" "$pid"
kill -KILL "$pid"
wait "$wpid"
is killed_container_exits_with_128_plus_signal "$?" 137

b=$(new_bundle keep 'true')
ward_run "$b" keep --keep
if [ -f "$STATE_ROOT/keep/state.json" ] && jq -e '.id == "keep" and (.pid | type == "number")' "$STATE_ROOT/keep/state.json" >/dev/null; then
	ok keep_leaves_the_state_json
else
	not_ok keep_leaves_the_state_json "$(ls -la "$STATE_ROOT" 2>&1)"
fi
"$WARD" --root "$STATE_ROOT" delete keep

b=$(new_bundle gone 'true')
ward_run "$b" gone
if [ ! -e "$STATE_ROOT/gone" ]; then ok removes_the_state_after_exit; else not_ok removes_the_state_after_exit; fi

# A namespace given by path is joined: the second container shares the first one's network.
b=$(new_bundle netowner "sleep 30; : $MARK")
"$WARD" --root "$STATE_ROOT" run -b "$b" --pid-file "$WORK/owner.pid" netowner >/dev/null 2>&1 &
wpid=$!
for _ in $(seq 100); do [ -s "$WORK/owner.pid" ] && break; sleep 0.05; done
owner=$(cat "$WORK/owner.pid")
b=$(new_bundle joiner 'readlink /proc/self/ns/net; readlink /proc/self/ns/uts')
edit_config "$b" '.linux.namespaces |= map(if .type == "network" then .path = $p else . end)' \
	--arg p "/proc/$owner/ns/net"
ward_run "$b" joiner
is joins_a_namespace_given_by_path "$(echo "$OUT" | sed -n 1p)" "$(readlink /proc/"$owner"/ns/net)"
unlike creates_the_other_namespaces_anew "$(echo "$OUT" | sed -n 2p)" "^$(readlink /proc/"$owner"/ns/uts)\$"
kill -KILL "$owner"
wait "$wpid"

# A user namespace: the maps are written before the container goes on; root inside is not
# root outside.
b=$(new_bundle userns 'id -u; cat /proc/self/uid_map')
edit_config "$b" '.linux.namespaces += [{type: "user"}] |
	.linux.uidMappings = [{containerID: 0, hostID: 200000, size: 65536}] |
	.linux.gidMappings = [{containerID: 0, hostID: 200000, size: 65536}]'
ward_run "$b" userns
is maps_root_in_a_user_namespace "$(echo "$OUT" | tr -s ' ' | tr '\n' '|')" "0| 0 200000 65536|"

# A user namespace given by path is joined; the other namespaces are created inside it.
b=$(new_bundle usernsowner "sleep 30; : $MARK")
edit_config "$b" '.linux.namespaces += [{type: "user"}] |
	.linux.uidMappings = [{containerID: 0, hostID: 210000, size: 65536}] |
	.linux.gidMappings = [{containerID: 0, hostID: 210000, size: 65536}]'
"$WARD" --root "$STATE_ROOT" run -d -b "$b" --pid-file "$WORK/uo.pid" usernsowner </dev/null
uo=$(cat "$WORK/uo.pid")
b=$(new_bundle usernsjoiner 'readlink /proc/self/ns/user; cat /proc/self/uid_map | tr -s " "')
edit_config "$b" '.linux.namespaces += [{type: "user", path: $p}]' --arg p "/proc/$uo/ns/user"
ward_run "$b" usernsjoiner
is joins_a_user_namespace_given_by_path "$(echo "$OUT" | sed -n 1p)" "$(readlink /proc/"$uo"/ns/user)"
is the_joined_namespace_keeps_its_mapping "$(echo "$OUT" | sed -n 2p)" " 0 210000 65536"
"$WARD" --root "$STATE_ROOT" delete --force usernsowner

# A rootfs owned by the mapped root is the container root's: it writes, the host sees 200000.
private_rootfs "$WORK/mappedroot"
chown -R 200000:200000 "$WORK/mappedroot"
b=$(new_bundle mappedroot 'stat -c %u:%g /bin/busybox; touch /written && echo wrote')
edit_config "$b" '.root.path = $r | .root.readonly = false | .linux.namespaces += [{type: "user"}] |
	.linux.uidMappings = [{containerID: 0, hostID: 200000, size: 65536}] |
	.linux.gidMappings = [{containerID: 0, hostID: 200000, size: 65536}]' --arg r "$WORK/mappedroot"
ward_run "$b" mappedroot
is files_of_the_mapped_root_appear_owned_by_root "$(echo "$OUT" | tr '\n' ' ')" "0:0 wrote "
is writes_land_owned_by_the_mapped_uid "$(stat -c %u:%g "$WORK/mappedroot/written")" "200000:200000"

assert_no_leftovers
done_testing
