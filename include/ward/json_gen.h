/* Writing JSON with yajl's generator: the one home for the string shorthand every writer of
 * state, features, hook state and resources needs. */
#ifndef WARD_JSON_GEN_H
#define WARD_JSON_GEN_H

#include <yajl/yajl_gen.h>

/* yajl_gen_string() for a NUL-terminated string. */
yajl_gen_status json_gen_str(yajl_gen g, const char *s);

static inline void cleanup_json_genp(yajl_gen *g)
{
	if (*g)
		yajl_gen_free(*g);
}
#define cleanup_json_gen __attribute__((cleanup(cleanup_json_genp)))

#endif
