/* lists.c — named lists of projects or tasks: inline
 * (重点抓好A、B、C等十大产业项目) or a heading line (抓好十大产业项目:)
 * followed by bullet lines. The count the name announces (十大 → 10) and the
 * items found both stand; when they differ a warning is logged, since either
 * the report or the page lost something. */
#include "extract/lists.h"

#include "budget.h"
#include "log.h"
#include "text/numbers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct bg_lists_rules {
    bg_words lead_verbs, count_words, bullets, not_names;
};

bg_lists_rules *bg_lists_rules_load(const cJSON *rules_root, const char *rules_file, bg_problems *problems)
{
    bg_lists_rules *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    const cJSON *l = cJSON_GetObjectItemCaseSensitive(rules_root, "lists");
    bool ok = true;
    if (!cJSON_IsObject(l)) {
        bg_problems_add(problems, "%s: lists: expected an object", rules_file);
        ok = false;
    } else {
        ok = bg_words_load_array(&r->lead_verbs, cJSON_GetObjectItemCaseSensitive(l, "lead_verbs"), rules_file,
                                 "lists.lead_verbs", problems) &&
             ok;
        ok = bg_words_load_array(&r->count_words, cJSON_GetObjectItemCaseSensitive(l, "count_words"), rules_file,
                                 "lists.count_words", problems) &&
             ok;
        ok = bg_words_load_array(&r->bullets, cJSON_GetObjectItemCaseSensitive(l, "bullets"), rules_file,
                                 "lists.bullets", problems) &&
             ok;
        ok = bg_words_load_array(&r->not_names, cJSON_GetObjectItemCaseSensitive(l, "not_names"), rules_file,
                                 "lists.not_names", problems) &&
             ok;
    }
    if (!ok) {
        bg_lists_rules_free(r);
        return NULL;
    }
    return r;
}

void bg_lists_rules_free(bg_lists_rules *r)
{
    if (!r)
        return;
    bg_words_free(&r->lead_verbs);
    bg_words_free(&r->count_words);
    bg_words_free(&r->bullets);
    bg_words_free(&r->not_names);
    free(r);
}

static bool starts_with(const char *s, size_t n, size_t at, const char *word)
{
    size_t len = strlen(word);
    return at + len <= n && memcmp(s + at, word, len) == 0;
}

/* Characters that end a list name or an inline run of items. */
static size_t name_break(const char *s, size_t n, size_t at)
{
    static const char *const breaks[] = {"。", "，", ",", "；", ";", "、", ":", "：", "！",
                                         "？", "!",  "?", "\n", "(", "（", "“", "”",  " "};
    for (size_t i = 0; i < sizeof breaks / sizeof *breaks; i++)
        if (starts_with(s, n, at, breaks[i]))
            return strlen(breaks[i]);
    return 0;
}

static size_t clause_start(const char *s, size_t at)
{
    static const char *const breaks[] = {"。", "，", ",", "；", ";", ":", "：", "！", "？", "!", "?", "\n"};
    size_t limit = at > 1200 ? at - 1200 : 0;
    for (size_t p = at; p > limit;) {
        p--;
        if (((unsigned char)s[p] & 0xC0) == 0x80)
            continue;
        for (size_t i = 0; i < sizeof breaks / sizeof *breaks; i++)
            if (starts_with(s, at, p, breaks[i]))
                return p + strlen(breaks[i]);
    }
    return limit;
}

static size_t trim_left(const char *s, size_t from, size_t to)
{
    for (;;) {
        if (from < to && (s[from] == ' ' || s[from] == '\t' || s[from] == '\r'))
            from++;
        else if (starts_with(s, to, from, "\xE3\x80\x80"))
            from += 3;
        else
            return from;
    }
}

static size_t trim_right(const char *s, size_t from, size_t to)
{
    while (to > from && (s[to - 1] == ' ' || s[to - 1] == '\t' || s[to - 1] == '\r'))
        to--;
    return to;
}

typedef struct span {
    size_t start, end;
} span;

typedef struct list_out {
    const bg_lists_rules *r;
    const bg_text *text;
    const char *doc_id, *source;
    bg_rowset *out;
    size_t table;
    long rows, lists;
} list_out;

static bool set_cell_text(list_out *o, bg_cell *row, const char *column, const char *value)
{
    int i = bg_column_index(bg_builtin_table(BG_TABLE_LIST_ITEMS), column);
    return i < 0 || bg_cell_set_cstr(o->out, &row[i], value);
}

static void set_cell_int(bg_cell *row, const char *column, long long value)
{
    int i = bg_column_index(bg_builtin_table(BG_TABLE_LIST_ITEMS), column);
    if (i >= 0)
        bg_cell_set_integer(&row[i], value);
}

static bool emit_list(list_out *o, span name, long declared, const span *items, size_t count)
{
    char *list = bg_text_quote(o->text, name.start, name.end);
    if (!list)
        return false;
    o->lists++;
    if (declared >= 0 && (size_t)declared != count)
        bg_warn("%s: list %s announces %ld items but lists %zu", o->source ? o->source : o->doc_id, list, declared,
                count);
    bool ok = true;
    for (size_t i = 0; i < count && ok; i++) {
        bg_cell *row = bg_rowset_add(o->out, o->table);
        char *item = bg_text_quote(o->text, items[i].start, items[i].end);
        ok = row && item;
        ok = ok && set_cell_text(o, row, "doc_id", o->doc_id);
        if (ok) {
            set_cell_int(row, "list_seq", o->lists);
            if (declared >= 0)
                set_cell_int(row, "declared_count", declared);
            set_cell_int(row, "found_count", (long long)count);
            set_cell_int(row, "item_seq", (long long)i + 1);
        }
        ok = ok && set_cell_text(o, row, "list", list);
        ok = ok && set_cell_text(o, row, "item", item);
        free(item);
        o->rows++;
    }
    free(list);
    return ok;
}

/* Length of an item number at p — 1. 1、 (1) ① … ⑳ — or 0. A digit after
 * the dot (1.5万人) makes it a figure, not a number mark. */
static size_t item_number(const char *s, size_t n, size_t p)
{
    if (p < n && s[p] == '(') {
        size_t d = p + 1;
        while (d < n && s[d] >= '0' && s[d] <= '9')
            d++;
        return d > p + 1 && d - p - 1 <= 2 && d < n && s[d] == ')' ? d + 1 - p : 0;
    }
    size_t d = p;
    while (d < n && s[d] >= '0' && s[d] <= '9')
        d++;
    if (d > p && d - p <= 2) {
        if (d < n && s[d] == '.' && !(d + 1 < n && s[d + 1] >= '0' && s[d + 1] <= '9'))
            return d + 1 - p;
        if (starts_with(s, n, d, "、"))
            return d + 3 - p;
        return 0;
    }
    if (p + 3 <= n && (unsigned char)s[p] == 0xE2 && (unsigned char)s[p + 1] == 0x91 &&
        (unsigned char)s[p + 2] >= 0xA0 && (unsigned char)s[p + 2] <= 0xB3)
        return 3;
    return 0;
}

/* Drops the punctuation that closes an item (新建学校5所；). */
static size_t trim_item_end(const char *s, size_t from, size_t to)
{
    for (;;) {
        to = trim_right(s, from, to);
        if (to > from && (s[to - 1] == ';' || s[to - 1] == ',' || s[to - 1] == '.'))
            to--;
        else if (to >= from + 3 && (starts_with(s, to, to - 3, "。") || starts_with(s, to, to - 3, "、")))
            to -= 3;
        else
            return to;
    }
}

/* Items numbered inline after a colon: (1)A;(2)B;(3)C。 Returns the items
 * found; *end is where the run stops. */
static size_t numbered_inline_items(const char *s, size_t n, size_t at, span *items, size_t max, size_t *end)
{
    size_t count = 0;
    size_t mark = item_number(s, n, at);
    while (mark && count < max) {
        size_t from = trim_left(s, at + mark, n), q = from;
        mark = 0;
        while (q < n && s[q] != '\n' && !starts_with(s, n, q, "。")) {
            if (s[q] == ';' || s[q] == ',' || starts_with(s, n, q, "、")) {
                size_t next = trim_left(s, q + (s[q] == ';' || s[q] == ',' ? 1 : 3), n);
                if ((mark = item_number(s, n, next)) > 0) {
                    at = next;
                    break;
                }
            }
            q++;
        }
        size_t e = trim_item_end(s, from, q);
        if (e > from) {
            items[count].start = from;
            items[count].end = e;
            count++;
        }
        *end = q;
    }
    return count;
}

/* The bullet lines after a heading line that ends at `line_end`. Returns the
 * items found; *end is where the list stops. */
static size_t bullet_items(const bg_lists_rules *r, const bg_mentions *words, const char *s, size_t n, size_t line_end, span *items, size_t max,
                           size_t *end)
{
    size_t count = 0, at = line_end;
    *end = line_end;
    while (at < n && count < max) {
        size_t from = at + (s[at] == '\n');
        const char *nl = memchr(s + from, '\n', n - from);
        size_t to = nl ? (size_t)(nl - s) : n;
        size_t p = trim_left(s, from, to);
        if (p == trim_right(s, from, to)) { /* blank lines between bullets */
            at = to;
            if (!nl)
                break;
            continue;
        }
        size_t marks = 0;
        for (;;) {
            size_t len = bg_lex_at(words, &r->bullets, p, to, NULL);
            if (!len)
                break;
            p = trim_left(s, p + len, to);
            marks++;
        }
        size_t number = marks ? 0 : item_number(s, to, p);
        if (number) {
            p = trim_left(s, p + number, to);
            marks++;
        }
        /* a numbered paragraph (1.坚定不移壮大实体经济。始终把…) is a
         * section, not a list item */
        if (!marks || (number && to - p > 240))
            break;
        size_t e = trim_item_end(s, p, to);
        if (e > p) {
            items[count].start = p;
            items[count].end = e;
            count++;
        }
        *end = to;
        at = to;
        if (!nl)
            break;
    }
    return count;
}

/* A list's name (十大产业项目, 五张项目清单) is short: a run without a break
 * longer than this is no name, and looking no further keeps the cost linear
 * on text without punctuation. */
enum { MAX_ITEMS = 64, NAME_MAX_BYTES = 120 };

/* Where the run of digits and numeral characters that ends at `end` begins
 * (no earlier than `from`, nor more than NUMERAL_MAX_BYTES back). */
enum { NUMERAL_MAX_BYTES = 64 };
static size_t numeral_run_start(const char *s, size_t from, size_t end)
{
    size_t at = end;
    while (at > from && end - at < NUMERAL_MAX_BYTES) {
        if ((s[at - 1] >= '0' && s[at - 1] <= '9') || s[at - 1] == '.') {
            at--;
            continue;
        }
        size_t start = at - 1;
        while (start > from && ((unsigned char)s[start] & 0xC0) == 0x80)
            start--;
        double value;
        if (bg_parse_chinese_numeral(s, at, start, &value) != at)
            break;
        at = start;
    }
    return at;
}

bool bg_lists_rules_lexicon(bg_lists_rules *r, bg_lexicon *lex)
{
    return bg_lexicon_add(lex, &r->lead_verbs) && bg_lexicon_add(lex, &r->count_words) &&
           bg_lexicon_add(lex, &r->bullets) && bg_lexicon_add(lex, &r->not_names);
}

long bg_lists_extract(const bg_lists_rules *r, const bg_doc *doc, const char *source, bg_rowset *out, size_t table)
{
    const bg_text *text = doc->text;
    const bg_mentions *words = &doc->words;
    const char *s = text->text;
    size_t n = text->length;
    list_out o = {r, text, doc->doc_id, source, out, table, 0, 0};
    span items[MAX_ITEMS];
    for (size_t p = 0; p < n && !bg_budget_exceeded();) {
        /* a list's name is a number and a count word (十大, 5个): from one
         * count word to the next, starting at the numbers before it */
        size_t count_at, count_length;
        if (!bg_lex_find(words, &r->count_words, p, n, &count_at, &count_length, NULL))
            break;
        size_t run = numeral_run_start(s, p, count_at);
        if (run == count_at) {
            p = count_at + count_length;
            continue;
        }
        p = run;
        double value = 0;
        size_t num_end = bg_parse_chinese_numeral(s, n, p, &value);
        bool chinese = num_end > p;
        if (!chinese && s[p] >= '0' && s[p] <= '9' && (p == 0 || !(s[p - 1] >= '0' && s[p - 1] <= '9')))
            num_end = bg_parse_decimal(s, n, p, &value);
        size_t count_len = num_end > p ? bg_lex_at(words, &r->count_words, num_end, n, NULL) : 0;
        if (!count_len || value < 2 || value != (long)value ||
            (chinese && bg_chinese_numeral_is_phrase(s, n, p, num_end))) {
            p = num_end > p ? num_end : p + 1;
            continue;
        }
        span name = {p, num_end + count_len};
        while (name.end < n && name.end < p + NAME_MAX_BYTES && !name_break(s, n, name.end))
            name.end++;
        if (name.end - num_end - count_len < 6 || (name.end == p + NAME_MAX_BYTES && !name_break(s, n, name.end)) ||
            bg_lex_find(words, &r->not_names, p, name.end, &(size_t){0}, &(size_t){0}, NULL)) {
            p = num_end;
            continue; /* 十大 alone, or a fixed phrase */
        }
        size_t after = name.end;
        size_t found = 0, list_end = name.end;
        if (starts_with(s, n, after, ":") || starts_with(s, n, after, "：")) {
            size_t eol = after + (starts_with(s, n, after, ":") ? 1 : 3);
            eol = trim_left(s, eol, n);
            if (eol >= n || s[eol] == '\n')
                found = bullet_items(r, words, s, n, eol, items, MAX_ITEMS, &list_end);
            else
                found = numbered_inline_items(s, n, eol, items, MAX_ITEMS, &list_end);
        }
        if (!found) {
            /* inline: the clause before the name, items split at 、 */
            size_t cs = clause_start(s, p);
            size_t run_end = p;
            if (run_end >= cs + 3 && starts_with(s, n, run_end - 3, "等"))
                run_end -= 3;
            size_t from = cs;
            for (size_t q = cs; q <= run_end && found < MAX_ITEMS;) {
                if (q == run_end || starts_with(s, n, q, "、")) {
                    size_t a = trim_left(s, from, q), b = trim_right(s, from, q);
                    if (found == 0)
                        for (size_t len; (len = bg_lex_at(words, &r->lead_verbs, a, b, NULL)) > 0 && a + len < b;)
                            a += len;
                    if (b > a) {
                        items[found].start = a;
                        items[found].end = b;
                        found++;
                    }
                    if (q == run_end)
                        break;
                    q += 3;
                    from = q;
                } else {
                    q++;
                }
            }
            /* an inline run of a few examples (A、B等23个重点项目) is no list:
             * the items must add up to about what the name announces */
            if (found < 2 || (double)found + 2 < value || (double)found > value + 2)
                found = 0;
        }
        if (found && !emit_list(&o, name, (long)value, items, found))
            return -1;
        p = found ? (list_end > name.end ? list_end : name.end) : num_end;
    }
    return o.rows;
}
