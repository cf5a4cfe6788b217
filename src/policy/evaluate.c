/* Judging a config against the policy: each rule below reports what it finds under a check
 * name, and report() decides whether that is a violation, an override or a hardening. */
#include <errno.h>
#include <limits.h>
#include <linux/capability.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ward/cleanup.h"
#include "ward/policy.h"
#include "ward/util.h"

struct eval {
	const struct policy *p;
	struct policy_verdict *v;
	struct ward_error *err;
	int rc;
};

static int append(struct policy_finding **arr, size_t *n, int check, const char *path,
		  const char *detail, enum policy_source source)
{
	struct policy_finding *grown = realloc(*arr, (*n + 1) * sizeof **arr);
	if (!grown)
		return -1;
	*arr = grown;
	struct policy_finding *f = &grown[*n];
	f->check = check;
	f->source = source;
	f->path = strdup(path);
	f->detail = strdup(detail ? detail : "");
	if (!f->path || !f->detail) {
		free(f->path);
		free(f->detail);
		return -1;
	}
	(*n)++;
	return 0;
}

/* Records one finding of check `name`; returns whether the check is enforced (for a
 * hardening: whether to apply it). */
static bool report(struct eval *e, const char *name, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static bool report(struct eval *e, const char *name, const char *path, const char *fmt, ...)
{
	const struct policy_check *table;
	size_t n;
	char detail[1024];
	va_list ap;
	int idx = policy_check_find(name);
	struct policy_verdict *v = e->v;

	table = policy_checks(&n);
	if (idx < 0) { /* a typo in this file: fail closed and loudly */
		e->rc = ward_fail(e->err, 0, "internal: unknown policy check %s", name);
		return true;
	}
	const struct policy_check *c = &table[idx];
	if (c->level == POLICY_RESTRICTED && e->p->level != POLICY_RESTRICTED)
		return false;
	va_start(ap, fmt);
	vsnprintf(detail, sizeof detail, fmt, ap);
	va_end(ap);

	int rc;
	bool enforced = false;
	if (e->p->level == POLICY_PRIVILEGED)
		rc = append(&v->overrides, &v->n_overrides, idx, path, detail, POLICY_BY_LEVEL);
	else if (e->p->allow[idx])
		rc = append(&v->overrides, &v->n_overrides, idx, path, detail, POLICY_BY_FILE);
	else if (v->annotated[idx] && e->p->overridable[idx])
		rc = append(&v->overrides, &v->n_overrides, idx, path, detail,
			    POLICY_BY_ANNOTATION);
	else if (c->kind == POLICY_HARDEN)
		rc = append(&v->hardened, &v->n_hardened, idx, path, detail, 0), enforced = true;
	else
		rc = append(&v->violations, &v->n_violations, idx, path, detail, 0),
		enforced = true;
	if (rc < 0)
		e->rc = ward_fail(e->err, ENOMEM, "policy");
	return enforced;
}

/* ---- process ------------------------------------------------------------------------------ */

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
static bool is_host_namespace(const char *path, const char *proc_name)
{
	static const char *const who[] = {"1", "self"};
	struct stat a, b;
	char own[64];

	if (stat(path, &a) < 0)
		return false; /* refused later, when it is joined */
	for (size_t i = 0; i < ARRAY_SIZE(who); i++) {
		snprintf(own, sizeof own, "/proc/%s/ns/%s", who[i], proc_name);
		if (stat(own, &b) == 0 && a.st_ino == b.st_ino && a.st_dev == b.st_dev)
			return true;
	}
	return false;
}

static bool has_user_namespace(const struct ward_spec *spec)
{
	const struct ward_namespace *ns = &spec->linux_.namespaces[WARD_NS_USER];
	return ns->present && !(ns->path && is_host_namespace(ns->path, "user"));
}

static void check_process(struct eval *e, const struct ward_spec *spec,
			  const struct ward_process *proc)
{
	check_capabilities(e, proc);
	if (proc->apparmor_profile && strcmp(proc->apparmor_profile, "unconfined") == 0)
		report(e, "apparmor-unconfined", "process.apparmorProfile", "unconfined");
	if (proc->selinux_label && (selinux_type_is(proc->selinux_label, "spc_t") ||
				    selinux_type_is(proc->selinux_label, "unconfined_t")))
		report(e, "selinux-unconfined", "process.selinuxLabel", "%s", proc->selinux_label);
	if (proc->uid == 0 && !has_user_namespace(spec))
		report(e, "restricted-run-as-root", "process.user.uid",
		       "uid 0 without a user namespace");
	if (!proc->no_new_privileges)
		report(e, "restricted-privilege-escalation", "process.noNewPrivileges",
		       "noNewPrivileges is not true");
}

static void check_oom_score(struct eval *e, const struct ward_process *proc)
{
	cleanup_free char *text = NULL;
	size_t len;
	struct ward_error ignored;

	if (!proc->has_oom_score_adj ||
	    read_file_limited("/proc/self/oom_score_adj", 32, &text, &len, &ignored) < 0)
		return;
	int caller = atoi(text);
	if (proc->oom_score_adj < caller)
		report(e, "oom-score-adj-lowered", "process.oomScoreAdj",
		       "%d is below the caller's %d", (int)proc->oom_score_adj, caller);
}

/* ---- namespaces --------------------------------------------------------------------------- */

static void check_namespaces(struct eval *e, const struct ward_spec *spec)
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
	};
	for (size_t i = 0; i < ARRAY_SIZE(host); i++) {
		const struct ward_namespace *ns = &spec->linux_.namespaces[host[i].kind];
		const char *type = spec_ns_name(host[i].kind);
		char path[64];
		if (!ns->present) {
			report(e, host[i].check, "linux.namespaces",
			       "no {\"type\": \"%s\"} entry: the host's is shared", type);
		} else if (ns->path && is_host_namespace(ns->path, host[i].proc_name)) {
			snprintf(path, sizeof path, "linux.namespaces[%s].path", type);
			report(e, host[i].check, path, "%s is the host's %s namespace", ns->path,
			       type);
		}
	}
}

/* ---- mounts ------------------------------------------------------------------------------- */

/* Host paths whose bind mount hands the container control over the host. */
static const struct {
	const char *path, *check;
} sensitive[] = {
	{"/", "mount-host-root"},
	{"/proc", "mount-host-proc"},
	{"/sys", "mount-host-sys"},
	{"/dev", "mount-host-dev"},
	{"/boot", "mount-host-boot"},
	{"/etc", "mount-host-etc"},
	{"/lib/modules", "mount-host-modules"},
	{"/usr/lib/modules", "mount-host-modules"},
	{"/run", "mount-host-run"},
	{"/var/run", "mount-host-run"},
	{"/var/lib/docker", "mount-engine-state"},
	{"/var/lib/containerd", "mount-engine-state"},
	{"/var/lib/kubelet", "mount-engine-state"},
	{"/var/lib/containers", "mount-engine-state"},
	{"/run/docker.sock", "mount-container-socket"},
	{"/var/run/docker.sock", "mount-container-socket"},
	{"/run/containerd/containerd.sock", "mount-container-socket"},
	{"/run/crio/crio.sock", "mount-container-socket"},
	{"/var/run/crio/crio.sock", "mount-container-socket"},
	{"/run/podman/podman.sock", "mount-container-socket"},
};

static const char *const engine_sockets[] = {"docker.sock", "containerd.sock", "crio.sock",
					     "podman.sock"};

static bool has_option(char *const *opts, const char *o)
{
	return opts && strv_contains(opts, o);
}

/* "/a//b/./c/../d/" -> "/a/b/d": for sources that do not exist (yet). */
static void normalize(const char *in, char *out, size_t len)
{
	size_t o = 0;
	out[o++] = '/';
	for (const char *s = in; *s;) {
		while (*s == '/')
			s++;
		const char *end = strchrnul(s, '/');
		size_t n = (size_t)(end - s);
		if (n == 0 || (n == 1 && s[0] == '.')) {
			/* nothing */
		} else if (n == 2 && s[0] == '.' && s[1] == '.') {
			while (o > 1 && out[o - 1] != '/')
				o--;
			if (o > 1)
				o--;
		} else if (o + n + 2 < len) {
			if (o > 1)
				out[o++] = '/';
			memcpy(out + o, s, n);
			o += n;
		}
		s = end;
	}
	out[o] = '\0';
}

/* a is b, or a directory that contains b. */
static bool covers(const char *a, const char *b)
{
	size_t n = strlen(a);
	if (strcmp(a, "/") == 0)
		return true;
	return strncmp(a, b, n) == 0 && (b[n] == '\0' || b[n] == '/');
}

static void check_bind_source(struct eval *e, size_t i, const char *source)
{
	char canon[PATH_MAX], path[64];
	bool seen[POLICY_MAX_CHECKS] = {false};

	/* Symlinks resolved as the kernel will (/var/run -> /run); a missing source is judged by
	 * its name, and fails later when it is mounted. */
	if (source[0] != '/' || !realpath(source, canon))
		normalize(source, canon, sizeof canon);
	snprintf(path, sizeof path, "mounts[%zu].source", i);
	for (size_t k = 0; k < ARRAY_SIZE(sensitive); k++) {
		int idx = policy_check_find(sensitive[k].check);
		bool exact = strcmp(canon, sensitive[k].path) == 0;
		/* "/" is reported once as itself, not as every path below it. */
		if (strcmp(canon, "/") == 0 && !exact)
			continue;
		if (idx < 0 || seen[idx] || !covers(canon, sensitive[k].path))
			continue;
		seen[idx] = true;
		if (exact)
			report(e, sensitive[k].check, path, "%s", source);
		else
			report(e, sensitive[k].check, path, "%s contains %s", source,
			       sensitive[k].path);
	}
	const char *base = strrchr(canon, '/');
	base = base ? base + 1 : canon;
	for (size_t k = 0; k < ARRAY_SIZE(engine_sockets); k++)
		if (strcmp(base, engine_sockets[k]) == 0 &&
		    !seen[policy_check_find("mount-container-socket")])
			report(e, "mount-container-socket", path, "%s", source);
}

static void check_mounts(struct eval *e, const struct ward_spec *spec)
{
	char path[64];

	for (size_t i = 0; i < spec->n_mounts; i++) {
		const struct ward_mount *m = &spec->mounts[i];
		char *const *opts = m->options;
		if (has_option(opts, "shared") || has_option(opts, "rshared")) {
			snprintf(path, sizeof path, "mounts[%zu].options", i);
			report(e, "mount-shared-propagation", path, "%s on %s",
			       has_option(opts, "shared") ? "shared" : "rshared", m->destination);
		}
		if (m->type && strcmp(m->type, "sysfs") == 0 && !has_option(opts, "ro")) {
			snprintf(path, sizeof path, "mounts[%zu].options", i);
			report(e, "sysfs-read-write", path, "sysfs on %s without \"ro\"",
			       m->destination);
		}
		bool bind = (m->type && strcmp(m->type, "bind") == 0) || has_option(opts, "bind") ||
			    has_option(opts, "rbind");
		if (bind && m->source)
			check_bind_source(e, i, m->source);
	}
	const char *prop = spec->linux_.rootfs_propagation;
	if (prop && (strcmp(prop, "shared") == 0 || strcmp(prop, "rshared") == 0))
		report(e, "mount-shared-propagation", "linux.rootfsPropagation", "%s", prop);
}

/* ---- devices ------------------------------------------------------------------------------ */

/* Character devices that read or write the kernel: mem, kmem, port, kmsg, nvram, CPU MSRs
 * and cpuid. minor < 0: any minor. */
static bool kernel_device(int64_t major, int64_t minor)
{
	if (major == 202 || major == 203)
		return true;
	if (major == 1)
		return minor < 0 || minor == 1 || minor == 2 || minor == 4 || minor == 11;
	return major == 10 && (minor < 0 || minor == 144);
}

static bool reads_or_writes(const char *access)
{
	return !access || strchr(access, 'r') || strchr(access, 'w');
}

static void check_devices(struct eval *e, const struct ward_spec *spec)
{
	const struct ward_linux *lx = &spec->linux_;
	char path[64];

	for (size_t i = 0; i < lx->n_devices; i++) {
		const struct ward_device *d = &lx->devices[i];
		snprintf(path, sizeof path, "linux.devices[%zu]", i);
		if (d->type == 'b')
			report(e, "device-block", path, "%s (block %lld:%lld)", d->path,
			       (long long)d->major, (long long)d->minor);
		else if (kernel_device(d->major, d->minor) || strcmp(d->path, "/dev/mem") == 0 ||
			 strcmp(d->path, "/dev/kmem") == 0 || strcmp(d->path, "/dev/port") == 0 ||
			 strcmp(d->path, "/dev/kmsg") == 0)
			report(e, "device-kernel-access", path, "%s (%lld:%lld)", d->path,
			       (long long)d->major, (long long)d->minor);
	}
	for (size_t i = 0; lx->has_resources && i < lx->resources.n_devices; i++) {
		const struct ward_device_rule *r = &lx->resources.devices[i];
		if (!r->allow || !reads_or_writes(r->access))
			continue;
		snprintf(path, sizeof path, "linux.resources.devices[%zu]", i);
		const char *access = r->access ? r->access : "rwm";
		if (r->type == 'a' || !r->has_major)
			report(e, "device-rule-allow-all", path, "allows %s on every%s device",
			       access,
			       r->type == 'b'	? " block"
			       : r->type == 'c' ? " char"
						: "");
		else if (r->type == 'b')
			report(e, "device-block", path, "allows %s on block %lld:*", access,
			       (long long)r->major);
		else if (kernel_device(r->major, r->has_minor ? r->minor : -1))
			report(e, "device-kernel-access", path, "allows %s on char %lld:%s", access,
			       (long long)r->major, r->has_minor ? "minor" : "*");
	}
}

/* ---- confinement, sysctls, restricted resources ------------------------------------------- */

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

static void check_confinement(struct eval *e, const struct ward_spec *spec)
{
	const struct ward_linux *lx = &spec->linux_;
	char path[320];

	if (lx->seccomp && lx->seccomp->default_action &&
	    (strcmp(lx->seccomp->default_action, "SCMP_ACT_ALLOW") == 0 ||
	     strcmp(lx->seccomp->default_action, "SCMP_ACT_LOG") == 0))
		report(e, "seccomp-unconfined", "linux.seccomp.defaultAction", "%s",
		       lx->seccomp->default_action);
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
	const struct ward_resources *r = &lx->resources;
	if (!lx->has_resources || !r->has_memory_limit || r->memory_limit <= 0)
		report(e, "restricted-memory-limit", "linux.resources.memory.limit", "no limit");
	if (!lx->has_resources || !r->has_pids_limit || r->pids_limit <= 0)
		report(e, "restricted-pids-limit", "linux.resources.pids.limit", "no limit");
}

/* ---- hardening ---------------------------------------------------------------------------- */

/* Adds the defaults missing from *list; returns -1 without memory. */
static int add_defaults(struct eval *e, const char *check, const char *path, char ***list,
			const char *const *defaults)
{
	char added[1024] = "";
	size_t used = 0, missing = 0, have = strv_length(*list), n = strv_length((char **)defaults);

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
	for (size_t k = 0; k < n; k++)
		if (!has_option(grown, defaults[k])) {
			grown[have] = strdup(defaults[k]);
			if (!grown[have])
				return ward_fail(e->err, ENOMEM, "policy");
			grown[++have] = NULL;
		}
	return 0;
}

static void harden_seccomp(struct eval *e, const struct ward_spec *spec)
{
	if (!spec->linux_.seccomp)
		e->v->default_seccomp = report(e, "default-seccomp", "linux.seccomp",
					       "the built-in default-deny profile");
	e->v->never_filter =
		report(e, "never-seccomp-filter", "linux.seccomp",
		       "a stacked filter refusing kexec, kernel modules, open_by_handle_at, ...");
}

static int harden(struct eval *e, struct ward_spec *spec)
{
	struct ward_linux *lx = &spec->linux_;

	harden_seccomp(e, spec);
	if (add_defaults(e, "default-masked-paths", "linux.maskedPaths", &lx->masked_paths,
			 spec_default_masked_paths) < 0 ||
	    add_defaults(e, "default-readonly-paths", "linux.readonlyPaths", &lx->readonly_paths,
			 spec_default_readonly_paths) < 0)
		return -1;
	/* Without it, a cgroup2 mount in the container shows the host's whole hierarchy. */
	if (!lx->namespaces[WARD_NS_CGROUP].present && access("/proc/self/ns/cgroup", F_OK) == 0 &&
	    report(e, "private-cgroup-namespace", "linux.namespaces",
		   "added {\"type\": \"cgroup\"}"))
		lx->namespaces[WARD_NS_CGROUP].present = true;
	return 0;
}

/* ---- entry points ------------------------------------------------------------------------- */

static int read_annotation(const struct ward_spec *spec, struct policy_verdict *v,
			   struct ward_error *err)
{
	const char *value = spec_annotation(spec, POLICY_ANNOTATION);
	cleanup_free char *copy = NULL;
	char *save = NULL;

	if (!value)
		return 0;
	copy = strdup(value);
	if (!copy)
		return ward_fail(err, ENOMEM, "policy");
	for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		while (*tok == ' ' || *tok == '\t')
			tok++;
		char *end = tok + strlen(tok);
		while (end > tok && (end[-1] == ' ' || end[-1] == '\t'))
			*--end = '\0';
		int idx = policy_check_find(tok);
		if (idx < 0)
			return ward_fail(err, 0,
					 "config.json: annotations[\"%s\"]: unknown check \"%s\" "
					 "(`ward policy list` names them all)",
					 POLICY_ANNOTATION, tok);
		v->annotated[idx] = true;
	}
	return 0;
}

static int begin(struct eval *e, const struct policy *p, const struct ward_spec *spec,
		 struct policy_verdict *v, struct ward_error *err)
{
	memset(v, 0, sizeof *v);
	v->level = p->level;
	*e = (struct eval){.p = p, .v = v, .err = err};
	return read_annotation(spec, v, err);
}

int policy_evaluate(const struct policy *p, struct ward_spec *spec, struct policy_verdict *v,
		    struct ward_error *err)
{
	struct eval e;

	if (begin(&e, p, spec, v, err) < 0)
		return -1;
	if (spec->process) {
		check_process(&e, spec, spec->process);
		check_oom_score(&e, spec->process);
	}
	check_namespaces(&e, spec);
	check_mounts(&e, spec);
	check_devices(&e, spec);
	check_confinement(&e, spec);
	if (e.rc == 0 && harden(&e, spec) < 0)
		e.rc = -1;
	return e.rc;
}

int policy_evaluate_process(const struct policy *p, const struct ward_spec *spec,
			    const struct ward_process *proc, struct policy_verdict *v,
			    struct ward_error *err)
{
	struct eval e;

	if (begin(&e, p, spec, v, err) < 0)
		return -1;
	check_process(&e, spec, proc);
	harden_seccomp(&e, spec);
	return e.rc;
}

static void clear_findings(struct policy_finding *f, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(f[i].path);
		free(f[i].detail);
	}
	free(f);
}

void policy_verdict_clear(struct policy_verdict *v)
{
	clear_findings(v->violations, v->n_violations);
	clear_findings(v->hardened, v->n_hardened);
	clear_findings(v->overrides, v->n_overrides);
	v->violations = v->hardened = v->overrides = NULL;
	v->n_violations = v->n_hardened = v->n_overrides = 0;
}
