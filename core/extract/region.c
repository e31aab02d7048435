/* region.c — divisions list and region resolution (region.h).
 * Names are matched longest-first without overlap, indexed by their first two
 * characters; a name several provinces share is settled by the prefecture and
 * province names the report mentions around it. */
#include "extract/region.h"

#include "budget.h"
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
    bg_division *divisions;
    size_t count;
    name_entry *entries; /* sorted by key, then length descending, then text */
    size_t entry_count;
    char **ambiguous; /* names matched only in a title */
    size_t ambiguous_count;
};

/* Generic words that are also division names: 城区 (a district of 大同 …) is
 * any town's 城区 in a report; 新区, 高新区 are development zones. */
static const char *const default_ambiguous[] = {
    "城区",   "郊区",   "矿区",   "新区",   "东区",   "西区",   "南区",   "北区",   "中区",   "新城区", "老城区",
    "城中区", "城关区", "城东区", "城西区", "城南区", "城北区", "市中区", "新华区", "解放区", "和平区", "向阳区",
    "开发区", "高新区", "示范区", "长安区", "中心区", "工业区", "前进区", "先锋区", "胜利区", "红旗区", "新兴区",
    "新市区", "白云区", "铁东区", "铁西区", "桥东区", "桥西区", "河东区", "河西区", "江北区", "江南区", "城阳区",
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
    static const char *const levels[] = {"province", "city", "district", "county"};
    for (size_t i = 0; i < 4; i++)
        if (strcmp(s, levels[i]) == 0)
            return levels[i];
    return NULL;
}

static int level_rank(const char *level)
{
    if (strcmp(level, "province") == 0)
        return 1;
    if (strcmp(level, "city") == 0)
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
    }
    for (size_t i = 0; i < r->ambiguous_count; i++)
        free(r->ambiguous[i]);
    free(r->ambiguous);
    free(r->divisions);
    free(r->entries);
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

bg_regions *bg_regions_load(const char *csv_path, const cJSON *rules_root, const char *rules_file, bg_problems *p)
{
    FILE *f = fopen(csv_path, "r");
    if (!f) {
        bg_problems_add(p, "%s: cannot read the divisions list", csv_path);
        return NULL;
    }
    bg_regions *r = calloc(1, sizeof *r);
    char line[1024];
    size_t line_number = 0, capacity = 0;
    bool ok = r != NULL;
    while (ok && fgets(line, sizeof line, f)) {
        line_number++;
        size_t n = strcspn(line, "\r\n");
        line[n] = '\0';
        if (line_number == 1 || n == 0)
            continue; /* header */
        char *fields[5] = {0};
        size_t k = 0;
        char *cursor = line;
        while (k < 5) {
            fields[k++] = cursor;
            char *comma = strchr(cursor, ',');
            if (!comma)
                break;
            *comma = '\0';
            cursor = comma + 1;
        }
        const char *level = k == 5 ? level_name(fields[2]) : NULL;
        if (k != 5 || strlen(fields[0]) != 6 || !level || !*fields[1]) {
            bg_problems_add(p,
                            "%s:%zu: expected code,name,level,province,city with a "
                            "six-digit code and a level "
                            "of province, city, district or county",
                            csv_path, line_number);
            ok = false;
            break;
        }
        if (r->count == capacity) {
            capacity = capacity ? capacity * 2 : 4096;
            bg_division *grown = realloc(r->divisions, capacity * sizeof *grown);
            if (!grown) {
                ok = false;
                break;
            }
            r->divisions = grown;
        }
        bg_division *d = &r->divisions[r->count];
        memcpy(d->code, fields[0], 7);
        d->level = level;
        d->name = strdup(fields[1]);
        d->province = strdup(fields[3]);
        d->city = strdup(fields[4]);
        r->count++;
        if (!d->name || !d->province || !d->city)
            ok = false;
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
    } else if (ok) {
        for (size_t i = 0; ok && i < sizeof default_ambiguous / sizeof *default_ambiguous; i++)
            ok = add_ambiguous(r, default_ambiguous[i]);
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

/* ---- matching ----------------------------------------------------------- */

typedef struct occurrence {
    size_t position, length;
    size_t first_entry, entry_count; /* entries with this exact name */
    bool former;                     /* a county's former name: 宁乡县 for 宁乡市 */
} occurrence;

static bool is_ambiguous(const bg_regions *r, const char *s, size_t n)
{
    for (size_t i = 0; i < r->ambiguous_count; i++)
        if (strlen(r->ambiguous[i]) == n && memcmp(r->ambiguous[i], s, n) == 0)
            return true;
    return false;
}

/* A two-character county or district name followed by 域/级/委 is part of a
 * word (提高县级医院, 城乡和县域经济), not the division. */
static bool part_of_word(const char *s, size_t n, size_t end, size_t length)
{
    if (length != 6)
        return false;
    static const char *const followers[] = {"域", "级", "委", "份"};
    for (size_t i = 0; i < sizeof followers / sizeof *followers; i++) {
        size_t k = strlen(followers[i]);
        if (end + k <= n && memcmp(s + end, followers[i], k) == 0)
            return true;
    }
    return false;
}

/* A county's name from before it became a city or a district (宁乡县, now
 * 宁乡市; 赣县, now 赣县区): reports of 2010-2024 use the name of their year.
 * Returns the bytes of the written name at s[i] (0 when none) and the entry
 * of today's division in *entry. Only county-level divisions qualify. */
static size_t former_county_at(const bg_regions *r, const char *s, size_t n, size_t i, size_t first, size_t last,
                               size_t *entry)
{
    for (size_t e = first; e < last; e++) {
        const name_entry *x = &r->entries[e];
        if (x->length < 9 || level_rank(r->divisions[x->division].level) != 3)
            continue;
        size_t stem = x->length - 3;
        const char *suffix = x->text + stem;
        if (memcmp(suffix, "市", 3) != 0 && memcmp(suffix, "区", 3) != 0)
            continue;
        /* 赣县区 keeps 县 in its name: its former name is the stem */
        bool stem_is_county = stem >= 6 && memcmp(x->text + stem - 3, "县", 3) == 0;
        size_t written = stem_is_county ? stem : stem + 3;
        if (i + written > n || memcmp(s + i, x->text, stem) != 0 ||
            (!stem_is_county && memcmp(s + i + stem, "县", 3) != 0))
            continue;
        if (stem_is_county && i + stem + 3 <= n && memcmp(s + i + stem, "区", 3) == 0)
            continue; /* today's name */
        *entry = e;
        return written;
    }
    return 0;
}

/* Finds names in s[0, n), longest first, without overlap. in_title: the
 * ambiguous words count too. Returns a malloc'ed array (NULL when none). */
static occurrence *scan(const bg_regions *r, const char *s, size_t n, bool in_title, size_t *count)
{
    occurrence *list = NULL;
    size_t used = 0, capacity = 0;
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
        size_t former = 0;
        if (best == (size_t)-1)
            former = former_county_at(r, s, n, i, first, last, &best);
        if (best == (size_t)-1) {
            i++;
            continue;
        }
        const name_entry *b = &r->entries[best];
        size_t end = best + 1;
        while (end < last && r->entries[end].length == b->length && strcmp(r->entries[end].text, b->text) == 0)
            end++;
        if (!in_title && (is_ambiguous(r, b->text, b->length) || part_of_word(s, n, i + b->length, b->length))) {
            i += b->length;
            continue;
        }
        if (used == capacity) {
            capacity = capacity ? capacity * 2 : 32;
            occurrence *grown = realloc(list, capacity * sizeof *grown);
            if (!grown)
                break;
            list = grown;
        }
        list[used++] = (occurrence){i, former ? former : b->length, best, end - best, former > 0};
        i += former ? former : b->length;
    }
    *count = used;
    return list;
}

static size_t count_in(const char *s, size_t n, const char *needle)
{
    size_t k = strlen(needle), count = 0;
    if (k == 0)
        return 0;
    for (size_t i = 0; i + k <= n;) {
        if (memcmp(s + i, needle, k) == 0) {
            count++;
            i += k;
        } else {
            i++;
        }
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

static size_t mentions(const char *s, size_t n, const char *name)
{
    if (!name || !*name)
        return 0;
    char shortened[128];
    short_name(name, shortened, sizeof shortened);
    /* the short form also counts the full form's occurrences */
    return shortened[0] ? count_in(s, n, shortened) : count_in(s, n, name);
}

/* Score of a candidate division: how much the surroundings name its
 * prefecture and province. */
static size_t context_score(const bg_division *d, const char *title, size_t title_length, const char *text,
                            size_t length)
{
    size_t score = 0;
    if (strcmp(d->level, "province") != 0) {
        if (strcmp(d->city, d->name) != 0 && strcmp(d->city, d->province) != 0)
            score += 100 * mentions(title, title_length, d->city) + mentions(text, length, d->city);
        score += 100 * mentions(title, title_length, d->province) + mentions(text, length, d->province);
    }
    return score;
}

static const bg_division *pick(const bg_regions *r, const occurrence *o, const char *title, size_t title_length,
                               const char *text, size_t length, int want_rank)
{
    const bg_division *best = NULL;
    size_t best_score = 0;
    int best_rank = 0;
    for (size_t e = o->first_entry; e < o->first_entry + o->entry_count; e++) {
        const bg_division *d = &r->divisions[r->entries[e].division];
        int rank = level_rank(d->level);
        if (want_rank && rank != want_rank)
            continue;
        size_t score = context_score(d, title, title_length, text, length);
        if (!best || rank > best_rank || (rank == best_rank && score > best_score)) {
            best = d;
            best_score = score;
            best_rank = rank;
        }
    }
    return best;
}

static int occurrence_rank(const bg_regions *r, const occurrence *o)
{
    int rank = 0;
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
 * together; a former county name as written, at the county level. */
static void set_region(bg_region_result *out, const bg_division *d, const char *s, const occurrence *o)
{
    size_t position = o->position;
    size_t c = strlen(d->city);
    out->level = NULL;
    if (o->former) {
        snprintf(out->region, sizeof out->region, "%.*s", (int)o->length, s + position);
        out->level = "county";
    } else if (level_rank(d->level) == 3 && c && city_prefixes(d) && position >= c &&
               memcmp(s + position - c, d->city, c) == 0)
        snprintf(out->region, sizeof out->region, "%s%s", d->city, d->name);
    else
        snprintf(out->region, sizeof out->region, "%s", d->name);
    out->division = d;
}

/* The report's own voice: 全县/我县 → county, 全区 → district, 全市 → city … */
static int voice_rank(const char *text, size_t length, bool *county_voice)
{
    static const char *const county[] = {"全县", "我县", "本县", "县委", "县政府"};
    static const char *const district[] = {"全区", "我区", "本区", "区委", "区政府"};
    static const char *const city[] = {"全市", "我市", "本市", "市委", "市政府"};
    static const char *const province[] = {"全省", "我省", "本省", "省委", "省政府"};
    size_t counts[4] = {0};
    for (size_t i = 0; i < 5; i++) {
        counts[0] += count_in(text, length, province[i]);
        counts[1] += count_in(text, length, city[i]);
        counts[2] += count_in(text, length, district[i]);
        counts[3] += count_in(text, length, county[i]);
    }
    /* 省委/市委 are named by every lower level too: weigh the 全X/我X forms */
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

bool bg_region_resolve(const bg_regions *r, const char *title, const char *text, size_t length, bg_region_result *out)
{
    memset(out, 0, sizeof *out);
    size_t title_length = title ? strlen(title) : 0;
    size_t count = 0;
    occurrence *list = title ? scan(r, title, title_length, true, &count) : NULL;
    if (count) {
        /* the most specific name in the title */
        size_t chosen = 0;
        int rank = 0;
        for (size_t i = 0; i < count; i++) {
            int k = occurrence_rank(r, &list[i]);
            if (k > rank) {
                rank = k;
                chosen = i;
            }
        }
        const bg_division *d = pick(r, &list[chosen], title, title_length, text, length, 0);
        if (d)
            set_region(out, d, title, &list[chosen]);
        free(list);
        return out->division != NULL;
    }
    free(list);
    if (!text || !length)
        return false;
    list = scan(r, text, length, false, &count);
    if (!count) {
        free(list);
        return false;
    }
    bool county_voice = false;
    int voice = voice_rank(text, length, &county_voice);
    /* mentions per distinct name */
    size_t best = (size_t)-1, best_count = 0;
    int best_rank = 0;
    for (size_t i = 0; i < count; i++) {
        bool seen = false;
        for (size_t j = 0; j < i; j++)
            if (list[j].first_entry == list[i].first_entry) {
                seen = true;
                break;
            }
        if (seen)
            continue;
        size_t n = 0;
        for (size_t j = i; j < count; j++)
            if (list[j].first_entry == list[i].first_entry)
                n++;
        /* does this name have a division of the report's own level? */
        const bg_division *d = pick(r, &list[i], NULL, 0, text, length, voice);
        int rank = occurrence_rank(r, &list[i]);
        if (voice && d) {
            const char *name = d->name;
            size_t k = strlen(name);
            bool suffix_ok = true;
            if (voice == 3 && k >= 3) {
                /* 全县 speaks for a 县 or 旗, 全区 for a 区 */
                bool is_district = memcmp(name + k - 3, "区", 3) == 0 && !list[i].former;
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
    const bg_division *d = pick(r, &list[best], NULL, 0, text, length, best_count >= 1000 ? voice : 0);
    if (!d)
        d = pick(r, &list[best], NULL, 0, text, length, 0);
    if (d)
        set_region(out, d, text, &list[best]);
    free(list);
    return out->division != NULL;
}
