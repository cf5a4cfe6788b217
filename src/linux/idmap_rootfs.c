/* The container's root filesystem shown through its user namespace: an idmapped clone, or for
 * the root of an overlayfs mount (which cannot be idmapped) a new overlay over idmapped layers.
 *
 * Sharing the engine's overlay (measured on Linux 6.18, the engine's overlay kept mounted as
 * Docker keeps it for `docker cp`):
 * - The same upperdir in two overlays is refused with EBUSY when index=on; with index=off (the
 *   usual kernel default, and what Docker asks for) the kernel only warns ("upperdir is in-use
 *   ... undefined behavior"): both overlays write to the one upperdir (a file the engine adds,
 *   e.g. by `docker cp`, shows in ward's overlay), but a name ward's overlay has already looked
 *   up may keep its cached answer.
 * - The same workdir is harmful: mounting an overlay empties and recreates <workdir>/work, so the
 *   engine's overlay is left with a deleted work directory and every later copy-up through it
 *   fails (ENOENT or EPERM). ward's overlay therefore gets its own workdir, <workdir>/ward: on
 *   the upper's filesystem as overlayfs requires, left alone by the engine's overlay (which uses
 *   only <workdir>/work and <workdir>/index), emptied by the kernel at each mount, never more than
 *   one per container, and removed with the engine's workdir when the engine removes the
 *   container's layer, so a ward killed at any point leaves nothing that grows.
 * - overlayfs works in the upper layer with its mounter's credentials, which an idmapped upper
 *   must map: the overlay is created with the fsuid/fsgid the namespace's root has on the host
 *   (files overlayfs itself writes land on disk owned by 0, as through the engine's overlay). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/fsuid.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ward/cleanup.h"
#include "ward/idmap_rootfs.h"
#include "ward/util.h"

/* ward's overlay workdir inside the engine's (see above). */
#define WARD_WORKDIR "ward"
#define USERNS_OFF   "or set userns = off in /etc/ward/policy.conf"

struct mount_entry {
	char *root; /* the mount's root within its filesystem */
	char *fstype;
	char *super; /* super options, escaped as mountinfo prints them */
};

struct overlay_config {
	char **lower; /* top first */
	char **data;  /* data-only layers */
	char *upper;
	char *work;
	char **options; /* every other super option: "key=value" or "flag" */
};

static void mount_entry_free(struct mount_entry *me)
{
	free(me->root);
	free(me->fstype);
	free(me->super);
}

static void overlay_config_free(struct overlay_config *c)
{
	strv_free(c->lower);
	strv_free(c->data);
	strv_free(c->options);
	free(c->upper);
	free(c->work);
}

#define cleanup_mount_entry    __attribute__((cleanup(mount_entry_free)))
#define cleanup_overlay_config __attribute__((cleanup(overlay_config_free)))

/* A detached clone of the directory dirfd names, shown through userns_fd; -1 with errno. The
 * clone is made private first: a clone of a host mount is a peer of it, and what the container
 * later mounts on it would propagate back to the host. */
static int idmapped_clone(int dirfd, bool recursive, int userns_fd)
{
	struct mount_attr attr = {.attr_set = MOUNT_ATTR_IDMAP, .userns_fd = (uint64_t)userns_fd};
	struct mount_attr private = {.propagation = MS_PRIVATE};
	unsigned rec = recursive ? AT_RECURSIVE : 0;
	cleanup_close int fd =
		open_tree(dirfd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH | rec);

	if (fd < 0 || mount_setattr(fd, "", AT_EMPTY_PATH | rec, &private, sizeof private) < 0 ||
	    mount_setattr(fd, "", AT_EMPTY_PATH | rec, &attr, sizeof attr) < 0)
		return -1;
	return steal_fd(&fd);
}

/* mountinfo's escapes (\040 for a space, \054 for a comma...), decoded in place. */
static void unescape_octal(char *s)
{
	char *out = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' &&
		    s[3] >= '0' && s[3] <= '7') {
			*out++ = (char)(((s[1] - '0') << 6) | ((s[2] - '0') << 3) | (s[3] - '0'));
			s += 3;
		} else {
			*out++ = *s;
		}
	}
	*out = '\0';
}

/* overlayfs's own escape in upperdir, workdir and lowerdir entries: '\' takes the next
 * character literally (as the kernel reads them). */
static void unescape_layer(char *s)
{
	char *out = s;

	for (;; s++) {
		if (*s == '\\')
			s++;
		*out++ = *s;
		if (!*s)
			return;
	}
}

/* lowerdir's value: entries separated by unescaped ':', data-only layers after "::". */
static int parse_lowerdir(const char *value, struct overlay_config *c)
{
	cleanup_free char *entry = malloc(strlen(value) + 1);
	char ***into = &c->lower;
	size_t n = 0;

	if (!entry)
		return -1;
	for (const char *p = value;; p++) {
		if (*p == '\\' && p[1]) {
			entry[n++] = *p++;
			entry[n++] = *p;
			continue;
		}
		if (*p && *p != ':') {
			entry[n++] = *p;
			continue;
		}
		entry[n] = '\0';
		unescape_layer(entry);
		if (n == 0 && *p == ':')
			into = &c->data;
		else if (n && strv_push(into, entry) < 0)
			return -1;
		n = 0;
		if (!*p)
			return 0;
	}
}

static int set_string(char **field, const char *value)
{
	free(*field);
	*field = strdup(value);
	if (!*field)
		return -1;
	unescape_layer(*field);
	return 0;
}

/* The overlay's super options as /proc/self/mountinfo prints them (Linux 6.5 and later print the
 * layer paths as the engine gave them: relative ones stay relative). */
static int parse_overlay_options(const char *super, struct overlay_config *c)
{
	cleanup_free char *copy = strdup(super);
	char *save = NULL;

	if (!copy)
		return -1;
	for (char *opt = strtok_r(copy, ",", &save); opt; opt = strtok_r(NULL, ",", &save)) {
		unescape_octal(opt);
		char *eq = strchr(opt, '=');
		const char *value = eq ? eq + 1 : "";
		int rc = 0;

		if (eq)
			*eq = '\0';
		if (strcmp(opt, "lowerdir") == 0)
			rc = parse_lowerdir(value, c);
		else if (strcmp(opt, "lowerdir+") == 0) /* the kernel does not unescape these */
			rc = strv_push(&c->lower, value);
		else if (strcmp(opt, "datadir+") == 0)
			rc = strv_push(&c->data, value);
		else if (strcmp(opt, "upperdir") == 0)
			rc = set_string(&c->upper, value);
		else if (strcmp(opt, "workdir") == 0)
			rc = set_string(&c->work, value);
		else if (strcmp(opt, "rw") != 0) {
			if (eq)
				*eq = '=';
			rc = strv_push(&c->options, opt);
		}
		if (rc < 0)
			return -1;
	}
	return 0;
}

/* The /proc/self/mountinfo entry of mount mnt_id. */
static int find_mount(int mnt_id, struct mount_entry *me, struct ward_error *err)
{
	cleanup_fclose FILE *f = fopen("/proc/self/mountinfo", "re");
	cleanup_free char *line = NULL;
	size_t cap = 0;

	if (!f)
		return ward_fail(err, errno, "read /proc/self/mountinfo");
	while (getline(&line, &cap, f) > 0) {
		char *save = NULL, *field[4], *sep = strstr(line, " - ");
		size_t n = 0;

		if (strtol(line, NULL, 10) != mnt_id || !sep)
			continue;
		line[strcspn(line, "\n")] = '\0';
		*sep = '\0';
		for (char *t = strtok_r(line, " ", &save); t && n < 4;
		     t = strtok_r(NULL, " ", &save))
			field[n++] = t;
		char *fstype = strtok_r(sep + 3, " ", &save);
		char *source = fstype ? strtok_r(NULL, " ", &save) : NULL;
		char *super = source ? strtok_r(NULL, " ", &save) : NULL;
		if (n < 4 || !super)
			break;
		unescape_octal(field[3]);
		me->root = strdup(field[3]);
		me->fstype = strdup(fstype);
		me->super = strdup(super);
		if (!me->root || !me->fstype || !me->super)
			return ward_fail(err, ENOMEM, "read /proc/self/mountinfo");
		return 0;
	}
	return ward_fail(err, 0, "mount %d is not (or badly) listed in /proc/self/mountinfo",
			 mnt_id);
}

/* The mount rootfs_fd is on, and whether rootfs_fd is that mount's root. */
static int rootfs_mount(int rootfs_fd, struct mount_entry *me, bool *is_root,
			struct ward_error *err)
{
	struct statx stx;

	if (statx(rootfs_fd, "", AT_EMPTY_PATH | AT_STATX_DONT_SYNC, STATX_MNT_ID, &stx) < 0)
		return ward_fail(err, errno, "statx");
	if (!(stx.stx_mask & STATX_MNT_ID) || !(stx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT))
		return ward_fail(err, 0, "the kernel does not tell the mount of a file (statx)");
	*is_root = stx.stx_attributes & STATX_ATTR_MOUNT_ROOT;
	return find_mount((int)stx.stx_mnt_id, me, err);
}

/* The host uid and gid of the namespace's root, read by a child that joined it (a uid_map read
 * from inside shows the parent's ids). */
static int userns_root_ids(int userns_fd, uid_t *uid, gid_t *gid, struct ward_error *err)
{
	unsigned ids[2] = {0, 0};
	int pipefd[2], status = 0;
	pid_t pid;

	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return ward_fail(err, errno, "create a pipe");
	pid = fork();
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
		const char *maps[2] = {"/proc/self/uid_map", "/proc/self/gid_map"};
		bool ok = setns(userns_fd, CLONE_NEWUSER) == 0;
		for (int i = 0; ok && i < 2; i++) {
			FILE *f = fopen(maps[i], "re");
			unsigned inside = 1, outside = 0, count;
			while (f && fscanf(f, "%u %u %u", &inside, &outside, &count) == 3 && inside)
				;
			ok = f && inside == 0;
			ids[i] = outside;
			if (f)
				fclose(f);
		}
		_exit(ok && write(pipefd[1], ids, sizeof ids) == sizeof ids ? 0 : 1);
	}
	close(pipefd[1]);
	if (pid < 0) {
		close(pipefd[0]);
		return ward_fail(err, errno, "fork");
	}
	bool got = read_all(pipefd[0], ids, sizeof ids) == sizeof ids;
	close(pipefd[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (!got)
		return ward_fail(err, 0, "the user namespace has no root (0 is not in its maps)");
	*uid = ids[0];
	*gid = ids[1];
	return 0;
}

/* What the engine's overlay and its new copy are built from. */
struct overlay_job {
	const char *rootfs_path;
	char *base; /* where relative layer paths start */
	int userns_fd;
	int fsfd;
	/* The idmapped layer mounts: detached, they are dissolved when their fd is closed, and
	 * overlayfs clones them only when the overlay is created. */
	int *held;
	size_t n_held, cap_held;
};

static void overlay_job_free(struct overlay_job *job)
{
	for (size_t i = 0; i < job->n_held; i++)
		close(job->held[i]);
	free(job->held);
}
#define cleanup_overlay_job __attribute__((cleanup(overlay_job_free)))

/* fd (closed on failure), kept open until the overlay is created. */
static int hold(struct overlay_job *job, int fd)
{
	if (fd >= 0 && job->n_held == job->cap_held) {
		int *grown = array_grow(job->held, &job->cap_held, sizeof *grown, 8);
		if (!grown) {
			close(fd);
			errno = ENOMEM;
			return -1;
		}
		job->held = grown;
	}
	if (fd >= 0)
		job->held[job->n_held++] = fd;
	return fd;
}

/* The storage directory of <storage>/<id>/merged, where Docker and containers/storage chdir
 * before they mount with relative layer paths (when the options would not fit in a page). */
static char *storage_dir(const char *rootfs_path)
{
	char *dir = strdup(rootfs_path);

	for (int i = 0; dir && i < 2; i++) {
		char *slash = strrchr(dir, '/');
		if (slash)
			*(slash == dir ? slash + 1 : slash) = '\0';
	}
	return dir;
}

__attribute__((format(printf, 4, 5))) static int
overlay_fail(const struct overlay_job *job, int code, struct ward_error *err, const char *fmt, ...)
{
	char what[PATH_MAX + 128], msg[512] = "", reason[512] = "";
	va_list ap;
	ssize_t n;

	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	/* The log keeps its messages in order: the last one says why the call failed. */
	while (job->fsfd >= 0 && (n = read(job->fsfd, msg, sizeof msg - 1)) > 0) {
		msg[n] = '\0';
		msg[strcspn(msg, "\n")] = '\0';
		snprintf(reason, sizeof reason, " (%s)", n > 2 ? msg + 2 : msg);
	}
	ward_fail(err, code,
		  "root.path: %s is an overlay; making its copy shown through the "
		  "container's user namespace: %s%s",
		  job->rootfs_path, what, reason);
	return -1;
}

/* A layer of the engine's overlay, as a real path and an O_PATH fd. */
static int open_layer(const struct overlay_job *job, const char *path, char **real,
		      struct ward_error *err)
{
	cleanup_free char *joined = path[0] == '/' ? strdup(path) : path_join(job->base, path);
	int fd = -1;

	*real = joined ? realpath(joined, NULL) : NULL;
	if (*real)
		fd = open(*real, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return overlay_fail(job, errno, err, "layer %s cannot be opened as a directory",
				    joined ? joined : path);
	return fd;
}

static bool kernel_older_than(int major, int minor)
{
	struct utsname u;
	int ma = 0, mi = 0;

	return uname(&u) == 0 && sscanf(u.release, "%d.%d", &ma, &mi) == 2 &&
	       (ma < major || (ma == major && mi < minor));
}

static int add_lowers(struct overlay_job *job, char **layers, const char *key,
		      struct ward_error *err)
{
	for (size_t i = 0; layers && layers[i]; i++) {
		cleanup_free char *real = NULL;
		cleanup_close int dir = open_layer(job, layers[i], &real, err);
		int mnt = dir < 0 ? -1 : hold(job, idmapped_clone(dir, false, job->userns_fd));

		if (dir < 0)
			return -1;
		if (mnt < 0)
			return overlay_fail(job, errno, err, "idmapped mount of layer %s", real);
		if (fsconfig(job->fsfd, FSCONFIG_SET_FD, key, NULL, mnt) < 0) {
			int e = errno;
			if (e == EINVAL && kernel_older_than(6, 13))
				return overlay_fail(
					job, 0, err,
					"this kernel refuses overlay layers given as file "
					"descriptors, which idmapped layers need (Linux "
					"6.13 or later); %s",
					"upgrade the kernel " USERNS_OFF);
			return overlay_fail(job, e, err, "layer %s", real);
		}
	}
	return 0;
}

static bool same_inode(int a, int b)
{
	struct stat sa, sb;

	return fstat(a, &sa) == 0 && fstat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
	       sa.st_ino == sb.st_ino;
}

/* The length of the longest directory both absolute paths are in (0: "/"). */
static size_t common_dir(const char *a, const char *b)
{
	size_t last = 0;

	for (size_t i = 0; a[i] && a[i] == b[i]; i++)
		if (a[i] == '/')
			last = i;
	return last;
}

/* real (a directory below top) opened through mnt, the idmapped clone of top; it must be the
 * inode real_fd is (a mount between them would not be in the clone). */
static int open_through(const struct overlay_job *job, int mnt, const char *top_path,
			const char *real, int real_fd, struct ward_error *err)
{
	const char *rel = real + strlen(top_path);
	cleanup_close int fd = -1;

	rel += *rel == '/';
	fd = openat(mnt, *rel ? rel : ".", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return overlay_fail(job, errno, err, "open %s through its idmapped mount", real);
	if (!same_inode(fd, real_fd))
		return overlay_fail(job, 0, err, "%s is not on the mount of its parent", real);
	return steal_fd(&fd);
}

/* upperdir and ward's own workdir, both through one idmapped clone of the directory they share
 * (overlayfs wants them on the same mount). */
static int add_upper(struct overlay_job *job, const struct overlay_config *c,
		     struct ward_error *err)
{
	cleanup_free char *upper = NULL, *work = NULL, *mine = NULL, *top = NULL;
	cleanup_close int up = open_layer(job, c->upper, &upper, err);
	cleanup_close int engine_work = up < 0 ? -1 : open_layer(job, c->work, &work, err);
	cleanup_close int wk = -1, up_m = -1, wk_m = -1;
	int mnt;

	if (engine_work < 0)
		return -1;
	if (mkdirat(engine_work, WARD_WORKDIR, 0700) < 0 && errno != EEXIST)
		return overlay_fail(job, errno, err, "create the workdir %s/" WARD_WORKDIR, work);
	wk = openat(engine_work, WARD_WORKDIR, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	mine = path_join(work, WARD_WORKDIR);
	size_t len = common_dir(upper, work);
	top = strndup(upper, len ? len : 1);
	if (wk < 0 || !mine || !top)
		return overlay_fail(job, wk < 0 ? errno : ENOMEM, err, "open the workdir in %s",
				    work);
	cleanup_close int top_fd = open(top, O_PATH | O_DIRECTORY | O_CLOEXEC);
	mnt = top_fd < 0 ? -1 : hold(job, idmapped_clone(top_fd, false, job->userns_fd));
	if (mnt < 0)
		return overlay_fail(job, errno, err, "idmapped mount of %s", top);
	up_m = open_through(job, mnt, top, upper, up, err);
	wk_m = up_m < 0 ? -1 : open_through(job, mnt, top, mine, wk, err);
	if (wk_m < 0)
		return -1;
	if (fsconfig(job->fsfd, FSCONFIG_SET_FD, "upperdir", NULL, up_m) < 0)
		return overlay_fail(job, errno, err, "upperdir %s", upper);
	if (fsconfig(job->fsfd, FSCONFIG_SET_FD, "workdir", NULL, wk_m) < 0)
		return overlay_fail(job, errno, err, "workdir %s", mine);
	return 0;
}

/* The engine's other options (redirect_dir, index, metacopy, xino, volatile, ...): they change
 * what the overlay means, so they are carried over as they are, or the copy is refused. */
static int add_options(const struct overlay_job *job, char **options, struct ward_error *err)
{
	for (size_t i = 0; options && options[i]; i++) {
		cleanup_free char *key = strdup(options[i]);
		char *eq = key ? strchr(key, '=') : NULL;
		int rc;

		if (!key)
			return ward_fail(err, ENOMEM, "root.path");
		if (eq)
			*eq = '\0';
		char *value = eq ? eq + 1 : NULL;
		size_t len = value ? strlen(value) : 0;
		/* LSM options are printed quoted (context="..."); fsconfig takes the bare value. */
		if (len >= 2 && value[0] == '"' && value[len - 1] == '"') {
			value[len - 1] = '\0';
			value++;
		}
		rc = value ? fsconfig(job->fsfd, FSCONFIG_SET_STRING, key, value, 0)
			   : fsconfig(job->fsfd, FSCONFIG_SET_FLAG, key, NULL, 0);
		if (rc < 0)
			return overlay_fail(job, errno, err, "option %s", options[i]);
	}
	return 0;
}

/* CMD_CREATE with the fsuid/fsgid of the namespace's root (see the top of this file), and the
 * file capabilities the change of fsuid drops from the effective set; ward's own are restored. */
static int create_overlay(const struct overlay_job *job, struct ward_error *err)
{
	uid_t uid = 0;
	gid_t gid = 0;
	int rc = -1, e = 0;

	if (userns_root_ids(job->userns_fd, &uid, &gid, err) < 0)
		return ward_error_prefix(err, "root.path: %s", job->rootfs_path);
	cap_t caps = cap_get_proc();
	if (!caps)
		return ward_fail(err, errno, "read ward's capabilities");
	uid_t old_gid = (uid_t)setfsgid(gid), old_uid = (uid_t)setfsuid(uid);
	if ((uid_t)setfsuid(-1) == uid && (gid_t)setfsgid(-1) == gid && cap_set_proc(caps) == 0)
		rc = fsconfig(job->fsfd, FSCONFIG_CMD_CREATE, NULL, NULL, 0);
	e = errno;
	setfsuid(old_uid);
	setfsgid(old_gid);
	bool restored = cap_set_proc(caps) == 0 && (uid_t)setfsuid(-1) == old_uid &&
			(uid_t)setfsgid(-1) == old_gid;
	cap_free(caps);
	if (!restored)
		return ward_fail(err, 0, "could not restore ward's credentials after an overlay");
	if (rc < 0 && e == EBUSY)
		return overlay_fail(
			job, e, err, "%s",
			"the engine mounted it with index=on, which lets no other overlay "
			"share its upperdir; mount it with index=off " USERNS_OFF);
	if (rc < 0)
		return overlay_fail(job, e, err, "%s", "create the overlay");
	return 0;
}

static int overlay_open(const char *rootfs_path, int userns_fd, const struct mount_entry *me,
			struct ward_error *err)
{
	cleanup_overlay_config struct overlay_config c = {0};
	cleanup_free char *base = storage_dir(rootfs_path);
	cleanup_close int fsfd = -1;
	cleanup_overlay_job struct overlay_job job = {rootfs_path, base, userns_fd, -1, NULL, 0, 0};

	if (strcmp(me->root, "/") != 0)
		return overlay_fail(&job, 0, err,
				    "it is a bind mount of %s in an overlay, not an "
				    "overlay's root: give the overlay itself " USERNS_OFF,
				    me->root);
	if (!base || parse_overlay_options(me->super, &c) < 0)
		return ward_fail(err, ENOMEM, "root.path");
	if ((!c.lower && !c.data) || !c.upper != !c.work)
		return overlay_fail(&job, 0, err, "its layers are not understood (%s)", me->super);
	fsfd = fsopen("overlay", FSOPEN_CLOEXEC);
	if (fsfd < 0)
		return overlay_fail(&job, errno, err, "%s", "open an overlay filesystem");
	job.fsfd = fsfd;
	if (add_options(&job, c.options, err) < 0 ||
	    add_lowers(&job, c.lower, "lowerdir+", err) < 0 ||
	    add_lowers(&job, c.data, "datadir+", err) < 0 ||
	    (c.upper && add_upper(&job, &c, err) < 0) || create_overlay(&job, err) < 0)
		return -1;
	int mnt = fsmount(fsfd, FSMOUNT_CLOEXEC, 0);
	if (mnt < 0)
		return overlay_fail(&job, errno, err, "%s", "mount the overlay");
	return mnt;
}

int idmap_rootfs_open(int rootfs_fd, const char *rootfs_path, int userns_fd, struct ward_error *err)
{
	cleanup_mount_entry struct mount_entry me = {0};
	struct statfs sfs;
	bool is_root = false;
	char reason[128];
	int fd;

	if (fstatfs(rootfs_fd, &sfs) < 0)
		return ward_fail(err, errno, "root.path: %s", rootfs_path);
	if (rootfs_mount(rootfs_fd, &me, &is_root, err) < 0)
		return ward_error_prefix(err, "root.path: %s", rootfs_path);
	if (sfs.f_type == OVERLAYFS_SUPER_MAGIC && is_root)
		return overlay_open(rootfs_path, userns_fd, &me, err);
	fd = idmapped_clone(rootfs_fd, true, userns_fd);
	if (fd >= 0)
		return fd;
	ward_strerror(errno, reason, sizeof reason);
	if (sfs.f_type == OVERLAYFS_SUPER_MAGIC)
		return ward_fail(err, 0,
				 "root.path: %s is a directory inside an overlayfs mount, not its "
				 "root, and overlayfs cannot be shown through the container's user "
				 "namespace (idmapped mount: %s); give the overlay's root as "
				 "root.path " USERNS_OFF,
				 rootfs_path, reason);
	return ward_fail(err, 0,
			 "root.path: %s is on a %s filesystem, which cannot be shown through the "
			 "container's user namespace (idmapped mount: %s); put the root "
			 "filesystem on ext4, xfs, btrfs, tmpfs or overlayfs, " USERNS_OFF,
			 rootfs_path, me.fstype, reason);
}
