/* fuzz_extract.c — arbitrary bytes through the source reader's decoding
 * and the whole extraction, which must never crash, hang or read out of
 * bounds; the first byte picks text or HTML. */
#include "common.h"
#include "fuzz.h"
#include "hash.h"
#include "source/decode.h"

#include <string.h>

const char bg_fuzz_name[] = "extract";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    bg_rules *rules = bg_fuzz_rules();
    const char *format = size && (data[0] & 1) ? "html" : "text";
    bg_decoded decoded;
    char msg[512];
    if (bg_decode((const char *)data, size, "fuzz", "auto", format, &decoded, msg, sizeof msg) != BG_E_OK)
        return 0;
    bg_rowset *rows = bg_rowset_new(bg_rules_table_count(rules), bg_rules_tables(rules));
    char hash[17];
    bg_content_hash(data, size, hash);
    bg_doc_input input = {.doc_id = hash,
                          .source = "fuzz",
                          .content_hash = hash,
                          .encoding = decoded.encoding,
                          .encoding_reason = decoded.reason,
                          .format = decoded.format,
                          .utf8 = decoded.utf8,
                          .length = decoded.length};
    if (rows)
        bg_extract_document(rules, &input, rows, msg, sizeof msg);
    bg_rowset_free(rows);
    bg_decoded_free(&decoded);
    return 0;
}
