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
#include <yajl/yajl_gen.h>

#include "ward/cgroup.h"
#include "ward/cleanup.h"
#include "ward/console.h"
#include "ward/container.h"
#include "ward/hooks.h"
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

static int resolve_bundle(const char *bundle, char **out, struct ward_error *err)
{
	char buf[PATH_MAX];
	if (!realpath(bundle ? bundle : ".", buf))
		return ward_fail(err, errno, "--bundle %s", bundle ? bundle : ".");
	*out = strdup(buf);
	return *out ? 0 : ward_fail(err, ENOMEM, "bundle");
}

/* Whether path names the namespace ward itself is in (the host's, for ward run by root). */
static bool is_own_namespace(const char *path, enum ward_ns_kind ns)
{
	static const char *const proc_names[WARD_NS_KINDS] = {
		[WARD_NS_PID] = "pid",	     [WARD_NS_NETWORK] = "net", [WARD_NS_MOUNT] = "mnt",
		[WARD_NS_IPC] = "ipc",	     [WARD_NS_UTS] = "uts",	[WARD_NS_USER] = "user",
		[WARD_NS_CGROUP] = "cgroup", [WARD_NS_TIME] = "time",
	};
	char own[64];
	struct stat a, b;
	snprintf(own, sizeof own, "/proc/self/ns/%s", proc_names[ns]);
	/* An unreadable path is refused later, when it is joined. */
	return stat(path, &a) == 0 && stat(own, &b) == 0 && a.st_ino == b.st_ino &&
	       a.st_dev == b.st_dev;
}

/* Only sysctls that belong to a namespace the container owns: anything else would change the
 * host. */
static int check_sysctls(const struct ward_linux *lx, struct ward_error *err)
{
	static const char *const ipc[] = {"kernel.msgmax", "kernel.msgmnb",	    "kernel.msgmni",
					  "kernel.sem",	   "kernel.shmall",	    "kernel.shmmax",
					  "kernel.shmmni", "kernel.shm_rmid_forced"};
	for (size_t i = 0; i < lx->n_sysctl; i++) {
		const char *key = lx->sysctl[i].key;
		enum ward_ns_kind ns = WARD_NS_KINDS;
		if (strncmp(key, "net.", 4) == 0)
			ns = WARD_NS_NETWORK;
		else if (strncmp(key, "fs.mqueue.", 10) == 0)
			ns = WARD_NS_IPC;
		else if (strcmp(key, "kernel.hostname") == 0 ||
			 strcmp(key, "kernel.domainname") == 0)
			ns = WARD_NS_UTS;
		for (size_t j = 0; j < ARRAY_SIZE(ipc); j++)
			if (strcmp(key, ipc[j]) == 0)
				ns = WARD_NS_IPC;
		if (ns == WARD_NS_KINDS)
			return ward_fail(err, 0,
					 "config.json: linux.sysctl.%s: not a namespaced sysctl, "
					 "so setting it would change the host (allowed: net.*, "
					 "kernel.shm*/msg*/sem, fs.mqueue.*, kernel.hostname, "
					 "kernel.domainname)",
					 key);
		if (lx->namespaces[ns].present && lx->namespaces[ns].path &&
		    is_own_namespace(lx->namespaces[ns].path, ns))
			return ward_fail(err, 0,
					 "config.json: linux.sysctl.%s: the %s namespace joined by "
					 "path is the host's own, so setting it would change the "
					 "host",
					 key, spec_ns_name(ns));
		if (!lx->namespaces[ns].present)
			return ward_fail(err, 0,
					 "config.json: linux.sysctl.%s: needs a private %s "
					 "namespace (add {\"type\": \"%s\"} to linux.namespaces)",
					 key, spec_ns_name(ns), spec_ns_name(ns));
	}
	return 0;
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

/* What runc's callers rely on before anything is created. */
static int check_request(const struct create_options *o, const struct ward_spec *spec,
			 struct ward_error *err)
{
	if (!spec->process)
		return ward_fail(err, 0,
				 "config.json: process: missing; a container needs a "
				 "process to run");
	if (spec->process->terminal && !o->console_socket && !o->foreground)
		return ward_fail(err, 0,
				 "process.terminal is true: --console-socket is required "
				 "when the container is detached");
	if (!spec->process->terminal && o->console_socket)
		return ward_fail(err, 0,
				 "--console-socket needs process.terminal set to true in "
				 "config.json");
	if (lsm_check(spec->process->apparmor_profile, spec->process->selinux_label, err) < 0 ||
	    lsm_check_mount_label(spec->linux_.mount_label, err) < 0 ||
	    check_sysctls(&spec->linux_, err) < 0 || check_supported(spec, err) < 0)
		return -1;
	for (int fd = 3; fd < 3 + o->preserve_fds; fd++) {
		struct stat st;
		if (fstat(fd, &st) < 0)
			return ward_fail(err, errno, "--preserve-fds: fd %d", fd);
	}
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

struct hooks_ctx {
	const struct ward_spec *spec;
	const struct ward_plan *plan; /* the hook executables the policy judged */
	const char *id;
	const char *bundle;
};

int seccomp_handoff(const struct ward_spec *spec, const struct host_object *sock, const char *id,
		    const char *bundle, pid_t pid, int fd, struct ward_error *err)
{
	const struct ward_seccomp *sc = spec->linux_.seccomp;
	cleanup_free char *msg = NULL;
	const unsigned char *buf;
	size_t len;
	yajl_gen g;

	if (!sc || !sc->listener_path || !sock || sock->fd < 0)
		return ward_fail(err, EINVAL, "seccomp notification without a listenerPath");
	g = yajl_gen_alloc(NULL);
	if (!g)
		return ward_fail(err, ENOMEM, "seccomp handoff");
#define GS(s) yajl_gen_string(g, (const unsigned char *)(s), strlen(s))
	yajl_gen_map_open(g);
	GS("ociVersion");
	GS(spec->oci_version);
	GS("fds");
	yajl_gen_array_open(g);
	GS("seccompFd");
	yajl_gen_array_close(g);
	GS("pid");
	yajl_gen_integer(g, pid);
	GS("metadata");
	GS(sc->listener_metadata ? sc->listener_metadata : "");
	GS("state");
	yajl_gen_map_open(g);
	GS("ociVersion");
	GS(spec->oci_version);
	GS("id");
	GS(id);
	GS("status");
	GS("creating");
	GS("pid");
	yajl_gen_integer(g, pid);
	GS("bundle");
	GS(bundle);
	GS("annotations");
	yajl_gen_map_open(g);
	for (size_t i = 0; i < spec->n_annotations; i++) {
		GS(spec->annotations[i].key);
		GS(spec->annotations[i].value);
	}
	yajl_gen_map_close(g);
	yajl_gen_map_close(g);
	yajl_gen_map_close(g);
#undef GS
	if (yajl_gen_get_buf(g, &buf, &len) == yajl_gen_status_ok)
		msg = strndup((const char *)buf, len);
	yajl_gen_free(g);
	if (!msg)
		return ward_fail(err, ENOMEM, "seccomp handoff");
	return seccomp_send_listener(sock->fd, sc->listener_path, fd, msg, err);
}

struct listener_ctx {
	const struct ward_spec *spec;
	const struct host_object *sock;
	const char *id;
	const char *bundle;
};

static int listener_handoff(void *ctx, pid_t pid, int fd, struct ward_error *err)
{
	struct listener_ctx *l = ctx;
	return seccomp_handoff(l->spec, l->sock, l->id, l->bundle, pid, fd, err);
}

static int runtime_hooks(void *ctx, pid_t pid, struct ward_error *err)
{
	struct hooks_ctx *h = ctx;
	cleanup_free char *state = hooks_state_json(h->spec, h->id, "creating", pid, h->bundle);

	if (!state)
		return ward_fail(err, ENOMEM, "hooks");
	/* The executables the policy judged, through their fds. */
	struct host_object *const *exe = h->plan->hooks;
	if (hooks_run(h->spec, WARD_HOOK_PRESTART, exe[WARD_HOOK_PRESTART], state, err) < 0)
		return -1;
	return hooks_run(h->spec, WARD_HOOK_CREATE_RUNTIME, exe[WARD_HOOK_CREATE_RUNTIME], state,
			 err);
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

/* Idmapped mounts are made here, where the host privilege they need is: one detached mount per
 * idmapped entry, shown through the mount's own mappings or the container's. */
static int open_idmaps(const struct ward_spec *spec, const struct ward_plan *plan, int **out,
		       struct ward_error *err)
{
	bool any = false;
	for (size_t i = 0; i < spec->n_mounts; i++)
		any |= mount_wants_idmap(&spec->mounts[i]);
	*out = NULL;
	if (!any)
		return 0;
	if (ward_is_rootless())
		return ward_fail(err, 0,
				 "mounts: idmapped mounts need root on the host (rootless ward "
				 "cannot create them)");
	int *fds = calloc(spec->n_mounts, sizeof *fds);
	if (!fds)
		return ward_fail(err, ENOMEM, "idmapped mounts");
	for (size_t i = 0; i < spec->n_mounts; i++)
		fds[i] = -1;
	*out = fds;
	for (size_t i = 0; i < spec->n_mounts; i++) {
		const struct ward_mount *m = &spec->mounts[i];
		if (!mount_wants_idmap(m))
			continue;
		const struct ward_id_mapping *u =
			m->n_uid_mappings ? m->uid_mappings : spec->linux_.uid_mappings;
		size_t nu = m->n_uid_mappings ? m->n_uid_mappings : spec->linux_.n_uid_mappings;
		const struct ward_id_mapping *g =
			m->n_gid_mappings ? m->gid_mappings : spec->linux_.gid_mappings;
		size_t ng = m->n_gid_mappings ? m->n_gid_mappings : spec->linux_.n_gid_mappings;
		if (!nu || !ng)
			return ward_fail(err, 0,
					 "mounts[%zu]: an idmapped mount needs uidMappings "
					 "and gidMappings (on the mount or in linux)",
					 i);
		int userns = idmap_userns_fd(u, nu, g, ng, err);
		if (userns < 0)
			return ward_error_prefix(err, "mounts[%zu]", i);
		fds[i] = mount_prepare_bind(m, &plan->mounts[i], i, userns, err);
		close(userns);
		if (fds[i] < 0)
			return -1;
	}
	return 0;
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

int container_create(const struct create_options *o, struct created_container *c,
		     struct ward_error *err)
{
	cleanup_free char *bundle = NULL;
	cleanup_free char *config_path = NULL;
	cleanup_free char *config = NULL;
	cleanup_strv char **env = NULL;
	cleanup_close int fifo = -1;
	cleanup_close int console = -1;
	cleanup_close int cgfd = -1;
	cleanup_close int cache = -1;
	cleanup_close int pidfd_sock = -1;
	const char *cgroup_root = NULL;
	bool cgroup_created = false;
	struct seccomp_program filter = {0}, never = {0};
	struct policy_verdict verdict = {0};
	struct ward_plan plan = {0};
	bool plan_built = false;
	int *idmaps = NULL;
	size_t config_len;
	int console_pair[2] = {-1, -1};
	bool dir_created = false;
	struct unit_placement unit = {.cgfd = -1};

	memset(c, 0, sizeof *c);
	c->rootfd = c->dirfd = c->console_fd = -1;
	c->spawn.pid = c->spawn.pidfd = c->spawn.sync_fd = -1;

	if (state_validate_id(o->id, err) < 0 || resolve_bundle(o->bundle, &bundle, err) < 0)
		return -1;
	config_path = path_join(bundle, "config.json");
	if (!config_path)
		return ward_fail(err, ENOMEM, "bundle");
	if (read_file_limited(config_path, JSON_MAX_BYTES, &config, &config_len, err) < 0)
		return ward_error_prefix(err, "config.json");
	c->spec = spec_parse(config, config_len, "config.json", err);
	if (!c->spec)
		return -1;
	if (check_request(o, c->spec, err) < 0)
		goto fail;
	/* Every host object the config names is resolved once; the policy judges (and hardens)
	 * that plan before anything exists on the host, and the container gets exactly it. */
	if (plan_build(c->spec, bundle, o->root, PLAN_RESOLVE, &plan, err) < 0)
		goto fail;
	plan_built = true;
	if (plan_require_resolved(c->spec, &plan, err) < 0 ||
	    policy_enforce(o->policy_file, c->spec, &plan, NULL, o->id, &verdict, err) < 0)
		goto fail;
	if (o->systemd_cgroup && unit_placement_open(&unit, c->spec, o->id, err) < 0)
		goto fail;
	/* Connected before anything exists, so that a wrong path fails cleanly (runc too). */
	if (o->pidfd_socket && (pidfd_sock = unix_connect(o->pidfd_socket)) < 0) {
		ward_fail(err, errno, "--pidfd-socket %s", o->pidfd_socket);
		goto fail;
	}
	int nlisten = listen_fds();
	env = build_env(c->spec->process, nlisten);
	if (!env) {
		ward_fail(err, ENOMEM, "process.env");
		goto fail;
	}

	c->rootfd = state_open_root(o->root, err);
	if (c->rootfd < 0)
		goto fail;
	state_remove_legacy_cache(c->rootfd);
	c->dirfd = state_create_dir(c->rootfd, o->id, err);
	if (c->dirfd < 0)
		goto fail;
	dir_created = true;
	if (copy_config(o, c->dirfd, config, config_len, err) < 0)
		goto fail;
	if (mkfifoat(c->dirfd, "exec.fifo", 0600) < 0) {
		ward_fail(err, errno, "create exec.fifo");
		state_dir_failed(o, err);
		goto fail;
	}
	fifo = openat(c->dirfd, "exec.fifo", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fifo < 0) {
		ward_fail(err, errno, "open exec.fifo");
		state_dir_failed(o, err);
		goto fail;
	}
	if (c->spec->process->terminal) {
		if (o->console_socket) {
			console = console_connect(o->console_socket, err);
			if (console < 0)
				goto fail;
		} else {
			if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, console_pair) < 0) {
				ward_fail(err, errno, "create the terminal socket pair");
				goto fail;
			}
			console = console_pair[1];
			c->console_fd = console_pair[0];
		}
	}

	/* state.json first (pid 0), naming the cgroup before it exists: a create killed at any
	 * later point leaves what `delete --force` needs to remove everything. */
	struct ward_state *st = &c->state;
	st->oci_version = strdup(c->spec->oci_version);
	st->id = strdup(o->id);
	st->bundle = strdup(bundle);
	st->rootfs = strdup(plan.rootfs.path);
	st->owner = geteuid();
	st->own_pid_ns = c->spec->linux_.namespaces[WARD_NS_PID].present &&
			 !c->spec->linux_.namespaces[WARD_NS_PID].path;
	if (record_mount_namespace(c->spec, &plan, st, err) < 0)
		goto fail;
	state_now_rfc3339(st->created, sizeof st->created);
	if (unit.connected) {
		st->systemd_unit = strdup(unit.unit.name);
		st->systemd_user = unit.user;
	}
	if (!st->oci_version || !st->id || !st->bundle || !st->rootfs ||
	    (unit.connected && !st->systemd_unit)) {
		ward_fail(err, ENOMEM, "state");
		goto fail;
	}
	if (cgroup_find_root(&cgroup_root, err) < 0 ||
	    choose_cgroup(c->spec, o, cgroup_root, &st->cgroup_path, err) < 0)
		goto fail;
	if (write_state(c, err) < 0) {
		state_dir_failed(o, err);
		goto fail;
	}
	/* The init is born in its cgroup (CLONE_INTO_CGROUP) with every limit in force. */
	if (st->cgroup_path) {
		cgfd = cgroup_create(cgroup_root, st->cgroup_path, &c->spec->linux_, err);
		if (cgfd < 0)
			goto fail;
		cgroup_created = true;
		/* Later verbs act on this cgroup only if it carries the mark (see verify.h);
		 * where cgroups cannot carry extended attributes they check the init's cgroup
		 * alone. */
		if (mark_container_cgroup(c->rootfd, o->id, cgfd, err) < 0)
			goto fail;
	}
	unit.cgroup_root = cgroup_root;
	unit.rootfd = c->rootfd;
	unit.st = st;
	unit.record = record_state;
	unit.record_ctx = c;

	/* Seccomp is compiled here, where a failure can still be reported cleanly. */
	cache = seccomp_cache_open();
	if ((c->spec->linux_.seccomp || verdict.default_seccomp) &&
	    seccomp_compile(c->spec->linux_.seccomp, c->spec->process->caps.bounding, cache,
			    &filter, err) < 0)
		goto fail;
	unsigned never_rules = (verdict.never_filter ? SECCOMP_NEVER_BASE : 0) |
			       (verdict.never_userns ? SECCOMP_NEVER_USERNS : 0) |
			       (verdict.never_keyring ? SECCOMP_NEVER_KEYRING : 0);
	if (never_rules && seccomp_compile_never(never_rules, cache, &never, err) < 0)
		goto fail;
	if (state_record_confinement(st, c->spec, &filter, &never, &verdict, err) < 0)
		goto fail;

	if (open_idmaps(c->spec, &plan, &idmaps, err) < 0)
		goto fail;

	struct hooks_ctx hctx = {.spec = c->spec, .plan = &plan, .id = o->id, .bundle = bundle};
	struct listener_ctx lctx = {
		.spec = c->spec, .sock = &plan.listener, .id = o->id, .bundle = bundle};
	struct ward_init_config cfg = {
		.spec = c->spec,
		.id = o->id,
		.bundle = bundle,
		.plan = &plan,
		.no_pivot = o->no_pivot,
		.no_new_keyring = o->no_new_keyring,
		.cgroup_fd = cgfd,
		.place = unit.connected ? unit_placement_place : NULL,
		.place_ctx = &unit,
		.exec_fifo_fd = fifo,
		.console_fd = console,
		.preserve_fds = nlisten + o->preserve_fds,
		.idmap_fds = idmaps,
		.env = env,
		.runtime_hooks = runtime_hooks,
		.hooks_ctx = &hctx,
		.join_pidfd = -1,
		.join_root_fd = -1,
		.shared_mnt_ns = st->shared_mnt_ns,
		.process = c->spec->process,
		.seccomp = &filter,
		.seccomp_never = &never,
		.seccomp_listener = listener_handoff,
		.listener_ctx = &lctx,
	};
	if (spawn_container(&cfg, &c->spawn, err) < 0)
		goto fail;
	log_debug("container %s: init is pid %d", o->id, c->spawn.pid);
	/* runc's payload for the init's pidfd. */
	if (pidfd_sock >= 0 && send_fd_to(pidfd_sock, c->spawn.pidfd, "standard", err) < 0) {
		ward_error_prefix(err, "--pidfd-socket %s", o->pidfd_socket);
		goto fail;
	}
	/* After the spawn, so that a create that fails logs its error line alone (podman reads
	 * the log as one JSON value). */
	warn_ambient_caps(c->spec->process);
	if (unit.connected)
		unit_warn_ignored_properties(c->spec);

	if (c->spec->process->has_oom_score_adj &&
	    write_oom_score_adj(c->spawn.pid, c->spec->process->oom_score_adj, err) < 0)
		goto fail;

	st->pid = c->spawn.pid;
	st->rootfs_mount_id = c->spawn.rootfs_mnt_id;
	state_read_start_time(st->pid, &st->start_time);
	if (write_state(c, err) < 0) {
		state_dir_failed(o, err);
		goto fail;
	}
	if (o->pid_file && state_write_pid_file(o->pid_file, c->spawn.pid, err) < 0)
		goto fail;
	seccomp_program_free(&filter);
	seccomp_program_free(&never);
	policy_verdict_clear(&verdict);
	close_idmaps(c->spec, idmaps);
	plan_clear(&plan);
	unit_placement_close(&unit);
	return 0;

fail:
	seccomp_program_free(&filter);
	seccomp_program_free(&never);
	policy_verdict_clear(&verdict);
	close_idmaps(c->spec, idmaps);
	spawn_abort(&c->spawn);
	/* The init is gone: what it mounted in a namespace that is not its own goes too. */
	if (c->state.shared_mnt_ns) {
		struct ward_error ignored;
		c->state.rootfs_mount_id = c->spawn.rootfs_mnt_id;
		if (unmount_shared_root(&c->state, plan_built ? plan.ns[WARD_NS_MOUNT].fd : -1,
					&ignored) < 0)
			log_warn("%s", ignored.msg);
	}
	if (plan_built)
		plan_clear(&plan);
	if (cgroup_created) {
		struct ward_error ignored;
		cgroup_destroy(cgroup_root, c->state.cgroup_path, &ignored);
	}
	unit_placement_undo(&unit);
	unit_placement_close(&unit);
	if (dir_created) {
		struct ward_error ignored;
		state_remove_dir(c->rootfd, o->id, &ignored);
	}
	if (console_pair[0] >= 0)
		c->console_fd = -1, close(console_pair[0]);
	container_release(c);
	return -1;
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
