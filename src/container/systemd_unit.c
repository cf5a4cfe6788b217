/* --systemd-cgroup in the lifecycle: the unit a container's cgroup is made in at create, and
 * the unit `update` and `delete` act on, once it proves to hold the container's cgroup. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ward/cgroup.h"
#include "ward/cleanup.h"
#include "ward/log.h"
#include "ward/rootless.h"
#include "ward/util.h"
#include "ward/verify.h"
#include "internal.h"

int unit_placement_open(struct unit_placement *p, const struct ward_spec *spec, const char *id,
			struct ward_error *err)
{
	memset(p, 0, sizeof *p);
	p->mgr.conn.fd = -1;
	p->cgfd = -1;
	p->lx = &spec->linux_;
	p->id = id;
	p->user = ward_is_rootless();
	if (systemd_parse_cgroups_path(spec->linux_.cgroups_path, id, p->user, &p->unit, err) < 0)
		return -1;

	/* Connected before anything exists, so that an unreachable manager fails cleanly. */
	if (systemd_connect(&p->mgr, p->user, err) < 0)
		return -1;
	p->connected = true;
	return 0;
}

void unit_warn_ignored_properties(const struct ward_spec *spec)
{
	/* runc passes these to systemd as unit properties; a config choosing them could lift
	 * its own limits, change its slice or its delegation, so they are not used. */
	for (size_t i = 0; i < spec->n_annotations; i++)
		if (strncmp(spec->annotations[i].key, "org.systemd.property.", 21) == 0)
			log_warn("annotations.%s: ignored (ward sets no unit property a config "
				 "chooses; limits go in linux.resources)",
				 spec->annotations[i].key);
}

/* The process ids in a cgroup.procs file (at most max; *n is how many there are). */
static int read_procs(const char *root, const char *path, pid_t *pids, size_t max, size_t *n,
		      struct ward_error *err)
{
	cleanup_free pid_t *all = NULL;
	if (cgroup_pids(root, path, &all, n, err) < 0)
		return -1;
	for (size_t i = 0; i < *n && i < max; i++)
		pids[i] = all[i];
	return 0;
}

/* What the manager says is the unit's cgroup is checked against the kernel before ward writes
 * a limit into it: the unit is a new one, holding ward's setup process and nothing else. */
static int check_new_cgroup(const struct unit_placement *p, const char *path, pid_t pid,
			    struct ward_error *err)
{
	cleanup_free char *self = cgroup_self_path();
	cleanup_free char *want = NULL;
	const char *why;
	pid_t procs[2] = {0, 0};
	size_t n;

	if (verify_cgroup_path(path, self, &why) < 0)
		return ward_fail(err, 0, "--systemd-cgroup: unit %s has the cgroup %s, which %s",
				 p->unit.name, path, why);
	/* The manager's own cgroup may come first (a user manager's, or a manager in a
	 * container): the unit's place below it is fixed by the slice and the name. */
	if (asprintf(&want, "%s/%s", strcmp(p->unit.slice_path, "/") == 0 ? "" : p->unit.slice_path,
		     p->unit.name) < 0)
		return ward_fail(err, ENOMEM, "cgroup path");
	size_t pl = strlen(path), wl = strlen(want);
	if (pl < wl || strcmp(path + pl - wl, want) != 0)
		return ward_fail(err, 0,
				 "--systemd-cgroup: unit %s has the cgroup %s, which is not where "
				 "the unit belongs (%s)",
				 p->unit.name, path, want);
	if (read_procs(p->cgroup_root, path, procs, 2, &n, err) < 0)
		return -1;
	if (n != 1 || procs[0] != pid)
		return ward_fail(err, 0,
				 "--systemd-cgroup: unit %s (cgroup %s) holds %zu process%s, not "
				 "ward's setup process alone: it is not a new unit",
				 p->unit.name, path, n, n == 1 ? "" : "es");
	return 0;
}

/* A slice unit gets no process from systemd: ward moves its setup process in itself, into a
 * slice that must be empty. */
static int enter_slice(const struct unit_placement *p, const char *path, pid_t pid,
		       struct ward_error *err)
{
	char file[4096], value[32];
	cleanup_close int fd = -1;
	pid_t procs[1] = {0};
	size_t n;

	if (read_procs(p->cgroup_root, path, procs, 1, &n, err) < 0)
		return -1;
	if (n)
		return ward_fail(err, 0,
				 "--systemd-cgroup: slice %s (cgroup %s) holds processes: it is "
				 "not a new unit",
				 p->unit.name, path);
	snprintf(file, sizeof file, "%s%s/cgroup.procs", p->cgroup_root, path);
	int len = snprintf(value, sizeof value, "%d", pid);
	fd = open(file, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, value, (size_t)len) != len)
		return ward_fail(err, errno, "--systemd-cgroup: move the container into slice %s",
				 p->unit.name);
	return 0;
}

/* The process's own cgroup, as the kernel reports it. */
static char *cgroup_of(pid_t pid)
{
	char path[64];
	cleanup_free char *buf = NULL;
	struct ward_error ignored;
	size_t len;

	snprintf(path, sizeof path, "/proc/%d/cgroup", pid);
	if (read_file_limited(path, 1 << 16, &buf, &len, &ignored) < 0)
		return NULL;
	return verify_parse_proc_cgroup(buf);
}

int unit_placement_place(void *ctx, pid_t pid, struct ward_error *err)
{
	struct unit_placement *p = ctx;
	cleanup_free char *path = NULL;
	cleanup_free char *description = NULL;

	if (asprintf(&description, "ward container %s", p->id) < 0)
		return ward_fail(err, ENOMEM, "unit description");
	if (systemd_start_unit(&p->mgr, &p->unit, p->unit.is_slice ? -1 : pid, &p->lx->resources,
			       description, &path, &p->started, err) < 0)
		return ward_error_prefix(err, "--systemd-cgroup");
	log_debug("systemd: unit %s has cgroup %s", p->unit.name, path);
	if (p->unit.is_slice ? enter_slice(p, path, pid, err) < 0
			     : check_new_cgroup(p, path, pid, err) < 0)
		return -1;
	cleanup_free char *now = cgroup_of(pid);
	if (!now || strcmp(now, path) != 0)
		return ward_fail(err, 0,
				 "--systemd-cgroup: the container's setup process is in cgroup %s, "
				 "not in its unit's %s",
				 now ? now : "(unknown)", path);
	/* Proved to be the new unit's: from here a failure removes it, and state.json names it
	 * before anything is written into it. */
	p->st->cgroup_path = strdup(path);
	if (!p->st->cgroup_path)
		return ward_fail(err, ENOMEM, "cgroup path");
	if (p->record(p->record_ctx, err) < 0)
		return -1;
	p->cgfd = cgroup_setup(p->cgroup_root, path, p->lx, err);
	if (p->cgfd < 0)
		return -1;
	return mark_container_cgroup(p->rootfd, p->id, p->cgfd, err);
}

void unit_placement_undo(struct unit_placement *p)
{
	struct ward_error e;

	if (!p->started)
		return;
	/* Only a cgroup proved to be the unit's; the unit itself is ward's once the manager made
	 * it, and stopping it removes whatever it holds. */
	if (p->st->cgroup_path && cgroup_destroy(p->cgroup_root, p->st->cgroup_path, &e) < 0)
		log_warn("%s", e.msg);
	if (systemd_stop_unit(&p->mgr, p->unit.name, &e) < 0)
		log_warn("--systemd-cgroup: unit %s is left: %s", p->unit.name, e.msg);
	p->started = false;
}

void unit_placement_close(struct unit_placement *p)
{
	if (p->connected)
		systemd_disconnect(&p->mgr);
	if (p->cgfd >= 0)
		close(p->cgfd);
	systemd_unit_clear(&p->unit);
	p->connected = false;
	p->cgfd = -1;
}

/* Connects to the manager st names and finds its unit: 1 when the unit holds st's cgroup, 2
 * when it is loaded without a cgroup, 0 when there is no such unit (the connection is then
 * closed), -1 with err otherwise. */
static int open_unit(const struct ward_state *st, struct systemd_manager *m, struct ward_error *err)
{
	cleanup_free char *cg = NULL;

	if (!systemd_valid_unit_name(st->systemd_unit))
		return ward_fail(
			err, 0,
			"container %s: state.json names the unit \"%.255s\", which is not a "
			"unit ward makes; the state may have been tampered with",
			st->id, st->systemd_unit);
	if (systemd_connect(m, st->systemd_user, err) < 0)
		return -1;
	int r = systemd_unit_cgroup(m, st->systemd_unit, &cg, err);
	if (r == -ENOENT) {
		ward_error_clear(err);
		systemd_disconnect(m);
		return 0;
	}
	if (r < 0)
		goto fail;
	if (!cg)
		return 2;
	if (!st->cgroup_path || strcmp(cg, st->cgroup_path) != 0) {
		ward_fail(err, 0,
			  "container %s: unit %s has the cgroup %s, not the container's %s; the "
			  "state may have been tampered with, and ward leaves the unit alone",
			  st->id, st->systemd_unit, cg,
			  st->cgroup_path ? st->cgroup_path : "(none)");
		goto fail;
	}
	return 1;
fail:
	systemd_disconnect(m);
	return -1;
}

int unit_update(const struct ward_state *st, const struct ward_resources *res,
		struct ward_error *err)
{
	struct systemd_manager m;

	if (!st->systemd_unit)
		return 0;
	int r = open_unit(st, &m, err);
	if (r < 0)
		return -1;
	if (r != 1) {
		if (r == 2)
			systemd_disconnect(&m);
		return ward_fail(err, 0, "container %s: its unit %s no longer holds its cgroup",
				 st->id, st->systemd_unit);
	}
	r = systemd_set_properties(&m, st->systemd_unit, res, err);
	systemd_disconnect(&m);
	return r < 0 ? ward_error_prefix(err, "--systemd-cgroup: unit %s", st->systemd_unit) : 0;
}

void unit_release_begin(const struct ward_state *st, bool cgroup_proved, struct unit_release *r)
{
	struct ward_error e;
	size_t len = st->systemd_unit ? strlen(st->systemd_unit) : 0;

	r->found = 0;
	if (!st->systemd_unit)
		return;
	int found = open_unit(st, &r->m, &e);
	if (found < 0) {
		log_warn("%s", e.msg);
		return;
	}
	/* Holding a cgroup ward cannot prove is the container's: the state may lie. A scope
	 * without one is at most left failed, and clearing that is harmless. */
	if ((found == 1 && !cgroup_proved) ||
	    (found == 2 && (len < 6 || strcmp(st->systemd_unit + len - 6, ".scope") != 0))) {
		if (found == 1)
			log_warn("container %s: its unit %s is left alone (its cgroup %s could not "
				 "be proved to be the container's)",
				 st->id, st->systemd_unit, st->cgroup_path);
		systemd_disconnect(&r->m);
		return;
	}
	r->found = found;
}

void unit_release_end(const struct ward_state *st, struct unit_release *r, bool stop)
{
	struct ward_error e;
	int rc = 0;

	if (!r->found)
		return;
	if (r->found == 1 && stop)
		rc = systemd_stop_unit(&r->m, st->systemd_unit, &e);
	else if (r->found == 2)
		rc = systemd_reset_failed(&r->m, st->systemd_unit, &e);
	if (rc < 0)
		log_warn("--systemd-cgroup: unit %s is left: %s", st->systemd_unit, e.msg);
	systemd_disconnect(&r->m);
	r->found = 0;
}
