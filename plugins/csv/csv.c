/* csv.c — the CSV exporter: one RFC 4180 file per table, <table>.csv in the
 * output folder, a header row of column names, then the rows in arrival order;
 * beside them datapackage.json, a Frictionless Data Package that tells every
 * reader (pandas, R, csvkit, Stata) each column's type, label and codes.
 * Ready for Excel by default; plain RFC 4180 with profile "rfc4180".
 *
 * Options (declared in csv_options below; the host validates them):
 *   profile           "excel" (default): UTF-8 BOM, CRLF, formula guard on,
 *                     identity columns on. "rfc4180": no BOM, LF, no formula
 *                     guard, no identity columns.
 *   line_ending       "crlf" | "lf"; unset means the profile's.
 *   bom               unset means the profile's; true or false overrides it.
 *   formula_guard     unset means the profile's; true or false overrides it.
 *   table             write only this table (default: every table).
 *   identity_columns  unset means the profile's; true or false overrides it.
 * An option set in the config always wins over the profile
 * (host->option_is_set tells a set value from a default).
 *
 * Identity columns: every table but documents begins with the document's
 * province, region, region_code, region_level and plan_year, so that a reader needs
 * no lookup into documents. They come from begin_document's bg_document_info
 * (ABI 1.2), and where the host is older or leaves one unknown, from the
 * document's documents row, which arrives before its other rows. A table's
 * own column of the same name, type and label is the same thing and stands
 * for it (targets' plan_year); one that means something else keeps its name
 * and the identity column is written as doc_<name>. The document's level
 * is region_level in every table (sections' level is a heading's depth).
 * A table across reports (BG_TABLE_ACROSS, ABI 1.3: target_outcomes,
 * escalation …) never gets them: its rows come after the last document's,
 * each naming its own region in its own columns, so the current document's
 * identity would be the wrong one.
 *
 * Fields: a field is quoted (libcsv's csv_fwrite doubles inner quotes) only
 * when it contains , " CR or LF, starts or ends with a space or tab, or is an
 * empty text, so that "" (empty text) differs from an empty field (NULL).
 * The formula guard prefixes ' to a text cell starting with = + - @ TAB CR or
 * the full-width ＝ ＋ － ＠, which spreadsheets would run as a formula; number
 * columns are never touched. Integers print exactly, reals as the shortest of
 * %.15g/%.16g/%.17g that reads back the same double, always with a '.',
 * whatever the process locale (formatting runs under a "C" locale object);
 * dates as YYYY-MM-DD. Codes (doc_id, region_code) are text and stay text.
 *
 * datapackage.json (written with cJSON through host->output_file, so it is
 * published with the CSV files or not at all): one tabular-data-resource per
 * CSV file written, with its dialect (delimiter, line terminator, header, and
 * "bom": whether the file starts with one) and a Table Schema: the fields in
 * file order with type string|integer|number|date, the Chinese label as title
 * and the English description; codes (doc_id, region_code, content_hash and
 * every BG_COLUMN_CODE column) are strings; the KEY columns are the primary
 * key; a coded column (schema->column_values, ABI 1.2) gets constraints.enum
 * and categories [{"value": "growth", "label": "增长"}]. The resource entries
 * are built as each table begins (the schema is borrowed only until its end)
 * and written when the run commits. */
#include "baogao/exporter.h"
#include "numbers.h"

#include <cjson/cJSON.h>
#include <csv.h>
#include <ctype.h>
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
     "excel: UTF-8 BOM, CRLF, formula guard, identity columns; rfc4180: no BOM, LF, no guard, no identity columns"},
    {"line_ending", BG_OPTION_CHOICE, NULL, "crlf|lf", "line ending; default: the profile's (excel crlf, rfc4180 lf)"},
    {"bom", BG_OPTION_BOOL, NULL, NULL, "start each file with a UTF-8 BOM (default: the profile's)"},
    {"formula_guard", BG_OPTION_BOOL, NULL, NULL,
     "prefix ' to text starting with = + - @ tab or CR (default: the profile's)"},
    {"table", BG_OPTION_TEXT, NULL, NULL, "write only this table (default: every table)"},
    {"identity_columns", BG_OPTION_BOOL, NULL, NULL,
     "begin every table of a document's rows (not documents, not the tables across reports) with province, "
     "region, region_code, level, plan_year (default: the profile's: excel on, rfc4180 off)"},
};

static const bg_option_limits csv_limits[] = {
    {0}, {0}, {0}, {0}, {.pattern = "[a-z][a-z0-9_]*", .pattern_help = "a table name ([a-z][a-z0-9_]*)"}, {0},
};

/* A struct from the host covers member m (it may be older than this header). */
#define COVERS(s, type, m) ((s)->struct_size >= offsetof(type, m) + sizeof((s)->m))

/* A table across reports (ABI 1.3); an older host has none. */
static bool across_reports(const bg_table_schema *schema)
{
    return COVERS(schema, bg_table_schema, flags) && (schema->flags & BG_TABLE_ACROSS);
}

/* The identity columns, in the order they are written. Their descriptions in
 * datapackage.json are those of the documents table's columns of the same
 * names; these stand in when the run has no documents table. */
enum { ID_PROVINCE, ID_REGION, ID_REGION_CODE, ID_LEVEL, ID_PLAN_YEAR, ID_COUNT };
static const bg_column identity_fallback[ID_COUNT] = {
    {"province", BG_TYPE_TEXT, "省份", "province the region belongs to", 0},
    {"region", BG_TYPE_TEXT, "地区", "region as the report names it", 0},
    {"region_code", BG_TYPE_TEXT, "行政区划代码", "six-digit GB/T 2260 code the region had in the plan year",
     BG_COLUMN_CODE},
    {"region_level", BG_TYPE_TEXT, "级别", "national, province, city, district, county or unknown", 0},
    {"plan_year", BG_TYPE_INTEGER, "计划年份", "year the plan and targets are for", 0},
};

/* The documents column each identity column comes from (the document's
 * level is written as region_level, the name every exporter gives it, so
 * that it never meets sections.level, a heading's depth). */
static const char *const identity_source[ID_COUNT] = {"province", "region", "region_code", "level", "plan_year"};

/* The names identity columns take in a table that has a column of the
 * same name meaning something else (sections.level is a heading's depth). */
static const char *const identity_renamed[ID_COUNT] = {"doc_province", "doc_region", "doc_region_code", "doc_region_level",
                                                       "doc_plan_year"};

/* One document's identity, copied: text members NULL and plan_year 0 when
 * unknown. */
typedef struct csv_identity {
    char *text[ID_PLAN_YEAR]; /* province, region, region_code, level */
    int64_t plan_year;
} csv_identity;

/* One table as this exporter sees it; file is NULL when the table is skipped
 * (option table) or already ended. */
typedef struct csv_table {
    char *name;
    char *path; /* copy of the host's temporary path, for messages */
    FILE *file;
    uint64_t rows;
    /* The name each identity column is written under before the table's own
     * columns, NULL when it is not written (see identity_names). */
    const char *identity[ID_COUNT];
    /* Its datapackage.json entry, NULL when the table is not written: the
     * resource without its schema, the table's own fields and its primary
     * key (NULL: none); the schema is put together at commit. */
    cJSON *resource, *fields, *primary_key;
} csv_table;

typedef struct csv_state {
    bool bom;
    bool formula_guard;
    bool identity_columns;
    const char *line_ending;
    const char *only_table; /* the host's string, valid until close */
    bool only_table_seen;
    locale_t c_locale; /* numbers are formatted under it, never the process's */
    csv_table *tables;
    size_t table_count, table_capacity;
    char *scratch; /* a text field with its guard prefix */
    size_t scratch_size;
    cJSON *identity_fields; /* ID_COUNT field descriptions from the documents schema, or NULL */
    csv_identity from_info; /* the current document's, from begin_document */
    csv_identity from_row;  /* the current document's, from its documents row */
} csv_state;

/* Open ---------------------------------------------------------------------- */

static bool profile_or_option(bg_context *ctx, const char *name, bool profile_value)
{
    return host->option_is_set(ctx, name) ? host->option_bool(ctx, name) != 0 : profile_value;
}

static bg_status csv_open(bg_context *ctx, void **state_out)
{
    csv_state *state = calloc(1, sizeof *state);
    if (!state)
        return host->fail(ctx, BG_ERR_NOMEM, "out of memory");
    const char *profile = host->option_text(ctx, "profile");
    bool excel = !profile || strcmp(profile, "rfc4180") != 0;
    state->bom = profile_or_option(ctx, "bom", excel);
    state->formula_guard = profile_or_option(ctx, "formula_guard", excel);
    state->identity_columns = profile_or_option(ctx, "identity_columns", excel);
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

static int write_line_ending(const csv_state *state, FILE *file)
{
    return fputs(state->line_ending, file) < 0 ? EOF : 0;
}

/* Writes a column name (header cell), quoted only when needed; 0 or EOF. */
static int write_name(FILE *file, const char *name)
{
    size_t length = strlen(name);
    if (needs_quotes(name, length))
        return csv_fwrite(file, name, length);
    return fputs(name, file) < 0 ? EOF : 0;
}

/* Writes one cell; 0, EOF, or 1 for a real that is not finite. */
static int write_cell(csv_state *state, FILE *file, const bg_cell *cell)
{
    char number[64];
    switch (cell->type) {
    case BG_TYPE_NULL: return 0;
    case BG_TYPE_INTEGER: {
        size_t n = bg_plugin_format_integer(cell->as.integer, number);
        return fwrite(number, 1, n, file) == n ? 0 : EOF;
    }
    case BG_TYPE_REAL:
        if (!bg_plugin_format_real(state->c_locale, cell->as.real, number, sizeof number))
            return 1;
        return fputs(number, file) < 0 ? EOF : 0;
    case BG_TYPE_TEXT: return write_text(state, file, cell->as.text.data, cell->as.text.length);
    case BG_TYPE_DATE:
        snprintf(number, sizeof number, "%04d-%02d-%02d", (int)cell->as.date.year, (int)cell->as.date.month,
                 (int)cell->as.date.day);
        return fputs(number, file) < 0 ? EOF : 0;
    }
    return 0;
}

/* The package description ---------------------------------------------------- */

/* The Table Schema type of a column: codes are strings whatever they look
 * like, so that no reader turns 0042… into a number. */
static const char *field_type(const bg_column *column)
{
    if ((column->flags & BG_COLUMN_CODE) || !strcmp(column->name, "doc_id") || !strcmp(column->name, "region_code") ||
        !strcmp(column->name, "content_hash"))
        return "string";
    switch (column->type) {
    case BG_TYPE_NULL:
    case BG_TYPE_TEXT: return "string";
    case BG_TYPE_INTEGER: return "integer";
    case BG_TYPE_REAL: return "number";
    case BG_TYPE_DATE: return "date";
    }
    return "string";
}

/* The codes of a schema's column (ABI 1.2), or NULL. */
static const bg_column_values *column_values(const bg_table_schema *schema, size_t column)
{
    if (!COVERS(schema, bg_table_schema, column_values) || !schema->column_values)
        return NULL;
    const bg_column_values *values = &schema->column_values[column];
    return values->count && values->values ? values : NULL;
}

/* Adds constraints.enum and categories for a coded column. */
static bool add_codes(cJSON *field, const bg_column_values *values)
{
    cJSON *constraints = cJSON_AddObjectToObject(field, "constraints");
    cJSON *codes = constraints ? cJSON_AddArrayToObject(constraints, "enum") : NULL;
    cJSON *categories = codes ? cJSON_AddArrayToObject(field, "categories") : NULL;
    if (!categories)
        return false;
    for (size_t i = 0; i < values->count; i++) {
        const bg_value_label *code = &values->values[i];
        if (!code->value)
            continue;
        cJSON *category = cJSON_CreateObject();
        if (!cJSON_AddItemToArray(categories, category)) {
            cJSON_Delete(category);
            return false;
        }
        if (!cJSON_AddItemToArray(codes, cJSON_CreateString(code->value)) ||
            !cJSON_AddStringToObject(category, "value", code->value) ||
            (code->label && !cJSON_AddStringToObject(category, "label", code->label)))
            return false; /* what was added belongs to field, which the caller deletes */
    }
    return true;
}

/* One Table Schema field (cJSON_Delete it), or NULL without memory. */
static cJSON *field_json(const bg_column *column, const bg_column_values *values)
{
    cJSON *field = cJSON_CreateObject();
    bool ok = field && cJSON_AddStringToObject(field, "name", column->name) &&
              cJSON_AddStringToObject(field, "type", field_type(column)) &&
              (!column->label || cJSON_AddStringToObject(field, "title", column->label)) &&
              (!column->label_en || cJSON_AddStringToObject(field, "description", column->label_en)) &&
              (!values || add_codes(field, values));
    if (!ok) {
        cJSON_Delete(field);
        return NULL;
    }
    return field;
}

/* The identity fields as the documents schema describes them, kept until
 * close: the schema itself is borrowed only until its table ends. */
static bool keep_identity_fields(csv_state *state, const bg_table_schema *documents)
{
    cJSON *fields = cJSON_CreateArray();
    for (size_t i = 0; fields && i < ID_COUNT; i++) {
        bg_column column = identity_fallback[i];
        const bg_column_values *values = NULL;
        for (size_t c = 0; c < documents->column_count; c++)
            if (!strcmp(documents->columns[c].name, identity_source[i]) &&
                documents->columns[c].type == identity_fallback[i].type) {
                column = documents->columns[c];
                column.name = identity_fallback[i].name; /* level is written as region_level */
                column.label = identity_fallback[i].label;
                values = column_values(documents, c);
            }
        if (!cJSON_AddItemToArray(fields, field_json(&column, values))) {
            cJSON_Delete(fields);
            fields = NULL;
        }
    }
    if (!fields)
        return false;
    cJSON_Delete(state->identity_fields);
    state->identity_fields = fields;
    return true;
}

/* The resource entry of a table as written, without its schema (put
 * together at commit), or NULL without memory. */
static cJSON *resource_json(const csv_state *state, const bg_table_schema *schema, const char *file_name)
{
    cJSON *resource = cJSON_CreateObject();
    cJSON *dialect = NULL;
    bool ok = resource && cJSON_AddStringToObject(resource, "name", schema->name) &&
              cJSON_AddStringToObject(resource, "path", file_name) &&
              cJSON_AddStringToObject(resource, "profile", "tabular-data-resource") &&
              (!schema->label || cJSON_AddStringToObject(resource, "title", schema->label)) &&
              (!schema->label_en || cJSON_AddStringToObject(resource, "description", schema->label_en)) &&
              cJSON_AddStringToObject(resource, "format", "csv") &&
              cJSON_AddStringToObject(resource, "mediatype", "text/csv") &&
              cJSON_AddStringToObject(resource, "encoding", "utf-8") &&
              cJSON_AddBoolToObject(resource, "bom", state->bom) &&
              (dialect = cJSON_AddObjectToObject(resource, "dialect")) &&
              cJSON_AddStringToObject(dialect, "delimiter", ",") &&
              cJSON_AddStringToObject(dialect, "lineTerminator", state->line_ending) &&
              cJSON_AddStringToObject(dialect, "quoteChar", "\"") && cJSON_AddBoolToObject(dialect, "doubleQuote", 1) &&
              cJSON_AddBoolToObject(dialect, "skipInitialSpace", 0) && cJSON_AddBoolToObject(dialect, "header", 1);
    if (!ok) {
        cJSON_Delete(resource);
        return NULL;
    }
    return resource;
}

/* The table's own fields and primary key (NULL when no column is a key);
 * false without memory. */
static bool describe_columns(const bg_table_schema *schema, csv_table *table)
{
    table->fields = cJSON_CreateArray();
    bool ok = table->fields != NULL;
    for (size_t c = 0; ok && c < schema->column_count; c++) {
        ok = cJSON_AddItemToArray(table->fields, field_json(&schema->columns[c], column_values(schema, c)));
        if (ok && (schema->columns[c].flags & BG_COLUMN_KEY)) {
            if (!table->primary_key)
                table->primary_key = cJSON_CreateArray();
            ok = cJSON_AddItemToArray(table->primary_key, cJSON_CreateString(schema->columns[c].name));
        }
    }
    return ok;
}

/* The package's name: the job's, in the characters a Data Package name may
 * hold ([a-z0-9._-]). */
static void package_name(bg_context *ctx, char *name, size_t size)
{
    const char *job = host->job_name(ctx);
    if (!job || !*job)
        job = "baogao";
    size_t n = 0;
    for (; job[n] && n + 1 < size; n++) {
        unsigned char ch = (unsigned char)tolower((unsigned char)job[n]);
        name[n] = (char)(isalnum(ch) || ch == '.' || ch == '_' || ch == '-' ? ch : '-');
    }
    name[n] = '\0';
}

/* Completes a table's resource with its Table Schema: the identity fields
 * it was written with (described as in documents), then its own. */
static bool add_table_schema(const csv_state *state, csv_table *table, const cJSON *fallback)
{
    const cJSON *identity = state->identity_fields ? state->identity_fields : fallback;
    cJSON *schema = cJSON_AddObjectToObject(table->resource, "schema");
    cJSON *fields = schema ? cJSON_AddArrayToObject(schema, "fields") : NULL;
    cJSON *missing = NULL;
    bool ok = fields != NULL;
    for (int i = 0; ok && i < ID_COUNT; i++) {
        if (!table->identity[i])
            continue;
        cJSON *copy = cJSON_Duplicate(cJSON_GetArrayItem(identity, i), 1);
        if (!cJSON_AddItemToArray(fields, copy)) {
            cJSON_Delete(copy);
            ok = false;
        } else {
            ok = cJSON_SetValuestring(cJSON_GetObjectItemCaseSensitive(copy, "name"), table->identity[i]) != NULL;
        }
    }
    const cJSON *own;
    cJSON_ArrayForEach(own, table->fields)
    {
        if (ok)
            ok = cJSON_AddItemToArray(fields, cJSON_Duplicate(own, 1));
    }
    if (ok && table->primary_key) {
        ok = cJSON_AddItemToObject(schema, "primaryKey", table->primary_key);
        if (ok)
            table->primary_key = NULL; /* the schema owns it now */
    }
    /* An empty field is NULL; CSV readers take "" (an empty text) for
     * missing too. */
    return ok && (missing = cJSON_AddArrayToObject(schema, "missingValues")) &&
           cJSON_AddItemToArray(missing, cJSON_CreateString(""));
}

/* datapackage.json: the resources of every table written, in begin order. */
static bg_status write_datapackage(bg_context *ctx, csv_state *state)
{
    char name[128];
    package_name(ctx, name, sizeof name);
    char description[256];
    snprintf(description, sizeof description,
             "tables extracted by baogao %s from Chinese government work reports; column titles are the Chinese "
             "labels, descriptions the English ones",
             host->host_version(ctx));
    cJSON *package = cJSON_CreateObject();
    cJSON *fallback = cJSON_CreateArray();
    cJSON *resources = NULL;
    bool ok = package && fallback && cJSON_AddStringToObject(package, "profile", "tabular-data-package") &&
              cJSON_AddStringToObject(package, "name", name) && cJSON_AddStringToObject(package, "title", name) &&
              cJSON_AddStringToObject(package, "description", description) &&
              (resources = cJSON_AddArrayToObject(package, "resources"));
    for (int i = 0; ok && i < ID_COUNT; i++)
        ok = cJSON_AddItemToArray(fallback, field_json(&identity_fallback[i], NULL));
    for (size_t t = 0; ok && t < state->table_count; t++) {
        csv_table *table = &state->tables[t];
        if (!table->resource)
            continue;
        ok = add_table_schema(state, table, fallback) && cJSON_AddItemToArray(resources, table->resource);
        if (ok)
            table->resource = NULL; /* the package owns it now */
    }
    char *text = ok ? cJSON_Print(package) : NULL;
    cJSON_Delete(package);
    cJSON_Delete(fallback);
    if (!text)
        return host->fail(ctx, BG_ERR_NOMEM, "datapackage.json: out of memory");
    const char *path = host->output_file(ctx, "datapackage.json");
    if (!path) {
        cJSON_free(text);
        return BG_ERR_IO; /* the host has said why */
    }
    FILE *file = fopen(path, "wb");
    int failed = !file || fputs(text, file) < 0 || putc('\n', file) == EOF;
    int error = errno;
    if (file && fclose(file) != 0 && !failed) {
        failed = 1;
        error = errno;
    }
    cJSON_free(text);
    if (failed)
        return host->fail(ctx, BG_ERR_IO, "%s: cannot write datapackage.json: %s", path, strerror(error));
    return BG_OK;
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

static const bg_column *own_column(const bg_table_schema *schema, const char *name)
{
    for (size_t c = 0; c < schema->column_count; c++)
        if (!strcmp(schema->columns[c].name, name))
            return &schema->columns[c];
    return NULL;
}

/* The names a table's identity columns are written under. A column of its
 * own with the same name, type and label is the same thing (targets'
 * plan_year) and stands for it; one that means something else (sections'
 * level, a heading's depth) keeps its name and the identity column becomes
 * doc_<name>. */
static void identity_names(bg_context *ctx, const bg_table_schema *schema, csv_table *table)
{
    for (int i = 0; i < ID_COUNT; i++) {
        const bg_column *id = &identity_fallback[i];
        const bg_column *own = own_column(schema, id->name);
        if (!own)
            table->identity[i] = id->name;
        else if (own->type == id->type && own->label && !strcmp(own->label, id->label))
            table->identity[i] = NULL;
        else if (!own_column(schema, identity_renamed[i]))
            table->identity[i] = identity_renamed[i];
        else
            host->log(ctx, BG_LOG_WARN,
                      "table %s has columns %s and %s of its own: it goes without the identity column %s", schema->name,
                      id->name, identity_renamed[i], id->name);
    }
}

static int write_header(const csv_state *state, const csv_table *table, const bg_table_schema *schema)
{
    FILE *file = table->file;
    int rc = state->bom ? (fputs("\xEF\xBB\xBF", file) < 0 ? EOF : 0) : 0;
    size_t field = 0;
    for (int i = 0; i < ID_COUNT && rc == 0; i++)
        if (table->identity[i]) {
            if (field++ > 0 && putc(',', file) == EOF)
                rc = EOF;
            if (rc == 0)
                rc = write_name(file, table->identity[i]);
        }
    for (size_t c = 0; c < schema->column_count && rc == 0; c++) {
        if (field++ > 0 && putc(',', file) == EOF)
            rc = EOF;
        if (rc == 0)
            rc = write_name(file, schema->columns[c].name);
    }
    return rc == 0 ? write_line_ending(state, file) : rc;
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
    bool documents = strcmp(schema->name, "documents") == 0;
    if (documents && !keep_identity_fields(state, schema))
        return host->fail(ctx, BG_ERR_NOMEM, "table %s: out of memory", schema->name);
    if (state->only_table && strcmp(state->only_table, schema->name) != 0)
        return BG_OK;
    state->only_table_seen = true;
    if (state->identity_columns && !documents && !across_reports(schema))
        identity_names(ctx, schema, table);

    char file_name[256];
    snprintf(file_name, sizeof file_name, "%s.csv", schema->name);
    table->resource = resource_json(state, schema, file_name);
    if (!table->resource || !describe_columns(schema, table))
        return host->fail(ctx, BG_ERR_NOMEM, "table %s: out of memory", schema->name);
    const char *path = host->output_file(ctx, file_name);
    if (!path)
        return BG_ERR_IO; /* the host has said why */
    table->path = strdup(path);
    if (!table->path)
        return host->fail(ctx, BG_ERR_NOMEM, "table %s: out of memory", schema->name);
    table->file = fopen(path, "wb");
    if (!table->file)
        return host->fail(ctx, BG_ERR_IO, "%s: cannot create: %s", path, strerror(errno));
    if (write_header(state, table, schema) != 0)
        return host->fail(ctx, BG_ERR_IO, "%s: cannot write the header of table %s: %s", path, schema->name,
                          strerror(errno));
    return BG_OK;
}

/* Documents ----------------------------------------------------------------- */

static void identity_clear(csv_identity *identity)
{
    for (int i = 0; i < ID_PLAN_YEAR; i++)
        free(identity->text[i]);
    memset(identity, 0, sizeof *identity);
}

/* A document begins: its identity as the host knows it (ABI 1.2); an older
 * host's leaves it to the documents row. */
static bg_status csv_begin_document(bg_context *ctx, void *state_ptr, const bg_document_info *document)
{
    csv_state *state = state_ptr;
    identity_clear(&state->from_info);
    identity_clear(&state->from_row);
    if (!state->identity_columns || !COVERS(document, bg_document_info, plan_year))
        return BG_OK;
    const char *text[ID_PLAN_YEAR] = {document->province, document->region, document->region_code, document->level};
    for (int i = 0; i < ID_PLAN_YEAR; i++)
        if (text[i] && !(state->from_info.text[i] = strdup(text[i])))
            return host->fail(ctx, BG_ERR_NOMEM, "document %s: out of memory", document->doc_id);
    state->from_info.plan_year = document->plan_year;
    return BG_OK;
}

/* The identity from a documents row, for what begin_document did not say. */
static bg_status keep_row_identity(bg_context *ctx, csv_state *state, const bg_table_schema *schema,
                                   const bg_cell *cells)
{
    identity_clear(&state->from_row);
    for (size_t c = 0; c < schema->column_count; c++)
        for (int i = 0; i < ID_COUNT; i++) {
            if (strcmp(schema->columns[c].name, identity_source[i]) != 0)
                continue;
            if (i == ID_PLAN_YEAR && cells[c].type == BG_TYPE_INTEGER)
                state->from_row.plan_year = cells[c].as.integer;
            else if (i < ID_PLAN_YEAR && cells[c].type == BG_TYPE_TEXT &&
                     !(state->from_row.text[i] = strndup(cells[c].as.text.data, cells[c].as.text.length)))
                return host->fail(ctx, BG_ERR_NOMEM, "table %s: out of memory", schema->name);
        }
    return BG_OK;
}

/* Identity column i of the current document: begin_document's value, else
 * the documents row's; NULL when neither knows it. */
static bg_cell identity_cell(const csv_state *state, int i)
{
    bg_cell cell = {.type = BG_TYPE_NULL};
    if (i == ID_PLAN_YEAR) {
        int64_t year = state->from_info.plan_year ? state->from_info.plan_year : state->from_row.plan_year;
        if (year) {
            cell.type = BG_TYPE_INTEGER;
            cell.as.integer = year;
        }
        return cell;
    }
    const char *text = state->from_info.text[i] ? state->from_info.text[i] : state->from_row.text[i];
    if (text) {
        cell.type = BG_TYPE_TEXT;
        cell.as.text.data = text;
        cell.as.text.length = strlen(text);
    }
    return cell;
}

/* Rows ---------------------------------------------------------------------- */

static bg_status csv_write_row(bg_context *ctx, void *state_ptr, const bg_table_schema *schema, const bg_cell *cells)
{
    csv_state *state = state_ptr;
    csv_table *table = find_table(state, schema);
    if (!table)
        return host->fail(ctx, BG_ERR_INTERNAL, "table %s: row before begin_table", schema->name);
    if (state->identity_columns && strcmp(schema->name, "documents") == 0) {
        bg_status status = keep_row_identity(ctx, state, schema, cells);
        if (status != BG_OK)
            return status;
    }
    if (!table->file)
        return BG_OK; /* not the table asked for */
    table->rows++;
    FILE *file = table->file;
    int rc = 0;
    size_t field = 0;
    for (int i = 0; i < ID_COUNT && rc == 0; i++)
        if (table->identity[i]) {
            bg_cell cell = identity_cell(state, i);
            rc = field++ > 0 && putc(',', file) == EOF ? EOF : write_cell(state, file, &cell);
        }
    for (size_t c = 0; c < schema->column_count && rc == 0; c++) {
        rc = field++ > 0 && putc(',', file) == EOF ? EOF : write_cell(state, file, &cells[c]);
        if (rc == 1)
            return host->fail(ctx, BG_ERR_FORMAT, "table %s, row %" PRIu64 ", column %s: not a finite number",
                              schema->name, table->rows, schema->columns[c].name);
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
        table->file = NULL;
    }
    if (commit && status == BG_OK)
        status = write_datapackage(ctx, state);
    for (size_t i = 0; i < state->table_count; i++) {
        free(state->tables[i].name);
        free(state->tables[i].path);
        cJSON_Delete(state->tables[i].resource);
        cJSON_Delete(state->tables[i].fields);
        cJSON_Delete(state->tables[i].primary_key);
    }
    /* ABI 1.2: what the folder holds, for the run's closing line */
    if (commit && status == BG_OK && host->struct_size >= offsetof(bg_host_api, describe) + sizeof host->describe &&
        host->describe) {
        uint64_t rows = 0; /* counted only in the tables written */
        for (size_t i = 0; i < state->table_count; i++)
            rows += state->tables[i].rows;
        size_t files = state->only_table ? 1 : state->table_count;
        host->describe(ctx, "%zu CSV file%s and datapackage.json, %" PRIu64 " rows", files, files == 1 ? "" : "s", rows);
    }
    free(state->tables);
    free(state->scratch);
    cJSON_Delete(state->identity_fields);
    identity_clear(&state->from_info);
    identity_clear(&state->from_row);
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
    .version = "1.1.0",
    .description = "one CSV file per table and their datapackage.json (Excel-ready by default, or plain RFC 4180)",
    .output_kind = BG_OUTPUT_DIRECTORY,
    .option_count = sizeof csv_options / sizeof csv_options[0],
    .options = csv_options,
    .open = csv_open,
    .begin_table = csv_begin_table,
    .begin_document = csv_begin_document,
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
