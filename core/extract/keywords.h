/* keywords.h — policy-term frequencies: a dictionary of terms with
 * categories (rules JSON key "keywords"), counted without overlap in the
 * cleaned text, the longest term winning where two overlap. */
#ifndef BAOGAO_KEYWORDS_H
#define BAOGAO_KEYWORDS_H

#include "extract/doc.h"
#include "problems.h"
#include "table.h"
#include "text/clean.h"

#include <cjson/cJSON.h>

typedef struct bg_keywords_rules bg_keywords_rules;

/* "keywords": [{"term": "高质量发展", "category": "发展理念"}, …], required
 * (the rules file is the one dictionary). NULL on a problem. */
bg_keywords_rules *bg_keywords_rules_load(const cJSON *rules_root, const char *rules_file, bg_problems *problems);
void bg_keywords_rules_free(bg_keywords_rules *r);
size_t bg_keywords_count(const bg_keywords_rules *r);

/* Occurrences of every term in text[0, length) into counts (one per term, in
 * dictionary order), compared word by word (the run counts from the
 * lexicon's mentions; both count the same). */
void bg_keywords_count_terms(const bg_keywords_rules *r, const char *text, size_t length, size_t *counts);

/* Appends one row per term with count > 0 to table `table` (doc_id, keyword,
 * category, count, per_10k). Returns rows added or -1 on no memory. */
long bg_keywords_extract(const bg_keywords_rules *r, const bg_doc *doc, bg_rowset *out, size_t table);
/* Adds the terms to the ruleset's lexicon (false: no memory). */
bool bg_keywords_rules_lexicon(bg_keywords_rules *r, bg_lexicon *lex);

#endif
