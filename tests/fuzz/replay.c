/* Replays a fuzzer's corpus through its entry point, without libFuzzer: `make check` (any
 * compiler, and ASan or valgrind when the build has them) runs every committed input, so a
 * crash a fuzzer once found stays fixed. Usage: replay_<name> FILE|DIR...; prints how many
 * inputs ran, exits 1 when a file cannot be read. A crash is the test's failure. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"
#include "ward/cleanup.h"
#include "ward/util.h"

/* Declared in fuzz.h; only some fuzzers define it. */
#pragma weak LLVMFuzzerInitialize

static int replay_path(const char *path, size_t *count);

static int replay_dir(const char *dir, size_t *count)
{
	struct dirent **names;
	int n = scandir(dir, &names, NULL, alphasort), rc = 0;

	if (n < 0) {
		fprintf(stderr, "replay: %s: %s\n", dir, strerror(errno));
		return -1;
	}
	for (int i = 0; i < n; i++) {
		if (names[i]->d_name[0] != '.') {
			cleanup_free char *p = path_join(dir, names[i]->d_name);
			if (!p || replay_path(p, count) < 0)
				rc = -1;
		}
		free(names[i]);
	}
	free(names);
	return rc;
}

static int replay_path(const char *path, size_t *count)
{
	struct ward_error err = {0};
	cleanup_free char *buf = NULL;
	struct stat st;
	size_t len;

	if (stat(path, &st) < 0) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (S_ISDIR(st.st_mode))
		return replay_dir(path, count);
	if (read_file_limited(path, 16 << 20, &buf, &len, &err) < 0) {
		fprintf(stderr, "replay: %s\n", err.msg);
		return -1;
	}
	/* libFuzzer hands over exactly the input's bytes: a copy of that size, so ASan and
	 * valgrind see a read one past its end. */
	uint8_t *exact = malloc(len ? len : 1);
	if (!exact)
		return -1;
	memcpy(exact, buf, len);
	LLVMFuzzerTestOneInput(exact, len);
	free(exact);
	(*count)++;
	return 0;
}

int main(int argc, char **argv)
{
	size_t count = 0;
	int rc = 0;

	if (LLVMFuzzerInitialize)
		LLVMFuzzerInitialize(&argc, &argv);
	for (int i = 1; i < argc; i++)
		if (replay_path(argv[i], &count) < 0)
			rc = 1;
	printf("%zu inputs replayed\n", count);
	return rc;
}
