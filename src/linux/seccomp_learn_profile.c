/* What learning recorded, as a set, and the learned profile: an OCI linux.seccomp object in
 * the shape Docker's default profile has (so Docker, Podman and Kubernetes read it too),
 * written deterministically and merged with the file of earlier runs. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yajl/yajl_gen.h>

#include "ward/cleanup.h"
#include "ward/json_gen.h"
#include "ward/seccomp_learn.h"
#include "ward/spec.h"
#include "ward/util.h"

#define PROFILE_MAX_BYTES (1 << 20)
#define ENOSYS_ERRNO	  38 /* ENOSYS on every architecture ward builds for */
#define EPERM_ERRNO	  1

/* The calls whose arguments the profile conditions, with the set and the argument each one
 * records. */
enum conditioned { C_CLONE, C_UNSHARE, C_SETNS, C_PERSONALITY, C_COUNT };
static const struct {
	const char *name;
	unsigned arg;  /* the argument compared */
	uint64_t mask; /* SCMP_CMP_MASKED_EQ's mask; 0: SCMP_CMP_EQ */
} conditions[C_COUNT] = {
	[C_CLONE] = {"clone", 0, LEARN_CLONE_NS_MASK},
	[C_UNSHARE] = {"unshare", 0, LEARN_UNSHARE_NS_MASK},
	[C_SETNS] = {"setns", 1, 0},
	[C_PERSONALITY] = {"personality", 0, 0},
};

static struct learn_values *values_of(struct learn_set *s, enum conditioned c)
{
	struct learn_values *v[C_COUNT] = {&s->clone_ns, &s->unshare_ns, &s->setns_type,
					   &s->personality};
	return v[c];
}

static const struct learn_values *cvalues_of(const struct learn_set *s, enum conditioned c)
{
	return values_of((struct learn_set *)(uintptr_t)s, c);
}

static int conditioned_of(const char *name)
{
	for (int c = 0; c < C_COUNT; c++)
		if (strcmp(conditions[c].name, name) == 0)
			return c;
	return -1;
}

/* 1: added, 0: already there, -1: ENOMEM. */
static int values_add(struct learn_values *v, uint64_t x)
{
	size_t lo = 0, hi = v->n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (v->v[mid] == x)
			return 0;
		if (v->v[mid] < x)
			lo = mid + 1;
		else
			hi = mid;
	}
	uint64_t *n = realloc(v->v, (v->n + 1) * sizeof *n);
	if (!n)
		return -1;
	memmove(n + lo + 1, n + lo, (v->n - lo) * sizeof *n);
	n[lo] = x;
	v->v = n;
	v->n++;
	return 1;
}

static int names_add(struct learn_set *s, const char *name)
{
	size_t lo = 0, hi = s->n_names;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(s->names[mid], name);
		if (c == 0)
			return 0;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	char *copy = strdup(name);
	char **n = copy ? realloc(s->names, (s->n_names + 1) * sizeof *n) : NULL;
	if (!n) {
		free(copy);
		return -1;
	}
	memmove(n + lo + 1, n + lo, (s->n_names - lo) * sizeof *n);
	n[lo] = copy;
	s->names = n;
	s->n_names++;
	return 1;
}

void learn_set_clear(struct learn_set *s)
{
	for (size_t i = 0; i < s->n_names; i++)
		free(s->names[i]);
	free(s->names);
	for (int c = 0; c < C_COUNT; c++)
		free(values_of(s, c)->v);
	memset(s, 0, sizeof *s);
}

int learn_set_add(struct learn_set *s, const char *name, uint64_t arg0, uint64_t arg1)
{
	/* clone3's flags are in memory a filter cannot read: the profile answers it ENOSYS, as
	 * Docker's does, and libc falls back to clone, whose flags it checks. What clone3 did
	 * while learning (threads, processes) is what clone without namespaces does. */
	if (strcmp(name, "clone3") == 0)
		return values_add(&s->clone_ns, 0);
	int c = conditioned_of(name);
	if (c < 0)
		return names_add(s, name);
	uint64_t x = conditions[c].arg == 0 ? arg0 : arg1;
	if (conditions[c].mask)
		x &= conditions[c].mask;
	return values_add(values_of(s, c), x);
}

size_t learn_record_line(const char *name, uint64_t arg0, uint64_t arg1, char *buf, size_t len)
{
	int c = strcmp(name, "clone3") == 0 ? C_CLONE : conditioned_of(name);
	int n;

	if (c < 0) {
		n = snprintf(buf, len, "syscall %s\n", name);
	} else {
		uint64_t x = strcmp(name, "clone3") == 0 ? 0 : conditions[c].arg == 0 ? arg0 : arg1;
		if (conditions[c].mask)
			x &= conditions[c].mask;
		n = snprintf(buf, len, "%s 0x%" PRIx64 "\n", conditions[c].name, x);
	}
	return n > 0 && (size_t)n < len ? (size_t)n : 0;
}

int learn_set_add_line(struct learn_set *s, const char *line)
{
	char word[32], arg[64];
	char *end;

	if (sscanf(line, "%31s %63s", word, arg) != 2) {
		errno = EINVAL;
		return -1;
	}
	if (strcmp(word, "syscall") == 0) {
		if (conditioned_of(arg) >= 0 || strcmp(arg, "clone3") == 0) {
			errno = EINVAL;
			return -1;
		}
		return names_add(s, arg);
	}
	int c = conditioned_of(word);
	errno = 0;
	uint64_t x = strtoull(arg, &end, 16);
	if (c < 0 || errno || *end || strncmp(arg, "0x", 2) != 0) {
		errno = EINVAL;
		return -1;
	}
	return values_add(values_of(s, c), x);
}

/* Adds one record file's lines; a line cut short by a crash (no newline) is ignored. */
static int add_record(void *ctx, const char *name, char *buf, size_t len, struct ward_error *err)
{
	struct learn_set *s = ctx;

	for (char *line = buf, *nl; (nl = memchr(line, '\n', len - (size_t)(line - buf)));
	     line = nl + 1) {
		*nl = '\0';
		if (learn_set_add_line(s, line) < 0)
			return ward_fail(err, errno == ENOMEM ? ENOMEM : EINVAL,
					 "seccomp learning: %s: \"%.64s\" is not a record line",
					 name, line);
	}
	return 0;
}

static int read_record(int dirfd, const char *name, learn_record_fn *fn, void *ctx,
		       struct ward_error *err)
{
	cleanup_close int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	cleanup_free char *buf = NULL;
	size_t len;

	if (fd < 0)
		return ward_fail(err, errno, "seccomp: open the record %s", name);
	if (read_fd_limited(fd, 16 << 20, &buf, &len, err) < 0)
		return ward_error_prefix(err, "seccomp: the record %s", name);
	return fn(ctx, name, buf, len, err);
}

int learn_read_records(int dirfd, const char *prefix, learn_record_fn *fn, void *ctx,
		       struct ward_error *err)
{
	int fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	cleanup_dir DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	const struct dirent *e;

	if (!d) {
		if (fd >= 0)
			close(fd);
		return ward_fail(err, errno, "seccomp: read the state directory");
	}
	while ((e = readdir(d)) != NULL)
		if (strncmp(e->d_name, prefix, strlen(prefix)) == 0 &&
		    read_record(dirfd, e->d_name, fn, ctx, err) < 0)
			return -1;
	return 0;
}

int learn_set_read_records(struct learn_set *s, int dirfd, struct ward_error *err)
{
	return learn_read_records(dirfd, LEARN_RECORD_PREFIX, add_record, s, err);
}

/* ---- the profile ---- */

static void gen_architectures(yajl_gen g)
{
#if defined(__x86_64__)
	static const char *const arches[] = {"SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"};
#elif defined(__aarch64__)
	static const char *const arches[] = {"SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM"};
#endif
	json_gen_str(g, "architectures");
	yajl_gen_array_open(g);
	for (size_t i = 0; i < ARRAY_SIZE(arches); i++)
		json_gen_str(g, arches[i]);
	yajl_gen_array_close(g);
}

static void gen_conditioned_rule(yajl_gen g, enum conditioned c, uint64_t x)
{
	bool masked = conditions[c].mask != 0;

	yajl_gen_map_open(g);
	json_gen_str(g, "names");
	yajl_gen_array_open(g);
	json_gen_str(g, conditions[c].name);
	yajl_gen_array_close(g);
	json_gen_str(g, "action");
	json_gen_str(g, "SCMP_ACT_ALLOW");
	json_gen_str(g, "args");
	yajl_gen_array_open(g);
	yajl_gen_map_open(g);
	json_gen_str(g, "index");
	yajl_gen_integer(g, conditions[c].arg);
	/* MASKED_EQ: (arg & value) == valueTwo, as Docker's profile writes it. yajl writes
	 * signed integers: a 64-bit value above INT64_MAX goes as a number literal. */
	char num[24];
	snprintf(num, sizeof num, "%" PRIu64, masked ? conditions[c].mask : x);
	json_gen_str(g, "value");
	yajl_gen_number(g, num, strlen(num));
	snprintf(num, sizeof num, "%" PRIu64, masked ? x : 0);
	json_gen_str(g, "valueTwo");
	yajl_gen_number(g, num, strlen(num));
	json_gen_str(g, "op");
	json_gen_str(g, masked ? "SCMP_CMP_MASKED_EQ" : "SCMP_CMP_EQ");
	yajl_gen_map_close(g);
	yajl_gen_array_close(g);
	yajl_gen_map_close(g);
}

static void gen_rules(yajl_gen g, const struct learn_set *s)
{
	json_gen_str(g, "syscalls");
	yajl_gen_array_open(g);
	if (s->n_names) {
		yajl_gen_map_open(g);
		json_gen_str(g, "names");
		yajl_gen_array_open(g);
		for (size_t i = 0; i < s->n_names; i++)
			json_gen_str(g, s->names[i]);
		yajl_gen_array_close(g);
		json_gen_str(g, "action");
		json_gen_str(g, "SCMP_ACT_ALLOW");
		yajl_gen_map_close(g);
	}
	for (int c = 0; c < C_COUNT; c++)
		for (size_t i = 0; i < cvalues_of(s, c)->n; i++)
			gen_conditioned_rule(g, c, cvalues_of(s, c)->v[i]);
	/* Always: under the deny default clone3 would fail with EPERM, on which libc does not
	 * fall back to clone. */
	yajl_gen_map_open(g);
	json_gen_str(g, "names");
	yajl_gen_array_open(g);
	json_gen_str(g, "clone3");
	yajl_gen_array_close(g);
	json_gen_str(g, "action");
	json_gen_str(g, "SCMP_ACT_ERRNO");
	json_gen_str(g, "errnoRet");
	yajl_gen_integer(g, ENOSYS_ERRNO);
	yajl_gen_map_close(g);
	yajl_gen_array_close(g);
}

yajl_gen learn_json_gen(void)
{
	yajl_gen g = yajl_gen_alloc(NULL);

	if (g) {
		yajl_gen_config(g, yajl_gen_beautify, 1);
		yajl_gen_config(g, yajl_gen_indent_string, "  ");
	}
	return g;
}

char *learn_json_text(yajl_gen g)
{
	const unsigned char *buf;
	size_t len;

	if (yajl_gen_get_buf(g, &buf, &len) != yajl_gen_status_ok)
		return NULL;
	char *out = malloc(len + 2);
	if (!out)
		return NULL;
	memcpy(out, buf, len);
	/* A file that ends its last line. */
	if (len == 0 || buf[len - 1] != '\n')
		out[len++] = '\n';
	out[len] = '\0';
	return out;
}

char *learn_profile_json(const struct learn_set *s)
{
	cleanup_json_gen yajl_gen g = learn_json_gen();

	if (!g)
		return NULL;
	yajl_gen_map_open(g);
	json_gen_str(g, "defaultAction");
	json_gen_str(g, "SCMP_ACT_ERRNO");
	json_gen_str(g, "defaultErrnoRet");
	yajl_gen_integer(g, EPERM_ERRNO);
	gen_architectures(g);
	gen_rules(g, s);
	yajl_gen_map_close(g);
	return learn_json_text(g);
}

/* ---- reading a learned profile back ---- */

static bool is_action(const struct ward_seccomp_rule *r, const char *action)
{
	return r->action && strcmp(r->action, action) == 0;
}

/* A rule learn_profile_json() writes for a conditioned call: its value is added. */
static bool read_conditioned(struct learn_set *s, const struct ward_seccomp_rule *r, int *added)
{
	int c = conditioned_of(r->names[0]);
	if (c < 0 || r->names[1] || !is_action(r, "SCMP_ACT_ALLOW") || r->n_args != 1)
		return false;
	const struct ward_seccomp_arg *a = &r->args[0];
	bool masked = conditions[c].mask != 0;
	if (a->index != conditions[c].arg ||
	    strcmp(a->op, masked ? "SCMP_CMP_MASKED_EQ" : "SCMP_CMP_EQ") != 0 ||
	    (masked && (a->value != conditions[c].mask || (a->value_two & ~conditions[c].mask))))
		return false;
	*added = values_add(values_of(s, c), masked ? a->value_two : a->value);
	return true;
}

static bool read_names(struct learn_set *s, const struct ward_seccomp_rule *r, int *added)
{
	if (!is_action(r, "SCMP_ACT_ALLOW") || r->n_args)
		return false;
	for (size_t i = 0; r->names[i]; i++)
		if (conditioned_of(r->names[i]) >= 0 || strcmp(r->names[i], "clone3") == 0)
			return false;
	for (size_t i = 0; r->names[i] && *added >= 0; i++)
		*added = names_add(s, r->names[i]);
	return true;
}

static bool is_clone3_rule(const struct ward_seccomp_rule *r)
{
	return strcmp(r->names[0], "clone3") == 0 && !r->names[1] &&
	       is_action(r, "SCMP_ACT_ERRNO") && r->has_errno_ret && r->errno_ret == ENOSYS_ERRNO &&
	       !r->n_args;
}

static bool plain_rule(const struct ward_seccomp_rule *r)
{
	return !r->includes_caps && !r->excludes_caps &&
	       !(r->includes_arches && r->includes_arches[0]) &&
	       !(r->excludes_arches && r->excludes_arches[0]);
}

int learn_set_read_profile(struct learn_set *s, const char *json, size_t len, const char *what,
			   struct ward_error *err)
{
	struct ward_seccomp *sc = spec_parse_seccomp(json, len, what, err);
	int rc = -1;

	if (!sc)
		return -1;
	if (strcmp(sc->default_action, "SCMP_ACT_ERRNO") != 0 || sc->listener_path ||
	    (sc->flags && sc->flags[0])) {
		ward_fail(err, 0,
			  "%s: not a profile ward learned (its default is not SCMP_ACT_ERRNO, or "
			  "it has flags or a listener); give a file ward wrote, or a new path",
			  what);
		goto out;
	}
	for (size_t i = 0; i < sc->n_rules; i++) {
		const struct ward_seccomp_rule *r = &sc->rules[i];
		int added = 0;
		if (!plain_rule(r) || !(is_clone3_rule(r) || read_conditioned(s, r, &added) ||
					read_names(s, r, &added))) {
			ward_fail(err, 0,
				  "%s: syscalls[%zu] is not a rule ward writes (the file is merged "
				  "with what this run learned): give a file ward wrote, or a new "
				  "path",
				  what, i);
			goto out;
		}
		if (added < 0) {
			ward_fail(err, ENOMEM, "%s", what);
			goto out;
		}
	}
	rc = 0;
out:
	spec_seccomp_free(sc);
	return rc;
}

/* Opens the directory of path (for an atomic replacement) and gives its last component. */
static int open_parent(const char *path, const char **base, struct ward_error *err)
{
	const char *slash = strrchr(path, '/');
	cleanup_free char *dir = NULL;
	int fd;

	*base = slash ? slash + 1 : path;
	if (!**base)
		return ward_fail(err, EINVAL, "--seccomp-learn %s: names a directory", path);
	dir = slash ? strndup(path, slash == path ? 1 : (size_t)(slash - path)) : strdup(".");
	if (!dir)
		return ward_fail(err, ENOMEM, "--seccomp-learn");
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return ward_fail(err, errno, "--seccomp-learn %s: open its directory %s", path,
				 dir);
	return fd;
}

int learn_profile_merge_into(const struct learn_set *learned, const char *path,
			     struct ward_error *err)
{
	struct learn_set merged = {0};
	cleanup_close int dirfd = -1;
	cleanup_close int fd = -1;
	cleanup_free char *old = NULL;
	cleanup_free char *json = NULL;
	char what[512];
	const char *base;
	size_t len;
	int rc = -1;

	snprintf(what, sizeof what, "--seccomp-learn %s", path);
	dirfd = open_parent(path, &base, err);
	if (dirfd < 0)
		return -1;
	fd = openat(dirfd, base, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 && errno != ENOENT)
		return ward_fail(err, errno, "%s: open", what);
	if (fd >= 0 && (read_fd_limited(fd, PROFILE_MAX_BYTES, &old, &len, err) < 0 ||
			learn_set_read_profile(&merged, old, len, what, err) < 0))
		goto out;
	for (size_t i = 0; i < learned->n_names; i++)
		if (names_add(&merged, learned->names[i]) < 0)
			goto nomem;
	for (int c = 0; c < C_COUNT; c++)
		for (size_t i = 0; i < cvalues_of(learned, c)->n; i++)
			if (values_add(values_of(&merged, c), cvalues_of(learned, c)->v[i]) < 0)
				goto nomem;
	json = learn_profile_json(&merged);
	if (!json)
		goto nomem;
	rc = write_file_atomic(dirfd, base, json, strlen(json), 0644, err);
	if (rc < 0)
		ward_error_prefix(err, "--seccomp-learn");
	goto out;
nomem:
	ward_fail(err, ENOMEM, "%s", what);
out:
	learn_set_clear(&merged);
	return rc;
}
