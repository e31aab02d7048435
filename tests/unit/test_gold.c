/* test_gold.c — the accuracy the project promises: bg_eval_run over the
 * seeds gold (documents in samples/reports) and the phrasings gold must meet
 * every figure in full: targets precision and recall 1.0, every must-find
 * commitment, review statement, list, section, meta field and absent
 * boilerplate, and every target field the gold gives. So must the realistic
 * gold (tests/gold/realistic.json) and the blind golds (tests/gold/blind.json,
 * blind2.json, blind3_early.json and blind3_recent.json, written before the
 * extraction code was read). The commitments judged by hand in those files
 * must keep a precision of at least 0.95 with every sampled row judged as it
 * is produced now, and no row judged correct may be lost. */
#include "eval.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>

static bg_rules *load_rules(void)
{
    bg_problems problems = {0};
    bg_rules *rules = bg_rules_load(BG_TEST_SOURCE_DIR "/config/rules/gov_work_report.json",
                                    BG_TEST_SOURCE_DIR "/config/rules/divisions.csv", NULL, "extract", &problems);
    for (size_t i = 0; i < problems.count; i++)
        fprintf(stderr, "%s\n", problems.items[i]);
    bg_problems_free(&problems);
    assert_non_null(rules);
    return rules;
}

/* Outcomes (last year's results) are held to the figures the README
 * states, not to 1: precision 0.95 and recall 0.90 in every file that has
 * them, none found where a file says there are none. */
#define OUTCOMES_MIN_PRECISION 0.95
#define OUTCOMES_MIN_RECALL 0.90

static void assert_outcomes(const bg_eval_score *s)
{
    if (s->outcomes_gold == 0) {
        assert_int_equal(s->outcomes_found, 0);
        return;
    }
    fprintf(stderr, "outcomes: %zu gold, %zu found, %zu matched\n", s->outcomes_gold, s->outcomes_found,
            s->outcomes_matched);
    assert_true((double)s->outcomes_matched >= OUTCOMES_MIN_PRECISION * (double)s->outcomes_found);
    assert_true((double)s->outcomes_matched >= OUTCOMES_MIN_RECALL * (double)s->outcomes_gold);
}

/* Runs a gold file at thresholds 1/1/1 and requires every figure in full:
 * at least min_targets targets and min_meta meta fields, all matched and
 * nothing extra; every must-find item; every target field the gold gives;
 * outcomes at their own figures. */
static void assert_gold_in_full(const char *gold, const char *docs, size_t min_targets, size_t min_meta)
{
    bg_rules *rules = load_rules();
    bg_eval_thresholds th = {1.0, 1.0, 1.0, true};
    int passed = 0;
    bg_eval_score s;
    char msg[512];
    bg_error e = bg_eval_run_scored(rules, gold, docs, &th, stderr, &passed, &s, msg, sizeof msg);
    if (e != BG_E_OK)
        fprintf(stderr, "%s\n", msg);
    assert_int_equal(e, BG_E_OK);
    (void)passed; /* every figure is asserted below, outcomes at their own thresholds */
    bg_rules_free(rules);
    assert_outcomes(&s);
    assert_true(s.targets_gold >= min_targets);
    assert_int_equal(s.targets_matched, s.targets_gold);
    assert_int_equal(s.targets_found, s.targets_gold);
    assert_true(s.meta_gold >= min_meta);
    assert_int_equal(s.meta_matched, s.meta_gold);
    assert_int_equal(s.commitments_matched, s.commitments_gold);
    assert_int_equal(s.review_matched, s.review_gold);
    assert_int_equal(s.lists_matched, s.lists_gold);
    assert_int_equal(s.sections_matched, s.sections_gold);
    assert_int_equal(s.boilerplate_absent, s.boilerplate_gold);
    assert_int_equal(s.field_correct, s.field_total);
    /* the judged sample of commitments */
    if (s.judged_sample) {
        assert_int_equal(s.judged_changed, 0); /* judge the changed rows again */
        assert_int_equal(s.judged_lost, 0);
        assert_true((double)s.judged_correct >= 0.95 * (double)s.judged_current);
    }
}

/* The five samples: 30 targets, 37 meta fields and every must-find item. */
static void test_seeds(void **state)
{
    (void)state;
    assert_gold_in_full(BG_TEST_SOURCE_DIR "/tests/gold/seeds.json", BG_TEST_SOURCE_DIR "/samples/reports", 30, 37);
}

/* One passage per phrasing real reports use. */
static void test_phrasings(void **state)
{
    (void)state;
    assert_gold_in_full(BG_TEST_SOURCE_DIR "/tests/gold/phrasings.json", NULL, 50, 0);
}

/* Realistic report texts of every level, region kind and year 2010-2024. */
static void test_realistic(void **state)
{
    (void)state;
    assert_gold_in_full(BG_TEST_SOURCE_DIR "/tests/gold/realistic.json", NULL, 250, 200);
}

/* Forty reports written blind to imitate real ones (provinces, prefectures,
 * districts, counties, 2010-2024, bullets, continued paragraphs, former
 * county names, dates in words). */
static void test_blind(void **state)
{
    (void)state;
    assert_gold_in_full(BG_TEST_SOURCE_DIR "/tests/gold/blind.json", NULL, 300, 200);
}

/* A second forty written blind the same way: eras from 十二五 to 2024,
 * municipalities and their districts, autonomous regions, county-level
 * cities, 旗, a December report, a 2020 report without a GDP target, a
 * newspaper reading, explanation paragraphs after the targets. */
static void test_blind2(void **state)
{
    (void)state;
    assert_gold_in_full(BG_TEST_SOURCE_DIR "/tests/gold/blind2.json", NULL, 300, 230);
}

/* Twenty county, district and prefecture reports of 2003-2015 written blind
 * (Chinese-numeral years, old names: 株洲县, 平谷县, 巢湖, 莱芜; texts without
 * line breaks), with 164 commitment rows judged by hand. */
static void test_blind3_early(void **state)
{
    (void)state;
    assert_gold_in_full(BG_TEST_SOURCE_DIR "/tests/gold/blind3_early.json", NULL, 170, 130);
}

/* Twenty of 2020-2025 (the national report, 2020 without a GDP target,
 * declines, <br> and literal breaks), with 136 judged commitment rows. */
static void test_blind3_recent(void **state)
{
    (void)state;
    assert_gold_in_full(BG_TEST_SOURCE_DIR "/tests/gold/blind3_recent.json", NULL, 170, 130);
}

/* Short review passages, one per way reports state last year's results,
 * with traps (年均, 累计, quoted targets, other years, ranks, 1—11月),
 * written blind for the outcomes table. */
static void test_outcome_phrasings(void **state)
{
    (void)state;
    assert_gold_in_full(BG_TEST_SOURCE_DIR "/tests/gold/outcome_phrasings.json", NULL, 0, 0);
}

/* Twelve reports of one province, a prefecture, its counties (one renamed
 * into a district) and the country over 2020-2022, written blind for the
 * tables across reports; their targets and outcomes here, the tables
 * themselves in tests/e2e/test_across.sh. */
static void test_panel(void **state)
{
    (void)state;
    assert_gold_in_full(BG_TEST_SOURCE_DIR "/tests/gold/panel.json", BG_TEST_SOURCE_DIR "/samples/panel", 70, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_seeds),  cmocka_unit_test(test_phrasings), cmocka_unit_test(test_blind),
        cmocka_unit_test(test_blind2), cmocka_unit_test(test_realistic), cmocka_unit_test(test_blind3_early),
        cmocka_unit_test(test_blind3_recent), cmocka_unit_test(test_outcome_phrasings), cmocka_unit_test(test_panel),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
