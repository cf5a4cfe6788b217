/* The OCI runtime-spec config (1.0 to 1.3) as a typed, validated model.
 * Parsing is a pure function from bytes to a model or an error naming the JSON path. */
#ifndef WARD_SPEC_H
#define WARD_SPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "ward/error.h"

struct json_node;

struct ward_kv {
	char *key;
	char *value;
};

/* The kernel's limit of lines in uid_map and gid_map (Linux 4.15): the reader refuses more. */
#define ID_MAP_MAX_LINES 340

struct ward_id_mapping {
	uint32_t container_id;
	uint32_t host_id;
	uint32_t size;
};

struct ward_mount {
	char *destination;
	char *type;
	char *source;
	char **options; /* NULL-terminated */
	struct ward_id_mapping *uid_mappings;
	size_t n_uid_mappings;
	struct ward_id_mapping *gid_mappings;
	size_t n_gid_mappings;
};

struct ward_rlimit {
	char *type; /* "RLIMIT_NOFILE" */
	int resource;
	uint64_t hard;
	uint64_t soft;
};

struct ward_capabilities {
	/* Each set is a bit mask indexed by capability number; names were validated. */
	uint64_t bounding, effective, inheritable, permitted, ambient;
	bool has_bounding, has_effective, has_inheritable, has_permitted, has_ambient;
};

struct ward_scheduler {
	bool present;
	char *policy;
	int policy_value;
	int32_t nice;
	int32_t priority;
	char **flags;
	uint64_t runtime, deadline, period;
};

struct ward_process {
	bool terminal;
	bool has_console_size;
	uint32_t console_height, console_width;
	uint32_t uid, gid;
	bool has_umask;
	uint32_t umask;
	uint32_t *additional_gids;
	size_t n_additional_gids;
	char *username; /* user.username (Windows-only in the spec; accepted, unused) */
	char **args;
	char **env;
	char *cwd;
	bool has_capabilities;
	struct ward_capabilities caps;
	struct ward_rlimit *rlimits;
	size_t n_rlimits;
	bool no_new_privileges;
	char *apparmor_profile;
	char *selinux_label;
	bool has_oom_score_adj;
	int32_t oom_score_adj;
	bool has_io_priority;
	char *io_priority_class;
	int io_priority_class_value;
	int32_t io_priority;
	struct ward_scheduler scheduler;
	/* execCPUAffinity: CPU lists (validated; NULL when not given). Not for the init. */
	char *exec_cpu_initial, *exec_cpu_final;
};

struct ward_hook {
	char *path;
	char **args;
	char **env;
	bool has_timeout;
	int32_t timeout;
};

enum ward_hook_kind {
	WARD_HOOK_PRESTART,
	WARD_HOOK_CREATE_RUNTIME,
	WARD_HOOK_CREATE_CONTAINER,
	WARD_HOOK_START_CONTAINER,
	WARD_HOOK_POSTSTART,
	WARD_HOOK_POSTSTOP,
	WARD_HOOK_KINDS
};

struct ward_hooks {
	struct ward_hook *list[WARD_HOOK_KINDS];
	size_t count[WARD_HOOK_KINDS];
};

enum ward_ns_kind {
	WARD_NS_PID,
	WARD_NS_NETWORK,
	WARD_NS_MOUNT,
	WARD_NS_IPC,
	WARD_NS_UTS,
	WARD_NS_USER,
	WARD_NS_CGROUP,
	WARD_NS_TIME,
	WARD_NS_KINDS
};

struct ward_namespace {
	bool present;
	char *path; /* join this namespace instead of creating one */
};

/* The kernel's device numbers: a 12-bit major and a 20-bit minor. The parser refuses anything
 * else, so a number in the model always fits (never truncated on the way to mknod or BPF). */
#define WARD_DEVICE_MAJOR_MAX 0xfffu
#define WARD_DEVICE_MINOR_MAX 0xfffffu

struct ward_device {
	char *path;
	char type;		   /* 'c', 'b', 'u', 'p' */
	bool has_major, has_minor; /* given (a FIFO needs neither) */
	uint32_t major, minor;
	bool has_file_mode;
	uint32_t file_mode; /* permission bits only (07777): type bits that matched are dropped */
	bool has_uid, has_gid;
	uint32_t uid, gid;
};

/* Device access as cgroups name it (the same bits as BPF_DEVCG_ACC_*). */
#define WARD_DEVICE_MKNOD 1u /* m */
#define WARD_DEVICE_READ  2u /* r */
#define WARD_DEVICE_WRITE 4u /* w */
#define WARD_DEVICE_RWM	  7u

struct ward_device_rule {
	bool allow;
	char type; /* 'a', 'c', 'b' ('a' when absent) */
	/* false: any (absent, or -1 in config.json); else major/minor is a kernel device number */
	bool has_major, has_minor;
	uint32_t major, minor;
	unsigned access; /* WARD_DEVICE_* bits; absent or "" in config.json: all three */
};

struct ward_weight_device {
	int64_t major, minor;
	bool has_weight, has_leaf_weight;
	uint16_t weight, leaf_weight;
};

struct ward_throttle_device {
	int64_t major, minor;
	uint64_t rate;
};

struct ward_hugepage_limit {
	char *page_size;
	uint64_t limit;
};

struct ward_rdma_limit {
	char *device;
	bool has_hca_handles, has_hca_objects;
	uint32_t hca_handles, hca_objects;
};

struct ward_net_priority {
	char *name;
	uint32_t priority;
};

/* Optional scalars carry a has_ flag: absence and zero mean different things to cgroups. */
struct ward_resources {
	struct ward_device_rule *devices;
	size_t n_devices;

	bool has_memory_limit, has_memory_reservation, has_memory_swap, has_memory_kernel,
		has_memory_kernel_tcp, has_memory_swappiness, has_disable_oom_killer,
		has_use_hierarchy, has_check_before_update;
	int64_t memory_limit, memory_reservation, memory_swap, memory_kernel, memory_kernel_tcp;
	uint64_t memory_swappiness;
	bool disable_oom_killer, use_hierarchy, check_before_update;

	bool has_cpu_shares, has_cpu_quota, has_cpu_burst, has_cpu_period, has_cpu_rt_runtime,
		has_cpu_rt_period, has_cpu_idle;
	uint64_t cpu_shares, cpu_burst, cpu_period, cpu_rt_period;
	int64_t cpu_quota, cpu_rt_runtime, cpu_idle;
	char *cpu_cpus, *cpu_mems;

	bool has_pids_limit;
	int64_t pids_limit;

	bool has_blkio_weight, has_blkio_leaf_weight;
	uint16_t blkio_weight, blkio_leaf_weight;
	struct ward_weight_device *blkio_weight_devices;
	size_t n_blkio_weight_devices;
	struct ward_throttle_device *throttle[4]; /* read bps, write bps, read iops, write iops */
	size_t n_throttle[4];

	struct ward_hugepage_limit *hugepage_limits;
	size_t n_hugepage_limits;

	bool has_net_class_id;
	uint32_t net_class_id;
	struct ward_net_priority *net_priorities;
	size_t n_net_priorities;

	struct ward_rdma_limit *rdma;
	size_t n_rdma;

	struct ward_kv *unified;
	size_t n_unified;
};

enum ward_throttle_kind {
	WARD_THROTTLE_READ_BPS,
	WARD_THROTTLE_WRITE_BPS,
	WARD_THROTTLE_READ_IOPS,
	WARD_THROTTLE_WRITE_IOPS
};

struct ward_seccomp_arg {
	uint32_t index;
	uint64_t value, value_two;
	char *op;
};

struct ward_seccomp_rule {
	char **names;
	char *action;
	bool has_errno_ret;
	uint32_t errno_ret;
	struct ward_seccomp_arg *args;
	size_t n_args;
	/* Conditions in the shape of Docker's profiles ("includes"/"excludes"): the rule applies
	 * only when every includes cap is in the bounding set, none of the excludes caps is, and
	 * the native architecture (Go's names: amd64, arm64, ...) is allowed. */
	uint64_t includes_caps, excludes_caps;
	char **includes_arches, **excludes_arches;
};

/* Every name in linux.seccomp.architectures starts with it (libseccomp's name is the rest). */
#define SCMP_ARCH_PREFIX "SCMP_ARCH_"

struct ward_seccomp {
	char *default_action;
	bool has_default_errno_ret;
	uint32_t default_errno_ret;
	char **architectures;
	char **flags;
	char *listener_path;
	char *listener_metadata;
	struct ward_seccomp_rule *rules;
	size_t n_rules;
};

struct ward_time_offset {
	bool present;
	int64_t secs;
	uint32_t nanosecs;
};

struct ward_linux {
	struct ward_namespace namespaces[WARD_NS_KINDS];
	struct ward_id_mapping *uid_mappings;
	size_t n_uid_mappings;
	struct ward_id_mapping *gid_mappings;
	size_t n_gid_mappings;
	struct ward_device *devices;
	size_t n_devices;
	char *cgroups_path;
	bool has_resources;
	struct ward_resources resources;
	char *rootfs_propagation;
	struct ward_seccomp *seccomp;
	struct ward_kv *sysctl;
	size_t n_sysctl;
	char **masked_paths;
	char **readonly_paths;
	bool has_masked_paths, has_readonly_paths;
	char *mount_label;
	bool has_personality;
	char *personality_domain;
	char **personality_flags;
	struct ward_time_offset time_monotonic, time_boottime;
	struct ward_kv *net_devices; /* host name -> name in the container */
	size_t n_net_devices;
	bool has_memory_policy;
	char *memory_policy_mode;
	int memory_policy_mode_value; /* MPOL_* */
	char *memory_policy_nodes;    /* a validated node list, NULL when not given */
	unsigned memory_policy_flags; /* MPOL_F_* */
	bool has_intel_rdt;
	char *intel_rdt_clos_id;
};

struct ward_spec {
	char *oci_version;
	char *root_path;
	bool root_readonly;
	struct ward_mount *mounts;
	size_t n_mounts;
	struct ward_process *process; /* NULL when absent */
	char *hostname;
	char *domainname;
	struct ward_hooks hooks;
	struct ward_kv *annotations;
	size_t n_annotations;
	bool has_linux;
	struct ward_linux linux_;
};

/* Parses a config.json image. `origin` prefixes error messages ("config.json"). */
struct ward_spec *spec_parse(const char *buf, size_t len, const char *origin,
			     struct ward_error *err);
/* Reads and parses <bundle>/config.json (or any file). */
struct ward_spec *spec_parse_file(const char *path, const char *origin, struct ward_error *err);
void spec_free(struct ward_spec *spec);
static inline void spec_freep(struct ward_spec **spec)
{
	spec_free(*spec);
}
#define cleanup_spec __attribute__((cleanup(spec_freep)))

/* The `process` object alone, as `exec --process` takes it. */
struct ward_process *spec_parse_process(const char *buf, size_t len, const char *origin,
					struct ward_error *err);
void spec_process_free(struct ward_process *p);
static inline void spec_process_freep(struct ward_process **p)
{
	spec_process_free(*p);
}
#define cleanup_process __attribute__((cleanup(spec_process_freep)))

/* A LinuxResources object, as `update --resources` takes it. */
int spec_parse_resources(const char *buf, size_t len, const char *origin,
			 struct ward_resources *out, struct ward_error *err);
void spec_resources_clear(struct ward_resources *r);

const char *spec_ns_name(enum ward_ns_kind kind);
/* Capability names in number order ("CAP_CHOWN" is 0), as the parser accepts them. */
const char *spec_cap_name(int cap);
int spec_cap_count(void);
const char *spec_hook_name(enum ward_hook_kind kind);
/* Value of annotation key, or NULL. */
const char *spec_annotation(const struct ward_spec *spec, const char *key);
/* A user namespace of the container's own that maps container ids 0..size-1 to host uids
 * uid..uid+size-1 and gids gid..gid+size-1 (policy `userns = auto`). The config must have no
 * user namespace: one it asks for is kept as it is. */
int spec_add_user_namespace(struct ward_spec *spec, uint32_t uid, uint32_t gid, uint32_t size,
			    struct ward_error *err);

/* A linux.seccomp object alone (ward's built-in default profile). */
struct ward_seccomp *spec_parse_seccomp(const char *buf, size_t len, const char *origin,
					struct ward_error *err);
void spec_seccomp_free(struct ward_seccomp *sc);

/* linux.memoryPolicy's mode and flag names (NULL-terminated), as `ward features` lists them. */
extern const char *const spec_memory_policy_modes[];
extern const char *const spec_memory_policy_flags[];

/* The engines' default masked and read-only paths (NULL-terminated): `ward spec` writes them
 * and the policy adds those a config leaves out. */
extern const char *const spec_default_masked_paths[];
extern const char *const spec_default_readonly_paths[];
/* Writes the hardened default config.json that `ward spec` produces to a malloc'd buffer. */
int spec_generate_default(char **out, size_t *out_len, struct ward_error *err);
/* The same; rootless adds a user namespace mapping uid/gid (the caller's) to root and leaves
 * out what an unprivileged user cannot have (devpts gid=5). */
int spec_generate(bool rootless, unsigned uid, unsigned gid, char **out, size_t *out_len,
		  struct ward_error *err);

#endif
