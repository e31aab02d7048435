/* numbers.c — reading figures, units and Chinese numerals (numbers.h).
 * All functions are pure over their arguments: no global mutable state. */
#include "text/numbers.h"

#include "text/utf8.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- numbers ------------------------------------------------------------ */

static bool is_ascii_digit(char c)
{
    return c >= '0' && c <= '9';
}
static bool is_latin(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

size_t bg_parse_decimal(const char *s, size_t n, size_t at, double *value)
{
    size_t i = at;
    double v = 0;
    while (i < n && is_ascii_digit(s[i]))
        v = v * 10 + (s[i++] - '0');
    if (i == at)
        return at;
    if (i + 1 < n && s[i] == '.' && is_ascii_digit(s[i + 1])) {
        /* strtod on the exact span keeps 0.1 + 0.2 style errors out */
        size_t k = i + 1;
        while (k < n && is_ascii_digit(s[k]))
            k++;
        char buf[64];
        size_t len = k - at < sizeof buf - 1 ? k - at : sizeof buf - 1;
        memcpy(buf, s + at, len);
        buf[len] = '\0';
        v = strtod(buf, NULL);
        i = k;
    }
    *value = v;
    return i;
}

static int chinese_digit(unsigned cp)
{
    switch (cp) {
    case 0x96F6: /* 零 */
    case 0x3007: /* 〇 */ return 0;
    case 0x4E00: return 1; /* 一 */
    case 0x4E8C: return 2; /* 二 */
    case 0x4E24: return 2; /* 两 */
    case 0x4E09: return 3; /* 三 */
    case 0x56DB: return 4; /* 四 */
    case 0x4E94: return 5; /* 五 */
    case 0x516D: return 6; /* 六 */
    case 0x4E03: return 7; /* 七 */
    case 0x516B: return 8; /* 八 */
    case 0x4E5D: return 9; /* 九 */
    default: return -1;
    }
}

static int chinese_multiplier(unsigned cp)
{
    switch (cp) {
    case 0x5341: return 10;   /* 十 */
    case 0x767E: return 100;  /* 百 */
    case 0x5343: return 1000; /* 千 */
    default: return 0;
    }
}

size_t bg_parse_chinese_numeral(const char *s, size_t n, size_t at, double *value)
{
    size_t i = at, end = at;
    double total = 0;
    int digit = -1;
    while (i < n) {
        size_t next = i;
        unsigned cp = bg_utf8_next(s, n, &next);
        int d = chinese_digit(cp);
        int m = chinese_multiplier(cp);
        if (d >= 0) {
            if (digit >= 0)
                break; /* 一二: a sequence of names, not one number */
            digit = d;
        } else if (m) {
            total += (digit >= 0 ? digit : 1) * (double)m;
            digit = -1;
        } else {
            break;
        }
        i = next;
        end = next;
    }
    if (end == at)
        return at;
    if (digit >= 0)
        total += digit;
    *value = total;
    return end;
}

/* Phrases whose numerals are names. Built in because they are Chinese
 * language, not policy: the rules cannot sensibly change them. */
static const char *const fixed_phrases[] = {
    "两会",     "十四五",   "十三五",   "十二五",   "十五五",    "一带一路", "三农",     "两个确立", "两个维护",
    "四个意识", "四个自信", "四个全面", "五位一体", "六稳",      "六保",     "三高四新", "两山",     "一体两翼",
    "双一流",   "一网通办", "一件事",   "一次办",   "一站式",    "一体化",   "一把手",   "一盘棋",   "一张图",
    "一批",     "一流",     "第一",     "万一",     "十九大",    "二十大",   "十九届",   "二十届",   "三重压力",
    "两新一重", "三区三线", "四上",     "五好",     "四好",      "一县一特", "一乡一品", "一村一品", "三化",
    "两化",     "两机",     "二批",     "一批市场", "三类500强",
};

bool bg_chinese_numeral_is_phrase(const char *s, size_t n, size_t start, size_t end)
{
    /* an ordinal (第三) or a year written out (二〇二二年) is not a count */
    if (start >= 3 && memcmp(s + start - 3, "第", 3) == 0)
        return true;
    /* the tail of a longer numeral (第十二次 read from 二) */
    if (start >= 3) {
        size_t k = start - 3;
        unsigned cp = bg_utf8_next(s, n, &k);
        if (chinese_digit(cp) >= 0 || chinese_multiplier(cp))
            return true;
    }
    for (size_t k = 0; k < sizeof fixed_phrases / sizeof *fixed_phrases; k++) {
        size_t len = strlen(fixed_phrases[k]);
        size_t lo = start > len ? start - len : 0;
        for (size_t p = lo; p < end && p + len <= n; p++)
            if (p + len > start && s[p + len - 1] == fixed_phrases[k][len - 1] &&
                memcmp(s + p, fixed_phrases[k], len) == 0)
                return true; /* (its last byte first: most places differ there) */
    }
    /* inside “…”: a slogan or a named campaign (“两个确立”, “六大强农”) */
    size_t back = start > 24 ? start - 24 : 0;
    for (size_t p = start; p > back;) {
        p--;
        if (p + 3 <= start && memcmp(s + p, "”", 3) == 0)
            break;
        if (p + 3 <= start && memcmp(s + p, "“", 3) == 0)
            return true;
        if (s[p] == '"')
            return true;
    }
    return false;
}

/* ---- units --------------------------------------------------------------- */

static int unit_longer_first(const void *a, const void *b)
{
    size_t la = ((const bg_unit *)a)->length, lb = ((const bg_unit *)b)->length;
    return la < lb ? 1 : la > lb ? -1 : 0;
}

bool bg_units_load(bg_units *units, const cJSON *rules_root, const char *rules_file, bg_problems *problems)
{
    memset(units, 0, sizeof *units);
    const cJSON *array = cJSON_GetObjectItemCaseSensitive(rules_root, "units");
    if (!cJSON_IsArray(array)) {
        bg_problems_add(problems, "%s: units: expected an array of {text, base, factor}", rules_file);
        return false;
    }
    size_t count = (size_t)cJSON_GetArraySize(array);
    units->items = calloc(count ? count : 1, sizeof *units->items);
    if (!units->items)
        return false;
    bool ok = true;
    size_t i = 0;
    const cJSON *item;
    cJSON_ArrayForEach(item, array)
    {
        const cJSON *text = cJSON_GetObjectItemCaseSensitive(item, "text");
        const cJSON *base = cJSON_GetObjectItemCaseSensitive(item, "base");
        const cJSON *factor = cJSON_GetObjectItemCaseSensitive(item, "factor");
        const cJSON *as = cJSON_GetObjectItemCaseSensitive(item, "as");
        const cJSON *chinese = cJSON_GetObjectItemCaseSensitive(item, "chinese");
        if (!cJSON_IsString(text) || !text->valuestring[0]) {
            bg_problems_add(problems, "%s: units[%zu].text: expected a non-empty string", rules_file, i);
            ok = false;
        } else if (!cJSON_IsString(base)) {
            bg_problems_add(problems, "%s: units[%zu].base: expected a string (\"\" for a bare count)", rules_file, i);
            ok = false;
        } else if (!cJSON_IsNumber(factor) || factor->valuedouble <= 0) {
            bg_problems_add(problems, "%s: units[%zu].factor: expected a positive number", rules_file, i);
            ok = false;
        } else if (as && (!cJSON_IsString(as) || !as->valuestring[0])) {
            bg_problems_add(problems, "%s: units[%zu].as: expected a non-empty string", rules_file, i);
            ok = false;
        } else if (chinese && !cJSON_IsBool(chinese)) {
            bg_problems_add(problems, "%s: units[%zu].chinese: expected true or false", rules_file, i);
            ok = false;
        } else {
            bg_unit *u = &units->items[units->count];
            u->text = strdup(text->valuestring);
            u->length = strlen(text->valuestring);
            u->name = strdup(as ? as->valuestring : text->valuestring);
            u->base = strdup(base->valuestring);
            u->factor = factor->valuedouble;
            u->chinese = chinese && cJSON_IsTrue(chinese);
            units->count++;
            if (!u->text || !u->name || !u->base)
                ok = false;
        }
        i++;
    }
    qsort(units->items, units->count, sizeof *units->items, unit_longer_first);
    units->words.text = calloc(units->count ? units->count : 1, sizeof *units->words.text);
    units->words.cls = calloc(units->count ? units->count : 1, sizeof *units->words.cls);
    units->words.length = calloc(units->count ? units->count : 1, sizeof *units->words.length);
    ok = ok && units->words.text && units->words.cls && units->words.length;
    for (size_t k = 0; ok && k < units->count; k++) {
        ok = (units->words.text[k] = strdup(units->items[k].text)) != NULL;
        units->words.length[k] = units->items[k].length;
        units->words.count += ok;
    }
    if (!ok)
        bg_units_free(units);
    return ok;
}

void bg_units_free(bg_units *units)
{
    for (size_t i = 0; i < units->count; i++) {
        free(units->items[i].text);
        free(units->items[i].name);
        free(units->items[i].base);
    }
    free(units->items);
    bg_words_free(&units->words);
    memset(units, 0, sizeof *units);
}

const bg_unit *bg_units_at(const bg_units *units, const char *s, size_t n, size_t at)
{
    for (size_t i = 0; i < units->count; i++) {
        size_t len = units->items[i].length;
        if (at + len <= n && s[at] == units->items[i].text[0] && memcmp(s + at, units->items[i].text, len) == 0)
            return &units->items[i];
    }
    return NULL;
}

const bg_unit *bg_units_find(const bg_units *units, const char *text)
{
    for (size_t i = 0; i < units->count; i++)
        if (strcmp(units->items[i].text, text) == 0)
            return &units->items[i];
    return NULL;
}

/* ---- quantities ------------------------------------------------------------
 */

/* The fraction of a Chinese numeral after 百分之: 点五 in 百分之六点五. Only
 * the 百分之 form reads it: elsewhere 八点 is a time. Returns the end of the
 * fraction (at when there is none) and adds it to *value. */
static size_t chinese_fraction(const char *s, size_t n, size_t at, double *value)
{
    static const char point[] = "点";
    if (at + 3 > n || memcmp(s + at, point, 3) != 0)
        return at;
    size_t i = at + 3, end = at;
    double scale = 0.1, fraction = 0;
    while (i < n) {
        size_t next = i;
        int d = chinese_digit(bg_utf8_next(s, n, &next));
        if (d < 0)
            break;
        fraction += d * scale;
        scale /= 10;
        i = end = next;
    }
    if (end == at)
        return at;
    *value += fraction;
    return end;
}

/* A figure at s[at]: ASCII decimal, 百分之 + figure, or a Chinese numeral. */
static size_t figure_at(const char *s, size_t n, size_t at, double *value, bool *chinese, bool *percent)
{
    *chinese = false;
    *percent = false;
    if (at < n && is_ascii_digit(s[at])) {
        if (at > 0 && (is_ascii_digit(s[at - 1]) || is_latin(s[at - 1]) || s[at - 1] == '.'))
            return at;
        return bg_parse_decimal(s, n, at, value);
    }
    static const char percent_words[] = "百分之";
    size_t pl = sizeof percent_words - 1;
    if (at + pl < n && memcmp(s + at, percent_words, pl) == 0) {
        size_t end = bg_parse_decimal(s, n, at + pl, value);
        if (end == at + pl) {
            end = bg_parse_chinese_numeral(s, n, at + pl, value);
            if (end > at + pl)
                end = chinese_fraction(s, n, end, value);
        }
        if (end == at + pl)
            return at;
        *percent = true;
        *chinese = !is_ascii_digit(s[at + pl]);
        return end;
    }
    size_t end = bg_parse_chinese_numeral(s, n, at, value);
    if (end > at)
        *chinese = true;
    return end;
}

static bool ends_figure(const char *s, size_t n, size_t end)
{
    /* 5G, PM2.5, 2022年, 3月, 1日: a name or a date, not a quantity */
    if (end < n && (is_latin(s[end]) || s[end] == '.'))
        return false;
    static const char *const dates[] = {"年", "月", "日", "届", "号", "时", "点", "期"};
    for (size_t i = 0; i < sizeof dates / sizeof *dates; i++)
        if (end + 3 <= n && memcmp(s + end, dates[i], 3) == 0)
            return false;
    return true;
}

bool bg_figure_start_words(bg_words *w)
{
    static const char *const starts[] = {"零", "〇", "一", "二", "两", "三", "四", "五",
                                         "六", "七", "八", "九", "十", "百", "千"};
    size_t count = sizeof starts / sizeof *starts;
    memset(w, 0, sizeof *w);
    w->text = calloc(count, sizeof *w->text);
    w->cls = calloc(count, sizeof *w->cls);
    w->length = calloc(count, sizeof *w->length);
    if (!w->text || !w->cls || !w->length) {
        bg_words_free(w);
        return false;
    }
    for (size_t i = 0; i < count; i++) {
        if (!(w->text[i] = strdup(starts[i]))) {
            bg_words_free(w);
            return false;
        }
        w->length[i] = strlen(starts[i]);
        w->count++;
    }
    return true;
}

/* the longest unit at s[at], through the index when there is one */
static const bg_unit *unit_at(const bg_units *units, const bg_word_index *words, const char *s, size_t n, size_t at)
{
    if (!words)
        return bg_units_at(units, s, n, at);
    size_t index;
    return words->at(words->index, &units->words, at, n, &index) ? &units->items[index] : NULL;
}

static size_t words_at(const bg_words *w, const bg_word_index *words, const char *s, size_t n, size_t at)
{
    return words ? words->at(words->index, w, at, n, NULL) : bg_words_at(w, s, n, at, NULL);
}

bool bg_quantity_at(const bg_units *units, const bg_words *range_seps, const char *s, size_t n, size_t at,
                    bg_quantity *q)
{
    return bg_quantity_at_with(units, range_seps, NULL, s, n, at, q);
}

bool bg_quantity_at_with(const bg_units *units, const bg_words *range_seps, const bg_word_index *words, const char *s,
                         size_t n, size_t at, bg_quantity *q)
{
    memset(q, 0, sizeof *q);
    double v;
    bool chinese, percent;
    size_t end = figure_at(s, n, at, &v, &chinese, &percent);
    if (end == at || !ends_figure(s, n, end))
        return false;
    if (chinese && at > 0 && is_latin(s[at - 1]))
        return false;
    q->start = at;
    q->value = v;
    q->chinese = chinese;
    const bg_unit *unit = percent ? bg_units_find(units, "%") : unit_at(units, words, s, n, end);
    size_t after = end + (unit && !percent ? unit->length : 0);
    /* a range: figure [unit] separator figure [unit] */
    size_t sep = range_seps ? words_at(range_seps, words, s, n, after) : 0;
    if (sep && !chinese) {
        double v2;
        bool c2, p2;
        size_t end2 = figure_at(s, n, after + sep, &v2, &c2, &p2);
        if (end2 > after + sep && !c2 && !p2 && v2 > v && ends_figure(s, n, end2)) {
            const bg_unit *unit2 = unit_at(units, words, s, n, end2);
            if (unit2 && (!unit || unit2 == unit)) {
                q->has_max = true;
                q->value_max = v2;
                q->sep_start = after;
                q->sep_end = after + sep;
                unit = unit2;
                after = end2 + unit2->length;
            } else if (!unit2 && !unit) {
                q->has_max = true;
                q->value_max = v2;
                q->sep_start = after;
                q->sep_end = after + sep;
                after = end2;
            }
        }
    }
    if (chinese && (!unit || !unit->chinese || bg_chinese_numeral_is_phrase(s, n, at, end)))
        return false;
    if (chinese && !percent && v == 1 && end - at == 3)
        return false; /* 一个, 一项: rhetoric far more often than a count */
    q->unit = unit;
    q->end = after;
    return true;
}

char *bg_compact(const char *text, size_t from, size_t to, bool drop_newlines, size_t **map, size_t *length)
{
    char *out = malloc(to - from + 1);
    size_t *m = malloc((to - from + 1) * sizeof *m);
    if (!out || !m) {
        free(out);
        free(m);
        return NULL;
    }
    size_t k = 0;
    for (size_t i = from; i < to;) {
        unsigned char c = (unsigned char)text[i];
        size_t w = 0;
        if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v' || (c == '\n' && drop_newlines))
            w = 1;
        else if (i + 3 <= to && memcmp(text + i, "\xE3\x80\x80", 3) == 0)
            w = 3;
        else if (i + 2 <= to && memcmp(text + i, "\xC2\xA0", 2) == 0)
            w = 2;
        if (w) {
            i += w;
            continue;
        }
        out[k] = text[i];
        m[k] = i;
        k++;
        i++;
    }
    out[k] = '\0';
    m[k] = to;
    *map = m;
    *length = k;
    return out;
}
