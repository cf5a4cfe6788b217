/* `userns = auto`: a container whose config has no user namespace gets one, with a range of ids
 * leased from the admin's pool. The lease is in the host-wide ledger (userns_pool.h) before the
 * spec uses it, in state.json once create records the container, and returned when the
 * container is deleted; a create killed on the way leaves an entry the next lease reclaims. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <linux/magic.h>
#include <unistd.h>
#include <linux/nsfs.h>

#include "ward/cleanup.h"
#include "ward/log.h"
#include "ward/mounts.h"
#include "ward/policy.h"
#include "ward/rootless.h"
#include "ward/userns_pool.h"
#include "ward/util.h"
#include "internal.h"

#define USERNS_AUTO_SIZE     65536
#define USERNS_DEFAULT_OWNER "ward"

struct pool_files {
	const char *subuid, *subgid, *passwd, *group, *ledger;
};

static const struct pool_files host_files = {
	.subuid = "/etc/subuid",
	.subgid = "/etc/subgid",
	.passwd = "/etc/passwd",
	.group = "/etc/group",
	.ledger = "/run/ward-userns",
};

/* The ledger asks whether container id of state root `root` still holds lease l: it does while
 * its state.json records it. A state that cannot be read counts as held (never reuse ids a
 * container may still run with). */
static bool lease_held(const char *root, const char *id, const struct userns_lease *l, void *ctx)
{
	(void)ctx;
	cleanup_close int rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return errno != ENOENT;
	cleanup_close int dirfd =
		openat(rootfd, id, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dirfd < 0)
		return errno != ENOENT;
	cleanup_state struct ward_state st;
	struct ward_error ignored;
	int rc = state_read(dirfd, &st, &ignored);
	if (rc == -ENOENT)
		return false; /* a create that died before state.json (or is still on its way: the
				 ledger also checks that its process is gone) */
	if (rc < 0)
		return true;
	return st.userns_size == l->size && st.userns_uid == l->uid && st.userns_gid == l->gid;
}

/* The ledger names the state root absolute and clean, the same at create and at delete
 * (engines pass absolute roots; a relative one is taken from the working directory). */
static bool ledger_root(const char *root, char out[PATH_MAX])
{
	char cwd[PATH_MAX], joined[PATH_MAX];

	if (root[0] == '/') {
		if (strlen(root) >= PATH_MAX)
			return false;
		path_clean(root, out);
		return true;
	}
	if (!getcwd(cwd, sizeof cwd) ||
	    snprintf(joined, sizeof joined, "%s/%s", cwd, root) >= (int)sizeof joined)
		return false;
	path_clean(joined, out);
	return true;
}

static int load_pool(const struct policy *p, struct userns_pool *pool, struct ward_error *err)
{
	const char *value = p->userns_pool ? p->userns_pool : USERNS_DEFAULT_OWNER;
	const struct pool_files *f = &host_files;

	if (userns_pool_resolve(value, f->passwd, f->subuid, f->subgid, pool, err) < 0 ||
	    userns_pool_check(pool, USERNS_AUTO_SIZE, f->passwd, f->group, f->subuid, f->subgid,
			      p->userns_pool ? NULL : USERNS_DEFAULT_OWNER, err) < 0)
		return ward_error_prefix(err, "%s: userns-pool", p->file);
	return 0;
}

/* Mappings a config brings itself may not take ids of the pool: those belong to the containers
 * ward gives them to. */
static int check_mappings(const char *field, const struct ward_id_mapping *m, size_t n,
			  const struct id_range *pool, size_t n_pool, struct ward_error *err)
{
	for (size_t i = 0; i < n; i++)
		if (userns_pool_overlaps(pool, n_pool, m[i].host_id, m[i].size))
			return ward_fail(
				err, 0,
				"%s[%zu]: host ids %u-%u are in the pool of `userns = auto`, "
				"which only ward hands out; map ids outside it, or leave the "
				"user namespace to ward",
				field, i, m[i].host_id, m[i].host_id + m[i].size - 1);
	return 0;
}

static int check_explicit_mappings(const struct ward_spec *spec, const struct userns_pool *pool,
				   struct ward_error *err)
{
	const struct ward_linux *lx = &spec->linux_;

	if (check_mappings("linux.uidMappings", lx->uid_mappings, lx->n_uid_mappings, pool->uids,
			   pool->n_uids, err) < 0)
		return -1;
	return check_mappings("linux.gidMappings", lx->gid_mappings, lx->n_gid_mappings, pool->gids,
			      pool->n_gids, err);
}

/* The pool when spec gets a namespace from it (*wanted) or brings mappings to check against
 * it; pool->n_uids == 0 when neither. */
static int pool_for(const struct policy *p, const struct ward_spec *spec, struct userns_pool *pool,
		    bool *wanted, struct ward_error *err)
{
	*wanted = false;
	if (!p->userns_auto)
		return 0;
	if (policy_auto_userns(p, spec, wanted, err) < 0)
		return -1;
	/* A rootless ward has no pool to give: its containers have the user's namespace. */
	if (ward_is_rootless()) {
		*wanted = false;
		return 0;
	}
	if (!*wanted && !spec->linux_.n_uid_mappings && !spec->linux_.n_gid_mappings)
		return 0;
	if (load_pool(p, pool, err) < 0)
		return -1;
	return *wanted ? 0 : check_explicit_mappings(spec, pool, err);
}

static int id_outside(const char *field, uint32_t id, uint32_t size, struct ward_error *err)
{
	return ward_fail(err, 0,
			 "%s: %u is outside the %u ids `userns = auto` gives a container (0-%u); "
			 "run as a lower id, or exempt the container (allow = "
			 "auto-user-namespace in the policy file)",
			 field, id, size, size - 1);
}

int userns_auto_check_ids(const struct ward_process *p, uint32_t size, struct ward_error *err)
{
	if (!p || !size)
		return 0;
	if (p->uid >= size)
		return id_outside("process.user.uid", p->uid, size, err);
	if (p->gid >= size)
		return id_outside("process.user.gid", p->gid, size, err);
	for (size_t i = 0; i < p->n_additional_gids; i++)
		if (p->additional_gids[i] >= size)
			return id_outside("process.user.additionalGids", p->additional_gids[i],
					  size, err);
	return 0;
}

/* net.ipv4.ping_group_range names groups of the container's user namespace, and the kernel
 * refuses a range with an unmapped end. Docker asks for "0 2147483647" ("every group may
 * ping") in every container with a network namespace of its own, leaving it out only when it
 * made the user namespace itself; with the namespace ward gives, the same meaning is every
 * group the container has: the upper end is cut to the last mapped gid. A range that starts
 * beyond the mapping is left as it is (its write fails, naming the sysctl). */
static int fit_ping_group_range(struct ward_spec *spec, uint32_t size, struct ward_error *err)
{
	struct ward_linux *lx = &spec->linux_;
	unsigned long low, high;
	char tail;

	for (size_t i = 0; i < lx->n_sysctl; i++) {
		struct ward_kv *kv = &lx->sysctl[i];
		if (strcmp(kv->key, "net.ipv4.ping_group_range") != 0 || !kv->value ||
		    sscanf(kv->value, "%lu %lu %c", &low, &high, &tail) != 2 || low >= size ||
		    high < size)
			continue;
		char *fitted = NULL;
		if (asprintf(&fitted, "%lu %u", low, size - 1) < 0)
			return ward_fail(err, ENOMEM, "linux.sysctl.net.ipv4.ping_group_range");
		log_debug("linux.sysctl.net.ipv4.ping_group_range: \"%s\" becomes \"%s\" (the "
			  "groups of the container's user namespace)",
			  kv->value, fitted);
		free(kv->value);
		kv->value = fitted;
	}
	return 0;
}

/* The user namespace the pool gives, in the spec: mappings, and what they bound. */
static int give_user_namespace(struct ward_spec *spec, uint32_t uid, uint32_t gid, uint32_t size,
			       struct ward_error *err)
{
	if (spec_add_user_namespace(spec, uid, gid, size, err) < 0)
		return -1;
	return fit_ping_group_range(spec, size, err);
}

int userns_auto_preview(const struct policy *p, struct ward_spec *spec, bool *given,
			struct ward_error *err)
{
	cleanup_userns_pool struct userns_pool pool = {0};

	*given = false;
	if (pool_for(p, spec, &pool, given, err) < 0)
		return -1;
	if (!*given)
		return 0;
	return give_user_namespace(spec, pool.uids[0].start, pool.gids[0].start, USERNS_AUTO_SIZE,
				   err);
}

/* The namespace file at path, opened for reading only once it proves to be one: the config is
 * not judged yet, and opening a device or a FIFO it names could act or block. -1 otherwise. */
static int open_nsfs(const char *path)
{
	cleanup_close int o = open(path, O_PATH | O_CLOEXEC);
	struct statfs fs;
	char self[64];

	if (o < 0 || fstatfs(o, &fs) < 0 || fs.f_type != NSFS_MAGIC)
		return -1;
	snprintf(self, sizeof self, "/proc/self/fd/%d", o);
	return open(self, O_RDONLY | O_CLOEXEC);
}

/* A namespace the config joins by path that belongs to a user namespace other than ward's (a pod's
 * sandbox that `userns = auto` gave one): the container joins that user namespace too, as the
 * containers of a Kubernetes pod share one, or the kernel would keep it out of what it joins
 * (mqueue, sysfs). Returns the owner's fd, -1 when there is none. */
static int joined_owner(const struct ward_spec *spec)
{
	struct stat own, st;

	if (stat("/proc/self/ns/user", &own) < 0)
		return -1;
	for (int k = 0; k < WARD_NS_KINDS; k++) {
		const struct ward_namespace *ns = &spec->linux_.namespaces[k];
		if (k == WARD_NS_USER || !ns->present || !ns->path)
			continue;
		cleanup_close int fd = open_nsfs(ns->path);
		int owner = fd < 0 ? -1 : ioctl(fd, NS_GET_USERNS);
		if (owner < 0)
			continue; /* plan_build() names a path that cannot be joined */
		if (fstat(owner, &st) == 0 && (st.st_dev != own.st_dev || st.st_ino != own.st_ino))
			return owner;
		close(owner);
	}
	return -1;
}

static int join_owner(struct ward_spec *spec, int owner, struct ward_state *st, int *userns_fd,
		      struct ward_error *err)
{
	struct ward_namespace *ns = &spec->linux_.namespaces[WARD_NS_USER];

	if (asprintf(&ns->path, "/proc/self/fd/%d", owner) < 0) {
		ns->path = NULL;
		close(owner);
		return ward_fail(err, ENOMEM, "linux.namespaces");
	}
	ns->present = true;
	st->userns_joined = true;
	*userns_fd = owner;
	return 0;
}

static int lease(const struct userns_pool *pool, const char *root, const char *id,
		 struct ward_spec *spec, struct ward_state *st, int *userns_fd,
		 struct ward_error *err)
{
	struct userns_lease l;
	char abs_root[PATH_MAX];

	if (!ledger_root(root, abs_root))
		return ward_fail(err, ENAMETOOLONG, "--root %s", root);
	if (userns_pool_acquire(pool, USERNS_AUTO_SIZE, host_files.ledger, abs_root, id, lease_held,
				NULL, &l, err) < 0)
		return -1;
	st->userns_uid = l.uid;
	st->userns_gid = l.gid;
	st->userns_size = l.size;
	log_debug("container %s: user namespace from the pool: uids %u-%u, gids %u-%u", id, l.uid,
		  l.uid + l.size - 1, l.gid, l.gid + l.size - 1);
	if (give_user_namespace(spec, l.uid, l.gid, l.size, err) < 0 ||
	    userns_auto_check_ids(spec->process, l.size, err) < 0)
		return -1;
	const struct ward_linux *lx = &spec->linux_;
	*userns_fd = idmap_userns_fd(lx->uid_mappings, lx->n_uid_mappings, lx->gid_mappings,
				     lx->n_gid_mappings, err);
	return *userns_fd < 0 ? -1 : 0;
}

int userns_auto_acquire(const char *policy_file, const char *root, const char *id,
			struct ward_spec *spec, struct ward_state *st, int *userns_fd,
			struct ward_error *err)
{
	cleanup_policy struct policy p;
	cleanup_userns_pool struct userns_pool pool = {0};
	bool wanted;

	*userns_fd = -1;
	if (policy_load(policy_file, &p, err) < 0 || pool_for(&p, spec, &pool, &wanted, err) < 0)
		return -1;
	if (!wanted)
		return 0;
	int owner = joined_owner(spec);
	if (owner >= 0)
		return join_owner(spec, owner, st, userns_fd, err);
	return lease(&pool, root, id, spec, st, userns_fd, err);
}

void userns_auto_release(const char *root, const char *id, const struct ward_state *st)
{
	struct userns_lease lease = {
		.uid = st->userns_uid, .gid = st->userns_gid, .size = st->userns_size};
	struct ward_error err;
	char abs_root[PATH_MAX];

	if (!st->userns_size || !root || !id || !ledger_root(root, abs_root))
		return;
	if (userns_pool_release(host_files.ledger, &lease, abs_root, id, &err) < 0)
		log_warn("container %s: %s (the next lease reclaims it)", id, err.msg);
}
