/* `delete`: stop what still runs (created, or with --force running), remove the state, run the
 * poststop hooks. What it kills and removes is what verify_init() or verify_cgroup_owner()
 * proved is the container's, never what state.json merely names. */
#include <errno.h>
#include <fcntl.h>
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

/* What learning or complain mode recorded goes to its file before anything of the container
 * does. A failure keeps the container (a second delete tries again), unless force. */
static int finish_seccomp_modes(int dirfd, const char *id, bool force, struct ward_error *err)
{
	if (learn_finish(dirfd, id, err) == 0)
		return 0;
	if (force) {
		log_warn("%s (the container is deleted anyway: --force)", err->msg);
		ward_error_clear(err);
		return 0;
	}
	log_error("%s; container %s is kept: fix that, then `ward delete %s` again", err->msg, id,
		  id);
	return -1;
}

/* The state goes last; with it the container's lease of pool ids, as no process of it is left. */
static int forget_container(int rootfd, const char *root, const char *id,
			    const struct ward_state *st, struct ward_error *err)
{
	if (state_remove_dir(rootfd, id, err) < 0)
		return -1;
	userns_auto_release(root, id, st);
	return 0;
}

int remove_container(int rootfd, const char *root, const struct ward_state *st,
		     struct ward_error *err)
{
	/* The caller holds the state's lock. */
	cleanup_close int dirfd =
		openat(rootfd, st->id, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	if (dirfd < 0)
		return ward_fail(err, errno, "open the state of %s", st->id);
	if (finish_seccomp_modes(dirfd, st->id, false, err) < 0)
		return -1;
	/* The state ward holds in memory is its own: its cgroup is proved. */
	if (remove_cgroup(st, true, true, err) < 0)
		return -1;
	if (unmount_shared_root(st, -1, err) < 0)
		return -1;
	return forget_container(rootfd, root, st->id, st, err);
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

/* Opens the state for delete. 1: c holds it, read; 0: nothing is left to delete (--force of
 * an unknown ID, as with runc; or the remains of a create that died before writing state.json,
 * removed); -1: error, with --force too. */
static int open_for_delete(const char *root, const char *id, bool force, struct opened_container *c,
			   struct ward_error *err)
{
	int rc = open_state(root, id, c, err);

	if (rc == -ENOENT)
		return force ? 0 : -1;
	if (rc == 0)
		return state_remove_dir(c->rootfd, id, err);
	return rc;
}

/* A live process that is not provably the container's is never signalled. With --force the
 * container still goes when its cgroup proves to be its own: killing that cgroup stops all of
 * it. No poststop hooks: they would come from the state that failed its checks. */
static int delete_through_cgroup(const char *root, const char *id, bool force,
				 struct opened_container *c, struct ward_error *err)
{
	struct ward_error ignored;

	if (!force || verify_cgroup_owner(c->rootfd, id, &c->st, &ignored) != VERIFY_CGROUP_MARKED)
		return verify_refusal_hint(err, root, id);
	log_warn("%s; deleting it through its cgroup %s, which carries its mark", err->msg,
		 c->st.cgroup_path);
	if (remove_unproved_cgroup(c->rootfd, id, &c->st, err) < 0)
		return -1;
	return forget_container(c->rootfd, root, id, &c->st, err);
}

/* Removes what the container owns on the host once its processes are gone: the cgroup (proved
 * along with the init, or through verify_cgroup_owner()), the bound root, the state. */
static int delete_remains(const char *root, const char *id, struct opened_container *c,
			  enum verify_result v, bool suspect, struct ward_error *err)
{
	const struct ward_state *st = &c->st;

	if (v == VERIFY_ALIVE ? remove_cgroup(st, true, true, err) < 0
			      : remove_unproved_cgroup(c->rootfd, id, st, err) < 0)
		return -1;
	/* Kept on failure, so that a second delete can try again; never for a state that
	 * failed its checks, which could name any mount. */
	if (suspect && st->shared_mnt_ns)
		log_warn("container %s: its root filesystem %s is left mounted (the state failed "
			 "its checks)",
			 id, st->rootfs);
	else if (unmount_shared_root(st, -1, err) < 0)
		return -1;
	return forget_container(c->rootfd, root, id, st, err);
}

static int delete_container(const char *root, const char *id, bool force, const char *policy_file,
			    struct audit_trail *a, struct ward_error *err)
{
	cleanup_container struct opened_container c;
	cleanup_spec struct ward_spec *spec = NULL;
	struct judged_hooks poststop = {0};
	int rc = open_for_delete(root, id, force, &c, err);

	if (rc <= 0)
		return rc;
	enum verify_result v = verify_init(c.rootfd, id, &c.st, &c.pidfd, err);
	bool suspect = v == VERIFY_REFUSED;
	/* A process that cannot be told gone counts as live. */
	if (suspect && c.st.pid > 0 && state_process_check(c.st.pid, c.st.start_time) != 0)
		return delete_through_cgroup(root, id, force, &c, err);
	if (suspect) {
		/* Nothing runs under the recorded pid: a stopped container, deleted like any
		 * other, its cgroup only if verify_cgroup_owner() allows. */
		log_warn("%s; the container is not running: its state is removed, its cgroup only "
			 "if it is verifiably the container's",
			 err->msg);
		ward_error_clear(err);
		v = VERIFY_GONE;
	}
	enum ward_status status = state_status(c.dirfd, &c.st, v == VERIFY_ALIVE);
	if ((status == STATUS_RUNNING || status == STATUS_PAUSED) && !force)
		return ward_fail(err, 0, "cannot delete container %s that is not stopped: %s", id,
				 state_status_name(status));
	if (c.pidfd >= 0 && kill_and_wait(&c.st, c.pidfd, err) < 0)
		return -1;
	audit_note_container(a, c.dirfd, c.st.bundle);
	if (!suspect && finish_seccomp_modes(c.dirfd, id, force, err) < 0)
		return -1;
	/* The config copy goes with the directory: read it for the poststop hooks first. A
	 * poststop hook the policy refuses is not run; like a failing one, it is logged and does
	 * not stop the removal (runtime spec). None runs for a state that failed its checks. */
	struct ward_error ignored, refused = {0};
	spec = state_read_config(c.dirfd, &c.st, &ignored);
	if (spec && !suspect &&
	    posthooks_judge(policy_file, spec, WARD_HOOK_POSTSTOP, id, &poststop, &refused) < 0)
		log_warn("poststop hooks not run: %s", refused.msg);
	rc = delete_remains(root, id, &c, v, suspect, err);
	if (rc == 0 && !suspect)
		run_hooks_warn(spec, &poststop, id, "stopped", 0, c.st.bundle);
	posthooks_clear(&poststop);
	return rc;
}

/* delete cleans up whatever the audit sink does: a sink that cannot be opened or written is
 * warned about, never a reason to keep a container. */
int container_delete(const char *root, const char *id, bool force, const char *policy_file,
		     struct ward_error *err)
{
	cleanup_audit struct audit_trail a = {.fd = -1};

	audit_open_for_delete(&a, policy_file, id);
	int rc = delete_container(root, id, force, policy_file, &a, err);
	audit_write_for_delete(&a, rc < 0 ? err : NULL);
	return rc;
}
