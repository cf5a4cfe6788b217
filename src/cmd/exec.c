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

static int push(char ***v, const char *s)
{
	size_t n = strv_length(*v);
	char **nv = realloc(*v, (n + 2) * sizeof *nv);
	if (!nv)
		return -1;
	nv[n] = strdup(s);
	nv[n + 1] = NULL;
	*v = nv;
	return nv[n] ? 0 : -1;
}

static int parse_user(const char *s, struct exec_options *o)
{
	char buf[64];
	long uid, gid = 0;
	snprintf(buf, sizeof buf, "%s", s);
	char *colon = strchr(buf, ':');
	if (colon)
		*colon = '\0';
	if (parse_long(buf, 0, 0xfffffffe, &uid) < 0 ||
	    (colon && parse_long(colon + 1, 0, 0xfffffffe, &gid) < 0))
		return -1;
	o->has_user = true;
	o->uid = (uid_t)uid;
	o->gid = (gid_t)gid;
	return 0;
}

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

int cmd_exec(const struct global_opts *g, int argc, char **argv)
{
	struct exec_options o = {.root = g->root, .policy_file = g->policy};
	struct ward_error err = {0};
	cleanup_strv char **env = NULL;
	cleanup_strv char **caps = NULL;
	cleanup_free gid_t *gids = NULL;
	int ch, status;
	long n;

	cli_normalize_args(argc, argv, longopts);
	optind = 1;
	while ((ch = getopt_long(argc, argv, "+p:dte:u:g:c:h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'p':
			o.process_file = optarg;
			break;
		case 'd':
			o.detach = true;
			break;
		case OPT_PID_FILE:
			o.pid_file = optarg;
			break;
		case OPT_CONSOLE_SOCKET:
			o.console_socket = optarg;
			break;
		case 't':
			o.tty = true;
			break;
		case OPT_CWD:
			o.cwd = optarg;
			break;
		case 'e':
			if (!strchr(optarg, '=') || optarg[0] == '=') {
				cli_usage_error("exec", "--env: \"%s\" is not NAME=VALUE", optarg);
				return 255;
			}
			if (push(&env, optarg) < 0)
				return 255;
			break;
		case 'u':
			if (parse_user(optarg, &o) < 0) {
				cli_usage_error("exec", "--user: \"%s\" is not UID[:GID]", optarg);
				return 255;
			}
			break;
		case 'g':
			if (parse_long(optarg, 0, 0xfffffffe, &n) < 0) {
				cli_usage_error("exec", "--additional-gids: \"%s\" is not a GID",
						optarg);
				return 255;
			}
			gid_t *ng = realloc(gids, (o.n_additional_gids + 1) * sizeof *ng);
			if (!ng)
				return 255;
			gids = ng;
			gids[o.n_additional_gids++] = (gid_t)n;
			break;
		case 'c':
			if (push(&caps, optarg) < 0)
				return 255;
			break;
		case OPT_NO_NEW_PRIVS:
			o.no_new_privs = true;
			break;
		case OPT_APPARMOR:
			o.apparmor = optarg;
			break;
		case OPT_PROCESS_LABEL:
			o.process_label = optarg;
			break;
		case OPT_PRESERVE_FDS:
			if (parse_long(optarg, 0, 4096, &n) < 0) {
				cli_usage_error("exec", "--preserve-fds: \"%s\" is not a number",
						optarg);
				return 255;
			}
			o.preserve_fds = (int)n;
			break;
		case OPT_IGNORE_PAUSED:
			o.ignore_paused = true;
			break;
		case OPT_CGROUP:
			if (parse_cgroup(optarg, &o.cgroup) < 0)
				return 255;
			break;
		case OPT_PIDFD_SOCKET:
			o.pidfd_socket = optarg;
			break;
		case 'h':
			fputs(usage, stdout);
			return 0;
		default:
			cli_usage_error("exec", "unknown option");
			return 255;
		}
	}
	if (optind == argc) {
		cli_usage_error("exec", "a container ID is required");
		return 255;
	}
	o.id = argv[optind];
	o.args = argv + optind + 1;
	o.env = env;
	o.caps = caps;
	o.additional_gids = gids;
	if (o.process_file && o.args[0]) {
		cli_usage_error("exec", "give either --process or a command, not both");
		return 255;
	}
	if (container_exec(&o, &status, &err) < 0) {
		cli_fail(&err);
		return 255;
	}
	return status;
}
