/* The arguments of the verbs that take nothing but a container ID. */
#include <getopt.h>
#include <stdio.h>

#include "ward/cli.h"

const char *cli_id_args(const char *verb, const char *usage, int argc, char **argv, int *status)
{
	static const struct option longopts[] = {{"help", no_argument, NULL, 'h'},
						 {NULL, 0, NULL, 0}};
	int ch;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
		if (ch == 'h') {
			fputs(usage, stdout);
			*status = 0;
			return NULL;
		}
		*status = cli_usage_error(verb, "unknown option");
		return NULL;
	}
	const char *id = cli_one_id(verb, argc, argv);
	*status = 1;
	return id;
}
