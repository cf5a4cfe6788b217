/* Typed access to a JSON tree that tracks the JSON path for error messages
 * ("config.json: linux.uidMappings[1].size: expected ..."). Private to src/spec/. */
#ifndef WARD_SPEC_READER_H
#define WARD_SPEC_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ward/error.h"
#include "ward/json.h"
#include "ward/spec.h"

struct reader {
	struct ward_error *err;
	const char *origin;
	char path[1024];
	size_t len;
};

void rd_init(struct reader *r, const char *origin, struct ward_error *err);
size_t rd_push_key(struct reader *r, const char *key);
size_t rd_push_index(struct reader *r, size_t index);
void rd_pop(struct reader *r, size_t saved);

/* "origin: path: message"; returns -1. */
int rd_error(struct reader *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* "origin: path: expected <what>, got <value>"; returns -1. */
int rd_expected(struct reader *r, const struct json_node *n, const char *what);
int rd_nomem(struct reader *r);

/* Node-level readers: the path must already point at n. */
int rd_node_string(struct reader *r, const struct json_node *n, char **out);
int rd_node_i64(struct reader *r, const struct json_node *n, int64_t *out);
int rd_node_u32(struct reader *r, const struct json_node *n, uint32_t *out);
int rd_node_strv(struct reader *r, const struct json_node *n, char ***out);

/* The field tables. Each JSON object of the runtime spec is a table with one row per member
 * ward reads, and rd_walk() reads an object by its table in two passes:
 *  1. in table order, each member's presence (a missing RD_REQUIRED one is an error), JSON
 *     type and, for a value, the value itself;
 *  2. in table order again, what an object or array member holds (.object, .read) and each
 *     member's .check; then the table's own .check, which looks across members.
 * The path names the member (or, for the table's check, the object) while its reader runs, so
 * every error reads "config.json: linux.resources.memory.limit: ...". A member given more than
 * once counts once (the last, as json_get), null counts as absent, and members a table does
 * not name are ignored, as the runtime spec demands of a runtime. */
enum rd_type {
	RD_STRING,     /* char * */
	RD_BOOL,       /* bool */
	RD_U64,	       /* uint64_t */
	RD_I64,	       /* int64_t */
	RD_U32,	       /* uint32_t */
	RD_I32,	       /* int32_t */
	RD_U16,	       /* uint16_t */
	RD_STRV,       /* char **, NULL-terminated */
	RD_STRING_MAP, /* struct ward_kv *, its size_t count at .count */
	RD_VALUE,      /* anything: .read reads it in the first pass */
	RD_OBJECT,     /* an object: .object (the struct at .at) and/or .read, second pass */
	RD_ARRAY,      /* an array: .read, second pass */
};

#define RD_REQUIRED 1u

struct rd_field;
typedef int rd_read_fn(struct reader *r, const struct json_node *n, void *base,
		       const struct rd_field *f);
typedef int rd_check_fn(struct reader *r, void *base, const struct rd_field *f);

struct rd_object {
	const struct rd_field *fields;
	size_t n_fields;
	int (*check)(struct reader *r, void *base); /* across members; may be NULL */
};

struct rd_field {
	const char *name;
	enum rd_type type;
	unsigned flags;			/* RD_REQUIRED */
	size_t at;			/* offset of the value in the struct the table describes */
	size_t has;			/* RD_HAS(): a bool set when the member is there; 0: none */
	size_t count;			/* offset of the size_t count of what .at points to */
	int arg;			/* for a reader shared by rows (a hook kind, ...) */
	const struct rd_object *object; /* RD_OBJECT: the member's own table */
	rd_read_fn *read;
	rd_check_fn *check;
};

#define RD_HAS(offset) .has = (offset) + 1
#define RD_TABLE(rows, check)                                                                      \
	{                                                                                          \
		rows, sizeof(rows) / sizeof(rows)[0], check                                        \
	}

/* Reads object n by its table into base (the struct the table describes). */
int rd_walk(struct reader *r, const struct json_node *n, const struct rd_object *obj, void *base);
/* Reads array arr of objects, each by obj, into a new array of `size`-byte elements at *out;
 * *count counts the elements begun, so that the owner frees what a failure leaves. */
int rd_walk_array(struct reader *r, const struct json_node *arr, const struct rd_object *obj,
		  size_t size, void *out, size_t *count);
/* Reads object n whose members the document names (linux.netDevices, resources.rdma): each
 * member, whose name valid_key accepts, into a new element of an array at *out, its name at
 * key_at and its value read by object. */
struct rd_map {
	const struct rd_object *object;
	size_t size;   /* of an element */
	size_t key_at; /* offset of the element's char * that gets the member's name */
	bool (*valid_key)(const char *key);
	const char *bad_key; /* the error for a name valid_key refuses */
};
int rd_walk_map(struct reader *r, const struct json_node *n, const struct rd_map *map, void *out,
		size_t *count);
/* A .check: the string member is an absolute path. */
rd_check_fn rd_check_absolute;
/* The struct member at offset `at` of base. */
static inline void *rd_at(void *base, size_t at)
{
	return (char *)base + at;
}

/* The members of object n that count, in document order and NULL-terminated: of a key given
 * more than once only the last (as json_get), and none whose value is null. Free the array,
 * not its elements. NULL (with r's error set) when out of memory. */
const struct json_node **rd_members(struct reader *r, const struct json_node *n, size_t *count);

/* Allocates n zeroed elements (n may be 0: returns a valid pointer). */
void *rd_calloc(struct reader *r, size_t n, size_t size);

/* Parsers shared between the config, process.json and update --resources. */
int spec_read_process(struct reader *r, const struct json_node *n, struct ward_process *p);
int spec_read_resources(struct reader *r, const struct json_node *n, struct ward_resources *res);
int spec_read_linux(struct reader *r, const struct json_node *n, struct ward_linux *lx);
int spec_read_seccomp(struct reader *r, const struct json_node *n, struct ward_seccomp *sc);
/* An id mapping array (linux.uidMappings, mounts[i].gidMappings, ...): the array at .at,
 * its count at .count. */
rd_read_fn spec_read_id_mappings;

/* src/spec/numa.c: CPU and node lists, process.execCPUAffinity, linux.memoryPolicy. */
#define SPEC_NODE_LIST 1 /* .arg of a spec_read_cpu_list row naming memory nodes, not CPUs */
rd_read_fn spec_read_cpu_list;
extern const struct rd_object spec_exec_cpu_affinity_object; /* of struct ward_process */
extern const struct rd_object spec_memory_policy_object;     /* of struct ward_linux */

void spec_linux_clear(struct ward_linux *lx);
void kv_free(struct ward_kv *kv, size_t n);

#endif
