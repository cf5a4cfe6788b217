/* cgroup v2: the container's cgroup (created with every limit before the init is cloned into
 * it), the device eBPF program, freeze, kill, stats. Never cgroup v1. */
#ifndef WARD_CGROUP_H
#define WARD_CGROUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "ward/error.h"
#include "ward/spec.h"

/* The unified hierarchy's mount point: /sys/fs/cgroup when it is cgroup2, else the unified
 * mount of a hybrid host (/sys/fs/cgroup/unified). */
int cgroup_find_root(const char **root, struct ward_error *err);
/* The hierarchy mounted at root has nsdelegate: a container with a cgroup namespace of its own
 * cannot write the limits of its namespace's root, nor leave it. */
bool cgroup_delegates_namespaces(const char *root);

/* The container's cgroup path below the root (always starting with "/") from cgroupsPath:
 * absolute as given, relative under /ward, absent as /ward/<id>. */
int cgroup_resolve_path(const char *cgroups_path, const char *id, char **out,
			struct ward_error *err);

/* Creates the cgroup and its missing parents, enables the controllers the resources need in
 * each parent, writes every limit and attaches the device program. Returns an O_DIRECTORY fd
 * of the cgroup (for CLONE_INTO_CGROUP). On failure nothing it created remains. */
int cgroup_create(const char *root, const char *path, const struct ward_linux *lx,
		  struct ward_error *err);
/* The same for a cgroup that exists (one a systemd manager made and delegated): every limit
 * and the device program, and an O_DIRECTORY fd of it. Creates and removes nothing. */
int cgroup_setup(const char *root, const char *path, const struct ward_linux *lx,
		 struct ward_error *err);
/* Enables every controller the hierarchy has in the ancestors of path (best effort), so the
 * container's usage is accounted and reported even without limits, as runc does. */
int cgroup_enable_all(const char *root, const char *path);
/* Writes resources into an existing cgroup (create and `update`). Fails closed, naming the
 * config field and the controller, when a limit cannot be applied. */
int cgroup_apply_resources(int cgfd, const char *root, const char *path,
			   const struct ward_resources *res, struct ward_error *err);
/* memory.checkBeforeUpdate: fails when limit is below the cgroup's memory.current (the kernel
 * would OOM-kill rather than refuse, as cgroup v1 did). No memory controller: nothing to
 * check (writing the limit then fails on its own). */
int cgroup_check_memory_usage(int cgfd, int64_t limit, struct ward_error *err);
/* True when the resources ask for a limit (device rules aside): something only a cgroup can
 * enforce. */
bool cgroup_resources_limit(const struct ward_resources *res);
/* The caller's own cgroup (from /proc/self/cgroup), malloc'd. */
char *cgroup_self_path(void);
/* Builds and attaches the BPF_PROG_TYPE_CGROUP_DEVICE program from the config's rules, the
 * default devices and linux.devices (deny by default; for each kind of access, the last rule
 * that matches the device and names it decides). */
int cgroup_attach_devices(int cgfd, const struct ward_linux *lx, struct ward_error *err);
/* The two halves of it, for the tests: the program's instructions (malloc'd) and loading them
 * (an fd of the program, or -1 with the verifier's log in err). */
struct bpf_insn;
int cgroup_devices_program(const struct ward_linux *lx, struct bpf_insn **insns, size_t *n,
			   struct ward_error *err);
int cgroup_devices_load(const struct bpf_insn *insns, size_t n, struct ward_error *err);

/* ward's mark on the cgroup it created for a container (an extended attribute only root, or
 * for an unprivileged ward the cgroup's owner, can write): proves later that a cgroup named in
 * a state.json is that container's. */
int cgroup_set_mark(int cgfd, const char *mark, struct ward_error *err);
/* The mark, NUL-terminated in buf: its length, or -errno (-ENODATA: the cgroup has none;
 * -ENOENT: there is no such cgroup). */
ssize_t cgroup_get_mark(const char *root, const char *path, char *buf, size_t size);
/* True unless cgroup.events says "populated 0" (an unreadable file counts as populated). */
bool cgroup_is_populated(const char *root, const char *path);

/* Kills every process in it (cgroup.kill) and waits until it is empty, then removes it and the
 * cgroups below it, and the parents cgroup_create() made that are left empty
 * (cgroup_remove_parents()). */
int cgroup_destroy(const char *root, const char *path, struct ward_error *err);
int cgroup_kill(const char *root, const char *path, struct ward_error *err);
/* rmdir() alone: fails (EBUSY) rather than kill anything still in it. Then the empty parents
 * cgroup_create() made. */
int cgroup_remove_empty(const char *root, const char *path, struct ward_error *err);
/* The parents of path that cgroup_create() made (each carries an extended attribute,
 * trusted.ward.parent, or user.ward.parent for an unprivileged ward) and that are empty,
 * removed from the lowest up; stops at the first that is not ward's or not empty. Those that
 * existed before are never touched. */
void cgroup_remove_parents(const char *root, const char *path);
int cgroup_freeze(const char *root, const char *path, bool frozen, struct ward_error *err);
bool cgroup_is_frozen(const char *root, const char *path);
int cgroup_pids(const char *root, const char *path, pid_t **pids, size_t *n,
		struct ward_error *err);
int cgroup_open(const char *root, const char *path, struct ward_error *err);
/* `exec --cgroup SUB`: an existing sub-cgroup of the container's cgroup cgfd, resolved beneath
 * it (no "..", symbolic link or other mount), for CLONE_INTO_CGROUP. */
int cgroup_open_sub(int cgfd, const char *sub, struct ward_error *err);

/* What `events --stats` reports; a value is 0 when its controller is not enabled. */
struct cgroup_stats {
	uint64_t cpu_usage_usec, cpu_user_usec, cpu_system_usec;
	uint64_t cpu_periods, cpu_throttled_periods, cpu_throttled_usec;
	bool has_memory;
	uint64_t memory_current, memory_max, memory_swap_current, memory_swap_max;
	uint64_t memory_oom_kill, memory_max_events;
	bool has_pids;
	uint64_t pids_current, pids_max;
	struct {
		char size[16];
		uint64_t current, max, failcnt;
	} hugetlb[4];
	size_t n_hugetlb;
};
int cgroup_read_stats(const char *root, const char *path, struct cgroup_stats *s,
		      struct ward_error *err);

/* Conversions shared with the tests. */
uint64_t cgroup_shares_to_weight(uint64_t shares);
uint64_t cgroup_blkio_to_io_weight(uint16_t weight);

#endif
