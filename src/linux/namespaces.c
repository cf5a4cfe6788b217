/* Namespaces: clone flags, joining by path, user namespace id maps. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <linux/magic.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "ward/cleanup.h"
#include "ward/hostpath.h"
#include "ward/namespaces.h"
#include "ward/spawn.h"
#include "ward/syscalls.h"
#include "ward/util.h"

int ns_clone_flag(enum ward_ns_kind kind)
{
	switch (kind) {
	case WARD_NS_PID:
		return CLONE_NEWPID;
	case WARD_NS_NETWORK:
		return CLONE_NEWNET;
	case WARD_NS_MOUNT:
		return CLONE_NEWNS;
	case WARD_NS_IPC:
		return CLONE_NEWIPC;
	case WARD_NS_UTS:
		return CLONE_NEWUTS;
	case WARD_NS_USER:
		return CLONE_NEWUSER;
	case WARD_NS_CGROUP:
		return CLONE_NEWCGROUP;
	case WARD_NS_TIME:
		return CLONE_NEWTIME;
	case WARD_NS_KINDS:
		break;
	}
	return 0;
}

int ns_new_flags(const struct ward_linux *lx)
{
	int flags = 0;
	for (int k = 0; k < WARD_NS_KINDS; k++)
		if (lx->namespaces[k].present && !lx->namespaces[k].path && k != WARD_NS_USER)
			flags |= ns_clone_flag(k);
	return flags;
}

/* The user namespace is joined first: the others may be owned by it. */
static const enum ward_ns_kind join_order[] = {
	WARD_NS_USER, WARD_NS_MOUNT, WARD_NS_NETWORK, WARD_NS_IPC,
	WARD_NS_UTS,  WARD_NS_PID,   WARD_NS_CGROUP,  WARD_NS_TIME,
};

int ns_join(const struct ward_linux *lx, const struct host_object ns[WARD_NS_KINDS],
	    struct ward_error *err)
{
	/* The files were opened (and judged) in ward before the clone: joining the mount
	 * namespace first cannot change what the others name. */
	for (size_t i = 0; i < ARRAY_SIZE(join_order); i++) {
		enum ward_ns_kind k = join_order[i];
		if (!lx->namespaces[k].present || !lx->namespaces[k].path)
			continue;
		if (ns[k].fd < 0)
			return ward_fail(err, ns[k].error,
					 "linux.namespaces: open the %s namespace %s",
					 spec_ns_name(k), lx->namespaces[k].path);
		if (setns(ns[k].fd, ns_clone_flag(k)) < 0)
			return ward_fail(err, errno, "linux.namespaces: join the %s namespace %s",
					 spec_ns_name(k), lx->namespaces[k].path);
	}
	return 0;
}

int ns_write_id_map(pid_t pid, const char *file, const struct ward_id_mapping *m, size_t n,
		    const char *field, struct ward_error *err)
{
	char path[64], buf[ID_MAP_MAX_LINES * ID_MAP_LINE_MAX + 1];
	size_t used = 0;
	cleanup_close int fd = -1;

	for (size_t i = 0; i < n && i < ID_MAP_MAX_LINES; i++)
		used += (size_t)snprintf(buf + used, sizeof buf - used, "%u %u %u\n",
					 m[i].container_id, m[i].host_id, m[i].size);
	snprintf(path, sizeof path, "/proc/%d/%s", pid, file);
	fd = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return ward_fail(err, errno, "open %s", path);
	struct statfs sfs;
	if (fstatfs(fd, &sfs) < 0 || sfs.f_type != PROC_SUPER_MAGIC)
		return ward_fail(err, 0, "%s is not on procfs", path);
	if (write(fd, buf, used) != (ssize_t)used)
		return ward_fail(err, errno, "%s: write the user namespace map", field);
	return 0;
}

/* An unprivileged caller may map only its own id, once; anything else goes through the setuid
 * helpers from Debian's uidmap package, which check /etc/subuid and /etc/subgid. */
static bool own_id_only(const struct ward_id_mapping *m, size_t n, uint32_t id)
{
	return n == 1 && m[0].host_id == id && m[0].size == 1;
}

static int run_idmap_helper(const char *helper, pid_t pid, const struct ward_id_mapping *m,
			    size_t n, const char *field, struct ward_error *err)
{
	/* newuidmap PID (ID HOST-ID SIZE)..., each number at most 10 digits */
	char *argv[2 + ID_MAP_MAX_LINES * 3 + 1];
	char nums[ID_MAP_MAX_LINES * 3][12], pidbuf[16], name[32];
	size_t a = 0;
	int status;

	if (n > ID_MAP_MAX_LINES)
		return ward_fail(err, E2BIG, "%s: more than %d mappings", field, ID_MAP_MAX_LINES);
	snprintf(pidbuf, sizeof pidbuf, "%d", pid);
	snprintf(name, sizeof name, "%s", helper); /* execvp's argv is not const */
	argv[a++] = name;
	argv[a++] = pidbuf;
	for (size_t i = 0; i < n; i++) {
		snprintf(nums[3 * i], 12, "%u", m[i].container_id);
		snprintf(nums[3 * i + 1], 12, "%u", m[i].host_id);
		snprintf(nums[3 * i + 2], 12, "%u", m[i].size);
		argv[a++] = nums[3 * i];
		argv[a++] = nums[3 * i + 1];
		argv[a++] = nums[3 * i + 2];
	}
	argv[a] = NULL;
	pid_t child = fork();
	if (child < 0)
		return ward_fail(err, errno, "%s: run %s", field, helper);
	if (child == 0) {
		execvp(helper, argv);
		_exit(EXIT_CANNOT_EXEC);
	}
	while (waitpid(child, &status, 0) < 0)
		if (errno != EINTR)
			return ward_fail(err, errno, "%s: wait for %s", field, helper);
	if (WIFEXITED(status) && WEXITSTATUS(status) == EXIT_CANNOT_EXEC)
		return ward_fail(err, 0, "%s: %s is not installed (apt-get install uidmap)", field,
				 helper);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return ward_fail(err, 0,
				 "%s: %s refused the mapping (are those ranges allocated "
				 "to you in /etc/subuid and /etc/subgid?)",
				 field, helper);
	return 0;
}

static int write_setgroups_deny(pid_t pid, struct ward_error *err)
{
	char path[64];
	cleanup_close int fd = -1;
	snprintf(path, sizeof path, "/proc/%d/setgroups", pid);
	fd = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
	struct statfs sfs;
	if (fd >= 0 && (fstatfs(fd, &sfs) < 0 || sfs.f_type != PROC_SUPER_MAGIC))
		return ward_fail(err, 0, "%s is not on procfs", path);
	if (fd < 0 || write(fd, "deny", 4) != 4)
		return ward_fail(err, errno, "write %s", path);
	return 0;
}

int ns_write_id_maps(pid_t pid, const struct ward_linux *lx, struct ward_error *err)
{
	/* The euid, not ward_is_rootless(): root of any user namespace (rootless podman's too)
	 * may write a child's maps with ids mapped in its own; anyone else needs the helpers. */
	if (geteuid() != 0) {
		if (lx->n_uid_mappings == 0 || lx->n_gid_mappings == 0)
			return ward_fail(err, 0,
					 "linux.uidMappings and linux.gidMappings are "
					 "required with a new user namespace");
		if (own_id_only(lx->uid_mappings, lx->n_uid_mappings, geteuid()) &&
		    own_id_only(lx->gid_mappings, lx->n_gid_mappings, getegid())) {
			/* The kernel lets an unprivileged process write its own single mapping
			 * once setgroups is denied. */
			if (write_setgroups_deny(pid, err) < 0 ||
			    ns_write_id_map(pid, "gid_map", lx->gid_mappings, 1,
					    "linux.gidMappings", err) < 0 ||
			    ns_write_id_map(pid, "uid_map", lx->uid_mappings, 1,
					    "linux.uidMappings", err) < 0)
				return -1;
			return 0;
		}
		if (run_idmap_helper("newuidmap", pid, lx->uid_mappings, lx->n_uid_mappings,
				     "linux.uidMappings", err) < 0 ||
		    run_idmap_helper("newgidmap", pid, lx->gid_mappings, lx->n_gid_mappings,
				     "linux.gidMappings", err) < 0)
			return -1;
		return 0;
	}
	if (lx->n_uid_mappings == 0 || lx->n_gid_mappings == 0)
		return ward_fail(err, 0,
				 "linux.uidMappings and linux.gidMappings are required with "
				 "a new user namespace");
	if (ns_write_id_map(pid, "uid_map", lx->uid_mappings, lx->n_uid_mappings,
			    "linux.uidMappings", err) < 0 ||
	    ns_write_id_map(pid, "gid_map", lx->gid_mappings, lx->n_gid_mappings,
			    "linux.gidMappings", err) < 0)
		return -1;
	return 0;
}

int ns_write_time_offsets(const struct ward_linux *lx, struct ward_error *err)
{
	char buf[128];
	size_t used = 0;
	cleanup_close int fd = -1;

	if (lx->time_monotonic.present)
		used += (size_t)snprintf(buf + used, sizeof buf - used, "monotonic %lld %u\n",
					 (long long)lx->time_monotonic.secs,
					 lx->time_monotonic.nanosecs);
	if (lx->time_boottime.present)
		used += (size_t)snprintf(buf + used, sizeof buf - used, "boottime %lld %u\n",
					 (long long)lx->time_boottime.secs,
					 lx->time_boottime.nanosecs);
	if (!used)
		return 0;
	fd = open("/proc/self/timens_offsets", O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write_all(fd, buf, used) < 0)
		return ward_fail(err, errno, "linux.timeOffsets: write the time namespace offsets");
	return 0;
}
