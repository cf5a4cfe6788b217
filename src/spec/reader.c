#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ward/cleanup.h"
#include "reader.h"

void rd_init(struct reader *r, const char *origin, struct ward_error *err)
{
	r->err = err;
	r->origin = origin;
	r->path[0] = '\0';
	r->len = 0;
}

static void rd_append(struct reader *r, const char *s, size_t n)
{
	if (r->len + n >= sizeof r->path) {
		n = sizeof r->path - 1 - r->len;
	}
	memcpy(r->path + r->len, s, n);
	r->len += n;
	r->path[r->len] = '\0';
}

size_t rd_push_key(struct reader *r, const char *key)
{
	size_t saved = r->len;
	size_t n = strlen(key);

	if (r->len > 0)
		rd_append(r, ".", 1);
	/* Keys come from the document: keep paths readable when one is huge. */
	if (n > 64) {
		rd_append(r, key, 60);
		rd_append(r, "...", 3);
	} else {
		rd_append(r, key, n);
	}
	return saved;
}

size_t rd_push_index(struct reader *r, size_t index)
{
	size_t saved = r->len;
	char buf[32];
	int n = snprintf(buf, sizeof buf, "[%zu]", index);
	rd_append(r, buf, (size_t)n);
	return saved;
}

void rd_pop(struct reader *r, size_t saved)
{
	r->len = saved;
	r->path[saved] = '\0';
}

int rd_error(struct reader *r, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (r->len > 0)
		return ward_fail(r->err, 0, "%s: %s: %s", r->origin, r->path, msg);
	return ward_fail(r->err, 0, "%s: %s", r->origin, msg);
}

int rd_nomem(struct reader *r)
{
	return ward_fail(r->err, ENOMEM, "%s: %s", r->origin, r->len ? r->path : "reading");
}

/* A short, printable rendering of a value for "got ..." in messages. */
static void describe(const struct json_node *n, char *buf, size_t size)
{
	size_t o = 0;

	switch (n->type) {
	case JSON_NULL:
		snprintf(buf, size, "null");
		return;
	case JSON_BOOL:
		snprintf(buf, size, "%s", n->boolean ? "true" : "false");
		return;
	case JSON_ARRAY:
	case JSON_OBJECT:
		snprintf(buf, size, "%s", json_type_name(n->type));
		return;
	case JSON_NUMBER:
	case JSON_STRING:
		break;
	}
	if (n->type == JSON_STRING)
		buf[o++] = '"';
	for (size_t i = 0; i < n->len && o + 8 < size; i++) {
		unsigned char c = (unsigned char)n->str[i];
		if (i >= 40) {
			o += (size_t)snprintf(buf + o, size - o, "...");
			break;
		}
		if (c == '"' || c == '\\')
			o += (size_t)snprintf(buf + o, size - o, "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			o += (size_t)snprintf(buf + o, size - o, "\\x%02x", c);
		else
			buf[o++] = (char)c;
	}
	if (n->type == JSON_STRING)
		buf[o++] = '"';
	buf[o] = '\0';
}

int rd_expected(struct reader *r, const struct json_node *n, const char *what)
{
	char got[128];
	describe(n, got, sizeof got);
	return rd_error(r, "expected %s, got %s", what, got);
}

void *rd_calloc(struct reader *r, size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);
	if (!p)
		rd_nomem(r);
	return p;
}

int rd_node_string(struct reader *r, const struct json_node *n, char **out)
{
	char *s;

	if (n->type != JSON_STRING)
		return rd_expected(r, n, "a string");
	if (memchr(n->str, '\0', n->len))
		return rd_error(r, "string contains a NUL byte");
	s = strdup(n->str);
	if (!s)
		return rd_nomem(r);
	free(*out);
	*out = s;
	return 0;
}

/* Parses an integer literal strictly: no fraction, no exponent. */
static int parse_integer(const struct json_node *n, bool *negative, uint64_t *magnitude)
{
	const char *s = n->str;
	uint64_t v = 0;

	*negative = false;
	if (*s == '-') {
		*negative = true;
		s++;
	}
	if (!*s)
		return -EINVAL;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -EINVAL;
		unsigned d = (unsigned)(*s - '0');
		if (v > (UINT64_MAX - d) / 10)
			return -ERANGE;
		v = v * 10 + d;
	}
	*magnitude = v;
	return 0;
}

/* The sign and magnitude of integer literal n: -1 (reported, naming `what`) when n is no
 * integer; -ERANGE (not reported) when the magnitude does not fit 64 bits. */
static int integer_literal(struct reader *r, const struct json_node *n, const char *what,
			   bool *negative, uint64_t *magnitude)
{
	int rc;

	if (n->type != JSON_NUMBER)
		return rd_expected(r, n, what);
	rc = parse_integer(n, negative, magnitude);
	if (rc == -EINVAL)
		return rd_expected(r, n, what);
	return rc;
}

static int out_of_range(struct reader *r, const struct json_node *n, const char *what)
{
	char got[128];

	describe(n, got, sizeof got);
	return rd_error(r, "expected %s, got %s (out of range)", what, got);
}

static int read_unsigned(struct reader *r, const struct json_node *n, uint64_t max,
			 const char *what, uint64_t *out)
{
	bool neg;
	uint64_t v = 0;
	int rc = integer_literal(r, n, what, &neg, &v);

	if (rc == -1)
		return -1;
	if (rc == -ERANGE || (neg && v != 0) || v > max)
		return out_of_range(r, n, what);
	*out = v;
	return 0;
}

static int read_signed(struct reader *r, const struct json_node *n, int64_t min, int64_t max,
		       const char *what, int64_t *out)
{
	bool neg;
	uint64_t v = 0;
	int rc = integer_literal(r, n, what, &neg, &v);

	if (rc == -1)
		return -1;
	if (rc == 0 && !neg && v <= (uint64_t)max) {
		*out = (int64_t)v;
		return 0;
	}
	if (rc == 0 && neg && v <= (uint64_t)INT64_MAX + 1) {
		int64_t s = v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v;
		if (s >= min) {
			*out = s;
			return 0;
		}
	}
	return out_of_range(r, n, what);
}

int rd_node_u32(struct reader *r, const struct json_node *n, uint32_t *out)
{
	uint64_t v;
	if (read_unsigned(r, n, UINT32_MAX, "an unsigned 32-bit integer", &v) < 0)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

int rd_node_i64(struct reader *r, const struct json_node *n, int64_t *out)
{
	return read_signed(r, n, INT64_MIN, INT64_MAX, "a 64-bit integer", out);
}

static int node_object(struct reader *r, const struct json_node *n)
{
	if (n->type != JSON_OBJECT)
		return rd_expected(r, n, "an object");
	return 0;
}

static int node_array(struct reader *r, const struct json_node *n)
{
	if (n->type != JSON_ARRAY)
		return rd_expected(r, n, "an array");
	return 0;
}

int rd_node_strv(struct reader *r, const struct json_node *n, char ***out)
{
	const struct json_node *c;
	char **v;
	size_t i = 0;

	if (node_array(r, n) < 0)
		return -1;
	v = rd_calloc(r, n->count + 1, sizeof *v);
	if (!v)
		return -1;
	json_foreach(c, n)
	{
		size_t saved = rd_push_index(r, i);
		if (rd_node_string(r, c, &v[i]) < 0) {
			strv_free(v);
			return -1;
		}
		rd_pop(r, saved);
		i++;
	}
	strv_free(*out);
	*out = v;
	return 0;
}

static int node_bool(struct reader *r, const struct json_node *n, bool *out)
{
	if (n->type != JSON_BOOL)
		return rd_expected(r, n, "a boolean");
	*out = n->boolean;
	return 0;
}

struct member_ref {
	const struct json_node *node;
	size_t pos;
};

static int same_key(const struct json_node *a, const struct json_node *b)
{
	return a->key_len == b->key_len && memcmp(a->key, b->key, a->key_len) == 0;
}

static int cmp_member(const void *pa, const void *pb)
{
	const struct member_ref *a = pa, *b = pb;
	size_t n = a->node->key_len < b->node->key_len ? a->node->key_len : b->node->key_len;
	int c = memcmp(a->node->key, b->node->key, n);

	if (c)
		return c;
	if (a->node->key_len != b->node->key_len)
		return a->node->key_len < b->node->key_len ? -1 : 1;
	return a->pos < b->pos ? -1 : a->pos > b->pos;
}

/* Sorting (rather than a json_get per member) keeps this O(n log n) on hostile objects with a
 * million members. */
const struct json_node **rd_members(struct reader *r, const struct json_node *n, size_t *count)
{
	cleanup_free struct member_ref *refs = rd_calloc(r, n->count, sizeof *refs);
	cleanup_free bool *keep = rd_calloc(r, n->count, sizeof *keep);
	const struct json_node **out = rd_calloc(r, n->count + 1, sizeof *out);
	const struct json_node *c;
	size_t i = 0, o = 0;

	if (!refs || !keep || !out) {
		free(out);
		return NULL;
	}
	json_foreach(c, n)
	{
		refs[i].node = c;
		refs[i].pos = i;
		i++;
	}
	qsort(refs, n->count, sizeof *refs, cmp_member);
	for (i = 0; i < n->count; i++) {
		bool last = i + 1 == n->count || !same_key(refs[i].node, refs[i + 1].node);
		keep[refs[i].pos] = last && refs[i].node->type != JSON_NULL;
	}
	i = 0;
	json_foreach(c, n)
	{
		if (keep[i++])
			out[o++] = c;
	}
	*count = o;
	return out;
}

void kv_free(struct ward_kv *kv, size_t n)
{
	if (!kv)
		return;
	for (size_t i = 0; i < n; i++) {
		free(kv[i].key);
		free(kv[i].value);
	}
	free(kv);
}

static int node_string_map(struct reader *r, const struct json_node *n, struct ward_kv **out,
			   size_t *count)
{
	cleanup_free const struct json_node **members = NULL;
	struct ward_kv *kv;
	size_t i = 0, n_members;

	if (node_object(r, n) < 0)
		return -1;
	members = rd_members(r, n, &n_members);
	if (!members)
		return -1;
	kv = rd_calloc(r, n_members, sizeof *kv);
	if (!kv)
		return -1;
	for (const struct json_node **m = members; *m; m++) {
		const struct json_node *c = *m;
		size_t saved = rd_push_key(r, c->key);
		if (memchr(c->key, '\0', c->key_len)) {
			kv_free(kv, i);
			return rd_error(r, "key contains a NUL byte");
		}
		kv[i].key = strdup(c->key);
		if (!kv[i].key || rd_node_string(r, c, &kv[i].value) < 0) {
			if (!kv[i].key)
				rd_nomem(r);
			kv_free(kv, i + 1);
			return -1;
		}
		rd_pop(r, saved);
		i++;
	}
	kv_free(*out, *count);
	*out = kv;
	*count = i;
	return 0;
}

/* "missing required field" unless key is present and not null. */
static int require(struct reader *r, const struct json_node *obj, const char *key)
{
	if (json_get(obj, key))
		return 0;
	size_t saved = rd_push_key(r, key);
	rd_error(r, "missing required field");
	rd_pop(r, saved);
	return -1;
}

static const struct {
	int64_t min;
	uint64_t max;
	const char *what;
} integer_types[] = {
	[RD_U64] = {0, UINT64_MAX, "an unsigned 64-bit integer"},
	[RD_I64] = {INT64_MIN, INT64_MAX, "a 64-bit integer"},
	[RD_U32] = {0, UINT32_MAX, "an unsigned 32-bit integer"},
	[RD_I32] = {INT32_MIN, INT32_MAX, "a 32-bit integer"},
	[RD_U16] = {0, UINT16_MAX, "an unsigned 16-bit integer"},
};

/* An integer member into the C type its row names, refused when out of that type's range. */
static int read_integer(struct reader *r, const struct json_node *n, enum rd_type type, void *p)
{
	int64_t min = integer_types[type].min;
	uint64_t max = integer_types[type].max;
	const char *what = integer_types[type].what;
	int64_t s;
	uint64_t u;

	if (min < 0) {
		if (read_signed(r, n, min, (int64_t)max, what, &s) < 0)
			return -1;
		if (type == RD_I64)
			*(int64_t *)p = s;
		else
			*(int32_t *)p = (int32_t)s;
		return 0;
	}
	if (read_unsigned(r, n, max, what, &u) < 0)
		return -1;
	if (type == RD_U64)
		*(uint64_t *)p = u;
	else if (type == RD_U32)
		*(uint32_t *)p = (uint32_t)u;
	else
		*(uint16_t *)p = (uint16_t)u;
	return 0;
}

/* The first pass for one member: its JSON type and, for a value, the value. */
static int read_value(struct reader *r, const struct json_node *n, void *base,
		      const struct rd_field *f)
{
	void *p = rd_at(base, f->at);

	switch (f->type) {
	case RD_STRING:
		return rd_node_string(r, n, p);
	case RD_BOOL:
		return node_bool(r, n, p);
	case RD_U64:
	case RD_I64:
	case RD_U32:
	case RD_I32:
	case RD_U16:
		return read_integer(r, n, f->type, p);
	case RD_STRV:
		return rd_node_strv(r, n, p);
	case RD_STRING_MAP:
		return node_string_map(r, n, p, rd_at(base, f->count));
	case RD_VALUE:
		return f->read(r, n, base, f);
	case RD_OBJECT:
		return node_object(r, n);
	case RD_ARRAY:
		return node_array(r, n);
	}
	return rd_error(r, "internal error: no reader for this member");
}

/* The second pass for one member: what it holds, then its check. */
static int read_content(struct reader *r, const struct json_node *n, void *base,
			const struct rd_field *f)
{
	if (f->object && rd_walk(r, n, f->object, rd_at(base, f->at)) < 0)
		return -1;
	if (f->type != RD_VALUE && f->read && f->read(r, n, base, f) < 0)
		return -1;
	if (f->check && f->check(r, base, f) < 0)
		return -1;
	return 0;
}

int rd_walk(struct reader *r, const struct json_node *n, const struct rd_object *obj, void *base)
{
	if (node_object(r, n) < 0)
		return -1;
	for (size_t i = 0; i < obj->n_fields; i++) {
		const struct rd_field *f = &obj->fields[i];
		const struct json_node *m = json_get(n, f->name);
		if (!m) {
			if ((f->flags & RD_REQUIRED) && require(r, n, f->name) < 0)
				return -1;
			continue;
		}
		size_t saved = rd_push_key(r, f->name);
		if (read_value(r, m, base, f) < 0)
			return -1;
		rd_pop(r, saved);
		if (f->has)
			*(bool *)rd_at(base, f->has - 1) = true;
	}
	for (size_t i = 0; i < obj->n_fields; i++) {
		const struct rd_field *f = &obj->fields[i];
		const struct json_node *m = json_get(n, f->name);
		if (!m)
			continue;
		size_t saved = rd_push_key(r, f->name);
		if (read_content(r, m, base, f) < 0)
			return -1;
		rd_pop(r, saved);
	}
	return obj->check ? obj->check(r, base) : 0;
}

int rd_walk_array(struct reader *r, const struct json_node *arr, const struct rd_object *obj,
		  size_t size, void *out, size_t *count)
{
	char *elems = rd_calloc(r, arr->count, size);
	const struct json_node *c;
	size_t i = 0;

	if (!elems)
		return -1;
	*(void **)out = elems;
	json_foreach(c, arr)
	{
		size_t saved = rd_push_index(r, i);
		*count = ++i;
		if (rd_walk(r, c, obj, elems + (i - 1) * size) < 0)
			return -1;
		rd_pop(r, saved);
	}
	return 0;
}

int rd_walk_map(struct reader *r, const struct json_node *n, const struct rd_map *map, void *out,
		size_t *count)
{
	cleanup_free const struct json_node **members = NULL;
	size_t n_members, i = 0;
	char *elems;

	members = rd_members(r, n, &n_members);
	if (!members)
		return -1;
	elems = rd_calloc(r, n_members, map->size);
	if (!elems)
		return -1;
	*(void **)out = elems;
	for (const struct json_node **m = members; *m; m++) {
		const struct json_node *c = *m;
		size_t saved = rd_push_key(r, c->key);
		void *elem = elems + i * map->size;
		char **key = rd_at(elem, map->key_at);
		if (memchr(c->key, '\0', c->key_len) || !map->valid_key(c->key))
			return rd_error(r, "%s", map->bad_key);
		*count = ++i;
		*key = strdup(c->key);
		if (!*key)
			return rd_nomem(r);
		if (rd_walk(r, c, map->object, elem) < 0)
			return -1;
		rd_pop(r, saved);
	}
	return 0;
}

int rd_check_absolute(struct reader *r, void *base, const struct rd_field *f)
{
	const char *path = *(char **)rd_at(base, f->at);

	if (path[0] != '/')
		return rd_error(r, "\"%.64s\" is not an absolute path", path);
	return 0;
}
