/* Acting on a verdict: the refusal that names every violation and its fix, the log line for
 * every override that was used, and the one call create and exec make. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ward/log.h"
#include "ward/policy.h"

struct text {
	char *buf;
	size_t len, used;
};

static void put(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct text *t, const char *fmt, ...)
{
	va_list ap;
	if (t->used >= t->len)
		return;
	va_start(ap, fmt);
	int n = vsnprintf(t->buf + t->used, t->len - t->used, fmt, ap);
	va_end(ap);
	if (n > 0)
		t->used += (size_t)n;
}

int policy_refusal(const struct policy *p, const struct policy_verdict *v, const char *origin,
		   struct ward_error *err)
{
	const struct policy_check *table;
	size_t n;
	struct text t = {.buf = err->msg, .len = sizeof err->msg};

	table = policy_checks(&n);
	err->code = 0;
	err->msg[0] = '\0';
	put(&t, "%s: refused by the %s policy (%s%s): %zu violation%s", origin,
	    policy_level_name(p->level), p->file, p->file_present ? "" : ", not present: defaults",
	    v->n_violations, v->n_violations == 1 ? "" : "s");
	for (size_t i = 0; i < v->n_violations; i++) {
		const struct policy_finding *f = &v->violations[i];
		const struct policy_check *c = &table[f->check];
		put(&t, "\n  %s: %s [%s]: %s. Fix: %s; or, to allow it, add \"allow = %s\" to %s",
		    f->path, f->detail, c->name, c->reason, c->remedy, c->name, p->file);
		if (v->annotated[f->check])
			put(&t,
			    " (the %s annotation cannot lift it: the policy does not list it "
			    "in \"overridable\")",
			    POLICY_ANNOTATION);
		else if (p->overridable[f->check])
			put(&t, " (or annotate the container with %s=%s)", POLICY_ANNOTATION,
			    c->name);
	}
	if (t.used >= t.len) /* `ward policy check` has room for all of them */
		strcpy(err->msg + t.len - 64, "\n  ... (`ward policy check` lists every one)");
	return -1;
}

void policy_log_overrides(const struct policy *p, const struct policy_verdict *v, const char *id)
{
	const struct policy_check *table;
	size_t n;

	table = policy_checks(&n);
	for (size_t i = 0; i < v->n_overrides; i++) {
		const struct policy_finding *f = &v->overrides[i];
		log_warn("policy: container %s: %s lifted by the %s (%s) at %s: %s", id,
			 table[f->check].name, policy_source_name(f->source), p->file, f->path,
			 f->detail);
	}
}

int policy_enforce(const char *policy_file, struct ward_spec *spec, const struct ward_plan *plan,
		   const struct ward_process *exec_process, const char *id,
		   struct policy_verdict *v, struct ward_error *err)
{
	struct policy p;
	int rc;

	memset(v, 0, sizeof *v);
	if (policy_load(policy_file, &p, err) < 0)
		return -1;
	rc = exec_process ? policy_evaluate_process(&p, spec, plan, exec_process, v, err)
			  : policy_evaluate(&p, spec, plan, v, err);
	if (rc == 0 && v->n_violations > 0)
		rc = policy_refusal(&p, v, exec_process ? "exec" : "config.json", err);
	if (rc == 0)
		policy_log_overrides(&p, v, id);
	else
		policy_verdict_clear(v);
	policy_clear(&p);
	return rc;
}
