/* String, file, fd-passing and error helpers, path_clean and container ID validation. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ward/cleanup.h"
#include "ward/error.h"
#include "ward/state.h"
#include "ward/util.h"

/* One directory for the file tests, made and removed by the parent (an unchecked fixture), so
 * it goes away even when a test fails half-way. */
static char tmpdir[64];

static void make_tmpdir(void)
{
	snprintf(tmpdir, sizeof tmpdir, "/tmp/ward-check-util-XXXXXX");
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		abort();
	}
}

static int remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	return remove(path);
}

static void remove_tmpdir(void)
{
	if (nftw(tmpdir, remove_entry, 16, FTW_DEPTH | FTW_PHYS) < 0)
		fprintf(stderr, "could not remove %s\n", tmpdir);
}

static void write_test_file(const char *path, const char *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write_all(fd, data, len), 0);
	close(fd);
}

/* ---- strutil ------------------------------------------------------------------------------ */

START_TEST(strv_length_counts_until_null)
{
	char *v[] = {"a", "b", "c", NULL};
	char *empty[] = {NULL};

	ck_assert_uint_eq(strv_length(v), 3);
	ck_assert_uint_eq(strv_length(empty), 0);
	ck_assert_uint_eq(strv_length(NULL), 0);
}
END_TEST

START_TEST(strv_push_appends_copies_to_a_null_vector)
{
	char **v = NULL;
	char word[] = "a";
	ck_assert_int_eq(strv_push(&v, word), 0);
	word[0] = 'x';
	ck_assert_int_eq(strv_push(&v, "b"), 0);
	ck_assert_uint_eq(strv_length(v), 2);
	ck_assert_str_eq(v[0], "a");
	ck_assert_str_eq(v[1], "b");
	ck_assert_ptr_null(v[2]);
	strv_free(v);
}
END_TEST

START_TEST(strv_contains_matches_whole_strings)
{
	char *v[] = {"ro", "nosuid", NULL};

	ck_assert(strv_contains(v, "nosuid"));
	ck_assert(!strv_contains(v, "nosui"));
	ck_assert(!strv_contains(v, "r"));
	ck_assert(!strv_contains(NULL, "ro"));
}
END_TEST

START_TEST(strv_free_releases_a_vector_and_accepts_null)
{
	char **v = calloc(3, sizeof *v);

	v[0] = strdup("a");
	v[1] = strdup("b");
	strv_free(v); /* LeakSanitizer checks the rest */
	strv_free(NULL);
	/* Passing means: no crash here, and no leak or invalid free under ASan+UBSan (CI). */
}
END_TEST

START_TEST(parse_long_accepts_decimal_in_range)
{
	long v = 0;

	ck_assert_int_eq(parse_long("42", 0, 100, &v), 0);
	ck_assert_int_eq(v, 42);
	ck_assert_int_eq(parse_long("-5", -10, 10, &v), 0);
	ck_assert_int_eq(v, -5);
	ck_assert_int_eq(parse_long("0100", 0, 1000, &v), 0);
	ck_assert_int_eq(v, 100); /* decimal, not octal */
	ck_assert_int_eq(parse_long("9223372036854775807", 0, LONG_MAX, &v), 0);
	ck_assert_int_eq(v, LONG_MAX);
}
END_TEST

START_TEST(parse_long_rejects_out_of_range_values)
{
	long v = 7;

	ck_assert_int_eq(parse_long("101", 0, 100, &v), -ERANGE);
	ck_assert_int_eq(parse_long("-1", 0, 100, &v), -ERANGE);
	ck_assert_int_eq(parse_long("9223372036854775808", 0, LONG_MAX, &v), -ERANGE);
	ck_assert_int_eq(parse_long("-9223372036854775809", LONG_MIN, 0, &v), -ERANGE);
	ck_assert_int_eq(v, 7); /* untouched on failure */
}
END_TEST

START_TEST(parse_long_rejects_non_numbers)
{
	long v = 7;

	ck_assert_int_eq(parse_long("", 0, 100, &v), -EINVAL);
	ck_assert_int_eq(parse_long(NULL, 0, 100, &v), -EINVAL);
	ck_assert_int_eq(parse_long("12abc", 0, 100, &v), -EINVAL);
	ck_assert_int_eq(parse_long("abc", 0, 100, &v), -EINVAL);
	ck_assert_int_eq(parse_long("1.5", 0, 100, &v), -EINVAL);
	ck_assert_int_eq(parse_long("5 ", 0, 100, &v), -EINVAL);
	ck_assert_int_eq(parse_long("-", 0, 100, &v), -EINVAL);
	ck_assert_int_eq(v, 7);
}
END_TEST

START_TEST(parse_long_rejects_leading_white_space)
{
	long v = 7;

	ck_assert_int_eq(parse_long(" 5", 0, 100, &v), -EINVAL);
	ck_assert_int_eq(parse_long("\n5", 0, 100, &v), -EINVAL);
	ck_assert_int_eq(v, 7);
}
END_TEST

START_TEST(path_join_uses_exactly_one_slash)
{
	const char *cases[][3] = {
		{"/bundle", "config.json", "/bundle/config.json"},
		{"/bundle/", "config.json", "/bundle/config.json"},
		{"/bundle//", "/rootfs", "/bundle/rootfs"},
		{"/", "rootfs", "/rootfs"},
		{"/", "//rootfs", "/rootfs"},
		{"bundle", "rootfs/sub", "bundle/rootfs/sub"},
		{".", "config.json", "./config.json"},
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char *p = path_join(cases[i][0], cases[i][1]);
		ck_assert_str_eq(p, cases[i][2]);
		free(p);
	}
}
END_TEST

START_TEST(path_join_keeps_an_empty_base_relative)
{
	/* --bundle "" means the current directory, never "/". */
	char *p = path_join("", "config.json");

	ck_assert_str_eq(p, "config.json");
	free(p);
}
END_TEST

/* ---- fileutil ----------------------------------------------------------------------------- */

START_TEST(read_file_limited_reads_a_whole_file)
{
	char path[128], *buf = NULL;
	size_t len = 0;
	struct ward_error err = {0};

	snprintf(path, sizeof path, "%s/f", tmpdir);
	write_test_file(path, "hello\0world", 11);
	ck_assert_int_eq(read_file_limited(path, 11, &buf, &len, &err), 0);
	ck_assert_uint_eq(len, 11);
	ck_assert_mem_eq(buf, "hello\0world", 12); /* and NUL-terminated */
	free(buf);
}
END_TEST

START_TEST(read_file_limited_reads_an_empty_file)
{
	char path[128], *buf = NULL;
	size_t len = 99;
	struct ward_error err = {0};

	snprintf(path, sizeof path, "%s/empty", tmpdir);
	write_test_file(path, "", 0);
	ck_assert_int_eq(read_file_limited(path, 16, &buf, &len, &err), 0);
	ck_assert_uint_eq(len, 0);
	ck_assert_str_eq(buf, "");
	free(buf);
}
END_TEST

START_TEST(read_file_limited_refuses_a_file_over_the_limit)
{
	char path[128], want[256], *buf = NULL;
	size_t len = 0;
	struct ward_error err = {0};

	snprintf(path, sizeof path, "%s/big", tmpdir);
	write_test_file(path, "0123456789A", 11);
	ck_assert_int_eq(read_file_limited(path, 10, &buf, &len, &err), -1);
	ck_assert_ptr_null(buf);
	snprintf(want, sizeof want, "%s is 11 bytes, larger than the 10-byte limit", path);
	ck_assert_str_eq(err.msg, want);
}
END_TEST

START_TEST(read_file_limited_names_the_limit_in_mib)
{
	char path[128], want[256], *buf = NULL;
	size_t len = 0;
	struct ward_error err = {0};
	int fd;

	snprintf(path, sizeof path, "%s/sparse", tmpdir);
	fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(ftruncate(fd, (2 << 20) + 1), 0);
	close(fd);
	ck_assert_int_eq(read_file_limited(path, 2 << 20, &buf, &len, &err), -1);
	snprintf(want, sizeof want, "%s is 2097153 bytes, larger than the 2 MiB limit", path);
	ck_assert_str_eq(err.msg, want);
}
END_TEST

START_TEST(read_file_limited_reports_a_missing_file)
{
	char *buf = NULL;
	size_t len = 0;
	struct ward_error err = {0};

	ck_assert_int_eq(read_file_limited("/nonexistent/ward", 10, &buf, &len, &err), -1);
	ck_assert_str_eq(err.msg, "open /nonexistent/ward: no such file or directory");
	ck_assert_int_eq(err.code, ENOENT);
}
END_TEST

START_TEST(read_file_limited_refuses_a_directory)
{
	char *buf = NULL;
	size_t len = 0;
	struct ward_error err = {0};

	ck_assert_int_eq(read_file_limited("/tmp", 10, &buf, &len, &err), -1);
	ck_assert_str_eq(err.msg, "read /tmp: is a directory");
	ck_assert_int_eq(err.code, EISDIR);
}
END_TEST

START_TEST(read_fd_limited_reads_a_pipe)
{
	int p[2];
	char *buf = NULL;
	size_t len = 0;
	struct ward_error err = {0};

	ck_assert_int_eq(pipe2(p, O_CLOEXEC), 0);
	ck_assert_int_eq(write_all(p[1], "{\"a\":1}", 7), 0);
	close(p[1]);
	ck_assert_int_eq(read_fd_limited(p[0], 7, &buf, &len, &err), 0);
	close(p[0]);
	ck_assert_uint_eq(len, 7);
	ck_assert_str_eq(buf, "{\"a\":1}");
	free(buf);
}
END_TEST

START_TEST(read_fd_limited_stops_a_stream_past_the_limit)
{
	/* No size up front: it must stop reading, not buffer everything. */
	int fd = open("/dev/zero", O_RDONLY | O_CLOEXEC);
	char *buf = NULL;
	size_t len = 0;
	struct ward_error err = {0};

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(read_fd_limited(fd, 1 << 20, &buf, &len, &err), -1);
	close(fd);
	ck_assert_ptr_null(buf);
	ck_assert_str_eq(err.msg, "larger than the 1 MiB limit: file too large");
	ck_assert_int_eq(err.code, EFBIG);
}
END_TEST

START_TEST(read_fd_limited_reports_read_errors)
{
	char *buf = NULL;
	size_t len = 0;
	struct ward_error err = {0};
	int fd = open("/tmp", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(read_fd_limited(fd, 10, &buf, &len, &err), -1);
	close(fd);
	ck_assert_str_eq(err.msg, "read: is a directory");
}
END_TEST

START_TEST(write_file_atomic_replaces_content_without_leftovers)
{
	char path[128], *buf = NULL;
	size_t len = 0;
	struct ward_error err = {0};
	struct stat st;
	int dirfd;

	dirfd = open(tmpdir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	ck_assert_int_ge(dirfd, 0);
	ck_assert_int_eq(write_file_atomic(dirfd, "state.json", "old", 3, 0600, &err), 0);
	ck_assert_int_eq(write_file_atomic(dirfd, "state.json", "newer", 5, 0600, &err), 0);
	snprintf(path, sizeof path, "%s/state.json", tmpdir);
	ck_assert_int_eq(read_file_limited(path, 100, &buf, &len, &err), 0);
	ck_assert_str_eq(buf, "newer");
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0600);
	snprintf(path, sizeof path, "%s/.state.json.tmp", tmpdir);
	ck_assert_int_eq(access(path, F_OK), -1);
	free(buf);
	close(dirfd);
}
END_TEST

START_TEST(write_file_atomic_refuses_a_name_too_long)
{
	char name[600];
	struct ward_error err = {0};

	memset(name, 'n', sizeof name - 1);
	name[sizeof name - 1] = '\0';
	ck_assert_int_eq(write_file_atomic(AT_FDCWD, name, "x", 1, 0600, &err), -1);
	ck_assert_int_eq(err.code, ENAMETOOLONG);
	ck_assert_ptr_nonnull(strstr(err.msg, ": file name too long"));
	ck_assert(strncmp(err.msg, "write nnnn", 10) == 0);
}
END_TEST

START_TEST(write_file_atomic_reports_a_missing_directory)
{
	struct ward_error err = {0};
	int dirfd;

	dirfd = open(tmpdir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	ck_assert_int_eq(write_file_atomic(dirfd, "no/such/f", "x", 1, 0600, &err), -1);
	/* The file written, not its temporary name. */
	ck_assert_str_eq(err.msg, "write no/such/f: no such file or directory");
	close(dirfd);
}
END_TEST

START_TEST(write_all_and_read_all_move_every_byte)
{
	int p[2];
	char out[5000], in[6000];

	for (size_t i = 0; i < sizeof out; i++)
		out[i] = (char)(i * 7);
	ck_assert_int_eq(pipe2(p, O_CLOEXEC), 0);
	ck_assert_int_eq(write_all(p[1], out, sizeof out), 0);
	close(p[1]);
	ck_assert_int_eq(read_all(p[0], in, sizeof in), (ssize_t)sizeof out); /* stops at EOF */
	ck_assert_mem_eq(in, out, sizeof out);
	close(p[0]);
	ck_assert_int_eq(write_all(-1, "x", 1), -1);
	ck_assert_int_eq(errno, EBADF);
	ck_assert_int_eq(read_all(-1, in, 1), -1);
}
END_TEST

/* ---- error -------------------------------------------------------------------------------- */

START_TEST(ward_fail_appends_strerror_for_system_errors)
{
	struct ward_error err = {0};

	ck_assert_int_eq(ward_fail(&err, ENOENT, "open %s", "/x"), -1);
	ck_assert_str_eq(err.msg, "open /x: no such file or directory");
	ck_assert_int_eq(err.code, ENOENT);
}
END_TEST

START_TEST(ward_fail_without_code_keeps_the_message_alone)
{
	struct ward_error err = {0};

	ck_assert_int_eq(ward_fail(&err, 0, "bad %d", 5), -1);
	ck_assert_str_eq(err.msg, "bad 5");
	ck_assert_int_eq(err.code, 0);
}
END_TEST

START_TEST(ward_fail_tolerates_a_null_error)
{
	ck_assert_int_eq(ward_fail(NULL, EIO, "x"), -1);
	ck_assert_int_eq(ward_error_prefix(NULL, "x"), -1);
	ck_assert_int_eq(ward_error_hint(NULL, "x"), -1);
}
END_TEST

START_TEST(ward_fail_truncates_overlong_messages)
{
	struct ward_error err = {0};
	char *big = malloc(10000);

	memset(big, 'x', 9999);
	big[9999] = '\0';
	ward_fail(&err, EACCES, "%s", big);
	ck_assert_uint_eq(strlen(err.msg), WARD_ERROR_MAX - 1);
	ward_error_prefix(&err, "%s", big);
	ck_assert_uint_eq(strlen(err.msg), WARD_ERROR_MAX - 1);
	ward_error_hint(&err, "%s", big);
	ck_assert_uint_eq(strlen(err.msg), WARD_ERROR_MAX - 1);
	free(big);
}
END_TEST

START_TEST(ward_error_prefix_adds_context_as_it_travels_up)
{
	struct ward_error err = {0};

	ward_fail(&err, EPERM, "mount /proc");
	ck_assert_int_eq(ward_error_prefix(&err, "mounts[%d]", 2), -1);
	ward_error_prefix(&err, "config.json");
	ck_assert_str_eq(err.msg, "config.json: mounts[2]: mount /proc: operation not permitted");
	ck_assert_int_eq(err.code, EPERM);
}
END_TEST

START_TEST(ward_error_hint_appends_the_remedy)
{
	struct ward_error err = {0};

	ward_fail(&err, 0, "cgroup v1 is not supported");
	ck_assert_int_eq(
		ward_error_hint(&err, "boot with %s", "systemd.unified_cgroup_hierarchy=1"), -1);
	ck_assert_str_eq(err.msg, "cgroup v1 is not supported (boot with "
				  "systemd.unified_cgroup_hierarchy=1)");
}
END_TEST

START_TEST(ward_error_clear_resets_code_and_message)
{
	struct ward_error err = {0};

	ward_fail(&err, EIO, "x");
	ward_error_clear(&err);
	ck_assert_int_eq(err.code, 0);
	ck_assert_str_eq(err.msg, "");
}
END_TEST

START_TEST(ward_strerror_lowercases_like_runc)
{
	char buf[128];

	ck_assert_str_eq(ward_strerror(ENOENT, buf, sizeof buf), "no such file or directory");
	ck_assert_str_eq(ward_strerror(EACCES, buf, sizeof buf), "permission denied");
	ck_assert_str_eq(ward_strerror(EEXIST, buf, sizeof buf), "file exists");
	ck_assert_str_eq(ward_strerror(99999, buf, sizeof buf), "error 99999");
	ck_assert_str_eq(ward_strerror(-1, buf, sizeof buf), "error -1");
}
END_TEST

START_TEST(ward_strerror_keeps_acronyms)
{
	char buf[128];

	/* "RFS specific error": an upper-case word stays as it is. */
	ck_assert_str_eq(ward_strerror(EDOTDOT, buf, sizeof buf), "RFS specific error");
}
END_TEST

START_TEST(ward_strerror_truncates_into_a_small_buffer)
{
	char buf[5];

	ck_assert_str_eq(ward_strerror(ENOENT, buf, sizeof buf), "no s");
}
END_TEST

/* ---- path_clean --------------------------------------------------------------------------- */

START_TEST(path_clean_normalises_lexically)
{
	const char *cases[][2] = {
		{"/", "/"},
		{"", "/"},
		{"/a/b", "/a/b"},
		{"a/b", "/a/b"},
		{"//a///b//", "/a/b"},
		{"/a/./b/.", "/a/b"},
		{"/a/b/../c", "/a/c"},
		{"/a/b/../../c", "/c"},
		{"/..", "/"},
		{"/../../../etc/passwd", "/etc/passwd"},
		{"/a/../../b", "/b"},
		{"../x", "/x"},
		{"/...", "/..."},
		{"/a/..b/.c", "/a/..b/.c"},
		{"/a/b/..", "/a"},
		{"/./.././", "/"},
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char out[64];
		memset(out, 'Z', sizeof out);
		path_clean(cases[i][0], out);
		ck_assert_msg(strcmp(out, cases[i][1]) == 0,
			      "path_clean(\"%s\") = \"%s\", want \"%s\"", cases[i][0], out,
			      cases[i][1]);
	}
}
END_TEST

START_TEST(path_clean_fits_in_strlen_plus_two)
{
	/* The documented buffer size is enough for the worst case: a relative path. */
	const char *in = "abc";
	char *out = malloc(strlen(in) + 2);

	path_clean(in, out);
	ck_assert_str_eq(out, "/abc");
	free(out);
	in = "";
	out = malloc(strlen(in) + 2);
	path_clean(in, out);
	ck_assert_str_eq(out, "/");
	free(out);
}
END_TEST

/* ---- container IDs ------------------------------------------------------------------------ */

START_TEST(state_validate_id_accepts_runc_ids)
{
	struct ward_error err = {0};
	char longest[256];

	memset(longest, 'a', 255);
	longest[255] = '\0';
	ck_assert_int_eq(state_validate_id("web-1", &err), 0);
	ck_assert_int_eq(state_validate_id("A.b_c+d-9", &err), 0);
	ck_assert_int_eq(state_validate_id("...", &err), 0);
	ck_assert_int_eq(state_validate_id(longest, &err), 0);
}
END_TEST

START_TEST(state_validate_id_rejects_an_empty_id)
{
	struct ward_error err = {0};

	ck_assert_int_eq(state_validate_id("", &err), -1);
	ck_assert_str_eq(err.msg, "container ID must not be empty");
}
END_TEST

START_TEST(state_validate_id_rejects_an_id_over_255_bytes)
{
	struct ward_error err = {0};
	char id[257];

	memset(id, 'a', 256);
	id[256] = '\0';
	ck_assert_int_eq(state_validate_id(id, &err), -1);
	ck_assert_str_eq(err.msg, "container ID is longer than 255 characters");
}
END_TEST

START_TEST(state_validate_id_rejects_dot_and_dot_dot)
{
	struct ward_error err = {0};

	ck_assert_int_eq(state_validate_id(".", &err), -1);
	ck_assert_str_eq(err.msg, "invalid container ID \".\"");
	ck_assert_int_eq(state_validate_id("..", &err), -1);
	ck_assert_str_eq(err.msg, "invalid container ID \"..\"");
}
END_TEST

START_TEST(state_validate_id_rejects_characters_outside_the_set)
{
	const char *bad[] = {"a/b", "../x", "a b", "a\nb", "caf\xc3\xa9", "a:b", "a*", "-\x01"};
	struct ward_error err = {0};

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		ck_assert_msg(state_validate_id(bad[i], &err) == -1, "accepted \"%s\"", bad[i]);
	ck_assert_int_eq(state_validate_id("x/../../etc", &err), -1);
	ck_assert_str_eq(err.msg, "invalid container ID \"x/../../etc\": only letters, digits and "
				  "_ + - . are allowed");
}
END_TEST

START_TEST(array_grow_starts_at_first_then_doubles)
{
	int *a = NULL;
	size_t cap = 0;

	a = array_grow(a, &cap, sizeof *a, 4);
	ck_assert_ptr_nonnull(a);
	ck_assert_uint_eq(cap, 4);
	a[3] = 7;
	a = array_grow(a, &cap, sizeof *a, 4);
	ck_assert_ptr_nonnull(a);
	ck_assert_uint_eq(cap, 8);
	ck_assert_int_eq(a[3], 7);
	free(a);
}
END_TEST

START_TEST(array_grow_refuses_an_overflow_and_keeps_the_array)
{
	char *a = malloc(1);
	size_t cap = SIZE_MAX / 2 + 1;

	ck_assert_ptr_nonnull(a);
	errno = 0;
	ck_assert_ptr_null(array_grow(a, &cap, 1, 4));
	ck_assert_int_eq(errno, ENOMEM);
	ck_assert_uint_eq(cap, SIZE_MAX / 2 + 1);
	cap = SIZE_MAX / 4;
	ck_assert_ptr_null(array_grow(a, &cap, 8, 4));
	ck_assert_uint_eq(cap, SIZE_MAX / 4);
	free(a);
}
END_TEST

START_TEST(rfc3339_now_writes_utc_with_nanoseconds)
{
	char buf[64];

	rfc3339_now(buf, sizeof buf);
	ck_assert_uint_eq(strlen(buf), 30);
	ck_assert_int_eq(buf[4], '-');
	ck_assert_int_eq(buf[10], 'T');
	ck_assert_int_eq(buf[19], '.');
	ck_assert_int_eq(buf[29], 'Z');
	for (int i = 20; i < 29; i++)
		ck_assert_msg(buf[i] >= '0' && buf[i] <= '9', "not a digit at %d in %s", i, buf);
}
END_TEST

/* ---- fdpass ------------------------------------------------------------------------------- */

START_TEST(send_fd_and_recv_fd_carry_a_payload_and_one_fd)
{
	int pair[2], pipefd[2], got;
	char buf[16] = {0};

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair), 0);
	ck_assert_int_eq(pipe2(pipefd, O_CLOEXEC), 0);
	ck_assert_int_eq(send_fd(pair[0], pipefd[1], "hello", 5), 0);
	ck_assert_int_eq(recv_fd(pair[1], buf, sizeof buf, &got), 5);
	ck_assert_str_eq(buf, "hello");
	ck_assert_int_ge(got, 0);
	ck_assert_int_ne(got, pipefd[1]);
	ck_assert_int_eq(fcntl(got, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
	/* The received fd is the pipe's write end: what goes in comes out. */
	ck_assert_int_eq(write(got, "x", 1), 1);
	ck_assert_int_eq(read(pipefd[0], buf, 1), 1);
	ck_assert_int_eq(buf[0], 'x');
	close(got);
	close(pipefd[0]);
	close(pipefd[1]);
	close(pair[0]);
	close(pair[1]);
}
END_TEST

START_TEST(send_fd_without_an_fd_sends_the_payload_alone)
{
	int pair[2], got = 42;
	char buf[8] = {0};

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair), 0);
	ck_assert_int_eq(send_fd(pair[0], -1, "ab", 2), 0);
	ck_assert_int_eq(recv_fd(pair[1], buf, sizeof buf, &got), 2);
	ck_assert_str_eq(buf, "ab");
	ck_assert_int_eq(got, -1);
	close(pair[0]);
	/* A closed peer is a message of length 0. */
	ck_assert_int_eq(recv_fd(pair[1], buf, sizeof buf, &got), 0);
	ck_assert_int_eq(got, -1);
	close(pair[1]);
}
END_TEST

START_TEST(recv_fd_reports_errors_with_errno)
{
	int got;
	char buf[4];

	errno = 0;
	ck_assert_int_eq(recv_fd(-1, buf, sizeof buf, &got), -1);
	ck_assert_int_eq(errno, EBADF);
	ck_assert_int_eq(got, -1);
	ck_assert_int_eq(send_fd(-1, -1, "a", 1), -1);
	ck_assert_int_eq(errno, EBADF);
}
END_TEST

static Suite *util_suite(void)
{
	Suite *s = suite_create("util");
	TCase *str = tcase_create("strutil");
	TCase *file = tcase_create("fileutil");
	TCase *error = tcase_create("error");
	TCase *paths = tcase_create("paths");
	TCase *fdpass = tcase_create("fdpass");

	tcase_add_test(str, strv_length_counts_until_null);
	tcase_add_test(str, strv_push_appends_copies_to_a_null_vector);
	tcase_add_test(str, strv_contains_matches_whole_strings);
	tcase_add_test(str, strv_free_releases_a_vector_and_accepts_null);
	tcase_add_test(str, parse_long_accepts_decimal_in_range);
	tcase_add_test(str, parse_long_rejects_out_of_range_values);
	tcase_add_test(str, parse_long_rejects_non_numbers);
	tcase_add_test(str, parse_long_rejects_leading_white_space);
	tcase_add_test(str, path_join_uses_exactly_one_slash);
	tcase_add_test(str, path_join_keeps_an_empty_base_relative);
	tcase_add_test(str, array_grow_starts_at_first_then_doubles);
	tcase_add_test(str, array_grow_refuses_an_overflow_and_keeps_the_array);
	tcase_add_test(str, rfc3339_now_writes_utc_with_nanoseconds);
	suite_add_tcase(s, str);

	tcase_add_unchecked_fixture(file, make_tmpdir, remove_tmpdir);
	tcase_add_test(file, read_file_limited_reads_a_whole_file);
	tcase_add_test(file, read_file_limited_reads_an_empty_file);
	tcase_add_test(file, read_file_limited_refuses_a_file_over_the_limit);
	tcase_add_test(file, read_file_limited_names_the_limit_in_mib);
	tcase_add_test(file, read_file_limited_reports_a_missing_file);
	tcase_add_test(file, read_file_limited_refuses_a_directory);
	tcase_add_test(file, read_fd_limited_reads_a_pipe);
	tcase_add_test(file, read_fd_limited_stops_a_stream_past_the_limit);
	tcase_add_test(file, read_fd_limited_reports_read_errors);
	tcase_add_test(file, write_file_atomic_replaces_content_without_leftovers);
	tcase_add_test(file, write_file_atomic_refuses_a_name_too_long);
	tcase_add_test(file, write_file_atomic_reports_a_missing_directory);
	tcase_add_test(file, write_all_and_read_all_move_every_byte);
	suite_add_tcase(s, file);

	tcase_add_test(error, ward_fail_appends_strerror_for_system_errors);
	tcase_add_test(error, ward_fail_without_code_keeps_the_message_alone);
	tcase_add_test(error, ward_fail_tolerates_a_null_error);
	tcase_add_test(error, ward_fail_truncates_overlong_messages);
	tcase_add_test(error, ward_error_prefix_adds_context_as_it_travels_up);
	tcase_add_test(error, ward_error_hint_appends_the_remedy);
	tcase_add_test(error, ward_error_clear_resets_code_and_message);
	tcase_add_test(error, ward_strerror_lowercases_like_runc);
	tcase_add_test(error, ward_strerror_keeps_acronyms);
	tcase_add_test(error, ward_strerror_truncates_into_a_small_buffer);
	suite_add_tcase(s, error);

	tcase_add_test(paths, path_clean_normalises_lexically);
	tcase_add_test(paths, path_clean_fits_in_strlen_plus_two);
	tcase_add_test(paths, state_validate_id_accepts_runc_ids);
	tcase_add_test(paths, state_validate_id_rejects_an_empty_id);
	tcase_add_test(paths, state_validate_id_rejects_an_id_over_255_bytes);
	tcase_add_test(paths, state_validate_id_rejects_dot_and_dot_dot);
	tcase_add_test(paths, state_validate_id_rejects_characters_outside_the_set);
	suite_add_tcase(s, paths);

	tcase_add_test(fdpass, send_fd_and_recv_fd_carry_a_payload_and_one_fd);
	tcase_add_test(fdpass, send_fd_without_an_fd_sends_the_payload_alone);
	tcase_add_test(fdpass, recv_fd_reports_errors_with_errno);
	suite_add_tcase(s, fdpass);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(util_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
