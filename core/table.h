/* table.h — result tables: their schemas (the column contract) and the rows
 * one document produces. A bg_rowset owns every string in its cells; it lives
 * from extraction until the exporters have seen it, then it is freed. */
#ifndef BAOGAO_TABLE_H
#define BAOGAO_TABLE_H

#include "baogao/exporter.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The built-in tables, in the order exporters see them. */
enum {
    BG_TABLE_DOCUMENTS = 0,
    BG_TABLE_TARGETS,
    BG_TABLE_OUTCOMES,
    BG_TABLE_COMMITMENTS,
    BG_TABLE_LIST_ITEMS,
    BG_TABLE_SECTIONS,
    BG_TABLE_KEYWORDS,
    /* across reports (BG_TABLE_ACROSS), computed after every document */
    BG_TABLE_TARGET_OUTCOMES,
    BG_TABLE_ESCALATION,
    BG_TABLE_ESCALATION_SUMMARY,
    BG_TABLE_TARGET_CHANGES,
    BG_BUILTIN_TABLE_COUNT
};

/* A table definition: the schema plus storage for its column array. */
typedef struct bg_table_def {
    bg_table_schema schema;
    bg_column *columns; /* owned when dynamic, else points at static data */
    bool dynamic;       /* columns and names were allocated (custom rules) */
} bg_table_def;

/* The schema of built-in table i (static, never freed). */
const bg_table_schema *bg_builtin_table(size_t i);
/* Index of the built-in table called name, or -1. */
int bg_builtin_table_index(const char *name);
/* The Chinese label of a coded column's value (kind "growth" -> 增长), or
 * NULL when the column is not coded or the value has no label. */
const char *bg_value_label_of(const bg_table_schema *schema, size_t column, const char *value, size_t length);
/* Column index by name in a schema, or -1. */
int bg_column_index(const bg_table_schema *schema, const char *name);

/* Rows of one table, in blocks of BG_ROWS_PER_BLOCK rows (the first grows
 * up to that size): a table of 100,000 rows never needs one contiguous
 * array, nor twice its size while it is copied to a bigger one. */
#define BG_ROWS_PER_BLOCK 256
typedef struct bg_rows {
    size_t column_count;
    size_t row_count;
    size_t first_capacity; /* rows block 0 holds */
    bg_cell **blocks;      /* each BG_ROWS_PER_BLOCK * column_count cells (block 0: first_capacity) */
    size_t block_count, block_capacity;
} bg_rows;

typedef struct bg_rowset {
    size_t table_count;
    bg_rows *tables;
    /* strings are copied into chunks owned by the rowset */
    char **chunks;
    size_t chunk_count, chunk_capacity;
    size_t chunk_used, chunk_size;
    size_t row_limit; /* 0: none; else bg_rowset_add refuses more rows in all */
    size_t row_total;
    bool limit_hit; /* a row was refused by row_limit */
} bg_rowset;

/* schemas: table_count schemas (borrowed; must outlive the rowset). */
bg_rowset *bg_rowset_new(size_t table_count, const bg_table_schema *const *schemas);
void bg_rowset_free(bg_rowset *set);
/* Appends a row of NULL cells to table t; returns its cells or NULL (no memory). */
bg_cell *bg_rowset_add(bg_rowset *set, size_t table);
/* Cell setters; text is copied into the rowset. */
void bg_cell_set_null(bg_cell *cell);
void bg_cell_set_integer(bg_cell *cell, int64_t value);
void bg_cell_set_real(bg_cell *cell, double value);
void bg_cell_set_date(bg_cell *cell, int year, int month, int day);
bool bg_cell_set_text(bg_rowset *set, bg_cell *cell, const char *text, size_t length);
bool bg_cell_set_cstr(bg_rowset *set, bg_cell *cell, const char *text); /* NULL -> null */
/* Row r of table t. */
bg_cell *bg_rowset_row(bg_rowset *set, size_t table, size_t row);
size_t bg_rowset_count(const bg_rowset *set, size_t table);

#endif
