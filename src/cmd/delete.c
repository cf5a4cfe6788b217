/* ward delete: remove a container (killing it first when created, or with --force). */
#include <getopt.h>
#include <stdio.h>

#include "ward/cli.h"
#include "ward/container.h"

static const char usage[] =
	"Usage: ward [global options] delete [--force] <container-id>\n"
	"\n"
	"Deletes a stopped or created container and runs its poststop hooks.\n"
	"\n"
	"Options:\n"
	"  -f, --force   kill a running or paused container first; an unknown ID is not an error\n"
	"  -h, --help    show this help\n";

static const struct option longopts[] = {
	{"force", no_argument, NULL, 'f'},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

int cmd_delete(const struct global_opts *g, int argc, char **argv)
{
	struct ward_error err = {0};
	bool force = false;
	const char *id;
	int ch;

	cli_normalize_args(argc, argv, longopts);
	optind = 1;
	while ((ch = getopt_long(argc, argv, "+fh", longopts, NULL)) != -1) {
		if (ch == 'f') {
			force = true;
		} else if (ch == 'h') {
			fputs(usage, stdout);
			return 0;
		} else {
			return cli_usage_error("delete", "unknown option");
		}
	}
	id = cli_one_id("delete", argc, argv);
	if (!id)
		return 1;
	if (container_delete(g->root, id, force, g->policy, &err) < 0)
		return cli_fail(&err);
	return 0;
}
