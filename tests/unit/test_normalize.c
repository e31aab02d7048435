/* test_normalize.c — cleaning (clean.h, text.h): full-width folding and the
 * byte map back to the original, joining of line breaks inside a sentence
 * (and not after 。 or around headings and bullets), hard wraps of PDF text,
 * page furniture, layout spaces, full stops written as '.', boilerplate
 * patterns and their compile errors. The samples' boilerplate is in test_extract_samples. */
#include "text/clean.h"

#include <cjson/cJSON.h>
#include "text/utf8.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "read_json.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SRC BG_TEST_SOURCE_DIR

/* The boilerplate of the shipped rules file (there are no built-in ones). */
static bg_clean_rules *shipped_rules(void)
{
    cJSON *root = read_json(SRC "/config/rules/gov_work_report.json");
    assert_non_null(root);
    bg_problems p = {0};
    bg_clean_rules *r = bg_clean_rules_load(root, "rules.json", NULL, NULL, &p);
    assert_int_equal(p.count, 0);
    assert_non_null(r);
    cJSON_Delete(root);
    return r;
}

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
    assert_int_equal(bg_text_origin(&t, t.length), strlen(s));
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
        assert_true(bg_text_origin(&t, i) < bg_text_origin(&t, i + 1));
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

/* The shapes a page's paragraphs come in: written-out breaks (\r\n, \n,
 * <br>) are breaks, also in a quote; an indent (two U+3000) inside a line
 * starts a paragraph; a heading with a comma keeps its line; a heading's
 * number alone is joined to the title that a wrap put on the next line. */
static void test_paragraph_shapes(void **state)
{
    (void)state;
    bg_text t = clean(NULL, "标题\\r\\n一、回顾\\n正文。<br>二、安排<BR/>今年是开局之年。");
    assert_string_equal(t.text, "标题\n一、回顾\n正文。\n二、安排\n今年是开局之年。");
    const char *at = strstr(t.text, "正文");
    char *q = bg_text_quote(&t, (size_t)(at - t.text), t.length);
    assert_string_equal(q, "正文。\n二、安排\n今年是开局之年。");
    free(q);
    bg_text_free(&t);
    t = clean(NULL, "株洲县2009年政府工作报告\xE3\x80\x80\xE3\x80\x80各位代表:\xE3\x80\x80\xE3\x80\x80"
                    "一、2008年工作回顾\xE3\x80\x80\xE3\x80\x80过去一年。");
    assert_string_equal(t.text, "株洲县2009年政府工作报告\n  各位代表:\n  一、2008年工作回顾\n  过去一年。");
    bg_text_free(&t);
    t = clean(NULL, "正文。\n三、加大宏观政策实施力度，着力稳企业保就业\n积极的财政政策要更加积极有为。");
    assert_string_equal(t.text, "正文。\n三、加大宏观政策实施力度,着力稳企业保就业\n积极的财政政策要更加积极有为。");
    bg_text_free(&t);
    t = clean(NULL, "正文。\n二、\n2025年目标任务\n今年是收官之年。");
    assert_string_equal(t.text, "正文。\n二、2025年目标任务\n今年是收官之年。");
    bg_text_free(&t);
}

static void test_boilerplate_shipped(void **state)
{
    (void)state;
    bg_clean_rules *r = shipped_rules();
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

/* Breaks every line of s after `width` code points, as a PDF's text comes. */
static char *hard_wrap(const char *s, size_t width)
{
    size_t n = strlen(s), count = 0, out = 0;
    char *wrapped = malloc(2 * n + 1);
    assert_non_null(wrapped);
    for (size_t i = 0; i < n;) {
        if (s[i] == '\n') {
            count = 0;
            wrapped[out++] = s[i++];
            continue;
        }
        if (count > 0 && count % width == 0)
            wrapped[out++] = '\n';
        size_t at = i;
        (void)bg_utf8_next(s, n, &i);
        memcpy(wrapped + out, s + at, i - at);
        out += i - at;
        count++;
    }
    wrapped[out] = '\0';
    return wrapped;
}

/* A PDF's hard wraps fall anywhere (6.|5%, 亿|元, 目|标是, after the title,
 * inside the date line); every width joins back to the same sentences. */
static void test_join_hard_wraps(void **state)
{
    (void)state;
    const char *s = "某某市人民政府工作报告（2023年1月5日在某某市第十七届人民代表大会第一次会议上）\n"
                    "各位代表：现在，我代表市人民政府向大会报告政府工作，请予审议。\n"
                    "今年全市经济社会发展的主要预期目标是：地区生产总值增长6.5%左右，"
                    "一般公共预算收入增长5%，完成固定资产投资185亿元，城镇调查失业率控制在5.5%以内。\n"
                    "重点抓好以下工作。\n";
    for (size_t width = 17; width <= 26; width++) {
        char *wrapped = hard_wrap(s, width);
        bg_text t = clean(NULL, wrapped);
        if (!strstr(t.text, "某某市人民政府工作报告(2023年1月5日在某某市第十七届人民代表大会第一次会议上)\n"))
            print_error("width %zu:\n%s\n", width, t.text);
        assert_non_null(
            strstr(t.text, "某某市人民政府工作报告(2023年1月5日在某某市第十七届人民代表大会第一次会议上)\n"));
        assert_non_null(strstr(t.text, "主要预期目标是:地区生产总值增长6.5%左右,一般公共预算收入增长5%,"
                                       "完成固定资产投资185亿元,城镇调查失业率控制在5.5%以内。"));
        bg_text_free(&t);
        free(wrapped);
    }
    /* a line that starts with ，。）% continues the one before */
    bg_text t = clean(NULL, "地区生产总值增长6\n%左右\n,城镇居民收入增长7%\n。\n下一段");
    assert_string_equal(t.text, "地区生产总值增长6%左右,城镇居民收入增长7%。\n下一段");
    bg_text_free(&t);
    /* (2021年…) is not a numbered heading like (1) or (一) */
    t = clean(NULL, "报告正文。\n会议于\n(2021年12月29日)召开。\n(1)加快发展\n(一)壮大实体经济");
    assert_string_equal(t.text, "报告正文。\n会议于(2021年12月29日)召开。\n(1)加快发展\n(一)壮大实体经济");
    bg_text_free(&t);
}

/* Page numbers and running headers go, and a sentence cut by the page break
 * is joined; the report's own title line stays. */
static void test_page_furniture(void **state)
{
    (void)state;
    bg_clean_rules *r = shipped_rules();
    bg_text t = clean(r, "政府工作报告\n各位代表:现在,我代表市人民政府向大会报告政府工作,请予审议。主要预期目\n"
                         "— 3 —\n\f政府工作报告\n\n标是:地区生产总值增长6%,工业增加值增长\n\n- 12 -\n\f\n8%,"
                         "完成投资185亿\n第 3 页 共 20 页\n元。\n  4  \n3/20\nPage 7 of 9\n政府工作报告\n下一段。");
    assert_string_equal(t.text, "政府工作报告\n各位代表:现在,我代表市人民政府向大会报告政府工作,请予审议。"
                                "主要预期目标是:地区生产总值增长6%,工业增加值增长8%,完成投资185亿元。\n下一段。");
    bg_text_free(&t);
    /* a line that repeats three times after the body began is a header */
    t = clean(r, "某某日报\n正文,第一段。\n某某日报\n正文,第二段。\n某某日报\n正文,第三段。");
    assert_string_equal(t.text, "某某日报\n正文,第一段。\n正文,第二段。\n正文,第三段。");
    bg_text_free(&t);
    /* a year or a figure alone on its line is not a page number */
    t = clean(r, "正文。\n2023\n\n1234\n");
    assert_string_equal(t.text, "正文。\n2023\n\n1234\n");
    bg_text_free(&t);
    bg_clean_rules_free(r);
}

/* A BOM, zero-width spaces, CR and spaces between CJK characters (or a CJK
 * character and a digit) are layout; the paragraph's indent stays. */
static void test_layout_spaces(void **state)
{
    (void)state;
    bg_text t = clean(NULL, "\xEF\xBB\xBF株洲市 芦淞区\xE3\x80\x80政府工作报告\r\n"
                            "\xE3\x80\x80\xE3\x80\x80地区生产 总值增长 6.5% 左\xE2\x80\x8B右,R&D 投入 2 亿元。\r\n");
    assert_string_equal(t.text, "株洲市芦淞区政府工作报告\n  地区生产总值增长6.5%左右,R&D 投入2亿元。\n");
    bg_text_free(&t);
}

/* A full stop written as '.' becomes 。; decimal points, heading and list
 * numbers and web addresses keep theirs. */
static void test_ascii_full_stops(void **state)
{
    (void)state;
    bg_text t = clean(NULL, "增长8%.城镇居民收入增长7.农村居民收入同步.\n1.坚定不移壮大实体经济\n"
                            "目标:1.增长6.5%;2.就业.见www.gov.cn.");
    assert_string_equal(t.text, "增长8%。城镇居民收入增长7。农村居民收入同步。\n1.坚定不移壮大实体经济\n"
                                "目标:1.增长6.5%;2.就业。见www.gov.cn.");
    /* the 。 quotes back as the '.' it was */
    const char *at = strstr(t.text, "7。");
    char *q = bg_text_quote(&t, (size_t)(at - t.text), (size_t)(at - t.text) + strlen("7。"));
    assert_string_equal(q, "7.");
    free(q);
    bg_text_free(&t);
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
    assert_string_equal(t.text, "正文。\n导航菜单\n"); /* the rules' list is the whole list */
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
    /* a rules file without the key: no built-in list to fall back on */
    cJSON *root = cJSON_Parse("{}");
    assert_null(bg_clean_rules_load(root, "rules.json", NULL, NULL, &p));
    assert_int_equal(p.count, 1);
    assert_non_null(strstr(p.items[0], "boilerplate: missing"));
    bg_problems_free(&p);
    cJSON_Delete(root);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fold_and_map),
        cmocka_unit_test(test_nbsp_and_map_monotonic),
        cmocka_unit_test(test_join_inside_sentence),
        cmocka_unit_test(test_no_join),
        cmocka_unit_test(test_paragraph_shapes),
        cmocka_unit_test(test_boilerplate_shipped),
        cmocka_unit_test(test_join_hard_wraps),
        cmocka_unit_test(test_page_furniture),
        cmocka_unit_test(test_layout_spaces),
        cmocka_unit_test(test_ascii_full_stops),
        cmocka_unit_test(test_boilerplate_configured),
        cmocka_unit_test(test_boilerplate_compile_error),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
