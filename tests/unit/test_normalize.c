/* test_normalize.c — cleaning (clean.h, text.h): full-width folding and the
 * byte map back to the original, joining of line breaks inside a sentence
 * (and not after 。 or around headings and bullets), boilerplate patterns and
 * their compile errors. The samples' boilerplate is in test_extract_samples. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "clean.h"

#include <stdlib.h>
#include <string.h>

static bg_text clean(const bg_clean_rules *r, const char *s)
{
    bg_text t;
    char msg[128];
    assert_int_equal(bg_clean_text(r, s, strlen(s), &t, msg, sizeof msg), BG_E_OK);
    return t;
}

static void test_fold_and_map(void **state)
{
    (void)state;
    const char *s = "增长８．５％左右（ＧＤＰ）：　Ａ～Ｚ！";
    bg_text t = clean(NULL, s);
    assert_string_equal(t.text, "增长8.5%左右(GDP): A~Z!");
    assert_int_equal(t.map[t.length], strlen(s));
    /* "8.5%" quoted back is the full-width original */
    const char *at = strstr(t.text, "8.5%");
    size_t start = (size_t)(at - t.text);
    char *q = bg_text_quote(&t, start, start + 4);
    assert_string_equal(q, "８．５％");
    free(q);
    /* the whole text quotes as the original */
    q = bg_text_quote(&t, 0, t.length);
    assert_string_equal(q, s);
    free(q);
    /* code points, not bytes */
    assert_int_equal(bg_text_char_count(&t), 19);
    assert_int_equal(bg_text_char_offset(&t, start), 2);
    bg_text_free(&t);
}

static void test_nbsp_and_map_monotonic(void **state)
{
    (void)state;
    const char *s = "a\xC2\xA0"
                    "b\n\xE3\x80\x80\xE3\x80\x80正文。";
    bg_text t = clean(NULL, s);
    assert_string_equal(t.text, "a b\n  正文。");
    for (size_t i = 0; i < t.length; i++)
        assert_true(t.map[i] < t.map[i + 1]);
    bg_text_free(&t);
}

static void test_join_inside_sentence(void **state)
{
    (void)state;
    /* CJK|CJK, number|unit, CJK|digit, digit|% */
    bg_text t = clean(NULL, "正文第一行。\n完成投资1\n85亿元,主要预期目标\n是:"
                            "地区生产总值增长\n8.5\n%左右。");
    assert_string_equal(t.text, "正文第一行。\n完成投资185亿元,主要预期目标是:"
                                "地区生产总值增长8.5%左右。");
    /* the joined span quotes back with its line breaks, as written */
    const char *at = strstr(t.text, "185亿元");
    char *q = bg_text_quote(&t, (size_t)(at - t.text), (size_t)(at - t.text) + strlen("185亿元"));
    assert_string_equal(q, "1\n85亿元");
    free(q);
    bg_text_free(&t);
    /* the lead-in broken over lines, with spaces around the break */
    t = clean(NULL, "报告正文。\n今年全县经济社会发展的主要预期目标 \n "
                    "是：地区生产总值增长６％。");
    assert_string_equal(t.text, "报告正文。\n今年全县经济社会发展的主要预期目标是:地区生产总值增长6%。");
    bg_text_free(&t);
    /* a paragraph cut across an empty line */
    t = clean(NULL, "标题\n\n加快基础设施互联互通。加快长\n\n株潭高速外环线建设,打通通道。");
    assert_non_null(strstr(t.text, "加快长株潭高速"));
    bg_text_free(&t);
}

static void test_no_join(void **state)
{
    (void)state;
    /* after 。 ： ；, a title line, headings and bullets stay on their lines */
    const char *s = "某某县政府工作报告\n一、2023年工作安排\n今年是开局之年。\n主"
                    "要目标是:\n增长8%。\n"
                    "(一)壮大实体经济\n加快产业升级。\n抓好十大项目:\n◆ "
                    "北斗产业园\n◆ 航空动力专项\n"
                    "1.坚定不移壮大实体经济\n2.持续扩大有效投资";
    bg_text t = clean(NULL, s);
    assert_string_equal(t.text, s);
    bg_text_free(&t);
    /* an indented line starts a paragraph; a short heading line is not glued */
    t = clean(NULL, "正文。\n2022年工作安排\n  今年是开局之年");
    assert_string_equal(t.text, "正文。\n2022年工作安排\n  今年是开局之年");
    bg_text_free(&t);
    /* a short line across an empty line is a heading, not a cut sentence */
    t = clean(NULL, "正文,排位前进一位\n\n三覆盖\n\n上市企业全覆盖");
    assert_string_equal(t.text, "正文,排位前进一位\n\n三覆盖\n\n上市企业全覆盖");
    bg_text_free(&t);
}

static void test_boilerplate_defaults(void **state)
{
    (void)state;
    bg_problems p = {0};
    bg_clean_rules *r = bg_clean_rules_load(NULL, "rules.json", NULL, NULL, &p);
    assert_non_null(r);
    assert_int_equal(p.count, 0);
    bg_text t = clean(r, "导航菜单\n当前位置：首页 > 政务公开 > 政府工作报告\n【字号：大 中 "
                         "小】 【打印】 【关闭窗口】\n"
                         "2023年政府工作报告\n  "
                         "各位代表:现在我代表区人民政府作报告。\n责任编辑：张三\n分享到：\n"
                         "本文地址:/baogao/1.html\n验证码:\n");
    assert_string_equal(t.text, "2023年政府工作报告\n  各位代表:现在我代表区人民政府作报告。\n");
    /* the map still points at the kept words */
    char *q = bg_text_quote(&t, 0, strlen("2023年政府工作报告"));
    assert_string_equal(q, "2023年政府工作报告");
    free(q);
    bg_text_free(&t);
    /* a removed line is a hard break: the lines around it are not joined */
    t = clean(r, "正文第一段未完\n打赏本站\n正文第二段");
    assert_string_equal(t.text, "正文第一段未完\n正文第二段");
    bg_text_free(&t);
    bg_clean_rules_free(r);
}

static void test_boilerplate_configured(void **state)
{
    (void)state;
    bg_problems p = {0};
    cJSON *root = cJSON_Parse("{\"boilerplate\": [\"^广告\"]}");
    cJSON *extra = cJSON_Parse("[\"^扫码关注\"]");
    bg_clean_rules *r = bg_clean_rules_load(root, "rules.json", extra, "extract.boilerplate", &p);
    assert_non_null(r);
    /* full-width colon in the source, half-width in the pattern's world */
    bg_text t = clean(r, "广告：买房\n正文。\n扫码关注我们\n导航菜单\n");
    assert_string_equal(t.text, "正文。\n导航菜单\n"); /* the rules' list replaces the defaults */
    bg_text_free(&t);
    bg_clean_rules_free(r);
    cJSON_Delete(root);
    cJSON_Delete(extra);
}

static void test_boilerplate_compile_error(void **state)
{
    (void)state;
    bg_problems p = {0};
    cJSON *extra = cJSON_Parse("[\"^ok\", \"(unclosed\"]");
    bg_clean_rules *r = bg_clean_rules_load(NULL, "rules.json", extra, "extract.boilerplate", &p);
    assert_null(r);
    assert_int_equal(p.count, 1);
    assert_non_null(strstr(p.items[0], "extract.boilerplate[1]"));
    assert_non_null(strstr(p.items[0], "offset 9"));
    bg_problems_free(&p);
    cJSON_Delete(extra);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fold_and_map),
        cmocka_unit_test(test_nbsp_and_map_monotonic),
        cmocka_unit_test(test_join_inside_sentence),
        cmocka_unit_test(test_no_join),
        cmocka_unit_test(test_boilerplate_defaults),
        cmocka_unit_test(test_boilerplate_configured),
        cmocka_unit_test(test_boilerplate_compile_error),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
