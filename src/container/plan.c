/* Building the plan: mount options parsed once, host objects resolved once. */
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "ward/cleanup.h"
#include "ward/log.h"
#include "ward/namespaces.h"
#include "ward/plan.h"
#include "ward/safepath.h"
#include "ward/seccomp.h"
#include "ward/spawn.h"
#include "ward/util.h"

#define DEFAULT_STATE_ROOT "/run/ward"

static int plan_mounts(const struct ward_spec *spec, int bundlefd, unsigned flags,
		       struct ward_plan *plan, struct ward_error *err)
{
	plan->mounts = calloc(spec->n_mounts ? spec->n_mounts : 1, sizeof *plan->mounts);
	if (!plan->mounts)
		return ward_fail(err, ENOMEM, "plan");
	plan->n_mounts = spec->n_mounts;
	for (size_t i = 0; i < spec->n_mounts; i++)
		hostpath_init(&plan->mounts[i].source);
	for (size_t i = 0; i < spec->n_mounts; i++) {
		const struct ward_mount *m = &spec->mounts[i];
		struct plan_mount *pm = &plan->mounts[i];
		if (mountopts_parse(m->type, m->options, &pm->opts, err) < 0)
			return ward_error_prefix(err, "config.json: mounts[%zu].options", i);
		for (size_t k = 0;
		     (flags & PLAN_RESOLVE) && pm->opts.ignored && pm->opts.ignored[k]; k++)
			log_warn(
				"config.json: mounts[%zu].options: \"%s\" is ignored: a bind mount "
				"takes no filesystem options (the kernel ignores them too)",
				i, pm->opts.ignored[k]);
		if (!pm->opts.bind) {
			if (!m->type || !*m->type)
				return ward_fail(err, 0,
						 "config.json: mounts[%zu].type: a mount needs a "
						 "type unless it is a bind mount",
						 i);
			/* ward is cgroup v2 only: a "cgroup" mount is the unified hierarchy. */
			pm->fs = strcmp(m->type, "cgroup") == 0 ? "cgroup2" : m->type;
			continue;
		}
		pm->fs = "bind";
		if (!m->source || !*m->source)
			return ward_fail(err, 0,
					 "config.json: mounts[%zu].source: a bind mount needs a "
					 "source",
					 i);
		if (!(flags & PLAN_RESOLVE)) {
			pm->source.error = ENOENT;
			if (m->source[0] == '/' &&
			    (pm->source.path = malloc(strlen(m->source) + 2)))
				path_clean(m->source, pm->source.path);
			continue;
		}
		/* A relative source stays inside the bundle directory; an absolute one is
		 * followed as mount(2) would, but never through a magic link. */
		if (m->source[0] == '/')
			hostpath_resolve(AT_FDCWD, m->source, HOSTPATH_NO_MAGIC, O_PATH,
					 &pm->source);
		else
			hostpath_resolve(bundlefd, m->source, HOSTPATH_BENEATH, O_PATH,
					 &pm->source);
	}
	return 0;
}

/* A namespace file must be a namespace of the kind it is listed as. */
/* The object o's O_PATH fd names, opened again for reading in its place. */
static int reopen_for_reading(struct host_object *o)
{
	char self[64];

	snprintf(self, sizeof self, "/proc/self/fd/%d", o->fd);
	int fd = open(self, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	close(o->fd);
	o->fd = fd;
	return 0;
}

static int plan_namespaces(const struct ward_spec *spec, unsigned flags, struct ward_plan *plan,
			   struct ward_error *err)
{
	for (int k = 0; k < WARD_NS_KINDS; k++) {
		const struct ward_namespace *ns = &spec->linux_.namespaces[k];
		struct host_object *o = &plan->ns[k];
		if (!ns->present || !ns->path || !(flags & PLAN_RESOLVE))
			continue;
		/* /proc/<pid>/ns/<type> is a magic link: that is how namespaces are named. Opened
		 * for reading (setns needs that) only once it proves to be a namespace file: a
		 * FIFO would block ward, a device could act on being opened. */
		if (hostpath_resolve(AT_FDCWD, ns->path, HOSTPATH_ANY, O_PATH, o) < 0)
			continue;
		if (o->fs_type == NSFS_MAGIC && reopen_for_reading(o) < 0)
			return ward_fail(err, errno,
					 "config.json: linux.namespaces[%s].path: open %s",
					 spec_ns_name(k), ns->path);
		int type = o->fs_type == NSFS_MAGIC ? ioctl(o->fd, NS_GET_NSTYPE) : -1;
		if (o->fs_type != NSFS_MAGIC || type != ns_clone_flag(k))
			return ward_fail(err, 0,
					 "config.json: linux.namespaces[%s].path: %s is not a %s "
					 "namespace (use e.g. /proc/<pid>/ns/%s)",
					 spec_ns_name(k), ns->path, spec_ns_name(k),
					 k == WARD_NS_NETWORK ? "net"
					 : k == WARD_NS_MOUNT ? "mnt"
							      : spec_ns_name(k));
	}
	return 0;
}

static int plan_hooks(const struct ward_spec *spec, unsigned flags, struct ward_plan *plan,
		      struct ward_error *err)
{
	for (int k = 0; k < WARD_HOOK_KINDS; k++) {
		size_t n = spec->hooks.count[k];
		if (!n)
			continue;
		plan->hooks[k] = calloc(n, sizeof *plan->hooks[k]);
		if (!plan->hooks[k])
			return ward_fail(err, ENOMEM, "plan");
		plan->n_hooks[k] = n;
		for (size_t i = 0; i < n; i++)
			hostpath_init(&plan->hooks[k][i]);
		for (size_t i = 0; i < n; i++) {
			struct host_object *o = &plan->hooks[k][i];
			const char *path = spec->hooks.list[k][i].path;
			/* startContainer hooks run inside the container, as its process. */
			if (k == WARD_HOOK_START_CONTAINER)
				continue;
			if (flags & PLAN_RESOLVE) {
				/* Docker names its own binary as /proc/<pid>/exe. */
				hostpath_resolve(AT_FDCWD, path, HOSTPATH_ANY, O_PATH, o);
			} else {
				o->error = ENOENT;
				o->path = strdup(path);
			}
		}
	}
	return 0;
}

static void add_own(struct ward_plan *plan, const char *what, const char *path, unsigned flags)
{
	if (!path || path[0] != '/' || plan->n_own == PLAN_MAX_OWN)
		return;
	for (size_t i = 0; i < plan->n_own; i++)
		if (plan->own[i].dir.path && strcmp(plan->own[i].dir.path, path) == 0)
			return;
	struct plan_own *own = &plan->own[plan->n_own++];
	own->what = what;
	if (flags & PLAN_RESOLVE)
		hostpath_resolve(AT_FDCWD, path, HOSTPATH_NO_MAGIC, O_PATH, &own->dir);
	else if ((own->dir.path = malloc(strlen(path) + 2)))
		path_clean(path, own->dir.path), own->dir.error = ENOENT;
}

/* ward's own directories: the state root in use and the usual ones. */
static void plan_own_dirs(const char *state_root, unsigned flags, struct ward_plan *plan)
{
	char xdg[4096];
	const char *runtime = getenv("XDG_RUNTIME_DIR");

	for (size_t i = 0; i < PLAN_MAX_OWN; i++)
		hostpath_init(&plan->own[i].dir);
	add_own(plan, "ward's state root", state_root, flags);
	add_own(plan, "ward's state root", DEFAULT_STATE_ROOT, flags);
	if (runtime && runtime[0] == '/' && snprintf(xdg, sizeof xdg, "%s/ward", runtime) < 4096)
		add_own(plan, "ward's state root", xdg, flags);
	cleanup_free char *cache = ward_seccomp_cache_dir();
	add_own(plan, "ward's seccomp cache", cache, flags);
}

static int unresolved(const struct host_object *o, const char *field, const char *request,
		      struct ward_error *err);

void plan_init(struct ward_plan *plan)
{
	memset(plan, 0, sizeof *plan);
	hostpath_init(&plan->rootfs);
	hostpath_init(&plan->listener);
	for (int k = 0; k < WARD_NS_KINDS; k++)
		hostpath_init(&plan->ns[k]);
}

int plan_build_exec(const struct ward_spec *spec, struct ward_plan *plan, struct ward_error *err)
{
	const struct ward_seccomp *sc = spec->linux_.seccomp;

	plan_init(plan);
	plan->resolved = true;
	if (sc && sc->listener_path &&
	    hostpath_resolve(AT_FDCWD, sc->listener_path, HOSTPATH_NO_MAGIC, O_PATH,
			     &plan->listener) < 0)
		return unresolved(&plan->listener, "linux.seccomp.listenerPath", sc->listener_path,
				  err);
	return 0;
}

int plan_build(const struct ward_spec *spec, const char *bundle, const char *state_root,
	       unsigned flags, struct ward_plan *plan, struct ward_error *err)
{
	cleanup_close int bundlefd = -1;

	plan_init(plan);
	plan->resolved = (flags & PLAN_RESOLVE) != 0;
	plan_own_dirs(state_root, flags, plan);

	if (flags & PLAN_RESOLVE) {
		bundlefd = open(bundle ? bundle : ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (bundlefd < 0) {
			/* ward's own directories are open already (a bundle removed since
			 * create read its config.json). */
			ward_fail(err, errno, "bundle %s", bundle ? bundle : ".");
			plan_clear(plan);
			return -1;
		}
		if (spec->root_path)
			hostpath_resolve(bundlefd, spec->root_path, HOSTPATH_NO_MAGIC,
					 O_PATH | O_DIRECTORY, &plan->rootfs);
		const struct ward_seccomp *sc = spec->linux_.seccomp;
		if (sc && sc->listener_path)
			hostpath_resolve(AT_FDCWD, sc->listener_path, HOSTPATH_NO_MAGIC, O_PATH,
					 &plan->listener);
	} else if (spec->root_path && spec->root_path[0] == '/' &&
		   (plan->rootfs.path = malloc(strlen(spec->root_path) + 2))) {
		path_clean(spec->root_path, plan->rootfs.path);
		plan->rootfs.error = ENOENT;
	}
	if (plan_mounts(spec, bundlefd, flags, plan, err) < 0 ||
	    plan_namespaces(spec, flags, plan, err) < 0 || plan_hooks(spec, flags, plan, err) < 0) {
		plan_clear(plan);
		return -1;
	}
	return 0;
}

static int unresolved(const struct host_object *o, const char *field, const char *request,
		      struct ward_error *err)
{
	ward_fail(err, o->error, "config.json: %s: %s", field, request);
	if (o->error == EXDEV)
		ward_error_hint(err, "a relative source must stay inside the bundle directory");
	else if (o->error == ELOOP)
		ward_error_hint(err, "ward follows symbolic links, but not magic links "
				     "(/proc/<pid>/root, /proc/<pid>/fd/N) nor loops");
	return -1;
}

int plan_require_resolved(const struct ward_spec *spec, const struct ward_plan *plan,
			  struct ward_error *err)
{
	char field[64];

	if (plan->rootfs.fd < 0)
		return unresolved(&plan->rootfs, "root.path", spec->root_path, err);
	if (!S_ISDIR(plan->rootfs.st.st_mode))
		return ward_fail(err, ENOTDIR, "config.json: root.path: %s", spec->root_path);
	for (size_t i = 0; i < plan->n_mounts; i++) {
		if (strcmp(plan->mounts[i].fs, "bind") != 0 || plan->mounts[i].source.fd >= 0)
			continue;
		snprintf(field, sizeof field, "mounts[%zu].source", i);
		return unresolved(&plan->mounts[i].source, field, spec->mounts[i].source, err);
	}
	for (int k = 0; k < WARD_NS_KINDS; k++) {
		const struct ward_namespace *ns = &spec->linux_.namespaces[k];
		if (!ns->present || !ns->path || plan->ns[k].fd >= 0)
			continue;
		snprintf(field, sizeof field, "linux.namespaces[%s].path", spec_ns_name(k));
		return unresolved(&plan->ns[k], field, ns->path, err);
	}
	for (int k = 0; k < WARD_HOOK_KINDS; k++) {
		if (k == WARD_HOOK_START_CONTAINER)
			continue;
		for (size_t i = 0; i < spec->hooks.count[k]; i++) {
			if (plan->hooks[k][i].fd >= 0)
				continue;
			snprintf(field, sizeof field, "hooks.%s[%zu].path", spec_hook_name(k), i);
			return unresolved(&plan->hooks[k][i], field, spec->hooks.list[k][i].path,
					  err);
		}
	}
	const struct ward_seccomp *sc = spec->linux_.seccomp;
	if (sc && sc->listener_path && plan->listener.fd < 0)
		return unresolved(&plan->listener, "linux.seccomp.listenerPath", sc->listener_path,
				  err);
	return 0;
}

void plan_clear(struct ward_plan *plan)
{
	hostpath_clear(&plan->rootfs);
	hostpath_clear(&plan->listener);
	for (size_t i = 0; i < plan->n_mounts; i++) {
		mountopts_clear(&plan->mounts[i].opts);
		hostpath_clear(&plan->mounts[i].source);
	}
	free(plan->mounts);
	plan->mounts = NULL;
	plan->n_mounts = 0;
	for (int k = 0; k < WARD_NS_KINDS; k++)
		hostpath_clear(&plan->ns[k]);
	for (int k = 0; k < WARD_HOOK_KINDS; k++) {
		for (size_t i = 0; i < plan->n_hooks[k]; i++)
			hostpath_clear(&plan->hooks[k][i]);
		free(plan->hooks[k]);
		plan->hooks[k] = NULL;
		plan->n_hooks[k] = 0;
	}
	for (size_t i = 0; i < plan->n_own; i++)
		hostpath_clear(&plan->own[i].dir);
	plan->n_own = 0;
}
