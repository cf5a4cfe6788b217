/* poststart and poststop hooks run in later ward invocations (start, delete; run after its
 * create) than the create that judged them. Each verb resolves them again, judges them against
 * the policy in force, and runs exactly the files it judged, through their fds: a hook path
 * re-pointed since create is judged as what it now names. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>

#include "ward/cleanup.h"
#include "ward/hooks.h"
#include "ward/log.h"
#include "ward/policy.h"
#include "internal.h"

int posthooks_judge(const char *policy_file, const struct ward_spec *spec, enum ward_hook_kind kind,
		    const char *id, struct judged_hooks *out, struct ward_error *err)
{
	size_t n = spec->hooks.count[kind];

	*out = (struct judged_hooks){.kind = kind};
	if (!n)
		return 0;
	struct host_object *exe = calloc(n, sizeof *exe);
	if (!exe)
		return ward_fail(err, ENOMEM, "hooks");
	for (size_t i = 0; i < n; i++)
		hostpath_init(&exe[i]);
	/* Docker names its own binary through the /proc/<pid>/exe magic link. */
	for (size_t i = 0; i < n; i++)
		hostpath_resolve(AT_FDCWD, spec->hooks.list[kind][i].path, HOSTPATH_ANY, O_PATH,
				 &exe[i]);
	out->exe = exe;
	out->n = n;
	if (policy_enforce_hooks(policy_file, spec, kind, exe, id, err) < 0) {
		posthooks_clear(out);
		return -1;
	}
	return 0;
}

void posthooks_clear(struct judged_hooks *h)
{
	for (size_t i = 0; h->exe && i < h->n; i++)
		hostpath_clear(&h->exe[i]);
	free(h->exe);
	h->exe = NULL;
	h->n = 0;
}

void run_hooks_warn(const struct ward_spec *spec, const struct judged_hooks *h, const char *id,
		    const char *status, pid_t pid, const char *bundle)
{
	struct ward_error err = {0};
	if (!spec || !h->exe || !spec->hooks.count[h->kind])
		return;
	cleanup_free char *state = hooks_state_json(spec, id, status, pid, bundle);
	if (!state || hooks_run(spec, h->kind, h->exe, state, &err) < 0)
		log_warn("%s", state ? err.msg : "hooks: out of memory");
}
