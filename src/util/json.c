#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_parse.h>

#include "ward/cleanup.h"
#include "ward/json.h"

/* Arena: nodes and strings of one document live in a few large blocks. */
struct arena_block {
	struct arena_block *next;
	size_t used, size;
	char data[];
};

struct json_doc {
	struct arena_block *blocks;
	struct json_node *root;
};

struct builder {
	struct json_doc *doc;
	struct json_node *stack[JSON_MAX_DEPTH + 1];
	size_t depth;
	size_t values;
	const char *pending_key;
	size_t pending_key_len;
	const char *limit_error; /* set when we cancelled the parse ourselves */
};

static void *arena_alloc(struct json_doc *doc, size_t n)
{
	struct arena_block *b = doc->blocks;

	n = (n + 15) & ~(size_t)15;
	if (!b || b->size - b->used < n) {
		size_t size = n > 60000 ? n : 60000;
		b = malloc(sizeof *b + size);
		if (!b)
			return NULL;
		b->size = size;
		b->used = 0;
		b->next = doc->blocks;
		doc->blocks = b;
	}
	void *p = b->data + b->used;
	b->used += n;
	return p;
}

static char *arena_strndup(struct json_doc *doc, const unsigned char *s, size_t len)
{
	char *p = arena_alloc(doc, len + 1);
	if (!p)
		return NULL;
	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

static struct json_node *add_node(struct builder *b, enum json_type type)
{
	struct json_node *n;

	if (++b->values > JSON_MAX_VALUES) {
		b->limit_error = "too many values (the limit is 1048576)";
		return NULL;
	}
	n = arena_alloc(b->doc, sizeof *n);
	if (!n) {
		b->limit_error = "out of memory";
		return NULL;
	}
	memset(n, 0, sizeof *n);
	n->type = type;
	if (b->depth == 0) {
		b->doc->root = n;
	} else {
		struct json_node *parent = b->stack[b->depth - 1];
		if (parent->type == JSON_OBJECT) {
			n->key = b->pending_key;
			n->key_len = b->pending_key_len;
		}
		if (parent->last)
			parent->last->next = n;
		else
			parent->first = n;
		parent->last = n;
		parent->count++;
	}
	return n;
}

static int on_null(void *ctx)
{
	return add_node(ctx, JSON_NULL) != NULL;
}

static int on_boolean(void *ctx, int v)
{
	struct json_node *n = add_node(ctx, JSON_BOOL);
	if (!n)
		return 0;
	n->boolean = v != 0;
	return 1;
}

static int on_number(void *ctx, const char *s, size_t len)
{
	struct builder *b = ctx;
	struct json_node *n = add_node(b, JSON_NUMBER);
	if (!n)
		return 0;
	n->str = arena_strndup(b->doc, (const unsigned char *)s, len);
	n->len = len;
	return n->str != NULL;
}

static int on_string(void *ctx, const unsigned char *s, size_t len)
{
	struct builder *b = ctx;
	struct json_node *n = add_node(b, JSON_STRING);
	if (!n)
		return 0;
	n->str = arena_strndup(b->doc, s, len);
	n->len = len;
	return n->str != NULL;
}

static int open_container(struct builder *b, enum json_type type)
{
	struct json_node *n;

	if (b->depth >= JSON_MAX_DEPTH) {
		b->limit_error = "nested too deeply (the limit is 64 levels)";
		return 0;
	}
	n = add_node(b, type);
	if (!n)
		return 0;
	b->stack[b->depth++] = n;
	return 1;
}

static int on_start_map(void *ctx)
{
	return open_container(ctx, JSON_OBJECT);
}

static int on_start_array(void *ctx)
{
	return open_container(ctx, JSON_ARRAY);
}

static int on_end(void *ctx)
{
	struct builder *b = ctx;
	b->depth--;
	return 1;
}

static int on_map_key(void *ctx, const unsigned char *s, size_t len)
{
	struct builder *b = ctx;
	b->pending_key = arena_strndup(b->doc, s, len);
	b->pending_key_len = len;
	return b->pending_key != NULL;
}

static const yajl_callbacks callbacks = {
	.yajl_null = on_null,
	.yajl_boolean = on_boolean,
	.yajl_number = on_number,
	.yajl_string = on_string,
	.yajl_start_map = on_start_map,
	.yajl_map_key = on_map_key,
	.yajl_end_map = on_end,
	.yajl_start_array = on_start_array,
	.yajl_end_array = on_end,
};

static void locate(const char *buf, size_t offset, size_t *line, size_t *col)
{
	*line = 1;
	*col = 1;
	for (size_t i = 0; i < offset; i++) {
		if (buf[i] == '\n') {
			(*line)++;
			*col = 1;
		} else {
			(*col)++;
		}
	}
}

/* yajl's messages are multi-line with a context excerpt; keep the first line. */
static void first_line(char *s)
{
	char *nl = strchr(s, '\n');
	if (nl)
		*nl = '\0';
	size_t n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '.'))
		s[--n] = '\0';
}

struct json_doc *json_parse(const char *buf, size_t len, struct ward_error *err)
{
	struct builder b = {0};
	yajl_handle h;
	yajl_status st;

	if (len > JSON_MAX_BYTES) {
		ward_fail(err, 0, "file is %zu bytes, larger than the %u MiB limit", len,
			  JSON_MAX_BYTES >> 20);
		return NULL;
	}
	b.doc = calloc(1, sizeof *b.doc);
	if (!b.doc) {
		ward_fail(err, ENOMEM, "parse JSON");
		return NULL;
	}
	h = yajl_alloc(&callbacks, NULL, &b);
	if (!h) {
		json_free(b.doc);
		ward_fail(err, ENOMEM, "parse JSON");
		return NULL;
	}
	yajl_config(h, yajl_allow_comments, 0);
	bool at_end = false;
	st = yajl_parse(h, (const unsigned char *)buf, len);
	if (st == yajl_status_ok) {
		st = yajl_complete_parse(h);
		at_end = true; /* yajl counts bytes per call: this one consumed none */
	}
	if (st != yajl_status_ok) {
		size_t line, col, off = at_end ? len : yajl_get_bytes_consumed(h);
		if (off > len)
			off = len;
		/* We cancel from a callback after yajl consumed the byte that went over a limit:
		 * point at that byte. */
		if (b.limit_error && off > 0)
			off--;
		locate(buf, off, &line, &col);
		if (b.limit_error) {
			ward_fail(err, 0, "invalid JSON at line %zu, column %zu: %s", line, col,
				  b.limit_error);
		} else {
			unsigned char *m = yajl_get_error(h, 0, (const unsigned char *)buf, len);
			char msg[256];
			snprintf(msg, sizeof msg, "%s", m ? (const char *)m : "parse error");
			if (m)
				yajl_free_error(h, m);
			first_line(msg);
			ward_fail(err, 0, "invalid JSON at line %zu, column %zu: %s", line, col,
				  msg);
		}
		yajl_free(h);
		json_free(b.doc);
		return NULL;
	}
	yajl_free(h);
	if (!b.doc->root) {
		json_free(b.doc);
		ward_fail(err, 0, "invalid JSON: the input is empty");
		return NULL;
	}
	return b.doc;
}

const struct json_node *json_root(const struct json_doc *doc)
{
	return doc->root;
}

void json_free(struct json_doc *doc)
{
	if (!doc)
		return;
	struct arena_block *b = doc->blocks;
	while (b) {
		struct arena_block *next = b->next;
		free(b);
		b = next;
	}
	free(doc);
}

const struct json_node *json_get(const struct json_node *obj, const char *key)
{
	const struct json_node *found = NULL, *c;
	size_t klen = strlen(key);

	if (!obj || obj->type != JSON_OBJECT)
		return NULL;
	json_foreach(c, obj)
	{
		if (c->key_len == klen && memcmp(c->key, key, klen) == 0)
			found = c;
	}
	if (found && found->type == JSON_NULL)
		return NULL;
	return found;
}

const char *json_type_name(enum json_type t)
{
	switch (t) {
	case JSON_NULL:
		return "null";
	case JSON_BOOL:
		return "a boolean";
	case JSON_NUMBER:
		return "a number";
	case JSON_STRING:
		return "a string";
	case JSON_ARRAY:
		return "an array";
	case JSON_OBJECT:
		return "an object";
	}
	return "a value";
}
