/* The config.json model: the engines' configs parse, and every error a user can reach names
 * the JSON path and says what was wrong. Documents are written with ' for " to stay readable. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "ward/json.h"
#include "ward/spec.h"
#include "testenv.h"

#define CFG(x)	   "{'ociVersion':'1.2.0','root':{'path':'rootfs'}" x "}"
#define PROC(x)	   CFG(",'process':{'args':['sh'],'cwd':'/'" x "}")
#define LINUX(x)   CFG(",'linux':{" x "}")
#define RES(x)	   LINUX("'resources':{" x "}")
#define SECCOMP(x) LINUX("'seccomp':{'defaultAction':'SCMP_ACT_ERRNO'" x "}")
#define PJSON(x)   "{'args':['sh'],'cwd':'/'" x "}"

#define CAP_BIT(n) (1ull << (n))

/* s with every ' turned into ". */
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

/* The error message of a config that must be refused (each test runs in its own process). */
static const char *spec_error(const char *doc)
{
	static struct ward_error err;
	char *json = q(doc);
	struct ward_spec *spec = spec_parse(json, strlen(json), "config.json", &err);

	ck_assert_msg(spec == NULL, "spec_parse(%s) unexpectedly succeeded", json);
	free(json);
	return err.msg;
}

static struct ward_process *process_ok(const char *doc)
{
	struct ward_error err = {0};
	char *json = q(doc);
	struct ward_process *p = spec_parse_process(json, strlen(json), "process.json", &err);

	ck_assert_msg(p != NULL, "spec_parse_process(%s) failed: %s", json, err.msg);
	free(json);
	return p;
}

static const char *process_error(const char *doc)
{
	static struct ward_error err;
	char *json = q(doc);
	struct ward_process *p = spec_parse_process(json, strlen(json), "process.json", &err);

	ck_assert_msg(p == NULL, "spec_parse_process(%s) unexpectedly succeeded", json);
	free(json);
	return err.msg;
}

static const char *resources_error(const char *doc)
{
	static struct ward_error err;
	struct ward_resources res;
	char *json = q(doc);
	int rc = spec_parse_resources(json, strlen(json), "resources.json", &res, &err);

	ck_assert_msg(rc < 0, "spec_parse_resources(%s) unexpectedly succeeded", json);
	/* A failed parse leaves nothing to free. */
	ck_assert_ptr_null(res.devices);
	ck_assert_ptr_null(res.unified);
	ck_assert_uint_eq(res.n_devices, 0);
	free(json);
	return err.msg;
}

static struct ward_spec *fixture(const char *name)
{
	char path[4096];
	struct ward_error err = {0};
	struct ward_spec *spec;

	snprintf(path, sizeof path, "%s/%s", TEST_DATA_DIR, name);
	spec = spec_parse_file(path, "config.json", &err);
	ck_assert_msg(spec != NULL, "%s: %s", name, err.msg);
	return spec;
}

static bool has_prefix(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

static bool has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* ---- engine configs ----------------------------------------------------------------------- */

START_TEST(parses_docker_20_10_default_config)
{
	struct ward_spec *spec = fixture("docker-20.10-default.json");
	struct ward_process *p = spec->process;

	ck_assert_str_eq(spec->oci_version, "1.0.2-dev");
	ck_assert_str_eq(spec->hostname, "3c0eb0e02194");
	ck_assert_uint_eq(spec->n_mounts, 10);
	ck_assert_str_eq(p->args[0], "sleep");
	ck_assert_str_eq(p->args[1], "100");
	ck_assert_ptr_null(p->args[2]);
	ck_assert_uint_eq(p->n_additional_gids, 1);
	ck_assert(p->has_oom_score_adj);
	ck_assert(p->caps.has_bounding && !p->caps.has_ambient);
	ck_assert_uint_eq(__builtin_popcountll(p->caps.bounding), 14);
	ck_assert_uint_eq(spec->hooks.count[WARD_HOOK_PRESTART], 1);
	ck_assert_str_eq(spec->hooks.list[WARD_HOOK_PRESTART][0].path, "/proc/2476/exe");
	ck_assert(spec->linux_.namespaces[WARD_NS_NETWORK].present);
	ck_assert(!spec->linux_.namespaces[WARD_NS_USER].present);
	ck_assert_uint_eq(spec->linux_.n_sysctl, 2);
	ck_assert_ptr_nonnull(spec->linux_.seccomp);
	ck_assert_str_eq(spec->linux_.seccomp->default_action, "SCMP_ACT_ERRNO");
	ck_assert_uint_eq(spec->linux_.seccomp->n_rules, 12);
	ck_assert_uint_eq(spec->linux_.resources.n_devices, 8);
	ck_assert_int_eq(spec->linux_.resources.devices[0].type, 'a');
	ck_assert(!spec->linux_.resources.devices[0].allow);
	spec_free(spec);
}
END_TEST

START_TEST(parses_podman_4_3_default_config)
{
	struct ward_spec *spec = fixture("podman-4.3-default.json");

	ck_assert(spec->process->has_umask);
	ck_assert_uint_eq(spec->process->umask, 18);
	ck_assert_uint_eq(spec->process->n_rlimits, 2);
	ck_assert_int_eq(spec->process->rlimits[1].resource, RLIMIT_NPROC);
	ck_assert_uint_eq(spec->n_annotations, 8);
	ck_assert_str_eq(spec_annotation(spec, "io.container.manager"), "libpod");
	ck_assert(spec->linux_.seccomp->has_default_errno_ret);
	ck_assert_uint_eq(spec->linux_.seccomp->default_errno_ret, 38);
	ck_assert_uint_eq(spec->linux_.seccomp->n_rules, 19);
	spec_free(spec);
}
END_TEST

START_TEST(parses_containerd_1_6_ctr_default_config)
{
	struct ward_spec *spec = fixture("containerd-1.6-ctr-default.json");
	const struct ward_resources *res = &spec->linux_.resources;

	ck_assert_str_eq(spec->process->args[0], "/bin/sleep");
	ck_assert(spec->process->no_new_privileges);
	ck_assert_ptr_null(spec->hostname);
	ck_assert_str_eq(spec->linux_.cgroups_path, "/default/t2");
	ck_assert(res->has_cpu_shares);
	ck_assert_uint_eq(res->cpu_shares, 1024);
	ck_assert_uint_eq(res->n_devices, 10);
	/* {"type": "c", "major": 136} : any minor. */
	ck_assert(res->devices[8].has_major && !res->devices[8].has_minor);
	ck_assert_uint_eq(res->devices[8].major, 136);
	spec_free(spec);
}
END_TEST

START_TEST(parses_runc_1_1_spec_config)
{
	struct ward_spec *spec = fixture("runc-1.1-spec.json");

	ck_assert(spec->root_readonly);
	ck_assert_str_eq(spec->root_path, "rootfs");
	ck_assert(spec->process->terminal);
	ck_assert(spec->process->caps.has_ambient);
	ck_assert_uint_eq(spec->process->caps.ambient,
			  CAP_BIT(5) | CAP_BIT(10) | CAP_BIT(29)); /* KILL, NET_BIND, AUDIT_WRITE */
	ck_assert(spec->linux_.has_masked_paths && spec->linux_.has_readonly_paths);
	ck_assert(!spec->linux_.has_resources || spec->linux_.resources.n_devices == 1);
	spec_free(spec);
}
END_TEST

START_TEST(round_trips_the_generated_default_config)
{
	struct ward_error err = {0};
	struct ward_spec *spec;
	char *buf = NULL;
	size_t len = 0;
	const uint64_t caps = CAP_BIT(29) | CAP_BIT(5) | CAP_BIT(10);

	ck_assert_int_eq(spec_generate_default(&buf, &len, &err), 0);
	ck_assert_uint_eq(strlen(buf), len);
	spec = spec_parse(buf, len, "config.json", &err);
	ck_assert_msg(spec != NULL, "%s", err.msg);
	ck_assert_str_eq(spec->oci_version, WARD_OCI_VERSION);
	ck_assert_str_eq(spec->root_path, "rootfs");
	ck_assert(spec->root_readonly);
	ck_assert_str_eq(spec->hostname, "ward");
	ck_assert_str_eq(spec->process->args[0], "sh");
	ck_assert_str_eq(spec->process->cwd, "/");
	ck_assert(spec->process->no_new_privileges);
	ck_assert_uint_eq(spec->process->caps.bounding, caps);
	ck_assert_uint_eq(spec->process->caps.effective, caps);
	ck_assert_uint_eq(spec->process->caps.permitted, caps);
	ck_assert(spec->process->caps.has_ambient);
	ck_assert_uint_eq(spec->process->caps.ambient, 0);
	ck_assert_uint_eq(spec->process->caps.inheritable, 0);
	ck_assert_uint_eq(spec->process->n_rlimits, 1);
	ck_assert_int_eq(spec->process->rlimits[0].resource, RLIMIT_NOFILE);
	ck_assert_uint_eq(spec->n_mounts, 7);
	ck_assert_str_eq(spec->mounts[6].destination, "/sys/fs/cgroup");
	ck_assert_str_eq(spec->mounts[6].type, "cgroup2");
	for (int k = 0; k < WARD_NS_KINDS; k++)
		ck_assert_msg(spec->linux_.namespaces[k].present ==
				      (k != WARD_NS_USER && k != WARD_NS_TIME),
			      "namespace %s", spec_ns_name((enum ward_ns_kind)k));
	ck_assert_str_eq(spec->linux_.masked_paths[0], "/proc/acpi");
	ck_assert_str_eq(spec->linux_.readonly_paths[0], "/proc/bus");
	spec_free(spec);
	free(buf);
}
END_TEST

START_TEST(parses_a_minimal_config)
{
	struct ward_spec *spec = spec_ok(CFG(""));

	ck_assert_str_eq(spec->oci_version, "1.2.0");
	ck_assert_str_eq(spec->root_path, "rootfs");
	ck_assert(!spec->root_readonly);
	ck_assert_ptr_null(spec->process);
	ck_assert_uint_eq(spec->n_mounts, 0);
	ck_assert(!spec->has_linux);
	ck_assert_ptr_null(spec_annotation(spec, "a"));
	spec_free(spec);
}
END_TEST

START_TEST(accepts_every_1_x_version)
{
	spec_free(spec_ok("{'ociVersion':'1.0.0','root':{'path':'r'}}"));
	spec_free(spec_ok("{'ociVersion':'1.1.0-rc.1','root':{'path':'r'}}"));
	spec_free(spec_ok("{'ociVersion':'1.0.2-dev','root':{'path':'r'}}"));
}
END_TEST

START_TEST(names_namespaces_and_hooks)
{
	ck_assert_str_eq(spec_ns_name(WARD_NS_NETWORK), "network");
	ck_assert_str_eq(spec_ns_name(WARD_NS_TIME), "time");
	ck_assert_str_eq(spec_ns_name(WARD_NS_KINDS), "?");
	ck_assert_str_eq(spec_hook_name(WARD_HOOK_CREATE_RUNTIME), "createRuntime");
	ck_assert_str_eq(spec_hook_name(WARD_HOOK_POSTSTOP), "poststop");
	ck_assert_str_eq(spec_hook_name(WARD_HOOK_KINDS), "?");
}
END_TEST

/* ---- JSON-level problems ------------------------------------------------------------------ */

START_TEST(rejects_malformed_json_with_line_and_column)
{
	ck_assert_str_eq(
		spec_error("{\n 'ociVersion': '1.2.0',\n 'root': {'path': 'r'}\n 'x': 1}"),
		"config.json: invalid JSON at line 4, column 4: parse error: after key and "
		"value, inside map, I expect ',' or '}'");
}
END_TEST

START_TEST(rejects_a_truncated_config)
{
	ck_assert_str_eq(
		spec_error("{'ociVersion': '1.2.0', 'root': {"),
		"config.json: invalid JSON at line 1, column 34: parse error: premature EOF");
}
END_TEST

START_TEST(rejects_an_empty_config)
{
	ck_assert_str_eq(
		spec_error(""),
		"config.json: invalid JSON at line 1, column 1: parse error: premature EOF");
}
END_TEST

START_TEST(rejects_a_config_that_is_not_an_object)
{
	ck_assert_str_eq(spec_error("[]"), "config.json: expected an object, got an array");
	ck_assert_str_eq(spec_error("'1.2.0'"), "config.json: expected an object, got \"1.2.0\"");
	ck_assert_str_eq(spec_error("null"), "config.json: expected an object, got null");
}
END_TEST

START_TEST(rejects_invalid_utf8_in_a_config)
{
	const char *msg = spec_error(PROC(",'env':['A=\xc3\x28']"));

	ck_assert_msg(has_prefix(msg, "config.json: invalid JSON at line 1, column "), "%s", msg);
	ck_assert_msg(has_suffix(msg, ": lexical error: invalid bytes in UTF8 string"), "%s", msg);
}
END_TEST

START_TEST(rejects_arrays_nested_100000_deep_in_a_config)
{
	const char *head = "{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"r\"},\"x\":";
	size_t hl = strlen(head), depth = 100000;
	char *buf = malloc(hl + 2 * depth + 2);
	struct ward_error err = {0};
	struct ward_spec *spec;

	memcpy(buf, head, hl);
	memset(buf + hl, '[', depth);
	memset(buf + hl + depth, ']', depth);
	memcpy(buf + hl + 2 * depth, "}", 2);
	spec = spec_parse(buf, strlen(buf), "config.json", &err);
	ck_assert_ptr_null(spec);
	free(buf);
	/* The object holding "x" is the first level: the 64th "[" (column 46 + 64) the 65th. */
	ck_assert_str_eq(err.msg, "config.json: invalid JSON at line 1, column 110: nested too "
				  "deeply (the limit is 64 levels)");
}
END_TEST

START_TEST(accepts_a_1mb_string_in_process_args)
{
	const char *head = "{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"r\"},"
			   "\"process\":{\"cwd\":\"/\",\"args\":[\"sh\",\"";
	size_t hl = strlen(head), n = 1 << 20;
	char *buf = malloc(hl + n + 8);
	struct ward_error err = {0};
	struct ward_spec *spec;

	memcpy(buf, head, hl);
	memset(buf + hl, 'a', n);
	memcpy(buf + hl + n, "\"]}}", 5);
	spec = spec_parse(buf, strlen(buf), "config.json", &err);
	ck_assert_msg(spec != NULL, "%s", err.msg);
	ck_assert_uint_eq(strlen(spec->process->args[1]), n);
	spec_free(spec);
	free(buf);
}
END_TEST

START_TEST(rejects_a_100mb_file_by_its_size_quickly)
{
	char dir[] = "/tmp/ward-check-spec-XXXXXX", path[64], want[256];
	const char *start = "{\"ociVersion\": \"1.2.0\", \"root\": {\"path\": \"";
	struct ward_error err = {0};
	struct timespec t0, t1;
	struct ward_spec *spec;
	int fd;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/config.json", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, start, strlen(start)), (ssize_t)strlen(start));
	ck_assert_int_eq(ftruncate(fd, 100 << 20), 0); /* sparse: fast to make */
	close(fd);

	clock_gettime(CLOCK_MONOTONIC, &t0);
	spec = spec_parse_file(path, "config.json", &err);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	unlink(path);
	rmdir(dir);

	ck_assert_ptr_null(spec);
	snprintf(want, sizeof want,
		 "config.json: %s is 104857600 bytes, larger than the 16 MiB limit", path);
	ck_assert_str_eq(err.msg, want);
	ck_assert_int_eq(err.code, 0);
	/* Refused by size, before reading: far below a second even under ASan. */
	ck_assert_int_lt((t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000,
			 500 * testenv_slowdown());
}
END_TEST

START_TEST(rejects_an_endless_file_after_the_size_limit)
{
	/* Not a regular file: no size up front, so the reader must stop by itself. */
	struct ward_error err = {0};
	struct ward_spec *spec = spec_parse_file("/dev/zero", "config.json", &err);

	ck_assert_ptr_null(spec);
	ck_assert_str_eq(err.msg,
			 "config.json: /dev/zero: larger than the 16 MiB limit: file too large");
	ck_assert_int_eq(err.code, EFBIG);
}
END_TEST

START_TEST(reports_a_missing_config_file)
{
	struct ward_error err = {0};
	struct ward_spec *spec =
		spec_parse_file("/nonexistent-ward-bundle/config.json", "config.json", &err);

	ck_assert_ptr_null(spec);
	ck_assert_str_eq(err.msg, "config.json: open /nonexistent-ward-bundle/config.json: no such "
				  "file or directory");
	ck_assert_int_eq(err.code, ENOENT);
}
END_TEST

START_TEST(reports_a_config_path_that_is_a_directory)
{
	struct ward_error err = {0};
	struct ward_spec *spec = spec_parse_file("/", "config.json", &err);

	ck_assert_ptr_null(spec);
	ck_assert_str_eq(err.msg, "config.json: read /: is a directory");
}
END_TEST

START_TEST(parses_a_config_file)
{
	char dir[] = "/tmp/ward-check-spec-XXXXXX", path[64];
	char *json = q(PROC(""));
	struct ward_error err = {0};
	struct ward_spec *spec;
	int fd;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/config.json", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, json, strlen(json)), (ssize_t)strlen(json));
	close(fd);
	spec = spec_parse_file(path, "config.json", &err);
	unlink(path);
	rmdir(dir);
	free(json);
	ck_assert_msg(spec != NULL, "%s", err.msg);
	ck_assert_str_eq(spec->process->args[0], "sh");
	spec_free(spec);
}
END_TEST

/* ---- top level ---------------------------------------------------------------------------- */

START_TEST(rejects_missing_oci_version)
{
	ck_assert_str_eq(spec_error("{'root':{'path':'r'}}"),
			 "config.json: ociVersion: missing required field");
}
END_TEST

START_TEST(rejects_null_oci_version_as_missing)
{
	ck_assert_str_eq(spec_error("{'ociVersion':null,'root':{'path':'r'}}"),
			 "config.json: ociVersion: missing required field");
}
END_TEST

START_TEST(rejects_oci_version_of_wrong_type)
{
	ck_assert_str_eq(spec_error("{'ociVersion':1.2,'root':{'path':'r'}}"),
			 "config.json: ociVersion: expected a string, got 1.2");
}
END_TEST

START_TEST(rejects_unsupported_oci_version)
{
	ck_assert_str_eq(spec_error("{'ociVersion':'2.0.0','root':{'path':'r'}}"),
			 "config.json: ociVersion: version \"2.0.0\" is not supported: ward "
			 "implements runtime-spec 1.0 to 1.3 (1.3.0); write the version the config "
			 "was made for, at most 1.3");
	ck_assert_str_eq(spec_error("{'ociVersion':'10.0','root':{'path':'r'}}"),
			 "config.json: ociVersion: version \"10.0\" is not supported: ward "
			 "implements runtime-spec 1.0 to 1.3 (1.3.0); write the version the config "
			 "was made for, at most 1.3");
	/* A newer minor version may carry fields ward would not know. */
	ck_assert_str_eq(spec_error("{'ociVersion':'1.4.0','root':{'path':'r'}}"),
			 "config.json: ociVersion: version \"1.4.0\" is not supported: ward "
			 "implements runtime-spec 1.0 to 1.3 (1.3.0); write the version the config "
			 "was made for, at most 1.3");
	ck_assert(strstr(spec_error("{'ociVersion':'1.10.0','root':{'path':'r'}}"), "1.10.0"));
	ck_assert(strstr(spec_error("{'ociVersion':'1','root':{'path':'r'}}"), "at most 1.3"));
	ck_assert(strstr(spec_error("{'ociVersion':'1.x','root':{'path':'r'}}"), "at most 1.3"));
	spec_free(spec_ok("{'ociVersion':'1.3.0+dev','root':{'path':'r'}}"));
	spec_free(spec_ok("{'ociVersion':'1.3','root':{'path':'r'}}"));
}
END_TEST

START_TEST(rejects_missing_root)
{
	ck_assert_str_eq(spec_error("{'ociVersion':'1.2.0'}"),
			 "config.json: root: missing required field");
}
END_TEST

START_TEST(rejects_root_of_wrong_type)
{
	ck_assert_str_eq(spec_error("{'ociVersion':'1.2.0','root':'rootfs'}"),
			 "config.json: root: expected an object, got \"rootfs\"");
}
END_TEST

START_TEST(rejects_missing_root_path)
{
	ck_assert_str_eq(spec_error("{'ociVersion':'1.2.0','root':{'readonly':true}}"),
			 "config.json: root.path: missing required field");
}
END_TEST

START_TEST(rejects_empty_root_path)
{
	ck_assert_str_eq(spec_error("{'ociVersion':'1.2.0','root':{'path':''}}"),
			 "config.json: root.path: must not be empty");
}
END_TEST

START_TEST(rejects_root_readonly_of_wrong_type)
{
	ck_assert_str_eq(spec_error("{'ociVersion':'1.2.0','root':{'path':'r','readonly':'yes'}}"),
			 "config.json: root.readonly: expected a boolean, got \"yes\"");
}
END_TEST

START_TEST(ignores_unknown_properties)
{
	struct ward_spec *spec = spec_ok(
		"{'ociVersion':'1.2.0','root':{'path':'r','future':[1]},'vm':{'hypervisor':{}},"
		"'windows':null,'solaris':'x','process':{'args':['sh'],'cwd':'/','newField':42},"
		"'linux':{'futureThing':{'a':[{'b':null}]},'namespaces':[{'type':'pid','x':1}]},"
		"'mounts':[{'destination':'/m','type':'tmpfs','extra':true}]}");

	ck_assert_str_eq(spec->process->args[0], "sh");
	ck_assert(spec->linux_.namespaces[WARD_NS_PID].present);
	ck_assert_uint_eq(spec->n_mounts, 1);
	spec_free(spec);
}
END_TEST

/* The field tables: members a table does not name are ignored at every depth, as the runtime
 * spec demands. */
START_TEST(ignores_unknown_members_in_nested_objects)
{
	struct ward_spec *spec = spec_ok(
		"{'ociVersion':'1.2.0','root':{'path':'r'},"
		"'process':{'args':['sh'],'cwd':'/','user':{'uid':1,'new':1},"
		"'capabilities':{'bounding':['CAP_KILL'],'new':[]},"
		"'rlimits':[{'type':'RLIMIT_NOFILE','hard':2,'soft':1,'new':{}}],"
		"'consoleSize':{'height':1,'width':2,'new':3},'scheduler':{'policy':'SCHED_OTHER','"
		"new':1},"
		"'ioPriority':{'class':'IOPRIO_CLASS_BE','new':1},'execCPUAffinity':{'new':1}},"
		"'hooks':{'prestart':[{'path':'/bin/true','new':1}],'new':[]},"
		"'linux':{'uidMappings':[{'containerID':0,'hostID':1000,'size':1,'new':1}],"
		"'devices':[{'path':'/dev/x','type':'c','major':1,'minor':3,'new':1}],"
		"'personality':{'domain':'LINUX','new':1},'intelRdt':{'closID':'a','new':1},"
		"'timeOffsets':{'monotonic':{'secs':1,'new':1}},'netDevices':{'eth0':{'new':1}},"
		"'memoryPolicy':{'mode':'MPOL_DEFAULT','new':1},"
		"'seccomp':{'defaultAction':'SCMP_ACT_ALLOW','new':1,'syscalls':[{'names':['read'],"
		"'action':'SCMP_ACT_ERRNO','new':1,'args':[{'index':0,'value':1,'op':'SCMP_CMP_EQ',"
		"'new':1}],'includes':{'new':1}}]},"
		"'resources':{'new':1,'memory':{'limit':1,'new':1},'cpu':{'new':1},'pids':{'new':1}"
		","
		"'blockIO':{'new':1,'throttleReadBpsDevice':[{'major':1,'minor':2,'rate':3,'new':1}"
		"]},"
		"'devices':[{'allow':false,'new':1}],'hugepageLimits':[{'pageSize':'2MB','limit':1,"
		"'new':1}],'network':{'new':1,'priorities':[{'name':'e','priority':1,'new':1}]},"
		"'rdma':{'mlx':{'new':1}}}}}");

	ck_assert_uint_eq(spec->process->uid, 1);
	ck_assert_uint_eq(spec->process->n_rlimits, 1);
	ck_assert_uint_eq(spec->hooks.count[WARD_HOOK_PRESTART], 1);
	ck_assert_uint_eq(spec->linux_.n_devices, 1);
	ck_assert(spec->linux_.devices[0].has_major && spec->linux_.devices[0].has_minor);
	ck_assert(spec->linux_.has_personality && spec->linux_.has_intel_rdt);
	ck_assert(spec->linux_.time_monotonic.present);
	ck_assert_uint_eq(spec->linux_.n_net_devices, 1);
	ck_assert(spec->linux_.has_memory_policy);
	ck_assert_uint_eq(spec->linux_.seccomp->rules[0].n_args, 1);
	ck_assert(spec->linux_.resources.has_memory_limit);
	ck_assert_uint_eq(spec->linux_.resources.n_throttle[0], 1);
	ck_assert_int_eq(spec->linux_.resources.devices[0].type, 'a');
	ck_assert_uint_eq(spec->linux_.resources.devices[0].access, WARD_DEVICE_RWM);
	ck_assert_uint_eq(spec->linux_.resources.n_rdma, 1);
	spec_free(spec);
}
END_TEST

/* Each kind of table row refuses a member of the wrong JSON type, naming the path. */
START_TEST(refuses_wrong_types_in_table_rows)
{
	ck_assert_str_eq(spec_error(CFG(",'hostname':1")),
			 "config.json: hostname: expected a string, got 1");
	ck_assert_str_eq(spec_error("{'ociVersion':'1.2.0','root':{'path':'r','readonly':'yes'}}"),
			 "config.json: root.readonly: expected a boolean, got \"yes\"");
	ck_assert_str_eq(spec_error(RES("'memory':{'swappiness':-1}")),
			 "config.json: linux.resources.memory.swappiness: expected an unsigned "
			 "64-bit integer, got -1 (out of range)");
	ck_assert_str_eq(spec_error(RES("'memory':{'limit':'1G'}")),
			 "config.json: linux.resources.memory.limit: expected a 64-bit integer, "
			 "got \"1G\"");
	ck_assert_str_eq(spec_error(PROC(",'user':{'uid':-1}")),
			 "config.json: process.user.uid: expected an unsigned 32-bit integer, got "
			 "-1 (out of range)");
	ck_assert_str_eq(spec_error(PROC(",'oomScoreAdj':2147483648")),
			 "config.json: process.oomScoreAdj: expected a 32-bit integer, got "
			 "2147483648 (out of range)");
	ck_assert_str_eq(spec_error(RES("'blockIO':{'leafWeight':65536}")),
			 "config.json: linux.resources.blockIO.leafWeight: expected an unsigned "
			 "16-bit integer, got 65536 (out of range)");
	ck_assert_str_eq(spec_error(PROC(",'env':['A=1',2]")),
			 "config.json: process.env[1]: expected a string, got 2");
	ck_assert_str_eq(spec_error(CFG(",'annotations':{'a':true}")),
			 "config.json: annotations.a: expected a string, got true");
	ck_assert_str_eq(spec_error(LINUX("'resources':[]")),
			 "config.json: linux.resources: expected an object, got an array");
	ck_assert_str_eq(spec_error(LINUX("'namespaces':{}")),
			 "config.json: linux.namespaces: expected an array, got an object");
	ck_assert_str_eq(
		spec_error(LINUX("'devices':[{'path':'/dev/x','type':'c','major':'1'}]")),
		"config.json: linux.devices[0].major: expected a 64-bit integer, got \"1\"");
}
END_TEST

/* A rule's includes and excludes are objects: anything else was once accepted silently. */
START_TEST(refuses_seccomp_conditions_that_are_not_objects)
{
	ck_assert_str_eq(spec_error(SECCOMP(",'syscalls':[{'names':['read'],"
					    "'action':'SCMP_ACT_ALLOW','includes':true}]")),
			 "config.json: linux.seccomp.syscalls[0].includes: expected an object, got "
			 "true");
	ck_assert_str_eq(spec_error(SECCOMP(",'syscalls':[{'names':['read'],"
					    "'action':'SCMP_ACT_ALLOW','excludes':['x']}]")),
			 "config.json: linux.seccomp.syscalls[0].excludes: expected an object, got "
			 "an array");
}
END_TEST

/* A required row that is missing (or null) is named with its full path, at any depth. */
START_TEST(names_missing_required_members_in_nested_objects)
{
	ck_assert_str_eq(spec_error(LINUX("'devices':[{'type':'c','major':1,'minor':3}]")),
			 "config.json: linux.devices[0].path: missing required field");
	ck_assert_str_eq(spec_error(SECCOMP(",'syscalls':[{'names':['read']}]")),
			 "config.json: linux.seccomp.syscalls[0].action: missing required field");
	ck_assert_str_eq(spec_error(RES("'hugepageLimits':[{'pageSize':'2MB','limit':null}]")),
			 "config.json: linux.resources.hugepageLimits[0].limit: missing required "
			 "field");
	ck_assert_str_eq(spec_error(PROC(",'rlimits':[{'type':'RLIMIT_NOFILE','hard':1}]")),
			 "config.json: process.rlimits[0].soft: missing required field");
	ck_assert_str_eq(spec_error(LINUX("'uidMappings':[{'containerID':0,'hostID':1}]")),
			 "config.json: linux.uidMappings[0].size: missing required field");
	ck_assert_str_eq(
		spec_error(RES("'blockIO':{'throttleWriteIOPSDevice':[{'major':8,'minor':0}]}")),
		"config.json: linux.resources.blockIO.throttleWriteIOPSDevice[0].rate: missing "
		"required field");
	ck_assert_str_eq(spec_error(RES("'network':{'priorities':[{'name':'eth0'}]}")),
			 "config.json: linux.resources.network.priorities[0].priority: missing "
			 "required field");
	ck_assert_str_eq(spec_error(LINUX("'memoryPolicy':{'nodes':'0'}")),
			 "config.json: linux.memoryPolicy.mode: missing required field");
	ck_assert_str_eq(spec_error(PROC(",'consoleSize':{'height':1}")),
			 "config.json: process.consoleSize.width: missing required field");
	ck_assert_str_eq(spec_error(CFG(",'hooks':{'poststop':[{'args':['x']}]}")),
			 "config.json: hooks.poststop[0].path: missing required field");
}
END_TEST

/* An object is read in two passes: every member's type before what any member holds. */
START_TEST(reports_member_types_before_member_contents)
{
	ck_assert_str_eq(spec_error(LINUX("'namespaces':[{'type':'bogus'}],'cgroupsPath':1")),
			 "config.json: linux.cgroupsPath: expected a string, got 1");
	ck_assert_str_eq(spec_error(LINUX("'namespaces':[{'type':'bogus'}],'cgroupsPath':'/x'")),
			 "config.json: linux.namespaces[0].type: unknown namespace type \"bogus\" "
			 "(expected pid, network, mount, ipc, uts, user, cgroup or time)");
}
END_TEST

START_TEST(treats_json_null_as_absent)
{
	struct ward_spec *spec = spec_ok(
		"{'ociVersion':'1.2.0','root':{'path':'r','readonly':null},'process':null,"
		"'hostname':null,'mounts':null,'hooks':null,'annotations':null,'linux':null}");

	ck_assert_ptr_null(spec->process);
	ck_assert_ptr_null(spec->hostname);
	ck_assert(!spec->root_readonly);
	ck_assert(!spec->has_linux);
	spec_free(spec);

	spec = spec_ok(PROC(",'user':{'uid':null,'umask':null},'env':null,'capabilities':null,"
			    "'oomScoreAdj':null,'terminal':null"));
	ck_assert(!spec->process->has_umask);
	ck_assert(!spec->process->has_capabilities);
	ck_assert(!spec->process->has_oom_score_adj);
	ck_assert_ptr_null(spec->process->env);
	spec_free(spec);
}
END_TEST

START_TEST(uses_the_last_of_duplicate_keys)
{
	struct ward_spec *spec =
		spec_ok("{'ociVersion':'1.2.0','root':{'path':'a'},'hostname':'one',"
			"'root':{'path':'b'},'hostname':'two',"
			"'process':{'args':['x'],'cwd':'/','args':['y','z']}}");

	ck_assert_str_eq(spec->root_path, "b");
	ck_assert_str_eq(spec->hostname, "two");
	ck_assert_str_eq(spec->process->args[0], "y");
	ck_assert_str_eq(spec->process->args[1], "z");
	spec_free(spec);
}
END_TEST

START_TEST(a_trailing_null_duplicate_removes_a_field)
{
	ck_assert_str_eq(spec_error("{'ociVersion':'1.2.0','root':{'path':'r'},'root':null}"),
			 "config.json: root: missing required field");
}
END_TEST

START_TEST(parses_annotations)
{
	struct ward_spec *spec = spec_ok(CFG(",'annotations':{'a':'1','b':'','c':null}"));

	ck_assert_uint_eq(spec->n_annotations, 2);
	ck_assert_str_eq(spec_annotation(spec, "a"), "1");
	ck_assert_str_eq(spec_annotation(spec, "b"), "");
	ck_assert_ptr_null(spec_annotation(spec, "c"));
	spec_free(spec);
}
END_TEST

START_TEST(uses_the_last_of_duplicate_annotation_keys)
{
	struct ward_spec *spec =
		spec_ok(CFG(",'annotations':{'a':'1','b':'x','a':'2','c':'y','c':null}"));

	ck_assert_uint_eq(spec->n_annotations, 2);
	ck_assert_str_eq(spec_annotation(spec, "a"), "2");
	ck_assert_str_eq(spec_annotation(spec, "b"), "x");
	ck_assert_ptr_null(spec_annotation(spec, "c"));
	/* Document order is kept for the survivors. */
	ck_assert_str_eq(spec->annotations[0].key, "b");
	ck_assert_str_eq(spec->annotations[1].key, "a");
	spec_free(spec);
}
END_TEST

START_TEST(handles_an_annotations_object_with_200000_members_quickly)
{
	/* Duplicate handling must not be quadratic: 200000 keys, each given twice. */
	size_t n = 100000, o = 0;
	char *buf = malloc(64 + n * 2 * 24);
	struct ward_error err = {0};
	struct timespec t0, t1;
	struct ward_spec *spec;

	o += (size_t)sprintf(buf, "{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"r\"},"
				  "\"annotations\":{");
	for (size_t i = 0; i < 2 * n; i++)
		o += (size_t)sprintf(buf + o, "%s\"k%zu\":\"%zu\"", i ? "," : "", i % n, i);
	memcpy(buf + o, "}}", 3);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	spec = spec_parse(buf, strlen(buf), "config.json", &err);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	free(buf);
	ck_assert_msg(spec != NULL, "%s", err.msg);
	ck_assert_uint_eq(spec->n_annotations, n);
	ck_assert_str_eq(spec_annotation(spec, "k7"), "100007");
	spec_free(spec);
	ck_assert_int_lt(t1.tv_sec - t0.tv_sec, 5 * testenv_slowdown());
}
END_TEST

START_TEST(rejects_annotation_of_wrong_type)
{
	ck_assert_str_eq(spec_error(CFG(",'annotations':{'a':1}")),
			 "config.json: annotations.a: expected a string, got 1");
	ck_assert_str_eq(spec_error(CFG(",'annotations':['a']")),
			 "config.json: annotations: expected an object, got an array");
}
END_TEST

START_TEST(rejects_nul_byte_in_an_annotation_key)
{
	ck_assert_str_eq(spec_error(CFG(",'annotations':{'a\\u0000b':'1'}")),
			 "config.json: annotations.a: key contains a NUL byte");
}
END_TEST

START_TEST(shortens_huge_keys_in_error_paths)
{
	char key[201], doc[512];

	memset(key, 'k', 200);
	key[200] = '\0';
	snprintf(doc, sizeof doc, CFG(",'annotations':{'%s':1}"), key);
	const char *msg = spec_error(doc);
	ck_assert_msg(has_prefix(msg, "config.json: annotations.kkkkkkkkkk"), "%s", msg);
	ck_assert_msg(has_suffix(msg, "k...: expected a string, got 1"), "%s", msg);
	ck_assert_uint_lt(strlen(msg), 120);
}
END_TEST

START_TEST(shows_long_values_shortened_and_escaped)
{
	ck_assert_str_eq(spec_error(PROC(",'user':{'uid':'0123456789012345678901234567890123456789"
					 "0123456789'}")),
			 "config.json: process.user.uid: expected an unsigned 32-bit integer, got "
			 "\"0123456789012345678901234567890123456789...\"");
	ck_assert_str_eq(spec_error(PROC(",'user':{'uid':'a\\\\b\\n\\u0000\\'x'}")),
			 "config.json: process.user.uid: expected an unsigned 32-bit integer, got "
			 "\"a\\\\b\\x0a\\x00\\\"x\"");
}
END_TEST

/* ---- mounts ------------------------------------------------------------------------------- */

START_TEST(parses_mounts)
{
	struct ward_spec *spec = spec_ok(
		CFG(",'mounts':[{'destination':'/proc','type':'proc','source':'proc'},"
		    "{'destination':'/data','type':'bind','source':'data','options':['rbind','ro'],"
		    "'uidMappings':[{'containerID':0,'hostID':1000,'size':1}],"
		    "'gidMappings':[{'containerID':0,'hostID':1000,'size':1}]}]"));

	ck_assert_uint_eq(spec->n_mounts, 2);
	ck_assert_str_eq(spec->mounts[0].destination, "/proc");
	ck_assert_ptr_null(spec->mounts[0].options);
	ck_assert_str_eq(spec->mounts[1].source, "data");
	ck_assert_str_eq(spec->mounts[1].options[1], "ro");
	ck_assert_ptr_null(spec->mounts[1].options[2]);
	ck_assert_uint_eq(spec->mounts[1].n_uid_mappings, 1);
	ck_assert_uint_eq(spec->mounts[1].uid_mappings[0].host_id, 1000);
	ck_assert_uint_eq(spec->mounts[1].n_gid_mappings, 1);
	spec_free(spec);
}
END_TEST

START_TEST(rejects_mount_without_destination)
{
	ck_assert_str_eq(spec_error(CFG(",'mounts':[{'destination':'/a'},{'type':'tmpfs'}]")),
			 "config.json: mounts[1].destination: missing required field");
}
END_TEST

START_TEST(rejects_relative_mount_destination)
{
	ck_assert_str_eq(spec_error(CFG(",'mounts':[{'destination':'proc','type':'proc'}]")),
			 "config.json: mounts[0].destination: \"proc\" is not an absolute path");
	ck_assert_str_eq(spec_error(CFG(",'mounts':[{'destination':''}]")),
			 "config.json: mounts[0].destination: \"\" is not an absolute path");
}
END_TEST

START_TEST(rejects_mount_options_of_wrong_type)
{
	ck_assert_str_eq(spec_error(CFG(",'mounts':[{'destination':'/a','options':['ro',5]}]")),
			 "config.json: mounts[0].options[1]: expected a string, got 5");
	ck_assert_str_eq(spec_error(CFG(",'mounts':[{'destination':'/a','options':'ro'}]")),
			 "config.json: mounts[0].options: expected an array, got \"ro\"");
}
END_TEST

START_TEST(rejects_mounts_of_wrong_type)
{
	ck_assert_str_eq(spec_error(CFG(",'mounts':{'destination':'/a'}")),
			 "config.json: mounts: expected an array, got an object");
	ck_assert_str_eq(spec_error(CFG(",'mounts':['/a']")),
			 "config.json: mounts[0]: expected an object, got \"/a\"");
	ck_assert_str_eq(spec_error(CFG(",'mounts':[null]")),
			 "config.json: mounts[0]: expected an object, got null");
}
END_TEST

START_TEST(rejects_overlapping_mount_id_mappings)
{
	ck_assert_str_eq(spec_error(CFG(",'mounts':[{'destination':'/a','uidMappings':["
					"{'containerID':0,'hostID':1000,'size':10},"
					"{'containerID':5,'hostID':5000,'size':10}]}]")),
			 "config.json: mounts[0].uidMappings[1]: container IDs overlap with "
			 "uidMappings[0]");
}
END_TEST

/* ---- process ------------------------------------------------------------------------------ */

START_TEST(parses_process_fields)
{
	struct ward_spec *spec = spec_ok(PROC(
		",'terminal':true,'consoleSize':{'height':24,'width':80},"
		"'user':{'uid':1000,'gid':100,'umask':18,'additionalGids':[5,6],'username':'u'},"
		"'env':['A=1','B='],'noNewPrivileges':true,'apparmorProfile':'p','selinuxLabel':'l'"
		","
		"'oomScoreAdj':-1000,'capabilities':{'bounding':['CAP_CHOWN','CAP_KILL'],"
		"'effective':[],'ambient':['CAP_CHECKPOINT_RESTORE']},"
		"'rlimits':[{'type':'RLIMIT_NOFILE','hard':18446744073709551615,'soft':0}],"
		"'ioPriority':{'class':'IOPRIO_CLASS_IDLE','priority':7},"
		"'scheduler':{'policy':'SCHED_BATCH','nice':-20,'flags':['SCHED_FLAG_RECLAIM']}"));
	const struct ward_process *p = spec->process;

	ck_assert(p->terminal && p->has_console_size);
	ck_assert_uint_eq(p->console_width, 80);
	ck_assert_uint_eq(p->uid, 1000);
	ck_assert_uint_eq(p->gid, 100);
	ck_assert(p->has_umask);
	ck_assert_uint_eq(p->umask, 022);
	ck_assert_uint_eq(p->n_additional_gids, 2);
	ck_assert_uint_eq(p->additional_gids[1], 6);
	ck_assert_str_eq(p->username, "u");
	ck_assert_str_eq(p->env[1], "B=");
	ck_assert(p->no_new_privileges);
	ck_assert_int_eq(p->oom_score_adj, -1000);
	ck_assert(p->has_capabilities);
	ck_assert_uint_eq(p->caps.bounding, CAP_BIT(0) | CAP_BIT(5));
	ck_assert(p->caps.has_effective && p->caps.effective == 0);
	ck_assert(!p->caps.has_permitted);
	ck_assert_uint_eq(p->caps.ambient, CAP_BIT(40));
	ck_assert_uint_eq(p->rlimits[0].hard, UINT64_MAX);
	ck_assert(p->has_io_priority);
	ck_assert_int_eq(p->io_priority_class_value, 3);
	ck_assert(p->scheduler.present);
	ck_assert_int_eq(p->scheduler.nice, -20);
	spec_free(spec);
}
END_TEST

START_TEST(rejects_process_of_wrong_type)
{
	ck_assert_str_eq(spec_error(CFG(",'process':['sh']")),
			 "config.json: process: expected an object, got an array");
}
END_TEST

START_TEST(rejects_missing_process_args)
{
	ck_assert_str_eq(spec_error(CFG(",'process':{'cwd':'/'}")),
			 "config.json: process.args: missing required field");
}
END_TEST

START_TEST(rejects_missing_process_cwd)
{
	ck_assert_str_eq(spec_error(CFG(",'process':{'args':['sh']}")),
			 "config.json: process.cwd: missing required field");
}
END_TEST

START_TEST(rejects_empty_process_args)
{
	ck_assert_str_eq(spec_error(CFG(",'process':{'args':[],'cwd':'/'}")),
			 "config.json: process.args: must name the program to run (it is empty)");
}
END_TEST

START_TEST(rejects_relative_process_cwd)
{
	ck_assert_str_eq(spec_error(CFG(",'process':{'args':['sh'],'cwd':'tmp'}")),
			 "config.json: process.cwd: \"tmp\" is not an absolute path");
}
END_TEST

START_TEST(rejects_nul_byte_in_process_args)
{
	ck_assert_str_eq(spec_error(CFG(",'process':{'args':['sh','-c\\u0000rm'],'cwd':'/'}")),
			 "config.json: process.args[1]: string contains a NUL byte");
}
END_TEST

START_TEST(rejects_nul_byte_in_process_cwd)
{
	ck_assert_str_eq(spec_error(CFG(",'process':{'args':['sh'],'cwd':'/tmp\\u0000/x'}")),
			 "config.json: process.cwd: string contains a NUL byte");
}
END_TEST

START_TEST(rejects_process_args_of_wrong_type)
{
	ck_assert_str_eq(spec_error(CFG(",'process':{'args':'sh','cwd':'/'}")),
			 "config.json: process.args: expected an array, got \"sh\"");
	ck_assert_str_eq(spec_error(CFG(",'process':{'args':['sh',null],'cwd':'/'}")),
			 "config.json: process.args[1]: expected a string, got null");
}
END_TEST

START_TEST(rejects_env_entry_without_equals)
{
	ck_assert_str_eq(spec_error(PROC(",'env':['PATH=/bin','FOO']")),
			 "config.json: process.env[1]: \"FOO\" is not of the form NAME=value");
}
END_TEST

START_TEST(rejects_env_entry_with_empty_name)
{
	ck_assert_str_eq(spec_error(PROC(",'env':['=x']")),
			 "config.json: process.env[0]: \"=x\" is not of the form NAME=value");
}
END_TEST

START_TEST(rejects_terminal_of_wrong_type)
{
	ck_assert_str_eq(spec_error(PROC(",'terminal':'yes'")),
			 "config.json: process.terminal: expected a boolean, got \"yes\"");
	ck_assert_str_eq(spec_error(PROC(",'noNewPrivileges':1")),
			 "config.json: process.noNewPrivileges: expected a boolean, got 1");
}
END_TEST

START_TEST(rejects_unknown_capability)
{
	ck_assert_str_eq(spec_error(PROC(",'capabilities':{'bounding':['CAP_KILL','CAP_FOO']}")),
			 "config.json: process.capabilities.bounding[1]: unknown capability "
			 "\"CAP_FOO\" (names look like \"CAP_NET_BIND_SERVICE\")");
}
END_TEST

START_TEST(rejects_capability_names_without_prefix)
{
	ck_assert_str_eq(spec_error(PROC(",'capabilities':{'ambient':['kill']}")),
			 "config.json: process.capabilities.ambient[0]: unknown capability "
			 "\"kill\" (names look like \"CAP_NET_BIND_SERVICE\")");
}
END_TEST

START_TEST(rejects_capability_of_wrong_type)
{
	ck_assert_str_eq(
		spec_error(PROC(",'capabilities':{'permitted':[12]}")),
		"config.json: process.capabilities.permitted[0]: expected a string, got 12");
	ck_assert_str_eq(spec_error(PROC(",'capabilities':{'effective':'CAP_KILL'}")),
			 "config.json: process.capabilities.effective: expected an array, got "
			 "\"CAP_KILL\"");
}
END_TEST

START_TEST(rejects_unknown_rlimit)
{
	ck_assert_str_eq(spec_error(PROC(",'rlimits':[{'type':'RLIMIT_FOO','hard':1,'soft':1}]")),
			 "config.json: process.rlimits[0].type: unknown rlimit \"RLIMIT_FOO\" "
			 "(names look like \"RLIMIT_NOFILE\")");
}
END_TEST

START_TEST(rejects_rlimit_soft_above_hard)
{
	ck_assert_str_eq(spec_error(PROC(",'rlimits':[{'type':'RLIMIT_NOFILE','hard':1024,"
					 "'soft':2048}]")),
			 "config.json: process.rlimits[0]: soft limit 2048 is above the hard limit "
			 "1024");
}
END_TEST

START_TEST(rejects_duplicate_rlimit)
{
	ck_assert_str_eq(spec_error(PROC(",'rlimits':[{'type':'RLIMIT_NOFILE','hard':1,'soft':1},"
					 "{'type':'RLIMIT_CORE','hard':1,'soft':1},"
					 "{'type':'RLIMIT_NOFILE','hard':2,'soft':2}]")),
			 "config.json: process.rlimits[2]: RLIMIT_NOFILE is set twice");
}
END_TEST

START_TEST(rejects_rlimit_without_hard_limit)
{
	ck_assert_str_eq(spec_error(PROC(",'rlimits':[{'type':'RLIMIT_NOFILE','soft':1}]")),
			 "config.json: process.rlimits[0].hard: missing required field");
	ck_assert_str_eq(spec_error(PROC(",'rlimits':[{'hard':1,'soft':1}]")),
			 "config.json: process.rlimits[0].type: missing required field");
}
END_TEST

START_TEST(rejects_rlimit_above_uint64)
{
	ck_assert_str_eq(spec_error(PROC(",'rlimits':[{'type':'RLIMIT_NOFILE',"
					 "'hard':18446744073709551616,'soft':1}]")),
			 "config.json: process.rlimits[0].hard: expected an unsigned 64-bit "
			 "integer, got 18446744073709551616 (out of range)");
}
END_TEST

START_TEST(rejects_negative_rlimit)
{
	ck_assert_str_eq(spec_error(PROC(",'rlimits':[{'type':'RLIMIT_NOFILE','hard':1,"
					 "'soft':-1}]")),
			 "config.json: process.rlimits[0].soft: expected an unsigned 64-bit "
			 "integer, got -1 (out of range)");
}
END_TEST

START_TEST(rejects_uid_above_uint32)
{
	ck_assert_str_eq(spec_error(PROC(",'user':{'uid':4294967296}")),
			 "config.json: process.user.uid: expected an unsigned 32-bit integer, got "
			 "4294967296 (out of range)");
}
END_TEST

START_TEST(accepts_the_largest_uid)
{
	struct ward_spec *spec = spec_ok(PROC(",'user':{'uid':4294967294,'gid':-0}"));

	ck_assert_uint_eq(spec->process->uid, UINT32_MAX - 1);
	ck_assert_uint_eq(spec->process->gid, 0);
	spec_free(spec);
}
END_TEST

START_TEST(rejects_negative_uid)
{
	ck_assert_str_eq(spec_error(PROC(",'user':{'uid':-1}")),
			 "config.json: process.user.uid: expected an unsigned 32-bit integer, got "
			 "-1 (out of range)");
}
END_TEST

START_TEST(rejects_fractional_uid)
{
	ck_assert_str_eq(spec_error(PROC(",'user':{'uid':1.5}")),
			 "config.json: process.user.uid: expected an unsigned 32-bit integer, got "
			 "1.5");
}
END_TEST

START_TEST(rejects_uid_with_exponent)
{
	ck_assert_str_eq(spec_error(PROC(",'user':{'gid':1e3}")),
			 "config.json: process.user.gid: expected an unsigned 32-bit integer, got "
			 "1e3");
}
END_TEST

START_TEST(rejects_uid_written_as_a_string)
{
	ck_assert_str_eq(spec_error(PROC(",'user':{'uid':'0'}")),
			 "config.json: process.user.uid: expected an unsigned 32-bit integer, got "
			 "\"0\"");
}
END_TEST

START_TEST(rejects_huge_integer_literals)
{
	ck_assert_str_eq(spec_error(PROC(",'user':{'uid':123456789012345678901234567890}")),
			 "config.json: process.user.uid: expected an unsigned 32-bit integer, got "
			 "123456789012345678901234567890 (out of range)");
}
END_TEST

START_TEST(rejects_additional_gid_of_wrong_type)
{
	ck_assert_str_eq(spec_error(PROC(",'user':{'additionalGids':[10,'wheel']}")),
			 "config.json: process.user.additionalGids[1]: expected an unsigned 32-bit "
			 "integer, got \"wheel\"");
}
END_TEST

START_TEST(rejects_the_unchanged_id_which_would_leave_root)
{
	const char *why = "4294967295 is no ID (it means \"unchanged\" to the kernel): use 0 to "
			  "4294967294";
	char want[256];

	snprintf(want, sizeof want, "config.json: process.user.uid: %s", why);
	ck_assert_str_eq(spec_error(PROC(",'user':{'uid':4294967295}")), want);
	snprintf(want, sizeof want, "config.json: process.user.gid: %s", why);
	ck_assert_str_eq(spec_error(PROC(",'user':{'gid':4294967295}")), want);
	snprintf(want, sizeof want, "config.json: process.user.additionalGids[1]: %s", why);
	ck_assert_str_eq(spec_error(PROC(",'user':{'additionalGids':[5,4294967295]}")), want);
	struct ward_spec *spec = spec_ok(PROC(",'user':{'uid':4294967294,'gid':4294967294}"));
	ck_assert_uint_eq(spec->process->uid, 4294967294u);
	spec_free(spec);
}
END_TEST

START_TEST(rejects_umask_above_0777)
{
	ck_assert_str_eq(spec_error(PROC(",'user':{'umask':512}")),
			 "config.json: process.user.umask: 512 is not a file mode mask (0 to 0777, "
			 "written in decimal: 18 for 022)");
}
END_TEST

START_TEST(accepts_umask_0777)
{
	struct ward_spec *spec = spec_ok(PROC(",'user':{'umask':511}"));

	ck_assert_uint_eq(spec->process->umask, 0777);
	spec_free(spec);
}
END_TEST

START_TEST(rejects_oom_score_adj_out_of_range)
{
	ck_assert_str_eq(spec_error(PROC(",'oomScoreAdj':1001")),
			 "config.json: process.oomScoreAdj: 1001 is out of range (-1000 to 1000)");
	ck_assert_str_eq(spec_error(PROC(",'oomScoreAdj':-1001")),
			 "config.json: process.oomScoreAdj: -1001 is out of range (-1000 to 1000)");
}
END_TEST

START_TEST(rejects_oom_score_adj_beyond_int32)
{
	ck_assert_str_eq(spec_error(PROC(",'oomScoreAdj':2147483648")),
			 "config.json: process.oomScoreAdj: expected a 32-bit integer, got "
			 "2147483648 (out of range)");
	ck_assert_str_eq(spec_error(PROC(",'oomScoreAdj':-9223372036854775809")),
			 "config.json: process.oomScoreAdj: expected a 32-bit integer, got "
			 "-9223372036854775809 (out of range)");
}
END_TEST

START_TEST(rejects_console_size_above_65535)
{
	ck_assert_str_eq(
		spec_error(PROC(",'consoleSize':{'height':70000,'width':80}")),
		"config.json: process.consoleSize: height and width must be at most 65535");
}
END_TEST

START_TEST(rejects_console_size_without_width)
{
	ck_assert_str_eq(spec_error(PROC(",'consoleSize':{'height':24}")),
			 "config.json: process.consoleSize.width: missing required field");
}
END_TEST

START_TEST(rejects_unknown_io_priority_class)
{
	ck_assert_str_eq(spec_error(PROC(",'ioPriority':{'class':'IOPRIO_CLASS_NONE'}")),
			 "config.json: process.ioPriority: class \"IOPRIO_CLASS_NONE\" is not "
			 "IOPRIO_CLASS_RT, IOPRIO_CLASS_BE or IOPRIO_CLASS_IDLE");
}
END_TEST

START_TEST(rejects_io_priority_out_of_range)
{
	ck_assert_str_eq(spec_error(PROC(",'ioPriority':{'class':'IOPRIO_CLASS_BE','priority':8}")),
			 "config.json: process.ioPriority: priority 8 is out of range (0 to 7)");
	ck_assert_str_eq(spec_error(PROC(",'ioPriority':{'priority':1}")),
			 "config.json: process.ioPriority.class: missing required field");
}
END_TEST

START_TEST(rejects_unknown_scheduler_policy)
{
	ck_assert_str_eq(spec_error(PROC(",'scheduler':{'policy':'SCHED_FAST'}")),
			 "config.json: process.scheduler: unknown scheduler policy \"SCHED_FAST\"");
	ck_assert_str_eq(spec_error(PROC(",'scheduler':{'nice':1}")),
			 "config.json: process.scheduler.policy: missing required field");
}
END_TEST

START_TEST(rejects_scheduler_nice_out_of_range)
{
	ck_assert_str_eq(spec_error(PROC(",'scheduler':{'policy':'SCHED_OTHER','nice':20}")),
			 "config.json: process.scheduler: nice 20 is out of range (-20 to 19)");
}
END_TEST

START_TEST(rejects_unknown_scheduler_flag)
{
	ck_assert_str_eq(spec_error(PROC(",'scheduler':{'policy':'SCHED_DEADLINE',"
					 "'flags':['SCHED_FLAG_RECLAIM','SCHED_FLAG_FAST']}")),
			 "config.json: process.scheduler: unknown scheduler flag "
			 "\"SCHED_FLAG_FAST\"");
}
END_TEST

/* ---- hooks -------------------------------------------------------------------------------- */

START_TEST(parses_hooks)
{
	struct ward_spec *spec =
		spec_ok(CFG(",'hooks':{'createRuntime':[{'path':'/bin/a','args':['a','b'],"
			    "'env':['X=1'],'timeout':5},{'path':'/bin/b'}],'poststop':[]}"));

	ck_assert_uint_eq(spec->hooks.count[WARD_HOOK_CREATE_RUNTIME], 2);
	ck_assert_uint_eq(spec->hooks.count[WARD_HOOK_POSTSTOP], 0);
	ck_assert_uint_eq(spec->hooks.count[WARD_HOOK_PRESTART], 0);
	ck_assert(spec->hooks.list[WARD_HOOK_CREATE_RUNTIME][0].has_timeout);
	ck_assert_int_eq(spec->hooks.list[WARD_HOOK_CREATE_RUNTIME][0].timeout, 5);
	ck_assert_str_eq(spec->hooks.list[WARD_HOOK_CREATE_RUNTIME][0].args[1], "b");
	ck_assert(!spec->hooks.list[WARD_HOOK_CREATE_RUNTIME][1].has_timeout);
	spec_free(spec);
}
END_TEST

START_TEST(rejects_relative_hook_path)
{
	ck_assert_str_eq(spec_error(CFG(",'hooks':{'prestart':[{'path':'hook'}]}")),
			 "config.json: hooks.prestart[0].path: \"hook\" is not an absolute path");
}
END_TEST

START_TEST(rejects_hook_without_path)
{
	ck_assert_str_eq(spec_error(CFG(",'hooks':{'createContainer':[{'args':['x']}]}")),
			 "config.json: hooks.createContainer[0].path: missing required field");
}
END_TEST

START_TEST(rejects_non_positive_hook_timeout)
{
	ck_assert_str_eq(spec_error(CFG(",'hooks':{'poststop':[{'path':'/h','timeout':0}]}")),
			 "config.json: hooks.poststop[0].timeout: must be a positive number of "
			 "seconds");
	ck_assert_str_eq(spec_error(CFG(",'hooks':{'poststart':[{'path':'/h','timeout':-5}]}")),
			 "config.json: hooks.poststart[0].timeout: must be a positive number of "
			 "seconds");
}
END_TEST

START_TEST(rejects_hooks_of_wrong_type)
{
	ck_assert_str_eq(spec_error(CFG(",'hooks':{'startContainer':{'path':'/h'}}")),
			 "config.json: hooks.startContainer: expected an array, got an object");
}
END_TEST

/* ---- linux: id mappings, namespaces, devices, paths --------------------------------------- */

START_TEST(rejects_uid_mapping_size_of_wrong_type)
{
	ck_assert_str_eq(spec_error(LINUX("'uidMappings':[{'containerID':0,'hostID':1000,'size':1},"
					  "{'containerID':1,'hostID':2000,'size':'abc'}]")),
			 "config.json: linux.uidMappings[1].size: expected an unsigned 32-bit "
			 "integer, got \"abc\"");
}
END_TEST

START_TEST(parses_id_mappings)
{
	struct ward_spec *spec =
		spec_ok(LINUX("'uidMappings':[{'containerID':0,'hostID':100000,'size':65536},"
			      "{'containerID':65536,'hostID':0,'size':1}],"
			      "'gidMappings':[{'containerID':4294967294,'hostID':0,'size':1},"
			      "{'containerID':0,'hostID':1,'size':4294967293}]"));

	ck_assert_uint_eq(spec->linux_.n_uid_mappings, 2);
	ck_assert_uint_eq(spec->linux_.uid_mappings[0].size, 65536);
	ck_assert_uint_eq(spec->linux_.uid_mappings[1].container_id, 65536);
	ck_assert_uint_eq(spec->linux_.gid_mappings[0].container_id, UINT32_MAX - 1);
	ck_assert_uint_eq(spec->linux_.gid_mappings[1].size, UINT32_MAX - 2);
	spec_free(spec);
}
END_TEST

START_TEST(rejects_overlapping_container_ids)
{
	ck_assert_str_eq(
		spec_error(LINUX("'uidMappings':[{'containerID':0,'hostID':1000,'size':10},"
				 "{'containerID':9,'hostID':5000,'size':1}]")),
		"config.json: linux.uidMappings[1]: container IDs overlap with "
		"uidMappings[0]");
}
END_TEST

START_TEST(rejects_overlapping_host_ids)
{
	ck_assert_str_eq(
		spec_error(LINUX("'gidMappings':[{'containerID':0,'hostID':1000,'size':10},"
				 "{'containerID':10,'hostID':995,'size':10}]")),
		"config.json: linux.gidMappings[1]: host IDs overlap with gidMappings[0]");
}
END_TEST

START_TEST(rejects_id_mapping_past_uint32)
{
	ck_assert_str_eq(spec_error(LINUX("'uidMappings':[{'containerID':4294967290,'hostID':0,"
					  "'size':4294967295}]")),
			 "config.json: linux.uidMappings[0]: the range ends past 4294967294, the "
			 "largest ID");
	ck_assert_str_eq(spec_error(LINUX("'gidMappings':[{'containerID':0,'hostID':2,"
					  "'size':4294967295}]")),
			 "config.json: linux.gidMappings[0]: the range ends past 4294967294, the "
			 "largest ID");
}
END_TEST

START_TEST(rejects_id_mapping_that_reaches_uid_minus_1)
{
	/* The kernel's uid_map refuses (uid_t)-1: catch it here with a path, not at write(2). */
	ck_assert_str_eq(spec_error(LINUX("'uidMappings':[{'containerID':4294967295,'hostID':0,"
					  "'size':1}]")),
			 "config.json: linux.uidMappings[0]: the range ends past 4294967294, the "
			 "largest ID");
	ck_assert_str_eq(spec_error(LINUX("'gidMappings':[{'containerID':0,'hostID':1,"
					  "'size':4294967295}]")),
			 "config.json: linux.gidMappings[0]: the range ends past 4294967294, the "
			 "largest ID");
}
END_TEST

START_TEST(rejects_id_mapping_size_above_uint32)
{
	ck_assert_str_eq(spec_error(LINUX("'uidMappings':[{'containerID':0,'hostID':0,"
					  "'size':4294967296}]")),
			 "config.json: linux.uidMappings[0].size: expected an unsigned 32-bit "
			 "integer, got 4294967296 (out of range)");
}
END_TEST

START_TEST(rejects_zero_size_id_mapping)
{
	ck_assert_str_eq(spec_error(LINUX("'uidMappings':[{'containerID':0,'hostID':0,'size':0}]")),
			 "config.json: linux.uidMappings[0]: size must be at least 1");
}
END_TEST

START_TEST(rejects_id_mapping_without_host_id)
{
	ck_assert_str_eq(spec_error(LINUX("'uidMappings':[{'containerID':0,'size':1}]")),
			 "config.json: linux.uidMappings[0].hostID: missing required field");
}
END_TEST

START_TEST(rejects_more_id_mappings_than_the_kernel_takes)
{
	char *doc = malloc(341 * 64 + 256);
	size_t o = (size_t)sprintf(doc, "{'ociVersion':'1.2.0','root':{'path':'r'},"
					"'linux':{'uidMappings':[");

	for (int i = 0; i < 341; i++)
		o += (size_t)sprintf(doc + o, "%s{'containerID':%d,'hostID':%d,'size':1}",
				     i ? "," : "", i, i);
	strcpy(doc + o, "]}}");
	ck_assert_str_eq(spec_error(doc),
			 "config.json: linux.uidMappings: 341 mappings, more than the kernel's "
			 "limit of 340");
	free(doc);
}
END_TEST

START_TEST(parses_namespaces)
{
	struct ward_spec *spec = spec_ok(LINUX("'namespaces':[{'type':'pid'},{'type':'network',"
					       "'path':'/proc/1/ns/net'},{'type':'user'},"
					       "{'type':'time','path':null}]"));

	ck_assert(spec->linux_.namespaces[WARD_NS_PID].present);
	ck_assert_ptr_null(spec->linux_.namespaces[WARD_NS_PID].path);
	ck_assert_str_eq(spec->linux_.namespaces[WARD_NS_NETWORK].path, "/proc/1/ns/net");
	ck_assert(spec->linux_.namespaces[WARD_NS_USER].present);
	ck_assert(spec->linux_.namespaces[WARD_NS_TIME].present);
	ck_assert(!spec->linux_.namespaces[WARD_NS_IPC].present);
	spec_free(spec);
}
END_TEST

START_TEST(rejects_duplicate_namespace)
{
	ck_assert_str_eq(spec_error(LINUX("'namespaces':[{'type':'network'},{'type':'network',"
					  "'path':'/proc/1/ns/net'}]")),
			 "config.json: linux.namespaces[1]: the network namespace is listed twice");
}
END_TEST

START_TEST(rejects_unknown_namespace_type)
{
	ck_assert_str_eq(spec_error(LINUX("'namespaces':[{'type':'net'}]")),
			 "config.json: linux.namespaces[0].type: unknown namespace type \"net\" "
			 "(expected pid, network, mount, ipc, uts, user, cgroup or time)");
}
END_TEST

START_TEST(rejects_namespace_without_type)
{
	ck_assert_str_eq(spec_error(LINUX("'namespaces':[{'path':'/proc/1/ns/pid'}]")),
			 "config.json: linux.namespaces[0].type: missing required field");
}
END_TEST

START_TEST(rejects_relative_namespace_path)
{
	ck_assert_str_eq(spec_error(LINUX("'namespaces':[{'type':'ipc','path':'proc/1/ns/ipc'}]")),
			 "config.json: linux.namespaces[0].path: \"proc/1/ns/ipc\" is not an "
			 "absolute path");
}
END_TEST

START_TEST(parses_devices)
{
	struct ward_spec *spec =
		spec_ok(LINUX("'devices':[{'path':'/dev/fuse','type':'c','major':10,'minor':229,"
			      "'fileMode':438,'uid':0,'gid':0},{'path':'/dev/fifo','type':'p'}]"));
	const struct ward_device *d = spec->linux_.devices;

	ck_assert_uint_eq(spec->linux_.n_devices, 2);
	ck_assert_int_eq(d[0].type, 'c');
	ck_assert_int_eq(d[0].major, 10);
	ck_assert_int_eq(d[0].minor, 229);
	ck_assert(d[0].has_file_mode && d[0].file_mode == 0666);
	ck_assert(d[0].has_uid && d[0].has_gid);
	ck_assert_int_eq(d[1].type, 'p');
	ck_assert(!d[1].has_file_mode);
	spec_free(spec);
}
END_TEST

START_TEST(rejects_unknown_device_type)
{
	ck_assert_str_eq(spec_error(LINUX("'devices':[{'path':'/dev/x','type':'x','major':1,"
					  "'minor':1}]")),
			 "config.json: linux.devices[0].type: unknown device type \"x\" (expected "
			 "c, b, u or p)");
	ck_assert_str_eq(spec_error(LINUX("'devices':[{'path':'/dev/x','type':'cb','major':1,"
					  "'minor':1}]")),
			 "config.json: linux.devices[0].type: unknown device type \"cb\" (expected "
			 "c, b, u or p)");
}
END_TEST

START_TEST(rejects_relative_device_path)
{
	ck_assert_str_eq(
		spec_error(LINUX("'devices':[{'path':'dev/null','type':'c','major':1,"
				 "'minor':3}]")),
		"config.json: linux.devices[0].path: \"dev/null\" is not an absolute path");
}
END_TEST

START_TEST(rejects_device_without_numbers)
{
	ck_assert_str_eq(spec_error(LINUX("'devices':[{'path':'/dev/null','type':'c','minor':3}]")),
			 "config.json: linux.devices[0]: major and minor are required for a "
			 "character device");
	ck_assert_str_eq(spec_error(LINUX("'devices':[{'path':'/dev/sda','type':'b','major':8}]")),
			 "config.json: linux.devices[0]: major and minor are required for a block "
			 "device");
}
END_TEST

START_TEST(rejects_device_number_out_of_range)
{
	ck_assert_str_eq(
		spec_error(LINUX("'devices':[{'path':'/dev/x','type':'c','major':4096,"
				 "'minor':0}]")),
		"config.json: linux.devices[0].major: 4096 is not a device major number (0 "
		"to 4095)");
	ck_assert_str_eq(spec_error(LINUX("'devices':[{'path':'/dev/x','type':'c','major':1,"
					  "'minor':-1}]")),
			 "config.json: linux.devices[0].minor: -1 is not a device minor number (0 "
			 "to 1048575)");
	/* 4294967297 is 1 once truncated to 32 bits, 1:11 is /dev/kmsg. */
	ck_assert_str_eq(spec_error(LINUX("'devices':[{'path':'/dev/kmsg','type':'c','major':"
					  "4294967297,'minor':11}]")),
			 "config.json: linux.devices[0].major: 4294967297 is not a device major "
			 "number (0 to 4095)");
	ck_assert_str_eq(
		spec_error(LINUX("'devices':[{'path':'/dev/x','type':'c','major':1,"
				 "'minor':1048576}]")),
		"config.json: linux.devices[0].minor: 1048576 is not a device minor number "
		"(0 to 1048575)");
	ck_assert_str_eq(spec_error(LINUX("'devices':[{'path':'/dev/p','type':'p','major':-5}]")),
			 "config.json: linux.devices[0].major: -5 is not a device major number (0 "
			 "to 4095)");
}
END_TEST

START_TEST(rejects_device_file_mode_that_is_no_mode)
{
	ck_assert_str_eq(spec_error(LINUX("'devices':[{'path':'/dev/x','type':'c','major':1,"
					  "'minor':3,'fileMode':4294967295}]")),
			 "config.json: linux.devices[0].fileMode: 4294967295 is not a file mode "
			 "(permission bits, 0 to 07777, optionally with the node's file type)");
	ck_assert_str_eq(spec_error(LINUX("'devices':[{'path':'/dev/x','type':'c','major':1,"
					  "'minor':3,'fileMode':65536}]")),
			 "config.json: linux.devices[0].fileMode: 65536 is not a file mode "
			 "(permission bits, 0 to 07777, optionally with the node's file type)");
}
END_TEST

/* Podman sends the node's file type in fileMode: 8630 is 020666, a character device 0666. */
START_TEST(accepts_file_type_bits_that_match_the_device_type)
{
	struct ward_spec *spec = spec_ok(
		LINUX("'devices':[{'path':'/dev/fuse','type':'c','major':10,'minor':229,"
		      "'fileMode':8630},{'path':'/dev/u','type':'u','major':10,'minor':229,"
		      "'fileMode':8612},{'path':'/dev/loop0','type':'b','major':7,'minor':0,"
		      "'fileMode':25008},{'path':'/dev/fifo','type':'p','fileMode':4516},"
		      "{'path':'/dev/null2','type':'c','major':1,'minor':3,'fileMode':438}]"));
	const struct ward_device *d = spec->linux_.devices;

	ck_assert_uint_eq(spec->linux_.n_devices, 5);
	ck_assert(d[0].has_file_mode);
	ck_assert_uint_eq(d[0].file_mode, 0666);
	ck_assert_uint_eq(d[1].file_mode, 0644);
	ck_assert_uint_eq(d[2].file_mode, 0660);
	ck_assert_uint_eq(d[3].file_mode, 0644);
	ck_assert_uint_eq(d[4].file_mode, 0666);
	spec_free(spec);
}
END_TEST

START_TEST(rejects_file_type_bits_that_contradict_the_device_type)
{
	/* 0o60666: a block device's type with type "c". */
	ck_assert_str_eq(spec_error(LINUX("'devices':[{'path':'/dev/x','type':'c','major':1,"
					  "'minor':3,'fileMode':25014}]")),
			 "config.json: linux.devices[0].fileMode: 25014 (060666) has the file type "
			 "bits of a block device, but type \"c\" is a character device (give the "
			 "permission bits alone, e.g. 0666)");
	ck_assert_str_eq(spec_error(LINUX("'devices':[{'path':'/dev/null','type':'c','major':1,"
					  "'minor':3},{'path':'/dev/sda','type':'b','major':8,"
					  "'minor':0,'fileMode':8624}]")),
			 "config.json: linux.devices[1].fileMode: 8624 (020660) has the file type "
			 "bits of a character device, but type \"b\" is a block device (give the "
			 "permission bits alone, e.g. 0660)");
	ck_assert_str_eq(
		spec_error(LINUX("'devices':[{'path':'/dev/x','type':'p',"
				 "'fileMode':33188}]")),
		"config.json: linux.devices[0].fileMode: 33188 (0100644) has the file type "
		"bits of a regular file, but type \"p\" is a FIFO (give the permission "
		"bits alone, e.g. 0644)");
	ck_assert_str_eq(
		spec_error(LINUX("'devices':[{'path':'/dev/x','type':'u','major':1,"
				 "'minor':3,'fileMode':4534}]")),
		"config.json: linux.devices[0].fileMode: 4534 (010666) has the file type "
		"bits of a FIFO, but type \"u\" is a character device (give the permission "
		"bits alone, e.g. 0666)");
}
END_TEST

START_TEST(rejects_device_without_type)
{
	ck_assert_str_eq(spec_error(LINUX("'devices':[{'path':'/dev/x'}]")),
			 "config.json: linux.devices[0].type: missing required field");
}
END_TEST

START_TEST(rejects_relative_masked_path)
{
	ck_assert_str_eq(
		spec_error(LINUX("'maskedPaths':['/proc/kcore','proc/keys']")),
		"config.json: linux.maskedPaths[1]: \"proc/keys\" is not an absolute path");
	ck_assert_str_eq(spec_error(LINUX("'readonlyPaths':['']")),
			 "config.json: linux.readonlyPaths[0]: \"\" is not an absolute path");
}
END_TEST

START_TEST(tells_an_empty_path_list_from_an_absent_one)
{
	struct ward_spec *spec = spec_ok(LINUX("'maskedPaths':[],'readonlyPaths':null"));

	ck_assert(spec->linux_.has_masked_paths);
	ck_assert_ptr_nonnull(spec->linux_.masked_paths);
	ck_assert_ptr_null(spec->linux_.masked_paths[0]);
	ck_assert(!spec->linux_.has_readonly_paths);
	spec_free(spec);
}
END_TEST

START_TEST(rejects_unknown_rootfs_propagation)
{
	ck_assert_str_eq(
		spec_error(LINUX("'rootfsPropagation':'rprivat'")),
		"config.json: linux.rootfsPropagation: unknown propagation \"rprivat\" "
		"(expected private, rprivate, slave, rslave, shared, rshared, unbindable or "
		"runbindable)");
}
END_TEST

START_TEST(rejects_sysctl_names_that_are_paths)
{
	ck_assert_str_eq(
		spec_error(LINUX("'sysctl':{'net.ipv4.ip_forward':'1',"
				 "'../../etc/passwd':'x'}")),
		"config.json: linux.sysctl.../../etc/passwd: not a sysctl name (names look "
		"like \"net.ipv4.ip_forward\")");
	ck_assert_str_eq(spec_error(LINUX("'sysctl':{'/proc/sys/kernel/x':'1'}")),
			 "config.json: linux.sysctl./proc/sys/kernel/x: not a sysctl name (names "
			 "look like \"net.ipv4.ip_forward\")");
	ck_assert_str_eq(spec_error(LINUX("'sysctl':{'':'1'}")),
			 "config.json: linux.sysctl.: not a sysctl name (names look like "
			 "\"net.ipv4.ip_forward\")");
}
END_TEST

START_TEST(rejects_sysctl_value_of_wrong_type)
{
	ck_assert_str_eq(spec_error(LINUX("'sysctl':{'net.ipv4.ip_forward':1}")),
			 "config.json: linux.sysctl.net.ipv4.ip_forward: expected a string, got 1");
}
END_TEST

START_TEST(parses_personality_time_offsets_net_devices_and_intel_rdt)
{
	struct ward_spec *spec = spec_ok(LINUX(
		"'personality':{'domain':'LINUX32','flags':[]},"
		"'timeOffsets':{'monotonic':{'secs':-5,'nanosecs':999999999},'boottime':null},"
		"'netDevices':{'eth0':{'name':'ctr0'},'eth1':{},'eth0':{'name':'ctr1'}},"
		"'intelRdt':{'closID':'guaranteed'},'mountLabel':'system_u:object_r:x',"
		"'cgroupsPath':'/ward/x'"));
	const struct ward_linux *lx = &spec->linux_;

	ck_assert(lx->has_personality);
	ck_assert_str_eq(lx->personality_domain, "LINUX32");
	ck_assert(lx->time_monotonic.present && !lx->time_boottime.present);
	ck_assert_int_eq(lx->time_monotonic.secs, -5);
	ck_assert_uint_eq(lx->n_net_devices, 2);
	ck_assert_str_eq(lx->net_devices[0].key, "eth1");
	ck_assert_ptr_null(lx->net_devices[0].value);
	ck_assert_str_eq(lx->net_devices[1].key, "eth0");
	ck_assert_str_eq(lx->net_devices[1].value, "ctr1");
	ck_assert(lx->has_intel_rdt);
	ck_assert_str_eq(lx->intel_rdt_clos_id, "guaranteed");
	ck_assert_str_eq(lx->cgroups_path, "/ward/x");
	spec_free(spec);
}
END_TEST

START_TEST(rejects_unknown_personality_domain)
{
	ck_assert_str_eq(spec_error(LINUX("'personality':{'domain':'LINUX64'}")),
			 "config.json: linux.personality.domain: unknown domain \"LINUX64\" "
			 "(expected LINUX or LINUX32)");
	ck_assert_str_eq(spec_error(LINUX("'personality':{}")),
			 "config.json: linux.personality.domain: missing required field");
}
END_TEST

START_TEST(rejects_time_offset_nanoseconds_of_a_second_or_more)
{
	ck_assert_str_eq(spec_error(LINUX("'timeOffsets':{'boottime':{'nanosecs':1000000000}}")),
			 "config.json: linux.timeOffsets.boottime: nanosecs must be below "
			 "1000000000");
}
END_TEST

START_TEST(rejects_unknown_time_offset_clock)
{
	ck_assert_str_eq(spec_error(LINUX("'timeOffsets':{'realtime':{'secs':1}}")),
			 "config.json: linux.timeOffsets.realtime: unknown clock (a time namespace "
			 "offsets monotonic and boottime)");
}
END_TEST

START_TEST(rejects_invalid_net_device_name)
{
	ck_assert_str_eq(spec_error(LINUX("'netDevices':{'eth0123456789012':{}}")),
			 "config.json: linux.netDevices.eth0123456789012: not a valid network "
			 "interface name");
	ck_assert_str_eq(spec_error(LINUX("'netDevices':{'':{}}")),
			 "config.json: linux.netDevices.: not a valid network interface name");
	ck_assert_str_eq(spec_error(LINUX("'netDevices':{'eth0':'ctr0'}")),
			 "config.json: linux.netDevices.eth0: expected an object, got \"ctr0\"");
}
END_TEST

START_TEST(rejects_intel_rdt_clos_id_of_wrong_type)
{
	ck_assert_str_eq(spec_error(LINUX("'intelRdt':{'closID':5}")),
			 "config.json: linux.intelRdt.closID: expected a string, got 5");
}
END_TEST

START_TEST(rejects_linux_of_wrong_type)
{
	ck_assert_str_eq(spec_error(CFG(",'linux':[]")),
			 "config.json: linux: expected an object, got an array");
	ck_assert_str_eq(spec_error(LINUX("'namespaces':{'type':'pid'}")),
			 "config.json: linux.namespaces: expected an array, got an object");
}
END_TEST

/* ---- linux.seccomp ------------------------------------------------------------------------ */

START_TEST(parses_seccomp)
{
	struct ward_spec *spec = spec_ok(
		SECCOMP(",'defaultErrnoRet':1,'architectures':['SCMP_ARCH_X86_64'],"
			"'flags':['SECCOMP_FILTER_FLAG_LOG'],'listenerPath':'/run/l.sock',"
			"'syscalls':[{'names':['read','write'],'action':'SCMP_ACT_ALLOW'},"
			"{'names':['personality'],'action':'SCMP_ACT_ERRNO','errnoRet':1,'args':["
			"{'index':0,'value':18446744073709551615,'valueTwo':0,'op':'SCMP_CMP_"
			"MASKED_EQ'}]}]"));
	const struct ward_seccomp *sc = spec->linux_.seccomp;

	ck_assert_str_eq(sc->default_action, "SCMP_ACT_ERRNO");
	ck_assert(sc->has_default_errno_ret);
	ck_assert_str_eq(sc->architectures[0], "SCMP_ARCH_X86_64");
	ck_assert_uint_eq(sc->n_rules, 2);
	ck_assert_str_eq(sc->rules[0].names[1], "write");
	ck_assert(!sc->rules[0].has_errno_ret);
	ck_assert_uint_eq(sc->rules[1].n_args, 1);
	ck_assert_uint_eq(sc->rules[1].args[0].value, UINT64_MAX);
	ck_assert_str_eq(sc->rules[1].args[0].op, "SCMP_CMP_MASKED_EQ");
	spec_free(spec);
}
END_TEST

START_TEST(rejects_seccomp_without_default_action)
{
	ck_assert_str_eq(spec_error(LINUX("'seccomp':{'syscalls':[]}")),
			 "config.json: linux.seccomp.defaultAction: missing required field");
}
END_TEST

START_TEST(rejects_unknown_seccomp_default_action)
{
	ck_assert_str_eq(
		spec_error(LINUX("'seccomp':{'defaultAction':'SCMP_ACT_DENY'}")),
		"config.json: linux.seccomp.defaultAction: unknown action "
		"\"SCMP_ACT_DENY\" (expected one of SCMP_ACT_ALLOW, SCMP_ACT_ERRNO, "
		"SCMP_ACT_KILL_PROCESS, SCMP_ACT_KILL_THREAD, SCMP_ACT_TRAP, SCMP_ACT_TRACE, "
		"SCMP_ACT_LOG, SCMP_ACT_NOTIFY)");
}
END_TEST

START_TEST(rejects_unknown_seccomp_rule_action)
{
	ck_assert_str_eq(spec_error(SECCOMP(",'syscalls':[{'names':['read'],"
					    "'action':'allow'}]")),
			 "config.json: linux.seccomp.syscalls[0].action: unknown action \"allow\" "
			 "(expected one of SCMP_ACT_ALLOW, SCMP_ACT_ERRNO, SCMP_ACT_KILL_PROCESS, "
			 "SCMP_ACT_KILL_THREAD, SCMP_ACT_TRAP, SCMP_ACT_TRACE, SCMP_ACT_LOG, "
			 "SCMP_ACT_NOTIFY)");
}
END_TEST

START_TEST(rejects_unknown_seccomp_operator)
{
	ck_assert_str_eq(
		spec_error(SECCOMP(",'syscalls':[{'names':['clone'],"
				   "'action':'SCMP_ACT_ALLOW','args':[{'index':0,'value':1,"
				   "'op':'SCMP_CMP_MATCHES'}]}]")),
		"config.json: linux.seccomp.syscalls[0].args[0].op: unknown operator "
		"\"SCMP_CMP_MATCHES\" (expected SCMP_CMP_EQ, NE, LT, LE, GE, GT or "
		"MASKED_EQ)");
}
END_TEST

START_TEST(rejects_seccomp_argument_index_above_5)
{
	ck_assert_str_eq(
		spec_error(SECCOMP(",'syscalls':[{'names':['clone'],"
				   "'action':'SCMP_ACT_ALLOW','args':[{'index':6,'value':1,"
				   "'op':'SCMP_CMP_EQ'}]}]")),
		"config.json: linux.seccomp.syscalls[0].args[0].index: 6 is not a syscall "
		"argument index (0 to 5)");
}
END_TEST

START_TEST(rejects_seccomp_argument_value_above_uint64)
{
	ck_assert_str_eq(spec_error(SECCOMP(",'syscalls':[{'names':['clone'],"
					    "'action':'SCMP_ACT_ALLOW','args':[{'index':0,"
					    "'value':18446744073709551616,'op':'SCMP_CMP_EQ'}]}]")),
			 "config.json: linux.seccomp.syscalls[0].args[0].value: expected an "
			 "unsigned 64-bit integer, got 18446744073709551616 (out of range)");
}
END_TEST

START_TEST(rejects_seccomp_argument_without_op)
{
	ck_assert_str_eq(
		spec_error(SECCOMP(",'syscalls':[{'names':['clone'],"
				   "'action':'SCMP_ACT_ALLOW','args':[{'index':0,"
				   "'value':1}]}]")),
		"config.json: linux.seccomp.syscalls[0].args[0].op: missing required field");
}
END_TEST

START_TEST(rejects_seccomp_rule_without_names)
{
	ck_assert_str_eq(
		spec_error(SECCOMP(",'syscalls':[{'names':[],'action':'SCMP_ACT_ALLOW'}]")),
		"config.json: linux.seccomp.syscalls[0].names: must list at least one "
		"syscall");
	ck_assert_str_eq(spec_error(SECCOMP(",'syscalls':[{'action':'SCMP_ACT_ALLOW'}]")),
			 "config.json: linux.seccomp.syscalls[0].names: missing required field");
}
END_TEST

START_TEST(rejects_negative_seccomp_errno)
{
	ck_assert_str_eq(spec_error(SECCOMP(",'syscalls':[{'names':['read'],"
					    "'action':'SCMP_ACT_ERRNO','errnoRet':-1}]")),
			 "config.json: linux.seccomp.syscalls[0].errnoRet: expected an unsigned "
			 "32-bit integer, got -1 (out of range)");
}
END_TEST

START_TEST(rejects_unknown_seccomp_architecture)
{
	ck_assert_str_eq(spec_error(SECCOMP(",'architectures':['SCMP_ARCH_X86','x86_64']")),
			 "config.json: linux.seccomp.architectures[1]: \"x86_64\" is not an "
			 "architecture name (names look like \"SCMP_ARCH_X86_64\")");
}
END_TEST

START_TEST(rejects_unknown_seccomp_flag)
{
	ck_assert_str_eq(spec_error(SECCOMP(",'flags':['SECCOMP_FILTER_FLAG_FAST']")),
			 "config.json: linux.seccomp.flags[0]: unknown flag "
			 "\"SECCOMP_FILTER_FLAG_FAST\"");
}
END_TEST

START_TEST(rejects_relative_seccomp_listener_path)
{
	ck_assert_str_eq(spec_error(SECCOMP(",'listenerPath':'run/l.sock'")),
			 "config.json: linux.seccomp.listenerPath: \"run/l.sock\" is not an "
			 "absolute path");
}
END_TEST

/* ---- linux.resources ---------------------------------------------------------------------- */

START_TEST(parses_resources)
{
	struct ward_spec *spec = spec_ok(RES(
		"'devices':[{'allow':false,'access':'rwm'},{'allow':true,'type':'c','major':1,"
		"'minor':-1,'access':'rw'}],"
		"'memory':{'limit':-1,'reservation':0,'swap':9223372036854775807,'swappiness':100,"
		"'disableOOMKiller':true},"
		"'cpu':{'shares':1024,'quota':-9223372036854775808,'period':100000,'cpus':'0-3',"
		"'idle':1},'pids':{'limit':-1},"
		"'blockIO':{'weight':1000,'weightDevice':[{'major':8,'minor':0,'weight':10}],"
		"'throttleWriteIOPSDevice':[{'major':8,'minor':0,'rate':100}]},"
		"'hugepageLimits':[{'pageSize':'2MB','limit':1073741824}],"
		"'network':{'classID':1048577,'priorities':[{'name':'eth0','priority':5}]},"
		"'rdma':{'mlx5_0':{'hcaHandles':3}},'unified':{'memory.high':'max'}"));
	const struct ward_resources *r = &spec->linux_.resources;

	ck_assert(spec->linux_.has_resources);
	ck_assert_uint_eq(r->n_devices, 2);
	ck_assert_int_eq(r->devices[0].type, 'a');
	ck_assert_uint_eq(r->devices[0].access, WARD_DEVICE_RWM);
	ck_assert_uint_eq(r->devices[1].access, WARD_DEVICE_READ | WARD_DEVICE_WRITE);
	ck_assert(r->devices[1].has_major && r->devices[1].major == 1);
	ck_assert(!r->devices[1].has_minor); /* -1: any */
	ck_assert(r->has_memory_limit && r->memory_limit == -1);
	ck_assert_int_eq(r->memory_swap, INT64_MAX);
	ck_assert(r->has_disable_oom_killer && r->disable_oom_killer);
	ck_assert(!r->has_memory_kernel);
	ck_assert_int_eq(r->cpu_quota, INT64_MIN);
	ck_assert_str_eq(r->cpu_cpus, "0-3");
	ck_assert(r->has_pids_limit && r->pids_limit == -1);
	ck_assert_uint_eq(r->blkio_weight, 1000);
	ck_assert_uint_eq(r->n_blkio_weight_devices, 1);
	ck_assert_uint_eq(r->n_throttle[WARD_THROTTLE_WRITE_IOPS], 1);
	ck_assert_uint_eq(r->throttle[WARD_THROTTLE_WRITE_IOPS][0].rate, 100);
	ck_assert_uint_eq(r->n_throttle[WARD_THROTTLE_READ_BPS], 0);
	ck_assert_str_eq(r->hugepage_limits[0].page_size, "2MB");
	ck_assert_uint_eq(r->net_class_id, 1048577);
	ck_assert_str_eq(r->net_priorities[0].name, "eth0");
	ck_assert_uint_eq(r->n_rdma, 1);
	ck_assert(r->rdma[0].has_hca_handles && !r->rdma[0].has_hca_objects);
	ck_assert_str_eq(r->unified[0].value, "max");
	spec_free(spec);
}
END_TEST

START_TEST(rejects_memory_limit_above_int64)
{
	ck_assert_str_eq(
		spec_error(RES("'memory':{'limit':9223372036854775808}")),
		"config.json: linux.resources.memory.limit: expected a 64-bit integer, got "
		"9223372036854775808 (out of range)");
}
END_TEST

START_TEST(rejects_cpu_quota_below_int64)
{
	ck_assert_str_eq(spec_error(RES("'cpu':{'quota':-9223372036854775809}")),
			 "config.json: linux.resources.cpu.quota: expected a 64-bit integer, got "
			 "-9223372036854775809 (out of range)");
}
END_TEST

START_TEST(rejects_negative_memory_limit_other_than_minus_one)
{
	ck_assert_str_eq(spec_error(RES("'memory':{'limit':-2}")),
			 "config.json: linux.resources.memory: limit must be -1 (unlimited) or a "
			 "number of bytes");
	ck_assert_str_eq(spec_error(RES("'memory':{'swap':-2}")),
			 "config.json: linux.resources.memory: swap must be -1 (unlimited) or a "
			 "number of bytes");
}
END_TEST

START_TEST(rejects_swappiness_above_100)
{
	ck_assert_str_eq(
		spec_error(RES("'memory':{'swappiness':101}")),
		"config.json: linux.resources.memory: swappiness must be between 0 and 100");
}
END_TEST

START_TEST(rejects_cpu_shares_that_are_negative)
{
	ck_assert_str_eq(spec_error(RES("'cpu':{'shares':-1}")),
			 "config.json: linux.resources.cpu.shares: expected an unsigned 64-bit "
			 "integer, got -1 (out of range)");
}
END_TEST

START_TEST(rejects_cpu_idle_other_than_0_or_1)
{
	ck_assert_str_eq(spec_error(RES("'cpu':{'idle':2}")),
			 "config.json: linux.resources.cpu: idle must be 0 or 1");
}
END_TEST

START_TEST(rejects_unknown_device_rule_type)
{
	ck_assert_str_eq(spec_error(RES("'devices':[{'allow':true,'type':'p'}]")),
			 "config.json: linux.resources.devices[0].type: \"p\" is not a device rule "
			 "type (a, c or b)");
}
END_TEST

START_TEST(rejects_device_rule_access_outside_rwm)
{
	ck_assert_str_eq(spec_error(RES("'devices':[{'allow':true,'access':'rwx'}]")),
			 "config.json: linux.resources.devices[0].access: \"rwx\" is not a "
			 "combination of r, w and m");
}
END_TEST

START_TEST(rejects_device_rule_without_allow)
{
	ck_assert_str_eq(spec_error(RES("'devices':[{'access':'rwm'}]")),
			 "config.json: linux.resources.devices[0].allow: missing required field");
}
END_TEST

START_TEST(rejects_device_rule_number_below_minus_one)
{
	ck_assert_str_eq(spec_error(RES("'devices':[{'allow':true,'type':'c','major':-2}]")),
			 "config.json: linux.resources.devices[0].major: -2 is not a device major "
			 "number (0 to 4095, or -1 for any)");
	ck_assert_str_eq(
		spec_error(RES("'devices':[{'allow':false,'access':'rwm'},{'allow':true,"
			       "'type':'c','major':1,'minor':-9223372036854775808}]")),
		"config.json: linux.resources.devices[1].minor: -9223372036854775808 is not "
		"a device minor number (0 to 1048575, or -1 for any)");
}
END_TEST

/* The kernel's device numbers are 12 and 20 bits: a larger one is refused, never truncated
 * (4294967297 would become 1, and a rule for it would allow /dev/kmsg, 1:11). */
START_TEST(rejects_device_rule_number_the_kernel_cannot_have)
{
	ck_assert_str_eq(
		spec_error(RES("'devices':[{'allow':true,'type':'c','major':4294967297,"
			       "'minor':11,'access':'rw'}]")),
		"config.json: linux.resources.devices[0].major: 4294967297 is not a device "
		"major number (0 to 4095, or -1 for any)");
	ck_assert_str_eq(
		spec_error(RES("'devices':[{'allow':true,'type':'c','major':4096}]")),
		"config.json: linux.resources.devices[0].major: 4096 is not a device major "
		"number (0 to 4095, or -1 for any)");
	ck_assert_str_eq(spec_error(RES("'devices':[{'allow':true,'type':'c','major':1,"
					"'minor':1048576}]")),
			 "config.json: linux.resources.devices[0].minor: 1048576 is not a device "
			 "minor number (0 to 1048575, or -1 for any)");
	ck_assert_str_eq(
		resources_error("{'devices':[{'allow':true,'major':4294967297}]}"),
		"resources.json: devices[0].major: 4294967297 is not a device major number "
		"(0 to 4095, or -1 for any)");
}
END_TEST

/* -1 is the wildcard, the same as leaving the number out; the largest numbers are kept. */
START_TEST(parses_device_rule_wildcards_and_the_largest_numbers)
{
	struct ward_spec *spec = spec_ok(
		RES("'devices':[{'allow':true,'type':'c','major':-1,'minor':-1,'access':'m'},"
		    "{'allow':true,'type':'b'},{'allow':true,'type':'c','major':4095,"
		    "'minor':1048575,'access':''},{'allow':false,'major':0,'minor':0,"
		    "'access':'wr'}]"));
	const struct ward_device_rule *d = spec->linux_.resources.devices;

	ck_assert(!d[0].has_major && !d[0].has_minor);
	ck_assert_uint_eq(d[0].access, WARD_DEVICE_MKNOD);
	ck_assert(!d[1].has_major && !d[1].has_minor);
	ck_assert_uint_eq(d[1].access, WARD_DEVICE_RWM); /* absent: all */
	ck_assert(d[2].has_major && d[2].major == 4095 && d[2].has_minor && d[2].minor == 1048575);
	ck_assert_uint_eq(d[2].access, WARD_DEVICE_RWM); /* "": all, as documented */
	ck_assert(d[3].has_major && d[3].major == 0 && d[3].has_minor && d[3].minor == 0);
	ck_assert_uint_eq(d[3].access, WARD_DEVICE_READ | WARD_DEVICE_WRITE);
	ck_assert_int_eq(d[3].type, 'a');
	spec_free(spec);
}
END_TEST

START_TEST(rejects_invalid_hugepage_size)
{
	ck_assert_str_eq(spec_error(RES("'hugepageLimits':[{'pageSize':'2M','limit':1}]")),
			 "config.json: linux.resources.hugepageLimits[0].pageSize: \"2M\" is not a "
			 "huge page size (e.g. \"2MB\", \"1GB\")");
	ck_assert_str_eq(
		spec_error(RES("'hugepageLimits':[{'pageSize':'../1GB','limit':1}]")),
		"config.json: linux.resources.hugepageLimits[0].pageSize: \"../1GB\" is not "
		"a huge page size (e.g. \"2MB\", \"1GB\")");
}
END_TEST

START_TEST(rejects_unified_keys_that_are_not_controller_files)
{
	const char *want = ": not a controller file name (expected \"<controller>.<file>\" such as "
			   "\"memory.high\"; cgroup.* files are managed by ward)";
	char buf[512];

	snprintf(buf, sizeof buf, "config.json: linux.resources.unified.cgroup.procs%s", want);
	ck_assert_str_eq(spec_error(RES("'unified':{'cgroup.procs':'0'}")), buf);
	snprintf(buf, sizeof buf, "config.json: linux.resources.unified.../memory.max%s", want);
	ck_assert_str_eq(spec_error(RES("'unified':{'../memory.max':'1'}")), buf);
	snprintf(buf, sizeof buf, "config.json: linux.resources.unified.memory%s", want);
	ck_assert_str_eq(spec_error(RES("'unified':{'memory':'1'}")), buf);
}
END_TEST

START_TEST(rejects_invalid_rdma_device_name)
{
	ck_assert_str_eq(spec_error(RES("'rdma':{'mlx/0':{'hcaHandles':1}}")),
			 "config.json: linux.resources.rdma.mlx/0: not an RDMA device name");
}
END_TEST

START_TEST(rejects_blkio_weight_above_uint16)
{
	ck_assert_str_eq(spec_error(RES("'blockIO':{'weight':65536}")),
			 "config.json: linux.resources.blockIO.weight: expected an unsigned 16-bit "
			 "integer, got 65536 (out of range)");
}
END_TEST

START_TEST(rejects_throttle_device_without_rate)
{
	ck_assert_str_eq(spec_error(RES("'blockIO':{'throttleReadBpsDevice':[{'major':8,"
					"'minor':0}]}")),
			 "config.json: linux.resources.blockIO.throttleReadBpsDevice[0].rate: "
			 "missing required field");
}
END_TEST

START_TEST(rejects_pids_limit_of_wrong_type)
{
	ck_assert_str_eq(spec_error(RES("'pids':{'limit':'max'}")),
			 "config.json: linux.resources.pids.limit: expected a 64-bit integer, got "
			 "\"max\"");
}
END_TEST

START_TEST(rejects_network_priority_without_name)
{
	ck_assert_str_eq(
		spec_error(RES("'network':{'priorities':[{'priority':1}]}")),
		"config.json: linux.resources.network.priorities[0].name: missing required "
		"field");
}
END_TEST

/* ---- exec --process ----------------------------------------------------------------------- */

START_TEST(parses_process_json_for_exec)
{
	struct ward_process *p = process_ok(
		PJSON(",'env':['A=b'],'user':{'uid':5},'capabilities':{'bounding':['CAP_KILL']},"
		      "'terminal':false,'unknown':{}"));

	ck_assert_str_eq(p->args[0], "sh");
	ck_assert_str_eq(p->cwd, "/");
	ck_assert_uint_eq(p->uid, 5);
	ck_assert_uint_eq(p->caps.bounding, CAP_BIT(5));
	ck_assert_str_eq(p->env[0], "A=b");
	spec_process_free(p);
}
END_TEST

START_TEST(process_json_rejects_missing_cwd)
{
	ck_assert_str_eq(process_error("{'args':['sh']}"),
			 "process.json: cwd: missing required field");
}
END_TEST

START_TEST(process_json_rejects_missing_args)
{
	ck_assert_str_eq(process_error("{'cwd':'/'}"),
			 "process.json: args: missing required field");
}
END_TEST

START_TEST(process_json_rejects_malformed_json)
{
	ck_assert_str_eq(process_error("{'args':['sh'],\n'cwd':'/'"),
			 "process.json: invalid JSON at line 2, column 10: parse error: premature "
			 "EOF");
}
END_TEST

START_TEST(process_json_rejects_a_non_object)
{
	ck_assert_str_eq(process_error("['sh']"), "process.json: expected an object, got an array");
}
END_TEST

START_TEST(process_json_rejects_unknown_capability)
{
	ck_assert_str_eq(process_error(PJSON(",'capabilities':{'effective':['CAP_ALL']}")),
			 "process.json: capabilities.effective[0]: unknown capability \"CAP_ALL\" "
			 "(names look like \"CAP_NET_BIND_SERVICE\")");
}
END_TEST

START_TEST(process_json_rejects_nul_byte_in_args)
{
	ck_assert_str_eq(process_error("{'args':['a\\u0000'],'cwd':'/'}"),
			 "process.json: args[0]: string contains a NUL byte");
}
END_TEST

START_TEST(process_json_rejects_env_without_equals)
{
	ck_assert_str_eq(process_error(PJSON(",'env':['TERM']")),
			 "process.json: env[0]: \"TERM\" is not of the form NAME=value");
}
END_TEST

START_TEST(process_json_rejects_uid_of_wrong_type)
{
	ck_assert_str_eq(
		process_error(PJSON(",'user':{'uid':'root'}")),
		"process.json: user.uid: expected an unsigned 32-bit integer, got \"root\"");
}
END_TEST

/* ---- update --resources ------------------------------------------------------------------- */

START_TEST(parses_resources_json_for_update)
{
	struct ward_error err = {0};
	struct ward_resources res;
	char *json = q("{'memory':{'limit':1073741824,'swap':-1},'cpu':{'quota':50000},"
		       "'pids':{'limit':100},'unified':{'io.max':'8:0 rbps=1'},'future':1}");

	ck_assert_int_eq(spec_parse_resources(json, strlen(json), "resources.json", &res, &err), 0);
	ck_assert(res.has_memory_limit);
	ck_assert_int_eq(res.memory_limit, 1073741824);
	ck_assert(res.has_memory_swap && res.memory_swap == -1);
	ck_assert(!res.has_memory_reservation);
	ck_assert(res.has_cpu_quota && !res.has_cpu_period);
	ck_assert_int_eq(res.pids_limit, 100);
	ck_assert_uint_eq(res.n_unified, 1);
	ck_assert_str_eq(res.unified[0].key, "io.max");
	spec_resources_clear(&res);
	ck_assert_ptr_null(res.unified);
	free(json);
}
END_TEST

START_TEST(parses_an_empty_resources_json)
{
	struct ward_error err = {0};
	struct ward_resources res;

	ck_assert_int_eq(spec_parse_resources("{}", 2, "resources.json", &res, &err), 0);
	ck_assert(!res.has_memory_limit && !res.has_cpu_shares && !res.has_pids_limit);
	ck_assert_uint_eq(res.n_devices, 0);
	spec_resources_clear(&res);
}
END_TEST

START_TEST(resources_json_rejects_wrong_type)
{
	ck_assert_str_eq(resources_error("{'memory':{'limit':'1G'}}"),
			 "resources.json: memory.limit: expected a 64-bit integer, got \"1G\"");
}
END_TEST

START_TEST(resources_json_rejects_malformed_json)
{
	ck_assert_str_eq(resources_error("{'memory':{'limit':1}}}"),
			 "resources.json: invalid JSON at line 1, column 24: parse error: trailing "
			 "garbage");
}
END_TEST

START_TEST(resources_json_rejects_a_non_object)
{
	ck_assert_str_eq(resources_error("42"), "resources.json: expected an object, got 42");
}
END_TEST

START_TEST(resources_json_frees_what_it_read_before_an_error)
{
	ck_assert_str_eq(resources_error("{'devices':[{'allow':true,'access':'r'}],"
					 "'unified':{'memory.high':'1'},'cpu':{'cpus':'0',"
					 "'idle':5}}"),
			 "resources.json: cpu: idle must be 0 or 1");
}
END_TEST

START_TEST(resources_json_rejects_memory_above_int64)
{
	ck_assert_str_eq(resources_error("{'memory':{'reservation':18446744073709551615}}"),
			 "resources.json: memory.reservation: expected a 64-bit integer, got "
			 "18446744073709551615 (out of range)");
}
END_TEST

static Suite *spec_suite(void)
{
	Suite *s = suite_create("spec");
	TCase *engines = tcase_create("engines");
	TCase *input = tcase_create("input");
	TCase *top = tcase_create("top");
	TCase *process = tcase_create("process");
	TCase *lx = tcase_create("linux");
	TCase *seccomp = tcase_create("seccomp");
	TCase *res = tcase_create("resources");
	TCase *exec = tcase_create("exec_and_update");

	tcase_add_test(engines, parses_docker_20_10_default_config);
	tcase_add_test(engines, parses_podman_4_3_default_config);
	tcase_add_test(engines, parses_containerd_1_6_ctr_default_config);
	tcase_add_test(engines, parses_runc_1_1_spec_config);
	tcase_add_test(engines, round_trips_the_generated_default_config);
	tcase_add_test(engines, parses_a_minimal_config);
	tcase_add_test(engines, accepts_every_1_x_version);
	tcase_add_test(engines, names_namespaces_and_hooks);
	suite_add_tcase(s, engines);

	tcase_set_timeout(input, 30);
	tcase_add_test(input, rejects_malformed_json_with_line_and_column);
	tcase_add_test(input, rejects_a_truncated_config);
	tcase_add_test(input, rejects_an_empty_config);
	tcase_add_test(input, rejects_a_config_that_is_not_an_object);
	tcase_add_test(input, rejects_invalid_utf8_in_a_config);
	tcase_add_test(input, rejects_arrays_nested_100000_deep_in_a_config);
	tcase_add_test(input, accepts_a_1mb_string_in_process_args);
	tcase_add_test(input, rejects_a_100mb_file_by_its_size_quickly);
	tcase_add_test(input, rejects_an_endless_file_after_the_size_limit);
	tcase_add_test(input, reports_a_missing_config_file);
	tcase_add_test(input, reports_a_config_path_that_is_a_directory);
	tcase_add_test(input, parses_a_config_file);
	tcase_add_test(input, handles_an_annotations_object_with_200000_members_quickly);
	suite_add_tcase(s, input);

	tcase_add_test(top, rejects_missing_oci_version);
	tcase_add_test(top, rejects_null_oci_version_as_missing);
	tcase_add_test(top, rejects_oci_version_of_wrong_type);
	tcase_add_test(top, rejects_unsupported_oci_version);
	tcase_add_test(top, rejects_missing_root);
	tcase_add_test(top, rejects_root_of_wrong_type);
	tcase_add_test(top, rejects_missing_root_path);
	tcase_add_test(top, rejects_empty_root_path);
	tcase_add_test(top, rejects_root_readonly_of_wrong_type);
	tcase_add_test(top, ignores_unknown_properties);
	tcase_add_test(top, treats_json_null_as_absent);
	tcase_add_test(top, uses_the_last_of_duplicate_keys);
	tcase_add_test(top, a_trailing_null_duplicate_removes_a_field);
	tcase_add_test(top, parses_annotations);
	tcase_add_test(top, uses_the_last_of_duplicate_annotation_keys);
	tcase_add_test(top, rejects_annotation_of_wrong_type);
	tcase_add_test(top, rejects_nul_byte_in_an_annotation_key);
	tcase_add_test(top, shortens_huge_keys_in_error_paths);
	tcase_add_test(top, shows_long_values_shortened_and_escaped);
	tcase_add_test(top, parses_mounts);
	tcase_add_test(top, rejects_mount_without_destination);
	tcase_add_test(top, rejects_relative_mount_destination);
	tcase_add_test(top, rejects_mount_options_of_wrong_type);
	tcase_add_test(top, rejects_mounts_of_wrong_type);
	tcase_add_test(top, rejects_overlapping_mount_id_mappings);
	tcase_add_test(top, parses_hooks);
	tcase_add_test(top, rejects_relative_hook_path);
	tcase_add_test(top, rejects_hook_without_path);
	tcase_add_test(top, rejects_non_positive_hook_timeout);
	tcase_add_test(top, rejects_hooks_of_wrong_type);
	suite_add_tcase(s, top);

	tcase_add_test(process, parses_process_fields);
	tcase_add_test(process, rejects_process_of_wrong_type);
	tcase_add_test(process, rejects_missing_process_args);
	tcase_add_test(process, rejects_missing_process_cwd);
	tcase_add_test(process, rejects_empty_process_args);
	tcase_add_test(process, rejects_relative_process_cwd);
	tcase_add_test(process, rejects_nul_byte_in_process_args);
	tcase_add_test(process, rejects_nul_byte_in_process_cwd);
	tcase_add_test(process, rejects_process_args_of_wrong_type);
	tcase_add_test(process, rejects_env_entry_without_equals);
	tcase_add_test(process, rejects_env_entry_with_empty_name);
	tcase_add_test(process, rejects_terminal_of_wrong_type);
	tcase_add_test(process, rejects_unknown_capability);
	tcase_add_test(process, rejects_capability_names_without_prefix);
	tcase_add_test(process, rejects_capability_of_wrong_type);
	tcase_add_test(process, rejects_unknown_rlimit);
	tcase_add_test(process, rejects_rlimit_soft_above_hard);
	tcase_add_test(process, rejects_duplicate_rlimit);
	tcase_add_test(process, rejects_rlimit_without_hard_limit);
	tcase_add_test(process, rejects_rlimit_above_uint64);
	tcase_add_test(process, rejects_negative_rlimit);
	tcase_add_test(process, rejects_uid_above_uint32);
	tcase_add_test(process, accepts_the_largest_uid);
	tcase_add_test(process, rejects_negative_uid);
	tcase_add_test(process, rejects_fractional_uid);
	tcase_add_test(process, rejects_uid_with_exponent);
	tcase_add_test(process, rejects_uid_written_as_a_string);
	tcase_add_test(process, rejects_huge_integer_literals);
	tcase_add_test(process, rejects_additional_gid_of_wrong_type);
	tcase_add_test(process, rejects_the_unchanged_id_which_would_leave_root);
	tcase_add_test(process, rejects_umask_above_0777);
	tcase_add_test(process, accepts_umask_0777);
	tcase_add_test(process, rejects_oom_score_adj_out_of_range);
	tcase_add_test(process, rejects_oom_score_adj_beyond_int32);
	tcase_add_test(process, rejects_console_size_above_65535);
	tcase_add_test(process, rejects_console_size_without_width);
	tcase_add_test(process, rejects_unknown_io_priority_class);
	tcase_add_test(process, rejects_io_priority_out_of_range);
	tcase_add_test(process, rejects_unknown_scheduler_policy);
	tcase_add_test(process, rejects_scheduler_nice_out_of_range);
	tcase_add_test(process, rejects_unknown_scheduler_flag);
	suite_add_tcase(s, process);

	tcase_add_test(lx, rejects_uid_mapping_size_of_wrong_type);
	tcase_add_test(lx, parses_id_mappings);
	tcase_add_test(lx, rejects_overlapping_container_ids);
	tcase_add_test(lx, rejects_overlapping_host_ids);
	tcase_add_test(lx, rejects_id_mapping_past_uint32);
	tcase_add_test(lx, rejects_id_mapping_that_reaches_uid_minus_1);
	tcase_add_test(lx, rejects_id_mapping_size_above_uint32);
	tcase_add_test(lx, rejects_zero_size_id_mapping);
	tcase_add_test(lx, rejects_id_mapping_without_host_id);
	tcase_add_test(lx, rejects_more_id_mappings_than_the_kernel_takes);
	tcase_add_test(lx, parses_namespaces);
	tcase_add_test(lx, rejects_duplicate_namespace);
	tcase_add_test(lx, rejects_unknown_namespace_type);
	tcase_add_test(lx, rejects_namespace_without_type);
	tcase_add_test(lx, rejects_relative_namespace_path);
	tcase_add_test(lx, parses_devices);
	tcase_add_test(lx, rejects_unknown_device_type);
	tcase_add_test(lx, rejects_relative_device_path);
	tcase_add_test(lx, rejects_device_without_numbers);
	tcase_add_test(lx, rejects_device_number_out_of_range);
	tcase_add_test(lx, rejects_device_file_mode_that_is_no_mode);
	tcase_add_test(lx, accepts_file_type_bits_that_match_the_device_type);
	tcase_add_test(lx, rejects_file_type_bits_that_contradict_the_device_type);
	tcase_add_test(lx, rejects_device_without_type);
	tcase_add_test(lx, rejects_relative_masked_path);
	tcase_add_test(lx, tells_an_empty_path_list_from_an_absent_one);
	tcase_add_test(lx, rejects_unknown_rootfs_propagation);
	tcase_add_test(lx, rejects_sysctl_names_that_are_paths);
	tcase_add_test(lx, rejects_sysctl_value_of_wrong_type);
	tcase_add_test(lx, parses_personality_time_offsets_net_devices_and_intel_rdt);
	tcase_add_test(lx, rejects_unknown_personality_domain);
	tcase_add_test(lx, rejects_time_offset_nanoseconds_of_a_second_or_more);
	tcase_add_test(lx, rejects_unknown_time_offset_clock);
	tcase_add_test(lx, rejects_invalid_net_device_name);
	tcase_add_test(lx, rejects_intel_rdt_clos_id_of_wrong_type);
	tcase_add_test(lx, rejects_linux_of_wrong_type);
	suite_add_tcase(s, lx);

	tcase_add_test(seccomp, parses_seccomp);
	tcase_add_test(seccomp, rejects_seccomp_without_default_action);
	tcase_add_test(seccomp, rejects_unknown_seccomp_default_action);
	tcase_add_test(seccomp, rejects_unknown_seccomp_rule_action);
	tcase_add_test(seccomp, rejects_unknown_seccomp_operator);
	tcase_add_test(seccomp, rejects_seccomp_argument_index_above_5);
	tcase_add_test(seccomp, rejects_seccomp_argument_value_above_uint64);
	tcase_add_test(seccomp, rejects_seccomp_argument_without_op);
	tcase_add_test(seccomp, rejects_seccomp_rule_without_names);
	tcase_add_test(seccomp, rejects_negative_seccomp_errno);
	tcase_add_test(seccomp, rejects_unknown_seccomp_architecture);
	tcase_add_test(seccomp, rejects_unknown_seccomp_flag);
	tcase_add_test(seccomp, rejects_relative_seccomp_listener_path);
	suite_add_tcase(s, seccomp);

	tcase_add_test(res, parses_resources);
	tcase_add_test(res, rejects_memory_limit_above_int64);
	tcase_add_test(res, rejects_cpu_quota_below_int64);
	tcase_add_test(res, rejects_negative_memory_limit_other_than_minus_one);
	tcase_add_test(res, rejects_swappiness_above_100);
	tcase_add_test(res, rejects_cpu_shares_that_are_negative);
	tcase_add_test(res, rejects_cpu_idle_other_than_0_or_1);
	tcase_add_test(res, rejects_unknown_device_rule_type);
	tcase_add_test(res, rejects_device_rule_access_outside_rwm);
	tcase_add_test(res, rejects_device_rule_without_allow);
	tcase_add_test(res, rejects_device_rule_number_below_minus_one);
	tcase_add_test(res, rejects_device_rule_number_the_kernel_cannot_have);
	tcase_add_test(res, parses_device_rule_wildcards_and_the_largest_numbers);
	tcase_add_test(res, rejects_invalid_hugepage_size);
	tcase_add_test(res, rejects_unified_keys_that_are_not_controller_files);
	tcase_add_test(res, rejects_invalid_rdma_device_name);
	tcase_add_test(res, rejects_blkio_weight_above_uint16);
	tcase_add_test(res, rejects_throttle_device_without_rate);
	tcase_add_test(res, rejects_pids_limit_of_wrong_type);
	tcase_add_test(res, rejects_network_priority_without_name);
	suite_add_tcase(s, res);

	tcase_add_test(exec, parses_process_json_for_exec);
	tcase_add_test(exec, process_json_rejects_missing_cwd);
	tcase_add_test(exec, process_json_rejects_missing_args);
	tcase_add_test(exec, process_json_rejects_malformed_json);
	tcase_add_test(exec, process_json_rejects_a_non_object);
	tcase_add_test(exec, process_json_rejects_unknown_capability);
	tcase_add_test(exec, process_json_rejects_nul_byte_in_args);
	tcase_add_test(exec, process_json_rejects_env_without_equals);
	tcase_add_test(exec, process_json_rejects_uid_of_wrong_type);
	tcase_add_test(exec, parses_resources_json_for_update);
	tcase_add_test(exec, parses_an_empty_resources_json);
	tcase_add_test(exec, resources_json_rejects_wrong_type);
	tcase_add_test(exec, resources_json_rejects_malformed_json);
	tcase_add_test(exec, resources_json_rejects_a_non_object);
	tcase_add_test(exec, resources_json_frees_what_it_read_before_an_error);
	tcase_add_test(exec, resources_json_rejects_memory_above_int64);
	suite_add_tcase(s, exec);

	TCase *table = tcase_create("field tables");
	tcase_add_test(table, ignores_unknown_members_in_nested_objects);
	tcase_add_test(table, refuses_wrong_types_in_table_rows);
	tcase_add_test(table, refuses_seccomp_conditions_that_are_not_objects);
	tcase_add_test(table, names_missing_required_members_in_nested_objects);
	tcase_add_test(table, reports_member_types_before_member_contents);
	suite_add_tcase(s, table);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(spec_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
