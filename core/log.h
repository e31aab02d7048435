/* log.h — the run's log on stderr: ISO-8601 timestamps and levels, or one
 * JSON object per line with --log-json. The only place the core prints from:
 * it also owns the status line (the progress bar, then the export phase)
 * that log lines are printed above, and folds repeated warnings under -q. */
#ifndef BAOGAO_LOG_H
#define BAOGAO_LOG_H

#include "baogao/exporter.h"

#include <cjson/cJSON.h>
#include <stdarg.h>
#include <stdbool.h>

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
/* As bg_log, with the message's kind named (for folding) where the format
 * is only a frame around a ready-made text ("%s: %s" of a source and its
 * notice): kind is shown as is in the folded count's line. */
void bg_log_kind(bg_log_level level, const char *kind, const char *format, ...) __attribute__((format(printf, 3, 4)));
/* One line with structured fields: with --log-json the members of fields
 * (a cJSON object, taken over, may be NULL) join the line's object beside
 * time, level and message; otherwise only the message shows. always: shown
 * whatever the configured level, as bg_log_always. */
void bg_log_fields(bg_log_level level, bool always, cJSON *fields, const char *format, ...)
    __attribute__((format(printf, 4, 5)));

/* Folding (-q): after the first `keep` warnings of one kind, stderr counts
 * the rest instead of printing them; --log-file still gets every line. A
 * warning's kind is its origin (plugin) and its format string with every
 * conversion shown as "…" ("…: list … announces … items but lists …"), or
 * the kind given to bg_log_kind. keep 0 (the default) folds nothing. Set
 * before any thread starts. */
void bg_log_fold(unsigned keep);
/* One warning per kind that was folded: "… and N more warnings like: KIND",
 * then forgets the counts. */
void bg_log_fold_report(void);

/* Capture: the warnings one thread logs between begin and end are also
 * kept (each with its kind), so that a run that takes a source's rows from
 * its cache can say them again as its extraction did. items holds kind,
 * message, kind, message … (malloc'd). */
typedef struct bg_log_capture {
    char **items;
    size_t count; /* strings: twice the warnings */
    bool nomem;   /* one could not be kept */
} bg_log_capture;
void bg_log_capture_begin(bg_log_capture *c);
void bg_log_capture_end(void);
void bg_log_capture_free(bg_log_capture *c);
/* Logs every kept warning again, as a warning of its kind. */
void bg_log_replay(const bg_log_capture *c);

/* The status line: one transient last line on the terminal. Log lines
 * printed while it is shown go above it (the line is cleared, the message
 * printed, the status redrawn), so no message ever shares its line. It is
 * cut to the terminal's width and, once a second, redrawn with the time
 * since its clock started, so a long step never looks hung. Only for a
 * terminal: the caller decides (stderr a tty, no --log-json, not -q). */
void bg_log_status_begin(void);
/* Sets and draws the status text; restart_clock starts its clock again
 * (a new phase). Does nothing unless begun. */
void bg_log_status(bool restart_clock, const char *format, ...) __attribute__((format(printf, 2, 3)));
/* Ends the status line: keep leaves its last text as an ordinary line,
 * otherwise it is erased. Safe to call when not begun. */
void bg_log_status_end(bool keep);
/* A duration for people: "42s", "3m07s", "2h05m". */
void bg_log_format_duration(double seconds, char *buf, size_t size);
/* A size for people: "512 B", "52 KiB", "1.2 MiB", "3.4 GiB". */
void bg_log_format_size(uint64_t bytes, char *buf, size_t size);

#define bg_error_log(...) bg_log(BG_LOG_ERROR, __VA_ARGS__)
#define bg_warn(...) bg_log(BG_LOG_WARN, __VA_ARGS__)
#define bg_info(...) bg_log(BG_LOG_INFO, __VA_ARGS__)
#define bg_debug(...) bg_log(BG_LOG_DEBUG, __VA_ARGS__)

#endif
