/* Seccomp: the OCI profile (or ward's built-in default-deny profile) compiled with libseccomp
 * in ward, loaded as raw BPF by the container process as late as the kernel allows. */
#ifndef WARD_SECCOMP_H
#define WARD_SECCOMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ward/error.h"
#include "ward/spec.h"

struct seccomp_program {
	void *filter;	/* struct sock_filter[] */
	size_t len;	/* instructions */
	unsigned flags; /* SECCOMP_FILTER_FLAG_* */
	bool listener;	/* has SCMP_ACT_NOTIFY rules: loading returns a notification fd */
};

/* Compiles profile (NULL: the built-in default) for a process whose bounding set is
 * bounding_caps. Syscall names this libseccomp does not know are skipped, as runc does.
 * With cache_dirfd >= 0, compiled filters are kept there by the SHA-256 of everything that
 * shapes them, so repeated starts do not compile again. */
int seccomp_compile(const struct ward_seccomp *profile, uint64_t bounding_caps, int cache_dirfd,
		    struct seccomp_program *out, struct ward_error *err);
/* What the filter stacked under every profile refuses, whatever the profile says. */
enum seccomp_never {
	/* syscalls no container has a reason to make (kexec, kernel modules, open_by_handle_at,
	 * ...): EPERM */
	SECCOMP_NEVER_BASE = 1,
	/* creating a user namespace (clone and unshare with CLONE_NEWUSER: EPERM; clone3, whose
	 * flags a filter cannot read: ENOSYS, so that libc falls back to clone) */
	SECCOMP_NEVER_USERNS = 2,
	/* the keyring calls (keyctl, add_key, request_key): ENOSYS, as on a kernel without keys */
	SECCOMP_NEVER_KEYRING = 4,
};
/* Compiles the stacked filter with the rules of `what` (SECCOMP_NEVER_* bits). */
int seccomp_compile_never(unsigned what, int cache_dirfd, struct seccomp_program *out,
			  struct ward_error *err);
/* Installs a compiled filter in the calling process; for a filter with notify rules,
 * *listener_fd receives the notification fd (else -1). */
int seccomp_install(const struct seccomp_program *prog, int *listener_fd, struct ward_error *err);
/* Hands a notification fd to the agent at linux.seccomp.listenerPath as runc does: one
 * SCM_RIGHTS message carrying the fd and the container process state JSON. socket_fd is the
 * agent's socket as the policy judged it (an O_PATH fd), connected to through the fd, never by
 * its name again; name is for messages. */
int seccomp_send_listener(int socket_fd, const char *name, int listener_fd, const char *state_json,
			  struct ward_error *err);
void seccomp_program_free(struct seccomp_program *prog);

/* Whether rule r of a profile applies to a process with bounding set bounding_caps on this
 * machine (its includes/excludes conditions), as seccomp_compile() decides it. */
bool seccomp_rule_applies(const struct ward_seccomp_rule *r, uint64_t bounding_caps);
/* libseccomp's number of a system call name on the native architecture: the kernel's number,
 * a negative pseudo number for a call of another architecture only, -1 for an unknown name.
 * Two names with the same number other than -1 are the same call. */
int seccomp_syscall_nr(const char *name);

/* The built-in default profile's JSON (seccomp-profiles/default.json, compiled in). */
const char *seccomp_default_profile_json(size_t *len);

#endif
