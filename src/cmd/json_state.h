/* The state object that `state` and `list --format json` print (runc's field names). */
#ifndef WARD_CMD_JSON_STATE_H
#define WARD_CMD_JSON_STATE_H

#include <yajl/yajl_gen.h>

#include "ward/container.h"

void gen_container_state(yajl_gen g, const struct container_info *info);

#endif
