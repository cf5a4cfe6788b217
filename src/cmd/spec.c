/* ward spec: write a hardened config.json into a bundle. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "ward/cleanup.h"
#include "ward/cli.h"
#include "ward/spec.h"
#include "ward/util.h"

static const char usage[] =
	"Usage: ward spec [options]\n"
	"\n"
	"Writes a hardened config.json for a bundle: minimal capabilities, noNewPrivileges,\n"
	"a read-only root, the usual masked and read-only paths, and private pid, ipc, uts,\n"
	"mount, network and cgroup namespaces. An existing config.json is never overwritten.\n"
	"\n"
	"Options:\n"
	"  -b, --bundle DIR    the bundle directory (default: .)\n"
	"      --rootless      a config an unprivileged user can run as is: a user namespace\n"
	"                      that maps the caller's uid and gid to root\n"
	"  -h, --help          show this help\n";

static const struct option longopts[] = {
	{"bundle", required_argument, NULL, 'b'},
	{"rootless", no_argument, NULL, 'r'},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

int cmd_spec(const struct global_opts *g, int argc, char **argv)
{
	const char *bundle = ".";
	bool rootless = false;
	cleanup_free char *json = NULL;
	cleanup_free char *path = NULL;
	struct ward_error err = {0};
	size_t len;
	int c, fd;

	(void)g;
	cli_normalize_args(argc, argv, longopts);
	optind = 1;
	while ((c = getopt_long(argc, argv, "+b:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'b':
			bundle = optarg;
			break;
		case 'r':
			rootless = true;
			break;
		case 'h':
			fputs(usage, stdout);
			return 0;
		default:
			return cli_usage_error("spec", "unknown option");
		}
	}
	if (optind != argc)
		return cli_usage_error("spec", "unexpected argument \"%s\"", argv[optind]);
	if (spec_generate(rootless, geteuid(), getegid(), &json, &len, &err) < 0)
		return cli_fail(&err);
	path = path_join(bundle, "config.json");
	if (!path) {
		ward_fail(&err, ENOMEM, "spec");
		return cli_fail(&err);
	}
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0) {
		if (errno == EEXIST) {
			ward_fail(&err, 0, "%s already exists; remove it first", path);
			return cli_fail(&err);
		}
		ward_fail(&err, errno, "create %s", path);
		return cli_fail(&err);
	}
	if (write_all(fd, json, len) < 0 || write_all(fd, "\n", 1) < 0 || close(fd) < 0) {
		ward_fail(&err, errno, "write %s", path);
		unlink(path);
		return cli_fail(&err);
	}
	return 0;
}
