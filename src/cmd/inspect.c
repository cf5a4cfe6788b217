/* ward inspect: the isolation in force for a container, read from the kernel; a readable table
 * by default, a stable JSON document with --format json (src/cli/inspect_json.c). */
#include <stdio.h>
#include <string.h>

#include "ward/inspect_output.h"
#include "ward/cleanup.h"
#include "ward/util.h"

static const char usage[] =
	"Usage: ward [global options] inspect [options] <container-id>\n"
	"\n"
	"Prints the isolation in force for the container, read from the kernel\n"
	"(/proc/<pid>/ of its init and its cgroup), not from config.json: namespaces\n"
	"(and which are ward's own, the host's when ward runs on the host), uid/gid\n"
	"maps, the capability sets, no_new_privs, seccomp (and the programs ward\n"
	"loaded), LSM labels, masked and read-only paths, cgroup limits, device\n"
	"programs, and the policy checks the admin lifted for it. See ward-inspect(8).\n"
	"\n"
	"Options:\n"
	"  -f, --format table|json   output format (default table); the JSON document\n"
	"                            is stable (format 1) for scripts and CI\n"
	"  -h, --help                show this help\n";

const char *inspect_cap_set_name(enum procview_cap_set set)
{
	static const char *const names[PV_CAP_SETS] = {"inheritable", "permitted", "effective",
						       "bounding", "ambient"};
	return names[set];
}

const char *inspect_seccomp_mode_name(int mode)
{
	switch (mode) {
	case 0:
		return "disabled";
	case 1:
		return "strict";
	case 2:
		return "filter";
	}
	return NULL;
}

bool inspect_path_in_force(enum procview_path_state s, bool masked)
{
	if (s == PV_PATH_OPEN)
		return false;
	return !masked || s != PV_PATH_READONLY;
}

const char *inspect_device_access(unsigned access, char buf[4])
{
	size_t n = 0;
	if (access & WARD_DEVICE_READ)
		buf[n++] = 'r';
	if (access & WARD_DEVICE_WRITE)
		buf[n++] = 'w';
	if (access & WARD_DEVICE_MKNOD)
		buf[n++] = 'm';
	buf[n] = '\0';
	return buf;
}

int inspect_devices_match(const struct container_inspection *in)
{
	const struct procview_devices *d = &in->devices;

	if (!in->live || d->query_errno || !in->n_device_insns)
		return -1;
	for (uint32_t i = 0; i < d->n_attached && i < PROCVIEW_MAX_PROGS; i++) {
		if (!d->tags[i][0])
			return -1;
		if (strcmp(d->tags[i], in->device_tag) == 0 ||
		    strcmp(d->tags[i], in->device_tag_other) == 0)
			return 1;
	}
	return 0;
}

static void print_namespaces(const struct container_inspection *in)
{
	printf("\n%-10s %-12s %s\n", "NAMESPACE", "INODE", "HOST (ward's own)");
	for (int i = 0; i < PV_NS_COUNT; i++) {
		if (!in->ns[i].present)
			continue;
		printf("%-10s %-12llu %s\n", procview_ns_name(i), (unsigned long long)in->ns[i].ino,
		       in->ns[i].shared_with_reader ? "yes" : "no");
	}
	for (int m = 0; m < 2; m++) {
		const struct procview_idmap *map = m ? in->gid_map : in->uid_map;
		size_t n = m ? in->n_gid_map : in->n_uid_map;
		printf("%-10s", m ? "gid_map" : "uid_map");
		for (size_t i = 0; i < n; i++)
			printf(" %llu->%llu(%llu)", (unsigned long long)map[i].inside,
			       (unsigned long long)map[i].outside,
			       (unsigned long long)map[i].count);
		printf("%s\n", n ? "" : " (none)");
	}
}

static void print_capabilities(const struct container_inspection *in)
{
	printf("\nCAPABILITIES\n");
	for (int i = 0; i < PV_CAP_SETS; i++) {
		cleanup_strv char **names = procview_cap_names(in->proc.caps[i]);
		printf("  %-12s", inspect_cap_set_name(i));
		for (size_t k = 0; names && names[k]; k++)
			printf(" %s", names[k]);
		printf("%s\n", names && names[0] ? "" : " (none)");
	}
}

static void print_confinement(const struct container_inspection *in)
{
	const struct ward_confinement *c = &in->state.confinement;
	const char *mode = inspect_seccomp_mode_name(in->proc.seccomp);

	printf("\n%-16s %s\n", "no_new_privs",
	       in->proc.no_new_privs < 0 ? "unknown"
	       : in->proc.no_new_privs	 ? "yes"
					 : "no");
	printf("%-16s %s, %d filter(s), %d inherited from ward's own process\n", "seccomp",
	       mode ? mode : "unknown", in->proc.seccomp_filters, in->reader_seccomp_filters);
	if (c->recorded) {
		printf("%-16s %u filter(s): profile %s %s\n", "  ward loaded", c->seccomp_filters,
		       c->seccomp_profile ? c->seccomp_profile : "(none)",
		       c->seccomp_digest ? c->seccomp_digest : "");
		printf("%-16s %s\n", "  never filter",
		       c->never_digest ? c->never_digest : "(none)");
	}
	printf("%-16s %s\n", "LSM label", in->lsm_current ? in->lsm_current : "(none)");
	printf("%-16s %s\n", "AppArmor", in->apparmor_current ? in->apparmor_current : "(none)");
	printf("%-16s %s\n", "root", in->root_readonly ? "read-only" : "writable");
}

static void print_paths(const char *title, const struct inspect_path *p, size_t n, bool masked)
{
	printf("\n%s\n", title);
	for (size_t i = 0; i < n; i++)
		printf("  %-32s %-13s%s\n", p[i].path, procview_path_state_name(p[i].state),
		       inspect_path_in_force(p[i].state, masked) ? "" : "  NOT IN FORCE");
	if (!n)
		printf("  (none configured)\n");
}

static void print_cgroup(const struct container_inspection *in)
{
	const struct procview_devices *d = &in->devices;
	int match = inspect_devices_match(in);

	printf("\n%-16s %s\n", "cgroup", in->cgroup_path ? in->cgroup_path : "(none)");
	for (size_t i = 0; i < in->n_limits; i++)
		printf("  %-20s %s\n", in->limits[i].key, in->limits[i].value);
	if (!in->state.cgroup_path)
		printf("%-16s no cgroup of its own\n", "devices");
	else if (d->query_errno)
		printf("%-16s cannot be read (%s)\n", "devices", strerror(d->query_errno));
	else
		printf("%-16s %u program(s) attached, %u in force; matches the config: %s\n",
		       "devices", d->n_attached, d->n_effective,
		       match < 0 ? "unknown"
		       : match	 ? "yes"
				 : "NO");
}

static void print_lifted(const struct ward_confinement *c)
{
	printf("\nLIFTED CHECKS\n");
	if (!c->recorded)
		printf("  (not recorded: the container was made by an older ward)\n");
	else if (!c->n_lifted)
		printf("  (none)\n");
	for (size_t i = 0; i < c->n_lifted; i++)
		printf("  %-32s %-24s by %s\n", c->lifted[i].check, c->lifted[i].path,
		       c->lifted[i].source);
}

static void print_table(const struct container_inspection *in)
{
	printf("%-16s %s\n%-16s %s\n", "ID", in->state.id, "STATUS", state_status_name(in->status));
	if (!in->live) {
		printf("no process: nothing is in force to inspect\n");
		return;
	}
	printf("%-16s %d\n", "PID", in->state.pid);
	print_namespaces(in);
	print_capabilities(in);
	print_confinement(in);
	print_paths("MASKED PATHS", in->masked, in->n_masked, true);
	print_paths("READ-ONLY PATHS", in->readonly, in->n_readonly, false);
	print_cgroup(in);
	print_lifted(&in->state.confinement);
}

int cmd_inspect(const struct global_opts *g, int argc, char **argv)
{
	struct ward_error err = {0};
	struct container_inspection in;
	const char *format, *id;
	int status;

	if (!cli_format_options("inspect", usage, argc, argv, &format, &status))
		return status;
	id = cli_one_id("inspect", argc, argv);
	if (!id)
		return 1;
	if (container_inspect(g->root, id, &in, &err) < 0)
		return cli_fail(&err);
	if (strcmp(format, "json") == 0)
		inspect_print_json(&in);
	else
		print_table(&in);
	container_inspection_clear(&in);
	return 0;
}
