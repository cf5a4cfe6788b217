/* Judging a config against the policy: each rule below reports what it finds under a check
 * name, and report() decides whether that is a violation, an override or a hardening. */
#include <errno.h>
#include <limits.h>
#include <linux/capability.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ward/cleanup.h"
#include "ward/policy.h"
#include "ward/util.h"
#include "internal.h"

static int append(struct policy_finding **arr, size_t *n, int check, const char *path,
		  const char *detail, enum policy_source source)
{
	struct policy_finding *grown = realloc(*arr, (*n + 1) * sizeof **arr);
	if (!grown)
		return -1;
	*arr = grown;
	struct policy_finding *f = &grown[*n];
	f->check = check;
	f->source = source;
	f->path = strdup(path);
	f->detail = strdup(detail ? detail : "");
	if (!f->path || !f->detail) {
		free(f->path);
		free(f->detail);
		return -1;
	}
	(*n)++;
	return 0;
}

/* Who lifts check idx for this container, if anyone. */
static bool lifted(const struct eval *e, int idx, enum policy_source *by)
{
	if (e->p->level == POLICY_PRIVILEGED)
		*by = POLICY_BY_LEVEL;
	else if (e->p->allow[idx])
		*by = POLICY_BY_FILE;
	else if (e->v->annotated[idx] && e->p->overridable[idx])
		*by = POLICY_BY_ANNOTATION;
	else
		return false;
	return true;
}

bool check_enforced(const struct eval *e, const char *name)
{
	size_t n;
	const struct policy_check *table = policy_checks(&n);
	int idx = policy_check_find(name);
	enum policy_source by;

	if (idx < 0)
		return true;
	if (table[idx].level == POLICY_RESTRICTED && e->p->level != POLICY_RESTRICTED)
		return false;
	return !lifted(e, idx, &by);
}

bool report(struct eval *e, const char *name, const char *path, const char *fmt, ...)
{
	const struct policy_check *table;
	size_t n;
	char detail[1024];
	va_list ap;
	int idx = policy_check_find(name);
	struct policy_verdict *v = e->v;
	enum policy_source by;

	table = policy_checks(&n);
	if (idx < 0) { /* a typo in this file: fail closed and loudly */
		e->rc = ward_fail(e->err, 0, "internal: unknown policy check %s", name);
		return true;
	}
	const struct policy_check *c = &table[idx];
	if (c->level == POLICY_RESTRICTED && e->p->level != POLICY_RESTRICTED)
		return false;
	va_start(ap, fmt);
	vsnprintf(detail, sizeof detail, fmt, ap);
	va_end(ap);

	int rc;
	bool enforced = false;
	if (lifted(e, idx, &by))
		rc = append(&v->overrides, &v->n_overrides, idx, path, detail, by);
	else if (c->kind == POLICY_HARDEN)
		rc = append(&v->hardened, &v->n_hardened, idx, path, detail, 0), enforced = true;
	else
		rc = append(&v->violations, &v->n_violations, idx, path, detail, 0),
		enforced = true;
	if (rc < 0)
		e->rc = ward_fail(e->err, ENOMEM, "policy");
	return enforced;
}

/* ---- entry points ------------------------------------------------------------------------- */

static int read_annotation(const struct ward_spec *spec, struct policy_verdict *v,
			   struct ward_error *err)
{
	const char *value = spec_annotation(spec, POLICY_ANNOTATION);
	cleanup_free char *copy = NULL;
	char *save = NULL;

	if (!value)
		return 0;
	copy = strdup(value);
	if (!copy)
		return ward_fail(err, ENOMEM, "policy");
	for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		while (*tok == ' ' || *tok == '\t')
			tok++;
		char *end = tok + strlen(tok);
		while (end > tok && (end[-1] == ' ' || end[-1] == '\t'))
			*--end = '\0';
		int idx = policy_check_find(tok);
		if (idx < 0)
			return ward_fail(err, 0,
					 "config.json: annotations[\"%s\"]: unknown check \"%s\" "
					 "(`ward policy list` names them all)",
					 POLICY_ANNOTATION, tok);
		v->annotated[idx] = true;
	}
	return 0;
}

static int begin(struct eval *e, const struct policy *p, const struct ward_spec *spec,
		 struct policy_verdict *v, struct ward_error *err)
{
	memset(v, 0, sizeof *v);
	v->level = p->level;
	*e = (struct eval){.p = p, .v = v, .err = err};
	if (p->caller)
		e->caller = *p->caller;
	else
		policy_caller_read(&e->caller);
	return read_annotation(spec, v, err);
}

int policy_auto_userns(const struct policy *p, const struct ward_spec *spec, bool *out,
		       struct ward_error *err)
{
	struct policy_verdict v = {0};
	struct eval e = {.p = p, .v = &v, .err = err};

	*out = false;
	if (!p->userns_auto || spec->linux_.namespaces[WARD_NS_USER].present)
		return 0;
	if (read_annotation(spec, &v, err) < 0)
		return -1;
	*out = check_enforced(&e, "auto-user-namespace");
	return 0;
}

/* The finding behind `userns = auto`: the namespace given (create), or the one a config without
 * a user namespace would get (`policy check`), or its override. */
static void judge_auto_userns(struct eval *e, const struct ward_spec *spec)
{
	const struct ward_linux *lx = &spec->linux_;

	if (!e->p->userns_auto)
		return;
	if (e->plan && e->plan->auto_userns && lx->n_uid_mappings && lx->n_gid_mappings)
		report(e, "auto-user-namespace", "linux.namespaces",
		       "a user namespace: container ids 0-%u are host uids %u-%u, gids %u-%u",
		       lx->uid_mappings[0].size - 1, lx->uid_mappings[0].host_id,
		       lx->uid_mappings[0].host_id + lx->uid_mappings[0].size - 1,
		       lx->gid_mappings[0].host_id,
		       lx->gid_mappings[0].host_id + lx->gid_mappings[0].size - 1);
	else if (e->plan && e->plan->auto_userns)
		report(e, "auto-user-namespace", "linux.namespaces",
		       "the user namespace that owns the namespaces it joins (a pod's)");
	else if (!lx->namespaces[WARD_NS_USER].present)
		report(e, "auto-user-namespace", "linux.namespaces",
		       "a user namespace with 65536 ids of the pool");
}

int policy_evaluate(const struct policy *p, struct ward_spec *spec, const struct ward_plan *plan,
		    struct policy_verdict *v, struct ward_error *err)
{
	struct eval e;

	if (begin(&e, p, spec, v, err) < 0)
		return -1;
	e.plan = plan;
	if (spec->process)
		judge_process(&e, spec, spec->process);
	judge_namespaces(&e, spec);
	judge_auto_userns(&e, spec);
	judge_rootfs(&e, spec);
	judge_mounts(&e, spec);
	judge_devices(&e, spec);
	judge_confinement(&e, spec);
	judge_hooks(&e, spec);
	judge_seccomp(&e, spec, spec->process ? spec->process->caps.bounding : 0);
	judge_resource_limits(&e, spec);
	judge_net_devices(&e, spec);
	if (e.rc == 0 && harden(&e, spec) < 0)
		e.rc = -1;
	host_refs_free(e.refs);
	return e.rc;
}

int policy_evaluate_process(const struct policy *p, const struct ward_spec *spec,
			    const struct ward_plan *plan, const struct ward_process *proc,
			    struct policy_verdict *v, struct ward_error *err)
{
	struct eval e;

	if (begin(&e, p, spec, v, err) < 0)
		return -1;
	e.plan = plan;
	judge_process(&e, spec, proc);
	/* The profile is compiled for this process's bounding set: its conditional rules may
	 * apply differently than to the container's process. */
	judge_seccomp(&e, spec, proc->caps.bounding);
	harden_seccomp(&e, spec, proc->caps.bounding);
	host_refs_free(e.refs);
	return e.rc;
}

int policy_evaluate_hooks(const struct policy *p, const struct ward_spec *spec,
			  enum ward_hook_kind kind, const struct host_object *exe,
			  struct policy_verdict *v, struct ward_error *err)
{
	struct eval e;

	if (begin(&e, p, spec, v, err) < 0)
		return -1;
	judge_hook_list(&e, spec, kind, exe, spec->hooks.count[kind]);
	return e.rc;
}

int policy_evaluate_update(const struct policy *p, const struct ward_spec *spec,
			   const struct ward_resources *update, struct policy_verdict *v,
			   struct ward_error *err)
{
	struct eval e;

	if (begin(&e, p, spec, v, err) < 0)
		return -1;
	judge_update(&e, spec, update);
	return e.rc;
}

static void clear_findings(struct policy_finding *f, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(f[i].path);
		free(f[i].detail);
	}
	free(f);
}

void policy_verdict_clear(struct policy_verdict *v)
{
	clear_findings(v->violations, v->n_violations);
	clear_findings(v->hardened, v->n_hardened);
	clear_findings(v->overrides, v->n_overrides);
	v->violations = v->hardened = v->overrides = NULL;
	v->n_violations = v->n_hardened = v->n_overrides = 0;
}
