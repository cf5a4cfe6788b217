/* The state directory: <root>/<id>/ holds state.json (written atomically), a copy of the
 * bundle's config.json taken at create, and exec.fifo until the container is started. */
#ifndef WARD_STATE_H
#define WARD_STATE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "ward/error.h"
#include "ward/spec.h"

/* A policy check the admin lifted for a container: its name, the config path it concerned and
 * who lifted it ("file", "annotation" or "level"). */
struct ward_lifted_check {
	char *check, *path, *source;
};

/* What create recorded of the confinement it applied, for `ward inspect` (which reads the rest
 * from the kernel): the seccomp programs loaded into the init and the checks lifted for it.
 * recorded is false for a container made by a ward that did not record it. */
struct ward_confinement {
	bool recorded;
	char *seccomp_profile;	  /* "config" or "default"; NULL: no profile was loaded */
	char *seccomp_digest;	  /* "sha256:<hex>" of the profile's compiled program */
	char *never_digest;	  /* of the stacked "never" filter; NULL: none */
	unsigned seccomp_filters; /* how many filters ward loaded into the init */
	struct ward_lifted_check *lifted;
	size_t n_lifted;
};

enum ward_status { STATUS_CREATING, STATUS_CREATED, STATUS_RUNNING, STATUS_PAUSED, STATUS_STOPPED };

struct ward_state {
	char *oci_version;
	char *id;
	pid_t pid;
	uint64_t start_time; /* field 22 of /proc/<pid>/stat: detects pid reuse */
	char *bundle;
	char *rootfs;
	char created[64]; /* RFC 3339 */
	uid_t owner;
	bool own_pid_ns; /* the container has a private pid namespace */
	/* No mount namespace of its own (the host's, or one joined by path): the init is
	 * chrooted into rootfs, whose bound mount (rootfs_mount_id) lives in the namespace
	 * mnt_ns_dev:mnt_ns_ino (reached through mnt_ns_path when joined) until delete. */
	bool shared_mnt_ns;
	uint64_t rootfs_mount_id;
	uint64_t mnt_ns_dev, mnt_ns_ino;
	char *mnt_ns_path;
	char *cgroup_path; /* below the cgroup v2 root; NULL when the container has none */
	/* --systemd-cgroup: the transient unit holding cgroup_path, and whether it is the user's
	 * manager's (else the system's); NULL for a cgroup ward made itself. */
	char *systemd_unit;
	bool systemd_user;
	struct ward_kv *annotations;
	size_t n_annotations;
	struct ward_confinement confinement;
	/* policy `userns = auto`: the container's ids came from the pool (userns_size > 0):
	 * container ids 0.. are host uids userns_uid.. and gids userns_gid.. (released by delete).
	 */
	uint32_t userns_uid, userns_gid, userns_size;
	/* ... or it joined the automatic user namespace of the namespaces it joins (a pod's) */
	bool userns_joined;
};

/* state.json's "confinement" object (src/container/state_confinement.c). */
struct yajl_gen_t;
struct json_node;
void state_write_confinement(struct yajl_gen_t *g, const struct ward_confinement *c);
void state_read_confinement(const struct json_node *root, struct ward_confinement *c);
void state_clear_confinement(struct ward_confinement *c);

/* Container IDs: runc's character set [A-Za-z0-9_+.-], not "." or "..", at most 255 bytes,
 * so an ID can never name anything outside the state directory. */
int state_validate_id(const char *id, struct ward_error *err);
/* Removes <root>/cache:seccomp, where ward kept compiled seccomp filters before they moved out
 * of the state root (runc, sharing the root with ward, lists it as a broken container). */
void state_remove_legacy_cache(int rootfd);
/* Opens (creating with mode 0700 if needed) the state root. */
int state_open_root(const char *root, struct ward_error *err);
/* Opens the state root for a verb on container id, never creating it: -ENOENT and "container
 * \"<id>\" does not exist" when there is none (a full file system can refuse to create it). */
int state_open_existing_root(const char *root, const char *id, struct ward_error *err);
/* Creates <root>/<id> and locks it; fails if the container exists. The lock (flock) is held
 * until the fd is closed; it serialises the verbs acting on one container. */
int state_create_dir(int rootfd, const char *id, struct ward_error *err);
/* Opens and locks <root>/<id>; -ENOENT and "container \"<id>\" does not exist" when it is not
 * there, or was removed while this process waited for the lock; -1 on other errors. */
int state_open_dir(int rootfd, const char *id, struct ward_error *err);
/* `run` lets other verbs act while its container runs, keeping the directory open: unlocks
 * it, and later locks it again; 1 when it is still the container's, 0 when a delete removed
 * it meanwhile (its name may belong to a new container by now), -1 on error. */
void state_unlock_dir(int dirfd);
int state_relock_dir(int dirfd, const char *id, struct ward_error *err);
int state_remove_dir(int rootfd, const char *id, struct ward_error *err);

int state_write(int dirfd, const struct ward_state *st, struct ward_error *err);
/* Reads state.json; -ENOENT (without filling err) when a create died before writing it. */
int state_read(int dirfd, struct ward_state *st, struct ward_error *err);
void state_clear(struct ward_state *st);
/* For a struct ward_state variable: state_clear() at scope exit. */
#define cleanup_state __attribute__((cleanup(state_clear)))
/* The config.json copied at create, as create carried it out: with the user namespace the
 * policy gave it (state_apply_userns; st NULL: as written). */
struct ward_spec *state_read_config(int dirfd, const struct ward_state *st, struct ward_error *err);
/* Gives spec the user namespace st records from the pool (userns = auto); nothing otherwise. */
int state_apply_userns(struct ward_spec *spec, const struct ward_state *st, struct ward_error *err);

/* Derived from the live process (start time checked against pid reuse) and exec.fifo; verified:
 * verify_init() proved the init is the container's (else the container counts as stopped). */
enum ward_status state_status(int dirfd, const struct ward_state *st, bool verified);
const char *state_status_name(enum ward_status s);
/* True when pid is alive, not a zombie, and started at start_time. */
bool state_process_alive(pid_t pid, uint64_t start_time);
/* The same, telling "gone" (0) from "cannot tell" (-errno: /proc unreadable, e.g. no fd
 * left), which must never be taken for a stopped container; 1: alive. */
int state_process_check(pid_t pid, uint64_t start_time);
int state_read_start_time(pid_t pid, uint64_t *out);

/* Writes the pid file: decimal pid, no newline, atomically. */
int state_write_pid_file(const char *path, pid_t pid, struct ward_error *err);

#endif
