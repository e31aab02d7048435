/* workers.h — extraction on worker threads, delivered in order: item i's
 * result is handed to the one consumer only after items 0..i-1, through a
 * window of at most `window` items in flight, so memory stays bounded by the
 * window whatever the number of items. The run's stop flag ends the waiting
 * (and, through the document budget, the work) within a fraction of a
 * second. */
#ifndef BAOGAO_RUN_WORKERS_H
#define BAOGAO_RUN_WORKERS_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Does item `index` into `slot` (result_size bytes, zeroed). */
typedef void (*bg_work_fn)(void *user, size_t index, void *slot);

typedef struct bg_workers bg_workers;

/* Starts threads (at least 1) over items 0..count-1. NULL on failure. */
bg_workers *bg_workers_start(size_t count, size_t window, int threads, size_t result_size, bg_work_fn work,
                             void *user, const volatile sig_atomic_t *stop);
/* As bg_workers_start, and besides at most `budget` of weight in flight
 * (taken and not yet released), weights[i] being item i's (the run: a
 * source's bytes, which its text and rows grow with); an item heavier than
 * the budget is taken alone. weights must outlive the pool. */
bg_workers *bg_workers_start_weighted(size_t count, size_t window, const uint64_t *weights, uint64_t budget,
                                      int threads, size_t result_size, bg_work_fn work, void *user,
                                      const volatile sig_atomic_t *stop);
/* The result of item i, once done (items are taken in order 0, 1, …);
 * NULL when the stop flag was raised first. */
void *bg_workers_next(bg_workers *w, size_t i);
/* Item i's slot may be reused (its result was consumed and freed). */
void bg_workers_release(bg_workers *w, size_t i);
/* Stops handing out items, waits for the threads, frees the pool. cleanup
 * (may be NULL) is called on every result that was done but not consumed. */
void bg_workers_finish(bg_workers *w, void (*cleanup)(void *slot));

#endif
