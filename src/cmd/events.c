/* ward events: container statistics (runc's "stats" JSON), once or at an interval, and OOM
 * events from memory.events. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "ward/cgroup.h"
#include "ward/cli.h"
#include "ward/container.h"
#include "ward/json_gen.h"
#include "ward/util.h"

static const char usage[] =
	"Usage: ward [global options] events [--stats] [--interval N] <container-id>\n"
	"\n"
	"Prints the container's resource statistics as JSON lines ({\"type\":\"stats\",...}),\n"
	"every --interval seconds (default 5) until it stops, or once with --stats. An OOM kill\n"
	"is reported as {\"type\":\"oom\"}.\n";

static const struct option longopts[] = {
	{"stats", no_argument, NULL, 's'},
	{"interval", required_argument, NULL, 'i'},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

static void num(yajl_gen g, const char *key, uint64_t v)
{
	json_gen_str(g, key);
	yajl_gen_integer(g, v == UINT64_MAX ? 0 : (long long)v);
}

static void print_stats(const char *id, const struct cgroup_stats *s)
{
	yajl_gen g = yajl_gen_alloc(NULL);
	yajl_gen_map_open(g);
	json_gen_str(g, "type");
	json_gen_str(g, "stats");
	json_gen_str(g, "id");
	json_gen_str(g, id);
	json_gen_str(g, "data");
	yajl_gen_map_open(g);
	json_gen_str(g, "cpu");
	yajl_gen_map_open(g);
	json_gen_str(g, "usage");
	yajl_gen_map_open(g);
	num(g, "total", s->cpu_usage_usec * 1000);
	num(g, "kernel", s->cpu_system_usec * 1000);
	num(g, "user", s->cpu_user_usec * 1000);
	yajl_gen_map_close(g);
	json_gen_str(g, "throttling");
	yajl_gen_map_open(g);
	num(g, "periods", s->cpu_periods);
	num(g, "throttled_periods", s->cpu_throttled_periods);
	num(g, "throttled_time", s->cpu_throttled_usec * 1000);
	yajl_gen_map_close(g);
	yajl_gen_map_close(g);
	json_gen_str(g, "memory");
	yajl_gen_map_open(g);
	if (s->has_memory) {
		json_gen_str(g, "usage");
		yajl_gen_map_open(g);
		num(g, "usage", s->memory_current);
		num(g, "limit", s->memory_max);
		num(g, "failcnt", s->memory_max_events);
		yajl_gen_map_close(g);
		json_gen_str(g, "swap");
		yajl_gen_map_open(g);
		num(g, "usage", s->memory_swap_current);
		num(g, "limit", s->memory_swap_max);
		yajl_gen_map_close(g);
	}
	yajl_gen_map_close(g);
	json_gen_str(g, "pids");
	yajl_gen_map_open(g);
	num(g, "current", s->pids_current);
	num(g, "limit", s->has_pids ? s->pids_max : 0);
	yajl_gen_map_close(g);
	json_gen_str(g, "blkio");
	yajl_gen_map_open(g);
	yajl_gen_map_close(g);
	json_gen_str(g, "hugetlb");
	yajl_gen_map_open(g);
	for (size_t i = 0; i < s->n_hugetlb; i++) {
		json_gen_str(g, s->hugetlb[i].size);
		yajl_gen_map_open(g);
		num(g, "usage", s->hugetlb[i].current);
		num(g, "max", s->hugetlb[i].max);
		num(g, "failcnt", s->hugetlb[i].failcnt);
		yajl_gen_map_close(g);
	}
	yajl_gen_map_close(g);
	yajl_gen_map_close(g);
	yajl_gen_map_close(g);
	cli_print_json(g, true);
	yajl_gen_free(g);
}

int cmd_events(const struct global_opts *g, int argc, char **argv)
{
	struct ward_error err = {0};
	struct cgroup_stats s;
	enum ward_status status;
	bool once = false;
	long interval = 5;
	uint64_t ooms = 0;
	int ch;

	cli_normalize_args(argc, argv, longopts);
	optind = 1;
	while ((ch = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
		switch (ch) {
		case 's':
			once = true;
			break;
		case 'i': {
			char buf[32];
			snprintf(buf, sizeof buf, "%s", optarg);
			size_t l = strlen(buf);
			if (l && buf[l - 1] == 's') /* runc takes Go durations such as "5s" */
				buf[l - 1] = '\0';
			if (parse_long(buf, 1, 86400, &interval) < 0)
				return cli_usage_error("events",
						       "--interval: \"%s\" is not a "
						       "number of seconds",
						       optarg);
			break;
		}
		case 'h':
			fputs(usage, stdout);
			return 0;
		default:
			return cli_usage_error("events", "unknown option");
		}
	}
	const char *id = cli_one_id("events", argc, argv);
	if (!id)
		return 1;
	for (bool first = true;; first = false) {
		if (container_stats(g->root, id, &s, &status, &err) < 0)
			return cli_fail(&err);
		/* An OOM kill is reported even when it was what stopped the container. */
		if (s.memory_oom_kill > ooms) {
			if (!first) {
				printf("{\"type\":\"oom\",\"id\":\"%s\"}\n", id);
				fflush(stdout);
			}
			ooms = s.memory_oom_kill;
		}
		if (!first && status == STATUS_STOPPED)
			return 0;
		print_stats(id, &s);
		if (once)
			return 0;
		struct timespec ts = {.tv_sec = interval};
		nanosleep(&ts, NULL);
	}
}
