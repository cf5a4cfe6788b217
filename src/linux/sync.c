#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ward/sync.h"

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
	size_t len = offsetof(struct sync_msg, text);
	struct iovec iov = {.iov_base = &msg, .iov_len = len};
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} control;
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1};

	if (pass_fd >= 0) {
		memset(&control, 0, sizeof control);
		mh.msg_control = control.buf;
		mh.msg_controllen = sizeof control.buf;
		struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &pass_fd, sizeof(int));
	}
	while (sendmsg(fd, &mh, MSG_NOSIGNAL) < 0) {
		if (errno != EINTR)
			return ward_fail(err, errno, "send %s message", type_name(type));
	}
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
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} control;
	struct iovec iov = {.iov_base = msg, .iov_len = sizeof *msg};
	struct msghdr mh = {.msg_iov = &iov,
			    .msg_iovlen = 1,
			    .msg_control = control.buf,
			    .msg_controllen = sizeof control.buf};
	ssize_t n;

	if (got_fd)
		*got_fd = -1;
	memset(msg, 0, offsetof(struct sync_msg, text) + 1);
	do
		n = recvmsg(fd, &mh, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return ward_fail(err, errno, "receive a setup message");
	if (n == 0) {
		msg->type = SYNC_NONE;
		return 0;
	}
	if ((size_t)n < offsetof(struct sync_msg, text))
		return ward_fail(err, EPROTO, "receive a setup message (%zd bytes)", n);
	if ((size_t)n < sizeof *msg)
		((char *)msg)[n] = '\0';
	msg->text[sizeof msg->text - 1] = '\0';
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
			int passed;
			memcpy(&passed, CMSG_DATA(c), sizeof passed);
			if (got_fd && *got_fd < 0)
				*got_fd = passed;
			else
				close(passed);
		}
	}
	return 0;
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
	if (msg->type == SYNC_ERROR) {
		err->code = msg->code;
		snprintf(err->msg, sizeof err->msg, "%s", msg->text);
		return -1;
	}
	if (msg->type == SYNC_NONE)
		return ward_fail(err, 0, "%s exited before it reported %s", peer, type_name(type));
	return ward_fail(err, EPROTO, "%s sent %s, expected %s", peer, type_name(msg->type),
			 type_name(type));
}
