/* Helpers shared by the commands' option parsers. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ward/cli.h"
#include "ward/log.h"

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
				/* argv strings are writable; the leading '-' is doubled by shifting
				 * the pointer onto a static "--name" copy. */
				static char buf[64][128];
				static int used;
				if (used < 64 && strlen(a) + 2 < sizeof buf[0]) {
					snprintf(buf[used], sizeof buf[0], "-%s", a);
					argv[i] = buf[used++];
				}
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
