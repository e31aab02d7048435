/* read_json.h — a JSON file of the source tree (the shipped rules, a gold
 * file) parsed for a unit test; header-only, one static function. */
#ifndef BG_TEST_READ_JSON_H
#define BG_TEST_READ_JSON_H

#include "paths.h"

#include <cjson/cJSON.h>
#include <stdlib.h>

/* The parsed file, or NULL when it cannot be read or parsed. */
static inline cJSON *read_json(const char *path)
{
    size_t size;
    char *bytes = bg_read_file(path, &size);
    cJSON *json = bytes ? cJSON_ParseWithLength(bytes, size) : NULL;
    free(bytes);
    return json;
}

#endif
