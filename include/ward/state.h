/* The state directory: <root>/<id>/ with state.json, written atomically. */
#ifndef WARD_STATE_H
#define WARD_STATE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "ward/error.h"

struct ward_state {
	const char *oci_version;
	const char *id;
	pid_t pid;
	uint64_t start_time; /* field 22 of /proc/<pid>/stat: detects pid reuse */
	const char *bundle;
	const char *rootfs;
	char created[64]; /* RFC 3339 */
	uid_t owner;
};

/* Container IDs: runc's character set [A-Za-z0-9_+.-], not "." or "..", at most 255 bytes,
 * so an ID can never name anything outside the state directory. */
int state_validate_id(const char *id, struct ward_error *err);
/* Opens (creating with mode 0700 if needed) the state root. */
int state_open_root(const char *root, struct ward_error *err);
/* Creates <root>/<id>; fails if the container exists. */
int state_create_dir(int rootfd, const char *id, struct ward_error *err);
int state_remove_dir(int rootfd, const char *id, struct ward_error *err);
int state_write(int dirfd, const struct ward_state *st, struct ward_error *err);
int state_read_start_time(pid_t pid, uint64_t *out);
void state_now_rfc3339(char *buf, size_t size);
/* Writes the pid file: decimal pid, no newline, atomically. */
int state_write_pid_file(const char *path, pid_t pid, struct ward_error *err);

#endif
