/* ward update: change the resource limits of a running container. The flags are written as a
 * LinuxResources object and read by the same parser and validators as config.json (and as
 * --resources); the policy then judges the container's resources as they will be. */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ward/cleanup.h"
#include "ward/cli.h"
#include "ward/container.h"
#include "ward/json.h"
#include "ward/json_gen.h"
#include "ward/util.h"

static const char usage[] =
	"Usage: ward [global options] update [options] <container-id>\n"
	"\n"
	"Rewrites the cgroup limits of a running container. The flags, or --resources, are read\n"
	"as an OCI LinuxResources object with config.json's rules, and the --policy in force\n"
	"judges the result (at level restricted no update may remove the memory or pids limit).\n"
	"\n"
	"Options:\n"
	"  -r, --resources FILE       an OCI LinuxResources JSON object ('-' reads stdin)\n"
	"      --memory BYTES         memory.limit (suffixes k, m, g; -1 = unlimited)\n"
	"      --memory-reservation BYTES\n"
	"                             memory.reservation\n"
	"      --memory-swap BYTES    memory.swap: memory plus swap (-1 = unlimited)\n"
	"      --cpu-shares N         cpu.shares: relative CPU weight (v1 shares, converted);\n"
	"                             also spelled --cpu-share, as runc does\n"
	"      --cpu-quota N          cpu.quota: CPU time per period in microseconds (-1 =\n"
	"                             unlimited)\n"
	"      --cpu-period N         cpu.period: the period in microseconds\n"
	"      --cpu-burst N          cpu.burst: microseconds a period may borrow\n"
	"      --cpu-idle 0|1         cpu.idle: SCHED_IDLE for the cgroup\n"
	"      --cpu-rt-period N, --cpu-rt-runtime N\n"
	"                             cpu.realtimePeriod/realtimeRuntime (cgroup v2 has no\n"
	"                             such limit: refused unless 0)\n"
	"      --cpuset-cpus LIST     cpu.cpus: CPUs to run on (\"0-3,7\")\n"
	"      --cpuset-mems LIST     cpu.mems: memory nodes\n"
	"      --pids-limit N         pids.limit: maximum number of processes (-1 = unlimited)\n"
	"      --blkio-weight N       blockIO.weight: block I/O weight (10-1000)\n"
	"  -h, --help                 show this help\n"
	"\n"
	"--resources and the flags exclude each other.\n";

enum {
	OPT_MEMORY = 256,
	OPT_MEMORY_RESERVATION,
	OPT_MEMORY_SWAP,
	OPT_CPU_SHARES,
	OPT_CPU_QUOTA,
	OPT_CPU_PERIOD,
	OPT_CPU_BURST,
	OPT_CPU_IDLE,
	OPT_CPU_RT_PERIOD,
	OPT_CPU_RT_RUNTIME,
	OPT_CPUSET_CPUS,
	OPT_CPUSET_MEMS,
	OPT_PIDS_LIMIT,
	OPT_BLKIO_WEIGHT,
	OPT_RDT,
	OPT_END
};

static const struct option longopts[] = {
	{"resources", required_argument, NULL, 'r'},
	{"memory", required_argument, NULL, OPT_MEMORY},
	{"memory-reservation", required_argument, NULL, OPT_MEMORY_RESERVATION},
	{"memory-swap", required_argument, NULL, OPT_MEMORY_SWAP},
	{"cpu-shares", required_argument, NULL, OPT_CPU_SHARES},
	{"cpu-share", required_argument, NULL, OPT_CPU_SHARES},
	{"cpu-quota", required_argument, NULL, OPT_CPU_QUOTA},
	{"cpu-period", required_argument, NULL, OPT_CPU_PERIOD},
	{"cpu-burst", required_argument, NULL, OPT_CPU_BURST},
	{"cpu-idle", required_argument, NULL, OPT_CPU_IDLE},
	{"cpu-rt-period", required_argument, NULL, OPT_CPU_RT_PERIOD},
	{"cpu-rt-runtime", required_argument, NULL, OPT_CPU_RT_RUNTIME},
	{"cpuset-cpus", required_argument, NULL, OPT_CPUSET_CPUS},
	{"cpuset-mems", required_argument, NULL, OPT_CPUSET_MEMS},
	{"pids-limit", required_argument, NULL, OPT_PIDS_LIMIT},
	{"blkio-weight", required_argument, NULL, OPT_BLKIO_WEIGHT},
	{"l3-cache-schema", required_argument, NULL, OPT_RDT},
	{"mem-bw-schema", required_argument, NULL, OPT_RDT},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

/* How each flag is written into LinuxResources. */
enum kind { BYTES, NUMBER, STRING };
static const struct {
	int opt;
	const char *flag, *section, *key;
	enum kind kind;
} fields[] = {
	{OPT_MEMORY, "--memory", "memory", "limit", BYTES},
	{OPT_MEMORY_RESERVATION, "--memory-reservation", "memory", "reservation", BYTES},
	{OPT_MEMORY_SWAP, "--memory-swap", "memory", "swap", BYTES},
	{OPT_CPU_SHARES, "--cpu-shares", "cpu", "shares", NUMBER},
	{OPT_CPU_QUOTA, "--cpu-quota", "cpu", "quota", NUMBER},
	{OPT_CPU_PERIOD, "--cpu-period", "cpu", "period", NUMBER},
	{OPT_CPU_BURST, "--cpu-burst", "cpu", "burst", NUMBER},
	{OPT_CPU_IDLE, "--cpu-idle", "cpu", "idle", NUMBER},
	{OPT_CPU_RT_PERIOD, "--cpu-rt-period", "cpu", "realtimePeriod", NUMBER},
	{OPT_CPU_RT_RUNTIME, "--cpu-rt-runtime", "cpu", "realtimeRuntime", NUMBER},
	{OPT_CPUSET_CPUS, "--cpuset-cpus", "cpu", "cpus", STRING},
	{OPT_CPUSET_MEMS, "--cpuset-mems", "cpu", "mems", STRING},
	{OPT_PIDS_LIMIT, "--pids-limit", "pids", "limit", NUMBER},
	{OPT_BLKIO_WEIGHT, "--blkio-weight", "blockIO", "weight", NUMBER},
};
static const char *const sections[] = {"memory", "cpu", "pids", "blockIO"};

/* "512", "64k", "1m", "2g", "-1", as runc's flags take them; anything else is not a size. */
static int parse_bytes(const char *s, int64_t *out)
{
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (end == s || errno || isspace((unsigned char)*s))
		return -1;
	int64_t mul = 1;
	switch (tolower((unsigned char)*end)) {
	case '\0':
		break;
	case 'k':
		mul = 1LL << 10;
		break;
	case 'm':
		mul = 1LL << 20;
		break;
	case 'g':
		mul = 1LL << 30;
		break;
	default:
		return -1;
	}
	if (*end && end[1] && !(tolower((unsigned char)end[1]) == 'b' && !end[2]))
		return -1;
	if (v < 0 && mul != 1)
		return -1;
	if (v > 0 && v > INT64_MAX / mul)
		return -1;
	*out = v * mul;
	return 0;
}

/* An integer as JSON writes it: the parser then says whether it fits the field. */
static bool is_integer(const char *s)
{
	if (*s == '-')
		s++;
	if (!*s || (s[0] == '0' && s[1]))
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

/* Writes the given flags (values[i] for fields[i], NULL when absent) as one LinuxResources
 * object; only (when only >= 0) that one flag. */
static char *resources_json(const char *const *values, int only, struct ward_error *err)
{
	yajl_gen g = yajl_gen_alloc(NULL);
	const unsigned char *buf;
	size_t len;
	char *out = NULL;

	if (!g) {
		ward_fail(err, ENOMEM, "update");
		return NULL;
	}
	yajl_gen_map_open(g);
	for (size_t s = 0; s < ARRAY_SIZE(sections); s++) {
		bool opened = false;
		for (size_t i = 0; i < ARRAY_SIZE(fields); i++) {
			if (!values[i] || (only >= 0 && (size_t)only != i) ||
			    strcmp(fields[i].section, sections[s]) != 0)
				continue;
			if (!opened) {
				json_gen_str(g, sections[s]);
				yajl_gen_map_open(g);
				opened = true;
			}
			json_gen_str(g, fields[i].key);
			if (fields[i].kind == STRING) {
				json_gen_str(g, values[i]);
			} else if (fields[i].kind == BYTES) {
				char num[32];
				int64_t v;
				parse_bytes(values[i], &v);
				snprintf(num, sizeof num, "%" PRId64, v);
				yajl_gen_number(g, num, strlen(num));
			} else {
				yajl_gen_number(g, values[i], strlen(values[i]));
			}
		}
		if (opened)
			yajl_gen_map_close(g);
	}
	yajl_gen_map_close(g);
	if (yajl_gen_get_buf(g, &buf, &len) == yajl_gen_status_ok)
		out = strndup((const char *)buf, len);
	yajl_gen_free(g);
	if (!out)
		ward_fail(err, ENOMEM, "update");
	return out;
}

int update_parse_flags(size_t n, const char *const *flags, const char *const *args,
		       struct ward_resources *res, struct ward_error *err)
{
	const char *values[ARRAY_SIZE(fields)] = {NULL};

	memset(res, 0, sizeof *res);
	for (size_t k = 0; k < n; k++) {
		size_t i;
		for (i = 0; i < ARRAY_SIZE(fields); i++)
			if (strcmp(fields[i].flag, flags[k]) == 0)
				break;
		if (i == ARRAY_SIZE(fields))
			return ward_fail(err, 0, "%s: not an update flag", flags[k]);
		values[i] = args[k]; /* the last of a repeated flag wins */
	}
	/* Each alone first, so that an error names its flag ("--memory: memory: limit must
	 * be -1 (unlimited) or a number of bytes"). */
	for (size_t i = 0; i < ARRAY_SIZE(fields); i++) {
		const char *v = values[i];
		int64_t bytes;
		if (!v)
			continue;
		if (fields[i].kind == BYTES && parse_bytes(v, &bytes) < 0)
			return ward_fail(err, 0,
					 "%s: \"%s\" is not a number of bytes (e.g. 512, 64k, "
					 "1m, 2g, or -1 for unlimited)",
					 fields[i].flag, v);
		if (fields[i].kind == NUMBER && !is_integer(v))
			return ward_fail(err, 0, "%s: \"%s\" is not an integer", fields[i].flag, v);
		cleanup_free char *one = resources_json(values, (int)i, err);
		struct ward_resources check;
		if (!one || spec_parse_resources(one, strlen(one), fields[i].flag, &check, err) < 0)
			return -1;
		spec_resources_clear(&check);
	}
	cleanup_free char *all = resources_json(values, -1, err);
	if (!all)
		return -1;
	return spec_parse_resources(all, strlen(all), "update flags", res, err);
}

int cmd_update(const struct global_opts *g, int argc, char **argv)
{
	const char *flags[64], *args[64];
	size_t n = 0;
	struct ward_resources res = {0};
	struct ward_error err = {0};
	const char *file = NULL;
	int ch, rc = 1;

	cli_normalize_args(argc, argv, longopts);
	optind = 1;
	while ((ch = getopt_long(argc, argv, "+r:h", longopts, NULL)) != -1) {
		if (ch == 'h') {
			fputs(usage, stdout);
			return 0;
		}
		if (ch == 'r') {
			file = optarg;
			continue;
		}
		if (ch == OPT_RDT)
			return cli_usage_error("update",
					       "--l3-cache-schema, --mem-bw-schema: ward does not "
					       "implement Intel RDT");
		size_t i;
		for (i = 0; i < ARRAY_SIZE(fields); i++)
			if (fields[i].opt == ch)
				break;
		if (i == ARRAY_SIZE(fields) || n == ARRAY_SIZE(flags))
			return cli_usage_error("update", "unknown option");
		flags[n] = fields[i].flag;
		args[n++] = optarg;
	}
	const char *id = cli_one_id("update", argc, argv);
	if (!id)
		return 1;
	/* runc ignores the flags when --resources is given; ward does not guess. */
	if (file && n)
		return cli_usage_error("update",
				       "give either --resources or flags such as %s, not both",
				       flags[0]);
	if (file) {
		cleanup_free char *buf = NULL;
		size_t len;
		int r = strcmp(file, "-") == 0
				? read_fd_limited(STDIN_FILENO, JSON_MAX_BYTES, &buf, &len, &err)
				: read_file_limited(file, JSON_MAX_BYTES, &buf, &len, &err);
		if (r < 0 || spec_parse_resources(buf, len, "--resources", &res, &err) < 0)
			return cli_fail(&err);
	} else if (update_parse_flags(n, flags, args, &res, &err) < 0) {
		return cli_fail(&err);
	}
	if (container_update(g->root, id, &res, g->policy, &err) < 0) {
		cli_fail(&err);
		goto out;
	}
	rc = 0;
out:
	spec_resources_clear(&res);
	return rc;
}
