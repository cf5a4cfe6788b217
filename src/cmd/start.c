/* ward start: let a created container's process run. */
#include "ward/cli.h"
#include "ward/container.h"

static const char usage[] = "Usage: ward [global options] start <container-id>\n"
			    "\n"
			    "Starts the process of a created container and runs its poststart "
			    "hooks.\n";

int cmd_start(const struct global_opts *g, int argc, char **argv)
{
	struct ward_error err = {0};
	int status;
	const char *id = cli_id_args("start", usage, argc, argv, &status);

	if (!id)
		return status;
	if (container_start(g->root, id, g->policy, &err) < 0)
		return cli_fail(&err);
	return 0;
}
