/* The audit trail's sink: a JSON-lines file, syslog (/dev/log) or the journal's native socket.
 * ward opens it on the host before anything of a container exists, close-on-exec, so that no
 * container process ever holds it; a file is judged like the policy file itself, since whoever
 * can replace it can rewrite the trail. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <syslog.h>
#include <unistd.h>

#include "ward/cleanup.h"
#include "ward/util.h"
#include "audit.h"

#define SYSLOG_SOCKET  "/dev/log"
#define JOURNAL_SOCKET "/run/systemd/journal/socket"

static int sink_fail(const struct audit_trail *a, struct ward_error *err)
{
	return ward_error_prefix(err, "policy %s: audit = %s", a->policy, a->setting);
}

/* A directory on the way to the file: not a symlink, root's or ward's, and not writable by
 * others (the file's own directory: nor by its group), who could swap what follows. */
static int judge_dir(int fd, const char *name, bool last, struct ward_error *err)
{
	struct stat st;
	mode_t bad = last ? (S_IWGRP | S_IWOTH) : S_IWOTH;

	if (fstat(fd, &st) < 0)
		return ward_fail(err, errno, "%s", name);
	if (st.st_uid != 0 && st.st_uid != geteuid())
		return ward_fail(err, 0,
				 "%s is owned by uid %u, not by root or you: its owner could "
				 "replace the trail (choose a directory only root can write, e.g. "
				 "/var/log/ward)",
				 name, (unsigned)st.st_uid);
	if (st.st_mode & bad)
		return ward_fail(err, 0,
				 "%s is writable by %s: anyone could replace the trail (choose a "
				 "directory only root can write, e.g. /var/log/ward)",
				 name, st.st_mode & S_IWOTH ? "others" : "its group");
	return 0;
}

/* Opens dir one component at a time, following no symlink, judging each. */
static int open_sink_dir(const char *dir, struct ward_error *err)
{
	cleanup_free char *copy = strdup(dir);
	int fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	char *save = NULL, *name = copy ? strtok_r(copy, "/", &save) : NULL;
	char shown[4096] = "/";

	if (!copy || fd < 0) {
		cleanup_closep(&fd);
		return ward_fail(err, copy ? errno : ENOMEM, "open /");
	}
	for (;;) {
		if (judge_dir(fd, shown, name == NULL, err) < 0) {
			close(fd);
			return -1;
		}
		if (!name)
			return fd;
		int next = openat(fd, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		close(fd);
		snprintf(shown + strlen(shown), sizeof shown - strlen(shown), "%s%s",
			 strcmp(shown, "/") == 0 ? "" : "/", name);
		if (next < 0)
			return ward_fail(err, errno, "%s%s", shown,
					 errno == ENOTDIR ? " (a symlink, or not a directory)"
							  : "");
		fd = next;
		name = strtok_r(NULL, "/", &save);
	}
}

/* The file itself: appended to only, never through a symlink, ward's alone (0600, one link). */
static int open_sink_file(struct audit_trail *a, struct ward_error *err)
{
	const char *slash = strrchr(a->path, '/');
	cleanup_free char *dir = strndup(a->path, slash == a->path ? 1 : (size_t)(slash - a->path));
	cleanup_close int dirfd = -1;
	struct stat st;

	if (!dir)
		return ward_fail(err, ENOMEM, "audit");
	if (!slash[1])
		return ward_fail(err, 0, "%s names a directory, not a file", a->path);
	dirfd = open_sink_dir(dir, err);
	if (dirfd < 0)
		return -1;
	a->fd = openat(dirfd, slash + 1,
		       O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY |
			       O_NONBLOCK,
		       0600);
	if (a->fd < 0)
		return ward_fail(err, errno, "open %s", a->path);
	if (fstat(a->fd, &st) < 0)
		return ward_fail(err, errno, "%s", a->path);
	if (!S_ISREG(st.st_mode) || st.st_nlink != 1)
		return ward_fail(err, 0, "%s is not a regular file with one link", a->path);
	if (st.st_uid != geteuid() || (st.st_mode & 077))
		return ward_fail(err, 0, "%s must be yours and mode 0600 (chown, chmod 600 %s)",
				 a->path, a->path);
	return 0;
}

static int open_sink_socket(struct audit_trail *a, const char *path, struct ward_error *err)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};

	snprintf(addr.sun_path, sizeof addr.sun_path, "%s", path);
	a->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (a->fd < 0)
		return ward_fail(err, errno, "socket");
	if (connect(a->fd, (struct sockaddr *)&addr, sizeof addr) < 0)
		return ward_fail(err, errno, "connect %s", path);
	return 0;
}

int audit_sink_open(struct audit_trail *a, struct ward_error *err)
{
	int rc;

	if (strncmp(a->setting, "file:", 5) == 0) {
		a->kind = AUDIT_SINK_FILE;
		a->path = strdup(a->setting + 5);
		rc = a->path ? open_sink_file(a, err) : ward_fail(err, ENOMEM, "audit");
	} else if (strcmp(a->setting, "syslog") == 0) {
		a->kind = AUDIT_SINK_SYSLOG;
		rc = open_sink_socket(a, SYSLOG_SOCKET, err);
	} else {
		a->kind = AUDIT_SINK_JOURNAL;
		rc = open_sink_socket(a, JOURNAL_SOCKET, err);
	}
	if (rc < 0) {
		cleanup_closep(&a->fd);
		a->fd = -1;
		return sink_fail(a, err);
	}
	return 0;
}

/* One datagram: syslog's "<PRI>ward[PID]: MESSAGE" (authpriv: readable by root only on most
 * systems), or the journal's native "FIELD=value" lines; the JSON has no raw newline. */
static char *datagram(const struct audit_trail *a, const char *json, bool warning)
{
	int prio = warning ? LOG_WARNING : LOG_INFO;
	char *out = NULL;
	int n;

	if (a->kind == AUDIT_SINK_SYSLOG)
		n = asprintf(&out, "<%d>ward[%d]: %s", LOG_AUTHPRIV | prio, (int)getpid(), json);
	else
		n = asprintf(&out,
			     "MESSAGE=%s\nPRIORITY=%d\nSYSLOG_FACILITY=%d\nSYSLOG_IDENTIFIER=ward\n"
			     "SYSLOG_PID=%d\nWARD_EVENT=%s\nWARD_CONTAINER_ID=%s\n",
			     json, prio, LOG_AUTHPRIV >> 3, (int)getpid(), a->event, a->id);
	return n < 0 ? NULL : out;
}

int audit_sink_send(const struct audit_trail *a, const char *json, size_t len, bool warning,
		    struct ward_error *err)
{
	cleanup_free char *msg = NULL;
	ssize_t n;

	if (a->kind == AUDIT_SINK_FILE) {
		msg = malloc(len + 1);
		if (!msg)
			return ward_fail(err, ENOMEM, "audit");
		memcpy(msg, json, len);
		msg[len++] = '\n';
		/* One write: with O_APPEND, a whole line lands after every other writer's. */
		n = write(a->fd, msg, len);
	} else {
		msg = datagram(a, json, warning);
		if (!msg)
			return ward_fail(err, ENOMEM, "audit");
		len = strlen(msg);
		n = send(a->fd, msg, len, MSG_NOSIGNAL);
	}
	if (n < 0)
		return ward_fail(err, errno, "policy %s: audit = %s: write the event", a->policy,
				 a->setting);
	if ((size_t)n != len)
		return ward_fail(err, EIO, "policy %s: audit = %s: the event was cut short",
				 a->policy, a->setting);
	return 0;
}
