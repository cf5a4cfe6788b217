/* The command line: global options and the command table. Only this layer prints and chooses
 * exit codes. */
#ifndef WARD_CLI_H
#define WARD_CLI_H

#include <getopt.h>
#include <stdbool.h>

#include "ward/error.h"

/* `ward exec`'s status when ward itself fails (not the process), as runc's. */
#define EXIT_EXEC_FAILED 255

struct global_opts {
	const char *root;
	const char *log_path;
	bool log_json;
	bool debug;
	bool systemd_cgroup;
	const char *rootless; /* "true", "false", "auto" */
	const char *policy;   /* --policy FILE; NULL: /etc/ward/policy.conf */
};

struct command {
	const char *name;
	int (*run)(const struct global_opts *g, int argc, char **argv);
	const char *summary;
};

extern const struct command ward_commands[];

int cmd_create(const struct global_opts *g, int argc, char **argv);
int cmd_delete(const struct global_opts *g, int argc, char **argv);
int cmd_events(const struct global_opts *g, int argc, char **argv);
int cmd_exec(const struct global_opts *g, int argc, char **argv);
int cmd_pause(const struct global_opts *g, int argc, char **argv);
int cmd_resume(const struct global_opts *g, int argc, char **argv);
int cmd_update(const struct global_opts *g, int argc, char **argv);
int cmd_inspect(const struct global_opts *g, int argc, char **argv);
int cmd_features(const struct global_opts *g, int argc, char **argv);
int cmd_kill(const struct global_opts *g, int argc, char **argv);
int cmd_list(const struct global_opts *g, int argc, char **argv);
int cmd_policy(const struct global_opts *g, int argc, char **argv);
int cmd_ps(const struct global_opts *g, int argc, char **argv);
int cmd_run(const struct global_opts *g, int argc, char **argv);
int cmd_spec(const struct global_opts *g, int argc, char **argv);
int cmd_start(const struct global_opts *g, int argc, char **argv);
int cmd_state(const struct global_opts *g, int argc, char **argv);

/* update's flags (flags[i] = "--memory", ..., args[i] its value; the last of a repeated flag
 * wins) as a LinuxResources object, read by the parser and validators of config.json. */
struct ward_resources;
int update_parse_flags(size_t n, const char *const *flags, const char *const *args,
		       struct ward_resources *res, struct ward_error *err);

/* Parses `-f, --format table|json` and `-h, --help` (printing usage), the only options of
 * cmd: true to go on with *format set; false when the caller returns *exit_status. */
bool cli_format_options(const char *cmd, const char *usage, int argc, char **argv,
			const char **format, int *exit_status);
/* A signal by number, name or SIG-name ("9", "KILL", "SIGKILL"); -1 if unknown. */
int cli_parse_signal(const char *s);
/* The command line of a verb whose only option is --help: one container ID (start, state,
 * pause, resume). Returns the ID; NULL when the verb is done, with *status its exit status: 0
 * after printing usage for --help, 1 after a usage error. */
const char *cli_id_args(const char *verb, const char *usage, int argc, char **argv, int *status);
/* Exactly one container ID left in argv after the options, or a usage error (returns NULL). */
const char *cli_one_id(const char *cmd, int argc, char **argv);
/* Prints a JSON value built by the caller with yajl (pretty: indented). */
struct yajl_gen_t;
void cli_print_json(struct yajl_gen_t *g, bool trailing_newline);

/* Rewrites Go-style single-dash long options ("-bundle", "-no-subreaper=x") to "--..." when the
 * name is a long option of the command, as runc's callers sometimes send them. */
void cli_normalize_args(int argc, char **argv, const struct option *longopts);
/* Prints "ward: <err>" (and to the log) and returns exit status 1. */
int cli_fail(const struct ward_error *err);
/* Prints a usage error for a command and returns 1. */
int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

void print_version(void);

#endif
