/* recvtty SOCKET: the caller side of --console-socket, as containerd and conmon implement it.
 * Listens on SOCKET, accepts one connection, receives exactly one fd with SCM_RIGHTS, prints
 * "payload=<payload> fds=<n> tty=<0|1>" on stderr, then copies everything the container writes
 * to the pty to stdout until it hangs up. For --pidfd-socket it receives a pidfd instead and
 * prints "pidfd-pid=<pid> alive=<0|1>" (the pid the kernel's fdinfo gives, and whether a
 * signal 0 through the pidfd reaches it). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	char payload[4096], buf[4096];
	union {
		char b[CMSG_SPACE(sizeof(int) * 4)];
		struct cmsghdr align;
	} control;
	struct iovec iov = {.iov_base = payload, .iov_len = sizeof payload - 1};
	struct msghdr mh = {.msg_iov = &iov,
			    .msg_iovlen = 1,
			    .msg_control = control.b,
			    .msg_controllen = sizeof control.b};
	int lfd, cfd, master = -1, nfds = 0;
	ssize_t n;

	if (argc != 2 || strlen(argv[1]) >= sizeof addr.sun_path) {
		fprintf(stderr, "usage: recvtty SOCKET\n");
		return 2;
	}
	strcpy(addr.sun_path, argv[1]);
	lfd = socket(AF_UNIX, SOCK_STREAM, 0);
	unlink(argv[1]);
	if (bind(lfd, (struct sockaddr *)&addr, sizeof addr) < 0 || listen(lfd, 1) < 0) {
		perror("recvtty: listen");
		return 1;
	}
	/* Tell the test we are listening. */
	fprintf(stderr, "listening\n");
	cfd = accept(lfd, NULL, NULL);
	if (cfd < 0) {
		perror("recvtty: accept");
		return 1;
	}
	n = recvmsg(cfd, &mh, 0);
	if (n <= 0) {
		fprintf(stderr, "recvtty: no message\n");
		return 1;
	}
	payload[n] = '\0';
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
			nfds += (int)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
			memcpy(&master, CMSG_DATA(c), sizeof master);
		}
	}
	fprintf(stderr, "payload=%s fds=%d tty=%d\n", payload, nfds, master >= 0 && isatty(master));
	close(cfd);
	close(lfd);
	unlink(argv[1]);
	if (master < 0)
		return 1;
	char path[64], line[256];
	snprintf(path, sizeof path, "/proc/self/fdinfo/%d", master);
	FILE *info = fopen(path, "r");
	while (info && fgets(line, sizeof line, info)) {
		int pid;
		if (sscanf(line, "Pid: %d", &pid) == 1) {
			int alive = syscall(SYS_pidfd_send_signal, master, 0, NULL, 0) == 0;
			fprintf(stderr, "pidfd-pid=%d alive=%d\n", pid, alive);
			return 0;
		}
	}
	if (info)
		fclose(info);
	while ((n = read(master, buf, sizeof buf)) > 0)
		fwrite(buf, 1, (size_t)n, stdout);
	fflush(stdout);
	return 0;
}
