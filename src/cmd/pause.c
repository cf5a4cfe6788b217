/* ward pause / ward resume: freeze and thaw every process of a container (cgroup.freeze). */
#include <stdio.h>
#include <string.h>

#include "ward/cli.h"
#include "ward/container.h"

static int pause_or_resume(const struct global_opts *g, int argc, char **argv, bool pause)
{
	const char *verb = pause ? "pause" : "resume";
	char usage[256];
	struct ward_error err = {0};
	int status;

	snprintf(usage, sizeof usage, "Usage: ward [global options] %s <container-id>\n\n%s\n",
		 verb,
		 pause ? "Freezes every process of the container (cgroup.freeze) and waits until "
			 "they are stopped."
		       : "Thaws a paused container.");
	const char *id = cli_id_args(verb, usage, argc, argv, &status);
	if (!id)
		return status;
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
