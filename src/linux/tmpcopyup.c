/* The "tmpcopyup" mount option (Podman's default for --tmpfs): a tmpfs mounted over a
 * directory of the image starts with a copy of that directory, its owner and mode, files,
 * symbolic links, subdirectories and special files. The image directory is read only through
 * fds opened inside the container root, one name at a time with O_NOFOLLOW, so a symbolic
 * link (or a rename racing the copy) can never make ward read or write outside it; a
 * directory or file of another mount (a volume mounted below) is copied empty. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "ward/cleanup.h"
#include "ward/mounts.h"
#include "ward/util.h"

/* Deeper trees are refused rather than copied half: each level holds two fds. */
#define MAX_DEPTH 128

struct copy {
	uint64_t mnt_id;     /* the image directory's mount: nothing below another is read */
	char path[PATH_MAX]; /* the entry being copied, relative to the directory (errors) */
	char *buf;
	size_t bufsize;
	struct ward_error *err;
};

static int fail(struct copy *c, int code, const char *what)
{
	return ward_fail(c->err, code, "tmpcopyup: %s %s", what, c->path[0] ? c->path : ".");
}

static int stat_entry(int dirfd, const char *name, int flags, struct statx *stx)
{
	return statx(dirfd, name, flags | AT_SYMLINK_NOFOLLOW,
		     STATX_TYPE | STATX_MODE | STATX_UID | STATX_GID | STATX_ATIME | STATX_MTIME |
			     STATX_INO | STATX_MNT_ID,
		     stx);
}

/* Owner, then mode (a chown clears set-id bits), then times: as the image has them. An owner
 * the container's user namespace does not map is an error, not root: that would hand the
 * container a file it could not touch in the image. */
static int set_attrs(struct copy *c, int fd, const struct statx *stx)
{
	struct timespec times[2] = {
		{.tv_sec = stx->stx_atime.tv_sec, .tv_nsec = stx->stx_atime.tv_nsec},
		{.tv_sec = stx->stx_mtime.tv_sec, .tv_nsec = stx->stx_mtime.tv_nsec},
	};

	if (fchown(fd, stx->stx_uid, stx->stx_gid) < 0) {
		fail(c, errno, "set the owner of");
		if (c->err->code == EINVAL)
			ward_error_hint(c->err,
					"its owner %u:%u is not mapped in the container's "
					"user namespace",
					stx->stx_uid, stx->stx_gid);
		return -1;
	}
	if (fchmod(fd, stx->stx_mode & 07777) < 0)
		return fail(c, errno, "set the mode of");
	if (futimens(fd, times) < 0)
		return fail(c, errno, "set the times of");
	return 0;
}

static int copy_data(struct copy *c, int from, int to)
{
	for (;;) {
		ssize_t n = read(from, c->buf, c->bufsize);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return fail(c, errno, "read");
		if (n == 0)
			return 0;
		if (write_all(to, c->buf, (size_t)n) < 0)
			return fail(c, errno, "write");
	}
}

static int copy_file(struct copy *c, int src, int dst, const char *name, const struct statx *stx)
{
	cleanup_close int from = -1;
	cleanup_close int to = -1;
	struct stat st;

	/* O_NONBLOCK: a fifo swapped in after the stat must not block the open. */
	from = openat(src, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (from < 0)
		return fail(c, errno, "open");
	if (fstat(from, &st) < 0 || !S_ISREG(st.st_mode) || st.st_ino != stx->stx_ino)
		return fail(c, 0, "the image changed while it was copied:");
	to = openat(dst, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (to < 0)
		return fail(c, errno, "create");
	if (copy_data(c, from, to) < 0)
		return -1;
	return set_attrs(c, to, stx);
}

/* A file bound over an entry of the image (an earlier mount) is not the image's: it is
 * copied as an empty file, as a directory of another mount is copied empty. */
static int copy_mount_point(struct copy *c, int dst, const char *name, const struct statx *stx)
{
	cleanup_close int to =
		openat(dst, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);

	if (to < 0)
		return fail(c, errno, "create");
	return set_attrs(c, to, stx);
}

static int copy_symlink(struct copy *c, int src, int dst, const char *name, const struct statx *stx)
{
	char target[PATH_MAX];
	struct timespec times[2] = {
		{.tv_sec = stx->stx_atime.tv_sec, .tv_nsec = stx->stx_atime.tv_nsec},
		{.tv_sec = stx->stx_mtime.tv_sec, .tv_nsec = stx->stx_mtime.tv_nsec},
	};
	ssize_t n = readlinkat(src, name, target, sizeof target);

	if (n < 0)
		return fail(c, errno, "read the link");
	if ((size_t)n >= sizeof target)
		return fail(c, ENAMETOOLONG, "read the link");
	target[n] = '\0';
	/* The link is copied, never followed. */
	if (symlinkat(target, dst, name) < 0)
		return fail(c, errno, "create the link");
	if (fchownat(dst, name, stx->stx_uid, stx->stx_gid, AT_SYMLINK_NOFOLLOW) < 0)
		return fail(c, errno, "set the owner of");
	if (utimensat(dst, name, times, AT_SYMLINK_NOFOLLOW) < 0)
		return fail(c, errno, "set the times of");
	return 0;
}

/* Fifos, sockets and device nodes: made anew (a device node only where the container may
 * make one; the device cgroup still decides whether it can be opened). The new tmpfs is
 * ward's alone until it is attached, so its names can be used directly. */
static int copy_node(struct copy *c, int dst, const char *name, const struct statx *stx)
{
	dev_t dev = makedev(stx->stx_rdev_major, stx->stx_rdev_minor);

	if (mknodat(dst, name, (stx->stx_mode & S_IFMT) | 0600, dev) < 0)
		return fail(c, errno, "create the special file");
	if (fchownat(dst, name, stx->stx_uid, stx->stx_gid, AT_SYMLINK_NOFOLLOW) < 0)
		return fail(c, errno, "set the owner of");
	if (fchmodat(dst, name, stx->stx_mode & 07777, 0) < 0)
		return fail(c, errno, "set the mode of");
	return 0;
}

static int copy_dir(struct copy *c, int src, int dst, int depth);

static int copy_subdir(struct copy *c, int src, int dst, const char *name, const struct statx *stx,
		       int depth)
{
	cleanup_close int from = -1;
	cleanup_close int to = -1;
	struct statx opened;

	if (mkdirat(dst, name, 0700) < 0)
		return fail(c, errno, "create the directory");
	to = openat(dst, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (to < 0)
		return fail(c, errno, "open the new directory");
	/* Another mount below the directory (a volume) is not the image's: left empty. */
	if (stx->stx_mnt_id == c->mnt_id) {
		from = openat(src, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (from < 0)
			return fail(c, errno, "open the directory");
		if (stat_entry(from, "", AT_EMPTY_PATH, &opened) < 0 ||
		    opened.stx_ino != stx->stx_ino || opened.stx_mnt_id != c->mnt_id)
			return fail(c, 0, "the image changed while it was copied:");
		if (copy_dir(c, from, to, depth + 1) < 0)
			return -1;
	}
	return set_attrs(c, to, stx);
}

static int copy_entry(struct copy *c, int src, int dst, const char *name, int depth)
{
	struct statx stx;

	if (stat_entry(src, name, 0, &stx) < 0)
		return fail(c, errno, "stat");
	switch (stx.stx_mode & S_IFMT) {
	case S_IFDIR:
		return copy_subdir(c, src, dst, name, &stx, depth);
	case S_IFREG:
		if (stx.stx_mnt_id != c->mnt_id)
			return copy_mount_point(c, dst, name, &stx);
		return copy_file(c, src, dst, name, &stx);
	case S_IFLNK:
		return copy_symlink(c, src, dst, name, &stx);
	default:
		return copy_node(c, dst, name, &stx);
	}
}

static int copy_dir(struct copy *c, int src, int dst, int depth)
{
	DIR *d;
	struct dirent *e;
	size_t base = strlen(c->path);
	int rc = 0;

	if (depth > MAX_DEPTH)
		return fail(c, ELOOP, "copy (more than 128 levels of directories)");
	int fd = fcntl(src, F_DUPFD_CLOEXEC, 0);
	if (fd < 0 || !(d = fdopendir(fd))) {
		if (fd >= 0)
			close(fd);
		return fail(c, errno, "read the directory");
	}
	while (rc == 0) {
		errno = 0;
		if (!(e = readdir(d))) {
			if (errno)
				rc = fail(c, errno, "read the directory");
			break;
		}
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (snprintf(c->path + base, sizeof c->path - base, "%s%s", base ? "/" : "",
			     e->d_name) >= (int)(sizeof c->path - base)) {
			c->path[base] = '\0';
			rc = fail(c, ENAMETOOLONG, "copy an entry of");
			break;
		}
		rc = copy_entry(c, src, dst, e->d_name, depth);
		if (rc == 0)
			c->path[base] = '\0';
	}
	closedir(d);
	return rc;
}

/* Whether the filesystem options set it explicitly (uid=, gid=, mode=): then they win. */
static bool option_given(char *const *data, const char *key)
{
	size_t n = strlen(key);
	for (size_t i = 0; data && data[i]; i++)
		if (strncmp(data[i], key, n) == 0 && data[i][n] == '=')
			return true;
	return false;
}

int tmpcopyup_copy(int target, int mntfd, const struct mount_plan *plan, struct ward_error *err)
{
	cleanup_close int src = -1;
	cleanup_close int dst = -1;
	struct copy c = {.err = err, .bufsize = 64 * 1024};
	struct statx root;
	int rc;

	src = openat(target, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (src < 0)
		return fail(&c, errno, "open the image directory");
	dst = openat(mntfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dst < 0)
		return fail(&c, errno, "open the new tmpfs");
	if (stat_entry(src, "", AT_EMPTY_PATH, &root) < 0)
		return fail(&c, errno, "stat the image directory");
	c.mnt_id = root.stx_mnt_id;
	c.buf = malloc(c.bufsize);
	if (!c.buf)
		return fail(&c, ENOMEM, "copy");
	rc = copy_dir(&c, src, dst, 0);
	free(c.buf);
	if (rc < 0)
		return -1;
	c.path[0] = '\0';
	/* The tmpfs itself takes the directory's owner and mode, unless the options say. */
	if (!option_given(plan->data, "uid") && !option_given(plan->data, "gid") &&
	    fchown(dst, root.stx_uid, root.stx_gid) < 0)
		return fail(&c, errno, "set the owner of the tmpfs root,");
	if (!option_given(plan->data, "mode") && fchmod(dst, root.stx_mode & 07777) < 0)
		return fail(&c, errno, "set the mode of the tmpfs root,");
	return 0;
}
