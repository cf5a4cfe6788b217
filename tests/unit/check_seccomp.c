/* Seccomp profile compilation (the filters themselves are observed in real containers by
 * tests/integration/seccomp.sh). */
#include <check.h>
#include <errno.h>
#include <linux/filter.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ward/seccomp.h"
#include "ward/spec.h"

static struct ward_seccomp *parse(const char *json)
{
	struct ward_error err = {0};
	struct ward_seccomp *sc = spec_parse_seccomp(json, strlen(json), "test", &err);
	ck_assert_msg(sc != NULL, "%s", err.msg);
	return sc;
}

START_TEST(builtin_default_profile_compiles)
{
	struct ward_error err = {0};
	struct seccomp_program p;
	ck_assert_int_eq(seccomp_compile(NULL, 0, -1, &p, &err), 0);
	ck_assert_uint_gt(p.len, 200);
	ck_assert_uint_lt(p.len, 4096); /* the kernel's BPF_MAXINSNS */
	seccomp_program_free(&p);
}
END_TEST

START_TEST(capability_conditions_change_the_filter)
{
	struct ward_error err = {0};
	struct seccomp_program none, admin;
	ck_assert_int_eq(seccomp_compile(NULL, 0, -1, &none, &err), 0);
	ck_assert_int_eq(seccomp_compile(NULL, 1ull << 21 /* CAP_SYS_ADMIN */, -1, &admin, &err),
			 0);
	ck_assert(none.len != admin.len ||
		  memcmp(none.filter, admin.filter, none.len * sizeof(struct sock_filter)) != 0);
	seccomp_program_free(&none);
	seccomp_program_free(&admin);
}
END_TEST

START_TEST(builtin_default_profile_is_default_deny)
{
	size_t len;
	const char *json = seccomp_default_profile_json(&len);
	struct ward_error err = {0};
	struct ward_seccomp *sc = spec_parse_seccomp(json, len, "default", &err);
	ck_assert_ptr_nonnull(sc);
	ck_assert_str_eq(sc->default_action, "SCMP_ACT_ERRNO");
	ck_assert_uint_gt(sc->n_rules, 10);
	spec_seccomp_free(sc);
}
END_TEST

START_TEST(unknown_syscall_names_are_skipped)
{
	struct ward_error err = {0};
	struct seccomp_program p;
	struct ward_seccomp *sc = parse("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": "
					"[{\"names\": [\"no_such_call\", \"mkdir\"], "
					"\"action\": \"SCMP_ACT_ERRNO\"}]}");
	ck_assert_int_eq(seccomp_compile(sc, 0, -1, &p, &err), 0);
	seccomp_program_free(&p);
	spec_seccomp_free(sc);
}
END_TEST

START_TEST(notify_needs_a_listener_path)
{
	struct ward_error err = {0};
	struct seccomp_program p;
	struct ward_seccomp *sc =
		parse("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": "
		      "[{\"names\": [\"mkdir\"], \"action\": \"SCMP_ACT_NOTIFY\"}]}");
	ck_assert_int_eq(seccomp_compile(sc, 0, -1, &p, &err), -1);
	ck_assert_str_eq(err.msg, "linux.seccomp.syscalls[0]: SCMP_ACT_NOTIFY needs "
				  "linux.seccomp.listenerPath (the agent that answers)");
	spec_seccomp_free(sc);
	sc = parse("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"listenerPath\": \"/run/agent.sock\", "
		   "\"syscalls\": [{\"names\": [\"mkdir\"], \"action\": \"SCMP_ACT_NOTIFY\"}]}");
	ck_assert_int_eq(seccomp_compile(sc, 0, -1, &p, &err), 0);
	ck_assert(p.listener);
	seccomp_program_free(&p);
	spec_seccomp_free(sc);
}
END_TEST

START_TEST(repeated_argument_conditions_compile)
{
	struct ward_error err = {0};
	struct seccomp_program p;
	struct ward_seccomp *sc = parse(
		"{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [{\"names\": "
		"[\"personality\"],"
		" \"action\": \"SCMP_ACT_ALLOW\", \"args\": [{\"index\": 0, \"value\": 0, \"op\": "
		"\"SCMP_CMP_EQ\"}, {\"index\": 0, \"value\": 8, \"op\": \"SCMP_CMP_EQ\"}]}]}");
	ck_assert_int_eq(seccomp_compile(sc, 0, -1, &p, &err), 0);
	seccomp_program_free(&p);
	spec_seccomp_free(sc);
}
END_TEST

START_TEST(never_filter_compiles)
{
	struct ward_error err = {0};
	struct seccomp_program p;
	ck_assert_int_eq(seccomp_compile_never(SECCOMP_NEVER_BASE, -1, &p, &err), 0);
	ck_assert_uint_gt(p.len, 5);
	seccomp_program_free(&p);
}
END_TEST

/* The stacked rules for user namespaces and keyrings, loaded in a child: what they refuse and
 * with which errno, and what they leave alone. */
START_TEST(never_filter_refuses_user_namespaces_and_keyrings)
{
	struct ward_error err = {0};
	struct seccomp_program p;
	ck_assert_int_eq(
		seccomp_compile_never(SECCOMP_NEVER_USERNS | SECCOMP_NEVER_KEYRING, -1, &p, &err),
		0);
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		char out[128];
		struct clone_args_min {
			uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack,
				stack_size, tls;
		} ca = {.exit_signal = SIGCHLD};
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
		    seccomp_install(&p, NULL, &err) < 0)
			_exit(100);
		errno = 0;
		long u = unshare(CLONE_NEWUSER) < 0 ? errno : 0;
		errno = 0;
		long c = syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, 0, 0, 0, 0);
		if (c == 0)
			_exit(0);
		c = c < 0 ? errno : 0;
		errno = 0;
		long c3 = syscall(SYS_clone3, &ca, sizeof ca);
		if (c3 == 0)
			_exit(0);
		c3 = c3 < 0 ? errno : 0;
		errno = 0;
		long k = syscall(SYS_keyctl, 0 /* KEYCTL_GET_KEYRING_ID */, -3, 0) < 0 ? errno : 0;
		errno = 0;
		long plain = syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0);
		if (plain == 0)
			_exit(0);
		plain = plain < 0 ? errno : 0;
		snprintf(out, sizeof out, "%ld %ld %ld %ld %ld", u, c, c3, k, plain);
		if (strcmp(out, "1 1 38 38 0") != 0)
			fprintf(stderr, "errnos: %s, expected 1 1 38 38 0\n", out);
		_exit(strcmp(out, "1 1 38 38 0") == 0 ? 0 : 101);
	}
	int status;
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child status %d",
		      WEXITSTATUS(status));
	seccomp_program_free(&p);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("seccomp");
	TCase *tc = tcase_create("seccomp");
	tcase_add_test(tc, builtin_default_profile_compiles);
	tcase_add_test(tc, capability_conditions_change_the_filter);
	tcase_add_test(tc, builtin_default_profile_is_default_deny);
	tcase_add_test(tc, unknown_syscall_names_are_skipped);
	tcase_add_test(tc, notify_needs_a_listener_path);
	tcase_add_test(tc, repeated_argument_conditions_compile);
	tcase_add_test(tc, never_filter_compiles);
	tcase_add_test(tc, never_filter_refuses_user_namespaces_and_keyrings);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
