/* ward pause / ward resume: freeze and thaw every process of a container (cgroup.freeze). */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "ward/cli.h"
#include "ward/container.h"

static int pause_or_resume(const struct global_opts *g, int argc, char **argv, bool pause)
{
	static const struct option longopts[] = {{"help", no_argument, NULL, 'h'},
						 {NULL, 0, NULL, 0}};
	const char *verb = pause ? "pause" : "resume";
	struct ward_error err = {0};
	const char *id;
	int ch;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
		if (ch == 'h') {
			printf("Usage: ward [global options] %s <container-id>\n\n%s\n", verb,
			       pause ? "Freezes every process of the container (cgroup.freeze) and "
				       "waits until they are stopped."
				     : "Thaws a paused container.");
			return 0;
		}
		return cli_usage_error(verb, "unknown option");
	}
	id = cli_one_id(verb, argc, argv);
	if (!id)
		return 1;
	if (container_pause(g->root, id, pause, &err) < 0)
		return cli_fail(&err);
	return 0;
}

int cmd_pause(const struct global_opts *g, int argc, char **argv)
{
	return pause_or_resume(g, argc, argv, true);
}

int cmd_resume(const struct global_opts *g, int argc, char **argv)
{
	return pause_or_resume(g, argc, argv, false);
}
