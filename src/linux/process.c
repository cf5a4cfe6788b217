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
#include <unistd.h>

#include "ward/cleanup.h"
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

static int check_executable(const char *path)
{
	struct stat st;
	if (stat(path, &st) < 0)
		return -errno;
	if (S_ISDIR(st.st_mode))
		return -EISDIR;
	if (!S_ISREG(st.st_mode) || faccessat(AT_FDCWD, path, X_OK, AT_EACCESS) < 0)
		return -EACCES;
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
	int rc;

	if (!*name)
		return ward_fail(err, ENOENT, "exec \"\"");
	if (strchr(name, '/')) {
		rc = check_executable(name);
		if (rc < 0)
			return ward_fail(err, -rc, "exec: \"%s\": stat %s", name, name);
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
		rc = check_executable(cand);
		if (rc == 0) {
			*out = steal_ptr(cand);
			return 0;
		}
		if (rc != -ENOENT && rc != -ENOTDIR && !first_error)
			first_error = -rc;
		if (!*end)
			break;
		seg = end + 1;
	}
	if (first_error)
		return ward_fail(err, first_error, "exec: \"%s\"", name);
	return ward_fail(err, 0, "exec: \"%s\": executable file not found in $PATH", name);
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
