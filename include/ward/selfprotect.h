/* Running from a sealed memfd copy of ward (CVE-2019-5736). */
#ifndef WARD_SELFPROTECT_H
#define WARD_SELFPROTECT_H

#include <stdbool.h>

#include "ward/error.h"

/* True when /proc/self/exe is a sealed (unwritable) memfd. */
bool selfprotect_is_sealed(void);
/* Re-executes ward from a sealed memfd copy of itself unless it already runs from one; returns
 * only on failure (or 0 when already sealed). */
int selfprotect_reexec(char **argv, struct ward_error *err);

#endif
