#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/pidfd.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <termios.h>
#include <unistd.h>

#include "ward/cleanup.h"
#include "ward/console.h"
#include "ward/safepath.h"
#include "ward/util.h"

#ifndef DEVPTS_SUPER_MAGIC
#define DEVPTS_SUPER_MAGIC 0x1cd1
#endif
#ifndef TIOCGPTPEER
#define TIOCGPTPEER _IO('T', 0x41)
#endif

/* /dev/console as a new empty file made by ward: whatever the image had there (a symlink into
 * /proc, say) is removed, never followed (CVE-2025-52565). */
static int fresh_console_target(int root, struct ward_error *err)
{
	cleanup_close int dev = safe_mkdir_all_in_root(root, "/dev", 0755, err);
	struct statfs sfs;
	int fd;

	if (dev < 0)
		return -1;
	if (unlinkat(dev, "console", 0) < 0 && errno != ENOENT)
		return ward_fail(err, errno, "replace /dev/console");
	fd = openat(dev, "console", O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return ward_fail(err, errno, "create /dev/console");
	close(fd);
	fd = openat(dev, "console", O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return ward_fail(err, errno, "open /dev/console");
	if (fstatfs(fd, &sfs) < 0 || sfs.f_type == PROC_SUPER_MAGIC) {
		close(fd);
		return ward_fail(err, 0, "/dev/console resolves onto procfs");
	}
	return fd;
}

int console_setup(const struct ward_process *p, int socket_fd, bool bind_dev_console,
		  struct ward_error *err)
{
	cleanup_close int master = -1;
	cleanup_close int slave = -1;
	cleanup_close int tree = -1;
	cleanup_close int target = -1;
	cleanup_close int root = -1;
	struct statfs sfs;
	int unlock = 0;

	/* The multiplexer of the container's own devpts, verified to be one. */
	master = open("/dev/pts/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (master < 0)
		return ward_fail(err, errno,
				 "process.terminal: open /dev/pts/ptmx (the config needs "
				 "a devpts mount at /dev/pts)");
	if (fstatfs(master, &sfs) < 0 || sfs.f_type != DEVPTS_SUPER_MAGIC)
		return ward_fail(err, 0,
				 "process.terminal: /dev/pts/ptmx is not on a devpts "
				 "filesystem");
	if (ioctl(master, TIOCSPTLCK, &unlock) < 0)
		return ward_fail(err, errno, "process.terminal: unlock the pty");
	/* The slave straight from the master: no path a container could swap. */
	slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (slave < 0)
		return ward_fail(err, errno, "process.terminal: open the pty slave");
	if (p->has_console_size) {
		struct winsize ws = {.ws_row = (unsigned short)p->console_height,
				     .ws_col = (unsigned short)p->console_width};
		if (ioctl(slave, TIOCSWINSZ, &ws) < 0)
			return ward_fail(err, errno, "process.consoleSize: set the window size");
	}
	if (bind_dev_console) {
		/* /dev/console is the pty, bound from the slave's fd. */
		root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (root < 0)
			return ward_fail(err, errno, "open /");
		target = fresh_console_target(root, err);
		if (target < 0)
			return ward_error_prefix(err, "process.terminal");
		tree = open_tree(slave, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
		if (tree < 0 || move_mount(tree, "", target, "",
					   MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
			return ward_fail(err, errno,
					 "process.terminal: bind the pty onto /dev/console");
	}

	if (ioctl(slave, TIOCSCTTY, 0) < 0)
		return ward_fail(err, errno,
				 "process.terminal: make the pty the controlling terminal");
	for (int fd = 0; fd < 3; fd++)
		if (dup2(slave, fd) < 0)
			return ward_fail(err, errno, "process.terminal: attach stdio to the pty");
	/* The payload runc's callers expect; one message, one fd, no reply awaited. */
	if (send_fd(socket_fd, master, "/dev/ptmx", 9) < 0)
		return ward_fail(err, errno, "--console-socket: send the terminal");
	return 0;
}

int console_connect(const char *path, struct ward_error *err)
{
	int fd = unix_connect(path);

	if (fd < 0)
		return ward_fail(err, errno, "--console-socket: connect to %s", path);
	return fd;
}

int console_receive(int sock, struct ward_error *err)
{
	char payload[4096];
	int fd;
	ssize_t n = recv_fd(sock, payload, sizeof payload, &fd);

	if (n <= 0)
		return ward_fail(err, n < 0 ? errno : 0, "receive the container's terminal");
	if (fd < 0)
		return ward_fail(err, EPROTO, "receive the container's terminal");
	return fd;
}

static void copy_winsize(int from, int to)
{
	struct winsize ws;
	if (ioctl(from, TIOCGWINSZ, &ws) == 0)
		ioctl(to, TIOCSWINSZ, &ws);
}

/* Moves what is readable on `from` to `to`; returns false at end of file or error. */
static bool pump(int from, int to)
{
	char buf[16384];
	ssize_t n = read(from, buf, sizeof buf);
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return true;
	if (n <= 0)
		return false;
	return write_all(to, buf, (size_t)n) == 0;
}

int console_proxy(int master, int pidfd, int sigfd)
{
	struct termios saved, raw;
	bool tty = tcgetattr(STDIN_FILENO, &saved) == 0;
	bool stdin_open = true, master_open = true;

	if (tty) {
		raw = saved;
		cfmakeraw(&raw);
		raw.c_oflag |= OPOST; /* keep \n -> \r\n for our own output */
		tcsetattr(STDIN_FILENO, TCSANOW, &raw);
		copy_winsize(STDIN_FILENO, master);
	}
	for (;;) {
		struct pollfd fds[4] = {
			{.fd = master_open ? master : -1, .events = POLLIN},
			{.fd = stdin_open ? STDIN_FILENO : -1, .events = POLLIN},
			{.fd = sigfd, .events = POLLIN},
			{.fd = pidfd, .events = POLLIN},
		};
		if (poll(fds, 4, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (fds[0].revents & (POLLIN | POLLHUP | POLLERR))
			master_open = pump(master, STDOUT_FILENO);
		if (fds[1].revents & (POLLIN | POLLHUP | POLLERR))
			stdin_open = pump(STDIN_FILENO, master);
		if (fds[2].revents & POLLIN) {
			struct signalfd_siginfo si;
			while (read(sigfd, &si, sizeof si) == (ssize_t)sizeof si) {
				if (si.ssi_signo == SIGWINCH)
					copy_winsize(STDIN_FILENO, master);
				else if (si.ssi_signo != SIGCHLD && si.ssi_signo != SIGURG)
					pidfd_send_signal(pidfd, (int)si.ssi_signo, NULL, 0);
			}
		}
		if (fds[3].revents & POLLIN) {
			/* Drain what the process wrote before it exited. */
			while (master_open) {
				struct pollfd m = {.fd = master, .events = POLLIN};
				if (poll(&m, 1, 0) <= 0 || !(m.revents & POLLIN))
					break;
				master_open = pump(master, STDOUT_FILENO);
			}
			break;
		}
	}
	if (tty)
		tcsetattr(STDIN_FILENO, TCSANOW, &saved);
	return 0;
}
