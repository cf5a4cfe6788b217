/* Small helpers over yajl's JSON generator. */
#include <string.h>

#include "ward/json_gen.h"

yajl_gen_status json_gen_str(yajl_gen g, const char *s)
{
	return yajl_gen_string(g, (const unsigned char *)s, strlen(s));
}
