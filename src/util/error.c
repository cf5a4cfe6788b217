#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ward/error.h"

const char *ward_strerror(int code, char *buf, size_t len)
{
	const char *s = strerrordesc_np(code);

	if (!s) {
		snprintf(buf, len, "error %d", code);
		return buf;
	}
	snprintf(buf, len, "%s", s);
	if (buf[0] >= 'A' && buf[0] <= 'Z' && !(buf[1] >= 'A' && buf[1] <= 'Z'))
		buf[0] = (char)(buf[0] - 'A' + 'a');
	return buf;
}

int ward_fail(struct ward_error *err, int code, const char *fmt, ...)
{
	va_list ap;
	char ebuf[128];
	int n;

	if (!err)
		return -1;
	err->code = code;
	va_start(ap, fmt);
	n = vsnprintf(err->msg, sizeof err->msg, fmt, ap);
	va_end(ap);
	if (n < 0)
		err->msg[0] = '\0';
	if (code > 0) {
		size_t used = strlen(err->msg);
		snprintf(err->msg + used, sizeof err->msg - used, ": %s",
			 ward_strerror(code, ebuf, sizeof ebuf));
	}
	return -1;
}

int ward_error_prefix(struct ward_error *err, const char *fmt, ...)
{
	char prefix[WARD_ERROR_MAX];
	char old[WARD_ERROR_MAX];
	va_list ap;

	if (!err)
		return -1;
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof prefix, fmt, ap);
	va_end(ap);
	memcpy(old, err->msg, sizeof old);
	snprintf(err->msg, sizeof err->msg, "%s: %s", prefix, old);
	return -1;
}

int ward_error_hint(struct ward_error *err, const char *fmt, ...)
{
	char hint[WARD_ERROR_MAX];
	size_t used;
	va_list ap;

	if (!err)
		return -1;
	va_start(ap, fmt);
	vsnprintf(hint, sizeof hint, fmt, ap);
	va_end(ap);
	used = strlen(err->msg);
	snprintf(err->msg + used, sizeof err->msg - used, " (%s)", hint);
	return -1;
}

void ward_error_clear(struct ward_error *err)
{
	err->code = 0;
	err->msg[0] = '\0';
}
