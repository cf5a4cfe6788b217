/* The confinement record of state.json: what create applied that the kernel cannot tell
 * afterwards (which seccomp program, which checks the admin lifted), for `ward inspect`. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_gen.h>

#include "ward/inspect.h"
#include "ward/json.h"
#include "ward/json_gen.h"
#include "ward/procview.h"
#include "ward/state.h"

static void gen_optional(yajl_gen g, const char *key, const char *value)
{
	json_gen_str(g, key);
	if (value)
		json_gen_str(g, value);
	else
		yajl_gen_null(g);
}

void state_gen_lifted_checks(yajl_gen g, const struct ward_confinement *c)
{
	yajl_gen_array_open(g);
	for (size_t i = 0; i < c->n_lifted; i++) {
		yajl_gen_map_open(g);
		json_gen_str(g, "check");
		json_gen_str(g, c->lifted[i].check);
		json_gen_str(g, "path");
		json_gen_str(g, c->lifted[i].path);
		json_gen_str(g, "source");
		json_gen_str(g, c->lifted[i].source);
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);
}

void state_write_confinement(yajl_gen g, const struct ward_confinement *c)
{
	if (!c->recorded)
		return;
	json_gen_str(g, "confinement");
	yajl_gen_map_open(g);
	gen_optional(g, "seccomp_profile", c->seccomp_profile);
	gen_optional(g, "seccomp_digest", c->seccomp_digest);
	gen_optional(g, "never_digest", c->never_digest);
	json_gen_str(g, "seccomp_filters");
	yajl_gen_integer(g, c->seccomp_filters);
	json_gen_str(g, "lifted_checks");
	state_gen_lifted_checks(g, c);
	yajl_gen_map_close(g);
}

static char *dup_string(const struct json_node *obj, const char *key)
{
	const struct json_node *n = json_get(obj, key);
	return n && n->type == JSON_STRING ? strdup(n->str) : NULL;
}

/* Read as written: a claim in a file ward's verbs do not trust, only reported by inspect. */
void state_read_confinement(const struct json_node *root, struct ward_confinement *c)
{
	const struct json_node *rec = json_get(root, "confinement");
	const struct json_node *n, *item;

	memset(c, 0, sizeof *c);
	if (!rec || rec->type != JSON_OBJECT)
		return;
	c->recorded = true;
	c->seccomp_profile = dup_string(rec, "seccomp_profile");
	c->seccomp_digest = dup_string(rec, "seccomp_digest");
	c->never_digest = dup_string(rec, "never_digest");
	n = json_get(rec, "seccomp_filters");
	if (n && n->type == JSON_NUMBER)
		c->seccomp_filters = (unsigned)strtoul(n->str, NULL, 10);
	n = json_get(rec, "lifted_checks");
	if (!n || n->type != JSON_ARRAY || !n->count)
		return;
	c->lifted = calloc(n->count, sizeof *c->lifted);
	json_foreach(item, n)
	{
		if (!c->lifted || item->type != JSON_OBJECT)
			continue;
		struct ward_lifted_check *l = &c->lifted[c->n_lifted];
		l->check = dup_string(item, "check");
		l->path = dup_string(item, "path");
		l->source = dup_string(item, "source");
		if (!l->check || !l->path || !l->source) {
			free(l->check), free(l->path), free(l->source);
			continue;
		}
		c->n_lifted++;
	}
}

void state_clear_confinement(struct ward_confinement *c)
{
	free(c->seccomp_profile);
	free(c->seccomp_digest);
	free(c->never_digest);
	for (size_t i = 0; i < c->n_lifted; i++) {
		free(c->lifted[i].check);
		free(c->lifted[i].path);
		free(c->lifted[i].source);
	}
	free(c->lifted);
	memset(c, 0, sizeof *c);
}

static const char *source_token(enum policy_source s)
{
	switch (s) {
	case POLICY_BY_FILE:
		return "file";
	case POLICY_BY_ANNOTATION:
		return "annotation";
	case POLICY_BY_LEVEL:
		return "level";
	}
	return "unknown";
}

static int record_lifted(struct ward_confinement *c, const struct policy_verdict *v,
			 struct ward_error *err)
{
	size_t n_checks;
	const struct policy_check *table = policy_checks(&n_checks);

	if (!v->n_overrides)
		return 0;
	c->lifted = calloc(v->n_overrides, sizeof *c->lifted);
	if (!c->lifted)
		return ward_fail(err, ENOMEM, "state");
	for (size_t i = 0; i < v->n_overrides; i++) {
		const struct policy_finding *f = &v->overrides[i];
		struct ward_lifted_check *l = &c->lifted[c->n_lifted++];
		l->check =
			strdup(f->check >= 0 && (size_t)f->check < n_checks ? table[f->check].name
									    : "unknown");
		l->path = strdup(f->path ? f->path : "");
		l->source = strdup(source_token(f->source));
		if (!l->check || !l->path || !l->source)
			return ward_fail(err, ENOMEM, "state");
	}
	return 0;
}

int state_record_confinement(struct ward_state *st, const struct ward_spec *spec,
			     const struct seccomp_program *filter,
			     const struct seccomp_program *never, const struct policy_verdict *v,
			     struct ward_error *err)
{
	struct ward_confinement *c = &st->confinement;
	char digest[72];

	state_clear_confinement(c);
	c->recorded = true;
	if (filter->filter) {
		procview_program_digest(filter->filter, filter->len, digest);
		c->seccomp_profile = strdup(spec->linux_.seccomp ? "config" : "default");
		c->seccomp_digest = strdup(digest);
		if (!c->seccomp_profile || !c->seccomp_digest)
			return ward_fail(err, ENOMEM, "state");
		c->seccomp_filters++;
	}
	if (never->filter) {
		procview_program_digest(never->filter, never->len, digest);
		if (!(c->never_digest = strdup(digest)))
			return ward_fail(err, ENOMEM, "state");
		c->seccomp_filters++;
	}
	return record_lifted(c, v, err);
}
