/* Resolving paths inside a container root: no symlink, "..", or magic link can leave it. */
#ifndef WARD_SAFEPATH_H
#define WARD_SAFEPATH_H

#include <stdbool.h>
#include <sys/types.h>

#include "ward/error.h"

/* openat2(rootfd, path, flags, RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS). Returns an fd or -1
 * with errno set (no error object: callers decide what a missing path means). */
int safe_open_in_root(int rootfd, const char *path, int flags);

/* Creates every missing directory of path inside the root and returns an O_PATH fd of the
 * last one. A component that exists but is not a directory is an error. */
int safe_mkdir_all_in_root(int rootfd, const char *path, mode_t mode, struct ward_error *err);

/* Opens (O_PATH) the mount target path inside the root, creating it as a directory or, when
 * want_file, as an empty regular file (and its parents as directories) if it is missing. */
int safe_mount_target(int rootfd, const char *path, bool want_file, struct ward_error *err);

#endif
