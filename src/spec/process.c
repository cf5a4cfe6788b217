/* process: the program the container runs (config.json and exec --process). */
#include <sched.h>
#include <stdlib.h>
#include <string.h>

#include "ward/cleanup.h"
#include "names.h"
#include "reader.h"

static int read_cap_set(struct reader *r, const struct json_node *caps, const char *key,
			uint64_t *mask, bool *present)
{
	const struct json_node *arr, *c;
	size_t saved, i = 0;

	if (rd_array(r, caps, key, &arr) < 0)
		return -1;
	*present = arr != NULL;
	if (!arr)
		return 0;
	saved = rd_push_key(r, key);
	json_foreach(c, arr)
	{
		size_t s2 = rd_push_index(r, i++);
		cleanup_free char *name = NULL;
		if (rd_node_string(r, c, &name) < 0)
			return -1;
		int cap = spec_cap_from_name(name);
		if (cap < 0)
			return rd_error(r,
					"unknown capability \"%.64s\" (names look like "
					"\"CAP_NET_BIND_SERVICE\")",
					name);
		*mask |= 1ull << cap;
		rd_pop(r, s2);
	}
	rd_pop(r, saved);
	return 0;
}

static int read_capabilities(struct reader *r, const struct json_node *n,
			     struct ward_capabilities *caps)
{
	if (read_cap_set(r, n, "bounding", &caps->bounding, &caps->has_bounding) < 0 ||
	    read_cap_set(r, n, "effective", &caps->effective, &caps->has_effective) < 0 ||
	    read_cap_set(r, n, "inheritable", &caps->inheritable, &caps->has_inheritable) < 0 ||
	    read_cap_set(r, n, "permitted", &caps->permitted, &caps->has_permitted) < 0 ||
	    read_cap_set(r, n, "ambient", &caps->ambient, &caps->has_ambient) < 0)
		return -1;
	return 0;
}

static int read_rlimits(struct reader *r, const struct json_node *arr, struct ward_process *p)
{
	const struct json_node *c;
	size_t i = 0;

	p->rlimits = rd_calloc(r, arr->count, sizeof *p->rlimits);
	if (!p->rlimits)
		return -1;
	json_foreach(c, arr)
	{
		size_t saved = rd_push_index(r, i);
		struct ward_rlimit *rl = &p->rlimits[i];
		p->n_rlimits = ++i;
		if (rd_node_object(r, c) < 0 || rd_require(r, c, "type") < 0 ||
		    rd_string(r, c, "type", &rl->type) < 0 || rd_require(r, c, "hard") < 0 ||
		    rd_u64(r, c, "hard", &rl->hard, NULL) < 0 || rd_require(r, c, "soft") < 0 ||
		    rd_u64(r, c, "soft", &rl->soft, NULL) < 0)
			return -1;
		rl->resource = spec_rlimit_from_name(rl->type);
		if (rl->resource < 0) {
			rd_push_key(r, "type");
			return rd_error(
				r, "unknown rlimit \"%.64s\" (names look like \"RLIMIT_NOFILE\")",
				rl->type);
		}
		if (rl->soft > rl->hard)
			return rd_error(r, "soft limit %llu is above the hard limit %llu",
					(unsigned long long)rl->soft, (unsigned long long)rl->hard);
		for (size_t j = 0; j + 1 < i; j++)
			if (p->rlimits[j].resource == rl->resource)
				return rd_error(r, "%s is set twice", rl->type);
		rd_pop(r, saved);
	}
	return 0;
}

static int read_user(struct reader *r, const struct json_node *u, struct ward_process *p)
{
	const struct json_node *gids, *c;
	size_t i = 0;

	if (rd_u32(r, u, "uid", &p->uid, NULL) < 0 || rd_u32(r, u, "gid", &p->gid, NULL) < 0 ||
	    rd_u32(r, u, "umask", &p->umask, &p->has_umask) < 0 ||
	    rd_string(r, u, "username", &p->username) < 0 ||
	    rd_array(r, u, "additionalGids", &gids) < 0)
		return -1;
	if (p->has_umask && p->umask > 0777) {
		size_t saved = rd_push_key(r, "umask");
		rd_error(r,
			 "%u is not a file mode mask (0 to 0777, written in decimal: 18 for 022)",
			 p->umask);
		rd_pop(r, saved);
		return -1;
	}
	if (!gids)
		return 0;
	size_t saved = rd_push_key(r, "additionalGids");
	p->additional_gids = rd_calloc(r, gids->count, sizeof *p->additional_gids);
	if (!p->additional_gids)
		return -1;
	json_foreach(c, gids)
	{
		size_t s2 = rd_push_index(r, i);
		if (rd_node_u32(r, c, &p->additional_gids[i]) < 0)
			return -1;
		p->n_additional_gids = ++i;
		rd_pop(r, s2);
	}
	rd_pop(r, saved);
	return 0;
}

static int validate_env(struct reader *r, char **env)
{
	for (size_t i = 0; env && env[i]; i++) {
		const char *eq = strchr(env[i], '=');
		if (!eq || eq == env[i]) {
			size_t saved = rd_push_key(r, "env");
			rd_push_index(r, i);
			rd_error(r, "\"%.64s\" is not of the form NAME=value", env[i]);
			rd_pop(r, saved);
			return -1;
		}
	}
	return 0;
}

static const struct {
	const char *name;
	int value;
} ioprio_classes[] = {
	{"IOPRIO_CLASS_RT", 1},
	{"IOPRIO_CLASS_BE", 2},
	{"IOPRIO_CLASS_IDLE", 3},
};

static int read_io_priority(struct reader *r, const struct json_node *n, struct ward_process *p)
{
	bool has_prio = false;

	if (rd_node_object(r, n) < 0 || rd_require(r, n, "class") < 0 ||
	    rd_string(r, n, "class", &p->io_priority_class) < 0 ||
	    rd_i32(r, n, "priority", &p->io_priority, &has_prio) < 0)
		return -1;
	p->io_priority_class_value = -1;
	for (size_t i = 0; i < ARRAY_SIZE(ioprio_classes); i++)
		if (strcmp(ioprio_classes[i].name, p->io_priority_class) == 0)
			p->io_priority_class_value = ioprio_classes[i].value;
	if (p->io_priority_class_value < 0)
		return rd_error(r,
				"class \"%.64s\" is not IOPRIO_CLASS_RT, IOPRIO_CLASS_BE or "
				"IOPRIO_CLASS_IDLE",
				p->io_priority_class);
	if (p->io_priority < 0 || p->io_priority > 7)
		return rd_error(r, "priority %d is out of range (0 to 7)", p->io_priority);
	p->has_io_priority = true;
	return 0;
}

static const struct {
	const char *name;
	int value;
} sched_policies[] = {
	{"SCHED_OTHER", SCHED_OTHER}, {"SCHED_FIFO", SCHED_FIFO}, {"SCHED_RR", SCHED_RR},
	{"SCHED_BATCH", SCHED_BATCH}, {"SCHED_ISO", 4},		  {"SCHED_IDLE", SCHED_IDLE},
	{"SCHED_DEADLINE", 6},
};

static const char *const sched_flags[] = {
	"SCHED_FLAG_RESET_ON_FORK",  "SCHED_FLAG_RECLAIM",     "SCHED_FLAG_DL_OVERRUN",
	"SCHED_FLAG_KEEP_POLICY",    "SCHED_FLAG_KEEP_PARAMS", "SCHED_FLAG_UTIL_CLAMP_MIN",
	"SCHED_FLAG_UTIL_CLAMP_MAX",
};

static int read_scheduler(struct reader *r, const struct json_node *n, struct ward_scheduler *s)
{
	if (rd_node_object(r, n) < 0 || rd_require(r, n, "policy") < 0 ||
	    rd_string(r, n, "policy", &s->policy) < 0 || rd_i32(r, n, "nice", &s->nice, NULL) < 0 ||
	    rd_i32(r, n, "priority", &s->priority, NULL) < 0 ||
	    rd_strv(r, n, "flags", &s->flags) < 0 ||
	    rd_u64(r, n, "runtime", &s->runtime, NULL) < 0 ||
	    rd_u64(r, n, "deadline", &s->deadline, NULL) < 0 ||
	    rd_u64(r, n, "period", &s->period, NULL) < 0)
		return -1;
	s->policy_value = -1;
	for (size_t i = 0; i < ARRAY_SIZE(sched_policies); i++)
		if (strcmp(sched_policies[i].name, s->policy) == 0)
			s->policy_value = sched_policies[i].value;
	if (s->policy_value < 0)
		return rd_error(r, "unknown scheduler policy \"%.64s\"", s->policy);
	if (s->nice < -20 || s->nice > 19)
		return rd_error(r, "nice %d is out of range (-20 to 19)", s->nice);
	for (size_t i = 0; s->flags && s->flags[i]; i++) {
		bool known = false;
		for (size_t j = 0; j < ARRAY_SIZE(sched_flags); j++)
			known |= strcmp(s->flags[i], sched_flags[j]) == 0;
		if (!known)
			return rd_error(r, "unknown scheduler flag \"%.64s\"", s->flags[i]);
	}
	s->present = true;
	return 0;
}

int spec_read_process(struct reader *r, const struct json_node *n, struct ward_process *p)
{
	const struct json_node *user, *caps, *rlimits, *console, *io, *sched, *affinity;

	if (rd_node_object(r, n) < 0)
		return -1;
	if (rd_bool(r, n, "terminal", &p->terminal, NULL) < 0 ||
	    rd_object(r, n, "consoleSize", &console) < 0 || rd_object(r, n, "user", &user) < 0 ||
	    rd_require(r, n, "args") < 0 || rd_strv(r, n, "args", &p->args) < 0 ||
	    rd_strv(r, n, "env", &p->env) < 0 || rd_require(r, n, "cwd") < 0 ||
	    rd_string(r, n, "cwd", &p->cwd) < 0 || rd_object(r, n, "capabilities", &caps) < 0 ||
	    rd_array(r, n, "rlimits", &rlimits) < 0 ||
	    rd_bool(r, n, "noNewPrivileges", &p->no_new_privileges, NULL) < 0 ||
	    rd_string(r, n, "apparmorProfile", &p->apparmor_profile) < 0 ||
	    rd_string(r, n, "selinuxLabel", &p->selinux_label) < 0 ||
	    rd_i32(r, n, "oomScoreAdj", &p->oom_score_adj, &p->has_oom_score_adj) < 0 ||
	    rd_object(r, n, "ioPriority", &io) < 0 || rd_object(r, n, "scheduler", &sched) < 0 ||
	    rd_object(r, n, "execCPUAffinity", &affinity) < 0)
		return -1;

	if (!p->args[0]) {
		size_t saved = rd_push_key(r, "args");
		rd_error(r, "must name the program to run (it is empty)");
		rd_pop(r, saved);
		return -1;
	}
	if (p->cwd[0] != '/') {
		size_t saved = rd_push_key(r, "cwd");
		rd_error(r, "\"%.64s\" is not an absolute path", p->cwd);
		rd_pop(r, saved);
		return -1;
	}
	if (validate_env(r, p->env) < 0)
		return -1;
	if (p->has_oom_score_adj && (p->oom_score_adj < -1000 || p->oom_score_adj > 1000)) {
		size_t saved = rd_push_key(r, "oomScoreAdj");
		rd_error(r, "%d is out of range (-1000 to 1000)", p->oom_score_adj);
		rd_pop(r, saved);
		return -1;
	}
	if (console) {
		size_t saved = rd_push_key(r, "consoleSize");
		if (rd_require(r, console, "height") < 0 || rd_require(r, console, "width") < 0 ||
		    rd_u32(r, console, "height", &p->console_height, NULL) < 0 ||
		    rd_u32(r, console, "width", &p->console_width, NULL) < 0)
			return -1;
		if (p->console_height > 65535 || p->console_width > 65535)
			return rd_error(r, "height and width must be at most 65535");
		p->has_console_size = true;
		rd_pop(r, saved);
	}
	if (user) {
		size_t saved = rd_push_key(r, "user");
		if (read_user(r, user, p) < 0)
			return -1;
		rd_pop(r, saved);
	}
	if (caps) {
		size_t saved = rd_push_key(r, "capabilities");
		if (read_capabilities(r, caps, &p->caps) < 0)
			return -1;
		p->has_capabilities = true;
		rd_pop(r, saved);
	}
	if (rlimits) {
		size_t saved = rd_push_key(r, "rlimits");
		if (read_rlimits(r, rlimits, p) < 0)
			return -1;
		rd_pop(r, saved);
	}
	if (io) {
		size_t saved = rd_push_key(r, "ioPriority");
		if (read_io_priority(r, io, p) < 0)
			return -1;
		rd_pop(r, saved);
	}
	if (sched) {
		size_t saved = rd_push_key(r, "scheduler");
		if (read_scheduler(r, sched, &p->scheduler) < 0)
			return -1;
		rd_pop(r, saved);
	}
	if (affinity) {
		size_t saved = rd_push_key(r, "execCPUAffinity");
		if (spec_read_exec_cpu_affinity(r, affinity, p) < 0)
			return -1;
		rd_pop(r, saved);
	}
	return 0;
}

void spec_process_free(struct ward_process *p)
{
	if (!p)
		return;
	free(p->additional_gids);
	free(p->username);
	strv_free(p->args);
	strv_free(p->env);
	free(p->cwd);
	for (size_t i = 0; i < p->n_rlimits; i++)
		free(p->rlimits[i].type);
	free(p->rlimits);
	free(p->apparmor_profile);
	free(p->selinux_label);
	free(p->io_priority_class);
	free(p->scheduler.policy);
	strv_free(p->scheduler.flags);
	free(p->exec_cpu_initial);
	free(p->exec_cpu_final);
	free(p);
}
