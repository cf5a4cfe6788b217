/* linux.resources: cgroup limits (also the input of `update --resources`). */
#include <stdlib.h>
#include <string.h>

#include "ward/cleanup.h"
#include "reader.h"

/* A rule's major or minor: absent or -1 is the wildcard ("any"); anything else must be a number
 * the kernel can have, refused rather than truncated (a major of 4294967297 is not 1). */
static int read_rule_number(struct reader *r, const struct json_node *c, const char *key,
			    uint32_t max, bool *has, uint32_t *out)
{
	int64_t v = -1;
	bool present = false;

	if (rd_i64(r, c, key, &v, &present) < 0)
		return -1;
	*has = present && v != -1;
	if (!*has)
		return 0;
	if (v < 0 || v > (int64_t)max) {
		rd_push_key(r, key);
		return rd_error(r, "%lld is not a device %s number (0 to %u, or -1 for any)",
				(long long)v, key, max);
	}
	*out = (uint32_t)v;
	return 0;
}

static int read_rule_access(struct reader *r, const struct json_node *c, unsigned *out)
{
	cleanup_free char *access = NULL;

	if (rd_string(r, c, "access", &access) < 0)
		return -1;
	*out = WARD_DEVICE_RWM;
	if (!access || !*access)
		return 0;
	*out = 0;
	for (const char *a = access; *a; a++) {
		if (*a == 'r')
			*out |= WARD_DEVICE_READ;
		else if (*a == 'w')
			*out |= WARD_DEVICE_WRITE;
		else if (*a == 'm')
			*out |= WARD_DEVICE_MKNOD;
		else {
			rd_push_key(r, "access");
			return rd_error(r, "\"%.16s\" is not a combination of r, w and m", access);
		}
	}
	return 0;
}

static int read_device_rules(struct reader *r, const struct json_node *arr,
			     struct ward_resources *res)
{
	const struct json_node *c;
	size_t i = 0;

	res->devices = rd_calloc(r, arr->count, sizeof *res->devices);
	if (!res->devices)
		return -1;
	json_foreach(c, arr)
	{
		size_t saved = rd_push_index(r, i);
		struct ward_device_rule *d = &res->devices[i];
		cleanup_free char *type = NULL;
		res->n_devices = ++i;
		if (rd_node_object(r, c) < 0 || rd_require(r, c, "allow") < 0 ||
		    rd_bool(r, c, "allow", &d->allow, NULL) < 0 ||
		    rd_string(r, c, "type", &type) < 0 ||
		    read_rule_number(r, c, "major", WARD_DEVICE_MAJOR_MAX, &d->has_major,
				     &d->major) < 0 ||
		    read_rule_number(r, c, "minor", WARD_DEVICE_MINOR_MAX, &d->has_minor,
				     &d->minor) < 0 ||
		    read_rule_access(r, c, &d->access) < 0)
			return -1;
		d->type = 'a';
		if (type) {
			if (strlen(type) != 1 || !strchr("acb", type[0])) {
				rd_push_key(r, "type");
				return rd_error(
					r, "\"%.16s\" is not a device rule type (a, c or b)", type);
			}
			d->type = type[0];
		}
		rd_pop(r, saved);
	}
	return 0;
}

static int read_memory(struct reader *r, const struct json_node *m, struct ward_resources *res)
{
	if (rd_i64(r, m, "limit", &res->memory_limit, &res->has_memory_limit) < 0 ||
	    rd_i64(r, m, "reservation", &res->memory_reservation, &res->has_memory_reservation) <
		    0 ||
	    rd_i64(r, m, "swap", &res->memory_swap, &res->has_memory_swap) < 0 ||
	    rd_i64(r, m, "kernel", &res->memory_kernel, &res->has_memory_kernel) < 0 ||
	    rd_i64(r, m, "kernelTCP", &res->memory_kernel_tcp, &res->has_memory_kernel_tcp) < 0 ||
	    rd_u64(r, m, "swappiness", &res->memory_swappiness, &res->has_memory_swappiness) < 0 ||
	    rd_bool(r, m, "disableOOMKiller", &res->disable_oom_killer,
		    &res->has_disable_oom_killer) < 0 ||
	    rd_bool(r, m, "useHierarchy", &res->use_hierarchy, &res->has_use_hierarchy) < 0 ||
	    rd_bool(r, m, "checkBeforeUpdate", &res->check_before_update,
		    &res->has_check_before_update) < 0)
		return -1;
	if (res->has_memory_limit && res->memory_limit < -1)
		return rd_error(r, "limit must be -1 (unlimited) or a number of bytes");
	if (res->has_memory_swap && res->memory_swap < -1)
		return rd_error(r, "swap must be -1 (unlimited) or a number of bytes");
	if (res->has_memory_reservation && res->memory_reservation < -1)
		return rd_error(r, "reservation must be -1 (unlimited) or a number of bytes");
	if (res->has_memory_swappiness && res->memory_swappiness > 100)
		return rd_error(r, "swappiness must be between 0 and 100");
	return 0;
}

static int read_pids(struct reader *r, const struct json_node *p, struct ward_resources *res)
{
	if (rd_i64(r, p, "limit", &res->pids_limit, &res->has_pids_limit) < 0)
		return -1;
	if (res->has_pids_limit && res->pids_limit < -1)
		return rd_error(r, "limit must be -1 (unlimited) or a number of processes");
	return 0;
}

static int read_cpu(struct reader *r, const struct json_node *c, struct ward_resources *res)
{
	if (rd_u64(r, c, "shares", &res->cpu_shares, &res->has_cpu_shares) < 0 ||
	    rd_i64(r, c, "quota", &res->cpu_quota, &res->has_cpu_quota) < 0 ||
	    rd_u64(r, c, "burst", &res->cpu_burst, &res->has_cpu_burst) < 0 ||
	    rd_u64(r, c, "period", &res->cpu_period, &res->has_cpu_period) < 0 ||
	    rd_i64(r, c, "realtimeRuntime", &res->cpu_rt_runtime, &res->has_cpu_rt_runtime) < 0 ||
	    rd_u64(r, c, "realtimePeriod", &res->cpu_rt_period, &res->has_cpu_rt_period) < 0 ||
	    spec_read_cpu_list(r, c, "cpus", "CPU", &res->cpu_cpus, NULL) < 0 ||
	    spec_read_cpu_list(r, c, "mems", "memory node", &res->cpu_mems, NULL) < 0 ||
	    rd_i64(r, c, "idle", &res->cpu_idle, &res->has_cpu_idle) < 0)
		return -1;
	if (res->has_cpu_idle && res->cpu_idle != 0 && res->cpu_idle != 1)
		return rd_error(r, "idle must be 0 or 1");
	return 0;
}

static int read_weight_devices(struct reader *r, const struct json_node *arr,
			       struct ward_resources *res)
{
	const struct json_node *c;
	size_t i = 0;

	res->blkio_weight_devices = rd_calloc(r, arr->count, sizeof *res->blkio_weight_devices);
	if (!res->blkio_weight_devices)
		return -1;
	json_foreach(c, arr)
	{
		size_t saved = rd_push_index(r, i);
		struct ward_weight_device *d = &res->blkio_weight_devices[i];
		res->n_blkio_weight_devices = ++i;
		if (rd_node_object(r, c) < 0 || rd_require(r, c, "major") < 0 ||
		    rd_require(r, c, "minor") < 0 || rd_i64(r, c, "major", &d->major, NULL) < 0 ||
		    rd_i64(r, c, "minor", &d->minor, NULL) < 0 ||
		    rd_u16(r, c, "weight", &d->weight, &d->has_weight) < 0 ||
		    rd_u16(r, c, "leafWeight", &d->leaf_weight, &d->has_leaf_weight) < 0)
			return -1;
		rd_pop(r, saved);
	}
	return 0;
}

static int read_throttle(struct reader *r, const struct json_node *arr,
			 struct ward_throttle_device **out, size_t *n)
{
	const struct json_node *c;
	size_t i = 0;

	*out = rd_calloc(r, arr->count, sizeof **out);
	if (!*out)
		return -1;
	json_foreach(c, arr)
	{
		size_t saved = rd_push_index(r, i);
		struct ward_throttle_device *d = &(*out)[i];
		*n = ++i;
		if (rd_node_object(r, c) < 0 || rd_require(r, c, "major") < 0 ||
		    rd_require(r, c, "minor") < 0 || rd_require(r, c, "rate") < 0 ||
		    rd_i64(r, c, "major", &d->major, NULL) < 0 ||
		    rd_i64(r, c, "minor", &d->minor, NULL) < 0 ||
		    rd_u64(r, c, "rate", &d->rate, NULL) < 0)
			return -1;
		rd_pop(r, saved);
	}
	return 0;
}

static const char *const throttle_keys[4] = {
	"throttleReadBpsDevice",
	"throttleWriteBpsDevice",
	"throttleReadIOPSDevice",
	"throttleWriteIOPSDevice",
};

static int read_blkio(struct reader *r, const struct json_node *b, struct ward_resources *res)
{
	const struct json_node *wd;

	if (rd_u16(r, b, "weight", &res->blkio_weight, &res->has_blkio_weight) < 0 ||
	    rd_u16(r, b, "leafWeight", &res->blkio_leaf_weight, &res->has_blkio_leaf_weight) < 0 ||
	    rd_array(r, b, "weightDevice", &wd) < 0)
		return -1;
	/* 0 is what engines send for "not set" (Docker does). */
	if (res->has_blkio_weight && res->blkio_weight &&
	    (res->blkio_weight < 10 || res->blkio_weight > 1000))
		return rd_error(r, "weight %u is out of range (10 to 1000, or 0 for the default)",
				res->blkio_weight);
	if (wd) {
		size_t saved = rd_push_key(r, "weightDevice");
		if (read_weight_devices(r, wd, res) < 0)
			return -1;
		rd_pop(r, saved);
	}
	for (int k = 0; k < 4; k++) {
		const struct json_node *arr;
		if (rd_array(r, b, throttle_keys[k], &arr) < 0)
			return -1;
		if (!arr)
			continue;
		size_t saved = rd_push_key(r, throttle_keys[k]);
		if (read_throttle(r, arr, &res->throttle[k], &res->n_throttle[k]) < 0)
			return -1;
		rd_pop(r, saved);
	}
	return 0;
}

static int read_hugepages(struct reader *r, const struct json_node *arr, struct ward_resources *res)
{
	const struct json_node *c;
	size_t i = 0;

	res->hugepage_limits = rd_calloc(r, arr->count, sizeof *res->hugepage_limits);
	if (!res->hugepage_limits)
		return -1;
	json_foreach(c, arr)
	{
		size_t saved = rd_push_index(r, i);
		struct ward_hugepage_limit *h = &res->hugepage_limits[i];
		res->n_hugepage_limits = ++i;
		if (rd_node_object(r, c) < 0 || rd_require(r, c, "pageSize") < 0 ||
		    rd_string(r, c, "pageSize", &h->page_size) < 0 ||
		    rd_require(r, c, "limit") < 0 || rd_u64(r, c, "limit", &h->limit, NULL) < 0)
			return -1;
		/* The page size becomes part of a cgroup file name: "2MB", "1GB". */
		size_t len = strlen(h->page_size);
		bool ok = len >= 3 && len <= 8;
		for (size_t j = 0; ok && j < len - 2; j++)
			ok = h->page_size[j] >= '0' && h->page_size[j] <= '9';
		ok = ok && strchr("KMG", h->page_size[len - 2]) && h->page_size[len - 1] == 'B';
		if (!ok) {
			rd_push_key(r, "pageSize");
			return rd_error(r,
					"\"%.16s\" is not a huge page size (e.g. \"2MB\", \"1GB\")",
					h->page_size);
		}
		rd_pop(r, saved);
	}
	return 0;
}

static int read_network(struct reader *r, const struct json_node *n, struct ward_resources *res)
{
	const struct json_node *prios, *c;
	size_t i = 0;

	if (rd_u32(r, n, "classID", &res->net_class_id, &res->has_net_class_id) < 0 ||
	    rd_array(r, n, "priorities", &prios) < 0)
		return -1;
	if (!prios)
		return 0;
	size_t saved = rd_push_key(r, "priorities");
	res->net_priorities = rd_calloc(r, prios->count, sizeof *res->net_priorities);
	if (!res->net_priorities)
		return -1;
	json_foreach(c, prios)
	{
		size_t s2 = rd_push_index(r, i);
		struct ward_net_priority *p = &res->net_priorities[i];
		res->n_net_priorities = ++i;
		if (rd_node_object(r, c) < 0 || rd_require(r, c, "name") < 0 ||
		    rd_string(r, c, "name", &p->name) < 0 || rd_require(r, c, "priority") < 0 ||
		    rd_u32(r, c, "priority", &p->priority, NULL) < 0)
			return -1;
		rd_pop(r, s2);
	}
	rd_pop(r, saved);
	return 0;
}

static int read_rdma(struct reader *r, const struct json_node *n, struct ward_resources *res)
{
	cleanup_free const struct json_node **members = NULL;
	size_t i = 0, n_members;

	members = rd_members(r, n, &n_members);
	if (!members)
		return -1;
	res->rdma = rd_calloc(r, n_members, sizeof *res->rdma);
	if (!res->rdma)
		return -1;
	for (const struct json_node **m = members; *m; m++) {
		const struct json_node *c = *m;
		size_t saved = rd_push_key(r, c->key);
		struct ward_rdma_limit *l = &res->rdma[i];
		if (memchr(c->key, '\0', c->key_len) || !c->key_len || strpbrk(c->key, " \n/"))
			return rd_error(r, "not an RDMA device name");
		res->n_rdma = ++i;
		l->device = strdup(c->key);
		if (!l->device)
			return rd_nomem(r);
		if (rd_node_object(r, c) < 0 ||
		    rd_u32(r, c, "hcaHandles", &l->hca_handles, &l->has_hca_handles) < 0 ||
		    rd_u32(r, c, "hcaObjects", &l->hca_objects, &l->has_hca_objects) < 0)
			return -1;
		rd_pop(r, saved);
	}
	return 0;
}

/* unified keys name files in the container's own cgroup directory: never a path. */
static int check_unified(struct reader *r, struct ward_resources *res)
{
	for (size_t i = 0; i < res->n_unified; i++) {
		const char *k = res->unified[i].key;
		const char *dot = strchr(k, '.');
		if (!dot || dot == k || !dot[1] || strchr(k, '/') || k[0] == '.' ||
		    strncmp(k, "cgroup.", 7) == 0) {
			rd_push_key(r, "unified");
			rd_push_key(r, k);
			return rd_error(r, "not a controller file name (expected \"<controller>."
					   "<file>\" such as \"memory.high\"; cgroup.* files are "
					   "managed by ward)");
		}
	}
	return 0;
}

int spec_read_resources(struct reader *r, const struct json_node *n, struct ward_resources *res)
{
	const struct json_node *devices, *mem, *cpu, *pids, *blkio, *huge, *net, *rdma;

	if (rd_node_object(r, n) < 0 || rd_array(r, n, "devices", &devices) < 0 ||
	    rd_object(r, n, "memory", &mem) < 0 || rd_object(r, n, "cpu", &cpu) < 0 ||
	    rd_object(r, n, "pids", &pids) < 0 || rd_object(r, n, "blockIO", &blkio) < 0 ||
	    rd_array(r, n, "hugepageLimits", &huge) < 0 || rd_object(r, n, "network", &net) < 0 ||
	    rd_object(r, n, "rdma", &rdma) < 0 ||
	    rd_string_map(r, n, "unified", &res->unified, &res->n_unified) < 0)
		return -1;
#define SECTION(node, key, call)                                                                   \
	if (node) {                                                                                \
		size_t _saved = rd_push_key(r, key);                                               \
		if ((call) < 0)                                                                    \
			return -1;                                                                 \
		rd_pop(r, _saved);                                                                 \
	}
	SECTION(devices, "devices", read_device_rules(r, devices, res));
	SECTION(mem, "memory", read_memory(r, mem, res));
	SECTION(cpu, "cpu", read_cpu(r, cpu, res));
	SECTION(pids, "pids", read_pids(r, pids, res));
	SECTION(blkio, "blockIO", read_blkio(r, blkio, res));
	SECTION(huge, "hugepageLimits", read_hugepages(r, huge, res));
	SECTION(net, "network", read_network(r, net, res));
	SECTION(rdma, "rdma", read_rdma(r, rdma, res));
#undef SECTION
	return check_unified(r, res);
}

void spec_resources_clear(struct ward_resources *res)
{
	free(res->devices);
	free(res->cpu_cpus);
	free(res->cpu_mems);
	free(res->blkio_weight_devices);
	for (int k = 0; k < 4; k++)
		free(res->throttle[k]);
	for (size_t i = 0; i < res->n_hugepage_limits; i++)
		free(res->hugepage_limits[i].page_size);
	free(res->hugepage_limits);
	for (size_t i = 0; i < res->n_net_priorities; i++)
		free(res->net_priorities[i].name);
	free(res->net_priorities);
	for (size_t i = 0; i < res->n_rdma; i++)
		free(res->rdma[i].device);
	free(res->rdma);
	kv_free(res->unified, res->n_unified);
	memset(res, 0, sizeof *res);
}
