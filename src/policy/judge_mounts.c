/* Mounts: bind sources, propagation, sysfs. */
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

bool has_option(char *const *opts, const char *o)
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

void judge_mounts(struct eval *e, const struct ward_spec *spec)
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
