/* Name tables shared by the spec parser and the runtime (capabilities, rlimits, ...). */
#ifndef WARD_SPEC_NAMES_H
#define WARD_SPEC_NAMES_H

#include "ward/spec.h" /* spec_cap_name(), spec_cap_count() */

int spec_cap_from_name(const char *name);
int spec_rlimit_from_name(const char *name);

#endif
