/* feed.h — every exporter on its own thread, fed through its own bounded
 * queue. The run pushes each source's documents once; every exporter takes
 * them in the order they were pushed, so outputs do not depend on how many
 * workers extracted them. A push waits only while the slowest exporter's
 * queue is full, which bounds what is held for the exporters whatever the
 * corpus. The last exporter done with an item releases it. A failed
 * exporter drops what reaches it from then on (releasing it), so the run
 * never waits on it; the run asks for the first failure and stops. */
#ifndef BAOGAO_RUN_FEED_H
#define BAOGAO_RUN_FEED_H

#include "error.h"
#include "run/exporters.h"

#include <stdbool.h>
#include <stddef.h>

typedef struct bg_feed bg_feed;

/* What an exporter's thread does with an item (rows, or the end). */
typedef bg_error (*bg_feed_fn)(bg_export *x, void *item, char *msg, size_t msg_size);

/* One thread per open exporter of exports[0..count) (those with a context);
 * at most `bound` items queued per exporter. NULL when the threads cannot
 * be started. */
bg_feed *bg_feed_start(bg_export *exports, size_t count, size_t bound);
/* Queues fn(x, item) on every open exporter, waiting while a queue is full.
 * release(item) (may be NULL) is called once, by whichever thread is done
 * with the item last; at once when no exporter is open. false when an
 * exporter has failed (the item is released either way). */
bool bg_feed_push(bg_feed *f, bg_feed_fn fn, void *item, void (*release)(void *item));
/* Waits up to timeout_ms (< 0: for ever) until every queue is empty and
 * every exporter idle; true when they are. */
bool bg_feed_wait(bg_feed *f, int timeout_ms);
/* Whether exporter x (an index into exports) still has work queued or at
 * hand. */
bool bg_feed_busy(bg_feed *f, size_t x);
/* The first failure's message (copied to msg): BG_E_EXPORT or NOMEM, or
 * BG_E_OK when none has failed. */
bg_error bg_feed_failure(bg_feed *f, char *msg, size_t msg_size);
/* Seconds exporter x's thread spent in its work so far, without the waiting
 * for items: wall time, or (cpu) the thread's processor time, which other
 * threads on the same processors do not inflate. */
double bg_feed_seconds(bg_feed *f, size_t x, bool cpu);
/* Releases what is still queued without doing it, joins the threads, frees
 * the feed (NULL: nothing). */
void bg_feed_stop(bg_feed *f);

#endif
