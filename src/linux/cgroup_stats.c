/* Statistics from the container's cgroup files, for `events`. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ward/cgroup.h"
#include "ward/cleanup.h"
#include "ward/util.h"

static int read_text(const char *root, const char *path, const char *file, char *buf, size_t size)
{
	char full[PATH_MAX];
	cleanup_close int fd = -1;
	ssize_t n;

	snprintf(full, sizeof full, "%s%s/%s", root, path, file);
	fd = open(full, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || (n = read_all(fd, buf, size - 1)) < 0)
		return -1;
	buf[n] = '\0';
	return 0;
}

/* A single-value file: a number, or "max" (returned as UINT64_MAX). */
static bool read_value(const char *root, const char *path, const char *file, uint64_t *out)
{
	char buf[64];
	if (read_text(root, path, file, buf, sizeof buf) < 0)
		return false;
	*out = strncmp(buf, "max", 3) == 0 ? UINT64_MAX : strtoull(buf, NULL, 10);
	return true;
}

static uint64_t key_of(const char *text, const char *key)
{
	size_t kl = strlen(key);
	for (const char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
		if (strncmp(l, key, kl) == 0 && l[kl] == ' ')
			return strtoull(l + kl + 1, NULL, 10);
	return 0;
}

int cgroup_read_stats(const char *root, const char *path, struct cgroup_stats *s,
		      struct ward_error *err)
{
	char buf[8192];
	DIR *d;
	struct dirent *e;
	char full[PATH_MAX];

	memset(s, 0, sizeof *s);
	if (read_text(root, path, "cpu.stat", buf, sizeof buf) < 0)
		return ward_fail(err, errno, "read %s%s/cpu.stat", root, path);
	s->cpu_usage_usec = key_of(buf, "usage_usec");
	s->cpu_user_usec = key_of(buf, "user_usec");
	s->cpu_system_usec = key_of(buf, "system_usec");
	s->cpu_periods = key_of(buf, "nr_periods");
	s->cpu_throttled_periods = key_of(buf, "nr_throttled");
	s->cpu_throttled_usec = key_of(buf, "throttled_usec");
	if (read_value(root, path, "memory.current", &s->memory_current)) {
		s->has_memory = true;
		read_value(root, path, "memory.max", &s->memory_max);
		read_value(root, path, "memory.swap.current", &s->memory_swap_current);
		read_value(root, path, "memory.swap.max", &s->memory_swap_max);
		if (read_text(root, path, "memory.events", buf, sizeof buf) == 0) {
			s->memory_oom_kill = key_of(buf, "oom_kill");
			s->memory_max_events = key_of(buf, "max");
		}
	}
	if (read_value(root, path, "pids.current", &s->pids_current)) {
		s->has_pids = true;
		read_value(root, path, "pids.max", &s->pids_max);
	}
	snprintf(full, sizeof full, "%s%s", root, path);
	d = opendir(full);
	while (d && (e = readdir(d)) != NULL && s->n_hugetlb < 4) {
		char size[16], file[64];
		if (sscanf(e->d_name, "hugetlb.%15[^.]", size) != 1)
			continue;
		snprintf(file, sizeof file, "hugetlb.%s.current", size);
		if (strcmp(e->d_name, file) != 0)
			continue;
		snprintf(s->hugetlb[s->n_hugetlb].size, sizeof s->hugetlb[0].size, "%s", size);
		read_value(root, path, e->d_name, &s->hugetlb[s->n_hugetlb].current);
		snprintf(file, sizeof file, "hugetlb.%s.max", size);
		read_value(root, path, file, &s->hugetlb[s->n_hugetlb].max);
		snprintf(file, sizeof file, "hugetlb.%s.events", size);
		if (read_text(root, path, file, buf, sizeof buf) == 0)
			s->hugetlb[s->n_hugetlb].failcnt = key_of(buf, "max");
		s->n_hugetlb++;
	}
	if (d)
		closedir(d);
	return 0;
}
