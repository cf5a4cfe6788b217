/* Passing one file descriptor with a payload over a unix socket (SCM_RIGHTS). */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "ward/util.h"

int send_fd(int sock, int fd, const void *payload, size_t len)
{
	struct iovec iov = {.iov_base = (void *)payload, .iov_len = len};
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} control;
	struct msghdr mh = {.msg_iov = &iov,
			    .msg_iovlen = 1,
			    .msg_control = control.buf,
			    .msg_controllen = sizeof control.buf};

	memset(&control, 0, sizeof control);
	struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof fd);
	while (sendmsg(sock, &mh, MSG_NOSIGNAL) < 0)
		if (errno != EINTR)
			return -1;
	return 0;
}
