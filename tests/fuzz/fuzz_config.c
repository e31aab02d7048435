/* fuzz_config.c — arbitrary bytes as a job config: the loader reports
 * problems, never crashes, whatever the JSON holds. */
#include "config.h"
#include "fuzz.h"

#include <stdlib.h>

const char bg_fuzz_name[] = "config";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    bg_problems problems = {0};
    bg_config *c = bg_config_parse((const char *)data, size, BG_TEST_SOURCE_DIR "/config/fuzz.json", &problems);
    if (c) {
        /* what the run does with it next: expand every output */
        for (size_t i = 0; i < c->exporter_count; i++)
            if (c->exporters[i].output_template) {
                char *out = bg_config_expand_output(c->exporters[i].output_template, c->job ? c->job : "j", 0);
                free(out);
            }
    }
    bg_config_free(c);
    bg_problems_free(&problems);
    return 0;
}
