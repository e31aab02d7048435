/* exporters.h — one exporter's lifecycle as the host drives it: open and
 * begin every table, per document begin_document and its rows, end every
 * table and finish, then close exactly once (commit or abort), its
 * temporary outputs handed to publishing or removed. Every failure becomes
 * one message naming the exporter, its plugin and output, and the table,
 * row and document. Used by the run and by the plugin tests' harness. */
#ifndef BAOGAO_RUN_EXPORTERS_H
#define BAOGAO_RUN_EXPORTERS_H

#include "error.h"
#include "run/plugin.h"
#include "run/publish.h"

#include <stdbool.h>

typedef struct bg_export {
    const bg_plugin *plugin;
    char json_path[64]; /* "exporters[1]", for messages */
    bg_context *ctx;
    bg_status status; /* the plugin's answer to the last call (BG_OK, or why it failed) */
    bool closed;
    char **stale; /* folder outputs: files the last run wrote and this one did not */
    size_t stale_count;
} bg_export;

/* The file in a folder output that lists what the exporter wrote there. */
#define BG_MANIFEST_NAME ".baogao-manifest"

/* Creates the context (output already expanded; shrink_limit for
 * host_api.shrink_limit) and opens the exporter, then begins every table. BG_E_EXPORT (or NOMEM) with msg on failure; the
 * export must be freed with bg_export_free either way. */
bg_error bg_export_open(bg_export *x, const bg_plugin *plugin, const char *json_path, const char *output,
                        const cJSON *options, const char *job, double shrink_limit, const bg_table_schema *const *tables,
                        size_t table_count, char *msg, size_t msg_size);
bg_error bg_export_document(bg_export *x, const bg_document_info *document, char *msg, size_t msg_size);
/* source: the document's source, for messages. */
bg_error bg_export_row(bg_export *x, const bg_table_schema *table, const bg_cell *cells, size_t row,
                       const char *source, char *msg, size_t msg_size);
/* end_table for every table, then finish (summary may be NULL). */
bg_error bg_export_end(bg_export *x, const bg_table_schema *const *tables, size_t table_count,
                       const bg_run_summary *summary, char *msg, size_t msg_size);
/* close(commit = 1): the plugin flushes its files for publishing. */
bg_error bg_export_commit(bg_export *x, char *msg, size_t msg_size);
/* Adds the exporter's written temporary files to p. A folder output also
 * gets its manifest (BG_MANIFEST_NAME: the names written), and the files the
 * previous manifest lists that this run did not write are added as removals
 * (set aside with the rest, deleted at the commit, put back on rollback);
 * a file the manifest does not list is never touched. BG_E_IO or NOMEM
 * with msg on failure. */
bg_error bg_export_outputs(bg_export *x, bg_publish *p, char *msg, size_t msg_size);
/* Aborts when not closed yet (close(commit = 0)), removes the temporary
 * files that remain, frees the context. */
void bg_export_free(bg_export *x);

#endif
