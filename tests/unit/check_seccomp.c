/* Seccomp profile compilation (the filters themselves are observed in real containers by
 * tests/integration/seccomp.sh). */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <linux/filter.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ward/cleanup.h"
#include "ward/seccomp.h"
#include "ward/spec.h"
#include "testenv.h"
#include "run_suite.h"

static struct ward_seccomp *parse(const char *json)
{
	struct ward_error err = {0};
	struct ward_seccomp *sc = spec_parse_seccomp(json, strlen(json), "test", &err);
	ck_assert_msg(sc != NULL, "%s", err.msg);
	return sc;
}

START_TEST(builtin_default_profile_compiles)
{
	struct ward_error err = {0};
	struct ward_seccomp_program p;
	ck_assert_int_eq(ward_seccomp_compile(NULL, 0, -1, &p, &err), 0);
	ck_assert_uint_gt(p.len, 200);
	ck_assert_uint_lt(p.len, 4096); /* the kernel's BPF_MAXINSNS */
	ward_seccomp_program_free(&p);
}
END_TEST

START_TEST(capability_conditions_change_the_filter)
{
	struct ward_error err = {0};
	struct ward_seccomp_program none, admin;
	ck_assert_int_eq(ward_seccomp_compile(NULL, 0, -1, &none, &err), 0);
	ck_assert_int_eq(
		ward_seccomp_compile(NULL, 1ull << 21 /* CAP_SYS_ADMIN */, -1, &admin, &err), 0);
	ck_assert(none.len != admin.len ||
		  memcmp(none.filter, admin.filter, none.len * sizeof(struct sock_filter)) != 0);
	ward_seccomp_program_free(&none);
	ward_seccomp_program_free(&admin);
}
END_TEST

START_TEST(builtin_default_profile_is_default_deny)
{
	size_t len;
	const char *json = ward_seccomp_default_profile_json(&len);
	struct ward_error err = {0};
	struct ward_seccomp *sc = spec_parse_seccomp(json, len, "default", &err);
	ck_assert_ptr_nonnull(sc);
	ck_assert_str_eq(sc->default_action, "SCMP_ACT_ERRNO");
	ck_assert_uint_gt(sc->n_rules, 10);
	spec_seccomp_free(sc);
}
END_TEST

START_TEST(unknown_syscall_names_are_skipped)
{
	struct ward_error err = {0};
	struct ward_seccomp_program p;
	struct ward_seccomp *sc = parse("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": "
					"[{\"names\": [\"no_such_call\", \"mkdir\"], "
					"\"action\": \"SCMP_ACT_ERRNO\"}]}");
	ck_assert_int_eq(ward_seccomp_compile(sc, 0, -1, &p, &err), 0);
	ward_seccomp_program_free(&p);
	spec_seccomp_free(sc);
}
END_TEST

START_TEST(notify_needs_a_listener_path)
{
	NEEDS_SECCOMP();
	struct ward_error err = {0};
	struct ward_seccomp_program p;
	struct ward_seccomp *sc =
		parse("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": "
		      "[{\"names\": [\"mkdir\"], \"action\": \"SCMP_ACT_NOTIFY\"}]}");
	ck_assert_int_eq(ward_seccomp_compile(sc, 0, -1, &p, &err), -1);
	ck_assert_str_eq(err.msg, "linux.seccomp.syscalls[0]: SCMP_ACT_NOTIFY needs "
				  "linux.seccomp.listenerPath (the agent that answers)");
	spec_seccomp_free(sc);
	sc = parse("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"listenerPath\": \"/run/agent.sock\", "
		   "\"syscalls\": [{\"names\": [\"mkdir\"], \"action\": \"SCMP_ACT_NOTIFY\"}]}");
	ck_assert_int_eq(ward_seccomp_compile(sc, 0, -1, &p, &err), 0);
	ck_assert(p.listener);
	ward_seccomp_program_free(&p);
	spec_seccomp_free(sc);
}
END_TEST

START_TEST(repeated_argument_conditions_compile)
{
	struct ward_error err = {0};
	struct ward_seccomp_program p;
	struct ward_seccomp *sc = parse(
		"{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [{\"names\": "
		"[\"personality\"],"
		" \"action\": \"SCMP_ACT_ALLOW\", \"args\": [{\"index\": 0, \"value\": 0, \"op\": "
		"\"SCMP_CMP_EQ\"}, {\"index\": 0, \"value\": 8, \"op\": \"SCMP_CMP_EQ\"}]}]}");
	ck_assert_int_eq(ward_seccomp_compile(sc, 0, -1, &p, &err), 0);
	ward_seccomp_program_free(&p);
	spec_seccomp_free(sc);
}
END_TEST

/* fuzz_seccomp: a rule with more than six conditions (some on the same argument, as there are
 * only six) read past the array of six comparisons. Each of eight conditions on personality's
 * argument must refuse its value, loaded in a child. */
START_TEST(more_than_six_conditions_are_each_a_rule)
{
	struct ward_error err = {0};
	struct ward_seccomp_program p;
	char json[2048];
	int n = snprintf(json, sizeof json,
			 "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": "
			 "[\"personality\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 95, "
			 "\"args\": [");
	for (int i = 0; i < 8; i++)
		n += snprintf(json + n, sizeof json - (size_t)n,
			      "%s{\"index\": 0, \"value\": %d, \"op\": \"SCMP_CMP_EQ\"}",
			      i ? ", " : "", 0xa1 + i);
	snprintf(json + n, sizeof json - (size_t)n, "]}]}");
	struct ward_seccomp *sc = parse(json);
	ck_assert_int_eq(ward_seccomp_compile(sc, 0, -1, &p, &err), 0);
	spec_seccomp_free(sc);
	if (!testenv_serves(SYS_seccomp)) {
		ward_seccomp_program_free(&p);
		NEEDS_SECCOMP(); /* compiled, but cannot be loaded here: says so, returns */
	}
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
		    ward_seccomp_install(&p, NULL, &err) < 0)
			_exit(100);
		for (int i = 0; i < 8; i++)
			if (syscall(SYS_personality, 0xa1 + i) != -1 || errno != 95)
				_exit(101 + i);
		/* Any other value is allowed (0xffffffff only queries). */
		_exit(syscall(SYS_personality, 0xffffffffUL) == -1 ? 110 : 0);
	}
	int status;
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child status %d",
		      WEXITSTATUS(status));
	ward_seccomp_program_free(&p);
}
END_TEST

START_TEST(never_filter_compiles)
{
	struct ward_error err = {0};
	struct ward_seccomp_program p;
	ck_assert_int_eq(ward_seccomp_compile_never(WARD_SECCOMP_NEVER_BASE, -1, &p, &err), 0);
	ck_assert_uint_gt(p.len, 5);
	ward_seccomp_program_free(&p);
}
END_TEST

/* The stacked rules for user namespaces and keyrings, loaded in a child: what they refuse and
 * with which errno, and what they leave alone. */
START_TEST(never_filter_refuses_user_namespaces_and_keyrings)
{
	struct ward_error err = {0};
	struct ward_seccomp_program p;
	NEEDS_SECCOMP();
	ck_assert_int_eq(
		ward_seccomp_compile_never(WARD_SECCOMP_NEVER_USERNS | WARD_SECCOMP_NEVER_KEYRING,
					   -1, &p, &err),
		0);
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		char out[128];
		struct clone_args_min {
			uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack,
				stack_size, tls;
		} ca = {.exit_signal = SIGCHLD};
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
		    ward_seccomp_install(&p, NULL, &err) < 0)
			_exit(100);
		errno = 0;
		long u = unshare(CLONE_NEWUSER) < 0 ? errno : 0;
		errno = 0;
		long c = syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, 0, 0, 0, 0);
		if (c == 0)
			_exit(0);
		c = c < 0 ? errno : 0;
		errno = 0;
		long c3 = syscall(SYS_clone3, &ca, sizeof ca);
		if (c3 == 0)
			_exit(0);
		c3 = c3 < 0 ? errno : 0;
		errno = 0;
		long k = syscall(SYS_keyctl, 0 /* KEYCTL_GET_KEYRING_ID */, -3, 0) < 0 ? errno : 0;
		errno = 0;
		long plain = syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0);
		if (plain == 0)
			_exit(0);
		plain = plain < 0 ? errno : 0;
		snprintf(out, sizeof out, "%ld %ld %ld %ld %ld", u, c, c3, k, plain);
		if (strcmp(out, "1 1 38 38 0") != 0)
			fprintf(stderr, "errnos: %s, expected 1 1 38 38 0\n", out);
		_exit(strcmp(out, "1 1 38 38 0") == 0 ? 0 : 101);
	}
	int status;
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child status %d",
		      WEXITSTATUS(status));
	ward_seccomp_program_free(&p);
}
END_TEST

/* ---- the cache ---- */

static const char key_a[] = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
static const char key_b[] = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
static char tmp[64];

static int rm(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	return remove(path);
}

static void teardown(void)
{
	if (tmp[0]) {
		chmod(tmp, 0700);
		nftw(tmp, rm, 8, FTW_DEPTH | FTW_PHYS);
	}
	tmp[0] = '\0';
}

static int make_tmp(void)
{
	snprintf(tmp, sizeof tmp, "/tmp/ward-cache-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmp));
	int fd = open(tmp, O_PATH | O_DIRECTORY | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	return fd;
}

static void never_program(struct ward_seccomp_program *p)
{
	struct ward_error err = {0};
	ck_assert_int_eq(ward_seccomp_compile_never(WARD_SECCOMP_NEVER_BASE, -1, p, &err), 0);
	p->flags = 1; /* SECCOMP_FILTER_FLAG_TSYNC: travels with the program */
	p->listener = true;
}

START_TEST(cache_entry_round_trips)
{
	struct ward_seccomp_program p, q;
	const char *why = NULL;
	void *buf;
	size_t len;

	never_program(&p);
	ck_assert_int_eq(ward_seccomp_cache_encode(key_a, &p, &buf, &len), 0);
	ck_assert_int_eq(ward_seccomp_cache_decode(buf, len, key_a, &q, &why), 0);
	ck_assert_uint_eq(q.len, p.len);
	ck_assert_uint_eq(q.flags, p.flags);
	ck_assert(q.listener);
	ck_assert_mem_eq(q.filter, p.filter, p.len * sizeof(struct sock_filter));
	free(buf);
	ward_seccomp_program_free(&p);
	ward_seccomp_program_free(&q);
}
END_TEST

/* Every kind of damage, and an entry of another key, is refused with a reason. */
START_TEST(cache_entry_damage_is_refused)
{
	struct ward_seccomp_program p, q;
	const char *why;
	unsigned char *buf, *bad;
	size_t len, body, head;

	never_program(&p);
	ck_assert_int_eq(ward_seccomp_cache_encode(key_a, &p, (void **)&buf, &len), 0);
	body = p.len * sizeof(struct sock_filter);
	head = len - body;
	bad = malloc(len);
	struct {
		const char *what;
		size_t at;
		unsigned char xor ;
		size_t len;
		const char *reason;
	} cases[] = {
		{"magic", 0, 0x20, len, "not a cache entry"},
		{"format", 8, 0x01, len, "not a cache entry"},
		{"flags", 12 + 3, 0x40, len, "unknown flags"},
		{"key", 16, 0x03, len, "another key"},
		{"length field", 80, 0x01, len, "length"},
		{"digest", head - 1, 0x01, len, "checksum"},
		{"first instruction", head, 0x01, len, "checksum"},
		{"last instruction", len - 1, 0x80, len, "checksum"},
		{"truncated by one byte", 0, 0, len - 1, "length"},
		{"truncated to its header", 0, 0, head, "length"},
		{"truncated inside its header", 0, 0, head - 1, "shorter than its header"},
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		memcpy(bad, buf, len);
		bad[cases[i].at] ^= cases[i].xor ;
		why = NULL;
		ck_assert_msg(ward_seccomp_cache_decode(bad, cases[i].len, key_a, &q, &why) == -1,
			      "%s: accepted", cases[i].what);
		ck_assert_ptr_null(q.filter);
		ck_assert_msg(why && strstr(why, cases[i].reason), "%s: %s", cases[i].what,
			      why ? why : "(no reason)");
	}
	/* The whole entry of one key under another key's name. */
	ck_assert_int_eq(ward_seccomp_cache_decode(buf, len, key_b, &q, &why), -1);
	ck_assert_str_eq(why, "compiled for another key");
	/* Longer than its header says. */
	unsigned char *longer = malloc(len + 8);
	memcpy(longer, buf, len);
	memset(longer + len, 0, 8);
	ck_assert_int_eq(ward_seccomp_cache_decode(longer, len + 8, key_a, &q, &why), -1);
	free(longer);
	free(bad);
	free(buf);
	ward_seccomp_program_free(&p);
}
END_TEST

/* What a file must be before its content is even read. */
START_TEST(cache_entries_are_checked_as_files)
{
	struct ward_seccomp_program p, q;
	char name[128], path[256], other[256];
	int dirfd = make_tmp();

	never_program(&p);
	snprintf(name, sizeof name, "%s.bpf", key_a);
	snprintf(path, sizeof path, "%s/%s", tmp, name);
	snprintf(other, sizeof other, "%s/elsewhere", tmp);
	ward_seccomp_cache_store(dirfd, key_a, &p);
	ck_assert(ward_seccomp_cache_load(dirfd, key_a, &q));
	ward_seccomp_program_free(&q);
	ck_assert(!ward_seccomp_cache_load(dirfd, key_b, &q)); /* absent */

	ck_assert_int_eq(chmod(path, 0644), 0);
	ck_assert_msg(!ward_seccomp_cache_load(dirfd, key_a, &q), "mode 0644 loaded");
	ck_assert_int_eq(chmod(path, 0600), 0);

	ck_assert_int_eq(link(path, other), 0);
	ck_assert_msg(!ward_seccomp_cache_load(dirfd, key_a, &q), "a hard link loaded");
	ck_assert_int_eq(unlink(other), 0);
	ck_assert(ward_seccomp_cache_load(dirfd, key_a, &q));
	ward_seccomp_program_free(&q);

	if (geteuid() == 0) {
		ck_assert_int_eq(chown(path, 65534, 65534), 0);
		ck_assert_msg(!ward_seccomp_cache_load(dirfd, key_a, &q),
			      "another user's file loaded");
		ck_assert_int_eq(chown(path, 0, 0), 0);
	}

	/* A symbolic link to a valid entry is not followed; storing replaces the link itself. */
	ck_assert_int_eq(rename(path, other), 0);
	ck_assert_int_eq(symlink("elsewhere", path), 0);
	ck_assert_msg(!ward_seccomp_cache_load(dirfd, key_a, &q), "a symbolic link was followed");
	ward_seccomp_cache_store(dirfd, key_a, &p);
	struct stat st;
	ck_assert_int_eq(lstat(path, &st), 0);
	ck_assert(S_ISREG(st.st_mode));
	ck_assert(ward_seccomp_cache_load(dirfd, key_a, &q));
	ward_seccomp_program_free(&q);
	ck_assert_int_eq(unlink(other), 0);

	/* A FIFO neither loads nor hangs the reader; a directory does not load. */
	ck_assert_int_eq(unlink(path), 0);
	ck_assert_int_eq(mkfifo(path, 0600), 0);
	ck_assert(!ward_seccomp_cache_load(dirfd, key_a, &q));
	ck_assert_int_eq(unlink(path), 0);
	ck_assert_int_eq(mkdir(path, 0700), 0);
	ck_assert(!ward_seccomp_cache_load(dirfd, key_a, &q));

	/* Damage on disk: refused, then replaced by a good entry. */
	ck_assert_int_eq(rmdir(path), 0);
	ward_seccomp_cache_store(dirfd, key_a, &p);
	int fd = open(path, O_WRONLY);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(pwrite(fd, "\xff", 1, 200), 1);
	close(fd);
	ck_assert(!ward_seccomp_cache_load(dirfd, key_a, &q));
	ward_seccomp_cache_store(dirfd, key_a, &p);
	ck_assert(ward_seccomp_cache_load(dirfd, key_a, &q));
	ward_seccomp_program_free(&q);
	/* No temporary file is left. */
	char listing[256];
	snprintf(listing, sizeof listing, "test \"$(ls -A %s)\" = \"%s\"", tmp, name);
	ck_assert_int_eq(system(listing), 0);
	close(dirfd);
	ward_seccomp_program_free(&p);
}
END_TEST

/* The cache stays within its bound: the least recently used entries go (a load counts as a
 * use), stale temporary files go, and nothing that is not an entry is touched. */
START_TEST(cache_is_pruned_to_its_bound)
{
	struct ward_seccomp_program p, q;
	char key[65], path[256];
	int dirfd = make_tmp();

	never_program(&p);
	for (int i = 0; i < 6; i++) {
		snprintf(key, sizeof key, "%064x", i);
		ward_seccomp_cache_store(dirfd, key, &p);
		/* distinct, increasing use times without sleeping */
		snprintf(path, sizeof path, "%s/%s.bpf", tmp, key);
		struct timespec t[2] = {{.tv_sec = 1000 + i}, {.tv_sec = 1000 + i}};
		ck_assert_int_eq(utimensat(AT_FDCWD, path, t, 0), 0);
	}
	/* Entry 0 is the oldest, but it is used now. */
	snprintf(key, sizeof key, "%064x", 0);
	ck_assert(ward_seccomp_cache_load(dirfd, key, &q));
	ward_seccomp_program_free(&q);
	/* Files that are not entries, and a fresh and a stale temporary file. */
	snprintf(path, sizeof path, "%s/README", tmp);
	ck_assert_int_eq(close(open(path, O_CREAT | O_WRONLY, 0600)), 0);
	snprintf(path, sizeof path, "%s/.%064x.99999.tmp", tmp, 7);
	ck_assert_int_eq(close(open(path, O_CREAT | O_WRONLY, 0600)), 0);
	snprintf(path, sizeof path, "%s/.%064x.99998.tmp", tmp, 8);
	ck_assert_int_eq(close(open(path, O_CREAT | O_WRONLY, 0600)), 0);
	struct timespec old[2] = {{.tv_sec = 1000}, {.tv_sec = 1000}};
	ck_assert_int_eq(utimensat(AT_FDCWD, path, old, 0), 0);

	ck_assert_uint_eq(ward_seccomp_cache_prune(dirfd, 3),
			  4); /* entries 1, 2, 3 and the stale file */
	const int kept[] = {0, 4, 5}, gone[] = {1, 2, 3};
	for (size_t i = 0; i < ARRAY_SIZE(kept); i++) {
		snprintf(path, sizeof path, "%s/%064x.bpf", tmp, kept[i]);
		ck_assert_msg(access(path, F_OK) == 0, "entry %d was pruned", kept[i]);
		snprintf(path, sizeof path, "%s/%064x.bpf", tmp, gone[i]);
		ck_assert_msg(access(path, F_OK) < 0, "entry %d was kept", gone[i]);
	}
	snprintf(path, sizeof path, "%s/README", tmp);
	ck_assert_int_eq(access(path, F_OK), 0);
	snprintf(path, sizeof path, "%s/.%064x.99999.tmp", tmp, 7);
	ck_assert_int_eq(access(path, F_OK), 0);
	ck_assert_uint_eq(ward_seccomp_cache_prune(dirfd, 3), 0);

	/* Storing keeps the built-in bound. */
	for (int i = 0; i < SECCOMP_CACHE_MAX_ENTRIES + 10; i++) {
		snprintf(key, sizeof key, "%064x", 100 + i);
		ward_seccomp_cache_store(dirfd, key, &p);
	}
	char count[256];
	snprintf(count, sizeof count, "test $(ls %s | grep -c '[.]bpf$') -eq %d", tmp,
		 SECCOMP_CACHE_MAX_ENTRIES);
	ck_assert_int_eq(system(count), 0);
	close(dirfd);
	ward_seccomp_program_free(&p);
}
END_TEST

/* The directory: created 0700 where missing; refused when any component could be changed by
 * someone else, or is a symbolic link, or when it is not private. */
START_TEST(cache_directory_checks)
{
	char path[256];
	int base = make_tmp();
	int fd = ward_seccomp_cache_open_below(base, "a/b/seccomp");
	struct stat st;

	ck_assert_int_ge(fd, 0);
	close(fd);
	snprintf(path, sizeof path, "%s/a/b/seccomp", tmp);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0700);

	snprintf(path, sizeof path, "%s/a", tmp);
	ck_assert_int_eq(chmod(path, 0770), 0);
	ck_assert_int_eq(ward_seccomp_cache_open_below(base, "a/b/seccomp"), -1);
	ck_assert_int_eq(chmod(path, 0702), 0);
	ck_assert_int_eq(ward_seccomp_cache_open_below(base, "a/b/seccomp"), -1);
	ck_assert_int_eq(chmod(path, 0755), 0);
	fd = ward_seccomp_cache_open_below(base, "a/b/seccomp");
	ck_assert_int_ge(fd, 0);
	close(fd);

	snprintf(path, sizeof path, "%s/a/b/seccomp", tmp);
	ck_assert_int_eq(chmod(path, 0755), 0);
	ck_assert_int_eq(ward_seccomp_cache_open_below(base, "a/b/seccomp"), -1);
	ck_assert_int_eq(chmod(path, 0700), 0);

	snprintf(path, sizeof path, "%s/link", tmp);
	ck_assert_int_eq(symlink("a", path), 0);
	ck_assert_int_eq(ward_seccomp_cache_open_below(base, "link/b/seccomp"), -1);
	ck_assert_int_eq(ward_seccomp_cache_open_below(base, "a/../a/b/seccomp"), -1);

	if (geteuid() == 0) {
		snprintf(path, sizeof path, "%s/a/b", tmp);
		ck_assert_int_eq(chown(path, 65534, 65534), 0);
		ck_assert_int_eq(ward_seccomp_cache_open_below(base, "a/b/seccomp"), -1);
		ck_assert_int_eq(chown(path, 0, 0), 0);
	}
	/* A world-writable start (such as /tmp) is refused too. */
	ck_assert_int_eq(chmod(tmp, 0777), 0);
	ck_assert_int_eq(ward_seccomp_cache_open_below(base, "a/b/seccomp"), -1);
	close(base);
}
END_TEST

START_TEST(cache_key_covers_its_inputs)
{
	char k1[65], k2[65], k3[65], k4[65];
	struct ward_seccomp *sc = parse("{\"defaultAction\": \"SCMP_ACT_ALLOW\"}");

	ward_seccomp_cache_key(NULL, 0, "x", k1);
	ward_seccomp_cache_key(NULL, 0, "x", k2);
	ck_assert_str_eq(k1, k2);
	ck_assert_uint_eq(strlen(k1), 64);
	ward_seccomp_cache_key(NULL, 1, "x", k2);
	ward_seccomp_cache_key(NULL, 0, "y", k3);
	ward_seccomp_cache_key(sc, 0, "x", k4);
	ck_assert_str_ne(k1, k2);
	ck_assert_str_ne(k1, k3);
	ck_assert_str_ne(k1, k4);
	spec_seccomp_free(sc);
	if (geteuid() == 0) {
		char *dir = ward_seccomp_cache_dir();
		ck_assert_str_eq(dir, "/var/cache/ward/seccomp");
		free(dir);
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("seccomp");
	TCase *tc = tcase_create("seccomp");
	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_test(tc, builtin_default_profile_compiles);
	tcase_add_test(tc, capability_conditions_change_the_filter);
	tcase_add_test(tc, builtin_default_profile_is_default_deny);
	tcase_add_test(tc, unknown_syscall_names_are_skipped);
	tcase_add_test(tc, notify_needs_a_listener_path);
	tcase_add_test(tc, repeated_argument_conditions_compile);
	tcase_add_test(tc, more_than_six_conditions_are_each_a_rule);
	tcase_add_test(tc, never_filter_compiles);
	tcase_add_test(tc, never_filter_refuses_user_namespaces_and_keyrings);
	tcase_add_test(tc, cache_entry_round_trips);
	tcase_add_test(tc, cache_entry_damage_is_refused);
	tcase_add_test(tc, cache_entries_are_checked_as_files);
	tcase_add_test(tc, cache_is_pruned_to_its_bound);
	tcase_add_test(tc, cache_directory_checks);
	tcase_add_test(tc, cache_key_covers_its_inputs);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
