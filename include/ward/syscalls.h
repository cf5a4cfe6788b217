/* Thin wrappers for syscalls glibc 2.36 does not wrap. */
#ifndef WARD_SYSCALLS_H
#define WARD_SYSCALLS_H

#include <linux/openat2.h>
#include <linux/sched.h>
#include <stdint.h>
#include <sys/types.h>

#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif
#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

/* Returns 0 in the child, the child's pid in the parent, -1 with errno on failure. */
pid_t sys_clone3(struct clone_args *args);
int sys_openat2(int dirfd, const char *path, uint64_t flags, uint64_t resolve);
/* sys_openat2(), retried a few times while it answers EAGAIN (a rename raced the lookup). */
int sys_openat2_retry(int dirfd, const char *path, uint64_t flags, uint64_t resolve);

#endif
