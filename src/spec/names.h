/* Name tables shared by the spec parser and the runtime (capabilities, rlimits, ...). */
#ifndef WARD_SPEC_NAMES_H
#define WARD_SPEC_NAMES_H

int spec_cap_from_name(const char *name);
const char *spec_cap_name(int cap);
int spec_cap_count(void);
int spec_rlimit_from_name(const char *name);

#endif
