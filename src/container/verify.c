/* Verification of state.json against the kernel (see ward/verify.h). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ward/cgroup.h"
#include "ward/cleanup.h"
#include "ward/util.h"
#include "ward/rootless.h"
#include "ward/verify.h"

bool verify_cgroup_within(const char *path, const char *ancestor)
{
	size_t n = strlen(ancestor);

	if (strcmp(ancestor, "/") == 0)
		return path[0] == '/';
	return strncmp(path, ancestor, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

int verify_cgroup_path(const char *path, const char *self, const char **why)
{
	if (!path || path[0] != '/') {
		*why = "is not an absolute path";
		return -1;
	}
	if (strcmp(path, "/") == 0) {
		*why = "is the root cgroup";
		return -1;
	}
	/* Room for the hierarchy's mount point and a file name: never truncated into another. */
	if (strlen(path) > PATH_MAX - 128) {
		*why = "is too long";
		return -1;
	}
	for (const char *c = path + 1;;) {
		size_t n = strcspn(c, "/");
		if (n == 0 || (n == 1 && c[0] == '.') || (n == 2 && c[0] == '.' && c[1] == '.')) {
			*why = "is not a clean path (empty, \".\" or \"..\" component)";
			return -1;
		}
		if (c[n] == '\0')
			break;
		c += n + 1;
	}
	if (self && verify_cgroup_within(self, path)) {
		*why = "is ward's own cgroup or one of its ancestors";
		return -1;
	}
	return 0;
}

char *verify_parse_proc_cgroup(const char *text)
{
	for (const char *line = text; line && *line;) {
		const char *end = strchr(line, '\n');
		size_t len = end ? (size_t)(end - line) : strlen(line);
		if (len >= 3 && strncmp(line, "0::", 3) == 0)
			return strndup(line + 3, len - 3);
		line = end ? end + 1 : NULL;
	}
	return NULL;
}

int verify_mark(int rootfd, const char *id, char *buf, size_t size)
{
	struct stat st;

	if (fstat(rootfd, &st) < 0)
		return -1;
	int n = snprintf(buf, size, "ward %llu:%llu %s", (unsigned long long)st.st_dev,
			 (unsigned long long)st.st_ino, id);
	return n < 0 || (size_t)n >= size ? -1 : 0;
}

/* The refusal: what did not match. */
__attribute__((format(printf, 3, 4))) static int refuse(struct ward_error *err, const char *id,
							const char *fmt, ...)
{
	char what[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	return ward_fail(err, 0,
			 "container %s: state.json says %s; the state may have been tampered with",
			 id, what);
}

int verify_refusal_hint(struct ward_error *err, const char *root, const char *id)
{
	/* A system error (no fd left, /proc unreadable) proves no tampering: it stands alone. */
	if (err->code)
		return -1;
	size_t used = strlen(err->msg);
	snprintf(err->msg + used, sizeof err->msg - used, ", and ward did not act on it");
	return ward_error_hint(
		err,
		"check the host, then run `ward delete --force %s`, which removes "
		"only what it can verify is the container's, or remove %s/%s by hand",
		id, root, id);
}

/* Whether pid shares ward's namespace of this type: 1 yes, 0 no, -errno unknown. */
static int same_ns(pid_t pid, const char *type)
{
	char path[64];
	struct stat theirs, ours;

	snprintf(path, sizeof path, "/proc/%d/ns/%s", pid, type);
	if (stat(path, &theirs) < 0)
		return -errno;
	snprintf(path, sizeof path, "/proc/self/ns/%s", type);
	if (stat(path, &ours) < 0)
		return -errno;
	return theirs.st_dev == ours.st_dev && theirs.st_ino == ours.st_ino;
}

/* Whether pid's root directory is rootfs: 1 yes, 0 no, -errno unknown. */
static int same_root(pid_t pid, const char *rootfs)
{
	char path[64];
	struct stat theirs, ours;

	snprintf(path, sizeof path, "/proc/%d/root", pid);
	if (stat(path, &theirs) < 0 || stat(rootfs, &ours) < 0)
		return -errno;
	return theirs.st_dev == ours.st_dev && theirs.st_ino == ours.st_ino;
}

/* Mount IDs are unique system-wide and every mount belongs to one namespace: two mount
 * tables that share an ID are the same namespace. For where the namespace links are closed to
 * ward (a rootless ward, an init not yet dumpable): mountinfo is readable by anyone. */
static int mount_ids(const char *path, long **ids, size_t *n)
{
	cleanup_free char *buf = NULL;
	struct ward_error ignored;
	size_t len, cap = 0;

	*ids = NULL;
	*n = 0;
	if (read_file_limited(path, 1 << 24, &buf, &len, &ignored) < 0)
		return -(ignored.code ? ignored.code : EIO);
	for (char *line = buf; line && *line;) {
		char *end = strchr(line, '\n');
		if (*n == cap) {
			long *more = realloc(*ids, (cap = cap ? cap * 2 : 64) * sizeof *more);
			if (!more)
				return -ENOMEM;
			*ids = more;
		}
		(*ids)[(*n)++] = strtol(line, NULL, 10);
		line = end ? end + 1 : NULL;
	}
	return 0;
}

static int same_mnt_ns_by_mountinfo(pid_t pid)
{
	cleanup_free long *theirs = NULL;
	cleanup_free long *ours = NULL;
	size_t nt, no;
	char path[64];
	int r;

	snprintf(path, sizeof path, "/proc/%d/mountinfo", pid);
	if ((r = mount_ids(path, &theirs, &nt)) < 0 ||
	    (r = mount_ids("/proc/self/mountinfo", &ours, &no)) < 0)
		return r;
	if (nt == 0)
		return -ESRCH; /* an exiting process has no mount table */
	for (size_t i = 0; i < nt; i++)
		for (size_t j = 0; j < no; j++)
			if (theirs[i] == ours[j])
				return 1;
	return 0;
}

/* NSpid lists a pid in every pid namespace from /proc's down to the process's own: a process
 * in a pid namespace below ward's has more entries than ward. */
static int nspid_depth(const char *status_path)
{
	cleanup_free char *buf = NULL;
	struct ward_error ignored;
	size_t len;
	int depth = 0;

	if (read_file_limited(status_path, 1 << 16, &buf, &len, &ignored) < 0)
		return -(ignored.code ? ignored.code : EIO);
	char *p = strstr(buf, "\nNSpid:");
	if (!p)
		return -ENOSYS;
	for (p += 7; *p && *p != '\n';) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p >= '0' && *p <= '9')
			depth++;
		while (*p && *p != ' ' && *p != '\t' && *p != '\n')
			p++;
	}
	return depth;
}

static int same_pid_ns_by_nspid(pid_t pid)
{
	char path[64];
	int theirs, ours;

	snprintf(path, sizeof path, "/proc/%d/status", pid);
	if ((theirs = nspid_depth(path)) < 0)
		return theirs;
	if ((ours = nspid_depth("/proc/self/status")) < 0)
		return ours;
	return theirs <= ours;
}

static char *proc_cgroup(pid_t pid)
{
	char path[64];
	cleanup_free char *buf = NULL;
	size_t len;
	struct ward_error ignored;

	snprintf(path, sizeof path, "/proc/%d/cgroup", pid);
	if (read_file_limited(path, 1 << 16, &buf, &len, &ignored) < 0)
		return NULL;
	return verify_parse_proc_cgroup(buf);
}

/* Alive, or cannot tell (/proc unreadable, e.g. no fd left): never taken for gone. */
static bool alive(int pidfd, const struct ward_state *st)
{
	return pidfd_send_signal(pidfd, 0, NULL, 0) == 0 &&
	       state_process_check(st->pid, st->start_time) != 0;
}

/* Whether the recorded process is there: 1 yes, 0 no, -1 cannot tell (err says why). */
static int recorded_alive(const char *id, const struct ward_state *st, struct ward_error *err)
{
	int r = state_process_check(st->pid, st->start_time);
	if (r < 0)
		return ward_fail(err, -r, "container %s: read /proc/%d/stat", id, st->pid);
	return r;
}

/* A process whose namespaces are gone (ENOENT on its ns links, an empty mount table) is in
 * the middle of exiting: only do_exit() drops them. It is not a zombie yet, so it still looks
 * alive; waiting briefly on its pidfd (readable once it has exited) tells the stopped
 * container apart from an unreadable one. */
static bool exits_soon(int pidfd, int r)
{
	struct pollfd pfd = {.fd = pidfd, .events = POLLIN};

	if (r != -ENOENT && r != -ESRCH)
		return false;
	while (poll(&pfd, 1, 2000) < 0)
		if (errno != EINTR)
			return false;
	return (pfd.revents & POLLIN) != 0;
}

/* The cgroup checks of a live init: cg is where the kernel says it is. */
static int check_init_cgroup(int rootfd, const char *id, const struct ward_state *st,
			     const char *cg, struct ward_error *err)
{
	const char *cgroot;
	char want[512], mark[512];
	struct ward_error ignored;
	ssize_t n;

	/* A container may move its processes below its cgroup (systemd moves itself into
	 * init.scope), never out of it. */
	if (!verify_cgroup_within(cg, st->cgroup_path))
		return refuse(err, id, "pid %d in cgroup_path %s, but the process is in cgroup %s",
			      st->pid, st->cgroup_path, cg);
	if (cgroup_find_root(&cgroot, &ignored) < 0)
		return refuse(err, id, "cgroup_path %s, but there is no cgroup v2 hierarchy",
			      st->cgroup_path);
	if (verify_mark(rootfd, id, want, sizeof want) < 0)
		return ward_fail(err, errno, "container %s: identify the state root", id);
	n = cgroup_get_mark(cgroot, st->cgroup_path, mark, sizeof mark);
	if (n >= 0 && strcmp(mark, want) == 0)
		return 0;
	if (n >= 0)
		return refuse(err, id,
			      "cgroup_path %s, which belongs to another container (its mark is "
			      "\"%s\")",
			      st->cgroup_path, mark);
	/* Where cgroups cannot carry extended attributes, the init's own cgroup is the proof. */
	if ((n == -ENOTSUP || n == -EOPNOTSUPP) && strcmp(cg, st->cgroup_path) == 0)
		return 0;
	return refuse(err, id,
		      "cgroup_path %s, which does not carry this container's mark (ward marks "
		      "every cgroup it creates)",
		      st->cgroup_path);
}

/* A container has a mount namespace of its own, or (shared_mnt_ns, which the policy judged at
 * create) its init is chrooted into the container's root; with own_pid_ns, a pid namespace of
 * its own. VERIFY_REFUSED when the init does not fit; else VERIFY_ALIVE, with *r negative
 * (-errno) when its namespaces could not be read. */
static enum verify_result check_init_namespaces(const char *id, const struct ward_state *st, int *r,
						struct ward_error *err)
{
	*r = same_ns(st->pid, "mnt");
	if (*r == -EACCES || *r == -EPERM)
		*r = same_mnt_ns_by_mountinfo(st->pid);
	if (*r == 1 && !st->shared_mnt_ns)
		return refuse(err, id,
			      "pid %d, which is in ward's own mount namespace (a container's init "
			      "never is)",
			      st->pid);
	if (*r >= 0 && st->shared_mnt_ns) {
		*r = same_root(st->pid, st->rootfs);
		if (*r == 0)
			return refuse(err, id,
				      "pid %d with the root %s, but the process has another root",
				      st->pid, st->rootfs);
	}
	if (*r >= 0 && st->own_pid_ns) {
		*r = same_ns(st->pid, "pid");
		if (*r == -EACCES || *r == -EPERM)
			*r = same_pid_ns_by_nspid(st->pid);
		if (*r == 1)
			return refuse(err, id,
				      "pid %d with a pid namespace of its own, but the process is "
				      "in ward's",
				      st->pid);
	}
	return VERIFY_ALIVE;
}

/* The init is in cgroup_path (or below it), which carries the container's mark; as root, a
 * container without a cgroup_path is refused. fd pins the init. */
static enum verify_result check_init_in_cgroup(int rootfd, const char *id,
					       const struct ward_state *st, int fd,
					       struct ward_error *err)
{
	cleanup_free char *cg = NULL;

	if (!st->cgroup_path) {
		if (!ward_is_rootless())
			return refuse(
				err, id,
				"no cgroup_path (ward running rootful gives every container a "
				"cgroup)");
		return VERIFY_ALIVE;
	}
	cg = proc_cgroup(st->pid);
	if (!cg) {
		if (!alive(fd, st))
			return VERIFY_GONE;
		ward_fail(err, 0, "container %s: read the cgroup of pid %d", id, st->pid);
		return VERIFY_REFUSED;
	}
	if (check_init_cgroup(rootfd, id, st, cg, err) < 0)
		return VERIFY_REFUSED;
	return VERIFY_ALIVE;
}

enum verify_result verify_init(int rootfd, const char *id, const struct ward_state *st, int *pidfd,
			       struct ward_error *err)
{
	cleanup_close int fd = -1;
	int r;

	*pidfd = -1;
	if (strcmp(st->id, id) != 0)
		return refuse(err, id, "id \"%.64s\" for the directory of container %s", st->id,
			      id);
	if (st->cgroup_path) {
		cleanup_free char *self = cgroup_self_path();
		const char *why;
		if (verify_cgroup_path(st->cgroup_path, self, &why) < 0)
			return refuse(err, id, "cgroup_path %s, which %s", st->cgroup_path, why);
	}
	if (st->pid <= 0 || (r = recorded_alive(id, st, err)) == 0)
		return VERIFY_GONE;
	if (r < 0)
		return VERIFY_REFUSED;
	/* From here the pidfd pins the process: if the pid is reused, the final check fails. */
	fd = pidfd_open(st->pid, 0);
	if (fd < 0) {
		if (errno == ESRCH)
			return VERIFY_GONE;
		return ward_fail(err, errno, "container %s: open pid %d", id, st->pid);
	}
	if ((r = recorded_alive(id, st, err)) <= 0)
		return r == 0 ? VERIFY_GONE : VERIFY_REFUSED;
	if (st->pid == 1 || st->pid == getpid())
		return refuse(err, id, "pid %d, which is %s", st->pid,
			      st->pid == 1 ? "the init of ward's pid namespace" : "ward itself");
	if (check_init_namespaces(id, st, &r, err) == VERIFY_REFUSED)
		return VERIFY_REFUSED;
	if (r < 0) {
		if (!alive(fd, st) || exits_soon(fd, r))
			return VERIFY_GONE;
		return ward_fail(err, -r, "container %s: read the namespaces of pid %d", id,
				 st->pid);
	}
	enum verify_result in_cgroup = check_init_in_cgroup(rootfd, id, st, fd, err);
	if (in_cgroup != VERIFY_ALIVE)
		return in_cgroup;
	if (!alive(fd, st))
		return VERIFY_GONE;
	*pidfd = steal_fd(&fd);
	return VERIFY_ALIVE;
}

enum verify_cgroup_result verify_cgroup_owner(int rootfd, const char *id,
					      const struct ward_state *st, struct ward_error *err)
{
	cleanup_free char *self = NULL;
	const char *cgroot, *why;
	char want[512], mark[512];
	struct ward_error ignored;
	ssize_t n;

	if (!st->cgroup_path || cgroup_find_root(&cgroot, &ignored) < 0)
		return VERIFY_CGROUP_ABSENT;
	self = cgroup_self_path();
	if (verify_cgroup_path(st->cgroup_path, self, &why) < 0) {
		refuse(err, id, "cgroup_path %s, which %s", st->cgroup_path, why);
		return VERIFY_CGROUP_NOT_OURS;
	}
	if (verify_mark(rootfd, id, want, sizeof want) < 0) {
		ward_fail(err, errno, "container %s: identify the state root", id);
		return VERIFY_CGROUP_NOT_OURS;
	}
	n = cgroup_get_mark(cgroot, st->cgroup_path, mark, sizeof mark);
	if (n == -ENOENT)
		return VERIFY_CGROUP_ABSENT;
	if (n >= 0 && strcmp(mark, want) == 0)
		return VERIFY_CGROUP_MARKED;
	if (n >= 0) {
		refuse(err, id,
		       "cgroup_path %s, which belongs to another container (its mark is \"%s\")",
		       st->cgroup_path, mark);
		return VERIFY_CGROUP_NOT_OURS;
	}
	/* Without a mark, only an empty cgroup is removed: rmdir() cannot kill anything. */
	if (cgroup_is_populated(cgroot, st->cgroup_path)) {
		refuse(err, id,
		       "cgroup_path %s, which holds processes but does not carry this "
		       "container's mark",
		       st->cgroup_path);
		return VERIFY_CGROUP_NOT_OURS;
	}
	return VERIFY_CGROUP_EMPTY;
}
