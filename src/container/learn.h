/* Seccomp learning and complain mode for the verbs: what create and exec load and hand to an
 * agent, and what delete writes from the agents' records. Private to src/container/. */
#ifndef WARD_CONTAINER_LEARN_H
#define WARD_CONTAINER_LEARN_H

#include <stdbool.h>
#include <sys/types.h>

#include "ward/container.h"
#include "ward/error.h"
#include "ward/policy.h"
#include "ward/seccomp.h"
#include "ward/seccomp_learn.h"
#include "ward/spec.h"
#include "ward/state.h"

struct learn_session {
	bool on;
	enum learn_mode mode;
	char *target; /* learning: FILE; complain mode: FILE or NULL (the log) */
	struct ward_seccomp_program filter; /* learning's notifying filter */
	int record_fd;			    /* the agent's record in the state directory */
	unsigned skip_installs;		    /* learning: 1 when a profile follows the filter */
};

/* create: the mode the flags and the policy ask for, checked against the config before
 * anything exists (one notification listener per process; FILE must be a profile ward
 * learned, or new). Nothing is on when neither is asked for. */
int learn_session_create(struct learn_session *s, const struct create_options *o,
			 const struct policy_verdict *v, const struct ward_spec *spec,
			 struct ward_error *err);
/* exec: the mode create chose, from the state directory. */
int learn_session_exec(struct learn_session *s, int dirfd, const struct ward_spec *spec,
		       struct ward_error *err);
/* create: records the mode in the state directory, for exec and delete. */
int learn_session_save(const struct learn_session *s, int dirfd, struct ward_error *err);
/* With the profile compiled (profile->filter NULL: the container has none): learning's filter,
 * or the profile turned into complain mode's form; the agent's record file in dirfd. */
int learn_session_filters(struct learn_session *s, struct ward_seccomp_program *profile, int dirfd,
			  struct ward_error *err);
/* For `ward inspect`: learning's filter is one more that ward loads into the init. */
int learn_session_record(const struct learn_session *s, struct ward_confinement *c);
/* ward_init_config.seccomp_listener when on: forks the agent with the listener. */
int learn_session_handoff(void *ctx, pid_t pid, int fd, struct ward_error *err);
void learn_session_clear(struct learn_session *s);

/* delete: merges what the agents of the container recorded into the learned profile, or
 * reports complain mode's findings. Nothing when neither mode was on. */
int learn_finish(int dirfd, const char *id, struct ward_error *err);

#endif
