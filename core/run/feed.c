/* feed.c — exporter threads and their queues (feed.h). */
#define _GNU_SOURCE
#include "run/feed.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* An item shared by every lane it was pushed to. */
typedef struct shared {
    void *item;
    void (*release)(void *item);
    size_t refs; /* lanes not done with it yet (under the feed's mutex) */
} shared;

typedef struct entry {
    bg_feed_fn fn;
    shared *s;
} entry;

typedef struct lane {
    bg_export *x;
    size_t index; /* in the run's exports */
    entry *ring;
    size_t head, count;
    bool working;  /* an entry is at hand */
    bool failed;
    bool started;
    double seconds, cpu_seconds;
    pthread_t thread;
    pthread_cond_t work_cv;
    struct bg_feed *feed;
    char msg[1024];
} lane;

struct bg_feed {
    lane *lanes;
    size_t lane_count, bound;
    bool stopping;
    bg_error failure;
    char failure_msg[1024];
    pthread_mutex_t mutex;
    pthread_cond_t space_cv, idle_cv;
};

static double clock_seconds(clockid_t clock)
{
    struct timespec t;
    clock_gettime(clock, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Under the mutex: one lane is done with s; true when it was the last. */
static bool unref(shared *s)
{
    return --s->refs == 0;
}

static void *lane_main(void *arg)
{
    lane *l = arg;
    bg_feed *f = l->feed;
    pthread_mutex_lock(&f->mutex);
    for (;;) {
        while (!l->count && !f->stopping)
            pthread_cond_wait(&l->work_cv, &f->mutex);
        if (!l->count) /* stopping, and nothing left */
            break;
        entry e = l->ring[l->head];
        l->head = (l->head + 1) % f->bound;
        l->count--;
        l->working = true;
        bool skip = l->failed || f->stopping || f->failure != BG_E_OK;
        pthread_cond_broadcast(&f->space_cv);
        pthread_mutex_unlock(&f->mutex);

        bg_error err = BG_E_OK;
        char msg[1024] = "failed without a message";
        if (!skip) {
            double start = clock_seconds(CLOCK_MONOTONIC), cpu = clock_seconds(CLOCK_THREAD_CPUTIME_ID);
            err = e.fn(l->x, e.s->item, msg, sizeof msg);
            l->seconds += clock_seconds(CLOCK_MONOTONIC) - start;
            l->cpu_seconds += clock_seconds(CLOCK_THREAD_CPUTIME_ID) - cpu;
        }

        pthread_mutex_lock(&f->mutex);
        l->working = false;
        if (err != BG_E_OK) {
            l->failed = true;
            snprintf(l->msg, sizeof l->msg, "%s", msg);
            if (f->failure == BG_E_OK) {
                f->failure = err;
                snprintf(f->failure_msg, sizeof f->failure_msg, "%s", msg);
            }
        }
        bool last = unref(e.s);
        if (last) {
            pthread_mutex_unlock(&f->mutex);
            if (e.s->release)
                e.s->release(e.s->item);
            free(e.s);
            pthread_mutex_lock(&f->mutex);
        }
        pthread_cond_broadcast(&f->idle_cv);
        pthread_cond_broadcast(&f->space_cv);
    }
    pthread_mutex_unlock(&f->mutex);
    return NULL;
}

bg_feed *bg_feed_start(bg_export *exports, size_t count, size_t bound)
{
    bg_feed *f = calloc(1, sizeof *f);
    if (!f)
        return NULL;
    f->bound = bound ? bound : 1;
    pthread_mutex_init(&f->mutex, NULL);
    pthread_cond_init(&f->space_cv, NULL);
    pthread_cond_init(&f->idle_cv, NULL);
    f->lanes = calloc(count ? count : 1, sizeof *f->lanes);
    if (!f->lanes) {
        bg_feed_stop(f);
        return NULL;
    }
    for (size_t i = 0; i < count; i++) {
        if (!exports[i].ctx)
            continue;
        lane *l = &f->lanes[f->lane_count];
        l->x = &exports[i];
        l->index = i;
        l->feed = f;
        l->ring = calloc(f->bound, sizeof *l->ring);
        pthread_cond_init(&l->work_cv, NULL);
        f->lane_count++;
        if (!l->ring || pthread_create(&l->thread, NULL, lane_main, l) != 0) {
            bg_feed_stop(f);
            return NULL;
        }
        l->started = true;
        /* "bg:xlsx" in top -H, perf and gdb */
        char name[16];
        snprintf(name, sizeof name, "bg:%s", exports[i].plugin->descriptor.name);
        pthread_setname_np(l->thread, name);
    }
    return f;
}

bool bg_feed_push(bg_feed *f, bg_feed_fn fn, void *item, void (*release)(void *item))
{
    shared *s = f->lane_count ? malloc(sizeof *s) : NULL;
    if (!s) {
        if (release)
            release(item);
        if (!f->lane_count)
            return true;
        pthread_mutex_lock(&f->mutex);
        if (f->failure == BG_E_OK) {
            f->failure = BG_E_NOMEM;
            snprintf(f->failure_msg, sizeof f->failure_msg, "out of memory handing rows to the exporters");
        }
        pthread_mutex_unlock(&f->mutex);
        return false;
    }
    s->item = item;
    s->release = release;
    pthread_mutex_lock(&f->mutex);
    s->refs = f->lane_count;
    for (size_t i = 0; i < f->lane_count; i++) {
        lane *l = &f->lanes[i];
        while (l->count == f->bound && !l->failed && f->failure == BG_E_OK)
            pthread_cond_wait(&f->space_cv, &f->mutex);
        if (l->count == f->bound || l->failed || f->failure != BG_E_OK) {
            /* a lane failed: this item goes nowhere further */
            s->refs -= f->lane_count - i;
            break;
        }
        l->ring[(l->head + l->count) % f->bound] = (entry){fn, s};
        l->count++;
        pthread_cond_signal(&l->work_cv);
    }
    bool ok = f->failure == BG_E_OK;
    bool orphan = s->refs == 0;
    pthread_mutex_unlock(&f->mutex);
    if (orphan) {
        if (release)
            release(item);
        free(s);
    }
    return ok;
}

bool bg_feed_wait(bg_feed *f, int timeout_ms)
{
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    if (timeout_ms >= 0) {
        until.tv_sec += timeout_ms / 1000;
        until.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
    }
    pthread_mutex_lock(&f->mutex);
    for (;;) {
        bool idle = true;
        for (size_t i = 0; i < f->lane_count && idle; i++)
            idle = !f->lanes[i].count && !f->lanes[i].working;
        if (idle) {
            pthread_mutex_unlock(&f->mutex);
            return true;
        }
        if (timeout_ms < 0)
            pthread_cond_wait(&f->idle_cv, &f->mutex);
        else if (pthread_cond_timedwait(&f->idle_cv, &f->mutex, &until) != 0)
            break;
    }
    pthread_mutex_unlock(&f->mutex);
    return false;
}

static lane *lane_of(bg_feed *f, size_t x)
{
    for (size_t i = 0; i < f->lane_count; i++)
        if (f->lanes[i].index == x)
            return &f->lanes[i];
    return NULL;
}

bool bg_feed_busy(bg_feed *f, size_t x)
{
    pthread_mutex_lock(&f->mutex);
    lane *l = lane_of(f, x);
    bool busy = l && (l->count || l->working);
    pthread_mutex_unlock(&f->mutex);
    return busy;
}

bg_error bg_feed_failure(bg_feed *f, char *msg, size_t msg_size)
{
    pthread_mutex_lock(&f->mutex);
    bg_error e = f->failure;
    if (e != BG_E_OK && msg && msg_size)
        snprintf(msg, msg_size, "%s", f->failure_msg);
    pthread_mutex_unlock(&f->mutex);
    return e;
}

double bg_feed_seconds(bg_feed *f, size_t x, bool cpu)
{
    pthread_mutex_lock(&f->mutex);
    lane *l = lane_of(f, x);
    double s = l ? cpu ? l->cpu_seconds : l->seconds : 0;
    pthread_mutex_unlock(&f->mutex);
    return s;
}

void bg_feed_stop(bg_feed *f)
{
    if (!f)
        return;
    pthread_mutex_lock(&f->mutex);
    f->stopping = true;
    for (size_t i = 0; i < f->lane_count; i++)
        if (f->lanes[i].started)
            pthread_cond_signal(&f->lanes[i].work_cv);
    pthread_cond_broadcast(&f->space_cv);
    pthread_mutex_unlock(&f->mutex);
    /* each thread drains its own queue (releasing without doing) and ends */
    for (size_t i = 0; i < f->lane_count; i++) {
        lane *l = &f->lanes[i];
        if (l->started)
            pthread_join(l->thread, NULL);
        pthread_cond_destroy(&l->work_cv);
        free(l->ring);
    }
    free(f->lanes);
    pthread_cond_destroy(&f->space_cv);
    pthread_cond_destroy(&f->idle_cv);
    pthread_mutex_destroy(&f->mutex);
    free(f);
}
