/* Namespaces: flags for the ones to create, joining the ones given by path, id maps. */
#ifndef WARD_NAMESPACES_H
#define WARD_NAMESPACES_H

#include <sys/types.h>

#include "ward/error.h"
#include "ward/hostpath.h"
#include "ward/spec.h"

/* The kernel's limit of lines in uid_map and gid_map (Linux 4.15), and the longest line: three
 * 32-bit numbers, two spaces and a newline. */
#define ID_MAP_MAX_LINES 340
#define ID_MAP_LINE_MAX	 (3 * 10 + 2 + 1)

/* CLONE_NEW* flags of the namespaces to create (without a path), except the user namespace. */
int ns_new_flags(const struct ward_linux *lx);
/* setns() into every namespace that has a path, the user namespace first, through the files
 * the plan opened (ns[kind]). */
int ns_join(const struct ward_linux *lx, const struct host_object ns[WARD_NS_KINDS],
	    struct ward_error *err);
/* Writes one map file of pid ("uid_map" or "gid_map", at most ID_MAP_MAX_LINES lines) through
 * a handle checked to be on procfs; errors name field. */
int ns_write_id_map(pid_t pid, const char *file, const struct ward_id_mapping *m, size_t n,
		    const char *field, struct ward_error *err);
/* Writes uid_map and gid_map of pid (run by ward, outside the namespace). */
int ns_write_id_maps(pid_t pid, const struct ward_linux *lx, struct ward_error *err);
/* Writes /proc/self/timens_offsets after unshare(CLONE_NEWTIME), before any process enters. */
int ns_write_time_offsets(const struct ward_linux *lx, struct ward_error *err);

#endif
