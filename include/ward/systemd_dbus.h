/* The part of the D-Bus wire protocol the systemd cgroup driver needs: EXTERNAL
 * authentication, little-endian marshalling of method calls, and reading replies, errors and
 * signals. Not a general D-Bus library: no unix fd passing, no introspection, no big-endian
 * sending (big-endian messages are read).
 *
 * Why not sd-bus: ward links only libseccomp, libcap, libselinux, yajl and libmount, and is
 * meant to be linkable statically; libsystemd is a large shared library (and a dependency on
 * the very manager ward talks to), while the few calls the driver makes need some hundred
 * lines of marshalling, which the unit tests pin down byte for byte. */
#ifndef WARD_SYSTEMD_DBUS_H
#define WARD_SYSTEMD_DBUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "ward/error.h"

enum dbus_msg_type {
	DBUS_METHOD_CALL = 1,
	DBUS_METHOD_RETURN = 2,
	DBUS_ERROR = 3,
	DBUS_SIGNAL = 4,
};

#define DBUS_FLAG_NO_REPLY_EXPECTED 0x1
/* The largest message ward accepts (the protocol allows 128 MiB; systemd's answers to the
 * driver's calls are a few hundred bytes). */
#define DBUS_MAX_MESSAGE (1u << 20)

/* A growing buffer of marshalled data; positions (and so alignment) count from its start,
 * which is the start of a message body or of a message. */
struct dbus_buf {
	unsigned char *data;
	size_t len, cap;
	bool oom;
};

void dbus_buf_free(struct dbus_buf *b);
void dbus_put_byte(struct dbus_buf *b, uint8_t v);
void dbus_put_bool(struct dbus_buf *b, bool v);
void dbus_put_u32(struct dbus_buf *b, uint32_t v);
void dbus_put_u64(struct dbus_buf *b, uint64_t v);
/* type 's' or 'o' */
void dbus_put_string(struct dbus_buf *b, const char *s);
void dbus_put_signature(struct dbus_buf *b, const char *sig);
/* Arrays: open returns the position of the length word; close fills it in. elem_align is the
 * alignment of the element type (8 for structs and dict entries). */
size_t dbus_open_array(struct dbus_buf *b, size_t elem_align);
void dbus_close_array(struct dbus_buf *b, size_t at, size_t elem_align);
void dbus_open_struct(struct dbus_buf *b);

/* One entry of an a(sv) property list. */
void dbus_put_prop_bool(struct dbus_buf *b, const char *name, bool v);
void dbus_put_prop_u64(struct dbus_buf *b, const char *name, uint64_t v);
void dbus_put_prop_string(struct dbus_buf *b, const char *name, const char *v);
void dbus_put_prop_strv(struct dbus_buf *b, const char *name, const char *const *v, size_t n);
void dbus_put_prop_u32_array(struct dbus_buf *b, const char *name, const uint32_t *v, size_t n);
void dbus_put_prop_bytes(struct dbus_buf *b, const char *name, const uint8_t *v, size_t n);

/* Reading marshalled data: every get checks bounds; a failure sets bad and returns 0/NULL. */
struct dbus_reader {
	const unsigned char *data;
	size_t len, pos;
	bool big_endian;
	bool bad;
};

uint8_t dbus_get_byte(struct dbus_reader *r);
bool dbus_get_bool(struct dbus_reader *r);
uint32_t dbus_get_u32(struct dbus_reader *r);
uint64_t dbus_get_u64(struct dbus_reader *r);
/* 's' or 'o': a pointer into the data (NUL-terminated, checked), NULL when malformed. */
const char *dbus_get_string(struct dbus_reader *r);
const char *dbus_get_signature(struct dbus_reader *r);
/* Array: returns the position where its elements end (after aligning to elem_align). */
size_t dbus_get_array(struct dbus_reader *r, size_t elem_align);
void dbus_get_struct(struct dbus_reader *r);
/* Skips one value of the single complete type at *sig, advancing *sig past it. */
void dbus_skip(struct dbus_reader *r, const char **sig);
/* The length of the single complete type starting at sig (0: not a valid one). */
size_t dbus_type_length(const char *sig);

struct dbus_msg {
	uint8_t type, flags;
	uint32_t serial, reply_serial;
	const char *path, *interface, *member, *error_name, *destination, *sender;
	const char *signature; /* of the body; "" when there is none */
	const unsigned char *body;
	size_t body_len;
	bool big_endian;
	unsigned char *raw; /* a received message owns its bytes (the strings point into them) */
};

/* Marshals the header for m (its body, body_len and signature included) followed by the body. */
int dbus_msg_encode(const struct dbus_msg *m, struct dbus_buf *out);
/* How long the message at data is once complete (16 bytes are enough to know): 0 when more
 * bytes are needed, -1 when it is malformed or too large. */
long dbus_msg_size(const unsigned char *data, size_t len);
/* Parses one complete message (its size from dbus_msg_size); the strings in m point into
 * data. On failure *why says what is wrong. */
int dbus_msg_decode(const unsigned char *data, size_t len, struct dbus_msg *m, const char **why);
void dbus_msg_free(struct dbus_msg *m);
/* A reader over the body of m. */
struct dbus_reader dbus_body(const struct dbus_msg *m);

/* ---- a connection ---- */

struct dbus_conn {
	int fd;
	uint32_t serial;
	bool bus; /* to a message bus (Hello done): calls need a destination */
	unsigned char *in;
	size_t in_len;
};

/* Connects to a unix socket address (path, or an abstract name when path[0] is '\0' with
 * addr_len saying where it ends), authenticates with EXTERNAL and, for a bus, says Hello.
 * The uid sent is ward's own where ward runs in the initial user namespace; inside another
 * one (rootless Podman) none is sent and the peer uses the socket's credentials. */
int dbus_connect(struct dbus_conn *c, const struct sockaddr_un *addr, socklen_t addr_len, bool bus,
		 struct ward_error *err);
void dbus_close(struct dbus_conn *c);
/* The EXTERNAL AUTH line: "AUTH EXTERNAL <hex of the uid's decimal digits>\r\n", or without an
 * identity when uid is (uid_t)-1. */
void dbus_auth_line(uid_t uid, char *buf, size_t size);

/* Called with every signal received while a call waits for its reply. */
typedef void (*dbus_signal_fn)(void *ctx, const struct dbus_msg *m);

/* Sends a method call (serial assigned here) and waits up to timeout_ms for its reply. An
 * error reply is returned in err (its name and message) with -1, and -ENOENT-like names are
 * reported through *error_name when it is not NULL. */
int dbus_call(struct dbus_conn *c, const char *destination, const char *path, const char *interface,
	      const char *member, const char *signature, const struct dbus_buf *body,
	      int timeout_ms, dbus_signal_fn on_signal, void *ctx, struct dbus_msg *reply,
	      char *error_name, size_t error_name_size, struct ward_error *err);
/* Waits up to timeout_ms for the next message (signals included). 0, or -1 with err (ETIMEDOUT
 * when none came). */
int dbus_recv(struct dbus_conn *c, int timeout_ms, struct dbus_msg *m, struct ward_error *err);
/* Sends m as is (its serial too): for the tests' peer. */
int dbus_send(struct dbus_conn *c, const struct dbus_msg *m, struct ward_error *err);

#endif
