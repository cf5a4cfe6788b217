/* ward create: set up a container whose process waits for `ward start`. */
#include <stdio.h>

#include "create_flags.h"
#include "ward/util.h"

static const char usage[] =
	"Usage: ward [global options] create [options] <container-id>\n"
	"\n"
	"Creates a container from an OCI bundle: namespaces, mounts, devices and the process's\n"
	"credentials are all set up, and the process waits for `ward start`. ward returns once\n"
	"the container is ready (or failed); its init is left to the caller's subreaper.\n"
	"\n"
	"Options:\n"
	"  -b, --bundle DIR          the bundle directory holding config.json (default: .)\n"
	"      --pid-file F          write the container process's host PID to F (no newline)\n"
	"      --console-socket S    send the pty master to the AF_UNIX socket S\n"
	"                            (required when process.terminal is true)\n"
	"      --pidfd-socket S      send a pidfd of the container process to the AF_UNIX\n"
	"                            socket S\n" CREATE_OPTIONS_HELP
	"  -h, --help                show this help\n";

int create_flag(const char *cmd, int c, const char *arg, struct create_options *o)
{
	long n;

	switch (c) {
	case 'b':
		o->bundle = arg;
		return 1;
	case OPT_PID_FILE:
		o->pid_file = arg;
		return 1;
	case OPT_CONSOLE_SOCKET:
		o->console_socket = arg;
		return 1;
	case OPT_PIDFD_SOCKET:
		o->pidfd_socket = arg;
		return 1;
	case OPT_NO_PIVOT:
		o->no_pivot = true;
		return 1;
	case OPT_NO_NEW_KEYRING:
		o->no_new_keyring = true;
		return 1;
	case OPT_SECCOMP_LEARN:
		o->seccomp_learn = arg;
		return 1;
	case OPT_SECCOMP_COMPLAIN:
		o->seccomp_complain = true;
		o->seccomp_complain_file = arg;
		return 1;
	case OPT_PRESERVE_FDS:
		if (parse_long(arg, 0, 4096, &n) < 0) {
			cli_usage_error(cmd, "--preserve-fds: \"%s\" is not a number of fds", arg);
			return -1;
		}
		o->preserve_fds = (int)n;
		return 1;
	default:
		cli_usage_error(cmd, "unknown option");
		return -1;
	}
}

static const struct option longopts[] = {CREATE_LONGOPTS, {NULL, 0, NULL, 0}};

int cmd_create(const struct global_opts *g, int argc, char **argv)
{
	struct create_options o = {
		.root = g->root, .systemd_cgroup = g->systemd_cgroup, .policy_file = g->policy};
	struct ward_error err = {0};
	const char *id;
	int ch;

	cli_normalize_args(argc, argv, longopts);
	optind = 1;
	while ((ch = getopt_long(argc, argv, "+b:h", longopts, NULL)) != -1) {
		if (ch == 'h') {
			fputs(usage, stdout);
			return 0;
		}
		if (create_flag("create", ch, optarg, &o) < 0)
			return 1;
	}
	id = cli_one_id("create", argc, argv);
	if (!id)
		return 1;
	o.id = id;
	if (container_create(&o, &err) < 0)
		return cli_fail(&err);
	return 0;
}
