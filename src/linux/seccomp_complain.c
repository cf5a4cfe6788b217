/* Complain mode's findings: the record lines its agents write, read back, summed and reported
 * as JSON. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_gen.h>

#include "ward/cleanup.h"
#include "ward/json_gen.h"
#include "ward/seccomp_learn.h"
#include "ward/util.h"

int complain_format_line(char line[COMPLAIN_LINE_LEN + 1], const struct complain_finding *f)
{
	char comm[sizeof f->comm];

	/* A program names itself: no blank or control character may split the line. */
	for (size_t i = 0; i < sizeof comm; i++) {
		char c = f->comm[i];
		comm[i] = c == '\0' ? '\0' : (c > ' ' && c < 0x7f ? c : '?');
		if (c == '\0')
			break;
	}
	comm[sizeof comm - 1] = '\0';
	int n = snprintf(line, COMPLAIN_LINE_LEN + 1, "deny %-31.31s %-15.15s %10d %20" PRIu64 "\n",
			 f->name, comm[0] ? comm : "?", (int)f->pid, f->count);
	return n == COMPLAIN_LINE_LEN ? 0 : -1;
}

void complain_findings_clear(struct complain_findings *c)
{
	free(c->f);
	c->f = NULL;
	c->n = 0;
}

static int compare(const void *a, const void *b)
{
	const struct complain_finding *x = a, *y = b;
	int r = strcmp(x->name, y->name);
	return r ? r : strcmp(x->comm, y->comm);
}

static int add_finding(struct complain_findings *c, const struct complain_finding *f)
{
	for (size_t i = 0; i < c->n; i++)
		if (compare(&c->f[i], f) == 0) {
			c->f[i].count += f->count;
			return 0;
		}
	struct complain_finding *n = realloc(c->f, (c->n + 1) * sizeof *n);
	if (!n)
		return -1;
	n[c->n++] = *f;
	c->f = n;
	return 0;
}

/* Adds one record file's lines; a line the agent had not finished when it was killed is
 * skipped. */
static int add_record(void *ctx, const char *name, char *buf, size_t len, struct ward_error *err)
{
	struct complain_findings *c = ctx;

	(void)name;
	for (size_t at = 0; at + COMPLAIN_LINE_LEN <= len; at += COMPLAIN_LINE_LEN) {
		struct complain_finding f = {0};
		char *line = buf + at;
		int pid;
		line[COMPLAIN_LINE_LEN - 1] = '\0';
		if (sscanf(line, "deny %31s %15s %d %" SCNu64, f.name, f.comm, &pid, &f.count) != 4)
			continue;
		f.pid = pid;
		if (add_finding(c, &f) < 0)
			return ward_fail(err, ENOMEM, "seccomp complain mode");
	}
	return 0;
}

int complain_read_records(struct complain_findings *c, int dirfd, struct ward_error *err)
{
	if (learn_read_records(dirfd, COMPLAIN_RECORD_PREFIX, add_record, c, err) < 0)
		return -1;
	if (c->n)
		qsort(c->f, c->n, sizeof *c->f, compare);
	return 0;
}

char *complain_findings_json(const struct complain_findings *c, const char *id)
{
	cleanup_json_gen yajl_gen g = learn_json_gen();

	if (!g)
		return NULL;
	yajl_gen_map_open(g);
	json_gen_str(g, "id");
	json_gen_str(g, id);
	json_gen_str(g, "findings");
	yajl_gen_array_open(g);
	for (size_t i = 0; i < c->n; i++) {
		yajl_gen_map_open(g);
		json_gen_str(g, "syscall");
		json_gen_str(g, c->f[i].name);
		json_gen_str(g, "count");
		yajl_gen_integer(g, (long long)c->f[i].count);
		json_gen_str(g, "pid");
		yajl_gen_integer(g, c->f[i].pid);
		json_gen_str(g, "comm");
		json_gen_str(g, c->f[i].comm);
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);
	yajl_gen_map_close(g);
	return learn_json_text(g);
}
