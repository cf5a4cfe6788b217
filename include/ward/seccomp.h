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
/* The short filter stacked under every profile: syscalls no container has a reason to make
 * (kexec, kernel modules, open_by_handle_at, ...) fail with EPERM whatever the profile says. */
int seccomp_compile_never(int cache_dirfd, struct seccomp_program *out, struct ward_error *err);
/* Installs a compiled filter in the calling process; for a filter with notify rules,
 * *listener_fd receives the notification fd (else -1). */
int seccomp_install(const struct seccomp_program *prog, int *listener_fd, struct ward_error *err);
/* Hands a notification fd to the agent at linux.seccomp.listenerPath as runc does: one
 * SCM_RIGHTS message carrying the fd and the container process state JSON. */
int seccomp_send_listener(const char *path, int listener_fd, const char *state_json,
			  struct ward_error *err);
void seccomp_program_free(struct seccomp_program *prog);

/* The built-in default profile's JSON (seccomp-profiles/default.json, compiled in). */
const char *seccomp_default_profile_json(size_t *len);

#endif
