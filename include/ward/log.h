/* Logging: errors always reach stderr; with --log they are also written to the log file as
 * text or JSON lines ({"level","msg","time"}, RFC 3339), the format containerd and podman read. */
#ifndef WARD_LOG_H
#define WARD_LOG_H

#include <stdbool.h>

#include "ward/error.h"

enum log_level { LOG_LEVEL_ERROR, LOG_LEVEL_WARNING, LOG_LEVEL_INFO, LOG_LEVEL_DEBUG };

int log_open(const char *path, bool json, bool debug, struct ward_error *err);
void log_set_format(bool json);
void log_close(void);
/* Whether messages go to a --log file (as when an engine calls ward). */
bool log_to_file(void);
void log_msg(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define log_error(...) log_msg(LOG_LEVEL_ERROR, __VA_ARGS__)
#define log_warn(...)  log_msg(LOG_LEVEL_WARNING, __VA_ARGS__)
#define log_info(...)  log_msg(LOG_LEVEL_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_LEVEL_DEBUG, __VA_ARGS__)

#endif
