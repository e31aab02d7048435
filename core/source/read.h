/* read.h — one source into the documents it holds: read (regular files
 * only, never blocking on a FIFO, never more than the configured limit),
 * hash, decode, and for a corpus split into its records. What `run`,
 * `extract`, `eval` and the fuzz targets all read through. */
#ifndef BAOGAO_SOURCE_READ_H
#define BAOGAO_SOURCE_READ_H

#include "error.h"
#include "extract/extract.h"
#include "source/sources.h"

#include <stddef.h>

/* One document of a source, or a failure of the source or of one record. */
typedef struct bg_source_doc {
    char *source;          /* the `source` column: name, or name#row */
    char doc_id[17];       /* from the content hash; "" when the source could not be read */
    char content_hash[17]; /* hex XXH3-64 of the file's bytes, or of a record's text */
    char *utf8;            /* decoded text, owned */
    size_t length;
    const char *encoding, *encoding_reason, *format; /* static */
    char *hint_title, *hint_region, *hint_url;       /* corpus columns, or NULL */
    int hint_year;
    char *notice; /* set: decoded with a warning (why, in one line) */
    char *error;  /* set: this document failed (why, in one line) */
} bg_source_doc;

typedef struct bg_source_docs {
    bg_source_doc *items;
    size_t count;
} bg_source_docs;

typedef struct bg_read_limits {
    size_t max_bytes; /* a larger file fails; 0: no limit */
} bg_read_limits;

/* Reads file into out: always at least one entry (a failed one when the
 * source cannot be read or decoded). Returns BG_E_NOMEM when even that could
 * not be recorded, else BG_E_OK. */
bg_error bg_source_read(const bg_source_file *file, const bg_read_limits *limits, bg_source_docs *out);
void bg_source_docs_free(bg_source_docs *docs);

/* The same in two steps, for a caller that may not need the documents once
 * it knows the bytes' hash (the run's cache). */
typedef struct bg_source_bytes {
    char *bytes; /* NULL: the source failed, and out holds why */
    size_t size;
    char hash[17]; /* hex XXH3-64 of the bytes */
} bg_source_bytes;
/* Reads and hashes file; a failure becomes out's one failed entry (raw->bytes
 * NULL). BG_E_NOMEM when even that could not be recorded. */
bg_error bg_source_load(const bg_source_file *file, const bg_read_limits *limits, bg_source_bytes *raw,
                        bg_source_docs *out);
/* Decodes what bg_source_load read (raw->bytes is consumed) into out. */
bg_error bg_source_decode(const bg_source_file *file, bg_source_bytes *raw, bg_source_docs *out);
/* The extraction input of a document (borrowing its strings). */
bg_doc_input bg_source_doc_input(const bg_source_doc *d);

/* Reads a regular file whole: opened without blocking (a FIFO or device is
 * refused, not waited on), at most max_bytes (0: any). NULL with msg saying
 * why. *size excludes the NUL appended. */
char *bg_read_regular(const char *path, size_t max_bytes, size_t *size, char *msg, size_t msg_size);

#endif
