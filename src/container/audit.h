/* The audit trail (ward-policy(5) `audit`): one JSON event per create, exec, update and delete,
 * written by ward on the host to the sink the administrator chose. Private to src/container/. */
#ifndef WARD_CONTAINER_AUDIT_H
#define WARD_CONTAINER_AUDIT_H

#include <stdbool.h>
#include <sys/types.h>

#include "ward/error.h"
#include "ward/policy.h"
#include "ward/seccomp_learn.h"
#include "ward/spec.h"

struct launch;

enum audit_sink_kind { AUDIT_SINK_NONE, AUDIT_SINK_FILE, AUDIT_SINK_SYSLOG, AUDIT_SINK_JOURNAL };

struct audit_trail {
	enum audit_sink_kind kind;
	int fd;	       /* the sink, close-on-exec; -1: no audit trail */
	char *setting; /* as the policy writes it ("file:/var/log/ward/audit.jsonl") */
	char *path;    /* a file sink's path */
	char *policy;  /* the policy file that chose it */
	enum policy_level level;
	const char *event, *id;
	pid_t caller_pid; /* ward's parent: the engine's shim, a shell, a CI job */
	uid_t caller_uid;
	char *caller_exe;
	/* delete: what the container's seccomp modes leave (read before the state goes) */
	char *bundle;
	enum learn_mode mode;
	char *mode_target; /* NULL: neither mode was on */
	struct complain_findings findings;
};

/* Reads the policy (policy_file, NULL: the default) and opens its sink, before anything of the
 * container exists; no `audit` setting: a->fd is -1 and every later call does nothing. A sink
 * that cannot be opened, or a file in a place others could change, is an error naming the
 * setting. */
int audit_open(struct audit_trail *a, const char *policy_file, const char *event, const char *id,
	       struct ward_error *err);
/* create and exec: refuses a file sink the container could reach (under its bundle, its root
 * or a mount's source). */
int audit_check_reach(const struct audit_trail *a, const char *bundle, const struct ward_spec *spec,
		      struct ward_error *err);
/* create and exec: the event of launch l; result NULL: it succeeded. */
int audit_launch(struct audit_trail *a, const struct launch *l, const struct ward_error *result,
		 struct ward_error *err);
/* update and delete: the event; result NULL: it succeeded. */
int audit_write(struct audit_trail *a, const struct ward_error *result, struct ward_error *err);
/* update and delete: the container's bundle; with dirfd (delete), its seccomp modes, read
 * from its state directory. */
void audit_note_container(struct audit_trail *a, int dirfd, const char *bundle);
/* delete (and run's removal): as audit_open() and audit_write(), but a sink that cannot be
 * opened or written is a warning: nothing keeps a container from being removed. */
void audit_open_for_delete(struct audit_trail *a, const char *policy_file, const char *id);
void audit_write_for_delete(struct audit_trail *a, const struct ward_error *result);
void audit_close(struct audit_trail *a);
/* Initialise the variable ({.fd = -1}): a path may leave before audit_open() fills it. */
#define cleanup_audit __attribute__((cleanup(audit_close)))

/* The sink (audit_sink.c). */
int audit_sink_open(struct audit_trail *a, struct ward_error *err);
/* Writes one event: a line of the file, or one datagram. */
int audit_sink_send(const struct audit_trail *a, const char *json, size_t len, bool warning,
		    struct ward_error *err);

#endif
