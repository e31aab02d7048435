/* words.c — word lists (words.h): loading from the rules JSON and matching
 * at, before and after a position. */
#include "text/words.h"

#include <stdlib.h>
#include <string.h>

static bool words_reserve(bg_words *w, size_t count)
{
    w->text = calloc(count ? count : 1, sizeof *w->text);
    w->cls = calloc(count ? count : 1, sizeof *w->cls);
    w->length = calloc(count ? count : 1, sizeof *w->length);
    return w->text && w->cls && w->length;
}

bool bg_words_load_array(bg_words *w, const cJSON *array, const char *file, const char *path, bg_problems *p)
{
    memset(w, 0, sizeof *w);
    if (!cJSON_IsArray(array)) {
        bg_problems_add(p, "%s: %s: expected an array of strings", file, path);
        return false;
    }
    if (!words_reserve(w, (size_t)cJSON_GetArraySize(array)))
        return false;
    bool ok = true;
    size_t i = 0;
    const cJSON *item;
    cJSON_ArrayForEach(item, array)
    {
        if (!cJSON_IsString(item) || !item->valuestring[0]) {
            bg_problems_add(p, "%s: %s[%zu]: expected a non-empty string", file, path, i);
            ok = false;
        } else if ((w->text[w->count] = strdup(item->valuestring)) != NULL) {
            w->length[w->count] = strlen(item->valuestring);
            w->count++;
        }
        i++;
    }
    if (!ok)
        bg_words_free(w);
    return ok;
}

bool bg_words_load_map(bg_words *w, const cJSON *object, const char *file, const char *path, const char *const *allowed,
                       bg_problems *p)
{
    memset(w, 0, sizeof *w);
    if (!cJSON_IsObject(object)) {
        bg_problems_add(p, "%s: %s: expected an object of word: class", file, path);
        return false;
    }
    if (!words_reserve(w, (size_t)cJSON_GetArraySize(object)))
        return false;
    bool ok = true;
    const cJSON *item;
    cJSON_ArrayForEach(item, object)
    {
        bool known = false;
        for (size_t k = 0; cJSON_IsString(item) && allowed[k]; k++)
            known = known || strcmp(allowed[k], item->valuestring) == 0;
        if (!item->string[0]) {
            bg_problems_add(p, "%s: %s: an empty word", file, path);
            ok = false;
        } else if (!known) {
            bg_problems_add(p, "%s: %s.%s: expected one of the classes (%s …)", file, path, item->string, allowed[0]);
            ok = false;
        } else {
            w->text[w->count] = strdup(item->string);
            w->cls[w->count] = strdup(item->valuestring);
            if (!w->text[w->count] || !w->cls[w->count])
                ok = false;
            w->length[w->count] = strlen(item->string);
            w->count++;
        }
    }
    if (!ok)
        bg_words_free(w);
    return ok;
}

void bg_words_free(bg_words *w)
{
    for (size_t i = 0; i < w->count; i++) {
        free(w->text[i]);
        free(w->cls[i]);
    }
    free(w->text);
    free(w->cls);
    free(w->length);
    memset(w, 0, sizeof *w);
}

size_t bg_words_at(const bg_words *w, const char *s, size_t n, size_t at, size_t *index)
{
    size_t best = 0;
    for (size_t i = 0; i < w->count; i++) {
        size_t len = w->length[i];
        if (len > best && at + len <= n && memcmp(s + at, w->text[i], len) == 0) {
            best = len;
            if (index)
                *index = i;
        }
    }
    return best;
}

size_t bg_words_ending_at(const bg_words *w, const char *s, size_t from, size_t end, size_t *index)
{
    size_t best = 0;
    for (size_t i = 0; i < w->count; i++) {
        size_t len = w->length[i];
        if (len > best && end >= from + len && memcmp(s + end - len, w->text[i], len) == 0) {
            best = len;
            if (index)
                *index = i;
        }
    }
    return best;
}

bool bg_words_find(const bg_words *w, const char *s, size_t from, size_t to, size_t *at, size_t *len, size_t *index)
{
    for (size_t p = from; p < to; p++) {
        if (((unsigned char)s[p] & 0xC0) == 0x80)
            continue;
        size_t l = bg_words_at(w, s, to, p, index);
        if (l) {
            *at = p;
            *len = l;
            return true;
        }
    }
    return false;
}

