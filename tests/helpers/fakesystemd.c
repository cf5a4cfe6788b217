/* A stand-in systemd manager for the integration tests, on hosts without systemd: it speaks
 * the manager's D-Bus methods ward calls (Subscribe, StartTransientUnit, GetUnit, the
 * ControlGroup and Version properties, SetUnitProperties, StopUnit, ResetFailedUnit), makes
 * each unit's cgroup below a test cgroup as systemd would (the PIDs moved in, a scope removed
 * once empty), and logs every call with its properties, one line each.
 *
 *   fakesystemd SOCKET CGROUP_MOUNT CGROUP_BASE LOG [--fail-job UNIT] [--lie UNIT=CGROUP]
 *
 * --fail-job: the unit's start job ends "failed" (the unit is made, as systemd leaves it).
 * --lie: GetUnit answers that the unit's cgroup is CGROUP (an existing one), as a broken or
 * hostile manager could. It serves one connection at a time until SIGTERM. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "ward/systemd_dbus.h"

#define MAX_UNITS 64

struct unit {
	char name[256];
	char cgroup[1024]; /* below the mount; "" once stopped */
	bool failed, slice;
};

static struct unit units[MAX_UNITS];
static const char *mount_point, *base, *fail_job, *lie_unit, *lie_cgroup;
static FILE *log_file;
static unsigned job_ids;
static volatile sig_atomic_t stop;

static void logline(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void logline(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vfprintf(log_file, fmt, ap);
	va_end(ap);
	fputc('\n', log_file);
	fflush(log_file);
}

static struct unit *find(const char *name)
{
	for (int i = 0; i < MAX_UNITS; i++)
		if (units[i].name[0] && strcmp(units[i].name, name) == 0)
			return &units[i];
	return NULL;
}

static void full_path(const char *cg, char *out, size_t size)
{
	snprintf(out, size, "%s%s", mount_point, cg);
}

static bool populated(const char *cg)
{
	char path[1200], buf[256];
	snprintf(path, sizeof path, "%s%s/cgroup.events", mount_point, cg);
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return false;
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	return strstr(buf, "populated 1") != NULL;
}

/* systemd stops a scope whose cgroup became empty, and forgets it (unless it failed). */
static void collect_empty(void)
{
	for (int i = 0; i < MAX_UNITS; i++) {
		struct unit *u = &units[i];
		if (!u->name[0] || u->slice || !u->cgroup[0] || populated(u->cgroup))
			continue;
		char path[1200];
		full_path(u->cgroup, path, sizeof path);
		rmdir(path);
		logline("gc %s", u->name);
		u->cgroup[0] = '\0';
		if (!u->failed)
			u->name[0] = '\0';
	}
}

/* Accounting on: every controller the parent has is enabled for its children. */
static void enable_controllers(const char *dir)
{
	char path[1300], buf[512];
	snprintf(path, sizeof path, "%s/cgroup.controllers", dir);
	int fd = open(path, O_RDONLY);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof buf - 1);
	if (fd >= 0)
		close(fd);
	if (n <= 0)
		return;
	buf[n] = '\0';
	snprintf(path, sizeof path, "%s/cgroup.subtree_control", dir);
	for (char *c = strtok(buf, " \n"); c; c = strtok(NULL, " \n")) {
		char op[64];
		int len = snprintf(op, sizeof op, "+%s", c);
		fd = open(path, O_WRONLY);
		if (fd >= 0 && write(fd, op, (size_t)len) < 0)
			logline("enable %s in %s: %s", c, dir, strerror(errno));
		if (fd >= 0)
			close(fd);
	}
}

static void mkdirs(const char *cg)
{
	char path[1200];
	full_path(cg, path, sizeof path);
	for (char *p = path + strlen(mount_point) + 1; *p; p++)
		if (*p == '/') {
			*p = '\0';
			mkdir(path, 0755);
			enable_controllers(path);
			*p = '/';
		}
	mkdir(path, 0755);
}

static char *expand_slice(const char *slice)
{
	static char out[1024];
	size_t stem = strlen(slice) - 6, used = 0;
	out[0] = '\0';
	if (strcmp(slice, "-.slice") == 0)
		return out;
	for (size_t i = 0; i <= stem; i++)
		if (i == stem || slice[i] == '-')
			used += (size_t)snprintf(out + used, sizeof out - used, "/%.*s.slice",
						 (int)i, slice);
	return out;
}

/* ---- replies ---- */

static int reply(struct dbus_conn *c, const struct dbus_msg *call, const char *sig,
		 const struct dbus_buf *body)
{
	struct ward_error err;
	struct dbus_msg m = {.type = DBUS_METHOD_RETURN,
			     .serial = ++c->serial,
			     .reply_serial = call->serial,
			     .signature = sig,
			     .body = body ? body->data : NULL,
			     .body_len = body ? body->len : 0};
	return dbus_send(c, &m, &err);
}

static int reply_error(struct dbus_conn *c, const struct dbus_msg *call, const char *name,
		       const char *text)
{
	struct ward_error err;
	struct dbus_buf body = {0};
	dbus_put_string(&body, text);
	struct dbus_msg m = {.type = DBUS_ERROR,
			     .serial = ++c->serial,
			     .reply_serial = call->serial,
			     .error_name = name,
			     .signature = "s",
			     .body = body.data,
			     .body_len = body.len};
	int rc = dbus_send(c, &m, &err);
	dbus_buf_free(&body);
	logline("error %s: %s", name, text);
	return rc;
}

static int reply_job(struct dbus_conn *c, const struct dbus_msg *call, const char *unit,
		     const char *result)
{
	struct ward_error err;
	struct dbus_buf body = {0};
	char job[64];
	unsigned id = ++job_ids;

	snprintf(job, sizeof job, "/org/freedesktop/systemd1/job/%u", id);
	dbus_put_string(&body, job);
	int rc = reply(c, call, "o", &body);
	dbus_buf_free(&body);
	if (rc < 0)
		return -1;
	dbus_put_u32(&body, id);
	dbus_put_string(&body, job);
	dbus_put_string(&body, unit);
	dbus_put_string(&body, result);
	struct dbus_msg sig = {.type = DBUS_SIGNAL,
			       .serial = ++c->serial,
			       .path = "/org/freedesktop/systemd1",
			       .interface = "org.freedesktop.systemd1.Manager",
			       .member = "JobRemoved",
			       .signature = "uoss",
			       .body = body.data,
			       .body_len = body.len};
	rc = dbus_send(c, &sig, &err);
	dbus_buf_free(&body);
	return rc;
}

static int reply_string_variant(struct dbus_conn *c, const struct dbus_msg *call, const char *v)
{
	struct dbus_buf body = {0};
	dbus_put_signature(&body, "s");
	dbus_put_string(&body, v);
	int rc = reply(c, call, "v", &body);
	dbus_buf_free(&body);
	return rc;
}

/* ---- methods ---- */

/* Logs an a(sv) property list ("Name=value ..."); returns the PIDs and Slice it names. */
static bool read_props(struct dbus_reader *r, char *line, size_t size, pid_t *pids, size_t *npids,
		       char *slice, size_t slice_size)
{
	size_t end = dbus_get_array(r, 8), used = strlen(line);
	*npids = 0;
	while (!r->bad && r->pos < end) {
		dbus_get_struct(r);
		const char *name = dbus_get_string(r);
		const char *sig = dbus_get_signature(r);
		char value[512] = "";
		if (!name || !sig)
			return false;
		if (strcmp(sig, "s") == 0) {
			const char *s = dbus_get_string(r);
			snprintf(value, sizeof value, "%s", s ? s : "");
			if (strcmp(name, "Slice") == 0)
				snprintf(slice, slice_size, "%s", value);
		} else if (strcmp(sig, "b") == 0) {
			snprintf(value, sizeof value, "%s", dbus_get_bool(r) ? "true" : "false");
		} else if (strcmp(sig, "t") == 0) {
			unsigned long long v = dbus_get_u64(r);
			if (v == ~0ULL)
				snprintf(value, sizeof value, "infinity");
			else
				snprintf(value, sizeof value, "%llu", v);
		} else if (strcmp(sig, "au") == 0 || strcmp(sig, "ay") == 0 ||
			   strcmp(sig, "as") == 0) {
			size_t e = dbus_get_array(r, sig[1] == 'y' ? 1 : 4), vu = 0;
			while (!r->bad && r->pos < e) {
				if (sig[1] == 'u') {
					uint32_t pid = dbus_get_u32(r);
					if (strcmp(name, "PIDs") == 0 && *npids < 8)
						pids[(*npids)++] = (pid_t)pid;
					vu += (size_t)snprintf(value + vu, sizeof value - vu,
							       "%s%u", vu ? "," : "", pid);
				} else if (sig[1] == 'y') {
					vu += (size_t)snprintf(value + vu, sizeof value - vu,
							       "%s0x%02x", vu ? "," : "",
							       dbus_get_byte(r));
				} else {
					const char *s = dbus_get_string(r);
					vu += (size_t)snprintf(value + vu, sizeof value - vu,
							       "%s%s", vu ? "," : "", s ? s : "");
				}
				if (vu >= sizeof value)
					vu = sizeof value - 1;
			}
		} else {
			snprintf(value, sizeof value, "(%s)", sig);
			dbus_skip(r, &sig);
		}
		used += (size_t)snprintf(line + used, size - used, " %s=%s", name, value);
		if (used >= size)
			used = size - 1;
	}
	return !r->bad;
}

static int move_pid(const char *cg, pid_t pid)
{
	char path[1200], value[32];
	snprintf(path, sizeof path, "%s%s/cgroup.procs", mount_point, cg);
	int fd = open(path, O_WRONLY);
	int len = snprintf(value, sizeof value, "%d", pid);
	int rc = fd >= 0 && write(fd, value, (size_t)len) == len ? 0 : -1;
	if (fd >= 0)
		close(fd);
	return rc;
}

static int start_transient_unit(struct dbus_conn *c, const struct dbus_msg *m)
{
	struct dbus_reader r = dbus_body(m);
	const char *name = dbus_get_string(&r), *mode = dbus_get_string(&r);
	char line[4096], slice[256] = "system.slice";
	pid_t pids[8];
	size_t npids;

	if (!name || !mode || strcmp(m->signature, "ssa(sv)a(sa(sv))") != 0)
		return reply_error(c, m, "org.freedesktop.DBus.Error.InvalidArgs", "bad arguments");
	snprintf(line, sizeof line, "StartTransientUnit %s mode=%s", name, mode);
	if (!read_props(&r, line, sizeof line, pids, &npids, slice, sizeof slice))
		return reply_error(c, m, "org.freedesktop.DBus.Error.InvalidArgs",
				   "bad properties");
	logline("%s", line);
	collect_empty();
	if (find(name))
		return reply_error(c, m, "org.freedesktop.systemd1.UnitExists", "Unit exists");
	struct unit *u = find("");
	for (int i = 0; !u && i < MAX_UNITS; i++)
		if (!units[i].name[0])
			u = &units[i];
	if (!u)
		return reply_error(c, m, "org.freedesktop.DBus.Error.LimitsExceeded", "full");
	memset(u, 0, sizeof *u);
	snprintf(u->name, sizeof u->name, "%s", name);
	size_t len = strlen(name);
	u->slice = len > 6 && strcmp(name + len - 6, ".slice") == 0;
	if (u->slice)
		snprintf(u->cgroup, sizeof u->cgroup, "%s%s", base, expand_slice(name));
	else
		snprintf(u->cgroup, sizeof u->cgroup, "%s%s/%s", base, expand_slice(slice), name);
	mkdirs(u->cgroup);
	for (size_t i = 0; i < npids; i++)
		if (move_pid(u->cgroup, pids[i]) < 0)
			logline("could not move pid %d: %s", pids[i], strerror(errno));
	if (fail_job && strcmp(fail_job, name) == 0) {
		u->failed = true;
		return reply_job(c, m, name, "failed");
	}
	return reply_job(c, m, name, "done");
}

static int get_unit(struct dbus_conn *c, const struct dbus_msg *m)
{
	struct dbus_reader r = dbus_body(m);
	const char *name = dbus_get_string(&r);
	char path[400];

	collect_empty();
	if (!name || !find(name))
		return reply_error(c, m, "org.freedesktop.systemd1.NoSuchUnit", "No such unit");
	logline("GetUnit %s", name);
	snprintf(path, sizeof path, "/org/freedesktop/systemd1/unit/%d", (int)(find(name) - units));
	struct dbus_buf body = {0};
	dbus_put_string(&body, path);
	int rc = reply(c, m, "o", &body);
	dbus_buf_free(&body);
	return rc;
}

static int get_property(struct dbus_conn *c, const struct dbus_msg *m)
{
	struct dbus_reader r = dbus_body(m);
	const char *iface = dbus_get_string(&r), *prop = dbus_get_string(&r);

	if (!iface || !prop)
		return reply_error(c, m, "org.freedesktop.DBus.Error.InvalidArgs", "bad arguments");
	if (strcmp(prop, "Version") == 0)
		return reply_string_variant(c, m, "252.0-fake");
	int idx;
	if (strcmp(prop, "ControlGroup") == 0 &&
	    sscanf(m->path, "/org/freedesktop/systemd1/unit/%d", &idx) == 1 && idx >= 0 &&
	    idx < MAX_UNITS && units[idx].name[0]) {
		const char *cg = units[idx].cgroup;
		if (lie_unit && strcmp(lie_unit, units[idx].name) == 0)
			cg = lie_cgroup;
		return reply_string_variant(c, m, cg);
	}
	return reply_error(c, m, "org.freedesktop.DBus.Error.UnknownProperty", prop);
}

static int set_unit_properties(struct dbus_conn *c, const struct dbus_msg *m)
{
	struct dbus_reader r = dbus_body(m);
	const char *name = dbus_get_string(&r);
	bool runtime = dbus_get_bool(&r);
	char line[4096], slice[256];
	pid_t pids[8];
	size_t npids;

	snprintf(line, sizeof line, "SetUnitProperties %s runtime=%d", name ? name : "?", runtime);
	if (!name || !read_props(&r, line, sizeof line, pids, &npids, slice, sizeof slice))
		return reply_error(c, m, "org.freedesktop.DBus.Error.InvalidArgs", "bad arguments");
	logline("%s", line);
	if (!find(name))
		return reply_error(c, m, "org.freedesktop.systemd1.NoSuchUnit", "No such unit");
	return reply(c, m, "", NULL);
}

static int stop_unit(struct dbus_conn *c, const struct dbus_msg *m)
{
	struct dbus_reader r = dbus_body(m);
	const char *name = dbus_get_string(&r);
	struct unit *u = name ? find(name) : NULL;

	logline("StopUnit %s", name ? name : "?");
	if (!u)
		return reply_error(c, m, "org.freedesktop.systemd1.NoSuchUnit", "No such unit");
	if (u->cgroup[0]) {
		char path[1200];
		full_path(u->cgroup, path, sizeof path);
		if (populated(u->cgroup))
			logline("StopUnit %s: processes were still running", name);
		for (int i = 0; i < 100 && rmdir(path) < 0 && errno == EBUSY; i++)
			usleep(10000);
		u->cgroup[0] = '\0';
	}
	char unit[256];
	snprintf(unit, sizeof unit, "%s", u->name);
	if (!u->failed)
		u->name[0] = '\0';
	return reply_job(c, m, unit, "done");
}

static int reset_failed(struct dbus_conn *c, const struct dbus_msg *m)
{
	struct dbus_reader r = dbus_body(m);
	const char *name = dbus_get_string(&r);
	struct unit *u = name ? find(name) : NULL;

	logline("ResetFailedUnit %s", name ? name : "?");
	if (!u)
		return reply_error(c, m, "org.freedesktop.systemd1.NoSuchUnit", "No such unit");
	u->failed = false;
	if (!u->cgroup[0])
		u->name[0] = '\0';
	return reply(c, m, "", NULL);
}

static int dispatch(struct dbus_conn *c, const struct dbus_msg *m)
{
	const char *member = m->member ? m->member : "";
	if (m->type != DBUS_METHOD_CALL || (m->flags & DBUS_FLAG_NO_REPLY_EXPECTED))
		return 0;
	if (strcmp(member, "Subscribe") == 0)
		return reply(c, m, "", NULL);
	if (strcmp(member, "StartTransientUnit") == 0)
		return start_transient_unit(c, m);
	if (strcmp(member, "GetUnit") == 0)
		return get_unit(c, m);
	if (strcmp(member, "Get") == 0)
		return get_property(c, m);
	if (strcmp(member, "SetUnitProperties") == 0)
		return set_unit_properties(c, m);
	if (strcmp(member, "StopUnit") == 0)
		return stop_unit(c, m);
	if (strcmp(member, "ResetFailedUnit") == 0)
		return reset_failed(c, m);
	return reply_error(c, m, "org.freedesktop.DBus.Error.UnknownMethod", member);
}

/* ---- the connection ---- */

static bool read_line(int fd, char *buf, size_t size)
{
	size_t n = 0;
	while (n + 1 < size && read(fd, buf + n, 1) == 1) {
		if (++n >= 2 && buf[n - 2] == '\r' && buf[n - 1] == '\n') {
			buf[n - 2] = '\0';
			return true;
		}
	}
	return false;
}

static bool authenticate(int fd)
{
	char line[256], want[64], nul;
	struct ucred cred;
	socklen_t len = sizeof cred;

	if (read(fd, &nul, 1) != 1 || nul != '\0' || !read_line(fd, line, sizeof line) ||
	    getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0)
		return false;
	dbus_auth_line(cred.uid, want, sizeof want);
	want[strlen(want) - 2] = '\0';
	if (strcmp(line, "AUTH EXTERNAL") == 0) {
		if (write(fd, "DATA\r\n", 6) != 6 || !read_line(fd, line, sizeof line) ||
		    strcmp(line, "DATA") != 0)
			return false;
		logline("auth uid %u (from the socket)", (unsigned)cred.uid);
	} else if (strcmp(line, want) == 0) {
		logline("auth uid %u", (unsigned)cred.uid);
	} else {
		logline("auth rejected: \"%s\"", line);
		if (write(fd, "REJECTED EXTERNAL\r\n", 19) < 0)
			return false;
		return false;
	}
	const char *ok = "OK 0123456789abcdef0123456789abcdef\r\n";
	if (write(fd, ok, strlen(ok)) != (ssize_t)strlen(ok) || !read_line(fd, line, sizeof line))
		return false;
	return strcmp(line, "BEGIN") == 0;
}

static void serve(int fd)
{
	struct dbus_conn c = {.fd = fd};
	if (!authenticate(fd)) {
		close(fd);
		return;
	}
	while (!stop) {
		struct dbus_msg m;
		struct ward_error err;
		if (dbus_recv(&c, 60000, &m, &err) < 0)
			break;
		int rc = dispatch(&c, &m);
		dbus_msg_free(&m);
		if (rc < 0)
			break;
	}
	dbus_close(&c);
}

static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

int main(int argc, char **argv)
{
	if (argc < 5) {
		fprintf(stderr,
			"usage: %s SOCKET CGROUP_MOUNT CGROUP_BASE LOG [--fail-job UNIT] "
			"[--lie UNIT=CGROUP]\n",
			argv[0]);
		return 2;
	}
	mount_point = argv[2];
	base = argv[3];
	for (int i = 5; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--fail-job") == 0) {
			fail_job = argv[i + 1];
		} else if (strcmp(argv[i], "--lie") == 0) {
			char *eq = strchr(argv[i + 1], '=');
			if (!eq)
				return 2;
			*eq = '\0';
			lie_unit = argv[i + 1];
			lie_cgroup = eq + 1;
		}
	}
	log_file = fopen(argv[4], "a");
	if (!log_file)
		return 1;
	struct sigaction sa = {.sa_handler = on_term};
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	snprintf(addr.sun_path, sizeof addr.sun_path, "%s", argv[1]);
	unlink(argv[1]);
	if (s < 0 || bind(s, (struct sockaddr *)&addr, sizeof addr) < 0 || listen(s, 8) < 0) {
		perror("fakesystemd: listen");
		return 1;
	}
	chmod(argv[1], 0666);
	logline("ready");
	while (!stop) {
		int fd = accept4(s, NULL, NULL, SOCK_CLOEXEC);
		if (fd >= 0)
			serve(fd);
	}
	unlink(argv[1]);
	return 0;
}
