/* test_outline.c — headings (一、 level 0; (一) and 1. level 1; title up to
 * the first 。 as written; 一是… and decimals are not headings) and parts
 * (review before the plan marker, plan, outlook for 今后五年). */
#include "extract/outline.h"
#include "text/clean.h"

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

/* The outline rules of the shipped rules file (they have no built-in
 * defaults). */
static bg_outline_rules *shipped_rules(void)
{
    cJSON *root = read_json(SRC "/config/rules/gov_work_report.json");
    assert_non_null(root);
    bg_problems p = {0};
    bg_outline_rules *rules = bg_outline_rules_load(root, "rules.json", &p);
    assert_int_equal(p.count, 0);
    assert_non_null(rules);
    cJSON_Delete(root);
    return rules;
}

static const char *doc = "某某区政府工作报告\n\n"
                         "  一、2022年工作回顾\n\n"
                         "  过去一年,我们完成了目标。存在一些困难和问题。\n\n"
                         "  二、今后五年主要目标\n\n"
                         "  今后五年,地区生产总值年均增长6%。\n\n"
                         "  三、2023年工作安排\n\n"
                         "  今年的主要预期目标是:地区生产总值增长6%。\n\n"
                         "  一是坚持党的领导。二是坚持人民至上。\n\n"
                         "  （一）全力以赴推进制造强区。坚持把发展先进制造业作为重中之重。\n\n"
                         "  (二)坚持工业立区,加快构建产业竞争新优势\n\n"
                         "  1.坚定不移壮大实体经济。始终把着力点放在实体经济上。\n\n"
                         "  1.95平方公里全面启动。\n";

static void test_headings_and_parts(void **state)
{
    (void)state;
    bg_outline_rules *rules = shipped_rules();
    bg_text t;
    char msg[64];
    assert_int_equal(bg_clean_text(NULL, doc, strlen(doc), &t, msg, sizeof msg), BG_E_OK);
    bg_outline o;
    assert_int_equal(bg_outline_build(rules, &t, &o), BG_E_OK);
    static const struct {
        int level;
        const char *number, *title, *part;
    } want[] = {
        {0, "一", "2022年工作回顾", "review"},
        {0, "二", "今后五年主要目标", "outlook"},
        {0, "三", "2023年工作安排", "plan"},
        {1, "一", "全力以赴推进制造强区", "plan"},
        {1, "二", "坚持工业立区,加快构建产业竞争新优势", "plan"},
        {1, "1", "坚定不移壮大实体经济", "plan"},
    };
    assert_int_equal(o.heading_count, sizeof want / sizeof *want);
    for (size_t i = 0; i < o.heading_count; i++) {
        assert_int_equal(o.headings[i].level, want[i].level);
        assert_string_equal(o.headings[i].number, want[i].number);
        assert_string_equal(o.headings[i].title, want[i].title);
        assert_string_equal(o.headings[i].part, want[i].part);
    }
    /* the first heading's number was full-width in the source; the title is as
     * written */
    const char *at = strstr(t.text, "今年的主要预期目标");
    assert_string_equal(bg_outline_part_at(&o, (size_t)(at - t.text)), "plan");
    assert_string_equal(bg_outline_section_at(&o, (size_t)(at - t.text)), "2023年工作安排");
    at = strstr(t.text, "过去一年");
    assert_string_equal(bg_outline_part_at(&o, (size_t)(at - t.text)), "review");
    at = strstr(t.text, "今后五年,");
    assert_string_equal(bg_outline_part_at(&o, (size_t)(at - t.text)), "outlook");
    /* parts cover the text without gaps */
    assert_int_equal(o.parts[0].start, 0);
    for (size_t i = 1; i < o.part_count; i++)
        assert_int_equal(o.parts[i].start, o.parts[i - 1].end);
    assert_int_equal(o.parts[o.part_count - 1].end, t.length);
    bg_outline_free(&o);
    bg_text_free(&t);
    bg_outline_rules_free(rules);
}

static void test_unmarked_is_plan(void **state)
{
    (void)state;
    bg_outline_rules *rules = shipped_rules();
    const char *s = "加快产业转型升级。新增企业10家。";
    bg_text t;
    char msg[64];
    assert_int_equal(bg_clean_text(NULL, s, strlen(s), &t, msg, sizeof msg), BG_E_OK);
    bg_outline o;
    assert_int_equal(bg_outline_build(rules, &t, &o), BG_E_OK);
    assert_int_equal(o.heading_count, 0);
    assert_string_equal(bg_outline_part_at(&o, 3), "plan");
    assert_null(bg_outline_section_at(&o, 3));
    bg_outline_free(&o);
    bg_text_free(&t);
    bg_outline_rules_free(rules);
}

/* The same report with its line breaks gone, or turned into blanks: the
 * headings after a 。 or a blank are still headings, with the same number,
 * level and part, and a title that the text around it allows. */
static void test_inline_headings(void **state)
{
    (void)state;
    bg_outline_rules *rules = shipped_rules();
    static const char *const shapes[] = {
        "2023年政府工作报告。一、2022年工作回顾。过去一年,我们完成了目标。二、2023年工作安排。今年的主要预期目标是:"
        "地区生产总值增长6%。(一)全力以赴推进制造强区。坚持把发展先进制造业作为重中之重。",
        "2023年政府工作报告。 一、2022年工作回顾 过去一年,我们完成了目标。 二、2023年工作安排 今年的主要预期目标是:"
        "地区生产总值增长6%。 (一)全力以赴推进制造强区。 坚持把发展先进制造业作为重中之重。",
        "2023年政府工作报告。一、2022年工作回顾过去一年,我们完成了目标。二、2023年工作安排今年的主要预期目标是:"
        "地区生产总值增长6%。(一)全力以赴推进制造强区。坚持把发展先进制造业作为重中之重。",
    };
    for (size_t k = 0; k < sizeof shapes / sizeof *shapes; k++) {
        bg_text t;
        char msg[64];
        assert_int_equal(bg_clean_text(NULL, shapes[k], strlen(shapes[k]), &t, msg, sizeof msg), BG_E_OK);
        bg_outline o;
        assert_int_equal(bg_outline_build(rules, &t, &o), BG_E_OK);
        assert_int_equal(o.heading_count, 3);
        assert_string_equal(o.headings[0].number, "一");
        assert_string_equal(o.headings[0].own_part, "review");
        assert_string_equal(o.headings[1].number, "二");
        assert_string_equal(o.headings[1].own_part, "plan");
        assert_int_equal(o.headings[2].level, 1);
        assert_string_equal(o.headings[2].title, "全力以赴推进制造强区");
        if (k == 0) {
            assert_string_equal(o.headings[0].title, "2022年工作回顾");
            assert_string_equal(o.headings[1].title, "2023年工作安排");
        } else {
            /* no mark between the title and its paragraph (a blank between
             * Chinese characters is layout, squeezed by the cleaning) */
            assert_non_null(strstr(o.headings[0].title, "2022年工作回顾"));
            assert_non_null(strstr(o.headings[1].title, "2023年工作安排"));
        }
        const char *at = strstr(t.text, "我们完成了目标");
        assert_string_equal(bg_outline_part_at(&o, (size_t)(at - t.text)), "review");
        at = strstr(t.text, "今年的主要预期目标");
        assert_string_equal(bg_outline_part_at(&o, (size_t)(at - t.text)), "plan");
        bg_outline_free(&o);
        bg_text_free(&t);
    }
    /* 一、二季度 after a 。 is no heading; nor is a figure after a blank */
    const char *s = "加快产业转型升级。一、二季度增长 6%。1.5万人就业。";
    bg_text t;
    char msg[64];
    assert_int_equal(bg_clean_text(NULL, s, strlen(s), &t, msg, sizeof msg), BG_E_OK);
    bg_outline o;
    assert_int_equal(bg_outline_build(rules, &t, &o), BG_E_OK);
    assert_int_equal(o.heading_count, 0);
    bg_outline_free(&o);
    bg_text_free(&t);
    bg_outline_rules_free(rules);
}

static void test_bad_rules(void **state)
{
    (void)state;
    bg_problems p = {0};
    cJSON *root = cJSON_Parse("{\"headings\": [{\"level\": 0, \"pattern\": \"^(?<number>一)\"}],"
                              " \"parts\": {\"plann\": [\"x\"], \"review\": [\"(\"]}}");
    assert_null(bg_outline_rules_load(root, "rules.json", &p));
    assert_int_equal(p.count, 3);
    assert_non_null(strstr(p.items[0], "headings[0].pattern"));
    assert_non_null(strstr(p.items[1], "parts.plann"));
    assert_non_null(strstr(p.items[2], "parts.review[0]"));
    bg_problems_free(&p);
    cJSON_Delete(root);
    /* no built-in defaults: both keys are required */
    root = cJSON_Parse("{}");
    assert_null(bg_outline_rules_load(root, "rules.json", &p));
    assert_int_equal(p.count, 2);
    assert_non_null(strstr(p.items[0], "headings: missing"));
    assert_non_null(strstr(p.items[1], "parts: missing"));
    bg_problems_free(&p);
    cJSON_Delete(root);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_headings_and_parts),
        cmocka_unit_test(test_unmarked_is_plan),
        cmocka_unit_test(test_inline_headings),
        cmocka_unit_test(test_bad_rules),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
