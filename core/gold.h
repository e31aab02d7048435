/* gold.h — reading a hand-coded gold file (format baogao-gold/1, see
 * tests/gold/README.md) and checking it the way the job config is checked:
 * every unknown key (with the nearest known one), every value of the wrong
 * type and every missing match field, all reported at once with its JSON
 * path, before anything is scored. */
#ifndef BAOGAO_GOLD_H
#define BAOGAO_GOLD_H

#include "error.h"
#include "problems.h"

#include <cjson/cJSON.h>

/* Reads and checks the gold file at path into *gold (the caller frees it
 * with cJSON_Delete). Returns BG_E_IO when it cannot be read, BG_E_GOLD when
 * it is not JSON or has any problem (*gold NULL); each problem is added to
 * problems as one line "PATH: json.path: what was expected, what was
 * found", e.g.
 *
 *     gold.json: documents["a.txt"].targts: unknown key (did you mean 'targets'?)
 *     gold.json: documents["a.txt"].targets[0].value: expected a number or null, got "7"
 */
bg_error bg_gold_read(const char *path, cJSON **gold, bg_problems *problems);

#endif
