/* test_table.c — the per-document row store: rows read back as written
 * across its blocks (the first block growing, then fixed-size ones), text
 * copied, the row limit refusing the row past it (the value labels of the
 * built-in coded columns are tested in test_custom). */
#include "table.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

static void test_rows_across_blocks(void **state)
{
    (void)state;
    const bg_table_schema *schemas[2] = {bg_builtin_table(BG_TABLE_DOCUMENTS), bg_builtin_table(BG_TABLE_KEYWORDS)};
    bg_rowset *set = bg_rowset_new(2, schemas);
    assert_non_null(set);
    const size_t n = 5 * BG_ROWS_PER_BLOCK + 17;
    for (size_t i = 0; i < n; i++) {
        bg_cell *row = bg_rowset_add(set, 1);
        assert_non_null(row);
        for (size_t c = 0; c < schemas[1]->column_count; c++)
            assert_int_equal(row[c].type, BG_TYPE_NULL);
        char word[32];
        snprintf(word, sizeof word, "词%zu", i);
        assert_true(bg_cell_set_cstr(set, &row[1], word));
        bg_cell_set_integer(&row[3], (int64_t)i);
        if (i % 1000 == 0) /* one row of the other table now and then */
            bg_cell_set_integer(&bg_rowset_add(set, 0)[8], (int64_t)i);
    }
    assert_int_equal(bg_rowset_count(set, 1), n);
    assert_int_equal(bg_rowset_count(set, 0), (n + 999) / 1000);
    for (size_t i = 0; i < n; i++) {
        const bg_cell *row = bg_rowset_row(set, 1, i);
        char word[32];
        snprintf(word, sizeof word, "词%zu", i);
        assert_int_equal(row[3].as.integer, (int64_t)i);
        assert_int_equal(row[1].as.text.length, strlen(word));
        assert_memory_equal(row[1].as.text.data, word, strlen(word));
        assert_int_equal(row[1].as.text.data[row[1].as.text.length], '\0');
    }
    for (size_t i = 0; i < bg_rowset_count(set, 0); i++)
        assert_int_equal(bg_rowset_row(set, 0, i)[8].as.integer, (int64_t)(i * 1000));
    bg_rowset_free(set);
}

static void test_row_limit(void **state)
{
    (void)state;
    const bg_table_schema *schemas[1] = {bg_builtin_table(BG_TABLE_SECTIONS)};
    bg_rowset *set = bg_rowset_new(1, schemas);
    set->row_limit = 3;
    for (int i = 0; i < 3; i++)
        assert_non_null(bg_rowset_add(set, 0));
    assert_false(set->limit_hit);
    assert_null(bg_rowset_add(set, 0));
    assert_true(set->limit_hit);
    assert_int_equal(bg_rowset_count(set, 0), 3);
    bg_rowset_free(set);
    bg_rowset_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rows_across_blocks),
        cmocka_unit_test(test_row_limit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
