/* ward features: the OCI features document, reflecting what this build really does. */
#include <getopt.h>
#include <libmount/libmount.h>
#include <seccomp.h>
#include <stdio.h>
#include <string.h>

#include "commit.h"
#include "ward/cleanup.h"
#include "ward/cli.h"
#include "ward/json_gen.h"
#include "ward/policy.h"
#include "ward/spec.h"

/* Whether this build can apply SELinux labels (configure found libselinux). */
#ifdef HAVE_SELINUX
#define SELINUX_BUILT true
#else
#define SELINUX_BUILT false
#endif

static const char usage[] = "Usage: ward features\n"
			    "\n"
			    "Prints the OCI runtime features document (JSON) of this build.\n";

static void gen_bool_obj(yajl_gen g, const char *key, bool v)
{
	json_gen_str(g, key);
	yajl_gen_map_open(g);
	json_gen_str(g, "enabled");
	yajl_gen_bool(g, v);
	yajl_gen_map_close(g);
}

static void gen_mount_options(yajl_gen g)
{
	static const char *const recursive[] = {
		"rro",		"rrw",	     "rnosuid",	     "rsuid",
		"rnodev",	"rdev",	     "rnoexec",	     "rexec",
		"rnodiratime",	"rdiratime", "rrelatime",    "rnorelatime",
		"rnoatime",	"ratime",    "rstrictatime", "rnostrictatime",
		"rnosymfollow", "rsymfollow"};
	const struct libmnt_optmap *m = mnt_get_builtin_optmap(MNT_LINUX_MAP);

	json_gen_str(g, "mountOptions");
	yajl_gen_array_open(g);
	for (; m && m->name; m++)
		if (strcmp(m->name, "remount") != 0)
			json_gen_str(g, m->name);
	for (size_t i = 0; i < ARRAY_SIZE(recursive); i++)
		json_gen_str(g, recursive[i]);
	json_gen_str(g, "tmpcopyup"); /* ward's own: the image directory copied into the tmpfs */
	yajl_gen_array_close(g);
}

static void gen_list(yajl_gen g, const char *key, const char *const *v)
{
	json_gen_str(g, key);
	yajl_gen_array_open(g);
	for (; *v; v++)
		json_gen_str(g, *v);
	yajl_gen_array_close(g);
}

static void gen_seccomp(yajl_gen g)
{
	json_gen_str(g, "seccomp");
	yajl_gen_map_open(g);
	json_gen_str(g, "enabled");
	yajl_gen_bool(g, 1);
	gen_list(g, "actions",
		 (const char *const[]){"SCMP_ACT_ALLOW", "SCMP_ACT_ERRNO", "SCMP_ACT_KILL",
				       "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD",
				       "SCMP_ACT_LOG", "SCMP_ACT_NOTIFY", "SCMP_ACT_TRACE",
				       "SCMP_ACT_TRAP", NULL});
	gen_list(g, "operators",
		 (const char *const[]){"SCMP_CMP_EQ", "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_LE",
				       "SCMP_CMP_LT", "SCMP_CMP_MASKED_EQ", "SCMP_CMP_NE", NULL});
	gen_list(g, "archs",
		 (const char *const[]){"SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM", "SCMP_ARCH_X32",
				       "SCMP_ARCH_X86", "SCMP_ARCH_X86_64", NULL});
	gen_list(g, "knownFlags",
		 (const char *const[]){"SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG",
				       "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
				       "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", NULL});
	gen_list(g, "supportedFlags",
		 (const char *const[]){"SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG",
				       "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
				       "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", NULL});
	yajl_gen_map_close(g);
}

static void gen_cgroup(yajl_gen y)
{
	/* What is not implemented yet is reported as such: callers switch features off. */
	json_gen_str(y, "cgroup");
	yajl_gen_map_open(y);
	json_gen_str(y, "v1");
	yajl_gen_bool(y, 0);
	json_gen_str(y, "v2");
	yajl_gen_bool(y, 1);
	/* --systemd-cgroup: the system's manager for root, the user's for rootless */
	json_gen_str(y, "systemd");
	yajl_gen_bool(y, 1);
	json_gen_str(y, "systemdUser");
	yajl_gen_bool(y, 1);
	json_gen_str(y, "rdma");
	yajl_gen_bool(y, 1);
	yajl_gen_map_close(y);
}

static void gen_linux(yajl_gen y)
{
	static const char *const namespaces[] = {"cgroup", "ipc",  "mount", "network", "pid",
						 "time",   "user", "uts",   NULL};

	json_gen_str(y, "linux");
	yajl_gen_map_open(y);
	gen_list(y, "namespaces", namespaces);
	json_gen_str(y, "capabilities");
	yajl_gen_array_open(y);
	for (int c = 0; c < spec_cap_count(); c++)
		json_gen_str(y, spec_cap_name(c));
	yajl_gen_array_close(y);
	gen_cgroup(y);
	gen_seccomp(y);
	gen_bool_obj(y, "apparmor", true);
	gen_bool_obj(y, "selinux", SELINUX_BUILT);
	/* Refused by name when a config asks for it. */
	gen_bool_obj(y, "intelRdt", false);
	json_gen_str(y, "memoryPolicy");
	yajl_gen_map_open(y);
	gen_list(y, "modes", spec_memory_policy_modes);
	gen_list(y, "flags", spec_memory_policy_flags);
	yajl_gen_map_close(y);
	gen_bool_obj(y, "netDevices", true);
	json_gen_str(y, "mountExtensions");
	yajl_gen_map_open(y);
	gen_bool_obj(y, "idmap", true);
	yajl_gen_map_close(y);
	yajl_gen_map_close(y);
}

static void gen_annotations(yajl_gen y)
{
	const struct scmp_version *sv = seccomp_version();
	char seccomp_ver[32];

	snprintf(seccomp_ver, sizeof seccomp_ver, "%u.%u.%u", sv->major, sv->minor, sv->micro);
	json_gen_str(y, "annotations");
	yajl_gen_map_open(y);
	json_gen_str(y, "org.ward.version");
	json_gen_str(y, PACKAGE_VERSION);
	json_gen_str(y, "org.ward.commit");
	json_gen_str(y, WARD_COMMIT);
	json_gen_str(y, "io.github.seccomp.libseccomp.version");
	json_gen_str(y, seccomp_ver);
	yajl_gen_map_close(y);
	/* runtime-spec features.md: the annotations that change what the runtime does, for
	 * engines that filter what users may set. The policy's lifts checks by name. */
	json_gen_str(y, "potentiallyUnsafeConfigAnnotations");
	yajl_gen_array_open(y);
	json_gen_str(y, POLICY_ANNOTATION);
	yajl_gen_array_close(y);
}

int cmd_features(const struct global_opts *g, int argc, char **argv)
{
	static const char *const hooks[] = {"prestart",
					    "createRuntime",
					    "createContainer",
					    "startContainer",
					    "poststart",
					    "poststop",
					    NULL};
	static const struct option longopts[] = {{"help", no_argument, NULL, 'h'},
						 {NULL, 0, NULL, 0}};
	cleanup_json_gen yajl_gen y = NULL;
	int ch;

	(void)g;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
		if (ch == 'h') {
			fputs(usage, stdout);
			return 0;
		}
		return cli_usage_error("features", "unknown option");
	}

	y = yajl_gen_alloc(NULL);
	yajl_gen_config(y, yajl_gen_beautify, 1);
	yajl_gen_config(y, yajl_gen_indent_string, "    ");
	yajl_gen_map_open(y);
	json_gen_str(y, "ociVersionMin");
	json_gen_str(y, "1.0.0");
	json_gen_str(y, "ociVersionMax");
	json_gen_str(y, WARD_OCI_VERSION);
	gen_list(y, "hooks", hooks);
	gen_mount_options(y);
	gen_linux(y);
	gen_annotations(y);
	yajl_gen_map_close(y);
	cli_print_json(y, true);
	return 0;
}
