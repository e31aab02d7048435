/* xlsx.c — the XLSX exporter: one Excel workbook for economics analysts.
 *
 * Rows of every table arrive interleaved, so each table's rows are spooled to
 * a tmpfile() as they come (cleaned for XML and Excel's limits on the way in,
 * coded values replaced by their Chinese labels, the document's identity put
 * in front, column widths measured at the same time) and the workbook is
 * built in close(commit = 1), when the totals are known: an About sheet (run
 * summary, rows per table, glossary of every column and its codes), the
 * sheets built from the targets (matrix.c), and one sheet per table (split
 * in two past Excel's row limit), a chart beside the data of the outcomes
 * sheet and of the tables across reports (charts.c), every sheet set up to
 * print. A table across reports (BG_TABLE_ACROSS, ABI 1.3) has no identity
 * block: its rows come after the last document's and name their regions in
 * their own columns. Large runs switch libxlsxwriter to constant_memory
 * mode, so every sheet is written strictly row by row. Written against
 * libxlsxwriter 1.1.4 (Debian 12). */
#include "book.h"
#include "charts.h"
#include "matrix.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Above this many rows in all tables, write with constant_memory. */
#define XLSX_CONSTANT_MEMORY_ROWS 100000
/* Above this many spooled bytes the sheet XML may pass 4 GB: use ZIP64. */
#define XLSX_ZIP64_SPOOL_BYTES (512ull << 20)
/* Cut-string warnings logged one by one before only counting them. */
#define XLSX_CUT_WARNINGS_MAX 5
/* Excel's date range for serial dates. */
#define XLSX_YEAR_MIN 1900
#define XLSX_YEAR_MAX 9999
/* Integers beyond 15 digits lose precision as Excel numbers: write as text. */
#define XLSX_EXACT_INTEGER_MAX 999999999999999LL


/* ---- Options ---------------------------------------------------------- */

static const bg_option_spec xlsx_options[] = {
    {"header", BG_OPTION_CHOICE, "\"label\"", "label|name|both",
     "what a table sheet's header row shows: the Chinese label, the column name, or both (two lines)"},
    {"matrix", BG_OPTION_BOOL, "true", NULL,
     "add the Targets matrix (a row per report, a cell per indicator), the GDP chart and the panels"},
    {"max_column_width", BG_OPTION_INTEGER, "60", NULL,
     "widest a column gets, in characters (CJK characters count double), 5..255"},
    {"interpretations", BG_OPTION_CHOICE, "\"after\"", "after|omit",
     "the matrix's rows for newspaper interpretations (解读): after the reports, or left out"},
    {"panels", BG_OPTION_BOOL, "true", NULL,
     "when the run covers several plan years, a sheet per headline indicator: regions x years"},
};

static const bg_option_limits xlsx_limits[] = {
    {0},
    {0},
    {.flags = BG_OPTION_HAS_MINIMUM | BG_OPTION_HAS_MAXIMUM, .minimum = 5, .maximum = 255},
    {0},
    {0},
};

/* The identity columns every table sheet but documents begins with. */
static const struct {
    const char *name, *label, *label_en;
    bg_type type;
    uint32_t flags;
} identity_columns[XLSX_IDENTITY_COLUMNS] = {
    {"province", "省份", "province of the document's region", BG_TYPE_TEXT, 0},
    {"region", "地区", "the document's region", BG_TYPE_TEXT, 0},
    {"region_code", "行政区划代码", "GB/T 2260 code of the region in the plan year", BG_TYPE_TEXT, BG_COLUMN_CODE},
    {"region_level", "级别", "level of the region (全国, 省, 市, 区, 县)", BG_TYPE_TEXT, 0},
    {"plan_year", "计划年份", "year the document plans for", BG_TYPE_INTEGER, 0},
};

/* ---- Small helpers ---------------------------------------------------- */











static int column_index(const xlsx_table *t, const char *name)
{
    for (size_t c = 0; c < t->column_count; c++)
        if (strcmp(t->columns[c].name, name) == 0)
            return (int)c;
    return -1;
}


/* ---- Spooling --------------------------------------------------------- */

/* A spooled row is its byte length (uint32), then per column one type byte
 * and its payload: nothing for NULL, int64 for INTEGER, double for REAL,
 * three int32 for DATE, and a uint32 byte length plus the cleaned bytes and
 * a NUL for TEXT. Host byte order: the file never leaves this process. A
 * row is put together in s->row_text and written with one call, and read
 * back the same way, so a cell costs no stdio call. */
static bool spool_put(xlsx_state *s, const void *data, size_t size)
{
    if (!xlsx_grow((void **)&s->row_text, &s->row_text_capacity, s->row_text_used + size, 1)) {
        s->spool_nomem = true;
        return false;
    }
    memcpy(s->row_text + s->row_text_used, data, size);
    s->row_text_used += size;
    return true;
}

static bool spool_flush(xlsx_state *s, xlsx_table *t)
{
    uint32_t n = (uint32_t)s->row_text_used;
    t->spool_bytes += n + sizeof n;
    return fwrite(&n, sizeof n, 1, t->spool) == 1 && fwrite(s->row_text, 1, n, t->spool) == n;
}

/* Digits Excel shows for an integer (with its sign). */
static unsigned integer_width(int64_t v)
{
    unsigned n = v < 0 ? 2 : 1;
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    while (u >= 10) {
        u /= 10;
        n++;
    }
    return n;
}

/* What Excel will show for a number, to size the column. */
static unsigned number_width(double v, bool percent)
{
    char buf[64];
    if (percent)
        return (unsigned)snprintf(buf, sizeof buf, "%.3f", v) + 1;
    if (v == floor(v) && fabs(v) >= 1e9)
        return (unsigned)snprintf(buf, sizeof buf, "%.0f", v) * 4 / 3;
    return (unsigned)snprintf(buf, sizeof buf, "%.10g", v);
}

/* One row as the sheet shows it: the identity cells (from the current
 * document), then the host's cells, in column order. Text cells point at the
 * host's strings or s->ident_text. */
static bg_cell *sheet_row(xlsx_state *s, const xlsx_table *t, const bg_cell *cells)
{
    if (!xlsx_grow((void **)&s->row_cells, &s->row_cells_capacity, t->column_count + 1, sizeof *s->row_cells))
        return NULL;
    for (size_t c = 0; c < t->column_count; c++) {
        int source = t->columns[c].source;
        bg_cell *out = &s->row_cells[c];
        if (source >= XLSX_IDENTITY_COLUMNS) {
            *out = cells[source - XLSX_IDENTITY_COLUMNS];
        } else if (source == IDENT_PLAN_YEAR) {
            out->type = s->ident_has_year ? BG_TYPE_INTEGER : BG_TYPE_NULL;
            out->as.integer = s->ident_year;
        } else {
            const char *text = s->ident_text[source];
            out->type = text ? BG_TYPE_TEXT : BG_TYPE_NULL;
            out->as.text.data = text;
            out->as.text.length = text ? strlen(text) : 0;
        }
    }
    return s->row_cells;
}

static bg_status spool_row(xlsx_state *s, xlsx_table *t, const bg_cell *host_cells)
{
    const bg_cell *cells = sheet_row(s, t, host_cells);
    if (!cells)
        return xlsx_nomem(s, t->name);
    bool ok = true;
    s->row_text_used = 0;
    for (size_t c = 0; c < t->column_count && ok; c++) {
        const bg_cell *cell = &cells[c];
        xlsx_column *col = &t->columns[c];
        uint8_t type = (uint8_t)cell->type;
        unsigned width = 0;
        ok = spool_put(s, &type, 1);
        switch (cell->type) {
        case BG_TYPE_NULL: break;
        case BG_TYPE_INTEGER:
            ok = ok && spool_put(s, &cell->as.integer, sizeof cell->as.integer);
            /* below 1e9 an integer shows as its digits (a percent: with .000%) */
            width = cell->as.integer > -1000000000 && cell->as.integer < 1000000000 && !xlsx_is_percent(t, c, cells)
                        ? integer_width(cell->as.integer)
                        : number_width((double)cell->as.integer, xlsx_is_percent(t, c, cells));
            break;
        case BG_TYPE_REAL:
            ok = ok && spool_put(s, &cell->as.real, sizeof cell->as.real);
            width = number_width(cell->as.real, xlsx_is_percent(t, c, cells));
            break;
        case BG_TYPE_DATE: {
            int32_t ymd[3] = {cell->as.date.year, cell->as.date.month, cell->as.date.day};
            ok = ok && spool_put(s, ymd, sizeof ymd);
            width = 10;
            break;
        }
        case BG_TYPE_TEXT: {
            const char *text = cell->as.text.data;
            size_t length = cell->as.text.length;
            /* a coded value shows its Chinese label (the glossary has the codes) */
            if (col->value_count && length < 64) {
                char code[64];
                memcpy(code, text, length);
                code[length] = '\0';
                const char *label = xlsx_value_label(col->values, col->value_count, code);
                if (label) {
                    text = label;
                    length = strlen(label);
                }
            }
            bool cut;
            size_t n = xlsx_clean_text(s, text, length, &cut);
            if (n == SIZE_MAX)
                return xlsx_nomem(s, "cleaning text");
            if (cut && ++s->cut_cells <= XLSX_CUT_WARNINGS_MAX)
                xlsx_host->log(s->ctx, BG_LOG_WARN,
                               "table %s row %" PRIu64 " column %s: text of %zu bytes cut to Excel's limit of %d "
                               "characters",
                               t->name, t->row_count + 1, col->name, cell->as.text.length, XLSX_CELL_UNITS_MAX);
            uint32_t len = (uint32_t)n;
            ok = ok && spool_put(s, &len, sizeof len) && spool_put(s, s->scratch, n) && spool_put(s, "", 1);
            width = xlsx_text_width(s->scratch, n);
            break;
        }
        }
        if (width > col->width)
            col->width = width;
    }
    if (s->spool_nomem)
        return xlsx_nomem(s, "spooling a row");
    ok = ok && spool_flush(s, t);
    if (!ok)
        return xlsx_host->fail(s->ctx, BG_ERR_IO, "%s: spooling table %s row %" PRIu64 ": %s", s->path, t->name,
                               t->row_count + 1, strerror(errno));
    t->row_count++;
    return xlsx_chart_capture(s, t, cells);
}

/* Reads one spooled row into cells; text points into s->row_text. */
static bool read_row(xlsx_state *s, const xlsx_table *t, bg_cell *cells)
{
    uint32_t n;
    if (fread(&n, sizeof n, 1, t->spool) != 1 || !xlsx_grow((void **)&s->row_text, &s->row_text_capacity, n + 1, 1) ||
        fread(s->row_text, 1, n, t->spool) != n)
        return false;
    const char *p = s->row_text, *end = s->row_text + n;
#define TAKE(dst, size)                                                                                                \
    do {                                                                                                               \
        if ((size_t)(end - p) < (size))                                                                                \
            return false;                                                                                              \
        memcpy((dst), p, (size));                                                                                      \
        p += (size);                                                                                                   \
    } while (0)
    for (size_t c = 0; c < t->column_count; c++) {
        uint8_t type;
        bg_cell *cell = &cells[c];
        TAKE(&type, 1);
        cell->type = (bg_type)type;
        switch (cell->type) {
        case BG_TYPE_NULL: break;
        case BG_TYPE_INTEGER: TAKE(&cell->as.integer, sizeof cell->as.integer); break;
        case BG_TYPE_REAL: TAKE(&cell->as.real, sizeof cell->as.real); break;
        case BG_TYPE_DATE: {
            int32_t ymd[3];
            TAKE(ymd, sizeof ymd);
            cell->as.date = (bg_date){ymd[0], ymd[1], ymd[2]};
            break;
        }
        case BG_TYPE_TEXT: {
            uint32_t len;
            TAKE(&len, sizeof len);
            if ((size_t)(end - p) < (size_t)len + 1)
                return false;
            cell->as.text.data = p; /* NUL-terminated in the spool */
            cell->as.text.length = len;
            p += len + 1;
            break;
        }
        default: return false;
        }
    }
#undef TAKE
    return p == end;
}

/* ---- Callbacks: open, begin_table, write_row, end_table, finish --------- */

/* Creates (empties) the output file. libxlsxwriter prints to stderr when it
 * cannot create the file, which a plugin must not do, so we find out first. */
static bg_status probe_output(bg_context *ctx, const char *path)
{
    FILE *f = fopen(path, "wb");
    if (!f || fclose(f) != 0)
        return xlsx_host->fail(ctx, BG_ERR_IO, "%s: cannot create the workbook: %s", path, strerror(errno));
    return BG_OK;
}

static xlsx_table *find_table(xlsx_state *s, const bg_table_schema *schema)
{
    if (schema->index < s->table_count && strcmp(s->tables[schema->index].name, schema->name) == 0)
        return &s->tables[schema->index];
    for (size_t i = 0; i < s->table_count; i++)
        if (strcmp(s->tables[i].name, schema->name) == 0)
            return &s->tables[i];
    return NULL;
}

static bg_status xlsx_open(bg_context *ctx, void **state)
{
    xlsx_state *s = calloc(1, sizeof *s);
    if (!s)
        return xlsx_host->fail(ctx, BG_ERR_NOMEM, "xlsx: out of memory");
    s->ctx = ctx;
    s->documents_table = s->targets_table = -1;
    const char *header = xlsx_host->option_text(ctx, "header");
    s->header = header && strcmp(header, "name") == 0   ? HEADER_NAME
                : header && strcmp(header, "both") == 0 ? HEADER_BOTH
                                                        : HEADER_LABEL;
    s->matrix = xlsx_host->option_bool(ctx, "matrix") != 0;
    s->panels = xlsx_host->option_bool(ctx, "panels") != 0;
    const char *interpretations = xlsx_host->option_text(ctx, "interpretations");
    s->interpretations = !interpretations || strcmp(interpretations, "omit") != 0;
    int64_t width = xlsx_host->option_integer(ctx, "max_column_width");
    if (width < 5 || width > 255) {
        free(s);
        return xlsx_host->fail(ctx, BG_ERR_OPTION, "xlsx: max_column_width is %" PRId64 ", expected 5..255", width);
    }
    s->max_width = (unsigned)width;
    s->path = xlsx_host->output_file(ctx, NULL);
    if (!s->path) {
        free(s);
        return BG_ERR_IO; /* output_file has called fail */
    }
    /* Fail now, before the run does its work, when the file cannot be made. */
    bg_status status = probe_output(ctx, s->path);
    if (status != BG_OK) {
        free(s);
        return status;
    }
    *state = s;
    return BG_OK;
}

/* Copies a schema column into col (source: its cell in the spooled row). */
/* Gives col the code labels of from (NULL: none). */
static bool copy_labels(xlsx_column *col, const xlsx_column *from)
{
    if (!from || !from->value_count)
        return true;
    col->values = calloc(from->value_count, sizeof *col->values);
    if (!col->values)
        return false;
    for (size_t k = 0; k < from->value_count; k++) {
        col->values[k].value = xlsx_strdup(from->values[k].value);
        col->values[k].label = xlsx_strdup(from->values[k].label);
        col->value_count = k + 1;
        if (!col->values[k].value || !col->values[k].label)
            return false;
    }
    return true;
}

static bool copy_column(xlsx_state *s, xlsx_column *col, const bg_column *in, const bg_column_values *values,
                        int source)
{
    col->name = xlsx_strdup(in->name);
    col->label = xlsx_strdup(in->label);
    col->label_en = xlsx_strdup(in->label_en);
    if (!col->name || (in->label && !col->label) || (in->label_en && !col->label_en))
        return false;
    col->type = in->type;
    col->flags = in->flags;
    col->source = source;
    if (values && values->count) {
        col->values = calloc(values->count, sizeof *col->values);
        if (!col->values)
            return false;
        for (size_t k = 0; k < values->count; k++) {
            col->values[k].value = xlsx_strdup(values->values[k].value);
            col->values[k].label = xlsx_strdup(values->values[k].label);
            col->value_count = k + 1;
            if (!col->values[k].value || !col->values[k].label)
                return false;
        }
    }
    char text[512];
    xlsx_header_text(s, col->name, col->label, text, sizeof text);
    col->width = xlsx_text_width(text, strlen(text)) + 2; /* room for the filter button */
    return true;
}


/* The columns a table's sheet shows: for every table with a doc_id but
 * documents and the tables across reports, the identity first (a column of
 * the table's own with the same name, such as targets.plan_year, takes the
 * identity's place instead of appearing twice), then the table's columns. */
static bool table_columns(xlsx_state *s, xlsx_table *t, const bg_table_schema *schema)
{
    const bg_column_values *values =
        schema->struct_size >= offsetof(bg_table_schema, column_values) + sizeof schema->column_values
            ? schema->column_values
            : NULL;
    bool has_doc_id = false;
    for (size_t c = 0; c < schema->column_count; c++)
        has_doc_id |= strcmp(schema->columns[c].name, "doc_id") == 0;
    t->across = schema->struct_size >= offsetof(bg_table_schema, flags) + sizeof schema->flags &&
                (schema->flags & BG_TABLE_ACROSS);
    t->identity = has_doc_id && !t->across && strcmp(schema->name, "documents") != 0;
    t->host_columns = schema->column_count;
    size_t shown = schema->column_count + (t->identity ? XLSX_IDENTITY_COLUMNS : 0);
    t->columns = calloc(shown ? shown : 1, sizeof *t->columns);
    if (!t->columns)
        return false;
    t->column_count = shown; /* zeroed until filled: freeing them is safe */
    bool *taken = calloc(schema->column_count + 1, sizeof *taken);
    if (!taken)
        return false;
    size_t n = 0;
    bool ok = true;
    for (int k = 0; t->identity && k < XLSX_IDENTITY_COLUMNS && ok; k++) {
        int own = -1;
        for (size_t c = 0; c < schema->column_count && own < 0; c++)
            if (strcmp(schema->columns[c].name, identity_columns[k].name) == 0)
                own = (int)c;
        if (own >= 0) {
            taken[own] = true;
            ok = copy_column(s, &t->columns[n++], &schema->columns[own], values ? &values[own] : NULL,
                             XLSX_IDENTITY_COLUMNS + own);
            continue;
        }
        bg_column in = {identity_columns[k].name, identity_columns[k].type, identity_columns[k].label,
                        identity_columns[k].label_en, identity_columns[k].flags};
        ok = copy_column(s, &t->columns[n++], &in, NULL, k);
        if (ok && k == IDENT_LEVEL) /* the level shows the labels the host gives documents.level */
            ok = copy_labels(&t->columns[n - 1], xlsx_documents_column(s, "level"));
    }
    for (size_t c = 0; c < schema->column_count && ok; c++)
        if (!taken[c])
            ok = copy_column(s, &t->columns[n++], &schema->columns[c], values ? &values[c] : NULL,
                             (int)(XLSX_IDENTITY_COLUMNS + c));
    free(taken);
    t->column_count = n;
    return ok;
}

static bg_status xlsx_begin_table(bg_context *ctx, void *state, const bg_table_schema *schema)
{
    xlsx_state *s = state;
    s->ctx = ctx;
    xlsx_table *tables = realloc(s->tables, (s->table_count + 1) * sizeof *tables);
    if (!tables)
        return xlsx_nomem(s, "tables");
    s->tables = tables;
    xlsx_table *t = &tables[s->table_count];
    memset(t, 0, sizeof *t);
    s->table_count++;
    t->name = xlsx_strdup(schema->name);
    t->label = xlsx_strdup(schema->label);
    t->label_en = xlsx_strdup(schema->label_en);
    if (!t->name || (schema->label && !t->label) || (schema->label_en && !t->label_en) ||
        !table_columns(s, t, schema))
        return xlsx_nomem(s, schema->name);
    /* A cell is shown as a percent when its row's unit for it is "%": value,
     * value_max -> unit; base_value -> base_unit; target_value ->
     * target_unit. A figure without a unit of its own (parent_value,
     * previous_value) and a difference of two (difference, change, gap,
     * in the values' points) take the row's unit, else its target_unit. */
    static const char *const suffixes[] = {"value_max", "value", "difference", "change", "gap"};
    for (size_t c = 0; c < t->column_count; c++) {
        const char *name = t->columns[c].name;
        size_t n = strlen(name);
        char unit[256];
        t->columns[c].unit_column = -1;
        size_t stem_length = SIZE_MAX;
        for (size_t k = 0; k < sizeof suffixes / sizeof suffixes[0] && stem_length == SIZE_MAX; k++) {
            size_t m = strlen(suffixes[k]);
            if (n >= m && strcmp(name + n - m, suffixes[k]) == 0)
                stem_length = n - m;
        }
        if (stem_length >= 200 || (t->columns[c].type != BG_TYPE_REAL && t->columns[c].type != BG_TYPE_INTEGER))
            continue;
        snprintf(unit, sizeof unit, "%.*sunit", (int)stem_length, name);
        int own = column_index(t, unit);
        t->columns[c].unit_column = own >= 0 ? own : column_index(t, "unit");
        if (t->columns[c].unit_column < 0)
            t->columns[c].unit_column = column_index(t, "target_unit");
    }
    if (!xlsx_chart_setup(s, t))
        return xlsx_nomem(s, schema->name);
    t->spool = tmpfile();
    if (!t->spool)
        return xlsx_host->fail(ctx, BG_ERR_IO, "%s: table %s: cannot create a spool file: %s", s->path, t->name,
                               strerror(errno));
    int index = (int)(s->table_count - 1);
    if (strcmp(t->name, "documents") == 0) {
        s->documents_table = index;
        xlsx_matrix_documents_columns(s, t);
    } else if (strcmp(t->name, "targets") == 0) {
        s->targets_table = index;
        xlsx_matrix_targets_columns(s, t);
    }
    return BG_OK;
}

/* The identity the next rows carry. */
static bool set_identity(xlsx_state *s, const char *const text[XLSX_IDENTITY_COLUMNS], bool has_year, int64_t year)
{
    for (int k = 0; k < XLSX_IDENTITY_COLUMNS; k++) {
        free(s->ident_text[k]);
        s->ident_text[k] = NULL;
        if (k != IDENT_PLAN_YEAR && text[k] && *text[k] && !(s->ident_text[k] = xlsx_strdup(text[k])))
            return false;
    }
    s->ident_has_year = has_year;
    s->ident_year = year;
    return true;
}

static bg_status xlsx_begin_document(bg_context *ctx, void *state, const bg_document_info *document)
{
    xlsx_state *s = state;
    s->ctx = ctx;
    const char *none[XLSX_IDENTITY_COLUMNS] = {0};
    if (document->struct_size < offsetof(bg_document_info, doc_type) + sizeof document->doc_type)
        return set_identity(s, none, false, 0) ? BG_OK : xlsx_nomem(s, "document");
    const char *text[XLSX_IDENTITY_COLUMNS] = {document->province, document->region, document->region_code,
                                               document->level, NULL};
    return set_identity(s, text, document->plan_year != 0, document->plan_year) ? BG_OK : xlsx_nomem(s, "document");
}

/* A text cell of a host row as a string in scratch storage, or NULL. */
static char *row_text(const bg_cell *cells, int column)
{
    if (column < 0 || cells[column].type != BG_TYPE_TEXT)
        return NULL;
    char *copy = malloc(cells[column].as.text.length + 1);
    if (copy) {
        memcpy(copy, cells[column].as.text.data, cells[column].as.text.length);
        copy[cells[column].as.text.length] = '\0';
    }
    return copy;
}

/* The documents row is the identity of the rows after it (a host older
 * than ABI 1.2 gives it no other way). */
static bg_status identity_from_documents(xlsx_state *s, const xlsx_table *t, const bg_cell *cells)
{
    static const char *const names[XLSX_IDENTITY_COLUMNS] = {"province", "region", "region_code", "level", NULL};
    char *text[XLSX_IDENTITY_COLUMNS] = {0};
    for (int k = 0; k < XLSX_IDENTITY_COLUMNS; k++) {
        int c = names[k] ? column_index(t, names[k]) : -1;
        text[k] = c >= 0 ? row_text(cells, t->columns[c].source - XLSX_IDENTITY_COLUMNS) : NULL;
    }
    int year = column_index(t, "plan_year");
    const bg_cell *y = year >= 0 ? &cells[t->columns[year].source - XLSX_IDENTITY_COLUMNS] : NULL;
    bool ok = set_identity(s, (const char *const *)text, y && y->type == BG_TYPE_INTEGER,
                           y && y->type == BG_TYPE_INTEGER ? y->as.integer : 0);
    for (int k = 0; k < XLSX_IDENTITY_COLUMNS; k++)
        free(text[k]);
    return ok ? BG_OK : xlsx_nomem(s, "document");
}

static bg_status xlsx_write_row(bg_context *ctx, void *state, const bg_table_schema *schema, const bg_cell *cells)
{
    xlsx_state *s = state;
    s->ctx = ctx;
    xlsx_table *t = find_table(s, schema);
    if (!t)
        return xlsx_host->fail(ctx, BG_ERR_INTERNAL, "%s: row for table %s, which never began", s->path,
                               schema->name);
    bg_status status = BG_OK;
    bool documents = (int)(t - s->tables) == s->documents_table;
    if (documents)
        status = identity_from_documents(s, t, cells);
    if (status == BG_OK)
        status = spool_row(s, t, cells);
    if (status == BG_OK && s->matrix && documents)
        status = xlsx_capture_document(s, cells);
    if (status == BG_OK && s->matrix && (int)(t - s->tables) == s->targets_table)
        status = xlsx_capture_target(s, cells);
    return status;
}

static bg_status xlsx_end_table(bg_context *ctx, void *state, const bg_table_schema *schema)
{
    xlsx_state *s = state;
    s->ctx = ctx;
    xlsx_table *t = find_table(s, schema);
    if (t && (fflush(t->spool) != 0 || ferror(t->spool)))
        return xlsx_host->fail(ctx, BG_ERR_IO, "%s: spooling table %s: %s", s->path, t->name, strerror(errno));
    return BG_OK;
}

static bg_status xlsx_finish(bg_context *ctx, void *state, const bg_run_summary *summary)
{
    xlsx_state *s = state;
    xlsx_summary *m = &s->summary;
    s->ctx = ctx;
    m->present = true;
    m->run_id = xlsx_strdup(summary->run_id);
    m->job = xlsx_strdup(summary->job);
    m->config_hash = xlsx_strdup(summary->config_hash);
    m->started_at = summary->started_at;
    m->finished_at = summary->finished_at;
    m->sources_seen = summary->sources_seen;
    m->documents = summary->documents;
    m->sources_failed = summary->sources_failed;
    m->failed_source = calloc(summary->source_count + 1, sizeof *m->failed_source);
    m->failed_error = calloc(summary->source_count + 1, sizeof *m->failed_error);
    if (!m->failed_source || !m->failed_error)
        return xlsx_nomem(s, "run summary");
    for (size_t i = 0; i < summary->source_count; i++) {
        const bg_source_result *r = &summary->sources[i];
        if (!r->status || strcmp(r->status, "ok") == 0)
            continue;
        m->failed_source[m->failed_count] = xlsx_strdup(r->source ? r->source : "");
        m->failed_error[m->failed_count] = xlsx_strdup(r->error ? r->error : r->status);
        m->failed_count++;
    }
    return BG_OK;
}

/* ---- Building the workbook: names, formats, cells ------------------------ */















static bool make_formats(xlsx_state *s)
{
    lxw_workbook *wb = s->workbook;
    s->f_header = workbook_add_format(wb);
    s->f_text = workbook_add_format(wb);
    s->f_date = workbook_add_format(wb);
    s->f_datetime = workbook_add_format(wb);
    s->f_percent = workbook_add_format(wb);
    s->f_thousands = workbook_add_format(wb);
    s->f_title = workbook_add_format(wb);
    s->f_bold = workbook_add_format(wb);
    s->f_section = workbook_add_format(wb);
    s->f_wrap = workbook_add_format(wb);
    if (!s->f_wrap || !s->f_header || !s->f_text || !s->f_date || !s->f_datetime || !s->f_percent || !s->f_thousands || !s->f_title ||
        !s->f_bold || !s->f_section)
        return false;
    format_set_bold(s->f_header);
    format_set_bg_color(s->f_header, 0xDDEBF7);
    format_set_bottom(s->f_header, LXW_BORDER_THIN);
    format_set_align(s->f_header, LXW_ALIGN_VERTICAL_TOP);
    if (s->header == HEADER_BOTH)
        format_set_text_wrap(s->f_header);
    format_set_num_format(s->f_text, "@");
    format_set_num_format(s->f_date, XLSX_FORMAT_DATE);
    format_set_num_format(s->f_datetime, XLSX_FORMAT_DATETIME);
    format_set_num_format(s->f_percent, XLSX_FORMAT_PERCENT);
    format_set_num_format(s->f_thousands, XLSX_FORMAT_THOUSANDS);
    format_set_bold(s->f_title);
    format_set_font_size(s->f_title, 14);
    format_set_bold(s->f_bold);
    format_set_bold(s->f_section);
    format_set_bg_color(s->f_section, 0xDDEBF7);
    format_set_text_wrap(s->f_wrap);
    format_set_align(s->f_wrap, LXW_ALIGN_VERTICAL_TOP);
    return true;
}

static bool valid_date(const bg_date *d)
{
    static const int days[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (d->year < XLSX_YEAR_MIN || d->year > XLSX_YEAR_MAX || d->month < 1 || d->month > 12 || d->day < 1)
        return false;
    bool leap = (d->year % 4 == 0 && d->year % 100 != 0) || d->year % 400 == 0;
    return d->day <= days[d->month - 1] && !(d->month == 2 && d->day == 29 && !leap);
}

/* Writes one cell of a table sheet. Text is NUL-terminated (spool decoder). */
static lxw_error write_cell(xlsx_state *s, lxw_worksheet *ws, lxw_row_t row, lxw_col_t col, const bg_cell *cell,
                            uint32_t flags, bool percent)
{
    char buf[64];
    switch (cell->type) {
    case BG_TYPE_NULL: return LXW_NO_ERROR;
    case BG_TYPE_INTEGER:
        if (cell->as.integer > XLSX_EXACT_INTEGER_MAX || cell->as.integer < -XLSX_EXACT_INTEGER_MAX) {
            snprintf(buf, sizeof buf, "%" PRId64, cell->as.integer);
            return worksheet_write_string(ws, row, col, buf, s->f_text);
        }
        /* a percent is an Excel percentage: 8 % is 0.08 shown as 8% */
        if (percent)
            return worksheet_write_number(ws, row, col, xlsx_percent((double)cell->as.integer), s->f_percent);
        return worksheet_write_number(ws, row, col, (double)cell->as.integer, NULL);
    case BG_TYPE_REAL: {
        double v = cell->as.real;
        if (percent)
            return worksheet_write_number(ws, row, col, xlsx_percent(v), s->f_percent);
        lxw_format *f = (v == floor(v) && fabs(v) >= 1e9) ? s->f_thousands : NULL;
        return worksheet_write_number(ws, row, col, v, f);
    }
    case BG_TYPE_TEXT:
        /* Codes stay text with the "@" format; every string goes in as a
         * string, so "=cmd|..." is never a formula. */
        return worksheet_write_string(ws, row, col, cell->as.text.data, (flags & BG_COLUMN_CODE) ? s->f_text : NULL);
    case BG_TYPE_DATE:
        if (valid_date(&cell->as.date)) {
            lxw_datetime dt = {cell->as.date.year, cell->as.date.month, cell->as.date.day, 0, 0, 0};
            return worksheet_write_datetime(ws, row, col, &dt, s->f_date);
        }
        snprintf(buf, sizeof buf, "%04d-%02d-%02d", (int)cell->as.date.year, (int)cell->as.date.month,
                 (int)cell->as.date.day);
        return worksheet_write_string(ws, row, col, buf, NULL);
    }
    return LXW_NO_ERROR;
}



/* Header row, widths, frozen header, autofilter, and the ignored
 * number-stored-as-text warning over code columns, for rows 1..data_rows. */
static bg_status table_sheet_frame(xlsx_state *s, const xlsx_table *t, lxw_worksheet *ws, const char *sheet,
                                   uint64_t data_rows)
{
    char ranges[4096] = "";
    for (size_t c = 0; c < t->column_count; c++) {
        const xlsx_column *col = &t->columns[c];
        double width = col->width + 1 > s->max_width ? s->max_width : col->width + 1;
        LXW_TRY(s,
                worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, width,
                                     (col->flags & BG_COLUMN_CODE) ? s->f_text : NULL),
                sheet, 0, "set_column");
        if ((col->flags & BG_COLUMN_CODE) && strlen(ranges) + 32 < sizeof ranges) {
            char letters[8];
            xlsx_column_name((lxw_col_t)c, letters);
            snprintf(ranges + strlen(ranges), sizeof ranges - strlen(ranges), "%s%s1:%s%" PRIu64, *ranges ? " " : "",
                     letters, letters, data_rows + 1);
        }
    }
    if (s->header == HEADER_BOTH)
        LXW_TRY(s, worksheet_set_row(ws, 0, 2 * LXW_DEF_ROW_HEIGHT, NULL), sheet, 0, "set_row");
    for (size_t c = 0; c < t->column_count; c++) {
        const xlsx_column *col = &t->columns[c];
        char text[512];
        xlsx_header_text(s, col->name, col->label, text, sizeof text);
        LXW_TRY(s, worksheet_write_string(ws, 0, (lxw_col_t)c, text, s->f_header), sheet, 0, "header");
        LXW_TRY(s, xlsx_header_comment(s, ws, (lxw_col_t)c, col->name, col->label, col->label_en), sheet, 0, "comment");
    }
    worksheet_freeze_panes(ws, 1, t->identity ? 2 : 0);
    LXW_TRY(s, xlsx_print_setup(ws, true, t->identity ? 2 : 0), sheet, 0, "print setup");
    if (t->column_count)
        LXW_TRY(s, worksheet_autofilter(ws, 0, 0, (lxw_row_t)data_rows, (lxw_col_t)(t->column_count - 1)), sheet, 0,
                "autofilter");
    if (*ranges)
        LXW_TRY(s, worksheet_ignore_errors(ws, LXW_IGNORE_NUMBER_STORED_AS_TEXT, ranges), sheet, 0, "ignore_errors");
    return BG_OK;
}

/* One table, on as many sheets as Excel's row limit needs. */
static bg_status write_table(xlsx_state *s, xlsx_table *t)
{
    uint64_t sheets = t->row_count ? (t->row_count + XLSX_DATA_ROWS_MAX - 1) / XLSX_DATA_ROWS_MAX : 1;
    t->sheet_names = calloc(sheets, sizeof *t->sheet_names);
    bg_cell *cells = calloc(t->column_count + 1, sizeof *cells);
    if (!t->sheet_names || !cells) {
        free(cells);
        return xlsx_nomem(s, t->name);
    }
    bg_status status = BG_OK;
    if (fseek(t->spool, 0, SEEK_SET) != 0)
        status =
            xlsx_host->fail(s->ctx, BG_ERR_IO, "%s: table %s: rewinding the spool: %s", s->path, t->name, strerror(errno));
    uint64_t done = 0;
    for (uint64_t k = 0; k < sheets && status == BG_OK; k++) {
        char suffix[32];
        snprintf(suffix, sizeof suffix, " (%" PRIu64 ")", k + 1);
        const char *sheet = xlsx_claim_sheet_name(s, t->name, k ? suffix : NULL);
        if (!sheet) {
            status = xlsx_nomem(s, t->name);
            break;
        }
        t->sheet_names[t->sheet_count++] = (char *)sheet;
        lxw_worksheet *ws = xlsx_add_sheet(s, sheet);
        if (!ws) {
            status =
                xlsx_host->fail(s->ctx, BG_ERR_FORMAT, "%s: cannot add sheet '%s' for table %s", s->path, sheet, t->name);
            break;
        }
        uint64_t rows = t->row_count - done < XLSX_DATA_ROWS_MAX ? t->row_count - done : XLSX_DATA_ROWS_MAX;
        if ((status = table_sheet_frame(s, t, ws, sheet, rows)) != BG_OK)
            break;
        if (k == 0 && (status = xlsx_chart_frame(s, t, ws, sheet)) != BG_OK) /* the chart is on the first sheet */
            break;
        for (uint64_t r = 0; r < rows && status == BG_OK; r++) {
            if (!read_row(s, t, cells)) {
                status = xlsx_host->fail(s->ctx, BG_ERR_IO, "%s: table %s row %" PRIu64 ": reading the spool failed",
                                    s->path, t->name, done + r + 1);
                break;
            }
            for (size_t c = 0; c < t->column_count; c++) {
                lxw_error err = write_cell(s, ws, (lxw_row_t)(r + 1), (lxw_col_t)c, &cells[c], t->columns[c].flags,
                                           xlsx_is_percent(t, c, cells));
                if (err != LXW_NO_ERROR) {
                    status = xlsx_host->fail(s->ctx, BG_ERR_FORMAT, "%s: table %s row %" PRIu64 " column %s: %s", s->path,
                                        t->name, done + r + 1, t->columns[c].name, lxw_strerror(err));
                    break;
                }
            }
            if (status == BG_OK && k == 0)
                status = xlsx_chart_row(s, t, ws, sheet, r + 1);
        }
        if (status == BG_OK && k == 0)
            status = xlsx_chart_insert(s, t, ws, sheet, rows);
        /* a sheet with a chart prints its data alone, one page wide: the chart
         * and its range beside the data would shrink the page to nothing */
        if (status == BG_OK && k == 0 && rows > 0 && xlsx_chart_drawn(t) &&
            worksheet_print_area(ws, 0, 0, (lxw_row_t)rows, (lxw_col_t)(t->column_count - 1)) != LXW_NO_ERROR)
            status = xlsx_host->fail(s->ctx, BG_ERR_FORMAT, "%s: table %s: cannot set the print area", s->path, t->name);
        done += rows;
    }
    free(cells);
    return status;
}

/* ---- The About sheet ---------------------------------------------------- */

static const char *type_name(bg_type type)
{
    switch (type) {
    case BG_TYPE_NULL: return "null";
    case BG_TYPE_INTEGER: return "integer";
    case BG_TYPE_REAL: return "real";
    case BG_TYPE_TEXT: return "text";
    case BG_TYPE_DATE: return "date";
    }
    return "?";
}

static void flag_names(uint32_t flags, char *out, size_t size)
{
    static const struct {
        uint32_t flag;
        const char *name;
    } names[] = {{BG_COLUMN_KEY, "key"},
                 {BG_COLUMN_CODE, "code (text)"},
                 {BG_COLUMN_PERCENT, "percent"},
                 {BG_COLUMN_INDEXED, "indexed"},
                 {BG_COLUMN_LONG, "long text"}};
    out[0] = '\0';
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (flags & names[i].flag)
            snprintf(out + strlen(out), size - strlen(out), "%s%s", *out ? ", " : "", names[i].name);
}

/* A row writer for the About sheet, which is written strictly top down. */
typedef struct about_writer {
    xlsx_state *s;
    lxw_worksheet *ws;
    const char *sheet;
    lxw_row_t row;
} about_writer;

static bg_status about_text(about_writer *w, lxw_col_t col, const char *text, lxw_format *format)
{
    if (!text)
        return BG_OK;
    bool cut;
    size_t n = xlsx_clean_text(w->s, text, strlen(text), &cut);
    if (n == SIZE_MAX)
        return xlsx_nomem(w->s, "About sheet");
    LXW_TRY(w->s, worksheet_write_string(w->ws, w->row, col, w->s->scratch, format), w->sheet, w->row, "text");
    return BG_OK;
}

static bg_status about_number(about_writer *w, lxw_col_t col, double v)
{
    LXW_TRY(w->s, worksheet_write_number(w->ws, w->row, col, v, NULL), w->sheet, w->row, "number");
    return BG_OK;
}

static bg_status about_time(about_writer *w, int64_t when)
{
    time_t t = (time_t)when;
    struct tm tm;
    if (!localtime_r(&t, &tm))
        return BG_OK;
    lxw_datetime dt = {tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec};
    LXW_TRY(w->s, worksheet_write_datetime(w->ws, w->row, 1, &dt, w->s->f_datetime), w->sheet, w->row, "time");
    long offset = tm.tm_gmtoff / 60;
    char zone[32];
    snprintf(zone, sizeof zone, "UTC%c%02ld:%02ld", offset < 0 ? '-' : '+', labs(offset) / 60, labs(offset) % 60);
    return about_text(w, 2, zone, NULL);
}

#define ABOUT(call)                                                                                                    \
    do {                                                                                                               \
        bg_status st_ = (call);                                                                                        \
        if (st_ != BG_OK)                                                                                              \
            return st_;                                                                                                \
    } while (0)

/* "growth = 增长, level = 绝对量, …" for the glossary. */
static void value_codes(const xlsx_column *col, char *out, size_t size)
{
    out[0] = '\0';
    for (size_t k = 0; k < col->value_count && strlen(out) + 64 < size; k++)
        snprintf(out + strlen(out), size - strlen(out), "%s%s = %s", k ? ", " : "", col->values[k].value,
                 col->values[k].label);
}

static bg_status write_about(xlsx_state *s, lxw_worksheet *ws, const char *sheet)
{
    about_writer w = {s, ws, sheet, 0};
    const double widths[7] = {26, 24, 18, 60, 12, 22, 60};
    for (lxw_col_t c = 0; c < 7; c++)
        LXW_TRY(s, worksheet_set_column(ws, c, c, widths[c], NULL), sheet, 0, "set_column");
    const xlsx_summary *m = &s->summary;
    const char *job = m->job ? m->job : xlsx_host->job_name(s->ctx);

    ABOUT(about_text(&w, 0, "政府工作报告数据 Government work report tables", s->f_title));
    w.row += 2;
    ABOUT(about_text(&w, 0, "任务 Job", s->f_bold));
    ABOUT(about_text(&w, 1, job, NULL));
    w.row++;
    if (m->present) {
        ABOUT(about_text(&w, 0, "运行编号 Run id", s->f_bold));
        ABOUT(about_text(&w, 1, m->run_id, NULL));
        w.row++;
        ABOUT(about_text(&w, 0, "开始时间 Started", s->f_bold));
        ABOUT(about_time(&w, m->started_at));
        w.row++;
        ABOUT(about_text(&w, 0, "完成时间 Finished", s->f_bold));
        ABOUT(about_time(&w, m->finished_at));
        w.row++;
        ABOUT(about_text(&w, 0, "配置哈希 Config hash", s->f_bold));
        ABOUT(about_text(&w, 1, m->config_hash, s->f_text));
        w.row++;
        ABOUT(about_text(&w, 0, "来源 Sources seen", s->f_bold));
        ABOUT(about_number(&w, 1, (double)m->sources_seen));
        w.row++;
        ABOUT(about_text(&w, 0, "文档 Documents", s->f_bold));
        ABOUT(about_number(&w, 1, (double)m->documents));
        w.row++;
        ABOUT(about_text(&w, 0, "失败 Failures", s->f_bold));
        ABOUT(about_number(&w, 1, (double)m->sources_failed));
        w.row++;
    } else {
        ABOUT(about_text(&w, 0, "运行摘要 Run summary", s->f_bold));
        ABOUT(about_text(&w, 1, "(not provided by the xlsx_host)", NULL));
        w.row++;
    }
    ABOUT(about_text(&w, 0, "baogao 版本 Version", s->f_bold));
    ABOUT(about_text(&w, 1, xlsx_host->host_version(s->ctx), NULL));
    w.row += 2;

    ABOUT(about_text(&w, 0, "各表行数 Rows per table", s->f_section));
    w.row++;
    const char *table_header[5] = {"表 Table", "工作表 Sheet", "中文名 Chinese", "English", "行数 Rows"};
    for (lxw_col_t c = 0; c < 5; c++)
        ABOUT(about_text(&w, c, table_header[c], s->f_bold));
    w.row++;
    for (size_t i = 0; i < s->table_count; i++) {
        const xlsx_table *t = &s->tables[i];
        char sheets[256] = "";
        for (size_t k = 0; k < t->sheet_count; k++)
            snprintf(sheets + strlen(sheets), sizeof sheets - strlen(sheets), "%s%s", k ? ", " : "", t->sheet_names[k]);
        ABOUT(about_text(&w, 0, t->name, NULL));
        ABOUT(about_text(&w, 1, sheets, NULL));
        ABOUT(about_text(&w, 2, t->label, NULL));
        ABOUT(about_text(&w, 3, t->label_en, NULL));
        ABOUT(about_number(&w, 4, (double)t->row_count));
        w.row++;
    }
    w.row++;

    if (m->failed_count) {
        ABOUT(about_text(&w, 0, "失败来源 Failed sources", s->f_section));
        w.row++;
        for (size_t i = 0; i < m->failed_count; i++) {
            ABOUT(about_text(&w, 1, m->failed_source[i], NULL));
            ABOUT(about_text(&w, 3, m->failed_error[i], NULL));
            w.row++;
        }
        w.row++;
    }

    char lines[24][XLSX_NOTE_MAX];
    size_t line_count = xlsx_matrix_notes(s, lines, sizeof lines / sizeof lines[0]);
    if (line_count) {
        ABOUT(about_text(&w, 0, "目标矩阵 Targets matrix", s->f_section));
        w.row++;
        for (size_t i = 0; i < line_count; i++) {
            ABOUT(about_text(&w, 0, lines[i], NULL));
            w.row++;
        }
        w.row++;
    }

    ABOUT(about_text(&w, 0, "说明 Notes", s->f_section));
    w.row++;
    static const char *const notes[] = {
        "Percentages are Excel percentages: 8.5% is stored as 0.085 with a percent format, so filters and formulas "
        "compare with 0.085 (CSV, JSON and SQLite keep 8.5 with unit %). A difference of two cells is in points "
        "of 100%: 0.5% means half a percentage point.",
        "Every sheet of a table of documents' rows begins with the document's identity (省份, 地区, 行政区划代码, "
        "级别, 计划年份); doc_id joins the sheets. The tables across reports (target_outcomes, escalation, "
        "escalation_summary, target_changes: rows that compare several reports) name their regions in their own "
        "columns instead.",
        "Coded columns (类型, 限定, 方向, 部分, 级别, 文档类型) show Chinese labels; the codes the CSV, JSON and "
        "SQLite exports hold are in the glossary below.",
        "Codes (doc_id, region_code, hashes) are text, so leading zeros survive; dates are real Excel dates.",
        "Each table sheet: header shows the Chinese label (option header); hover it for the English description.",
        "Texts longer than Excel's 32,767 characters are cut; characters XML forbids are removed.",
        "Every sheet prints landscape on A4, one page wide, with its header row on every page.",
    };
    for (size_t i = 0; i < sizeof notes / sizeof notes[0]; i++) {
        ABOUT(about_text(&w, 0, notes[i], NULL));
        w.row++;
    }
    char charts[XLSX_NOTE_MAX] = "";
    for (size_t i = 0; i < s->table_count; i++)
        if (xlsx_chart_drawn(&s->tables[i]) && strlen(charts) + 64 < sizeof charts)
            snprintf(charts + strlen(charts), sizeof charts - strlen(charts), "%s'%s'", *charts ? ", " : "",
                     s->tables[i].sheet_names[0]);
    if (*charts) {
        char line[XLSX_NOTE_MAX + 512]; /* the list and the sentence around it */
        snprintf(line, sizeof line,
                 "Charts: sheets %s have a chart right of their data. It reads a small range of its own beside the "
                 "data, the rows with every value it draws (no NULL drawn as 0), at most %d points. The scatters "
                 "(a dashed line where both values are equal) and the GDP outcomes draw rates in %% only.",
                 charts, XLSX_CHART_POINTS_MAX);
        ABOUT(about_text(&w, 0, line, NULL));
        w.row++;
    }
    w.row++;

    ABOUT(about_text(&w, 0, "字段说明 Glossary", s->f_section));
    w.row++;
    const char *glossary_header[7] = {"表 Table",  "列 Column", "中文 Chinese",   "English",
                                      "类型 Type", "标记 Flags", "取值 Values (code = label)"};
    for (lxw_col_t c = 0; c < 7; c++)
        ABOUT(about_text(&w, c, glossary_header[c], s->f_bold));
    w.row++;
    for (int k = 0; k < XLSX_IDENTITY_COLUMNS; k++) {
        ABOUT(about_text(&w, 0, "(every table)", NULL));
        ABOUT(about_text(&w, 1, identity_columns[k].name, NULL));
        ABOUT(about_text(&w, 2, identity_columns[k].label, NULL));
        ABOUT(about_text(&w, 3, identity_columns[k].label_en, NULL));
        ABOUT(about_text(&w, 4, type_name(identity_columns[k].type), NULL));
        const xlsx_column *level = k == IDENT_LEVEL ? xlsx_documents_column(s, "level") : NULL;
        if (level) {
            char codes[512];
            value_codes(level, codes, sizeof codes);
            ABOUT(about_text(&w, 6, codes, NULL));
        }
        w.row++;
    }
    for (size_t i = 0; i < s->table_count; i++) {
        const xlsx_table *t = &s->tables[i];
        for (size_t c = 0; c < t->column_count; c++) {
            const xlsx_column *col = &t->columns[c];
            if (t->identity && col->source < XLSX_IDENTITY_COLUMNS)
                continue; /* listed once above, as (every table) */
            char flags[128], codes[1024];
            flag_names(col->flags, flags, sizeof flags);
            value_codes(col, codes, sizeof codes);
            ABOUT(about_text(&w, 0, t->name, NULL));
            ABOUT(about_text(&w, 1, col->name, NULL));
            ABOUT(about_text(&w, 2, col->label, NULL));
            ABOUT(about_text(&w, 3, col->label_en, NULL));
            ABOUT(about_text(&w, 4, type_name(col->type), NULL));
            ABOUT(about_text(&w, 5, flags, NULL));
            ABOUT(about_text(&w, 6, codes, NULL));
            w.row++;
        }
    }
    return BG_OK;
}

/* ---- close: build the workbook ------------------------------------------ */

static bg_status build_workbook(xlsx_state *s)
{
    bg_status probe = probe_output(s->ctx, s->path);
    if (probe != BG_OK)
        return probe;
    uint64_t rows = 0, bytes = 0;
    for (size_t i = 0; i < s->table_count; i++) {
        rows += s->tables[i].row_count;
        bytes += s->tables[i].spool_bytes;
    }
    s->constant_memory = rows > XLSX_CONSTANT_MEMORY_ROWS;
    lxw_workbook_options options = {.constant_memory = s->constant_memory ? LXW_TRUE : LXW_FALSE,
                                    .tmpdir = NULL,
                                    .use_zip64 = bytes > XLSX_ZIP64_SPOOL_BYTES ? LXW_TRUE : LXW_FALSE};
    s->workbook = workbook_new_opt(s->path, &options);
    if (!s->workbook || !make_formats(s))
        return xlsx_nomem(s, "workbook");
    if (s->constant_memory)
        xlsx_host->log(s->ctx, BG_LOG_INFO, "%" PRIu64 " rows: writing in constant_memory mode", rows);

    /* Claim the fixed name first, so a table called "about" becomes "about (2)". */
    const char *about = xlsx_claim_sheet_name(s, "About", NULL);
    if (!about)
        return xlsx_nomem(s, "sheet names");
    lxw_worksheet *about_ws = xlsx_add_sheet(s, about);
    if (!about_ws)
        return xlsx_host->fail(s->ctx, BG_ERR_FORMAT, "%s: cannot add the About sheet", s->path);

    /* Sheet order for the reader: About, the sheets built from the targets,
     * then a sheet per table. About is added first and filled last, when
     * every sheet's name is known (its own temp file in constant_memory
     * mode, so the order of writing across sheets is free). */
    if (s->matrix && s->targets_table >= 0) {
        bg_status status = xlsx_write_matrix_sheets(s);
        if (status != BG_OK)
            return status;
    }
    for (size_t i = 0; i < s->table_count; i++) {
        bg_status status = write_table(s, &s->tables[i]);
        if (status != BG_OK)
            return status;
    }
    bg_status status = write_about(s, about_ws, about);
    if (status != BG_OK)
        return status;
    LXW_TRY(s, xlsx_print_setup(about_ws, false, 0), about, 0, "print setup");
    worksheet_activate(about_ws);

    const xlsx_summary *m = &s->summary;
    char title[256], comments[512];
    const char *job = m->job ? m->job : xlsx_host->job_name(s->ctx);
    snprintf(title, sizeof title, "%s — 政府工作报告数据 (government work report tables)", job ? job : "baogao");
    snprintf(comments, sizeof comments, "Made by baogao %s%s%s. Sheet About explains every column.",
             xlsx_host->host_version(s->ctx), m->run_id ? ", run " : "", m->run_id ? m->run_id : "");
    lxw_doc_properties properties = {
        .title = title,
        .subject = "Targets, commitments, lists, sections and keywords extracted from government work reports",
        .author = "baogao",
        .keywords = "政府工作报告, government work report, targets",
        .comments = comments,
        .created = m->present && m->finished_at ? (time_t)m->finished_at : time(NULL),
    };
    LXW_TRY(s, workbook_set_properties(s->workbook, &properties), about, 0, "properties");
    if (m->run_id)
        LXW_TRY(s, workbook_set_custom_property_string(s->workbook, "baogao run", m->run_id), about, 0, "properties");
    if (m->config_hash)
        LXW_TRY(s, workbook_set_custom_property_string(s->workbook, "baogao config hash", m->config_hash), about, 0,
                "properties");

    lxw_error err = workbook_close(s->workbook);
    s->workbook = NULL; /* freed by workbook_close, even on error */
    if (err != LXW_NO_ERROR)
        return xlsx_host->fail(s->ctx, BG_ERR_IO, "%s: writing the workbook: %s", s->path, lxw_strerror(err));
    if (s->cut_cells > XLSX_CUT_WARNINGS_MAX)
        xlsx_host->log(s->ctx, BG_LOG_WARN, "%" PRIu64 " cells in all were cut to %d characters", s->cut_cells,
                  XLSX_CELL_UNITS_MAX);
    if (s->removed_chars)
        xlsx_host->log(s->ctx, BG_LOG_WARN, "removed %" PRIu64 " characters that XML does not allow", s->removed_chars);
    xlsx_host->log(s->ctx, BG_LOG_DEBUG, "wrote %" PRIu64 " rows in %zu tables for %s", rows, s->table_count,
              xlsx_host->output_path(s->ctx));
    return BG_OK;
}

static void free_state(xlsx_state *s)
{
    if (s->workbook)
        lxw_workbook_free(s->workbook); /* abandoned: nothing written */
    for (size_t i = 0; i < s->table_count; i++) {
        xlsx_table *t = &s->tables[i];
        for (size_t c = 0; c < t->column_count; c++) {
            free(t->columns[c].name);
            free(t->columns[c].label);
            free(t->columns[c].label_en);
            for (size_t k = 0; k < t->columns[c].value_count; k++) {
                free(t->columns[c].values[k].value);
                free(t->columns[c].values[k].label);
            }
            free(t->columns[c].values);
        }
        free(t->columns);
        free(t->name);
        free(t->label);
        free(t->label_en);
        free(t->sheet_names); /* the names themselves are in used_names */
        xlsx_chart_free(t);
        if (t->spool)
            fclose(t->spool);
    }
    free(s->tables);
    xlsx_matrix_free(s);
    for (int k = 0; k < XLSX_IDENTITY_COLUMNS; k++)
        free(s->ident_text[k]);
    free(s->row_cells);
    for (size_t i = 0; i < s->number_format_count; i++)
        free(s->number_formats[i].code);
    free(s->number_formats);
    xlsx_summary *m = &s->summary;
    free(m->run_id);
    free(m->job);
    free(m->config_hash);
    for (size_t i = 0; i < m->failed_count; i++) {
        free(m->failed_source[i]);
        free(m->failed_error[i]);
    }
    free(m->failed_source);
    free(m->failed_error);
    for (size_t i = 0; i < s->used_name_count; i++)
        free(s->used_names[i]);
    free(s->used_names);
    free(s->scratch);
    free(s->row_text);
    free(s);
}

static bg_status xlsx_close(bg_context *ctx, void *state, int commit)
{
    xlsx_state *s = state;
    s->ctx = ctx;
    bg_status status = commit ? build_workbook(s) : BG_OK;
    /* ABI 1.2: what the workbook holds, for the run's closing line */
    if (commit && status == BG_OK &&
        xlsx_host->struct_size >= offsetof(bg_host_api, describe) + sizeof xlsx_host->describe &&
        xlsx_host->describe) {
        uint64_t rows = 0;
        for (size_t i = 0; i < s->table_count; i++)
            rows += s->tables[i].row_count;
        xlsx_host->describe(ctx, "%zu sheets, %" PRIu64 " rows", s->used_name_count, rows);
    }
    free_state(s);
    return status;
}

/* ---- Descriptor and entry point ----------------------------------------- */

static const bg_exporter xlsx_exporter = {
    .struct_size = sizeof(bg_exporter),
    .abi_major = BG_EXPORTER_ABI_MAJOR,
    .abi_minor = BG_EXPORTER_ABI_MINOR,
    .name = "xlsx",
    .version = "1.0.0",
    .description = "Excel workbook: About sheet with a glossary, a sheet per table, a targets matrix with a GDP chart",
    .output_kind = BG_OUTPUT_FILE,
    .option_count = sizeof xlsx_options / sizeof xlsx_options[0],
    .options = xlsx_options,
    .open = xlsx_open,
    .begin_table = xlsx_begin_table,
    .begin_document = xlsx_begin_document,
    .write_row = xlsx_write_row,
    .end_table = xlsx_end_table,
    .finish = xlsx_finish,
    .close = xlsx_close,
    .option_limits = xlsx_limits,
    .option_limits_size = sizeof(bg_option_limits),
};

BG_EXPORTER_EXPORT const bg_exporter *BG_EXPORTER_ENTRY(const bg_host_api *api)
{
    xlsx_host = api;
    return &xlsx_exporter;
}
