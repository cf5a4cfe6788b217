/* Acting on a verdict: the refusal that names every violation and its fix, the log line for
 * every override that was used, and the one call create and exec make. */
#include <stdarg.h>
#include <stdbool.h>
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

/* The docker/podman flag behind a check's field, where one flag gives it; "add" marks a flag
 * the user must add rather than drop. */
static const struct {
	const char *check, *flag;
	bool add;
} engine_flags[] = {
	{"host-pid-namespace", "--pid host", false},
	{"host-network-namespace", "--network host", false},
	{"host-ipc-namespace", "--ipc host", false},
	{"host-uts-namespace", "--uts host", false},
	{"host-cgroup-namespace", "--cgroupns host", false},
	{"seccomp-unconfined", "--security-opt seccomp=unconfined", false},
	{"apparmor-unconfined", "--security-opt apparmor=unconfined", false},
	{"selinux-unconfined", "--security-opt label=disable", false},
	{"sysctl-unsafe", "--sysctl", false},
	{"oom-score-adj-lowered", "--oom-score-adj", false},
	{"device-block", "--device", false},
	{"device-kernel-access", "--device", false},
	{"device-rule-allow-all", "--device-cgroup-rule", false},
	{"mount-shared-propagation", "-v SRC:DST:rshared or --mount bind-propagation=rshared",
	 false},
	{"restricted-run-as-root", "--user UID", true},
	{"restricted-privilege-escalation", "--security-opt no-new-privileges", true},
	{"restricted-writable-rootfs", "--read-only", true},
	{"restricted-memory-limit", "--memory", true},
	{"restricted-pids-limit", "--pids-limit", true},
};

/* " (docker/podman: --cap-add SYS_ADMIN)" for the check of finding f, or "". */
static void engine_hint(const struct policy_check *c, const struct policy_finding *f, char *out,
			size_t len);

const char *policy_engine_flag(const struct policy_finding *f, char *out, size_t len)
{
	size_t n;
	const struct policy_check *table = policy_checks(&n);
	char hint[160];
	engine_hint(&table[f->check], f, hint, sizeof hint);
	/* " (docker/podman: X)" -> "X" */
	const char *colon = strchr(hint, ':');
	if (!colon) {
		out[0] = '\0';
		return out;
	}
	snprintf(out, len, "%.*s", (int)(strlen(colon + 2) - 1), colon + 2);
	return out;
}

static void engine_hint(const struct policy_check *c, const struct policy_finding *f, char *out,
			size_t len)
{
	out[0] = '\0';
	if (strncmp(c->name, "cap-", 4) == 0) {
		char cap[64];
		size_t i = 0;
		for (const char *s = c->name + 4; *s && i + 1 < sizeof cap; s++)
			cap[i++] = *s == '-' ? '_' : (char)(*s >= 'a' && *s <= 'z' ? *s - 32 : *s);
		cap[i] = '\0';
		snprintf(out, len, " (docker/podman: --cap-add %s)", cap);
		return;
	}
	if (strncmp(c->name, "mount-host-", 11) == 0 ||
	    strcmp(c->name, "mount-engine-state") == 0 ||
	    strcmp(c->name, "mount-container-socket") == 0 ||
	    strcmp(c->name, "mount-ward-state") == 0) {
		if (strstr(f->path, ".source"))
			snprintf(out, len, " (docker/podman: -v or --mount with this source)");
		return;
	}
	for (size_t i = 0; i < sizeof engine_flags / sizeof *engine_flags; i++)
		if (strcmp(engine_flags[i].check, c->name) == 0) {
			snprintf(out, len, " (docker/podman: %s%s)",
				 engine_flags[i].add ? "add " : "", engine_flags[i].flag);
			return;
		}
}

static size_t count_prefix(const struct policy_check *table, const struct policy_verdict *v,
			   const char *prefix)
{
	size_t n = 0;
	for (size_t i = 0; i < v->n_violations; i++)
		n += strncmp(table[v->violations[i].check].name, prefix, strlen(prefix)) == 0;
	return n;
}

int policy_refusal(const struct policy *p, const struct policy_verdict *v, const char *origin,
		   struct ward_error *err)
{
	const struct policy_check *table;
	size_t n;
	struct text t = {.buf = err->msg, .len = sizeof err->msg};
	bool seen[POLICY_MAX_CHECKS] = {false};
	char hint[128];

	table = policy_checks(&n);
	err->code = 0;
	err->msg[0] = '\0';
	put(&t, "%s: refused by the %s policy (%s%s): %zu violation%s", origin,
	    policy_level_name(p->level), p->file, p->file_present ? "" : ", not present: defaults",
	    v->n_violations, v->n_violations == 1 ? "" : "s");
	/* Many capabilities at once is what an engine's privileged mode sends. */
	if (count_prefix(table, v, "cap-") >= 16)
		put(&t, " (%zu capabilities: docker/podman --privileged or --cap-add ALL)",
		    count_prefix(table, v, "cap-"));
	for (size_t i = 0; i < v->n_violations; i++) {
		const struct policy_finding *f = &v->violations[i];
		const struct policy_check *c = &table[f->check];
		engine_hint(c, f, hint, sizeof hint);
		put(&t, "\n  %s: %s [%s]%s: %s. Fix: %s", f->path, f->detail, c->name, hint,
		    c->reason, c->remedy);
		if (v->n_violations == 1)
			put(&t, "; or, to allow it, add \"allow = %s\" to %s", c->name, p->file);
		if (v->annotated[f->check])
			put(&t,
			    " (the %s annotation cannot lift it: the policy does not list it "
			    "in \"overridable\")",
			    POLICY_ANNOTATION);
		else if (p->overridable[f->check])
			put(&t, " (or annotate the container with %s=%s)", POLICY_ANNOTATION,
			    c->name);
	}
	/* One line that allows them all, each check once. */
	if (v->n_violations > 1) {
		put(&t, "\n  To allow them, add \"allow = ");
		const char *sep = "";
		for (size_t i = 0; i < v->n_violations; i++) {
			int k = v->violations[i].check;
			if (seen[k])
				continue;
			seen[k] = true;
			put(&t, "%s%s", sep, table[k].name);
			sep = ", ";
		}
		put(&t, "\" to %s", p->file);
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

/* An engine's opt-out arrives as "no profile"/"no masks": the engine user should find, in the
 * log the engine keeps (--log), that ward's defaults replaced it. Without a log file this is
 * debug output, so that `ward run` by hand stays quiet. */
void policy_log_replaced_opt_outs(const struct policy_verdict *v, const char *id)
{
	enum log_level level = log_to_file() ? LOG_LEVEL_WARNING : LOG_LEVEL_DEBUG;

	if (v->default_seccomp)
		log_msg(level,
			"policy: container %s: config.json has no linux.seccomp; ward's "
			"default-deny "
			"profile applies (an engine's seccomp=unconfined arrives this way and is "
			"not "
			"honoured; the admin can lift default-seccomp)",
			id);
	if (v->masks_opt_out_replaced)
		log_msg(level,
			"policy: container %s: config.json has no maskedPaths (or an empty "
			"readonlyPaths); ward's default masked and read-only paths apply (an "
			"engine's --privileged or systempaths=unconfined arrives this way)",
			id);
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
	if (rc == 0) {
		policy_log_overrides(&p, v, id);
		if (!exec_process)
			policy_log_replaced_opt_outs(v, id);
	} else if (v->n_violations == 0)
		policy_verdict_clear(v); /* a refusal keeps its violations for the audit trail */
	policy_clear(&p);
	return rc;
}

int policy_enforce_hooks(const char *policy_file, const struct ward_spec *spec,
			 enum ward_hook_kind kind, const struct host_object *exe, const char *id,
			 struct ward_error *err)
{
	struct policy_verdict v;
	struct policy p;
	int rc;

	/* A config without such hooks does not depend on the policy file at all. */
	if (!spec->hooks.count[kind])
		return 0;
	if (policy_load(policy_file, &p, err) < 0)
		return -1;
	rc = policy_evaluate_hooks(&p, spec, kind, exe, &v, err);
	if (rc == 0 && v.n_violations > 0)
		rc = policy_refusal(&p, &v, "config.json", err);
	if (rc == 0)
		policy_log_overrides(&p, &v, id);
	policy_verdict_clear(&v);
	policy_clear(&p);
	return rc;
}

int policy_enforce_update(const char *policy_file, const struct ward_spec *spec,
			  const struct ward_resources *update, const char *id,
			  struct ward_error *err)
{
	struct policy p;
	struct policy_verdict v;
	int rc;

	if (policy_load(policy_file, &p, err) < 0)
		return -1;
	rc = policy_evaluate_update(&p, spec, update, &v, err);
	if (rc == 0 && v.n_violations > 0)
		rc = policy_refusal(&p, &v, "update", err);
	if (rc == 0)
		policy_log_overrides(&p, &v, id);
	policy_verdict_clear(&v);
	policy_clear(&p);
	return rc;
}
