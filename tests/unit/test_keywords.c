/* test_keywords.c — policy-term counts: non-overlapping, the longest term
 * winning (科技创新 is not also 创新), per_10k over the cleaned characters,
 * one row per term found, and dictionary validation. */
#include "extract/keywords.h"
#include "extract/lexicon.h"
#include "text/clean.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static void test_counts(void **state)
{
    (void)state;
    cJSON *root = cJSON_Parse("{\"keywords\": [{\"term\": \"创新\", \"category\": \"科技\"},"
                              "{\"term\": \"科技创新\", \"category\": \"科技\"},"
                              "{\"term\": \"乡村振兴\", \"category\": \"农业农村\"},"
                              "{\"term\": \"疫情\", \"category\": \"治理\"}]}");
    bg_problems p = {0};
    bg_keywords_rules *r = bg_keywords_rules_load(root, "rules.json", &p);
    assert_non_null(r);
    const char *s = "坚持科技创新,推动创新发展,科技创新引领;全面推进乡村振兴。创新";
    bg_text t;
    char msg[64];
    assert_int_equal(bg_clean_text(NULL, s, strlen(s), &t, msg, sizeof msg), BG_E_OK);
    size_t counts[4];
    bg_keywords_count_terms(r, t.text, t.length, counts);
    assert_int_equal(counts[0], 2); /* 创新 alone */
    assert_int_equal(counts[1], 2); /* 科技创新 */
    assert_int_equal(counts[2], 1);
    assert_int_equal(counts[3], 0);

    /* the run counts from the lexicon's mentions: the same figures */
    bg_lexicon *lex = bg_lexicon_new();
    char *message = NULL;
    assert_true(bg_keywords_rules_lexicon(r, lex));
    assert_int_equal(bg_lexicon_compile(lex, &message), BG_E_OK);
    bg_breaks breaks;
    bg_doc doc;
    assert_int_equal(bg_doc_for_text(&t, "doc", 0, &breaks, &doc), BG_E_OK);
    assert_int_equal(bg_mentions_scan(lex, t.text, t.length, &doc.words), BG_E_OK);
    const bg_table_schema *schema = bg_builtin_table(BG_TABLE_KEYWORDS);
    bg_rowset *set = bg_rowset_new(1, &schema);
    assert_int_equal(bg_keywords_extract(r, &doc, set, 0), 3); /* 疫情 not found: no row */
    bg_cell *first = bg_rowset_row(set, 0, 0);
    assert_int_equal(first[3].as.integer, 2); /* 创新 alone */
    bg_cell *row = bg_rowset_row(set, 0, 1);
    assert_int_equal(row[1].as.text.length, strlen("科技创新"));
    assert_int_equal(row[3].as.integer, 2);
    double chars = (double)bg_text_char_count(&t);
    assert_true(fabs(row[4].as.real - 2 * 10000.0 / chars) < 1e-9);
    bg_rowset_free(set);
    bg_mentions_free(&doc.words);
    bg_breaks_free(&breaks);
    bg_lexicon_free(lex);
    bg_text_free(&t);
    bg_keywords_rules_free(r);
    cJSON_Delete(root);
}

static void test_required_and_errors(void **state)
{
    (void)state;
    bg_problems p = {0};
    /* no built-in dictionary: the key is required */
    assert_null(bg_keywords_rules_load(NULL, "rules.json", &p));
    assert_int_equal(p.count, 1);
    assert_non_null(strstr(p.items[0], "keywords: missing"));
    bg_problems_free(&p);
    cJSON *root = cJSON_Parse("{\"keywords\": [{\"term\": \"绿色\", \"category\": \"生态\"},"
                              "{\"term\": \"绿色\", \"category\": \"生态\"}, {\"term\": \"\"}]}");
    assert_null(bg_keywords_rules_load(root, "rules.json", &p));
    assert_int_equal(p.count, 2);
    assert_non_null(strstr(p.items[0], "keywords[1]"));
    assert_non_null(strstr(p.items[1], "keywords[2]"));
    bg_problems_free(&p);
    cJSON_Delete(root);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_counts),
        cmocka_unit_test(test_required_and_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
