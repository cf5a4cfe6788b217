/* HOME from the container's /etc/passwd, for a process whose environment has none: runc sets
 * it from the entry of the process's uid, or "/" when there is none, and images (Docker's,
 * ctr's) rely on it. The file belongs to the image, so it is read as hostile input: opened
 * inside the root without following magic links, only when it is a regular file on an
 * ordinary filesystem, without blocking, and never more than PASSWD_MAX_BYTES of it. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <linux/magic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "ward/cleanup.h"
#include "ward/passwd.h"
#include "ward/safepath.h"

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* Field i (0-based) of a ':'-separated line; false when the line has fewer fields. */
static bool field(const char *line, size_t len, int i, const char **start, size_t *flen)
{
	const char *p = line, *end = line + len;

	for (; i > 0; i--) {
		const char *colon = memchr(p, ':', (size_t)(end - p));
		if (!colon)
			return false;
		p = colon + 1;
	}
	const char *colon = memchr(p, ':', (size_t)(end - p));
	*start = p;
	*flen = (size_t)((colon ? colon : end) - p);
	return true;
}

static bool parse_uid(const char *s, size_t len, uid_t *out)
{
	unsigned long long v = 0;

	if (len == 0 || len > 10)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	/* (uid_t)-1 means "no uid" to the kernel: no entry can have it. */
	if (v >= (uid_t)-1)
		return false;
	*out = (uid_t)v;
	return true;
}

static bool line_home(const char *line, size_t len, uid_t uid, char *home, size_t size)
{
	const char *f;
	size_t flen;
	uid_t u;

	while (len && is_space(*line))
		line++, len--;
	while (len && is_space(line[len - 1]))
		len--;
	if (!field(line, len, 2, &f, &flen) || !parse_uid(f, flen, &u) || u != uid)
		return false;
	if (!field(line, len, 5, &f, &flen) || flen == 0 || f[0] != '/' || flen >= size ||
	    memchr(f, '\0', flen))
		return false;
	memcpy(home, f, flen);
	home[flen] = '\0';
	return true;
}

bool passwd_find_home(const char *buf, size_t len, bool complete, uid_t uid, char *home,
		      size_t size)
{
	const char *p = buf, *end = buf + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl && !complete)
			break;
		const char *eol = nl ? nl : end;
		if (line_home(p, (size_t)(eol - p), uid, home, size))
			return true;
		p = eol + 1;
	}
	return false;
}

/* Filesystems whose files are not data: reading them can block, consume kernel state
 * (/proc/kmsg, trace_pipe) or act on devices. A passwd that resolves into one is ignored. */
static bool is_pseudo_fs(int fd)
{
	static const long types[] = {PROC_SUPER_MAGIC,	  SYSFS_MAGIC,	    DEBUGFS_MAGIC,
				     TRACEFS_MAGIC,	  SECURITYFS_MAGIC, CGROUP_SUPER_MAGIC,
				     CGROUP2_SUPER_MAGIC, BPF_FS_MAGIC,	    DEVPTS_SUPER_MAGIC};
	struct statfs sfs;

	if (fstatfs(fd, &sfs) < 0)
		return true;
	for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
		if ((long)sfs.f_type == types[i])
			return true;
	return false;
}

/* Reads at most PASSWD_MAX_BYTES, starting with a buffer of hint bytes; *complete when the
 * end of the file was reached. NULL on a read or allocation failure. */
static char *read_bounded(int fd, size_t hint, size_t *len, bool *complete)
{
	size_t cap = hint, used = 0;
	char *buf = malloc(cap);

	*complete = false;
	while (buf) {
		if (used == cap) {
			if (cap == PASSWD_MAX_BYTES)
				break;
			size_t ncap = cap < PASSWD_MAX_BYTES / 2 ? cap * 2 : PASSWD_MAX_BYTES;
			char *nb = realloc(buf, ncap);
			if (!nb)
				break;
			buf = nb;
			cap = ncap;
		}
		ssize_t n = read(fd, buf + used, cap - used);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			*complete = n == 0;
			break;
		}
		used += (size_t)n;
	}
	*len = used;
	return buf;
}

void passwd_home_of(uid_t uid, char *home, size_t size)
{
	cleanup_close int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	cleanup_close int fd = -1;
	cleanup_free char *buf = NULL;
	struct stat st;
	size_t len;
	bool complete;

	snprintf(home, size, "/");
	if (root < 0)
		return;
	/* O_NONBLOCK: a FIFO planted as /etc/passwd must not hang the container's start. */
	fd = safe_open_in_root(root, "/etc/passwd", O_RDONLY | O_NONBLOCK | O_NOCTTY);
	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || is_pseudo_fs(fd))
		return;
	/* One byte more than its size, so that the end is seen without growing the buffer. */
	size_t hint = st.st_size >= 0 && (uint64_t)st.st_size < PASSWD_MAX_BYTES
			      ? (size_t)st.st_size + 1
			      : PASSWD_MAX_BYTES;
	buf = read_bounded(fd, hint, &len, &complete);
	if (!buf || !passwd_find_home(buf, len, complete, uid, home, size))
		snprintf(home, size, "/");
}

char *const *passwd_env_with_home(char *const *env, uid_t uid)
{
	char home[PATH_MAX];
	size_t n = 0;
	char **out;

	for (; env && env[n]; n++)
		if (strncmp(env[n], "HOME=", 5) == 0 && env[n][5])
			return env;
	passwd_home_of(uid, home, sizeof home);
	out = calloc(n + 2, sizeof *out);
	if (!out)
		return NULL;
	size_t o = 0;
	/* An empty HOME counts as unset (runc tests the value); it is replaced. */
	for (size_t i = 0; i < n; i++)
		if (strncmp(env[i], "HOME=", 5) != 0)
			out[o++] = env[i];
	size_t hlen = strlen(home);
	out[o] = malloc(hlen + 6);
	if (!out[o]) {
		free(out);
		return NULL;
	}
	memcpy(out[o], "HOME=", 5);
	memcpy(out[o] + 5, home, hlen + 1);
	return out;
}
