#!/bin/bash
# The hardened policy end to end: refusals name every violation and leave nothing behind;
# the admin's file (allow, overridable, levels) and the container's annotation; the silent
# hardening seen from inside; exec judged on its own process; `ward policy`.
. "$(dirname "$0")/lib/common.sh"

WARD_REAL_BIN=${WARD_REAL:-$WARD}
W() { "$WARD" --root "$STATE_ROOT" "$@"; }
policy_file() { # policy_file NAME LINE...: a policy file as an admin writes it
	local f="$WORK/$1.conf"
	shift
	printf '%s\n' "$@" >"$f"
	chmod 644 "$f"
	echo "$f"
}
caps_with() { # the jq filter that adds a capability to the three sets that matter
	echo ".process.capabilities.bounding += [\"$1\"] | .process.capabilities.effective += [\"$1\"] | .process.capabilities.permitted += [\"$1\"]"
}
host_caps() { # every capability this test runner holds, as a JSON list
	capsh --decode="$(awk '/^CapBnd/ {print $2}' /proc/self/status)" | cut -d= -f2 | tr a-z A-Z |
		jq -Rc 'split(",")'
}
# bit N of the hex mask in "CapEff:\t<hex>"
CAPBIT='c=$(sed -n "s/^CapEff:[[:space:]]*//p" /proc/self/status); echo capbit=$(( (0x$c >> BIT) & 1 ))'

# --- refusals --------------------------------------------------------------------------------
b=$(new_bundle admin "${CAPBIT/BIT/21}")
edit_config "$b" "$(caps_with CAP_SYS_ADMIN)"
out=$(W run -b "$b" admin 2>&1 </dev/null; echo "rc=$?")
like refuses_cap_sys_admin_at_baseline "$out" 'process.capabilities.bounding: CAP_SYS_ADMIN in bounding, effective, permitted \[cap-sys-admin\]'
like refusal_gives_the_policy_line "$out" 'add "allow = cap-sys-admin" to /etc/ward/policy.conf'
like refusal_exits_1 "$out" 'rc=1$'
is refused_create_leaves_no_state_and_no_cgroup \
	"$(ls -A "$STATE_ROOT" 2>/dev/null; ls -d "$CGROUP_ROOT$CGROUP_PARENT/admin" 2>/dev/null)" ""

b=$(new_bundle many 'true')
edit_config "$b" "$(caps_with CAP_NET_ADMIN) | .linux.namespaces |= map(select(.type != \"network\")) |
	.mounts += [{destination: \"/h\", type: \"bind\", source: \"/var/run\", options: [\"rbind\"]}]"
out=$(W create -b "$b" many 2>&1 </dev/null)
like refusal_lists_every_violation_at_once "$out" '4 violations'
is refusal_names_each_check "$(echo "$out" | grep -o '\[[a-z-]*\]' | sort | tr '\n' ' ')" \
	"[cap-net-admin] [host-network-namespace] [mount-host-run] [mount-ward-state] "

# --- the admin's policy file -----------------------------------------------------------------
allow=$(policy_file allow "# lab host" "allow = cap-sys-admin")
b=$(new_bundle admin2 "${CAPBIT/BIT/21}")
edit_config "$b" "$(caps_with CAP_SYS_ADMIN)"
out=$(W --policy "$allow" --log "$WORK/allow.log" --log-format json run -b "$b" admin 2>&1 </dev/null)
is admin_allow_runs_it_with_the_capability "$out" "capbit=1"
like override_is_logged_as_json \
	"$(jq -r 'select(.level == "warning") | .msg' "$WORK/allow.log")" \
	'policy: container admin: cap-sys-admin lifted by the policy file .* at process.capabilities.bounding'

bad=$(policy_file bad "level = baseline" "allow = cap-sys-admn")
out=$(W --policy "$bad" run -b "$b" admin 2>&1 </dev/null; echo "rc=$?")
like malformed_policy_is_an_error_with_its_line "$out" "bad.conf:2: allow: unknown check \"cap-sys-admn\".*rc=1"
out=$(W --policy "$WORK/missing.conf" run -b "$b" admin 2>&1 </dev/null; echo "rc=$?")
like a_missing_policy_file_given_with_policy_is_an_error "$out" 'missing.conf: no such file or directory.*rc=1'
chmod 666 "$allow"
out=$(W --policy "$allow" run -b "$b" admin 2>&1 </dev/null; echo "rc=$?")
like a_world_writable_policy_is_refused "$out" 'writable by group or others.*rc=1'
chmod 644 "$allow"

# --- the annotation --------------------------------------------------------------------------
edit_config "$b" '.annotations["org.ward.policy.allow"] = "cap-sys-admin"'
out=$(W run -b "$b" admin 2>&1 </dev/null; echo "rc=$?")
like annotation_cannot_lift_what_is_not_overridable "$out" 'annotation cannot lift it.*rc=1'
over=$(policy_file over "overridable = cap-sys-admin, cap-sys-ptrace")
is annotation_lifts_an_overridable_check "$(W --policy "$over" run -b "$b" admin 2>/dev/null </dev/null)" "capbit=1"
edit_config "$b" "$(caps_with CAP_NET_ADMIN)"
like annotation_lifts_only_what_it_names "$(W --policy "$over" run -b "$b" admin 2>&1 </dev/null)" \
	'1 violation.*\[cap-net-admin\]'
edit_config "$b" '.annotations["org.ward.policy.allow"] = "cap-sys-admin, everything"'
like unknown_check_in_the_annotation_is_refused "$(W --policy "$over" run -b "$b" admin 2>&1 </dev/null; echo "rc=$?")" \
	'annotations\["org.ward.policy.allow"\]: unknown check "everything".*rc=1'

# --- silent hardening, seen from inside ---------------------------------------------------------
probe='grep Seccomp: /proc/self/status | tr -d "\t"; echo interrupts=$(wc -c </proc/interrupts); readlink /proc/self/ns/cgroup'
b=$(new_bundle bare "$probe")
edit_config "$b" 'del(.linux.seccomp) | del(.linux.maskedPaths) | del(.linux.readonlyPaths) |
	.linux.namespaces |= map(select(.type != "cgroup"))'
out=$(W run -b "$b" bare 2>&1 </dev/null)
host_cgns=$(readlink /proc/self/ns/cgroup)
is hardening_loads_the_default_seccomp_profile "$(echo "$out" | sed -n 1p)" "Seccomp:2"
is hardening_masks_the_default_paths "$(echo "$out" | sed -n 2p)" "interrupts=0"
isnt hardening_adds_a_private_cgroup_namespace "$(echo "$out" | sed -n 3p)" "$host_cgns"
off=$(policy_file off "allow = default-seccomp, never-seccomp-filter, never-user-namespace" \
	"allow = never-host-keyring" \
	"allow = default-masked-paths, default-readonly-paths, private-cgroup-namespace")
out=$(W --policy "$off" run -b "$b" bare 2>/dev/null </dev/null)
is allow_switches_seccomp_hardening_off "$(echo "$out" | sed -n 1p)" "Seccomp:0"
unlike allow_switches_masking_off "$(echo "$out" | sed -n 2p)" '^interrupts=0$'
is allow_switches_the_cgroup_namespace_off "$(echo "$out" | sed -n 3p)" "$host_cgns"

# --- exec is judged on its own process -------------------------------------------------------
b=$(new_bundle ex "sleep 60; : $MARK")
W run -d -b "$b" ex </dev/null >/dev/null 2>&1
like exec_with_cap_sys_admin_is_refused "$(W exec --cap CAP_SYS_ADMIN ex true 2>&1; echo "rc=$?")" \
	'exec: refused.*\[cap-sys-admin\].*rc=255'
is exec_allowed_by_the_admin_runs "$(W --policy "$allow" exec --cap CAP_SYS_ADMIN ex sh -c "${CAPBIT/BIT/21}" 2>/dev/null)" "capbit=1"
W delete --force ex

# --- levels ------------------------------------------------------------------------------------
restricted=$(policy_file restricted "level = restricted")
b=$(new_bundle strict 'id -u')
out=$(W --policy "$restricted" run -b "$b" strict 2>&1 </dev/null)
is restricted_refuses_a_default_config "$(echo "$out" | grep -o '\[restricted-[a-z-]*\]' | sort | tr '\n' ' ')" \
	"[restricted-capabilities] [restricted-memory-limit] [restricted-pids-limit] [restricted-run-as-root] "
edit_config "$b" '.process.user = {uid: 1000, gid: 1000} | .process.noNewPrivileges = true |
	.process.capabilities = {bounding: ["CAP_NET_BIND_SERVICE"], effective: [], permitted: []} |
	.root.readonly = true | .linux.resources.memory = {limit: 67108864} | .linux.resources.pids = {limit: 64}'
# (Run under restricted in the VM tier: this hybrid host has no memory or pids controller.)
W --policy "$restricted" policy check --bundle "$b" >/dev/null
is restricted_allows_a_minimal_non_root_container "$?" 0

privileged=$(policy_file privileged "level = privileged")
b=$(new_bundle priv 'grep Seccomp: /proc/self/status | tr -d "\t"; grep CapEff /proc/self/status | tr -d "\t"')
edit_config "$b" '.process.capabilities.bounding = $all | .process.capabilities.effective = $all |
	.process.capabilities.permitted = $all | del(.linux.seccomp) |
	.linux.resources.devices = [{allow: true, access: "rwm"}]' \
	--argjson all "$(host_caps)"
like baseline_refuses_privileged_mode "$(W run -b "$b" priv 2>&1 </dev/null)" 'cap-sys-admin.*device-rule-allow-all'
is privileged_level_runs_it_unconfined "$(W --policy "$privileged" run -b "$b" priv 2>/dev/null </dev/null)" \
	"Seccomp:0
CapEff:$(awk '/^CapBnd/ {print $2}' /proc/self/status)"

# --- ward policy --------------------------------------------------------------------------------
b=$(new_bundle chk 'true')
W policy check --bundle "$b" >/dev/null
is policy_check_allows_the_default_config "$?" 0
edit_config "$b" "$(caps_with CAP_SYS_MODULE)"
out=$(W policy check -f json "$b/config.json")
is policy_check_json_names_the_violation "$?:$(echo "$out" | jq -c '[.allowed, .level, .violations[0].check, .violations[0].path, .violations[0].policy_line]')" \
	'1:[false,"baseline","cap-sys-module","process.capabilities.bounding","allow = cap-sys-module"]'
echo '{"ociVersion": 1}' >"$WORK/broken.json"
W policy check "$WORK/broken.json" >/dev/null 2>&1
is policy_check_parse_error_exits_2 "$?" 2
# Docker's prestart hook names dockerd as /proc/<dockerd's pid>/exe: it is judged with a
# stand-in dockerd running (a copy of sleep at /usr/sbin/dockerd, on a tmpfs in a private mount
# namespace), since this host has no Docker.
docker_check() {
	unshare -m --propagation private sh -c '
		mount -t tmpfs -o mode=0755 tmpfs /usr/sbin && cp /usr/bin/sleep /usr/sbin/dockerd &&
		{ /usr/sbin/dockerd 100 & } &&
		for _ in $(seq 100); do [ "$(readlink /proc/$!/exe)" = /usr/sbin/dockerd ] && break; sleep 0.05; done &&
		jq --arg p "/proc/$!/exe" ".hooks.prestart[0].path = \$p" "$1" >"$2/docker.json" &&
		"$3" --root "$4" policy check "$2/docker.json"; rc=$?; kill $!; exit $rc' \
		sh "$1" "$WORK" "$WARD" "$STATE_ROOT"
}
fails=0
for f in "$(dirname "$0")"/../unit/data/*-default.json "$(dirname "$0")"/../unit/data/runc-1.1-spec.json; do
	case $f in
	*docker*) docker_check "$f" >/dev/null ;;
	*) W policy check "$f" >/dev/null ;;
	esac || { fails=$((fails + 1)); diag "refused: $f"; }
done
is the_engines_default_configs_pass_baseline "$fails" 0
like policy_show_reports_the_file "$(W --policy "$over" policy show)" 'level +baseline.*overridable +cap-sys-admin, cap-sys-ptrace'

# In a user namespace (rootless Podman runs ward as its root) root's policy file shows as the
# overflow uid: still read, and still refused when others can write it.
like a_root_owned_policy_is_read_in_a_user_namespace "$(unshare -r "$WARD_REAL_BIN" --policy "$over" policy show 2>&1)" 'level +baseline'
chmod g+w "$over"
like a_group_writable_policy_is_refused_in_a_user_namespace "$(unshare -r "$WARD_REAL_BIN" --policy "$over" policy show 2>&1)" 'writable by group or others'
chmod g-w "$over"

# Every check `ward policy list` shows is documented in ward-policy(5).
man5="$(dirname "$0")/../../man/ward-policy.5"
undocumented=""
for c in $(W policy list | awk 'NR > 1 {print $1}'); do
	grep -qF -e "$c" -e "$(echo "$c" | sed 's/-/\\-/g')" "$man5" || undocumented+="$c "
done
is every_check_is_documented_in_ward_policy_5 "$undocumented" ""

# --- explicit opt-outs: refused by name or honoured, never changed silently --------------------
b=$(new_bundle unmasked 'grep -c " /proc/keys " /proc/self/mountinfo; : '"$MARK")
edit_config "$b" '.linux.maskedPaths = [] | .linux.readonlyPaths = []'
like procmount_unmasked_is_refused_by_name "$(W run -b "$b" unmasked 2>&1 </dev/null)" '\[proc-unmasked\]'
unmask=$(policy_file unmask "allow = proc-unmasked")
like unmasked_without_a_user_namespace_takes_a_second_allow \
	"$(W --policy "$unmask" run -b "$b" unmasked 2>&1 </dev/null)" '\[proc-unmasked-without-userns\]'
edit_config "$b" '.linux.namespaces += [{type: "user"}] | .linux.uidMappings = [{containerID: 0, hostID: 300000, size: 65536}] |
	.linux.gidMappings = [{containerID: 0, hostID: 300000, size: 65536}]'
is unmasked_is_honoured_with_a_user_namespace_and_the_allow "$(W --policy "$unmask" run -b "$b" unmasked 2>/dev/null </dev/null)" 0
# no profile, no masks (docker --privileged, seccomp=unconfined): the defaults, and the engine
# user finds why in the log the engine keeps
b=$(new_bundle optout 'grep -c " /proc/keys " /proc/self/mountinfo')
edit_config "$b" 'del(.linux.maskedPaths)'
out=$(W --log "$WORK/optout.log" --log-format json run -b "$b" optout 2>/dev/null </dev/null)
is absent_masks_get_the_defaults "$out" 1
like the_log_says_the_defaults_replaced_an_opt_out \
	"$(jq -r 'select(.level == "warning") | .msg' "$WORK/optout.log" | tr '\n' ' ')" \
	'no linux.seccomp; ward.s default-deny profile applies.*no maskedPaths.*default masked and read-only paths apply'

assert_no_leftovers
done_testing
