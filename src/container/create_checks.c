/* What create checks in a config before anything exists on the host: the request as runc's
 * callers make it, and what ward refuses to do for any config (the policy judges the rest). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "ward/cleanup.h"
#include "ward/lsm.h"
#include "internal.h"

/* Whether path names the namespace ward itself is in (the host's, for ward run by root). */
static bool is_own_namespace(const char *path, enum ward_ns_kind ns)
{
	static const char *const proc_names[WARD_NS_KINDS] = {
		[WARD_NS_PID] = "pid",	     [WARD_NS_NETWORK] = "net", [WARD_NS_MOUNT] = "mnt",
		[WARD_NS_IPC] = "ipc",	     [WARD_NS_UTS] = "uts",	[WARD_NS_USER] = "user",
		[WARD_NS_CGROUP] = "cgroup", [WARD_NS_TIME] = "time",
	};
	char own[64];
	struct stat a, b;
	snprintf(own, sizeof own, "/proc/self/ns/%s", proc_names[ns]);
	/* An unreadable path is refused later, when it is joined. */
	return stat(path, &a) == 0 && stat(own, &b) == 0 && a.st_ino == b.st_ino &&
	       a.st_dev == b.st_dev;
}

/* Only sysctls that belong to a namespace the container owns: anything else would change the
 * host. */
static int check_sysctls(const struct ward_linux *lx, struct ward_error *err)
{
	static const char *const ipc[] = {"kernel.msgmax", "kernel.msgmnb",	    "kernel.msgmni",
					  "kernel.sem",	   "kernel.shmall",	    "kernel.shmmax",
					  "kernel.shmmni", "kernel.shm_rmid_forced"};
	for (size_t i = 0; i < lx->n_sysctl; i++) {
		const char *key = lx->sysctl[i].key;
		enum ward_ns_kind ns = WARD_NS_KINDS;
		if (strncmp(key, "net.", 4) == 0)
			ns = WARD_NS_NETWORK;
		else if (strncmp(key, "fs.mqueue.", 10) == 0)
			ns = WARD_NS_IPC;
		else if (strcmp(key, "kernel.hostname") == 0 ||
			 strcmp(key, "kernel.domainname") == 0)
			ns = WARD_NS_UTS;
		for (size_t j = 0; j < ARRAY_SIZE(ipc); j++)
			if (strcmp(key, ipc[j]) == 0)
				ns = WARD_NS_IPC;
		if (ns == WARD_NS_KINDS)
			return ward_fail(err, 0,
					 "config.json: linux.sysctl.%s: not a namespaced sysctl, "
					 "so setting it would change the host (allowed: net.*, "
					 "kernel.shm*/msg*/sem, fs.mqueue.*, kernel.hostname, "
					 "kernel.domainname)",
					 key);
		if (lx->namespaces[ns].present && lx->namespaces[ns].path &&
		    is_own_namespace(lx->namespaces[ns].path, ns))
			return ward_fail(err, 0,
					 "config.json: linux.sysctl.%s: the %s namespace joined by "
					 "path is the host's own, so setting it would change the "
					 "host",
					 key, spec_ns_name(ns));
		if (!lx->namespaces[ns].present)
			return ward_fail(err, 0,
					 "config.json: linux.sysctl.%s: needs a private %s "
					 "namespace (add {\"type\": \"%s\"} to linux.namespaces)",
					 key, spec_ns_name(ns), spec_ns_name(ns));
	}
	return 0;
}

/* What runc's callers rely on before anything is created. */
int create_check_request(const struct create_options *o, const struct ward_spec *spec,
			 struct ward_error *err)
{
	if (!spec->process)
		return ward_fail(err, 0,
				 "config.json: process: missing; a container needs a "
				 "process to run");
	if (spec->process->terminal && !o->console_socket && !o->foreground)
		return ward_fail(err, 0,
				 "process.terminal is true: --console-socket is required "
				 "when the container is detached");
	if (!spec->process->terminal && o->console_socket)
		return ward_fail(err, 0,
				 "--console-socket needs process.terminal set to true in "
				 "config.json");
	if (lsm_check(spec->process->apparmor_profile, spec->process->selinux_label, err) < 0 ||
	    lsm_check_mount_label(spec->linux_.mount_label, err) < 0 ||
	    check_sysctls(&spec->linux_, err) < 0 || check_supported(spec, err) < 0)
		return -1;
	for (int fd = 3; fd < 3 + o->preserve_fds; fd++) {
		struct stat st;
		if (fstat(fd, &st) < 0)
			return ward_fail(err, errno, "--preserve-fds: fd %d", fd);
	}
	return 0;
}
