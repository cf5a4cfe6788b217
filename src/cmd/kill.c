/* ward kill: send a signal to a container's process (or all of its processes). */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>

#include "ward/cli.h"
#include "ward/container.h"

static const char usage[] =
	"Usage: ward [global options] kill [--all] <container-id> [signal]\n"
	"\n"
	"Sends a signal (a number, a name such as KILL or SIGKILL; default TERM) to the\n"
	"container's process.\n"
	"\n"
	"Options:\n"
	"  -a, --all    signal every process of the container; not an error when it is stopped\n"
	"  -h, --help   show this help\n";

static const struct option longopts[] = {
	{"all", no_argument, NULL, 'a'},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

int cmd_kill(const struct global_opts *g, int argc, char **argv)
{
	struct ward_error err = {0};
	bool all = false;
	int ch, sig = SIGTERM;

	cli_normalize_args(argc, argv, longopts);
	optind = 1;
	while ((ch = getopt_long(argc, argv, "+ah", longopts, NULL)) != -1) {
		if (ch == 'a') {
			all = true;
		} else if (ch == 'h') {
			fputs(usage, stdout);
			return 0;
		} else {
			return cli_usage_error("kill", "unknown option");
		}
	}
	if (optind == argc)
		return cli_usage_error("kill", "a container ID is required");
	if (argc - optind > 2)
		return cli_usage_error("kill", "expected a container ID and a signal");
	const char *id = argv[optind];
	if (argc - optind == 2) {
		sig = cli_parse_signal(argv[optind + 1]);
		if (sig < 0)
			return cli_usage_error("kill", "unknown signal \"%s\"", argv[optind + 1]);
	}
	if (container_kill(g->root, id, sig, all, &err) < 0)
		return cli_fail(&err);
	return 0;
}
