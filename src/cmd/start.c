/* ward start: let a created container's process run. */
#include <getopt.h>
#include <stdio.h>

#include "ward/cli.h"
#include "ward/container.h"

static const char usage[] = "Usage: ward [global options] start <container-id>\n"
			    "\n"
			    "Starts the process of a created container and runs its poststart "
			    "hooks.\n";

static const struct option longopts[] = {{"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};

int cmd_start(const struct global_opts *g, int argc, char **argv)
{
	struct ward_error err = {0};
	const char *id;
	int ch;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
		if (ch == 'h') {
			fputs(usage, stdout);
			return 0;
		}
		return cli_usage_error("start", "unknown option");
	}
	id = cli_one_id("start", argc, argv);
	if (!id)
		return 1;
	if (container_start(g->root, id, g->policy, &err) < 0)
		return cli_fail(&err);
	return 0;
}
