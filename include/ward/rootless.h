/* Rootless: whether ward runs without root's privilege on the host, by runc's rule (not root in
 * the initial user namespace), or as --rootless says. Decided once per process; the places
 * that need host privilege (cgroups outside a delegated subtree, device programs, idmapped
 * mounts, lowering oom_score_adj) ask here instead of testing geteuid(). */
#ifndef WARD_ROOTLESS_H
#define WARD_ROOTLESS_H

#include <stdbool.h>
#include <sys/types.h>

enum rootless_mode {
	ROOTLESS_AUTO, /* detect: not root, or root of a user namespace that is not the host's */
	ROOTLESS_ON,   /* --rootless true */
	ROOTLESS_OFF,  /* --rootless false: behave as root (what root needs then fails loudly) */
};

/* "true", "false" or "auto" (runc's spellings); -1 for anything else. */
int rootless_parse_mode(const char *s, enum rootless_mode *out);
/* From --rootless, at start-up: it also decides, once, whether ward is root of the initial
 * user namespace, so processes cloned later (in other namespaces) get ward's answer. */
void rootless_set_mode(enum rootless_mode mode);

/* True when a /proc/<pid>/uid_map's content is the initial user namespace's identity map,
 * "0 0 4294967295" (user_namespaces(7)). An empty map (a new user namespace not mapped yet)
 * is not; an unreadable or unparsable one counts as initial, so a doubt takes the privileged
 * path, which fails closed, rather than the rootless one, which skips things (runc's rule). */
bool rootless_uid_map_is_initial(const char *content);
/* This process is in a user namespace other than the initial one (from /proc/self/uid_map;
 * no file, as on a kernel without user namespaces, means the initial one). */
bool rootless_in_user_namespace(void);

/* Whether ward runs rootless: the --rootless mode, and in "auto" mode runc's rule. Computed
 * once. */
bool ward_is_rootless(void);
/* Whether ward is root of the initial user namespace, whatever --rootless says: what the
 * kernel will let it do, where that matters for safety (the device program). */
bool rootless_is_host_root(void);

/* Whether a write of wanted to the oom_score_adj at path that failed with write_errno is the
 * kernel refusing to lower it (EACCES: below the floor needs CAP_SYS_RESOURCE on the host) for
 * a rootless ward; *kept then gets the value the process keeps. Podman clamps the same way for
 * rootless containers; the value only protects the process from the OOM killer. */
bool rootless_oom_score_adj_kept(const char *path, int wanted, int write_errno, int *kept);

/* runc's rule for a default state root in $XDG_RUNTIME_DIR (given xdg): any non-root euid, and
 * euid 0 inside a user namespace unless $USER (user, NULL when unset) is "root". It never
 * depends on --rootless, so a caller that passes no flags (podman <= 5.2's `state`) finds the
 * same directory as its `create`. */
bool rootless_use_xdg_runtime_dir(const char *xdg, uid_t euid, bool in_userns, const char *user);

#endif
