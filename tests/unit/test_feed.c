/* test_feed.c — exporter threads and their bounded queues (run/feed.h):
 * every lane sees the items in push order, the last lane done releases
 * each item once, a full queue holds the pusher back, a failing lane stops
 * the run without a hang, and the lanes' waiting, busyness and seconds. */
#include "run/feed.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* No test may hang: a feed that never returns is killed, and fails. */
#define TEST_ALARM_SECONDS 60

/* Fake exporters: the feed starts a lane for each export with a context and
 * names its thread after the plugin; it never calls the plugin. */
#define MAX_LANES 4
static bg_plugin fake_plugin = {.descriptor = {.name = "fake"}};
static bg_context fake_ctx[MAX_LANES];
static bg_export exports[MAX_LANES];

static void make_exports(size_t count, const bool *open)
{
    memset(exports, 0, sizeof exports);
    for (size_t i = 0; i < count; i++) {
        exports[i].plugin = &fake_plugin;
        snprintf(exports[i].json_path, sizeof exports[i].json_path, "exporters[%zu]", i);
        exports[i].ctx = !open || open[i] ? &fake_ctx[i] : NULL;
    }
}

static size_t lane_of(const bg_export *x)
{
    return (size_t)(x - exports);
}

static double now_seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void sleep_ms(int ms)
{
    struct timespec t = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&t, NULL);
}

/* Waits up to ms for *value to reach at least want. */
static bool wait_for_at_least(atomic_size_t *value, size_t want, int ms)
{
    for (int waited = 0; waited < ms; waited++) {
        if (atomic_load(value) >= want)
            return true;
        sleep_ms(1);
    }
    return atomic_load(value) >= want;
}

/* Items: what every lane did with one, and its release. --------------- */

#define ITEMS 1000

typedef struct item {
    size_t seq;
    atomic_size_t seen;         /* lanes that did it */
    atomic_size_t released;     /* times released */
    atomic_bool released_early; /* released while a lane had not seen it */
} item;

static item items[ITEMS + 64];
static size_t open_lanes; /* lanes every item goes to */
static atomic_size_t done_count[MAX_LANES];
static size_t done_seq[MAX_LANES][ITEMS + 64]; /* each written by its lane's thread only */
static atomic_size_t release_count;
static atomic_bool out_of_order;

static void reset_items(size_t lanes)
{
    open_lanes = lanes;
    for (size_t i = 0; i < sizeof items / sizeof *items; i++) {
        items[i].seq = i;
        atomic_store(&items[i].seen, 0);
        atomic_store(&items[i].released, 0);
        atomic_store(&items[i].released_early, false);
    }
    for (size_t l = 0; l < MAX_LANES; l++)
        atomic_store(&done_count[l], 0);
    atomic_store(&release_count, 0);
    atomic_store(&out_of_order, false);
}

static void record(bg_export *x, item *it)
{
    size_t lane = lane_of(x);
    size_t n = atomic_load(&done_count[lane]);
    done_seq[lane][n] = it->seq;
    if (n && done_seq[lane][n - 1] >= it->seq)
        atomic_store(&out_of_order, true);
    atomic_fetch_add(&it->seen, 1);
    atomic_store(&done_count[lane], n + 1);
}

static bg_error record_fn(bg_export *x, void *p, char *msg, size_t msg_size)
{
    (void)msg;
    (void)msg_size;
    item *it = p;
    record(x, it);
    /* now and then let another lane get ahead, or fall behind */
    if (it->seq % 7 == lane_of(x))
        sched_yield();
    return BG_E_OK;
}

static void release_item(void *p)
{
    item *it = p;
    if (atomic_load(&it->seen) != open_lanes)
        atomic_store(&it->released_early, true);
    atomic_fetch_add(&it->released, 1);
    atomic_fetch_add(&release_count, 1);
}

static void assert_released_once(size_t count, bool after_every_lane)
{
    assert_int_equal(atomic_load(&release_count), count);
    for (size_t i = 0; i < count; i++) {
        assert_int_equal(atomic_load(&items[i].released), 1);
        if (after_every_lane)
            assert_false(atomic_load(&items[i].released_early));
    }
}

/* Order and release ------------------------------------------------------- */

static void test_every_lane_in_push_order_released_once_after_all(void **state)
{
    (void)state;
    alarm(TEST_ALARM_SECONDS);
    /* A small bound, so that the rings wrap many times. */
    size_t bounds[] = {1, 3, 64};
    for (size_t b = 0; b < sizeof bounds / sizeof *bounds; b++) {
        make_exports(3, NULL);
        reset_items(3);
        bg_feed *f = bg_feed_start(exports, 3, bounds[b]);
        assert_non_null(f);
        for (size_t i = 0; i < ITEMS; i++)
            assert_true(bg_feed_push(f, record_fn, &items[i], release_item));
        assert_true(bg_feed_wait(f, -1));
        for (size_t lane = 0; lane < 3; lane++) {
            assert_false(bg_feed_busy(f, lane));
            assert_int_equal(atomic_load(&done_count[lane]), ITEMS);
            for (size_t i = 0; i < ITEMS; i++)
                assert_int_equal(done_seq[lane][i], i);
        }
        assert_false(atomic_load(&out_of_order));
        char msg[256] = "";
        assert_int_equal(bg_feed_failure(f, msg, sizeof msg), BG_E_OK);
        bg_feed_stop(f);
        assert_released_once(ITEMS, true);
        for (size_t i = 0; i < ITEMS; i++)
            assert_int_equal(atomic_load(&items[i].seen), 3);
    }
    alarm(0);
}

/* Only the exports with a context get a lane; the others see nothing. */
static void test_only_open_exporters_get_items(void **state)
{
    (void)state;
    alarm(TEST_ALARM_SECONDS);
    bool open[] = {false, true, false, true};
    make_exports(4, open);
    reset_items(2);
    bg_feed *f = bg_feed_start(exports, 4, 8);
    assert_non_null(f);
    for (size_t i = 0; i < 100; i++)
        assert_true(bg_feed_push(f, record_fn, &items[i], release_item));
    assert_true(bg_feed_wait(f, -1));
    assert_int_equal(atomic_load(&done_count[0]), 0);
    assert_int_equal(atomic_load(&done_count[1]), 100);
    assert_int_equal(atomic_load(&done_count[2]), 0);
    assert_int_equal(atomic_load(&done_count[3]), 100);
    bg_feed_stop(f);
    assert_released_once(100, true);
    alarm(0);
}

/* The bound --------------------------------------------------------------- */

/* Lane `gated_lane` stops at its first item until the gate opens. */
static pthread_mutex_t gate_mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t gate_cv = PTHREAD_COND_INITIALIZER;
static bool gate_open;
static size_t gated_lane;
static atomic_size_t gated_entered;

static void close_gate(size_t lane)
{
    pthread_mutex_lock(&gate_mutex);
    gate_open = false;
    pthread_mutex_unlock(&gate_mutex);
    gated_lane = lane;
    atomic_store(&gated_entered, 0);
}

static void open_gate(void)
{
    pthread_mutex_lock(&gate_mutex);
    gate_open = true;
    pthread_cond_broadcast(&gate_cv);
    pthread_mutex_unlock(&gate_mutex);
}

static void *open_gate_later(void *arg)
{
    (void)arg;
    sleep_ms(200);
    open_gate();
    return NULL;
}

static bg_error gated_fn(bg_export *x, void *p, char *msg, size_t msg_size)
{
    (void)msg;
    (void)msg_size;
    if (lane_of(x) == gated_lane) {
        atomic_fetch_add(&gated_entered, 1);
        pthread_mutex_lock(&gate_mutex);
        while (!gate_open)
            pthread_cond_wait(&gate_cv, &gate_mutex);
        pthread_mutex_unlock(&gate_mutex);
    }
    record(x, p);
    return BG_E_OK;
}

typedef struct pusher {
    bg_feed *f;
    size_t count;
    bg_feed_fn fn;
    atomic_size_t pushed;  /* pushes that returned */
    atomic_size_t refused; /* of which returned false */
} pusher;

static void *push_all(void *arg)
{
    pusher *p = arg;
    for (size_t i = 0; i < p->count; i++) {
        if (!bg_feed_push(p->f, p->fn, &items[i], release_item))
            atomic_fetch_add(&p->refused, 1);
        atomic_fetch_add(&p->pushed, 1);
    }
    return NULL;
}

static void test_push_waits_while_the_slowest_queue_is_full(void **state)
{
    (void)state;
    alarm(TEST_ALARM_SECONDS);
    enum { BOUND = 5, COUNT = 40 };
    make_exports(2, NULL);
    reset_items(2);
    close_gate(1);
    bg_feed *f = bg_feed_start(exports, 2, BOUND);
    assert_non_null(f);
    pusher p = {.f = f, .count = COUNT, .fn = gated_fn};
    pthread_t thread;
    assert_int_equal(pthread_create(&thread, NULL, push_all, &p), 0);

    /* Lane 1 holds item 0 at hand; BOUND more may queue behind it, and no
     * more: the pusher stops there however long it is given. */
    assert_true(wait_for_at_least(&gated_entered, 1, 5000));
    assert_true(wait_for_at_least(&p.pushed, BOUND, 5000));
    sleep_ms(300);
    size_t pushed = atomic_load(&p.pushed);
    assert_in_range(pushed, BOUND, BOUND + 1);
    sleep_ms(100);
    assert_in_range(atomic_load(&p.pushed), BOUND, BOUND + 1);
    /* the fast lane is not held back by the slow one beyond that */
    assert_true(wait_for_at_least(&done_count[0], pushed, 5000));
    assert_int_equal(atomic_load(&done_count[1]), 0);
    assert_true(bg_feed_busy(f, 1));
    assert_false(bg_feed_wait(f, 50));
    /* nothing was released while lane 1 had not seen it */
    assert_int_equal(atomic_load(&release_count), 0);

    open_gate();
    pthread_join(thread, NULL);
    assert_int_equal(atomic_load(&p.pushed), COUNT);
    assert_int_equal(atomic_load(&p.refused), 0);
    assert_true(bg_feed_wait(f, -1));
    assert_false(bg_feed_busy(f, 0));
    assert_false(bg_feed_busy(f, 1));
    for (size_t lane = 0; lane < 2; lane++) {
        assert_int_equal(atomic_load(&done_count[lane]), COUNT);
        for (size_t i = 0; i < COUNT; i++)
            assert_int_equal(done_seq[lane][i], i);
    }
    bg_feed_stop(f);
    assert_released_once(COUNT, true);
    alarm(0);
}

/* A failing lane ---------------------------------------------------------- */

#define FAIL_AT 5
#define FAIL_MESSAGE "exporters[1]: fake: out.csv: disk full"
static atomic_size_t failing_calls_after; /* calls on the failed lane after its failure */

static bg_error failing_fn(bg_export *x, void *p, char *msg, size_t msg_size)
{
    item *it = p;
    if (lane_of(x) == 1) {
        if (it->seq > FAIL_AT)
            atomic_fetch_add(&failing_calls_after, 1);
        if (it->seq == FAIL_AT) {
            /* hold the failing item until the queue behind it is full */
            atomic_fetch_add(&gated_entered, 1);
            pthread_mutex_lock(&gate_mutex);
            while (!gate_open)
                pthread_cond_wait(&gate_cv, &gate_mutex);
            pthread_mutex_unlock(&gate_mutex);
            snprintf(msg, msg_size, "%s", FAIL_MESSAGE);
            return BG_E_EXPORT;
        }
    }
    record(x, it);
    return BG_E_OK;
}

/* Opens the gate some time after the gated lane reached it. */
static void *open_gate_once_entered(void *arg)
{
    (void)arg;
    while (!atomic_load(&gated_entered))
        sleep_ms(1);
    sleep_ms(200);
    open_gate();
    return NULL;
}

static void release_counted(void *p)
{
    item *it = p;
    atomic_fetch_add(&it->released, 1);
    atomic_fetch_add(&release_count, 1);
}

static void test_failing_lane_stops_the_pushes(void **state)
{
    (void)state;
    alarm(TEST_ALARM_SECONDS);
    enum { BOUND = 4, MORE = 50 };
    make_exports(2, NULL);
    reset_items(2);
    atomic_store(&failing_calls_after, 0);
    close_gate(1);
    bg_feed *f = bg_feed_start(exports, 2, BOUND);
    assert_non_null(f);
    char msg[256] = "";
    assert_int_equal(bg_feed_failure(f, msg, sizeof msg), BG_E_OK);
    pthread_t opener;
    assert_int_equal(pthread_create(&opener, NULL, open_gate_once_entered, NULL), 0);

    /* Pushes go on being accepted only until the failure is seen: at most
     * what fits in the failed lane's queue behind the failing item. The
     * BOUND items queued behind it when it fails are dropped. */
    size_t pushed = 0, first_refused = SIZE_MAX;
    while (pushed < ITEMS) {
        bool ok = bg_feed_push(f, failing_fn, &items[pushed], release_counted);
        pushed++;
        if (!ok) {
            first_refused = pushed - 1;
            break;
        }
    }
    pthread_join(opener, NULL);
    assert_in_range(first_refused, FAIL_AT + BOUND, FAIL_AT + BOUND + 1);
    assert_int_equal(bg_feed_failure(f, msg, sizeof msg), BG_E_EXPORT);
    assert_string_equal(msg, FAIL_MESSAGE);
    /* a small buffer gets the message cut, still terminated */
    char small[8];
    assert_int_equal(bg_feed_failure(f, small, sizeof small), BG_E_EXPORT);
    assert_int_equal(strlen(small), sizeof small - 1);
    assert_memory_equal(small, FAIL_MESSAGE, sizeof small - 1);

    /* Later items are refused, never done by the failed lane, and released
     * (none waits on the failed lane). */
    for (size_t k = 0; k < MORE; k++, pushed++)
        assert_false(bg_feed_push(f, failing_fn, &items[pushed], release_counted));
    assert_true(bg_feed_wait(f, 5000));
    bg_feed_stop(f);
    assert_int_equal(atomic_load(&failing_calls_after), 0);
    assert_int_equal(atomic_load(&done_count[1]), FAIL_AT);
    for (size_t i = 0; i < FAIL_AT; i++)
        assert_int_equal(done_seq[1][i], i);
    assert_released_once(pushed, false);
    alarm(0);
}

/* A lane that fails while the pusher waits on another, full, lane: the
 * pusher is let go. */
static bg_error fail_on_lane0_fn(bg_export *x, void *p, char *msg, size_t msg_size)
{
    item *it = p;
    if (lane_of(x) == 0 && it->seq == 2) {
        snprintf(msg, msg_size, "lane 0 gave up");
        return BG_E_EXPORT;
    }
    return gated_fn(x, p, msg, msg_size);
}

static void test_failure_frees_a_pusher_blocked_on_another_lane(void **state)
{
    (void)state;
    alarm(TEST_ALARM_SECONDS);
    enum { BOUND = 2, COUNT = 30 };
    make_exports(2, NULL);
    reset_items(2);
    close_gate(1);
    bg_feed *f = bg_feed_start(exports, 2, BOUND);
    assert_non_null(f);
    pusher p = {.f = f, .count = COUNT, .fn = fail_on_lane0_fn};
    pthread_t thread;
    assert_int_equal(pthread_create(&thread, NULL, push_all, &p), 0);
    /* lane 1 stays stuck; lane 0 fails at item 2; the pusher must finish */
    assert_true(wait_for_at_least(&p.pushed, COUNT, 10000));
    pthread_join(thread, NULL);
    assert_true(atomic_load(&p.refused) > 0);
    char msg[64];
    assert_int_equal(bg_feed_failure(f, msg, sizeof msg), BG_E_EXPORT);
    assert_string_equal(msg, "lane 0 gave up");
    open_gate();
    bg_feed_stop(f);
    assert_released_once(COUNT, false);
    alarm(0);
}

/* Stop while items are queued: they are released without being done. */
static void test_stop_releases_what_is_queued(void **state)
{
    (void)state;
    alarm(TEST_ALARM_SECONDS);
    enum { BOUND = 8 };
    make_exports(1, NULL);
    reset_items(1);
    close_gate(0);
    bg_feed *f = bg_feed_start(exports, 1, BOUND);
    assert_non_null(f);
    for (size_t i = 0; i < BOUND + 1; i++)
        assert_true(bg_feed_push(f, gated_fn, &items[i], release_counted));
    assert_true(wait_for_at_least(&gated_entered, 1, 5000));
    /* the gate opens only once stop has begun: the item at hand is done,
     * the BOUND queued behind it are not */
    pthread_t opener;
    assert_int_equal(pthread_create(&opener, NULL, open_gate_later, NULL), 0);
    bg_feed_stop(f);
    pthread_join(opener, NULL);
    assert_int_equal(atomic_load(&done_count[0]), 1);
    assert_released_once(BOUND + 1, false);
    alarm(0);
}

/* No open exporter -------------------------------------------------------- */

static void test_no_open_exporter_releases_at_once(void **state)
{
    (void)state;
    alarm(TEST_ALARM_SECONDS);
    bool closed[] = {false, false};
    make_exports(2, closed);
    for (size_t count = 0; count <= 2; count += 2) {
        reset_items(0);
        bg_feed *f = bg_feed_start(exports, count, 4);
        assert_non_null(f);
        for (size_t i = 0; i < 10; i++) {
            assert_true(bg_feed_push(f, record_fn, &items[i], release_item));
            /* released before push returned */
            assert_int_equal(atomic_load(&release_count), i + 1);
        }
        /* a NULL release is allowed */
        assert_true(bg_feed_push(f, record_fn, &items[10], NULL));
        assert_true(bg_feed_wait(f, 0));
        assert_false(bg_feed_busy(f, 0));
        assert_true(bg_feed_seconds(f, 0, false) == 0.0);
        char msg[64];
        assert_int_equal(bg_feed_failure(f, msg, sizeof msg), BG_E_OK);
        bg_feed_stop(f);
        assert_int_equal(atomic_load(&release_count), 10);
        assert_int_equal(atomic_load(&items[10].released), 0);
        assert_int_equal(atomic_load(&items[10].seen), 0);
    }
    bg_feed_stop(NULL);
    alarm(0);
}

/* Waiting, busyness, seconds ---------------------------------------------- */

static int sleep_for_ms; /* what timed_fn sleeps, besides the gate */

static bg_error timed_fn(bg_export *x, void *p, char *msg, size_t msg_size)
{
    bg_error e = gated_fn(x, p, msg, msg_size);
    sleep_ms(sleep_for_ms);
    return e;
}

static void test_wait_busy_and_seconds(void **state)
{
    (void)state;
    alarm(TEST_ALARM_SECONDS);
    /* export 1 is closed: no lane, never busy, no seconds */
    bool open[] = {true, false};
    make_exports(2, open);
    reset_items(1);
    close_gate(0);
    sleep_for_ms = 0;
    bg_feed *f = bg_feed_start(exports, 2, 4);
    assert_non_null(f);
    assert_true(bg_feed_wait(f, 0));
    assert_false(bg_feed_busy(f, 0));
    assert_true(bg_feed_seconds(f, 0, false) == 0.0);

    assert_true(bg_feed_push(f, timed_fn, &items[0], release_item));
    assert_true(wait_for_at_least(&gated_entered, 1, 5000));
    assert_true(bg_feed_busy(f, 0));
    assert_false(bg_feed_busy(f, 1));
    double start = now_seconds();
    assert_false(bg_feed_wait(f, 150));
    double waited = now_seconds() - start;
    assert_true(waited >= 0.13);
    assert_true(waited < 5.0);
    assert_false(bg_feed_wait(f, 0));
    assert_true(bg_feed_busy(f, 0));

    /* about 250 ms inside fn, then idle */
    sleep_ms(100);
    open_gate();
    assert_true(bg_feed_wait(f, 10000));
    assert_false(bg_feed_busy(f, 0));
    double first = bg_feed_seconds(f, 0, false);
    assert_true(first >= 0.2);
    assert_true(bg_feed_seconds(f, 1, false) == 0.0);

    /* waiting for items is not the exporter's cost */
    sleep_ms(200);
    assert_true(bg_feed_seconds(f, 0, false) == first);

    /* more work, more seconds */
    sleep_for_ms = 100;
    assert_true(bg_feed_push(f, timed_fn, &items[1], release_item));
    assert_true(bg_feed_push(f, timed_fn, &items[2], release_item));
    assert_true(bg_feed_wait(f, -1));
    double second = bg_feed_seconds(f, 0, false);
    assert_true(second >= first + 0.18);
    assert_true(second < first + 5.0);
    /* fn sleeps: processor time is the exporter's work, not its waiting */
    assert_true(bg_feed_seconds(f, 0, true) < second / 2);
    bg_feed_stop(f);
    assert_released_once(3, true);
    alarm(0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_lane_in_push_order_released_once_after_all),
        cmocka_unit_test(test_only_open_exporters_get_items),
        cmocka_unit_test(test_push_waits_while_the_slowest_queue_is_full),
        cmocka_unit_test(test_failing_lane_stops_the_pushes),
        cmocka_unit_test(test_failure_frees_a_pusher_blocked_on_another_lane),
        cmocka_unit_test(test_stop_releases_what_is_queued),
        cmocka_unit_test(test_no_open_exporter_releases_at_once),
        cmocka_unit_test(test_wait_busy_and_seconds),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
