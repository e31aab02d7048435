/* custom.h — a job's own extraction rules: a PCRE2 pattern with named
 * groups, a table name and typed columns taken from the groups; each match is
 * a row (doc_id, seq, <columns>, sentence, offset). Validated at load. */
#ifndef BAOGAO_CUSTOM_H
#define BAOGAO_CUSTOM_H

#include "extract/doc.h"
#include "problems.h"
#include "table.h"
#include "text/clean.h"

#include <cjson/cJSON.h>

typedef struct bg_custom_rules bg_custom_rules;

/* custom: the job's extract.custom array (may be NULL: no rules); json_path
 * its path ("extract.custom") for messages. Checks names against
 * [a-z][a-z0-9_]*, that every column is a group of the pattern, that tables
 * don't clash with built-in tables or each other. NULL on a problem. */
/* first_index: the export position of the first custom table (after the
 * selected built-in ones), stored in each schema's index. */
bg_custom_rules *bg_custom_rules_load(const cJSON *custom, const char *json_path, size_t first_index,
                                      bg_problems *problems);
void bg_custom_rules_free(bg_custom_rules *r);
/* One table per rule, in the job's order; schemas live as long as r. */
size_t bg_custom_table_count(const bg_custom_rules *r);
const bg_table_schema *bg_custom_table(const bg_custom_rules *r, size_t i);
/* Rows of rule i for text into table `table`. Returns rows added or -1 on no
 * memory. */
long bg_custom_extract(const bg_custom_rules *r, size_t i, const bg_doc *doc, bg_rowset *out, size_t table);

#endif
