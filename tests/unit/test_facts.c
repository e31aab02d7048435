/* test_facts.c — document facts: plan year (explicit 2023年工作安排, 明年 in a
 * December report, 今年 in a spring report), report date from the title or a
 * session line, the title rules (report title, newspaper headline above a
 * "——…解读" line, none for an excerpt), and the document type. */
#include "extract/facts.h"
#include "paths.h"
#include "text/clean.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bg_facts_rules *facts_rules;

static int setup(void **state)
{
    (void)state;
    size_t size;
    char *bytes = bg_read_file(BG_TEST_SOURCE_DIR "/config/rules/gov_work_report.json", &size);
    cJSON *root = bytes ? cJSON_ParseWithLength(bytes, size) : NULL;
    free(bytes);
    bg_problems p = {0};
    facts_rules = root ? bg_facts_rules_load(root, "gov_work_report.json", &p) : NULL;
    for (size_t i = 0; i < p.count; i++)
        fprintf(stderr, "%s\n", p.items[i]);
    bg_problems_free(&p);
    cJSON_Delete(root);
    return facts_rules ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    bg_facts_rules_free(facts_rules);
    return 0;
}

static void test_plan_year(void **state)
{
    (void)state;
    const char *explicit_plan = "一、2022年工作回顾\n……\n二、2023年工作安排\n今年是开局之年。";
    assert_int_equal(bg_plan_year(facts_rules, explicit_plan, strlen(explicit_plan), 2022, 12), 2023);
    const char *next = "明年全区经济社会发展的主要预期目标是:地区生产总值增长8%。";
    assert_int_equal(bg_plan_year(facts_rules, next, strlen(next), 2021, 12), 2022); /* delivered in December */
    const char *this = "今年的主要预期目标是:地区生产总值增长6%。";
    assert_int_equal(bg_plan_year(facts_rules, this, strlen(this), 2023, 1), 2023);
    assert_int_equal(bg_plan_year(facts_rules, this, strlen(this), 2023, 3), 2023);
    /* a five-year goal is not the plan's year */
    const char *goal = "到2025年主要目标是:经济总量翻番。明年工作。";
    assert_int_equal(bg_plan_year(facts_rules, goal, strlen(goal), 2020, 12), 2021);
    assert_int_equal(bg_plan_year(facts_rules, this, strlen(this), 0, 0), 0);
    /* the report's voice and 经济社会发展 between the year and the marker */
    const char *quoted = "报告提出，2024年全市经济社会发展主要预期目标是：地区生产总值增长5.5%左右。";
    assert_int_equal(bg_plan_year(facts_rules, quoted, strlen(quoted), 0, 0), 2024);
    const char *province = "2019年全省经济社会发展的主要预期目标是：生产总值增长7%。";
    assert_int_equal(bg_plan_year(facts_rules, province, strlen(province), 0, 0), 2019);
}

static bg_facts facts_of(const char *s, bg_text *t)
{
    char msg[64];
    assert_int_equal(bg_clean_text(NULL, s, strlen(s), t, msg, sizeof msg), BG_E_OK);
    bg_facts f;
    assert_int_equal(bg_facts_find(facts_rules, NULL, t, NULL, NULL, 0, NULL, &f), BG_E_OK);
    return f;
}

static void test_title_and_date(void **state)
{
    (void)state;
    bg_text t;
    bg_facts f = facts_of("（湖北省）宜昌市猇亭区人民政府工作报告（2023年1月31日"
                          "）\n\n  一年来,我们坚持务实重效。\n",
                          &t);
    assert_string_equal(f.title, "（湖北省）宜昌市猇亭区人民政府工作报告（2023年1月31日）"); /* as written
                                                                                              */
    assert_true(f.has_report_date);
    assert_int_equal(f.report_year, 2023);
    assert_int_equal(f.report_month, 1);
    assert_int_equal(f.report_day, 31);
    assert_int_equal(f.plan_year, 2023);
    assert_string_equal(f.doc_type, "work_report");
    bg_facts_free(&f);
    bg_text_free(&t);

    /* a session line under the title dates the report; December plans next year
     */
    f = facts_of("某某市人民政府工作报告\n——2021年12月20日在某某市第十届人民代表"
                 "大会第一次会议上\n各位代表:明年工作。\n",
                 &t);
    assert_true(f.has_report_date);
    assert_int_equal(f.report_month, 12);
    assert_int_equal(f.plan_year, 2022);
    bg_facts_free(&f);
    bg_text_free(&t);

    /* 2022年政府工作报告 in the title is that year's plan */
    f = facts_of("某某区2022年政府工作报告\n\n  各位代表:\n", &t);
    assert_int_equal(f.plan_year, 2022);
    assert_false(f.has_report_date);
    bg_facts_free(&f);
    bg_text_free(&t);
}

static void test_headline_and_excerpt(void **state)
{
    (void)state;
    bg_text t;
    bg_facts f = facts_of("培育名城\n\n某某日报\n\n2021年12月31日 星期五\n\n发愤图强 重振雄风\n\n"
                          "——市长所作《政府工作报告》解读\n\n记者/某某\n\n数说2022年工作重点\n",
                          &t);
    assert_string_equal(f.title, "发愤图强 重振雄风");
    assert_string_equal(f.doc_type, "interpretation");
    assert_false(f.has_report_date); /* the paper's date is not the session's */
    assert_int_equal(f.plan_year, 2022);
    bg_facts_free(&f);
    bg_text_free(&t);

    f = facts_of("二、2023年工作安排\n\n  各位代表!工业是立县之本。\n", &t);
    assert_null(f.title);
    assert_int_equal(f.plan_year, 2023);
    assert_string_equal(f.doc_type, "work_report");
    bg_facts_free(&f);
    bg_text_free(&t);

    /* an excerpt of the plan: a work heading and the plan's voice */
    f = facts_of("（三）坚定不移推进乡村振兴\n2022年，沭阳县将坚持农业农村优先发展。"
                 "新建高标准农田8万亩。\n到2025年将建成示范区。\n",
                 &t);
    assert_int_equal(f.plan_year, 2022);
    assert_string_equal(f.doc_type, "work_report");
    bg_facts_free(&f);
    bg_text_free(&t);

    /* a session date written in words */
    f = facts_of("政府工作报告\n——二〇二二年一月十日在昆明市第十五届人民代表大会第一次会议上\n各位代表：\n", &t);
    assert_true(f.has_report_date);
    assert_int_equal(f.report_year, 2022);
    assert_int_equal(f.report_month, 1);
    assert_int_equal(f.report_day, 10);
    bg_facts_free(&f);
    bg_text_free(&t);
    f = facts_of("政府工作报告\n（二○一九年十二月二十八日在区第三届人民代表大会第四次会议上）\n", &t);
    assert_true(f.has_report_date);
    assert_int_equal(f.report_year, 2019);
    assert_int_equal(f.report_month, 12);
    assert_int_equal(f.report_day, 28);
    bg_facts_free(&f);
    bg_text_free(&t);

    f = facts_of("天气预报\n\n明天晴。\n", &t);
    assert_null(f.title);
    assert_string_equal(f.doc_type, "other");
    bg_facts_free(&f);
    bg_text_free(&t);
}

static void test_hints(void **state)
{
    (void)state;
    const char *s = "二、2023年工作安排\n";
    bg_text t;
    char msg[64];
    assert_int_equal(bg_clean_text(NULL, s, strlen(s), &t, msg, sizeof msg), BG_E_OK);
    bg_facts f;
    assert_int_equal(bg_facts_find(facts_rules, NULL, &t, "某县政府工作报告", NULL, 2023, NULL, &f), BG_E_OK);
    assert_string_equal(f.title, "某县政府工作报告");
    assert_int_equal(f.report_year, 2023);
    bg_facts_free(&f);
    bg_text_free(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plan_year),
        cmocka_unit_test(test_title_and_date),
        cmocka_unit_test(test_headline_and_excerpt),
        cmocka_unit_test(test_hints),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
