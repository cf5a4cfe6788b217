/* linux.resources: cgroup limits (also the input of `update --resources`). */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "ward/cleanup.h"
#include "reader.h"

/* A rule's major or minor: absent or -1 is the wildcard ("any"); anything else must be a number
 * the kernel can have, refused rather than truncated (a major of 4294967297 is not 1). */
static int read_rule_number(struct reader *r, const struct json_node *n, void *base,
			    const struct rd_field *f)
{
	struct ward_device_rule *d = base;
	bool minor = f->arg;
	uint32_t max = minor ? WARD_DEVICE_MINOR_MAX : WARD_DEVICE_MAJOR_MAX;
	int64_t v;

	if (rd_node_i64(r, n, &v) < 0)
		return -1;
	if (v == -1)
		return 0;
	if (v < 0 || v > (int64_t)max)
		return rd_error(r, "%lld is not a device %s number (0 to %u, or -1 for any)",
				(long long)v, f->name, max);
	*(minor ? &d->has_minor : &d->has_major) = true;
	*(minor ? &d->minor : &d->major) = (uint32_t)v;
	return 0;
}

static int read_rule_type(struct reader *r, const struct json_node *n, void *base,
			  const struct rd_field *f)
{
	cleanup_free char *type = NULL;

	(void)f;
	if (rd_node_string(r, n, &type) < 0)
		return -1;
	if (strlen(type) != 1 || !strchr("acb", type[0]))
		return rd_error(r, "\"%.16s\" is not a device rule type (a, c or b)", type);
	((struct ward_device_rule *)base)->type = type[0];
	return 0;
}

static int read_rule_access(struct reader *r, const struct json_node *n, void *base,
			    const struct rd_field *f)
{
	unsigned *out = &((struct ward_device_rule *)base)->access;
	cleanup_free char *access = NULL;

	(void)f;
	if (rd_node_string(r, n, &access) < 0)
		return -1;
	*out = 0;
	for (const char *a = access; *a; a++) {
		if (*a == 'r')
			*out |= WARD_DEVICE_READ;
		else if (*a == 'w')
			*out |= WARD_DEVICE_WRITE;
		else if (*a == 'm')
			*out |= WARD_DEVICE_MKNOD;
		else
			return rd_error(r, "\"%.16s\" is not a combination of r, w and m", access);
	}
	return 0;
}

/* What an absent member means: any type, and (as for "") all three kinds of access. */
static int rule_defaults(struct reader *r, void *base)
{
	struct ward_device_rule *d = base;

	(void)r;
	if (!d->type)
		d->type = 'a';
	if (!d->access)
		d->access = WARD_DEVICE_RWM;
	return 0;
}

static const struct rd_field device_rule_fields[] = {
	{"allow", RD_BOOL, .flags = RD_REQUIRED, .at = offsetof(struct ward_device_rule, allow)},
	{"type", RD_VALUE, .read = read_rule_type},
	{"major", RD_VALUE, .read = read_rule_number},
	{"minor", RD_VALUE, .arg = 1, .read = read_rule_number},
	{"access", RD_VALUE, .read = read_rule_access},
};
static const struct rd_object device_rule_object = RD_TABLE(device_rule_fields, rule_defaults);

static int read_device_rules(struct reader *r, const struct json_node *arr, void *base,
			     const struct rd_field *f)
{
	struct ward_resources *res = base;

	(void)f;
	return rd_walk_array(r, arr, &device_rule_object, sizeof *res->devices, &res->devices,
			     &res->n_devices);
}

static int check_memory(struct reader *r, void *base)
{
	const struct ward_resources *res = base;

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

#define OF(member) offsetof(struct ward_resources, member)
#define VALUE(name, type, member)                                                                  \
	{                                                                                          \
		name, type, .at = OF(member), RD_HAS(OF(has_##member))                             \
	}
static const struct rd_field memory_fields[] = {
	VALUE("limit", RD_I64, memory_limit),
	VALUE("reservation", RD_I64, memory_reservation),
	VALUE("swap", RD_I64, memory_swap),
	VALUE("kernel", RD_I64, memory_kernel),
	VALUE("kernelTCP", RD_I64, memory_kernel_tcp),
	VALUE("swappiness", RD_U64, memory_swappiness),
	VALUE("disableOOMKiller", RD_BOOL, disable_oom_killer),
	VALUE("useHierarchy", RD_BOOL, use_hierarchy),
	VALUE("checkBeforeUpdate", RD_BOOL, check_before_update),
};
static const struct rd_object memory_object = RD_TABLE(memory_fields, check_memory);

static int check_pids(struct reader *r, void *base)
{
	const struct ward_resources *res = base;

	if (res->has_pids_limit && res->pids_limit < -1)
		return rd_error(r, "limit must be -1 (unlimited) or a number of processes");
	return 0;
}

static const struct rd_field pids_fields[] = {
	VALUE("limit", RD_I64, pids_limit),
};
static const struct rd_object pids_object = RD_TABLE(pids_fields, check_pids);

static int check_cpu(struct reader *r, void *base)
{
	const struct ward_resources *res = base;

	if (res->has_cpu_idle && res->cpu_idle != 0 && res->cpu_idle != 1)
		return rd_error(r, "idle must be 0 or 1");
	return 0;
}

static const struct rd_field cpu_fields[] = {
	VALUE("shares", RD_U64, cpu_shares),
	VALUE("quota", RD_I64, cpu_quota),
	VALUE("burst", RD_U64, cpu_burst),
	VALUE("period", RD_U64, cpu_period),
	VALUE("realtimeRuntime", RD_I64, cpu_rt_runtime),
	VALUE("realtimePeriod", RD_U64, cpu_rt_period),
	{"cpus", RD_VALUE, .at = OF(cpu_cpus), .read = spec_read_cpu_list},
	{"mems", RD_VALUE, .at = OF(cpu_mems), .arg = SPEC_NODE_LIST, .read = spec_read_cpu_list},
	VALUE("idle", RD_I64, cpu_idle),
};
static const struct rd_object cpu_object = RD_TABLE(cpu_fields, check_cpu);
#undef OF

#define OF(member) offsetof(struct ward_weight_device, member)
static const struct rd_field weight_device_fields[] = {
	{"major", RD_I64, .flags = RD_REQUIRED, .at = OF(major)},
	{"minor", RD_I64, .flags = RD_REQUIRED, .at = OF(minor)},
	VALUE("weight", RD_U16, weight),
	VALUE("leafWeight", RD_U16, leaf_weight),
};
#undef OF
static const struct rd_object weight_device_object = RD_TABLE(weight_device_fields, NULL);

static int read_weight_devices(struct reader *r, const struct json_node *arr, void *base,
			       const struct rd_field *f)
{
	struct ward_resources *res = base;

	(void)f;
	return rd_walk_array(r, arr, &weight_device_object, sizeof *res->blkio_weight_devices,
			     &res->blkio_weight_devices, &res->n_blkio_weight_devices);
}

#define OF(member) offsetof(struct ward_throttle_device, member)
static const struct rd_field throttle_fields[] = {
	{"major", RD_I64, .flags = RD_REQUIRED, .at = OF(major)},
	{"minor", RD_I64, .flags = RD_REQUIRED, .at = OF(minor)},
	{"rate", RD_U64, .flags = RD_REQUIRED, .at = OF(rate)},
};
#undef OF
static const struct rd_object throttle_object = RD_TABLE(throttle_fields, NULL);

static int read_throttle(struct reader *r, const struct json_node *arr, void *base,
			 const struct rd_field *f)
{
	struct ward_resources *res = base;

	return rd_walk_array(r, arr, &throttle_object, sizeof(struct ward_throttle_device),
			     &res->throttle[f->arg], &res->n_throttle[f->arg]);
}

/* 0 is what engines send for "not set" (Docker does). */
static int check_blkio(struct reader *r, void *base)
{
	const struct ward_resources *res = base;

	if (res->has_blkio_weight && res->blkio_weight &&
	    (res->blkio_weight < 10 || res->blkio_weight > 1000))
		return rd_error(r, "weight %u is out of range (10 to 1000, or 0 for the default)",
				res->blkio_weight);
	return 0;
}

#define OF(member) offsetof(struct ward_resources, member)
static const struct rd_field blkio_fields[] = {
	VALUE("weight", RD_U16, blkio_weight),
	VALUE("leafWeight", RD_U16, blkio_leaf_weight),
	{"weightDevice", RD_ARRAY, .read = read_weight_devices},
	{"throttleReadBpsDevice", RD_ARRAY, .arg = 0, .read = read_throttle},
	{"throttleWriteBpsDevice", RD_ARRAY, .arg = 1, .read = read_throttle},
	{"throttleReadIOPSDevice", RD_ARRAY, .arg = 2, .read = read_throttle},
	{"throttleWriteIOPSDevice", RD_ARRAY, .arg = 3, .read = read_throttle},
};
#undef OF
static const struct rd_object blkio_object = RD_TABLE(blkio_fields, check_blkio);

/* The page size becomes part of a cgroup file name: "2MB", "1GB". */
static int check_page_size(struct reader *r, void *base, const struct rd_field *f)
{
	const char *size = ((struct ward_hugepage_limit *)base)->page_size;
	size_t len = strlen(size);
	bool ok = len >= 3 && len <= 8;

	(void)f;
	for (size_t j = 0; ok && j < len - 2; j++)
		ok = size[j] >= '0' && size[j] <= '9';
	ok = ok && strchr("KMG", size[len - 2]) && size[len - 1] == 'B';
	if (!ok)
		return rd_error(r, "\"%.16s\" is not a huge page size (e.g. \"2MB\", \"1GB\")",
				size);
	return 0;
}

static const struct rd_field hugepage_fields[] = {
	{"pageSize", RD_STRING, .flags = RD_REQUIRED,
	 .at = offsetof(struct ward_hugepage_limit, page_size), .check = check_page_size},
	{"limit", RD_U64, .flags = RD_REQUIRED, .at = offsetof(struct ward_hugepage_limit, limit)},
};
static const struct rd_object hugepage_object = RD_TABLE(hugepage_fields, NULL);

static int read_hugepages(struct reader *r, const struct json_node *arr, void *base,
			  const struct rd_field *f)
{
	struct ward_resources *res = base;

	(void)f;
	return rd_walk_array(r, arr, &hugepage_object, sizeof *res->hugepage_limits,
			     &res->hugepage_limits, &res->n_hugepage_limits);
}

static const struct rd_field net_priority_fields[] = {
	{"name", RD_STRING, .flags = RD_REQUIRED, .at = offsetof(struct ward_net_priority, name)},
	{"priority", RD_U32, .flags = RD_REQUIRED,
	 .at = offsetof(struct ward_net_priority, priority)},
};
static const struct rd_object net_priority_object = RD_TABLE(net_priority_fields, NULL);

static int read_net_priorities(struct reader *r, const struct json_node *arr, void *base,
			       const struct rd_field *f)
{
	struct ward_resources *res = base;

	(void)f;
	return rd_walk_array(r, arr, &net_priority_object, sizeof *res->net_priorities,
			     &res->net_priorities, &res->n_net_priorities);
}

#define OF(member) offsetof(struct ward_resources, member)
static const struct rd_field network_fields[] = {
	VALUE("classID", RD_U32, net_class_id),
	{"priorities", RD_ARRAY, .read = read_net_priorities},
};
#undef OF
static const struct rd_object network_object = RD_TABLE(network_fields, NULL);

#define OF(member) offsetof(struct ward_rdma_limit, member)
static const struct rd_field rdma_limit_fields[] = {
	VALUE("hcaHandles", RD_U32, hca_handles),
	VALUE("hcaObjects", RD_U32, hca_objects),
};
#undef OF
#undef VALUE
static const struct rd_object rdma_limit_object = RD_TABLE(rdma_limit_fields, NULL);

static bool valid_rdma_device(const char *name)
{
	return *name && !strpbrk(name, " \n/");
}

static const struct rd_map rdma_map = {
	.object = &rdma_limit_object,
	.size = sizeof(struct ward_rdma_limit),
	.key_at = offsetof(struct ward_rdma_limit, device),
	.valid_key = valid_rdma_device,
	.bad_key = "not an RDMA device name",
};

static int read_rdma(struct reader *r, const struct json_node *n, void *base,
		     const struct rd_field *f)
{
	struct ward_resources *res = base;

	(void)f;
	return rd_walk_map(r, n, &rdma_map, &res->rdma, &res->n_rdma);
}

/* unified keys name files in the container's own cgroup directory: never a path. */
static int check_unified(struct reader *r, void *base, const struct rd_field *f)
{
	const struct ward_resources *res = base;

	(void)f;
	for (size_t i = 0; i < res->n_unified; i++) {
		const char *k = res->unified[i].key;
		const char *dot = strchr(k, '.');
		if (!dot || dot == k || !dot[1] || strchr(k, '/') || k[0] == '.' ||
		    strncmp(k, "cgroup.", 7) == 0) {
			rd_push_key(r, k);
			return rd_error(r, "not a controller file name (expected \"<controller>."
					   "<file>\" such as \"memory.high\"; cgroup.* files are "
					   "managed by ward)");
		}
	}
	return 0;
}

#define OF(member) offsetof(struct ward_resources, member)
static const struct rd_field resources_fields[] = {
	{"devices", RD_ARRAY, .read = read_device_rules},
	{"memory", RD_OBJECT, .object = &memory_object},
	{"cpu", RD_OBJECT, .object = &cpu_object},
	{"pids", RD_OBJECT, .object = &pids_object},
	{"blockIO", RD_OBJECT, .object = &blkio_object},
	{"hugepageLimits", RD_ARRAY, .read = read_hugepages},
	{"network", RD_OBJECT, .object = &network_object},
	{"rdma", RD_OBJECT, .read = read_rdma},
	{"unified", RD_STRING_MAP, .at = OF(unified), .count = OF(n_unified),
	 .check = check_unified},
};
#undef OF
static const struct rd_object resources_object = RD_TABLE(resources_fields, NULL);

int spec_read_resources(struct reader *r, const struct json_node *n, struct ward_resources *res)
{
	return rd_walk(r, n, &resources_object, res);
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
