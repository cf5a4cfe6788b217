/* The audit trail's events: one JSON object per create, exec, update and delete, with who asked
 * (ward's parent), what the policy decided (every refusal, override and silent hardening, with
 * the check names and JSON paths), the seccomp modes and the result. Every string a config or a
 * container chose goes through yajl's generator, which escapes it: a field cannot end the
 * event or start another. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ward/cleanup.h"
#include "ward/json_gen.h"
#include "ward/log.h"
#include "ward/util.h"
#include "audit.h"
#include "internal.h"

/* ward's parent: the process that asked (an engine's shim, a CI runner, a shell). */
static void read_caller(struct audit_trail *a)
{
	char link[64], exe[PATH_MAX];
	ssize_t n;

	a->caller_pid = getppid();
	a->caller_uid = getuid();
	snprintf(link, sizeof link, "/proc/%d/exe", (int)a->caller_pid);
	n = readlink(link, exe, sizeof exe - 1);
	if (n >= 0) {
		exe[n] = '\0';
		a->caller_exe = strdup(exe);
	}
}

int audit_open(struct audit_trail *a, const char *policy_file, const char *event, const char *id,
	       struct ward_error *err)
{
	cleanup_policy struct policy p = {0};

	memset(a, 0, sizeof *a);
	a->fd = -1;
	a->event = event;
	a->id = id;
	if (policy_load(policy_file, &p, err) < 0)
		return -1;
	if (!p.audit)
		return 0;
	a->level = p.level;
	a->setting = strdup(p.audit);
	a->policy = strdup(p.file);
	if (!a->setting || !a->policy)
		return ward_fail(err, ENOMEM, "audit");
	read_caller(a);
	return audit_sink_open(a, err);
}

/* path is dir or below it (both clean and absolute). */
static bool below(const char *path, const char *dir)
{
	size_t n = strlen(dir);
	while (n > 1 && dir[n - 1] == '/')
		n--;
	return strncmp(path, dir, n) == 0 && (path[n] == '/' || path[n] == '\0' || n == 1);
}

int audit_check_reach(const struct audit_trail *a, const char *bundle, const struct ward_spec *spec,
		      struct ward_error *err)
{
	char clean[PATH_MAX], root[PATH_MAX];
	const char *reach = NULL, *what = NULL;

	if (a->fd < 0 || a->kind != AUDIT_SINK_FILE || strlen(a->path) >= sizeof clean)
		return 0;
	path_clean(a->path, clean);
	if (!spec->root_path)
		return 0;
	snprintf(root, sizeof root, "%s%s%s", spec->root_path[0] == '/' ? "" : bundle,
		 spec->root_path[0] == '/' ? "" : "/", spec->root_path);
	if (below(clean, bundle))
		reach = bundle, what = "the bundle";
	else if (below(clean, root))
		reach = root, what = "root.path";
	for (size_t i = 0; !reach && i < spec->n_mounts; i++) {
		const char *src = spec->mounts[i].source;
		if (src && src[0] == '/' && below(clean, src))
			reach = src, what = "a mount's source";
	}
	if (!reach)
		return 0;
	return ward_fail(err, 0,
			 "policy %s: audit = %s: the file is under %s (%s) of container %s, "
			 "which could reach it: choose a path no container sees",
			 a->policy, a->setting, what, reach, a->id);
}

static void gen_pair(yajl_gen g, const char *key, const char *value)
{
	json_gen_str(g, key);
	if (value)
		json_gen_str(g, value);
	else
		yajl_gen_null(g);
}

static void gen_findings(yajl_gen g, const char *key, const struct policy_finding *f, size_t n,
			 bool source)
{
	size_t count;
	const struct policy_check *table = policy_checks(&count);

	json_gen_str(g, key);
	yajl_gen_array_open(g);
	for (size_t i = 0; i < n; i++) {
		yajl_gen_map_open(g);
		gen_pair(g, "check", table[f[i].check].name);
		gen_pair(g, "path", f[i].path);
		gen_pair(g, "detail", f[i].detail);
		if (source)
			gen_pair(g, "by", policy_source_name(f[i].source));
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);
}

/* What ward added without being asked: the verdict's hardening and the seccomp floors. */
static void gen_defaults(yajl_gen g, const struct policy_verdict *v)
{
	const struct {
		const char *name;
		bool on;
	} d[] = {
		{"default-seccomp-profile", v->default_seccomp},
		{"never-filter", v->never_filter},
		{"never-filter-userns", v->never_userns},
		{"never-filter-keyring", v->never_keyring},
		{"default-masks-replaced-opt-out", v->masks_opt_out_replaced},
		{"seccomp-complain", v->seccomp_complain},
	};

	json_gen_str(g, "defaults");
	yajl_gen_array_open(g);
	for (size_t i = 0; i < ARRAY_SIZE(d); i++)
		if (d[i].on)
			json_gen_str(g, d[i].name);
	yajl_gen_array_close(g);
}

static void gen_verdict(yajl_gen g, const struct policy_verdict *v)
{
	gen_pair(g, "verdict", v ? (v->n_violations ? "refused" : "allowed") : NULL);
	if (!v)
		return;
	gen_findings(g, "refusals", v->violations, v->n_violations, false);
	gen_findings(g, "overrides", v->overrides, v->n_overrides, true);
	gen_findings(g, "hardening", v->hardened, v->n_hardened, false);
	gen_defaults(g, v);
}

/* The fields every event starts with. */
static void gen_head(yajl_gen g, const struct audit_trail *a, const char *bundle)
{
	char now[64];

	rfc3339_now(now, sizeof now);
	gen_pair(g, "timestamp", now);
	gen_pair(g, "event", a->event);
	gen_pair(g, "id", a->id);
	gen_pair(g, "bundle", bundle);
	json_gen_str(g, "caller");
	yajl_gen_map_open(g);
	json_gen_str(g, "pid");
	yajl_gen_integer(g, a->caller_pid);
	json_gen_str(g, "uid");
	yajl_gen_integer(g, a->caller_uid);
	gen_pair(g, "exe", a->caller_exe);
	yajl_gen_map_close(g);
	json_gen_str(g, "ward_pid");
	yajl_gen_integer(g, getpid());
	json_gen_str(g, "policy");
	yajl_gen_map_open(g);
	gen_pair(g, "file", a->policy);
	gen_pair(g, "level", policy_level_name(a->level));
	yajl_gen_map_close(g);
}

/* The seccomp mode a container runs in (create, exec) or leaves (delete). */
static void gen_mode(yajl_gen g, bool on, enum learn_mode mode, const char *target)
{
	json_gen_str(g, "seccomp_mode");
	if (!on) {
		yajl_gen_null(g);
		return;
	}
	yajl_gen_map_open(g);
	gen_pair(g, "mode", mode == LEARN_MODE_LEARN ? "learn" : "complain");
	gen_pair(g, "file", target && *target ? target : NULL);
	yajl_gen_map_close(g);
}

static void gen_result(yajl_gen g, const struct ward_error *result)
{
	gen_pair(g, "result", result ? "error" : "ok");
	gen_pair(g, "error", result ? result->msg : NULL);
}

/* Ends the event and hands it to the sink. */
static int send_event(struct audit_trail *a, yajl_gen g, bool warning, struct ward_error *err)
{
	const unsigned char *buf;
	size_t len;

	yajl_gen_map_close(g);
	if (yajl_gen_get_buf(g, &buf, &len) != yajl_gen_status_ok)
		return ward_fail(err, ENOMEM, "policy %s: audit = %s: the event", a->policy,
				 a->setting);
	return audit_sink_send(a, (const char *)buf, len, warning, err);
}

static yajl_gen new_event(const struct audit_trail *a, const char *bundle)
{
	yajl_gen g = yajl_gen_alloc(NULL);
	if (g) {
		yajl_gen_map_open(g);
		gen_head(g, a, bundle);
	}
	return g;
}

int audit_launch(struct audit_trail *a, const struct launch *l, const struct ward_error *result,
		 struct ward_error *err)
{
	cleanup_json_gen yajl_gen g = NULL;

	if (a->fd < 0)
		return 0;
	g = new_event(a, l->bundle);
	if (!g)
		return ward_fail(err, ENOMEM, "audit");
	/* No verdict yet (a config that does not parse): none is reported. */
	bool judged = l->spec && (l->verdict.n_violations || !result || l->verdict.level ||
				  l->verdict.default_seccomp || l->verdict.never_filter);
	gen_verdict(g, judged ? &l->verdict : NULL);
	json_gen_str(g, "args");
	yajl_gen_array_open(g);
	for (size_t i = 0; l->process && l->process->args && l->process->args[i]; i++)
		json_gen_str(g, l->process->args[i]);
	yajl_gen_array_close(g);
	json_gen_str(g, "annotations");
	if (l->spec)
		container_gen_map(g, l->spec->annotations, l->spec->n_annotations);
	else
		yajl_gen_null(g);
	gen_mode(g, l->learn.on, l->learn.mode, l->learn.target);
	gen_result(g, result);
	return send_event(a, g, result != NULL, err);
}

void audit_note_container(struct audit_trail *a, int dirfd, const char *bundle)
{
	struct learn_session s;
	struct ward_error ignored;

	if (a->fd < 0)
		return;
	a->bundle = bundle ? strdup(bundle) : NULL;
	if (dirfd < 0)
		return;
	if (learn_session_exec(&s, dirfd, NULL, &ignored) < 0 || !s.on) {
		learn_session_clear(&s);
		return;
	}
	a->mode = s.mode;
	a->mode_target = s.target ? s.target : strdup("");
	s.target = NULL;
	if (a->mode == LEARN_MODE_COMPLAIN &&
	    complain_read_records(&a->findings, dirfd, &ignored) < 0)
		log_warn("audit: container %s: complain mode's findings: %s", a->id, ignored.msg);
	learn_session_clear(&s);
}

static void gen_complaints(yajl_gen g, const struct complain_findings *c)
{
	json_gen_str(g, "complain_findings");
	yajl_gen_array_open(g);
	for (size_t i = 0; i < c->n; i++) {
		yajl_gen_map_open(g);
		gen_pair(g, "syscall", c->f[i].name);
		json_gen_str(g, "count");
		yajl_gen_integer(g, (long long)c->f[i].count);
		gen_pair(g, "comm", c->f[i].comm);
		json_gen_str(g, "pid");
		yajl_gen_integer(g, c->f[i].pid);
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);
}

int audit_write(struct audit_trail *a, const struct ward_error *result, struct ward_error *err)
{
	cleanup_json_gen yajl_gen g = NULL;

	if (a->fd < 0)
		return 0;
	g = new_event(a, a->bundle);
	if (!g)
		return ward_fail(err, ENOMEM, "audit");
	gen_mode(g, a->mode_target != NULL, a->mode, a->mode_target);
	if (a->mode_target && a->mode == LEARN_MODE_LEARN)
		gen_pair(g, "learned_profile", result ? NULL : a->mode_target);
	if (a->mode_target && a->mode == LEARN_MODE_COMPLAIN)
		gen_complaints(g, &a->findings);
	gen_result(g, result);
	return send_event(a, g, result != NULL, err);
}

void audit_open_for_delete(struct audit_trail *a, const char *policy_file, const char *id)
{
	struct ward_error err;

	if (audit_open(a, policy_file, "delete", id, &err) < 0) {
		log_warn("%s (container %s is removed without an audit event)", err.msg, id);
		audit_close(a);
	}
}

void audit_write_for_delete(struct audit_trail *a, const struct ward_error *result)
{
	struct ward_error err;

	if (audit_write(a, result, &err) < 0)
		log_warn("%s", err.msg);
}

void audit_close(struct audit_trail *a)
{
	cleanup_closep(&a->fd);
	a->fd = -1;
	free(a->setting);
	free(a->path);
	free(a->policy);
	free(a->caller_exe);
	free(a->bundle);
	free(a->mode_target);
	complain_findings_clear(&a->findings);
	a->setting = a->path = a->policy = a->caller_exe = a->bundle = a->mode_target = NULL;
}
