/* The administrator's policy file (ward-policy(5)): `key = value` lines, `#` comments. It is
 * read fail-closed: anything it does not understand is an error with its line number. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ward/cleanup.h"
#include "ward/policy.h"
#include "ward/rootless.h"
#include "ward/util.h"

#define POLICY_MAX_BYTES (64 * 1024)

static char *trim(char *s)
{
	while (*s == ' ' || *s == '\t' || *s == '\r')
		s++;
	size_t n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		s[--n] = '\0';
	return s;
}

/* "a, b ,c" -> marks each named check in set. */
static int parse_names(char *value, bool *set, const char *origin, unsigned line, const char *key,
		       struct ward_error *err)
{
	char *save = NULL;
	int count = 0;

	for (char *tok = strtok_r(value, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *name = trim(tok);
		if (!*name)
			return ward_fail(err, 0, "%s:%u: %s: an empty check name", origin, line,
					 key);
		int idx = policy_check_find(name);
		if (idx < 0)
			return ward_fail(err, 0,
					 "%s:%u: %s: unknown check \"%s\" (`ward policy list` "
					 "names them all)",
					 origin, line, key, name);
		set[idx] = true;
		count++;
	}
	if (count == 0)
		return ward_fail(err, 0, "%s:%u: %s: names no check", origin, line, key);
	return 0;
}

/* Appends a copy of value to a NULL-terminated list. */
static int push(char ***list, const char *value, struct ward_error *err)
{
	size_t n = strv_length(*list);
	char **grown = realloc(*list, (n + 2) * sizeof *grown);
	if (!grown)
		return ward_fail(err, ENOMEM, "policy");
	*list = grown;
	grown[n] = strdup(value);
	grown[n + 1] = NULL;
	return grown[n] ? 0 : ward_fail(err, ENOMEM, "policy");
}

/* `hook`, `host-path`, `seccomp-listener`: one absolute path, as written (it is resolved
 * when a config is judged, so a path that does not exist yet is not an error). */
static int parse_path(const char *value, char ***list, const char *origin, unsigned line,
		      const char *key, struct ward_error *err)
{
	if (value[0] != '/')
		return ward_fail(err, 0, "%s:%u: %s: \"%s\" is not an absolute path", origin, line,
				 key, value);
	size_t n = strlen(value);
	if (strstr(value, "/../") || (n >= 3 && strcmp(value + n - 3, "/..") == 0))
		return ward_fail(err, 0, "%s:%u: %s: \"%s\" contains \"..\"", origin, line, key,
				 value);
	return push(list, value, err);
}

/* `mount-type = overlay`: a filesystem type name. */
static int parse_fstype(const char *value, char ***list, const char *origin, unsigned line,
			struct ward_error *err)
{
	size_t n = strlen(value);
	if (n == 0 || n > 64 || strspn(value, "abcdefghijklmnopqrstuvwxyz0123456789._-") != n)
		return ward_fail(err, 0,
				 "%s:%u: mount-type: \"%s\" is not a filesystem type name (see "
				 "/proc/filesystems)",
				 origin, line, value);
	return push(list, value, err);
}

/* `device = c 10:200`, `device = c 195:*`, `device = b 7:0`. */
static int parse_device(const char *value, struct policy *p, const char *origin, unsigned line,
			struct ward_error *err)
{
	char type, minor[16];
	long long major;
	int used = 0;
	struct policy_device d;

	if (sscanf(value, "%c %lld:%15[0-9*]%n", &type, &major, minor, &used) != 3 ||
	    value[used] != '\0' || (type != 'c' && type != 'b') || major < 0 || major > 0xfff)
		return ward_fail(err, 0,
				 "%s:%u: device: \"%s\" is not \"c|b MAJOR:MINOR\" (MINOR may "
				 "be *)",
				 origin, line, value);
	d.type = type;
	d.major = major;
	if (strcmp(minor, "*") == 0) {
		d.minor = -1;
	} else {
		long m;
		if (parse_long(minor, 0, 0xfffff, &m) < 0)
			return ward_fail(err, 0, "%s:%u: device: minor \"%s\" is out of range",
					 origin, line, minor);
		d.minor = m;
	}
	struct policy_device *grown = realloc(p->devices, (p->n_devices + 1) * sizeof *grown);
	if (!grown)
		return ward_fail(err, ENOMEM, "policy");
	p->devices = grown;
	grown[p->n_devices++] = d;
	return 0;
}

static int parse_level(const char *value, struct policy *p, bool *seen, const char *origin,
		       unsigned line, struct ward_error *err)
{
	if (*seen)
		return ward_fail(err, 0, "%s:%u: level: set twice", origin, line);
	*seen = true;
	if (strcmp(value, "baseline") == 0)
		p->level = POLICY_BASELINE;
	else if (strcmp(value, "restricted") == 0)
		p->level = POLICY_RESTRICTED;
	else if (strcmp(value, "privileged") == 0)
		p->level = POLICY_PRIVILEGED;
	else
		return ward_fail(err, 0,
				 "%s:%u: level: \"%s\" is not baseline, restricted or privileged",
				 origin, line, value);
	return 0;
}

/* `seccomp-complain`: yes or no. */
static int parse_yes_no(const char *value, bool *out, const char *origin, unsigned line,
			const char *key, struct ward_error *err)
{
	if (strcmp(value, "yes") == 0)
		*out = true;
	else if (strcmp(value, "no") == 0)
		*out = false;
	else
		return ward_fail(err, 0, "%s:%u: %s: \"%s\" is not yes or no", origin, line, key,
				 value);
	return 0;
}

/* `audit = file:/var/log/ward/audit.jsonl`, `syslog` or `journal`: the sink of the audit
 * trail. A file's path is judged again, against the file system, when it is opened. */
static int parse_audit(const char *value, struct policy *p, const char *origin, unsigned line,
		       struct ward_error *err)
{
	if (p->audit)
		return ward_fail(err, 0, "%s:%u: audit: set twice", origin, line);
	if (strncmp(value, "file:", 5) == 0) {
		cleanup_strv char **path = NULL;
		if (parse_path(value + 5, &path, origin, line, "audit", err) < 0)
			return -1;
	} else if (strcmp(value, "syslog") != 0 && strcmp(value, "journal") != 0) {
		return ward_fail(err, 0, "%s:%u: audit: \"%s\" is not file:PATH, syslog or journal",
				 origin, line, value);
	}
	p->audit = strdup(value);
	return p->audit ? 0 : ward_fail(err, ENOMEM, "policy");
}

/* `userns = auto | off`: whether containers without a user namespace get one from the pool. */
static int parse_userns(const char *value, struct policy *p, const char *origin, unsigned line,
			struct ward_error *err)
{
	if (strcmp(value, "auto") == 0)
		p->userns_auto = true;
	else if (strcmp(value, "off") == 0)
		p->userns_auto = false;
	else
		return ward_fail(err, 0, "%s:%u: userns: \"%s\" is not auto or off", origin, line,
				 value);
	return 0;
}

/* `userns-pool = USER | START:COUNT[,START:COUNT...]`: resolved and checked against the host's
 * users when a container needs a range (userns_pool.h). */
static int parse_userns_pool(const char *value, struct policy *p, const char *origin, unsigned line,
			     struct ward_error *err)
{
	if (p->userns_pool)
		return ward_fail(err, 0, "%s:%u: userns-pool: set twice", origin, line);
	if (!*value)
		return ward_fail(err, 0, "%s:%u: userns-pool: empty", origin, line);
	p->userns_pool = strdup(value);
	return p->userns_pool ? 0 : ward_fail(err, ENOMEM, "policy");
}

/* The single-valued settings: 1 when key is one of them, 0 when not, -1 on a bad value. */
static int parse_setting(const char *key, const char *value, struct policy *p, const char *origin,
			 unsigned line, struct ward_error *err)
{
	int rc;

	if (strcmp(key, "seccomp-complain") == 0)
		rc = parse_yes_no(value, &p->seccomp_complain, origin, line, key, err);
	else if (strcmp(key, "audit") == 0)
		rc = parse_audit(value, p, origin, line, err);
	else if (strcmp(key, "userns") == 0)
		rc = parse_userns(value, p, origin, line, err);
	else if (strcmp(key, "userns-pool") == 0)
		rc = parse_userns_pool(value, p, origin, line, err);
	else
		return 0;
	return rc < 0 ? -1 : 1;
}

int policy_parse(const char *text, size_t len, const char *origin, struct policy *p,
		 struct ward_error *err)
{
	cleanup_free char *copy = strndup(text, len);
	bool level_seen = false;
	unsigned line = 0;
	char *save = NULL;

	if (!copy)
		return ward_fail(err, ENOMEM, "%s", origin);
	if (strlen(copy) != len)
		return ward_fail(err, 0, "%s: contains a NUL byte", origin);
	p->level = POLICY_BASELINE;
	/* strtok_r would skip empty lines and lose the count: split by hand. */
	for (char *cur = copy; cur; cur = save) {
		save = strchr(cur, '\n');
		if (save)
			*save++ = '\0';
		line++;
		char *hash = strchr(cur, '#');
		if (hash)
			*hash = '\0';
		char *s = trim(cur);
		if (!*s)
			continue;
		char *eq = strchr(s, '=');
		if (!eq)
			return ward_fail(err, 0, "%s:%u: expected `key = value`, got \"%s\"",
					 origin, line, s);
		*eq = '\0';
		char *key = trim(s), *value = trim(eq + 1);
		int setting = parse_setting(key, value, p, origin, line, err);
		if (setting < 0)
			return -1;
		if (setting) {
			continue;
		} else if (strcmp(key, "level") == 0) {
			if (parse_level(value, p, &level_seen, origin, line, err) < 0)
				return -1;
		} else if (strcmp(key, "allow") == 0) {
			if (parse_names(value, p->allow, origin, line, key, err) < 0)
				return -1;
		} else if (strcmp(key, "overridable") == 0) {
			if (parse_names(value, p->overridable, origin, line, key, err) < 0)
				return -1;
		} else if (strcmp(key, "hook") == 0) {
			if (parse_path(value, &p->hooks, origin, line, key, err) < 0)
				return -1;
		} else if (strcmp(key, "host-path") == 0) {
			if (parse_path(value, &p->host_paths, origin, line, key, err) < 0)
				return -1;
		} else if (strcmp(key, "seccomp-listener") == 0) {
			if (parse_path(value, &p->listener_dirs, origin, line, key, err) < 0)
				return -1;
		} else if (strcmp(key, "mount-type") == 0) {
			if (parse_fstype(value, &p->mount_types, origin, line, err) < 0)
				return -1;
		} else if (strcmp(key, "device") == 0) {
			if (parse_device(value, p, origin, line, err) < 0)
				return -1;
		} else {
			return ward_fail(err, 0,
					 "%s:%u: unknown key \"%s\" (keys: level, allow, "
					 "overridable, hook, host-path, device, mount-type, "
					 "seccomp-listener, seccomp-complain, audit, userns, "
					 "userns-pool)",
					 origin, line, key);
		}
	}
	return 0;
}

/* Whoever can write the policy can lift every check: refuse a file that others can change. */
/* The uid a file owned by an id this user namespace does not map shows as. */
static uid_t overflow_uid(void)
{
	cleanup_free char *text = NULL;
	size_t len;
	struct ward_error ignored;
	long v;

	if (read_file_limited("/proc/sys/kernel/overflowuid", 32, &text, &len, &ignored) < 0)
		return 65534;
	text[strcspn(text, "\n")] = '\0';
	return parse_long(text, 0, 0x7fffffff, &v) == 0 ? (uid_t)v : 65534;
}

static int check_owner(const char *path, const struct stat *st, struct ward_error *err)
{
	if (!S_ISREG(st->st_mode))
		return ward_fail(err, 0, "policy %s: not a regular file", path);
	/* In a user namespace (rootless Podman runs ward as its root) the host's root shows as the
	 * overflow uid: accepted there, since such a ward can give its containers nothing its
	 * caller lacks; any other owner still has to be root or the caller. */
	if (st->st_uid == overflow_uid() && rootless_in_user_namespace())
		;
	else if (st->st_uid != 0 && st->st_uid != geteuid())
		return ward_fail(err, 0,
				 "policy %s: owned by uid %u, not by root or you: anyone who can "
				 "write it can lift every check (chown root %s)",
				 path, (unsigned)st->st_uid, path);
	if (st->st_mode & (S_IWGRP | S_IWOTH))
		return ward_fail(err, 0,
				 "policy %s: writable by group or others: anyone who can write it "
				 "can lift every check (chmod go-w %s)",
				 path, path);
	return 0;
}

int policy_load(const char *path, struct policy *p, struct ward_error *err)
{
	cleanup_free char *text = NULL;
	cleanup_close int fd = -1;
	size_t len = 0;
	struct stat st;
	bool explicit_file = path != NULL;

	memset(p, 0, sizeof *p);
	p->level = POLICY_BASELINE;
	p->file = strdup(explicit_file ? path : POLICY_DEFAULT_FILE);
	if (!p->file)
		return ward_fail(err, ENOMEM, "policy");
	/* One open file is checked and read, so what was checked is what is read. */
	fd = open(p->file, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		if (errno == ENOENT && !explicit_file)
			return 0;
		ward_fail(err, errno, "%s %s", explicit_file ? "--policy" : "policy", p->file);
		policy_clear(p);
		return -1;
	}
	if (fstat(fd, &st) < 0) {
		ward_fail(err, errno, "policy %s", p->file);
		policy_clear(p);
		return -1;
	}
	if (check_owner(p->file, &st, err) < 0 ||
	    read_fd_limited(fd, POLICY_MAX_BYTES, &text, &len, err) < 0 ||
	    policy_parse(text, len, p->file, p, err) < 0) {
		policy_clear(p);
		return -1;
	}
	p->file_present = true;
	return 0;
}

void policy_clear(struct policy *p)
{
	free(p->file);
	strv_free(p->hooks);
	strv_free(p->host_paths);
	strv_free(p->mount_types);
	strv_free(p->listener_dirs);
	free(p->devices);
	free(p->audit);
	p->audit = NULL;
	free(p->userns_pool);
	p->userns_pool = NULL;
	p->file = NULL;
	p->hooks = p->host_paths = p->mount_types = p->listener_dirs = NULL;
	p->devices = NULL;
	p->n_devices = 0;
}
