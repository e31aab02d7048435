/* extract.h — from decoded UTF-8 to the rows of one document.
 *
 * bg_rules is the loaded, validated ruleset (config/rules/gov_work_report.json
 * plus the divisions list plus the job's custom rules); it is immutable after
 * loading and shared by all worker threads. bg_extract_document runs the
 * stages in order: normalize (text.h) -> document facts -> outline (headings
 * and parts) -> targets -> commitments -> lists -> keywords -> custom rules,
 * and appends rows to a rowset whose tables are bg_rules_tables().
 */
#ifndef BAOGAO_EXTRACT_H
#define BAOGAO_EXTRACT_H

#include "error.h"
#include "problems.h"
#include "table.h"
#include "text/clean.h"

#include <cjson/cJSON.h>
#include <stdbool.h>

typedef struct bg_rules bg_rules;

/* Loads the ruleset. rules_path: the JSON rules file; divisions_path: the
 * divisions CSV; job_extract: the job config's "extract" object or NULL (its
 * "custom" rules, "tables" selection and "boilerplate" extra patterns),
 * job_extract_path its JSON path ("extract"). Every problem is added to
 * problems, each naming its file or JSON path; returns NULL when there was any. */
bg_rules *bg_rules_load(const char *rules_path, const char *divisions_path, const cJSON *job_extract,
                        const char *job_extract_path, bg_problems *problems);
void bg_rules_free(bg_rules *rules);

/* The tables this ruleset produces (built-in ones selected by the job, then
 * custom tables), in export order. The array lives as long as rules. */
size_t bg_rules_table_count(const bg_rules *rules);
const bg_table_schema *const *bg_rules_tables(const bg_rules *rules);

/* What the source stage knows about a document before extraction. */
typedef struct bg_doc_input {
    const char *doc_id;          /* 16 hex digits */
    const char *source;          /* path or path#row */
    const char *content_hash;    /* 16 hex digits */
    const char *encoding;        /* "utf-8", "gb18030" */
    const char *encoding_reason; /* "bom", "valid utf-8", "meta", "config", "fallback" */
    const char *format;          /* "text", "html", "csv" */
    const char *utf8;            /* decoded text */
    size_t length;
    /* Hints from a CSV container's mapped columns; NULL / 0 when absent. */
    const char *hint_title;
    const char *hint_region;
    int hint_year;
    const char *hint_url;
} bg_doc_input;

/* Extracts one document into out (a rowset made for bg_rules_tables()).
 * Returns BG_E_OK, or an error with msg naming the source. Thread-safe for
 * distinct rowsets. */
bg_error bg_extract_document(const bg_rules *rules, const bg_doc_input *doc, bg_rowset *out, char *msg,
                             size_t msg_size);

/* Cleans and normalizes the text only (for tests and `baogao eval`). */
bg_error bg_rules_normalize(const bg_rules *rules, const char *utf8, size_t length, bg_text *out, char *msg,
                            size_t msg_size);

#endif
