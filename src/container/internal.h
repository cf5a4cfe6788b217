/* Helpers shared by the lifecycle verbs. Private to src/container/. */
#ifndef WARD_CONTAINER_INTERNAL_H
#define WARD_CONTAINER_INTERNAL_H

#include <signal.h>
#include <stdbool.h>
#include <sys/types.h>

#include "ward/error.h"
#include "ward/hostpath.h"
#include "ward/spec.h"
#include "ward/state.h"
#include "ward/systemd.h"

/* Opens the state of an existing container, locked, with its state.json read and verified
 * against the kernel (verify_init()): *pidfd is its init, or -1 when the init is gone. Fails
 * when the state does not match the kernel. */
int open_container(const char *root, const char *id, int *rootfd, int *dirfd, struct ward_state *st,
		   int *pidfd, struct ward_error *err);
/* Releases a created init: writes exec.fifo and removes it. */
int release_init(int dirfd, struct ward_error *err);
/* The poststart or poststop hooks of a container, resolved and judged by the verb that runs
 * them (posthooks.c). */
struct judged_hooks {
	enum ward_hook_kind kind;
	struct host_object *exe; /* per hook: the executable the policy judged; NULL when none */
	size_t n;
};
/* Resolves the hooks of kind again and judges them against the policy in force (policy_file;
 * NULL: the default). A refusal is an error naming hooks.<kind>[i].path; *out is then empty. */
int posthooks_judge(const char *policy_file, const struct ward_spec *spec, enum ward_hook_kind kind,
		    const char *id, struct judged_hooks *out, struct ward_error *err);
void posthooks_clear(struct judged_hooks *h);
/* Runs judged poststop hooks; their failures are logged as warnings, as the runtime spec
 * says, and do not stop the operation (poststart hooks: run_poststart). */
void run_hooks_warn(const struct ward_spec *spec, const struct judged_hooks *h, const char *id,
		    const char *status, pid_t pid, const char *bundle);
/* Host pids of the container's processes: its pid namespace's members when it has a private
 * one, else the init alone (cgroup membership will refine this). */
int container_pids_of(const struct ward_state *st, pid_t **out, size_t *n, struct ward_error *err);
/* Signals every process of the container (its pid namespace when private, else the init). */
int signal_all(const struct ward_state *st, int sig, struct ward_error *err);
/* Removes what a container owns on the host once its processes are gone: its cgroup, then its
 * state directory. Only for a state ward holds in memory (run), never one read back. */
int remove_container(int rootfd, const struct ward_state *st, struct ward_error *err);
/* The seccomp agent handoff: the container process state runc sends to listenerPath
 * ({"ociVersion","fds":["seccompFd"],"pid","metadata","state"}) with the fd, to the agent's
 * socket as the plan resolved and the policy judged it (plan->listener). */
int seccomp_handoff(const struct ward_spec *spec, const struct host_object *sock, const char *id,
		    const char *bundle, pid_t pid, int fd, struct ward_error *err);
/* The signals ward forwards while it waits for a process: every one that can be blocked,
 * except those reporting a fault in ward itself. */
void forwarded_signals(sigset_t *set);
/* Waits up to timeout_ms for the process behind pidfd to exit. */
bool wait_exit(int pidfd, int timeout_ms);
/* Runs the judged poststart hooks h (src/container/poststart.c); when one fails, every
 * process of the container is killed and the failure returned, naming hooks.poststart[i].
 * pidfd: the init's, to wait for it (-1 when there is none). */
int run_poststart(const struct ward_spec *spec, const struct judged_hooks *h, const char *id,
		  const struct ward_state *st, int pidfd, struct ward_error *err);
/* Before `update` writes res into the container's cgroup cgfd (src/container/update.c): the
 * policy judges the container's resources after the update (its config in dirfd, for the
 * annotations and the limits the update leaves), and memory.checkBeforeUpdate (the update's,
 * else the config's) refuses a memory limit below the current usage. */
int update_check(int dirfd, int cgfd, const char *id, const struct ward_resources *res,
		 const char *policy_file, struct ward_error *err);
/* Refuses, naming the field, what the runtime spec defines but ward does not do for spec
 * (linux.intelRdt; linux.netDevices without a network namespace). */
int check_supported(const struct ward_spec *spec, struct ward_error *err);
/* Logs a warning naming the ambient capabilities of p that will not be raised (not both
 * permitted and inheritable), as runc and crun skip them. */
void warn_ambient_caps(const struct ward_process *p);
/* Removes the bound root filesystem (with what is mounted on it) of a container that had no
 * mount namespace of its own (st->shared_mnt_ns), in the namespace it was made in: ward's, or
 * the joined one (nsfd, or st->mnt_ns_path checked to be the same namespace). A joined
 * namespace that is gone took the mounts with it. (src/container/sharedroot.c) */
int unmount_shared_root(const struct ward_state *st, int nsfd, struct ward_error *err);
/* Marks cgfd as the cgroup of container id in the state root rootfd (cgroup_set_mark());
 * where cgroups cannot carry extended attributes, the init's own cgroup stands as the proof
 * and this succeeds (src/container/create.c). */
int mark_container_cgroup(int rootfd, const char *id, int cgfd, struct ward_error *err);

/* create --systemd-cgroup (src/container/systemd_unit.c): the unit is started by the spawn's
 * place callback, with the setup process in it, and undone on any later failure. */
struct unit_placement {
	struct systemd_manager mgr;
	struct systemd_unit unit;
	bool user, connected;
	bool started; /* the manager made the unit: it is ward's to stop */
	const struct ward_linux *lx;
	const char *id;
	const char *cgroup_root;
	int rootfd;
	struct ward_state *st; /* gets cgroup_path, then record() writes it */
	int (*record)(void *ctx, struct ward_error *err);
	void *record_ctx;
	int cgfd; /* the unit's cgroup, set up */
};
/* Parses linux.cgroupsPath and connects to the manager; fails naming --systemd-cgroup. */
int unit_placement_open(struct unit_placement *p, const struct ward_spec *spec, const char *id,
			struct ward_error *err);
/* The spawn's place callback: starts the unit with pid, proves its cgroup new (holding pid
 * alone), records it, writes the limits and the device program, marks it. */
int unit_placement_place(void *ctx, pid_t pid, struct ward_error *err);
/* After a failed create: the proved cgroup removed, the unit stopped. */
void unit_placement_undo(struct unit_placement *p);
/* Warns of every org.systemd.property.* annotation: runc turns them into unit properties,
 * ward does not (a config could lift its own limits with them). */
void unit_warn_ignored_properties(const struct ward_spec *spec);
void unit_placement_close(struct unit_placement *p);
/* `update`: the limits as properties of the container's unit (when it has one), once the unit
 * proves to hold the container's cgroup. */
int unit_update(const struct ward_state *st, const struct ward_resources *res,
		struct ward_error *err);
/* `delete` (and `run` once its container is gone): before the cgroup is removed, begin finds
 * the container's unit: one holding the cgroup, acted on only when cgroup_proved (the cgroup
 * carries the container's mark, or its live init was verified); or a scope of that name left
 * without a cgroup (stopped, or failed after an OOM kill). end then stops the first (when
 * stop: the cgroup is gone) or clears the failed state of the second. What cannot be proved
 * or reached is logged and left. */
struct unit_release {
	struct systemd_manager m;
	int found; /* 0: nothing to do; 1: holds the cgroup; 2: loaded without a cgroup */
};
void unit_release_begin(const struct ward_state *st, bool cgroup_proved, struct unit_release *r);
void unit_release_end(const struct ward_state *st, struct unit_release *r, bool stop);

#endif
