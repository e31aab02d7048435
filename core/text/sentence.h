/* sentence.h — the one definition of line, sentence, phrase and clause that
 * every stage shares, computed once per document in one pass over the
 * cleaned text, and the bounded quote a row carries of its sentence.
 *
 *   line      ends at a line break
 *   sentence  ends at 。！？!? or a line break
 *   phrase    ends also at ；;
 *   clause    ends also at ，,、：: and at brackets and quotes （）()“”
 *
 * Lookups are binary searches, so asking for the span around every match of
 * a document costs O(log n) each, never a walk to the start or the end. */
#ifndef BAOGAO_TEXT_SENTENCE_H
#define BAOGAO_TEXT_SENTENCE_H

#include "text/clean.h"

#include <stddef.h>
#include <stdint.h>

typedef enum bg_span_kind { BG_SPAN_LINE = 0, BG_SPAN_SENTENCE, BG_SPAN_PHRASE, BG_SPAN_CLAUSE, BG_SPAN_KINDS } bg_span_kind;

/* The break positions of one text (byte offsets of each break character). */
typedef struct bg_breaks {
    uint32_t *at[BG_SPAN_KINDS];
    size_t count[BG_SPAN_KINDS];
    const char *text;
    size_t length;
} bg_breaks;

/* Finds every break of s[0, n) (n < 4 GiB). Returns BG_E_NOMEM or BG_E_OK. */
bg_error bg_breaks_build(const char *s, size_t n, bg_breaks *out);
void bg_breaks_free(bg_breaks *b);

/* The span of `kind` that holds byte `at`: *start just after the break
 * before it, *end at the break that ends it (or the text's end). A break
 * character belongs to the span it ends. */
void bg_span_at(const bg_breaks *b, bg_span_kind kind, size_t at, size_t *start, size_t *end);
/* The first break of `kind` at or after `from` (the text's length when none). */
size_t bg_break_after(const bg_breaks *b, bg_span_kind kind, size_t from);
/* The end of the last break of `kind` before `at` (0 when none). */
size_t bg_break_before(const bg_breaks *b, bg_span_kind kind, size_t at);

/* At most this many characters of a sentence go into a row's quote. */
enum { BG_QUOTE_MAX_CHARS = 300 };

/* Quotes the span [from, to) of t around the match [match_start, match_end)
 * as written in the original: the whole span when it has at most
 * BG_QUOTE_MAX_CHARS characters, else the clauses around the match that fit,
 * or that many characters centred on the match when its clause alone is
 * longer, with "…" where the span was cut. malloc'ed; NULL on no memory. */
char *bg_quote_window(const bg_text *t, const bg_breaks *b, size_t from, size_t to, size_t match_start,
                      size_t match_end);
/* True when bg_quote_window quotes [from, to) whole, whatever the match: the
 * quote can then be shared by every match in the span. */
bool bg_quote_whole(const bg_text *t, size_t from, size_t to);

#endif
