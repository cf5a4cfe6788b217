/* probe: prints facts about the process it runs as, from inside a test container.
 *   probe limits    every resource limit as "NAME soft hard"
 *   probe fds       the open file descriptors
 *   probe groups    uid, gid and supplementary groups
 *   probe sched     scheduling policy, nice value and I/O priority
 *   probe syscall X the errno a syscall gets (0 when it succeeds): open_by_handle_at,
 *                   socket_inet, socket_unix, unshare_user, mkdir, clone_newuser (clone with
 *                   CLONE_NEWUSER), clone3, keyctl_user (the ID of the user keyring),
 *                   perf_event_open (a software counter on itself, user space only), bpf
 *                   (creating an array map)
 *   probe slowexit MIB  holds a memfd of MIB MiB and waits for a signal: when it is killed,
 *                   the memfd is freed after the process has left its namespaces and before
 *                   it is a zombie, which stretches that moment to tens of milliseconds
 *   probe loop N    N rounds of getppid and stat("/") (a syscall-heavy workload), then
 *                   "ns_per_round X"
 * Static so it runs in any rootfs. */
#include <dirent.h>
#include <errno.h>
#include <linux/bpf.h>
#include <linux/perf_event.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
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

/* clone or clone3 with these flags; the child exits at once. */
static long clone_child(bool three, unsigned long flags)
{
	struct {
		uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls;
	} args = {.flags = flags, .exit_signal = SIGCHLD};
	long pid = three ? syscall(SYS_clone3, &args, sizeof args)
			 : syscall(SYS_clone, flags | SIGCHLD, 0, 0, 0, 0);
	if (pid == 0)
		_exit(0);
	if (pid > 0)
		waitpid((pid_t)pid, NULL, 0);
	return pid;
}

static long perf_self(void)
{
	struct perf_event_attr attr = {.type = PERF_TYPE_SOFTWARE,
				       .size = sizeof attr,
				       .config = PERF_COUNT_SW_CPU_CLOCK,
				       .exclude_kernel = 1,
				       .exclude_hv = 1};
	return syscall(SYS_perf_event_open, &attr, 0, -1, -1, 0);
}

static long bpf_map(void)
{
	union bpf_attr attr = {
		.map_type = BPF_MAP_TYPE_ARRAY, .key_size = 4, .value_size = 4, .max_entries = 1};
	return syscall(SYS_bpf, BPF_MAP_CREATE, &attr, sizeof attr);
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
	else if (strcmp(name, "clone_newuser") == 0)
		rc = clone_child(false, CLONE_NEWUSER);
	else if (strcmp(name, "clone3") == 0)
		rc = clone_child(true, 0);
	else if (strcmp(name, "keyctl_user") == 0)
		rc = syscall(SYS_keyctl, 0 /* KEYCTL_GET_KEYRING_ID */, -4 /* the user keyring */,
			     0);
	else if (strcmp(name, "perf_event_open") == 0)
		rc = perf_self();
	else if (strcmp(name, "bpf") == 0)
		rc = bpf_map();
	else
		errno = EINVAL;
	printf("%s errno=%d\n", name, rc < 0 ? errno : 0);
}

static int slow_exit(const char *mib)
{
	size_t size = (size_t)strtoul(mib, NULL, 10) << 20;
	static char page[1 << 16];
	int fd = memfd_create("slowexit", 0);

	if (fd < 0)
		return 1;
	memset(page, 1, sizeof page);
	for (size_t done = 0; done < size; done += sizeof page)
		if (write(fd, page, sizeof page) != (ssize_t)sizeof page)
			return 1;
	printf("ready\n");
	fflush(stdout);
	for (;;)
		pause();
}

static void syscall_loop(const char *count)
{
	long n = atol(count);
	struct timespec t0, t1;
	struct stat st;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (long i = 0; i < n; i++) {
		syscall(SYS_getppid);
		stat("/", &st);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	long long ns = (t1.tv_sec - t0.tv_sec) * 1000000000LL + (t1.tv_nsec - t0.tv_nsec);
	printf("ns_per_round %lld\n", n > 0 ? ns / n : 0);
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
	else if (strcmp(argv[1], "loop") == 0 && argc > 2)
		syscall_loop(argv[2]);
	else if (strcmp(argv[1], "slowexit") == 0 && argc > 2)
		return slow_exit(argv[2]);
	else
		return 2;
	return 0;
}
