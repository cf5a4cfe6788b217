/* The user process: rlimits, user and groups, working directory, executable lookup. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <linux/capability.h>
#include <unistd.h>

#include "ward/cleanup.h"
#include "ward/passwd.h"
#include "ward/process.h"
#include "ward/safepath.h"

int process_set_rlimits(const struct ward_process *p, struct ward_error *err)
{
	for (size_t i = 0; i < p->n_rlimits; i++) {
		const struct ward_rlimit *rl = &p->rlimits[i];
		struct rlimit v = {.rlim_cur = rl->soft, .rlim_max = rl->hard};
		if (setrlimit(rl->resource, &v) < 0) {
			ward_fail(err, errno, "process.rlimits[%zu]: set %s to %llu/%llu", i,
				  rl->type, (unsigned long long)rl->soft,
				  (unsigned long long)rl->hard);
			if (errno == EPERM)
				ward_error_hint(err, "a hard limit above the caller's needs "
						     "CAP_SYS_RESOURCE on the host");
			return -1;
		}
	}
	return 0;
}

int process_set_user(const struct ward_process *p, struct ward_error *err)
{
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
		return ward_fail(err, errno, "keep capabilities across the user change");
	/* Drop the host's supplementary groups even when the config lists none. setgroups is
	 * denied in a user namespace set up with "setgroups deny": then there are none. */
	if (setgroups(p->n_additional_gids, p->additional_gids) < 0 &&
	    !(errno == EPERM && p->n_additional_gids == 0))
		return ward_fail(err, errno,
				 "process.user.additionalGids: set supplementary groups");
	if (setresgid(p->gid, p->gid, p->gid) < 0)
		return ward_fail(err, errno, "process.user.gid: switch to group %u", p->gid);
	if (setresuid(p->uid, p->uid, p->uid) < 0)
		return ward_fail(err, errno, "process.user.uid: switch to user %u", p->uid);
	if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
		return ward_fail(err, errno, "reset keep-capabilities");
	return 0;
}

int process_chdir(const char *cwd, struct ward_error *err)
{
	cleanup_close int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	cleanup_close int fd = -1;

	if (root < 0)
		return ward_fail(err, errno, "open /");
	fd = safe_open_in_root(root, cwd, O_PATH | O_DIRECTORY);
	if (fd < 0)
		return ward_fail(err, errno, "process.cwd: %s", cwd);
	if (fchdir(fd) < 0)
		return ward_fail(err, errno, "process.cwd: chdir to %s", cwd);
	return 0;
}

int process_may_execute(const struct stat *st, const struct ward_process *p)
{
	mode_t bit = S_IXOTH;

	if (S_ISDIR(st->st_mode))
		return EISDIR;
	/* Even CAP_DAC_OVERRIDE executes only a regular file with some execute bit. */
	if (!S_ISREG(st->st_mode) || !(st->st_mode & (S_IXUSR | S_IXGRP | S_IXOTH)))
		return EACCES;
	if ((p->caps.effective >> CAP_DAC_OVERRIDE) & 1)
		return 0;
	if (st->st_uid == p->uid) {
		bit = S_IXUSR;
	} else {
		bool member = st->st_gid == p->gid;
		for (size_t i = 0; !member && i < p->n_additional_gids; i++)
			member = st->st_gid == p->additional_gids[i];
		if (member)
			bit = S_IXGRP;
	}
	return st->st_mode & bit ? 0 : EACCES;
}

/* Whether the process will be able to execve path: as its own user, not as the root this
 * still is. stat and statfs only, which no filter denies yet; a noexec mount counts. */
static int check_executable(const char *path, const struct ward_process *p)
{
	struct stat st;
	struct statfs sfs;

	if (stat(path, &st) < 0)
		return errno;
	int e = process_may_execute(&st, p);
	if (e)
		return e;
	if (statfs(path, &sfs) == 0 && (sfs.f_flags & ST_NOEXEC))
		return EACCES;
	return 0;
}

static const char *env_path(char *const *env)
{
	for (size_t i = 0; env && env[i]; i++)
		if (strncmp(env[i], "PATH=", 5) == 0)
			return env[i] + 5;
	return "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
}

int process_find_executable(const struct ward_process *p, char **out, struct ward_error *err)
{
	const char *name = p->args[0];
	int e;

	if (!*name)
		return ward_fail(err, ENOENT, "exec \"\"");
	if (strchr(name, '/')) {
		e = check_executable(name, p);
		if (e)
			return ward_fail(err, e, "exec: \"%s\": stat %s", name, name);
		*out = strdup(name);
		return *out ? 0 : ward_fail(err, ENOMEM, "exec");
	}
	const char *seg = env_path(p->env);
	int first_error = 0;
	for (;;) {
		const char *end = strchrnul(seg, ':');
		size_t dlen = (size_t)(end - seg);
		cleanup_free char *cand = NULL;
		/* An empty PATH entry means the current directory. */
		if (asprintf(&cand, "%.*s/%s", (int)(dlen ? dlen : 1), dlen ? seg : ".", name) < 0)
			return ward_fail(err, ENOMEM, "exec");
		e = check_executable(cand, p);
		if (e == 0) {
			*out = steal_ptr(cand);
			return 0;
		}
		/* A candidate that exists but cannot be run does not end the search; it is the
		 * error when nothing later on PATH can be run either. */
		if (e != ENOENT && e != ENOTDIR && !first_error)
			first_error = e;
		if (!*end)
			break;
		seg = end + 1;
	}
	if (first_error)
		return ward_fail(err, first_error, "exec: \"%s\"", name);
	return ward_fail(err, 0, "exec: \"%s\": executable file not found in $PATH", name);
}

int process_prepare_exec(const struct ward_process *p, char *const *env, struct process_exec *out,
			 struct ward_error *err)
{
	out->path = NULL;
	out->env = passwd_env_with_home(env, p->uid);
	if (!out->env)
		return ward_fail(err, ENOMEM, "process.env");
	return process_find_executable(p, &out->path, err);
}

void process_reset_signals(void)
{
	sigset_t none;
	struct sigaction dfl = {.sa_handler = SIG_DFL};

	for (int s = 1; s < NSIG; s++)
		sigaction(s, &dfl, NULL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}
