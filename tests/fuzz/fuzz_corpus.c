/* fuzz_corpus.c — arbitrary bytes as a CSV corpus (comma or tab, picked by
 * the first byte): every record is a row or a failed row, never a crash. */
#include "fuzz.h"
#include "source/corpus.h"

#include <string.h>

const char bg_fuzz_name[] = "corpus";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    bg_source_config s = {.json_path = "sources[0]",
                          .text_column = "text",
                          .title_column = "title",
                          .year_column = "year",
                          .region_column = "region",
                          .url_column = "url",
                          .delimiter = size && (data[0] & 1) ? "\t" : ","};
    bg_corpus_rows rows;
    char msg[512];
    const char *text = size ? (const char *)data + 1 : "";
    if (bg_csv_read(text, size ? size - 1 : 0, "fuzz.csv", &s, &rows, msg, sizeof msg) == BG_E_OK) {
        for (size_t i = 0; i < rows.count; i++)
            if (!rows.rows[i].error && (!rows.rows[i].text || strlen(rows.rows[i].text) != rows.rows[i].text_length))
                __builtin_trap();
        bg_corpus_rows_free(&rows);
    }
    return 0;
}
