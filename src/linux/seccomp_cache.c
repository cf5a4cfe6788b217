/* The cache of compiled seccomp filters: where it lives, when it may be used, and the format of
 * its entries. It is only an optimisation: whatever goes wrong here costs a compilation, never
 * a container, and nothing that fails a check is ever loaded. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "commit.h"
#include "ward/cleanup.h"
#include "ward/log.h"
#include "ward/rootless.h"
#include "ward/seccomp.h"
#include "ward/sha256.h"
#include "ward/util.h"

/* Persistent, so a host's first containers after a boot do not all compile. Kernel, libseccomp
 * and ward upgrades cannot make a stale entry apply: all three are part of the key. */
#define ROOT_CACHE_DIR "/var/cache/ward/seccomp"

char *seccomp_cache_dir(void)
{
	char *path = NULL;

	if (!ward_is_rootless())
		return strdup(ROOT_CACHE_DIR);
	/* The XDG base directory rules: a relative $XDG_CACHE_HOME is ignored. */
	const char *xdg = getenv("XDG_CACHE_HOME");
	if (xdg && xdg[0] == '/')
		return asprintf(&path, "%s/ward/seccomp", xdg) < 0 ? NULL : path;
	const char *home = getenv("HOME");
	if (home && home[0] == '/')
		return asprintf(&path, "%s/.cache/ward/seccomp", home) < 0 ? NULL : path;
	return NULL;
}

/* A directory ward may trust: written only by root or the caller. */
static const char *unsafe_dir(const struct stat *st)
{
	if (!S_ISDIR(st->st_mode))
		return "not a directory";
	if (st->st_uid != 0 && st->st_uid != geteuid())
		return "owned by another user";
	if (st->st_mode & 022)
		return "writable by its group or others";
	return NULL;
}

int seccomp_cache_open_below(int dirfd, const char *path)
{
	cleanup_free char *copy = strdup(path);
	cleanup_close int fd = -1;
	struct stat st;
	const char *why;

	if (!copy)
		return -1;
	fd = openat(dirfd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0)
		return -1;
	if ((why = unsafe_dir(&st)) != NULL) {
		log_debug("seccomp cache %s not used: its first directory is %s", path, why);
		return -1;
	}
	/* One component at a time, never following a symbolic link, so what is checked is what
	 * is used. What is missing is created for the caller alone. */
	char *save = NULL;
	for (char *c = strtok_r(copy, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
		if (strcmp(c, ".") == 0 || strcmp(c, "..") == 0) {
			log_debug("seccomp cache %s not used: not a clean path", path);
			return -1;
		}
		int next = openat(fd, c, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (next < 0 && errno == ENOENT) {
			if (mkdirat(fd, c, 0700) == 0) {
				/* 0700 whatever the umask; the checks below see any failure */
				if (fchmodat(fd, c, 0700, 0) < 0)
					log_debug("seccomp cache: chmod %s: %m", c);
			} else if (errno != EEXIST) {
				log_debug("seccomp cache %s not used: create %s: %m", path, c);
				return -1;
			}
			next = openat(fd, c, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		}
		if (next < 0) {
			log_debug("seccomp cache %s not used: open %s: %m", path, c);
			return -1;
		}
		close(fd);
		fd = next;
		if (fstat(fd, &st) < 0)
			return -1;
		if ((why = unsafe_dir(&st)) != NULL) {
			log_debug("seccomp cache %s not used: %s is %s", path, c, why);
			return -1;
		}
	}
	/* The directory itself is the caller's alone, so only the caller can put entries in. */
	if (st.st_uid != geteuid() || (st.st_mode & 07777) != 0700) {
		log_debug("seccomp cache %s not used: it must be the caller's with mode 0700 "
			  "(it is uid %u, mode %04o)",
			  path, (unsigned)st.st_uid, (unsigned)(st.st_mode & 07777));
		return -1;
	}
	return steal_fd(&fd);
}

int seccomp_cache_open_path(const char *path)
{
	cleanup_close int fd = -1;

	if (path[0] != '/')
		return -1;
	fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	return fd < 0 ? -1 : seccomp_cache_open_below(fd, path);
}

int seccomp_cache_open(void)
{
	cleanup_free char *path = seccomp_cache_dir();

	if (!path) {
		log_debug("seccomp cache not used: no cache directory (HOME is not set)");
		return -1;
	}
	return seccomp_cache_open_path(path);
}

/* ---- the key ------------------------------------------------------------------------------ */

static void hash_str(struct sha256 *h, const char *s)
{
	uint32_t n = s ? (uint32_t)strlen(s) + 1 : 0;
	sha256_update(h, &n, sizeof n);
	if (s)
		sha256_update(h, s, n);
}

static void hash_strv(struct sha256 *h, char *const *v)
{
	uint32_t n = (uint32_t)strv_length(v);
	sha256_update(h, &n, sizeof n);
	for (uint32_t i = 0; i < n; i++)
		hash_str(h, v[i]);
}

void seccomp_cache_key(const struct ward_seccomp *p, uint64_t caps, const char *what, char key[65])
{
	struct sha256 h;
	const struct scmp_version *v = seccomp_version();
	uint32_t native = seccomp_arch_native();
	struct utsname u;

	sha256_init(&h);
	/* The commit too: a rebuilt ward may compile the same profile differently. */
	hash_str(&h, "ward-seccomp-cache-3 " PACKAGE_VERSION " " WARD_COMMIT);
	sha256_update(&h, v, sizeof *v);
	sha256_update(&h, &native, sizeof native);
	/* libseccomp asks the running kernel what it supports; the cache outlives reboots. */
	if (uname(&u) == 0) {
		hash_str(&h, u.release);
		hash_str(&h, u.version);
	}
	sha256_update(&h, &caps, sizeof caps);
	hash_str(&h, what);
	if (!p)
		goto done;
	hash_str(&h, p->default_action);
	sha256_update(&h, &p->has_default_errno_ret, sizeof p->has_default_errno_ret);
	sha256_update(&h, &p->default_errno_ret, sizeof p->default_errno_ret);
	hash_strv(&h, p->architectures);
	hash_strv(&h, p->flags);
	sha256_update(&h, &p->n_rules, sizeof p->n_rules);
	for (size_t i = 0; i < p->n_rules; i++) {
		const struct ward_seccomp_rule *r = &p->rules[i];
		hash_strv(&h, r->names);
		hash_str(&h, r->action);
		sha256_update(&h, &r->has_errno_ret, sizeof r->has_errno_ret);
		sha256_update(&h, &r->errno_ret, sizeof r->errno_ret);
		sha256_update(&h, &r->includes_caps, sizeof r->includes_caps);
		sha256_update(&h, &r->excludes_caps, sizeof r->excludes_caps);
		hash_strv(&h, r->includes_arches);
		hash_strv(&h, r->excludes_arches);
		sha256_update(&h, &r->n_args, sizeof r->n_args);
		for (size_t j = 0; j < r->n_args; j++) {
			sha256_update(&h, &r->args[j].index, sizeof r->args[j].index);
			sha256_update(&h, &r->args[j].value, sizeof r->args[j].value);
			sha256_update(&h, &r->args[j].value_two, sizeof r->args[j].value_two);
			hash_str(&h, r->args[j].op);
		}
	}
done:
	sha256_hex(&h, key);
}

/* ---- entries ------------------------------------------------------------------------------ */

/* An entry: this header, then the program. The key ties it to one input (a file renamed or
 * copied from another key is refused); the digest catches truncation and corruption. */
struct cache_header {
	char magic[8];	 /* "WARDBPF" */
	uint32_t format; /* CACHE_FORMAT */
	uint32_t flags;	 /* SECCOMP_FILTER_FLAG_* | CACHE_LISTENER */
	char key[64];	 /* hex, no NUL */
	uint64_t insns;	 /* instructions that follow */
	char digest[64]; /* SHA-256 of the instructions, hex, no NUL */
};

static const char cache_magic[8] = "WARDBPF";
#define CACHE_FORMAT   2u
#define CACHE_LISTENER 0x80000000u /* not a kernel flag: "has notify rules" */
#define CACHE_FLAGS                                                                                \
	(SECCOMP_FILTER_FLAG_LOG | SECCOMP_FILTER_FLAG_SPEC_ALLOW | SECCOMP_FILTER_FLAG_TSYNC |    \
	 SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV | CACHE_LISTENER)
#define CACHE_MAX_INSNS 4096u /* the kernel's BPF_MAXINSNS */
#define CACHE_MAX_BYTES (sizeof(struct cache_header) + CACHE_MAX_INSNS * sizeof(struct sock_filter))

static void digest_of(const void *prog, size_t bytes, char out[65])
{
	struct sha256 h;
	sha256_init(&h);
	sha256_update(&h, prog, bytes);
	sha256_hex(&h, out);
}

int seccomp_cache_encode(const char *key, const struct seccomp_program *p, void **out, size_t *len)
{
	size_t body = p->len * sizeof(struct sock_filter);
	struct cache_header hd = {.format = CACHE_FORMAT,
				  .flags = p->flags | (p->listener ? CACHE_LISTENER : 0),
				  .insns = p->len};
	char digest[65];
	char *buf;

	if (!p->filter || p->len == 0 || p->len > CACHE_MAX_INSNS || strlen(key) != SHA256_HEX_LEN)
		return -1;
	memcpy(hd.magic, cache_magic, sizeof hd.magic);
	memcpy(hd.key, key, sizeof hd.key);
	digest_of(p->filter, body, digest);
	memcpy(hd.digest, digest, sizeof hd.digest);
	buf = malloc(sizeof hd + body);
	if (!buf)
		return -1;
	memcpy(buf, &hd, sizeof hd);
	memcpy(buf + sizeof hd, p->filter, body);
	*out = buf;
	*len = sizeof hd + body;
	return 0;
}

int seccomp_cache_decode(const void *data, size_t len, const char *key, struct seccomp_program *out,
			 const char **why)
{
	struct cache_header hd;
	char digest[65];
	const char *buf = data;

	memset(out, 0, sizeof *out);
	if (len < sizeof hd) {
		*why = "shorter than its header";
		return -1;
	}
	memcpy(&hd, buf, sizeof hd);
	if (memcmp(hd.magic, cache_magic, sizeof hd.magic) != 0 || hd.format != CACHE_FORMAT) {
		*why = "not a cache entry of this format";
		return -1;
	}
	if (strlen(key) != 64 || memcmp(hd.key, key, sizeof hd.key) != 0) {
		*why = "compiled for another key";
		return -1;
	}
	if (hd.insns == 0 || hd.insns > CACHE_MAX_INSNS ||
	    len - sizeof hd != hd.insns * sizeof(struct sock_filter)) {
		*why = "its length does not match its header";
		return -1;
	}
	if (hd.flags & ~CACHE_FLAGS) {
		*why = "unknown flags";
		return -1;
	}
	digest_of(buf + sizeof hd, len - sizeof hd, digest);
	if (memcmp(digest, hd.digest, sizeof hd.digest) != 0) {
		*why = "its program does not match its checksum";
		return -1;
	}
	out->filter = malloc(len - sizeof hd);
	if (!out->filter) {
		*why = "out of memory";
		return -1;
	}
	memcpy(out->filter, buf + sizeof hd, len - sizeof hd);
	out->len = hd.insns;
	out->flags = hd.flags & ~CACHE_LISTENER;
	out->listener = (hd.flags & CACHE_LISTENER) != 0;
	return 0;
}

bool seccomp_cache_load(int dirfd, const char *key, struct seccomp_program *out)
{
	char name[80];
	cleanup_close int fd = -1;
	cleanup_free char *buf = NULL;
	struct ward_error ignored;
	struct stat st;
	size_t len;
	const char *why = NULL;

	memset(out, 0, sizeof *out);
	snprintf(name, sizeof name, "%s.bpf", key);
	/* O_NONBLOCK: a FIFO planted here must not hang ward. */
	fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0) {
		if (errno != ENOENT)
			log_debug("seccomp cache: %s not used: %m", name);
		return false;
	}
	/* Only a file ward wrote for this caller: its own, private, and not linked from
	 * anywhere else (a hard link could be changed through its other name). */
	if (fstat(fd, &st) < 0)
		why = "cannot be inspected";
	else if (!S_ISREG(st.st_mode))
		why = "not a regular file";
	else if (st.st_uid != geteuid())
		why = "owned by another user";
	else if ((st.st_mode & 07777) != 0600)
		why = "its mode is not 0600";
	else if (st.st_nlink != 1)
		why = "it has other hard links";
	else if ((size_t)st.st_size > CACHE_MAX_BYTES)
		why = "too large";
	else if (read_fd_limited(fd, CACHE_MAX_BYTES, &buf, &len, &ignored) < 0)
		why = "cannot be read";
	if (!why && seccomp_cache_decode(buf, len, key, out, &why) == 0) {
		/* The modification time is the last use: pruning keeps what is used. */
		if (futimens(fd, NULL) < 0)
			log_debug("seccomp cache: touch %s: %m", name);
		return true;
	}
	log_debug("seccomp cache: %s not used (%s); compiling again", name, why);
	return false;
}

void seccomp_cache_store(int dirfd, const char *key, const struct seccomp_program *p)
{
	char name[80], tmp[96];
	cleanup_free void *buf = NULL;
	cleanup_close int fd = -1;
	size_t len;

	if (seccomp_cache_encode(key, p, &buf, &len) < 0)
		return;
	snprintf(name, sizeof name, "%s.bpf", key);
	/* A temporary name of this process's own (concurrent starts may store the same key); a
	 * leftover of the same name is from a dead process with this pid. No fsync: a file left
	 * damaged by a crash fails its checksum and is compiled again. */
	snprintf(tmp, sizeof tmp, ".%s.%d.tmp", key, (int)getpid());
	unlinkat(dirfd, tmp, 0);
	fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		log_debug("seccomp cache: create %s: %m", tmp);
		return;
	}
	if (fchmod(fd, 0600) < 0 || write_all(fd, buf, len) < 0) {
		log_debug("seccomp cache: write %s: %m", tmp);
		unlinkat(dirfd, tmp, 0);
		return;
	}
	/* rename() replaces a bad entry whatever it is (a symbolic link, a hard link's name)
	 * without following it. */
	if (renameat(dirfd, tmp, dirfd, name) < 0) {
		log_debug("seccomp cache: replace %s: %m", name);
		unlinkat(dirfd, tmp, 0);
		return;
	}
	seccomp_cache_prune(dirfd, SECCOMP_CACHE_MAX_ENTRIES);
}

/* ---- the bound ---------------------------------------------------------------------------- */

struct cache_file {
	char name[80];
	struct timespec used;
};

static int least_recently_used_first(const void *a, const void *b)
{
	const struct timespec *x = &((const struct cache_file *)a)->used;
	const struct timespec *y = &((const struct cache_file *)b)->used;
	if (x->tv_sec != y->tv_sec)
		return x->tv_sec < y->tv_sec ? -1 : 1;
	return x->tv_nsec < y->tv_nsec ? -1 : x->tv_nsec > y->tv_nsec;
}

/* "<64 hex digits>.bpf": only ward's own entries are ever counted or removed. */
static bool is_entry_name(const char *name)
{
	size_t i;
	for (i = 0; i < SHA256_HEX_LEN; i++)
		if (!((name[i] >= '0' && name[i] <= '9') || (name[i] >= 'a' && name[i] <= 'f')))
			return false;
	return strcmp(name + i, ".bpf") == 0;
}

/* ".<64 hex digits>.<pid>.tmp", left by a ward killed while storing. */
static bool is_stale_temporary(const char *name, const struct stat *st, time_t now)
{
	size_t len = strlen(name);
	return name[0] == '.' && len > 4 && strcmp(name + len - 4, ".tmp") == 0 &&
	       now - st->st_mtime > SECCOMP_CACHE_TMP_AGE;
}

size_t seccomp_cache_prune(int dirfd, size_t max_entries)
{
	cleanup_free struct cache_file *files = NULL;
	size_t n = 0, cap = 0, removed = 0;
	time_t now = time(NULL);
	int fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *dir = fd < 0 ? NULL : fdopendir(fd);
	struct dirent *e;
	struct stat st;

	if (!dir) {
		if (fd >= 0)
			close(fd);
		return 0;
	}
	while ((e = readdir(dir)) != NULL) {
		if (fstatat(dirfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		if (is_stale_temporary(e->d_name, &st, now)) {
			removed += unlinkat(dirfd, e->d_name, 0) == 0;
			continue;
		}
		if (!is_entry_name(e->d_name))
			continue;
		if (n == cap) {
			struct cache_file *grown = array_grow(files, &cap, sizeof *files, 64);
			if (!grown)
				break;
			files = grown;
		}
		snprintf(files[n].name, sizeof files[n].name, "%s", e->d_name);
		files[n].used = st.st_mtim;
		n++;
	}
	closedir(dir);
	if (n > max_entries) {
		qsort(files, n, sizeof *files, least_recently_used_first);
		for (size_t i = 0; i < n - max_entries; i++)
			removed += unlinkat(dirfd, files[i].name, 0) == 0;
	}
	if (removed)
		log_debug("seccomp cache: pruned %zu files", removed);
	return removed;
}
