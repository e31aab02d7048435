/* facts.h — what a document says about itself: title, region (as of its
 * year, and today's codes), the date it was delivered, the year its plan is
 * for, and whether it is a government work report or a newspaper's reading
 * of one. Read from the cleaned text, identity lines first. */
#ifndef BAOGAO_EXTRACT_FACTS_H
#define BAOGAO_EXTRACT_FACTS_H

#include "error.h"
#include "extract/region.h"
#include "problems.h"
#include "text/clean.h"

#include <cjson/cJSON.h>
#include <stdbool.h>

typedef struct bg_facts_rules bg_facts_rules;

/* rules_root "identity": {"meeting": PCRE2 with groups date, council and
 * national; "speaker": PCRE2 with groups office and role; "plan_markers",
 * "press_markers", "report_words": word lists}. NULL on a problem. */
bg_facts_rules *bg_facts_rules_load(const cJSON *rules_root, const char *rules_file, bg_problems *p);
void bg_facts_rules_free(bg_facts_rules *r);

typedef struct bg_facts {
    char *title;                  /* malloc'ed, as written in the original; NULL when there is none */
    bg_region_result region;      /* region.division NULL when unknown */
    int report_year;              /* 0 when unknown */
    int report_month, report_day; /* set with has_report_date */
    bool has_report_date;         /* the session date is stated (meeting line, title, a date line) */
    int plan_year;                /* 0 when unknown */
    const char *doc_type;         /* "work_report", "interpretation" or "other" (static) */
    char council[128];            /* the body the report was read to, as the meeting line names it */
    char speaker[160];            /* the speaker's office and role (临朐县人民政府县长 → 临朐县县长) */
} bg_facts;

/* Finds the facts of text. Hints (a CSV container's columns; NULL / 0 when
 * absent) override what the text says. regions may be NULL (no region);
 * words, the lexicon's mentions in text, may be NULL (names are then
 * counted by searching the text).
 * Returns BG_E_NOMEM or BG_E_OK. */
bg_error bg_facts_find(const bg_facts_rules *rules, const bg_regions *regions, const bg_text *text,
                       const char *hint_title, const char *hint_region, int hint_year, const bg_mentions *words,
                       bg_facts *out);
void bg_facts_free(bg_facts *facts);

/* The year a plan is for: an explicit "2023年工作安排"-like marker (the
 * rules' plan_markers, years in digits or 二〇二三) first, else 明年/今年
 * resolved against the report date (a report delivered in November or
 * December plans the next year), else the report year. report_year and
 * report_month 0 when unknown. Returns 0 when nothing tells. */
int bg_plan_year(const bg_facts_rules *rules, const char *text, size_t length, int report_year, int report_month);

#endif
