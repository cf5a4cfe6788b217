#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "ward/json_gen.h"
#include "ward/log.h"
#include "ward/util.h"

/* The logger's settings are the only global mutable state in ward. */
static struct {
	int fd; /* -1: no log file */
	bool json;
	bool debug;
} logger = {.fd = -1};

static const char *const level_names[] = {"error", "warning", "info", "debug"};

int log_open(const char *path, bool json, bool debug, struct ward_error *err)
{
	logger.json = json;
	logger.debug = debug;
	if (!path)
		return 0;
	int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (fd < 0)
		return ward_fail(err, errno, "--log: open %s", path);
	logger.fd = fd;
	return 0;
}

void log_set_format(bool json)
{
	logger.json = json;
}

void log_close(void)
{
	if (logger.fd >= 0)
		close(logger.fd);
	logger.fd = -1;
}

static void write_json_line(int fd, enum log_level level, const char *msg)
{
	yajl_gen g = yajl_gen_alloc(NULL);
	const unsigned char *buf;
	size_t len;
	char now[64];

	if (!g)
		return;
	rfc3339_now(now, sizeof now);
	yajl_gen_map_open(g);
	json_gen_str(g, "level");
	json_gen_str(g, level_names[level]);
	json_gen_str(g, "msg");
	json_gen_str(g, msg);
	json_gen_str(g, "time");
	json_gen_str(g, now);
	yajl_gen_map_close(g);
	if (yajl_gen_get_buf(g, &buf, &len) == yajl_gen_status_ok) {
		char line[WARD_ERROR_MAX * 2 + 128];
		if (len < sizeof line - 1) {
			memcpy(line, buf, len);
			line[len] = '\n';
			write_all(fd, line, len + 1);
		}
	}
	yajl_gen_free(g);
}

bool log_to_file(void)
{
	return logger.fd >= 0;
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	char msg[WARD_ERROR_MAX + 256];
	va_list ap;
	int saved = errno;

	if (level == LOG_LEVEL_DEBUG && !logger.debug)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);

	if (logger.fd >= 0) {
		if (logger.json) {
			write_json_line(logger.fd, level, msg);
		} else {
			char now[64], quoted[sizeof msg * 2], line[sizeof quoted + 128];
			size_t q = 0;
			/* logfmt quoting, as logrus writes it */
			for (const char *m = msg; *m && q + 2 < sizeof quoted; m++) {
				if (*m == '"' || *m == '\\')
					quoted[q++] = '\\';
				quoted[q++] = *m == '\n' ? ' ' : *m;
			}
			quoted[q] = '\0';
			rfc3339_now(now, sizeof now);
			int n = snprintf(line, sizeof line, "time=\"%s\" level=%s msg=\"%s\"\n",
					 now, level_names[level], quoted);
			if (n > 0)
				write_all(logger.fd, line,
					  (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
		}
	}
	/* Errors always reach stderr, as runc and crun do: conmon reads them from there. */
	if (level == LOG_LEVEL_ERROR || logger.fd < 0) {
		if (logger.fd < 0 && logger.json)
			write_json_line(STDERR_FILENO, level, msg);
		else if (level == LOG_LEVEL_ERROR)
			fprintf(stderr, "ward: %s\n", msg);
		else
			fprintf(stderr, "ward: %s: %s\n", level_names[level], msg);
	}
	errno = saved;
}
