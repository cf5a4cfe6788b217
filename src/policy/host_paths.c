/* Which host objects a container may be given (bind sources, the root filesystem): judged by
 * identity, so a spelling, a symlink or a second mount of the same directory changes nothing.
 * The host's system trees are refused at and below them, and so is anything that contains
 * one; the engines' own per-container files and volumes, a few read-only files every image
 * wants, and the admin's `host-path` entries are the exceptions. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ward/cleanup.h"
#include "ward/hostpath.h"
#include "ward/plan.h"
#include "ward/util.h"
#include "internal.h"

enum tree_kind {
	TREE_ALL,   /* the directory and everything below it */
	TREE_EXACT, /* only the directory itself ("/": everything is below it) */
	TREE_HOME,  /* a home: itself and its dot-entries (.ssh, .bashrc, .config, ...) */
	TREE_HOMES, /* a directory of homes: itself and each TREE_HOME in it */
};

static const struct tree {
	const char *path;
	const char *check;
	enum tree_kind kind;
} trees[] = {
	{"/", "mount-host-root", TREE_EXACT},
	{"/proc", "mount-host-proc", TREE_ALL},
	{"/sys", "mount-host-sys", TREE_ALL},
	{"/dev", "mount-host-dev", TREE_ALL},
	{"/boot", "mount-host-boot", TREE_ALL},
	{"/etc", "mount-host-etc", TREE_ALL},
	{"/lib/modules", "mount-host-modules", TREE_ALL},
	{"/usr/lib/modules", "mount-host-modules", TREE_ALL},
	{"/run", "mount-host-run", TREE_ALL},
	{"/var/run", "mount-host-run", TREE_ALL},
	{"/var/lib/docker", "mount-engine-state", TREE_ALL},
	{"/var/lib/containerd", "mount-engine-state", TREE_ALL},
	{"/var/lib/kubelet", "mount-engine-state", TREE_ALL},
	{"/var/lib/containers", "mount-engine-state", TREE_ALL},
	{"/var/lib/cni", "mount-engine-state", TREE_ALL},
	{"/usr", "mount-host-system", TREE_ALL},
	{"/bin", "mount-host-system", TREE_ALL},
	{"/sbin", "mount-host-system", TREE_ALL},
	{"/lib", "mount-host-system", TREE_ALL},
	{"/lib32", "mount-host-system", TREE_ALL},
	{"/lib64", "mount-host-system", TREE_ALL},
	{"/libx32", "mount-host-system", TREE_ALL},
	{"/opt", "mount-host-system", TREE_ALL},
	{"/snap", "mount-host-system", TREE_ALL},
	{"/var/lib", "mount-host-system", TREE_ALL},
	{"/var/spool", "mount-host-system", TREE_ALL},
	{"/var/cache", "mount-host-system", TREE_ALL},
	{"/var/log", "mount-host-system", TREE_ALL},
	{"/var/mail", "mount-host-system", TREE_ALL},
	{"/var/backups", "mount-host-system", TREE_ALL},
	{"/root", "mount-host-home", TREE_HOME},
	{"/home", "mount-host-home", TREE_HOMES},
};

enum layout_use { FOR_BIND, FOR_ROOTFS, FOR_BIND_READ_ONLY };

/* The engines' own layouts inside their state: per-container files and volumes they bind, and
 * the root filesystems they prepare. "*" is one path component, a final "**" any number. */
static const struct layout {
	const char *root, *pattern;
	enum layout_use use;
} layouts[] = {
	/* Docker */
	{"/var/lib/docker", "containers/*/hostname", FOR_BIND},
	{"/var/lib/docker", "containers/*/hosts", FOR_BIND},
	{"/var/lib/docker", "containers/*/resolv.conf", FOR_BIND},
	{"/var/lib/docker", "containers/*/mounts/**", FOR_BIND},
	{"/var/lib/docker", "volumes/*/_data/**", FOR_BIND},
	{"/var/lib/docker", "overlay2/*/merged", FOR_ROOTFS},
	{"/var/lib/docker", "fuse-overlayfs/*/merged", FOR_ROOTFS},
	{"/var/lib/docker", "vfs/dir/*", FOR_ROOTFS},
	{"/var/lib/docker", "btrfs/subvolumes/*", FOR_ROOTFS},
	{"/var/lib/docker", "zfs/graph/*", FOR_ROOTFS},
	/* rootless Docker: the data-root in the user's home */
	{"/home/*/.local/share/docker", "containers/*/hostname", FOR_BIND},
	{"/home/*/.local/share/docker", "containers/*/hosts", FOR_BIND},
	{"/home/*/.local/share/docker", "containers/*/resolv.conf", FOR_BIND},
	{"/home/*/.local/share/docker", "containers/*/mounts/**", FOR_BIND},
	{"/home/*/.local/share/docker", "volumes/*/_data/**", FOR_BIND},
	{"/home/*/.local/share/docker", "overlay2/*/merged", FOR_ROOTFS},
	{"/home/*/.local/share/docker", "fuse-overlayfs/*/merged", FOR_ROOTFS},
	{"/home/*/.local/share/docker", "vfs/dir/*", FOR_ROOTFS},
	/* containerd and its CRI plugin (Kubernetes) */
	{"/var/lib/containerd", "io.containerd.grpc.v1.cri/sandboxes/*/hostname", FOR_BIND},
	{"/var/lib/containerd", "io.containerd.grpc.v1.cri/sandboxes/*/hosts", FOR_BIND},
	{"/var/lib/containerd", "io.containerd.grpc.v1.cri/sandboxes/*/resolv.conf", FOR_BIND},
	{"/var/lib/containerd", "io.containerd.grpc.v1.cri/containers/*/volumes/**", FOR_BIND},
	{"/run/containerd", "io.containerd.grpc.v1.cri/sandboxes/*/shm", FOR_BIND},
	{"/run/containerd", "io.containerd.runtime.v2.task/*/*/rootfs", FOR_ROOTFS},
	/* kubelet */
	{"/var/lib/kubelet", "pods/*/volumes/**", FOR_BIND},
	{"/var/lib/kubelet", "pods/*/volume-subpaths/**", FOR_BIND},
	{"/var/lib/kubelet", "pods/*/etc-hosts", FOR_BIND},
	{"/var/lib/kubelet", "pods/*/containers/**", FOR_BIND},
	/* Podman, Buildah, CRI-O (containers/storage), rootful and rootless */
	{"/var/lib/containers/storage", "volumes/*/_data/**", FOR_BIND},
	{"/var/lib/containers/storage", "overlay-containers/*/userdata/**", FOR_BIND},
	{"/var/lib/containers/storage", "overlay/*/merged", FOR_ROOTFS},
	{"/var/lib/containers/storage", "vfs/dir/*", FOR_ROOTFS},
	{"/var/lib/containers/storage", "btrfs/subvolumes/*", FOR_ROOTFS},
	{"/var/lib/containers/storage", "vfs-containers/*/userdata/**", FOR_BIND},
	{"/run/containers/storage", "overlay-containers/*/userdata/**", FOR_BIND},
	{"/run/containers/storage", "vfs-containers/*/userdata/**", FOR_BIND},
	{"/run/libpod", "exits/**", FOR_BIND},
	{"/home/*/.local/share/containers/storage", "volumes/*/_data/**", FOR_BIND},
	{"/home/*/.local/share/containers/storage", "overlay-containers/*/userdata/**", FOR_BIND},
	{"/home/*/.local/share/containers/storage", "vfs-containers/*/userdata/**", FOR_BIND},
	{"/home/*/.local/share/containers/storage", "overlay/*/merged", FOR_ROOTFS},
	{"/home/*/.local/share/containers/storage", "vfs/dir/*", FOR_ROOTFS},
	{"/run/user/*/containers", "overlay-containers/*/userdata/**", FOR_BIND},
	{"/run/user/*/containers", "vfs-containers/*/userdata/**", FOR_BIND},
	/* Read-only files images commonly get from the host: the time zone, CA certificates,
	 * name resolution (ctr, host-network pods). */
	{"/etc", "localtime", FOR_BIND_READ_ONLY},
	{"/etc", "hosts", FOR_BIND_READ_ONLY},
	{"/etc", "resolv.conf", FOR_BIND_READ_ONLY},
	/* world-readable already; `-v /etc/passwd:/etc/passwd:ro --user $(id -u)` is common */
	{"/etc", "passwd", FOR_BIND_READ_ONLY},
	{"/etc", "group", FOR_BIND_READ_ONLY},
	{"/etc", "timezone", FOR_BIND_READ_ONLY},
	{"/usr/share/zoneinfo", "**", FOR_BIND_READ_ONLY},
	{"/etc/ssl/certs", "**", FOR_BIND_READ_ONLY},
	{"/etc/ca-certificates", "**", FOR_BIND_READ_ONLY},
	{"/usr/share/ca-certificates", "**", FOR_BIND_READ_ONLY},
	{"/etc/pki/ca-trust", "**", FOR_BIND_READ_ONLY},
	{"/etc/pki/tls/certs", "**", FOR_BIND_READ_ONLY},
	/* The init programs engines bind read-only as the container's PID 1 (`docker run
	 * --init`, `podman run --init`), by the names they resolve to: Debian's docker-init is a
	 * symlink to tini-static, podman's catatonit one to /usr/bin/catatonit. */
	{"/usr/bin", "docker-init", FOR_BIND_READ_ONLY},
	{"/usr/sbin", "docker-init", FOR_BIND_READ_ONLY},
	{"/usr/local/bin", "docker-init", FOR_BIND_READ_ONLY},
	{"/usr/libexec/docker", "docker-init", FOR_BIND_READ_ONLY},
	{"/usr/bin", "tini-static", FOR_BIND_READ_ONLY},
	{"/usr/bin", "catatonit", FOR_BIND_READ_ONLY},
	{"/usr/libexec/podman", "catatonit", FOR_BIND_READ_ONLY},
	{"/usr/libexec/catatonit", "catatonit", FOR_BIND_READ_ONLY},
};

/* The reference points, resolved once per evaluation. */
struct host_refs {
	struct host_object trees[ARRAY_SIZE(trees)];
	char *tree_real[ARRAY_SIZE(trees)]; /* realpath, when it differs from the name */
	char *layout_real[ARRAY_SIZE(layouts)];
	struct host_object *admin; /* the policy's host-path entries */
	size_t n_admin;
};

/* The kernel's name of an existing path when it differs from the name (a symlinked /var/run,
 * a data root moved elsewhere); NULL when it is the same or missing. One openat2 and one
 * readlink, where realpath(3) would read every component. */
static char *real_if_different(const char *path)
{
	struct host_object o;
	char *real = NULL;

	if (strchr(path, '*'))
		return NULL;
	if (hostpath_resolve(AT_FDCWD, path, HOSTPATH_NO_MAGIC, O_PATH, &o) == 0 &&
	    strcmp(o.path, path) != 0)
		real = steal_ptr(o.path);
	hostpath_clear(&o);
	return real;
}

static struct host_refs *refs(struct eval *e)
{
	if (e->refs)
		return e->refs;
	struct host_refs *r = calloc(1, sizeof *r);
	if (!r)
		return NULL;
	for (size_t i = 0; i < ARRAY_SIZE(trees); i++) {
		struct host_object *t = &r->trees[i];
		hostpath_resolve(AT_FDCWD, trees[i].path, HOSTPATH_NO_MAGIC, O_PATH, t);
		if (t->fd >= 0 && strcmp(t->path, trees[i].path) != 0)
			r->tree_real[i] = strdup(t->path);
	}
	/* Most layouts share their root with the one before. */
	for (size_t i = 0; i < ARRAY_SIZE(layouts); i++)
		r->layout_real[i] =
			i > 0 && strcmp(layouts[i].root, layouts[i - 1].root) == 0
				? (r->layout_real[i - 1] ? strdup(r->layout_real[i - 1]) : NULL)
				: real_if_different(layouts[i].root);
	size_t n = strv_length(e->p->host_paths);
	r->admin = calloc(n ? n : 1, sizeof *r->admin);
	if (!r->admin) {
		free(r);
		return NULL;
	}
	r->n_admin = n;
	for (size_t i = 0; i < n; i++)
		hostpath_resolve(AT_FDCWD, e->p->host_paths[i], HOSTPATH_NO_MAGIC, O_PATH,
				 &r->admin[i]);
	e->refs = r;
	return r;
}

void host_refs_free(struct host_refs *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < ARRAY_SIZE(trees); i++) {
		hostpath_clear(&r->trees[i]);
		free(r->tree_real[i]);
	}
	for (size_t i = 0; i < ARRAY_SIZE(layouts); i++)
		free(r->layout_real[i]);
	for (size_t i = 0; i < r->n_admin; i++)
		hostpath_clear(&r->admin[i]);
	free(r->admin);
	free(r);
}

/* path is dir or below it, by name. */
static bool name_below(const char *path, const char *dir)
{
	if (!path || !dir)
		return false;
	size_t n = strlen(dir);
	if (strcmp(dir, "/") == 0)
		return path[0] == '/';
	return strncmp(path, dir, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

/* Matches path against root + "/" + pattern, component by component. */
static bool glob_match(const char *pat, const char *path)
{
	for (;;) {
		while (*pat == '/')
			pat++;
		while (*path == '/')
			path++;
		if (strcmp(pat, "**") == 0)
			return true;
		if (!*pat || !*path)
			return !*pat && !*path;
		size_t pn = strcspn(pat, "/"), sn = strcspn(path, "/");
		bool star = pn == 1 && pat[0] == '*';
		if (!star && (pn != sn || strncmp(pat, path, pn) != 0))
			return false;
		pat += pn;
		path += sn;
	}
}

static bool layout_match(const struct layout *l, const char *root, const char *path)
{
	char full[PATH_MAX];
	if (snprintf(full, sizeof full, "%s/%s", root, l->pattern) >= (int)sizeof full)
		return false;
	return glob_match(full, path);
}

/* One of the exceptions above covers o (used as use, read-only or not). */
static bool is_exception(struct host_refs *r, const struct host_object *o, enum layout_use use,
			 bool read_only)
{
	for (size_t i = 0; i < ARRAY_SIZE(layouts); i++) {
		const struct layout *l = &layouts[i];
		if (l->use != use &&
		    !(use == FOR_BIND && l->use == FOR_BIND_READ_ONLY && read_only))
			continue;
		if (layout_match(l, l->root, o->path) ||
		    (r->layout_real[i] && layout_match(l, r->layout_real[i], o->path)))
			return true;
	}
	return false;
}

static bool admin_allows(struct host_refs *r, const struct eval *e, const struct host_object *o)
{
	for (size_t i = 0; i < r->n_admin; i++) {
		if (r->admin[i].fd >= 0 && o->fd >= 0
			    ? hostpath_at_or_below(o, host_id_of(&r->admin[i].st))
			    : name_below(o->path, e->p->host_paths[i]))
			return true;
	}
	return false;
}

/* o relative to tree t: -1 unrelated, 0 at it, 1 below it, 2 contains it. */
static int relation(const struct host_refs *r, size_t t, const struct host_object *o)
{
	const struct host_object *tree = &r->trees[t];
	if (o->fd >= 0 && tree->fd >= 0) {
		struct host_id tid = host_id_of(&tree->st);
		if (host_id_eq(host_id_of(&o->st), tid))
			return 0;
		if (hostpath_at_or_below(o, tid))
			return 1;
		if (hostpath_at_or_below(tree, host_id_of(&o->st)))
			return 2;
		return -1;
	}
	/* Judged by name: the object, or the tree, is not on this host. */
	const char *names[] = {trees[t].path, r->tree_real[t]};
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		if (!names[i] || !o->path)
			continue;
		if (strcmp(o->path, names[i]) == 0)
			return 0;
		if (name_below(o->path, names[i]))
			return 1;
		if (name_below(names[i], o->path))
			return 2;
	}
	return -1;
}

/* Below a home, only the dot-entries (and for /home, each home itself) are sensitive. */
static bool home_part_is_sensitive(const struct tree *t, const char *real, const char *path)
{
	const char *base = real ? real : t->path;
	size_t n = strlen(base);
	if (!path || strncmp(path, base, n) != 0 || path[n] != '/')
		return true; /* reached through another name: judged as the home itself */
	const char *rel = path + n + 1;
	if (t->kind == TREE_HOMES) {
		const char *slash = strchr(rel, '/');
		if (!slash)
			return true; /* /home/<user> */
		rel = slash + 1;
	}
	return rel[0] == '.';
}

static const char *fs_class(const struct host_object *o)
{
	if (S_ISSOCK(o->st.st_mode))
		return "mount-container-socket";
	if (S_ISCHR(o->st.st_mode) || S_ISBLK(o->st.st_mode))
		return "mount-host-dev";
	switch ((unsigned long)o->fs_type) {
	case PROC_SUPER_MAGIC:
	case NSFS_MAGIC:
	case BINFMTFS_MAGIC:
		return "mount-host-proc";
	case SYSFS_MAGIC:
	case CGROUP_SUPER_MAGIC:
	case CGROUP2_SUPER_MAGIC:
	case SECURITYFS_MAGIC:
	case DEBUGFS_MAGIC:
	case TRACEFS_MAGIC:
	case BPF_FS_MAGIC:
	case PSTOREFS_MAGIC:
	case EFIVARFS_MAGIC:
		return "mount-host-sys";
	case DEVPTS_SUPER_MAGIC:
		return "mount-host-dev";
	}
	return NULL;
}

static const char *const engine_sockets[] = {"docker.sock", "containerd.sock", "crio.sock",
					     "podman.sock", "buildkitd.sock"};

static bool is_engine_socket_name(const char *path)
{
	const char *base = path ? strrchr(path, '/') : NULL;
	base = base ? base + 1 : path;
	for (size_t i = 0; base && i < ARRAY_SIZE(engine_sockets); i++)
		if (strcmp(base, engine_sockets[i]) == 0)
			return true;
	return false;
}

/* What is found, for the message: "/etc/shadow (below the host's /etc)". */
static void say(struct eval *e, bool *seen, const char *check, const char *json_path,
		const char *request, const struct host_object *o, const char *how)
{
	int idx = policy_check_find(check);
	if (idx < 0 || seen[idx])
		return;
	seen[idx] = true;
	if (o->path && request && strcmp(o->path, request) != 0)
		report(e, check, json_path, "%s (resolved to %s) %s", request, o->path, how);
	else
		report(e, check, json_path, "%s %s", request ? request : o->path, how);
}

void judge_host_object(struct eval *e, const struct ward_plan *plan, const struct host_object *o,
		       enum host_use use, bool read_only, const char *json_path,
		       const char *request)
{
	bool seen[POLICY_MAX_CHECKS] = {false};
	const char *rootfs_check = "rootfs-host-path";
	char how[PATH_MAX + 64];
	struct host_refs *r = refs(e);

	if (!r) {
		e->rc = ward_fail(e->err, ENOMEM, "policy");
		return;
	}
	if (o->fd < 0 && !o->path)
		return; /* a relative path this host cannot resolve: create refuses it */
	/* ward's own state and cache: no container is given them, nor anything holding them. */
	for (size_t i = 0; i < plan->n_own; i++) {
		const struct host_object *own = &plan->own[i].dir;
		bool hit =
			own->fd >= 0 && o->fd >= 0
				? hostpath_at_or_below(o, host_id_of(&own->st)) ||
					  hostpath_at_or_below(own, host_id_of(&o->st))
				: name_below(o->path, own->path) || name_below(own->path, o->path);
		if (hit) {
			snprintf(how, sizeof how, "is or holds %s %s", plan->own[i].what,
				 own->path);
			say(e, seen, use == HOST_ROOTFS ? rootfs_check : "mount-ward-state",
			    json_path, request, o, how);
		}
	}
	const char *cls = o->fd >= 0 ? fs_class(o) : NULL;
	if (!cls && use == HOST_BIND && is_engine_socket_name(o->path))
		cls = "mount-container-socket";
	if (cls)
		say(e, seen, use == HOST_ROOTFS ? rootfs_check : cls, json_path, request, o,
		    strcmp(cls, "mount-container-socket") == 0 ? "is a host daemon's socket"
		    : strcmp(cls, "mount-host-dev") == 0       ? "is a host device"
							       : "is a kernel interface");
	if (admin_allows(r, e, o) ||
	    is_exception(r, o, use == HOST_ROOTFS ? FOR_ROOTFS : FOR_BIND, read_only))
		return;

	/* The most specific tree the object is at or below, and every tree it contains. */
	ssize_t below = -1;
	size_t best = 0;
	for (size_t t = 0; t < ARRAY_SIZE(trees); t++) {
		int rel = relation(r, t, o);
		const struct tree *tr = &trees[t];
		if (rel < 0 || (tr->kind == TREE_EXACT && rel != 0))
			continue;
		if (rel == 1 && (tr->kind == TREE_HOME || tr->kind == TREE_HOMES) &&
		    !home_part_is_sensitive(tr, r->tree_real[t], o->path))
			continue;
		if (rel == 2) {
			/* "/" holds everything: it is reported once, as itself. */
			if (o->path && strcmp(o->path, "/") == 0)
				continue;
			snprintf(how, sizeof how, "holds the host's %s", tr->path);
			say(e, seen, use == HOST_ROOTFS ? rootfs_check : tr->check, json_path,
			    request, o, how);
			continue;
		}
		/* Named as the object's path names it (/run, not /var/run). */
		size_t score = strlen(tr->path) + (name_below(o->path, tr->path) ? PATH_MAX : 0);
		if (below < 0 || score > best) {
			below = (ssize_t)t;
			best = score;
		}
	}
	if (below >= 0) {
		const struct tree *tr = &trees[below];
		if (strcmp(o->path ? o->path : "", tr->path) == 0 || tr->kind == TREE_EXACT)
			snprintf(how, sizeof how, "is the host's %s", tr->path);
		else
			snprintf(how, sizeof how, "is below the host's %s", tr->path);
		say(e, seen, use == HOST_ROOTFS ? rootfs_check : tr->check, json_path, request, o,
		    how);
	}
}
