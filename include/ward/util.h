/* Small string, file and fd helpers. */
#ifndef WARD_UTIL_H
#define WARD_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "ward/error.h"

size_t strv_length(char *const *v);
/* Grows a dynamic array of *cap elements of elem_size bytes to first elements (when *cap is 0)
 * or twice *cap: the grown array (and the new *cap), or NULL with errno ENOMEM and arr and *cap
 * unchanged. */
void *array_grow(void *arr, size_t *cap, size_t elem_size, size_t first);
bool strv_contains(char *const *v, const char *s);
/* Appends a copy of s to the NULL-terminated vector *v (which may be NULL); -1 and errno
 * ENOMEM on failure, *v unchanged. */
int strv_push(char ***v, const char *s);

/* The status of a child that could not exec what it was asked to (the shell's convention). */
#define EXIT_CANNOT_EXEC 127

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

/* Sends a (non-empty) payload and, when fd >= 0, fd as one SCM_RIGHTS message; -1 with errno
 * on failure. */
int send_fd(int sock, int fd, const void *payload, size_t len);
/* Receives one message of at most len bytes into buf: its length (0 when the peer closed), or
 * -1 with errno. *fd is the first fd it carried (close-on-exec) or -1; others are closed. */
ssize_t recv_fd(int sock, void *buf, size_t len, int *fd);
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
/* Lexically cleans an absolute path: collapses "//", removes "." and resolves ".." (never
 * above "/"). The result is written to out (at least strlen(path)+2 bytes). */
void path_clean(const char *path, char *out);

/* The current time as RFC 3339 in UTC with nanoseconds ("2006-01-02T15:04:05.000000000Z"), as
 * runc writes it in state and logs; size >= 31. */
void rfc3339_now(char *buf, size_t size);

#endif
