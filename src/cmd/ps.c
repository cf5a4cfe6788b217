/* ward ps: the processes of a container (JSON: host pids; table: ps(1)'s lines). */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ward/cleanup.h"
#include "ward/cli.h"
#include "ward/container.h"

static const char usage[] =
	"Usage: ward [global options] ps [--format table|json] <container-id> [ps options]\n"
	"\n"
	"Lists the container's processes: with --format json their host PIDs as a JSON array,\n"
	"otherwise the lines of ps(1) (run with the given options, default -ef) that belong to\n"
	"the container.\n";

static const struct option longopts[] = {
	{"format", required_argument, NULL, 'f'},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

static bool contains(const pid_t *pids, size_t n, long pid)
{
	for (size_t i = 0; i < n; i++)
		if (pids[i] == pid)
			return true;
	return false;
}

/* Runs ps with the caller's options and keeps the header and the container's lines. */
static int print_table(const pid_t *pids, size_t n, int argc, char **argv)
{
	char *args[64] = {"ps"};
	int nargs = 1, pipefd[2], status;
	FILE *in;
	char *line = NULL;
	size_t cap = 0;
	int pid_col = -1;

	if (argc == 0)
		args[nargs++] = "-ef";
	for (int i = 0; i < argc && nargs < 63; i++)
		args[nargs++] = argv[i];
	args[nargs] = NULL;
	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return -1;
	pid_t child = fork();
	if (child == 0) {
		dup2(pipefd[1], STDOUT_FILENO);
		execvp("ps", args);
		_exit(127);
	}
	close(pipefd[1]);
	in = fdopen(pipefd[0], "r");
	if (!in)
		return -1;
	while (getline(&line, &cap, in) > 0) {
		if (pid_col < 0) {
			/* The header tells which column is PID. */
			char *copy = strdup(line), *save = NULL;
			int col = 0;
			for (char *t = strtok_r(copy, " \t\n", &save); t;
			     t = strtok_r(NULL, " \t\n", &save), col++)
				if (strcmp(t, "PID") == 0)
					pid_col = col;
			free(copy);
			fputs(line, stdout);
			if (pid_col < 0)
				break;
			continue;
		}
		char *copy = strdup(line), *save = NULL;
		char *t = strtok_r(copy, " \t\n", &save);
		for (int col = 0; t && col < pid_col; col++)
			t = strtok_r(NULL, " \t\n", &save);
		if (t && contains(pids, n, strtol(t, NULL, 10)))
			fputs(line, stdout);
		free(copy);
	}
	free(line);
	fclose(in);
	waitpid(child, &status, 0);
	if (pid_col < 0)
		return -1;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

int cmd_ps(const struct global_opts *g, int argc, char **argv)
{
	struct ward_error err = {0};
	cleanup_free pid_t *pids = NULL;
	const char *format = "table";
	size_t n;
	int ch;

	cli_normalize_args(argc, argv, longopts);
	optind = 1;
	while ((ch = getopt_long(argc, argv, "+f:h", longopts, NULL)) != -1) {
		if (ch == 'f') {
			format = optarg;
		} else if (ch == 'h') {
			fputs(usage, stdout);
			return 0;
		} else {
			return cli_usage_error("ps", "unknown option");
		}
	}
	if (strcmp(format, "table") != 0 && strcmp(format, "json") != 0)
		return cli_usage_error("ps", "--format: \"%s\" is not table or json", format);
	if (optind == argc)
		return cli_usage_error("ps", "a container ID is required");
	const char *id = argv[optind];
	if (container_pids(g->root, id, &pids, &n, &err) < 0)
		return cli_fail(&err);
	if (strcmp(format, "json") == 0) {
		printf("[");
		for (size_t i = 0; i < n; i++)
			printf("%s%d", i ? "," : "", pids[i]);
		printf("]\n");
		return 0;
	}
	if (print_table(pids, n, argc - optind - 1, argv + optind + 1) < 0) {
		ward_fail(&err, 0, "ps: running ps(1) failed (is procps installed?)");
		return cli_fail(&err);
	}
	return 0;
}
