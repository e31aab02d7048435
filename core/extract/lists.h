/* lists.h — named lists of projects or tasks (十大产业项目 …), inline or bulleted.
 * Written by extraction B; this header is the interface extract.c calls.
 * Rules load once from the rules JSON and are shared read-only by threads. */
#ifndef BAOGAO_LISTS_H
#define BAOGAO_LISTS_H

#include "extract/doc.h"
#include "problems.h"
#include "table.h"
#include "text/clean.h"

#include <cjson/cJSON.h>

typedef struct bg_lists_rules bg_lists_rules;

bg_lists_rules *bg_lists_rules_load(const cJSON *rules_root, const char *rules_file, bg_problems *problems);
void bg_lists_rules_free(bg_lists_rules *r);
/* appends rows to out's table index `table` (list_items); returns rows added or -1 on no memory */
long bg_lists_extract(const bg_lists_rules *r, const bg_doc *doc, const char *source, bg_rowset *out, size_t table);
/* Adds the stage's word lists to the ruleset's lexicon (false: no memory). */
bool bg_lists_rules_lexicon(bg_lists_rules *r, bg_lexicon *lex);

#endif
