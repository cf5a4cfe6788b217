/* linux: namespaces, id mappings, devices, sysctl, paths, personality, time offsets. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ward/cleanup.h"
#include "reader.h"

static const char *const ns_names[WARD_NS_KINDS] = {
	[WARD_NS_PID] = "pid",	     [WARD_NS_NETWORK] = "network", [WARD_NS_MOUNT] = "mount",
	[WARD_NS_IPC] = "ipc",	     [WARD_NS_UTS] = "uts",	    [WARD_NS_USER] = "user",
	[WARD_NS_CGROUP] = "cgroup", [WARD_NS_TIME] = "time",
};

const char *spec_ns_name(enum ward_ns_kind kind)
{
	return kind < WARD_NS_KINDS ? ns_names[kind] : "?";
}

struct ns_entry {
	char *type;
	char *path;
};

static const struct rd_field ns_fields[] = {
	{"type", RD_STRING, .flags = RD_REQUIRED, .at = offsetof(struct ns_entry, type)},
	{"path", RD_STRING, .at = offsetof(struct ns_entry, path)},
};
static const struct rd_object ns_object = RD_TABLE(ns_fields, NULL);

/* One entry of linux.namespaces into its kind's slot; the path is the linux struct's. */
static int add_namespace(struct reader *r, struct ns_entry *e, struct ward_linux *lx)
{
	int kind = -1;

	for (int k = 0; k < WARD_NS_KINDS; k++)
		if (strcmp(e->type, ns_names[k]) == 0)
			kind = k;
	if (kind < 0) {
		rd_push_key(r, "type");
		return rd_error(r,
				"unknown namespace type \"%.64s\" (expected pid, network, mount, "
				"ipc, uts, user, cgroup or time)",
				e->type);
	}
	if (lx->namespaces[kind].present)
		return rd_error(r, "the %s namespace is listed twice", e->type);
	lx->namespaces[kind].present = true;
	lx->namespaces[kind].path = e->path;
	e->path = NULL;
	if (lx->namespaces[kind].path && lx->namespaces[kind].path[0] != '/') {
		rd_push_key(r, "path");
		return rd_error(r, "\"%.64s\" is not an absolute path", lx->namespaces[kind].path);
	}
	return 0;
}

static int read_namespaces(struct reader *r, const struct json_node *arr, void *base,
			   const struct rd_field *f)
{
	const struct json_node *c;
	size_t i = 0;

	(void)f;
	json_foreach(c, arr)
	{
		size_t saved = rd_push_index(r, i++);
		struct ns_entry e = {0};
		int rc = rd_walk(r, c, &ns_object, &e);
		if (rc == 0)
			rc = add_namespace(r, &e, base);
		free(e.type);
		free(e.path);
		if (rc < 0)
			return -1;
		rd_pop(r, saved);
	}
	return 0;
}

static bool ranges_overlap(uint32_t a, uint32_t alen, uint32_t b, uint32_t blen)
{
	return (uint64_t)a < (uint64_t)b + blen && (uint64_t)b < (uint64_t)a + alen;
}

static int check_id_mapping(struct reader *r, void *base)
{
	const struct ward_id_mapping *m = base;

	if (m->size == 0)
		return rd_error(r, "size must be at least 1");
	/* The kernel refuses a range that reaches 4294967295: (uid_t)-1 is no ID. */
	if ((uint64_t)m->container_id + m->size > UINT32_MAX ||
	    (uint64_t)m->host_id + m->size > UINT32_MAX)
		return rd_error(r, "the range ends past 4294967294, the largest ID");
	return 0;
}

#define OF(member) offsetof(struct ward_id_mapping, member)
static const struct rd_field id_mapping_fields[] = {
	{"containerID", RD_U32, .flags = RD_REQUIRED, .at = OF(container_id)},
	{"hostID", RD_U32, .flags = RD_REQUIRED, .at = OF(host_id)},
	{"size", RD_U32, .flags = RD_REQUIRED, .at = OF(size)},
};
#undef OF
static const struct rd_object id_mapping_object = RD_TABLE(id_mapping_fields, check_id_mapping);

int spec_read_id_mappings(struct reader *r, const struct json_node *arr, void *base,
			  const struct rd_field *f)
{
	struct ward_id_mapping **out = rd_at(base, f->at);
	size_t *n = rd_at(base, f->count);

	/* The kernel accepts at most 340 lines in uid_map/gid_map. */
	if (arr->count > 340)
		return rd_error(r, "%zu mappings, more than the kernel's limit of 340", arr->count);
	if (rd_walk_array(r, arr, &id_mapping_object, sizeof **out, out, n) < 0)
		return -1;
	for (size_t i = 0; i < *n; i++) {
		const struct ward_id_mapping *m = &(*out)[i];
		for (size_t j = 0; j < i; j++) {
			const struct ward_id_mapping *o = &(*out)[j];
			const char *what = NULL;
			if (ranges_overlap(m->container_id, m->size, o->container_id, o->size))
				what = "container";
			else if (ranges_overlap(m->host_id, m->size, o->host_id, o->size))
				what = "host";
			if (what) {
				rd_push_index(r, i);
				return rd_error(r, "%s IDs overlap with %s[%zu]", what, f->name, j);
			}
		}
	}
	return 0;
}

/* A device node's major or minor: a number the kernel can have (a node has no wildcard). */
static int read_node_number(struct reader *r, const struct json_node *n, void *base,
			    const struct rd_field *f)
{
	uint32_t max = f->arg ? WARD_DEVICE_MINOR_MAX : WARD_DEVICE_MAJOR_MAX;
	int64_t v = 0;

	if (rd_node_i64(r, n, &v) < 0)
		return -1;
	if (v < 0 || v > (int64_t)max)
		return rd_error(r, "%lld is not a device %s number (0 to %u)", (long long)v,
				f->name, max);
	*(uint32_t *)rd_at(base, f->at) = (uint32_t)v;
	return 0;
}

static int read_device_type(struct reader *r, const struct json_node *n, void *base,
			    const struct rd_field *f)
{
	cleanup_free char *type = NULL;

	(void)f;
	if (rd_node_string(r, n, &type) < 0)
		return -1;
	if (strlen(type) != 1 || !strchr("cbup", type[0]))
		return rd_error(r, "unknown device type \"%.16s\" (expected c, b, u or p)", type);
	((struct ward_device *)base)->type = type[0];
	return 0;
}

static const char *file_type_name(uint32_t type)
{
	switch (type) {
	case S_IFCHR:
		return "a character device";
	case S_IFBLK:
		return "a block device";
	case S_IFIFO:
		return "a FIFO";
	case S_IFREG:
		return "a regular file";
	case S_IFDIR:
		return "a directory";
	case S_IFLNK:
		return "a symbolic link";
	case S_IFSOCK:
		return "a socket";
	}
	return "an unknown file type";
}

/* fileMode may carry the node's file type as well as its permissions (Podman sends 8630,
 * 020666, for a character device): type bits that agree with `type` are dropped, others are
 * refused, since mknod would have to pick one of the two. */
static int check_file_mode(struct reader *r, struct ward_device *d)
{
	uint32_t want = d->type == 'b' ? S_IFBLK : d->type == 'p' ? S_IFIFO : S_IFCHR;
	uint32_t type = d->file_mode & S_IFMT;

	rd_push_key(r, "fileMode");
	if (d->file_mode > (S_IFMT | 07777))
		return rd_error(r,
				"%u is not a file mode (permission bits, 0 to 07777, "
				"optionally with the node's file type)",
				d->file_mode);
	if (type != 0 && type != want)
		return rd_error(r,
				"%u (0%o) has the file type bits of %s, but type \"%c\" is %s "
				"(give the permission bits alone, e.g. 0%o)",
				d->file_mode, d->file_mode, file_type_name(type), d->type,
				file_type_name(want), d->file_mode & 07777);
	d->file_mode &= 07777;
	return 0;
}

static int check_device(struct reader *r, void *base)
{
	struct ward_device *d = base;

	if (d->type != 'p' && (!d->has_major || !d->has_minor))
		return rd_error(r, "major and minor are required for a %s device",
				d->type == 'b' ? "block" : "character");
	if (d->has_file_mode && check_file_mode(r, d) < 0)
		return -1;
	return 0;
}

#define OF(member) offsetof(struct ward_device, member)
static const struct rd_field device_fields[] = {
	{"path", RD_STRING, .flags = RD_REQUIRED, .at = OF(path), .check = rd_check_absolute},
	{"type", RD_VALUE, .flags = RD_REQUIRED, .read = read_device_type},
	{"fileMode", RD_U32, .at = OF(file_mode), RD_HAS(OF(has_file_mode))},
	{"uid", RD_U32, .at = OF(uid), RD_HAS(OF(has_uid))},
	{"gid", RD_U32, .at = OF(gid), RD_HAS(OF(has_gid))},
	{"major", RD_VALUE, .at = OF(major), RD_HAS(OF(has_major)), .read = read_node_number},
	{"minor", RD_VALUE, .at = OF(minor), RD_HAS(OF(has_minor)), .arg = 1,
	 .read = read_node_number},
};
#undef OF
static const struct rd_object device_object = RD_TABLE(device_fields, check_device);

static int read_devices(struct reader *r, const struct json_node *arr, void *base,
			const struct rd_field *f)
{
	struct ward_linux *lx = base;

	(void)f;
	return rd_walk_array(r, arr, &device_object, sizeof *lx->devices, &lx->devices,
			     &lx->n_devices);
}

/* An array of absolute paths (maskedPaths, readonlyPaths). */
static int check_paths(struct reader *r, void *base, const struct rd_field *f)
{
	char **paths = *(char ***)rd_at(base, f->at);

	for (size_t i = 0; paths[i]; i++) {
		if (paths[i][0] != '/') {
			rd_push_index(r, i);
			return rd_error(r, "\"%.64s\" is not an absolute path", paths[i]);
		}
	}
	return 0;
}

static int check_time_offset(struct reader *r, void *base)
{
	struct ward_time_offset *t = base;

	if (t->nanosecs >= 1000000000u)
		return rd_error(r, "nanosecs must be below 1000000000");
	t->present = true;
	return 0;
}

static const struct rd_field time_offset_fields[] = {
	{"secs", RD_I64, .at = offsetof(struct ward_time_offset, secs)},
	{"nanosecs", RD_U32, .at = offsetof(struct ward_time_offset, nanosecs)},
};
static const struct rd_object time_offset_object = RD_TABLE(time_offset_fields, check_time_offset);

static int read_time_offsets(struct reader *r, const struct json_node *n, void *base,
			     const struct rd_field *f)
{
	struct ward_linux *lx = base;
	cleanup_free const struct json_node **members = NULL;
	size_t n_members;

	(void)f;
	members = rd_members(r, n, &n_members);
	if (!members)
		return -1;
	for (const struct json_node **m = members; *m; m++) {
		const struct json_node *c = *m;
		size_t saved = rd_push_key(r, c->key);
		struct ward_time_offset *t = strcmp(c->key, "monotonic") == 0  ? &lx->time_monotonic
					     : strcmp(c->key, "boottime") == 0 ? &lx->time_boottime
									       : NULL;
		if (!t)
			return rd_error(r, "unknown clock (a time namespace offsets monotonic and "
					   "boottime)");
		if (rd_walk(r, c, &time_offset_object, t) < 0)
			return -1;
		rd_pop(r, saved);
	}
	return 0;
}

/* The kernel's rule (dev_valid_name): 1 to 15 bytes, not "." or "..", no '/', ':' or white
 * space. A "%d" in a new name is the kernel's template for a free number. */
static bool valid_ifname(const char *name)
{
	size_t len = strlen(name);

	if (len == 0 || len > 15 || strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return false;
	for (const char *p = name; *p; p++)
		if (*p == '/' || *p == ':' || *p == ' ' || (*p >= '\t' && *p <= '\r'))
			return false;
	return true;
}

static int check_ifname(struct reader *r, void *base, const struct rd_field *f)
{
	const char *name = *(char **)rd_at(base, f->at);

	if (!valid_ifname(name))
		return rd_error(r, "\"%.64s\" is not a valid network interface name", name);
	return 0;
}

static const struct rd_field net_device_fields[] = {
	{"name", RD_STRING, .at = offsetof(struct ward_kv, value), .check = check_ifname},
};
static const struct rd_object net_device_object = RD_TABLE(net_device_fields, NULL);

static const struct rd_map net_device_map = {
	.object = &net_device_object,
	.size = sizeof(struct ward_kv),
	.key_at = offsetof(struct ward_kv, key),
	.valid_key = valid_ifname,
	.bad_key = "not a valid network interface name",
};

static int read_net_devices(struct reader *r, const struct json_node *n, void *base,
			    const struct rd_field *f)
{
	struct ward_linux *lx = base;

	(void)f;
	return rd_walk_map(r, n, &net_device_map, &lx->net_devices, &lx->n_net_devices);
}

static const char *const propagations[] = {"private", "rprivate", "slave",	"rslave",
					   "shared",  "rshared",  "unbindable", "runbindable"};

static int check_propagation(struct reader *r, void *base, const struct rd_field *f)
{
	const char *p = *(char **)rd_at(base, f->at);

	for (size_t i = 0; i < ARRAY_SIZE(propagations); i++)
		if (strcmp(p, propagations[i]) == 0)
			return 0;
	return rd_error(r,
			"unknown propagation \"%.64s\" (expected private, rprivate, slave, "
			"rslave, shared, rshared, unbindable or runbindable)",
			p);
}

static int check_sysctl(struct reader *r, void *base, const struct rd_field *f)
{
	const struct ward_linux *lx = base;

	(void)f;
	for (size_t i = 0; i < lx->n_sysctl; i++) {
		const char *key = lx->sysctl[i].key;
		if (!key[0] || strstr(key, "..") || key[0] == '/' || key[0] == '.') {
			rd_push_key(r, key);
			return rd_error(
				r, "not a sysctl name (names look like \"net.ipv4.ip_forward\")");
		}
	}
	return 0;
}

static int check_personality_domain(struct reader *r, void *base, const struct rd_field *f)
{
	const char *domain = *(char **)rd_at(base, f->at);

	if (strcmp(domain, "LINUX") != 0 && strcmp(domain, "LINUX32") != 0)
		return rd_error(r, "unknown domain \"%.64s\" (expected LINUX or LINUX32)", domain);
	return 0;
}

/* Applying a flag ward does not know (ADDR_NO_RANDOMIZE, ...) would weaken the process
 * silently; ignoring it would not be what was asked. */
static int check_personality_flags(struct reader *r, void *base, const struct rd_field *f)
{
	char **flags = *(char ***)rd_at(base, f->at);

	if (flags[0])
		return rd_error(r,
				"\"%.64s\": the runtime spec defines no personality flags (remove "
				"\"flags\")",
				flags[0]);
	return 0;
}

#define OF(member) offsetof(struct ward_linux, member)
static const struct rd_field personality_fields[] = {
	{"domain", RD_STRING, .flags = RD_REQUIRED, .at = OF(personality_domain),
	 .check = check_personality_domain},
	{"flags", RD_STRV, .at = OF(personality_flags), .check = check_personality_flags},
};
static const struct rd_object personality_object = RD_TABLE(personality_fields, NULL);

static const struct rd_field intel_rdt_fields[] = {
	{"closID", RD_STRING, .at = OF(intel_rdt_clos_id)},
};
static const struct rd_object intel_rdt_object = RD_TABLE(intel_rdt_fields, NULL);

static int read_resources(struct reader *r, const struct json_node *n, void *base,
			  const struct rd_field *f)
{
	return spec_read_resources(r, n, rd_at(base, f->at));
}

static int read_seccomp(struct reader *r, const struct json_node *n, void *base,
			const struct rd_field *f)
{
	struct ward_linux *lx = base;

	(void)f;
	lx->seccomp = rd_calloc(r, 1, sizeof *lx->seccomp);
	if (!lx->seccomp)
		return -1;
	return spec_read_seccomp(r, n, lx->seccomp);
}

static const struct rd_field linux_fields[] = {
	{"namespaces", RD_ARRAY, .read = read_namespaces},
	{"uidMappings", RD_ARRAY, .at = OF(uid_mappings), .count = OF(n_uid_mappings),
	 .read = spec_read_id_mappings},
	{"gidMappings", RD_ARRAY, .at = OF(gid_mappings), .count = OF(n_gid_mappings),
	 .read = spec_read_id_mappings},
	{"devices", RD_ARRAY, .read = read_devices},
	{"cgroupsPath", RD_STRING, .at = OF(cgroups_path)},
	{"resources", RD_OBJECT, .at = OF(resources), RD_HAS(OF(has_resources)),
	 .read = read_resources},
	{"rootfsPropagation", RD_STRING, .at = OF(rootfs_propagation), .check = check_propagation},
	{"seccomp", RD_OBJECT, .read = read_seccomp},
	{"sysctl", RD_STRING_MAP, .at = OF(sysctl), .count = OF(n_sysctl), .check = check_sysctl},
	{"maskedPaths", RD_STRV, .at = OF(masked_paths), RD_HAS(OF(has_masked_paths)),
	 .check = check_paths},
	{"readonlyPaths", RD_STRV, .at = OF(readonly_paths), RD_HAS(OF(has_readonly_paths)),
	 .check = check_paths},
	{"mountLabel", RD_STRING, .at = OF(mount_label)},
	{"personality", RD_OBJECT, RD_HAS(OF(has_personality)), .object = &personality_object},
	{"timeOffsets", RD_OBJECT, .read = read_time_offsets},
	{"netDevices", RD_OBJECT, .read = read_net_devices},
	{"intelRdt", RD_OBJECT, RD_HAS(OF(has_intel_rdt)), .object = &intel_rdt_object},
	{"memoryPolicy", RD_OBJECT, .object = &spec_memory_policy_object},
};
#undef OF
static const struct rd_object linux_object = RD_TABLE(linux_fields, NULL);

int spec_read_linux(struct reader *r, const struct json_node *n, struct ward_linux *lx)
{
	return rd_walk(r, n, &linux_object, lx);
}

void spec_linux_clear(struct ward_linux *lx)
{
	for (int k = 0; k < WARD_NS_KINDS; k++)
		free(lx->namespaces[k].path);
	free(lx->uid_mappings);
	free(lx->gid_mappings);
	for (size_t i = 0; i < lx->n_devices; i++)
		free(lx->devices[i].path);
	free(lx->devices);
	free(lx->cgroups_path);
	spec_resources_clear(&lx->resources);
	free(lx->rootfs_propagation);
	spec_seccomp_free(lx->seccomp);
	kv_free(lx->sysctl, lx->n_sysctl);
	strv_free(lx->masked_paths);
	strv_free(lx->readonly_paths);
	free(lx->mount_label);
	free(lx->personality_domain);
	strv_free(lx->personality_flags);
	kv_free(lx->net_devices, lx->n_net_devices);
	free(lx->intel_rdt_clos_id);
	free(lx->memory_policy_mode);
	free(lx->memory_policy_nodes);
}
