/* Seccomp learning and complain mode in the verbs (ward-seccomp(7)): create and exec load the
 * notifying filter (or the profile's complain form) and fork the agent that answers it; the
 * state directory remembers the mode and holds the agents' records; delete turns the records
 * into the learned profile or the complain report. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "learn.h"
#include "ward/cleanup.h"
#include "ward/log.h"
#include "ward/util.h"

#define PROFILE_MAX_BYTES (1 << 20)

/* The flag's path made absolute: delete runs from anywhere. */
static char *absolute(const char *path)
{
	char cwd[4096];

	if (path[0] == '/')
		return strdup(path);
	if (!getcwd(cwd, sizeof cwd))
		return NULL;
	return path_join(cwd, path);
}

/* The directory delete writes into must exist now: a typo found after a long run loses it. */
static int check_directory(const char *path, const char *flag, struct ward_error *err)
{
	const char *slash = strrchr(path, '/');
	cleanup_free char *dir = strndup(path, slash == path ? 1 : (size_t)(slash - path));
	cleanup_close int fd = dir ? open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;

	if (!slash[1])
		return ward_fail(err, EISDIR, "%s %s: names a directory, not a file", flag, path);
	if (fd < 0)
		return ward_fail(err, dir ? errno : ENOMEM, "%s %s: its directory %s", flag, path,
				 dir ? dir : "");
	return 0;
}

/* FILE may not exist yet; if it does, it must be a profile ward learned (it is merged). */
static int check_learn_target(const char *path, struct ward_error *err)
{
	cleanup_free char *old = NULL;
	struct learn_set scratch = {0};
	char what[512];
	size_t len;

	snprintf(what, sizeof what, "--seccomp-learn %s", path);
	if (access(path, F_OK) < 0 && errno == ENOENT)
		return 0;
	if (read_file_limited(path, PROFILE_MAX_BYTES, &old, &len, err) < 0)
		return ward_error_prefix(err, "--seccomp-learn");
	int rc = learn_set_read_profile(&scratch, old, len, what, err);
	learn_set_clear(&scratch);
	return rc;
}

/* A process has one notification listener: the config's agent and ward's cannot both be. */
static bool config_notifies(const struct ward_spec *spec)
{
	const struct ward_seccomp *sc = spec->linux_.seccomp;
	if (!sc)
		return false;
	if (sc->listener_path)
		return true;
	for (size_t i = 0; i < sc->n_rules; i++)
		if (sc->rules[i].action && strcmp(sc->rules[i].action, "SCMP_ACT_NOTIFY") == 0)
			return true;
	return false;
}

static int choose_mode(struct learn_session *s, const struct create_options *o,
		       const struct policy_verdict *v, const struct ward_spec *spec,
		       struct ward_error *err)
{
	const char *flag = o->seccomp_learn ? "--seccomp-learn" : "--seccomp-complain";

	if (o->seccomp_learn && o->seccomp_complain)
		return ward_fail(err, 0,
				 "--seccomp-learn and --seccomp-complain: a process has one "
				 "notification listener; learn first, then try the profile in "
				 "complain mode");
	if ((o->seccomp_learn || o->seccomp_complain) && config_notifies(spec))
		return ward_fail(err, 0,
				 "%s: linux.seccomp has a notification agent (listenerPath or "
				 "SCMP_ACT_NOTIFY) and a process has one notification listener: "
				 "drop the flag or the agent",
				 flag);
	if (o->seccomp_learn || o->seccomp_complain) {
		s->on = true;
		s->mode = o->seccomp_learn ? LEARN_MODE_LEARN : LEARN_MODE_COMPLAIN;
		return 0;
	}
	if (!v->seccomp_complain)
		return 0;
	/* The admin's complain mode gives way to what is stricter: the profile enforced. */
	if (config_notifies(spec)) {
		log_warn(
			"policy seccomp-complain: not applied to container %s: linux.seccomp has a "
			"notification agent; its profile is enforced",
			o->id);
		return 0;
	}
	s->on = true;
	s->mode = LEARN_MODE_COMPLAIN;
	return 0;
}

int learn_session_create(struct learn_session *s, const struct create_options *o,
			 const struct policy_verdict *v, const struct ward_spec *spec,
			 struct ward_error *err)
{
	memset(s, 0, sizeof *s);
	s->record_fd = -1;
	if (choose_mode(s, o, v, spec, err) < 0)
		return -1;
	const char *path =
		s->mode == LEARN_MODE_LEARN ? o->seccomp_learn : o->seccomp_complain_file;
	if (!s->on || !path || !*path) {
		if (s->on && s->mode == LEARN_MODE_LEARN)
			return ward_fail(err, 0, "--seccomp-learn: needs a file to write");
		return 0;
	}
	s->target = absolute(path);
	if (!s->target)
		return ward_fail(err, errno ? errno : ENOMEM, "%s %s",
				 s->mode == LEARN_MODE_LEARN ? "--seccomp-learn"
							     : "--seccomp-complain",
				 path);
	const char *flag = s->mode == LEARN_MODE_LEARN ? "--seccomp-learn" : "--seccomp-complain";
	if (check_directory(s->target, flag, err) < 0)
		return -1;
	return s->mode == LEARN_MODE_LEARN ? check_learn_target(s->target, err) : 0;
}

int learn_session_save(const struct learn_session *s, int dirfd, struct ward_error *err)
{
	if (!s->on)
		return 0;
	const char *name = s->mode == LEARN_MODE_LEARN ? LEARN_TARGET_FILE : COMPLAIN_TARGET_FILE;
	const char *t = s->target ? s->target : "";
	return write_file_atomic(dirfd, name, t, strlen(t), 0600, err);
}

/* The target a mode's file in the state directory names; 0 with *target NULL when the mode
 * is off. */
static int read_target(int dirfd, const char *name, char **target, struct ward_error *err)
{
	cleanup_close int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	size_t len;

	*target = NULL;
	if (fd < 0)
		return errno == ENOENT ? 0 : ward_fail(err, errno, "open %s in the state", name);
	return read_fd_limited(fd, 4096, target, &len, err);
}

int learn_session_exec(struct learn_session *s, int dirfd, const struct ward_spec *spec,
		       struct ward_error *err)
{
	(void)spec;
	memset(s, 0, sizeof *s);
	s->record_fd = -1;
	if (read_target(dirfd, LEARN_TARGET_FILE, &s->target, err) < 0)
		return -1;
	if (s->target) {
		s->on = true;
		s->mode = LEARN_MODE_LEARN;
		return 0;
	}
	if (read_target(dirfd, COMPLAIN_TARGET_FILE, &s->target, err) < 0)
		return -1;
	if (s->target) {
		s->on = true;
		s->mode = LEARN_MODE_COMPLAIN;
	}
	return 0;
}

int learn_session_filters(struct learn_session *s, struct ward_seccomp_program *profile, int dirfd,
			  struct ward_error *err)
{
	if (!s->on)
		return 0;
	if (s->mode == LEARN_MODE_COMPLAIN && !profile->filter) {
		/* Unconfined (the admin lifted default-seccomp): no profile, nothing it denies. */
		log_warn("seccomp complain mode: the container has no seccomp profile: nothing to "
			 "report");
		s->on = false;
		return 0;
	}
	if (s->mode == LEARN_MODE_LEARN) {
		if (learn_filter_build(&s->filter, err) < 0)
			return -1;
		s->skip_installs = profile->filter ? 1 : 0;
	} else if (learn_complain_form(profile, err) < 0) {
		return -1;
	}
	s->record_fd = learn_record_create(dirfd, s->mode, err);
	return s->record_fd < 0 ? -1 : 0;
}

int learn_session_record(const struct learn_session *s, struct ward_confinement *c)
{
	if (s->on && s->mode == LEARN_MODE_LEARN)
		c->seccomp_filters++;
	return 0;
}

int learn_session_handoff(void *ctx, pid_t pid, int fd, struct ward_error *err)
{
	struct learn_session *s = ctx;
	struct learn_agent_config cfg = {.mode = s->mode,
					 .listener = fd,
					 .record_fd = s->record_fd,
					 .skip_installs = s->skip_installs};
	(void)pid;
	pid_t agent = learn_agent_spawn(&cfg, err);
	if (agent < 0)
		return -1;
	log_debug("seccomp %s: agent is pid %d",
		  s->mode == LEARN_MODE_LEARN ? "learning" : "complain", (int)agent);
	return 0;
}

void learn_session_clear(struct learn_session *s)
{
	free(s->target);
	s->target = NULL;
	ward_seccomp_program_free(&s->filter);
	if (s->record_fd >= 0)
		close(s->record_fd);
	s->record_fd = -1;
}

/* ---- delete ---- */

static int finish_learning(int dirfd, const char *id, const char *target, struct ward_error *err)
{
	struct learn_set s = {0};
	int rc = learn_set_read_records(&s, dirfd, err);

	if (rc == 0)
		rc = learn_profile_merge_into(&s, target, err);
	if (rc == 0)
		log_info("seccomp learning: container %s: %zu system calls (and the arguments of "
			 "%zu "
			 "calls) merged into %s",
			 id, s.n_names,
			 s.clone_ns.n + s.unshare_ns.n + s.setns_type.n + s.personality.n, target);
	learn_set_clear(&s);
	return rc;
}

static int write_report(const char *target, const char *json, struct ward_error *err)
{
	const char *slash = strrchr(target, '/');
	cleanup_free char *dir = strndup(target, slash == target ? 1 : (size_t)(slash - target));
	cleanup_close int dirfd = dir ? open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;

	if (dirfd < 0)
		return ward_fail(err, errno, "--seccomp-complain %s: open its directory", target);
	if (write_file_atomic(dirfd, slash + 1, json, strlen(json), 0644, err) < 0)
		return ward_error_prefix(err, "--seccomp-complain");
	return 0;
}

static int finish_complaining(int dirfd, const char *id, const char *target, struct ward_error *err)
{
	struct complain_findings c = {0};
	cleanup_free char *json = NULL;
	int rc = complain_read_records(&c, dirfd, err);

	for (size_t i = 0; rc == 0 && i < c.n; i++)
		log_warn("seccomp complain mode: container %s: the profile would have denied %s "
			 "(%llu times; first by %s, pid %d)",
			 id, c.f[i].name, (unsigned long long)c.f[i].count, c.f[i].comm,
			 (int)c.f[i].pid);
	if (rc == 0 && c.n == 0)
		log_info("seccomp complain mode: container %s: the profile would have denied "
			 "nothing",
			 id);
	if (rc == 0 && *target) {
		json = complain_findings_json(&c, id);
		rc = json ? write_report(target, json, err)
			  : ward_fail(err, ENOMEM, "--seccomp-complain");
	}
	complain_findings_clear(&c);
	return rc;
}

int learn_finish(int dirfd, const char *id, struct ward_error *err)
{
	cleanup_free char *target = NULL;

	if (read_target(dirfd, LEARN_TARGET_FILE, &target, err) < 0)
		return -1;
	if (target)
		return finish_learning(dirfd, id, target, err);
	if (read_target(dirfd, COMPLAIN_TARGET_FILE, &target, err) < 0)
		return -1;
	if (target)
		return finish_complaining(dirfd, id, target, err);
	return 0;
}
