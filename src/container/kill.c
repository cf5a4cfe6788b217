/* `kill`: signal the container's init, or all its processes. */
#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ward/cgroup.h"
#include "ward/cleanup.h"
#include "ward/container.h"
#include "ward/log.h"
#include "ward/util.h"
#include "ward/verify.h"
#include "internal.h"

void forwarded_signals(sigset_t *set)
{
	sigfillset(set);
	sigdelset(set, SIGSEGV);
	sigdelset(set, SIGBUS);
	sigdelset(set, SIGILL);
	sigdelset(set, SIGFPE);
	sigdelset(set, SIGABRT);
	sigdelset(set, SIGTRAP);
	sigdelset(set, SIGSYS);
}

bool wait_exit(int pidfd, int timeout_ms)
{
	struct pollfd pfd = {.fd = pidfd, .events = POLLIN};
	int n;
	do
		n = poll(&pfd, 1, timeout_ms);
	while (n < 0 && errno == EINTR);
	return n > 0;
}

static bool same_pid_ns(pid_t pid, const struct stat *ns)
{
	char path[64];
	struct stat st;
	snprintf(path, sizeof path, "/proc/%d/ns/pid", pid);
	return stat(path, &st) == 0 && st.st_ino == ns->st_ino && st.st_dev == ns->st_dev;
}

int container_pids_of(const struct ward_state *st, pid_t **out, size_t *n, struct ward_error *err)
{
	char path[64];
	struct stat ns;
	size_t cap = 16;
	DIR *d;
	struct dirent *e;

	*n = 0;
	*out = malloc(cap * sizeof **out);
	if (!*out)
		return ward_fail(err, ENOMEM, "list processes");
	if (!state_process_alive(st->pid, st->start_time))
		return 0;
	const char *root;
	struct ward_error ignored;
	if (st->cgroup_path && cgroup_find_root(&root, &ignored) == 0) {
		free(*out);
		return cgroup_pids(root, st->cgroup_path, out, n, err);
	}
	if (!st->own_pid_ns) {
		(*out)[(*n)++] = st->pid;
		return 0;
	}
	snprintf(path, sizeof path, "/proc/%d/ns/pid", st->pid);
	if (stat(path, &ns) < 0)
		return 0;
	d = opendir("/proc");
	if (!d)
		return ward_fail(err, errno, "open /proc");
	while ((e = readdir(d)) != NULL) {
		long pid;
		if (parse_long(e->d_name, 1, INT32_MAX, &pid) < 0 || !same_pid_ns((pid_t)pid, &ns))
			continue;
		if (*n == cap) {
			pid_t *np = realloc(*out, cap * 2 * sizeof *np);
			if (!np)
				break;
			*out = np;
			cap *= 2;
		}
		(*out)[(*n)++] = (pid_t)pid;
	}
	closedir(d);
	return 0;
}

int signal_all(const struct ward_state *st, int sig, struct ward_error *err)
{
	cleanup_free pid_t *pids = NULL;
	size_t n;

	if (container_pids_of(st, &pids, &n, err) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		int fd = pidfd_open(pids[i], 0);
		if (fd < 0)
			continue;
		pidfd_send_signal(fd, sig, NULL, 0);
		close(fd);
	}
	return 0;
}

int container_kill(const char *root, const char *id, int sig, bool all, struct ward_error *err)
{
	cleanup_container struct opened_container c;

	if (open_container(root, id, &c, err) < 0)
		return -1;
	if (c.pidfd < 0) /* runc ignores "not running" with --all. */
		return all ? 0 : ward_fail(err, 0, "container not running");
	const char *cgroup_root;
	if (all && sig == SIGKILL && c.st.cgroup_path && cgroup_find_root(&cgroup_root, err) == 0)
		return cgroup_kill(cgroup_root, c.st.cgroup_path, err);
	/* Killing the init of a pid namespace kills every process in it. */
	if (all && !(c.st.own_pid_ns && sig == SIGKILL))
		return signal_all(&c.st, sig, err);
	if (pidfd_send_signal(c.pidfd, sig, NULL, 0) < 0)
		return ward_fail(err, errno, "kill container %s", id);
	return 0;
}
