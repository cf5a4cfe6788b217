/* Container lifecycle orchestration: spec -> state directory -> spawn -> wait. */
#ifndef WARD_CONTAINER_H
#define WARD_CONTAINER_H

#include <stdbool.h>

#include "ward/error.h"

struct run_options {
	const char *root;   /* state root */
	const char *id;
	const char *bundle; /* may be relative */
	const char *pid_file;
	bool no_pivot;
	bool keep;
};

/* `ward run` in the foreground: creates, starts and waits for the container, forwarding
 * signals. *exit_status is the container's (128+N when killed by signal N). */
int container_run(const struct run_options *opts, int *exit_status, struct ward_error *err);

#endif
