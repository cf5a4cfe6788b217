/* The audit trail's events: one line of JSON each, whatever the config's strings hold (a
 * newline or `"}` in a field cannot end the event or start another), with the verdict's
 * refusals, overrides and hardening by check name and JSON path. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../../src/container/internal.h"
#include "ward/json.h"
#include "ward/spec.h"

static const char config[] =
	"{\"ociVersion\": \"1.0.2\", \"root\": {\"path\": \"rootfs\"},"
	" \"annotations\": {\"note\": \"x\\\"}\\n{\\\"event\\\":\\\"forged\\\"}\\r\\n\\u0001\"},"
	" \"process\": {\"args\": [\"sh\", \"-c\", \"\\\"}\\n{\\\"event\\\":\\\"forged\\\"}\\\\\"],"
	"  \"cwd\": \"/\"}}";

/* A trail whose sink is a memory file, as if audit_open() had opened one. */
static void memory_trail(struct audit_trail *a, const char *event)
{
	memset(a, 0, sizeof *a);
	a->kind = AUDIT_SINK_FILE;
	a->fd = memfd_create("audit", MFD_CLOEXEC);
	ck_assert_int_ge(a->fd, 0);
	a->setting = strdup("file:/var/log/ward/audit.jsonl");
	a->path = strdup("/var/log/ward/audit.jsonl");
	a->policy = strdup("/etc/ward/policy.conf");
	a->event = event;
	a->id = "c1";
	a->caller_pid = 42;
	a->caller_exe = strdup("/usr/bin/containerd-shim-runc-v2");
}

/* What the sink holds: exactly one line, parsed. */
static struct json_doc *the_event(const struct audit_trail *a)
{
	static char buf[65536];
	struct ward_error err = {0};
	ssize_t n = pread(a->fd, buf, sizeof buf - 1, 0);

	ck_assert_int_gt(n, 0);
	buf[n] = '\0';
	ck_assert_int_eq(buf[n - 1], '\n');
	ck_assert_ptr_eq(strchr(buf, '\n'), buf + n - 1);
	struct json_doc *doc = json_parse(buf, (size_t)n, &err);
	ck_assert_msg(doc != NULL, "%s: %s", err.msg, buf);
	return doc;
}

static const char *str(const struct json_node *obj, const char *key)
{
	const struct json_node *v = json_get(obj, key);
	ck_assert_msg(v && v->type == JSON_STRING, "%s", key);
	return v->str;
}

START_TEST(config_strings_cannot_forge_an_event)
{
	struct ward_error err = {0};
	struct audit_trail a;
	struct launch l;

	memory_trail(&a, "create");
	cleanup_spec struct ward_spec *spec =
		spec_parse(config, strlen(config), "config.json", &err);
	ck_assert_msg(spec != NULL, "%s", err.msg);
	launch_init(&l, "c1");
	l.spec = spec;
	l.process = spec->process;
	l.bundle = "/b\n{\"x\":1}";
	ck_assert_int_eq(audit_launch(&a, &l, NULL, &err), 0);
	struct json_doc *doc = the_event(&a);
	const struct json_node *e = json_root(doc);
	ck_assert_str_eq(str(e, "event"), "create");
	ck_assert_str_eq(str(e, "id"), "c1");
	ck_assert_str_eq(str(e, "result"), "ok");
	ck_assert_str_eq(str(e, "bundle"), "/b\n{\"x\":1}");
	ck_assert_str_eq(str(json_get(e, "annotations"), "note"),
			 "x\"}\n{\"event\":\"forged\"}\r\n\x01");
	ck_assert_str_eq(json_get(e, "args")->last->str, "\"}\n{\"event\":\"forged\"}\\");
	ck_assert_str_eq(str(json_get(e, "caller"), "exe"), "/usr/bin/containerd-shim-runc-v2");
	json_free(doc);
	audit_close(&a);
}
END_TEST

START_TEST(refusals_name_check_and_path)
{
	struct ward_error err = {0}, result = {0};
	struct audit_trail a;
	struct launch l;
	struct policy_finding v = {.check = policy_check_find("cap-sys-admin"),
				   .path = "process.capabilities.bounding[0]",
				   .detail = "CAP_SYS_ADMIN\n"};

	memory_trail(&a, "exec");
	cleanup_spec struct ward_spec *spec =
		spec_parse(config, strlen(config), "config.json", &err);
	launch_init(&l, "c1");
	l.spec = spec;
	l.process = spec->process;
	l.verdict.violations = &v;
	l.verdict.n_violations = 1;
	snprintf(result.msg, sizeof result.msg, "exec: refused\n  %s", v.path);
	ck_assert_int_eq(audit_launch(&a, &l, &result, &err), 0);
	struct json_doc *doc = the_event(&a);
	const struct json_node *e = json_root(doc);
	ck_assert_str_eq(str(e, "verdict"), "refused");
	ck_assert_str_eq(str(e, "result"), "error");
	ck_assert_str_eq(str(e, "error"), result.msg);
	const struct json_node *r = json_get(e, "refusals")->first;
	ck_assert_str_eq(str(r, "check"), "cap-sys-admin");
	ck_assert_str_eq(str(r, "path"), "process.capabilities.bounding[0]");
	ck_assert_str_eq(str(r, "detail"), "CAP_SYS_ADMIN\n");
	json_free(doc);
	audit_close(&a);
}
END_TEST

START_TEST(delete_reports_complain_findings_escaped)
{
	struct ward_error err = {0};
	struct audit_trail a;
	struct complain_finding f = {.name = "mkdir", .comm = "a\"}\n{", .pid = 7, .count = 3};

	memory_trail(&a, "delete");
	a.bundle = strdup("/srv/b");
	a.mode = LEARN_MODE_COMPLAIN;
	a.mode_target = strdup("");
	a.findings.f = malloc(sizeof f);
	a.findings.f[0] = f;
	a.findings.n = 1;
	ck_assert_int_eq(audit_write(&a, NULL, &err), 0);
	struct json_doc *doc = the_event(&a);
	const struct json_node *e = json_root(doc);
	ck_assert_str_eq(str(e, "event"), "delete");
	ck_assert_str_eq(str(json_get(e, "seccomp_mode"), "mode"), "complain");
	ck_assert_ptr_null(json_get(json_get(e, "seccomp_mode"), "file")); /* null */
	const struct json_node *c = json_get(e, "complain_findings")->first;
	ck_assert_str_eq(str(c, "syscall"), "mkdir");
	ck_assert_str_eq(str(c, "comm"), "a\"}\n{");
	ck_assert_str_eq(json_get(c, "count")->str, "3");
	json_free(doc);
	audit_close(&a);
}
END_TEST

START_TEST(no_sink_writes_nothing)
{
	struct ward_error err = {0};
	struct audit_trail a;

	memset(&a, 0, sizeof a);
	a.fd = -1;
	ck_assert_int_eq(audit_write(&a, NULL, &err), 0);
	audit_close(&a);
}
END_TEST

START_TEST(a_file_the_container_reaches_is_refused)
{
	struct ward_error err = {0};
	struct audit_trail a;
	struct ward_spec *spec = spec_parse(config, strlen(config), "config.json", &err);

	memory_trail(&a, "create");
	free(a.path);
	a.path = strdup("/srv/bundle/rootfs/var/log/audit.jsonl");
	ck_assert_int_eq(audit_check_reach(&a, "/srv/other", spec, &err), 0);
	ck_assert_int_eq(audit_check_reach(&a, "/srv/bundle", spec, &err), -1);
	ck_assert_msg(strstr(err.msg, "under the bundle (/srv/bundle)"), "%s", err.msg);
	free(a.path);
	a.path = strdup("/srv/bundlex/audit.jsonl");
	ck_assert_int_eq(audit_check_reach(&a, "/srv/bundle", spec, &err), 0);
	spec_free(spec);
	audit_close(&a);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("audit");
	TCase *t = tcase_create("events");
	SRunner *sr;
	int failed;

	tcase_add_test(t, config_strings_cannot_forge_an_event);
	tcase_add_test(t, refusals_name_check_and_path);
	tcase_add_test(t, delete_reports_complain_findings_escaped);
	tcase_add_test(t, no_sink_writes_nothing);
	tcase_add_test(t, a_file_the_container_reaches_is_refused);
	suite_add_tcase(s, t);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
