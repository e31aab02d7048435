/* test_lists.c — named lists: sample 000's two inline lists (…等十大产业项目),
 * sample 002's bullet lists including 十大民生实事 with 12 items (both counts
 * stand), and names that are fixed phrases or a few examples, not lists. */
#include "extract/lexicon.h"
#include "extract/lists.h"
#include "paths.h"
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

static cJSON *root, *seeds;
static bg_lists_rules *rules;
static bg_lexicon *lexicon; /* the stage's words, as a run scans them */


static int setup(void **state)
{
    (void)state;
    root = read_json(BG_TEST_SOURCE_DIR "/config/rules/gov_work_report.json");
    seeds = read_json(BG_TEST_SOURCE_DIR "/tests/gold/seeds.json");
    bg_problems p = {0};
    rules = root ? bg_lists_rules_load(root, "gov_work_report.json", &p) : NULL;
    bg_problems_free(&p);
    char *message = NULL;
    lexicon = bg_lexicon_new();
    if (!rules || !lexicon || !bg_lists_rules_lexicon(rules, lexicon) || bg_lexicon_compile(lexicon, &message))
        return -1;
    return seeds ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    bg_lists_rules_free(rules);
    bg_lexicon_free(lexicon);
    cJSON_Delete(root);
    cJSON_Delete(seeds);
    return 0;
}

typedef struct run {
    char *utf8;
    bg_text text;
    bg_rowset *set;
    size_t count;
} run;

static void extract(char *utf8, run *r)
{
    const bg_table_schema *schema = bg_builtin_table(BG_TABLE_LIST_ITEMS);
    r->utf8 = utf8;
    char msg[128];
    assert_int_equal(bg_clean_text(NULL, utf8, strlen(utf8), &r->text, msg, sizeof msg), BG_E_OK);
    r->set = bg_rowset_new(1, &schema);
    bg_breaks breaks;
    bg_doc doc;
    assert_int_equal(bg_doc_for_text(&r->text, "0123456789abcdef", 0, &breaks, &doc), BG_E_OK);
    assert_int_equal(bg_mentions_scan(lexicon, r->text.text, r->text.length, &doc.words), BG_E_OK);
    long rows = bg_lists_extract(rules, &doc, "test", r->set, 0);
    bg_mentions_free(&doc.words);
    bg_breaks_free(&breaks);
    assert_true(rows >= 0);
    r->count = (size_t)rows;
}

static void release(run *r)
{
    bg_rowset_free(r->set);
    bg_text_free(&r->text);
    free(r->utf8);
}

static const bg_cell *cell(run *r, size_t row, const char *column)
{
    return &bg_rowset_row(r->set, 0, row)[bg_column_index(bg_builtin_table(BG_TABLE_LIST_ITEMS), column)];
}

static bool text_is(const bg_cell *c, const char *want)
{
    return c->type == BG_TYPE_TEXT && strlen(want) == c->as.text.length && !memcmp(c->as.text.data, want, strlen(want));
}

/* The sample's lists equal the gold's, in order, with declared and found
 * counts. */
static void check_sample(const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/samples/reports/%s", BG_TEST_SOURCE_DIR, name);
    size_t size;
    run r;
    extract(bg_read_file(path, &size), &r);
    const cJSON *doc = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(seeds, "documents"), name);
    size_t row = 0;
    long seq = 0;
    const cJSON *list;
    cJSON_ArrayForEach(list, cJSON_GetObjectItemCaseSensitive(doc, "lists"))
    {
        /* other named lists may come first (五张项目清单); the gold's follow in
         * order */
        while (row < r.count &&
               !text_is(cell(&r, row, "list"), cJSON_GetObjectItemCaseSensitive(list, "name")->valuestring))
            row++;
        assert_true(row < r.count);
        seq = cell(&r, row, "list_seq")->as.integer;
        const cJSON *items = cJSON_GetObjectItemCaseSensitive(list, "items");
        long k = 0;
        const cJSON *item;
        cJSON_ArrayForEach(item, items)
        {
            assert_true(row < r.count);
            assert_true(text_is(cell(&r, row, "list"), cJSON_GetObjectItemCaseSensitive(list, "name")->valuestring));
            assert_int_equal(cell(&r, row, "list_seq")->as.integer, seq);
            assert_int_equal(cell(&r, row, "declared_count")->as.integer,
                             cJSON_GetObjectItemCaseSensitive(list, "declared_count")->valueint);
            assert_int_equal(cell(&r, row, "found_count")->as.integer, cJSON_GetArraySize(items));
            assert_int_equal(cell(&r, row, "item_seq")->as.integer, ++k);
            if (!text_is(cell(&r, row, "item"), item->valuestring))
                fprintf(stderr, "%s: item %ld: want %s, got %.*s\n", name, k, item->valuestring,
                        (int)cell(&r, row, "item")->as.text.length, cell(&r, row, "item")->as.text.data);
            assert_true(text_is(cell(&r, row, "item"), item->valuestring));
            row++;
        }
    }
    release(&r);
}

static void test_inline_lists_000(void **state)
{
    (void)state;
    check_sample("000_1e858b7b18e6f90d.txt");
}

static void test_bullet_lists_002(void **state)
{
    (void)state;
    /* 十大民生实事 lists 12 items: declared 10, found 12 (and a warning) */
    check_sample("002_59ec48a6c6362c4b.txt");
}

static void test_not_lists(void **state)
{
    (void)state;
    run r;
    extract(strdup("实施“十四五”规划，开好两会。新引进年产10万吨菜籽油深加工、花"
                   "边生产线等23个重点项目。"
                   "加快推进“十大工程”。"),
            &r);
    assert_int_equal(r.count, 0);
    release(&r);
}

static void test_two_item_list(void **state)
{
    (void)state;
    run r;
    extract(strdup("重点推进北斗产业园、航空城两大产业项目。"), &r);
    assert_int_equal(r.count, 2);
    assert_true(text_is(cell(&r, 0, "list"), "两大产业项目"));
    assert_int_equal(cell(&r, 0, "declared_count")->as.integer, 2);
    assert_true(text_is(cell(&r, 0, "item"), "北斗产业园"));
    assert_true(text_is(cell(&r, 1, "item"), "航空城"));
    release(&r);
}

/* Numbered items: on lines after the name's colon (1. 2. 3.), or inline
 * ((1)…;(2)…); their closing punctuation is not part of the item. A long
 * numbered paragraph is a section, not an item. */
static void test_numbered_lists(void **state)
{
    (void)state;
    run r;
    extract(strdup("今年重点办好十件民生实事：\n1.新建中小学校5所；\n2、改造老旧小区30个；\n"
                   "(3)新增城镇就业1.2万人。\n其他工作。\n"
                   "着力抓好以下三个重点项目：（1）某某大桥；（2）某某医院；（3）某某公园。\n"
                   "实施好交通、水利、能源三大工程。"),
            &r);
    assert_int_equal(r.count, 9);
    assert_true(text_is(cell(&r, 0, "list"), "十件民生实事"));
    assert_int_equal(cell(&r, 0, "declared_count")->as.integer, 10);
    assert_int_equal(cell(&r, 0, "found_count")->as.integer, 3);
    assert_true(text_is(cell(&r, 0, "item"), "新建中小学校5所"));
    assert_true(text_is(cell(&r, 2, "item"), "新增城镇就业1.2万人"));
    assert_true(text_is(cell(&r, 3, "list"), "三个重点项目"));
    assert_true(text_is(cell(&r, 3, "item"), "某某大桥"));
    assert_true(text_is(cell(&r, 5, "item"), "某某公园"));
    assert_true(text_is(cell(&r, 6, "item"), "交通")); /* 实施好 is the lead verb */
    release(&r);
    extract(
        strdup(
            "抓好以下九个方面工作：\n1.坚定不移壮大实体经济。始终把发展经济的着力点放在实体经济上，突出抓工业、强产业，"
            "夯实高质量发展根基，推动先进制造业与现代服务业融合发展，以产业园区、国家级孵化器为载体，加速发展现代物流。"
            "\n"),
        &r);
    assert_int_equal(r.count, 0);
    release(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_inline_lists_000), cmocka_unit_test(test_bullet_lists_002),
        cmocka_unit_test(test_not_lists),        cmocka_unit_test(test_two_item_list),
        cmocka_unit_test(test_numbered_lists),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
