/* config.json: the top level (root, mounts, process, hostname, hooks, annotations, linux). */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "ward/cleanup.h"
#include "ward/util.h"
#include "reader.h"

#define OF(member) offsetof(struct ward_mount, member)
static const struct rd_field mount_fields[] = {
	{"destination", RD_STRING, .flags = RD_REQUIRED, .at = OF(destination),
	 .check = rd_check_absolute},
	{"type", RD_STRING, .at = OF(type)},
	{"source", RD_STRING, .at = OF(source)},
	{"options", RD_STRV, .at = OF(options)},
	{"uidMappings", RD_ARRAY, .at = OF(uid_mappings), .count = OF(n_uid_mappings),
	 .read = spec_read_id_mappings},
	{"gidMappings", RD_ARRAY, .at = OF(gid_mappings), .count = OF(n_gid_mappings),
	 .read = spec_read_id_mappings},
};
#undef OF
static const struct rd_object mount_object = RD_TABLE(mount_fields, NULL);

static int check_timeout(struct reader *r, void *base, const struct rd_field *f)
{
	(void)f;
	if (((struct ward_hook *)base)->timeout <= 0)
		return rd_error(r, "must be a positive number of seconds");
	return 0;
}

#define OF(member) offsetof(struct ward_hook, member)
static const struct rd_field hook_fields[] = {
	{"path", RD_STRING, .flags = RD_REQUIRED, .at = OF(path), .check = rd_check_absolute},
	{"args", RD_STRV, .at = OF(args)},
	{"env", RD_STRV, .at = OF(env)},
	{"timeout", RD_I32, .at = OF(timeout), RD_HAS(OF(has_timeout)), .check = check_timeout},
};
#undef OF
static const struct rd_object hook_object = RD_TABLE(hook_fields, NULL);

static int read_hook_list(struct reader *r, const struct json_node *n, void *base,
			  const struct rd_field *f)
{
	struct ward_hooks *hooks = base;

	return rd_walk_array(r, n, &hook_object, sizeof(struct ward_hook), &hooks->list[f->arg],
			     &hooks->count[f->arg]);
}

#define HOOK(kind, name) [kind] = {name, RD_ARRAY, .arg = kind, .read = read_hook_list}
static const struct rd_field hooks_fields[WARD_HOOK_KINDS] = {
	HOOK(WARD_HOOK_PRESTART, "prestart"),
	HOOK(WARD_HOOK_CREATE_RUNTIME, "createRuntime"),
	HOOK(WARD_HOOK_CREATE_CONTAINER, "createContainer"),
	HOOK(WARD_HOOK_START_CONTAINER, "startContainer"),
	HOOK(WARD_HOOK_POSTSTART, "poststart"),
	HOOK(WARD_HOOK_POSTSTOP, "poststop"),
};
#undef HOOK
static const struct rd_object hooks_object = RD_TABLE(hooks_fields, NULL);

const char *spec_hook_name(enum ward_hook_kind kind)
{
	return kind < WARD_HOOK_KINDS ? hooks_fields[kind].name : "?";
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
static int check_version(struct reader *r, void *base, const struct rd_field *f)
{
	const char *v = ((struct ward_spec *)base)->oci_version;
	unsigned long major, minor, own_major = 0, own_minor = 0;

	(void)f;
	version_numbers(WARD_OCI_VERSION, &own_major, &own_minor);
	if (version_numbers(v, &major, &minor) && major == own_major && minor <= own_minor)
		return 0;
	return rd_error(r,
			"version \"%.32s\" is not supported: ward implements runtime-spec 1.0 to "
			"%lu.%lu (" WARD_OCI_VERSION "); write the version the config was made "
			"for, at most %lu.%lu",
			v, own_major, own_minor, own_major, own_minor);
}

static int check_not_empty(struct reader *r, void *base, const struct rd_field *f)
{
	if (!(*(char **)rd_at(base, f->at))[0])
		return rd_error(r, "must not be empty");
	return 0;
}

static const struct rd_field root_fields[] = {
	{"path", RD_STRING, .flags = RD_REQUIRED, .at = offsetof(struct ward_spec, root_path),
	 .check = check_not_empty},
	{"readonly", RD_BOOL, .at = offsetof(struct ward_spec, root_readonly)},
};
static const struct rd_object root_object = RD_TABLE(root_fields, NULL);

static int read_mounts(struct reader *r, const struct json_node *n, void *base,
		       const struct rd_field *f)
{
	struct ward_spec *spec = base;

	(void)f;
	return rd_walk_array(r, n, &mount_object, sizeof *spec->mounts, &spec->mounts,
			     &spec->n_mounts);
}

static int read_process(struct reader *r, const struct json_node *n, void *base,
			const struct rd_field *f)
{
	struct ward_spec *spec = base;

	(void)f;
	spec->process = rd_calloc(r, 1, sizeof *spec->process);
	if (!spec->process)
		return -1;
	return spec_read_process(r, n, spec->process);
}

static int read_linux(struct reader *r, const struct json_node *n, void *base,
		      const struct rd_field *f)
{
	struct ward_spec *spec = base;

	(void)f;
	return spec_read_linux(r, n, &spec->linux_);
}

#define OF(member) offsetof(struct ward_spec, member)
static const struct rd_field spec_fields[] = {
	{"ociVersion", RD_STRING, .flags = RD_REQUIRED, .at = OF(oci_version),
	 .check = check_version},
	{"root", RD_OBJECT, .flags = RD_REQUIRED, .object = &root_object},
	{"mounts", RD_ARRAY, .read = read_mounts},
	{"process", RD_OBJECT, .read = read_process},
	{"hostname", RD_STRING, .at = OF(hostname)},
	{"domainname", RD_STRING, .at = OF(domainname)},
	{"hooks", RD_OBJECT, .at = OF(hooks), .object = &hooks_object},
	{"annotations", RD_STRING_MAP, .at = OF(annotations), .count = OF(n_annotations)},
	{"linux", RD_OBJECT, RD_HAS(OF(has_linux)), .read = read_linux},
};
#undef OF
static const struct rd_object spec_object = RD_TABLE(spec_fields, NULL);

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
	if (rd_walk(&r, json_root(doc), &spec_object, spec) < 0) {
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
	if (!sc || spec_read_seccomp(&r, json_root(doc), sc) < 0) {
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

static struct ward_id_mapping *one_mapping(uint32_t host, uint32_t size)
{
	struct ward_id_mapping *m = calloc(1, sizeof *m);
	if (m)
		*m = (struct ward_id_mapping){.container_id = 0, .host_id = host, .size = size};
	return m;
}

int spec_add_user_namespace(struct ward_spec *spec, uint32_t uid, uint32_t gid, uint32_t size,
			    struct ward_error *err)
{
	struct ward_linux *lx = &spec->linux_;

	if (lx->namespaces[WARD_NS_USER].present || lx->n_uid_mappings || lx->n_gid_mappings)
		return ward_fail(err, EEXIST, "linux.namespaces: the config has a user namespace");
	lx->uid_mappings = one_mapping(uid, size);
	lx->gid_mappings = one_mapping(gid, size);
	if (!lx->uid_mappings || !lx->gid_mappings)
		return ward_fail(err, ENOMEM, "linux.uidMappings");
	lx->n_uid_mappings = lx->n_gid_mappings = 1;
	lx->namespaces[WARD_NS_USER].present = true;
	return 0;
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
