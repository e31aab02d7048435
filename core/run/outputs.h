/* outputs.h — what each exporter left behind once the run published: the
 * output's path, its size (for a folder output, the files this run wrote
 * there), and what the plugin says it holds (host describe, ABI 1.2), for
 * the `wrote …` lines a run ends with and the outputs of the JSON summary. */
#ifndef BAOGAO_RUN_OUTPUTS_H
#define BAOGAO_RUN_OUTPUTS_H

#include "run/exporters.h"

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdint.h>

typedef struct bg_output_record {
    char *exporter; /* "exporters[1]" */
    char *plugin;   /* "xlsx" */
    char *path;     /* the output as configured, expanded */
    bool folder;    /* a folder output */
    char **files;   /* the final paths the exporter wrote */
    size_t file_count;
    uint64_t bytes;    /* their sizes, once measured */
    char *description; /* the plugin's words, NULL when it gave none */
    uint64_t rows;     /* rows the exporter received */
} bg_output_record;

typedef struct bg_outputs {
    bg_output_record *items;
    size_t count;
} bg_outputs;

/* Records what x is about to publish (call after its commit, before the
 * files are placed); false when out of memory. */
bool bg_outputs_add(bg_outputs *o, const bg_export *x, uint64_t rows);
/* Sizes every recorded file at its final place (after publishing). */
void bg_outputs_measure(bg_outputs *o);
/* One info line per output: `wrote out/r.xlsx (52 KiB): 8 sheets, 307 rows`;
 * always: shown whatever the level (-q with --summary). */
void bg_outputs_log(const bg_outputs *o, bool always);
/* The outputs as a JSON array for the summary: [{exporter, plugin, path,
 * bytes, files, description, rows}]; NULL when out of memory. */
cJSON *bg_outputs_json(const bg_outputs *o);
void bg_outputs_free(bg_outputs *o);

/* path as a person in the current folder would type it: relative when it
 * lies below the current folder, else as given. malloc'ed, NULL on no memory. */
char *bg_display_path(const char *path);

#endif
