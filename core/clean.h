/* clean.h — from decoded UTF-8 to the normalized text used for matching:
 * boilerplate lines removed (PCRE2 patterns from the rules and the job),
 * page furniture and running headers dropped, full-width forms folded,
 * BOMs, zero-width characters and layout spaces between CJK characters
 * gone, line breaks inside a sentence joined (PDF hard wraps too, wherever
 * they fall), full stops written as '.' made 。, and a byte map kept back to
 * the original so rows can quote it exactly as written. */
#ifndef BAOGAO_CLEAN_H
#define BAOGAO_CLEAN_H

#include "error.h"
#include "problems.h"
#include "text.h"

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct bg_clean_rules bg_clean_rules;

/* Compiles the boilerplate patterns: rules_root's "boilerplate" array (the
 * built-in defaults when rules_root is NULL or has no such key) plus
 * extra_patterns (the job's extract.boilerplate, may be NULL). Problems name
 * rules_file or extra_json_path with the array index and the pcre2 error
 * offset. Returns NULL when there was any problem (or no memory). */
bg_clean_rules *bg_clean_rules_load(const cJSON *rules_root, const char *rules_file, const cJSON *extra_patterns,
                                    const char *extra_json_path, bg_problems *p);
void bg_clean_rules_free(bg_clean_rules *r);

/* Cleans utf8[0, length) into out (out->original = utf8, borrowed: utf8 must
 * outlive out). r may be NULL: folding and joining only. Thread-safe. */
bg_error bg_clean_text(const bg_clean_rules *r, const char *utf8, size_t length, bg_text *out, char *msg, size_t n);

/* Decodes one UTF-8 code point at s[*i] (s has n bytes) and advances *i;
 * returns U+FFFD for an invalid byte (advancing by one). */
unsigned bg_utf8_next(const char *s, size_t n, size_t *i);
/* True for CJK unified ideographs (the characters a sentence is made of). */
int bg_is_cjk(unsigned cp);
/* Code points in s[0, n). */
size_t bg_utf8_count(const char *s, size_t n);
/* true when needle (non-empty) occurs in s[0, n). */
bool bg_contains(const char *s, size_t n, const char *needle);

#endif
