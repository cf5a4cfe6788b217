#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "ward/cleanup.h"
#include "ward/hostpath.h"
#include "ward/mounts.h"
#include "ward/rootfs.h"
#include "ward/safepath.h"
#include "ward/syscalls.h"

static unsigned long propagation_flags(const char *name)
{
	static const struct {
		const char *name;
		unsigned long flags;
	} table[] = {
		{"private", MS_PRIVATE},       {"rprivate", MS_PRIVATE | MS_REC},
		{"slave", MS_SLAVE},	       {"rslave", MS_SLAVE | MS_REC},
		{"shared", MS_SHARED},	       {"rshared", MS_SHARED | MS_REC},
		{"unbindable", MS_UNBINDABLE}, {"runbindable", MS_UNBINDABLE | MS_REC},
	};
	if (!name)
		return MS_PRIVATE | MS_REC;
	for (size_t i = 0; i < ARRAY_SIZE(table); i++)
		if (strcmp(table[i].name, name) == 0)
			return table[i].flags;
	return MS_PRIVATE | MS_REC;
}

/* pivot_root refuses a new root whose parent mount is shared: make just that mount private. */
static int make_parent_mount_private(const char *rootfs, struct ward_error *err)
{
	char path[PATH_MAX];
	snprintf(path, sizeof path, "%s", rootfs);
	for (;;) {
		if (mount(NULL, path, NULL, MS_PRIVATE, NULL) == 0)
			return 0;
		if (errno != EINVAL)
			return ward_fail(err, errno, "make the mount above %s private", rootfs);
		/* EINVAL: not a mount point; try its parent directory. */
		char *slash = strrchr(path, '/');
		if (!slash || slash == path) {
			if (mount(NULL, "/", NULL, MS_PRIVATE, NULL) < 0)
				return ward_fail(err, errno, "make / private");
			return 0;
		}
		*slash = '\0';
	}
}

/* The judged root filesystem, bound onto itself (pivot_root needs a mount point). */
static int bind_rootfs(const struct host_object *rootfs, struct ward_error *err)
{
	cleanup_close int dir = hostpath_reopen(rootfs, O_PATH | O_DIRECTORY, err);
	int tree;

	if (dir < 0)
		return ward_error_prefix(err, "root.path");
	tree = open_tree(dir, "",
			 OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE | AT_EMPTY_PATH);
	if (tree < 0)
		return ward_fail(err, errno, "bind the root filesystem %s", rootfs->path);
	if (move_mount(tree, "", dir, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0) {
		int e = errno;
		close(tree);
		return ward_fail(err, e, "bind the root filesystem %s onto itself", rootfs->path);
	}
	return tree; /* now the root of the mount on rootfs */
}

int rootfs_prepare(const struct ward_spec *spec, const struct ward_plan *plan, const int *idmap_fds,
		   struct ward_error *err)
{
	unsigned long prop = propagation_flags(spec->linux_.rootfs_propagation);
	cleanup_close int rootfd = -1;

	/* Nothing done below may propagate back to the host unless the config asks for it. */
	if (mount(NULL, "/", NULL, prop, NULL) < 0)
		return ward_fail(err, errno, "set the propagation of / in the container");
	if ((prop & MS_SHARED) && make_parent_mount_private(plan->rootfs.path, err) < 0)
		return -1;
	rootfd = bind_rootfs(&plan->rootfs, err);
	if (rootfd < 0)
		return -1;

	for (size_t i = 0; i < spec->n_mounts; i++)
		if (mount_one(rootfd, &spec->mounts[i], &plan->mounts[i], i,
			      spec->linux_.mount_label, idmap_fds ? idmap_fds[i] : -1, err) < 0)
			return -1;
	if (rootfs_create_devices(rootfd, spec, err) < 0)
		return -1;
	return steal_fd(&rootfd);
}

int rootfs_pivot(int rootfd, bool no_pivot, struct ward_error *err)
{
	if (fchdir(rootfd) < 0)
		return ward_fail(err, errno, "enter the root filesystem");
	if (no_pivot) {
		if (mount(".", "/", NULL, MS_MOVE, NULL) < 0)
			return ward_fail(err, errno, "move the root filesystem to / (--no-pivot)");
		if (chroot(".") < 0)
			return ward_fail(err, errno, "chroot into the root filesystem");
	} else {
		/* pivot_root(".", ".") stacks the old root under the new one; detaching it
		 * leaves only the container's root (no temporary directory needed). */
		if (syscall(SYS_pivot_root, ".", ".") < 0)
			return ward_fail(err, errno, "pivot_root into the root filesystem");
		if (umount2(".", MNT_DETACH) < 0)
			return ward_fail(err, errno, "detach the old root");
	}
	if (chdir("/") < 0)
		return ward_fail(err, errno, "chdir to /");
	return 0;
}

int rootfs_finalize(const struct ward_spec *spec, struct ward_error *err)
{
	if (spec->root_readonly) {
		struct mount_attr attr = {.attr_set = MOUNT_ATTR_RDONLY};
		if (mount_setattr(AT_FDCWD, "/", 0, &attr, sizeof attr) < 0)
			return ward_fail(err, errno, "make the root filesystem read-only");
	}
	return 0;
}
