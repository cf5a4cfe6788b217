#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ward/sync.h"
#include "ward/util.h"

int sync_pair(int fds[2], struct ward_error *err)
{
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds) < 0)
		return ward_fail(err, errno, "create the setup socket pair");
	return 0;
}

static const char *type_name(uint32_t t)
{
	static const char *const names[] = {"none",	  "userns-ready",  "userns-mapped",
					    "init-pid",	  "runtime-hooks", "hooks-done",
					    "seccomp-fd", "ready",	   "error"};
	return t < sizeof names / sizeof names[0] ? names[t] : "unknown";
}

int sync_send(int fd, enum sync_type type, int64_t value, int pass_fd, struct ward_error *err)
{
	struct sync_msg msg = {.type = type, .value = value};

	/* Short messages: the text is only sent for errors. */
	if (send_fd(fd, pass_fd, &msg, offsetof(struct sync_msg, text)) < 0)
		return ward_fail(err, errno, "send %s message", type_name(type));
	return 0;
}

int sync_send_error(int fd, const struct ward_error *e)
{
	struct sync_msg msg = {.type = SYNC_ERROR, .code = e->code};
	size_t n = strnlen(e->msg, sizeof msg.text - 1);

	memcpy(msg.text, e->msg, n);
	msg.text[n] = '\0';
	return send(fd, &msg, offsetof(struct sync_msg, text) + n + 1, MSG_NOSIGNAL) < 0 ? -1 : 0;
}

int sync_recv(int fd, struct sync_msg *msg, int *got_fd, struct ward_error *err)
{
	int passed;
	ssize_t n;

	if (got_fd)
		*got_fd = -1;
	memset(msg, 0, offsetof(struct sync_msg, text) + 1);
	n = recv_fd(fd, msg, sizeof *msg, &passed);
	if (n < 0)
		return ward_fail(err, errno, "receive a setup message");
	if (got_fd)
		*got_fd = passed;
	else if (passed >= 0)
		close(passed);
	if (n == 0) {
		msg->type = SYNC_NONE;
		return 0;
	}
	if ((size_t)n < offsetof(struct sync_msg, text)) {
		if (got_fd && *got_fd >= 0) {
			close(*got_fd);
			*got_fd = -1;
		}
		return ward_fail(err, EPROTO, "receive a setup message (%zd bytes)", n);
	}
	if ((size_t)n < sizeof *msg)
		((char *)msg)[n] = '\0';
	msg->text[sizeof msg->text - 1] = '\0';
	return 0;
}

int sync_msg_error(const struct sync_msg *msg, struct ward_error *err)
{
	err->code = msg->code;
	snprintf(err->msg, sizeof err->msg, "%s", msg->text);
	return -1;
}

int sync_expect(int fd, enum sync_type type, struct sync_msg *msg, int *got_fd, const char *peer,
		struct ward_error *err)
{
	if (sync_recv(fd, msg, got_fd, err) < 0)
		return -1;
	if (msg->type == type)
		return 0;
	if (got_fd && *got_fd >= 0) {
		close(*got_fd);
		*got_fd = -1;
	}
	if (msg->type == SYNC_ERROR)
		return sync_msg_error(msg, err);
	if (msg->type == SYNC_NONE)
		return ward_fail(err, 0, "%s exited before it reported %s", peer, type_name(type));
	return ward_fail(err, EPROTO, "%s sent %s, expected %s", peer, type_name(msg->type),
			 type_name(type));
}
