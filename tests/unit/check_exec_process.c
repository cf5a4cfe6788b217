/* exec's flags become the container's process as JSON, read by config.json's reader: what
 * they set and keep, and that a bad flag gets config.json's reason naming the flag. */
#include <check.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/container/internal.h"
#include "ward/spec.h"

#define BIT(c) (1ull << (c))

static const char config[] =
	"{\"ociVersion\": \"1.0.2\", \"root\": {\"path\": \"rootfs\"},"
	" \"process\": {\"args\": [\"sleep\", \"60\"], \"cwd\": \"/\", \"terminal\": true,"
	"  \"env\": [\"PATH=/bin\", \"A=old\"], \"user\": {\"uid\": 5, \"gid\": 6, \"umask\": 18},"
	"  \"capabilities\": {\"bounding\": [\"CAP_KILL\"], \"effective\": [\"CAP_KILL\"],"
	"   \"inheritable\": [\"CAP_KILL\"]},"
	"  \"rlimits\": [{\"type\": \"RLIMIT_NOFILE\", \"hard\": 100, \"soft\": 50}],"
	"  \"oomScoreAdj\": 7}}";

static char *args[] = {"sh", "-c", "true", NULL};

static struct ward_process *run(const struct exec_options *o, const char *cfg,
				struct ward_error *err)
{
	return exec_process(o, cfg, strlen(cfg), err);
}

/* The reason config.json's process gets with the container's process patched by jq-like
 * text substitution: from, in config, replaced by to. */
static void config_reason(const char *from, const char *to, char *out, size_t len)
{
	char buf[2048];
	struct ward_error err = {0};
	const char *at = strstr(config, from);

	ck_assert_ptr_nonnull(at);
	snprintf(buf, sizeof buf, "%.*s%s%s", (int)(at - config), config, to, at + strlen(from));
	struct ward_spec *spec = spec_parse(buf, strlen(buf), "config.json", &err);
	ck_assert_ptr_null(spec);
	const char *reason = strstr(err.msg, "config.json: process.");
	ck_assert_ptr_nonnull(reason);
	snprintf(out, len, "%s", reason + strlen("config.json: "));
}

START_TEST(flags_apply_and_the_rest_of_the_process_is_kept)
{
	char *env[] = {"A=new", "B=added", NULL}, *caps[] = {"net_raw", NULL};
	char *gids[] = {"7", "8", NULL};
	struct exec_options o = {.args = args,
				 .env = env,
				 .cwd = "/tmp",
				 .user = "1000:1001",
				 .additional_gids = gids,
				 .caps = caps,
				 .no_new_privs = true,
				 .process_label = "l"};
	struct ward_error err = {0};
	struct ward_process *p = run(&o, config, &err);

	ck_assert_msg(p != NULL, "%s", err.msg);
	ck_assert_str_eq(p->args[0], "sh");
	ck_assert_str_eq(p->cwd, "/tmp");
	ck_assert_str_eq(p->env[0], "PATH=/bin");
	ck_assert_str_eq(p->env[1], "A=new");
	ck_assert_str_eq(p->env[2], "B=added");
	ck_assert_ptr_null(p->env[3]);
	ck_assert_uint_eq(p->uid, 1000);
	ck_assert_uint_eq(p->gid, 1001);
	ck_assert_uint_eq(p->n_additional_gids, 2);
	ck_assert_uint_eq(p->additional_gids[1], 8);
	ck_assert(p->has_umask && p->umask == 18);
	ck_assert(!p->terminal); /* --tty, not the container's */
	ck_assert(p->no_new_privileges);
	ck_assert_str_eq(p->selinux_label, "l");
	ck_assert_uint_eq(p->caps.bounding, BIT(CAP_KILL) | BIT(CAP_NET_RAW));
	ck_assert_uint_eq(p->caps.effective, BIT(CAP_KILL) | BIT(CAP_NET_RAW));
	ck_assert_uint_eq(p->caps.permitted, BIT(CAP_NET_RAW));
	ck_assert_uint_eq(p->caps.inheritable, BIT(CAP_KILL)); /* never added to */
	ck_assert_uint_eq(p->n_rlimits, 1);
	ck_assert(p->has_oom_score_adj && p->oom_score_adj == 7);
	spec_process_free(p);
}
END_TEST

START_TEST(user_without_gid_gets_gid_0)
{
	struct exec_options o = {.args = args, .user = "1000"};
	struct ward_error err = {0};
	struct ward_process *p = run(&o, config, &err);

	ck_assert_msg(p != NULL, "%s", err.msg);
	ck_assert_uint_eq(p->uid, 1000);
	ck_assert_uint_eq(p->gid, 0);
	spec_process_free(p);
}
END_TEST

START_TEST(bad_flags_get_config_json_s_reason_naming_the_flag)
{
	const struct {
		struct exec_options o;
		const char *from, *to; /* the same value in config.json */
		const char *flag;
	} cases[] = {
		{{.args = args, .cwd = "tmp"}, "\"cwd\": \"/\"", "\"cwd\": \"tmp\"", "--cwd"},
		{{.args = args, .user = "nobody"}, "\"uid\": 5", "\"uid\": \"nobody\"", "--user"},
		{{.args = args, .user = "4294967296"},
		 "\"uid\": 5",
		 "\"uid\": 4294967296",
		 "--user"},
		{{.args = args, .user = "1:-2"}, "\"gid\": 6", "\"gid\": -2", "--user"},
		{{.args = args, .env = (char *[]){"=x", NULL}},
		 "\"A=old\"",
		 "\"A=old\", \"=x\"",
		 "--env"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct ward_error err = {0};
		char want[1024];
		ck_assert_ptr_null(run(&cases[i].o, config, &err));
		config_reason(cases[i].from, cases[i].to, want, sizeof want);
		ck_assert_msg(strncmp(err.msg, cases[i].flag, strlen(cases[i].flag)) == 0 &&
				      strcmp(err.msg + strlen(cases[i].flag), ": ") > 0 &&
				      strcmp(err.msg + strlen(cases[i].flag) + 2, want) == 0,
			      "case %zu: exec says \"%s\", config.json \"%s\"", i, err.msg, want);
	}
}
END_TEST

START_TEST(unknown_cap_gets_the_reader_s_reason)
{
	char *caps[] = {"CAP_NO_SUCH", NULL};
	struct exec_options o = {.args = args, .caps = caps};
	struct ward_error err = {0};

	ck_assert_ptr_null(run(&o, config, &err));
	ck_assert_str_eq(err.msg, "--cap: process.capabilities.bounding[1]: unknown capability "
				  "\"CAP_NO_SUCH\" (names look like \"CAP_NET_BIND_SERVICE\")");
}
END_TEST

START_TEST(cap_without_config_capabilities_makes_them_judged)
{
	static const char nocaps[] = "{\"process\": {\"args\": [\"x\"], \"cwd\": \"/\"}}";
	char *caps[] = {"CAP_SYS_ADMIN", NULL};
	struct exec_options o = {.args = args, .caps = caps};
	struct ward_error err = {0};
	struct ward_process *p = run(&o, nocaps, &err);

	ck_assert_msg(p != NULL, "%s", err.msg);
	ck_assert(p->has_capabilities); /* the policy judges what has_capabilities says is there */
	ck_assert_uint_eq(p->caps.bounding, BIT(CAP_SYS_ADMIN));
	ck_assert_uint_eq(p->caps.inheritable, 0);
	spec_process_free(p);
}
END_TEST

START_TEST(no_command_and_no_process_are_refused)
{
	struct exec_options none = {.args = (char *[]){NULL}};
	struct exec_options o = {.args = args};
	struct ward_error err = {0};

	ck_assert_ptr_null(run(&none, config, &err));
	ck_assert_str_eq(err.msg, "exec: a command to run (or --process) is required");
	ck_assert_ptr_null(run(&o, "{\"ociVersion\": \"1.0.2\"}", &err));
	ck_assert_str_eq(err.msg, "exec: the container's config has no process to start from");
}
END_TEST

static Suite *exec_process_suite(void)
{
	Suite *s = suite_create("exec_process");
	TCase *t = tcase_create("flags");

	tcase_add_test(t, flags_apply_and_the_rest_of_the_process_is_kept);
	tcase_add_test(t, user_without_gid_gets_gid_0);
	tcase_add_test(t, bad_flags_get_config_json_s_reason_naming_the_flag);
	tcase_add_test(t, unknown_cap_gets_the_reader_s_reason);
	tcase_add_test(t, cap_without_config_capabilities_makes_them_judged);
	tcase_add_test(t, no_command_and_no_process_are_refused);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(exec_process_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
