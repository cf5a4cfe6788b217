/* linux.maskedPaths and linux.readonlyPaths, applied after pivot_root. Files are masked with
 * /dev/null taken through an O_PATH handle that is verified to be the null device (1:3) and
 * bound from that very handle, so a symlink or file planted at /dev/null cannot redirect the
 * mask (CVE-2025-31133); directories with an empty read-only tmpfs. */
#include <errno.h>
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "ward/cleanup.h"
#include "ward/rootfs.h"
#include "ward/safepath.h"

int rootfs_open_null(struct ward_error *err)
{
	struct stat st;
	cleanup_close int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	int fd = safe_open_in_root(root, "/dev/null", O_PATH | O_NOFOLLOW);

	if (fd < 0)
		return ward_fail(err, errno, "open /dev/null in the container");
	if (fstat(fd, &st) < 0 || !S_ISCHR(st.st_mode) || st.st_rdev != makedev(1, 3)) {
		close(fd);
		return ward_fail(err, 0, "/dev/null in the container is not the null device (1:3)");
	}
	return fd;
}

static int attach(int tree, int target, const char *what, const char *path, struct ward_error *err)
{
	if (move_mount(tree, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return ward_fail(err, errno, "%s %s", what, path);
	return 0;
}

static int mask_one(int root, int nullfd, const char *path, struct ward_error *err)
{
	cleanup_close int target = safe_open_in_root(root, path, O_PATH | O_NOFOLLOW);
	cleanup_close int tree = -1;
	struct stat st;

	if (target < 0)
		return errno == ENOENT ? 0 : ward_fail(err, errno, "mask %s", path);
	if (fstat(target, &st) < 0)
		return ward_fail(err, errno, "mask %s", path);
	if (S_ISDIR(st.st_mode)) {
		cleanup_close int fs = fsopen("tmpfs", FSOPEN_CLOEXEC);
		if (fs < 0 || fsconfig(fs, FSCONFIG_SET_STRING, "size", "0", 0) < 0 ||
		    fsconfig(fs, FSCONFIG_SET_STRING, "mode", "0555", 0) < 0 ||
		    fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
			return ward_fail(err, errno, "mask %s: create an empty tmpfs", path);
		tree = fsmount(fs, FSMOUNT_CLOEXEC,
			       MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV |
				       MOUNT_ATTR_NOEXEC);
	} else {
		tree = open_tree(nullfd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
	}
	if (tree < 0)
		return ward_fail(err, errno, "mask %s", path);
	return attach(tree, target, "mask", path, err);
}

static int readonly_one(int root, const char *path, struct ward_error *err)
{
	cleanup_close int target = safe_open_in_root(root, path, O_PATH | O_NOFOLLOW);
	cleanup_close int tree = -1;
	struct mount_attr attr = {.attr_set = MOUNT_ATTR_RDONLY};

	if (target < 0)
		return errno == ENOENT ? 0 : ward_fail(err, errno, "make %s read-only", path);
	tree = open_tree(target, "",
			 OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH | AT_RECURSIVE);
	if (tree < 0)
		return ward_fail(err, errno, "make %s read-only", path);
	if (mount_setattr(tree, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof attr) < 0)
		return ward_fail(err, errno, "make %s read-only", path);
	return attach(tree, target, "make read-only", path, err);
}

int rootfs_mask_paths(const struct ward_linux *lx, int nullfd, struct ward_error *err)
{
	cleanup_close int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);

	if (root < 0)
		return ward_fail(err, errno, "open /");
	for (size_t i = 0; lx->masked_paths && lx->masked_paths[i]; i++)
		if (mask_one(root, nullfd, lx->masked_paths[i], err) < 0)
			return ward_error_prefix(err, "linux.maskedPaths[%zu]", i);
	for (size_t i = 0; lx->readonly_paths && lx->readonly_paths[i]; i++)
		if (readonly_one(root, lx->readonly_paths[i], err) < 0)
			return ward_error_prefix(err, "linux.readonlyPaths[%zu]", i);
	return 0;
}
