/* The container's root filesystem shown through its user namespace (policy userns = auto):
 * image files owned by 0 on disk must appear owned by the container's root. */
#ifndef WARD_IDMAP_ROOTFS_H
#define WARD_IDMAP_ROOTFS_H

#include "ward/error.h"

/* The judged root filesystem shown through userns_fd, as a detached mount for the init to
 * attach (MOUNT_ATTR_IDMAP needs ward's host privilege, which the init no longer has).
 * rootfs_fd: an O_PATH directory fd of root.path (already resolved and judged); rootfs_path:
 * its name for errors. A directory on an idmappable filesystem is cloned (recursively) and
 * idmapped; the root of an overlayfs mount (what engines hand over, and overlayfs itself cannot
 * be idmapped) is rebuilt as a new overlay over idmapped copies of its layers, sharing the
 * engine's upperdir (needs Linux 6.13: layers given as file descriptors). Anything else fails
 * closed with an error naming root.path. Returns the mount's fd (close-on-exec) or -1. */
int idmap_rootfs_open(int rootfs_fd, const char *rootfs_path, int userns_fd,
		      struct ward_error *err);

#endif
