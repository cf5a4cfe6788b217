/* probe: prints facts about the process it runs as, from inside a test container.
 *   probe limits    every resource limit as "NAME soft hard"
 *   probe fds       the open file descriptors
 *   probe groups    uid, gid and supplementary groups
 *   probe sched     scheduling policy, nice value and I/O priority
 *   probe syscall X the errno a syscall gets (0 when it succeeds): open_by_handle_at,
 *                   socket_inet, socket_unix, unshare_user, mkdir
 * Static so it runs in any rootfs. */
#include <dirent.h>
#include <errno.h>
#include <sched.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <stdlib.h>
#include <unistd.h>

static void print_limits(void)
{
	static const struct {
		const char *name;
		int res;
	} table[] = {
		{"RLIMIT_AS", RLIMIT_AS},
		{"RLIMIT_CORE", RLIMIT_CORE},
		{"RLIMIT_CPU", RLIMIT_CPU},
		{"RLIMIT_DATA", RLIMIT_DATA},
		{"RLIMIT_FSIZE", RLIMIT_FSIZE},
		{"RLIMIT_LOCKS", RLIMIT_LOCKS},
		{"RLIMIT_MEMLOCK", RLIMIT_MEMLOCK},
		{"RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE},
		{"RLIMIT_NICE", RLIMIT_NICE},
		{"RLIMIT_NOFILE", RLIMIT_NOFILE},
		{"RLIMIT_NPROC", RLIMIT_NPROC},
		{"RLIMIT_RSS", RLIMIT_RSS},
		{"RLIMIT_RTPRIO", RLIMIT_RTPRIO},
		{"RLIMIT_RTTIME", RLIMIT_RTTIME},
		{"RLIMIT_SIGPENDING", RLIMIT_SIGPENDING},
		{"RLIMIT_STACK", RLIMIT_STACK},
	};
	for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
		struct rlimit rl;
		getrlimit(table[i].res, &rl);
		printf("%s %llu %llu\n", table[i].name, (unsigned long long)rl.rlim_cur,
		       (unsigned long long)rl.rlim_max);
	}
}

static void print_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	if (!d)
		return;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.' && (size_t)atoi(e->d_name) != (size_t)dirfd(d))
			printf("%s\n", e->d_name);
	closedir(d);
}

static void print_groups(void)
{
	gid_t groups[64];
	int n = getgroups(64, groups);
	printf("uid=%u gid=%u groups=", getuid(), getgid());
	for (int i = 0; i < n; i++)
		printf("%s%u", i ? "," : "", groups[i]);
	printf("\n");
}

static void print_sched(void)
{
	int policy = sched_getscheduler(0);
	errno = 0;
	int nice = getpriority(PRIO_PROCESS, 0);
	long ioprio = syscall(SYS_ioprio_get, 1 /* IOPRIO_WHO_PROCESS */, 0);
	printf("policy=%d nice=%d ioprio_class=%ld ioprio_data=%ld\n", policy, nice, ioprio >> 13,
	       ioprio & 0x1fff);
}

static void print_syscall(const char *name)
{
	long rc = -1;
	errno = 0;
	if (strcmp(name, "open_by_handle_at") == 0)
		rc = syscall(SYS_open_by_handle_at, -1, NULL, 0);
	else if (strcmp(name, "socket_inet") == 0)
		rc = socket(AF_INET, SOCK_STREAM, 0);
	else if (strcmp(name, "socket_unix") == 0)
		rc = socket(AF_UNIX, SOCK_STREAM, 0);
	else if (strcmp(name, "unshare_user") == 0)
		rc = unshare(CLONE_NEWUSER);
	else if (strcmp(name, "nr_1000") == 0) /* a system call number no kernel has yet */
		rc = syscall(1000);
	else if (strcmp(name, "mkdir") == 0)
		rc = mkdir("/tmp/probe-dir", 0700);
	else
		errno = EINVAL;
	printf("%s errno=%d\n", name, rc < 0 ? errno : 0);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: probe limits|fds|groups\n");
		return 2;
	}
	if (strcmp(argv[1], "limits") == 0)
		print_limits();
	else if (strcmp(argv[1], "fds") == 0)
		print_fds();
	else if (strcmp(argv[1], "groups") == 0)
		print_groups();
	else if (strcmp(argv[1], "sched") == 0)
		print_sched();
	else if (strcmp(argv[1], "syscall") == 0 && argc > 2)
		print_syscall(argv[2]);
	else
		return 2;
	return 0;
}
