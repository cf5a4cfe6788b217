#!/bin/bash
# ward inspect: what it reports of a running container is what the container's init sees from
# inside (its own /proc/1/status, ns/*, uid_map, mountinfo, attr/current): the default config,
# one with extra capabilities, a writable root, extra read-only and masked paths and a check
# the admin's policy file lifted, one in a user namespace with a check lifted by annotation, a
# rootless one inspected by its user; created, paused and stopped containers; an unknown ID; a
# state that names another process.
. "$(dirname "$0")/lib/common.sh"
W() { "$WARD" --root "$STATE_ROOT" "$@"; }
J() { W inspect --format json "$1"; }
# The init (sh, pid 1) writes its own view to stdout, then waits. A child (cat) reads /proc/1/.
VIEW='for f in status uid_map gid_map mountinfo cgroup; do echo "== $f"; cat /proc/1/$f; done
echo "== ns"; for n in cgroup ipc mnt net pid time user uts; do echo "$n $(readlink /proc/1/ns/$n)"; done
echo "== lsm"; cat /proc/1/attr/current 2>/dev/null; echo; echo "== end"'
wait_view() { # wait_view NAME: until the init of NAME has written its view
	for _ in $(seq 100); do grep -q '^== end' "$WORK/$1.out" 2>/dev/null && return 0; sleep 0.05; done
	cat "$WORK/$1.err" >&2
	return 1
}
start() { # start NAME BUNDLE: runs it detached, its stdout in $WORK/NAME.out, until its view is written
	W run -d -b "$2" "$1" </dev/null >"$WORK/$1.out" 2>"$WORK/$1.err"
	wait_view "$1"
}
inside() { # inside NAME SECTION: that section of the init's own view
	awk -v s="== $2" '/^== /{on = ($0 == s); next} on' "$WORK/$1.out"
}
# same NAME GOT EXPECTED: is, but what was seen from inside must not be empty.
same() {
	if [ -z "$(echo "$3" | tr -d ' ')" ]; then not_ok "$1" "nothing was seen from inside"; else is "$@"; fi
}
status_field() { inside "$1" status | awk -v k="$2:" '$1 == k {print $2}'; }
caps_inside() { for k in CapInh CapPrm CapEff CapBnd CapAmb; do printf '%s ' "$(status_field "$1" $k)"; done; }
# What a JSON document on stdin says, in the form of the *_inside views.
caps_of() { jq -j '.capabilities | [.inheritable, .permitted, .effective, .bounding, .ambient] | map(.mask + " ") | add'; }
ns_of() { jq -j '.namespaces | to_entries | map("\(.key) \(.value.inode) ") | add'; }
map_of() { jq -j ".$1 | map(\"\(.container_id) \(.host_id) \(.size);\") | add"; }
caps_inspect() { J "$1" | caps_of; }
ns_inside() { inside "$1" ns | sed 's/ [a-z_]*:\[\([0-9]*\)\]$/ \1/' | tr '\n' ' '; }
ns_inspect() { J "$1" | ns_of; }
map_inside() { inside "$1" "$2" | awk '{printf "%s %s %s;", $1, $2, $3}'; }
map_inspect() { J "$1" | map_of "$2"; }
# Mount points of the init's view that carry the mount options "ro" (field 6).
ro_points_inside() { inside "$1" mountinfo | awk '$6 ~ /(^|,)ro(,|$)/ {print $5}'; }
points_inside() { inside "$1" mountinfo | awk '{print $5}'; }

# ---- the default config ---------------------------------------------------------------------
b=$(new_bundle dflt "$VIEW; sleep 300; : $MARK")
check default_container_starts start dflt "$b"
pid=$(W state dflt | jq .pid)
j=$(J dflt)
is json_has_format_1_status_and_the_init_pid "$(echo "$j" | jq -c '[.format, .id, .status, .pid]')" "[1,\"dflt\",\"running\",$pid]"
same five_capability_sets_are_the_inits "$(caps_inspect dflt)" "$(caps_inside dflt)"
is bounding_names_are_the_configs \
	"$(echo "$j" | jq -c '.capabilities.bounding.names | sort')" \
	"$(jq -c '.process.capabilities.bounding | sort' "$b/config.json")"
is no_new_privileges_is_the_inits "$(echo "$j" | jq -r .no_new_privileges)" \
	"$([ "$(status_field dflt NoNewPrivs)" = 1 ] && echo true || echo false)"
same seccomp_mode_and_filter_count_are_the_inits "$(echo "$j" | jq -j '.seccomp | "\(.mode) \(.filters)"')" \
	"$([ "$(status_field dflt Seccomp)" = 2 ] && echo filter) $(status_field dflt Seccomp_filters)"
is ward_loaded_what_the_kernel_counts "$(echo "$j" | jq '.seccomp | .recorded.filters + .inherited_filters - .filters')" 0
like recorded_profile_is_the_default_with_digests \
	"$(echo "$j" | jq -j '.seccomp.recorded | "\(.profile) \(.digest) \(.never_digest)"')" \
	'^default sha256:[0-9a-f]{64} sha256:[0-9a-f]{64}$'
same namespace_inodes_are_the_inits "$(ns_inspect dflt)" "$(ns_inside dflt)"
is private_namespaces_are_not_the_hosts \
	"$(echo "$j" | jq -c '.namespaces | [.cgroup, .ipc, .mnt, .net, .pid, .uts] | map(.host)')" \
	'[false,false,false,false,false,false]'
is shared_namespaces_are_the_hosts "$(echo "$j" | jq -c '[.namespaces.user.host, .namespaces.user.inode]')" \
	"[true,$(stat -L -c %i /proc/self/ns/user)]"
same uid_map_is_the_inits "$(map_inspect dflt uid_map)" "$(map_inside dflt uid_map)"
is lsm_label_is_the_inits "$(echo "$j" | jq -r '.lsm.current // ""')" "$(inside dflt lsm | tr -d '\n')"
is root_is_read_only_as_the_init_sees_it "$(echo "$j" | jq .root_readonly)" \
	"$(ro_points_inside dflt | grep -qx / && echo true || echo false)"
is every_masked_path_is_in_force "$(echo "$j" | jq '[.masked_paths[] | select(.in_force | not)] | length')" 0
same masked_paths_are_the_mount_points_the_init_has \
	"$(echo "$j" | jq -r '.masked_paths[] | select(.state | startswith("masked")) | .path' | sort)" \
	"$(points_inside dflt | grep -Fx -f <(jq -r '.linux.maskedPaths[]' "$b/config.json") | sort -u)"
is every_readonly_path_is_in_force "$(echo "$j" | jq '[.readonly_paths[] | select(.in_force | not)] | length')" 0
same proc_sys_is_read_only_inside "$(echo "$j" | jq -r '.readonly_paths[] | select(.path == "/proc/sys") | .state')" \
	"$(ro_points_inside dflt | grep -qx /proc/sys && echo read-only)"
same cgroup_path_is_the_kernels "$(echo "$j" | jq -r '[.cgroup.path, .cgroup.recorded_path] | join(" ")')" \
	"$(sed -n 's/^0:://p' "/proc/$pid/cgroup") $CGROUP_PARENT/dflt"
is limits_are_the_files_that_exist \
	"$(echo "$j" | jq -r '.cgroup.limits | keys[]' | sort | tr '\n' ' ')" \
	"$(cd "$CGROUP_ROOT$CGROUP_PARENT/dflt" && for f in cpu.max cpu.weight io.max memory.max memory.high pids.max hugetlb.*.max; do [ -e "$f" ] && echo "$f"; done | sort | tr '\n' ' ')"
like a_device_program_is_attached "$(echo "$j" | jq -c '.devices | [.attached >= 1, .effective >= .attached]')" '^\[true,true\]$'
is attached_program_is_the_one_compiled_from_the_config "$(echo "$j" | jq .devices.matches_config)" true
is nothing_was_lifted "$(echo "$j" | jq -c .lifted_checks)" '[]'
# The comparison is real: with a rule added to the config ward keeps, the program differs.
cp "$STATE_ROOT/dflt/config.json" "$WORK/dflt.config"
jq '.linux.resources.devices += [{allow: true, type: "c", major: 10, minor: 200, access: "rw"}]' \
	"$WORK/dflt.config" >"$STATE_ROOT/dflt/config.json"
is a_different_device_config_does_not_match "$(J dflt | jq -c '[.devices.matches_config, .devices.rules[-1].major]')" '[false,10]'
cp "$WORK/dflt.config" "$STATE_ROOT/dflt/config.json"
table=$(W inspect dflt)
like table_shows_status_namespaces_and_capabilities "$table" "STATUS +running.*net +[0-9]+ +no.*effective +CAP_"
like table_shows_the_masked_paths "$table" 'MASKED PATHS.*/proc/(timer_list|interrupts|keys) +masked-null'

# ---- extra capabilities, a writable root, more read-only and masked paths, lifted checks -------
# (default-seccomp lifted: no profile, the "never" filter alone)
use_policy "allow = cap-sys-admin, default-seccomp"
b=$(new_bundle extra "$VIEW; sleep 300; : $MARK")
# Sets that differ, so that no set can be reported as another (the kernel makes root's
# effective set its permitted one at execve: four distinct values).
edit_config "$b" '.process.capabilities.bounding += ["CAP_SYS_ADMIN", "CAP_CHOWN", "CAP_FOWNER"] |
	.process.capabilities.permitted += ["CAP_SYS_ADMIN", "CAP_CHOWN"] | .process.capabilities.effective += ["CAP_SYS_ADMIN"] |
	.process.capabilities.inheritable = ["CAP_CHOWN", "CAP_KILL"] | .process.capabilities.ambient = ["CAP_CHOWN"] |
	.root.readonly = false | .linux.readonlyPaths += ["/etc"] | .linux.maskedPaths += ["/root", "/etc/group"]'
check extra_container_starts start extra "$b"
j=$(J extra)
same extra_capability_sets_are_the_inits "$(caps_inspect extra)" "$(caps_inside extra)"
is extra_capability_sets_differ "$(caps_inside extra | tr ' ' '\n' | sort -u | grep -c .)" 4
like cap_sys_admin_is_effective "$(echo "$j" | jq -c .capabilities.effective.names)" '"CAP_SYS_ADMIN"'
is writable_root_is_reported_writable "$(echo "$j" | jq .root_readonly)" \
	"$(ro_points_inside extra | grep -qx / && echo true || echo false)"
same extra_readonly_path_is_read_only_inside "$(echo "$j" | jq -r '.readonly_paths[] | select(.path == "/etc") | .state')" \
	"$(ro_points_inside extra | grep -qx /etc && echo read-only)"
same masked_directory_is_an_empty_tmpfs "$(echo "$j" | jq -r '.masked_paths[] | select(.path == "/root") | .state')" \
	"$(inside extra mountinfo | awk '$5 == "/root" {for (i = 7; $i != "-"; i++); print $(i + 1)}' | grep -qx tmpfs && echo masked-empty)"
same masked_file_is_the_null_device "$(echo "$j" | jq -r '.masked_paths[] | select(.path == "/etc/group") | .state')" \
	"$(points_inside extra | grep -qx /etc/group && echo masked-null)"
is lifted_checks_are_recorded_with_their_source "$(echo "$j" | jq -c '.lifted_checks | map([.check, .source]) | sort')" \
	'[["cap-sys-admin","file"],["default-seccomp","file"]]'
is without_a_profile_the_never_filter_is_the_inits_only_one \
	"$(echo "$j" | jq -c '.seccomp | [.recorded.profile, .recorded.digest, .recorded.filters, .filters]')" \
	"[null,null,1,$(status_field extra Seccomp_filters)]"

# ---- a user namespace, a check lifted by the container's annotation --------------------------
use_policy "overridable = host-uts-namespace"
b=$(new_bundle userns "$VIEW; sleep 300; : $MARK")
edit_config "$b" 'del(.hostname) | .linux.namespaces = (.linux.namespaces | map(select(.type != "uts"))) + [{type: "user"}] |
	.linux.uidMappings = [{containerID: 0, hostID: 220000, size: 65536}] |
	.linux.gidMappings = [{containerID: 0, hostID: 220000, size: 65536}] |
	.annotations["org.ward.policy.allow"] = "host-uts-namespace"'
check userns_container_starts start userns "$b"
j=$(J userns)
same uid_map_in_a_user_namespace_is_the_inits "$(map_inspect userns uid_map)" "$(map_inside userns uid_map)"
same gid_map_in_a_user_namespace_is_the_inits "$(map_inspect userns gid_map)" "$(map_inside userns gid_map)"
same userns_namespace_inodes_are_the_inits "$(ns_inspect userns)" "$(ns_inside userns)"
is own_user_namespace_and_the_hosts_uts \
	"$(echo "$j" | jq -c '[.namespaces.user.host, .namespaces.uts.host]')" '[false,true]'
same userns_capability_sets_are_the_inits "$(caps_inspect userns)" "$(caps_inside userns)"
is annotation_lift_is_recorded "$(echo "$j" | jq -c '.lifted_checks | map([.check, .path, .source])')" \
	'[["host-uts-namespace","linux.namespaces","annotation"]]'

# ---- created, paused, stopped ----------------------------------------------------------------
b=$(new_bundle crt "sleep 300; : $MARK")
W create -b "$b" crt </dev/null
is created_container_is_inspected_with_its_confinement \
	"$(J crt | jq -c '[.status, .seccomp.mode, .no_new_privileges]')" '["created","filter",true]'
W delete --force crt
W pause dflt
is paused_container_is_inspected "$(J dflt | jq -c '[.status, (.namespaces.net.inode > 0)]')" '["paused",true]'
W resume dflt
W kill dflt KILL
for _ in $(seq 100); do [ "$(W state dflt | jq -r .status)" = stopped ] && break; sleep 0.05; done
out=$(J dflt; echo "rc=$?")
like stopped_container_says_stopped_and_nothing_in_force "$(echo "$out" | jq -c '[.status, .pid, .namespaces, .capabilities]' 2>/dev/null; echo "$out" | tail -n 1)" \
	'^\["stopped",0,null,null\]
rc=0$'
like stopped_table_says_so "$(W inspect dflt)" 'STATUS +stopped
no process: nothing is in force to inspect'
W delete dflt

# ---- errors -----------------------------------------------------------------------------------
like unknown_id_is_an_error "$(W inspect nosuch 2>&1; echo "rc=$?")" 'container "nosuch" does not exist
rc=1'
like unknown_format_is_a_usage_error "$(W inspect --format yaml extra 2>&1; echo "rc=$?")" '"yaml" is not table or json.*rc=1'
# A state that names another process (the test's own shell) is refused, nothing read from it.
cp "$STATE_ROOT/extra/state.json" "$WORK/extra.state"
jq --argjson p $$ --argjson t "$(sed 's/.*) //' /proc/$$/stat | awk '{print $20}')" '.pid = $p | .init_start_time = $t' \
	"$WORK/extra.state" >"$STATE_ROOT/extra/state.json"
like tampered_state_is_refused "$(W inspect extra 2>&1; echo "rc=$?")" 'tampered.*rc=1'
cp "$WORK/extra.state" "$STATE_ROOT/extra/state.json"

for c in extra userns; do W delete --force "$c"; done

# ---- rootless: an ordinary user inspects its own container ----------------------------------
WARD=$WARD_REAL
user=ward-rootless
if ! id "$user" >/dev/null 2>&1; then
	useradd -m -s /bin/sh "$user" || { echo "Bail out! cannot create the test user"; exit 1; }
fi
uhome="$WORK/rl"
mkdir -p "$uhome/xdg" "$uhome/b"
cp -a "$ROOTFS" "$uhome/b/rootfs"
chown -R "$user:" "$uhome/xdg" "$uhome/b"
chmod 0700 "$uhome/xdg"
chmod 0755 "$WORK" "$uhome"
U() { su "$user" -s /bin/bash -c "cd '$uhome/b' && XDG_RUNTIME_DIR='$uhome/xdg' $(printf '%q ' "$WARD" "$@")"; }
U spec --rootless
jq --arg v "$VIEW; sleep 300; : $MARK" '.process.terminal = false | .process.args = ["sh", "-c", $v]' \
	"$uhome/b/config.json" >"$uhome/b/c.tmp" && mv "$uhome/b/c.tmp" "$uhome/b/config.json" && chown "$user:" "$uhome/b/config.json"
U run -d rl </dev/null >"$WORK/rl.out" 2>"$WORK/rl.err"
check rootless_container_starts wait_view rl
j=$(U inspect --format json rl)
same rootless_uid_map_is_the_inits "$(echo "$j" | map_of uid_map)" "$(map_inside rl uid_map)"
same rootless_capability_sets_are_the_inits "$(echo "$j" | caps_of)" "$(caps_inside rl)"
same rootless_namespace_inodes_are_the_inits "$(echo "$j" | ns_of)" "$(ns_inside rl)"
is rootless_user_namespace_is_its_own "$(echo "$j" | jq .namespaces.user.host)" false
# Without a delegated cgroup there is no device program: unknown, never a false "matches".
is rootless_without_a_cgroup_devices_are_unknown \
	"$(echo "$j" | jq -c '[.cgroup.recorded_path, .devices.attached, .devices.matches_config]')" '[null,null,null]'
U delete --force rl
assert_no_leftovers
done_testing
