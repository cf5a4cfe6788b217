/* config.json: the top level (root, mounts, process, hostname, hooks, annotations, linux). */
#include <stdlib.h>
#include <string.h>

#include "ward/cleanup.h"
#include "ward/util.h"
#include "reader.h"

static const char *const hook_names[WARD_HOOK_KINDS] = {
	[WARD_HOOK_PRESTART] = "prestart",
	[WARD_HOOK_CREATE_RUNTIME] = "createRuntime",
	[WARD_HOOK_CREATE_CONTAINER] = "createContainer",
	[WARD_HOOK_START_CONTAINER] = "startContainer",
	[WARD_HOOK_POSTSTART] = "poststart",
	[WARD_HOOK_POSTSTOP] = "poststop",
};

const char *spec_hook_name(enum ward_hook_kind kind)
{
	return kind < WARD_HOOK_KINDS ? hook_names[kind] : "?";
}

static int read_mounts(struct reader *r, const struct json_node *arr, struct ward_spec *spec)
{
	const struct json_node *c;
	size_t i = 0;

	spec->mounts = rd_calloc(r, arr->count, sizeof *spec->mounts);
	if (!spec->mounts)
		return -1;
	json_foreach(c, arr)
	{
		size_t saved = rd_push_index(r, i);
		struct ward_mount *m = &spec->mounts[i];
		spec->n_mounts = ++i;
		if (rd_node_object(r, c) < 0 || rd_require(r, c, "destination") < 0 ||
		    rd_string(r, c, "destination", &m->destination) < 0 ||
		    rd_string(r, c, "type", &m->type) < 0 ||
		    rd_string(r, c, "source", &m->source) < 0 ||
		    rd_strv(r, c, "options", &m->options) < 0 ||
		    spec_read_id_mappings(r, c, "uidMappings", &m->uid_mappings,
					  &m->n_uid_mappings) < 0 ||
		    spec_read_id_mappings(r, c, "gidMappings", &m->gid_mappings,
					  &m->n_gid_mappings) < 0)
			return -1;
		if (m->destination[0] != '/') {
			rd_push_key(r, "destination");
			return rd_error(r, "\"%.64s\" is not an absolute path", m->destination);
		}
		rd_pop(r, saved);
	}
	return 0;
}

static int read_hook_list(struct reader *r, const struct json_node *arr, struct ward_hook **out,
			  size_t *n)
{
	const struct json_node *c;
	size_t i = 0;

	*out = rd_calloc(r, arr->count, sizeof **out);
	if (!*out)
		return -1;
	json_foreach(c, arr)
	{
		size_t saved = rd_push_index(r, i);
		struct ward_hook *h = &(*out)[i];
		*n = ++i;
		if (rd_node_object(r, c) < 0 || rd_require(r, c, "path") < 0 ||
		    rd_string(r, c, "path", &h->path) < 0 || rd_strv(r, c, "args", &h->args) < 0 ||
		    rd_strv(r, c, "env", &h->env) < 0 ||
		    rd_i32(r, c, "timeout", &h->timeout, &h->has_timeout) < 0)
			return -1;
		if (h->path[0] != '/') {
			rd_push_key(r, "path");
			return rd_error(r, "\"%.64s\" is not an absolute path", h->path);
		}
		if (h->has_timeout && h->timeout <= 0) {
			rd_push_key(r, "timeout");
			return rd_error(r, "must be a positive number of seconds");
		}
		rd_pop(r, saved);
	}
	return 0;
}

static int read_hooks(struct reader *r, const struct json_node *n, struct ward_hooks *hooks)
{
	for (int k = 0; k < WARD_HOOK_KINDS; k++) {
		const struct json_node *arr;
		if (rd_array(r, n, hook_names[k], &arr) < 0)
			return -1;
		if (!arr)
			continue;
		size_t saved = rd_push_key(r, hook_names[k]);
		if (read_hook_list(r, arr, &hooks->list[k], &hooks->count[k]) < 0)
			return -1;
		rd_pop(r, saved);
	}
	return 0;
}

/* "1.2.0", "1.0.2-dev", "1.1.0-rc.1": the major and minor numbers. */
static bool version_numbers(const char *v, unsigned long *major, unsigned long *minor)
{
	char *end;

	if (*v < '0' || *v > '9')
		return false;
	*major = strtoul(v, &end, 10);
	if (*end != '.' || end[1] < '0' || end[1] > '9')
		return false;
	*minor = strtoul(end + 1, &end, 10);
	return *end == '\0' || *end == '.' || *end == '-' || *end == '+';
}

/* A config of a newer minor version may carry fields ward does not know and would ignore:
 * refused, as a major version ward does not implement is. */
static int check_version(struct reader *r, const char *v)
{
	unsigned long major, minor, own_major = 0, own_minor = 0;

	version_numbers(WARD_OCI_VERSION, &own_major, &own_minor);
	if (version_numbers(v, &major, &minor) && major == own_major && minor <= own_minor)
		return 0;
	rd_push_key(r, "ociVersion");
	return rd_error(r,
			"version \"%.32s\" is not supported: ward implements runtime-spec 1.0 to "
			"%lu.%lu (" WARD_OCI_VERSION "); write the version the config was made "
			"for, at most %lu.%lu",
			v, own_major, own_minor, own_major, own_minor);
}

static int read_spec(struct reader *r, const struct json_node *n, struct ward_spec *spec)
{
	const struct json_node *root, *mounts, *process, *hooks, *lx;

	if (rd_node_object(r, n) < 0)
		return -1;
	if (rd_require(r, n, "ociVersion") < 0 ||
	    rd_string(r, n, "ociVersion", &spec->oci_version) < 0 || rd_require(r, n, "root") < 0 ||
	    rd_object(r, n, "root", &root) < 0 || rd_array(r, n, "mounts", &mounts) < 0 ||
	    rd_object(r, n, "process", &process) < 0 ||
	    rd_string(r, n, "hostname", &spec->hostname) < 0 ||
	    rd_string(r, n, "domainname", &spec->domainname) < 0 ||
	    rd_object(r, n, "hooks", &hooks) < 0 ||
	    rd_string_map(r, n, "annotations", &spec->annotations, &spec->n_annotations) < 0 ||
	    rd_object(r, n, "linux", &lx) < 0)
		return -1;

	if (check_version(r, spec->oci_version) < 0)
		return -1;
	size_t saved = rd_push_key(r, "root");
	if (rd_require(r, root, "path") < 0 || rd_string(r, root, "path", &spec->root_path) < 0 ||
	    rd_bool(r, root, "readonly", &spec->root_readonly, NULL) < 0)
		return -1;
	if (!spec->root_path[0]) {
		rd_push_key(r, "path");
		return rd_error(r, "must not be empty");
	}
	rd_pop(r, saved);

	if (mounts) {
		saved = rd_push_key(r, "mounts");
		if (read_mounts(r, mounts, spec) < 0)
			return -1;
		rd_pop(r, saved);
	}
	if (process) {
		saved = rd_push_key(r, "process");
		spec->process = rd_calloc(r, 1, sizeof *spec->process);
		if (!spec->process || spec_read_process(r, process, spec->process) < 0)
			return -1;
		rd_pop(r, saved);
	}
	if (hooks) {
		saved = rd_push_key(r, "hooks");
		if (read_hooks(r, hooks, &spec->hooks) < 0)
			return -1;
		rd_pop(r, saved);
	}
	if (lx) {
		saved = rd_push_key(r, "linux");
		if (spec_read_linux(r, lx, &spec->linux_) < 0)
			return -1;
		spec->has_linux = true;
		rd_pop(r, saved);
	}
	return 0;
}

struct ward_spec *spec_parse(const char *buf, size_t len, const char *origin,
			     struct ward_error *err)
{
	struct json_doc *doc;
	struct ward_spec *spec;
	struct reader r;

	doc = json_parse(buf, len, err);
	if (!doc) {
		ward_error_prefix(err, "%s", origin);
		return NULL;
	}
	spec = calloc(1, sizeof *spec);
	if (!spec) {
		json_free(doc);
		ward_fail(err, ENOMEM, "%s", origin);
		return NULL;
	}
	rd_init(&r, origin, err);
	if (read_spec(&r, json_root(doc), spec) < 0) {
		spec_free(spec);
		spec = NULL;
	}
	json_free(doc);
	return spec;
}

struct ward_spec *spec_parse_file(const char *path, const char *origin, struct ward_error *err)
{
	cleanup_free char *buf = NULL;
	size_t len;

	if (read_file_limited(path, JSON_MAX_BYTES, &buf, &len, err) < 0) {
		ward_error_prefix(err, "%s", origin);
		return NULL;
	}
	return spec_parse(buf, len, origin, err);
}

struct ward_process *spec_parse_process(const char *buf, size_t len, const char *origin,
					struct ward_error *err)
{
	struct json_doc *doc;
	struct ward_process *p;
	struct reader r;

	doc = json_parse(buf, len, err);
	if (!doc) {
		ward_error_prefix(err, "%s", origin);
		return NULL;
	}
	p = calloc(1, sizeof *p);
	rd_init(&r, origin, err);
	if (!p || spec_read_process(&r, json_root(doc), p) < 0) {
		if (!p)
			ward_fail(err, ENOMEM, "%s", origin);
		spec_process_free(p);
		p = NULL;
	}
	json_free(doc);
	return p;
}

int spec_parse_resources(const char *buf, size_t len, const char *origin,
			 struct ward_resources *out, struct ward_error *err)
{
	struct json_doc *doc;
	struct reader r;
	int rc;

	memset(out, 0, sizeof *out);
	doc = json_parse(buf, len, err);
	if (!doc)
		return ward_error_prefix(err, "%s", origin);
	rd_init(&r, origin, err);
	rc = spec_read_resources(&r, json_root(doc), out);
	if (rc < 0)
		spec_resources_clear(out);
	json_free(doc);
	return rc;
}

struct ward_seccomp *spec_parse_seccomp(const char *buf, size_t len, const char *origin,
					struct ward_error *err)
{
	struct json_doc *doc = json_parse(buf, len, err);
	struct ward_seccomp *sc;
	struct reader r;

	if (!doc) {
		ward_error_prefix(err, "%s", origin);
		return NULL;
	}
	sc = calloc(1, sizeof *sc);
	rd_init(&r, origin, err);
	if (!sc || rd_node_object(&r, json_root(doc)) < 0 ||
	    spec_read_seccomp(&r, json_root(doc), sc) < 0) {
		if (!sc)
			ward_fail(err, ENOMEM, "%s", origin);
		spec_seccomp_free(sc);
		sc = NULL;
	}
	json_free(doc);
	return sc;
}

const char *spec_annotation(const struct ward_spec *spec, const char *key)
{
	for (size_t i = 0; i < spec->n_annotations; i++)
		if (strcmp(spec->annotations[i].key, key) == 0)
			return spec->annotations[i].value;
	return NULL;
}

void spec_free(struct ward_spec *spec)
{
	if (!spec)
		return;
	free(spec->oci_version);
	free(spec->root_path);
	for (size_t i = 0; i < spec->n_mounts; i++) {
		struct ward_mount *m = &spec->mounts[i];
		free(m->destination);
		free(m->type);
		free(m->source);
		strv_free(m->options);
		free(m->uid_mappings);
		free(m->gid_mappings);
	}
	free(spec->mounts);
	spec_process_free(spec->process);
	free(spec->hostname);
	free(spec->domainname);
	for (int k = 0; k < WARD_HOOK_KINDS; k++) {
		for (size_t i = 0; i < spec->hooks.count[k]; i++) {
			free(spec->hooks.list[k][i].path);
			strv_free(spec->hooks.list[k][i].args);
			strv_free(spec->hooks.list[k][i].env);
		}
		free(spec->hooks.list[k]);
	}
	kv_free(spec->annotations, spec->n_annotations);
	spec_linux_clear(&spec->linux_);
	free(spec);
}
