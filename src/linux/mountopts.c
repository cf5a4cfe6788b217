/* OCI mount options -> mount attributes, via libmount's table of the kernel's flags. */
#include <errno.h>
#include <libmount/libmount.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

#include "ward/cleanup.h"
#include "ward/mounts.h"
#include "ward/util.h"

/* MS_* per-mount flags that have a MOUNT_ATTR_* equivalent. */
static const struct {
	unsigned long ms;
	uint64_t attr;
} ms_to_attr[] = {
	{MS_RDONLY, MOUNT_ATTR_RDONLY},		{MS_NOSUID, MOUNT_ATTR_NOSUID},
	{MS_NODEV, MOUNT_ATTR_NODEV},		{MS_NOEXEC, MOUNT_ATTR_NOEXEC},
	{MS_NODIRATIME, MOUNT_ATTR_NODIRATIME}, {MS_NOSYMFOLLOW, MOUNT_ATTR_NOSYMFOLLOW},
};

/* Superblock flags, passed to the filesystem by name. */
static const struct {
	unsigned long ms;
	const char *name;
} ms_to_sb[] = {
	{MS_SYNCHRONOUS, "sync"}, {MS_DIRSYNC, "dirsync"}, {MS_LAZYTIME, "lazytime"},
	{MS_MANDLOCK, "mand"},	  {MS_SILENT, "silent"},   {MS_I_VERSION, "iversion"},
};

static void strv_remove(char **v, const char *s)
{
	size_t o = 0;

	for (size_t i = 0; v && v[i]; i++) {
		if (strcmp(v[i], s) == 0)
			free(v[i]);
		else
			v[o++] = v[i];
	}
	if (v)
		v[o] = NULL;
}

static const struct libmnt_optmap *find_kernel_option(const char *name)
{
	const struct libmnt_optmap *m = mnt_get_builtin_optmap(MNT_LINUX_MAP);
	for (; m && m->name; m++)
		if (strcmp(m->name, name) == 0)
			return m;
	return NULL;
}

/* Applies one kernel flag option (set or cleared) to the attr sets. Returns false when the flag
 * is not a per-mount attribute. */
static bool apply_attr(unsigned long ms, bool clear, uint64_t *set, uint64_t *clr)
{
	uint64_t atime = 0;

	if (ms == MS_NOATIME)
		atime = clear ? MOUNT_ATTR_RELATIME : MOUNT_ATTR_NOATIME;
	else if (ms == MS_STRICTATIME)
		atime = clear ? MOUNT_ATTR_RELATIME : MOUNT_ATTR_STRICTATIME;
	else if (ms == MS_RELATIME)
		atime = clear ? MOUNT_ATTR_STRICTATIME : MOUNT_ATTR_RELATIME;
	if (ms == MS_NOATIME || ms == MS_STRICTATIME || ms == MS_RELATIME) {
		*set = (*set & ~MOUNT_ATTR__ATIME) | atime;
		*clr |= MOUNT_ATTR__ATIME;
		return true;
	}
	for (size_t i = 0; i < ARRAY_SIZE(ms_to_attr); i++) {
		if (ms_to_attr[i].ms != ms)
			continue;
		if (clear) {
			*set &= ~ms_to_attr[i].attr;
			*clr |= ms_to_attr[i].attr;
		} else {
			*clr &= ~ms_to_attr[i].attr;
			*set |= ms_to_attr[i].attr;
		}
		return true;
	}
	return false;
}

/* "z" and "Z" are the engines' relabel requests (shared and private), not mount options. */
static bool is_relabel_request(const char *opt)
{
	return strcmp(opt, "z") == 0 || strcmp(opt, "Z") == 0;
}

static int apply_kernel_option(const struct libmnt_optmap *m, const char *opt, bool recursive,
			       struct mount_plan *plan, struct ward_error *err)
{
	unsigned long ms = (unsigned long)m->id;
	bool clear = (m->mask & MNT_INVERT) != 0;
	const unsigned long prop_mask = MS_PRIVATE | MS_SHARED | MS_SLAVE | MS_UNBINDABLE;

	/* "rrbind", "rrshared": the "r" of a recursive attribute on an option that is no
	 * attribute, and is recursive already. */
	if (recursive && (ms & (MS_BIND | prop_mask)))
		return ward_fail(err, 0,
				 "option \"r%s\" is not a mount option (did you mean \"%s\"?)", opt,
				 opt);
	if (ms & MS_BIND) {
		plan->bind = true;
		plan->recursive = (ms & MS_REC) != 0;
		return 0;
	}
	if (ms & prop_mask) {
		plan->propagation = ms & prop_mask;
		plan->propagation_recursive = (ms & MS_REC) != 0;
		return 0;
	}
	if (ms == MS_REMOUNT)
		return ward_fail(err, 0,
				 "option \"remount\" is not supported in a container "
				 "config");
	if (recursive) {
		if (apply_attr(ms, clear, &plan->rec_attr_set, &plan->rec_attr_clr))
			return 0;
		return ward_fail(err, 0, "option \"r%s\" is not a recursive mount attribute", opt);
	}
	if (apply_attr(ms, clear, &plan->attr_set, &plan->attr_clr))
		return 0;
	for (size_t i = 0; i < ARRAY_SIZE(ms_to_sb); i++) {
		if (ms_to_sb[i].ms == ms) {
			/* The last of "sync" and "async" wins, as with every other pair. */
			strv_remove(plan->sb_flags, ms_to_sb[i].name);
			if (!clear && strv_push(&plan->sb_flags, ms_to_sb[i].name) < 0)
				return ward_fail(err, ENOMEM, "mount options");
			return 0;
		}
	}
	return ward_fail(err, 0, "option \"%s\" is not supported", opt);
}

/* A bind mount takes no filesystem data: mount(2) ignores it, so runc passes "mode=755" or
 * "size=1k" along and nothing happens. Such key=value options are set aside for a warning; a
 * bare word is a flag ward does not know (a typo, "readonly") or a relabel request. */
static int set_aside_bind_data(struct mount_plan *plan, struct ward_error *err)
{
	for (size_t i = 0; plan->data && plan->data[i]; i++) {
		if (is_relabel_request(plan->data[i]))
			return ward_fail(err, 0,
					 "option \"%s\" asks for an SELinux relabel of the source, "
					 "which the "
					 "engine does before calling the runtime (Podman's :z/:Z); "
					 "ward never "
					 "relabels host files (remove it)",
					 plan->data[i]);
		if (!strchr(plan->data[i], '='))
			return ward_fail(err, 0, "option \"%s\" is not a bind mount option",
					 plan->data[i]);
		if (strv_push(&plan->ignored, plan->data[i]) < 0)
			return ward_fail(err, ENOMEM, "mount options");
	}
	strv_free(plan->data);
	plan->data = NULL;
	return 0;
}

int mountopts_parse(const char *type, char *const *options, struct mount_plan *plan,
		    struct ward_error *err)
{
	memset(plan, 0, sizeof *plan);
	if (type && strcmp(type, "bind") == 0)
		plan->bind = true;

	for (size_t i = 0; options && options[i]; i++) {
		const char *opt = options[i];
		const struct libmnt_optmap *m;

		if (!*opt || strcmp(opt, "defaults") == 0 || strncasecmp(opt, "x-", 2) == 0)
			continue;
		if (strcmp(opt, "tmpcopyup") == 0) {
			plan->tmpcopyup = true;
			continue;
		}
		if (strcmp(opt, "idmap") == 0 || strcmp(opt, "ridmap") == 0) {
			plan->idmap = true;
			plan->ridmap = opt[0] == 'r';
			continue;
		}
		m = find_kernel_option(opt);
		if (m) {
			if (apply_kernel_option(m, opt, false, plan, err) < 0)
				goto fail;
			continue;
		}
		/* runc's recursive attributes: "rro", "rnosuid", ... */
		if (opt[0] == 'r' && (m = find_kernel_option(opt + 1)) != NULL) {
			if (apply_kernel_option(m, opt + 1, true, plan, err) < 0)
				goto fail;
			continue;
		}
		if (strv_push(&plan->data, opt) < 0) {
			ward_fail(err, ENOMEM, "mount options");
			goto fail;
		}
	}
	if (plan->bind && set_aside_bind_data(plan, err) < 0)
		goto fail;
	/* A bind mount shares its source's superblock: "sync" and the like would be ignored. */
	if (plan->bind && plan->sb_flags && plan->sb_flags[0]) {
		ward_fail(err, 0,
			  "option \"%s\" changes the filesystem, which a bind mount shares with "
			  "its source (remove it)",
			  plan->sb_flags[0]);
		goto fail;
	}
	if (plan->tmpcopyup && (plan->bind || !type || strcmp(type, "tmpfs") != 0)) {
		ward_fail(err, 0, "option \"tmpcopyup\" only applies to tmpfs mounts");
		goto fail;
	}
	return 0;
fail:
	mountopts_clear(plan);
	return -1;
}

void mountopts_clear(struct mount_plan *plan)
{
	strv_free(plan->sb_flags);
	strv_free(plan->data);
	strv_free(plan->ignored);
	plan->sb_flags = NULL;
	plan->data = NULL;
	plan->ignored = NULL;
}
