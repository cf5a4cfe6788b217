/* ward run: create and start a container in the foreground, return its exit status. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ward/cli.h"
#include "ward/container.h"

static const char usage[] =
	"Usage: ward [global options] run [options] <container-id>\n"
	"\n"
	"Creates and starts a container from an OCI bundle, in the foreground. ward forwards\n"
	"the signals it receives to the container's process and exits with its status\n"
	"(128+N when the process was killed by signal N).\n"
	"\n"
	"Options:\n"
	"  -b, --bundle DIR    the bundle directory holding config.json (default: .)\n"
	"      --pid-file F    write the container process's host PID to F\n"
	"      --no-pivot      use MS_MOVE + chroot instead of pivot_root (ramdisk roots)\n"
	"      --keep          keep the container's state after it exits\n"
	"  -h, --help          show this help\n";

enum { OPT_PID_FILE = 256, OPT_NO_PIVOT, OPT_KEEP };

static const struct option longopts[] = {
	{"bundle", required_argument, NULL, 'b'},
	{"pid-file", required_argument, NULL, OPT_PID_FILE},
	{"no-pivot", no_argument, NULL, OPT_NO_PIVOT},
	{"keep", no_argument, NULL, OPT_KEEP},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

int cmd_run(const struct global_opts *g, int argc, char **argv)
{
	struct run_options o = {.root = g->root};
	struct ward_error err = {0};
	int c, status = 0;

	cli_normalize_args(argc, argv, longopts);
	optind = 1;
	while ((c = getopt_long(argc, argv, "+b:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'b':
			o.bundle = optarg;
			break;
		case OPT_PID_FILE:
			o.pid_file = optarg;
			break;
		case OPT_NO_PIVOT:
			o.no_pivot = true;
			break;
		case OPT_KEEP:
			o.keep = true;
			break;
		case 'h':
			fputs(usage, stdout);
			return 0;
		default:
			return cli_usage_error("run", "unknown option");
		}
	}
	if (optind != argc - 1)
		return cli_usage_error("run", "expected exactly one container ID, got %d arguments",
				       argc - optind);
	o.id = argv[optind];
	if (container_run(&o, &status, &err) < 0)
		return cli_fail(&err);
	return status;
}
