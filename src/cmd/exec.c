/* ward exec: run a new process inside a running container. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ward/cleanup.h"
#include "ward/cli.h"
#include "ward/container.h"
#include "ward/log.h"
#include "ward/util.h"

static const char usage[] =
	"Usage: ward [global options] exec [options] <container-id> <command> [args...]\n"
	"       ward [global options] exec [options] --process <file> <container-id>\n"
	"\n"
	"Runs a process in the namespaces of a running container, with its own user,\n"
	"capabilities and no_new_privs. In the foreground ward returns the process's exit status;\n"
	"when ward itself fails it returns 255.\n"
	"\n"
	"Options:\n"
	"  -p, --process FILE        the process as OCI process JSON ('-' reads stdin)\n"
	"  -d, --detach              do not wait for the process\n"
	"      --pid-file F          write the process's host PID to F (no newline)\n"
	"      --console-socket S    send the pty master to the AF_UNIX socket S\n"
	"      --pidfd-socket S      send a pidfd of the process to the AF_UNIX socket S\n"
	"      --cgroup [CTRL:]SUB   run the process in the existing sub-cgroup SUB of the\n"
	"                            container's cgroup (cgroup v2: one path)\n"
	"  -t, --tty                 allocate a terminal\n"
	"      --cwd DIR             working directory (absolute, inside the container)\n"
	"  -e, --env NAME=VALUE      add an environment variable (repeatable)\n"
	"  -u, --user UID[:GID]      run as this user\n"
	"  -g, --additional-gids GID supplementary group (repeatable)\n"
	"  -c, --cap CAP             add a capability (bounding, effective, permitted; never\n"
	"                            inheritable) (repeatable)\n"
	"      --no-new-privs        set no_new_privs\n"
	"      --apparmor PROFILE    AppArmor profile for the process\n"
	"      --process-label L     SELinux label for the process\n"
	"      --preserve-fds N      pass fds 3 .. 3+N-1 to the process\n"
	"      --ignore-paused       exec even if the container is paused\n"
	"  -h, --help                show this help\n";

enum {
	OPT_PID_FILE = 256,
	OPT_CONSOLE_SOCKET,
	OPT_CWD,
	OPT_NO_NEW_PRIVS,
	OPT_APPARMOR,
	OPT_PROCESS_LABEL,
	OPT_PRESERVE_FDS,
	OPT_IGNORE_PAUSED,
	OPT_CGROUP,
	OPT_PIDFD_SOCKET,
};

static const struct option longopts[] = {
	{"process", required_argument, NULL, 'p'},
	{"detach", no_argument, NULL, 'd'},
	{"pid-file", required_argument, NULL, OPT_PID_FILE},
	{"console-socket", required_argument, NULL, OPT_CONSOLE_SOCKET},
	{"tty", no_argument, NULL, 't'},
	{"cwd", required_argument, NULL, OPT_CWD},
	{"env", required_argument, NULL, 'e'},
	{"user", required_argument, NULL, 'u'},
	{"additional-gids", required_argument, NULL, 'g'},
	{"cap", required_argument, NULL, 'c'},
	{"no-new-privs", no_argument, NULL, OPT_NO_NEW_PRIVS},
	{"apparmor", required_argument, NULL, OPT_APPARMOR},
	{"process-label", required_argument, NULL, OPT_PROCESS_LABEL},
	{"preserve-fds", required_argument, NULL, OPT_PRESERVE_FDS},
	{"ignore-paused", no_argument, NULL, OPT_IGNORE_PAUSED},
	{"cgroup", required_argument, NULL, OPT_CGROUP},
	{"pidfd-socket", required_argument, NULL, OPT_PIDFD_SOCKET},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

/* runc's --cgroup [<controller>[,<controller>]:]<path>, repeatable for cgroup v1. cgroup v2
 * has one hierarchy: every occurrence must name the same path. */
static int parse_cgroup(const char *arg, const char **out)
{
	const char *colon = strchr(arg, ':');
	const char *path = colon ? colon + 1 : arg;

	if (colon && (colon == arg || strstr(arg, ",,") || arg[0] == ',' || colon[-1] == ',')) {
		cli_usage_error("exec", "--cgroup \"%s\": empty controller name", arg);
		return -1;
	}
	if (!*path) {
		cli_usage_error("exec", "--cgroup \"%s\": no sub-cgroup path", arg);
		return -1;
	}
	if (*out && strcmp(*out, path) != 0) {
		cli_usage_error("exec",
				"--cgroup: \"%s\" and \"%s\" differ; with cgroup v2 (one "
				"hierarchy) a process is in one cgroup",
				*out, path);
		return -1;
	}
	*out = path;
	return 0;
}

/* What cmd_exec collects for container_exec; the lists are ours to free. */
struct exec_args {
	struct exec_options o;
	char **env, **gids, **caps;
};

/* Applies one option; 1: done, 0: go on, -1: a usage error (reported). The values of the
 * process's flags are checked by container_exec, as config.json's fields are. */
static int exec_flag(int ch, const char *arg, struct exec_args *a)
{
	struct exec_options *o = &a->o;
	long n;

	switch (ch) {
	case 'p':
		o->process_file = arg;
		break;
	case 'd':
		o->detach = true;
		break;
	case OPT_PID_FILE:
		o->pid_file = arg;
		break;
	case OPT_CONSOLE_SOCKET:
		o->console_socket = arg;
		break;
	case 't':
		o->tty = true;
		break;
	case OPT_CWD:
		o->cwd = arg;
		break;
	case 'e':
		return strv_push(&a->env, arg);
	case 'u':
		o->user = arg;
		break;
	case 'g':
		return strv_push(&a->gids, arg);
	case 'c':
		return strv_push(&a->caps, arg);
	case OPT_NO_NEW_PRIVS:
		o->no_new_privs = true;
		break;
	case OPT_APPARMOR:
		o->apparmor = arg;
		break;
	case OPT_PROCESS_LABEL:
		o->process_label = arg;
		break;
	case OPT_PRESERVE_FDS:
		if (parse_long(arg, 0, 4096, &n) < 0) {
			cli_usage_error("exec", "--preserve-fds: \"%s\" is not a number", arg);
			return -1;
		}
		o->preserve_fds = (int)n;
		break;
	case OPT_IGNORE_PAUSED:
		o->ignore_paused = true;
		break;
	case OPT_CGROUP:
		return parse_cgroup(arg, &o->cgroup);
	case OPT_PIDFD_SOCKET:
		o->pidfd_socket = arg;
		break;
	case 'h':
		fputs(usage, stdout);
		return 1;
	default:
		cli_usage_error("exec", "unknown option");
		return -1;
	}
	return 0;
}

int cmd_exec(const struct global_opts *g, int argc, char **argv)
{
	struct exec_args a = {.o = {.root = g->root, .policy_file = g->policy}};
	struct ward_error err = {0};
	int ch, status = 255;

	cli_normalize_args(argc, argv, longopts);
	optind = 1;
	while ((ch = getopt_long(argc, argv, "+p:dte:u:g:c:h", longopts, NULL)) != -1) {
		int r = exec_flag(ch, optarg, &a);
		if (r != 0) {
			status = r > 0 ? 0 : 255;
			goto out;
		}
	}
	if (optind == argc) {
		cli_usage_error("exec", "a container ID is required");
		goto out;
	}
	a.o.id = argv[optind];
	a.o.args = argv + optind + 1;
	a.o.env = a.env;
	a.o.caps = a.caps;
	a.o.additional_gids = a.gids;
	if (a.o.process_file && a.o.args[0]) {
		cli_usage_error("exec", "give either --process or a command, not both");
		goto out;
	}
	if (container_exec(&a.o, &status, &err) < 0) {
		cli_fail(&err);
		status = 255;
	}
out:
	strv_free(a.env);
	strv_free(a.gids);
	strv_free(a.caps);
	return status;
}
