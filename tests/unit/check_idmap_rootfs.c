/* The root filesystem shown through a user namespace (container 0..65535 = host 100000..):
 * an idmapped clone of a plain directory, a new overlay over idmapped layers for the root of an
 * overlayfs mount (absolute and relative layers, with and without an upper layer), and a clear
 * failure for a filesystem that cannot be idmapped. Every test mounts only in a child with a
 * private mount namespace: the host gets nothing. Needs root. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fsuid.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <linux/magic.h>
#include <unistd.h>

#include "testenv.h"
#include "ward/idmap_rootfs.h"
#include "ward/mounts.h"
#include "ward/spec.h"
#include "run_suite.h"

#define HOST_ROOT 100000
/* valgrind 3.19 serves no mount_setattr(2). */
#define NEEDS_MOUNT_API() SKIP_UNLESS_SERVED(SYS_mount_setattr, "mount_setattr")

static char dir[64];
static int fail_fd = -1;

/* A failed check in the child: its message goes to the parent's assertion. */
__attribute__((format(printf, 2, 3))) static void child_fail(int line, const char *fmt, ...)
{
	char msg[1024];
	int n = snprintf(msg, sizeof msg, "line %d: ", line);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg + n, sizeof msg - (size_t)n, fmt, ap);
	va_end(ap);
	if (write(fail_fd, msg, strlen(msg)) < 0)
		perror("report");
	exit(1);
}
#define CHECK(cond, ...)                                                                           \
	do {                                                                                       \
		if (!(cond))                                                                       \
			child_fail(__LINE__, __VA_ARGS__);                                         \
	} while (0)

static char *at(const char *rel)
{
	static char bufs[8][256];
	static int next;
	char *b = bufs[next++ % 8];
	snprintf(b, sizeof bufs[0], "%s/%s", dir, rel);
	return b;
}

static void make_file(const char *rel, const char *content)
{
	FILE *f = fopen(at(rel), "we");
	CHECK(f && fputs(content, f) >= 0 && fclose(f) == 0, "write %s: %m", rel);
}

static void make_dirs(const char *const *rels)
{
	for (; *rels; rels++)
		CHECK(mkdir(at(*rels), 0755) == 0, "mkdir %s: %m", *rels);
}

static uid_t owner(const char *path)
{
	struct stat st;
	CHECK(stat(path, &st) == 0, "stat %s: %m", path);
	return st.st_uid;
}

static int userns(void)
{
	struct ward_id_mapping map = {0, HOST_ROOT, 65536};
	struct ward_error err;
	int fd = idmap_userns_fd(&map, 1, &map, 1, &err);
	CHECK(fd >= 0, "idmap_userns_fd: %s", err.msg);
	return fd;
}

static int count_fds(void)
{
	int n = 0;
	char path[64];
	for (int fd = 0; fd < 1024; fd++) {
		snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
		n += access(path, F_OK) == 0;
	}
	return n;
}

/* root.path (absolute) shown through the namespace, attached on <dir>/view. */
static void show(const char *rootfs)
{
	struct ward_error err;
	int ns = userns();
	int root = open(rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
	CHECK(root >= 0, "open %s: %m", rootfs);
	int before = count_fds();
	int mnt = idmap_rootfs_open(root, rootfs, ns, &err);
	CHECK(mnt >= 0, "idmap_rootfs_open(%s): %s", rootfs, err.msg);
	CHECK(count_fds() == before + 1, "fds: %d before, %d after", before, count_fds());
	CHECK(mkdir(at("view"), 0755) == 0 || errno == EEXIST, "mkdir view: %m");
	CHECK(move_mount(mnt, "", AT_FDCWD, at("view"), MOVE_MOUNT_F_EMPTY_PATH) == 0,
	      "attach: %m");
	close(mnt);
	close(root);
	close(ns);
}

/* What the container's root does: a write with the host ids of its namespace. */
static int write_as_container_root(const char *path, int flags)
{
	setfsgid(HOST_ROOT);
	setfsuid(HOST_ROOT);
	int fd = open(path, O_WRONLY | O_CLOEXEC | flags, 0644);
	int e = errno;
	if (fd >= 0) {
		if (write(fd, "ct\n", 3) != 3)
			e = errno;
		close(fd);
	}
	setfsuid(0);
	setfsgid(0);
	errno = e;
	return fd < 0 ? -1 : 0;
}

static void mount_overlay(const char *options, const char *target)
{
	CHECK(mount("overlay", target, "overlay", 0, options) == 0, "mount overlay %s: %m",
	      options);
}

/* Runs body in a child with a private mount namespace; its failure fails the test. */
static void in_private_namespace(void (*body)(void))
{
	int pipefd[2];
	char msg[1024] = "";
	int status = 0;

	ck_assert_int_eq(geteuid(), 0);
	ck_assert_ptr_nonnull(mkdtemp(strcpy(dir, "/var/tmp/ward-idmap-rootfs.XXXXXX")));
	ck_assert_int_eq(chmod(dir, 0755), 0); /* the container's root may walk through it */
	ck_assert_int_eq(pipe2(pipefd, O_CLOEXEC), 0);
	fflush(NULL);
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		fail_fd = pipefd[1];
		close(pipefd[0]);
		CHECK(unshare(CLONE_NEWNS) == 0, "unshare: %m");
		CHECK(mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == 0, "private /: %m");
		body();
		exit(0);
	}
	close(pipefd[1]);
	size_t len = 0;
	ssize_t n;
	while ((n = read(pipefd[0], msg + len, sizeof msg - 1 - len)) > 0)
		len += (size_t)n;
	msg[len] = '\0';
	close(pipefd[0]);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	ck_assert_int_eq(system(cmd), 0);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child: %s (status %d)", msg,
		      status);
}

/* Whether the super options of the mount on <dir>/view include opt. */
static bool view_options_have(const char *opt)
{
	char line[4096], want[300];
	bool found = false;
	FILE *f = fopen("/proc/self/mountinfo", "re");
	CHECK(f, "mountinfo: %m");
	snprintf(want, sizeof want, " %s ", at("view"));
	while (fgets(line, sizeof line, f))
		if (strstr(line, want) && strstr(line, opt))
			found = true;
	fclose(f);
	return found;
}

static void plain_directory(void)
{
	make_dirs((const char *const[]){"root", "root/etc", NULL});
	make_file("root/etc/passwd", "root:x:0:0::/root:/bin/sh\n");
	show(at("root"));
	CHECK(owner(at("view/etc/passwd")) == HOST_ROOT, "owner through the mount");
	CHECK(owner(at("root/etc/passwd")) == 0, "on-disk owner");
	CHECK(write_as_container_root(at("view/etc/new"), O_CREAT | O_EXCL) == 0, "create: %m");
	CHECK(owner(at("root/etc/new")) == 0, "a file container root made is owned by 0 on disk");
	CHECK(owner(at("view/etc/new")) == HOST_ROOT, "and by container root through the mount");
}

START_TEST(a_plain_directory_is_cloned_idmapped)
{
	NEEDS_MOUNT_API();
	in_private_namespace(plain_directory);
}
END_TEST

static void engine_overlay(void)
{
	char opts[512];
	make_dirs((const char *const[]){"lower", "lower/d", "upper", "work", "merged", NULL});
	make_file("lower/f", "lower\n");
	make_file("lower/d/g", "lower\n");
	make_file("upper/u", "upper\n");
	/* Options that change what the overlay means are carried over. */
	snprintf(opts, sizeof opts,
		 "lowerdir=%s,upperdir=%s,workdir=%s,index=off,redirect_dir=on,metacopy=on",
		 at("lower"), at("upper"), at("work"));
	mount_overlay(opts, at("merged"));
	show(at("merged"));
	CHECK(view_options_have("redirect_dir=on") && view_options_have("metacopy=on"),
	      "the semantic options are carried over");
	CHECK(owner(at("view/f")) == HOST_ROOT && owner(at("view/u")) == HOST_ROOT,
	      "lower and upper files are container root's through the new overlay");
	/* Copy-up of a lower file and a new file: in the engine's upperdir, owned by 0. */
	CHECK(write_as_container_root(at("view/f"), O_APPEND) == 0, "copy-up: %m");
	CHECK(write_as_container_root(at("view/d/new"), O_CREAT | O_EXCL) == 0, "create: %m");
	CHECK(owner(at("upper/f")) == 0 && owner(at("upper/d/new")) == 0, "on-disk owner 0");
	CHECK(owner(at("lower/f")) == 0 && access(at("lower/d/new"), F_OK) < 0, "lower untouched");
	/* The engine's overlay still works (its workdir was left alone) and what the engine
	 * writes shows in the new overlay. */
	struct statfs sfs;
	CHECK(statfs(at("merged"), &sfs) == 0 && sfs.f_type == OVERLAYFS_SUPER_MAGIC, "mounted");
	CHECK(owner(at("merged/d/new")) == 0, "the engine's overlay sees the container's file");
	make_file("merged/d/g", "engine copy-up\n");
	make_file("merged/by-engine", "engine\n");
	CHECK(owner(at("view/by-engine")) == HOST_ROOT, "the new overlay sees the engine's file");
	CHECK(access(at("work/ward/work"), F_OK) == 0, "ward's workdir is in the engine's");
}

START_TEST(an_overlay_is_rebuilt_over_idmapped_layers)
{
	NEEDS_MOUNT_API();
	in_private_namespace(engine_overlay);
}
END_TEST

static void relative_layers(void)
{
	make_dirs((const char *const[]){"overlay2", "overlay2/l", "overlay2/base",
					"overlay2/base/diff", "overlay2/ctr", "overlay2/ctr/diff",
					"overlay2/ctr/work", "overlay2/ctr/merged", NULL});
	make_file("overlay2/base/diff/f", "base\n");
	CHECK(symlink("../base/diff", at("overlay2/l/BASE")) == 0, "symlink: %m");
	/* As Docker mounts when the options would not fit in a page. */
	CHECK(chdir(at("overlay2")) == 0, "chdir: %m");
	mount_overlay("lowerdir=l/BASE,upperdir=ctr/diff,workdir=ctr/work", "ctr/merged");
	CHECK(chdir("/") == 0, "chdir /: %m");
	show(at("overlay2/ctr/merged"));
	CHECK(owner(at("view/f")) == HOST_ROOT, "the relative lower layer is mapped");
	CHECK(write_as_container_root(at("view/f"), O_APPEND) == 0, "copy-up: %m");
	CHECK(owner(at("overlay2/ctr/diff/f")) == 0, "copied up into the relative upperdir");
}

START_TEST(relative_layers_start_at_the_storage_directory)
{
	NEEDS_MOUNT_API();
	in_private_namespace(relative_layers);
}
END_TEST

static void read_only_overlay(void)
{
	char opts[512];
	/* Names overlayfs and mountinfo escape. */
	make_dirs((const char *const[]){"l:1", "l 2", "merged", NULL});
	make_file("l:1/top", "top\n");
	make_file("l 2/bottom", "bottom\n");
	snprintf(opts, sizeof opts, "lowerdir=%s/l\\:1:%s/l 2", dir, dir);
	mount_overlay(opts, at("merged"));
	show(at("merged"));
	CHECK(owner(at("view/top")) == HOST_ROOT && owner(at("view/bottom")) == HOST_ROOT,
	      "both lower layers are mapped");
	CHECK(write_as_container_root(at("view/top"), O_APPEND) < 0 && errno == EROFS,
	      "a lower-only overlay stays read-only: %m");
}

START_TEST(a_lower_only_overlay_stays_read_only)
{
	NEEDS_MOUNT_API();
	in_private_namespace(read_only_overlay);
}
END_TEST

static void exclusive_upper(void)
{
	char opts[512];
	struct ward_error err;
	make_dirs((const char *const[]){"lower", "upper", "work", "merged", NULL});
	snprintf(opts, sizeof opts, "lowerdir=%s,upperdir=%s,workdir=%s,index=on", at("lower"),
		 at("upper"), at("work"));
	mount_overlay(opts, at("merged"));
	int ns = userns();
	int root = open(at("merged"), O_PATH | O_DIRECTORY | O_CLOEXEC);
	CHECK(root >= 0, "open: %m");
	int before = count_fds();
	CHECK(idmap_rootfs_open(root, at("merged"), ns, &err) < 0, "index=on cannot be shared");
	CHECK(count_fds() == before, "no fd leaked");
	CHECK(strstr(err.msg, "root.path: ") && strstr(err.msg, "index=on") &&
		      strstr(err.msg, "userns = off"),
	      "%s", err.msg);
	struct statfs sfs;
	CHECK(statfs(at("merged"), &sfs) == 0 && sfs.f_type == OVERLAYFS_SUPER_MAGIC, "mounted");
	make_file("merged/still-works", "engine\n");
	close(root);
	close(ns);
}

START_TEST(an_overlay_with_an_exclusive_upper_fails_closed)
{
	NEEDS_MOUNT_API();
	in_private_namespace(exclusive_upper);
}
END_TEST

static void not_idmappable(void)
{
	struct ward_error err;
	int ns = userns();
	int root = open("/proc/sys", O_PATH | O_DIRECTORY | O_CLOEXEC);
	CHECK(root >= 0, "open /proc/sys: %m");
	int before = count_fds();
	CHECK(idmap_rootfs_open(root, "/proc/sys", ns, &err) < 0, "procfs cannot be idmapped");
	CHECK(count_fds() == before, "no fd leaked");
	CHECK(strstr(err.msg, "root.path: /proc/sys is on a proc filesystem") &&
		      strstr(err.msg, "userns = off"),
	      "the error names root.path, the reason and the fix: %s", err.msg);
	close(root);
	close(ns);
}

START_TEST(a_filesystem_that_cannot_be_idmapped_fails_closed)
{
	NEEDS_MOUNT_API();
	in_private_namespace(not_idmappable);
}
END_TEST

static void inside_an_overlay(void)
{
	char opts[512];
	struct ward_error err;
	make_dirs((const char *const[]){"lower", "lower/sub", "lower2", "merged", NULL});
	snprintf(opts, sizeof opts, "lowerdir=%s:%s", at("lower"), at("lower2"));
	mount_overlay(opts, at("merged"));
	int ns = userns();
	int root = open(at("merged/sub"), O_PATH | O_DIRECTORY | O_CLOEXEC);
	CHECK(root >= 0, "open: %m");
	CHECK(idmap_rootfs_open(root, at("merged/sub"), ns, &err) < 0, "not the overlay's root");
	CHECK(strstr(err.msg, "root.path: ") && strstr(err.msg, "not its root"), "%s", err.msg);
	close(root);
	close(ns);
}

START_TEST(a_directory_inside_an_overlay_fails_closed)
{
	NEEDS_MOUNT_API();
	in_private_namespace(inside_an_overlay);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("idmap_rootfs");
	TCase *tc = tcase_create("idmap_rootfs");
	tcase_set_timeout(tc, 30 * testenv_slowdown());
	tcase_add_test(tc, a_plain_directory_is_cloned_idmapped);
	tcase_add_test(tc, an_overlay_is_rebuilt_over_idmapped_layers);
	tcase_add_test(tc, relative_layers_start_at_the_storage_directory);
	tcase_add_test(tc, a_lower_only_overlay_stays_read_only);
	tcase_add_test(tc, an_overlay_with_an_exclusive_upper_fails_closed);
	tcase_add_test(tc, a_filesystem_that_cannot_be_idmapped_fails_closed);
	tcase_add_test(tc, a_directory_inside_an_overlay_fails_closed);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
