/* What a container's state.json says, checked against the kernel before ward joins, signals,
 * freezes, updates or removes anything on its word. A state directory can be writable by
 * someone ward must not obey (a state root bound into a container): its pid, start time and
 * cgroup_path are claims, and each one is proved or refused here. */
#ifndef WARD_VERIFY_H
#define WARD_VERIFY_H

#include <stdbool.h>
#include <stddef.h>

#include "ward/error.h"
#include "ward/state.h"

/* ---- pure checks (unit-tested) ---- */

/* A cgroup path ward may act on: absolute, clean (no empty, "." or ".." component, no trailing
 * slash), not the root "/", and neither self (ward's own cgroup; NULL: unknown) nor one of
 * its ancestors. On refusal *why says which rule failed. */
int verify_cgroup_path(const char *path, const char *self, const char **why);
/* True when path is ancestor or below it ("/a/bc" is not below "/a/b"). */
bool verify_cgroup_within(const char *path, const char *ancestor);
/* The cgroup v2 path in the text of /proc/<pid>/cgroup (its "0::" line), malloc'd; NULL
 * when there is none. */
char *verify_parse_proc_cgroup(const char *text);

/* ---- against the kernel ---- */

/* The mark ward puts on a container's cgroup (cgroup_set_mark()): the state root's identity
 * and the container ID, "ward <dev>:<ino> <id>". */
int verify_mark(int rootfd, const char *id, char *buf, size_t size);

enum verify_result {
	VERIFY_REFUSED = -1, /* err says what did not match */
	VERIFY_GONE = 0,     /* the recorded process is not there (stopped, or pid reused) */
	VERIFY_ALIVE = 1,    /* *pidfd is the container's init, proved */
};
/* Proves that st (read from the directory id of the state root rootfd) describes a live
 * container: the ID is the directory's; cgroup_path passes verify_cgroup_path(); the pid has
 * the recorded start time, is not in ward's mount namespace (nor in its pid namespace when
 * own_pid_ns), and is in cgroup_path or below it; that cgroup carries this container's mark
 * (where cgroups cannot carry extended attributes: the pid is in cgroup_path itself). *pidfd
 * is taken before the checks and confirmed alive after them, so what was checked is what the
 * caller acts on. As root, a live container without a cgroup_path is refused. */
enum verify_result verify_init(int rootfd, const char *id, const struct ward_state *st, int *pidfd,
			       struct ward_error *err);

/* Completes a refusal for the user: nothing was done, and the fix. A system error (err->code
 * set: verify_init() could not read what it checks) is left as it is. */
int verify_refusal_hint(struct ward_error *err, const char *root, const char *id);

enum verify_cgroup_result {
	VERIFY_CGROUP_NOT_OURS = -1, /* err says why: leave it alone */
	VERIFY_CGROUP_ABSENT = 0,    /* no cgroup_path, or no such cgroup */
	VERIFY_CGROUP_EMPTY = 1,     /* not marked, but empty: removing it kills nothing */
	VERIFY_CGROUP_MARKED = 2,    /* carries this container's mark: kill and remove */
};
/* Whether st's cgroup may be removed when its init cannot be relied on (gone or refused). */
enum verify_cgroup_result verify_cgroup_owner(int rootfd, const char *id,
					      const struct ward_state *st, struct ward_error *err);

#endif
