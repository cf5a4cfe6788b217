#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#ifdef HAVE_SELINUX
#include <selinux/selinux.h>
#endif
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "ward/cleanup.h"
#include "ward/lsm.h"
#include "ward/util.h"

static bool apparmor_enabled(void)
{
	char buf[4] = "";
	cleanup_close int fd =
		open("/sys/module/apparmor/parameters/enabled", O_RDONLY | O_CLOEXEC);
	return fd >= 0 && read(fd, buf, 1) == 1 && buf[0] == 'Y';
}

/* SELinux labels need SELinux on the host and libselinux in this ward. */
#ifdef HAVE_SELINUX
#define SELINUX_MISSING                                                                            \
	"SELinux is not enabled on this host, so the label \"%s\" cannot be applied (remove "      \
	"it, or run on a host with SELinux)"
static bool selinux_usable(void)
{
	return is_selinux_enabled() > 0;
}
#else
#define SELINUX_MISSING                                                                            \
	"this ward was built without SELinux support, so the label \"%s\" cannot be applied "      \
	"(remove it, or use a ward built with libselinux)"
static bool selinux_usable(void)
{
	return false;
}
#endif

int lsm_check(const char *apparmor_profile, const char *selinux_label, struct ward_error *err)
{
	if (apparmor_profile && *apparmor_profile && !apparmor_enabled())
		return ward_fail(err, 0,
				 "process.apparmorProfile: AppArmor is not enabled on this "
				 "host, so the profile \"%s\" cannot be applied (remove it, "
				 "or run on a host with AppArmor)",
				 apparmor_profile);
	if (selinux_label && *selinux_label && !selinux_usable())
		return ward_fail(err, 0, "process.selinuxLabel: " SELINUX_MISSING, selinux_label);
	return 0;
}

int lsm_check_mount_label(const char *mount_label, struct ward_error *err)
{
	if (mount_label && *mount_label && !selinux_usable())
		return ward_fail(err, 0, "linux.mountLabel: " SELINUX_MISSING, mount_label);
	return 0;
}

/* Through the fd, never a path the container could redirect. libselinux's setfilecon
 * accepts the refusal of a filesystem mounted with context= (whose every inode has the
 * mount's label) when the label is already the one asked for. */
static int label_file(int fd, const char *label, struct ward_error *err)
{
	char proc[64];

	snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
#ifdef HAVE_SELINUX
	if (setfilecon(proc, label) < 0)
		return ward_fail(err, errno, "set \"%s\"", label);
	return 0;
#else
	return ward_fail(err, 0, SELINUX_MISSING, label);
#endif
}

/* The initial IPC namespace's inode number (the kernel's PROC_IPC_INIT_INO). */
#define INITIAL_IPC_NS_INO 0xEFFFFFFFU

/* mqueue has one superblock per IPC namespace, labelled when the namespace is made: a mount
 * of it cannot take context= (the kernel answers EINVAL). Its root is labelled instead, but
 * never in the initial IPC namespace: that root is the host's. */
int lsm_label_mqueue(int mntfd, const char *label, struct ward_error *err)
{
	struct stat st;

	if (!label || !*label)
		return 0;
	if (stat("/proc/self/ns/ipc", &st) == 0 && st.st_ino == INITIAL_IPC_NS_INO)
		return ward_fail(err, 0,
				 "linux.mountLabel: the container shares the host's IPC "
				 "namespace, whose mqueue ward will not relabel (give the "
				 "container an ipc namespace, or bind the host's /dev/mqueue)");
	if (label_file(mntfd, label, err) < 0)
		return ward_error_prefix(err, "linux.mountLabel");
	return 0;
}

/* /proc/thread-self/attr/... checked to be procfs before writing (CVE-2019-16884). */
static int write_attr(const char *path, const char *value, struct ward_error *err)
{
	cleanup_close int fd = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
	struct statfs sfs;

	if (fd < 0)
		return ward_fail(err, errno, "open %s", path);
	if (fstatfs(fd, &sfs) < 0 || sfs.f_type != PROC_SUPER_MAGIC)
		return ward_fail(err, 0, "%s is not on procfs", path);
	if (write_all(fd, value, strlen(value)) < 0)
		return ward_fail(err, errno, "write %s", path);
	return 0;
}

int lsm_set_exec_labels(const char *apparmor_profile, const char *selinux_label,
			struct ward_error *err)
{
	if (lsm_check(apparmor_profile, selinux_label, err) < 0)
		return -1;
	if (apparmor_profile && *apparmor_profile) {
		char value[512];
		snprintf(value, sizeof value, "exec %s", apparmor_profile);
		const char *path = access("/proc/thread-self/attr/apparmor/exec", F_OK) == 0
					   ? "/proc/thread-self/attr/apparmor/exec"
					   : "/proc/thread-self/attr/exec";
		if (write_attr(path, value, err) < 0) {
			if (err->code == ENOENT)
				return ward_fail(err, 0,
						 "process.apparmorProfile: the AppArmor "
						 "profile \"%s\" is not loaded (load it with "
						 "apparmor_parser)",
						 apparmor_profile);
			return ward_error_prefix(err, "process.apparmorProfile");
		}
	}
#ifdef HAVE_SELINUX
	if (selinux_label && *selinux_label && setexeccon(selinux_label) < 0)
		return ward_fail(err, errno, "process.selinuxLabel: set \"%s\"", selinux_label);
#endif
	return 0;
}
