/* OCI mount options -> the new mount API: per-mount and recursive attributes, propagation,
 * bind/rbind, superblock flags and filesystem data. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

#include "ward/mounts.h"

#define OPTS(...) ((char *const[]){__VA_ARGS__, NULL})

static struct mount_plan plan_ok(const char *type, char *const *options)
{
	struct ward_error err = {0};
	struct mount_plan plan;

	ck_assert_msg(mountopts_parse(type, options, &plan, &err) == 0, "%s", err.msg);
	return plan;
}

static const char *plan_error(const char *type, char *const *options)
{
	static struct ward_error err;
	struct mount_plan plan;

	ck_assert_int_eq(mountopts_parse(type, options, &plan, &err), -1);
	/* A refused plan holds nothing to free. */
	ck_assert_ptr_null(plan.data);
	ck_assert_ptr_null(plan.sb_flags);
	return err.msg;
}

START_TEST(no_options_make_an_empty_plan)
{
	struct mount_plan p = plan_ok("proc", NULL);

	ck_assert(!p.bind && !p.recursive && !p.tmpcopyup && !p.idmap);
	ck_assert_uint_eq(p.attr_set | p.attr_clr | p.rec_attr_set | p.rec_attr_clr, 0);
	ck_assert_uint_eq(p.propagation, 0);
	ck_assert_ptr_null(p.data);
	ck_assert_ptr_null(p.sb_flags);
	mountopts_clear(&p);
}
END_TEST

START_TEST(ro_sets_the_rdonly_attribute)
{
	struct mount_plan p = plan_ok("sysfs", OPTS("ro"));

	ck_assert_uint_eq(p.attr_set, MOUNT_ATTR_RDONLY);
	ck_assert_uint_eq(p.attr_clr, 0);
	ck_assert_uint_eq(p.rec_attr_set, 0);
	mountopts_clear(&p);
}
END_TEST

START_TEST(the_last_of_ro_and_rw_wins)
{
	struct mount_plan p = plan_ok("tmpfs", OPTS("ro", "rw"));

	ck_assert_uint_eq(p.attr_set & MOUNT_ATTR_RDONLY, 0);
	ck_assert_uint_eq(p.attr_clr, MOUNT_ATTR_RDONLY);
	mountopts_clear(&p);

	p = plan_ok("tmpfs", OPTS("rw", "ro"));
	ck_assert_uint_eq(p.attr_set, MOUNT_ATTR_RDONLY);
	ck_assert_uint_eq(p.attr_clr, 0);
	mountopts_clear(&p);
}
END_TEST

START_TEST(nosuid_nodev_noexec_set_their_attributes)
{
	struct mount_plan p = plan_ok("proc", OPTS("nosuid", "noexec", "nodev"));

	ck_assert_uint_eq(p.attr_set, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC | MOUNT_ATTR_NODEV);
	ck_assert_ptr_null(p.data);
	mountopts_clear(&p);
}
END_TEST

START_TEST(suid_dev_exec_clear_their_attributes)
{
	struct mount_plan p = plan_ok("bind", OPTS("nosuid", "suid", "dev", "exec"));

	ck_assert_uint_eq(p.attr_set, 0);
	ck_assert_uint_eq(p.attr_clr, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
	mountopts_clear(&p);
}
END_TEST

START_TEST(nodiratime_and_nosymfollow_are_mount_attributes)
{
	struct mount_plan p = plan_ok("tmpfs", OPTS("nodiratime", "nosymfollow"));

	ck_assert_uint_eq(p.attr_set, MOUNT_ATTR_NODIRATIME | MOUNT_ATTR_NOSYMFOLLOW);
	mountopts_clear(&p);

	p = plan_ok("tmpfs", OPTS("nodiratime", "diratime", "symfollow"));
	ck_assert_uint_eq(p.attr_set, 0);
	ck_assert_uint_eq(p.attr_clr, MOUNT_ATTR_NODIRATIME | MOUNT_ATTR_NOSYMFOLLOW);
	mountopts_clear(&p);
}
END_TEST

START_TEST(noatime_sets_the_atime_field)
{
	/* The atime modes are one field: changing it needs MOUNT_ATTR__ATIME in attr_clr. */
	struct mount_plan p = plan_ok("tmpfs", OPTS("noatime"));

	ck_assert_uint_eq(p.attr_set & MOUNT_ATTR__ATIME, MOUNT_ATTR_NOATIME);
	ck_assert_uint_eq(p.attr_clr & MOUNT_ATTR__ATIME, MOUNT_ATTR__ATIME);
	mountopts_clear(&p);
}
END_TEST

START_TEST(strictatime_and_relatime_set_the_atime_field)
{
	struct mount_plan p = plan_ok("tmpfs", OPTS("strictatime"));

	ck_assert_uint_eq(p.attr_set & MOUNT_ATTR__ATIME, MOUNT_ATTR_STRICTATIME);
	ck_assert_uint_eq(p.attr_clr, MOUNT_ATTR__ATIME);
	mountopts_clear(&p);

	p = plan_ok("cgroup2", OPTS("nosuid", "relatime"));
	ck_assert_uint_eq(p.attr_set, MOUNT_ATTR_NOSUID | MOUNT_ATTR_RELATIME);
	ck_assert_uint_eq(p.attr_clr, MOUNT_ATTR__ATIME);
	mountopts_clear(&p);
}
END_TEST

START_TEST(the_last_atime_option_wins)
{
	struct mount_plan p = plan_ok("tmpfs", OPTS("noatime", "strictatime"));

	ck_assert_uint_eq(p.attr_set & MOUNT_ATTR__ATIME, MOUNT_ATTR_STRICTATIME);
	mountopts_clear(&p);

	p = plan_ok("tmpfs", OPTS("strictatime", "noatime"));
	ck_assert_uint_eq(p.attr_set & MOUNT_ATTR__ATIME, MOUNT_ATTR_NOATIME);
	mountopts_clear(&p);
}
END_TEST

START_TEST(negated_atime_options_fall_back_to_a_mode)
{
	/* "atime" undoes noatime (relatime, the kernel default); "norelatime" means strict. */
	struct mount_plan p = plan_ok("tmpfs", OPTS("noatime", "atime"));

	ck_assert_uint_eq(p.attr_set & MOUNT_ATTR__ATIME, MOUNT_ATTR_RELATIME);
	ck_assert_uint_eq(p.attr_clr, MOUNT_ATTR__ATIME);
	mountopts_clear(&p);

	p = plan_ok("tmpfs", OPTS("norelatime"));
	ck_assert_uint_eq(p.attr_set & MOUNT_ATTR__ATIME, MOUNT_ATTR_STRICTATIME);
	mountopts_clear(&p);

	p = plan_ok("tmpfs", OPTS("strictatime", "nostrictatime"));
	ck_assert_uint_eq(p.attr_set & MOUNT_ATTR__ATIME, MOUNT_ATTR_RELATIME);
	mountopts_clear(&p);
}
END_TEST

START_TEST(bind_option_makes_a_bind_mount)
{
	struct mount_plan p = plan_ok("none", OPTS("bind", "ro"));

	ck_assert(p.bind);
	ck_assert(!p.recursive);
	ck_assert_uint_eq(p.attr_set, MOUNT_ATTR_RDONLY);
	mountopts_clear(&p);
}
END_TEST

START_TEST(rbind_makes_a_recursive_bind_mount)
{
	struct mount_plan p = plan_ok(NULL, OPTS("rbind"));

	ck_assert(p.bind && p.recursive);
	mountopts_clear(&p);
}
END_TEST

START_TEST(type_bind_is_a_bind_mount_without_options)
{
	struct mount_plan p = plan_ok("bind", OPTS("nosuid"));

	ck_assert(p.bind && !p.recursive);
	ck_assert_uint_eq(p.attr_set, MOUNT_ATTR_NOSUID);
	mountopts_clear(&p);
}
END_TEST

START_TEST(propagation_options_set_the_propagation)
{
	struct {
		char opt[16];
		uint64_t prop;
		bool rec;
	} cases[] = {
		{"private", MS_PRIVATE, false},	      {"rprivate", MS_PRIVATE, true},
		{"shared", MS_SHARED, false},	      {"rshared", MS_SHARED, true},
		{"slave", MS_SLAVE, false},	      {"rslave", MS_SLAVE, true},
		{"unbindable", MS_UNBINDABLE, false}, {"runbindable", MS_UNBINDABLE, true},
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct mount_plan p = plan_ok("bind", OPTS(cases[i].opt));
		ck_assert_msg(p.propagation == cases[i].prop, "%s", cases[i].opt);
		ck_assert_msg(p.propagation_recursive == cases[i].rec, "%s", cases[i].opt);
		ck_assert_uint_eq(p.attr_set | p.rec_attr_set, 0);
		mountopts_clear(&p);
	}
}
END_TEST

START_TEST(the_last_propagation_wins)
{
	struct mount_plan p = plan_ok("bind", OPTS("rshared", "private"));

	ck_assert_uint_eq(p.propagation, MS_PRIVATE);
	ck_assert(!p.propagation_recursive);
	mountopts_clear(&p);
}
END_TEST

START_TEST(rro_sets_rdonly_recursively_only)
{
	struct mount_plan p = plan_ok("bind", OPTS("rbind", "rro"));

	ck_assert_uint_eq(p.rec_attr_set, MOUNT_ATTR_RDONLY);
	ck_assert_uint_eq(p.attr_set, 0);
	ck_assert_uint_eq(p.attr_clr, 0);
	mountopts_clear(&p);
}
END_TEST

START_TEST(r_prefixed_options_are_recursive_attributes)
{
	struct mount_plan p =
		plan_ok("bind", OPTS("rbind", "rnosuid", "rnodev", "rnoexec", "rnodiratime"));

	ck_assert_uint_eq(p.rec_attr_set, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC |
						  MOUNT_ATTR_NODIRATIME);
	ck_assert_uint_eq(p.attr_set, 0);
	mountopts_clear(&p);
}
END_TEST

START_TEST(r_prefixed_negations_clear_recursively)
{
	struct mount_plan p = plan_ok("bind", OPTS("rro", "rrw", "rsuid", "rexec", "rdev"));

	ck_assert_uint_eq(p.rec_attr_set, 0);
	ck_assert_uint_eq(p.rec_attr_clr, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID |
						  MOUNT_ATTR_NOEXEC | MOUNT_ATTR_NODEV);
	mountopts_clear(&p);
}
END_TEST

START_TEST(r_prefixed_atime_options_set_the_recursive_atime_field)
{
	struct mount_plan p = plan_ok("bind", OPTS("rnoatime"));

	ck_assert_uint_eq(p.rec_attr_set & MOUNT_ATTR__ATIME, MOUNT_ATTR_NOATIME);
	ck_assert_uint_eq(p.rec_attr_clr, MOUNT_ATTR__ATIME);
	ck_assert_uint_eq(p.attr_clr, 0);
	mountopts_clear(&p);

	p = plan_ok("bind", OPTS("rnoatime", "rstrictatime"));
	ck_assert_uint_eq(p.rec_attr_set & MOUNT_ATTR__ATIME, MOUNT_ATTR_STRICTATIME);
	mountopts_clear(&p);
}
END_TEST

START_TEST(refuses_r_prefix_on_an_option_that_is_no_attribute)
{
	ck_assert_str_eq(plan_error("tmpfs", OPTS("rsync")),
			 "option \"rsync\" is not a recursive mount attribute");
	ck_assert_str_eq(plan_error("bind", OPTS("rlazytime")),
			 "option \"rlazytime\" is not a recursive mount attribute");
}
END_TEST

/* fuzz_mountopts found "rrbind" taken for "rbind" and "rrshared" for "rshared": the "r" prefix
 * of a recursive attribute on an option that is already recursive and no attribute. */
START_TEST(refuses_r_prefix_on_bind_and_propagation_options)
{
	ck_assert_str_eq(plan_error("bind", OPTS("rrbind")),
			 "option \"rrbind\" is not a mount option (did you mean \"rbind\"?)");
	ck_assert_str_eq(plan_error("bind", OPTS("rbind", "rrshared")),
			 "option \"rrshared\" is not a mount option (did you mean \"rshared\"?)");
	ck_assert_str_eq(plan_error("tmpfs", OPTS("rrprivate")),
			 "option \"rrprivate\" is not a mount option (did you mean \"rprivate\"?)");
	ck_assert_str_eq(plan_error("none", OPTS("rbind", "rrslave")),
			 "option \"rrslave\" is not a mount option (did you mean \"rslave\"?)");
	ck_assert_str_eq(plan_error("bind", OPTS("rrunbindable")),
			 "option \"rrunbindable\" is not a mount option (did you mean "
			 "\"runbindable\"?)");
	/* What the "r" prefix is for still works, next to the recursive bind and propagation. */
	struct mount_plan p = plan_ok("bind", OPTS("rbind", "rshared", "rro", "rrelatime"));
	ck_assert(p.bind && p.recursive && p.propagation_recursive);
	ck_assert_uint_eq(p.propagation, MS_SHARED);
	mountopts_clear(&p);
}
END_TEST

START_TEST(data_options_are_passed_through_for_tmpfs)
{
	struct mount_plan p =
		plan_ok("tmpfs", OPTS("nosuid", "strictatime", "mode=755", "size=65536k"));

	ck_assert_ptr_nonnull(p.data);
	ck_assert_str_eq(p.data[0], "mode=755");
	ck_assert_str_eq(p.data[1], "size=65536k");
	ck_assert_ptr_null(p.data[2]);
	ck_assert_uint_eq(p.attr_set & MOUNT_ATTR_NOSUID, MOUNT_ATTR_NOSUID);
	mountopts_clear(&p);
	ck_assert_ptr_null(p.data);
}
END_TEST

START_TEST(devpts_options_are_filesystem_data)
{
	struct mount_plan p = plan_ok("devpts", OPTS("nosuid", "noexec", "newinstance",
						     "ptmxmode=0666", "mode=0620", "gid=5"));

	ck_assert_str_eq(p.data[0], "newinstance");
	ck_assert_str_eq(p.data[3], "gid=5");
	ck_assert_ptr_null(p.data[4]);
	mountopts_clear(&p);
}
END_TEST

START_TEST(data_starting_with_r_is_not_taken_for_a_recursive_attribute)
{
	struct mount_plan p = plan_ok("nfs", OPTS("rsize=8192", "retrans=3"));

	ck_assert_str_eq(p.data[0], "rsize=8192");
	ck_assert_str_eq(p.data[1], "retrans=3");
	ck_assert_uint_eq(p.rec_attr_set | p.rec_attr_clr, 0);
	mountopts_clear(&p);
}
END_TEST

START_TEST(superblock_flags_are_passed_by_name)
{
	struct mount_plan p = plan_ok("tmpfs", OPTS("sync", "dirsync", "lazytime", "iversion"));

	ck_assert_str_eq(p.sb_flags[0], "sync");
	ck_assert_str_eq(p.sb_flags[1], "dirsync");
	ck_assert_str_eq(p.sb_flags[2], "lazytime");
	ck_assert_str_eq(p.sb_flags[3], "iversion");
	ck_assert_ptr_null(p.sb_flags[4]);
	ck_assert_ptr_null(p.data);
	mountopts_clear(&p);
}
END_TEST

START_TEST(a_later_negation_cancels_a_superblock_flag)
{
	struct mount_plan p =
		plan_ok("tmpfs", OPTS("sync", "lazytime", "async", "sync", "nolazytime"));

	ck_assert_str_eq(p.sb_flags[0], "sync");
	ck_assert_ptr_null(p.sb_flags[1]);
	mountopts_clear(&p);

	p = plan_ok("tmpfs", OPTS("sync", "sync", "async"));
	ck_assert(p.sb_flags == NULL || p.sb_flags[0] == NULL);
	mountopts_clear(&p);
}
END_TEST

START_TEST(refuses_unknown_options_for_bind_mounts)
{
	ck_assert_str_eq(plan_error("bind", OPTS("rbind", "readonly")),
			 "option \"readonly\" is not a bind mount option");
	ck_assert_str_eq(plan_error("none", OPTS("bind", "mode=755", "newinstance")),
			 "option \"newinstance\" is not a bind mount option");
}
END_TEST

START_TEST(names_relabel_requests_of_bind_mounts)
{
	char *z[] = {"z", "Z"};
	char want[256];

	for (size_t i = 0; i < 2; i++) {
		snprintf(want, sizeof want,
			 "option \"%s\" asks for an SELinux relabel of the source, which the "
			 "engine does before calling the runtime (Podman's :z/:Z); ward never "
			 "relabels host files (remove it)",
			 z[i]);
		ck_assert_str_eq(plan_error("bind", OPTS("rbind", z[i])), want);
	}
}
END_TEST

START_TEST(sets_aside_data_options_of_bind_mounts)
{
	/* mount(2) ignores data for a bind: what runc passes along without effect. Before or
	 * after "bind", they are set aside for a warning, never handed to the kernel. */
	struct mount_plan p = plan_ok("none", OPTS("nosuid", "uid=0", "rbind", "size=1m"));

	ck_assert(p.bind && p.recursive);
	ck_assert_ptr_null(p.data);
	ck_assert_str_eq(p.ignored[0], "uid=0");
	ck_assert_str_eq(p.ignored[1], "size=1m");
	ck_assert_ptr_null(p.ignored[2]);
	mountopts_clear(&p);
	p = plan_ok("tmpfs", OPTS("mode=755"));
	ck_assert_ptr_null(p.ignored);
	ck_assert_str_eq(p.data[0], "mode=755");
	mountopts_clear(&p);
}
END_TEST

START_TEST(refuses_remount)
{
	ck_assert_str_eq(plan_error("tmpfs", OPTS("remount", "ro")),
			 "option \"remount\" is not supported in a container config");
	ck_assert_str_eq(plan_error("bind", OPTS("rremount")),
			 "option \"remount\" is not supported in a container config");
}
END_TEST

START_TEST(accepts_tmpcopyup_for_tmpfs)
{
	struct mount_plan p = plan_ok("tmpfs", OPTS("tmpcopyup", "mode=1777"));

	ck_assert(p.tmpcopyup);
	ck_assert_str_eq(p.data[0], "mode=1777");
	ck_assert_ptr_null(p.data[1]);
	mountopts_clear(&p);
}
END_TEST

START_TEST(refuses_tmpcopyup_for_other_mounts)
{
	ck_assert_str_eq(plan_error("proc", OPTS("tmpcopyup")),
			 "option \"tmpcopyup\" only applies to tmpfs mounts");
	ck_assert_str_eq(plan_error("bind", OPTS("tmpcopyup")),
			 "option \"tmpcopyup\" only applies to tmpfs mounts");
	ck_assert_str_eq(plan_error(NULL, OPTS("tmpcopyup")),
			 "option \"tmpcopyup\" only applies to tmpfs mounts");
	ck_assert_str_eq(plan_error("tmpfs", OPTS("tmpcopyup", "bind")),
			 "option \"tmpcopyup\" only applies to tmpfs mounts");
}
END_TEST

START_TEST(idmap_options_set_the_idmap_flags)
{
	struct mount_plan p = plan_ok("bind", OPTS("idmap"));

	ck_assert(p.idmap && !p.ridmap);
	ck_assert_ptr_null(p.data);
	mountopts_clear(&p);

	p = plan_ok("bind", OPTS("rbind", "ridmap"));
	ck_assert(p.idmap && p.ridmap);
	ck_assert_uint_eq(p.rec_attr_set, 0);
	mountopts_clear(&p);
}
END_TEST

START_TEST(ignores_defaults_empty_and_x_options)
{
	struct mount_plan p = plan_ok(
		"bind", OPTS("defaults", "", "x-systemd.automount", "X-mount.mkdir", "rbind"));

	ck_assert(p.bind && p.recursive);
	ck_assert_ptr_null(p.data);
	ck_assert_uint_eq(p.attr_set | p.attr_clr, 0);
	mountopts_clear(&p);
}
END_TEST

START_TEST(translates_docker_default_mounts)
{
	struct mount_plan p = plan_ok("sysfs", OPTS("nosuid", "noexec", "nodev", "ro"));

	ck_assert_uint_eq(p.attr_set, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC | MOUNT_ATTR_NODEV |
					      MOUNT_ATTR_RDONLY);
	ck_assert_ptr_null(p.data);
	mountopts_clear(&p);

	p = plan_ok("bind", OPTS("rbind", "rprivate", "ro"));
	ck_assert(p.bind && p.recursive);
	ck_assert_uint_eq(p.propagation, MS_PRIVATE);
	ck_assert(p.propagation_recursive);
	ck_assert_uint_eq(p.attr_set, MOUNT_ATTR_RDONLY);
	mountopts_clear(&p);
}
END_TEST

START_TEST(a_refused_plan_frees_what_it_collected)
{
	/* LeakSanitizer checks that data and sb_flags gathered before the error are freed. */
	ck_assert_str_eq(plan_error("tmpfs", OPTS("sync", "mode=755", "size=1m", "remount")),
			 "option \"remount\" is not supported in a container config");
	ck_assert_str_eq(plan_error("tmpfs", OPTS("mode=755", "nodev", "bind", "bogus")),
			 "option \"bogus\" is not a bind mount option");
}
END_TEST

START_TEST(clear_tolerates_a_cleared_plan)
{
	struct mount_plan p = plan_ok("tmpfs", OPTS("mode=755", "sync"));

	mountopts_clear(&p);
	mountopts_clear(&p);
	ck_assert_ptr_null(p.data);
	ck_assert_ptr_null(p.sb_flags);
}
END_TEST

static Suite *mountopts_suite(void)
{
	Suite *s = suite_create("mountopts");
	TCase *attrs = tcase_create("attributes");
	TCase *kinds = tcase_create("kinds");

	tcase_add_test(attrs, no_options_make_an_empty_plan);
	tcase_add_test(attrs, ro_sets_the_rdonly_attribute);
	tcase_add_test(attrs, the_last_of_ro_and_rw_wins);
	tcase_add_test(attrs, nosuid_nodev_noexec_set_their_attributes);
	tcase_add_test(attrs, suid_dev_exec_clear_their_attributes);
	tcase_add_test(attrs, nodiratime_and_nosymfollow_are_mount_attributes);
	tcase_add_test(attrs, noatime_sets_the_atime_field);
	tcase_add_test(attrs, strictatime_and_relatime_set_the_atime_field);
	tcase_add_test(attrs, the_last_atime_option_wins);
	tcase_add_test(attrs, negated_atime_options_fall_back_to_a_mode);
	tcase_add_test(attrs, rro_sets_rdonly_recursively_only);
	tcase_add_test(attrs, r_prefixed_options_are_recursive_attributes);
	tcase_add_test(attrs, r_prefixed_negations_clear_recursively);
	tcase_add_test(attrs, r_prefixed_atime_options_set_the_recursive_atime_field);
	tcase_add_test(attrs, refuses_r_prefix_on_an_option_that_is_no_attribute);
	tcase_add_test(attrs, refuses_r_prefix_on_bind_and_propagation_options);
	tcase_add_test(attrs, superblock_flags_are_passed_by_name);
	tcase_add_test(attrs, a_later_negation_cancels_a_superblock_flag);
	suite_add_tcase(s, attrs);

	tcase_add_test(kinds, bind_option_makes_a_bind_mount);
	tcase_add_test(kinds, rbind_makes_a_recursive_bind_mount);
	tcase_add_test(kinds, type_bind_is_a_bind_mount_without_options);
	tcase_add_test(kinds, propagation_options_set_the_propagation);
	tcase_add_test(kinds, the_last_propagation_wins);
	tcase_add_test(kinds, data_options_are_passed_through_for_tmpfs);
	tcase_add_test(kinds, devpts_options_are_filesystem_data);
	tcase_add_test(kinds, data_starting_with_r_is_not_taken_for_a_recursive_attribute);
	tcase_add_test(kinds, refuses_unknown_options_for_bind_mounts);
	tcase_add_test(kinds, names_relabel_requests_of_bind_mounts);
	tcase_add_test(kinds, sets_aside_data_options_of_bind_mounts);
	tcase_add_test(kinds, refuses_remount);
	tcase_add_test(kinds, accepts_tmpcopyup_for_tmpfs);
	tcase_add_test(kinds, refuses_tmpcopyup_for_other_mounts);
	tcase_add_test(kinds, idmap_options_set_the_idmap_flags);
	tcase_add_test(kinds, ignores_defaults_empty_and_x_options);
	tcase_add_test(kinds, translates_docker_default_mounts);
	tcase_add_test(kinds, a_refused_plan_frees_what_it_collected);
	tcase_add_test(kinds, clear_tolerates_a_cleared_plan);
	suite_add_tcase(s, kinds);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(mountopts_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
