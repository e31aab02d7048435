/* outcomes.c — last year's stated results (see outcomes.h). A sentence is
 * read when it stands in the review part, or opens on last year (2021年， in
 * a 2022 report; 去年, 过去一年), and neither belongs to a multi-year review
 * (过去五年) nor opens on another year; each of its clauses is read by the
 * targets' clause reader, and a figure is kept when its clause quotes no
 * target, average or total, names no other year, and its indicator's
 * result of that kind has not been stated before in the report. */
#define _GNU_SOURCE
#include "extract/outcomes.h"

#include "budget.h"
#include "text/pattern.h"
#include "text/utf8.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct bg_outcomes_rules {
    pcre2_code **openers, **exclude, **estimate, **multi_year, **partial;
    size_t opener_count, exclude_count, estimate_count, multi_year_count, partial_count;
};

bg_outcomes_rules *bg_outcomes_rules_load(const cJSON *root, const char *file, bg_problems *p)
{
    const cJSON *o = cJSON_GetObjectItemCaseSensitive(root, "outcomes");
    if (!cJSON_IsObject(o)) {
        bg_problems_add(p,
                        "%s: outcomes: missing (an object with openers, exclude, estimate, multi_year and partial_year "
                        "arrays)",
                        file);
        return NULL;
    }
    bg_outcomes_rules *r = calloc(1, sizeof *r);
    if (!r) {
        bg_problems_add(p, "%s: out of memory", file);
        return NULL;
    }
    bool ok = bg_patterns_load(&r->openers, &r->opener_count, cJSON_GetObjectItemCaseSensitive(o, "openers"), file,
                               "outcomes.openers", p);
    ok = bg_patterns_load(&r->exclude, &r->exclude_count, cJSON_GetObjectItemCaseSensitive(o, "exclude"), file,
                          "outcomes.exclude", p) &&
         ok;
    ok = bg_patterns_load(&r->estimate, &r->estimate_count, cJSON_GetObjectItemCaseSensitive(o, "estimate"), file,
                          "outcomes.estimate", p) &&
         ok;
    ok = bg_patterns_load(&r->multi_year, &r->multi_year_count, cJSON_GetObjectItemCaseSensitive(o, "multi_year"),
                          file, "outcomes.multi_year", p) &&
         ok;
    ok = bg_patterns_load(&r->partial, &r->partial_count, cJSON_GetObjectItemCaseSensitive(o, "partial_year"), file,
                          "outcomes.partial_year", p) &&
         ok;
    const cJSON *item;
    cJSON_ArrayForEach(item, o)
    {
        if (strcmp(item->string, "openers") && strcmp(item->string, "exclude") && strcmp(item->string, "estimate") &&
            strcmp(item->string, "multi_year") && strcmp(item->string, "partial_year") &&
            strcmp(item->string, "comment")) {
            bg_problems_add(p, "%s: outcomes.%s: unknown key (openers, exclude, estimate, multi_year, partial_year)", file,
                            item->string);
            ok = false;
        }
    }
    if (!ok) {
        bg_outcomes_rules_free(r);
        return NULL;
    }
    return r;
}

void bg_outcomes_rules_free(bg_outcomes_rules *r)
{
    if (!r)
        return;
    bg_patterns_free(r->openers, r->opener_count);
    bg_patterns_free(r->exclude, r->exclude_count);
    bg_patterns_free(r->estimate, r->estimate_count);
    bg_patterns_free(r->multi_year, r->multi_year_count);
    bg_patterns_free(r->partial, r->partial_count);
    free(r);
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* The year a four-digit 20xx年/19xx年 at s[at] names, or 0. */
static int year_at(const char *s, size_t n, size_t at)
{
    if (at + 7 > n || (at > 0 && is_digit(s[at - 1])))
        return 0;
    for (size_t k = 0; k < 4; k++)
        if (!is_digit(s[at + k]))
            return 0;
    if (memcmp(s + at + 4, "年", 3) != 0)
        return 0;
    int year = (int)strtol(s + at, NULL, 10);
    return year > 1900 && year < 2200 ? year : 0;
}

/* Whether s[from, to) names a year other than `year` (比2010年翻一番,
 * 2015年以来). */
static bool names_other_year(const char *s, size_t from, size_t to, int year)
{
    for (size_t p = from; p + 7 <= to; p++) {
        int y = is_digit(s[p]) ? year_at(s, to, p) : 0;
        if (y && y != year)
            return true;
    }
    return false;
}

static bool names_year(const char *s, size_t from, size_t to, int year)
{
    for (size_t p = from; p + 7 <= to; p++)
        if (is_digit(s[p]) && year_at(s, to, p) == year)
            return true;
    return false;
}

static size_t skip_blank(const char *s, size_t at, size_t to)
{
    for (;;) {
        if (at < to && (s[at] == ' ' || s[at] == '\t' || s[at] == '\n' || s[at] == '\r'))
            at++;
        else if (at + 3 <= to && !memcmp(s + at, "\xE3\x80\x80", 3)) /* 　 */
            at += 3;
        else
            return at;
    }
}

/* Whether s[start, stop) names an indicator with a digit soon after the
 * name (地区生产总值增长8.2%, 全市地区生产总值达到2702.2亿元) whose result the report has
 * not stated yet (the first statement wins, and the clause reader is the
 * costliest step). */
enum { FIGURE_AFTER_NAME_BYTES = 48 };
typedef struct seen seen;
static bool key_seen(const seen *s, const char *key);
static bool names_a_figure(const bg_doc *doc, const bg_words *names, const seen *done, size_t start, size_t stop)
{
    const char *s = doc->text->text;
    for (size_t from = start; from < stop;) {
        size_t at, len, index = 0;
        if (!bg_lex_find(&doc->words, names, from, stop, &at, &len, &index))
            return false;
        size_t end = at + len, limit = end + FIGURE_AFTER_NAME_BYTES < stop ? end + FIGURE_AFTER_NAME_BYTES : stop;
        bool figure = false;
        for (size_t p = end; p < limit && !figure; p++)
            figure = is_digit(s[p]);
        if (figure && !(names->cls && names->cls[index] && key_seen(done, names->cls[index])))
            return true;
        from = at + 1;
    }
    return false;
}

/* Whether a sentence may open on a time (过去一年, 五年来, “十三五”以来, 本届政府):
 * the patterns are asked only then. */
static bool may_open_on_time(const char *s, size_t start, size_t stop)
{
    size_t limit = start + 36 < stop ? start + 36 : stop;
    return memmem(s + start, limit - start, "年", 3) || memmem(s + start, limit - start, "五", 3) ||
           memmem(s + start, limit - start, "届", 3) || memmem(s + start, limit - start, "时期", 6);
}

/* Where a sentence starts that a text without line breaks glued to the
 * report's title (2022年政府工作报告过去一年，…): after the title and the
 * date in brackets after it. */
static size_t after_title(const char *s, size_t start, size_t stop)
{
    static const char title[] = "工作报告";
    size_t limit = start + 120 < stop ? start + 120 : stop, found = 0;
    for (size_t p = start; p + sizeof title - 1 <= limit; p++)
        if (!memcmp(s + p, title, sizeof title - 1))
            found = p + sizeof title - 1;
    if (!found)
        return start;
    size_t at = skip_blank(s, found, stop);
    if (at < stop && (s[at] == '(' || (at + 3 <= stop && !memcmp(s + at, "（", 3)))) {
        for (size_t p = at; p < limit; p++)
            if (s[p] == ')' || (p + 3 <= stop && !memcmp(s + p, "）", 3))) {
                at = skip_blank(s, p + (s[p] == ')' ? 1 : 3), stop);
                break;
            }
    }
    return at;
}

static bool in_spans(const bg_span *spans, size_t count, size_t at)
{
    for (size_t i = 0; i < count; i++)
        if (at >= spans[i].lead && at < spans[i].end)
            return true;
    return false;
}

/* The targets columns the stage reads, looked up once per document. */
enum { C_KIND, C_INDICATOR, C_INDICATOR_TEXT, C_VALUE, C_SENTENCE, C_UNIT, C_QUALIFIER, C_OFFSET, C_COUNT };
static const char *const column_names[C_COUNT] = {"kind", "indicator", "indicator_text", "value",
                                                  "sentence", "unit", "qualifier", "offset"};

static const bg_cell *cell(const bg_rowset *set, size_t row, const int *columns, int which)
{
    return columns[which] >= 0 ? &bg_rowset_row((bg_rowset *)set, 0, row)[columns[which]] : NULL;
}

static bool text_is(const bg_cell *c, const char *value)
{
    return c && c->type == BG_TYPE_TEXT && c->as.text.length == strlen(value) &&
           !memcmp(c->as.text.data, value, c->as.text.length);
}

/* A copy of s[0, n) without what stands in (…) or （…）. */
static char *plain(const char *s, size_t n, size_t *out_n)
{
    char *out = malloc(n + 1);
    if (!out)
        return NULL;
    size_t k = 0;
    int depth = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '(' || (i + 3 <= n && !memcmp(s + i, "（", 3))) {
            depth++;
            i += s[i] == '(' ? 0 : 2;
        } else if (depth && (s[i] == ')' || (i + 3 <= n && !memcmp(s + i, "）", 3)))) {
            depth--;
            i += s[i] == ')' ? 0 : 2;
        } else if (!depth) {
            out[k++] = s[i];
        }
    }
    out[k] = '\0';
    *out_n = k;
    return out;
}

struct seen {
    char (*keys)[96];       /* indicator|kind|unit */
    char (*indicators)[64]; /* the indicator of each */
    size_t count, capacity;
};

/* Whether the report has stated the indicator's result in two kinds (a
 * rate and a level, or in two units): a later sentence can only repeat it.
 * (Skipping an indicator once stated in one kind would halve the cost on a
 * long review but lose a level stated sentences after its rate.) */
static bool key_seen(const seen *s, const char *key)
{
    int kinds = 0;
    for (size_t i = 0; i < s->count && kinds < 2; i++)
        if (!strcmp(s->indicators[i], key))
            kinds++;
    return kinds >= 2;
}

/* Adds indicator|kind|unit to the seen set; false when it was there or on no memory. */
static bool first_of(seen *s, const bg_cell *indicator, const bg_cell *kind, const bg_cell *unit, bool *nomem)
{
    char key[96];
    snprintf(key, sizeof key, "%.*s|%.*s|%.*s", (int)indicator->as.text.length, indicator->as.text.data,
             (int)kind->as.text.length, kind->as.text.data, unit && unit->type == BG_TYPE_TEXT ? (int)unit->as.text.length : 0,
             unit && unit->type == BG_TYPE_TEXT ? unit->as.text.data : "");
    for (size_t i = 0; i < s->count; i++)
        if (!strcmp(s->keys[i], key))
            return false;
    if (s->count == s->capacity) {
        size_t capacity = s->capacity ? s->capacity * 2 : 16;
        char(*keys)[96] = realloc(s->keys, capacity * sizeof *keys);
        if (keys)
            s->keys = keys;
        char(*indicators)[64] = keys ? realloc(s->indicators, capacity * sizeof *indicators) : NULL;
        if (!keys || !indicators) {
            *nomem = true;
            return false;
        }
        s->indicators = indicators;
        s->capacity = capacity;
    }
    memcpy(s->keys[s->count], key, sizeof key);
    snprintf(s->indicators[s->count], sizeof s->indicators[s->count], "%.*s", (int)indicator->as.text.length,
             indicator->as.text.data);
    s->count++;
    return true;
}

typedef struct reader {
    const bg_outcomes_rules *r;
    const bg_doc *doc;
    int year; /* the year achieved: plan year - 1 */
    pcre2_match_data *md;
} reader;

/* Whether one of the patterns matches at s[start] (within s[start, end)). */
static bool opens_with(pcre2_code *const *codes, size_t count, const char *s, size_t start, size_t end,
                       pcre2_match_data *md)
{
    for (size_t i = 0; i < count; i++)
        if (bg_pattern_match(codes[i], s, end, start, PCRE2_ANCHORED, md) >= 0)
            return true;
    return false;
}

/* What the sentences before in the same paragraph (line) said of their
 * time: nothing, last year, or several years (五年来…). */
enum context { CTX_NONE, CTX_LAST, CTX_OTHER };

/* Whether the heading before `at` of level 0 or 1 looks back over several
 * years without naming last year (一、过去五年工作回顾, but not
 * 一、“十三五”时期和2020年工作回顾). */
static bool under_multi_year_heading(const reader *rd, size_t at)
{
    const bg_doc *doc = rd->doc;
    const char *s = doc->text->text;
    for (int level = 0; level <= 1 && doc->outline; level++) {
        const bg_heading *h = bg_outline_heading_before(doc->outline, at, level);
        if (h && opens_with(rd->r->multi_year, rd->r->multi_year_count, s, h->offset, h->end, rd->md) &&
            !names_year(s, h->offset, h->end, rd->year))
            return true;
    }
    return false;
}

/* Whether the sentence s[start, end) reports last year, given what its
 * paragraph said before (updated for the sentences after it). */
static bool reports_last_year(const reader *rd, size_t start, size_t end, enum context *ctx)
{
    const bg_doc *doc = rd->doc;
    const char *s = doc->text->text;
    int opening = year_at(s, end, start);
    if (opening) { /* 2021年，… opens the paragraph's time */
        *ctx = opening == rd->year ? CTX_LAST : CTX_OTHER;
        return opening == rd->year;
    }
    bool timed = may_open_on_time(s, start, end);
    if (timed && opens_with(rd->r->openers, rd->r->opener_count, s, start, end, rd->md)) {
        *ctx = CTX_LAST;
        return true;
    }
    bool names_it = names_year(s, start, end, rd->year);
    if (!names_it && timed && opens_with(rd->r->multi_year, rd->r->multi_year_count, s, start, end, rd->md)) {
        *ctx = CTX_OTHER; /* 五年来，… and what follows it */
        return false;
    }
    if (names_it) { /* 过去的2021年，… : and the sentences after it */
        *ctx = CTX_LAST;
        return true;
    }
    /* the plan year or 今年/明年: this year's plans, and what follows */
    if (names_year(s, start, end, rd->year + 1) || bg_contains(s + start, end - start, "今年") ||
        bg_contains(s + start, end - start, "明年")) {
        *ctx = CTX_OTHER;
        return false;
    }
    if (*ctx != CTX_NONE)
        return *ctx == CTX_LAST;
    const char *part = doc->outline ? bg_outline_part_at(doc->outline, start) : NULL;
    return part && !strcmp(part, "review") && !under_multi_year_heading(rd, start);
}

static bool set_text(bg_rowset *out, bg_cell *row, const bg_table_schema *s, const char *column, const bg_cell *from)
{
    int c = bg_column_index(s, column);
    if (c < 0 || !from || from->type != BG_TYPE_TEXT)
        return true;
    return bg_cell_set_text(out, &row[c], from->as.text.data, from->as.text.length);
}

static void set_integer(bg_cell *row, const bg_table_schema *s, const char *column, long long value)
{
    int c = bg_column_index(s, column);
    if (c >= 0)
        bg_cell_set_integer(&row[c], value);
}

long bg_outcomes_extract(const bg_outcomes_rules *r, const bg_targets_rules *targets, const bg_doc *doc,
                         bg_rowset *out, size_t table)
{
    if (doc->plan_year <= 0)
        return 0; /* the year achieved is the plan year's before */
    const bg_table_schema *ts = bg_builtin_table(BG_TABLE_TARGETS);
    const bg_table_schema *os = bg_builtin_table(BG_TABLE_OUTCOMES);
    int col[C_COUNT];
    for (int c = 0; c < C_COUNT; c++)
        col[c] = bg_column_index(ts, column_names[c]);
    bg_rowset *scratch = bg_rowset_new(1, &ts);
    pcre2_match_data *md = pcre2_match_data_create(4, NULL);
    seen done = {NULL, NULL, 0, 0};
    long rows = 0;
    bool nomem = !scratch || !md;
    reader rd = {r, doc, doc->plan_year - 1, md};
    const bg_words *names = bg_targets_names(targets); /* a sentence naming no indicator states no outcome */
    const char *s = doc->text->text;
    size_t n = doc->text->length;
    /* the time a sentence speaks of carries to the sentences after it, up to
     * the next heading (not the next line: a text without line breaks reads
     * the same as with them) */
    enum context ctx = CTX_NONE;
    size_t heading = 0;
    for (size_t at = 0; at < n && !nomem && !bg_budget_exceeded();) {
        size_t stop = bg_break_after(doc->breaks, BG_SPAN_SENTENCE, at);
        for (; doc->outline && heading < doc->outline->heading_count &&
               doc->outline->headings[heading].offset < stop;
             heading++)
            ctx = CTX_NONE;
        size_t next = stop;
        if (stop < n)
            bg_utf8_next(s, n, &next);
        size_t start = skip_blank(s, at, stop);
        at = next > at ? next : at + 1;
        start = after_title(s, start, stop);
        if (stop - start < 6 || in_spans(doc->target_passages, doc->target_passage_count, start) ||
            !reports_last_year(&rd, start, stop, &ctx))
            continue;
        /* a quick look before the clause reader: a figure at all? */
        bool digit = false;
        for (size_t p = start; p < stop && !digit; p++)
            digit = is_digit(s[p]);
        if (!digit || !names_a_figure(doc, names, &done, start, stop) ||
            bg_patterns_search(r->partial, r->partial_count, s, start, stop, md))
            continue;
        /* the scratch rows of one sentence at a time: a long review holds no
         * more than its longest sentence's */
        if (bg_rowset_count(scratch, 0) > 0) {
            bg_rowset_free(scratch);
            if (!(scratch = bg_rowset_new(1, &ts))) {
                nomem = true;
                break;
            }
        }
        size_t first = 0;
        if (bg_targets_read_span(targets, doc, start, stop, scratch, 0) < 0) {
            nomem = !bg_budget_exceeded();
            break;
        }
        bool estimate = bg_patterns_search(r->estimate, r->estimate_count, s, start, stop, md);
        for (size_t i = first; i < bg_rowset_count(scratch, 0) && !nomem; i++) {
            const bg_cell *kind = cell(scratch, i, col, C_KIND), *indicator = cell(scratch, i, col, C_INDICATOR);
            const bg_cell *value = cell(scratch, i, col, C_VALUE), *clause = cell(scratch, i, col, C_SENTENCE);
            const bg_cell *unit = cell(scratch, i, col, C_UNIT), *qualifier = cell(scratch, i, col, C_QUALIFIER);
            if (!(text_is(kind, "growth") || text_is(kind, "level") || text_is(kind, "change")) ||
                text_is(indicator, "other") || !indicator || indicator->type != BG_TYPE_TEXT || !value ||
                value->type != BG_TYPE_REAL || !qualifier || !clause || clause->type != BG_TYPE_TEXT)
                continue;
            /* the clause without its asides: 增长2.1%（年初目标增长7.5%） */
            size_t qn = 0;
            char *q = plain(clause->as.text.data, clause->as.text.length, &qn);
            if (!q) {
                nomem = true;
                break;
            }
            bool excluded =
                bg_patterns_search(r->exclude, r->exclude_count, q, 0, qn, md) || names_other_year(q, 0, qn, rd.year);
            free(q);
            if (excluded)
                continue;
            if (!first_of(&done, indicator, kind, unit, &nomem))
                continue;
            bg_cell *row = bg_rowset_add(out, table);
            if (!row) {
                nomem = true;
                break;
            }
            rows++;
            bool ok = bg_cell_set_cstr(out, &row[bg_column_index(os, "doc_id")], doc->doc_id);
            set_integer(row, os, "seq", rows);
            set_integer(row, os, "year", rd.year);
            ok = ok && set_text(out, row, os, "indicator", indicator) &&
                 set_text(out, row, os, "indicator_text", cell(scratch, i, col, C_INDICATOR_TEXT)) &&
                 set_text(out, row, os, "kind", kind) && set_text(out, row, os, "unit", unit) &&
                 set_text(out, row, os, "sentence", clause);
            bg_cell_set_real(&row[bg_column_index(os, "value")], value->as.real);
            set_integer(row, os, "estimate", estimate ? 1 : 0);
            const bg_cell *offset = cell(scratch, i, col, C_OFFSET);
            if (offset && offset->type == BG_TYPE_INTEGER)
                set_integer(row, os, "offset", offset->as.integer);
            if (!ok)
                nomem = true;
        }
    }
    free(done.keys);
    free(done.indicators);
    pcre2_match_data_free(md);
    bg_rowset_free(scratch);
    return nomem ? -1 : rows;
}
