#!/bin/bash
# Runs inside the systemd tier's VM (a Debian 12 system: systemd as PID 1, pure cgroup v2 with
# nsdelegate, AppArmor) as ward-sdvm-tests.service, once the engines are up; its stdout is the
# second serial port, read by tests/vm/systemd/run-vm.sh. Prints TAP between two markers.
# Every engine runs with its defaults: the systemd cgroup driver, its own seccomp and AppArmor
# profiles, ward's default policy (no policy file). The runtime is /usr/local/bin/ward
# (guest/setup.sh installed it): ward, or runc in the comparison mode (WARD_SDVM_RUNTIME=runc),
# which shows that each test passes with the reference runtime. Each case is checked from inside
# the container and from systemd: the scope unit (`systemctl show`/`status`) and its cgroup files.
#
# The plan is fixed: tests/integration/systemd-vm.sh expects exactly this many results.
PLAN=63

set -u
# shellcheck source=/dev/null
. /ward/env
RT=/usr/local/bin/ward
ROOTFS=/srv/ward-sdvm/rootfs
ROOTFS_TAR=/srv/ward-sdvm/rootfs.tar
CG=/sys/fs/cgroup
DOCKER_STATE=/run/docker/runtime-runc/moby
USER_NAME=wardtest
USER_UID=$(id -u "$USER_NAME")
WORK=/tmp/ward-sdvm
mkdir -p "$WORK"
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

echo "WARD-SDVM-TAP-BEGIN"
N=0
ok() {
	N=$((N + 1))
	echo "ok $N - $1"
}
diag() { printf '%s\n' "$@" | sed 's/^/# /'; }
not_ok() {
	N=$((N + 1))
	echo "not ok $N - $1"
	shift
	for line in "$@"; do diag "$line"; done
}
# A failure shows the stderr of the last command R ran too: the engine's and runtime's errors.
is() { # is NAME GOT EXPECTED
	if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1" "got:      '$2'" "expected: '$3'" "stderr:   '$ERR'"; fi
}
like() { # like NAME GOT ERE (matched against any line of GOT)
	if printf '%s\n' "$2" | grep -Eq -- "$3"; then ok "$1"; else not_ok "$1" "got:      '$2'" "expected to match: /$3/" "stderr:   '$ERR'"; fi
}
# Every engine command gets a deadline, so a hang costs one test rather than the whole run.
T() { timeout -k 5 120 "$@"; }
# R COMMAND...: runs it with a deadline; OUT is its stdout, ERR its stderr (where the engines
# and runtimes also warn), RC its status.
ERR=
R() {
	OUT=$(T "$@" 2>"$WORK/stderr" </dev/null)
	RC=$?
	ERR=$(cat "$WORK/stderr")
}
prop() { systemctl show -p "$2" --value "$1" 2>/dev/null; }
# The ordinary user's own engine: its systemd user manager and bus, as a login would give them
# (a command, not a function, so that R's timeout can run it).
AS_USER=(runuser -u "$USER_NAME" -- env -i -C "/home/$USER_NAME" HOME="/home/$USER_NAME"
	PATH="$PATH" XDG_RUNTIME_DIR="/run/user/$USER_UID"
	DBUS_SESSION_BUS_ADDRESS="unix:path=/run/user/$USER_UID/bus")
as_user() { "${AS_USER[@]}" "$@"; }
uprop() { as_user systemctl --user show -p "$2" --value "$1" 2>/dev/null; }
wait_for() { # wait_for SECONDS COMMAND...: until COMMAND succeeds
	local end=$((SECONDS + $1))
	shift
	until "$@"; do
		[ "$SECONDS" -lt "$end" ] || return 1
		sleep 0.5
	done
}
scope_gone() { # the unit is gone from systemd (unloaded or inactive) and its cgroup removed
	local state
	state=$(prop "$1" ActiveState)
	[ "$state" = inactive ] || [ "$state" = failed ] && [ ! -d "$2" ]
}
section_start=$SECONDS
section() { # section NAME: the previous section's duration, as a diagnostic
	diag "---- $1 (previous section took $((SECONDS - section_start))s)"
	section_start=$SECONDS
}
# A pid of the cgroup running a process whose command line starts with ARGS (space-joined).
pid_in_cgroup() { # pid_in_cgroup CGROUP-DIR CMDLINE
	local p
	for p in $(cat "$1/cgroup.procs" 2>/dev/null); do
		[ "$(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null)" = "$2 " ] && return 0
	done
	return 1
}

echo "1..$PLAN"
diag "runtime under test: $WARD_SDVM_RUNTIME ($RT); the tests start $(cut -d' ' -f1 /proc/uptime)s after boot"

# ---- the machine ------------------------------------------------------------------------------
section machine
is systemd_is_pid_1 "$(cat /proc/1/comm)" systemd
like pure_cgroup_v2_with_nsdelegate "$(awk '$2 == "/sys/fs/cgroup" {print $3, $4}' /proc/mounts)" \
	'^cgroup2 .*nsdelegate'
like apparmor_is_an_active_lsm "$(cat /sys/kernel/security/lsm 2>&1)" '(^|,)apparmor(,|$)'
if systemctl is-active -q ward-sdvm-setup.service; then
	ok setup_installed_the_runtime_and_configured_the_engines
else
	not_ok setup_installed_the_runtime_and_configured_the_engines \
		"$(journalctl -b -u ward-sdvm-setup.service --no-pager 2>&1 | tail -n 30)"
fi

# ---- Docker: ward as its default runtime, the systemd cgroup driver -----------------------------
section docker
R docker info --format '{{.CgroupDriver}} {{.CgroupVersion}} {{.DefaultRuntime}} {{.SecurityOptions}}'
like docker_runs_with_the_systemd_driver_cgroup_v2_ward_and_apparmor "$OUT" \
	'^systemd 2 ward .*name=apparmor'
R docker import "$ROOTFS_TAR" sdvm
is docker_imports_the_busybox_rootfs "$RC" 0
[ "$RC" = 0 ] || diag "$ERR"
R docker run --rm sdvm sh -c 'echo hello; cat /proc/self/cgroup'
is docker_run_with_the_default_runtime "$RC $(echo $OUT)" "0 hello 0::/"

R docker run -d --name web -m 64m --pids-limit 50 --cpus 0.5 sdvm sleep 1000
id=$OUT
[ "$RC" = 0 ] || id=not-started
scope=docker-$id.scope
cg=$CG/system.slice/$scope
is docker_run_detached "$RC $(docker inspect -f '{{.State.Status}}' "$id" 2>&1)" "0 running"
# Docker 20.10 gives every runtime the state root /run/docker/runtime-runc/moby (containerd's
# namespace moby); the runtime reads its own state there (ward could not parse runc's).
is the_runtime_named_ward_holds_the_container \
	"$(docker inspect -f '{{.HostConfig.Runtime}}' "$id" 2>&1) $("$RT" --root "$DOCKER_STATE" state "$id" 2>&1 | jq -r .status 2>&1)" \
	"ward running"
is systemd_runs_the_container_in_a_delegated_scope_of_system_slice \
	"$(prop "$scope" ActiveState) $(prop "$scope" Slice) $(prop "$scope" Delegate)" "active system.slice yes"
pid=$(docker inspect -f '{{.State.Pid}}' "$id" 2>/dev/null)
if [ -n "$pid" ] && grep -qx "$pid" "$cg/cgroup.procs" 2>/dev/null; then
	ok the_containers_init_is_in_the_scopes_cgroup
else
	not_ok the_containers_init_is_in_the_scopes_cgroup "pid '$pid'; $cg/cgroup.procs: $(cat "$cg/cgroup.procs" 2>&1)" \
		"/proc/$pid/cgroup: $(cat "/proc/$pid/cgroup" 2>&1)"
fi
like systemctl_status_shows_the_containers_process "$(systemctl status --no-pager "$scope" 2>&1)" 'sleep 1000'
is systemd_holds_the_docker_limits \
	"$(prop "$scope" MemoryMax) $(prop "$scope" TasksMax) $(prop "$scope" CPUQuotaPerSecUSec)" "67108864 50 500ms"
is the_scopes_cgroup_files_hold_the_limits \
	"$(cat "$cg/memory.max" "$cg/pids.max" "$cg/cpu.max" 2>&1 | tr '\n' ' ')" "67108864 50 50000 100000 "
R docker exec "$id" sh -c 'cat /proc/self/cgroup /sys/fs/cgroup/memory.max /sys/fs/cgroup/pids.max /sys/fs/cgroup/cpu.max'
is docker_exec_sees_the_limits_in_its_cgroup_namespace "$RC $(echo $OUT)" "0 0::/ 67108864 50 50000 100000"
R docker exec -d "$id" sleep 777
if [ "$RC" = 0 ] && wait_for 10 pid_in_cgroup "$cg" "sleep 777"; then
	ok the_execd_process_is_in_the_scope
else
	not_ok the_execd_process_is_in_the_scope "docker exec -d: $RC $ERR" "$cg/cgroup.procs: $(cat "$cg/cgroup.procs" 2>&1)"
fi
out=$(T script -qec "docker exec -it $id sh -c 'tty; test -t 0 && echo stdin-is-a-tty'" /dev/null 2>&1 </dev/null | tr -d '\r')
like docker_exec_it_gets_a_terminal "$out" '/dev/pts/[0-9]+$'
out=$(T script -qec "docker run -it --rm sdvm sh -c 'tty; test -t 0 && echo stdin-is-a-tty'" /dev/null 2>&1 </dev/null | tr -d '\r')
like docker_run_it_gets_a_terminal "$out" 'stdin-is-a-tty'

R docker pause "$id"
is docker_pause_freezes_the_scope \
	"$RC $(docker inspect -f '{{.State.Status}}' "$id" 2>&1) $(grep '^frozen' "$cg/cgroup.events" 2>&1)" "0 paused frozen 1"
R docker unpause "$id"
is docker_unpause_thaws_it \
	"$RC $(docker inspect -f '{{.State.Status}}' "$id" 2>&1) $(grep '^frozen' "$cg/cgroup.events" 2>&1)" "0 running frozen 0"
R docker stats --no-stream --format '{{.PIDs}} {{.MemUsage}}' "$id"
like docker_stats_reports_pids_and_memory_against_the_limit "$OUT" '^[1-9][0-9]* [0-9.]+[kKMG]i?B / 64MiB$'
R docker update -m 96m --memory-swap 192m --pids-limit 60 --cpus 0.8 "$id"
is docker_update_succeeds "$RC" 0
is docker_update_reaches_systemd \
	"$(prop "$scope" MemoryMax) $(prop "$scope" TasksMax) $(prop "$scope" CPUQuotaPerSecUSec)" "100663296 60 800ms"
R docker exec "$id" sh -c 'cat /sys/fs/cgroup/memory.max /sys/fs/cgroup/memory.swap.max /sys/fs/cgroup/pids.max /sys/fs/cgroup/cpu.max'
is docker_update_reaches_the_cgroup "$RC $(echo $OUT)" "0 100663296 100663296 60 80000 100000"
start=$SECONDS
R docker stop -t 2 "$id"
is docker_stop_stops_it "$RC $(docker inspect -f '{{.State.Status}}' "$id" 2>&1)" "0 exited"
diag "docker stop took $((SECONDS - start))s"
if wait_for 20 scope_gone "$scope" "$cg"; then
	ok docker_stop_leaves_no_scope_and_no_cgroup
else
	not_ok docker_stop_leaves_no_scope_and_no_cgroup "$(systemctl status --no-pager "$scope" 2>&1 | head -n 15)" "$(ls "$cg" 2>&1 | head -n 3)"
fi
docker rm -f web >/dev/null 2>&1

# Limits enforced: past -m the allocation is OOM-killed, the fork storm stops at the limit, the
# CPU quota throttles.
R docker run --name oom -m 32m --memory-swap 32m sdvm dd if=/dev/zero of=/dev/null bs=64M count=1
oom_id=$(docker inspect -f '{{.Id}}' oom 2>/dev/null)
# Docker 20.10 leaves State.OOMKilled false on cgroup v2 (with runc too): the kernel's report
# names the memory cgroup that hit its limit, the container's scope.
is docker_m_allocation_past_the_limit_is_oom_killed \
	"$RC $(dmesg | grep -c "oom_memcg=/system.slice/docker-$oom_id.scope,.*task=dd" | sed 's/^[1-9][0-9]*$/reported/')" "137 reported"
docker rm -f oom >/dev/null 2>&1
R docker run --rm -m 32m --memory-swap 32m sdvm sh -c 'dd if=/dev/zero of=/dev/null bs=8M count=1 2>/dev/null && echo fits'
is docker_m_allocation_below_the_limit_fits "$RC $OUT" "0 fits"
R docker run --rm --pids-limit 10 sdvm sh -c 'echo max=$(cat /sys/fs/cgroup/pids.max); for i in $(seq 30); do sleep 30 & done; echo all-forked'
like docker_pids_limit_stops_a_fork_storm "$OUT $ERR" "can't fork"
is docker_pids_limit_is_pids_max_and_the_storm_did_not_finish \
	"$(printf '%s\n' "$OUT" | grep '^max=') $(printf '%s\n' "$OUT" | grep -c all-forked)" "max=10 0"
R docker run --rm --cpus 0.5 sdvm sh -c 'timeout 4 sh -c "while :; do :; done"; cat /sys/fs/cgroup/cpu.stat'
cpu_stat() { printf '%s\n' "$OUT" | awk -v k="$1" '$1 == k {print $2}'; }
usage=$(cpu_stat usage_usec) periods=$(cpu_stat nr_periods) throttled=$(cpu_stat nr_throttled)
# The kernel's throttling is the proof. Under TCG on a loaded host the period timer fires late,
# so the usage overshoots the quota's 50%; it still stays well below the periods' whole length.
if [ "${throttled:-0}" -gt 0 ] && [ -n "$usage" ] && [ "$usage" -lt $((${periods:-0} * 90000)) ]; then
	ok docker_cpus_throttles_a_busy_loop
else
	not_ok docker_cpus_throttles_a_busy_loop "4 s of a busy loop under --cpus 0.5: $(echo $OUT)"
fi
diag "--cpus 0.5, 4 s busy loop: usage ${usage:-?} us in ${periods:-?} periods of 100 ms, throttled in ${throttled:-?}"

# AppArmor: Docker's docker-default profile, loaded by dockerd, applied by the runtime; and the
# runtime named explicitly with --runtime.
R docker run --rm --runtime ward sdvm sh -c 'cat /proc/self/attr/current; echo; cat /proc/self/cgroup'
like docker_runtime_ward_applies_docker_default_apparmor "$OUT" '^docker-default \(enforce\)'
R docker run -d --runtime ward --name explicit sdvm sleep 1000
is docker_runtime_ward_detached "$RC $("$RT" --root "$DOCKER_STATE" state "$OUT" 2>&1 | jq -r .status 2>&1)" "0 running"
R docker exec explicit cat /proc/1/attr/current
like docker_exec_runs_under_docker_default_too "$OUT" '^docker-default \(enforce\)'
docker rm -f explicit >/dev/null 2>&1

# ---- containerd: ctr, the form the CRI plugin uses (slice:prefix:name) -------------------------
section containerd
# An unpacked root filesystem (--rootfs) brings no image config: no PATH, so it is given and
# the programs are named by their paths.
# containerd's default spec has no cgroup namespace and no cgroup mount: runc leaves the
# container in the host's namespace, ward's policy adds a private one (private-cgroup-namespace);
# the limits are read from the scope's cgroup.
R ctr -n sdvm run --rm --runc-binary "$RT" --runc-systemd-cgroup --cgroup system.slice:ctr:c1 --env PATH=/bin:/sbin \
	--memory-limit 67108864 --cpus 0.5 --rootfs "$ROOTFS" c1 /bin/cat /proc/self/cgroup
like ctr_run_places_the_container_in_its_scope "$RC $OUT" '^0 0::/(system.slice/ctr-c1.scope)?$'
R ctr -n sdvm run -d --runc-binary "$RT" --runc-systemd-cgroup --cgroup system.slice:ctr:c2 --env PATH=/bin:/sbin \
	--memory-limit 67108864 --cpus 0.5 --rootfs "$ROOTFS" c2 /bin/sleep 1000
cscope=ctr-c2.scope
ccg=$CG/system.slice/$cscope
is ctr_detached_container_is_a_scope_of_system_slice_with_its_limits \
	"$RC $(prop "$cscope" ActiveState) $(prop "$cscope" Slice) $(prop "$cscope" MemoryMax) $(prop "$cscope" CPUQuotaPerSecUSec) $(cat "$ccg/memory.max" "$ccg/cpu.max" 2>&1 | tr '\n' ' ')" \
	"0 active system.slice 67108864 500ms 67108864 50000 100000 "
like ctr_task_is_listed_running "$(T ctr -n sdvm task ls 2>&1)" '^c2 +[0-9]+ +RUNNING'
T ctr -n sdvm task kill -s KILL c2 >/dev/null 2>&1
wait_for 20 sh -c '! ctr -n sdvm task ls 2>/dev/null | grep -q "^c2 .*RUNNING"'
T ctr -n sdvm task rm c2 >/dev/null 2>&1
T ctr -n sdvm container rm c2 >/dev/null 2>&1
if wait_for 20 scope_gone "$cscope" "$ccg"; then
	ok ctr_killed_container_leaves_no_scope
else
	not_ok ctr_killed_container_leaves_no_scope "$(systemctl status --no-pager "$cscope" 2>&1 | head -n 15)"
fi
R ctr -n sdvm run --rm --runc-binary "$RT" --runc-systemd-cgroup --cgroup system.slice:ctr:c3 --env PATH=/bin:/sbin \
	--memory-limit 33554432 --rootfs "$ROOTFS" c3 /bin/dd if=/dev/zero of=/dev/null bs=64M count=1
is ctr_allocation_past_the_limit_is_oom_killed "$RC" 137

# ---- Podman as root: cgroup_manager systemd -------------------------------------------------
section podman
R podman info --format '{{.Host.CgroupManager}} {{.Host.CgroupsVersion}} {{.Host.OCIRuntime.Path}}'
is podman_runs_with_systemd_cgroup_v2_and_ward "$OUT" "systemd v2 $RT"
R podman import -q "$ROOTFS_TAR" sdvm
is podman_imports_the_busybox_rootfs "$RC" 0
[ "$RC" = 0 ] || diag "$ERR"
R podman run --rm --network none sdvm sh -c 'echo hello; cat /proc/self/cgroup'
is podman_run "$RC $(echo $OUT)" "0 hello 0::/"
R podman run -d --network none -m 64m --pids-limit 30 sdvm sleep 1000
pid_=$OUT
[ "$RC" = 0 ] || pid_=not-started
pscope=libpod-$pid_.scope
pcg=$CG/machine.slice/$pscope
is podman_container_is_a_delegated_scope_of_machine_slice_with_its_limits \
	"$RC $(prop "$pscope" ActiveState) $(prop "$pscope" Slice) $(prop "$pscope" Delegate) $(prop "$pscope" MemoryMax) $(prop "$pscope" TasksMax)" \
	"0 active machine.slice yes 67108864 30"
R podman exec "$pid_" sh -c 'cat /sys/fs/cgroup/memory.max /sys/fs/cgroup/pids.max'
is podman_exec_sees_the_limits "$RC $(echo $OUT) $(cat "$pcg/memory.max" "$pcg/pids.max" 2>&1 | tr '\n' ' ')" \
	"0 67108864 30 67108864 30 "
R podman pause "$pid_"
is podman_pause_freezes_the_scope "$RC $(grep '^frozen' "$pcg/cgroup.events" 2>&1)" "0 frozen 1"
R podman unpause "$pid_"
R podman stop -t 2 "$pid_"
if [ "$RC" = 0 ] && wait_for 20 scope_gone "$pscope" "$pcg"; then
	ok podman_stop_leaves_no_scope
else
	not_ok podman_stop_leaves_no_scope "podman stop: $RC $ERR" "$(systemctl status --no-pager "$pscope" 2>&1 | head -n 15)"
fi
podman rm -f "$pid_" >/dev/null 2>&1
R podman run --rm --network none -m 32m --memory-swap 32m sdvm dd if=/dev/zero of=/dev/null bs=64M count=1
is podman_allocation_past_the_limit_is_oom_killed "$RC" 137

# ---- Podman rootless: an ordinary user with a lingering systemd user session --------------------
section podman-rootless
ucg=$CG/user.slice/user-$USER_UID.slice/user@$USER_UID.service
if wait_for 60 systemctl is-active -q "user@$USER_UID.service" && wait_for 30 test -S "/run/user/$USER_UID/bus"; then
	ok the_users_lingering_systemd_manager_runs
else
	not_ok the_users_lingering_systemd_manager_runs "$(systemctl status --no-pager "user@$USER_UID.service" 2>&1 | head -n 15)"
fi
like the_users_cgroup_is_delegated_memory_pids_and_cpu "$(cat "$ucg/cgroup.controllers" 2>&1)" \
	'(^| )cpu( |$).*memory.*pids'
R "${AS_USER[@]}" podman info --format '{{.Host.CgroupManager}} {{.Host.CgroupsVersion}} {{.Host.Security.Rootless}} {{.Host.OCIRuntime.Path}}'
is rootless_podman_runs_with_systemd_and_ward "$OUT" "systemd v2 true $RT"
R "${AS_USER[@]}" podman import -q "$ROOTFS_TAR" sdvm
is rootless_podman_imports_the_rootfs "$RC" 0
[ "$RC" = 0 ] || diag "$ERR"
R "${AS_USER[@]}" podman run --rm --network none sdvm sh -c 'id -u; cat /proc/self/cgroup'
is rootless_podman_run "$RC $(echo $OUT)" "0 0 0::/"
R "${AS_USER[@]}" podman run -d --network none -m 64m --pids-limit 30 sdvm sleep 1000
rid=$OUT
[ "$RC" = 0 ] || rid=not-started
rscope=libpod-$rid.scope
rcg=$CG$(uprop "$rscope" ControlGroup)
is rootless_container_is_a_scope_of_the_users_manager_with_its_limits \
	"$RC $(uprop "$rscope" ActiveState) $(uprop "$rscope" MemoryMax) $(uprop "$rscope" TasksMax)" \
	"0 active 67108864 30"
like rootless_scope_lies_in_the_users_delegated_cgroup "$rcg" "^$ucg/.*/$rscope\$"
R "${AS_USER[@]}" podman exec "$rid" sh -c 'cat /sys/fs/cgroup/memory.max /sys/fs/cgroup/pids.max; id -u'
is rootless_exec_sees_the_limits "$RC $(echo $OUT) $(cat "$rcg/memory.max" "$rcg/pids.max" 2>&1 | tr '\n' ' ')" \
	"0 67108864 30 0 67108864 30 "
R "${AS_USER[@]}" podman stop -t 2 "$rid"
if [ "$RC" = 0 ] && wait_for 20 test ! -d "$rcg"; then
	ok rootless_stop_leaves_no_cgroup
else
	not_ok rootless_stop_leaves_no_cgroup "podman stop: $RC $ERR" "$(ls "$rcg" 2>&1 | head -n 3)"
fi
as_user podman rm -f "$rid" >/dev/null 2>&1
R "${AS_USER[@]}" podman run --rm --network none -m 32m --memory-swap 32m sdvm dd if=/dev/zero of=/dev/null bs=64M count=1
is rootless_allocation_past_the_limit_is_oom_killed "$RC" 137
R "${AS_USER[@]}" podman run --rm --network none --pids-limit 10 sdvm sh -c 'echo max=$(cat /sys/fs/cgroup/pids.max); for i in $(seq 30); do sleep 30 & done; echo all-forked'
is rootless_pids_limit_stops_a_fork_storm \
	"$(printf '%s\n' "$OUT" | grep '^max=') $(printf '%s\n' "$ERR" | grep -c "can't fork" | sed 's/^[1-9][0-9]*$/forkfailed/') $(printf '%s\n' "$OUT" | grep -c all-forked)" \
	"max=10 forkfailed 0"

# ---- buildah: a Containerfile with RUN steps through the runtime ---------------------------
section buildah
ctx=$WORK/build
mkdir -p "$ctx"
cat >"$ctx/Containerfile" <<'EOF'
FROM localhost/sdvm
RUN echo built-by-run >/built && cat /proc/self/cgroup >/run-cgroup && \
	grep " /sys/fs/cgroup " /proc/self/mountinfo >/run-cgroup-mount
RUN test "$(cat /built)" = built-by-run && echo second-step >>/built
EOF
R buildah bud --runtime "$RT" --network none --pull=never -t localhost/built -f "$ctx/Containerfile" "$ctx"
is buildah_bud_runs_the_run_steps_through_the_runtime "$RC" 0
[ "$RC" = 0 ] || diag "$ERR"
R podman run --rm --network none localhost/built cat /built /run-cgroup
is the_built_image_holds_what_the_run_steps_wrote "$RC $(echo $OUT)" "0 built-by-run second-step 0::/"
diag "a RUN step's cgroup mount: $(T podman run --rm --network none localhost/built cat /run-cgroup-mount 2>&1)"

# ---- the policy: a writable cgroup2 in the container's own namespace, under nsdelegate --------
section policy
b=$WORK/cgrw
mkdir -p "$b"
(cd "$b" && rm -f config.json && "$RT" spec >/dev/null 2>&1)
jq --arg root "$ROOTFS" '.root.path = $root | .process.terminal = false |
	.process.args = ["sh", "-c", "echo 1 >/sys/fs/cgroup/cgroup.freeze 2>/dev/null && echo FROZE; echo 1 >/sys/fs/cgroup/pids.max 2>/dev/null && echo LIFTED; mkdir /sys/fs/cgroup/sub && echo SUB"] |
	.linux.cgroupsPath = "/sdvm-policy/cgrw" |
	.linux.namespaces |= (map(select(.type != "cgroup")) + [{type: "cgroup"}]) |
	.mounts |= map(if .type == "cgroup" or .type == "cgroup2" then .options = ["nosuid", "noexec", "nodev", "rw"] else . end)' \
	"$b/config.json" >"$b/config.tmp" 2>&1 && mv "$b/config.tmp" "$b/config.json"
R "$RT" --root /run/sdvm-policy run -b "$b" cgrw
is writable_cgroup2_in_its_own_namespace_runs_and_cannot_touch_its_root "$RC $(echo $OUT)" "0 SUB"
rmdir /sys/fs/cgroup/sdvm-policy/cgrw/sub /sys/fs/cgroup/sdvm-policy/cgrw /sys/fs/cgroup/sdvm-policy 2>/dev/null

# ---- nothing left behind ------------------------------------------------------------------
section leftovers
left=$(systemctl list-units --all --type=scope --no-legend --plain 2>/dev/null | awk '{print $1}' |
	grep -E '^(docker|libpod|ctr)-' | grep -v '^libpod-conmon-')
is no_container_scope_is_left_in_systemd "$left" ""
is no_container_is_left_in_the_runtimes_state "$("$RT" --root "$DOCKER_STATE" list -q 2>/dev/null | grep -c .)" 0
diag "tests done in ${SECONDS}s since the payload started"
echo "WARD-SDVM-TAP-END rc=0"
