/* Resolving a host path exactly once: the fd is the object, the kernel names it, and its
 * ancestors are identified by inode so "below /etc" holds however the path was spelled. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "ward/cleanup.h"
#include "ward/hostpath.h"
#include "ward/safepath.h"
#include "ward/syscalls.h"
#include "ward/util.h"

/* Deeper than any real tree; bounds the walk up through "..". */
#define MAX_DEPTH 256

void hostpath_init(struct host_object *o)
{
	memset(o, 0, sizeof *o);
	o->fd = -1;
}

void hostpath_clear(struct host_object *o)
{
	if (o->fd >= 0)
		close(o->fd);
	free(o->path);
	free(o->ancestors);
	hostpath_init(o);
}

static int open_mode(int dirfd, const char *path, enum hostpath_mode mode, int flags)
{
	uint64_t resolve = 0;

	/* openat2 refuses O_PATH with any flag but O_DIRECTORY, O_NOFOLLOW and O_CLOEXEC. */
	flags |= O_CLOEXEC | ((flags & O_PATH) ? 0 : O_NOCTTY);
	if (mode == HOSTPATH_ANY)
		return openat(dirfd, path, flags);
	resolve = RESOLVE_NO_MAGICLINKS | (mode == HOSTPATH_BENEATH ? RESOLVE_BENEATH : 0);
	return sys_openat2_retry(dirfd, path, (uint64_t)flags, resolve);
}

/* The kernel's name of what fd refers to. */
static char *fd_name(int fd)
{
	char link[64], buf[PATH_MAX];
	snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
	ssize_t n = readlink(link, buf, sizeof buf - 1);
	if (n <= 0)
		return NULL;
	buf[n] = '\0';
	return strdup(buf);
}

static int push_id(struct host_object *o, const struct stat *st)
{
	struct host_id *grown = realloc(o->ancestors, (o->n_ancestors + 1) * sizeof *grown);
	if (!grown)
		return -1;
	o->ancestors = grown;
	grown[o->n_ancestors++] = host_id_of(st);
	return 0;
}

/* Walks up through ".." (which crosses mount points as path lookup does) until "/". A
 * non-directory starts from the directory its kernel name names. */
static int walk_ancestors(struct host_object *o)
{
	cleanup_close int cur = -1;
	struct stat st;

	if (S_ISDIR(o->st.st_mode)) {
		cur = fcntl(o->fd, F_DUPFD_CLOEXEC, 0);
	} else {
		char dir[PATH_MAX];
		if (!o->path || o->path[0] != '/' || strlen(o->path) >= sizeof dir)
			return -1;
		strcpy(dir, o->path);
		char *slash = strrchr(dir, '/');
		if (slash == dir)
			slash[1] = '\0';
		else
			*slash = '\0';
		cur = sys_openat2(AT_FDCWD, dir, O_PATH | O_DIRECTORY | O_CLOEXEC,
				  RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS);
		if (cur < 0 || fstat(cur, &st) < 0 || push_id(o, &st) < 0)
			return -1;
	}
	if (cur < 0 || fstat(cur, &st) < 0)
		return -1;
	for (int depth = 0; depth < MAX_DEPTH; depth++) {
		struct stat up;
		int parent = openat(cur, "..", O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (parent < 0)
			return -1;
		if (fstat(parent, &up) < 0) {
			close(parent);
			return -1;
		}
		close(cur);
		cur = parent;
		if (up.st_dev == st.st_dev && up.st_ino == st.st_ino)
			return 0; /* ".." of "/" is "/" */
		if (push_id(o, &up) < 0)
			return -1;
		st = up;
	}
	errno = ELOOP;
	return -1;
}

int hostpath_resolve(int dirfd, const char *path, enum hostpath_mode mode, int open_flags,
		     struct host_object *o)
{
	struct statfs sfs;

	hostpath_init(o);
	if (!path || !*path) {
		o->error = ENOENT;
		return -1;
	}
	o->fd = open_mode(dirfd, path, mode, open_flags);
	if (o->fd < 0) {
		o->error = errno;
		goto unresolved;
	}
	if (fstat(o->fd, &o->st) < 0 || fstatfs(o->fd, &sfs) < 0) {
		o->error = errno;
		goto unresolved;
	}
	o->fs_type = (long)sfs.f_type;
	o->path = fd_name(o->fd);
	if (!o->path) {
		o->error = errno ? errno : ENOENT;
		goto unresolved;
	}
	/* An object outside the directory tree (a namespace file names itself "net:[...]") has
	 * no ancestors to judge. */
	if (o->path[0] == '/' && walk_ancestors(o) < 0) {
		o->error = errno ? errno : ENOENT;
		goto unresolved;
	}
	return 0;

unresolved : {
	int e = o->error;
	hostpath_clear(o);
	o->error = e;
	/* Judged by its name where nothing else is known (`ward policy check` elsewhere). */
	if (path[0] == '/') {
		o->path = malloc(strlen(path) + 2);
		if (o->path)
			path_clean(path, o->path);
	}
	return -1;
}
}

bool hostpath_at_or_below(const struct host_object *o, struct host_id id)
{
	if (o->fd < 0)
		return false;
	if (host_id_eq(host_id_of(&o->st), id))
		return true;
	for (size_t i = 0; i < o->n_ancestors; i++)
		if (host_id_eq(o->ancestors[i], id))
			return true;
	return false;
}

int hostpath_reopen(const struct host_object *o, int open_flags, struct ward_error *err)
{
	struct stat st;
	int fd;

	if (o->fd < 0 || !o->path || o->path[0] != '/')
		return ward_fail(err, o->error ? o->error : ENOENT, "%s: not resolved",
				 o->path ? o->path : "(none)");
	fd = sys_openat2_retry(AT_FDCWD, o->path, (uint64_t)(open_flags | O_CLOEXEC),
			       RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS);
	if (fd < 0) {
		ward_fail(err, errno, "%s: open it again as it was judged", o->path);
		if (errno == ELOOP)
			ward_error_hint(err, "a path component became a symbolic link since the "
					     "policy judged it");
		return -1;
	}
	if (fstat(fd, &st) < 0 || st.st_dev != o->st.st_dev || st.st_ino != o->st.st_ino) {
		close(fd);
		return ward_fail(err, 0,
				 "%s: is no longer the file the policy judged (it was replaced "
				 "while the container was set up)",
				 o->path);
	}
	return fd;
}
