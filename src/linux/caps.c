/* Capabilities through libcap. */
#include <errno.h>
#include <stdint.h>
#include <sys/capability.h>
#include <sys/prctl.h>

#include "ward/process.h"

static int apply_iab(cap_iab_t iab, struct ward_error *err, const char *what)
{
	int rc = cap_iab_set_proc(iab);
	int e = errno;
	cap_free(iab);
	if (rc < 0)
		return ward_fail(err, e, "set the %s capability set", what);
	return 0;
}

int caps_set_bounding(const struct ward_capabilities *caps, struct ward_error *err)
{
	cap_iab_t iab = cap_iab_init();
	int max = (int)cap_max_bits();

	if (!iab)
		return ward_fail(err, errno, "allocate capabilities");
	/* Absent bounding set = empty, as runc does; inheritable and ambient start empty. */
	for (int c = 0; c < max; c++) {
		if (c < 64 && (caps->bounding >> c) & 1)
			continue;
		if (cap_iab_set_vector(iab, CAP_IAB_BOUND, (cap_value_t)c, CAP_SET) < 0) {
			cap_free(iab);
			return ward_fail(err, errno, "drop capability %d from the bounding set", c);
		}
	}
	return apply_iab(iab, err, "bounding");
}

static int fill(cap_t c, cap_flag_t flag, uint64_t mask, struct ward_error *err)
{
	int max = (int)cap_max_bits();
	for (int i = 0; i < 64 && i < max; i++) {
		cap_value_t v = i;
		if (((mask >> i) & 1) && cap_set_flag(c, flag, 1, &v, CAP_SET) < 0)
			return ward_fail(err, errno, "set capability %d", i);
	}
	return 0;
}

uint64_t caps_ambient_unraisable(const struct ward_capabilities *caps)
{
	return caps->ambient & ~(caps->permitted & caps->inheritable);
}

int caps_apply(const struct ward_capabilities *caps, struct ward_error *err)
{
	cap_t c = cap_init();
	int rc = -1;

	if (!c)
		return ward_fail(err, errno, "allocate capabilities");
	if (fill(c, CAP_EFFECTIVE, caps->effective, err) < 0 ||
	    fill(c, CAP_PERMITTED, caps->permitted, err) < 0 ||
	    fill(c, CAP_INHERITABLE, caps->inheritable, err) < 0)
		goto out;
	if (cap_set_proc(c) < 0) {
		ward_fail(err, errno, "set the effective, permitted and inheritable capabilities");
		ward_error_hint(err,
				"effective and inheritable capabilities must also be permitted "
				"and in the bounding set");
		goto out;
	}
	/* Raised one by one: cap_iab_set_proc() would want CAP_SETPCAP, which a process with a
	 * minimal set no longer has. Inheritable is already set by cap_set_proc() above. The
	 * kernel raises only what is permitted and inheritable; the others are skipped, as runc
	 * and crun do (`runc spec` lists ambient without inheritable), and ward warned about them
	 * before the container started. Inheritable is never widened to make them fit. */
	uint64_t ambient = caps->ambient & ~caps_ambient_unraisable(caps);
	for (int i = 0; i < 64 && i < (int)cap_max_bits(); i++) {
		if (((ambient >> i) & 1) && cap_set_ambient((cap_value_t)i, CAP_SET) < 0) {
			ward_fail(err, errno, "raise ambient capability %d", i);
			ward_error_hint(err, "ambient capabilities must also be permitted and "
					     "inheritable");
			goto out;
		}
	}
	rc = 0;
out:
	cap_free(c);
	return rc;
}
