/* `update --resources` JSON -> struct ward_resources -> the cgroup v2 writes it would make
 * (planned, never written), the systemd unit properties it would set (marshalled, never sent)
 * and the policy's verdict on the update, for a container made from ward's default config,
 * under each policy of fuzz_policy(). */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "ward/cgroup.h"
#include "ward/policy.h"
#include "ward/systemd.h"

static struct ward_spec *container;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ward_error err = {0};
	struct ward_resources res;
	struct policy_verdict v;

	if (!container)
		container = fuzz_default_spec();
	if (spec_parse_resources((const char *)data, size, "--resources", &res, &err) < 0) {
		if (!err.msg[0])
			abort();
		return 0;
	}
	cgroup_resources_limit(&res);
	/* For a manager of unknown version, and for an old one that lacks newer properties. */
	for (unsigned version = 0; version <= 240; version += 240) {
		struct dbus_buf b = {0};
		size_t count = 0;
		systemd_resource_properties(&res, version, &b, &count, &err);
		dbus_buf_free(&b);
	}
	for (int i = 0; i < FUZZ_POLICIES; i++) {
		memset(&v, 0, sizeof v);
		if (policy_evaluate_update(fuzz_policy(i), container, &res, &v, &err) == 0 &&
		    v.n_violations) {
			ward_error_clear(&err);
			policy_refusal(fuzz_policy(i), &v, "--resources", &err);
			if (!err.msg[0])
				abort();
		}
		policy_verdict_clear(&v);
	}
	spec_resources_clear(&res);
	return 0;
}
