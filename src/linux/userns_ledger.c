/* The ledger of `userns = auto`: one file per block of the pool in use, in one directory for the
 * whole host (engines call ward with different --root directories, the ids are the host's).
 * Every change happens under an flock on the directory's "lock" file, so two creates never
 * take the same block. An entry is written to a temporary file and linked to its name
 * (exclusive, like O_EXCL), so a killed writer leaves a whole entry or a temporary file the
 * next lock holder removes, never a half-written entry. The directory and its files are
 * opened without following symlinks. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ward/cleanup.h"
#include "ward/log.h"
#include "ward/userns_pool.h"
#include "ward/util.h"

#define LEDGER_LOCK	  "lock"
#define LEDGER_TMP	  "tmp."
#define LEDGER_ENTRY_MAX  8192
#define LEDGER_BLOCKS_MAX (1u << 20)

int userns_ledger_format(const struct userns_ledger_entry *e, char *buf, size_t size)
{
	if (strpbrk(e->root, "\n") || strpbrk(e->id, "\n") || !*e->root || !*e->id)
		return -1;
	int n = snprintf(buf, size,
			 "uid=%" PRIu32 "\ngid=%" PRIu32 "\nsize=%" PRIu32
			 "\npid=%d\nstart_time=%" PRIu64 "\nroot=%s\nid=%s\n",
			 e->lease.uid, e->lease.gid, e->lease.size, (int)e->pid, e->start_time,
			 e->root, e->id);
	return n < 0 || (size_t)n >= size ? -1 : n;
}

/* A decimal number up to max, the whole of [s, s + len). */
static bool number_of(const char *s, size_t len, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;

	if (len == 0 || len > 20)
		return false;
	for (size_t i = 0; i < len; i++) {
		unsigned d = (unsigned)(s[i] - '0');
		if (d > 9 || v > (max - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*out = v;
	return true;
}

static bool text_of(const char *s, size_t len, char *out, size_t size)
{
	if (len == 0 || len >= size || memchr(s, '\0', len))
		return false;
	memcpy(out, s, len);
	out[len] = '\0';
	return true;
}

static const char *const entry_keys[] = {"uid", "gid", "size", "pid", "start_time", "root", "id"};

/* One "key=value" line into e; seen marks the keys already given. */
static bool entry_line(const char *s, size_t len, struct userns_ledger_entry *e, unsigned *seen)
{
	const char *eq = memchr(s, '=', len);
	uint64_t v = 0;

	if (!eq)
		return false;
	size_t klen = (size_t)(eq - s), vlen = len - klen - 1;
	const char *val = eq + 1;
	for (unsigned k = 0; k < ARRAY_SIZE(entry_keys); k++) {
		if (strlen(entry_keys[k]) != klen || memcmp(entry_keys[k], s, klen) != 0)
			continue;
		if (*seen & (1u << k))
			return false;
		*seen |= 1u << k;
		if (k == 5)
			return text_of(val, vlen, e->root, sizeof e->root);
		if (k == 6)
			return text_of(val, vlen, e->id, sizeof e->id);
		uint64_t max = k == 3 ? INT32_MAX : k == 4 ? UINT64_MAX : UINT32_MAX;
		if (!number_of(val, vlen, max, &v))
			return false;
		if (k == 0)
			e->lease.uid = (uint32_t)v;
		else if (k == 1)
			e->lease.gid = (uint32_t)v;
		else if (k == 2)
			e->lease.size = (uint32_t)v;
		else if (k == 3)
			e->pid = (pid_t)v;
		else
			e->start_time = v;
		return true;
	}
	return false;
}

int userns_ledger_parse(const char *text, size_t len, struct userns_ledger_entry *out)
{
	struct userns_ledger_entry e = {0};
	unsigned seen = 0;

	for (const char *p = text, *end = text + len; p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl || !entry_line(p, (size_t)(nl - p), &e, &seen))
			return -1;
		p = nl + 1;
	}
	if (seen != (1u << ARRAY_SIZE(entry_keys)) - 1 || e.lease.size == 0 || e.pid <= 0 ||
	    (uint64_t)e.lease.uid + e.lease.size > (uint64_t)UINT32_MAX + 1 ||
	    (uint64_t)e.lease.gid + e.lease.size > (uint64_t)UINT32_MAX + 1)
		return -1;
	*out = e;
	return 0;
}

int userns_proc_stat_parse(const char *text, char *state, uint64_t *start_time)
{
	/* "pid (comm) S ppid ...": comm may hold spaces and ')', so fields count from the last
	 * ')'; the state is field 3, the start time field 22. */
	const char *p = strrchr(text, ')');
	int field = 2;

	if (!p || p[1] != ' ' || !p[2])
		return -1;
	*state = p[2];
	for (p += 1; *p && field < 22; p++)
		if (*p == ' ')
			field++;
	if (field != 22)
		return -1;
	size_t len = strspn(p, "0123456789");
	return number_of(p, len, UINT64_MAX, start_time) ? 0 : -1;
}

/* The state and start time of pid: 0, -ESRCH when there is no such process, or another
 * -errno when it could not be told. */
static int proc_stat_of(pid_t pid, char *state, uint64_t *start_time)
{
	char path[64], buf[1024];
	cleanup_close int fd = -1;

	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? -ESRCH : -errno;
	ssize_t n = read_all(fd, buf, sizeof buf - 1);
	if (n < 0)
		return errno == ESRCH ? -ESRCH : -errno;
	if (n == 0)
		return -ESRCH; /* it exited while it was read */
	buf[n] = '\0';
	return userns_proc_stat_parse(buf, state, start_time) < 0 ? -EIO : 0;
}

/* True only when the process that wrote an entry is certainly gone: no such pid, another
 * process with its pid, or a zombie. A doubt (an unreadable /proc) keeps the entry. */
static bool writer_gone(pid_t pid, uint64_t start_time)
{
	char state;
	uint64_t t;
	int r = proc_stat_of(pid, &state, &t);

	if (r == -ESRCH)
		return true;
	if (r < 0)
		return false;
	return t != start_time || state == 'Z' || state == 'X';
}

/* ledger_dir's parents and itself, made 0700 where missing. */
static int make_ledger(const char *path, struct ward_error *err)
{
	cleanup_free char *p = strdup(path);

	if (!p)
		return ward_fail(err, ENOMEM, "userns-pool: ledger %s", path);
	for (char *s = strchr(p + 1, '/');; s = strchr(s + 1, '/')) {
		if (s)
			*s = '\0';
		if (*p && mkdir(p, 0700) < 0 && errno != EEXIST)
			return ward_fail(err, errno, "userns-pool: create the ledger directory %s",
					 p);
		if (!s)
			return 0;
		*s = '/';
	}
}

/* The ledger directory, refused unless it is a directory of ward's euid with mode 0700 (no
 * one else may add, change or remove entries). */
static int open_ledger(const char *path, bool create, struct ward_error *err)
{
	cleanup_close int fd = -1;
	struct stat st;

	if (path[0] != '/')
		return ward_fail(err, EINVAL,
				 "userns-pool: the ledger directory %s is not absolute", path);
	if (create && make_ledger(path, err) < 0)
		return -1;
	fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return ward_fail(
			err, errno,
			"userns-pool: open the ledger directory %s (it must be a directory, "
			"not a symlink)",
			path);
	if (fstat(fd, &st) < 0)
		return ward_fail(err, errno, "userns-pool: ledger %s", path);
	if (st.st_uid != geteuid() || (st.st_mode & 07777) != 0700)
		return ward_fail(err, 0,
				 "userns-pool: the ledger directory %s has owner %u and mode %04o, "
				 "not %u and 0700 (remove it: ward makes it again)",
				 path, (unsigned)st.st_uid, (unsigned)(st.st_mode & 07777),
				 (unsigned)geteuid());
	return steal_fd(&fd);
}

/* An exclusive flock on the ledger's lock file: the fd to close to release it. */
static int lock_ledger(int dirfd, const char *path, struct ward_error *err)
{
	cleanup_close int fd =
		openat(dirfd, LEDGER_LOCK, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);

	if (fd < 0)
		return ward_fail(err, errno, "userns-pool: open %s/" LEDGER_LOCK, path);
	while (flock(fd, LOCK_EX) < 0)
		if (errno != EINTR)
			return ward_fail(err, errno, "userns-pool: lock %s/" LEDGER_LOCK, path);
	return steal_fd(&fd);
}

/* Reads and parses the entry `name`: 0, -ENOENT when there is none, -1 when it is unreadable
 * or not an entry. */
static int read_entry(int dirfd, const char *name, struct userns_ledger_entry *e)
{
	cleanup_close int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	cleanup_free char *text = NULL;
	struct ward_error err;
	struct stat st;
	size_t len;

	if (fd < 0)
		return errno == ENOENT ? -ENOENT : -1;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    read_fd_limited(fd, LEDGER_ENTRY_MAX, &text, &len, &err) < 0)
		return -1;
	return userns_ledger_parse(text, len, e);
}

/* The blocks the ledger's entries hold; a gid range of count 0 is an entry whose gids are not
 * known. */
struct taken_block {
	struct id_range uid, gid;
};
struct taken {
	struct taken_block *v;
	size_t n, cap;
};

static void taken_clear(struct taken *t)
{
	free(t->v);
}

static int taken_add(struct taken *t, struct id_range uid, struct id_range gid)
{
	if (t->n == t->cap) {
		struct taken_block *v = array_grow(t->v, &t->cap, sizeof *v, 32);
		if (!v)
			return -1;
		t->v = v;
	}
	t->v[t->n++] = (struct taken_block){.uid = uid, .gid = gid};
	return 0;
}

/* The start of block i of ranges (blocks of size, none spanning two ranges). */
static bool block_at(const struct id_range *r, size_t n, uint32_t size, uint64_t i, uint32_t *start)
{
	for (size_t k = 0; k < n; k++) {
		uint64_t in_range = r[k].count / size;
		if (i < in_range) {
			*start = (uint32_t)(r[k].start + i * size);
			return true;
		}
		i -= in_range;
	}
	return false;
}

/* An entry that cannot be read: its name says its uids (the block at that uid); its gids are
 * taken to be those paired with that block. */
static int keep_unknown(const char *name, const char *path, const struct userns_pool *pool,
			uint32_t size, struct taken *t)
{
	uint64_t uid;
	uint32_t u, g;

	if (!number_of(name, strlen(name), UINT32_MAX, &uid)) {
		log_warn("userns-pool: %s/%s is not a ledger entry: ignored", path, name);
		return 0;
	}
	log_warn("userns-pool: the ledger entry %s/%s is not one ward wrote (unreadable, or named "
		 "after other ids): its ids stay in use",
		 path, name);
	struct id_range gid = {0};
	for (uint64_t i = 0; block_at(pool->uids, pool->n_uids, size, i, &u); i++)
		if (u == uid && block_at(pool->gids, pool->n_gids, size, i, &g)) {
			gid = (struct id_range){g, size};
			break;
		}
	return taken_add(t, (struct id_range){(uint32_t)uid, size}, gid);
}

/* One entry of the ledger: taken back when its holder is gone, else added to t. */
static int consider_entry(int dirfd, const char *path, const char *name,
			  const struct userns_pool *pool, uint32_t size, userns_lease_held_fn held,
			  void *ctx, struct taken *t)
{
	struct userns_ledger_entry e;
	int r = read_entry(dirfd, name, &e);
	char own[16];

	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return keep_unknown(name, path, pool, size, t);
	snprintf(own, sizeof own, "%" PRIu32, e.lease.uid);
	if (strcmp(own, name) != 0) {
		/* Not written by ward: both the name's block and the content's stay in use. */
		if (keep_unknown(name, path, pool, size, t) < 0)
			return -1;
	} else if (held && writer_gone(e.pid, e.start_time) && !held(e.root, e.id, &e.lease, ctx)) {
		/* The writer first: once it is gone, all it would write in its state is
		 * written, so held() sees its final answer. */
		if (unlinkat(dirfd, name, 0) == 0 || errno == ENOENT) {
			log_debug("userns-pool: ids %" PRIu32 " of %s in %s taken back: its "
				  "container is gone",
				  e.lease.uid, e.id, e.root);
			return 0;
		}
		log_warn("userns-pool: cannot remove %s/%s: %s", path, name, strerror(errno));
	}
	return taken_add(t, (struct id_range){e.lease.uid, e.lease.size},
			 (struct id_range){e.lease.gid, e.lease.size});
}

/* Every entry of the ledger into t, after taking back those whose holders are gone and
 * removing the temporary files of writers that died (only a lock holder makes them). */
static int scan_ledger(int dirfd, const char *path, const struct userns_pool *pool, uint32_t size,
		       userns_lease_held_fn held, void *ctx, struct taken *t,
		       struct ward_error *err)
{
	int fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	cleanup_dir DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *de;

	if (!d) {
		int saved = errno;
		if (fd >= 0)
			close(fd);
		return ward_fail(err, saved, "userns-pool: read the ledger %s", path);
	}
	while ((errno = 0, de = readdir(d))) {
		const char *name = de->d_name;
		if (!strcmp(name, ".") || !strcmp(name, "..") || !strcmp(name, LEDGER_LOCK))
			continue;
		if (!strncmp(name, LEDGER_TMP, strlen(LEDGER_TMP))) {
			unlinkat(dirfd, name, 0);
			continue;
		}
		if (consider_entry(dirfd, path, name, pool, size, held, ctx, t) < 0)
			return ward_fail(err, ENOMEM, "userns-pool: read the ledger %s", path);
	}
	if (errno)
		return ward_fail(err, errno, "userns-pool: read the ledger %s", path);
	return 0;
}

/* Marks in used[] the blocks of ranges that x touches (bit i: block i). */
static void mark_blocks(const struct id_range *r, size_t n, uint32_t size, struct id_range x,
			uint8_t *used, uint64_t blocks)
{
	uint64_t base = 0, x_end = (uint64_t)x.start + x.count;

	for (size_t k = 0; k < n && x.count > 0; base += r[k].count / size, k++) {
		uint64_t in_range = r[k].count / size, first = 0;
		if (x_end <= r[k].start || x.start >= (uint64_t)r[k].start + in_range * size)
			continue;
		uint64_t last = (x_end - r[k].start + size - 1) / size; /* one past */
		if (x.start > r[k].start)
			first = (x.start - r[k].start) / size;
		for (uint64_t i = first; i < last && i < in_range && base + i < blocks; i++)
			used[(base + i) / 8] |= (uint8_t)(1u << ((base + i) % 8));
	}
}

/* The lowest block whose uids and gids no entry holds. Only the first LEDGER_BLOCKS_MAX
 * blocks are handed out, so the search stays linear in the pool and the ledger. */
static int pick_block(const struct userns_pool *pool, uint32_t size, const struct taken *t,
		      struct userns_lease *out, struct ward_error *err)
{
	uint64_t blocks = userns_pool_blocks(pool->uids, pool->n_uids, size),
		 gid_blocks = userns_pool_blocks(pool->gids, pool->n_gids, size);

	if (gid_blocks < blocks)
		blocks = gid_blocks;
	if (blocks > LEDGER_BLOCKS_MAX)
		blocks = LEDGER_BLOCKS_MAX;
	cleanup_free uint8_t *used = calloc(blocks / 8 + 1, 1);
	if (!used)
		return ward_fail(err, ENOMEM, "userns-pool");
	for (size_t i = 0; i < t->n; i++) {
		mark_blocks(pool->uids, pool->n_uids, size, t->v[i].uid, used, blocks);
		mark_blocks(pool->gids, pool->n_gids, size, t->v[i].gid, used, blocks);
	}
	for (uint64_t i = 0; i < blocks; i++) {
		uint32_t uid, gid;
		if (!(used[i / 8] & (1u << (i % 8))) &&
		    block_at(pool->uids, pool->n_uids, size, i, &uid) &&
		    block_at(pool->gids, pool->n_gids, size, i, &gid)) {
			*out = (struct userns_lease){.uid = uid, .gid = gid, .size = size};
			return 0;
		}
	}
	return ward_fail(err, 0,
			 "userns-pool: all %" PRIu64 " blocks of %" PRIu32 " ids are in use (%zu "
			 "ledger entries): delete containers, or give userns-pool more ids",
			 blocks, size, t->n);
}

/* Writes e as the entry named after its first uid: a temporary file linked to that name, so
 * the entry appears whole, and only if no entry has the name. */
static int write_entry(int dirfd, const char *path, const struct userns_ledger_entry *e,
		       struct ward_error *err)
{
	char buf[LEDGER_ENTRY_MAX], tmp[32], name[16];
	int len = userns_ledger_format(e, buf, sizeof buf);

	if (len < 0)
		return ward_fail(err, EINVAL, "userns-pool: ledger entry of %s", e->id);
	snprintf(tmp, sizeof tmp, LEDGER_TMP "%d", (int)getpid());
	snprintf(name, sizeof name, "%" PRIu32, e->lease.uid);
	cleanup_close int fd =
		openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return ward_fail(err, errno, "userns-pool: create %s/%s", path, tmp);
	int r = write_all(fd, buf, (size_t)len) < 0 || fdatasync(fd) < 0 ? -1 : 0;
	if (r == 0)
		r = linkat(dirfd, tmp, dirfd, name, 0);
	int saved = errno;
	unlinkat(dirfd, tmp, 0);
	if (r < 0)
		return ward_fail(err, saved, "userns-pool: write the ledger entry %s/%s", path,
				 name);
	return 0;
}

/* The entry's identity: root and id must be writable in an entry. */
static int entry_for(const char *root, const char *id, struct userns_ledger_entry *e,
		     struct ward_error *err)
{
	char state;

	if (!root || !id || !*root || !*id || strchr(root, '\n') || strchr(id, '\n') ||
	    strlen(root) >= sizeof e->root || strlen(id) >= sizeof e->id)
		return ward_fail(err, EINVAL,
				 "userns-pool: the state root or container id cannot "
				 "be recorded in the ledger (empty, too long or with "
				 "a newline)");
	strcpy(e->root, root);
	strcpy(e->id, id);
	e->pid = getpid();
	int r = proc_stat_of(e->pid, &state, &e->start_time);
	if (r < 0)
		return ward_fail(err, -r, "userns-pool: read /proc/%d/stat", (int)e->pid);
	return 0;
}

int userns_pool_acquire(const struct userns_pool *pool, uint32_t size, const char *ledger_dir,
			const char *root, const char *id, userns_lease_held_fn held, void *ctx,
			struct userns_lease *out, struct ward_error *err)
{
	__attribute__((cleanup(taken_clear))) struct taken t = {0};
	struct userns_ledger_entry e = {0};

	if (size == 0)
		return ward_fail(err, EINVAL, "userns-pool: a block of 0 ids");
	if (entry_for(root, id, &e, err) < 0)
		return -1;
	cleanup_close int dirfd = open_ledger(ledger_dir, true, err);
	if (dirfd < 0)
		return -1;
	cleanup_close int lockfd = lock_ledger(dirfd, ledger_dir, err);
	if (lockfd < 0 || scan_ledger(dirfd, ledger_dir, pool, size, held, ctx, &t, err) < 0 ||
	    pick_block(pool, size, &t, &e.lease, err) < 0 ||
	    write_entry(dirfd, ledger_dir, &e, err) < 0)
		return -1;
	*out = e.lease;
	return 0;
}

int userns_pool_release(const char *ledger_dir, const struct userns_lease *l, const char *root,
			const char *id, struct ward_error *err)
{
	struct userns_ledger_entry e;
	char name[16];

	cleanup_close int dirfd = open_ledger(ledger_dir, false, err);
	if (dirfd < 0) {
		if (err->code != ENOENT)
			return -1;
		ward_error_clear(err);
		return 0;
	}
	cleanup_close int lockfd = lock_ledger(dirfd, ledger_dir, err);
	if (lockfd < 0)
		return -1;
	snprintf(name, sizeof name, "%" PRIu32, l->uid);
	int r = read_entry(dirfd, name, &e);
	if (r == -ENOENT)
		return 0;
	if (r < 0) {
		log_warn("userns-pool: the ledger entry %s/%s cannot be read: left as it is",
			 ledger_dir, name);
		return 0;
	}
	if (strcmp(e.root, root) != 0 || strcmp(e.id, id) != 0 || e.lease.uid != l->uid ||
	    e.lease.gid != l->gid || e.lease.size != l->size)
		return 0; /* another container's block now: not ours to free */
	if (unlinkat(dirfd, name, 0) < 0 && errno != ENOENT)
		return ward_fail(err, errno, "userns-pool: remove the ledger entry %s/%s",
				 ledger_dir, name);
	return 0;
}
