/* `create` (and the first half of `run`): config -> state directory -> a container init that
 * waits on exec.fifo, fully set up. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ward/cgroup.h"
#include "ward/cleanup.h"
#include "ward/console.h"
#include "ward/container.h"
#include "ward/hooks.h"
#include "ward/hostpath.h"
#include "ward/idmap_rootfs.h"
#include "ward/inspect.h"
#include "ward/json.h"
#include "ward/log.h"
#include "ward/lsm.h"
#include "ward/mounts.h"
#include "ward/plan.h"
#include "ward/policy.h"
#include "ward/rootless.h"
#include "ward/util.h"
#include "ward/verify.h"
#include "internal.h"

/* What one create holds while its stages run. */
struct create_run {
	const struct create_options *o;
	struct created_container *c; /* the spec, state and state directory, handed out */
	char *bundle;		     /* absolute */
	char *config;		     /* config.json as read, copied to the state directory */
	size_t config_len;
	struct ward_plan plan; /* the host objects the config names, resolved and judged */
	struct unit_placement unit;
	const char *cgroup_root;
	int *idmaps;	  /* per mount: an idmapped mount's user namespace, or -1 */
	int idmap_rootfs; /* `userns = auto`: the root filesystem shown through it, or -1 */
	int auto_userns;  /* `userns = auto`: the container's user namespace, or -1 */
	int fifo;	  /* exec.fifo's read end: the init waits on it for `start` */
	int nlisten;	  /* LISTEN_FDS passed on */
	char **env;
	struct launch l;
};

static int resolve_bundle(const char *bundle, char **out, struct ward_error *err)
{
	char buf[PATH_MAX];
	if (!realpath(bundle ? bundle : ".", buf))
		return ward_fail(err, errno, "--bundle %s", bundle ? bundle : ".");
	*out = strdup(buf);
	return *out ? 0 : ward_fail(err, ENOMEM, "bundle");
}

/* A container without a mount namespace of its own (the host's, or one joined by path; the
 * policy judged that) gets its root bound in that namespace: the state says which one, so
 * that delete can remove it there. */
static int record_mount_namespace(const struct ward_spec *spec, const struct ward_plan *plan,
				  struct ward_state *st, struct ward_error *err)
{
	const struct ward_namespace *mnt = &spec->linux_.namespaces[WARD_NS_MOUNT];
	struct stat ns;

	st->shared_mnt_ns = !mnt->present || mnt->path;
	if (!st->shared_mnt_ns)
		return 0;
	if (mnt->path ? fstat(plan->ns[WARD_NS_MOUNT].fd, &ns) < 0
		      : stat("/proc/self/ns/mnt", &ns) < 0)
		return ward_fail(err, errno, "linux.namespaces: identify the mount namespace");
	st->mnt_ns_dev = (uint64_t)ns.st_dev;
	st->mnt_ns_ino = (uint64_t)ns.st_ino;
	if (mnt->path && !(st->mnt_ns_path = strdup(mnt->path)))
		return ward_fail(err, ENOMEM, "state");
	return 0;
}

/* LISTEN_FDS (socket activation) passes its fds to the container as fds 3.., before the
 * --preserve-fds ones; the container sees LISTEN_PID=1. */
static int listen_fds(void)
{
	const char *s = getenv("LISTEN_FDS");
	long n;
	if (!s || parse_long(s, 1, 4096, &n) < 0)
		return 0;
	return (int)n;
}

static char **build_env(const struct ward_process *p, int nlisten)
{
	size_t n = strv_length(p->env);
	char **env = calloc(n + 3, sizeof *env);
	size_t o = 0;

	if (!env)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		if (nlisten && (strncmp(p->env[i], "LISTEN_FDS=", 11) == 0 ||
				strncmp(p->env[i], "LISTEN_PID=", 11) == 0))
			continue;
		env[o++] = strdup(p->env[i]);
	}
	if (nlisten) {
		if (asprintf(&env[o++], "LISTEN_FDS=%d", nlisten) < 0)
			env[o - 1] = NULL;
		env[o++] = strdup("LISTEN_PID=1");
	}
	for (size_t i = 0; i < o; i++) {
		if (!env[i]) {
			strv_free(env);
			return NULL;
		}
	}
	return env;
}

/* The prestart and createRuntime hooks, when the init reaches them: the executables the policy
 * judged, through their fds. */
static int runtime_hooks(void *ctx, pid_t pid, struct ward_error *err)
{
	struct create_run *r = ctx;
	const struct ward_spec *spec = r->c->spec;
	cleanup_free char *state = hooks_state_json(spec, r->o->id, "creating", pid, r->bundle);
	struct host_object *const *exe = r->plan.hooks;

	if (!state)
		return ward_fail(err, ENOMEM, "hooks");
	if (hooks_run(spec, WARD_HOOK_PRESTART, exe[WARD_HOOK_PRESTART], state, err) < 0)
		return -1;
	return hooks_run(spec, WARD_HOOK_CREATE_RUNTIME, exe[WARD_HOOK_CREATE_RUNTIME], state, err);
}

static int write_oom_score_adj(pid_t pid, int value, struct ward_error *err)
{
	char path[64], buf[16];
	cleanup_close int fd = -1;
	int n = snprintf(buf, sizeof buf, "%d", value);

	snprintf(path, sizeof path, "/proc/%d/oom_score_adj", pid);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd >= 0 && write(fd, buf, (size_t)n) == n)
		return 0;
	int e = errno, kept;
	if (fd >= 0 && rootless_oom_score_adj_kept(path, value, e, &kept)) {
		log_warn("process.oomScoreAdj: %d is below %d, which a rootless runtime cannot "
			 "lower; the container keeps %d",
			 value, kept, kept);
		return 0;
	}
	return ward_fail(err, e, "process.oomScoreAdj: set %d", value);
}

/* A failure in the state directory names it; a full file system says so. */
static int state_dir_failed(const struct create_options *o, struct ward_error *err)
{
	if (err->code == ENOSPC || err->code == EDQUOT)
		ward_error_hint(err, "the file system of --root %s is full", o->root);
	return ward_error_prefix(err, "state directory %s/%s", o->root, o->id);
}

static int copy_config(const struct create_options *o, int dirfd, const char *buf, size_t len,
		       struct ward_error *err)
{
	if (write_file_atomic(dirfd, "config.json", buf, len, 0600, err) < 0)
		return state_dir_failed(o, err);
	return 0;
}

int mark_container_cgroup(int rootfd, const char *id, int cgfd, struct ward_error *err)
{
	char mark[512];

	if (verify_mark(rootfd, id, mark, sizeof mark) < 0)
		return ward_fail(err, errno, "identify the state root");
	if (cgroup_set_mark(cgfd, mark, err) < 0) {
		if (err->code != ENOTSUP && err->code != EOPNOTSUPP)
			return -1;
		log_debug("%s", err->msg);
		ward_error_clear(err);
	}
	return 0;
}

/* Root: the configured cgroup. Rootless (an ordinary user, or root of a user namespace such as
 * rootless podman's): a cgroup below the caller's own when it is delegated (writable);
 * otherwise none, which is only acceptable when no limit was asked for. */
static int choose_cgroup(const struct ward_spec *spec, const struct create_options *o,
			 const char *root, char **path, struct ward_error *err)
{
	*path = NULL;
	if (o->systemd_cgroup)
		return 0; /* the unit's, known once systemd made it */
	if (!ward_is_rootless())
		return cgroup_resolve_path(spec->linux_.cgroups_path, o->id, path, err);
	cleanup_free char *self = cgroup_self_path();
	char dir[PATH_MAX];
	snprintf(dir, sizeof dir, "%s%s", root, self && strcmp(self, "/") != 0 ? self : "");
	if (self && access(dir, W_OK) == 0) {
		if (asprintf(path, "%s/ward-%s", strcmp(self, "/") == 0 ? "" : self, o->id) < 0)
			return ward_fail(err, ENOMEM, "cgroup path");
		return 0;
	}
	if (cgroup_resources_limit(&spec->linux_.resources))
		return ward_fail(err, 0,
				 "linux.resources: limits need a cgroup, and your cgroup %s "
				 "is not delegated to you (run ward from a delegated cgroup, "
				 "e.g. systemd-run --user -p Delegate=yes, or remove the "
				 "limits)",
				 dir);
	log_warn("rootless: cgroup %s is not delegated to you; the container runs without a "
		 "cgroup of its own (no limits were asked for%s)",
		 dir,
		 spec->linux_.resources.n_devices ? "; device rules are left to the user namespace"
						  : "");
	return 0;
}

/* Under `userns = auto` every bind mount is shown through the container's mappings, so that
 * host files keep their owners inside (and on disk). */
static bool idmapped(const struct ward_mount *m, const struct plan_mount *pm, bool auto_userns)
{
	return mount_wants_idmap(m) || (auto_userns && pm->opts.bind);
}

/* The user namespace mount i is shown through: its own mappings, or the container's (the one
 * `userns = auto` gave it, auto_fd, or the config's mappings). */
static int mount_userns(const struct ward_spec *spec, const struct ward_mount *m, size_t i,
			int auto_fd, struct ward_error *err)
{
	if (auto_fd >= 0 && !m->n_uid_mappings && !m->n_gid_mappings) {
		int fd = fcntl(auto_fd, F_DUPFD_CLOEXEC, 0);
		return fd >= 0 ? fd : ward_fail(err, errno, "mounts[%zu]", i);
	}
	const struct ward_id_mapping *u =
		m->n_uid_mappings ? m->uid_mappings : spec->linux_.uid_mappings;
	size_t nu = m->n_uid_mappings ? m->n_uid_mappings : spec->linux_.n_uid_mappings;
	const struct ward_id_mapping *g =
		m->n_gid_mappings ? m->gid_mappings : spec->linux_.gid_mappings;
	size_t ng = m->n_gid_mappings ? m->n_gid_mappings : spec->linux_.n_gid_mappings;
	if (!nu || !ng)
		return ward_fail(err, 0,
				 "mounts[%zu]: an idmapped mount needs uidMappings and gidMappings "
				 "(on the mount or in linux)",
				 i);
	int userns = idmap_userns_fd(u, nu, g, ng, err);
	return userns < 0 ? ward_error_prefix(err, "mounts[%zu]", i) : userns;
}

/* Idmapped mounts are made here, where the host privilege they need is: one detached mount per
 * idmapped entry, shown through the mount's own mappings or the container's. */
static int open_idmaps(const struct ward_spec *spec, const struct ward_plan *plan, int auto_fd,
		       int **out, struct ward_error *err)
{
	bool any = false;
	for (size_t i = 0; i < spec->n_mounts; i++)
		any |= idmapped(&spec->mounts[i], &plan->mounts[i], plan->auto_userns);
	*out = NULL;
	if (!any)
		return 0;
	/* The kernel idmaps a mount for whoever has CAP_SYS_ADMIN over its filesystem's user
	 * namespace (and over the mount namespace, to clone it): a rootless ward that is root
	 * of a user namespace of its own (rootless Podman's, `unshare -r`) can idmap what is
	 * mounted there; an unprivileged euid has neither. */
	if (ward_is_rootless() && geteuid() != 0)
		return ward_fail(err, 0,
				 "mounts: an idmapped mount needs CAP_SYS_ADMIN over the "
				 "mount's filesystem, which an unprivileged user has only in a "
				 "user namespace of its own: run ward as root of one (as rootless "
				 "Podman does, or under `unshare --map-auto --map-root-user "
				 "--mount`) with the source on a filesystem mounted there, or drop "
				 "the idmap options");
	int *fds = calloc(spec->n_mounts, sizeof *fds);
	if (!fds)
		return ward_fail(err, ENOMEM, "idmapped mounts");
	for (size_t i = 0; i < spec->n_mounts; i++)
		fds[i] = -1;
	*out = fds;
	for (size_t i = 0; i < spec->n_mounts; i++) {
		const struct ward_mount *m = &spec->mounts[i];
		if (!idmapped(m, &plan->mounts[i], plan->auto_userns))
			continue;
		int userns = mount_userns(spec, m, i, auto_fd, err);
		if (userns < 0)
			return -1;
		/* ward's own idmapping covers the whole bind, submounts included. */
		bool recursive = mount_wants_idmap(m) ? plan->mounts[i].opts.ridmap
						      : plan->mounts[i].opts.recursive;
		fds[i] = mount_prepare_bind(m, &plan->mounts[i], i, userns, recursive, err);
		close(userns);
		if (fds[i] < 0)
			return -1;
	}
	return 0;
}

/* `userns = auto`: the root filesystem shown through the container's mappings (image files
 * owned by 0 are root's inside), made here with the host privilege it needs. */
static int open_idmap_rootfs(const struct ward_plan *plan, int auto_fd, bool shared_mnt_ns,
			     int *out, struct ward_error *err)
{
	*out = -1;
	if (!plan->auto_userns)
		return 0;
	if (shared_mnt_ns)
		return ward_fail(err, 0,
				 "linux.namespaces: `userns = auto` shows the root filesystem "
				 "through the container's user namespace, which needs a mount "
				 "namespace of the container's own; add {\"type\": \"mount\"}");
	cleanup_close int dir = hostpath_reopen(&plan->rootfs, O_PATH | O_DIRECTORY, err);
	if (dir < 0)
		return ward_error_prefix(err, "root.path");
	*out = idmap_rootfs_open(dir, plan->rootfs.path, auto_fd, err);
	return *out < 0 ? -1 : 0;
}

static void close_idmaps(const struct ward_spec *spec, int *fds)
{
	if (!fds)
		return;
	for (size_t i = 0; i < spec->n_mounts; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	free(fds);
}

/* state.json with the config's annotations (borrowed from the spec for the write). */
static int write_state(struct created_container *c, struct ward_error *err)
{
	c->state.annotations = c->spec->annotations;
	c->state.n_annotations = c->spec->n_annotations;
	int rc = state_write(c->dirfd, &c->state, err);
	c->state.annotations = NULL;
	c->state.n_annotations = 0;
	return rc;
}

static int record_state(void *ctx, struct ward_error *err)
{
	return write_state(ctx, err);
}

/* Stage: the config, read from the bundle and checked as a request. */
static int create_load(struct create_run *r, struct ward_error *err)
{
	const struct create_options *o = r->o;
	cleanup_free char *config_path = NULL;

	if (state_validate_id(o->id, err) < 0 || resolve_bundle(o->bundle, &r->bundle, err) < 0)
		return -1;
	config_path = path_join(r->bundle, "config.json");
	if (!config_path)
		return ward_fail(err, ENOMEM, "bundle");
	if (read_file_limited(config_path, JSON_MAX_BYTES, &r->config, &r->config_len, err) < 0)
		return ward_error_prefix(err, "config.json");
	r->c->spec = spec_parse(r->config, r->config_len, "config.json", err);
	if (!r->c->spec)
		return -1;
	r->l.spec = r->c->spec;
	r->l.process = r->c->spec->process;
	r->l.bundle = r->bundle;
	return create_check_request(o, r->c->spec, err);
}

/* Stage: `userns = auto`'s user namespace, leased before the policy judges the config with it
 * (its root is then no host root). The undo record returns the lease. */
static int create_userns(struct create_run *r, struct ward_error *err)
{
	struct created_container *c = r->c;

	r->l.undo.userns_root = r->o->root;
	r->l.undo.userns_state = &c->state;
	return userns_auto_acquire(r->o->policy_file, r->o->root, r->o->id, c->spec, &c->state,
				   &r->auto_userns, err);
}

/* Stage: every host object the config names is resolved once; the policy judges (and hardens)
 * that plan before anything exists on the host, and the container gets exactly it. */
static int create_judge(struct create_run *r, struct ward_error *err)
{
	const struct create_options *o = r->o;
	struct ward_spec *spec = r->c->spec;

	if (plan_build(spec, r->bundle, o->root, PLAN_RESOLVE, &r->plan, err) < 0)
		return -1;
	r->plan.auto_userns = r->auto_userns >= 0;
	if (plan_require_resolved(spec, &r->plan, err) < 0 ||
	    policy_enforce(o->policy_file, spec, &r->plan, NULL, o->id, &r->l.verdict, err) < 0 ||
	    learn_session_create(&r->l.learn, o, &r->l.verdict, spec, err) < 0)
		return -1;
	if (o->systemd_cgroup) {
		if (unit_placement_open(&r->unit, spec, o->id, err) < 0)
			return -1;
		r->l.undo.unit = &r->unit;
	}
	/* Connected before anything exists, so that a wrong path fails cleanly (runc too). */
	if (launch_pidfd_socket(&r->l, o->pidfd_socket, err) < 0)
		return -1;
	r->nlisten = listen_fds();
	r->env = build_env(spec->process, r->nlisten);
	return r->env ? 0 : ward_fail(err, ENOMEM, "process.env");
}

/* Stage: the state directory, locked, with the config's copy and exec.fifo. */
static int create_state_dir(struct create_run *r, struct ward_error *err)
{
	struct created_container *c = r->c;
	const char *id = r->o->id;

	c->rootfd = state_open_root(r->o->root, err);
	if (c->rootfd < 0)
		return -1;
	state_remove_legacy_cache(c->rootfd);
	c->dirfd = state_create_dir(c->rootfd, id, err);
	if (c->dirfd < 0)
		return -1;
	r->l.undo.rootfd = c->rootfd;
	r->l.undo.dir = id;
	r->l.state_dirfd = c->dirfd;
	if (copy_config(r->o, c->dirfd, r->config, r->config_len, err) < 0 ||
	    learn_session_save(&r->l.learn, c->dirfd, err) < 0)
		return -1;
	if (mkfifoat(c->dirfd, "exec.fifo", 0600) < 0) {
		ward_fail(err, errno, "create exec.fifo");
		return state_dir_failed(r->o, err);
	}
	r->fifo = openat(c->dirfd, "exec.fifo", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (r->fifo < 0) {
		ward_fail(err, errno, "open exec.fifo");
		return state_dir_failed(r->o, err);
	}
	return 0;
}

/* Stage: state.json first (pid 0), naming the cgroup before it exists: a create killed at any
 * later point leaves what `delete --force` needs to remove everything. */
static int create_record(struct create_run *r, struct ward_error *err)
{
	struct created_container *c = r->c;
	const struct ward_namespace *pidns = &c->spec->linux_.namespaces[WARD_NS_PID];
	struct ward_state *st = &c->state;

	st->oci_version = strdup(c->spec->oci_version);
	st->id = strdup(r->o->id);
	st->bundle = strdup(r->bundle);
	st->rootfs = strdup(r->plan.rootfs.path);
	st->owner = geteuid();
	st->own_pid_ns = pidns->present && !pidns->path;
	if (record_mount_namespace(c->spec, &r->plan, st, err) < 0)
		return -1;
	if (st->shared_mnt_ns) {
		r->l.undo.shared_root = st;
		r->l.undo.shared_root_nsfd = r->plan.ns[WARD_NS_MOUNT].fd;
	}
	rfc3339_now(st->created, sizeof st->created);
	if (r->unit.connected) {
		st->systemd_unit = strdup(r->unit.unit.name);
		st->systemd_user = r->unit.user;
	}
	if (!st->oci_version || !st->id || !st->bundle || !st->rootfs ||
	    (r->unit.connected && !st->systemd_unit))
		return ward_fail(err, ENOMEM, "state");
	if (cgroup_find_root(&r->cgroup_root, err) < 0 ||
	    choose_cgroup(c->spec, r->o, r->cgroup_root, &st->cgroup_path, err) < 0)
		return -1;
	if (write_state(c, err) < 0)
		return state_dir_failed(r->o, err);
	return 0;
}

/* Stage: the cgroup, made with every limit in force, for the init to be born in
 * (CLONE_INTO_CGROUP); with --systemd-cgroup, the unit the spawn starts instead. */
static int create_cgroup(struct create_run *r, struct ward_error *err)
{
	struct created_container *c = r->c;
	const char *path = c->state.cgroup_path;

	if (path) {
		r->l.cgroup_fd = cgroup_create(r->cgroup_root, path, &c->spec->linux_, err);
		if (r->l.cgroup_fd < 0)
			return -1;
		r->l.undo.cgroup_root = r->cgroup_root;
		r->l.undo.cgroup_path = path;
		/* Later verbs act on this cgroup only if it carries the mark (see verify.h); where
		 * cgroups cannot carry extended attributes they check the init's cgroup alone. */
		if (mark_container_cgroup(c->rootfd, r->o->id, r->l.cgroup_fd, err) < 0)
			return -1;
	}
	r->unit.cgroup_root = r->cgroup_root;
	r->unit.rootfd = c->rootfd;
	r->unit.st = &c->state;
	r->unit.record = record_state;
	r->unit.record_ctx = c;
	return 0;
}

/* Stage: the init, set up by its own process and waiting on exec.fifo. */
static int create_spawn(struct create_run *r, struct ward_error *err)
{
	const struct create_options *o = r->o;
	struct ward_init_config cfg;

	launch_process_config(&r->l, r->env, r->nlisten + o->preserve_fds, &cfg);
	cfg.plan = &r->plan;
	cfg.no_pivot = o->no_pivot;
	cfg.no_new_keyring = o->no_new_keyring;
	cfg.shared_mnt_ns = r->c->state.shared_mnt_ns;
	cfg.place = r->unit.connected ? unit_placement_place : NULL;
	cfg.place_ctx = &r->unit;
	cfg.exec_fifo_fd = r->fifo;
	cfg.idmap_fds = r->idmaps;
	cfg.idmap_rootfs_fd = r->idmap_rootfs;
	cfg.runtime_hooks = runtime_hooks;
	cfg.hooks_ctx = r;
	if (spawn_container(&cfg, &r->l.spawn, err) < 0)
		return -1;
	log_debug("container %s: init is pid %d", o->id, r->l.spawn.pid);
	/* runc's payload for the init's pidfd. */
	return launch_send_pidfd(&r->l, o->pidfd_socket, "standard", err);
}

/* Stage: what needs the init's pid, then state.json with it. */
static int create_finish(struct create_run *r, struct ward_error *err)
{
	struct created_container *c = r->c;
	const struct ward_process *p = c->spec->process;
	const struct ward_spawn *sp = &r->l.spawn;

	/* After the spawn, so that a create that fails logs its error line alone (podman reads
	 * the log as one JSON value). */
	warn_ambient_caps(p);
	if (r->unit.connected)
		unit_warn_ignored_properties(c->spec);
	if (p->has_oom_score_adj && write_oom_score_adj(sp->pid, p->oom_score_adj, err) < 0)
		return -1;
	c->state.pid = sp->pid;
	c->state.rootfs_mount_id = sp->rootfs_mnt_id;
	state_read_start_time(sp->pid, &c->state.start_time);
	if (write_state(c, err) < 0)
		return state_dir_failed(r->o, err);
	if (r->o->pid_file && state_write_pid_file(r->o->pid_file, sp->pid, err) < 0)
		return -1;
	/* The created container holds the init and ward's end of its terminal from here. */
	c->spawn = *sp;
	r->l.spawn.pidfd = r->l.spawn.sync_fd = -1;
	c->console_fd = steal_fd(&r->l.console_ours);
	return 0;
}

int create_container(const struct create_options *o, struct created_container *c,
		     struct ward_error *err)
{
	struct create_run r = {.o = o,
			       .c = c,
			       .fifo = -1,
			       .idmap_rootfs = -1,
			       .auto_userns = -1,
			       .unit = {.cgfd = -1}};
	struct ward_error ignored;
	int rc = 0;

	memset(c, 0, sizeof *c);
	c->root = o->root;
	c->rootfd = c->dirfd = c->console_fd = -1;
	c->spawn.pid = c->spawn.pidfd = c->spawn.sync_fd = -1;
	launch_init(&r.l, o->id);
	r.l.listener = &r.plan.listener;
	plan_init(&r.plan);
	if (audit_open(&r.l.audit, o->policy_file, "create", o->id, err) < 0 ||
	    create_load(&r, err) < 0 || create_userns(&r, err) < 0 || create_judge(&r, err) < 0 ||
	    audit_check_reach(&r.l.audit, r.bundle, c->spec, err) < 0 ||
	    create_state_dir(&r, err) < 0 || launch_console(&r.l, o->console_socket, err) < 0 ||
	    create_record(&r, err) < 0 || create_cgroup(&r, err) < 0 ||
	    launch_filters(&r.l, err) < 0 ||
	    state_record_confinement(&c->state, c->spec, &r.l.filter, &r.l.never, &r.l.verdict,
				     err) < 0 ||
	    learn_session_record(&r.l.learn, &c->state.confinement) < 0 ||
	    open_idmaps(c->spec, &r.plan, r.auto_userns, &r.idmaps, err) < 0 ||
	    open_idmap_rootfs(&r.plan, r.auto_userns, c->state.shared_mnt_ns, &r.idmap_rootfs,
			      err) < 0 ||
	    create_spawn(&r, err) < 0 || create_finish(&r, err) < 0 ||
	    audit_launch(&r.l.audit, &r.l, NULL, err) < 0) {
		audit_launch(&r.l.audit, &r.l, err, &ignored);
		launch_undo(&r.l);
		rc = -1;
	}
	launch_release(&r.l);
	close_idmaps(c->spec, r.idmaps);
	if (r.idmap_rootfs >= 0)
		close(r.idmap_rootfs);
	if (r.auto_userns >= 0)
		close(r.auto_userns);
	plan_clear(&r.plan);
	unit_placement_close(&r.unit);
	if (r.fifo >= 0)
		close(r.fifo);
	free(r.bundle);
	free(r.config);
	strv_free(r.env);
	if (rc < 0)
		container_release(c);
	return rc;
}

int container_create(const struct create_options *o, struct ward_error *err)
{
	struct created_container c;

	if (create_container(o, &c, err) < 0)
		return -1;
	container_release(&c);
	return 0;
}

void container_release(struct created_container *c)
{
	spawn_release(&c->spawn);
	state_clear(&c->state);
	spec_free(c->spec);
	c->spec = NULL;
	if (c->dirfd >= 0)
		close(c->dirfd);
	if (c->rootfd >= 0)
		close(c->rootfd);
	if (c->console_fd >= 0)
		close(c->console_fd);
	c->dirfd = c->rootfd = c->console_fd = -1;
}
