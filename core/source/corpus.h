/* corpus.h — corpora that hold one report per record: CSV files (libcsv, a
 * quoted multi-line field holds the text). Every record is a document named file#row; a record that is
 * broken (a stray or unterminated quote, a ragged row, a line that is not
 * JSON) is a failed row that names its row and line, never merged with the
 * next one. */
#ifndef BAOGAO_SOURCE_CORPUS_H
#define BAOGAO_SOURCE_CORPUS_H

#include "config.h"
#include "error.h"

#include <stddef.h>

/* One record of a corpus. */
typedef struct bg_csv_row {
    size_t row;  /* 1-based data row number (the header is row 0) */
    size_t line; /* line of the file where the record starts */
    char *text;  /* the text column */
    size_t text_length;
    char *title, *region, *url; /* mapped columns or NULL */
    int year;                   /* mapped column or 0 */
    char *error;                /* set: the record is broken; why, naming row and line */
} bg_csv_row;

typedef struct bg_csv_rows {
    bg_csv_row *rows;
    size_t count;
} bg_csv_rows;

/* Parses UTF-8 CSV text with a header row. Errors for the whole file (no
 * header, a missing column — naming the columns found —, no memory) name the
 * file; a broken record is a row with `error` set. */
bg_error bg_csv_read(const char *utf8, size_t length, const char *name, const bg_source_config *config,
                     bg_csv_rows *out, char *msg, size_t msg_size);
void bg_csv_rows_free(bg_csv_rows *rows);

#endif
