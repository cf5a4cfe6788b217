/* The typed message protocol between ward and the processes it clones (SOCK_SEQPACKET, so each
 * message arrives whole). A message may carry one file descriptor. */
#ifndef WARD_SYNC_H
#define WARD_SYNC_H

#include <stdint.h>
#include <sys/types.h>

#include "ward/error.h"

enum sync_type {
	SYNC_NONE = 0,
	SYNC_USERNS_READY,  /* setup -> ward: write my uid/gid maps */
	SYNC_USERNS_MAPPED, /* ward -> setup: maps written */
	SYNC_INIT_PID,	    /* setup -> ward: the init's pid, with its pidfd */
	SYNC_RUNTIME_HOOKS, /* init -> ward: run prestart and createRuntime hooks now */
	SYNC_HOOKS_DONE,    /* ward -> init: they succeeded */
	SYNC_SECCOMP_FD,    /* init -> ward: the seccomp notification fd, for the agent */
	SYNC_READY,	    /* init -> ward: set up, waiting for start */
	SYNC_PLACED,	    /* ward -> setup: you are in the container's cgroup, go on */
	SYNC_ERROR,	    /* either way: the error that stopped it */
	SYNC_ROOTFS_MOUNT,  /* init -> ward: mount ID of the bound root in a shared namespace */
};

struct sync_msg {
	uint32_t type;
	int32_t code; /* errno of an error */
	int64_t value;
	char text[WARD_ERROR_MAX];
};

/* Both ends are SOCK_SEQPACKET, close-on-exec. */
int sync_pair(int fds[2], struct ward_error *err);
int sync_send(int fd, enum sync_type type, int64_t value, int pass_fd, struct ward_error *err);
int sync_send_error(int fd, const struct ward_error *e);
/* Receives one message; *got_fd (if not NULL) receives a passed fd or -1. A closed peer is
 * reported as type SYNC_NONE. */
int sync_recv(int fd, struct sync_msg *msg, int *got_fd, struct ward_error *err);
/* Turns a SYNC_ERROR message into err (its errno and text); returns -1. */
int sync_msg_error(const struct sync_msg *msg, struct ward_error *err);
/* Waits for a message of the given type; SYNC_ERROR is turned into err. */
int sync_expect(int fd, enum sync_type type, struct sync_msg *msg, int *got_fd, const char *peer,
		struct ward_error *err);

#endif
