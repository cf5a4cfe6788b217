/* The command line of every verb that cannot make a container: its options parsed (Go-style
 * single-dash spellings included), checked and acted on against a state root that holds no
 * container, so each run ends in a usage error, "does not exist" or output. Input: the verb,
 * then one argument per line. create and run (which would start containers) are left out.
 *
 * Nothing outside a private directory is touched: ward runs there with its state root below
 * it, stdin is /dev/null, stdout is discarded, and an input that could name another place (an
 * argument with "/" or "..") is skipped. `spec` may write config.json there (or in the state
 * root, the only directory there); it is removed. */
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"
#include "ward/cli.h"
#include "ward/rootless.h"
#include "ward/spec.h"

static const struct {
	const char *name;
	int (*run)(const struct global_opts *g, int argc, char **argv);
} verbs[] = {
	{"start", cmd_start},	{"state", cmd_state},	{"list", cmd_list},
	{"exec", cmd_exec},	{"pause", cmd_pause},	{"resume", cmd_resume},
	{"update", cmd_update}, {"events", cmd_events}, {"kill", cmd_kill},
	{"delete", cmd_delete}, {"ps", cmd_ps},		{"features", cmd_features},
	{"spec", cmd_spec},	{"policy", cmd_policy},
};

static char dir[] = "/tmp/ward-fuzz-cli.XXXXXX";
static char root[sizeof dir + 8];
static int devnull = -1, stdout_copy = -1;

/* What `spec` may have written: into the directory, or into the only other one there. */
static void remove_configs(void)
{
	char path[sizeof root + 16];
	snprintf(path, sizeof path, "%s/config.json", dir);
	unlink(path);
	snprintf(path, sizeof path, "%s/config.json", root);
	unlink(path);
}

static void remove_dir(void)
{
	remove_configs();
	rmdir(root);
	rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	if (!mkdtemp(dir) || chdir(dir) < 0)
		abort();
	snprintf(root, sizeof root, "%s/root", dir);
	devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
	stdout_copy = fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3);
	if (devnull < 0 || stdout_copy < 0 || dup2(devnull, STDIN_FILENO) < 0)
		abort();
	atexit(remove_dir);
	return 0;
}

/* glibc's getopt keeps its place inside an argument between calls (an unknown option in
 * "-xd" leaves it at "d"); ward parses once per process, the fuzzer many times. optind 0
 * starts it afresh, in the order main()'s "+" asks for (no permutation). */
static void reset_getopt(void)
{
	char *none[] = {"ward", NULL};
	optind = 0;
	getopt(1, none, "+");
	optind = 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct global_opts g = {.root = root, .rootless = "auto"};
	char *argv[64], *given[64];
	int argc = 0;

	if (size > 4096 || memmem(data, size, "/", 1) || memmem(data, size, "..", 2) ||
	    memchr(data, '\0', size))
		return 0;
	char *text = fuzz_strndup(data, size);
	if (!text)
		return 0;
	for (char *a = text; a && argc < 63; argc++) {
		argv[argc] = a;
		a = strchr(a, '\n');
		if (a)
			*a++ = '\0';
	}
	argv[argc] = NULL;
	memcpy(given, argv, sizeof argv);

	/* What main() does with the global options' values. */
	enum rootless_mode mode;
	rootless_parse_mode(argv[0], &mode);
	cli_parse_signal(argv[0]);

	for (size_t i = 0; i < sizeof verbs / sizeof verbs[0]; i++) {
		if (strcmp(argv[0], verbs[i].name) != 0)
			continue;
		reset_getopt();
		fflush(stdout);
		dup2(devnull, STDOUT_FILENO);
		verbs[i].run(&g, argc, argv);
		fflush(stdout);
		dup2(stdout_copy, STDOUT_FILENO);
		remove_configs();
		break;
	}
	/* cli_normalize_args() replaces "-name" by a "--name" that lives as long as the
	 * process; here a run ends with the input. */
	for (int i = 0; i < argc; i++)
		if (argv[i] != given[i])
			free(argv[i]);
	free(text);
	return 0;
}
