/* linux.resources -> cgroup v2 files, converted as runc and crun do. Every write names the
 * config field it comes from; a limit whose controller the hierarchy lacks is an error, while
 * a value that only restates the kernel's default is skipped. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ward/cgroup.h"
#include "ward/cleanup.h"
#include "ward/util.h"

struct cg_write {
	char field[96];
	char controller[16];
	char file[64];
	char *value;	 /* as long as it is: a cpuset list is never cut short */
	bool is_default; /* the kernel's default value: harmless to skip */
};

struct cg_plan {
	struct cg_write *w;
	size_t n, cap;
};

static int add(struct cg_plan *p, const char *field, const char *controller, const char *file,
	       bool is_default, const char *fmt, ...) __attribute__((format(printf, 6, 7)));
static int add(struct cg_plan *p, const char *field, const char *controller, const char *file,
	       bool is_default, const char *fmt, ...)
{
	va_list ap;
	if (p->n == p->cap) {
		struct cg_write *grown = array_grow(p->w, &p->cap, sizeof *grown, 16);
		if (!grown)
			return -1;
		p->w = grown;
	}
	struct cg_write *w = &p->w[p->n];
	snprintf(w->field, sizeof w->field, "%s", field);
	snprintf(w->controller, sizeof w->controller, "%s", controller);
	snprintf(w->file, sizeof w->file, "%s", file);
	va_start(ap, fmt);
	int n = vasprintf(&w->value, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -1;
	w->is_default = is_default;
	p->n++;
	return 0;
}

static void plan_free(struct cg_plan *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->w[i].value);
	free(p->w);
}

/* crun's mapping of cgroup v1 shares [2, 262144] onto v2 weights [1, 10000]: a quadratic in
 * log2 that sends the v1 default 1024 to the v2 default 100. */
uint64_t cgroup_shares_to_weight(uint64_t shares)
{
	if (shares == 0)
		return 0;
	if (shares <= 2)
		return 1;
	if (shares >= 262144)
		return 10000;
	double l = log2((double)shares);
	double exponent = (l * l + 125 * l) / 612.0 - 7.0 / 34.0;
	return (uint64_t)ceil(pow(10, exponent));
}

/* blkio weight [10, 1000] onto io.weight [1, 10000] (runc's linear mapping). */
uint64_t cgroup_blkio_to_io_weight(uint16_t weight)
{
	if (weight == 0)
		return 0;
	if (weight < 10)
		weight = 10;
	return 1 + ((uint64_t)weight - 10) * 9999 / 990;
}

static int plan_memory(const struct ward_resources *r, struct cg_plan *p, struct ward_error *err)
{
	if (r->has_disable_oom_killer && r->disable_oom_killer)
		return ward_fail(err, 0,
				 "linux.resources.memory.disableOOMKiller: cgroup v2 has no "
				 "way to disable the OOM killer (remove it or set it to "
				 "false)");
	if (r->has_memory_limit && r->memory_limit != 0) {
		if (r->memory_limit > 0) {
			if (add(p, "linux.resources.memory.limit", "memory", "memory.max", false,
				"%" PRId64, r->memory_limit) < 0)
				return -1;
		} else if (add(p, "linux.resources.memory.limit", "memory", "memory.max", true,
			       "max") < 0) {
			return -1;
		}
	}
	if (r->has_memory_reservation && r->memory_reservation > 0 &&
	    add(p, "linux.resources.memory.reservation", "memory", "memory.low", false, "%" PRId64,
		r->memory_reservation) < 0)
		return -1;
	if (r->has_memory_swap && r->memory_swap != 0) {
		/* OCI's swap is memory+swap; cgroup v2 limits swap alone. */
		if (r->memory_swap == -1) {
			if (add(p, "linux.resources.memory.swap", "memory", "memory.swap.max", true,
				"max") < 0)
				return -1;
		} else if (!r->has_memory_limit || r->memory_limit <= 0) {
			return ward_fail(err, 0,
					 "linux.resources.memory.swap: needs memory.limit "
					 "(swap counts memory plus swap)");
		} else if (r->memory_swap < r->memory_limit) {
			return ward_fail(err, 0,
					 "linux.resources.memory.swap: %" PRId64
					 " is below memory.limit %" PRId64
					 " (swap counts memory plus swap)",
					 r->memory_swap, r->memory_limit);
		} else if (add(p, "linux.resources.memory.swap", "memory", "memory.swap.max", false,
			       "%" PRId64, r->memory_swap - r->memory_limit) < 0) {
			return -1;
		}
	}
	return 0;
}

static int plan_cpu(const struct ward_resources *r, struct cg_plan *p, struct ward_error *err)
{
	if (r->has_cpu_shares && r->cpu_shares) {
		uint64_t w = cgroup_shares_to_weight(r->cpu_shares);
		if (add(p, "linux.resources.cpu.shares", "cpu", "cpu.weight", w == 100, "%" PRIu64,
			w) < 0)
			return -1;
	}
	if ((r->has_cpu_quota && r->cpu_quota != 0) || (r->has_cpu_period && r->cpu_period)) {
		uint64_t period = r->has_cpu_period && r->cpu_period ? r->cpu_period : 100000;
		bool unlimited = !r->has_cpu_quota || r->cpu_quota <= 0;
		char quota[32];
		snprintf(quota, sizeof quota, "%" PRId64, r->cpu_quota);
		if (add(p, "linux.resources.cpu.quota", "cpu", "cpu.max",
			unlimited && period == 100000, "%s %" PRIu64, unlimited ? "max" : quota,
			period) < 0)
			return -1;
	}
	if (r->has_cpu_burst && add(p, "linux.resources.cpu.burst", "cpu", "cpu.max.burst",
				    r->cpu_burst == 0, "%" PRIu64, r->cpu_burst) < 0)
		return -1;
	if ((r->has_cpu_rt_runtime && r->cpu_rt_runtime != 0) ||
	    (r->has_cpu_rt_period && r->cpu_rt_period != 0))
		return ward_fail(err, 0,
				 "linux.resources.cpu.realtimeRuntime: real-time CPU "
				 "limits do not exist in cgroup v2 (remove them)");
	if (r->cpu_cpus && *r->cpu_cpus &&
	    add(p, "linux.resources.cpu.cpus", "cpuset", "cpuset.cpus", false, "%s", r->cpu_cpus) <
		    0)
		return -1;
	if (r->cpu_mems && *r->cpu_mems &&
	    add(p, "linux.resources.cpu.mems", "cpuset", "cpuset.mems", false, "%s", r->cpu_mems) <
		    0)
		return -1;
	if (r->has_cpu_idle && add(p, "linux.resources.cpu.idle", "cpu", "cpu.idle",
				   r->cpu_idle == 0, "%" PRId64, r->cpu_idle) < 0)
		return -1;
	return 0;
}

static int plan_io(const struct ward_resources *r, struct cg_plan *p)
{
	static const char *const keys[4] = {"rbps", "wbps", "riops", "wiops"};
	static const char *const fields[4] = {
		"linux.resources.blockIO.throttleReadBpsDevice",
		"linux.resources.blockIO.throttleWriteBpsDevice",
		"linux.resources.blockIO.throttleReadIOPSDevice",
		"linux.resources.blockIO.throttleWriteIOPSDevice",
	};
	if (r->has_blkio_weight && r->blkio_weight &&
	    add(p, "linux.resources.blockIO.weight", "io", "io.weight", false, "default %" PRIu64,
		cgroup_blkio_to_io_weight(r->blkio_weight)) < 0)
		return -1;
	for (size_t i = 0; i < r->n_blkio_weight_devices; i++) {
		const struct ward_weight_device *d = &r->blkio_weight_devices[i];
		if (d->has_weight &&
		    add(p, "linux.resources.blockIO.weightDevice", "io", "io.weight", false,
			"%" PRId64 ":%" PRId64 " %" PRIu64, d->major, d->minor,
			cgroup_blkio_to_io_weight(d->weight)) < 0)
			return -1;
	}
	for (int k = 0; k < 4; k++) {
		for (size_t i = 0; i < r->n_throttle[k]; i++) {
			const struct ward_throttle_device *d = &r->throttle[k][i];
			if (add(p, fields[k], "io", "io.max", false,
				"%" PRId64 ":%" PRId64 " %s=%" PRIu64, d->major, d->minor, keys[k],
				d->rate) < 0)
				return -1;
		}
	}
	return 0;
}

static int plan_rest(const struct ward_resources *r, struct cg_plan *p, struct ward_error *err)
{
	if (r->has_pids_limit &&
	    add(p, "linux.resources.pids.limit", "pids", "pids.max", r->pids_limit <= 0,
		r->pids_limit > 0 ? "%" PRId64 : "max", r->pids_limit) < 0)
		return -1;
	for (size_t i = 0; i < r->n_hugepage_limits; i++) {
		char file[64];
		snprintf(file, sizeof file, "hugetlb.%s.max", r->hugepage_limits[i].page_size);
		if (add(p, "linux.resources.hugepageLimits", "hugetlb", file, false, "%" PRIu64,
			r->hugepage_limits[i].limit) < 0)
			return -1;
	}
	for (size_t i = 0; i < r->n_rdma; i++) {
		const struct ward_rdma_limit *l = &r->rdma[i];
		char handles[32] = "", objects[32] = "";
		/* The device name is the config's, of any length: only the numbers are bounded. */
		if (l->has_hca_handles)
			snprintf(handles, sizeof handles, " hca_handle=%u", l->hca_handles);
		if (l->has_hca_objects)
			snprintf(objects, sizeof objects, " hca_object=%u", l->hca_objects);
		if (add(p, "linux.resources.rdma", "rdma", "rdma.max", false, "%s%s%s", l->device,
			handles, objects) < 0)
			return -1;
	}
	if (r->has_net_class_id || r->n_net_priorities)
		return ward_fail(err, 0,
				 "linux.resources.network: net_cls and net_prio are cgroup "
				 "v1 controllers, which ward does not use (remove it)");
	for (size_t i = 0; i < r->n_unified; i++) {
		char controller[16];
		const char *key = r->unified[i].key;
		snprintf(controller, sizeof controller, "%.*s", (int)strcspn(key, "."), key);
		char field[96];
		snprintf(field, sizeof field, "linux.resources.unified.%s", key);
		if (add(p, field, controller, key, false, "%s", r->unified[i].value) < 0)
			return -1;
	}
	return 0;
}

static bool has_word(const char *list, const char *word)
{
	size_t wl = strlen(word);
	for (const char *p = list; (p = strstr(p, word)) != NULL; p += wl)
		if ((p == list || p[-1] == ' ' || p[-1] == '\n') &&
		    (p[wl] == ' ' || p[wl] == '\n' || p[wl] == '\0'))
			return true;
	return false;
}

static int read_small(const char *path, char *buf, size_t size)
{
	cleanup_close int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;
	if (fd < 0 || (n = read_all(fd, buf, size - 1)) < 0)
		return -1;
	buf[n] = '\0';
	return 0;
}

/* Enables controller in every ancestor of path, from the root down. */
static int enable_controller(const char *root, const char *path, const char *controller,
			     struct ward_error *err)
{
	char dir[PATH_MAX], value[32];
	size_t rl = strlen(root);

	snprintf(dir, sizeof dir, "%s%s", root, path);
	snprintf(value, sizeof value, "+%s", controller);
	for (char *p = dir + rl;; p = strchr(p + 1, '/')) {
		char saved = p ? *p : '\0';
		char file[PATH_MAX + 32];
		if (!p)
			break;
		*p = '\0';
		snprintf(file, sizeof file, "%s/cgroup.subtree_control", dir);
		*p = saved;
		/* An ancestor that already delegates it is left alone: above a delegated cgroup
		 * (a systemd unit, a rootless user's) the file is not ours to write, and runc
		 * writes nothing there either. */
		char enabled[512];
		if (read_small(file, enabled, sizeof enabled) == 0 && has_word(enabled, controller))
			continue;
		cleanup_close int fd = open(file, O_WRONLY | O_CLOEXEC);
		if (fd < 0 || write_all(fd, value, strlen(value)) < 0)
			return ward_fail(err, errno, "enable the %s controller in %s", controller,
					 file);
	}
	return 0;
}

bool cgroup_resources_limit(const struct ward_resources *res)
{
	struct cg_plan plan = {0};
	struct ward_error ignored;
	bool limit = false;

	if (plan_memory(res, &plan, &ignored) < 0 || plan_cpu(res, &plan, &ignored) < 0 ||
	    plan_io(res, &plan) < 0 || plan_rest(res, &plan, &ignored) < 0)
		limit = true; /* refused settings count: they must not pass silently */
	for (size_t i = 0; i < plan.n; i++)
		limit |= !plan.w[i].is_default;
	plan_free(&plan);
	return limit;
}

int cgroup_enable_all(const char *root, const char *path)
{
	char available[512], ctlfile[PATH_MAX];
	struct ward_error ignored;

	snprintf(ctlfile, sizeof ctlfile, "%s/cgroup.controllers", root);
	if (read_small(ctlfile, available, sizeof available) < 0)
		return -1;
	for (char *save = NULL, *c = strtok_r(available, " \n", &save); c;
	     c = strtok_r(NULL, " \n", &save))
		enable_controller(root, path, c, &ignored);
	return 0;
}

int cgroup_apply_resources(int cgfd, const char *root, const char *path,
			   const struct ward_resources *res, struct ward_error *err)
{
	struct cg_plan plan = {0};
	char available[512], enabled[512] = "";
	char ctlfile[PATH_MAX];
	int rc = -1;

	if (plan_memory(res, &plan, err) < 0 || plan_cpu(res, &plan, err) < 0 ||
	    plan_io(res, &plan) < 0 || plan_rest(res, &plan, err) < 0) {
		if (!err->msg[0])
			ward_fail(err, ENOMEM, "linux.resources");
		goto out;
	}
	snprintf(ctlfile, sizeof ctlfile, "%s/cgroup.controllers", root);
	if (read_small(ctlfile, available, sizeof available) < 0) {
		ward_fail(err, errno, "read %s", ctlfile);
		goto out;
	}
	for (size_t i = 0; i < plan.n; i++) {
		struct cg_write *w = &plan.w[i];
		if (!has_word(available, w->controller)) {
			if (w->is_default)
				continue;
			available[strcspn(available, "\n")] = '\0';
			ward_fail(err, 0,
				  "%s: the %s controller is not available in the cgroup v2 "
				  "hierarchy at %s (it has: %s); ward refuses a limit it "
				  "cannot enforce (enable the controller, or remove the "
				  "limit)",
				  w->field, w->controller, root, *available ? available : "none");
			goto out;
		}
		if (!has_word(enabled, w->controller)) {
			if (enable_controller(root, path, w->controller, err) < 0)
				goto out;
			strncat(enabled, " ", sizeof enabled - strlen(enabled) - 1);
			strncat(enabled, w->controller, sizeof enabled - strlen(enabled) - 1);
		}
		cleanup_close int fd = openat(cgfd, w->file, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
		if (fd < 0) {
			ward_fail(err, errno, "%s: open %s%s/%s", w->field, root, path, w->file);
			goto out;
		}
		if (write_all(fd, w->value, strlen(w->value)) < 0) {
			ward_fail(err, errno, "%s: write \"%s\" to %s", w->field, w->value,
				  w->file);
			goto out;
		}
	}
	rc = 0;
out:
	plan_free(&plan);
	return rc;
}

int cgroup_check_memory_usage(int cgfd, int64_t limit, struct ward_error *err)
{
	char buf[32];
	cleanup_close int fd = openat(cgfd, "memory.current", O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	ssize_t n;
	char *end;

	if (fd < 0 && errno == ENOENT)
		return 0;
	if (fd < 0 || (n = read_all(fd, buf, sizeof buf - 1)) < 0)
		return ward_fail(err, errno, "memory.checkBeforeUpdate: read memory.current");
	buf[n] = '\0';
	errno = 0;
	unsigned long long usage = strtoull(buf, &end, 10);
	if (errno || end == buf || (*end && *end != '\n'))
		return ward_fail(err, EINVAL, "memory.checkBeforeUpdate: memory.current \"%.20s\"",
				 buf);
	if ((unsigned long long)limit < usage)
		return ward_fail(err, 0,
				 "memory.limit: %" PRId64 " bytes is below the container's current "
				 "usage of %llu bytes, and memory.checkBeforeUpdate asks to refuse "
				 "it (the kernel would OOM-kill the container instead)",
				 limit, usage);
	return 0;
}
