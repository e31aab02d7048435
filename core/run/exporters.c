/* exporters.c — the exporter lifecycle on the host side (exporters.h). */
#include "run/exporters.h"

#include "log.h"
#include "paths.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <stdio.h>
#include <string.h>
#include <unistd.h>

static bg_error failed(bg_export *x, const char *what, char *msg, size_t msg_size)
{
    return bg_fail(msg, msg_size, BG_E_EXPORT, "exporter %s (plugin %s, output %s): %s: %s", x->json_path,
                   x->plugin->descriptor.name, x->ctx ? x->ctx->output_path : "?", what,
                   x->ctx && x->ctx->message[0] ? x->ctx->message : "failed without a message");
}

bg_error bg_export_open(bg_export *x, const bg_plugin *plugin, const char *json_path, const char *output,
                        const cJSON *options, const char *job, double shrink_limit, const bg_table_schema *const *tables,
                        size_t table_count, char *msg, size_t msg_size)
{
    memset(x, 0, sizeof *x);
    x->plugin = plugin;
    snprintf(x->json_path, sizeof x->json_path, "%s", json_path);
    x->ctx = bg_context_new(plugin, output, options, job);
    if (!x->ctx)
        return bg_fail(msg, msg_size, BG_E_NOMEM, "%s: out of memory", json_path);
    x->ctx->shrink_limit = shrink_limit;
    const bg_exporter *d = &plugin->descriptor;
    x->ctx->message[0] = '\0';
    if ((x->status = d->open(x->ctx, &x->ctx->state)) != BG_OK) {
        x->closed = true; /* close runs only after a successful open */
        return failed(x, "open", msg, msg_size);
    }
    x->ctx->opened = true;
    for (size_t t = 0; t < table_count; t++)
        if ((x->status = d->begin_table(x->ctx, x->ctx->state, tables[t])) != BG_OK) {
            char what[128];
            snprintf(what, sizeof what, "begin table %s", tables[t]->name);
            return failed(x, what, msg, msg_size);
        }
    return BG_E_OK;
}

bg_error bg_export_document(bg_export *x, const bg_document_info *document, char *msg, size_t msg_size)
{
    const bg_exporter *d = &x->plugin->descriptor;
    if (!d->begin_document || (x->status = d->begin_document(x->ctx, x->ctx->state, document)) == BG_OK)
        return BG_E_OK;
    char what[512];
    snprintf(what, sizeof what, "document %s (%s)", document->doc_id, document->source);
    return failed(x, what, msg, msg_size);
}

bg_error bg_export_row(bg_export *x, const bg_table_schema *table, const bg_cell *cells, size_t row,
                       const char *source, char *msg, size_t msg_size)
{
    if ((x->status = x->plugin->descriptor.write_row(x->ctx, x->ctx->state, table, cells)) == BG_OK)
        return BG_E_OK;
    char what[512];
    int doc = -1;
    for (size_t c = 0; c < table->column_count; c++)
        if (!strcmp(table->columns[c].name, "doc_id"))
            doc = (int)c;
    if (doc >= 0 && cells[doc].type == BG_TYPE_TEXT)
        snprintf(what, sizeof what, "table %s, row %zu of doc %.*s (%s)", table->name, row,
                 (int)cells[doc].as.text.length, cells[doc].as.text.data, source ? source : "?");
    else
        snprintf(what, sizeof what, "table %s, row %zu (%s)", table->name, row, source ? source : "?");
    return failed(x, what, msg, msg_size);
}

bg_error bg_export_end(bg_export *x, const bg_table_schema *const *tables, size_t table_count,
                       const bg_run_summary *summary, char *msg, size_t msg_size)
{
    const bg_exporter *d = &x->plugin->descriptor;
    for (size_t t = 0; t < table_count; t++)
        if ((x->status = d->end_table(x->ctx, x->ctx->state, tables[t])) != BG_OK) {
            char what[128];
            snprintf(what, sizeof what, "end table %s", tables[t]->name);
            return failed(x, what, msg, msg_size);
        }
    if (summary && d->finish && (x->status = d->finish(x->ctx, x->ctx->state, summary)) != BG_OK)
        return failed(x, "finish", msg, msg_size);
    return BG_E_OK;
}

bg_error bg_export_commit(bg_export *x, char *msg, size_t msg_size)
{
    x->ctx->message[0] = '\0';
    bg_status s = x->status = x->plugin->descriptor.close(x->ctx, x->ctx->state, 1);
    x->closed = true;
    return s == BG_OK ? BG_E_OK : failed(x, "commit", msg, msg_size);
}

/* Whether this run writes a file called name in the folder. */
static bool written(const bg_context *ctx, const char *name)
{
    for (size_t i = 0; i < ctx->file_count; i++) {
        const char *slash = strrchr(ctx->files[i].final_path, '/');
        const char *base = slash ? slash + 1 : ctx->files[i].final_path;
        if (ctx->files[i].temp_path && !strcmp(base, name) && access(ctx->files[i].temp_path, F_OK) == 0)
            return true;
    }
    return false;
}

/* The previous manifest's names that this run does not write and that are
 * still plain files there become x->stale. */
static bg_error find_stale(bg_export *x, const char *manifest_path, char *msg, size_t msg_size)
{
    FILE *in = fopen(manifest_path, "r");
    if (!in)
        return errno == ENOENT ? BG_E_OK
                               : bg_fail(msg, msg_size, BG_E_IO, "%s: cannot read: %s", manifest_path, strerror(errno));
    char line[1024];
    bg_error err = BG_E_OK;
    while (err == BG_E_OK && fgets(line, sizeof line, in)) {
        line[strcspn(line, "\r\n")] = '\0';
        /* only plain names the exporter could have asked for, never a path */
        if (!line[0] || line[0] == '#' || strchr(line, '/') || !strcmp(line, ".") || !strcmp(line, "..") ||
            !strcmp(line, BG_MANIFEST_NAME) || written(x->ctx, line))
            continue;
        char *path = bg_path_join(x->ctx->output_path, line);
        struct stat st;
        if (!path || lstat(path, &st) != 0 || !S_ISREG(st.st_mode)) {
            free(path);
            continue;
        }
        char **grown = realloc(x->stale, (x->stale_count + 1) * sizeof *grown);
        if (!grown) {
            free(path);
            err = bg_fail(msg, msg_size, BG_E_NOMEM, "out of memory");
            break;
        }
        x->stale = grown;
        x->stale[x->stale_count++] = path;
    }
    fclose(in);
    return err;
}

/* Writes the new manifest to a temporary file of the context (published
 * with the rest): the names this run writes, sorted as they were asked for. */
static bg_error write_manifest(bg_export *x, char *msg, size_t msg_size)
{
    const char *temp = bg_host_api_get()->output_file(x->ctx, BG_MANIFEST_NAME);
    if (!temp)
        return bg_fail(msg, msg_size, BG_E_IO, "%s: %s", x->ctx->output_path, x->ctx->message);
    FILE *out = fopen(temp, "w");
    if (!out)
        return bg_fail(msg, msg_size, BG_E_IO, "%s: cannot write: %s", temp, strerror(errno));
    fprintf(out,
            "# baogao: the files %s (plugin %s) wrote to this folder in its last run.\n"
            "# The next run removes a file listed here that it no longer writes; other files are never touched.\n",
            x->json_path, x->plugin->descriptor.name);
    for (size_t i = 0; i < x->ctx->file_count; i++) {
        const struct bg_output_file *f = &x->ctx->files[i];
        const char *slash = strrchr(f->final_path, '/');
        const char *base = slash ? slash + 1 : f->final_path;
        if (f->temp_path && strcmp(base, BG_MANIFEST_NAME) && access(f->temp_path, F_OK) == 0)
            fprintf(out, "%s\n", base);
    }
    if (fflush(out) != 0 || ferror(out) || fsync(fileno(out)) != 0) {
        int e = errno;
        fclose(out);
        return bg_fail(msg, msg_size, BG_E_IO, "%s: cannot write: %s", temp, strerror(e));
    }
    if (fclose(out) != 0)
        return bg_fail(msg, msg_size, BG_E_IO, "%s: cannot write: %s", temp, strerror(errno));
    return BG_E_OK;
}

bg_error bg_export_outputs(bg_export *x, bg_publish *p, char *msg, size_t msg_size)
{
    if (!x->ctx)
        return BG_E_OK;
    if (x->plugin->descriptor.output_kind == BG_OUTPUT_DIRECTORY) {
        char *manifest = bg_path_join(x->ctx->output_path, BG_MANIFEST_NAME);
        if (!manifest)
            return bg_fail(msg, msg_size, BG_E_NOMEM, "out of memory");
        bg_error err = find_stale(x, manifest, msg, msg_size);
        free(manifest);
        if (err == BG_E_OK)
            err = write_manifest(x, msg, msg_size);
        if (err != BG_E_OK)
            return err;
    }
    for (size_t i = 0; i < x->ctx->file_count; i++) {
        const struct bg_output_file *f = &x->ctx->files[i];
        /* the plugin may have asked for a path and written nothing there */
        if (f->temp_path && access(f->temp_path, F_OK) == 0 && !bg_publish_add(p, f->temp_path, f->final_path))
            return bg_fail(msg, msg_size, BG_E_NOMEM, "out of memory");
    }
    for (size_t i = 0; i < x->stale_count; i++)
        if (!bg_publish_add(p, NULL, x->stale[i]))
            return bg_fail(msg, msg_size, BG_E_NOMEM, "out of memory");
    return BG_E_OK;
}

void bg_export_free(bg_export *x)
{
    if (!x->ctx)
        return;
    if (x->ctx->opened && !x->closed) {
        x->ctx->message[0] = '\0';
        if (x->plugin->descriptor.close(x->ctx, x->ctx->state, 0) != BG_OK)
            bg_warn("exporter %s (plugin %s): abort failed: %s", x->json_path, x->plugin->descriptor.name,
                    x->ctx->message);
        x->closed = true;
    }
    bg_context_discard(x->ctx);
    bg_context_free(x->ctx);
    x->ctx = NULL;
    for (size_t i = 0; i < x->stale_count; i++)
        free(x->stale[i]);
    free(x->stale);
    x->stale = NULL;
    x->stale_count = 0;
}
