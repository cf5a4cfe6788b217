/* process: the program the container runs (config.json and exec --process). */
#include <sched.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ward/cleanup.h"
#include "names.h"
#include "reader.h"

/* A list of capability names into a mask; `has` tells the set was given. */
static int read_cap_set(struct reader *r, const struct json_node *arr, void *base,
			const struct rd_field *f)
{
	uint64_t *mask = rd_at(base, f->at);
	const struct json_node *c;
	size_t i = 0;

	json_foreach(c, arr)
	{
		size_t saved = rd_push_index(r, i++);
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
		rd_pop(r, saved);
	}
	return 0;
}

#define OF(member) offsetof(struct ward_capabilities, member)
#define CAP_SET(name, set)                                                                         \
	{                                                                                          \
		name, RD_ARRAY, .at = OF(set), RD_HAS(OF(has_##set)), .read = read_cap_set         \
	}
static const struct rd_field capabilities_fields[] = {
	CAP_SET("bounding", bounding),	     CAP_SET("effective", effective),
	CAP_SET("inheritable", inheritable), CAP_SET("permitted", permitted),
	CAP_SET("ambient", ambient),
};
#undef CAP_SET
#undef OF
static const struct rd_object capabilities_object = RD_TABLE(capabilities_fields, NULL);

static int check_rlimit_type(struct reader *r, void *base, const struct rd_field *f)
{
	struct ward_rlimit *rl = base;

	(void)f;
	rl->resource = spec_rlimit_from_name(rl->type);
	if (rl->resource < 0)
		return rd_error(r, "unknown rlimit \"%.64s\" (names look like \"RLIMIT_NOFILE\")",
				rl->type);
	return 0;
}

static int check_rlimit(struct reader *r, void *base)
{
	const struct ward_rlimit *rl = base;

	if (rl->soft > rl->hard)
		return rd_error(r, "soft limit %llu is above the hard limit %llu",
				(unsigned long long)rl->soft, (unsigned long long)rl->hard);
	return 0;
}

#define OF(member) offsetof(struct ward_rlimit, member)
static const struct rd_field rlimit_fields[] = {
	{"type", RD_STRING, .flags = RD_REQUIRED, .at = OF(type), .check = check_rlimit_type},
	{"hard", RD_U64, .flags = RD_REQUIRED, .at = OF(hard)},
	{"soft", RD_U64, .flags = RD_REQUIRED, .at = OF(soft)},
};
#undef OF
static const struct rd_object rlimit_object = RD_TABLE(rlimit_fields, check_rlimit);

static int read_rlimits(struct reader *r, const struct json_node *arr, void *base,
			const struct rd_field *f)
{
	struct ward_process *p = base;

	(void)f;
	if (rd_walk_array(r, arr, &rlimit_object, sizeof *p->rlimits, &p->rlimits, &p->n_rlimits) <
	    0)
		return -1;
	for (size_t i = 0; i < p->n_rlimits; i++) {
		for (size_t j = 0; j < i; j++) {
			if (p->rlimits[j].resource == p->rlimits[i].resource) {
				rd_push_index(r, i);
				return rd_error(r, "%s is set twice", p->rlimits[i].type);
			}
		}
	}
	return 0;
}

/* (uid_t)-1 is no ID: setresuid() and setresgid() read it as "leave unchanged", which would
 * leave the process root. The kernel's id maps stop at 4294967294 for the same reason. */
#define ID_UNCHANGED UINT32_MAX

static int check_id(struct reader *r, void *base, const struct rd_field *f)
{
	uint32_t id;

	memcpy(&id, (const char *)base + f->at, sizeof id);
	if (id == ID_UNCHANGED)
		return rd_error(r,
				"4294967295 is no ID (it means \"unchanged\" to the kernel): use "
				"0 to 4294967294");
	return 0;
}

static int read_gids(struct reader *r, const struct json_node *arr, void *base,
		     const struct rd_field *f)
{
	struct ward_process *p = base;
	const struct json_node *c;
	size_t i = 0;

	(void)f;
	p->additional_gids = rd_calloc(r, arr->count, sizeof *p->additional_gids);
	if (!p->additional_gids)
		return -1;
	json_foreach(c, arr)
	{
		size_t saved = rd_push_index(r, i);
		if (rd_node_u32(r, c, &p->additional_gids[i]) < 0)
			return -1;
		if (p->additional_gids[i] == ID_UNCHANGED)
			return rd_error(r, "4294967295 is no ID (it means \"unchanged\" to the "
					   "kernel): use 0 to 4294967294");
		p->n_additional_gids = ++i;
		rd_pop(r, saved);
	}
	return 0;
}

static int check_umask(struct reader *r, void *base, const struct rd_field *f)
{
	const struct ward_process *p = base;

	(void)f;
	if (p->umask > 0777)
		return rd_error(
			r, "%u is not a file mode mask (0 to 0777, written in decimal: 18 for 022)",
			p->umask);
	return 0;
}

#define OF(member) offsetof(struct ward_process, member)
static const struct rd_field user_fields[] = {
	{"uid", RD_U32, .at = OF(uid), .check = check_id},
	{"gid", RD_U32, .at = OF(gid), .check = check_id},
	{"umask", RD_U32, .at = OF(umask), RD_HAS(OF(has_umask)), .check = check_umask},
	{"username", RD_STRING, .at = OF(username)},
	{"additionalGids", RD_ARRAY, .read = read_gids},
};
static const struct rd_object user_object = RD_TABLE(user_fields, NULL);

static int check_console_size(struct reader *r, void *base)
{
	const struct ward_process *p = base;

	if (p->console_height > 65535 || p->console_width > 65535)
		return rd_error(r, "height and width must be at most 65535");
	return 0;
}

static const struct rd_field console_size_fields[] = {
	{"height", RD_U32, .flags = RD_REQUIRED, .at = OF(console_height)},
	{"width", RD_U32, .flags = RD_REQUIRED, .at = OF(console_width)},
};
static const struct rd_object console_size_object =
	RD_TABLE(console_size_fields, check_console_size);

static const struct {
	const char *name;
	int value;
} ioprio_classes[] = {
	{"IOPRIO_CLASS_RT", 1},
	{"IOPRIO_CLASS_BE", 2},
	{"IOPRIO_CLASS_IDLE", 3},
};

static int check_io_priority(struct reader *r, void *base)
{
	struct ward_process *p = base;

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
	return 0;
}

static const struct rd_field io_priority_fields[] = {
	{"class", RD_STRING, .flags = RD_REQUIRED, .at = OF(io_priority_class)},
	{"priority", RD_I32, .at = OF(io_priority)},
};
#undef OF
static const struct rd_object io_priority_object = RD_TABLE(io_priority_fields, check_io_priority);

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

static int check_scheduler(struct reader *r, void *base)
{
	struct ward_scheduler *s = base;

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
	return 0;
}

#define OF(member) offsetof(struct ward_scheduler, member)
static const struct rd_field scheduler_fields[] = {
	{"policy", RD_STRING, .flags = RD_REQUIRED, .at = OF(policy)},
	{"nice", RD_I32, .at = OF(nice)},
	{"priority", RD_I32, .at = OF(priority)},
	{"flags", RD_STRV, .at = OF(flags)},
	{"runtime", RD_U64, .at = OF(runtime)},
	{"deadline", RD_U64, .at = OF(deadline)},
	{"period", RD_U64, .at = OF(period)},
};
#undef OF
static const struct rd_object scheduler_object = RD_TABLE(scheduler_fields, check_scheduler);

static int check_args(struct reader *r, void *base, const struct rd_field *f)
{
	(void)f;
	if (!((struct ward_process *)base)->args[0])
		return rd_error(r, "must name the program to run (it is empty)");
	return 0;
}

static int check_env(struct reader *r, void *base, const struct rd_field *f)
{
	char **env = ((struct ward_process *)base)->env;

	(void)f;
	for (size_t i = 0; env[i]; i++) {
		const char *eq = strchr(env[i], '=');
		if (!eq || eq == env[i]) {
			rd_push_index(r, i);
			return rd_error(r, "\"%.64s\" is not of the form NAME=value", env[i]);
		}
	}
	return 0;
}

static int check_cwd(struct reader *r, void *base, const struct rd_field *f)
{
	const char *cwd = ((struct ward_process *)base)->cwd;

	(void)f;
	if (cwd[0] != '/')
		return rd_error(r, "\"%.64s\" is not an absolute path", cwd);
	return 0;
}

static int check_oom_score_adj(struct reader *r, void *base, const struct rd_field *f)
{
	int adj = ((struct ward_process *)base)->oom_score_adj;

	(void)f;
	if (adj < -1000 || adj > 1000)
		return rd_error(r, "%d is out of range (-1000 to 1000)", adj);
	return 0;
}

#define OF(member) offsetof(struct ward_process, member)
static const struct rd_field process_fields[] = {
	{"terminal", RD_BOOL, .at = OF(terminal)},
	{"consoleSize", RD_OBJECT, RD_HAS(OF(has_console_size)), .object = &console_size_object},
	{"user", RD_OBJECT, .object = &user_object},
	{"args", RD_STRV, .flags = RD_REQUIRED, .at = OF(args), .check = check_args},
	{"env", RD_STRV, .at = OF(env), .check = check_env},
	{"cwd", RD_STRING, .flags = RD_REQUIRED, .at = OF(cwd), .check = check_cwd},
	{"capabilities", RD_OBJECT, .at = OF(caps), RD_HAS(OF(has_capabilities)),
	 .object = &capabilities_object},
	{"rlimits", RD_ARRAY, .read = read_rlimits},
	{"noNewPrivileges", RD_BOOL, .at = OF(no_new_privileges)},
	{"apparmorProfile", RD_STRING, .at = OF(apparmor_profile)},
	{"selinuxLabel", RD_STRING, .at = OF(selinux_label)},
	{"oomScoreAdj", RD_I32, .at = OF(oom_score_adj), RD_HAS(OF(has_oom_score_adj)),
	 .check = check_oom_score_adj},
	{"ioPriority", RD_OBJECT, RD_HAS(OF(has_io_priority)), .object = &io_priority_object},
	{"scheduler", RD_OBJECT, .at = OF(scheduler),
	 RD_HAS(OF(scheduler) + offsetof(struct ward_scheduler, present)),
	 .object = &scheduler_object},
	{"execCPUAffinity", RD_OBJECT, .object = &spec_exec_cpu_affinity_object},
};
#undef OF
static const struct rd_object process_object = RD_TABLE(process_fields, NULL);

int spec_read_process(struct reader *r, const struct json_node *n, struct ward_process *p)
{
	return rd_walk(r, n, &process_object, p);
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
