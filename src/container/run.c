/* `ward run` in the foreground. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ward/cleanup.h"
#include "ward/container.h"
#include "ward/log.h"
#include "ward/spawn.h"
#include "ward/spec.h"
#include "ward/state.h"
#include "ward/util.h"

/* Signals ward takes over while it waits: every one that can be blocked, except those that
 * report a fault in ward itself. */
static void forwarded_signals(sigset_t *set)
{
	sigfillset(set);
	sigdelset(set, SIGSEGV);
	sigdelset(set, SIGBUS);
	sigdelset(set, SIGILL);
	sigdelset(set, SIGFPE);
	sigdelset(set, SIGABRT);
	sigdelset(set, SIGTRAP);
	sigdelset(set, SIGSYS);
}

static int resolve_bundle(const char *bundle, char **out, struct ward_error *err)
{
	char buf[PATH_MAX];
	if (!realpath(bundle ? bundle : ".", buf))
		return ward_fail(err, errno, "--bundle %s", bundle ? bundle : ".");
	*out = strdup(buf);
	return *out ? 0 : ward_fail(err, ENOMEM, "bundle");
}

static int resolve_rootfs(const char *bundle, const char *root_path, char **out,
			  struct ward_error *err)
{
	cleanup_free char *joined = NULL;
	char buf[PATH_MAX];
	struct stat st;

	if (root_path[0] != '/') {
		joined = path_join(bundle, root_path);
		if (!joined)
			return ward_fail(err, ENOMEM, "root.path");
		root_path = joined;
	}
	if (!realpath(root_path, buf))
		return ward_fail(err, errno, "config.json: root.path: %s", root_path);
	if (stat(buf, &st) < 0 || !S_ISDIR(st.st_mode))
		return ward_fail(err, ENOTDIR, "config.json: root.path: %s", root_path);
	*out = strdup(buf);
	return *out ? 0 : ward_fail(err, ENOMEM, "root.path");
}

static int write_oom_score_adj(pid_t pid, int value, struct ward_error *err)
{
	char path[64], buf[16];
	cleanup_close int fd = -1;
	int n = snprintf(buf, sizeof buf, "%d", value);

	snprintf(path, sizeof path, "/proc/%d/oom_score_adj", pid);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, buf, (size_t)n) != n)
		return ward_fail(err, errno, "process.oomScoreAdj: set %d", value);
	return 0;
}

static int exit_status_of(const siginfo_t *info)
{
	if (info->si_code == CLD_EXITED)
		return info->si_status;
	return 128 + info->si_status;
}

/* Forwards signals to the container's init until it exits; returns its exit status. */
static int forward_until_exit(int pidfd, int sigfd)
{
	struct pollfd fds[2] = {{.fd = pidfd, .events = POLLIN}, {.fd = sigfd, .events = POLLIN}};
	siginfo_t info;

	for (;;) {
		if (poll(fds, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
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
			break;
	}
	memset(&info, 0, sizeof info);
	while (waitid(P_PIDFD, (id_t)pidfd, &info, WEXITED) < 0) {
		if (errno != EINTR)
			return 255;
	}
	return exit_status_of(&info);
}

int container_run(const struct run_options *o, int *exit_status, struct ward_error *err)
{
	cleanup_free char *bundle = NULL;
	cleanup_free char *rootfs = NULL;
	cleanup_free char *config_path = NULL;
	cleanup_close int rootfd = -1;
	cleanup_close int statefd = -1;
	cleanup_close int sigfd = -1;
	struct ward_spec *spec = NULL;
	struct ward_spawn sp = {.pid = -1, .pidfd = -1, .sync_fd = -1};
	sigset_t sigs, old_mask;
	bool state_created = false;
	int rc = -1;

	if (state_validate_id(o->id, err) < 0 || resolve_bundle(o->bundle, &bundle, err) < 0)
		return -1;
	config_path = path_join(bundle, "config.json");
	if (!config_path)
		return ward_fail(err, ENOMEM, "bundle");
	spec = spec_parse_file(config_path, "config.json", err);
	if (!spec)
		return -1;
	if (!spec->process) {
		ward_fail(err, 0, "config.json: process: missing; `ward run` needs a process to run");
		goto out;
	}
	if (resolve_rootfs(bundle, spec->root_path, &rootfs, err) < 0)
		goto out;

	rootfd = state_open_root(o->root, err);
	if (rootfd < 0)
		goto out;
	statefd = state_create_dir(rootfd, o->id, err);
	if (statefd < 0)
		goto out;
	state_created = true;

	/* The init is re-parented to us when its setup parent exits: we reap it. */
	if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0) {
		ward_fail(err, errno, "become a child subreaper");
		goto out;
	}
	forwarded_signals(&sigs);
	sigprocmask(SIG_BLOCK, &sigs, &old_mask);
	sigfd = signalfd(-1, &sigs, SFD_CLOEXEC | SFD_NONBLOCK);
	if (sigfd < 0) {
		ward_fail(err, errno, "create a signalfd");
		goto out;
	}

	struct ward_init_config cfg = {
		.spec = spec,
		.bundle = bundle,
		.rootfs = rootfs,
		.no_pivot = o->no_pivot,
		.cgroup_fd = -1,
	};
	if (spawn_container(&cfg, &sp, err) < 0)
		goto out;
	log_debug("container %s: init is pid %d", o->id, sp.pid);

	if (spec->process->has_oom_score_adj &&
	    write_oom_score_adj(sp.pid, spec->process->oom_score_adj, err) < 0)
		goto abort;

	struct ward_state st = {
		.oci_version = spec->oci_version,
		.id = o->id,
		.pid = sp.pid,
		.bundle = bundle,
		.rootfs = rootfs,
		.owner = geteuid(),
	};
	state_read_start_time(sp.pid, &st.start_time);
	state_now_rfc3339(st.created, sizeof st.created);
	if (state_write(statefd, &st, err) < 0)
		goto abort;
	if (o->pid_file && state_write_pid_file(o->pid_file, sp.pid, err) < 0)
		goto abort;
	if (spawn_start(&sp, err) < 0)
		goto abort;

	*exit_status = forward_until_exit(sp.pidfd, sigfd);
	spawn_release(&sp);
	rc = 0;
	goto out;
abort:
	spawn_abort(&sp);
out:
	if (state_created && (rc < 0 || !o->keep)) {
		struct ward_error ignored;
		state_remove_dir(rootfd, o->id, &ignored);
	}
	if (sigfd >= 0)
		sigprocmask(SIG_SETMASK, &old_mask, NULL);
	spec_free(spec);
	return rc;
}
