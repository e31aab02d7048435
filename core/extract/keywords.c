/* keywords.c — policy-term frequencies (keywords.h). The terms are one word
 * list of the ruleset's lexicon; counting walks their mentions left to right,
 * the longest term starting at a place counted and what it covers skipped,
 * so 科技创新 is not also 创新. */
#include "extract/keywords.h"

#include <stdio.h>
#include <stdlib.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

/* the terms as one word list, each word's class its category */
struct bg_keywords_rules {
    bg_words terms;
};

void bg_keywords_rules_free(bg_keywords_rules *r)
{
    if (!r)
        return;
    bg_words_free(&r->terms);
    free(r);
}

static bool add_term(bg_words *w, const char *term, const char *category)
{
    size_t i = w->count;
    w->text[i] = strdup(term);
    w->cls[i] = strdup(category);
    w->length[i] = strlen(term);
    if (!w->text[i] || !w->cls[i]) {
        free(w->text[i]);
        free(w->cls[i]);
        return false;
    }
    w->count++;
    return true;
}

bg_keywords_rules *bg_keywords_rules_load(const cJSON *root, const char *file, bg_problems *p)
{
    bg_keywords_rules *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    bool ok = true;
    const cJSON *list = root ? cJSON_GetObjectItemCaseSensitive(root, "keywords") : NULL;
    if (list) {
        if (!cJSON_IsArray(list)) {
            bg_problems_add(p, "%s: keywords: must be an array of {\"term\", \"category\"}", file);
            ok = false;
        }
        size_t size = cJSON_IsArray(list) ? (size_t)cJSON_GetArraySize(list) : 0;
        r->terms.text = calloc(size ? size : 1, sizeof *r->terms.text);
        r->terms.cls = calloc(size ? size : 1, sizeof *r->terms.cls);
        r->terms.length = calloc(size ? size : 1, sizeof *r->terms.length);
        if (!r->terms.text || !r->terms.cls || !r->terms.length) {
            bg_problems_add(p, "%s: keywords: out of memory", file);
            ok = false;
            size = 0;
        }
        size_t i = 0;
        const cJSON *item;
        const cJSON *items = size ? list : NULL;
        cJSON_ArrayForEach(item, items)
        {
            const cJSON *term = cJSON_GetObjectItemCaseSensitive(item, "term");
            const cJSON *category = cJSON_GetObjectItemCaseSensitive(item, "category");
            if (!cJSON_IsString(term) || !*term->valuestring || !cJSON_IsString(category)) {
                bg_problems_add(p,
                                "%s: keywords[%zu]: needs \"term\" (non-empty) and "
                                "\"category\" strings",
                                file, i);
                ok = false;
            } else {
                for (size_t k = 0; k < r->terms.count; k++)
                    if (strcmp(r->terms.text[k], term->valuestring) == 0) {
                        bg_problems_add(p, "%s: keywords[%zu]: term '%s' is listed twice", file, i, term->valuestring);
                        ok = false;
                    }
                if (ok && !add_term(&r->terms, term->valuestring, category->valuestring))
                    ok = false;
            }
            i++;
        }
    } else {
        bg_problems_add(p, "%s: keywords: missing (an array of {\"term\", \"category\"}, [] for none)", file);
        ok = false;
    }
    if (!ok) {
        bg_keywords_rules_free(r);
        return NULL;
    }
    return r;
}

size_t bg_keywords_count(const bg_keywords_rules *r)
{
    return r->terms.count;
}

bool bg_keywords_rules_lexicon(bg_keywords_rules *r, bg_lexicon *lex)
{
    return bg_lexicon_add(lex, &r->terms);
}

void bg_keywords_count_terms(const bg_keywords_rules *r, const char *text, size_t length, size_t *counts)
{
    bg_mentions words = {.text = text, .length = length};
    bg_lex_count(&words, &r->terms, counts);
}

long bg_keywords_extract(const bg_keywords_rules *r, const bg_doc *doc, bg_rowset *out, size_t table)
{
    const bg_words *terms = &r->terms;
    size_t *counts = calloc(terms->count ? terms->count : 1, sizeof *counts);
    if (!counts)
        return -1;
    bg_lex_count(&doc->words, terms, counts);
    size_t chars = bg_text_char_count(doc->text);
    long added = 0;
    for (size_t k = 0; k < terms->count; k++) {
        if (!counts[k])
            continue;
        bg_cell *row = bg_rowset_add(out, table);
        if (!row || !bg_cell_set_cstr(out, &row[0], doc->doc_id) || !bg_cell_set_cstr(out, &row[1], terms->text[k]) ||
            !bg_cell_set_cstr(out, &row[2], terms->cls[k])) {
            free(counts);
            return -1;
        }
        bg_cell_set_integer(&row[3], (int64_t)counts[k]);
        bg_cell_set_real(&row[4], chars ? (double)counts[k] * 10000.0 / (double)chars : 0.0);
        added++;
    }
    free(counts);
    return added;
}
