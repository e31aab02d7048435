/* test_workers.c — the ordered worker pool (run/workers.h): results in
 * order 0..n-1 whatever the threads, at most `window` items in flight, at
 * most `budget` weight in flight (an item heavier than the budget alone),
 * and the stop flag ends the waiting. */
#include "run/workers.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define TEST_ALARM_SECONDS 60

static void sleep_us(long us)
{
    struct timespec t = {us / 1000000, (us % 1000000) * 1000L};
    nanosleep(&t, NULL);
}

static double now_seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

typedef struct result {
    size_t index;
    uint64_t check;
    unsigned char pad[40]; /* a slot bigger than a pointer */
} result;

/* What the work function saw, across threads. */
typedef struct probe {
    const uint64_t *weights; /* NULL: count items */
    uint64_t budget;
    atomic_uint_fast64_t in_flight; /* started, not yet released by the consumer */
    atomic_uint_fast64_t max_in_flight;
    atomic_bool over_budget; /* light items together above the budget, or anything beside a heavy one */
    atomic_bool dirty_slot;  /* a slot not zeroed on entry */
    atomic_size_t started, completed;
    long work_us; /* how long an item takes, varied by index */
} probe;

static uint64_t weight_of(const probe *p, size_t i)
{
    return p->weights ? p->weights[i] : 1;
}

static void work(void *user, size_t index, void *slot)
{
    probe *p = user;
    static const unsigned char zero[sizeof(result)];
    if (memcmp(slot, zero, sizeof zero) != 0)
        atomic_store(&p->dirty_slot, true);
    uint64_t w = weight_of(p, index);
    uint64_t before = atomic_fetch_add(&p->in_flight, w);
    uint64_t now = before + w;
    if (p->weights && before && now > p->budget)
        atomic_store(&p->over_budget, true);
    uint64_t max = atomic_load(&p->max_in_flight);
    while (now > max && !atomic_compare_exchange_weak(&p->max_in_flight, &max, now))
        ;
    atomic_fetch_add(&p->started, 1);
    /* uneven work: later items often finish before earlier ones */
    if (p->work_us)
        sleep_us(p->work_us * (long)((index * 7919) % 5 + 1));
    result *r = slot;
    r->index = index;
    r->check = index * 2654435761u + 17;
    memset(r->pad, (int)(index & 0xff), sizeof r->pad);
    atomic_fetch_add(&p->completed, 1);
}

/* Consumes every result in order, checking it; the probe's in-flight count
 * drops before the slot is released, so that it never runs behind the pool's. */
static void consume_all(bg_workers *w, probe *p, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        result *r = bg_workers_next(w, i);
        assert_non_null(r);
        assert_int_equal(r->index, i);
        assert_int_equal(r->check, i * 2654435761u + 17);
        for (size_t k = 0; k < sizeof r->pad; k++)
            assert_int_equal(r->pad[k], (unsigned char)(i & 0xff));
        atomic_fetch_sub(&p->in_flight, weight_of(p, i));
        bg_workers_release(w, i);
    }
}

static void test_results_in_order_within_the_window(void **state)
{
    (void)state;
    alarm(TEST_ALARM_SECONDS);
    enum { COUNT = 120 };
    int thread_counts[] = {1, 2, 3, 8};
    size_t windows[] = {1, 2, 5, 16};
    for (size_t t = 0; t < sizeof thread_counts / sizeof *thread_counts; t++)
        for (size_t k = 0; k < sizeof windows / sizeof *windows; k++) {
            probe p = {.work_us = 200};
            bg_workers *w = bg_workers_start(COUNT, windows[k], thread_counts[t], sizeof(result), work, &p, NULL);
            assert_non_null(w);
            consume_all(w, &p, COUNT);
            bg_workers_finish(w, NULL);
            assert_int_equal(atomic_load(&p.completed), COUNT);
            assert_false(atomic_load(&p.dirty_slot));
            assert_true(atomic_load(&p.max_in_flight) <= windows[k]);
            /* several threads and room for several: they do work side by side */
            if (thread_counts[t] > 1 && windows[k] > 1)
                assert_true(atomic_load(&p.max_in_flight) >= 2);
        }
    alarm(0);
}

/* Waits up to 10 s until at least n items were started. */
static bool wait_started(probe *p, size_t n)
{
    for (int waited = 0; waited < 10000 && atomic_load(&p->started) < n; waited++)
        sleep_us(1000);
    return atomic_load(&p->started) >= n;
}

/* A consumer that is slow: the workers stop at the window, not the count. */
static void test_window_holds_back_the_workers(void **state)
{
    (void)state;
    alarm(TEST_ALARM_SECONDS);
    enum { COUNT = 50, WINDOW = 4 };
    probe p = {0};
    bg_workers *w = bg_workers_start(COUNT, WINDOW, 4, sizeof(result), work, &p, NULL);
    assert_non_null(w);
    assert_true(wait_started(&p, WINDOW));
    sleep_us(200000);
    assert_int_equal(atomic_load(&p.started), WINDOW);
    result *r = bg_workers_next(w, 0);
    assert_non_null(r);
    atomic_fetch_sub(&p.in_flight, 1);
    bg_workers_release(w, 0);
    assert_true(wait_started(&p, WINDOW + 1));
    sleep_us(200000);
    assert_int_equal(atomic_load(&p.started), WINDOW + 1);
    /* the rest, then nothing left to clean up */
    for (size_t i = 1; i < COUNT; i++) {
        assert_non_null(bg_workers_next(w, i));
        atomic_fetch_sub(&p.in_flight, 1);
        bg_workers_release(w, i);
    }
    bg_workers_finish(w, NULL);
    assert_int_equal(atomic_load(&p.completed), COUNT);
    alarm(0);
}

static void test_weighted_budget_and_heavy_items(void **state)
{
    (void)state;
    alarm(TEST_ALARM_SECONDS);
    enum { COUNT = 150 };
    const uint64_t budget = 20;
    uint64_t weights[COUNT];
    size_t heavy = 0;
    for (size_t i = 0; i < COUNT; i++) {
        weights[i] = 1 + (i * 37) % 9; /* 1..9: two or three fit together */
        if (i % 23 == 5) {
            weights[i] = budget * 3; /* taken alone */
            heavy++;
        }
    }
    weights[COUNT - 1] = budget + 1; /* the last one heavy too */
    int thread_counts[] = {1, 4, 8};
    for (size_t t = 0; t < sizeof thread_counts / sizeof *thread_counts; t++) {
        probe p = {.weights = weights, .budget = budget, .work_us = 300};
        /* a window far larger than the budget allows: the budget binds */
        bg_workers *w =
            bg_workers_start_weighted(COUNT, 64, weights, budget, thread_counts[t], sizeof(result), work, &p, NULL);
        assert_non_null(w);
        consume_all(w, &p, COUNT);
        bg_workers_finish(w, NULL);
        assert_int_equal(atomic_load(&p.completed), COUNT);
        assert_false(atomic_load(&p.over_budget));
        assert_int_equal(atomic_load(&p.max_in_flight), budget * 3); /* a heavy one ran */
        assert_false(atomic_load(&p.dirty_slot));
    }
    assert_true(heavy > 2);

    /* Only light items: never more than the budget, and several side by side. */
    for (size_t i = 0; i < COUNT; i++)
        weights[i] = 1 + (i * 37) % 9;
    probe p = {.weights = weights, .budget = budget, .work_us = 300};
    bg_workers *w = bg_workers_start_weighted(COUNT, 64, weights, budget, 8, sizeof(result), work, &p, NULL);
    assert_non_null(w);
    consume_all(w, &p, COUNT);
    bg_workers_finish(w, NULL);
    assert_false(atomic_load(&p.over_budget));
    assert_true(atomic_load(&p.max_in_flight) <= budget);
    assert_true(atomic_load(&p.max_in_flight) > 9);
    alarm(0);
}

/* Every item heavier than the budget: one at a time, and all are done. */
static void test_weighted_all_heavy_one_at_a_time(void **state)
{
    (void)state;
    alarm(TEST_ALARM_SECONDS);
    enum { COUNT = 30 };
    uint64_t weights[COUNT];
    for (size_t i = 0; i < COUNT; i++)
        weights[i] = 100 + i;
    probe p = {.weights = weights, .budget = 10, .work_us = 200};
    bg_workers *w = bg_workers_start_weighted(COUNT, 8, weights, 10, 4, sizeof(result), work, &p, NULL);
    assert_non_null(w);
    consume_all(w, &p, COUNT);
    bg_workers_finish(w, NULL);
    assert_int_equal(atomic_load(&p.completed), COUNT);
    assert_false(atomic_load(&p.over_budget));
    assert_int_equal(atomic_load(&p.max_in_flight), 100 + COUNT - 1);
    alarm(0);
}

/* The stop flag ------------------------------------------------------------ */

static pthread_mutex_t gate_mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t gate_cv = PTHREAD_COND_INITIALIZER;
static bool gate_open;
static size_t gated_item;
static atomic_size_t gated_started, gated_completed;

static void gated_work(void *user, size_t index, void *slot)
{
    (void)user;
    atomic_fetch_add(&gated_started, 1);
    if (index == gated_item) {
        pthread_mutex_lock(&gate_mutex);
        while (!gate_open)
            pthread_cond_wait(&gate_cv, &gate_mutex);
        pthread_mutex_unlock(&gate_mutex);
    }
    *(size_t *)slot = index + 1;
    atomic_fetch_add(&gated_completed, 1);
}

static atomic_size_t cleaned;
static void count_cleanup(void *slot)
{
    if (*(size_t *)slot)
        atomic_fetch_add(&cleaned, 1);
}

static volatile sig_atomic_t stop_flag;

static void *raise_stop_later(void *arg)
{
    (void)arg;
    sleep_us(150000);
    stop_flag = 1;
    return NULL;
}

static void test_stop_flag_ends_next_with_null(void **state)
{
    (void)state;
    alarm(TEST_ALARM_SECONDS);
    enum { COUNT = 100, WINDOW = 4 };
    stop_flag = 0;
    gate_open = false;
    gated_item = 2;
    atomic_store(&gated_started, 0);
    atomic_store(&gated_completed, 0);
    atomic_store(&cleaned, 0);
    bg_workers *w = bg_workers_start(COUNT, WINDOW, 2, sizeof(size_t), gated_work, NULL, &stop_flag);
    assert_non_null(w);
    for (size_t i = 0; i < 2; i++) {
        size_t *r = bg_workers_next(w, i);
        assert_non_null(r);
        assert_int_equal(*r, i + 1);
        bg_workers_release(w, i);
    }
    /* item 2 never finishes: the flag, raised by another thread while the
     * consumer waits, ends the waiting soon after */
    pthread_t raiser;
    assert_int_equal(pthread_create(&raiser, NULL, raise_stop_later, NULL), 0);
    double start = now_seconds();
    assert_null(bg_workers_next(w, 2));
    double waited = now_seconds() - start;
    pthread_join(raiser, NULL);
    assert_true(waited >= 0.1);
    assert_true(waited < 2.0);
    /* raised before the call: NULL at once */
    start = now_seconds();
    assert_null(bg_workers_next(w, 2));
    assert_true(now_seconds() - start < 1.0);

    /* No item is taken once the flag is up; finish lets item 2 end and
     * cleans up every result done but not consumed. */
    size_t started = atomic_load(&gated_started);
    assert_true(started <= 2 + WINDOW);
    pthread_mutex_lock(&gate_mutex);
    gate_open = true;
    pthread_cond_broadcast(&gate_cv);
    pthread_mutex_unlock(&gate_mutex);
    bg_workers_finish(w, count_cleanup);
    assert_int_equal(atomic_load(&gated_started), started);
    assert_int_equal(atomic_load(&cleaned), atomic_load(&gated_completed) - 2);
    assert_true(atomic_load(&cleaned) >= 1); /* item 2 at least */
    alarm(0);
}

/* Finish before consuming: the threads end, done results are cleaned up. */
static void test_finish_early_cleans_up(void **state)
{
    (void)state;
    alarm(TEST_ALARM_SECONDS);
    enum { COUNT = 1000, WINDOW = 6 };
    stop_flag = 0;
    gate_open = true;
    gated_item = SIZE_MAX;
    atomic_store(&gated_started, 0);
    atomic_store(&gated_completed, 0);
    atomic_store(&cleaned, 0);
    bg_workers *w = bg_workers_start(COUNT, WINDOW, 3, sizeof(size_t), gated_work, NULL, &stop_flag);
    assert_non_null(w);
    assert_non_null(bg_workers_next(w, 0));
    bg_workers_release(w, 0);
    sleep_us(100000);
    bg_workers_finish(w, count_cleanup);
    assert_true(atomic_load(&gated_completed) <= 1 + WINDOW);
    assert_int_equal(atomic_load(&cleaned), atomic_load(&gated_completed) - 1);
    /* no items at all */
    w = bg_workers_start(0, 4, 2, sizeof(size_t), gated_work, NULL, NULL);
    assert_non_null(w);
    bg_workers_finish(w, count_cleanup);
    bg_workers_finish(NULL, NULL);
    alarm(0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_results_in_order_within_the_window),
        cmocka_unit_test(test_window_holds_back_the_workers),
        cmocka_unit_test(test_weighted_budget_and_heavy_items),
        cmocka_unit_test(test_weighted_all_heavy_one_at_a_time),
        cmocka_unit_test(test_stop_flag_ends_next_with_null),
        cmocka_unit_test(test_finish_early_cleans_up),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
