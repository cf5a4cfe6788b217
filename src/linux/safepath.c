#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/param.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ward/cleanup.h"
#include "ward/safepath.h"
#include "ward/syscalls.h"
#include "ward/util.h"

#define IN_ROOT (RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS)

int safe_open_in_root(int rootfd, const char *path, int flags)
{
	while (*path == '/')
		path++;
	if (!*path)
		path = ".";
	return sys_openat2_retry(rootfd, path, (uint64_t)(flags | O_CLOEXEC), IN_ROOT);
}

/* Follows a dangling symlink the way the kernel would inside the root: its target is taken
 * relative to the root (absolute) or to its directory (relative), then the rest of the path. */
static char *expand_link(const char *prefix_dir, const char *link, const char *rest)
{
	char *out = NULL;
	if (asprintf(&out, "%s/%s/%s", link[0] == '/' ? "" : prefix_dir, link, rest) < 0)
		return NULL;
	return out;
}

static int mkdir_all(int rootfd, const char *path, mode_t mode, int depth, struct ward_error *err)
{
	size_t len = strlen(path);
	cleanup_free char *clean = malloc(len + 2);
	cleanup_close int parent = -1;
	char *p;

	if (!clean)
		return ward_fail(err, ENOMEM, "resolve %s", path);
	if (depth > MAXSYMLINKS)
		return ward_fail(err, ELOOP, "create directory %s in the container", path);
	path_clean(path, clean);
	parent = safe_open_in_root(rootfd, "/", O_PATH | O_DIRECTORY);
	if (parent < 0)
		return ward_fail(err, errno, "open the container root");
	p = clean + 1;
	while (*p) {
		char *end = strchrnul(p, '/');
		char saved = *end;
		int fd;

		*end = '\0';
		/* Resolve the prefix from the root each time, so an absolute symlink inside it
		 * is interpreted against the container root, not the parent directory. */
		fd = safe_open_in_root(rootfd, clean, O_PATH | O_DIRECTORY);
		if (fd < 0 && errno == ENOENT) {
			if (mkdirat(parent, p, mode) < 0 && errno != EEXIST)
				return ward_fail(err, errno, "create directory %s in the container",
						 clean);
			fd = safe_open_in_root(rootfd, clean, O_PATH | O_DIRECTORY);
			if (fd < 0 && errno == ENOENT) {
				char link[PATH_MAX];
				ssize_t n = readlinkat(parent, p, link, sizeof link - 1);
				if (n < 0)
					return ward_fail(err, ENOENT, "create directory %s", clean);
				link[n] = '\0';
				*(p > clean + 1 ? p - 1 : p) = '\0';
				cleanup_free char *next = expand_link(p > clean + 1 ? clean : "",
								      link, saved ? end + 1 : "");
				if (!next)
					return ward_fail(err, ENOMEM, "resolve %s", path);
				return mkdir_all(rootfd, next, mode, depth + 1, err);
			}
		}
		if (fd < 0)
			return ward_fail(err, errno, "open %s in the container", clean);
		close(parent);
		parent = fd;
		*end = saved;
		p = *end ? end + 1 : end;
	}
	return steal_fd(&parent);
}

int safe_mkdir_all_in_root(int rootfd, const char *path, mode_t mode, struct ward_error *err)
{
	return mkdir_all(rootfd, path, mode, 0, err);
}

int safe_mount_target(int rootfd, const char *path, bool want_file, struct ward_error *err)
{
	size_t len = strlen(path);
	cleanup_free char *clean = malloc(len + 2);
	cleanup_close int dirfd = -1;
	int fd;

	if (!clean)
		return ward_fail(err, ENOMEM, "resolve %s", path);
	path_clean(path, clean);
	fd = safe_open_in_root(rootfd, clean, O_PATH);
	if (fd >= 0)
		return fd;
	if (errno != ENOENT)
		return ward_fail(err, errno, "open %s in the container", clean);
	if (!want_file)
		return safe_mkdir_all_in_root(rootfd, clean, 0755, err);

	char *slash = strrchr(clean, '/');
	const char *name = slash + 1;
	if (slash == clean)
		dirfd = safe_open_in_root(rootfd, "/", O_PATH | O_DIRECTORY);
	else {
		*slash = '\0';
		dirfd = safe_mkdir_all_in_root(rootfd, clean, 0755, err);
		if (dirfd < 0)
			return -1;
		*slash = '/';
	}
	if (dirfd < 0)
		return ward_fail(err, errno, "open the container root");
	fd = openat(dirfd, name, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0 && errno != EEXIST)
		return ward_fail(err, errno, "create %s in the container", clean);
	if (fd >= 0)
		close(fd);
	fd = safe_open_in_root(rootfd, clean, O_PATH);
	if (fd < 0)
		return ward_fail(err, errno, "open %s in the container", clean);
	return fd;
}
