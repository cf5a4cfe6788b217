#!/bin/bash
# The filesystem view: pivoted root, read-only root, configured mounts with their flags,
# default and configured devices, symlinked destinations that must stay inside the root.
. "$(dirname "$0")/lib/common.sh"

mountinfo_of() { # mountinfo_of MOUNTPOINT: "fstype options superoptions" from OUT
	echo "$OUT" | awk -v m="$1" '$5 == m { for (i = 7; $i != "-"; i++); print $(i+1), $6, $(i+3) }' | tail -n 1
}

b=$(new_bundle root 'stat -c %d:%i /; cat /proc/self/mountinfo; touch /newfile 2>&1; echo $?')
ward_run "$b" root
is root_is_the_bundle_rootfs "$(echo "$OUT" | head -n 1)" "$(stat -c %d:%i "$ROOTFS")"
like root_is_mounted_read_only "$(mountinfo_of /)" '^[^ ]+ ro[, ]'
like root_is_not_writable "$(echo "$OUT" | tail -n 2 | tr '\n' ' ')" 'Read-only file system 1 $'
unlike root_is_not_shared_with_the_host "$(echo "$OUT" | awk '$5 == "/"')" 'shared:'
like proc_is_mounted_nosuid_nodev_noexec "$(mountinfo_of /proc)" '^proc rw,nosuid,nodev,noexec'
like sysfs_is_read_only "$(mountinfo_of /sys)" '^sysfs ro,nosuid,nodev,noexec'
like devpts_gets_its_options "$(mountinfo_of /dev/pts)" '^devpts .*(gid=5.*mode=620.*ptmxmode=666)'

mkdir -p "$WORK/hostdir" "$WORK/rw"
echo host-data >"$WORK/hostdir/file"
echo file-data >"$WORK/single"
b=$(new_bundle binds 'cat /data/file; touch /data/x 2>/dev/null && echo writable || echo readonly;
	touch /rw/created; cat /etc/single; cat /proc/self/mountinfo; echo tmpfs:$(stat -c %a /scratch)')
mkdir -p "$b/relsrc"
echo relative >"$b/relsrc/file"
edit_config "$b" '.mounts += [
	{destination: "/data", type: "bind", source: $host, options: ["rbind", "ro", "nosuid"]},
	{destination: "/rw", type: "bind", source: $rw, options: ["bind"]},
	{destination: "/etc/single", type: "none", source: $single, options: ["bind", "ro"]},
	{destination: "/rel", type: "bind", source: "relsrc", options: ["bind"]},
	{destination: "/scratch", type: "tmpfs", source: "tmpfs", options: ["size=1m", "mode=700", "noexec"]}]' \
	--arg host "$WORK/hostdir" --arg rw "$WORK/rw" --arg single "$WORK/single"
ward_run "$b" binds
is bind_mount_shows_the_host_directory "$(echo "$OUT" | sed -n 1p)" host-data
is read_only_bind_cannot_be_written "$(echo "$OUT" | sed -n 2p)" readonly
check writable_bind_writes_through_to_the_host test -f "$WORK/rw/created"
is file_bind_mount_creates_its_target "$(echo "$OUT" | sed -n 3p)" file-data
like bind_mount_gets_its_flags "$(mountinfo_of /data)" ' ro,nosuid'
like tmpfs_gets_size_and_mode "$(mountinfo_of /scratch)" '^tmpfs rw,.*noexec.* rw,size=1024k,mode=700'
is tmpfs_mode_is_visible_inside "$(echo "$OUT" | tail -n 1)" tmpfs:700
like relative_bind_source_is_taken_from_the_bundle "$(mountinfo_of /rel)" '^ext4|^xfs|^btrfs|^tmpfs|^overlay'

# A destination that is a symlink pointing out of the root (absolute and through "..") must
# land inside the root, never on the host.
mkdir -p "$WORK/escape-target"
private_rootfs "$WORK/evilroot"
ln -s "$WORK/escape-target" "$WORK/evilroot/abs-link"
ln -s "../../../../../../../../$WORK/escape-target" "$WORK/evilroot/rel-link"
b=$(new_bundle evil 'ls -d /abs-link/ /rel-link/ >/dev/null; test -e '"$WORK"'/escape-target/m1 && echo inside-root')
edit_config "$b" '.root.path = $r | .root.readonly = false | .mounts += [
	{destination: "/abs-link/m1", type: "tmpfs", source: "tmpfs"},
	{destination: "/rel-link/m2", type: "tmpfs", source: "tmpfs"}]' --arg r "$WORK/evilroot"
ward_run "$b" evil
is symlinked_destination_resolves_inside_the_root "$RC:$OUT" "0:inside-root"
is nothing_is_created_on_the_host_through_symlinks "$(ls -A "$WORK/escape-target")" ""

b=$(new_bundle devs 'stat -c "%n %F %t:%T %a %u" /dev/null /dev/zero /dev/tty /dev/mynull; readlink /dev/ptmx; readlink /dev/fd; echo x >/dev/null && echo null-writable')
edit_config "$b" '.linux.devices = [{path: "/dev/mynull", type: "c", major: 1, minor: 3, fileMode: 384, uid: 1000}]'
ward_run "$b" devs
is creates_the_default_and_configured_devices "$OUT" "/dev/null character special file 1:3 666 0
/dev/zero character special file 1:5 666 0
/dev/tty character special file 5:0 666 0
/dev/mynull character special file 1:3 600 1000
pts/ptmx
/proc/self/fd
null-writable"

b=$(new_bundle nopivot 'stat -c %d:%i /; echo ok')
ward_run "$b" nopivot --no-pivot
is no_pivot_moves_the_root "$OUT" "$(stat -c %d:%i "$ROOTFS")
ok"

# maskedPaths, readonlyPaths, sysctl (ward spec's lists, plus a file and a directory of ours).
b=$(new_bundle masked 'cat /proc/timer_list | wc -c; ls -A /proc/acpi | wc -l; stat -c "%t:%T" /proc/timer_list;
	echo 1 >/proc/sys/kernel/shmmni 2>/dev/null && echo sys-writable || echo sys-readonly;
	cat /proc/sys/kernel/shm_rmid_forced; grep -E " /proc/(acpi|sys) " /proc/self/mountinfo | cut -d" " -f5,6')
edit_config "$b" '.linux.sysctl = {"kernel.shm_rmid_forced": "1"}'
ward_run "$b" masked
is masked_file_reads_empty "$(echo "$OUT" | sed -n 1p)" 0
is masked_directory_is_empty "$(echo "$OUT" | sed -n 2p)" 0
is masked_file_is_the_null_device "$(echo "$OUT" | sed -n 3p)" 1:3
is readonly_path_cannot_be_written "$(echo "$OUT" | sed -n 4p)" sys-readonly
is sysctl_is_applied_before_proc_sys_turns_read_only "$(echo "$OUT" | sed -n 5p)" 1
like masked_and_readonly_mounts_are_read_only "$(echo "$OUT" | tail -n 2 | tr '\n' ' ')" '^/proc/acpi ro,.* /proc/sys ro,'

# Idmapped mounts: a host directory owned by 0, in a container whose root is host 300000.
mkdir -p "$WORK/idhost"
echo owned-by-host-root >"$WORK/idhost/file"
chown -R 0:0 "$WORK/idhost"
private_rootfs "$WORK/idroot"
mkdir -p "$WORK/idroot/idm" "$WORK/idroot/plain"
b=$(new_bundle idmap 'stat -c "%u:%g" /idm/file /plain/file; touch /idm/created && echo created')
edit_config "$b" '.root.path = $r | .linux.namespaces += [{type: "user"}] |
	.linux.uidMappings = [{containerID: 0, hostID: 300000, size: 65536}] |
	.linux.gidMappings = [{containerID: 0, hostID: 300000, size: 65536}] |
	.mounts += [{destination: "/idm", type: "bind", source: $h, options: ["rbind", "idmap"]},
		{destination: "/plain", type: "bind", source: $h, options: ["rbind"]}]' \
	--arg r "$WORK/idroot" --arg h "$WORK/idhost"
ward_run "$b" idmap
is idmapped_mount_shows_host_root_files_as_container_root "$(echo "$OUT" | sed -n 1p)" "0:0"
is the_same_directory_without_idmap_shows_nobody "$(echo "$OUT" | sed -n 2p)" "65534:65534"
is container_root_can_write_through_the_idmapped_mount "$(echo "$OUT" | sed -n 3p)" created
# The mapping applies back: container root (host 300000) writes files the host sees as 0's.
is new_files_are_stored_through_the_mapping "$(stat -c %u:%g "$WORK/idhost/created")" "0:0"

assert_no_leftovers
done_testing
