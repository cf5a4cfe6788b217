/* linux.seccomp: parsed and name-checked here; compiled by src/linux/seccomp.c. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "ward/cleanup.h"
#include "names.h"
#include "reader.h"

static const char *const actions[] = {
	"SCMP_ACT_KILL",  "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD",
	"SCMP_ACT_TRAP",  "SCMP_ACT_ERRNO",	   "SCMP_ACT_TRACE",
	"SCMP_ACT_ALLOW", "SCMP_ACT_LOG",	   "SCMP_ACT_NOTIFY",
};

static const char *const operators[] = {
	"SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE",	    "SCMP_CMP_EQ",
	"SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_MASKED_EQ",
};

static const char *const flags[] = {
	"SECCOMP_FILTER_FLAG_TSYNC",
	"SECCOMP_FILTER_FLAG_LOG",
	"SECCOMP_FILTER_FLAG_SPEC_ALLOW",
	"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV",
};

static bool in_list(const char *s, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(s, list[i]) == 0)
			return true;
	return false;
}

static int check_action(struct reader *r, void *base, const struct rd_field *f)
{
	const char *action = *(char **)rd_at(base, f->at);

	if (in_list(action, actions, ARRAY_SIZE(actions)))
		return 0;
	return rd_error(r,
			"unknown action \"%.64s\" (expected one of SCMP_ACT_ALLOW, "
			"SCMP_ACT_ERRNO, SCMP_ACT_KILL_PROCESS, SCMP_ACT_KILL_THREAD, "
			"SCMP_ACT_TRAP, SCMP_ACT_TRACE, SCMP_ACT_LOG, SCMP_ACT_NOTIFY)",
			action);
}

static int check_index(struct reader *r, void *base, const struct rd_field *f)
{
	uint32_t index = ((struct ward_seccomp_arg *)base)->index;

	(void)f;
	if (index > 5)
		return rd_error(r, "%u is not a syscall argument index (0 to 5)", index);
	return 0;
}

static int check_operator(struct reader *r, void *base, const struct rd_field *f)
{
	const char *op = ((struct ward_seccomp_arg *)base)->op;

	(void)f;
	if (!in_list(op, operators, ARRAY_SIZE(operators)))
		return rd_error(r,
				"unknown operator \"%.64s\" (expected SCMP_CMP_EQ, NE, LT, LE, GE, "
				"GT or MASKED_EQ)",
				op);
	return 0;
}

#define OF(member) offsetof(struct ward_seccomp_arg, member)
static const struct rd_field arg_fields[] = {
	{"index", RD_U32, .flags = RD_REQUIRED, .at = OF(index), .check = check_index},
	{"value", RD_U64, .flags = RD_REQUIRED, .at = OF(value)},
	{"valueTwo", RD_U64, .at = OF(value_two)},
	{"op", RD_STRING, .flags = RD_REQUIRED, .at = OF(op), .check = check_operator},
};
#undef OF
static const struct rd_object arg_object = RD_TABLE(arg_fields, NULL);

static int read_args(struct reader *r, const struct json_node *arr, void *base,
		     const struct rd_field *f)
{
	struct ward_seccomp_rule *rule = base;

	(void)f;
	return rd_walk_array(r, arr, &arg_object, sizeof *rule->args, &rule->args, &rule->n_args);
}

/* includes.caps and excludes.caps: capability names into a mask. */
static int read_condition_caps(struct reader *r, const struct json_node *n, void *base,
			       const struct rd_field *f)
{
	uint64_t *caps = rd_at(base, f->at);
	cleanup_strv char **names = NULL;

	if (rd_node_strv(r, n, &names) < 0)
		return -1;
	for (size_t i = 0; names[i]; i++) {
		int cap = spec_cap_from_name(names[i]);
		if (cap < 0) {
			rd_push_index(r, i);
			return rd_error(r, "unknown capability \"%.64s\"", names[i]);
		}
		*caps |= 1ull << cap;
	}
	return 0;
}

#define OF(member) offsetof(struct ward_seccomp_rule, member)
static const struct rd_field includes_fields[] = {
	{"caps", RD_ARRAY, .at = OF(includes_caps), .read = read_condition_caps},
	{"arches", RD_STRV, .at = OF(includes_arches)},
};
static const struct rd_object includes_object = RD_TABLE(includes_fields, NULL);

static const struct rd_field excludes_fields[] = {
	{"caps", RD_ARRAY, .at = OF(excludes_caps), .read = read_condition_caps},
	{"arches", RD_STRV, .at = OF(excludes_arches)},
};
static const struct rd_object excludes_object = RD_TABLE(excludes_fields, NULL);

static int check_names(struct reader *r, void *base, const struct rd_field *f)
{
	(void)f;
	if (!((struct ward_seccomp_rule *)base)->names[0])
		return rd_error(r, "must list at least one syscall");
	return 0;
}

static const struct rd_field rule_fields[] = {
	{"names", RD_STRV, .flags = RD_REQUIRED, .at = OF(names), .check = check_names},
	{"action", RD_STRING, .flags = RD_REQUIRED, .at = OF(action), .check = check_action},
	{"errnoRet", RD_U32, .at = OF(errno_ret), RD_HAS(OF(has_errno_ret))},
	{"args", RD_ARRAY, .read = read_args},
	{"includes", RD_OBJECT, .object = &includes_object},
	{"excludes", RD_OBJECT, .object = &excludes_object},
};
#undef OF
static const struct rd_object rule_object = RD_TABLE(rule_fields, NULL);

static int read_rules(struct reader *r, const struct json_node *arr, void *base,
		      const struct rd_field *f)
{
	struct ward_seccomp *sc = base;

	(void)f;
	return rd_walk_array(r, arr, &rule_object, sizeof *sc->rules, &sc->rules, &sc->n_rules);
}

static int check_architectures(struct reader *r, void *base, const struct rd_field *f)
{
	char **arches = ((struct ward_seccomp *)base)->architectures;

	(void)f;
	for (size_t i = 0; arches[i]; i++) {
		if (strncmp(arches[i], "SCMP_ARCH_", 10) != 0) {
			rd_push_index(r, i);
			return rd_error(r,
					"\"%.64s\" is not an architecture name (names look like "
					"\"SCMP_ARCH_X86_64\")",
					arches[i]);
		}
	}
	return 0;
}

static int check_flags(struct reader *r, void *base, const struct rd_field *f)
{
	char **list = ((struct ward_seccomp *)base)->flags;

	(void)f;
	for (size_t i = 0; list[i]; i++) {
		if (!in_list(list[i], flags, ARRAY_SIZE(flags))) {
			rd_push_index(r, i);
			return rd_error(r, "unknown flag \"%.64s\"", list[i]);
		}
	}
	return 0;
}

static int check_listener_path(struct reader *r, void *base, const struct rd_field *f)
{
	const char *path = ((struct ward_seccomp *)base)->listener_path;

	(void)f;
	if (path[0] != '/')
		return rd_error(r, "\"%.64s\" is not an absolute path", path);
	return 0;
}

#define OF(member) offsetof(struct ward_seccomp, member)
static const struct rd_field seccomp_fields[] = {
	{"defaultAction", RD_STRING, .flags = RD_REQUIRED, .at = OF(default_action),
	 .check = check_action},
	{"defaultErrnoRet", RD_U32, .at = OF(default_errno_ret), RD_HAS(OF(has_default_errno_ret))},
	{"architectures", RD_STRV, .at = OF(architectures), .check = check_architectures},
	{"flags", RD_STRV, .at = OF(flags), .check = check_flags},
	{"listenerPath", RD_STRING, .at = OF(listener_path), .check = check_listener_path},
	{"listenerMetadata", RD_STRING, .at = OF(listener_metadata)},
	{"syscalls", RD_ARRAY, .read = read_rules},
};
#undef OF
static const struct rd_object seccomp_object = RD_TABLE(seccomp_fields, NULL);

int spec_read_seccomp(struct reader *r, const struct json_node *n, struct ward_seccomp *sc)
{
	return rd_walk(r, n, &seccomp_object, sc);
}

void spec_seccomp_free(struct ward_seccomp *sc)
{
	if (!sc)
		return;
	free(sc->default_action);
	strv_free(sc->architectures);
	strv_free(sc->flags);
	free(sc->listener_path);
	free(sc->listener_metadata);
	for (size_t i = 0; i < sc->n_rules; i++) {
		strv_free(sc->rules[i].names);
		free(sc->rules[i].action);
		for (size_t j = 0; j < sc->rules[i].n_args; j++)
			free(sc->rules[i].args[j].op);
		free(sc->rules[i].args);
		strv_free(sc->rules[i].includes_arches);
		strv_free(sc->rules[i].excludes_arches);
	}
	free(sc->rules);
	free(sc);
}
