/* Starting the container init: clone, namespaces, the setup protocol (parent side), and the
 * container-side setup that ends in execve. */
#ifndef WARD_SPAWN_H
#define WARD_SPAWN_H

#include <stdbool.h>
#include <sys/types.h>

#include "ward/error.h"
#include "ward/plan.h"
#include "ward/seccomp.h"
#include "ward/spec.h"

struct ward_init_config {
	const struct ward_spec *spec;
	const char *id;
	const char *bundle; /* absolute */
	/* create: the resolved, judged host objects (rootfs, bind sources, namespace files);
	 * NULL for exec. */
	const struct ward_plan *plan;
	bool no_pivot;
	bool no_new_keyring;
	/* The mount namespace is not the container's own (the host's, or one joined by path):
	 * a chroot instead of pivot_root, which would move every process of that namespace, and
	 * the mount ID of the bound root goes to ward, which removes it on failure and delete. */
	bool shared_mnt_ns;
	/* exec into a container without a mount namespace of its own: its init's root (an
	 * O_PATH fd of /proc/<pid>/root opened in ward), chrooted into after the setns; or -1. */
	int join_root_fd;
	int cgroup_fd; /* -1: stay in the caller's cgroup */
	/* --systemd-cgroup: places the setup process in the container's cgroup (a systemd unit
	 * made for it) before the setup does anything, so that the init is born there; NULL
	 * when cgroup_fd says where the setup process is born. */
	int (*place)(void *ctx, pid_t setup_pid, struct ward_error *err);
	void *place_ctx;
	int exec_fifo_fd;     /* read end of exec.fifo: the init waits on it for `start` */
	int console_fd;	      /* connected console socket when process.terminal, else -1 */
	int preserve_fds;     /* fds 3 .. 3+n-1 are passed to the process */
	const int *idmap_fds; /* per mount: user namespace fd of an idmapped mount, or -1 */
	int idmap_rootfs_fd;  /* the root filesystem as an idmapped mount ward made, or -1 */
	char *const *env;     /* the process's environment (the config's, plus LISTEN_*) */
	/* Runs the prestart and createRuntime hooks (in ward, the runtime namespace) when the
	 * init reaches that point of its setup; may be NULL when there are none. */
	int (*runtime_hooks)(void *ctx, pid_t pid, struct ward_error *err);
	void *hooks_ctx;

	/* exec into a running container instead of creating one: join the namespaces (the
	 * CLONE_NEW* flags given) of the process behind join_pidfd and run `process`. */
	int join_pidfd;
	int join_ns_flags;
	const struct ward_process *process; /* the process to run (spec->process for create) */
	/* Compiled in ward; loaded by the process right after no_new_privs (or, without it,
	 * while it still has CAP_SYS_ADMIN). */
	const struct ward_seccomp_program *seccomp;
	const struct ward_seccomp_program *seccomp_never;
	/* Learning (ward-seccomp(7)): the notifying filter, loaded before the profile. */
	const struct ward_seccomp_program *seccomp_learn;
	/* Complain mode: seccomp is the profile's complain form, whose listener goes to ward. */
	bool seccomp_complain;
	/* Hands the seccomp notification fd to the agent (SCMP_ACT_NOTIFY profiles; learning's
	 * and complain mode's agent). */
	int (*seccomp_listener)(void *ctx, pid_t pid, int fd, struct ward_error *err);
	void *listener_ctx;
};

struct ward_spawn {
	pid_t pid;   /* the init's pid on the host */
	int pidfd;   /* pidfd of the init */
	int sync_fd; /* ward's end of the init's setup socket */
	uint64_t
		rootfs_mnt_id; /* shared_mnt_ns: the bound root's mount ID, once the init sent it */
};

/* Clones the container init (or, with join_pidfd, a process inside a running container) and
 * waits until it is fully set up: waiting for start, or about to execve. On failure nothing is
 * left running. */
int spawn_container(const struct ward_init_config *cfg, struct ward_spawn *out,
		    struct ward_error *err);
/* After the init was started through exec.fifo: returns once execve succeeded (or with the
 * error that stopped it). Only for `run`, which keeps the setup socket open. */
int spawn_wait_exec(struct ward_spawn *sp, struct ward_error *err);
/* Kills a spawned init that will not be started, and releases the handles. */
void spawn_abort(struct ward_spawn *sp);
void spawn_release(struct ward_spawn *sp);
/* Appends to a clone(2) EAGAIN the limits that cause it. Returns -1. */
int spawn_hint_pids(struct ward_error *err);

/* Container side (runs in the cloned processes; never returns). */
__attribute__((noreturn)) void init_setup_stage(const struct ward_init_config *cfg, int setup_fd,
						int init_fd);

int ns_clone_flag(enum ward_ns_kind kind);

#endif
