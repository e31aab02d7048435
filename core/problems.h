/* problems.h — a list of validation problems, each one line that starts with
 * the JSON path it is about. Validation collects all of them before failing. */
#ifndef BAOGAO_PROBLEMS_H
#define BAOGAO_PROBLEMS_H

#include <cjson/cJSON.h>
#include <stddef.h>

typedef struct bg_problems {
    char **items;
    size_t count, capacity;
} bg_problems;

void bg_problems_add(bg_problems *p, const char *format, ...) __attribute__((format(printf, 2, 3)));
void bg_problems_free(bg_problems *p);

/* Levenshtein distance over bytes, for "did you mean" hints. */
size_t bg_edit_distance(const char *a, const char *b);
/* The candidate closest to word (distance <= max(2, len/3)), or NULL. */
const char *bg_nearest(const char *word, const char *const *candidates, size_t count);

/* One problem "PREFIXkey: unknown key (did you mean '…'?)" per member of
 * object not in known; the hint offers only keys the object does not set. */
void bg_check_keys(const cJSON *object, const char *prefix, const char *const *known, size_t count,
                   bg_problems *problems);

/* Parses size bytes of JSON (the config, the rules, a gold file). NULL when
 * they are not JSON, with one problem "PATH: not valid JSON near line L,
 * column C"; the caller owns the result (cJSON_Delete). */
cJSON *bg_json_parse(const char *bytes, size_t size, const char *path, bg_problems *problems);

#endif
