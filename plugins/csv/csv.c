/* csv.c — the CSV exporter: one RFC 4180 file per table, <table>.csv in the
 * output folder, a header row of column names, then the rows in arrival order.
 * Ready for Excel by default; plain RFC 4180 with profile "rfc4180".
 *
 * Options (declared in csv_options below; the host validates them):
 *   profile        "excel" (default): UTF-8 BOM, CRLF, formula guard on.
 *                  "rfc4180": no BOM, LF, no formula guard.
 *   line_ending    "crlf" | "lf"; unset means the profile's.
 *   bom            unset means the profile's; true or false overrides it.
 *   formula_guard  unset means the profile's; true or false overrides it.
 *   table          write only this table (default: every table).
 * An option set in the config always wins over the profile
 * (host->option_is_set tells a set value from a default).
 *
 * Fields: a field is quoted (libcsv's csv_fwrite doubles inner quotes) only
 * when it contains , " CR or LF, starts or ends with a space or tab, or is an
 * empty text, so that "" (empty text) differs from an empty field (NULL).
 * The formula guard prefixes ' to a text cell starting with = + - @ TAB CR or
 * the full-width ＝ ＋ － ＠, which spreadsheets would run as a formula; number
 * columns are never touched. Integers print exactly, reals as the shortest of
 * %.15g/%.16g/%.17g that reads back the same double, always with a '.',
 * whatever the process locale (formatting runs under a "C" locale object);
 * dates as YYYY-MM-DD. Codes (doc_id, region_code) are text and stay text. */
#include "baogao/exporter.h"

#include <csv.h>
#include <errno.h>
#include <inttypes.h>
#include <locale.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const bg_host_api *host;

static const bg_option_spec csv_options[] = {
    {"profile", BG_OPTION_CHOICE, "\"excel\"", "excel|rfc4180",
     "excel: UTF-8 BOM, CRLF, formula guard; rfc4180: no BOM, LF, no guard"},
    {"line_ending", BG_OPTION_CHOICE, NULL, "crlf|lf", "line ending; default: the profile's (excel crlf, rfc4180 lf)"},
    {"bom", BG_OPTION_BOOL, NULL, NULL, "start each file with a UTF-8 BOM (default: the profile's)"},
    {"formula_guard", BG_OPTION_BOOL, NULL, NULL,
     "prefix ' to text starting with = + - @ tab or CR (default: the profile's)"},
    {"table", BG_OPTION_TEXT, NULL, NULL, "write only this table (default: every table)"},
};

static const bg_option_limits csv_limits[] = {
    {0}, {0}, {0}, {0}, {.pattern = "[a-z][a-z0-9_]*", .pattern_help = "a table name ([a-z][a-z0-9_]*)"},
};

/* One table as this exporter sees it; file is NULL when the table is skipped
 * (option table) or already ended. */
typedef struct csv_table {
    char *name;
    char *path; /* copy of the host's temporary path, for messages */
    FILE *file;
    uint64_t rows;
} csv_table;

typedef struct csv_state {
    bool bom;
    bool formula_guard;
    const char *line_ending;
    const char *only_table; /* the host's string, valid until close */
    bool only_table_seen;
    locale_t c_locale; /* numbers are formatted under it, never the process's */
    csv_table *tables;
    size_t table_count, table_capacity;
    char *scratch; /* a text field with its guard prefix */
    size_t scratch_size;
} csv_state;

/* Open ---------------------------------------------------------------------- */

static bg_status csv_open(bg_context *ctx, void **state_out)
{
    csv_state *state = calloc(1, sizeof *state);
    if (!state)
        return host->fail(ctx, BG_ERR_NOMEM, "out of memory");
    const char *profile = host->option_text(ctx, "profile");
    bool excel = !profile || strcmp(profile, "rfc4180") != 0;
    state->bom = host->option_is_set(ctx, "bom") ? host->option_bool(ctx, "bom") != 0 : excel;
    state->formula_guard =
        host->option_is_set(ctx, "formula_guard") ? host->option_bool(ctx, "formula_guard") != 0 : excel;
    const char *line_ending = host->option_text(ctx, "line_ending");
    if (!line_ending)
        line_ending = excel ? "crlf" : "lf";
    state->line_ending = strcmp(line_ending, "lf") == 0 ? "\n" : "\r\n";
    state->only_table = host->option_text(ctx, "table");
    state->c_locale = newlocale(LC_ALL_MASK, "C", (locale_t)0);
    if (state->c_locale == (locale_t)0) {
        free(state);
        return host->fail(ctx, BG_ERR_INTERNAL, "cannot create a C locale: %s", strerror(errno));
    }
    *state_out = state;
    return BG_OK;
}

/* Fields -------------------------------------------------------------------- */

static bool needs_formula_guard(const char *s, size_t n)
{
    if (n == 0)
        return false;
    if (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' || s[0] == '\r')
        return true;
    /* U+FF1D ＝, U+FF0B ＋, U+FF0D －, U+FF20 ＠ are EF BC 9D / 8B / 8D / A0. */
    const unsigned char *u = (const unsigned char *)s;
    return n >= 3 && u[0] == 0xEF && u[1] == 0xBC && (u[2] == 0x9D || u[2] == 0x8B || u[2] == 0x8D || u[2] == 0xA0);
}

static bool needs_quotes(const char *s, size_t n)
{
    if (n == 0)
        return true; /* "" is an empty text; an empty field is NULL */
    if (s[0] == ' ' || s[0] == '\t' || s[n - 1] == ' ' || s[n - 1] == '\t')
        return true;
    for (size_t i = 0; i < n; i++)
        if (s[i] == ',' || s[i] == '"' || s[i] == '\r' || s[i] == '\n')
            return true;
    return false;
}

/* Writes one text field, guarded and quoted as needed; 0 or EOF. */
static int write_text(csv_state *state, FILE *file, const char *text, size_t length)
{
    if (state->formula_guard && needs_formula_guard(text, length)) {
        if (length + 1 > state->scratch_size) {
            size_t size = length + 1 > 256 ? length + 1 : 256;
            char *grown = realloc(state->scratch, size);
            if (!grown) {
                errno = ENOMEM;
                return EOF;
            }
            state->scratch = grown;
            state->scratch_size = size;
        }
        state->scratch[0] = '\'';
        memcpy(state->scratch + 1, text, length);
        text = state->scratch;
        length++;
    }
    if (needs_quotes(text, length))
        return csv_fwrite(file, text, length);
    return fwrite(text, 1, length, file) == length ? 0 : EOF;
}

/* The shortest of %.15g, %.16g, %.17g that reads back as value, with '.' as
 * the decimal point whatever the process locale. */
static bool format_real(const csv_state *state, double value, char *buf, size_t size)
{
    if (!isfinite(value))
        return false;
    locale_t previous = uselocale(state->c_locale);
    for (int precision = 15; precision <= 17; precision++) {
        snprintf(buf, size, "%.*g", precision, value);
        if (strtod(buf, NULL) == value)
            break;
    }
    uselocale(previous);
    return true;
}

static int write_line_ending(const csv_state *state, FILE *file)
{
    return fputs(state->line_ending, file) < 0 ? EOF : 0;
}

/* Tables -------------------------------------------------------------------- */

static csv_table *find_table(csv_state *state, const bg_table_schema *schema)
{
    if (schema->index < state->table_count && strcmp(state->tables[schema->index].name, schema->name) == 0)
        return &state->tables[schema->index];
    for (size_t i = 0; i < state->table_count; i++)
        if (strcmp(state->tables[i].name, schema->name) == 0)
            return &state->tables[i];
    return NULL;
}

static bg_status csv_begin_table(bg_context *ctx, void *state_ptr, const bg_table_schema *schema)
{
    csv_state *state = state_ptr;
    if (state->table_count == state->table_capacity) {
        size_t capacity = state->table_capacity ? state->table_capacity * 2 : 8;
        csv_table *grown = realloc(state->tables, capacity * sizeof *grown);
        if (!grown)
            return host->fail(ctx, BG_ERR_NOMEM, "table %s: out of memory", schema->name);
        state->tables = grown;
        state->table_capacity = capacity;
    }
    csv_table *table = &state->tables[state->table_count];
    memset(table, 0, sizeof *table);
    table->name = strdup(schema->name);
    if (!table->name)
        return host->fail(ctx, BG_ERR_NOMEM, "table %s: out of memory", schema->name);
    state->table_count++;
    if (state->only_table && strcmp(state->only_table, schema->name) != 0)
        return BG_OK;
    state->only_table_seen = true;

    char file_name[256];
    snprintf(file_name, sizeof file_name, "%s.csv", schema->name);
    const char *path = host->output_file(ctx, file_name);
    if (!path)
        return BG_ERR_IO; /* the host has said why */
    table->path = strdup(path);
    if (!table->path)
        return host->fail(ctx, BG_ERR_NOMEM, "table %s: out of memory", schema->name);
    table->file = fopen(path, "wb");
    if (!table->file)
        return host->fail(ctx, BG_ERR_IO, "%s: cannot create: %s", path, strerror(errno));

    int rc = state->bom ? (fputs("\xEF\xBB\xBF", table->file) < 0 ? EOF : 0) : 0;
    for (size_t c = 0; c < schema->column_count && rc == 0; c++) {
        if (c > 0 && putc(',', table->file) == EOF)
            rc = EOF;
        const char *name = schema->columns[c].name;
        if (rc == 0)
            rc = needs_quotes(name, strlen(name)) ? csv_fwrite(table->file, name, strlen(name))
                                                  : (fputs(name, table->file) < 0 ? EOF : 0);
    }
    if (rc == 0)
        rc = write_line_ending(state, table->file);
    if (rc != 0)
        return host->fail(ctx, BG_ERR_IO, "%s: cannot write the header of table %s: %s", path, schema->name,
                          strerror(errno));
    return BG_OK;
}

/* Rows ---------------------------------------------------------------------- */

static bg_status csv_write_row(bg_context *ctx, void *state_ptr, const bg_table_schema *schema, const bg_cell *cells)
{
    csv_state *state = state_ptr;
    csv_table *table = find_table(state, schema);
    if (!table)
        return host->fail(ctx, BG_ERR_INTERNAL, "table %s: row before begin_table", schema->name);
    if (!table->file)
        return BG_OK; /* not the table asked for */
    table->rows++;
    FILE *file = table->file;
    int rc = 0;
    for (size_t c = 0; c < schema->column_count && rc == 0; c++) {
        if (c > 0 && putc(',', file) == EOF) {
            rc = EOF;
            break;
        }
        const bg_cell *cell = &cells[c];
        char number[64];
        switch (cell->type) {
        case BG_TYPE_NULL: break;
        case BG_TYPE_INTEGER:
            snprintf(number, sizeof number, "%" PRId64, cell->as.integer);
            rc = fputs(number, file) < 0 ? EOF : 0;
            break;
        case BG_TYPE_REAL:
            if (!format_real(state, cell->as.real, number, sizeof number))
                return host->fail(ctx, BG_ERR_FORMAT, "table %s, row %" PRIu64 ", column %s: not a finite number",
                                  schema->name, table->rows, schema->columns[c].name);
            rc = fputs(number, file) < 0 ? EOF : 0;
            break;
        case BG_TYPE_TEXT: rc = write_text(state, file, cell->as.text.data, cell->as.text.length); break;
        case BG_TYPE_DATE:
            snprintf(number, sizeof number, "%04d-%02d-%02d", (int)cell->as.date.year, (int)cell->as.date.month,
                     (int)cell->as.date.day);
            rc = fputs(number, file) < 0 ? EOF : 0;
            break;
        }
    }
    if (rc == 0)
        rc = write_line_ending(state, file);
    if (rc != 0 || ferror(file))
        return host->fail(ctx, BG_ERR_IO, "%s: cannot write row %" PRIu64 " of table %s: %s", table->path, table->rows,
                          schema->name, strerror(errno));
    return BG_OK;
}

/* A table option naming no table of the run is an error, found as soon as
 * every table has begun. */
static bg_status check_table_option(bg_context *ctx, const csv_state *state)
{
    if (!state->only_table || state->only_table_seen)
        return BG_OK;
    char names[256] = "";
    size_t used = 0;
    for (size_t i = 0; i < state->table_count && used < sizeof names; i++) {
        int n = snprintf(names + used, sizeof names - used, "%s%s", i ? ", " : "", state->tables[i].name);
        if (n > 0)
            used += (size_t)n;
    }
    return host->fail(ctx, BG_ERR_OPTION, "option table: no table '%s' in this run (tables: %s)", state->only_table,
                      state->table_count ? names : "none");
}

static bg_status close_table_file(bg_context *ctx, csv_table *table)
{
    if (!table->file)
        return BG_OK;
    int failed = ferror(table->file) != 0;
    if (fclose(table->file) != 0)
        failed = 1;
    table->file = NULL;
    if (failed)
        return host->fail(ctx, BG_ERR_IO, "%s: cannot write table %s: %s", table->path, table->name, strerror(errno));
    return BG_OK;
}

static bg_status csv_end_table(bg_context *ctx, void *state_ptr, const bg_table_schema *schema)
{
    csv_state *state = state_ptr;
    bg_status status = check_table_option(ctx, state);
    if (status != BG_OK)
        return status;
    csv_table *table = find_table(state, schema);
    if (!table)
        return host->fail(ctx, BG_ERR_INTERNAL, "table %s: end_table before begin_table", schema->name);
    if (table->file)
        host->log(ctx, BG_LOG_DEBUG, "table %s: %" PRIu64 " rows", table->name, table->rows);
    return close_table_file(ctx, table);
}

/* Close --------------------------------------------------------------------- */

static bg_status csv_close(bg_context *ctx, void *state_ptr, int commit)
{
    csv_state *state = state_ptr;
    bg_status status = commit ? check_table_option(ctx, state) : BG_OK;
    for (size_t i = 0; i < state->table_count; i++) {
        csv_table *table = &state->tables[i];
        if (commit && status == BG_OK)
            status = close_table_file(ctx, table);
        else if (table->file)
            fclose(table->file); /* abandoned, or the run fails already: the host removes it */
        free(table->name);
        free(table->path);
    }
    /* ABI 1.2: what the folder holds, for the run's closing line */
    if (commit && status == BG_OK && host->struct_size >= offsetof(bg_host_api, describe) + sizeof host->describe &&
        host->describe) {
        uint64_t rows = 0; /* counted only in the tables written */
        for (size_t i = 0; i < state->table_count; i++)
            rows += state->tables[i].rows;
        size_t files = state->only_table ? 1 : state->table_count;
        host->describe(ctx, "%zu CSV file%s, %" PRIu64 " rows", files, files == 1 ? "" : "s", rows);
    }
    free(state->tables);
    free(state->scratch);
    freelocale(state->c_locale);
    free(state);
    return status;
}

/* `table` must name one of the run's tables: refused before anything opens. */
static bg_status csv_check(bg_context *ctx, const bg_table_schema *const *tables, size_t table_count)
{
    const char *only = host->option_text(ctx, "table");
    if (!only)
        return BG_OK;
    char names[512] = "";
    for (size_t i = 0; i < table_count; i++) {
        if (!strcmp(tables[i]->name, only))
            return BG_OK;
        size_t used = strlen(names);
        snprintf(names + used, sizeof names - used, "%s%s", i ? ", " : "", tables[i]->name);
    }
    return host->fail(ctx, BG_ERR_OPTION, "table: no table '%s' in this run (tables: %s)", only, names);
}

static const bg_exporter csv_exporter = {
    .struct_size = sizeof(bg_exporter),
    .abi_major = BG_EXPORTER_ABI_MAJOR,
    .abi_minor = BG_EXPORTER_ABI_MINOR,
    .name = "csv",
    .version = "1.0.0",
    .description = "one CSV file per table (Excel-ready by default, or plain RFC 4180)",
    .output_kind = BG_OUTPUT_DIRECTORY,
    .option_count = sizeof csv_options / sizeof csv_options[0],
    .options = csv_options,
    .open = csv_open,
    .begin_table = csv_begin_table,
    .begin_document = NULL,
    .write_row = csv_write_row,
    .end_table = csv_end_table,
    .finish = NULL,
    .close = csv_close,
    .option_limits = csv_limits,
    .option_limits_size = sizeof(bg_option_limits),
    .check = csv_check,
};

BG_EXPORTER_EXPORT const bg_exporter *BG_EXPORTER_ENTRY(const bg_host_api *host_api)
{
    host = host_api;
    return &csv_exporter;
}
