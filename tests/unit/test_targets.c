/* test_targets.c — one test per phrasing of the year's main targets.
 * The gold passages of tests/gold/phrasings.json each run as their own test
 * (cleaned with bg_clean_text, read with the shipped rules) and must match
 * the gold rows exactly; more phrasings from the extraction issue follow as
 * literals. */
#include "extract/targets.h"
#include "text/clean.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "read_json.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static cJSON *rules_root;
static cJSON *phrasings;
static bg_targets_rules *rules;

static int setup(void **state)
{
    (void)state;
    rules_root = read_json(BG_TEST_SOURCE_DIR "/config/rules/gov_work_report.json");
    phrasings = read_json(BG_TEST_SOURCE_DIR "/tests/gold/phrasings.json");
    bg_problems problems = {0};
    rules = bg_targets_rules_load(rules_root, "gov_work_report.json", &problems);
    for (size_t i = 0; i < problems.count; i++)
        fprintf(stderr, "%s\n", problems.items[i]);
    bg_problems_free(&problems);
    return rules_root && phrasings && rules ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    bg_targets_rules_free(rules);
    cJSON_Delete(rules_root);
    cJSON_Delete(phrasings);
    return 0;
}

typedef struct extracted {
    bg_rowset *set;
    bg_text text;
    size_t count;
} extracted;

static void extract(const char *utf8, int plan_year, extracted *e)
{
    const bg_table_schema *schema = bg_builtin_table(BG_TABLE_TARGETS);
    e->set = bg_rowset_new(1, &schema);
    char msg[256];
    assert_int_equal(bg_clean_text(NULL, utf8, strlen(utf8), &e->text, msg, sizeof msg), BG_E_OK);
    bg_breaks breaks;
    bg_doc doc;
    assert_int_equal(bg_doc_for_text(&e->text, "0123456789abcdef", plan_year, &breaks, &doc), BG_E_OK);
    bg_span passages[16];
    bool used[16];
    size_t count = bg_targets_passages(rules, &doc, passages, 16);
    long rows = bg_targets_extract(rules, &doc, passages, count, used, e->set, 0);
    bg_breaks_free(&breaks);
    assert_true(rows >= 0);
    e->count = (size_t)rows;
    assert_int_equal(bg_rowset_count(e->set, 0), e->count);
}

static void release(extracted *e)
{
    bg_rowset_free(e->set);
    bg_text_free(&e->text);
}

static const bg_cell *cell(extracted *e, size_t row, const char *column)
{
    int i = bg_column_index(bg_builtin_table(BG_TABLE_TARGETS), column);
    assert_true(i >= 0);
    return &bg_rowset_row(e->set, 0, row)[i];
}

static const char *text_of(extracted *e, size_t row, const char *column)
{
    const bg_cell *c = cell(e, row, column);
    return c->type == BG_TYPE_TEXT ? c->as.text.data : "";
}

static void dump(extracted *e)
{
    for (size_t i = 0; i < e->count; i++) {
        const bg_cell *v = cell(e, i, "value");
        fprintf(stderr, "  row %zu: %s [%s] %s %g %s %s [%s] ref=[%s] asp=[%s] <%s>\n", i, text_of(e, i, "indicator"),
                text_of(e, i, "indicator_text"), text_of(e, i, "kind"), v->type == BG_TYPE_REAL ? v->as.real : NAN,
                text_of(e, i, "unit"), text_of(e, i, "qualifier"), text_of(e, i, "qualifier_text"),
                text_of(e, i, "reference"), text_of(e, i, "aspiration"), text_of(e, i, "sentence"));
    }
}

/* Every field the gold gives must be equal, row by row in order. */
static void check_gold(const char *key)
{
    const cJSON *doc = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(phrasings, "documents"), key);
    assert_non_null(doc);
    extracted e;
    extract(cJSON_GetObjectItemCaseSensitive(doc, "text")->valuestring, 0, &e);
    const cJSON *gold = cJSON_GetObjectItemCaseSensitive(doc, "targets");
    if ((size_t)cJSON_GetArraySize(gold) != e.count) {
        fprintf(stderr, "%s: expected %d targets, got %zu\n", key, cJSON_GetArraySize(gold), e.count);
        dump(&e);
    }
    assert_int_equal(e.count, (size_t)cJSON_GetArraySize(gold));
    size_t row = 0;
    const cJSON *t;
    cJSON_ArrayForEach(t, gold)
    {
        const cJSON *field;
        cJSON_ArrayForEach(field, t)
        {
            const bg_cell *c = cell(&e, row, field->string);
            bool ok;
            if (cJSON_IsNull(field))
                ok = c->type == BG_TYPE_NULL;
            else if (cJSON_IsNumber(field))
                ok = c->type == BG_TYPE_REAL && fabs(c->as.real - field->valuedouble) < 1e-9;
            else
                ok = strcmp(text_of(&e, row, field->string), field->valuestring) == 0;
            if (!ok) {
                fprintf(stderr, "%s: row %zu: %s differs\n", key, row, field->string);
                dump(&e);
            }
            assert_true(ok);
        }
        row++;
    }
    release(&e);
}

#define GOLD_TEST(name)                                                                                                \
    static void test_##name(void **state)                                                                              \
    {                                                                                                                  \
        (void)state;                                                                                                   \
        check_gold(#name ".txt");                                                                                      \
    }
GOLD_TEST(fullwidth_basic)
GOLD_TEST(gdp_parenthesis)
GOLD_TEST(range_emdash)
GOLD_TEST(range_percent_once)
GOLD_TEST(range_zhi)
GOLD_TEST(fenbie_pairs)
GOLD_TEST(fenbie_shared_qualifier)
GOLD_TEST(jun_distributes)
GOLD_TEST(aspiration)
GOLD_TEST(controls)
GOLD_TEST(control_about)
GOLD_TEST(not_lower)
GOLD_TEST(relations)
GOLD_TEST(qizhong)
GOLD_TEST(growth_and_level)
GOLD_TEST(declines)
GOLD_TEST(economy_growth_as_gdp)
GOLD_TEST(percentage_points)
GOLD_TEST(lead_in_broken)
GOLD_TEST(number_split_by_newline)
GOLD_TEST(qualitative_not_targets)
GOLD_TEST(five_year_not_this_year)
GOLD_TEST(review_not_target)
GOLD_TEST(no_numbers)
GOLD_TEST(unknown_indicator)
GOLD_TEST(half_width_ascii)
GOLD_TEST(older_names)

/* ---- phrasings of the issue not in the gold file ----------------------------
 */

static void expect_one(const char *utf8, const char *indicator, const char *kind, double value, const char *unit,
                       const char *qualifier, const char *qualifier_text)
{
    extracted e;
    extract(utf8, 0, &e);
    if (e.count != 1)
        dump(&e);
    assert_int_equal(e.count, 1);
    assert_string_equal(text_of(&e, 0, "indicator"), indicator);
    assert_string_equal(text_of(&e, 0, "kind"), kind);
    assert_true(fabs(cell(&e, 0, "value")->as.real - value) < 1e-9);
    assert_string_equal(text_of(&e, 0, "unit"), unit);
    assert_string_equal(text_of(&e, 0, "qualifier"), qualifier);
    assert_string_equal(text_of(&e, 0, "qualifier_text"), qualifier_text);
    release(&e);
}

static void test_range_hyphen(void **state)
{
    (void)state;
    expect_one("主要预期目标是：地区生产总值增长6%-7%。", "gdp", "growth", 6, "%", "range", "-");
}

static void test_range_fullwidth_tilde(void **state)
{
    (void)state;
    /* 6～7% folds to 6~7%; the qualifier text is quoted as written */
    expect_one("主要预期目标是：地区生产总值增长６～７％。", "gdp", "growth", 6, "%", "range", "～");
    extracted e;
    extract("主要预期目标是：地区生产总值增长６～７％。", 0, &e);
    assert_true(fabs(cell(&e, 0, "value_max")->as.real - 7) < 1e-9);
    assert_string_equal(text_of(&e, 0, "indicator_text"), "地区生产总值");
    release(&e);
}

static void test_better_results_clause(void **state)
{
    (void)state;
    expect_one("今年主要预期目标是：地区生产总值增长7%左右，在实际工作中争取更好结果。", "gdp", "growth", 7, "%",
               "about", "左右");
}

static void test_aspiration_column(void **state)
{
    (void)state;
    extracted e;
    extract("主要预期目标是：地区生产总值力争增长9%。", 0, &e);
    assert_int_equal(e.count, 1);
    assert_string_equal(text_of(&e, 0, "aspiration"), "力争");
    release(&e);
}

static void test_jun_without_list(void **state)
{
    (void)state;
    expect_one("主要预期目标是：城乡居民收入均增长8%。", "resident_income", "growth", 8, "%", "exact", "");
}

static void test_pp_decline(void **state)
{
    (void)state;
    expect_one("主要预期目标是：城镇登记失业率下降0.5个百分点。", "registered_unemployment_rate", "change", -0.5, "pp",
               "exact", "");
}

static void expect_rows(const char *utf8, const char *const *want, size_t count);

/* The phrasings real reports use that the issue of 2026-12 lists, one by
 * one, in full-width punctuation as most reports have them. */
static void test_real_report_phrasings(void **state)
{
    (void)state;
    expect_one("今年的主要预期目标是：地区生产总值按增长6%安排。", "gdp", "growth", 6, "%", "exact", "");
    expect_one("主要预期目标是：地区生产总值预期增长目标7%左右。", "gdp", "growth", 7, "%", "about", "左右");
    expect_one("主要预期目标是：地方财政收入超8亿。", "local_general_budget_revenue", "level", 8, "亿", "above", "超");
    expect_one("主要预期目标是：一般公共预算收入在上年基数（3.2亿元）的基础上增长9%。", "general_budget_revenue",
               "growth", 9, "%", "exact", "");
    expect_one("主要预期目标是：粮食产量保持在1.2万亿斤以上。", "grain_output", "level", 1.2, "万亿斤", "at_least",
               "以上");
    expect_one("主要预期目标是：农村贫困人口减少800万以上。", "rural_poor_population", "change", -800, "万",
               "at_most", "以上");
    expect_one("主要预期目标是：居民消费价格涨幅不高于上年。", "cpi", "relation", 0, "", "at_most", "不高于");
    expect_one("主要预期目标是：[2]地区生产总值增长6%。", "gdp", "growth", 6, "%", "exact", "");
    static const char *const range[] = {"gdp growth 5.5 range %"};
    expect_rows("主要预期目标是：地区生产总值增长5.5-6%。", range, 1);
    static const char *const cut[] = {"cod_emissions growth -5 exact %", "so2_emissions growth -2.3 exact %"};
    expect_rows("主要预期目标是：化学需氧量、二氧化硫排放量分别削减5%和2.3%。", cut, 2);
    static const char *const above[] = {"industrial_value_added relation", "fixed_asset_investment relation"};
    expect_rows("主要预期目标是：工业增加值、固定资产投资等主要指标增速均高于全省平均水平。", above, 2);
    /* counts of tasks and slogans, last year's targets quoted in the review,
     * five-year and 年均 goals: no targets */
    static const char *const none[] = {
        "主要预期目标是：坚持三个原则，用好两个市场，重点做好以下几个方面工作。",
        "主要预期目标是：地区生产总值年均增长7%，到2035年人均地区生产总值翻一番。",
        "过去一年，全市地区生产总值增长6.8%（年初目标7%左右），未完成10%的预期目标。",
    };
    for (size_t i = 0; i < sizeof none / sizeof *none; i++) {
        extracted e;
        extract(none[i], 0, &e);
        if (e.count)
            dump(&e);
        assert_int_equal(e.count, 0);
        release(&e);
    }
}

/* The target as written beside its signed value: what the XLSX shows. */
static void test_value_text(void **state)
{
    (void)state;
    extracted e;
    extract("主要预期目标是：单位地区生产总值能耗下降3%以上，城镇调查失业率控制在5.5%以内，城乡居民人均可支配收入分别增长7%"
            "和8%。",
            0, &e);
    assert_int_equal(e.count, 4);
    assert_true(cell(&e, 0, "value")->as.real == -3);
    assert_string_equal(text_of(&e, 0, "qualifier"), "at_most");
    assert_string_equal(text_of(&e, 0, "value_text"), "下降3%以上");
    assert_string_equal(text_of(&e, 1, "value_text"), "控制在5.5%以内");
    assert_string_equal(text_of(&e, 2, "value_text"), "分别增长7%");
    assert_string_equal(text_of(&e, 3, "value_text"), "8%");
    release(&e);
}

static void test_below_city_average(void **state)
{
    (void)state;
    extracted e;
    extract("主要预期目标是：城镇调查失业率低于全市平均水平。", 0, &e);
    assert_int_equal(e.count, 1);
    assert_string_equal(text_of(&e, 0, "kind"), "relation");
    assert_string_equal(text_of(&e, 0, "qualifier"), "below");
    assert_string_equal(text_of(&e, 0, "reference"), "全市平均水平");
    assert_int_equal(cell(&e, 0, "value")->type, BG_TYPE_NULL);
    release(&e);
}

static void test_above_growth(void **state)
{
    (void)state;
    extracted e;
    extract("主要预期目标是：居民收入增长高于经济增长。", 0, &e);
    assert_int_equal(e.count, 1);
    assert_string_equal(text_of(&e, 0, "indicator"), "resident_income");
    assert_string_equal(text_of(&e, 0, "qualifier"), "above");
    assert_string_equal(text_of(&e, 0, "reference"), "经济增长");
    release(&e);
}

static void test_not_more_than(void **state)
{
    (void)state;
    expect_one("主要预期目标为：居民消费价格涨幅不超过3%。", "cpi", "growth", 3, "%", "at_most", "不超过");
}

static void test_percent_words(void **state)
{
    (void)state;
    expect_one("主要预期目标是：地区生产总值增长百分之八左右。", "gdp", "growth", 8, "%", "about", "左右");
}

static void test_region_prefix(void **state)
{
    (void)state;
    expect_one("主要预期目标是：全市地区生产总值增长6%以上。", "gdp", "growth", 6, "%", "at_least", "以上");
}

static void test_year_before_plan_is_review(void **state)
{
    (void)state;
    extracted e;
    extract("2021年主要预期目标是：地区生产总值增长8%。", 2022, &e);
    assert_int_equal(e.count, 0);
    release(&e);
    extract("2022年主要预期目标是：地区生产总值增长8%。", 2022, &e);
    assert_int_equal(e.count, 1);
    assert_int_equal(cell(&e, 0, "plan_year")->as.integer, 2022);
    release(&e);
}

static void test_outlook_by_2030(void **state)
{
    (void)state;
    extracted e;
    extract("主要预期目标是：地区生产总值增长6%，到2030年常住人口城镇化率达到78%"
            "左右。",
            0, &e);
    assert_int_equal(e.count, 1);
    assert_string_equal(text_of(&e, 0, "indicator"), "gdp");
    release(&e);
}

static void test_sentence_and_offset(void **state)
{
    (void)state;
    extracted e;
    extract("主要预期目标是：地区生产总值（GDP）增长７％左右。", 0, &e);
    assert_int_equal(e.count, 1);
    assert_string_equal(text_of(&e, 0, "sentence"), "地区生产总值（GDP）增长７％左右");
    assert_string_equal(text_of(&e, 0, "indicator_text"), "地区生产总值（GDP）");
    assert_int_equal(cell(&e, 0, "offset")->as.integer, 8);
    release(&e);
}

static void test_urban_rural_respectively(void **state)
{
    (void)state;
    extracted e;
    extract("主要预期目标是：城乡居民人均可支配收入分别增长6.5%和7%。", 0, &e);
    assert_int_equal(e.count, 2);
    assert_string_equal(text_of(&e, 0, "indicator"), "urban_resident_income");
    assert_string_equal(text_of(&e, 1, "indicator"), "rural_resident_income");
    assert_true(fabs(cell(&e, 1, "value")->as.real - 7) < 1e-9);
    release(&e);
}

static void test_more_units_and_prefixes(void **state)
{
    (void)state;
    extracted e;
    extract("主要预期目标是：一是实现城镇新增就业1."
            "2万人；二是粮食产量稳定在124亿斤以上；"
            "PM2.5平均浓度控制在35微克/立方米以内。",
            0, &e);
    if (e.count != 3)
        dump(&e);
    assert_int_equal(e.count, 3);
    assert_string_equal(text_of(&e, 0, "indicator"), "new_urban_jobs");
    assert_string_equal(text_of(&e, 1, "indicator"), "grain_output");
    assert_string_equal(text_of(&e, 1, "unit"), "亿斤");
    assert_string_equal(text_of(&e, 1, "qualifier"), "at_least");
    assert_string_equal(text_of(&e, 2, "indicator"), "pm25");
    assert_string_equal(text_of(&e, 2, "qualifier"), "at_most");
    release(&e);
}

static void test_lines_of_targets(void **state)
{
    (void)state;
    extracted e;
    extract("今年主要预期目标是：\n地区生产总值增长6%"
            "左右；\n一般公共预算收入增长5%；\n城镇调查失业率5.5%以内。\n"
            "为实现上述目标，新增就业岗位2万个。",
            0, &e);
    if (e.count != 3)
        dump(&e);
    assert_int_equal(e.count, 3);
    assert_string_equal(text_of(&e, 2, "qualifier"), "at_most");
    release(&e);
}

/* Without any line break the passage still ends where the text says: at
 * the first sentence that states no target, at an inline heading, at the
 * phrase that opens the tasks; and sentences that go on stating targets
 * belong to it. */
static void test_passage_without_breaks(void **state)
{
    (void)state;
    static const char *const texts[] = {
        "二、2023年工作安排今年主要预期目标是：地区生产总值增长6%左右，一般公共预算收入增长5%。"
        "这些目标充分考虑了需要与可能。新增规上工业企业30家，固定资产投资增长12%。",
        "二、2023年工作安排今年主要预期目标是：地区生产总值增长6%左右，一般公共预算收入增长5%。"
        "（一）加快产业升级。固定资产投资增长12%，新增规上工业企业30家。",
        "二、2023年工作安排今年主要预期目标是：地区生产总值增长6%左右，一般公共预算收入增长5%。"
        "重点抓好以下几个方面工作：一是固定资产投资增长12%。",
        "二、2023年工作安排今年主要预期目标是：地区生产总值增长6%左右，一般公共预算收入增长5%。"
        "三、加快产业升级固定资产投资增长12%。",
    };
    for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
        extracted e;
        extract(texts[i], 0, &e);
        if (e.count != 2)
            dump(&e);
        assert_int_equal(e.count, 2);
        assert_string_equal(text_of(&e, 1, "indicator"), "general_budget_revenue");
        release(&e);
    }
    /* …and a sentence that goes on stating targets is part of it */
    extracted e;
    extract("今年主要预期目标是：地区生产总值增长6%左右。一般公共预算收入增长5%，城镇调查失业率5.5%以内。"
            "这些目标充分考虑了需要与可能。",
            0, &e);
    assert_int_equal(e.count, 3);
    release(&e);
}

/* Rows as "indicator kind value qualifier", in order; unit when given as a
 * fifth word. */
static void expect_rows(const char *utf8, const char *const *want, size_t count)
{
    extracted e;
    extract(utf8, 0, &e);
    if (e.count != count)
        dump(&e);
    assert_int_equal(e.count, count);
    for (size_t i = 0; i < count; i++) {
        char got[256];
        const bg_cell *v = cell(&e, i, "value");
        snprintf(got, sizeof got, "%s %s %g %s %s", text_of(&e, i, "indicator"), text_of(&e, i, "kind"),
                 v->type == BG_TYPE_REAL ? v->as.real : NAN, text_of(&e, i, "qualifier"), text_of(&e, i, "unit"));
        if (strncmp(got, want[i], strlen(want[i])) != 0) {
            fprintf(stderr, "row %zu: got '%s', want '%s'\n", i, got, want[i]);
            dump(&e);
        }
        assert_true(strncmp(got, want[i], strlen(want[i])) == 0);
    }
    release(&e);
}

/* 增长6%以上，力争7%: the firm figure is the target, the hoped-for one is not
 * a second row, whether in its own clause or after 、. */
static void test_aspiration_after_firm_figure(void **state)
{
    (void)state;
    static const char *const want[] = {"gdp growth 6 at_least", "general_budget_revenue growth 5 at_least",
                                       "gdp growth 7 exact"};
    expect_rows("主要预期目标是：地区生产总值增长6%以上，力争7%；一般公共预算收入增长5%以上、力争增长6%；"
                "GDP力争增长7%。",
                want, 3);
}

/* 主要预期目标是： on its own line, then one target a numbered line, each
 * ending with 。 (1. （1） ① 一是); the work headings after it end the list. */
static void test_numbered_target_lines(void **state)
{
    (void)state;
    static const char *const want[] = {"gdp growth 7.5 about", "industrial_value_added growth 8 exact",
                                       "fixed_asset_investment growth 10 exact", "retail_sales growth 9 exact",
                                       "general_budget_revenue growth 5 exact"};
    expect_rows("全年主要预期目标是：\n1.地区生产总值增长7.5%左右。\n2.规上工业增加值增长8%。\n"
                "（3）固定资产投资增长10%。\n④社会消费品零售总额增长9%。\n五是一般公共预算收入增长5%。\n"
                "全年重点抓好以下工作：\n（一）聚力实体经济。新增规上工业企业100家以上。",
                want, 5);
    /* a lead-in that does not end its line opens no list */
    static const char *const one[] = {"gdp growth 7 exact"};
    expect_rows("主要预期目标是：地区生产总值增长7%。\n1.新增规上工业企业100家。", one, 1);
}

/* 分别 with one figure a subject, 均 with one figure: subjects outside the
 * dictionary are still rows (other), paired in order. */
static void test_unknown_subjects_in_lists(void **state)
{
    (void)state;
    static const char *const want[] = {"cod_emissions growth -2 exact",
                                       "ammonia_nitrogen_emissions growth -2 exact",
                                       "so2_emissions growth -1.5 exact",
                                       "nox_emissions growth -1.5 exact",
                                       "fiscal_revenue growth 6.5 exact",
                                       "general_budget_revenue growth 6.5 exact",
                                       "other growth -3 exact",
                                       "other growth -4 exact"};
    expect_rows("主要预期目标是：化学需氧量、氨氮、二氧化硫、氮氧化物排放量分别下降2%、2%、1.5%、1.5%；"
                "财政总收入和一般公共预算收入均增长6.5%；挥发性有机物、总磷排放量分别削减3%和4%。",
                want, 8);
}

/* 城乡…增长6%、7.5% without 分别: two figures of one unit, town then country;
 * 城镇和农村牧区…: a 区 inside joined subjects is not a region name. */
static void test_urban_rural_pairs(void **state)
{
    (void)state;
    static const char *const want[] = {
        "urban_resident_income growth 6 exact",   "rural_resident_income growth 7.5 exact",
        "urban_resident_income growth 6 exact",   "rural_resident_income growth 8 exact",
        "urban_resident_income growth 7.5 exact", "rural_resident_income growth 7.5 exact",
        "resident_income growth 7 range"};
    expect_rows(
        "主要预期目标是：城乡居民人均可支配收入增长6%、7.5%；城镇和农村牧区常住居民人均可支配收入分别增长6%、8%；"
        "城镇居民人均可支配收入和农村居民人均纯收入实际增长7.5%；城乡居民收入增长7%—8%。",
        want, 7);
}

/* Older and regional names, per mille, a figure inside a name, 年均浓度 (an
 * annual mean, not a multi-year average). */
static void test_older_names_and_units(void **state)
{
    (void)state;
    static const char *const want[] = {"population_growth level 6 at_most ‰",
                                       "energy_intensity growth -3.2 exact",
                                       "local_general_budget_revenue growth 16",
                                       "rural_resident_income growth 11",
                                       "fixed_asset_investment growth 15",
                                       "pm25 growth -5 about",
                                       "rd_intensity level 2.6 exact",
                                       "grain_output level 3.5 at_least 亿斤"};
    expect_rows(
        "今年的主要预期目标是：人口自然增长率控制在6‰以内，万元生产总值能耗下降3.2%，地方财政一般预算收入增长16%，"
        "农牧民人均纯收入增长11%，500万元以上固定资产投资增长15%，细颗粒物（PM2.5）年均浓度下降5%左右，"
        "全社会研究与试验发展经费支出占生产总值比重达到2.6%，粮食产量稳定在3.5亿斤以上。",
        want, 8);
    /* 年均增长 still marks a multi-year goal */
    expect_rows("主要预期目标是：地区生产总值年均增长6%左右。", NULL, 0);
}

/* 主要预期目标为： then one target a line, each marked with a dash or a
 * bullet and set apart by blank lines; the first unmarked line ends it. */
static void test_dashed_target_lines(void **state)
{
    (void)state;
    static const char *const want[] = {"gdp growth 6.5 about", "industrial_output growth 5 exact",
                                       "new_urban_jobs level 3.5 exact", "registered_unemployment_rate level 3.5",
                                       "resident_income relation"};
    expect_rows("全县经济社会发展的主要预期目标为：\n\n——地区生产总值增长6.5%左右；\n\n"
                "——规模以上工业总产值增长5%；\n\n● 城镇新增就业3.5万人，城镇登记失业率控制在3.5%以内；\n"
                "——居民人均可支配收入增长与经济增长同步。\n\n围绕上述目标，全年实施重点项目200个以上。\n\n"
                "——新建5G基站1000个。",
                want, 5);
}

/* Targets split over paragraphs that each open with a lead-in of their
 * own; a paragraph between them that is not one ends the passage. */
static void test_continued_paragraphs(void **state)
{
    (void)state;
    static const char *const want[] = {"gdp growth 5 at_least", "new_urban_jobs level 110 exact", "cpi growth 3 about"};
    expect_rows("今年的主要预期目标是：地区生产总值增长5%以上；外贸进出口保稳提质。\n\n"
                "民生和生态方面的预期目标是：城镇新增就业110万人，居民消费价格涨幅3%左右。\n\n"
                "（一）扩大内需。全年完成投资1万亿元以上。\n",
                want, 3);
    static const char *const first[] = {"gdp growth 5 at_least"};
    expect_rows("今年的主要预期目标是：地区生产总值增长5%以上。\n\n提出这一目标，主要考虑稳就业。\n\n"
                "社会方面的预期目标是：城镇新增就业110万人。\n",
                first, 1);
}

/* Families of names read by the rules' name patterns, not one wording each:
 * R&D over GDP in its many forms, PM2.5, 城市居民 for 城镇居民, 缩小到. */
static void test_name_families(void **state)
{
    (void)state;
    static const char *const want[] = {"rd_intensity level 2.6 exact",
                                       "rd_intensity level 3.8 exact",
                                       "rd_intensity level 4.2 at_least",
                                       "pm25 level 28 at_most",
                                       "pm25 level 33 exact",
                                       "urban_resident_income growth 12 at_least",
                                       "rural_resident_income growth 12 at_least",
                                       "urban_rural_income_ratio level 1.67 at_most",
                                       "gdp growth 7 about",
                                       "other growth -5 exact"};
    expect_rows("主要预期目标是：研究与试验发展经费支出相当于生产总值的比例达到2.6%；"
                "全社会研发投入占地区生产总值比重达到3.8%；科技研发投入占GDP的比重保持在4.2%以上；"
                "PM2.5年平均浓度控制在28微克/立方米以内；细颗粒物（PM2.5）平均浓度下降到33微克/立方米；"
                "城市居民人均可支配收入和农民人均纯收入分别增长12%以上；城乡居民收入比缩小到1.67以内；"
                "本地生产总值增长7%左右；万元GDP水耗下降5%。",
                want, 10);
}

/* R&D over GDP as older reports name it: 研究与发展 / 研究开发 / 科学研究与试验
 * 发展, and 相当于生产总值的 with no 比重 after it; a Chinese-numeral
 * percentage with a fraction (百分之六点五). */
static void test_rd_names_and_chinese_fraction(void **state)
{
    (void)state;
    static const char *const want[] = {"rd_intensity level 2.4 exact %", "rd_intensity level 2.6 exact %",
                                       "rd_intensity level 2.8 exact %", "rd_intensity level 2.9 exact %",
                                       "gdp growth 6.5 about %"};
    expect_rows("主要预期目标是：研究与试验发展经费支出相当于生产总值的2.4%；"
                "研究与发展经费支出占地区生产总值比重达到2.6%；研究开发经费占GDP比例达到2.8%；"
                "科学研究与试验发展经费投入强度达到2.9%；地区生产总值增长百分之六点五左右。",
                want, 5);
}

/* A PDF's line break inside a name is not part of indicator_text. */
static void test_name_broken_over_lines(void **state)
{
    (void)state;
    extracted e;
    extract("主要预期目标是：社会消费\n品零售总额增长10.5%；居民\n消费价格涨幅控制在3%左右。", 0, &e);
    assert_int_equal(e.count, 2);
    assert_string_equal(text_of(&e, 0, "indicator_text"), "社会消费品零售总额");
    assert_string_equal(text_of(&e, 1, "indicator_text"), "居民消费价格");
    release(&e);
}

static void test_loader_names_path(void **state)
{
    (void)state;
    cJSON *copy = cJSON_Duplicate(rules_root, 1);
    cJSON *indicators = cJSON_GetObjectItemCaseSensitive(copy, "indicators");
    cJSON_ReplaceItemInObjectCaseSensitive(cJSON_GetArrayItem(indicators, 3), "aliases", cJSON_CreateString("x"));
    cJSON_ReplaceItemInObjectCaseSensitive(cJSON_GetObjectItemCaseSensitive(copy, "targets"), "lead_in",
                                           cJSON_CreateString("(unclosed"));
    bg_problems problems = {0};
    assert_null(bg_targets_rules_load(copy, "gov_work_report.json", &problems));
    bool aliases = false, lead_in = false;
    for (size_t i = 0; i < problems.count; i++) {
        aliases = aliases || strstr(problems.items[i], "gov_work_report.json: indicators[3].aliases: "
                                                       "expected an array of strings");
        lead_in =
            lead_in || strstr(problems.items[i], "gov_work_report.json: targets.lead_in: pattern does not compile");
    }
    assert_true(aliases);
    assert_true(lead_in);
    bg_problems_free(&problems);
    cJSON_Delete(copy);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fullwidth_basic),
        cmocka_unit_test(test_gdp_parenthesis),
        cmocka_unit_test(test_range_emdash),
        cmocka_unit_test(test_range_percent_once),
        cmocka_unit_test(test_range_zhi),
        cmocka_unit_test(test_fenbie_pairs),
        cmocka_unit_test(test_fenbie_shared_qualifier),
        cmocka_unit_test(test_jun_distributes),
        cmocka_unit_test(test_aspiration),
        cmocka_unit_test(test_controls),
        cmocka_unit_test(test_control_about),
        cmocka_unit_test(test_not_lower),
        cmocka_unit_test(test_relations),
        cmocka_unit_test(test_qizhong),
        cmocka_unit_test(test_growth_and_level),
        cmocka_unit_test(test_declines),
        cmocka_unit_test(test_economy_growth_as_gdp),
        cmocka_unit_test(test_percentage_points),
        cmocka_unit_test(test_lead_in_broken),
        cmocka_unit_test(test_number_split_by_newline),
        cmocka_unit_test(test_qualitative_not_targets),
        cmocka_unit_test(test_five_year_not_this_year),
        cmocka_unit_test(test_review_not_target),
        cmocka_unit_test(test_no_numbers),
        cmocka_unit_test(test_unknown_indicator),
        cmocka_unit_test(test_half_width_ascii),
        cmocka_unit_test(test_older_names),
        cmocka_unit_test(test_range_hyphen),
        cmocka_unit_test(test_range_fullwidth_tilde),
        cmocka_unit_test(test_better_results_clause),
        cmocka_unit_test(test_aspiration_column),
        cmocka_unit_test(test_jun_without_list),
        cmocka_unit_test(test_pp_decline),
        cmocka_unit_test(test_value_text),
        cmocka_unit_test(test_real_report_phrasings),
        cmocka_unit_test(test_below_city_average),
        cmocka_unit_test(test_above_growth),
        cmocka_unit_test(test_not_more_than),
        cmocka_unit_test(test_percent_words),
        cmocka_unit_test(test_region_prefix),
        cmocka_unit_test(test_year_before_plan_is_review),
        cmocka_unit_test(test_outlook_by_2030),
        cmocka_unit_test(test_sentence_and_offset),
        cmocka_unit_test(test_urban_rural_respectively),
        cmocka_unit_test(test_more_units_and_prefixes),
        cmocka_unit_test(test_lines_of_targets),
        cmocka_unit_test(test_passage_without_breaks),
        cmocka_unit_test(test_loader_names_path),
        cmocka_unit_test(test_aspiration_after_firm_figure),
        cmocka_unit_test(test_numbered_target_lines),
        cmocka_unit_test(test_dashed_target_lines),
        cmocka_unit_test(test_continued_paragraphs),
        cmocka_unit_test(test_name_families),
        cmocka_unit_test(test_rd_names_and_chinese_fraction),
        cmocka_unit_test(test_name_broken_over_lines),
        cmocka_unit_test(test_unknown_subjects_in_lists),
        cmocka_unit_test(test_urban_rural_pairs),
        cmocka_unit_test(test_older_names_and_units),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
