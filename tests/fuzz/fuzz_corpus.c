/* fuzz_corpus.c — arbitrary bytes as a corpus: a CSV (comma or tab) or JSON
 * Lines, picked by the first byte. Every record is a row or a failed row
 * naming its line, never a crash; a row's text has the length it claims. */
#include "fuzz.h"
#include "source/corpus.h"

#include <string.h>

const char bg_fuzz_name[] = "corpus";

static void check(bg_corpus_rows *rows)
{
    for (size_t i = 0; i < rows->count; i++) {
        const bg_corpus_row *r = &rows->rows[i];
        if (!r->error && (!r->text || strlen(r->text) != r->text_length))
            __builtin_trap();
        if (r->error && !strstr(r->error, "line "))
            __builtin_trap(); /* a failed row names its line */
    }
    bg_corpus_rows_free(rows);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    unsigned mode = size ? data[0] % 3 : 0;
    bg_source_config s = {.json_path = "sources[0]",
                          .text_column = "text",
                          .text_field = mode == 2 && size > 1 && (data[1] & 1) ? "doc.body" : "text",
                          .title_column = mode == 2 ? "meta.title" : "title",
                          .year_column = "year",
                          .region_column = "region",
                          .url_column = "url",
                          .format = mode == 2 ? "jsonl" : "csv",
                          .delimiter = mode == 1 ? "\t" : ","};
    bg_corpus_rows rows;
    char msg[512];
    const char *text = size ? (const char *)data + 1 : "";
    size_t length = size ? size - 1 : 0;
    bg_error e = mode == 2 ? bg_jsonl_read(text, length, "fuzz.jsonl", &s, &rows, msg, sizeof msg)
                           : bg_csv_read(text, length, "fuzz.csv", &s, &rows, msg, sizeof msg);
    if (e == BG_E_OK)
        check(&rows);
    return 0;
}
