/* The agent of learning and complain mode: a process ward forks that holds the notification
 * listener, answers every notification with "continue" (the filters under it decide, as they
 * would without it) and writes down what reached it before the call goes on, so that what a
 * killed container made is on disk. It exits when no process uses the filter any more. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ward/cleanup.h"
#include "ward/seccomp_learn.h"

#if defined(__x86_64__)
#define NATIVE_AUDIT_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define NATIVE_AUDIT_ARCH AUDIT_ARCH_AARCH64
#endif
#define X32_BIT	     0x40000000u
#define KNOWN_ARCHES 4
#define KNOWN_NRS    2048 /* 0x3ff and the x32 bit */
#define MAX_FINDINGS 4096
/* Argument values (personality's, setns's types) are the container's to choose: beyond this
 * many, more are not recorded (the learned profile denies them), so that a container cannot
 * fill the state directory's file system through the agent. */
#define MAX_VALUES 256

struct agent {
	const struct learn_agent_config *cfg;
	struct seccomp_notif *req;
	struct seccomp_notif_resp *resp;
	struct seccomp_notif_sizes sizes;
	/* learning */
	struct learn_set seen;
	uint32_t arches[KNOWN_ARCHES];		    /* the architectures of the bitmaps below */
	uint8_t known[KNOWN_ARCHES][KNOWN_NRS / 8]; /* recorded, with no argument to look at */
	unsigned installs;
	bool armed;
	/* complain mode */
	struct complain_finding *findings;
	off_t *offsets; /* of each finding's line in the record */
	size_t n_findings;
	off_t end;
};

int learn_record_create(int dirfd, enum learn_mode mode, struct ward_error *err)
{
	const char *prefix =
		mode == LEARN_MODE_LEARN ? LEARN_RECORD_PREFIX : COMPLAIN_RECORD_PREFIX;
	char name[64];

	for (unsigned i = 0; i < 100000; i++) {
		snprintf(name, sizeof name, "%s%u", prefix, i);
		int fd = openat(dirfd, name, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
				0600);
		if (fd >= 0)
			return fd;
		if (errno != EEXIST)
			return ward_fail(err, errno, "seccomp %s: create %s in the state directory",
					 mode == LEARN_MODE_LEARN ? "learning" : "complain mode",
					 name);
	}
	return ward_fail(err, EEXIST, "seccomp: too many agents' records in the state directory");
}

/* The bit of a call with no argument to look at, once it is recorded; NULL when the call
 * cannot have one (an architecture beyond the first few, a number out of range). */
static uint8_t *known_bit(struct agent *a, uint32_t arch, int nr, uint8_t *mask)
{
	uint32_t n = (uint32_t)nr;
	if ((n & ~X32_BIT) >= 0x400)
		return NULL;
	unsigned idx = (n & 0x3ff) | (n & X32_BIT ? 0x400 : 0);
	for (size_t i = 0; i < KNOWN_ARCHES; i++) {
		if (a->arches[i] == 0)
			a->arches[i] = arch;
		if (a->arches[i] == arch) {
			*mask = (uint8_t)(1u << (idx % 8));
			return &a->known[i][idx / 8];
		}
	}
	return NULL;
}

/* libseccomp probes the kernel with SECCOMP_SET_MODE_FILTER and no program: not an install. */
static bool is_filter_install(const struct seccomp_data *d)
{
	return d->arch == NATIVE_AUDIT_ARCH && d->nr == __NR_seccomp &&
	       d->args[0] == SECCOMP_SET_MODE_FILTER && d->args[2] != 0;
}

static size_t conditioned_values(const struct learn_set *s)
{
	return s->clone_ns.n + s->unshare_ns.n + s->setns_type.n + s->personality.n;
}

static void learn_one(struct agent *a, const struct seccomp_data *d)
{
	uint8_t mask = 0, *bit;
	char line[128];

	if (!a->armed) {
		/* The profile's own installation; what follows it is what it must allow. */
		if (is_filter_install(d) && ++a->installs >= a->cfg->skip_installs)
			a->armed = true;
		return;
	}
	bit = known_bit(a, d->arch, d->nr, &mask);
	if (bit && (*bit & mask))
		return;
	char *name = seccomp_syscall_resolve_num_arch(d->arch, d->nr);
	if (!name)
		return; /* a number no profile can name */
	size_t n = learn_record_line(name, d->args[0], d->args[1], line, sizeof line);
	free(name);
	if (n == 0)
		return;
	line[n - 1] = '\0';
	/* Only calls whose record does not depend on their arguments skip the lookup. */
	bool plain = memcmp(line, "syscall ", 8) == 0;
	if (!plain && conditioned_values(&a->seen) >= MAX_VALUES)
		return;
	if (learn_set_add_line(&a->seen, line) == 1) {
		line[n - 1] = '\n';
		(void)!write(a->cfg->record_fd, line, n);
	}
	if (bit && plain)
		*bit |= mask;
}

static void read_comm(pid_t pid, char comm[16])
{
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/comm", (int)pid);
	cleanup_close int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? read(fd, comm, 15) : -1;

	if (n <= 0) {
		strcpy(comm, "?");
		return;
	}
	comm[n] = '\0';
	comm[strcspn(comm, "\n")] = '\0';
}

static void complain_one(struct agent *a, const struct seccomp_notif *req)
{
	char comm[16], line[COMPLAIN_LINE_LEN + 1];
	struct complain_finding *f = NULL;
	off_t at;

	char *name = seccomp_syscall_resolve_num_arch(req->data.arch, req->data.nr);
	read_comm((pid_t)req->pid, comm);
	for (size_t i = 0; i < a->n_findings && !f; i++)
		if (strcmp(a->findings[i].name, name ? name : "?") == 0 &&
		    strcmp(a->findings[i].comm, comm) == 0)
			f = &a->findings[i];
	if (!f && a->n_findings < MAX_FINDINGS) {
		f = &a->findings[a->n_findings];
		memset(f, 0, sizeof *f);
		snprintf(f->name, sizeof f->name, "%s", name ? name : "?");
		memcpy(f->comm, comm, sizeof f->comm);
		f->pid = (pid_t)req->pid;
		a->offsets[a->n_findings++] = a->end;
		a->end += COMPLAIN_LINE_LEN;
	}
	free(name);
	if (!f)
		return; /* beyond the bound: the first MAX_FINDINGS kinds are reported */
	f->count++;
	at = a->offsets[f - a->findings];
	if (complain_format_line(line, f) == 0)
		(void)!pwrite(a->cfg->record_fd, line, COMPLAIN_LINE_LEN, at);
}

static void answer(struct agent *a)
{
	memset(a->req, 0, a->sizes.seccomp_notif);
	if (ioctl(a->cfg->listener, SECCOMP_IOCTL_NOTIF_RECV, a->req) < 0)
		return; /* the caller was interrupted or died: nothing to answer */
	if (a->cfg->mode == LEARN_MODE_LEARN)
		learn_one(a, &a->req->data);
	else
		complain_one(a, a->req);
	memset(a->resp, 0, a->sizes.seccomp_notif_resp);
	a->resp->id = a->req->id;
	a->resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
	(void)ioctl(a->cfg->listener, SECCOMP_IOCTL_NOTIF_SEND, a->resp);
}

static int agent_init(struct agent *a, const struct learn_agent_config *cfg)
{
	memset(a, 0, sizeof *a);
	a->cfg = cfg;
	a->armed = cfg->skip_installs == 0;
	if (syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &a->sizes) < 0)
		return -1;
	/* The kernel's structures may be larger than this build's. */
	a->req = calloc(1, a->sizes.seccomp_notif > sizeof *a->req ? a->sizes.seccomp_notif
								   : sizeof *a->req);
	a->resp = calloc(1, a->sizes.seccomp_notif_resp > sizeof *a->resp
				    ? a->sizes.seccomp_notif_resp
				    : sizeof *a->resp);
	if (cfg->mode == LEARN_MODE_COMPLAIN) {
		a->findings = calloc(MAX_FINDINGS, sizeof *a->findings);
		a->offsets = calloc(MAX_FINDINGS, sizeof *a->offsets);
	}
	if (!a->req || !a->resp ||
	    (cfg->mode == LEARN_MODE_COMPLAIN && (!a->findings || !a->offsets)))
		return -1;
	return 0;
}

static void agent_clear(struct agent *a)
{
	free(a->req);
	free(a->resp);
	free(a->findings);
	free(a->offsets);
	learn_set_clear(&a->seen);
}

int learn_agent_run(const struct learn_agent_config *cfg)
{
	struct pollfd p = {.fd = cfg->listener, .events = POLLIN};
	struct agent a;
	int rc = 0;

	if (agent_init(&a, cfg) < 0) {
		agent_clear(&a);
		return -1;
	}
	for (;;) {
		p.revents = 0;
		if (poll(&p, 1, -1) < 0) {
			if (errno == EINTR)
				continue;
			rc = -1;
			break;
		}
		if (p.revents & POLLIN)
			answer(&a);
		else if (p.revents & (POLLHUP | POLLERR | POLLNVAL))
			break; /* no process uses the filter any more */
	}
	agent_clear(&a);
	return rc;
}

/* Closes every fd but stdio, a and b. */
static void close_all_but(int a, int b)
{
	int keep[2] = {a < b ? a : b, a < b ? b : a};
	int from = 3;

	for (size_t i = 0; i < 2; i++) {
		if (keep[i] < from)
			continue;
		if (keep[i] > from)
			syscall(SYS_close_range, from, keep[i] - 1, 0);
		from = keep[i] + 1;
	}
	syscall(SYS_close_range, from, ~0U, 0);
}

/* The grandchild: nothing of ward's but the two fds, stdio on /dev/null (an engine reading
 * ward's output waits for every writer to close it), its own session. */
__attribute__((noreturn)) static void become_agent(const struct learn_agent_config *cfg)
{
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);

	if (null < 0)
		_exit(1);
	for (int fd = 0; fd < 3; fd++)
		dup2(null, fd);
	close_all_but(cfg->listener, cfg->record_fd);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	signal(SIGINT, SIG_IGN);
	prctl(PR_SET_NAME, cfg->mode == LEARN_MODE_LEARN ? "ward-learn" : "ward-complain", 0, 0, 0);
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	_exit(learn_agent_run(cfg) < 0 ? 1 : 0);
}

pid_t learn_agent_spawn(const struct learn_agent_config *cfg, struct ward_error *err)
{
	int pipefd[2], status;
	pid_t agent = -1;

	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return ward_fail(err, errno, "seccomp agent: create a pipe");
	pid_t pid = fork();
	if (pid < 0) {
		close(pipefd[0]);
		close(pipefd[1]);
		return ward_fail(err, errno, "seccomp agent: fork");
	}
	if (pid == 0) {
		/* A session of its own, and a parent that exits: the agent outlives ward and is
		 * nobody's child to wait for. */
		close(pipefd[0]);
		setsid();
		pid_t g = fork();
		if (g == 0) {
			close(pipefd[1]);
			become_agent(cfg);
		}
		(void)!write(pipefd[1], &g, sizeof g);
		_exit(g < 0 ? 1 : 0);
	}
	close(pipefd[1]);
	if (read(pipefd[0], &agent, sizeof agent) != sizeof agent)
		agent = -1;
	close(pipefd[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (agent <= 0)
		return ward_fail(err, EAGAIN, "seccomp agent: fork");
	return agent;
}
