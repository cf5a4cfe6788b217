/* Helpers shared by the commands' option parsers. */
#include <signal.h>
#include <stdarg.h>
#include <strings.h>
#include <stdio.h>
#include <string.h>

#include "ward/cli.h"
#include "ward/log.h"
#include "ward/util.h"
#include <getopt.h>
#include <yajl/yajl_gen.h>

void cli_normalize_args(int argc, char **argv, const struct option *longopts)
{
	for (int i = 1; i < argc; i++) {
		char *a = argv[i];
		if (strcmp(a, "--") == 0)
			break;
		if (a[0] != '-' || a[1] == '-' || a[1] == '\0' || a[2] == '\0')
			continue;
		size_t n = strcspn(a + 1, "=");
		for (const struct option *o = longopts; o->name; o++) {
			if (strlen(o->name) == n && strncmp(o->name, a + 1, n) == 0) {
				/* "-name[=v]" becomes "--name[=v]" in a copy that lives as long as
				 * argv; on allocation failure getopt reports the option as is. */
				char *doubled;
				if (asprintf(&doubled, "-%s", a) >= 0)
					argv[i] = doubled;
				break;
			}
		}
	}
}

int cli_fail(const struct ward_error *err)
{
	log_error("%s", err->msg);
	return 1;
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	log_error("%s: %s (see 'ward %s --help')", cmd, msg, cmd);
	return 1;
}

static const struct {
	const char *name;
	int sig;
} signals[] = {
	{"HUP", SIGHUP},       {"INT", SIGINT},	  {"QUIT", SIGQUIT},	 {"ILL", SIGILL},
	{"TRAP", SIGTRAP},     {"ABRT", SIGABRT}, {"IOT", SIGIOT},	 {"BUS", SIGBUS},
	{"FPE", SIGFPE},       {"KILL", SIGKILL}, {"USR1", SIGUSR1},	 {"SEGV", SIGSEGV},
	{"USR2", SIGUSR2},     {"PIPE", SIGPIPE}, {"ALRM", SIGALRM},	 {"TERM", SIGTERM},
	{"STKFLT", SIGSTKFLT}, {"CHLD", SIGCHLD}, {"CONT", SIGCONT},	 {"STOP", SIGSTOP},
	{"TSTP", SIGTSTP},     {"TTIN", SIGTTIN}, {"TTOU", SIGTTOU},	 {"URG", SIGURG},
	{"XCPU", SIGXCPU},     {"XFSZ", SIGXFSZ}, {"VTALRM", SIGVTALRM}, {"PROF", SIGPROF},
	{"WINCH", SIGWINCH},   {"IO", SIGIO},	  {"POLL", SIGPOLL},	 {"PWR", SIGPWR},
	{"SYS", SIGSYS},
};

int cli_parse_signal(const char *s)
{
	long n;

	if (parse_long(s, 1, SIGRTMAX, &n) == 0)
		return (int)n;
	if (strncasecmp(s, "SIG", 3) == 0)
		s += 3;
	for (size_t i = 0; i < sizeof signals / sizeof signals[0]; i++)
		if (strcasecmp(s, signals[i].name) == 0)
			return signals[i].sig;
	if (strncasecmp(s, "RTMIN+", 6) == 0 && parse_long(s + 6, 0, SIGRTMAX - SIGRTMIN, &n) == 0)
		return SIGRTMIN + (int)n;
	return -1;
}

const char *cli_one_id(const char *cmd, int argc, char **argv)
{
	if (optind == argc) {
		cli_usage_error(cmd, "a container ID is required");
		return NULL;
	}
	if (optind != argc - 1) {
		cli_usage_error(cmd, "expected one container ID, got %d arguments", argc - optind);
		return NULL;
	}
	return argv[optind];
}

void cli_print_json(struct yajl_gen_t *g, bool trailing_newline)
{
	const unsigned char *buf;
	size_t len;
	if (yajl_gen_get_buf(g, &buf, &len) == yajl_gen_status_ok) {
		/* yajl's beautifier ends with a newline; runc's `state` prints none. */
		while (len > 0 && buf[len - 1] == '\n')
			len--;
		fwrite(buf, 1, len, stdout);
		if (trailing_newline)
			fputc('\n', stdout);
	}
	fflush(stdout);
}
