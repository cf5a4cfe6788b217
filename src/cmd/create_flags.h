/* Options shared by `create` and `run` (runc spells them the same for both). */
#ifndef WARD_CMD_CREATE_FLAGS_H
#define WARD_CMD_CREATE_FLAGS_H

#include <getopt.h>
#include <stdbool.h>

#include "ward/cli.h"
#include "ward/container.h"

enum {
	OPT_PID_FILE = 256,
	OPT_CONSOLE_SOCKET,
	OPT_NO_PIVOT,
	OPT_NO_NEW_KEYRING,
	OPT_PRESERVE_FDS,
	OPT_PIDFD_SOCKET,
	OPT_NO_SUBREAPER,
	OPT_KEEP,
	OPT_DETACH,
	OPT_SECCOMP_LEARN,
	OPT_SECCOMP_COMPLAIN,
};

#define CREATE_LONGOPTS                                                                            \
	{"bundle", required_argument, NULL, 'b'},                                                  \
		{"pid-file", required_argument, NULL, OPT_PID_FILE},                               \
		{"console-socket", required_argument, NULL, OPT_CONSOLE_SOCKET},                   \
		{"no-pivot", no_argument, NULL, OPT_NO_PIVOT},                                     \
		{"no-new-keyring", no_argument, NULL, OPT_NO_NEW_KEYRING},                         \
		{"preserve-fds", required_argument, NULL, OPT_PRESERVE_FDS},                       \
		{"pidfd-socket", required_argument, NULL, OPT_PIDFD_SOCKET},                       \
		{"seccomp-learn", required_argument, NULL, OPT_SECCOMP_LEARN},                     \
		{"seccomp-complain", optional_argument, NULL, OPT_SECCOMP_COMPLAIN},               \
	{                                                                                          \
		"help", no_argument, NULL, 'h'                                                     \
	}

/* The help lines of the options create and run share. */
#define CREATE_OPTIONS_HELP                                                                        \
	"      --no-pivot            use MS_MOVE + chroot instead of pivot_root\n"                 \
	"      --no-new-keyring      keep the caller's session keyring\n"                          \
	"      --preserve-fds N      pass fds 3 .. 3+N-1 to the container (after LISTEN_FDS)\n"    \
	"      --seccomp-learn F     record the system calls the container makes; delete merges\n" \
	"                            them into the seccomp profile F (ward-seccomp(7))\n"          \
	"      --seccomp-complain[=F]  deny nothing, report what the profile would deny (on\n"     \
	"                            delete: the log, and F as JSON)\n"

/* Applies one create/run option: 1 when applied, -1 (reported) on a bad value or an option
 * that is none of them. */
int create_flag(const char *cmd, int c, const char *arg, struct create_options *o);

#endif
