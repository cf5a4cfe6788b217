/* linux.seccomp: parsed and name-checked here; compiled by src/linux/seccomp.c. */
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

static int check_action(struct reader *r, const char *action)
{
	if (in_list(action, actions, ARRAY_SIZE(actions)))
		return 0;
	return rd_error(r,
			"unknown action \"%.64s\" (expected one of SCMP_ACT_ALLOW, "
			"SCMP_ACT_ERRNO, SCMP_ACT_KILL_PROCESS, SCMP_ACT_KILL_THREAD, "
			"SCMP_ACT_TRAP, SCMP_ACT_TRACE, SCMP_ACT_LOG, SCMP_ACT_NOTIFY)",
			action);
}

static int read_args(struct reader *r, const struct json_node *arr, struct ward_seccomp_rule *rule)
{
	const struct json_node *c;
	size_t i = 0;

	rule->args = rd_calloc(r, arr->count, sizeof *rule->args);
	if (!rule->args)
		return -1;
	json_foreach(c, arr)
	{
		size_t saved = rd_push_index(r, i);
		struct ward_seccomp_arg *a = &rule->args[i];
		rule->n_args = ++i;
		if (rd_node_object(r, c) < 0 || rd_require(r, c, "index") < 0 ||
		    rd_u32(r, c, "index", &a->index, NULL) < 0 || rd_require(r, c, "value") < 0 ||
		    rd_u64(r, c, "value", &a->value, NULL) < 0 ||
		    rd_u64(r, c, "valueTwo", &a->value_two, NULL) < 0 ||
		    rd_require(r, c, "op") < 0 || rd_string(r, c, "op", &a->op) < 0)
			return -1;
		if (a->index > 5) {
			rd_push_key(r, "index");
			return rd_error(r, "%u is not a syscall argument index (0 to 5)", a->index);
		}
		if (!in_list(a->op, operators, ARRAY_SIZE(operators))) {
			rd_push_key(r, "op");
			return rd_error(r,
					"unknown operator \"%.64s\" (expected SCMP_CMP_EQ, NE, LT, "
					"LE, GE, GT or MASKED_EQ)",
					a->op);
		}
		rd_pop(r, saved);
	}
	return 0;
}

static int read_condition(struct reader *r, const struct json_node *rule, const char *key,
			  uint64_t *caps, char ***arches)
{
	const struct json_node *obj;
	cleanup_strv char **names = NULL;

	if (rd_object(r, rule, key, &obj) < 0 || !obj)
		return 0;
	size_t saved = rd_push_key(r, key);
	if (rd_strv(r, obj, "caps", &names) < 0 || rd_strv(r, obj, "arches", arches) < 0)
		return -1;
	for (size_t i = 0; names && names[i]; i++) {
		int cap = spec_cap_from_name(names[i]);
		if (cap < 0) {
			rd_push_key(r, "caps");
			rd_push_index(r, i);
			return rd_error(r, "unknown capability \"%.64s\"", names[i]);
		}
		*caps |= 1ull << cap;
	}
	rd_pop(r, saved);
	return 0;
}

static int read_rules(struct reader *r, const struct json_node *arr, struct ward_seccomp *sc)
{
	const struct json_node *c;
	size_t i = 0;

	sc->rules = rd_calloc(r, arr->count, sizeof *sc->rules);
	if (!sc->rules)
		return -1;
	json_foreach(c, arr)
	{
		size_t saved = rd_push_index(r, i);
		struct ward_seccomp_rule *rule = &sc->rules[i];
		const struct json_node *args;
		sc->n_rules = ++i;
		if (rd_node_object(r, c) < 0 || rd_require(r, c, "names") < 0 ||
		    rd_strv(r, c, "names", &rule->names) < 0 || rd_require(r, c, "action") < 0 ||
		    rd_string(r, c, "action", &rule->action) < 0 ||
		    rd_u32(r, c, "errnoRet", &rule->errno_ret, &rule->has_errno_ret) < 0 ||
		    rd_array(r, c, "args", &args) < 0)
			return -1;
		if (!rule->names[0]) {
			rd_push_key(r, "names");
			return rd_error(r, "must list at least one syscall");
		}
		size_t s2 = rd_push_key(r, "action");
		if (check_action(r, rule->action) < 0)
			return -1;
		rd_pop(r, s2);
		if (args) {
			s2 = rd_push_key(r, "args");
			if (read_args(r, args, rule) < 0)
				return -1;
			rd_pop(r, s2);
		}
		if (read_condition(r, c, "includes", &rule->includes_caps, &rule->includes_arches) <
			    0 ||
		    read_condition(r, c, "excludes", &rule->excludes_caps, &rule->excludes_arches) <
			    0)
			return -1;
		rd_pop(r, saved);
	}
	return 0;
}

int spec_read_seccomp(struct reader *r, const struct json_node *n, struct ward_seccomp *sc)
{
	const struct json_node *rules;

	if (rd_require(r, n, "defaultAction") < 0 ||
	    rd_string(r, n, "defaultAction", &sc->default_action) < 0 ||
	    rd_u32(r, n, "defaultErrnoRet", &sc->default_errno_ret, &sc->has_default_errno_ret) <
		    0 ||
	    rd_strv(r, n, "architectures", &sc->architectures) < 0 ||
	    rd_strv(r, n, "flags", &sc->flags) < 0 ||
	    rd_string(r, n, "listenerPath", &sc->listener_path) < 0 ||
	    rd_string(r, n, "listenerMetadata", &sc->listener_metadata) < 0 ||
	    rd_array(r, n, "syscalls", &rules) < 0)
		return -1;
	size_t saved = rd_push_key(r, "defaultAction");
	if (check_action(r, sc->default_action) < 0)
		return -1;
	rd_pop(r, saved);
	for (size_t i = 0; sc->architectures && sc->architectures[i]; i++) {
		if (strncmp(sc->architectures[i], "SCMP_ARCH_", 10) != 0) {
			rd_push_key(r, "architectures");
			rd_push_index(r, i);
			return rd_error(r,
					"\"%.64s\" is not an architecture name (names look like "
					"\"SCMP_ARCH_X86_64\")",
					sc->architectures[i]);
		}
	}
	for (size_t i = 0; sc->flags && sc->flags[i]; i++) {
		if (!in_list(sc->flags[i], flags, ARRAY_SIZE(flags))) {
			rd_push_key(r, "flags");
			rd_push_index(r, i);
			return rd_error(r, "unknown flag \"%.64s\"", sc->flags[i]);
		}
	}
	if (sc->listener_path && sc->listener_path[0] != '/') {
		rd_push_key(r, "listenerPath");
		return rd_error(r, "\"%.64s\" is not an absolute path", sc->listener_path);
	}
	if (rules) {
		saved = rd_push_key(r, "syscalls");
		if (read_rules(r, rules, sc) < 0)
			return -1;
		rd_pop(r, saved);
	}
	return 0;
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
