/* fdreport.so: loaded into ward with LD_PRELOAD by the soak test, it appends one line to the
 * file $WARD_FDREPORT when ward exits normally (returns from main or calls exit()), listing
 * the file descriptors still open that ward did not inherit:
 *
 *   <pid> <number of such fds>[ <fd>=<target>...] -- <command line>
 *
 * What was open when the process started is remembered in $WARD_FDREPORT_BASE, so that the
 * sealed copy ward re-executes itself as (create, run, exec) is measured against what the
 * original process inherited, not against what it handed on. A process that ward forks and
 * that then calls exit() reports nothing: only the pid that loaded the library does. */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_FD 4096

static pid_t self;
static unsigned char inherited[MAX_FD / 8];

static void mark(int fd)
{
	if (fd >= 0 && fd < MAX_FD)
		inherited[fd / 8] |= (unsigned char)(1u << (fd % 8));
}

static int was_inherited(int fd)
{
	return fd >= MAX_FD || (inherited[fd / 8] & (1u << (fd % 8)));
}

__attribute__((constructor)) static void fdreport_start(void)
{
	const char *base = getenv("WARD_FDREPORT_BASE");
	char list[8192];
	size_t used = 0;

	self = getpid();
	if (base) {
		for (const char *p = base; *p;) {
			char *end;
			long fd = strtol(p, &end, 10);
			if (end == p)
				break;
			mark((int)fd);
			p = *end == ',' ? end + 1 : end;
		}
		return;
	}
	DIR *d = opendir("/proc/self/fd");
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		int fd = atoi(e->d_name);
		if (e->d_name[0] == '.' || fd == dirfd(d))
			continue;
		mark(fd);
		int n = snprintf(list + used, sizeof list - used, "%s%d", used ? "," : "", fd);
		if (n > 0 && (size_t)n < sizeof list - used)
			used += (size_t)n;
	}
	closedir(d);
	list[used] = '\0';
	setenv("WARD_FDREPORT_BASE", list, 1);
}

__attribute__((destructor)) static void fdreport_end(void)
{
	const char *path = getenv("WARD_FDREPORT");
	char line[16384], leaked[16000];
	size_t used = 0;
	int count = 0;

	if (!path || getpid() != self)
		return;
	DIR *d = opendir("/proc/self/fd");
	if (!d)
		return;
	struct dirent *e;
	leaked[0] = '\0';
	while ((e = readdir(d)) != NULL) {
		int fd = atoi(e->d_name);
		char link[64], target[PATH_MAX];
		if (e->d_name[0] == '.' || fd == dirfd(d) || was_inherited(fd))
			continue;
		snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
		ssize_t n = readlink(link, target, sizeof target - 1);
		target[n > 0 ? n : 0] = '\0';
		count++;
		int w = snprintf(leaked + used, sizeof leaked - used, " %d=%s", fd, target);
		if (w > 0 && (size_t)w < sizeof leaked - used)
			used += (size_t)w;
	}
	closedir(d);
	char cmdline[1024] = "";
	int cfd = open("/proc/self/cmdline", O_RDONLY | O_CLOEXEC);
	if (cfd >= 0) {
		ssize_t n = read(cfd, cmdline, sizeof cmdline - 1);
		close(cfd);
		for (ssize_t i = 0; i < n; i++)
			cmdline[i] = cmdline[i] ? cmdline[i] : ' ';
		cmdline[n > 0 ? n : 0] = '\0';
	}
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return;
	int n = snprintf(line, sizeof line, "%d %d%s -- %s\n", (int)self, count, leaked, cmdline);
	if (n > 0)
		(void)!write(fd, line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
	close(fd);
}
