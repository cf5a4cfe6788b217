/* The process `exec` runs. --process FILE is read as a process object; exec's flags are applied
 * to the container's process as JSON (the config.json copy in the state directory), and the
 * result is read the same way: one reader and one set of validators for config.json,
 * --process and the flags, and the policy judges what they produce alike. */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "ward/cleanup.h"
#include "ward/json.h"
#include "ward/json_gen.h"
#include "ward/util.h"
#include "internal.h"

/* Copies a parsed JSON value into g. */
static void gen_node(yajl_gen g, const struct json_node *n)
{
	const struct json_node *c;

	switch (n->type) {
	case JSON_NULL:
		yajl_gen_null(g);
		break;
	case JSON_BOOL:
		yajl_gen_bool(g, n->boolean);
		break;
	case JSON_NUMBER:
		yajl_gen_number(g, n->str, strlen(n->str));
		break;
	case JSON_STRING:
		yajl_gen_string(g, (const unsigned char *)n->str, n->len);
		break;
	case JSON_ARRAY:
		yajl_gen_array_open(g);
		json_foreach(c, n)
		{
			gen_node(g, c);
		}
		yajl_gen_array_close(g);
		break;
	case JSON_OBJECT:
		yajl_gen_map_open(g);
		json_foreach(c, n)
		{
			yajl_gen_string(g, (const unsigned char *)c->key, c->key_len);
			gen_node(g, c);
		}
		yajl_gen_map_close(g);
		break;
	}
}

static bool is_one_of(const struct json_node *member, const char *const *keys)
{
	for (; *keys; keys++)
		if (strlen(*keys) == member->key_len &&
		    memcmp(member->key, *keys, member->key_len) == 0)
			return true;
	return false;
}

/* The members of obj (may be NULL) but those named in skip. */
static void gen_members_but(yajl_gen g, const struct json_node *obj, const char *const *skip)
{
	const struct json_node *c;

	if (!obj || obj->type != JSON_OBJECT)
		return;
	json_foreach(c, obj)
	{
		if (is_one_of(c, skip))
			continue;
		yajl_gen_string(g, (const unsigned char *)c->key, c->key_len);
		gen_node(g, c);
	}
}

/* A flag's value where the config has a number: the literal when it looks like one (the
 * reader then checks its range), else a string (which the reader refuses by type). */
static void gen_number_text(yajl_gen g, const char *s)
{
	size_t n = strlen(s), digits = strspn(s + (s[0] == '-'), "0123456789");

	if (digits && digits + (s[0] == '-') == n && n < 32)
		yajl_gen_number(g, s, n);
	else
		json_gen_str(g, s);
}

static void gen_strv(yajl_gen g, char *const *v)
{
	yajl_gen_array_open(g);
	for (size_t i = 0; v && v[i]; i++)
		json_gen_str(g, v[i]);
	yajl_gen_array_close(g);
}

/* --env NAME=VALUE replaces the container's NAME, or is added. */
static int merged_env(const struct json_node *env, char *const *add, char ***out)
{
	cleanup_strv char **v = NULL;
	const struct json_node *c;

	if (env && env->type == JSON_ARRAY) {
		json_foreach(c, env)
		{
			if (c->type == JSON_STRING && strv_push(&v, c->str) < 0)
				return -1;
		}
	}
	for (size_t i = 0; add && add[i]; i++) {
		size_t klen = strcspn(add[i], "=") + 1, j = 0;
		while (v && v[j] && strncmp(v[j], add[i], klen) != 0)
			j++;
		if (!v || !v[j]) {
			if (strv_push(&v, add[i]) < 0)
				return -1;
			continue;
		}
		char *s = strdup(add[i]);
		if (!s)
			return -1;
		free(v[j]);
		v[j] = s;
	}
	*out = steal_ptr(v);
	return 0;
}

/* --cap names as the config spells them ("net_raw" is CAP_NET_RAW); an unknown one is left as
 * given, for the reader to refuse. */
static const char *cap_spelling(const char *name)
{
	for (int c = 0; c < spec_cap_count(); c++)
		if (strcasecmp(spec_cap_name(c), name) == 0 ||
		    (strncasecmp(name, "CAP_", 4) != 0 &&
		     strcasecmp(spec_cap_name(c) + 4, name) == 0))
			return spec_cap_name(c);
	return name;
}

/* --cap adds to the bounding, effective and permitted sets, never to the inheritable one
 * (CVE-2022-29162). */
static void gen_capabilities(yajl_gen g, const struct json_node *caps, char *const *add)
{
	static const char *const sets[] = {"bounding", "effective", "permitted", NULL};

	yajl_gen_map_open(g);
	gen_members_but(g, caps, sets);
	for (size_t s = 0; sets[s]; s++) {
		const struct json_node *have = caps ? json_get(caps, sets[s]) : NULL, *c;
		json_gen_str(g, sets[s]);
		yajl_gen_array_open(g);
		if (have && have->type == JSON_ARRAY)
			json_foreach(c, have)
			{
				gen_node(g, c);
			}
		for (size_t i = 0; add[i]; i++)
			json_gen_str(g, cap_spelling(add[i]));
		yajl_gen_array_close(g);
	}
	yajl_gen_map_close(g);
}

/* --user UID[:GID] (GID 0 when absent) and --additional-gids replace the container's. */
static void gen_user(yajl_gen g, const struct json_node *user, const struct exec_options *o)
{
	const char *skip[4];
	size_t n = 0;
	char id[128];
	char *gid = NULL;

	if (o->user) {
		skip[n++] = "uid";
		skip[n++] = "gid";
		snprintf(id, sizeof id, "%s", o->user);
		gid = strchr(id, ':');
		if (gid)
			*gid++ = '\0';
	}
	if (o->additional_gids)
		skip[n++] = "additionalGids";
	skip[n] = NULL;
	yajl_gen_map_open(g);
	gen_members_but(g, user, skip);
	if (o->user) {
		json_gen_str(g, "uid");
		gen_number_text(g, id);
		json_gen_str(g, "gid");
		gen_number_text(g, gid ? gid : "0");
	}
	if (o->additional_gids) {
		json_gen_str(g, "additionalGids");
		yajl_gen_array_open(g);
		for (size_t i = 0; o->additional_gids[i]; i++)
			gen_number_text(g, o->additional_gids[i]);
		yajl_gen_array_close(g);
	}
	yajl_gen_map_close(g);
}

static void gen_string_member(yajl_gen g, const char *key, const char *value)
{
	if (!value)
		return;
	json_gen_str(g, key);
	json_gen_str(g, value);
}

/* The container's process (proc) with exec's flags applied; env is already merged. */
static void gen_exec_process(yajl_gen g, const struct json_node *proc, char *const *env,
			     const struct exec_options *o)
{
	const char *skip[12] = {"args", "env", "terminal"};
	size_t n = 3;

	if (o->cwd)
		skip[n++] = "cwd";
	if (o->user || o->additional_gids)
		skip[n++] = "user";
	if (o->caps)
		skip[n++] = "capabilities";
	if (o->no_new_privs)
		skip[n++] = "noNewPrivileges";
	if (o->apparmor)
		skip[n++] = "apparmorProfile";
	if (o->process_label)
		skip[n++] = "selinuxLabel";
	yajl_gen_map_open(g);
	gen_members_but(g, proc, skip);
	json_gen_str(g, "args");
	gen_strv(g, o->args);
	json_gen_str(g, "env");
	gen_strv(g, env);
	json_gen_str(g, "terminal");
	yajl_gen_bool(g, o->tty);
	gen_string_member(g, "cwd", o->cwd);
	gen_string_member(g, "apparmorProfile", o->apparmor);
	gen_string_member(g, "selinuxLabel", o->process_label);
	if (o->no_new_privs) {
		json_gen_str(g, "noNewPrivileges");
		yajl_gen_bool(g, true);
	}
	if (o->user || o->additional_gids) {
		json_gen_str(g, "user");
		gen_user(g, json_get(proc, "user"), o);
	}
	if (o->caps) {
		json_gen_str(g, "capabilities");
		gen_capabilities(g, json_get(proc, "capabilities"), o->caps);
	}
	yajl_gen_map_close(g);
}

/* The reader's error for the flags' process ("exec: <path>: <reason>") names the flag that gave
 * the field, then the field as config.json's error does: "--cwd: process.cwd: <reason>". */
static void name_the_flag(struct ward_error *err)
{
	static const struct {
		const char *path, *flag;
	} flags[] = {
		{"env", "--env"},
		{"cwd", "--cwd"},
		{"user.additionalGids", "--additional-gids"},
		{"user.uid", "--user"},
		{"user.gid", "--user"},
		{"capabilities", "--cap"},
		{"apparmorProfile", "--apparmor"},
		{"selinuxLabel", "--process-label"},
	};
	char msg[WARD_ERROR_MAX];
	const char *path = err->msg + strlen("exec: ");
	size_t len = strcspn(path, ": ");
	const char *flag = "exec";

	if (strncmp(err->msg, "exec: ", strlen("exec: ")) != 0 || strncmp(path + len, ": ", 2) != 0)
		return;
	for (size_t i = 0; i < ARRAY_SIZE(flags); i++) {
		size_t n = strlen(flags[i].path);
		if (strncmp(path, flags[i].path, n) == 0 && strchr(":.[", path[n])) {
			flag = flags[i].flag;
			break;
		}
	}
	snprintf(msg, sizeof msg, "%s: process.%s", flag, path);
	snprintf(err->msg, sizeof err->msg, "%s", msg);
}

static struct ward_process *read_process_file(const char *path, struct ward_error *err)
{
	cleanup_free char *buf = NULL;
	size_t len;

	if (strcmp(path, "-") == 0
		    ? read_fd_limited(STDIN_FILENO, JSON_MAX_BYTES, &buf, &len, err) < 0
		    : read_file_limited(path, JSON_MAX_BYTES, &buf, &len, err) < 0)
		return NULL;
	return spec_parse_process(buf, len, "--process", err);
}

struct ward_process *exec_process(const struct exec_options *o, const char *config, size_t len,
				  struct ward_error *err)
{
	cleanup_json struct json_doc *doc = NULL;
	cleanup_json_gen yajl_gen g = NULL;
	cleanup_strv char **env = NULL;
	const unsigned char *buf;
	size_t blen;

	if (o->process_file)
		return read_process_file(o->process_file, err);
	if (!o->args || !o->args[0]) {
		ward_fail(err, 0, "exec: a command to run (or --process) is required");
		return NULL;
	}
	doc = json_parse(config, len, err);
	const struct json_node *proc = doc ? json_get(json_root(doc), "process") : NULL;
	if (!proc) {
		if (doc)
			ward_fail(err, 0,
				  "exec: the container's config has no process to start from");
		return NULL;
	}
	g = yajl_gen_alloc(NULL);
	if (!g || merged_env(json_get(proc, "env"), o->env, &env) < 0) {
		ward_fail(err, ENOMEM, "exec");
		return NULL;
	}
	gen_exec_process(g, proc, env, o);
	if (yajl_gen_get_buf(g, &buf, &blen) != yajl_gen_status_ok) {
		ward_fail(err, ENOMEM, "exec");
		return NULL;
	}
	struct ward_process *p = spec_parse_process((const char *)buf, blen, "exec", err);
	if (!p)
		name_the_flag(err);
	return p;
}
