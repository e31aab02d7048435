/* targets.h — the year's main targets (主要预期目标) of one document.
 * Written by extraction B; this header is the interface extract.c calls.
 * Rules load once from the rules JSON and are shared read-only by threads. */
#ifndef BAOGAO_TARGETS_H
#define BAOGAO_TARGETS_H

#include "extract/doc.h"
#include "extract/outline.h"
#include "problems.h"
#include "table.h"
#include "text/clean.h"

#include <cjson/cJSON.h>
#include <stdbool.h>

typedef struct bg_targets_rules bg_targets_rules;

bg_targets_rules *bg_targets_rules_load(const cJSON *rules_root, const char *rules_file, bg_problems *problems);
void bg_targets_rules_free(bg_targets_rules *r);
/* appends rows to out's table index `table` (the targets table); returns rows added or -1 on no memory */
long bg_targets_extract(const bg_targets_rules *r, const bg_doc *doc, bg_rowset *out, size_t table);

/* Added by extraction B: the first lead-in at or after byte `from` that opens
 * this year's targets passage (not a five-year, 2030 or last-year one); its
 * byte range in the normalized text goes to *start, *end (either may be
 * NULL). Commitments use it to leave the targets' figures to the targets. */
bool bg_targets_passage(const bg_targets_rules *r, const bg_text *text, int plan_year, size_t from, size_t *start,
                        size_t *end);

#endif
