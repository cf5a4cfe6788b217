/* Helpers shared by the lifecycle verbs. Private to src/container/. */
#ifndef WARD_CONTAINER_INTERNAL_H
#define WARD_CONTAINER_INTERNAL_H

#include <signal.h>
#include <stdbool.h>
#include <sys/types.h>

#include "ward/container.h"
#include "ward/error.h"
#include "ward/hostpath.h"
#include "ward/plan.h"
#include "ward/policy.h"
#include "ward/seccomp.h"
#include "ward/spawn.h"
#include "ward/spec.h"
#include "ward/state.h"
#include "ward/systemd.h"
#include "audit.h"
#include "learn.h"

/* An existing container opened by a verb (src/container/open.c). */
struct opened_container {
	int rootfd, dirfd; /* the state root; the container's directory, locked */
	struct ward_state st;
	int pidfd; /* the init, proved by verify_init(); -1 when it is gone */
};
/* Opens the state directory of container id, locked, and reads its state.json, unverified:
 * 1 when read; 0 when the directory has no state.json (a create that died first); -ENOENT
 * when there is no such container; -1 on error. err is set unless 1 or 0. */
int open_state(const char *root, const char *id, struct opened_container *c,
	       struct ward_error *err);
/* Opens the state of an existing container, locked, with its state.json read and verified
 * against the kernel (verify_init()). Fails when the state does not match the kernel; c is
 * then closed as far as it was opened (close_container() is still safe). */
int open_container(const char *root, const char *id, struct opened_container *c,
		   struct ward_error *err);
/* The container's status, from its verified state. */
enum ward_status opened_status(const struct opened_container *c);
void close_container(struct opened_container *c);
#define cleanup_container __attribute__((cleanup(close_container)))

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
int remove_container(int rootfd, const char *root, const struct ward_state *st,
		     struct ward_error *err);

/* `userns = auto` (userns_auto.c): a config without a user namespace gets one with a range the
 * pool leases to container id of state root `root` (recorded in st, set in spec), or, when it
 * joins namespaces of another container's automatic one (a pod), that one; *userns_fd is the
 * namespace for the idmapped mounts (-1: none). A config with its own mappings is refused if
 * they take ids of the pool. Nothing when the policy does not ask for it, or the check
 * auto-user-namespace is lifted. */
int userns_auto_acquire(const char *policy_file, const char *root, const char *id,
			struct ward_spec *spec, struct ward_state *st, int *userns_fd,
			struct ward_error *err);
/* The ids process p runs with must be among the size ids of its automatic user namespace:
 * an error naming the field otherwise (the kernel would only say EINVAL). */
int userns_auto_check_ids(const struct ward_process *p, uint32_t size, struct ward_error *err);
/* Returns the lease st records to the pool (delete, a failed create); nothing without one. */
void userns_auto_release(const char *root, const char *id, const struct ward_state *st);
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
/* What runc's callers rely on before anything is created, and what ward refuses for any config
 * (create_checks.c). */
int create_check_request(const struct create_options *o, const struct ward_spec *spec,
			 struct ward_error *err);
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

/* ---- starting a process in a container: the stages create and exec share (launch.c) ----
 *
 * create starts the container's init, exec a tenant process in a running container. Both go
 * through the same stages on one struct launch, and what the stages make on the host is
 * written into its undo record as it is made: on failure launch_undo() removes it in the
 * reverse order (the spawned process first: spawn.pidfd), and launch_release() frees what the
 * launch holds (on every exit). */
struct launch_undo {
	const struct ward_state *shared_root; /* a root bound outside a mount namespace of the
						 container's own: unmounted (in shared_root_nsfd
						 when joined by path, else ward's namespace) */
	int shared_root_nsfd;
	const char *cgroup_root, *cgroup_path; /* a cgroup made: destroyed */
	struct unit_placement *unit;	       /* --systemd-cgroup: the unit, stopped */
	int rootfd;			       /* with dir: the state directory, removed */
	const char *dir;
	/* `userns = auto`: the lease st records, returned to the pool of state root root */
	const char *userns_root;
	const struct ward_state *userns_state;
};

struct launch {
	const struct ward_spec *spec;	    /* the container's config */
	const struct ward_process *process; /* what runs: the config's (create) or exec's */
	const char *id, *bundle;
	struct policy_verdict verdict; /* what the policy added (the seccomp floors) */
	int console;		       /* the terminal socket given to the process, or -1 */
	int console_ours;	       /* ward's end when ward is the terminal's reader */
	int cgroup_fd;		       /* where the process is born; -1: ward's cgroup */
	int pidfd_sock;		       /* --pidfd-socket, connected */
	struct ward_seccomp_program filter, never;
	const struct host_object *listener; /* the seccomp agent's socket, as judged */
	struct learn_session learn;	    /* seccomp learning or complain mode (learn.h) */
	struct audit_trail audit;	    /* the policy's audit sink, opened first (audit.h) */
	int state_dirfd;		    /* the container's state directory (borrowed) */
	struct ward_spawn spawn;
	struct launch_undo undo;
};

/* An empty launch for container id: the load stage sets spec, process and bundle. */
void launch_init(struct launch *l, const char *id);
/* process.terminal: connects console_socket, or (NULL) makes a socket pair whose other end
 * ward reads (console_ours). */
int launch_console(struct launch *l, const char *console_socket, struct ward_error *err);
/* Connects --pidfd-socket (when given) before anything exists: a wrong path fails cleanly. */
int launch_pidfd_socket(struct launch *l, const char *path, struct ward_error *err);
/* Compiles the container's seccomp profile (or the default one the verdict adds) for the
 * process's bounding set, and the filter stacked under every profile. */
int launch_filters(struct launch *l, struct ward_error *err);
/* The shape both processes share: what runs, with which environment, terminal, cgroup,
 * seccomp filters and inherited fds. create (the init) and exec (a tenant) add their own. */
void launch_process_config(struct launch *l, char *const *env, int preserve_fds,
			   struct ward_init_config *cfg);
/* After the spawn: the process's pidfd to --pidfd-socket, with runc's payload ("standard" for
 * an init, "setns" for a tenant). */
int launch_send_pidfd(struct launch *l, const char *pidfd_socket, const char *payload,
		      struct ward_error *err);
/* Undoes what the undo record holds, newest first, and empties it. Nothing stops it: a mount
 * left behind is logged; a cgroup or state directory left behind is what `delete --force`
 * removes. */
void launch_undo(struct launch *l);
void launch_release(struct launch *l);

/* The process exec runs (exec_process.c): --process FILE, or the container's process (from its
 * config.json, config[0..len)) with exec's flags applied, read by config.json's reader. */
struct ward_process *exec_process(const struct exec_options *o, const char *config, size_t len,
				  struct ward_error *err);

/* A created container still held by the process that created it (create, run). */
struct created_container {
	struct ward_spec *spec;
	struct ward_state state;
	const char *root; /* --root, as given (borrowed from the options) */
	int rootfd, dirfd;
	struct ward_spawn spawn;
	int console_fd; /* foreground terminal: ward's end of the console socket pair */
};
/* create's stages (create.c); on failure nothing is left and c is released. */
int create_container(const struct create_options *o, struct created_container *c,
		     struct ward_error *err);
void container_release(struct created_container *c);

#endif
