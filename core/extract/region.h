/* region.h — the national list of administrative divisions (GB/T 2260,
 * config/rules/divisions.csv) and the resolution of a report's region from
 * its title and text. Loaded once, read-only afterwards (shared by threads). */
#ifndef BAOGAO_REGION_H
#define BAOGAO_REGION_H

#include "problems.h"

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct bg_division {
    char code[7];      /* six digits */
    char *name;        /* 芦淞区 */
    const char *level; /* "province", "city", "district" or "county" (static) */
    char *province;    /* 湖南省 */
    char *city;        /* 株洲市; the province itself for a municipality's districts; ""
                          for a province */
} bg_division;

typedef struct bg_regions bg_regions;

/* Reads the divisions CSV (header code,name,level,province,city). The rules
 * JSON key "region" may hold {"ambiguous": [names matched only in a title]}.
 * Problems name the CSV line or the JSON path; NULL when there was any. */
bg_regions *bg_regions_load(const char *csv_path, const cJSON *rules_root, const char *rules_file, bg_problems *p);
void bg_regions_free(bg_regions *r);
size_t bg_regions_count(const bg_regions *r);
/* Divisions called exactly name (several provinces may share one), in code
 * order. */
size_t bg_regions_find(const bg_regions *r, const char *name, const bg_division **out, size_t max);

typedef struct bg_region_result {
    const bg_division *division; /* NULL when nothing was found */
    char region[192];            /* name as the report uses it: 安庆市大观区, 澧县 */
    const char *level;           /* static; the level the report's name says when it
                                    differs from today's division's (宁乡县, now 宁乡市
                                    or 赣县, now 赣县区: "county"), else NULL */
} bg_region_result;

/* Resolves the region: first from the title (may be NULL), then from the
 * text (frequency of mention, the report's own 全县/全区/全市 voice, and the
 * prefecture and province names around it). Returns division != NULL when
 * found. */
bool bg_region_resolve(const bg_regions *r, const char *title, const char *text, size_t length, bg_region_result *out);

#endif
