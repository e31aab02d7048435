/* test_publish.c — all-or-nothing publishing and the clean-up after killed
 * runs: every new file in place or every previous one back, whatever step
 * fails; a stopped run's temporary files removed, its set-aside outputs put
 * back unless the state file says it had committed. */
#include "run/publish.h"
#include "run/state.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[64];

static const char *in(const char *name)
{
    static char paths[8][256];
    static int next;
    char *p = paths[next++ % 8];
    snprintf(p, 256, "%s/%s", dir, name);
    return p;
}

static void put(const char *name, const char *text)
{
    FILE *f = fopen(in(name), "w");
    fputs(text, f);
    fclose(f);
}

static char *get(const char *name)
{
    static char buf[256];
    FILE *f = fopen(in(name), "r");
    if (!f)
        return NULL;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

static int setup(void **state)
{
    (void)state;
    strcpy(dir, "/tmp/baogao-publish-XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd);
}

static void test_place_and_done(void **state)
{
    (void)state;
    put("a.json", "old a");
    put(".a.json.baogao-tmp-1-0", "new a");
    put(".b.csv.baogao-tmp-1-1", "new b"); /* no previous b */
    char ta[256], fa[256], tb[256], fb[256];
    snprintf(ta, sizeof ta, "%s", in(".a.json.baogao-tmp-1-0"));
    snprintf(fa, sizeof fa, "%s", in("a.json"));
    snprintf(tb, sizeof tb, "%s", in(".b.csv.baogao-tmp-1-1"));
    snprintf(fb, sizeof fb, "%s", in("b.csv"));
    bg_publish p = {0};
    assert_true(bg_publish_add(&p, ta, fa));
    assert_true(bg_publish_add(&p, tb, fb));
    char msg[256];
    assert_int_equal(bg_publish_place(&p, msg, sizeof msg), BG_E_OK);
    assert_string_equal(get("a.json"), "new a");
    assert_string_equal(get("b.csv"), "new b");
    /* until done, the previous a waits aside */
    char aside[64];
    snprintf(aside, sizeof aside, ".a.json.baogao-old-%ld", (long)getpid());
    assert_string_equal(get(aside), "old a");
    bg_publish_done(&p);
    assert_null(get(aside));
    bg_publish_free(&p);
}

/* A signal before the commit point: everything goes back. */
static void test_rollback_after_place(void **state)
{
    (void)state;
    put("c.json", "old c");
    put(".c.json.baogao-tmp-1-2", "new c");
    put(".d.csv.baogao-tmp-1-3", "new d");
    char tc[256], fc[256], td[256], fd[256];
    snprintf(tc, sizeof tc, "%s", in(".c.json.baogao-tmp-1-2"));
    snprintf(fc, sizeof fc, "%s", in("c.json"));
    snprintf(td, sizeof td, "%s", in(".d.csv.baogao-tmp-1-3"));
    snprintf(fd, sizeof fd, "%s", in("d.csv"));
    bg_publish p = {0};
    bg_publish_add(&p, tc, fc);
    bg_publish_add(&p, td, fd);
    char msg[256];
    assert_int_equal(bg_publish_place(&p, msg, sizeof msg), BG_E_OK);
    bg_publish_rollback(&p);
    assert_string_equal(get("c.json"), "old c");
    assert_null(get("d.csv")); /* it did not exist before */
    bg_publish_free(&p);
}

/* The last rename fails after the first ones succeeded: the first ones are
 * undone, so "not replaced" is true. */
static void test_failure_midway_restores(void **state)
{
    (void)state;
    put("e.json", "old e");
    put(".e.json.baogao-tmp-1-4", "new e");
    char te[256], fe[256], tmissing[256], ff[256];
    snprintf(te, sizeof te, "%s", in(".e.json.baogao-tmp-1-4"));
    snprintf(fe, sizeof fe, "%s", in("e.json"));
    snprintf(tmissing, sizeof tmissing, "%s", in(".f.csv.baogao-tmp-1-5")); /* never written */
    snprintf(ff, sizeof ff, "%s", in("f.csv"));
    bg_publish p = {0};
    bg_publish_add(&p, te, fe);
    bg_publish_add(&p, tmissing, ff);
    char msg[256];
    assert_int_equal(bg_publish_place(&p, msg, sizeof msg), BG_E_IO);
    assert_non_null(strstr(msg, "f.csv: cannot move into place"));
    assert_string_equal(get("e.json"), "old e");
    bg_publish_free(&p);
}

/* After a SIGKILL: temporary files of a gone pid are removed, a set-aside
 * output is put back — unless that pid committed (the state names it). */
static void test_recover(void **state)
{
    (void)state;
    long gone = 999999; /* above the default pid_max: never a live process */
    char name[128];
    snprintf(name, sizeof name, ".g.json.baogao-tmp-%ld-0", gone);
    put(name, "half written");
    snprintf(name, sizeof name, ".g.sqlite.baogao-tmp-%ld-1-wal", gone);
    put(name, "wal");
    put("h.json", "new h, placed before the kill");
    snprintf(name, sizeof name, ".h.json.baogao-old-%ld", gone);
    put(name, "previous h");
    snprintf(name, sizeof name, ".i.json.baogao-tmp-%ld-0", (long)getppid()); /* a live pid: kept */
    put(name, "someone else's");
    assert_int_equal(bg_publish_recover(dir, 0), 3);
    assert_string_equal(get("h.json"), "previous h");
    assert_non_null(get(name));
    /* committed: the set-aside copy is only removed */
    put("k.json", "committed k");
    snprintf(name, sizeof name, ".k.json.baogao-old-%ld", gone);
    put(name, "older k");
    assert_int_equal(bg_publish_recover(dir, gone), 1);
    assert_string_equal(get("k.json"), "committed k");
    assert_null(get(name));
}

static void test_state_round_trip(void **state)
{
    (void)state;
    bg_source_result sources[2] = {{"a.txt", "0123456789abcdef", "0123456789abcdef", "ok", NULL},
                                   {"b.txt", NULL, NULL, "failed", "b.txt: empty (no text)"}};
    bg_run_summary summary = {.struct_size = sizeof summary,
                              .run_id = "20261201T020000-42",
                              .job = "j",
                              .config_hash = "ffff",
                              .documents = 1,
                              .source_count = 2,
                              .sources = sources};
    char msg[256];
    assert_int_equal(bg_state_write(in("state.json"), &summary, msg, sizeof msg), BG_E_OK);
    bg_state st;
    assert_int_equal(bg_state_read(in("state.json"), "j", &st, msg, sizeof msg), BG_E_OK);
    assert_true(st.found);
    assert_int_equal(st.documents, 1);
    assert_int_equal(st.pid, (long)getpid());
    assert_string_equal(st.run_id, "20261201T020000-42");
    /* another job's state, or none at all */
    assert_int_equal(bg_state_read(in("state.json"), "other", &st, msg, sizeof msg), BG_E_CONFIG);
    assert_int_equal(bg_state_read(in("missing.json"), "j", &st, msg, sizeof msg), BG_E_OK);
    assert_false(st.found);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_place_and_done),   cmocka_unit_test(test_rollback_after_place),
        cmocka_unit_test(test_failure_midway_restores), cmocka_unit_test(test_recover),
        cmocka_unit_test(test_state_round_trip),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
