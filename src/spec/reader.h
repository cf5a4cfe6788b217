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
int rd_node_u64(struct reader *r, const struct json_node *n, uint64_t *out);
int rd_node_i64(struct reader *r, const struct json_node *n, int64_t *out);
int rd_node_u32(struct reader *r, const struct json_node *n, uint32_t *out);
int rd_node_strv(struct reader *r, const struct json_node *n, char ***out);
int rd_node_object(struct reader *r, const struct json_node *n);
int rd_node_array(struct reader *r, const struct json_node *n);

/* Member readers: absent (or null) members leave *out untouched and return 0;
 * `present` (may be NULL) tells whether the member was there. */
int rd_string(struct reader *r, const struct json_node *obj, const char *key, char **out);
int rd_bool(struct reader *r, const struct json_node *obj, const char *key, bool *out,
	    bool *present);
int rd_u64(struct reader *r, const struct json_node *obj, const char *key, uint64_t *out,
	   bool *present);
int rd_i64(struct reader *r, const struct json_node *obj, const char *key, int64_t *out,
	   bool *present);
int rd_u32(struct reader *r, const struct json_node *obj, const char *key, uint32_t *out,
	   bool *present);
int rd_i32(struct reader *r, const struct json_node *obj, const char *key, int32_t *out,
	   bool *present);
int rd_u16(struct reader *r, const struct json_node *obj, const char *key, uint16_t *out,
	   bool *present);
int rd_strv(struct reader *r, const struct json_node *obj, const char *key, char ***out);
int rd_string_map(struct reader *r, const struct json_node *obj, const char *key,
		  struct ward_kv **out, size_t *n);
/* Type-checks a member as an object/array; *out is NULL when absent. */
int rd_object(struct reader *r, const struct json_node *obj, const char *key,
	      const struct json_node **out);
int rd_array(struct reader *r, const struct json_node *obj, const char *key,
	     const struct json_node **out);
/* Fails with "missing required field" unless key is present and not null. */
int rd_require(struct reader *r, const struct json_node *obj, const char *key);

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
int spec_read_id_mappings(struct reader *r, const struct json_node *obj, const char *key,
			  struct ward_id_mapping **out, size_t *n);

/* src/spec/numa.c: CPU and node lists, process.execCPUAffinity, linux.memoryPolicy. */
int spec_read_cpu_list(struct reader *r, const struct json_node *obj, const char *key,
		       const char *what, char **out, size_t *count);
int spec_read_exec_cpu_affinity(struct reader *r, const struct json_node *n,
				struct ward_process *p);
int spec_read_memory_policy(struct reader *r, const struct json_node *n, struct ward_linux *lx);

void spec_linux_clear(struct ward_linux *lx);
void kv_free(struct ward_kv *kv, size_t n);

#endif
