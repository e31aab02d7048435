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

/* The built-in dictionary; config/rules/gov_work_report.json ships the same. */
static const char *const default_terms[][2] = {
    {"高质量发展", "发展理念"}, {"新发展理念", "发展理念"}, {"新发展格局", "发展理念"}, {"共同富裕", "发展理念"},
    {"乡村振兴", "农业农村"},   {"农业", "农业农村"},       {"粮食安全", "农业农村"},   {"招商引资", "产业"},
    {"专精特新", "产业"},       {"产业链", "产业"},         {"供应链", "产业"},         {"实体经济", "产业"},
    {"先进制造业", "产业"},     {"制造业", "产业"},         {"现代服务业", "产业"},     {"民营经济", "产业"},
    {"园区", "产业"},           {"项目", "产业"},           {"数字化", "科技"},         {"数字经济", "科技"},
    {"科技创新", "科技"},       {"创新", "科技"},           {"人才", "科技"},           {"新基建", "科技"},
    {"智能制造", "科技"},       {"营商环境", "改革开放"},   {"改革", "改革开放"},       {"开放", "改革开放"},
    {"放管服", "改革开放"},     {"双碳", "生态"},           {"碳达峰", "生态"},         {"碳中和", "生态"},
    {"绿色", "生态"},           {"生态环境", "生态"},       {"污染防治", "生态"},       {"城市更新", "区域"},
    {"新型城镇化", "区域"},     {"一体化", "区域"},         {"民生", "民生"},           {"就业", "民生"},
    {"教育", "民生"},           {"医疗", "民生"},           {"养老", "民生"},           {"住房", "民生"},
    {"社会保障", "民生"},       {"文化", "民生"},           {"旅游", "民生"},           {"消费", "需求"},
    {"投资", "需求"},           {"疫情", "治理"},           {"安全生产", "治理"},       {"防范化解", "治理"},
    {"法治政府", "治理"},
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
        for (size_t i = 0; ok && i < sizeof default_terms / sizeof *default_terms; i++)
            ok = add_term(r, default_terms[i][0], default_terms[i][1]);
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
