/* lexicon.h — every word list of a ruleset (verbs, qualifiers, units'
 * neighbours, nouns, keyword terms, markers …) compiled once into one
 * Vectorscan literal database, and the mentions of one scan of a text: each
 * occurrence of each word, sorted by where it starts. The stages ask the
 * mentions ("the longest verb starting here", "the first pair mark in this
 * clause") instead of comparing every word at every position.
 *
 * Why Vectorscan (the portable Hyperscan) rather than a PCRE2 alternation:
 * a literal set is what it is built for, one pass reports every (overlapping)
 * occurrence of thousands of words at well over a GB/s, while a PCRE2
 * alternation of the same words reports one leftmost match per call and runs
 * at tens of MB/s on this machine (README, Performance). PCRE2 keeps what
 * needs captures. */
#ifndef BAOGAO_EXTRACT_LEXICON_H
#define BAOGAO_EXTRACT_LEXICON_H

#include "error.h"
#include "text/words.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct bg_lexicon bg_lexicon;

/* An empty lexicon to add word lists to (NULL when out of memory). */
bg_lexicon *bg_lexicon_new(void);
/* Adds a word list (sets w->lexicon_id); lists stay owned by the caller and
 * must outlive the lexicon. False when out of memory. */
bool bg_lexicon_add(bg_lexicon *lex, bg_words *w);
/* Compiles the database once all lists are added. On failure *message gets
 * a malloc'd reason. */
bg_error bg_lexicon_compile(bg_lexicon *lex, char **message);
void bg_lexicon_free(bg_lexicon *lex);

/* One occurrence of a word: bytes [start, end) of the scanned text. */
typedef struct bg_mention {
    uint32_t start, end;
    uint32_t literal; /* index into the lexicon's distinct words */
} bg_mention;

/* The mentions of one scanned text. */
typedef struct bg_mentions {
    const bg_lexicon *lex;
    const char *text;
    size_t length;
    bg_mention *by_start; /* sorted by start, then longest first */
    size_t count;
    uint32_t *by_end;     /* indexes into by_start, sorted by end, then longest first */
    /* positions where some mention starts (ends): a bit per byte, the count
     * of set bits before each 64-byte block, and the first mention of each
     * such position in order */
    uint64_t *start_bits, *end_bits;
    uint32_t *start_rank, *end_rank;
    uint32_t *start_first, *end_first;
    /* per word list: indexes into by_start of its mentions, in order */
    uint32_t *list_first; /* list_count + 1 entries */
    uint32_t *list_items;
} bg_mentions;

/* Scans text[0, length) once (the text outlives the mentions). Texts over
 * 4 GB are refused (BG_E_LIMIT). */
bg_error bg_mentions_scan(const bg_lexicon *lex, const char *text, size_t length, bg_mentions *out);
void bg_mentions_free(bg_mentions *m);

/* The queries of words.h, answered from the mentions of the text they were
 * scanned from (positions are byte offsets of that text). Lists not in the
 * lexicon are matched word by word (words.h). */
/* Length of the longest word of w starting at `at` and ending at or before
 * `limit` (0 when none); *index its entry in w. */
size_t bg_lex_at(const bg_mentions *m, const bg_words *w, size_t at, size_t limit, size_t *index);
/* Length of the longest word of w ending exactly at `end` and starting at or
 * after `from`. */
size_t bg_lex_ending_at(const bg_mentions *m, const bg_words *w, size_t from, size_t end, size_t *index);
/* Leftmost, then longest, word of w inside [from, to): true with *at, *len. */
bool bg_lex_find(const bg_mentions *m, const bg_words *w, size_t from, size_t to, size_t *at, size_t *len,
                 size_t *index);
/* Where the next word of w starts at or after `from` (m->length when none;
 * *len its longest length there). *cursor, 0 at first, remembers how far
 * the list was read: calls with a growing `from` cost linear time in all. */
size_t bg_lex_next(const bg_mentions *m, const bg_words *w, size_t from, size_t *cursor, size_t *len);
/* The first position in [from, to) where some word of the lexicon starts,
 * or `to` (with no lexicon: `from`, every position being a candidate). */
size_t bg_mentions_next(const bg_mentions *m, size_t from, size_t to);
/* Counts each word of w on its own: counts[i] is how many times w's entry
 * i occurs without overlapping itself (a word inside another is counted
 * too), as repeated searches for it would count; a word listed twice is
 * counted on its first entry. */
void bg_lex_count_each(const bg_mentions *m, const bg_words *w, size_t *counts);
/* The mentions as an index for the text layer (numbers.h's
 * bg_quantity_at_with): its at() is bg_lex_at. */
bg_word_index bg_lex_index(const bg_mentions *m);
/* Counts the words of w left to right, each occurrence the longest one
 * starting where the previous counted one ended (科技创新 is not also 创新):
 * counts[i] for w's entry i (w->count entries, zeroed first). */
void bg_lex_count(const bg_mentions *m, const bg_words *w, size_t *counts);

#endif
