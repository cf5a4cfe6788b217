/* A D-Bus connection for the systemd driver (see ward/systemd_dbus.h): EXTERNAL
 * authentication, message framing on the socket, and synchronous method calls. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ward/cleanup.h"
#include "ward/systemd_dbus.h"
#include "ward/util.h"

void dbus_auth_line(uid_t uid, char *buf, size_t size)
{
	char digits[16];
	size_t used;

	if (uid == (uid_t)-1) {
		snprintf(buf, size, "AUTH EXTERNAL\r\n");
		return;
	}
	snprintf(digits, sizeof digits, "%u", (unsigned)uid);
	used = (size_t)snprintf(buf, size, "AUTH EXTERNAL ");
	for (const char *d = digits; *d && used + 3 < size; d++)
		used += (size_t)snprintf(buf + used, size - used, "%02x", (unsigned char)*d);
	snprintf(buf + used, size - used, "\r\n");
}

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000;
}

static int wait_readable(int fd, long deadline, struct ward_error *err)
{
	for (;;) {
		long left = deadline - now_ms();
		if (left <= 0)
			return ward_fail(err, ETIMEDOUT, "no answer from the systemd manager");
		struct pollfd p = {.fd = fd, .events = POLLIN};
		int n = poll(&p, 1, (int)left);
		if (n > 0)
			return 0;
		if (n < 0 && errno != EINTR)
			return ward_fail(err, errno, "wait for the systemd manager");
	}
}

/* One CRLF-terminated line of the authentication exchange, read a byte at a time so that
 * nothing of what follows is consumed. */
static int auth_read_line(int fd, char *buf, size_t size, long deadline, struct ward_error *err)
{
	size_t n = 0;
	for (;;) {
		if (wait_readable(fd, deadline, err) < 0)
			return -1;
		ssize_t r = read(fd, buf + n, 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return ward_fail(err, r < 0 ? errno : ECONNRESET,
					 "authenticate to the systemd manager");
		if (++n >= 2 && buf[n - 2] == '\r' && buf[n - 1] == '\n') {
			buf[n - 2] = '\0';
			return 0;
		}
		if (n + 1 >= size)
			return ward_fail(err, EPROTO,
					 "authenticate to the systemd manager: the "
					 "answer is too long");
	}
}

/* The uid to authenticate as: ward's own in the initial user namespace (where the peer sees
 * it as it is), none inside another one (the peer then takes the socket's credentials, which
 * the kernel translates to its own namespace). */
static uid_t auth_uid(void)
{
	char buf[128];
	cleanup_close int fd = open("/proc/self/uid_map", O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof buf - 1);
	unsigned long a, b, c;

	if (n <= 0)
		return (uid_t)-1;
	buf[n] = '\0';
	if (sscanf(buf, " %lu %lu %lu", &a, &b, &c) == 3 && a == 0 && b == 0 && c == 4294967295UL &&
	    !strchr(strchr(buf, '\n') ? strchr(buf, '\n') + 1 : "", ' '))
		return geteuid();
	return (uid_t)-1;
}

static int authenticate(int fd, struct ward_error *err)
{
	char line[256];
	long deadline = now_ms() + 10000;

	dbus_auth_line(auth_uid(), line, sizeof line);
	if (write_all(fd, "", 1) < 0 || write_all(fd, line, strlen(line)) < 0)
		return ward_fail(err, errno, "authenticate to the systemd manager");
	if (auth_read_line(fd, line, sizeof line, deadline, err) < 0)
		return -1;
	if (strcmp(line, "DATA") == 0) {
		if (write_all(fd, "DATA\r\n", 6) < 0)
			return ward_fail(err, errno, "authenticate to the systemd manager");
		if (auth_read_line(fd, line, sizeof line, deadline, err) < 0)
			return -1;
	}
	if (strncmp(line, "OK ", 3) != 0)
		return ward_fail(err, EACCES,
				 "authenticate to the systemd manager: it answered \"%.100s\"",
				 line);
	if (write_all(fd, "BEGIN\r\n", 7) < 0)
		return ward_fail(err, errno, "authenticate to the systemd manager");
	return 0;
}

int dbus_connect(struct dbus_conn *c, const struct sockaddr_un *addr, socklen_t addr_len, bool bus,
		 struct ward_error *err)
{
	memset(c, 0, sizeof *c);
	c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (c->fd < 0)
		return ward_fail(err, errno, "socket");
	if (connect(c->fd, (const struct sockaddr *)addr, addr_len) < 0) {
		int e = errno;
		dbus_close(c);
		return ward_fail(err, e, "connect to %s%s", addr->sun_path[0] ? "" : "@",
				 addr->sun_path[0] ? addr->sun_path : addr->sun_path + 1);
	}
	if (authenticate(c->fd, err) < 0) {
		dbus_close(c);
		return -1;
	}
	if (!bus) {
		/* systemd 252 leaves the first message of a direct connection unread until more
		 * bytes arrive (it came with BEGIN): that first message is a Ping that needs no
		 * answer, so no call waits on it. */
		struct dbus_msg ping = {.type = DBUS_METHOD_CALL,
					.flags = DBUS_FLAG_NO_REPLY_EXPECTED,
					.serial = ++c->serial,
					.path = "/",
					.interface = "org.freedesktop.DBus.Peer",
					.member = "Ping"};
		if (dbus_send(c, &ping, err) < 0) {
			dbus_close(c);
			return -1;
		}
	}
	if (bus) {
		struct dbus_msg reply;
		if (dbus_call(c, "org.freedesktop.DBus", "/org/freedesktop/DBus",
			      "org.freedesktop.DBus", "Hello", "", NULL, 10000, NULL, NULL, &reply,
			      NULL, 0, err) < 0) {
			dbus_close(c);
			return ward_error_prefix(err, "the D-Bus Hello");
		}
		dbus_msg_free(&reply);
		c->bus = true;
	}
	return 0;
}

void dbus_close(struct dbus_conn *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	free(c->in);
	c->in = NULL;
	c->in_len = 0;
}

int dbus_send(struct dbus_conn *c, const struct dbus_msg *m, struct ward_error *err)
{
	struct dbus_buf out = {0};
	int rc = 0;

	if (dbus_msg_encode(m, &out) < 0)
		rc = ward_fail(err, ENOMEM, "D-Bus message");
	else if (write_all(c->fd, out.data, out.len) < 0)
		rc = ward_fail(err, errno, "send to the systemd manager");
	dbus_buf_free(&out);
	return rc;
}

int dbus_recv(struct dbus_conn *c, int timeout_ms, struct dbus_msg *m, struct ward_error *err)
{
	long deadline = now_ms() + timeout_ms;
	const char *why;

	for (;;) {
		long size = dbus_msg_size(c->in, c->in_len);
		if (size < 0)
			return ward_fail(err, EPROTO,
					 "the systemd manager sent a malformed message");
		if (size > 0 && c->in_len >= (size_t)size) {
			unsigned char *raw = malloc((size_t)size);
			if (!raw)
				return ward_fail(err, ENOMEM, "D-Bus message");
			memcpy(raw, c->in, (size_t)size);
			memmove(c->in, c->in + size, c->in_len - (size_t)size);
			c->in_len -= (size_t)size;
			if (dbus_msg_decode(raw, (size_t)size, m, &why) < 0) {
				free(raw);
				return ward_fail(err, EPROTO, "the systemd manager sent %s", why);
			}
			m->raw = raw;
			return 0;
		}
		size_t want = size > 0 ? (size_t)size : 16;
		if (want < c->in_len + 4096)
			want = c->in_len + 4096;
		unsigned char *in = realloc(c->in, want);
		if (!in)
			return ward_fail(err, ENOMEM, "D-Bus message");
		c->in = in;
		if (wait_readable(c->fd, deadline, err) < 0)
			return -1;
		ssize_t n = read(c->fd, c->in + c->in_len, want - c->in_len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return ward_fail(err, n < 0 ? errno : ECONNRESET,
					 "read from the systemd manager");
		c->in_len += (size_t)n;
	}
}

int dbus_call(struct dbus_conn *c, const char *destination, const char *path, const char *interface,
	      const char *member, const char *signature, const struct dbus_buf *body,
	      int timeout_ms, dbus_signal_fn on_signal, void *ctx, struct dbus_msg *reply,
	      char *error_name, size_t error_name_size, struct ward_error *err)
{
	long deadline = now_ms() + timeout_ms;
	struct dbus_msg call = {
		.type = DBUS_METHOD_CALL,
		.serial = ++c->serial,
		.path = path,
		.interface = interface,
		.member = member,
		.destination = destination,
		.signature = signature,
		.body = body ? body->data : NULL,
		.body_len = body ? body->len : 0,
	};

	if (error_name && error_name_size)
		error_name[0] = '\0';
	if (body && body->oom)
		return ward_fail(err, ENOMEM, "D-Bus message");
	if (dbus_send(c, &call, err) < 0)
		return -1;
	for (;;) {
		struct dbus_msg m;
		long left = deadline - now_ms();
		if (dbus_recv(c, left > 0 ? (int)left : 0, &m, err) < 0)
			return ward_error_prefix(err, "%s", member);
		if (m.type == DBUS_SIGNAL) {
			if (on_signal)
				on_signal(ctx, &m);
			dbus_msg_free(&m);
			continue;
		}
		if ((m.type != DBUS_METHOD_RETURN && m.type != DBUS_ERROR) ||
		    m.reply_serial != call.serial) {
			dbus_msg_free(&m);
			continue;
		}
		if (m.type == DBUS_ERROR) {
			const char *text = NULL;
			if (strcmp(m.signature, "s") == 0 || strncmp(m.signature, "s", 1) == 0) {
				struct dbus_reader r = dbus_body(&m);
				text = dbus_get_string(&r);
			}
			if (error_name && error_name_size)
				snprintf(error_name, error_name_size, "%s",
					 m.error_name ? m.error_name : "");
			ward_fail(err, 0, "%s: %s%s%s", member,
				  m.error_name ? m.error_name : "error", text ? ": " : "",
				  text ? text : "");
			dbus_msg_free(&m);
			return -1;
		}
		*reply = m;
		return 0;
	}
}
