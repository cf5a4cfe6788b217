/* `ward inspect`'s two outputs (src/cli/inspect_json.c, src/cmd/inspect.c) and the judgements
 * both print the same way. */
#ifndef WARD_INSPECT_OUTPUT_H
#define WARD_INSPECT_OUTPUT_H

#include <stdbool.h>

#include "ward/cli.h"
#include "ward/inspect.h"

/* The version of the JSON document; a change that removes or renames a member, or changes a
 * member's type or meaning, increments it. */
#define INSPECT_FORMAT_VERSION 1

void inspect_print_json(const struct container_inspection *in);
/* "bounding", "effective", "inheritable", "permitted", "ambient". */
const char *inspect_cap_set_name(enum procview_cap_set set);
/* "disabled", "strict", "filter"; NULL when not reported. */
const char *inspect_seccomp_mode_name(int mode);
/* What was asked of a masked (or read-only) path holds: nothing is there to reach, or the mask
 * (or a read-only mount) is. */
bool inspect_path_in_force(enum procview_path_state s, bool masked);
/* "rwm" letters of WARD_DEVICE_* bits, in buf (4 bytes). */
const char *inspect_device_access(unsigned access, char buf[4]);
/* The program attached to the container's cgroup is the one ward compiles from its config
 * (their kernel tags are equal): 1 yes, 0 no, -1 cannot tell. */
int inspect_devices_match(const struct container_inspection *in);

#endif
