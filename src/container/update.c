/* What `update` checks before it writes a limit: the policy on the container's resources as
 * the update leaves them, and memory.checkBeforeUpdate. */
#include <errno.h>

#include "ward/cgroup.h"
#include "ward/policy.h"
#include "internal.h"

int update_check(int dirfd, int cgfd, const char *id, const struct ward_resources *res,
		 const char *policy_file, struct ward_error *err)
{
	struct ward_spec *config = state_read_config(dirfd, NULL, err);
	int rc = -1;

	if (!config)
		return -1;
	if (policy_enforce_update(policy_file, config, res, id, err) < 0)
		goto out;
	/* runc takes checkBeforeUpdate from the update alone; absent there, the config's
	 * choice still holds, which is the safer reading. */
	const struct ward_resources *cr = &config->linux_.resources;
	bool check = res->has_check_before_update
			     ? res->check_before_update
			     : cr->has_check_before_update && cr->check_before_update;
	if (check && res->has_memory_limit && res->memory_limit > 0 &&
	    cgroup_check_memory_usage(cgfd, res->memory_limit, err) < 0)
		goto out;
	rc = 0;
out:
	spec_free(config);
	return rc;
}
