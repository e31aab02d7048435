/* outline.c — headings (一、 (一) 1.) and parts (review, plan, outlook) of a
 * cleaned text (outline.h). Both come from PCRE2 patterns that the rules may
 * replace; parts run from one marker line to the next. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "extract/outline.h"

#include "budget.h"
#include "text/clean.h"
#include "text/numbers.h"
#include "text/pattern.h"
#include "text/utf8.h"

#include <pcre2.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct heading_pattern {
    int level;
    pcre2_code *code;
    int number_group, title_group;
} heading_pattern;

typedef struct part_pattern {
    const char *part; /* static */
    pcre2_code *code;
} part_pattern;

struct bg_outline_rules {
    heading_pattern *headings;
    size_t heading_count;
    part_pattern *parts;
    size_t part_count;
};

static const char *const part_names[] = {"review", "plan", "outlook"};

void bg_outline_rules_free(bg_outline_rules *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->heading_count; i++)
        bg_pattern_free(r->headings[i].code);
    for (size_t i = 0; i < r->part_count; i++)
        bg_pattern_free(r->parts[i].code);
    free(r->headings);
    free(r->parts);
    free(r);
}

static bool add_heading(bg_outline_rules *r, int level, const char *pattern, const char *where, bg_problems *p)
{
    pcre2_code *re = bg_pattern_compile(pattern, NULL, where, p);
    if (!re)
        return false;
    int number = pcre2_substring_number_from_name(re, (PCRE2_SPTR) "number");
    int title = pcre2_substring_number_from_name(re, (PCRE2_SPTR) "title");
    if (number < 0 || title < 0) {
        bg_problems_add(p, "%s: pattern needs the named groups (?<number>…) and (?<title>…)", where);
        bg_pattern_free(re);
        return false;
    }
    heading_pattern *grown = realloc(r->headings, (r->heading_count + 1) * sizeof *grown);
    if (!grown) {
        bg_pattern_free(re);
        return false;
    }
    r->headings = grown;
    r->headings[r->heading_count++] = (heading_pattern){level, re, number, title};
    return true;
}

static bool add_part(bg_outline_rules *r, const char *part, const char *pattern, const char *where, bg_problems *p)
{
    pcre2_code *re = bg_pattern_compile(pattern, NULL, where, p);
    if (!re)
        return false;
    part_pattern *grown = realloc(r->parts, (r->part_count + 1) * sizeof *grown);
    if (!grown) {
        bg_pattern_free(re);
        return false;
    }
    r->parts = grown;
    r->parts[r->part_count++] = (part_pattern){part, re};
    return true;
}

bg_outline_rules *bg_outline_rules_load(const cJSON *root, const char *file, bg_problems *p)
{
    bg_outline_rules *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    bool ok = true;
    char where[512];
    const cJSON *headings = root ? cJSON_GetObjectItemCaseSensitive(root, "headings") : NULL;
    if (headings) {
        if (!cJSON_IsArray(headings)) {
            bg_problems_add(p, "%s: headings: must be an array of {\"level\", \"pattern\"}", file);
            ok = false;
        }
        size_t i = 0;
        const cJSON *item;
        cJSON_ArrayForEach(item, headings)
        {
            const cJSON *level = cJSON_GetObjectItemCaseSensitive(item, "level");
            const cJSON *pattern = cJSON_GetObjectItemCaseSensitive(item, "pattern");
            snprintf(where, sizeof where, "%s: headings[%zu]", file, i);
            if (!cJSON_IsNumber(level) || (level->valueint != 0 && level->valueint != 1) || !cJSON_IsString(pattern)) {
                bg_problems_add(p, "%s: needs \"level\" (0 or 1) and \"pattern\" (a string)", where);
                ok = false;
            } else {
                snprintf(where, sizeof where, "%s: headings[%zu].pattern", file, i);
                ok = add_heading(r, level->valueint, pattern->valuestring, where, p) && ok;
            }
            i++;
        }
    } else {
        bg_problems_add(p, "%s: headings: missing (an array of {\"level\", \"pattern\"})", file);
        ok = false;
    }
    const cJSON *parts = root ? cJSON_GetObjectItemCaseSensitive(root, "parts") : NULL;
    if (parts) {
        if (!cJSON_IsObject(parts)) {
            bg_problems_add(p, "%s: parts: must be an object with review, plan and outlook arrays", file);
            ok = false;
        }
        const cJSON *list;
        cJSON_ArrayForEach(list, parts)
        {
            const char *part = NULL;
            for (size_t k = 0; k < 3; k++)
                if (strcmp(list->string, part_names[k]) == 0)
                    part = part_names[k];
            if (!part) {
                bg_problems_add(p, "%s: parts.%s: unknown part (review, plan or outlook)", file, list->string);
                ok = false;
                continue;
            }
            if (!cJSON_IsArray(list)) {
                bg_problems_add(p, "%s: parts.%s: must be an array of patterns", file, part);
                ok = false;
                continue;
            }
            size_t i = 0;
            const cJSON *item;
            cJSON_ArrayForEach(item, list)
            {
                snprintf(where, sizeof where, "%s: parts.%s[%zu]", file, part, i++);
                if (!cJSON_IsString(item)) {
                    bg_problems_add(p, "%s: must be a string", where);
                    ok = false;
                } else {
                    ok = add_part(r, part, item->valuestring, where, p) && ok;
                }
            }
        }
    } else {
        bg_problems_add(p, "%s: parts: missing (an object with review, plan and outlook arrays)", file);
        ok = false;
    }
    if (!ok) {
        bg_outline_rules_free(r);
        return NULL;
    }
    return r;
}

/* ---- building ----------------------------------------------------------- */

typedef struct marker {
    size_t offset;
    const char *part;
} marker;

static char *dup_range(const char *s, size_t n)
{
    char *c = malloc(n + 1);
    if (c) {
        memcpy(c, s, n);
        c[n] = '\0';
    }
    return c;
}

/* The end of a heading's title: the first 。 (or !?), else the line's end;
 * trailing ：: dropped. */
static size_t title_end(const char *s, size_t from, size_t to)
{
    static const char *const stops[] = {"。", "!", "?", ";"};
    size_t end = to;
    for (size_t i = from; i < to; i++) {
        for (size_t k = 0; k < sizeof stops / sizeof *stops; k++) {
            size_t w = strlen(stops[k]);
            if (i + w <= to && memcmp(s + i, stops[k], w) == 0) {
                end = i;
                goto found;
            }
        }
    }
found:
    while (end > from && (s[end - 1] == ' ' || s[end - 1] == ':'))
        end--;
    return end;
}

static const char *match_part(const bg_outline_rules *r, pcre2_match_data *md, const char *s, size_t n)
{
    for (size_t i = 0; i < r->part_count; i++)
        if (bg_pattern_match(r->parts[i].code, s, n, 0, 0, md) >= 0)
            return r->parts[i].part;
    return NULL;
}

/* A unit is where a heading or a part marker may start: a line's start,
 * and inside a line the start of a sentence (after 。！？) or the text
 * after a blank, where a line break became a space. Patterns see at most
 * UNIT_MAX_BYTES of it, so a text of one line costs linear time. A line of
 * more than FLAT_LINE_CHARS characters holds several paragraphs (a page
 * flattened to one line): there, part markers without a number (过去一年，)
 * count at a sentence's start too; elsewhere only at a line's start, and
 * inline only a numbered heading. */
enum { UNIT_MAX_BYTES = 1024, FLAT_LINE_CHARS = 1500, TITLE_MAX_CHARS = 60 };

typedef struct builder {
    const bg_outline_rules *r;
    const bg_text *t;
    pcre2_match_data *md;
    bg_outline *out;
    marker *markers;
    size_t marker_count, marker_capacity, heading_capacity;
} builder;

static bool is_blank_at(const char *s, size_t n, size_t at, size_t *width)
{
    if (at < n && (s[at] == ' ' || s[at] == '\t' || s[at] == '\r')) {
        *width = 1;
        return true;
    }
    if (at + 3 <= n && (unsigned char)s[at] == 0xE3 && memcmp(s + at, "\xE3\x80\x80", 3) == 0) {
        *width = 3;
        return true;
    }
    return false;
}

/* the first bytes of the blanks and stop marks is_blank_at and is_stop_at
 * know (U+3000 and 。 start with E3, ！ and ？ with EF) */
static const bool outline_special[256] = {[' '] = true,  ['\t'] = true, ['\r'] = true, ['!'] = true,
                                          ['?'] = true,  [0xE3] = true, [0xEF] = true};

static bool is_stop_at(const char *s, size_t n, size_t at, size_t *width)
{
    unsigned char c = (unsigned char)s[at];
    if (c == '!' || c == '?') {
        *width = 1;
        return true;
    }
    if (c != 0xE3 && c != 0xEF) /* 。 is E3 80 82; ！ and ？ are EF BC 81 and EF BC 9F */
        return false;
    static const char *const stops[] = {"。", "！", "？"};
    for (size_t i = 0; i < sizeof stops / sizeof *stops; i++)
        if (at + 3 <= n && memcmp(s + at, stops[i], 3) == 0) {
            *width = 3;
            return true;
        }
    return false;
}

/* The end of an inline heading's title: the first blank or clause mark
 * (the text of its paragraph follows without a break). */
static size_t inline_title_end(const char *s, size_t from, size_t to)
{
    static const char *const stops[] = {"。", "！", "？", "!", "?", ";", ",", ":", "，", "；", "：", " ", "\t",
                                        "\xE3\x80\x80"};
    for (size_t i = from; i < to; i++)
        for (size_t k = 0; k < sizeof stops / sizeof *stops; k++) {
            size_t w = strlen(stops[k]);
            if (i + w <= to && memcmp(s + i, stops[k], w) == 0)
                return i;
        }
    return to;
}

static bool add_marker(builder *b, size_t at, const char *part)
{
    if (b->marker_count == b->marker_capacity) {
        size_t capacity = b->marker_capacity ? b->marker_capacity * 2 : 16;
        marker *grown = realloc(b->markers, capacity * sizeof *grown);
        if (!grown)
            return false;
        b->markers = grown;
        b->marker_capacity = capacity;
    }
    b->markers[b->marker_count++] = (marker){at, part};
    return true;
}

/* Reads the unit t[from, to): a heading and, or, a part marker. */
static bool read_unit(builder *b, size_t from, size_t to, bool at_line_start, bool flat)
{
    const bg_outline_rules *r = b->r;
    const char *s = b->t->text + from;
    size_t n = to - from;
    if (n > UNIT_MAX_BYTES) {
        n = UNIT_MAX_BYTES;
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
            n--;
    }
    const char *part = at_line_start || flat ? match_part(r, b->md, s, n) : NULL;
    for (size_t h = 0; h < r->heading_count; h++) {
        const heading_pattern *hp = &r->headings[h];
        if (bg_pattern_match(hp->code, s, n, 0, 0, b->md) < 0)
            continue;
        PCRE2_SIZE *ov = pcre2_get_ovector_pointer(b->md);
        size_t ns = ov[2 * hp->number_group], ne = ov[2 * hp->number_group + 1];
        size_t ts = ov[2 * hp->title_group], te = ov[2 * hp->title_group + 1];
        if (ns == PCRE2_UNSET || ts == PCRE2_UNSET)
            continue;
        te = at_line_start && n == to - from ? title_end(s, ts, te) : inline_title_end(s, ts, te);
        while (te > ts && (s[te - 1] == ' ' || s[te - 1] == ':'))
            te--;
        /* a numbered paragraph without a short lead sentence is not a heading */
        if (te <= ts || bg_utf8_count(s + ts, te - ts) > TITLE_MAX_CHARS)
            break;
        if (!part)
            part = match_part(r, b->md, s, n);
        if (!part)
            part = match_part(r, b->md, s + ts, te - ts);
        bg_outline *out = b->out;
        if (out->heading_count == b->heading_capacity) {
            size_t capacity = b->heading_capacity ? b->heading_capacity * 2 : 32;
            bg_heading *grown = realloc(out->headings, capacity * sizeof *grown);
            if (!grown)
                return false;
            out->headings = grown;
            b->heading_capacity = capacity;
        }
        bg_heading *heading = &out->headings[out->heading_count];
        heading->offset = from;
        heading->end = from + te;
        heading->level = hp->level;
        heading->part = NULL;
        heading->own_part = part;
        heading->number = dup_range(s + ns, ne - ns);
        heading->title = bg_text_quote(b->t, from + ts, from + te);
        if (!heading->number || !heading->title) {
            free(heading->number);
            free(heading->title);
            return false;
        }
        out->heading_count++;
        break;
    }
    return !part || add_marker(b, from, part);
}

bg_error bg_outline_build(const bg_outline_rules *r, const bg_text *t, bg_outline *out)
{
    memset(out, 0, sizeof *out);
    builder b = {.r = r, .t = t, .out = out, .md = pcre2_match_data_create(32, NULL)};
    if (!b.md)
        return BG_E_NOMEM;
    const char *text = t->text;
    size_t at = 0, w;
    while (at < t->length && !bg_budget_exceeded()) {
        size_t end = at;
        while (end < t->length && text[end] != '\n')
            end++;
        size_t to = end;
        while (to > at && is_blank_at(text, to, to - 1, &w))
            to--;
        bool flat = bg_utf8_count(text + at, to - at) > FLAT_LINE_CHARS;
        bool line_start = true, unit = true;
        for (size_t p = at; p < to && !bg_budget_exceeded();) {
            if (is_blank_at(text, to, p, &w)) {
                p += w;
                unit = true; /* a break that became a blank */
                continue;
            }
            if (unit && !read_unit(&b, p, to, line_start, flat))
                goto nomem;
            unit = line_start = false;
            if (is_stop_at(text, to, p, &w)) {
                p += w;
                unit = true;
            } else {
                /* on to the next byte that may open a blank or a stop mark */
                p++;
                while (p < to && !outline_special[(unsigned char)text[p]])
                    p++;
            }
        }
        at = end + 1;
    }
    marker *markers = b.markers;
    size_t marker_count = b.marker_count;
    pcre2_match_data_free(b.md);
    b.md = NULL;

    /* Parts: each marker opens a part that runs to the next one. Text before
     * the first marker is the default, plan — unless the first marker opens
     * the plan after a review of results and problems (a full report). */
    const char *first = "plan";
    if (marker_count && markers[0].offset > 0 && strcmp(markers[0].part, "plan") == 0) {
        const char *s = t->text;
        size_t n = markers[0].offset;
        if (bg_contains(s, n, "过去") || bg_contains(s, n, "一年来") || bg_contains(s, n, "回顾") ||
            bg_contains(s, n, "成绩") || bg_contains(s, n, "困难和问题") || bg_contains(s, n, "存在"))
            first = "review";
    }
    out->parts = malloc((marker_count + 1) * sizeof *out->parts);
    if (!out->parts)
        goto nomem;
    size_t start = 0;
    const char *current = first;
    for (size_t i = 0; i < marker_count; i++) {
        if (strcmp(markers[i].part, current) == 0)
            continue;
        if (markers[i].offset > start)
            out->parts[out->part_count++] = (bg_part_span){start, markers[i].offset, current};
        start = markers[i].offset;
        current = markers[i].part;
    }
    out->parts[out->part_count++] = (bg_part_span){start, t->length, current};
    long top = -1;
    for (size_t i = 0; i < out->heading_count; i++) {
        out->headings[i].part = bg_outline_part_at(out, out->headings[i].offset);
        if (out->headings[i].level == 0)
            top = (long)i;
        out->headings[i].top = top;
    }
    free(markers);
    return BG_E_OK;
nomem:
    pcre2_match_data_free(b.md);
    free(b.markers);
    bg_outline_free(out);
    return BG_E_NOMEM;
}

const char *bg_outline_part_at(const bg_outline *outline, size_t offset)
{
    /* parts are sorted and cover the text: the last one starting at or
     * before offset */
    size_t lo = 0, hi = outline->part_count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (outline->parts[mid].start <= offset)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0)
        return outline->part_count ? outline->parts[0].part : "plan";
    const bg_part_span *p = &outline->parts[lo - 1];
    return offset < p->end || lo == outline->part_count ? p->part : outline->parts[outline->part_count - 1].part;
}

/* How many headings start at or before offset (they are sorted). */
static size_t headings_up_to(const bg_outline *outline, size_t offset)
{
    size_t lo = 0, hi = outline->heading_count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (outline->headings[mid].offset <= offset)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

const bg_heading *bg_outline_heading_before(const bg_outline *outline, size_t offset, int level)
{
    size_t lo = headings_up_to(outline, offset);
    if (level == 0) /* linked at build time: no walk back over the (一)s */
        return lo && outline->headings[lo - 1].top >= 0 ? &outline->headings[outline->headings[lo - 1].top] : NULL;
    while (lo-- > 0)
        if (outline->headings[lo].level == level)
            return &outline->headings[lo];
    return NULL;
}

const char *bg_outline_section_at(const bg_outline *outline, size_t offset)
{
    size_t lo = headings_up_to(outline, offset);
    return lo ? outline->headings[lo - 1].title : NULL;
}

void bg_outline_free(bg_outline *outline)
{
    if (!outline)
        return;
    for (size_t i = 0; i < outline->heading_count; i++) {
        free(outline->headings[i].number);
        free(outline->headings[i].title);
    }
    free(outline->headings);
    free(outline->parts);
    memset(outline, 0, sizeof *outline);
}
