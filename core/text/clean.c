/* normalize.c — cleaning decoded text for matching (clean.h, text.h).
 * Works line by line: fold full-width forms and drop layout spaces, drop
 * boilerplate lines and running headers, measure the page width of
 * hard-wrapped (PDF) text, then join line breaks that cut a sentence, also
 * across a page break; every output byte remembers the original byte it came
 * from so rows can quote the source as written. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "text/clean.h"

#include "budget.h"
#include "text/pattern.h"
#include "text/utf8.h"

#include <pcre2.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <xxhash.h>

typedef struct bg_pattern {
    pcre2_code *code;
} bg_pattern;

struct bg_clean_rules {
    bg_pattern *patterns;
    size_t count;
};

/* ---- patterns ---------------------------------------------------------- */

static bool add_pattern(bg_clean_rules *r, const char *pattern, const char *where, size_t index, bg_problems *p)
{
    char path[512];
    snprintf(path, sizeof path, "%s[%zu]", where, index);
    pcre2_code *re = bg_pattern_compile(pattern, NULL, path, p);
    if (!re)
        return false;
    bg_pattern *grown = realloc(r->patterns, (r->count + 1) * sizeof *grown);
    if (!grown) {
        bg_pattern_free(re);
        bg_problems_add(p, "%s: out of memory", where);
        return false;
    }
    r->patterns = grown;
    r->patterns[r->count++].code = re;
    return true;
}

static bool add_pattern_array(bg_clean_rules *r, const cJSON *array, const char *where, bg_problems *p)
{
    if (!cJSON_IsArray(array)) {
        bg_problems_add(p, "%s: must be an array of PCRE2 patterns", where);
        return false;
    }
    bool ok = true;
    size_t i = 0;
    const cJSON *item;
    cJSON_ArrayForEach(item, array)
    {
        if (!cJSON_IsString(item)) {
            bg_problems_add(p, "%s[%zu]: must be a string (a PCRE2 pattern)", where, i);
            ok = false;
        } else if (!add_pattern(r, item->valuestring, where, i, p)) {
            ok = false;
        }
        i++;
    }
    return ok;
}

bg_clean_rules *bg_clean_rules_load(const cJSON *rules_root, const char *rules_file, const cJSON *extra_patterns,
                                    const char *extra_json_path, bg_problems *p)
{
    bg_clean_rules *r = calloc(1, sizeof *r);
    if (!r) {
        bg_problems_add(p, "%s: out of memory", rules_file ? rules_file : "rules");
        return NULL;
    }
    bool ok = true;
    const cJSON *list = rules_root ? cJSON_GetObjectItemCaseSensitive(rules_root, "boilerplate") : NULL;
    if (list) {
        char where[512];
        snprintf(where, sizeof where, "%s: boilerplate", rules_file ? rules_file : "rules");
        ok = add_pattern_array(r, list, where, p);
    } else if (rules_root) {
        bg_problems_add(p, "%s: boilerplate: missing (an array of PCRE2 patterns, [] for none)",
                        rules_file ? rules_file : "rules");
        ok = false;
    }
    if (extra_patterns)
        ok = add_pattern_array(r, extra_patterns, extra_json_path ? extra_json_path : "extract.boilerplate", p) && ok;
    if (!ok) {
        bg_clean_rules_free(r);
        return NULL;
    }
    return r;
}

void bg_clean_rules_free(bg_clean_rules *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->count; i++)
        bg_pattern_free(r->patterns[i].code);
    free(r->patterns);
    free(r);
}

/* ---- line breaks --------------------------------------------------------- */

/* Length of a line break written out at s[at]: the two- and four-character
 * escapes \n, \r\n and \r that a spreadsheet cell or a JSON dump holds once
 * exported as text, and an HTML <br> left in a text file; 0 when none. */
static size_t escaped_break(const char *s, size_t n, size_t at)
{
    if (s[at] == '\\' && at + 1 < n) {
        if (s[at + 1] == 'n')
            return 2;
        if (s[at + 1] == 'r')
            return at + 3 < n && s[at + 2] == '\\' && s[at + 3] == 'n' ? 4 : 2;
        return 0;
    }
    if (s[at] == '<' && at + 3 < n && strncasecmp(s + at, "<br", 3) == 0) {
        size_t k = at + 3;
        while (k < n && (s[k] == ' ' || s[k] == '/'))
            k++;
        return k < n && s[k] == '>' ? k + 1 - at : 0;
    }
    return 0;
}

/* The end of the line that starts at s[at] and, in *next, where the next
 * one starts: a line ends at \n, at a lone \r, at an escaped break, and
 * before a paragraph's indent (two U+3000) inside it — a page flattened to
 * one line keeps its paragraphs so, the indent going with the next one. */
/* the bytes that may end a line (or start an indent or an escaped break) */
static const bool line_special[256] = {['\n'] = true, ['\r'] = true, ['\\'] = true, ['<'] = true, [0xE3] = true};

static size_t line_end(const char *s, size_t n, size_t at, size_t *next)
{
    bool text = false;
    for (size_t i = at; i < n; i++) {
        if (text)
            while (i < n && !line_special[(unsigned char)s[i]])
                i++; /* within a line's text only these bytes matter */
        if (i >= n)
            break;
        char c = s[i];
        if (c == '\xE3' && i + 6 <= n && memcmp(s + i, "\xE3\x80\x80\xE3\x80\x80", 6) == 0) {
            if (text) {
                *next = i;
                return i;
            }
            i += 5;
            continue;
        }
        if (c != ' ' && c != '\t')
            text = true;
        if (c == '\n') {
            *next = i + 1;
            return i;
        }
        if (c == '\r' && (i + 1 >= n || s[i + 1] != '\n')) {
            *next = i + 1;
            return i;
        }
        if (c == '\\' || c == '<') {
            size_t w = escaped_break(s, n, i);
            if (w) {
                *next = i + w;
                return i;
            }
        }
    }
    *next = n + 1;
    return n;
}

/* ---- output buffer with its map ---------------------------------------- */

typedef struct out_buffer {
    char *text;
    uint32_t *map;
    size_t length, capacity;
    bool failed;
} out_buffer;

/* A text with its map kept as runs: a run starts wherever a byte's origin
 * is not the one after the previous byte's, and the bytes of a run map to
 * consecutive original bytes. Most text is copied as it is, so this holds
 * the map of a 50 MB document in a few MB instead of 200. */
typedef struct text_buffer {
    char *text;
    size_t length, capacity;
    uint32_t *run_at, *run_origin; /* where each run starts, and its first byte's origin */
    size_t runs, run_capacity;
    size_t next_origin; /* the origin that continues the last run */
    bool failed;
} text_buffer;

/* Room for `extra` more bytes and the NUL after them (false: no memory,
 * and the buffer is marked failed). */
static bool tb_reserve(text_buffer *b, size_t extra)
{
    if (b->failed)
        return false;
    if (b->length + extra + 1 <= b->capacity)
        return true;
    size_t capacity = b->capacity ? b->capacity : 4096;
    while (b->length + extra + 1 > capacity)
        capacity *= 2;
    char *grown = realloc(b->text, capacity);
    if (!grown) {
        b->failed = true;
        return false;
    }
    b->text = grown;
    b->capacity = capacity;
    return true;
}

/* Appends count bytes whose origins are consecutive from `origin`: they
 * continue the last run or open one. */
static void tb_put_span(text_buffer *b, const char *text, size_t count, size_t origin)
{
    if (!count || !tb_reserve(b, count))
        return;
    if (!b->runs || origin != b->next_origin) {
        if (b->runs == b->run_capacity) {
            size_t capacity = b->run_capacity ? b->run_capacity * 2 : 1024;
            uint32_t *at = realloc(b->run_at, capacity * sizeof *at);
            if (!at) {
                b->failed = true;
                return;
            }
            b->run_at = at;
            uint32_t *orig = realloc(b->run_origin, capacity * sizeof *orig);
            if (!orig) {
                b->failed = true;
                return;
            }
            b->run_origin = orig;
            b->run_capacity = capacity;
        }
        b->run_at[b->runs] = (uint32_t)b->length;
        b->run_origin[b->runs] = (uint32_t)origin;
        b->runs++;
    }
    memcpy(b->text + b->length, text, count);
    b->length += count;
    b->next_origin = origin + count;
}

static void tb_put(text_buffer *b, char byte, size_t origin)
{
    tb_put_span(b, &byte, 1, origin);
}

/* Appends count bytes, byte k from origin origins[k], a run at a time. */
static void tb_put_mapped(text_buffer *b, const char *text, const uint32_t *origins, size_t count)
{
    for (size_t k = 0; k < count && !b->failed;) {
        size_t j = k + 1; /* the bytes whose origins follow on */
        while (j < count && origins[j] == origins[j - 1] + 1)
            j++;
        tb_put_span(b, text + k, j - k, origins[k]);
        k = j;
    }
}

/* Drops the bytes from `length` on, and the runs that start among them. */
static void tb_truncate(text_buffer *b, size_t length)
{
    if (length >= b->length)
        return;
    b->length = length;
    while (b->runs && b->run_at[b->runs - 1] >= length)
        b->runs--;
    if (b->runs)
        b->next_origin = b->run_origin[b->runs - 1] + (length - b->run_at[b->runs - 1]);
}

static void tb_free(text_buffer *b)
{
    free(b->text);
    free(b->run_at);
    free(b->run_origin);
    memset(b, 0, sizeof *b);
}

/* Origins read in increasing order of offset. */
typedef struct tb_cursor {
    const uint32_t *run_at, *run_origin;
    size_t runs, k;
} tb_cursor;

static size_t tb_origin(tb_cursor *c, size_t offset)
{
    while (c->k + 1 < c->runs && c->run_at[c->k + 1] <= offset)
        c->k++;
    return c->runs ? c->run_origin[c->k] + (offset - c->run_at[c->k]) : offset;
}

/* Appends src's bytes [from, to) with their origins, a run at a time. */
static void tb_copy(text_buffer *b, const text_buffer *src, tb_cursor *c, size_t from, size_t to)
{
    while (from < to && !b->failed) {
        size_t origin = tb_origin(c, from);
        size_t run_end = c->k + 1 < c->runs ? c->run_at[c->k + 1] : to;
        size_t end = run_end < to && run_end > from ? run_end : to;
        tb_put_span(b, src->text + from, end - from, origin);
        from = end;
    }
}

/* ---- lines -------------------------------------------------------------- */

typedef struct line_info {
    size_t start, length; /* folded bytes in the fold buffer */
    size_t newline;       /* original offset of the '\n' ending it, or SIZE_MAX */
    bool removed;         /* boilerplate or a running header */
    bool blank;           /* only whitespace */
    bool full;            /* as long as the page's lines: a hard wrap ended it */
    bool split;           /* ended before an indent inside its physical line */
    size_t chars, width;  /* as written: code points, display width */
} line_info;

static bool is_space_cp(unsigned cp)
{
    return cp == ' ' || cp == '\t' || cp == '\r' || cp == '\f' || cp == '\v';
}

/* Characters that take no room: a BOM (also one left mid-text by joined
 * files), zero-width spaces and joiners, the soft hyphen. Web pages and PDF
 * converters sprinkle them inside words and numbers. */
static bool is_invisible(unsigned cp)
{
    return cp == 0xFEFF || (cp >= 0x200B && cp <= 0x200D) || cp == 0x2060 || cp == 0xAD;
}

/* Ideographs and CJK punctuation (、。「」《》… but not the ideographic space):
 * between two of them, or between one and a digit, a space is layout, not
 * meaning (justified web text, PDF converters that space out characters). */
static bool is_cjk_text(unsigned cp)
{
    return bg_is_cjk(cp) || (cp >= 0x3001 && cp <= 0x303F) || cp == 0x201C || cp == 0x201D;
}

/* Drops the spaces inside o->text[start, length) that sit between CJK text
 * and CJK text or a digit (either order); leading spaces, the indent a
 * paragraph starts with, stay. */
static void squeeze_spaces(out_buffer *o, size_t start)
{
    size_t read = start, write = start, end = o->length;
    while (read < end && (o->text[read] == ' ' || o->text[read] == '\t'))
        read++;
    write = read;
    unsigned previous = 0;
    while (read < end) {
        if (o->text[read] == ' ' || o->text[read] == '\t') {
            size_t run = read;
            while (run < end && (o->text[run] == ' ' || o->text[run] == '\t'))
                run++;
            size_t k = run;
            unsigned next = run < end ? bg_utf8_next(o->text, end, &k) : 0;
            bool previous_digit = previous >= '0' && previous <= '9', next_digit = next >= '0' && next <= '9';
            if (next && ((is_cjk_text(previous) && (is_cjk_text(next) || next_digit)) ||
                         ((previous_digit || previous == '%') && is_cjk_text(next)))) {
                read = run;
                continue;
            }
            while (read < run) {
                o->text[write] = o->text[read];
                o->map[write++] = o->map[read++];
            }
            previous = ' ';
            continue;
        }
        size_t at = read;
        previous = bg_utf8_next(o->text, end, &read);
        for (size_t k = at; k < read; k++) {
            o->text[write] = o->text[k];
            o->map[write++] = o->map[k];
        }
    }
    o->length = write;
}

/* Folds one original line into o, which holds only that line afterwards
 * (o->failed on no memory). */
static void fold_line(const char *s, size_t from, size_t to, out_buffer *o)
{
    o->length = 0;
    size_t start = 0;
    /* a folded line is never longer than the original one: room for all of
     * it once, then bytes are written without checks */
    if (o->capacity < to - from + 1) {
        size_t capacity = to - from + 1 > 1024 ? to - from + 1 : 1024;
        char *text = realloc(o->text, capacity);
        uint32_t *map = text ? realloc(o->map, capacity * sizeof *map) : NULL;
        if (text)
            o->text = text;
        if (!text || !map) {
            o->failed = true;
            return;
        }
        o->map = map;
        o->capacity = capacity;
    }
    char *out = o->text;
    uint32_t *map = o->map;
    size_t k = 0;
    size_t i = from;
    while (i < to) {
        unsigned char c = (unsigned char)s[i];
        /* most bytes stay as they are: printable ASCII, and the ideographs
         * U+4000–U+9FFF (lead bytes E4–E9), none of which folding changes */
        if ((c >= 0x20 && c < 0x7F) || c == '\t' || c == '\n') {
            out[k] = (char)c;
            map[k++] = (uint32_t)i++;
            continue;
        }
        if (c >= 0xE4 && c <= 0xE9 && i + 3 <= to && ((unsigned char)s[i + 1] & 0xC0) == 0x80 &&
            ((unsigned char)s[i + 2] & 0xC0) == 0x80) {
            out[k] = (char)c;
            out[k + 1] = s[i + 1];
            out[k + 2] = s[i + 2];
            map[k] = (uint32_t)i;
            map[k + 1] = (uint32_t)(i + 1);
            map[k + 2] = (uint32_t)(i + 2);
            k += 3;
            i += 3;
            continue;
        }
        size_t at = i;
        unsigned cp = bg_utf8_next(s, to, &i);
        if (cp >= 0xFF01 && cp <= 0xFF5E) {
            out[k] = (char)(cp - 0xFEE0);
            map[k++] = (uint32_t)at;
        } else if (cp == 0x3000 || cp == 0xA0 || cp == '\f' || cp == '\v') {
            out[k] = ' ';
            map[k++] = (uint32_t)at;
        } else if (cp == '\r' || is_invisible(cp)) {
            continue;
        } else {
            for (size_t b = at; b < i; b++) {
                out[k] = s[b];
                map[k++] = (uint32_t)b;
            }
        }
    }
    o->length = k;
    if (memchr(out, ' ', k) || memchr(out, '\t', k))
        squeeze_spaces(o, start);
}

/* Code points at the trimmed ends of a folded line. */
static unsigned first_cp(const char *s, size_t n, size_t *indent)
{
    size_t i = 0, spaces = 0;
    while (i < n) {
        size_t at = i;
        unsigned cp = bg_utf8_next(s, n, &i);
        if (!is_space_cp(cp)) {
            if (indent)
                *indent = spaces;
            i = at;
            return bg_utf8_next(s, n, &i);
        }
        spaces++;
    }
    if (indent)
        *indent = spaces;
    return 0;
}

/* Last code point, skipping trailing spaces; *before gets the one before it. */
static unsigned last_cp(const char *s, size_t n, unsigned *before)
{
    size_t end = n;
    while (end > 0 && (s[end - 1] == ' ' || s[end - 1] == '\t' || s[end - 1] == '\r'))
        end--;
    unsigned last = 0, previous = 0;
    size_t i = 0;
    while (i < end) {
        previous = last;
        last = bg_utf8_next(s, end, &i);
    }
    if (before)
        *before = previous;
    return last;
}

static bool ends_with(const char *s, size_t n, const char *suffix)
{
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    size_t k = strlen(suffix);
    return n >= k && memcmp(s + n - k, suffix, k) == 0;
}

static bool is_chinese_numeral(unsigned cp)
{
    return cp == 0x4E00 /*一*/ || cp == 0x4E8C /*二*/ || cp == 0x4E09 /*三*/ || cp == 0x56DB /*四*/ ||
           cp == 0x4E94 /*五*/ || cp == 0x516D /*六*/ || cp == 0x4E03 /*七*/ || cp == 0x516B /*八*/ ||
           cp == 0x4E5D /*九*/ || cp == 0x5341 /*十*/;
}

static bool is_bullet(unsigned cp)
{
    return cp == 0x25C6 || cp == 0x25C7 || cp == 0x25CF || cp == 0x25CB || cp == 0x25A0 || cp == 0x25A1 ||
           cp == 0x25B2 || cp == 0x25B3 || cp == 0x2605 || cp == 0x2606 || cp == 0x2022 || cp == 0x00B7 ||
           cp == 0x25BA || cp == 0x2714 || cp == 0x2713 || cp == '-' || cp == '*' || cp == 0x2014 /* —— */;
}

/* A line that starts a heading (一、 (一) 1. 1、 第一部分) or a bullet: it is
 * never glued to the line before, nor the next line to it when it has no
 * sentence inside. */
static bool starts_block(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n && (s[i] == ' ' || s[i] == '\t'))
        i++;
    if (i >= n)
        return false;
    size_t at = i;
    unsigned cp = bg_utf8_next(s, n, &i);
    if (is_bullet(cp))
        return true;
    if (cp == '(') { /* (一) (12), not (2021年12月29日) */
        size_t k = i, count = 0;
        unsigned c = k < n ? bg_utf8_next(s, n, &k) : 0;
        if (is_chinese_numeral(c)) {
            while (is_chinese_numeral(c) && count++ < 3)
                c = k < n ? bg_utf8_next(s, n, &k) : 0;
            return c == ')';
        }
        while (c >= '0' && c <= '9' && count++ < 2)
            c = k < n ? bg_utf8_next(s, n, &k) : 0;
        return count > 0 && c == ')';
    }
    if (cp >= '0' && cp <= '9') {
        size_t k = i;
        while (k < n && s[k] >= '0' && s[k] <= '9')
            k++;
        if (k - at > 2 || k >= n)
            return false;
        if (s[k] == '.' && (k + 1 >= n || !(s[k + 1] >= '0' && s[k + 1] <= '9')))
            return true;
        return bg_contains(s + k, n - k > 3 ? 3 : n - k, "、");
    }
    if (cp == 0x7B2C /*第*/) { /* 第一部分 第二章, not 第十七届 */
        size_t k = i;
        unsigned c = k < n ? bg_utf8_next(s, n, &k) : 0;
        if (!is_chinese_numeral(c))
            return false;
        while (is_chinese_numeral(c))
            c = k < n ? bg_utf8_next(s, n, &k) : 0;
        return c == 0x90E8 /*部*/ || c == 0x7AE0 /*章*/ || c == 0x8282 /*节*/ || c == 0x7BC7 /*篇*/;
    }
    if (is_chinese_numeral(cp)) {
        size_t k = i;
        unsigned c = 0;
        while (k < n && is_chinese_numeral(c = bg_utf8_next(s, n, &k)))
            ;
        return c == 0x3001 /*、*/ || c == '.';
    }
    return false;
}

/* A line that holds only a heading's number: 二、 (三) 4. */
static bool only_number(const char *s, size_t n)
{
    unsigned before, last = last_cp(s, n, &before);
    size_t count = 0;
    for (size_t i = 0; i < n;) {
        unsigned cp = bg_utf8_next(s, n, &i);
        if (cp != ' ' && cp != '\t')
            count++;
    }
    return count <= 5 && (last == 0x3001 /*、*/ || last == ')' || last == '.');
}

static bool has_sentence_punctuation(const char *s, size_t n)
{
    return bg_contains(s, n, "。") || bg_contains(s, n, ",") || bg_contains(s, n, "，") || bg_contains(s, n, ";") ||
           bg_contains(s, n, "、");
}

static bool terminal(unsigned cp)
{
    return cp == 0x3002 /*。*/ || cp == '!' || cp == '?' || cp == ':' || cp == ';' || cp == 0xFF01 || cp == 0xFF1F ||
           cp == 0x2026 /*…*/;
}

static bool is_ascii_alnum(unsigned cp)
{
    return (cp >= '0' && cp <= '9') || (cp >= 'A' && cp <= 'Z') || (cp >= 'a' && cp <= 'z');
}

static bool join_left(unsigned cp)
{
    return bg_is_cjk(cp) || is_ascii_alnum(cp) || cp == '%' || cp == ',' || cp == 0x3001 || cp == 0x201C ||
           cp == 0x2018 || cp == '(' || cp == 0x300A /*《*/ || cp == 0x300C || cp == 0x300E || cp == '&' || cp == '/' ||
           cp == '~' || cp == '+' || cp == 0x2014;
}
static bool join_right(unsigned cp)
{
    return bg_is_cjk(cp) || is_ascii_alnum(cp) || cp == '%' || cp == 0x201C || cp == 0x2018 || cp == '(' ||
           cp == 0x300A || cp == 0x300C || cp == 0x300E || cp == '&';
}

/* Marks that never start a line of their own (Chinese typesetting keeps
 * them off a line's start): a line that begins with one continues the line
 * before, however that one ended. */
static bool continues_line(unsigned cp)
{
    return cp == ',' || cp == '.' || cp == 0x3002 /*。*/ || cp == 0x3001 /*、*/ || cp == ';' || cp == ':' ||
           cp == ')' || cp == '%' || cp == 0x201D || cp == 0x2019 || cp == 0x300B /*》*/ || cp == 0x300D ||
           cp == 0x300F || cp == '!' || cp == '?';
}

/* Four digits then 年: a new sentence (2023年,…) rather than the digits after
 * a decimal point cut by a wrap. */
static bool starts_with_year(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n && (s[i] == ' ' || s[i] == '\t'))
        i++;
    for (size_t k = 0; k < 4; k++)
        if (i + k >= n || s[i + k] < '0' || s[i + k] > '9')
            return false;
    return i + 4 < n && (s[i + 4] < '0' || s[i + 4] > '9');
}

/* Whether the break after line p (folded text a) and before line q (b)
 * cuts a sentence. blanks: empty lines between them; a_full: p is as long
 * as the page's lines (a hard wrap, not the end of a paragraph, ended it). */
static bool should_join(const char *a, size_t an, const char *b, size_t bn, size_t blanks, bool p_is_first, bool a_full)
{
    size_t indent;
    unsigned first = first_cp(b, bn, &indent);
    if (blanks == 0 && continues_line(first))
        return true; /* ，。） cannot start a line: the wrap fell before them */
    if (p_is_first && !a_full)
        return false; /* a title line */
    unsigned before;
    unsigned last = last_cp(a, an, &before);
    if (last == 0x201D || last == 0x2019 || last == ')' || last == 0x300D || last == 0x300F) {
        if (terminal(before))
            return false;
    }
    if (last == '.') /* 6.|5%: a decimal point cut by a wrap */
        return blanks == 0 && indent < 2 && before >= '0' && before <= '9' && first >= '0' && first <= '9' &&
               (a_full || !starts_with_year(b, bn));
    /* a wrap right after 目标是: or a clause's ; (a paragraph rarely ends so) */
    bool wrapped_clause = a_full && (last == ':' || last == ';');
    if ((terminal(last) && !wrapped_clause) || (!join_left(last) && !wrapped_clause))
        return false;
    if (!join_right(first))
        return false;
    if (starts_block(b, bn))
        return false;
    bool a_sentence = has_sentence_punctuation(a, an);
    /* a heading line (一、…) that holds no sentence of its own */
    if (starts_block(a, an) && only_number(a, an))
        return true; /* 二、|2025年目标任务: the number alone, its title wrapped */
    if (!a_full && starts_block(a, an) && !bg_contains(a, an, "。"))
        return false; /* 三、加大宏观政策实施力度，着力稳企业保就业 */
    if (indent >= 2)
        return false; /* an indented line starts a paragraph */
    if (blanks > 0)   /* a paragraph cut mid-sentence across an empty line: both
                         halves are prose */
        return a_sentence && has_sentence_punctuation(b, bn);
    if (a_full)
        return true;
    if (!a_sentence && bg_utf8_count(a, an) <= 30) {
        /* a short line that reads as a heading */
        static const char *const heading_ends[] = {"安排", "回顾", "思路", "任务", "报告", "要求", "工作"};
        for (size_t i = 0; i < sizeof heading_ends / sizeof *heading_ends; i++)
            if (ends_with(a, an, heading_ends[i]))
                return false;
    }
    return true;
}

/* Chrome is a short line. A longer one that a pattern matches somewhere (a
 * page flattened to one line, its footer's ICP备…号 included) is the
 * report itself, and dropping it whole would lose the document. */
enum { BOILERPLATE_LINE_MAX_BYTES = 600 };

static bool is_boilerplate(const bg_clean_rules *r, pcre2_match_data *md, const char *s, size_t n)
{
    if (n > BOILERPLATE_LINE_MAX_BYTES)
        return false;
    size_t from = 0, to = n;
    while (from < to && (s[from] == ' ' || s[from] == '\t'))
        from++;
    while (to > from && (s[to - 1] == ' ' || s[to - 1] == '\t'))
        to--;
    if (from == to)
        return false;
    for (size_t i = 0; i < r->count; i++) {
        if (bg_pattern_match(r->patterns[i].code, s + from, to - from, 0, 0, md) >= 0)
            return true;
    }
    return false;
}

/* Code points and display width (ASCII 1, anything else 2) of a line as
 * written (before folding squeezes its spaces), its trailing blanks left
 * out unless `keep_trailing`. */
static size_t line_measure(const char *s, size_t n, size_t *width, bool keep_trailing, bool valid)
{
    while (!keep_trailing && n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
        n--;
    size_t count = 0, w = 0;
    if (valid) {
        /* valid UTF-8: a character is a byte that continues none, two
         * columns wide unless ASCII */
        size_t wide = 0;
        for (size_t i = 0; i < n; i++) {
            unsigned char c = (unsigned char)s[i];
            count += (c & 0xC0) != 0x80;
            wide += c >= 0xC0;
        }
        *width = count + wide;
        return count;
    }
    for (size_t i = 0; i < n;) {
        unsigned cp = bg_utf8_next(s, n, &i);
        count++;
        w += cp < 0x80 ? 1 : 2;
    }
    *width = w;
    return count;
}

enum { WRAP_MEASURE_MAX = 400, WRAP_MIN_CHARS = 16 };

/* The length most long lines share, when at least three and half of them
 * share it (a hard-wrapped PDF page); 0 when none. slack: lengths within
 * slack below the mode count as the mode. */
static size_t wrap_mode(const size_t *histogram, size_t lines, size_t slack)
{
    size_t best = 0, best_count = 0;
    for (size_t v = WRAP_MIN_CHARS; v < WRAP_MEASURE_MAX; v++) {
        size_t c = 0;
        for (size_t k = v >= slack ? v - slack : 0; k <= v; k++)
            c += histogram[k];
        if (histogram[v] && c > best_count) {
            best = v;
            best_count = c;
        }
    }
    return best_count >= 3 && 2 * best_count >= lines ? best : 0;
}

/* Marks the lines a hard wrap ended: as long, in characters or in display
 * width, as most long lines of the text. A PDF's text comes so, every line
 * cut at the page width wherever that falls (inside a number, a unit, a
 * lead-in), and only such a line may be joined past a title, a heading or
 * a dash. */
enum { MEASURE_WRITTEN, MEASURE_FOLDED, MEASURES };

typedef struct wrap_modes {
    size_t chars, width;
} wrap_modes;

static bool at_mode(const wrap_modes *m, size_t c, size_t w)
{
    return (m->chars && c == m->chars) || (m->width && w <= m->width && w + 2 >= m->width);
}

static bool mark_full_lines(line_info *lines, size_t count, const char *text, bool valid)
{
    /* histograms of chars and widths, per measure */
    size_t *histogram = calloc(2 * MEASURES * WRAP_MEASURE_MAX, sizeof *histogram);
    if (!histogram)
        return false;
    size_t long_lines[MEASURES] = {0};
    wrap_modes modes[MEASURES] = {{0, 0}};
    /* A line is measured as written and as folded (spaces a converter put
     * between characters squeezed): a wrap may have been made before those
     * spaces were or after. A physical line split before its paragraphs'
     * indents is measured whole, and only its last piece can have been
     * ended by a wrap. */
    for (int pass = 0; pass < 2; pass++) {
        size_t piece[MEASURES][2] = {{0, 0}};
        for (size_t i = 0; i < count; i++) {
            line_info *li = &lines[i];
            size_t m[MEASURES][2];
            m[MEASURE_WRITTEN][0] = li->chars;
            m[MEASURE_WRITTEN][1] = li->width;
            m[MEASURE_FOLDED][0] = line_measure(text + li->start, li->length, &m[MEASURE_FOLDED][1], li->split, valid);
            if (li->split) {
                for (int k = 0; k < MEASURES; k++) {
                    piece[k][0] += m[k][0];
                    piece[k][1] += m[k][1];
                }
                li->full = false;
                continue;
            }
            bool last_piece = piece[MEASURE_WRITTEN][0] > 0;
            bool full = false;
            for (int k = 0; k < MEASURES; k++) {
                m[k][0] += piece[k][0];
                m[k][1] += piece[k][1];
                piece[k][0] = piece[k][1] = 0;
                if (pass == 1 && at_mode(&modes[k], m[k][0], m[k][1]))
                    full = true;
            }
            /* …the page's width, its tail cut by a wrap: text, even when it
             * reads like a page number (——200|9年2月10日) */
            if (pass == 1 && last_piece && li->removed && !li->blank && full)
                li->removed = false;
            li->full = false;
            if (li->blank || li->removed)
                continue;
            if (pass == 1) {
                li->full = full;
                continue;
            }
            for (int k = 0; k < MEASURES; k++) {
                if (m[k][0] < WRAP_MIN_CHARS || m[k][1] >= WRAP_MEASURE_MAX)
                    continue;
                histogram[(2 * k) * WRAP_MEASURE_MAX + m[k][0]]++;
                histogram[(2 * k + 1) * WRAP_MEASURE_MAX + m[k][1]]++;
                long_lines[k]++;
            }
        }
        if (pass == 0)
            for (int k = 0; k < MEASURES; k++) {
                modes[k].chars = wrap_mode(histogram + (2 * k) * WRAP_MEASURE_MAX, long_lines[k], 0);
                modes[k].width = wrap_mode(histogram + (2 * k + 1) * WRAP_MEASURE_MAX, long_lines[k], 2);
            }
    }
    free(histogram);
    return true;
}

static bool has_any_punctuation(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned cp = bg_utf8_next(s, n, &i);
        if ((cp < 0x80 && cp != ' ' && cp != '\t' && !is_ascii_alnum(cp)) || (cp >= 0x3001 && cp <= 0x303F) ||
            (cp >= 0x2010 && cp <= 0x206F))
            return true;
    }
    return false;
}

/* Lines by content hash, so that counting how often a line recurs is a
 * binary search rather than a pass over every line. */
typedef struct line_hash {
    uint64_t hash;
    size_t line;
} line_hash;

static int line_hash_order(const void *a, const void *b)
{
    uint64_t x = ((const line_hash *)a)->hash, y = ((const line_hash *)b)->hash;
    return x < y ? -1 : x > y;
}

static line_hash *hash_lines(const line_info *lines, size_t count, const char *text, size_t *out_count)
{
    line_hash *h = malloc((count ? count : 1) * sizeof *h);
    if (!h)
        return NULL;
    size_t k = 0;
    for (size_t i = 0; i < count; i++)
        if (!lines[i].blank) {
            h[k].hash = XXH3_64bits(text + lines[i].start, lines[i].length);
            h[k].line = i;
            k++;
        }
    qsort(h, k, sizeof *h, line_hash_order);
    *out_count = k;
    return h;
}

/* How many non-blank lines (up to 3) hold exactly li's bytes. */
static size_t line_repeats(const line_hash *sorted, size_t count, const char *text, const line_info *li)
{
    uint64_t want = XXH3_64bits(text + li->start, li->length);
    size_t lo = 0, hi = count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (sorted[mid].hash < want)
            lo = mid + 1;
        else
            hi = mid;
    }
    size_t repeats = 0;
    for (size_t i = lo; i < count && sorted[i].hash == want && repeats < 3; i++)
        repeats++;
    (void)text;
    return repeats;
}

/* Removes running headers, once the body (a line with 。 or a comma) has
 * begun: a short line without punctuation that names the report
 * (政府工作报告, 2023年XX市政府工作报告) or that recurs three times. The same
 * words at the top are the title and stay. */
static bool mark_running_headers(line_info *lines, size_t count, const char *text)
{
    size_t sorted_count = 0;
    line_hash *sorted = hash_lines(lines, count, text, &sorted_count);
    if (!sorted && count)
        return false;
    bool body = false;
    for (size_t i = 0; i < count; i++) {
        line_info *li = &lines[i];
        if (li->blank || li->removed)
            continue;
        const char *s = text + li->start;
        size_t n = li->length;
        if (!body) {
            body = bg_contains(s, n, "。") || bg_contains(s, n, ",");
            continue;
        }
        while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
            n--;
        while (n > 0 && (*s == ' ' || *s == '\t')) {
            s++;
            n--;
        }
        if (li->full || bg_utf8_count(s, n) > 30 || has_any_punctuation(s, n) || starts_block(s, n))
            continue;
        if (ends_with(s, n, "工作报告") || line_repeats(sorted, sorted_count, text, li) >= 3)
            li->removed = true;
    }
    free(sorted);
    return true;
}

/* Code point ending just before s[at] (0 at the start). */
static unsigned cp_before(const char *s, size_t at)
{
    size_t from = at;
    while (from > 0 && ((unsigned char)s[from - 1] & 0xC0) == 0x80)
        from--;
    if (from == 0)
        return 0;
    from--;
    return bg_utf8_next(s, at, &from);
}

/* Whether the '.' at s[at] is a full stop written the ASCII way (增长8%.
 * 增长7.城镇…) rather than a decimal point (6.5), a heading's number (1.),
 * an inline list's number (;2.) or part of a name (www.gov.cn, No.). */
static bool is_ascii_full_stop(const char *s, size_t n, size_t at)
{
    size_t k = at + 1;
    unsigned next = k < n ? bg_utf8_next(s, n, &k) : 0;
    if (is_ascii_alnum(next) || next == '.')
        return false;
    unsigned previous = cp_before(s, at);
    if (bg_is_cjk(previous) || previous == '%' || previous == ')' || previous == 0x201D || previous == 0x300D ||
        previous == 0x300B)
        return true;
    if (previous < '0' || previous > '9')
        return false;
    size_t run = at;
    while (run > 0 && s[run - 1] >= '0' && s[run - 1] <= '9')
        run--;
    if (run > 0 && s[run - 1] == '.')
        return false;                    /* 1.2. */
    return bg_is_cjk(cp_before(s, run)); /* 增长7. but not 1. or ;2. */
}

/* Rewrites the full stops written as '.' to 。, so that sentences end the
 * same however the source was punctuated. */
static void full_stops(text_buffer *o)
{
    size_t count = 0;
    if (!o->length)
        return;
    for (const char *dot = memchr(o->text, '.', o->length); dot;
         dot = memchr(dot + 1, '.', o->length - (size_t)(dot + 1 - o->text)))
        if (is_ascii_full_stop(o->text, o->length, (size_t)(dot - o->text)))
            count++;
    if (!count || o->failed)
        return;
    text_buffer rewritten = {0};
    tb_cursor c = {o->run_at, o->run_origin, o->runs, 0};
    for (size_t i = 0; i < o->length; i++) {
        size_t origin = tb_origin(&c, i);
        if (o->text[i] == '.' && is_ascii_full_stop(o->text, o->length, i)) {
            tb_put(&rewritten, '\xE3', origin);
            tb_put(&rewritten, '\x80', origin);
            tb_put(&rewritten, '\x82', origin);
        } else {
            tb_put(&rewritten, o->text[i], origin);
        }
    }
    tb_free(o);
    *o = rewritten;
}

/* Code points before each BG_TEXT_INDEX_STRIDE-byte block of s. */
static uint32_t *build_char_index(const char *s, size_t n)
{
    size_t blocks = n / BG_TEXT_INDEX_STRIDE + 1;
    uint32_t *index = malloc(blocks * sizeof *index);
    if (!index)
        return NULL;
    uint32_t count = 0;
    for (size_t b = 0; b < blocks; b++) {
        index[b] = count;
        size_t from = b * BG_TEXT_INDEX_STRIDE, to = from + BG_TEXT_INDEX_STRIDE < n ? from + BG_TEXT_INDEX_STRIDE : n;
        if (from < to)
            count += (uint32_t)bg_utf8_count(s + from, to - from);
    }
    return index;
}

bg_error bg_clean_text(const bg_clean_rules *r, const char *utf8, size_t length, bg_text *out, char *msg, size_t n)
{
    memset(out, 0, sizeof *out);
    if (length >= BG_TEXT_MAX_BYTES / 3)
        return bg_fail(msg, n, BG_E_DECODE, "text of %zu bytes is too large to clean (at most %u)", length,
                       BG_TEXT_MAX_BYTES / 3);
    out_buffer line = {0}; /* one folded line, with a map per byte */
    text_buffer fold = {0}, o = {0};
    line_info *lines = NULL;
    size_t line_count = 0, line_capacity = 0;
    pcre2_match_data *md = NULL;
    bg_error e = BG_E_NOMEM;
    if (r && r->count && !(md = pcre2_match_data_create(16, NULL)))
        goto fail;
    bool valid = bg_utf8_valid(utf8, length); /* decoded text always is; a caller's bytes may not be */
    size_t at = 0;
    while (at <= length) {
        if (bg_budget_exceeded()) {
            e = BG_E_INTERRUPTED;
            goto fail;
        }
        size_t next;
        size_t end = line_end(utf8, length, at, &next);
        if (line_count == line_capacity) {
            size_t capacity = line_capacity ? line_capacity * 2 : 256;
            line_info *grown = realloc(lines, capacity * sizeof *grown);
            if (!grown)
                goto fail;
            lines = grown;
            line_capacity = capacity;
        }
        fold_line(utf8, at, end, &line);
        if (line.failed)
            goto fail;
        line_info *li = &lines[line_count++];
        li->start = fold.length;
        tb_put_mapped(&fold, line.text, line.map, line.length);
        if (fold.failed)
            goto fail;
        li->length = line.length;
        li->newline = end < length ? end : (size_t)-1;
        li->removed = false;
        li->full = false;
        li->split = next == end;
        li->chars = line_measure(utf8 + at, end - at, &li->width, li->split, valid);
        li->blank = true;
        for (size_t k = 0; k < li->length; k++)
            if (fold.text[li->start + k] != ' ' && fold.text[li->start + k] != '\t') {
                li->blank = false;
                break;
            }
        /* decoded text is valid UTF-8 and folding keeps it so: the patterns
         * may skip their UTF check */
        if (!li->blank && md && is_boilerplate(r, md, fold.text + li->start, li->length))
            li->removed = true;
        if (end >= length)
            break;
        at = next;
    }
    free(line.text);
    free(line.map);
    line.text = NULL;
    line.map = NULL;
    pcre2_match_data_free(md);
    md = NULL;
    if (!mark_full_lines(lines, line_count, fold.text, valid) || !mark_running_headers(lines, line_count, fold.text))
        goto fail;

    size_t first_text_line = (size_t)-1;
    for (size_t i = 0; i < line_count; i++)
        if (!lines[i].blank && !lines[i].removed) {
            first_text_line = i;
            break;
        }
    tb_cursor fold_origin = {fold.run_at, fold.run_origin, fold.runs, 0};
    size_t i = 0;
    bool skip_leading = false;
    while (i < line_count) {
        line_info *li = &lines[i];
        if (li->removed) {
            i++;
            continue;
        }
        size_t from = li->start, to = li->start + li->length;
        if (skip_leading) {
            while (from < to && (fold.text[from] == ' ' || fold.text[from] == '\t'))
                from++;
            skip_leading = false;
        }
        tb_copy(&o, &fold, &fold_origin, from, to);
        if (li->blank) {
            if (li->newline != (size_t)-1)
                tb_put(&o, '\n', li->newline);
            i++;
            continue;
        }
        /* next text line, counting blank lines. A gap with a removed line
         * in it (a page number, a running header, chrome) after a line of
         * prose or a hard-wrapped line is a page break: its blank lines go
         * with it, and the text around it is judged as if it were not there.
         * After anything else (a title, a masthead) it is a hard break. */
        size_t j = i + 1, blanks = 0;
        bool removed = false;
        while (j < line_count && (lines[j].blank || lines[j].removed)) {
            if (lines[j].removed)
                removed = true;
            blanks++;
            j++;
        }
        const char *a = fold.text + li->start;
        bool page_break = removed && (li->full || has_sentence_punctuation(a, li->length));
        if (page_break)
            blanks = 0;
        if (li->newline != (size_t)-1 && j < line_count && (!removed || page_break) &&
            should_join(a, li->length, fold.text + lines[j].start, lines[j].length, blanks, i == first_text_line,
                        li->full)) {
            size_t keep = o.length;
            while (keep > 0 && (o.text[keep - 1] == ' ' || o.text[keep - 1] == '\t'))
                keep--;
            tb_truncate(&o, keep);
            skip_leading = true;
            i = j;
            continue;
        }
        if (li->newline != (size_t)-1)
            tb_put(&o, '\n', li->newline);
        i = page_break ? j : i + 1;
    }
    tb_free(&fold);
    free(lines);
    lines = NULL;
    full_stops(&o);
    tb_put(&o, '\0', length);
    if (o.failed)
        goto fail;
    o.length--; /* the NUL stays after the text */
    /* the end of the last mapped original character, for quotes up to the end */
    size_t end_origin = length;
    if (o.length > 0) {
        tb_cursor c = {o.run_at, o.run_origin, o.runs, 0};
        size_t k = tb_origin(&c, o.length - 1);
        (void)bg_utf8_next(utf8, length, &k);
        end_origin = k;
    }
    out->text = o.text;
    out->length = o.length;
    out->map_at = o.run_at;
    out->map_origin = o.run_origin;
    out->map_runs = o.runs;
    out->end_origin = (uint32_t)end_origin;
    out->original = utf8;
    out->original_length = length;
    out->char_index = build_char_index(o.text, o.length);
    if (!out->char_index) {
        bg_text_free(out);
        return bg_fail(msg, n, BG_E_NOMEM, "out of memory cleaning text");
    }
    return BG_E_OK;
fail:
    pcre2_match_data_free(md);
    free(line.text);
    free(line.map);
    tb_free(&fold);
    tb_free(&o);
    free(lines);
    if (e == BG_E_INTERRUPTED)
        return bg_fail(msg, n, BG_E_INTERRUPTED, "stopped while cleaning the text");
    return bg_fail(msg, n, BG_E_NOMEM, "out of memory cleaning text");
}

/* ---- bg_text ------------------------------------------------------------ */

static bool is_trim_space(const char *s, size_t n, size_t at, size_t *width)
{
    unsigned char c = (unsigned char)s[at];
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
        *width = 1;
        return true;
    }
    if (at + 3 <= n && memcmp(s + at, "\xE3\x80\x80", 3) == 0) {
        *width = 3;
        return true;
    }
    if (at + 2 <= n && memcmp(s + at, "\xC2\xA0", 2) == 0) {
        *width = 2;
        return true;
    }
    return false;
}

size_t bg_text_origin(const bg_text *t, size_t at)
{
    if (at >= t->length)
        return t->end_origin;
    size_t lo = 0, hi = t->map_runs;
    while (lo < hi) { /* the last run starting at or before `at` */
        size_t mid = lo + (hi - lo) / 2;
        if (t->map_at[mid] <= at)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo ? t->map_origin[lo - 1] + (at - t->map_at[lo - 1]) : at;
}

char *bg_text_quote(const bg_text *t, size_t start, size_t end)
{
    if (end > t->length)
        end = t->length;
    if (start > end)
        start = end;
    size_t from = bg_text_origin(t, start), to = bg_text_origin(t, end);
    if (to > t->original_length)
        to = t->original_length;
    if (from > to)
        from = to;
    size_t width;
    while (from < to && is_trim_space(t->original, to, from, &width))
        from += width;
    /* trailing: step back over ASCII space and the 3-byte U+3000 / 2-byte NBSP */
    for (;;) {
        if (to > from && strchr(" \t\r\n", t->original[to - 1]) && t->original[to - 1] != '\0') {
            to--;
        } else if (to >= from + 3 && memcmp(t->original + to - 3, "\xE3\x80\x80", 3) == 0) {
            to -= 3;
        } else if (to >= from + 2 && memcmp(t->original + to - 2, "\xC2\xA0", 2) == 0) {
            to -= 2;
        } else {
            break;
        }
    }
    /* as written, with a break written out (\r\n, <br>) as the break it
     * stands for */
    char *copy = malloc(to - from + 1);
    if (!copy)
        return NULL;
    const char *s = t->original;
    size_t k = 0;
    for (size_t i = from; i < to;) {
        size_t plain = i; /* bytes that are copied as they are, at once */
        while (plain < to && s[plain] != '\\' && s[plain] != '<' && s[plain] != '\r')
            plain++;
        if (plain > i) {
            memcpy(copy + k, s + i, plain - i);
            k += plain - i;
            i = plain;
            continue;
        }
        size_t w = s[i] == '\\' || s[i] == '<' ? escaped_break(s, to, i) : 0;
        if (w) {
            copy[k++] = '\n';
            i += w;
        } else if (s[i] == '\r' && i + 1 < to && s[i + 1] == '\n') {
            i++;
        } else {
            copy[k++] = s[i++];
        }
    }
    while (k > 0 && (copy[k - 1] == '\n' || copy[k - 1] == ' '))
        k--;
    copy[k] = '\0';
    return copy;
}

size_t bg_text_char_offset(const bg_text *t, size_t at)
{
    if (at > t->length)
        at = t->length;
    size_t block = at / BG_TEXT_INDEX_STRIDE, from = block * BG_TEXT_INDEX_STRIDE;
    size_t base = t->char_index ? t->char_index[block] : bg_utf8_count(t->text, from);
    return base + bg_utf8_count(t->text + from, at - from);
}

size_t bg_text_char_count(const bg_text *t)
{
    return bg_utf8_count(t->text, t->length);
}

void bg_text_free(bg_text *t)
{
    if (!t)
        return;
    free(t->text);
    free(t->map_at);
    free(t->map_origin);
    free(t->char_index);
    t->text = NULL;
    t->map_at = t->map_origin = NULL;
    t->map_runs = 0;
    t->char_index = NULL;
    t->length = 0;
}
