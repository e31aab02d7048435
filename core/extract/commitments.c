/* commitments.c — every other numeric commitment of a report (新增规上工业企业
 * 6家, 完成投资110亿元以上): a figure before a unit, outside this year's
 * targets passage, with its verb, object, qualifier, base value (万/亿
 * resolved) and the part of the report it belongs to (plan, review, outlook).
 */
#include "extract/commitments.h"

#include "budget.h"
#include "extract/targets.h"
#include "text/numbers.h"
#include "text/pattern.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const qualifier_classes[] = {"exact", "at_least", "about", "at_most", "above",
                                                "below", "in_line",  "range", NULL};

struct bg_commitments_rules {
    bg_units units;
    bg_words q_after, q_before, range_seps, aspirations;
    bg_words verbs, skip_units_after, review_markers;
    bg_words noun_words;                     /* words that hold a verb: 增加值, 保障性 */
    bg_words fillers_before, fillers_after; /* not part of an object: 上述, 年均, 要 */
    bg_words present;                        /* 今年, 全年: this year after all */
    pcre2_code **outlook, **skip_clauses;
    size_t outlook_count, skip_clause_count;
    bg_targets_rules *targets; /* to find the targets passage */
};

bg_commitments_rules *bg_commitments_rules_load(const cJSON *rules_root, const char *rules_file, bg_problems *problems)
{
    bg_commitments_rules *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    const char *f = rules_file;
    bool ok = true;
    /* units, qualifiers and the targets' own keys are reported by the targets
     * loader; checking them twice would print each problem twice */
    bg_problems quiet = {0};
    ok = bg_units_load(&r->units, rules_root, f, &quiet) && ok;
    const cJSON *q = cJSON_GetObjectItemCaseSensitive(rules_root, "qualifiers");
    ok = bg_words_load_map(&r->q_after, cJSON_GetObjectItemCaseSensitive(q, "after"), f, "qualifiers.after",
                           qualifier_classes, &quiet) &&
         ok;
    ok = bg_words_load_map(&r->q_before, cJSON_GetObjectItemCaseSensitive(q, "before"), f, "qualifiers.before",
                           qualifier_classes, &quiet) &&
         ok;
    ok = bg_words_load_array(&r->range_seps, cJSON_GetObjectItemCaseSensitive(q, "range"), f, "qualifiers.range",
                             &quiet) &&
         ok;
    ok = bg_words_load_array(&r->aspirations, cJSON_GetObjectItemCaseSensitive(rules_root, "aspirations"), f,
                             "aspirations", &quiet) &&
         ok;
    r->targets = bg_targets_rules_load(rules_root, f, &quiet);
    ok = r->targets && ok;
    bg_problems_free(&quiet);
    const cJSON *c = cJSON_GetObjectItemCaseSensitive(rules_root, "commitments");
    if (!cJSON_IsObject(c)) {
        bg_problems_add(problems, "%s: commitments: expected an object", f);
        ok = false;
    } else {
        ok = bg_words_load_array(&r->verbs, cJSON_GetObjectItemCaseSensitive(c, "verbs"), f, "commitments.verbs",
                                 problems) &&
             ok;
        ok = bg_words_load_array(&r->skip_units_after, cJSON_GetObjectItemCaseSensitive(c, "skip_units_after"), f,
                                 "commitments.skip_units_after", problems) &&
             ok;
        ok = bg_words_load_array(&r->review_markers, cJSON_GetObjectItemCaseSensitive(c, "review_markers"), f,
                                 "commitments.review_markers", problems) &&
             ok;
        ok = bg_patterns_load(&r->outlook, &r->outlook_count, cJSON_GetObjectItemCaseSensitive(c, "outlook_markers"), f,
                              "commitments.outlook_markers", problems) &&
             ok;
        ok = bg_words_load_array(&r->present, cJSON_GetObjectItemCaseSensitive(c, "present_markers"), f,
                                 "commitments.present_markers", problems) &&
             ok;
        ok = bg_words_load_array(&r->noun_words, cJSON_GetObjectItemCaseSensitive(c, "noun_words"), f,
                                 "commitments.noun_words", problems) &&
             ok;
        const cJSON *fillers = cJSON_GetObjectItemCaseSensitive(c, "object_fillers");
        ok = bg_words_load_array(&r->fillers_before, cJSON_GetObjectItemCaseSensitive(fillers, "before"), f,
                                 "commitments.object_fillers.before", problems) &&
             ok;
        ok = bg_words_load_array(&r->fillers_after, cJSON_GetObjectItemCaseSensitive(fillers, "after"), f,
                                 "commitments.object_fillers.after", problems) &&
             ok;
        ok = bg_patterns_load(&r->skip_clauses, &r->skip_clause_count,
                              cJSON_GetObjectItemCaseSensitive(c, "skip_clauses"), f, "commitments.skip_clauses",
                              problems) &&
             ok;
    }
    if (!ok) {
        bg_commitments_rules_free(r);
        return NULL;
    }
    return r;
}

void bg_commitments_rules_free(bg_commitments_rules *r)
{
    if (!r)
        return;
    bg_units_free(&r->units);
    bg_words *lists[] = {&r->q_after,          &r->q_before,       &r->range_seps,     &r->aspirations,
                         &r->verbs,            &r->skip_units_after, &r->review_markers, &r->noun_words,
                         &r->fillers_before,   &r->fillers_after,  &r->present};
    for (size_t i = 0; i < sizeof lists / sizeof *lists; i++)
        bg_words_free(lists[i]);
    bg_patterns_free(r->outlook, r->outlook_count);
    bg_patterns_free(r->skip_clauses, r->skip_clause_count);
    bg_targets_rules_free(r->targets);
    free(r);
}

static bool starts_with(const char *s, size_t n, size_t at, const char *word)
{
    size_t len = strlen(word);
    return at + len <= n && memcmp(s + at, word, len) == 0;
}

static size_t break_at(const char *s, size_t n, size_t at, bool clause)
{
    static const char *const sentence_breaks[] = {"。", "！", "？", "!", "?", ";", "；", "\n"};
    static const char *const clause_breaks[] = {"，", ",", "、", ":", "：", "(", ")", "“", "”"};
    /* Every break above is ASCII or starts with E2, E3 or EF: reject the
     * other bytes (most CJK text) at once, as this runs for every byte. */
    unsigned char c = at < n ? (unsigned char)s[at] : 0;
    if (c >= 0x80 && c != 0xE2 && c != 0xE3 && c != 0xEF)
        return 0;
    for (size_t i = 0; i < sizeof sentence_breaks / sizeof *sentence_breaks; i++)
        if (starts_with(s, n, at, sentence_breaks[i]))
            return strlen(sentence_breaks[i]);
    if (clause)
        for (size_t i = 0; i < sizeof clause_breaks / sizeof *clause_breaks; i++)
            if (starts_with(s, n, at, clause_breaks[i]))
                return strlen(clause_breaks[i]);
    return 0;
}

/* How far back from a figure its verb and object are looked for, and how
 * far ahead a counted noun: a commitment's words stand close to its figure,
 * and bounding the looks keeps the cost linear on clauses without end. */
enum { VERB_LOOKBACK_BYTES = 180, MODIFIER_LOOKAHEAD_BYTES = 120, OBJECT_AFTER_MAX_BYTES = 36 };

static size_t skip_space(const char *s, size_t n, size_t at)
{
    for (;;) {
        if (at < n && (s[at] == ' ' || s[at] == '\t'))
            at++;
        else if (starts_with(s, n, at, "\xE3\x80\x80"))
            at += 3;
        else
            return at;
    }
}

/* How far back in its sentence a figure's period is looked for. */
enum { PERIOD_LOOKBACK_BYTES = 240 };

/* The end of the last outlook mark (今后五年, 到2025年, “十四五”时期) in
 * s[from, to), or 0 when none. */
static size_t outlook_mark_end(const bg_commitments_rules *r, const char *s, size_t from, size_t to,
                               pcre2_match_data *md)
{
    size_t last = 0;
    for (size_t i = 0; i < r->outlook_count; i++)
        for (size_t at = from; at < to;) {
            if (bg_pattern_match(r->outlook[i], s + from, to - from, at - from, 0, md) < 0)
                break;
            PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
            size_t end = from + ov[1];
            if (end > last)
                last = end;
            at = end > at ? end : at + 1;
        }
    return last;
}

/* review for a paragraph opening on 一年来/过去一年; outlook when the
 * sentence, up to the figure, names a later period (今后五年, 到2025年,
 * 到二〇一〇年, “十四五”时期) and no 今年/全年 follows that mark; else what
 * the outline says (plan when there is none). */
static const char *part_of(const bg_commitments_rules *r, const bg_doc *doc, size_t at, pcre2_match_data *md)
{
    const bg_text *text = doc->text;
    const char *s = text->text;
    const bg_outline *outline = doc->outline;
    size_t line = skip_space(s, text->length, bg_break_before(doc->breaks, BG_SPAN_LINE, at));
    if (bg_words_at(&r->review_markers, s, text->length, line, NULL))
        return "review";
    size_t sentence = bg_break_before(doc->breaks, BG_SPAN_SENTENCE, at);
    if (at > sentence + PERIOD_LOOKBACK_BYTES) {
        sentence = at - PERIOD_LOOKBACK_BYTES;
        while (sentence < at && ((unsigned char)s[sentence] & 0xC0) == 0x80)
            sentence++;
    }
    size_t mark = outlook_mark_end(r, s, sentence, at, md);
    if (mark) {
        size_t found, len;
        if (!bg_words_find(&r->present, s, mark, at, &found, &len, NULL))
            return "outlook";
    }
    const char *part = outline ? bg_outline_part_at(outline, at) : NULL;
    return part ? part : "plan";
}

/* Whether the figure at s[start, end) stands inside a short quote (“三个1亿人”,
 * “两个100万”): the name of a slogan or a campaign, not a quantity. */
enum { SLOGAN_MAX_BYTES = 30 };

static bool in_short_quote(const char *s, size_t n, size_t clause, size_t start, size_t end)
{
    size_t open = start;
    bool opened = false;
    while (open >= clause && open > 0 && start - open < SLOGAN_MAX_BYTES) {
        if (open >= 3 && !memcmp(s + open - 3, "“", 3)) {
            opened = true;
            break;
        }
        if (open >= 3 && !memcmp(s + open - 3, "”", 3))
            return false;
        open--;
    }
    if (!opened)
        return false;
    for (size_t close = end; close + 3 <= n && close - open < SLOGAN_MAX_BYTES; close++) {
        if (!memcmp(s + close, "”", 3))
            return true;
        if (!memcmp(s + close, "“", 3))
            return false;
    }
    return false;
}

static bool set_text(bg_rowset *out, bg_cell *row, const char *column, const char *value)
{
    int i = bg_column_index(bg_builtin_table(BG_TABLE_COMMITMENTS), column);
    return i < 0 || bg_cell_set_cstr(out, &row[i], value);
}

static bool set_quote(bg_rowset *out, bg_cell *row, const char *column, const bg_text *text, size_t start, size_t end)
{
    if (end <= start)
        return set_text(out, row, column, "");
    char *q = bg_text_quote(text, start, end);
    if (!q)
        return false;
    bool ok = set_text(out, row, column, q);
    free(q);
    return ok;
}

static void set_number(bg_cell *row, const char *column, double value, bool integer)
{
    int i = bg_column_index(bg_builtin_table(BG_TABLE_COMMITMENTS), column);
    if (i < 0)
        return;
    if (integer)
        bg_cell_set_integer(&row[i], (long long)value);
    else
        bg_cell_set_real(&row[i], value);
}

/* 150.92亿元 is 15092000000 元, not 15091999999.999998: base units count
 * whole yuan, people and tonnes, so a product that is an integer up to
 * rounding error is that integer. */
static double base_value(double value, double factor)
{
    double base = value * factor;
    double whole = round(base);
    if (factor > 1 && fabs(base - whole) <= fabs(base) * 1e-12)
        return whole;
    return base;
}

/* Bullet marks that open list lines ("- ◆ 新增城镇就业5.2万人"): not part
 * of the sentence or the object. */
static size_t skip_bullets(const char *s, size_t limit, size_t at)
{
    static const char *const bullets[] = {"-", "*", "◆", "◇", "•", "●", "○", "■", "□", "▲", "△", "★", "☆", "·", "√"};
    for (bool again = true; again && at < limit;) {
        again = false;
        at = skip_space(s, limit, at);
        for (size_t i = 0; i < sizeof bullets / sizeof *bullets; i++)
            if (starts_with(s, limit, at, bullets[i])) {
                at += strlen(bullets[i]);
                again = true;
                break;
            }
    }
    return at;
}

/* A figure that qualifies the noun after it: more text follows in the same
 * clause (no break, no qualifier) and that clause counts something later. */
static bool is_modifier(const bg_commitments_rules *r, const bg_doc *doc, size_t end)
{
    const char *s = doc->text->text;
    size_t n = doc->text->length;
    size_t at = end + bg_words_at(&r->q_after, s, n, end, NULL);
    if (at >= n || break_at(s, n, at, true))
        return false;
    size_t clause_end = bg_break_after(doc->breaks, BG_SPAN_CLAUSE, at);
    if (clause_end > at + MODIFIER_LOOKAHEAD_BYTES)
        clause_end = at + MODIFIER_LOOKAHEAD_BYTES;
    for (size_t p = at; p < clause_end; p++) {
        bg_quantity later;
        if (s[p] >= '0' && s[p] <= '9' && (p == at || !(s[p - 1] >= '0' && s[p - 1] <= '9')) &&
            bg_quantity_at(&r->units, &r->range_seps, s, clause_end, p, &later) && later.unit)
            return true;
    }
    return false;
}

long bg_commitments_extract(const bg_commitments_rules *r, const bg_doc *doc, bg_rowset *out, size_t table)
{
    const bg_text *text = doc->text;
    const bg_outline *outline = doc->outline;
    const char *doc_id = doc->doc_id;
    const char *s = text->text;
    size_t n = text->length;
    /* this year's targets passages: their figures are targets */
    const bg_span *passages = doc->target_passages;
    size_t passage_count = doc->target_passage_count;
    pcre2_match_data *md = pcre2_match_data_create(4, NULL);
    if (!md)
        return -1;
    long rows = 0;
    size_t pi = 0;
    /* the previous row's sentence and object, for a clause that only says
     * 增长9.8% after the figure that names it */
    size_t last_sentence = (size_t)-1, last_object_start = 0, last_object_end = 0;
    for (size_t p = 0; p < n;) {
        if (bg_budget_exceeded())
            break;
        while (pi < passage_count && passages[pi].end <= p)
            pi++;
        if (pi < passage_count && p >= passages[pi].start) {
            p = passages[pi].end;
            continue;
        }
        bg_quantity q;
        if (!bg_quantity_at(&r->units, &r->range_seps, s, n, p, &q) || !q.unit ||
            bg_words_at(&r->skip_units_after, s, n, q.end, NULL)) {
            p++;
            while (p < n && ((unsigned char)s[p] & 0xC0) == 0x80)
                p++;
            continue;
        }
        size_t clause = skip_bullets(s, q.start, bg_break_before(doc->breaks, BG_SPAN_CLAUSE, q.start));
        size_t sentence = skip_bullets(s, q.start, bg_break_before(doc->breaks, BG_SPAN_PHRASE, q.start));
        size_t sentence_end = bg_break_after(doc->breaks, BG_SPAN_PHRASE, q.end);
        if (is_modifier(r, doc, q.end)) {
            /* 10亿元以上项目2个, 5000万元项目20个: the size of what is counted
             * next, not a commitment of its own. */
            p = q.end;
            continue;
        }
        /* qualifier: the last word decides (不少于…以上 is at_least either way) */
        const char *cls = "exact";
        size_t qt_start = 0, qt_end = 0, qi;
        size_t after = bg_words_at(&r->q_after, s, n, q.end, &qi);
        size_t before_index;
        size_t before = bg_words_ending_at(&r->q_before, s, clause, q.start, &before_index);
        if (q.has_max) {
            cls = "range";
            qt_start = q.sep_start;
            qt_end = q.sep_end;
        } else if (after) {
            cls = r->q_after.cls[qi];
            qt_start = q.end;
            qt_end = q.end + after;
        } else if (before) {
            cls = r->q_before.cls[before_index];
            qt_start = q.start - before;
            qt_end = q.start;
        }
        /* verb: the last one before the figure in its clause; object: what lies
         * between */
        size_t verb_start = 0, verb_end = 0;
        if (q.start > clause + VERB_LOOKBACK_BYTES) {
            clause = q.start - VERB_LOOKBACK_BYTES;
            while (clause < q.start && ((unsigned char)s[clause] & 0xC0) == 0x80)
                clause++;
        }
        if (in_short_quote(s, n, clause, q.start, q.end) ||
            bg_patterns_search(r->skip_clauses, r->skip_clause_count, s, clause, q.start, md)) {
            /* a slogan (“三个1亿人”), a result weighed against its target
             * (比年初预期目标高1.5个百分点): no commitment */
            p = q.end;
            continue;
        }
        for (size_t v = clause; v < q.start; v++) {
            size_t len = bg_words_at(&r->noun_words, s, q.start, v, NULL);
            if (len) { /* 增加值, 保障性住房, 营造林: no verb inside */
                v += len - 1;
                continue;
            }
            len = bg_words_at(&r->verbs, s, q.start, v, NULL);
            if (len) {
                verb_start = v;
                verb_end = v + len;
                v += len - 1;
            }
        }
        size_t object_start = verb_end > verb_start ? verb_end : clause;
        size_t object_end = q.start - before;
        if (verb_end > verb_start && skip_space(s, object_end, object_start) >= object_end) {
            /* 技改投资增长25%: the object stands before the verb */
            object_start = clause;
            object_end = verb_start;
        }
        for (;;) {
            object_start = skip_space(s, object_end, object_start);
            size_t len = bg_words_at(&r->aspirations, s, object_end, object_start, NULL);
            if (!len)
                len = bg_words_at(&r->fillers_before, s, object_end, object_start, NULL);
            if (!len)
                break;
            object_start += len;
        }
        for (;;) {
            while (object_end > object_start && (s[object_end - 1] == ' ' || s[object_end - 1] == '\t'))
                object_end--;
            size_t len = bg_words_ending_at(&r->fillers_after, s, object_start, object_end, NULL);
            if (!len)
                break;
            object_end -= len;
        }
        if (object_end <= object_start && !q.unit->base[0]) {
            /* 解决20万农村人口饮水安全问题: a bare 万 or 亿 counts what follows */
            size_t stop = bg_break_after(doc->breaks, BG_SPAN_CLAUSE, q.end);
            size_t limit = q.end + OBJECT_AFTER_MAX_BYTES < stop ? q.end + OBJECT_AFTER_MAX_BYTES : stop;
            while (limit > q.end && ((unsigned char)s[limit] & 0xC0) == 0x80)
                limit--;
            object_start = q.end;
            object_end = limit;
        } else if (object_end <= object_start && sentence == last_sentence && last_object_end > last_object_start) {
            /* 财政总收入51.2亿元，增长9.8%: the clause before names it */
            object_start = last_object_start;
            object_end = last_object_end;
        }
        if (object_end > object_start) {
            last_object_start = object_start;
            last_object_end = object_end;
        }
        last_sentence = sentence;
        bg_cell *row = bg_rowset_add(out, table);
        if (!row)
            goto nomem;
        rows++;
        bool ok = set_text(out, row, "doc_id", doc_id);
        set_number(row, "seq", (double)rows, true);
        ok = ok && set_text(out, row, "part", part_of(r, doc, q.start, md));
        ok = ok && set_text(out, row, "section", outline ? bg_outline_section_at(outline, q.start) : NULL);
        ok = ok && set_quote(out, row, "verb", text, verb_start, verb_end);
        ok = ok &&
             set_quote(out, row, "object", text, object_start, object_end > object_start ? object_end : object_start);
        set_number(row, "value", q.value, false);
        if (q.has_max)
            set_number(row, "value_max", q.value_max, false);
        ok = ok && set_text(out, row, "unit", q.unit->name);
        set_number(row, "base_value", base_value(q.value, q.unit->factor), false);
        ok = ok && set_text(out, row, "base_unit", q.unit->base);
        ok = ok && set_text(out, row, "qualifier", cls);
        ok = ok && set_quote(out, row, "qualifier_text", text, qt_start, qt_end);
        char *quoted = bg_quote_window(text, doc->breaks, sentence, sentence_end, q.start, q.end);
        ok = ok && quoted && set_text(out, row, "sentence", quoted);
        free(quoted);
        set_number(row, "offset", (double)bg_text_char_offset(text, q.start), true);
        if (!ok)
            goto nomem;
        p = after ? q.end + after : q.end;
    }
    pcre2_match_data_free(md);
    return rows;
nomem:
    pcre2_match_data_free(md);
    return -1;
}
