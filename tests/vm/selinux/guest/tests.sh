#!/bin/bash
# Runs inside the SELinux tier's VM (a Debian 12 system with systemd, Debian's reference policy
# "default" enforcing, the tier's policy module wardtest) as ward-sdvm-tests.service, unconfined_t;
# its stdout is the second serial port, read by tests/vm/systemd/run-vm.sh. Prints TAP between
# two markers. The runtime is /usr/local/bin/ward (guest/setup.sh installed it): ward, or runc
# in the comparison mode (WARD_SDVM_RUNTIME=runc).
# The confined domain is wardtest_container_t: it may use its own files (wardtest_file_t, the
# root filesystem under /srv/wardtest and linux.mountLabel) and nothing of the host. Each case
# is checked from inside the container (/proc/self/attr/current, mountinfo, coreutils' stat -c
# %C) and from the host (/proc/PID/attr/current, stat of /proc/PID/root/..., the kernel's AVC
# records in dmesg).
#
# The plan is fixed: tests/integration/selinux-vm.sh expects exactly this many results.
PLAN=52

set -u
# The runtime runs at level s0, as runtimes do: the pipes it hands its containers are then s0
# objects, which a container of any categories may write (one of s0-s0:c0.c1023, the unit's
# range, it may not: MCS). The unit's own output (the serial port) stays open across the exec.
if [ "$(id -Z)" != unconfined_u:unconfined_r:unconfined_t:s0 ] && [ -z "${WARDTEST_AT_S0:-}" ]; then
	WARDTEST_AT_S0=1 exec runcon -l s0 /bin/bash "$0" "$@"
fi
# shellcheck source=/dev/null
. /ward/env
RT=/usr/local/bin/ward
ROOTFS=/srv/wardtest/rootfs
STATE=/run/wardtest
# The tests' files, the runtime's stderr among them (the containers inherit it), are the
# confined domain's type (/srv/wardtest is wardtest_file_t).
WORK=/srv/wardtest/work
mkdir -p "$WORK"
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
# The labels: categories keep two containers apart (mcs_constrained).
PL=system_u:system_r:wardtest_container_t:s0:c1,c2
PL2=system_u:system_r:wardtest_container_t:s0:c3,c4
ML=system_u:object_r:wardtest_file_t:s0:c1,c2

avc_since() { # the kernel's AVC denials logged after the mark $1 (a dmesg line count)
	dmesg | tail -n +"$(($1 + 1))" | grep 'avc: *denied'
}
mark() { dmesg | wc -l; }

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
# A failure shows the last command's stderr and the kernel's denials since it started.
is() { # is NAME GOT EXPECTED
	if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1" "got:      '$2'" "expected: '$3'" "stderr:   '$ERR'" "$(avc_since "$MARK")"; fi
}
like() { # like NAME GOT ERE (matched against any line of GOT)
	if printf '%s\n' "$2" | grep -Eq -- "$3"; then ok "$1"; else not_ok "$1" "got:      '$2'" "expected to match: /$3/" "stderr:   '$ERR'" "$(avc_since "$MARK")"; fi
}
T() { timeout -k 5 120 "$@"; }
ERR=
MARK=0
R() {
	MARK=$(mark)
	OUT=$(T "$@" 2>"$WORK/stderr" </dev/null)
	RC=$?
	ERR=$(cat "$WORK/stderr")
}
# RD COMMAND...: R for a command that leaves a process running (run -d, exec -d), whose
# stdout must not be R's pipe.
RD() {
	MARK=$(mark)
	T "$@" >/dev/null 2>"$WORK/stderr" </dev/null
	RC=$?
	OUT=
	ERR=$(cat "$WORK/stderr")
}
section_start=$SECONDS
section() {
	diag "---- $1 (previous section took $((SECONDS - section_start))s)"
	section_start=$SECONDS
}
wait_for() { # wait_for SECONDS COMMAND...
	local end=$((SECONDS + $1))
	shift
	until "$@"; do
		[ "$SECONDS" -lt "$end" ] || return 1
		sleep 0.5
	done
}
attr() { tr -d '\0' <"/proc/$1/attr/current" 2>&1; }
# bundle NAME [JQ-FILTER]: a bundle of `ward spec` on the shared root filesystem, its process
# the given arguments (JSON array in $ARGS_JSON), changed by the filter.
bundle() {
	local b=$WORK/$1
	rm -rf "$b"
	mkdir -p "$b"
	(cd "$b" && "$RT" spec >/dev/null 2>&1) || cp "$WORK/spec.json" "$b/config.json"
	jq --arg root "$ROOTFS" --argjson args "${ARGS_JSON:-[\"sh\"]}" \
		".root.path = \$root | .process.terminal = false | .process.args = \$args | ${2:-.}" \
		"$b/config.json" >"$b/config.tmp" && mv "$b/config.tmp" "$b/config.json"
	echo "$b"
}
# The runtime's own `spec` is ward's; runc spec is the same shape.
(cd "$WORK" && "$RT" spec >/dev/null 2>&1 && mv config.json spec.json)

echo "1..$PLAN"
diag "runtime under test: $WARD_SDVM_RUNTIME ($RT); the tests start $(cut -d' ' -f1 /proc/uptime)s after boot"
diag "kernel $(uname -r); policy $(sestatus 2>/dev/null | awk -F': *' '/Loaded policy name|Policy MLS status|Max kernel policy version/ {printf "%s=%s ", $1, $2}')"

# ---- the machine ----------------------------------------------------------------------------
section machine
is selinux_is_enforcing "$(getenforce 2>&1)" Enforcing
like selinux_is_the_active_major_lsm "$(cat /sys/kernel/security/lsm 2>&1)" '(^|,)selinux(,|$)'
is build_time_labels_hold_pid_1_runs_init_t "$(attr 1) $(stat -c %C /lib/systemd/systemd 2>&1)" \
	"system_u:system_r:init_t:s0 system_u:object_r:init_exec_t:s0"
like the_tiers_policy_module_is_loaded "$(semodule -l 2>&1)" '^wardtest$'
is the_tests_run_unconfined_as_an_administrators_login_at_s0 "$(id -Z 2>&1)" "unconfined_u:unconfined_r:unconfined_t:s0"
if systemctl is-active -q ward-sdvm-setup.service; then
	ok setup_installed_the_runtime
else
	not_ok setup_installed_the_runtime "$(journalctl -b -u ward-sdvm-setup.service --no-pager 2>&1 | tail -n 30)"
fi
is the_rootfs_is_the_domains_own "$(stat -c %C "$ROOTFS/bin/busybox" 2>&1)" "system_u:object_r:wardtest_file_t:s0"
diag "the host's /dev/mqueue: $(stat -c %C /dev/mqueue 2>&1); fs_use of mqueue: $(seinfo --fs_use 2>/dev/null | grep -w mqueue)"
diag "policy capabilities: $(grep -H . /sys/fs/selinux/policy_capabilities/* 2>/dev/null | sed 's|.*/||' | tr '\n' ' ')"


# ---- process.selinuxLabel: the init and exec'd processes ------------------------------------
section process-label
ARGS_JSON='["sh","-c","cat /proc/self/attr/current; echo; cat /proc/1/attr/current"]'
b=$(bundle label ".process.selinuxLabel = \"$PL\"")
R "$RT" --root "$STATE" run -b "$b" label
is init_runs_in_process_selinuxLabel_inside "$RC $(echo $OUT | tr -d '\0')" "0 $PL $PL"

ARGS_JSON='["sleep","1000"]'
b=$(bundle det ".process.selinuxLabel = \"$PL\" | .linux.mountLabel = \"$ML\"")
RD "$RT" --root "$STATE" run -d --pid-file "$WORK/det.pid" -b "$b" det
pid=$(cat "$WORK/det.pid" 2>/dev/null)
is detached_container_runs "$RC $([ -n "$pid" ] && "$RT" --root "$STATE" state det 2>&1 | jq -r .status)" "0 running"
is the_host_sees_the_init_in_process_selinuxLabel "$(attr "${pid:-none}")" "$PL"
like ps_Z_shows_it "$(ps -eZ 2>&1 | grep ' sleep$')" "^$PL +${pid:-none} "
R "$RT" --root "$STATE" exec det sh -c 'cat /proc/self/attr/current'
is exec_runs_in_the_containers_domain "$RC $(echo $OUT | tr -d '\0')" "0 $PL"
R "$RT" --root "$STATE" exec --process-label "$PL2" det sh -c 'cat /proc/self/attr/current'
is exec_process_label_sets_the_given_label "$RC $(echo $OUT | tr -d '\0')" "0 $PL2"
RD "$RT" --root "$STATE" exec -d --pid-file "$WORK/exec.pid" --process-label "$PL2" det sleep 999
epid=$(cat "$WORK/exec.pid" 2>/dev/null)
is the_host_sees_the_execd_process_label "$RC $(attr "${epid:-none}")" "0 $PL2"
R "$RT" --root "$STATE" exec --process-label system_u:system_r:no_such_t:s0 det true
like exec_with_an_unknown_label_fails_naming_it "$RC $(echo $ERR)" "^[1-9][0-9]* .*(process.selinuxLabel|--process-label)"

# ---- linux.mountLabel: the filesystems and device nodes ward creates -------------------------
section mount-label
# The kernel shows context= among a filesystem's options; a context with categories is quoted.
R "$RT" --root "$STATE" exec det cat /proc/self/mountinfo
# mqueue takes no context= (ward labels its root: checked below).
for m in /dev:tmpfs /dev/pts:devpts /dev/shm:tmpfs; do
	mp=${m%%:*} fs=${m#*:}
	line=$(printf '%s\n' "$OUT" | awk -v mp="$mp" '$5 == mp' | tail -n 1)
	like "${fs}_at_${mp}_has_context_mountLabel_in_mountinfo" "$line" " - $fs .*context=\"?$ML\"?"
done
R "$RT" --root "$STATE" exec det coreutils-stat -c '%n %C' /dev /dev/pts /dev/shm /dev/mqueue /dev/null /dev/zero /dev/full /dev/random /dev/urandom /dev/tty /dev/pts/ptmx
inside=$OUT
diag "inside: $(echo $inside)"
for p in /dev /dev/pts /dev/shm /dev/mqueue; do
	is "the_mount_${p}_is_labelled_mountLabel_inside_and_on_the_host" \
		"$(printf '%s\n' "$inside" | awk -v p="$p" '$1 == p {print $2}') $(stat -c %C "/proc/$pid/root$p" 2>&1)" "$ML $ML"
done
for d in null zero full random urandom tty; do
	is "the_device_node_/dev/${d}_is_labelled_mountLabel_inside_and_on_the_host" \
		"$(printf '%s\n' "$inside" | awk -v p="/dev/$d" '$1 == p {print $2}') $(stat -c %C "/proc/$pid/root/dev/$d" 2>&1)" "$ML $ML"
done
R "$RT" --root "$STATE" exec det sh -c 'echo in-shm >/dev/shm/f && cat /dev/shm/f && echo in-tmp >/dev/null && echo written'
is the_domain_uses_its_mountLabel_files "$RC $(echo $OUT)" "0 in-shm written"
# Categories: a process of c3,c4 may not use the files of c1,c2.
m=$(mark)
R "$RT" --root "$STATE" exec --process-label "$PL2" det sh -c 'cat /dev/shm/f'
like another_category_is_denied_the_containers_tmpfs "$RC $ERR $(avc_since "$m")" \
	"^1 .*Permission denied.*avc: +denied .*scontext=$PL2 tcontext=$ML"

"$RT" --root "$STATE" kill det KILL >/dev/null 2>&1
[ -n "$pid" ] && wait_for 20 sh -c "! kill -0 $pid 2>/dev/null"
R "$RT" --root "$STATE" delete -f det
is delete_removes_it "$RC $("$RT" --root "$STATE" list -q 2>&1 | grep -c '^det$')" "0 0"

# ---- a file the domain may not touch --------------------------------------------------------
section denial
secret=/srv/wardtest-host/secret
mkdir -p "${secret%/*}"
echo host-secret >"$secret"
restorecon -R "${secret%/*}"
seclabel=$(stat -c %C "$secret")
diag "the host file: $secret, $seclabel"
mnt=".mounts += [{destination: \"/mnt/secret\", type: \"bind\", source: \"$secret\", options: [\"rbind\", \"ro\"]}]"
ARGS_JSON='["cat","/mnt/secret"]'
b=$(bundle denied ".process.selinuxLabel = \"$PL\" | .linux.mountLabel = \"$ML\" | $mnt")
m=$(mark)
R "$RT" --root "$STATE" run -b "$b" denied
is the_confined_domain_cannot_read_a_host_file "$RC $(printf '%s' "$ERR" | grep -c 'Permission denied')" "1 1"
like the_denial_is_an_avc_record "$(avc_since "$m")" \
	"avc: +denied +\{ (read|open)[^}]*\} .* name=\"secret\" .*scontext=$PL tcontext=$seclabel tclass=file"
b=$(bundle undenied "$mnt")
R "$RT" --root "$STATE" run -b "$b" undenied
is the_same_file_is_read_without_a_label_unconfined "$RC $OUT" "0 host-secret"

# ---- the policy on labels: unconfined types refused at baseline ------------------------------
section unconfined
ARGS_JSON='["cat","/proc/self/attr/current"]'
for t in unconfined_t spc_t; do
	b=$(bundle "unc-$t" ".process.selinuxLabel = \"system_u:system_r:$t:s0\"")
	R "$RT" --root "$STATE" run -b "$b" "unc-$t"
	if [ "$WARD_SDVM_RUNTIME" = runc ]; then
		diag "runc with $t: $RC $OUT $ERR"
		ok "selinux_unconfined_${t}_is_refused_at_baseline # SKIP runc has no policy"
	else
		like "selinux_unconfined_${t}_is_refused_at_baseline" "$RC $(echo $ERR)" \
			"^1 ward: config.json: refused by the baseline policy .* process.selinuxLabel: system_u:system_r:$t:s0 \[selinux-unconfined\]"
	fi
	"$RT" --root "$STATE" delete -f "unc-$t" >/dev/null 2>&1
done
echo 'allow = selinux-unconfined' >"$WORK/allow-unconfined.conf"
b=$(bundle unc-allowed ".process.selinuxLabel = \"unconfined_u:unconfined_r:unconfined_t:s0\"")
if [ "$WARD_SDVM_RUNTIME" = runc ]; then
	R "$RT" --root "$STATE" run -b "$b" unc-allowed
else
	R "$RT" --policy "$WORK/allow-unconfined.conf" --root "$STATE" run -b "$b" unc-allowed
fi
is unconfined_t_runs_where_the_policy_allows_it "$RC $(echo $OUT | tr -d '\0')" "0 unconfined_u:unconfined_r:unconfined_t:s0"

# ---- labels ward cannot apply fail closed, naming the field ----------------------------------
section fail-closed
ARGS_JSON='["true"]'
b=$(bundle badproc '.process.selinuxLabel = "system_u:system_r:no_such_t:s0"')
R "$RT" --root "$STATE" run -b "$b" badproc
like an_unknown_process_label_fails_naming_the_field "$RC $ERR" "^[1-9][0-9]* .*process.selinuxLabel"
is and_leaves_no_state "$("$RT" --root "$STATE" list -q 2>&1 | grep -c '^badproc$')" 0
"$RT" --root "$STATE" delete -f badproc >/dev/null 2>&1
b=$(bundle badmount '.linux.mountLabel = "system_u:object_r:no_such_t:s0"')
R "$RT" --root "$STATE" run -b "$b" badmount
like an_unknown_mount_label_fails_naming_the_field "$RC $ERR" "^[1-9][0-9]* .*linux.mountLabel"
"$RT" --root "$STATE" delete -f badmount >/dev/null 2>&1

# ---- :z / :Z relabel requests on bind mounts --------------------------------------------------
section relabel
vol=/srv/wardtest-host/vol
mkdir -p "$vol" && echo in-vol >"$vol/f" && restorecon -R "$vol"
vollabel=$(stat -c %C "$vol/f")
ARGS_JSON='["cat","/mnt/vol/f"]'
for z in z Z; do
	b=$(bundle "relabel-$z" ".process.selinuxLabel = \"$PL\" | .linux.mountLabel = \"$ML\" | .mounts += [{destination: \"/mnt/vol\", type: \"bind\", source: \"$vol\", options: [\"rbind\", \"$z\"]}]")
	R "$RT" --root "$STATE" run -b "$b" "relabel-$z"
	diag "bind with \"$z\": $RC out='$OUT' err='$ERR' label now $(stat -c %C "$vol/f")"
	like "a_bind_mount_with_${z}_is_refused_by_name" "$RC $ERR" "^1 .*mounts\[[0-9]+\]\.options.*\"$z\""
	"$RT" --root "$STATE" delete -f "relabel-$z" >/dev/null 2>&1
done
is the_host_files_label_is_unchanged "$(stat -c %C "$vol/f")" "$vollabel"

# ---- Podman: --security-opt label=... through the runtime ------------------------------------
section podman
diag "podman's storage: $(podman info --format '{{.Store.GraphDriverName}} {{.Store.GraphRoot}}' 2>&1)"
R podman import -q /srv/wardtest.tar wardtest
is podman_imports_the_rootfs "$RC" 0
R podman run --rm --network none wardtest cat /proc/self/attr/current
diag "podman run with its defaults (lxc_contexts: container_t): $RC $(echo $OUT | tr -d '\0') $ERR"
SO=(--security-opt label=type:wardtest_container_t --security-opt label=filetype:wardtest_file_t)
R podman run --rm --network none "${SO[@]}" wardtest sh -c 'cat /proc/self/attr/current; echo; coreutils-stat -c %C /dev/shm /dev/null'
like podman_label_type_runs_the_container_in_that_domain "$RC $(echo $OUT | tr -d '\0')" \
	'^0 system_u:system_r:wardtest_container_t:s0:c[0-9]+,c[0-9]+ system_u:object_r:wardtest_file_t:s0:c[0-9]+,c[0-9]+ system_u:object_r:wardtest_file_t:s0:c[0-9]+,c[0-9]+$'
RD podman run -d --network none "${SO[@]}" --security-opt label=level:s0:c7,c8 wardtest sleep 1000
pc=$(podman ps -q --latest 2>/dev/null)
ppid=$(podman inspect -f '{{.State.Pid}}' "$pc" 2>/dev/null)
is podman_label_level_and_the_host_view "$RC $(attr "${ppid:-0}")" "0 system_u:system_r:wardtest_container_t:s0:c7,c8"
R podman exec "$pc" cat /proc/self/attr/current
is podman_exec_runs_in_the_containers_domain "$RC $(echo $OUT | tr -d '\0')" "0 system_u:system_r:wardtest_container_t:s0:c7,c8"
podman rm -f "$pc" >/dev/null 2>&1
pvol=/srv/wardtest-host/pvol
mkdir -p "$pvol" && echo in-pvol >"$pvol/f" && restorecon -R "$pvol"
R podman run --rm --network none "${SO[@]}" -v "$pvol:/v:Z" wardtest cat /v/f
is podman_Z_relabels_the_volume_for_the_container "$RC $OUT $(stat -c %C "$pvol/f" | cut -d: -f3)" "0 in-pvol wardtest_file_t"

# ---- nothing left behind -----------------------------------------------------------------------
section leftovers
is no_process_is_left_in_the_container_domain "$(ps -eZ | grep -c wardtest_container_t)" 0
is no_container_is_left_in_the_runtimes_state "$("$RT" --root "$STATE" list -q 2>/dev/null | grep -c .)" 0
is no_mount_with_the_mountLabel_is_left_on_the_host "$(grep -c 'wardtest_file_t' /proc/self/mountinfo)" 0
is the_host_files_keep_their_labels "$(stat -c %C "$secret" "$ROOTFS/bin/busybox" | tr '\n' ' ')" \
	"$seclabel system_u:object_r:wardtest_file_t:s0 "
avcs=$(dmesg | grep -c 'avc: *denied')
diag "AVC denials logged in this boot: $avcs; the last ones:" "$(dmesg | grep 'avc: *denied' | tail -n 15)"

diag "tests done in ${SECONDS}s since the payload started"
echo "WARD-SDVM-TAP-END rc=0"
