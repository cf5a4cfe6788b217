/* ward update: change the resource limits of a running container. */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ward/cleanup.h"
#include "ward/cli.h"
#include "ward/container.h"
#include "ward/json.h"
#include "ward/util.h"

static const char usage[] =
	"Usage: ward [global options] update [options] <container-id>\n"
	"\n"
	"Rewrites the cgroup limits of a running container.\n"
	"\n"
	"Options:\n"
	"  -r, --resources FILE       an OCI LinuxResources JSON object ('-' reads stdin)\n"
	"      --memory BYTES         memory limit (suffixes k, m, g; -1 = unlimited)\n"
	"      --memory-reservation BYTES\n"
	"      --memory-swap BYTES    memory plus swap limit\n"
	"      --cpu-shares N         relative CPU weight (v1 shares, converted)\n"
	"      --cpu-quota N          CPU time per period in microseconds (-1 = unlimited)\n"
	"      --cpu-period N         the period in microseconds\n"
	"      --cpuset-cpus LIST     CPUs to run on\n"
	"      --cpuset-mems LIST     memory nodes\n"
	"      --pids-limit N         maximum number of processes (-1 = unlimited)\n"
	"      --blkio-weight N       block I/O weight (10-1000)\n"
	"  -h, --help                 show this help\n";

enum {
	OPT_MEMORY = 256,
	OPT_MEMORY_RESERVATION,
	OPT_MEMORY_SWAP,
	OPT_CPU_SHARES,
	OPT_CPU_QUOTA,
	OPT_CPU_PERIOD,
	OPT_CPUSET_CPUS,
	OPT_CPUSET_MEMS,
	OPT_PIDS_LIMIT,
	OPT_BLKIO_WEIGHT,
};

static const struct option longopts[] = {
	{"resources", required_argument, NULL, 'r'},
	{"memory", required_argument, NULL, OPT_MEMORY},
	{"memory-reservation", required_argument, NULL, OPT_MEMORY_RESERVATION},
	{"memory-swap", required_argument, NULL, OPT_MEMORY_SWAP},
	{"cpu-shares", required_argument, NULL, OPT_CPU_SHARES},
	{"cpu-quota", required_argument, NULL, OPT_CPU_QUOTA},
	{"cpu-period", required_argument, NULL, OPT_CPU_PERIOD},
	{"cpuset-cpus", required_argument, NULL, OPT_CPUSET_CPUS},
	{"cpuset-mems", required_argument, NULL, OPT_CPUSET_MEMS},
	{"pids-limit", required_argument, NULL, OPT_PIDS_LIMIT},
	{"blkio-weight", required_argument, NULL, OPT_BLKIO_WEIGHT},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

/* "512", "64k", "1m", "2g", "-1". */
static int parse_bytes(const char *s, int64_t *out)
{
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (end == s || errno)
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
	if (v > 0 && v > INT64_MAX / mul)
		return -1;
	*out = v > 0 ? v * mul : v;
	return 0;
}

int cmd_update(const struct global_opts *g, int argc, char **argv)
{
	struct ward_resources res = {0};
	struct ward_error err = {0};
	const char *file = NULL;
	int64_t v;
	int ch, rc = 1;

	cli_normalize_args(argc, argv, longopts);
	optind = 1;
	/* Flags are collected first: --resources replaces the whole object, flags refine it. */
	struct {
		int opt;
		const char *arg;
	} flags[32];
	int nflags = 0;
	while ((ch = getopt_long(argc, argv, "+r:h", longopts, NULL)) != -1) {
		if (ch == 'h') {
			fputs(usage, stdout);
			return 0;
		}
		if (ch == 'r') {
			file = optarg;
			continue;
		}
		if (ch == '?' || nflags == 32)
			return cli_usage_error("update", "unknown option");
		flags[nflags].opt = ch;
		flags[nflags++].arg = optarg;
	}
	const char *id = cli_one_id("update", argc, argv);
	if (!id)
		return 1;
	if (file) {
		cleanup_free char *buf = NULL;
		size_t len;
		int r = strcmp(file, "-") == 0
				? read_fd_limited(STDIN_FILENO, JSON_MAX_BYTES, &buf, &len, &err)
				: read_file_limited(file, JSON_MAX_BYTES, &buf, &len, &err);
		if (r < 0 || spec_parse_resources(buf, len, "--resources", &res, &err) < 0)
			return cli_fail(&err);
	}
	for (int i = 0; i < nflags; i++) {
		const char *a = flags[i].arg;
		long n;
		switch (flags[i].opt) {
		case OPT_MEMORY:
		case OPT_MEMORY_RESERVATION:
		case OPT_MEMORY_SWAP:
			if (parse_bytes(a, &v) < 0) {
				cli_usage_error("update", "\"%s\" is not a number of bytes", a);
				goto out;
			}
			if (flags[i].opt == OPT_MEMORY)
				res.has_memory_limit = true, res.memory_limit = v;
			else if (flags[i].opt == OPT_MEMORY_SWAP)
				res.has_memory_swap = true, res.memory_swap = v;
			else
				res.has_memory_reservation = true, res.memory_reservation = v;
			break;
		case OPT_CPU_SHARES:
		case OPT_CPU_PERIOD:
		case OPT_CPU_QUOTA:
		case OPT_PIDS_LIMIT:
		case OPT_BLKIO_WEIGHT:
			if (parse_long(a, -1, INT32_MAX, &n) < 0) {
				cli_usage_error("update", "\"%s\" is not a number", a);
				goto out;
			}
			if (flags[i].opt == OPT_CPU_SHARES)
				res.has_cpu_shares = true,
				res.cpu_shares = (uint64_t)(n < 0 ? 0 : n);
			else if (flags[i].opt == OPT_CPU_PERIOD)
				res.has_cpu_period = true,
				res.cpu_period = (uint64_t)(n < 0 ? 0 : n);
			else if (flags[i].opt == OPT_CPU_QUOTA)
				res.has_cpu_quota = true, res.cpu_quota = n;
			else if (flags[i].opt == OPT_PIDS_LIMIT)
				res.has_pids_limit = true, res.pids_limit = n;
			else
				res.has_blkio_weight = true,
				res.blkio_weight = (uint16_t)(n < 0	 ? 0
							      : n > 1000 ? 1000
									 : n);
			break;
		case OPT_CPUSET_CPUS:
			free(res.cpu_cpus);
			res.cpu_cpus = strdup(a);
			break;
		case OPT_CPUSET_MEMS:
			free(res.cpu_mems);
			res.cpu_mems = strdup(a);
			break;
		}
	}
	if (container_update(g->root, id, &res, &err) < 0) {
		cli_fail(&err);
		goto out;
	}
	rc = 0;
out:
	spec_resources_clear(&res);
	return rc;
}
