/* facts.h — what a document says about itself: title, region, the date it
 * was delivered, the year its plan is for, and whether it is a government
 * work report or a newspaper's reading of one. Read from the cleaned text. */
#ifndef BAOGAO_FACTS_H
#define BAOGAO_FACTS_H

#include "error.h"
#include "extract/region.h"
#include "text/clean.h"

#include <stdbool.h>

typedef struct bg_facts {
    char *title;                  /* malloc'ed, as written in the original; NULL when there is none
                                   */
    bg_region_result region;      /* region.division NULL when unknown */
    int report_year;              /* 0 when unknown */
    int report_month, report_day; /* set with has_report_date */
    bool has_report_date;         /* the session date is stated (title or a date line at
                                     the top) */
    int plan_year;                /* 0 when unknown */
    const char *doc_type;         /* "work_report", "interpretation" or "other" (static) */
} bg_facts;

/* Finds the facts of text. Hints (a CSV container's columns; NULL / 0 when
 * absent) override what the text says. regions may be NULL (no region).
 * Returns BG_E_NOMEM or BG_E_OK. */
bg_error bg_facts_find(const bg_regions *regions, const bg_text *text, const char *hint_title, const char *hint_region,
                       int hint_year, bg_facts *out);
void bg_facts_free(bg_facts *facts);

/* The year a plan is for: an explicit "2023年工作安排"-like marker first,
 * else 明年/今年 resolved against the report date (a report delivered in
 * November or December plans the next year), else the report year.
 * report_year/report_month 0 when unknown. Returns 0 when nothing tells. */
int bg_plan_year(const char *text, size_t length, int report_year, int report_month);

#endif
