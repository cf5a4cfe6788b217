/* A bounded JSON reader: bytes in, an immutable tree (in one arena) or an error out.
 * Built on yajl's event parser so that nesting depth, value count and input size are
 * capped before any memory is spent on them: hostile input cannot exhaust memory or stack. */
#ifndef WARD_JSON_H
#define WARD_JSON_H

#include <stdbool.h>
#include <stddef.h>

#include "ward/error.h"

#define JSON_MAX_DEPTH	64
#define JSON_MAX_VALUES (1u << 20)
#define JSON_MAX_BYTES	(16u << 20)

enum json_type { JSON_NULL, JSON_BOOL, JSON_NUMBER, JSON_STRING, JSON_ARRAY, JSON_OBJECT };

struct json_node {
	enum json_type type;
	bool boolean;
	/* JSON_STRING: the decoded bytes; JSON_NUMBER: the literal as written. NUL-terminated,
	 * but a string may also contain NUL bytes: len is authoritative. */
	const char *str;
	size_t len;
	const char *key; /* the member name when this node is inside an object */
	size_t key_len;
	struct json_node *next;		/* next sibling in the parent container */
	struct json_node *first, *last; /* children of an array or object */
	size_t count;
};

struct json_doc;

/* Parses buf[0..len). On error returns NULL and fills err with the line and column. */
struct json_doc *json_parse(const char *buf, size_t len, struct ward_error *err);
const struct json_node *json_root(const struct json_doc *doc);
void json_free(struct json_doc *doc);
static inline void json_freep(struct json_doc **doc)
{
	json_free(*doc);
}
#define cleanup_json __attribute__((cleanup(json_freep)))

/* The last member named key (JSON allows duplicates; the last one wins, as in Go). JSON null
 * counts as absent. */
const struct json_node *json_get(const struct json_node *obj, const char *key);

const char *json_type_name(enum json_type t);

#define json_foreach(child, parent) for (child = (parent)->first; child; child = child->next)

#endif
