/* commitments.h — numeric commitments outside the main-targets passage.
 * Written by extraction B; this header is the interface extract.c calls.
 * Rules load once from the rules JSON and are shared read-only by threads. */
#ifndef BAOGAO_COMMITMENTS_H
#define BAOGAO_COMMITMENTS_H

#include "extract/doc.h"
#include "extract/outline.h"
#include "problems.h"
#include "table.h"
#include "text/clean.h"

#include <cjson/cJSON.h>

typedef struct bg_commitments_rules bg_commitments_rules;

bg_commitments_rules *bg_commitments_rules_load(const cJSON *rules_root, const char *rules_file, bg_problems *problems);
void bg_commitments_rules_free(bg_commitments_rules *r);
/* Adds the stage's word lists to the ruleset's lexicon (false: no memory). */
bool bg_commitments_rules_lexicon(bg_commitments_rules *r, bg_lexicon *lex);
/* appends rows to out's table index `table`; returns rows added or -1 on no memory */
long bg_commitments_extract(const bg_commitments_rules *r, const bg_doc *doc, bg_rowset *out, size_t table);

#endif
