/* Error objects: library code fills one and returns -1; only the CLI prints it. */
#ifndef WARD_ERROR_H
#define WARD_ERROR_H

#include <stddef.h>

#define WARD_ERROR_MAX 8192

struct ward_error {
	int code;		  /* errno value, 0 when the error is not a system error */
	char msg[WARD_ERROR_MAX]; /* what failed, with context; no trailing newline */
};

/* Sets err to "<message>: <strerror(code)>" (strerror omitted when code is 0); returns -1. */
int ward_fail(struct ward_error *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Prepends "<context>: " to the message already in err; returns -1. */
int ward_error_prefix(struct ward_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Appends " (<hint>)" — the remedy a user should apply. Returns -1. */
int ward_error_hint(struct ward_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

void ward_error_clear(struct ward_error *err);

/* strerror() text with a lower-case first letter, as the callers of runc match it
 * ("no such file or directory", "permission denied"). */
const char *ward_strerror(int code, char *buf, size_t len);

#endif
