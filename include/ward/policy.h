/* The hardened policy: a table of named checks, the administrator's policy file, and the
 * verdict on a config (violations, silent hardening, overrides that were used). */
#ifndef WARD_POLICY_H
#define WARD_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/resource.h>

#include "ward/error.h"
#include "ward/plan.h"
#include "ward/spec.h"

#define POLICY_DEFAULT_FILE "/etc/ward/policy.conf"
#define POLICY_ANNOTATION   "org.ward.policy.allow"
#define POLICY_MAX_CHECKS   128

/* Kubernetes Pod Security Standards' names, strictest last but privileged. */
enum policy_level { POLICY_BASELINE, POLICY_RESTRICTED, POLICY_PRIVILEGED };

enum policy_kind {
	POLICY_REFUSE, /* a violation refuses the container */
	POLICY_HARDEN, /* ward changes the config silently; `allow` switches it off */
};

struct policy_check {
	const char *name;	 /* stable, kebab-case */
	enum policy_level level; /* the lowest level that enforces it */
	enum policy_kind kind;
	const char *paths; /* the config.json paths it reads */
	const char *reason;
	const char *remedy;
};

const struct policy_check *policy_checks(size_t *n);
/* Index of a check by name, or -1. */
int policy_check_find(const char *name);
const char *policy_level_name(enum policy_level level);

/* `device = c 10:200` in a policy file: a device the admin allows beyond the defaults. */
struct policy_device {
	char type;	      /* 'c' or 'b' */
	int64_t major, minor; /* minor -1: any ("c 195:*") */
};

/* What ward's caller (an engine's shim, kubelet's runtime, a shell) itself runs with: a
 * container may not be given a higher priority, a lower OOM score or higher limits than its
 * caller has, which only capabilities the container does not hold could take. */
struct policy_caller {
	int oom_score_adj;
	int nice;
	struct rlimit limits[RLIM_NLIMITS];
	uint64_t caps; /* effective */
	/* The host's cgroup2 hierarchy is mounted with nsdelegate: 1 yes, 0 no, -1 not read yet
	 * (read when a judge first needs it). */
	int cgroup_nsdelegate;
};

/* Ward's own: what it inherited from its caller. */
void policy_caller_read(struct policy_caller *c);

struct policy {
	char *file;	   /* the file that was read (or the default path when missing) */
	bool file_present; /* false: the default file does not exist, defaults apply */
	enum policy_level level;
	bool allow[POLICY_MAX_CHECKS];
	bool overridable[POLICY_MAX_CHECKS];
	/* The admin's allow-lists (repeatable keys; NULL-terminated, NULL when none). */
	char **hooks;	   /* `hook = PATH`: an executable (or a directory of them) hooks may run */
	char **host_paths; /* `host-path = PATH`: host paths bind sources and root.path may be */
	char **mount_types;   /* `mount-type = TYPE`: filesystem types beyond the built-in list */
	char **listener_dirs; /* `seccomp-listener = DIR`: where seccomp agents' sockets may be */
	struct policy_device *devices; /* `device = TYPE MAJOR:MINOR` */
	size_t n_devices;
	/* `seccomp-complain = yes`: profiles run in complain mode (ward-seccomp(7)) */
	bool seccomp_complain;
	/* `audit = file:PATH | syslog | journal`: where every create, exec, update and delete is
	 * reported (ward-policy(5)); NULL: no audit trail. Kept as written ("file:/var/log/...").
	 */
	char *audit;
	/* `userns = auto`: a container whose config has no user namespace gets one, its ids a
	 * range of the pool `userns-pool` names (USER in /etc/subuid and /etc/subgid, or explicit
	 * START:COUNT ranges; NULL: the user "ward"). */
	bool userns_auto;
	char *userns_pool;
	/* The caller to judge against; NULL: ward's own process (tests set one). */
	const struct policy_caller *caller;
};

/* Reads path, or POLICY_DEFAULT_FILE when path is NULL (a missing default file means
 * `level = baseline`; a missing explicit file is an error). */
int policy_load(const char *path, struct policy *p, struct ward_error *err);
/* Parses policy text; origin names it in errors ("<origin>:<line>: ..."). */
int policy_parse(const char *text, size_t len, const char *origin, struct policy *p,
		 struct ward_error *err);
void policy_clear(struct policy *p);
#define cleanup_policy __attribute__((cleanup(policy_clear)))

enum policy_source { POLICY_BY_FILE, POLICY_BY_ANNOTATION, POLICY_BY_LEVEL };
const char *policy_source_name(enum policy_source s);

struct policy_finding {
	int check;		   /* index in the table */
	char *path;		   /* JSON path in config.json */
	char *detail;		   /* what was found, or for hardening what ward changed */
	enum policy_source source; /* overrides only: who lifted it */
};

struct policy_verdict {
	enum policy_level level;
	struct policy_finding *violations, *hardened, *overrides;
	size_t n_violations, n_hardened, n_overrides;
	/* Checks the container's annotation asks to lift (granted only if overridable). */
	bool annotated[POLICY_MAX_CHECKS];
	/* What the hardening leaves for the seccomp stage to do. */
	bool default_seccomp; /* no linux.seccomp: load the built-in profile */
	bool never_filter;    /* stack the "never" filter */
	/* The config had no maskedPaths (or an empty readonlyPaths): what an engine's opt-out
	 * looks like; the defaults replaced it. */
	bool masks_opt_out_replaced;
	bool never_userns;     /* ... with the rules that refuse creating a user namespace */
	bool never_keyring;    /* ... with the rules that refuse the keyring calls */
	bool seccomp_complain; /* the policy's seccomp-complain: the profile in complain mode */
};

/* `userns = auto`: whether spec (which has no user namespace) gets one from the pool, unless
 * the check auto-user-namespace is lifted for it (by the file or its annotation). */
int policy_auto_userns(const struct policy *p, const struct ward_spec *spec, bool *out,
		       struct ward_error *err);
/* Judges spec, as plan says ward will carry it out (plan_build), against the policy and
 * applies the hardening to spec (default masked and read-only paths, a private cgroup
 * namespace). Returns -1 only for an error that is not a verdict (a malformed annotation, no
 * memory); a refusal is v->n_violations > 0. */
int policy_evaluate(const struct policy *p, struct ward_spec *spec, const struct ward_plan *plan,
		    struct policy_verdict *v, struct ward_error *err);
/* The checks that concern one process, for `exec`: proc is run in the container of spec, with
 * the container's seccomp profile compiled for proc's bounding set; plan (plan_build_exec(),
 * may be NULL) holds the seccomp agent's socket. */
int policy_evaluate_process(const struct policy *p, const struct ward_spec *spec,
			    const struct ward_plan *plan, const struct ward_process *proc,
			    struct policy_verdict *v, struct ward_error *err);
/* start and delete: the poststart or poststop hooks, resolved again by the verb that runs them
 * (exe[i] is hooks.<kind>[i].path's executable, for every hook of that kind). */
int policy_evaluate_hooks(const struct policy *p, const struct ward_spec *spec,
			  enum ward_hook_kind kind, const struct host_object *exe,
			  struct policy_verdict *v, struct ward_error *err);
/* `update`: the checks on resources, for the container of spec (its annotations, its
 * linux.resources) as update leaves them: the limits level restricted requires, and the
 * update's device rules as create would judge them. */
int policy_evaluate_update(const struct policy *p, const struct ward_spec *spec,
			   const struct ward_resources *update, struct policy_verdict *v,
			   struct ward_error *err);
void policy_verdict_clear(struct policy_verdict *v);
#define cleanup_verdict __attribute__((cleanup(policy_verdict_clear)))
/* The hook executables ward allows without a policy entry (the engines' own; NULL-terminated). */
const char *const *policy_builtin_hooks(void);

/* The refusal as an error: every violation with path, reason, remedy and the policy line
 * that would allow it. Returns -1. */
int policy_refusal(const struct policy *p, const struct policy_verdict *v, const char *origin,
		   struct ward_error *err);
/* The docker/podman flag that produced finding f's field, where one flag does ("--pid host",
 * "--cap-add SYS_ADMIN", "add --read-only"); "" otherwise. Returns out. */
const char *policy_engine_flag(const struct policy_finding *f, char *out, size_t len);
/* Logs each override that was used (what, where, by whom). */
void policy_log_overrides(const struct policy *p, const struct policy_verdict *v, const char *id);
/* Warns (in the --log file; debug otherwise) when ward's defaults replaced what may have been
 * an engine's explicit opt-out. */
void policy_log_replaced_opt_outs(const struct policy_verdict *v, const char *id);
/* create (plan set) and exec (exec_process set): evaluate, refuse or log the overrides. A
 * refusal leaves the violations in v (for the audit trail; policy_verdict_clear() them). */
int policy_enforce(const char *policy_file, struct ward_spec *spec, const struct ward_plan *plan,
		   const struct ward_process *exec_process, const char *id,
		   struct policy_verdict *v, struct ward_error *err);
/* start and delete: loads the policy, judges the hooks of one kind (policy_evaluate_hooks),
 * refuses or logs the overrides. Without hooks of that kind, does nothing. */
int policy_enforce_hooks(const char *policy_file, const struct ward_spec *spec,
			 enum ward_hook_kind kind, const struct host_object *exe, const char *id,
			 struct ward_error *err);
/* update: policy_evaluate_update, refuse or log the overrides. */
int policy_enforce_update(const char *policy_file, const struct ward_spec *spec,
			  const struct ward_resources *update, const char *id,
			  struct ward_error *err);

#endif
