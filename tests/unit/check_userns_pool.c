/* The pool of `userns = auto`: parsing /etc/subuid-style files, passwd and explicit ranges;
 * refusing a pool that holds someone else's ids; the ledger handing out distinct blocks, taking
 * back only those whose holders are gone, and staying right when eight creates race. */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdint.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ward/userns_pool.h"
#include "run_suite.h"

#define SIZE 65536u

static char dir[64];
static char ledger[128];

static void setup(void)
{
	strcpy(dir, "/tmp/ward-userns-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(ledger, sizeof ledger, "%s/run/userns", dir);
}

static void teardown(void)
{
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

/* dir/name with content; returns the path (static buffer of the caller's). */
static const char *put(char *path, size_t size, const char *name, const char *content)
{
	snprintf(path, size, "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(content, f);
	ck_assert_int_eq(fclose(f), 0);
	return path;
}

START_TEST(subid_lines_and_comments)
{
	struct ward_error err = {0};
	struct id_owners o = {0};
	ck_assert_int_eq(userns_parse_subid("# pool\n\nward:100000:655360\n  1001:300000:65536  \n"
					    "alice:165536:65536",
					    "subuid", &o, &err),
			 0);
	ck_assert_uint_eq(o.n, 3);
	ck_assert_str_eq(o.v[0].name, "ward");
	ck_assert_uint_eq(o.v[0].range.start, 100000);
	ck_assert_uint_eq(o.v[0].range.count, 655360);
	ck_assert_str_eq(o.v[1].name, "1001");
	ck_assert_str_eq(o.v[2].name, "alice");
	ck_assert_uint_eq(o.v[2].range.start, 165536);
	id_owners_clear(&o);
	/* The last id is 2^32 - 1: a range may end at 2^32, not past it. */
	ck_assert_int_eq(userns_parse_subid("a:4294901760:65536\n", "subuid", &o, &err), 0);
	id_owners_clear(&o);
}
END_TEST

START_TEST(subid_garbage_is_refused_with_its_line)
{
	static const char *bad[] = {
		"ward:100000\n",	"ward:100000:0\n",	":1:2\n",
		"ward:-1:65536\n",	"ward:100000:65536x\n", "ward:4294967296:1\n",
		"ward:4294967295:2\n",	"ward:1:2:3\n",		"garbage\n",
		"ward: 100000:65536\n", "ward:0x10:65536\n",
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		struct ward_error err = {0};
		struct id_owners o = {0};
		char text[128];
		snprintf(text, sizeof text, "# c\nok:1:1\n%s", bad[i]);
		ck_assert_msg(userns_parse_subid(text, "/etc/subuid", &o, &err) == -1, "%s",
			      bad[i]);
		ck_assert_msg(strstr(err.msg, "/etc/subuid line 3"), "%s", err.msg);
		ck_assert_uint_eq(o.n, 0);
	}
}
END_TEST

START_TEST(passwd_and_group_ids)
{
	struct ward_error err = {0};
	struct id_owners o = {0};
	ck_assert_int_eq(userns_parse_idfile("root:x:0:0:root:/root:/bin/bash\n+::::::\n#x\n"
					     "nobody:x:65534:65534::/:/sbin/nologin\nsudo:x:27:\n",
					     "passwd", &o, &err),
			 0);
	ck_assert_uint_eq(o.n, 3);
	ck_assert_str_eq(o.v[1].name, "nobody");
	ck_assert_uint_eq(o.v[1].range.start, 65534);
	ck_assert_uint_eq(o.v[1].range.count, 1);
	ck_assert_uint_eq(o.v[2].range.start, 27);
	id_owners_clear(&o);
	ck_assert_int_eq(userns_parse_idfile("root:x:0:0\nbob:x:abc:1\n", "passwd", &o, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "passwd line 2"));
	ck_assert_int_eq(userns_parse_idfile("bob\n", "group", &o, &err), -1);
}
END_TEST

START_TEST(explicit_ranges)
{
	struct ward_error err = {0};
	struct id_range *r = NULL;
	size_t n = 0;
	ck_assert_int_eq(userns_parse_ranges("100000:65536, 300000:131072", &r, &n, &err), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_uint_eq(r[1].start, 300000);
	ck_assert_uint_eq(r[1].count, 131072);
	free(r);
	static const char *bad[] = {"",	    "100000",	"100000:",	":5",	   "1:0",
				    "1:2,", "1:2,,3:4", "4294967295:2", "1:2;3:4", "-1:5"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		r = NULL;
		ck_assert_msg(userns_parse_ranges(bad[i], &r, &n, &err) == -1, "%s", bad[i]);
		ck_assert_ptr_null(r);
		ck_assert_ptr_nonnull(strstr(err.msg, "userns-pool"));
	}
}
END_TEST

START_TEST(resolve_a_user_by_name_and_uid)
{
	struct ward_error err = {0};
	struct userns_pool p;
	char pw[128], su[128], sg[128];
	put(pw, sizeof pw, "passwd", "root:x:0:0::/:/bin/sh\nwardpool:x:998:998::/:/bin/false\n");
	put(su, sizeof su, "subuid",
	    "alice:165536:65536\nwardpool:1000000:131072\n998:2000000:65536\n");
	put(sg, sizeof sg, "subgid", "wardpool:3000000:196608\n");
	ck_assert_int_eq(userns_pool_resolve("wardpool", pw, su, sg, &p, &err), 0);
	ck_assert_uint_eq(p.n_uids, 2);
	ck_assert_uint_eq(p.uids[0].start, 1000000);
	ck_assert_uint_eq(p.uids[1].start, 2000000);
	ck_assert_uint_eq(p.n_gids, 1);
	ck_assert_uint_eq(p.gids[0].count, 196608);
	userns_pool_clear(&p);
	/* Without passwd only the name counts. */
	ck_assert_int_eq(userns_pool_resolve("wardpool", NULL, su, sg, &p, &err), 0);
	ck_assert_uint_eq(p.n_uids, 1);
	userns_pool_clear(&p);
	/* A user without lines, or without a subgid file. */
	ck_assert_int_eq(userns_pool_resolve("bob", pw, su, sg, &p, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "userns-pool: user bob has no line"));
	ck_assert_ptr_null(p.uids);
	ck_assert_int_eq(userns_pool_resolve("alice", pw, su, sg, &p, &err), -1);
	ck_assert_ptr_null(p.uids);
	ck_assert_int_eq(userns_pool_resolve("wardpool", pw, su, "/nonexistent", &p, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "userns-pool"));
	/* Garbage in the file is refused, not skipped. */
	put(su, sizeof su, "subuid", "wardpool:1000000:131072\nbroken\n");
	ck_assert_int_eq(userns_pool_resolve("wardpool", pw, su, sg, &p, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "line 2"));
}
END_TEST

START_TEST(resolve_explicit_ranges_for_both)
{
	struct ward_error err = {0};
	struct userns_pool p;
	ck_assert_int_eq(
		userns_pool_resolve("100000:65536,200000:65536", NULL, "/x", "/y", &p, &err), 0);
	ck_assert_uint_eq(p.n_uids, 2);
	ck_assert_uint_eq(p.n_gids, 2);
	ck_assert_uint_eq(p.gids[1].start, 200000);
	userns_pool_clear(&p);
	ck_assert_int_eq(userns_pool_resolve("", NULL, "/x", "/y", &p, &err), -1);
	ck_assert_int_eq(userns_pool_resolve("100000:0", NULL, "/x", "/y", &p, &err), -1);
}
END_TEST

/* A pool of ranges (both uids and gids) checked against the test's host files. */
static int check_ranges(const char *ranges, uint32_t size, const char *owner,
			struct ward_error *err)
{
	struct userns_pool p;
	char pw[128], gr[128], su[128], sg[128];
	put(pw, sizeof pw, "passwd", "root:x:0:0::/:/bin/sh\nbig:x:500000:100::/:/bin/sh\n");
	put(gr, sizeof gr, "group", "root:x:0:\nbiggroup:x:700000:\n");
	put(su, sizeof su, "subuid", "wardpool:100000:65536\nalice:900000:65536\n");
	put(sg, sizeof sg, "subgid", "wardpool:100000:65536\nbob:1100000:65536\n");
	ck_assert_int_eq(userns_pool_resolve(ranges, NULL, su, sg, &p, err), 0);
	int r = userns_pool_check(&p, size, pw, gr, su, sg, owner, err);
	userns_pool_clear(&p);
	return r;
}

START_TEST(check_refuses_someone_elses_ids)
{
	struct ward_error err = {0};
	ck_assert_int_eq(check_ranges("2000000:655360", SIZE, NULL, &err), 0);
	/* The pool user's own lines are the pool, not a conflict. */
	ck_assert_int_eq(check_ranges("100000:65536", SIZE, "wardpool", &err), 0);
	ck_assert_int_eq(check_ranges("100000:65536", SIZE, NULL, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "wardpool's range 100000:65536"));
	/* A user's uid, a group's gid, another user's subuid and subgid lines. */
	ck_assert_int_eq(check_ranges("400000:65536", SIZE, NULL, &err), 0);
	ck_assert_int_eq(check_ranges("460000:65536", SIZE, NULL, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "id 500000 of big"));
	ck_assert_int_eq(check_ranges("650000:65536", SIZE, NULL, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "id 700000 of biggroup"));
	ck_assert_int_eq(check_ranges("950000:65536", SIZE, "wardpool", &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "alice's range"));
	ck_assert_int_eq(check_ranges("1150000:65536", SIZE, "wardpool", &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "bob's range"));
	ck_assert_ptr_nonnull(strstr(err.msg, "userns-pool"));
}
END_TEST

START_TEST(check_refuses_root_overlaps_and_a_small_pool)
{
	struct ward_error err = {0};
	ck_assert_int_eq(check_ranges("0:65536", SIZE, NULL, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "includes 0"));
	ck_assert_int_eq(check_ranges("4294901760:65536", SIZE, NULL, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "4294967295"));
	ck_assert_int_eq(check_ranges("2000000:65536,2060000:65536", SIZE, NULL, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "overlap"));
	ck_assert_int_eq(check_ranges("2000000:65535", SIZE, NULL, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "no block of 65536"));
	/* Two ranges of half a block do not make one. */
	ck_assert_int_eq(check_ranges("2000000:32768,3000000:32768", SIZE, NULL, &err), -1);
	ck_assert_int_eq(check_ranges("2000000:32768,3000000:32768", 32768, NULL, &err), 0);
}
END_TEST

START_TEST(overlap_edges)
{
	struct id_range r[] = {{100, 10}, {4294967286u, 10}};
	ck_assert(userns_pool_overlaps(r, 2, 109, 1));
	ck_assert(!userns_pool_overlaps(r, 2, 110, 5));
	ck_assert(!userns_pool_overlaps(r, 2, 90, 10));
	ck_assert(userns_pool_overlaps(r, 2, 90, 11));
	ck_assert(userns_pool_overlaps(r, 2, 4294967295u, 1));
	ck_assert(userns_pool_overlaps(r, 2, 0, 4294967295u));
	ck_assert(!userns_pool_overlaps(r, 2, 200, 0));
	ck_assert(!userns_pool_overlaps(r, 0, 100, 10));
}
END_TEST

START_TEST(ledger_entries_round_trip_and_garbage_is_refused)
{
	struct userns_ledger_entry e = {.lease = {100000, 200000, SIZE},
					.pid = 42,
					.start_time = 123456789012ull},
				   back;
	char buf[8192];
	strcpy(e.root, "/run/ward");
	strcpy(e.id, "c 1");
	int n = userns_ledger_format(&e, buf, sizeof buf);
	ck_assert_int_gt(n, 0);
	ck_assert_int_eq(userns_ledger_parse(buf, (size_t)n, &back), 0);
	ck_assert_uint_eq(back.lease.gid, 200000);
	ck_assert_uint_eq(back.start_time, 123456789012ull);
	ck_assert_str_eq(back.id, "c 1");
	/* Cut anywhere, it is not an entry. */
	for (int cut = 0; cut < n; cut++)
		ck_assert_int_eq(userns_ledger_parse(buf, (size_t)cut, &back), -1);
	static const char *bad[] = {
		"uid=1\ngid=1\nsize=0\npid=1\nstart_time=1\nroot=/r\nid=i\n",
		"uid=1\ngid=1\nsize=1\npid=0\nstart_time=1\nroot=/r\nid=i\n",
		"uid=1\nuid=1\nsize=1\npid=1\nstart_time=1\nroot=/r\nid=i\n",
		"uid=4294967295\ngid=1\nsize=2\npid=1\nstart_time=1\nroot=/r\nid=i\n",
		"uid=1\ngid=1\nsize=1\npid=1\nstart_time=1\nroot=/r\nid=i\nx=1\n",
		"uid=1\ngid=1\nsize=1\npid=1\nstart_time=99999999999999999999\nroot=/r\nid=i\n",
		"uid=1\ngid=1\nsize=1\npid=1\nstart_time=1\nroot=\nid=i\n",
		"uid=-1\ngid=1\nsize=1\npid=1\nstart_time=1\nroot=/r\nid=i\n",
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		ck_assert_msg(userns_ledger_parse(bad[i], strlen(bad[i]), &back) == -1, "%s",
			      bad[i]);
	strcpy(e.id, "a\nb");
	ck_assert_int_eq(userns_ledger_format(&e, buf, sizeof buf), -1);
}
END_TEST

START_TEST(proc_stat_fields)
{
	char st;
	uint64_t t;
	ck_assert_int_eq(
		userns_proc_stat_parse("12 (a) b) c) S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 "
				       "16 17 18 987654 19 20\n",
				       &st, &t),
		0);
	ck_assert_int_eq(st, 'S');
	ck_assert_uint_eq(t, 987654);
	ck_assert_int_eq(userns_proc_stat_parse("12 (x) S 1 2", &st, &t), -1);
	ck_assert_int_eq(userns_proc_stat_parse("garbage", &st, &t), -1);
	ck_assert_int_eq(userns_proc_stat_parse("", &st, &t), -1);
}
END_TEST

/* A pool of n blocks of SIZE ids at 1000000 (uids) and 5000000 (gids). */
static void pool_of(struct userns_pool *p, uint32_t blocks)
{
	static struct id_range u, g;
	u = (struct id_range){1000000, blocks * SIZE};
	g = (struct id_range){5000000, blocks * SIZE};
	*p = (struct userns_pool){.uids = &u, .gids = &g, .n_uids = 1, .n_gids = 1};
}

static bool held_answer;
static int held_calls;
static bool held(const char *root, const char *id, const struct userns_lease *l, void *ctx)
{
	(void)root, (void)id, (void)l, (void)ctx;
	held_calls++;
	return held_answer;
}

static void acquire_ok(const struct userns_pool *p, const char *id, struct userns_lease *l)
{
	struct ward_error err = {0};
	ck_assert_msg(userns_pool_acquire(p, SIZE, ledger, "/run/ward", id, held, NULL, l, &err) ==
			      0,
		      "%s", err.msg);
}

static int count_entries(void)
{
	DIR *d = opendir(ledger);
	struct dirent *de;
	int n = 0;
	ck_assert_ptr_nonnull(d);
	while ((de = readdir(d)))
		n += de->d_name[0] >= '0' && de->d_name[0] <= '9';
	closedir(d);
	return n;
}

START_TEST(blocks_are_disjoint_and_reused)
{
	struct userns_pool p;
	struct userns_lease a, b, c;
	struct ward_error err = {0};
	struct stat st;
	pool_of(&p, 4);
	held_answer = true;
	acquire_ok(&p, "a", &a);
	acquire_ok(&p, "b", &b);
	ck_assert_uint_eq(a.uid, 1000000);
	ck_assert_uint_eq(a.gid, 5000000);
	ck_assert_uint_eq(a.size, SIZE);
	ck_assert_uint_eq(b.uid, 1000000 + SIZE);
	ck_assert_uint_eq(b.gid, 5000000 + SIZE);
	ck_assert_int_eq(stat(ledger, &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0700);
	ck_assert_int_eq(count_entries(), 2);
	/* Another container's id does not release a's block; a repeated release is fine. */
	ck_assert_int_eq(userns_pool_release(ledger, &a, "/run/ward", "b", &err), 0);
	ck_assert_int_eq(userns_pool_release(ledger, &a, "/other", "a", &err), 0);
	ck_assert_int_eq(count_entries(), 2);
	ck_assert_int_eq(userns_pool_release(ledger, &a, "/run/ward", "a", &err), 0);
	ck_assert_int_eq(userns_pool_release(ledger, &a, "/run/ward", "a", &err), 0);
	ck_assert_int_eq(count_entries(), 1);
	acquire_ok(&p, "c", &c);
	ck_assert_uint_eq(c.uid, a.uid);
	ck_assert_uint_eq(c.gid, a.gid);
	/* A missing ledger releases nothing, without error. */
	char none[160];
	snprintf(none, sizeof none, "%s/none", dir);
	ck_assert_int_eq(userns_pool_release(none, &a, "/run/ward", "a", &err), 0);
}
END_TEST

START_TEST(a_full_pool_says_so)
{
	struct userns_pool p;
	struct userns_lease l;
	struct ward_error err = {0};
	pool_of(&p, 2);
	held_answer = true;
	acquire_ok(&p, "a", &l);
	acquire_ok(&p, "b", &l);
	ck_assert_int_eq(
		userns_pool_acquire(&p, SIZE, ledger, "/run/ward", "c", held, NULL, &l, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "userns-pool: all 2 blocks of 65536 ids are in use"));
	ck_assert_int_eq(count_entries(), 2);
}
END_TEST

/* Writes an entry for block 0 as a process that exits at once, as a killed `ward create`. */
static void entry_of_a_dead_writer(const struct userns_pool *p)
{
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		struct userns_lease l;
		struct ward_error err = {0};
		_exit(userns_pool_acquire(p, SIZE, ledger, "/run/ward", "dead", held, NULL, &l,
					  &err) == 0 &&
				      l.uid == 1000000
			      ? 0
			      : 1);
	}
	int status;
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

START_TEST(a_dead_writers_unheld_block_is_taken_back)
{
	struct userns_pool p;
	struct userns_lease l;
	pool_of(&p, 4);
	held_answer = true;
	entry_of_a_dead_writer(&p);
	/* Its state says it is held: kept. */
	acquire_ok(&p, "x", &l);
	ck_assert_uint_eq(l.uid, 1000000 + SIZE);
	ck_assert_int_gt(held_calls, 0);
	/* No state holds it and its writer is dead: taken back (x's writer, this process, is
	 * alive, so x's block stays). */
	held_answer = false;
	acquire_ok(&p, "y", &l);
	ck_assert_uint_eq(l.uid, 1000000);
	acquire_ok(&p, "z", &l);
	ck_assert_uint_eq(l.uid, 1000000 + 2 * SIZE);
	ck_assert_int_eq(count_entries(), 3);
}
END_TEST

START_TEST(a_null_held_keeps_everything)
{
	struct userns_pool p;
	struct userns_lease l;
	struct ward_error err = {0};
	pool_of(&p, 4);
	held_answer = true;
	entry_of_a_dead_writer(&p);
	ck_assert_int_eq(userns_pool_acquire(&p, SIZE, ledger, "/r", "n", NULL, NULL, &l, &err), 0);
	ck_assert_uint_eq(l.uid, 1000000 + SIZE);
}
END_TEST

START_TEST(an_unreadable_entry_stays_in_use)
{
	struct userns_pool p;
	struct userns_lease l;
	char name[64], path[256];
	pool_of(&p, 4);
	held_answer = false;
	acquire_ok(&p, "a", &l); /* makes the ledger */
	snprintf(name, sizeof name, "run/userns/%u", 1000000 + SIZE);
	put(path, sizeof path, name, "not an entry");
	put(path, sizeof path, "run/userns/tmp.99999", "half");
	put(path, sizeof path, "run/userns/junk", "junk");
	acquire_ok(&p, "b", &l);
	ck_assert_uint_eq(l.uid, 1000000 + 2 * SIZE);
	ck_assert_uint_eq(l.gid, 5000000 + 2 * SIZE);
	/* The dead writer's temporary file is gone. */
	snprintf(path, sizeof path, "%s/tmp.99999", ledger);
	ck_assert_int_eq(access(path, F_OK), -1);
}
END_TEST

START_TEST(an_entry_under_another_name_holds_both_blocks)
{
	struct userns_pool p;
	struct userns_lease l;
	struct userns_ledger_entry e = {
		.lease = {1000000, 5000000, SIZE}, .pid = INT32_MAX, .start_time = 1};
	char buf[8192], name[64], path[256];
	pool_of(&p, 4);
	held_answer = false;
	acquire_ok(&p, "a", &l);
	ck_assert_int_eq(userns_pool_release(ledger, &l, "/run/ward", "a", &(struct ward_error){0}),
			 0);
	strcpy(e.root, "/r");
	strcpy(e.id, "moved");
	ck_assert_int_gt(userns_ledger_format(&e, buf, sizeof buf), 0);
	snprintf(name, sizeof name, "run/userns/%u", 1000000 + SIZE);
	put(path, sizeof path, name, buf);
	acquire_ok(&p, "b", &l);
	ck_assert_uint_eq(l.uid, 1000000 + 2 * SIZE);
	/* Under its own name, with no holder and no writer (no pid is INT32_MAX), it goes. */
	ck_assert_int_eq(unlink(path), 0);
	snprintf(name, sizeof name, "run/userns/%u", 1000000);
	put(path, sizeof path, name, buf);
	acquire_ok(&p, "c", &l);
	ck_assert_uint_eq(l.uid, 1000000);
}
END_TEST

START_TEST(blocks_up_to_the_top_of_the_id_space)
{
	/* The last valid id is 4294967294: the range ends just below the invalid one. */
	struct id_range u[] = {{4294836224u, 131071}, {100000, 65536}};
	struct id_range g[] = {{200000, 131072}};
	struct userns_pool p = {.uids = u, .gids = g, .n_uids = 2, .n_gids = 1};
	struct userns_lease a, b;
	struct ward_error err = {0};
	held_answer = true;
	acquire_ok(&p, "a", &a);
	ck_assert_uint_eq(a.uid, 4294836224u);
	ck_assert_uint_eq(a.gid, 200000);
	acquire_ok(&p, "b", &b);
	ck_assert_uint_eq(b.uid, 100000);
	ck_assert_uint_eq(b.gid, 200000 + SIZE);
	ck_assert_int_eq(userns_pool_acquire(&p, SIZE, ledger, "/r", "c", held, NULL, &a, &err),
			 -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "all 2 blocks"));
}
END_TEST

START_TEST(the_ledger_must_be_wards_alone)
{
	struct userns_pool p;
	struct userns_lease l;
	struct ward_error err = {0};
	pool_of(&p, 4);
	char target[160];
	snprintf(target, sizeof target, "%s/target", dir);
	ck_assert_int_eq(mkdir(target, 0700), 0);
	snprintf(ledger, sizeof ledger, "%s/link", dir);
	ck_assert_int_eq(symlink(target, ledger), 0);
	ck_assert_int_eq(userns_pool_acquire(&p, SIZE, ledger, "/r", "a", held, NULL, &l, &err),
			 -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "symlink"));
	ck_assert_int_eq(userns_pool_release(ledger, &l, "/r", "a", &err), -1);
	snprintf(ledger, sizeof ledger, "%s/open", dir);
	ck_assert_int_eq(mkdir(ledger, 0755), 0);
	ck_assert_int_eq(chmod(ledger, 0755), 0);
	ck_assert_int_eq(userns_pool_acquire(&p, SIZE, ledger, "/r", "a", held, NULL, &l, &err),
			 -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "mode 0755"));
	ck_assert_int_eq(userns_pool_acquire(&p, SIZE, ledger, "/r", "a\nb", held, NULL, &l, &err),
			 -1);
}
END_TEST

START_TEST(eight_racing_creates_get_eight_blocks)
{
	struct userns_pool p;
	int go[2];
	pid_t kids[8];
	pool_of(&p, 8);
	held_answer = true;
	ck_assert_int_eq(pipe(go), 0);
	for (int i = 0; i < 8; i++) {
		kids[i] = fork();
		ck_assert_int_ge(kids[i], 0);
		if (kids[i] == 0) {
			char c, id[16];
			struct userns_lease l;
			struct ward_error err = {0};
			close(go[1]);
			if (read(go[0], &c, 1) != 0)
				_exit(2);
			snprintf(id, sizeof id, "c%d", i);
			_exit(userns_pool_acquire(&p, SIZE, ledger, "/run/ward", id, held, NULL, &l,
						  &err) == 0
				      ? 0
				      : 1);
		}
	}
	close(go[0]);
	close(go[1]); /* all start at once */
	for (int i = 0; i < 8; i++) {
		int status;
		ck_assert_int_eq(waitpid(kids[i], &status, 0), kids[i]);
		ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	/* Eight entries, one per block: the file names are the uids of the eight blocks. */
	ck_assert_int_eq(count_entries(), 8);
	for (int i = 0; i < 8; i++) {
		char path[256];
		snprintf(path, sizeof path, "%s/%u", ledger, 1000000 + (unsigned)i * SIZE);
		ck_assert_int_eq(access(path, F_OK), 0);
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("userns_pool");
	TCase *parse = tcase_create("parse");
	tcase_add_test(parse, subid_lines_and_comments);
	tcase_add_test(parse, subid_garbage_is_refused_with_its_line);
	tcase_add_test(parse, passwd_and_group_ids);
	tcase_add_test(parse, explicit_ranges);
	tcase_add_test(parse, overlap_edges);
	tcase_add_test(parse, ledger_entries_round_trip_and_garbage_is_refused);
	tcase_add_test(parse, proc_stat_fields);
	suite_add_tcase(s, parse);
	TCase *files = tcase_create("files");
	tcase_add_checked_fixture(files, setup, teardown);
	tcase_add_test(files, resolve_a_user_by_name_and_uid);
	tcase_add_test(files, resolve_explicit_ranges_for_both);
	tcase_add_test(files, check_refuses_someone_elses_ids);
	tcase_add_test(files, check_refuses_root_overlaps_and_a_small_pool);
	tcase_add_test(files, blocks_are_disjoint_and_reused);
	tcase_add_test(files, a_full_pool_says_so);
	tcase_add_test(files, a_dead_writers_unheld_block_is_taken_back);
	tcase_add_test(files, a_null_held_keeps_everything);
	tcase_add_test(files, an_unreadable_entry_stays_in_use);
	tcase_add_test(files, an_entry_under_another_name_holds_both_blocks);
	tcase_add_test(files, blocks_up_to_the_top_of_the_id_space);
	tcase_add_test(files, the_ledger_must_be_wards_alone);
	tcase_add_test(files, eight_racing_creates_get_eight_blocks);
	suite_add_tcase(s, files);
	return run_suite(s);
}
