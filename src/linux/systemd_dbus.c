/* D-Bus wire format for the systemd driver (see ward/systemd_dbus.h): marshalling values and
 * messages, and reading them back. */
#include <endian.h>
#include <stdlib.h>
#include <string.h>

#include "ward/systemd_dbus.h"

/* ---- writing ---- */

void dbus_buf_free(struct dbus_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

static bool reserve(struct dbus_buf *b, size_t n)
{
	if (b->oom)
		return false;
	if (b->len + n <= b->cap)
		return true;
	size_t cap = b->cap ? b->cap : 256;
	while (cap < b->len + n)
		cap *= 2;
	unsigned char *d = realloc(b->data, cap);
	if (!d) {
		b->oom = true;
		return false;
	}
	b->data = d;
	b->cap = cap;
	return true;
}

static void put_raw(struct dbus_buf *b, const void *p, size_t n)
{
	if (!n || !reserve(b, n))
		return;
	memcpy(b->data + b->len, p, n);
	b->len += n;
}

static void pad(struct dbus_buf *b, size_t align)
{
	static const unsigned char zeros[8];
	size_t n = (align - b->len % align) % align;
	put_raw(b, zeros, n);
}

void dbus_put_byte(struct dbus_buf *b, uint8_t v)
{
	put_raw(b, &v, 1);
}

void dbus_put_u32(struct dbus_buf *b, uint32_t v)
{
	uint32_t le = htole32(v);
	pad(b, 4);
	put_raw(b, &le, 4);
}

void dbus_put_bool(struct dbus_buf *b, bool v)
{
	dbus_put_u32(b, v ? 1 : 0);
}

void dbus_put_u64(struct dbus_buf *b, uint64_t v)
{
	uint64_t le = htole64(v);
	pad(b, 8);
	put_raw(b, &le, 8);
}

void dbus_put_string(struct dbus_buf *b, const char *s)
{
	size_t n = strlen(s);
	dbus_put_u32(b, (uint32_t)n);
	put_raw(b, s, n + 1);
}

void dbus_put_signature(struct dbus_buf *b, const char *sig)
{
	size_t n = strlen(sig);
	dbus_put_byte(b, (uint8_t)n);
	put_raw(b, sig, n + 1);
}

size_t dbus_open_array(struct dbus_buf *b, size_t elem_align)
{
	dbus_put_u32(b, 0);
	size_t at = b->len - 4;
	/* The padding to the first element is there even when the array is empty, and is not
	 * counted in its length. */
	pad(b, elem_align);
	return at;
}

void dbus_close_array(struct dbus_buf *b, size_t at, size_t elem_align)
{
	if (b->oom)
		return;
	size_t start = at + 4;
	start += (elem_align - start % elem_align) % elem_align;
	uint32_t le = htole32((uint32_t)(b->len - start));
	memcpy(b->data + at, &le, 4);
}

void dbus_open_struct(struct dbus_buf *b)
{
	pad(b, 8);
}

static void prop_head(struct dbus_buf *b, const char *name, const char *sig)
{
	dbus_open_struct(b);
	dbus_put_string(b, name);
	dbus_put_signature(b, sig);
}

void dbus_put_prop_bool(struct dbus_buf *b, const char *name, bool v)
{
	prop_head(b, name, "b");
	dbus_put_bool(b, v);
}

void dbus_put_prop_u64(struct dbus_buf *b, const char *name, uint64_t v)
{
	prop_head(b, name, "t");
	dbus_put_u64(b, v);
}

void dbus_put_prop_string(struct dbus_buf *b, const char *name, const char *v)
{
	prop_head(b, name, "s");
	dbus_put_string(b, v);
}

void dbus_put_prop_strv(struct dbus_buf *b, const char *name, const char *const *v, size_t n)
{
	prop_head(b, name, "as");
	size_t at = dbus_open_array(b, 4);
	for (size_t i = 0; i < n; i++)
		dbus_put_string(b, v[i]);
	dbus_close_array(b, at, 4);
}

void dbus_put_prop_u32_array(struct dbus_buf *b, const char *name, const uint32_t *v, size_t n)
{
	prop_head(b, name, "au");
	size_t at = dbus_open_array(b, 4);
	for (size_t i = 0; i < n; i++)
		dbus_put_u32(b, v[i]);
	dbus_close_array(b, at, 4);
}

void dbus_put_prop_bytes(struct dbus_buf *b, const char *name, const uint8_t *v, size_t n)
{
	prop_head(b, name, "ay");
	size_t at = dbus_open_array(b, 1);
	put_raw(b, v, n);
	dbus_close_array(b, at, 1);
}

/* ---- reading ---- */

static bool need(struct dbus_reader *r, size_t align, size_t n)
{
	if (r->bad)
		return false;
	size_t p = r->pos + (align - r->pos % align) % align;
	if (p > r->len || r->len - p < n) {
		r->bad = true;
		return false;
	}
	/* Padding must be zero (the specification's rule; it also catches misaligned data). */
	for (size_t i = r->pos; i < p; i++)
		if (r->data[i]) {
			r->bad = true;
			return false;
		}
	r->pos = p;
	return true;
}

uint8_t dbus_get_byte(struct dbus_reader *r)
{
	if (!need(r, 1, 1))
		return 0;
	return r->data[r->pos++];
}

uint32_t dbus_get_u32(struct dbus_reader *r)
{
	uint32_t v;
	if (!need(r, 4, 4))
		return 0;
	memcpy(&v, r->data + r->pos, 4);
	r->pos += 4;
	return r->big_endian ? be32toh(v) : le32toh(v);
}

bool dbus_get_bool(struct dbus_reader *r)
{
	uint32_t v = dbus_get_u32(r);
	if (v > 1)
		r->bad = true;
	return v == 1;
}

uint64_t dbus_get_u64(struct dbus_reader *r)
{
	uint64_t v;
	if (!need(r, 8, 8))
		return 0;
	memcpy(&v, r->data + r->pos, 8);
	r->pos += 8;
	return r->big_endian ? be64toh(v) : le64toh(v);
}

static const char *get_chars(struct dbus_reader *r, size_t n)
{
	if (r->bad || r->len - r->pos < n + 1 || r->data[r->pos + n] != '\0' ||
	    memchr(r->data + r->pos, '\0', n)) {
		r->bad = true;
		return NULL;
	}
	const char *s = (const char *)r->data + r->pos;
	r->pos += n + 1;
	return s;
}

const char *dbus_get_string(struct dbus_reader *r)
{
	uint32_t n = dbus_get_u32(r);
	return r->bad ? NULL : get_chars(r, n);
}

const char *dbus_get_signature(struct dbus_reader *r)
{
	uint8_t n = dbus_get_byte(r);
	return r->bad ? NULL : get_chars(r, n);
}

size_t dbus_get_array(struct dbus_reader *r, size_t elem_align)
{
	uint32_t n = dbus_get_u32(r);
	if (r->bad || n > (1u << 26) || !need(r, elem_align, 0) || r->len - r->pos < n) {
		r->bad = true;
		return r->pos;
	}
	return r->pos + n;
}

void dbus_get_struct(struct dbus_reader *r)
{
	need(r, 8, 0);
}

/* The basic types and the variant: one character each. */
#define SINGLE_TYPES "ybnqiuxtdsogvh"

static size_t type_length(const char *sig, int depth)
{
	if (depth > 32 || !*sig)
		return 0;
	if (strchr(SINGLE_TYPES, *sig))
		return 1;
	if (*sig == 'a') {
		size_t n = type_length(sig + 1, depth + 1);
		return n ? n + 1 : 0;
	}
	if (*sig != '(' && *sig != '{')
		return 0;
	char close = *sig == '(' ? ')' : '}';
	size_t len = 1, fields = 0;
	while (sig[len] && sig[len] != close) {
		size_t n = type_length(sig + len, depth + 1);
		if (!n)
			return 0;
		len += n;
		fields++;
	}
	if (sig[len] != close || !fields || (close == '}' && fields != 2))
		return 0;
	return len + 1;
}

size_t dbus_type_length(const char *sig)
{
	return type_length(sig, 0);
}

static size_t type_align(char t)
{
	if (t && strchr("nq", t))
		return 2;
	if (t && strchr("biusoah", t))
		return 4;
	if (t && strchr("xtd({", t))
		return 8;
	return 1;
}

static void skip(struct dbus_reader *r, const char **sig, int depth)
{
	size_t len = type_length(*sig, 0);
	const char *t = *sig;

	if (!len || depth > 32) {
		r->bad = true;
		return;
	}
	*sig += len;
	if (*t == 'v') {
		const char *inner = dbus_get_signature(r);
		if (!inner || !*inner || type_length(inner, 0) != strlen(inner))
			r->bad = true;
		else
			skip(r, &inner, depth + 1);
	} else if (*t == 'a') {
		/* Skipped as a block: its elements need not be walked. */
		size_t end = dbus_get_array(r, type_align(t[1]));
		if (!r->bad)
			r->pos = end;
	} else if (*t == '(' || *t == '{') {
		dbus_get_struct(r);
		for (const char *f = t + 1; !r->bad && f < t + len - 1;)
			skip(r, &f, depth + 1);
	} else if (*t == 's' || *t == 'o') {
		dbus_get_string(r);
	} else if (*t == 'g') {
		dbus_get_signature(r);
	} else {
		size_t size = type_align(*t);
		if (need(r, size, size))
			r->pos += size;
	}
}

void dbus_skip(struct dbus_reader *r, const char **sig)
{
	skip(r, sig, 0);
}

/* ---- messages ---- */

/* Every message starts with 16 fixed bytes: endianness, type, flags and protocol version, then
 * the body's length (at 4), the serial (at 8) and the header fields array's length (at 12). */
#define FIXED_HEADER	 16
#define BODY_LEN_AT	 4
#define FIELDS_LEN_AT	 12
#define PROTOCOL_VERSION 1
/* The header fields are structs (aligned to 8) and the body starts on an 8-byte boundary. */
#define HEADER_ALIGN 8

enum {
	FIELD_PATH = 1,
	FIELD_INTERFACE = 2,
	FIELD_MEMBER = 3,
	FIELD_ERROR_NAME = 4,
	FIELD_REPLY_SERIAL = 5,
	FIELD_DESTINATION = 6,
	FIELD_SENDER = 7,
	FIELD_SIGNATURE = 8,
};

static void put_field_string(struct dbus_buf *b, uint8_t code, const char *sig, const char *v)
{
	if (!v)
		return;
	dbus_open_struct(b);
	dbus_put_byte(b, code);
	dbus_put_signature(b, sig);
	if (sig[0] == 'g')
		dbus_put_signature(b, v);
	else
		dbus_put_string(b, v);
}

int dbus_msg_encode(const struct dbus_msg *m, struct dbus_buf *out)
{
	dbus_put_byte(out, 'l');
	dbus_put_byte(out, m->type);
	dbus_put_byte(out, m->flags);
	dbus_put_byte(out, PROTOCOL_VERSION);
	dbus_put_u32(out, (uint32_t)m->body_len);
	dbus_put_u32(out, m->serial);
	size_t at = dbus_open_array(out, HEADER_ALIGN);
	put_field_string(out, FIELD_PATH, "o", m->path);
	put_field_string(out, FIELD_INTERFACE, "s", m->interface);
	put_field_string(out, FIELD_MEMBER, "s", m->member);
	put_field_string(out, FIELD_ERROR_NAME, "s", m->error_name);
	if (m->reply_serial) {
		dbus_open_struct(out);
		dbus_put_byte(out, FIELD_REPLY_SERIAL);
		dbus_put_signature(out, "u");
		dbus_put_u32(out, m->reply_serial);
	}
	put_field_string(out, FIELD_DESTINATION, "s", m->destination);
	put_field_string(out, FIELD_SENDER, "s", m->sender);
	if (m->signature && *m->signature)
		put_field_string(out, FIELD_SIGNATURE, "g", m->signature);
	dbus_close_array(out, at, HEADER_ALIGN);
	pad(out, HEADER_ALIGN);
	if (m->body_len)
		put_raw(out, m->body, m->body_len);
	return out->oom ? -1 : 0;
}

long dbus_msg_size(const unsigned char *data, size_t len)
{
	uint32_t body, fields;

	if (len < FIXED_HEADER)
		return 0;
	if ((data[0] != 'l' && data[0] != 'B') || data[3] != PROTOCOL_VERSION)
		return -1;
	memcpy(&body, data + BODY_LEN_AT, sizeof body);
	memcpy(&fields, data + FIELDS_LEN_AT, sizeof fields);
	if (data[0] == 'B') {
		body = be32toh(body);
		fields = be32toh(fields);
	} else {
		body = le32toh(body);
		fields = le32toh(fields);
	}
	if (body > DBUS_MAX_MESSAGE || fields > DBUS_MAX_MESSAGE)
		return -1;
	size_t header = FIXED_HEADER + (size_t)fields;
	header += (HEADER_ALIGN - header % HEADER_ALIGN) % HEADER_ALIGN;
	if (header + body > DBUS_MAX_MESSAGE)
		return -1;
	return (long)(header + body);
}

/* The signature header field code must have and where it is kept in m (*slot NULL: the reply
 * serial, kept apart, or a field ward does not read); NULL for an unknown code. */
static const char *field_type(struct dbus_msg *m, uint8_t code, const char ***slot)
{
	*slot = NULL;
	switch (code) {
	case FIELD_PATH:
		*slot = &m->path;
		return "o";
	case FIELD_INTERFACE:
		*slot = &m->interface;
		return "s";
	case FIELD_MEMBER:
		*slot = &m->member;
		return "s";
	case FIELD_ERROR_NAME:
		*slot = &m->error_name;
		return "s";
	case FIELD_DESTINATION:
		*slot = &m->destination;
		return "s";
	case FIELD_SENDER:
		*slot = &m->sender;
		return "s";
	case FIELD_SIGNATURE:
		*slot = &m->signature;
		return "g";
	case FIELD_REPLY_SERIAL:
		return "u";
	}
	return NULL;
}

/* The header fields array, which ends at end; unknown fields are skipped. */
static int read_fields(struct dbus_reader *r, size_t end, struct dbus_msg *m, const char **why)
{
	while (!r->bad && r->pos < end) {
		dbus_get_struct(r);
		uint8_t code = dbus_get_byte(r);
		const char *sig = dbus_get_signature(r);
		if (!sig)
			break;
		const char **slot;
		const char *want = field_type(m, code, &slot);
		if (want && strcmp(sig, want) != 0) {
			*why = "a header field of the wrong type";
			return -1;
		}
		if (code == FIELD_REPLY_SERIAL)
			m->reply_serial = dbus_get_u32(r);
		else if (slot)
			*slot = want[0] == 'g' ? dbus_get_signature(r) : dbus_get_string(r);
		else if (type_length(sig, 0) == strlen(sig) && *sig)
			dbus_skip(r, &sig);
		else
			r->bad = true;
	}
	if (r->bad || r->pos != end) {
		*why = "malformed header fields";
		return -1;
	}
	return 0;
}

int dbus_msg_decode(const unsigned char *data, size_t len, struct dbus_msg *m, const char **why)
{
	struct dbus_reader r = {.data = data, .len = len, .big_endian = data[0] == 'B'};
	long size = dbus_msg_size(data, len);

	memset(m, 0, sizeof *m);
	m->signature = "";
	if (size <= 0 || (size_t)size != len) {
		*why = "a malformed message header";
		return -1;
	}
	m->big_endian = r.big_endian;
	r.pos = 1;
	m->type = dbus_get_byte(&r);
	m->flags = dbus_get_byte(&r);
	dbus_get_byte(&r);
	m->body_len = dbus_get_u32(&r);
	m->serial = dbus_get_u32(&r);
	size_t end = dbus_get_array(&r, HEADER_ALIGN);
	if (read_fields(&r, end, m, why) < 0)
		return -1;
	r.pos += (HEADER_ALIGN - r.pos % HEADER_ALIGN) % HEADER_ALIGN;
	if (m->type < DBUS_METHOD_CALL || m->type > DBUS_SIGNAL || !m->serial ||
	    len - r.pos != m->body_len) {
		*why = "an invalid message";
		return -1;
	}
	if ((m->type == DBUS_METHOD_RETURN || m->type == DBUS_ERROR) && !m->reply_serial) {
		*why = "a reply without a reply serial";
		return -1;
	}
	m->body = data + r.pos;
	return 0;
}

void dbus_msg_free(struct dbus_msg *m)
{
	free(m->raw);
	memset(m, 0, sizeof *m);
}

struct dbus_reader dbus_body(const struct dbus_msg *m)
{
	return (struct dbus_reader){
		.data = m->body, .len = m->body_len, .big_endian = m->big_endian};
}
