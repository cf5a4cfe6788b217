/* cgroup v2: finding the hierarchy, creating and removing the container's cgroup, freeze,
 * kill and membership. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

#include "ward/cgroup.h"
#include "ward/cleanup.h"
#include "ward/rootless.h"
#include "ward/safepath.h"
#include "ward/syscalls.h"
#include "ward/util.h"

/* Removing a cgroup waits for its processes to be reaped (up to 10 s), freezing for the
 * kernel to report every process stopped (up to 5 s). */
#define WAIT_TRIES     1000
#define REMOVE_WAIT_MS 10
#define FREEZE_WAIT_MS 5
/* cgroup.procs of the largest container ward reads (16 MiB, millions of pids). */
#define PROCS_MAX_BYTES (1 << 24)

static bool is_cgroup2(const char *path)
{
	struct statfs sfs;
	return statfs(path, &sfs) == 0 && sfs.f_type == CGROUP2_SUPER_MAGIC;
}

int cgroup_find_root(const char **root, struct ward_error *err)
{
	if (is_cgroup2("/sys/fs/cgroup")) {
		*root = "/sys/fs/cgroup";
		return 0;
	}
	if (is_cgroup2("/sys/fs/cgroup/unified")) {
		*root = "/sys/fs/cgroup/unified";
		return 0;
	}
	return ward_fail(err, 0,
			 "no cgroup v2 hierarchy is mounted (ward does not use cgroup v1): "
			 "mount cgroup2 on /sys/fs/cgroup");
}

int cgroup_resolve_path(const char *cgroups_path, const char *id, char **out,
			struct ward_error *err)
{
	cleanup_free char *raw = NULL;

	if (!cgroups_path || !*cgroups_path) {
		if (asprintf(&raw, "/ward/%s", id) < 0)
			return ward_fail(err, ENOMEM, "cgroup path");
	} else if (cgroups_path[0] != '/') {
		if (strchr(cgroups_path, ':'))
			return ward_fail(err, 0,
					 "linux.cgroupsPath: \"%s\" is systemd's "
					 "slice:prefix:name form, which needs "
					 "--systemd-cgroup",
					 cgroups_path);
		if (asprintf(&raw, "/ward/%s", cgroups_path) < 0)
			return ward_fail(err, ENOMEM, "cgroup path");
	} else {
		raw = strdup(cgroups_path);
		if (!raw)
			return ward_fail(err, ENOMEM, "cgroup path");
	}
	/* ".." is refused rather than cleaned: a path that climbs is a mistake or an attack. */
	for (const char *p = raw; (p = strstr(p, "..")) != NULL; p += 2)
		if ((p == raw || p[-1] == '/') && (p[2] == '/' || p[2] == '\0'))
			return ward_fail(err, 0,
					 "linux.cgroupsPath: \"%s\" must not contain \"..\"",
					 cgroups_path);
	*out = malloc(strlen(raw) + 2);
	if (!*out)
		return ward_fail(err, ENOMEM, "cgroup path");
	path_clean(raw, *out);
	if (strcmp(*out, "/") == 0) {
		free(*out);
		*out = NULL;
		return ward_fail(err, 0,
				 "linux.cgroupsPath: the root cgroup cannot be a container's");
	}
	/* A relative path that cleans to nothing ("." or "./") would put the container in the
	 * cgroup that holds every other ward container. */
	if (strcmp(*out, "/ward") == 0 && cgroups_path && *cgroups_path && cgroups_path[0] != '/') {
		free(*out);
		*out = NULL;
		return ward_fail(err, 0,
				 "linux.cgroupsPath: \"%s\" names /ward, the parent of every "
				 "container's cgroup (give a name below it, such as \"pod1/c1\")",
				 cgroups_path);
	}
	return 0;
}

char *cgroup_self_path(void)
{
	cleanup_fclose FILE *f = fopen("/proc/self/cgroup", "re");
	char line[4096];

	while (f && fgets(line, sizeof line, f)) {
		if (strncmp(line, "0::", 3) == 0) {
			line[strcspn(line, "\n")] = '\0';
			return strdup(line + 3);
		}
	}
	return NULL;
}

int cgroup_open(const char *root, const char *path, struct ward_error *err)
{
	char full[PATH_MAX];
	snprintf(full, sizeof full, "%s%s", root, path);
	int fd = open(full, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return ward_fail(err, errno, "open cgroup %s", full);
	return fd;
}

int cgroup_open_sub(int cgfd, const char *sub, struct ward_error *err)
{
	char clean[PATH_MAX];
	size_t len;
	int fd;

	while (*sub == '/')
		sub++;
	len = strlen(sub);
	if (!len || len + 2 >= sizeof clean)
		return ward_fail(err, EINVAL, "--cgroup \"%s\": not a sub-cgroup path", sub);
	snprintf(clean, sizeof clean, "/%s/", sub);
	if (strstr(clean, "/../"))
		return ward_fail(err, 0,
				 "--cgroup \"%s\": \"..\" would leave the container's cgroup", sub);
	/* Below the container's cgroup and nowhere else: no symlink, no other mount. */
	fd = sys_openat2(cgfd, sub, O_RDONLY | O_DIRECTORY | O_CLOEXEC,
			 RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS |
				 RESOLVE_NO_XDEV);
	if (fd < 0) {
		ward_fail(err, errno, "--cgroup \"%s\"", sub);
		if (err->code == ENOENT)
			ward_error_hint(err, "the sub-cgroup must exist below the container's "
					     "cgroup: create it first, as with runc");
		return -1;
	}
	return fd;
}

static const char *parent_mark_name(void);

/* mkdir -p below the root, one level at a time; full is truncated at the level that failed.
 * Each parent made is marked as ward's (parent_mark_name()): the last container below it
 * removes it (cgroup_remove_parents()). 0, or -errno. */
static int mkdir_levels(char *full, size_t rl, char **created_from)
{
	for (char *p = full + rl + 1;; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char saved = *p;
		*p = '\0';
		if (mkdir(full, 0755) == 0) {
			if (!*created_from)
				*created_from = strdup(full + rl);
			if (saved)
				lsetxattr(full, parent_mark_name(), "1", 1, 0);
		} else if (errno != EEXIST || saved == '\0') {
			return -errno;
		}
		*p = saved;
		if (!saved)
			return 0;
	}
}

/* Creates the missing directories of path; *created_from is the first one created (or NULL),
 * so a failure can remove exactly what was made. */
static int mkdir_path(const char *root, const char *path, char **created_from,
		      struct ward_error *err)
{
	char full[PATH_MAX];
	size_t rl = strlen(root);
	int r;

	*created_from = NULL;
	for (int attempt = 0;; attempt++) {
		if (snprintf(full, sizeof full, "%s%s", root, path) >= (int)sizeof full)
			return ward_fail(err, ENAMETOOLONG, "cgroup %s", path);
		r = mkdir_levels(full, rl, created_from);
		/* ENOENT: the delete of the last container below a parent removed it between
		 * two levels; walk again. */
		if (r != -ENOENT || attempt == 8)
			break;
	}
	if (r == 0)
		return 0;
	if (r == -EEXIST)
		return ward_fail(err, 0,
				 "cgroup %s already exists (is another container using "
				 "linux.cgroupsPath \"%s\"?)",
				 full, path);
	ward_fail(err, -r, "create cgroup %s", full);
	if (r == -EAGAIN)
		ward_error_hint(err, "the cgroup.max.depth or cgroup.max.descendants of an "
				     "ancestor allows no more cgroups");
	return -1;
}

static void remove_created(const char *root, const char *path, const char *created_from)
{
	char full[PATH_MAX];

	if (!created_from)
		return;
	size_t keep = strlen(root) + strlen(created_from);
	snprintf(full, sizeof full, "%s%s", root, path);
	/* rmdir from the leaf up to (and including) the first directory we created */
	while (strlen(full) >= keep) {
		rmdir(full);
		char *slash = strrchr(full, '/');
		if (!slash)
			break;
		*slash = '\0';
	}
}

int cgroup_create(const char *root, const char *path, const struct ward_linux *lx,
		  struct ward_error *err)
{
	cleanup_free char *created_from = NULL;
	int fd;

	/* A failure below an ancestor this create made takes that ancestor away too. */
	if (mkdir_path(root, path, &created_from, err) < 0) {
		remove_created(root, path, created_from);
		return -1;
	}
	cgroup_enable_all(root, path);
	fd = cgroup_setup(root, path, lx, err);
	if (fd < 0)
		remove_created(root, path, created_from);
	return fd;
}

int cgroup_setup(const char *root, const char *path, const struct ward_linux *lx,
		 struct ward_error *err)
{
	int fd = cgroup_open(root, path, err);
	if (fd < 0)
		return -1;
	/* Only root of the initial user namespace can load a device program. Without that
	 * privilege every process ward starts is confined by a user namespace that is not the
	 * host's, where no device node can be created and the host's nodes keep their owners:
	 * the user namespace enforces the devices. A host root that asked for --rootless true
	 * still gets the program (it may run a container without a user namespace). */
	bool devices = !ward_is_rootless() || rootless_is_host_root();
	if (cgroup_apply_resources(fd, root, path, &lx->resources, err) < 0 ||
	    (devices && cgroup_attach_devices(fd, lx, err) < 0)) {
		close(fd);
		return -1;
	}
	return fd;
}

static int write_file(const char *root, const char *path, const char *file, const char *value,
		      struct ward_error *err)
{
	char full[PATH_MAX];
	cleanup_close int fd = -1;

	snprintf(full, sizeof full, "%s%s/%s", root, path, file);
	fd = open(full, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write_all(fd, value, strlen(value)) < 0)
		return ward_fail(err, errno, "write %s", full);
	return 0;
}

/* Reads "key value" from a flat-keyed file such as cgroup.events; -1 if absent. */
static long read_key(const char *root, const char *path, const char *file, const char *key)
{
	char full[PATH_MAX], buf[4096];
	cleanup_close int fd = -1;
	ssize_t n;

	snprintf(full, sizeof full, "%s%s/%s", root, path, file);
	fd = open(full, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || (n = read_all(fd, buf, sizeof buf - 1)) < 0)
		return -1;
	buf[n] = '\0';
	size_t kl = strlen(key);
	for (char *line = buf; line && *line;
	     line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL)
		if (strncmp(line, key, kl) == 0 && line[kl] == ' ')
			return strtol(line + kl + 1, NULL, 10);
	return -1;
}

static void sleep_ms(long ms)
{
	struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000};
	nanosleep(&ts, NULL);
}

/* The initial user namespace as /proc names it (its fixed number, PROC_USER_INIT_INO). */
#define INIT_USERNS "user:[4026531837]"

/* trusted.* needs CAP_SYS_ADMIN in the initial user namespace, which no container of a root
 * ward has; an unprivileged ward (or root in a user namespace, as under rootless podman) can
 * only use user.* on the cgroup delegated to it. */
static bool trusted_marks(void)
{
	char link[64];
	ssize_t n = readlink("/proc/self/ns/user", link, sizeof link - 1);
	bool init_userns =
		n < 0 ? errno == ENOENT
		      : (size_t)n == strlen(INIT_USERNS) && memcmp(link, INIT_USERNS, n) == 0;
	return geteuid() == 0 && init_userns;
}

static const char *mark_name(void)
{
	return trusted_marks() ? "trusted.ward.owner" : "user.ward.owner";
}

/* On a parent cgroup ward made for a container's (the ancestors an absolute cgroupsPath
 * names, /ward for the default one): it may go once empty. */
static const char *parent_mark_name(void)
{
	return trusted_marks() ? "trusted.ward.parent" : "user.ward.parent";
}

void cgroup_remove_parents(const char *root, const char *path)
{
	char full[PATH_MAX], mark[8];
	size_t rl = strlen(root);

	if (snprintf(full, sizeof full, "%s%s", root, path) >= (int)sizeof full)
		return;
	/* rmdir() removes only an empty cgroup: one another container still uses stays. */
	for (char *slash; (slash = strrchr(full, '/')) != NULL && slash > full + rl;) {
		*slash = '\0';
		if (lgetxattr(full, parent_mark_name(), mark, sizeof mark) < 0 || rmdir(full) < 0)
			return;
	}
}

int cgroup_set_mark(int cgfd, const char *mark, struct ward_error *err)
{
	if (fsetxattr(cgfd, mark_name(), mark, strlen(mark), 0) < 0)
		return ward_fail(err, errno, "mark the cgroup as the container's (%s)",
				 mark_name());
	return 0;
}

ssize_t cgroup_get_mark(const char *root, const char *path, char *buf, size_t size)
{
	char full[PATH_MAX];
	cleanup_close int fd = -1;
	ssize_t n;

	if (snprintf(full, sizeof full, "%s%s", root, path) >= (int)sizeof full)
		return -ENAMETOOLONG;
	fd = open(full, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = fgetxattr(fd, mark_name(), buf, size - 1);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return n;
}

bool cgroup_is_populated(const char *root, const char *path)
{
	return read_key(root, path, "cgroup.events", "populated") != 0;
}

int cgroup_kill(const char *root, const char *path, struct ward_error *err)
{
	return write_file(root, path, "cgroup.kill", "1", err);
}

/* Cgroups a container made below its own (systemd in a container moves itself into
 * init.scope), removed depth first: cgroup.kill emptied them too. */
static void remove_children(const char *full, int depth)
{
	DIR *d = opendir(full);
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d)) != NULL) {
		char child[PATH_MAX];
		if (e->d_type != DT_DIR || strcmp(e->d_name, ".") == 0 ||
		    strcmp(e->d_name, "..") == 0 ||
		    snprintf(child, sizeof child, "%s/%s", full, e->d_name) >= (int)sizeof child)
			continue;
		if (depth < 64)
			remove_children(child, depth + 1);
		rmdir(child);
	}
	closedir(d);
}

int cgroup_destroy(const char *root, const char *path, struct ward_error *err)
{
	char full[PATH_MAX];

	snprintf(full, sizeof full, "%s%s", root, path);
	if (access(full, F_OK) < 0) {
		cgroup_remove_parents(root, path);
		return 0;
	}
	if (read_key(root, path, "cgroup.events", "populated") == 1 &&
	    cgroup_kill(root, path, err) < 0)
		return -1;
	/* Processes leave the cgroup as they are reaped; give them up to 10 s. */
	for (int i = 0; i < WAIT_TRIES; i++) {
		remove_children(full, 0);
		if (rmdir(full) == 0 || errno == ENOENT) {
			cgroup_remove_parents(root, path);
			return 0;
		}
		if (errno != EBUSY)
			return ward_fail(err, errno, "remove cgroup %s", full);
		sleep_ms(REMOVE_WAIT_MS);
	}
	return ward_fail(err, EBUSY, "remove cgroup %s", full);
}

int cgroup_remove_empty(const char *root, const char *path, struct ward_error *err)
{
	char full[PATH_MAX];

	snprintf(full, sizeof full, "%s%s", root, path);
	if (rmdir(full) < 0 && errno != ENOENT)
		return ward_fail(err, errno, "remove cgroup %s", full);
	cgroup_remove_parents(root, path);
	return 0;
}

int cgroup_freeze(const char *root, const char *path, bool frozen, struct ward_error *err)
{
	if (write_file(root, path, "cgroup.freeze", frozen ? "1" : "0", err) < 0)
		return -1;
	/* cgroup.events reports when every process has actually stopped (or resumed). */
	for (int i = 0; i < WAIT_TRIES; i++) {
		if (read_key(root, path, "cgroup.events", "frozen") == (frozen ? 1 : 0))
			return 0;
		sleep_ms(FREEZE_WAIT_MS);
	}
	return ward_fail(err, ETIMEDOUT, "%s cgroup %s%s", frozen ? "freeze" : "thaw", root, path);
}

bool cgroup_is_frozen(const char *root, const char *path)
{
	return read_key(root, path, "cgroup.events", "frozen") == 1;
}

int cgroup_pids(const char *root, const char *path, pid_t **pids, size_t *n, struct ward_error *err)
{
	char full[PATH_MAX];
	cleanup_free char *buf = NULL;
	size_t len, cap = 16;

	snprintf(full, sizeof full, "%s%s/cgroup.procs", root, path);
	*n = 0;
	*pids = malloc(cap * sizeof **pids);
	if (!*pids)
		return ward_fail(err, ENOMEM, "list processes");
	if (read_file_limited(full, PROCS_MAX_BYTES, &buf, &len, err) < 0)
		return -1;
	for (char *p = buf; *p;) {
		char *end;
		long pid = strtol(p, &end, 10);
		if (end == p)
			break;
		if (*n == cap) {
			pid_t *np = realloc(*pids, cap * 2 * sizeof *np);
			if (!np)
				return ward_fail(err, ENOMEM, "list processes");
			*pids = np;
			cap *= 2;
		}
		(*pids)[(*n)++] = (pid_t)pid;
		p = end;
		while (*p == '\n')
			p++;
	}
	return 0;
}
