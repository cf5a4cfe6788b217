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

static int add_cap(struct ward_capabilities *caps, const char *name, struct ward_error *err)
{
	int cap = -1;
	for (int c = 0; c < spec_cap_count(); c++)
		if (strcasecmp(spec_cap_name(c), name) == 0 ||
		    (strncasecmp(name, "CAP_", 4) != 0 &&
		     strcasecmp(spec_cap_name(c) + 4, name) == 0))
			cap = c;
	if (cap < 0)
		return ward_fail(err, 0, "--cap: unknown capability \"%s\"", name);
	/* Never inheritable (CVE-2022-29162): only bounding, effective and permitted. */
	caps->bounding |= 1ull << cap;
	caps->effective |= 1ull << cap;
	caps->permitted |= 1ull << cap;
	return 0;
}

/* The process to run: --process F, or the container's process with the flags applied. */
static struct ward_process *build_process(const struct exec_options *o, int dirfd,
					  struct ward_error *err)
{
	struct ward_process *p = NULL;

	if (o->process_file) {
		cleanup_free char *buf = NULL;
		size_t len;
		if (strcmp(o->process_file, "-") == 0
			    ? read_fd_limited(STDIN_FILENO, JSON_MAX_BYTES, &buf, &len, err) < 0
			    : read_file_limited(o->process_file, JSON_MAX_BYTES, &buf, &len, err) <
				      0)
			return NULL;
		return spec_parse_process(buf, len, "--process", err);
	}
	if (!o->args || !o->args[0]) {
		ward_fail(err, 0, "exec: a command to run (or --process) is required");
		return NULL;
	}
	struct ward_spec *spec = state_read_config(dirfd, err);
	if (!spec)
		return NULL;
	p = steal_ptr(spec->process);
	spec_free(spec);
	if (!p) {
		ward_fail(err, 0, "exec: the container's config has no process to start from");
		return NULL;
	}
	strv_free(p->args);
	p->args = NULL;
	size_t n = strv_length(o->args);
	p->args = calloc(n + 1, sizeof *p->args);
	for (size_t i = 0; p->args && i < n; i++)
		p->args[i] = strdup(o->args[i]);
	size_t nenv = strv_length(p->env), nadd = strv_length(o->env);
	char **env = realloc(p->env, (nenv + nadd + 1) * sizeof *env);
	if (!p->args || !env) {
		ward_fail(err, ENOMEM, "exec");
		spec_process_free(p);
		return NULL;
	}
	p->env = env;
	/* --env NAME=VALUE replaces the container's NAME, or is added. */
	for (size_t i = 0; i < nadd; i++) {
		size_t klen = strcspn(o->env[i], "=") + 1, j;
		for (j = 0; j < nenv; j++)
			if (strncmp(env[j], o->env[i], klen) == 0)
				break;
		if (j < nenv)
			free(env[j]);
		else
			j = nenv++;
		env[j] = strdup(o->env[i]);
	}
	env[nenv] = NULL;
	p->terminal = o->tty;
	if (o->cwd) {
		free(p->cwd);
		p->cwd = strdup(o->cwd);
	}
	if (o->has_user) {
		p->uid = o->uid;
		p->gid = o->gid;
	}
	if (o->n_additional_gids) {
		free(p->additional_gids);
		p->additional_gids = calloc(o->n_additional_gids, sizeof(gid_t));
		if (p->additional_gids)
			memcpy(p->additional_gids, o->additional_gids,
			       o->n_additional_gids * sizeof(gid_t));
		p->n_additional_gids = p->additional_gids ? o->n_additional_gids : 0;
	}
	if (o->no_new_privs)
		p->no_new_privileges = true;
	if (o->apparmor) {
		free(p->apparmor_profile);
		p->apparmor_profile = strdup(o->apparmor);
	}
	if (o->process_label) {
		free(p->selinux_label);
		p->selinux_label = strdup(o->process_label);
	}
	for (size_t i = 0; o->caps && o->caps[i]; i++) {
		if (add_cap(&p->caps, o->caps[i], err) < 0) {
			spec_process_free(p);
			return NULL;
		}
	}
	if (!p->cwd || p->cwd[0] != '/') {
		ward_fail(err, 0, "--cwd: \"%s\" is not an absolute path", p->cwd ? p->cwd : "");
		spec_process_free(p);
		return NULL;
	}
	return p;
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

struct exec_listener {
	const struct ward_spec *spec;
	const struct host_object *sock;
	const char *id, *bundle;
};

static int exec_listener_handoff(void *ctx, pid_t pid, int fd, struct ward_error *err)
{
	struct exec_listener *l = ctx;
	return seccomp_handoff(l->spec, l->sock, l->id, l->bundle, pid, fd, err);
}

int container_exec(const struct exec_options *o, int *exit_status, struct ward_error *err)
{
	cleanup_close int rootfd = -1;
	cleanup_close int dirfd = -1;
	cleanup_close int pidfd = -1;
	cleanup_close int sigfd = -1;
	cleanup_close int console = -1;
	cleanup_close int console_ours = -1;
	cleanup_close int master = -1;
	cleanup_close int cgfd = -1;
	cleanup_close int cache = -1;
	cleanup_close int pidfd_sock = -1;
	cleanup_close int init_root = -1;
	cleanup_strv char **env = NULL;
	struct ward_process *p = NULL;
	struct ward_spawn sp = {.pid = -1, .pidfd = -1, .sync_fd = -1};
	struct ward_state st;
	struct seccomp_program filter = {0}, never = {0};
	struct ward_spec *config = NULL;
	struct policy_verdict verdict = {0};
	struct ward_plan plan;
	sigset_t sigs, old_mask;
	int rc = -1;

	*exit_status = 255;
	plan_init(&plan);
	if (open_container(o->root, o->id, &rootfd, &dirfd, &st, &pidfd, err) < 0)
		return -1;
	enum ward_status status = state_status(dirfd, &st, pidfd >= 0);
	if (status == STATUS_STOPPED) {
		ward_fail(err, 0, "cannot exec in a stopped container (container not running)");
		goto out;
	}
	if (status == STATUS_PAUSED && !o->ignore_paused) {
		ward_fail(err, 0, "cannot exec in a paused container (use --ignore-paused)");
		goto out;
	}
	p = build_process(o, dirfd, err);
	if (!p)
		goto out;
	/* The container's config: its annotations and user namespace for the policy, its
	 * seccomp profile for the process. */
	config = state_read_config(dirfd, err);
	if (!config || plan_build_exec(config, &plan, err) < 0 ||
	    policy_enforce(o->policy_file, config, &plan, p, o->id, &verdict, err) < 0 ||
	    inherit_cpu_affinity(p, config, err) < 0)
		goto out;
	if (lsm_check(p->apparmor_profile, p->selinux_label, err) < 0)
		goto out;
	if (p->terminal && !o->console_socket && o->detach) {
		ward_fail(err, 0,
			  "process.terminal is true: --console-socket is required with "
			  "--detach");
		goto out;
	}
	if (!p->terminal && o->console_socket) {
		ward_fail(err, 0, "--console-socket needs a terminal (--tty or process.terminal)");
		goto out;
	}
	if (p->terminal) {
		if (o->console_socket) {
			console = console_connect(o->console_socket, err);
			if (console < 0)
				goto out;
		} else {
			int pair[2];
			if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) < 0) {
				ward_fail(err, errno, "create the terminal socket pair");
				goto out;
			}
			console_ours = pair[0];
			console = pair[1];
		}
	}
	if (!o->detach) {
		if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0) {
			ward_fail(err, errno, "become a child subreaper");
			goto out;
		}
		forwarded_signals(&sigs);
		sigprocmask(SIG_BLOCK, &sigs, &old_mask);
		sigfd = signalfd(-1, &sigs, SFD_CLOEXEC | SFD_NONBLOCK);
	}

	/* The process joins the container's cgroup (or --cgroup's) as it is born. */
	const char *cgroup_root;
	if (st.cgroup_path) {
		if (cgroup_find_root(&cgroup_root, err) < 0)
			goto restore;
		cgfd = cgroup_open(cgroup_root, st.cgroup_path, err);
		if (cgfd < 0 || (o->cgroup && exec_sub_cgroup(&cgfd, o->cgroup, err) < 0))
			goto restore;
	} else if (o->cgroup) {
		ward_fail(err, 0, "--cgroup: container %s has no cgroup", o->id);
		goto restore;
	}
	if (o->pidfd_socket && (pidfd_sock = unix_connect(o->pidfd_socket)) < 0) {
		ward_fail(err, errno, "--pidfd-socket %s", o->pidfd_socket);
		goto restore;
	}
	/* The container's seccomp profile applies to exec'd processes too. */
	cache = seccomp_cache_open();
	if ((config->linux_.seccomp || verdict.default_seccomp) &&
	    seccomp_compile(config->linux_.seccomp, p->caps.bounding, cache, &filter, err) < 0)
		goto restore;
	unsigned never_rules = (verdict.never_filter ? SECCOMP_NEVER_BASE : 0) |
			       (verdict.never_userns ? SECCOMP_NEVER_USERNS : 0) |
			       (verdict.never_keyring ? SECCOMP_NEVER_KEYRING : 0);
	if (never_rules && seccomp_compile_never(never_rules, cache, &never, err) < 0)
		goto restore;
	int ns_flags;
	if (container_ns_flags(st.pid, !st.shared_mnt_ns, &ns_flags, err) < 0)
		goto restore;
	if (st.shared_mnt_ns && (init_root = open_init_root(&st, pidfd, err)) < 0)
		goto restore;
	struct exec_listener lctx = {
		.spec = config, .sock = &plan.listener, .id = o->id, .bundle = st.bundle};
	env = p->env ? NULL : calloc(1, sizeof(char *));
	struct ward_init_config cfg = {
		.spec = config, /* its personality and memory policy hold for exec'd processes */
		.id = o->id,
		.bundle = st.bundle,
		.cgroup_fd = cgfd,
		.exec_fifo_fd = -1,
		.console_fd = console,
		.preserve_fds = o->preserve_fds,
		.env = p->env ? p->env : env,
		.join_pidfd = pidfd,
		.join_ns_flags = ns_flags,
		.join_root_fd = init_root,
		.process = p,
		.seccomp = &filter,
		.seccomp_never = &never,
		.seccomp_listener = exec_listener_handoff,
		.listener_ctx = &lctx,
	};
	/* Unlocked before the process starts: it may be frozen with a paused container
	 * (--ignore-paused) until `resume`, which needs the lock. */
	close(steal_fd(&dirfd));
	int spawned = spawn_container(&cfg, &sp, err);
	/* Rootless: the kernel moves a process into a cgroup only for who may write the
	 * cgroup.procs of the common ancestor; from outside the delegated subtree the process
	 * stays in the caller's cgroup, as with runc, unless a limit needs it inside. */
	if (spawned < 0 && cgfd >= 0 && err->code == EACCES && ward_is_rootless()) {
		if (cgroup_resources_limit(&config->linux_.resources)) {
			ward_error_hint(err, "run exec from the delegated cgroup the container "
					     "was created in");
			goto restore;
		}
		log_warn("rootless: cannot move the process into the container's cgroup %s from "
			 "yours; it runs in your cgroup (the container has no limits)",
			 st.cgroup_path);
		cfg.cgroup_fd = -1;
		spawned = spawn_container(&cfg, &sp, err);
	}
	if (spawned < 0)
		goto restore;
	/* runc's payload for an exec'd process's pidfd. */
	if (pidfd_sock >= 0 && send_fd_to(pidfd_sock, sp.pidfd, "setns", err) < 0) {
		ward_error_prefix(err, "--pidfd-socket %s", o->pidfd_socket);
		spawn_abort(&sp);
		goto restore;
	}
	warn_ambient_caps(p);
	if (o->pid_file && state_write_pid_file(o->pid_file, sp.pid, err) < 0) {
		spawn_abort(&sp);
		goto restore;
	}
	if (console_ours >= 0) {
		master = console_receive(console_ours, err);
		if (master < 0) {
			spawn_abort(&sp);
			goto restore;
		}
	}
	if (spawn_wait_exec(&sp, err) < 0) {
		spawn_abort(&sp);
		goto restore;
	}
	if (o->detach) {
		*exit_status = 0;
	} else {
		*exit_status = wait_status(sp.pidfd, sigfd, master);
	}
	spawn_release(&sp);
	rc = 0;
restore:
	if (!o->detach)
		sigprocmask(SIG_SETMASK, &old_mask, NULL);
out:
	policy_verdict_clear(&verdict);
	plan_clear(&plan);
	spec_free(config);
	seccomp_program_free(&filter);
	seccomp_program_free(&never);
	spec_process_free(p);
	state_clear(&st);
	return rc;
}
