/* `ward inspect --format json`: the inspection as a stable JSON document (format 1, described
 * in ward-inspect(8)). Every member is always present; what cannot be known is null. */
#include <stdio.h>
#include <string.h>
#include <yajl/yajl_gen.h>

#include "ward/cleanup.h"
#include "ward/inspect_output.h"
#include "ward/json_gen.h"

static void gen_opt_str(yajl_gen g, const char *key, const char *value)
{
	json_gen_str(g, key);
	if (value)
		json_gen_str(g, value);
	else
		yajl_gen_null(g);
}

/* Writes key, and null as its value when it is not known: false then (nothing more to write). */
static bool gen_key(yajl_gen g, const char *key, bool known)
{
	json_gen_str(g, key);
	if (!known)
		yajl_gen_null(g);
	return known;
}

static void gen_namespaces(yajl_gen g, const struct container_inspection *in)
{
	if (!gen_key(g, "namespaces", in->live))
		return;
	yajl_gen_map_open(g);
	for (int i = 0; i < PV_NS_COUNT; i++) {
		if (!gen_key(g, procview_ns_name(i), in->ns[i].present))
			continue;
		yajl_gen_map_open(g);
		json_gen_str(g, "inode");
		yajl_gen_integer(g, (long long)in->ns[i].ino);
		json_gen_str(g, "host");
		yajl_gen_bool(g, in->ns[i].shared_with_reader);
		yajl_gen_map_close(g);
	}
	yajl_gen_map_close(g);
}

static void gen_idmap(yajl_gen g, const char *key, bool live, const struct procview_idmap *m,
		      size_t n)
{
	if (!gen_key(g, key, live))
		return;
	yajl_gen_array_open(g);
	for (size_t i = 0; i < n; i++) {
		yajl_gen_map_open(g);
		json_gen_str(g, "container_id");
		yajl_gen_integer(g, (long long)m[i].inside);
		json_gen_str(g, "host_id");
		yajl_gen_integer(g, (long long)m[i].outside);
		json_gen_str(g, "size");
		yajl_gen_integer(g, (long long)m[i].count);
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);
}

static void gen_capabilities(yajl_gen g, const struct container_inspection *in)
{
	if (!gen_key(g, "capabilities", in->live))
		return;
	yajl_gen_map_open(g);
	for (int i = 0; i < PV_CAP_SETS; i++) {
		if (!gen_key(g, inspect_cap_set_name(i), in->proc.has_caps[i]))
			continue;
		yajl_gen_map_open(g);
		char hex[17];
		snprintf(hex, sizeof hex, "%016llx", (unsigned long long)in->proc.caps[i]);
		json_gen_str(g, "mask");
		json_gen_str(g, hex);
		json_gen_str(g, "names");
		yajl_gen_array_open(g);
		cleanup_strv char **names = procview_cap_names(in->proc.caps[i]);
		for (size_t k = 0; names && names[k]; k++)
			json_gen_str(g, names[k]);
		yajl_gen_array_close(g);
		yajl_gen_map_close(g);
	}
	yajl_gen_map_close(g);
}

static void gen_int_or_null(yajl_gen g, const char *key, int value)
{
	json_gen_str(g, key);
	if (value < 0)
		yajl_gen_null(g);
	else
		yajl_gen_integer(g, value);
}

static void gen_recorded_seccomp(yajl_gen g, const struct ward_confinement *c)
{
	if (!gen_key(g, "recorded", c->recorded))
		return;
	yajl_gen_map_open(g);
	gen_opt_str(g, "profile", c->seccomp_profile);
	gen_opt_str(g, "digest", c->seccomp_digest);
	gen_opt_str(g, "never_digest", c->never_digest);
	json_gen_str(g, "filters");
	yajl_gen_integer(g, c->seccomp_filters);
	yajl_gen_map_close(g);
}

static void gen_seccomp(yajl_gen g, const struct container_inspection *in)
{
	json_gen_str(g, "no_new_privileges");
	if (in->live && in->proc.no_new_privs >= 0)
		yajl_gen_bool(g, in->proc.no_new_privs == 1);
	else
		yajl_gen_null(g);
	json_gen_str(g, "seccomp");
	yajl_gen_map_open(g);
	gen_opt_str(g, "mode", in->live ? inspect_seccomp_mode_name(in->proc.seccomp) : NULL);
	gen_int_or_null(g, "filters", in->live ? in->proc.seccomp_filters : -1);
	gen_int_or_null(g, "inherited_filters", in->live ? in->reader_seccomp_filters : -1);
	gen_recorded_seccomp(g, &in->state.confinement);
	yajl_gen_map_close(g);
	json_gen_str(g, "lsm");
	yajl_gen_map_open(g);
	gen_opt_str(g, "current", in->lsm_current);
	gen_opt_str(g, "apparmor", in->apparmor_current);
	yajl_gen_map_close(g);
}

static void gen_paths(yajl_gen g, const char *key, bool live, const struct inspect_path *p,
		      size_t n, bool masked)
{
	if (!gen_key(g, key, live))
		return;
	yajl_gen_array_open(g);
	for (size_t i = 0; i < n; i++) {
		yajl_gen_map_open(g);
		json_gen_str(g, "path");
		json_gen_str(g, p[i].path);
		json_gen_str(g, "state");
		json_gen_str(g, procview_path_state_name(p[i].state));
		json_gen_str(g, "in_force");
		yajl_gen_bool(g, inspect_path_in_force(p[i].state, masked));
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);
}

static void gen_cgroup(yajl_gen g, const struct container_inspection *in)
{
	json_gen_str(g, "cgroup");
	yajl_gen_map_open(g);
	gen_opt_str(g, "path", in->cgroup_path);
	gen_opt_str(g, "recorded_path", in->state.cgroup_path);
	if (gen_key(g, "limits", in->live && in->state.cgroup_path)) {
		yajl_gen_map_open(g);
		for (size_t i = 0; i < in->n_limits; i++) {
			json_gen_str(g, in->limits[i].key);
			json_gen_str(g, in->limits[i].value);
		}
		yajl_gen_map_close(g);
	}
	yajl_gen_map_close(g);
}

static void gen_device_rules(yajl_gen g, const struct ward_spec *config)
{
	if (!gen_key(g, "rules", config))
		return;
	yajl_gen_array_open(g);
	const struct ward_resources *res = &config->linux_.resources;
	for (size_t i = 0; i < res->n_devices; i++) {
		const struct ward_device_rule *d = &res->devices[i];
		char type[2] = {d->type, '\0'}, access[4];
		yajl_gen_map_open(g);
		json_gen_str(g, "allow");
		yajl_gen_bool(g, d->allow);
		json_gen_str(g, "type");
		json_gen_str(g, type);
		json_gen_str(g, "major");
		d->has_major ? yajl_gen_integer(g, d->major) : yajl_gen_null(g);
		json_gen_str(g, "minor");
		d->has_minor ? yajl_gen_integer(g, d->minor) : yajl_gen_null(g);
		json_gen_str(g, "access");
		json_gen_str(g, inspect_device_access(d->access, access));
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);
}

static void gen_devices(yajl_gen g, const struct container_inspection *in)
{
	const struct procview_devices *d = &in->devices;
	bool known = in->live && d->query_errno == 0;

	json_gen_str(g, "devices");
	yajl_gen_map_open(g);
	json_gen_str(g, "attached");
	known ? yajl_gen_integer(g, d->n_attached) : yajl_gen_null(g);
	json_gen_str(g, "effective");
	known ? yajl_gen_integer(g, d->n_effective) : yajl_gen_null(g);
	if (gen_key(g, "programs", known)) {
		yajl_gen_array_open(g);
		for (uint32_t i = 0; i < d->n_attached && i < PROCVIEW_MAX_PROGS; i++) {
			yajl_gen_map_open(g);
			json_gen_str(g, "id");
			yajl_gen_integer(g, d->ids[i]);
			gen_opt_str(g, "tag", d->tags[i][0] ? d->tags[i] : NULL);
			yajl_gen_map_close(g);
		}
		yajl_gen_array_close(g);
	}
	gen_opt_str(g, "expected_tag", in->n_device_insns ? in->device_tag : NULL);
	json_gen_str(g, "matches_config");
	int m = inspect_devices_match(in);
	m < 0 ? yajl_gen_null(g) : yajl_gen_bool(g, m);
	gen_device_rules(g, in->config);
	yajl_gen_map_close(g);
}

static void gen_lifted(yajl_gen g, const struct ward_confinement *c)
{
	if (gen_key(g, "lifted_checks", c->recorded))
		state_gen_lifted_checks(g, c);
}

void inspect_print_json(const struct container_inspection *in)
{
	cleanup_json_gen yajl_gen g = yajl_gen_alloc(NULL);

	if (!g)
		return;
	yajl_gen_config(g, yajl_gen_beautify, 1);
	yajl_gen_config(g, yajl_gen_indent_string, "  ");
	yajl_gen_map_open(g);
	json_gen_str(g, "format");
	yajl_gen_integer(g, INSPECT_FORMAT_VERSION);
	json_gen_str(g, "id");
	json_gen_str(g, in->state.id);
	json_gen_str(g, "status");
	json_gen_str(g, state_status_name(in->status));
	json_gen_str(g, "pid");
	yajl_gen_integer(g, in->live ? in->state.pid : 0);
	gen_namespaces(g, in);
	gen_idmap(g, "uid_map", in->live, in->uid_map, in->n_uid_map);
	gen_idmap(g, "gid_map", in->live, in->gid_map, in->n_gid_map);
	gen_capabilities(g, in);
	gen_seccomp(g, in);
	json_gen_str(g, "root_readonly");
	in->live ? yajl_gen_bool(g, in->root_readonly) : yajl_gen_null(g);
	gen_paths(g, "masked_paths", in->live, in->masked, in->n_masked, true);
	gen_paths(g, "readonly_paths", in->live, in->readonly, in->n_readonly, false);
	gen_cgroup(g, in);
	gen_devices(g, in);
	gen_lifted(g, &in->state.confinement);
	yajl_gen_map_close(g);
	cli_print_json(g, true);
}
