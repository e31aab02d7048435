/* outcomes.h — last year's stated results of the headline indicators
 * (2021年，全区地区生产总值增长8.2%; 过去一年…完成…), read from the review
 * part of a report with the targets' clause reader. Never a five-year average,
 * a cumulative total, a target quoted in the review or a figure of another
 * year. Word lists and patterns come from the rules JSON key "outcomes". */
#ifndef BAOGAO_EXTRACT_OUTCOMES_H
#define BAOGAO_EXTRACT_OUTCOMES_H

#include "extract/doc.h"
#include "extract/targets.h"
#include "problems.h"
#include "table.h"

#include <cjson/cJSON.h>

typedef struct bg_outcomes_rules bg_outcomes_rules;

bg_outcomes_rules *bg_outcomes_rules_load(const cJSON *rules_root, const char *rules_file, bg_problems *problems);
void bg_outcomes_rules_free(bg_outcomes_rules *r);

/* Appends the outcomes of doc to out's table `table` (the outcomes schema,
 * indicator_label left for the caller). Returns the rows added or -1 on no
 * memory. */
long bg_outcomes_extract(const bg_outcomes_rules *r, const bg_targets_rules *targets, const bg_doc *doc,
                         bg_rowset *out, size_t table);

#endif
