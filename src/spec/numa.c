/* Where a process runs and where its memory comes from: process.execCPUAffinity,
 * linux.memoryPolicy and the cpu/node lists of linux.resources.cpu, validated as the kernel
 * will read them. */
#include <linux/mempolicy.h>
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

/* A member that must be a CPU (or node) list; what stands wrong is named. */
int spec_read_cpu_list(struct reader *r, const struct json_node *obj, const char *key,
		       const char *what, char **out, size_t *count)
{
	struct cpulist l;
	const char *why;

	if (rd_string(r, obj, key, out) < 0)
		return -1;
	if (count)
		*count = 0;
	if (!*out)
		return 0;
	if (cpulist_parse(*out, &l, &why) < 0) {
		if (!why)
			return rd_nomem(r);
		size_t saved = rd_push_key(r, key);
		rd_error(r, "\"%.64s\" is not a %s list: %s", *out, what, why);
		rd_pop(r, saved);
		return -1;
	}
	if (count)
		*count = l.count;
	cpulist_free(&l);
	return 0;
}

int spec_read_exec_cpu_affinity(struct reader *r, const struct json_node *n, struct ward_process *p)
{
	if (rd_node_object(r, n) < 0 ||
	    spec_read_cpu_list(r, n, "initial", "CPU", &p->exec_cpu_initial, NULL) < 0 ||
	    spec_read_cpu_list(r, n, "final", "CPU", &p->exec_cpu_final, NULL) < 0)
		return -1;
	/* runc: an empty list is the same as none. */
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

int spec_read_memory_policy(struct reader *r, const struct json_node *n, struct ward_linux *lx)
{
	cleanup_strv char **flags = NULL;
	size_t nodes = 0, saved;

	if (rd_node_object(r, n) < 0 || rd_require(r, n, "mode") < 0 ||
	    rd_string(r, n, "mode", &lx->memory_policy_mode) < 0 ||
	    spec_read_cpu_list(r, n, "nodes", "memory node", &lx->memory_policy_nodes, &nodes) <
		    0 ||
	    rd_strv(r, n, "flags", &flags) < 0)
		return -1;
	lx->memory_policy_mode_value = -1;
	for (int i = 0; spec_memory_policy_modes[i]; i++)
		if (strcmp(lx->memory_policy_mode, spec_memory_policy_modes[i]) == 0)
			lx->memory_policy_mode_value = i;
	saved = rd_push_key(r, "mode");
	if (lx->memory_policy_mode_value < 0)
		return rd_error(r,
				"unknown mode \"%.64s\" (expected MPOL_DEFAULT, MPOL_BIND, "
				"MPOL_INTERLEAVE, MPOL_WEIGHTED_INTERLEAVE, MPOL_PREFERRED, "
				"MPOL_PREFERRED_MANY or MPOL_LOCAL)",
				lx->memory_policy_mode);
	rd_pop(r, saved);
	/* What set_mempolicy(2) demands of the node list, said before the container exists. */
	int mode = lx->memory_policy_mode_value;
	saved = rd_push_key(r, "nodes");
	if ((mode == MPOL_DEFAULT || mode == MPOL_LOCAL) && nodes)
		return rd_error(r, "%s takes no nodes (remove \"nodes\")", lx->memory_policy_mode);
	if (mode != MPOL_DEFAULT && mode != MPOL_LOCAL && mode != MPOL_PREFERRED && !nodes)
		return rd_error(r, "%s needs at least one node (e.g. \"0\")",
				lx->memory_policy_mode);
	rd_pop(r, saved);
	for (size_t i = 0; flags && flags[i]; i++) {
		size_t k;
		for (k = 0; spec_memory_policy_flags[k]; k++)
			if (strcmp(flags[i], spec_memory_policy_flags[k]) == 0)
				break;
		if (!spec_memory_policy_flags[k]) {
			saved = rd_push_key(r, "flags");
			rd_push_index(r, i);
			return rd_error(r,
					"unknown flag \"%.64s\" (expected MPOL_F_NUMA_BALANCING, "
					"MPOL_F_RELATIVE_NODES or MPOL_F_STATIC_NODES)",
					flags[i]);
		}
		lx->memory_policy_flags |= flag_values[k];
	}
	if ((lx->memory_policy_flags & MPOL_F_STATIC_NODES) &&
	    (lx->memory_policy_flags & MPOL_F_RELATIVE_NODES)) {
		rd_push_key(r, "flags");
		return rd_error(r, "MPOL_F_STATIC_NODES and MPOL_F_RELATIVE_NODES exclude each "
				   "other");
	}
	lx->has_memory_policy = true;
	return 0;
}
