/* Seccomp: a profile that denies by default (seccomp-unconfined), that does not open what the
 * container's capabilities close (seccomp-weakened), and an agent the admin chose
 * (seccomp-listener-not-allowed).
 *
 * seccomp-weakened judges the rules that take effect for this process: those whose
 * includes/excludes conditions hold for its bounding set and this machine, as
 * ward_seccomp_compile() selects them, under the filter ward stacks (stacked_rules()). A system
 * call counts when the profile lets it through while the container lacks the capability
 * Docker's default profile ties it to, and the kernel would serve it, or part of it, without
 * that capability:
 *  - creating a user namespace (clone, unshare with CLONE_NEWUSER; clone3), which needs no
 *    capability and gives every capability over the new namespace;
 *  - bpf, perf_event_open and fanotify_init, which the kernel serves in part to unprivileged
 *    callers (depending on sysctls) and which Docker ties to CAP_BPF, CAP_PERFMON and
 *    CAP_SYS_ADMIN; userfaultfd, served the same way, which Docker never allows;
 *  - the keyring calls, which reach the host's keyrings from a container without a user
 *    namespace of its own (Docker never allows them);
 *  - the mount calls, pivot_root and setns, which the kernel allows with CAP_SYS_ADMIN over
 *    the namespace concerned: only when the container can create a user namespace, in which
 *    it holds that capability.
 * The calls Docker ties to a capability that the kernel checks in the host's initial user
 * namespace whatever namespaces the caller makes (the clock, raw I/O ports, accounting, the
 * kernel log, NUMA placement of others' memory, vhangup), reboot (which ends only the
 * caller's PID namespace) and the ptrace family (checked like a ptrace attach; Docker allows
 * ptrace since Linux 4.8) do not count: allowing them lets the container reach nothing its
 * capabilities forbid. Kernel modules, kexec and
 * open_by_handle_at are refused by the stacked filter.
 *
 * Actions: SCMP_ACT_ERRNO, SCMP_ACT_KILL* and SCMP_ACT_TRAP deny; SCMP_ACT_ALLOW,
 * SCMP_ACT_LOG and SCMP_ACT_TRACE (a tracer in the container can let the call run) allow;
 * SCMP_ACT_NOTIFY allows unless the agent is one the admin listed (`seccomp-listener`), whose
 * answers the admin trusts. A rule with conditions on its arguments allows the call, except a
 * condition that keeps every namespace flag out of clone's and unshare's flags (Docker's
 * SCMP_CMP_MASKED_EQ 0x7E020000 == 0). */
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ward/cleanup.h"
#include "ward/hostpath.h"
#include "ward/policy.h"
#include "ward/safepath.h"
#include "ward/seccomp.h"
#include "ward/util.h"
#include "internal.h"

#define CAPB(c) (UINT64_C(1) << (c))
/* CLONE_NEWNS, NEWCGROUP, NEWUTS, NEWIPC, NEWUSER, NEWPID, NEWNET: the mask of Docker's rule. */
#define NS_FLAGS       UINT64_C(0x7E020000)
#define LOWEST_NS_FLAG UINT64_C(0x00020000)

enum reach {
	REACH_USERNS,  /* creates user namespaces */
	REACH_ALWAYS,  /* served in part without the capability */
	REACH_KEYRING, /* the host's keyrings without a user namespace of its own */
	REACH_NESTED,  /* needs the capability over a namespace: one the container creates */
};

static const struct risky {
	const char *name;
	uint64_t caps; /* any of these in the bounding set makes the call the container's (0:
			* none: Docker never allows it) */
	enum reach reach;
	bool ns_flags; /* argument 0 holds clone flags */
} risky[] = {
	{"clone", CAPB(CAP_SYS_ADMIN), REACH_USERNS, true},
	{"unshare", CAPB(CAP_SYS_ADMIN), REACH_USERNS, true},
	{"clone3", CAPB(CAP_SYS_ADMIN), REACH_USERNS, false},
	{"bpf", CAPB(CAP_BPF) | CAPB(CAP_SYS_ADMIN), REACH_ALWAYS, false},
	{"perf_event_open", CAPB(CAP_PERFMON) | CAPB(CAP_SYS_ADMIN), REACH_ALWAYS, false},
	{"fanotify_init", CAPB(CAP_SYS_ADMIN), REACH_ALWAYS, false},
	{"userfaultfd", 0, REACH_ALWAYS, false},
	{"keyctl", 0, REACH_KEYRING, false},
	{"add_key", 0, REACH_KEYRING, false},
	{"request_key", 0, REACH_KEYRING, false},
	{"mount", CAPB(CAP_SYS_ADMIN), REACH_NESTED, false},
	{"umount", CAPB(CAP_SYS_ADMIN), REACH_NESTED, false},
	{"umount2", CAPB(CAP_SYS_ADMIN), REACH_NESTED, false},
	{"fsopen", CAPB(CAP_SYS_ADMIN), REACH_NESTED, false},
	{"fsconfig", CAPB(CAP_SYS_ADMIN), REACH_NESTED, false},
	{"fsmount", CAPB(CAP_SYS_ADMIN), REACH_NESTED, false},
	{"fspick", CAPB(CAP_SYS_ADMIN), REACH_NESTED, false},
	{"move_mount", CAPB(CAP_SYS_ADMIN), REACH_NESTED, false},
	{"open_tree", CAPB(CAP_SYS_ADMIN), REACH_NESTED, false},
	{"open_tree_attr", CAPB(CAP_SYS_ADMIN), REACH_NESTED, false},
	{"mount_setattr", CAPB(CAP_SYS_ADMIN), REACH_NESTED, false},
	{"pivot_root", CAPB(CAP_SYS_ADMIN), REACH_NESTED, false},
	{"setns", CAPB(CAP_SYS_ADMIN), REACH_NESTED, false},
};

#define N_RISKY ARRAY_SIZE(risky)

/* What the profile does with one risky call. */
struct outcome {
	bool allowed; /* an applying rule lets it through */
	bool denied;  /* an applying rule without conditions denies it */
	long first;   /* the index of the first rule that lets it through */
};

enum verdict { DENY, ALLOW };

static enum verdict action_verdict(const char *action, bool notify_judged)
{
	if (strcmp(action, "SCMP_ACT_ERRNO") == 0 || strncmp(action, "SCMP_ACT_KILL", 13) == 0 ||
	    strcmp(action, "SCMP_ACT_TRAP") == 0)
		return DENY;
	if (strcmp(action, "SCMP_ACT_NOTIFY") == 0)
		return notify_judged ? DENY : ALLOW;
	return ALLOW;
}

/* A condition on clone's or unshare's flags that no call with a namespace flag can meet. */
static bool keeps_namespaces_out(const struct ward_seccomp_arg *a)
{
	if (a->index != 0)
		return false;
	if (strcmp(a->op, "SCMP_CMP_MASKED_EQ") == 0) /* (arg & value) == valueTwo */
		return (a->value & NS_FLAGS) == NS_FLAGS && (a->value_two & NS_FLAGS) == 0;
	if (strcmp(a->op, "SCMP_CMP_EQ") == 0)
		return (a->value & NS_FLAGS) == 0;
	if (strcmp(a->op, "SCMP_CMP_LT") == 0)
		return a->value <= LOWEST_NS_FLAG;
	if (strcmp(a->op, "SCMP_CMP_LE") == 0)
		return a->value < LOWEST_NS_FLAG;
	return false;
}

/* Whether an allowing rule with these conditions still lets a risky use through. Conditions on
 * different arguments must all hold; conditions on the same argument become separate rules
 * (any of them matches), as ward_seccomp_compile() adds them. */
static bool args_let_through(const struct ward_seccomp_rule *r, const struct risky *k)
{
	size_t n = r->n_args; /* all of them, as ward_seccomp_compile() adds them all */
	bool repeated = false, any_safe = false, all_safe = true;

	if (n == 0 || !k->ns_flags)
		return true;
	for (size_t i = 0; i < n; i++) {
		for (size_t j = 0; j < i; j++)
			repeated |= r->args[j].index == r->args[i].index;
		bool safe = keeps_namespaces_out(&r->args[i]);
		any_safe |= safe;
		all_safe &= safe;
	}
	return repeated ? !all_safe : !any_safe;
}

static void assess(const struct ward_seccomp *sc, uint64_t bounding, bool notify_judged,
		   struct outcome out[N_RISKY])
{
	int nr[N_RISKY];

	for (size_t k = 0; k < N_RISKY; k++) {
		nr[k] = ward_seccomp_syscall_nr(risky[k].name);
		out[k] = (struct outcome){.first = -1};
	}
	for (size_t i = 0; i < sc->n_rules; i++) {
		const struct ward_seccomp_rule *r = &sc->rules[i];
		if (!r->action || !ward_seccomp_rule_applies(r, bounding))
			continue;
		enum verdict verdict = action_verdict(r->action, notify_judged);
		for (size_t n = 0; r->names && r->names[n]; n++) {
			int this_nr = ward_seccomp_syscall_nr(r->names[n]);
			for (size_t k = 0; k < N_RISKY; k++) {
				if (strcmp(r->names[n], risky[k].name) != 0 &&
				    (this_nr == -1 || this_nr != nr[k]))
					continue;
				if (verdict == DENY) {
					out[k].denied |= r->n_args == 0;
				} else if (args_let_through(r, &risky[k])) {
					out[k].allowed = true;
					if (out[k].first < 0)
						out[k].first = (long)i;
				}
			}
		}
	}
	/* A default action that lets calls through (SCMP_ACT_TRACE) allows what no rule denies. */
	if (action_verdict(sc->default_action, false) == ALLOW)
		for (size_t k = 0; k < N_RISKY; k++)
			out[k].allowed |= !out[k].denied;
}

static const char *cap_list(uint64_t caps, char *buf, size_t len)
{
	size_t used = 0;
	buf[0] = '\0';
	for (int c = 0; c < 64 && used < len; c++)
		if ((caps >> c) & 1)
			used += (size_t)snprintf(buf + used, len - used, "%s%s", used ? " or " : "",
						 spec_cap_name(c));
	return buf;
}

static void check_weakened(struct eval *e, const struct ward_spec *spec, uint64_t bounding,
			   bool notify_judged)
{
	const struct ward_seccomp *sc = spec->linux_.seccomp;
	struct outcome out[N_RISKY];
	char detail[900], caps[64];
	size_t used = 0;
	long first = -1;
	bool by_default = false;

	assess(sc, bounding, notify_judged, out);
	unsigned stacked = stacked_rules(e, spec, bounding);
	bool own_userns = has_user_namespace(spec, e->plan);
	bool userns_possible = false;
	for (size_t k = 0; k < N_RISKY; k++)
		if (risky[k].reach == REACH_USERNS && out[k].allowed &&
		    !(bounding & risky[k].caps) && !(stacked & WARD_SECCOMP_NEVER_USERNS))
			userns_possible = true;

	detail[0] = '\0';
	for (size_t k = 0; k < N_RISKY; k++) {
		const struct risky *r = &risky[k];
		if (!out[k].allowed || (bounding & r->caps))
			continue;
		if ((r->reach == REACH_USERNS && (stacked & WARD_SECCOMP_NEVER_USERNS)) ||
		    (r->reach == REACH_KEYRING &&
		     (own_userns || (stacked & WARD_SECCOMP_NEVER_KEYRING))) ||
		    (r->reach == REACH_NESTED && !userns_possible))
			continue;
		if (out[k].first < 0)
			by_default = true;
		else if (first < 0 || out[k].first < first)
			first = out[k].first;
		const char *why = r->reach == REACH_KEYRING ? "the host's keyrings"
				  : !r->caps		    ? "which Docker never allows"
				  : r->ns_flags		    ? "with namespace flags, without "
							    : "without ";
		if (used < sizeof detail)
			used += (size_t)snprintf(detail + used, sizeof detail - used, "%s%s (%s%s)",
						 used ? ", " : "", r->name, why,
						 r->caps ? cap_list(r->caps, caps, sizeof caps)
							 : "");
	}
	if (!detail[0])
		return;
	char path[64];
	if (first >= 0)
		snprintf(path, sizeof path, "linux.seccomp.syscalls[%ld]", first);
	else
		snprintf(path, sizeof path, "linux.seccomp.defaultAction");
	report(e, "seccomp-weakened", path, "allows %s%s", detail,
	       by_default && first >= 0 ? " (some by the default action)" : "");
}

/* The agent's socket lies below a directory of the admin's `seccomp-listener` list: by
 * identity when it was resolved, else (a plan from names) by name. */
static bool listener_below_allowed_dir(const struct eval *e, const struct host_object *o)
{
	for (size_t i = 0; e->p->listener_dirs && e->p->listener_dirs[i]; i++) {
		const char *dir = e->p->listener_dirs[i];
		if (o->fd >= 0) {
			struct host_object d;
			hostpath_init(&d);
			bool below = hostpath_resolve(AT_FDCWD, dir, HOSTPATH_NO_MAGIC,
						      O_PATH | O_DIRECTORY, &d) == 0 &&
				     hostpath_at_or_below(o, host_id_of(&d.st)) &&
				     !host_id_eq(host_id_of(&o->st), host_id_of(&d.st));
			hostpath_clear(&d);
			if (below)
				return true;
		} else if (o->path) {
			size_t n = strlen(dir);
			while (n > 1 && dir[n - 1] == '/')
				n--;
			if (strncmp(o->path, dir, n) == 0 &&
			    (o->path[n] == '/' || (n == 1 && o->path[1] != '\0')))
				return true;
		}
	}
	return false;
}

/* Returns whether the listener is one the admin allows (its answers are judgements). */
static bool check_listener(struct eval *e, const struct ward_seccomp *sc)
{
	struct host_object byname;
	const struct host_object *o = e->plan ? &e->plan->listener : NULL;
	bool ok;

	if (!o || (o->fd < 0 && !o->path)) {
		hostpath_init(&byname);
		byname.path = malloc(strlen(sc->listener_path) + 2);
		if (byname.path)
			path_clean(sc->listener_path, byname.path);
		o = &byname;
		ok = listener_below_allowed_dir(e, o);
		hostpath_clear(&byname);
	} else {
		ok = listener_below_allowed_dir(e, o);
	}
	if (ok && e->plan && e->plan->listener.fd >= 0 && !S_ISSOCK(e->plan->listener.st.st_mode)) {
		report(e, "seccomp-listener-not-allowed", "linux.seccomp.listenerPath",
		       "%s is not a socket", e->plan->listener.path);
		return false;
	}
	if (!ok)
		report(e, "seccomp-listener-not-allowed", "linux.seccomp.listenerPath",
		       "%s is not below a directory the policy lists with seccomp-listener",
		       e->plan && e->plan->listener.path ? e->plan->listener.path
							 : sc->listener_path);
	return ok;
}

void judge_seccomp(struct eval *e, const struct ward_spec *spec, uint64_t bounding)
{
	const struct ward_seccomp *sc = spec->linux_.seccomp;
	bool notify_judged = false;

	if (!sc || !sc->default_action)
		return;
	if (sc->listener_path)
		notify_judged = check_listener(e, sc);
	/* An allow-by-default profile is seccomp-unconfined, all of it. */
	if (strcmp(sc->default_action, "SCMP_ACT_ALLOW") == 0 ||
	    strcmp(sc->default_action, "SCMP_ACT_LOG") == 0) {
		report(e, "seccomp-unconfined", "linux.seccomp.defaultAction", "%s",
		       sc->default_action);
		return;
	}
	check_weakened(e, spec, bounding, notify_judged);
}
