/* The options of the commands that print a table or JSON and take nothing else (ps, inspect). */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "ward/cli.h"

bool cli_format_options(const char *cmd, const char *usage, int argc, char **argv,
			const char **format, int *exit_status)
{
	static const struct option longopts[] = {
		{"format", required_argument, NULL, 'f'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int ch;

	*format = "table";
	cli_normalize_args(argc, argv, longopts);
	optind = 1;
	while ((ch = getopt_long(argc, argv, "+f:h", longopts, NULL)) != -1) {
		if (ch == 'f') {
			*format = optarg;
			continue;
		}
		if (ch == 'h')
			fputs(usage, stdout);
		*exit_status = ch == 'h' ? 0 : cli_usage_error(cmd, "unknown option");
		return false;
	}
	if (strcmp(*format, "table") != 0 && strcmp(*format, "json") != 0) {
		*exit_status =
			cli_usage_error(cmd, "--format: \"%s\" is not table or json", *format);
		return false;
	}
	return true;
}
