/* Namespaces: the host's, shared by leaving a type out or joined by path. */
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

void judge_namespaces(struct eval *e, const struct ward_spec *spec)
{
	static const struct {
		enum ward_ns_kind kind;
		const char *check, *proc_name;
	} host[] = {
		{WARD_NS_PID, "host-pid-namespace", "pid"},
		{WARD_NS_NETWORK, "host-network-namespace", "net"},
		{WARD_NS_IPC, "host-ipc-namespace", "ipc"},
		{WARD_NS_UTS, "host-uts-namespace", "uts"},
		{WARD_NS_MOUNT, "host-mount-namespace", "mnt"},
		/* Left out, the hardening adds a private one (private-cgroup-namespace). */
		{WARD_NS_CGROUP, "host-cgroup-namespace", "cgroup"},
	};
	for (size_t i = 0; i < ARRAY_SIZE(host); i++) {
		const struct ward_namespace *ns = &spec->linux_.namespaces[host[i].kind];
		const char *type = spec_ns_name(host[i].kind);
		char path[64];
		if (!ns->present && host[i].kind != WARD_NS_CGROUP) {
			report(e, host[i].check, "linux.namespaces",
			       "no {\"type\": \"%s\"} entry: the host's is shared", type);
		} else if (ns->present && ns->path &&
			   is_host_namespace(&e->plan->ns[host[i].kind], ns->path,
					     host[i].proc_name)) {
			snprintf(path, sizeof path, "linux.namespaces[%s].path", type);
			report(e, host[i].check, path, "%s is the host's %s namespace", ns->path,
			       type);
		} else if (ns->present && ns->path && host[i].kind == WARD_NS_MOUNT) {
			report(e, "join-mount-namespace", "linux.namespaces[mount].path",
			       "%s: the root filesystem is bound, and the mounts made, in that "
			       "namespace",
			       ns->path);
		}
	}
}
