/* Seccomp learning and complain mode: the learned set and its records, the profile written
 * from it (deterministic, merged, read back, refusing files ward did not write), the argument
 * conditions enforced by the kernel, and the agent itself answering a real filter's
 * notifications in a child process. Whole containers: tests/integration/seccomp-learn.sh. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ward/cleanup.h"
#include "ward/seccomp.h"
#include "ward/seccomp_learn.h"
#include "ward/spec.h"
#include "ward/util.h"
#include "testenv.h"

static void add(struct learn_set *s, const char *name, uint64_t a0, uint64_t a1)
{
	ck_assert_int_ge(learn_set_add(s, name, a0, a1), 0);
}

static char *tmpdir(void)
{
	char *d = strdup("/tmp/check_seccomp_learn.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(d));
	return d;
}

static void rmtree(const char *dir)
{
	char cmd[256];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

START_TEST(set_is_sorted_and_unique)
{
	struct learn_set s = {0};
	ck_assert_int_eq(learn_set_add(&s, "write", 0, 0), 1);
	ck_assert_int_eq(learn_set_add(&s, "read", 0, 0), 1);
	ck_assert_int_eq(learn_set_add(&s, "write", 7, 7), 0);
	add(&s, "openat", 0, 0);
	ck_assert_uint_eq(s.n_names, 3);
	ck_assert_str_eq(s.names[0], "openat");
	ck_assert_str_eq(s.names[1], "read");
	ck_assert_str_eq(s.names[2], "write");
	learn_set_clear(&s);
}
END_TEST

START_TEST(conditioned_calls_record_their_arguments)
{
	struct learn_set s = {0};
	/* A thread: no namespace bit, the exit signal and other flags are not kept. */
	add(&s, "clone", CLONE_VM | CLONE_THREAD | SIGCHLD, 0);
	ck_assert_int_eq(learn_set_add(&s, "clone", CLONE_FILES, 0), 0);
	add(&s, "clone", CLONE_NEWNET | CLONE_VM, 0);
	add(&s, "unshare", CLONE_NEWNS | CLONE_FILES, 0);
	add(&s, "unshare", 0x80 /* CLONE_NEWTIME */, 0);
	add(&s, "setns", 5, CLONE_NEWNET);
	add(&s, "personality", 0xffffffff, 0);
	ck_assert_uint_eq(s.n_names, 0);
	ck_assert_uint_eq(s.clone_ns.n, 2);
	ck_assert_uint_eq(s.clone_ns.v[0], 0);
	ck_assert_uint_eq(s.clone_ns.v[1], CLONE_NEWNET);
	ck_assert_uint_eq(s.unshare_ns.n, 2);
	ck_assert_uint_eq(s.unshare_ns.v[0], 0x80);
	ck_assert_uint_eq(s.unshare_ns.v[1], CLONE_NEWNS);
	ck_assert_uint_eq(s.setns_type.n, 1);
	ck_assert_uint_eq(s.setns_type.v[0], CLONE_NEWNET);
	ck_assert_uint_eq(s.personality.v[0], 0xffffffff);
	learn_set_clear(&s);
}
END_TEST

START_TEST(clone3_is_learned_as_clone_without_namespaces)
{
	struct learn_set s = {0};
	add(&s, "clone3", 0x12345678, 0);
	ck_assert_uint_eq(s.n_names, 0);
	ck_assert_uint_eq(s.clone_ns.n, 1);
	ck_assert_uint_eq(s.clone_ns.v[0], 0);
	learn_set_clear(&s);
}
END_TEST

START_TEST(record_lines_round_trip)
{
	struct learn_set a = {0}, b = {0};
	static const struct {
		const char *name;
		uint64_t a0, a1;
	} calls[] = {{"read", 0, 0},   {"clone", CLONE_NEWPID | SIGCHLD, 0},
		     {"clone3", 0, 0}, {"unshare", CLONE_NEWUTS, 0},
		     {"setns", 3, 0},  {"personality", 8, 0}};
	char line[128];

	for (size_t i = 0; i < ARRAY_SIZE(calls); i++) {
		size_t n = learn_record_line(calls[i].name, calls[i].a0, calls[i].a1, line,
					     sizeof line);
		ck_assert_uint_gt(n, 0);
		ck_assert_int_eq(line[n - 1], '\n');
		line[n - 1] = '\0';
		ck_assert_int_ge(learn_set_add_line(&a, line), 0);
		add(&b, calls[i].name, calls[i].a0, calls[i].a1);
	}
	cleanup_free char *ja = learn_profile_json(&a);
	cleanup_free char *jb = learn_profile_json(&b);
	ck_assert_str_eq(ja, jb);
	learn_set_clear(&a);
	learn_set_clear(&b);
}
END_TEST

START_TEST(foreign_record_lines_are_refused)
{
	struct learn_set s = {0};
	static const char *const bad[] = {
		"syscall",    "syscall clone", "syscall clone3", "clone 12",
		"clone 0xzz", "mount 0x0",     "personality x0", ""};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		errno = 0;
		ck_assert_msg(learn_set_add_line(&s, bad[i]) == -1 && errno == EINVAL, "%s",
			      bad[i]);
	}
	learn_set_clear(&s);
}
END_TEST

static struct learn_set sample(bool reversed)
{
	static const char *const names[] = {"write", "read", "exit_group", "openat", "fstat"};
	struct learn_set s = {0};
	for (size_t k = 0; k < ARRAY_SIZE(names); k++) {
		size_t i = reversed ? ARRAY_SIZE(names) - 1 - k : k;
		add(&s, names[i], 0, 0);
	}
	add(&s, reversed ? "personality" : "clone", reversed ? 0xffffffff : SIGCHLD, 0);
	add(&s, reversed ? "clone" : "personality", reversed ? SIGCHLD : 0xffffffff, 0);
	add(&s, "personality", 0, 0);
	return s;
}

START_TEST(profile_is_deterministic)
{
	struct learn_set a = sample(false), b = sample(true);
	cleanup_free char *ja = learn_profile_json(&a);
	cleanup_free char *jb = learn_profile_json(&b);

	ck_assert_ptr_nonnull(ja);
	ck_assert_str_eq(ja, jb);
	/* Sorted names, a deny default with EPERM, Docker's clone condition, clone3 ENOSYS. */
	ck_assert_ptr_nonnull(strstr(ja, "\"defaultAction\": \"SCMP_ACT_ERRNO\""));
	ck_assert_ptr_nonnull(strstr(ja, "\"defaultErrnoRet\": 1"));
	const char *e = strstr(ja, "\"exit_group\""), *o = strstr(ja, "\"openat\"");
	ck_assert(e && o && e < o);
	ck_assert_ptr_nonnull(strstr(ja, "\"value\": 2114060288"));
	ck_assert_ptr_nonnull(strstr(ja, "\"SCMP_CMP_MASKED_EQ\""));
	ck_assert_ptr_nonnull(strstr(ja, "\"errnoRet\": 38"));
	ck_assert_ptr_nonnull(strstr(ja, "\"value\": 4294967295"));
	ck_assert_int_eq(ja[strlen(ja) - 1], '\n');
	learn_set_clear(&a);
	learn_set_clear(&b);
}
END_TEST

START_TEST(profile_loads_and_reads_back)
{
	struct learn_set s = sample(false), back = {0};
	struct ward_error err = {0};
	cleanup_free char *json = learn_profile_json(&s);
	struct ward_seccomp *sc = spec_parse_seccomp(json, strlen(json), "learned", &err);
	struct ward_seccomp_program p = {0};

	ck_assert_msg(sc != NULL, "%s", err.msg);
	ck_assert_msg(ward_seccomp_compile(sc, 0, -1, &p, &err) == 0, "%s", err.msg);
	ward_seccomp_program_free(&p);
	spec_seccomp_free(sc);
	ck_assert_msg(learn_set_read_profile(&back, json, strlen(json), "learned", &err) == 0, "%s",
		      err.msg);
	cleanup_free char *again = learn_profile_json(&back);
	ck_assert_str_eq(json, again);
	learn_set_clear(&s);
	learn_set_clear(&back);
}
END_TEST

START_TEST(foreign_profiles_are_refused)
{
	static const char *const bad[] = {
		/* Docker's shape, but not ward's writing: an allow default */
		"{\"defaultAction\":\"SCMP_ACT_ALLOW\"}",
		/* clone without its condition would let namespaces in unseen */
		"{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"clone\"],"
		"\"action\":\"SCMP_ACT_ALLOW\"}]}",
		/* a capability condition */
		"{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"read\"],"
		"\"action\":\"SCMP_ACT_ALLOW\",\"includes\":{\"caps\":[\"CAP_SYS_ADMIN\"]}}]}",
		/* another mask */
		"{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"clone\"],"
		"\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,\"value\":1,\"valueTwo\":0,"
		"\"op\":\"SCMP_CMP_MASKED_EQ\"}]}]}",
		/* an errno rule */
		"{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"read\"],"
		"\"action\":\"SCMP_ACT_ERRNO\"}]}",
		"not json",
	};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		struct learn_set s = {0};
		struct ward_error err = {0};
		ck_assert_int_eq(learn_set_read_profile(&s, bad[i], strlen(bad[i]), "F", &err), -1);
		ck_assert_msg(strncmp(err.msg, "F", 1) == 0 || strstr(err.msg, "F"), "%s", err.msg);
		learn_set_clear(&s);
	}
}
END_TEST

static char *slurp(const char *path)
{
	char *buf = NULL;
	size_t len;
	struct ward_error err = {0};
	ck_assert_msg(read_file_limited(path, 1 << 20, &buf, &len, &err) == 0, "%s", err.msg);
	return buf;
}

START_TEST(merge_is_a_union)
{
	cleanup_free char *dir = tmpdir();
	cleanup_free char *path = path_join(dir, "learned.json");
	struct learn_set one = {0}, two = {0}, both = {0};
	struct ward_error err = {0};

	add(&one, "read", 0, 0);
	add(&one, "clone", SIGCHLD, 0);
	add(&two, "write", 0, 0);
	add(&two, "clone", CLONE_NEWNET, 0);
	add(&two, "read", 0, 0);
	ck_assert_msg(learn_profile_merge_into(&one, path, &err) == 0, "%s", err.msg);
	ck_assert_msg(learn_profile_merge_into(&two, path, &err) == 0, "%s", err.msg);
	/* Merging again changes nothing. */
	ck_assert_msg(learn_profile_merge_into(&two, path, &err) == 0, "%s", err.msg);
	add(&both, "read", 0, 0);
	add(&both, "write", 0, 0);
	add(&both, "clone", 0, 0);
	add(&both, "clone", CLONE_NEWNET, 0);
	cleanup_free char *want = learn_profile_json(&both);
	cleanup_free char *got = slurp(path);
	ck_assert_str_eq(got, want);
	learn_set_clear(&one);
	learn_set_clear(&two);
	learn_set_clear(&both);
	rmtree(dir);
}
END_TEST

START_TEST(merge_leaves_a_foreign_file_alone)
{
	cleanup_free char *dir = tmpdir();
	cleanup_free char *path = path_join(dir, "docker.json");
	size_t len;
	const char *builtin = ward_seccomp_default_profile_json(&len);
	cleanup_free char *docker = strndup(builtin, len); /* Docker's shape, not learned */
	struct learn_set s = {0};
	struct ward_error err = {0};
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write_all(fd, docker, strlen(docker)), 0);
	close(fd);
	add(&s, "read", 0, 0);
	ck_assert_int_eq(learn_profile_merge_into(&s, path, &err), -1);
	ck_assert_msg(strstr(err.msg, "--seccomp-learn") && strstr(err.msg, "not"), "%s", err.msg);
	cleanup_free char *after = slurp(path);
	ck_assert_str_eq(after, docker);
	/* A directory that does not exist: the flag is named. */
	ck_assert_int_eq(learn_profile_merge_into(&s, "/nonexistent/dir/f.json", &err), -1);
	ck_assert_msg(strstr(err.msg, "--seccomp-learn"), "%s", err.msg);
	learn_set_clear(&s);
	rmtree(dir);
}
END_TEST

/* In a child: loads the learned profile of s (no_new_privs), runs probe, exits with its
 * result. */
static int under_profile(const struct learn_set *s, int (*probe)(void))
{
	struct ward_error err = {0};
	cleanup_free char *json = learn_profile_json(s);
	struct ward_seccomp *sc = spec_parse_seccomp(json, strlen(json), "learned", &err);
	struct ward_seccomp_program p = {0};

	ck_assert_msg(sc && ward_seccomp_compile(sc, 0, -1, &p, &err) == 0, "%s", err.msg);
	spec_seccomp_free(sc);
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
		    ward_seccomp_install(&p, NULL, &err))
			_exit(100);
		_exit(probe());
	}
	ward_seccomp_program_free(&p);
	int status;
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status));
	return WEXITSTATUS(status);
}

/* 0: each call did what the profile learned from `sample_calls` allows. */
static int probe_conditions(void)
{
	if (syscall(SYS_getppid) < 0)
		return 11;
	/* Never made while learning: the deny default. */
	errno = 0;
	if (syscall(SYS_getpgid, 0) != -1 || errno != EPERM)
		return 12;
	if (syscall(SYS_unshare, CLONE_FILES) < 0)
		return 13;
	errno = 0;
	if (syscall(SYS_unshare, CLONE_FILES | CLONE_NEWUTS) != -1 || errno != EPERM)
		return 14;
	if (syscall(SYS_personality, 0xffffffffUL) < 0)
		return 15;
	errno = 0;
	if (syscall(SYS_personality, (unsigned long)PER_LINUX32) != -1 || errno != EPERM)
		return 16;
	/* clone3: ENOSYS, so that libc falls back to clone. */
	errno = 0;
	if (syscall(SYS_clone3, NULL, 0) != -1 || errno != ENOSYS)
		return 17;
	return 0;
}

START_TEST(conditions_are_enforced)
{
	NEEDS_SECCOMP();
	struct learn_set s = {0};
	/* What the probe makes, and what a sanitizer's exit makes. */
	static const char *const names[] = {
		"getppid", "exit_group", "exit",   "rt_sigreturn", "write",	   "sigaltstack",
		"gettid",  "mmap",	 "munmap", "madvise",	   "rt_sigaction", "rt_sigprocmask",
		"getpid",  "tgkill",	 "prctl",  "sched_yield"};
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		add(&s, names[i], 0, 0);
	add(&s, "unshare", CLONE_FILES, 0);
	add(&s, "personality", 0xffffffff, 0);
	ck_assert_int_eq(under_profile(&s, probe_conditions), 0);
	learn_set_clear(&s);
}
END_TEST

/* ---- the agent, on a real filter ---- */

static int send_listener(int sock, int fd)
{
	char byte = 'L';
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} control = {0};
	struct iovec iov = {.iov_base = &byte, .iov_len = 1};
	struct msghdr mh = {.msg_iov = &iov,
			    .msg_iovlen = 1,
			    .msg_control = control.buf,
			    .msg_controllen = sizeof control.buf};
	struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof fd);
	return sendmsg(sock, &mh, LEARN_HANDOFF_FLAGS) < 0 ? -1 : 0;
}

static int recv_listener(int sock)
{
	char byte;
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} control;
	struct iovec iov = {.iov_base = &byte, .iov_len = 1};
	struct msghdr mh = {.msg_iov = &iov,
			    .msg_iovlen = 1,
			    .msg_control = control.buf,
			    .msg_controllen = sizeof control.buf};
	int fd = -1;
	if (recvmsg(sock, &mh, MSG_CMSG_CLOEXEC) <= 0)
		return -1;
	struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
	if (c && c->cmsg_type == SCM_RIGHTS)
		memcpy(&fd, CMSG_DATA(c), sizeof fd);
	return fd;
}

/* The child's part: program loaded, the listener handed over with the exempt message, then
 * `after`. */
static void traced_child(struct ward_seccomp_program *p, int sock, void (*after)(void))
{
	struct ward_error err = {0};
	int listener;

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
	    ward_seccomp_install(p, &listener, &err) < 0 || send_listener(sock, listener) < 0)
		_exit(100);
	close(listener);
	after();
	_exit(0);
}

/* Runs `after` in a child under program p, with an agent of mode in another child; returns
 * the state directory holding the agent's record. */
static char *run_agent(struct ward_seccomp_program *p, enum learn_mode mode, unsigned skip,
		       void (*after)(void))
{
	char *dir = tmpdir();
	struct ward_error err = {0};
	int sv[2], status;
	cleanup_close int dirfd = open(dir, O_RDONLY | O_DIRECTORY);

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
	pid_t child = fork();
	ck_assert_int_ge(child, 0);
	if (child == 0) {
		close(sv[0]);
		traced_child(p, sv[1], after);
	}
	close(sv[1]);
	int listener = recv_listener(sv[0]);
	close(sv[0]);
	ck_assert_int_ge(listener, 0);
	struct learn_agent_config cfg = {.mode = mode,
					 .listener = listener,
					 .record_fd = learn_record_create(dirfd, mode, &err),
					 .skip_installs = skip};
	ck_assert_msg(cfg.record_fd >= 0, "%s", err.msg);
	pid_t agent = fork();
	ck_assert_int_ge(agent, 0);
	if (agent == 0)
		_exit(learn_agent_run(&cfg) < 0 ? 1 : 0);
	close(listener);
	close(cfg.record_fd);
	ck_assert_int_eq(waitpid(child, &status, 0), child);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child status %d", status);
	/* The agent exits on its own once the child, the filter's last user, is gone. */
	ck_assert_int_eq(waitpid(agent, &status, 0), agent);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	return dir;
}

static void some_calls(void)
{
	syscall(SYS_getppid);
	syscall(SYS_personality, 0xffffffffUL);
	syscall(SYS_unshare, CLONE_FILES);
}

#define ALLOW_ALL "{\"defaultAction\":\"SCMP_ACT_ALLOW\"}"

static void calls_around_an_install(void)
{
	struct ward_error err = {0};
	struct ward_seccomp_program allow = {0};
	struct ward_seccomp *sc = spec_parse_seccomp(ALLOW_ALL, strlen(ALLOW_ALL), "allow", &err);
	if (!sc || ward_seccomp_compile(sc, 0, -1, &allow, &err) < 0)
		_exit(101);
	syscall(SYS_getpgid, 0); /* before the "profile": not learned */
	if (ward_seccomp_install(&allow, NULL, &err) < 0)
		_exit(102);
	syscall(SYS_getppid); /* after it: learned */
}

static struct learn_set read_learned(const char *dir)
{
	struct learn_set s = {0};
	struct ward_error err = {0};
	cleanup_close int dirfd = open(dir, O_RDONLY | O_DIRECTORY);
	ck_assert_msg(learn_set_read_records(&s, dirfd, &err) == 0, "%s", err.msg);
	return s;
}

static bool has_name(const struct learn_set *s, const char *name)
{
	for (size_t i = 0; i < s->n_names; i++)
		if (strcmp(s->names[i], name) == 0)
			return true;
	return false;
}

START_TEST(agent_learns_what_a_process_makes)
{
	NEEDS_SECCOMP();
	struct ward_error err = {0};
	struct ward_seccomp_program p = {0};
	ck_assert_msg(learn_filter_build(&p, &err) == 0, "%s", err.msg);
	cleanup_free char *dir = run_agent(&p, LEARN_MODE_LEARN, 0, some_calls);
	struct learn_set s = read_learned(dir);

	ck_assert(has_name(&s, "getppid"));
	ck_assert(has_name(&s, "exit_group"));
	ck_assert(has_name(&s, "close")); /* the child's own close of its listener */
	ck_assert(!has_name(&s, "getpgid"));
	ck_assert(!has_name(&s, "sendmsg")); /* the handoff is exempt */
	ck_assert_uint_eq(s.personality.n, 1);
	ck_assert_uint_eq(s.personality.v[0], 0xffffffff);
	ck_assert_uint_eq(s.unshare_ns.n, 1);
	ck_assert_uint_eq(s.unshare_ns.v[0], 0);
	learn_set_clear(&s);
	ward_seccomp_program_free(&p);
	rmtree(dir);
}
END_TEST

START_TEST(agent_starts_after_the_profile_install)
{
	NEEDS_SECCOMP();
	struct ward_error err = {0};
	struct ward_seccomp_program p = {0};
	ck_assert_msg(learn_filter_build(&p, &err) == 0, "%s", err.msg);
	cleanup_free char *dir = run_agent(&p, LEARN_MODE_LEARN, 1, calls_around_an_install);
	struct learn_set s = read_learned(dir);

	ck_assert(has_name(&s, "getppid"));
	ck_assert(!has_name(&s, "getpgid"));
	ck_assert(!has_name(&s, "seccomp"));
	ck_assert(!has_name(&s, "close"));
	learn_set_clear(&s);
	ward_seccomp_program_free(&p);
	rmtree(dir);
}
END_TEST

static void many_values(void)
{
	/* An fd that is not one: nothing happens, the type is still seen. */
	for (long type = 1; type <= 300; type++)
		syscall(SYS_setns, -1, type);
}

START_TEST(agent_bounds_the_values_a_container_chooses)
{
	NEEDS_SECCOMP();
	struct ward_error err = {0};
	struct ward_seccomp_program p = {0};
	ck_assert_msg(learn_filter_build(&p, &err) == 0, "%s", err.msg);
	cleanup_free char *dir = run_agent(&p, LEARN_MODE_LEARN, 0, many_values);
	struct learn_set s = read_learned(dir);

	ck_assert_uint_eq(s.setns_type.n, 256);
	ck_assert_uint_eq(s.setns_type.v[0], 1);
	ck_assert(has_name(&s, "exit_group")); /* names are not bounded: the table bounds them */
	learn_set_clear(&s);
	ward_seccomp_program_free(&p);
	rmtree(dir);
}
END_TEST

static void denied_calls(void)
{
	for (int i = 0; i < 3; i++)
		if (syscall(SYS_getppid) <= 0) /* continued: the real parent */
			_exit(103);
	syscall(SYS_getpgid, 0);
}

/* A narrow default-deny profile: what the child makes but getppid (and what a sanitizer's
 * exit makes). */
#define NARROW                                                                                     \
	"{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"close\",\"getpgid\","   \
	"\"exit_group\",\"write\",\"sigaltstack\",\"gettid\",\"mmap\",\"munmap\",\"madvise\","     \
	"\"rt_sigaction\",\"rt_sigprocmask\",\"getpid\",\"tgkill\",\"prctl\",\"sched_yield\"],"    \
	"\"action\":\"SCMP_ACT_ALLOW\"},{\"names\":[\"getppid\"],\"action\":\"SCMP_ACT_KILL_"      \
	"PROCESS\"}]}"

static const struct complain_finding *finding(const struct complain_findings *c, const char *name)
{
	for (size_t i = 0; i < c->n; i++)
		if (strcmp(c->f[i].name, name) == 0)
			return &c->f[i];
	return NULL;
}

START_TEST(complain_form_denies_nothing_and_reports_what_it_would)
{
	NEEDS_SECCOMP();
	struct ward_error err = {0};
	struct ward_seccomp_program p = {0};
	struct ward_seccomp *sc = spec_parse_seccomp(NARROW, strlen(NARROW), "narrow", &err);
	ck_assert_msg(sc && ward_seccomp_compile(sc, 0, -1, &p, &err) == 0, "%s", err.msg);
	spec_seccomp_free(sc);
	ck_assert_msg(learn_complain_form(&p, &err) == 0, "%s", err.msg);
	/* denied_calls() exits 103 unless getppid returned the real parent: not denied. */
	cleanup_free char *dir = run_agent(&p, LEARN_MODE_COMPLAIN, 0, denied_calls);
	struct complain_findings c = {0};
	cleanup_close int dirfd = open(dir, O_RDONLY | O_DIRECTORY);

	ck_assert_msg(complain_read_records(&c, dirfd, &err) == 0, "%s", err.msg);
	const struct complain_finding *f = finding(&c, "getppid");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(f->count, 3);
	ck_assert_int_gt(f->pid, 0);
	ck_assert_ptr_null(finding(&c, "getpgid"));
	ck_assert_ptr_null(finding(&c, "sendmsg")); /* the handoff is exempt */
	cleanup_free char *out = complain_findings_json(&c, "ctr");
	ck_assert_ptr_nonnull(strstr(out, "\"syscall\": \"getppid\""));
	ck_assert_ptr_nonnull(strstr(out, "\"count\": 3"));
	complain_findings_clear(&c);
	ward_seccomp_program_free(&p);
	rmtree(dir);
}
END_TEST

START_TEST(complain_lines_are_fixed_width)
{
	struct complain_finding f = {.name = "getppid", .comm = "a b\tc", .pid = 42, .count = 7};
	char line[COMPLAIN_LINE_LEN + 1];
	ck_assert_int_eq(complain_format_line(line, &f), 0);
	ck_assert_uint_eq(strlen(line), COMPLAIN_LINE_LEN);
	ck_assert_ptr_nonnull(strstr(line, "a?b?c"));
	f.count = UINT64_MAX;
	ck_assert_int_eq(complain_format_line(line, &f), 0);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("seccomp_learn");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, set_is_sorted_and_unique);
	tcase_add_test(tc, conditioned_calls_record_their_arguments);
	tcase_add_test(tc, clone3_is_learned_as_clone_without_namespaces);
	tcase_add_test(tc, record_lines_round_trip);
	tcase_add_test(tc, foreign_record_lines_are_refused);
	tcase_add_test(tc, profile_is_deterministic);
	tcase_add_test(tc, profile_loads_and_reads_back);
	tcase_add_test(tc, foreign_profiles_are_refused);
	tcase_add_test(tc, merge_is_a_union);
	tcase_add_test(tc, merge_leaves_a_foreign_file_alone);
	tcase_add_test(tc, conditions_are_enforced);
	tcase_add_test(tc, agent_learns_what_a_process_makes);
	tcase_add_test(tc, agent_starts_after_the_profile_install);
	tcase_add_test(tc, agent_bounds_the_values_a_container_chooses);
	tcase_add_test(tc, complain_form_denies_nothing_and_reports_what_it_would);
	tcase_add_test(tc, complain_lines_are_fixed_width);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
