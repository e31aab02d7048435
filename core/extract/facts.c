/* facts.c — document facts (facts.h): title, region, report date, plan year
 * and document type, read from the top of the cleaned text with rules that
 * hold for reports of any province, level or year. */
#include "extract/facts.h"

#include "text/clean.h"
#include "text/utf8.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct line_span {
    size_t start, end; /* bytes of the trimmed line in the normalized text */
} line_span;

/* The first `max` non-empty lines, trimmed. */
static size_t top_lines(const bg_text *t, line_span *lines, size_t max)
{
    size_t count = 0, at = 0;
    while (at < t->length && count < max) {
        size_t end = at;
        while (end < t->length && t->text[end] != '\n')
            end++;
        size_t from = at, to = end;
        while (from < to && (t->text[from] == ' ' || t->text[from] == '\t' || t->text[from] == '\r'))
            from++;
        while (to > from && (t->text[to - 1] == ' ' || t->text[to - 1] == '\t' || t->text[to - 1] == '\r'))
            to--;
        if (to > from)
            lines[count++] = (line_span){from, to};
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

/* A year written as four digits right before `at` ("2023" in 2023年). */
static int year_before(const char *s, size_t at)
{
    if (at < 4)
        return 0;
    int y = 0;
    for (size_t k = at - 4; k < at; k++) {
        if (s[k] < '0' || s[k] > '9')
            return 0;
        y = y * 10 + (s[k] - '0');
    }
    if (at >= 5 && s[at - 5] >= '0' && s[at - 5] <= '9')
        return 0;
    return y >= 1949 && y <= 2100 ? y : 0;
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

int bg_plan_year(const char *text, size_t length, int report_year, int report_month)
{
    /* markers that open the year's plan: 2023年工作安排, 2022年重点工作任务,
     * 2023年工作思路和重点工作, 2022年主要预期目标, 2022年政府工作的总体要求 */
    static const char *const markers[] = {"工作安排",
                                          "重点工作",
                                          "工作思路",
                                          "工作重点",
                                          "主要预期目标",
                                          "经济社会发展主要预期目标",
                                          "经济社会发展的主要预期目标",
                                          "主要目标任务",
                                          "工作任务",
                                          "主要任务",
                                          "政府工作的总体要求",
                                          "工作总体要求",
                                          "工作的总体要求",
                                          "的总体要求"};
    static const char nian[] = "年";
    int best = 0; /* the latest year: a plan follows the review of earlier years */
    for (size_t i = 4; i + 3 <= length; i++) {
        if (memcmp(text + i, nian, 3) != 0)
            continue;
        int year = year_before(text, i);
        if (!year)
            continue;
        /* 到2025年主要目标 is a multi-year goal */
        if (i >= 7 && memcmp(text + i - 7, "到", 3) == 0)
            continue;
        size_t at = i + 3;
        if (at + 3 <= length && memcmp(text + at, "的", 3) == 0)
            at += 3;
        /* 2024年全市经济社会发展主要预期目标: the report's own voice and
         * 经济社会发展 may stand between the year and the marker */
        static const char *const between[] = {"全省", "全市", "全区", "全县",         "全州", "全盟",
                                              "全旗", "本市", "我市", "经济社会发展", "的"};
        for (size_t b = 0; b < sizeof between / sizeof *between; b++) {
            size_t k = strlen(between[b]);
            if (at + k <= length && memcmp(text + at, between[b], k) == 0)
                at += k;
        }
        for (size_t m = 0; m < sizeof markers / sizeof *markers; m++) {
            size_t k = strlen(markers[m]);
            if (at + k <= length && memcmp(text + at, markers[m], k) == 0) {
                if (year > best)
                    best = year;
                break;
            }
        }
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

static char *quote_line(const bg_text *t, line_span l)
{
    return bg_text_quote(t, l.start, l.end);
}

static const char *document_type(const bg_text *t, const line_span *lines, size_t count, const char *title,
                                 size_t title_length)
{
    /* a newspaper's reading: 解读, a byline (记者), the paper's name at the top
     */
    static const char *const press[] = {"解读", "记者", "日报", "晚报", "本报讯", "通讯员", "特别报道"};
    for (size_t i = 0; i < count && i < 15; i++) {
        const char *s = t->text + lines[i].start;
        size_t n = lines[i].end - lines[i].start;
        if (bg_utf8_count(s, n) > 60)
            continue; /* a body paragraph that quotes a newspaper is not a masthead */
        for (size_t k = 0; k < sizeof press / sizeof *press; k++)
            if (bg_contains(s, n, press[k]))
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

bg_error bg_facts_find(const bg_regions *regions, const bg_text *t, const char *hint_title, const char *hint_region,
                       int hint_year, bg_facts *out)
{
    memset(out, 0, sizeof *out);
    line_span lines[40];
    size_t count = top_lines(t, lines, 40);
    /* The title as matched: its line in the normalized text (digits and
     * punctuation folded, stray spaces gone), while out->title quotes it as
     * written. */
    const char *title_text = NULL;
    size_t title_length = 0;

    /* Title: the first line when it names a report (…政府工作报告), else the
     * line above a "——…解读/报告" subtitle (a newspaper headline). */
    if (hint_title && *hint_title) {
        out->title = strdup(hint_title);
        if (!out->title)
            return BG_E_NOMEM;
        title_text = out->title;
        title_length = strlen(out->title);
    } else if (count) {
        const char *s = t->text + lines[0].start;
        size_t n = lines[0].end - lines[0].start;
        if (!numbered(s, n) && (bg_contains(s, n, "报告") || bg_contains(s, n, "政府")) && !bg_contains(s, n, "。") &&
            bg_utf8_count(s, n) <= 80) {
            out->title = quote_line(t, lines[0]);
            if (!out->title)
                return BG_E_NOMEM;
            title_text = s;
            title_length = n;
        } else {
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
                        out->title = quote_line(t, lines[i - 1]);
                        if (!out->title)
                            return BG_E_NOMEM;
                        title_text = p;
                        title_length = pn;
                    }
                    break;
                }
            }
        }
    }
    out->doc_type = document_type(t, lines, count, title_text, title_length);

    /* Report date: in the title "(2021年12月29日)", or a date line at the top
     * that names the session (——2022年1月5日在…会议上). A newspaper's own date
     * is its publish date: it dates the plan but is not the session's. */
    int y, m, d;
    int dated_year = 0, dated_month = 0;
    if (title_text && find_date(title_text, title_length, &y, &m, &d)) {
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

    out->plan_year = bg_plan_year(t->text, t->length, 0, 0);
    if (!out->plan_year && title_text) {
        /* 株洲市芦淞区2022年政府工作报告: the year's report */
        const char *s = title_text;
        size_t n = title_length;
        for (size_t i = 4; i + 3 <= n; i++)
            if (memcmp(s + i, "年", 3) == 0 && year_before(s, i) && bg_contains(s + i, n - i, "报告") &&
                !find_date(s + i - 4, n - i + 4, &y, &m, &d)) {
                out->plan_year = year_before(s, i);
                break;
            }
    }
    if (!out->plan_year)
        out->plan_year = bg_plan_year(t->text, t->length, dated_year, dated_month);
    if (!out->plan_year)
        out->plan_year = plan_voice_year(t->text, t->length);

    if (regions) {
        char *title_copy = title_text ? strndup(title_text, title_length) : NULL;
        if (title_text && !title_copy)
            return BG_E_NOMEM;
        const char *region_title = hint_region && *hint_region ? hint_region : title_copy;
        bg_region_resolve(regions, region_title, t->text, t->length, &out->region);
        free(title_copy);
        /* A corpus column names the district alone (鼎城区) while the report
         * writes 常德市鼎城区: the region is the name as the report uses it. */
        const bg_division *division = out->region.division;
        if (division && hint_region && *hint_region && !strcmp(out->region.region, division->name) &&
            division->city[0] && strcmp(division->city, division->name) != 0 &&
            strcmp(division->city, division->province) != 0) {
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
