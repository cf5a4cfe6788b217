/* `delete`: stop what still runs (created, or with --force running), remove the state, run the
 * poststop hooks. */
#include <errno.h>
#include <signal.h>
#include <sys/pidfd.h>
#include <unistd.h>

#include "ward/cgroup.h"
#include "ward/cleanup.h"
#include "ward/container.h"
#include "ward/log.h"
#include "internal.h"

static int kill_and_wait(const struct ward_state *st, int pidfd, struct ward_error *err)
{
	const char *root;
	if (st->cgroup_path && cgroup_find_root(&root, err) == 0) {
		if (cgroup_kill(root, st->cgroup_path, err) < 0)
			return -1;
	} else if (st->own_pid_ns)
		pidfd_send_signal(pidfd, SIGKILL, NULL, 0);
	else if (signal_all(st, SIGKILL, err) < 0)
		return -1;
	if (!wait_exit(pidfd, 10000))
		return ward_fail(err, ETIMEDOUT, "container %s did not exit after SIGKILL", st->id);
	return 0;
}

int remove_container(int rootfd, const struct ward_state *st, struct ward_error *err)
{
	const char *cgroup_root;
	if (st->cgroup_path && cgroup_find_root(&cgroup_root, err) == 0 &&
	    cgroup_destroy(cgroup_root, st->cgroup_path, err) < 0)
		return -1;
	return state_remove_dir(rootfd, st->id, err);
}

int container_delete(const char *root, const char *id, bool force, const char *policy_file,
		     struct ward_error *err)
{
	cleanup_close int rootfd = -1;
	cleanup_close int dirfd = -1;
	cleanup_close int pidfd = -1;
	struct ward_state st;
	struct ward_spec *spec = NULL;
	struct judged_hooks poststop = {0};
	int rc;

	if (state_validate_id(id, err) < 0)
		return -1;
	rootfd = state_open_root(root, err);
	if (rootfd < 0)
		return -1;
	dirfd = state_open_dir(rootfd, id, err);
	if (dirfd < 0)
		return force ? 0 : -1; /* --force of an unknown ID succeeds, as with runc */
	rc = state_read(dirfd, &st, err);
	if (rc == -ENOENT) /* a create that died before writing state.json */
		return state_remove_dir(rootfd, id, err);
	if (rc < 0)
		return -1;

	rc = -1;
	enum ward_status status = state_status(dirfd, &st);
	if ((status == STATUS_RUNNING || status == STATUS_PAUSED) && !force) {
		ward_fail(err, 0, "cannot delete container %s that is not stopped: %s", id,
			  state_status_name(status));
		goto out;
	}
	pidfd = open_init_pidfd(&st);
	if (pidfd >= 0 && kill_and_wait(&st, pidfd, err) < 0)
		goto out;
	/* The config copy goes with the directory: read it for the poststop hooks first. */
	struct ward_error ignored;
	spec = state_read_config(dirfd, &ignored);
	/* A poststop hook the policy refuses is not run; like a failing one, it is logged and
	 * does not stop the removal (runtime spec). */
	struct ward_error refused = {0};
	if (spec &&
	    posthooks_judge(policy_file, spec, WARD_HOOK_POSTSTOP, id, &poststop, &refused) < 0)
		log_warn("poststop hooks not run: %s", refused.msg);
	if (remove_container(rootfd, &st, err) < 0)
		goto out;
	run_hooks_warn(spec, &poststop, id, "stopped", 0, st.bundle);
	rc = 0;
out:
	posthooks_clear(&poststop);
	spec_free(spec);
	state_clear(&st);
	return rc;
}
