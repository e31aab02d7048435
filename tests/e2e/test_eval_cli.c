/* test_eval_cli.c — `baogao eval` as a user runs it: the figures and no
 * verdict without thresholds (exit 0 even when they are poor), PASS or FAIL
 * and exit 0 or 1 with them, n/a for what the gold leaves empty, a faulty
 * gold file refused with every problem on its own line (exit 2), --docs
 * walking subfolders, and -c reading the job's sources (a folder and a CSV
 * corpus). */
#include "e2e.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GOLD BG_TEST_SOURCE_DIR "/tests/gold"

static char *out; /* stdout of the last eval */

/* Runs `baogao eval ARGS` with stdout kept in out; returns the exit code. */
static int eval(const char *args)
{
    int rc = e2e_run("%s eval %s > %s", BAOGAO, args, e2e_path("stdout.txt"));
    free(out);
    out = e2e_slurp(e2e_path("stdout.txt"), NULL);
    assert_non_null(out);
    return rc;
}

/* Whether word stands alone in text (not inside another word). */
static bool has_word(const char *text, const char *word)
{
    for (const char *p = strstr(text, word); p; p = strstr(p + 1, word)) {
        bool before = p == text || p[-1] == ' ' || p[-1] == '\n' || p[-1] == '(';
        char after = p[strlen(word)];
        if (before && (after == '\0' || after == ' ' || after == '\n'))
            return true;
    }
    return false;
}

static const char *line_of(const char *text, const char *name)
{
    static char line[256];
    for (const char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
        if (!strncmp(p, name, strlen(name)) && p[strlen(name)] == ' ') {
            snprintf(line, sizeof line, "%.*s", (int)strcspn(p, "\n"), p);
            return line;
        }
    fail_msg("no line '%s' in:\n%s", name, text);
    return NULL;
}

/* One gold document with a target the extraction gets wrong (at_least for
 * 左右): precision and recall 0. */
static const char *poor_gold(void)
{
    return e2e_write("poor.json",
                     "{\"format\": \"baogao-gold/1\", \"documents\": {\"a.txt\": {\"text\": "
                     "\"主要预期目标是：地区生产总值增长7%左右。\", \"targets\": [{\"indicator\": \"gdp\", "
                     "\"kind\": \"growth\", \"value\": 7, \"qualifier\": \"at_least\"}]}}}",
                     (size_t)-1);
}

static void test_no_thresholds_no_verdict(void **state)
{
    (void)state;
    assert_int_equal(eval(poor_gold()), 2); /* --gold is required */
    char args[1024];
    snprintf(args, sizeof args, "--gold %s", poor_gold());
    assert_int_equal(eval(args), 0);
    assert_non_null(strstr(line_of(out, "targets"), "0.000"));
    assert_false(has_word(out, "PASS"));
    assert_false(has_word(out, "FAIL"));
    assert_false(has_word(out, "ok"));
    assert_false(has_word(out, "BELOW"));
    /* the seeds in full, still without a verdict */
    assert_int_equal(eval("--gold " GOLD "/seeds.json --docs " SAMPLES), 0);
    assert_non_null(strstr(line_of(out, "targets"), "30     30       30     1.000   1.000"));
    assert_false(has_word(out, "PASS"));
    assert_false(has_word(out, "ok"));
}

static void test_thresholds_pass_or_fail(void **state)
{
    (void)state;
    char args[1024];
    snprintf(args, sizeof args, "--gold %s --min-precision 0.9", poor_gold());
    assert_int_equal(eval(args), 1);
    assert_true(has_word(out, "FAIL"));
    assert_true(has_word(line_of(out, "targets"), "BELOW"));
    snprintf(args, sizeof args, "--gold %s --min-field 0", poor_gold());
    assert_int_equal(eval(args), 0); /* nothing a field threshold applies to: all n/a */
    assert_true(has_word(out, "PASS"));
    assert_int_equal(eval("--gold " GOLD "/seeds.json --docs " SAMPLES " --min-precision 1 --min-recall 1 "
                          "--min-field 1"),
                     0);
    assert_true(has_word(out, "PASS"));
    assert_true(has_word(line_of(out, "targets"), "ok"));
    /* several files: each its verdict, then all together */
    snprintf(args, sizeof args, "--gold %s --gold %s/phrasings.json --min-recall 1", poor_gold(), GOLD);
    assert_int_equal(eval(args), 1);
    assert_non_null(strstr(out, "FAIL (1 of 2 gold files below the thresholds)"));
    assert_int_equal(eval("--gold " GOLD "/phrasings.json --gold " GOLD "/realistic.json --min-recall 1"), 0);
    assert_non_null(strstr(out, "PASS (all 2 gold files)"));
}

/* phrasings.json has no lists, sections or meta: n/a, not 1.000 ok. */
static void test_empty_categories_na(void **state)
{
    (void)state;
    assert_int_equal(eval("--gold " GOLD "/phrasings.json --min-precision 1 --min-recall 1 --min-field 1"), 0);
    for (const char *name = "lists"; name; name = !strcmp(name, "lists") ? "sections" : NULL) {
        const char *line = line_of(out, name);
        assert_true(has_word(line, "n/a"));
        assert_null(strstr(line, "1.000"));
        assert_false(has_word(line, "ok"));
    }
    assert_true(has_word(line_of(out, "meta fields"), "n/a"));
}

static void test_bad_gold_exit_2(void **state)
{
    (void)state;
    const char *gold = e2e_write("bad.json",
                                 "{\"format\": \"baogao-gold/1\", \"documents\": {\"a.txt\": {\"text\": \"x\", "
                                 "\"targts\": [{\"indicator\": \"gdp\"}]}, \"b.txt\": {\"text\": \"x\", \"targets\": "
                                 "[{\"indicator\": \"gdp\", \"kind\": \"growth\", \"value\": \"7\", \"qualifier\": "
                                 "\"about\"}]}}}",
                                 (size_t)-1);
    char args[1024];
    snprintf(args, sizeof args, "--gold %s --gold %s/seeds.json --docs %s", gold, GOLD, SAMPLES);
    assert_int_equal(eval(args), 2);
    assert_string_equal(out, ""); /* nothing scored */
    assert_non_null(strstr(e2e_err, "bad.json: documents[\"a.txt\"].targts: unknown key (did you mean 'targets'?)\n"));
    assert_non_null(
        strstr(e2e_err, "bad.json: documents[\"b.txt\"].targets[0].value: expected a number or null, got \"7\"\n"));
    assert_non_null(strstr(e2e_err, "2 problems"));
    /* a missing document and a missing --docs folder are exit 2 as well */
    snprintf(args, sizeof args, "--gold %s/seeds.json --docs %s", GOLD, e2e_work);
    assert_int_equal(eval(args), 2);
    assert_non_null(strstr(e2e_err, "000_1e858b7b18e6f90d.txt: the gold names a document that is not in"));
    snprintf(args, sizeof args, "--gold %s/seeds.json --docs %s/nowhere", GOLD, e2e_work);
    assert_int_equal(eval(args), 2);
    assert_non_null(strstr(e2e_err, "nowhere: No such file or directory"));
}

static char *read_sample(const char *name)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", SAMPLES, name);
    char *text = e2e_slurp(path, NULL);
    assert_non_null(text);
    return text;
}

/* The seeds gold against a copy of the samples spread over subfolders. */
static void test_docs_recursive(void **state)
{
    (void)state;
    static const char *const names[] = {"000_1e858b7b18e6f90d.txt", "001_8b242355d6154d07.txt",
                                        "002_59ec48a6c6362c4b.txt", "003_198e591ce9b795be.txt",
                                        "004_6c315c879fc3e2f4.txt"};
    for (size_t i = 0; i < 5; i++) {
        char *text = read_sample(names[i]);
        char where[256];
        snprintf(where, sizeof where, "tree/%s/%zu/%s", i % 2 ? "odd" : "even", i, names[i]);
        e2e_write(where, text, (size_t)-1);
        free(text);
    }
    char args[1024];
    snprintf(args, sizeof args, "--gold %s/seeds.json --docs %s/tree --min-precision 1 --min-recall 1 --min-field 1",
             GOLD, e2e_work);
    assert_int_equal(eval(args), 0);
    assert_non_null(strstr(line_of(out, "targets"), "30     30       30     1.000   1.000  ok"));
    assert_non_null(strstr(line_of(out, "meta fields"), "37"));
}

/* -c: a job reading a folder (recursive) and a CSV corpus; the gold names
 * a folder file by its name and the corpus records as file#row. */
static void test_job_sources(void **state)
{
    (void)state;
    char *seed = read_sample("000_1e858b7b18e6f90d.txt");
    e2e_write("job/reports/2024/000_1e858b7b18e6f90d.txt", seed, (size_t)-1);
    free(seed);
    e2e_write("job/corpus/reports.csv",
              "id,正文\n1,\"主要预期目标是：地区生产总值增长5%以上。\"\n"
              "2,\"主要预期目标是：地区生产总值增长7%左右，城镇调查失业率5.5%以内。\"\n",
              (size_t)-1);
    const char *config = e2e_write(
        "job/job.json",
        "{\"sources\": [{\"path\": \"reports\", \"recursive\": true}, {\"path\": \"corpus/reports.csv\", "
        "\"format\": \"csv\", \"text_column\": \"正文\"}], \"exporters\": [{\"plugin\": \"json\", \"output\": "
        "\"out.json\"}]}",
        (size_t)-1);
    /* the seeds' first document, and the two records of the corpus */
    char *seeds = e2e_slurp(GOLD "/seeds.json", NULL);
    assert_non_null(seeds);
    const char *first = strstr(seeds, "\"000_1e858b7b18e6f90d.txt\"");
    const char *second = strstr(seeds, "\"001_8b242355d6154d07.txt\"");
    assert_non_null(first);
    assert_non_null(second);
    const char *end = second;
    while (end > first && *end != ',')
        end--;
    size_t size = (size_t)(end - first) + 4096;
    char *gold = malloc(size);
    snprintf(gold, size,
             "{\"format\": \"baogao-gold/1\", \"documents\": {%.*s, \"reports.csv#1\": {\"targets\": [{\"indicator\": "
             "\"gdp\", \"kind\": \"growth\", \"value\": 5, \"qualifier\": \"at_least\"}]}, \"corpus/reports.csv#2\": "
             "{\"targets\": [{\"indicator\": \"gdp\", \"kind\": \"growth\", \"value\": 7, \"qualifier\": \"about\"}, "
             "{\"indicator\": \"urban_unemployment_rate\", \"kind\": \"level\", \"value\": 5.5, \"qualifier\": "
             "\"at_most\"}]}}}",
             (int)(end - first), first);
    const char *gold_path = e2e_write("job/gold.json", gold, (size_t)-1);
    free(gold);
    free(seeds);
    char args[2048];
    snprintf(args, sizeof args, "-c %s --gold %s --min-precision 1 --min-recall 1 --min-field 1", config, gold_path);
    int rc = eval(args);
    if (rc)
        fprintf(stderr, "%s%s", out, e2e_err);
    assert_int_equal(rc, 0);
    const char *targets = line_of(out, "targets");
    int gold_count = 0, found = 0, matched = 0;
    assert_int_equal(sscanf(targets, "targets %d %d %d", &gold_count, &found, &matched), 3);
    assert_true(gold_count > 3);
    assert_int_equal(found, gold_count);
    assert_int_equal(matched, gold_count);
    assert_true(has_word(out, "PASS"));
    /* the same gold without -c: the gold file's folder and its subfolders
     * hold the report, but a folder takes no CSV corpus */
    snprintf(args, sizeof args, "--gold %s", gold_path);
    assert_int_equal(eval(args), 2);
    assert_non_null(strstr(e2e_err, "reports.csv#1: the gold names a document that is not in"));
}

static int teardown(void **state)
{
    free(out);
    out = NULL;
    return e2e_teardown(state);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_no_thresholds_no_verdict), cmocka_unit_test(test_thresholds_pass_or_fail),
        cmocka_unit_test(test_empty_categories_na),      cmocka_unit_test(test_bad_gold_exit_2),
        cmocka_unit_test(test_docs_recursive),           cmocka_unit_test(test_job_sources),
    };
    return cmocka_run_group_tests(tests, e2e_setup, teardown);
}
