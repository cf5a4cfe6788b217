/* Mount options -> the mount plan (attributes, propagation, superblock flags, filesystem data).
 * Input: the mount's type on the first line, then one option per line, as mounts[i].type and
 * mounts[i].options give them. */
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

#include "fuzz.h"
#include "ward/mounts.h"
#include "ward/util.h"

/* runc's "r" prefix makes an attribute recursive; on an option that is already recursive
 * ("rrbind", "rrshared") it means nothing, and such an option must be refused. */
static bool doubly_recursive(char *const *options)
{
	static const char *const recursive[] = {"rbind", "rshared", "rprivate", "rslave",
						"runbindable"};
	for (size_t i = 0; options[i]; i++)
		for (size_t k = 0; k < sizeof recursive / sizeof recursive[0]; k++)
			if (options[i][0] == 'r' && strcmp(options[i] + 1, recursive[k]) == 0)
				return true;
	return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ward_error err = {0};
	struct mount_plan plan;
	char *text = fuzz_strndup(data, size);
	char *options[65];
	size_t n = 0;

	if (!text)
		return 0;
	char *type = text, *line = strchr(text, '\n');
	if (line)
		*line++ = '\0';
	while (line && n < 64) {
		options[n++] = line;
		line = strchr(line, '\n');
		if (line)
			*line++ = '\0';
	}
	options[n] = NULL;

	if (mountopts_parse(*type ? type : NULL, options, &plan, &err) == 0) {
		/* What ward makes of a bind mount never carries filesystem options, and
		 * propagation is one of the four kinds. */
		if (plan.bind && (plan.data || (plan.sb_flags && plan.sb_flags[0])))
			abort();
		if (plan.propagation && plan.propagation != MS_PRIVATE &&
		    plan.propagation != MS_SHARED && plan.propagation != MS_SLAVE &&
		    plan.propagation != MS_UNBINDABLE)
			abort();
		if ((plan.attr_set & plan.attr_clr & ~MOUNT_ATTR__ATIME) ||
		    (plan.rec_attr_set & plan.rec_attr_clr & ~MOUNT_ATTR__ATIME))
			abort();
		if (doubly_recursive(options))
			abort();
		mountopts_clear(&plan);
	} else if (!err.msg[0] || plan.data || plan.sb_flags) {
		abort(); /* a refusal says why and keeps nothing */
	}
	free(text);
	return 0;
}
