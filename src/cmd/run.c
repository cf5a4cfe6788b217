/* ward run: create and start a container; in the foreground, return its exit status. */
#include <stdio.h>

#include "create_flags.h"

static const char usage[] =
	"Usage: ward [global options] run [options] <container-id>\n"
	"\n"
	"Creates and starts a container from an OCI bundle. In the foreground ward forwards the\n"
	"signals it receives to the container's process (or connects your terminal to it when\n"
	"process.terminal is true), exits with its status (128+N when it was killed by signal\n"
	"N) and deletes the container unless --keep.\n"
	"\n"
	"Options:\n"
	"  -b, --bundle DIR          the bundle directory holding config.json (default: .)\n"
	"  -d, --detach              start the container and return (delete it later)\n"
	"      --keep                keep the container's state after it exits\n"
	"      --pid-file F          write the container process's host PID to F (no newline)\n"
	"      --console-socket S    with --detach: send the pty master to the socket S\n"
	"      --pidfd-socket S      send a pidfd of the container process to the socket "
	"S\n" CREATE_OPTIONS_HELP "      --no-subreaper        accepted for compatibility\n"
	"  -h, --help                show this help\n";

static const struct option longopts[] = {
	CREATE_LONGOPTS,
	{"detach", no_argument, NULL, 'd'},
	{"keep", no_argument, NULL, OPT_KEEP},
	{"no-subreaper", no_argument, NULL, OPT_NO_SUBREAPER},
	{NULL, 0, NULL, 0},
};

int cmd_run(const struct global_opts *g, int argc, char **argv)
{
	struct create_options o = {
		.root = g->root, .systemd_cgroup = g->systemd_cgroup, .policy_file = g->policy};
	struct ward_error err = {0};
	bool detach = false;
	const char *id;
	int ch, status = 0;

	cli_normalize_args(argc, argv, longopts);
	optind = 1;
	while ((ch = getopt_long(argc, argv, "+b:dh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'h':
			fputs(usage, stdout);
			return 0;
		case 'd':
			detach = true;
			continue;
		case OPT_KEEP:
			o.keep = true;
			continue;
		case OPT_NO_SUBREAPER:
			continue;
		}
		if (create_flag("run", ch, optarg, &o) < 0)
			return 1;
	}
	id = cli_one_id("run", argc, argv);
	if (!id)
		return 1;
	o.id = id;
	if (container_run(&o, detach, &status, &err) < 0)
		return cli_fail(&err);
	return status;
}
