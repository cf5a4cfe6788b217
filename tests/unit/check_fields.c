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

#include "ward/cgroup.h"
#include "ward/cli.h"
#include "ward/cpulist.h"
#include "ward/mounts.h"
#include "ward/plan.h"
#include "ward/policy.h"
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

/* ---- update: flags through config.json's parser -------------------------------------------- */

static const char *flags_error(size_t n, const char *const *flags, const char *const *args)
{
	static struct ward_error err;
	struct ward_resources r;

	memset(&err, 0, sizeof err);
	ck_assert_msg(update_parse_flags(n, flags, args, &r, &err) < 0, "%s %s accepted", flags[0],
		      args[0]);
	return err.msg;
}

#define FLAG_ERROR(f, a) flags_error(1, (const char *const[]){f}, (const char *const[]){a})

START_TEST(update_flags_become_linux_resources)
{
	const char *flags[] = {"--memory",    "--memory-swap", "--pids-limit",	 "--cpu-shares",
			       "--cpu-quota", "--cpuset-cpus", "--blkio-weight", "--memory"};
	const char *args[] = {"1g", "-1", "-1", "512", "-1", "0-1", "500", "64m"};
	struct ward_resources r;
	struct ward_error err = {0};

	ck_assert_msg(update_parse_flags(8, flags, args, &r, &err) == 0, "%s", err.msg);
	ck_assert(r.has_memory_limit);
	ck_assert_int_eq(r.memory_limit, 64 << 20); /* the last --memory wins */
	ck_assert(r.has_memory_swap && r.memory_swap == -1);
	ck_assert(r.has_pids_limit && r.pids_limit == -1);
	ck_assert(r.has_cpu_shares && r.cpu_shares == 512);
	ck_assert(r.has_cpu_quota && r.cpu_quota == -1);
	ck_assert_str_eq(r.cpu_cpus, "0-1");
	ck_assert(r.has_blkio_weight && r.blkio_weight == 500);
	ck_assert(!r.has_cpu_period && !r.has_memory_reservation && !r.has_check_before_update);
	spec_resources_clear(&r);
	ck_assert_int_eq(update_parse_flags(0, NULL, NULL, &r, &err), 0);
	ck_assert(!r.has_memory_limit && !r.has_pids_limit && !r.cpu_cpus);
	spec_resources_clear(&r);
}
END_TEST

START_TEST(update_flags_are_validated_as_config_json_is)
{
	/* Before: --memory -5 wrote "max" into memory.max. */
	ck_assert_str_eq(FLAG_ERROR("--memory", "-5"),
			 "--memory: memory: limit must be -1 (unlimited) or a number of bytes");
	ck_assert_str_eq(FLAG_ERROR("--memory-swap", "-2"),
			 "--memory-swap: memory: swap must be -1 (unlimited) or a number of bytes");
	ck_assert_str_eq(FLAG_ERROR("--memory-reservation", "-7"),
			 "--memory-reservation: memory: reservation must be -1 (unlimited) or a "
			 "number of bytes");
	ck_assert_str_eq(FLAG_ERROR("--memory", "1x"),
			 "--memory: \"1x\" is not a number of bytes (e.g. 512, 64k, 1m, 2g, or -1 "
			 "for unlimited)");
	ck_assert_str_eq(FLAG_ERROR("--memory", "-1k"),
			 "--memory: \"-1k\" is not a number of bytes (e.g. 512, 64k, 1m, 2g, or -1 "
			 "for unlimited)");
	ck_assert_str_eq(
		FLAG_ERROR("--pids-limit", "-3"),
		"--pids-limit: pids: limit must be -1 (unlimited) or a number of processes");
	ck_assert_str_eq(FLAG_ERROR("--pids-limit", "ten"),
			 "--pids-limit: \"ten\" is not an integer");
	/* Before: clamped to 0 and to 1000 without a word. */
	ck_assert_str_eq(
		FLAG_ERROR("--cpu-shares", "-1"),
		"--cpu-shares: cpu.shares: expected an unsigned 64-bit integer, got -1 (out "
		"of range)");
	ck_assert_str_eq(
		FLAG_ERROR("--blkio-weight", "5000"),
		"--blkio-weight: blockIO: weight 5000 is out of range (10 to 1000, or 0 for "
		"the default)");
	ck_assert_str_eq(FLAG_ERROR("--cpu-idle", "2"), "--cpu-idle: cpu: idle must be 0 or 1");
	ck_assert_str_eq(FLAG_ERROR("--cpuset-cpus", "0-"),
			 "--cpuset-cpus: cpu.cpus: \"0-\" is not a CPU list: expected a number "
			 "(lists look like \"0-3,7\")");
	ck_assert_str_eq(FLAG_ERROR("--cpuset-mems", "1,,2"),
			 "--cpuset-mems: cpu.mems: \"1,,2\" is not a memory node list: expected a "
			 "number (lists look like \"0-3,7\")");
	ck_assert_str_eq(FLAG_ERROR("--cpu-period", "1e3"),
			 "--cpu-period: \"1e3\" is not an integer");
	ck_assert_str_eq(FLAG_ERROR("--swap", "1"), "--swap: not an update flag");
}
END_TEST

START_TEST(resources_json_gets_the_same_validators)
{
	struct ward_resources r;
	struct ward_error err = {0};
	char *json = q("{'pids':{'limit':-2}}");

	ck_assert_int_lt(spec_parse_resources(json, strlen(json), "--resources", &r, &err), 0);
	ck_assert_str_eq(err.msg, "--resources: pids: limit must be -1 (unlimited) or a number of "
				  "processes");
	free(json);
	json = q("{'blockIO':{'weight':0},'pids':{'limit':0},'memory':{'checkBeforeUpdate':true}}");
	ck_assert_int_eq(spec_parse_resources(json, strlen(json), "--resources", &r, &err), 0);
	ck_assert(r.has_check_before_update && r.check_before_update);
	spec_resources_clear(&r);
	free(json);
}
END_TEST

/* ---- update: the policy on the resources the update leaves -------------------------------- */

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

static bool has_finding(const struct policy_finding *f, size_t n, const char *check,
			const char *path, const char *detail)
{
	size_t count;
	const struct policy_check *t = policy_checks(&count);

	for (size_t i = 0; i < n; i++)
		if (strcmp(t[f[i].check].name, check) == 0 &&
		    (!path || strcmp(f[i].path, path) == 0) &&
		    (!detail || strcmp(f[i].detail, detail) == 0))
			return true;
	return false;
}

/* The verdict on update u (LinuxResources JSON) of a container whose config has linux
 * members x, under the policy text. */
static struct policy_verdict judge_update_of(const char *policy, const char *x, const char *u)
{
	struct policy p = pol(policy);
	char doc[1024];
	snprintf(doc, sizeof doc, "{'ociVersion':'1.3.0','root':{'path':'rootfs'},'linux':{%s}}",
		 x);
	struct ward_spec *spec = spec_ok(doc);
	struct ward_resources r;
	struct policy_verdict v;
	struct ward_error err = {0};
	char *json = q(u);

	ck_assert_msg(spec_parse_resources(json, strlen(json), "--resources", &r, &err) == 0, "%s",
		      err.msg);
	ck_assert_msg(policy_evaluate_update(&p, spec, &r, &v, &err) == 0, "%s", err.msg);
	spec_resources_clear(&r);
	spec_free(spec);
	policy_clear(&p);
	free(json);
	return v;
}

#define LIMITED "'resources':{'memory':{'limit':67108864},'pids':{'limit':100}}"

START_TEST(restricted_refuses_an_update_that_removes_a_limit)
{
	struct policy_verdict v;

	v = judge_update_of("level = restricted\n", LIMITED, "{'memory':{'limit':-1}}");
	ck_assert_uint_eq(v.n_violations, 1);
	ck_assert(has_finding(v.violations, v.n_violations, "restricted-memory-limit",
			      "memory.limit", "the update sets -1, no limit"));
	policy_verdict_clear(&v);
	v = judge_update_of("level = restricted\n", LIMITED, "{'pids':{'limit':-1}}");
	ck_assert_uint_eq(v.n_violations, 1);
	ck_assert(has_finding(v.violations, v.n_violations, "restricted-pids-limit", "pids.limit",
			      "the update sets -1, no limit"));
	policy_verdict_clear(&v);
	v = judge_update_of("level = restricted\n", LIMITED, "{'pids':{'limit':0}}");
	ck_assert(has_finding(v.violations, v.n_violations, "restricted-pids-limit", NULL, NULL));
	policy_verdict_clear(&v);
}
END_TEST

START_TEST(restricted_accepts_an_update_that_keeps_the_limits)
{
	struct policy_verdict v;

	/* Lower limits, other resources, and a memory limit of 0 (which changes nothing). */
	v = judge_update_of("level = restricted\n", LIMITED,
			    "{'memory':{'limit':33554432},'pids':{'limit':50}}");
	ck_assert_uint_eq(v.n_violations, 0);
	policy_verdict_clear(&v);
	v = judge_update_of("level = restricted\n", LIMITED,
			    "{'cpu':{'shares':512},'memory':{'limit':0}}");
	ck_assert_uint_eq(v.n_violations, 0);
	policy_verdict_clear(&v);
	/* A container without limits gets them from the update. */
	v = judge_update_of("level = restricted\n", "'resources':{}",
			    "{'memory':{'limit':1048576},'pids':{'limit':10}}");
	ck_assert_uint_eq(v.n_violations, 0);
	policy_verdict_clear(&v);
	/* ... or stays without: the result is what is judged. */
	v = judge_update_of("level = restricted\n", "'resources':{}", "{'cpu':{'shares':512}}");
	ck_assert(has_finding(v.violations, v.n_violations, "restricted-memory-limit",
			      "memory.limit",
			      "the container has no limit and the update sets none"));
	policy_verdict_clear(&v);
	/* baseline does not ask for limits. */
	v = judge_update_of("level = baseline\n", LIMITED,
			    "{'memory':{'limit':-1},'pids':{'limit':-1}}");
	ck_assert_uint_eq(v.n_violations, 0);
	policy_verdict_clear(&v);
}
END_TEST

START_TEST(an_update_is_lifted_as_create_is)
{
	struct policy_verdict v;

	v = judge_update_of("level = restricted\nallow = restricted-memory-limit\n", LIMITED,
			    "{'memory':{'limit':-1}}");
	ck_assert_uint_eq(v.n_violations, 0);
	ck_assert(has_finding(v.overrides, v.n_overrides, "restricted-memory-limit", NULL, NULL));
	policy_verdict_clear(&v);
	/* The container's annotation, where the admin made the check overridable. */
	v = judge_update_of("level = restricted\noverridable = restricted-pids-limit\n",
			    LIMITED
			    "},'annotations':{'org.ward.policy.allow':'restricted-pids-limit'",
			    "{'pids':{'limit':-1}}");
	ck_assert_uint_eq(v.n_violations, 0);
	policy_verdict_clear(&v);
}
END_TEST

START_TEST(an_update_with_device_rules_create_would_refuse_is_refused)
{
	struct policy_verdict v;

	v = judge_update_of("level = baseline\n", LIMITED,
			    "{'devices':[{'allow':true,'access':'rwm'}]}");
	ck_assert(has_finding(v.violations, v.n_violations, "device-rule-allow-all",
			      "linux.resources.devices[0]", NULL));
	policy_verdict_clear(&v);
	v = judge_update_of("level = baseline\n", LIMITED,
			    "{'devices':[{'allow':true,'type':'b','major':8,'access':'rw'}]}");
	ck_assert(has_finding(v.violations, v.n_violations, "device-block", NULL, NULL));
	policy_verdict_clear(&v);
	/* containerd sends its default rules back with each update (the console's c 5:1
	 * included, which create hardens rather than refuses): they pass. */
	v = judge_update_of("level = baseline\n", LIMITED,
			    "{'devices':[{'allow':false,'access':'rwm'},"
			    "{'allow':true,'type':'c','major':1,'minor':3,'access':'rwm'},"
			    "{'allow':true,'type':'c','major':1,'minor':8,'access':'rwm'},"
			    "{'allow':true,'type':'c','major':1,'minor':7,'access':'rwm'},"
			    "{'allow':true,'type':'c','major':5,'minor':0,'access':'rwm'},"
			    "{'allow':true,'type':'c','major':1,'minor':5,'access':'rwm'},"
			    "{'allow':true,'type':'c','major':1,'minor':9,'access':'rwm'},"
			    "{'allow':true,'type':'c','major':5,'minor':1,'access':'rwm'},"
			    "{'allow':true,'type':'c','major':136,'access':'rwm'},"
			    "{'allow':true,'type':'c','major':5,'minor':2,'access':'rwm'}]}");
	ck_assert_msg(v.n_violations == 0, "%s", v.n_violations ? v.violations[0].path : "");
	policy_verdict_clear(&v);
	/* containerd sends the config's rules back with each update: those pass. */
	v = judge_update_of("level = baseline\n", LIMITED,
			    "{'devices':[{'allow':false,'access':'rwm'},"
			    "{'allow':true,'type':'c','major':1,'minor':3,'access':'rwm'}]}");
	ck_assert_uint_eq(v.n_violations, 0);
	policy_verdict_clear(&v);
}
END_TEST

START_TEST(restricted_create_still_needs_the_limits)
{
	struct policy p = pol("level = restricted\n");
	struct ward_spec *spec =
		spec_ok(LINUX("'resources':{'memory':{'limit':-1},'pids':{'limit':0}}"));
	struct ward_plan plan;
	struct policy_verdict v;
	struct ward_error err = {0};

	ck_assert_int_eq(plan_build(spec, "/", NULL, 0, &plan, &err), 0);
	ck_assert_int_eq(policy_evaluate(&p, spec, &plan, &v, &err), 0);
	ck_assert(has_finding(v.violations, v.n_violations, "restricted-memory-limit",
			      "linux.resources.memory.limit", "no limit"));
	ck_assert(has_finding(v.violations, v.n_violations, "restricted-pids-limit",
			      "linux.resources.pids.limit", "no limit"));
	policy_verdict_clear(&v);
	plan_clear(&plan);
	spec_free(spec);
	policy_clear(&p);
}
END_TEST

/* ---- net-device ------------------------------------------------------------------------------ */

static struct policy_verdict judge_config(const char *policy, const char *doc)
{
	struct policy p = pol(policy);
	struct ward_spec *spec = spec_ok(doc);
	struct ward_plan plan;
	struct policy_verdict v;
	struct ward_error err = {0};

	ck_assert_int_eq(plan_build(spec, "/", NULL, 0, &plan, &err), 0);
	ck_assert_msg(policy_evaluate(&p, spec, &plan, &v, &err) == 0, "%s", err.msg);
	plan_clear(&plan);
	spec_free(spec);
	policy_clear(&p);
	return v;
}

START_TEST(net_devices_are_refused_at_baseline_unless_allowed)
{
	struct policy_verdict v;
	const char *doc = LINUX("'namespaces':[{'type':'network'}],"
				"'netDevices':{'eth1':{'name':'ctr0'},'eth2':{}}");

	v = judge_config("level = baseline\n", doc);
	ck_assert(has_finding(v.violations, v.n_violations, "net-device",
			      "linux.netDevices[\"eth1\"]",
			      "moves the host's interface eth1 into the container as ctr0"));
	ck_assert(has_finding(v.violations, v.n_violations, "net-device",
			      "linux.netDevices[\"eth2\"]",
			      "moves the host's interface eth2 into the container"));
	policy_verdict_clear(&v);
	v = judge_config("level = baseline\nallow = net-device\n", doc);
	ck_assert(!has_finding(v.violations, v.n_violations, "net-device", NULL, NULL));
	ck_assert(has_finding(v.overrides, v.n_overrides, "net-device", NULL, NULL));
	policy_verdict_clear(&v);
	v = judge_config("level = baseline\n", LINUX("'namespaces':[{'type':'network'}]"));
	ck_assert(!has_finding(v.violations, v.n_violations, "net-device", NULL, NULL));
	policy_verdict_clear(&v);
}
END_TEST

/* ---- memory.checkBeforeUpdate -----------------------------------------------------------------
 */

START_TEST(check_before_update_compares_with_memory_current)
{
	char dir[] = "/tmp/ward-fields-XXXXXX";
	struct ward_error err = {0};
	char path[64];

	ck_assert_ptr_nonnull(mkdtemp(dir));
	int cgfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ck_assert_int_ge(cgfd, 0);
	/* No memory controller: writing the limit will say so. */
	ck_assert_int_eq(cgroup_check_memory_usage(cgfd, 1, &err), 0);
	snprintf(path, sizeof path, "%s/memory.current", dir);
	FILE *f = fopen(path, "w");
	fputs("1048576\n", f);
	fclose(f);
	ck_assert_int_eq(cgroup_check_memory_usage(cgfd, 1048576, &err), 0);
	ck_assert_int_eq(cgroup_check_memory_usage(cgfd, 2097152, &err), 0);
	ck_assert_int_lt(cgroup_check_memory_usage(cgfd, 1048575, &err), 0);
	ck_assert_str_eq(err.msg, "memory.limit: 1048575 bytes is below the container's current "
				  "usage of 1048576 bytes, and memory.checkBeforeUpdate asks to "
				  "refuse it (the kernel would OOM-kill the container instead)");
	f = fopen(path, "w");
	fputs("garbage\n", f);
	fclose(f);
	ck_assert_int_lt(cgroup_check_memory_usage(cgfd, 1048575, &err), 0);
	unlink(path);
	rmdir(dir);
	close(cgfd);
}
END_TEST

/* ---- mount options a bind mount cannot apply --------------------------------------------------
 */

START_TEST(bind_mounts_refuse_filesystem_options)
{
	static char *const sb[] = {"sync", "dirsync", "lazytime", "mand", "iversion", "silent"};
	struct mount_plan p;
	struct ward_error err = {0};
	char msg[256];

	for (size_t i = 0; i < sizeof sb / sizeof *sb; i++) {
		char *opts[] = {"rbind", sb[i], "ro", NULL};
		ck_assert_msg(mountopts_parse("bind", opts, &p, &err) < 0, "%s accepted", sb[i]);
		snprintf(msg, sizeof msg,
			 "option \"%s\" changes the filesystem, which a bind mount shares with its "
			 "source (remove it)",
			 sb[i]);
		ck_assert_str_eq(err.msg, msg);
	}
	/* Those that ask for the default are no change. */
	char *ok[] = {"bind", "async", "nolazytime", "loud", NULL};
	ck_assert_int_eq(mountopts_parse("bind", ok, &p, &err), 0);
	mountopts_clear(&p);
	char *fs[] = {"sync", "tmpcopyup", NULL};
	ck_assert_int_eq(mountopts_parse("tmpfs", fs, &p, &err), 0);
	mountopts_clear(&p);
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
	TCase *update = tcase_create("update");
	tcase_add_test(update, update_flags_become_linux_resources);
	tcase_add_test(update, update_flags_are_validated_as_config_json_is);
	tcase_add_test(update, resources_json_gets_the_same_validators);
	tcase_add_test(update, restricted_refuses_an_update_that_removes_a_limit);
	tcase_add_test(update, restricted_accepts_an_update_that_keeps_the_limits);
	tcase_add_test(update, an_update_is_lifted_as_create_is);
	tcase_add_test(update, an_update_with_device_rules_create_would_refuse_is_refused);
	tcase_add_test(update, restricted_create_still_needs_the_limits);
	tcase_add_test(update, check_before_update_compares_with_memory_current);
	suite_add_tcase(s, update);
	TCase *mounts = tcase_create("mounts");
	tcase_add_test(mounts, bind_mounts_refuse_filesystem_options);
	suite_add_tcase(s, mounts);
	TCase *net = tcase_create("net");
	tcase_add_test(net, net_devices_are_refused_at_baseline_unless_allowed);
	suite_add_tcase(s, net);
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
