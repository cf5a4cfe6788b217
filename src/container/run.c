/* `run`: create and start in one process; in the foreground ward stays the init's parent,
 * forwards signals (or proxies the terminal), and returns the container's exit status. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ward/cleanup.h"
#include "ward/console.h"
#include "ward/container.h"
#include "ward/log.h"
#include "internal.h"

static int exit_status_of(const siginfo_t *info)
{
	if (info->si_code == CLD_EXITED)
		return info->si_status;
	return 128 + info->si_status;
}

/* Forwards signals to the container's init until it exits. */
static void forward_until_exit(int pidfd, int sigfd)
{
	struct pollfd fds[2] = {{.fd = pidfd, .events = POLLIN}, {.fd = sigfd, .events = POLLIN}};

	for (;;) {
		if (poll(fds, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			return;
		}
		if (fds[1].revents & POLLIN) {
			struct signalfd_siginfo si;
			while (read(sigfd, &si, sizeof si) == (ssize_t)sizeof si) {
				int sig = (int)si.ssi_signo;
				if (sig == SIGCHLD || sig == SIGWINCH || sig == SIGURG)
					continue;
				pidfd_send_signal(pidfd, sig, NULL, 0);
			}
		}
		if (fds[0].revents & (POLLIN | POLLHUP))
			return;
	}
}

/* Removes the container run created unless a delete took it while it ran: its name (and
 * cgroup path) may belong to a new container by now. */
static bool remove_if_still_ours(struct created_container *c, const char *policy_file)
{
	cleanup_audit struct audit_trail a = {.fd = -1};
	struct ward_error ignored;

	if (state_relock_dir(c->dirfd, c->state.id, &ignored) <= 0) {
		log_debug("container %s was deleted while it ran", c->state.id);
		return false;
	}
	/* What `delete` would report: the removal, the learned profile or complain findings. */
	audit_open_for_delete(&a, policy_file, c->state.id);
	audit_note_container(&a, c->dirfd, c->state.bundle);
	int rc = remove_container(c->rootfd, c->root, &c->state, &ignored);
	audit_write_for_delete(&a, rc < 0 ? &ignored : NULL);
	return true;
}

static int reap(int pidfd)
{
	siginfo_t info;
	memset(&info, 0, sizeof info);
	while (waitid(P_PIDFD, (id_t)pidfd, &info, WEXITED) < 0) {
		if (errno != EINTR)
			return 255;
	}
	return exit_status_of(&info);
}

int container_run(const struct create_options *opts, bool detach, int *exit_status,
		  struct ward_error *err)
{
	struct create_options o = *opts;
	struct created_container c;
	cleanup_close int sigfd = -1;
	cleanup_close int master = -1;
	sigset_t sigs, old_mask;
	struct judged_hooks poststart = {0}, poststop = {0};
	int rc = -1;

	o.foreground = !detach;
	*exit_status = 0;
	if (!detach) {
		/* The init is re-parented to us when its setup parent exits: we reap it. */
		if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0)
			return ward_fail(err, errno, "become a child subreaper");
		forwarded_signals(&sigs);
		sigprocmask(SIG_BLOCK, &sigs, &old_mask);
		sigfd = signalfd(-1, &sigs, SFD_CLOEXEC | SFD_NONBLOCK);
		if (sigfd < 0) {
			ward_fail(err, errno, "create a signalfd");
			goto restore;
		}
	}
	if (create_container(&o, &c, err) < 0)
		goto restore;
	/* As `start` and `delete` would: judged again, before the process is released. */
	if (posthooks_judge(o.policy_file, c.spec, WARD_HOOK_POSTSTART, o.id, &poststart, err) < 0)
		goto abort;
	if (!detach && !o.keep &&
	    posthooks_judge(o.policy_file, c.spec, WARD_HOOK_POSTSTOP, o.id, &poststop, err) < 0)
		goto abort;
	if (release_init(c.dirfd, err) < 0)
		goto abort;
	/* Other verbs (state, kill, exec, ...) must work while the container runs. */
	state_unlock_dir(c.dirfd);
	if (detach) {
		rc = run_poststart(c.spec, &poststart, o.id, &c.state, c.spawn.pidfd, err);
		container_release(&c);
		posthooks_clear(&poststart);
		return rc;
	}
	if (c.console_fd >= 0) {
		master = console_receive(c.console_fd, err);
		if (master < 0)
			goto abort;
	}
	if (spawn_wait_exec(&c.spawn, err) < 0)
		goto abort;
	/* A failed poststart hook stops the container; it is then reaped and removed. */
	bool poststart_failed =
		run_poststart(c.spec, &poststart, o.id, &c.state, c.spawn.pidfd, err) < 0;
	if (!poststart_failed && master >= 0)
		console_proxy(master, c.spawn.pidfd, sigfd);
	else if (!poststart_failed)
		forward_until_exit(c.spawn.pidfd, sigfd);
	*exit_status = reap(c.spawn.pidfd);
	rc = poststart_failed ? -1 : 0;
	/* A delete that took the container ran its poststop hooks. */
	if (!o.keep && remove_if_still_ours(&c, o.policy_file))
		run_hooks_warn(c.spec, &poststop, o.id, "stopped", 0, c.state.bundle);
	container_release(&c);
	goto restore;
abort:
	spawn_abort(&c.spawn);
	remove_if_still_ours(&c, o.policy_file);
	container_release(&c);
restore:
	posthooks_clear(&poststart);
	posthooks_clear(&poststop);
	if (!detach)
		sigprocmask(SIG_SETMASK, &old_mask, NULL);
	return rc;
}
