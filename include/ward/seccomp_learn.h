/* Seccomp learning and complain mode: a notification filter stacked on the profile, an agent
 * that records what reaches it, and the learned profile written (and merged) on delete.
 * ward-seccomp(7) says what each mode records and why. */
#ifndef WARD_SECCOMP_LEARN_H
#define WARD_SECCOMP_LEARN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <yajl/yajl_gen.h>

#include "ward/error.h"
#include "ward/seccomp.h"

/* ---- the filters (src/linux/seccomp_learn_filter.c) ---- */

/* The one message that passes the notification filter unseen: the init's handoff of the
 * listener to ward, sendmsg() with these flags. MSG_CMSG_CLOEXEC means
 * nothing to sendmsg(), so no program sends it; without the exemption the handoff itself
 * would wait for an agent that has no listener yet. */
#define LEARN_HANDOFF_FLAGS (MSG_NOSIGNAL | MSG_CMSG_CLOEXEC)

/* The learning filter: every system call is a notification, but the handoff. */
int learn_filter_build(struct ward_seccomp_program *out, struct ward_error *err);
/* Puts the handoff exemption in front of a compiled program (complain mode's profile, whose
 * denying rules are notifications) and asks for a listener when it is loaded. */
int learn_prepend_handoff(struct ward_seccomp_program *p, struct ward_error *err);
/* Complain mode's form of a compiled profile: every action that denies (errno, trap, kill)
 * becomes a notification, then learn_prepend_handoff(). */
int learn_complain_form(struct ward_seccomp_program *p, struct ward_error *err);
/* Sends the listener to ward as a SYNC_SECCOMP_FD message, the way the filters exempt. */
int learn_send_listener(int sync_fd, int listener, struct ward_error *err);

/* ---- the agent (src/linux/seccomp_learn_agent.c) ---- */

enum learn_mode {
	LEARN_MODE_LEARN,    /* record every system call allowed and made */
	LEARN_MODE_COMPLAIN, /* record every system call the profile would have denied */
};

/* The records an agent leaves in the container's state directory, one file per agent
 * (`create`'s and each `exec`'s): "seccomp-learn.N" or "seccomp-complain.N". */
#define LEARN_RECORD_PREFIX    "seccomp-learn."
#define COMPLAIN_RECORD_PREFIX "seccomp-complain."
/* What `create` chose, for `exec` and `delete`: the file holds the target path (for
 * complain mode possibly empty: report to the log only). */
#define LEARN_TARGET_FILE    "seccomp-learn"
#define COMPLAIN_TARGET_FILE "seccomp-complain"

struct learn_agent_config {
	enum learn_mode mode;
	int listener;  /* the notification fd; the agent's own copy is made by the fork */
	int record_fd; /* where the agent writes (learn_record_create()) */
	/* Learning: the notified seccomp(SECCOMP_SET_MODE_FILTER) calls to let through before
	 * recording starts (the profile's own installation: what follows is what the profile
	 * must allow). */
	unsigned skip_installs;
};

/* Creates the next free record file of mode in the state directory dirfd. */
int learn_record_create(int dirfd, enum learn_mode mode, struct ward_error *err);
/* Forks the agent, detached from ward (own session, stdio on /dev/null, every other fd
 * closed): it outlives `create`, answers every notification with "continue", writes what it
 * learns as it goes, and exits when no process uses the filter any more. */
pid_t learn_agent_spawn(const struct learn_agent_config *cfg, struct ward_error *err);
/* The agent's loop, in the calling process (the tests run it in a child of their own). */
int learn_agent_run(const struct learn_agent_config *cfg);

/* ---- what was learned, and the profile (src/linux/seccomp_learn_profile.c) ---- */

/* Sorted sets of 64-bit values. */
struct learn_values {
	uint64_t *v;
	size_t n;
};

/* What one or more runs made: the system call names, and the argument values of the calls
 * whose arguments decide what they do to the container's isolation. */
struct learn_set {
	char **names; /* sorted, unique; clone, clone3, unshare, setns, personality excluded */
	size_t n_names;
	struct learn_values clone_ns;	 /* clone: args[0] & LEARN_CLONE_NS_MASK */
	struct learn_values unshare_ns;	 /* unshare: args[0] & LEARN_UNSHARE_NS_MASK */
	struct learn_values setns_type;	 /* setns: args[1] */
	struct learn_values personality; /* personality: args[0] */
};

/* CLONE_NEWNS|CLONE_NEWUTS|CLONE_NEWIPC|CLONE_NEWUSER|CLONE_NEWPID|CLONE_NEWNET|CLONE_NEWCGROUP,
 * Docker's mask (clone's low byte is the exit signal, so CLONE_NEWTIME cannot be in it);
 * unshare's adds CLONE_NEWTIME. */
#define LEARN_CLONE_NS_MASK   0x7E020000ull
#define LEARN_UNSHARE_NS_MASK (LEARN_CLONE_NS_MASK | 0x80ull)

void learn_set_clear(struct learn_set *s);
/* Adds one call: name, and its first two arguments (read for the calls above only). */
/* 1: new to s, 0: known, -1 with errno ENOMEM. */
int learn_set_add(struct learn_set *s, const char *name, uint64_t arg0, uint64_t arg1);
/* The record line of one call ("syscall NAME\n", "clone 0x...\n", ...) in buf; its length, 0
 * when it does not fit. */
size_t learn_record_line(const char *name, uint64_t arg0, uint64_t arg1, char *buf, size_t len);
/* Adds one record line (without its newline): 1, 0 or -1 as learn_set_add(), errno EINVAL for
 * a line no agent writes. */
int learn_set_add_line(struct learn_set *s, const char *line);
/* Calls fn with the contents (NUL-terminated) of every record file of the state directory
 * dirfd whose name starts with prefix. */
typedef int learn_record_fn(void *ctx, const char *name, char *buf, size_t len,
			    struct ward_error *err);
int learn_read_records(int dirfd, const char *prefix, learn_record_fn *fn, void *ctx,
		       struct ward_error *err);
/* Adds every learning record file of the state directory dirfd. */
int learn_set_read_records(struct learn_set *s, int dirfd, struct ward_error *err);
/* Adds what a profile learn_profile_json() wrote allows; anything else in it is an error
 * (what names the file in messages). */
int learn_set_read_profile(struct learn_set *s, const char *json, size_t len, const char *what,
			   struct ward_error *err);
/* The OCI linux.seccomp object that allows exactly s: malloc'd, deterministic (sorted, fixed
 * member order), ending with a newline. */
char *learn_profile_json(const struct learn_set *s);
/* The generator both modes write their files with (indented), and its text ending with a
 * newline, malloc'd. */
yajl_gen learn_json_gen(void);
char *learn_json_text(yajl_gen g);
/* Merges s with the profile at path (when it exists) and writes the result there atomically.
 * Errors name the flag --seccomp-learn. */
int learn_profile_merge_into(const struct learn_set *s, const char *path, struct ward_error *err);

/* ---- complain mode's findings (src/linux/seccomp_complain.c) ---- */

/* One system call the profile would have denied, made by a program (the first process seen
 * making it: pid and comm), and how often. */
struct complain_finding {
	char name[32];
	char comm[16];
	pid_t pid;
	uint64_t count;
};

struct complain_findings {
	struct complain_finding *f; /* sorted by name, then comm */
	size_t n;
};

/* A record line, "deny NAME COMM PID COUNT" padded to a fixed width, so that the agent
 * rewrites the count in place; 0, or -1 when it does not fit. */
#define COMPLAIN_LINE_LEN 85
int complain_format_line(char line[COMPLAIN_LINE_LEN + 1], const struct complain_finding *f);

void complain_findings_clear(struct complain_findings *c);
/* Adds every record file of the state directory dirfd (counts of the same name and comm are
 * summed). */
int complain_read_records(struct complain_findings *c, int dirfd, struct ward_error *err);
/* {"findings":[{"syscall":..,"count":..,"pid":..,"comm":..},...]}, malloc'd. */
char *complain_findings_json(const struct complain_findings *c, const char *id);

#endif
