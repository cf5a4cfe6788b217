/* Mounts: OCI mount options translated to the new mount API, and one mount made onto an fd. */
#ifndef WARD_MOUNTS_H
#define WARD_MOUNTS_H

#include <stdbool.h>
#include <stdint.h>

#include "ward/error.h"
#include "ward/spec.h"

struct mount_plan {
	bool bind;	/* "bind", "rbind" or type "bind" */
	bool recursive; /* "rbind" */
	/* MOUNT_ATTR_* for the mount itself and, from the "r" options (rro, rnosuid, ...), for
	 * every mount below it too. */
	uint64_t attr_set, attr_clr;
	uint64_t rec_attr_set, rec_attr_clr;
	uint64_t propagation; /* MS_PRIVATE, MS_SHARED, MS_SLAVE, MS_UNBINDABLE or 0 */
	bool propagation_recursive;
	char **sb_flags; /* superblock flags for fsconfig: "sync", "dirsync", "lazytime", ... */
	char **data;	 /* filesystem options: "mode=755", "newinstance", ... */
	char **ignored;	 /* key=value options of a bind mount, which the kernel ignores */
	bool tmpcopyup;
	bool idmap, ridmap;
};

/* Translates options (NULL-terminated) for a mount of the given type. Unknown options are
 * passed to the filesystem for non-bind mounts; for bind mounts, key=value ones (which
 * mount(2) ignores there) land in ignored and any other is refused. */
int mountopts_parse(const char *type, char *const *options, struct mount_plan *plan,
		    struct ward_error *err);
void mountopts_clear(struct mount_plan *plan);

struct plan_mount;

/* Makes mount m (mounts[index] of the config), as its plan pm says, in the container root
 * rootfd: a bind from the judged source, or a new filesystem. mount_label (linux.mountLabel,
 * may be NULL) becomes the SELinux context= of the filesystems ward creates for the container
 * (tmpfs, devpts, mqueue). premade_fd: a mount ward prepared (idmapped), or -1. shared_ns: the
 * mount namespace is not the container's own, where a bind would stay a peer (or slave) of its
 * source: it is made private unless the options ask for a propagation. */
int mount_one(int rootfd, const struct ward_mount *m, const struct plan_mount *pm, size_t index,
	      const char *mount_label, int premade_fd, bool shared_ns, struct ward_error *err);

/* "tmpcopyup": copies the image directory target (an fd resolved inside the root) into the
 * detached tmpfs mntfd before it is attached over it (src/linux/tmpcopyup.c). */
int tmpcopyup_copy(int target, int mntfd, const struct mount_plan *plan, struct ward_error *err);

/* Whether mount m is idmapped ("idmap"/"ridmap", or per-mount mappings, as runc reads it). */
bool mount_wants_idmap(const struct ward_mount *m);
/* A bind mount made and idmapped through userns_fd (-1: not idmapped) in ward itself, which has
 * the host privilege that requires, with every mount below it when recursive; returns the
 * detached mount's fd for mount_one(). */
int mount_prepare_bind(const struct ward_mount *m, const struct plan_mount *pm, size_t index,
		       int userns_fd, bool recursive, struct ward_error *err);
/* A user namespace fd carrying the given maps, for MOUNT_ATTR_IDMAP (needs privilege). */
int idmap_userns_fd(const struct ward_id_mapping *uids, size_t nu,
		    const struct ward_id_mapping *gids, size_t ng, struct ward_error *err);

#endif
