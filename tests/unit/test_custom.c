/* test_custom.c — the job's custom regex rules: a rule's rows (typed columns
 * from named groups, the enclosing sentence quoted as written, offset), and
 * every refusal: a pattern that does not compile (rule and offset named), bad
 * table and column names, a built-in table's name, a column with no group. */
#include "extract/custom.h"
#include "text/clean.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

static void test_rows(void **state)
{
    (void)state;
    cJSON *custom = cJSON_Parse("[{\"name\": \"ports\", \"table\": \"ports\","
                                " \"pattern\": "
                                "\"(?<name>[^,。]{2,8}港)吞吐量(?<tons>\\\\d+(?:\\\\.\\\\d+)?)万吨\","
                                " \"columns\": {\"name\": \"text\", \"tons\": \"real\"}}]");
    bg_problems p = {0};
    bg_custom_rules *r = bg_custom_rules_load(custom, "extract.custom", 6, &p);
    for (size_t i = 0; i < p.count; i++)
        print_error("%s\n", p.items[i]);
    assert_non_null(r);
    assert_int_equal(bg_custom_table_count(r), 1);
    const bg_table_schema *schema = bg_custom_table(r, 0);
    assert_string_equal(schema->name, "ports");
    assert_int_equal(schema->index, 6);
    assert_int_equal(schema->column_count, 6);
    assert_string_equal(schema->columns[2].name, "name");
    assert_int_equal(schema->columns[3].type, BG_TYPE_REAL);
    assert_string_equal(schema->columns[5].name, "offset");

    const char *s = "开篇。力争岳阳港吞吐量１５０．５万吨,城陵矶港吞吐量90万吨。其他。";
    bg_text t;
    char msg[64];
    assert_int_equal(bg_clean_text(NULL, s, strlen(s), &t, msg, sizeof msg), BG_E_OK);
    bg_rowset *set = bg_rowset_new(1, &schema);
    bg_breaks breaks;
    bg_doc doc;
    assert_int_equal(bg_doc_for_text(&t, "doc", 0, &breaks, &doc), BG_E_OK);
    assert_int_equal(bg_custom_extract(r, 0, &doc, set, 0), 2);
    bg_breaks_free(&breaks);
    bg_cell *row = bg_rowset_row(set, 0, 0);
    assert_int_equal(row[1].as.integer, 1);
    assert_int_equal(row[2].as.text.length, strlen("力争岳阳港"));
    assert_true(row[3].as.real == 150.5);
    /* the sentence as written: full-width digits kept */
    const char *want = "力争岳阳港吞吐量１５０．５万吨,城陵矶港吞吐量90万吨。";
    assert_int_equal(row[4].as.text.length, strlen(want));
    assert_memory_equal(row[4].as.text.data, want, strlen(want));
    assert_int_equal(row[5].as.integer, 3);
    row = bg_rowset_row(set, 0, 1);
    assert_true(row[3].as.real == 90);
    bg_rowset_free(set);
    bg_text_free(&t);
    bg_custom_rules_free(r);
    cJSON_Delete(custom);
}

/* Labels a job gives its custom table and columns reach the schema (what
 * the XLSX header and the datapackage titles show); a bad label is refused
 * with its JSON path. The built-in coded columns carry their value labels. */
static void test_labels(void **state)
{
    (void)state;
    cJSON *custom = cJSON_Parse("[{\"name\": \"ports\", \"table\": \"ports\", \"label\": \"港口吞吐量\","
                                " \"pattern\": \"(?<n>\\\\d+)万吨\","
                                " \"columns\": {\"n\": {\"type\": \"real\", \"label\": \"吞吐量（万吨）\","
                                " \"description\": \"throughput\"}}}]");
    bg_problems p = {0};
    bg_custom_rules *r = bg_custom_rules_load(custom, "extract.custom", 6, &p);
    assert_non_null(r);
    const bg_table_schema *schema = bg_custom_table(r, 0);
    assert_string_equal(schema->label, "港口吞吐量");
    assert_string_equal(schema->columns[2].label, "吞吐量（万吨）");
    assert_string_equal(schema->columns[2].label_en, "throughput");
    assert_int_equal(schema->columns[2].type, BG_TYPE_REAL);
    bg_custom_rules_free(r);
    cJSON_Delete(custom);

    custom = cJSON_Parse("[{\"name\": \"x\", \"table\": \"x\", \"pattern\": \"(?<n>a)\","
                         " \"columns\": {\"n\": {\"type\": \"text\", \"label\": 3, \"lable\": \"y\"}}}]");
    bg_problems q = {0};
    assert_null(bg_custom_rules_load(custom, "extract.custom", 6, &q));
    bool saw_label = false, saw_key = false;
    for (size_t i = 0; i < q.count; i++) {
        saw_label |= strstr(q.items[i], "extract.custom[0].columns.n.label: expected a non-empty string") != NULL;
        saw_key |= strstr(q.items[i], "extract.custom[0].columns.n.lable: unknown key") != NULL;
    }
    assert_true(saw_label);
    assert_true(saw_key);
    bg_problems_free(&q);
    cJSON_Delete(custom);

    const bg_table_schema *targets = bg_builtin_table(BG_TABLE_TARGETS);
    int kind = bg_column_index(targets, "kind"), qualifier = bg_column_index(targets, "qualifier");
    assert_string_equal(bg_value_label_of(targets, (size_t)kind, "growth", 6), "增长");
    assert_string_equal(bg_value_label_of(targets, (size_t)qualifier, "about", 5), "左右");
    assert_null(bg_value_label_of(targets, (size_t)kind, "grow", 4));
    assert_null(bg_value_label_of(targets, 0, "growth", 6)); /* doc_id is not coded */
    const bg_table_schema *documents = bg_builtin_table(BG_TABLE_DOCUMENTS);
    assert_string_equal(bg_value_label_of(documents, (size_t)bg_column_index(documents, "level"), "county", 6), "县");
}

static void test_compile_error(void **state)
{
    (void)state;
    cJSON *custom = cJSON_Parse("[{\"name\": \"ports\", \"table\": \"ports\", \"pattern\": \"(?<n>港\","
                                " \"columns\": {\"n\": \"text\"}}]");
    bg_problems p = {0};
    assert_null(bg_custom_rules_load(custom, "extract.custom", 6, &p));
    assert_int_equal(p.count, 1);
    assert_string_equal(p.items[0], "extract.custom[0].pattern (rule 'ports'): pattern does not compile at offset 8: "
                                    "missing closing parenthesis");
    bg_problems_free(&p);
    cJSON_Delete(custom);
}

static void test_refusals(void **state)
{
    (void)state;
    cJSON *custom = cJSON_Parse("[{\"name\": \"a\", \"table\": \"Bad-Name\", \"pattern\": \"(?<x>1)\", "
                                "\"columns\": {\"x\": \"text\"}},"
                                " {\"name\": \"b\", \"table\": \"targets\", \"pattern\": \"(?<x>1)\", "
                                "\"columns\": {\"x\": \"text\"}},"
                                " {\"name\": \"c\", \"table\": \"ok_table\", \"pattern\": \"(?<x>1)\","
                                "  \"columns\": {\"y\": \"text\", \"X\": \"text\", \"x\": \"date\", "
                                "\"offset\": \"text\"}}]");
    bg_problems p = {0};
    assert_null(bg_custom_rules_load(custom, "extract.custom", 6, &p));
    const char *expected[] = {"extract.custom[0].table",     "extract.custom[1].table: rule 'b' uses 'targets'",
                              "extract.custom[2].columns.y", "extract.custom[2].columns.X",
                              "extract.custom[2].columns.x", "extract.custom[2].columns.offset"};
    assert_true(p.count >= 6);
    for (size_t i = 0; i < 6; i++) {
        bool found = false;
        for (size_t k = 0; k < p.count; k++)
            found = found || strstr(p.items[k], expected[i]) != NULL;
        if (!found)
            print_error("missing problem %s\n", expected[i]);
        assert_true(found);
    }
    bg_problems_free(&p);
    cJSON_Delete(custom);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rows),
        cmocka_unit_test(test_labels),
        cmocka_unit_test(test_compile_error),
        cmocka_unit_test(test_refusals),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
