/* OCI hooks: run a program with the container state on stdin, its own args and env, and a
 * timeout after which it is killed. */
#ifndef WARD_HOOKS_H
#define WARD_HOOKS_H

#include <sys/types.h>

#include "ward/error.h"
#include "ward/hostpath.h"
#include "ward/spec.h"

/* The state object hooks read on stdin (runtime-spec "State"). malloc'd. */
char *hooks_state_json(const struct ward_spec *spec, const char *id, const char *status, pid_t pid,
		       const char *bundle);

/* Runs every hook of one kind in order; the first failure stops the others (but for poststart
 * and poststop) and is returned, naming hooks.<kind>[i]. exe[i] is hooks.<kind>[i]'s executable
 * as the policy judged it: the hook runs that very file (execveat on its fd), never the path
 * again, and a hook without one is not run. exe is NULL only for startContainer hooks, which
 * run inside the container, as its process, and are found by path there. */
int hooks_run(const struct ward_spec *spec, enum ward_hook_kind kind, const struct host_object *exe,
	      const char *state_json, struct ward_error *err);

#endif
