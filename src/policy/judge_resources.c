/* Resources: the limits level restricted requires, at create and as `update` leaves them, and
 * the device rules an update carries. */
#include <inttypes.h>
#include <stdio.h>

#include "ward/policy.h"
#include "internal.h"

/* A memory limit of 0 is no limit; -1 (or below) asks for "max". */
static bool has_limit(bool present, int64_t value)
{
	return present && value > 0;
}

void judge_resource_limits(struct eval *e, const struct ward_spec *spec)
{
	const struct ward_linux *lx = &spec->linux_;
	const struct ward_resources *r = &lx->resources;

	if (!lx->has_resources || !has_limit(r->has_memory_limit, r->memory_limit))
		report(e, "restricted-memory-limit", "linux.resources.memory.limit", "no limit");
	if (!lx->has_resources || !has_limit(r->has_pids_limit, r->pids_limit))
		report(e, "restricted-pids-limit", "linux.resources.pids.limit", "no limit");
}

void judge_update(struct eval *e, const struct ward_spec *spec, const struct ward_resources *u)
{
	const struct ward_linux *lx = &spec->linux_;
	const struct ward_resources *r = &lx->resources;

	/* What the cgroup will hold: an update's memory limit of 0 leaves it alone (as
	 * cgroup_apply_resources does); any pids limit it gives is written. */
	if (u->has_memory_limit && u->memory_limit != 0) {
		if (u->memory_limit < 0)
			report(e, "restricted-memory-limit", "memory.limit",
			       "the update sets %" PRId64 ", no limit", u->memory_limit);
	} else if (!lx->has_resources || !has_limit(r->has_memory_limit, r->memory_limit)) {
		report(e, "restricted-memory-limit", "memory.limit",
		       "the container has no limit and the update sets none");
	}
	if (u->has_pids_limit) {
		if (u->pids_limit <= 0)
			report(e, "restricted-pids-limit", "pids.limit",
			       "the update sets %" PRId64 ", no limit", u->pids_limit);
	} else if (!lx->has_resources || !has_limit(r->has_pids_limit, r->pids_limit)) {
		report(e, "restricted-pids-limit", "pids.limit",
		       "the container has no limit and the update sets none");
	}
	/* The update's device rules, judged as create would judge them. */
	struct ward_spec rules = {0};
	rules.has_linux = true;
	rules.linux_.has_resources = true;
	rules.linux_.resources.devices = u->devices;
	rules.linux_.resources.n_devices = u->n_devices;
	judge_devices(e, &rules);
}
