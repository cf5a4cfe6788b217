/* Shared by the policy's judges: one evaluation in progress, and report(), through which every
 * judge states what it found under a check name. */
#ifndef WARD_POLICY_INTERNAL_H
#define WARD_POLICY_INTERNAL_H

#include <stdbool.h>

#include "ward/plan.h"
#include "ward/policy.h"

struct host_refs;

struct eval {
	const struct policy *p;
	struct policy_verdict *v;
	struct ward_error *err;
	int rc;
	const struct ward_plan *plan;
	struct host_refs *refs;	     /* the host's sensitive trees, resolved on first use */
	struct policy_caller caller; /* what ward's caller runs with */
};

/* Records one finding of check `name`; returns whether the check is enforced (for a
 * hardening: whether to apply it). */
bool report(struct eval *e, const char *name, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Whether check `name` would be enforced (applied, for a hardening) if it were reported:
 * neither the level, the policy file nor the container's annotation lifts it. */
bool check_enforced(const struct eval *e, const char *name);

bool has_option(char *const *opts, const char *o);
/* The namespace o (resolved; else path, by stat) is pid 1's or ward's own of that kind: the
 * host's. */
bool is_host_namespace(const struct host_object *o, const char *path, const char *proc_name);
/* A user namespace of the container's own (plan may be NULL: judged by path). */
bool has_user_namespace(const struct ward_spec *spec, const struct ward_plan *plan);

/* How a host object is given to the container. */
enum host_use { HOST_BIND, HOST_ROOTFS };
/* Reports every check the host object o (named `request` in the config, at json_path) trips
 * when it is given to the container as use. */
void judge_host_object(struct eval *e, const struct ward_plan *plan, const struct host_object *o,
		       enum host_use use, bool read_only, const char *json_path,
		       const char *request);
void host_refs_free(struct host_refs *r);

/* The judges, one per part of the config. judge_process judges everything about one process
 * (the container's, or one `exec` starts): its capabilities, LSM labels, user and
 * no_new_privs, and through judge_limits its scheduling, I/O priority, rlimits and OOM score.
 * judge_seccomp judges the container's profile as it applies to a process with that bounding
 * set, and the agent's socket. */
void judge_process(struct eval *e, const struct ward_spec *spec, const struct ward_process *proc);
void judge_limits(struct eval *e, const struct ward_process *proc);
void judge_seccomp(struct eval *e, const struct ward_spec *spec, uint64_t bounding);
void judge_namespaces(struct eval *e, const struct ward_spec *spec);
void judge_mounts(struct eval *e, const struct ward_spec *spec);
void judge_rootfs(struct eval *e, const struct ward_spec *spec);
void judge_devices(struct eval *e, const struct ward_spec *spec);
void judge_confinement(struct eval *e, const struct ward_spec *spec);
/* Every hook ward runs with host privileges, as plan resolved it. */
void judge_hooks(struct eval *e, const struct ward_spec *spec);
/* The hooks of one kind, exe[i] (of n) being hooks.<kind>[i].path as resolved; a hook without
 * one is judged unresolved. */
void judge_hook_list(struct eval *e, const struct ward_spec *spec, enum ward_hook_kind kind,
		     const struct host_object *exe, size_t n);
void judge_net_devices(struct eval *e, const struct ward_spec *spec);
void judge_resource_limits(struct eval *e, const struct ward_spec *spec);
/* `update`: spec's resources as update leaves them, and update's device rules. */
void judge_update(struct eval *e, const struct ward_spec *spec,
		  const struct ward_resources *update);

/* The silent hardening; harden() changes spec. */
/* The rules of the stacked filter (WARD_SECCOMP_NEVER_* bits) for a process with that bounding
 * set, as harden_seccomp() will decide them. */
unsigned stacked_rules(const struct eval *e, const struct ward_spec *spec, uint64_t bounding);
void harden_seccomp(struct eval *e, const struct ward_spec *spec, uint64_t bounding);
int harden(struct eval *e, struct ward_spec *spec);
void harden_device_rules(struct eval *e, struct ward_spec *spec);

#endif
