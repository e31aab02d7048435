/* doc.h — what every extraction stage of one document reads: the cleaned
 * text, its sentence breaks, its outline and identity, computed once by
 * extract.c and handed down read-only, so that no stage recomputes what
 * another one already knows. Lives for one bg_extract_document call. */
#ifndef BAOGAO_EXTRACT_DOC_H
#define BAOGAO_EXTRACT_DOC_H

#include "extract/lexicon.h"
#include "extract/outline.h"
#include "text/clean.h"
#include "text/sentence.h"

/* A span of the cleaned text; lead: where the lead-in that opened it starts. */
typedef struct bg_span {
    size_t start, end, lead;
} bg_span;

typedef struct bg_doc {
    const bg_text *text;
    const bg_breaks *breaks;
    /* the ruleset's words in the text, from one scan of the lexicon (a view
     * made by bg_doc_for_text has none: its queries compare word by word) */
    bg_mentions words;
    const bg_outline *outline; /* may be NULL in unit tests */
    const char *doc_id;
    int plan_year; /* 0 when unknown */
    /* the passages whose figures are this year's targets (set once targets
     * have been read; commitments leave them alone) */
    const bg_span *target_passages;
    size_t target_passage_count;
} bg_doc;

/* A view of a cleaned text alone (no outline, no lexicon), for running one
 * stage in a test: builds the breaks into *breaks (the caller frees them with
 * bg_breaks_free). Returns BG_E_NOMEM or BG_E_OK. */
bg_error bg_doc_for_text(const bg_text *text, const char *doc_id, int plan_year, bg_breaks *breaks, bg_doc *out);

#endif
