/* outputs.c — the record of what each exporter wrote (outputs.h). */
#define _GNU_SOURCE
#include "run/outputs.h"

#include "log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

char *bg_display_path(const char *path)
{
    char *cwd = getcwd(NULL, 0);
    size_t n = cwd ? strlen(cwd) : 0;
    const char *shown = path;
    if (cwd && path[0] == '/' && n > 1 && strncmp(path, cwd, n) == 0 && path[n] == '/' && path[n + 1])
        shown = path + n + 1;
    free(cwd);
    return strdup(shown);
}

static void record_free(bg_output_record *r)
{
    free(r->exporter);
    free(r->plugin);
    free(r->path);
    for (size_t i = 0; i < r->file_count; i++)
        free(r->files[i]);
    free(r->files);
    free(r->description);
}

bool bg_outputs_add(bg_outputs *o, const bg_export *x, uint64_t rows)
{
    if (!x->ctx)
        return true;
    bg_output_record *grown = realloc(o->items, (o->count + 1) * sizeof *grown);
    if (!grown)
        return false;
    o->items = grown;
    bg_output_record *r = &o->items[o->count];
    const bg_context *ctx = x->ctx;
    *r = (bg_output_record){.exporter = strdup(x->json_path),
                            .plugin = strdup(x->plugin->descriptor.name),
                            .path = strdup(ctx->output_path),
                            .folder = x->plugin->descriptor.output_kind == BG_OUTPUT_DIRECTORY,
                            .files = calloc(ctx->file_count ? ctx->file_count : 1, sizeof *r->files),
                            .description = ctx->description[0] ? strdup(ctx->description) : NULL,
                            .rows = rows};
    bool ok = r->exporter && r->plugin && r->path && r->files && (r->description || !ctx->description[0]);
    /* as bg_export_outputs: only what the plugin wrote is published (the
     * folder's manifest is the host's, not an output to count) */
    for (size_t i = 0; ok && i < ctx->file_count; i++) {
        const char *slash = strrchr(ctx->files[i].final_path, '/');
        if (!strcmp(slash ? slash + 1 : ctx->files[i].final_path, BG_MANIFEST_NAME))
            continue;
        if (ctx->files[i].temp_path && access(ctx->files[i].temp_path, F_OK) == 0)
            ok = (r->files[r->file_count++] = strdup(ctx->files[i].final_path)) != NULL;
    }
    if (!ok) {
        record_free(r);
        return false;
    }
    o->count++;
    return true;
}

void bg_outputs_measure(bg_outputs *o)
{
    for (size_t i = 0; i < o->count; i++) {
        bg_output_record *r = &o->items[i];
        r->bytes = 0;
        for (size_t k = 0; k < r->file_count; k++) {
            struct stat st;
            if (stat(r->files[k], &st) == 0)
                r->bytes += (uint64_t)st.st_size;
        }
    }
}

void bg_outputs_log(const bg_outputs *o, bool always)
{
    for (size_t i = 0; i < o->count; i++) {
        const bg_output_record *r = &o->items[i];
        char size[32], what[64];
        bg_log_format_size(r->bytes, size, sizeof size);
        if (r->folder)
            snprintf(what, sizeof what, "%zu file%s, %s", r->file_count, r->file_count == 1 ? "" : "s", size);
        else
            snprintf(what, sizeof what, "%s", size);
        char rows[48];
        snprintf(rows, sizeof rows, "%llu rows received", (unsigned long long)r->rows);
        char *shown = bg_display_path(r->path);
        size_t length = shown ? strlen(shown) : 0;
        const char *slash = r->folder && length && shown[length - 1] != '/' ? "/" : "";
        cJSON *fields = cJSON_CreateObject();
        cJSON_AddStringToObject(fields, "event", "wrote");
        cJSON_AddStringToObject(fields, "exporter", r->exporter);
        cJSON_AddStringToObject(fields, "plugin", r->plugin);
        cJSON_AddStringToObject(fields, "path", r->path);
        cJSON_AddNumberToObject(fields, "bytes", (double)r->bytes);
        bg_log_fields(BG_LOG_INFO, always, fields, "wrote %s%s (%s): %s", shown ? shown : r->path, slash, what,
                      r->description ? r->description : rows);
        free(shown);
    }
}

cJSON *bg_outputs_json(const bg_outputs *o)
{
    cJSON *array = cJSON_CreateArray();
    for (size_t i = 0; array && i < o->count; i++) {
        const bg_output_record *r = &o->items[i];
        cJSON *item = cJSON_CreateObject();
        if (!item || !cJSON_AddItemToArray(array, item)) {
            cJSON_Delete(item);
            cJSON_Delete(array);
            return NULL;
        }
        cJSON_AddStringToObject(item, "exporter", r->exporter);
        cJSON_AddStringToObject(item, "plugin", r->plugin);
        cJSON_AddStringToObject(item, "path", r->path);
        cJSON_AddNumberToObject(item, "bytes", (double)r->bytes);
        if (r->folder)
            cJSON_AddNumberToObject(item, "files", (double)r->file_count);
        if (r->description)
            cJSON_AddStringToObject(item, "description", r->description);
        else
            cJSON_AddNullToObject(item, "description");
        cJSON_AddNumberToObject(item, "rows", (double)r->rows);
    }
    return array;
}

void bg_outputs_free(bg_outputs *o)
{
    for (size_t i = 0; i < o->count; i++)
        record_free(&o->items[i]);
    free(o->items);
    *o = (bg_outputs){0};
}
