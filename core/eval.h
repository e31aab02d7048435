/* eval.h — measuring extraction against hand-coded gold (format baogao-gold/1,
 * see tests/gold/README.md; read and checked by gold.h): targets precision and recall, per-field
 * accuracy of matched targets, recall of must-find commitments, precision
 * of commitments over a sample of rows judged by hand, lists,
 * sections, document facts, and boilerplate that must be gone. Used by
 * `baogao eval` and by the accuracy tests. */
#ifndef BAOGAO_EVAL_H
#define BAOGAO_EVAL_H

#include "config.h"
#include "error.h"
#include "extract/extract.h"

#include <stdbool.h>
#include <stdio.h>

/* A threshold below 0 (BG_EVAL_NONE) is not set: its figures are printed
 * without a verdict. When none is set, the report has no verdict at all. A
 * figure of an empty category (nothing in the gold for it) is "n/a" and
 * never compared. */
#define BG_EVAL_NONE (-1.0)

typedef struct bg_eval_thresholds {
    double min_precision; /* targets precision */
    double min_recall;    /* targets recall, and recall of every other gold list */
    double min_field;     /* accuracy of each target field and each meta field */
    bool verbose;         /* print every miss and extra */
} bg_eval_thresholds;

/* Where the gold documents without a "text" of their own are read from,
 * with the same code a run reads its sources with. A gold key names a
 * document by its `source` name (a corpus record as file#row) or by the
 * trailing part of it ("a.txt" for "reports/2023/a.txt"); an exact name
 * wins, two equally good matches are an error. */
typedef struct bg_eval_documents {
    const bg_config *job; /* the job's sources: files, folders, globs, corpora, encodings */
    const char *folder;   /* without a job: this folder and its subfolders (NULL: the gold file's) */
    size_t max_bytes;     /* a larger document fails; 0: no limit */
} bg_eval_documents;

/* The figures of one run, for callers that check them (tests). */
typedef struct bg_eval_score {
    size_t targets_gold, targets_found, targets_matched;
    size_t outcomes_gold, outcomes_found, outcomes_matched; /* documents whose gold has "outcomes" */
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
    double worst_field; /* lowest per-field accuracy (1 when none) */
} bg_eval_score;

/* Extracts every document of gold (as read by bg_gold_read from gold_path)
 * — its "text", else the document docs names — and prints per-table and
 * per-field figures to report (NULL: print nothing), then PASS or FAIL when
 * a threshold is set. *passed is 0 when a figure falls below its threshold,
 * else 1; *score (may be NULL) gets the figures. Returns BG_E_IO when a
 * document cannot be found or read, with msg naming its key. */
bg_error bg_eval_gold(const bg_rules *rules, const char *gold_path, const cJSON *gold, const bg_eval_documents *docs,
                      const bg_eval_thresholds *th, FILE *report, int *passed, bg_eval_score *score, char *msg,
                      size_t n);

/* Reads and checks the gold file (BG_E_GOLD with its first problem in msg,
 * BG_E_IO when unreadable) and scores it with the documents of docs_dir and
 * its subfolders (NULL: the gold file's folder). */
bg_error bg_eval_run(const bg_rules *rules, const char *gold_path, const char *docs_dir, const bg_eval_thresholds *th,
                     FILE *report, int *passed, char *msg, size_t n);
/* As bg_eval_run, also filling *score (may be NULL). */
bg_error bg_eval_run_scored(const bg_rules *rules, const char *gold_path, const char *docs_dir,
                            const bg_eval_thresholds *th, FILE *report, int *passed, bg_eval_score *score, char *msg,
                            size_t n);

/* Whether th sets any threshold (else no verdict is printed). */
bool bg_eval_has_thresholds(const bg_eval_thresholds *th);

/* Adds the figures of one gold file to a running total. */
void bg_eval_score_add(bg_eval_score *total, const bg_eval_score *one);
/* Prints the combined figures of several gold files. */
void bg_eval_print_total(const bg_eval_score *total, size_t files, FILE *report);

#endif
