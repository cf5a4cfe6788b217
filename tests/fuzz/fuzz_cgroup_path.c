/* linux.cgroupsPath -> the container's cgroup below the hierarchy's root, or with
 * --systemd-cgroup the unit and its slice; and the checks ward makes of a cgroup path or unit
 * name it reads back (state.json, /proc/<pid>/cgroup). Input: cgroupsPath, then optionally the
 * container ID and ward's own cgroup, one per line. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "ward/cgroup.h"
#include "ward/state.h"
#include "ward/systemd.h"
#include "ward/verify.h"

static char *next_line(char *s)
{
	char *nl = s ? strchr(s, '\n') : NULL;
	if (nl)
		*nl++ = '\0';
	return nl;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ward_error err = {0};
	char *text = fuzz_strndup(data, size), *out = NULL;
	const char *why;

	if (!text)
		return 0;
	char *path = text, *id = next_line(path), *self = next_line(id);
	next_line(self);
	if (!id || state_validate_id(id, &err) < 0)
		id = "c1"; /* create refuses a bad ID before it looks at the cgroup */

	if (cgroup_resolve_path(path, id, &out, &err) == 0) {
		/* What create makes is what later verbs accept from state.json. */
		if (strlen(out) <= PATH_MAX - 128 && verify_cgroup_path(out, NULL, &why) < 0)
			abort();
		/* A relative cgroupsPath (or none) names a cgroup below ward's own parent,
		 * never that parent itself nor anything beside it. */
		if (path[0] != '/' && (strncmp(out, "/ward/", 6) != 0 || !out[6]))
			abort();
		if (self && *self)
			verify_cgroup_within(out, self);
		free(out);
	} else if (!err.msg[0]) {
		abort();
	}
	/* The unit ward would ask systemd for is one a later verb accepts from state.json. */
	struct systemd_unit u;
	ward_error_clear(&err);
	if (systemd_parse_cgroups_path(path, id, size & 1, &u, &err) == 0) {
		if (!systemd_valid_unit_name(u.name) || u.slice_path[0] != '/')
			abort();
		systemd_unit_clear(&u);
	} else if (!err.msg[0]) {
		abort();
	}
	why = NULL;
	free(systemd_expand_slice(path, &why));
	systemd_valid_unit_name(path);
	why = NULL;
	if (verify_cgroup_path(path, self, &why) < 0 && !why)
		abort();
	free(text);
	/* The whole input as the text of /proc/<pid>/cgroup. */
	text = fuzz_strndup(data, size);
	if (text)
		free(verify_parse_proc_cgroup(text));
	free(text);
	return 0;
}
