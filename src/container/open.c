/* Opening an existing container for a verb: its state directory locked, state.json read and
 * proved against the kernel. */
#include <errno.h>
#include <unistd.h>

#include "ward/verify.h"
#include "internal.h"

int open_state(const char *root, const char *id, struct opened_container *c, struct ward_error *err)
{
	int rc;

	memset(c, 0, sizeof *c);
	c->rootfd = c->dirfd = c->pidfd = -1;
	if (state_validate_id(id, err) < 0)
		return -1;
	c->rootfd = state_open_existing_root(root, id, err);
	if (c->rootfd < 0)
		return c->rootfd;
	c->dirfd = state_open_dir(c->rootfd, id, err);
	if (c->dirfd < 0)
		return c->dirfd;
	rc = state_read(c->dirfd, &c->st, err);
	if (rc == -ENOENT)
		return 0;
	return rc < 0 ? -1 : 1;
}

int open_container(const char *root, const char *id, struct opened_container *c,
		   struct ward_error *err)
{
	int rc = open_state(root, id, c, err);

	if (rc == 0)
		return ward_fail(err, 0,
				 "container \"%s\" does not exist (its create did not finish; "
				 "`ward delete --force %s` removes what is left)",
				 id, id);
	if (rc < 0)
		return -1;
	if (verify_init(c->rootfd, id, &c->st, &c->pidfd, err) == VERIFY_REFUSED) {
		state_clear(&c->st);
		return verify_refusal_hint(err, root, id);
	}
	return 0;
}

enum ward_status opened_status(const struct opened_container *c)
{
	return state_status(c->dirfd, &c->st, c->pidfd >= 0);
}

void close_container(struct opened_container *c)
{
	state_clear(&c->st);
	/* A failed open leaves a negative errno here, never an fd. */
	if (c->pidfd >= 0)
		close(c->pidfd);
	if (c->dirfd >= 0)
		close(c->dirfd);
	if (c->rootfd >= 0)
		close(c->rootfd);
	c->rootfd = c->dirfd = c->pidfd = -1;
}
