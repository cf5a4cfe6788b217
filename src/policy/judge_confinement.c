/* Confinement: sysctls, and the restricted level's resource and rootfs checks (seccomp in
 * judge_seccomp.c). */
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

/* Kubernetes' safe sysctls: namespaced and isolated from other pods. */
static const char *const safe_sysctls[] = {
	"kernel.shm_rmid_forced",
	"net.ipv4.ip_local_port_range",
	"net.ipv4.ip_unprivileged_port_start",
	"net.ipv4.tcp_syncookies",
	"net.ipv4.ping_group_range",
	"net.ipv4.ip_local_reserved_ports",
	"net.ipv4.tcp_keepalive_time",
	"net.ipv4.tcp_fin_timeout",
	"net.ipv4.tcp_keepalive_intvl",
	"net.ipv4.tcp_keepalive_probes",
	"net.ipv4.tcp_rmem",
	"net.ipv4.tcp_wmem",
};

void judge_confinement(struct eval *e, const struct ward_spec *spec)
{
	const struct ward_linux *lx = &spec->linux_;
	char path[320];

	for (size_t i = 0; i < lx->n_sysctl; i++) {
		bool safe = false;
		for (size_t k = 0; k < ARRAY_SIZE(safe_sysctls); k++)
			safe = safe || strcmp(lx->sysctl[i].key, safe_sysctls[k]) == 0;
		if (safe)
			continue;
		snprintf(path, sizeof path, "linux.sysctl[\"%s\"]", lx->sysctl[i].key);
		report(e, "sysctl-unsafe", path, "%s is not in the safe set", lx->sysctl[i].key);
	}
	if (!spec->root_readonly)
		report(e, "restricted-writable-rootfs", "root.readonly",
		       "root.readonly is not true");
}
