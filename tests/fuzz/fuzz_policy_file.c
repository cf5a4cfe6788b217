/* The administrator's policy file (ward-policy(5)) -> struct policy, and the verdict on ward's
 * default config under it: a file is read fail-closed and whatever it lifts is reported. */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "ward/plan.h"
#include "ward/policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ward_error err = {0};
	struct policy p;
	struct policy_verdict v;
	struct ward_plan plan;

	memset(&p, 0, sizeof p);
	if (policy_parse((const char *)data, size, "fuzz.conf", &p, &err) < 0) {
		/* Every refusal names what it refuses. */
		if (!err.msg[0])
			abort();
		policy_clear(&p);
		return 0;
	}
	p.file = strdup("fuzz.conf");
	p.file_present = true;
	p.caller = fuzz_caller();
	struct ward_spec *spec = fuzz_default_spec();
	if (plan_build(spec, "/nonexistent-bundle", NULL, 0, &plan, &err) == 0) {
		memset(&v, 0, sizeof v);
		if (policy_evaluate(&p, spec, &plan, &v, &err) == 0 && v.n_violations)
			policy_refusal(&p, &v, "config.json", &err);
		policy_verdict_clear(&v);
		plan_clear(&plan);
	}
	spec_free(spec);
	policy_clear(&p);
	return 0;
}
