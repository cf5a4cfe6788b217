/* OCI hooks: run a program with the container state on stdin, its own args and env, and a
 * timeout after which it is killed. */
#ifndef WARD_HOOKS_H
#define WARD_HOOKS_H

#include <sys/types.h>

#include "ward/error.h"
#include "ward/spec.h"

/* The state object hooks read on stdin (runtime-spec "State"). malloc'd. */
char *hooks_state_json(const struct ward_spec *spec, const char *id, const char *status, pid_t pid,
		       const char *bundle);

/* Runs every hook of one kind in order; the first failure stops the others and is returned,
 * naming hooks.<kind>[i]. */
int hooks_run(const struct ward_spec *spec, enum ward_hook_kind kind, const char *state_json,
	      struct ward_error *err);

#endif
