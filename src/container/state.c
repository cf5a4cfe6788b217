#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "ward/cgroup.h"
#include "ward/cleanup.h"
#include "ward/container.h"
#include "ward/json.h"
#include "ward/json_gen.h"
#include "ward/state.h"
#include "ward/util.h"

int state_validate_id(const char *id, struct ward_error *err)
{
	size_t n = strlen(id);

	if (n == 0)
		return ward_fail(err, 0, "container ID must not be empty");
	if (n > 255)
		return ward_fail(err, 0, "container ID is longer than 255 characters");
	if (strcmp(id, ".") == 0 || strcmp(id, "..") == 0)
		return ward_fail(err, 0, "invalid container ID \"%s\"", id);
	for (const char *p = id; *p; p++) {
		char c = *p;
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			  (c >= '0' && c <= '9') || c == '_' || c == '+' || c == '-' || c == '.';
		if (!ok)
			return ward_fail(err, 0,
					 "invalid container ID \"%.64s\": only letters, digits and "
					 "_ + - . are allowed",
					 id);
	}
	return 0;
}

int state_open_root(const char *root, struct ward_error *err)
{
	char path[PATH_MAX];
	int fd;

	if (snprintf(path, sizeof path, "%s", root) >= (int)sizeof path)
		return ward_fail(err, ENAMETOOLONG, "--root %s", root);
	/* mkdir -p: the parents of the state root may not exist yet (/run/ward on first use). */
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0755) < 0 && errno != EEXIST)
			return ward_fail(err, errno, "--root: create %s", path);
		*p = '/';
	}
	if (mkdir(path, 0700) < 0 && errno != EEXIST)
		return ward_fail(err, errno, "--root: create %s", path);
	fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return ward_fail(err, errno, "--root: open %s", path);
	return fd;
}

int state_open_existing_root(const char *root, const char *id, struct ward_error *err)
{
	int fd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);

	if (fd >= 0)
		return fd;
	if (errno == ENOENT) {
		ward_fail(err, 0, "container \"%s\" does not exist", id);
		return -ENOENT;
	}
	return ward_fail(err, errno, "--root: open %s", root);
}

void state_remove_legacy_cache(int rootfd)
{
	int fd = openat(rootfd, "cache:seccomp", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	DIR *d;
	struct dirent *e;

	if (fd < 0)
		return;
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return;
	}
	/* unlinkat() never follows a symbolic link: only names in this directory go. */
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			unlinkat(dirfd(d), e->d_name, 0);
	closedir(d);
	unlinkat(rootfd, "cache:seccomp", AT_REMOVEDIR);
}

/* Locks the state directory open as fd. 1: locked; 0: the directory was removed while this
 * process waited for the lock (a delete held it), so the lock guards nothing; -1: error. */
static int lock_dir(int fd, const char *id, struct ward_error *err)
{
	struct stat st;

	if (flock(fd, LOCK_EX) < 0)
		return ward_fail(err, errno, "lock the state of %s", id);
	if (fstat(fd, &st) < 0)
		return ward_fail(err, errno, "stat the state of %s", id);
	return st.st_nlink > 0;
}

int state_create_dir(int rootfd, const char *id, struct ward_error *err)
{
	/* Between mkdirat() and flock() the directory is unlocked and has no state.json: a
	 * delete taking it for the remains of a killed create may remove it. Then again. */
	for (int attempt = 0; attempt < 3; attempt++) {
		int fd, locked;

		if (mkdirat(rootfd, id, 0711) < 0) {
			if (errno == EEXIST)
				return ward_fail(err, 0, "container \"%s\" already exists", id);
			return ward_fail(err, errno, "create the state directory of %s", id);
		}
		fd = openat(rootfd, id, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0) {
			if (errno == ENOENT)
				continue;
			return ward_fail(err, errno, "open the state directory of %s", id);
		}
		locked = lock_dir(fd, id, err);
		if (locked > 0)
			return fd;
		close(fd);
		if (locked < 0)
			return -1;
	}
	return ward_fail(err, EAGAIN,
			 "create the state directory of %s: removed again and again "
			 "while being created",
			 id);
}

void state_unlock_dir(int dirfd)
{
	flock(dirfd, LOCK_UN);
}

int state_relock_dir(int dirfd, const char *id, struct ward_error *err)
{
	return lock_dir(dirfd, id, err);
}

int state_open_dir(int rootfd, const char *id, struct ward_error *err)
{
	int fd = openat(rootfd, id, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0) {
		if (errno != ENOENT)
			return ward_fail(err, errno, "open the state of %s", id);
		ward_fail(err, 0, "container \"%s\" does not exist", id);
		return -ENOENT;
	}
	/* Operations on one container are serialised: a create in progress holds this lock.
	 * A directory removed while this process waited is gone, whatever now has its name. */
	int locked = lock_dir(fd, id, err);
	if (locked <= 0) {
		close(fd);
		if (locked < 0)
			return -1;
		ward_fail(err, 0, "container \"%s\" does not exist", id);
		return -ENOENT;
	}
	return fd;
}

int state_remove_dir(int rootfd, const char *id, struct ward_error *err)
{
	int dfd = openat(rootfd, id, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	DIR *d;
	struct dirent *e;

	if (dfd < 0)
		return errno == ENOENT ? 0 : ward_fail(err, errno, "open the state of %s", id);
	d = fdopendir(dfd);
	if (!d) {
		close(dfd);
		return ward_fail(err, errno, "read the state of %s", id);
	}
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (unlinkat(dirfd(d), e->d_name, 0) < 0 && errno != ENOENT) {
			int saved = errno;
			closedir(d);
			return ward_fail(err, saved, "remove %s/%s", id, e->d_name);
		}
	}
	closedir(d);
	if (unlinkat(rootfd, id, AT_REMOVEDIR) < 0 && errno != ENOENT)
		return ward_fail(err, errno, "remove the state directory of %s", id);
	return 0;
}

static int read_proc_stat(pid_t pid, char *state, uint64_t *start_time)
{
	char path[64], buf[1024];
	cleanup_close int fd = -1;
	ssize_t n;

	snprintf(path, sizeof path, "/proc/%d/stat", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read_all(fd, buf, sizeof buf - 1);
	if (n < 0)
		return -errno;
	if (n == 0)
		return -ESRCH; /* reaped while it was read */
	buf[n] = '\0';
	/* The command name may contain spaces and parentheses: count from the last ')'. */
	char *p = strrchr(buf, ')');
	if (!p || p[1] != ' ')
		return -EIO;
	*state = p[2];
	p++;
	for (int field = 3; field < 22 && p; field++)
		p = strchr(p + 1, ' ');
	if (!p)
		return -EIO;
	*start_time = strtoull(p + 1, NULL, 10);
	return 0;
}

int state_read_start_time(pid_t pid, uint64_t *out)
{
	char st;
	return read_proc_stat(pid, &st, out);
}

int state_process_check(pid_t pid, uint64_t start_time)
{
	char st;
	uint64_t t;
	int r;

	if (pid <= 0)
		return 0;
	r = read_proc_stat(pid, &st, &t);
	if (r == -ENOENT || r == -ESRCH)
		return 0;
	if (r < 0)
		return r;
	return t == start_time && st != 'Z' && st != 'X';
}

bool state_process_alive(pid_t pid, uint64_t start_time)
{
	return state_process_check(pid, start_time) == 1;
}

enum ward_status state_status(int dirfd, const struct ward_state *st, bool verified)
{
	const char *root;
	struct ward_error ignored;

	/* A process verify_init() just proved alive is not taken for stopped because /proc
	 * cannot be read now (out of fds). */
	if (!verified || state_process_check(st->pid, st->start_time) == 0)
		return STATUS_STOPPED;
	/* Frozen first, as runc does: a created container can be paused (and resumed). */
	if (st->cgroup_path && cgroup_find_root(&root, &ignored) == 0 &&
	    cgroup_is_frozen(root, st->cgroup_path))
		return STATUS_PAUSED;
	if (faccessat(dirfd, "exec.fifo", F_OK, AT_SYMLINK_NOFOLLOW) == 0)
		return STATUS_CREATED;
	return STATUS_RUNNING;
}

const char *state_status_name(enum ward_status s)
{
	static const char *const names[] = {"creating", "created", "running", "paused", "stopped"};
	return names[s];
}

void container_gen_map(yajl_gen g, const struct ward_kv *kv, size_t n)
{
	yajl_gen_map_open(g);
	for (size_t i = 0; i < n; i++) {
		json_gen_str(g, kv[i].key);
		json_gen_str(g, kv[i].value);
	}
	yajl_gen_map_close(g);
}

/* The members of state.json only ward reads: how later verbs find and prove what create
 * made. */
static void gen_private_state(yajl_gen g, const struct ward_state *st)
{
	const struct {
		const char *key;
		long long value;
		bool present;
	} numbers[] = {
		{"pid", st->pid, true},
		{"init_start_time", (long long)st->start_time, true},
		{"owner_uid", st->owner, true},
		{"rootfs_mount_id", (long long)st->rootfs_mount_id, st->shared_mnt_ns},
		{"mnt_ns_dev", (long long)st->mnt_ns_dev, st->shared_mnt_ns},
		{"mnt_ns_ino", (long long)st->mnt_ns_ino, st->shared_mnt_ns},
		{"userns_uid", st->userns_uid, st->userns_size > 0},
		{"userns_gid", st->userns_gid, st->userns_size > 0},
		{"userns_size", st->userns_size, st->userns_size > 0},
	};
	for (size_t i = 0; i < ARRAY_SIZE(numbers); i++) {
		if (!numbers[i].present)
			continue;
		json_gen_str(g, numbers[i].key);
		yajl_gen_integer(g, numbers[i].value);
	}
	json_gen_str(g, "own_pid_ns");
	yajl_gen_bool(g, st->own_pid_ns);
	if (st->shared_mnt_ns) {
		json_gen_str(g, "shared_mnt_ns");
		yajl_gen_bool(g, true);
	}
	if (st->userns_joined) {
		json_gen_str(g, "userns_joined");
		yajl_gen_bool(g, true);
	}
}

int state_write(int dirfd, const struct ward_state *st, struct ward_error *err)
{
	cleanup_json_gen yajl_gen g = yajl_gen_alloc(NULL);
	const unsigned char *buf;
	size_t len;
	const struct {
		const char *key, *value;
	} strings[] = {
		{"ociVersion", st->oci_version},
		{"id", st->id},
		{"bundle", st->bundle},
		{"rootfs", st->rootfs},
		{"created", st->created},
		{"mnt_ns_path", st->shared_mnt_ns ? st->mnt_ns_path : NULL},
		{"cgroup_path", st->cgroup_path},
		{"systemd_unit", st->systemd_unit},
		{"systemd_manager",
		 st->systemd_unit ? (st->systemd_user ? "user" : "system") : NULL},
	};

	if (!g)
		return ward_fail(err, ENOMEM, "write state.json");
	yajl_gen_map_open(g);
	for (size_t i = 0; i < ARRAY_SIZE(strings); i++) {
		if (!strings[i].value)
			continue;
		json_gen_str(g, strings[i].key);
		json_gen_str(g, strings[i].value);
	}
	gen_private_state(g, st);
	json_gen_str(g, "annotations");
	container_gen_map(g, st->annotations, st->n_annotations);
	state_write_confinement(g, &st->confinement);
	yajl_gen_map_close(g);
	yajl_gen_get_buf(g, &buf, &len);
	return write_file_atomic(dirfd, "state.json", buf, len, 0600, err);
}

static char *dup_member(const struct json_node *obj, const char *key)
{
	const struct json_node *n = json_get(obj, key);
	return n && n->type == JSON_STRING ? strdup(n->str) : strdup("");
}

static int64_t int_member(const struct json_node *obj, const char *key)
{
	const struct json_node *n = json_get(obj, key);
	return n && n->type == JSON_NUMBER ? strtoll(n->str, NULL, 10) : 0;
}

/* A range that does not fit 32-bit ids is no range: the container is taken to have none. */
static void read_userns_lease(const struct json_node *root, struct ward_state *st)
{
	int64_t uid = int_member(root, "userns_uid"), gid = int_member(root, "userns_gid");
	int64_t size = int_member(root, "userns_size");

	if (size <= 0 || uid < 0 || gid < 0 || uid + size > (int64_t)UINT32_MAX + 1 ||
	    gid + size > (int64_t)UINT32_MAX + 1)
		return;
	st->userns_uid = (uint32_t)uid;
	st->userns_gid = (uint32_t)gid;
	st->userns_size = (uint32_t)size;
}

static bool bool_member(const struct json_node *obj, const char *key)
{
	const struct json_node *n = json_get(obj, key);
	return n && n->type == JSON_BOOL && n->boolean;
}

int state_read(int dirfd, struct ward_state *st, struct ward_error *err)
{
	cleanup_free char *buf = NULL;
	cleanup_close int fd = openat(dirfd, "state.json", O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	struct json_doc *doc;
	const struct json_node *root, *ann, *c;
	size_t len;

	memset(st, 0, sizeof *st);
	if (fd < 0) {
		if (errno == ENOENT)
			return -ENOENT;
		return ward_fail(err, errno, "open state.json");
	}
	if (read_fd_limited(fd, JSON_MAX_BYTES, &buf, &len, err) < 0)
		return ward_error_prefix(err, "read state.json");
	doc = json_parse(buf, len, err);
	if (!doc)
		return ward_error_prefix(err, "state.json");
	root = json_root(doc);
	st->oci_version = dup_member(root, "ociVersion");
	st->id = dup_member(root, "id");
	st->bundle = dup_member(root, "bundle");
	st->rootfs = dup_member(root, "rootfs");
	const struct json_node *created = json_get(root, "created");
	if (created && created->type == JSON_STRING)
		snprintf(st->created, sizeof st->created, "%s", created->str);
	st->pid = (pid_t)int_member(root, "pid");
	st->start_time = (uint64_t)int_member(root, "init_start_time");
	st->owner = (uid_t)int_member(root, "owner_uid");
	const struct json_node *own = json_get(root, "own_pid_ns");
	st->own_pid_ns = own && own->type == JSON_BOOL && own->boolean;
	const struct json_node *shared = json_get(root, "shared_mnt_ns");
	st->shared_mnt_ns = shared && shared->type == JSON_BOOL && shared->boolean;
	st->rootfs_mount_id = (uint64_t)int_member(root, "rootfs_mount_id");
	st->mnt_ns_dev = (uint64_t)int_member(root, "mnt_ns_dev");
	st->mnt_ns_ino = (uint64_t)int_member(root, "mnt_ns_ino");
	read_userns_lease(root, st);
	st->userns_joined = !st->userns_size && bool_member(root, "userns_joined");
	const struct json_node *nspath = json_get(root, "mnt_ns_path");
	if (nspath && nspath->type == JSON_STRING)
		st->mnt_ns_path = strdup(nspath->str);
	const struct json_node *cg = json_get(root, "cgroup_path");
	/* Kept as written: verify_init() refuses a bad one by name before anything uses it. */
	if (cg && cg->type == JSON_STRING)
		st->cgroup_path = strdup(cg->str);
	/* Like cgroup_path, a claim: acted on only once the unit proves to hold that cgroup. */
	const struct json_node *unit = json_get(root, "systemd_unit");
	if (unit && unit->type == JSON_STRING) {
		st->systemd_unit = strdup(unit->str);
		const struct json_node *mgr = json_get(root, "systemd_manager");
		st->systemd_user = mgr && mgr->type == JSON_STRING && strcmp(mgr->str, "user") == 0;
	}
	ann = json_get(root, "annotations");
	if (ann && ann->type == JSON_OBJECT && ann->count) {
		st->annotations = calloc(ann->count, sizeof *st->annotations);
		json_foreach(c, ann)
		{
			if (!st->annotations || c->type != JSON_STRING)
				continue;
			st->annotations[st->n_annotations].key = strdup(c->key);
			st->annotations[st->n_annotations].value = strdup(c->str);
			st->n_annotations++;
		}
	}
	state_read_confinement(root, &st->confinement);
	json_free(doc);
	if (!st->oci_version || !st->id || !st->bundle || !st->rootfs) {
		state_clear(st);
		return ward_fail(err, ENOMEM, "read state.json");
	}
	return 0;
}

void state_clear(struct ward_state *st)
{
	free(st->oci_version);
	free(st->id);
	free(st->bundle);
	free(st->rootfs);
	free(st->cgroup_path);
	free(st->mnt_ns_path);
	free(st->systemd_unit);
	for (size_t i = 0; i < st->n_annotations; i++) {
		free(st->annotations[i].key);
		free(st->annotations[i].value);
	}
	free(st->annotations);
	state_clear_confinement(&st->confinement);
	memset(st, 0, sizeof *st);
}

int state_apply_userns(struct ward_spec *spec, const struct ward_state *st, struct ward_error *err)
{
	struct ward_namespace *ns = &spec->linux_.namespaces[WARD_NS_USER];

	if (st && st->userns_joined && !ns->present) {
		/* The init's: what it joined at create. */
		if (asprintf(&ns->path, "/proc/%d/ns/user", st->pid) < 0) {
			ns->path = NULL;
			return ward_fail(err, ENOMEM, "linux.namespaces");
		}
		ns->present = true;
		return 0;
	}
	if (!st || !st->userns_size)
		return 0;
	return spec_add_user_namespace(spec, st->userns_uid, st->userns_gid, st->userns_size, err);
}

struct ward_spec *state_read_config(int dirfd, const struct ward_state *st, struct ward_error *err)
{
	cleanup_free char *buf = NULL;
	cleanup_close int fd = openat(dirfd, "config.json", O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	size_t len;

	if (fd < 0) {
		ward_fail(err, errno, "open the container's config.json");
		return NULL;
	}
	if (read_fd_limited(fd, JSON_MAX_BYTES, &buf, &len, err) < 0)
		return NULL;
	struct ward_spec *spec = spec_parse(buf, len, "config.json", err);
	if (spec && state_apply_userns(spec, st, err) < 0) {
		spec_free(spec);
		return NULL;
	}
	return spec;
}

int state_write_pid_file(const char *path, pid_t pid, struct ward_error *err)
{
	char buf[32], tmp[PATH_MAX];
	int n = snprintf(buf, sizeof buf, "%d", pid);
	cleanup_close int fd = -1;

	if (snprintf(tmp, sizeof tmp, "%s.ward-tmp", path) >= (int)sizeof tmp)
		return ward_fail(err, ENAMETOOLONG, "--pid-file %s", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0)
		return ward_fail(err, errno, "--pid-file: create %s", tmp);
	if (write_all(fd, buf, (size_t)n) < 0) {
		unlink(tmp);
		return ward_fail(err, errno, "--pid-file: write %s", tmp);
	}
	if (rename(tmp, path) < 0) {
		int e = errno;
		unlink(tmp);
		return ward_fail(err, e, "--pid-file: rename to %s", path);
	}
	return 0;
}
