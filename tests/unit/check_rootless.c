/* The rootless rule (runc's: not root in the initial user namespace) on sample uid_map
 * contents, --rootless, the default state root's $XDG_RUNTIME_DIR rule and the oom_score_adj
 * a rootless runtime cannot lower. */
#include <check.h>
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ward/rootless.h"
#include "run_suite.h"

START_TEST(the_initial_namespace_maps_every_id_to_itself)
{
	/* As the kernel prints it, and without padding or newline. */
	ck_assert(rootless_uid_map_is_initial("         0          0 4294967295\n"));
	ck_assert(rootless_uid_map_is_initial("0 0 4294967295"));
	ck_assert(rootless_uid_map_is_initial("\t0\t0\t4294967295\n"));
}
END_TEST

START_TEST(any_other_map_is_a_user_namespace)
{
	/* Rootless podman: the user's id as root, then its subordinate range. */
	ck_assert(!rootless_uid_map_is_initial("         0       1002          1\n"
					       "         1     165536      65536\n"));
	/* An unprivileged user's single mapping (ward spec --rootless). */
	ck_assert(!rootless_uid_map_is_initial("         0       1000          1\n"));
	/* Docker's userns-remap: root is 100000 on the host. */
	ck_assert(!rootless_uid_map_is_initial("         0     100000      65536\n"));
	/* Identity, but not the whole range. */
	ck_assert(!rootless_uid_map_is_initial("         0          0 4294967294\n"));
	ck_assert(!rootless_uid_map_is_initial("         0          0      65536\n"));
	/* Whole range, but shifted. */
	ck_assert(!rootless_uid_map_is_initial("         1          0 4294967295\n"));
	/* A new user namespace before its map is written. */
	ck_assert(!rootless_uid_map_is_initial(""));
}
END_TEST

START_TEST(an_unparsable_map_takes_the_privileged_path)
{
	/* A doubt must not skip the device program: the privileged path fails closed. */
	ck_assert(rootless_uid_map_is_initial("garbage\n"));
	ck_assert(rootless_uid_map_is_initial("0 0\n"));
	ck_assert(rootless_uid_map_is_initial("-1 0 4294967295\n"));
}
END_TEST

START_TEST(rootless_flag_spellings)
{
	enum rootless_mode m;
	ck_assert_int_eq(rootless_parse_mode("auto", &m), 0);
	ck_assert_int_eq(m, ROOTLESS_AUTO);
	ck_assert_int_eq(rootless_parse_mode("true", &m), 0);
	ck_assert_int_eq(m, ROOTLESS_ON);
	ck_assert_int_eq(rootless_parse_mode("false", &m), 0);
	ck_assert_int_eq(m, ROOTLESS_OFF);
	ck_assert_int_eq(rootless_parse_mode("yes", &m), -1);
	ck_assert_int_eq(rootless_parse_mode("TRUE", &m), -1);
	ck_assert_int_eq(rootless_parse_mode("", &m), -1);
}
END_TEST

/* check forks every test: each starts with nothing computed. */
START_TEST(auto_mode_is_runcs_rule)
{
	rootless_set_mode(ROOTLESS_AUTO);
	ck_assert(ward_is_rootless() == (geteuid() != 0 || rootless_in_user_namespace()));
	ck_assert(rootless_is_host_root() == !ward_is_rootless());
}
END_TEST

START_TEST(the_answer_is_fixed_before_any_namespace_changes)
{
	rootless_set_mode(ROOTLESS_AUTO);
	bool before = ward_is_rootless();
	/* What a container's process does after ward cloned it: from inside, the rule would
	 * say "rootless"; ward's answer must stand. */
	ck_assert_int_eq(unshare(CLONE_NEWUSER), 0);
	ck_assert(rootless_in_user_namespace());
	ck_assert(ward_is_rootless() == before);
}
END_TEST

START_TEST(the_flag_overrides_detection_but_not_host_privilege)
{
	bool host_root = geteuid() == 0 && !rootless_in_user_namespace();
	rootless_set_mode(ROOTLESS_ON);
	ck_assert(ward_is_rootless());
	ck_assert(rootless_is_host_root() == host_root);
	rootless_set_mode(ROOTLESS_OFF);
	ck_assert(!ward_is_rootless());
	ck_assert(rootless_is_host_root() == host_root);
}
END_TEST

START_TEST(xdg_runtime_dir_rule)
{
	const char *xdg = "/run/user/1000";
	/* Nothing to honour. */
	ck_assert(!rootless_use_xdg_runtime_dir(NULL, 1000, false, "alice"));
	ck_assert(!rootless_use_xdg_runtime_dir("", 1000, false, "alice"));
	/* An ordinary user, whatever $USER says. */
	ck_assert(rootless_use_xdg_runtime_dir(xdg, 1000, false, "alice"));
	ck_assert(rootless_use_xdg_runtime_dir(xdg, 1000, false, NULL));
	/* Real root keeps /run/ward, even with $XDG_RUNTIME_DIR set. */
	ck_assert(!rootless_use_xdg_runtime_dir(xdg, 0, false, "root"));
	ck_assert(!rootless_use_xdg_runtime_dir(xdg, 0, false, NULL));
	ck_assert(!rootless_use_xdg_runtime_dir(xdg, 0, false, "alice"));
	/* Root of a user namespace: rootless podman (conmon passes no $USER), podman unshare. */
	ck_assert(rootless_use_xdg_runtime_dir(xdg, 0, true, NULL));
	ck_assert(rootless_use_xdg_runtime_dir(xdg, 0, true, "alice"));
	/* ... unless it is a system container's root. */
	ck_assert(!rootless_use_xdg_runtime_dir(xdg, 0, true, "root"));
}
END_TEST

static char oom_file[64];

static void write_oom(const char *value)
{
	snprintf(oom_file, sizeof oom_file, "/tmp/ward-oom.XXXXXX");
	int fd = mkstemp(oom_file);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, value, strlen(value)), (ssize_t)strlen(value));
	close(fd);
}

START_TEST(a_rootless_runtime_keeps_what_it_cannot_lower)
{
	int kept = 0;
	write_oom("500\n");
	rootless_set_mode(ROOTLESS_ON);
	ck_assert(rootless_oom_score_adj_kept(oom_file, 100, EACCES, &kept));
	ck_assert_int_eq(kept, 500);
	ck_assert(rootless_oom_score_adj_kept(oom_file, -1000, EACCES, &kept));
	/* Not lowering, another error, or not rootless: the failure stands. */
	ck_assert(!rootless_oom_score_adj_kept(oom_file, 500, EACCES, &kept));
	ck_assert(!rootless_oom_score_adj_kept(oom_file, 600, EACCES, &kept));
	ck_assert(!rootless_oom_score_adj_kept(oom_file, 100, EINVAL, &kept));
	ck_assert(!rootless_oom_score_adj_kept("/nonexistent", 100, EACCES, &kept));
	rootless_set_mode(ROOTLESS_OFF);
	ck_assert(!rootless_oom_score_adj_kept(oom_file, 100, EACCES, &kept));
	unlink(oom_file);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("rootless");
	TCase *tc = tcase_create("rootless");
	tcase_add_test(tc, the_initial_namespace_maps_every_id_to_itself);
	tcase_add_test(tc, any_other_map_is_a_user_namespace);
	tcase_add_test(tc, an_unparsable_map_takes_the_privileged_path);
	tcase_add_test(tc, rootless_flag_spellings);
	tcase_add_test(tc, auto_mode_is_runcs_rule);
	tcase_add_test(tc, the_answer_is_fixed_before_any_namespace_changes);
	tcase_add_test(tc, the_flag_overrides_detection_but_not_host_privilege);
	tcase_add_test(tc, xdg_runtime_dir_rule);
	tcase_add_test(tc, a_rootless_runtime_keeps_what_it_cannot_lower);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
