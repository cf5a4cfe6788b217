/* Where the container's processes run and where their memory comes from: the CPU affinity of
 * exec'd processes (process.execCPUAffinity, as runc applies it) and the NUMA memory policy
 * (linux.memoryPolicy), set in the process itself before it executes the program. */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "ward/cpulist.h"
#include "ward/process.h"

static int set_cpus(const char *list, const char *field, struct ward_error *err)
{
	struct cpulist l;
	const char *why;

	if (cpulist_parse(list, &l, &why) < 0)
		return ward_fail(err, why ? EINVAL : ENOMEM, "%s: \"%s\"", field, list);
	int rc = sched_setaffinity(0, l.words * sizeof(unsigned long), (cpu_set_t *)l.bits);
	int e = errno;
	cpulist_free(&l);
	if (rc < 0) {
		ward_fail(err, e, "%s: run on CPUs %s", field, list);
		return ward_error_hint(err, "the CPUs must be online and in the container's "
					    "cpuset (linux.resources.cpu.cpus)");
	}
	return 0;
}

/* Every CPU there could be: the kernel keeps those that exist and that the cgroup's cpuset
 * allows, so the process is not left on whatever CPUs ward itself was confined to. */
static void reset_cpus(void)
{
	unsigned long all[CPULIST_LIMIT / (8 * sizeof(unsigned long))];

	memset(all, 0xff, sizeof all);
	/* Best effort, as in runc: what remains is ward's own affinity, which the cgroup's
	 * cpuset still bounds. */
	sched_setaffinity(0, sizeof all, (cpu_set_t *)all);
}

int process_set_initial_affinity(const struct ward_process *p, bool exec, struct ward_error *err)
{
	if (exec && p->exec_cpu_initial)
		return set_cpus(p->exec_cpu_initial, "process.execCPUAffinity.initial", err);
	if (!exec || !p->exec_cpu_final)
		reset_cpus();
	return 0;
}

int process_set_final_affinity(const struct ward_process *p, struct ward_error *err)
{
	if (!p->exec_cpu_final)
		return 0;
	return set_cpus(p->exec_cpu_final, "process.execCPUAffinity.final", err);
}

int process_set_memory_policy(const struct ward_linux *lx, struct ward_error *err)
{
	struct cpulist nodes = {0};
	const char *why;

	if (!lx->has_memory_policy)
		return 0;
	if (cpulist_parse(lx->memory_policy_nodes, &nodes, &why) < 0)
		return ward_fail(err, why ? EINVAL : ENOMEM, "linux.memoryPolicy.nodes");
	/* The kernel reads maxnode - 1 bits (a historical off-by-one every caller follows). */
	unsigned long maxnode = nodes.words ? nodes.words * 8 * sizeof(unsigned long) + 1 : 0;
	long rc = syscall(SYS_set_mempolicy,
			  lx->memory_policy_mode_value | (int)lx->memory_policy_flags, nodes.bits,
			  maxnode);
	int e = errno;
	cpulist_free(&nodes);
	if (rc < 0) {
		ward_fail(err, e, "linux.memoryPolicy: set %s%s%s", lx->memory_policy_mode,
			  lx->memory_policy_nodes ? " on nodes " : "",
			  lx->memory_policy_nodes ? lx->memory_policy_nodes : "");
		if (e == EINVAL)
			ward_error_hint(err, "the nodes must have memory and be allowed to the "
					     "container (linux.resources.cpu.mems), and the flags "
					     "must suit the mode");
		return -1;
	}
	return 0;
}
