/* The command line of a verb whose only option is --help: one container ID (start, state,
 * pause, resume). */
#ifndef WARD_CMD_ID_ARGS_H
#define WARD_CMD_ID_ARGS_H

/* Returns the container ID; NULL when the verb is done, with *status its exit status: 0 after
 * printing usage for --help, 1 after a usage error. */
const char *cmd_id_args(const char *verb, const char *usage, int argc, char **argv, int *status);

#endif
