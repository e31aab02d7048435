/* plugin.h — finding, loading and checking exporter plugins, validating their
 * options, and the host side of one open exporter (bg_context): the host API,
 * temporary output files, commit (rename into place) and abort (remove).
 * Built-in exporters load through exactly this path, like third-party ones. */
#ifndef BAOGAO_PLUGIN_H
#define BAOGAO_PLUGIN_H

#include "baogao/exporter.h"
#include "error.h"
#include "problems.h"

#include <cjson/cJSON.h>
#include <stdbool.h>

typedef struct bg_plugin {
    char *path;
    void *handle;
    bg_exporter descriptor; /* copied member-wise up to the plugin's size */
    uint32_t plugin_struct_size;
} bg_plugin;

/* Where plugins are looked for, in order. */
typedef struct bg_plugin_dirs {
    char *dirs[8];
    size_t count;
} bg_plugin_dirs;

/* Fills dirs: plugin_dir (may be NULL), each entry of BAOGAO_PLUGIN_PATH
 * (colon-separated), the install directory, and the build tree's plugins/
 * folder when the program runs from the build tree. */
void bg_plugin_dirs_init(bg_plugin_dirs *dirs, const char *plugin_dir);
void bg_plugin_dirs_free(bg_plugin_dirs *dirs);

/* Loads one file and checks it; on failure returns BG_E_PLUGIN with one line
 * in msg naming the file and the reason. */
bg_error bg_plugin_load_file(const char *path, bg_plugin **out, char *msg, size_t msg_size);
/* Finds NAME.so in dirs (first hit wins) and loads it. */
bg_error bg_plugin_load(const bg_plugin_dirs *dirs, const char *name, bg_plugin **out, char *msg, size_t msg_size);
void bg_plugin_unload(bg_plugin *plugin);

/* Names of the *.so files found in dirs, sorted, without duplicates.
 * Caller frees each and the array. */
char **bg_plugin_names(const bg_plugin_dirs *dirs, size_t *count);

/* Checks an exporter's "options" object against the plugin's declarations;
 * adds one problem per fault, prefixed with json_path ("exporters[0].options"). */
void bg_plugin_validate_options(const bg_plugin *plugin, const cJSON *options, const char *json_path,
                                bg_problems *problems);

/* Runs the plugin's own check of its options (ABI 1.1, when it has one)
 * on a context that is never opened; a refusal is a problem at json_path. */
void bg_plugin_check(const bg_plugin *plugin, const char *output, const cJSON *options, const char *job,
                     const bg_table_schema *const *tables, size_t table_count, const char *json_path,
                     bg_problems *problems);

/* One open exporter, as seen by the host. */
struct bg_context {
    const bg_plugin *plugin;
    const cJSON *options; /* borrowed, may be NULL */
    char *output_path;
    char *job;
    void *state;
    bool opened;
    char message[BG_MESSAGE_MAX];
    struct bg_output_file {
        char *temp_path;
        char *final_path;
    } * files;
    size_t file_count, file_capacity;
    char **kept; /* option strings handed out, freed with the context */
    size_t kept_count;
    double shrink_limit; /* host_api.shrink_limit (1.0 unless the run sets it) */
    char description[BG_MESSAGE_MAX]; /* host_api.describe: what the output holds, or "" */
};

/* The host API table handed to every plugin. */
const bg_host_api *bg_host_api_get(void);

bg_context *bg_context_new(const bg_plugin *plugin, const char *output_path, const cJSON *options, const char *job);
/* Renames every temporary output into place (after all exporters committed). */
bg_error bg_context_publish(bg_context *ctx, char *msg, size_t msg_size);
/* Removes every temporary output that still exists. */
void bg_context_discard(bg_context *ctx);
void bg_context_free(bg_context *ctx);

#endif
