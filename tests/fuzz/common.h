/* common.h — the rules the fuzz targets load once (the shipped ones). */
#ifndef BG_FUZZ_COMMON_H
#define BG_FUZZ_COMMON_H

#include "extract/extract.h"
#include "paths.h"

#include <stdio.h>
#include <stdlib.h>

static inline bg_rules *bg_fuzz_rules(void)
{
    static bg_rules *rules;
    if (rules)
        return rules;
    char *json = bg_path_join(BG_TEST_SOURCE_DIR, "config/rules/gov_work_report.json");
    char *divisions = bg_path_join(BG_TEST_SOURCE_DIR, "config/rules/divisions.csv");
    bg_problems problems = {0};
    rules = bg_rules_load(json, divisions, NULL, "extract", &problems);
    for (size_t i = 0; i < problems.count; i++)
        fprintf(stderr, "%s\n", problems.items[i]);
    bg_problems_free(&problems);
    free(json);
    free(divisions);
    if (!rules)
        abort();
    return rules;
}

#endif
