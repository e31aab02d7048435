/* problems.c — collecting validation problems and suggesting near names. */
#include "problems.h"

#include <stdarg.h>
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
    size_t la = strlen(a), lb = strlen(b);
    size_t *row = malloc((lb + 1) * sizeof *row);
    if (!row)
        return (size_t)-1;
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diagonal = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            size_t best = diagonal + cost;
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diagonal = up;
        }
    }
    size_t result = row[lb];
    free(row);
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
