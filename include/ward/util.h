/* Small string, file and fd helpers. */
#ifndef WARD_UTIL_H
#define WARD_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "ward/error.h"

size_t strv_length(char *const *v);
bool strv_contains(char *const *v, const char *s);
/* Appends a copy of s to the NULL-terminated vector *v (which may be NULL); -1 and errno
 * ENOMEM on failure, *v unchanged. */
int strv_push(char ***v, const char *s);

/* Reads a whole file of at most max bytes (a larger one is an error, not truncated). */
int read_file_limited(const char *path, size_t max, char **out, size_t *len,
		      struct ward_error *err);
int read_fd_limited(int fd, size_t max, char **out, size_t *len, struct ward_error *err);

/* Writes data to dirfd/name through a temporary file and rename(), so readers see the old or
 * the new content, never a partial one. */
int write_file_atomic(int dirfd, const char *name, const void *data, size_t len, mode_t mode,
		      struct ward_error *err);

/* write(2)/read(2) that retry on EINTR and short counts. */
int write_all(int fd, const void *buf, size_t len);
ssize_t read_all(int fd, void *buf, size_t len);

/* Sends fd and a (non-empty) payload as one SCM_RIGHTS message; -1 with errno on failure. */
int send_fd(int sock, int fd, const void *payload, size_t len);
/* The same with sendmsg() flags of the caller's (send_fd() sends MSG_NOSIGNAL). */
int send_fd_flags(int sock, int fd, const void *payload, size_t len, int flags);
/* send_fd() with a ward_error. */
int send_fd_to(int sock, int fd, const char *payload, struct ward_error *err);
/* A connected SOCK_STREAM socket to the unix socket at PATH (any length); -1 and errno. */
int unix_connect(const char *path);
/* The same for the socket an O_PATH fd names (connected through /proc/self/fd/N, so the
 * socket is the inode of the fd whatever its path now leads to). */
int unix_connect_fd(int path_fd);

/* Parses a decimal integer in [min, max]; returns -EINVAL or -ERANGE on failure. */
int parse_long(const char *s, long min, long max, long *out);

/* malloc'd "a/b" joined with exactly one slash. */
char *path_join(const char *a, const char *b);

#endif
