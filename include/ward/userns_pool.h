/* The host-wide pool of subordinate ids that `userns = auto` gives containers: each container
 * without a user namespace of its own gets a distinct block of ids from the pool the admin
 * configures (policy.conf `userns-pool`). Several engines call ward with different --root
 * directories, so the blocks in use are recorded in one ledger directory for the host, not in
 * a state root; a block whose holder is gone (its container deleted, or its `ward create`
 * killed before the container existed) is taken back, so nothing leaks. */
#ifndef WARD_USERNS_POOL_H
#define WARD_USERNS_POOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "ward/error.h"

/* [start, start + count): start + count may be 2^32, so ends are computed in 64 bits. */
struct id_range {
	uint32_t start, count;
};

/* The pool: uid block i pairs with gid block i (a block is `size` ids at the start of a range,
 * then the next `size`, ...), so a container's uids and gids come from the same position. */
struct userns_pool {
	struct id_range *uids, *gids;
	size_t n_uids, n_gids;
};

/* policy.conf `userns-pool = VALUE`. VALUE with a ':' is explicit ranges
 * "START:COUNT[,START:COUNT...]", used for both uids and gids. Otherwise VALUE is a user name:
 * its ranges are its lines in subuid_path and subgid_path (the /etc/subuid format
 * "name:start:count", where a line may also name the user by its uid, found in passwd_path;
 * passwd_path may be NULL, then only lines with the name count). A missing subgid file or a
 * user without lines is an error: a pool must have both. */
int userns_pool_resolve(const char *value, const char *passwd_path, const char *subuid_path,
			const char *subgid_path, struct userns_pool *out, struct ward_error *err);

/* Refuses a pool whose ids could belong to someone else: a range that includes id 0 or
 * 4294967295 (not a valid id), ranges that overlap each other, a uid of a user in passwd_path
 * or a gid of a group in group_path, another user's lines in subuid_path/subgid_path (owner:
 * the pool's user, its own lines are the pool; NULL for explicit ranges), or a pool without
 * one block of `size` ids. A missing subuid/subgid file has no lines; a missing passwd or
 * group file is an error (nothing could be checked). The error names `userns-pool`, the
 * conflict and the fix. Only these files are read: users from NSS (LDAP, sssd) are not seen. */
int userns_pool_check(const struct userns_pool *pool, uint32_t size, const char *passwd_path,
		      const char *group_path, const char *subuid_path, const char *subgid_path,
		      const char *owner, struct ward_error *err);

void userns_pool_clear(struct userns_pool *p);
#define cleanup_userns_pool __attribute__((cleanup(userns_pool_clear)))

/* A container's block: uids [uid, uid + size) and gids [gid, gid + size). */
struct userns_lease {
	uint32_t uid, gid, size;
};

/* Whether the lease recorded for container id in state root `root` is still held: the
 * container exists there and its state records this lease. Called under the ledger's lock. */
typedef bool (*userns_lease_held_fn)(const char *root, const char *id, const struct userns_lease *l,
				     void *ctx);

/* Takes the lowest free block of `size` ids for container id in state root `root` and records
 * it in ledger_dir (created 0700 with missing parents; refused when it is a symlink or not a
 * directory of ward's euid with mode 0700), one file per block, made exclusively under an
 * flock on ledger_dir/lock and complete before this returns. A block is free when no entry's
 * uids or gids intersect it. An entry is taken back when held() says no (a NULL held says yes
 * to all) AND the process that wrote it (pid and start time, recorded in it) is gone: a
 * container keeps its block through its state, a `ward create` that has not written the state
 * yet through its own life. An entry that cannot be read or parsed is kept (and warned
 * about): a doubt never hands out ids twice. A full pool is an error naming userns-pool with
 * the number of blocks in use. */
int userns_pool_acquire(const struct userns_pool *pool, uint32_t size, const char *ledger_dir,
			const char *root, const char *id, userns_lease_held_fn held, void *ctx,
			struct userns_lease *out, struct ward_error *err);

/* Removes l's entry when it names this root and id (another container's is left alone); a
 * missing entry or ledger is fine, so a repeated delete succeeds. */
int userns_pool_release(const char *ledger_dir, const struct userns_lease *l, const char *root,
			const char *id, struct ward_error *err);

/* Whether [start, start + count) intersects one of ranges: explicit mappings in a config may
 * not use the pool's ids. */
bool userns_pool_overlaps(const struct id_range *ranges, size_t n, uint32_t start, uint32_t count);

/* How many blocks of size ids the ranges hold: a block never spans two ranges. */
uint64_t userns_pool_blocks(const struct id_range *ranges, size_t n, uint32_t size);

/* ---- Pure parsers, exposed for the unit tests and fuzzing ---- */

/* A line of a subuid/subgid file (range: its range) or of passwd/group (range: {id, 1}). */
struct id_owner {
	char *name;
	struct id_range range;
};
struct id_owners {
	struct id_owner *v;
	size_t n;
};
void id_owners_clear(struct id_owners *o);
#define cleanup_id_owners __attribute__((cleanup(id_owners_clear)))

/* "name:start:count" lines (label: the file, for errors). Blank lines and '#' comments are
 * skipped; anything else that is not such a line, a count of 0 or a range past 2^32 is an
 * error with its line number. */
int userns_parse_subid(const char *text, const char *label, struct id_owners *out,
		       struct ward_error *err);
/* passwd or group lines "name:password:id:...": the name and id of each. Blank lines, '#'
 * comments and NIS "+"/"-" lines are skipped; others without a decimal id are errors. */
int userns_parse_idfile(const char *text, const char *label, struct id_owners *out,
			struct ward_error *err);
/* "START:COUNT[,START:COUNT...]" (spaces around items allowed). */
int userns_parse_ranges(const char *text, struct id_range **out, size_t *n, struct ward_error *err);

/* A ledger entry: the block, who holds it and which process wrote it. */
struct userns_ledger_entry {
	struct userns_lease lease;
	pid_t pid;
	uint64_t start_time; /* field 22 of /proc/<pid>/stat: tells a reused pid apart */
	char root[4096];
	char id[1024];
};
/* "key=value" lines; root and id may not hold a newline or NUL. The length written (without
 * the NUL), or -1 when it does not fit or a field cannot be written. */
int userns_ledger_format(const struct userns_ledger_entry *e, char *buf, size_t size);
/* Parses what userns_ledger_format() wrote (len bytes, not necessarily terminated): 0, or -1
 * for anything else (a missing or repeated key, a bad number, a size of 0, a block past
 * 2^32). */
int userns_ledger_parse(const char *text, size_t len, struct userns_ledger_entry *out);
/* Field 22 (start time) of a /proc/<pid>/stat text and its state letter: 0, or -1. */
int userns_proc_stat_parse(const char *text, char *state, uint64_t *start_time);

#endif
