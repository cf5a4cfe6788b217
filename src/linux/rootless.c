/* Rootless detection: runc's rule (a process is rootless when it is not root in the initial user
 * namespace), overridable with --rootless, computed once. */
#include <linux/oom.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ward/cleanup.h"
#include "ward/rootless.h"
#include "ward/util.h"

static enum rootless_mode mode = ROOTLESS_AUTO;

int rootless_parse_mode(const char *s, enum rootless_mode *out)
{
	if (strcmp(s, "auto") == 0)
		*out = ROOTLESS_AUTO;
	else if (strcmp(s, "true") == 0)
		*out = ROOTLESS_ON;
	else if (strcmp(s, "false") == 0)
		*out = ROOTLESS_OFF;
	else
		return -1;
	return 0;
}

static bool compute_host_root(void);
static int host_root_cache; /* 0: not computed yet; 1: no; 2: yes */

void rootless_set_mode(enum rootless_mode m)
{
	mode = m;
	/* Decided now, before any process is cloned: the container's processes, in other
	 * namespaces, must use ward's answer, not one computed from inside. */
	host_root_cache = compute_host_root() ? 2 : 1;
}

/* One unsigned decimal field of a map line; advances *p past it. */
static bool read_field(const char **p, uint64_t *v)
{
	char *end;

	while (**p == ' ' || **p == '\t')
		(*p)++;
	if (**p < '0' || **p > '9')
		return false;
	errno = 0;
	*v = strtoull(*p, &end, 10);
	if (errno)
		return false;
	*p = end;
	return true;
}

bool rootless_uid_map_is_initial(const char *content)
{
	const char *p = content;
	uint64_t inside, outside, count;

	/* The file exists but maps nothing: a user namespace whose map is not written yet. */
	if (!*content)
		return false;
	if (!read_field(&p, &inside) || !read_field(&p, &outside) || !read_field(&p, &count))
		return true;
	return inside == 0 && outside == 0 && count == UINT32_MAX;
}

bool rootless_in_user_namespace(void)
{
	char buf[4096];
	cleanup_close int fd = open("/proc/self/uid_map", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return false;
	ssize_t n = read_all(fd, buf, sizeof buf - 1);
	if (n < 0)
		return false;
	buf[n] = '\0';
	return !rootless_uid_map_is_initial(buf);
}

static bool compute_host_root(void)
{
	return geteuid() == 0 && !rootless_in_user_namespace();
}

bool rootless_is_host_root(void)
{
	if (!host_root_cache)
		host_root_cache = compute_host_root() ? 2 : 1;
	return host_root_cache == 2;
}

bool ward_is_rootless(void)
{
	if (mode == ROOTLESS_ON)
		return true;
	if (mode == ROOTLESS_OFF)
		return false;
	return !rootless_is_host_root();
}

bool rootless_use_xdg_runtime_dir(const char *xdg, uid_t euid, bool in_userns, const char *user)
{
	if (!xdg || !*xdg)
		return false;
	if (euid != 0)
		return true;
	/* Root of a user namespace: podman's (rootless) unless it says it is root, as a system
	 * container's root does. */
	return in_userns && (!user || strcmp(user, "root") != 0);
}

bool rootless_oom_score_adj_kept(const char *path, int wanted, int write_errno, int *kept)
{
	char buf[32];
	cleanup_close int fd = -1;

	if (write_errno != EACCES || !ward_is_rootless())
		return false;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	ssize_t n = fd < 0 ? -1 : read_all(fd, buf, sizeof buf - 1);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	char *end;
	long current = strtol(buf, &end, 10);
	if (end == buf || current < OOM_SCORE_ADJ_MIN || current > OOM_SCORE_ADJ_MAX ||
	    wanted >= current)
		return false;
	*kept = (int)current;
	return true;
}
