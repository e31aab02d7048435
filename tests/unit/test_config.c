/* test_config.c — config validation reports every problem at once, each with
 * its JSON path; defaults; paths resolve against the config's folder. */
#include "config.h"
#include "paths.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[64];

static int setup(void **state)
{
    (void)state;
    strcpy(dir, "/tmp/baogao-config-XXXXXX");
    if (!mkdtemp(dir))
        return -1;
    char path[128];
    snprintf(path, sizeof path, "%s/reports", dir);
    mkdir(path, 0777);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd);
}

static char *write_config(const char *json)
{
    static char path[128];
    snprintf(path, sizeof path, "%s/job.json", dir);
    FILE *f = fopen(path, "w");
    fputs(json, f);
    fclose(f);
    return path;
}

static bool has_problem(const bg_problems *p, const char *text)
{
    for (size_t i = 0; i < p->count; i++)
        if (strstr(p->items[i], text))
            return true;
    return false;
}

static void test_minimal_config_gets_defaults(void **state)
{
    (void)state;
    const char *path =
        write_config("{\"sources\":[\"reports\"],\"exporters\":[{\"plugin\":\"csv\",\"output\":\"out/{job}\"}]}");
    bg_problems p = {0};
    bg_config *c = bg_config_load(path, &p);
    if (!c)
        fail_msg("%s", p.count ? p.items[0] : "?");
    assert_string_equal(c->job, "job"); /* from the file name */
    char expect[256];
    snprintf(expect, sizeof expect, "%s/reports", dir);
    assert_string_equal(c->sources[0].path, expect); /* relative to the config, not the cwd */
    assert_string_equal(c->sources[0].encoding, "auto");
    assert_string_equal(c->sources[0].format, "auto");
    snprintf(expect, sizeof expect, "%s/.baogao/job.lock", dir);
    assert_string_equal(c->lock_path, expect);
    assert_true(c->jobs >= 1);
    assert_non_null(strstr(c->rules_path, "rules/gov_work_report.json"));
    assert_int_equal(access(c->rules_path, R_OK), 0); /* built-in rules found beside the program */
    assert_non_null(c->config_hash);
    bg_config_free(c);
}

static void test_every_problem_reported_with_path(void **state)
{
    (void)state;
    const char *path =
        write_config("{\"job\":\"j\",\"sourcs\":1,\"sources\":[{\"path\":\"missing-dir\",\"encoding\":\"big5\","
                     "\"recursiv\":true}],\"exporters\":[{\"plugin\":\"csv\"},{\"plugin\":7,\"output\":\"x\","
                     "\"options\":[]}],\"jobs\":0}");
    bg_problems p = {0};
    bg_config *c = bg_config_load(path, &p);
    assert_null(c);
    /* 'sources' is set already: the hint never offers a key the config has */
    assert_true(has_problem(&p, "sourcs: unknown key"));
    assert_false(has_problem(&p, "did you mean 'sources'"));
    assert_true(has_problem(&p, "sources[0].path:"));
    assert_true(has_problem(&p, "missing-dir: No such file or directory"));
    assert_true(has_problem(&p, "sources[0].encoding: expected one of auto, utf-8, gb18030"));
    assert_true(has_problem(&p, "sources[0].recursiv: unknown key (did you mean 'recursive'?)"));
    assert_true(has_problem(&p, "exporters[0].output: missing"));
    assert_true(has_problem(&p, "exporters[1].plugin: expected a non-empty string, got 7"));
    assert_true(has_problem(&p, "exporters[1].options: expected an object, got an array"));
    assert_true(has_problem(&p, "jobs: expected an integer from 1 to 256, got 0"));
    assert_int_equal(p.count, 8);
    bg_problems_free(&p);
}

static void test_paths_are_cleaned(void **state)
{
    (void)state;
    const char *path = write_config(
        "{\"sources\":[\"./reports/../reports/\"],\"exporters\":[{\"plugin\":\"csv\",\"output\":\"a/../out\"}]}");
    bg_problems p = {0};
    bg_config *c = bg_config_load(path, &p);
    if (!c)
        fail_msg("%s", p.count ? p.items[0] : "?");
    char expect[256];
    snprintf(expect, sizeof expect, "%s/reports", dir);
    assert_string_equal(c->sources[0].path, expect);
    snprintf(expect, sizeof expect, "%s/out", dir);
    assert_string_equal(c->exporters[0].output_template, expect);
    bg_config_free(c);
    char *rel = bg_path_resolve("config", "../samples/./a.txt");
    assert_string_equal(rel, "samples/a.txt");
    free(rel);
    rel = bg_path_resolve("config", "../../x");
    assert_string_equal(rel, "../x");
    free(rel);
}

static void test_invalid_json_names_line(void **state)
{
    (void)state;
    const char *path = write_config("{\n  \"sources\": [\n    \"reports\",\n  ]\n}");
    bg_problems p = {0};
    assert_null(bg_config_load(path, &p));
    assert_int_equal(p.count, 1);
    assert_non_null(strstr(p.items[0], "job.json: not valid JSON near line 4"));
    bg_problems_free(&p);
}

static void test_missing_required_keys(void **state)
{
    (void)state;
    const char *path = write_config("{}");
    bg_problems p = {0};
    assert_null(bg_config_load(path, &p));
    assert_true(has_problem(&p, "sources: missing"));
    assert_true(has_problem(&p, "exporters: missing"));
    bg_problems_free(&p);
}

static void test_csv_source_needs_text_column(void **state)
{
    (void)state;
    const char *path = write_config("{\"sources\":[{\"path\":\"reports\",\"format\":\"csv\"}],"
                                    "\"exporters\":[{\"plugin\":\"csv\",\"output\":\"o\"}]}");
    bg_problems p = {0};
    assert_null(bg_config_load(path, &p));
    assert_true(has_problem(&p, "sources[0].text_column: required when format is \"csv\""));
    bg_problems_free(&p);
}

static void test_output_expansion(void **state)
{
    (void)state;
    struct tm tm = {.tm_year = 123, .tm_mon = 0, .tm_mday = 31, .tm_hour = 12, .tm_isdst = -1};
    time_t when = mktime(&tm);
    char *out = bg_config_expand_output("/data/{job}-%Y%m%d.xlsx", "reports", when);
    assert_string_equal(out, "/data/reports-20230131.xlsx");
    free(out);
    out = bg_config_expand_output("/data/{job}.db", "a%b", when);
    assert_string_equal(out, "/data/a%b.db");
    free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_minimal_config_gets_defaults),
        cmocka_unit_test(test_every_problem_reported_with_path),
        cmocka_unit_test(test_paths_are_cleaned),
        cmocka_unit_test(test_invalid_json_names_line),
        cmocka_unit_test(test_missing_required_keys),
        cmocka_unit_test(test_csv_source_needs_text_column),
        cmocka_unit_test(test_output_expansion),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
