/* config.json -> spec -> plan (names only: nothing on the host is opened) -> the policy's verdict
 * and its refusal text, under each policy of fuzz_policy(). What `ward create` and `ward policy
 * check` do with a config before anything exists. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "ward/plan.h"
#include "ward/policy.h"

static void judge(const struct policy *p, const char *json, size_t len)
{
	struct ward_error err = {0};
	struct policy_verdict v;
	struct ward_plan plan;
	char flag[128];

	/* Judging hardens the spec in place: every policy gets its own parse. */
	struct ward_spec *spec = spec_parse(json, len, "config.json", &err);
	if (!spec)
		return;
	if (plan_build(spec, "/nonexistent-bundle", "/run/ward", 0, &plan, &err) < 0) {
		spec_free(spec);
		return;
	}
	memset(&v, 0, sizeof v);
	if (policy_evaluate(p, spec, &plan, &v, &err) == 0 && v.n_violations) {
		for (size_t i = 0; i < v.n_violations; i++)
			policy_engine_flag(&v.violations[i], flag, sizeof flag);
		ward_error_clear(&err);
		policy_refusal(p, &v, "config.json", &err);
		/* A refusal that says nothing would leave the user guessing. */
		if (!err.msg[0])
			abort();
	}
	policy_verdict_clear(&v);
	plan_clear(&plan);
	spec_free(spec);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	for (int i = 0; i < FUZZ_POLICIES; i++)
		judge(fuzz_policy(i), (const char *)data, size);
	return 0;
}
