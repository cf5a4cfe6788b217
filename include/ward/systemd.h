/* The systemd cgroup driver (--systemd-cgroup, as runc and crun have it): the container's cgroup
 * is a transient unit of a systemd manager (the system's for root, the user's for rootless),
 * created over D-Bus; ward then applies its limits and device program to the delegated cgroup
 * as with any other, and tells systemd the limits it has properties for, so that
 * `systemctl show` and the cgroup files agree (and a daemon-reload rewrites the same values).
 *
 * linux.cgroupsPath is "slice:prefix:name" or "prefix:name" (empty: ":ward:<id>"). The unit is
 * the scope "<prefix>-<name>.scope" in the slice, with Delegate=yes; a name ending in ".slice"
 * is a slice unit of that name instead, as with runc. The unit is always a new one: systemd
 * refuses to start a unit that exists, and ward checks the cgroup it gets holds nothing but
 * ward's own process. */
#ifndef WARD_SYSTEMD_H
#define WARD_SYSTEMD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "ward/error.h"
#include "ward/spec.h"
#include "ward/systemd_dbus.h"

struct systemd_unit {
	char *name;	  /* "<prefix>-<name>.scope", or "<name>.slice" */
	char *slice;	  /* the parent slice, "system.slice" */
	char *slice_path; /* the parent slice's cgroup below the manager's root: "/system.slice" */
	bool is_slice;
};

/* ---- names (pure, unit-tested) ---- */

/* Parses cgroupsPath for container id; rootless selects the default slice (user.slice, else
 * system.slice). Errors name linux.cgroupsPath, the part at fault and the fix. */
int systemd_parse_cgroups_path(const char *cgroups_path, const char *id, bool rootless,
			       struct systemd_unit *u, struct ward_error *err);
void systemd_unit_clear(struct systemd_unit *u);
/* The cgroup path systemd gives a slice: "a-b.slice" -> "/a.slice/a-b.slice", "-.slice" -> "/".
 * NULL (with *why) when the name is not a valid slice name. */
char *systemd_expand_slice(const char *slice, const char **why);
/* Whether s is a valid unit name stem part: [A-Za-z0-9_.-], not empty, not "." or "..". */
bool systemd_valid_name_part(const char *s, const char **why);
/* Whether a unit name read back from state.json is one ward could have made: a scope or a
 * slice, with a valid name. */
bool systemd_valid_unit_name(const char *name);

/* The unit properties for res (the a(sv) entries, appended to b; *count says how many), for a
 * manager of version (0: unknown, taken as recent). Only limits systemd has a property for;
 * the rest are cgroup files alone. */
int systemd_resource_properties(const struct ward_resources *res, unsigned version,
				struct dbus_buf *b, size_t *count, struct ward_error *err);
/* CPUQuotaPerSecUSec for quota/period (rounded up to a whole microsecond per second). */
uint64_t systemd_cpu_quota_per_sec(int64_t quota, uint64_t period);

/* ---- the manager ---- */

struct systemd_manager {
	struct dbus_conn conn;
	bool user;	  /* the user's manager */
	unsigned version; /* its major version; 0 unknown */
	char address[128];
};

/* Connects to the system manager (/run/systemd/private, else the system bus) or, for user,
 * the user's ($XDG_RUNTIME_DIR/systemd/private, else $DBUS_SESSION_BUS_ADDRESS, else
 * $XDG_RUNTIME_DIR/bus). Fails naming --systemd-cgroup when none answers. */
int systemd_connect(struct systemd_manager *m, bool user, struct ward_error *err);
void systemd_disconnect(struct systemd_manager *m);

/* Starts the transient unit u holding pid (a scope; -1 for a slice), with the limits of res as
 * properties, waits for its job and returns the unit's cgroup (ControlGroup), malloc'd.
 * *created is set once the manager made the unit (then it is ward's to stop, even when this
 * fails later); a unit that exists already is an error and is left alone. */
int systemd_start_unit(struct systemd_manager *m, const struct systemd_unit *u, pid_t pid,
		       const struct ward_resources *res, const char *description,
		       char **cgroup_path, bool *created, struct ward_error *err);
/* The cgroup of a loaded unit: 0 and *cgroup_path (NULL when it has none), or -ENOENT when
 * the manager has no such unit, or -1 with err. */
int systemd_unit_cgroup(struct systemd_manager *m, const char *name, char **cgroup_path,
			struct ward_error *err);
/* `update`: the limits of res as runtime properties of the unit. */
int systemd_set_properties(struct systemd_manager *m, const char *name,
			   const struct ward_resources *res, struct ward_error *err);
/* Stops the unit and waits for it, then clears a failed state, so that nothing of it remains
 * in the manager. A unit that is already gone is no error. */
int systemd_stop_unit(struct systemd_manager *m, const char *name, struct ward_error *err);
/* Clears a unit's failed state (a scope stopped by an OOM kill stays loaded as failed, and
 * its name could not be used again). A unit that is gone is no error. */
int systemd_reset_failed(struct systemd_manager *m, const char *name, struct ward_error *err);

#endif
