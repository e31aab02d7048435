/* fuzz_decode.c — arbitrary bytes through decoding (every encoding and
 * format setting, picked by the first byte) and the cleaning, whose map
 * must stay inside the original and quote it back. */
#include "common.h"
#include "fuzz.h"
#include "source/decode.h"
#include "text/clean.h"

#include <string.h>

const char bg_fuzz_name[] = "decode";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const encodings[] = {"auto", "utf-8", "gb18030", "gbk"};
    static const char *const formats[] = {"auto", "text", "html"};
    unsigned pick = size ? data[0] : 0;
    bg_decoded decoded;
    char msg[512];
    if (bg_decode((const char *)data, size, pick & 8 ? "page.html" : "report.txt", encodings[pick & 3],
                  formats[(pick >> 4) % 3], &decoded, msg, sizeof msg) != BG_E_OK)
        return 0;
    bg_text text;
    if (bg_rules_normalize(bg_fuzz_rules(), decoded.utf8, decoded.length, &text, msg, sizeof msg) == BG_E_OK) {
        size_t last = 0;
        for (size_t i = 0; i <= text.length; i += 1 + text.length / 64) {
            size_t origin = bg_text_origin(&text, i);
            if (origin > decoded.length || origin < last)
                __builtin_trap(); /* the map leaves the original or runs backwards */
            last = origin;
        }
        char *q = bg_text_quote(&text, 0, text.length);
        free(q);
        bg_text_free(&text);
    }
    bg_decoded_free(&decoded);
    return 0;
}
