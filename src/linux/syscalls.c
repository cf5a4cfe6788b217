#include <errno.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "ward/syscalls.h"

pid_t sys_clone3(struct clone_args *args)
{
	return (pid_t)syscall(SYS_clone3, args, sizeof *args);
}

int sys_openat2(int dirfd, const char *path, uint64_t flags, uint64_t resolve)
{
	struct open_how how = {.flags = flags, .resolve = resolve};
	return (int)syscall(SYS_openat2, dirfd, path, &how, sizeof how);
}

/* How often a lookup raced by renames is tried again before its EAGAIN is the answer. */
#define OPENAT2_EAGAIN_RETRIES 32

int sys_openat2_retry(int dirfd, const char *path, uint64_t flags, uint64_t resolve)
{
	for (int tries = 0;; tries++) {
		int fd = sys_openat2(dirfd, path, flags, resolve);
		if (fd >= 0 || errno != EAGAIN || tries == OPENAT2_EAGAIN_RETRIES)
			return fd;
	}
}
