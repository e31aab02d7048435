/* test_lexicon.c — the lexicon's answers are the word-by-word answers: on
 * random texts over a small alphabet (so words overlap, repeat, nest and
 * share prefixes), every query of lexicon.h at every position and limit
 * equals the one of words.h; words in several lists, a word twice in one
 * list, a list outside the lexicon, an empty text and an empty lexicon. */
#include "extract/lexicon.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

/* characters words and texts are made of: CJK, ASCII and a full-width mark */
static const char *const alphabet[] = {"新", "增", "个", "亿", "元", "%", "以", "上", "a", "，"};
enum { ALPHABET = sizeof alphabet / sizeof *alphabet };

static uint32_t seed = 12345;
static uint32_t next_random(void)
{
    seed = seed * 1103515245u + 12345u;
    return (seed >> 16) & 0x7FFF;
}

static char *random_string(size_t chars)
{
    char *s = malloc(chars * 4 + 1);
    assert_non_null(s);
    s[0] = '\0';
    for (size_t i = 0; i < chars; i++)
        strcat(s, alphabet[next_random() % ALPHABET]);
    return s;
}

/* a list of `count` random words of 1–3 characters (duplicates allowed) */
static void random_list(bg_words *w, size_t count)
{
    memset(w, 0, sizeof *w);
    w->text = calloc(count, sizeof *w->text);
    w->cls = calloc(count, sizeof *w->cls);
    w->length = calloc(count, sizeof *w->length);
    assert_true(w->text && w->cls && w->length);
    for (size_t i = 0; i < count; i++) {
        w->text[i] = random_string(1 + next_random() % 3);
        w->length[i] = strlen(w->text[i]);
        w->count++;
    }
}

/* Every query on every position of text, both ways. */
static void compare_all(const bg_mentions *m, const bg_words *w, const char *text, size_t n, bool in_lexicon)
{
    bg_mentions plain = {.text = text, .length = n}; /* no lexicon: word by word */
    for (size_t at = 0; at <= n; at++) {
        for (size_t limit = at; limit <= n; limit += 1 + (limit - at) / 4) {
            size_t i1 = (size_t)-1, i2 = (size_t)-1;
            assert_int_equal(bg_lex_at(m, w, at, limit, &i1), bg_words_at(w, text, limit, at, &i2));
            assert_int_equal(i1, i2);
            size_t from = limit >= at ? at : limit;
            i1 = i2 = (size_t)-1;
            assert_int_equal(bg_lex_ending_at(m, w, from, limit, &i1), bg_words_ending_at(w, text, from, limit, &i2));
            assert_int_equal(i1, i2);
            size_t a1 = 0, l1 = 0, a2 = 0, l2 = 0;
            i1 = i2 = (size_t)-1;
            bool f1 = bg_lex_find(m, w, at, limit, &a1, &l1, &i1);
            bool f2 = bg_words_find(w, text, at, limit, &a2, &l2, &i2);
            assert_int_equal(f1, f2);
            if (f1) {
                assert_int_equal(a1, a2);
                assert_int_equal(l1, l2);
                assert_int_equal(i1, i2);
            }
            /* the next place a word of the lexicon starts: none is skipped */
            size_t next = bg_mentions_next(m, at, limit);
            assert_true(next >= at && next <= limit);
            for (size_t p = at; in_lexicon && p < next; p++)
                assert_int_equal(bg_lex_at(m, w, p, n, NULL), 0);
            assert_int_equal(bg_mentions_next(&plain, at, limit), at < limit ? at : limit);
        }
    }
    /* the next word from each place on, with one cursor for the whole walk */
    size_t cursor = 0;
    for (size_t from = 0; from <= n; from++) {
        size_t len1, len2, a2 = n;
        size_t a1 = bg_lex_next(m, w, from, &cursor, &len1);
        size_t i2;
        if (!bg_words_find(w, text, from, n, &a2, &len2, &i2)) {
            a2 = n;
            len2 = 0;
        }
        assert_int_equal(a1, a2);
        assert_int_equal(len1, len2);
    }
    size_t *c1 = calloc(w->count + 1, sizeof *c1), *c2 = calloc(w->count + 1, sizeof *c2);
    assert_true(c1 && c2);
    bg_lex_count(m, w, c1);
    bg_lex_count(&plain, w, c2);
    for (size_t i = 0; i < w->count; i++)
        assert_int_equal(c1[i], c2[i]);
    /* each word on its own, as repeated searches count it (a word listed
     * twice is counted on its first entry from the mentions) */
    bg_lex_count_each(m, w, c1);
    bg_lex_count_each(&plain, w, c2);
    for (size_t i = 0; i < w->count; i++) {
        bool repeated = false;
        for (size_t j = 0; j < i; j++)
            repeated = repeated || (w->length[j] == w->length[i] && !memcmp(w->text[j], w->text[i], w->length[i]));
        if (!in_lexicon || !repeated)
            assert_int_equal(c1[i], c2[i]);
    }
    free(c1);
    free(c2);
}

static void test_random_texts_agree(void **state)
{
    (void)state;
    for (int round = 0; round < 20; round++) {
        bg_words lists[3];
        bg_lexicon *lex = bg_lexicon_new();
        assert_non_null(lex);
        for (size_t l = 0; l < 3; l++) {
            random_list(&lists[l], 2 + next_random() % 8);
            assert_true(bg_lexicon_add(lex, &lists[l]));
        }
        /* the first word of list 0 also in list 1, and twice in list 2 */
        free(lists[1].text[0]);
        lists[1].text[0] = strdup(lists[0].text[0]);
        lists[1].length[0] = lists[0].length[0];
        free(lists[2].text[lists[2].count - 1]);
        lists[2].text[lists[2].count - 1] = strdup(lists[2].text[0]);
        lists[2].length[lists[2].count - 1] = lists[2].length[0];
        char *message = NULL;
        assert_int_equal(bg_lexicon_compile(lex, &message), BG_E_OK);
        assert_null(message);
        char *text = random_string(next_random() % 60);
        size_t n = strlen(text);
        bg_mentions m;
        assert_int_equal(bg_mentions_scan(lex, text, n, &m), BG_E_OK);
        for (size_t l = 0; l < 3; l++)
            compare_all(&m, &lists[l], text, n, true);
        /* a list the lexicon does not hold is matched word by word */
        bg_words outside;
        random_list(&outside, 4);
        compare_all(&m, &outside, text, n, false);
        bg_words_free(&outside);
        bg_mentions_free(&m);
        free(text);
        bg_lexicon_free(lex);
        for (size_t l = 0; l < 3; l++)
            bg_words_free(&lists[l]);
    }
}

static void test_empty(void **state)
{
    (void)state;
    bg_lexicon *lex = bg_lexicon_new();
    char *message = NULL;
    assert_int_equal(bg_lexicon_compile(lex, &message), BG_E_OK); /* no words at all */
    bg_mentions m;
    assert_int_equal(bg_mentions_scan(lex, "新增", strlen("新增"), &m), BG_E_OK);
    assert_int_equal(m.count, 0);
    assert_int_equal(bg_mentions_next(&m, 0, m.length), m.length);
    bg_mentions_free(&m);
    bg_lexicon_free(lex);

    bg_words w;
    random_list(&w, 3);
    lex = bg_lexicon_new();
    assert_true(bg_lexicon_add(lex, &w));
    assert_int_equal(bg_lexicon_compile(lex, &message), BG_E_OK);
    assert_int_equal(bg_mentions_scan(lex, "", 0, &m), BG_E_OK);
    assert_int_equal(bg_lex_at(&m, &w, 0, 0, NULL), 0);
    size_t at, len;
    assert_false(bg_lex_find(&m, &w, 0, 0, &at, &len, NULL));
    bg_mentions_free(&m);
    bg_lexicon_free(lex);
    bg_words_free(&w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_random_texts_agree),
        cmocka_unit_test(test_empty),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
