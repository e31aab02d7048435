/* sentence.c — breaks, spans and bounded quotes (sentence.h). */
#include "text/sentence.h"

#include "text/utf8.h"

#include <stdlib.h>
#include <string.h>

/* The break class of the character at s[i] (width in *w), or -1. */
static int break_class(const char *s, size_t n, size_t i, size_t *w)
{
    unsigned char c = (unsigned char)s[i];
    *w = 1;
    switch (c) {
    case '\n': return BG_SPAN_LINE;
    case '!':
    case '?': return BG_SPAN_SENTENCE;
    case ';': return BG_SPAN_PHRASE;
    case ',':
    case ':':
    case '(':
    case ')':
    case '"': return BG_SPAN_CLAUSE;
    default: break;
    }
    if (c < 0xE2 || c > 0xEF || i + 3 > n)
        return -1;
    *w = 3;
    const char *p = s + i;
    if (!memcmp(p, "。", 3) || !memcmp(p, "！", 3) || !memcmp(p, "？", 3))
        return BG_SPAN_SENTENCE;
    if (!memcmp(p, "；", 3))
        return BG_SPAN_PHRASE;
    if (!memcmp(p, "，", 3) || !memcmp(p, "、", 3) || !memcmp(p, "：", 3) || !memcmp(p, "（", 3) ||
        !memcmp(p, "）", 3) || !memcmp(p, "“", 3) || !memcmp(p, "”", 3))
        return BG_SPAN_CLAUSE;
    return -1;
}

bg_error bg_breaks_build(const char *s, size_t n, bg_breaks *out)
{
    memset(out, 0, sizeof *out);
    out->text = s;
    out->length = n;
    if (n >= UINT32_MAX)
        return BG_E_NOMEM;
    size_t capacity[BG_SPAN_KINDS] = {0};
    for (size_t i = 0; i < n;) {
        size_t w;
        int cls = break_class(s, n, i, &w);
        if (cls < 0) {
            i++;
            continue;
        }
        /* a break of one class is a break of every finer kind too */
        for (int k = cls; k < BG_SPAN_KINDS; k++) {
            if (out->count[k] == capacity[k]) {
                size_t grown = capacity[k] ? capacity[k] * 2 : 256;
                uint32_t *a = realloc(out->at[k], grown * sizeof *a);
                if (!a) {
                    bg_breaks_free(out);
                    return BG_E_NOMEM;
                }
                out->at[k] = a;
                capacity[k] = grown;
            }
            out->at[k][out->count[k]++] = (uint32_t)i;
        }
        i += w;
    }
    return BG_E_OK;
}

void bg_breaks_free(bg_breaks *b)
{
    for (int k = 0; k < BG_SPAN_KINDS; k++) {
        free(b->at[k]);
        b->at[k] = NULL;
        b->count[k] = 0;
    }
}

/* Index of the first break of kind k at or after `at`. */
static size_t lower_bound(const bg_breaks *b, bg_span_kind k, size_t at)
{
    size_t lo = 0, hi = b->count[k];
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (b->at[k][mid] < at)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static size_t break_width(const bg_breaks *b, size_t at)
{
    return ((unsigned char)b->text[at] < 0x80) ? 1 : 3;
}

size_t bg_break_after(const bg_breaks *b, bg_span_kind kind, size_t from)
{
    size_t i = lower_bound(b, kind, from);
    return i < b->count[kind] ? b->at[kind][i] : b->length;
}

size_t bg_break_before(const bg_breaks *b, bg_span_kind kind, size_t at)
{
    size_t i = lower_bound(b, kind, at);
    if (i == 0)
        return 0;
    size_t p = b->at[kind][i - 1];
    return p + break_width(b, p);
}

void bg_span_at(const bg_breaks *b, bg_span_kind kind, size_t at, size_t *start, size_t *end)
{
    if (at > b->length)
        at = b->length;
    if (start)
        *start = bg_break_before(b, kind, at);
    if (end)
        *end = bg_break_after(b, kind, at);
}

/* The character count of t->text[from, to), counted no further than one
 * past BG_QUOTE_MAX_CHARS: every use compares it with that bound, and a
 * sentence of a megabyte quoted for each of its figures must not be counted
 * whole each time. */
static size_t chars(const bg_text *t, size_t from, size_t to)
{
    size_t bytes = to - from, most = 4 * (BG_QUOTE_MAX_CHARS + 1);
    return bg_utf8_count(t->text + from, bytes < most ? bytes : most);
}

/* Moves back over up to `count` characters from `at` (not before floor). */
static size_t back_chars(const char *s, size_t floor, size_t at, size_t count)
{
    while (at > floor && count > 0) {
        at--;
        while (at > floor && ((unsigned char)s[at] & 0xC0) == 0x80)
            at--;
        count--;
    }
    return at;
}

static size_t forward_chars(const char *s, size_t ceiling, size_t at, size_t count)
{
    while (at < ceiling && count > 0) {
        at++;
        while (at < ceiling && ((unsigned char)s[at] & 0xC0) == 0x80)
            at++;
        count--;
    }
    return at;
}

bool bg_quote_whole(const bg_text *t, size_t from, size_t to)
{
    if (to > t->length)
        to = t->length;
    if (from > to)
        from = to;
    return chars(t, from, to) <= BG_QUOTE_MAX_CHARS;
}

char *bg_quote_window(const bg_text *t, const bg_breaks *b, size_t from, size_t to, size_t match_start,
                      size_t match_end)
{
    if (to > t->length)
        to = t->length;
    if (from > to)
        from = to;
    if (match_start < from)
        match_start = from;
    if (match_end > to)
        match_end = to;
    if (match_end < match_start)
        match_end = match_start;
    size_t lo = from, hi = to;
    if (chars(t, from, to) > BG_QUOTE_MAX_CHARS) {
        /* the clauses holding the match, then whole clauses either side */
        size_t cs, ce;
        bg_span_at(b, BG_SPAN_CLAUSE, match_start, &cs, NULL);
        ce = bg_break_after(b, BG_SPAN_CLAUSE, match_end > match_start ? match_end - 1 : match_end);
        if (ce < to)
            ce += break_width(b, ce);
        lo = cs < from ? from : cs;
        hi = ce > to ? to : ce;
        size_t used = chars(t, lo, hi);
        if (used > BG_QUOTE_MAX_CHARS) {
            size_t half = BG_QUOTE_MAX_CHARS / 2;
            lo = back_chars(t->text, from, match_start, half);
            hi = forward_chars(t->text, to, lo, BG_QUOTE_MAX_CHARS);
        } else {
            for (bool grew = true; grew;) {
                grew = false;
                if (lo > from) {
                    /* the clause that ends just before lo: from the start of
                     * the character before lo back to the break before it */
                    size_t before = back_chars(t->text, from, lo, 1);
                    size_t ps = bg_break_before(b, BG_SPAN_CLAUSE, before);
                    if (ps < from)
                        ps = from;
                    size_t add = chars(t, ps, lo);
                    if (ps < lo && used + add <= BG_QUOTE_MAX_CHARS) {
                        used += add;
                        lo = ps;
                        grew = true;
                    }
                }
                if (hi < to) {
                    size_t ne = bg_break_after(b, BG_SPAN_CLAUSE, hi);
                    if (ne < to)
                        ne += break_width(b, ne);
                    if (ne > to)
                        ne = to;
                    size_t add = chars(t, hi, ne);
                    if (ne > hi && used + add <= BG_QUOTE_MAX_CHARS) {
                        used += add;
                        hi = ne;
                        grew = true;
                    }
                }
            }
        }
    }
    /* the original span; if cleaning dropped a long stretch inside it (a
     * removed block of chrome), quote the cleaned text instead */
    size_t origin_lo = bg_text_origin(t, lo), origin_hi = bg_text_origin(t, hi);
    size_t original_bytes = origin_hi > origin_lo ? origin_hi - origin_lo : 0;
    char *body;
    if (original_bytes > 4 * (hi - lo) + 64) {
        body = malloc(hi - lo + 1);
        if (body) {
            memcpy(body, t->text + lo, hi - lo);
            body[hi - lo] = '\0';
        }
    } else {
        body = bg_text_quote(t, lo, hi);
    }
    if (!body || (lo == from && hi == to))
        return body;
    static const char ellipsis[] = "…";
    size_t n = strlen(body);
    char *out = malloc(n + 2 * (sizeof ellipsis - 1) + 1);
    if (!out) {
        free(body);
        return NULL;
    }
    size_t k = 0;
    if (lo > from) {
        memcpy(out, ellipsis, sizeof ellipsis - 1);
        k += sizeof ellipsis - 1;
    }
    memcpy(out + k, body, n);
    k += n;
    if (hi < to) {
        memcpy(out + k, ellipsis, sizeof ellipsis - 1);
        k += sizeof ellipsis - 1;
    }
    out[k] = '\0';
    free(body);
    return out;
}
