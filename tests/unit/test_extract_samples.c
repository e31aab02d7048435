/* test_extract_samples.c — the five sample reports through the whole
 * extraction, their documents row compared with the gold meta in
 * tests/gold/seeds.json (title, region, province, level, plan_year,
 * report_date, doc_type), sections against the gold headings, and the
 * boilerplate the gold says must be gone. */
#include "extract/extract.h"
#include "paths.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SRC BG_TEST_SOURCE_DIR

static cJSON *read_json(const char *path)
{
    size_t size;
    char *bytes = bg_read_file(path, &size);
    assert_non_null(bytes);
    cJSON *root = cJSON_ParseWithLength(bytes, size);
    free(bytes);
    assert_non_null(root);
    return root;
}

static bg_rules *load_rules(void)
{
    bg_problems problems = {0};
    bg_rules *rules = bg_rules_load(SRC "/config/rules/gov_work_report.json", SRC "/config/rules/divisions.csv", NULL,
                                    "extract", &problems);
    for (size_t i = 0; i < problems.count; i++)
        print_error("%s\n", problems.items[i]);
    assert_int_equal(problems.count, 0);
    assert_non_null(rules);
    bg_problems_free(&problems);
    return rules;
}

static void text_cell_equals(const bg_table_schema *schema, bg_cell *row, const char *column, const cJSON *want,
                             const char *doc)
{
    int c = bg_column_index(schema, column);
    assert_true(c >= 0);
    if (!want || cJSON_IsNull(want)) {
        if (row[c].type != BG_TYPE_NULL)
            print_error("%s: %s: expected null, got '%.*s'\n", doc, column, (int)row[c].as.text.length,
                        row[c].as.text.data);
        assert_int_equal(row[c].type, BG_TYPE_NULL);
        return;
    }
    if (row[c].type != BG_TYPE_TEXT || strlen(want->valuestring) != row[c].as.text.length ||
        memcmp(want->valuestring, row[c].as.text.data, row[c].as.text.length) != 0) {
        print_error("%s: %s: expected '%s', got '%.*s'\n", doc, column, want->valuestring,
                    row[c].type == BG_TYPE_TEXT ? (int)row[c].as.text.length : 4,
                    row[c].type == BG_TYPE_TEXT ? row[c].as.text.data : "null");
        fail();
    }
}

static void test_samples_meta(void **state)
{
    (void)state;
    bg_rules *rules = load_rules();
    cJSON *gold = read_json(SRC "/tests/gold/seeds.json");
    const cJSON *documents = cJSON_GetObjectItemCaseSensitive(gold, "documents");
    const bg_table_schema *schema = bg_builtin_table(BG_TABLE_DOCUMENTS);
    size_t checked = 0;
    const cJSON *doc;
    cJSON_ArrayForEach(doc, documents)
    {
        char path[1024];
        snprintf(path, sizeof path, "%s/samples/reports/%s", SRC, doc->string);
        size_t size;
        char *bytes = bg_read_file(path, &size);
        assert_non_null(bytes);
        bg_doc_input input = {.doc_id = "0000000000000000",
                              .source = path,
                              .content_hash = "0000000000000000",
                              .encoding = "utf-8",
                              .encoding_reason = "valid utf-8",
                              .format = "text",
                              .utf8 = bytes,
                              .length = size};
        bg_rowset *set = bg_rowset_new(bg_rules_table_count(rules), bg_rules_tables(rules));
        char msg[256];
        assert_int_equal(bg_extract_document(rules, &input, set, msg, sizeof msg), BG_E_OK);
        assert_int_equal(bg_rowset_count(set, 0), 1);
        bg_cell *row = bg_rowset_row(set, 0, 0);
        const cJSON *meta = cJSON_GetObjectItemCaseSensitive(doc, "meta");
        text_cell_equals(schema, row, "title", cJSON_GetObjectItemCaseSensitive(meta, "title"), doc->string);
        text_cell_equals(schema, row, "region", cJSON_GetObjectItemCaseSensitive(meta, "region"), doc->string);
        text_cell_equals(schema, row, "province", cJSON_GetObjectItemCaseSensitive(meta, "province"), doc->string);
        text_cell_equals(schema, row, "level", cJSON_GetObjectItemCaseSensitive(meta, "level"), doc->string);
        text_cell_equals(schema, row, "doc_type", cJSON_GetObjectItemCaseSensitive(meta, "doc_type"), doc->string);
        int c = bg_column_index(schema, "plan_year");
        assert_int_equal(row[c].type, BG_TYPE_INTEGER);
        if (row[c].as.integer != cJSON_GetObjectItemCaseSensitive(meta, "plan_year")->valueint)
            print_error("%s: plan_year %lld\n", doc->string, (long long)row[c].as.integer);
        assert_int_equal(row[c].as.integer, cJSON_GetObjectItemCaseSensitive(meta, "plan_year")->valueint);
        c = bg_column_index(schema, "report_date");
        const cJSON *date = cJSON_GetObjectItemCaseSensitive(meta, "report_date");
        if (date) {
            int y, m, d;
            assert_int_equal(sscanf(date->valuestring, "%d-%d-%d", &y, &m, &d), 3);
            assert_int_equal(row[c].type, BG_TYPE_DATE);
            assert_int_equal(row[c].as.date.year, y);
            assert_int_equal(row[c].as.date.month, m);
            assert_int_equal(row[c].as.date.day, d);
        } else {
            if (row[c].type != BG_TYPE_NULL)
                print_error("%s: unexpected report_date\n", doc->string);
            assert_int_equal(row[c].type, BG_TYPE_NULL);
        }
        c = bg_column_index(schema, "chars");
        assert_true(row[c].as.integer > 1000);
        /* region_code is a six-digit code whenever a region was found */
        c = bg_column_index(schema, "region_code");
        assert_int_equal(row[c].type, BG_TYPE_TEXT);
        assert_int_equal(row[c].as.text.length, 6);

        /* every gold section is a sections row with the same level, number, title
         */
        const cJSON *sections = cJSON_GetObjectItemCaseSensitive(doc, "sections");
        const cJSON *section;
        cJSON_ArrayForEach(section, sections)
        {
            const char *number = cJSON_GetObjectItemCaseSensitive(section, "number")->valuestring;
            const char *title = cJSON_GetObjectItemCaseSensitive(section, "title")->valuestring;
            int level = cJSON_GetObjectItemCaseSensitive(section, "level")->valueint;
            bool found = false;
            for (size_t r = 0; r < bg_rowset_count(set, BG_TABLE_SECTIONS); r++) {
                bg_cell *s = bg_rowset_row(set, BG_TABLE_SECTIONS, r);
                if (s[2].as.integer == level && s[3].as.text.length == strlen(number) &&
                    memcmp(s[3].as.text.data, number, strlen(number)) == 0 && s[4].as.text.length == strlen(title) &&
                    memcmp(s[4].as.text.data, title, strlen(title)) == 0 && s[5].as.text.length == 4 &&
                    memcmp(s[5].as.text.data, "plan", 4) == 0)
                    found = true;
            }
            if (!found)
                print_error("%s: section %d %s %s not found in the plan part\n", doc->string, level, number, title);
            assert_true(found);
        }
        bg_rowset_free(set);
        free(bytes);
        checked++;
    }
    assert_int_equal(checked, 5);
    cJSON_Delete(gold);
    bg_rules_free(rules);
}

/* The gold's boilerplate_absent strings are gone from the cleaned text. */
static void test_samples_boilerplate(void **state)
{
    (void)state;
    bg_rules *rules = load_rules();
    cJSON *gold = read_json(SRC "/tests/gold/seeds.json");
    const cJSON *doc;
    size_t strings = 0;
    cJSON_ArrayForEach(doc, cJSON_GetObjectItemCaseSensitive(gold, "documents"))
    {
        char path[1024];
        snprintf(path, sizeof path, "%s/samples/reports/%s", SRC, doc->string);
        size_t size;
        char *bytes = bg_read_file(path, &size);
        assert_non_null(bytes);
        bg_text text;
        char msg[256];
        assert_int_equal(bg_rules_normalize(rules, bytes, size, &text, msg, sizeof msg), BG_E_OK);
        const cJSON *absent;
        cJSON_ArrayForEach(absent, cJSON_GetObjectItemCaseSensitive(doc, "boilerplate_absent"))
        {
            if (strstr(text.text, absent->valuestring))
                print_error("%s: '%s' is still in the cleaned text\n", doc->string, absent->valuestring);
            assert_null(strstr(text.text, absent->valuestring));
            /* and it was in the source, so the test means something */
            assert_non_null(strstr(bytes, absent->valuestring));
            strings++;
        }
        bg_text_free(&text);
        free(bytes);
    }
    assert_true(strings >= 20);
    cJSON_Delete(gold);
    bg_rules_free(rules);
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static bool has_problem(const bg_problems *p, const char *needle)
{
    for (size_t i = 0; i < p->count; i++)
        if (strstr(p->items[i], needle))
            return true;
    for (size_t i = 0; i < p->count; i++)
        print_error("problem: %s\n", p->items[i]);
    return false;
}

/* Rules validation: bad JSON names its line, unknown keys get a hint, the
 * job's table selection and custom tables shape bg_rules_tables(). */
static void test_rules_validation(void **state)
{
    (void)state;
    const char *bad = BG_TEST_BINARY_DIR "/test_rules_bad.json";
    write_file(bad, "{\n  \"keywords\": [\n  ,\n]}\n");
    bg_problems p = {0};
    assert_null(bg_rules_load(bad, NULL, NULL, "extract", &p));
    assert_true(has_problem(&p, "test_rules_bad.json: not valid JSON near line 3"));
    bg_problems_free(&p);

    write_file(bad, "{\"keywordz\": []}");
    assert_null(bg_rules_load(bad, NULL, NULL, "extract", &p));
    assert_true(has_problem(&p, "keywordz: unknown key (did you mean 'keywords'?)"));
    bg_problems_free(&p);

    cJSON *job = cJSON_Parse("{\"tables\": [\"sections\", \"keyword\"], \"custum\": []}");
    assert_null(
        bg_rules_load(SRC "/config/rules/gov_work_report.json", SRC "/config/rules/divisions.csv", job, "extract", &p));
    assert_true(has_problem(&p, "extract.tables[1]: unknown table 'keyword' (did you mean 'keywords'?"));
    assert_true(has_problem(&p, "extract.custum: unknown key (did you mean 'custom'?)"));
    bg_problems_free(&p);
    cJSON_Delete(job);

    job = cJSON_Parse("{\"tables\": [\"sections\"], \"custom\": [{\"name\": "
                      "\"jobs\", \"table\": \"jobs\","
                      " \"pattern\": \"新增就业(?<n>\\\\d+)人\", \"columns\": "
                      "{\"n\": \"integer\"}}]}");
    assert_non_null(job);
    bg_rules *rules =
        bg_rules_load(SRC "/config/rules/gov_work_report.json", SRC "/config/rules/divisions.csv", job, "extract", &p);
    assert_int_equal(p.count, 0);
    assert_non_null(rules);
    assert_int_equal(bg_rules_table_count(rules), 3);
    const bg_table_schema *const *tables = bg_rules_tables(rules);
    assert_string_equal(tables[0]->name, "documents");
    assert_string_equal(tables[1]->name, "sections");
    assert_string_equal(tables[2]->name, "jobs");
    assert_int_equal(tables[2]->index, 2);
    const char *text = "二、2023年工作安排\n新增就业1200人。\n";
    bg_doc_input input = {.doc_id = "d", .source = "s", .utf8 = text, .length = strlen(text)};
    bg_rowset *set = bg_rowset_new(3, tables);
    char msg[128];
    assert_int_equal(bg_extract_document(rules, &input, set, msg, sizeof msg), BG_E_OK);
    assert_int_equal(bg_rowset_count(set, 1), 1);
    assert_int_equal(bg_rowset_count(set, 2), 1);
    assert_int_equal(bg_rowset_row(set, 2, 0)[2].as.integer, 1200);
    bg_rowset_free(set);
    bg_rules_free(rules);
    cJSON_Delete(job);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_samples_meta),
        cmocka_unit_test(test_samples_boilerplate),
        cmocka_unit_test(test_rules_validation),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
