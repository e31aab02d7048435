/* json.c — the JSON exporter. By default one document:
 *   {"job": ..., "generated_at": "2024-03-01T08:00:00Z", "baogao_version": ...,
 *    "tables": {"<table>": [{"<column>": value, ...}, ...], ...}, "summary": {...}}
 * with every table present (an empty array when it has no rows), in begin
 * order, and "summary" when the host hands one to finish(). With option lines,
 * JSON Lines instead: one object per row, "table" first, in arrival order.
 *
 * Rows of different tables arrive interleaved, so the document is never built
 * in memory: each table's rows are serialized as they come into an anonymous
 * tmpfile() spool, and close(commit) streams the spools in table order into
 * the output. A row is built with cJSON and printed unformatted (cJSON writes
 * UTF-8 as is, escaping only " \ and control characters). Numbers are
 * formatted here under a "C" locale object and inserted raw, so the decimal
 * point is '.' whatever the process locale: integers exact, reals as the
 * shortest of %.15g/%.16g/%.17g that reads back the same double. NULL is null,
 * a date "YYYY-MM-DD".
 *
 * Options: lines (default false), pretty (default false: two-space indent, one
 * row per line; ignored with lines, whose rows must each stay on one line). */
#include "baogao/exporter.h"
#include "numbers.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <inttypes.h>
#include <locale.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const bg_host_api *host;

static const bg_option_spec json_options[] = {
    {"lines", BG_OPTION_BOOL, "false", NULL, "JSON Lines: one object per row with a \"table\" member, no envelope"},
    {"pretty", BG_OPTION_BOOL, "false", NULL, "indent the document by two spaces, one row per line"},
};

typedef struct json_table {
    char *name;
    FILE *spool; /* the table's rows, comma-separated; NULL in lines mode */
    uint64_t rows;
    /* One row object built once: per row its values are pointed at the
     * row's texts and numbers (cJSON_IsReference: never freed by cJSON) and
     * it is printed into the state's buffer, so a row costs no allocation. */
    cJSON *row;
    cJSON **values;      /* per column, members of row */
    char (*numbers)[40]; /* per column: a number or a date as text */
    size_t column_count;
} json_table;

typedef struct json_state {
    bool lines;
    bool pretty;
    char *path; /* copy of the host's temporary path, for messages */
    FILE *out;
    char generated_at[32];
    locale_t c_locale; /* numbers are formatted under it, never the process's */
    json_table *tables;
    size_t table_count, table_capacity;
    cJSON *summary; /* built by finish, written at close; NULL until then */
    char *scratch;  /* a row's text cells, each with its NUL, for cJSON */
    size_t scratch_size;
    char *printed; /* a printed row */
    size_t printed_size;
} json_state;

static void iso_time(int64_t seconds, char *buf, size_t size)
{
    time_t t = (time_t)seconds;
    struct tm tm;
    if (!gmtime_r(&t, &tm) || !strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm))
        snprintf(buf, size, "%" PRId64, seconds);
}

/* Open ---------------------------------------------------------------------- */

static bg_status json_open(bg_context *ctx, void **state_out)
{
    json_state *state = calloc(1, sizeof *state);
    if (!state)
        return host->fail(ctx, BG_ERR_NOMEM, "out of memory");
    state->lines = host->option_bool(ctx, "lines");
    state->pretty = host->option_bool(ctx, "pretty") && !state->lines;
    if (state->lines && host->option_bool(ctx, "pretty"))
        host->log(ctx, BG_LOG_WARN, "option pretty is ignored with lines (each row stays on one line)");
    iso_time((int64_t)time(NULL), state->generated_at, sizeof state->generated_at);
    state->c_locale = newlocale(LC_ALL_MASK, "C", (locale_t)0);
    if (state->c_locale == (locale_t)0) {
        free(state);
        return host->fail(ctx, BG_ERR_INTERNAL, "cannot create a C locale: %s", strerror(errno));
    }
    const char *path = host->output_file(ctx, NULL);
    if (!path) {
        freelocale(state->c_locale);
        free(state);
        return BG_ERR_IO; /* the host has said why */
    }
    state->path = strdup(path);
    state->out = fopen(path, "wb");
    if (!state->path || !state->out) {
        int e = errno;
        if (state->out)
            fclose(state->out);
        free(state->path);
        freelocale(state->c_locale);
        free(state);
        return host->fail(ctx, BG_ERR_IO, "%s: cannot create: %s", path, strerror(e));
    }
    *state_out = state;
    return BG_OK;
}

/* Tables -------------------------------------------------------------------- */

static json_table *find_table(json_state *state, const bg_table_schema *schema)
{
    if (schema->index < state->table_count && strcmp(state->tables[schema->index].name, schema->name) == 0)
        return &state->tables[schema->index];
    for (size_t i = 0; i < state->table_count; i++)
        if (strcmp(state->tables[i].name, schema->name) == 0)
            return &state->tables[i];
    return NULL;
}

static bg_status json_begin_table(bg_context *ctx, void *state_ptr, const bg_table_schema *schema)
{
    json_state *state = state_ptr;
    if (state->table_count == state->table_capacity) {
        size_t capacity = state->table_capacity ? state->table_capacity * 2 : 8;
        json_table *grown = realloc(state->tables, capacity * sizeof *grown);
        if (!grown)
            return host->fail(ctx, BG_ERR_NOMEM, "table %s: out of memory", schema->name);
        state->tables = grown;
        state->table_capacity = capacity;
    }
    json_table *table = &state->tables[state->table_count];
    memset(table, 0, sizeof *table);
    table->name = strdup(schema->name);
    if (!table->name)
        return host->fail(ctx, BG_ERR_NOMEM, "table %s: out of memory", schema->name);
    state->table_count++;
    table->column_count = schema->column_count;
    table->row = cJSON_CreateObject();
    table->values = calloc(schema->column_count + 1, sizeof *table->values);
    table->numbers = calloc(schema->column_count + 1, sizeof *table->numbers);
    if (!table->row || !table->values || !table->numbers ||
        (state->lines && !cJSON_AddItemToObject(table->row, "table", cJSON_CreateStringReference(table->name))))
        return host->fail(ctx, BG_ERR_NOMEM, "table %s: out of memory", schema->name);
    for (size_t c = 0; c < schema->column_count; c++) {
        table->values[c] = cJSON_CreateNull();
        if (!table->values[c] || !cJSON_AddItemToObject(table->row, schema->columns[c].name, table->values[c])) {
            cJSON_Delete(table->values[c]);
            table->values[c] = NULL;
            return host->fail(ctx, BG_ERR_NOMEM, "table %s: out of memory", schema->name);
        }
    }
    if (!state->lines) {
        table->spool = tmpfile();
        if (!table->spool)
            return host->fail(ctx, BG_ERR_IO, "table %s: cannot create a temporary spool file: %s", schema->name,
                              strerror(errno));
    }
    return BG_OK;
}

/* Rows ---------------------------------------------------------------------- */

static bool grow(char **buffer, size_t *size, size_t needed)
{
    if (needed <= *size)
        return true;
    size_t capacity = *size ? *size : 256;
    while (capacity < needed)
        capacity *= 2;
    char *grown = realloc(*buffer, capacity);
    if (!grown)
        return false;
    *buffer = grown;
    *size = capacity;
    return true;
}

static void set_value(cJSON *item, int type, char *text)
{
    item->type = type | (text ? cJSON_IsReference : 0);
    item->valuestring = text;
}

/* One row as a one-line JSON object into state->printed. */
static bg_status print_row(bg_context *ctx, json_state *state, const bg_table_schema *schema, json_table *table,
                           const bg_cell *cells, uint64_t row)
{
    /* the texts first, each with its NUL, then the pointers (the buffer may move) */
    size_t text_bytes = 0;
    for (size_t c = 0; c < table->column_count; c++)
        if (cells[c].type == BG_TYPE_TEXT)
            text_bytes += cells[c].as.text.length + 1;
    if (!grow(&state->scratch, &state->scratch_size, text_bytes + 1))
        return host->fail(ctx, BG_ERR_NOMEM, "table %s, row %" PRIu64 ": out of memory", schema->name, row);
    size_t used = 0;
    for (size_t c = 0; c < table->column_count; c++) {
        const bg_cell *cell = &cells[c];
        cJSON *item = table->values[c];
        char *number = table->numbers[c];
        switch (cell->type) {
        case BG_TYPE_NULL: set_value(item, cJSON_NULL, NULL); break;
        case BG_TYPE_INTEGER:
            bg_plugin_format_integer(cell->as.integer, number);
            set_value(item, cJSON_Raw, number);
            break;
        case BG_TYPE_REAL:
            if (!bg_plugin_format_real(state->c_locale, cell->as.real, number, sizeof table->numbers[c]))
                return host->fail(ctx, BG_ERR_FORMAT, "table %s, row %" PRIu64 ", column %s: not a finite number",
                                  schema->name, row, schema->columns[c].name);
            set_value(item, cJSON_Raw, number);
            break;
        case BG_TYPE_TEXT: {
            char *text = state->scratch + used;
            if (cell->as.text.length)
                memcpy(text, cell->as.text.data, cell->as.text.length);
            text[cell->as.text.length] = '\0';
            used += cell->as.text.length + 1;
            set_value(item, cJSON_String, text);
            break;
        }
        case BG_TYPE_DATE:
            snprintf(number, sizeof table->numbers[c], "%04d-%02d-%02d", (int)cell->as.date.year,
                     (int)cell->as.date.month, (int)cell->as.date.day);
            set_value(item, cJSON_String, number);
            break;
        }
    }
    /* at most 6 bytes per text byte (\u00XX), the numbers, the names */
    size_t estimate = text_bytes * 6 + table->column_count * 80 + 256;
    bool printed = false;
    while (!printed) {
        if (estimate > INT32_MAX || !grow(&state->printed, &state->printed_size, estimate))
            return host->fail(ctx, BG_ERR_NOMEM, "table %s, row %" PRIu64 ": out of memory", schema->name, row);
        printed = cJSON_PrintPreallocated(table->row, state->printed, (int)state->printed_size, false);
        estimate = state->printed_size * 2;
    }
    return BG_OK;
}

/* Points the row object's values at nothing again, so cJSON_Delete frees
 * only what it made. */
static void free_row(json_table *table)
{
    for (size_t c = 0; table->values && c < table->column_count; c++)
        if (table->values[c])
            set_value(table->values[c], cJSON_NULL, NULL);
    cJSON_Delete(table->row);
    free(table->values);
    free(table->numbers);
    table->row = NULL;
    table->values = NULL;
    table->numbers = NULL;
}

static bg_status json_write_row(bg_context *ctx, void *state_ptr, const bg_table_schema *schema, const bg_cell *cells)
{
    json_state *state = state_ptr;
    json_table *table = find_table(state, schema);
    if (!table)
        return host->fail(ctx, BG_ERR_INTERNAL, "table %s: row before begin_table", schema->name);
    uint64_t row = table->rows + 1;
    if (schema->column_count != table->column_count)
        return host->fail(ctx, BG_ERR_INTERNAL, "table %s: %zu columns, begun with %zu", schema->name,
                          schema->column_count, table->column_count);
    bg_status status = print_row(ctx, state, schema, table, cells, row);
    if (status != BG_OK)
        return status;
    const char *printed = state->printed;
    FILE *file = state->lines ? state->out : table->spool;
    if (!state->lines) {
        if (table->rows > 0)
            putc(',', file);
        if (state->pretty)
            fputs("\n      ", file);
    }
    fputs(printed, file);
    if (state->lines)
        putc('\n', file);
    table->rows = row;
    if (ferror(file))
        return host->fail(ctx, BG_ERR_IO, "%s: cannot write row %" PRIu64 " of table %s%s: %s", state->path, row,
                          schema->name, state->lines ? "" : " (temporary spool)", strerror(errno));
    return BG_OK;
}

static bg_status json_end_table(bg_context *ctx, void *state_ptr, const bg_table_schema *schema)
{
    json_state *state = state_ptr;
    json_table *table = find_table(state, schema);
    if (!table)
        return host->fail(ctx, BG_ERR_INTERNAL, "table %s: end_table before begin_table", schema->name);
    host->log(ctx, BG_LOG_DEBUG, "table %s: %" PRIu64 " rows", table->name, table->rows);
    return BG_OK;
}

/* Summary ------------------------------------------------------------------- */

static bool add_text(cJSON *object, const char *key, const char *text)
{
    return (text ? cJSON_AddStringToObject(object, key, text) : cJSON_AddNullToObject(object, key)) != NULL;
}

static bool add_count(cJSON *object, const char *key, uint64_t count)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%" PRIu64, count);
    return cJSON_AddRawToObject(object, key, buf) != NULL;
}

static bool add_time(cJSON *object, const char *key, int64_t seconds)
{
    char buf[32];
    iso_time(seconds, buf, sizeof buf);
    return cJSON_AddStringToObject(object, key, buf) != NULL;
}

static bg_status json_finish(bg_context *ctx, void *state_ptr, const bg_run_summary *summary)
{
    json_state *state = state_ptr;
    if (state->lines)
        return BG_OK; /* JSON Lines holds rows only */
    if (summary->struct_size < offsetof(bg_run_summary, sources) + sizeof summary->sources) {
        host->log(ctx, BG_LOG_WARN, "run summary of %u bytes is too small; not written", summary->struct_size);
        return BG_OK;
    }
    cJSON *object = cJSON_CreateObject();
    bool ok = object && add_text(object, "run_id", summary->run_id) && add_text(object, "job", summary->job) &&
              add_time(object, "started_at", summary->started_at) &&
              add_time(object, "finished_at", summary->finished_at) &&
              add_text(object, "config_hash", summary->config_hash) &&
              add_count(object, "sources_seen", summary->sources_seen) &&
              add_count(object, "documents", summary->documents) &&
              add_count(object, "sources_failed", summary->sources_failed);
    cJSON *rows = ok ? cJSON_AddObjectToObject(object, "rows") : NULL;
    ok = rows != NULL;
    for (size_t i = 0; i < summary->table_count && ok; i++)
        if (summary->tables[i].table)
            ok = add_count(rows, summary->tables[i].table, summary->tables[i].rows);
    cJSON *sources = ok ? cJSON_AddArrayToObject(object, "sources") : NULL;
    ok = sources != NULL;
    for (size_t i = 0; i < summary->source_count && ok; i++) {
        const bg_source_result *s = &summary->sources[i];
        cJSON *item = cJSON_CreateObject();
        ok = item && cJSON_AddItemToArray(sources, item);
        if (!ok) {
            cJSON_Delete(item);
            break;
        }
        ok = add_text(item, "source", s->source) && add_text(item, "doc_id", s->doc_id) &&
             add_text(item, "status", s->status) && add_text(item, "error", s->error);
    }
    if (!ok) {
        cJSON_Delete(object);
        return host->fail(ctx, BG_ERR_NOMEM, "run summary: out of memory");
    }
    cJSON_Delete(state->summary);
    state->summary = object;
    return BG_OK;
}

/* Close: the document ------------------------------------------------------- */

/* A JSON string; false when out of memory. */
static bool write_string(FILE *out, const char *text)
{
    cJSON *string = cJSON_CreateString(text ? text : "");
    char *printed = string ? cJSON_PrintUnformatted(string) : NULL;
    if (printed)
        fputs(printed, out);
    cJSON_free(printed);
    cJSON_Delete(string);
    return printed != NULL;
}

/* Separator, newline and indent (pretty), then "key": at the given depth. */
static bool write_key(const json_state *state, int depth, bool first, const char *key)
{
    if (!first)
        putc(',', state->out);
    if (state->pretty)
        fprintf(state->out, "\n%*s", 2 * depth, "");
    bool ok = write_string(state->out, key);
    fputs(state->pretty ? ": " : ":", state->out);
    return ok;
}

static void write_close(const json_state *state, int depth, char bracket)
{
    if (state->pretty)
        fprintf(state->out, "\n%*s", 2 * depth, "");
    putc(bracket, state->out);
}

static bool copy_spool(FILE *spool, FILE *out)
{
    if (!spool || fflush(spool) != 0 || fseek(spool, 0, SEEK_SET) != 0)
        return false;
    char buf[16384];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, spool)) > 0)
        if (fwrite(buf, 1, n, out) != n)
            return false;
    return !ferror(spool);
}

/* Streams the envelope, each table's spool in begin order and the summary.
 * Write errors are caught once, by the caller, through ferror. */
static bg_status write_document(bg_context *ctx, json_state *state)
{
    FILE *out = state->out;
    putc('{', out);
    bool ok = write_key(state, 1, true, "job") && write_string(out, host->job_name(ctx)) &&
              write_key(state, 1, false, "generated_at") && write_string(out, state->generated_at) &&
              write_key(state, 1, false, "baogao_version") && write_string(out, host->host_version(ctx)) &&
              write_key(state, 1, false, "tables");
    putc('{', out);
    for (size_t i = 0; i < state->table_count && ok; i++) {
        json_table *table = &state->tables[i];
        ok = write_key(state, 2, i == 0, table->name);
        putc('[', out);
        if (!copy_spool(table->spool, out))
            return host->fail(ctx, BG_ERR_IO, "%s: cannot copy the rows of table %s from their spool: %s", state->path,
                              table->name, strerror(errno));
        if (table->rows > 0)
            write_close(state, 2, ']');
        else
            putc(']', out);
    }
    if (state->table_count > 0)
        write_close(state, 1, '}');
    else
        putc('}', out);
    if (ok && state->summary) {
        /* One member per line when pretty; cJSON's own indent uses tabs. */
        ok = write_key(state, 1, false, "summary");
        putc('{', out);
        const cJSON *member;
        bool first = true;
        cJSON_ArrayForEach(member, state->summary)
        {
            char *printed = ok ? cJSON_PrintUnformatted(member) : NULL;
            ok = printed && write_key(state, 2, first, member->string);
            if (printed)
                fputs(printed, out);
            cJSON_free(printed);
            first = false;
        }
        write_close(state, 1, '}');
    }
    write_close(state, 0, '}');
    putc('\n', out);
    if (!ok)
        return host->fail(ctx, BG_ERR_NOMEM, "%s: out of memory writing the document", state->path);
    return BG_OK;
}

static bg_status json_close(bg_context *ctx, void *state_ptr, int commit)
{
    json_state *state = state_ptr;
    bg_status status = BG_OK;
    if (commit && !state->lines)
        status = write_document(ctx, state);
    if (commit && status == BG_OK) {
        int failed = ferror(state->out) != 0;
        if (fclose(state->out) != 0)
            failed = 1;
        if (failed)
            status = host->fail(ctx, BG_ERR_IO, "%s: cannot write: %s", state->path, strerror(errno));
    } else {
        fclose(state->out); /* abandoned, or failed already: the host removes it */
    }
    for (size_t i = 0; i < state->table_count; i++) {
        if (state->tables[i].spool)
            fclose(state->tables[i].spool);
        free_row(&state->tables[i]);
        free(state->tables[i].name);
    }
    /* ABI 1.2: what the file holds, for the run's closing line */
    if (commit && status == BG_OK && host->struct_size >= offsetof(bg_host_api, describe) + sizeof host->describe &&
        host->describe) {
        uint64_t rows = 0;
        for (size_t i = 0; i < state->table_count; i++)
            rows += state->tables[i].rows;
        host->describe(ctx, "%zu tables, %" PRIu64 " rows%s", state->table_count, rows,
                       state->lines ? " (JSON Lines)" : "");
    }
    free(state->tables);
    cJSON_Delete(state->summary);
    free(state->scratch);
    free(state->printed);
    free(state->path);
    freelocale(state->c_locale);
    free(state);
    return status;
}

static const bg_exporter json_exporter = {
    .struct_size = sizeof(bg_exporter),
    .abi_major = BG_EXPORTER_ABI_MAJOR,
    .abi_minor = BG_EXPORTER_ABI_MINOR,
    .name = "json",
    .version = "1.0.0",
    .description = "one JSON document of every table, or JSON Lines (one object per row)",
    .output_kind = BG_OUTPUT_FILE,
    .option_count = sizeof json_options / sizeof json_options[0],
    .options = json_options,
    .open = json_open,
    .begin_table = json_begin_table,
    .begin_document = NULL,
    .write_row = json_write_row,
    .end_table = json_end_table,
    .finish = json_finish,
    .close = json_close,
};

BG_EXPORTER_EXPORT const bg_exporter *BG_EXPORTER_ENTRY(const bg_host_api *host_api)
{
    host = host_api;
    return &json_exporter;
}
