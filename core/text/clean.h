/* clean.h — from decoded UTF-8 to the cleaned text every extraction stage
 * matches against: boilerplate lines removed (PCRE2 patterns from the rules
 * and the job), page furniture and running headers dropped, full-width forms
 * folded, BOMs, zero-width characters and layout spaces between CJK
 * characters gone, line breaks inside a sentence joined (PDF hard wraps too,
 * wherever they fall), full stops written as '.' made 。, and a byte map kept
 * back to the original so rows can quote it exactly as written. */
#ifndef BAOGAO_TEXT_CLEAN_H
#define BAOGAO_TEXT_CLEAN_H

#include "error.h"
#include "problems.h"

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A document's text after cleaning. `map` leads back to the decoded original
 * so that every extracted row can quote its words exactly as written. */
typedef struct bg_text {
    char *text;           /* cleaned UTF-8, NUL-terminated, owned */
    size_t length;        /* bytes of text */
    const char *original; /* decoded UTF-8 the map points into, borrowed */
    size_t original_length;
    /* where each byte came from in the original, as runs: the bytes from
     * map_at[k] on came from map_origin[k] on (see bg_text_origin) */
    uint32_t *map_at, *map_origin;
    size_t map_runs;
    uint32_t end_origin; /* the end of the last mapped original character */
    uint32_t *char_index; /* code points before each BG_TEXT_INDEX_STRIDE-byte
                             block, for offsets in characters in O(1) */
} bg_text;

/* Cleaning takes documents of less than 4 GiB (offsets are 32-bit). */
#define BG_TEXT_MAX_BYTES 0xFFFFFFF0u
enum { BG_TEXT_INDEX_STRIDE = 64 };

typedef struct bg_clean_rules bg_clean_rules;

/* Compiles the boilerplate patterns: rules_root's "boilerplate" array
 * (required when rules_root is given; none when it is NULL) plus
 * extra_patterns (the job's extract.boilerplate, may be NULL). Problems name
 * rules_file or extra_json_path with the array index and the pcre2 error
 * offset. Returns NULL when there was any problem (or no memory). */
bg_clean_rules *bg_clean_rules_load(const cJSON *rules_root, const char *rules_file, const cJSON *extra_patterns,
                                    const char *extra_json_path, bg_problems *p);
void bg_clean_rules_free(bg_clean_rules *r);

/* Cleans utf8[0, length) into out (out->original = utf8, borrowed: utf8 must
 * outlive out). r may be NULL: folding and joining only. Thread-safe. */
bg_error bg_clean_text(const bg_clean_rules *r, const char *utf8, size_t length, bg_text *out, char *msg, size_t n);

/* The byte offset in the original that text[at] came from (at == length:
 * the end of the last mapped original character). O(log runs). */
size_t bg_text_origin(const bg_text *t, size_t at);
/* Quotes text[start, end) as written in the original: returns a malloc'ed
 * copy of the original from start's origin to end's with surrounding whitespace
 * trimmed. NULL when out of memory. */
char *bg_text_quote(const bg_text *t, size_t start, size_t end);
/* Code-point offset of cleaned byte offset `at` (for offset columns). */
size_t bg_text_char_offset(const bg_text *t, size_t at);
/* Number of code points in the cleaned text (the `chars` column). */
size_t bg_text_char_count(const bg_text *t);
void bg_text_free(bg_text *t);

#endif
