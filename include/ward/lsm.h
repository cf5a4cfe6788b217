/* LSM labels for the process: AppArmor's exec profile and SELinux's exec context, set right
 * before execve. A label asked for on a host without that LSM is an error (fail closed). */
#ifndef WARD_LSM_H
#define WARD_LSM_H

#include "ward/error.h"

/* Checks, in ward before anything is created, that the labels can be applied here. */
int lsm_check(const char *apparmor_profile, const char *selinux_label, struct ward_error *err);
/* linux.mountLabel needs SELinux too. */
int lsm_check_mount_label(const char *mount_label, struct ward_error *err);
/* linux.mountLabel on a new mqueue mount (mntfd); nothing without a label. */
int lsm_label_mqueue(int mntfd, const char *label, struct ward_error *err);
/* Sets the labels the next execve takes (in the process about to exec). */
int lsm_set_exec_labels(const char *apparmor_profile, const char *selinux_label,
			struct ward_error *err);

#endif
