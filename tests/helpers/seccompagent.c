/* seccompagent SOCKET OUT: a minimal seccomp notification agent, the listenerPath side.
 * Accepts one connection, receives the notification fd and the container process state
 * (written to OUT), then answers every notification with EXDEV until the container is gone. */
#include <errno.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	char payload[65536];
	union {
		char b[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} control;
	struct iovec iov = {.iov_base = payload, .iov_len = sizeof payload - 1};
	struct msghdr mh = {.msg_iov = &iov,
			    .msg_iovlen = 1,
			    .msg_control = control.b,
			    .msg_controllen = sizeof control.b};
	int lfd, cfd, nfd = -1;
	ssize_t n;

	if (argc != 3 || strlen(argv[1]) >= sizeof addr.sun_path)
		return 2;
	strcpy(addr.sun_path, argv[1]);
	unlink(argv[1]);
	lfd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (bind(lfd, (struct sockaddr *)&addr, sizeof addr) < 0 || listen(lfd, 1) < 0)
		return 1;
	fprintf(stderr, "listening\n");
	cfd = accept(lfd, NULL, NULL);
	n = recvmsg(cfd, &mh, 0);
	if (n <= 0)
		return 1;
	payload[n] = '\0';
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c))
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
			memcpy(&nfd, CMSG_DATA(c), sizeof nfd);
	FILE *out = fopen(argv[2], "w");
	if (!out || nfd < 0)
		return 1;
	fprintf(out, "%s\n", payload);
	fclose(out);
	for (;;) {
		struct pollfd p = {.fd = nfd, .events = POLLIN};
		if (poll(&p, 1, 20000) <= 0 || (p.revents & (POLLHUP | POLLERR)))
			return 0;
		struct seccomp_notif req;
		struct seccomp_notif_resp resp;
		memset(&req, 0, sizeof req);
		if (ioctl(nfd, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0)
			continue;
		memset(&resp, 0, sizeof resp);
		resp.id = req.id;
		resp.error = -EXDEV;
		ioctl(nfd, SECCOMP_IOCTL_NOTIF_SEND, &resp);
	}
}
