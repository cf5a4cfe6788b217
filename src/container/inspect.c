/* `inspect`: what the kernel says of a container's init, read through an fd of /proc/<pid>
 * opened while the init was proved to be the container's (the state's pid and start time, as
 * every verb checks them), so that nothing is read from a process that took its pid. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "ward/cgroup.h"
#include "ward/cleanup.h"
#include "ward/inspect.h"
#include "ward/log.h"
#include "ward/util.h"
#include "internal.h"

/* The process behind pidfd has exited (its pidfd is readable then). */
static bool exited(int pidfd)
{
	struct pollfd p = {.fd = pidfd, .events = POLLIN};
	return poll(&p, 1, 0) > 0;
}

static int reader_seccomp_filters(void)
{
	cleanup_close int self = open("/proc/self", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct procview_status st;
	struct ward_error ignored = {0};

	if (self < 0 || procview_read_status(self, &st, &ignored) < 0)
		return -1;
	return st.seccomp_filters;
}

static int read_process(int procfd, struct container_inspection *in, struct ward_error *err)
{
	if (procview_read_status(procfd, &in->proc, err) < 0 ||
	    procview_read_namespaces(procfd, in->ns, err) < 0 ||
	    procview_read_idmap(procfd, "uid_map", &in->uid_map, &in->n_uid_map, err) < 0 ||
	    procview_read_idmap(procfd, "gid_map", &in->gid_map, &in->n_gid_map, err) < 0 ||
	    procview_read_lsm(procfd, "attr/current", &in->lsm_current, err) < 0 ||
	    procview_read_lsm(procfd, "attr/apparmor/current", &in->apparmor_current, err) < 0)
		return -1;
	in->reader_seccomp_filters = reader_seccomp_filters();
	return 0;
}

static struct inspect_path *classify(int rootfd, const struct procview_mount *m, size_t n,
				     char *const *paths, size_t *count)
{
	size_t len = strv_length(paths);
	struct inspect_path *out = calloc(len ? len : 1, sizeof *out);

	*count = 0;
	if (!out)
		return NULL;
	for (size_t i = 0; i < len; i++)
		out[i] = (struct inspect_path){paths[i],
					       procview_path_state(rootfd, m, n, paths[i])};
	*count = len;
	return out;
}

/* The config's masked and read-only paths, as the container's mounts show them. */
static int read_paths(int procfd, struct container_inspection *in, struct ward_error *err)
{
	struct procview_mount *mounts = NULL;
	size_t n = 0;
	cleanup_close int rootfd = openat(procfd, "root", O_PATH | O_DIRECTORY | O_CLOEXEC);
	int rc = -1;

	if (rootfd < 0)
		return ward_fail(err, errno, "open /proc/<pid>/root");
	if (procview_read_mounts(procfd, &mounts, &n, err) < 0)
		return -1;
	const struct procview_mount *top = procview_mount_holding(mounts, n, "/");
	in->root_readonly = top && procview_mount_readonly(top);
	char *const *masked = in->config ? in->config->linux_.masked_paths : NULL;
	char *const *readonly = in->config ? in->config->linux_.readonly_paths : NULL;
	in->masked = classify(rootfd, mounts, n, masked, &in->n_masked);
	in->readonly = classify(rootfd, mounts, n, readonly, &in->n_readonly);
	if (!in->masked || !in->readonly)
		ward_fail(err, ENOMEM, "inspect");
	else
		rc = 0;
	procview_mounts_free(mounts, n);
	return rc;
}

/* Linux 6.18 moved program tags from SHA-1 to SHA-256. */
static bool tags_with_sha256(void)
{
	struct utsname u;
	int major = 0, minor = 0;

	return uname(&u) == 0 && sscanf(u.release, "%d.%d", &major, &minor) == 2 &&
	       (major > 6 || (major == 6 && minor >= 18));
}

/* The device program ward compiles from the config, to compare with the attached one. */
static void compile_device_program(struct container_inspection *in)
{
	cleanup_free struct bpf_insn *insns = NULL;
	struct ward_error ignored = {0};
	size_t n = 0;

	if (!in->config || cgroup_devices_program(&in->config->linux_, &insns, &n, &ignored) < 0)
		return;
	in->n_device_insns = n;
	procview_bpf_tag(insns, n, !tags_with_sha256(), in->device_tag);
	procview_bpf_tag(insns, n, tags_with_sha256(), in->device_tag_other);
}

/* Limits and device programs of the container's cgroup: the one ward made and recorded,
 * which verify_init() proved holds the init. */
static int read_cgroup(int procfd, struct container_inspection *in, struct ward_error *err)
{
	const char *cgroot;
	cleanup_close int cgfd = -1;

	if (procview_read_cgroup(procfd, &in->cgroup_path, err) < 0)
		return -1;
	in->devices.query_errno = ENOENT;
	if (!in->state.cgroup_path)
		return 0;
	if (cgroup_find_root(&cgroot, err) < 0 ||
	    (cgfd = cgroup_open(cgroot, in->state.cgroup_path, err)) < 0 ||
	    procview_cgroup_limits(cgfd, &in->limits, &in->n_limits, err) < 0)
		return -1;
	procview_device_programs(cgfd, &in->devices);
	compile_device_program(in);
	return 0;
}

/* Forgets what was read of a process that turned out to be gone. */
static void forget_kernel_view(struct container_inspection *in)
{
	struct ward_state st = in->state;
	struct ward_spec *config = in->config;

	memset(&in->state, 0, sizeof in->state);
	in->config = NULL;
	container_inspection_clear(in);
	in->state = st;
	in->config = config;
	in->status = STATUS_STOPPED;
	in->state.pid = 0;
}

int container_inspect(const char *root, const char *id, struct container_inspection *out,
		      struct ward_error *err)
{
	cleanup_container struct opened_container c;
	cleanup_close int procfd = -1;
	struct ward_error cfg_err = {0};
	char path[64];

	memset(out, 0, sizeof *out);
	if (open_container(root, id, &c, err) < 0)
		return -1;
	out->status = opened_status(&c);
	out->state = c.st;
	memset(&c.st, 0, sizeof c.st); /* moved to out */
	out->config = state_read_config(c.dirfd, &out->state, &cfg_err);
	if (!out->config)
		log_warn("container %s: %s (masked paths, read-only paths and device rules are not "
			 "compared)",
			 id, cfg_err.msg);
	if (out->status == STATUS_STOPPED) {
		out->state.pid = 0;
		return 0;
	}
	snprintf(path, sizeof path, "/proc/%d", out->state.pid);
	procfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	/* Opened while the proved init is alive: procfd is that process, and reads through it
	 * fail (ESRCH) rather than reach a process that takes its pid later. */
	if (procfd < 0 || exited(c.pidfd)) {
		forget_kernel_view(out);
		return 0;
	}
	out->live = true;
	if (read_process(procfd, out, err) < 0 || read_paths(procfd, out, err) < 0 ||
	    read_cgroup(procfd, out, err) < 0) {
		if (!exited(c.pidfd)) {
			container_inspection_clear(out);
			return -1;
		}
		ward_error_clear(err);
		forget_kernel_view(out);
	}
	return 0;
}

void container_inspection_clear(struct container_inspection *in)
{
	state_clear(&in->state);
	spec_free(in->config);
	free(in->uid_map);
	free(in->gid_map);
	free(in->lsm_current);
	free(in->apparmor_current);
	free(in->masked);
	free(in->readonly);
	free(in->cgroup_path);
	procview_kv_free(in->limits, in->n_limits);
	memset(in, 0, sizeof *in);
}
