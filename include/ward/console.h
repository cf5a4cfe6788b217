/* The container's terminal: a pty allocated from the container's own devpts, its slave made the
 * controlling terminal, stdio and /dev/console; the master handed to the caller. */
#ifndef WARD_CONSOLE_H
#define WARD_CONSOLE_H

#include <stdbool.h>

#include "ward/error.h"
#include "ward/spec.h"

/* Runs in the container after pivot_root; binds the slave onto /dev/console for the container's
 * init (not for exec'd processes). Sends the master over socket_fd as one SCM_RIGHTS
 * message (payload "/dev/ptmx", as runc's callers expect) and closes it. */
int console_setup(const struct ward_process *p, int socket_fd, bool bind_dev_console,
		  struct ward_error *err);

/* Connects to the caller's --console-socket (AF_UNIX stream). */
int console_connect(const char *path, struct ward_error *err);

/* Receives the master fd that console_setup() sent (used by `run` in the foreground). */
int console_receive(int socket_fd, struct ward_error *err);

/* Copies between ward's stdio and the pty master until the master hangs up or pidfd exits;
 * puts ward's terminal in raw mode meanwhile and passes window size changes on. Signals that
 * arrive on sigfd are forwarded to pidfd. Returns when the container process has exited. */
int console_proxy(int master, int pidfd, int sigfd);

#endif
