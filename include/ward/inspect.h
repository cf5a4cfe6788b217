/* `ward inspect`: the isolation actually in force for a container, read from the kernel
 * (/proc/<init pid>/ and the container's cgroup), next to what create recorded and what the
 * config asked for. */
#ifndef WARD_INSPECT_H
#define WARD_INSPECT_H

#include <stdbool.h>
#include <stddef.h>

#include "ward/error.h"
#include "ward/policy.h"
#include "ward/procview.h"
#include "ward/seccomp.h"
#include "ward/spec.h"
#include "ward/state.h"

/* A path of linux.maskedPaths or linux.readonlyPaths and what is in force there. */
struct inspect_path {
	const char *path; /* the config's (borrowed from config) */
	enum procview_path_state state;
};

struct container_inspection {
	struct ward_state state; /* as recorded (and verified: its pid is the init's) */
	enum ward_status status;
	struct ward_spec *config; /* the config.json create read; NULL when unreadable */
	/* The kernel's view; live is false when there is no process to read (stopped). */
	bool live;
	struct procview_ns_info ns[PV_NS_COUNT];
	struct procview_idmap *uid_map, *gid_map;
	size_t n_uid_map, n_gid_map;
	struct procview_status proc;
	/* Seccomp_filters of ward's own process: a container inherits the filters of whatever
	 * ward runs under (an engine's container, a CI sandbox), on top of ward's. -1 unknown. */
	int reader_seccomp_filters;
	char *lsm_current, *apparmor_current;
	bool root_readonly; /* the mount at the container's "/" is read-only */
	struct inspect_path *masked, *readonly;
	size_t n_masked, n_readonly;
	char *cgroup_path; /* from /proc/<pid>/cgroup */
	struct procview_kv *limits;
	size_t n_limits;
	struct procview_devices devices;
	/* The device program ward compiles from config and its kernel tag (procview_bpf_tag):
	 * device_tag as this kernel computes it, device_tag_other with the other digest (a
	 * program attached under another kernel release cannot exist, but the release is only
	 * a guess of the digest). n_device_insns 0: none compiled (no cgroup, or an error). */
	size_t n_device_insns;
	char device_tag[17], device_tag_other[17];
};

/* Reads the container's state (locked and verified as every verb does) and, when its init
 * is alive, everything the kernel says of it. A stopped container is not an error: status
 * says so and live is false. */
int container_inspect(const char *root, const char *id, struct container_inspection *out,
		      struct ward_error *err);
void container_inspection_clear(struct container_inspection *in);

/* The lifted checks as a JSON array of {"check", "path", "source"}: in state.json and in
 * inspect's document alike. */
struct yajl_gen_t;
void state_gen_lifted_checks(struct yajl_gen_t *g, const struct ward_confinement *c);

/* create: records the seccomp programs loaded into the init (filter, never: empty when none)
 * and the checks verdict lifted, into st->confinement (src/container/state_confinement.c). */
int state_record_confinement(struct ward_state *st, const struct ward_spec *spec,
			     const struct seccomp_program *filter,
			     const struct seccomp_program *never, const struct policy_verdict *v,
			     struct ward_error *err);

#endif
