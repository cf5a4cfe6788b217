/* `exec`: run another process inside a running container. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ward/cgroup.h"
#include "ward/cleanup.h"
#include "ward/console.h"
#include "ward/container.h"
#include "ward/json.h"
#include "ward/log.h"
#include "ward/lsm.h"
#include "ward/policy.h"
#include "ward/rootless.h"
#include "ward/util.h"
#include "internal.h"

/* A container without a mount namespace of its own: its init's root, which the exec'd process
 * chroots into after joining the namespaces. Checked to be the container's root, while the
 * pidfd shows the init was still the same process. */
static int open_init_root(const struct ward_state *st, int pidfd, struct ward_error *err)
{
	char path[64];
	struct stat theirs, ours;
	int fd;

	snprintf(path, sizeof path, "/proc/%d/root", st->pid);
	fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return ward_fail(err, errno, "open the root of the container's init %d", st->pid);
	if (fstat(fd, &theirs) < 0 || stat(st->rootfs, &ours) < 0 || theirs.st_dev != ours.st_dev ||
	    theirs.st_ino != ours.st_ino || pidfd_send_signal(pidfd, 0, NULL, 0) < 0) {
		close(fd);
		return ward_fail(
			err, 0, "the root of the container's init %d is not its root filesystem %s",
			st->pid, st->rootfs);
	}
	return fd;
}

/* The namespaces of pid that differ from ward's own: those the exec'd process must join. One
 * that cannot be compared fails the exec: skipping it would leave the process in ward's. */
static int container_ns_flags(pid_t pid, bool own_mnt_ns, int *flags, struct ward_error *err)
{
	static const struct {
		const char *name;
		int flag;
	} ns[] = {
		{"user", CLONE_NEWUSER},     {"mnt", CLONE_NEWNS},    {"net", CLONE_NEWNET},
		{"ipc", CLONE_NEWIPC},	     {"uts", CLONE_NEWUTS},   {"pid", CLONE_NEWPID},
		{"cgroup", CLONE_NEWCGROUP}, {"time", CLONE_NEWTIME},
	};

	*flags = 0;
	for (size_t i = 0; i < ARRAY_SIZE(ns); i++) {
		char path[64];
		struct stat theirs, ours;
		snprintf(path, sizeof path, "/proc/self/ns/%s", ns[i].name);
		if (stat(path, &ours) < 0)
			continue; /* a namespace type this kernel does not have */
		snprintf(path, sizeof path, "/proc/%d/ns/%s", pid, ns[i].name);
		if (stat(path, &theirs) < 0) {
			int e = errno;
			ward_fail(err, e, "exec: read the %s namespace of the container's init",
				  ns[i].name);
			return ward_error_hint(err, e == EACCES
							    ? "an unprivileged ward can exec "
							      "only once the container is "
							      "started"
							    : "is the container still running?");
		}
		if (theirs.st_ino != ours.st_ino || theirs.st_dev != ours.st_dev)
			*flags |= ns[i].flag;
	}
	/* verify_init() saw a mount namespace of its own; the init may have exited since. */
	if (own_mnt_ns && !(*flags & CLONE_NEWNS))
		return ward_fail(err, 0,
				 "exec: the container's init is no longer in a mount "
				 "namespace of its own (container not running)");
	return 0;
}

static int wait_status(int pidfd, int sigfd, int master)
{
	siginfo_t info;

	if (master >= 0) {
		console_proxy(master, pidfd, sigfd);
	} else {
		struct pollfd fds[2] = {{.fd = pidfd, .events = POLLIN},
					{.fd = sigfd, .events = POLLIN}};
		for (;;) {
			if (poll(fds, 2, -1) < 0 && errno != EINTR)
				break;
			if (fds[1].revents & POLLIN) {
				struct signalfd_siginfo si;
				while (read(sigfd, &si, sizeof si) == (ssize_t)sizeof si)
					if (si.ssi_signo != SIGCHLD && si.ssi_signo != SIGWINCH &&
					    si.ssi_signo != SIGURG)
						pidfd_send_signal(pidfd, (int)si.ssi_signo, NULL,
								  0);
			}
			if (fds[0].revents & (POLLIN | POLLHUP))
				break;
		}
	}
	memset(&info, 0, sizeof info);
	while (waitid(P_PIDFD, (id_t)pidfd, &info, WEXITED) < 0)
		if (errno != EINTR)
			return 255;
	return info.si_code == CLD_EXITED ? info.si_status : 128 + info.si_status;
}

/* runc: a process without execCPUAffinity (exec --process) takes the container's. */
static int inherit_cpu_affinity(struct ward_process *p, const struct ward_spec *config,
				struct ward_error *err)
{
	const struct ward_process *c = config->process;

	if (p->exec_cpu_initial || p->exec_cpu_final || !c)
		return 0;
	if ((c->exec_cpu_initial && !(p->exec_cpu_initial = strdup(c->exec_cpu_initial))) ||
	    (c->exec_cpu_final && !(p->exec_cpu_final = strdup(c->exec_cpu_final))))
		return ward_fail(err, ENOMEM, "exec");
	return 0;
}

/* Replaces the container's cgroup fd by that of its sub-cgroup `sub`. */
static int exec_sub_cgroup(int *cgfd, const char *sub, struct ward_error *err)
{
	int fd = cgroup_open_sub(*cgfd, sub, err);
	if (fd < 0)
		return -1;
	close(*cgfd);
	*cgfd = fd;
	return 0;
}

/* Whether the container's init is being killed or is gone: a killed process has SIGKILL
 * pending at once (the kernel queues it to every thread), then exits. The pidfd pins it. */
static bool init_dying(int pidfd, pid_t pid)
{
	char path[64];
	cleanup_free char *status = NULL;
	struct ward_error ignored;
	size_t len;

	if (wait_exit(pidfd, 0))
		return true;
	snprintf(path, sizeof path, "/proc/%d/status", pid);
	if (read_file_limited(path, 1 << 16, &status, &len, &ignored) == 0)
		for (const char *k = status; (k = strstr(k, "Pnd:\t")) != NULL; k += 5)
			if (strtoull(k + 5, NULL, 16) & (1ULL << (SIGKILL - 1)))
				return true;
	/* Killed together with the new process, it may not have been sent its SIGKILL yet. */
	return wait_exit(pidfd, 100);
}

/* What one exec holds while its stages run. */
struct exec_run {
	const struct exec_options *o;
	struct opened_container c;
	struct ward_spec *config; /* the container's */
	struct ward_process *p;	  /* what runs */
	struct ward_plan plan;
	int ns_flags;  /* the namespaces to join */
	int init_root; /* no mount namespace of the container's own: the init's root */
	int sigfd;     /* foreground: the signals to forward */
	sigset_t old_mask;
	bool blocked;  /* signals are blocked: old_mask is restored on the way out */
	int master;    /* foreground terminal: the pty master */
	bool unlocked; /* the state directory's lock is let go */
	struct launch l;
};

/* Stage: the container, running (or paused, with --ignore-paused), and its config. */
static int exec_open(struct exec_run *r, struct ward_error *err)
{
	const struct exec_options *o = r->o;
	cleanup_free char *config = NULL;
	cleanup_close int fd = -1;
	size_t len;

	if (open_container(o->root, o->id, &r->c, err) < 0)
		return -1;
	enum ward_status status = opened_status(&r->c);
	if (status == STATUS_STOPPED)
		return ward_fail(err, 0,
				 "cannot exec in a stopped container (container not running)");
	if (status == STATUS_PAUSED && !o->ignore_paused)
		return ward_fail(err, 0, "cannot exec in a paused container (use --ignore-paused)");
	/* Its annotations and user namespace for the policy, its seccomp profile for the process,
	 * and its process as the one exec's flags apply to. */
	fd = openat(r->c.dirfd, "config.json", O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return ward_fail(err, errno, "open the container's config.json");
	if (read_fd_limited(fd, JSON_MAX_BYTES, &config, &len, err) < 0)
		return -1;
	r->p = exec_process(o, config, len, err);
	if (!r->p)
		return -1;
	r->config = spec_parse(config, len, "config.json", err);
	/* The user namespace the policy gave the container, which the process joins too. */
	if (!r->config || state_apply_userns(r->config, &r->c.st, err) < 0 ||
	    userns_auto_check_ids(r->p, r->c.st.userns_size, err) < 0)
		return -1;
	r->l.spec = r->config;
	r->l.process = r->p;
	r->l.bundle = r->c.st.bundle;
	r->l.state_dirfd = r->c.dirfd;
	/* In a learning (or complaining) container the process learns too, with its own agent. */
	return learn_session_exec(&r->l.learn, r->c.dirfd, r->config, err);
}

/* Stage: the process judged by the policy and checked as a request. */
static int exec_judge(struct exec_run *r, struct ward_error *err)
{
	const struct exec_options *o = r->o;

	if (plan_build_exec(r->config, &r->plan, err) < 0 ||
	    policy_enforce(o->policy_file, r->config, &r->plan, r->p, o->id, &r->l.verdict, err) <
		    0 ||
	    inherit_cpu_affinity(r->p, r->config, err) < 0 ||
	    lsm_check(r->p->apparmor_profile, r->p->selinux_label, err) < 0)
		return -1;
	if (r->p->terminal && !o->console_socket && o->detach)
		return ward_fail(err, 0,
				 "process.terminal is true: --console-socket is required with "
				 "--detach");
	if (!r->p->terminal && o->console_socket)
		return ward_fail(err, 0,
				 "--console-socket needs a terminal (--tty or process.terminal)");
	return 0;
}

/* Stage: in the foreground, ward reaps the process and forwards signals to it. */
static int exec_signals(struct exec_run *r, struct ward_error *err)
{
	sigset_t sigs;

	if (r->o->detach)
		return 0;
	if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0)
		return ward_fail(err, errno, "become a child subreaper");
	forwarded_signals(&sigs);
	sigprocmask(SIG_BLOCK, &sigs, &r->old_mask);
	r->blocked = true;
	r->sigfd = signalfd(-1, &sigs, SFD_CLOEXEC | SFD_NONBLOCK);
	return 0;
}

/* Stage: the process joins the container's cgroup (or --cgroup's) as it is born. */
static int exec_cgroup(struct exec_run *r, struct ward_error *err)
{
	const char *cgroup_root;
	const char *path = r->c.st.cgroup_path;

	if (!path)
		return r->o->cgroup
			       ? ward_fail(err, 0, "--cgroup: container %s has no cgroup", r->o->id)
			       : 0;
	if (cgroup_find_root(&cgroup_root, err) < 0)
		return -1;
	r->l.cgroup_fd = cgroup_open(cgroup_root, path, err);
	if (r->l.cgroup_fd < 0 ||
	    (r->o->cgroup && exec_sub_cgroup(&r->l.cgroup_fd, r->o->cgroup, err) < 0))
		return -1;
	return 0;
}

/* Stage: the namespaces (and, without a mount namespace of its own, the root) to join. */
static int exec_join(struct exec_run *r, struct ward_error *err)
{
	const struct ward_state *st = &r->c.st;

	if (container_ns_flags(st->pid, !st->shared_mnt_ns, &r->ns_flags, err) < 0)
		return -1;
	if (st->shared_mnt_ns && (r->init_root = open_init_root(st, r->c.pidfd, err)) < 0)
		return -1;
	return 0;
}

/* Stage: the tenant process, set up inside the container up to its execve. */
static int exec_spawn(struct exec_run *r, struct ward_error *err)
{
	struct ward_init_config cfg;

	launch_process_config(&r->l, NULL, r->o->preserve_fds, &cfg);
	cfg.join_pidfd = r->c.pidfd;
	cfg.join_ns_flags = r->ns_flags;
	cfg.join_root_fd = r->init_root;
	/* Unlocked before the process starts: it may be frozen with a paused container
	 * (--ignore-paused) until `resume`, which needs the lock. */
	close(steal_fd(&r->c.dirfd));
	r->unlocked = true;
	if (spawn_container(&cfg, &r->l.spawn, err) == 0)
		return 0;
	/* Rootless: the kernel moves a process into a cgroup only for who may write the
	 * cgroup.procs of the common ancestor; from outside the delegated subtree the process
	 * stays in the caller's cgroup, as with runc, unless a limit needs it inside. */
	if (cfg.cgroup_fd < 0 || err->code != EACCES || !ward_is_rootless())
		return -1;
	if (cgroup_resources_limit(&r->config->linux_.resources))
		return ward_error_hint(err, "run exec from the delegated cgroup the container "
					    "was created in");
	log_warn("rootless: cannot move the process into the container's cgroup %s from yours; it "
		 "runs in your cgroup (the container has no limits)",
		 r->c.st.cgroup_path);
	cfg.cgroup_fd = -1;
	return spawn_container(&cfg, &r->l.spawn, err);
}

/* Stage: the process handed to the caller, then let go to its execve. */
static int exec_attach(struct exec_run *r, struct ward_error *err)
{
	/* runc's payload for an exec'd process's pidfd. */
	if (launch_send_pidfd(&r->l, r->o->pidfd_socket, "setns", err) < 0)
		return -1;
	warn_ambient_caps(r->p);
	if (r->o->pid_file && state_write_pid_file(r->o->pid_file, r->l.spawn.pid, err) < 0)
		return -1;
	if (r->l.console_ours >= 0 && (r->master = console_receive(r->l.console_ours, err)) < 0)
		return -1;
	return spawn_wait_exec(&r->l.spawn, err);
}

static void exec_release(struct exec_run *r)
{
	if (r->blocked)
		sigprocmask(SIG_SETMASK, &r->old_mask, NULL);
	launch_release(&r->l);
	cleanup_closep(&r->sigfd);
	cleanup_closep(&r->master);
	cleanup_closep(&r->init_root);
	plan_clear(&r->plan);
	spec_free(r->config);
	spec_process_free(r->p);
	close_container(&r->c);
}

int container_exec(const struct exec_options *o, int *exit_status, struct ward_error *err)
{
	struct exec_run r = {.o = o, .init_root = -1, .sigfd = -1, .master = -1};
	int rc = 0;

	*exit_status = 255;
	launch_init(&r.l, o->id);
	r.c.rootfd = r.c.dirfd = r.c.pidfd = -1;
	plan_init(&r.plan);
	r.l.listener = &r.plan.listener;
	if (audit_open(&r.l.audit, o->policy_file, "exec", o->id, err) < 0 ||
	    exec_open(&r, err) < 0 ||
	    audit_check_reach(&r.l.audit, r.c.st.bundle, r.config, err) < 0 ||
	    exec_judge(&r, err) < 0 || launch_console(&r.l, o->console_socket, err) < 0 ||
	    exec_signals(&r, err) < 0 || exec_cgroup(&r, err) < 0 ||
	    launch_pidfd_socket(&r.l, o->pidfd_socket, err) < 0 || launch_filters(&r.l, err) < 0 ||
	    exec_join(&r, err) < 0 || exec_spawn(&r, err) < 0 || exec_attach(&r, err) < 0 ||
	    audit_launch(&r.l.audit, &r.l, NULL, err) < 0) {
		struct ward_error ignored;
		audit_launch(&r.l.audit, &r.l, err, &ignored);
		launch_undo(&r.l);
		/* Once unlocked, a delete or kill may stop the container; the new process then
		 * dies with it, and whatever step noticed first is not the reason. */
		if (r.unlocked && r.c.pidfd >= 0 && init_dying(r.c.pidfd, r.c.st.pid))
			ward_fail(err, 0,
				  "container %s stopped while the process was being started (it "
				  "was killed or deleted meanwhile)",
				  o->id);
		rc = -1;
	} else if (!o->detach) {
		*exit_status = wait_status(r.l.spawn.pidfd, r.sigfd, r.master);
	} else {
		*exit_status = 0;
	}
	exec_release(&r);
	return rc;
}
