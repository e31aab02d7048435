/* harness.h — drives one exporter plugin through the real host code
 * without the rest of the pipeline, for plugin tests: the plugin loader
 * (core/run/plugin.c) and the exporter lifecycle the run uses
 * (core/run/exporters.c: open and begin every table, documents and rows, end
 * and finish, commit or abort, close exactly once). Messages are the run's:
 * the exporter, its plugin and output, what failed, the plugin's words. */
#ifndef BG_TEST_HARNESS_H
#define BG_TEST_HARNESS_H

#include "baogao/exporter.h"
#include "run/exporters.h"
#include "run/plugin.h"

typedef struct bg_harness {
    bg_plugin *plugin;
    cJSON *options;
    char *output;
    bg_export export;
    bg_context *ctx; /* the export's, once begun */
    size_t rows[64]; /* per table index: rows written, for messages */
    char message[1024];
} bg_harness;

/* Path of a built plugin: BUILD/plugins/NAME.so (static buffer). */
const char *harness_plugin_path(const char *name);
/* Loads the plugin, parses options_json (may be NULL), validates options.
 * Returns 0 or an error with h->message set. */
int harness_load(bg_harness *h, const char *plugin_path, const char *output_path, const char *options_json);
/* open + begin_table for each schema. */
int harness_begin(bg_harness *h, size_t table_count, const bg_table_schema *const *schemas);
int harness_document(bg_harness *h, const char *doc_id, const char *source);
/* begin_document with a full document info (identity members included). */
int harness_document_info(bg_harness *h, const bg_document_info *info);
int harness_row(bg_harness *h, const bg_table_schema *schema, const bg_cell *cells);
/* end_table for each, finish (summary may be NULL), close(commit) and, when
 * committed, publish the temporary files. */
int harness_end(bg_harness *h, size_t table_count, const bg_table_schema *const *schemas, const bg_run_summary *summary,
                int commit);
void harness_free(bg_harness *h);

/* Cell constructors for tests. */
bg_cell cell_text(const char *s);
bg_cell cell_int(int64_t v);
bg_cell cell_real(double v);
bg_cell cell_null(void);
bg_cell cell_date(int y, int m, int d);

/* Builds a small two-document sample through every built-in table and a run
 * summary; used by several plugin tests. */
int harness_write_sample(bg_harness *h);
/* The same sample with another run_id, writing only the documents whose bit
 * is set in doc_mask (bit 0: document a, bit 1: document b); the summary's
 * counts and sources cover only those. */
int harness_write_sample_docs(bg_harness *h, const char *run_id, unsigned doc_mask);

/* Reads a file into a malloc'ed NUL-terminated string (NULL when missing). */
char *harness_read(const char *path);
/* A fresh empty temporary folder (malloc'ed path). */
char *harness_tempdir(void);

#endif
