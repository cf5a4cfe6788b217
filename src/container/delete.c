/* `delete`: stop what still runs (created, or with --force running), remove the state, run the
 * poststop hooks. What it kills and removes is what verify_init() or verify_cgroup_owner()
 * proved is the container's, never what state.json merely names. */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/pidfd.h>
#include <unistd.h>

#include "ward/cgroup.h"
#include "ward/cleanup.h"
#include "ward/container.h"
#include "ward/log.h"
#include "ward/verify.h"
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

/* Removes the container's cgroup (kill: with what is still in it; else only when empty) and,
 * with --systemd-cgroup, the unit holding it, which is stopped only when the cgroup is proved
 * to be the container's. */
static int remove_cgroup(const struct ward_state *st, bool proved, bool kill,
			 struct ward_error *err)
{
	struct unit_release unit;
	const char *cgroot;
	int rc = 0;

	unit_release_begin(st, proved, &unit);
	if (st->cgroup_path) {
		if (cgroup_find_root(&cgroot, err) < 0)
			rc = -1;
		else if (kill)
			rc = cgroup_destroy(cgroot, st->cgroup_path, err);
		else
			rc = cgroup_remove_empty(cgroot, st->cgroup_path, err);
	}
	unit_release_end(st, &unit, rc == 0);
	return rc;
}

int remove_container(int rootfd, const struct ward_state *st, struct ward_error *err)
{
	/* The state ward holds in memory is its own: its cgroup is proved. */
	if (remove_cgroup(st, true, true, err) < 0)
		return -1;
	if (unmount_shared_root(st, -1, err) < 0)
		return -1;
	return state_remove_dir(rootfd, st->id, err);
}

/* The cgroup of a container whose init is gone, or could not be proved: removed (and what is
 * left in it killed) only when it carries the container's mark; an unmarked one only when it
 * is empty; anything else is left alone with a warning. */
static int remove_unproved_cgroup(int rootfd, const char *id, const struct ward_state *st,
				  struct ward_error *err)
{
	struct ward_error why;

	switch (verify_cgroup_owner(rootfd, id, st, &why)) {
	case VERIFY_CGROUP_ABSENT:
		/* Gone with its unit, or the unit is left failed (after an OOM kill). */
		return remove_cgroup(st, false, false, err);
	case VERIFY_CGROUP_MARKED:
		return remove_cgroup(st, true, true, err);
	case VERIFY_CGROUP_EMPTY:
		return remove_cgroup(st, false, false, err);
	case VERIFY_CGROUP_NOT_OURS:
		break;
	}
	log_warn("%s; its cgroup is left alone", why.msg);
	return 0;
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
	enum verify_result v;
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
	v = verify_init(rootfd, id, &st, &pidfd, err);
	bool suspect = v == VERIFY_REFUSED;
	if (suspect && st.pid > 0 && state_process_alive(st.pid, st.start_time)) {
		/* A live process that is not provably the container's is never signalled. With
		 * --force the container still goes when its cgroup proves to be its own: killing
		 * that cgroup stops all of it. */
		struct ward_error ignored;
		if (!force ||
		    verify_cgroup_owner(rootfd, id, &st, &ignored) != VERIFY_CGROUP_MARKED) {
			verify_refusal_hint(err, root, id);
			goto out;
		}
		log_warn("%s; deleting it through its cgroup %s, which carries its mark", err->msg,
			 st.cgroup_path);
		if (remove_unproved_cgroup(rootfd, id, &st, err) < 0 ||
		    state_remove_dir(rootfd, id, err) < 0)
			goto out;
		/* No poststop hooks: they would come from the state that failed its checks. */
		rc = 0;
		goto out;
	}
	if (suspect) {
		/* Nothing runs under the recorded pid: a stopped container, deleted like any
		 * other, its cgroup only if verify_cgroup_owner() allows. */
		log_warn("%s; the container is not running: its state is removed, its cgroup only "
			 "if it is verifiably the container's",
			 err->msg);
		ward_error_clear(err);
		v = VERIFY_GONE;
	}
	enum ward_status status = state_status(dirfd, &st, v == VERIFY_ALIVE);
	if ((status == STATUS_RUNNING || status == STATUS_PAUSED) && !force) {
		ward_fail(err, 0, "cannot delete container %s that is not stopped: %s", id,
			  state_status_name(status));
		goto out;
	}
	if (pidfd >= 0 && kill_and_wait(&st, pidfd, err) < 0)
		goto out;
	/* The config copy goes with the directory: read it for the poststop hooks first. */
	struct ward_error ignored;
	spec = state_read_config(dirfd, &ignored);
	/* A poststop hook the policy refuses is not run; like a failing one, it is logged and
	 * does not stop the removal (runtime spec). None runs for a state that failed its
	 * checks. */
	struct ward_error refused = {0};
	if (spec && !suspect &&
	    posthooks_judge(policy_file, spec, WARD_HOOK_POSTSTOP, id, &poststop, &refused) < 0)
		log_warn("poststop hooks not run: %s", refused.msg);
	if (v == VERIFY_ALIVE) {
		/* verify_init() proved the cgroup along with the init. */
		if (remove_cgroup(&st, true, true, err) < 0)
			goto out;
	} else if (remove_unproved_cgroup(rootfd, id, &st, err) < 0) {
		goto out;
	}
	/* Kept on failure, so that a second delete can try again; never for a state that
	 * failed its checks, which could name any mount. */
	if (suspect && st.shared_mnt_ns)
		log_warn("container %s: its root filesystem %s is left mounted (the state failed "
			 "its checks)",
			 id, st.rootfs);
	else if (unmount_shared_root(&st, -1, err) < 0)
		goto out;
	if (state_remove_dir(rootfd, id, err) < 0)
		goto out;
	if (!suspect)
		run_hooks_warn(spec, &poststop, id, "stopped", 0, st.bundle);
	rc = 0;
out:
	posthooks_clear(&poststop);
	spec_free(spec);
	state_clear(&st);
	return rc;
}
