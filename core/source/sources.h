/* sources.h — turning the config's sources into the sorted list of files to
 * read, and reading CSV containers (one report per row) with libcsv. */
#ifndef BAOGAO_SOURCES_H
#define BAOGAO_SOURCES_H

#include "config.h"
#include "error.h"
#include "problems.h"

typedef struct bg_source_file {
    char *path;
    const bg_source_config *config; /* borrowed from the bg_config */
} bg_source_file;

typedef struct bg_source_list {
    bg_source_file *files;
    size_t count;
} bg_source_list;

/* Expands every source (file, folder, glob; include/exclude on the file
 * name) into one list sorted by path, without duplicates. A glob matching
 * nothing is logged as a warning. */
bg_error bg_sources_list(const bg_config *config, bg_source_list *out, char *msg, size_t msg_size);
void bg_source_list_free(bg_source_list *list);

/* One row of a CSV container. */
typedef struct bg_csv_row {
    size_t row; /* 1-based data row number (the header is row 0) */
    char *text; /* the text column */
    size_t text_length;
    char *title, *region, *url; /* mapped columns or NULL */
    int year;                   /* mapped column or 0 */
} bg_csv_row;

typedef struct bg_csv_rows {
    bg_csv_row *rows;
    size_t count;
} bg_csv_rows;

/* Parses UTF-8 CSV text with a header row. Errors name the file and row and,
 * for a missing column, the columns found. */
bg_error bg_csv_read(const char *utf8, size_t length, const char *name, const bg_source_config *config,
                     bg_csv_rows *out, char *msg, size_t msg_size);
void bg_csv_rows_free(bg_csv_rows *rows);

#endif
