/* What the fuzzers share: copies of the input, the policies verdicts are judged under and the
 * container that exec and update inputs are judged for. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "ward/policy.h"
#include "ward/spec.h"

char *fuzz_strndup(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	if (s) {
		memcpy(s, data, size);
		s[size] = '\0';
	}
	return s;
}

static struct policy policies[FUZZ_POLICIES];
static struct policy_caller caller;
static bool loaded;

static void load_policy(struct policy *p, const char *text)
{
	struct ward_error err = {0};

	memset(p, 0, sizeof *p);
	if (policy_parse(text, strlen(text), "fuzz.conf", p, &err) < 0) {
		fprintf(stderr, "fuzz: the built-in policy does not parse: %s\n", err.msg);
		abort();
	}
	p->file = strdup("fuzz.conf");
	p->file_present = true;
	p->caller = fuzz_caller();
}

const struct policy_caller *fuzz_caller(void)
{
	if (!caller.caps) {
		for (int r = 0; r < RLIM_NLIMITS; r++)
			caller.limits[r].rlim_cur = caller.limits[r].rlim_max = RLIM_INFINITY;
		caller.caps = ~0ull;
	}
	return &caller;
}

static void load_policies(void)
{
	size_t n;
	const struct policy_check *t = policy_checks(&n);
	char restricted[POLICY_MAX_CHECKS * 48] = "level = restricted\n"
						  "hook = /usr/libexec/oci/hooks.d\n"
						  "host-path = /srv\n"
						  "mount-type = overlay\n"
						  "seccomp-listener = /run/agent\n"
						  "device = c 10:200\n";

	for (size_t i = 0; i < n; i++) {
		strcat(restricted, "overridable = ");
		strcat(restricted, t[i].name);
		strcat(restricted, "\n");
	}
	load_policy(&policies[0], "");
	load_policy(&policies[1], restricted);
	load_policy(&policies[2], "level = privileged\n");
	loaded = true;
}

const struct policy *fuzz_policy(int i)
{
	if (!loaded)
		load_policies();
	return &policies[i];
}

struct ward_spec *fuzz_default_spec(void)
{
	struct ward_error err = {0};
	char *json = NULL;
	size_t len = 0;
	struct ward_spec *spec = NULL;

	if (spec_generate_default(&json, &len, &err) == 0)
		spec = spec_parse(json, len, "config.json", &err);
	free(json);
	if (!spec) {
		fprintf(stderr, "fuzz: the default config does not parse: %s\n", err.msg);
		abort();
	}
	return spec;
}
