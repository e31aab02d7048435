/* corpus.h — corpora that hold one report per record: CSV files (libcsv, a
 * quoted multi-line field holds the text; documents named file#row) and JSON
 * Lines (one object per line, read with cJSON one line at a time; documents
 * named file#line). A record that is broken (a stray or unterminated quote,
 * a ragged row, a line that is not JSON, a text field that is missing or
 * not a string) is a failed row that names its row and line, never merged
 * with the next one. */
#ifndef BAOGAO_SOURCE_CORPUS_H
#define BAOGAO_SOURCE_CORPUS_H

#include "config.h"
#include "error.h"

#include <stddef.h>

/* One record of a corpus. */
typedef struct bg_corpus_row {
    size_t row;  /* CSV: 1-based data row number (the header is row 0); JSONL: the line */
    size_t line; /* line of the file where the record starts */
    char *text;  /* the text column or field */
    size_t text_length;
    char *title, *region, *url; /* mapped columns or NULL */
    int year;                   /* mapped column or 0 */
    char *error;                /* set: the record is broken; why, naming row and line */
} bg_corpus_row;

typedef struct bg_corpus_rows {
    bg_corpus_row *rows;
    size_t count;
} bg_corpus_rows;

/* Parses UTF-8 CSV text with a header row. Errors for the whole file (no
 * header, a missing column — naming the columns found —, no memory) name the
 * file; a broken record is a row with `error` set. */
bg_error bg_csv_read(const char *utf8, size_t length, const char *name, const bg_source_config *config,
                     bg_corpus_rows *out, char *msg, size_t msg_size);
/* Parses UTF-8 JSON Lines: every line that is not blank is a record, the
 * config's text_field its text and its columns the fields of title, region,
 * year and url ("a.b" reaches a nested field). row and line are both the
 * line number. Whole-file errors (no record at all, no memory) name the
 * file. */
bg_error bg_jsonl_read(const char *utf8, size_t length, const char *name, const bg_source_config *config,
                       bg_corpus_rows *out, char *msg, size_t msg_size);
void bg_corpus_rows_free(bg_corpus_rows *rows);

#endif
