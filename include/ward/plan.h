/* What ward will act on, resolved once, before anything exists on the host: each mount's
 * effective options and filesystem, and every host object the config names (the rootfs, bind
 * sources, namespace files, hook executables, the seccomp agent's socket), opened and
 * identified. The policy judges the plan; create then acts on exactly what was judged. */
#ifndef WARD_PLAN_H
#define WARD_PLAN_H

#include <stdbool.h>
#include <stddef.h>

#include "ward/error.h"
#include "ward/hostpath.h"
#include "ward/mounts.h"
#include "ward/spec.h"

struct plan_mount {
	struct mount_plan opts; /* effective options: the last of "ro"/"rw" wins, ... */
	const char *fs;		/* "bind", or the filesystem ward creates ("cgroup" is cgroup2) */
	struct host_object source; /* bind mounts: the source */
};

/* ward's own directories, which no container may be given. */
struct plan_own {
	const char *what; /* "ward's state root", "ward's seccomp cache" */
	struct host_object dir;
};

#define PLAN_MAX_OWN 6

struct ward_plan {
	bool resolved; /* false: built from names only (`policy check` of a config, fuzzing) */
	struct host_object rootfs;
	struct plan_mount *mounts; /* one per spec->mounts[] */
	size_t n_mounts;
	struct host_object ns[WARD_NS_KINDS];	    /* namespaces joined by path (fd O_RDONLY) */
	struct host_object *hooks[WARD_HOOK_KINDS]; /* per hook: its executable */
	size_t n_hooks[WARD_HOOK_KINDS];
	struct host_object listener; /* linux.seccomp.listenerPath */
	struct plan_own own[PLAN_MAX_OWN];
	size_t n_own;
	/* The policy's `userns = auto` gave the container its user namespace (from the pool). */
	bool auto_userns;
};

enum plan_flags {
	PLAN_RESOLVE = 1, /* open the host objects (create); otherwise names only */
};

/* Builds the plan of spec. bundle: the absolute bundle directory (relative paths start there);
 * state_root: the --root in use (may be NULL). An option or namespace file the config gets
 * wrong is an error naming the field; a host object that cannot be opened is not (it is
 * recorded, for plan_require_resolved() and for judging by name). */
int plan_build(const struct ward_spec *spec, const char *bundle, const char *state_root,
	       unsigned flags, struct ward_plan *plan, struct ward_error *err);
/* An empty plan (every host object unresolved), safe to clear. */
void plan_init(struct ward_plan *plan);
/* The plan of `exec`, whose process joins what the container has: only the seccomp agent's
 * socket (linux.seccomp.listenerPath) is resolved, as it must be for the handoff. */
int plan_build_exec(const struct ward_spec *spec, struct ward_plan *plan, struct ward_error *err);
/* create: every host object the container will use must have been resolved. */
int plan_require_resolved(const struct ward_spec *spec, const struct ward_plan *plan,
			  struct ward_error *err);
void plan_clear(struct ward_plan *plan);

#endif
