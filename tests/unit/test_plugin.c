/* test_plugin.c — the loader refuses every broken fixture plugin with one
 * clear line, validates options, and publishes or discards outputs. */
#include "paths.h"
#include "run/plugin.h"

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

static const char *fixture(const char *name)
{
    static char path[1024];
    snprintf(path, sizeof path, "%s/tests/fixtures/plugins/%s.so", BG_TEST_BINARY_DIR, name);
    return path;
}

/* Loads a fixture expecting a refusal whose message contains `expect`. */
static void refused(const char *name, const char *expect)
{
    bg_plugin *p = NULL;
    char msg[BG_MESSAGE_MAX] = "";
    assert_int_equal(bg_plugin_load_file(fixture(name), &p, msg, sizeof msg), BG_E_PLUGIN);
    assert_null(p);
    if (!strstr(msg, expect))
        fail_msg("message for %s lacks '%s': %s", name, expect, msg);
    assert_null(strchr(msg, '\n'));
    assert_non_null(strstr(msg, name)); /* names the file */
}

static void test_garbage_file(void **s)
{
    (void)s;
    refused("garbage", "cannot load");
}
static void test_no_entry(void **s)
{
    (void)s;
    refused("no_entry", "not a baogao exporter");
}
static void test_abi_v2_symbol(void **s)
{
    (void)s;
    refused("abi_v2", "built for exporter ABI 2");
}
static void test_wrong_major(void **s)
{
    (void)s;
    refused("wrong_major", "exporter ABI 2, this baogao speaks ABI 1");
}
static void test_newer_minor(void **s)
{
    (void)s;
    refused("newer_minor", "upgrade baogao");
}
static void test_small_size(void **s)
{
    (void)s;
    refused("small_size", "too small");
}
static void test_no_write_row(void **s)
{
    (void)s;
    refused("no_write_row", "lacks write_row");
}
static void test_returns_null(void **s)
{
    (void)s;
    refused("returns_null", "entry returned NULL");
}

static void test_good_loads_and_reads_descriptor(void **state)
{
    (void)state;
    bg_plugin *p = NULL;
    char msg[BG_MESSAGE_MAX] = "";
    assert_int_equal(bg_plugin_load_file(fixture("good"), &p, msg, sizeof msg), BG_E_OK);
    assert_string_equal(p->descriptor.name, "good");
    assert_int_equal(p->plugin_struct_size, sizeof(bg_exporter));
    bg_plugin_unload(p);
}

static void test_unknown_plugin_lists_found(void **state)
{
    (void)state;
    bg_plugin_dirs dirs = {0};
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/plugins", BG_TEST_BINARY_DIR);
    dirs.dirs[0] = dir;
    dirs.count = 1;
    bg_plugin *p = NULL;
    char msg[BG_MESSAGE_MAX] = "";
    assert_int_equal(bg_plugin_load(&dirs, "xslx", &p, msg, sizeof msg), BG_E_PLUGIN);
    assert_non_null(strstr(msg, "no plugin 'xslx' (found: "));
    assert_non_null(strstr(msg, "csv"));
    assert_non_null(strstr(msg, "xlsx"));
}

static void test_options_validated(void **state)
{
    (void)state;
    static const bg_option_spec options[] = {
        {"bom", BG_OPTION_BOOL, "true", NULL, "write a BOM"},
        {"profile", BG_OPTION_CHOICE, "\"excel\"", "excel|rfc4180", "profile"},
        {"limit", BG_OPTION_INTEGER, "10", NULL, "limit"},
    };
    bg_plugin p = {0};
    p.descriptor.name = "csv";
    p.descriptor.options = options;
    p.descriptor.option_count = 3;
    cJSON *o = cJSON_Parse("{\"bom\":\"yes\",\"profile\":\"xls\",\"limit\":1.5,\"bmo\":true}");
    bg_problems problems = {0};
    bg_plugin_validate_options(&p, o, "exporters[0].options", &problems);
    assert_int_equal(problems.count, 4);
    assert_string_equal(problems.items[0], "exporters[0].options.bom: expected true or false, got \"yes\"");
    assert_non_null(strstr(problems.items[1], "exporters[0].options.profile: expected one of excel|rfc4180"));
    assert_non_null(strstr(problems.items[2], "limit: expected an integer"));
    assert_non_null(strstr(problems.items[3], "did you mean 'bom'?"));
    bg_problems_free(&problems);

    /* Defaults are applied through the host API. */
    bg_context *ctx = bg_context_new(&p, "/tmp/x", NULL, "job");
    const bg_host_api *api = bg_host_api_get();
    assert_int_equal(api->option_bool(ctx, "bom"), 1);
    assert_string_equal(api->option_text(ctx, "profile"), "excel");
    assert_int_equal(api->option_integer(ctx, "limit"), 10);
    assert_null(api->option_text(ctx, "nope"));
    assert_int_equal(api->option_is_set(ctx, "bom"), 0); /* a default is not "set" */
    bg_context_free(ctx);
    cJSON *set = cJSON_Parse("{\"bom\":false}");
    ctx = bg_context_new(&p, "/tmp/x", set, "job");
    assert_int_equal(api->option_is_set(ctx, "bom"), 1);
    assert_int_equal(api->option_bool(ctx, "bom"), 0);
    assert_int_equal(api->option_is_set(ctx, "profile"), 0);
    bg_context_free(ctx);
    cJSON_Delete(set);
    cJSON_Delete(o);
}

static void test_output_files_published_or_discarded(void **state)
{
    (void)state;
    char tmpl[] = "/tmp/baogao-plugin-XXXXXX";
    char *dir = mkdtemp(tmpl);
    assert_non_null(dir);
    bg_plugin p = {0};
    p.descriptor.name = "t";
    char out[1200];
    snprintf(out, sizeof out, "%s/sub/out.txt", dir);
    const bg_host_api *api = bg_host_api_get();

    /* Abort: nothing appears, the temp file is removed. */
    bg_context *ctx = bg_context_new(&p, out, NULL, "job");
    const char *temp = api->output_file(ctx, NULL);
    assert_non_null(temp);
    char *temp_copy = strdup(temp);
    FILE *f = fopen(temp, "w");
    fputs("new", f);
    fclose(f);
    bg_context_discard(ctx);
    bg_context_free(ctx);
    assert_int_not_equal(access(temp_copy, F_OK), 0);
    assert_int_not_equal(access(out, F_OK), 0);
    free(temp_copy);

    /* Commit: renamed into place, replacing the old file. */
    f = fopen(out, "w");
    fputs("old", f);
    fclose(f);
    ctx = bg_context_new(&p, out, NULL, "job");
    temp = api->output_file(ctx, NULL);
    f = fopen(temp, "w");
    fputs("new", f);
    fclose(f);
    char check[16] = "";
    f = fopen(out, "r");
    assert_non_null(fgets(check, sizeof check, f));
    fclose(f);
    assert_string_equal(check, "old"); /* untouched until publish */
    char msg[256];
    assert_int_equal(bg_context_publish(ctx, msg, sizeof msg), BG_E_OK);
    bg_context_free(ctx);
    f = fopen(out, "r");
    assert_non_null(fgets(check, sizeof check, f));
    fclose(f);
    assert_string_equal(check, "new");

    /* Folder outputs: names must be plain file names. */
    ctx = bg_context_new(&p, dir, NULL, "job");
    assert_null(api->output_file(ctx, "../escape.csv"));
    assert_non_null(strstr(ctx->message, "not a plain file name"));
    bg_context_free(ctx);
    char cmd[1300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_garbage_file),
        cmocka_unit_test(test_no_entry),
        cmocka_unit_test(test_abi_v2_symbol),
        cmocka_unit_test(test_wrong_major),
        cmocka_unit_test(test_newer_minor),
        cmocka_unit_test(test_small_size),
        cmocka_unit_test(test_no_write_row),
        cmocka_unit_test(test_returns_null),
        cmocka_unit_test(test_good_loads_and_reads_descriptor),
        cmocka_unit_test(test_unknown_plugin_lists_found),
        cmocka_unit_test(test_options_validated),
        cmocka_unit_test(test_output_files_published_or_discarded),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
