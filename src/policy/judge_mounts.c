/* Mounts, judged as ward will make them: the filesystem after "bind"/"rbind" decided, the
 * effective options (the last of "ro"/"rw" wins; every spelling of shared propagation), and
 * each bind source as the object it resolved to. The root filesystem likewise. */
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "ward/cgroup.h"
#include "ward/safepath.h"
#include "ward/util.h"
#include "internal.h"

/* What a container may mount itself at baseline: its own instances, never the host's. */
static const char *const builtin_types[] = {"tmpfs",  "proc",	"sysfs",
					    "devpts", "mqueue", "cgroup2"};

bool has_option(char *const *opts, const char *o)
{
	return opts && strv_contains(opts, o);
}

static bool type_allowed(const struct policy *p, const char *fs)
{
	for (size_t i = 0; i < sizeof builtin_types / sizeof *builtin_types; i++)
		if (strcmp(fs, builtin_types[i]) == 0)
			return true;
	return strv_contains(p->mount_types, fs);
}

static bool read_only(const struct mount_plan *o)
{
	return ((o->attr_set | o->rec_attr_set) & MOUNT_ATTR_RDONLY) != 0;
}

/* The container's cgroup namespace is a new one, rooted at its own cgroup: asked for in the
 * config, or added by the hardening. One joined by path may be rooted anywhere above. */
static bool own_cgroup_namespace(const struct eval *e, const struct ward_spec *spec)
{
	const struct ward_namespace *ns = &spec->linux_.namespaces[WARD_NS_CGROUP];

	if (ns->present)
		return !ns->path;
	return check_enforced(e, "private-cgroup-namespace") &&
	       access("/proc/self/ns/cgroup", F_OK) == 0;
}

static bool host_cgroup_nsdelegate(struct eval *e)
{
	const char *root;
	struct ward_error ignored;

	if (e->caller.cgroup_nsdelegate < 0)
		e->caller.cgroup_nsdelegate =
			cgroup_find_root(&root, &ignored) == 0 && cgroup_delegates_namespaces(root);
	return e->caller.cgroup_nsdelegate == 1;
}

/* A writable cgroup2 mount (what buildah and Podman's private cgroupns ask for) shows the
 * container only its own namespace. It is harmless where that namespace is the container's own
 * and the hierarchy has nsdelegate: the kernel then refuses writes to the limits of the
 * namespace's root, so the container can only manage the cgroups it creates below. */
static void judge_cgroup_mount(struct eval *e, const char *path, const struct ward_spec *spec,
			       const struct ward_mount *m, const struct plan_mount *pm)
{
	if (read_only(&pm->opts))
		return;
	if (!own_cgroup_namespace(e, spec))
		report(e, "mount-cgroup-read-write", path,
		       "cgroup2 on %s is writable (no effective \"ro\") and the container has no "
		       "cgroup namespace of its own",
		       m->destination);
	else if (!host_cgroup_nsdelegate(e))
		report(e, "mount-cgroup-read-write", path,
		       "cgroup2 on %s is writable (no effective \"ro\") and the host's cgroup2 "
		       "is not mounted with nsdelegate",
		       m->destination);
}

static void judge_filesystem(struct eval *e, const struct ward_spec *spec, size_t i,
			     const struct ward_mount *m, const struct plan_mount *pm)
{
	char path[64], dest[4096];

	if (!type_allowed(e->p, pm->fs)) {
		snprintf(path, sizeof path, "mounts[%zu].type", i);
		report(e, "mount-type", path, "a %s filesystem on %s", m->type, m->destination);
		return;
	}
	snprintf(path, sizeof path, "mounts[%zu].options", i);
	if (strcmp(pm->fs, "sysfs") == 0 && !read_only(&pm->opts))
		report(e, "sysfs-read-write", path, "sysfs on %s is writable (no effective \"ro\")",
		       m->destination);
	if (strcmp(pm->fs, "cgroup2") == 0)
		judge_cgroup_mount(e, path, spec, m, pm);
	if (strcmp(pm->fs, "proc") == 0 && strlen(m->destination) < sizeof dest - 1) {
		path_clean(m->destination, dest);
		if (strcmp(dest, "/proc") != 0) {
			snprintf(path, sizeof path, "mounts[%zu].destination", i);
			report(e, "mount-proc-unmasked", path, "a procfs on %s", m->destination);
		}
	}
}

void judge_mounts(struct eval *e, const struct ward_spec *spec)
{
	const struct ward_plan *plan = e->plan;
	char path[64];

	for (size_t i = 0; i < spec->n_mounts && i < plan->n_mounts; i++) {
		const struct ward_mount *m = &spec->mounts[i];
		const struct plan_mount *pm = &plan->mounts[i];
		if (pm->opts.propagation == MS_SHARED) {
			snprintf(path, sizeof path, "mounts[%zu].options", i);
			report(e, "mount-shared-propagation", path, "%sshared propagation on %s",
			       pm->opts.propagation_recursive ? "recursive " : "", m->destination);
		}
		if (strcmp(pm->fs, "bind") != 0) {
			judge_filesystem(e, spec, i, m, pm);
			continue;
		}
		snprintf(path, sizeof path, "mounts[%zu].source", i);
		judge_host_object(e, plan, &pm->source, HOST_BIND, read_only(&pm->opts), path,
				  m->source);
	}
	const char *prop = spec->linux_.rootfs_propagation;
	if (prop && (strcmp(prop, "shared") == 0 || strcmp(prop, "rshared") == 0))
		report(e, "mount-shared-propagation", "linux.rootfsPropagation", "%s", prop);
}

void judge_rootfs(struct eval *e, const struct ward_spec *spec)
{
	if (!spec->root_path)
		return;
	judge_host_object(e, e->plan, &e->plan->rootfs, HOST_ROOTFS, spec->root_readonly,
			  "root.path", spec->root_path);
}
