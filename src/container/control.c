/* pause, resume, update: operations on the container's cgroup. */
#include <errno.h>
#include <unistd.h>

#include "ward/cgroup.h"
#include "ward/cleanup.h"
#include "ward/container.h"
#include "internal.h"

/* Opens the container and its cgroup root; fails unless it has a cgroup. */
static int open_with_cgroup(const char *root, const char *id, int *rootfd, int *dirfd,
			    struct ward_state *st, int *pidfd, const char **cgroot,
			    struct ward_error *err)
{
	if (open_container(root, id, rootfd, dirfd, st, pidfd, err) < 0)
		return -1;
	if (!st->cgroup_path)
		return ward_fail(err, 0, "container %s has no cgroup", id);
	return cgroup_find_root(cgroot, err);
}

int container_pause(const char *root, const char *id, bool pause, struct ward_error *err)
{
	cleanup_close int rootfd = -1;
	cleanup_close int dirfd = -1;
	cleanup_close int pidfd = -1;
	struct ward_state st = {0};
	const char *cgroot;
	int rc = -1;

	if (open_with_cgroup(root, id, &rootfd, &dirfd, &st, &pidfd, &cgroot, err) < 0)
		goto out;
	enum ward_status status = state_status(dirfd, &st, pidfd >= 0);
	if (pause && status != STATUS_RUNNING && status != STATUS_CREATED) {
		ward_fail(err, 0, "container not running");
		goto out;
	}
	if (!pause && status != STATUS_PAUSED) {
		ward_fail(err, 0, "container not paused");
		goto out;
	}
	rc = cgroup_freeze(cgroot, st.cgroup_path, pause, err);
out:
	state_clear(&st);
	return rc;
}

int container_update(const char *root, const char *id, const struct ward_resources *res,
		     const char *policy_file, struct ward_error *err)
{
	cleanup_close int rootfd = -1;
	cleanup_close int dirfd = -1;
	cleanup_close int cgfd = -1;
	cleanup_close int pidfd = -1;
	struct ward_state st = {0};
	const char *cgroot;
	int rc = -1;

	if (open_with_cgroup(root, id, &rootfd, &dirfd, &st, &pidfd, &cgroot, err) < 0)
		goto out;
	if (state_status(dirfd, &st, pidfd >= 0) == STATUS_STOPPED) {
		ward_fail(err, 0, "container not running");
		goto out;
	}
	/* Device rules are fixed at create: callers (containerd's CRI) send them back unchanged
	 * with every update, so they are ignored rather than refused. */
	cgfd = cgroup_open(cgroot, st.cgroup_path, err);
	if (cgfd < 0 || update_check(dirfd, cgfd, id, res, policy_file, err) < 0)
		goto out;
	if (cgroup_apply_resources(cgfd, cgroot, st.cgroup_path, res, err) < 0)
		goto out;
	/* Then systemd, once the kernel took every limit: its daemon-reload writes the unit's
	 * properties into the cgroup again, so they must not stay the old ones. */
	rc = unit_update(&st, res, err);
out:
	state_clear(&st);
	return rc;
}

int container_stats(const char *root, const char *id, struct cgroup_stats *stats,
		    enum ward_status *status, struct ward_error *err)
{
	cleanup_close int rootfd = -1;
	cleanup_close int dirfd = -1;
	cleanup_close int pidfd = -1;
	struct ward_state st = {0};
	const char *cgroot;
	int rc = -1;

	if (open_with_cgroup(root, id, &rootfd, &dirfd, &st, &pidfd, &cgroot, err) < 0)
		goto out;
	*status = state_status(dirfd, &st, pidfd >= 0);
	rc = cgroup_read_stats(cgroot, st.cgroup_path, stats, err);
out:
	state_clear(&st);
	return rc;
}
