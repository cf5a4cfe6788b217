/* Container lifecycle orchestration: spec -> state directory -> spawn -> the runc verbs. */
#ifndef WARD_CONTAINER_H
#define WARD_CONTAINER_H

#include <stdbool.h>
#include <sys/types.h>

#include "ward/error.h"
#include "ward/state.h"

struct create_options {
	const char *root; /* state root */
	const char *id;
	const char *bundle; /* may be relative; default "." */
	const char *pid_file;
	const char *console_socket;
	const char *pidfd_socket; /* --pidfd-socket: gets a pidfd of the init (runc >= 1.2) */
	bool no_pivot;
	bool no_new_keyring;
	int preserve_fds;
	bool systemd_cgroup;
	bool foreground;	 /* `run` without --detach: ward stays the init's parent */
	bool keep;		 /* `run --keep` */
	const char *policy_file; /* NULL: the default policy file */
	/* ward-seccomp(7): --seccomp-learn FILE; --seccomp-complain[=FILE] */
	const char *seccomp_learn;
	bool seccomp_complain;
	const char *seccomp_complain_file;
};

/* Creates the container: config -> state directory -> an init waiting for `start`. On failure
 * nothing is left on the host. */
int container_create(const struct create_options *o, struct ward_error *err);

/* `ward run`: create, start, wait; *exit_status is the container's (128+N for signal N). */
int container_run(const struct create_options *o, bool detach, int *exit_status,
		  struct ward_error *err);
/* policy_file (NULL: the default) judges the poststart hooks again, before the start. */
int container_start(const char *root, const char *id, const char *policy_file,
		    struct ward_error *err);
int container_kill(const char *root, const char *id, int sig, bool all, struct ward_error *err);
/* policy_file (NULL: the default) judges the poststop hooks again; a refused one is logged and
 * not run, and the container is still removed. */
int container_delete(const char *root, const char *id, bool force, const char *policy_file,
		     struct ward_error *err);

/* pause (freeze) / resume (thaw) through cgroup.freeze. */
int container_pause(const char *root, const char *id, bool pause, struct ward_error *err);
/* Rewrites the limits of a running container, once the policy (policy_file, NULL: the
 * default) accepts the container's resources as the update leaves them and, with
 * memory.checkBeforeUpdate, a new memory limit is not below the current usage. */
int container_update(const char *root, const char *id, const struct ward_resources *res,
		     const char *policy_file, struct ward_error *err);
struct cgroup_stats;
int container_stats(const char *root, const char *id, struct cgroup_stats *stats,
		    enum ward_status *status, struct ward_error *err);

struct container_info {
	struct ward_state state;
	enum ward_status status;
};
int container_info(const char *root, const char *id, struct container_info *info,
		   struct ward_error *err);
/* Every container under root (unreadable ones are skipped). */
int container_list(const char *root, struct container_info **list, size_t *n,
		   struct ward_error *err);
void container_info_clear(struct container_info *info);
/* Host pids of the container's processes. */
int container_pids(const char *root, const char *id, pid_t **pids, size_t *n,
		   struct ward_error *err);

/* exec's flags are given as typed: they are applied to the container's process as its JSON
 * fields and read by config.json's reader and validators (see exec_process.c), so that a bad
 * value gets the same error (naming the flag) and the policy judges the result alike. */
struct exec_options {
	const char *root;
	const char *id;
	const char *process_file; /* --process: a process.json; else the fields below */
	char **args;
	bool tty;
	const char *cwd;
	char **env;		/* NAME=VALUE: replaces or adds to the container's env */
	const char *user;	/* UID[:GID] */
	char **additional_gids; /* GIDs: replace the container's */
	char **caps;		/* added to the container's capabilities */
	bool no_new_privs;
	const char *apparmor;
	const char *process_label;
	const char *pid_file;
	const char *console_socket;
	const char *pidfd_socket; /* --pidfd-socket: gets a pidfd of the process */
	const char *cgroup;	  /* --cgroup: an existing sub-cgroup of the container's */
	bool detach;
	int preserve_fds;
	bool ignore_paused;
	const char *policy_file; /* NULL: the default policy file */
};
/* *exit_status: the process's status (foreground) or 0 (detached). */
int container_exec(const struct exec_options *o, int *exit_status, struct ward_error *err);

struct yajl_gen_t;
struct ward_kv;
/* Generates kv (annotations) as a JSON object, the value of the member being written. */
void container_gen_map(struct yajl_gen_t *g, const struct ward_kv *kv, size_t n);

/* Running inside a (possibly hostile) state root is fine: IDs are validated and every path is
 * relative to the root's fd. */

/* `ward policy check` under `userns = auto`: spec as create would give it its user namespace
 * (the pool's first block stands for the one a lease would give; *given says whether it did).
 * The pool is resolved and checked, and a config's own mappings into it refused, as by create. */
struct policy;
int userns_auto_preview(const struct policy *p, struct ward_spec *spec, bool *given,
			struct ward_error *err);

#endif
