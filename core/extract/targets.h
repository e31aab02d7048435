/* targets.h — the year's main targets (主要预期目标) of one document: the
 * passages that state them, found once per document and handed to the
 * commitments too, and the targets read from them. Rules load once from the
 * rules JSON and are shared read-only by threads. */
#ifndef BAOGAO_TARGETS_H
#define BAOGAO_TARGETS_H

#include "extract/doc.h"
#include "extract/lexicon.h"
#include "extract/outline.h"
#include "problems.h"
#include "table.h"
#include "text/clean.h"

#include <cjson/cJSON.h>
#include <stdbool.h>

typedef struct bg_targets_rules bg_targets_rules;

bg_targets_rules *bg_targets_rules_load(const cJSON *rules_root, const char *rules_file, bg_problems *problems);
void bg_targets_rules_free(bg_targets_rules *r);
/* The name the unit column reports for a unit as written (pp for 个百分点),
 * or NULL when `written` is no unit of the rules. */
const char *bg_targets_unit_name(const bg_targets_rules *r, const char *written);

/* This year's main-targets passages of a document, in text order (at most
 * max): each lead-in that opens one (not a five-year, 2035 or last year's)
 * and the sentences after it that still state targets. */
size_t bg_targets_passages(const bg_targets_rules *r, const bg_doc *doc, bg_span *out, size_t max);

/* Reads the targets of the first passage that states any, and of the
 * passages right after it that open with a lead-in of their own; used[i]
 * tells which passages held them (their figures are targets, not
 * commitments). Appends rows to out's table `table`; returns the rows added
 * or -1 on no memory. */
long bg_targets_extract(const bg_targets_rules *r, const bg_doc *doc, const bg_span *passages, size_t count,
                        bool *used, bg_rowset *out, size_t table);

/* Adds the indicator names to the ruleset's lexicon, so that a stage can
 * ask whether a span names any (false: no memory). */
bool bg_targets_rules_lexicon(bg_targets_rules *r, bg_lexicon *lex);
/* The indicator names (aliases), as the lexicon knows them. */
const bg_words *bg_targets_names(const bg_targets_rules *r);

/* The indicator key a name stands for (经济增长 -> gdp, as a relation's
 * reference says it), or NULL. */
const char *bg_targets_indicator_of(const bg_targets_rules *r, const char *text, size_t length);

/* Reads the text[from, to) of any part as a targets passage would be read
 * (clauses of indicator + verb + figure), into rows of the targets schema in
 * out's table `table`: the outcomes stage reads last year's results so.
 * Returns the rows added or -1 on no memory. */
long bg_targets_read_span(const bg_targets_rules *r, const bg_doc *doc, size_t from, size_t to, bg_rowset *out,
                          size_t table);

#endif
