/* Starting the container init: clone, namespaces, the setup protocol (parent side), and the
 * container-side setup that ends in execve. */
#ifndef WARD_SPAWN_H
#define WARD_SPAWN_H

#include <stdbool.h>
#include <sys/types.h>

#include "ward/error.h"
#include "ward/spec.h"

struct ward_init_config {
	const struct ward_spec *spec;
	const char *bundle; /* absolute */
	const char *rootfs; /* absolute host path of root.path */
	bool no_pivot;
	int cgroup_fd; /* -1: stay in the caller's cgroup */
};

struct ward_spawn {
	pid_t pid;   /* the init's pid on the host */
	int pidfd;   /* pidfd of the init */
	int sync_fd; /* ward's end of the init's setup socket */
};

/* Clones the container init and waits until it is fully set up and waiting for start. On
 * failure nothing is left running. */
int spawn_container(const struct ward_init_config *cfg, struct ward_spawn *out,
		    struct ward_error *err);
/* Lets the init exec the user process; returns once execve succeeded (or with its error). */
int spawn_start(struct ward_spawn *sp, struct ward_error *err);
/* Kills a spawned init that will not be started, and releases the handles. */
void spawn_abort(struct ward_spawn *sp);
void spawn_release(struct ward_spawn *sp);

/* Container side (runs in the cloned processes; never returns). */
__attribute__((noreturn)) void init_setup_stage(const struct ward_init_config *cfg, int setup_fd,
						 int init_fd);

int ns_clone_flag(enum ward_ns_kind kind);

#endif
