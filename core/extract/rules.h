/* rules.h — the loaded ruleset's parts, shared by rules.c (loading and
 * validation) and extract.c (running the stages). Private to the core. */
#ifndef BAOGAO_RULES_H
#define BAOGAO_RULES_H

#include "extract/outcomes.h"
#include "extract/commitments.h"
#include "extract/custom.h"
#include "extract/facts.h"
#include "extract/extract.h"
#include "extract/keywords.h"
#include "extract/lexicon.h"
#include "extract/lists.h"
#include "extract/outline.h"
#include "extract/region.h"
#include "extract/targets.h"
#include "text/clean.h"

struct bg_rules {
    bg_clean_rules *clean;
    bg_regions *regions; /* NULL when no divisions list was given */
    bg_facts_rules *facts;
    bg_outline_rules *outline;
    bg_keywords_rules *keywords;
    bg_targets_rules *targets;
    bg_outcomes_rules *outcomes;
    bg_commitments_rules *commitments;
    bg_lists_rules *lists;
    bg_custom_rules *custom;
    /* every stage's word lists in one matcher, scanned once per document */
    bg_lexicon *lexicon;
    int table_at[BG_BUILTIN_TABLE_COUNT]; /* rowset index of a built-in table, -1
                                             when not selected */
    size_t custom_first;                  /* rowset index of the first custom table */
    /* Copies of the selected built-in schemas whose `index` is their export
     * position, which differs from the static one when a job selects a subset. */
    bg_table_schema builtin[BG_BUILTIN_TABLE_COUNT];
    /* indicator key -> Chinese label, from the rules' "indicators" (for the
     * targets table's indicator_label column) */
    char **indicator_keys, **indicator_labels;
    size_t indicator_count;
    const bg_table_schema **tables;
    size_t table_count;
};

/* The Chinese label of an indicator key (地区生产总值 for gdp), or NULL. */
const char *bg_rules_indicator_label(const bg_rules *rules, const char *key, size_t key_length);

#endif
