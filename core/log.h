/* log.h — the run's log on stderr: ISO-8601 timestamps and levels, or one
 * JSON object per line with --log-json. The only place the core prints from. */
#ifndef BAOGAO_LOG_H
#define BAOGAO_LOG_H

#include "baogao/exporter.h"

#include <stdarg.h>

/* Set once by main before any thread starts. */
void bg_log_configure(bg_log_level max_level, int json);
bg_log_level bg_log_max_level(void);
/* Also appends every message up to level to path (--log-file), whatever
 * stderr shows. -1 with errno when it cannot be opened. */
int bg_log_open_file(const char *path, bg_log_level level);
void bg_log_close_file(void);

void bg_log(bg_log_level level, const char *format, ...) __attribute__((format(printf, 2, 3)));
/* Logs whatever the configured level (the run's summary line, even with -q). */
void bg_log_always(bg_log_level level, const char *format, ...) __attribute__((format(printf, 2, 3)));
/* origin: a plugin name or NULL for the core. */
void bg_logv(bg_log_level level, const char *origin, const char *format, va_list ap);

#define bg_error_log(...) bg_log(BG_LOG_ERROR, __VA_ARGS__)
#define bg_warn(...) bg_log(BG_LOG_WARN, __VA_ARGS__)
#define bg_info(...) bg_log(BG_LOG_INFO, __VA_ARGS__)
#define bg_debug(...) bg_log(BG_LOG_DEBUG, __VA_ARGS__)

#endif
