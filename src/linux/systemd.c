/* The systemd cgroup driver (see ward/systemd.h): unit names from linux.cgroupsPath, the unit
 * properties for the limits, and the manager's methods ward calls. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ward/cgroup.h"
#include "ward/cleanup.h"
#include "ward/cpulist.h"
#include "ward/log.h"
#include "ward/systemd.h"
#include "ward/util.h"

#define MANAGER_DEST  "org.freedesktop.systemd1"
#define MANAGER_PATH  "/org/freedesktop/systemd1"
#define MANAGER_IFACE "org.freedesktop.systemd1.Manager"
#define UNIT_NAME_MAX 255
/* UnknownObject, UnknownInterface, UnknownProperty...: the unit is not there. */
#define DBUS_ERROR_UNKNOWN "org.freedesktop.DBus.Error.Unknown"
/* How long a job may take: systemd's own clients wait as long for a scope. */
#define JOB_TIMEOUT_MS	 30000
#define CALL_TIMEOUT_MS	 25000
#define SYSTEMD_INFINITY UINT64_MAX

#define SLICE_SUFFIX ".slice"
#define SCOPE_SUFFIX ".scope"

/* ---- names ---- */

/* Whether name is a stem followed by suffix. */
static bool has_unit_suffix(const char *name, const char *suffix)
{
	size_t len = strlen(name), n = strlen(suffix);
	return len > n && strcmp(name + len - n, suffix) == 0;
}

bool systemd_valid_name_part(const char *s, const char **why)
{
	if (!*s) {
		*why = "is empty";
		return false;
	}
	if (strcmp(s, ".") == 0 || strcmp(s, "..") == 0) {
		*why = "is \".\" or \"..\"";
		return false;
	}
	for (const char *c = s; *c; c++) {
		bool ok = (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
			  (*c >= '0' && *c <= '9') || *c == '_' || *c == '.' || *c == '-';
		if (!ok) {
			*why = *c == '/' ? "contains \"/\" (systemd names units, not paths)"
					 : "has a character systemd does not allow in a unit name "
					   "(only letters, digits, \"_\", \".\" and \"-\")";
			return false;
		}
	}
	return true;
}

char *systemd_expand_slice(const char *slice, const char **why)
{
	size_t len = strlen(slice);

	if (!has_unit_suffix(slice, SLICE_SUFFIX)) {
		*why = "does not end in \".slice\"";
		return NULL;
	}
	if (!systemd_valid_name_part(slice, why))
		return NULL;
	if (len > UNIT_NAME_MAX) {
		*why = "is longer than a unit name may be";
		return NULL;
	}
	if (strcmp(slice, "-.slice") == 0)
		return strdup("/");
	size_t stem = len - strlen(SLICE_SUFFIX);
	if (slice[0] == '-' || slice[stem - 1] == '-' || strstr(slice, "--")) {
		*why = "has a \"-\" at the start or end of its name, or two in a row (a \"-\" "
		       "separates parent slices)";
		return NULL;
	}
	/* Each "-" names a parent: a-b-c.slice is /a.slice/a-b.slice/a-b-c.slice. */
	char *out = malloc(len * (len / 2 + 2) + 2), *p = out;
	if (!out) {
		*why = "out of memory";
		return NULL;
	}
	for (size_t i = 0; i <= stem; i++) {
		if (i < stem && slice[i] != '-')
			continue;
		p += sprintf(p, "/%.*s.slice", (int)i, slice);
	}
	return out;
}

bool systemd_valid_unit_name(const char *name)
{
	const char *why;
	size_t len = name ? strlen(name) : 0;

	if (!len || len > UNIT_NAME_MAX || !systemd_valid_name_part(name, &why))
		return false;
	if (has_unit_suffix(name, SCOPE_SUFFIX))
		return true;
	char *path = systemd_expand_slice(name, &why);
	bool ok = path && strcmp(path, "/") != 0;
	free(path);
	return ok;
}

static int bad_path(struct ward_error *err, const char *cgroups_path, const char *part,
		    const char *value, const char *why, const char *fix)
{
	return ward_fail(err, 0,
			 "linux.cgroupsPath: \"%s\" (--systemd-cgroup): the %s \"%s\" %s (%s)",
			 cgroups_path, part, value, why, fix);
}

/* Splits "slice:prefix:name" or "prefix:name" in copy (which it writes into). */
static int split_cgroups_path(char *copy, const char *cgroups_path, const char *id,
			      const char **slice, const char **prefix, const char **name,
			      struct ward_error *err)
{
	char *first = strchr(copy, ':');
	char *second = first ? strchr(first + 1, ':') : NULL;

	if (!first || (second && strchr(second + 1, ':')))
		return ward_fail(err, 0,
				 "linux.cgroupsPath: \"%s\" is not systemd's form, which "
				 "--systemd-cgroup needs (write \"slice:prefix:name\" or "
				 "\"prefix:name\", e.g. \"system.slice:ward:%s\", or drop "
				 "--systemd-cgroup to use a cgroup path)",
				 cgroups_path, id);
	*first = '\0';
	if (second) {
		*second = '\0';
		*slice = copy;
		*prefix = first + 1;
		*name = second + 1;
	} else {
		*prefix = copy;
		*name = first + 1;
	}
	return 0;
}

/* A container that is a slice unit: its place is in its name, which must make it a child of
 * the parent slice. */
static int name_slice_unit(struct systemd_unit *u, const char *shown, const char *name,
			   struct ward_error *err)
{
	const char *why;
	cleanup_free char *path = systemd_expand_slice(name, &why);

	if (!path)
		return bad_path(err, shown, "slice name", name, why,
				"a name ending in .slice makes the container a slice unit");
	if (strcmp(path, "/") == 0)
		return bad_path(err, shown, "name", name,
				"is the root slice, which holds the whole host",
				"name a new slice, or a scope without the .slice suffix");
	const char *leaf = strrchr(path, '/');
	size_t parent_len = (size_t)(leaf - path);
	bool under = strcmp(u->slice_path, "/") == 0
			     ? parent_len == 0
			     : parent_len == strlen(u->slice_path) &&
				       strncmp(path, u->slice_path, parent_len) == 0;
	if (!under)
		return bad_path(err, shown, "slice name", name, "is not a child of the slice",
				"a slice below a-b.slice is named a-b-<name>.slice");
	u->name = strdup(name);
	return 0;
}

/* The scope unit <prefix>-<name>.scope. */
static int name_scope_unit(struct systemd_unit *u, const char *shown, const char *prefix,
			   const char *name, struct ward_error *err)
{
	const char *why;

	if (!systemd_valid_name_part(prefix, &why))
		return bad_path(err, shown, "prefix", prefix, why,
				"give a prefix such as your engine's name: the unit is "
				"<prefix>-<name>.scope");
	if (asprintf(&u->name, "%s-%s.scope", prefix, name) < 0)
		u->name = NULL;
	return 0;
}

int systemd_parse_cgroups_path(const char *cgroups_path, const char *id, bool rootless,
			       struct systemd_unit *u, struct ward_error *err)
{
	cleanup_free char *copy = NULL;
	const char *slice = "", *prefix = "ward", *name = id, *why;
	const char *shown = cgroups_path && *cgroups_path ? cgroups_path : "";

	memset(u, 0, sizeof *u);
	if (cgroups_path && *cgroups_path) {
		copy = strdup(cgroups_path);
		if (!copy)
			return ward_fail(err, ENOMEM, "linux.cgroupsPath");
		if (split_cgroups_path(copy, cgroups_path, id, &slice, &prefix, &name, err) < 0)
			return -1;
	}
	if (!*slice)
		slice = rootless ? "user.slice" : "system.slice";
	u->slice_path = systemd_expand_slice(slice, &why);
	if (!u->slice_path) {
		bad_path(err, shown, "slice", slice, why,
			 "name a slice unit such as system.slice, or machine-foo.slice for a slice "
			 "below machine.slice");
		goto fail;
	}
	if (!systemd_valid_name_part(name, &why)) {
		bad_path(err, shown, "name", name, why, "give the container's name, e.g. its ID");
		goto fail;
	}
	u->is_slice = has_unit_suffix(name, SLICE_SUFFIX);
	if ((u->is_slice ? name_slice_unit(u, shown, name, err)
			 : name_scope_unit(u, shown, prefix, name, err)) < 0)
		goto fail;
	u->slice = strdup(slice);
	if (!u->name || !u->slice) {
		ward_fail(err, ENOMEM, "linux.cgroupsPath");
		goto fail;
	}
	if (strlen(u->name) > UNIT_NAME_MAX) {
		bad_path(err, shown, "unit name", u->name, "is longer than 255 characters",
			 "use a shorter prefix or name");
		goto fail;
	}
	return 0;
fail:
	systemd_unit_clear(u);
	return -1;
}

void systemd_unit_clear(struct systemd_unit *u)
{
	free(u->name);
	free(u->slice);
	free(u->slice_path);
	memset(u, 0, sizeof *u);
}

/* ---- properties ---- */

uint64_t systemd_cpu_quota_per_sec(int64_t quota, uint64_t period)
{
	if (quota <= 0 || !period)
		return SYSTEMD_INFINITY;
	unsigned __int128 usec = (unsigned __int128)quota * 1000000u;
	uint64_t per_sec = (uint64_t)((usec + period - 1) / period);
	return per_sec ? per_sec : 1;
}

/* A cpu or memory-node list as systemd's bit mask: byte i, bit j is number 8i+j. */
static int put_mask(struct dbus_buf *b, const char *prop, const char *field, const char *list,
		    struct ward_error *err)
{
	struct cpulist l;
	const char *why;

	if (cpulist_parse(list, &l, &why) < 0)
		return ward_fail(err, why ? EINVAL : ENOMEM, "%s: \"%s\"%s%s", field, list,
				 why ? ": " : "", why ? why : "");
	size_t bytes = 0;
	for (size_t n = 0; n < l.words * 8 * sizeof(unsigned long); n++)
		if (cpulist_has(&l, n))
			bytes = n / 8 + 1;
	uint8_t *mask = calloc(bytes ? bytes : 1, 1);
	if (!mask) {
		cpulist_free(&l);
		return ward_fail(err, ENOMEM, "%s", field);
	}
	for (size_t n = 0; n < bytes * 8; n++)
		if (cpulist_has(&l, n))
			mask[n / 8] |= (uint8_t)(1u << (n % 8));
	dbus_put_prop_bytes(b, prop, mask, bytes);
	free(mask);
	cpulist_free(&l);
	return 0;
}

/* A unified value ("max" or a number) as a systemd value; false when it is neither. */
static bool unified_value(const char *v, uint64_t *out)
{
	char *end;
	if (strcmp(v, "max") == 0) {
		*out = SYSTEMD_INFINITY;
		return true;
	}
	if (*v < '0' || *v > '9')
		return false;
	errno = 0;
	unsigned long long n = strtoull(v, &end, 10);
	if (errno || *end)
		return false;
	*out = n;
	return true;
}

int systemd_resource_properties(const struct ward_resources *r, unsigned version,
				struct dbus_buf *b, size_t *count, struct ward_error *err)
{
	bool recent = version == 0;
	size_t n = 0;

#define PROP_U64(name, v) (dbus_put_prop_u64(b, name, v), n++)
	if (r->has_memory_limit && r->memory_limit != 0)
		PROP_U64("MemoryMax",
			 r->memory_limit > 0 ? (uint64_t)r->memory_limit : SYSTEMD_INFINITY);
	if (r->has_memory_reservation && r->memory_reservation > 0)
		PROP_U64("MemoryLow", (uint64_t)r->memory_reservation);
	if (r->has_memory_swap && r->memory_swap != 0) {
		/* memory+swap in OCI, swap alone in systemd (as in the cgroup file) */
		if (r->memory_swap < 0)
			PROP_U64("MemorySwapMax", SYSTEMD_INFINITY);
		else if (r->has_memory_limit && r->memory_limit > 0 &&
			 r->memory_swap >= r->memory_limit)
			PROP_U64("MemorySwapMax", (uint64_t)(r->memory_swap - r->memory_limit));
	}
	if (r->has_pids_limit)
		PROP_U64("TasksMax",
			 r->pids_limit > 0 ? (uint64_t)r->pids_limit : SYSTEMD_INFINITY);
	if (r->has_cpu_shares && r->cpu_shares)
		PROP_U64("CPUWeight", cgroup_shares_to_weight(r->cpu_shares));
	if ((r->has_cpu_quota && r->cpu_quota != 0) || (r->has_cpu_period && r->cpu_period)) {
		uint64_t period = r->has_cpu_period && r->cpu_period ? r->cpu_period : 100000;
		PROP_U64("CPUQuotaPerSecUSec",
			 systemd_cpu_quota_per_sec(r->has_cpu_quota ? r->cpu_quota : -1, period));
		/* CPUQuotaPeriodUSec came in systemd 242 */
		if (r->has_cpu_period && r->cpu_period && (recent || version >= 242))
			PROP_U64("CPUQuotaPeriodUSec", r->cpu_period);
	}
	/* AllowedCPUs and AllowedMemoryNodes came in systemd 244 */
	if (recent || version >= 244) {
		if (r->cpu_cpus && *r->cpu_cpus) {
			if (put_mask(b, "AllowedCPUs", "linux.resources.cpu.cpus", r->cpu_cpus,
				     err) < 0)
				return -1;
			n++;
		}
		if (r->cpu_mems && *r->cpu_mems) {
			if (put_mask(b, "AllowedMemoryNodes", "linux.resources.cpu.mems",
				     r->cpu_mems, err) < 0)
				return -1;
			n++;
		}
	}
	if (r->has_blkio_weight && r->blkio_weight)
		PROP_U64("IOWeight", cgroup_blkio_to_io_weight(r->blkio_weight));
	/* The unified keys systemd has a property for (runc sends the same). */
	static const struct {
		const char *key, *prop;
	} unified[] = {
		{"memory.high", "MemoryHigh"},	      {"memory.max", "MemoryMax"},
		{"memory.low", "MemoryLow"},	      {"memory.min", "MemoryMin"},
		{"memory.swap.max", "MemorySwapMax"}, {"pids.max", "TasksMax"},
		{"cpu.weight", "CPUWeight"},
	};
	for (size_t i = 0; i < r->n_unified; i++)
		for (size_t j = 0; j < ARRAY_SIZE(unified); j++) {
			uint64_t v;
			if (strcmp(r->unified[i].key, unified[j].key) == 0 &&
			    unified_value(r->unified[i].value, &v))
				PROP_U64(unified[j].prop, v);
		}
#undef PROP_U64
	*count = n;
	return b->oom ? ward_fail(err, ENOMEM, "unit properties") : 0;
}

/* ---- the manager ---- */

static int try_connect(struct systemd_manager *m, const char *path, bool abstract, bool bus,
		       char *tried, size_t tried_size, struct ward_error *err)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	size_t len = strlen(path);
	size_t used = strlen(tried);

	if (len + 1 + abstract > sizeof addr.sun_path) {
		snprintf(tried + used, tried_size - used, "%s%s: path too long", used ? "; " : "",
			 path);
		return -1;
	}
	memcpy(addr.sun_path + abstract, path, len);
	socklen_t alen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len + abstract +
				     (abstract ? 0 : 1));
	if (dbus_connect(&m->conn, &addr, alen, bus, err) == 0) {
		snprintf(m->address, sizeof m->address, "%s%s", abstract ? "@" : "", path);
		return 0;
	}
	snprintf(tried + used, tried_size - used, "%s%s", used ? "; " : "", err->msg);
	ward_error_clear(err);
	return -1;
}

/* The unix socket of a D-Bus address ("unix:path=/run/user/1000/bus,guid=..."; the first of a
 * ";"-separated list that is a unix path or abstract name). */
static bool bus_address_path(const char *address, char *out, size_t size, bool *abstract)
{
	const char *p = address;
	while (p && *p) {
		size_t len = strcspn(p, ";");
		if (strncmp(p, "unix:", 5) == 0) {
			const char *kv = p + 5;
			while (kv < p + len) {
				size_t kl = strcspn(kv, ",;");
				if (strncmp(kv, "path=", 5) == 0 ||
				    strncmp(kv, "abstract=", 9) == 0) {
					*abstract = kv[0] == 'a';
					size_t skip = *abstract ? 9 : 5;
					if (kl - skip + 1 > size || kl == skip)
						return false;
					memcpy(out, kv + skip, kl - skip);
					out[kl - skip] = '\0';
					/* Escapes (%xx) are not expected in a socket path. */
					return !strchr(out, '%');
				}
				kv += kl + (kv[kl] == ',');
				if (kv[-1] == ';')
					break;
			}
		}
		p = p[len] ? p + len + 1 : NULL;
	}
	return false;
}

static int version_of(struct systemd_manager *m)
{
	struct dbus_buf body = {0};
	struct dbus_msg reply;
	struct ward_error ignored;

	dbus_put_string(&body, MANAGER_IFACE);
	dbus_put_string(&body, "Version");
	int rc = dbus_call(&m->conn, MANAGER_DEST, MANAGER_PATH, "org.freedesktop.DBus.Properties",
			   "Get", "ss", &body, CALL_TIMEOUT_MS, NULL, NULL, &reply, NULL, 0,
			   &ignored);
	dbus_buf_free(&body);
	if (rc < 0) {
		log_debug("systemd: the manager's version is unknown: %s", ignored.msg);
		return -1;
	}
	struct dbus_reader r = dbus_body(&reply);
	const char *sig = strcmp(reply.signature, "v") == 0 ? dbus_get_signature(&r) : NULL;
	const char *v = sig && strcmp(sig, "s") == 0 ? dbus_get_string(&r) : NULL;
	m->version = v ? (unsigned)strtoul(v, NULL, 10) : 0;
	dbus_msg_free(&reply);
	return 0;
}

/* Signals are emitted only to subscribers; on a bus they are also routed only by a match. */
static int subscribe(struct systemd_manager *m, struct ward_error *err)
{
	struct dbus_msg reply;

	if (m->conn.bus) {
		struct dbus_buf rule = {0};
		dbus_put_string(&rule, "type='signal',sender='" MANAGER_DEST "',path='" MANAGER_PATH
				       "',interface='" MANAGER_IFACE "',member='JobRemoved'");
		int rc = dbus_call(&m->conn, "org.freedesktop.DBus", "/org/freedesktop/DBus",
				   "org.freedesktop.DBus", "AddMatch", "s", &rule, CALL_TIMEOUT_MS,
				   NULL, NULL, &reply, NULL, 0, err);
		dbus_buf_free(&rule);
		if (rc < 0)
			return -1;
		dbus_msg_free(&reply);
	}
	if (dbus_call(&m->conn, MANAGER_DEST, MANAGER_PATH, MANAGER_IFACE, "Subscribe", "", NULL,
		      CALL_TIMEOUT_MS, NULL, NULL, &reply, NULL, 0, err) < 0)
		return -1;
	dbus_msg_free(&reply);
	return 0;
}

int systemd_connect(struct systemd_manager *m, bool user, struct ward_error *err)
{
	char tried[2048] = "", path[256];
	bool abstract = false;
	int rc = -1;

	memset(m, 0, sizeof *m);
	m->conn.fd = -1;
	m->user = user;
	if (!user) {
		rc = try_connect(m, "/run/systemd/private", false, false, tried, sizeof tried, err);
		if (rc < 0)
			rc = try_connect(m, "/run/dbus/system_bus_socket", false, true, tried,
					 sizeof tried, err);
	} else {
		const char *xdg = getenv("XDG_RUNTIME_DIR");
		const char *session = getenv("DBUS_SESSION_BUS_ADDRESS");
		if (xdg && *xdg) {
			snprintf(path, sizeof path, "%s/systemd/private", xdg);
			rc = try_connect(m, path, false, false, tried, sizeof tried, err);
		}
		if (rc < 0 && session && bus_address_path(session, path, sizeof path, &abstract))
			rc = try_connect(m, path, abstract, true, tried, sizeof tried, err);
		if (rc < 0 && xdg && *xdg) {
			snprintf(path, sizeof path, "%s/bus", xdg);
			rc = try_connect(m, path, false, true, tried, sizeof tried, err);
		}
		if (rc < 0 && !*tried)
			snprintf(tried, sizeof tried,
				 "neither XDG_RUNTIME_DIR nor DBUS_SESSION_BUS_ADDRESS is set");
	}
	if (rc < 0) {
		ward_fail(err, 0, "--systemd-cgroup: cannot reach the %s systemd manager (%s)",
			  user ? "user's" : "system's", tried);
		return ward_error_hint(
			err, "%s, or drop --systemd-cgroup to give linux.cgroupsPath as a path",
			user ? "run ward in a user session with systemd --user (loginctl "
			       "enable-linger for services), with XDG_RUNTIME_DIR set"
			     : "start systemd");
	}
	if (subscribe(m, err) < 0) {
		systemd_disconnect(m);
		ward_error_prefix(err,
				  "--systemd-cgroup: cannot reach the %s systemd manager at %s",
				  user ? "user's" : "system's", m->address);
		return ward_error_hint(err, "is systemd running? drop --systemd-cgroup to give "
					    "linux.cgroupsPath as a path");
	}
	if (version_of(m) < 0)
		m->version = 0;
	log_debug("systemd: connected to %s (version %u)", m->address, m->version);
	return 0;
}

void systemd_disconnect(struct systemd_manager *m)
{
	dbus_close(&m->conn);
}

/* The JobRemoved signals seen while waiting: the job ward waits for may finish before the
 * reply that names it has been read. */
struct jobs_seen {
	struct {
		char path[128];
		char result[32];
	} job[16];
	size_t n;
};

static void note_job_removed(void *ctx, const struct dbus_msg *m)
{
	struct jobs_seen *seen = ctx;
	if (!m->member || strcmp(m->member, "JobRemoved") != 0 || !m->interface ||
	    strcmp(m->interface, MANAGER_IFACE) != 0 || strcmp(m->signature, "uoss") != 0)
		return;
	struct dbus_reader r = dbus_body(m);
	dbus_get_u32(&r);
	const char *job = dbus_get_string(&r);
	dbus_get_string(&r);
	const char *result = dbus_get_string(&r);
	if (r.bad || !job || !result)
		return;
	size_t i = seen->n < ARRAY_SIZE(seen->job) ? seen->n++ : ARRAY_SIZE(seen->job) - 1;
	snprintf(seen->job[i].path, sizeof seen->job[i].path, "%s", job);
	snprintf(seen->job[i].result, sizeof seen->job[i].result, "%s", result);
}

static const char *job_result(const struct jobs_seen *seen, const char *job)
{
	for (size_t i = 0; i < seen->n; i++)
		if (strcmp(seen->job[i].path, job) == 0)
			return seen->job[i].result;
	return NULL;
}

/* Waits for the JobRemoved of job (a path), then checks its result. */
static int wait_job(struct systemd_manager *m, struct jobs_seen *seen, const char *job,
		    const char *what, const char *unit, struct ward_error *err)
{
	const char *result;

	while (!(result = job_result(seen, job))) {
		struct dbus_msg msg;
		if (dbus_recv(&m->conn, JOB_TIMEOUT_MS, &msg, err) < 0)
			return ward_error_prefix(err, "%s unit %s: wait for its job", what, unit);
		if (msg.type == DBUS_SIGNAL)
			note_job_removed(seen, &msg);
		dbus_msg_free(&msg);
	}
	if (strcmp(result, "done") != 0)
		return ward_fail(err, 0, "%s unit %s: the job ended with \"%s\"", what, unit,
				 result);
	return 0;
}

/* A method returning a job path ("o"), then waiting for that job. */
static int call_job(struct systemd_manager *m, const char *method, const char *sig,
		    const struct dbus_buf *body, const char *what, const char *unit,
		    char *error_name, size_t error_name_size, bool *queued, struct ward_error *err)
{
	struct jobs_seen seen = {0};
	struct dbus_msg reply;
	char job[128];

	if (dbus_call(&m->conn, MANAGER_DEST, MANAGER_PATH, MANAGER_IFACE, method, sig, body,
		      CALL_TIMEOUT_MS, note_job_removed, &seen, &reply, error_name, error_name_size,
		      err) < 0)
		return -1;
	if (queued)
		*queued = true;
	struct dbus_reader r = dbus_body(&reply);
	const char *path = strcmp(reply.signature, "o") == 0 ? dbus_get_string(&r) : NULL;
	if (!path || strlen(path) >= sizeof job) {
		dbus_msg_free(&reply);
		return ward_fail(err, EPROTO, "%s unit %s: the manager's answer names no job", what,
				 unit);
	}
	snprintf(job, sizeof job, "%s", path);
	dbus_msg_free(&reply);
	return wait_job(m, &seen, job, what, unit, err);
}

int systemd_start_unit(struct systemd_manager *m, const struct systemd_unit *u, pid_t pid,
		       const struct ward_resources *res, const char *description,
		       char **cgroup_path, bool *created, struct ward_error *err)
{
	struct dbus_buf body = {0};
	size_t n;
	int rc = -1;

	*cgroup_path = NULL;
	*created = false;
	dbus_put_string(&body, u->name);
	dbus_put_string(&body, "fail");
	size_t props = dbus_open_array(&body, 8);
	dbus_put_prop_string(&body, "Description", description);
	if (u->is_slice) {
		/* A slice's parent is in its name; Wants= only orders it after the parent. */
		const char *parent = u->slice;
		dbus_put_prop_strv(&body, "Wants", &parent, 1);
	} else {
		uint32_t pids[1] = {(uint32_t)pid};
		dbus_put_prop_string(&body, "Slice", u->slice);
		dbus_put_prop_bool(&body, "Delegate", true);
		dbus_put_prop_u32_array(&body, "PIDs", pids, 1);
	}
	/* Not stopped with the host's shutdown targets before the engine stops it (runc). */
	dbus_put_prop_bool(&body, "DefaultDependencies", false);
	/* Accounting everywhere, so the controllers are enabled down to the unit (runc). */
	dbus_put_prop_bool(&body, "MemoryAccounting", true);
	dbus_put_prop_bool(&body, "CPUAccounting", true);
	dbus_put_prop_bool(&body, "IOAccounting", true);
	dbus_put_prop_bool(&body, "TasksAccounting", true);
	if (systemd_resource_properties(res, m->version, &body, &n, err) < 0)
		goto out;
	dbus_close_array(&body, props, 8);
	size_t aux = dbus_open_array(&body, 8);
	dbus_close_array(&body, aux, 8);
	char error_name[256];
	if (call_job(m, "StartTransientUnit", "ssa(sv)a(sa(sv))", &body, "start", u->name,
		     error_name, sizeof error_name, created, err) < 0) {
		if (strcmp(error_name, "org.freedesktop.systemd1.UnitExists") == 0)
			ward_error_hint(err,
					"the unit exists already: a container's unit is always a "
					"new one; choose another name in linux.cgroupsPath, or "
					"delete the container that has it");
		goto out;
	}
	int r = systemd_unit_cgroup(m, u->name, cgroup_path, err);
	if (r == -ENOENT || (r == 0 && !*cgroup_path)) {
		ward_fail(err, 0, "start unit %s: the unit is gone, or has no cgroup, once started",
			  u->name);
		goto out;
	}
	if (r < 0)
		goto out;
	rc = 0;
out:
	dbus_buf_free(&body);
	return rc;
}

int systemd_unit_cgroup(struct systemd_manager *m, const char *name, char **cgroup_path,
			struct ward_error *err)
{
	struct dbus_buf body = {0};
	struct dbus_msg reply;
	char error_name[256];
	int rc;

	*cgroup_path = NULL;
	dbus_put_string(&body, name);
	rc = dbus_call(&m->conn, MANAGER_DEST, MANAGER_PATH, MANAGER_IFACE, "GetUnit", "s", &body,
		       CALL_TIMEOUT_MS, NULL, NULL, &reply, error_name, sizeof error_name, err);
	dbus_buf_free(&body);
	if (rc < 0)
		return strcmp(error_name, "org.freedesktop.systemd1.NoSuchUnit") == 0 ? -ENOENT
										      : -1;
	struct dbus_reader r = dbus_body(&reply);
	const char *p = strcmp(reply.signature, "o") == 0 ? dbus_get_string(&r) : NULL;
	cleanup_free char *object = p ? strdup(p) : NULL;
	dbus_msg_free(&reply);
	if (!object)
		return ward_fail(err, EPROTO, "GetUnit %s: no object path in the answer", name);

	size_t len = strlen(name);
	const char *iface = len > 6 && strcmp(name + len - 6, ".slice") == 0
				    ? "org.freedesktop.systemd1.Slice"
				    : "org.freedesktop.systemd1.Scope";
	dbus_put_string(&body, iface);
	dbus_put_string(&body, "ControlGroup");
	rc = dbus_call(&m->conn, MANAGER_DEST, object, "org.freedesktop.DBus.Properties", "Get",
		       "ss", &body, CALL_TIMEOUT_MS, NULL, NULL, &reply, error_name,
		       sizeof error_name, err);
	dbus_buf_free(&body);
	if (rc < 0)
		return strncmp(error_name, DBUS_ERROR_UNKNOWN, strlen(DBUS_ERROR_UNKNOWN)) == 0
			       ? -ENOENT
			       : -1;
	r = dbus_body(&reply);
	const char *sig = strcmp(reply.signature, "v") == 0 ? dbus_get_signature(&r) : NULL;
	const char *cg = sig && strcmp(sig, "s") == 0 ? dbus_get_string(&r) : NULL;
	if (!cg) {
		dbus_msg_free(&reply);
		return ward_fail(err, EPROTO, "unit %s: ControlGroup is not a string", name);
	}
	if (*cg && !(*cgroup_path = strdup(cg))) {
		dbus_msg_free(&reply);
		return ward_fail(err, ENOMEM, "unit %s", name);
	}
	dbus_msg_free(&reply);
	return 0;
}

int systemd_set_properties(struct systemd_manager *m, const char *name,
			   const struct ward_resources *res, struct ward_error *err)
{
	struct dbus_buf body = {0};
	struct dbus_msg reply;
	size_t n;
	int rc = -1;

	dbus_put_string(&body, name);
	dbus_put_bool(&body, true); /* runtime: the unit is transient anyway */
	size_t props = dbus_open_array(&body, 8);
	if (systemd_resource_properties(res, m->version, &body, &n, err) < 0)
		goto out;
	dbus_close_array(&body, props, 8);
	if (!n) {
		rc = 0;
		goto out;
	}
	if (dbus_call(&m->conn, MANAGER_DEST, MANAGER_PATH, MANAGER_IFACE, "SetUnitProperties",
		      "sba(sv)", &body, CALL_TIMEOUT_MS, NULL, NULL, &reply, NULL, 0, err) < 0)
		goto out;
	dbus_msg_free(&reply);
	rc = 0;
out:
	dbus_buf_free(&body);
	return rc;
}

int systemd_reset_failed(struct systemd_manager *m, const char *name, struct ward_error *err)
{
	struct dbus_buf body = {0};
	struct dbus_msg reply;
	char error_name[256];

	dbus_put_string(&body, name);
	int rc = dbus_call(&m->conn, MANAGER_DEST, MANAGER_PATH, MANAGER_IFACE, "ResetFailedUnit",
			   "s", &body, CALL_TIMEOUT_MS, NULL, NULL, &reply, error_name,
			   sizeof error_name, err);
	dbus_buf_free(&body);
	if (rc == 0) {
		dbus_msg_free(&reply);
		return 0;
	}
	if (strcmp(error_name, "org.freedesktop.systemd1.NoSuchUnit") != 0)
		return -1;
	ward_error_clear(err);
	return 0;
}

int systemd_stop_unit(struct systemd_manager *m, const char *name, struct ward_error *err)
{
	struct dbus_buf body = {0};
	char error_name[256];
	int rc;

	dbus_put_string(&body, name);
	dbus_put_string(&body, "replace");
	rc = call_job(m, "StopUnit", "ss", &body, "stop", name, error_name, sizeof error_name, NULL,
		      err);
	dbus_buf_free(&body);
	if (rc < 0 && strcmp(error_name, "org.freedesktop.systemd1.NoSuchUnit") != 0)
		return -1;
	ward_error_clear(err);
	/* A unit whose processes were killed may be left "failed", and so loaded. */
	return systemd_reset_failed(m, name, err);
}
