/* Host objects a config names (bind sources, the rootfs, namespace files, hook executables,
 * sockets), resolved exactly once: opened, identified and named by the kernel. The policy
 * judges the object; ward then acts on that object (its fd, or a re-open verified to be the
 * same inode), never on the config's string again. */
#ifndef WARD_HOSTPATH_H
#define WARD_HOSTPATH_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "ward/error.h"

/* A file's identity: the same (dev, ino) is the same file, whatever path reached it. */
struct host_id {
	dev_t dev;
	ino_t ino;
};

struct host_object {
	int fd;	   /* O_PATH (namespaces: O_RDONLY); -1 when not resolved */
	int error; /* errno of the failed resolution; 0 when resolved or not asked for */
	/* The kernel's name of the object (no symlink, no "..") when resolved; otherwise the
	 * request, lexically cleaned (absolute requests only), for judging by name. */
	char *path;
	struct stat st;
	long fs_type; /* statfs f_type */
	/* Identities of the directories above the object, nearest first, up to "/". */
	struct host_id *ancestors;
	size_t n_ancestors;
};

enum hostpath_mode {
	/* Follows symlinks as mount(2) would, but never a magic link (/proc/<pid>/root, fd/N);
	 * a symlink loop or a chain the kernel gives up on is an error. */
	HOSTPATH_NO_MAGIC,
	/* Follows anything, magic links included (hook executables such as /proc/<pid>/exe). */
	HOSTPATH_ANY,
	/* Relative to dirfd and never leaving it: no "..", absolute symlink or magic link may
	 * escape (relative bind sources, from the bundle directory). */
	HOSTPATH_BENEATH,
};

/* Resolves path (relative ones from dirfd) into o. Returns 0 when resolved; -1 with o->error
 * set otherwise (o->path then holds the cleaned request). open_flags: O_PATH, or O_RDONLY
 * for files that must be usable for more than naming (namespace files for setns). */
int hostpath_resolve(int dirfd, const char *path, enum hostpath_mode mode, int open_flags,
		     struct host_object *o);
void hostpath_clear(struct host_object *o);
/* An empty object (fd -1), safe to clear. */
void hostpath_init(struct host_object *o);

static inline struct host_id host_id_of(const struct stat *st)
{
	return (struct host_id){.dev = st->st_dev, .ino = st->st_ino};
}
static inline bool host_id_eq(struct host_id a, struct host_id b)
{
	return a.dev == b.dev && a.ino == b.ino;
}
/* o is the object with identity id, or lies below it. */
bool hostpath_at_or_below(const struct host_object *o, struct host_id id);

/* Re-opens o by its resolved path (without following any symlink) and checks that it is the
 * same inode: how a process in another mount namespace (the container's, a copy of the host's)
 * gets exactly the object that was judged. A swap since the judgement is an error. */
int hostpath_reopen(const struct host_object *o, int open_flags, struct ward_error *err);

#endif
