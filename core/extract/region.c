/* region.c — divisions with their history and region resolution (region.h).
 * Names are matched longest-first without overlap, indexed by their first two
 * characters. A report says which division it is in its identity lines; the
 * body only decides when those are silent, and then a short name inside a
 * word (工业兴县 is not 兴县) does not count. A name several divisions share
 * (across provinces, or across periods) is settled by the report's year, its
 * level and the prefecture and province names the report mentions. */
#define _GNU_SOURCE
#include "extract/region.h"

#include "budget.h"
#include "text/utf8.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct name_entry {
    uint64_t key;     /* first six bytes (two CJK characters) */
    const char *text; /* the division's name */
    size_t length;
    size_t division;
} name_entry;

struct bg_regions {
    bg_division *divisions; /* in file order: by code, then period */
    size_t count;
    bool by_code; /* the file is in code order (the shipped one is): codes are found by bisection */
    name_entry *entries; /* sorted by key, then length descending, then text, then division */
    size_t entry_count;
    char **ambiguous; /* names that are also common words, matched only in identity lines */
    size_t ambiguous_count;
    bg_words counted; /* the names counted in a text, sorted by strcmp (built at load) */
};

static uint64_t key_of(const char *s, size_t n)
{
    uint64_t k = 0;
    for (size_t i = 0; i < 6; i++)
        k = (k << 8) | (i < n ? (unsigned char)s[i] : 0);
    return k;
}

static int entry_compare(const void *a, const void *b)
{
    const name_entry *x = a, *y = b;
    if (x->key != y->key)
        return x->key < y->key ? -1 : 1;
    if (x->length != y->length)
        return x->length > y->length ? -1 : 1;
    int c = strcmp(x->text, y->text);
    if (c)
        return c;
    return x->division < y->division ? -1 : x->division > y->division;
}

static const char *level_name(const char *s)
{
    static const char *const levels[] = {"national", "province", "city", "district", "county"};
    for (size_t i = 0; i < 5; i++)
        if (strcmp(s, levels[i]) == 0)
            return levels[i];
    return NULL;
}

/* 0 national, 1 province, 2 city, 3 district or county: more specific is
 * higher. */
static int level_rank(const char *level)
{
    if (!strcmp(level, "national"))
        return 0;
    if (!strcmp(level, "province"))
        return 1;
    if (!strcmp(level, "city"))
        return 2;
    return 3;
}

void bg_regions_free(bg_regions *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->count; i++) {
        free(r->divisions[i].name);
        free(r->divisions[i].province);
        free(r->divisions[i].city);
        free(r->divisions[i].successors);
    }
    for (size_t i = 0; i < r->ambiguous_count; i++)
        free(r->ambiguous[i]);
    free(r->ambiguous);
    free(r->divisions);
    free(r->entries);
    bg_words_free(&r->counted);
    free(r);
}

static bool add_ambiguous(bg_regions *r, const char *name)
{
    char **grown = realloc(r->ambiguous, (r->ambiguous_count + 1) * sizeof *grown);
    if (!grown)
        return false;
    r->ambiguous = grown;
    char *copy = strdup(name);
    if (!copy)
        return false;
    r->ambiguous[r->ambiguous_count++] = copy;
    return true;
}

static int year_field(const char *s)
{
    if (!*s)
        return 0;
    char *end;
    long y = strtol(s, &end, 10);
    return *end || y < 1900 || y > 2200 ? -1 : (int)y;
}

/* One CSV line into r; false with a problem when malformed. */
static bool add_line(bg_regions *r, char *line, const char *csv_path, size_t line_number, size_t *capacity,
                     bg_problems *p)
{
    char *fields[8] = {0};
    size_t k = 0;
    for (char *cursor = line; k < 8;) {
        fields[k++] = cursor;
        char *comma = strchr(cursor, ',');
        if (!comma)
            break;
        *comma = '\0';
        cursor = comma + 1;
    }
    const char *level = k >= 5 ? level_name(fields[2]) : NULL;
    int from = k == 8 ? year_field(fields[5]) : 0, to = k == 8 ? year_field(fields[6]) : 0;
    if ((k != 5 && k != 8) || strlen(fields[0]) != 6 || !level || !*fields[1] || from < 0 || to < 0) {
        bg_problems_add(p,
                        "%s:%zu: expected code,name,level,province,city[,from,to,successors] with a six-digit code, "
                        "a level of national, province, city, district or county and years as four digits",
                        csv_path, line_number);
        return false;
    }
    if (r->count == *capacity) {
        *capacity = *capacity ? *capacity * 2 : 8192;
        bg_division *grown = realloc(r->divisions, *capacity * sizeof *grown);
        if (!grown) {
            bg_problems_add(p, "%s: out of memory", csv_path);
            return false;
        }
        r->divisions = grown;
    }
    bg_division *d = &r->divisions[r->count];
    memset(d, 0, sizeof *d);
    memcpy(d->code, fields[0], 7);
    d->level = level;
    d->from = from;
    d->to = to;
    d->name = strdup(fields[1]);
    d->province = strdup(fields[3]);
    d->city = strdup(fields[4]);
    d->successors = strdup(k == 8 ? fields[7] : "");
    r->count++;
    if (!d->name || !d->province || !d->city || !d->successors) {
        bg_problems_add(p, "%s: out of memory", csv_path);
        return false;
    }
    return true;
}

bg_regions *bg_regions_load(const char *csv_path, const cJSON *rules_root, const char *rules_file, bg_problems *p)
{
    FILE *f = fopen(csv_path, "r");
    if (!f) {
        bg_problems_add(p, "%s: cannot read the divisions list", csv_path);
        return NULL;
    }
    bg_regions *r = calloc(1, sizeof *r);
    char line[2048];
    size_t line_number = 0, capacity = 0;
    bool ok = r != NULL;
    while (ok && fgets(line, sizeof line, f)) {
        line_number++;
        size_t n = strcspn(line, "\r\n");
        line[n] = '\0';
        if (line_number == 1 || n == 0)
            continue; /* header */
        ok = add_line(r, line, csv_path, line_number, &capacity, p);
    }
    fclose(f);
    if (ok && r->count == 0) {
        bg_problems_add(p, "%s: the divisions list is empty", csv_path);
        ok = false;
    }
    if (ok) {
        r->entries = calloc(r->count, sizeof *r->entries);
        ok = r->entries != NULL;
    }
    for (size_t i = 0; ok && i < r->count; i++) {
        name_entry *e = &r->entries[r->entry_count++];
        e->text = r->divisions[i].name;
        e->length = strlen(e->text);
        e->key = key_of(e->text, e->length);
        e->division = i;
    }
    if (ok)
        qsort(r->entries, r->entry_count, sizeof *r->entries, entry_compare);
    r->by_code = true;
    for (size_t i = 1; r && i < r->count && r->by_code; i++)
        r->by_code = memcmp(r->divisions[i - 1].code, r->divisions[i].code, 6) <= 0;

    const cJSON *region = rules_root ? cJSON_GetObjectItemCaseSensitive(rules_root, "region") : NULL;
    const cJSON *ambiguous = region ? cJSON_GetObjectItemCaseSensitive(region, "ambiguous") : NULL;
    if (ok && region && !cJSON_IsObject(region)) {
        bg_problems_add(p, "%s: region: must be an object", rules_file);
        ok = false;
    } else if (ok && ambiguous) {
        size_t i = 0;
        const cJSON *item;
        if (!cJSON_IsArray(ambiguous)) {
            bg_problems_add(p, "%s: region.ambiguous: must be an array of names", rules_file);
            ok = false;
        }
        cJSON_ArrayForEach(item, ambiguous)
        {
            if (!cJSON_IsString(item)) {
                bg_problems_add(p, "%s: region.ambiguous[%zu]: must be a string", rules_file, i);
                ok = false;
            } else if (!add_ambiguous(r, item->valuestring)) {
                ok = false;
            }
            i++;
        }
    }
    if (!ok) {
        if (r && p->count == 0)
            bg_problems_add(p, "%s: out of memory", csv_path);
        bg_regions_free(r);
        return NULL;
    }
    return r;
}

size_t bg_regions_count(const bg_regions *r)
{
    return r->count;
}

bool bg_division_in_use(const bg_division *d, int year)
{
    if (!year)
        return d->to == 0;
    return (!d->from || year >= d->from) && (!d->to || year < d->to);
}

/* Range [*first, *last) of entries whose key is key. */
static void key_range(const bg_regions *r, uint64_t key, size_t *first, size_t *last)
{
    size_t lo = 0, hi = r->entry_count;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (r->entries[mid].key < key)
            lo = mid + 1;
        else
            hi = mid;
    }
    *first = lo;
    hi = r->entry_count;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (r->entries[mid].key <= key)
            lo = mid + 1;
        else
            hi = mid;
    }
    *last = lo;
}

size_t bg_regions_find(const bg_regions *r, const char *name, const bg_division **out, size_t max)
{
    size_t n = strlen(name), first, last, found = 0;
    key_range(r, key_of(name, n), &first, &last);
    for (size_t i = first; i < last; i++)
        if (r->entries[i].length == n && memcmp(r->entries[i].text, name, n) == 0) {
            if (found < max)
                out[found] = &r->divisions[r->entries[i].division];
            found++;
        }
    return found;
}

/* The record of code in use in year (the latest one when none fits). */
static const bg_division *by_code(const bg_regions *r, const char *code, size_t length, int year)
{
    const bg_division *best = NULL;
    size_t first = 0;
    if (r->by_code && length == 6) { /* the first record of the code, by bisection */
        size_t hi = r->count;
        while (first < hi) {
            size_t mid = first + (hi - first) / 2;
            if (memcmp(r->divisions[mid].code, code, 6) < 0)
                first = mid + 1;
            else
                hi = mid;
        }
    }
    for (size_t i = first; i < r->count; i++) {
        if (r->by_code && length == 6 && memcmp(r->divisions[i].code, code, 6) != 0)
            break; /* past the code's records */
        const bg_division *d = &r->divisions[i];
        if (length != 6 || memcmp(d->code, code, 6) != 0)
            continue;
        if (bg_division_in_use(d, year))
            return d;
        if (!best || d->from > best->from)
            best = d;
    }
    return best;
}

const bg_division *bg_regions_by_code(const bg_regions *r, const char *code, int year)
{
    return code && strlen(code) == 6 ? by_code(r, code, 6, year) : NULL;
}

static void add_code(char *out, size_t size, const char *code)
{
    for (const char *p = out; *p; p += strcspn(p, ";") + (p[strcspn(p, ";")] == ';'))
        if (!strncmp(p, code, 6))
            return;
    size_t used = strlen(out);
    snprintf(out + used, size - used, "%s%.6s", used ? ";" : "", code);
}

/* The codes holding d's area today, for d as it was in year `since`: a part
 * that moved away before then ([YYYY] <= since) was no longer d's. */
static void follow(const bg_regions *r, const bg_division *d, int since, char *out, size_t size, int depth)
{
    if (d->to == 0 || !d->successors[0] || depth > 12) {
        add_code(out, size, d->code);
        return;
    }
    /* "430211[1997];430212": a [YYYY] part moved in that year, the rest at `to` */
    for (const char *p = d->successors; *p;) {
        size_t n = strcspn(p, ";[");
        int year = d->to;
        const char *next = p + n;
        if (*next == '[') {
            year = atoi(next + 1);
            next += strcspn(next, ";");
        }
        if (year > since) {
            const bg_division *s = by_code(r, p, n, year);
            if (s && s != d)
                follow(r, s, year, out, size, depth + 1);
        }
        p = *next == ';' ? next + 1 : next;
    }
    if (!out[0])
        add_code(out, size, d->code);
}

void bg_division_code_now(const bg_regions *r, const bg_division *d, int year, char *out, size_t size)
{
    out[0] = '\0';
    follow(r, d, year ? year : d->from, out, size, 0);
}

/* ---- finding names ---------------------------------------------------------- */

typedef struct occurrence {
    size_t position, length;
    size_t first_entry, entry_count; /* the records with this exact name */
} occurrence;

static bool is_ambiguous(const bg_regions *r, const char *s, size_t n)
{
    for (size_t i = 0; i < r->ambiguous_count; i++)
        if (strlen(r->ambiguous[i]) == n && memcmp(r->ambiguous[i], s, n) == 0)
            return true;
    return false;
}

/* A two-character name followed by 域/级/委/份 is part of a word (提高县级
 * 医院, 城乡和县域经济), not the division. */
static bool part_of_word(const char *s, size_t n, size_t end, size_t length)
{
    if (length != 6)
        return false;
    static const char *const followers[] = {"域", "级", "委", "份", "城"};
    for (size_t i = 0; i < sizeof followers / sizeof *followers; i++) {
        size_t k = strlen(followers[i]);
        if (end + k <= n && memcmp(s + end, followers[i], k) == 0)
            return true;
    }
    return false;
}

/* Whether a CJK ideograph ends right before s[at]. */
static bool cjk_before(const char *s, size_t at)
{
    if (at < 3)
        return false;
    size_t k = at - 3;
    return bg_is_cjk(bg_utf8_next(s, at, &k));
}

/* Finds names in s[0, n), longest first, without overlap. identity: the
 * line is the report speaking of itself, where generic words count too;
 * elsewhere a two-character name inside a run of text (工业兴县, 科教兴市)
 * counts only after another division's name (山西省兴县). */
static occurrence *scan(const bg_regions *r, const char *s, size_t n, bool identity, size_t *count)
{
    occurrence *list = NULL;
    size_t used = 0, capacity = 0, previous_end = (size_t)-1;
    *count = 0;
    size_t i = 0;
    while (i + 6 <= n && !bg_budget_exceeded()) {
        if (((unsigned char)s[i] & 0xC0) == 0x80) {
            i++;
            continue;
        }
        size_t first, last;
        key_range(r, key_of(s + i, 6), &first, &last);
        size_t best = (size_t)-1;
        for (size_t e = first; e < last; e++) {
            const name_entry *entry = &r->entries[e];
            if (i + entry->length <= n && memcmp(s + i, entry->text, entry->length) == 0) {
                best = e; /* sorted longest first */
                break;
            }
        }
        if (best == (size_t)-1) {
            i++;
            continue;
        }
        const name_entry *b = &r->entries[best];
        size_t end = best + 1;
        while (end < last && r->entries[end].length == b->length && strcmp(r->entries[end].text, b->text) == 0)
            end++;
        bool skip = false;
        if (!identity) {
            skip = is_ambiguous(r, b->text, b->length) || part_of_word(s, n, i + b->length, b->length) ||
                   (b->length == 6 && cjk_before(s, i) && previous_end != i);
        }
        if (skip) {
            i += 3; /* a longer name may start inside this one */
            continue;
        }
        if (used == capacity) {
            capacity = capacity ? capacity * 2 : 32;
            occurrence *grown = realloc(list, capacity * sizeof *grown);
            if (!grown)
                break;
            list = grown;
        }
        list[used++] = (occurrence){i, b->length, best, end - best};
        i += b->length;
        previous_end = i;
    }
    *count = used;
    return list;
}

/* The counts of r->counted in the text being resolved, from the lexicon's
 * mentions: set by bg_region_resolve for the one call, on its thread. */
static _Thread_local struct {
    const bg_regions *r;
    const char *text;
    size_t length;
    size_t *counts;
} counted;

static int string_order(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static size_t count_in(const char *s, size_t n, const char *needle)
{
    size_t k = strlen(needle), count = 0;
    if (k == 0 || !s)
        return 0;
    if (counted.counts && s == counted.text && n == counted.length) {
        const bg_words *w = &counted.r->counted;
        char *const *hit = bsearch(&needle, w->text, w->count, sizeof *w->text, string_order);
        if (hit)
            return counted.counts[hit - w->text];
    }
    for (const char *p = s, *stop = s + n; (size_t)(stop - p) >= k;) {
        const char *hit = memmem(p, (size_t)(stop - p), needle, k);
        if (!hit)
            break;
        count++;
        p = hit + k;
    }
    return count;
}

/* 湖南省 -> 湖南, 株洲市 -> 株洲, 广西壮族自治区 -> 广西: the forms reports use
 * in passing (建设幸福株洲). Empty when shorter than two characters. */
static void short_name(const char *name, char *out, size_t size)
{
    static const char *const suffixes[] = {"壮族自治区", "回族自治区", "维吾尔自治区", "特别行政区", "自治区",
                                           "地区",       "省",         "市",           "盟"};
    size_t n = strlen(name);
    out[0] = '\0';
    for (size_t i = 0; i < sizeof suffixes / sizeof *suffixes; i++) {
        size_t k = strlen(suffixes[i]);
        if (n > k && memcmp(name + n - k, suffixes[i], k) == 0) {
            if (n - k >= 6 && n - k < size) {
                memcpy(out, name, n - k);
                out[n - k] = '\0';
            }
            return;
        }
    }
}

/* How often the text names a province or prefecture: by its short form
 * (株洲 also counts 株洲市) when it has one. */
static size_t mentions(const char *s, size_t n, const char *name)
{
    if (!name || !*name || !s)
        return 0;
    char shortened[128];
    short_name(name, shortened, sizeof shortened);
    return shortened[0] ? count_in(s, n, shortened) : count_in(s, n, name);
}

/* How much the report names a candidate's prefecture and province. */
static size_t context_score(const bg_division *d, const bg_region_query *q)
{
    size_t score = 0;
    const char *title = q->title;
    size_t title_length = title ? strlen(title) : 0;
    if (level_rank(d->level) >= 2) {
        if (strcmp(d->city, d->name) != 0 && strcmp(d->city, d->province) != 0)
            score += 100 * mentions(title, title_length, d->city) + mentions(q->text, q->length, d->city);
        score += 100 * mentions(title, title_length, d->province) + mentions(q->text, q->length, d->province);
    }
    return score;
}

/* The level a speaker's role or the report's voice names: 3 for a county
 * or district, 2 a prefecture, 1 a province, 0 none. */
static int role_rank(const char *role, bool *county, bool *district)
{
    *county = *district = false;
    if (!role)
        return -1;
    if (strstr(role, "县长") || strstr(role, "旗长")) {
        *county = true;
        return 3;
    }
    if (strstr(role, "区长")) {
        *district = true;
        return 3;
    }
    if (strstr(role, "州长") || strstr(role, "盟长") || strstr(role, "专员"))
        return 2;
    if (strstr(role, "省长") || strstr(role, "主席"))
        return 1;
    if (strstr(role, "总理"))
        return 0;
    return -1; /* 市长: a prefecture or a county-level city */
}

/* The best record for an occurrence: in use in the report's year, of the
 * wanted rank (-1: any), named by the report's surroundings. */
static const bg_division *pick(const bg_regions *r, const occurrence *o, const bg_region_query *q, int want_rank)
{
    const bg_division *best = NULL;
    size_t best_score = 0;
    int best_then = 0, best_now = 0, best_rank = 0;
    for (size_t e = o->first_entry; e < o->first_entry + o->entry_count; e++) {
        const bg_division *d = &r->divisions[r->entries[e].division];
        int rank = level_rank(d->level);
        if (want_rank >= 0 && rank != want_rank)
            continue;
        /* in use in the report's year first, then the surroundings, then in
         * use today, then the more specific level */
        int then = bg_division_in_use(d, q->year), now = d->to == 0;
        size_t score = context_score(d, q);
        bool better = !best || then > best_then ||
                      (then == best_then && (score > best_score ||
                                             (score == best_score && (now > best_now ||
                                                                      (now == best_now && rank > best_rank)))));
        if (better) {
            best = d;
            best_score = score;
            best_then = then;
            best_now = now;
            best_rank = rank;
        }
    }
    return best;
}

static int occurrence_rank(const bg_regions *r, const occurrence *o)
{
    int rank = -1;
    for (size_t e = o->first_entry; e < o->first_entry + o->entry_count; e++) {
        int k = level_rank(r->divisions[r->entries[e].division].level);
        if (k > rank)
            rank = k;
    }
    return rank;
}

/* Whether a district's or county's "city" column names a prefecture the
 * report may write before it: any prefecture, and the four municipalities
 * (北京市海淀区), but not the province of a directly administered
 * county-level unit (湖北省 before 仙桃市). */
static bool city_prefixes(const bg_division *d)
{
    size_t c = strlen(d->city);
    if (strcmp(d->city, d->province) != 0)
        return true;
    return c >= 3 && memcmp(d->city + c - 3, "市", 3) == 0;
}

/* "株洲市" + "芦淞区" (or "上海市" + "浦东新区") when the report writes them
 * together. */
static bool names_both(const char *title, const bg_division *d)
{
    char both[192];
    snprintf(both, sizeof both, "%s%s", d->city, d->name);
    return title && strstr(title, both) != NULL;
}

static void set_region(const bg_regions *r, bg_region_result *out, const bg_division *d, int year, const char *s,
                       size_t position, const char *title, const char *source)
{
    size_t c = strlen(d->city);
    /* …where it was found, or in the title (莱芜市莱城区人民政府工作报告
     * read to 莱城区第十六届人民代表大会) */
    if (level_rank(d->level) == 3 && c && city_prefixes(d) &&
        ((position >= c && memcmp(s + position - c, d->city, c) == 0) || names_both(title, d)))
        snprintf(out->region, sizeof out->region, "%s%s", d->city, d->name);
    else
        snprintf(out->region, sizeof out->region, "%s", d->name);
    out->division = d;
    out->source = source;
    bg_division_code_now(r, d, year, out->code_now, sizeof out->code_now);
}

/* The region an identity line names: its most specific division name (the
 * district in 潍坊市奎文区, the county in 2012年临朐县政府工作报告). */
static bool from_line(const bg_regions *r, const char *line, const bg_region_query *q, int want_rank,
                      const char *source, bg_region_result *out)
{
    if (!line || !*line)
        return false;
    size_t n = strlen(line), count = 0;
    occurrence *list = scan(r, line, n, true, &count);
    size_t chosen = 0;
    int rank = -1;
    for (size_t i = 0; i < count; i++) {
        int k = occurrence_rank(r, &list[i]);
        if (k >= rank && (want_rank < 0 || k <= want_rank || rank < 0)) {
            rank = k;
            chosen = i;
        }
    }
    const bg_division *d = count ? pick(r, &list[chosen], q, want_rank >= 0 && rank == want_rank ? want_rank : -1) : NULL;
    if (d)
        set_region(r, out, d, q->year, line, list[chosen].position, q->title, source);
    free(list);
    return d != NULL;
}

/* The report's own voice: 全县/我县 → county, 全区 → district, 全市 → city … */
static const char *const voice_county[] = {"全县", "我县", "本县", "全旗", "我旗"};
static const char *const voice_district[] = {"全区", "我区", "本区", "区委", "区政府"};
static const char *const voice_city[] = {"全市", "我市", "本市", "全州", "全盟"};
static const char *const voice_province[] = {"全省", "我省", "本省", "全区各族"};

static int voice_rank(const char *text, size_t length, bool *county_voice)
{
    const char *const *county = voice_county, *const *district = voice_district, *const *city = voice_city,
                      *const *province = voice_province;
    size_t counts[4] = {0};
    for (size_t i = 0; i < 5; i++) {
        counts[1] += count_in(text, length, city[i]);
        counts[2] += count_in(text, length, district[i]);
        counts[3] += count_in(text, length, county[i]);
        if (i < 4)
            counts[0] += count_in(text, length, province[i]);
    }
    size_t best = 0;
    int rank = 0;
    for (int k = 0; k < 4; k++)
        if (counts[k] > best) {
            best = counts[k];
            rank = k + 1;
        }
    *county_voice = rank == 4;
    return rank == 4 ? 3 : rank;
}

/* The body decides: the most mentioned name, the report's own level first. */
/* an occurrence's name and place, sorted by name then place */
typedef struct named_at {
    size_t first_entry, index;
} named_at;
static int by_name_then_place(const void *a, const void *b)
{
    const named_at *x = a, *y = b;
    if (x->first_entry != y->first_entry)
        return x->first_entry < y->first_entry ? -1 : 1;
    return x->index < y->index ? -1 : x->index > y->index;
}

static bool from_text(const bg_regions *r, const bg_region_query *q, bg_region_result *out)
{
    size_t count = 0;
    occurrence *list = q->text && q->length ? scan(r, q->text, q->length, false, &count) : NULL;
    if (!count) {
        free(list);
        return false;
    }
    bool county_voice = false;
    int voice = voice_rank(q->text, q->length, &county_voice);
    /* each distinct name once, at its first occurrence, with how often it
     * occurs: the occurrences sorted by name (then place), grouped */
    named_at *order = malloc(count * sizeof *order);
    size_t *times = calloc(count, sizeof *times);
    if (!order || !times) {
        free(order);
        free(times);
        free(list);
        return false;
    }
    for (size_t i = 0; i < count; i++)
        order[i] = (named_at){list[i].first_entry, i};
    qsort(order, count, sizeof *order, by_name_then_place);
    for (size_t g = 0; g < count;) {
        size_t h = g;
        while (h < count && order[h].first_entry == order[g].first_entry)
            h++;
        times[order[g].index] = h - g; /* order[g] is the name's first occurrence */
        g = h;
    }
    free(order);
    size_t best = (size_t)-1, best_count = 0;
    int best_rank = -1;
    for (size_t i = 0; i < count; i++) {
        if (!times[i])
            continue; /* a name seen before */
        size_t n = times[i];
        const bg_division *d = voice ? pick(r, &list[i], q, voice) : NULL;
        int rank = occurrence_rank(r, &list[i]);
        if (d) {
            const char *name = d->name;
            size_t k = strlen(name);
            bool suffix_ok = true;
            if (voice == 3 && k >= 3) {
                /* 全县 speaks for a 县 or 旗, 全区 for a 区 */
                bool is_district = !strcmp(d->level, "district");
                suffix_ok = county_voice ? !is_district : is_district;
            }
            if (suffix_ok)
                n += 1000; /* the report's own level wins over mere mentions */
        }
        if (best == (size_t)-1 || n > best_count || (n == best_count && rank > best_rank)) {
            best = i;
            best_count = n;
            best_rank = rank;
        }
    }
    free(times);
    const bg_division *d = pick(r, &list[best], q, best_count >= 1000 ? voice : -1);
    if (!d)
        d = pick(r, &list[best], q, -1);
    if (d)
        set_region(r, out, d, q->year, q->text, list[best].position, q->title, "text");
    free(list);
    return d != NULL;
}

/* The province the text names most by its full name (山东省), or NULL. */
static const char *named_province(const bg_regions *r, const bg_region_query *q, size_t *times)
{
    const char *best = NULL;
    *times = 0;
    for (size_t i = 0; i < r->count; i++) {
        const bg_division *d = &r->divisions[i];
        if (strcmp(d->level, "province") != 0 || d->to != 0)
            continue;
        size_t n = count_in(q->text, q->length, d->name);
        if (n > *times) {
            *times = n;
            best = d->name;
        }
    }
    return best;
}

/* The province of the region must agree with the province the text names:
 * a homonym in that province wins over one elsewhere. */
static void agree_with_province(const bg_regions *r, const bg_region_query *q, bg_region_result *out)
{
    const bg_division *d = out->division;
    if (!d || level_rank(d->level) < 2 || mentions(q->text, q->length, d->province) > 0)
        return;
    size_t times;
    const char *province = named_province(r, q, &times);
    if (!province || times < 2)
        return;
    const bg_division *found[32];
    size_t n = bg_regions_find(r, d->name, found, 32);
    for (size_t i = 0; i < n && i < 32; i++)
        if (!strcmp(found[i]->province, province) && found[i]->level == d->level) {
            out->division = found[i];
            bg_division_code_now(r, found[i], q->year, out->code_now, sizeof out->code_now);
            return;
        }
}

/* The report's own committee in the leadership formula near its start:
 * 在遵义市委、市政府和仁怀市委的坚强领导下 names the higher levels first and
 * its own last. Copies the name before that last 委 into out ("" when the
 * last one is unnamed: 在潍坊市委、市政府和县委的正确领导下). */
enum { LEADERSHIP_HEAD_BYTES = 6000, LEADERSHIP_MAX_BYTES = 120 };

static void leadership_line(const bg_region_query *q, char *out, size_t size)
{
    out[0] = '\0';
    if (!q->text)
        return;
    size_t head = q->length < LEADERSHIP_HEAD_BYTES ? q->length : LEADERSHIP_HEAD_BYTES;
    const char *end = memmem(q->text, head, "领导下", strlen("领导下"));
    if (!end)
        return;
    const char *p = end;
    /* back over 的坚强 / 的正确 to the committee's 委 */
    const char *stop = end - q->text > LEADERSHIP_MAX_BYTES ? end - LEADERSHIP_MAX_BYTES : q->text;
    const char *wei = NULL;
    for (const char *k = p; k - 3 >= stop; k -= 1)
        if (!memcmp(k - 3, "委", 3)) {
            wei = k - 3;
            break;
        }
    if (!wei)
        return;
    /* the name: back to the last separator (和 、 , 在) */
    const char *from = wei;
    while (from - 3 >= stop && memcmp(from - 3, "和", 3) != 0 && memcmp(from - 3, "、", 3) != 0 &&
           memcmp(from - 3, "在", 3) != 0 && from[-1] != ',')
        from -= 1;
    while (from < wei && ((unsigned char)*from & 0xC0) == 0x80)
        from++;
    size_t n = (size_t)(wei - from);
    if (n >= size)
        return;
    memcpy(out, from, n);
    out[n] = '\0';
}

static bool resolve(const bg_regions *r, const bg_region_query *q, bg_region_result *out);

bool bg_region_resolve(const bg_regions *r, const bg_region_query *q, bg_region_result *out)
{
    size_t *counts = NULL;
    if (q->words && q->text && q->words->text == q->text && q->words->length == q->length &&
        (counts = malloc((r->counted.count ? r->counted.count : 1) * sizeof *counts)) != NULL) {
        bg_lex_count_each(q->words, &r->counted, counts); /* every name counted in one walk of the mentions */
        counted.r = r;
        counted.text = q->text;
        counted.length = q->length;
        counted.counts = counts;
    }
    bool found = resolve(r, q, out);
    counted.counts = NULL;
    free(counts);
    return found;
}

static bool resolve(const bg_regions *r, const bg_region_query *q, bg_region_result *out)
{
    memset(out, 0, sizeof *out);
    bool county = false, district = false;
    int want = role_rank(q->role, &county, &district);
    char leader[LEADERSHIP_MAX_BYTES + 1];
    leadership_line(q, leader, sizeof leader);
    bool found = from_line(r, q->hint, q, -1, "corpus", out) || from_line(r, q->council, q, want, "council", out) ||
                 from_line(r, q->title, q, want, "title", out) || from_line(r, q->speaker, q, want, "speaker", out) ||
                 from_line(r, leader, q, want, "leadership", out) || from_text(r, q, out);
    if (found && strcmp(out->source, "corpus") != 0)
        agree_with_province(r, q, out);
    return found;
}

/* ---- the names counted, for the lexicon ------------------------------------ */

static bool add_counted(char ***names, size_t *count, size_t *capacity, const char *name)
{
    if (!name || !*name)
        return true;
    if (*count == *capacity) {
        size_t grown_capacity = *capacity ? *capacity * 2 : 1024;
        char **grown = realloc(*names, grown_capacity * sizeof *grown);
        if (!grown)
            return false;
        *names = grown;
        *capacity = grown_capacity;
    }
    return ((*names)[(*count)++] = strdup(name)) != NULL;
}

bool bg_regions_lexicon(bg_regions *r, bg_lexicon *lex)
{
    bg_words_free(&r->counted);
    char **names = NULL;
    size_t count = 0, capacity = 0;
    bool ok = true;
    const char *const *voices[] = {voice_county, voice_district, voice_city, voice_province};
    const size_t voice_counts[] = {5, 5, 5, 4};
    for (size_t v = 0; v < 4; v++)
        for (size_t i = 0; i < voice_counts[v]; i++)
            ok = ok && add_counted(&names, &count, &capacity, voices[v][i]);
    for (size_t i = 0; ok && i < r->count; i++) {
        const bg_division *d = &r->divisions[i];
        /* only what is counted: provinces and prefectures (a county's own
         * name is found by the scan of identity lines, never counted) */
        const char *full[] = {strcmp(d->level, "province") == 0 ? d->name : NULL, d->province, d->city};
        for (size_t k = 0; ok && k < 3; k++) {
            char shortened[128] = "";
            if (full[k])
                short_name(full[k], shortened, sizeof shortened);
            ok = add_counted(&names, &count, &capacity, full[k]) && add_counted(&names, &count, &capacity, shortened);
        }
    }
    if (ok)
        qsort(names, count, sizeof *names, string_order);
    /* each name once, sorted: count_in finds a name by bsearch */
    size_t unique = 0;
    for (size_t i = 0; ok && i < count; i++) {
        if (unique && strcmp(names[unique - 1], names[i]) == 0)
            free(names[i]);
        else
            names[unique++] = names[i];
    }
    if (!ok) {
        for (size_t i = 0; i < count; i++)
            free(names[i]);
        free(names);
        return false;
    }
    char **cls = calloc(unique ? unique : 1, sizeof *cls);
    size_t *length = calloc(unique ? unique : 1, sizeof *length);
    if (!cls || !length) {
        free(cls);
        free(length);
        for (size_t i = 0; i < unique; i++)
            free(names[i]);
        free(names);
        return false;
    }
    r->counted = (bg_words){.text = names, .cls = cls, .length = length, .count = unique};
    for (size_t i = 0; i < unique; i++)
        r->counted.length[i] = strlen(names[i]);
    return bg_lexicon_add(lex, &r->counted);
}
