/* Where a process runs and where its memory comes from: process.execCPUAffinity,
 * linux.memoryPolicy and the cpu/node lists of linux.resources.cpu, validated as the kernel
 * will read them. */
#include <linux/mempolicy.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "ward/cleanup.h"
#include "ward/cpulist.h"
#include "ward/util.h"
#include "reader.h"

const char *const spec_memory_policy_modes[] = {
	"MPOL_DEFAULT",
	"MPOL_PREFERRED",
	"MPOL_BIND",
	"MPOL_INTERLEAVE",
	"MPOL_LOCAL",
	"MPOL_PREFERRED_MANY",
	"MPOL_WEIGHTED_INTERLEAVE",
	NULL,
};
/* In the kernel's numbering: MPOL_DEFAULT is 0, ..., MPOL_WEIGHTED_INTERLEAVE is 6. */
_Static_assert(MPOL_DEFAULT == 0 && MPOL_PREFERRED == 1 && MPOL_BIND == 2 && MPOL_INTERLEAVE == 3 &&
		       MPOL_LOCAL == 4,
	       "the kernel's MPOL_* numbering");

const char *const spec_memory_policy_flags[] = {
	"MPOL_F_NUMA_BALANCING",
	"MPOL_F_RELATIVE_NODES",
	"MPOL_F_STATIC_NODES",
	NULL,
};
static const unsigned flag_values[] = {1u << 13, 1u << 14, 1u << 15};
_Static_assert(MPOL_F_STATIC_NODES == (1 << 15) && MPOL_F_RELATIVE_NODES == (1 << 14),
	       "the kernel's MPOL_F_* values");

/* How many CPUs (or nodes) a list names; the list was validated when read. */
static size_t list_count(const char *list)
{
	struct cpulist l;
	const char *why;
	size_t count = 0;

	if (list && cpulist_parse(list, &l, &why) == 0) {
		count = l.count;
		cpulist_free(&l);
	}
	return count;
}

int spec_read_cpu_list(struct reader *r, const struct json_node *n, void *base,
		       const struct rd_field *f)
{
	char **out = rd_at(base, f->at);
	struct cpulist l;
	const char *why;

	if (rd_node_string(r, n, out) < 0)
		return -1;
	if (cpulist_parse(*out, &l, &why) < 0) {
		if (!why)
			return rd_nomem(r);
		return rd_error(r, "\"%.64s\" is not a %s list: %s", *out,
				f->arg == SPEC_NODE_LIST ? "memory node" : "CPU", why);
	}
	cpulist_free(&l);
	return 0;
}

/* runc: an empty list is the same as none. */
static int drop_empty_lists(struct reader *r, void *base)
{
	struct ward_process *p = base;

	(void)r;
	if (p->exec_cpu_initial && !*p->exec_cpu_initial) {
		free(p->exec_cpu_initial);
		p->exec_cpu_initial = NULL;
	}
	if (p->exec_cpu_final && !*p->exec_cpu_final) {
		free(p->exec_cpu_final);
		p->exec_cpu_final = NULL;
	}
	return 0;
}

static const struct rd_field exec_cpu_affinity_fields[] = {
	{"initial", RD_VALUE, .at = offsetof(struct ward_process, exec_cpu_initial),
	 .read = spec_read_cpu_list},
	{"final", RD_VALUE, .at = offsetof(struct ward_process, exec_cpu_final),
	 .read = spec_read_cpu_list},
};
const struct rd_object spec_exec_cpu_affinity_object =
	RD_TABLE(exec_cpu_affinity_fields, drop_empty_lists);

static int check_mode(struct reader *r, void *base, const struct rd_field *f)
{
	struct ward_linux *lx = base;

	(void)f;
	lx->memory_policy_mode_value = -1;
	for (int i = 0; spec_memory_policy_modes[i]; i++)
		if (strcmp(lx->memory_policy_mode, spec_memory_policy_modes[i]) == 0)
			lx->memory_policy_mode_value = i;
	if (lx->memory_policy_mode_value < 0)
		return rd_error(r,
				"unknown mode \"%.64s\" (expected MPOL_DEFAULT, MPOL_BIND, "
				"MPOL_INTERLEAVE, MPOL_WEIGHTED_INTERLEAVE, MPOL_PREFERRED, "
				"MPOL_PREFERRED_MANY or MPOL_LOCAL)",
				lx->memory_policy_mode);
	return 0;
}

/* What set_mempolicy(2) demands of the node list, said before the container exists. */
static int check_nodes(const struct ward_linux *lx, struct reader *r)
{
	int mode = lx->memory_policy_mode_value;
	size_t nodes = list_count(lx->memory_policy_nodes);

	if ((mode == MPOL_DEFAULT || mode == MPOL_LOCAL) && nodes)
		return rd_error(r, "%s takes no nodes (remove \"nodes\")", lx->memory_policy_mode);
	if (mode != MPOL_DEFAULT && mode != MPOL_LOCAL && mode != MPOL_PREFERRED && !nodes)
		return rd_error(r, "%s needs at least one node (e.g. \"0\")",
				lx->memory_policy_mode);
	return 0;
}

static int read_policy_flags(struct reader *r, const struct json_node *n, void *base,
			     const struct rd_field *f)
{
	struct ward_linux *lx = base;
	cleanup_strv char **flags = NULL;

	(void)f;
	if (rd_node_strv(r, n, &flags) < 0)
		return -1;
	for (size_t i = 0; flags[i]; i++) {
		size_t k;
		for (k = 0; spec_memory_policy_flags[k]; k++)
			if (strcmp(flags[i], spec_memory_policy_flags[k]) == 0)
				break;
		if (!spec_memory_policy_flags[k]) {
			rd_push_index(r, i);
			return rd_error(r,
					"unknown flag \"%.64s\" (expected MPOL_F_NUMA_BALANCING, "
					"MPOL_F_RELATIVE_NODES or MPOL_F_STATIC_NODES)",
					flags[i]);
		}
		lx->memory_policy_flags |= flag_values[k];
	}
	if ((lx->memory_policy_flags & MPOL_F_STATIC_NODES) &&
	    (lx->memory_policy_flags & MPOL_F_RELATIVE_NODES))
		return rd_error(r, "MPOL_F_STATIC_NODES and MPOL_F_RELATIVE_NODES exclude each "
				   "other");
	return 0;
}

static int check_memory_policy(struct reader *r, void *base)
{
	struct ward_linux *lx = base;

	rd_push_key(r, "nodes");
	if (check_nodes(lx, r) < 0)
		return -1;
	lx->has_memory_policy = true;
	return 0;
}

#define OF(member) offsetof(struct ward_linux, member)
static const struct rd_field memory_policy_fields[] = {
	{"mode", RD_STRING, .flags = RD_REQUIRED, .at = OF(memory_policy_mode),
	 .check = check_mode},
	{"nodes", RD_VALUE, .at = OF(memory_policy_nodes), .arg = SPEC_NODE_LIST,
	 .read = spec_read_cpu_list},
	{"flags", RD_ARRAY, .read = read_policy_flags},
};
#undef OF
const struct rd_object spec_memory_policy_object =
	RD_TABLE(memory_policy_fields, check_memory_policy);
