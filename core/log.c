/* log.c — one line per message on stderr, written whole under a lock so that
 * worker threads never interleave; the status line below the messages, and
 * the folding of repeated warnings (log.h). */
#include "log.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

static bg_log_level log_max_level = BG_LOG_INFO;
static int log_json;
/* --log-file: every message up to file_level, whatever stderr shows, so that
 * cron can mail the warnings and keep the rest in a log */
static FILE *log_file;
static bg_log_level file_level = BG_LOG_INFO;
/* Guards everything below it: the streams, the status line, the folds. */
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;

/* The status line. drawn: the terminal's last line holds it now. */
static struct {
    bool on, drawn;
    char text[512];
    struct timespec clock;
    pthread_t ticker;
    bool ticking;
    pthread_cond_t wake; /* ends the ticker's wait early */
} status;

/* Warning kinds seen under -q; kinds beyond the table are never folded. */
#define FOLD_KINDS_MAX 64
typedef struct fold_kind {
    char origin[64];
    char kind[256];
    unsigned long seen;
} fold_kind;
static unsigned fold_keep;
static fold_kind fold_kinds[FOLD_KINDS_MAX];
static size_t fold_kind_count;

void bg_log_configure(bg_log_level max_level, int json)
{
    log_max_level = max_level;
    log_json = json;
}

bg_log_level bg_log_max_level(void)
{
    return log_max_level > file_level || !log_file ? log_max_level : file_level;
}

int bg_log_open_file(const char *path, bg_log_level level)
{
    FILE *f = fopen(path, "a");
    if (!f)
        return -1;
    if (log_file)
        fclose(log_file);
    log_file = f;
    file_level = level;
    return 0;
}

void bg_log_close_file(void)
{
    if (log_file)
        fclose(log_file);
    log_file = NULL;
}

void bg_log_fold(unsigned keep)
{
    fold_keep = keep;
}

static const char *level_name(bg_log_level level)
{
    switch (level) {
    case BG_LOG_ERROR: return "error";
    case BG_LOG_WARN: return "warn";
    case BG_LOG_INFO: return "info";
    case BG_LOG_DEBUG: return "debug";
    }
    return "info";
}

/* Status line --------------------------------------------------------------- */

static int terminal_columns(void)
{
    struct winsize w;
    if (ioctl(STDERR_FILENO, TIOCGWINSZ, &w) == 0 && w.ws_col > 0)
        return w.ws_col;
    /* not a terminal (--progress through a pipe): as wide as COLUMNS says */
    const char *columns = getenv("COLUMNS");
    long n = columns ? strtol(columns, NULL, 10) : 0;
    return n >= 20 && n <= 1000 ? (int)n : 80;
}

/* Bytes of text that fit in columns cells: CJK and full-width characters
 * take two, other characters one (a line that wrapped could not be cleared
 * by one carriage return). */
static size_t fit_columns(const char *text, int columns)
{
    size_t i = 0;
    int used = 0;
    while (text[i]) {
        unsigned char c = (unsigned char)text[i];
        size_t length = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
        unsigned codepoint = c;
        if (length == 3)
            codepoint =
                (c & 0x0Fu) << 12 | ((unsigned char)text[i + 1] & 0x3Fu) << 6 | ((unsigned char)text[i + 2] & 0x3Fu);
        int width = length == 4 || (length == 3 && codepoint >= 0x2E80) ? 2 : 1;
        if (used + width > columns)
            break;
        for (size_t k = 1; k < length; k++)
            if (!text[i + k])
                return i; /* a cut character: stop before it */
        used += width;
        i += length;
    }
    return i;
}

void bg_log_format_duration(double seconds, char *buf, size_t size)
{
    long s = seconds < 0 ? 0 : (long)(seconds + 0.5);
    if (s < 60)
        snprintf(buf, size, "%lds", s);
    else if (s < 3600)
        snprintf(buf, size, "%ldm%02lds", s / 60, s % 60);
    else
        snprintf(buf, size, "%ldh%02ldm", s / 3600, s / 60 % 60);
}

void bg_log_format_size(uint64_t bytes, char *buf, size_t size)
{
    static const char *const units[] = {"KiB", "MiB", "GiB", "TiB"};
    if (bytes < 1024) {
        snprintf(buf, size, "%u B", (unsigned)bytes);
        return;
    }
    double value = (double)bytes / 1024;
    size_t unit = 0;
    while (value >= 1024 && unit + 1 < sizeof units / sizeof *units) {
        value /= 1024;
        unit++;
    }
    /* 52 KiB, 1.2 MiB: one decimal only where it says something */
    if (value < 10)
        snprintf(buf, size, "%.1f %s", value, units[unit]);
    else
        snprintf(buf, size, "%.0f %s", value, units[unit]);
}

static double seconds_since(const struct timespec *start)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - start->tv_sec) + (double)(now.tv_nsec - start->tv_nsec) / 1e9;
}

/* Under log_lock. Text first, then erase what an older, longer line left. */
static void draw_status(void)
{
    char clock[32], line[600];
    bg_log_format_duration(seconds_since(&status.clock), clock, sizeof clock);
    snprintf(line, sizeof line, "%s · %s", status.text, clock);
    size_t fit = fit_columns(line, terminal_columns() - 1);
    fprintf(stderr, "\r%.*s\033[K", (int)fit, line);
    fflush(stderr);
    status.drawn = true;
}

static void clear_status(void)
{
    if (!status.drawn)
        return;
    fputs("\r\033[K", stderr);
    status.drawn = false;
}

static void *status_ticker(void *unused)
{
    (void)unused;
    pthread_mutex_lock(&log_lock);
    while (status.on) {
        struct timespec until;
        clock_gettime(CLOCK_MONOTONIC, &until);
        until.tv_sec += 1;
        pthread_cond_timedwait(&status.wake, &log_lock, &until);
        if (status.on && status.text[0])
            draw_status();
    }
    pthread_mutex_unlock(&log_lock);
    return NULL;
}

void bg_log_status_begin(void)
{
    pthread_mutex_lock(&log_lock);
    if (status.on) {
        pthread_mutex_unlock(&log_lock);
        return;
    }
    status.on = true;
    status.drawn = false;
    status.text[0] = '\0';
    clock_gettime(CLOCK_MONOTONIC, &status.clock);
    pthread_condattr_t attributes;
    pthread_condattr_init(&attributes);
    pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC);
    pthread_cond_init(&status.wake, &attributes);
    pthread_condattr_destroy(&attributes);
    /* without the ticker the line is still drawn, only not refreshed */
    status.ticking = pthread_create(&status.ticker, NULL, status_ticker, NULL) == 0;
    pthread_mutex_unlock(&log_lock);
}

void bg_log_status(bool restart_clock, const char *format, ...)
{
    pthread_mutex_lock(&log_lock);
    if (status.on) {
        va_list ap;
        va_start(ap, format);
        vsnprintf(status.text, sizeof status.text, format, ap);
        va_end(ap);
        if (restart_clock)
            clock_gettime(CLOCK_MONOTONIC, &status.clock);
        draw_status();
    }
    pthread_mutex_unlock(&log_lock);
}

void bg_log_status_end(bool keep)
{
    pthread_mutex_lock(&log_lock);
    if (!status.on) {
        pthread_mutex_unlock(&log_lock);
        return;
    }
    if (keep && status.text[0]) {
        draw_status();
        fputc('\n', stderr);
        status.drawn = false;
    } else {
        clear_status();
    }
    fflush(stderr);
    status.on = false;
    pthread_cond_signal(&status.wake);
    bool ticking = status.ticking;
    status.ticking = false;
    pthread_mutex_unlock(&log_lock);
    if (ticking)
        pthread_join(status.ticker, NULL);
    pthread_cond_destroy(&status.wake);
}

/* Folding ------------------------------------------------------------------- */

/* A format string as a kind: each conversion becomes "…", "%%" stays "%". */
static void format_kind(const char *format, char *out, size_t size)
{
    size_t n = 0;
    for (const char *p = format; *p && n + 4 < size; p++) {
        if (*p != '%') {
            out[n++] = *p;
            continue;
        }
        if (*++p == '%') {
            out[n++] = '%';
            continue;
        }
        while (*p && strchr("-+ #0123456789.*hlLqjzt'", *p))
            p++;
        if (!*p)
            break;
        memcpy(out + n, "…", 3);
        n += 3;
    }
    out[n] = '\0';
}

/* Under log_lock: whether stderr shows this warning of kind. */
static bool fold_admit(const char *origin, const char *kind)
{
    const char *o = origin ? origin : "";
    fold_kind *k = NULL;
    for (size_t i = 0; i < fold_kind_count && !k; i++)
        if (!strcmp(fold_kinds[i].origin, o) && !strcmp(fold_kinds[i].kind, kind))
            k = &fold_kinds[i];
    if (!k) {
        if (fold_kind_count == FOLD_KINDS_MAX)
            return true;
        k = &fold_kinds[fold_kind_count++];
        snprintf(k->origin, sizeof k->origin, "%s", o);
        snprintf(k->kind, sizeof k->kind, "%s", kind);
        k->seen = 0;
    }
    return ++k->seen <= fold_keep;
}

/* Writing ------------------------------------------------------------------- */

static void emit(FILE *out, const char *stamp, bg_log_level level, const char *origin, const char *message,
                 const cJSON *fields)
{
    if (log_json) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "time", stamp);
        cJSON_AddStringToObject(o, "level", level_name(level));
        if (origin)
            cJSON_AddStringToObject(o, "plugin", origin);
        cJSON_AddStringToObject(o, "message", message);
        for (const cJSON *field = fields ? fields->child : NULL; field; field = field->next)
            if (field->string && !cJSON_HasObjectItem(o, field->string))
                cJSON_AddItemToObject(o, field->string, cJSON_Duplicate(field, 1));
        char *text = cJSON_PrintUnformatted(o);
        if (text) {
            fprintf(out, "%s\n", text);
            cJSON_free(text);
        }
        cJSON_Delete(o);
    } else if (origin) {
        fprintf(out, "%s %-5s [%s] %s\n", stamp, level_name(level), origin, message);
    } else {
        fprintf(out, "%s %-5s %s\n", stamp, level_name(level), message);
    }
    fflush(out);
}

/* The one way out. kind: the warning's kind when it may be folded, else
 * NULL. to_file: also to --log-file (up to its level). Takes fields. */
static void log_message(bg_log_level level, const char *origin, bool to_stderr, bool to_file, const char *kind,
                        cJSON *fields, const char *message)
{
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    struct tm tm;
    localtime_r(&now.tv_sec, &tm);
    char stamp[40];
    strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S%z", &tm);

    pthread_mutex_lock(&log_lock);
    if (to_stderr && kind && !fold_admit(origin, kind))
        to_stderr = false;
    if (to_stderr) {
        clear_status();
        emit(stderr, stamp, level, origin, message, fields);
        if (status.on && status.text[0])
            draw_status();
    }
    if (to_file && log_file && level <= file_level)
        emit(log_file, stamp, level, origin, message, fields);
    pthread_mutex_unlock(&log_lock);
    cJSON_Delete(fields);
}

static _Thread_local bg_log_capture *capture;

void bg_log_capture_begin(bg_log_capture *c)
{
    capture = c;
}

void bg_log_capture_end(void)
{
    capture = NULL;
}

void bg_log_capture_free(bg_log_capture *c)
{
    for (size_t i = 0; i < c->count; i++)
        free(c->items[i]);
    free(c->items);
    memset(c, 0, sizeof *c);
}

static void keep_captured(const char *kind, const char *message)
{
    char **grown = realloc(capture->items, (capture->count + 2) * sizeof *grown);
    char *k = strdup(kind), *m = strdup(message);
    if (!grown || !k || !m) {
        free(k);
        free(m);
        if (grown)
            capture->items = grown;
        capture->nomem = true;
        return;
    }
    capture->items = grown;
    capture->items[capture->count++] = k;
    capture->items[capture->count++] = m;
}

void bg_log_replay(const bg_log_capture *c)
{
    for (size_t i = 0; i + 1 < c->count; i += 2)
        bg_log_kind(BG_LOG_WARN, c->items[i], "%s", c->items[i + 1]);
}

static void log_formatted(bg_log_level level, const char *origin, bool to_stderr, const char *kind, const char *format,
                          va_list ap)
{
    char message[2048], template[256];
    if (capture && level == BG_LOG_WARN && !origin) {
        va_list copy;
        va_copy(copy, ap);
        vsnprintf(message, sizeof message, format, copy);
        va_end(copy);
        if (!kind)
            format_kind(format, template, sizeof template);
        keep_captured(kind ? kind : template, message);
    }
    if (!to_stderr && !(log_file && level <= file_level))
        return;
    vsnprintf(message, sizeof message, format, ap);
    if (!fold_keep || level != BG_LOG_WARN) {
        kind = NULL;
    } else if (!kind) {
        format_kind(format, template, sizeof template);
        kind = template;
    }
    log_message(level, origin, to_stderr, true, kind, NULL, message);
}

void bg_logv(bg_log_level level, const char *origin, const char *format, va_list ap)
{
    log_formatted(level, origin, level <= log_max_level, NULL, format, ap);
}

void bg_log(bg_log_level level, const char *format, ...)
{
    va_list ap;
    va_start(ap, format);
    log_formatted(level, NULL, level <= log_max_level, NULL, format, ap);
    va_end(ap);
}

void bg_log_always(bg_log_level level, const char *format, ...)
{
    va_list ap;
    va_start(ap, format);
    log_formatted(level, NULL, true, NULL, format, ap);
    va_end(ap);
}

void bg_log_kind(bg_log_level level, const char *kind, const char *format, ...)
{
    va_list ap;
    va_start(ap, format);
    log_formatted(level, NULL, level <= log_max_level, kind, format, ap);
    va_end(ap);
}

void bg_log_fields(bg_log_level level, bool always, cJSON *fields, const char *format, ...)
{
    bool to_stderr = always || level <= log_max_level;
    if (!to_stderr && !(log_file && level <= file_level)) {
        cJSON_Delete(fields);
        return;
    }
    char message[2048];
    va_list ap;
    va_start(ap, format);
    vsnprintf(message, sizeof message, format, ap);
    va_end(ap);
    /* a line with fields is a record of its own, never folded */
    log_message(level, NULL, to_stderr, true, NULL, fields, message);
}

void bg_log_fold_report(void)
{
    pthread_mutex_lock(&log_lock);
    size_t count = fold_kind_count;
    fold_kind kinds[FOLD_KINDS_MAX];
    memcpy(kinds, fold_kinds, count * sizeof *kinds);
    fold_kind_count = 0;
    pthread_mutex_unlock(&log_lock);
    for (size_t i = 0; i < count; i++) {
        if (kinds[i].seen <= fold_keep)
            continue;
        unsigned long more = kinds[i].seen - fold_keep;
        cJSON *fields = cJSON_CreateObject();
        cJSON_AddNumberToObject(fields, "folded", (double)more);
        cJSON_AddStringToObject(fields, "kind", kinds[i].kind);
        char message[512];
        snprintf(message, sizeof message, "… and %lu more warning%s like: %s", more, more == 1 ? "" : "s",
                 kinds[i].kind);
        /* stderr only (the log file has every one of them), never folded */
        log_message(BG_LOG_WARN, kinds[i].origin[0] ? kinds[i].origin : NULL, true, false, NULL, fields, message);
    }
}
