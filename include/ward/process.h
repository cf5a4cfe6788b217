/* The container process's credentials and environment: rlimits, user, capabilities, exec. */
#ifndef WARD_PROCESS_H
#define WARD_PROCESS_H

#include <stdbool.h>
#include <sys/stat.h>

#include "ward/error.h"
#include "ward/spec.h"

int process_set_rlimits(const struct ward_process *p, struct ward_error *err);
/* Drops capabilities outside the bounding set (needs CAP_SETPCAP, so it runs first). */
int caps_set_bounding(const struct ward_capabilities *caps, struct ward_error *err);
/* setgroups/setresgid/setresuid keeping the permitted set for caps_apply(). */
int process_set_user(const struct ward_process *p, struct ward_error *err);
/* The ambient capabilities the kernel cannot raise because they are not both permitted and
 * inheritable: caps_apply() skips them (as runc and crun do), and ward warns about them. */
uint64_t caps_ambient_unraisable(const struct ward_capabilities *caps);
/* Effective, permitted, inheritable, then the raisable ambient ones. Capabilities the config
 * does not name are never left in any set. */
int caps_apply(const struct ward_capabilities *caps, struct ward_error *err);
/* chdir to cwd resolved inside the (already pivoted) root. */
int process_chdir(const char *cwd, struct ward_error *err);
/* Looks args[0] up on the PATH of the process's env, as runc does, judging each candidate as
 * the process's user (uid, gid, additionalGids, an effective CAP_DAC_OVERRIDE) would find it:
 * a regular file it may execute, not on a noexec mount. Uses only stat and statfs. Errors keep
 * runc's wording, which callers map to exit codes 126/127: "executable file not found in
 * $PATH", "permission denied", "no such file or directory". */
int process_find_executable(const struct ward_process *p, char **path, struct ward_error *err);
/* 0 when the process's user may execute the file st describes, else EACCES or EISDIR. */
int process_may_execute(const struct stat *st, const struct ward_process *p);

/* What execve gets. */
struct process_exec {
	char *path;	  /* args[0] resolved */
	char *const *env; /* the environment, with HOME */
};
/* Called while the process is still root and before any seccomp filter, so that neither the
 * user change nor the container's profile decides what it finds: sets HOME from the
 * container's /etc/passwd when env has none (passwd_env_with_home) and resolves args[0]
 * (process_find_executable). Needs the container's root as / and the cwd already entered. */
int process_prepare_exec(const struct ward_process *p, char *const *env, struct process_exec *out,
			 struct ward_error *err);
/* CPU affinity, runc's way (src/linux/placement.c). Called first thing in the process that
 * becomes the container's: an exec'd process (exec) runs on process.execCPUAffinity.initial;
 * the init, and an exec'd process given no affinity at all, are reset to every CPU the
 * cgroup's cpuset allows (never left on CPUs ward itself was confined to). */
int process_set_initial_affinity(const struct ward_process *p, bool exec, struct ward_error *err);
/* Just before execve, for exec'd processes: execCPUAffinity.final, when given. */
int process_set_final_affinity(const struct ward_process *p, struct ward_error *err);
/* linux.memoryPolicy through set_mempolicy(2), for the init and exec'd processes. */
int process_set_memory_policy(const struct ward_linux *lx, struct ward_error *err);

/* Unblocks and resets every signal so the process starts with a clean slate. */
void process_reset_signals(void);

#endif
