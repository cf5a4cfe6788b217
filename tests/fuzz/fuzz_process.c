/* `exec --process` JSON -> struct ward_process -> the policy's verdict on it, for a container
 * made from ward's default config, under each policy of fuzz_policy(). */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "ward/policy.h"

static struct ward_spec *container;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ward_error err = {0};
	struct policy_verdict v;

	if (!container)
		container = fuzz_default_spec();
	struct ward_process *proc = spec_parse_process((const char *)data, size, "--process", &err);
	if (!proc) {
		if (!err.msg[0])
			abort();
		return 0;
	}
	for (int i = 0; i < FUZZ_POLICIES; i++) {
		memset(&v, 0, sizeof v);
		if (policy_evaluate_process(fuzz_policy(i), container, NULL, proc, &v, &err) == 0 &&
		    v.n_violations) {
			ward_error_clear(&err);
			policy_refusal(fuzz_policy(i), &v, "--process", &err);
			if (!err.msg[0])
				abort();
		}
		policy_verdict_clear(&v);
	}
	spec_process_free(proc);
	return 0;
}
