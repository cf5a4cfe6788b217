/* ward: global options, the command table, dispatch. */
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ward/cli.h"
#include "ward/log.h"
#include "ward/rootless.h"
#include "ward/selfprotect.h"
#include "ward/util.h"

const struct command ward_commands[] = {
	{"create", cmd_create, "create a container (its process waits for start)"},
	{"start", cmd_start, "start the process of a created container"},
	{"run", cmd_run, "create and start a container (in the foreground by default)"},
	{"state", cmd_state, "print a container's state as JSON"},
	{"list", cmd_list, "list containers"},
	{"exec", cmd_exec, "run a new process inside a running container"},
	{"pause", cmd_pause, "freeze every process of a container"},
	{"resume", cmd_resume, "thaw a paused container"},
	{"update", cmd_update, "change the resource limits of a running container"},
	{"events", cmd_events, "print container statistics (and OOM events)"},
	{"kill", cmd_kill, "send a signal to a container's process(es)"},
	{"delete", cmd_delete, "delete a container"},
	{"ps", cmd_ps, "list a container's processes"},
	{"inspect", cmd_inspect, "print the isolation in force for a container (from the kernel)"},
	{"features", cmd_features, "print the OCI features document of this build"},
	{"spec", cmd_spec, "write a hardened config.json for a new bundle"},
	{"policy", cmd_policy, "judge a config against the hardening policy; list checks"},
	{NULL, NULL, NULL},
};

static void print_usage(FILE *out)
{
	fputs("Usage: ward [global options] <command> [options] [arguments]\n"
	      "\n"
	      "ward is a hardened, runc-compatible OCI container runtime.\n"
	      "\n"
	      "Commands:\n",
	      out);
	for (const struct command *c = ward_commands; c->name; c++)
		fprintf(out, "  %-10s %s\n", c->name, c->summary);
	fputs("\n"
	      "Global options:\n"
	      "  --root DIR               state directory (default /run/ward; "
	      "$XDG_RUNTIME_DIR/ward\n"
	      "                           when not root, or root of a user namespace)\n"
	      "  --log FILE               also write log messages to FILE\n"
	      "  --log-format text|json   format of the log file (default text)\n"
	      "  --debug                  log debug messages\n"
	      "  --systemd-cgroup         cgroupsPath is systemd's slice:prefix:name form\n"
	      "  --rootless true|false|auto\n"
	      "                           run without host root's privileges (default auto:\n"
	      "                           when not root in the initial user namespace)\n"
	      "  --policy FILE            the hardening policy (default /etc/ward/policy.conf;\n"
	      "                           see ward-policy(5))\n"
	      "  --criu PATH              accepted for compatibility, ignored\n"
	      "  -v, --version            print version information\n"
	      "  -h, --help               show this help\n"
	      "\n"
	      "Run 'ward <command> --help' for a command's options; see ward(8).\n",
	      out);
}

enum {
	OPT_ROOT = 256,
	OPT_LOG,
	OPT_LOG_FORMAT,
	OPT_DEBUG,
	OPT_SYSTEMD,
	OPT_ROOTLESS,
	OPT_CRIU,
	OPT_POLICY
};

static const struct option global_longopts[] = {
	{"root", required_argument, NULL, OPT_ROOT},
	{"log", required_argument, NULL, OPT_LOG},
	{"log-format", required_argument, NULL, OPT_LOG_FORMAT},
	{"debug", no_argument, NULL, OPT_DEBUG},
	{"systemd-cgroup", no_argument, NULL, OPT_SYSTEMD},
	{"rootless", required_argument, NULL, OPT_ROOTLESS},
	{"criu", required_argument, NULL, OPT_CRIU},
	{"policy", required_argument, NULL, OPT_POLICY},
	{"version", no_argument, NULL, 'v'},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

/* runc's rule: $XDG_RUNTIME_DIR/<name> for unprivileged users and for root of a user namespace
 * (rootless podman), never dependent on flags, so a caller that passes none (podman <= 5.2 for
 * `state`) finds the same directory every time. */
static const char *default_root(void)
{
	static char buf[4096];
	const char *xdg = getenv("XDG_RUNTIME_DIR");
	uid_t euid = geteuid();

	if (rootless_use_xdg_runtime_dir(xdg, euid, euid == 0 && rootless_in_user_namespace(),
					 getenv("USER"))) {
		snprintf(buf, sizeof buf, "%s/ward", xdg);
		return buf;
	}
	return "/run/ward";
}

/* Socket activation is honoured only as systemd defines it: fds 3.. for this very process
 * (LISTEN_PID), open before ward opened any of its own. A stale LISTEN_FDS would otherwise
 * hand the container descriptors ward opened itself (its log, the judged host objects). */
static void check_socket_activation(void)
{
	const char *fds = getenv("LISTEN_FDS"), *pid = getenv("LISTEN_PID");
	long n, p;
	bool ok;

	if (!fds)
		return;
	ok = parse_long(fds, 1, 4096, &n) == 0 && pid && parse_long(pid, 1, INT_MAX, &p) == 0 &&
	     p == (long)getpid();
	for (long fd = 3; ok && fd < 3 + n; fd++)
		ok = fcntl((int)fd, F_GETFD) >= 0;
	if (!ok) {
		unsetenv("LISTEN_FDS");
		unsetenv("LISTEN_PID");
		unsetenv("LISTEN_FDNAMES");
	}
}

/* What the option readers return when ward goes on to the command (any other value is the
 * exit status). */
#define GO_ON (-1)

static int read_global_options(int argc, char **argv, struct global_opts *g,
			       const char **log_format)
{
	int c;

	cli_normalize_args(argc, argv, global_longopts);
	while ((c = getopt_long(argc, argv, "+vh", global_longopts, NULL)) != -1) {
		switch (c) {
		case OPT_ROOT:
			g->root = optarg;
			break;
		case OPT_LOG:
			g->log_path = optarg;
			break;
		case OPT_LOG_FORMAT:
			*log_format = optarg;
			break;
		case OPT_DEBUG:
			g->debug = true;
			break;
		case OPT_SYSTEMD:
			g->systemd_cgroup = true;
			break;
		case OPT_ROOTLESS:
			g->rootless = optarg;
			break;
		case OPT_CRIU:
			break;
		case OPT_POLICY:
			g->policy = optarg;
			break;
		case 'v':
			print_version();
			return 0;
		case 'h':
			print_usage(stdout);
			return 0;
		default:
			print_usage(stderr);
			return 1;
		}
	}
	return GO_ON;
}

/* Checks the global options' values and sets up the log, the rootless mode and the root. */
static int apply_global_options(struct global_opts *g, const char *log_format)
{
	struct ward_error err = {0};
	enum rootless_mode rootless;

	if (strcmp(log_format, "text") != 0 && strcmp(log_format, "json") != 0) {
		fprintf(stderr, "ward: --log-format: \"%s\" is not text or json\n", log_format);
		return 1;
	}
	if (rootless_parse_mode(g->rootless, &rootless) < 0) {
		fprintf(stderr, "ward: --rootless: \"%s\" is not true, false or auto\n",
			g->rootless);
		return 1;
	}
	rootless_set_mode(rootless);
	g->log_json = strcmp(log_format, "json") == 0;
	if (log_open(g->log_path, g->log_json, g->debug, &err) < 0) {
		fprintf(stderr, "ward: %s\n", err.msg);
		return 1;
	}
	if (!g->root)
		g->root = default_root();
	return GO_ON;
}

int main(int argc, char **argv)
{
	struct global_opts g = {.root = NULL, .rootless = "auto"};
	struct ward_error err = {0};
	const char *log_format = "text";
	int rc;

	check_socket_activation();
	if ((rc = read_global_options(argc, argv, &g, &log_format)) != GO_ON ||
	    (rc = apply_global_options(&g, log_format)) != GO_ON)
		return rc;
	if (optind >= argc) {
		print_usage(stderr);
		return 1;
	}
	const char *name = argv[optind];
	/* The commands whose processes enter a container run from a sealed copy of ward. */
	if (strcmp(name, "create") == 0 || strcmp(name, "run") == 0 || strcmp(name, "exec") == 0) {
		if (selfprotect_reexec(argv, &err) < 0) {
			log_error("%s", err.msg);
			return strcmp(name, "exec") == 0 ? EXIT_EXEC_FAILED : 1;
		}
	}
	for (const struct command *cmd = ward_commands; cmd->name; cmd++) {
		if (strcmp(cmd->name, name) == 0) {
			rc = cmd->run(&g, argc - optind, argv + optind);
			log_close();
			return rc;
		}
	}
	log_error("unknown command \"%s\" (see 'ward --help')", name);
	return 1;
}
