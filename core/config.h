/* config.h — the job config: one JSON file read with cJSON, validated before
 * any work, every problem reported at once with its JSON path. Relative paths
 * resolve against the config file's folder so cron can run it from anywhere. */
#ifndef BAOGAO_CONFIG_H
#define BAOGAO_CONFIG_H

#include "error.h"
#include "problems.h"

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <time.h>

typedef struct bg_source_config {
    char *json_path; /* "sources[0]" */
    char *path;      /* resolved file, folder or glob */
    bool is_glob;
    bool recursive; /* folders: descend into subfolders */
    char **include; /* globs on the file name; NULL = defaults */
    size_t include_count;
    char **exclude;
    size_t exclude_count;
    char *encoding;                                                /* auto | utf-8 | gb18030 */
    char *format;      /* auto | text | html | csv | jsonl */
    char *text_column; /* csv: column holding the report text */
    char *text_field;  /* jsonl: field holding the report text (a.b: nested) */
    char *title_column, *region_column, *year_column, *url_column; /* csv columns, jsonl fields: optional */
    char *delimiter;                                               /* csv: one character, default "," */
} bg_source_config;

typedef struct bg_exporter_config {
    char *json_path;       /* "exporters[1]" */
    char *plugin;          /* plugin name */
    char *output_template; /* resolved, still with {job} and strftime fields */
    cJSON *options;        /* owned; NULL when absent */
} bg_exporter_config;

typedef struct bg_config {
    char *path;        /* the config file */
    char *dir;         /* its folder */
    char *config_hash; /* XXH3-64 of its bytes, hex */
    char *job;
    bg_source_config *sources;
    size_t source_count;
    bg_exporter_config *exporters;
    size_t exporter_count;
    char *plugin_dir;     /* resolved or NULL */
    char *lock_path;      /* resolved */
    char *state_path;     /* resolved */
    char *cache_path;     /* resolved; NULL: "cache": false */
    int jobs;             /* worker threads */
    char *rules_path;     /* resolved; default: the data folder's rules */
    char *divisions_path; /* resolved; default: the data folder's list */
    cJSON *extract;       /* owned copy of the "extract" object, or NULL */
    /* guard: a run that sees far fewer documents than the last successful
     * one publishes nothing (a share not mounted, an include that matches
     * nothing) */
    struct bg_guard_config {
        long min_documents; /* fewer: refused (default 1) */
        double max_drop;    /* a drop by more than this fraction of the last run's documents: refused (0.5) */
        bool allow_shrink;  /* publish anyway (also --allow-shrink) */
    } guard;
    /* limits per source: no one input may take the run down */
    struct bg_limits_config {
        size_t document_bytes;       /* a larger file fails (default 256 MiB) */
        double seconds_per_document; /* extraction of one document (default 120 s) */
        size_t rows_per_document;    /* rows of one document over every table (default 1,000,000) */
    } limits;
} bg_config;

/* Reads and checks the config's shape (keys, types, values, paths). Problems
 * are added to `problems`. Returns the config read so far even when there
 * were problems (its faulty members NULL or defaults), so that plugins and
 * rules can be checked too and every problem reported at once; NULL only when
 * the file cannot be read or is not a JSON object. */
bg_config *bg_config_read(const char *path, bg_problems *problems);
/* As bg_config_read, from the config's bytes (path names it and gives the
 * folder relative paths resolve against). */
bg_config *bg_config_parse(const char *bytes, size_t size, const char *path, bg_problems *problems);
/* As bg_config_read, but NULL when there was any problem. */
bg_config *bg_config_load(const char *path, bg_problems *problems);
void bg_config_free(bg_config *config);

/* A config with defaults for ad-hoc use (`baogao extract`): no sources or
 * exporters, default rules. */
bg_config *bg_config_default(void);

/* "a string", "an array" … for messages about a JSON value of the wrong kind. */
const char *bg_json_kind(const cJSON *v);
/* The value as short JSON text ("yes", 7), else its kind, for "got …". */
void bg_json_describe(const cJSON *v, char *buf, size_t n);

/* Expands {job} and strftime fields (%Y%m%d …) of an output template. */
char *bg_config_expand_output(const char *template_path, const char *job, time_t when);
/* Checks a template's placeholders: {job} and the strftime fields of
 * bg_config_expand_output; adds one problem per unknown one at json_path. */
void bg_config_check_template(const char *template_path, const char *json_path, bg_problems *problems);

#endif
