/* secprobe: the in-container side of the security regression tests (tests/security/).
 *   secprobe caps         "inh=<hex> prm=<hex> eff=<hex> raw=<errno>": this process's
 *                         inheritable, permitted and effective sets, and the errno of opening a
 *                         raw socket (0 when CAP_NET_RAW is effective)
 *   secprobe peek PID     what a process in the container can see of /proc/PID:
 *                         "exe=<errno|target> environ=<errno> fd=<errno> cwd=<errno> mem=<errno>
 *                         ptrace=<errno>" (0: readable / attached, then detached; fd= is
 *                         the first fd link that cannot be read, ENOENT when there is none)
 *   secprobe watch DIR [write]
 *                         until DIR/stop exists: grabs /proc/<pid>/exe of every other process
 *                         with O_PATH as soon as it is readable (CVE-2019-5736, CVE-2016-9962)
 *                         and, with "write", keeps trying to open it for writing through
 *                         /proc/self/fd/N and to write to it after the process is gone. Logs to
 *                         DIR/watch.log: "denied pid=N comm=C" (exe not readable: the process
 *                         is non-dumpable), "grab pid=N exe=T", "write exe=T open=E write=E" on
 *                         every change, then "summary denied=D grabbed=G memfd=M opened=O
 *                         wrote=W".
 *   secprobe pause        sleeps for 0.2 s, whatever follows (as a "#!/bin/x pause" interpreter
 *                         it gives a watcher a process to see)
 *   secprobe procwrite    every file in /proc/sys and at the top of /proc that this process
 *                         can open for writing and that is on procfs, one a line, then
 *                         "scanned=N"
 *   secprobe open PATH    "r=<errno> w=<errno> rw=<errno>": opening PATH for reading, writing
 *                         and both (0: it opened), with O_NOCTTY and O_NONBLOCK so that a
 *                         terminal never becomes the controlling one and nothing blocks
 * Static so it runs in any rootfs. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <stdbool.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <unistd.h>

static void status_field(const char *name, char *out, size_t size)
{
	char line[256];
	size_t n = strlen(name);
	FILE *f = fopen("/proc/self/status", "r");

	snprintf(out, size, "?");
	if (!f)
		return;
	while (fgets(line, sizeof line, f))
		if (strncmp(line, name, n) == 0 && line[n] == ':') {
			char *v = line + n + 1;
			v += strspn(v, " \t");
			v[strcspn(v, "\n")] = '\0';
			snprintf(out, size, "%s", v);
		}
	fclose(f);
}

static int do_caps(void)
{
	char inh[32], prm[32], eff[32];
	status_field("CapInh", inh, sizeof inh);
	status_field("CapPrm", prm, sizeof prm);
	status_field("CapEff", eff, sizeof eff);
	int fd = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
	int raw = fd < 0 ? errno : 0;
	if (fd >= 0)
		close(fd);
	printf("inh=%s prm=%s eff=%s raw=%d\n", inh, prm, eff, raw);
	return 0;
}

static int do_peek(const char *pid)
{
	char path[64], buf[512];
	int rc;

	snprintf(path, sizeof path, "/proc/%s/exe", pid);
	ssize_t n = readlink(path, buf, sizeof buf - 1);
	if (n >= 0) {
		buf[n] = '\0';
		printf("exe=%s", buf);
	} else {
		printf("exe=%d", errno);
	}
	snprintf(path, sizeof path, "/proc/%s/environ", pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	rc = fd < 0 ? errno : (read(fd, buf, sizeof buf) < 0 ? errno : 0);
	if (fd >= 0)
		close(fd);
	printf(" environ=%d", rc);
	snprintf(path, sizeof path, "/proc/%s/fd", pid);
	DIR *d = opendir(path);
	rc = d ? ENOENT : errno;
	if (d) {
		/* listing /proc/PID/fd is allowed to the owner; reading its links is what
		 * the ptrace check guards: the errno of the first link that is not readable */
		struct dirent *e;
		while ((e = readdir(d)))
			if (e->d_name[0] != '.') {
				char link[600];
				snprintf(link, sizeof link, "%s/%s", path, e->d_name);
				rc = readlink(link, buf, sizeof buf - 1) < 0 ? errno : 0;
				if (rc)
					break;
			}
		closedir(d);
	}
	printf(" fd=%d", rc);
	snprintf(path, sizeof path, "/proc/%s/cwd", pid);
	rc = readlink(path, buf, sizeof buf - 1) < 0 ? errno : 0;
	printf(" cwd=%d", rc);
	snprintf(path, sizeof path, "/proc/%s/mem", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	printf(" mem=%d", fd < 0 ? errno : 0);
	if (fd >= 0)
		close(fd);
	pid_t p = (pid_t)atoi(pid);
	if (ptrace(PTRACE_ATTACH, p, NULL, NULL) < 0) {
		printf(" ptrace=%d\n", errno);
	} else {
		waitpid(p, NULL, __WALL);
		ptrace(PTRACE_DETACH, p, NULL, NULL);
		printf(" ptrace=0\n");
	}
	return 0;
}

#define MAX_PID	 4194304
#define MAX_HELD 2048

static unsigned char done_pid[MAX_PID / 8], denied_pid[MAX_PID / 8];

static bool bit(unsigned char *set, long n)
{
	return set[n / 8] & (1u << (n % 8));
}

static void set_bit(unsigned char *set, long n)
{
	set[n / 8] |= (unsigned char)(1u << (n % 8));
}

struct held {
	int fd;
	char exe[256];
	int open_err, write_err;
};

static int do_watch(const char *dir, bool write_mode)
{
	static struct held held[MAX_HELD];
	char path[512], stop[512];
	int nheld = 0, denied = 0, grabbed = 0, memfd = 0, opened = 0, wrote = 0;
	pid_t self = getpid();

	snprintf(path, sizeof path, "%s/watch.log", dir);
	snprintf(stop, sizeof stop, "%s/stop", dir);
	FILE *log = fopen(path, "w");
	if (!log)
		return 1;
	setvbuf(log, NULL, _IOLBF, 0);
	fprintf(log, "ready pid=%d\n", self);
	while (access(stop, F_OK) < 0) {
		DIR *d = opendir("/proc");
		struct dirent *e;
		while (d && (e = readdir(d))) {
			char *end;
			long pid = strtol(e->d_name, &end, 10);
			if (*end || pid <= 0 || pid >= MAX_PID || pid == self || bit(done_pid, pid))
				continue;
			snprintf(path, sizeof path, "/proc/%ld/exe", pid);
			int fd = open(path, O_PATH | O_CLOEXEC);
			if (fd < 0) {
				if (errno == EACCES || errno == EPERM) {
					if (!bit(denied_pid, pid)) {
						char comm[64] = "?";
						snprintf(path, sizeof path, "/proc/%ld/comm", pid);
						FILE *c = fopen(path, "r");
						if (c) {
							if (fgets(comm, sizeof comm, c))
								comm[strcspn(comm, "\n")] = '\0';
							fclose(c);
						}
						set_bit(denied_pid, pid);
						denied++;
						fprintf(log, "denied pid=%ld comm=%s\n", pid, comm);
					}
				} else {
					set_bit(done_pid, pid); /* gone, or a kernel thread */
				}
				continue;
			}
			set_bit(done_pid, pid);
			char exe[256];
			snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
			ssize_t n = readlink(path, exe, sizeof exe - 1);
			exe[n < 0 ? 0 : n] = '\0';
			grabbed++;
			if (strstr(exe, "memfd:"))
				memfd++;
			fprintf(log, "grab pid=%ld exe=%s\n", pid, exe);
			if (!write_mode || nheld == MAX_HELD) {
				close(fd);
				continue;
			}
			held[nheld].fd = fd;
			snprintf(held[nheld].exe, sizeof held[nheld].exe, "%s", exe);
			held[nheld].open_err = held[nheld].write_err = -1;
			nheld++;
		}
		if (d)
			closedir(d);
		for (int i = 0; i < nheld; i++) {
			int open_err = 0, write_err = -1;
			snprintf(path, sizeof path, "/proc/self/fd/%d", held[i].fd);
			int w = open(path, O_WRONLY | O_CLOEXEC);
			if (w < 0) {
				open_err = errno;
			} else {
				static const char payload[] =
					"#!/bin/sh\necho ward-cve-2019-5736\n";
				ssize_t n = write(w, payload, sizeof payload - 1);
				write_err = n < 0 ? errno : 0;
				close(w);
			}
			if (open_err != held[i].open_err || write_err != held[i].write_err) {
				fprintf(log, "write exe=%s open=%d write=%d\n", held[i].exe,
					open_err, write_err);
				if (!open_err && held[i].open_err)
					opened++;
				if (write_err == 0)
					wrote++;
				held[i].open_err = open_err;
				held[i].write_err = write_err;
			}
		}
	}
	fprintf(log, "summary denied=%d grabbed=%d memfd=%d opened=%d wrote=%d\n", denied, grabbed,
		memfd, opened, wrote);
	fclose(log);
	return 0;
}

static long scanned;

static void try_write(const char *path)
{
	struct statfs sfs;
	int fd = open(path, O_WRONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	scanned++;
	if (fd < 0)
		return;
	if (fstatfs(fd, &sfs) == 0 && sfs.f_type == PROC_SUPER_MAGIC)
		printf("%s\n", path);
	close(fd);
}

static void scan(const char *dir, bool recurse)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[4096];

	if (!d)
		return;
	while ((e = readdir(d))) {
		struct stat st;
		if (e->d_name[0] == '.' || (e->d_name[0] >= '0' && e->d_name[0] <= '9'))
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		if (lstat(path, &st) < 0 || S_ISLNK(st.st_mode))
			continue;
		if (S_ISDIR(st.st_mode)) {
			if (recurse)
				scan(path, true);
		} else {
			try_write(path);
		}
	}
	closedir(d);
}

static int do_open(const char *path)
{
	static const struct {
		const char *name;
		int flags;
	} modes[] = {{"r", O_RDONLY}, {"w", O_WRONLY}, {"rw", O_RDWR}};

	for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++) {
		int fd = open(path, modes[i].flags | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
		printf("%s%s=%d", i ? " " : "", modes[i].name, fd < 0 ? errno : 0);
		if (fd >= 0)
			close(fd);
	}
	printf("\n");
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "caps") == 0)
		return do_caps();
	if (argc >= 3 && strcmp(argv[1], "peek") == 0)
		return do_peek(argv[2]);
	if (argc >= 3 && strcmp(argv[1], "watch") == 0)
		return do_watch(argv[2], argc > 3 && strcmp(argv[3], "write") == 0);
	if (argc >= 2 && strcmp(argv[1], "pause") == 0)
		return usleep(200000);
	if (argc >= 2 && strcmp(argv[1], "procwrite") == 0) {
		scan("/proc", false);
		scan("/proc/sys", true);
		printf("scanned=%ld\n", scanned);
		return 0;
	}
	if (argc >= 3 && strcmp(argv[1], "open") == 0)
		return do_open(argv[2]);
	fprintf(stderr,
		"usage: secprobe caps|peek PID|watch DIR [write]|pause|procwrite|open PATH\n");
	return 2;
}
