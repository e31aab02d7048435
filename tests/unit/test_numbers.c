/* test_numbers.c — reading figures: decimals, ranges, 万/亿 units resolved to
 * base units, full-width forms (folded by the cleaner first), Chinese
 * numerals (十大, 两个, 一百二十, 百分之八) and the fixed phrases whose
 * numerals are names (两会, 十四五, 一带一路, 三农). */
#include "paths.h"
#include "text/clean.h"
#include "text/numbers.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static bg_units units;
static bg_words seps;
static cJSON *root;

static int setup(void **state)
{
    (void)state;
    size_t size;
    char *bytes = bg_read_file(BG_TEST_SOURCE_DIR "/config/rules/gov_work_report.json", &size);
    root = cJSON_ParseWithLength(bytes, size);
    free(bytes);
    bg_problems p = {0};
    bool ok =
        root && bg_units_load(&units, root, "gov_work_report.json", &p) &&
        bg_words_load_array(
            &seps, cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(root, "qualifiers"), "range"),
            "gov_work_report.json", "qualifiers.range", &p);
    bg_problems_free(&p);
    return ok ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    bg_units_free(&units);
    bg_words_free(&seps);
    cJSON_Delete(root);
    return 0;
}

static bool quantity(const char *s, bg_quantity *q)
{
    return bg_quantity_at(&units, &seps, s, strlen(s), 0, q);
}

static void test_decimals(void **state)
{
    (void)state;
    double v;
    assert_int_equal(bg_parse_decimal("8.5%", 4, 0, &v), 3);
    assert_true(fabs(v - 8.5) < 1e-12);
    assert_int_equal(bg_parse_decimal("150.92亿", 10, 0, &v), 6);
    assert_true(fabs(v - 150.92) < 1e-12);
    /* a sentence-final dot is not a decimal point */
    assert_int_equal(bg_parse_decimal("8.", 2, 0, &v), 1);
    /* no thousands separators: a folded ， between figures is a clause break */
    assert_int_equal(bg_parse_decimal("8,100", 5, 0, &v), 1);
    assert_int_equal(bg_parse_decimal("abc", 3, 0, &v), 0);
}

static void test_units_and_base(void **state)
{
    (void)state;
    bg_quantity q;
    assert_true(quantity("110亿元以上", &q));
    assert_string_equal(q.unit->name, "亿元");
    assert_string_equal(q.unit->base, "元");
    assert_true(fabs(q.value * q.unit->factor - 11000000000.0) < 1e-3);
    assert_true(quantity("5.2万人", &q));
    assert_true(fabs(q.value * q.unit->factor - 52000) < 1e-6);
    assert_true(quantity("3.6万人次", &q)); /* the longest unit wins */
    assert_string_equal(q.unit->name, "万人次");
    assert_true(quantity("80万吨/年", &q));
    assert_string_equal(q.unit->base, "吨/年");
    assert_true(quantity("1个百分点", &q));
    assert_string_equal(q.unit->name, "pp");
    assert_true(quantity("1.95平方公里", &q));
    assert_string_equal(q.unit->name, "平方公里");
    assert_true(quantity("1.8以内", &q)); /* a bare ratio */
    assert_null(q.unit);
}

static void test_ranges(void **state)
{
    (void)state;
    bg_quantity q;
    const char *cases[] = {"6%—6.5%", "6%-7%", "6~7%", "6.5%至7%", "4.5-5%"};
    double lo[] = {6, 6, 6, 6.5, 4.5}, hi[] = {6.5, 7, 7, 7, 5};
    for (size_t i = 0; i < 5; i++) {
        assert_true(quantity(cases[i], &q));
        assert_true(q.has_max);
        assert_true(fabs(q.value - lo[i]) < 1e-12 && fabs(q.value_max - hi[i]) < 1e-12);
        assert_string_equal(q.unit->name, "%");
    }
    /* 到 before a year is no range */
    assert_true(quantity("8%到2025年", &q));
    assert_false(q.has_max);
}

static void test_fullwidth_through_cleaner(void **state)
{
    (void)state;
    const char *src = "增长６．５％左右";
    bg_text t;
    char msg[128];
    assert_int_equal(bg_clean_text(NULL, src, strlen(src), &t, msg, sizeof msg), BG_E_OK);
    bg_quantity q;
    size_t at = strlen("增长");
    assert_true(bg_quantity_at(&units, &seps, t.text, t.length, at, &q));
    assert_true(fabs(q.value - 6.5) < 1e-12);
    assert_string_equal(q.unit->name, "%");
    bg_text_free(&t);
}

static void test_chinese_numerals(void **state)
{
    (void)state;
    double v;
    const char *s = "一百二十";
    assert_int_equal(bg_parse_chinese_numeral(s, strlen(s), 0, &v), strlen(s));
    assert_true(v == 120);
    s = "十大";
    assert_int_equal(bg_parse_chinese_numeral(s, strlen(s), 0, &v), 3);
    assert_true(v == 10);
    s = "两个";
    assert_int_equal(bg_parse_chinese_numeral(s, strlen(s), 0, &v), 3);
    assert_true(v == 2);
    s = "二十三";
    bg_parse_chinese_numeral(s, strlen(s), 0, &v);
    assert_true(v == 23);
    bg_quantity q;
    assert_true(quantity("两个", &q));
    assert_true(q.value == 2 && q.chinese);
    assert_string_equal(q.unit->name, "个");
    assert_true(quantity("百分之八", &q));
    assert_true(q.value == 8);
    assert_string_equal(q.unit->name, "%");
    assert_false(quantity("三元", &q)); /* Chinese numerals only before a counting unit */
    assert_false(quantity("十大", &q));
}

/* 百分之 with a Chinese fraction: 百分之六点五 is 6.5%; 点 elsewhere is a
 * time (八点), never a decimal point. */
static void test_chinese_percent_fraction(void **state)
{
    (void)state;
    bg_quantity q;
    assert_true(quantity("百分之六点五左右", &q));
    assert_true(fabs(q.value - 6.5) < 1e-9);
    assert_string_equal(q.unit->name, "%");
    assert_int_equal(q.end, strlen("百分之六点五"));
    assert_true(quantity("百分之十二点二五", &q));
    assert_true(fabs(q.value - 12.25) < 1e-9);
    assert_false(quantity("八点五个", &q));
}

static void test_fixed_phrases(void **state)
{
    (void)state;
    const char *cases[] = {"两会特别报道", "十四五规划", "一带一路建设", "三农工作", "践行“两个维护”"};
    for (size_t i = 0; i < 5; i++) {
        const char *s = cases[i];
        size_t at = strstr(s, "两") == s || strstr(s, "十") == s || strstr(s, "一") == s || strstr(s, "三") == s
                        ? 0
                        : (size_t)(strstr(s, "两") - s);
        double v;
        size_t end = bg_parse_chinese_numeral(s, strlen(s), at, &v);
        assert_true(end > at);
        assert_true(bg_chinese_numeral_is_phrase(s, strlen(s), at, end));
    }
    bg_quantity q;
    const char *s = "衷心拥护“两个确立”";
    assert_false(bg_quantity_at(&units, &seps, s, strlen(s), strlen("衷心拥护“"), &q));
    s = "力争引进两个高层次人才团队";
    assert_true(bg_quantity_at(&units, &seps, s, strlen(s), strlen("力争引进"), &q));
    assert_true(q.value == 2);
}

static void test_not_quantities(void **state)
{
    (void)state;
    bg_quantity q;
    assert_false(quantity("2022年", &q)); /* a year */
    const char *s = "PM2.5浓度";
    assert_false(bg_quantity_at(&units, &seps, s, strlen(s), 2, &q)); /* glued to letters */
    assert_false(quantity("5G基站", &q));
}

static void test_units_validation(void **state)
{
    (void)state;
    cJSON *bad = cJSON_Parse("{\"units\": [{\"text\": \"亿元\", \"base\": \"元\", \"factor\": -1}]}");
    bg_units u;
    bg_problems p = {0};
    assert_false(bg_units_load(&u, bad, "gov_work_report.json", &p));
    assert_int_equal(p.count, 1);
    assert_non_null(strstr(p.items[0], "gov_work_report.json: units[0].factor"));
    bg_problems_free(&p);
    cJSON_Delete(bad);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_decimals),         cmocka_unit_test(test_units_and_base),
        cmocka_unit_test(test_ranges),           cmocka_unit_test(test_fullwidth_through_cleaner),
        cmocka_unit_test(test_chinese_numerals), cmocka_unit_test(test_chinese_percent_fraction),
        cmocka_unit_test(test_fixed_phrases),    cmocka_unit_test(test_not_quantities),
        cmocka_unit_test(test_units_validation),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
