/* Seccomp: the OCI profile (or ward's built-in default-deny profile) compiled with libseccomp
 * in ward, loaded as raw BPF by the container process as late as the kernel allows. */
#ifndef WARD_SECCOMP_H
#define WARD_SECCOMP_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/seccomp.h>
#include <stdint.h>

#include "ward/error.h"
#include "ward/spec.h"

/* Linux 6.0; older kernel headers lack it (seccomp(2) refuses it on older kernels). */
#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif

struct seccomp_program {
	void *filter;	/* struct sock_filter[] */
	size_t len;	/* instructions */
	unsigned flags; /* SECCOMP_FILTER_FLAG_* */
	bool listener;	/* has SCMP_ACT_NOTIFY rules: loading returns a notification fd */
};

/* Compiles profile (NULL: the built-in default) for a process whose bounding set is
 * bounding_caps. Syscall names this libseccomp does not know are skipped, as runc does.
 * With cache_dirfd >= 0 (from seccomp_cache_open()), compiled filters are kept there by the
 * SHA-256 of everything that shapes them, so repeated starts do not compile again. */
int seccomp_compile(const struct ward_seccomp *profile, uint64_t bounding_caps, int cache_dirfd,
		    struct seccomp_program *out, struct ward_error *err);
/* What the filter stacked under every profile refuses, whatever the profile says. */
enum seccomp_never {
	/* syscalls no container has a reason to make (kexec, kernel modules, open_by_handle_at,
	 * ...): EPERM */
	SECCOMP_NEVER_BASE = 1,
	/* creating a user namespace (clone and unshare with CLONE_NEWUSER: EPERM; clone3, whose
	 * flags a filter cannot read: ENOSYS, so that libc falls back to clone) */
	SECCOMP_NEVER_USERNS = 2,
	/* the keyring calls (keyctl, add_key, request_key): ENOSYS, as on a kernel without keys */
	SECCOMP_NEVER_KEYRING = 4,
};
/* Compiles the stacked filter with the rules of `what` (SECCOMP_NEVER_* bits). */
int seccomp_compile_never(unsigned what, int cache_dirfd, struct seccomp_program *out,
			  struct ward_error *err);
/* Installs a compiled filter in the calling process; for a filter with notify rules,
 * *listener_fd receives the notification fd (else -1). */
int seccomp_install(const struct seccomp_program *prog, int *listener_fd, struct ward_error *err);
/* Hands a notification fd to the agent at linux.seccomp.listenerPath as runc does: one
 * SCM_RIGHTS message carrying the fd and the container process state JSON. socket_fd is the
 * agent's socket as the policy judged it (an O_PATH fd), connected to through the fd, never by
 * its name again; name is for messages. */
int seccomp_send_listener(int socket_fd, const char *name, int listener_fd, const char *state_json,
			  struct ward_error *err);
void seccomp_program_free(struct seccomp_program *prog);
/* For a struct seccomp_program variable (not a pointer), like cleanup_state. */
#define cleanup_seccomp_program __attribute__((cleanup(seccomp_program_free)))

/* Whether rule r of a profile applies to a process with bounding set bounding_caps on this
 * machine (its includes/excludes conditions), as seccomp_compile() decides it. */
bool seccomp_rule_applies(const struct ward_seccomp_rule *r, uint64_t bounding_caps);
/* libseccomp's number of a system call name on the native architecture: the kernel's number,
 * a negative pseudo number for a call of another architecture only, -1 for an unknown name.
 * Two names with the same number other than -1 are the same call. */
int seccomp_syscall_nr(const char *name);

/* The built-in default profile's JSON (seccomp-profiles/default.json, compiled in). */
const char *seccomp_default_profile_json(size_t *len);

/* ---- the cache of compiled filters (src/linux/seccomp_cache.c) ---- */

/* The cache directory, outside every state root (engines share --root with runc, which must
 * see only containers there): /var/cache/ward/seccomp for root, else
 * $XDG_CACHE_HOME/ward/seccomp or ~/.cache/ward/seccomp. malloc'd; NULL when the caller has
 * none (no HOME). The policy refuses bind mounts of it. */
char *seccomp_cache_dir(void);
/* Opens seccomp_cache_dir() for seccomp_compile(), creating what is missing: only when every
 * component of the path is a directory (no symbolic link) owned by root or the caller and
 * writable by neither group nor others, and the last is the caller's with mode 0700. -1
 * otherwise (the reason is logged at debug level): the caller then compiles without a cache. */
int seccomp_cache_open(void);
int seccomp_cache_open_path(const char *path);
/* The same walk from dirfd (itself checked) along the relative path. */
int seccomp_cache_open_below(int dirfd, const char *path);

/* The key of a compilation: the profile (what names the built-in one), the bounding set,
 * ward's version and commit, libseccomp's version, the kernel's release and the native
 * architecture. */
void seccomp_cache_key(const struct ward_seccomp *profile, uint64_t bounding_caps, const char *what,
		       char key[65]);
/* An entry is a header (magic, format version, flags, the key, the number of instructions,
 * the SHA-256 of the instructions) and the program. decode checks all of it against key and
 * says why it refuses an entry. */
int seccomp_cache_encode(const char *key, const struct seccomp_program *p, void **buf, size_t *len);
int seccomp_cache_decode(const void *buf, size_t len, const char *key, struct seccomp_program *out,
			 const char **why);
/* Loads <key>.bpf only when it is a regular file owned by the caller, mode 0600, with a single
 * link, and decodes; anything else is never loaded (false: compile, then store). */
bool seccomp_cache_load(int dirfd, const char *key, struct seccomp_program *out);
/* Writes <key>.bpf atomically (a temporary file, then rename over whatever was there), then
 * keeps the cache within its bound. */
void seccomp_cache_store(int dirfd, const char *key, const struct seccomp_program *p);

/* The cache is bounded: every kernel, libseccomp or ward upgrade makes new keys, and profiles
 * differ per engine. 256 entries of at most 32 KiB (BPF_MAXINSNS) is 8 MiB at worst. */
#define SECCOMP_CACHE_MAX_ENTRIES 256
#define SECCOMP_CACHE_TMP_AGE	  600 /* seconds: an older temporary file's writer is dead */
/* Removes the least recently used entries beyond max_entries (a load refreshes an entry's
 * mtime) and stale temporary files; nothing else in the directory. Returns files removed. */
size_t seccomp_cache_prune(int dirfd, size_t max_entries);

#endif
