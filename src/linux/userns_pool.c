/* The pool of `userns = auto`: which ids the admin gave (explicit ranges, or a user's lines in
 * /etc/subuid and /etc/subgid) and whether they are safe to hand out (nobody else's). The
 * parsers take text and give ranges, so they can be tested and fuzzed without files. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ward/cleanup.h"
#include "ward/userns_pool.h"
#include "ward/util.h"

/* Every file read here is the admin's, and small; a larger one is refused, not cut. */
#define ID_FILE_MAX (16u << 20)
/* The top id, (uid_t)-1, means "no id" to the kernel. */
#define ID_INVALID 4294967295u

static uint64_t range_end(const struct id_range *r)
{
	return (uint64_t)r->start + r->count;
}

bool userns_pool_overlaps(const struct id_range *ranges, size_t n, uint32_t start, uint32_t count)
{
	uint64_t end = (uint64_t)start + count;

	for (size_t i = 0; i < n; i++)
		if (count > 0 && ranges[i].count > 0 && start < range_end(&ranges[i]) &&
		    ranges[i].start < end)
			return true;
	return false;
}

/* A decimal number of len bytes that fits in 32 bits, nothing else (no sign, no space). */
static bool u32_of(const char *s, size_t len, uint32_t *out)
{
	uint64_t v = 0;

	if (len == 0 || len > 10)
		return false;
	for (const char *p = s; p < s + len; p++) {
		if (*p < '0' || *p > '9')
			return false;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	if (v > UINT32_MAX)
		return false;
	*out = (uint32_t)v;
	return true;
}

/* A range "START:COUNT" of len bytes: count > 0 and the end at most 2^32. */
static bool range_of(const char *s, size_t len, struct id_range *out)
{
	const char *colon = memchr(s, ':', len);

	if (!colon || !u32_of(s, (size_t)(colon - s), &out->start) ||
	    !u32_of(colon + 1, len - (size_t)(colon - s) - 1, &out->count))
		return false;
	return out->count > 0 && range_end(out) <= (uint64_t)UINT32_MAX + 1;
}

static bool blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* Trims [*s, *s + *len) of blanks on both sides. */
static void trim(const char **s, size_t *len)
{
	while (*len > 0 && blank(**s)) {
		(*s)++;
		(*len)--;
	}
	while (*len > 0 && blank((*s)[*len - 1]))
		(*len)--;
}

void id_owners_clear(struct id_owners *o)
{
	for (size_t i = 0; i < o->n; i++)
		free(o->v[i].name);
	free(o->v);
	o->v = NULL;
	o->n = 0;
}

static int owners_add(struct id_owners *o, size_t *cap, const char *name, size_t name_len,
		      struct id_range r)
{
	if (o->n == *cap) {
		struct id_owner *v = array_grow(o->v, cap, sizeof *v, 16);
		if (!v)
			return -1;
		o->v = v;
	}
	char *copy = strndup(name, name_len);
	if (!copy)
		return -1;
	o->v[o->n++] = (struct id_owner){.name = copy, .range = r};
	return 0;
}

enum owner_file { OWNER_SUBID, OWNER_IDFILE };

/* One line of either kind into *name and *r; false when it is not one. */
static bool owner_line(enum owner_file kind, const char *s, size_t len, size_t *name_len,
		       struct id_range *r)
{
	const char *colon = memchr(s, ':', len);

	if (!colon || colon == s)
		return false;
	*name_len = (size_t)(colon - s);
	const char *rest = colon + 1, *end = s + len;
	if (kind == OWNER_SUBID)
		return range_of(rest, (size_t)(end - rest), r);
	/* passwd/group: skip the password field, the id is the next one. */
	const char *id = memchr(rest, ':', (size_t)(end - rest));
	if (!id)
		return false;
	id++;
	const char *id_end = memchr(id, ':', (size_t)(end - id));
	r->count = 1;
	return u32_of(id, (size_t)((id_end ? id_end : end) - id), &r->start);
}

static int parse_owners(enum owner_file kind, const char *text, const char *label,
			struct id_owners *out, struct ward_error *err)
{
	cleanup_id_owners struct id_owners o = {0};
	size_t cap = 0, lineno = 0;

	for (const char *p = text; *p;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p), name_len;
		const char *s = p;
		struct id_range r;
		lineno++;
		p = nl ? nl + 1 : p + len;
		trim(&s, &len);
		if (len == 0 || s[0] == '#' ||
		    (kind == OWNER_IDFILE && (s[0] == '+' || s[0] == '-')))
			continue;
		if (!owner_line(kind, s, len, &name_len, &r))
			return ward_fail(err, 0, "%s line %zu: expected %s, got \"%.*s\"", label,
					 lineno,
					 kind == OWNER_SUBID ? "NAME:START:COUNT (COUNT > 0)"
							     : "NAME:PASSWORD:ID:...",
					 (int)(len > 80 ? 80 : len), s);
		if (owners_add(&o, &cap, s, name_len, r) < 0)
			return ward_fail(err, ENOMEM, "%s", label);
	}
	*out = o;
	o = (struct id_owners){0};
	return 0;
}

int userns_parse_subid(const char *text, const char *label, struct id_owners *out,
		       struct ward_error *err)
{
	return parse_owners(OWNER_SUBID, text, label, out, err);
}

int userns_parse_idfile(const char *text, const char *label, struct id_owners *out,
			struct ward_error *err)
{
	return parse_owners(OWNER_IDFILE, text, label, out, err);
}

static int ranges_add(struct id_range **v, size_t *n, size_t *cap, struct id_range r)
{
	if (*n == *cap) {
		struct id_range *grown = array_grow(*v, cap, sizeof *grown, 8);
		if (!grown)
			return -1;
		*v = grown;
	}
	(*v)[(*n)++] = r;
	return 0;
}

int userns_parse_ranges(const char *text, struct id_range **out, size_t *n, struct ward_error *err)
{
	cleanup_free struct id_range *v = NULL;
	size_t count = 0, cap = 0, item = 0;

	for (const char *p = text;; item++) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		const char *s = p;
		struct id_range r;
		trim(&s, &len);
		if (!range_of(s, len, &r))
			return ward_fail(
				err, 0,
				"userns-pool: item %zu \"%.*s\" is not START:COUNT (decimal, "
				"COUNT > 0, START + COUNT <= 4294967296)",
				item + 1, (int)(len > 80 ? 80 : len), s);
		if (ranges_add(&v, &count, &cap, r) < 0)
			return ward_fail(err, ENOMEM, "userns-pool");
		if (!comma)
			break;
		p = comma + 1;
	}
	*out = steal_ptr(v);
	*n = count;
	return 0;
}

void userns_pool_clear(struct userns_pool *p)
{
	free(p->uids);
	free(p->gids);
	*p = (struct userns_pool){0};
}

/* The lines of an id file; a missing file has none when missing_ok. */
static int read_owners(enum owner_file kind, const char *path, bool missing_ok,
		       struct id_owners *out, struct ward_error *err)
{
	cleanup_free char *text = NULL;
	size_t len;

	*out = (struct id_owners){0};
	if (read_file_limited(path, ID_FILE_MAX, &text, &len, err) < 0) {
		if (missing_ok && err->code == ENOENT)
			return 0;
		return ward_error_prefix(err, "userns-pool");
	}
	if (memchr(text, '\0', len))
		return ward_fail(err, 0, "userns-pool: %s holds a NUL byte", path);
	return parse_owners(kind, text, path, out, err);
}

/* Whether a subid line's name field means this user: its name, or its uid in decimal. */
static bool names_owner(const char *name, const char *owner, const char *owner_uid)
{
	return owner && (strcmp(name, owner) == 0 || (owner_uid && strcmp(name, owner_uid) == 0));
}

/* owner's uid in decimal from passwd_path (into buf), or NULL when it has no entry there. */
static const char *uid_of(const struct id_owners *passwd, const char *owner, char *buf, size_t size)
{
	for (size_t i = 0; passwd && i < passwd->n; i++)
		if (strcmp(passwd->v[i].name, owner) == 0) {
			snprintf(buf, size, "%u", passwd->v[i].range.start);
			return buf;
		}
	return NULL;
}

/* The ranges of owner's lines in a subid file. */
static int owner_ranges(const char *path, const char *owner, const char *owner_uid,
			struct id_range **out, size_t *n, struct ward_error *err)
{
	cleanup_id_owners struct id_owners lines = {0};
	size_t cap = 0;

	*out = NULL;
	*n = 0;
	if (read_owners(OWNER_SUBID, path, false, &lines, err) < 0)
		return -1;
	for (size_t i = 0; i < lines.n; i++)
		if (names_owner(lines.v[i].name, owner, owner_uid) &&
		    ranges_add(out, n, &cap, lines.v[i].range) < 0)
			return ward_fail(err, ENOMEM, "userns-pool");
	if (*n == 0)
		return ward_fail(err, 0,
				 "userns-pool: user %s has no line in %s (add \"%s:START:COUNT\" "
				 "with a range no other user or group has)",
				 owner, path, owner);
	return 0;
}

static int resolve_user(const char *owner, const char *passwd_path, const char *subuid_path,
			const char *subgid_path, struct userns_pool *out, struct ward_error *err)
{
	cleanup_id_owners struct id_owners passwd = {0};
	char uid_buf[16];
	const char *owner_uid = NULL;

	if (passwd_path) {
		if (read_owners(OWNER_IDFILE, passwd_path, false, &passwd, err) < 0)
			return -1;
		owner_uid = uid_of(&passwd, owner, uid_buf, sizeof uid_buf);
	}
	if (owner_ranges(subuid_path, owner, owner_uid, &out->uids, &out->n_uids, err) < 0 ||
	    owner_ranges(subgid_path, owner, owner_uid, &out->gids, &out->n_gids, err) < 0) {
		userns_pool_clear(out);
		return -1;
	}
	return 0;
}

int userns_pool_resolve(const char *value, const char *passwd_path, const char *subuid_path,
			const char *subgid_path, struct userns_pool *out, struct ward_error *err)
{
	*out = (struct userns_pool){0};
	if (!value || !*value)
		return ward_fail(err, 0,
				 "userns-pool: empty (give a user with lines in /etc/subuid and "
				 "/etc/subgid, or ranges START:COUNT[,START:COUNT...])");
	if (!strchr(value, ':'))
		return resolve_user(value, passwd_path, subuid_path, subgid_path, out, err);
	if (userns_parse_ranges(value, &out->uids, &out->n_uids, err) < 0)
		return -1;
	out->gids = malloc(out->n_uids * sizeof *out->gids);
	if (!out->gids) {
		userns_pool_clear(out);
		return ward_fail(err, ENOMEM, "userns-pool");
	}
	memcpy(out->gids, out->uids, out->n_uids * sizeof *out->gids);
	out->n_gids = out->n_uids;
	return 0;
}

/* How many blocks of size ids the ranges hold (a block never spans two ranges). */
uint64_t userns_pool_blocks(const struct id_range *ranges, size_t n, uint32_t size)
{
	uint64_t blocks = 0;

	for (size_t i = 0; size > 0 && i < n; i++)
		blocks += ranges[i].count / size;
	return blocks;
}

/* No range of one kind holds 0 or the invalid id, and no two overlap. */
static int check_ranges(const struct id_range *r, size_t n, const char *kind,
			struct ward_error *err)
{
	for (size_t i = 0; i < n; i++) {
		if (r[i].start == 0 || range_end(&r[i]) > ID_INVALID)
			return ward_fail(
				err, 0,
				"userns-pool: the %s range %u:%u includes %s (start the pool "
				"above every user's and group's id, e.g. 100000, and end it "
				"below 4294967295)",
				kind, r[i].start, r[i].count,
				r[i].start == 0 ? "0, the host's root" : "4294967295, not an id");
		for (size_t j = 0; j < i; j++)
			if (userns_pool_overlaps(&r[j], 1, r[i].start, r[i].count))
				return ward_fail(
					err, 0,
					"userns-pool: the %s ranges %u:%u and %u:%u overlap "
					"(give each id once)",
					kind, r[j].start, r[j].count, r[i].start, r[i].count);
	}
	return 0;
}

/* No entry of a host file (passwd, group, another user's subid lines) is in the ranges. */
static int check_owners(const struct id_owners *o, const struct id_range *r, size_t n,
			const char *path, const char *owner, const char *owner_uid,
			struct ward_error *err)
{
	for (size_t i = 0; i < o->n; i++) {
		const struct id_owner *e = &o->v[i];
		if (names_owner(e->name, owner, owner_uid) ||
		    !userns_pool_overlaps(r, n, e->range.start, e->range.count))
			continue;
		if (e->range.count == 1)
			return ward_fail(err, 0,
					 "userns-pool: id %u of %s in %s is in the pool (choose "
					 "ranges no user or group of the host has)",
					 e->range.start, e->name, path);
		return ward_fail(err, 0,
				 "userns-pool: %s's range %u:%u in %s overlaps the pool (choose "
				 "ranges no other user has in %s, or remove that line)",
				 e->name, e->range.start, e->range.count, path, path);
	}
	return 0;
}

/* One kind (uids or gids) against its host file and subid file. */
static int check_kind(const struct id_range *r, size_t n, const char *kind, const char *id_path,
		      const char *subid_path, const char *owner, const char *owner_uid,
		      struct ward_error *err)
{
	cleanup_id_owners struct id_owners ids = {0};
	cleanup_id_owners struct id_owners subids = {0};

	if (check_ranges(r, n, kind, err) < 0 ||
	    read_owners(OWNER_IDFILE, id_path, false, &ids, err) < 0 ||
	    check_owners(&ids, r, n, id_path, NULL, NULL, err) < 0 ||
	    read_owners(OWNER_SUBID, subid_path, true, &subids, err) < 0)
		return -1;
	return check_owners(&subids, r, n, subid_path, owner, owner_uid, err);
}

int userns_pool_check(const struct userns_pool *pool, uint32_t size, const char *passwd_path,
		      const char *group_path, const char *subuid_path, const char *subgid_path,
		      const char *owner, struct ward_error *err)
{
	cleanup_id_owners struct id_owners passwd = {0};
	char uid_buf[16];
	const char *owner_uid = NULL;

	uint64_t blocks = userns_pool_blocks(pool->uids, pool->n_uids, size),
		 gid_blocks = userns_pool_blocks(pool->gids, pool->n_gids, size);
	if (gid_blocks < blocks)
		blocks = gid_blocks;
	if (blocks == 0)
		return ward_fail(err, 0,
				 "userns-pool: the pool has no block of %u uids and %u gids in one "
				 "range (give it at least one range of %u ids)",
				 size, size, size);
	if (owner) {
		if (read_owners(OWNER_IDFILE, passwd_path, false, &passwd, err) < 0)
			return -1;
		owner_uid = uid_of(&passwd, owner, uid_buf, sizeof uid_buf);
	}
	if (check_kind(pool->uids, pool->n_uids, "uid", passwd_path, subuid_path, owner, owner_uid,
		       err) < 0 ||
	    check_kind(pool->gids, pool->n_gids, "gid", group_path, subgid_path, owner, owner_uid,
		       err) < 0)
		return -1;
	return 0;
}
