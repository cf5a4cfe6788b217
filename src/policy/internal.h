/* Shared by the policy's judges: one evaluation in progress, and report(), through which every
 * judge states what it found under a check name. */
#ifndef WARD_POLICY_INTERNAL_H
#define WARD_POLICY_INTERNAL_H

#include <stdbool.h>

#include "ward/policy.h"

struct eval {
	const struct policy *p;
	struct policy_verdict *v;
	struct ward_error *err;
	int rc;
};

/* Records one finding of check `name`; returns whether the check is enforced (for a
 * hardening: whether to apply it). */
bool report(struct eval *e, const char *name, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

bool has_option(char *const *opts, const char *o);
/* Same inode as pid 1's or ward's own namespace of that kind: the host's. */
bool is_host_namespace(const char *path, const char *proc_name);
bool has_user_namespace(const struct ward_spec *spec);

/* The judges, one per part of the config. */
void judge_process(struct eval *e, const struct ward_spec *spec, const struct ward_process *proc);
void judge_oom_score(struct eval *e, const struct ward_process *proc);
void judge_namespaces(struct eval *e, const struct ward_spec *spec);
void judge_mounts(struct eval *e, const struct ward_spec *spec);
void judge_devices(struct eval *e, const struct ward_spec *spec);
void judge_confinement(struct eval *e, const struct ward_spec *spec);

/* The silent hardening; harden() changes spec. */
void harden_seccomp(struct eval *e, const struct ward_spec *spec);
int harden(struct eval *e, struct ward_spec *spec);
void harden_device_rules(struct eval *e, struct ward_spec *spec);

#endif
