/* The root filesystem of a container without a mount namespace of its own: ward bound it (and
 * mounted the container's filesystems on it) in the host's namespace or in the one the config
 * joined, where nothing removes them when the container stops. They go with the container. */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ward/cleanup.h"
#include "ward/log.h"
#include "ward/rootfs.h"
#include "internal.h"

static bool is_namespace(int fd, const char *path, const struct ward_state *st)
{
	struct stat ns;

	if (fd >= 0 ? fstat(fd, &ns) < 0 : stat(path, &ns) < 0)
		return false;
	return (uint64_t)ns.st_dev == st->mnt_ns_dev && (uint64_t)ns.st_ino == st->mnt_ns_ino;
}

int unmount_shared_root(const struct ward_state *st, int nsfd, struct ward_error *err)
{
	cleanup_close int joined = -1;

	if (!st->shared_mnt_ns || !st->rootfs_mount_id)
		return 0;
	if (is_namespace(-1, "/proc/self/ns/mnt", st))
		return rootfs_unmount_shared(st->rootfs, st->rootfs_mount_id, -1, err);
	if (nsfd < 0 && st->mnt_ns_path) {
		joined = open(st->mnt_ns_path, O_RDONLY | O_CLOEXEC);
		nsfd = joined;
	}
	if (nsfd >= 0 && is_namespace(nsfd, NULL, st))
		return rootfs_unmount_shared(st->rootfs, st->rootfs_mount_id, nsfd, err);
	if (st->mnt_ns_path) {
		/* The namespace ended (its mounts with it), or its file now names another. */
		log_warn("container %s: the mount namespace %s it joined is gone; its root "
			 "filesystem mount %s went with it",
			 st->id, st->mnt_ns_path, st->rootfs);
		return 0;
	}
	return ward_fail(err, 0,
			 "container %s: its root filesystem %s is mounted in the mount namespace "
			 "it was created in, which is not ward's (run ward from that namespace, or "
			 "unmount it there with umount -l)",
			 st->id, st->rootfs);
}
