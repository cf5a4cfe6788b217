/* ward list: the containers under --root. */
#include <getopt.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_gen.h>

#include "json_state.h"
#include "ward/cli.h"
#include "ward/container.h"

static const char usage[] = "Usage: ward [global options] list [options]\n"
			    "\n"
			    "Options:\n"
			    "  -f, --format table|json   output format (default table)\n"
			    "  -q, --quiet               print only the container IDs\n"
			    "  -h, --help                show this help\n";

static const struct option longopts[] = {
	{"format", required_argument, NULL, 'f'},
	{"quiet", no_argument, NULL, 'q'},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

static int by_id(const void *a, const void *b)
{
	const struct container_info *x = a, *y = b;
	return strcmp(x->state.id, y->state.id);
}

int cmd_list(const struct global_opts *g, int argc, char **argv)
{
	struct ward_error err = {0};
	struct container_info *list;
	const char *format = "table";
	bool quiet = false;
	size_t n;
	int ch;

	cli_normalize_args(argc, argv, longopts);
	optind = 1;
	while ((ch = getopt_long(argc, argv, "+f:qh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'f':
			format = optarg;
			break;
		case 'q':
			quiet = true;
			break;
		case 'h':
			fputs(usage, stdout);
			return 0;
		default:
			return cli_usage_error("list", "unknown option");
		}
	}
	if (strcmp(format, "table") != 0 && strcmp(format, "json") != 0)
		return cli_usage_error("list", "--format: \"%s\" is not table or json", format);
	if (optind != argc)
		return cli_usage_error("list", "unexpected argument \"%s\"", argv[optind]);
	if (container_list(g->root, &list, &n, &err) < 0)
		return cli_fail(&err);
	if (n > 1) /* no containers: list is NULL, which qsort() must not be given */
		qsort(list, n, sizeof *list, by_id);
	if (quiet) {
		for (size_t i = 0; i < n; i++)
			printf("%s\n", list[i].state.id);
	} else if (strcmp(format, "json") == 0) {
		yajl_gen gen = yajl_gen_alloc(NULL);
		yajl_gen_array_open(gen);
		for (size_t i = 0; i < n; i++)
			gen_container_state(gen, &list[i]);
		yajl_gen_array_close(gen);
		cli_print_json(gen, true);
		yajl_gen_free(gen);
	} else {
		printf("%-12s %-8s %-10s %-40s %-30s %s\n", "ID", "PID", "STATUS", "BUNDLE",
		       "CREATED", "OWNER");
		for (size_t i = 0; i < n; i++) {
			const struct ward_state *st = &list[i].state;
			struct passwd *pw = getpwuid(st->owner);
			printf("%-12s %-8d %-10s %-40s %-30s %s\n", st->id,
			       list[i].status == STATUS_STOPPED ? 0 : st->pid,
			       state_status_name(list[i].status), st->bundle, st->created,
			       pw ? pw->pw_name : "");
		}
	}
	for (size_t i = 0; i < n; i++)
		container_info_clear(&list[i]);
	free(list);
	return 0;
}
