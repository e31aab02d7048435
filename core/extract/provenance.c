/* provenance.c — see provenance.h. Plain scanning, no patterns: both facts sit
 * on short lines of fixed shape, and this runs once per document. */
#include "extract/provenance.h"

#include <stdlib.h>
#include <string.h>

static const char *const address_labels[] = {"本文地址", "原文地址", "原文链接", "文章地址", "本文链接", "网址"};
static const char *const date_labels[] = {"发布时间", "发布日期", "发文日期", "日期", "时间", "来源时间"};

/* Skips ASCII spaces, U+3000 and the ASCII or full-width colon. */
static const char *skip_separators(const char *p, const char *end)
{
    for (;;) {
        if (p < end && (*p == ' ' || *p == '\t' || *p == ':'))
            p++;
        else if (end - p >= 3 && (!memcmp(p, "\xEF\xBC\x9A", 3) || !memcmp(p, "\xE3\x80\x80", 3)))
            p += 3;
        else
            return p;
    }
}

static bool starts_with(const char *p, const char *end, const char *word)
{
    size_t n = strlen(word);
    return (size_t)(end - p) >= n && !memcmp(p, word, n);
}

/* Reads digits (ASCII or full-width) as a number; advances *p. */
static int read_number(const char **p, const char *end, int max_digits)
{
    int value = 0, digits = 0;
    while (*p < end && digits < max_digits) {
        if (**p >= '0' && **p <= '9') {
            value = value * 10 + (**p - '0');
            (*p)++;
        } else if (end - *p >= 3 && !memcmp(*p, "\xEF\xBC", 2) && (unsigned char)(*p)[2] >= 0x90 &&
                   (unsigned char)(*p)[2] <= 0x99) {
            value = value * 10 + ((unsigned char)(*p)[2] - 0x90);
            *p += 3;
        } else {
            break;
        }
        digits++;
    }
    return digits ? value : -1;
}

/* A date at p: 2021年12月31日 or 2021-12-31 / 2021/12/31 / 2021.12.31. */
static bool read_date(const char **at, const char *end, int *y, int *m, int *d)
{
    const char *p = *at;
    int year = read_number(&p, end, 4);
    if (year < 1949 || year > 2100)
        return false;
    bool chinese = starts_with(p, end, "年");
    if (chinese)
        p += 3;
    else if (p < end && (*p == '-' || *p == '/' || *p == '.'))
        p++;
    else
        return false;
    int month = read_number(&p, end, 2);
    if (month < 1 || month > 12)
        return false;
    if (chinese && starts_with(p, end, "月"))
        p += 3;
    else if (!chinese && p < end && (*p == '-' || *p == '/' || *p == '.'))
        p++;
    else
        return false;
    int day = read_number(&p, end, 2);
    if (day < 1 || day > 31)
        return false;
    if (chinese && starts_with(p, end, "日"))
        p += 3;
    else if (chinese)
        return false;
    *y = year;
    *m = month;
    *d = day;
    *at = p;
    return true;
}

/* The rest of a line is only a weekday, a time or spaces. */
static bool only_weekday_or_time(const char *p, const char *end)
{
    p = skip_separators(p, end);
    if (starts_with(p, end, "星期") || starts_with(p, end, "周"))
        return true;
    while (p < end && ((*p >= '0' && *p <= '9') || *p == ':' || *p == ' '))
        p++;
    return p == end;
}

void bg_provenance_find(const char *utf8, size_t length, const char *hint_url, bg_provenance *out)
{
    memset(out, 0, sizeof *out);
    if (hint_url && *hint_url)
        out->origin_path = strdup(hint_url);
    const char *end = utf8 + length;
    int line_number = 0;
    for (const char *line = utf8; line < end; line_number++) {
        const char *eol = memchr(line, '\n', (size_t)(end - line));
        if (!eol)
            eol = end;
        const char *stop = eol > line && eol[-1] == '\r' ? eol - 1 : eol;
        const char *p = skip_separators(line, stop);
        if (!out->origin_path)
            for (size_t i = 0; i < sizeof address_labels / sizeof address_labels[0]; i++)
                if (starts_with(p, stop, address_labels[i])) {
                    const char *v = skip_separators(p + strlen(address_labels[i]), stop);
                    const char *e = v;
                    while (e < stop && *e != ' ' && *e != '\t')
                        e++;
                    if (e > v && (*v == '/' || !strncmp(v, "http", 4)))
                        out->origin_path = strndup(v, (size_t)(e - v));
                    break;
                }
        /* A page date: near the top, on a line of its own or after a label. */
        if (!out->has_publish_date && line_number < 40) {
            const char *q = p;
            for (size_t i = 0; i < sizeof date_labels / sizeof date_labels[0]; i++)
                if (starts_with(q, stop, date_labels[i])) {
                    q = skip_separators(q + strlen(date_labels[i]), stop);
                    break;
                }
            int y, m, d;
            if (read_date(&q, stop, &y, &m, &d) && only_weekday_or_time(q, stop)) {
                out->has_publish_date = true;
                out->publish_year = y;
                out->publish_month = m;
                out->publish_day = d;
            }
        }
        line = eol < end ? eol + 1 : end;
    }
}

void bg_provenance_free(bg_provenance *p)
{
    free(p->origin_path);
    p->origin_path = NULL;
}
