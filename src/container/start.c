/* `start`: release a created container's init through exec.fifo. */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ward/cleanup.h"
#include "ward/container.h"
#include "ward/hooks.h"
#include "ward/log.h"
#include "internal.h"

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
	if (write(fd, "0", 1) != 1)
		return ward_fail(err, errno, "write exec.fifo");
	unlinkat(dirfd, "exec.fifo", 0);
	return 0;
}

void run_hooks_warn(const struct ward_spec *spec, enum ward_hook_kind kind, const char *id,
		    const char *status, pid_t pid, const char *bundle)
{
	struct ward_error err = {0};
	if (!spec || !spec->hooks.count[kind])
		return;
	cleanup_free char *state = hooks_state_json(spec, id, status, pid, bundle);
	if (!state || hooks_run(spec, kind, state, &err) < 0)
		log_warn("%s", state ? err.msg : "hooks: out of memory");
}

int container_start(const char *root, const char *id, struct ward_error *err)
{
	cleanup_close int rootfd = -1;
	cleanup_close int dirfd = -1;
	cleanup_close int pidfd = -1;
	struct ward_state st;
	int rc = -1;

	if (open_container(root, id, &rootfd, &dirfd, &st, &pidfd, err) < 0)
		return -1;
	switch (state_status(dirfd, &st, pidfd >= 0)) {
	case STATUS_CREATED:
		break;
	case STATUS_STOPPED:
		ward_fail(err, 0, "cannot start a container that has stopped");
		goto out;
	case STATUS_PAUSED:
		ward_fail(err, 0, "cannot start a paused container (resume it first)");
		goto out;
	default:
		ward_fail(err, 0, "cannot start an already running container");
		goto out;
	}
	if (release_init(dirfd, err) < 0)
		goto out;
	struct ward_spec *spec = state_read_config(dirfd, err);
	run_hooks_warn(spec, WARD_HOOK_POSTSTART, id, "running", st.pid, st.bundle);
	spec_free(spec);
	rc = 0;
out:
	state_clear(&st);
	return rc;
}
