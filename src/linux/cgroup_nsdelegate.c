/* Whether the cgroup2 hierarchy is mounted with nsdelegate. The kernel then treats every cgroup
 * namespace as a delegation boundary: from inside a namespace only cgroup.procs and
 * cgroup.subtree_control of its root may be written (the root's limits, freezer and kill files
 * are the parent's to set), and no process is moved across the boundary. The option belongs to
 * the hierarchy, so the mount ward uses shows it; that mount is found by its ID, not by a name
 * in the mount table. */
#include <fcntl.h>
#include <libmount/libmount.h>
#include <string.h>
#include <sys/stat.h>

#include "ward/cgroup.h"

bool cgroup_delegates_namespaces(const char *root)
{
	struct statx stx;
	struct libmnt_table *table;
	struct libmnt_iter *it;
	struct libmnt_fs *fs;
	bool delegates = false;

	if (statx(AT_FDCWD, root, AT_SYMLINK_NOFOLLOW, STATX_MNT_ID, &stx) < 0 ||
	    !(stx.stx_mask & STATX_MNT_ID))
		return false;
	table = mnt_new_table_from_file("/proc/self/mountinfo");
	if (!table)
		return false;
	it = mnt_new_iter(MNT_ITER_FORWARD);
	while (it && mnt_table_next_fs(table, it, &fs) == 0) {
		if ((uint64_t)mnt_fs_get_id(fs) != stx.stx_mnt_id)
			continue;
		const char *type = mnt_fs_get_fstype(fs), *opts = mnt_fs_get_fs_options(fs);
		delegates = type && strcmp(type, "cgroup2") == 0 && opts &&
			    mnt_optstr_get_option(opts, "nsdelegate", NULL, NULL) == 0;
		break;
	}
	mnt_free_iter(it);
	mnt_unref_table(table);
	return delegates;
}
