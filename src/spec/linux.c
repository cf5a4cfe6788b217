/* linux: namespaces, id mappings, devices, sysctl, paths, personality, time offsets. */
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

static int read_namespaces(struct reader *r, const struct json_node *arr, struct ward_linux *lx)
{
	const struct json_node *c;
	size_t i = 0;

	json_foreach(c, arr)
	{
		size_t saved = rd_push_index(r, i++);
		cleanup_free char *type = NULL;
		char *path = NULL;
		int kind = -1;

		if (rd_node_object(r, c) < 0 || rd_require(r, c, "type") < 0 ||
		    rd_string(r, c, "type", &type) < 0 || rd_string(r, c, "path", &path) < 0)
			return -1;
		for (int k = 0; k < WARD_NS_KINDS; k++)
			if (strcmp(type, ns_names[k]) == 0)
				kind = k;
		if (kind < 0) {
			free(path);
			rd_push_key(r, "type");
			return rd_error(r,
					"unknown namespace type \"%.64s\" (expected pid, network, "
					"mount, ipc, uts, user, cgroup or time)",
					type);
		}
		if (lx->namespaces[kind].present) {
			free(path);
			return rd_error(r, "the %s namespace is listed twice", type);
		}
		lx->namespaces[kind].present = true;
		lx->namespaces[kind].path = path;
		if (path && path[0] != '/') {
			rd_push_key(r, "path");
			return rd_error(r, "\"%.64s\" is not an absolute path", path);
		}
		rd_pop(r, saved);
	}
	return 0;
}

static bool ranges_overlap(uint32_t a, uint32_t alen, uint32_t b, uint32_t blen)
{
	return (uint64_t)a < (uint64_t)b + blen && (uint64_t)b < (uint64_t)a + alen;
}

int spec_read_id_mappings(struct reader *r, const struct json_node *obj, const char *key,
			  struct ward_id_mapping **out, size_t *n)
{
	const struct json_node *arr, *c;
	size_t i = 0, saved;

	if (rd_array(r, obj, key, &arr) < 0)
		return -1;
	if (!arr)
		return 0;
	saved = rd_push_key(r, key);
	/* The kernel accepts at most 340 lines in uid_map/gid_map. */
	if (arr->count > 340)
		return rd_error(r, "%zu mappings, more than the kernel's limit of 340", arr->count);
	*out = rd_calloc(r, arr->count, sizeof **out);
	if (!*out)
		return -1;
	json_foreach(c, arr)
	{
		size_t s2 = rd_push_index(r, i);
		struct ward_id_mapping *m = &(*out)[i];
		*n = ++i;
		if (rd_node_object(r, c) < 0 || rd_require(r, c, "containerID") < 0 ||
		    rd_require(r, c, "hostID") < 0 || rd_require(r, c, "size") < 0 ||
		    rd_u32(r, c, "containerID", &m->container_id, NULL) < 0 ||
		    rd_u32(r, c, "hostID", &m->host_id, NULL) < 0 ||
		    rd_u32(r, c, "size", &m->size, NULL) < 0)
			return -1;
		if (m->size == 0)
			return rd_error(r, "size must be at least 1");
		/* The kernel refuses a range that reaches 4294967295: (uid_t)-1 is no ID. */
		if ((uint64_t)m->container_id + m->size > UINT32_MAX ||
		    (uint64_t)m->host_id + m->size > UINT32_MAX)
			return rd_error(r, "the range ends past 4294967294, the largest ID");
		for (size_t j = 0; j + 1 < i; j++) {
			const struct ward_id_mapping *o = &(*out)[j];
			if (ranges_overlap(m->container_id, m->size, o->container_id, o->size))
				return rd_error(r, "container IDs overlap with %s[%zu]", key, j);
			if (ranges_overlap(m->host_id, m->size, o->host_id, o->size))
				return rd_error(r, "host IDs overlap with %s[%zu]", key, j);
		}
		rd_pop(r, s2);
	}
	rd_pop(r, saved);
	return 0;
}

/* A device node's major or minor: a number the kernel can have (a node has no wildcard). */
static int read_node_number(struct reader *r, const struct json_node *c, const char *key,
			    uint32_t max, bool *has, uint32_t *out)
{
	int64_t v = 0;

	if (rd_i64(r, c, key, &v, has) < 0)
		return -1;
	if (*has && (v < 0 || v > (int64_t)max)) {
		rd_push_key(r, key);
		return rd_error(r, "%lld is not a device %s number (0 to %u)", (long long)v, key,
				max);
	}
	*out = *has ? (uint32_t)v : 0;
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

static int read_devices(struct reader *r, const struct json_node *arr, struct ward_linux *lx)
{
	const struct json_node *c;
	size_t i = 0;

	lx->devices = rd_calloc(r, arr->count, sizeof *lx->devices);
	if (!lx->devices)
		return -1;
	json_foreach(c, arr)
	{
		size_t saved = rd_push_index(r, i);
		struct ward_device *d = &lx->devices[i];
		cleanup_free char *type = NULL;
		bool has_major = false, has_minor = false;

		lx->n_devices = ++i;
		if (rd_node_object(r, c) < 0 || rd_require(r, c, "path") < 0 ||
		    rd_string(r, c, "path", &d->path) < 0 || rd_require(r, c, "type") < 0 ||
		    rd_string(r, c, "type", &type) < 0 ||
		    rd_u32(r, c, "fileMode", &d->file_mode, &d->has_file_mode) < 0 ||
		    rd_u32(r, c, "uid", &d->uid, &d->has_uid) < 0 ||
		    rd_u32(r, c, "gid", &d->gid, &d->has_gid) < 0)
			return -1;
		if (d->path[0] != '/') {
			rd_push_key(r, "path");
			return rd_error(r, "\"%.64s\" is not an absolute path", d->path);
		}
		if (strlen(type) != 1 || !strchr("cbup", type[0])) {
			rd_push_key(r, "type");
			return rd_error(r, "unknown device type \"%.16s\" (expected c, b, u or p)",
					type);
		}
		d->type = type[0];
		if (read_node_number(r, c, "major", WARD_DEVICE_MAJOR_MAX, &has_major, &d->major) <
			    0 ||
		    read_node_number(r, c, "minor", WARD_DEVICE_MINOR_MAX, &has_minor, &d->minor) <
			    0)
			return -1;
		if (d->type != 'p' && (!has_major || !has_minor))
			return rd_error(r, "major and minor are required for a %s device",
					d->type == 'b' ? "block" : "character");
		if (d->has_file_mode && check_file_mode(r, d) < 0)
			return -1;
		rd_pop(r, saved);
	}
	return 0;
}

static int read_paths(struct reader *r, const struct json_node *obj, const char *key, char ***out,
		      bool *present)
{
	const struct json_node *arr;
	if (rd_array(r, obj, key, &arr) < 0 || rd_strv(r, obj, key, out) < 0)
		return -1;
	*present = arr != NULL;
	for (size_t i = 0; *out && (*out)[i]; i++) {
		if ((*out)[i][0] != '/') {
			rd_push_key(r, key);
			rd_push_index(r, i);
			return rd_error(r, "\"%.64s\" is not an absolute path", (*out)[i]);
		}
	}
	return 0;
}

static int read_time_offset(struct reader *r, const struct json_node *n, struct ward_time_offset *t)
{
	if (rd_node_object(r, n) < 0 || rd_i64(r, n, "secs", &t->secs, NULL) < 0 ||
	    rd_u32(r, n, "nanosecs", &t->nanosecs, NULL) < 0)
		return -1;
	if (t->nanosecs >= 1000000000u)
		return rd_error(r, "nanosecs must be below 1000000000");
	t->present = true;
	return 0;
}

static int read_time_offsets(struct reader *r, const struct json_node *n, struct ward_linux *lx)
{
	cleanup_free const struct json_node **members = NULL;
	size_t n_members;

	members = rd_members(r, n, &n_members);
	if (!members)
		return -1;
	for (const struct json_node **m = members; *m; m++) {
		const struct json_node *c = *m;
		size_t saved = rd_push_key(r, c->key);
		if (strcmp(c->key, "monotonic") == 0) {
			if (read_time_offset(r, c, &lx->time_monotonic) < 0)
				return -1;
		} else if (strcmp(c->key, "boottime") == 0) {
			if (read_time_offset(r, c, &lx->time_boottime) < 0)
				return -1;
		} else {
			return rd_error(r, "unknown clock (a time namespace offsets monotonic and "
					   "boottime)");
		}
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

static int read_net_devices(struct reader *r, const struct json_node *n, struct ward_linux *lx)
{
	cleanup_free const struct json_node **members = NULL;
	size_t i = 0, n_members;

	members = rd_members(r, n, &n_members);
	if (!members)
		return -1;
	lx->net_devices = rd_calloc(r, n_members, sizeof *lx->net_devices);
	if (!lx->net_devices)
		return -1;
	for (const struct json_node **m = members; *m; m++) {
		const struct json_node *c = *m;
		size_t saved = rd_push_key(r, c->key);
		struct ward_kv *kv = &lx->net_devices[i];
		if (memchr(c->key, '\0', c->key_len) || !valid_ifname(c->key))
			return rd_error(r, "not a valid network interface name");
		lx->n_net_devices = ++i;
		kv->key = strdup(c->key);
		if (!kv->key)
			return rd_nomem(r);
		if (rd_node_object(r, c) < 0 || rd_string(r, c, "name", &kv->value) < 0)
			return -1;
		if (kv->value && !valid_ifname(kv->value)) {
			rd_push_key(r, "name");
			return rd_error(r, "\"%.64s\" is not a valid network interface name",
					kv->value);
		}
		rd_pop(r, saved);
	}
	return 0;
}

static const char *const propagations[] = {"private", "rprivate", "slave",	"rslave",
					   "shared",  "rshared",  "unbindable", "runbindable"};

int spec_read_linux(struct reader *r, const struct json_node *n, struct ward_linux *lx)
{
	const struct json_node *ns, *devices, *res, *seccomp, *pers, *tofs, *netdevs, *rdt, *mpol;

	if (rd_node_object(r, n) < 0 || rd_array(r, n, "namespaces", &ns) < 0 ||
	    spec_read_id_mappings(r, n, "uidMappings", &lx->uid_mappings, &lx->n_uid_mappings) <
		    0 ||
	    spec_read_id_mappings(r, n, "gidMappings", &lx->gid_mappings, &lx->n_gid_mappings) <
		    0 ||
	    rd_array(r, n, "devices", &devices) < 0 ||
	    rd_string(r, n, "cgroupsPath", &lx->cgroups_path) < 0 ||
	    rd_object(r, n, "resources", &res) < 0 ||
	    rd_string(r, n, "rootfsPropagation", &lx->rootfs_propagation) < 0 ||
	    rd_object(r, n, "seccomp", &seccomp) < 0 ||
	    rd_string_map(r, n, "sysctl", &lx->sysctl, &lx->n_sysctl) < 0 ||
	    read_paths(r, n, "maskedPaths", &lx->masked_paths, &lx->has_masked_paths) < 0 ||
	    read_paths(r, n, "readonlyPaths", &lx->readonly_paths, &lx->has_readonly_paths) < 0 ||
	    rd_string(r, n, "mountLabel", &lx->mount_label) < 0 ||
	    rd_object(r, n, "personality", &pers) < 0 ||
	    rd_object(r, n, "timeOffsets", &tofs) < 0 ||
	    rd_object(r, n, "netDevices", &netdevs) < 0 || rd_object(r, n, "intelRdt", &rdt) < 0 ||
	    rd_object(r, n, "memoryPolicy", &mpol) < 0)
		return -1;

	if (ns) {
		size_t saved = rd_push_key(r, "namespaces");
		if (read_namespaces(r, ns, lx) < 0)
			return -1;
		rd_pop(r, saved);
	}
	if (devices) {
		size_t saved = rd_push_key(r, "devices");
		if (read_devices(r, devices, lx) < 0)
			return -1;
		rd_pop(r, saved);
	}
	if (res) {
		size_t saved = rd_push_key(r, "resources");
		if (spec_read_resources(r, res, &lx->resources) < 0)
			return -1;
		lx->has_resources = true;
		rd_pop(r, saved);
	}
	if (lx->rootfs_propagation) {
		bool ok = false;
		for (size_t i = 0; i < ARRAY_SIZE(propagations); i++)
			ok |= strcmp(lx->rootfs_propagation, propagations[i]) == 0;
		if (!ok) {
			rd_push_key(r, "rootfsPropagation");
			return rd_error(r,
					"unknown propagation \"%.64s\" (expected private, "
					"rprivate, slave, rslave, shared, rshared, unbindable "
					"or runbindable)",
					lx->rootfs_propagation);
		}
	}
	if (seccomp) {
		size_t saved = rd_push_key(r, "seccomp");
		lx->seccomp = rd_calloc(r, 1, sizeof *lx->seccomp);
		if (!lx->seccomp || spec_read_seccomp(r, seccomp, lx->seccomp) < 0)
			return -1;
		rd_pop(r, saved);
	}
	for (size_t i = 0; i < lx->n_sysctl; i++) {
		if (!lx->sysctl[i].key[0] || strstr(lx->sysctl[i].key, "..") ||
		    lx->sysctl[i].key[0] == '/' || lx->sysctl[i].key[0] == '.') {
			rd_push_key(r, "sysctl");
			rd_push_key(r, lx->sysctl[i].key);
			return rd_error(
				r, "not a sysctl name (names look like \"net.ipv4.ip_forward\")");
		}
	}
	if (pers) {
		size_t saved = rd_push_key(r, "personality");
		if (rd_require(r, pers, "domain") < 0 ||
		    rd_string(r, pers, "domain", &lx->personality_domain) < 0 ||
		    rd_strv(r, pers, "flags", &lx->personality_flags) < 0)
			return -1;
		if (strcmp(lx->personality_domain, "LINUX") != 0 &&
		    strcmp(lx->personality_domain, "LINUX32") != 0) {
			rd_push_key(r, "domain");
			return rd_error(r, "unknown domain \"%.64s\" (expected LINUX or LINUX32)",
					lx->personality_domain);
		}
		/* Applying a flag ward does not know (ADDR_NO_RANDOMIZE, ...) would weaken the
		 * process silently; ignoring it would not be what was asked. */
		if (lx->personality_flags && lx->personality_flags[0]) {
			rd_push_key(r, "flags");
			return rd_error(r,
					"\"%.64s\": the runtime spec defines no personality flags "
					"(remove \"flags\")",
					lx->personality_flags[0]);
		}
		lx->has_personality = true;
		rd_pop(r, saved);
	}
	if (tofs) {
		size_t saved = rd_push_key(r, "timeOffsets");
		if (read_time_offsets(r, tofs, lx) < 0)
			return -1;
		rd_pop(r, saved);
	}
	if (netdevs) {
		size_t saved = rd_push_key(r, "netDevices");
		if (read_net_devices(r, netdevs, lx) < 0)
			return -1;
		rd_pop(r, saved);
	}
	if (rdt) {
		size_t saved = rd_push_key(r, "intelRdt");
		if (rd_string(r, rdt, "closID", &lx->intel_rdt_clos_id) < 0)
			return -1;
		lx->has_intel_rdt = true;
		rd_pop(r, saved);
	}
	if (mpol) {
		size_t saved = rd_push_key(r, "memoryPolicy");
		if (spec_read_memory_policy(r, mpol, lx) < 0)
			return -1;
		rd_pop(r, saved);
	}
	return 0;
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
