/* outline.h — a document's headings and its parts (plan, review, outlook),
 * found once and used by sections, commitments and targets. */
#ifndef BAOGAO_OUTLINE_H
#define BAOGAO_OUTLINE_H

#include "error.h"
#include "problems.h"
#include "text/clean.h"

#include <cjson/cJSON.h>
#include <stddef.h>

typedef struct bg_heading {
    size_t offset;    /* byte offset of the heading line in the normalized text */
    size_t end;       /* byte offset where the heading's title ends */
    int level;        /* 0 for 一、, 1 for (一) and 1. */
    char *number;     /* as written: "一", "1" */
    char *title;      /* without number or trailing 。, as written in the original */
    const char *part; /* "plan", "review" or "outlook": the part it stands in */
    const char *own_part; /* the part its own words name (二、今后五年的目标任务: outlook), or NULL */
    long top;             /* index of the nearest level-0 heading at or before it, -1 when none */
} bg_heading;

typedef struct bg_part_span {
    size_t start, end; /* byte range in the normalized text */
    const char *part;  /* "plan", "review", "outlook" */
} bg_part_span;

typedef struct bg_outline {
    bg_heading *headings;
    size_t heading_count;
    bg_part_span *parts; /* sorted, non-overlapping, covering the text */
    size_t part_count;
} bg_outline;

/* "plan", "review" or "outlook" for a byte offset of the normalized text. */
const char *bg_outline_part_at(const bg_outline *outline, size_t offset);
/* The nearest heading of `level` at or before offset, or NULL. */
const bg_heading *bg_outline_heading_before(const bg_outline *outline, size_t offset, int level);
/* Title of the nearest heading before offset (deepest level), or NULL. */
const char *bg_outline_section_at(const bg_outline *outline, size_t offset);
void bg_outline_free(bg_outline *outline);

/* Heading and part-marker patterns: the rules JSON keys "headings" (array of
 * {"level": 0|1, "pattern": PCRE2 with named groups number and title}) and
 * "parts" ({"review"|"plan"|"outlook": [PCRE2 matched at a unit's start]}),
 * both required. A unit is a line's start and, inside a line, a sentence's
 * start (after 。！？) or the text after a blank: a heading that stands
 * inline after 。 (…。二、2023年工作安排) is a heading, its title up to the
 * first blank or clause mark. Part markers without a number count inline
 * only in a line of more than 1,500 characters (a flattened page).
 * Problems name rules_file and the JSON path; NULL when there was any. */
typedef struct bg_outline_rules bg_outline_rules;
bg_outline_rules *bg_outline_rules_load(const cJSON *rules_root, const char *rules_file, bg_problems *problems);
void bg_outline_rules_free(bg_outline_rules *rules);
/* Finds the headings and parts of text into out (freed with bg_outline_free).
 * Returns BG_E_OK or BG_E_NOMEM. Thread-safe. */
bg_error bg_outline_build(const bg_outline_rules *rules, const bg_text *text, bg_outline *out);

#endif
