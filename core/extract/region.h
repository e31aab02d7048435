/* region.h — the administrative divisions with their history (GB/T 2260
 * codes since 1981, config/rules/divisions.csv, from the areacodes dataset)
 * and the resolution of a report's region: first from its own identity lines
 * (the session it was read to, its title, its speaker), then from the body,
 * against the divisions as they were in the report's year, with the codes
 * that hold the area today. Loaded once, read-only afterwards. */
#ifndef BAOGAO_EXTRACT_REGION_H
#define BAOGAO_EXTRACT_REGION_H

#include "extract/lexicon.h"
#include "problems.h"

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct bg_division {
    char code[7];      /* six digits */
    char *name;        /* 芦淞区 */
    const char *level; /* "national", "province", "city", "district" or "county" (static) */
    char *province;    /* 湖南省; "" for the country */
    char *city;        /* 株洲市; the province itself for a municipality's districts and for
                          county-level units under a province; "" for a province */
    int from, to;      /* in use from year `from` up to, not including, `to` (0: still in use) */
    char *successors;  /* the codes that took the area over ("" when none) */
} bg_division;

typedef struct bg_regions bg_regions;

/* Reads the divisions CSV (code,name,level,province,city[,from,to,successors]).
 * The rules JSON key "region" may hold {"ambiguous": [names matched only in
 * an identity line]}. Problems name the CSV line or the JSON path; NULL when
 * there was any. */
bg_regions *bg_regions_load(const char *csv_path, const cJSON *rules_root, const char *rules_file, bg_problems *p);
void bg_regions_free(bg_regions *r);
size_t bg_regions_count(const bg_regions *r);
/* Every record called exactly name (several provinces, several periods), in
 * code order. */
size_t bg_regions_find(const bg_regions *r, const char *name, const bg_division **out, size_t max);
/* The record of a six-digit code in use in year (else its latest record),
 * or NULL when the code is unknown. By bisection when the divisions file is
 * in code order (the shipped one is), else by a walk of the list. */
const bg_division *bg_regions_by_code(const bg_regions *r, const char *code, int year);
/* Whether d was in use in year (0: today). */
bool bg_division_in_use(const bg_division *d, int year);
/* The codes that hold d's area today, ';'-separated (d's own code when it
 * is in use), for d as it was in year (0: from its first year), into out. */
void bg_division_code_now(const bg_regions *r, const bg_division *d, int year, char *out, size_t size);

/* What the report says about itself, as found by facts.c. */
typedef struct bg_region_query {
    int year;             /* the plan year, 0 when unknown */
    const char *hint;     /* a corpus column naming the region, or NULL */
    const char *council;  /* the body the report was read to: 临朐县 in 在临朐县第十六届人民代表大会…, or NULL */
    const char *title;    /* the title line, or NULL */
    const char *speaker;  /* the office before the speaker's role: 临朐县 in 临朐县人民政府县长, or NULL */
    const char *role;     /* 县长, 市长, 区长, 省长, 州长, 盟长, 旗长, 总理, or NULL */
    const char *text;     /* the whole cleaned text */
    size_t length;
    const bg_mentions *words; /* the lexicon's mentions in text, or NULL: names are then counted by searching */
} bg_region_query;

typedef struct bg_region_result {
    const bg_division *division; /* NULL when nothing was found */
    char region[192];            /* name as the report uses it: 安庆市大观区, 澧县 */
    char code_now[64];           /* bg_division_code_now of the division */
    const char *source;          /* static: which line decided: "corpus", "council", "title", "speaker", "text" */
} bg_region_result;

/* Adds the names the resolution counts in a text (provinces, prefectures,
 * their short forms, the report's voice: 全县, 我市 …) to the ruleset's
 * lexicon (false: no memory). */
bool bg_regions_lexicon(bg_regions *r, bg_lexicon *lex);

/* Resolves the region of a report. Returns division != NULL when found. */
bool bg_region_resolve(const bg_regions *r, const bg_region_query *q, bg_region_result *out);

#endif
