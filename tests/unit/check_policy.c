/* The policy: each check trips on the config that violates it and stays quiet on the nearest
 * one that does not; the policy file fails closed; the override matrix (admin allow,
 * annotation with and without overridable, privileged); the engines' default configs pass. */
#include <check.h>
#include <dirent.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ward/cleanup.h"
#include "ward/policy.h"
#include "ward/seccomp.h"
#include "ward/util.h"
#include "testenv.h"

#define CAP_BIT(n) (1ull << (n))

static struct ward_spec *load(const char *name)
{
	struct ward_error err = {0};
	char path[512];
	snprintf(path, sizeof path, "%s/%s", TEST_DATA_DIR, name);
	struct ward_spec *s = spec_parse_file(path, "config.json", &err);
	ck_assert_msg(s != NULL, "%s", err.msg);
	return s;
}

/* runc's `spec` config: passes baseline as it is. */
static struct ward_spec *base(void)
{
	return load("runc-1.1-spec.json");
}

/* Docker's default config without its prestart hook, which names a dockerd this host lacks
 * (dockers_own_hook_passes_baseline judges it). */
static struct ward_spec *docker(void)
{
	struct ward_spec *s = load("docker-20.10-default.json");
	for (size_t i = 0; i < s->hooks.count[WARD_HOOK_PRESTART]; i++) {
		free(s->hooks.list[WARD_HOOK_PRESTART][i].path);
		strv_free(s->hooks.list[WARD_HOOK_PRESTART][i].args);
	}
	free(s->hooks.list[WARD_HOOK_PRESTART]);
	s->hooks.list[WARD_HOOK_PRESTART] = NULL;
	s->hooks.count[WARD_HOOK_PRESTART] = 0;
	return s;
}

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

/* policy_evaluate on the plan create would build on this host (the bundle is the test data
 * directory; host paths this host lacks are judged by name). */
static int evaluate(const struct policy *p, struct ward_spec *s, struct policy_verdict *v,
		    struct ward_error *err)
{
	struct ward_plan plan;
	ck_assert_msg(plan_build(s, TEST_DATA_DIR, NULL, PLAN_RESOLVE, &plan, err) == 0, "%s",
		      err->msg);
	int rc = policy_evaluate(p, s, &plan, v, err);
	plan_clear(&plan);
	return rc;
}

/* strv_length() for a constant list. */
static size_t count_of(const char *const *v)
{
	size_t n = 0;
	while (v[n])
		n++;
	return n;
}

static struct policy_verdict judge_with(const char *policy_text, struct ward_spec *s)
{
	struct policy p = pol(policy_text);
	struct policy_verdict v;
	struct ward_error err = {0};
	ck_assert_msg(evaluate(&p, s, &v, &err) == 0, "%s", err.msg);
	policy_clear(&p);
	return v;
}

static const struct policy_finding *find(const struct policy_finding *f, size_t n,
					 const char *check)
{
	size_t count;
	const struct policy_check *t = policy_checks(&count);
	for (size_t i = 0; i < n; i++)
		if (strcmp(t[f[i].check].name, check) == 0)
			return &f[i];
	return NULL;
}

#define VIOLATION(v, c) find((v).violations, (v).n_violations, c)
#define OVERRIDE(v, c)	find((v).overrides, (v).n_overrides, c)
#define HARDENED(v, c)	find((v).hardened, (v).n_hardened, c)

/* Evaluates s at baseline, expects exactly `check` among the violations (or none). */
static void expect(struct ward_spec *s, const char *check, const char *path)
{
	struct policy_verdict v = judge_with("", s);
	if (check) {
		const struct policy_finding *f = VIOLATION(v, check);
		ck_assert_msg(f != NULL, "expected %s, got %zu violations", check, v.n_violations);
		if (path)
			ck_assert_str_eq(f->path, path);
	} else {
		size_t n;
		const struct policy_check *t = policy_checks(&n);
		ck_assert_msg(v.n_violations == 0, "expected none, got %s at %s",
			      t[v.violations[0].check].name, v.violations[0].path);
	}
	policy_verdict_clear(&v);
	spec_free(s);
}

static void add_mount(struct ward_spec *s, const char *dest, const char *type, const char *source,
		      const char *const *opts)
{
	s->mounts = realloc(s->mounts, (s->n_mounts + 1) * sizeof *s->mounts);
	ck_assert_ptr_nonnull(s->mounts);
	struct ward_mount *m = &s->mounts[s->n_mounts++];
	memset(m, 0, sizeof *m);
	m->destination = strdup(dest);
	m->type = type ? strdup(type) : NULL;
	m->source = source ? strdup(source) : NULL;
	size_t n = 0;
	while (opts && opts[n])
		n++;
	m->options = calloc(n + 1, sizeof(char *));
	for (size_t i = 0; i < n; i++)
		m->options[i] = strdup(opts[i]);
}

static struct ward_spec *with_bind(const char *source)
{
	static const char *const rbind[] = {"rbind", "ro", NULL};
	struct ward_spec *s = base();
	add_mount(s, "/mnt", "bind", source, rbind);
	return s;
}

/* ---- capabilities ------------------------------------------------------------------------- */

START_TEST(every_capability_beyond_the_default_set_has_its_own_check)
{
	static const int safe[] = {
		CAP_AUDIT_WRITE, CAP_CHOWN,   CAP_DAC_OVERRIDE,	    CAP_FOWNER,	   CAP_FSETID,
		CAP_KILL,	 CAP_MKNOD,   CAP_NET_BIND_SERVICE, CAP_NET_RAW,   CAP_SETFCAP,
		CAP_SETGID,	 CAP_SETPCAP, CAP_SETUID,	    CAP_SYS_CHROOT};
	int refused = 0;
	for (int cap = 0; cap < spec_cap_count(); cap++) {
		bool is_safe = false;
		for (size_t i = 0; i < sizeof safe / sizeof safe[0]; i++)
			is_safe = is_safe || safe[i] == cap;
		char name[64];
		const char *c = spec_cap_name(cap);
		snprintf(name, sizeof name, "cap-%s", c + 4);
		for (char *p = name; *p; p++)
			*p = *p == '_' ? '-' : (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
		struct ward_spec *s = base();
		s->process->caps.permitted |= CAP_BIT(cap);
		if (is_safe) {
			expect(s, NULL, NULL);
		} else {
			ck_assert_msg(policy_check_find(name) >= 0, "no check for %s", c);
			expect(s, name, "process.capabilities.permitted");
			refused++;
		}
	}
	ck_assert_int_eq(refused, 27);
}
END_TEST

START_TEST(refuses_cap_sys_admin_in_any_set)
{
	struct ward_spec *s = base();
	s->process->caps.ambient |= CAP_BIT(CAP_SYS_ADMIN);
	expect(s, "cap-sys-admin", "process.capabilities.ambient");
}
END_TEST

/* ---- namespaces --------------------------------------------------------------------------- */

START_TEST(refuses_a_missing_pid_namespace)
{
	struct ward_spec *s = base();
	s->linux_.namespaces[WARD_NS_PID].present = false;
	expect(s, "host-pid-namespace", "linux.namespaces");
}
END_TEST

START_TEST(refuses_joining_the_hosts_network_namespace_by_path)
{
	struct ward_spec *s = base();
	s->linux_.namespaces[WARD_NS_NETWORK].path = strdup("/proc/self/ns/net");
	expect(s, "host-network-namespace", "linux.namespaces[network].path");
}
END_TEST

START_TEST(allows_a_private_network_namespace)
{
	struct ward_spec *s = base();
	ck_assert(s->linux_.namespaces[WARD_NS_NETWORK].present);
	expect(s, NULL, NULL);
}
END_TEST

START_TEST(refuses_each_missing_host_namespace)
{
	static const struct {
		enum ward_ns_kind kind;
		const char *check;
	} cases[] = {{WARD_NS_IPC, "host-ipc-namespace"},
		     {WARD_NS_UTS, "host-uts-namespace"},
		     {WARD_NS_MOUNT, "host-mount-namespace"},
		     {WARD_NS_NETWORK, "host-network-namespace"}};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct ward_spec *s = base();
		s->linux_.namespaces[cases[i].kind].present = false;
		expect(s, cases[i].check, NULL);
	}
}
END_TEST

/* ---- mounts ------------------------------------------------------------------------------- */

START_TEST(refuses_binding_the_host_root_once)
{
	/* "/" holds every tree: it is reported as itself (and as holding ward's state). */
	struct ward_spec *s = with_bind("/");
	struct policy_verdict v = judge_with("", s);
	ck_assert_ptr_nonnull(VIOLATION(v, "mount-host-root"));
	ck_assert_ptr_nonnull(VIOLATION(v, "mount-ward-state"));
	ck_assert_uint_eq(v.n_violations, 2);
	policy_verdict_clear(&v);
	spec_free(s);
}
END_TEST

START_TEST(refuses_binding_a_directory_that_contains_sensitive_paths)
{
	/* /var holds /var/lib (and containerd's state, which the tests install); /var/run is a
	 * symlink to /run, not something /var holds. */
	struct ward_spec *s = with_bind("/var");
	struct policy_verdict v = judge_with("", s);
	ck_assert_ptr_nonnull(VIOLATION(v, "mount-host-system"));
	ck_assert_ptr_nonnull(VIOLATION(v, "mount-engine-state"));
	ck_assert_str_eq(VIOLATION(v, "mount-host-system")->path, "mounts[7].source");
	ck_assert_str_eq(VIOLATION(v, "mount-host-system")->detail,
			 "/var holds the host's /var/lib");
	policy_verdict_clear(&v);
	spec_free(s);
}
END_TEST

START_TEST(refuses_each_sensitive_host_path)
{
	static const struct {
		const char *source, *check;
	} cases[] = {
		{"/proc", "mount-host-proc"},
		{"/sys", "mount-host-sys"},
		{"/dev", "mount-host-dev"},
		{"/boot", "mount-host-boot"},
		{"/etc", "mount-host-etc"},
		{"/lib/modules", "mount-host-modules"},
		{"/run", "mount-host-run"},
		{"/var/lib/containerd", "mount-engine-state"},
		{"/var/lib/kubelet", "mount-engine-state"},
		{"/var/run/docker.sock", "mount-container-socket"},
		{"/srv/anywhere/podman.sock", "mount-container-socket"},
		{"/var/../etc", "mount-host-etc"},
		{"//etc/./", "mount-host-etc"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		expect(with_bind(cases[i].source), cases[i].check, "mounts[7].source");
}
END_TEST

START_TEST(a_symlink_to_a_sensitive_path_is_judged_by_its_target)
{
	NEEDS_OPENAT2();
	char dir[] = "/tmp/ward-policy-link-XXXXXX", link[64];
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(link, sizeof link, "%s/innocent", dir);
	ck_assert_int_eq(symlink("/etc", link), 0);
	expect(with_bind(link), "mount-host-etc", "mounts[7].source");
	unlink(link);
	rmdir(dir);
}
END_TEST

START_TEST(allows_the_per_container_files_engines_bind)
{
	static const char *const ok[] = {
		"/run/containers/storage/vfs-containers/x/userdata/hosts",
		"/var/lib/docker/containers/abc/resolv.conf",
		"/etc/hosts",
		"/var/lib/containers/storage/vfs-containers/x/userdata/shm",
		"/home/user/src",
	};
	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
		expect(with_bind(ok[i]), NULL, NULL);
}
END_TEST

START_TEST(a_non_bind_mount_of_a_sensitive_name_is_not_a_bind)
{
	static const char *const opts[] = {"nosuid", NULL};
	struct ward_spec *s = base();
	add_mount(s, "/run", "tmpfs", "/run", opts);
	expect(s, NULL, NULL);
}
END_TEST

START_TEST(refuses_shared_propagation)
{
	static const char *const opts[] = {"rbind", "rshared", NULL};
	struct ward_spec *s = base();
	add_mount(s, "/data", "bind", "/srv/data", opts);
	expect(s, "mount-shared-propagation", "mounts[7].options");
	s = base();
	s->linux_.rootfs_propagation = strdup("shared");
	expect(s, "mount-shared-propagation", "linux.rootfsPropagation");
	s = base();
	s->linux_.rootfs_propagation = strdup("rslave");
	expect(s, NULL, NULL);
}
END_TEST

START_TEST(refuses_a_writable_sysfs)
{
	struct ward_spec *s = base();
	for (size_t i = 0; i < s->n_mounts; i++)
		if (strcmp(s->mounts[i].type, "sysfs") == 0) {
			for (char **o = s->mounts[i].options; *o; o++)
				if (strcmp(*o, "ro") == 0)
					strcpy(*o, "rw");
			expect(s, "sysfs-read-write", NULL);
			return;
		}
	ck_abort_msg("the base config has no sysfs mount");
}
END_TEST

/* The mount's options as the kernel applies them: the last of a pair wins, every spelling of
 * shared propagation is shared. */
START_TEST(mount_options_are_judged_as_the_kernel_applies_them)
{
	static const char *const ro_then_rw[] = {"nosuid", "ro", "rw", NULL};
	static const char *const rw_then_ro[] = {"rw", "ro", NULL};
	static const char *const rrshared[] = {"rbind", "rrshared", NULL};
	static const char *const shared_last[] = {"rbind", "private", "shared", NULL};
	static const char *const private_last[] = {"rbind", "shared", "rprivate", NULL};
	struct ward_spec *s = base();
	add_mount(s, "/sys2", "sysfs", "sysfs", ro_then_rw);
	expect(s, "sysfs-read-write", "mounts[7].options");
	s = base();
	add_mount(s, "/sys2", "sysfs", "sysfs", rw_then_ro);
	expect(s, NULL, NULL);
	/* "rrshared" is no spelling of anything: refused before any judgement. */
	s = base();
	add_mount(s, "/data", "bind", "/srv/data", rrshared);
	struct ward_plan plan;
	struct ward_error err = {0};
	ck_assert_int_eq(plan_build(s, TEST_DATA_DIR, NULL, PLAN_RESOLVE, &plan, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "mounts[7].options: option \"rrshared\""));
	spec_free(s);
	s = base();
	add_mount(s, "/data", "bind", "/srv/data", shared_last);
	expect(s, "mount-shared-propagation", "mounts[7].options");
	s = base();
	add_mount(s, "/data", "bind", "/srv/data", private_last);
	expect(s, NULL, NULL);
}
END_TEST

/* Only the container's own filesystems: anything else mounts host devices or kernel
 * interfaces as root. */
START_TEST(refuses_filesystems_that_are_not_the_containers_own)
{
	static const struct {
		const char *type, *source, *opt;
	} refused[] = {
		{"ext4", "/dev/vda", "rw"},
		{"devtmpfs", "devtmpfs", "rw"},
		{"binfmt_misc", "binfmt_misc", "rw"},
		{"tracefs", "tracefs", "rw"},
		{"debugfs", "debugfs", "rw"},
		{"securityfs", "securityfs", "rw"},
		{"bpf", "bpf", "rw"},
		{"pstore", "pstore", "rw"},
		{"overlay", "overlay", "lowerdir=/"},
		{"nfs", "host:/export", "rw"},
	};
	for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
		const char *const opts[] = {refused[i].opt, NULL};
		struct ward_spec *s = base();
		add_mount(s, "/x", refused[i].type, refused[i].source, opts);
		expect(s, "mount-type", "mounts[7].type");
	}
	/* the container's own instances pass; an admin can add a type */
	static const char *const ro[] = {"ro", NULL};
	static const char *const none[] = {NULL};
	struct ward_spec *s = base();
	add_mount(s, "/tmp", "tmpfs", "tmpfs", none);
	add_mount(s, "/sys/fs/cgroup", "cgroup", "cgroup", ro);
	add_mount(s, "/dev/mqueue", "mqueue", "mqueue", none);
	expect(s, NULL, NULL);
	static const char *const lower[] = {"lowerdir=/srv/lower", NULL};
	s = base();
	add_mount(s, "/x", "overlay", "overlay", lower);
	struct policy_verdict v = judge_with("mount-type = overlay", s);
	ck_assert_uint_eq(v.n_violations, 0);
	policy_verdict_clear(&v);
	spec_free(s);
}
END_TEST

START_TEST(refuses_a_procfs_outside_proc_and_the_hosts_cgroup_namespace)
{
	static const char *const none[] = {NULL};
	struct ward_spec *s = base();
	add_mount(s, "/host-proc", "proc", "proc", none);
	expect(s, "mount-proc-unmasked", "mounts[7].destination");
	/* the host's cgroup namespace, joined by path */
	s = base();
	s->linux_.namespaces[WARD_NS_CGROUP].present = true;
	s->linux_.namespaces[WARD_NS_CGROUP].path = strdup("/proc/self/ns/cgroup");
	expect(s, "host-cgroup-namespace", "linux.namespaces[cgroup].path");
}
END_TEST

/* Not only the system trees themselves: everything below them. */
START_TEST(refuses_what_lies_below_a_system_tree)
{
	static const struct {
		const char *source, *check;
	} cases[] = {
		{"/etc/shadow", "mount-host-etc"},
		{"/proc/sys", "mount-host-proc"},
		{"/sys/fs/cgroup", "mount-host-sys"},
		{"/usr/bin", "mount-host-system"},
		{"/usr/local/sbin", "mount-host-system"},
		{"/var/spool/cron", "mount-host-system"},
		{"/var/lib/dpkg", "mount-host-system"},
		{"/opt", "mount-host-system"},
		{"/root", "mount-host-home"},
		{"/root/.ssh", "mount-host-home"},
		{"/home", "mount-host-home"},
		{"/home/someone", "mount-host-home"},
		{"/home/someone/.bashrc", "mount-host-home"},
		{"/run/ward", "mount-ward-state"},
		{"/run/ward/some-container", "mount-ward-state"},
		{"/var/cache/ward/seccomp", "mount-ward-state"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		expect(with_bind(cases[i].source), cases[i].check, "mounts[7].source");
}
END_TEST

/* The common flows: a project directory, volumes, the time zone read-only. */
START_TEST(allows_project_directories_volumes_and_read_only_zone_files)
{
	static const char *const ok[] = {
		"/root/src/project",
		"/home/someone/project",
		"/var/lib/docker/volumes/data/_data",
		"/var/lib/docker/volumes/data/_data/sub",
		"/var/lib/containers/storage/volumes/v/_data",
		"/var/lib/kubelet/pods/0c3e/volumes/kubernetes.io~empty-dir/cache",
		"/home/someone/.local/share/containers/storage/volumes/v/_data",
		"/run/containerd/io.containerd.grpc.v1.cri/sandboxes/abc/shm",
		"/etc/localtime",
		"/etc/passwd",
		"/usr/share/zoneinfo/Europe/Paris",
		"/etc/ssl/certs",
		"/srv/data",
		"/tmp/build",
	};
	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
		expect(with_bind(ok[i]), NULL, NULL);
	/* read-only exceptions are exceptions only read-only */
	static const char *const rw[] = {"rbind", "rw", NULL};
	struct ward_spec *s = base();
	add_mount(s, "/etc/localtime", "bind", "/etc/localtime", rw);
	struct policy_verdict v = judge_with("", s);
	ck_assert_uint_eq(v.n_violations, 1);
	policy_verdict_clear(&v);
	spec_free(s);
}
END_TEST

/* `docker run --init` and `podman run --init` bind the host's init program read-only;
 * read-write, or a neighbour of it, is still a bind of /usr. */
START_TEST(allows_the_engines_init_programs_read_only)
{
	static const char *const ok[] = {
		"/usr/bin/docker-init",
		"/usr/bin/tini-static",
		"/usr/libexec/docker/docker-init",
		"/usr/libexec/podman/catatonit",
		"/usr/bin/catatonit",
		"/usr/libexec/catatonit/catatonit",
	};
	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
		expect(with_bind(ok[i]), NULL, NULL);
	static const char *const rw[] = {"bind", "rw", NULL};
	struct ward_spec *s = base();
	add_mount(s, "/sbin/docker-init", "bind", "/usr/bin/docker-init", rw);
	expect(s, "mount-host-system", "mounts[7].source");
	expect(with_bind("/usr/bin/tini"), "mount-host-system", "mounts[7].source");
	expect(with_bind("/usr/libexec/podman"), "mount-host-system", "mounts[7].source");
}
END_TEST

/* Rootless Docker keeps its data-root in the user's home, below a dot-directory. */
START_TEST(allows_rootless_dockers_files_volumes_and_root_filesystems)
{
	static const char *const ok[] = {
		"/home/someone/.local/share/docker/containers/abc/hostname",
		"/home/someone/.local/share/docker/containers/abc/resolv.conf",
		"/home/someone/.local/share/docker/containers/abc/mounts/shm",
		"/home/someone/.local/share/docker/volumes/data/_data",
	};
	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
		expect(with_bind(ok[i]), NULL, NULL);
	expect(with_bind("/home/someone/.local/share/docker/containers/abc/config.v2.json"),
	       "mount-host-home", "mounts[7].source");
	expect(with_bind("/home/someone/.local/share/docker"), "mount-host-home",
	       "mounts[7].source");
	struct ward_spec *s = base();
	free(s->root_path);
	s->root_path = strdup("/home/someone/.local/share/docker/overlay2/abc/merged");
	expect(s, NULL, NULL);
	s = base();
	free(s->root_path);
	s->root_path = strdup("/home/someone/.local/share/docker/image");
	expect(s, "rootfs-host-path", "root.path");
}
END_TEST

START_TEST(the_admins_host_path_lifts_the_trees_below_it)
{
	struct ward_spec *s = with_bind("/opt/data/set1");
	struct policy_verdict v = judge_with("host-path = /opt/data", s);
	ck_assert_uint_eq(v.n_violations, 0);
	policy_verdict_clear(&v);
	spec_free(s);
	s = with_bind("/opt/other");
	v = judge_with("host-path = /opt/data", s);
	ck_assert_ptr_nonnull(VIOLATION(v, "mount-host-system"));
	policy_verdict_clear(&v);
	spec_free(s);
}
END_TEST

START_TEST(refuses_a_root_filesystem_in_a_host_tree)
{
	static const struct {
		const char *root;
		bool refused;
	} cases[] = {
		{"/", true},
		{"/usr", true},
		{"/etc/ward-image", true},
		{"/var/lib/dpkg", true},
		{"/root", true},
		{"/run/ward/x", true},
		{"/var/lib/docker/overlay2/abc/merged", false},
		{"/var/lib/docker/vfs/dir/abc", false},
		{"/var/lib/docker/containers/abc", true},
		{"/run/containerd/io.containerd.runtime.v2.task/k8s.io/abc/rootfs", false},
		{"/var/lib/containers/storage/overlay/abc/merged", false},
		{"/srv/images/alpine", false},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct ward_spec *s = base();
		free(s->root_path);
		s->root_path = strdup(cases[i].root);
		if (cases[i].refused)
			expect(s, "rootfs-host-path", "root.path");
		else
			expect(s, NULL, NULL);
	}
}
END_TEST

/* The bundle's state root given with --root is ward's, wherever it is. */
START_TEST(refuses_the_state_root_in_use)
{
	char dir[] = "/tmp/ward-policy-root-XXXXXX", sub[64];
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(sub, sizeof sub, "%s/c1", dir);
	ck_assert_int_eq(mkdir(sub, 0700), 0);
	const char *sources[] = {dir, sub, "/tmp"};
	for (size_t i = 0; i < 3; i++) {
		struct ward_spec *s = with_bind(sources[i]);
		struct policy p = pol("");
		struct policy_verdict v;
		struct ward_error err = {0};
		struct ward_plan plan;
		ck_assert_int_eq(plan_build(s, TEST_DATA_DIR, dir, PLAN_RESOLVE, &plan, &err), 0);
		ck_assert_int_eq(policy_evaluate(&p, s, &plan, &v, &err), 0);
		ck_assert_msg(VIOLATION(v, "mount-ward-state") != NULL, "%s not refused",
			      sources[i]);
		policy_verdict_clear(&v);
		plan_clear(&plan);
		policy_clear(&p);
		spec_free(s);
	}
	rmdir(sub);
	rmdir(dir);
}
END_TEST

static int open_fds(void)
{
	int n = 0;
	DIR *d = opendir("/proc/self/fd");
	ck_assert_ptr_nonnull(d);
	while (readdir(d))
		n++;
	closedir(d);
	return n;
}

/* A bundle gone since create read its config.json: the plan fails, and the directories it
 * had opened already (ward's own) are closed. */
START_TEST(a_bundle_that_cannot_be_opened_leaves_no_fd_open)
{
	struct ward_spec *s = with_bind("/tmp");
	struct ward_error err = {0};
	struct ward_plan plan;
	int before = open_fds();
	ck_assert_int_eq(
		plan_build(s, "/nonexistent-ward-bundle", "/tmp", PLAN_RESOLVE, &plan, &err), -1);
	ck_assert_msg(strstr(err.msg, "bundle /nonexistent-ward-bundle"), "%s", err.msg);
	ck_assert_int_eq(open_fds(), before);
	spec_free(s);
}
END_TEST

/* A relative source stays in the bundle; create refuses what it cannot resolve, naming the
 * field. */
START_TEST(a_relative_source_may_not_leave_the_bundle)
{
	NEEDS_OPENAT2();
	char dir[] = "/tmp/ward-policy-bundle-XXXXXX", link[64];
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(link, sizeof link, "%s/x", dir);
	ck_assert_int_eq(symlink("/etc", link), 0);
	const char *sources[] = {"x", "../../../etc", "x/shadow"};
	for (size_t i = 0; i < 3; i++) {
		struct ward_spec *s = with_bind(sources[i]);
		struct ward_error err = {0};
		struct ward_plan plan;
		free(s->root_path);
		s->root_path = strdup("/tmp"); /* a root that resolves: the mount is the question */
		ck_assert_int_eq(plan_build(s, dir, NULL, PLAN_RESOLVE, &plan, &err), 0);
		ck_assert_int_eq(plan.mounts[7].source.fd, -1);
		ck_assert_int_eq(plan_require_resolved(s, &plan, &err), -1);
		ck_assert_msg(strstr(err.msg, "mounts[7].source") &&
				      strstr(err.msg, "must stay inside the bundle directory"),
			      "%s", err.msg);
		plan_clear(&plan);
		spec_free(s);
	}
	unlink(link);
	rmdir(dir);
}
END_TEST

/* What cannot be resolved is refused: a magic link, a symlink loop. */
START_TEST(an_unresolvable_source_is_refused)
{
	NEEDS_OPENAT2();
	char dir[] = "/tmp/ward-policy-loop-XXXXXX", a[64], b[64];
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(a, sizeof a, "%s/a", dir);
	snprintf(b, sizeof b, "%s/b", dir);
	ck_assert_int_eq(symlink(b, a), 0);
	ck_assert_int_eq(symlink(a, b), 0);
	const char *sources[] = {"/proc/self/root/etc", a, "/nonexistent/ward"};
	for (size_t i = 0; i < 3; i++) {
		struct ward_spec *s = with_bind(sources[i]);
		struct ward_error err = {0};
		struct ward_plan plan;
		free(s->root_path);
		s->root_path = strdup("/tmp"); /* a root that resolves: the mount is the question */
		ck_assert_int_eq(plan_build(s, TEST_DATA_DIR, NULL, PLAN_RESOLVE, &plan, &err), 0);
		ck_assert_int_eq(plan_require_resolved(s, &plan, &err), -1);
		ck_assert_msg(strstr(err.msg, "config.json: mounts[7].source: "), "%s", err.msg);
		plan_clear(&plan);
		spec_free(s);
	}
	unlink(a);
	unlink(b);
	rmdir(dir);
}
END_TEST

/* ---- devices ------------------------------------------------------------------------------ */

static struct ward_spec *with_device(const char *path, char type, int major, int minor)
{
	struct ward_spec *s = base();
	s->linux_.devices = calloc(1, sizeof *s->linux_.devices);
	s->linux_.n_devices = 1;
	s->linux_.devices[0].path = strdup(path);
	s->linux_.devices[0].type = type;
	s->linux_.devices[0].major = major;
	s->linux_.devices[0].minor = minor;
	return s;
}

static struct ward_spec *with_rule(char type, int major, int minor, const char *access)
{
	struct ward_spec *s = base();
	struct ward_resources *r = &s->linux_.resources;
	s->linux_.has_resources = true;
	r->devices = realloc(r->devices, (r->n_devices + 1) * sizeof *r->devices);
	struct ward_device_rule *d = &r->devices[r->n_devices++];
	memset(d, 0, sizeof *d);
	d->allow = true;
	d->type = type;
	d->has_major = major >= 0;
	d->major = major;
	d->has_minor = minor >= 0;
	d->minor = minor;
	for (const char *a = access; *a; a++)
		d->access |= *a == 'r'	 ? WARD_DEVICE_READ
			     : *a == 'w' ? WARD_DEVICE_WRITE
					 : WARD_DEVICE_MKNOD;
	return s;
}

START_TEST(refuses_block_and_kernel_devices)
{
	expect(with_device("/dev/sda", 'b', 8, 0), "device-block", "linux.devices[0]");
	expect(with_device("/dev/mem", 'c', 1, 1), "device-kernel-access", "linux.devices[0]");
	expect(with_device("/dev/kmsg", 'c', 1, 11), "device-kernel-access", NULL);
	expect(with_device("/dev/cpu/0/msr", 'c', 202, 0), "device-kernel-access", NULL);
	expect(with_device("/dev/fuse", 'c', 10, 229), NULL, NULL);
}
END_TEST

START_TEST(refuses_a_device_rule_that_allows_everything)
{
	expect(with_rule('a', -1, -1, "rwm"), "device-rule-allow-all", NULL);
	expect(with_rule('c', -1, -1, "rw"), "device-rule-allow-all", NULL);
	expect(with_rule('b', 8, -1, "rw"), "device-block", NULL);
	expect(with_rule('c', 1, -1, "rw"), "device-kernel-access", NULL);
	/* Docker's default: mknod of anything, read/write of nothing. */
	expect(with_rule('c', -1, -1, "m"), NULL, NULL);
	expect(with_rule('c', 1, 3, "rwm"), NULL, NULL);
}
END_TEST

/* ---- confinement -------------------------------------------------------------------------- */

START_TEST(refuses_an_unconfined_seccomp_profile)
{
	struct ward_spec *s = docker();
	free(s->linux_.seccomp->default_action);
	s->linux_.seccomp->default_action = strdup("SCMP_ACT_ALLOW");
	expect(s, "seccomp-unconfined", "linux.seccomp.defaultAction");
	expect(docker(), NULL, NULL);
}
END_TEST

START_TEST(refuses_unconfined_lsm_labels)
{
	struct ward_spec *s = base();
	s->process->apparmor_profile = strdup("unconfined");
	expect(s, "apparmor-unconfined", "process.apparmorProfile");
	s = base();
	s->process->apparmor_profile = strdup("ward-default");
	expect(s, NULL, NULL);
	s = base();
	s->process->selinux_label = strdup("system_u:system_r:spc_t:s0");
	expect(s, "selinux-unconfined", "process.selinuxLabel");
	s = base();
	s->process->selinux_label = strdup("system_u:system_r:container_t:s0:c1,c2");
	expect(s, NULL, NULL);
}
END_TEST

static struct ward_spec *with_sysctl(const char *key)
{
	struct ward_spec *s = base();
	s->linux_.sysctl = calloc(1, sizeof *s->linux_.sysctl);
	s->linux_.n_sysctl = 1;
	s->linux_.sysctl[0].key = strdup(key);
	s->linux_.sysctl[0].value = strdup("1");
	return s;
}

START_TEST(refuses_sysctls_outside_the_safe_set)
{
	expect(with_sysctl("net.core.somaxconn"), "sysctl-unsafe",
	       "linux.sysctl[\"net.core.somaxconn\"]");
	expect(with_sysctl("kernel.msgmax"), "sysctl-unsafe", NULL);
	expect(with_sysctl("net.ipv4.ping_group_range"), NULL, NULL);
	expect(with_sysctl("kernel.shm_rmid_forced"), NULL, NULL);
}
END_TEST

/* What ward's caller runs with, as the tests want it: this process's, with overrides. */
static struct policy_caller caller_here(void)
{
	struct policy_caller c;
	policy_caller_read(&c);
	return c;
}

static struct policy_verdict judge_caller(const char *policy_text, const struct policy_caller *c,
					  struct ward_spec *s)
{
	struct policy p = pol(policy_text);
	struct policy_verdict v;
	struct ward_error err = {0};
	p.caller = c;
	ck_assert_msg(evaluate(&p, s, &v, &err) == 0, "%s", err.msg);
	policy_clear(&p);
	return v;
}

/* Expects exactly `check` among the violations (or none) with this caller. */
static void expect_caller(const struct policy_caller *c, struct ward_spec *s, const char *check,
			  const char *detail_part)
{
	struct policy_verdict v = judge_caller("", c, s);
	size_t n;
	const struct policy_check *t = policy_checks(&n);
	if (check) {
		const struct policy_finding *f = VIOLATION(v, check);
		ck_assert_msg(f != NULL, "expected %s, got %zu violations (%s)", check,
			      v.n_violations, v.n_violations ? t[v.violations[0].check].name : "");
		if (detail_part)
			ck_assert_msg(strstr(f->detail, detail_part), "%s", f->detail);
	} else {
		ck_assert_msg(v.n_violations == 0, "expected none, got %s at %s: %s",
			      t[v.violations[0].check].name, v.violations[0].path,
			      v.violations[0].detail);
	}
	policy_verdict_clear(&v);
	spec_free(s);
}

/* A writable cgroup2 mount passes only where the kernel keeps the container inside its own
 * namespace: a new cgroup namespace and nsdelegate on the host's hierarchy. */
START_TEST(a_writable_cgroup_passes_in_its_own_namespace_under_nsdelegate)
{
	static const char *const none[] = {NULL}, *const ro[] = {"ro", NULL};
	struct policy_caller c = caller_here();
	struct ward_spec *s;

	c.cgroup_nsdelegate = 1;
	/* the namespace the hardening adds */
	s = base();
	add_mount(s, "/sys/fs/cgroup", "cgroup2", "cgroup", none);
	expect_caller(&c, s, NULL, NULL);
	/* one the config asks for, with the "cgroup" spelling buildah uses */
	s = base();
	s->linux_.namespaces[WARD_NS_CGROUP].present = true;
	add_mount(s, "/sys/fs/cgroup", "cgroup", "cgroup", none);
	expect_caller(&c, s, NULL, NULL);
	/* a namespace joined by path may be rooted above the container's cgroup */
	s = base();
	s->linux_.namespaces[WARD_NS_CGROUP].present = true;
	s->linux_.namespaces[WARD_NS_CGROUP].path = strdup("/proc/self/ns/cgroup");
	add_mount(s, "/sys/fs/cgroup", "cgroup2", "cgroup", none);
	expect_caller(&c, s, "mount-cgroup-read-write", "no cgroup namespace of its own");
	/* without the hardening's namespace, the mount shows the host's hierarchy */
	s = base();
	add_mount(s, "/sys/fs/cgroup", "cgroup2", "cgroup", none);
	struct policy_verdict v = judge_caller("allow = private-cgroup-namespace", &c, s);
	const struct policy_finding *f = VIOLATION(v, "mount-cgroup-read-write");
	ck_assert_ptr_nonnull(f);
	ck_assert_msg(strstr(f->detail, "no cgroup namespace of its own"), "%s", f->detail);
	policy_verdict_clear(&v);
	spec_free(s);
	/* no nsdelegate (the caller's facts, not this machine's): the container could write its
	 * own limits, whatever its namespace */
	c.cgroup_nsdelegate = 0;
	s = base();
	add_mount(s, "/sys/fs/cgroup", "cgroup2", "cgroup", none);
	expect_caller(&c, s, "mount-cgroup-read-write", "not mounted with nsdelegate");
	s = base();
	s->linux_.namespaces[WARD_NS_CGROUP].present = true;
	add_mount(s, "/sys/fs/cgroup", "cgroup2", "cgroup", none);
	expect_caller(&c, s, "mount-cgroup-read-write", "not mounted with nsdelegate");
	/* read-only passes everywhere */
	s = base();
	add_mount(s, "/sys/fs/cgroup", "cgroup2", "cgroup", ro);
	expect_caller(&c, s, NULL, NULL);
}
END_TEST

static struct ward_spec *with_oom(int value)
{
	struct ward_spec *s = base();
	s->process->has_oom_score_adj = true;
	s->process->oom_score_adj = value;
	return s;
}

START_TEST(refuses_an_oom_score_below_the_callers)
{
	/* This process's own score: a negative value below it is refused. */
	struct policy_caller c = caller_here();
	if (c.oom_score_adj > -1000) {
		int below = c.oom_score_adj - 1 < -1 ? c.oom_score_adj - 1 : -1;
		if (below < c.oom_score_adj)
			expect(with_oom(below), "oom-score-adj-lowered", "process.oomScoreAdj");
	}
	expect(with_oom(c.oom_score_adj), NULL, NULL);
}
END_TEST

/* Which OOM scores pass for which caller: Docker's 0 wherever its shim runs (containerd at
 * -999 puts it at -998; a hand-started dockerd, Docker-in-Docker or a CI runner at 0 or above),
 * Kubernetes' pods (guaranteed -997 under a kubelet and containerd at -999, burstable 2..999,
 * best-effort 1000), and protection beyond the caller's. */
START_TEST(oom_score_matrix)
{
	static const struct {
		int caller, requested;
		bool refused;
	} cases[] = {
		{-998, 0, false}, {0, 0, false},	{1, 0, false},	       {500, 0, false},
		{1000, 0, false}, {-998, -997, false},	{-998, 1000, false},   {-998, 500, false},
		{0, 1000, false}, {-1000, -999, false}, {-1000, -1000, false}, {-998, -999, true},
		{0, -1, true},	  {1, -1, true},	{-500, -600, true},    {500, -1000, true},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct policy_caller c = caller_here();
		c.oom_score_adj = cases[i].caller;
		struct ward_spec *s = with_oom(cases[i].requested);
		struct policy_verdict v = judge_caller("", &c, s);
		ck_assert_msg((VIOLATION(v, "oom-score-adj-lowered") != NULL) == cases[i].refused,
			      "caller %d, oomScoreAdj %d: expected %s", cases[i].caller,
			      cases[i].requested, cases[i].refused ? "refused" : "allowed");
		policy_verdict_clear(&v);
		spec_free(s);
	}
	/* Docker's default config (oomScoreAdj 0) under a shim at 1. */
	struct policy_caller c = caller_here();
	c.oom_score_adj = 1;
	expect_caller(&c, docker(), NULL, NULL);
}
END_TEST

/* ---- scheduling, I/O priority, rlimits ---------------------------------------------------- */

static struct ward_spec *with_sched(const char *policy, int value, int priority, int nice)
{
	struct ward_spec *s = base();
	struct ward_scheduler *sc = &s->process->scheduler;
	sc->present = true;
	sc->policy = strdup(policy);
	sc->policy_value = value;
	sc->priority = priority;
	sc->nice = nice;
	return s;
}

START_TEST(refuses_real_time_scheduling_the_container_could_not_take)
{
	struct policy_caller c = caller_here();
	c.nice = 0;
	c.limits[RLIMIT_RTPRIO].rlim_cur = c.limits[RLIMIT_RTPRIO].rlim_max = 0;
	c.limits[RLIMIT_NICE].rlim_cur = c.limits[RLIMIT_NICE].rlim_max = 0;
	expect_caller(&c, with_sched("SCHED_FIFO", SCHED_FIFO, 99, 0), "sched-realtime",
		      "SCHED_FIFO priority 99");
	expect_caller(&c, with_sched("SCHED_RR", SCHED_RR, 1, 0), "sched-realtime", NULL);
	expect_caller(&c, with_sched("SCHED_DEADLINE", 6, 0, 0), "sched-realtime", NULL);
	expect_caller(&c, with_sched("SCHED_OTHER", SCHED_OTHER, 0, -5), "sched-nice-raised",
		      "nice -5 is below the caller's 0");
	expect_caller(&c, with_sched("SCHED_BATCH", SCHED_BATCH, 0, 10), NULL, NULL);
	expect_caller(&c, with_sched("SCHED_IDLE", SCHED_IDLE, 0, 0), NULL, NULL);
	expect_caller(&c, with_sched("SCHED_OTHER", SCHED_OTHER, 0, 0), NULL, NULL);

	/* What the container could take itself: up to its RLIMIT_RTPRIO and RLIMIT_NICE. */
	c.limits[RLIMIT_RTPRIO].rlim_cur = c.limits[RLIMIT_RTPRIO].rlim_max = 10;
	c.limits[RLIMIT_NICE].rlim_cur = c.limits[RLIMIT_NICE].rlim_max = 25;
	expect_caller(&c, with_sched("SCHED_FIFO", SCHED_FIFO, 10, 0), NULL, NULL);
	expect_caller(&c, with_sched("SCHED_FIFO", SCHED_FIFO, 11, 0), "sched-realtime", NULL);
	expect_caller(&c, with_sched("SCHED_OTHER", SCHED_OTHER, 0, -5), NULL, NULL);
	expect_caller(&c, with_sched("SCHED_OTHER", SCHED_OTHER, 0, -6), "sched-nice-raised", NULL);

	/* A caller that is itself niced: the container may not be less nice than it. */
	c.nice = 5;
	c.limits[RLIMIT_NICE].rlim_cur = c.limits[RLIMIT_NICE].rlim_max = 0;
	expect_caller(&c, with_sched("SCHED_OTHER", SCHED_OTHER, 0, 0), "sched-nice-raised", NULL);

	/* With CAP_SYS_NICE (refused on its own unless allowed) the container could do it. */
	struct ward_spec *s = with_sched("SCHED_FIFO", SCHED_FIFO, 99, 0);
	s->process->caps.bounding |= CAP_BIT(CAP_SYS_NICE);
	struct policy_verdict v = judge_caller("allow = cap-sys-nice", &c, s);
	ck_assert_uint_eq(v.n_violations, 0);
	policy_verdict_clear(&v);
	spec_free(s);
}
END_TEST

START_TEST(refuses_the_real_time_io_class)
{
	struct ward_spec *s = base();
	s->process->has_io_priority = true;
	s->process->io_priority_class = strdup("IOPRIO_CLASS_RT");
	s->process->io_priority_class_value = 1;
	expect(s, "ioprio-realtime", "process.ioPriority.class");
	s = base();
	s->process->has_io_priority = true;
	s->process->io_priority_class = strdup("IOPRIO_CLASS_BE");
	s->process->io_priority_class_value = 2;
	s->process->io_priority = 0;
	expect(s, NULL, NULL);
}
END_TEST

static struct ward_spec *with_rlimit(int resource, const char *type, uint64_t soft, uint64_t hard)
{
	struct ward_spec *s = base();
	struct ward_process *p = s->process;
	p->rlimits = realloc(p->rlimits, (p->n_rlimits + 1) * sizeof *p->rlimits);
	struct ward_rlimit *rl = &p->rlimits[p->n_rlimits++];
	rl->type = strdup(type);
	rl->resource = resource;
	rl->soft = soft;
	rl->hard = hard;
	return s;
}

START_TEST(refuses_rlimits_above_the_callers_hard_limit)
{
	struct policy_caller c = caller_here();
	c.caps |= CAP_BIT(CAP_SYS_RESOURCE);
	for (int r = 0; r < RLIM_NLIMITS; r++)
		c.limits[r].rlim_cur = c.limits[r].rlim_max = 1024;
	c.limits[RLIMIT_RTPRIO].rlim_cur = c.limits[RLIMIT_RTPRIO].rlim_max = 0;

	expect_caller(&c, with_rlimit(RLIMIT_NOFILE, "RLIMIT_NOFILE", 1024, 4096),
		      "rlimit-above-caller",
		      "RLIMIT_NOFILE hard 4096 is above ward's own hard limit 1024");
	expect_caller(&c, with_rlimit(RLIMIT_RTPRIO, "RLIMIT_RTPRIO", 99, 99),
		      "rlimit-above-caller", "RLIMIT_RTPRIO");
	expect_caller(&c,
		      with_rlimit(RLIMIT_MEMLOCK, "RLIMIT_MEMLOCK", RLIM_INFINITY, RLIM_INFINITY),
		      "rlimit-above-caller", "unlimited");
	expect_caller(&c, with_rlimit(RLIMIT_NOFILE, "RLIMIT_NOFILE", 1024, 1024), NULL, NULL);
	expect_caller(&c, with_rlimit(RLIMIT_NOFILE, "RLIMIT_NOFILE", 512, 1024), NULL, NULL);
	/* Podman's default RLIMIT_NPROC: not judged (see the check's documentation). */
	expect_caller(&c, with_rlimit(RLIMIT_NPROC, "RLIMIT_NPROC", 1048576, 1048576), NULL, NULL);

	/* Podman's default RLIMIT_NOFILE passes where its caller has it (podman raises its own
	 * limit to 1048576), and the refusal says why it could not work where it does not. */
	c.limits[RLIMIT_NOFILE].rlim_max = 1048576;
	expect_caller(&c, with_rlimit(RLIMIT_NOFILE, "RLIMIT_NOFILE", 1048576, 1048576), NULL,
		      NULL);
	c.limits[RLIMIT_NOFILE].rlim_max = 20000;
	c.caps &= ~CAP_BIT(CAP_SYS_RESOURCE);
	expect_caller(&c, with_rlimit(RLIMIT_NOFILE, "RLIMIT_NOFILE", 1048576, 1048576),
		      "rlimit-above-caller", "setrlimit would fail anyway");

	/* The engines' configs pass with an ordinary caller. */
	c.limits[RLIMIT_NOFILE].rlim_max = 1048576;
	expect_caller(&c, load("containerd-1.6-ctr-default.json"), NULL, NULL);
	expect_caller(&c, load("podman-4.3-default.json"), NULL, NULL);
	expect_caller(&c, docker(), NULL, NULL);
}
END_TEST

/* ---- seccomp ------------------------------------------------------------------------------ */

static struct ward_spec *with_profile(const char *json)
{
	struct ward_error err = {0};
	struct ward_spec *s = base();
	spec_seccomp_free(s->linux_.seccomp);
	s->linux_.seccomp = spec_parse_seccomp(json, strlen(json), "linux.seccomp", &err);
	ck_assert_msg(s->linux_.seccomp != NULL, "%s", err.msg);
	return s;
}

#define DENY_BY_DEFAULT "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": ["

/* The red team's profile: default-deny, with the namespace, keyring, BPF and perf calls
 * allowed. */
static const char red_team_profile[] = DENY_BY_DEFAULT
	"{\"names\": [\"read\", \"write\", \"unshare\", \"clone\", \"setns\", \"keyctl\","
	" \"bpf\", \"perf_event_open\"], \"action\": \"SCMP_ACT_ALLOW\"}]}";

static const char *weakened_detail(struct policy_verdict *v)
{
	const struct policy_finding *f = VIOLATION(*v, "seccomp-weakened");
	return f ? f->detail : "";
}

START_TEST(refuses_a_profile_that_allows_what_the_capabilities_close)
{
	struct ward_spec *s = with_profile(red_team_profile);
	struct policy_verdict v = judge_with("", s);
	ck_assert_ptr_nonnull(VIOLATION(v, "seccomp-weakened"));
	ck_assert_str_eq(VIOLATION(v, "seccomp-weakened")->path, "linux.seccomp.syscalls[0]");
	ck_assert_str_eq(weakened_detail(&v),
			 "allows bpf (without CAP_SYS_ADMIN or CAP_BPF), perf_event_open (without "
			 "CAP_SYS_ADMIN or CAP_PERFMON)");
	/* Creating user namespaces and the keyrings are refused under the profile. */
	ck_assert(v.never_userns && v.never_keyring);
	ck_assert_ptr_nonnull(HARDENED(v, "never-user-namespace"));
	policy_verdict_clear(&v);

	/* Without the stacked rules, they count, and so do the calls a user namespace opens. */
	v = judge_with("allow = never-user-namespace, never-host-keyring", s);
	ck_assert(!v.never_userns && !v.never_keyring);
	ck_assert_str_eq(
		weakened_detail(&v),
		"allows clone (with namespace flags, without CAP_SYS_ADMIN), unshare (with "
		"namespace flags, without CAP_SYS_ADMIN), bpf (without CAP_SYS_ADMIN or "
		"CAP_BPF), perf_event_open (without CAP_SYS_ADMIN or CAP_PERFMON), keyctl "
		"(the host's keyrings), setns (without CAP_SYS_ADMIN)");
	policy_verdict_clear(&v);

	/* The container that holds the capabilities may have the calls. */
	s->process->caps.bounding |= CAP_BIT(CAP_SYS_ADMIN);
	v = judge_with("allow = cap-sys-admin", s);
	ck_assert_ptr_null(VIOLATION(v, "seccomp-weakened"));
	policy_verdict_clear(&v);
	spec_free(s);

	/* The admin may lift it. */
	s = with_profile(red_team_profile);
	v = judge_with("allow = seccomp-weakened", s);
	ck_assert_uint_eq(v.n_violations, 0);
	ck_assert_ptr_nonnull(OVERRIDE(v, "seccomp-weakened"));
	policy_verdict_clear(&v);
	spec_free(s);
}
END_TEST

/* Conditions on one argument are separate rules however many there are: six that keep the
 * namespace flags out do not hide a seventh that lets CLONE_NEWUSER in (the judge once read
 * six, as the compiler did before fuzz_seccomp found it reading past them). */
START_TEST(every_condition_of_a_rule_is_judged)
{
	char profile[2048] = DENY_BY_DEFAULT "{\"names\": [\"unshare\"], \"action\": "
					     "\"SCMP_ACT_ALLOW\", \"args\": [";
	for (int i = 0; i < 6; i++)
		strcat(profile, "{\"index\": 0, \"value\": 2114060288, \"valueTwo\": 0, "
				"\"op\": \"SCMP_CMP_MASKED_EQ\"}, ");
	strcat(profile, "{\"index\": 0, \"value\": 268435456, \"op\": \"SCMP_CMP_EQ\"}]}]}");
	struct ward_spec *s = with_profile(profile);
	struct policy_verdict v = judge_with("allow = never-user-namespace", s);
	ck_assert_ptr_nonnull(VIOLATION(v, "seccomp-weakened"));
	policy_verdict_clear(&v);
	spec_free(s);
}
END_TEST

START_TEST(clone_is_judged_on_its_flag_conditions)
{
	static const char *const ok[] = {
		/* Docker's rule. */
		DENY_BY_DEFAULT "{\"names\": [\"clone\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\":"
				" [{\"index\": 0, \"value\": 2114060288, \"valueTwo\": 0, \"op\": "
				"\"SCMP_CMP_MASKED_EQ\"}]}]}",
		/* Exact flags without namespaces, and a condition on another argument too. */
		DENY_BY_DEFAULT
		"{\"names\": [\"clone\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\":"
		" [{\"index\": 0, \"value\": 17, \"op\": \"SCMP_CMP_EQ\"}, {\"index\": 1, "
		"\"value\": 0, \"op\": \"SCMP_CMP_EQ\"}]}]}",
		/* Denied, or allowed only to a container with CAP_SYS_ADMIN. */
		DENY_BY_DEFAULT
		"{\"names\": [\"clone\", \"clone3\", \"unshare\"], \"action\": "
		"\"SCMP_ACT_ALLOW\", \"includes\": {\"caps\": [\"CAP_SYS_ADMIN\"]}}]}",
		/* Allowed only on another architecture. */
		DENY_BY_DEFAULT "{\"names\": [\"unshare\"], \"action\": \"SCMP_ACT_ALLOW\", "
				"\"includes\": {\"arches\": [\"s390x\"]}}]}",
		/* Handed to an agent the admin listed: see the listener tests. */
	};
	static const char *const weakened[] = {
		DENY_BY_DEFAULT "{\"names\": [\"clone\"], \"action\": \"SCMP_ACT_ALLOW\"}]}",
		/* A mask without CLONE_NEWUSER (0x10000000). */
		DENY_BY_DEFAULT "{\"names\": [\"clone\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\":"
				" [{\"index\": 0, \"value\": 1845624832, \"valueTwo\": 0, \"op\": "
				"\"SCMP_CMP_MASKED_EQ\"}]}]}",
		/* Two conditions on argument 0 are two rules: the second lets CLONE_NEWUSER in. */
		DENY_BY_DEFAULT
		"{\"names\": [\"clone\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\":"
		" [{\"index\": 0, \"value\": 2114060288, \"valueTwo\": 0, \"op\": "
		"\"SCMP_CMP_MASKED_EQ\"}, {\"index\": 0, \"value\": 268435456, \"op\": "
		"\"SCMP_CMP_EQ\"}]}]}",
		/* A rule for containers without CAP_SYS_ADMIN, and a trace, a log. */
		DENY_BY_DEFAULT "{\"names\": [\"unshare\"], \"action\": \"SCMP_ACT_ALLOW\", "
				"\"excludes\": {\"caps\": [\"CAP_SYS_ADMIN\"]}}]}",
		DENY_BY_DEFAULT "{\"names\": [\"clone3\"], \"action\": \"SCMP_ACT_TRACE\"}]}",
		DENY_BY_DEFAULT "{\"names\": [\"unshare\"], \"action\": \"SCMP_ACT_LOG\"}]}",
	};
	const char *lift = "allow = never-user-namespace";
	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		struct ward_spec *s = with_profile(ok[i]);
		struct policy_verdict v = judge_with(lift, s);
		ck_assert_msg(v.n_violations == 0, "ok[%zu]: %s", i, weakened_detail(&v));
		policy_verdict_clear(&v);
		spec_free(s);
	}
	for (size_t i = 0; i < sizeof weakened / sizeof weakened[0]; i++) {
		struct ward_spec *s = with_profile(weakened[i]);
		struct policy_verdict v = judge_with(lift, s);
		ck_assert_msg(VIOLATION(v, "seccomp-weakened") != NULL, "weakened[%zu] passed", i);
		policy_verdict_clear(&v);
		/* Under the stacked rules no user namespace can be made: they pass. */
		v = judge_with("", s);
		ck_assert_msg(VIOLATION(v, "seccomp-weakened") == NULL, "weakened[%zu]: %s", i,
			      weakened_detail(&v));
		policy_verdict_clear(&v);
		spec_free(s);
	}
	/* A default action that lets calls through (a tracer in the container decides) allows
	 * everything no rule denies. */
	struct ward_spec *s = with_profile("{\"defaultAction\": \"SCMP_ACT_TRACE\", \"syscalls\": "
					   "[{\"names\": [\"bpf\"], \"action\": "
					   "\"SCMP_ACT_ERRNO\"}]}");
	struct policy_verdict v = judge_with("", s);
	ck_assert_str_eq(VIOLATION(v, "seccomp-weakened")->path, "linux.seccomp.defaultAction");
	ck_assert_str_eq(weakened_detail(&v),
			 "allows perf_event_open (without CAP_SYS_ADMIN or "
			 "CAP_PERFMON), fanotify_init (without CAP_SYS_ADMIN), "
			 "userfaultfd (which Docker never allows)");
	policy_verdict_clear(&v);
	spec_free(s);
}
END_TEST

START_TEST(the_calls_the_kernel_serves_without_the_capability_are_refused)
{
	static const char *const calls[] = {"bpf", "perf_event_open", "fanotify_init",
					    "userfaultfd"};
	for (size_t i = 0; i < sizeof calls / sizeof calls[0]; i++) {
		char json[512];
		snprintf(json, sizeof json,
			 DENY_BY_DEFAULT "{\"names\": [\"%s\"], \"action\": \"SCMP_ACT_ALLOW\"}]}",
			 calls[i]);
		struct ward_spec *s = with_profile(json);
		struct policy_verdict v = judge_with("", s);
		ck_assert_msg(strncmp(weakened_detail(&v) + 7, calls[i], strlen(calls[i])) == 0,
			      "%s: %s", calls[i], weakened_detail(&v));
		policy_verdict_clear(&v);
		spec_free(s);
	}
	/* bpf with CAP_BPF in the bounding set is the container's. */
	struct ward_spec *s = with_profile(DENY_BY_DEFAULT "{\"names\": [\"bpf\"], \"action\": "
							   "\"SCMP_ACT_ALLOW\"}]}");
	s->process->caps.bounding |= CAP_BIT(CAP_BPF);
	struct policy_verdict v = judge_with("allow = cap-bpf", s);
	ck_assert_uint_eq(v.n_violations, 0);
	policy_verdict_clear(&v);
	spec_free(s);
	/* The keyring calls: the host's from a container without a user namespace only. */
	s = with_profile(DENY_BY_DEFAULT "{\"names\": [\"add_key\"], \"action\": "
					 "\"SCMP_ACT_ALLOW\"}]}");
	v = judge_with("allow = never-host-keyring", s);
	ck_assert_str_eq(weakened_detail(&v), "allows add_key (the host's keyrings)");
	policy_verdict_clear(&v);
	s->linux_.namespaces[WARD_NS_USER].present = true;
	v = judge_with("allow = never-host-keyring", s);
	ck_assert_uint_eq(v.n_violations, 0);
	ck_assert(!v.never_keyring);
	policy_verdict_clear(&v);
	spec_free(s);
}
END_TEST

/* The engines' default profiles, and ward's own written into a config, pass: Docker's keeps
 * namespaces out by its clone mask; Podman's allows unshare, clone, mount and keyctl to any
 * container and passes because the stacked rules refuse what they would open. */
START_TEST(the_engines_profiles_and_wards_own_pass)
{
	expect(docker(), NULL, NULL);
	expect(load("podman-4.3-default.json"), NULL, NULL);

	size_t len;
	const char *json = ward_seccomp_default_profile_json(&len);
	char *copy = strndup(json, len);
	struct ward_spec *s = with_profile(copy);
	struct policy_verdict v = judge_with("allow = never-user-namespace, never-host-keyring", s);
	ck_assert_msg(v.n_violations == 0, "%s", weakened_detail(&v));
	policy_verdict_clear(&v);
	spec_free(s);
	free(copy);

	/* Podman's without the stacked rules: it opens user namespaces and what they reach. */
	s = load("podman-4.3-default.json");
	v = judge_with("allow = never-user-namespace, never-host-keyring", s);
	ck_assert_ptr_nonnull(strstr(weakened_detail(&v), "unshare (with namespace flags"));
	ck_assert_ptr_nonnull(strstr(weakened_detail(&v), "keyctl (the host's keyrings)"));
	ck_assert_ptr_nonnull(strstr(weakened_detail(&v), "mount (without CAP_SYS_ADMIN)"));
	policy_verdict_clear(&v);
	spec_free(s);
}
END_TEST

/* A unix socket bound at dir/name; returns its path (static). */
static const char *bind_socket(const char *dir, const char *name, int *fd)
{
	static char path[108];
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	snprintf(path, sizeof path, "%s/%s", dir, name);
	strcpy(addr.sun_path, path);
	*fd = socket(AF_UNIX, SOCK_STREAM, 0);
	ck_assert_int_ge(*fd, 0);
	ck_assert_int_eq(bind(*fd, (struct sockaddr *)&addr, sizeof addr), 0);
	return path;
}

static struct ward_spec *with_listener(const char *path, const char *notified)
{
	char json[512];
	snprintf(json, sizeof json,
		 DENY_BY_DEFAULT "{\"names\": [\"%s\"], \"action\": \"SCMP_ACT_NOTIFY\"}],"
				 " \"listenerPath\": \"%s\"}",
		 notified, path);
	return with_profile(json);
}

START_TEST(the_seccomp_agent_must_be_in_a_directory_the_admin_lists)
{
	NEEDS_OPENAT2();
	char agents[] = "/tmp/ward-agents-XXXXXX", other[] = "/tmp/ward-other-XXXXXX";
	char line[128], link[128], file[128];
	int s1, s2;
	ck_assert_ptr_nonnull(mkdtemp(agents));
	ck_assert_ptr_nonnull(mkdtemp(other));
	char good[108], bad[108];
	snprintf(good, sizeof good, "%s", bind_socket(agents, "agent.sock", &s1));
	snprintf(bad, sizeof bad, "%s", bind_socket(other, "evil.sock", &s2));
	snprintf(line, sizeof line, "seccomp-listener = %s", agents);

	/* No list: every agent is refused. */
	struct ward_spec *s = with_listener(good, "mkdir");
	struct policy_verdict v = judge_with("", s);
	ck_assert_ptr_nonnull(VIOLATION(v, "seccomp-listener-not-allowed"));
	ck_assert_str_eq(VIOLATION(v, "seccomp-listener-not-allowed")->path,
			 "linux.seccomp.listenerPath");
	policy_verdict_clear(&v);
	v = judge_with(line, s);
	ck_assert_uint_eq(v.n_violations, 0);
	policy_verdict_clear(&v);
	spec_free(s);

	expect(with_listener(bad, "mkdir"), "seccomp-listener-not-allowed", NULL);
	s = with_listener(bad, "mkdir");
	v = judge_with(line, s);
	ck_assert_ptr_nonnull(VIOLATION(v, "seccomp-listener-not-allowed"));
	policy_verdict_clear(&v);
	spec_free(s);

	/* Judged by identity: a link in the listed directory to a socket elsewhere is refused, a
	 * link elsewhere to the listed one is not. */
	snprintf(link, sizeof link, "%s/link.sock", agents);
	ck_assert_int_eq(symlink(bad, link), 0);
	s = with_listener(link, "mkdir");
	v = judge_with(line, s);
	ck_assert_ptr_nonnull(VIOLATION(v, "seccomp-listener-not-allowed"));
	ck_assert_ptr_nonnull(strstr(VIOLATION(v, "seccomp-listener-not-allowed")->detail, bad));
	policy_verdict_clear(&v);
	spec_free(s);
	char back[128];
	snprintf(back, sizeof back, "%s/back.sock", other);
	ck_assert_int_eq(symlink(good, back), 0);
	s = with_listener(back, "mkdir");
	v = judge_with(line, s);
	ck_assert_uint_eq(v.n_violations, 0);
	policy_verdict_clear(&v);
	spec_free(s);

	/* Only a socket. */
	snprintf(file, sizeof file, "%s/file", agents);
	FILE *f = fopen(file, "w");
	fclose(f);
	s = with_listener(file, "mkdir");
	v = judge_with(line, s);
	char expected[160];
	snprintf(expected, sizeof expected, "%s is not a socket", file);
	ck_assert_str_eq(VIOLATION(v, "seccomp-listener-not-allowed")->detail, expected);
	policy_verdict_clear(&v);
	spec_free(s);

	/* A notified call is judged by the admin's agent; an agent nobody listed lets it through.
	 */
	s = with_listener(good, "bpf");
	v = judge_with(line, s);
	ck_assert_uint_eq(v.n_violations, 0);
	policy_verdict_clear(&v);
	spec_free(s);
	s = with_listener(bad, "bpf");
	v = judge_with("allow = seccomp-listener-not-allowed", s);
	ck_assert_ptr_nonnull(VIOLATION(v, "seccomp-weakened"));
	policy_verdict_clear(&v);
	spec_free(s);

	close(s1);
	close(s2);
	unlink(link);
	unlink(back);
	unlink(file);
	unlink(good);
	unlink(bad);
	rmdir(agents);
	rmdir(other);
}
END_TEST

/* ---- levels ------------------------------------------------------------------------------- */

static struct ward_spec *restricted_ready(void)
{
	struct ward_spec *s = base();
	struct ward_capabilities *c = &s->process->caps;
	c->bounding = c->effective = c->permitted = CAP_BIT(CAP_NET_BIND_SERVICE);
	c->inheritable = c->ambient = 0;
	s->process->uid = 1000;
	s->process->no_new_privileges = true;
	s->root_readonly = true;
	s->linux_.has_resources = true;
	s->linux_.resources.has_memory_limit = true;
	s->linux_.resources.memory_limit = 64 << 20;
	s->linux_.resources.has_pids_limit = true;
	s->linux_.resources.pids_limit = 100;
	return s;
}

START_TEST(restricted_refuses_what_baseline_allows)
{
	struct ward_spec *s = base();
	s->process->no_new_privileges = false;
	s->root_readonly = false;
	struct policy_verdict v = judge_with("level = restricted", s);
	ck_assert_ptr_nonnull(VIOLATION(v, "restricted-run-as-root"));
	ck_assert_ptr_nonnull(VIOLATION(v, "restricted-privilege-escalation"));
	ck_assert_ptr_nonnull(VIOLATION(v, "restricted-capabilities"));
	ck_assert_ptr_nonnull(VIOLATION(v, "restricted-writable-rootfs"));
	ck_assert_ptr_nonnull(VIOLATION(v, "restricted-memory-limit"));
	ck_assert_ptr_nonnull(VIOLATION(v, "restricted-pids-limit"));
	ck_assert_str_eq(VIOLATION(v, "restricted-capabilities")->detail,
			 "CAP_KILL, CAP_AUDIT_WRITE");
	policy_verdict_clear(&v);
	v = judge_with("level = baseline", s);
	ck_assert_uint_eq(v.n_violations, 0);
	policy_verdict_clear(&v);
	spec_free(s);
}
END_TEST

START_TEST(restricted_allows_a_minimal_non_root_container)
{
	struct ward_spec *s = restricted_ready();
	struct policy_verdict v = judge_with("level = restricted", s);
	ck_assert_uint_eq(v.n_violations, 0);
	policy_verdict_clear(&v);
	spec_free(s);
}
END_TEST

/* A user namespace whose root is the host's root protects nothing. */
START_TEST(restricted_refuses_a_user_namespace_that_maps_root_to_host_root)
{
	struct ward_spec *s = base();
	s->linux_.namespaces[WARD_NS_USER].present = true;
	s->linux_.uid_mappings = calloc(1, sizeof *s->linux_.uid_mappings);
	s->linux_.uid_mappings[0] =
		(struct ward_id_mapping){.container_id = 0, .host_id = 0, .size = 65536};
	s->linux_.n_uid_mappings = 1;
	struct policy_verdict v = judge_with("level = restricted", s);
	ck_assert_ptr_nonnull(VIOLATION(v, "restricted-run-as-root"));
	policy_verdict_clear(&v);
	s->linux_.uid_mappings[0].host_id = 100000;
	v = judge_with("level = restricted", s);
	ck_assert_ptr_null(VIOLATION(v, "restricted-run-as-root"));
	policy_verdict_clear(&v);
	spec_free(s);
}
END_TEST

START_TEST(restricted_accepts_root_in_a_user_namespace)
{
	struct ward_spec *s = restricted_ready();
	s->process->uid = 0;
	struct policy_verdict v = judge_with("level = restricted", s);
	ck_assert_ptr_nonnull(VIOLATION(v, "restricted-run-as-root"));
	policy_verdict_clear(&v);
	s->linux_.namespaces[WARD_NS_USER].present = true;
	v = judge_with("level = restricted", s);
	ck_assert_uint_eq(v.n_violations, 0);
	policy_verdict_clear(&v);
	spec_free(s);
}
END_TEST

/* Docker's --privileged: every capability, no seccomp, every device, /sys read-write. */
static struct ward_spec *privileged(void)
{
	struct ward_spec *s = with_rule('a', -1, -1, "rwm");
	struct ward_capabilities *c = &s->process->caps;
	c->bounding = c->effective = c->permitted = (1ull << spec_cap_count()) - 1;
	for (size_t i = 0; i < s->n_mounts; i++)
		if (strcmp(s->mounts[i].type, "sysfs") == 0)
			for (char **o = s->mounts[i].options; *o; o++)
				if (strcmp(*o, "ro") == 0)
					strcpy(*o, "rw");
	return s;
}

START_TEST(baseline_refuses_an_engines_privileged_mode)
{
	struct ward_spec *s = privileged();
	struct policy_verdict v = judge_with("", s);
	ck_assert_ptr_nonnull(VIOLATION(v, "cap-sys-admin"));
	ck_assert_ptr_nonnull(VIOLATION(v, "device-rule-allow-all"));
	ck_assert_ptr_nonnull(VIOLATION(v, "sysfs-read-write"));
	ck_assert_uint_eq(v.n_violations, 27 + 2);
	policy_verdict_clear(&v);
	spec_free(s);
}
END_TEST

START_TEST(privileged_level_refuses_nothing_and_hardens_nothing)
{
	struct ward_spec *s = privileged();
	struct policy_verdict v = judge_with("level = privileged", s);
	ck_assert_uint_eq(v.n_violations, 0);
	ck_assert_uint_eq(v.n_hardened, 0);
	ck_assert(!v.default_seccomp && !v.never_filter);
	ck_assert_ptr_nonnull(OVERRIDE(v, "cap-sys-admin"));
	ck_assert_int_eq(OVERRIDE(v, "cap-sys-admin")->source, POLICY_BY_LEVEL);
	ck_assert_ptr_nonnull(OVERRIDE(v, "default-seccomp"));
	policy_verdict_clear(&v);
	spec_free(s);
}
END_TEST

START_TEST(the_engines_default_configs_pass_baseline_unchanged)
{
	/* Docker's, whose prestart hook needs a dockerd: dockers_own_hook_passes_baseline. */
	static const char *const files[] = {
		"podman-4.3-default.json", "containerd-1.6-ctr-default.json", "runc-1.1-spec.json"};
	expect(docker(), NULL, NULL);
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		struct ward_spec *s = load(files[i]);
		struct policy_verdict v = judge_with("", s);
		ck_assert_msg(v.n_violations == 0, "%s is refused", files[i]);
		ck_assert_uint_eq(v.n_overrides, 0);
		policy_verdict_clear(&v);
		spec_free(s);
	}
}
END_TEST

/* ---- hooks -------------------------------------------------------------------------------- */

static void add_hook(struct ward_spec *s, enum ward_hook_kind kind, const char *path)
{
	size_t n = s->hooks.count[kind];
	s->hooks.list[kind] = realloc(s->hooks.list[kind], (n + 1) * sizeof *s->hooks.list[kind]);
	ck_assert_ptr_nonnull(s->hooks.list[kind]);
	memset(&s->hooks.list[kind][n], 0, sizeof s->hooks.list[kind][n]);
	s->hooks.list[kind][n].path = strdup(path);
	s->hooks.count[kind] = n + 1;
}

static struct ward_spec *with_hook(enum ward_hook_kind kind, const char *path)
{
	struct ward_spec *s = base();
	add_hook(s, kind, path);
	return s;
}

/* A hook script in a fresh temporary directory: dir and file are filled in. */
static void make_hook(char *dir, size_t dir_len, char *file, size_t file_len)
{
	snprintf(dir, dir_len, "/tmp/ward-policy-hook-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(file, file_len, "%s/hook", dir);
	FILE *f = fopen(file, "w");
	ck_assert_ptr_nonnull(f);
	fputs("#!/bin/sh\ntouch /tmp/ward-policy-hook-ran\n", f);
	fclose(f);
	ck_assert_int_eq(chmod(file, 0755), 0);
}

static void remove_hook(const char *dir, const char *file)
{
	unlink(file);
	rmdir(dir);
}

/* judge_with(policy, spec) expecting exactly hook-not-allowed at path, whose detail holds
 * `detail`; or (path NULL) no violation at all. */
static void expect_hook(const char *policy, struct ward_spec *s, const char *path,
			const char *detail)
{
	struct policy_verdict v = judge_with(policy, s);
	if (path) {
		const struct policy_finding *f = VIOLATION(v, "hook-not-allowed");
		ck_assert_msg(f != NULL, "expected hook-not-allowed under \"%s\"", policy);
		size_t n = 0;
		for (size_t i = 0; i < v.n_violations; i++)
			n += v.violations[i].check == policy_check_find("hook-not-allowed");
		ck_assert_uint_eq(n, 1);
		ck_assert_str_eq(f->path, path);
		ck_assert_msg(strstr(f->detail, detail), "detail \"%s\" lacks \"%s\"", f->detail,
			      detail);
	} else {
		ck_assert_msg(v.n_violations == 0, "\"%s\": %s refused: %s", policy,
			      v.n_violations ? v.violations[0].path : "",
			      v.n_violations ? v.violations[0].detail : "");
		ck_assert_uint_eq(v.n_overrides, 0);
	}
	policy_verdict_clear(&v);
	spec_free(s);
}

START_TEST(refuses_a_hook_the_policy_does_not_list)
{
	NEEDS_OPENAT2();
	static const enum ward_hook_kind host_side[] = {
		WARD_HOOK_PRESTART, WARD_HOOK_CREATE_RUNTIME, WARD_HOOK_CREATE_CONTAINER,
		WARD_HOOK_POSTSTART, WARD_HOOK_POSTSTOP};
	char dir[64], file[96], path[64];
	make_hook(dir, sizeof dir, file, sizeof file);
	for (size_t i = 0; i < sizeof host_side / sizeof host_side[0]; i++) {
		snprintf(path, sizeof path, "hooks.%s[0].path", spec_hook_name(host_side[i]));
		expect_hook("", with_hook(host_side[i], file), path, "is not an allowed hook");
		expect_hook("level = restricted", with_hook(host_side[i], file), path,
			    "is not an allowed hook");
	}
	/* A system program is no exception: hooks run host root's code of the config's choice. */
	expect_hook("", with_hook(WARD_HOOK_PRESTART, "/bin/sh"), "hooks.prestart[0].path",
		    "/bin/sh (resolved to /usr/bin/");
	/* ... nor a hook ward cannot find. */
	expect_hook("", with_hook(WARD_HOOK_POSTSTOP, "/nonexistent/hook"),
		    "hooks.poststop[0].path", "cannot be resolved on this host");
	/* The second hook of a kind is named by its own index. */
	struct ward_spec *s = with_hook(WARD_HOOK_PRESTART, "/usr/bin/true");
	add_hook(s, WARD_HOOK_PRESTART, file);
	expect_hook("hook = /usr/bin/true", s, "hooks.prestart[1].path", file);
	remove_hook(dir, file);
}
END_TEST

START_TEST(start_container_hooks_are_not_host_hooks)
{
	/* They run inside the container, as its process, after every privilege drop. */
	expect_hook("", with_hook(WARD_HOOK_START_CONTAINER, "/anything/in/the/container"), NULL,
		    NULL);
}
END_TEST

START_TEST(allows_a_hook_by_its_file_entry)
{
	NEEDS_OPENAT2();
	char dir[64], file[96], entry[128], link[128];
	make_hook(dir, sizeof dir, file, sizeof file);
	snprintf(entry, sizeof entry, "hook = %s", file);
	expect_hook(entry, with_hook(WARD_HOOK_PRESTART, file), NULL, NULL);
	expect_hook(entry, with_hook(WARD_HOOK_POSTSTOP, file), NULL, NULL);
	/* The file is judged, not the name: a symlink to it is the same hook ... */
	snprintf(link, sizeof link, "%s/link", dir);
	ck_assert_int_eq(symlink(file, link), 0);
	expect_hook(entry, with_hook(WARD_HOOK_CREATE_RUNTIME, link), NULL, NULL);
	unlink(link);
	/* ... and a file entry allows that file only, not its neighbours. */
	snprintf(entry, sizeof entry, "hook = %s", "/usr/bin/true");
	expect_hook(entry, with_hook(WARD_HOOK_PRESTART, "/usr/bin/false"),
		    "hooks.prestart[0].path", "is not an allowed hook");
	expect_hook(entry, with_hook(WARD_HOOK_PRESTART, "/usr/bin/true"), NULL, NULL);
	remove_hook(dir, file);
}
END_TEST

START_TEST(allows_a_hook_by_its_directory_entry)
{
	NEEDS_OPENAT2();
	char dir[64], file[96], entry[128], sub[128], deeper[160];
	make_hook(dir, sizeof dir, file, sizeof file);
	snprintf(entry, sizeof entry, "hook = %s/", dir);
	expect_hook(entry, with_hook(WARD_HOOK_CREATE_CONTAINER, file), NULL, NULL);
	/* Only the files directly in it: not a subdirectory's. */
	snprintf(sub, sizeof sub, "%s/sub", dir);
	snprintf(deeper, sizeof deeper, "%s/hook", sub);
	ck_assert_int_eq(mkdir(sub, 0755), 0);
	ck_assert_int_eq(link(file, deeper), 0);
	expect_hook(entry, with_hook(WARD_HOOK_PRESTART, deeper), "hooks.prestart[0].path",
		    "is not an allowed hook");
	/* A link from the allowed directory to elsewhere is judged where it leads. */
	unlink(deeper);
	rename(file, deeper);
	ck_assert_int_eq(symlink(deeper, file), 0);
	expect_hook(entry, with_hook(WARD_HOOK_PRESTART, file), "hooks.prestart[0].path",
		    "(resolved to ");
	unlink(file);
	unlink(deeper);
	rmdir(sub);
	rmdir(dir);
}
END_TEST

START_TEST(refuses_an_allowed_hook_others_can_change)
{
	NEEDS_OPENAT2();
	char dir[64], file[96], entry[128];
	make_hook(dir, sizeof dir, file, sizeof file);
	snprintf(entry, sizeof entry, "hook = %s", dir);
	ck_assert_int_eq(chmod(file, 0775), 0);
	expect_hook(entry, with_hook(WARD_HOOK_PRESTART, file), "hooks.prestart[0].path",
		    "is writable by group or others (mode 0775)");
	ck_assert_int_eq(chmod(file, 0757), 0);
	expect_hook(entry, with_hook(WARD_HOOK_POSTSTART, file), "hooks.poststart[0].path",
		    "is writable by group or others");
	ck_assert_int_eq(chmod(file, 0755), 0);
	if (geteuid() == 0) { /* only root can give a file away */
		ck_assert_int_eq(chown(file, 12345, (gid_t)-1), 0);
		ck_assert_int_eq(chmod(file, 0755), 0);
		expect_hook(entry, with_hook(WARD_HOOK_PRESTART, file), "hooks.prestart[0].path",
			    "is owned by uid 12345, not by root");
	}
	/* A directory is no hook. */
	expect_hook(entry, with_hook(WARD_HOOK_PRESTART, dir), "hooks.prestart[0].path",
		    "is not a regular file");
	remove_hook(dir, file);
}
END_TEST

START_TEST(refuses_an_environment_that_runs_other_code_in_an_allowed_hook)
{
	NEEDS_OPENAT2();
	static const char *const env[] = {"PATH=/usr/bin:/bin",
					  "LD_PRELOAD=/tmp/x.so",
					  "BASH_FUNC_cat%%=() { id; }",
					  "LANG=C.UTF-8",
					  "GCONV_PATH=/tmp",
					  "ENVIRONMENT=prod",
					  "LD_LIBRARY_PATH",
					  NULL};
	struct ward_spec *s = with_hook(WARD_HOOK_CREATE_RUNTIME, "/usr/bin/true");
	s->hooks.list[WARD_HOOK_CREATE_RUNTIME][0].env = calloc(8, sizeof(char *));
	for (size_t i = 0; env[i]; i++)
		s->hooks.list[WARD_HOOK_CREATE_RUNTIME][0].env[i] = strdup(env[i]);
	struct policy_verdict v = judge_with("hook = /usr/bin/true", s);
	ck_assert_uint_eq(v.n_violations, 4);
	static const char *const paths[] = {
		"hooks.createRuntime[0].env[1]", "hooks.createRuntime[0].env[2]",
		"hooks.createRuntime[0].env[4]", "hooks.createRuntime[0].env[6]"};
	for (size_t i = 0; i < 4; i++) {
		ck_assert_int_eq(v.violations[i].check, policy_check_find("hook-not-allowed"));
		ck_assert_str_eq(v.violations[i].path, paths[i]);
	}
	ck_assert_ptr_nonnull(strstr(v.violations[1].detail, "BASH_FUNC_cat%% would make"));
	policy_verdict_clear(&v);
	spec_free(s);
}
END_TEST

START_TEST(lifting_the_hook_check_lets_any_hook_run)
{
	struct ward_spec *s = with_hook(WARD_HOOK_PRESTART, "/bin/sh");
	struct policy_verdict v = judge_with("allow = hook-not-allowed", s);
	ck_assert_uint_eq(v.n_violations, 0);
	ck_assert_ptr_nonnull(OVERRIDE(v, "hook-not-allowed"));
	policy_verdict_clear(&v);
	spec_free(s);
	s = with_hook(WARD_HOOK_POSTSTOP, "/bin/sh");
	v = judge_with("level = privileged", s);
	ck_assert_uint_eq(v.n_violations, 0);
	ck_assert_int_eq(OVERRIDE(v, "hook-not-allowed")->source, POLICY_BY_LEVEL);
	policy_verdict_clear(&v);
	spec_free(s);
}
END_TEST

/* A child running `binary` with argument 100 (sleep); its pid. */
static pid_t run_sleeper(const char *binary, const char *argv0)
{
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		execl(binary, argv0, "100", (char *)NULL);
		_exit(127);
	}
	/* Until the exec is done, /proc/<pid>/exe names this test. */
	char link[64], target[256];
	snprintf(link, sizeof link, "/proc/%d/exe", pid);
	for (int i = 0; i < 500; i++) {
		ssize_t n = readlink(link, target, sizeof target - 1);
		if (n > 0 && (target[n] = '\0', strstr(target, argv0)))
			break;
		usleep(10000);
	}
	return pid;
}

static void stop_sleeper(pid_t pid)
{
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

START_TEST(a_hook_named_through_proc_pid_exe_is_judged_as_its_binary)
{
	NEEDS_OPENAT2();
	char path[64];
	pid_t pid = run_sleeper("/usr/bin/sleep", "sleep");
	snprintf(path, sizeof path, "/proc/%d/exe", pid);
	expect_hook("", with_hook(WARD_HOOK_PRESTART, path), "hooks.prestart[0].path",
		    "(resolved to /usr/bin/sleep) is not an allowed hook");
	expect_hook("hook = /usr/bin/sleep", with_hook(WARD_HOOK_PRESTART, path), NULL, NULL);
	expect_hook("hook = /usr/bin", with_hook(WARD_HOOK_PRESTART, path), NULL, NULL);
	stop_sleeper(pid);
	/* The same magic link of ward's own process. */
	char self[256];
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
	ck_assert_int_gt(n, 0);
	self[n] = '\0';
	expect_hook("", with_hook(WARD_HOOK_PRESTART, "/proc/self/exe"), "hooks.prestart[0].path",
		    self);
}
END_TEST

/* A dockerd of our own at /usr/sbin/dockerd, in a private mount namespace (a copy of sleep on a
 * tmpfs over /usr/sbin), so the test does not depend on, nor touch, the host's Docker. */
static void private_dockerd(void)
{
	if (geteuid() != 0) {
		static const char *const files[] = {"/proc/self/setgroups", "/proc/self/uid_map",
						    "/proc/self/gid_map"};
		char maps[3][64];
		snprintf(maps[0], sizeof maps[0], "deny");
		snprintf(maps[1], sizeof maps[1], "0 %u 1", (unsigned)geteuid());
		snprintf(maps[2], sizeof maps[2], "0 %u 1", (unsigned)getegid());
		ck_assert_int_eq(unshare(CLONE_NEWUSER | CLONE_NEWNS), 0);
		for (int i = 0; i < 3; i++) {
			int fd = open(files[i], O_WRONLY);
			ck_assert_int_gt(write(fd, maps[i], strlen(maps[i])), 0);
			close(fd);
		}
	} else {
		ck_assert_int_eq(unshare(CLONE_NEWNS), 0);
	}
	ck_assert_int_eq(mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL), 0);
	int in = open("/usr/bin/sleep", O_RDONLY | O_CLOEXEC);
	ck_assert_int_ge(in, 0);
	ck_assert_int_eq(mount("tmpfs", "/usr/sbin", "tmpfs", 0, "mode=0755"), 0);
	int out = open("/usr/sbin/dockerd", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0755);
	ck_assert_int_ge(out, 0);
	char buf[65536];
	ssize_t n;
	while ((n = read(in, buf, sizeof buf)) > 0)
		ck_assert_int_eq(write(out, buf, (size_t)n), n);
	close(in);
	close(out);
}

START_TEST(dockers_own_hook_passes_baseline)
{
	NEEDS_OPENAT2();
	const char *const *builtin = policy_builtin_hooks();
	bool listed = false;
	for (size_t i = 0; builtin[i]; i++)
		listed |= strcmp(builtin[i], "/usr/sbin/dockerd") == 0;
	ck_assert(listed);

	private_dockerd();
	pid_t pid = run_sleeper("/usr/sbin/dockerd", "dockerd");
	struct ward_spec *s = load("docker-20.10-default.json");
	ck_assert_uint_eq(s->hooks.count[WARD_HOOK_PRESTART], 1);
	free(s->hooks.list[WARD_HOOK_PRESTART][0].path);
	ck_assert_int_ge(asprintf(&s->hooks.list[WARD_HOOK_PRESTART][0].path, "/proc/%d/exe", pid),
			 0);
	expect_hook("", s, NULL, NULL);
	/* Only as Docker's hook: with any other args[0], dockerd would be a Docker daemon of the
	 * config's making. */
	char exe[64];
	snprintf(exe, sizeof exe, "/proc/%d/exe", pid);
	s = load("docker-20.10-default.json");
	free(s->hooks.list[WARD_HOOK_PRESTART][0].path);
	s->hooks.list[WARD_HOOK_PRESTART][0].path = strdup(exe);
	free(s->hooks.list[WARD_HOOK_PRESTART][0].args[0]);
	s->hooks.list[WARD_HOOK_PRESTART][0].args[0] = strdup("dockerd");
	expect_hook("", s, "hooks.prestart[0].path",
		    "(resolved to /usr/sbin/dockerd) is /usr/sbin/dockerd, which ward allows only "
		    "as Docker's hook (args[0] \"libnetwork-setkey\", not \"dockerd\")");
	expect_hook("", with_hook(WARD_HOOK_POSTSTOP, exe), "hooks.poststop[0].path",
		    "allows only as Docker's hook");
	/* The admin may allow more. */
	expect_hook("hook = /usr/sbin/dockerd", with_hook(WARD_HOOK_POSTSTOP, exe), NULL, NULL);
	/* The hook is allowed as dockerd's binary, not as any process's exe. */
	pid_t not_docker = run_sleeper("/usr/bin/sleep", "sleep");
	struct ward_spec *other = load("docker-20.10-default.json");
	free(other->hooks.list[WARD_HOOK_PRESTART][0].path);
	ck_assert_int_ge(asprintf(&other->hooks.list[WARD_HOOK_PRESTART][0].path, "/proc/%d/exe",
				  not_docker),
			 0);
	expect_hook("", other, "hooks.prestart[0].path", "(resolved to /usr/bin/sleep)");
	stop_sleeper(not_docker);
	stop_sleeper(pid);
}
END_TEST

START_TEST(start_and_delete_judge_their_hooks_again)
{
	NEEDS_OPENAT2();
	char dir[64], file[96], entry[128];
	make_hook(dir, sizeof dir, file, sizeof file);
	struct ward_spec *s = with_hook(WARD_HOOK_POSTSTART, file);
	struct host_object exe;
	struct ward_error err = {0};
	struct policy_verdict v;
	ck_assert_int_eq(hostpath_resolve(AT_FDCWD, file, HOSTPATH_ANY, O_PATH, &exe), 0);

	struct policy p = pol("");
	ck_assert_int_eq(policy_evaluate_hooks(&p, s, WARD_HOOK_POSTSTART, &exe, &v, &err), 0);
	ck_assert_ptr_nonnull(VIOLATION(v, "hook-not-allowed"));
	ck_assert_str_eq(VIOLATION(v, "hook-not-allowed")->path, "hooks.poststart[0].path");
	policy_verdict_clear(&v);
	policy_clear(&p);

	snprintf(entry, sizeof entry, "hook = %s", dir);
	p = pol(entry);
	ck_assert_int_eq(policy_evaluate_hooks(&p, s, WARD_HOOK_POSTSTART, &exe, &v, &err), 0);
	ck_assert_uint_eq(v.n_violations, 0);
	policy_verdict_clear(&v);
	/* Without the resolved file (it vanished), nothing is judged allowed. */
	ck_assert_int_eq(policy_evaluate_hooks(&p, s, WARD_HOOK_POSTSTART, NULL, &v, &err), 0);
	ck_assert_ptr_nonnull(VIOLATION(v, "hook-not-allowed"));
	policy_verdict_clear(&v);
	policy_clear(&p);

	hostpath_clear(&exe);
	spec_free(s);
	remove_hook(dir, file);
}
END_TEST

/* ---- overrides ---------------------------------------------------------------------------- */

static struct ward_spec *annotated(const char *value)
{
	struct ward_spec *s = base();
	s->process->caps.bounding |= CAP_BIT(CAP_SYS_PTRACE);
	s->annotations = realloc(s->annotations, (s->n_annotations + 1) * sizeof *s->annotations);
	s->annotations[s->n_annotations].key = strdup(POLICY_ANNOTATION);
	s->annotations[s->n_annotations].value = strdup(value);
	s->n_annotations++;
	return s;
}

START_TEST(annotation_cannot_lift_a_check_that_is_not_overridable)
{
	struct ward_spec *s = annotated("cap-sys-ptrace");
	struct policy_verdict v = judge_with("", s);
	ck_assert_ptr_nonnull(VIOLATION(v, "cap-sys-ptrace"));
	ck_assert(v.annotated[policy_check_find("cap-sys-ptrace")]);
	struct policy p = pol("");
	struct ward_error err = {0};
	policy_refusal(&p, &v, "config.json", &err);
	ck_assert_ptr_nonnull(strstr(err.msg, "annotation cannot lift it"));
	policy_clear(&p);
	policy_verdict_clear(&v);
	spec_free(s);
}
END_TEST

START_TEST(annotation_lifts_an_overridable_check)
{
	struct ward_spec *s = annotated(" cap-sys-ptrace , host-pid-namespace");
	struct policy_verdict v = judge_with("overridable = cap-sys-ptrace", s);
	ck_assert_uint_eq(v.n_violations, 0);
	ck_assert_int_eq(OVERRIDE(v, "cap-sys-ptrace")->source, POLICY_BY_ANNOTATION);
	policy_verdict_clear(&v);
	spec_free(s);
}
END_TEST

START_TEST(annotation_lifts_only_what_it_names)
{
	struct ward_spec *s = annotated("cap-sys-ptrace");
	s->process->caps.bounding |= CAP_BIT(CAP_NET_ADMIN);
	struct policy_verdict v = judge_with("overridable = cap-sys-ptrace, cap-net-admin", s);
	ck_assert_ptr_nonnull(VIOLATION(v, "cap-net-admin"));
	ck_assert_ptr_null(VIOLATION(v, "cap-sys-ptrace"));
	policy_verdict_clear(&v);
	spec_free(s);
}
END_TEST

START_TEST(admin_allow_lifts_a_check_for_every_container)
{
	struct ward_spec *s = annotated("cap-sys-ptrace");
	struct policy_verdict v = judge_with("allow = cap-sys-ptrace", s);
	ck_assert_uint_eq(v.n_violations, 0);
	ck_assert_int_eq(OVERRIDE(v, "cap-sys-ptrace")->source, POLICY_BY_FILE);
	policy_verdict_clear(&v);
	spec_free(s);
}
END_TEST

/* What the engine user typed, where one flag produced the field; one allow line for all. */
START_TEST(a_privileged_refusal_names_the_engine_flags_and_one_allow_line)
{
	struct ward_spec *s = load("docker-20.10-default.json");
	s->process->caps.bounding = ~0ull >> (64 - spec_cap_count());
	s->linux_.namespaces[WARD_NS_PID].present = false;
	struct policy p = pol("");
	struct policy_verdict v;
	struct ward_error err = {0};
	ck_assert_int_eq(evaluate(&p, s, &v, &err), 0);
	ck_assert_int_eq(policy_refusal(&p, &v, "config.json", &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "capabilities: docker/podman --privileged or "
					      "--cap-add ALL"));
	ck_assert_ptr_nonnull(strstr(err.msg, "[host-pid-namespace] (docker/podman: --pid host)"));
	ck_assert_ptr_null(strstr(err.msg, "or, to allow it"));
	const char *line = strstr(err.msg, "To allow them, add \"allow = ");
	ck_assert_ptr_nonnull(line);
	ck_assert_ptr_nonnull(strstr(line, "cap-sys-admin"));
	ck_assert_ptr_nonnull(strstr(line, "host-pid-namespace"));
	ck_assert_ptr_null(strstr(line, "\n")); /* one line */
	char flag[128];
	ck_assert_str_eq(policy_engine_flag(VIOLATION(v, "host-pid-namespace"), flag, sizeof flag),
			 "--pid host");
	policy_verdict_clear(&v);
	policy_clear(&p);
	spec_free(s);
}
END_TEST

START_TEST(unknown_check_in_the_annotation_is_an_error)
{
	struct ward_spec *s = annotated("cap-sys-ptrace, cap-everything");
	struct policy p = pol("overridable = cap-sys-ptrace");
	struct policy_verdict v;
	struct ward_error err = {0};
	ck_assert_int_eq(evaluate(&p, s, &v, &err), -1);
	ck_assert_str_eq(err.msg, "config.json: annotations[\"org.ward.policy.allow\"]: unknown "
				  "check \"cap-everything\" (`ward policy list` names them all)");
	policy_verdict_clear(&v);
	policy_clear(&p);
	spec_free(s);
}
END_TEST

START_TEST(refusal_lists_every_violation_with_path_reason_and_policy_line)
{
	/* a socket no host has: a running Docker's /run/docker.sock would be judged (and named)
	 * as the file it is */
	struct ward_spec *s = with_bind("/var/run/ward-unit-test/docker.sock");
	s->process->caps.bounding |= CAP_BIT(CAP_SYS_MODULE);
	struct policy p = pol("overridable = cap-sys-module");
	struct policy_verdict v;
	struct ward_error err = {0};
	ck_assert_int_eq(evaluate(&p, s, &v, &err), 0);
	ck_assert_int_eq(policy_refusal(&p, &v, "config.json", &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "refused by the baseline policy (test.conf): 3 "
					      "violations"));
	ck_assert_ptr_nonnull(strstr(err.msg, "process.capabilities.bounding: CAP_SYS_MODULE in "
					      "bounding [cap-sys-module]"));
	ck_assert_ptr_nonnull(strstr(err.msg,
				     "To allow them, add \"allow = cap-sys-module, "
				     "mount-container-socket, mount-host-run\" to test.conf"));
	ck_assert_ptr_nonnull(strstr(err.msg, "[cap-sys-module] (docker/podman: --cap-add "
					      "SYS_MODULE)"));
	ck_assert_ptr_nonnull(strstr(err.msg, "annotate the container with "
					      "org.ward.policy.allow=cap-sys-module"));
	ck_assert_ptr_nonnull(strstr(err.msg,
				     "mounts[7].source: /var/run/ward-unit-test/docker.sock is "
				     "a host daemon's socket [mount-container-socket]"));
	ck_assert_ptr_nonnull(strstr(err.msg,
				     "mounts[7].source: /var/run/ward-unit-test/docker.sock is "
				     "below the host's /var/run [mount-host-run]"));
	policy_verdict_clear(&v);
	policy_clear(&p);
	spec_free(s);
}
END_TEST

/* ---- hardening ---------------------------------------------------------------------------- */

START_TEST(hardening_fills_what_the_config_leaves_out)
{
	struct ward_spec *s = load("containerd-1.6-ctr-default.json");
	struct policy_verdict v = judge_with("", s);
	ck_assert(v.default_seccomp && v.never_filter);
	ck_assert_ptr_nonnull(HARDENED(v, "default-seccomp"));
	policy_verdict_clear(&v);
	spec_free(s);

	s = load("podman-4.3-default.json");
	size_t before = s->linux_.masked_paths ? strv_length(s->linux_.masked_paths) : 0;
	v = judge_with("", s);
	ck_assert(!v.default_seccomp); /* podman sends its own profile */
	ck_assert_str_eq(HARDENED(v, "default-masked-paths")->detail,
			 "added /proc/asound, /proc/interrupts, /sys/devices/virtual/powercap");
	ck_assert_uint_eq(strv_length(s->linux_.masked_paths), before + 3);
	ck_assert(strv_contains(s->linux_.masked_paths, "/proc/interrupts"));
	ck_assert(s->linux_.namespaces[WARD_NS_CGROUP].present);
	ck_assert_ptr_nonnull(HARDENED(v, "private-cgroup-namespace"));
	policy_verdict_clear(&v);
	spec_free(s);
}
END_TEST

/* A config with none of the optional lists (no maskedPaths, readonlyPaths, mounts, devices,
 * namespaces, capabilities): the hardening starts each list from nothing. valgrind saw an
 * uninitialised read here that ASan cannot. */
START_TEST(hardening_fills_a_config_lacking_every_optional_list)
{
	static const char minimal[] =
		"{\"ociVersion\": \"1.0.2\", \"root\": {\"path\": \"rootfs\"},"
		" \"process\": {\"args\": [\"sh\"], \"cwd\": \"/\","
		" \"user\": {\"uid\": 0, \"gid\": 0}}, \"linux\": {}}";
	struct ward_error err = {0};
	struct ward_spec *s = spec_parse(minimal, sizeof minimal - 1, "config.json", &err);
	ck_assert_msg(s != NULL, "%s", err.msg);
	struct policy_verdict v = judge_with("", s);
	ck_assert_uint_eq(strv_length(s->linux_.masked_paths), count_of(spec_default_masked_paths));
	ck_assert_uint_eq(strv_length(s->linux_.readonly_paths),
			  count_of(spec_default_readonly_paths));
	for (size_t i = 0; spec_default_masked_paths[i]; i++)
		ck_assert(strv_contains(s->linux_.masked_paths, spec_default_masked_paths[i]));
	policy_verdict_clear(&v);
	spec_free(s);
}
END_TEST

/* Kubernetes procMount: Unmasked arrives as empty lists: refused by name, never re-masked
 * silently; honoured when the admin lifts it, and only with a user namespace (or a second
 * allow). */
START_TEST(an_explicitly_unmasked_proc_is_refused_or_honoured_never_changed)
{
	struct ward_spec *s = base();
	strv_free(s->linux_.masked_paths);
	strv_free(s->linux_.readonly_paths);
	s->linux_.masked_paths = calloc(1, sizeof(char *));
	s->linux_.readonly_paths = calloc(1, sizeof(char *));
	struct policy_verdict v = judge_with("", s);
	ck_assert_ptr_nonnull(VIOLATION(v, "proc-unmasked"));
	ck_assert_uint_eq(strv_length(s->linux_.masked_paths), 0);
	policy_verdict_clear(&v);

	/* lifted, without a user namespace: the second check */
	v = judge_with("allow = proc-unmasked", s);
	ck_assert_ptr_null(VIOLATION(v, "proc-unmasked"));
	ck_assert_ptr_nonnull(VIOLATION(v, "proc-unmasked-without-userns"));
	policy_verdict_clear(&v);

	/* lifted, with a user namespace: honoured as sent */
	s->linux_.namespaces[WARD_NS_USER].present = true;
	v = judge_with("allow = proc-unmasked", s);
	ck_assert_uint_eq(v.n_violations, 0);
	ck_assert_uint_eq(strv_length(s->linux_.masked_paths), 0);
	ck_assert_uint_eq(strv_length(s->linux_.readonly_paths), 0);
	ck_assert_ptr_null(HARDENED(v, "default-masked-paths"));
	policy_verdict_clear(&v);
	spec_free(s);

	/* absent lists (docker --privileged): the defaults, and a flag for the log */
	s = base();
	strv_free(s->linux_.masked_paths);
	s->linux_.masked_paths = NULL;
	s->linux_.has_masked_paths = false;
	v = judge_with("", s);
	ck_assert(v.masks_opt_out_replaced);
	ck_assert(strv_contains(s->linux_.masked_paths, "/proc/kcore"));
	policy_verdict_clear(&v);
	spec_free(s);
}
END_TEST

START_TEST(allow_switches_a_hardening_off)
{
	struct ward_spec *s = load("podman-4.3-default.json");
	size_t before = strv_length(s->linux_.masked_paths);
	struct policy_verdict v =
		judge_with("allow = default-masked-paths, private-cgroup-namespace\n"
			   "allow = never-seccomp-filter",
			   s);
	ck_assert_uint_eq(strv_length(s->linux_.masked_paths), before);
	ck_assert(!s->linux_.namespaces[WARD_NS_CGROUP].present);
	ck_assert(!v.never_filter);
	ck_assert_ptr_nonnull(OVERRIDE(v, "default-masked-paths"));
	ck_assert_ptr_null(HARDENED(v, "default-masked-paths"));
	policy_verdict_clear(&v);
	spec_free(s);
}
END_TEST

START_TEST(exec_is_judged_on_its_own_process)
{
	struct ward_spec *s = base();
	struct ward_process proc = *s->process;
	proc.caps.effective |= CAP_BIT(CAP_SYS_ADMIN);
	struct policy p = pol("");
	struct policy_verdict v;
	struct ward_error err = {0};
	ck_assert_int_eq(policy_evaluate_process(&p, s, NULL, &proc, &v, &err), 0);
	ck_assert_ptr_nonnull(VIOLATION(v, "cap-sys-admin"));
	ck_assert(v.default_seccomp);
	policy_verdict_clear(&v);
	policy_clear(&p);
	spec_free(s);
}
END_TEST

/* Every process-level check applies to the process exec starts, and the container's profile is
 * judged as compiled for that process's bounding set. */
START_TEST(exec_is_judged_on_every_process_setting)
{
	struct ward_spec *s = base();
	struct policy_caller c = caller_here();
	c.oom_score_adj = 0;
	c.nice = 0;
	c.limits[RLIMIT_NOFILE].rlim_max = 1024;
	c.limits[RLIMIT_RTPRIO].rlim_cur = c.limits[RLIMIT_RTPRIO].rlim_max = 0;
	struct ward_rlimit rl = {
		.type = "RLIMIT_NOFILE", .resource = RLIMIT_NOFILE, .soft = 4096, .hard = 4096};
	struct ward_process proc = *s->process;
	proc.scheduler = (struct ward_scheduler){.present = true,
						 .policy = "SCHED_FIFO",
						 .policy_value = SCHED_FIFO,
						 .priority = 99};
	proc.has_io_priority = true;
	proc.io_priority_class = "IOPRIO_CLASS_RT";
	proc.io_priority_class_value = 1;
	proc.rlimits = &rl;
	proc.n_rlimits = 1;
	proc.has_oom_score_adj = true;
	proc.oom_score_adj = -500;
	struct policy p = pol("level = restricted");
	p.caller = &c;
	struct policy_verdict v;
	struct ward_error err = {0};
	ck_assert_int_eq(policy_evaluate_process(&p, s, NULL, &proc, &v, &err), 0);
	static const char *const expected[] = {"sched-realtime",	 "ioprio-realtime",
					       "rlimit-above-caller",	 "oom-score-adj-lowered",
					       "restricted-run-as-root", "restricted-capabilities"};
	for (size_t i = 0; i < sizeof expected / sizeof expected[0]; i++)
		ck_assert_msg(VIOLATION(v, expected[i]) != NULL, "%s", expected[i]);
	policy_verdict_clear(&v);
	policy_clear(&p);

	/* A rule that applies only with CAP_SYS_PTRACE: not to the container's process, but to
	 * an exec'd one that has it. */
	spec_seccomp_free(s->linux_.seccomp);
	const char *json = DENY_BY_DEFAULT
		"{\"names\": [\"bpf\"], \"action\": \"SCMP_ACT_ALLOW\", \"includes\": "
		"{\"caps\": [\"CAP_SYS_PTRACE\"]}}]}";
	s->linux_.seccomp = spec_parse_seccomp(json, strlen(json), "linux.seccomp", &err);
	ck_assert_ptr_nonnull(s->linux_.seccomp);
	proc = *s->process;
	p = pol("allow = cap-sys-ptrace");
	ck_assert_int_eq(policy_evaluate_process(&p, s, NULL, &proc, &v, &err), 0);
	ck_assert_uint_eq(v.n_violations, 0);
	policy_verdict_clear(&v);
	proc.caps.bounding |= CAP_BIT(CAP_SYS_PTRACE);
	ck_assert_int_eq(policy_evaluate_process(&p, s, NULL, &proc, &v, &err), 0);
	ck_assert_ptr_nonnull(VIOLATION(v, "seccomp-weakened"));
	policy_verdict_clear(&v);

	/* The agent's socket, named only: judged by name against the list. */
	free(s->linux_.seccomp->listener_path);
	s->linux_.seccomp->listener_path = strdup("/run/evil/agent.sock");
	ck_assert_int_eq(policy_evaluate_process(&p, s, NULL, &proc, &v, &err), 0);
	ck_assert_ptr_nonnull(VIOLATION(v, "seccomp-listener-not-allowed"));
	policy_verdict_clear(&v);
	policy_clear(&p);
	spec_free(s);
}
END_TEST

/* ---- the policy file ---------------------------------------------------------------------- */

static void parse_fails(const char *text, const char *msg)
{
	struct policy p;
	struct ward_error err = {0};
	memset(&p, 0, sizeof p);
	ck_assert_int_eq(policy_parse(text, strlen(text), "policy.conf", &p, &err), -1);
	ck_assert_str_eq(err.msg, msg);
	policy_clear(&p);
}

/* `userns = auto`: who gets a namespace from the pool, and how the verdict reports it. */
START_TEST(auto_user_namespace_goes_to_configs_without_one)
{
	struct ward_error err = {0};
	struct policy p = pol("userns = auto\nuserns-pool = 3000000000:65536\n");
	struct policy off = pol("userns = off\n");
	struct ward_spec *s = base();
	bool wanted;

	ck_assert_str_eq(p.userns_pool, "3000000000:65536");
	ck_assert_int_eq(policy_auto_userns(&p, s, &wanted, &err), 0);
	ck_assert(wanted);
	ck_assert_int_eq(policy_auto_userns(&off, s, &wanted, &err), 0);
	ck_assert(!wanted);
	/* Given one (as create does), the verdict says so and root is no host root. */
	ck_assert_int_eq(spec_add_user_namespace(s, 3000000000u, 3000000000u, 65536, &err), 0);
	ck_assert_int_eq(spec_add_user_namespace(s, 1, 1, 1, &err), -1);
	struct ward_plan plan;
	plan_init(&plan);
	plan.auto_userns = true;
	struct policy_verdict v;
	ck_assert_int_eq(policy_evaluate(&p, s, &plan, &v, &err), 0);
	const struct policy_finding *f = HARDENED(v, "auto-user-namespace");
	ck_assert_ptr_nonnull(f);
	ck_assert_str_eq(f->detail, "a user namespace: container ids 0-65535 are host uids "
				    "3000000000-3000065535, gids 3000000000-3000065535");
	policy_verdict_clear(&v);
	/* A config with its own user namespace keeps it. */
	ck_assert_int_eq(policy_auto_userns(&p, s, &wanted, &err), 0);
	ck_assert(!wanted);
	plan_clear(&plan);
	spec_free(s);
	policy_clear(&p);
	policy_clear(&off);
}
END_TEST

START_TEST(auto_user_namespace_is_lifted_only_where_allowed)
{
	struct ward_error err = {0};
	struct policy p = pol("userns = auto\n");
	struct policy over = pol("userns = auto\noverridable = auto-user-namespace\n");
	struct policy allowed = pol("userns = auto\nallow = auto-user-namespace\n");
	struct ward_spec *s = annotated("auto-user-namespace");
	bool wanted;

	ck_assert_int_eq(policy_auto_userns(&p, s, &wanted, &err), 0);
	ck_assert_msg(wanted, "the annotation alone does not lift it");
	ck_assert_int_eq(policy_auto_userns(&over, s, &wanted, &err), 0);
	ck_assert(!wanted);
	ck_assert_int_eq(policy_auto_userns(&allowed, s, &wanted, &err), 0);
	ck_assert(!wanted);
	/* The lift is an override in the verdict, naming who lifted it. */
	struct policy_verdict v =
		judge_with("userns = auto\noverridable = auto-user-namespace\n", s);
	const struct policy_finding *f = OVERRIDE(v, "auto-user-namespace");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(f->source, POLICY_BY_ANNOTATION);
	policy_verdict_clear(&v);
	spec_free(s);
	policy_clear(&p);
	policy_clear(&over);
	policy_clear(&allowed);
}
END_TEST

START_TEST(policy_file_parses_the_allow_lists)
{
	struct policy p = pol("hook = /usr/sbin/dockerd\nhook = /usr/libexec/oci/hooks.d/\n"
			      "host-path = /srv/data\nmount-type = overlay\n"
			      "seccomp-listener = /run/agent\ndevice = c 10:200\ndevice = c 195:*\n"
			      "device = b 7:0\n");
	ck_assert_uint_eq(strv_length(p.hooks), 2);
	ck_assert_str_eq(p.hooks[1], "/usr/libexec/oci/hooks.d/");
	ck_assert_str_eq(p.host_paths[0], "/srv/data");
	ck_assert_str_eq(p.mount_types[0], "overlay");
	ck_assert_str_eq(p.listener_dirs[0], "/run/agent");
	ck_assert_uint_eq(p.n_devices, 3);
	ck_assert(p.devices[0].type == 'c' && p.devices[0].major == 10 &&
		  p.devices[0].minor == 200);
	ck_assert(p.devices[1].major == 195 && p.devices[1].minor == -1);
	ck_assert(p.devices[2].type == 'b' && p.devices[2].minor == 0);
	policy_clear(&p);

	parse_fails("hook = dockerd\n", "policy.conf:1: hook: \"dockerd\" is not an absolute path");
	parse_fails("host-path = /srv/../etc\n",
		    "policy.conf:1: host-path: \"/srv/../etc\" contains \"..\"");
	parse_fails("mount-type = ext4 /dev/sda\n",
		    "policy.conf:1: mount-type: \"ext4 /dev/sda\" is not a filesystem type name "
		    "(see /proc/filesystems)");
	parse_fails("device = c 10\n",
		    "policy.conf:1: device: \"c 10\" is not \"c|b MAJOR:MINOR\" (MINOR may be *)");
	parse_fails("device = c 4096:1\n",
		    "policy.conf:1: device: \"c 4096:1\" is not \"c|b MAJOR:MINOR\" (MINOR may be "
		    "*)");
	parse_fails("device = c 1:1048576\n",
		    "policy.conf:1: device: minor \"1048576\" is out of range");
	parse_fails("device = c 1:3 rw\n",
		    "policy.conf:1: device: \"c 1:3 rw\" is not \"c|b MAJOR:MINOR\" (MINOR may be "
		    "*)");
}
END_TEST

START_TEST(policy_file_parses_levels_lists_and_comments)
{
	struct policy p = pol("# ward\n\n level = restricted  # for CI\nallow = cap-sys-ptrace,"
			      "host-pid-namespace\r\nallow=cap-bpf\noverridable = cap-net-admin\n");
	ck_assert_int_eq(p.level, POLICY_RESTRICTED);
	ck_assert(p.allow[policy_check_find("cap-sys-ptrace")]);
	ck_assert(p.allow[policy_check_find("host-pid-namespace")]);
	ck_assert(p.allow[policy_check_find("cap-bpf")]);
	ck_assert(!p.allow[policy_check_find("cap-net-admin")]);
	ck_assert(p.overridable[policy_check_find("cap-net-admin")]);
	policy_clear(&p);
	p = pol("");
	ck_assert_int_eq(p.level, POLICY_BASELINE);
	policy_clear(&p);
}
END_TEST

START_TEST(policy_file_sets_seccomp_complain)
{
	struct policy p = pol("seccomp-complain = yes\n");
	ck_assert(p.seccomp_complain);
	policy_clear(&p);
	p = pol("seccomp-complain = yes\nseccomp-complain = no\n");
	ck_assert(!p.seccomp_complain);
	policy_clear(&p);
	p = pol("");
	ck_assert(!p.seccomp_complain);
	policy_clear(&p);
}
END_TEST

START_TEST(policy_file_sets_audit)
{
	struct policy p = pol("audit = file:/var/log/ward/audit.jsonl\n");
	ck_assert_str_eq(p.audit, "file:/var/log/ward/audit.jsonl");
	policy_clear(&p);
	p = pol("audit = syslog\n");
	ck_assert_str_eq(p.audit, "syslog");
	policy_clear(&p);
	p = pol("audit = journal\n");
	ck_assert_str_eq(p.audit, "journal");
	policy_clear(&p);
	p = pol("");
	ck_assert_ptr_null(p.audit);
	policy_clear(&p);
	parse_fails("audit = stderr\n",
		    "policy.conf:1: audit: \"stderr\" is not file:PATH, syslog or journal");
	parse_fails("audit = file:log/audit\n",
		    "policy.conf:1: audit: \"log/audit\" is not an absolute path");
	parse_fails("audit = file:/var/log/../tmp/a\n",
		    "policy.conf:1: audit: \"/var/log/../tmp/a\" contains \"..\"");
	parse_fails("audit = syslog\naudit = journal\n", "policy.conf:2: audit: set twice");
}
END_TEST

START_TEST(policy_file_errors_name_the_line)
{
	parse_fails("level = baseline\nallow = cap-sys-admn\n",
		    "policy.conf:2: allow: unknown check \"cap-sys-admn\" (`ward policy list` "
		    "names them all)");
	parse_fails("\n\nthis is not a setting\n",
		    "policy.conf:3: expected `key = value`, got \"this is not a setting\"");
	parse_fails("levle = baseline\n",
		    "policy.conf:1: unknown key \"levle\" (keys: level, allow, overridable, hook, "
		    "host-path, device, mount-type, seccomp-listener, seccomp-complain, audit, "
		    "userns, userns-pool)");
	parse_fails("userns = yes\n", "policy.conf:1: userns: \"yes\" is not auto or off");
	parse_fails("userns-pool = ward\nuserns-pool = other\n",
		    "policy.conf:2: userns-pool: set twice");
	parse_fails("seccomp-complain = true\n",
		    "policy.conf:1: seccomp-complain: \"true\" is not yes or no");
	parse_fails(
		"level = permissive\n",
		"policy.conf:1: level: \"permissive\" is not baseline, restricted or privileged");
	parse_fails("level = baseline\nlevel = privileged\n", "policy.conf:2: level: set twice");
	parse_fails("allow =\n", "policy.conf:1: allow: names no check");
	parse_fails("allow = cap-bpf, ,cap-sys-admin\n",
		    "policy.conf:1: allow: an empty check name");
	parse_fails(
		"overridable = *\n",
		"policy.conf:1: overridable: unknown check \"*\" (`ward policy list` names them "
		"all)");
	struct policy p;
	struct ward_error err = {0};
	memset(&p, 0, sizeof p);
	ck_assert_int_eq(policy_parse("level = baseline\0allow = cap-sys-admin", 38, "policy.conf",
				      &p, &err),
			 -1);
	ck_assert_str_eq(err.msg, "policy.conf: contains a NUL byte");
}
END_TEST

START_TEST(policy_load_fails_closed)
{
	struct policy p;
	struct ward_error err = {0};
	char path[] = "/tmp/ward-policy-XXXXXX";
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, "level = privileged\n", 19), 19);
	close(fd);

	ck_assert_int_eq(policy_load("/nonexistent/policy.conf", &p, &err), -1);
	ck_assert_str_eq(err.msg, "--policy /nonexistent/policy.conf: no such file or directory");
	chmod(path, 0666);
	ck_assert_int_eq(policy_load(path, &p, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "writable by group or others"));
	chmod(path, 0644);
	ck_assert_int_eq(policy_load(path, &p, &err), 0);
	ck_assert_int_eq(p.level, POLICY_PRIVILEGED);
	ck_assert(p.file_present);
	policy_clear(&p);
	unlink(path);
}
END_TEST

START_TEST(every_check_name_is_kebab_case_and_unique)
{
	size_t n;
	const struct policy_check *t = policy_checks(&n);
	ck_assert_uint_ge(n, 50);
	for (size_t i = 0; i < n; i++) {
		for (const char *c = t[i].name; *c; c++)
			ck_assert_msg((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') ||
					      *c == '-',
				      "%s", t[i].name);
		ck_assert_int_eq(policy_check_find(t[i].name), (int)i);
		ck_assert(t[i].reason[0] && t[i].remedy[0] && t[i].paths[0]);
	}
}
END_TEST

static Suite *policy_suite(void)
{
	Suite *s = suite_create("policy");
	TCase *checks = tcase_create("checks"), *levels = tcase_create("levels"),
	      *overrides = tcase_create("overrides"), *file = tcase_create("file");

	tcase_add_test(checks, every_capability_beyond_the_default_set_has_its_own_check);
	tcase_add_test(checks, refuses_cap_sys_admin_in_any_set);
	tcase_add_test(checks, refuses_a_missing_pid_namespace);
	tcase_add_test(checks, refuses_joining_the_hosts_network_namespace_by_path);
	tcase_add_test(checks, allows_a_private_network_namespace);
	tcase_add_test(checks, refuses_each_missing_host_namespace);
	tcase_add_test(checks, refuses_binding_the_host_root_once);
	tcase_add_test(checks, refuses_binding_a_directory_that_contains_sensitive_paths);
	tcase_add_test(checks, refuses_each_sensitive_host_path);
	tcase_add_test(checks, a_symlink_to_a_sensitive_path_is_judged_by_its_target);
	tcase_add_test(checks, allows_the_per_container_files_engines_bind);
	tcase_add_test(checks, a_non_bind_mount_of_a_sensitive_name_is_not_a_bind);
	tcase_add_test(checks, refuses_shared_propagation);
	tcase_add_test(checks, refuses_a_writable_sysfs);
	tcase_add_test(checks, mount_options_are_judged_as_the_kernel_applies_them);
	tcase_add_test(checks, refuses_filesystems_that_are_not_the_containers_own);
	tcase_add_test(checks, refuses_a_procfs_outside_proc_and_the_hosts_cgroup_namespace);
	tcase_add_test(checks, a_writable_cgroup_passes_in_its_own_namespace_under_nsdelegate);
	tcase_add_test(checks, refuses_what_lies_below_a_system_tree);
	tcase_add_test(checks, allows_project_directories_volumes_and_read_only_zone_files);
	tcase_add_test(checks, allows_the_engines_init_programs_read_only);
	tcase_add_test(checks, allows_rootless_dockers_files_volumes_and_root_filesystems);
	tcase_add_test(checks, the_admins_host_path_lifts_the_trees_below_it);
	tcase_add_test(checks, refuses_a_root_filesystem_in_a_host_tree);
	tcase_add_test(checks, refuses_the_state_root_in_use);
	tcase_add_test(checks, a_relative_source_may_not_leave_the_bundle);
	tcase_add_test(checks, a_bundle_that_cannot_be_opened_leaves_no_fd_open);
	tcase_add_test(checks, an_unresolvable_source_is_refused);
	tcase_add_test(checks, refuses_block_and_kernel_devices);
	tcase_add_test(checks, refuses_a_device_rule_that_allows_everything);
	tcase_add_test(checks, refuses_an_unconfined_seccomp_profile);
	tcase_add_test(checks, refuses_unconfined_lsm_labels);
	tcase_add_test(checks, refuses_sysctls_outside_the_safe_set);
	tcase_add_test(checks, refuses_an_oom_score_below_the_callers);
	tcase_add_test(checks, oom_score_matrix);
	tcase_add_test(checks, refuses_real_time_scheduling_the_container_could_not_take);
	tcase_add_test(checks, refuses_the_real_time_io_class);
	tcase_add_test(checks, refuses_rlimits_above_the_callers_hard_limit);
	tcase_add_test(checks, refuses_a_profile_that_allows_what_the_capabilities_close);
	tcase_add_test(checks, clone_is_judged_on_its_flag_conditions);
	tcase_add_test(checks, every_condition_of_a_rule_is_judged);
	tcase_add_test(checks, the_calls_the_kernel_serves_without_the_capability_are_refused);
	tcase_add_test(checks, the_engines_profiles_and_wards_own_pass);
	tcase_add_test(checks, the_seccomp_agent_must_be_in_a_directory_the_admin_lists);
	tcase_add_test(checks, every_check_name_is_kebab_case_and_unique);
	suite_add_tcase(s, checks);

	tcase_add_test(levels, restricted_refuses_what_baseline_allows);
	tcase_add_test(levels, restricted_allows_a_minimal_non_root_container);
	tcase_add_test(levels, restricted_accepts_root_in_a_user_namespace);
	tcase_add_test(levels, restricted_refuses_a_user_namespace_that_maps_root_to_host_root);
	tcase_add_test(levels, baseline_refuses_an_engines_privileged_mode);
	tcase_add_test(levels, privileged_level_refuses_nothing_and_hardens_nothing);
	tcase_add_test(levels, the_engines_default_configs_pass_baseline_unchanged);
	suite_add_tcase(s, levels);
	TCase *hooks = tcase_create("hooks");
	tcase_add_test(hooks, refuses_a_hook_the_policy_does_not_list);
	tcase_add_test(hooks, start_container_hooks_are_not_host_hooks);
	tcase_add_test(hooks, allows_a_hook_by_its_file_entry);
	tcase_add_test(hooks, allows_a_hook_by_its_directory_entry);
	tcase_add_test(hooks, refuses_an_allowed_hook_others_can_change);
	tcase_add_test(hooks, refuses_an_environment_that_runs_other_code_in_an_allowed_hook);
	tcase_add_test(hooks, lifting_the_hook_check_lets_any_hook_run);
	tcase_add_test(hooks, a_hook_named_through_proc_pid_exe_is_judged_as_its_binary);
	tcase_add_test(hooks, dockers_own_hook_passes_baseline);
	tcase_add_test(hooks, start_and_delete_judge_their_hooks_again);
	suite_add_tcase(s, hooks);

	tcase_add_test(overrides, annotation_cannot_lift_a_check_that_is_not_overridable);
	tcase_add_test(overrides, annotation_lifts_an_overridable_check);
	tcase_add_test(overrides, annotation_lifts_only_what_it_names);
	tcase_add_test(overrides, admin_allow_lifts_a_check_for_every_container);
	tcase_add_test(overrides, unknown_check_in_the_annotation_is_an_error);
	tcase_add_test(overrides, a_privileged_refusal_names_the_engine_flags_and_one_allow_line);
	tcase_add_test(overrides, refusal_lists_every_violation_with_path_reason_and_policy_line);
	tcase_add_test(overrides, hardening_fills_what_the_config_leaves_out);
	tcase_add_test(overrides, hardening_fills_a_config_lacking_every_optional_list);
	tcase_add_test(overrides, allow_switches_a_hardening_off);
	tcase_add_test(overrides, an_explicitly_unmasked_proc_is_refused_or_honoured_never_changed);
	tcase_add_test(overrides, exec_is_judged_on_its_own_process);
	tcase_add_test(overrides, exec_is_judged_on_every_process_setting);
	suite_add_tcase(s, overrides);

	tcase_add_test(file, policy_file_parses_levels_lists_and_comments);
	tcase_add_test(file, policy_file_errors_name_the_line);
	tcase_add_test(file, policy_file_sets_seccomp_complain);
	tcase_add_test(file, policy_file_sets_audit);
	tcase_add_test(file, policy_file_parses_the_allow_lists);
	tcase_add_test(file, auto_user_namespace_goes_to_configs_without_one);
	tcase_add_test(file, auto_user_namespace_is_lifted_only_where_allowed);
	tcase_add_test(file, policy_load_fails_closed);
	suite_add_tcase(s, file);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(policy_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
