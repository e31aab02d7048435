/* eval.h — measuring extraction against hand-coded gold (format baogao-gold/1,
 * see ../shared/gold/README.md): targets precision and recall, per-field
 * accuracy of matched targets, recall of must-find commitments, precision
 * of commitments over a sample of rows judged by hand, lists,
 * sections, document facts, and boilerplate that must be gone. Used by
 * `baogao eval` and by the accuracy tests. */
#ifndef BAOGAO_EVAL_H
#define BAOGAO_EVAL_H

#include "error.h"
#include "extract/extract.h"

#include <stdbool.h>
#include <stdio.h>

typedef struct bg_eval_thresholds {
    double min_precision; /* targets precision */
    double min_recall;    /* targets recall, and recall of every other gold list */
    double min_field;     /* accuracy of each target field and each meta field */
    bool verbose;         /* print every miss and extra */
} bg_eval_thresholds;

/* The figures of one run, for callers that check them (tests). */
typedef struct bg_eval_score {
    size_t targets_gold, targets_found, targets_matched;
    size_t commitments_gold, commitments_matched;
    size_t review_gold, review_matched;
    size_t lists_gold, lists_matched;
    size_t sections_gold, sections_matched;
    size_t meta_gold, meta_matched;
    size_t boilerplate_gold, boilerplate_absent;
    size_t field_total, field_correct; /* over all target fields the gold gives */
    /* commitments_judged: a sample of rows judged by hand; `current` are
     * still produced exactly as judged, `correct` of them judged correct;
     * `changed` are produced with other fields (to judge again), `gone` no
     * longer produced, `lost` of those judged correct */
    size_t judged_sample, judged_current, judged_correct, judged_changed, judged_gone, judged_lost;
    double worst_field;                /* lowest per-field accuracy (1 when none) */
} bg_eval_score;

/* Extracts every document the gold file names (its "text", else the file
 * docs_dir/<key>, decoded like a source) and prints per-table and per-field
 * figures to report (NULL: print nothing). *passed is 1 when every figure
 * meets th. Returns BG_E_IO / BG_E_GOLD with msg naming the file or key. */
bg_error bg_eval_run(const bg_rules *rules, const char *gold_path, const char *docs_dir, const bg_eval_thresholds *th,
                     FILE *report, int *passed, char *msg, size_t n);
/* As bg_eval_run, also filling *score (may be NULL). */
bg_error bg_eval_run_scored(const bg_rules *rules, const char *gold_path, const char *docs_dir,
                            const bg_eval_thresholds *th, FILE *report, int *passed, bg_eval_score *score, char *msg,
                            size_t n);

/* Adds the figures of one gold file to a running total. */
void bg_eval_score_add(bg_eval_score *total, const bg_eval_score *one);
/* Prints the combined figures of several gold files. */
void bg_eval_print_total(const bg_eval_score *total, size_t files, FILE *report);

#endif
