/* Hooks: prestart, createRuntime, createContainer, poststart and poststop hooks run a program
 * the config names with ward's privileges on the host (host root, for a root ward). Only a
 * program the host admin allows may run there, and it is judged as the file ward resolved
 * (plan->hooks, or what start and delete resolve again), never by the config's string: by its
 * identity, or by the identity of the directory that holds it, and only if nobody but root (or
 * ward's own user) can change it. The config also chooses the hook's args and env: an allowed
 * program gets no environment variable that makes the loader, a shell or an interpreter run
 * other code, and the engines' built-in hooks are allowed only as the hook they are.
 * startContainer hooks are not judged: the container init runs them inside the container, as
 * the container's process, after its last privilege drop. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ward/cleanup.h"
#include "ward/policy.h"
#include "ward/syscalls.h"
#include "internal.h"

/* The engines' own hooks, allowed without a policy entry. Docker's prestart hook names dockerd
 * as /proc/<dockerd pid>/exe (these are where Docker's packages and static builds install it)
 * with args[0] "libnetwork-setkey", which makes dockerd set the container's network key and
 * exit; with any other args[0] it would be a second Docker daemon, run as root with the
 * config's arguments. */
#define DOCKER_SETKEY "libnetwork-setkey"
static const char *const builtin_hooks[] = {
	"/usr/bin/dockerd",
	"/usr/sbin/dockerd",
	"/usr/local/bin/dockerd",
	NULL,
};

const char *const *policy_builtin_hooks(void)
{
	return builtin_hooks;
}

/* A hook's env is the config's. These make a program run code it was not written to run: the
 * dynamic loader's and libc's (those glibc ignores for setuid programs), shells' start-up files,
 * options and imported functions, interpreters' module paths and options. No hook that runs
 * with host privileges may get them (a trailing "*": any name with that prefix). */
static const char *const unsafe_env[] = {
	"LD_*",
	"GLIBC_TUNABLES",
	"GCONV_PATH",
	"GETCONF_DIR",
	"HOSTALIASES",
	"LOCPATH",
	"MALLOC_TRACE",
	"NLSPATH",
	"RESOLV_HOST_CONF",
	"BASH_ENV",
	"ENV",
	"SHELLOPTS",
	"BASHOPTS",
	"PS4",
	"IFS",
	"BASH_FUNC_*",
	"PYTHONPATH",
	"PYTHONHOME",
	"PYTHONSTARTUP",
	"PYTHONINSPECT",
	"PERL5LIB",
	"PERL5OPT",
	"PERLLIB",
	"RUBYLIB",
	"RUBYOPT",
	"NODE_OPTIONS",
	"NODE_PATH",
	NULL,
};

static bool unsafe_variable(const char *entry)
{
	size_t name_len = strcspn(entry, "=");

	for (size_t i = 0; unsafe_env[i]; i++) {
		size_t n = strlen(unsafe_env[i]);
		bool prefix = unsafe_env[i][n - 1] == '*';
		if (prefix && name_len >= n - 1 && strncmp(entry, unsafe_env[i], n - 1) == 0)
			return true;
		if (!prefix && name_len == n && strncmp(entry, unsafe_env[i], n) == 0)
			return true;
	}
	return false;
}

/* The admin's entries are trusted paths: followed as they are written. */
static bool entry_identity(const char *entry, struct stat *st)
{
	return stat(entry, st) == 0;
}

/* o's kernel name puts it in the directory whose identity is dir, and that directory still
 * holds o under that name: the directory is credited only for what is really in it. */
static bool in_directory(const struct host_object *o, struct host_id dir)
{
	char parent[PATH_MAX];
	struct stat d, f;

	if (o->n_ancestors == 0 || !host_id_eq(o->ancestors[0], dir) || !o->path)
		return false;
	const char *slash = strrchr(o->path, '/');
	size_t len = slash ? (size_t)(slash - o->path) : 0;
	if (!slash || !slash[1] || len >= sizeof parent)
		return false;
	memcpy(parent, o->path, len);
	strcpy(parent + len, len ? "" : "/");
	cleanup_close int dfd = sys_openat2(AT_FDCWD, parent, O_PATH | O_DIRECTORY | O_CLOEXEC,
					    RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS);
	if (dfd < 0 || fstat(dfd, &d) < 0 || !host_id_eq(host_id_of(&d), dir))
		return false;
	if (fstatat(dfd, slash + 1, &f, AT_SYMLINK_NOFOLLOW) < 0)
		return false;
	return host_id_eq(host_id_of(&f), host_id_of(&o->st));
}

/* An entry naming a file allows that file; one naming a directory, the files directly in it. */
static bool allowed_by(const char *entry, const struct host_object *o, bool files_only)
{
	struct stat st;

	if (!entry_identity(entry, &st))
		return false;
	if (S_ISREG(st.st_mode))
		return host_id_eq(host_id_of(&st), host_id_of(&o->st));
	if (S_ISDIR(st.st_mode) && !files_only)
		return in_directory(o, host_id_of(&st));
	return false;
}

/* NULL when the policy allows o as hook h; else why not. */
static const char *not_allowed(const struct policy *p, const struct ward_hook *h,
			       const struct host_object *o, char *buf, size_t len)
{
	const char *argv0 = h->args && h->args[0] ? h->args[0] : h->path;

	for (size_t i = 0; p->hooks && p->hooks[i]; i++)
		if (allowed_by(p->hooks[i], o, false))
			return NULL;
	for (size_t i = 0; builtin_hooks[i]; i++) {
		if (!allowed_by(builtin_hooks[i], o, true))
			continue;
		if (strcmp(argv0, DOCKER_SETKEY) == 0)
			return NULL;
		snprintf(buf, len,
			 "is %s, which ward allows only as Docker's hook (args[0] \"%s\", not "
			 "\"%.64s\")",
			 builtin_hooks[i], DOCKER_SETKEY, argv0);
		return buf;
	}
	return "is not an allowed hook (neither a \"hook\" entry of the policy file nor "
	       "ward's built-in list names it or its directory)";
}

/* Why o may not run as hook h with ward's privileges; NULL when it may. */
static const char *refusal(const struct policy *p, const struct ward_hook *h,
			   const struct host_object *o, char *buf, size_t len)
{
	uid_t me = geteuid();

	if (o->fd < 0) {
		char e[128];
		snprintf(buf, len, "cannot be resolved on this host (%s), so it cannot be judged",
			 ward_strerror(o->error ? o->error : ENOENT, e, sizeof e));
		return buf;
	}
	if (!S_ISREG(o->st.st_mode))
		return "is not a regular file";
	/* Whoever can change the file chooses what runs as root. */
	if (o->st.st_uid != 0 && o->st.st_uid != me) {
		snprintf(buf, len, "is owned by uid %u, not by root%s", (unsigned)o->st.st_uid,
			 me ? " or you" : "");
		return buf;
	}
	if (o->st.st_mode & (S_IWGRP | S_IWOTH)) {
		snprintf(buf, len, "is writable by group or others (mode %04o)",
			 (unsigned)(o->st.st_mode & 07777));
		return buf;
	}
	return not_allowed(p, h, o, buf, len);
}

void judge_hook_list(struct eval *e, const struct ward_spec *spec, enum ward_hook_kind kind,
		     const struct host_object *exe, size_t n)
{
	char path[80], why[320];

	if (kind == WARD_HOOK_START_CONTAINER)
		return;
	for (size_t i = 0; i < spec->hooks.count[kind]; i++) {
		static const struct host_object missing = {.fd = -1, .error = ENOENT};
		const struct host_object *o = exe && i < n ? &exe[i] : &missing;
		const struct ward_hook *h = &spec->hooks.list[kind][i];
		const char *problem = refusal(e->p, h, o, why, sizeof why);
		if (problem) {
			bool same = o->fd < 0 || !o->path || strcmp(o->path, h->path) == 0;
			snprintf(path, sizeof path, "hooks.%s[%zu].path", spec_hook_name(kind), i);
			report(e, "hook-not-allowed", path, "%s%s%s%s %s", h->path,
			       same ? "" : " (resolved to ", same ? "" : o->path, same ? "" : ")",
			       problem);
		}
		for (size_t j = 0; h->env && h->env[j]; j++) {
			if (!unsafe_variable(h->env[j]))
				continue;
			snprintf(path, sizeof path, "hooks.%s[%zu].env[%zu]", spec_hook_name(kind),
				 i, j);
			report(e, "hook-not-allowed", path,
			       "%.*s would make the loader, a shell or an interpreter run code of "
			       "the config's choice in the hook",
			       (int)strcspn(h->env[j], "="), h->env[j]);
		}
	}
}

void judge_hooks(struct eval *e, const struct ward_spec *spec)
{
	for (int k = 0; k < WARD_HOOK_KINDS; k++)
		judge_hook_list(e, spec, (enum ward_hook_kind)k, e->plan->hooks[k],
				e->plan->n_hooks[k]);
}
