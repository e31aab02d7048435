/* log.c — one line per message on stderr, written whole under a lock so that
 * worker threads never interleave. */
#include "log.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <cjson/cJSON.h>

static bg_log_level log_max_level = BG_LOG_INFO;
static int log_json;
/* --log-file: every message up to file_level, whatever stderr shows, so that
 * cron can mail the warnings and keep the rest in a log */
static FILE *log_file;
static bg_log_level file_level = BG_LOG_INFO;
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;

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

static void log_write(bg_log_level level, const char *origin, bool to_stderr, const char *format, va_list ap);

void bg_logv(bg_log_level level, const char *origin, const char *format, va_list ap)
{
    bool to_stderr = level <= log_max_level;
    if (!to_stderr && !(log_file && level <= file_level))
        return;
    log_write(level, origin, to_stderr, format, ap);
}

void bg_log_always(bg_log_level level, const char *format, ...)
{
    va_list ap;
    va_start(ap, format);
    log_write(level, NULL, true, format, ap);
    va_end(ap);
}

static void emit(FILE *out, const char *stamp, bg_log_level level, const char *origin, const char *message, bool json)
{
    if (json) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "time", stamp);
        cJSON_AddStringToObject(o, "level", level_name(level));
        if (origin)
            cJSON_AddStringToObject(o, "plugin", origin);
        cJSON_AddStringToObject(o, "message", message);
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

static void log_write(bg_log_level level, const char *origin, bool to_stderr, const char *format, va_list ap)
{
    char message[2048];
    vsnprintf(message, sizeof message, format, ap);
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    struct tm tm;
    localtime_r(&now.tv_sec, &tm);
    char stamp[40];
    strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S%z", &tm);

    pthread_mutex_lock(&log_lock);
    if (to_stderr)
        emit(stderr, stamp, level, origin, message, log_json);
    if (log_file && level <= file_level)
        emit(log_file, stamp, level, origin, message, log_json);
    pthread_mutex_unlock(&log_lock);
}

void bg_log(bg_log_level level, const char *format, ...)
{
    va_list ap;
    va_start(ap, format);
    bg_logv(level, NULL, format, ap);
    va_end(ap);
}
