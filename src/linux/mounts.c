/* One OCI mount, made with the new mount API onto a target fd resolved inside the root, so a
 * symlink in the rootfs can never redirect it onto the host. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <linux/magic.h>
#include <limits.h>
#include <unistd.h>

#include "ward/cleanup.h"
#include "ward/hostpath.h"
#include "ward/lsm.h"
#include "ward/mounts.h"
#include "ward/rootless.h"
#include "ward/plan.h"
#include "ward/safepath.h"
#include "ward/syscalls.h"
#include "ward/util.h"

/* The filesystem's own explanation of a failed fsconfig ("e tmpfs: Bad value for 'size'"). */
static void fs_context_reason(int fsfd, char *buf, size_t size)
{
	ssize_t n = read(fsfd, buf, size - 1);
	buf[0] = '\0';
	if (n <= 2)
		return;
	buf[n] = '\0';
	char *nl = strchr(buf, '\n');
	if (nl)
		*nl = '\0';
	memmove(buf, buf + 2, strlen(buf + 2) + 1); /* drop the "e " severity prefix */
}

static int fs_fail(struct ward_error *err, int fsfd, int code, const char *what, const char *type)
{
	char reason[256];
	fs_context_reason(fsfd, reason, sizeof reason);
	if (reason[0]) {
		ward_fail(err, 0, "%s for %s: %s (%s)", what, type, reason, strerrordesc_np(code));
		err->code = code; /* callers may fall back on a specific errno */
		return -1;
	}
	return ward_fail(err, code, "%s for %s", what, type);
}

static int set_attrs(int mntfd, uint64_t set, uint64_t clr, bool recursive, struct ward_error *err)
{
	struct mount_attr attr = {.attr_set = set, .attr_clr = clr};
	unsigned flags = AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0);

	if (!set && !clr)
		return 0;
	if (mount_setattr(mntfd, "", flags, &attr, sizeof attr) < 0)
		return ward_fail(err, errno, "set mount attributes");
	return 0;
}

static int set_propagation(int mntfd, const struct mount_plan *plan, struct ward_error *err)
{
	struct mount_attr attr = {.propagation = plan->propagation};
	unsigned flags = AT_EMPTY_PATH | (plan->propagation_recursive ? AT_RECURSIVE : 0);

	if (!plan->propagation)
		return 0;
	if (mount_setattr(mntfd, "", flags, &attr, sizeof attr) < 0)
		return ward_fail(err, errno, "set mount propagation");
	return 0;
}

/* A detached copy of the bind source: from the judged fd itself where ward still shares the
 * host's mount namespace (idmapped mounts, prepared in ward), otherwise from a re-open checked
 * to be the same inode (the container's mount namespace is a copy of the host's, and the kernel
 * clones only mounts of the caller's namespace). */
static int clone_bind_source(const struct plan_mount *pm, bool in_host_ns, struct stat *st,
			     struct ward_error *err)
{
	cleanup_close int src = -1;
	int fd;
	unsigned flags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH |
			 (pm->opts.recursive ? AT_RECURSIVE : 0);

	if (in_host_ns)
		src = fcntl(pm->source.fd, F_DUPFD_CLOEXEC, 0);
	else
		src = hostpath_reopen(&pm->source, O_PATH, err);
	if (src < 0)
		return in_host_ns ? ward_fail(err, errno, "source %s", pm->source.path) : -1;
	fd = open_tree(src, "", flags);
	if (fd < 0)
		return ward_fail(err, errno, "source %s", pm->source.path);
	/* A clone made in the host's namespace is a peer of the host's mount: private, or what
	 * the container mounts on it would propagate back to the host (the options' propagation
	 * is applied once it is attached). */
	struct mount_attr private = {.propagation = MS_PRIVATE};
	if (in_host_ns && mount_setattr(fd, "", AT_EMPTY_PATH | (flags & AT_RECURSIVE), &private,
					sizeof private) < 0) {
		int e = errno;
		close(fd);
		return ward_fail(err, e, "make the copy of %s private", pm->source.path);
	}
	*st = pm->source.st;
	return fd;
}

static int create_fs_mount(const struct ward_mount *m, const struct plan_mount *pm,
			   const char *mount_label, struct ward_error *err)
{
	const struct mount_plan *plan = &pm->opts;
	const char *type = pm->fs;
	cleanup_close int fsfd = -1;
	int mntfd;

	fsfd = fsopen(type, FSOPEN_CLOEXEC);
	if (fsfd < 0) {
		if (errno == ENODEV)
			return ward_fail(err, 0,
					 "filesystem type \"%s\" is not known to this kernel",
					 m->type);
		return ward_fail(err, errno, "open a %s filesystem", type);
	}
	if (m->source && *m->source &&
	    fsconfig(fsfd, FSCONFIG_SET_STRING, "source", m->source, 0) < 0 && errno != EINVAL)
		return fs_fail(err, fsfd, errno, "set source", type);
	for (size_t i = 0; plan->sb_flags && plan->sb_flags[i]; i++)
		if (fsconfig(fsfd, FSCONFIG_SET_FLAG, plan->sb_flags[i], NULL, 0) < 0)
			return fs_fail(err, fsfd, errno, "set option", type);
	for (size_t i = 0; plan->data && plan->data[i]; i++) {
		cleanup_free char *key = strdup(plan->data[i]);
		if (!key)
			return ward_fail(err, ENOMEM, "mount options");
		char *eq = strchr(key, '=');
		int rc;
		if (eq) {
			*eq = '\0';
			rc = fsconfig(fsfd, FSCONFIG_SET_STRING, key, eq + 1, 0);
		} else {
			rc = fsconfig(fsfd, FSCONFIG_SET_FLAG, key, NULL, 0);
		}
		if (rc < 0) {
			char what[300];
			snprintf(what, sizeof what, "option \"%.200s\"", plan->data[i]);
			return fs_fail(err, fsfd, errno, what, type);
		}
	}
	if (mount_label && *mount_label &&
	    (strcmp(type, "tmpfs") == 0 || strcmp(type, "devpts") == 0) &&
	    fsconfig(fsfd, FSCONFIG_SET_STRING, "context", mount_label, 0) < 0)
		return fs_fail(err, fsfd, errno, "set linux.mountLabel", type);
	if (fsconfig(fsfd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return fs_fail(err, fsfd, errno, "create the filesystem", type);
	/* A read-only tmpcopyup tmpfs is filled first and made read-only after the copy. */
	uint64_t attrs = plan->attr_set & ~(plan->tmpcopyup ? (uint64_t)MOUNT_ATTR_RDONLY : 0);
	mntfd = fsmount(fsfd, FSMOUNT_CLOEXEC, (unsigned)attrs);
	if (mntfd < 0)
		return ward_fail(err, errno, "mount the %s filesystem", type);
	return mntfd;
}

bool mount_wants_idmap(const struct ward_mount *m)
{
	return m->n_uid_mappings || m->n_gid_mappings || strv_contains(m->options, "idmap") ||
	       strv_contains(m->options, "ridmap");
}

/* A user namespace may not mount sysfs for a network namespace it does not own (rootless
 * without a private network namespace): the host's /sys, bound read-only, as runc does. */
static int bind_host_sys(struct ward_error *err)
{
	struct mount_attr attr = {.attr_set = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID |
					      MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC};
	int fd = open_tree(AT_FDCWD, "/sys", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);

	if (fd < 0)
		return ward_fail(err, errno, "bind the host's /sys (sysfs cannot be mounted here)");
	if (mount_setattr(fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof attr) < 0) {
		int e = errno;
		close(fd);
		return ward_fail(err, e, "make the bound /sys read-only");
	}
	return fd;
}

/* /proc belongs to procfs and to ward's masks: nothing else is mounted there, and procfs only
 * on a real directory (CVE-2019-16884, CVE-2023-28642, CVE-2025-52881). */
static int check_proc_destination(int rootfd, const struct ward_mount *m, struct ward_error *err)
{
	char dest[PATH_MAX];
	bool is_proc_fs = m->type && strcmp(m->type, "proc") == 0;

	if (strlen(m->destination) >= sizeof dest - 1)
		return ward_fail(err, ENAMETOOLONG, "destination");
	path_clean(m->destination, dest);
	if (strncmp(dest, "/proc/", 6) == 0)
		return ward_fail(err, 0,
				 "mounts below /proc are refused (they could hide or redirect "
				 "the kernel interfaces ward protects)");
	if (strcmp(dest, "/proc") != 0)
		return 0;
	if (!is_proc_fs)
		return ward_fail(err, 0, "only a procfs may be mounted on /proc");
	int fd = sys_openat2(rootfd, "proc", O_PATH | O_DIRECTORY | O_CLOEXEC,
			     RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS);
	if (fd < 0 && errno == ELOOP)
		return ward_fail(err, 0,
				 "/proc in the root filesystem is a symbolic link; procfs "
				 "is only mounted on a real directory");
	if (fd >= 0)
		close(fd);
	return 0;
}

int mount_prepare_bind(const struct ward_mount *m, const struct plan_mount *pm, size_t index,
		       int userns_fd, bool recursive, struct ward_error *err)
{
	const struct mount_plan *plan = &pm->opts;
	struct stat st;
	int mntfd = -1;

	if (!plan->bind) {
		ward_fail(err, 0, "idmapped mounts must be bind mounts");
		return ward_error_prefix(err, "mounts[%zu].options", index);
	}
	mntfd = clone_bind_source(pm, true, &st, err);
	if (mntfd < 0)
		return ward_error_prefix(err, "mounts[%zu]", index);
	if (set_attrs(mntfd, plan->attr_set, plan->attr_clr, false, err) < 0 ||
	    set_attrs(mntfd, plan->rec_attr_set, plan->rec_attr_clr, true, err) < 0)
		goto fail;
	if (userns_fd >= 0) {
		/* Shown through the mapping: on-disk ids are read as ids of that namespace
		 * (so a tree owned by 0 appears owned by the container's root). */
		struct mount_attr attr = {.attr_set = MOUNT_ATTR_IDMAP,
					  .userns_fd = (uint64_t)userns_fd};
		if (mount_setattr(mntfd, "", AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0), &attr,
				  sizeof attr) < 0) {
			int e = errno;
			const char *src = pm->source.path ? pm->source.path : m->source;
			ward_fail(err, e,
				  "show the mount through the container's user namespace "
				  "(idmapped mount)");
			if (e == EINVAL)
				ward_error_hint(err,
						"%s is on a filesystem without idmapped mounts; "
						"move it, or drop the mount",
						src);
			else if (e == EPERM && ward_is_rootless())
				ward_error_hint(err,
						"%s is on a filesystem of a user namespace ward "
						"is not root of (the host's); a rootless runtime "
						"can idmap only filesystems mounted in its own",
						src);
			goto fail;
		}
	}
	return mntfd;
fail:
	close(mntfd);
	return ward_error_prefix(err, "mounts[%zu] (%s)", index, m->destination);
}

int mount_one(int rootfd, const struct ward_mount *m, const struct plan_mount *pm, size_t index,
	      const char *mount_label, int premade_fd, bool shared_ns, struct ward_error *err)
{
	struct mount_attr private = {.propagation = MS_PRIVATE};
	const struct mount_plan *plan = &pm->opts;
	cleanup_close int mntfd = -1;
	cleanup_close int target = -1;
	struct stat st;
	int rc = -1;

	if (premade_fd >= 0) {
		/* An idmapped mount ward prepared with host privileges: only attached here. */
		mntfd = dup(premade_fd);
		if (mntfd < 0 || fstat(mntfd, &st) < 0) {
			ward_fail(err, errno, "mounts[%zu]: the prepared mount", index);
			goto out;
		}
	} else if (plan->bind) {
		mntfd = clone_bind_source(pm, false, &st, err);
		if (mntfd < 0) {
			ward_error_prefix(err, "mounts[%zu]", index);
			goto out;
		}
		if (set_attrs(mntfd, plan->attr_set, plan->attr_clr, false, err) < 0 ||
		    set_attrs(mntfd, plan->rec_attr_set, plan->rec_attr_clr, true, err) < 0)
			goto fail;
	} else {
		mntfd = create_fs_mount(m, pm, mount_label, err);
		if (mntfd < 0 && strcmp(pm->fs, "sysfs") == 0 && err->code == EPERM)
			mntfd = bind_host_sys(err);
		if (mntfd < 0)
			goto fail;
		if (strcmp(pm->fs, "mqueue") == 0 && lsm_label_mqueue(mntfd, mount_label, err) < 0)
			goto fail;
		st.st_mode = S_IFDIR;
		if (set_attrs(mntfd, plan->rec_attr_set, plan->rec_attr_clr, true, err) < 0)
			goto fail;
	}

	if (shared_ns && (premade_fd >= 0 || plan->bind) &&
	    mount_setattr(mntfd, "", AT_EMPTY_PATH | AT_RECURSIVE, &private, sizeof private) < 0) {
		ward_fail(err, errno, "make the bind mount private");
		goto fail;
	}
	if (check_proc_destination(rootfd, m, err) < 0)
		goto fail;
	target = safe_mount_target(rootfd, m->destination, !S_ISDIR(st.st_mode), err);
	if (target < 0)
		goto fail;
	/* Wherever symlinks led, the mount may not land on a procfs (CVE-2019-19921). */
	struct statfs tfs;
	if (fstatfs(target, &tfs) < 0 || tfs.f_type == PROC_SUPER_MAGIC) {
		ward_fail(err, 0, "the destination resolves into /proc, where only ward mounts");
		goto fail;
	}
	/* Podman's --tmpfs: the tmpfs starts with what the image has there. */
	if (plan->tmpcopyup &&
	    (tmpcopyup_copy(target, mntfd, plan, err) < 0 ||
	     set_attrs(mntfd, plan->attr_set & MOUNT_ATTR_RDONLY, 0, false, err) < 0))
		goto fail;
	if (move_mount(mntfd, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) <
	    0) {
		ward_fail(err, errno, "attach the mount");
		goto fail;
	}
	if (set_propagation(mntfd, plan, err) < 0)
		goto fail;
	rc = 0;
	goto out;
fail:
	ward_error_prefix(err, "mounts[%zu] (%s)", index, m->destination);
out:
	return rc;
}
