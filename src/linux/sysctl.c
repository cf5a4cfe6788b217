/* linux.sysctl: written through the container's own procfs, verified to be one, with a
 * resolution that cannot follow symlinks or leave /proc/sys. */
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <string.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "ward/cleanup.h"
#include "ward/rootfs.h"
#include "ward/syscalls.h"
#include "ward/util.h"

static bool on_procfs(int fd)
{
	struct statfs sfs;
	return fstatfs(fd, &sfs) == 0 && sfs.f_type == PROC_SUPER_MAGIC;
}

int rootfs_apply_sysctl(const struct ward_linux *lx, struct ward_error *err)
{
	cleanup_close int sys = -1;

	if (!lx->n_sysctl)
		return 0;
	sys = open("/proc/sys", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (sys < 0 || !on_procfs(sys))
		return ward_fail(err, sys < 0 ? errno : 0,
				 "linux.sysctl: /proc/sys is not a procfs in the container (mount "
				 "proc on /proc)");
	for (size_t i = 0; i < lx->n_sysctl; i++) {
		char rel[512];
		const char *key = lx->sysctl[i].key, *value = lx->sysctl[i].value;
		cleanup_close int fd = -1;

		if (snprintf(rel, sizeof rel, "%s", key) >= (int)sizeof rel)
			return ward_fail(err, ENAMETOOLONG, "linux.sysctl.%s", key);
		for (char *p = rel; *p; p++)
			if (*p == '.')
				*p = '/';
		fd = sys_openat2(sys, rel, O_WRONLY | O_CLOEXEC,
				 RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_XDEV |
					 RESOLVE_NO_MAGICLINKS);
		if (fd < 0) {
			ward_fail(err, errno, "linux.sysctl.%s", key);
			if (errno == ENOENT)
				ward_error_hint(err,
						"not a sysctl of this kernel, or not namespaced");
			return -1;
		}
		if (!on_procfs(fd))
			return ward_fail(err, 0, "linux.sysctl.%s: not a procfs file", key);
		if (write_all(fd, value, strlen(value)) < 0)
			return ward_fail(err, errno, "linux.sysctl.%s: write \"%s\"", key, value);
	}
	return 0;
}
