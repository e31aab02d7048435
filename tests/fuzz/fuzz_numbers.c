/* fuzz_numbers.c — arbitrary UTF-8 through the figure readers: decimals,
 * Chinese numerals, quantities with units, ranges and qualifiers at every
 * position, which must stay inside the text and read forward. */
#include "common.h"
#include "extract/rules.h"
#include "fuzz.h"
#include "text/numbers.h"
#include "text/utf8.h"

#include <string.h>

const char bg_fuzz_name[] = "numbers";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    size_t n = bg_utf8_valid_prefix(s, size); /* the readers take cleaned, valid text */
    static bg_units units;
    static bg_words seps;
    static bool loaded;
    if (!loaded) {
        char *path = bg_path_join(BG_TEST_SOURCE_DIR, "config/rules/gov_work_report.json");
        size_t len;
        char *json = path ? bg_read_file(path, &len) : NULL;
        cJSON *root = json ? cJSON_Parse(json) : NULL;
        bg_problems p = {0};
        if (!root || !bg_units_load(&units, root, "rules", &p) ||
            !bg_words_load_array(&seps, cJSON_GetObjectItemCaseSensitive(
                                            cJSON_GetObjectItemCaseSensitive(root, "qualifiers"), "range"),
                                 "rules", "qualifiers.range", &p))
            __builtin_trap();
        bg_problems_free(&p);
        cJSON_Delete(root);
        free(json);
        free(path);
        loaded = true;
    }
    for (size_t at = 0; at < n; at++) {
        double v;
        size_t end = bg_parse_decimal(s, n, at, &v);
        if (end < at || end > n)
            __builtin_trap();
        end = bg_parse_chinese_numeral(s, n, at, &v);
        if (end < at || end > n)
            __builtin_trap();
        if (end > at)
            (void)bg_chinese_numeral_is_phrase(s, n, at, end);
        bg_quantity q;
        if (bg_quantity_at(&units, &seps, s, n, at, &q) && (q.start != at || q.end > n || q.end < q.start))
            __builtin_trap();
    }
    return 0;
}
