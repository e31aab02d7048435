/* test_sentence.c — the one sentence, phrase and clause definition and the
 * bounded quote every row carries: spans by binary search, a long sentence
 * quoted as the clauses around the match with an ellipsis, a clause longer
 * than the limit cut around the match, never an endless widening. */
#include "text/clean.h"
#include "text/sentence.h"
#include "text/utf8.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct fixture {
    bg_text text;
    bg_breaks breaks;
} fixture;

static void prepare(fixture *f, const char *s)
{
    char msg[128];
    assert_int_equal(bg_clean_text(NULL, s, strlen(s), &f->text, msg, sizeof msg), BG_E_OK);
    assert_int_equal(bg_breaks_build(f->text.text, f->text.length, &f->breaks), BG_E_OK);
}

static void release(fixture *f)
{
    bg_breaks_free(&f->breaks);
    bg_text_free(&f->text);
}

static size_t at(const fixture *f, const char *needle)
{
    const char *p = strstr(f->text.text, needle);
    assert_non_null(p);
    return (size_t)(p - f->text.text);
}

static void test_spans(void **state)
{
    (void)state;
    fixture f;
    prepare(&f, "第一句，有逗号；还有分号。第二句！\n第三行");
    size_t s, e;
    bg_span_at(&f.breaks, BG_SPAN_SENTENCE, at(&f, "还有"), &s, &e);
    assert_int_equal(s, 0);
    assert_int_equal(e, at(&f, "。"));
    bg_span_at(&f.breaks, BG_SPAN_PHRASE, at(&f, "还有"), &s, &e);
    assert_int_equal(s, at(&f, "还有"));
    bg_span_at(&f.breaks, BG_SPAN_CLAUSE, at(&f, "有逗号"), &s, &e);
    assert_int_equal(s, at(&f, "有逗号"));
    assert_int_equal(e, at(&f, ";"));
    bg_span_at(&f.breaks, BG_SPAN_LINE, at(&f, "第三行"), &s, &e);
    assert_int_equal(s, at(&f, "第三行"));
    assert_int_equal(e, f.text.length);
    release(&f);
}

/* A sentence of 40 clauses: the quote keeps whole clauses around the
 * match, at most BG_QUOTE_MAX_CHARS characters, with … where it was cut. */
static void test_long_sentence_window(void **state)
{
    (void)state;
    char *s = malloc(8192);
    size_t n = 0;
    for (int i = 0; i < 40; i++)
        n += (size_t)sprintf(s + n, "第%02d个分句说了一些话，", i);
    sprintf(s + n, "完。");
    fixture f;
    prepare(&f, s);
    size_t m = at(&f, "第20个");
    char *q = bg_quote_window(&f.text, &f.breaks, 0, f.text.length, m, m + 3);
    assert_non_null(q);
    assert_true(bg_utf8_count(q, strlen(q)) <= BG_QUOTE_MAX_CHARS + 2);
    assert_non_null(strstr(q, "第20个分句"));
    assert_memory_equal(q, "…", 3);
    assert_memory_equal(q + strlen(q) - 3, "…", 3);
    assert_non_null(strstr(q, "，第")); /* whole clauses: cut at the commas */
    free(q);
    /* a match right after a comma (the case that once widened forever) */
    m = at(&f, "第01个");
    q = bg_quote_window(&f.text, &f.breaks, 0, f.text.length, m, m + 3);
    assert_non_null(q);
    assert_memory_equal(q, "第00个", 8); /* the sentence's start: no ellipsis there */
    free(q);
    /* a short sentence is quoted whole */
    q = bg_quote_window(&f.text, &f.breaks, at(&f, "第39"), f.text.length, at(&f, "完"), at(&f, "完") + 3);
    assert_string_equal(q, "第39个分句说了一些话，完。");
    free(q);
    release(&f);
    free(s);
}

/* One clause of 2,000 characters: cut to the limit around the match. */
static void test_clause_without_breaks(void **state)
{
    (void)state;
    char *s = malloc(8192);
    size_t n = 0;
    for (int i = 0; i < 1000; i++)
        n += (size_t)sprintf(s + n, "%s", i == 700 ? "目标" : "长文");
    s[n] = '\0';
    fixture f;
    prepare(&f, s);
    size_t m = at(&f, "目标");
    char *q = bg_quote_window(&f.text, &f.breaks, 0, f.text.length, m, m + 6);
    assert_non_null(strstr(q, "目标"));
    assert_true(bg_utf8_count(q, strlen(q)) <= BG_QUOTE_MAX_CHARS + 2);
    free(q);
    release(&f);
    free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_spans),
        cmocka_unit_test(test_long_sentence_window),
        cmocka_unit_test(test_clause_without_breaks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
