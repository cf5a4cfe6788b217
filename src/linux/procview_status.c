/* A process's credentials and namespaces as the kernel reports them in /proc/<pid>/ (status,
 * ns/, uid_map, gid_map, attr/): the first half of procview.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ward/cleanup.h"
#include "ward/procview.h"
#include "ward/spec.h"
#include "ward/util.h"

/* Large enough for any status, map or label file; mountinfo has its own bound. */
#define SMALL_FILE_MAX (256 * 1024)

/* Reads name below procfd, at most max bytes; on failure err->code is the errno (ENOENT: no
 * such file; the caller decides what that means). */
static int read_proc_file(int procfd, const char *name, size_t max, char **out,
			  struct ward_error *err)
{
	cleanup_close int fd = openat(procfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	size_t len;

	if (fd < 0)
		return ward_fail(err, errno, "read /proc/<pid>/%s", name);
	if (read_fd_limited(fd, max, out, &len, err) < 0)
		return ward_error_prefix(err, "read /proc/<pid>/%s", name);
	return 0;
}

static int parse_hex64(const char *s, uint64_t *out)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 16);
	if (errno || end == s || (*end && *end != '\n'))
		return -1;
	*out = v;
	return 0;
}

static int parse_small(const char *s, int *out)
{
	long v;
	char buf[32];
	size_t n = strcspn(s, "\n");
	if (n == 0 || n >= sizeof buf)
		return -1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (parse_long(buf, 0, 1 << 20, &v) < 0)
		return -1;
	*out = (int)v;
	return 0;
}

/* One "Key:\tvalue" line of status; -1 when a field ward reads has a malformed value. */
static int parse_status_line(const char *line, struct procview_status *out)
{
	static const char *const cap_keys[PV_CAP_SETS] = {
		"CapInh:", "CapPrm:", "CapEff:", "CapBnd:", "CapAmb:"};
	const char *v = strchr(line, ':');
	const char *eol = strchr(line, '\n');

	if (!v || (eol && v > eol))
		return 0;
	v += 1 + strspn(v + 1, " \t");
	for (int i = 0; i < PV_CAP_SETS; i++) {
		if (strncmp(line, cap_keys[i], strlen(cap_keys[i])) != 0)
			continue;
		out->has_caps[i] = parse_hex64(v, &out->caps[i]) == 0;
		return out->has_caps[i] ? 0 : -1;
	}
	if (strncmp(line, "NoNewPrivs:", 11) == 0)
		return parse_small(v, &out->no_new_privs);
	if (strncmp(line, "Seccomp:", 8) == 0)
		return parse_small(v, &out->seccomp);
	if (strncmp(line, "Seccomp_filters:", 16) == 0)
		return parse_small(v, &out->seccomp_filters);
	return 0;
}

int procview_parse_status(const char *text, struct procview_status *out)
{
	memset(out, 0, sizeof *out);
	out->no_new_privs = out->seccomp = out->seccomp_filters = -1;
	for (const char *line = text; line && *line;) {
		if (parse_status_line(line, out) < 0)
			return -1;
		line = strchr(line, '\n');
		if (line)
			line++;
	}
	return 0;
}

int procview_read_status(int procfd, struct procview_status *out, struct ward_error *err)
{
	cleanup_free char *text = NULL;

	if (read_proc_file(procfd, "status", SMALL_FILE_MAX, &text, err) < 0)
		return -1;
	if (procview_parse_status(text, out) < 0)
		return ward_fail(err, EIO,
				 "/proc/<pid>/status: a field the kernel wrote is not "
				 "understood");
	return 0;
}

char **procview_cap_names(uint64_t mask)
{
	char **names = calloc(65, sizeof *names);
	size_t n = 0;

	if (!names)
		return NULL;
	for (int bit = 0; bit < 64; bit++) {
		if (!(mask & (1ULL << bit)))
			continue;
		const char *known = spec_cap_name(bit);
		if (known)
			names[n] = strdup(known);
		else if (asprintf(&names[n], "CAP_%d", bit) < 0)
			names[n] = NULL;
		if (!names[n++]) {
			strv_free(names);
			return NULL;
		}
	}
	return names;
}

const char *procview_ns_name(enum procview_ns ns)
{
	static const char *const names[PV_NS_COUNT] = {"cgroup", "ipc",	 "mnt",	 "net",
						       "pid",	 "time", "user", "uts"};
	return names[ns];
}

int procview_read_namespaces(int procfd, struct procview_ns_info ns[PV_NS_COUNT],
			     struct ward_error *err)
{
	for (int i = 0; i < PV_NS_COUNT; i++) {
		char path[32], own[32];
		struct stat theirs, ours;
		snprintf(path, sizeof path, "ns/%s", procview_ns_name(i));
		snprintf(own, sizeof own, "/proc/self/ns/%s", procview_ns_name(i));
		memset(&ns[i], 0, sizeof ns[i]);
		if (fstatat(procfd, path, &theirs, 0) < 0) {
			if (errno == ENOENT)
				continue; /* a kernel without this namespace type */
			return ward_fail(err, errno, "read /proc/<pid>/%s", path);
		}
		ns[i].present = true;
		ns[i].dev = theirs.st_dev;
		ns[i].ino = theirs.st_ino;
		ns[i].shared_with_reader = stat(own, &ours) == 0 && ours.st_dev == theirs.st_dev &&
					   ours.st_ino == theirs.st_ino;
	}
	return 0;
}

int procview_parse_idmap(const char *text, struct procview_idmap **out, size_t *n)
{
	struct procview_idmap *maps = NULL;
	size_t count = 0;

	*out = NULL;
	*n = 0;
	for (const char *p = text; *p;) {
		unsigned long long a, b, c;
		int used = 0;
		if (sscanf(p, " %llu %llu %llu%n", &a, &b, &c, &used) != 3) {
			if (p[strspn(p, " \t\n")] == '\0')
				break;
			free(maps);
			return -1;
		}
		struct procview_idmap *nm = realloc(maps, (count + 1) * sizeof *nm);
		if (!nm) {
			free(maps);
			return -1;
		}
		maps = nm;
		maps[count++] = (struct procview_idmap){a, b, c};
		p += used;
	}
	*out = maps;
	*n = count;
	return 0;
}

int procview_read_idmap(int procfd, const char *name, struct procview_idmap **out, size_t *n,
			struct ward_error *err)
{
	cleanup_free char *text = NULL;

	*out = NULL;
	*n = 0;
	if (read_proc_file(procfd, name, SMALL_FILE_MAX, &text, err) < 0)
		return -1;
	if (procview_parse_idmap(text, out, n) < 0)
		return ward_fail(err, EIO, "/proc/<pid>/%s: not an id map", name);
	return 0;
}

int procview_read_lsm(int procfd, const char *attr, char **out, struct ward_error *err)
{
	char *text = NULL;

	*out = NULL;
	if (read_proc_file(procfd, attr, SMALL_FILE_MAX, &text, err) < 0) {
		/* No LSM that keeps this attribute: EINVAL (attr/current), ENOENT (apparmor/). */
		if (err->code != EINVAL && err->code != ENOENT && err->code != EOPNOTSUPP)
			return -1;
		ward_error_clear(err);
		return 0;
	}
	text[strcspn(text, "\n")] = '\0';
	if (!text[0]) {
		free(text);
		return 0;
	}
	*out = text;
	return 0;
}
