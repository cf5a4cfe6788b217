/* The container's /etc/passwd, read the way runc reads it: only to give a process whose
 * environment has no HOME the home directory of its uid. */
#ifndef WARD_PASSWD_H
#define WARD_PASSWD_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* At most this much of /etc/passwd is read; entries past it are not seen. */
#define PASSWD_MAX_BYTES (4u << 20)

/* Finds the first entry of uid in the passwd text buf (len bytes, need not be terminated) and
 * copies its home directory into home (size bytes). Lines are trimmed of white space;
 * malformed lines, a uid that is not a plain decimal number, and a home that is not an
 * absolute path or does not fit are skipped. A last line without a newline counts only when
 * complete is true (the text is the whole file). Returns true when found. */
bool passwd_find_home(const char *buf, size_t len, bool complete, uid_t uid, char *home,
		      size_t size);

/* HOME for uid from the /etc/passwd of the current root (the container's, after pivot_root),
 * "/" when the file is missing, unreadable, not a regular file on an ordinary filesystem, or
 * has no usable entry. Never fails: a hostile passwd only ever yields "/". */
void passwd_home_of(uid_t uid, char *home, size_t size);

/* The environment the process gets: env itself when it sets a non-empty HOME, else a copy
 * with HOME= from passwd_home_of(uid) (runc's rule). NULL on ENOMEM. */
char *const *passwd_env_with_home(char *const *env, uid_t uid);

#endif
