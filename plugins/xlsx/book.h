/* book.h — the XLSX exporter's base (book.c): the run's state that every
 * sheet reads, and the helpers for text, names, cells and print setup.
 * Not a public header: the plugin includes only baogao/exporter.h from
 * baogao. Its sheets: xlsx.c (lifecycle, About, a sheet per table),
 * matrix.c (matrix.h: the sheets built from the targets) and charts.c
 * (charts.h: the charts beside a table sheet's data). */
#ifndef BAOGAO_PLUGIN_XLSX_BOOK_H
#define BAOGAO_PLUGIN_XLSX_BOOK_H

#include "baogao/exporter.h"

#include <xlsxwriter.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Excel's limits: a cell holds 32,767 characters (UTF-16 code units), a
 * sheet 1,048,576 rows, of which the first is our header. */
#define XLSX_CELL_UNITS_MAX 32767
#define XLSX_DATA_ROWS_MAX (LXW_ROW_MAX - 1)
/* Number formats. A percent is an Excel percentage: 8.5% is stored as
 * 0.085 and shown as 8.5%, so a filter "greater than 8%" and a switch to
 * Percent behave as Excel users expect; CSV, JSON and SQLite keep 8.5 with
 * unit %. */
#define XLSX_FORMAT_PERCENT "0.0##%"
#define XLSX_FORMAT_DATE "yyyy-mm-dd"
#define XLSX_FORMAT_DATETIME "yyyy-mm-dd hh:mm:ss"
#define XLSX_FORMAT_THOUSANDS "#,##0"

/* The document identity every sheet of a table of documents' rows begins
 * with (not documents, not the tables across reports). */
#define XLSX_IDENTITY_COLUMNS 5
enum { IDENT_PROVINCE, IDENT_REGION, IDENT_REGION_CODE, IDENT_LEVEL, IDENT_PLAN_YEAR };

extern const bg_host_api *xlsx_host;

typedef enum xlsx_header_mode { HEADER_LABEL, HEADER_NAME, HEADER_BOTH } xlsx_header_mode;

typedef struct xlsx_code_label {
    char *value, *label;
} xlsx_code_label;

typedef struct xlsx_column {
    char *name, *label, *label_en;
    bg_type type;
    uint32_t flags;
    int source;      /* index of the cell in the row as spooled: identity cells first, then the host's */
    int unit_column; /* index (in columns) of the unit that decides a percent format, or -1 */
    unsigned width;  /* widest display width seen, header included */
    xlsx_code_label *values; /* a coded column's labels (shown instead of the code) */
    size_t value_count;
} xlsx_column;

struct xlsx_chart; /* charts.c */

typedef struct xlsx_table {
    char *name, *label, *label_en;
    size_t column_count; /* columns shown, identity columns included */
    xlsx_column *columns;
    size_t host_columns;      /* cells per row from the host */
    bool across;              /* a table across reports (BG_TABLE_ACROSS, ABI 1.3) */
    bool identity;            /* the sheet begins with the document's identity */
    struct xlsx_chart *chart; /* the chart beside the data, or NULL (charts.c) */
    FILE *spool;              /* rows, see spool_row() for the format */
    uint64_t spool_bytes;
    uint64_t row_count;
    char **sheet_names; /* filled while building; one per sheet the table spans */
    size_t sheet_count;
} xlsx_table;

/* A document as the matrix sheets need it. */
typedef struct xlsx_doc {
    char *doc_id, *province, *region, *region_code, *level, *doc_type;
    int64_t plan_year;
    bool has_plan_year;
} xlsx_doc;

/* A target as the matrix sheets need it. */
typedef struct xlsx_target {
    char *doc_id;
    size_t indicator;
    int rank; /* which target of an indicator a cell shows: the lowest rank, then the first */
    double value, value_max;
    bool has_value, has_value_max, percent;
    char *kind, *unit, *qualifier, *qualifier_text, *written, *reference;
} xlsx_target;

typedef struct xlsx_indicator {
    char *key;
    char *text; /* the ruleset's name, else the first wording seen */
} xlsx_indicator;

typedef struct xlsx_summary {
    bool present;
    char *run_id, *job, *config_hash;
    int64_t started_at, finished_at;
    uint64_t sources_seen, documents, sources_failed;
    size_t failed_count;
    char **failed_source, **failed_error;
} xlsx_summary;

/* A number format made once per distinct code. */
typedef struct xlsx_format_entry {
    char *code;
    bool centred;
    lxw_format *format;
} xlsx_format_entry;

typedef struct xlsx_state {
    bg_context *ctx;
    const char *path; /* the host's temporary output path */
    xlsx_header_mode header;
    bool matrix, panels, interpretations;
    unsigned max_width;

    xlsx_table *tables;
    size_t table_count;

    /* The current document's identity, for the identity columns. */
    char *ident_text[XLSX_IDENTITY_COLUMNS];
    int64_t ident_year;
    bool ident_has_year;
    bg_cell *row_cells; /* scratch: one row as spooled */
    size_t row_cells_capacity;

    /* Captured for the matrix sheets while rows arrive. */
    int documents_table, targets_table;
    int doc_col[8];     /* doc_id, province, region, region_code, level, plan_year, doc_type */
    int target_col[13]; /* see capture_target() */
    xlsx_doc *docs;
    size_t doc_count, doc_capacity;
    xlsx_target *targets;
    size_t target_count, target_capacity;
    xlsx_indicator *indicators;
    size_t indicator_count, indicator_capacity;
    char **matrix_sheets; /* the sheets matrix.c added, for About (names in used_names) */
    size_t matrix_sheet_count;

    xlsx_summary summary;
    uint64_t cut_cells, removed_chars;

    /* Scratch buffers: cleaning text; one spooled row, written or read. */
    char *scratch;
    size_t scratch_capacity;
    char *row_text;
    size_t row_text_capacity, row_text_used;
    bool spool_nomem;

    /* Built in close(). */
    lxw_workbook *workbook;
    bool constant_memory;
    char **used_names;
    size_t used_name_count, used_name_capacity;
    lxw_format *f_header, *f_text, *f_date, *f_datetime, *f_percent, *f_thousands, *f_title, *f_bold, *f_section,
        *f_wrap;
    xlsx_format_entry *number_formats;
    size_t number_format_count, number_format_capacity;
} xlsx_state;

/* ---- book.c: the base every sheet uses ----------------------------------- */

char *xlsx_strdup(const char *s);
/* Grows *array (of element size size) to hold at least need elements. */
bool xlsx_grow(void **array, size_t *capacity, size_t need, size_t size);
bg_status xlsx_nomem(xlsx_state *s, const char *what);
/* Display width of the widest line of s (CJK characters count double). */
unsigned xlsx_text_width(const char *s, size_t n);
bool xlsx_same_text(const bg_cell *cell, const char *s);
/* Copies text into s->scratch (NUL-terminated) without the characters XML
 * forbids, cut at Excel's 32,767 UTF-16 units; returns the length or
 * SIZE_MAX (no memory); *cut says whether it was cut. */
size_t xlsx_clean_text(xlsx_state *s, const char *text, size_t length, bool *cut);
/* A cleaned (XML-safe), NUL-terminated copy of a text cell, or NULL. */
char *xlsx_cell_dup(xlsx_state *s, const bg_cell *cell);
/* The text a header cell shows for a column, per the header option. */
void xlsx_header_text(const xlsx_state *s, const char *name, const char *label, char *out, size_t size);
lxw_error xlsx_header_comment(xlsx_state *s, lxw_worksheet *ws, lxw_col_t col, const char *name, const char *label,
                              const char *label_en);
/* A unique sheet name Excel accepts (owned by s), or NULL when out of memory. */
const char *xlsx_claim_sheet_name(xlsx_state *s, const char *wanted, const char *suffix);
lxw_worksheet *xlsx_add_sheet(xlsx_state *s, const char *name);
/* The column's letters: 0 -> A, 27 -> AB. */
void xlsx_column_name(lxw_col_t col, char *out);
bg_status xlsx_lxw_failed(xlsx_state *s, lxw_error err, const char *sheet, uint64_t row, const char *what);
/* Landscape A4, one page wide, header row (and columns 0..repeat_columns-1)
 * repeated on every page, the sheet's name and page numbers printed. */
lxw_error xlsx_print_setup(lxw_worksheet *ws, bool header_row, lxw_col_t repeat_columns);
/* The format for a number format code (NULL or "": General), centred or
 * not, made once per pair (NULL: no memory). */
lxw_format *xlsx_number_format(xlsx_state *s, const char *code, bool centred);
/* v % as an Excel percentage, v / 100 rounded to 15 significant digits, so
 * 8.5 becomes the double nearest 0.085 (what Excel reads for "8.5%"). */
double xlsx_percent(double v);
/* Shortest text for a number as a person writes it: 5.5, 6, -0.3. */
void xlsx_short_number(double v, char *out, size_t size);
/* Whether cell c of a row as the sheet shows it is a percent: its column
 * says so, or the row's unit for it (unit_column) is "%". */
bool xlsx_is_percent(const xlsx_table *t, size_t c, const bg_cell *cells);
/* The label a coded value shows, or NULL. */
const char *xlsx_value_label(const xlsx_code_label *values, size_t count, const char *value);
/* The documents table's column called name (NULL: no such table or column). */
const xlsx_column *xlsx_documents_column(const xlsx_state *s, const char *name);
/* The label the host gives a code of a documents column (level county: 县,
 * doc_type interpretation: 解读), else the code itself. */
const char *xlsx_documents_label(const xlsx_state *s, const char *column, const char *code);

#define LXW_TRY(s, expr, sheet, row, what)                                                                             \
    do {                                                                                                               \
        lxw_error err_ = (expr);                                                                                       \
        if (err_ != LXW_NO_ERROR)                                                                                      \
            return xlsx_lxw_failed((s), err_, (sheet), (row), (what));                                                 \
    } while (0)

#endif
