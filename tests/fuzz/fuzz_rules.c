/* fuzz_rules.c — arbitrary bytes as the rules JSON (even first byte) or as
 * the divisions list (odd): the loaders report problems, never crash. */
#include "extract/extract.h"
#include "fuzz.h"
#include "paths.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

const char bg_fuzz_name[] = "rules";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[64];
    snprintf(path, sizeof path, "/tmp/baogao-fuzz-rules-%ld", (long)getpid());
    FILE *f = fopen(path, "wb");
    if (!f)
        return 0;
    bool divisions = size && (data[0] & 1);
    if (size > 1)
        fwrite(data + 1, 1, size - 1, f);
    fclose(f);
    bg_problems problems = {0};
    bg_rules *rules = bg_rules_load(divisions ? BG_TEST_SOURCE_DIR "/config/rules/gov_work_report.json" : path,
                                    divisions ? path : BG_TEST_SOURCE_DIR "/config/rules/divisions.csv", NULL,
                                    "extract", &problems);
    bg_rules_free(rules);
    bg_problems_free(&problems);
    unlink(path);
    return 0;
}
