/* config.json -> spec -> plan (names only: nothing on the host is opened) -> the policy's verdict
 * and its refusal text, under each policy of fuzz_policy(); then what create derives from the
 * hardened config before it touches the host: the cgroup path, the cgroup writes (planned), the
 * device program (built, never loaded). What `ward create` and `ward policy check` do with a
 * config before anything exists. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "ward/cgroup.h"
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
	if (v.n_violations == 0 && p->level == POLICY_BASELINE) {
		struct bpf_insn *insns = NULL;
		size_t n = 0;
		char *path = NULL;
		if (cgroup_resolve_path(spec->linux_.cgroups_path, "c1", &path, &err) == 0)
			free(path);
		cgroup_resources_limit(&spec->linux_.resources);
		if (cgroup_devices_program(&spec->linux_, &insns, &n, &err) == 0)
			free(insns);
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
