/* text.h — a document's text after cleaning, ready for matching.
 *
 * Produced by normalize.c from decoded UTF-8: boilerplate lines removed,
 * full-width digits/letters/％．，：；（）～ folded to ASCII, U+3000/NBSP to
 * spaces, and a line break between two CJK characters or digits inside a
 * sentence joined. `map` leads back to the decoded original so that every
 * extracted row can quote its words exactly as written.
 */
#ifndef BAOGAO_TEXT_H
#define BAOGAO_TEXT_H

#include <stddef.h>

typedef struct bg_text {
    char *text;           /* normalized UTF-8, NUL-terminated, owned */
    size_t length;        /* bytes of text */
    const char *original; /* decoded UTF-8 the map points into, borrowed */
    size_t original_length;
    size_t *map; /* length + 1 entries: byte offset in original of text[i];
                    map[length] = end of the last mapped original byte */
} bg_text;

/* Quotes text[start, end) as written in the original: returns a malloc'ed
 * copy of original[map[start], map[end]) with surrounding whitespace
 * trimmed. NULL when out of memory. */
char *bg_text_quote(const bg_text *t, size_t start, size_t end);
/* Code-point offset of normalized byte offset `at` (for offset columns). */
size_t bg_text_char_offset(const bg_text *t, size_t at);
/* Number of code points in the normalized text (the `chars` column). */
size_t bg_text_char_count(const bg_text *t);
void bg_text_free(bg_text *t);

#endif
