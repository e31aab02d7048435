/* workers.c — the ordered worker pool (workers.h). */
#define _GNU_SOURCE
#include "run/workers.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct bg_workers {
    size_t count, window, result_size;
    bg_work_fn work;
    void *user;
    const volatile sig_atomic_t *stop;
    unsigned char *slots; /* window * result_size */
    bool *done;           /* per slot */
    size_t next, consumed;
    const uint64_t *weights; /* per item, or NULL */
    uint64_t budget, in_flight;
    bool stopping;
    pthread_mutex_t mutex;
    pthread_cond_t done_cv, space_cv;
    pthread_t *threads;
    int thread_count;
};

static void *slot_of(bg_workers *w, size_t i)
{
    return w->slots + (i % w->window) * w->result_size;
}

static void *worker_main(void *arg)
{
    bg_workers *w = arg;
    for (;;) {
        pthread_mutex_lock(&w->mutex);
        while (!w->stopping && w->next < w->count &&
               (w->next >= w->consumed + w->window ||
                (w->weights && w->in_flight > 0 && w->in_flight + w->weights[w->next] > w->budget)))
            pthread_cond_wait(&w->space_cv, &w->mutex);
        if (w->stopping || w->next >= w->count || (w->stop && *w->stop)) {
            pthread_mutex_unlock(&w->mutex);
            return NULL;
        }
        size_t i = w->next++;
        if (w->weights)
            w->in_flight += w->weights[i];
        pthread_mutex_unlock(&w->mutex);
        /* the slot is ours alone until it is marked done */
        void *slot = slot_of(w, i);
        memset(slot, 0, w->result_size);
        w->work(w->user, i, slot);
        pthread_mutex_lock(&w->mutex);
        w->done[i % w->window] = true;
        pthread_cond_broadcast(&w->done_cv);
        pthread_mutex_unlock(&w->mutex);
    }
}

bg_workers *bg_workers_start(size_t count, size_t window, int threads, size_t result_size, bg_work_fn work,
                             void *user, const volatile sig_atomic_t *stop)
{
    return bg_workers_start_weighted(count, window, NULL, 0, threads, result_size, work, user, stop);
}

bg_workers *bg_workers_start_weighted(size_t count, size_t window, const uint64_t *weights, uint64_t budget,
                                      int threads, size_t result_size, bg_work_fn work, void *user,
                                      const volatile sig_atomic_t *stop)
{
    bg_workers *w = calloc(1, sizeof *w);
    if (!w)
        return NULL;
    if (window < 1)
        window = 1;
    if (threads < 1)
        threads = 1;
    if (count && (size_t)threads > count)
        threads = (int)count;
    w->count = count;
    w->window = window;
    w->weights = weights;
    w->budget = budget;
    w->result_size = result_size ? result_size : 1;
    w->work = work;
    w->user = user;
    w->stop = stop;
    w->slots = calloc(window, w->result_size);
    w->done = calloc(window, sizeof *w->done);
    w->threads = calloc((size_t)threads, sizeof *w->threads);
    if (!w->slots || !w->done || !w->threads || pthread_mutex_init(&w->mutex, NULL) != 0) {
        free(w->slots);
        free(w->done);
        free(w->threads);
        free(w);
        return NULL;
    }
    pthread_cond_init(&w->done_cv, NULL);
    pthread_cond_init(&w->space_cv, NULL);
    for (; w->thread_count < threads; w->thread_count++)
        if (pthread_create(&w->threads[w->thread_count], NULL, worker_main, w) == 0)
            pthread_setname_np(w->threads[w->thread_count], "bg:worker");
        else
            break;
    if (w->thread_count == 0 && count > 0) {
        bg_workers_finish(w, NULL);
        return NULL;
    }
    return w;
}

void *bg_workers_next(bg_workers *w, size_t i)
{
    pthread_mutex_lock(&w->mutex);
    while (!w->done[i % w->window] && !(w->stop && *w->stop)) {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_nsec += 100 * 1000 * 1000;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&w->done_cv, &w->mutex, &until);
    }
    bool done = w->done[i % w->window];
    pthread_mutex_unlock(&w->mutex);
    return done ? slot_of(w, i) : NULL;
}

void bg_workers_release(bg_workers *w, size_t i)
{
    pthread_mutex_lock(&w->mutex);
    w->done[i % w->window] = false;
    w->consumed = i + 1;
    if (w->weights)
        w->in_flight -= w->weights[i];
    pthread_cond_broadcast(&w->space_cv);
    pthread_mutex_unlock(&w->mutex);
}

void bg_workers_finish(bg_workers *w, void (*cleanup)(void *slot))
{
    if (!w)
        return;
    pthread_mutex_lock(&w->mutex);
    w->stopping = true;
    pthread_cond_broadcast(&w->space_cv);
    pthread_mutex_unlock(&w->mutex);
    for (int t = 0; t < w->thread_count; t++)
        pthread_join(w->threads[t], NULL);
    for (size_t k = 0; cleanup && k < w->window; k++)
        if (w->done[k])
            cleanup(w->slots + k * w->result_size);
    pthread_mutex_destroy(&w->mutex);
    pthread_cond_destroy(&w->done_cv);
    pthread_cond_destroy(&w->space_cv);
    free(w->slots);
    free(w->done);
    free(w->threads);
    free(w);
}
