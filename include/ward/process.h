/* The container process's credentials and environment: rlimits, user, capabilities, exec. */
#ifndef WARD_PROCESS_H
#define WARD_PROCESS_H

#include "ward/error.h"
#include "ward/spec.h"

int process_set_rlimits(const struct ward_process *p, struct ward_error *err);
/* Drops capabilities outside the bounding set (needs CAP_SETPCAP, so it runs first). */
int caps_set_bounding(const struct ward_capabilities *caps, struct ward_error *err);
/* setgroups/setresgid/setresuid keeping the permitted set for caps_apply(). */
int process_set_user(const struct ward_process *p, struct ward_error *err);
/* Effective, permitted, inheritable, then ambient. Capabilities the config does not name are
 * never left in any set. */
int caps_apply(const struct ward_capabilities *caps, struct ward_error *err);
/* chdir to cwd resolved inside the (already pivoted) root. */
int process_chdir(const char *cwd, struct ward_error *err);
/* Looks args[0] up on the PATH of the process's env. Errors keep runc's wording, which callers
 * map to exit codes 126/127. */
int process_find_executable(const struct ward_process *p, char **path, struct ward_error *err);
/* Unblocks and resets every signal so the process starts with a clean slate. */
void process_reset_signals(void);

#endif
