/* facts.c — document facts (facts.h): which report it is, from its own
 * identity lines first — the title, the session it was read to (——2011年1月
 * 18日在临朐县第十六届人民代表大会第五次会议上), the speaker (县人民政府县长)
 * — then from the body: region and level, report date, plan year and
 * document type, with rules that hold for reports of any province, level or
 * year, and for texts with or without line breaks. */
#define _GNU_SOURCE
#include "extract/facts.h"

#include "text/clean.h"
#include "text/pattern.h"
#include "text/utf8.h"
#include "text/words.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct line_span {
    size_t start, end; /* bytes of the trimmed line in the normalized text */
} line_span;

/* The first `max` non-empty lines, trimmed. */
/* A line longer than this holds several (a page flattened to one line):
 * its head is read in pieces, cut at 。！？ and before —— and 各位代表. */
enum { FLAT_LINE_BYTES = 600 };

static size_t piece_end(const char *s, size_t from, size_t to)
{
    static const char *const before[] = {"——", "各位代表"};
    static const char *const after[] = {"。", "！", "？", "!", "?"};
    for (size_t i = from; i < to; i++) {
        for (size_t k = 0; k < sizeof before / sizeof *before; k++) {
            size_t w = strlen(before[k]);
            if (i > from && i + w <= to && memcmp(s + i, before[k], w) == 0 &&
                !(k == 0 && i >= 3 && memcmp(s + i - 3, "—", 3) == 0))
                return i;
        }
        for (size_t k = 0; k < sizeof after / sizeof *after; k++) {
            size_t w = strlen(after[k]);
            if (i + w <= to && memcmp(s + i, after[k], w) == 0)
                return i + w;
        }
    }
    return to;
}

static size_t top_lines(const bg_text *t, line_span *lines, size_t max)
{
    size_t count = 0, at = 0;
    while (at < t->length && count < max) {
        size_t end = at;
        while (end < t->length && t->text[end] != '\n')
            end++;
        size_t from = at;
        bool flat = end - at > FLAT_LINE_BYTES;
        while (from < end && count < max) {
            size_t to = flat ? piece_end(t->text, from, end) : end;
            size_t next = to;
            while (from < to && (t->text[from] == ' ' || t->text[from] == '\t' || t->text[from] == '\r'))
                from++;
            while (to > from && (t->text[to - 1] == ' ' || t->text[to - 1] == '\t' || t->text[to - 1] == '\r'))
                to--;
            if (to > from)
                lines[count++] = (line_span){from, to};
            from = next;
        }
        at = end + 1;
    }
    return count;
}

static bool is_numeral(const char *s, size_t n, size_t *width)
{
    static const char *const numerals[] = {"一", "二", "三", "四", "五", "六", "七", "八", "九", "十"};
    for (size_t i = 0; i < 10; i++)
        if (n >= 3 && memcmp(s, numerals[i], 3) == 0) {
            *width = 3;
            return true;
        }
    return false;
}

/* 一、 (一) 1. 1、 at the start: a heading, never a title. */
static bool numbered(const char *s, size_t n)
{
    size_t i = 0, w;
    if (n && s[0] == '(')
        return n > 1 && (is_numeral(s + 1, n - 1, &w) || (s[1] >= '0' && s[1] <= '9'));
    if (n && s[0] >= '0' && s[0] <= '9') {
        while (i < n && s[i] >= '0' && s[i] <= '9')
            i++;
        return i < n && i <= 2 && (s[i] == '.' || (n - i >= 3 && memcmp(s + i, "、", 3) == 0));
    }
    while (i < n && is_numeral(s + i, n - i, &w))
        i += w;
    return i > 0 && n - i >= 3 && memcmp(s + i, "、", 3) == 0;
}

/* Parses "2021年12月29日" at s; returns bytes consumed or 0. */
static size_t parse_date(const char *s, size_t n, int *year, int *month, int *day)
{
    size_t i = 0;
    int y = 0, m = 0, d = 0;
    while (i < n && i < 4 && s[i] >= '0' && s[i] <= '9')
        y = y * 10 + (s[i++] - '0');
    if (i != 4 || n - i < 3 || memcmp(s + i, "年", 3) != 0)
        return 0;
    i += 3;
    size_t k = i;
    while (i < n && i - k < 2 && s[i] >= '0' && s[i] <= '9')
        m = m * 10 + (s[i++] - '0');
    if (i == k || n - i < 3 || memcmp(s + i, "月", 3) != 0 || m < 1 || m > 12)
        return 0;
    i += 3;
    k = i;
    while (i < n && i - k < 2 && s[i] >= '0' && s[i] <= '9')
        d = d * 10 + (s[i++] - '0');
    if (i == k || n - i < 3 || (memcmp(s + i, "日", 3) != 0 && memcmp(s + i, "号", 3) != 0) || d < 1 || d > 31)
        return 0;
    *year = y;
    *month = m;
    *day = d;
    return i + 3;
}

/* The digit a Chinese numeral character stands for (〇 ○ 零 一 … 九), -1 when
 * none; its bytes go to *width. */
static int chinese_digit(const char *s, size_t n, size_t *width)
{
    static const char *const digits[] = {"〇", "一", "二", "三", "四", "五", "六", "七", "八", "九"};
    for (int i = 0; i < 10; i++)
        if (n >= 3 && memcmp(s, digits[i], 3) == 0) {
            *width = 3;
            return i;
        }
    if (n >= 3 && (memcmp(s, "○", 3) == 0 || memcmp(s, "零", 3) == 0 || memcmp(s, "Ｏ", 3) == 0)) {
        *width = 3;
        return 0;
    }
    if (n >= 1 && (s[0] == 'O' || s[0] == 'o')) {
        *width = 1;
        return 0;
    }
    return -1;
}

/* 一 … 九, 十, 十二, 二十, 三十一 at s: the value (1-99) and the bytes read. */
static size_t chinese_small_number(const char *s, size_t n, int *value)
{
    size_t i = 0, w;
    int tens = 0, units = 0;
    int d = chinese_digit(s, n, &w);
    if (d > 0) {
        units = d;
        i += w;
    }
    if (n - i >= 3 && memcmp(s + i, "十", 3) == 0) {
        tens = units ? units : 1;
        units = 0;
        i += 3;
        d = chinese_digit(s + i, n - i, &w);
        if (d > 0) {
            units = d;
            i += w;
        }
    }
    *value = tens * 10 + units;
    return *value > 0 ? i : 0;
}

/* Parses "二〇二二年一月十日" at s (dates of sessions written in words);
 * returns bytes consumed or 0. */
static size_t parse_chinese_date(const char *s, size_t n, int *year, int *month, int *day)
{
    size_t i = 0, w;
    int y = 0;
    for (int k = 0; k < 4; k++) {
        int d = chinese_digit(s + i, n - i, &w);
        if (d < 0)
            return 0;
        y = y * 10 + d;
        i += w;
    }
    int m, d;
    size_t used;
    if (n - i < 3 || memcmp(s + i, "年", 3) != 0)
        return 0;
    i += 3;
    if (!(used = chinese_small_number(s + i, n - i, &m)) || m > 12 || n - i - used < 3 ||
        memcmp(s + i + used, "月", 3) != 0)
        return 0;
    i += used + 3;
    if (!(used = chinese_small_number(s + i, n - i, &d)) || d > 31 || n - i - used < 3 ||
        (memcmp(s + i + used, "日", 3) != 0 && memcmp(s + i + used, "号", 3) != 0))
        return 0;
    *year = y;
    *month = m;
    *day = d;
    return i + used + 3;
}

static bool find_date(const char *s, size_t n, int *year, int *month, int *day)
{
    for (size_t i = 0; i + 4 <= n; i++) {
        if ((i == 0 || !(s[i - 1] >= '0' && s[i - 1] <= '9')) &&
            (parse_date(s + i, n - i, year, month, day) || parse_chinese_date(s + i, n - i, year, month, day)))
            return *year >= 1949 && *year <= 2100;
    }
    return false;
}

/* A year written right before `at` ("2023" or "二〇二三" in …年), 0 when
 * none; *from gets where it starts. */
static int year_at(const char *s, size_t at, size_t *from)
{
    if (at >= 4) {
        int y = 0;
        bool digits = true;
        for (size_t k = at - 4; k < at && digits; k++) {
            digits = s[k] >= '0' && s[k] <= '9';
            y = y * 10 + (s[k] - '0');
        }
        if (digits && !(at >= 5 && s[at - 5] >= '0' && s[at - 5] <= '9')) {
            if (from)
                *from = at - 4;
            return y >= 1949 && y <= 2100 ? y : 0;
        }
    }
    if (at >= 12) { /* 二〇二三, 二○一○, 二零一零 */
        int y = 0;
        size_t w;
        for (size_t k = at - 12; k < at; k += 3) {
            int d = chinese_digit(s + k, at - k, &w);
            if (d < 0 || w != 3)
                return 0;
            y = y * 10 + d;
        }
        if (from)
            *from = at - 12;
        return y >= 1949 && y <= 2100 ? y : 0;
    }
    return 0;
}

static int year_before(const char *s, size_t at)
{
    return year_at(s, at, NULL);
}

/* The latest year the text speaks of in the plan's voice: 2022年，沭阳县将…,
 * 2023年，我们将…, 2023年要…; 0 when none. An excerpt of a report's plan
 * names its year only so. */
static int plan_voice_year(const char *text, size_t length)
{
    static const char *const verbs[] = {"将", "要", "计划", "力争", "确保"};
    int best = 0;
    for (size_t i = 4; i + 3 <= length; i++) {
        if (memcmp(text + i, "年", 3) != 0)
            continue;
        int year = year_before(text, i);
        if (!year || (i >= 7 && memcmp(text + i - 7, "到", 3) == 0))
            continue;
        size_t at = i + 3;
        if (at + 3 <= length && memcmp(text + at, "，", 3) == 0)
            at += 3;
        else if (at < length && text[at] == ',')
            at += 1;
        /* a short subject (沭阳县, 我们, 全市) may stand before the verb */
        for (size_t chars = 0; chars <= 8 && at < length; chars++) {
            bool verb = false;
            for (size_t v = 0; v < sizeof verbs / sizeof *verbs && !verb; v++) {
                size_t k = strlen(verbs[v]);
                verb = at + k <= length && memcmp(text + at, verbs[v], k) == 0;
            }
            if (verb) {
                if (year > best)
                    best = year;
                break;
            }
            unsigned char c = (unsigned char)text[at];
            if (c < 0x80 || memcmp(text + at, "，", 3) == 0 || memcmp(text + at, "。", 3) == 0 ||
                memcmp(text + at, "、", 3) == 0 || memcmp(text + at, "；", 3) == 0)
                break; /* digits, ASCII punctuation or a clause break: not a subject */
            at += c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
        }
    }
    return best;
}

/* Whether a line starts with a work heading: (一)…, 一、… */
static bool has_work_heading(const char *text, size_t length)
{
    for (size_t i = 0; i < length; i++) {
        if (i > 0 && text[i - 1] != '\n')
            continue;
        size_t w;
        const char *s = text + i;
        size_t n = length - i;
        if ((n > 1 && s[0] == '(' && is_numeral(s + 1, n - 1, &w) && n > 1 + w && s[1 + w] == ')') ||
            (n >= 3 && memcmp(s, "（", 3) == 0 && is_numeral(s + 3, n - 3, &w)) || numbered(s, n < 12 ? n : 12))
            return true;
    }
    return false;
}

/* ---- rules ------------------------------------------------------------------ */

struct bg_facts_rules {
    pcre2_code *meeting;  /* groups date, council, national */
    pcre2_code *speaker;  /* groups office, role */
    bg_words plan_markers, press_markers, report_words;
};

bg_facts_rules *bg_facts_rules_load(const cJSON *rules_root, const char *rules_file, bg_problems *p)
{
    bg_facts_rules *r = calloc(1, sizeof *r);
    if (!r) {
        bg_problems_add(p, "%s: out of memory", rules_file);
        return NULL;
    }
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(rules_root, "identity");
    bool ok = true;
    if (!cJSON_IsObject(id)) {
        bg_problems_add(p, "%s: identity: expected an object with meeting, speaker, plan_markers, press_markers, "
                           "report_words",
                        rules_file);
        ok = false;
    } else {
        static const char *const patterns[] = {"meeting", "speaker"};
        static const char *const groups[][3] = {{"date", "council", "national"}, {"office", "role", NULL}};
        pcre2_code **codes[] = {&r->meeting, &r->speaker};
        for (size_t i = 0; i < 2; i++) {
            char path[64];
            snprintf(path, sizeof path, "identity.%s", patterns[i]);
            const cJSON *v = cJSON_GetObjectItemCaseSensitive(id, patterns[i]);
            if (!cJSON_IsString(v)) {
                bg_problems_add(p, "%s: %s: expected a pattern string", rules_file, path);
                ok = false;
                continue;
            }
            if (!(*codes[i] = bg_pattern_compile(v->valuestring, rules_file, path, p))) {
                ok = false;
                continue;
            }
            for (size_t g = 0; g < 3 && groups[i][g]; g++)
                if (pcre2_substring_number_from_name(*codes[i], (PCRE2_SPTR)groups[i][g]) < 0) {
                    bg_problems_add(p, "%s: %s: the pattern needs a group (?<%s>…)", rules_file, path, groups[i][g]);
                    ok = false;
                }
        }
        ok = bg_words_load_array(&r->plan_markers, cJSON_GetObjectItemCaseSensitive(id, "plan_markers"), rules_file,
                                 "identity.plan_markers", p) &&
             ok;
        ok = bg_words_load_array(&r->press_markers, cJSON_GetObjectItemCaseSensitive(id, "press_markers"),
                                 rules_file, "identity.press_markers", p) &&
             ok;
        ok = bg_words_load_array(&r->report_words, cJSON_GetObjectItemCaseSensitive(id, "report_words"), rules_file,
                                 "identity.report_words", p) &&
             ok;
    }
    if (!ok) {
        bg_facts_rules_free(r);
        return NULL;
    }
    return r;
}

void bg_facts_rules_free(bg_facts_rules *r)
{
    if (!r)
        return;
    bg_pattern_free(r->meeting);
    bg_pattern_free(r->speaker);
    bg_words_free(&r->plan_markers);
    bg_words_free(&r->press_markers);
    bg_words_free(&r->report_words);
    free(r);
}

/* ---- the plan year ------------------------------------------------------------- */

int bg_plan_year(const bg_facts_rules *rules, const char *text, size_t length, int report_year, int report_month)
{
    /* markers that open the year's plan: 2023年工作安排, 2022年重点工作任务,
     * 2022年主要预期目标, 2022年政府工作的总体要求 — the latest year wins: a
     * plan follows the review of earlier years */
    static const char *const between[] = {"全省", "全市", "全区", "全县", "全州", "全盟", "全旗", "本市", "我市",
                                          "经济社会发展", "的"};
    int best = 0;
    for (const char *p = text; rules && (p = memmem(p, length - (size_t)(p - text), "年", 3)) != NULL; p += 3) {
        size_t i = (size_t)(p - text);
        size_t from;
        int year = year_at(text, i, &from);
        if (!year)
            continue;
        /* 到2025年主要目标 is a multi-year goal */
        if (from >= 3 && memcmp(text + from - 3, "到", 3) == 0)
            continue;
        size_t at = i + 3;
        for (size_t b = 0; b < sizeof between / sizeof *between; b++) {
            size_t k = strlen(between[b]);
            if (at + k <= length && memcmp(text + at, between[b], k) == 0)
                at += k;
        }
        if (bg_words_at(&rules->plan_markers, text, length, at, NULL) && year > best)
            best = year;
    }
    if (best)
        return best;
    if (report_year) {
        if (report_month >= 11)
            return report_year + 1; /* delivered in winter: 明年 is the plan */
        if (report_month >= 1)
            return report_year; /* delivered at the spring session: 今年 */
        if (bg_contains(text, length, "明年"))
            return report_year + 1;
        return report_year;
    }
    return 0;
}

/* The year a review heading looks back on (一、2011年工作回顾, 2011年工作
 * 回顾), so that the plan is for the year after; 0 when none. */
static int review_year(const char *text, size_t length)
{
    for (const char *p = text; (p = memmem(p, length - (size_t)(p - text), "年工作回顾", 15)) != NULL; p += 15) {
        int year = year_before(text, (size_t)(p - text));
        if (year)
            return year;
    }
    return 0;
}

/* ---- identity lines --------------------------------------------------------- */

/* Where the body begins: 各位代表, or after the first few hundred bytes;
 * identity lines stand before it. */
static size_t head_end(const bg_text *t)
{
    size_t limit = t->length < 1500 ? t->length : 1500;
    const char *at = memmem(t->text, limit, "各位代表", 12);
    return at ? (size_t)(at - t->text) : limit;
}

static void group_text(const pcre2_code *code, pcre2_match_data *md, const char *s, const char *group, char *out,
                       size_t size)
{
    out[0] = '\0';
    int g = pcre2_substring_number_from_name(code, (PCRE2_SPTR)group);
    if (g < 0)
        return;
    PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
    if (ov[2 * g] == PCRE2_UNSET)
        return;
    size_t n = ov[2 * g + 1] - ov[2 * g];
    /* spaces a PDF left inside the name go */
    size_t k = 0;
    for (size_t i = 0; i < n && k + 1 < size; i++)
        if (s[ov[2 * g] + i] != ' ' && s[ov[2 * g] + i] != '\n')
            out[k++] = s[ov[2 * g] + i];
    out[k] = '\0';
}

typedef struct identity {
    size_t meeting_start, meeting_end; /* 0, 0 when none */
    char council[128];
    bool national;
    bool dated;
    int year, month, day;
    size_t speaker_start;
    char office[128], role[24];
} identity;

static void find_identity(const bg_facts_rules *r, const bg_text *t, identity *id)
{
    memset(id, 0, sizeof *id);
    id->speaker_start = (size_t)-1;
    size_t head = head_end(t);
    pcre2_match_data *md = pcre2_match_data_create(16, NULL);
    if (!md || !r)
        goto done;
    if (bg_pattern_match(r->meeting, t->text, head, 0, 0, md) >= 0) {
        PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
        id->meeting_start = ov[0];
        id->meeting_end = ov[1];
        char date[64], national[16];
        group_text(r->meeting, md, t->text, "council", id->council, sizeof id->council);
        group_text(r->meeting, md, t->text, "national", national, sizeof national);
        group_text(r->meeting, md, t->text, "date", date, sizeof date);
        id->national = national[0] != '\0';
        if (id->national)
            snprintf(id->council, sizeof id->council, "全国");
        if (date[0] && find_date(date, strlen(date), &id->year, &id->month, &id->day))
            id->dated = true;
    }
    if (bg_pattern_match(r->speaker, t->text, head, 0, 0, md) >= 0) {
        id->speaker_start = pcre2_get_ovector_pointer(md)[0];
        group_text(r->speaker, md, t->text, "office", id->office, sizeof id->office);
        group_text(r->speaker, md, t->text, "role", id->role, sizeof id->role);
        if (strstr(id->role, "总理"))
            snprintf(id->office, sizeof id->office, "全国");
    }
done:
    pcre2_match_data_free(md);
}

/* The title: the first line (of the first few) that names a report, cut
 * where the meeting line, the speaker or the body begins on the same line
 * (a page flattened to one line). */
static bool find_title(const bg_facts_rules *r, const bg_text *t, const identity *id, line_span *out)
{
    line_span lines[8];
    size_t count = top_lines(t, lines, 8);
    for (size_t i = 0; i < count; i++) {
        size_t from = lines[i].start, to = lines[i].end;
        if (id->meeting_end && id->meeting_start >= from && id->meeting_start < to)
            to = id->meeting_start;
        if (id->speaker_start != (size_t)-1 && id->speaker_start > from && id->speaker_start < to)
            to = id->speaker_start;
        static const char *const stops[] = {"——", "各位代表", "。", "(20", "(二"};
        for (size_t k = 0; k < sizeof stops / sizeof *stops; k++) {
            const char *hit = memmem(t->text + from, to - from, stops[k], strlen(stops[k]));
            if (hit && (size_t)(hit - t->text) > from && !(k >= 3 && lines[i].end - from < 240))
                to = (size_t)(hit - t->text);
        }
        while (to > from && (t->text[to - 1] == ' ' || t->text[to - 1] == ':'))
            to--;
        const char *s = t->text + from;
        size_t n = to - from;
        size_t at, len;
        /* a "——…解读" subtitle names the report it reads, but is no title */
        if (n && !numbered(s, n) && bg_utf8_count(s, n) <= 80 && !(n >= 6 && memcmp(s, "——", 6) == 0) &&
            bg_words_find(&r->report_words, s, 0, n, &at, &len, NULL)) {
            *out = (line_span){from, to};
            return true;
        }
        if (i == 0 && lines[i].end - lines[i].start > 600)
            break; /* a page flattened to one line: only its start can be the title */
    }
    return false;
}

static const char *document_type(const bg_facts_rules *r, const bg_text *t, const line_span *lines, size_t count,
                                 const char *title, size_t title_length)
{
    /* a newspaper's reading: 解读, a byline (记者), the paper's name at the top */
    size_t at, len;
    for (size_t i = 0; i < count && i < 15; i++) {
        const char *s = t->text + lines[i].start;
        size_t n = lines[i].end - lines[i].start;
        if (bg_utf8_count(s, n) > 60) {
            /* a body paragraph that quotes a newspaper is not a masthead;
             * the start of the text is, even run into the article */
            if (i > 0)
                continue;
            size_t head = 0;
            for (size_t k = 0; k < 60 && head < n; k++)
                (void)bg_utf8_next(s, n, &head);
            n = head;
        }
        if (bg_words_find(&r->press_markers, s, 0, n, &at, &len, NULL))
            return "interpretation";
    }
    if (title && (bg_contains(title, title_length, "工作报告") || bg_contains(title, title_length, "政府报告")))
        return "work_report";
    if (bg_contains(t->text, t->length, "各位代表") || bg_contains(t->text, t->length, "政府工作报告") ||
        (bg_contains(t->text, t->length, "主要预期目标") &&
         (bg_contains(t->text, t->length, "工作安排") || bg_contains(t->text, t->length, "重点工作"))))
        return "work_report";
    /* an excerpt of the plan: its work headings and 2023年，我们将… */
    if (has_work_heading(t->text, t->length) && plan_voice_year(t->text, t->length))
        return "work_report";
    return "other";
}

bg_error bg_facts_find(const bg_facts_rules *rules, const bg_regions *regions, const bg_text *t,
                       const char *hint_title, const char *hint_region, int hint_year, const bg_mentions *words,
                       bg_facts *out)
{
    memset(out, 0, sizeof *out);
    line_span lines[40];
    size_t count = top_lines(t, lines, 40);
    identity id;
    find_identity(rules, t, &id);
    snprintf(out->council, sizeof out->council, "%s", id.council);
    snprintf(out->speaker, sizeof out->speaker, "%s%s", id.office, id.role);
    /* The title as matched (folded text), while out->title quotes it as written. */
    const char *title_text = NULL;
    size_t title_length = 0;
    line_span title;
    if (hint_title && *hint_title) {
        out->title = strdup(hint_title);
        if (!out->title)
            return BG_E_NOMEM;
        title_text = out->title;
        title_length = strlen(out->title);
    } else if (rules && find_title(rules, t, &id, &title)) {
        out->title = bg_text_quote(t, title.start, title.end);
        if (!out->title)
            return BG_E_NOMEM;
        title_text = t->text + title.start;
        title_length = title.end - title.start;
    } else {
        /* a newspaper headline: the line above a "——…解读/报告" subtitle */
        for (size_t i = 1; i < count; i++) {
            const char *l = t->text + lines[i].start;
            size_t ln = lines[i].end - lines[i].start;
            if (ln >= 6 && memcmp(l, "——", 6) == 0 &&
                (bg_contains(l, ln, "解读") || bg_contains(l, ln, "报告") || bg_contains(l, ln, "会议")) &&
                bg_utf8_count(l, ln) <= 80) {
                const char *p = t->text + lines[i - 1].start;
                size_t pn = lines[i - 1].end - lines[i - 1].start;
                if (bg_utf8_count(p, pn) <= 40 && !bg_contains(p, pn, "。") && !bg_contains(p, pn, ",") &&
                    !numbered(p, pn)) {
                    out->title = bg_text_quote(t, lines[i - 1].start, lines[i - 1].end);
                    if (!out->title)
                        return BG_E_NOMEM;
                    title_text = p;
                    title_length = pn;
                }
                break;
            }
        }
    }
    out->doc_type = rules ? document_type(rules, t, lines, count, title_text, title_length) : "other";

    /* Report date: the session's (its meeting line, or a date in the title,
     * or a date line at the top naming the session). A newspaper's own date
     * is its publish date: it dates the plan but is not the session's. */
    int y, m, d;
    int dated_year = 0, dated_month = 0;
    if (id.dated) {
        out->has_report_date = true;
        y = id.year;
        m = id.month;
        d = id.day;
    } else if (title_text && strcmp(out->doc_type, "interpretation") != 0 &&
               find_date(title_text, title_length, &y, &m, &d)) {
        out->has_report_date = true;
    } else {
        for (size_t i = 0; i < count && i < 12; i++) {
            const char *s = t->text + lines[i].start;
            size_t n = lines[i].end - lines[i].start;
            if (bg_utf8_count(s, n) > 80 || !find_date(s, n, &y, &m, &d))
                continue;
            bool session = bg_contains(s, n, "会议") || bg_contains(s, n, "大会") || (n && s[0] == '(');
            if (session && strcmp(out->doc_type, "interpretation") != 0) {
                out->has_report_date = true;
                break;
            }
            if (!dated_year) {
                dated_year = y;
                dated_month = m;
            }
        }
    }
    if (out->has_report_date) {
        out->report_year = y;
        out->report_month = m;
        out->report_day = d;
        dated_year = y;
        dated_month = m;
    } else if (dated_year) {
        out->report_year = dated_year;
    }
    if (hint_year > 0) {
        out->report_year = hint_year;
        if (dated_year != hint_year) {
            dated_year = hint_year;
            dated_month = 0;
        }
    }

    /* The plan year: the plan's own markers (2023年工作安排), the title's
     * year (2012年…政府工作报告), the session date (December plans the next
     * year), the year the review looks back on, the plan's voice. */
    out->plan_year = bg_plan_year(rules, t->text, t->length, 0, 0);
    if (!out->plan_year && title_text) {
        const char *s = title_text;
        size_t n = title_length;
        for (const char *p = s; (p = memmem(p, n - (size_t)(p - s), "年", 3)) != NULL; p += 3) {
            size_t i = (size_t)(p - s), from;
            int year = year_at(s, i, &from);
            if (year && bg_contains(s + i, n - i, "报告") && !find_date(s + from, n - from, &y, &m, &d)) {
                out->plan_year = year;
                break;
            }
        }
    }
    if (!out->plan_year && dated_year)
        out->plan_year = bg_plan_year(rules, t->text, t->length, dated_year, dated_month);
    if (!out->plan_year) {
        int looked_back = review_year(t->text, t->length);
        if (looked_back)
            out->plan_year = looked_back + 1;
    }
    if (!out->plan_year)
        out->plan_year = plan_voice_year(t->text, t->length);

    if (regions) {
        char *title_copy = title_text ? strndup(title_text, title_length) : NULL;
        if (title_text && !title_copy)
            return BG_E_NOMEM;
        bg_region_query q = {.year = out->plan_year,
                             .hint = hint_region && *hint_region ? hint_region : NULL,
                             .council = id.council[0] ? id.council : NULL,
                             .title = title_copy,
                             .speaker = id.office[0] ? id.office : NULL,
                             .role = id.role[0] ? id.role : NULL,
                             .text = t->text,
                             .length = t->length,
                             .words = words};
        bg_region_resolve(regions, &q, &out->region);
        free(title_copy);
        /* A corpus column names the district alone (鼎城区) while the report
         * writes 常德市鼎城区: the region is the name as the report uses it. */
        const bg_division *division = out->region.division;
        if (division && q.hint && !strcmp(out->region.region, division->name) && division->city[0] &&
            strcmp(division->city, division->name) != 0 && strcmp(division->city, division->province) != 0) {
            char both[sizeof out->region.region];
            int n = snprintf(both, sizeof both, "%s%s", division->city, division->name);
            if (n > 0 && (size_t)n < sizeof both && bg_contains(t->text, t->length, both))
                memcpy(out->region.region, both, (size_t)n + 1);
        }
    }
    return BG_E_OK;
}

void bg_facts_free(bg_facts *facts)
{
    if (!facts)
        return;
    free(facts->title);
    facts->title = NULL;
}
