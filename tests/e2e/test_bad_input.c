/* test_bad_input.c — the bad-input suite: the real program on generated
 * inputs a cron job over scraped text meets, each case asserting what a
 * user must be able to rely on — a clear failure naming the file, row or
 * JSON path, a bounded run, and outputs that are replaced only by a run that
 * saw what it should. Sizes that are measured (time ratios) belong to the
 * benchmark; here only completion and peak memory are asserted. */
#include "e2e.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <cjson/cJSON.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#ifdef BG_TEST_SANITIZED
enum { SIZE_SCALE = 8 }; /* sanitizers cost time and memory: smaller inputs, same paths */
#else
enum { SIZE_SCALE = 1 };
#endif

static const char *json_out = "[{\"plugin\":\"json\",\"output\":\"out/{job}.json\"}]";
static const char *all_four =
    "[{\"plugin\":\"csv\",\"output\":\"out/{job}-csv\"},{\"plugin\":\"json\",\"output\":\"out/{job}.json\"},"
    "{\"plugin\":\"sqlite\",\"output\":\"out/{job}.sqlite\",\"options\":{\"prune\":true}},"
    "{\"plugin\":\"xlsx\",\"output\":\"out/{job}.xlsx\"}]";

/* The five samples' texts, concatenated. */
static char *samples_text(size_t *size)
{
    char *all = NULL;
    size_t used = 0;
    for (int i = 0; i < 5; i++) {
        static const char *const names[] = {"000_1e858b7b18e6f90d", "001_8b242355d6154d07", "002_59ec48a6c6362c4b",
                                            "003_198e591ce9b795be", "004_6c315c879fc3e2f4"};
        char path[512];
        snprintf(path, sizeof path, "%s/%s.txt", SAMPLES, names[i]);
        size_t n;
        char *t = e2e_slurp(path, &n);
        assert_non_null(t);
        all = realloc(all, used + n + 1);
        memcpy(all + used, t, n);
        used += n;
        free(t);
    }
    all[used] = '\0';
    *size = used;
    return all;
}

/* About `bytes` of real-looking report text, varied so no two blocks are
 * alike; one_line drops every line break. */
static char *report_text(size_t bytes, bool one_line, size_t *size)
{
    size_t n;
    char *base = samples_text(&n);
    char *out = malloc(bytes + n + 64);
    size_t used = 0;
    for (unsigned round = 0; used < bytes; round++) {
        used += (size_t)sprintf(out + used, "第%u篇。", round);
        for (size_t i = 0; i < n && used < bytes + n; i++) {
            char c = base[i];
            if (one_line && (c == '\n' || c == '\r'))
                continue;
            /* vary the figures: every digit shifts with the round */
            if (c >= '0' && c <= '9')
                c = (char)('0' + (c - '0' + round) % 10);
            out[used++] = c;
        }
    }
    out[used] = '\0';
    free(base);
    *size = used;
    return out;
}

/* Row count of one table in the JSON output. */
static int json_rows(const char *path, const char *table)
{
    char *text = e2e_slurp(path, NULL);
    if (!text)
        return -1;
    cJSON *root = cJSON_Parse(text);
    free(text);
    int n = cJSON_GetArraySize(cJSON_GetObjectItem(cJSON_GetObjectItem(root, "tables"), table));
    cJSON_Delete(root);
    return n;
}

static long sql_count(const char *path, const char *sql)
{
    sqlite3 *db;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
        return -1;
    sqlite3_stmt *st;
    long n = -1;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return n;
}

/* Number of files in dir whose name contains mark. */
static int count_files(const char *dir, const char *mark)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "ls -a '%s' 2>/dev/null | grep -c -- '%s' > %s/count.txt", dir, mark, e2e_work);
    if (system(cmd) < 0)
        return -1;
    char *text = e2e_slurp(e2e_path("count.txt"), NULL);
    int n = text ? atoi(text) : -1;
    free(text);
    return n;
}

/* Copies of every output of a job named NAME, to compare after a failed run. */
static void snapshot(const char *name)
{
    assert_int_equal(e2e_run("rm -rf %s/snap && cp -a %s/out %s/snap", e2e_work, e2e_work, e2e_work), 0);
    (void)name;
}

/* Every previous output byte for byte (temporary files of a killed run
 * aside: they are checked on their own). */
static void assert_outputs_unchanged(void)
{
    int rc = e2e_run("diff -r -x '*.baogao-tmp-*' %s/snap %s/out", e2e_work, e2e_work);
    if (rc != 0)
        fail_msg("outputs changed: %s", e2e_err);
}

/* The samples folder as a source, plus the given extra file(s) folder. */
static const char *mixed_job(const char *name, const char *folder)
{
    char sources[1024];
    snprintf(sources, sizeof sources, "[\"%s\",\"%s\"]", SAMPLES, folder);
    return e2e_job(name, sources, json_out, NULL);
}

static void expect_failed_source(const char *name, const char *file, const void *bytes, size_t size,
                                 const char *message)
{
    char rel[256];
    snprintf(rel, sizeof rel, "%s/%s", name, file);
    e2e_write(rel, bytes, size);
    const char *config = mixed_job(name, e2e_path("%s", name));
    assert_int_equal(e2e_run("%s run -q -c %s", BAOGAO, config), 1);
    if (!strstr(e2e_err, message) || !strstr(e2e_err, file))
        fail_msg("expected '%s' naming %s, got: %s", message, file, e2e_err);
    assert_non_null(strstr(e2e_err, "5 documents, 1 failed"));
    assert_int_equal(json_rows(e2e_path("out/%s.json", name), "documents"), 5);
}

static void test_empty_file(void **state)
{
    (void)state;
    expect_failed_source("empty", "empty.txt", "", 0, "empty (no text)");
}

static void test_binary_with_nuls(void **state)
{
    (void)state;
    static const char bytes[] = "\x7f" "ELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x03\0>\0\x01\0\0\0";
    expect_failed_source("binary", "tool.txt", bytes, sizeof bytes - 1, "contains NUL bytes");
}

static void test_invalid_everywhere(void **state)
{
    (void)state;
    /* 0x80 and 0xFF start no character in UTF-8 or in GB18030 */
    static const char bytes[] = "\x80\x80\xff\xfe\x81\xff\x80";
    expect_failed_source("invalid", "junk.txt", bytes, sizeof bytes - 1, "not valid GB18030 at byte 0");
}

/* A multi-byte character cut at EOF: the document is read without it, with a
 * warning, in UTF-8 and in GB18030. */
static void test_cut_at_eof(void **state)
{
    (void)state;
    size_t n;
    char *text = samples_text(&n);
    text[n - 1] = '\0'; /* the samples end with a line break */
    char *cut = malloc(n + 8);
    size_t m = (size_t)sprintf(cut, "%s政", text);
    e2e_write("cut/utf8.txt", cut, m - 1); /* 政 is 3 bytes: keep 2 */
    /* GB18030: 政 is D5 FE; keep its lead byte only */
    e2e_write("cut/gb.txt", "\xd5\xfe\xb8\xae\xb9\xa4\xd7\xf7\xb1\xa8\xb8\xe6\xa1\xa3\xd5", 15);
    const char *config = e2e_job("cut", "[\"cut\"]", json_out, NULL);
    int rc = e2e_run("%s run -c %s", BAOGAO, config);
    if (rc != 0)
        fail_msg("exit %d: %s", rc, e2e_err);
    assert_non_null(strstr(e2e_err, "cut/utf8.txt: its last character is cut short"));
    assert_non_null(strstr(e2e_err, "cut/gb.txt: its last character is cut short"));
    assert_int_equal(json_rows(e2e_path("out/cut.json"), "documents"), 2);
    free(text);
    free(cut);
}

/* Big files: a 50 MB report folder file and 10 and 16 MB single lines
 * finish, within 400 MB. */
static void test_large_files(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        size_t mb;
        bool one_line;
    } cases[] = {{"fifty.txt", 50, false}, {"ten_line.txt", 10, true}, {"sixteen_line.txt", 16, true}};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        size_t size;
        char *text = report_text(cases[i].mb * 1024 * 1024 / SIZE_SCALE, cases[i].one_line, &size);
        char rel[128];
        snprintf(rel, sizeof rel, "large%zu/%s", i, cases[i].name);
        e2e_write(rel, text, size);
        free(text);
        char name[32], sources[64];
        snprintf(name, sizeof name, "large%zu", i);
        snprintf(sources, sizeof sources, "[\"large%zu\"]", i);
        const char *config = e2e_job(name, sources, json_out, NULL);
        time_t start = time(NULL);
        int rc = e2e_run("%s run -q -c %s", BAOGAO, config);
        if (rc != 0)
            fail_msg("%s: exit %d: %s", cases[i].name, rc, e2e_err);
        fprintf(stderr, "  %s (%zu MB): %lds, peak %ld MiB\n", cases[i].name, cases[i].mb / SIZE_SCALE,
                (long)(time(NULL) - start), e2e_peak_kib / 1024);
#ifndef BG_TEST_SANITIZED
        assert_true(e2e_peak_kib < 400 * 1024);
#endif
        assert_int_equal(json_rows(e2e_path("out/%s.json", name), "documents"), 1);
        /* every quoted sentence is a bounded window */
        char *out = e2e_slurp(e2e_path("out/%s.json", name), NULL);
        cJSON *root = cJSON_Parse(out);
        free(out);
        cJSON *tables = cJSON_GetObjectItem(root, "tables"), *table;
        cJSON_ArrayForEach(table, tables)
        {
            cJSON *row;
            cJSON_ArrayForEach(row, table)
            {
                cJSON *sentence = cJSON_GetObjectItem(row, "sentence");
                if (cJSON_IsString(sentence))
                    assert_true(strlen(sentence->valuestring) < 320 * 3 + 16);
            }
        }
        cJSON_Delete(root);
        e2e_run("rm -rf %s/large%zu", e2e_work, i);
    }
}

static void test_no_punctuation(void **state)
{
    (void)state;
    size_t size;
    char *text = report_text(2 * 1024 * 1024 / SIZE_SCALE, true, &size);
    size_t k = 0;
    for (size_t i = 0; i < size;) {
        /* drop 。，；：、 and ASCII punctuation */
        if (i + 3 <= size && (!memcmp(text + i, "。", 3) || !memcmp(text + i, "，", 3) || !memcmp(text + i, "；", 3) ||
                              !memcmp(text + i, "：", 3) || !memcmp(text + i, "、", 3))) {
            i += 3;
            continue;
        }
        if (strchr(",.;:()", text[i])) {
            i++;
            continue;
        }
        text[k++] = text[i++];
    }
    e2e_write("nopunct/all.txt", text, k);
    free(text);
    const char *config = e2e_job("nopunct", "[\"nopunct\"]", json_out, NULL);
    int rc = e2e_run("timeout 300 %s run -q -c %s", BAOGAO, config);
    if (rc != 0)
        fail_msg("exit %d: %s", rc, e2e_err);
    assert_int_equal(json_rows(e2e_path("out/nopunct.json"), "documents"), 1);
}

/* HTML with unclosed tags whose <meta> says utf-8 while the bytes are
 * GB18030: the bytes decide, and the reason says so. */
static void test_html_wrong_meta(void **state)
{
    (void)state;
    /* 政府工作报告 and 地区生产总值增长8% in GB18030 */
    static const char page[] = "<html><head><meta charset=\"utf-8\"><title>\xd5\xfe\xb8\xae\xb9\xa4\xd7\xf7\xb1\xa8"
                               "\xb8\xe6</title><body><div><p>\xb5\xd8\xc7\xf8\xc9\xfa\xb2\xfa\xd7\xdc\xd6\xb5"
                               "\xd4\xf6\xb3\xa4" "8%<p><b>\xd5\xfe\xb8\xae\xb9\xa4\xd7\xf7\xb1\xa8\xb8\xe6";
    e2e_write("html/page.html", page, sizeof page - 1);
    const char *config = e2e_job("html", "[\"html\"]", json_out, NULL);
    int rc = e2e_run("%s run -c %s", BAOGAO, config);
    if (rc != 0)
        fail_msg("exit %d: %s", rc, e2e_err);
    assert_non_null(strstr(e2e_err, "its <meta charset> says utf-8 but the bytes are not"));
    char *text = e2e_slurp(e2e_path("out/html.json"), NULL);
    assert_non_null(strstr(text, "\"encoding\":\"gb18030\""));
    assert_non_null(strstr(text, "\"encoding_reason\":\"bytes over meta\""));
    free(text);
}

/* A folder called x.txt is a folder, not a file to read. */
static void test_directory_named_txt(void **state)
{
    (void)state;
    e2e_write("dirs/x.txt/inner.txt", "不读", (size_t)-1);
    const char *config = mixed_job("dirs", e2e_path("dirs"));
    int rc = e2e_run("%s run -q -c %s", BAOGAO, config);
    if (rc != 0)
        fail_msg("exit %d: %s", rc, e2e_err);
    assert_int_equal(json_rows(e2e_path("out/dirs.json"), "documents"), 5);
}

/* A FIFO among the sources never blocks the run. */
static void test_fifo(void **state)
{
    (void)state;
    mkdir(e2e_path("fifo"), 0777);
    assert_int_equal(mkfifo(e2e_path("fifo/pipe.txt"), 0600), 0);
    const char *config = mixed_job("fifo", e2e_path("fifo"));
    assert_int_equal(e2e_run("timeout 30 %s run -q -c %s", BAOGAO, config), 1);
    assert_non_null(strstr(e2e_err, "fifo/pipe.txt: a FIFO, not read"));
    /* named directly, too */
    char sources[512];
    snprintf(sources, sizeof sources, "[\"%s\",\"fifo/pipe.txt\"]", SAMPLES);
    config = e2e_job("fifo2", sources, json_out, NULL);
    assert_int_equal(e2e_run("timeout 30 %s run -q -c %s", BAOGAO, config), 1);
    assert_non_null(strstr(e2e_err, "a FIFO"));
}

/* Two symlink loops list every real file once. */
static void test_symlink_loops(void **state)
{
    (void)state;
    assert_int_equal(e2e_run("mkdir -p %s/loops/a/b && cp %s/000_*.txt %s/loops/a/ && cp %s/001_*.txt %s/loops/a/b/ "
                             "&& ln -s .. %s/loops/a/b/up && ln -s ../.. %s/loops/a/b/upup",
                             e2e_work, SAMPLES, e2e_work, SAMPLES, e2e_work, e2e_work, e2e_work),
                     0);
    const char *config =
        e2e_job("loops", "[{\"path\":\"loops\",\"recursive\":true}]", json_out, NULL);
    int rc = e2e_run("timeout 60 %s run -c %s", BAOGAO, config);
    if (rc != 0)
        fail_msg("exit %d: %s", rc, e2e_err);
    assert_non_null(strstr(e2e_err, "2 source files"));
    assert_int_equal(json_rows(e2e_path("out/loops.json"), "documents"), 2);
}

/* Configs that are not what they should be: exit 2, every problem named. */
static void test_bad_configs(void **state)
{
    (void)state;
    const char *path = e2e_write("notjson.json", "{\"sources\": [\"a\",, }", (size_t)-1);
    assert_int_equal(e2e_run("%s check -c %s", BAOGAO, path), 2);
    assert_non_null(strstr(e2e_err, "not valid JSON near line 1"));

    size_t depth = 10000;
    char *deep = malloc(2 * depth + 64);
    size_t k = 0;
    k += (size_t)sprintf(deep, "{\"sources\":");
    for (size_t i = 0; i < depth; i++)
        deep[k++] = '[';
    for (size_t i = 0; i < depth; i++)
        deep[k++] = ']';
    deep[k++] = '}';
    path = e2e_write("deep.json", deep, k);
    free(deep);
    assert_int_equal(e2e_run("%s check -c %s", BAOGAO, path), 2);
    assert_non_null(strstr(e2e_err, "deep.json: not valid JSON"));

    path = e2e_write("types.json",
                     "{\"sources\":[{\"path\":7,\"recursive\":\"yes\"}],\"exporters\":[{\"plugin\":\"json\","
                     "\"output\":\"out/t.json\",\"options\":{\"pretty\":1,\"colour\":true}}],\"jobs\":\"two\","
                     "\"guard\":{\"max_drop\":2},\"limits\":{\"seconds_per_document\":-1},\"extra\":1}",
                     (size_t)-1);
    assert_int_equal(e2e_run("%s check -c %s", BAOGAO, path), 2);
    static const char *const expected[] = {
        "sources[0].path: expected a non-empty string, got 7", "sources[0].recursive: expected true or false",
        "exporters[0].options.pretty: expected true or false, got 1", "exporters[0].options.colour: plugin 'json' has no option",
        "jobs: expected an integer", "guard.max_drop: expected a number from 0 to 1, got 2",
        "limits.seconds_per_document: expected a number", "extra: unknown key"};
    for (size_t i = 0; i < sizeof expected / sizeof *expected; i++)
        if (!strstr(e2e_err, expected[i]))
            fail_msg("missing '%s' in: %s", expected[i], e2e_err);

    char sources[256];
    snprintf(sources, sizeof sources, "[\"%s\"]", SAMPLES);
    path = e2e_job("badrule", sources, json_out,
                   "\"extract\":{\"custom\":[{\"name\":\"broken\",\"table\":\"broken\",\"pattern\":\"(?<n>\\\\d+\","
                   "\"columns\":{\"n\":\"integer\"}}]}");
    assert_int_equal(e2e_run("%s check -c %s", BAOGAO, path), 2);
    assert_non_null(strstr(e2e_err, "extract.custom[0]"));
    assert_non_null(strstr(e2e_err, "does not compile at offset"));
}

/* A rule that backtracks catastrophically stops at PCRE2's limit: the
 * document fails naming the rule, the others are exported, the run ends. */
static void test_catastrophic_rule(void **state)
{
    (void)state;
    char *text = malloc(64 * 1024);
    memset(text, 'a', 64 * 1024 - 2);
    text[64 * 1024 - 2] = 'b';
    text[64 * 1024 - 1] = '\0';
    e2e_write("hostile/aaaa.txt", text, (size_t)-1);
    free(text);
    char sources[512];
    snprintf(sources, sizeof sources, "[\"%s\",\"hostile\"]", SAMPLES);
    const char *config = e2e_job("backtrack", sources, json_out,
                                 "\"extract\":{\"custom\":[{\"name\":\"runaway\",\"table\":\"runaway\","
                                 "\"pattern\":\"(?<a>(a+)+$)\",\"columns\":{\"a\":\"text\"}}]}");
    assert_int_equal(e2e_run("timeout 120 %s run -q -c %s", BAOGAO, config), 1);
    assert_non_null(strstr(e2e_err, "hostile/aaaa.txt"));
    assert_non_null(strstr(e2e_err, "extract.custom[0]"));
    assert_non_null(strstr(e2e_err, "limit"));
    assert_int_equal(json_rows(e2e_path("out/backtrack.json"), "documents"), 5);
}

/* An output that cannot be written: exit 3, the previous outputs intact. */
static void test_output_not_writable(void **state)
{
    (void)state;
    char sources[256];
    snprintf(sources, sizeof sources, "[\"%s\"]", SAMPLES);
    const char *config = e2e_job("unwritable", sources, json_out, NULL);
    assert_int_equal(e2e_run("%s run -q -c %s", BAOGAO, config), 0);
    snapshot("unwritable");
    /* a file where a folder should be: no permission bits to rely on (root) */
    e2e_write("blocked", "a file", (size_t)-1);
    config = e2e_job("unwritable", sources,
                     "[{\"plugin\":\"json\",\"output\":\"out/{job}.json\"},{\"plugin\":\"csv\",\"output\":\"blocked/csv\"}]",
                     NULL);
    assert_int_equal(e2e_run("%s run -q -c %s", BAOGAO, config), 3);
    assert_non_null(strstr(e2e_err, "blocked"));
    assert_non_null(strstr(e2e_err, "outputs not replaced"));
    assert_outputs_unchanged();
}

/* A full disk (a file size limit, and a tiny tmpfs where mounting is
 * allowed): exit 3, previous outputs intact, no temporary files left. */
static void test_full_disk(void **state)
{
    (void)state;
    char sources[256];
    snprintf(sources, sizeof sources, "[\"%s\"]", SAMPLES);
    const char *config = e2e_job("full", sources, all_four, NULL);
    assert_int_equal(e2e_run("%s run -q -c %s", BAOGAO, config), 0);
    snapshot("full");
    int rc = e2e_run("prlimit --fsize=40000 %s run -q -c %s", BAOGAO, config);
    assert_int_equal(rc, 3);
    assert_non_null(strstr(e2e_err, "outputs not replaced"));
    assert_outputs_unchanged();
    assert_int_equal(count_files(e2e_path("out"), "baogao-tmp"), 0);
    assert_int_equal(count_files(e2e_path("out/full-csv"), "baogao-tmp"), 0);

    mkdir(e2e_path("tiny"), 0777);
    if (e2e_run("mount -t tmpfs -o size=200k tmpfs %s/tiny", e2e_work) != 0) {
        fprintf(stderr, "  (tmpfs not mountable here: the size-limit case stands for it)\n");
        return;
    }
    const char *tiny = e2e_job("tinyfs", sources,
                               "[{\"plugin\":\"json\",\"output\":\"tiny/{job}.json\"},"
                               "{\"plugin\":\"xlsx\",\"output\":\"tiny/{job}.xlsx\"},"
                               "{\"plugin\":\"sqlite\",\"output\":\"tiny/{job}.sqlite\"}]",
                               NULL);
    rc = e2e_run("%s run -q -c %s", BAOGAO, tiny);
    assert_int_equal(rc, 3);
    assert_int_equal(count_files(e2e_path("tiny"), "baogao-tmp"), 0);
    e2e_run("umount %s/tiny", e2e_work);
}

/* Killed in the middle: SIGTERM ends the run within seconds (130) with the
 * previous outputs intact and no temporary files; after SIGKILL the next run
 * removes what the killed one left and publishes. */
static void test_killed_mid_run(void **state)
{
    (void)state;
    size_t size;
    char *text = report_text(6 * 1024 * 1024 / SIZE_SCALE, false, &size);
    e2e_write("kill/big.txt", text, size);
    free(text);
    char sources[512];
    snprintf(sources, sizeof sources, "[\"%s\",\"kill\"]", SAMPLES);
    const char *config = e2e_job("kill", sources, all_four, NULL);
    assert_int_equal(e2e_run("%s run -q -c %s", BAOGAO, config), 0);
    snapshot("kill");
    for (int round = 0; round < 2; round++) {
        const char *sig = round == 0 ? "TERM" : "KILL";
        /* change a source so the run has something new to write */
        char line[64], note[128];
        snprintf(line, sizeof line, "kill/extra%d.txt", round);
        snprintf(note, sizeof note, "今年主要预期目标是：地区生产总值增长%d%%。\n", 6 + round);
        e2e_write(line, note, (size_t)-1);
        int rc = e2e_run("%s run -q -c %s 2>/dev/null & pid=$!; sleep 0.6; kill -%s $pid; wait $pid", BAOGAO, config,
                         sig);
        assert_int_equal(rc, round == 0 ? 130 : 128 + 9);
        assert_outputs_unchanged();
        if (round == 0) {
            assert_int_equal(count_files(e2e_path("out"), "baogao-tmp"), 0);
            assert_int_equal(count_files(e2e_path("out/kill-csv"), "baogao-tmp"), 0);
        }
    }
    int rc = e2e_run("%s run -c %s", BAOGAO, config);
    if (rc != 0)
        fail_msg("exit %d: %s", rc, e2e_err);
    assert_int_equal(count_files(e2e_path("out"), "baogao-tmp"), 0);
    assert_int_equal(count_files(e2e_path("out"), "baogao-old"), 0);
    assert_int_equal(json_rows(e2e_path("out/kill.json"), "documents"), 8);
}

/* Text that spreadsheets, CSV readers and XML choke on round-trips in
 * every exporter, or is cleaned with a warning (XLSX). */
static void test_hostile_text(void **state)
{
    (void)state;
    size_t long_n = 40000;
    char *doc = malloc(long_n * 3 + 1024);
    /* blank lines between the lines keep cleaning from joining them */
    size_t k = (size_t)sprintf(doc, "＝政府工作报告\n\n"
                                    "标记=SUM(A1)+1\n\n标记+cmd|' /C calc'!A0\n\n标记-2+3\n\n标记@SUM(1)\n\n"
                                    "标记＝全角＋－＠\n\n标记\"引\"号\"\n\n标记\xef\xbf\xbe非字符\n\n标记");
    for (size_t i = 0; i < long_n; i++) {
        memcpy(doc + k, "长", 3);
        k += 3;
    }
    doc[k++] = '\n';
    e2e_write("hostile_text/doc.txt", doc, k);
    free(doc);
    const char *config = e2e_job(
        "hostile", "[\"hostile_text\"]", all_four,
        "\"extract\":{\"custom\":[{\"name\":\"marked\",\"table\":\"marked\",\"pattern\":\"标记(?<value>[^\\\\n]+)\","
        "\"columns\":{\"value\":\"text\"}}]}");
    int rc = e2e_run("%s run -c %s", BAOGAO, config);
    if (rc != 0)
        fail_msg("exit %d: %s", rc, e2e_err);
    assert_non_null(strstr(e2e_err, "cut to Excel's limit of 32767 characters"));
    assert_non_null(strstr(e2e_err, "characters that XML does not allow"));
    /* JSON and SQLite: as written */
    char *json = e2e_slurp(e2e_path("out/hostile.json"), NULL);
    assert_non_null(strstr(json, "\"value\":\"=SUM(A1)+1\""));
    /* rules match the cleaned text (full-width folded); the sentence quotes
     * the original */
    assert_non_null(strstr(json, "\"value\":\"=全角+-@\""));
    assert_non_null(strstr(json, "\"sentence\":\"标记＝全角＋－＠\""));
    assert_non_null(strstr(json, "\"title\":\"＝政府工作报告\""));
    assert_non_null(strstr(json, "\"value\":\"\\\"引\\\"号\\\"\""));
    free(json);
    assert_int_equal(sql_count(e2e_path("out/hostile.sqlite"), "select count(*) from marked where value = '=SUM(A1)+1'"), 1);
    assert_int_equal(sql_count(e2e_path("out/hostile.sqlite"), "select max(length(value)) from marked"), 40000);
    /* CSV (excel profile): formulas neutralised, quotes doubled */
    char *csv = e2e_slurp(e2e_path("out/hostile-csv/marked.csv"), NULL);
    assert_non_null(strstr(csv, "'=SUM(A1)+1"));
    assert_non_null(strstr(csv, "'+cmd|"));
    assert_non_null(strstr(csv, "\"\"\"引\"\"号\"\"\""));
    free(csv);
    csv = e2e_slurp(e2e_path("out/hostile-csv/documents.csv"), NULL);
    assert_non_null(strstr(csv, "'＝政府工作报告"));
    free(csv);
    /* XLSX: the text is a string, never a formula */
    assert_int_equal(e2e_run("unzip -p %s/out/hostile.xlsx 'xl/worksheets/*.xml' | grep -c '<f>' > %s/f.txt; true",
                             e2e_work, e2e_work),
                     0);
    char *f = e2e_slurp(e2e_path("f.txt"), NULL);
    assert_int_equal(atoi(f), 0);
    free(f);
}

/* CSV corpora: a missing text column fails the corpus naming the columns;
 * a ragged row and an unterminated quote fail their rows, with lines. */
static void test_csv_corpora(void **state)
{
    (void)state;
    e2e_write("corpora/ok.csv", "id,text\n1,\"今年主要预期目标是：地区生产总值增长6%。\"\n2,多,一列\n"
                                "3,\"另一份报告\"\n4,\"没有结束\n",
              (size_t)-1);
    e2e_write("corpora/nocol.csv", "id,body\n1,文本\n", (size_t)-1);
    const char *config = e2e_job("corpora", "[{\"path\":\"corpora\",\"format\":\"csv\",\"text_column\":\"text\"}]",
                                 json_out, NULL);
    assert_int_equal(e2e_run("%s run -q -c %s", BAOGAO, config), 1);
    assert_non_null(strstr(e2e_err, "nocol.csv: text_column: no column 'text' (found: id, body)"));
    assert_non_null(strstr(e2e_err, "ok.csv: row 2 (line 3): 3 fields where the header has 2"));
    assert_non_null(strstr(e2e_err, "ok.csv: row 4 (line 5): the last field's quote is never closed"));
    assert_int_equal(json_rows(e2e_path("out/corpora.json"), "documents"), 2);
}

/* Ten thousand tiny files: every one a document, memory flat. */
static void test_many_tiny_files(void **state)
{
    (void)state;
    mkdir(e2e_path("tiny_files"), 0777);
    for (int i = 0; i < 10000; i++) {
        char name[64], text[128];
        snprintf(name, sizeof name, "tiny_files/%05d.txt", i);
        snprintf(text, sizeof text, "第%d号县政府工作报告。今年主要预期目标是：地区生产总值增长%d%%。\n", i, i % 9 + 1);
        e2e_write(name, text, (size_t)-1);
    }
    const char *config = e2e_job("tiny", "[\"tiny_files\"]", json_out, NULL);
    int rc = e2e_run("%s run -q -c %s", BAOGAO, config);
    if (rc != 0)
        fail_msg("exit %d: %s", rc, e2e_err);
    assert_int_equal(json_rows(e2e_path("out/tiny.json"), "documents"), 10000);
#ifndef BG_TEST_SANITIZED
    assert_true(e2e_peak_kib < 200 * 1024);
#endif
}

/* A corrupt state file is said and ignored, never trusted. */
static void test_corrupt_state(void **state)
{
    (void)state;
    char sources[256];
    snprintf(sources, sizeof sources, "[\"%s\"]", SAMPLES);
    const char *config = e2e_job("corrupt", sources, json_out, NULL);
    e2e_write(".baogao/corrupt.state.json", "{\"job\": [1, 2", (size_t)-1);
    int rc = e2e_run("%s run -q -c %s", BAOGAO, config);
    if (rc != 0)
        fail_msg("exit %d: %s", rc, e2e_err);
    assert_non_null(strstr(e2e_err, "corrupt.state.json: not a baogao state file"));
    /* and rewritten by the successful run */
    char *text = e2e_slurp(e2e_path(".baogao/corrupt.state.json"), NULL);
    assert_non_null(strstr(text, "\"documents\":\t5"));
    free(text);
}

/* The share is not mounted tonight: nothing is replaced, nothing pruned. */
static void test_sources_vanish(void **state)
{
    (void)state;
    assert_int_equal(e2e_run("mkdir -p %s/share && cp %s/*.txt %s/share/", e2e_work, SAMPLES, e2e_work), 0);
    const char *config = e2e_job("share", "[\"share\"]", all_four, NULL);
    assert_int_equal(e2e_run("%s run -q -c %s", BAOGAO, config), 0);
    snapshot("share");
    assert_int_equal(e2e_run("mv %s/share %s/share.off && mkdir %s/share", e2e_work, e2e_work, e2e_work), 0);
    assert_int_equal(e2e_run("%s run -q -c %s", BAOGAO, config), 4);
    assert_non_null(strstr(e2e_err, "guard: 0 sources listed"));
    assert_outputs_unchanged();
    /* an include that matches nothing is the same thing */
    assert_int_equal(e2e_run("rmdir %s/share && mv %s/share.off %s/share", e2e_work, e2e_work, e2e_work), 0);
    const char *wrong = e2e_job("share", "[{\"path\":\"share\",\"include\":\"*.htm\"}]", all_four, NULL);
    assert_int_equal(e2e_run("%s run -q -c %s", BAOGAO, wrong), 4);
    assert_outputs_unchanged();
    config = e2e_job("share", "[\"share\"]", all_four, NULL);
    /* three of five gone: a drop of 60% is refused too */
    assert_int_equal(e2e_run("mkdir %s/aside && mv %s/share/000_* %s/share/001_* %s/share/002_* %s/aside/", e2e_work,
                             e2e_work, e2e_work, e2e_work, e2e_work),
                     0);
    assert_int_equal(e2e_run("%s run -q -c %s", BAOGAO, config), 4);
    assert_non_null(strstr(e2e_err, "2 documents where the last successful run"));
    assert_outputs_unchanged();
    /* on purpose: published, and prune may then remove the three */
    int rc = e2e_run("%s run -q --allow-shrink -c %s", BAOGAO, config);
    if (rc != 0)
        fail_msg("exit %d: %s", rc, e2e_err);
    assert_int_equal(sql_count(e2e_path("out/share.sqlite"), "select count(*) from documents"), 2);
}

/* Prune alone never deletes more than guard.max_drop of the file's
 * documents: a file that gathered documents over earlier runs keeps them
 * when a run that passed the guard would prune most of them. */
static void test_prune_is_bounded(void **state)
{
    (void)state;
    assert_int_equal(e2e_run("mkdir -p %s/p1 %s/p2 && cp %s/00[0-3]*.txt %s/p1/ && cp %s/004_*.txt %s/p2/", e2e_work,
                             e2e_work, SAMPLES, e2e_work, SAMPLES, e2e_work),
                     0);
    const char *keep = "[{\"plugin\":\"sqlite\",\"output\":\"out/{job}.sqlite\"}]";
    const char *prune = "[{\"plugin\":\"sqlite\",\"output\":\"out/{job}.sqlite\",\"options\":{\"prune\":true}}]";
    /* four documents, then one more (on purpose), without pruning: five */
    assert_int_equal(e2e_run("%s run -q -c %s", BAOGAO, e2e_job("prune", "[\"p1\"]", keep, NULL)), 0);
    assert_int_equal(e2e_run("%s run -q --allow-shrink -c %s", BAOGAO, e2e_job("prune", "[\"p2\"]", keep, NULL)), 0);
    assert_int_equal(sql_count(e2e_path("out/prune.sqlite"), "select count(*) from documents"), 5);
    /* the same one document again passes the guard, but pruning four of
     * five is more than max_drop: warned, not done */
    const char *config = e2e_job("prune", "[\"p2\"]", prune, NULL);
    int rc = e2e_run("%s run -q -c %s", BAOGAO, config);
    if (rc != 0)
        fail_msg("exit %d: %s", rc, e2e_err);
    assert_non_null(strstr(e2e_err, "prune would delete 4 of 5 documents"));
    assert_int_equal(sql_count(e2e_path("out/prune.sqlite"), "select count(*) from documents"), 5);
    assert_int_equal(e2e_run("%s run -q --allow-shrink -c %s", BAOGAO, config), 0);
    assert_int_equal(sql_count(e2e_path("out/prune.sqlite"), "select count(*) from documents"), 1);
}

/* Plugins that fail in open or in commit: exit 3, outputs intact; a plugin
 * built for ABI 1.0 still loads and runs. */
static void test_failing_plugins(void **state)
{
    (void)state;
    char sources[256];
    snprintf(sources, sizeof sources, "[\"%s\"]", SAMPLES);
    const char *config = e2e_job("plug", sources, json_out, NULL);
    assert_int_equal(e2e_run("%s run -q -c %s", BAOGAO, config), 0);
    snapshot("plug");
    static const char *const failing[] = {"fail_open", "fail_close", "fail_write"};
    for (size_t i = 0; i < 3; i++) {
        char exporters[512];
        snprintf(exporters, sizeof exporters,
                 "[{\"plugin\":\"json\",\"output\":\"out/{job}.json\"},{\"plugin\":\"%s\",\"output\":\"out/x.out\"}]",
                 failing[i]);
        config = e2e_job("plug", sources, exporters, "\"plugin_dir\":\"" FIXTURES "\"");
        assert_int_equal(e2e_run("%s run -q -c %s", BAOGAO, config), 3);
        assert_non_null(strstr(e2e_err, failing[i]));
        assert_non_null(strstr(e2e_err, "on purpose"));
        assert_outputs_unchanged();
        assert_int_equal(count_files(e2e_path("out"), "baogao-"), 0);
    }
    config = e2e_job("old", sources, "[{\"plugin\":\"abi_1_0\",\"output\":\"out/old.out\"}]",
                     "\"plugin_dir\":\"" FIXTURES "\"");
    int rc = e2e_run("%s run -q -c %s", BAOGAO, config);
    if (rc != 0)
        fail_msg("exit %d: %s", rc, e2e_err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty_file),       cmocka_unit_test(test_binary_with_nuls),
        cmocka_unit_test(test_invalid_everywhere), cmocka_unit_test(test_cut_at_eof),
        cmocka_unit_test(test_large_files),      cmocka_unit_test(test_no_punctuation),
        cmocka_unit_test(test_html_wrong_meta),  cmocka_unit_test(test_directory_named_txt),
        cmocka_unit_test(test_fifo),             cmocka_unit_test(test_symlink_loops),
        cmocka_unit_test(test_bad_configs),      cmocka_unit_test(test_catastrophic_rule),
        cmocka_unit_test(test_output_not_writable), cmocka_unit_test(test_full_disk),
        cmocka_unit_test(test_killed_mid_run),   cmocka_unit_test(test_hostile_text),
        cmocka_unit_test(test_csv_corpora),      cmocka_unit_test(test_many_tiny_files),
        cmocka_unit_test(test_corrupt_state),    cmocka_unit_test(test_sources_vanish),
        cmocka_unit_test(test_prune_is_bounded), cmocka_unit_test(test_failing_plugins),
    };
    return cmocka_run_group_tests(tests, e2e_setup, e2e_teardown);
}
