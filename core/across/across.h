/* across.h — the tables across reports (target_outcomes, escalation,
 * escalation_summary, target_changes): computed once every document is
 * extracted, from the rows themselves (documents, targets, outcomes), never
 * from the texts. Each document adds a compact copy of what the tables need
 * (its identity, its targets, its outcomes: tens of bytes a row, nothing of
 * the sentences), so memory follows the targets of the corpus, not its text.
 *
 * The keys:
 *   a region across years is its region_code_now (the codes holding its area
 *   today), so a renamed or upgraded division (沙县 350427 -> 沙县区 350405)
 *   stays one region; only work reports count, the first of a region and
 *   year in source order;
 *   a region's parent is taken by code as of the plan year from the
 *   divisions: county or district -> its prefecture (else the province, for
 *   a municipality's districts and county-level units under a province),
 *   prefecture -> province, province -> the country (100000). */
#ifndef BAOGAO_ACROSS_H
#define BAOGAO_ACROSS_H

#include "error.h"
#include "extract/rules.h"
#include "table.h"

#include <stdbool.h>

typedef struct bg_across bg_across;

/* Whether the job selects any table across reports. */
bool bg_across_wanted(const bg_rules *rules);

/* NULL on no memory. The rules must outlive it. */
bg_across *bg_across_new(const bg_rules *rules);
void bg_across_free(bg_across *a);

/* Keeps what the tables need of one document's rows (in the job's table
 * layout). Documents come in source order. BG_E_NOMEM or BG_E_OK. */
bg_error bg_across_add(bg_across *a, bg_rowset *rows);

/* Fills the across tables of `out` (a rowset in the job's table layout).
 * BG_E_NOMEM or BG_E_OK. */
bg_error bg_across_rows(bg_across *a, bg_rowset *out);

/* Whether `outcome` meets a target (exposed for the unit tests): kind,
 * qualifier, direction ("rise"/"fall", NULL for none), value and value_max
 * (has_max for a range), unit of both; reference: the outcome of what a
 * relation is measured against (has_reference). Returns "yes", "no" or
 * "unclear". */
typedef struct bg_met_query {
    const char *kind, *qualifier, *direction, *target_unit, *outcome_unit;
    double value, value_max, outcome, reference;
    bool has_value, has_max, has_reference;
} bg_met_query;
const char *bg_across_met(const bg_met_query *q, double *gap, bool *has_gap);

/* The parent of a region as of year (exposed for the unit tests): writes
 * its six-digit code into parent (7 bytes) and returns its division record
 * (NULL when the divisions do not know it, the code is still written), or
 * returns NULL with parent "" for the country. */
const bg_division *bg_across_parent(const bg_regions *regions, const char *code, const char *level, int year,
                                    char parent[7]);

#endif
