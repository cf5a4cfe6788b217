/* The container's filesystem view: propagation, mounts, /dev, pivot_root, read-only root. */
#ifndef WARD_ROOTFS_H
#define WARD_ROOTFS_H

#include <stdbool.h>
#include <stdint.h>

#include "ward/error.h"
#include "ward/plan.h"
#include "ward/spec.h"

/* Runs in the container's mount namespace, before pivot_root. Returns an O_PATH fd of the
 * prepared root: the root filesystem the plan resolved (verified to be the same directory),
 * bound onto itself, with the mounts made on it. shared_ns: the mount namespace is not the
 * container's own (the host's, or one joined by path): its propagation is left alone and the
 * bound root is private. idmap_rootfs_fd: the root filesystem ward made as an idmapped
 * mount (`userns = auto`), attached instead of the bind, or -1. */
int rootfs_prepare(const struct ward_spec *spec, const struct ward_plan *plan, const int *idmap_fds,
		   int idmap_rootfs_fd, bool shared_ns, struct ward_error *err);
/* `userns = auto`: makes the judged root filesystem the working directory, while still the
 * host's root in the host's user namespace (before the container's namespaces: the new mount
 * namespace carries it over to its copy, where rootfs_prepare attaches the idmapped root). */
int rootfs_enter_judged(const struct host_object *rootfs, struct ward_error *err);
/* Creates the default device nodes and linux.devices under rootfd's /dev. */
int rootfs_create_devices(int rootfd, const struct ward_spec *spec, struct ward_error *err);
/* pivot_root (or MS_MOVE + chroot with no_pivot; a chroot alone with shared_ns) into rootfd;
 * cwd becomes "/". */
int rootfs_pivot(int rootfd, bool no_pivot, bool shared_ns, struct ward_error *err);
/* The container's /dev/null as an O_PATH fd (not followed if it is a symlink), verified to be
 * the null device (1:3): masks are bound from this handle, never from a path. */
int rootfs_open_null(struct ward_error *err);
/* After the pivot: linux.sysctl through the container's verified procfs. */
int rootfs_apply_sysctl(const struct ward_linux *lx, struct ward_error *err);
/* After the pivot: linux.maskedPaths, then linux.readonlyPaths. */
int rootfs_mask_paths(const struct ward_linux *lx, int nullfd, struct ward_error *err);
/* After the pivot: root.readonly, then linux.rootfsPropagation on the new root. */
int rootfs_finalize(const struct ward_spec *spec, struct ward_error *err);
/* The mount ID of the mount fd lies on (statx STATX_MNT_ID). */
int rootfs_mount_id(int fd, uint64_t *id);
/* Removes the bound root filesystem (and everything mounted on it) that a container without a
 * mount namespace of its own left in a shared one: in ward's namespace (nsfd -1) or, through a
 * child, in the namespace nsfd. Only while the mount on rootfs is still mnt_id. */
int rootfs_unmount_shared(const char *rootfs, uint64_t mnt_id, int nsfd, struct ward_error *err);

#endif
