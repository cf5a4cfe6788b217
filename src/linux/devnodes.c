/* Device nodes in the container's /dev: the runtime-spec defaults and linux.devices. Where
 * mknod is not permitted (user namespaces), the host node is bind-mounted instead. */
#include <errno.h>
#ifdef HAVE_SELINUX
#include <selinux/selinux.h>
#endif
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "ward/cleanup.h"
#include "ward/rootfs.h"
#include "ward/safepath.h"
#include "ward/util.h"

static const struct ward_device default_devices[] = {
	{.path = "/dev/null", .type = 'c', .major = 1, .minor = 3},
	{.path = "/dev/zero", .type = 'c', .major = 1, .minor = 5},
	{.path = "/dev/full", .type = 'c', .major = 1, .minor = 7},
	{.path = "/dev/random", .type = 'c', .major = 1, .minor = 8},
	{.path = "/dev/urandom", .type = 'c', .major = 1, .minor = 9},
	{.path = "/dev/tty", .type = 'c', .major = 5, .minor = 0},
};

static const struct {
	const char *name, *target;
} default_links[] = {
	{"fd", "/proc/self/fd"},
	{"stdin", "/proc/self/fd/0"},
	{"stdout", "/proc/self/fd/1"},
	{"stderr", "/proc/self/fd/2"},
};

static mode_t type_bits(char type)
{
	switch (type) {
	case 'b':
		return S_IFBLK;
	case 'p':
		return S_IFIFO;
	default:
		return S_IFCHR;
	}
}

/* Binds the host's node: only possible for a device that exists on the host, and only when
 * it is the device the config names. The policy and the device program judge the type and
 * numbers of linux.devices, so the node bound must have them: otherwise an entry
 * {"path": "/dev/sda", "type": "c", "major": 1, "minor": 3} would pass as /dev/null. */
static int bind_host_device(int dirfd, const char *name, const struct ward_device *d,
			    struct ward_error *err)
{
	cleanup_close int tree = -1;
	cleanup_close int target = -1;
	struct stat st;
	int fd;

	tree = open_tree(AT_FDCWD, d->path, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	if (tree < 0)
		return ward_fail(err, errno, "bind the host's %s (mknod is not permitted here)",
				 d->path);
	if (fstat(tree, &st) < 0)
		return ward_fail(err, errno, "stat the host's %s", d->path);
	if ((st.st_mode & S_IFMT) != type_bits(d->type) || major(st.st_rdev) != d->major ||
	    minor(st.st_rdev) != d->minor)
		return ward_fail(err, 0,
				 "the host's %s is not the %s device %u:%u the config names "
				 "(mknod is not permitted here, so it would be bound instead)",
				 d->path, d->type == 'b' ? "block" : "character", d->major,
				 d->minor);
	fd = openat(dirfd, name, O_CREAT | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return ward_fail(err, errno, "create %s", d->path);
	close(fd);
	target = openat(dirfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (target < 0)
		return ward_fail(err, errno, "open %s", d->path);
	if (move_mount(tree, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return ward_fail(err, errno, "bind the host's %s", d->path);
	return 0;
}

/* linux.mountLabel on a created node, set through its O_PATH handle (never a path the
 * container could redirect). Only reached when SELinux is enabled (checked at create). */
static int label_node(int dirfd, const char *name, const char *label, const char *path,
		      struct ward_error *err)
{
	char proc[64];
	cleanup_close int fd = -1;

	if (!label || !*label)
		return 0;
	fd = openat(dirfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return ward_fail(err, errno, "open %s", path);
	snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
#ifdef HAVE_SELINUX
	if (setfilecon(proc, label) < 0)
		return ward_fail(err, errno, "linux.mountLabel: label %s", path);
	return 0;
#else
	return ward_fail(err, 0,
			 "linux.mountLabel: this ward was built without SELinux support, so the "
			 "label \"%s\" cannot be applied to %s (remove it, or use a ward built "
			 "with libselinux)",
			 label, path);
#endif
}

static int create_device(int rootfd, const struct ward_device *d, const char *label,
			 struct ward_error *err)
{
	char dir[PATH_MAX];
	cleanup_close int dirfd = -1;
	mode_t perm = d->has_file_mode ? (d->file_mode & 07777) : 0666;
	const char *name;

	/* The parser refuses other numbers; makedev must never receive a truncated one. */
	if (d->major > WARD_DEVICE_MAJOR_MAX || d->minor > WARD_DEVICE_MINOR_MAX)
		return ward_fail(err, EINVAL, "%s: device number %u:%u is out of range", d->path,
				 d->major, d->minor);

	path_clean(d->path, dir);
	char *slash = strrchr(dir, '/');
	name = slash + 1;
	if (!*name)
		return ward_fail(err, 0, "%s is not a device path", d->path);
	*slash = '\0';
	dirfd = safe_mkdir_all_in_root(rootfd, dir[0] ? dir : "/", 0755, err);
	if (dirfd < 0)
		return -1;
	/* Replace whatever the image has there (a file, a stale node, a symlink). */
	if (unlinkat(dirfd, name, 0) < 0 && errno != ENOENT && errno != EISDIR)
		return ward_fail(err, errno, "replace %s", d->path);
	if (mknodat(dirfd, name, type_bits(d->type) | perm, makedev(d->major, d->minor)) < 0) {
		if (errno == EPERM && d->type != 'p')
			return bind_host_device(dirfd, name, d, err);
		return ward_fail(err, errno, "create device %s", d->path);
	}
	/* No chmod: umask is 0 here so mknodat made the exact mode, and a chmod by name could
	 * follow a symlink swapped in meanwhile (CVE-2025-31133's race) to a host file. */
	if ((d->has_uid || d->has_gid) &&
	    fchownat(dirfd, name, d->has_uid ? d->uid : (uid_t)-1, d->has_gid ? d->gid : (gid_t)-1,
		     AT_SYMLINK_NOFOLLOW) < 0)
		return ward_fail(err, errno, "chown %s", d->path);
	return label_node(dirfd, name, label, d->path, err);
}

static bool configured(const struct ward_spec *spec, const char *path)
{
	for (size_t i = 0; i < spec->linux_.n_devices; i++)
		if (strcmp(spec->linux_.devices[i].path, path) == 0)
			return true;
	return false;
}

int rootfs_create_devices(int rootfd, const struct ward_spec *spec, struct ward_error *err)
{
	cleanup_close int devfd = -1;
	mode_t old = umask(0);
	int rc = -1;

	for (size_t i = 0; i < ARRAY_SIZE(default_devices); i++)
		if (!configured(spec, default_devices[i].path) &&
		    create_device(rootfd, &default_devices[i], spec->linux_.mount_label, err) < 0)
			goto out;
	for (size_t i = 0; i < spec->linux_.n_devices; i++) {
		if (create_device(rootfd, &spec->linux_.devices[i], spec->linux_.mount_label, err) <
		    0) {
			ward_error_prefix(err, "linux.devices[%zu]", i);
			goto out;
		}
	}
	devfd = safe_mkdir_all_in_root(rootfd, "/dev", 0755, err);
	if (devfd < 0)
		goto out;
	for (size_t i = 0; i < ARRAY_SIZE(default_links); i++)
		if (symlinkat(default_links[i].target, devfd, default_links[i].name) < 0 &&
		    errno != EEXIST) {
			ward_fail(err, errno, "create /dev/%s", default_links[i].name);
			goto out;
		}
	/* /dev/ptmx must be the container's own devpts multiplexer. */
	if (unlinkat(devfd, "ptmx", 0) < 0 && errno != ENOENT) {
		ward_fail(err, errno, "replace /dev/ptmx");
		goto out;
	}
	if (symlinkat("pts/ptmx", devfd, "ptmx") < 0) {
		ward_fail(err, errno, "create /dev/ptmx");
		goto out;
	}
	rc = 0;
out:
	umask(old);
	return rc;
}
