/* `start`: release a created container's init through exec.fifo. */
#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ward/cleanup.h"
#include "ward/container.h"
#include "internal.h"

/* A kill can end the init between open and write: the write then fails with EPIPE, and the
 * SIGPIPE it raises (blocked here, then taken back) must not kill ward. */
static int write_fifo_byte(int fd)
{
	sigset_t pipe_set, old;
	const struct timespec now = {0};

	sigemptyset(&pipe_set);
	sigaddset(&pipe_set, SIGPIPE);
	sigprocmask(SIG_BLOCK, &pipe_set, &old);
	ssize_t n = write(fd, "0", 1);
	int saved = errno;
	if (n < 0 && saved == EPIPE)
		sigtimedwait(&pipe_set, NULL, &now);
	sigprocmask(SIG_SETMASK, &old, NULL);
	errno = saved;
	return n == 1 ? 0 : -1;
}

int release_init(int dirfd, struct ward_error *err)
{
	cleanup_close int fd = openat(dirfd, "exec.fifo",
				      O_WRONLY | O_NONBLOCK | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC);
	struct stat st;

	if (fd < 0) {
		if (errno == ENXIO)
			return ward_fail(err, 0,
					 "the container's init exited before it was started");
		return ward_fail(err, errno, "open exec.fifo");
	}
	/* Whatever else has taken its name in the state directory is not written to. */
	if (fstat(fd, &st) < 0 || !S_ISFIFO(st.st_mode))
		return ward_fail(err, 0,
				 "exec.fifo in the state directory is not a FIFO; the state may "
				 "have been tampered with");
	if (write_fifo_byte(fd) < 0) {
		if (errno == EPIPE)
			return ward_fail(err, 0,
					 "the container's init exited before it was started");
		return ward_fail(err, errno, "write exec.fifo");
	}
	unlinkat(dirfd, "exec.fifo", 0);
	/* The init holds the only reader, close-on-exec, through its startContainer hooks: when
	 * the FIFO has no reader left (POLLERR), the process has been exec'd (or has died), so
	 * `start` returns once the container's program runs, as runc's does. */
	struct pollfd pfd = {.fd = fd, .events = 0};
	while (poll(&pfd, 1, -1) < 0)
		if (errno != EINTR)
			return ward_fail(err, errno, "wait for the container's process to start");
	return 0;
}

static int start_container(const char *root, const char *id, const char *policy_file,
			   struct audit_trail *a, struct ward_error *err)
{
	cleanup_container struct opened_container c;
	cleanup_spec struct ward_spec *spec = NULL;
	struct judged_hooks poststart = {0};
	int rc = -1;

	if (open_container(root, id, &c, err) < 0)
		return -1;
	switch (opened_status(&c)) {
	case STATUS_CREATED:
		break;
	case STATUS_STOPPED:
		return ward_fail(err, 0, "cannot start a container that has stopped");
	case STATUS_PAUSED:
		return ward_fail(err, 0, "cannot start a paused container (resume it first)");
	default:
		return ward_fail(err, 0, "cannot start an already running container");
	}
	audit_note_container(a, -1, c.st.bundle);
	/* The poststart hooks are judged before the process is released: a refused one leaves
	 * the container created. */
	spec = state_read_config(c.dirfd, &c.st, err);
	if (spec &&
	    posthooks_judge(policy_file, spec, WARD_HOOK_POSTSTART, id, &poststart, err) == 0 &&
	    release_init(c.dirfd, err) == 0)
		rc = run_poststart(spec, &poststart, id, &c.st, c.pidfd, err);
	posthooks_clear(&poststart);
	return rc;
}

/* The audit sink is opened first: a sink that cannot be written refuses the start. */
int container_start(const char *root, const char *id, const char *policy_file,
		    struct ward_error *err)
{
	cleanup_audit struct audit_trail a = {.fd = -1};
	struct ward_error ignored;

	if (audit_open(&a, policy_file, "start", id, err) < 0)
		return -1;
	if (start_container(root, id, policy_file, &a, err) < 0) {
		audit_write(&a, err, &ignored);
		return -1;
	}
	return audit_write(&a, NULL, err);
}
