/* commitments.c — every other numeric commitment of a report (新增规上工业企业
 * 6家, 完成投资110亿元以上): a figure before a unit, outside this year's
 * targets passage, with its verb, object, qualifier, base value (万/亿
 * resolved) and the part of the report it belongs to (plan, review, outlook).
 */
#define _GNU_SOURCE /* memmem */
#include "extract/commitments.h"

#include "extract/lexicon.h"

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

/* the table's columns, looked up by name once when the rules load */
enum { COL_DOC_ID, COL_SEQ, COL_PART, COL_SECTION, COL_VERB, COL_OBJECT, COL_VALUE, COL_VALUE_MAX, COL_UNIT, COL_BASE_VALUE, COL_BASE_UNIT, COL_QUALIFIER, COL_QUALIFIER_TEXT, COL_SENTENCE, COL_OFFSET, COL_COUNT };
static const char *const column_names[COL_COUNT] = {"doc_id", "seq", "part", "section", "verb", "object", "value", "value_max", "unit", "base_value", "base_unit", "qualifier", "qualifier_text", "sentence", "offset"};

struct bg_commitments_rules {
    bg_units units;
    bg_words q_after, q_before, range_seps, aspirations;
    bg_words verbs, skip_units_after, review_markers;
    bg_words noun_words;                     /* words that hold a verb: 增加值, 保障性 */
    bg_words fillers_before, fillers_after; /* not part of an object: 上述, 年均, 要 */
    bg_words present;                        /* 今年, 全年: this year after all */
    bg_words pair_marks;                     /* 分别: a pair of figures follows */
    bg_words not_objects;                    /* 台阶, 大关: after a figure, no object */
    bg_words figure_starts;                  /* numeral characters: where a Chinese figure may start */
    int column[COL_COUNT];                   /* index in the commitments table, -1 when absent */
    pcre2_code **outlook, **skip_clauses;
    size_t outlook_count, skip_clause_count;
    bg_targets_rules *targets; /* to find the targets passage */
};

bg_commitments_rules *bg_commitments_rules_load(const cJSON *rules_root, const char *rules_file, bg_problems *problems)
{
    bg_commitments_rules *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    for (size_t i = 0; i < COL_COUNT; i++)
        r->column[i] = bg_column_index(bg_builtin_table(BG_TABLE_COMMITMENTS), column_names[i]);
    if (!bg_figure_start_words(&r->figure_starts)) {
        bg_problems_add(problems, "%s: out of memory", rules_file);
        free(r);
        return NULL;
    }
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
        /* the word lists: "key" or "object.key" under commitments */
        const struct {
            bg_words *words;
            const char *key;
        } lists[] = {{&r->verbs, "verbs"},
                     {&r->skip_units_after, "skip_units_after"},
                     {&r->review_markers, "review_markers"},
                     {&r->present, "present_markers"},
                     {&r->pair_marks, "pair_marks"},
                     {&r->not_objects, "not_objects"},
                     {&r->noun_words, "noun_words"},
                     {&r->fillers_before, "object_fillers.before"},
                     {&r->fillers_after, "object_fillers.after"}};
        for (size_t i = 0; i < sizeof lists / sizeof *lists; i++) {
            char key[64], path[96];
            snprintf(key, sizeof key, "%s", lists[i].key);
            char *dot = strchr(key, '.');
            const cJSON *at = c;
            if (dot) {
                *dot = '\0';
                at = cJSON_GetObjectItemCaseSensitive(c, key);
            }
            snprintf(path, sizeof path, "commitments.%s", lists[i].key);
            ok = bg_words_load_array(lists[i].words, cJSON_GetObjectItemCaseSensitive(at, dot ? dot + 1 : key), f,
                                     path, problems) &&
                 ok;
        }
        ok = bg_patterns_load(&r->outlook, &r->outlook_count, cJSON_GetObjectItemCaseSensitive(c, "outlook_markers"), f,
                              "commitments.outlook_markers", problems) &&
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

/* every word list of the stage, for freeing and for the lexicon */
#define COMMITMENTS_LISTS(r)                                                                                          \
    {&(r)->q_after,        &(r)->q_before,      &(r)->range_seps, &(r)->aspirations, &(r)->verbs,                   \
     &(r)->skip_units_after, &(r)->review_markers, &(r)->noun_words, &(r)->fillers_before, &(r)->fillers_after,     \
     &(r)->present,        &(r)->pair_marks,    &(r)->not_objects, &(r)->figure_starts}

bool bg_commitments_rules_lexicon(bg_commitments_rules *r, bg_lexicon *lex)
{
    bg_words *lists[] = COMMITMENTS_LISTS(r);
    for (size_t i = 0; i < sizeof lists / sizeof *lists; i++)
        if (!bg_lexicon_add(lex, lists[i]))
            return false;
    return bg_lexicon_add(lex, &r->units.words); /* the units after a figure */
}

void bg_commitments_rules_free(bg_commitments_rules *r)
{
    if (!r)
        return;
    bg_units_free(&r->units);
    bg_words *lists[] = COMMITMENTS_LISTS(r);
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
enum {
    VERB_LOOKBACK_BYTES = 180,
    MODIFIER_LOOKAHEAD_BYTES = 120,
    OBJECT_AFTER_MAX_BYTES = 36,
    OBJECT_LIST_MAX_BYTES = 60,
    LIST_MAX_BYTES = 480
};

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

static bool has_digit(const char *s, size_t from, size_t to)
{
    for (size_t i = from; i < to; i++)
        if (s[i] >= '0' && s[i] <= '9')
            return true;
    return false;
}

/* How far back in its sentence a figure's period is looked for. */
enum { PERIOD_LOOKBACK_BYTES = 240 };

/* The last year a period mark names: 到2025年 2025, 到二〇一〇年 2010,
 * “十二五”时期 2015; 0 when it names none (今后五年). */
static int mark_year(const char *s, size_t from, size_t to)
{
    for (size_t p = from; p + 4 <= to; p++) {
        bool four = true;
        for (size_t k = 0; k < 4 && four; k++)
            four = s[p + k] >= '0' && s[p + k] <= '9';
        if (four && (s[p] == '1' || s[p] == '2'))
            return (s[p] - '0') * 1000 + (s[p + 1] - '0') * 100 + (s[p + 2] - '0') * 10 + (s[p + 3] - '0');
    }
    for (size_t p = from; p + 12 <= to; p++)
        if (!memcmp(s + p, "二〇", 6)) {
            static const char *const digits[] = {"〇", "一", "二", "三", "四", "五", "六", "七", "八", "九"};
            int year = 2000;
            for (int k = 0; k < 2; k++) {
                int d = -1;
                for (int i = 0; i < 10 && d < 0; i++)
                    if (!memcmp(s + p + 6 + 3 * (size_t)k, digits[i], 3))
                        d = i;
                if (d < 0)
                    return 0;
                year += k == 0 ? 10 * d : d;
            }
            return year;
        }
    /* 十一五 … 十六五: the five years ending 2010 … 2035 */
    static const char *const plans[] = {"十一五", "十二五", "十三五", "十四五", "十五五", "十六五"};
    for (size_t i = 0; i < sizeof plans / sizeof *plans; i++) {
        size_t width = strlen(plans[i]);
        for (size_t p = from; p + width <= to; p++)
            if (!memcmp(s + p, plans[i], width))
                return 2010 + 5 * (int)i;
    }
    return 0;
}

/* The end of the last outlook mark (今后五年, 到2025年, “十四五”时期) in
 * s[from, to) that names no period already past in a plan for plan_year
 * (“十二五”时期 in a 2016 review), or 0 when none. */
static size_t outlook_mark_end(const bg_commitments_rules *r, const char *s, size_t from, size_t to, int plan_year,
                               pcre2_match_data *md)
{
    size_t last = 0;
    for (size_t i = 0; i < r->outlook_count; i++)
        for (size_t at = from; at < to;) {
            if (bg_pattern_match(r->outlook[i], s + from, to - from, at - from, 0, md) < 0)
                break;
            PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
            size_t start = from + ov[0], end = from + ov[1];
            int year = mark_year(s, start, end);
            if (end > last && !(plan_year > 0 && year > 0 && year < plan_year))
                last = end;
            at = end > at ? end : at + 1;
        }
    return last;
}

/* Whether the sentence at s[at] opens on a year before plan_year (2019年，
 * 全市地区生产总值增长7.9% in a 2020 report): last year's result. */
static bool opens_on_past_year(const char *s, size_t n, size_t at, int plan_year)
{
    if (plan_year <= 0 || at + 7 > n || !has_digit(s, at, at + 1))
        return false;
    for (size_t k = 0; k < 4; k++)
        if (!has_digit(s, at + k, at + k + 1))
            return false;
    if (!starts_with(s, n, at + 4, "年") || has_digit(s, at + 7, at + 8 <= n ? at + 8 : n))
        return false;
    int year = (int)strtol(s + at, NULL, 10);
    return year < plan_year && year > 1900;
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
    if (bg_lex_at(&doc->words, &r->review_markers, line, text->length, NULL))
        return "review";
    size_t sentence = bg_break_before(doc->breaks, BG_SPAN_SENTENCE, at);
    if (at > sentence + PERIOD_LOOKBACK_BYTES) {
        sentence = at - PERIOD_LOOKBACK_BYTES;
        while (sentence < at && ((unsigned char)s[sentence] & 0xC0) == 0x80)
            sentence++;
    }
    size_t opening = skip_space(s, at, bg_break_before(doc->breaks, BG_SPAN_PHRASE, at));
    if (opens_on_past_year(s, text->length, opening, doc->plan_year))
        return "review";
    size_t mark = outlook_mark_end(r, s, sentence, at, doc->plan_year, md);
    if (mark) {
        size_t found, len;
        if (!bg_lex_find(&doc->words, &r->present, mark, at, &found, &len, NULL))
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

static bool set_text(bg_rowset *out, bg_cell *row, int column, const char *value)
{
    return column < 0 || bg_cell_set_cstr(out, &row[column], value);
}

static bool set_quote(bg_rowset *out, bg_cell *row, int column, const bg_text *text, size_t start, size_t end)
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

static void set_number(bg_cell *row, int i, double value, bool integer)
{
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
        unsigned char c = at < limit ? (unsigned char)s[at] : 0;
        if (c != '-' && c != '*' && c != 0xE2 && c != 0xC2) /* the marks' first bytes */
            break;
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
    const bg_word_index word_index = bg_lex_index(&doc->words);
    const char *s = doc->text->text;
    size_t n = doc->text->length;
    size_t at = end + bg_lex_at(&doc->words, &r->q_after, end, n, NULL);
    if (at >= n || break_at(s, n, at, true))
        return false;
    /* 从3.5万亿元增加到5.18万亿元: a base the verb starts from */
    if (bg_lex_at(&doc->words, &r->verbs, at, n, NULL))
        return false;
    /* 分别增长8.1%和9.5%: the next figure of a list, not a counted noun */
    static const char *const joins[] = {"和", "及", "与", "或"};
    for (size_t i = 0; i < sizeof joins / sizeof *joins; i++)
        if (starts_with(s, n, at, joins[i]) && at + 3 < n && s[at + 3] >= '0' && s[at + 3] <= '9')
            return false;
    size_t clause_end = bg_break_after(doc->breaks, BG_SPAN_CLAUSE, at);
    if (clause_end > at + MODIFIER_LOOKAHEAD_BYTES)
        clause_end = at + MODIFIER_LOOKAHEAD_BYTES;
    for (size_t p = at; p < clause_end; p++) {
        bg_quantity later;
        if (s[p] >= '0' && s[p] <= '9' && (p == at || !(s[p - 1] >= '0' && s[p - 1] <= '9')) &&
            bg_quantity_at_with(&r->units, &r->range_seps, &word_index, s, clause_end, p, &later) && later.unit)
            return true;
    }
    return false;
}

/* ---- objects ------------------------------------------------------------- */

/* The objects of the rows of one phrase, for a clause that only says
 * 增长9.8% after the figure that names it and for a 分别 list whose
 * subjects stand in the clauses before it. */
enum { PHRASE_OBJECTS = 32 };

typedef struct phrase_memory {
    size_t sentence; /* the phrase the objects belong to */
    char *objects[PHRASE_OBJECTS];
    size_t count;
    size_t list_mark, list_base; /* the 分别 of the current list, count before its first figure */
} phrase_memory;

static void memory_clear(phrase_memory *m, size_t sentence)
{
    for (size_t i = 0; i < m->count; i++)
        free(m->objects[i]);
    m->count = 0;
    m->sentence = sentence;
    m->list_mark = (size_t)-1;
}

static void memory_push(phrase_memory *m, const char *object)
{
    if (m->count < PHRASE_OBJECTS && object && *object) {
        char *copy = strdup(object);
        if (copy)
            m->objects[m->count++] = copy;
    }
}

static const char *memory_last(const phrase_memory *m)
{
    return m->count ? m->objects[m->count - 1] : NULL;
}

/* A year phrase at s[at] (2017年的, 到2027年, 二〇一〇年底): a date, never
 * part of what is counted. Its length, or 0. */
static size_t year_phrase_at(const char *s, size_t n, size_t at)
{
    /* 截至2022年: a lead of at most six bytes, four digits or numerals of at
     * most twelve, then 年 — nowhere near: no year phrase */
    size_t window = n - at < 21 ? n - at : 21;
    if (at >= n || !memmem(s + at, window, "年", strlen("年")))
        return 0;
    size_t p = at;
    static const char *const leads[] = {"截至", "到", "从", "至", "在"};
    for (size_t i = 0; i < sizeof leads / sizeof *leads; i++)
        if (starts_with(s, n, p, leads[i])) {
            p += strlen(leads[i]);
            break;
        }
    size_t digits = 0;
    while (digits < 4 && p < n && s[p] >= '0' && s[p] <= '9')
        p++, digits++;
    if (digits == 0) {
        static const char *const numerals[] = {"〇", "○", "零", "一", "二", "三", "四", "五", "六", "七", "八", "九"};
        for (bool more = true; more && digits < 4;) {
            more = false;
            for (size_t i = 0; i < sizeof numerals / sizeof *numerals; i++)
                if (starts_with(s, n, p, numerals[i])) {
                    p += strlen(numerals[i]);
                    digits++;
                    more = true;
                    break;
                }
        }
    }
    if (digits != 4 || !starts_with(s, n, p, "年"))
        return 0;
    p += strlen("年");
    static const char *const tails[] = {"的", "底", "末", "以来", "全年"};
    for (size_t i = 0; i < sizeof tails / sizeof *tails; i++)
        if (starts_with(s, n, p, tails[i])) {
            p += strlen(tails[i]);
            break;
        }
    return p - at;
}

/* A year phrase that ends at s[end] (全区生产总值从2012年的|1.3万亿元): its
 * length, or 0. */
static size_t year_phrase_ending_at(const char *s, size_t from, size_t end)
{
    static const char *const tails[] = {"年的", "年底", "年末", "年"};
    for (size_t i = 0; i < sizeof tails / sizeof *tails; i++) {
        size_t w = strlen(tails[i]);
        if (end < from + w + 4 || memcmp(s + end - w, tails[i], w) != 0)
            continue;
        size_t p = end - w;
        if (!has_digit(s, p - 4, p - 3) || !has_digit(s, p - 1, p))
            return 0;
        for (size_t k = 1; k <= 4; k++)
            if (!has_digit(s, p - k, p - k + 1))
                return 0;
        p -= 4;
        if (p >= from + 3 && (!memcmp(s + p - 3, "比", 3) || !memcmp(s + p - 3, "较", 3)))
            return 0; /* 比2005年: the base of a comparison, part of what is counted */
        static const char *const leads[] = {"从", "到", "至", "在"};
        for (size_t k = 0; k < sizeof leads / sizeof *leads; k++)
            if (p >= from + 3 && !memcmp(s + p - 3, leads[k], 3)) {
                p -= 3;
                break;
            }
        return end - p;
    }
    return 0;
}

/* Trims an object span: blanks, fillers (上述, 年均, 要), year phrases. */
static void trim_object(const bg_commitments_rules *r, const bg_mentions *words, size_t *start, size_t *end)
{
    const char *s = words->text;
    for (;;) {
        *start = skip_space(s, *end, *start);
        size_t len = bg_lex_at(words, &r->aspirations, *start, *end, NULL);
        if (!len)
            len = bg_lex_at(words, &r->fillers_before, *start, *end, NULL);
        if (!len)
            len = year_phrase_at(s, *end, *start);
        if (!len || *start + len > *end)
            break;
        *start += len;
    }
    for (;;) {
        while (*end > *start && (s[*end - 1] == ' ' || s[*end - 1] == '\t'))
            (*end)--;
        size_t len = bg_lex_ending_at(words, &r->fillers_after, *start, *end, NULL);
        if (!len)
            len = year_phrase_ending_at(s, *start, *end);
        if (!len)
            break;
        *end -= len;
    }
    if (*end < *start)
        *end = *start;
}

/* 城镇/农村 and their kin: one side of a 城乡 pair. */
static bool is_side(const char *part)
{
    static const char *const sides[] = {"城镇", "农村", "城市", "农民", "农牧民"};
    for (size_t i = 0; i < sizeof sides / sizeof *sides; i++)
        if (!strcmp(part, sides[i]))
            return true;
    return false;
}

/* The object of the figure q when it stands in a list after 分别 (城镇和农村
 * 居民人均可支配收入分别增长8.1%和9.6%, 化学需氧量、氨氮…分别下降3.5%、3.2%…):
 * the subject of the same rank, else the object of the row of that rank
 * before the list in its phrase; NULL when it is no list or cannot be told. */
static char *list_object(const bg_commitments_rules *r, const bg_doc *doc, const bg_quantity *q, size_t sentence,
                         phrase_memory *mem)
{
    const bg_word_index word_index = bg_lex_index(&doc->words);
    const char *s = doc->text->text;
    size_t n = doc->text->length;
    /* a list and its subjects stand close to the figure: the looks are
     * bounded, so a phrase without punctuation costs linear time */
    size_t lowest = q->start > sentence + LIST_MAX_BYTES ? q->start - LIST_MAX_BYTES : sentence;
    while (lowest < q->start && ((unsigned char)s[lowest] & 0xC0) == 0x80)
        lowest++;
    size_t mark = 0, len, from = lowest, found;
    bool listed = false;
    while (bg_lex_find(&doc->words, &r->pair_marks, from, q->start, &found, &len, NULL)) {
        listed = true; /* the last 分别 before the figure */
        mark = found;
        from = found + len;
    }
    if (!listed)
        return NULL;
    if (mem->list_mark != mark) {
        mem->list_mark = mark;
        mem->list_base = mem->count;
    }
    /* the figures of the list: up to the clause's comma or semicolon */
    static const char *const ends[] = {"，", ",", "；", ";", "。", "\n"};
    size_t list_end = from, list_limit = from + LIST_MAX_BYTES < n ? from + LIST_MAX_BYTES : n;
    for (; list_end < list_limit; list_end++) {
        bool end = false;
        for (size_t i = 0; i < sizeof ends / sizeof *ends && !end; i++)
            end = starts_with(s, n, list_end, ends[i]);
        if (end)
            break;
    }
    size_t count = 0, index = 0;
    for (size_t p = from; p < list_end;) {
        bg_quantity f;
        if ((p == from || !(s[p - 1] >= '0' && s[p - 1] <= '9')) &&
            bg_quantity_at_with(&r->units, &r->range_seps, &word_index, s, list_end, p, &f) && f.unit) {
            if (f.start < q->start)
                index++;
            count++;
            p = f.end;
        } else {
            p++;
        }
    }
    if (count < 2 || index >= count)
        return NULL;
    /* the subjects: back from 分别 to the clause's comma */
    size_t start = mark;
    while (start > lowest) {
        bool end = false;
        for (size_t i = 0; i < 4 && !end; i++)
            end = start >= strlen(ends[i]) && starts_with(s, n, start - strlen(ends[i]), ends[i]);
        if (end || (start >= 3 && (starts_with(s, n, start - 3, "：") || s[start - 1] == ':')))
            break;
        start--;
    }
    while (start < mark && ((unsigned char)s[start] & 0xC0) == 0x80)
        start++;
    size_t end = mark;
    trim_object(r, &doc->words, &start, &end);
    /* split at 、 和 及 与 */
    size_t parts[PHRASE_OBJECTS][2], part_count = 0, part = start;
    for (size_t p = start; p <= end && part_count < PHRASE_OBJECTS;) {
        size_t w = 0;
        if (p == end)
            w = 1;
        else if (starts_with(s, end, p, "、") || starts_with(s, end, p, "和") || starts_with(s, end, p, "及") ||
                 starts_with(s, end, p, "与"))
            w = 3;
        if (w) {
            if (p > part)
                parts[part_count][0] = part, parts[part_count++][1] = p;
            part = p + w;
            p += w;
        } else {
            p++;
        }
    }
    if (part_count == count) {
        char *object = bg_text_quote(doc->text, parts[index][0], parts[index][1]);
        char *last = bg_text_quote(doc->text, parts[count - 1][0], parts[count - 1][1]);
        if (object && last && is_side(object) && strlen(last) > strlen("城镇")) {
            /* 城镇、农村居民人均可支配收入: the first side shares the rest */
            const char *rest = last + (strncmp(last, "农牧民", strlen("农牧民")) ? strlen("城镇") : strlen("农牧民"));
            size_t size = strlen(object) + strlen(rest) + 1;
            char *whole = malloc(size);
            if (whole)
                snprintf(whole, size, "%s%s", object, rest);
            free(object);
            object = whole;
        }
        free(last);
        return object;
    }
    if (part_count == 1 && count == 2) {
        char *subject = bg_text_quote(doc->text, parts[0][0], parts[0][1]);
        if (subject && !strncmp(subject, "城乡", strlen("城乡")) && strlen(subject) > strlen("城乡")) {
            /* 城乡居民人均可支配收入分别达到40238元、18143元 */
            size_t size = strlen(subject) + 1;
            char *side = malloc(size);
            if (side)
                snprintf(side, size, "%s%s", index == 0 ? "城镇" : "农村", subject + strlen("城乡"));
            free(subject);
            return side;
        }
        free(subject);
        return NULL;
    }
    if (part_count == 0 && mem->sentence == sentence && mem->list_base >= count) {
        /* 城镇…40393元，农村…19373元，分别增长8.9%和10.7% */
        const char *object = mem->objects[mem->list_base - count + index];
        return object ? strdup(object) : NULL;
    }
    return NULL;
}

/* Where the first figure with its unit (not a year) starts in s[from, to);
 * `to` when there is none. */
static size_t quantity_in(const bg_commitments_rules *r, const bg_doc *doc, size_t from, size_t to)
{
    const bg_word_index word_index = bg_lex_index(&doc->words);
    const char *s = doc->text->text;
    for (size_t p = from; p < to; p++) {
        bg_quantity f;
        if (s[p] >= '0' && s[p] <= '9' && (p == from || !(s[p - 1] >= '0' && s[p - 1] <= '9')) &&
            bg_quantity_at_with(&r->units, &r->range_seps, &word_index, s, to, p, &f) && f.unit)
            return p;
    }
    return to;
}

/* The verb and the object of the figure q whose clause starts at `clause`
 * (before: the length of a qualifier before the figure). The object is
 * malloc'ed ("" when none); NULL on no memory. */
static char *object_of(const bg_commitments_rules *r, const bg_doc *doc, const bg_quantity *q, size_t clause,
                       size_t before, size_t sentence, phrase_memory *mem, size_t *verb_start, size_t *verb_end)
{
    const bg_word_index word_index = bg_lex_index(&doc->words);
    const char *s = doc->text->text;
    size_t n = doc->text->length;
    /* 新建改扩建中小学、幼儿园12所: a list of names before the figure is one
     * object */
    while (clause >= 3 && starts_with(s, n, clause - 3, "、") && q->start - clause < VERB_LOOKBACK_BYTES) {
        size_t previous = bg_break_before(doc->breaks, BG_SPAN_CLAUSE, clause - 3);
        if (previous >= clause - 3 || clause - previous > OBJECT_LIST_MAX_BYTES || has_digit(s, previous, clause))
            break;
        clause = previous;
    }
    /* 建设“幸福屋场”100个, 完成生产总值（GDP）365.8亿元: a quote or a bracket
     * right before the figure belongs to its clause */
    static const char *const closers[][2] = {{"”", "“"}, {"）", "（"}, {")", "("}, {"》", "《"}};
    for (size_t i = 0; i < sizeof closers / sizeof *closers; i++) {
        size_t w = strlen(closers[i][0]);
        if (clause < w || !starts_with(s, n, clause - w, closers[i][0]))
            continue;
        size_t open = clause - w;
        size_t ow = strlen(closers[i][1]);
        while (open >= ow && clause - open < OBJECT_LIST_MAX_BYTES && !starts_with(s, n, open - ow, closers[i][1]))
            open--;
        if (open < ow || !starts_with(s, n, open - ow, closers[i][1]))
            break;
        size_t previous = bg_break_before(doc->breaks, BG_SPAN_CLAUSE, open - ow);
        if (previous < open - ow && open - ow - previous <= OBJECT_LIST_MAX_BYTES && !has_digit(s, previous, open - ow))
            clause = previous;
        else
            clause = open - ow;
        break;
    }
    /* verb: the last one before the figure in its clause; object: what lies
     * between */
    *verb_start = *verb_end = 0;
    const bg_mentions *words = &doc->words;
    for (size_t v = bg_mentions_next(words, clause, q->start); v < q->start;) {
        size_t len = bg_lex_at(words, &r->noun_words, v, q->start, NULL);
        if (!len && (len = bg_lex_at(words, &r->verbs, v, q->start, NULL)) > 0) {
            *verb_start = v;
            *verb_end = v + len;
        } /* else a noun (增加值, 保障性住房, 营造林): no verb inside */
        v = bg_mentions_next(words, v + (len ? len : 1), q->start);
    }
    size_t start = *verb_end > *verb_start ? *verb_end : clause;
    size_t end = q->start - before;
    trim_object(r, &doc->words, &start, &end);
    if (*verb_end > *verb_start && end <= start) {
        /* 技改投资增长25%: the object stands before the verb */
        start = clause;
        end = *verb_start;
        trim_object(r, &doc->words, &start, &end);
        size_t figure = quantity_in(r, doc, start, end);
        if (figure < end) {
            /* 全省生产总值从3.5万亿元增加到…: up to the clause's other figure;
             * 500万元以上固定资产投资增长15.8%: what follows it */
            size_t before_start = start, before_end = figure;
            trim_object(r, &doc->words, &before_start, &before_end);
            if (before_end > before_start) {
                start = before_start;
                end = before_end;
            } else {
                bg_quantity inner;
                size_t after_inner = bg_quantity_at_with(&r->units, &r->range_seps, &word_index, s, end, figure, &inner) ? inner.end
                                                                                                       : figure;
                after_inner += bg_lex_at(&doc->words, &r->q_after, after_inner, end, NULL);
                start = after_inner;
                trim_object(r, &doc->words, &start, &end);
            }
        }
    }
    if (end > start && s[start] >= '0' && s[start] <= '9' && end >= start + 3 &&
        (starts_with(s, end, end - 3, "和") || starts_with(s, end, end - 3, "、") || starts_with(s, end, end - 3, "及")))
        end = start; /* 增长8.1%和9.5%: the list's first figure, no object */
    char *listed = list_object(r, doc, q, sentence, mem);
    if (listed)
        return listed;
    if (end <= start && q->unit->base[0]) {
        /* 142个贫困村全部出列, 引进2个以上高层次人才团队: the noun after the
         * figure is what it counts */
        size_t at = q->end + bg_lex_at(&doc->words, &r->q_after, q->end, n, NULL);
        if (starts_with(s, n, at, "的"))
            at += strlen("的");
        size_t stop = bg_break_after(doc->breaks, BG_SPAN_CLAUSE, at);
        size_t limit = at + OBJECT_AFTER_MAX_BYTES < stop ? at + OBJECT_AFTER_MAX_BYTES : stop;
        size_t p = at;
        while (p < limit && !has_digit(s, p, p + 1) && !bg_lex_at(&doc->words, &r->verbs, p, limit, NULL) &&
               !bg_lex_at(&doc->words, &r->fillers_before, p, limit, NULL) && !bg_lex_at(&doc->words, &r->fillers_after, p, limit, NULL))
            p++;
        while (p > at && ((unsigned char)s[p] & 0xC0) == 0x80)
            p--;
        /* …but not the level it reaches (5万亿元台阶, 万亿元大关) */
        if (p > at && (unsigned char)s[at] >= 0x80 && !bg_lex_ending_at(&doc->words, &r->not_objects, at, p, NULL)) {
            start = at;
            end = p;
        }
    }
    if (end <= start && !q->unit->base[0]) {
        /* 解决20万农村人口饮水安全问题: a bare 万 or 亿 counts what follows */
        size_t stop = bg_break_after(doc->breaks, BG_SPAN_CLAUSE, q->end);
        size_t limit = q->end + OBJECT_AFTER_MAX_BYTES < stop ? q->end + OBJECT_AFTER_MAX_BYTES : stop;
        while (limit > q->end && ((unsigned char)s[limit] & 0xC0) == 0x80)
            limit--;
        start = q->end;
        end = limit;
    } else if (end <= start && memory_last(mem)) {
        /* 财政总收入51.2亿元，增长9.8%: the clause before names it */
        return strdup(memory_last(mem));
    }
    return end > start ? bg_text_quote(doc->text, start, end) : strdup("");
}

/* ---- the table ------------------------------------------------------------ */

long bg_commitments_extract(const bg_commitments_rules *r, const bg_doc *doc, bg_rowset *out, size_t table)
{
    const bg_word_index word_index = bg_lex_index(&doc->words);
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
    phrase_memory memory = {.sentence = (size_t)-1, .list_mark = (size_t)-1};
    /* the qualifier word before the previous figure and where that figure ends */
    struct listed {
        const char *cls;
        size_t end, qt_start, qt_end;
    } listed_before = {NULL, 0, 0, 0};
    /* the next ASCII digit and the next numeral character at or after p */
    size_t figure_cursor = 0, digit = 0, numeral = bg_lex_next(&doc->words, &r->figure_starts, 0, &figure_cursor, &(size_t){0});
    while (digit < n && !(s[digit] >= '0' && s[digit] <= '9'))
        digit++;
    struct shared_quote {
        char *quote;
        size_t from, to;
    } shared = {NULL, 0, 0};
    for (size_t p = 0; p < n;) {
        if (bg_budget_exceeded())
            break;
        while (pi < passage_count && passages[pi].end <= p)
            pi++;
        if (pi < passage_count && p >= passages[pi].start) {
            p = passages[pi].end;
            continue;
        }
        /* the next place a figure may start, from the lexicon's mentions */
        if (digit < p) /* the next ASCII digit, found again only once passed */
            for (digit = p; digit < n && !(s[digit] >= '0' && s[digit] <= '9');)
                digit++;
        if (numeral < p)
            numeral = bg_lex_next(&doc->words, &r->figure_starts, p, &figure_cursor, &(size_t){0});
        size_t figure = digit < numeral ? digit : numeral;
        if (figure >= n)
            break;
        if (figure > p) {
            p = figure;
            continue;
        }
        bg_quantity q;
        if (!bg_quantity_at_with(&r->units, &r->range_seps, &word_index, s, n, p, &q) || !q.unit ||
            bg_lex_at(&doc->words, &r->skip_units_after, q.end, n, NULL)) {
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
        size_t after = bg_lex_at(&doc->words, &r->q_after, q.end, n, &qi);
        size_t before_index;
        size_t before = bg_lex_ending_at(&doc->words, &r->q_before, clause, q.start, &before_index);
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
        } else if (listed_before.cls && q.start == listed_before.end + strlen("、") &&
                   starts_with(s, n, listed_before.end, "、")) {
            /* 跨越2万亿元、2.5万亿元两个台阶: one word before a list of figures */
            cls = listed_before.cls;
            qt_start = listed_before.qt_start;
            qt_end = listed_before.qt_end;
        }
        listed_before = (struct listed){before || (listed_before.cls && cls == listed_before.cls) ? cls : NULL,
                                        q.end + after, qt_start, qt_end};
        if (q.start > clause + VERB_LOOKBACK_BYTES) {
            clause = q.start - VERB_LOOKBACK_BYTES;
            while (clause < q.start && ((unsigned char)s[clause] & 0xC0) == 0x80)
                clause++;
        }
        if (in_short_quote(s, n, clause, q.start, q.end) ||
            bg_patterns_search(r->skip_clauses, r->skip_clause_count, s, clause, q.end, md)) {
            /* a slogan (“三个1亿人”), a result weighed against its target
             * (比年初预期目标高1.5个百分点): no commitment */
            p = q.end;
            continue;
        }
        if (sentence != memory.sentence)
            memory_clear(&memory, sentence);
        size_t verb_start, verb_end;
        char *object = object_of(r, doc, &q, clause, before, sentence, &memory, &verb_start, &verb_end);
        if (!object)
            goto nomem;
        memory_push(&memory, object);
        bg_cell *row = bg_rowset_add(out, table);
        if (!row) {
            free(object);
            goto nomem;
        }
        rows++;
        bool ok = set_text(out, row, r->column[COL_DOC_ID], doc_id);
        set_number(row, r->column[COL_SEQ], (double)rows, true);
        ok = ok && set_text(out, row, r->column[COL_PART], part_of(r, doc, q.start, md));
        ok = ok && set_text(out, row, r->column[COL_SECTION], outline ? bg_outline_section_at(outline, q.start) : NULL);
        ok = ok && set_quote(out, row, r->column[COL_VERB], text, verb_start, verb_end);
        ok = ok && set_text(out, row, r->column[COL_OBJECT], object);
        free(object);
        set_number(row, r->column[COL_VALUE], q.value, false);
        if (q.has_max)
            set_number(row, r->column[COL_VALUE_MAX], q.value_max, false);
        ok = ok && set_text(out, row, r->column[COL_UNIT], q.unit->name);
        set_number(row, r->column[COL_BASE_VALUE], base_value(q.value, q.unit->factor), false);
        ok = ok && set_text(out, row, r->column[COL_BASE_UNIT], q.unit->base);
        ok = ok && set_text(out, row, r->column[COL_QUALIFIER], cls);
        ok = ok && set_quote(out, row, r->column[COL_QUALIFIER_TEXT], text, qt_start, qt_end);
        /* a sentence short enough to be quoted whole is quoted once for
         * all its figures */
        if (!shared.quote || shared.from != sentence || shared.to != sentence_end) {
            free(shared.quote);
            shared.quote = NULL;
            char *quoted = bg_quote_window(text, doc->breaks, sentence, sentence_end, q.start, q.end);
            if (quoted && bg_quote_whole(text, sentence, sentence_end)) {
                shared = (struct shared_quote){quoted, sentence, sentence_end};
            } else {
                ok = ok && quoted && set_text(out, row, r->column[COL_SENTENCE], quoted);
                free(quoted);
                quoted = NULL;
                if (!ok)
                    goto nomem;
            }
        }
        ok = ok && (!shared.quote || (shared.from == sentence && shared.to == sentence_end &&
                                      set_text(out, row, r->column[COL_SENTENCE], shared.quote)));
        set_number(row, r->column[COL_OFFSET], (double)bg_text_char_offset(text, q.start), true);
        if (!ok)
            goto nomem;
        p = after ? q.end + after : q.end;
    }
    free(shared.quote);
    memory_clear(&memory, 0);
    pcre2_match_data_free(md);
    return rows;
nomem:
    free(shared.quote);
    memory_clear(&memory, 0);
    pcre2_match_data_free(md);
    return -1;
}
