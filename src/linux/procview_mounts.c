/* A process's mounts as the kernel reports them in /proc/<pid>/mountinfo, and what is in force
 * at the paths a config masks or makes read-only. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "ward/cleanup.h"
#include "ward/procview.h"
#include "ward/safepath.h"
#include "ward/util.h"

/* A container's mount table is bounded by the kernel's mount limit (mount-max, 100000 by
 * default); 16 MiB holds far more than any real one. */
#define MOUNTINFO_MAX (16u << 20)
#define TMPFS_MAGIC   0x01021994

/* The next space-separated field of *p with mountinfo's octal escapes decoded, malloc'd;
 * NULL at the end of the line or without memory. */
static char *next_field(const char **p)
{
	const char *s = *p + strspn(*p, " ");
	size_t n = strcspn(s, " \n");
	char *out, *o;

	if (n == 0)
		return NULL;
	out = o = malloc(n + 1);
	if (!out)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\\' && i + 3 < n && s[i + 1] >= '0' && s[i + 1] <= '3' &&
		    s[i + 2] >= '0' && s[i + 2] <= '7' && s[i + 3] >= '0' && s[i + 3] <= '7') {
			*o++ = (char)((s[i + 1] - '0') * 64 + (s[i + 2] - '0') * 8 +
				      (s[i + 3] - '0'));
			i += 3;
		} else {
			*o++ = s[i];
		}
	}
	*o = '\0';
	*p = s + n;
	return out;
}

static void mount_free(struct procview_mount *m)
{
	free(m->root);
	free(m->mount_point);
	free(m->options);
	free(m->fstype);
	free(m->source);
}

/* One line: "ID PARENT MAJ:MIN ROOT MOUNT-POINT OPTIONS [OPTIONAL...] - FSTYPE SOURCE SUPER". */
static int parse_line(const char *line, struct procview_mount *m)
{
	const char *p = line;
	cleanup_free char *id = next_field(&p), *parent = next_field(&p), *dev = next_field(&p);
	char *opt;

	memset(m, 0, sizeof *m);
	if (!id || !parent || !dev)
		return -1;
	m->id = strtoull(id, NULL, 10);
	m->parent = strtoull(parent, NULL, 10);
	m->root = next_field(&p);
	m->mount_point = next_field(&p);
	m->options = next_field(&p);
	/* Optional fields (shared:N, master:N, ...) up to the separator. */
	while ((opt = next_field(&p)) != NULL && strcmp(opt, "-") != 0)
		free(opt);
	if (!opt)
		goto bad;
	free(opt);
	m->fstype = next_field(&p);
	m->source = next_field(&p);
	if (!m->root || !m->mount_point || !m->options || !m->fstype || !m->source)
		goto bad;
	return 0;
bad:
	mount_free(m);
	return -1;
}

void procview_mounts_free(struct procview_mount *m, size_t n)
{
	for (size_t i = 0; i < n; i++)
		mount_free(&m[i]);
	free(m);
}

int procview_parse_mountinfo(const char *text, struct procview_mount **out, size_t *n)
{
	struct procview_mount *mounts = NULL;
	size_t count = 0, cap = 0;

	*out = NULL;
	*n = 0;
	for (const char *line = text; *line;) {
		const char *eol = strchr(line, '\n');
		if (line[strspn(line, " ")] != '\n') {
			if (count == cap) {
				size_t ncap = cap ? cap * 2 : 32;
				struct procview_mount *nm = realloc(mounts, ncap * sizeof *nm);
				if (!nm)
					goto bad;
				mounts = nm;
				cap = ncap;
			}
			if (parse_line(line, &mounts[count]) < 0)
				goto bad;
			count++;
		}
		if (!eol)
			break;
		line = eol + 1;
	}
	*out = mounts;
	*n = count;
	return 0;
bad:
	procview_mounts_free(mounts, count);
	return -1;
}

int procview_read_mounts(int procfd, struct procview_mount **out, size_t *n, struct ward_error *err)
{
	cleanup_close int fd = openat(procfd, "mountinfo", O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	cleanup_free char *text = NULL;
	size_t len;

	*out = NULL;
	*n = 0;
	if (fd < 0)
		return ward_fail(err, errno, "read /proc/<pid>/mountinfo");
	if (read_fd_limited(fd, MOUNTINFO_MAX, &text, &len, err) < 0)
		return ward_error_prefix(err, "read /proc/<pid>/mountinfo");
	if (procview_parse_mountinfo(text, out, n) < 0)
		return ward_fail(err, EIO, "/proc/<pid>/mountinfo: a line is not understood");
	return 0;
}

/* path is mount point mp or below it. */
static bool within(const char *path, const char *mp)
{
	size_t n = strlen(mp);
	if (strcmp(mp, "/") == 0)
		return true;
	return strncmp(path, mp, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

const struct procview_mount *procview_mount_holding(const struct procview_mount *m, size_t n,
						    const char *path)
{
	const struct procview_mount *best = NULL;

	for (size_t i = 0; i < n; i++)
		if (within(path, m[i].mount_point) &&
		    (!best || strlen(m[i].mount_point) >= strlen(best->mount_point)))
			best = &m[i];
	return best;
}

bool procview_mount_readonly(const struct procview_mount *m)
{
	for (const char *o = m->options; *o;) {
		size_t len = strcspn(o, ",");
		if (len == 2 && strncmp(o, "ro", 2) == 0)
			return true;
		o += len + (o[len] == ',');
	}
	return false;
}

const char *procview_path_state_name(enum procview_path_state s)
{
	static const char *const names[] = {"absent", "masked-null", "masked-empty", "read-only",
					    "open"};
	return names[s];
}

enum procview_path_state procview_classify_path(const struct procview_mount *m, size_t n,
						const char *path, const struct stat *st)
{
	const struct procview_mount *holder = procview_mount_holding(m, n, path);

	if (!st)
		return PV_PATH_ABSENT;
	/* A mask is a mount on the path itself; what it shows tells which kind. */
	if (holder && strcmp(holder->mount_point, path) == 0) {
		if (S_ISCHR(st->st_mode) && st->st_rdev == makedev(1, 3))
			return PV_PATH_MASKED_NULL;
		if (S_ISDIR(st->st_mode) && strcmp(holder->fstype, "tmpfs") == 0 &&
		    procview_mount_readonly(holder) && st->st_nlink <= 2)
			return PV_PATH_MASKED_EMPTY;
	}
	if (holder && procview_mount_readonly(holder))
		return PV_PATH_READONLY;
	return PV_PATH_OPEN;
}

enum procview_path_state procview_path_state(int rootfd, const struct procview_mount *m, size_t n,
					     const char *path)
{
	cleanup_close int fd = safe_open_in_root(rootfd, path, O_PATH | O_NOFOLLOW);
	struct stat st;
	struct statfs fs;

	if (fd < 0 || fstat(fd, &st) < 0)
		return PV_PATH_ABSENT;
	enum procview_path_state s = procview_classify_path(m, n, path, &st);
	/* mountinfo's type is a name any filesystem can claim; the empty mask must be tmpfs. */
	if (s == PV_PATH_MASKED_EMPTY && (fstatfs(fd, &fs) < 0 || fs.f_type != TMPFS_MAGIC))
		return procview_mount_readonly(procview_mount_holding(m, n, path))
			       ? PV_PATH_READONLY
			       : PV_PATH_OPEN;
	return s;
}
