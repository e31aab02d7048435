/* keywords.c — policy-term frequencies (keywords.h). The text is scanned
 * once, left to right; at each character the longest dictionary term that
 * starts there is counted and skipped, so 科技创新 is not also 创新. */
#include "extract/keywords.h"

#include "budget.h"
#include <stdio.h>
#include <stdlib.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

typedef struct keyword {
    char *term;
    size_t length;
    char *category;
} keyword;

struct bg_keywords_rules {
    keyword *terms;
    size_t count;
};

static bool add_term(bg_keywords_rules *r, const char *term, const char *category)
{
    keyword *grown = realloc(r->terms, (r->count + 1) * sizeof *grown);
    if (!grown)
        return false;
    r->terms = grown;
    keyword *k = &r->terms[r->count];
    k->term = strdup(term);
    k->category = strdup(category);
    k->length = strlen(term);
    if (!k->term || !k->category) {
        free(k->term);
        free(k->category);
        return false;
    }
    r->count++;
    return true;
}

void bg_keywords_rules_free(bg_keywords_rules *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->count; i++) {
        free(r->terms[i].term);
        free(r->terms[i].category);
    }
    free(r->terms);
    free(r);
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
        size_t i = 0;
        const cJSON *item;
        cJSON_ArrayForEach(item, list)
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
                for (size_t k = 0; k < r->count; k++)
                    if (strcmp(r->terms[k].term, term->valuestring) == 0) {
                        bg_problems_add(p, "%s: keywords[%zu]: term '%s' is listed twice", file, i, term->valuestring);
                        ok = false;
                    }
                if (ok && !add_term(r, term->valuestring, category->valuestring))
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
    return r->count;
}

/* 16-bit hash of the first three bytes (one CJK character). */
static unsigned prefix_key(const char *s)
{
    uint32_t v = (uint32_t)(unsigned char)s[0] << 16 | (uint32_t)(unsigned char)s[1] << 8 | (unsigned char)s[2];
    return (unsigned)((v * 2654435761u) >> 16) & 0xFFFFu;
}

void bg_keywords_count_terms(const bg_keywords_rules *r, const char *text, size_t length, size_t *counts)
{
    memset(counts, 0, r->count * sizeof *counts);
    /* Which first characters start some term (a hashed bit set of their
     * first three bytes): most positions start none, so the scan over every
     * term is skipped there (it dominated run time). */
    uint8_t starts[65536 / 8];
    memset(starts, 0, sizeof starts);
    bool short_terms = false;
    for (size_t k = 0; k < r->count; k++)
        if (r->terms[k].length < 3) {
            short_terms = true;
        } else {
            unsigned key = prefix_key(r->terms[k].term);
            starts[key >> 3] |= (uint8_t)(1u << (key & 7));
        }
    size_t i = 0;
    while (i < length && !bg_budget_exceeded()) {
        size_t best = (size_t)-1, best_length = 0;
        unsigned key = i + 2 < length ? prefix_key(text + i) : 0;
        bool possible = short_terms || (i + 2 < length && (starts[key >> 3] & (1u << (key & 7))));
        for (size_t k = 0; possible && k < r->count; k++) {
            const keyword *w = &r->terms[k];
            if (w->length > best_length && i + w->length <= length && memcmp(text + i, w->term, w->length) == 0) {
                best = k;
                best_length = w->length;
            }
        }
        if (best != (size_t)-1) {
            counts[best]++;
            i += best_length;
        } else {
            i++;
            while (i < length && ((unsigned char)text[i] & 0xC0) == 0x80)
                i++;
        }
    }
}

long bg_keywords_extract(const bg_keywords_rules *r, const bg_text *text, const char *doc_id, bg_rowset *out,
                         size_t table)
{
    size_t *counts = calloc(r->count ? r->count : 1, sizeof *counts);
    if (!counts)
        return -1;
    bg_keywords_count_terms(r, text->text, text->length, counts);
    size_t chars = bg_text_char_count(text);
    long added = 0;
    for (size_t k = 0; k < r->count; k++) {
        if (!counts[k])
            continue;
        bg_cell *row = bg_rowset_add(out, table);
        if (!row || !bg_cell_set_cstr(out, &row[0], doc_id) || !bg_cell_set_cstr(out, &row[1], r->terms[k].term) ||
            !bg_cell_set_cstr(out, &row[2], r->terms[k].category)) {
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
