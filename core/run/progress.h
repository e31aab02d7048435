/* progress.h — what the terminal shows while a run works: a bar over the
 * sources (how many, how many bytes, an ETA from the bytes read so far),
 * kept as a line once every source is in, then one phase line per export
 * step, so that the long close of a workbook never looks hung. Drawn on the
 * log's status line (log.h), so warnings print above it. */
#ifndef BAOGAO_RUN_PROGRESS_H
#define BAOGAO_RUN_PROGRESS_H

#include "source/sources.h"

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

typedef struct bg_progress {
    bool on;
    size_t total, done;
    uint64_t total_bytes, done_bytes;
    uint64_t *bytes; /* per source, NULL when the sizes are unknown */
    struct timespec started, drawn;
} bg_progress;

/* Starts the bar over sources when on (the run shows progress); otherwise
 * every call below does nothing. Sizes come from one stat per source. */
void bg_progress_start(bg_progress *p, bool on, const bg_source_list *sources);
/* Source index (taken in order) is done: its rows went to the exporters. */
void bg_progress_source_done(bg_progress *p, size_t index);
/* Every source is in: the bar stays as an ordinary line, the status line
 * now shows the export phase. */
void bg_progress_extracted(bg_progress *p);
/* The export phase line, printf-style ("export 2/4: xlsx writing …"). */
void bg_progress_phase(bg_progress *p, const char *format, ...) __attribute__((format(printf, 2, 3)));
/* Erases the status line and frees p (safe when never started). */
void bg_progress_end(bg_progress *p);

#endif
