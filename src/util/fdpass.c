/* Unix sockets for callers' paths: connecting (whatever the path's length), and sending and
 * receiving one file descriptor with a payload (SCM_RIGHTS). */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "ward/util.h"

/* Room for one SCM_RIGHTS fd, aligned as a cmsghdr must be. */
union fd_control {
	char buf[CMSG_SPACE(sizeof(int))];
	struct cmsghdr align;
};

int send_fd(int sock, int fd, const void *payload, size_t len)
{
	struct iovec iov = {.iov_base = (void *)(uintptr_t)payload, .iov_len = len};
	union fd_control control;
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1};

	if (fd >= 0) {
		memset(&control, 0, sizeof control);
		mh.msg_control = control.buf;
		mh.msg_controllen = sizeof control.buf;
		struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof fd);
	}
	while (sendmsg(sock, &mh, MSG_NOSIGNAL) < 0)
		if (errno != EINTR)
			return -1;
	return 0;
}

ssize_t recv_fd(int sock, void *buf, size_t len, int *fd)
{
	struct iovec iov = {.iov_base = buf, .iov_len = len};
	union fd_control control;
	struct msghdr mh = {.msg_iov = &iov,
			    .msg_iovlen = 1,
			    .msg_control = control.buf,
			    .msg_controllen = sizeof control.buf};
	ssize_t n;

	*fd = -1;
	do
		n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -1;
	/* Only the first fd is the caller's; any other would leak if kept. */
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		int passed;
		memcpy(&passed, CMSG_DATA(c), sizeof passed);
		if (*fd < 0)
			*fd = passed;
		else
			close(passed);
	}
	return n;
}

int send_fd_to(int sock, int fd, const char *payload, struct ward_error *err)
{
	int rc = send_fd(sock, fd, payload, strlen(payload));
	if (rc < 0)
		return ward_fail(err, errno, "send the fd");
	return 0;
}

/* connect() to sun_path, keeping errno. */
static int connect_to(const struct sockaddr_un *addr)
{
	int sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (sock >= 0 && connect(sock, (const struct sockaddr *)addr, sizeof *addr) < 0) {
		int e = errno;
		close(sock);
		sock = -1;
		errno = e;
	}
	return sock;
}

int unix_connect(const char *path)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};

	/* sun_path holds 107 bytes; a socket deeper than that is reached through a handle on
	 * it. */
	if (strlen(path) >= sizeof addr.sun_path) {
		int handle = open(path, O_PATH | O_CLOEXEC);
		if (handle < 0)
			return -1;
		int sock = unix_connect_fd(handle), e = errno;
		close(handle);
		errno = e;
		return sock;
	}
	strcpy(addr.sun_path, path);
	return connect_to(&addr);
}

int unix_connect_fd(int path_fd)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};

	/* connect() follows /proc/self/fd/N like any path, to the socket inode fd names. */
	snprintf(addr.sun_path, sizeof addr.sun_path, "/proc/self/fd/%d", path_fd);
	return connect_to(&addr);
}
