/* Fields ward once parsed and then ignored, now carried out or refused by name: CPU and node
 * lists, process.execCPUAffinity, linux.memoryPolicy, linux.personality.flags, netDevices names,
 * ociVersion, and `update` (its flags through the config's parser, the policy on the result,
 * checkBeforeUpdate). Documents are written with ' for " to stay readable. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/mempolicy.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ward/cpulist.h"
#include "ward/spec.h"

#define CFG(x)	 "{'ociVersion':'1.3.0','root':{'path':'rootfs'}" x "}"
#define PROC(x)	 CFG(",'process':{'args':['sh'],'cwd':'/'" x "}")
#define LINUX(x) CFG(",'linux':{" x "}")

static char *q(const char *s)
{
	char *out = strdup(s);

	ck_assert_ptr_nonnull(out);
	for (char *p = out; *p; p++)
		if (*p == '\'')
			*p = '"';
	return out;
}

static struct ward_spec *spec_ok(const char *doc)
{
	struct ward_error err = {0};
	char *json = q(doc);
	struct ward_spec *spec = spec_parse(json, strlen(json), "config.json", &err);

	ck_assert_msg(spec != NULL, "spec_parse(%s) failed: %s", json, err.msg);
	free(json);
	return spec;
}

static const char *spec_error(const char *doc)
{
	static struct ward_error err;
	char *json = q(doc);
	struct ward_spec *spec = spec_parse(json, strlen(json), "config.json", &err);

	ck_assert_msg(spec == NULL, "spec_parse(%s) unexpectedly succeeded", json);
	free(json);
	return err.msg;
}

/* ---- CPU and node lists ------------------------------------------------------------------- */

START_TEST(cpulist_reads_numbers_and_ranges)
{
	struct cpulist l;
	const char *why;

	ck_assert_int_eq(cpulist_parse("0-3,7,65", &l, &why), 0);
	ck_assert_uint_eq(l.count, 6);
	for (size_t n = 0; n < 70; n++)
		ck_assert_int_eq(cpulist_has(&l, n), n <= 3 || n == 7 || n == 65);
	ck_assert_uint_eq(l.words, 65 / (8 * sizeof(unsigned long)) + 1);
	cpulist_free(&l);
	ck_assert_int_eq(cpulist_parse("5,5,4-5", &l, &why), 0);
	ck_assert_uint_eq(l.count, 2);
	cpulist_free(&l);
	ck_assert_int_eq(cpulist_parse("", &l, &why), 0);
	ck_assert_uint_eq(l.count, 0);
	ck_assert_ptr_null(l.bits);
	ck_assert_int_eq(cpulist_parse("8191", &l, &why), 0);
	ck_assert(cpulist_has(&l, 8191));
	cpulist_free(&l);
}
END_TEST

START_TEST(cpulist_refuses_what_is_not_a_list)
{
	static const char *const bad[] = {"x",	  "1-",	  "-1",	  "1,",
					  ",1",	  "1 ,2", " 1",	  "3-1",
					  "1,,2", "0x1",  "8192", "1-99999999999999999999",
					  "1\n"};
	struct cpulist l;
	const char *why;

	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		why = NULL;
		ck_assert_msg(cpulist_parse(bad[i], &l, &why) < 0, "\"%s\" was accepted", bad[i]);
		ck_assert_ptr_nonnull(why);
	}
	cpulist_parse("3-1", &l, &why);
	ck_assert_str_eq(why, "a range must not run backwards (write \"2-5\", not \"5-2\")");
	cpulist_parse("8192", &l, &why);
	ck_assert_str_eq(why, "a number is above 8191, the largest the kernel supports");
}
END_TEST

/* ---- process.execCPUAffinity -------------------------------------------------------------- */

START_TEST(parses_exec_cpu_affinity)
{
	struct ward_spec *spec =
		spec_ok(PROC(",'execCPUAffinity':{'initial':'7','final':'0-3,7'}"));

	ck_assert_str_eq(spec->process->exec_cpu_initial, "7");
	ck_assert_str_eq(spec->process->exec_cpu_final, "0-3,7");
	spec_free(spec);
	/* runc: empty lists are no lists. */
	spec = spec_ok(PROC(",'execCPUAffinity':{'initial':'','final':''}"));
	ck_assert_ptr_null(spec->process->exec_cpu_initial);
	ck_assert_ptr_null(spec->process->exec_cpu_final);
	spec_free(spec);
}
END_TEST

START_TEST(refuses_a_malformed_exec_cpu_affinity)
{
	ck_assert_str_eq(spec_error(PROC(",'execCPUAffinity':{'initial':'0-3,x'}")),
			 "config.json: process.execCPUAffinity.initial: \"0-3,x\" is not a CPU "
			 "list: expected a number (lists look like \"0-3,7\")");
	ck_assert_str_eq(spec_error(PROC(",'execCPUAffinity':{'final':'4-2'}")),
			 "config.json: process.execCPUAffinity.final: \"4-2\" is not a CPU list: "
			 "a range must not run backwards (write \"2-5\", not \"5-2\")");
	ck_assert_str_eq(spec_error(PROC(",'execCPUAffinity':{'final':3}")),
			 "config.json: process.execCPUAffinity.final: expected a string, got 3");
	ck_assert_str_eq(spec_error(PROC(",'execCPUAffinity':'0'")),
			 "config.json: process.execCPUAffinity: expected an object, got \"0\"");
}
END_TEST

START_TEST(exec_process_json_carries_its_own_affinity)
{
	struct ward_error err = {0};
	char *json = q("{'args':['sh'],'cwd':'/','execCPUAffinity':{'initial':'1'}}");
	struct ward_process *p = spec_parse_process(json, strlen(json), "--process", &err);

	ck_assert_msg(p != NULL, "%s", err.msg);
	ck_assert_str_eq(p->exec_cpu_initial, "1");
	ck_assert_ptr_null(p->exec_cpu_final);
	spec_process_free(p);
	free(json);
}
END_TEST

/* ---- linux.memoryPolicy ------------------------------------------------------------------- */

START_TEST(parses_memory_policy)
{
	struct ward_spec *spec = spec_ok(LINUX("'memoryPolicy':{'mode':'MPOL_INTERLEAVE','nodes':'"
					       "2-3','flags':['MPOL_F_STATIC_NODES']}"));
	const struct ward_linux *lx = &spec->linux_;

	ck_assert(lx->has_memory_policy);
	ck_assert_int_eq(lx->memory_policy_mode_value, MPOL_INTERLEAVE);
	ck_assert_str_eq(lx->memory_policy_nodes, "2-3");
	ck_assert_uint_eq(lx->memory_policy_flags, MPOL_F_STATIC_NODES);
	spec_free(spec);

	spec = spec_ok(LINUX("'memoryPolicy':{'mode':'MPOL_LOCAL'}"));
	ck_assert_int_eq(spec->linux_.memory_policy_mode_value, MPOL_LOCAL);
	ck_assert_ptr_null(spec->linux_.memory_policy_nodes);
	spec_free(spec);
	spec = spec_ok(LINUX("'memoryPolicy':{'mode':'MPOL_WEIGHTED_INTERLEAVE','nodes':'0',"
			     "'flags':['MPOL_F_NUMA_BALANCING','MPOL_F_RELATIVE_NODES']}"));
	ck_assert_int_eq(spec->linux_.memory_policy_mode_value, 6);
	ck_assert_uint_eq(spec->linux_.memory_policy_flags,
			  MPOL_F_NUMA_BALANCING | MPOL_F_RELATIVE_NODES);
	spec_free(spec);
	spec = spec_ok(LINUX("'memoryPolicy':{'mode':'MPOL_PREFERRED'}"));
	ck_assert_int_eq(spec->linux_.memory_policy_mode_value, MPOL_PREFERRED);
	spec_free(spec);
}
END_TEST

START_TEST(refuses_a_memory_policy_the_kernel_would_refuse)
{
	ck_assert_str_eq(spec_error(LINUX("'memoryPolicy':{'nodes':'0'}")),
			 "config.json: linux.memoryPolicy.mode: missing required field");
	ck_assert_str_eq(spec_error(LINUX("'memoryPolicy':{'mode':'MPOL_FAST'}")),
			 "config.json: linux.memoryPolicy.mode: unknown mode \"MPOL_FAST\" "
			 "(expected MPOL_DEFAULT, MPOL_BIND, MPOL_INTERLEAVE, "
			 "MPOL_WEIGHTED_INTERLEAVE, MPOL_PREFERRED, MPOL_PREFERRED_MANY or "
			 "MPOL_LOCAL)");
	ck_assert_str_eq(spec_error(LINUX("'memoryPolicy':{'mode':'MPOL_BIND'}")),
			 "config.json: linux.memoryPolicy.nodes: MPOL_BIND needs at least one "
			 "node (e.g. \"0\")");
	ck_assert_str_eq(spec_error(LINUX("'memoryPolicy':{'mode':'MPOL_DEFAULT','nodes':'1'}")),
			 "config.json: linux.memoryPolicy.nodes: MPOL_DEFAULT takes no nodes "
			 "(remove \"nodes\")");
	ck_assert_str_eq(spec_error(LINUX("'memoryPolicy':{'mode':'MPOL_BIND','nodes':'1-'}")),
			 "config.json: linux.memoryPolicy.nodes: \"1-\" is not a memory node "
			 "list: expected a number (lists look like \"0-3,7\")");
	ck_assert_str_eq(
		spec_error(LINUX("'memoryPolicy':{'mode':'MPOL_BIND','nodes':'0','flags':['X']}")),
		"config.json: linux.memoryPolicy.flags[0]: unknown flag \"X\" (expected "
		"MPOL_F_NUMA_BALANCING, MPOL_F_RELATIVE_NODES or MPOL_F_STATIC_NODES)");
	ck_assert_str_eq(spec_error(LINUX("'memoryPolicy':{'mode':'MPOL_BIND','nodes':'0','flags':"
					  "['MPOL_F_STATIC_NODES','MPOL_F_RELATIVE_NODES']}")),
			 "config.json: linux.memoryPolicy.flags: MPOL_F_STATIC_NODES and "
			 "MPOL_F_RELATIVE_NODES exclude each other");
}
END_TEST

/* ---- linux.personality.flags, netDevices, ociVersion -------------------------------------- */

START_TEST(refuses_personality_flags)
{
	struct ward_spec *spec = spec_ok(LINUX("'personality':{'domain':'LINUX','flags':[]}"));
	spec_free(spec);
	ck_assert_str_eq(spec_error(LINUX("'personality':{'domain':'LINUX',"
					  "'flags':['ADDR_NO_RANDOMIZE']}")),
			 "config.json: linux.personality.flags: \"ADDR_NO_RANDOMIZE\": the runtime "
			 "spec defines no personality flags (remove \"flags\")");
}
END_TEST

START_TEST(refuses_net_device_names_the_kernel_refuses)
{
	struct ward_spec *spec =
		spec_ok(LINUX("'netDevices':{'eth0':{'name':'ctr%d'},'dummy1':{}}"));
	ck_assert_uint_eq(spec->linux_.n_net_devices, 2);
	spec_free(spec);
	ck_assert_str_eq(spec_error(LINUX("'netDevices':{'..':{}}")),
			 "config.json: linux.netDevices...: not a valid network interface name");
	ck_assert_str_eq(spec_error(LINUX("'netDevices':{'a:b':{}}")),
			 "config.json: linux.netDevices.a:b: not a valid network interface name");
	ck_assert_str_eq(spec_error(LINUX("'netDevices':{'eth0':{'name':'a/b'}}")),
			 "config.json: linux.netDevices.eth0.name: \"a/b\" is not a valid network "
			 "interface name");
	ck_assert_str_eq(spec_error(LINUX("'netDevices':{'eth0':{'name':'x y'}}")),
			 "config.json: linux.netDevices.eth0.name: \"x y\" is not a valid network "
			 "interface name");
	ck_assert_str_eq(spec_error(LINUX("'netDevices':{'eth0':{'name':'0123456789abcdef'}}")),
			 "config.json: linux.netDevices.eth0.name: \"0123456789abcdef\" is not a "
			 "valid network interface name");
}
END_TEST

START_TEST(accepts_every_oci_version_ward_implements)
{
	static const char *const ok[] = {"1.0.0", "1.0.2-dev", "1.1.0-rc.1", "1.2.0",
					 "1.2.1", "1.3.0",     "1.3.0+dev"};
	char doc[128];

	for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) {
		snprintf(doc, sizeof doc, "{'ociVersion':'%s','root':{'path':'r'}}", ok[i]);
		spec_free(spec_ok(doc));
	}
	ck_assert(strstr(spec_error("{'ociVersion':'1.4.0','root':{'path':'r'}}"),
			 "ward implements runtime-spec 1.0 to 1.3"));
}
END_TEST

Suite *fields_suite(void);
Suite *fields_suite(void)
{
	Suite *s = suite_create("fields");
	TCase *lists = tcase_create("lists");
	TCase *spec = tcase_create("spec");

	tcase_add_test(lists, cpulist_reads_numbers_and_ranges);
	tcase_add_test(lists, cpulist_refuses_what_is_not_a_list);
	suite_add_tcase(s, lists);
	tcase_add_test(spec, parses_exec_cpu_affinity);
	tcase_add_test(spec, refuses_a_malformed_exec_cpu_affinity);
	tcase_add_test(spec, exec_process_json_carries_its_own_affinity);
	tcase_add_test(spec, parses_memory_policy);
	tcase_add_test(spec, refuses_a_memory_policy_the_kernel_would_refuse);
	tcase_add_test(spec, refuses_personality_flags);
	tcase_add_test(spec, refuses_net_device_names_the_kernel_refuses);
	tcase_add_test(spec, accepts_every_oci_version_ward_implements);
	suite_add_tcase(s, spec);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(fields_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
