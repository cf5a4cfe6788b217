#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
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
	for (size_t i = 0; name && i < ARRAY_SIZE(table); i++)
		if (strcmp(table[i].name, name) == 0)
			return table[i].flags;
	return 0;
}

/* The judged root filesystem, bound onto itself (pivot_root needs a mount point). In a mount
 * namespace shared with others, the copy is made private before it is attached: what ward
 * mounts on it stays off the namespace's other mounts. */
static int bind_rootfs(const struct host_object *rootfs, bool shared_ns, struct ward_error *err)
{
	cleanup_close int dir = hostpath_reopen(rootfs, O_PATH | O_DIRECTORY, err);
	struct mount_attr private = {.propagation = MS_PRIVATE};
	int tree;

	if (dir < 0)
		return ward_error_prefix(err, "root.path");
	tree = open_tree(dir, "",
			 OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE | AT_EMPTY_PATH);
	if (tree < 0)
		return ward_fail(err, errno, "bind the root filesystem %s", rootfs->path);
	if (shared_ns &&
	    mount_setattr(tree, "", AT_EMPTY_PATH | AT_RECURSIVE, &private, sizeof private) < 0) {
		int e = errno;
		close(tree);
		return ward_fail(err, e, "make the copy of the root filesystem private");
	}
	if (move_mount(tree, "", dir, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0) {
		int e = errno;
		close(tree);
		return ward_fail(err, e, "bind the root filesystem %s onto itself", rootfs->path);
	}
	return tree; /* now the root of the mount on rootfs */
}

/* The root filesystem ward made as an idmapped mount (`userns = auto`), attached over root.path
 * in the container's mount namespace. root.path is not looked up again here: in the container's
 * user namespace the walk would need search permission on every host directory above it (Docker
 * and containers/storage keep their layers below 0700/0710 root-owned directories). The setup
 * process entered it while still the host's root (rootfs_enter_judged), and the new mount
 * namespace carried that working directory over to its copy of the mount. */
static int attach_idmapped_rootfs(const struct host_object *rootfs, int premade,
				  struct ward_error *err)
{
	cleanup_close int dir = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	struct stat st;

	if (dir < 0 || fstat(dir, &st) < 0)
		return ward_fail(err, errno, "root.path: open %s", rootfs->path);
	if (st.st_dev != rootfs->st.st_dev || st.st_ino != rootfs->st.st_ino)
		return ward_fail(err, 0,
				 "root.path: %s is no longer the directory the policy judged",
				 rootfs->path);
	if (move_mount(premade, "", dir, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return ward_fail(err, errno, "root.path: attach the idmapped root filesystem %s",
				 rootfs->path);
	int root = open_tree(premade, "", OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
	if (root < 0)
		return ward_fail(err, errno, "root.path: open the idmapped root filesystem");
	/* The working directory is the container's root from here on, not the directory the
	 * idmapped mount now covers (runc, too, runs createContainer hooks there). */
	if (fchdir(root) < 0) {
		int e = errno;
		close(root);
		return ward_fail(err, e, "root.path: enter the idmapped root filesystem");
	}
	return root;
}

int rootfs_enter_judged(const struct host_object *rootfs, struct ward_error *err)
{
	cleanup_close int dir = hostpath_reopen(rootfs, O_PATH | O_DIRECTORY, err);

	if (dir < 0)
		return ward_error_prefix(err, "root.path");
	if (fchdir(dir) < 0)
		return ward_fail(err, errno, "root.path: enter %s", rootfs->path);
	return 0;
}

int rootfs_prepare(const struct ward_spec *spec, const struct ward_plan *plan, const int *idmap_fds,
		   int idmap_rootfs_fd, bool shared_ns, struct ward_error *err)
{
	unsigned long prop = propagation_flags(spec->linux_.rootfs_propagation);
	unsigned long before = ((prop & MS_SLAVE) ? MS_SLAVE : MS_PRIVATE) | MS_REC;
	cleanup_close int rootfd = -1;

	/* Nothing done below may propagate back to the host: the copy of the host's mounts is
	 * private, or a slave where the config wants the host's mount events to reach the
	 * container. linux.rootfsPropagation itself applies to the new root, after the pivot
	 * (rootfs_finalize), so that a shared root is a peer group of the container's own. In a
	 * mount namespace that is not the container's own, its propagation is left alone. */
	if (!shared_ns && mount(NULL, "/", NULL, before, NULL) < 0)
		return ward_fail(err, errno, "set the propagation of / in the container");
	rootfd = idmap_rootfs_fd >= 0 ? attach_idmapped_rootfs(&plan->rootfs, idmap_rootfs_fd, err)
				      : bind_rootfs(&plan->rootfs, shared_ns, err);
	if (rootfd < 0)
		return -1;

	for (size_t i = 0; i < spec->n_mounts; i++)
		if (mount_one(rootfd, &spec->mounts[i], &plan->mounts[i], i,
			      spec->linux_.mount_label, idmap_fds ? idmap_fds[i] : -1, shared_ns,
			      err) < 0)
			return -1;
	if (rootfs_create_devices(rootfd, spec, err) < 0)
		return -1;
	return steal_fd(&rootfd);
}

int rootfs_pivot(int rootfd, bool no_pivot, bool shared_ns, struct ward_error *err)
{
	if (fchdir(rootfd) < 0)
		return ward_fail(err, errno, "enter the root filesystem");
	if (shared_ns) {
		/* pivot_root would move the root of every process of a namespace that is not the
		 * container's; a chroot changes this process's alone. */
		if (chroot(".") < 0)
			return ward_fail(err, errno, "chroot into the root filesystem");
	} else if (no_pivot) {
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
	unsigned long prop = propagation_flags(spec->linux_.rootfs_propagation);

	if (spec->root_readonly) {
		struct mount_attr attr = {.attr_set = MOUNT_ATTR_RDONLY};
		if (mount_setattr(AT_FDCWD, "/", 0, &attr, sizeof attr) < 0)
			return ward_fail(err, errno, "make the root filesystem read-only");
	}
	/* Last: an unbindable root could not be the source of the read-only binds above. A
	 * shared root becomes a peer group of its own (the host's mounts were made private
	 * before the pivot), as the runtime spec describes it. */
	if (prop && mount(NULL, "/", NULL, prop, NULL) < 0)
		return ward_fail(err, errno, "linux.rootfsPropagation: make the root %s",
				 spec->linux_.rootfs_propagation);
	return 0;
}

int rootfs_mount_id(int fd, uint64_t *id)
{
	struct statx stx;

	if (statx(fd, "", AT_EMPTY_PATH | AT_STATX_DONT_SYNC, STATX_MNT_ID, &stx) < 0)
		return -1;
	if (!(stx.stx_mask & STATX_MNT_ID)) {
		errno = ENOSYS;
		return -1;
	}
	*id = stx.stx_mnt_id;
	return 0;
}

/* In the namespace: the mount on rootfs is removed only if it is still the one recorded. */
static int unmount_if_same(const char *rootfs, uint64_t mnt_id)
{
	char path[64];
	uint64_t now;
	cleanup_close int fd = open(rootfs, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0)
		return errno == ENOENT ? 0 : -errno;
	if (rootfs_mount_id(fd, &now) < 0)
		return -errno;
	if (now != mnt_id)
		return 0; /* gone already */
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	return umount2(path, MNT_DETACH) < 0 ? -errno : 0;
}

int rootfs_unmount_shared(const char *rootfs, uint64_t mnt_id, int nsfd, struct ward_error *err)
{
	int r, status;
	pid_t pid;

	if (!mnt_id)
		return 0;
	if (nsfd < 0) {
		r = unmount_if_same(rootfs, mnt_id);
		return r < 0 ? ward_fail(err, -r, "unmount the container's root %s", rootfs) : 0;
	}
	/* Another namespace: a child joins it, so that ward's own view never changes. */
	pid = fork();
	if (pid < 0)
		return ward_fail(err, errno, "unmount the container's root %s", rootfs);
	if (pid == 0) {
		if (setns(nsfd, CLONE_NEWNS) < 0)
			_exit(errno & 0xff);
		_exit(-unmount_if_same(rootfs, mnt_id) & 0xff);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return ward_fail(err, errno, "unmount the container's root %s", rootfs);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return ward_fail(err, WIFEXITED(status) ? WEXITSTATUS(status) : 0,
				 "unmount the container's root %s in the mount namespace it joined",
				 rootfs);
	return 0;
}
