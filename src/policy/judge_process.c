/* The process a container runs (and `exec --process`): capabilities, LSM labels, user,
 * privilege escalation; its limits in judge_limits.c. */
#include <errno.h>
#include <limits.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ward/cleanup.h"
#include "ward/policy.h"
#include "ward/util.h"
#include "internal.h"

static uint64_t cap_bit(int cap)
{
	return UINT64_C(1) << cap;
}

/* Docker's, Podman's and containerd's default set (Pod Security baseline plus NET_RAW, which
 * all three grant). */
static const uint64_t SAFE_CAPS =
	(UINT64_C(1) << CAP_AUDIT_WRITE) | (UINT64_C(1) << CAP_CHOWN) |
	(UINT64_C(1) << CAP_DAC_OVERRIDE) | (UINT64_C(1) << CAP_FOWNER) |
	(UINT64_C(1) << CAP_FSETID) | (UINT64_C(1) << CAP_KILL) | (UINT64_C(1) << CAP_MKNOD) |
	(UINT64_C(1) << CAP_NET_BIND_SERVICE) | (UINT64_C(1) << CAP_NET_RAW) |
	(UINT64_C(1) << CAP_SETFCAP) | (UINT64_C(1) << CAP_SETGID) | (UINT64_C(1) << CAP_SETPCAP) |
	(UINT64_C(1) << CAP_SETUID) | (UINT64_C(1) << CAP_SYS_CHROOT);

static const char *const set_names[5] = {"bounding", "effective", "inheritable", "permitted",
					 "ambient"};

static void cap_sets(const struct ward_capabilities *caps, uint64_t sets[5])
{
	sets[0] = caps->bounding;
	sets[1] = caps->effective;
	sets[2] = caps->inheritable;
	sets[3] = caps->permitted;
	sets[4] = caps->ambient;
}

/* "CAP_SYS_ADMIN" -> "cap-sys-admin" */
static void cap_check_name(int cap, char *out, size_t len)
{
	const char *name = spec_cap_name(cap);
	size_t i = 0;
	for (const char *s = name; *s && i + 1 < len; s++)
		out[i++] = *s == '_' ? '-' : (char)(*s >= 'A' && *s <= 'Z' ? *s - 'A' + 'a' : *s);
	out[i] = '\0';
}

/* Where a capability is found: "bounding, effective"; the path of the first set. */
static void where(const uint64_t sets[5], uint64_t mask, char *in, size_t len, char *path,
		  size_t plen)
{
	size_t used = 0;
	in[0] = path[0] = '\0';
	for (int s = 0; s < 5; s++) {
		if (!(sets[s] & mask))
			continue;
		if (!path[0])
			snprintf(path, plen, "process.capabilities.%s", set_names[s]);
		used += (size_t)snprintf(in + used, len - used, "%s%s", used ? ", " : "",
					 set_names[s]);
		if (used >= len)
			break;
	}
}

static void check_capabilities(struct eval *e, const struct ward_process *proc)
{
	uint64_t sets[5], all = 0;
	char in[128], path[64];

	if (!proc->has_capabilities)
		return;
	cap_sets(&proc->caps, sets);
	for (int s = 0; s < 5; s++)
		all |= sets[s];
	for (int cap = 0; cap < spec_cap_count() && cap < 64; cap++) {
		if (!(all & cap_bit(cap)) || (SAFE_CAPS & cap_bit(cap)))
			continue;
		char name[64];
		cap_check_name(cap, name, sizeof name);
		where(sets, cap_bit(cap), in, sizeof in, path, sizeof path);
		report(e, name, path, "%s in %s", spec_cap_name(cap), in);
	}
	uint64_t beyond = all & ~cap_bit(CAP_NET_BIND_SERVICE);
	if (beyond) {
		char list[1024] = "";
		size_t used = 0;
		for (int cap = 0; cap < 64 && used < sizeof list; cap++)
			if (beyond & cap_bit(cap))
				used += (size_t)snprintf(list + used, sizeof list - used, "%s%s",
							 used ? ", " : "", spec_cap_name(cap));
		where(sets, beyond, in, sizeof in, path, sizeof path);
		report(e, "restricted-capabilities", path, "%s", list);
	}
}

/* The type field of user:role:type[:level]. */
static bool selinux_type_is(const char *label, const char *type)
{
	const char *s = strchr(label, ':');
	if (!s || !(s = strchr(s + 1, ':')))
		return false;
	s++;
	size_t n = strlen(type);
	return strncmp(s, type, n) == 0 && (s[n] == ':' || s[n] == '\0');
}

/* Same inode as pid 1's or ward's own namespace of that kind: the host's. */
bool is_host_namespace(const struct host_object *o, const char *path, const char *proc_name)
{
	static const char *const who[] = {"1", "self"};
	struct stat a, b;
	char own[64];

	if (o && o->fd >= 0)
		a = o->st; /* the namespace ward will join */
	else if (stat(path, &a) < 0)
		return false; /* not on this host: create refuses it when it resolves nothing */
	for (size_t i = 0; i < ARRAY_SIZE(who); i++) {
		snprintf(own, sizeof own, "/proc/%s/ns/%s", who[i], proc_name);
		if (stat(own, &b) == 0 && a.st_ino == b.st_ino && a.st_dev == b.st_dev)
			return true;
	}
	return false;
}

/* The container's root mapped onto the host's root is the host's root, namespace or not. */
static bool maps_root_to_host_root(const struct ward_id_mapping *m, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (m[i].container_id == 0 && m[i].size > 0 && m[i].host_id == 0)
			return true;
	return false;
}

bool has_user_namespace(const struct ward_spec *spec, const struct ward_plan *plan)
{
	const struct ward_linux *lx = &spec->linux_;
	const struct ward_namespace *ns = &lx->namespaces[WARD_NS_USER];
	if (!ns->present)
		return false;
	if (ns->path)
		return !is_host_namespace(plan ? &plan->ns[WARD_NS_USER] : NULL, ns->path, "user");
	return !maps_root_to_host_root(lx->uid_mappings, lx->n_uid_mappings);
}

void judge_process(struct eval *e, const struct ward_spec *spec, const struct ward_process *proc)
{
	check_capabilities(e, proc);
	if (proc->apparmor_profile && strcmp(proc->apparmor_profile, "unconfined") == 0)
		report(e, "apparmor-unconfined", "process.apparmorProfile", "unconfined");
	if (proc->selinux_label && (selinux_type_is(proc->selinux_label, "spc_t") ||
				    selinux_type_is(proc->selinux_label, "unconfined_t")))
		report(e, "selinux-unconfined", "process.selinuxLabel", "%s", proc->selinux_label);
	if (proc->uid == 0 && !has_user_namespace(spec, e->plan))
		report(e, "restricted-run-as-root", "process.user.uid",
		       "uid 0 without a user namespace");
	if (!proc->no_new_privileges)
		report(e, "restricted-privilege-escalation", "process.noNewPrivileges",
		       "noNewPrivileges is not true");
	judge_limits(e, proc);
}
