/* utf8.h — UTF-8 at the byte level: one code point at a time, validity,
 * counting, and the character classes every text stage shares. */
#ifndef BAOGAO_TEXT_UTF8_H
#define BAOGAO_TEXT_UTF8_H

#include <stdbool.h>
#include <stddef.h>

/* Decodes one code point at s[*i] (s has n bytes) and advances *i; returns
 * U+FFFD for an invalid byte (advancing by one). */
unsigned bg_utf8_next(const char *s, size_t n, size_t *i);
/* 1 when bytes are valid UTF-8 (no overlongs, no surrogates). */
int bg_utf8_valid(const char *bytes, size_t size);
/* Length of the longest valid UTF-8 prefix of bytes. */
size_t bg_utf8_valid_prefix(const char *bytes, size_t size);
/* True when bytes are valid UTF-8 but for a last character cut short (a
 * download or a copy that stopped mid-character): *keep is the valid part. */
bool bg_utf8_cut_at_end(const char *bytes, size_t size, size_t *keep);
/* True for CJK unified ideographs (the characters a sentence is made of). */
int bg_is_cjk(unsigned cp);
/* Code points in s[0, n). */
size_t bg_utf8_count(const char *s, size_t n);
/* true when needle (non-empty) occurs in s[0, n). */
bool bg_contains(const char *s, size_t n, const char *needle);

#endif
