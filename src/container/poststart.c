/* poststart hooks as runtime-spec 1.3 has them: a failing hook is an error, and the container
 * is stopped (runc does the same); earlier versions only asked for a warning, which let a
 * container run on without what its hooks were to set up. */
#include <errno.h>
#include <signal.h>
#include <sys/pidfd.h>

#include "ward/cleanup.h"
#include "ward/hooks.h"
#include "internal.h"

int run_poststart(const struct ward_spec *spec, const struct judged_hooks *h, const char *id,
		  const struct ward_state *st, int pidfd, struct ward_error *err)
{
	cleanup_free char *state = NULL;
	struct ward_error ignored;

	if (!spec || !h->exe || !spec->hooks.count[WARD_HOOK_POSTSTART])
		return 0;
	state = hooks_state_json(spec, id, "running", st->pid, st->bundle);
	if (!state)
		return ward_fail(err, ENOMEM, "hooks");
	if (hooks_run(spec, WARD_HOOK_POSTSTART, h->exe, state, err) == 0)
		return 0;
	/* Stopped, not removed: the caller's delete (or `run`) continues the lifecycle. */
	if (signal_all(st, SIGKILL, &ignored) < 0 && pidfd >= 0)
		pidfd_send_signal(pidfd, SIGKILL, NULL, 0);
	if (pidfd >= 0)
		wait_exit(pidfd, 5000);
	return ward_error_hint(err, "the container was stopped (runtime-spec 1.3)");
}
