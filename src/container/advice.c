/* Warnings about settings of a valid config that the kernel cannot apply as written, which
 * ward (like runc and crun) runs anyway. Computed here, before the container starts: the
 * container side cannot print, and engines read warnings from ward's log. */
#include <stdio.h>
#include <string.h>

#include "ward/log.h"
#include "ward/process.h"
#include "internal.h"

void warn_ambient_caps(const struct ward_process *p)
{
	uint64_t skipped = caps_ambient_unraisable(&p->caps);
	char names[2048];
	size_t used = 0;

	if (!skipped)
		return;
	names[0] = '\0';
	for (int c = 0; c < 64 && c < spec_cap_count(); c++) {
		if (!((skipped >> c) & 1))
			continue;
		int n = snprintf(names + used, sizeof names - used, "%s%s", used ? ", " : "",
				 spec_cap_name(c));
		if (n < 0 || (size_t)n >= sizeof names - used)
			break;
		used += (size_t)n;
	}
	log_warn("process.capabilities.ambient: %s not raised: the kernel raises an ambient "
		 "capability only when it is also in the permitted and inheritable sets, and "
		 "ward never adds inheritable capabilities the config does not list (list them "
		 "in process.capabilities.inheritable and permitted if a non-root process must "
		 "keep them)",
		 names);
}
