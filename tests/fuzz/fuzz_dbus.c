/* A message from the systemd manager (--systemd-cgroup's D-Bus connection) as ward reads it:
 * its size from the fixed header, the header fields, the body walked as its signature says.
 * What ward marshals from a decoded message decodes to the same message. */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "ward/systemd_dbus.h"

static bool same_str(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static void round_trip(const struct dbus_msg *m)
{
	struct dbus_buf b = {0};
	struct dbus_msg again;
	const char *why;

	if (dbus_msg_encode(m, &b) < 0) {
		dbus_buf_free(&b);
		return;
	}
	if (dbus_msg_decode(b.data, b.len, &again, &why) < 0 || again.type != m->type ||
	    again.flags != m->flags || again.serial != m->serial ||
	    again.reply_serial != m->reply_serial || again.body_len != m->body_len ||
	    !same_str(again.path, m->path) || !same_str(again.interface, m->interface) ||
	    !same_str(again.member, m->member) || !same_str(again.error_name, m->error_name) ||
	    !same_str(again.destination, m->destination) || !same_str(again.sender, m->sender) ||
	    !same_str(again.signature, m->signature) ||
	    memcmp(again.body, m->body, m->body_len) != 0)
		abort();
	dbus_buf_free(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dbus_msg m;
	const char *why = NULL;
	long n = dbus_msg_size(data, size);

	if (n <= 0 || (size_t)n > size)
		return 0;
	/* ward reads a message into a buffer of its own size: so does the fuzzer. */
	unsigned char *raw = malloc((size_t)n);
	if (!raw)
		return 0;
	memcpy(raw, data, (size_t)n);
	if (dbus_msg_decode(raw, (size_t)n, &m, &why) < 0) {
		if (!why)
			abort();
		free(raw);
		return 0;
	}
	m.raw = raw;
	struct dbus_reader r = dbus_body(&m);
	for (const char *sig = m.signature; *sig && !r.bad;)
		dbus_skip(&r, &sig);
	round_trip(&m);
	dbus_msg_free(&m);
	return 0;
}
