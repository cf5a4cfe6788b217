/* Container side of starting a container: the setup stage (namespaces) and the init stage
 * (filesystem, process security, execve). Both report errors to ward over their socket and
 * exit; neither ever returns into ward's code. */
#include <errno.h>
#include <fcntl.h>
#include <linux/ioprio.h>
#include <linux/keyctl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <linux/magic.h>
#include <stdio.h>
#include <unistd.h>

#include "ward/cleanup.h"
#include "ward/console.h"
#include "ward/hooks.h"
#include "ward/loopback.h"
#include "ward/lsm.h"
#include "ward/namespaces.h"
#include "ward/process.h"
#include "ward/rootfs.h"
#include "ward/rootless.h"
#include "ward/safepath.h"
#include "ward/seccomp_learn.h"
#include "ward/spawn.h"
#include "ward/sync.h"
#include "ward/syscalls.h"
#include "ward/util.h"

__attribute__((noreturn)) static void die(int fd, struct ward_error *err, int status)
{
	sync_send_error(fd, err);
	_exit(status);
}

static int become_root_in_userns(int fd, struct ward_error *err)
{
	struct sync_msg msg;

	if (unshare(CLONE_NEWUSER) < 0)
		return ward_fail(err, errno, "linux.namespaces: create the user namespace");
	/* An unprivileged ward writes the maps through /proc/<pid>/, which is root-owned while
	 * this process is non-dumpable: dumpable just for that moment (runc does the same).
	 * "Root" is the root of the user namespace ward runs in, so this asks for the euid, not
	 * ward_is_rootless(): root of rootless podman's namespace owns those files. */
	bool unprivileged = geteuid() != 0;
	if (unprivileged)
		prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
	int rc = sync_send(fd, SYNC_USERNS_READY, 0, -1, err) < 0 ||
				 sync_expect(fd, SYNC_USERNS_MAPPED, &msg, NULL, "ward", err) < 0
			 ? -1
			 : 0;
	if (unprivileged)
		prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	if (rc < 0)
		return -1;
	if (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0) {
		ward_fail(err, errno, "become root in the user namespace");
		return ward_error_hint(err, "linux.uidMappings and linux.gidMappings must map "
					    "container ID 0");
	}
	return 0;
}

static int set_hostname(const struct ward_spec *spec, struct ward_error *err)
{
	bool own_uts = spec->linux_.namespaces[WARD_NS_UTS].present;

	if ((spec->hostname && *spec->hostname) || (spec->domainname && *spec->domainname)) {
		if (!own_uts)
			return ward_fail(err, 0,
					 "hostname: setting it needs a private UTS namespace "
					 "(add {\"type\": \"uts\"} to linux.namespaces)");
	}
	if (spec->hostname && *spec->hostname &&
	    sethostname(spec->hostname, strlen(spec->hostname)) < 0)
		return ward_fail(err, errno, "hostname: set \"%s\"", spec->hostname);
	if (spec->domainname && *spec->domainname &&
	    setdomainname(spec->domainname, strlen(spec->domainname)) < 0)
		return ward_fail(err, errno, "domainname: set \"%s\"", spec->domainname);
	return 0;
}

static int set_personality(const struct ward_linux *lx, struct ward_error *err)
{
	if (!lx->has_personality)
		return 0;
	unsigned long persona =
		strcmp(lx->personality_domain, "LINUX32") == 0 ? PER_LINUX32 : PER_LINUX;
	if (personality(persona) < 0)
		return ward_fail(err, errno, "linux.personality: set %s", lx->personality_domain);
	return 0;
}

/* process.scheduler through sched_setattr(2) (glibc has no wrapper). */
struct ward_sched_attr {
	uint32_t size, sched_policy;
	uint64_t sched_flags;
	int32_t sched_nice;
	uint32_t sched_priority;
	uint64_t sched_runtime, sched_deadline, sched_period;
};

static int set_scheduler(const struct ward_process *p, struct ward_error *err)
{
	static const char *const flag_names[] = {
		"SCHED_FLAG_RESET_ON_FORK",  "SCHED_FLAG_RECLAIM",     "SCHED_FLAG_DL_OVERRUN",
		"SCHED_FLAG_KEEP_POLICY",    "SCHED_FLAG_KEEP_PARAMS", "SCHED_FLAG_UTIL_CLAMP_MIN",
		"SCHED_FLAG_UTIL_CLAMP_MAX",
	};
	const struct ward_scheduler *s = &p->scheduler;
	struct ward_sched_attr attr = {.size = sizeof attr};

	if (!s->present)
		return 0;
	attr.sched_policy = (uint32_t)s->policy_value;
	attr.sched_nice = s->nice;
	attr.sched_priority = (uint32_t)s->priority;
	attr.sched_runtime = s->runtime;
	attr.sched_deadline = s->deadline;
	attr.sched_period = s->period;
	for (size_t i = 0; s->flags && s->flags[i]; i++)
		for (size_t b = 0; b < ARRAY_SIZE(flag_names); b++)
			if (strcmp(s->flags[i], flag_names[b]) == 0)
				attr.sched_flags |= 1ull << b;
	if (syscall(SYS_sched_setattr, 0, &attr, 0) < 0)
		return ward_fail(err, errno, "process.scheduler: set %s", s->policy);
	return 0;
}

/* oomScoreAdj from inside (exec'd processes): through the container's procfs, verified. */
static int set_oom_score_adj(const struct ward_process *p, struct ward_error *err)
{
	char buf[16];
	struct statfs sfs;
	cleanup_close int fd = -1;

	if (!p->has_oom_score_adj)
		return 0;
	fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0 || fstatfs(fd, &sfs) < 0 || sfs.f_type != PROC_SUPER_MAGIC)
		return ward_fail(err, fd < 0 ? errno : 0,
				 "process.oomScoreAdj: /proc/self/oom_score_adj is not on procfs");
	int n = snprintf(buf, sizeof buf, "%d", p->oom_score_adj);
	if (write(fd, buf, (size_t)n) == n)
		return 0;
	/* Rootless: a value the kernel will not lower stays as inherited from ward (as for the
	 * init, where create says so; this side cannot log). */
	int e = errno, kept;
	if (rootless_oom_score_adj_kept("/proc/self/oom_score_adj", p->oom_score_adj, e, &kept))
		return 0;
	return ward_fail(err, e, "process.oomScoreAdj: set %d", p->oom_score_adj);
}

static int set_io_priority(const struct ward_process *p, struct ward_error *err)
{
	if (!p->has_io_priority)
		return 0;
	int prio = IOPRIO_PRIO_VALUE(p->io_priority_class_value, p->io_priority);
	if (syscall(SYS_ioprio_set, IOPRIO_WHO_PROCESS, 0, prio) < 0)
		return ward_fail(err, errno, "process.ioPriority: set %s %d", p->io_priority_class,
				 p->io_priority);
	return 0;
}

/* Loads a filter that has a listener and sends the listener to ward the way learning's and
 * complain mode's filters let through (anything else would wait for an agent that does not
 * have the listener yet). */
static int load_with_handoff(const struct ward_seccomp_program *p, int fd, struct ward_error *err)
{
	int listener = -1;

	if (ward_seccomp_install(p, &listener, err) < 0)
		return -1;
	int rc = learn_send_listener(fd, listener, err);
	close(listener);
	return rc;
}

static int load_seccomp(const struct ward_init_config *cfg, int fd, struct ward_error *err)
{
	int listener = -1;

	if (cfg->seccomp_never && ward_seccomp_install(cfg->seccomp_never, NULL, err) < 0)
		return -1;
	/* Learning: the notifying filter goes before the profile, so that its agent sees the
	 * profile's installation and records what follows it. */
	if (cfg->seccomp_learn && load_with_handoff(cfg->seccomp_learn, fd, err) < 0)
		return -1;
	if (cfg->seccomp_complain && cfg->seccomp)
		return load_with_handoff(cfg->seccomp, fd, err);
	if (cfg->seccomp && ward_seccomp_install(cfg->seccomp, &listener, err) < 0)
		return -1;
	if (listener >= 0) {
		/* ward hands it to the agent at listenerPath. */
		int rc = sync_send(fd, SYNC_SECCOMP_FD, 0, listener, err);
		close(listener);
		return rc;
	}
	return 0;
}

static bool has_hooks(const struct ward_spec *spec, enum ward_hook_kind kind)
{
	return spec->hooks.count[kind] > 0;
}

/* The host pid of this process: /proc is still the host's procfs until pivot_root. */
static pid_t host_pid(void)
{
	char buf[32];
	ssize_t n = readlink("/proc/self", buf, sizeof buf - 1);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	return (pid_t)atoi(buf);
}

static int run_container_hooks(const struct ward_init_config *cfg, enum ward_hook_kind kind,
			       pid_t pid, const char *status, struct ward_error *err)
{
	if (!has_hooks(cfg->spec, kind))
		return 0;
	cleanup_free char *state = hooks_state_json(cfg->spec, cfg->id, status, pid, cfg->bundle);
	if (!state)
		return ward_fail(err, ENOMEM, "hooks");
	/* createContainer hooks run the executables ward judged (their fds came along); the
	 * startContainer ones are the container's own programs, run after its privilege drop. */
	const struct host_object *exe =
		kind == WARD_HOOK_START_CONTAINER || !cfg->plan ? NULL : cfg->plan->hooks[kind];
	int rc = hooks_run(cfg->spec, kind, exe, state, err);
	/* They are host files: their descriptors do not outlive their use. */
	for (size_t i = 0; exe && i < cfg->plan->n_hooks[kind]; i++)
		close(exe[i].fd);
	return rc;
}

/* Asks ward to run the prestart and createRuntime hooks, which belong to the runtime
 * namespace, at the point the runtime spec puts them: namespaces and mounts are ready, the
 * root is not pivoted yet. */
static int request_runtime_hooks(const struct ward_init_config *cfg, int fd, struct ward_error *err)
{
	struct sync_msg msg;

	if (!has_hooks(cfg->spec, WARD_HOOK_PRESTART) &&
	    !has_hooks(cfg->spec, WARD_HOOK_CREATE_RUNTIME))
		return 0;
	if (sync_send(fd, SYNC_RUNTIME_HOOKS, 0, -1, err) < 0)
		return -1;
	return sync_expect(fd, SYNC_HOOKS_DONE, &msg, NULL, "ward", err);
}

/* The process's own credentials, the same for the init and exec'd processes, in the one safe
 * order: cwd, rlimits, executable and HOME, bounding set, user and groups, LSM exec label,
 * no_new_privs, the capability sets, seccomp last (so the filter only has to allow what
 * follows; without no_new_privs it must come before the user change, while CAP_SYS_ADMIN is
 * held). Ends ready for execve. The executable and HOME are resolved first, while this is root
 * and no seccomp filter can deny the lookup. */
static int drop_to_process(const struct ward_init_config *cfg, int fd, const struct ward_process *p,
			   struct process_exec *exe, struct ward_error *err)
{
	if (process_chdir(p->cwd, err) < 0 || process_set_rlimits(p, err) < 0 ||
	    process_prepare_exec(p, cfg->env, exe, err) < 0 || caps_set_bounding(&p->caps, err) < 0)
		return -1;
	/* Without no_new_privs, loading a filter needs CAP_SYS_ADMIN: before the user change.
	 * Learning loads there always, so that the profile it learns allows what follows in
	 * either order (engines give noNewPrivileges false, `ward spec` true). */
	bool early = !p->no_new_privileges || cfg->seccomp_learn;
	if (early && load_seccomp(cfg, fd, err) < 0)
		return -1;
	if (process_set_user(p, err) < 0)
		return -1;
	if (lsm_set_exec_labels(p->apparmor_profile, p->selinux_label, err) < 0)
		return -1;
	if (p->no_new_privileges && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return ward_fail(err, errno, "process.noNewPrivileges: set no_new_privs");
	if (caps_apply(&p->caps, err) < 0)
		return ward_error_prefix(err, "process.capabilities");
	/* With no_new_privs the filter goes last, so it only needs to allow what follows. */
	if (!early && load_seccomp(cfg, fd, err) < 0)
		return -1;
	umask(p->has_umask ? (mode_t)p->umask : 022);
	return 0;
}

/* Everything from the filesystem view to the last privilege drop: mounts on the judged root,
 * pivot_root, hostname and sysctls, masked and read-only paths, personality and scheduling,
 * a fresh session keyring, then drop_to_process(). Returns ready to execve `exe`. */
static int prepare_container(const struct ward_init_config *cfg, int fd, pid_t pid,
			     struct process_exec *exe, struct ward_error *err)
{
	const struct ward_spec *spec = cfg->spec;
	const struct ward_process *p = cfg->process;
	cleanup_close int rootfd = -1;
	cleanup_close int cwdfd = -1;
	cleanup_close int nullfd = -1;

	/* A session of its own: host terminal signals reach the container only through ward. */
	if (setsid() < 0)
		return ward_fail(err, errno, "create a session");
	rootfd = rootfs_prepare(spec, cfg->plan, cfg->idmap_fds, cfg->idmap_rootfs_fd,
				cfg->shared_mnt_ns, err);
	if (rootfd < 0)
		return -1;
	if (cfg->shared_mnt_ns) {
		/* Before anything else can fail: ward removes this mount if the container goes. */
		uint64_t id;
		if (rootfs_mount_id(rootfd, &id) < 0)
			return ward_fail(err, errno, "identify the bound root filesystem");
		if (sync_send(fd, SYNC_ROOTFS_MOUNT, (int64_t)id, -1, err) < 0)
			return -1;
	}
	if (request_runtime_hooks(cfg, fd, err) < 0 ||
	    run_container_hooks(cfg, WARD_HOOK_CREATE_CONTAINER, pid, "created", err) < 0)
		return -1;
	cwdfd = safe_mkdir_all_in_root(rootfd, p->cwd, 0755, err);
	if (cwdfd < 0)
		return ward_error_prefix(err, "process.cwd");
	close(steal_fd(&cwdfd));
	if (rootfs_pivot(rootfd, cfg->no_pivot, cfg->shared_mnt_ns, err) < 0)
		return -1;
	nullfd = rootfs_open_null(err);
	if (nullfd < 0)
		return -1;
	if (cfg->console_fd >= 0 && console_setup(p, cfg->console_fd, true, err) < 0)
		return -1;
	if (set_hostname(spec, err) < 0 || rootfs_apply_sysctl(&spec->linux_, err) < 0 ||
	    rootfs_mask_paths(&spec->linux_, nullfd, err) < 0 || rootfs_finalize(spec, err) < 0 ||
	    set_personality(&spec->linux_, err) < 0 ||
	    process_set_memory_policy(&spec->linux_, err) < 0 || set_io_priority(p, err) < 0 ||
	    set_scheduler(p, err) < 0)
		return -1;
	/* A fresh session keyring: keys of the host's session must not be reachable. */
	if (!cfg->no_new_keyring && syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, NULL) < 0 &&
	    errno != ENOSYS)
		return ward_fail(err, errno,
				 "create a session keyring (use --no-new-keyring to "
				 "keep the caller's)");
	return drop_to_process(cfg, fd, p, exe, err);
}

/* Blocks until `start` writes to exec.fifo. */
static int wait_for_start(int fifo, struct ward_error *err)
{
	struct pollfd pfd = {.fd = fifo, .events = POLLIN};
	char byte;

	for (;;) {
		if (poll(&pfd, 1, -1) < 0) {
			if (errno == EINTR)
				continue;
			return ward_fail(err, errno, "wait for start");
		}
		ssize_t n = read(fifo, &byte, 1);
		if (n == 1)
			return 0;
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		return ward_fail(err, n < 0 ? errno : 0, "exec.fifo was closed without a start");
	}
}

/* Only stdio, the preserved fds (and the setup socket, until execve) survive into the
 * container. */
static void close_inherited_fds(int preserve)
{
	for (int fd = 3; fd < 3 + preserve; fd++)
		fcntl(fd, F_SETFD, 0);
	syscall(SYS_close_range, 3 + preserve, ~0U, CLOSE_RANGE_CLOEXEC);
}

__attribute__((noreturn)) static void init_stage(const struct ward_init_config *cfg, int fd)
{
	struct ward_error err = {0};
	struct process_exec exe = {0};
	pid_t pid = host_pid();

	if (prepare_container(cfg, fd, pid, &exe, &err) < 0)
		die(fd, &err, 1);
	if (sync_send(fd, SYNC_READY, 0, -1, &err) < 0)
		_exit(1);
	if (wait_for_start(cfg->exec_fifo_fd, &err) < 0)
		die(fd, &err, 1);
	/* exec.fifo stays open (close-on-exec) until the execve: `start` waits for that. */
	if (run_container_hooks(cfg, WARD_HOOK_START_CONTAINER, pid, "created", &err) < 0)
		die(fd, &err, 1);

	close_inherited_fds(cfg->preserve_fds);
	process_reset_signals();
	execve(exe.path, cfg->process->args, exe.env);
	ward_fail(&err, errno, "exec: \"%s\"", exe.path);
	die(fd, &err, EXIT_CANNOT_EXEC);
}

static int cmp_int(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

/* Closes every fd ward had open except stdio, the preserved ones and those the container
 * setup needs: the state directory's lock, the log file and the like must not live on in the
 * container. */
static int close_unneeded_fds(const struct ward_init_config *cfg, int setup_fd, int init_fd,
			      struct ward_error *err)
{
	size_t nmounts = cfg->idmap_fds ? cfg->spec->n_mounts : 0;
	size_t nhooks = cfg->plan ? cfg->plan->n_hooks[WARD_HOOK_CREATE_CONTAINER] : 0;
	int n = 0, from = 3 + cfg->preserve_fds;
	int candidates[] = {
		setup_fd,	init_fd,	 cfg->exec_fifo_fd, cfg->console_fd,
		cfg->cgroup_fd, cfg->join_pidfd, cfg->join_root_fd, cfg->idmap_rootfs_fd};
	cleanup_free int *keep =
		calloc(ARRAY_SIZE(candidates) + nmounts + WARD_NS_KINDS + nhooks, sizeof *keep);

	if (!keep)
		return ward_fail(err, ENOMEM, "close ward's file descriptors");

	for (size_t i = 0; i < ARRAY_SIZE(candidates); i++)
		if (candidates[i] >= from)
			keep[n++] = candidates[i];
	for (size_t i = 0; i < nmounts; i++)
		if (cfg->idmap_fds[i] >= from)
			keep[n++] = cfg->idmap_fds[i];
	/* The namespace files to join, opened and judged in ward. */
	for (int k = 0; cfg->plan && k < WARD_NS_KINDS; k++)
		if (cfg->plan->ns[k].fd >= from)
			keep[n++] = cfg->plan->ns[k].fd;
	/* The judged createContainer hook executables, which the init runs. */
	for (size_t i = 0; i < nhooks; i++)
		if (cfg->plan->hooks[WARD_HOOK_CREATE_CONTAINER][i].fd >= from)
			keep[n++] = cfg->plan->hooks[WARD_HOOK_CREATE_CONTAINER][i].fd;
	qsort(keep, (size_t)n, sizeof keep[0], cmp_int);
	for (int i = 0; i < n; i++) {
		if (keep[i] > from)
			syscall(SYS_close_range, from, keep[i] - 1, 0);
		from = keep[i] + 1;
	}
	syscall(SYS_close_range, from, ~0U, 0);
	return 0;
}

/* A process joining a running container (`ward exec`): no filesystem work, only the process's
 * own credentials, in the same order as for the init. */
static int prepare_exec(const struct ward_init_config *cfg, int fd, struct process_exec *exe,
			struct ward_error *err)
{
	const struct ward_process *p = cfg->process;

	if (setsid() < 0)
		return ward_fail(err, errno, "create a session");
	if (cfg->console_fd >= 0 && console_setup(p, cfg->console_fd, false, err) < 0)
		return -1;
	if (!cfg->no_new_keyring && syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, NULL) < 0 &&
	    errno != ENOSYS)
		return ward_fail(err, errno, "create a session keyring");
	/* The container's personality and memory policy hold for every process in it. */
	if (set_io_priority(p, err) < 0 || set_scheduler(p, err) < 0 ||
	    set_oom_score_adj(p, err) < 0 || set_personality(&cfg->spec->linux_, err) < 0 ||
	    process_set_memory_policy(&cfg->spec->linux_, err) < 0 ||
	    process_set_final_affinity(p, err) < 0)
		return -1;
	return drop_to_process(cfg, fd, p, exe, err);
}

__attribute__((noreturn)) static void exec_stage(const struct ward_init_config *cfg, int fd)
{
	struct ward_error err = {0};
	struct process_exec exe = {0};

	if (prepare_exec(cfg, fd, &exe, &err) < 0)
		die(fd, &err, 1);
	if (sync_send(fd, SYNC_READY, 0, -1, &err) < 0)
		_exit(1);
	close_inherited_fds(cfg->preserve_fds);
	process_reset_signals();
	execve(exe.path, cfg->process->args, exe.env);
	ward_fail(&err, errno, "exec: \"%s\"", exe.path);
	die(fd, &err, EXIT_CANNOT_EXEC);
}

/* `ward exec`: one atomic setns into every namespace of the container (user first), and its
 * root when it has no mount namespace of its own. */
static int join_container(const struct ward_init_config *cfg, struct ward_error *err)
{
	if (cfg->join_ns_flags && setns(cfg->join_pidfd, cfg->join_ns_flags) < 0)
		return ward_fail(err, errno, "join the container's namespaces");
	/* Without a mount namespace of its own, the container's root is its init's. */
	if (cfg->join_root_fd >= 0 &&
	    (fchdir(cfg->join_root_fd) < 0 || chroot(".") < 0 || chdir("/") < 0))
		return ward_fail(err, errno, "enter the container's root filesystem");
	return 0;
}

/* A new container: join the namespaces the config names by path (user first), then create the
 * user namespace and the others. */
static int enter_namespaces(const struct ward_init_config *cfg, int setup_fd,
			    struct ward_error *err)
{
	const struct ward_linux *lx = &cfg->spec->linux_;

	/* The idmapped root is attached where this working directory is: entered here, before
	 * the user namespace takes the host's search permissions away (rootfs.h). */
	if (cfg->idmap_rootfs_fd >= 0 && rootfs_enter_judged(&cfg->plan->rootfs, err) < 0)
		return -1;
	if (ns_join(lx, cfg->plan->ns, err) < 0)
		return -1;
	/* In a joined user namespace, act as its root (ward's own ids are not mapped). */
	if (lx->namespaces[WARD_NS_USER].path &&
	    (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)) {
		ward_fail(err, errno, "linux.namespaces: become root in the joined user namespace");
		return ward_error_hint(err, "its mappings must map container ID 0");
	}
	if (lx->namespaces[WARD_NS_USER].present && !lx->namespaces[WARD_NS_USER].path &&
	    become_root_in_userns(setup_fd, err) < 0)
		return -1;
	int flags = ns_new_flags(lx);
	if (flags && unshare(flags) < 0)
		return ward_fail(err, errno, "linux.namespaces: create namespaces");
	if ((flags & CLONE_NEWTIME) && ns_write_time_offsets(lx, err) < 0)
		return -1;
	/* Only a network namespace of the container's own: a joined one is left as is. */
	if ((flags & CLONE_NEWNET) && loopback_up(err) < 0)
		return -1;
	return 0;
}

void init_setup_stage(const struct ward_init_config *cfg, int setup_fd, int init_fd)
{
	struct ward_error err = {0};
	int pidfd = -1;

	if (close_unneeded_fds(cfg, setup_fd, init_fd, &err) < 0)
		die(setup_fd, &err, 1);
	/* If ward dies mid-setup, so does the setup process (and with it, the init's socket). */
	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	/* Nothing happens before ward has the process in the container's cgroup: the cgroup
	 * namespace, the cpuset the affinity meets and the init's cgroup all follow from it. */
	struct sync_msg placed;
	if (cfg->place && sync_expect(setup_fd, SYNC_PLACED, &placed, NULL, "ward", &err) < 0)
		die(setup_fd, &err, 1);
	if (process_set_initial_affinity(cfg->process, cfg->join_pidfd >= 0, &err) < 0)
		die(setup_fd, &err, 1);

	if ((cfg->join_pidfd >= 0 ? join_container(cfg, &err)
				  : enter_namespaces(cfg, setup_fd, &err)) < 0)
		die(setup_fd, &err, 1);

	struct clone_args args = {
		.flags = CLONE_PIDFD,
		.pidfd = (uint64_t)(uintptr_t)&pidfd,
		.exit_signal = SIGCHLD,
	};
	pid_t pid = sys_clone3(&args);
	if (pid == 0) {
		close(setup_fd);
		prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0);
		if (cfg->join_pidfd >= 0)
			exec_stage(cfg, init_fd);
		init_stage(cfg, init_fd);
	}
	if (pid < 0) {
		ward_fail(&err, errno, "clone the container init");
		if (err.code == EAGAIN)
			spawn_hint_pids(&err);
		die(setup_fd, &err, 1);
	}
	if (sync_send(setup_fd, SYNC_INIT_PID, pid, pidfd, &err) < 0) {
		kill(pid, SIGKILL);
		_exit(1);
	}
	_exit(0);
}
