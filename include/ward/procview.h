/* What the kernel says about a process's confinement, read from /proc/<pid>/ and its cgroup
 * (for `ward inspect`): namespaces, id maps, capability sets, no_new_privs, seccomp, LSM
 * labels, mounts, cgroup limits and device programs. The parsers are pure (unit-tested); the
 * readers take an fd of /proc/<pid> opened while the process was proved to be the one meant. */
#ifndef WARD_PROCVIEW_H
#define WARD_PROCVIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include "ward/error.h"

/* ---- /proc/<pid>/status ---- */

enum procview_cap_set { PV_CAP_INH, PV_CAP_PRM, PV_CAP_EFF, PV_CAP_BND, PV_CAP_AMB, PV_CAP_SETS };

struct procview_status {
	uint64_t caps[PV_CAP_SETS]; /* CapInh, CapPrm, CapEff, CapBnd, CapAmb */
	bool has_caps[PV_CAP_SETS];
	int no_new_privs;    /* NoNewPrivs: 0 or 1; -1 not reported */
	int seccomp;	     /* Seccomp: 0 disabled, 1 strict, 2 filter; -1 not reported */
	int seccomp_filters; /* Seccomp_filters (Linux >= 5.9); -1 not reported */
};
/* Parses the text of /proc/<pid>/status. Every field it does not find stays "not reported";
 * a field with a malformed value is an error (-1). */
int procview_parse_status(const char *text, struct procview_status *out);
/* The names of the capabilities in mask, in bit order, as "CAP_CHOWN"; a bit without a name
 * (a newer kernel's) as "CAP_<bit>". NULL-terminated, malloc'd; NULL without memory. */
char **procview_cap_names(uint64_t mask);
/* "/proc/<pid>/status" of dirfd into *out. */
int procview_read_status(int procfd, struct procview_status *out, struct ward_error *err);

/* ---- namespaces ---- */

enum procview_ns {
	PV_NS_CGROUP,
	PV_NS_IPC,
	PV_NS_MNT,
	PV_NS_NET,
	PV_NS_PID,
	PV_NS_TIME,
	PV_NS_USER,
	PV_NS_UTS,
	PV_NS_COUNT
};
/* The name in /proc/<pid>/ns/ ("cgroup", "ipc", "mnt", ...). */
const char *procview_ns_name(enum procview_ns ns);

struct procview_ns_info {
	bool present;	   /* the kernel has this namespace type */
	uint64_t dev, ino; /* the namespace's identity (ino is what readlink shows) */
	/* It is the namespace of the process that reads it (ward's own), which is the host's
	 * when ward runs on the host. */
	bool shared_with_reader;
};
/* Reads every namespace of the process of procfd and compares it with the reader's own. */
int procview_read_namespaces(int procfd, struct procview_ns_info ns[PV_NS_COUNT],
			     struct ward_error *err);

/* ---- /proc/<pid>/uid_map and gid_map ---- */

struct procview_idmap {
	uint64_t inside, outside, count;
};
/* Parses an id map's text ("<inside> <outside> <count>" per line); -1 when malformed. */
int procview_parse_idmap(const char *text, struct procview_idmap **out, size_t *n);
int procview_read_idmap(int procfd, const char *name, struct procview_idmap **out, size_t *n,
			struct ward_error *err);

/* ---- LSM ---- */

/* attr/current and attr/apparmor/current, without the trailing newline; *out NULL when the
 * host has no LSM that reports one. */
int procview_read_lsm(int procfd, const char *attr, char **out, struct ward_error *err);

/* ---- /proc/<pid>/mountinfo ---- */

struct procview_mount {
	uint64_t id, parent;
	char *root;	   /* the path within the filesystem that is mounted */
	char *mount_point; /* relative to the process's root */
	char *options;	   /* per-mount options ("ro,nosuid,...") */
	char *fstype;
	char *source;
};
/* Parses mountinfo's text (with its octal escapes: "\040" is a space); -1 when malformed. */
int procview_parse_mountinfo(const char *text, struct procview_mount **out, size_t *n);
void procview_mounts_free(struct procview_mount *m, size_t n);
int procview_read_mounts(int procfd, struct procview_mount **out, size_t *n,
			 struct ward_error *err);
/* The mount that holds path (absolute, clean): the one with the longest mount point that is
 * path or one of its parents, the latest of a stack. NULL when none does. */
const struct procview_mount *procview_mount_holding(const struct procview_mount *m, size_t n,
						    const char *path);
/* The mount options say "ro". */
bool procview_mount_readonly(const struct procview_mount *m);

/* What is in force at a path of maskedPaths or readonlyPaths. */
enum procview_path_state {
	PV_PATH_ABSENT,	      /* nothing there: nothing to mask (ward skips such paths too) */
	PV_PATH_MASKED_NULL,  /* the null device (1:3) is mounted on it */
	PV_PATH_MASKED_EMPTY, /* an empty read-only tmpfs is mounted on it */
	PV_PATH_READONLY,     /* the mount holding it is read-only */
	PV_PATH_OPEN,	      /* none of the above: readable (and writable when masked was asked) */
};
const char *procview_path_state_name(enum procview_path_state s);
/* Pure: the state at path given the mounts and what is there (st; NULL when absent). */
enum procview_path_state procview_classify_path(const struct procview_mount *m, size_t n,
						const char *path, const struct stat *st);
/* The same, looking at path inside the process's root (rootfd: an fd of /proc/<pid>/root),
 * never following a link out of it. */
enum procview_path_state procview_path_state(int rootfd, const struct procview_mount *m, size_t n,
					     const char *path);

/* ---- cgroup ---- */

/* The process's cgroup v2 path from /proc/<pid>/cgroup, malloc'd. */
int procview_read_cgroup(int procfd, char **out, struct ward_error *err);

struct procview_kv {
	char *key, *value;
};
/* The limit files of the cgroup cgfd that exist (memory.max, pids.max, cpu.max, ...; the
 * hugetlb.<size>.max ones in name order), each value trimmed of its last newline. */
int procview_cgroup_limits(int cgfd, struct procview_kv **out, size_t *n, struct ward_error *err);
void procview_kv_free(struct procview_kv *kv, size_t n);

/* The BPF_CGROUP_DEVICE programs of a cgroup. */
#define PROCVIEW_MAX_PROGS 64
struct procview_devices {
	int query_errno;      /* 0: the fields below are the kernel's; else why not (EPERM) */
	uint32_t n_attached;  /* attached to this cgroup itself */
	uint32_t n_effective; /* in force for it: its own and its ancestors' */
	uint32_t ids[PROCVIEW_MAX_PROGS]; /* of the attached ones */
	/* The kernel's tag of each attached program (the first 8 bytes of the SHA-1 of its
	 * instructions, in hex); "" when it could not be read. */
	char tags[PROCVIEW_MAX_PROGS][17];
};
void procview_device_programs(int cgfd, struct procview_devices *out);
/* The kernel's tag of a program of n instructions (struct bpf_insn), as the kernel computes it
 * for a program without map references: from a SHA-256 digest (Linux >= 6.18), or with sha1
 * from a SHA-1 digest (older kernels). */
void procview_bpf_tag(const void *insns, size_t n, bool sha1, char out[17]);

/* ---- the seccomp program ward loaded ---- */

/* "sha256:<hex>" of a compiled program's instructions (len of them, 8 bytes each). */
void procview_program_digest(const void *filter, size_t len, char out[72]);

#endif
