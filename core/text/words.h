/* words.h — word lists from the rules JSON (qualifiers, verbs, markers …),
 * optionally each word with a class ("以上" → "at_least"), matched longest
 * first at a position of the cleaned text. Immutable after loading. */
#ifndef BAOGAO_TEXT_WORDS_H
#define BAOGAO_TEXT_WORDS_H

#include "problems.h"

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>

/* A list of words (optionally each with a class, for maps such as
 * qualifiers "以上" → "at_least"), matched longest first. */
typedef struct bg_words {
    char **text;
    char **cls; /* NULL entries for plain lists */
    size_t *length;
    size_t count;
    unsigned lexicon_id; /* its list number in a compiled lexicon (extract/lexicon.h), 0 when in none */
} bg_words;

/* From a JSON array of non-empty strings at path (e.g. "targets.growth_words").
 */
bool bg_words_load_array(bg_words *w, const cJSON *array, const char *file, const char *path, bg_problems *p);
/* From a JSON object word → class; classes must be one of allowed (NULL-ended).
 */
bool bg_words_load_map(bg_words *w, const cJSON *object, const char *file, const char *path, const char *const *allowed,
                       bg_problems *p);
void bg_words_free(bg_words *w);
/* Length of the longest word starting at s[at] (0 when none); *index its entry.
 */
size_t bg_words_at(const bg_words *w, const char *s, size_t n, size_t at, size_t *index);
/* Length of the longest word ending exactly at s[end] and starting at or
 * after `from` (0 when none). */
size_t bg_words_ending_at(const bg_words *w, const char *s, size_t from, size_t end, size_t *index);
/* A faster way to answer bg_words_at on one text: an index of the words in
 * it (the lexicon's mentions, extract/lexicon.h). at() answers exactly as
 * bg_words_at(w, text, limit, pos, entry) would. */
typedef struct bg_word_index {
    const void *index;
    size_t (*at)(const void *index, const bg_words *w, size_t pos, size_t limit, size_t *entry);
} bg_word_index;

/* Leftmost (then longest) occurrence in s[from, to): true with *at, *len. */
bool bg_words_find(const bg_words *w, const char *s, size_t from, size_t to, size_t *at, size_t *len, size_t *index);


#endif
