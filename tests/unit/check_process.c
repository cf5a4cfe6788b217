/* The process's pure decisions: which ambient capabilities can be raised, HOME from passwd
 * text, and whether the process's user may execute a file. */
#include <check.h>
#include <errno.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ward/passwd.h"
#include "ward/process.h"
#include "ward/spec.h"

#define BIT(c) (1ull << (c))

START_TEST(runc_spec_ambient_caps_are_all_unraisable)
{
	char path[512];
	struct ward_error err = {0};
	snprintf(path, sizeof path, "%s/runc-1.1-spec.json", TEST_DATA_DIR);
	struct ward_spec *spec = spec_parse_file(path, "config.json", &err);

	ck_assert_msg(spec != NULL, "%s", err.msg);
	/* runc spec lists ambient without inheritable: nothing of it can be raised. */
	ck_assert_uint_eq(caps_ambient_unraisable(&spec->process->caps),
			  spec->process->caps.ambient);
	ck_assert_uint_eq(caps_ambient_unraisable(&spec->process->caps),
			  BIT(CAP_KILL) | BIT(CAP_NET_BIND_SERVICE) | BIT(CAP_AUDIT_WRITE));
	spec_free(spec);
}
END_TEST

START_TEST(ambient_caps_need_both_permitted_and_inheritable)
{
	struct ward_capabilities c = {
		.ambient = BIT(CAP_KILL) | BIT(CAP_CHOWN) | BIT(CAP_NET_BIND_SERVICE),
		.permitted = BIT(CAP_KILL) | BIT(CAP_NET_BIND_SERVICE),
		.inheritable = BIT(CAP_CHOWN) | BIT(CAP_NET_BIND_SERVICE),
	};
	/* CAP_KILL is not inheritable, CAP_CHOWN not permitted. */
	ck_assert_uint_eq(caps_ambient_unraisable(&c), BIT(CAP_KILL) | BIT(CAP_CHOWN));
	c.ambient = 0;
	ck_assert_uint_eq(caps_ambient_unraisable(&c), 0);
}
END_TEST

static const char *home_of(const char *text, bool complete, uid_t uid)
{
	static char home[64];
	if (!passwd_find_home(text, strlen(text), complete, uid, home, sizeof home))
		return NULL;
	return home;
}

START_TEST(passwd_first_entry_of_the_uid_wins)
{
	const char *t = "root:x:0:0:root:/root:/bin/sh\n"
			"app:x:1000:1000:App,,,:/home/app:/bin/sh\n"
			"dup:x:1000:1000::/home/dup:/bin/sh\n";
	ck_assert_str_eq(home_of(t, true, 0), "/root");
	ck_assert_str_eq(home_of(t, true, 1000), "/home/app");
	ck_assert_ptr_null(home_of(t, true, 1001));
	ck_assert_ptr_null(home_of(t, true, 10));
}
END_TEST

START_TEST(passwd_lines_are_trimmed_and_blank_lines_skipped)
{
	const char *t = "\n  \t\n   app:x:1000:1000::/home/app:/bin/sh \r\n";
	ck_assert_str_eq(home_of(t, true, 1000), "/home/app");
}
END_TEST

START_TEST(passwd_malformed_lines_are_skipped)
{
	const char *t = "broken\n"
			"a:x:1000\n"			 /* no home field */
			":::::\n"			 /* empty uid */
			"b:x:+1000:0::/plus:/bin/sh\n"	 /* not a plain number */
			"c:x: 1000:0::/space:/bin/sh\n"	 /* nor this */
			"d:x:1000x:0::/suffix:/bin/sh\n" /* nor this */
			"e:x:01000:0::/leading-zero:/bin/sh\n" /* but this is 1000 */;
	ck_assert_str_eq(home_of(t, true, 1000), "/leading-zero");
	/* runc's parser reads a uid it cannot parse as 0; this one does not. */
	ck_assert_ptr_null(home_of("x:x:notanumber:0::/wrong:/bin/sh\n", true, 0));
}
END_TEST

START_TEST(passwd_uid_out_of_range_is_skipped)
{
	ck_assert_ptr_null(home_of("a:x:4294967295:0::/minus-one:/bin/sh\n", true, (uid_t)-1));
	ck_assert_ptr_null(home_of("a:x:4294967296:0::/wrap:/bin/sh\n", true, 0));
	ck_assert_ptr_null(home_of("a:x:99999999999:0::/long:/bin/sh\n", true, 0));
	ck_assert_str_eq(home_of("a:x:4294967294:0::/max:/bin/sh\n", true, 4294967294u), "/max");
}
END_TEST

START_TEST(passwd_unusable_home_is_skipped_for_a_later_entry)
{
	const char *t = "a:x:7:0::relative/home:/bin/sh\n"
			"b:x:7:0:::/bin/sh\n"
			"c:x:7:0::/good\n"; /* no shell field: the home is the last field */
	ck_assert_str_eq(home_of(t, true, 7), "/good");
}
END_TEST

START_TEST(passwd_home_too_long_for_the_buffer_is_skipped)
{
	char t[256], home[16];
	snprintf(t, sizeof t, "a:x:7:0::/%s:/bin/sh\nb:x:7:0::/short:/bin/sh\n",
		 "a-home-directory-longer-than-sixteen-bytes");
	ck_assert(passwd_find_home(t, strlen(t), true, 7, home, sizeof home));
	ck_assert_str_eq(home, "/short");
	/* Exactly size-1 bytes fit. */
	snprintf(t, sizeof t, "a:x:7:0::/%s:/bin/sh\n", "fourteen-bytes");
	ck_assert(passwd_find_home(t, strlen(t), true, 7, home, sizeof home));
	ck_assert_str_eq(home, "/fourteen-bytes");
}
END_TEST

START_TEST(passwd_incomplete_last_line_counts_only_for_the_whole_file)
{
	const char *t = "a:x:1:0::/one:/bin/sh\nb:x:2:0::/two:/bin/sh";
	ck_assert_str_eq(home_of(t, true, 2), "/two");
	/* Cut at the read limit: the last line may be a truncated one. */
	ck_assert_ptr_null(home_of(t, false, 2));
	ck_assert_str_eq(home_of(t, false, 1), "/one");
}
END_TEST

START_TEST(passwd_nul_bytes_do_not_end_the_text_or_enter_home)
{
	static const char t[] = "a:x:1:0::/h\0idden:/bin/sh\nb\0:x:1:0::/after-nul:/bin/sh\n";
	char home[64];
	ck_assert(passwd_find_home(t, sizeof t - 1, true, 1, home, sizeof home));
	ck_assert_str_eq(home, "/after-nul");
}
END_TEST

START_TEST(passwd_empty_text_has_no_entry)
{
	char home[8] = "unset";
	ck_assert(!passwd_find_home("", 0, true, 0, home, sizeof home));
	ck_assert(!passwd_find_home("\n\n\n", 3, false, 0, home, sizeof home));
	ck_assert_str_eq(home, "unset");
}
END_TEST

START_TEST(env_with_a_home_is_kept_as_it_is)
{
	char *env[] = {"PATH=/bin", "HOME=/mine", NULL};
	ck_assert_ptr_eq(passwd_env_with_home(env, 0), env);
}
END_TEST

START_TEST(env_without_home_gets_one_and_keeps_the_rest)
{
	/* The test runs on the host: HOME comes from its /etc/passwd, or is "/". */
	char *env[] = {"PATH=/bin", "HOME=", "TERM=xterm", NULL};
	char *const *out = passwd_env_with_home(env, 0);

	ck_assert_ptr_nonnull(out);
	ck_assert_ptr_ne(out, env);
	ck_assert_str_eq(out[0], "PATH=/bin");
	ck_assert_str_eq(out[1], "TERM=xterm");
	ck_assert(strncmp(out[2], "HOME=/", 6) == 0);
	ck_assert_ptr_null(out[3]);
	free(out[2]);
	free((void *)(uintptr_t)out); /* the vector is the caller's when it is not env */

	out = passwd_env_with_home(NULL, 0);
	ck_assert_ptr_nonnull(out);
	ck_assert(strncmp(out[0], "HOME=/", 6) == 0);
	ck_assert_ptr_null(out[1]);
	free(out[0]);
	free((void *)(uintptr_t)out);
}
END_TEST

static struct stat file(mode_t mode, uid_t uid, gid_t gid)
{
	struct stat st = {.st_mode = S_IFREG | mode, .st_uid = uid, .st_gid = gid};
	return st;
}

START_TEST(exec_permission_follows_owner_group_other)
{
	uint32_t groups[] = {20, 30};
	struct ward_process p = {.uid = 1000, .gid = 1000};
	struct stat st;

	st = file(0700, 1000, 0);
	ck_assert_int_eq(process_may_execute(&st, &p), 0);
	st = file(0070, 1000, 1000); /* the owner's bits decide for the owner */
	ck_assert_int_eq(process_may_execute(&st, &p), EACCES);
	st = file(0010, 0, 1000);
	ck_assert_int_eq(process_may_execute(&st, &p), 0);
	st = file(0010, 0, 30);
	ck_assert_int_eq(process_may_execute(&st, &p), EACCES);
	p.additional_gids = groups;
	p.n_additional_gids = 2;
	ck_assert_int_eq(process_may_execute(&st, &p), 0);
	st = file(0701, 0, 30); /* a member gets the group's bits, not the others' */
	ck_assert_int_eq(process_may_execute(&st, &p), EACCES);
	st = file(0001, 0, 0);
	ck_assert_int_eq(process_may_execute(&st, &p), 0);
	st = file(0700, 0, 0);
	ck_assert_int_eq(process_may_execute(&st, &p), EACCES);
}
END_TEST

START_TEST(exec_permission_with_cap_dac_override_needs_one_execute_bit)
{
	struct ward_process p = {.uid = 0, .gid = 0};
	struct stat st = file(0700, 5, 5);

	/* root without CAP_DAC_OVERRIDE is an ordinary user for the file's bits */
	ck_assert_int_eq(process_may_execute(&st, &p), EACCES);
	p.caps.effective = BIT(CAP_DAC_OVERRIDE);
	ck_assert_int_eq(process_may_execute(&st, &p), 0);
	st = file(0644, 0, 0);
	ck_assert_int_eq(process_may_execute(&st, &p), EACCES);
}
END_TEST

START_TEST(exec_permission_needs_a_regular_file)
{
	struct ward_process p = {.uid = 0, .gid = 0, .caps.effective = BIT(CAP_DAC_OVERRIDE)};
	struct stat st = {.st_mode = S_IFDIR | 0755};

	ck_assert_int_eq(process_may_execute(&st, &p), EISDIR);
	st.st_mode = S_IFCHR | 0777;
	ck_assert_int_eq(process_may_execute(&st, &p), EACCES);
	st.st_mode = S_IFIFO | 0777;
	ck_assert_int_eq(process_may_execute(&st, &p), EACCES);
}
END_TEST

static Suite *process_suite(void)
{
	Suite *s = suite_create("process");
	TCase *caps = tcase_create("caps");
	TCase *passwd = tcase_create("passwd");
	TCase *exec = tcase_create("exec");

	tcase_add_test(caps, runc_spec_ambient_caps_are_all_unraisable);
	tcase_add_test(caps, ambient_caps_need_both_permitted_and_inheritable);
	suite_add_tcase(s, caps);

	tcase_add_test(passwd, passwd_first_entry_of_the_uid_wins);
	tcase_add_test(passwd, passwd_lines_are_trimmed_and_blank_lines_skipped);
	tcase_add_test(passwd, passwd_malformed_lines_are_skipped);
	tcase_add_test(passwd, passwd_uid_out_of_range_is_skipped);
	tcase_add_test(passwd, passwd_unusable_home_is_skipped_for_a_later_entry);
	tcase_add_test(passwd, passwd_home_too_long_for_the_buffer_is_skipped);
	tcase_add_test(passwd, passwd_incomplete_last_line_counts_only_for_the_whole_file);
	tcase_add_test(passwd, passwd_nul_bytes_do_not_end_the_text_or_enter_home);
	tcase_add_test(passwd, passwd_empty_text_has_no_entry);
	tcase_add_test(passwd, env_with_a_home_is_kept_as_it_is);
	tcase_add_test(passwd, env_without_home_gets_one_and_keeps_the_rest);
	suite_add_tcase(s, passwd);

	tcase_add_test(exec, exec_permission_follows_owner_group_other);
	tcase_add_test(exec, exec_permission_with_cap_dac_override_needs_one_execute_bit);
	tcase_add_test(exec, exec_permission_needs_a_regular_file);
	suite_add_tcase(s, exec);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(process_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
