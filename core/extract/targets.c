/* targets.c — the year's main targets (主要预期目标) of one document.
 * Finds the lead-in of this year's targets passage (skipping five-year,
 * 2030 and last-year passages), cuts the passage into clauses and reads each
 * clause as indicator + verb + figure + unit + qualifier, or as a relation
 * (与经济增长同步, 低于全省平均水平). Every word list comes from the rules
 * JSON. */
#define _GNU_SOURCE
#include "extract/targets.h"

#include "budget.h"
#include "text/numbers.h"
#include "text/pattern.h"
#include "text/utf8.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const qualifier_classes[] = {"exact", "at_least", "about", "at_most", "above",
                                                "below", "in_line",  "range", NULL};

/* Classes of the words that may stand between a subject and its figure. */
enum marker_class {
    M_GROWTH,
    M_DECLINE,
    M_LEVEL,
    M_CHANGE,
    M_QUALIFIER,
    M_ASPIRATION,
    M_RESPECTIVELY,
    M_EACH,
    M_OTHER
};

struct bg_targets_rules {
    bg_units units;
    bg_words aliases; /* cls = indicator key */
    /* indicators[].patterns: whole-name patterns for families of wordings
     * (研发经费支出占地区生产总值比重, 研究与试验发展经费支出相当于生产总值的比例) */
    pcre2_code **name_patterns;
    const char **name_pattern_keys; /* borrowed from aliases.cls */
    size_t name_pattern_count;
    bg_words q_after, q_before, q_relation, range_seps;
    bg_words aspirations;
    bg_words growth, decline, level, change, prefixes, suffixes, respectively, each, joiners;
    bg_words fillers; /* between a subject and its figure, part of neither (比上年增长8%, 按增长6%安排) */
    bg_words markers; /* union of the above, cls = marker class as a one-digit
                         string */
    /* 城乡 + 分别 with two figures: 城镇…, 农村… */
    char **expand_from;
    char ***expand_to;
    size_t *expand_to_count, expand_count;
    pcre2_code *lead_in;
    pcre2_code **not_this_year, **not_this_year_sentence, **not_this_year_clause;
    size_t not_this_year_count, not_this_year_sentence_count, not_this_year_clause_count;
    pcre2_code **passage_stops, **absent;
    size_t passage_stops_count, absent_count;
};

/* ---- loading ----------------------------------------------------------------
 */

static bool load_aliases(bg_targets_rules *r, const cJSON *root, const char *file, bg_problems *p)
{
    const cJSON *indicators = cJSON_GetObjectItemCaseSensitive(root, "indicators");
    if (!cJSON_IsArray(indicators)) {
        bg_problems_add(p, "%s: indicators: expected an array of {key, label, label_en, aliases}", file);
        return false;
    }
    size_t total = 0, patterns_total = 0;
    const cJSON *item;
    cJSON_ArrayForEach(item, indicators)
    {
        const cJSON *aliases = cJSON_GetObjectItemCaseSensitive(item, "aliases");
        const cJSON *patterns = cJSON_GetObjectItemCaseSensitive(item, "patterns");
        total += cJSON_IsArray(aliases) ? (size_t)cJSON_GetArraySize(aliases) : 0;
        patterns_total += cJSON_IsArray(patterns) ? (size_t)cJSON_GetArraySize(patterns) : 0;
    }
    r->name_patterns = calloc(patterns_total + 1, sizeof *r->name_patterns);
    r->name_pattern_keys = calloc(patterns_total + 1, sizeof *r->name_pattern_keys);
    if (!r->name_patterns || !r->name_pattern_keys)
        return false;
    bg_words *w = &r->aliases;
    w->text = calloc(total + 1, sizeof *w->text);
    w->cls = calloc(total + 1, sizeof *w->cls);
    w->length = calloc(total + 1, sizeof *w->length);
    if (!w->text || !w->cls || !w->length)
        return false;
    bool ok = true;
    size_t i = 0;
    cJSON_ArrayForEach(item, indicators)
    {
        const cJSON *key = cJSON_GetObjectItemCaseSensitive(item, "key");
        const cJSON *label = cJSON_GetObjectItemCaseSensitive(item, "label");
        const cJSON *label_en = cJSON_GetObjectItemCaseSensitive(item, "label_en");
        const cJSON *aliases = cJSON_GetObjectItemCaseSensitive(item, "aliases");
        bool key_ok = cJSON_IsString(key) && key->valuestring[0];
        for (const char *c = key_ok ? key->valuestring : ""; *c; c++)
            if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '_'))
                key_ok = false;
        if (!key_ok) {
            bg_problems_add(p, "%s: indicators[%zu].key: expected a name of [a-z0-9_]", file, i);
            ok = false;
        }
        if (!cJSON_IsString(label) || !label->valuestring[0]) {
            bg_problems_add(p, "%s: indicators[%zu].label: expected a non-empty string", file, i);
            ok = false;
        }
        if (label_en && !cJSON_IsString(label_en)) {
            bg_problems_add(p, "%s: indicators[%zu].label_en: expected a string", file, i);
            ok = false;
        }
        if (!cJSON_IsArray(aliases) || cJSON_GetArraySize(aliases) == 0) {
            bg_problems_add(p, "%s: indicators[%zu].aliases: expected an array of strings", file, i);
            ok = false;
        } else {
            size_t k = 0;
            const cJSON *alias;
            cJSON_ArrayForEach(alias, aliases)
            {
                if (!cJSON_IsString(alias) || !alias->valuestring[0]) {
                    bg_problems_add(p, "%s: indicators[%zu].aliases[%zu]: expected a non-empty string", file, i, k);
                    ok = false;
                } else if (key_ok) {
                    w->text[w->count] = strdup(alias->valuestring);
                    w->cls[w->count] = strdup(key->valuestring);
                    w->length[w->count] = strlen(alias->valuestring);
                    if (!w->text[w->count] || !w->cls[w->count])
                        ok = false;
                    w->count++;
                }
                k++;
            }
        }
        const cJSON *patterns = cJSON_GetObjectItemCaseSensitive(item, "patterns");
        if (patterns && !cJSON_IsArray(patterns)) {
            bg_problems_add(p, "%s: indicators[%zu].patterns: expected an array of patterns", file, i);
            ok = false;
        } else if (patterns && key_ok && w->count > 0) {
            size_t k = 0;
            const cJSON *pattern;
            cJSON_ArrayForEach(pattern, patterns)
            {
                char path[96];
                snprintf(path, sizeof path, "indicators[%zu].patterns[%zu]", i, k++);
                pcre2_code *code = NULL;
                if (!cJSON_IsString(pattern) || !pattern->valuestring[0])
                    bg_problems_add(p, "%s: %s: expected a pattern string", file, path);
                else
                    code = bg_pattern_compile(pattern->valuestring, file, path, p);
                if (!code) {
                    ok = false;
                    continue;
                }
                r->name_patterns[r->name_pattern_count] = code;
                r->name_pattern_keys[r->name_pattern_count++] = w->cls[w->count - 1];
            }
        }
        i++;
    }
    return ok;
}

static bool load_list(bg_words *w, const cJSON *object, const char *name, const char *file, bg_problems *p)
{
    char path[96];
    snprintf(path, sizeof path, "targets.%s", name);
    return bg_words_load_array(w, cJSON_GetObjectItemCaseSensitive(object, name), file, path, p);
}

static bool add_markers(bg_words *m, const bg_words *from, enum marker_class cls)
{
    for (size_t i = 0; i < from->count; i++) {
        bool seen = false;
        for (size_t k = 0; k < m->count && !seen; k++)
            seen = strcmp(m->text[k], from->text[i]) == 0;
        if (seen)
            continue; /* the first class given to a word stays */
        char c[2] = {(char)('0' + cls), '\0'};
        m->text[m->count] = strdup(from->text[i]);
        m->cls[m->count] = strdup(c);
        m->length[m->count] = from->length[i];
        if (!m->text[m->count] || !m->cls[m->count])
            return false;
        m->count++;
    }
    return true;
}


static bool build_markers(bg_targets_rules *r)
{
    size_t total = r->growth.count + r->decline.count + r->level.count + r->change.count + r->q_before.count +
                   r->aspirations.count + r->respectively.count + r->each.count + r->fillers.count;
    bg_words *m = &r->markers;
    m->text = calloc(total + 1, sizeof *m->text);
    m->cls = calloc(total + 1, sizeof *m->cls);
    m->length = calloc(total + 1, sizeof *m->length);
    if (!m->text || !m->cls || !m->length)
        return false;
    /* level words first: 下降到 is a level, 下降 a decline */
    return add_markers(m, &r->level, M_LEVEL) && add_markers(m, &r->decline, M_DECLINE) &&
           add_markers(m, &r->growth, M_GROWTH) && add_markers(m, &r->change, M_CHANGE) &&
           add_markers(m, &r->q_before, M_QUALIFIER) && add_markers(m, &r->aspirations, M_ASPIRATION) &&
           add_markers(m, &r->respectively, M_RESPECTIVELY) && add_markers(m, &r->each, M_EACH) &&
           add_markers(m, &r->fillers, M_OTHER);
}

/* targets.respectively_expansions: {"城乡": ["城镇", "农村"]}; optional. */
static bool load_expansions(bg_targets_rules *r, const cJSON *object, const char *file, bg_problems *p)
{
    if (!object)
        return true;
    if (!cJSON_IsObject(object)) {
        bg_problems_add(p,
                        "%s: targets.respectively_expansions: expected an object "
                        "of word: [words]",
                        file);
        return false;
    }
    size_t count = (size_t)cJSON_GetArraySize(object);
    r->expand_from = calloc(count + 1, sizeof *r->expand_from);
    r->expand_to = calloc(count + 1, sizeof *r->expand_to);
    r->expand_to_count = calloc(count + 1, sizeof *r->expand_to_count);
    if (!r->expand_from || !r->expand_to || !r->expand_to_count)
        return false;
    const cJSON *item;
    cJSON_ArrayForEach(item, object)
    {
        size_t to = cJSON_IsArray(item) ? (size_t)cJSON_GetArraySize(item) : 0;
        bool ok = to >= 2 && item->string[0];
        const cJSON *w;
        cJSON_ArrayForEach(w, item) ok = ok && cJSON_IsString(w) && w->valuestring[0];
        if (!ok) {
            bg_problems_add(p,
                            "%s: targets.respectively_expansions.%s: expected an "
                            "array of two or more words",
                            file, item->string);
            return false;
        }
        size_t i = r->expand_count++;
        r->expand_from[i] = strdup(item->string);
        r->expand_to[i] = calloc(to, sizeof **r->expand_to);
        if (!r->expand_from[i] || !r->expand_to[i])
            return false;
        cJSON_ArrayForEach(w, item)
        {
            if (!(r->expand_to[i][r->expand_to_count[i]++] = strdup(w->valuestring)))
                return false;
        }
    }
    return true;
}

bg_targets_rules *bg_targets_rules_load(const cJSON *rules_root, const char *rules_file, bg_problems *problems)
{
    bg_targets_rules *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    const char *f = rules_file;
    bool ok = load_aliases(r, rules_root, f, problems);
    ok = bg_units_load(&r->units, rules_root, f, problems) && ok;
    const cJSON *q = cJSON_GetObjectItemCaseSensitive(rules_root, "qualifiers");
    if (!cJSON_IsObject(q)) {
        bg_problems_add(problems,
                        "%s: qualifiers: expected an object with after, before, "
                        "relation, range",
                        f);
        ok = false;
    } else {
        ok = bg_words_load_map(&r->q_after, cJSON_GetObjectItemCaseSensitive(q, "after"), f, "qualifiers.after",
                               qualifier_classes, problems) &&
             ok;
        ok = bg_words_load_map(&r->q_before, cJSON_GetObjectItemCaseSensitive(q, "before"), f, "qualifiers.before",
                               qualifier_classes, problems) &&
             ok;
        ok = bg_words_load_map(&r->q_relation, cJSON_GetObjectItemCaseSensitive(q, "relation"), f,
                               "qualifiers.relation", qualifier_classes, problems) &&
             ok;
        ok = bg_words_load_array(&r->range_seps, cJSON_GetObjectItemCaseSensitive(q, "range"), f, "qualifiers.range",
                                 problems) &&
             ok;
    }
    ok = bg_words_load_array(&r->aspirations, cJSON_GetObjectItemCaseSensitive(rules_root, "aspirations"), f,
                             "aspirations", problems) &&
         ok;
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(rules_root, "targets");
    if (!cJSON_IsObject(t)) {
        bg_problems_add(problems, "%s: targets: expected an object", f);
        ok = false;
    } else {
        const cJSON *lead = cJSON_GetObjectItemCaseSensitive(t, "lead_in");
        if (!cJSON_IsString(lead) || !lead->valuestring[0]) {
            bg_problems_add(problems, "%s: targets.lead_in: expected a pattern string", f);
            ok = false;
        } else if (!(r->lead_in = bg_pattern_compile(lead->valuestring, f, "targets.lead_in", problems))) {
            ok = false;
        }
        ok = bg_patterns_load(&r->not_this_year, &r->not_this_year_count,
                              cJSON_GetObjectItemCaseSensitive(t, "not_this_year"), f, "targets.not_this_year",
                              problems) &&
             ok;
        ok = bg_patterns_load(&r->not_this_year_sentence, &r->not_this_year_sentence_count,
                              cJSON_GetObjectItemCaseSensitive(t, "not_this_year_sentence"), f,
                              "targets.not_this_year_sentence", problems) &&
             ok;
        ok = bg_patterns_load(&r->not_this_year_clause, &r->not_this_year_clause_count,
                              cJSON_GetObjectItemCaseSensitive(t, "not_this_year_clause"), f,
                              "targets.not_this_year_clause", problems) &&
             ok;
        ok = bg_patterns_load(&r->passage_stops, &r->passage_stops_count,
                              cJSON_GetObjectItemCaseSensitive(t, "passage_stops"), f, "targets.passage_stops",
                              problems) &&
             ok;
        ok = bg_patterns_load(&r->absent, &r->absent_count, cJSON_GetObjectItemCaseSensitive(t, "absent"), f,
                              "targets.absent", problems) &&
             ok;
        ok = load_list(&r->growth, t, "growth_words", f, problems) && ok;
        ok = load_list(&r->decline, t, "decline_words", f, problems) && ok;
        ok = load_list(&r->level, t, "level_words", f, problems) && ok;
        ok = load_list(&r->change, t, "change_words", f, problems) && ok;
        ok = load_list(&r->prefixes, t, "subject_prefixes", f, problems) && ok;
        ok = load_list(&r->suffixes, t, "subject_suffixes", f, problems) && ok;
        ok = load_list(&r->respectively, t, "respectively", f, problems) && ok;
        ok = load_list(&r->each, t, "each", f, problems) && ok;
        ok = load_list(&r->joiners, t, "subject_joiners", f, problems) && ok;
        ok = load_list(&r->fillers, t, "fillers", f, problems) && ok;
        ok = load_expansions(r, cJSON_GetObjectItemCaseSensitive(t, "respectively_expansions"), f, problems) && ok;
    }
    if (ok && !bg_units_find(&r->units, "%")) {
        bg_problems_add(problems, "%s: units: the unit \"%%\" is required", f);
        ok = false;
    }
    if (ok)
        ok = build_markers(r);
    if (!ok) {
        bg_targets_rules_free(r);
        return NULL;
    }
    return r;
}

void bg_targets_rules_free(bg_targets_rules *r)
{
    if (!r)
        return;
    bg_units_free(&r->units);
    bg_patterns_free(r->name_patterns, r->name_pattern_count);
    free(r->name_pattern_keys);
    bg_words *lists[] = {&r->aliases,      &r->q_after, &r->q_before, &r->q_relation, &r->range_seps, &r->aspirations,
                         &r->growth,       &r->decline, &r->level,    &r->change,     &r->prefixes,   &r->suffixes,
                         &r->respectively, &r->each,    &r->joiners,  &r->markers, &r->fillers};
    for (size_t i = 0; i < sizeof lists / sizeof *lists; i++)
        bg_words_free(lists[i]);
    for (size_t i = 0; i < r->expand_count; i++) {
        for (size_t k = 0; k < r->expand_to_count[i]; k++)
            free(r->expand_to[i][k]);
        free(r->expand_to[i]);
        free(r->expand_from[i]);
    }
    free(r->expand_from);
    free(r->expand_to);
    free(r->expand_to_count);
    bg_pattern_free(r->lead_in);
    bg_patterns_free(r->not_this_year, r->not_this_year_count);
    bg_patterns_free(r->not_this_year_sentence, r->not_this_year_sentence_count);
    bg_patterns_free(r->not_this_year_clause, r->not_this_year_clause_count);
    bg_patterns_free(r->passage_stops, r->passage_stops_count);
    bg_patterns_free(r->absent, r->absent_count);
    free(r);
}

const char *bg_targets_unit_name(const bg_targets_rules *r, const char *written)
{
    size_t n = strlen(written);
    const bg_unit *u = n ? bg_units_at(&r->units, written, n, 0) : NULL;
    return u && u->length == n ? u->name : NULL;
}

/* ---- the passage -----------------------------------------------------------
 */

static bool starts_with(const char *s, size_t n, size_t at, const char *word)
{
    size_t len = strlen(word);
    return at + len <= n && memcmp(s + at, word, len) == 0;
}

static bool is_terminal_at(const char *s, size_t n, size_t at, size_t *width)
{
    static const char *const terminals[] = {"。", "！", "？", "!", "?"};
    for (size_t i = 0; i < sizeof terminals / sizeof *terminals; i++)
        if (starts_with(s, n, at, terminals[i])) {
            *width = strlen(terminals[i]);
            return true;
        }
    return false;
}

static bool is_clause_break_at(const char *s, size_t n, size_t at, size_t *width)
{
    static const char *const breaks[] = {"。", "！", "？", "!", "?", ",", ";", "，", "；"};
    for (size_t i = 0; i < sizeof breaks / sizeof *breaks; i++)
        if (starts_with(s, n, at, breaks[i])) {
            *width = strlen(breaks[i]);
            return true;
        }
    return false;
}

/* Length of an item number at s[from]: 1. 1、 (1) ① 一是; 0 when none. Not
 * (一): that numbers the work headings that follow the targets. */
static size_t enumerator_length(const char *s, size_t to, size_t from)
{
    size_t p = from;
    if (p < to && s[p] == '(')
        p++;
    size_t digits = p;
    while (p < to && s[p] >= '0' && s[p] <= '9')
        p++;
    if (p > digits && p - digits <= 2) {
        if (s[from] == '(')
            return p < to && s[p] == ')' ? p + 1 - from : 0;
        if (p < to && s[p] == '.' && !(p + 1 < to && s[p + 1] >= '0' && s[p + 1] <= '9'))
            return p + 1 - from;
        return starts_with(s, to, p, "、") ? p + 3 - from : 0;
    }
    static const char *const circled[] = {"①", "②", "③", "④", "⑤", "⑥", "⑦", "⑧", "⑨", "⑩"};
    for (size_t i = 0; i < sizeof circled / sizeof *circled; i++)
        if (starts_with(s, to, from, circled[i]))
            return strlen(circled[i]);
    static const char *const numerals[] = {"一", "二", "三", "四", "五", "六", "七", "八", "九", "十"};
    for (size_t i = 0; i < sizeof numerals / sizeof *numerals; i++)
        if (starts_with(s, to, from, numerals[i]) && starts_with(s, to, from + 3, "是"))
            return 6;
    return 0;
}

/* ---- the passage ------------------------------------------------------------ */

/* The main-targets passage ends where the text's own structure says, never
 * at a line break alone: it runs from the lead-in sentence by sentence
 * while each next sentence still states targets (an indicator with a
 * figure, a relation or an explicit absence), and stops at the first that
 * does not, at a heading (一、 (一) 第一部分, also inline after 。), at a
 * phrase that opens the tasks (重点抓好以下几个方面工作, 为实现上述目标), or
 * after PASSAGE_MAX_BYTES. A text without line breaks and the same text
 * with them give the same passage. */
enum { PASSAGE_MAX_BYTES = 6000, PASSAGE_MAX_SENTENCES = 60 };

static size_t skip_blank(const char *s, size_t from, size_t to)
{
    for (;;) {
        if (from < to && (s[from] == ' ' || s[from] == '\t' || s[from] == '\n' || s[from] == '\r'))
            from++;
        else if (starts_with(s, to, from, "\xE3\x80\x80"))
            from += 3;
        else
            return from;
    }
}

static bool is_cn_numeral_at(const char *s, size_t n, size_t at, size_t *width)
{
    static const char *const numerals[] = {"一", "二", "三", "四", "五", "六", "七", "八", "九", "十"};
    for (size_t i = 0; i < sizeof numerals / sizeof *numerals; i++)
        if (starts_with(s, n, at, numerals[i])) {
            *width = 3;
            return true;
        }
    return false;
}

/* 一、 (一) 第一部分 at s[at]: a heading of the report, which no targets
 * passage runs into. */
static bool starts_heading(const char *s, size_t n, size_t at)
{
    size_t p = at, w;
    if (starts_with(s, n, p, "第")) {
        p += 3;
        size_t k = p;
        while (is_cn_numeral_at(s, n, p, &w))
            p += w;
        return p > k && (starts_with(s, n, p, "部分") || starts_with(s, n, p, "章") || starts_with(s, n, p, "篇"));
    }
    bool paren = p < n && s[p] == '(';
    if (paren)
        p++;
    size_t k = p;
    while (is_cn_numeral_at(s, n, p, &w) && p - k < 9)
        p += w;
    if (p == k)
        return false;
    return paren ? p < n && s[p] == ')' : starts_with(s, n, p, "、");
}

/* Whether one clause s[from, to) states a target: an indicator's name with
 * a figure after it, a relation word or a marker of an absent target. */
static bool clause_states_target(const bg_targets_rules *r, const char *s, size_t from, size_t to,
                                 pcre2_match_data *md)
{
    size_t at, len, index, name_end = 0;
    if (bg_words_find(&r->aliases, s, from, to, &at, &len, &index)) {
        name_end = at + len;
    } else {
        for (size_t i = 0; i < r->name_pattern_count && !name_end; i++)
            if (bg_pattern_match(r->name_patterns[i], s + from, to - from, 0, 0, md) >= 0)
                name_end = from + pcre2_get_ovector_pointer(md)[1];
        if (!name_end)
            return false;
    }
    for (size_t p = name_end; p < to; p++)
        if (s[p] >= '0' && s[p] <= '9')
            return true;
    return bg_contains(s + name_end, to - name_end, "百分之") ||
           bg_words_find(&r->q_relation, s, name_end, to, &at, &len, &index) ||
           bg_patterns_search(r->absent, r->absent_count, s, from, to, md);
}

/* Whether the sentence s[from, to) states a target in one of its clauses. */
static bool states_target(const bg_targets_rules *r, const bg_doc *doc, size_t from, size_t to, pcre2_match_data *md)
{
    const char *s = doc->text->text;
    for (size_t at = from; at < to;) {
        size_t end = bg_break_after(doc->breaks, BG_SPAN_PHRASE, at);
        size_t comma = at;
        /* clauses at commas and semicolons, not at 、 (subject lists) */
        while (comma < end && s[comma] != ',' && s[comma] != ':')
            comma++;
        if (comma < end)
            end = comma;
        if (end > to)
            end = to;
        if (clause_states_target(r, s, at, end, md))
            return true;
        at = end < to ? end + 1 : to;
    }
    return false;
}

static size_t break_width_at(const char *s, size_t at)
{
    return (unsigned char)s[at] < 0x80 ? 1 : 3;
}

/* Whether the line break at s[at] only wraps a sentence (a PDF's layout,
 * a hard-wrapped paste): the text before it ends with no 。！？：；, and
 * the next line opens no heading or item number. */
static bool soft_break_at(const char *s, size_t n, size_t at)
{
    size_t before = at;
    while (before > 0 && (s[before - 1] == ' ' || s[before - 1] == '\t' || s[before - 1] == '\r'))
        before--;
    static const char *const hard[] = {"。", "！", "？", "：", "；", "!", "?", ":", ";"};
    for (size_t i = 0; i < sizeof hard / sizeof *hard; i++) {
        size_t len = strlen(hard[i]);
        if (before >= len && memcmp(s + before - len, hard[i], len) == 0)
            return false;
    }
    if (before == 0 || s[before - 1] == '\n')
        return false; /* an empty line ends the paragraph */
    size_t next = skip_blank(s, at + 1, n);
    if (next > at + 1 && memchr(s + at + 1, '\n', next - at - 1))
        return false;
    return next < n && !starts_heading(s, n, next) && !enumerator_length(s, n, next);
}

/* The end of the sentence that starts at s[at]: its 。！？, read across the
 * line breaks that only wrap it, up to `limit`. */
static size_t sentence_stop(const bg_doc *doc, size_t at, size_t limit)
{
    const char *s = doc->text->text;
    size_t n = doc->text->length;
    size_t stop = bg_break_after(doc->breaks, BG_SPAN_SENTENCE, at);
    while (stop < n && stop < limit && s[stop] == '\n' && soft_break_at(s, n, stop))
        stop = bg_break_after(doc->breaks, BG_SPAN_SENTENCE, stop + 1);
    return stop;
}

static size_t passage_end(const bg_targets_rules *r, const bg_doc *doc, size_t from, pcre2_match_data *md)
{
    const char *s = doc->text->text;
    size_t n = doc->text->length;
    size_t at = from, end = from;
    for (int k = 0; k < PASSAGE_MAX_SENTENCES && at < n; k++) {
        size_t stop = sentence_stop(doc, at, from + PASSAGE_MAX_BYTES);
        size_t next = stop < n ? stop + break_width_at(s, stop) : n;
        size_t start = skip_blank(s, at, stop);
        if (k > 0 && start < stop) {
            /* a sentence after the lead-in's own: still the targets? */
            /* another lead-in opens its own passage (民生方面的预期目标是：) */
            if (starts_heading(s, stop, start) ||
                bg_patterns_search(r->passage_stops, r->passage_stops_count, s, start, stop, md) ||
                bg_pattern_match(r->lead_in, s, stop, start, 0, md) >= 0 || !states_target(r, doc, start, stop, md))
                break;
        }
        if (start < stop || k == 0)
            end = stop;
        at = next;
        if (end - from > PASSAGE_MAX_BYTES)
            break;
    }
    return end;
}

/* ---- reading a clause
 * -------------------------------------------------------- */

typedef struct passage {
    const bg_text *text;
    char *c;     /* the passage without whitespace */
    size_t *map; /* c offset -> normalized offset */
    size_t n;
} passage;

typedef struct subject {
    const char *key;   /* indicator key, "other" when unknown */
    size_t start, end; /* indicator_text in c */
} subject;

typedef struct sink {
    const bg_targets_rules *r;
    const bg_breaks *breaks;
    bg_rowset *out;
    size_t table;
    const char *doc_id;
    int plan_year;
    long rows;
    bool nomem;
    /* a review's results (bg_targets_read_span): only clauses with a digit
     * that name an indicator or go on from one (…亿元，增长8.2%) are read; the
     * narrative and the counts of other things are skipped */
    bool figures_only;
    const bg_mentions *words; /* the document's mentions, for the names */
} sink;

static size_t norm_end(const passage *ps, size_t end)
{
    return end ? ps->map[end - 1] + 1 : ps->map[0];
}

static char *quote(const passage *ps, size_t start, size_t end)
{
    if (end <= start)
        return strdup("");
    return bg_text_quote(ps->text, ps->map[start], norm_end(ps, end));
}

/* Copies c[start, end) without "(…)" parentheticals: 地区生产总值(GDP) ->
 * 地区生产总值. */
static char *plain_subject(const char *c, size_t start, size_t end)
{
    char *out = malloc(end - start + 1);
    if (!out)
        return NULL;
    size_t k = 0;
    int depth = 0;
    for (size_t i = start; i < end; i++) {
        if (c[i] == '(') {
            depth++;
        } else if (c[i] == ')' && depth > 0) {
            depth--;
        } else if (starts_with(c, end, i, "（")) {
            depth++;
            i += 2;
        } else if (starts_with(c, end, i, "）") && depth > 0) {
            depth--;
            i += 2;
        } else if (!depth) {
            out[k++] = c[i];
        }
    }
    out[k] = '\0';
    return out;
}

/* Words that close a subject list before its predicate (地区生产总值、规模以上
 * 工业增加值等主要经济指标不设具体增长目标): not part of the last subject. */
static const char *const list_closers[] = {"等主要经济指标", "等主要指标", "等经济指标", "等指标", "等"};

static size_t trim_list_closer(const char *c, size_t start, size_t end)
{
    for (size_t i = 0; i < sizeof list_closers / sizeof *list_closers; i++) {
        size_t n = strlen(list_closers[i]);
        if (end >= start + n && memcmp(c + end - n, list_closers[i], n) == 0)
            return end - n;
    }
    return end;
}

/* Length of the indicator name at s[at] (an alias, or the longest match of
 * a name pattern), 0 when none; whole: the name must run to s[n]. The key
 * goes to *key. */
static size_t name_at(const bg_targets_rules *r, const char *s, size_t n, size_t at, bool whole, const char **key)
{
    size_t index, best = bg_words_at(&r->aliases, s, n, at, &index);
    if (best && (!whole || at + best == n)) {
        if (key)
            *key = r->aliases.cls[index];
    } else {
        best = 0;
    }
    if (!r->name_pattern_count || at >= n)
        return best;
    pcre2_match_data *md = pcre2_match_data_create(1, NULL);
    if (!md)
        return best;
    for (size_t i = 0; i < r->name_pattern_count; i++) {
        int rc = bg_pattern_match(r->name_patterns[i], s, n, at, (whole ? PCRE2_ENDANCHORED : 0) | PCRE2_ANCHORED, md);
        if (rc < 0)
            continue;
        size_t end = pcre2_get_ovector_pointer(md)[1];
        if (end - at > best && (!whole || end == n)) {
            best = end - at;
            if (key)
                *key = r->name_pattern_keys[i];
        }
    }
    pcre2_match_data_free(md);
    return best;
}

/* Skips subject prefixes (其中, 全县, 今年 …) and aspiration words at c[at]. */
static size_t skip_prefixes(const bg_targets_rules *r, const char *c, size_t n, size_t at, size_t *asp_start,
                            size_t *asp_end)
{
    at += enumerator_length(c, n, at); /* 2.规上工业增加值增长8% */
    /* ——地区生产总值增长7%: a list item's dash or bullet */
    static const char *const marks[] = {"—", "-", "－", "◆", "◇", "•", "●", "○", "■", "□", "▲", "★", "☆", "·"};
    for (bool more = true; more;) {
        more = false;
        for (size_t i = 0; i < sizeof marks / sizeof *marks; i++)
            if (starts_with(c, n, at, marks[i])) {
                at += strlen(marks[i]);
                more = true;
            }
    }
    for (;;) {
        size_t len = bg_words_at(&r->prefixes, c, n, at, NULL);
        size_t alen = bg_words_at(&r->aspirations, c, n, at, NULL);
        if (alen && alen >= len) {
            *asp_start = at;
            *asp_end = at + alen;
            len = alen;
        }
        if (!len)
            return at;
        /* a prefix that is the start of a name stays (全社会固定资产投资) */
        if (name_at(r, c, n, at, false, NULL) > len)
            return at;
        at += len;
    }
}

static bool holds_joiner(const bg_targets_rules *r, const char *s, size_t from, size_t to)
{
    for (size_t p = from; p < to; p++)
        if (bg_words_at(&r->joiners, s, to, p, NULL))
            return true;
    return false;
}

/* The canonical key of a subject, or NULL. region_prefix: a region name may
 * stand before the alias (株洲市地区生产总值); off for words built by cutting
 * a compound subject, where any 区/县 before an alias is an accident. */
static const char *lookup_key(const bg_targets_rules *r, const char *c, size_t start, size_t end, bool region_prefix)
{
    char *plain = plain_subject(c, start, end);
    if (!plain)
        return NULL;
    size_t n = strlen(plain), at = 0;
    for (;;) {
        size_t len = bg_words_at(&r->prefixes, plain, n, at, NULL);
        if (!len || name_at(r, plain, n, at, false, NULL) > len)
            break;
        at += len;
    }
    const char *key = NULL;
    name_at(r, plain, n, at, true, &key);
    if (!key && n > at && region_prefix) {
        /* a region name before an alias: 株洲市地区生产总值; never two
         * subjects joined (城镇和农村牧区常住居民人均可支配收入) */
        size_t best = 0;
        for (size_t i = 0; i < r->aliases.count; i++) {
            size_t l = r->aliases.length[i];
            if (l > best && l + 3 <= n - at && memcmp(plain + n - l, r->aliases.text[i], l) == 0 &&
                !holds_joiner(r, plain, at, n - l)) {
                static const char *const region_ends[] = {"省", "市", "区", "县", "州", "旗", "盟", "镇", "乡"};
                for (size_t k = 0; k < sizeof region_ends / sizeof *region_ends; k++)
                    if (memcmp(plain + n - l - 3, region_ends[k], 3) == 0) {
                        best = l;
                        key = r->aliases.cls[i];
                    }
            }
        }
    }
    free(plain);
    return key;
}

static size_t trim_suffixes(const bg_targets_rules *r, const char *c, size_t start, size_t end);

static const char *lookup(const bg_targets_rules *r, const char *c, size_t start, size_t end)
{
    return lookup_key(r, c, start, end, true);
}

bool bg_targets_rules_lexicon(bg_targets_rules *r, bg_lexicon *lex)
{
    return bg_lexicon_add(lex, &r->aliases);
}

const bg_words *bg_targets_names(const bg_targets_rules *r)
{
    return &r->aliases;
}

const char *bg_targets_indicator_of(const bg_targets_rules *r, const char *text, size_t length)
{
    if (!text || !length)
        return NULL;
    const char *key = lookup(r, text, 0, length);
    if (key)
        return key;
    /* 经济增长, 地区生产总值增速: the name before its growth word */
    size_t end = trim_suffixes(r, text, 0, length);
    return end < length && end > 0 ? lookup(r, text, 0, end) : NULL;
}

static bool is_alias(const bg_targets_rules *r, const char *c, size_t start, size_t end)
{
    return lookup(r, c, start, end) != NULL;
}

/* Drops trailing words (增长, 增速, 实现 …) that belong to the verb, unless
 * the subject is an alias only with them (经济增长). */
static size_t trim_suffixes(const bg_targets_rules *r, const char *c, size_t start, size_t end)
{
    for (;;) {
        size_t len = bg_words_ending_at(&r->suffixes, c, start, end, NULL);
        if (!len || end - len <= start)
            return end;
        if (is_alias(r, c, start, end) && !is_alias(r, c, start, end - len))
            return end;
        end -= len;
    }
}

typedef struct markers {
    bool growth, decline, level, change, respectively, each;
    bool falling_level; /* a level word that falls: 下降到, 降至, 减少到 */
    size_t q_start, q_end; /* last before-qualifier word, e.g. 控制在 */
    const char *q_cls;
    size_t asp_start, asp_end;
} markers;

/* Reads the marker words in c[from, to). */
static void read_markers(const bg_targets_rules *r, const char *c, size_t from, size_t to, markers *m)
{
    for (size_t p = from; p < to;) {
        size_t index;
        size_t len = bg_words_at(&r->markers, c, to, p, &index);
        if (!len) {
            p++;
            continue;
        }
        switch ((enum marker_class)(r->markers.cls[index][0] - '0')) {
        case M_GROWTH: m->growth = true; break;
        case M_DECLINE: m->decline = true; break;
        case M_LEVEL:
            m->level = true;
            m->falling_level = m->falling_level || bg_words_at(&r->decline, c, p + len, p, NULL) > 0 ||
                               starts_with(c, p + len, p, "降");
            break;
        case M_CHANGE: m->change = true; break;
        case M_RESPECTIVELY: m->respectively = true; break;
        case M_EACH: m->each = true; break;
        case M_ASPIRATION:
            m->asp_start = p;
            m->asp_end = p + len;
            break;
        case M_QUALIFIER: break;
        case M_OTHER: break;
        }
        size_t qi;
        size_t ql = bg_words_at(&r->q_before, c, to, p, &qi);
        if (ql == len) {
            m->q_start = p;
            m->q_end = p + len;
            m->q_cls = r->q_before.cls[qi];
        }
        p += len;
    }
}

/* Start of the run of marker words that ends at c[end]. */
static size_t markers_back(const bg_targets_rules *r, const char *c, size_t from, size_t end)
{
    while (end > from) {
        size_t len = bg_words_ending_at(&r->markers, c, from, end, NULL);
        if (!len)
            break;
        end -= len;
    }
    return end;
}

typedef struct figure {
    bg_quantity q;
    size_t qual_start, qual_end; /* after-qualifier word (以上, 左右) */
    const char *qual_cls;
} figure;

/* A figure the targets read: with a unit, or bare before a qualifier, a
 * joiner or the clause end (城乡居民收入比1.8以内). */
static bool value_at(const bg_targets_rules *r, const char *c, size_t end, size_t at, figure *v)
{
    memset(v, 0, sizeof *v);
    if (!bg_quantity_at(&r->units, &r->range_seps, c, end, at, &v->q))
        return false;
    size_t qi;
    size_t ql = bg_words_at(&r->q_after, c, end, v->q.end, &qi);
    if (!v->q.unit && !ql && v->q.end < end && !bg_words_at(&r->joiners, c, end, v->q.end, NULL))
        return false;
    if (ql) {
        v->qual_start = v->q.end;
        v->qual_end = v->q.end + ql;
        v->qual_cls = r->q_after.cls[qi];
    }
    return true;
}

static bool set_text(sink *k, bg_cell *row, const bg_table_schema *s, const char *column, const char *value)
{
    int i = bg_column_index(s, column);
    if (i < 0)
        return true;
    return bg_cell_set_cstr(k->out, &row[i], value);
}

static void set_real(bg_cell *row, const bg_table_schema *s, const char *column, double value)
{
    int i = bg_column_index(s, column);
    if (i >= 0)
        bg_cell_set_real(&row[i], value);
}

static void set_integer(bg_cell *row, const bg_table_schema *s, const char *column, long long value)
{
    int i = bg_column_index(s, column);
    if (i >= 0)
        bg_cell_set_integer(&row[i], value);
}

typedef struct target {
    const char *indicator;
    size_t ind_start, ind_end;
    const char *kind;
    bool has_value;
    double value;
    bool has_max;
    double value_max;
    const char *unit;
    const char *qualifier;
    const char *direction; /* "rise", "fall", or NULL (relations, absent targets) */
    size_t qt_start, qt_end;
    size_t ref_start, ref_end;
    size_t asp_start, asp_end;
    size_t clause_start, clause_end;
    size_t written_start, written_end; /* the figure as written: 下降3%以上 */
    bool chinese_count;                /* a count in Chinese numerals: 三个, 两个 */
} target;

/* Removes the line breaks (and the blanks around them) a PDF's layout put
 * inside a name: 社会消费\n品零售总额 is one name. */
static char *join_lines(char *s)
{
    if (!s)
        return s;
    size_t k = 0;
    for (size_t i = 0; s[i]; i++) {
        if (s[i] == '\n' || s[i] == '\r') {
            while (k > 0 && (s[k - 1] == ' ' || s[k - 1] == '\t'))
                k--;
            while (s[i + 1] == ' ' || s[i + 1] == '\t' || s[i + 1] == '\n' || s[i + 1] == '\r')
                i++;
            continue;
        }
        s[k++] = s[i];
    }
    s[k] = '\0';
    return s;
}

static void emit(sink *k, const passage *ps, const target *t)
{
    if (k->nomem)
        return;
    /* 坚持三个原则, 用好两个市场: a count in words of something no indicator
     * names is a slogan, not a target */
    if (t->chinese_count && !strcmp(t->indicator, "other"))
        return;
    const bg_table_schema *s = bg_builtin_table(BG_TABLE_TARGETS);
    bg_cell *row = bg_rowset_add(k->out, k->table);
    if (!row) {
        k->nomem = true;
        return;
    }
    k->rows++;
    char *ind_text = join_lines(quote(ps, t->ind_start, t->ind_end));
    char *qual_text = join_lines(quote(ps, t->qt_start, t->qt_end));
    char *ref = t->ref_end > t->ref_start ? join_lines(quote(ps, t->ref_start, t->ref_end)) : NULL;
    char *asp = t->asp_end > t->asp_start ? join_lines(quote(ps, t->asp_start, t->asp_end)) : NULL;
    char *sentence = bg_quote_window(ps->text, k->breaks, ps->map[t->clause_start], norm_end(ps, t->clause_end),
                                     ps->map[t->ind_start], norm_end(ps, t->ind_end));
    bool ok = ind_text && qual_text && sentence;
    ok = ok && set_text(k, row, s, "doc_id", k->doc_id);
    set_integer(row, s, "seq", k->rows);
    if (k->plan_year > 0)
        set_integer(row, s, "plan_year", k->plan_year);
    ok = ok && set_text(k, row, s, "indicator", t->indicator);
    ok = ok && set_text(k, row, s, "indicator_text", ind_text);
    ok = ok && set_text(k, row, s, "kind", t->kind);
    if (t->has_value)
        set_real(row, s, "value", t->value);
    if (t->has_max)
        set_real(row, s, "value_max", t->value_max);
    ok = ok && set_text(k, row, s, "unit", t->unit);
    ok = ok && set_text(k, row, s, "qualifier", t->qualifier);
    ok = ok && set_text(k, row, s, "qualifier_text", qual_text);
    ok = ok && set_text(k, row, s, "reference", ref);
    ok = ok && set_text(k, row, s, "aspiration", asp);
    ok = ok && set_text(k, row, s, "direction", t->direction);
    if (t->written_end > t->written_start) {
        char *written = join_lines(quote(ps, t->written_start, t->written_end));
        ok = ok && written && set_text(k, row, s, "value_text", written);
        free(written);
    }
    ok = ok && set_text(k, row, s, "sentence", sentence);
    set_integer(row, s, "offset", (long long)bg_text_char_offset(ps->text, ps->map[t->clause_start]));
    if (!ok)
        k->nomem = true;
    free(ind_text);
    free(qual_text);
    free(ref);
    free(asp);
    free(sentence);
}

/* The qualifier that is true of a signed value: 下降3%以上 (falls by at
 * least 3) is a growth of at most −3. */
static const char *signed_qualifier(const char *cls, bool negative)
{
    if (!negative)
        return cls;
    if (!strcmp(cls, "at_least"))
        return "at_most";
    if (!strcmp(cls, "at_most"))
        return "at_least";
    if (!strcmp(cls, "above"))
        return "below";
    if (!strcmp(cls, "below"))
        return "above";
    return cls;
}

/* Fills kind, value, unit, qualifier and direction of t from a figure and
 * its markers. A decline is stored as a negative value with the qualifier
 * that is true of it (qualifier_text keeps the words: 以上). */
static void read_figure(const bg_targets_rules *r, const passage *ps, const markers *m, const figure *v,
                        const figure *shared_qualifier, bool subject_grows, target *t)
{
    (void)r;
    const bg_quantity *q = &v->q;
    const char *unit = q->unit ? q->unit->name : "";
    bool percent = strcmp(unit, "%") == 0;
    bool negative = false;
    if (strcmp(unit, "pp") == 0) {
        t->kind = "change";
        negative = m->decline;
    } else if (percent && (m->growth || m->decline || subject_grows || (m->change && !m->level))) {
        t->kind = "growth";
        negative = m->decline;
    } else if (!percent && unit[0] && m->decline && !m->level) {
        /* 农村贫困人口减少1000万以上: a fall stated as an amount */
        t->kind = "change";
        negative = true;
    } else {
        t->kind = "level";
    }
    t->has_value = true;
    t->chinese_count = q->chinese && !percent;
    t->value = negative ? -q->value : q->value;
    t->has_max = q->has_max;
    t->value_max = negative ? -q->value_max : q->value_max;
    if (negative && q->has_max) { /* 下降3%—5%: from −5 to −3 */
        double low = t->value_max;
        t->value_max = t->value;
        t->value = low;
    }
    t->unit = unit;
    t->direction = negative || (!strcmp(t->kind, "level") && m->falling_level) ? "fall" : "rise";
    const figure *qv = v->qual_cls ? v : shared_qualifier;
    if (q->has_max) {
        t->qualifier = "range";
        t->qt_start = q->sep_start;
        t->qt_end = q->sep_end;
    } else if (qv && qv->qual_cls) {
        /* the last word decides: 控制在5.5%左右 is about */
        t->qualifier = signed_qualifier(qv->qual_cls, negative);
        t->qt_start = qv->qual_start;
        t->qt_end = qv->qual_end;
    } else if (m->q_cls) {
        t->qualifier = signed_qualifier(m->q_cls, negative);
        t->qt_start = m->q_start;
        t->qt_end = m->q_end;
    } else {
        t->qualifier = "exact";
        t->qt_start = t->qt_end = 0;
    }
    if (m->asp_end > m->asp_start) {
        t->asp_start = m->asp_start;
        t->asp_end = m->asp_end;
    }
    /* as written: from the subject's end (增长, 下降, 控制在 …) to the figure's
     * qualifier; a later figure of a list (…8%和9%) from its own start */
    t->written_end = qv == v && v->qual_end > q->end ? v->qual_end : q->end;
    t->written_start = t->ind_end <= q->start ? t->ind_end : q->start;
    for (size_t p = t->written_start; p < q->start; p++)
        if (ps->c[p] >= '0' && ps->c[p] <= '9') {
            t->written_start = q->start;
            break;
        }
}

static bool ends_with_growth(const bg_targets_rules *r, const char *c, size_t start, size_t end)
{
    return bg_words_ending_at(&r->growth, c, start, end, NULL) > 0;
}

typedef struct part {
    const char *key;
    size_t start, end;
} part;

/* Splits a subject list (地区生产总值、固定资产投资;
 * 城镇和农村居民人均可支配收入) into indicators. Returns the count (0 when the
 * parts are not all known). allow_other: a part outside the dictionary is
 * "other" (化学需氧量、氨氮排放量分别下降2%、1.5%: 分别 or 均 vouch for the
 * list). */
static size_t split_subjects(const bg_targets_rules *r, const char *c, size_t start, size_t end, part *parts,
                             size_t max, bool allow_other, bool *compound)
{
    *compound = false;
    size_t count = 0, from = start;
    for (size_t p = start; p <= end && count < max;) {
        size_t len = p < end ? bg_words_at(&r->joiners, c, end, p, NULL) : 0;
        if (p == end || len) {
            if (p > from) {
                parts[count].start = from;
                parts[count].end = p;
                parts[count].key = NULL;
                count++;
            }
            if (p == end)
                break;
            p += len;
            from = p;
        } else {
            p++;
        }
    }
    if (count < 2)
        return 0;
    part *last = &parts[count - 1];
    last->key = lookup(r, c, last->start, last->end);
    if (!last->key && allow_other)
        last->key = "other";
    if (!last->key)
        return 0;
    for (size_t i = 0; i + 1 < count; i++) {
        parts[i].key = lookup(r, c, parts[i].start, parts[i].end);
        if (parts[i].key)
            continue;
        /* 城镇和农村居民人均可支配收入: 城镇 + 居民人均可支配收入 */
        for (size_t cut = last->start + 1; cut < last->end && !parts[i].key; cut++) {
            if (((unsigned char)c[cut] & 0xC0) == 0x80)
                continue;
            size_t a = parts[i].end - parts[i].start, b = last->end - cut;
            char *joined = malloc(a + b + 1);
            if (!joined)
                return 0;
            memcpy(joined, c + parts[i].start, a);
            memcpy(joined + a, c + cut, b);
            joined[a + b] = '\0';
            parts[i].key = lookup_key(r, joined, 0, a + b, false);
            free(joined);
        }
        if (!parts[i].key && allow_other) {
            parts[i].key = "other";
            continue;
        }
        if (!parts[i].key)
            return 0;
        *compound = true;
    }
    return count;
}

enum { MAX_VALUES = 16, SUBJECT_MAX_BYTES = 240, LEAD_LOOKBACK_BYTES = 600 };

/* 城乡居民人均可支配收入分别增长6.5%和7%: 城镇…, 农村… (the rules' expansions),
 * when every expanded subject is known and there is one figure for each. */
static size_t expand_subject(const bg_targets_rules *r, const char *c, size_t start, size_t end, size_t figures,
                             part *parts, bool *compound)
{
    for (size_t i = 0; i < r->expand_count; i++) {
        size_t fl = strlen(r->expand_from[i]);
        if (r->expand_to_count[i] != figures || figures > MAX_VALUES || end - start <= fl ||
            memcmp(c + start, r->expand_from[i], fl) != 0)
            continue;
        size_t k = 0;
        for (; k < figures; k++) {
            size_t tl = strlen(r->expand_to[i][k]), rest = end - start - fl;
            char *joined = malloc(tl + rest + 1);
            if (!joined)
                return 0;
            memcpy(joined, r->expand_to[i][k], tl);
            memcpy(joined + tl, c + start + fl, rest);
            joined[tl + rest] = '\0';
            parts[k].key = lookup_key(r, joined, 0, tl + rest, false);
            parts[k].start = start;
            parts[k].end = end;
            free(joined);
            if (!parts[k].key)
                break;
        }
        if (k == figures) {
            *compound = true;
            return figures;
        }
    }
    return 0;
}

static bool same_units(const figure *values, size_t count)
{
    for (size_t i = 1; i < count; i++)
        if (values[i].q.unit != values[0].q.unit)
            return false;
    return true;
}

/* Whether only joiners, an aspiration word and growth verbs stand between
 * figure `before` and c[at] (增长6%以上、力争7%; 增长8%，力争增长9%). */
static bool aspiration_after(const bg_targets_rules *r, const char *c, const figure *before, size_t at)
{
    size_t p = before ? (before->qual_end ? before->qual_end : before->q.end) : 0;
    bool aspiration = false;
    while (p < at) {
        size_t len = bg_words_at(&r->joiners, c, at, p, NULL);
        if (!len && (len = bg_words_at(&r->aspirations, c, at, p, NULL)) > 0)
            aspiration = true;
        if (!len)
            len = bg_words_at(&r->growth, c, at, p, NULL);
        if (!len)
            len = bg_words_at(&r->level, c, at, p, NULL);
        if (!len)
            return false;
        p += len;
    }
    return aspiration;
}


/* An explicit absence: 地区生产总值不设具体增长目标. One row of kind absent
 * per subject, no value: "not set" is not "not found". Returns true when
 * the clause was one. */
static bool read_absent(const bg_targets_rules *r, const passage *ps, size_t cs, size_t start, size_t ce,
                        subject *prev, sink *k, const target *blank)
{
    const char *c = ps->c;
    pcre2_match_data *md = pcre2_match_data_create(4, NULL);
    if (!md)
        return false;
    size_t marker = ce;
    for (size_t i = 0; i < r->absent_count && marker == ce; i++)
        if (bg_pattern_match(r->absent[i], c + start, ce - start, 0, 0, md) >= 0)
            marker = start + pcre2_get_ovector_pointer(md)[0];
    pcre2_match_data_free(md);
    if (marker == ce)
        return false;
    size_t end = marker;
    for (bool trimmed = true; trimmed;) {
        trimmed = false;
        size_t closer = trim_list_closer(c, start, end);
        if (closer < end) {
            end = closer;
            trimmed = true;
        }
        size_t suffix = bg_words_ending_at(&r->suffixes, c, start, end, NULL);
        size_t growth = bg_words_ending_at(&r->growth, c, start, end, NULL);
        size_t cut = suffix > growth ? suffix : growth;
        if (cut && end - cut > start && !is_alias(r, c, start, end)) {
            end -= cut;
            trimmed = true;
        }
    }
    /* 我们没有提出全年经济增速具体目标: the indicator stands inside the words */
    if (end > start && !lookup(r, c, start, end)) {
        size_t at, len, index;
        if (bg_words_find(&r->aliases, c, marker, ce, &at, &len, &index)) {
            size_t from = at;
            for (size_t p = marker; p < at; p++) { /* the subject's own prefix (全年) */
                size_t plen = bg_words_at(&r->prefixes, c, at, p, NULL);
                if (plen && p + plen == at)
                    from = p;
            }
            start = from;
            end = at + len;
        }
    }
    if (end <= start)
        return false;
    part parts[MAX_VALUES];
    bool compound = false;
    size_t count = split_subjects(r, c, start, end, parts, MAX_VALUES, true, &compound);
    if (count < 2) {
        parts[0].start = start;
        parts[0].end = end;
        parts[0].key = lookup(r, c, start, end);
        if (!parts[0].key)
            parts[0].key = "other";
        count = 1;
        compound = false;
    }
    for (size_t i = 0; i < count; i++) {
        target u = *blank;
        u.indicator = parts[i].key;
        u.ind_start = compound ? start : parts[i].start;
        u.ind_end = compound ? end : parts[i].end;
        u.kind = "absent";
        u.unit = "";
        u.qualifier = "exact";
        u.qt_start = u.qt_end = 0;
        u.clause_start = cs;
        emit(k, ps, &u);
    }
    prev->key = parts[count - 1].key;
    prev->start = start;
    prev->end = end;
    return true;
}

/* Reads one clause c[cs, ce). prev: the last subject read (for 达到296亿元
 * after 增长8%, and for 实现同步增长). */
static void read_clause(const bg_targets_rules *r, const passage *ps, size_t cs, size_t ce, subject *prev, sink *k)
{
    const char *c = ps->c;
    size_t asp_start = 0, asp_end = 0;
    size_t start = skip_prefixes(r, c, ce, cs, &asp_start, &asp_end);
    /* 在上年基数(3.2亿元)的基础上增长9%: the base is no target; the subject
     * ends where the phrase begins */
    size_t base_from = ce, base_to = ce;
    const char *basis = memmem(c + start, ce - start, "基础上", 9);
    if (basis) {
        for (size_t p = (size_t)(basis - c); p-- > start;)
            if (starts_with(c, ce, p, "在")) {
                base_from = p;
                base_to = (size_t)(basis - c) + 9;
                break;
            }
    }
    /* the figures of the clause */
    figure values[MAX_VALUES];
    size_t value_count = 0;
    for (size_t p = start; p < ce && value_count < MAX_VALUES;) {
        if (p == base_from) {
            p = base_to;
            continue;
        }
        size_t alias = c[p] >= '0' && c[p] <= '9' ? bg_words_at(&r->aliases, c, ce, p, NULL) : 0;
        if (alias) {
            p += alias; /* a figure inside a name: 500万元以上固定资产投资 */
        } else if (value_at(r, c, ce, p, &values[value_count])) {
            figure *v = &values[value_count];
            size_t next = v->qual_end ? v->qual_end : v->q.end;
            /* 增长6%以上、力争7%: the firm figure is the target, the one after
             * an aspiration word only says what is hoped for */
            if (!value_count || !aspiration_after(r, c, &values[value_count - 1], v->q.start))
                value_count++;
            p = next;
        } else {
            p++;
            while (p < ce && ((unsigned char)c[p] & 0xC0) == 0x80)
                p++;
        }
    }
    target t;
    memset(&t, 0, sizeof t);
    t.clause_start = cs;
    t.clause_end = ce;
    if (value_count == 0 && read_absent(r, ps, cs, start, ce, prev, k, &t))
        return;
    if (value_count == 0) {
        /* a relation: 居民收入增长与经济增长同步, 低于全省平均水平 */
        size_t at, len, index;
        if (!bg_words_find(&r->q_relation, c, start, ce, &at, &len, &index) || at == start)
            return;
        const char *cls = r->q_relation.cls[index];
        size_t subj_end = at, ref_start = at + len, ref_end = ce;
        if (strcmp(cls, "in_line") == 0) {
            ref_start = ref_end = 0;
            for (size_t p = start; p < at; p++) {
                if (starts_with(c, at, p, "与") || starts_with(c, at, p, "和") || starts_with(c, at, p, "同")) {
                    if (p > start) {
                        subj_end = p;
                        ref_start = p + 3;
                        ref_end = at;
                    }
                }
            }
        }
        if (strcmp(cls, "in_line") == 0 && ref_end <= ref_start) {
            if (!prev->key)
                return;
            /* 地方一般公共预算收入实现同步增长: in line with the one before */
            ref_start = prev->start;
            ref_end = prev->end;
        }
        if (ref_end <= ref_start)
            return;
        if (subj_end > start + SUBJECT_MAX_BYTES) {
            start = subj_end - SUBJECT_MAX_BYTES;
            while (start < subj_end && ((unsigned char)c[start] & 0xC0) == 0x80)
                start++;
        }
        size_t mstart = markers_back(r, c, start, subj_end);
        subj_end = trim_suffixes(r, c, start, mstart > start ? mstart : subj_end);
        subj_end = trim_list_closer(c, start, subj_end);
        subj_end = trim_suffixes(r, c, start, markers_back(r, c, start, subj_end));
        if (subj_end <= start)
            return;
        /* one relation for a list of subjects (工业增加值、固定资产投资等主要
         * 指标增速均高于全省平均水平): a row for each */
        part parts[MAX_VALUES];
        bool compound = false;
        size_t count = split_subjects(r, c, start, subj_end, parts, MAX_VALUES, true, &compound);
        t.kind = "relation";
        t.unit = "";
        t.qualifier = cls;
        t.qt_start = at;
        t.qt_end = at + len;
        t.ref_start = ref_start;
        t.ref_end = ref_end;
        t.asp_start = asp_start;
        t.asp_end = asp_end;
        if (count >= 2) {
            for (size_t i = 0; i < count; i++) {
                target u = t;
                u.indicator = parts[i].key;
                u.ind_start = compound ? start : parts[i].start;
                u.ind_end = compound ? subj_end : parts[i].end;
                emit(k, ps, &u);
            }
            prev->key = parts[count - 1].key;
            prev->start = start;
            prev->end = subj_end;
            return;
        }
        t.indicator = lookup(r, c, start, subj_end);
        if (!t.indicator)
            t.indicator = "other";
        t.ind_start = start;
        t.ind_end = subj_end;
        emit(k, ps, &t);
        prev->key = t.indicator;
        prev->start = t.ind_start;
        prev->end = t.ind_end;
        return;
    }
    /* the subject and markers before the first figure; with a base phrase,
     * the subject ends where it begins and the markers follow it */
    size_t first = values[0].q.start;
    size_t mstart = markers_back(r, c, start, first);
    size_t marks_from = mstart;
    if (base_from < first && base_to <= first) {
        mstart = base_from;
        marks_from = base_to;
    }
    markers m;
    memset(&m, 0, sizeof m);
    read_markers(r, c, marks_from, first, &m);
    if (m.asp_end <= m.asp_start) {
        m.asp_start = asp_start;
        m.asp_end = asp_end;
    }
    subject subj = *prev;
    if (mstart > start + SUBJECT_MAX_BYTES) {
        /* no indicator name is that long: read only its end */
        start = mstart - SUBJECT_MAX_BYTES;
        while (start < mstart && ((unsigned char)c[start] & 0xC0) == 0x80)
            start++;
    }
    if (mstart > start) {
        subj.start = start;
        subj.end = mstart;
        /* 经济增长5%左右: the alias itself ends with the verb */
        if (!is_alias(r, c, start, mstart)) {
            size_t index, len = bg_words_at(&r->aliases, c, first, start, &index);
            if (len && start + len > mstart)
                subj.end = start + len;
        }
        subj.key = lookup(r, c, subj.start, subj.end);
        if (!subj.key)
            subj.key = "other";
    }
    if (!subj.key)
        return; /* a figure with nothing it is about */
    if (mstart == start && asp_end > asp_start)
        return; /* …增长7%以上，力争7.5%: the aspiration of the target before */
    bool subject_grows = ends_with_growth(r, c, subj.start, subj.end);

    part parts[MAX_VALUES];
    bool compound = false;
    size_t part_count =
        mstart > start ? split_subjects(r, c, subj.start, subj.end, parts, MAX_VALUES, false, &compound) : 0;
    /* 化学需氧量、氨氮排放量分别下降2%、1.5%: 分别 with one figure a subject,
     * or 均 with one figure, vouch for a list of unknown subjects */
    if (part_count < 2 && mstart > start && !is_alias(r, c, subj.start, subj.end) &&
        ((m.respectively && value_count >= 2) || (m.each && value_count == 1))) {
        part_count = split_subjects(r, c, subj.start, subj.end, parts, MAX_VALUES, true, &compound);
        if (m.respectively && part_count != value_count)
            part_count = 0;
    }
    /* 城乡居民人均可支配收入(分别)增长6%、7.5%: one figure for town, one for country */
    if (part_count < 2 && value_count >= 2 && (m.respectively || same_units(values, value_count)))
        part_count = expand_subject(r, c, subj.start, subj.end, value_count, parts, &compound);
    if (part_count >= 2 && (m.respectively || m.each || value_count == 1 || value_count == part_count)) {
        /* 分别增长7%、10% pairs in order; 均增长8% (or one figure) covers all */
        const figure *shared = values[value_count - 1].qual_cls ? &values[value_count - 1] : NULL;
        for (size_t i = 0; i < part_count; i++) {
            size_t vi = value_count == 1 ? 0 : i;
            if (vi >= value_count)
                break;
            target u = t;
            u.indicator = parts[i].key;
            u.ind_start = compound ? subj.start : parts[i].start;
            u.ind_end = compound ? subj.end : parts[i].end;
            read_figure(r, ps, &m, &values[vi], shared, subject_grows, &u);
            emit(k, ps, &u);
        }
        *prev = subj;
        prev->key = parts[part_count - 1].key;
        return;
    }
    /* one subject; later figures may bring their own (其中税收收入增长6%) */
    for (size_t i = 0; i < value_count; i++) {
        markers mi = m;
        if (i > 0) {
            size_t from = values[i - 1].qual_end ? values[i - 1].qual_end : values[i - 1].q.end;
            while (from < values[i].q.start && bg_words_at(&r->joiners, c, values[i].q.start, from, NULL))
                from += bg_words_at(&r->joiners, c, values[i].q.start, from, NULL);
            size_t a0 = 0, a1 = 0;
            from = skip_prefixes(r, c, values[i].q.start, from, &a0, &a1);
            size_t ms = markers_back(r, c, from, values[i].q.start);
            memset(&mi, 0, sizeof mi);
            read_markers(r, c, ms, values[i].q.start, &mi);
            if (!mi.growth && !mi.decline && !mi.level && !mi.change && ms == from)
                mi = m; /* 增长7%、10%: the same verb */
            if (ms > from) {
                subj.start = from;
                subj.end = ms;
                subj.key = lookup(r, c, from, ms);
                if (!subj.key)
                    subj.key = "other";
                subject_grows = ends_with_growth(r, c, subj.start, subj.end);
            }
        }
        target u = t;
        u.indicator = subj.key;
        u.ind_start = subj.start;
        u.ind_end = subj.end;
        read_figure(r, ps, &mi, &values[i], NULL, subject_grows, &u);
        emit(k, ps, &u);
    }
    *prev = subj;
}

static bool has_digit_in(const char *c, size_t from, size_t to)
{
    for (size_t i = from; i < to; i++)
        if (c[i] >= '0' && c[i] <= '9')
            return true;
    return false;
}

/* In a review (figures_only): whether the clause c[cs, ce) may state a
 * result: a digit, and a name of an indicator in it or a marker opening it
 * after a clause that had a subject (…2702.2亿元，增长3.4%). */
static bool may_state_result(const bg_targets_rules *r, const passage *ps, size_t cs, size_t ce, subject *prev,
                             const sink *k)
{
    if (!has_digit_in(ps->c, cs, ce))
        return false;
    size_t at, len;
    if (k->words && bg_lex_find(k->words, &r->aliases, ps->map[cs], norm_end(ps, ce), &at, &len, NULL))
        return true;
    if (!k->words && lookup(r, ps->c, cs, ce))
        return true;
    if (prev->key && bg_words_at(&r->markers, ps->c, ce, cs, NULL))
        return true;
    prev->key = NULL; /* a clause of something else: the subject does not carry past it */
    return false;
}

/* Reads the passage c[0, n): clauses split at ，；。 outside parentheses. */
static void read_passage(const bg_targets_rules *r, const passage *ps, pcre2_match_data *md, sink *k)
{
    subject prev = {NULL, 0, 0};
    bool skip_sentence = false;
    size_t cs = 0;
    int depth = 0;
    for (size_t p = 0; p <= ps->n && !bg_budget_exceeded();) {
        size_t w = 1;
        bool brk = p == ps->n;
        bool sentence_end = brk;
        if (!brk) {
            if (ps->c[p] == '(' || starts_with(ps->c, ps->n, p, "（"))
                depth++;
            else if ((ps->c[p] == ')' || starts_with(ps->c, ps->n, p, "）")) && depth > 0)
                depth--;
            else if (!depth && is_clause_break_at(ps->c, ps->n, p, &w)) {
                brk = true;
                size_t tw;
                sentence_end = is_terminal_at(ps->c, ps->n, p, &tw);
            }
        }
        if (brk) {
            if (p > cs) {
                /* 年均, 到2030年: multi-year goals, up to the end of the
                 * sentence; 重点抓好以下8个方面: the tasks, no target */
                if (bg_patterns_search(r->not_this_year_clause, r->not_this_year_clause_count, ps->c, cs, p, md) ||
                    bg_patterns_search(r->passage_stops, r->passage_stops_count, ps->c, cs, p, md))
                    skip_sentence = true;
                if (!skip_sentence && (!k->figures_only || may_state_result(r, ps, cs, p, &prev, k)))
                    read_clause(r, ps, cs, p, &prev, k);
            }
            if (sentence_end)
                skip_sentence = false;
            cs = p + w;
            p += w;
            continue;
        }
        p++;
    }
}

/* Whether the lead-in at text[ms, me) opens this year's passage: neither
 * its clause nor its sentence speaks of other years (今后五年, 到2025年,
 * 2021年主要预期目标 in a 2022 plan). */
static bool lead_in_is_this_year(const bg_targets_rules *r, const bg_doc *doc, size_t ms, size_t me, int plan_year,
                                 pcre2_match_data *md)
{
    const char *s = doc->text->text;
    size_t clause = bg_break_before(doc->breaks, BG_SPAN_CLAUSE, ms);
    size_t sentence = bg_break_before(doc->breaks, BG_SPAN_SENTENCE, ms);
    if (ms > clause + LEAD_LOOKBACK_BYTES)
        clause = ms - LEAD_LOOKBACK_BYTES;
    if (ms > sentence + LEAD_LOOKBACK_BYTES)
        sentence = ms - LEAD_LOOKBACK_BYTES;
    while (((unsigned char)s[clause] & 0xC0) == 0x80)
        clause++;
    while (((unsigned char)s[sentence] & 0xC0) == 0x80)
        sentence++;
    /* under a heading that itself names the review or the years ahead
     * (二、今后五年的目标任务) */
    const bg_heading *heading = doc->outline ? bg_outline_heading_before(doc->outline, ms, 0) : NULL;
    if (heading && heading->own_part && strcmp(heading->own_part, "plan") != 0) {
        /* …unless it names this year too (二、“十四五”时期主要目标和2021年工作) */
        char year[8];
        snprintf(year, sizeof year, "%d年", plan_year);
        const char *h = s + heading->offset;
        size_t hn = heading->end - heading->offset;
        if (!(plan_year > 0 && bg_contains(h, hn, year)) && !bg_contains(h, hn, "今年") && !bg_contains(h, hn, "明年"))
            return false;
    }
    if (bg_patterns_search(r->not_this_year, r->not_this_year_count, s, clause, me, md))
        return false;
    if (bg_patterns_search(r->not_this_year_sentence, r->not_this_year_sentence_count, s, sentence, me, md))
        return false;
    if (plan_year > 0) {
        /* 2021年主要预期目标 in a 2022 plan is last year's */
        for (size_t p = clause; p + 4 < me; p++) {
            if (s[p] == '2' && s[p + 1] == '0' && s[p + 2] >= '0' && s[p + 2] <= '9' && s[p + 3] >= '0' &&
                s[p + 3] <= '9' && (p == 0 || s[p - 1] < '0' || s[p - 1] > '9')) {
                int year = (s[p + 2] - '0') * 10 + (s[p + 3] - '0') + 2000;
                if (year < plan_year)
                    return false;
            }
        }
    }
    return true;
}

/* Whether the lead-in at s[lead] opens the paragraph right after s[end]
 * (民生方面的预期目标是：… after the economic targets' paragraph): only
 * blanks and breaks between, and its sentence begins with it or close. */
static bool continues_passage(const bg_doc *doc, size_t end, size_t lead)
{
    const char *s = doc->text->text;
    size_t sentence = bg_break_before(doc->breaks, BG_SPAN_SENTENCE, lead);
    if (sentence < end)
        return false;
    size_t gap = end;
    while (gap < sentence && (s[gap] == '\n' || s[gap] == ' ' || s[gap] == '\t' || s[gap] == '\r' ||
                              starts_with(s, sentence, gap, "。") || starts_with(s, sentence, gap, "\xE3\x80\x80")))
        gap += starts_with(s, sentence, gap, "。") || starts_with(s, sentence, gap, "\xE3\x80\x80") ? 3 : 1;
    return gap >= sentence && lead - sentence <= LEAD_LOOKBACK_BYTES;
}

size_t bg_targets_passages(const bg_targets_rules *r, const bg_doc *doc, bg_span *out, size_t max)
{
    const bg_text *text = doc->text;
    pcre2_match_data *md = pcre2_match_data_create(16, NULL);
    if (!md)
        return 0;
    size_t count = 0, at = 0;
    while (count < max && at < text->length && !bg_budget_exceeded()) {
        int rc = bg_pattern_match(r->lead_in, text->text, text->length, at, 0, md);
        if (rc < 0)
            break;
        PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
        size_t ms = ov[0], me = ov[1] > ov[0] ? ov[1] : ov[0] + 1;
        size_t lead_end = ov[1];
        at = me;
        if (!lead_in_is_this_year(r, doc, ms, me, doc->plan_year, md))
            continue;
        size_t end = passage_end(r, doc, lead_end, md);
        out[count++] = (bg_span){.start = lead_end, .end = end, .lead = ms};
        if (end > at)
            at = end;
    }
    pcre2_match_data_free(md);
    return count;
}

static void read_range(const bg_targets_rules *r, const bg_text *text, size_t from, size_t to, pcre2_match_data *md,
                       sink *k)
{
    passage ps = {text, NULL, NULL, 0};
    ps.c = bg_compact(text->text, from, to, true, &ps.map, &ps.n);
    if (!ps.c) {
        k->nomem = true;
        return;
    }
    read_passage(r, &ps, md, k);
    free(ps.c);
    free(ps.map);
}

long bg_targets_read_span(const bg_targets_rules *r, const bg_doc *doc, size_t from, size_t to, bg_rowset *out,
                          size_t table)
{
    sink k = {r, doc->breaks, out, table, doc->doc_id, doc->plan_year, 0, false, true, &doc->words};
    pcre2_match_data *md = pcre2_match_data_create(4, NULL);
    if (!md)
        return -1;
    read_range(r, doc->text, from, to, md, &k);
    pcre2_match_data_free(md);
    return k.nomem ? -1 : k.rows;
}

long bg_targets_extract(const bg_targets_rules *r, const bg_doc *doc, const bg_span *passages, size_t count,
                        bool *used, bg_rowset *out, size_t table)
{
    /* the lead-in decides, not the part: reviews rarely say 主要预期目标是 */
    sink k = {r, doc->breaks, out, table, doc->doc_id, doc->plan_year, 0, false, false, NULL};
    pcre2_match_data *md = pcre2_match_data_create(4, NULL);
    if (!md)
        return -1;
    for (size_t i = 0; i < count; i++)
        used[i] = false;
    /* the first this-year passage that states any target is the one… */
    size_t i = 0;
    for (; i < count && !k.rows && !k.nomem && !bg_budget_exceeded(); i++) {
        long before = k.rows;
        read_range(r, doc->text, passages[i].start, passages[i].end, md, &k);
        used[i] = k.rows > before;
    }
    /* …and the paragraphs right after it that open with a lead-in of their
     * own carry the rest of its targets */
    for (; i < count && k.rows && !k.nomem && continues_passage(doc, passages[i - 1].end, passages[i].lead); i++) {
        long before = k.rows;
        read_range(r, doc->text, passages[i].start, passages[i].end, md, &k);
        used[i] = k.rows > before;
    }
    pcre2_match_data_free(md);
    return k.nomem ? -1 : k.rows;
}
