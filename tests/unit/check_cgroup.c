/* cgroup v2 value conversion and path rules, against a temporary directory standing in for a
 * cgroupfs (the kernel's own is exercised by the integration and VM tests). */
#include <check.h>
#include <fcntl.h>
#include <limits.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ward/cgroup.h"
#include "ward/cleanup.h"
#include "ward/util.h"
#include "ward/verify.h"
#include "run_suite.h"

static char root[64];

static void put(const char *rel, const char *content)
{
	char path[256];
	snprintf(path, sizeof path, "%s/%s", root, rel);
	FILE *f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(content, f);
	fclose(f);
}

static char *get(const char *rel)
{
	static char buf[256];
	char path[256];
	snprintf(path, sizeof path, "%s/%s", root, rel);
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* A fake hierarchy: root with the given controllers, and the container cgroup /c with empty
 * interface files (the kernel creates them; openat(O_WRONLY) needs them to exist). */
static int fake_cgroup(const char *controllers)
{
	static const char *const files[] = {"memory.max",  "memory.low",  "memory.swap.max",
					    "cpu.weight",  "cpu.max",	  "pids.max",
					    "io.weight",   "io.max",	  "hugetlb.2MB.max",
					    "memory.high", "cpuset.cpus", "rdma.max"};
	char path[256];
	snprintf(root, sizeof root, "/tmp/ward-check-cgroup-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(root));
	put("cgroup.controllers", controllers);
	put("cgroup.subtree_control", "");
	snprintf(path, sizeof path, "%s/c", root);
	ck_assert_int_eq(mkdir(path, 0755), 0);
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		char rel[64];
		snprintf(rel, sizeof rel, "c/%s", files[i]);
		put(rel, "");
	}
	return open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

static int rm(const char *p, const struct stat *st, int t, struct FTW *f)
{
	return remove(p);
}

static void teardown(void)
{
	if (root[0])
		nftw(root, rm, 8, FTW_DEPTH | FTW_PHYS);
	root[0] = '\0';
}

START_TEST(shares_map_1024_to_the_v2_default_weight)
{
	ck_assert_uint_eq(cgroup_shares_to_weight(1024), 100);
	ck_assert_uint_eq(cgroup_shares_to_weight(2), 1);
	ck_assert_uint_eq(cgroup_shares_to_weight(262144), 10000);
	ck_assert_uint_eq(cgroup_shares_to_weight(0), 0);
	ck_assert_uint_gt(cgroup_shares_to_weight(2048), 100);
	ck_assert_uint_lt(cgroup_shares_to_weight(512), 100);
}
END_TEST

START_TEST(blkio_weight_maps_linearly_onto_io_weight)
{
	ck_assert_uint_eq(cgroup_blkio_to_io_weight(10), 1);
	ck_assert_uint_eq(cgroup_blkio_to_io_weight(1000), 10000);
	ck_assert_uint_eq(cgroup_blkio_to_io_weight(500), 1 + 490 * 9999 / 990);
	ck_assert_uint_eq(cgroup_blkio_to_io_weight(0), 0);
}
END_TEST

START_TEST(cgroups_path_rules)
{
	struct ward_error err = {0};
	char *p = NULL;
	ck_assert_int_eq(cgroup_resolve_path(NULL, "c1", &p, &err), 0);
	ck_assert_str_eq(p, "/ward/c1");
	free(p);
	ck_assert_int_eq(cgroup_resolve_path("pods/x", "c1", &p, &err), 0);
	ck_assert_str_eq(p, "/ward/pods/x");
	free(p);
	ck_assert_int_eq(cgroup_resolve_path("/docker//abc/", "c1", &p, &err), 0);
	ck_assert_str_eq(p, "/docker/abc");
	free(p);
	p = NULL;
	ck_assert_int_eq(cgroup_resolve_path("/a/../../etc", "c1", &p, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "must not contain \"..\""));
	ck_assert_int_eq(cgroup_resolve_path("/", "c1", &p, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "root cgroup"));
	ck_assert_int_eq(cgroup_resolve_path("system.slice:docker:abc", "c1", &p, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "needs --systemd-cgroup"));
}
END_TEST

/* fuzz_cgroup_path found "." resolving to /ward itself, where every container's cgroup is. */
START_TEST(a_relative_path_stays_below_ward)
{
	struct ward_error err = {0};
	char *p = NULL;
	const char *const refused[] = {".", "./", "./.", ".//."};
	for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
		ck_assert_int_eq(cgroup_resolve_path(refused[i], "c1", &p, &err), -1);
		ck_assert_ptr_null(p);
		ck_assert_ptr_nonnull(strstr(err.msg, "linux.cgroupsPath"));
		ck_assert_ptr_nonnull(strstr(err.msg, "names /ward"));
	}
	ck_assert_int_eq(cgroup_resolve_path("./c1", "c1", &p, &err), 0);
	ck_assert_str_eq(p, "/ward/c1");
	free(p);
	/* An absolute /ward is the admin's explicit choice, as any absolute path is. */
	ck_assert_int_eq(cgroup_resolve_path("/ward", "c1", &p, &err), 0);
	ck_assert_str_eq(p, "/ward");
	free(p);
}
END_TEST

START_TEST(resources_are_written_converted)
{
	struct ward_error err = {0};
	struct ward_resources r = {0};
	cleanup_close int fd = fake_cgroup("cpuset cpu io memory hugetlb pids\n");
	r.has_memory_limit = true;
	r.memory_limit = 67108864;
	r.has_memory_swap = true;
	r.memory_swap = 134217728;
	r.has_cpu_quota = true;
	r.cpu_quota = 50000;
	r.has_cpu_shares = true;
	r.cpu_shares = 1024;
	r.has_pids_limit = true;
	r.pids_limit = -1;
	r.cpu_cpus = "0-1";
	ck_assert_int_eq(cgroup_apply_resources(fd, root, "/c", &r, &err), 0);
	ck_assert_str_eq(get("c/memory.max"), "67108864");
	ck_assert_str_eq(get("c/memory.swap.max"), "67108864");
	ck_assert_str_eq(get("c/cpu.max"), "50000 100000");
	ck_assert_str_eq(get("c/cpu.weight"), "100");
	ck_assert_str_eq(get("c/pids.max"), "max");
	ck_assert_str_eq(get("c/cpuset.cpus"), "0-1");
	ck_assert_ptr_nonnull(strstr(get("cgroup.subtree_control"), "+"));
}
END_TEST

/* A value longer than 127 bytes (here a cpuset list of 64 CPUs) was cut short, and the
 * truncated list written: another limit than the config's. */
START_TEST(a_long_value_is_written_whole)
{
	struct ward_error err = {0};
	struct ward_resources r = {0};
	char cpus[512] = "";
	cleanup_close int fd = fake_cgroup("cpuset cpu io memory hugetlb pids\n");
	for (int i = 0; i < 128; i += 2)
		snprintf(cpus + strlen(cpus), sizeof cpus - strlen(cpus), "%s%d", i ? "," : "", i);
	ck_assert_uint_gt(strlen(cpus), 128);
	r.cpu_cpus = cpus;
	ck_assert_int_eq(cgroup_apply_resources(fd, root, "/c", &r, &err), 0);
	ck_assert_str_eq(get("c/cpuset.cpus"), cpus);
}
END_TEST

/* A long RDMA device name overflowed the stack buffer its rdma.max line was built in. */
START_TEST(a_long_rdma_device_name_is_written_whole)
{
	struct ward_error err = {0};
	struct ward_resources r = {0};
	struct ward_rdma_limit l = {.has_hca_handles = true,
				    .hca_handles = 3,
				    .has_hca_objects = true,
				    .hca_objects = 4};
	char device[201], expected[256];
	cleanup_close int fd = fake_cgroup("rdma\n");
	memset(device, 'm', sizeof device - 1);
	device[sizeof device - 1] = '\0';
	l.device = device;
	r.rdma = &l;
	r.n_rdma = 1;
	ck_assert(cgroup_resources_limit(&r));
	ck_assert_int_eq(cgroup_apply_resources(fd, root, "/c", &r, &err), 0);
	snprintf(expected, sizeof expected, "%s hca_handle=3 hca_object=4", device);
	ck_assert_str_eq(get("c/rdma.max"), expected);
}
END_TEST

START_TEST(a_limit_without_its_controller_is_refused)
{
	struct ward_error err = {0};
	struct ward_resources r = {0};
	cleanup_close int fd = fake_cgroup("hugetlb\n");
	r.has_memory_limit = true;
	r.memory_limit = 1 << 20;
	ck_assert_int_eq(cgroup_apply_resources(fd, root, "/c", &r, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "linux.resources.memory.limit: the memory "
					      "controller is not available"));
	ck_assert_ptr_nonnull(strstr(err.msg, "(it has: hugetlb)"));
	ck_assert_str_eq(get("c/memory.max"), "");
}
END_TEST

START_TEST(a_default_value_without_its_controller_is_skipped)
{
	struct ward_error err = {0};
	struct ward_resources r = {0};
	cleanup_close int fd = fake_cgroup("hugetlb\n");
	r.has_cpu_shares = true;
	r.cpu_shares = 1024; /* weight 100: the kernel's default */
	r.has_pids_limit = true;
	r.pids_limit = 0; /* unlimited */
	ck_assert_int_eq(cgroup_apply_resources(fd, root, "/c", &r, &err), 0);
	ck_assert_str_eq(get("c/cpu.weight"), "");
}
END_TEST

START_TEST(impossible_v2_settings_are_refused)
{
	struct ward_error err = {0};
	struct ward_resources r = {0};
	cleanup_close int fd = fake_cgroup("cpu memory\n");
	r.has_disable_oom_killer = true;
	r.disable_oom_killer = true;
	ck_assert_int_eq(cgroup_apply_resources(fd, root, "/c", &r, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "disableOOMKiller"));
	memset(&r, 0, sizeof r);
	r.has_memory_swap = true;
	r.memory_swap = 100;
	ck_assert_int_eq(cgroup_apply_resources(fd, root, "/c", &r, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "swap: needs memory.limit"));
	memset(&r, 0, sizeof r);
	r.has_cpu_rt_runtime = true;
	r.cpu_rt_runtime = 1000;
	ck_assert_int_eq(cgroup_apply_resources(fd, root, "/c", &r, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "real-time"));
}
END_TEST

/* What a state.json may name as a container's cgroup before ward writes to it. */
START_TEST(state_cgroup_path_sanity)
{
	const char *why = NULL;
	static const char *const good[] = {"/ward/c1", "/kubepods/burstable/pod1/ctr", "/a"};
	static const char *const bad[] = {
		"",	     "ward/c1",	    "/",	  "//",	 "/ward//c1",
		"/ward/c1/", "/ward/../c1", "/ward/./c1", "/..", "/ward/..",
	};
	for (size_t i = 0; i < ARRAY_SIZE(good); i++)
		ck_assert_msg(verify_cgroup_path(good[i], "/system.slice/ward.service", &why) == 0,
			      "%s: %s", good[i], why);
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		ck_assert_msg(verify_cgroup_path(bad[i], NULL, &why) == -1, "accepted %s", bad[i]);
	ck_assert_int_eq(verify_cgroup_path(NULL, NULL, &why), -1);
	char long_path[PATH_MAX];
	memset(long_path, 'a', sizeof long_path - 1);
	long_path[0] = '/';
	long_path[sizeof long_path - 1] = '\0';
	ck_assert_int_eq(verify_cgroup_path(long_path, NULL, &why), -1);
	ck_assert_str_eq(why, "is too long");
	/* ward's own cgroup and its ancestors: where `kill --all` would kill ward and its
	 * caller, or every service of the host. */
	ck_assert_int_eq(verify_cgroup_path("/user.slice/session-1.scope",
					    "/user.slice/session-1.scope", &why),
			 -1);
	ck_assert_ptr_nonnull(strstr(why, "ward's own cgroup"));
	ck_assert_int_eq(verify_cgroup_path("/user.slice", "/user.slice/session-1.scope", &why),
			 -1);
	ck_assert_int_eq(verify_cgroup_path("/user.slice/session-1.scope/ward-c1",
					    "/user.slice/session-1.scope", &why),
			 0); /* a rootless container, below its caller */
	ck_assert_int_eq(verify_cgroup_path("/user.slice/session-10.scope",
					    "/user.slice/session-1.scope", &why),
			 0); /* a sibling that only shares a prefix */
	ck_assert_int_eq(verify_cgroup_path("/ward/c1", "/", &why), 0);
}
END_TEST

START_TEST(cgroup_within_is_by_component)
{
	ck_assert(verify_cgroup_within("/a/b", "/a/b"));
	ck_assert(verify_cgroup_within("/a/b/init.scope", "/a/b"));
	ck_assert(!verify_cgroup_within("/a/bc", "/a/b"));
	ck_assert(!verify_cgroup_within("/a", "/a/b"));
	ck_assert(verify_cgroup_within("/anything", "/"));
}
END_TEST

START_TEST(proc_cgroup_v2_line)
{
	char *cg = verify_parse_proc_cgroup("12:pids:/x\n1:name=systemd:/y\n0::/ward/c1\n");
	ck_assert_str_eq(cg, "/ward/c1");
	free(cg);
	cg = verify_parse_proc_cgroup("0::/last-line-without-newline");
	ck_assert_str_eq(cg, "/last-line-without-newline");
	free(cg);
	/* "10::" is not "0::" */
	ck_assert_ptr_null(verify_parse_proc_cgroup("10::/v1-named\n4:memory:/m\n"));
	ck_assert_ptr_null(verify_parse_proc_cgroup(""));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("cgroup");
	TCase *tc = tcase_create("cgroup");
	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_test(tc, shares_map_1024_to_the_v2_default_weight);
	tcase_add_test(tc, blkio_weight_maps_linearly_onto_io_weight);
	tcase_add_test(tc, cgroups_path_rules);
	tcase_add_test(tc, a_relative_path_stays_below_ward);
	tcase_add_test(tc, resources_are_written_converted);
	tcase_add_test(tc, a_long_value_is_written_whole);
	tcase_add_test(tc, a_long_rdma_device_name_is_written_whole);
	tcase_add_test(tc, a_limit_without_its_controller_is_refused);
	tcase_add_test(tc, a_default_value_without_its_controller_is_skipped);
	tcase_add_test(tc, impossible_v2_settings_are_refused);
	tcase_add_test(tc, state_cgroup_path_sanity);
	tcase_add_test(tc, cgroup_within_is_by_component);
	tcase_add_test(tc, proc_cgroup_v2_line);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
