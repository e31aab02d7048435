/* bare_exporters.c — the floor each exporter is measured against (issue 10):
 * the rows of a run, read back from the CSV exporter's folder into memory
 * first (its CSV files with libcsv, every field typed by datapackage.json as
 * integer, number, boolean, date or string), then written again with each
 * bare library the plainest fast way a user of it would, each writer timed on
 * its own (CLOCK_MONOTONIC, from opening its output to closing it):
 *   csv     libcsv: csv_fwrite of every field, one RFC 4180 file per table;
 *   xlsx    libxlsxwriter: a worksheet per table (split past Excel's row
 *           limit), a header row, then worksheet_write_number/string per cell,
 *           with the XLSX plugin's workbook options (constant_memory above
 *           100,000 rows, ZIP64 above 512 MiB of text);
 *   json    cJSON: an object per row printed unformatted, as the JSON plugin
 *           builds them, in one document {"tables": {"<table>": [...]}};
 *   sqlite  a typed CREATE TABLE per table, one transaction, one prepared
 *           INSERT per table: bind, step, reset; and again ("sqlite_keyed")
 *           with the primary keys datapackage.json declares and an index on
 *           doc_id built after the rows, the work every keyed table costs.
 * The CSV exporter's default profile puts the document's identity (province,
 * region, region_code, region_level, plan_year) in front of every table but
 * documents; the XLSX plugin writes those columns too, the JSON and SQLite
 * plugins do not, so the bare JSON and SQLite writers leave them out.
 *
 * usage: bench_bare CSV_FOLDER OUT_FOLDER
 * Prints one line of JSON on stdout: {"rows":N,"cells":N,"tables":N,
 * "table_rows":{...},"load_seconds":S,"csv_seconds":S,"xlsx_seconds":S,
 * "json_seconds":S,"sqlite_seconds":S,"sqlite_keyed_seconds":S}; rows and cells are those of the CSV
 * files (header rows not counted). Exit 0, 1 on an error (named on stderr),
 * 2 on a usage error. */
#include <cjson/cJSON.h>
#include <csv.h>
#include <errno.h>
#include <inttypes.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <xlsxwriter.h>

/* The XLSX plugin's thresholds (plugins/xlsx/xlsx.c). */
#define BARE_XLSX_CONSTANT_MEMORY_ROWS 100000
#define BARE_XLSX_ZIP64_BYTES (512ull << 20)
/* Excel: data rows per sheet (one row is the header), characters per cell. */
#define BARE_XLSX_SHEET_ROWS (LXW_ROW_MAX - 1)
#define BARE_XLSX_STRING_MAX 32767
#define BARE_ARENA_BLOCK (8u << 20)
#define BARE_MESSAGE_SIZE 1024

typedef enum bare_status {
    BARE_OK = 0,
    BARE_ERR_USAGE,
    BARE_ERR_IO,
    BARE_ERR_FORMAT,
    BARE_ERR_NOMEM,
    BARE_ERR_LIBRARY,
} bare_status;

static const char *bare_strerror(bare_status status)
{
    switch (status) {
    case BARE_OK: return "success";
    case BARE_ERR_USAGE: return "usage error";
    case BARE_ERR_IO: return "input/output error";
    case BARE_ERR_FORMAT: return "bad input";
    case BARE_ERR_NOMEM: return "out of memory";
    case BARE_ERR_LIBRARY: return "library error";
    }
    return "unknown error";
}

typedef enum bare_type { BARE_NULL, BARE_INTEGER, BARE_NUMBER, BARE_BOOLEAN, BARE_DATE, BARE_STRING } bare_type;

/* One cell: 16 bytes, so that a few million rows fit. Text points into the
 * arena and is NUL-terminated (libxlsxwriter and cJSON want C strings). */
typedef struct bare_cell {
    union {
        int64_t integer;
        double number;
        int boolean;
        struct {
            int16_t year;
            uint8_t month, day;
        } date;
        const char *text;
    } as;
    uint32_t length; /* text bytes, without the NUL */
    uint8_t type;    /* bare_type; BARE_NULL for an empty field */
} bare_cell;

typedef struct bare_column {
    char *name;
    bare_type type;
    bool identity; /* the CSV exporter's identity column, not the table's own */
} bare_column;

typedef struct bare_table {
    char *name;
    char *path; /* the CSV file */
    char delimiter;
    bare_column *columns;
    size_t column_count;
    bare_cell *cells; /* row r's cells at r * column_count */
    size_t row_count, row_capacity;
    char *primary_key; /* the schema's primaryKey as SQL: "doc_id", "seq" (NULL: none) */
} bare_table;

typedef struct bare_block {
    struct bare_block *next;
    size_t used, size;
    char data[];
} bare_block;

/* Everything loaded; the blocks own every text. */
typedef struct bare_run {
    bare_table *tables;
    size_t table_count;
    bare_block *blocks;
    uint64_t rows, cells, text_bytes;
} bare_run;

static bare_status fail(char *message, bare_status status, const char *format, ...)
    __attribute__((format(printf, 3, 4)));

static bare_status fail(char *message, bare_status status, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    vsnprintf(message, BARE_MESSAGE_SIZE, format, args);
    va_end(args);
    return status;
}

/* folder/name into path; false when it does not fit. */
static bool join_path(char *path, size_t size, const char *folder, const char *name)
{
    int n = snprintf(path, size, "%s/%s", folder, name);
    return n > 0 && (size_t)n < size;
}

static double now_seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* A copy of length bytes and a NUL in the run's arena; NULL when out of memory. */
static char *arena_copy(bare_run *run, const char *text, size_t length)
{
    bare_block *block = run->blocks;
    if (!block || block->size - block->used < length + 1) {
        size_t size = length + 1 > BARE_ARENA_BLOCK ? length + 1 : BARE_ARENA_BLOCK;
        block = malloc(sizeof *block + size);
        if (!block)
            return NULL;
        block->used = 0;
        block->size = size;
        block->next = run->blocks;
        run->blocks = block;
    }
    char *copy = block->data + block->used;
    memcpy(copy, text, length);
    copy[length] = '\0';
    block->used += length + 1;
    return copy;
}

static void run_free(bare_run *run)
{
    for (size_t t = 0; t < run->table_count; t++) {
        bare_table *table = &run->tables[t];
        for (size_t c = 0; c < table->column_count; c++)
            free(table->columns[c].name);
        free(table->columns);
        free(table->cells);
        free(table->name);
        free(table->path);
        free(table->primary_key);
    }
    free(run->tables);
    while (run->blocks) {
        bare_block *next = run->blocks->next;
        free(run->blocks);
        run->blocks = next;
    }
}

/* ---- datapackage.json -------------------------------------------------- */

static bare_status read_file(const char *path, char **text_out, char *message)
{
    FILE *file = fopen(path, "rb");
    if (!file)
        return fail(message, BARE_ERR_IO, "%s: %s", path, strerror(errno));
    size_t size = 0, capacity = 65536;
    char *text = malloc(capacity);
    size_t n;
    while (text && (n = fread(text + size, 1, capacity - size - 1, file)) > 0) {
        size += n;
        if (capacity - size - 1 == 0) {
            char *grown = realloc(text, capacity * 2);
            if (!grown) {
                free(text);
                text = NULL;
                break;
            }
            text = grown;
            capacity *= 2;
        }
    }
    bool failed = ferror(file) != 0;
    fclose(file);
    if (!text)
        return fail(message, BARE_ERR_NOMEM, "%s: out of memory", path);
    if (failed) {
        free(text);
        return fail(message, BARE_ERR_IO, "%s: cannot read", path);
    }
    text[size] = '\0';
    *text_out = text;
    return BARE_OK;
}

/* The Table Schema type of a field; anything not typed here is a string. */
static bare_type field_type(const char *type)
{
    if (!strcmp(type, "integer"))
        return BARE_INTEGER;
    if (!strcmp(type, "number"))
        return BARE_NUMBER;
    if (!strcmp(type, "boolean"))
        return BARE_BOOLEAN;
    if (!strcmp(type, "date"))
        return BARE_DATE;
    return BARE_STRING;
}

/* The CSV exporter's identity columns lead every table but documents and
 * those across reports, under these names (doc_<name> where the table has a
 * column of that name). */
static bool identity_name(const char *name)
{
    static const char *const names[] = {"province", "region", "region_code", "region_level", "plan_year"};
    if (!strncmp(name, "doc_", 4) && strcmp(name, "doc_id") != 0)
        name += 4;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (!strcmp(name, names[i]))
            return true;
    return false;
}

static bare_status describe_table(const char *folder, const cJSON *resource, size_t index, bare_table *table,
                                  char *message)
{
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(resource, "name");
    const cJSON *path = cJSON_GetObjectItemCaseSensitive(resource, "path");
    const cJSON *schema = cJSON_GetObjectItemCaseSensitive(resource, "schema");
    const cJSON *fields = cJSON_GetObjectItemCaseSensitive(schema, "fields");
    if (!cJSON_IsString(name) || !cJSON_IsString(path) || !cJSON_IsArray(fields) || strchr(path->valuestring, '/'))
        return fail(message, BARE_ERR_FORMAT,
                    "%s/datapackage.json: resources[%zu]: expected a name, a path in the folder and schema.fields",
                    folder, index);
    const cJSON *dialect = cJSON_GetObjectItemCaseSensitive(resource, "dialect");
    const cJSON *delimiter = cJSON_GetObjectItemCaseSensitive(dialect, "delimiter");
    table->delimiter =
        cJSON_IsString(delimiter) && strlen(delimiter->valuestring) == 1 ? delimiter->valuestring[0] : ',';
    table->name = strdup(name->valuestring);
    size_t length = strlen(folder) + strlen(path->valuestring) + 2;
    table->path = malloc(length);
    table->column_count = (size_t)cJSON_GetArraySize(fields);
    table->columns = calloc(table->column_count ? table->column_count : 1, sizeof *table->columns);
    if (!table->name || !table->path || !table->columns)
        return fail(message, BARE_ERR_NOMEM, "out of memory");
    snprintf(table->path, length, "%s/%s", folder, path->valuestring);
    const cJSON *key = cJSON_GetObjectItemCaseSensitive(schema, "primaryKey");
    if (cJSON_IsArray(key) && cJSON_GetArraySize(key) > 0) {
        size_t size = 1;
        const cJSON *k;
        cJSON_ArrayForEach(k, key) size += cJSON_IsString(k) ? strlen(k->valuestring) + 4 : 0;
        if (!(table->primary_key = calloc(size, 1)))
            return fail(message, BARE_ERR_NOMEM, "out of memory");
        cJSON_ArrayForEach(k, key) if (cJSON_IsString(k))
        {
            size_t used = strlen(table->primary_key);
            snprintf(table->primary_key + used, size - used, "%s\"%s\"", used ? ", " : "", k->valuestring);
        }
    }
    /* the identity is a block that opens on the province; a table across
     * reports (target_outcomes, escalation …) has none and may open on its
     * own plan_year or region_code */
    const cJSON *first = cJSON_GetArrayItem(fields, 0);
    const cJSON *first_name = first ? cJSON_GetObjectItemCaseSensitive(first, "name") : NULL;
    bool documents = !strcmp(table->name, "documents");
    bool leading = !documents && cJSON_IsString(first_name) &&
                   (!strcmp(first_name->valuestring, "province") || !strcmp(first_name->valuestring, "doc_province"));
    size_t c = 0;
    const cJSON *field;
    cJSON_ArrayForEach(field, fields)
    {
        const cJSON *field_name = cJSON_GetObjectItemCaseSensitive(field, "name");
        const cJSON *type = cJSON_GetObjectItemCaseSensitive(field, "type");
        if (!cJSON_IsString(field_name))
            return fail(message, BARE_ERR_FORMAT, "%s/datapackage.json: resources[%zu].schema.fields[%zu]: no name",
                        folder, index, c);
        bare_column *column = &table->columns[c++];
        column->name = strdup(field_name->valuestring);
        if (!column->name)
            return fail(message, BARE_ERR_NOMEM, "out of memory");
        column->type = cJSON_IsString(type) ? field_type(type->valuestring) : BARE_STRING;
        leading = leading && identity_name(column->name);
        column->identity = leading;
    }
    return BARE_OK;
}

static bare_status read_package(const char *folder, bare_run *run, char *message)
{
    char path[4096];
    if (!join_path(path, sizeof path, folder, "datapackage.json"))
        return fail(message, BARE_ERR_USAGE, "%s: path too long", folder);
    char *text = NULL;
    bare_status status = read_file(path, &text, message);
    if (status)
        return status;
    cJSON *package = cJSON_Parse(text);
    free(text);
    const cJSON *resources = cJSON_GetObjectItemCaseSensitive(package, "resources");
    if (!cJSON_IsArray(resources)) {
        cJSON_Delete(package);
        return fail(message, BARE_ERR_FORMAT, "%s: not JSON, or no resources array", path);
    }
    run->table_count = (size_t)cJSON_GetArraySize(resources);
    run->tables = calloc(run->table_count ? run->table_count : 1, sizeof *run->tables);
    if (!run->tables) {
        cJSON_Delete(package);
        return fail(message, BARE_ERR_NOMEM, "out of memory");
    }
    size_t index = 0;
    const cJSON *resource;
    cJSON_ArrayForEach(resource, resources)
    {
        status = describe_table(folder, resource, index, &run->tables[index], message);
        index++;
        if (status)
            break;
    }
    cJSON_Delete(package);
    return status;
}

/* ---- the CSV files, with libcsv ---------------------------------------- */

typedef struct bare_loader {
    bare_run *run;
    bare_table *table;
    uint64_t record; /* records seen; the header is record 0 */
    size_t field;    /* fields of the current record seen */
    bare_status status;
    char *message;
} bare_loader;

static bool parse_date(const char *s, size_t n, bare_cell *cell)
{
    if (n != 10 || s[4] != '-' || s[7] != '-')
        return false;
    for (size_t i = 0; i < n; i++)
        if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
            return false;
    cell->as.date.year = (int16_t)atoi(s);
    cell->as.date.month = (uint8_t)atoi(s + 5);
    cell->as.date.day = (uint8_t)atoi(s + 8);
    return true;
}

/* Types one field (NUL-terminated by CSV_APPEND_NULL; NULL when empty and
 * unquoted, CSV_EMPTY_IS_NULL); false when it is not of its column's type. */
static bool parse_cell(bare_loader *loader, const bare_column *column, const char *s, size_t n, bare_cell *cell)
{
    memset(cell, 0, sizeof *cell);
    if (!s || (n == 0 && column->type != BARE_STRING))
        return true; /* BARE_NULL */
    char *end = NULL;
    switch (column->type) {
    case BARE_NULL: return true;
    case BARE_INTEGER:
        errno = 0;
        cell->as.integer = strtoll(s, &end, 10);
        cell->type = BARE_INTEGER;
        return errno == 0 && end == s + n;
    case BARE_NUMBER:
        cell->as.number = strtod(s, &end);
        cell->type = BARE_NUMBER;
        return end == s + n;
    case BARE_BOOLEAN:
        cell->type = BARE_BOOLEAN;
        if (!strcmp(s, "true") || !strcmp(s, "True") || !strcmp(s, "TRUE") || !strcmp(s, "1"))
            cell->as.boolean = 1;
        else if (!(!strcmp(s, "false") || !strcmp(s, "False") || !strcmp(s, "FALSE") || !strcmp(s, "0")))
            return false;
        return true;
    case BARE_DATE: cell->type = BARE_DATE; return parse_date(s, n, cell);
    case BARE_STRING:
        if (n > UINT32_MAX) {
            loader->status = fail(loader->message, BARE_ERR_FORMAT, "%s: record %" PRIu64 ", column %s: over 4 GB",
                                  loader->table->path, loader->record, column->name);
            return true;
        }
        cell->type = BARE_STRING;
        cell->length = (uint32_t)n;
        cell->as.text = arena_copy(loader->run, s, n);
        loader->run->text_bytes += n;
        if (!cell->as.text)
            loader->status = fail(loader->message, BARE_ERR_NOMEM, "%s: out of memory", loader->table->path);
        return true;
    }
    return false;
}

static bool grow_rows(bare_table *table)
{
    if (table->row_count < table->row_capacity)
        return true;
    size_t capacity = table->row_capacity ? table->row_capacity * 2 : 1024;
    bare_cell *grown =
        realloc(table->cells, capacity * (table->column_count ? table->column_count : 1) * sizeof *grown);
    if (!grown)
        return false;
    table->cells = grown;
    table->row_capacity = capacity;
    return true;
}

static void on_field(void *text, size_t length, void *data)
{
    bare_loader *loader = data;
    bare_table *table = loader->table;
    if (loader->status)
        return;
    size_t field = loader->field++;
    if (field >= table->column_count) {
        loader->status = fail(loader->message, BARE_ERR_FORMAT,
                              "%s: record %" PRIu64 " has more than the %zu fields datapackage.json declares",
                              table->path, loader->record + 1, table->column_count);
        return;
    }
    const bare_column *column = &table->columns[field];
    if (loader->record == 0) {
        if (!text || strcmp(text, column->name) != 0)
            loader->status =
                fail(loader->message, BARE_ERR_FORMAT, "%s: header field %zu is '%s', datapackage.json names it '%s'",
                     table->path, field + 1, text ? (const char *)text : "", column->name);
        return;
    }
    if (field == 0 && !grow_rows(table)) {
        loader->status = fail(loader->message, BARE_ERR_NOMEM, "%s: out of memory", table->path);
        return;
    }
    bare_cell *cell = &table->cells[table->row_count * table->column_count + field];
    if (!parse_cell(loader, column, text, length, cell))
        loader->status = fail(loader->message, BARE_ERR_FORMAT, "%s: record %" PRIu64 ", column %s: '%.40s' is not %s",
                              table->path, loader->record + 1, column->name, (const char *)text,
                              column->type == BARE_INTEGER   ? "an integer"
                              : column->type == BARE_NUMBER  ? "a number"
                              : column->type == BARE_BOOLEAN ? "a boolean"
                                                             : "a date (YYYY-MM-DD)");
}

static void on_record(int terminator, void *data)
{
    (void)terminator;
    bare_loader *loader = data;
    if (loader->status)
        return;
    if (loader->field != loader->table->column_count) {
        loader->status = fail(loader->message, BARE_ERR_FORMAT,
                              "%s: record %" PRIu64 " has %zu fields, datapackage.json declares %zu",
                              loader->table->path, loader->record + 1, loader->field, loader->table->column_count);
        return;
    }
    if (loader->record > 0) {
        loader->table->row_count++;
        loader->run->rows++;
        loader->run->cells += loader->table->column_count;
    }
    loader->record++;
    loader->field = 0;
}

static bare_status load_table(bare_run *run, bare_table *table, char *message)
{
    FILE *file = fopen(table->path, "rb");
    if (!file)
        return fail(message, BARE_ERR_IO, "%s: %s", table->path, strerror(errno));
    struct csv_parser parser;
    if (csv_init(&parser, CSV_STRICT | CSV_STRICT_FINI | CSV_EMPTY_IS_NULL | CSV_APPEND_NULL) != 0) {
        fclose(file);
        return fail(message, BARE_ERR_NOMEM, "%s: cannot start the CSV parser", table->path);
    }
    csv_set_delim(&parser, (unsigned char)table->delimiter);
    bare_loader loader = {.run = run, .table = table, .message = message};
    static char buffer[1 << 16];
    size_t n;
    bool first = true;
    while (!loader.status && (n = fread(buffer, 1, sizeof buffer, file)) > 0) {
        const char *start = buffer;
        if (first && n >= 3 && !memcmp(buffer, "\xEF\xBB\xBF", 3)) {
            start += 3; /* the excel profile's BOM */
            n -= 3;
        }
        first = false;
        if (csv_parse(&parser, start, n, on_field, on_record, &loader) != n && !loader.status)
            loader.status = fail(message, BARE_ERR_FORMAT, "%s: record %" PRIu64 ": %s", table->path, loader.record + 1,
                                 csv_strerror(csv_error(&parser)));
    }
    if (!loader.status && ferror(file))
        loader.status = fail(message, BARE_ERR_IO, "%s: cannot read", table->path);
    if (!loader.status && csv_fini(&parser, on_field, on_record, &loader) != 0)
        loader.status =
            fail(message, BARE_ERR_FORMAT, "%s: at the end: %s", table->path, csv_strerror(csv_error(&parser)));
    if (!loader.status && loader.record == 0)
        loader.status = fail(message, BARE_ERR_FORMAT, "%s: no header row", table->path);
    csv_free(&parser);
    fclose(file);
    return loader.status;
}

/* ---- writing ------------------------------------------------------------ */

static bare_status make_folder(const char *path, char *message)
{
    if (mkdir(path, 0755) != 0 && errno != EEXIST)
        return fail(message, BARE_ERR_IO, "%s: cannot create: %s", path, strerror(errno));
    return BARE_OK;
}

/* A number as the shortest of %.15g and %.17g that reads back the same. */
static int format_number(double value, char *buffer, size_t size)
{
    int n = snprintf(buffer, size, "%.15g", value);
    if (strtod(buffer, NULL) != value)
        n = snprintf(buffer, size, "%.17g", value);
    return n;
}

static int format_date(const bare_cell *cell, char *buffer, size_t size)
{
    return snprintf(buffer, size, "%04d-%02d-%02d", cell->as.date.year, cell->as.date.month, cell->as.date.day);
}

/* A cell as text for CSV (buffer holds numbers); length through *length. */
static const char *cell_text(const bare_cell *cell, char *buffer, size_t size, size_t *length)
{
    int n = 0;
    switch ((bare_type)cell->type) {
    case BARE_NULL: *length = 0; return "";
    case BARE_STRING: *length = cell->length; return cell->as.text;
    case BARE_INTEGER: n = snprintf(buffer, size, "%" PRId64, cell->as.integer); break;
    case BARE_NUMBER: n = format_number(cell->as.number, buffer, size); break;
    case BARE_BOOLEAN: n = snprintf(buffer, size, "%s", cell->as.boolean ? "true" : "false"); break;
    case BARE_DATE: n = format_date(cell, buffer, size); break;
    }
    *length = n > 0 ? (size_t)n : 0;
    return buffer;
}

/* csv: one RFC 4180 file per table, every field through csv_fwrite. */
static bare_status write_csv(const bare_run *run, const char *out, char *message)
{
    char folder[4096];
    if (!join_path(folder, sizeof folder, out, "csv"))
        return fail(message, BARE_ERR_USAGE, "%s: path too long", out);
    bare_status status = make_folder(folder, message);
    for (size_t t = 0; t < run->table_count && !status; t++) {
        const bare_table *table = &run->tables[t];
        char name[512], path[4096];
        snprintf(name, sizeof name, "%.500s.csv", table->name);
        if (!join_path(path, sizeof path, folder, name))
            return fail(message, BARE_ERR_USAGE, "%s: path too long", folder);
        FILE *file = fopen(path, "wb");
        if (!file)
            return fail(message, BARE_ERR_IO, "%s: cannot create: %s", path, strerror(errno));
        for (size_t c = 0; c < table->column_count; c++) {
            if (c)
                putc(',', file);
            csv_fwrite(file, table->columns[c].name, strlen(table->columns[c].name));
        }
        fputs("\r\n", file);
        for (size_t r = 0; r < table->row_count; r++) {
            const bare_cell *row = &table->cells[r * table->column_count];
            for (size_t c = 0; c < table->column_count; c++) {
                if (c)
                    putc(',', file);
                if (row[c].type != BARE_NULL) {
                    char buffer[64];
                    size_t length;
                    const char *text = cell_text(&row[c], buffer, sizeof buffer, &length);
                    csv_fwrite(file, text, length);
                }
            }
            fputs("\r\n", file);
        }
        bool failed = ferror(file) != 0;
        if (fclose(file) != 0 || failed)
            status = fail(message, BARE_ERR_IO, "%s: cannot write: %s", path, strerror(errno));
    }
    return status;
}

/* A string Excel takes: at most BARE_XLSX_STRING_MAX bytes (so at most as
 * many characters), cut at a UTF-8 character boundary. */
static const char *xlsx_string(const bare_cell *cell, char *scratch)
{
    if (cell->length <= BARE_XLSX_STRING_MAX)
        return cell->as.text;
    size_t n = BARE_XLSX_STRING_MAX;
    while (n > 0 && ((unsigned char)cell->as.text[n] & 0xC0) == 0x80)
        n--;
    memcpy(scratch, cell->as.text, n);
    scratch[n] = '\0';
    return scratch;
}

static lxw_error xlsx_cell(lxw_worksheet *sheet, lxw_row_t row, lxw_col_t col, const bare_cell *cell,
                           lxw_format *date_format, char *scratch)
{
    switch ((bare_type)cell->type) {
    case BARE_NULL: return LXW_NO_ERROR;
    case BARE_INTEGER: return worksheet_write_number(sheet, row, col, (double)cell->as.integer, NULL);
    case BARE_NUMBER: return worksheet_write_number(sheet, row, col, cell->as.number, NULL);
    case BARE_BOOLEAN: return worksheet_write_boolean(sheet, row, col, cell->as.boolean, NULL);
    case BARE_DATE: {
        lxw_datetime date = {cell->as.date.year, cell->as.date.month, cell->as.date.day, 0, 0, 0};
        return worksheet_write_datetime(sheet, row, col, &date, date_format);
    }
    case BARE_STRING: return worksheet_write_string(sheet, row, col, xlsx_string(cell, scratch), NULL);
    }
    return LXW_NO_ERROR;
}

/* One sheet: the header row, then data rows [first, last) of the table. */
static bare_status xlsx_sheet(lxw_workbook *workbook, const bare_table *table, size_t part, size_t first, size_t last,
                              lxw_format *date_format, char *scratch, char *message)
{
    char name[LXW_SHEETNAME_MAX + 1];
    if (part == 0)
        snprintf(name, sizeof name, "%.31s", table->name);
    else
        snprintf(name, sizeof name, "%.24s (%zu)", table->name, part + 1);
    lxw_worksheet *sheet = workbook_add_worksheet(workbook, name);
    if (!sheet)
        return fail(message, BARE_ERR_LIBRARY, "xlsx: cannot add sheet %s", name);
    lxw_error error = LXW_NO_ERROR;
    for (size_t c = 0; c < table->column_count && !error; c++)
        error = worksheet_write_string(sheet, 0, (lxw_col_t)c, table->columns[c].name, NULL);
    for (size_t r = first; r < last && !error; r++) {
        const bare_cell *row = &table->cells[r * table->column_count];
        lxw_row_t sheet_row = (lxw_row_t)(r - first + 1);
        for (size_t c = 0; c < table->column_count && !error; c++)
            error = xlsx_cell(sheet, sheet_row, (lxw_col_t)c, &row[c], date_format, scratch);
    }
    if (error)
        return fail(message, BARE_ERR_LIBRARY, "xlsx: sheet %s: %s", name, lxw_strerror(error));
    return BARE_OK;
}

/* xlsx: a sheet per table, split past Excel's row limit. */
static bare_status write_xlsx(const bare_run *run, const char *out, char *message)
{
    char path[4096];
    if (!join_path(path, sizeof path, out, "bare.xlsx"))
        return fail(message, BARE_ERR_USAGE, "%s: path too long", out);
    lxw_workbook_options options = {
        .constant_memory = run->rows > BARE_XLSX_CONSTANT_MEMORY_ROWS ? LXW_TRUE : LXW_FALSE,
        .tmpdir = NULL,
        .use_zip64 = run->text_bytes > BARE_XLSX_ZIP64_BYTES ? LXW_TRUE : LXW_FALSE,
    };
    lxw_workbook *workbook = workbook_new_opt(path, &options);
    if (!workbook)
        return fail(message, BARE_ERR_LIBRARY, "%s: cannot create the workbook", path);
    lxw_format *date_format = workbook_add_format(workbook);
    format_set_num_format(date_format, "yyyy-mm-dd");
    char *scratch = malloc(BARE_XLSX_STRING_MAX + 1);
    bare_status status = scratch ? BARE_OK : fail(message, BARE_ERR_NOMEM, "out of memory");
    for (size_t t = 0; t < run->table_count && !status; t++) {
        const bare_table *table = &run->tables[t];
        size_t part = 0, first = 0;
        do {
            size_t last =
                table->row_count - first > BARE_XLSX_SHEET_ROWS ? first + BARE_XLSX_SHEET_ROWS : table->row_count;
            status = xlsx_sheet(workbook, table, part++, first, last, date_format, scratch, message);
            first = last;
        } while (!status && first < table->row_count);
    }
    free(scratch);
    lxw_error error = workbook_close(workbook);
    if (!status && error)
        status = fail(message, BARE_ERR_LIBRARY, "%s: %s", path, lxw_strerror(error));
    return status;
}

/* One row as a cJSON object, the identity columns left out; NULL when out
 * of memory. */
static cJSON *json_row(const bare_table *table, const bare_cell *row)
{
    cJSON *object = cJSON_CreateObject();
    for (size_t c = 0; c < table->column_count && object; c++) {
        const bare_column *column = &table->columns[c];
        if (column->identity)
            continue;
        char buffer[16];
        const cJSON *added = NULL;
        switch ((bare_type)row[c].type) {
        case BARE_NULL: added = cJSON_AddNullToObject(object, column->name); break;
        case BARE_INTEGER: added = cJSON_AddNumberToObject(object, column->name, (double)row[c].as.integer); break;
        case BARE_NUMBER: added = cJSON_AddNumberToObject(object, column->name, row[c].as.number); break;
        case BARE_BOOLEAN: added = cJSON_AddBoolToObject(object, column->name, row[c].as.boolean); break;
        case BARE_DATE:
            format_date(&row[c], buffer, sizeof buffer);
            added = cJSON_AddStringToObject(object, column->name, buffer);
            break;
        case BARE_STRING: added = cJSON_AddStringToObject(object, column->name, row[c].as.text); break;
        }
        if (!added) {
            cJSON_Delete(object);
            object = NULL;
        }
    }
    return object;
}

/* json: {"tables": {"<table>": [row, ...], ...}}, each row built with cJSON
 * and printed unformatted. */
static bare_status write_json(const bare_run *run, const char *out, char *message)
{
    char path[4096];
    if (!join_path(path, sizeof path, out, "bare.json"))
        return fail(message, BARE_ERR_USAGE, "%s: path too long", out);
    FILE *file = fopen(path, "wb");
    if (!file)
        return fail(message, BARE_ERR_IO, "%s: cannot create: %s", path, strerror(errno));
    bare_status status = BARE_OK;
    fputs("{\"tables\":{", file);
    for (size_t t = 0; t < run->table_count && !status; t++) {
        const bare_table *table = &run->tables[t];
        fprintf(file, "%s\"%s\":[", t ? "," : "", table->name);
        for (size_t r = 0; r < table->row_count && !status; r++) {
            cJSON *object = json_row(table, &table->cells[r * table->column_count]);
            char *printed = object ? cJSON_PrintUnformatted(object) : NULL;
            if (!printed)
                status = fail(message, BARE_ERR_NOMEM, "json: table %s, row %zu: out of memory", table->name, r + 1);
            else {
                if (r)
                    putc(',', file);
                fputs(printed, file);
            }
            cJSON_free(printed);
            cJSON_Delete(object);
        }
        putc(']', file);
    }
    fputs("}}\n", file);
    bool failed = ferror(file) != 0;
    if ((fclose(file) != 0 || failed) && !status)
        status = fail(message, BARE_ERR_IO, "%s: cannot write: %s", path, strerror(errno));
    return status;
}

static const char *sql_type(bare_type type)
{
    switch (type) {
    case BARE_INTEGER:
    case BARE_BOOLEAN: return "INTEGER";
    case BARE_NUMBER: return "REAL";
    case BARE_NULL:
    case BARE_DATE:
    case BARE_STRING: return "TEXT";
    }
    return "TEXT";
}

static int sqlite_bind(sqlite3_stmt *insert, int index, const bare_cell *cell)
{
    char buffer[16];
    switch ((bare_type)cell->type) {
    case BARE_NULL: return sqlite3_bind_null(insert, index);
    case BARE_INTEGER: return sqlite3_bind_int64(insert, index, cell->as.integer);
    case BARE_NUMBER: return sqlite3_bind_double(insert, index, cell->as.number);
    case BARE_BOOLEAN: return sqlite3_bind_int(insert, index, cell->as.boolean);
    case BARE_DATE:
        format_date(cell, buffer, sizeof buffer);
        return sqlite3_bind_text(insert, index, buffer, -1, SQLITE_TRANSIENT);
    case BARE_STRING: return sqlite3_bind_text(insert, index, cell->as.text, (int)cell->length, SQLITE_STATIC);
    }
    return SQLITE_MISUSE;
}

/* Builds "CREATE TABLE ..." (what = 0; 2: with the schema's primary key)
 * or "INSERT INTO ... VALUES (?, ...)" (what = 1) for a table's own columns;
 * NULL when out of memory. */
static char *sqlite_statement(const bare_table *table, int what)
{
    size_t size = 96 + strlen(table->name) + (table->primary_key ? strlen(table->primary_key) : 0);
    for (size_t c = 0; c < table->column_count; c++)
        size += strlen(table->columns[c].name) + 16;
    char *sql = malloc(size);
    if (!sql)
        return NULL;
    size_t used =
        (size_t)snprintf(sql, size, what != 1 ? "CREATE TABLE \"%s\" (" : "INSERT INTO \"%s\" VALUES (", table->name);
    int count = 0;
    for (size_t c = 0; c < table->column_count; c++) {
        const bare_column *column = &table->columns[c];
        if (column->identity)
            continue;
        if (what != 1)
            used += (size_t)snprintf(sql + used, size - used, "%s\"%s\" %s", count ? ", " : "", column->name,
                                     sql_type(column->type));
        else
            used += (size_t)snprintf(sql + used, size - used, "%s?", count ? ", " : "");
        count++;
    }
    if (what == 2 && table->primary_key)
        used += (size_t)snprintf(sql + used, size - used, ", PRIMARY KEY (%s)", table->primary_key);
    snprintf(sql + used, size - used, ")");
    return sql;
}

static bare_status sqlite_table(sqlite3 *db, const bare_table *table, bool keyed, char *message)
{
    char *create = sqlite_statement(table, keyed ? 2 : 0), *insert_sql = sqlite_statement(table, 1);
    sqlite3_stmt *insert = NULL;
    bare_status status = BARE_OK;
    if (!create || !insert_sql)
        status = fail(message, BARE_ERR_NOMEM, "out of memory");
    else if (sqlite3_exec(db, create, NULL, NULL, NULL) != SQLITE_OK ||
             sqlite3_prepare_v2(db, insert_sql, -1, &insert, NULL) != SQLITE_OK)
        status = fail(message, BARE_ERR_LIBRARY, "sqlite: table %s: %s", table->name, sqlite3_errmsg(db));
    for (size_t r = 0; r < table->row_count && !status; r++) {
        const bare_cell *row = &table->cells[r * table->column_count];
        int index = 1, rc = SQLITE_OK;
        for (size_t c = 0; c < table->column_count && rc == SQLITE_OK; c++)
            if (!table->columns[c].identity)
                rc = sqlite_bind(insert, index++, &row[c]);
        if (rc == SQLITE_OK)
            rc = sqlite3_step(insert) == SQLITE_DONE ? SQLITE_OK : SQLITE_ERROR;
        if (rc != SQLITE_OK)
            status = fail(message, BARE_ERR_LIBRARY, "sqlite: table %s, row %zu: %s", table->name, r + 1,
                          sqlite3_errmsg(db));
        sqlite3_reset(insert);
    }
    sqlite3_finalize(insert);
    free(create);
    free(insert_sql);
    /* keyed: the index on doc_id every table of the exporter has, built after the rows */
    bool has_doc_id = false;
    for (size_t c = 0; c < table->column_count; c++)
        has_doc_id |= !table->columns[c].identity && !strcmp(table->columns[c].name, "doc_id");
    if (!status && keyed && has_doc_id && strcmp(table->name, "documents") != 0) {
        char sql[512];
        snprintf(sql, sizeof sql, "CREATE INDEX \"%s_doc_id_idx\" ON \"%s\" (doc_id)", table->name, table->name);
        if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
            status = fail(message, BARE_ERR_LIBRARY, "sqlite: table %s: %s", table->name, sqlite3_errmsg(db));
    }
    return status;
}

/* sqlite: typed tables, one transaction, a prepared INSERT per table;
 * keyed: with the tables' primary keys and an index on doc_id, as the
 * exporter's tables have (the same work a keyed table needs). */
static bare_status write_sqlite_as(const bare_run *run, const char *out, bool keyed, char *message)
{
    char path[4096];
    if (!join_path(path, sizeof path, out, keyed ? "bare-keyed.sqlite" : "bare.sqlite"))
        return fail(message, BARE_ERR_USAGE, "%s: path too long", out);
    unlink(path);
    sqlite3 *db = NULL;
    if (sqlite3_open(path, &db) != SQLITE_OK) {
        bare_status status = fail(message, BARE_ERR_LIBRARY, "%s: %s", path, db ? sqlite3_errmsg(db) : "out of memory");
        sqlite3_close(db);
        return status;
    }
    bare_status status = BARE_OK;
    if (sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
        status = fail(message, BARE_ERR_LIBRARY, "%s: BEGIN: %s", path, sqlite3_errmsg(db));
    for (size_t t = 0; t < run->table_count && !status; t++)
        status = sqlite_table(db, &run->tables[t], keyed, message);
    if (!status && sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
        status = fail(message, BARE_ERR_LIBRARY, "%s: COMMIT: %s", path, sqlite3_errmsg(db));
    if (sqlite3_close(db) != SQLITE_OK && !status)
        status = fail(message, BARE_ERR_LIBRARY, "%s: cannot close", path);
    return status;
}

static bare_status write_sqlite(const bare_run *run, const char *out, char *message)
{
    return write_sqlite_as(run, out, false, message);
}

static bare_status write_sqlite_keyed(const bare_run *run, const char *out, char *message)
{
    return write_sqlite_as(run, out, true, message);
}

/* ---- main --------------------------------------------------------------- */

typedef bare_status (*bare_writer)(const bare_run *run, const char *out, char *message);

int main(int argc, char **argv)
{
    if (argc != 3 || argv[1][0] == '-') {
        fprintf(stderr,
                "usage: bench_bare CSV_FOLDER OUT_FOLDER\n"
                "  reads the CSV exporter's folder (its CSV files and datapackage.json) into memory, then\n"
                "  times writing those rows with bare libcsv, libxlsxwriter, cJSON and SQLite into OUT_FOLDER\n");
        return 2;
    }
    const char *folder = argv[1], *out = argv[2];
    char message[BARE_MESSAGE_SIZE] = "";
    bare_run run = {0};
    double start = now_seconds();
    bare_status status = read_package(folder, &run, message);
    for (size_t t = 0; t < run.table_count && !status; t++)
        status = load_table(&run, &run.tables[t], message);
    double load_seconds = now_seconds() - start;
    if (!status)
        status = make_folder(out, message);

    static const struct {
        const char *name;
        bare_writer write;
    } writers[] = {{"csv", write_csv}, {"xlsx", write_xlsx}, {"json", write_json}, {"sqlite", write_sqlite},
                   {"sqlite_keyed", write_sqlite_keyed}};
    enum { WRITER_COUNT = sizeof writers / sizeof writers[0] };
    double seconds[WRITER_COUNT] = {0};
    for (size_t w = 0; w < WRITER_COUNT && !status; w++) {
        start = now_seconds();
        status = writers[w].write(&run, out, message);
        seconds[w] = now_seconds() - start;
    }
    if (status) {
        fprintf(stderr, "bench_bare: %s: %s\n", bare_strerror(status), message);
        run_free(&run);
        return 1;
    }

    printf("{\"rows\":%" PRIu64 ",\"cells\":%" PRIu64 ",\"tables\":%zu,\"table_rows\":{", run.rows, run.cells,
           run.table_count);
    for (size_t t = 0; t < run.table_count; t++)
        printf("%s\"%s\":%zu", t ? "," : "", run.tables[t].name, run.tables[t].row_count);
    printf("},\"load_seconds\":%.3f", load_seconds);
    for (size_t w = 0; w < WRITER_COUNT; w++)
        printf(",\"%s_seconds\":%.3f", writers[w].name, seconds[w]);
    printf("}\n");
    run_free(&run);
    return 0;
}
