/* A process's share of the host: scheduling, I/O priority, resource limits and OOM score.
 * ward sets them as root before the process drops its capabilities, so each is judged
 * against what the process could have taken itself: what ward's caller has, or what the
 * capability the kernel asks for (which the container holds only if the policy allowed it)
 * would give. */
#include <errno.h>
#include <linux/capability.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "ward/cleanup.h"
#include "ward/policy.h"
#include "ward/util.h"
#include "internal.h"

#define SCHED_DEADLINE_POLICY 6
#define IOPRIO_CLASS_RT_VALUE 1

void policy_caller_read(struct policy_caller *c)
{
	cleanup_free char *text = NULL;
	size_t len;
	struct ward_error ignored;
	struct __user_cap_header_struct hdr = {.version = _LINUX_CAPABILITY_VERSION_3};
	struct __user_cap_data_struct data[2] = {0};

	memset(c, 0, sizeof *c);
	if (read_file_limited("/proc/self/oom_score_adj", 32, &text, &len, &ignored) == 0)
		c->oom_score_adj = atoi(text);
	errno = 0;
	c->nice = getpriority(PRIO_PROCESS, 0);
	if (errno)
		c->nice = 0;
	for (int r = 0; r < RLIM_NLIMITS; r++)
		if (getrlimit(r, &c->limits[r]) < 0)
			c->limits[r].rlim_cur = c->limits[r].rlim_max = RLIM_INFINITY;
	if (syscall(SYS_capget, &hdr, data) == 0)
		c->caps = data[0].effective | (uint64_t)data[1].effective << 32;
	c->cgroup_nsdelegate = -1;
}

/* The process holds cap in some set (the bounding set too: root regains it on execve, and
 * so does a binary with file capabilities): it could use what the capability allows itself. */
static bool holds(const struct ward_process *proc, int cap)
{
	const struct ward_capabilities *c = &proc->caps;
	return ((c->bounding | c->effective | c->permitted | c->ambient | c->inheritable) >> cap) &
	       1;
}

static const char *rlimit_name(int resource)
{
	static const char *const names[RLIM_NLIMITS] = {
		[RLIMIT_CPU] = "RLIMIT_CPU",	       [RLIMIT_FSIZE] = "RLIMIT_FSIZE",
		[RLIMIT_DATA] = "RLIMIT_DATA",	       [RLIMIT_STACK] = "RLIMIT_STACK",
		[RLIMIT_CORE] = "RLIMIT_CORE",	       [RLIMIT_RSS] = "RLIMIT_RSS",
		[RLIMIT_NPROC] = "RLIMIT_NPROC",       [RLIMIT_NOFILE] = "RLIMIT_NOFILE",
		[RLIMIT_MEMLOCK] = "RLIMIT_MEMLOCK",   [RLIMIT_AS] = "RLIMIT_AS",
		[RLIMIT_LOCKS] = "RLIMIT_LOCKS",       [RLIMIT_SIGPENDING] = "RLIMIT_SIGPENDING",
		[RLIMIT_MSGQUEUE] = "RLIMIT_MSGQUEUE", [RLIMIT_NICE] = "RLIMIT_NICE",
		[RLIMIT_RTPRIO] = "RLIMIT_RTPRIO",     [RLIMIT_RTTIME] = "RLIMIT_RTTIME",
	};
	return resource >= 0 && resource < RLIM_NLIMITS && names[resource] ? names[resource] : "?";
}

/* The soft limit the process will run with: the config's, or the one it inherits. */
static uint64_t soft_limit(const struct eval *e, const struct ward_process *proc, int resource)
{
	for (size_t i = 0; i < proc->n_rlimits; i++)
		if (proc->rlimits[i].resource == resource)
			return proc->rlimits[i].soft;
	return e->caller.limits[resource].rlim_cur;
}

static void fmt_limit(uint64_t v, char *out, size_t len)
{
	if (v == (uint64_t)RLIM_INFINITY)
		snprintf(out, len, "unlimited");
	else
		snprintf(out, len, "%llu", (unsigned long long)v);
}

/* A limit above the caller's hard limit needs CAP_SYS_RESOURCE, which ward uses on the config's
 * behalf. RLIMIT_NPROC is the exception: the kernel does not apply it to root, and for other
 * users it counts their processes host-wide, so the pids controller (linux.resources.pids,
 * required at restricted), not this limit, is what bounds a container; Podman sets 1048576. */
static void check_rlimits(struct eval *e, const struct ward_process *proc)
{
	bool can_raise = (e->caller.caps >> CAP_SYS_RESOURCE) & 1;

	for (size_t i = 0; i < proc->n_rlimits; i++) {
		const struct ward_rlimit *rl = &proc->rlimits[i];
		if (rl->resource < 0 || rl->resource >= RLIM_NLIMITS ||
		    rl->resource == RLIMIT_NPROC)
			continue;
		uint64_t max = e->caller.limits[rl->resource].rlim_max;
		if (rl->hard <= max && rl->soft <= max)
			continue;
		char path[64], asked[32], have[32];
		snprintf(path, sizeof path, "process.rlimits[%zu]", i);
		fmt_limit(rl->hard > max ? rl->hard : rl->soft, asked, sizeof asked);
		fmt_limit(max, have, sizeof have);
		report(e, "rlimit-above-caller", path,
		       "%s %s %s is above ward's own hard limit %s%s", rlimit_name(rl->resource),
		       rl->hard > max ? "hard" : "soft", asked, have,
		       can_raise ? ""
				 : " (ward has no CAP_SYS_RESOURCE here: setrlimit would fail "
				   "anyway)");
	}
}

static void check_scheduler(struct eval *e, const struct ward_process *proc)
{
	const struct ward_scheduler *s = &proc->scheduler;
	bool nice_cap = holds(proc, CAP_SYS_NICE);

	if (!s->present || nice_cap)
		return;
	if (s->policy_value == SCHED_FIFO || s->policy_value == SCHED_RR) {
		/* Without CAP_SYS_NICE the kernel allows real-time priorities up to RLIMIT_RTPRIO.
		 */
		uint64_t rtprio = soft_limit(e, proc, RLIMIT_RTPRIO);
		if (s->priority > 0 && (uint64_t)s->priority > rtprio)
			report(e, "sched-realtime", "process.scheduler.policy",
			       "%s priority %d: no CAP_SYS_NICE and RLIMIT_RTPRIO %llu", s->policy,
			       s->priority, (unsigned long long)rtprio);
	} else if (s->policy_value == SCHED_DEADLINE_POLICY) {
		report(e, "sched-realtime", "process.scheduler.policy", "%s: no CAP_SYS_NICE",
		       s->policy);
	} else if (s->policy_value == SCHED_OTHER || s->policy_value == SCHED_BATCH) {
		/* Without CAP_SYS_NICE the kernel lowers nice down to 20 - RLIMIT_NICE. */
		uint64_t rlim = soft_limit(e, proc, RLIMIT_NICE);
		int floor = 20 - (int)(rlim > 40 ? 40 : rlim);
		if (s->nice < e->caller.nice && s->nice < floor)
			report(e, "sched-nice-raised", "process.scheduler.nice",
			       "nice %d is below the caller's %d (no CAP_SYS_NICE, RLIMIT_NICE "
			       "%llu)",
			       s->nice, e->caller.nice, (unsigned long long)rlim);
	}
}

/* The OOM killer picks the process with the highest score; oom_score_adj is added to it. 0 is
 * what host services have unless they ask for protection, so a score of 0 or more never puts
 * the container ahead of them (Docker sends 0 wherever its shim runs; Kubernetes' burstable
 * and best-effort pods are positive). A negative score is protection, which the container may
 * have as far as its caller has it: Kubernetes' guaranteed pods get -997 from a kubelet and
 * containerd at -999, whose shim is at -998. */
static void check_oom_score(struct eval *e, const struct ward_process *proc)
{
	if (!proc->has_oom_score_adj || proc->oom_score_adj >= 0 ||
	    proc->oom_score_adj >= e->caller.oom_score_adj)
		return;
	report(e, "oom-score-adj-lowered", "process.oomScoreAdj",
	       "%d is negative and below the caller's %d", (int)proc->oom_score_adj,
	       e->caller.oom_score_adj);
}

void judge_limits(struct eval *e, const struct ward_process *proc)
{
	check_scheduler(e, proc);
	if (proc->has_io_priority && proc->io_priority_class_value == IOPRIO_CLASS_RT_VALUE &&
	    !holds(proc, CAP_SYS_NICE) && !holds(proc, CAP_SYS_ADMIN))
		report(e, "ioprio-realtime", "process.ioPriority.class",
		       "%s: no CAP_SYS_NICE or CAP_SYS_ADMIN", proc->io_priority_class);
	check_rlimits(e, proc);
	check_oom_score(e, proc);
}
