#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ward/cleanup.h"
#include "ward/hooks.h"
#include "ward/json_gen.h"
#include "ward/syscalls.h"
#include "ward/util.h"

char *hooks_state_json(const struct ward_spec *spec, const char *id, const char *status, pid_t pid,
		       const char *bundle)
{
	yajl_gen g = yajl_gen_alloc(NULL);
	const unsigned char *buf;
	size_t len;
	char *out = NULL;

	if (!g)
		return NULL;
	yajl_gen_map_open(g);
	json_gen_str(g, "ociVersion");
	json_gen_str(g, spec->oci_version);
	json_gen_str(g, "id");
	json_gen_str(g, id);
	json_gen_str(g, "status");
	json_gen_str(g, status);
	if (pid > 0) {
		json_gen_str(g, "pid");
		yajl_gen_integer(g, pid);
	}
	json_gen_str(g, "bundle");
	json_gen_str(g, bundle);
	if (spec->n_annotations) {
		json_gen_str(g, "annotations");
		yajl_gen_map_open(g);
		for (size_t i = 0; i < spec->n_annotations; i++) {
			json_gen_str(g, spec->annotations[i].key);
			json_gen_str(g, spec->annotations[i].value);
		}
		yajl_gen_map_close(g);
	}
	yajl_gen_map_close(g);
	if (yajl_gen_get_buf(g, &buf, &len) == yajl_gen_status_ok) {
		out = malloc(len + 1);
		if (out) {
			memcpy(out, buf, len);
			out[len] = '\0';
		}
	}
	yajl_gen_free(g);
	return out;
}

static long ms_since(const struct timespec *start)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - start->tv_sec) * 1000 + (now.tv_nsec - start->tv_nsec) / 1000000;
}

/* A child with a pidfd. startContainer hooks run in the container after its seccomp filter,
 * and profiles (Docker's among them) refuse clone3 so that glibc falls back to clone: do the
 * same, since clone(2) hands out a pidfd too (CLONE_PIDFD, through the parent_tid slot). */
static pid_t clone_with_pidfd(int *pidfd)
{
	struct clone_args args = {
		.flags = CLONE_PIDFD, .pidfd = (uint64_t)(uintptr_t)pidfd, .exit_signal = SIGCHLD};
	pid_t pid = sys_clone3(&args);

	if (pid < 0 && (errno == ENOSYS || errno == EPERM))
		pid = (pid_t)syscall(SYS_clone, CLONE_PIDFD | SIGCHLD, NULL, pidfd, NULL, NULL);
	return pid;
}

/* exe_fd: the judged executable, or -1 to find h->path (startContainer, in the container). */
static int run_one(const struct ward_hook *h, int exe_fd, const char *state, struct ward_error *err)
{
	int in[2];
	int pidfd = -1;
	char *empty[] = {NULL};
	char *default_args[] = {h->path, NULL};
	char *const *argv = h->args && h->args[0] ? h->args : default_args;
	char *const *envp = h->env ? h->env : empty;
	pid_t pid;
	siginfo_t info;

	if (pipe2(in, O_CLOEXEC) < 0)
		return ward_fail(err, errno, "create a pipe");
	pid = clone_with_pidfd(&pidfd);
	if (pid == 0) {
		sigset_t none;
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		/* Out of the way of stdin when ward was started without stdio. */
		if (exe_fd >= 0 && exe_fd <= STDERR_FILENO)
			exe_fd = fcntl(exe_fd, F_DUPFD_CLOEXEC, STDERR_FILENO + 1);
		dup2(in[0], STDIN_FILENO);
		syscall(SYS_close_range, 3, ~0U, CLOSE_RANGE_CLOEXEC);
		if (exe_fd >= 0) {
			/* Inheritable: a script's interpreter is handed /dev/fd/N and opens it. */
			if (fcntl(exe_fd, F_SETFD, 0) == 0)
				execveat(exe_fd, "", argv, envp, AT_EMPTY_PATH);
		} else {
			execve(h->path, argv, envp);
		}
		_exit(EXIT_CANNOT_EXEC);
	}
	close(in[0]);
	if (pid < 0) {
		close(in[1]);
		return ward_fail(err, errno, "start %s", h->path);
	}
	/* A hook that does not read its stdin must not block us: the state is small (a pipe
	 * buffer holds it) and a closed reader only costs an EPIPE. */
	signal(SIGPIPE, SIG_IGN);
	write_all(in[1], state, strlen(state));
	close(in[1]);

	struct timespec start;
	clock_gettime(CLOCK_MONOTONIC, &start);
	struct pollfd pfd = {.fd = pidfd, .events = POLLIN};
	for (;;) {
		int timeout = -1;
		if (h->has_timeout) {
			long left = (long)h->timeout * 1000 - ms_since(&start);
			timeout = left > 0 ? (int)left : 0;
		}
		int n = poll(&pfd, 1, timeout);
		if (n < 0 && errno == EINTR)
			continue;
		if (n == 0) {
			pidfd_send_signal(pidfd, SIGKILL, NULL, 0);
			waitid(P_PIDFD, (id_t)pidfd, &info, WEXITED);
			close(pidfd);
			return ward_fail(err, 0, "%s did not finish within %d seconds (killed)",
					 h->path, h->timeout);
		}
		break;
	}
	memset(&info, 0, sizeof info);
	while (waitid(P_PIDFD, (id_t)pidfd, &info, WEXITED) < 0 && errno == EINTR)
		;
	close(pidfd);
	if (info.si_code == CLD_EXITED && info.si_status == 0)
		return 0;
	if (info.si_code == CLD_EXITED && info.si_status == EXIT_CANNOT_EXEC)
		return ward_fail(err, 0, "%s could not be executed (status 127)", h->path);
	if (info.si_code == CLD_EXITED)
		return ward_fail(err, 0, "%s exited with status %d", h->path, info.si_status);
	return ward_fail(err, 0, "%s was killed by signal %d", h->path, info.si_status);
}

int hooks_run(const struct ward_spec *spec, enum ward_hook_kind kind, const struct host_object *exe,
	      const char *state_json, struct ward_error *err)
{
	/* poststart and poststop failures do not stop the remaining hooks (runtime spec); the
	 * first failure is still reported. */
	bool keep_going = kind == WARD_HOOK_POSTSTART || kind == WARD_HOOK_POSTSTOP;
	int rc = 0;

	for (size_t i = 0; i < spec->hooks.count[kind]; i++) {
		struct ward_error one = {0};
		const struct ward_hook *h = &spec->hooks.list[kind][i];
		int fd = exe ? exe[i].fd : -1;
		if (kind != WARD_HOOK_START_CONTAINER && fd < 0)
			ward_fail(&one, 0, "%s was not resolved and judged, so it is not run",
				  h->path);
		else if (run_one(h, fd, state_json, &one) == 0)
			continue;
		if (rc == 0) {
			*err = one;
			ward_error_prefix(err, "hooks.%s[%zu]", spec_hook_name(kind), i);
		}
		rc = -1;
		if (!keep_going)
			break;
	}
	return rc;
}
