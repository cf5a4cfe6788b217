/* The policy on devices: each check trips on the config that violates it and stays quiet on the
 * nearest one that is allowed, judged on what the parser made of config.json (a major of -1 is
 * the wildcard, 4294967297 is no major at all); the admin's `device` lines; the host-console-rule
 * hardening and what it leaves for the device program; the engines' configs with and without
 * --device and --privileged. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ward/cleanup.h"
#include "ward/policy.h"
#include "ward/util.h"

static struct ward_spec *load(const char *name)
{
	struct ward_error err = {0};
	char path[512];
	snprintf(path, sizeof path, "%s/%s", TEST_DATA_DIR, name);
	struct ward_spec *s = spec_parse_file(path, "config.json", &err);
	ck_assert_msg(s != NULL, "%s", err.msg);
	/* Docker's prestart hook names a dockerd this host lacks; hooks are check_policy's. */
	for (size_t i = 0; i < s->hooks.count[WARD_HOOK_PRESTART]; i++) {
		free(s->hooks.list[WARD_HOOK_PRESTART][i].path);
		strv_free(s->hooks.list[WARD_HOOK_PRESTART][i].args);
	}
	free(s->hooks.list[WARD_HOOK_PRESTART]);
	s->hooks.list[WARD_HOOK_PRESTART] = NULL;
	s->hooks.count[WARD_HOOK_PRESTART] = 0;
	return s;
}

/* A config that passes baseline, with `linux_extra` added to its linux object. */
static struct ward_spec *config(const char *linux_extra)
{
	char json[4096];
	struct ward_error err = {0};
	int n = snprintf(
		json, sizeof json,
		"{\"ociVersion\": \"1.2.0\", \"root\": {\"path\": \"rootfs\"},"
		" \"process\": {\"args\": [\"sh\"], \"cwd\": \"/\","
		" \"user\": {\"uid\": 0, \"gid\": 0}},"
		" \"linux\": {\"namespaces\": [{\"type\": \"pid\"}, {\"type\": \"network\"},"
		" {\"type\": \"ipc\"}, {\"type\": \"uts\"}, {\"type\": \"mount\"}]%s%s}}",
		linux_extra[0] ? ", " : "", linux_extra);
	ck_assert_int_lt(n, (int)sizeof json);
	for (char *p = json; *p; p++)
		if (*p == '\'')
			*p = '"';
	struct ward_spec *s = spec_parse(json, strlen(json), "config.json", &err);
	ck_assert_msg(s != NULL, "%s: %s", json, err.msg);
	return s;
}

/* Only the rules, after a deny-all as engines send. */
static struct ward_spec *rules(const char *list)
{
	char extra[2048];
	snprintf(extra, sizeof extra,
		 "'resources': {'devices': [{'allow': false, 'access': 'rwm'}, %s]}", list);
	return config(extra);
}

static struct ward_spec *devices(const char *list)
{
	char extra[2048];
	snprintf(extra, sizeof extra, "'devices': [%s]", list);
	return config(extra);
}

static struct policy pol(const char *text)
{
	struct policy p;
	struct ward_error err = {0};
	memset(&p, 0, sizeof p);
	ck_assert_msg(policy_parse(text, strlen(text), "test.conf", &p, &err) == 0, "%s", err.msg);
	p.file = strdup("test.conf");
	p.file_present = true;
	return p;
}

static struct policy_verdict judge_with(const char *policy_text, struct ward_spec *s)
{
	struct policy p = pol(policy_text);
	struct policy_verdict v;
	struct ward_error err = {0};
	struct ward_plan plan;
	ck_assert_msg(plan_build(s, TEST_DATA_DIR, NULL, PLAN_RESOLVE, &plan, &err) == 0, "%s",
		      err.msg);
	ck_assert_msg(policy_evaluate(&p, s, &plan, &v, &err) == 0, "%s", err.msg);
	plan_clear(&plan);
	policy_clear(&p);
	return v;
}

static const struct policy_finding *find(const struct policy_finding *f, size_t n,
					 const char *check)
{
	size_t count;
	const struct policy_check *t = policy_checks(&count);
	for (size_t i = 0; i < n; i++)
		if (strcmp(t[f[i].check].name, check) == 0)
			return &f[i];
	return NULL;
}

#define VIOLATION(v, c) find((v).violations, (v).n_violations, c)
#define OVERRIDE(v, c)	find((v).overrides, (v).n_overrides, c)
#define HARDENED(v, c)	find((v).hardened, (v).n_hardened, c)

/* Judges s under policy_text: exactly one violation, of `check` at `path` (when given) with
 * `detail` (when given); or none when check is NULL. Frees s. */
static void expect_with(const char *policy_text, struct ward_spec *s, const char *check,
			const char *path, const char *detail)
{
	struct policy_verdict v = judge_with(policy_text, s);
	size_t n;
	const struct policy_check *t = policy_checks(&n);
	if (check) {
		const struct policy_finding *f = VIOLATION(v, check);
		ck_assert_msg(f != NULL, "expected %s, got %zu violations%s%s", check,
			      v.n_violations, v.n_violations ? ", the first " : "",
			      v.n_violations ? t[v.violations[0].check].name : "");
		ck_assert_msg(v.n_violations == 1, "expected only %s, got %zu violations", check,
			      v.n_violations);
		if (path)
			ck_assert_str_eq(f->path, path);
		if (detail)
			ck_assert_str_eq(f->detail, detail);
	} else {
		ck_assert_msg(v.n_violations == 0, "expected none, got %s at %s: %s",
			      t[v.violations[0].check].name, v.violations[0].path,
			      v.violations[0].detail);
	}
	policy_verdict_clear(&v);
	spec_free(s);
}

static void expect(struct ward_spec *s, const char *check, const char *path, const char *detail)
{
	expect_with("", s, check, path, detail);
}

START_TEST(the_config_these_tests_start_from_passes)
{
	expect(config(""), NULL, NULL, NULL);
	expect(rules("{'allow': true, 'type': 'c', 'major': 1, 'minor': 3, 'access': 'rwm'}"), NULL,
	       NULL, NULL);
}
END_TEST

/* ---- device-rule-allow-all ---------------------------------------------------------------- */

START_TEST(a_wildcard_major_allows_every_device)
{
	expect(rules("{'allow': true, 'access': 'rwm'}"), "device-rule-allow-all",
	       "linux.resources.devices[1]", "allows rwm on every device");
	expect(rules("{'allow': true, 'type': 'c', 'access': 'rw'}"), "device-rule-allow-all", NULL,
	       "allows rw on every char device");
	/* -1 is the wildcard, judged as such (it passed as "major -1" before). */
	expect(rules("{'allow': true, 'type': 'c', 'major': -1, 'minor': -1, 'access': 'rw'}"),
	       "device-rule-allow-all", "linux.resources.devices[1]",
	       "allows rw on every char device");
	expect(rules("{'allow': true, 'type': 'a', 'major': -1, 'access': 'r'}"),
	       "device-rule-allow-all", NULL, "allows r on every device");
	/* An empty access is every access, in the program as in the policy. */
	expect(rules("{'allow': true, 'type': 'c', 'access': ''}"), "device-rule-allow-all", NULL,
	       "allows rwm on every char device");
	expect(rules("{'allow': true, 'type': 'b', 'major': -1, 'access': 'w'}"), "device-block",
	       NULL, "allows w on every block device");
	/* Nearest allowed: mknod of anything (Docker's default), or a deny. */
	expect(rules("{'allow': true, 'type': 'c', 'major': -1, 'minor': -1, 'access': 'm'}, "
		     "{'allow': true, 'type': 'b', 'access': 'm'}"),
	       NULL, NULL, NULL);
	expect(rules("{'allow': false, 'type': 'c', 'major': -1, 'access': 'rw'}"), NULL, NULL,
	       NULL);
}
END_TEST

/* ---- device-block ------------------------------------------------------------------------- */

START_TEST(block_devices_need_the_admin)
{
	expect(devices("{'path': '/dev/sda', 'type': 'b', 'major': 8, 'minor': 0}"), "device-block",
	       "linux.devices[0]", "/dev/sda (block 8:0)");
	expect(rules("{'allow': true, 'type': 'b', 'major': 7, 'access': 'rw'}"), "device-block",
	       NULL, "a rule allowing rw (block 7:*)");
	/* type a with a number is the block device as well: b 1:3 is a RAM disk. */
	expect(rules("{'allow': true, 'type': 'a', 'major': 1, 'minor': 3, 'access': 'rwm'}"),
	       "device-block", NULL, "a rule allowing rwm (block 1:3)");
	expect_with("device = b 7:0",
		    devices("{'path': '/dev/loop0', 'type': 'b', 'major': 7, 'minor': 0}"), NULL,
		    NULL, NULL);
	expect_with("device = b 7:*",
		    rules("{'allow': true, 'type': 'b', 'major': 7, 'access': 'rw'}"), NULL, NULL,
		    NULL);
	/* The admin's line covers one device, not its neighbours nor every minor. */
	expect_with("device = b 7:0",
		    devices("{'path': '/dev/loop1', 'type': 'b', 'major': 7, 'minor': 1}"),
		    "device-block", NULL, NULL);
	expect_with("device = b 7:0",
		    rules("{'allow': true, 'type': 'b', 'major': 7, 'access': 'rw'}"),
		    "device-block", NULL, NULL);
	expect_with("device = c 7:0",
		    devices("{'path': '/dev/loop0', 'type': 'b', 'major': 7, 'minor': 0}"),
		    "device-block", NULL, NULL);
}
END_TEST

/* ---- device-kernel-access ----------------------------------------------------------------- */

START_TEST(kernel_devices_are_refused)
{
	static const char *const entries[] = {
		"{'path': '/dev/mem', 'type': 'c', 'major': 1, 'minor': 1}",
		"{'path': '/dev/kmem', 'type': 'c', 'major': 1, 'minor': 2}",
		"{'path': '/dev/port', 'type': 'c', 'major': 1, 'minor': 4}",
		"{'path': '/dev/kmsg', 'type': 'c', 'major': 1, 'minor': 11}",
		"{'path': '/dev/nvram', 'type': 'c', 'major': 10, 'minor': 144}",
		"{'path': '/dev/snapshot', 'type': 'c', 'major': 10, 'minor': 231}",
		"{'path': '/dev/cpu/0/msr', 'type': 'c', 'major': 202, 'minor': 0}",
		"{'path': '/dev/cpu/3/cpuid', 'type': 'u', 'major': 203, 'minor': 3}",
		/* The name is no disguise: the number is what mknod and the program use. */
		"{'path': '/dev/innocent', 'type': 'c', 'major': 1, 'minor': 11}",
	};
	for (size_t i = 0; i < sizeof entries / sizeof entries[0]; i++)
		expect(devices(entries[i]), "device-kernel-access", "linux.devices[0]", NULL);
	expect(rules("{'allow': true, 'type': 'c', 'major': 1, 'minor': 11, 'access': 'r'}"),
	       "device-kernel-access", NULL, "a rule allowing r (char 1:11)");
	/* A wildcard minor on a major that has one. */
	expect(rules("{'allow': true, 'type': 'c', 'major': 1, 'access': 'rw'}"),
	       "device-kernel-access", NULL, "a rule allowing rw (char 1:*)");
	expect(rules("{'allow': true, 'type': 'c', 'major': 10, 'minor': -1, 'access': 'w'}"),
	       "device-kernel-access", NULL, "a rule allowing w (char 10:*)");
	/* Nearest allowed: the null device next to them, mknod only. */
	expect(devices("{'path': '/dev/null', 'type': 'c', 'major': 1, 'minor': 3}"), NULL, NULL,
	       NULL);
	expect(rules("{'allow': true, 'type': 'c', 'major': 1, 'minor': 11, 'access': 'm'}"), NULL,
	       NULL, NULL);
}
END_TEST

/* The truncation attack: major 4294967297 became 1 in the program, and the rule gave write
 * access to /dev/kmsg (1:11) past a policy that judged "major 4294967297". It cannot get as
 * far as the policy now. */
START_TEST(a_major_beyond_the_kernels_never_reaches_the_policy)
{
	struct ward_error err = {0};
	const char *json =
		"{\"ociVersion\": \"1.2.0\", \"root\": {\"path\": \"rootfs\"}, \"linux\": {"
		"\"devices\": [{\"path\": \"/dev/kmsg\", \"type\": \"c\", \"major\": 4294967297,"
		" \"minor\": 11}]}}";
	ck_assert_ptr_null(spec_parse(json, strlen(json), "config.json", &err));
	ck_assert_str_eq(err.msg, "config.json: linux.devices[0].major: 4294967297 is not a "
				  "device major number (0 to 4095)");
	json = "{\"ociVersion\": \"1.2.0\", \"root\": {\"path\": \"rootfs\"}, \"linux\": {"
	       "\"resources\": {\"devices\": [{\"allow\": true, \"type\": \"c\", \"major\": "
	       "4294967297, \"minor\": 11, \"access\": \"rw\"}]}}}";
	ck_assert_ptr_null(spec_parse(json, strlen(json), "config.json", &err));
	ck_assert_str_eq(err.msg, "config.json: linux.resources.devices[0].major: 4294967297 is "
				  "not a device major number (0 to 4095, or -1 for any)");
}
END_TEST

/* ---- device-host-tty ---------------------------------------------------------------------- */

START_TEST(the_hosts_terminals_are_refused)
{
	static const struct {
		const char *entry, *detail;
	} cases[] = {
		{"{'path': '/dev/console', 'type': 'c', 'major': 5, 'minor': 1}",
		 "/dev/console (char 5:1)"},
		{"{'path': '/dev/tty1', 'type': 'c', 'major': 4, 'minor': 1}",
		 "/dev/tty1 (char 4:1)"},
		{"{'path': '/dev/tty0', 'type': 'c', 'major': 4, 'minor': 0}",
		 "/dev/tty0 (char 4:0)"},
		{"{'path': '/dev/ttyS0', 'type': 'c', 'major': 4, 'minor': 64}",
		 "/dev/ttyS0 (char 4:64)"},
		{"{'path': '/dev/vcs', 'type': 'c', 'major': 7, 'minor': 0}",
		 "/dev/vcs (char 7:0)"},
		{"{'path': '/dev/vcsa1', 'type': 'c', 'major': 7, 'minor': 129}",
		 "/dev/vcsa1 (char 7:129)"},
		{"{'path': '/dev/ttyUSB0', 'type': 'c', 'major': 188, 'minor': 0}",
		 "/dev/ttyUSB0 (char 188:0)"},
		{"{'path': '/dev/ttyACM0', 'type': 'c', 'major': 166, 'minor': 0}",
		 "/dev/ttyACM0 (char 166:0)"},
		{"{'path': '/dev/ttyAMA0', 'type': 'c', 'major': 204, 'minor': 64}",
		 "/dev/ttyAMA0 (char 204:64)"},
		{"{'path': '/dev/hvc0', 'type': 'c', 'major': 229, 'minor': 0}",
		 "/dev/hvc0 (char 229:0)"},
		{"{'path': '/dev/ttyprintk', 'type': 'c', 'major': 5, 'minor': 3}",
		 "/dev/ttyprintk (char 5:3)"},
		{"{'path': '/dev/ptyp0', 'type': 'c', 'major': 2, 'minor': 0}",
		 "/dev/ptyp0 (char 2:0)"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		expect(devices(cases[i].entry), "device-host-tty", "linux.devices[0]",
		       cases[i].detail);
	expect(rules("{'allow': true, 'type': 'c', 'major': 4, 'minor': 1, 'access': 'rw'}"),
	       "device-host-tty", "linux.resources.devices[1]", "a rule allowing rw (char 4:1)");
	expect(rules("{'allow': true, 'type': 'c', 'major': 4, 'access': 'w'}"), "device-host-tty",
	       NULL, "a rule allowing w (char 4:*)");
	expect(rules("{'allow': true, 'type': 'c', 'major': 7, 'minor': -1, 'access': 'r'}"),
	       "device-host-tty", NULL, NULL);
	/* 5:* takes in the console next to /dev/tty and /dev/ptmx. */
	expect(rules("{'allow': true, 'type': 'c', 'major': 5, 'access': 'rwm'}"),
	       "device-host-tty", NULL, "a rule allowing rwm (char 5:*)");
}
END_TEST

START_TEST(the_containers_own_terminal_is_allowed)
{
	expect(devices("{'path': '/dev/tty', 'type': 'c', 'major': 5, 'minor': 0},"
		       "{'path': '/dev/ptmx', 'type': 'c', 'major': 5, 'minor': 2},"
		       "{'path': '/dev/pts/3', 'type': 'c', 'major': 136, 'minor': 3}"),
	       NULL, NULL, NULL);
	expect(rules("{'allow': true, 'type': 'c', 'major': 136, 'access': 'rwm'},"
		     "{'allow': true, 'type': 'c', 'major': 143, 'minor': -1, 'access': 'rw'},"
		     "{'allow': true, 'type': 'c', 'major': 5, 'minor': 2, 'access': 'rwm'},"
		     "{'allow': true, 'type': 'c', 'major': 5, 'minor': 0, 'access': 'rwm'}"),
	       NULL, NULL, NULL);
	/* mknod alone of a host terminal, and the admin's own choice. */
	expect(rules("{'allow': true, 'type': 'c', 'major': 4, 'access': 'm'}"), NULL, NULL, NULL);
	expect_with("device = c 188:*",
		    devices("{'path': '/dev/ttyUSB0', 'type': 'c', 'major': 188, 'minor': 0}"),
		    NULL, NULL, NULL);
	expect_with("allow = device-host-tty",
		    devices("{'path': '/dev/ttyS0', 'type': 'c', 'major': 4, 'minor': 64}"), NULL,
		    NULL, NULL);
}
END_TEST

/* ---- device-not-allowed ------------------------------------------------------------------- */

START_TEST(other_devices_need_the_admin)
{
	expect(devices("{'path': '/dev/net/tun', 'type': 'c', 'major': 10, 'minor': 200}"),
	       "device-not-allowed", "linux.devices[0]", "/dev/net/tun (char 10:200)");
	expect(devices("{'path': '/dev/kvm', 'type': 'c', 'major': 10, 'minor': 232}"),
	       "device-not-allowed", NULL, "/dev/kvm (char 10:232)");
	expect(devices("{'path': '/dev/input/event0', 'type': 'c', 'major': 13, 'minor': 64}"),
	       "device-not-allowed", NULL, NULL);
	expect(devices("{'path': '/dev/nvidia0', 'type': 'c', 'major': 195, 'minor': 0}"),
	       "device-not-allowed", NULL, NULL);
	expect(rules("{'allow': true, 'type': 'c', 'major': 226, 'access': 'rw'}"),
	       "device-not-allowed", "linux.resources.devices[1]",
	       "a rule allowing rw (char 226:*)");
	expect(rules("{'allow': true, 'type': 'c', 'major': 10, 'minor': 200, 'access': 'r'}"),
	       "device-not-allowed", NULL, "a rule allowing r (char 10:200)");
	/* A pty master major (128-135) is opened through /dev/ptmx, never by number. */
	expect(rules("{'allow': true, 'type': 'c', 'major': 128, 'access': 'rw'}"),
	       "device-not-allowed", NULL, NULL);
	/* Each is judged: the second entry is the one refused. */
	expect(devices("{'path': '/dev/fuse', 'type': 'c', 'major': 10, 'minor': 229},"
		       "{'path': '/dev/vhost-net', 'type': 'c', 'major': 10, 'minor': 238}"),
	       "device-not-allowed", "linux.devices[1]", "/dev/vhost-net (char 10:238)");
}
END_TEST

START_TEST(the_defaults_fuse_and_the_admins_devices_pass)
{
	expect(devices("{'path': '/dev/null', 'type': 'c', 'major': 1, 'minor': 3},"
		       "{'path': '/dev/zero', 'type': 'c', 'major': 1, 'minor': 5},"
		       "{'path': '/dev/full', 'type': 'c', 'major': 1, 'minor': 7},"
		       "{'path': '/dev/random', 'type': 'c', 'major': 1, 'minor': 8},"
		       "{'path': '/dev/urandom', 'type': 'u', 'major': 1, 'minor': 9},"
		       "{'path': '/dev/fuse', 'type': 'c', 'major': 10, 'minor': 229,"
		       " 'fileMode': 8630},"
		       "{'path': '/run/fifo', 'type': 'p'}"),
	       NULL, NULL, NULL);
	expect(rules("{'allow': true, 'type': 'c', 'major': 10, 'minor': 229, 'access': 'rwm'}"),
	       NULL, NULL, NULL);
	/* /dev/net/tun, /dev/kvm and an NVIDIA GPU, as ward-policy(5) shows them. */
	expect_with("device = c 10:200",
		    devices("{'path': '/dev/net/tun', 'type': 'c', 'major': 10, 'minor': 200}"),
		    NULL, NULL, NULL);
	expect_with("device = c 10:232",
		    devices("{'path': '/dev/kvm', 'type': 'c', 'major': 10, 'minor': 232}"), NULL,
		    NULL, NULL);
	char extra[1024];
	snprintf(extra, sizeof extra,
		 "'devices': [{'path': '/dev/nvidia0', 'type': 'c', 'major': 195, 'minor': 0},"
		 " {'path': '/dev/nvidiactl', 'type': 'c', 'major': 195, 'minor': 255}],"
		 " 'resources': {'devices': [{'allow': false, 'access': 'rwm'},"
		 " {'allow': true, 'type': 'c', 'major': 195, 'access': 'rw'}]}");
	expect_with("device = c 195:*", config(extra), NULL, NULL, NULL);
	/* A line for one minor takes in neither the others nor a rule for all of them. */
	struct ward_spec *s = config(extra);
	struct policy_verdict v = judge_with("device = c 195:0", s);
	ck_assert_uint_eq(v.n_violations, 2);
	ck_assert_str_eq(v.violations[0].path, "linux.devices[1]");
	ck_assert_str_eq(v.violations[1].path, "linux.resources.devices[1]");
	ck_assert_str_eq(v.violations[1].detail, "a rule allowing rw (char 195:*)");
	policy_verdict_clear(&v);
	spec_free(s);
	/* A rule that allows only mknod, or denies, gives nothing to judge. */
	expect(rules("{'allow': true, 'type': 'c', 'major': 226, 'access': 'm'},"
		     "{'allow': false, 'type': 'c', 'major': 10, 'minor': 200, 'access': 'rw'}"),
	       NULL, NULL, NULL);
	expect_with("allow = device-not-allowed",
		    devices("{'path': '/dev/net/tun', 'type': 'c', 'major': 10, 'minor': 200}"),
		    NULL, NULL, NULL);
}
END_TEST

/* ---- host-console-rule -------------------------------------------------------------------- */

static const struct ward_device_rule *console_rule_of(const struct ward_spec *s)
{
	const struct ward_resources *r = &s->linux_.resources;
	for (size_t i = 0; i < r->n_devices; i++)
		if (r->devices[i].allow && r->devices[i].has_major && r->devices[i].major == 5 &&
		    r->devices[i].has_minor && r->devices[i].minor == 1)
			return &r->devices[i];
	return NULL;
}

START_TEST(dockers_console_rule_is_hardened_silently)
{
	static const char *const engines[] = {"docker-20.10-default.json",
					      "containerd-1.6-ctr-default.json"};
	for (size_t i = 0; i < sizeof engines / sizeof engines[0]; i++) {
		struct ward_spec *s = load(engines[i]);
		ck_assert_uint_eq(console_rule_of(s)->access, WARD_DEVICE_RWM);
		struct policy_verdict v = judge_with("", s);
		ck_assert_uint_eq(v.n_violations, 0);
		const struct policy_finding *h = HARDENED(v, "host-console-rule");
		ck_assert_ptr_nonnull(h);
		ck_assert_str_eq(h->path, i == 0 ? "linux.resources.devices[6]"
						 : "linux.resources.devices[7]");
		ck_assert_str_eq(h->detail, "took rw out of the rule for the host's console (c "
					    "5:1); the container's /dev/console is its own pty");
		/* What the device program gets: mknod only. */
		ck_assert_uint_eq(console_rule_of(s)->access, WARD_DEVICE_MKNOD);
		policy_verdict_clear(&v);
		spec_free(s);
	}
}
END_TEST

START_TEST(the_console_hardening_can_be_switched_off)
{
	struct ward_spec *s = load("docker-20.10-default.json");
	struct policy_verdict v = judge_with("allow = host-console-rule", s);
	ck_assert_uint_eq(v.n_violations, 0);
	ck_assert_ptr_null(HARDENED(v, "host-console-rule"));
	ck_assert_int_eq(OVERRIDE(v, "host-console-rule")->source, POLICY_BY_FILE);
	ck_assert_uint_eq(console_rule_of(s)->access, WARD_DEVICE_RWM);
	policy_verdict_clear(&v);
	spec_free(s);

	/* The admin who lists the console keeps the rule, with nothing to report. */
	s = load("docker-20.10-default.json");
	v = judge_with("device = c 5:1", s);
	ck_assert_uint_eq(v.n_violations + v.n_overrides, 0);
	ck_assert_ptr_null(HARDENED(v, "host-console-rule"));
	ck_assert_uint_eq(console_rule_of(s)->access, WARD_DEVICE_RWM);
	policy_verdict_clear(&v);
	spec_free(s);

	s = load("docker-20.10-default.json");
	v = judge_with("level = privileged", s);
	ck_assert_ptr_nonnull(OVERRIDE(v, "host-console-rule"));
	ck_assert_uint_eq(console_rule_of(s)->access, WARD_DEVICE_RWM);
	policy_verdict_clear(&v);
	spec_free(s);
}
END_TEST

START_TEST(only_the_engines_console_rule_is_hardened)
{
	/* read-only or type a: still the exact console rule. */
	struct ward_spec *s =
		rules("{'allow': true, 'type': 'c', 'major': 5, 'minor': 1, 'access': 'r'}");
	struct policy_verdict v = judge_with("", s);
	ck_assert_uint_eq(v.n_violations, 0);
	ck_assert_str_eq(HARDENED(v, "host-console-rule")->detail,
			 "took r out of the rule for the host's console (c 5:1); the container's "
			 "/dev/console is its own pty");
	ck_assert_uint_eq(console_rule_of(s)->access, 0);
	policy_verdict_clear(&v);
	spec_free(s);
	/* mknod only: nothing to take. */
	s = rules("{'allow': true, 'type': 'c', 'major': 5, 'minor': 1, 'access': 'm'}");
	v = judge_with("", s);
	ck_assert_uint_eq(v.n_violations, 0);
	ck_assert_ptr_null(HARDENED(v, "host-console-rule"));
	ck_assert_uint_eq(console_rule_of(s)->access, WARD_DEVICE_MKNOD);
	policy_verdict_clear(&v);
	spec_free(s);
	/* A node of the host's console is refused, whatever the rules. */
	char extra[512];
	snprintf(extra, sizeof extra,
		 "'devices': [{'path': '/dev/console', 'type': 'c', 'major': 5, 'minor': 1}],"
		 " 'resources': {'devices': [{'allow': true, 'type': 'c', 'major': 5, 'minor': 1,"
		 " 'access': 'rwm'}]}");
	expect(config(extra), "device-host-tty", "linux.devices[0]", "/dev/console (char 5:1)");
	/* The lifted hardening does not let a node through either. */
	expect_with("allow = host-console-rule", config(extra), "device-host-tty",
		    "linux.devices[0]", NULL);
}
END_TEST

/* ---- the engines --------------------------------------------------------------------------- */

START_TEST(the_engines_configs_pass_and_podman_device_fuse_too)
{
	static const char *const files[] = {
		"docker-20.10-default.json", "podman-4.3-default.json",
		"containerd-1.6-ctr-default.json", "runc-1.1-spec.json",
		/* podman run --device /dev/fuse: fileMode 8630 (020666), an entry and a rule */
		"podman-4.3-device-fuse.json"};
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		struct ward_spec *s = load(files[i]);
		struct policy_verdict v = judge_with("", s);
		ck_assert_msg(v.n_violations == 0, "%s is refused", files[i]);
		ck_assert_uint_eq(v.n_overrides, 0);
		policy_verdict_clear(&v);
		spec_free(s);
	}
	struct ward_spec *s = load("podman-4.3-device-fuse.json");
	ck_assert_uint_eq(s->linux_.devices[0].file_mode, 0666);
	spec_free(s);
}
END_TEST

/* Modelled on what Docker sends for --privileged (every capability, one allow-all rule, the
 * host's devices in linux.devices, a writable /sys, no seccomp nor masked paths). */
START_TEST(privileged_configs_are_refused_with_named_checks)
{
	struct ward_spec *s = load("docker-20.10-privileged.json");
	struct policy_verdict v = judge_with("", s);
	static const struct {
		const char *check, *path;
	} expected[] = {
		{"cap-sys-admin", "process.capabilities.bounding"},
		{"device-rule-allow-all", "linux.resources.devices[0]"},
		{"device-block", "linux.devices[0]"},
		{"device-kernel-access", "linux.devices[1]"},
		{"device-host-tty", "linux.devices[3]"},
		{"device-not-allowed", "linux.devices[5]"},
		{"sysfs-read-write", NULL},
	};
	for (size_t i = 0; i < sizeof expected / sizeof expected[0]; i++) {
		const struct policy_finding *f = VIOLATION(v, expected[i].check);
		ck_assert_msg(f != NULL, "no %s", expected[i].check);
		if (expected[i].path)
			ck_assert_str_eq(f->path, expected[i].path);
	}
	/* kmsg too, ttyS0 too; fuse and null not. */
	size_t devices = 0;
	for (size_t i = 0; i < v.n_violations; i++)
		devices += strncmp(v.violations[i].path, "linux.devices[", 14) == 0;
	ck_assert_uint_eq(devices, 6);
	policy_verdict_clear(&v);
	spec_free(s);
}
END_TEST

START_TEST(the_new_checks_are_in_the_table)
{
	static const struct {
		const char *name;
		enum policy_kind kind;
	} names[] = {{"device-host-tty", POLICY_REFUSE},
		     {"device-not-allowed", POLICY_REFUSE},
		     {"host-console-rule", POLICY_HARDEN}};
	size_t n;
	const struct policy_check *t = policy_checks(&n);
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		int idx = policy_check_find(names[i].name);
		ck_assert_msg(idx >= 0, "%s", names[i].name);
		ck_assert_int_eq(t[idx].level, POLICY_BASELINE);
		ck_assert_int_eq(t[idx].kind, names[i].kind);
	}
}
END_TEST

static Suite *devices_suite(void)
{
	Suite *s = suite_create("policy_devices");
	TCase *checks = tcase_create("checks"), *harden = tcase_create("hardening"),
	      *engines = tcase_create("engines");

	tcase_add_test(checks, the_config_these_tests_start_from_passes);
	tcase_add_test(checks, a_wildcard_major_allows_every_device);
	tcase_add_test(checks, block_devices_need_the_admin);
	tcase_add_test(checks, kernel_devices_are_refused);
	tcase_add_test(checks, a_major_beyond_the_kernels_never_reaches_the_policy);
	tcase_add_test(checks, the_hosts_terminals_are_refused);
	tcase_add_test(checks, the_containers_own_terminal_is_allowed);
	tcase_add_test(checks, other_devices_need_the_admin);
	tcase_add_test(checks, the_defaults_fuse_and_the_admins_devices_pass);
	tcase_add_test(checks, the_new_checks_are_in_the_table);
	suite_add_tcase(s, checks);
	tcase_add_test(harden, dockers_console_rule_is_hardened_silently);
	tcase_add_test(harden, the_console_hardening_can_be_switched_off);
	tcase_add_test(harden, only_the_engines_console_rule_is_hardened);
	suite_add_tcase(s, harden);
	tcase_add_test(engines, the_engines_configs_pass_and_podman_device_fuse_too);
	tcase_add_test(engines, privileged_configs_are_refused_with_named_checks);
	suite_add_tcase(s, engines);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(devices_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
