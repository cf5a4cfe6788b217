/* What the environment of a unit test may not give it. `make check-valgrind` runs the tests
 * under valgrind 3.19 (Debian 12's), which serves neither openat2(2) nor seccomp(2) and runs
 * code many times slower: a test of what needs such a call is skipped there, saying so (it
 * runs in every other build), and a timing bound is scaled by WARD_TEST_SLOWDOWN. */
#ifndef WARD_TESTENV_H
#define WARD_TESTENV_H

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Whether system call nr exists here: the arguments are invalid, so a kernel that has it fails
 * with another error than ENOSYS, and nothing happens. */
static inline bool testenv_serves(long nr)
{
	errno = 0;
	return !(syscall(nr, -1L, 0L, 0L, 0L) == -1 && errno == ENOSYS);
}

#define SKIP_UNLESS_SERVED(nr, name)                                                               \
	do {                                                                                       \
		if (!testenv_serves(nr)) {                                                         \
			fprintf(stderr, "%s: skipped: %s(2) is not served here (valgrind?)\n",     \
				__func__, name);                                                   \
			return;                                                                    \
		}                                                                                  \
	} while (0)
#define NEEDS_OPENAT2() SKIP_UNLESS_SERVED(SYS_openat2, "openat2")
#define NEEDS_SECCOMP() SKIP_UNLESS_SERVED(SYS_seccomp, "seccomp")

/* How many times slower than native the tests run (1 unless WARD_TEST_SLOWDOWN says). */
static inline long testenv_slowdown(void)
{
	const char *s = getenv("WARD_TEST_SLOWDOWN");
	long v = s ? atol(s) : 1;
	return v > 0 ? v : 1;
}

#endif
