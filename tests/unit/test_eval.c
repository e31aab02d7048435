/* test_eval.c — the scoring of `baogao eval`: a wrong or missing target
 * lowers recall, an extra one (also in a document whose gold has none)
 * lowers precision, thresholds decide `passed`, and a malformed gold file or
 * a missing document is an error that names it. */
#include "eval.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

static bg_rules *rules;

static int setup(void **state)
{
    (void)state;
    bg_problems problems = {0};
    rules = bg_rules_load(BG_TEST_SOURCE_DIR "/config/rules/gov_work_report.json",
                          BG_TEST_SOURCE_DIR "/config/rules/divisions.csv", NULL, "extract", &problems);
    bg_problems_free(&problems);
    return rules ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    bg_rules_free(rules);
    return 0;
}

static const char *write_gold(const char *name, const char *json)
{
    static char path[512];
    snprintf(path, sizeof path, "%s/%s", BG_TEST_BINARY_DIR, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(json, f);
    fclose(f);
    return path;
}

static bg_error run(const char *json, double min_p, double min_r, int *passed, bg_eval_score *s, char *msg)
{
    const char *path = write_gold("test_eval_gold.json", json);
    bg_eval_thresholds th = {min_p, min_r, 0, false};
    return bg_eval_run_scored(rules, path, BG_TEST_BINARY_DIR, &th, NULL, passed, s, msg, 256);
}

#define DOC(text, targets)                                                                                             \
    "{\"format\": \"baogao-gold/1\", \"documents\": {\"a.txt\": {\"text\": "                                           \
    "\"" text "\", \"targets\": " targets "}}}"

static void test_perfect(void **state)
{
    (void)state;
    int passed;
    bg_eval_score s;
    char msg[256];
    assert_int_equal(
        run(DOC("主要预期目标是：地区生产总值增长7%左右。", "[{\"indicator\": \"gdp\", \"kind\": \"growth\", "
                                                            "\"value\": 7, \"qualifier\": \"about\", "
                                                            "\"unit\": \"%\"}]"),
            1, 1, &passed, &s, msg),
        BG_E_OK);
    assert_true(passed);
    assert_int_equal(s.targets_matched, 1);
    assert_int_equal(s.field_correct, s.field_total);
}

static void test_wrong_qualifier_is_a_miss(void **state)
{
    (void)state;
    int passed;
    bg_eval_score s;
    char msg[256];
    assert_int_equal(
        run(DOC("主要预期目标是：地区生产总值增长7%左右。", "[{\"indicator\": \"gdp\", \"kind\": \"growth\", "
                                                            "\"value\": 7, \"qualifier\": \"at_least\"}]"),
            1, 1, &passed, &s, msg),
        BG_E_OK);
    assert_false(passed);
    assert_int_equal(s.targets_matched, 0);
    assert_int_equal(s.targets_found, 1);
    /* thresholds of 0 accept it */
    assert_int_equal(
        run(DOC("主要预期目标是：地区生产总值增长7%左右。", "[{\"indicator\": \"gdp\", \"kind\": \"growth\", "
                                                            "\"value\": 7, \"qualifier\": \"at_least\"}]"),
            0, 0, &passed, &s, msg),
        BG_E_OK);
    assert_true(passed);
}

static void test_empty_gold_must_yield_none(void **state)
{
    (void)state;
    int passed;
    bg_eval_score s;
    char msg[256];
    assert_int_equal(run(DOC("主要预期目标是：地区生产总值增长7%左右。", "[]"), 1, 1, &passed, &s, msg), BG_E_OK);
    assert_false(passed); /* precision 0 of 1 */
    assert_int_equal(s.targets_found, 1);
    assert_int_equal(s.targets_gold, 0);
}

static void test_bad_gold(void **state)
{
    (void)state;
    int passed;
    char msg[256];
    assert_int_equal(run("{\"format\": \"other\"}", 1, 1, &passed, NULL, msg), BG_E_GOLD);
    assert_non_null(strstr(msg, "test_eval_gold.json"));
    assert_int_equal(run("{\"format\": \"baogao-gold/1\", \"documents\": "
                         "{\"missing.txt\": {\"targets\": []}}}",
                         1, 1, &passed, NULL, msg),
                     BG_E_IO);
    assert_non_null(strstr(msg, "missing.txt"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_perfect),
        cmocka_unit_test(test_wrong_qualifier_is_a_miss),
        cmocka_unit_test(test_empty_gold_must_yield_none),
        cmocka_unit_test(test_bad_gold),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
