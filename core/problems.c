/* problems.c — collecting validation problems and suggesting near names. */
#include "problems.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void bg_problems_add(bg_problems *p, const char *format, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, format);
    vsnprintf(buf, sizeof buf, format, ap);
    va_end(ap);
    if (p->count == p->capacity) {
        size_t capacity = p->capacity ? p->capacity * 2 : 8;
        char **items = realloc(p->items, capacity * sizeof *items);
        if (!items)
            return;
        p->items = items;
        p->capacity = capacity;
    }
    char *copy = strdup(buf);
    if (copy)
        p->items[p->count++] = copy;
}

void bg_problems_free(bg_problems *p)
{
    for (size_t i = 0; i < p->count; i++)
        free(p->items[i]);
    free(p->items);
    p->items = NULL;
    p->count = p->capacity = 0;
}

size_t bg_edit_distance(const char *a, const char *b)
{
    /* optimal string alignment: insertions, deletions, substitutions and
     * swaps of two neighbours (jbos is one step from jobs) */
    size_t la = strlen(a), lb = strlen(b);
    size_t *d = malloc((la + 1) * (lb + 1) * sizeof *d);
    if (!d)
        return (size_t)-1;
#define D(i, j) d[(i) * (lb + 1) + (j)]
    for (size_t i = 0; i <= la; i++)
        D(i, 0) = i;
    for (size_t j = 0; j <= lb; j++)
        D(0, j) = j;
    for (size_t i = 1; i <= la; i++)
        for (size_t j = 1; j <= lb; j++) {
            size_t best = D(i - 1, j - 1) + (a[i - 1] != b[j - 1]);
            if (D(i - 1, j) + 1 < best)
                best = D(i - 1, j) + 1;
            if (D(i, j - 1) + 1 < best)
                best = D(i, j - 1) + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && D(i - 2, j - 2) + 1 < best)
                best = D(i - 2, j - 2) + 1;
            D(i, j) = best;
        }
    size_t result = D(la, lb);
#undef D
    free(d);
    return result;
}

const char *bg_nearest(const char *word, const char *const *candidates, size_t count)
{
    const char *best = NULL;
    size_t best_distance = (size_t)-1;
    size_t limit = strlen(word) / 3;
    if (limit < 2)
        limit = 2;
    for (size_t i = 0; i < count; i++) {
        size_t d = bg_edit_distance(word, candidates[i]);
        if (d < best_distance) {
            best_distance = d;
            best = candidates[i];
        }
    }
    return best_distance <= limit ? best : NULL;
}

void bg_check_keys(const cJSON *object, const char *prefix, const char *const *known, size_t count,
                   bg_problems *problems)
{
    const cJSON *item;
    cJSON_ArrayForEach(item, object)
    {
        bool ok = false;
        for (size_t i = 0; i < count && !ok; i++)
            ok = strcmp(item->string, known[i]) == 0;
        if (ok)
            continue;
        /* suggest only keys the object does not set already */
        const char *unset[64];
        size_t unset_count = 0;
        for (size_t i = 0; i < count && unset_count < 64; i++)
            if (!cJSON_GetObjectItemCaseSensitive(object, known[i]))
                unset[unset_count++] = known[i];
        const char *near = bg_nearest(item->string, unset, unset_count);
        if (near)
            bg_problems_add(problems, "%s%s: unknown key (did you mean '%s'?)", prefix, item->string, near);
        else
            bg_problems_add(problems, "%s%s: unknown key", prefix, item->string);
    }
}

cJSON *bg_json_parse(const char *bytes, size_t size, const char *path, bg_problems *problems)
{
    const char *error_at = NULL;
    cJSON *root = cJSON_ParseWithLengthOpts(bytes, size, &error_at, 0);
    if (root)
        return root;
    size_t line = 1, column = 1;
    const char *stop = error_at && error_at >= bytes && error_at <= bytes + size ? error_at : bytes + size;
    for (const char *p = bytes; p < stop; p++) {
        if (*p == '\n') {
            line++;
            column = 1;
        } else {
            column++;
        }
    }
    bg_problems_add(problems, "%s: not valid JSON near line %zu, column %zu", path, line, column);
    return NULL;
}
