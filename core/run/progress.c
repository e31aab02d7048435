/* progress.c — the progress bar and the export phase line (progress.h). */
#include "run/progress.h"

#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#define BAR_WIDTH 24
/* redraws at most this often (a corpus of small files would flood the
 * terminal), except for the first and the last source */
#define REDRAW_NS (100L * 1000 * 1000)

static double seconds_between(const struct timespec *from, const struct timespec *to)
{
    return (double)(to->tv_sec - from->tv_sec) + (double)(to->tv_nsec - from->tv_nsec) / 1e9;
}

static void draw_bar(bg_progress *p, const struct timespec *now)
{
    /* the share done: by bytes when the sizes are known, else by sources */
    double share = p->total_bytes ? (double)p->done_bytes / (double)p->total_bytes
                   : p->total     ? (double)p->done / (double)p->total
                                  : 1.0;
    if (share > 1)
        share = 1;
    int filled = (int)(share * BAR_WIDTH + 0.5);
    char bar[BAR_WIDTH + 1];
    for (int i = 0; i < BAR_WIDTH; i++)
        bar[i] = i < filled ? '#' : '-';
    bar[BAR_WIDTH] = '\0';
    char bytes[64] = "";
    if (p->total_bytes) {
        char done[24], total[24];
        bg_log_format_size(p->done_bytes, done, sizeof done);
        bg_log_format_size(p->total_bytes, total, sizeof total);
        snprintf(bytes, sizeof bytes, ", %s of %s", done, total);
    }
    char eta[48] = "";
    if (p->done > 0 && p->done < p->total && share > 0) {
        double elapsed = seconds_between(&p->started, now);
        char left[24];
        bg_log_format_duration(elapsed * (1 - share) / share, left, sizeof left);
        snprintf(eta, sizeof eta, ", ETA %s", left);
    } else if (p->done == 0) {
        snprintf(eta, sizeof eta, ", ETA …");
    }
    bg_log_status(false, "[%s] %zu/%zu sources%s%s", bar, p->done, p->total, bytes, eta);
    p->drawn = *now;
}

void bg_progress_start(bg_progress *p, bool on, const bg_source_list *sources)
{
    *p = (bg_progress){.on = on && sources->count > 0, .total = sources->count};
    if (!p->on)
        return;
    p->bytes = calloc(sources->count, sizeof *p->bytes);
    for (size_t i = 0; p->bytes && i < sources->count; i++) {
        p->bytes[i] = sources->files[i].size; /* as listed */
        p->total_bytes += p->bytes[i];
    }
    clock_gettime(CLOCK_MONOTONIC, &p->started);
    bg_log_status_begin();
    draw_bar(p, &p->started);
}

void bg_progress_source_done(bg_progress *p, size_t index)
{
    if (!p->on)
        return;
    p->done = index + 1;
    if (p->bytes && index < p->total)
        p->done_bytes += p->bytes[index];
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    double since = seconds_between(&p->drawn, &now);
    if (p->done == 1 || p->done == p->total || since * 1e9 >= REDRAW_NS)
        draw_bar(p, &now);
}

void bg_progress_extracted(bg_progress *p)
{
    if (!p->on)
        return;
    /* the last source drew the full bar; ending keeps it with its time */
    bg_log_status_end(true);
    bg_log_status_begin();
}

void bg_progress_phase(bg_progress *p, const char *format, ...)
{
    if (!p->on)
        return;
    char text[400];
    va_list ap;
    va_start(ap, format);
    vsnprintf(text, sizeof text, format, ap);
    va_end(ap);
    bg_log_status(true, "%s", text);
}

void bg_progress_end(bg_progress *p)
{
    if (p->on)
        bg_log_status_end(false);
    free(p->bytes);
    *p = (bg_progress){0};
}
