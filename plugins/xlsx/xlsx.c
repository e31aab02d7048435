/* xlsx.c — the XLSX exporter: one Excel workbook for economics analysts.
 *
 * Rows of every table arrive interleaved, so each table's rows are spooled to
 * a tmpfile() as they come (cleaned for XML and Excel's limits on the way in,
 * column widths measured at the same time) and the workbook is built in
 * close(commit = 1), when the totals are known: an About sheet (run summary,
 * rows per table, glossary of every column), one sheet per table (split in
 * two past Excel's row limit), and a Targets matrix (documents x growth
 * indicators) with a bar chart of the GDP growth targets. Large runs switch
 * libxlsxwriter to constant_memory mode, so every sheet is written strictly
 * row by row. Written against libxlsxwriter 1.1.4 (Debian 12). */
#include "baogao/exporter.h"

#include <xlsxwriter.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Excel's limits: a cell holds 32,767 characters (UTF-16 code units), a
 * sheet 1,048,576 rows, of which the first is our header. */
#define XLSX_CELL_UNITS_MAX 32767
#define XLSX_DATA_ROWS_MAX (LXW_ROW_MAX - 1)
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
/* Number formats. The percent format keeps the value as written (8.5 shows
 * as 8.5%) rather than Excel's 0.0% on value/100: the cell then equals the
 * CSV, JSON and SQLite exports and the unit column beside it, one `value`
 * column does not mix scales between its % and 亿元 rows, and a formula
 * like =G2-G3 reads in percentage points, as the reports speak. */
#define XLSX_FORMAT_PERCENT "0.0##\"%\""
#define XLSX_FORMAT_DATE "yyyy-mm-dd"
#define XLSX_FORMAT_DATETIME "yyyy-mm-dd hh:mm:ss"
#define XLSX_FORMAT_THOUSANDS "#,##0"

static const bg_host_api *host;

/* ---- Options ---------------------------------------------------------- */

static const bg_option_spec xlsx_options[] = {
    {"header", BG_OPTION_CHOICE, "\"label\"", "label|name|both",
     "what a table sheet's header row shows: the Chinese label, the column name, or both (two lines)"},
    {"matrix", BG_OPTION_BOOL, "true", NULL,
     "add the Targets matrix sheet (documents x growth indicators) and its GDP chart"},
    {"max_column_width", BG_OPTION_INTEGER, "60", NULL,
     "widest a column gets, in characters (CJK characters count double), 5..255"},
};

static const bg_option_limits xlsx_limits[] = {
    {0},
    {0},
    {.flags = BG_OPTION_HAS_MINIMUM | BG_OPTION_HAS_MAXIMUM, .minimum = 5, .maximum = 255},
};

typedef enum xlsx_header_mode { HEADER_LABEL, HEADER_NAME, HEADER_BOTH } xlsx_header_mode;

/* ---- Per-run state ---------------------------------------------------- */

typedef struct xlsx_column {
    char *name, *label, *label_en;
    bg_type type;
    uint32_t flags;
    int unit_column; /* index of the unit that decides a percent format, or -1 */
    unsigned width;  /* widest display width seen, header included */
} xlsx_column;

typedef struct xlsx_table {
    char *name, *label, *label_en;
    size_t column_count;
    xlsx_column *columns;
    FILE *spool; /* rows, see spool_row() for the format */
    uint64_t spool_bytes;
    uint64_t row_count;
    char **sheet_names; /* filled while building; one per sheet the table spans */
    size_t sheet_count;
} xlsx_table;

/* A document as the Targets matrix needs it. */
typedef struct xlsx_doc {
    char *doc_id, *region, *level;
    int64_t plan_year;
    bool has_plan_year;
} xlsx_doc;

/* A growth target as the Targets matrix needs it. */
typedef struct xlsx_target {
    char *doc_id;
    size_t indicator;
    double value, value_max;
    bool has_value, has_value_max, percent;
    char *qualifier;
    char *written; /* value_text: the target as written (下降3%以上), or NULL */
    int64_t plan_year;
    bool has_plan_year;
} xlsx_target;

typedef struct xlsx_indicator {
    char *key;
    char *text; /* the first wording seen, for the header */
} xlsx_indicator;

typedef struct xlsx_summary {
    bool present;
    char *run_id, *job, *config_hash;
    int64_t started_at, finished_at;
    uint64_t sources_seen, documents, sources_failed;
    size_t failed_count;
    char **failed_source, **failed_error;
} xlsx_summary;

typedef struct xlsx_state {
    bg_context *ctx;
    const char *path; /* the host's temporary output path */
    xlsx_header_mode header;
    bool matrix;
    unsigned max_width;

    xlsx_table *tables;
    size_t table_count;

    /* Captured for the Targets matrix while rows arrive. */
    int documents_table, targets_table;
    int doc_col[4];    /* doc_id, region, level, plan_year */
    int target_col[8]; /* doc_id, indicator, indicator_text, kind, value, value_max, unit, qualifier */
    int target_plan_year_col;
    int target_written_col; /* value_text, -1 when absent */
    int target_label_col; /* indicator_label, when the host has it */
    xlsx_doc *docs;
    size_t doc_count, doc_capacity;
    xlsx_target *targets;
    size_t target_count, target_capacity;
    xlsx_indicator *indicators;
    size_t indicator_count, indicator_capacity;

    xlsx_summary summary;
    uint64_t cut_cells, removed_chars;

    /* Scratch buffers: cleaning text, decoding a spooled row. */
    char *scratch;
    size_t scratch_capacity;
    char *row_text;
    size_t row_text_capacity;

    /* Built in close(). */
    lxw_workbook *workbook;
    bool constant_memory;
    char **used_names;
    size_t used_name_count, used_name_capacity;
    lxw_format *f_header, *f_text, *f_date, *f_datetime, *f_percent, *f_thousands, *f_title, *f_bold, *f_section;
} xlsx_state;

/* ---- Small helpers ---------------------------------------------------- */

static char *dup_string(const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s);
    char *copy = malloc(n + 1);
    if (copy)
        memcpy(copy, s, n + 1);
    return copy;
}

/* Grows *array (of element size size) to hold at least need elements. */
static bool grow(void **array, size_t *capacity, size_t need, size_t size)
{
    if (need <= *capacity)
        return true;
    size_t n = *capacity ? *capacity * 2 : 16;
    while (n < need)
        n *= 2;
    void *p = realloc(*array, n * size);
    if (!p)
        return false;
    *array = p;
    *capacity = n;
    return true;
}

static bg_status nomem(xlsx_state *s, const char *what)
{
    return host->fail(s->ctx, BG_ERR_NOMEM, "%s: out of memory (%s)", s->path, what);
}

/* Decodes one UTF-8 code point at p (n bytes left); returns its length, or 0
 * for a malformed sequence (the ABI promises valid UTF-8; we still never
 * emit a broken one). */
static size_t utf8_decode(const unsigned char *p, size_t n, uint32_t *cp)
{
    if (p[0] < 0x80) {
        *cp = p[0];
        return 1;
    }
    size_t len = (p[0] & 0xE0) == 0xC0 ? 2 : (p[0] & 0xF0) == 0xE0 ? 3 : (p[0] & 0xF8) == 0xF0 ? 4 : 0;
    if (!len || len > n)
        return 0;
    uint32_t v = p[0] & (0x7F >> len);
    for (size_t i = 1; i < len; i++) {
        if ((p[i] & 0xC0) != 0x80)
            return 0;
        v = (v << 6) | (p[i] & 0x3F);
    }
    *cp = v;
    return len;
}

/* Characters XML 1.0 forbids (C0 controls but tab, newline and CR; U+FFFE,
 * U+FFFF); Excel refuses a file that contains them. */
static bool xml_forbidden(uint32_t cp)
{
    return (cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') || cp == 0xFFFE || cp == 0xFFFF;
}

/* East Asian wide and fullwidth characters take two columns in Excel. */
static bool wide_char(uint32_t cp)
{
    return (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0x303E) || (cp >= 0x3041 && cp <= 0x33FF) ||
           (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0xA000 && cp <= 0xA4CF) ||
           (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0xFE30 && cp <= 0xFE4F) ||
           (cp >= 0xFF00 && cp <= 0xFF60) || (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x1F300 && cp <= 0x1F64F) ||
           (cp >= 0x1F900 && cp <= 0x1F9FF) || (cp >= 0x20000 && cp <= 0x3FFFD);
}

/* Display width of the widest line of s (n bytes). */
static unsigned text_width(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    unsigned line = 0, widest = 0;
    size_t i = 0;
    while (i < n) {
        uint32_t cp;
        size_t len = utf8_decode(p + i, n - i, &cp);
        if (!len) {
            i++;
            continue;
        }
        i += len;
        if (cp == '\n') {
            line = 0;
            continue;
        }
        line += wide_char(cp) ? 2 : 1;
        if (line > widest)
            widest = line;
    }
    return widest;
}

/* Copies text into s->scratch (NUL-terminated) without the characters XML
 * forbids, cut on a character boundary at Excel's 32,767 UTF-16 units.
 * Returns the length, or SIZE_MAX when out of memory; *cut says whether the
 * text was cut. */
static size_t clean_text(xlsx_state *s, const char *text, size_t length, bool *cut)
{
    *cut = false;
    if (!grow((void **)&s->scratch, &s->scratch_capacity, length + 1, 1))
        return SIZE_MAX;
    const unsigned char *p = (const unsigned char *)text;
    size_t in = 0, out = 0, units = 0;
    while (in < length) {
        uint32_t cp;
        size_t len = utf8_decode(p + in, length - in, &cp);
        if (!len || xml_forbidden(cp)) {
            in += len ? len : 1;
            s->removed_chars++;
            continue;
        }
        size_t u = cp >= 0x10000 ? 2 : 1;
        if (units + u > XLSX_CELL_UNITS_MAX) {
            *cut = true;
            break;
        }
        units += u;
        memcpy(s->scratch + out, p + in, len);
        out += len;
        in += len;
    }
    s->scratch[out] = '\0';
    return out;
}

static bool same_text(const bg_cell *cell, const char *s)
{
    return cell->type == BG_TYPE_TEXT && cell->as.text.length == strlen(s) &&
           memcmp(cell->as.text.data, s, cell->as.text.length) == 0;
}

/* A cleaned, NUL-terminated copy of a text cell, or NULL (not text, or no memory). */
static char *cell_dup(xlsx_state *s, const bg_cell *cell)
{
    if (cell->type != BG_TYPE_TEXT)
        return NULL;
    bool cut;
    size_t n = clean_text(s, cell->as.text.data, cell->as.text.length, &cut);
    return n == SIZE_MAX ? NULL : dup_string(s->scratch);
}

static int column_index(const xlsx_table *t, const char *name)
{
    for (size_t c = 0; c < t->column_count; c++)
        if (strcmp(t->columns[c].name, name) == 0)
            return (int)c;
    return -1;
}

/* The text a header cell shows for a column, per the header option. */
static void header_text(const xlsx_state *s, const char *name, const char *label, char *out, size_t size)
{
    const char *shown = label && *label ? label : name;
    if (s->header == HEADER_NAME || shown == name)
        snprintf(out, size, "%s", name);
    else if (s->header == HEADER_LABEL)
        snprintf(out, size, "%s", shown);
    else
        snprintf(out, size, "%s\n%s", shown, name);
}

/* ---- Spooling --------------------------------------------------------- */

/* A spooled row is, per column, one type byte and its payload: nothing for
 * NULL, int64 for INTEGER, double for REAL, three int32 for DATE, and a
 * uint32 byte length plus the cleaned bytes for TEXT. Host byte order: the
 * file never leaves this process. */
static bool spool_put(xlsx_table *t, const void *data, size_t size)
{
    t->spool_bytes += size;
    return fwrite(data, 1, size, t->spool) == size;
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

static bool is_percent(const xlsx_table *t, size_t c, const bg_cell *cells)
{
    const xlsx_column *col = &t->columns[c];
    if (col->flags & BG_COLUMN_PERCENT)
        return true;
    return col->unit_column >= 0 && same_text(&cells[col->unit_column], "%");
}

static bg_status spool_row(xlsx_state *s, xlsx_table *t, const bg_cell *cells)
{
    bool ok = true;
    for (size_t c = 0; c < t->column_count && ok; c++) {
        const bg_cell *cell = &cells[c];
        xlsx_column *col = &t->columns[c];
        uint8_t type = (uint8_t)cell->type;
        unsigned width = 0;
        ok = spool_put(t, &type, 1);
        switch (cell->type) {
        case BG_TYPE_NULL: break;
        case BG_TYPE_INTEGER:
            ok = ok && spool_put(t, &cell->as.integer, sizeof cell->as.integer);
            width = number_width((double)cell->as.integer, is_percent(t, c, cells));
            break;
        case BG_TYPE_REAL:
            ok = ok && spool_put(t, &cell->as.real, sizeof cell->as.real);
            width = number_width(cell->as.real, is_percent(t, c, cells));
            break;
        case BG_TYPE_DATE: {
            int32_t ymd[3] = {cell->as.date.year, cell->as.date.month, cell->as.date.day};
            ok = ok && spool_put(t, ymd, sizeof ymd);
            width = 10;
            break;
        }
        case BG_TYPE_TEXT: {
            bool cut;
            size_t n = clean_text(s, cell->as.text.data, cell->as.text.length, &cut);
            if (n == SIZE_MAX)
                return nomem(s, "cleaning text");
            if (cut && ++s->cut_cells <= XLSX_CUT_WARNINGS_MAX)
                host->log(s->ctx, BG_LOG_WARN,
                          "table %s row %" PRIu64 " column %s: text of %zu bytes cut to Excel's limit of %d "
                          "characters",
                          t->name, t->row_count + 1, col->name, cell->as.text.length, XLSX_CELL_UNITS_MAX);
            uint32_t len = (uint32_t)n;
            ok = ok && spool_put(t, &len, sizeof len) && spool_put(t, s->scratch, n);
            width = text_width(s->scratch, n);
            break;
        }
        }
        if (width > col->width)
            col->width = width;
    }
    if (!ok)
        return host->fail(s->ctx, BG_ERR_IO, "%s: spooling table %s row %" PRIu64 ": %s", s->path, t->name,
                          t->row_count + 1, strerror(errno));
    t->row_count++;
    return BG_OK;
}

/* Reads one spooled row into cells; text points into s->row_text. */
static bool read_row(xlsx_state *s, const xlsx_table *t, bg_cell *cells, size_t *offsets)
{
    size_t used = 0;
    for (size_t c = 0; c < t->column_count; c++) {
        uint8_t type;
        bg_cell *cell = &cells[c];
        if (fread(&type, 1, 1, t->spool) != 1)
            return false;
        cell->type = (bg_type)type;
        switch (cell->type) {
        case BG_TYPE_NULL: break;
        case BG_TYPE_INTEGER:
            if (fread(&cell->as.integer, sizeof cell->as.integer, 1, t->spool) != 1)
                return false;
            break;
        case BG_TYPE_REAL:
            if (fread(&cell->as.real, sizeof cell->as.real, 1, t->spool) != 1)
                return false;
            break;
        case BG_TYPE_DATE: {
            int32_t ymd[3];
            if (fread(ymd, sizeof ymd, 1, t->spool) != 1)
                return false;
            cell->as.date = (bg_date){ymd[0], ymd[1], ymd[2]};
            break;
        }
        case BG_TYPE_TEXT: {
            uint32_t len;
            if (fread(&len, sizeof len, 1, t->spool) != 1 ||
                !grow((void **)&s->row_text, &s->row_text_capacity, used + len + 1, 1) ||
                (len && fread(s->row_text + used, 1, len, t->spool) != len))
                return false;
            s->row_text[used + len] = '\0';
            offsets[c] = used;
            cell->as.text.length = len;
            used += len + 1;
            break;
        }
        default: return false;
        }
    }
    /* The buffer may have moved while growing: point at it only now. */
    for (size_t c = 0; c < t->column_count; c++)
        if (cells[c].type == BG_TYPE_TEXT)
            cells[c].as.text.data = s->row_text + offsets[c];
    return true;
}

/* ---- Capturing what the Targets matrix needs ---------------------------- */

static bg_status capture_document(xlsx_state *s, const bg_cell *cells)
{
    if (!grow((void **)&s->docs, &s->doc_capacity, s->doc_count + 1, sizeof *s->docs))
        return nomem(s, "documents");
    xlsx_doc *d = &s->docs[s->doc_count];
    memset(d, 0, sizeof *d);
    const int *col = s->doc_col;
    if (col[0] < 0 || cells[col[0]].type != BG_TYPE_TEXT)
        return BG_OK; /* no doc_id: nothing to join on */
    d->doc_id = cell_dup(s, &cells[col[0]]);
    d->region = col[1] >= 0 ? cell_dup(s, &cells[col[1]]) : NULL;
    d->level = col[2] >= 0 ? cell_dup(s, &cells[col[2]]) : NULL;
    if (col[3] >= 0 && cells[col[3]].type == BG_TYPE_INTEGER) {
        d->plan_year = cells[col[3]].as.integer;
        d->has_plan_year = true;
    }
    if (!d->doc_id)
        return nomem(s, "documents");
    s->doc_count++;
    return BG_OK;
}

static bg_status capture_target(xlsx_state *s, const bg_cell *cells)
{
    const int *col = s->target_col;
    for (int i = 0; i < 4; i++)
        if (col[i] < 0 && i != 2)
            return BG_OK;
    if (!same_text(&cells[col[3]], "growth") || cells[col[0]].type != BG_TYPE_TEXT ||
        cells[col[1]].type != BG_TYPE_TEXT)
        return BG_OK;
    const bg_cell *key = &cells[col[1]];
    size_t i = 0;
    while (i < s->indicator_count && !(strlen(s->indicators[i].key) == key->as.text.length &&
                                       memcmp(s->indicators[i].key, key->as.text.data, key->as.text.length) == 0))
        i++;
    if (i == s->indicator_count) {
        if (!grow((void **)&s->indicators, &s->indicator_capacity, i + 1, sizeof *s->indicators))
            return nomem(s, "indicators");
        s->indicators[i].key = cell_dup(s, key);
        /* Head the column with the ruleset's name for the indicator when the
         * host gives one (the same in every run), else the first wording. */
        const bg_cell *label = s->target_label_col >= 0 ? &cells[s->target_label_col] : NULL;
        if (label && label->type == BG_TYPE_TEXT && label->as.text.length > 0)
            s->indicators[i].text = cell_dup(s, label);
        else
            s->indicators[i].text = col[2] >= 0 ? cell_dup(s, &cells[col[2]]) : NULL;
        if (!s->indicators[i].key)
            return nomem(s, "indicators");
        s->indicator_count++;
    }
    if (!grow((void **)&s->targets, &s->target_capacity, s->target_count + 1, sizeof *s->targets))
        return nomem(s, "targets");
    xlsx_target *t = &s->targets[s->target_count];
    memset(t, 0, sizeof *t);
    t->indicator = i;
    t->doc_id = cell_dup(s, &cells[col[0]]);
    if (!t->doc_id)
        return nomem(s, "targets");
    if (col[4] >= 0 && cells[col[4]].type == BG_TYPE_REAL) {
        t->value = cells[col[4]].as.real;
        t->has_value = true;
    }
    if (col[5] >= 0 && cells[col[5]].type == BG_TYPE_REAL) {
        t->value_max = cells[col[5]].as.real;
        t->has_value_max = true;
    }
    t->percent = col[6] >= 0 && same_text(&cells[col[6]], "%");
    t->qualifier = col[7] >= 0 ? cell_dup(s, &cells[col[7]]) : NULL;
    t->written = s->target_written_col >= 0 && cells[s->target_written_col].type == BG_TYPE_TEXT
                     ? cell_dup(s, &cells[s->target_written_col])
                     : NULL;
    if (s->target_plan_year_col >= 0 && cells[s->target_plan_year_col].type == BG_TYPE_INTEGER) {
        t->plan_year = cells[s->target_plan_year_col].as.integer;
        t->has_plan_year = true;
    }
    s->target_count++;
    return BG_OK;
}

/* ---- Callbacks: open, begin_table, write_row, end_table, finish --------- */

/* Creates (empties) the output file. libxlsxwriter prints to stderr when it
 * cannot create the file, which a plugin must not do, so we find out first. */
static bg_status probe_output(bg_context *ctx, const char *path)
{
    FILE *f = fopen(path, "wb");
    if (!f || fclose(f) != 0)
        return host->fail(ctx, BG_ERR_IO, "%s: cannot create the workbook: %s", path, strerror(errno));
    return BG_OK;
}

static bg_status xlsx_open(bg_context *ctx, void **state)
{
    xlsx_state *s = calloc(1, sizeof *s);
    if (!s)
        return host->fail(ctx, BG_ERR_NOMEM, "xlsx: out of memory");
    s->ctx = ctx;
    s->documents_table = s->targets_table = -1;
    const char *header = host->option_text(ctx, "header");
    s->header = header && strcmp(header, "name") == 0   ? HEADER_NAME
                : header && strcmp(header, "both") == 0 ? HEADER_BOTH
                                                        : HEADER_LABEL;
    s->matrix = host->option_bool(ctx, "matrix") != 0;
    int64_t width = host->option_integer(ctx, "max_column_width");
    if (width < 5 || width > 255) {
        free(s);
        return host->fail(ctx, BG_ERR_OPTION, "xlsx: max_column_width is %" PRId64 ", expected 5..255", width);
    }
    s->max_width = (unsigned)width;
    s->path = host->output_file(ctx, NULL);
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

static bg_status xlsx_begin_table(bg_context *ctx, void *state, const bg_table_schema *schema)
{
    xlsx_state *s = state;
    s->ctx = ctx;
    xlsx_table *tables = realloc(s->tables, (s->table_count + 1) * sizeof *tables);
    if (!tables)
        return nomem(s, "tables");
    s->tables = tables;
    xlsx_table *t = &tables[s->table_count];
    memset(t, 0, sizeof *t);
    s->table_count++;
    t->name = dup_string(schema->name);
    t->label = dup_string(schema->label);
    t->label_en = dup_string(schema->label_en);
    t->columns = calloc(schema->column_count ? schema->column_count : 1, sizeof *t->columns);
    if (!t->name || !t->columns || (schema->label && !t->label) || (schema->label_en && !t->label_en))
        return nomem(s, schema->name);
    t->column_count = schema->column_count;
    for (size_t c = 0; c < schema->column_count; c++) {
        const bg_column *in = &schema->columns[c];
        xlsx_column *col = &t->columns[c];
        col->name = dup_string(in->name);
        col->label = dup_string(in->label);
        col->label_en = dup_string(in->label_en);
        if (!col->name || (in->label && !col->label) || (in->label_en && !col->label_en))
            return nomem(s, schema->name);
        col->type = in->type;
        col->flags = in->flags;
        char text[512];
        header_text(s, col->name, col->label, text, sizeof text);
        col->width = text_width(text, strlen(text)) + 2; /* room for the filter button */
    }
    /* value, value_max -> unit; base_value -> base_unit: a cell is shown as a
     * percent when its row's unit is "%". */
    for (size_t c = 0; c < t->column_count; c++) {
        const char *name = t->columns[c].name;
        size_t n = strlen(name);
        char unit[256];
        t->columns[c].unit_column = -1;
        const char *stem = NULL;
        size_t stem_length = 0;
        if (n >= 9 && strcmp(name + n - 9, "value_max") == 0)
            stem = name, stem_length = n - 9;
        else if (n >= 5 && strcmp(name + n - 5, "value") == 0)
            stem = name, stem_length = n - 5;
        if (stem && stem_length < 200 &&
            (t->columns[c].type == BG_TYPE_REAL || t->columns[c].type == BG_TYPE_INTEGER)) {
            snprintf(unit, sizeof unit, "%.*sunit", (int)stem_length, stem);
            t->columns[c].unit_column = column_index(t, unit);
        }
    }
    t->spool = tmpfile();
    if (!t->spool)
        return host->fail(ctx, BG_ERR_IO, "%s: table %s: cannot create a spool file: %s", s->path, t->name,
                          strerror(errno));
    int index = (int)(s->table_count - 1);
    if (strcmp(t->name, "documents") == 0) {
        s->documents_table = index;
        const char *names[4] = {"doc_id", "region", "level", "plan_year"};
        for (int i = 0; i < 4; i++)
            s->doc_col[i] = column_index(t, names[i]);
    } else if (strcmp(t->name, "targets") == 0) {
        s->targets_table = index;
        const char *names[8] = {"doc_id", "indicator", "indicator_text", "kind",
                                "value",  "value_max", "unit",           "qualifier"};
        for (int i = 0; i < 8; i++)
            s->target_col[i] = column_index(t, names[i]);
        s->target_plan_year_col = column_index(t, "plan_year");
        s->target_written_col = column_index(t, "value_text");
        s->target_label_col = column_index(t, "indicator_label");
    }
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

static bg_status xlsx_write_row(bg_context *ctx, void *state, const bg_table_schema *schema, const bg_cell *cells)
{
    xlsx_state *s = state;
    s->ctx = ctx;
    xlsx_table *t = find_table(s, schema);
    if (!t)
        return host->fail(ctx, BG_ERR_INTERNAL, "%s: row for table %s, which never began", s->path, schema->name);
    bg_status status = spool_row(s, t, cells);
    if (status == BG_OK && s->matrix && (int)(t - s->tables) == s->documents_table)
        status = capture_document(s, cells);
    if (status == BG_OK && s->matrix && (int)(t - s->tables) == s->targets_table)
        status = capture_target(s, cells);
    return status;
}

static bg_status xlsx_end_table(bg_context *ctx, void *state, const bg_table_schema *schema)
{
    xlsx_state *s = state;
    s->ctx = ctx;
    xlsx_table *t = find_table(s, schema);
    if (t && (fflush(t->spool) != 0 || ferror(t->spool)))
        return host->fail(ctx, BG_ERR_IO, "%s: spooling table %s: %s", s->path, t->name, strerror(errno));
    return BG_OK;
}

static bg_status xlsx_finish(bg_context *ctx, void *state, const bg_run_summary *summary)
{
    xlsx_state *s = state;
    xlsx_summary *m = &s->summary;
    s->ctx = ctx;
    m->present = true;
    m->run_id = dup_string(summary->run_id);
    m->job = dup_string(summary->job);
    m->config_hash = dup_string(summary->config_hash);
    m->started_at = summary->started_at;
    m->finished_at = summary->finished_at;
    m->sources_seen = summary->sources_seen;
    m->documents = summary->documents;
    m->sources_failed = summary->sources_failed;
    m->failed_source = calloc(summary->source_count + 1, sizeof *m->failed_source);
    m->failed_error = calloc(summary->source_count + 1, sizeof *m->failed_error);
    if (!m->failed_source || !m->failed_error)
        return nomem(s, "run summary");
    for (size_t i = 0; i < summary->source_count; i++) {
        const bg_source_result *r = &summary->sources[i];
        if (!r->status || strcmp(r->status, "ok") == 0)
            continue;
        m->failed_source[m->failed_count] = dup_string(r->source ? r->source : "");
        m->failed_error[m->failed_count] = dup_string(r->error ? r->error : r->status);
        m->failed_count++;
    }
    return BG_OK;
}

/* ---- Building the workbook: names, formats, cells ------------------------ */

static bg_status lxw_failed(xlsx_state *s, lxw_error err, const char *sheet, uint64_t row, const char *what)
{
    return host->fail(s->ctx, err == LXW_ERROR_MEMORY_MALLOC_FAILED ? BG_ERR_NOMEM : BG_ERR_FORMAT,
                      "%s: sheet '%s' row %" PRIu64 ": %s: %s", s->path, sheet, row + 1, what, lxw_strerror(err));
}

#define LXW_TRY(s, expr, sheet, row, what)                                                                             \
    do {                                                                                                               \
        lxw_error err_ = (expr);                                                                                       \
        if (err_ != LXW_NO_ERROR)                                                                                      \
            return lxw_failed((s), err_, (sheet), (row), (what));                                                      \
    } while (0)

static bool ascii_case_equal(const char *a, const char *b)
{
    for (; *a && *b; a++, b++) {
        char x = *a >= 'A' && *a <= 'Z' ? (char)(*a + 32) : *a;
        char y = *b >= 'A' && *b <= 'Z' ? (char)(*b + 32) : *b;
        if (x != y)
            return false;
    }
    return *a == *b;
}

static bool name_taken(const xlsx_state *s, const char *name)
{
    if (ascii_case_equal(name, "History")) /* reserved by English Excel */
        return true;
    for (size_t i = 0; i < s->used_name_count; i++)
        if (ascii_case_equal(s->used_names[i], name))
            return true;
    return false;
}

/* Copies at most max_chars UTF-8 characters of src into dst. */
static void copy_chars(char *dst, const char *src, size_t max_chars)
{
    size_t chars = 0, i = 0;
    while (src[i] && chars < max_chars) {
        size_t len = 1;
        while ((src[i + len] & 0xC0) == 0x80)
            len++;
        memcpy(dst + i, src + i, len);
        i += len;
        chars++;
    }
    dst[i] = '\0';
}

/* A sheet name Excel accepts, unique (case-insensitive) in the workbook:
 * []:*?/\ become _, no apostrophe at either end, at most 31 characters with
 * the suffix (" (2)" for a table's second sheet, or NULL), and " (2)",
 * " (3)"... appended on a clash. Returns the claimed name (owned by
 * s->used_names) or NULL when out of memory. */
static const char *claim_sheet_name(xlsx_state *s, const char *wanted, const char *suffix)
{
    char base[LXW_MAX_SHEETNAME_LENGTH], name[LXW_MAX_SHEETNAME_LENGTH + 32];
    char clean[256];
    size_t n = 0;
    for (const char *p = wanted; *p && n < sizeof clean - 4; p++)
        clean[n++] = strchr("[]:*?/\\", *p) ? '_' : *p;
    clean[n] = '\0';
    char *start = clean;
    while (*start == '\'')
        start++;
    size_t suffix_length = suffix ? strlen(suffix) : 0;
    copy_chars(base, *start ? start : "Sheet", LXW_SHEETNAME_MAX - suffix_length);
    for (size_t k = strlen(base); k > 0 && base[k - 1] == '\''; k--)
        base[k - 1] = '\0';
    if (suffix)
        strcat(base, suffix);
    snprintf(name, sizeof name, "%s", base);
    for (unsigned k = 2; name_taken(s, name); k++) {
        char clash[16];
        int clash_length = snprintf(clash, sizeof clash, " (%u)", k);
        copy_chars(name, base, LXW_SHEETNAME_MAX - (size_t)clash_length);
        strcat(name, clash);
    }
    if (!grow((void **)&s->used_names, &s->used_name_capacity, s->used_name_count + 1, sizeof(char *)))
        return NULL;
    char *copy = dup_string(name);
    if (!copy)
        return NULL;
    s->used_names[s->used_name_count++] = copy;
    return copy;
}

static lxw_worksheet *add_sheet(xlsx_state *s, const char *name)
{
    return workbook_add_worksheet(s->workbook, name);
}

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
    if (!s->f_header || !s->f_text || !s->f_date || !s->f_datetime || !s->f_percent || !s->f_thousands || !s->f_title ||
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
        return worksheet_write_number(ws, row, col, (double)cell->as.integer, percent ? s->f_percent : NULL);
    case BG_TYPE_REAL: {
        double v = cell->as.real;
        lxw_format *f = percent ? s->f_percent : (v == floor(v) && fabs(v) >= 1e9) ? s->f_thousands : NULL;
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

static void column_name(lxw_col_t col, char *out)
{
    char tmp[8];
    int n = 0;
    unsigned c = (unsigned)col + 1;
    while (c) {
        tmp[n++] = (char)('A' + (c - 1) % 26);
        c = (c - 1) / 26;
    }
    for (int i = 0; i < n; i++)
        out[i] = tmp[n - 1 - i];
    out[n] = '\0';
}

/* The comment on a header cell: the English side of the column. */
static lxw_error header_comment(xlsx_state *s, lxw_worksheet *ws, lxw_col_t col, const char *name, const char *label,
                                const char *label_en)
{
    char text[1024];
    if (s->header == HEADER_NAME)
        snprintf(text, sizeof text, "%s%s%s%s", label ? label : "", label ? "\n" : "", label_en ? label_en : "",
                 label_en ? "" : name);
    else
        snprintf(text, sizeof text, "%s%s%s", name, label_en ? ": " : "", label_en ? label_en : "");
    lxw_comment_options options = {.author = "baogao", .x_scale = 2.0, .y_scale = 1.2};
    return worksheet_write_comment_opt(ws, 0, col, text, &options);
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
            column_name((lxw_col_t)c, letters);
            snprintf(ranges + strlen(ranges), sizeof ranges - strlen(ranges), "%s%s1:%s%" PRIu64, *ranges ? " " : "",
                     letters, letters, data_rows + 1);
        }
    }
    if (s->header == HEADER_BOTH)
        LXW_TRY(s, worksheet_set_row(ws, 0, 2 * LXW_DEF_ROW_HEIGHT, NULL), sheet, 0, "set_row");
    for (size_t c = 0; c < t->column_count; c++) {
        const xlsx_column *col = &t->columns[c];
        char text[512];
        header_text(s, col->name, col->label, text, sizeof text);
        LXW_TRY(s, worksheet_write_string(ws, 0, (lxw_col_t)c, text, s->f_header), sheet, 0, "header");
        LXW_TRY(s, header_comment(s, ws, (lxw_col_t)c, col->name, col->label, col->label_en), sheet, 0, "comment");
    }
    worksheet_freeze_panes(ws, 1, 0);
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
    size_t *offsets = calloc(t->column_count + 1, sizeof *offsets);
    if (!t->sheet_names || !cells || !offsets) {
        free(cells);
        free(offsets);
        return nomem(s, t->name);
    }
    bg_status status = BG_OK;
    if (fseek(t->spool, 0, SEEK_SET) != 0)
        status =
            host->fail(s->ctx, BG_ERR_IO, "%s: table %s: rewinding the spool: %s", s->path, t->name, strerror(errno));
    uint64_t done = 0;
    for (uint64_t k = 0; k < sheets && status == BG_OK; k++) {
        char suffix[32];
        snprintf(suffix, sizeof suffix, " (%" PRIu64 ")", k + 1);
        const char *sheet = claim_sheet_name(s, t->name, k ? suffix : NULL);
        if (!sheet) {
            status = nomem(s, t->name);
            break;
        }
        t->sheet_names[t->sheet_count++] = (char *)sheet;
        lxw_worksheet *ws = add_sheet(s, sheet);
        if (!ws) {
            status =
                host->fail(s->ctx, BG_ERR_FORMAT, "%s: cannot add sheet '%s' for table %s", s->path, sheet, t->name);
            break;
        }
        uint64_t rows = t->row_count - done < XLSX_DATA_ROWS_MAX ? t->row_count - done : XLSX_DATA_ROWS_MAX;
        if ((status = table_sheet_frame(s, t, ws, sheet, rows)) != BG_OK)
            break;
        for (uint64_t r = 0; r < rows && status == BG_OK; r++) {
            if (!read_row(s, t, cells, offsets)) {
                status = host->fail(s->ctx, BG_ERR_IO, "%s: table %s row %" PRIu64 ": reading the spool failed",
                                    s->path, t->name, done + r + 1);
                break;
            }
            for (size_t c = 0; c < t->column_count; c++) {
                lxw_error err = write_cell(s, ws, (lxw_row_t)(r + 1), (lxw_col_t)c, &cells[c], t->columns[c].flags,
                                           is_percent(t, c, cells));
                if (err != LXW_NO_ERROR) {
                    status = host->fail(s->ctx, BG_ERR_FORMAT, "%s: table %s row %" PRIu64 " column %s: %s", s->path,
                                        t->name, done + r + 1, t->columns[c].name, lxw_strerror(err));
                    break;
                }
            }
        }
        done += rows;
    }
    free(cells);
    free(offsets);
    return status;
}

/* ---- The About sheet ---------------------------------------------------- */

static const char *const qualifier_marks[][3] = {
    /* key, mark, what the report says */
    {"at_least", "\xE2\x89\xA5", "以上, 不低于"}, /* ≥ */
    {"about", "\xE2\x89\x88", "左右"},            /* ≈ */
    {"at_most", "\xE2\x89\xA4", "以内, 不超过"},  /* ≤ */
    {"exact", "=", "(no qualifier)"},
    {"above", ">", "超过, 高于"},
    {"below", "<", "低于"},
    {"in_line", "~", "同步, 相适应"},
    {"range",
     "a\xE2\x80\x93"
     "b",
     "区间 (value–value_max)"},
};

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
    size_t n = clean_text(w->s, text, strlen(text), &cut);
    if (n == SIZE_MAX)
        return nomem(w->s, "About sheet");
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

static bg_status write_about(xlsx_state *s, lxw_worksheet *ws, const char *sheet, const char *matrix_sheet)
{
    about_writer w = {s, ws, sheet, 0};
    const double widths[6] = {26, 24, 18, 60, 12, 22};
    for (lxw_col_t c = 0; c < 6; c++)
        LXW_TRY(s, worksheet_set_column(ws, c, c, widths[c], NULL), sheet, 0, "set_column");
    const xlsx_summary *m = &s->summary;
    const char *job = m->job ? m->job : host->job_name(s->ctx);

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
        ABOUT(about_text(&w, 1, "(not provided by the host)", NULL));
        w.row++;
    }
    ABOUT(about_text(&w, 0, "baogao 版本 Version", s->f_bold));
    ABOUT(about_text(&w, 1, host->host_version(s->ctx), NULL));
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

    if (matrix_sheet) {
        char line[256];
        ABOUT(about_text(&w, 0, "目标矩阵 Targets matrix", s->f_section));
        w.row++;
        bool has_gdp = false;
        for (size_t i = 0; i < s->indicator_count && !has_gdp; i++)
            has_gdp = strcmp(s->indicators[i].key, "gdp") == 0;
        snprintf(line, sizeof line,
                 "Sheet '%s': one row per document, one column per growth indicator (the signed value in "
                 "%%: a decline is negative), the target as written (增长6.5%%左右, 下降3%%以上) in the next "
                 "column%s",
                 matrix_sheet,
                 has_gdp && s->doc_count ? "; chart of GDP growth targets on its right."
                                         : " (no GDP growth target, so no chart).");
        ABOUT(about_text(&w, 0, line, NULL));
        w.row++;
        const char *mark_header[3] = {"标记 Mark", "限定 Qualifier", "原文 Wording"};
        for (lxw_col_t c = 0; c < 3; c++)
            ABOUT(about_text(&w, c, mark_header[c], s->f_bold));
        w.row++;
        for (size_t i = 0; i < sizeof qualifier_marks / sizeof qualifier_marks[0]; i++) {
            ABOUT(about_text(&w, 0, qualifier_marks[i][1], NULL));
            ABOUT(about_text(&w, 1, qualifier_marks[i][0], NULL));
            ABOUT(about_text(&w, 2, qualifier_marks[i][2], NULL));
            w.row++;
        }
        w.row++;
    }

    ABOUT(about_text(&w, 0, "说明 Notes", s->f_section));
    w.row++;
    static const char *const notes[] = {
        "Percentages are stored as written: 8.5 means 8.5% (shown with a % number format, not divided by 100).",
        "Codes (doc_id, region_code, hashes) are text, so leading zeros survive; dates are real Excel dates.",
        "Each table sheet: header shows the Chinese label (option header); hover it for the English description.",
        "Texts longer than Excel's 32,767 characters are cut; characters XML forbids are removed.",
    };
    for (size_t i = 0; i < sizeof notes / sizeof notes[0]; i++) {
        ABOUT(about_text(&w, 0, notes[i], NULL));
        w.row++;
    }
    w.row++;

    ABOUT(about_text(&w, 0, "字段说明 Glossary", s->f_section));
    w.row++;
    const char *glossary_header[6] = {"表 Table", "列 Column", "中文 Chinese", "English", "类型 Type", "标记 Flags"};
    for (lxw_col_t c = 0; c < 6; c++)
        ABOUT(about_text(&w, c, glossary_header[c], s->f_bold));
    w.row++;
    for (size_t i = 0; i < s->table_count; i++) {
        const xlsx_table *t = &s->tables[i];
        for (size_t c = 0; c < t->column_count; c++) {
            const xlsx_column *col = &t->columns[c];
            char flags[128];
            flag_names(col->flags, flags, sizeof flags);
            ABOUT(about_text(&w, 0, t->name, NULL));
            ABOUT(about_text(&w, 1, col->name, NULL));
            ABOUT(about_text(&w, 2, col->label, NULL));
            ABOUT(about_text(&w, 3, col->label_en, NULL));
            ABOUT(about_text(&w, 4, type_name(col->type), NULL));
            ABOUT(about_text(&w, 5, flags, NULL));
            w.row++;
        }
    }
    return BG_OK;
}

/* ---- The Targets matrix and its chart ------------------------------------ */

/* Open-addressing index of documents by doc_id. */
typedef struct doc_index {
    size_t *slots; /* doc index + 1; 0 is empty */
    size_t capacity;
} doc_index;

static uint64_t hash_string(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

static size_t *doc_slot(const xlsx_state *s, const doc_index *index, const char *doc_id)
{
    size_t i = (size_t)hash_string(doc_id) & (index->capacity - 1);
    while (index->slots[i] && strcmp(s->docs[index->slots[i] - 1].doc_id, doc_id) != 0)
        i = (i + 1) & (index->capacity - 1);
    return &index->slots[i];
}

/* Every document of the run, in documents-table order, then those only the
 * targets table names; grid[doc * indicators + i] is the first growth target
 * of indicator i in that document, or -1. */
static bg_status build_grid(xlsx_state *s, long **grid_out)
{
    doc_index index = {0};
    size_t need = (s->doc_count + s->target_count) * 2 + 2;
    index.capacity = 16;
    while (index.capacity < need)
        index.capacity *= 2;
    index.slots = calloc(index.capacity, sizeof *index.slots);
    if (!index.slots)
        return nomem(s, "targets matrix");
    size_t kept = 0;
    for (size_t d = 0; d < s->doc_count; d++) { /* drop duplicate doc_ids */
        size_t *slot = doc_slot(s, &index, s->docs[d].doc_id);
        if (*slot) {
            free(s->docs[d].doc_id);
            free(s->docs[d].region);
            free(s->docs[d].level);
            continue;
        }
        s->docs[kept] = s->docs[d];
        *slot = kept + 1; /* the slot found above is still the empty one */
        kept++;
    }
    s->doc_count = kept;
    long *doc_of_target = malloc((s->target_count + 1) * sizeof *doc_of_target);
    if (!doc_of_target) {
        free(index.slots);
        return nomem(s, "targets matrix");
    }
    for (size_t i = 0; i < s->target_count; i++) {
        xlsx_target *t = &s->targets[i];
        size_t *slot = doc_slot(s, &index, t->doc_id);
        if (!*slot) {
            if (!grow((void **)&s->docs, &s->doc_capacity, s->doc_count + 1, sizeof *s->docs)) {
                free(index.slots);
                free(doc_of_target);
                return nomem(s, "targets matrix");
            }
            xlsx_doc *d = &s->docs[s->doc_count];
            memset(d, 0, sizeof *d);
            d->doc_id = dup_string(t->doc_id);
            d->plan_year = t->plan_year;
            d->has_plan_year = t->has_plan_year;
            if (!d->doc_id) {
                free(index.slots);
                free(doc_of_target);
                return nomem(s, "targets matrix");
            }
            *slot = ++s->doc_count;
        }
        doc_of_target[i] = (long)*slot - 1;
    }
    free(index.slots);
    size_t cells = s->doc_count * s->indicator_count;
    long *grid = malloc((cells + 1) * sizeof *grid);
    if (!grid) {
        free(doc_of_target);
        return nomem(s, "targets matrix");
    }
    for (size_t i = 0; i < cells; i++)
        grid[i] = -1;
    for (size_t i = 0; i < s->target_count; i++) {
        long *cell = &grid[(size_t)doc_of_target[i] * s->indicator_count + s->targets[i].indicator];
        if (*cell < 0)
            *cell = (long)i;
    }
    free(doc_of_target);
    *grid_out = grid;
    return BG_OK;
}

/* Shortest text for a number as a person writes it: 5.5, 6, -0.3. */
static void short_number(double v, char *out, size_t size)
{
    snprintf(out, size, "%.6f", v);
    char *dot = strchr(out, '.');
    if (dot) {
        char *end = out + strlen(out) - 1;
        while (end > dot && *end == '0')
            *end-- = '\0';
        if (end == dot)
            *end = '\0';
    }
}

static void qualifier_mark(const xlsx_target *t, char *out, size_t size)
{
    out[0] = '\0';
    if (!t->qualifier)
        return;
    if (strcmp(t->qualifier, "range") == 0 && t->has_value && t->has_value_max) {
        char lo[48], hi[48];
        short_number(t->value, lo, sizeof lo);
        short_number(t->value_max, hi, sizeof hi);
        snprintf(out, size, "%s\xE2\x80\x93%s", lo, hi); /* en dash */
        return;
    }
    for (size_t i = 0; i < sizeof qualifier_marks / sizeof qualifier_marks[0]; i++)
        if (strcmp(t->qualifier, qualifier_marks[i][0]) == 0 && strcmp(t->qualifier, "range") != 0) {
            snprintf(out, size, "%s", qualifier_marks[i][1]);
            return;
        }
    snprintf(out, size, "%s", t->qualifier);
}

/* Puts gdp first, the other indicators keeping their first-seen order. */
static size_t *indicator_order(const xlsx_state *s, long *gdp_position)
{
    size_t *order = malloc((s->indicator_count + 1) * sizeof *order);
    if (!order)
        return NULL;
    size_t n = 0;
    *gdp_position = -1;
    for (size_t i = 0; i < s->indicator_count; i++)
        if (strcmp(s->indicators[i].key, "gdp") == 0) {
            order[n++] = i;
            *gdp_position = 0;
        }
    for (size_t i = 0; i < s->indicator_count; i++)
        if (strcmp(s->indicators[i].key, "gdp") != 0)
            order[n++] = i;
    return order;
}

static bg_status matrix_chart(xlsx_state *s, lxw_worksheet *ws, const char *sheet, lxw_col_t value_col,
                              lxw_col_t place_col)
{
    lxw_chart *chart = workbook_add_chart(s->workbook, LXW_CHART_BAR);
    if (!chart)
        return nomem(s, "chart");
    lxw_chart_series *series = chart_add_series(chart, NULL, NULL);
    if (!series)
        return nomem(s, "chart");
    lxw_row_t last = (lxw_row_t)s->doc_count;
    chart_series_set_categories(series, sheet, 1, 1, last, 1);
    chart_series_set_values(series, sheet, 1, value_col, last, value_col);
    chart_series_set_name(series, "GDP growth target (%)");
    chart_series_set_labels(series);
    chart_series_set_labels_num_format(series, XLSX_FORMAT_PERCENT);
    chart_title_set_name(chart, "地区生产总值增长目标 GDP growth targets by region");
    /* In libxlsxwriter's bar chart, y_axis is the vertical category axis and
     * x_axis the horizontal value axis (checked in the chart XML). */
    chart_axis_set_num_format(chart->x_axis, "0\"%\"");
    chart_axis_set_reverse(chart->y_axis);                                           /* first document on top */
    chart_axis_set_label_position(chart->y_axis, LXW_CHART_AXIS_LABEL_POSITION_LOW); /* clear of negative bars */
    chart_legend_set_position(chart, LXW_CHART_LEGEND_NONE);
    double height = 60.0 + 22.0 * (double)s->doc_count;
    lxw_chart_options options = {.x_offset = 10,
                                 .y_offset = 4,
                                 .x_scale = 1.5,
                                 .y_scale = height < 288     ? 1.0
                                            : height > 11520 ? 40.0
                                                             : height / 288.0,
                                 .object_position = LXW_OBJECT_DONT_MOVE_DONT_SIZE,
                                 .description = "Bar chart of each document's GDP growth target"};
    LXW_TRY(s, worksheet_insert_chart_opt(ws, 0, place_col, chart, &options), sheet, 0, "chart");
    return BG_OK;
}

static bg_status write_matrix_rows(xlsx_state *s, lxw_worksheet *ws, const char *sheet, const long *grid,
                                   const size_t *order)
{
    for (size_t d = 0; d < s->doc_count; d++) {
        const xlsx_doc *doc = &s->docs[d];
        lxw_row_t row = (lxw_row_t)(d + 1);
        LXW_TRY(s, worksheet_write_string(ws, row, 0, doc->doc_id, s->f_text), sheet, row, "doc_id");
        if (doc->region)
            LXW_TRY(s, worksheet_write_string(ws, row, 1, doc->region, NULL), sheet, row, "region");
        if (doc->level)
            LXW_TRY(s, worksheet_write_string(ws, row, 2, doc->level, NULL), sheet, row, "level");
        if (doc->has_plan_year)
            LXW_TRY(s, worksheet_write_number(ws, row, 3, (double)doc->plan_year, NULL), sheet, row, "plan_year");
        for (size_t k = 0; k < s->indicator_count; k++) {
            long i = grid[d * s->indicator_count + order[k]];
            if (i < 0)
                continue;
            const xlsx_target *t = &s->targets[i];
            lxw_col_t col = (lxw_col_t)(4 + 2 * k);
            char mark[128];
            if (t->has_value)
                LXW_TRY(s, worksheet_write_number(ws, row, col, t->value, t->percent ? s->f_percent : NULL), sheet, row,
                        "value");
            /* the target as written (下降3%以上) beside its signed value (−3),
             * else the qualifier's mark */
            if (t->written && *t->written)
                snprintf(mark, sizeof mark, "%s", t->written);
            else
                qualifier_mark(t, mark, sizeof mark);
            if (*mark)
                LXW_TRY(s, worksheet_write_string(ws, row, col + 1, mark, NULL), sheet, row, "qualifier");
        }
    }
    return BG_OK;
}

static bg_status write_matrix(xlsx_state *s, lxw_worksheet *ws, const char *sheet)
{
    long *grid = NULL;
    bg_status status = build_grid(s, &grid);
    if (status != BG_OK)
        return status;
    long gdp = -1;
    size_t *order = indicator_order(s, &gdp);
    if (!order) {
        free(grid);
        return nomem(s, "targets matrix");
    }
    status = BG_OK;
    const xlsx_table *documents = s->documents_table >= 0 ? &s->tables[s->documents_table] : NULL;
    static const char *const fixed[4][2] = {
        {"doc_id", "文档编号"}, {"region", "地区"}, {"level", "行政级别"}, {"plan_year", "计划年份"}};
    lxw_col_t last_col = (lxw_col_t)(3 + 2 * s->indicator_count);
    if (s->header == HEADER_BOTH && worksheet_set_row(ws, 0, 2 * LXW_DEF_ROW_HEIGHT, NULL) != LXW_NO_ERROR)
        status = host->fail(s->ctx, BG_ERR_FORMAT, "%s: sheet '%s': set_row failed", s->path, sheet);
    for (int c = 0; c < 4 && status == BG_OK; c++) {
        int dc = documents ? s->doc_col[c] : -1;
        const xlsx_column *col = dc >= 0 ? &documents->columns[dc] : NULL;
        const char *label = col && col->label ? col->label : fixed[c][1];
        char text[256];
        header_text(s, fixed[c][0], label, text, sizeof text);
        unsigned width = text_width(text, strlen(text)) + 3;
        for (size_t d = 0; d < s->doc_count && c > 0 && c < 3; d++) {
            const char *v = c == 1 ? s->docs[d].region : s->docs[d].level;
            unsigned w = v ? text_width(v, strlen(v)) + 1 : 0;
            width = w > width ? w : width;
        }
        if (c == 0)
            width = width < 18 ? 18 : width;
        lxw_error err = worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c,
                                             width > s->max_width ? s->max_width : width, c == 0 ? s->f_text : NULL);
        if (err == LXW_NO_ERROR)
            err = worksheet_write_string(ws, 0, (lxw_col_t)c, text, s->f_header);
        if (err == LXW_NO_ERROR)
            err = header_comment(s, ws, (lxw_col_t)c, fixed[c][0], label, col ? col->label_en : NULL);
        if (err != LXW_NO_ERROR)
            status = lxw_failed(s, err, sheet, 0, "header");
    }
    for (size_t k = 0; k < s->indicator_count && status == BG_OK; k++) {
        const xlsx_indicator *ind = &s->indicators[order[k]];
        lxw_col_t col = (lxw_col_t)(4 + 2 * k);
        char text[512], mark_text[512], comment[512];
        header_text(s, ind->key, ind->text, text, sizeof text);
        if (s->header == HEADER_NAME)
            snprintf(mark_text, sizeof mark_text, "%s_as_written", ind->key);
        else
            snprintf(mark_text, sizeof mark_text, "%s 目标原文", ind->text && *ind->text ? ind->text : ind->key);
        snprintf(comment, sizeof comment,
                 "indicator %s (first worded \"%s\"): growth target, signed (a decline is negative); the "
                 "next column is the target as written (下降3%%以上)",
                 ind->key, ind->text ? ind->text : ind->key);
        unsigned width = text_width(text, strlen(text)) + 3;
        unsigned mark_width = text_width(mark_text, strlen(mark_text)) + 3;
        lxw_comment_options options = {.author = "baogao", .x_scale = 2.0, .y_scale = 1.2};
        lxw_error err = worksheet_set_column(ws, col, col,
                                             width < 9              ? 9
                                             : width > s->max_width ? s->max_width
                                                                    : width,
                                             NULL);
        if (err == LXW_NO_ERROR)
            err = worksheet_set_column(ws, col + 1, col + 1,
                                       mark_width > 20  ? 20
                                       : mark_width < 8 ? 8
                                                        : mark_width,
                                       NULL);
        if (err == LXW_NO_ERROR)
            err = worksheet_write_string(ws, 0, col, text, s->f_header);
        if (err == LXW_NO_ERROR)
            err = worksheet_write_comment_opt(ws, 0, col, comment, &options);
        if (err == LXW_NO_ERROR)
            err = worksheet_write_string(ws, 0, col + 1, mark_text, s->f_header);
        if (err != LXW_NO_ERROR)
            status = lxw_failed(s, err, sheet, 0, "header");
    }
    if (status == BG_OK) {
        worksheet_freeze_panes(ws, 1, 2);
        lxw_error err = worksheet_autofilter(ws, 0, 0, (lxw_row_t)s->doc_count, last_col);
        if (err == LXW_NO_ERROR && s->doc_count) {
            char range[32];
            snprintf(range, sizeof range, "A1:A%zu", s->doc_count + 1);
            err = worksheet_ignore_errors(ws, LXW_IGNORE_NUMBER_STORED_AS_TEXT, range);
        }
        if (err != LXW_NO_ERROR)
            status = lxw_failed(s, err, sheet, 0, "autofilter");
    }
    if (status == BG_OK && gdp >= 0 && s->doc_count)
        status = matrix_chart(s, ws, sheet, 4, last_col + 2);
    else if (status == BG_OK)
        host->log(s->ctx, BG_LOG_INFO, "no GDP growth target: the Targets matrix has no chart");
    if (status == BG_OK)
        status = write_matrix_rows(s, ws, sheet, grid, order);
    free(order);
    free(grid);
    return status;
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
        return nomem(s, "workbook");
    if (s->constant_memory)
        host->log(s->ctx, BG_LOG_INFO, "%" PRIu64 " rows: writing in constant_memory mode", rows);

    /* Claim the fixed names first, so a table called "about" becomes "about (2)". */
    const char *about = claim_sheet_name(s, "About", NULL);
    bool matrix = s->matrix && s->targets_table >= 0;
    if (matrix && (s->doc_count + s->target_count > XLSX_DATA_ROWS_MAX || s->indicator_count > 8000)) {
        host->log(s->ctx, BG_LOG_WARN, "too many documents or indicators for one sheet: no Targets matrix");
        matrix = false;
    }
    const char *matrix_sheet = matrix ? claim_sheet_name(s, "Targets matrix", NULL) : NULL;
    if (!about || (matrix && !matrix_sheet))
        return nomem(s, "sheet names");
    lxw_worksheet *about_ws = add_sheet(s, about);
    if (!about_ws)
        return host->fail(s->ctx, BG_ERR_FORMAT, "%s: cannot add the About sheet", s->path);

    /* Table sheets need their names before About lists them, and About must
     * be first: add About, then write tables, then fill About (its own temp
     * file in constant_memory mode, so order of writing across sheets is free). */
    for (size_t i = 0; i < s->table_count; i++) {
        bg_status status = write_table(s, &s->tables[i]);
        if (status != BG_OK)
            return status;
    }
    if (matrix) {
        lxw_worksheet *ws = add_sheet(s, matrix_sheet);
        if (!ws)
            return host->fail(s->ctx, BG_ERR_FORMAT, "%s: cannot add sheet '%s'", s->path, matrix_sheet);
        bg_status status = write_matrix(s, ws, matrix_sheet);
        if (status != BG_OK)
            return status;
    }
    bg_status status = write_about(s, about_ws, about, matrix_sheet);
    if (status != BG_OK)
        return status;
    worksheet_activate(about_ws);

    const xlsx_summary *m = &s->summary;
    char title[256], comments[512];
    const char *job = m->job ? m->job : host->job_name(s->ctx);
    snprintf(title, sizeof title, "%s — 政府工作报告数据 (government work report tables)", job ? job : "baogao");
    snprintf(comments, sizeof comments, "Made by baogao %s%s%s. Sheet About explains every column.",
             host->host_version(s->ctx), m->run_id ? ", run " : "", m->run_id ? m->run_id : "");
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
        return host->fail(s->ctx, BG_ERR_IO, "%s: writing the workbook: %s", s->path, lxw_strerror(err));
    if (s->cut_cells > XLSX_CUT_WARNINGS_MAX)
        host->log(s->ctx, BG_LOG_WARN, "%" PRIu64 " cells in all were cut to %d characters", s->cut_cells,
                  XLSX_CELL_UNITS_MAX);
    if (s->removed_chars)
        host->log(s->ctx, BG_LOG_WARN, "removed %" PRIu64 " characters that XML does not allow", s->removed_chars);
    host->log(s->ctx, BG_LOG_DEBUG, "wrote %" PRIu64 " rows in %zu tables for %s", rows, s->table_count,
              host->output_path(s->ctx));
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
        }
        free(t->columns);
        free(t->name);
        free(t->label);
        free(t->label_en);
        free(t->sheet_names); /* the names themselves are in used_names */
        if (t->spool)
            fclose(t->spool);
    }
    free(s->tables);
    for (size_t i = 0; i < s->doc_count; i++) {
        free(s->docs[i].doc_id);
        free(s->docs[i].region);
        free(s->docs[i].level);
    }
    free(s->docs);
    for (size_t i = 0; i < s->target_count; i++) {
        free(s->targets[i].doc_id);
        free(s->targets[i].qualifier);
        free(s->targets[i].written);
    }
    free(s->targets);
    for (size_t i = 0; i < s->indicator_count; i++) {
        free(s->indicators[i].key);
        free(s->indicators[i].text);
    }
    free(s->indicators);
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
    if (commit && status == BG_OK && host->struct_size >= offsetof(bg_host_api, describe) + sizeof host->describe &&
        host->describe) {
        uint64_t rows = 0;
        for (size_t i = 0; i < s->table_count; i++)
            rows += s->tables[i].row_count;
        host->describe(ctx, "%zu sheets, %" PRIu64 " rows", s->used_name_count, rows);
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
    .begin_document = NULL,
    .write_row = xlsx_write_row,
    .end_table = xlsx_end_table,
    .finish = xlsx_finish,
    .close = xlsx_close,
    .option_limits = xlsx_limits,
    .option_limits_size = sizeof(bg_option_limits),
};

BG_EXPORTER_EXPORT const bg_exporter *BG_EXPORTER_ENTRY(const bg_host_api *api)
{
    host = api;
    return &xlsx_exporter;
}
