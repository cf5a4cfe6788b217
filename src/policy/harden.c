/* Silent hardening: what ward adds to a config unless the admin switches it off. */
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
#include "ward/seccomp.h"
#include "ward/util.h"
#include "internal.h"

/* Adds the defaults missing from *list; returns -1 without memory. */
static int add_defaults(struct eval *e, const char *check, const char *path, char ***list,
			const char *const *defaults)
{
	char added[1024] = "";
	size_t used = 0, missing = 0, have = strv_length(*list), n = 0;

	while (defaults[n])
		n++;

	for (size_t k = 0; k < n; k++)
		if (!has_option(*list, defaults[k])) {
			missing++;
			used += (size_t)snprintf(added + used, sizeof added - used, "%s%s",
						 used ? ", " : "", defaults[k]);
			if (used >= sizeof added)
				used = sizeof added - 1;
		}
	if (missing == 0 || !report(e, check, path, "added %s", added))
		return 0;
	char **grown = realloc(*list, (have + missing + 1) * sizeof *grown);
	if (!grown)
		return ward_fail(e->err, ENOMEM, "policy");
	*list = grown;
	grown[have] = NULL; /* a list that was absent is a fresh, uninitialised array */
	for (size_t k = 0; k < n; k++)
		if (!has_option(grown, defaults[k])) {
			grown[have] = strdup(defaults[k]);
			if (!grown[have])
				return ward_fail(e->err, ENOMEM, "policy");
			grown[++have] = NULL;
		}
	return 0;
}

/* Creating a user namespace gives its creator every capability over it, whatever its bounding
 * set: without CAP_SYS_ADMIN a container has no other use for it. Keyrings are per user
 * namespace: without one of its own the container would reach the host's. */
unsigned stacked_rules(const struct eval *e, const struct ward_spec *spec, uint64_t bounding)
{
	unsigned rules = 0;

	if (check_enforced(e, "never-seccomp-filter"))
		rules |= SECCOMP_NEVER_BASE;
	if (!(bounding & (UINT64_C(1) << CAP_SYS_ADMIN)) &&
	    check_enforced(e, "never-user-namespace"))
		rules |= SECCOMP_NEVER_USERNS;
	if (!has_user_namespace(spec, e->plan) && check_enforced(e, "never-host-keyring"))
		rules |= SECCOMP_NEVER_KEYRING;
	return rules;
}

void harden_seccomp(struct eval *e, const struct ward_spec *spec, uint64_t bounding)
{
	if (!spec->linux_.seccomp)
		e->v->default_seccomp = report(e, "default-seccomp", "linux.seccomp",
					       "the built-in default-deny profile");
	e->v->never_filter =
		report(e, "never-seccomp-filter", "linux.seccomp",
		       "a stacked filter refusing kexec, kernel modules, open_by_handle_at, ...");
	if (!(bounding & (UINT64_C(1) << CAP_SYS_ADMIN)))
		e->v->never_userns =
			report(e, "never-user-namespace", "linux.seccomp",
			       "the stacked filter refuses clone and unshare with CLONE_NEWUSER, "
			       "and clone3");
	if (!has_user_namespace(spec, e->plan))
		e->v->never_keyring =
			report(e, "never-host-keyring", "linux.seccomp",
			       "the stacked filter refuses keyctl, add_key and request_key");
}

/* An explicitly empty maskedPaths is an opt-out (Kubernetes procMount: Unmasked, podman
 * --security-opt unmask=ALL): refused by name, or honoured when lifted, which without a user
 * namespace takes a second, separate allow. Either way the lists are left as they are:
 * returns whether the config opted out. */
static bool judge_unmasked(struct eval *e, const struct ward_spec *spec)
{
	const struct ward_linux *lx = &spec->linux_;

	if (!lx->has_masked_paths || strv_length(lx->masked_paths) > 0)
		return false;
	if (!report(e, "proc-unmasked", "linux.maskedPaths",
		    "an empty list: /proc and /sys unmasked (procMount: Unmasked, unmask=ALL)") &&
	    !has_user_namespace(spec, e->plan))
		report(e, "proc-unmasked-without-userns", "linux.maskedPaths",
		       "unmasked /proc and /sys for root without a user namespace");
	return true;
}

int harden(struct eval *e, struct ward_spec *spec)
{
	struct ward_linux *lx = &spec->linux_;

	harden_seccomp(e, spec, spec->process ? spec->process->caps.bounding : 0);
	harden_device_rules(e, spec);
	/* What arrives as "no masks" may be an engine's opt-out (docker --privileged,
	 * systempaths=unconfined): the defaults replace it, and the log says so. */
	bool masked_absent = !lx->has_masked_paths;
	bool readonly_emptied = lx->has_readonly_paths && strv_length(lx->readonly_paths) == 0;
	if (!judge_unmasked(e, spec)) {
		size_t hardened = e->v->n_hardened;
		if (add_defaults(e, "default-masked-paths", "linux.maskedPaths", &lx->masked_paths,
				 spec_default_masked_paths) < 0 ||
		    add_defaults(e, "default-readonly-paths", "linux.readonlyPaths",
				 &lx->readonly_paths, spec_default_readonly_paths) < 0)
			return -1;
		e->v->masks_opt_out_replaced =
			(masked_absent || readonly_emptied) && e->v->n_hardened > hardened;
	}
	/* Without it, a cgroup2 mount in the container shows the host's whole hierarchy. */
	if (!lx->namespaces[WARD_NS_CGROUP].present && access("/proc/self/ns/cgroup", F_OK) == 0 &&
	    report(e, "private-cgroup-namespace", "linux.namespaces",
		   "added {\"type\": \"cgroup\"}"))
		lx->namespaces[WARD_NS_CGROUP].present = true;
	return 0;
}
