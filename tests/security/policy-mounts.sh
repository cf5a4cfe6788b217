#!/bin/bash
# Policy red team, mounts and the root filesystem: a hostile config.json author (no admin
# policy: baseline; then level restricted) tries to be given the host through what ward mounts.
# Before the plan, each of these passed `ward policy check` and `ward run`: filesystems that are
# not binds were never judged, root.path never, bind sources only as text (relative spellings,
# image symlinks, anything below a listed directory), options as strings ("ro","rw" gave a
# writable sysfs), and a bind source was resolved twice, so a container swapping a shared
# volume put host /etc into another container. Each case must now be refused by `ward run`
# with the named check (or, for what cannot be resolved, an error naming the field), at both
# levels, with the container never started; the race is attempted for real.
. "$(dirname "$0")/../integration/lib/common.sh"

: "${WARD_REAL:=$WARD}"
for level in baseline restricted; do
	printf 'level = %s\n' "$level" >"$WORK/$level.conf"
	chmod 644 "$WORK/$level.conf"
done

# refused NAME EXPECTED-REGEX JQ-FILTER [jq args]: at baseline and at restricted, `ward run` of
# the bundle exits 1 with EXPECTED in its error and the container's process never runs.
refused() {
	local name=$1 expected=$2 filter=$3 level out rc problems=()
	shift 3
	for level in baseline restricted; do
		local b
		b=$(new_bundle "$name-$level" "echo RAN; : $MARK")
		edit_config "$b" "$filter" "$@"
		out=$("$WARD_REAL" --policy "$WORK/$level.conf" --root "$STATE_ROOT" run -b "$b" \
			"$name-$level" 2>&1 </dev/null)
		rc=$?
		if [ "$rc" != 1 ] || echo "$out" | grep -q '^RAN$' || ! echo "$out" | grep -qE "$expected"; then
			problems+=("$level: rc=$rc: $out")
		fi
	done
	if [ ${#problems[@]} -eq 0 ]; then ok "$name"; else not_ok "$name" "${problems[@]}"; fi
}

root_dev=$(findmnt -n -o SOURCE / 2>/dev/null | head -n 1)
: "${root_dev:=/dev/vda}"

# -- filesystems that are not the container's own ------------------------------------------
refused ext4_of_the_host_root_disk '\[mount-type\]' \
	'.mounts += [{destination: "/host", type: "ext4", source: $dev, options: ["rw"]}]' --arg dev "$root_dev"
refused a_second_procfs_is_unmasked '\[mount-proc-unmasked\]' \
	'.mounts += [{destination: "/hostproc", type: "proc", source: "proc"}]'
for fs in devtmpfs binfmt_misc tracefs debugfs securityfs bpf pstore; do
	refused "${fs}_of_the_host" '\[mount-type\]' \
		'.mounts += [{destination: "/k", type: $t, source: $t}]' --arg t "$fs"
done
refused overlay_with_a_host_lowerdir '\[mount-type\]' \
	'.mounts += [{destination: "/o", type: "overlay", source: "overlay", options: ["lowerdir=/"]}]'

# -- options as the kernel applies them ---------------------------------------------------
refused ro_then_rw_sysfs_is_writable '\[sysfs-read-write\]' \
	'.mounts |= map(if .type == "sysfs" then .options += ["rw"] else . end)'
refused rrshared_is_no_mount_option 'mounts\[[0-9]+\]\.options: option "rrshared" is not a mount option' \
	'.mounts += [{destination: "/d", type: "bind", source: $d, options: ["rbind", "rrshared"]}]' --arg d "$WORK"
refused host_cgroup_namespace_and_writable_cgroup2 '\[host-cgroup-namespace\].*|\[mount-cgroup-read-write\]' \
	'.linux.namespaces |= (map(select(.type != "cgroup")) + [{type: "cgroup", path: "/proc/self/ns/cgroup"}]) |
	 .mounts += [{destination: "/sys/fs/cgroup", type: "cgroup2", source: "cgroup2", options: ["rw"]}]'
# A writable cgroup2 in the container's own cgroup namespace (buildah's RUN steps, Podman's
# private cgroupns) passes only where the host's hierarchy has nsdelegate: then the kernel
# refuses the container's writes to its namespace's root, here its freezer.
rw_cgroup='.mounts |= map(if .type == "cgroup" or .type == "cgroup2" then .options = ["nosuid", "noexec", "nodev", "rw"] else . end)'
if awk '{for (i = 1; i <= NF; i++) if ($i == "-") print $(i + 1), $(i + 3)}' /proc/self/mountinfo |
	grep -q '^cgroup2 .*nsdelegate'; then
	b=$(new_bundle cgrw 'echo 1 >/sys/fs/cgroup/cgroup.freeze 2>/dev/null && echo FROZE; mkdir /sys/fs/cgroup/sub && echo SUB; : '"$MARK")
	edit_config "$b" "$rw_cgroup"
	ward_run "$b" cgrw
	is writable_cgroup2_under_nsdelegate_runs_and_cannot_freeze_its_root "$RC $OUT" "0 SUB"
else
	refused writable_cgroup2_without_nsdelegate '\[mount-cgroup-read-write\].*nsdelegate' "$rw_cgroup"
fi

# -- the root filesystem --------------------------------------------------------------------
refused usr_as_the_root_filesystem '\[rootfs-host-path\]' '.root.path = "/usr" | .root.readonly = false'
ln -s /usr "$WORK/imgroot"
refused a_symlink_to_usr_as_the_root_filesystem '\[rootfs-host-path\]' '.root.path = $r' --arg r "$WORK/imgroot"

# -- bind sources: below the trees, spellings, state -----------------------------------------
bind() { echo '.mounts += [{destination: "/mnt", type: "bind", source: $s, options: ["rbind", "ro"]}]'; }
refused etc_shadow_below_etc '\[mount-host-etc\]' "$(bind)" --arg s /etc/shadow
refused proc_sys_below_proc '\[mount-host-proc\]' "$(bind)" --arg s /proc/sys
refused sys_fs_cgroup_below_sys '\[mount-host-sys\]' "$(bind)" --arg s /sys/fs/cgroup
refused root_home '\[mount-host-home\]' "$(bind)" --arg s /root
refused usr_bin '\[mount-host-system\]' "$(bind)" --arg s /usr/bin
refused var_spool '\[mount-host-system\]' "$(bind)" --arg s /var/spool
mkdir -p "$STATE_ROOT"
refused the_state_root_in_use '\[mount-ward-state\]' "$(bind)" --arg s "$STATE_ROOT"
refused the_default_state_root '\[mount-ward-state\]' "$(bind)" --arg s /run/ward
# realpath(3) gives up on a 4 KB target; the kernel follows it, and so does ward's judgement
long="/$(printf './%.0s' $(seq 2000))etc"
ln -s "$long" "$WORK/longlink"
refused a_4kb_symlink_is_judged_by_its_target '\[mount-host-etc\]' "$(bind)" --arg s "$WORK/longlink"
# a chain the kernel gives up on is refused, never judged by its name
prev=/etc
for i in $(seq 45); do ln -s "$prev" "$WORK/chain$i"; prev="$WORK/chain$i"; done
refused a_symlink_chain_too_long_to_follow 'mounts\[[0-9]+\]\.source:.*(symbolic links|Too many levels)' \
	"$(bind)" --arg s "$prev"
refused proc_self_root_magic_link 'mounts\[[0-9]+\]\.source: /proc/self/root/etc' "$(bind)" --arg s /proc/self/root/etc

# relative sources stay in the bundle directory: no "..", no symlink out of it
refused a_relative_source_climbing_out 'must stay inside the bundle directory' \
	"$(bind)" --arg s ../../../../../../../proc/self/root/etc
rel_bundle() { # a bundle whose own rootfs holds the image's symlink rootfs/x -> /etc
	edit_config "$1" '.root.path = "rootfs"'
}
for level in baseline restricted; do
	b=$(new_bundle "imagelink-$level" "echo RAN")
	private_rootfs "$b/rootfs"
	ln -s /etc "$b/rootfs/x"
	rel_bundle "$b"
	edit_config "$b" "$(bind)" --arg s rootfs/x
	out=$("$WARD_REAL" --policy "$WORK/$level.conf" --root "$STATE_ROOT" run -b "$b" "il-$level" 2>&1 </dev/null)
	like "an_image_symlink_in_a_relative_source_${level}" "rc=$? $out" \
		'^rc=1 .*mounts\[[0-9]+\]\.source: rootfs/x.*must stay inside the bundle directory'
done

# -- what a refusal is not: the judgement is on the object, not the name ---------------------
b=$(new_bundle project 'cat /src/marker; : '"$MARK")
mkdir -p "$WORK/project"
echo project-ok >"$WORK/project/marker"
edit_config "$b" '.mounts += [{destination: "/src", type: "bind", source: $s, options: ["rbind", "rw"]}]' --arg s "$WORK/project"
ward_run "$b" project
is a_project_directory_binds_at_baseline "$OUT" project-ok
b=$(new_bundle tz 'ls /etc/localtime >/dev/null && echo tz-ok')
edit_config "$b" '.root.readonly = false | .mounts += [{destination: "/etc/localtime", type: "bind", source: "/etc/localtime", options: ["rbind", "ro"]}]'
ward_run "$b" tz
is the_host_time_zone_binds_read_only "$OUT" tz-ok

# -- the swap race, for real: a container that owns a shared volume turns the directory
# another container binds into a symlink to /etc (RENAME_EXCHANGE in a loop, from inside). ----
VOL="$WORK/volume"
mkdir -p "$VOL/shared"
echo victim-marker >"$VOL/shared/marker"
ATTACKER_ROOT="$WORK/attacker-root"
private_rootfs "$ATTACKER_ROOT"
cp "$WARD_HELPERS/swapper" "$ATTACKER_ROOT/bin/swapper"
b=$(new_bundle attacker "ln -s /etc /vol/evil && exec /bin/swapper /vol/shared /vol/evil; : $MARK")
edit_config "$b" '.root.path = $r | .mounts += [{destination: "/vol", type: "bind", source: $v, options: ["rbind", "rw"]}]' \
	--arg r "$ATTACKER_ROOT" --arg v "$VOL"
"$WARD" --root "$STATE_ROOT" run -d -b "$b" attacker >/dev/null 2>&1 </dev/null
for _ in $(seq 100); do [ -L "$VOL/evil" ] || [ -L "$VOL/shared" ] && break; sleep 0.05; done
victim=$(new_bundle victim 'ls /mnt | tr "\n" " "')
edit_config "$victim" '.mounts += [{destination: "/mnt", type: "bind", source: $s, options: ["rbind", "ro"]}]' --arg s "$VOL/shared"
started=0 refused=0 escaped=0 deadline=$((SECONDS + 40))
for i in $(seq 60); do
	[ "$SECONDS" -lt "$deadline" ] || break
	ward_run "$victim" "victim$i"
	if [ "$RC" = 0 ]; then
		started=$((started + 1))
		case "$OUT" in *passwd* | *shadow* | *hostname*) escaped=$((escaped + 1)) ;; esac
	else
		refused=$((refused + 1))
		"$WARD" --root "$STATE_ROOT" delete --force "victim$i" >/dev/null 2>&1
	fi
done
"$WARD" --root "$STATE_ROOT" kill attacker KILL >/dev/null 2>&1
sleep 0.3
"$WARD" --root "$STATE_ROOT" delete --force attacker >/dev/null 2>&1
diag "swap race: $i starts, $started started, $refused refused"
if [ $((started + refused)) -gt 20 ] && [ "$refused" -gt 0 ]; then
	ok the_attacker_swapped_while_victims_started
else
	not_ok the_attacker_swapped_while_victims_started "started=$started refused=$refused (no refusal: the swap never hit)"
fi
is no_victim_was_given_the_host_etc "$escaped" 0

assert_no_leftovers
done_testing
