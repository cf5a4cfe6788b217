/* pause, resume, update: operations on the container's cgroup. */
#include <errno.h>
#include <unistd.h>

#include "ward/cgroup.h"
#include "ward/cleanup.h"
#include "ward/container.h"
#include "internal.h"

/* Opens the container and its cgroup root; fails unless it has a cgroup. */
static int open_with_cgroup(const char *root, const char *id, struct opened_container *c,
			    const char **cgroot, struct ward_error *err)
{
	if (open_container(root, id, c, err) < 0)
		return -1;
	if (!c->st.cgroup_path)
		return ward_fail(err, 0, "container %s has no cgroup", id);
	return cgroup_find_root(cgroot, err);
}

int container_pause(const char *root, const char *id, bool pause, struct ward_error *err)
{
	cleanup_container struct opened_container c;
	const char *cgroot;

	if (open_with_cgroup(root, id, &c, &cgroot, err) < 0)
		return -1;
	enum ward_status status = opened_status(&c);
	if (pause && status != STATUS_RUNNING && status != STATUS_CREATED)
		return ward_fail(err, 0, "container not running");
	if (!pause && status != STATUS_PAUSED)
		return ward_fail(err, 0, "container not paused");
	return cgroup_freeze(cgroot, c.st.cgroup_path, pause, err);
}

static int update_container(const char *root, const char *id, const struct ward_resources *res,
			    const char *policy_file, struct audit_trail *a, struct ward_error *err)
{
	cleanup_container struct opened_container c;
	cleanup_close int cgfd = -1;
	const char *cgroot;

	if (open_with_cgroup(root, id, &c, &cgroot, err) < 0)
		return -1;
	if (opened_status(&c) == STATUS_STOPPED)
		return ward_fail(err, 0, "container not running");
	/* Device rules are fixed at create: callers (containerd's CRI) send them back unchanged
	 * with every update, so they are ignored rather than refused. */
	audit_note_container(a, -1, c.st.bundle);
	cgfd = cgroup_open(cgroot, c.st.cgroup_path, err);
	if (cgfd < 0 || update_check(c.dirfd, cgfd, id, res, policy_file, err) < 0 ||
	    cgroup_apply_resources(cgfd, cgroot, c.st.cgroup_path, res, err) < 0)
		return -1;
	/* Then systemd, once the kernel took every limit: its daemon-reload writes the unit's
	 * properties into the cgroup again, so they must not stay the old ones. */
	return unit_update(&c.st, res, err);
}

/* The audit sink is opened first: a sink that cannot be written refuses the update. */
int container_update(const char *root, const char *id, const struct ward_resources *res,
		     const char *policy_file, struct ward_error *err)
{
	cleanup_audit struct audit_trail a = {.fd = -1};
	struct ward_error ignored;

	if (audit_open(&a, policy_file, "update", id, err) < 0)
		return -1;
	if (update_container(root, id, res, policy_file, &a, err) < 0) {
		audit_write(&a, err, &ignored);
		return -1;
	}
	return audit_write(&a, NULL, err);
}

int container_stats(const char *root, const char *id, struct cgroup_stats *stats,
		    enum ward_status *status, struct ward_error *err)
{
	cleanup_container struct opened_container c;
	const char *cgroot;

	if (open_with_cgroup(root, id, &c, &cgroot, err) < 0)
		return -1;
	*status = opened_status(&c);
	return cgroup_read_stats(cgroot, c.st.cgroup_path, stats, err);
}
