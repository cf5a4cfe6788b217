/* Parent side of starting a container: clone the setup process, answer its requests, and hand
 * back the init. Two processes run on the container side:
 *   setup: joins/creates the namespaces (user first, so ward can write its maps), then forks
 *   init: pid 1 of the new pid namespace; mounts, pivots, drops privileges and execs.
 * Each has its own socket to ward so their messages can never be confused. */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ward/cleanup.h"
#include "ward/namespaces.h"
#include "ward/netdev.h"
#include "ward/spawn.h"
#include "ward/sync.h"
#include "ward/syscalls.h"

static int reap(pid_t pid)
{
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return status;
}

int spawn_hint_pids(struct ward_error *err)
{
	return ward_error_hint(err, "a limit on ward's processes is reached: pids.max of its "
				    "cgroup, or RLIMIT_NPROC");
}

/* Talks to the setup process until it reports the init's pid. */
static int run_setup_protocol(const struct ward_init_config *cfg, pid_t setup_pid, int fd,
			      struct ward_spawn *out, struct ward_error *err)
{
	struct sync_msg msg;
	int passed;

	for (;;) {
		if (sync_recv(fd, &msg, &passed, err) < 0)
			return -1;
		switch (msg.type) {
		case SYNC_USERNS_READY:
			if (ns_write_id_maps(setup_pid, &cfg->spec->linux_, err) < 0)
				return -1;
			if (sync_send(fd, SYNC_USERNS_MAPPED, 0, -1, err) < 0)
				return -1;
			break;
		case SYNC_INIT_PID:
			if (passed < 0)
				return ward_fail(err, EPROTO, "the setup process sent no pidfd");
			out->pid = (pid_t)msg.value;
			out->pidfd = passed;
			return 0;
		case SYNC_ERROR:
			return sync_msg_error(&msg, err);
		case SYNC_NONE:
			return ward_fail(err, 0, "the container setup process exited unexpectedly");
		default:
			if (passed >= 0)
				close(passed);
			return ward_fail(err, EPROTO,
					 "unexpected message %u from the setup process", msg.type);
		}
	}
}

/* Talks to the init until it is ready, running the runtime hooks when it asks. */
static int run_init_protocol(const struct ward_init_config *cfg, struct ward_spawn *out,
			     struct ward_error *err)
{
	struct sync_msg msg;

	for (;;) {
		int passed;
		if (sync_recv(out->sync_fd, &msg, &passed, err) < 0)
			return -1;
		switch (msg.type) {
		case SYNC_READY:
			return 0;
		case SYNC_SECCOMP_FD:
			if (passed < 0)
				return ward_fail(err, EPROTO, "no seccomp notification fd");
			int rc = cfg->seccomp_listener
					 ? cfg->seccomp_listener(cfg->listener_ctx, out->pid,
								 passed, err)
					 : ward_fail(err, EPROTO,
						     "unexpected seccomp notification fd");
			close(passed);
			if (rc < 0)
				return -1;
			break;
		case SYNC_ROOTFS_MOUNT:
			out->rootfs_mnt_id = (uint64_t)msg.value;
			break;
		case SYNC_RUNTIME_HOOKS:
			if (cfg->runtime_hooks &&
			    cfg->runtime_hooks(cfg->hooks_ctx, out->pid, err) < 0) {
				sync_send_error(out->sync_fd, err);
				return -1;
			}
			if (sync_send(out->sync_fd, SYNC_HOOKS_DONE, 0, -1, err) < 0)
				return -1;
			break;
		case SYNC_ERROR:
			return sync_msg_error(&msg, err);
		case SYNC_NONE:
			return ward_fail(err, 0, "the container init exited during its setup");
		default:
			return ward_fail(err, EPROTO,
					 "unexpected message %u from the container init", msg.type);
		}
	}
}

int spawn_container(const struct ward_init_config *cfg, struct ward_spawn *out,
		    struct ward_error *err)
{
	int setup_sock[2], init_sock[2];
	struct clone_args args = {.exit_signal = SIGCHLD};
	pid_t setup_pid;
	int status;

	out->pid = -1;
	out->pidfd = -1;
	out->sync_fd = -1;
	out->rootfs_mnt_id = 0;
	if (sync_pair(setup_sock, err) < 0)
		return -1;
	if (sync_pair(init_sock, err) < 0) {
		close(setup_sock[0]);
		close(setup_sock[1]);
		return -1;
	}
	if (cfg->cgroup_fd >= 0) {
		args.flags |= CLONE_INTO_CGROUP;
		args.cgroup = (uint64_t)cfg->cgroup_fd;
	}
	setup_pid = sys_clone3(&args);
	if (setup_pid == 0) {
		close(setup_sock[0]);
		close(init_sock[0]);
		init_setup_stage(cfg, setup_sock[1], init_sock[1]);
	}
	int clone_errno = errno;
	close(setup_sock[1]);
	close(init_sock[1]);
	out->sync_fd = init_sock[0];
	if (setup_pid < 0) {
		close(setup_sock[0]);
		spawn_release(out);
		ward_fail(err, clone_errno, "clone the container setup process");
		return clone_errno == EAGAIN ? spawn_hint_pids(err) : -1;
	}

	int rc = 0;
	if (cfg->place && (cfg->place(cfg->place_ctx, setup_pid, err) < 0 ||
			   sync_send(setup_sock[0], SYNC_PLACED, 0, -1, err) < 0))
		rc = -1;
	if (rc == 0)
		rc = run_setup_protocol(cfg, setup_pid, setup_sock[0], out, err);
	close(setup_sock[0]);
	if (rc < 0)
		kill(setup_pid, SIGKILL);
	status = reap(setup_pid);
	if (rc < 0) {
		spawn_abort(out);
		return -1;
	}
	if (status != 0) {
		spawn_abort(out);
		return ward_fail(err, 0, "the container setup process failed (status %d)", status);
	}
	/* Host interfaces (linux.netDevices) go into the init's network namespace now, before
	 * the runtime hooks run and long before the process starts, as runc does. */
	if (cfg->join_pidfd < 0 && netdev_move_all(&cfg->spec->linux_, out->pidfd, err) < 0) {
		spawn_abort(out);
		return -1;
	}
	if (run_init_protocol(cfg, out, err) < 0) {
		spawn_abort(out);
		return -1;
	}
	return 0;
}

int spawn_wait_exec(struct ward_spawn *sp, struct ward_error *err)
{
	struct sync_msg msg;

	/* The socket is close-on-exec: end of file means execve succeeded. */
	if (sync_recv(sp->sync_fd, &msg, NULL, err) < 0)
		return -1;
	close(sp->sync_fd);
	sp->sync_fd = -1;
	if (msg.type == SYNC_ERROR)
		return sync_msg_error(&msg, err);
	return 0;
}

void spawn_abort(struct ward_spawn *sp)
{
	if (sp->pidfd >= 0) {
		siginfo_t info;
		pidfd_send_signal(sp->pidfd, SIGKILL, NULL, 0);
		/* Reaps it when it is our child (ward is a subreaper while it waits). */
		while (waitid(P_PIDFD, (id_t)sp->pidfd, &info, WEXITED) < 0 && errno == EINTR)
			;
	}
	spawn_release(sp);
}

void spawn_release(struct ward_spawn *sp)
{
	if (sp->pidfd >= 0)
		close(sp->pidfd);
	if (sp->sync_fd >= 0)
		close(sp->sync_fd);
	sp->pidfd = -1;
	sp->sync_fd = -1;
}
