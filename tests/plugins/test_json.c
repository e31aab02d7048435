/* test_json.c — the json exporter, loaded through the real host code: the
 * document's envelope and tables, values by type, Chinese text unescaped,
 * numbers that round-trip in any locale, JSON Lines, pretty output, empty
 * tables, the run summary, option checks and abort; the tables across
 * reports, whose rows come after the last document's. Read back with
 * cJSON. */
#include "across_sample.h"
#include "harness.h"
#include "table.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <float.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A fresh temporary folder and out.json inside it. */
static char *new_output(void)
{
    char *root = harness_tempdir();
    assert_non_null(root);
    size_t n = strlen(root) + sizeof "/out.json";
    char *out = malloc(n);
    assert_non_null(out);
    snprintf(out, n, "%s/out.json", root);
    free(root);
    return out;
}

static void cleanup(char *out)
{
    char *root = strdup(out);
    *strrchr(root, '/') = '\0';
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
    assert_int_equal(system(cmd), 0);
    free(root);
    free(out);
}

/* Files in the output's folder. */
static int count_files(const char *out)
{
    char *root = strdup(out);
    *strrchr(root, '/') = '\0';
    DIR *d = opendir(root);
    free(root);
    assert_non_null(d);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            n++;
    closedir(d);
    return n;
}

/* Writes the harness sample; returns the output path. */
static char *write_sample(const char *options)
{
    char *out = new_output();
    bg_harness h;
    if (harness_load(&h, harness_plugin_path("json"), out, options) != 0)
        fail_msg("load: %s", h.message);
    if (harness_write_sample(&h) != 0)
        fail_msg("sample: %s", h.message);
    harness_free(&h);
    return out;
}

static cJSON *parse_file(const char *path, char **raw_out)
{
    char *raw = harness_read(path);
    if (!raw)
        fail_msg("cannot read %s", path);
    cJSON *root = cJSON_Parse(raw);
    if (!root)
        fail_msg("%s is not JSON near: %.40s", path, cJSON_GetErrorPtr());
    if (raw_out)
        *raw_out = raw;
    else
        free(raw);
    return root;
}

static const cJSON *get(const cJSON *object, const char *key)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(object, key);
    if (!item)
        fail_msg("no member %s", key);
    return item;
}

static const char *get_text(const cJSON *object, const char *key)
{
    const cJSON *item = get(object, key);
    assert_true(cJSON_IsString(item));
    return item->valuestring;
}

static double get_number(const cJSON *object, const char *key)
{
    const cJSON *item = get(object, key);
    assert_true(cJSON_IsNumber(item));
    return item->valuedouble;
}

static void test_descriptor(void **unused)
{
    (void)unused;
    bg_harness h;
    assert_int_equal(harness_load(&h, harness_plugin_path("json"), "/nonexistent/out.json", NULL), 0);
    assert_string_equal(h.plugin->descriptor.name, "json");
    assert_int_equal(h.plugin->descriptor.output_kind, BG_OUTPUT_FILE);
    harness_free(&h);
}

/* The default document: envelope in order, every table in begin order, values
 * by type, text exactly as given (no guard, no \u escapes for Chinese). */
static void check_sample_document(const cJSON *root, const char *raw)
{
    static const char *const members[] = {"job", "generated_at", "baogao_version", "tables", "summary"};
    const cJSON *member = root->child;
    for (size_t i = 0; i < sizeof members / sizeof members[0]; i++, member = member->next) {
        assert_non_null(member);
        assert_string_equal(member->string, members[i]);
    }
    assert_null(member);
    assert_string_equal(get_text(root, "job"), "testjob");
    assert_string_equal(get_text(root, "baogao_version"), BAOGAO_VERSION);
    const char *at = get_text(root, "generated_at");
    assert_int_equal(strlen(at), 20);
    assert_true(at[4] == '-' && at[7] == '-' && at[10] == 'T' && at[13] == ':' && at[19] == 'Z');

    const cJSON *tables = get(root, "tables");
    const cJSON *table = tables->child;
    /* in table order; the sample writes no outcomes and nothing across reports */
    static const int rows[BG_BUILTIN_TABLE_COUNT] = {2, 4, 0, 2, 4, 2, 2, 0, 0, 0, 0};
    for (size_t t = 0; t < BG_BUILTIN_TABLE_COUNT; t++, table = table->next) {
        const bg_table_schema *schema = bg_builtin_table(t);
        assert_non_null(table);
        assert_string_equal(table->string, schema->name);
        assert_true(cJSON_IsArray(table));
        assert_int_equal(cJSON_GetArraySize(table), rows[t]);
        const cJSON *row;
        cJSON_ArrayForEach(row, table)
        {
            /* every column, in schema order */
            const cJSON *cell = row->child;
            for (size_t c = 0; c < schema->column_count; c++, cell = cell->next) {
                assert_non_null(cell);
                assert_string_equal(cell->string, schema->columns[c].name);
            }
            assert_null(cell);
        }
    }
    assert_null(table);

    const cJSON *documents = get(tables, "documents");
    const cJSON *a = cJSON_GetArrayItem(documents, 0), *b = cJSON_GetArrayItem(documents, 1);
    assert_string_equal(get_text(a, "title"), "株洲市芦淞区2022年政府工作报告");
    assert_string_equal(get_text(b, "title"), "=cmd|' /C calc'!A0");
    assert_string_equal(get_text(a, "region_code"), "430203");
    assert_string_equal(get_text(a, "doc_id"), "00000000000000a1");
    assert_string_equal(get_text(a, "report_date"), "2021-12-29");
    assert_true(cJSON_IsNull(get(b, "report_date")));
    assert_true(cJSON_IsNull(get(a, "encoding")));
    assert_true(get_number(b, "chars") == 7001);
    assert_non_null(strstr(raw, "\"株洲市芦淞区2022年政府工作报告\""));
    assert_null(strstr(raw, "\\u"));

    const cJSON *targets = get(tables, "targets");
    assert_true(get_number(cJSON_GetArrayItem(targets, 0), "value") == 8.5);
    assert_true(get_number(cJSON_GetArrayItem(targets, 2), "value") == -4.2);
    assert_true(cJSON_IsNull(get(cJSON_GetArrayItem(targets, 2), "value_max")));
    assert_string_equal(get_text(cJSON_GetArrayItem(targets, 1), "unit"), "");
    const cJSON *commitment = cJSON_GetArrayItem(get(tables, "commitments"), 0);
    assert_true(get_number(commitment, "base_value") == 11000000000.0);
    const cJSON *keyword = cJSON_GetArrayItem(get(tables, "keywords"), 1);
    assert_true(get_number(keyword, "per_10k") == 3 * 10000.0 / 7001);
}

static void test_default_document(void **unused)
{
    (void)unused;
    char *out = write_sample(NULL);
    char *raw;
    cJSON *root = parse_file(out, &raw);
    check_sample_document(root, raw);
    /* compact: one line */
    assert_non_null(strchr(raw, '\n'));
    assert_int_equal(strchr(raw, '\n')[1], '\0');
    assert_non_null(strstr(raw, "\"value\":-4.2,"));
    assert_non_null(strstr(raw, "\"base_value\":11000000000,"));
    assert_int_equal(count_files(out), 1);
    cJSON_Delete(root);
    free(raw);
    cleanup(out);
}

/* The run summary, when the host hands one over. */
static void test_summary(void **unused)
{
    (void)unused;
    char *out = write_sample(NULL);
    cJSON *root = parse_file(out, NULL);
    const cJSON *summary = get(root, "summary");
    assert_string_equal(get_text(summary, "run_id"), "20221231T000000-1");
    assert_string_equal(get_text(summary, "started_at"), "2022-12-31T00:00:00Z");
    assert_true(get_number(summary, "documents") == 2);
    assert_true(get_number(summary, "sources_failed") == 0);
    assert_true(get_number(get(summary, "rows"), "targets") == 4);
    const cJSON *sources = get(summary, "sources");
    assert_int_equal(cJSON_GetArraySize(sources), 2);
    assert_string_equal(get_text(cJSON_GetArrayItem(sources, 1), "source"), "reports/b.txt");
    assert_true(cJSON_IsNull(get(cJSON_GetArrayItem(sources, 1), "error")));
    cJSON_Delete(root);
    cleanup(out);
}

/* pretty: the same content, indented by two spaces, one row per line. */
static void test_pretty(void **unused)
{
    (void)unused;
    char *out = write_sample("{\"pretty\":true}");
    char *raw;
    cJSON *root = parse_file(out, &raw);
    check_sample_document(root, raw);
    assert_memory_equal(raw, "{\n  \"job\": \"testjob\",\n  \"generated_at\": ", 40);
    assert_non_null(strstr(raw, "\n  \"tables\": {\n    \"documents\": [\n      {\"doc_id\":\"00000000000000a1\","));
    assert_non_null(strstr(raw, "},\n      {\"doc_id\":\"00000000000000b2\","));
    assert_non_null(strstr(raw, "\n    ],\n    \"targets\": [\n"));
    assert_non_null(strstr(raw, "\n  },\n  \"summary\": {\n    \"run_id\": \"20221231T000000-1\",\n"));
    assert_int_equal(raw[strlen(raw) - 3], '\n');
    assert_string_equal(raw + strlen(raw) - 2, "}\n");
    cJSON_Delete(root);
    free(raw);
    cleanup(out);
}

/* JSON Lines: one object per row, "table" first, in arrival order. */
static void test_lines(void **unused)
{
    (void)unused;
    char *out = write_sample("{\"lines\":true}");
    char *raw = harness_read(out);
    assert_non_null(raw);
    static const char *const order[] = {"documents",  "targets",    "targets",  "commitments",
                                        "list_items", "list_items", "sections", "keywords"};
    size_t count = 0;
    char *save = NULL;
    assert_int_equal(raw[strlen(raw) - 1], '\n');
    for (char *line = strtok_r(raw, "\n", &save); line; line = strtok_r(NULL, "\n", &save), count++) {
        cJSON *row = cJSON_Parse(line);
        if (!row)
            fail_msg("line %zu is not JSON: %s", count + 1, line);
        assert_string_equal(row->child->string, "table");
        assert_string_equal(row->child->valuestring, order[count % 8]);
        assert_string_equal(get_text(row, "doc_id"), count < 8 ? "00000000000000a1" : "00000000000000b2");
        if (count == 9)
            assert_true(get_number(row, "value") == -4.2);
        cJSON_Delete(row);
    }
    assert_int_equal(count, 16);
    free(raw);
    cleanup(out);
}

/* Writes keyword rows (count int, per_10k real) and nothing else; returns the path. */
static char *write_numbers(const char *options, size_t n, const double *reals, const int64_t *integers)
{
    char *out = new_output();
    const bg_table_schema *schemas[BG_BUILTIN_TABLE_COUNT];
    for (size_t i = 0; i < BG_BUILTIN_TABLE_COUNT; i++)
        schemas[i] = bg_builtin_table(i);
    bg_harness h;
    if (harness_load(&h, harness_plugin_path("json"), out, options) != 0)
        fail_msg("load: %s", h.message);
    assert_int_equal(harness_begin(&h, BG_BUILTIN_TABLE_COUNT, schemas), 0);
    for (size_t i = 0; i < n; i++) {
        bg_cell row[] = {cell_text("00000000000000a1"), cell_text("高质量发展"), cell_text("c"), cell_int(integers[i]),
                         cell_real(reals[i])};
        assert_int_equal(harness_row(&h, schemas[BG_TABLE_KEYWORDS], row), 0);
    }
    if (harness_end(&h, BG_BUILTIN_TABLE_COUNT, schemas, NULL, 1) != 0)
        fail_msg("end: %s", h.message);
    harness_free(&h);
    return out;
}

static const double reals[] = {0.1,    1e-7,    11000000000.0, 3 * 10000.0 / 7001, 1.0 / 3, -4.2,
                               5e-324, DBL_MAX, -0.0,          0.30000000000000004};
static const int64_t integers[] = {0, -1, INT64_MAX, INT64_MIN, 9007199254740993, 1, 2, 3, 4, 5};
#define NUMBER_COUNT (sizeof reals / sizeof reals[0])

/* Reals read back as the same doubles, integers exactly, '.' as the decimal
 * point; tables without rows are present as empty arrays. */
static void check_numbers(const char *out)
{
    char *raw;
    cJSON *root = parse_file(out, &raw);
    const cJSON *tables = get(root, "tables");
    for (size_t t = 0; t < BG_BUILTIN_TABLE_COUNT; t++)
        if (t != BG_TABLE_KEYWORDS) {
            const cJSON *empty = get(tables, bg_builtin_table(t)->name);
            assert_true(cJSON_IsArray(empty));
            assert_int_equal(cJSON_GetArraySize(empty), 0);
        }
    const cJSON *keywords = get(tables, "keywords");
    assert_int_equal(cJSON_GetArraySize(keywords), NUMBER_COUNT);
    locale_t c = newlocale(LC_ALL_MASK, "C", (locale_t)0);
    locale_t previous = uselocale(c);
    for (size_t i = 0; i < NUMBER_COUNT; i++) {
        double back = get_number(cJSON_GetArrayItem(keywords, (int)i), "per_10k");
        assert_memory_equal(&back, &reals[i], sizeof back);
    }
    uselocale(previous);
    freelocale(c);
    static const char *const texts[] = {
        "\"count\":0,\"per_10k\":0.1}",
        "\"count\":-1,\"per_10k\":1e-07}",
        "\"count\":9223372036854775807,\"per_10k\":11000000000}",
        "\"count\":-9223372036854775808,\"per_10k\":4.285102128267391}",
        "\"count\":9007199254740993,\"per_10k\":0.3333333333333333}",
        "\"per_10k\":-4.2}",
        "\"per_10k\":4.94065645841247e-324}",
        "\"per_10k\":1.7976931348623157e+308}",
        "\"per_10k\":-0}",
        "\"per_10k\":0.30000000000000004}",
    };
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
        if (!strstr(raw, texts[i]))
            fail_msg("no %s in %s", texts[i], raw);
    cJSON_Delete(root);
    free(raw);
}

static void test_numbers_round_trip(void **unused)
{
    (void)unused;
    char *out = write_numbers(NULL, NUMBER_COUNT, reals, integers);
    check_numbers(out);
    cleanup(out);
}

/* Switches LC_NUMERIC to German (decimal comma). When the system has no such
 * locale, builds one with localedef into a temporary LOCPATH. Returns 0 when
 * no decimal-comma locale can be had. */
static int use_german_numbers(void)
{
    if (!setlocale(LC_NUMERIC, "de_DE.UTF-8")) {
        char *dir = harness_tempdir();
        if (!dir)
            return 0;
        char cmd[512];
        snprintf(cmd, sizeof cmd, "localedef -i de_DE -f UTF-8 '%s/de_DE.UTF-8' >/dev/null 2>&1", dir);
        if (system(cmd) != -1) {
            setenv("LOCPATH", dir, 1);
            setlocale(LC_NUMERIC, "de_DE.UTF-8");
            unsetenv("LOCPATH");
        }
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir); /* the loaded locale stays mapped */
        assert_int_equal(system(cmd), 0);
        free(dir);
    }
    char probe[16];
    snprintf(probe, sizeof probe, "%.1f", 1.5);
    if (strcmp(probe, "1,5") != 0) {
        setlocale(LC_NUMERIC, "C");
        return 0;
    }
    return 1;
}

/* A decimal-comma process locale changes nothing in the output. */
static void test_numbers_ignore_locale(void **unused)
{
    (void)unused;
    if (!use_german_numbers())
        skip();
    char *out = write_numbers(NULL, NUMBER_COUNT, reals, integers);
    setlocale(LC_NUMERIC, "C");
    check_numbers(out);
    cleanup(out);
}

/* Quotes, backslashes and control characters are escaped and read back. */
static void test_escaping(void **unused)
{
    (void)unused;
    static const char *const texts[] = {
        "say \"hi\"", "back\\slash", "two\nlines\r\n", "tab\t\x01\x1f", "</script>", "全角，“引号”", ""};
    size_t n = sizeof texts / sizeof texts[0];
    char *out = new_output();
    const bg_table_schema *schema = bg_builtin_table(BG_TABLE_SECTIONS);
    bg_harness h;
    assert_int_equal(harness_load(&h, harness_plugin_path("json"), out, "{\"lines\":true}"), 0);
    assert_int_equal(harness_begin(&h, 1, &schema), 0);
    for (size_t i = 0; i < n; i++) {
        bg_cell row[] = {cell_text("00000000000000a1"), cell_int((int64_t)i), cell_int(0), cell_text("一"),
                         cell_text(texts[i]),           cell_null(),          cell_int(0)};
        assert_int_equal(harness_row(&h, schema, row), 0);
    }
    assert_int_equal(harness_end(&h, 1, &schema, NULL, 1), 0);
    harness_free(&h);
    char *raw = harness_read(out);
    assert_non_null(raw);
    char *save = NULL;
    size_t count = 0;
    for (char *line = strtok_r(raw, "\n", &save); line; line = strtok_r(NULL, "\n", &save), count++) {
        cJSON *row = cJSON_Parse(line);
        assert_non_null(row);
        assert_string_equal(get_text(row, "title"), texts[count]);
        cJSON_Delete(row);
    }
    assert_int_equal(count, n);
    free(raw);
    cleanup(out);
}

/* The host refuses bad values before anything opens, naming the option. */
/* The tables across reports and outcomes are tables like the others: in
 * begin order with every row and column, values by type, NULL as null; in
 * JSON Lines their rows come last, in arrival order. */
static void test_across_tables(void **unused)
{
    (void)unused;
    for (int lines = 0; lines < 2; lines++) {
        char *out = new_output();
        bg_harness h;
        assert_int_equal(harness_load(&h, harness_plugin_path("json"), out, lines ? "{\"lines\":true}" : NULL), 0);
        if (across_write(&h, "20221231T000000-1", 3u, 0) != 0)
            fail_msg("across sample: %s", h.message);
        harness_free(&h);
        char *raw = harness_read(out);
        assert_non_null(raw);
        if (lines) {
            /* one object per line: the documents' rows, then those across
             * reports, table by table in arrival order */
            size_t expect[32], n = 0, documents_rows = 0;
            for (size_t t = 0; t < BG_TABLE_TARGET_OUTCOMES; t++)
                documents_rows += (size_t)across_row_count(t, 0);
            for (size_t t = BG_TABLE_TARGET_OUTCOMES; t < BG_BUILTIN_TABLE_COUNT; t++)
                for (int r = 0; r < across_row_count(t, 0); r++)
                    expect[documents_rows + n++] = t;
            size_t row = 0;
            for (const char *line = raw; *line; row++) {
                const char *end = strchr(line, '\n');
                assert_non_null(end);
                cJSON *object = cJSON_ParseWithLength(line, (size_t)(end - line));
                assert_non_null(object);
                int t = bg_builtin_table_index(get_text(object, "table"));
                assert_true(t >= 0);
                assert_true(row < documents_rows + n);
                if (row < documents_rows)
                    assert_true(t < BG_TABLE_TARGET_OUTCOMES);
                else
                    assert_int_equal(t, expect[row]);
                cJSON_Delete(object);
                line = end + 1;
            }
            assert_int_equal(row, documents_rows + n);
        } else {
            cJSON *root = cJSON_Parse(raw);
            assert_non_null(root);
            const cJSON *table = get(root, "tables")->child;
            for (size_t t = 0; t < BG_BUILTIN_TABLE_COUNT; t++, table = table->next) {
                const bg_table_schema *schema = bg_builtin_table(t);
                assert_non_null(table);
                assert_string_equal(table->string, schema->name);
                assert_int_equal(cJSON_GetArraySize(table), across_row_count(t, 0));
                const cJSON *row;
                cJSON_ArrayForEach(row, table)
                {
                    const cJSON *cell = row->child;
                    for (size_t c = 0; c < schema->column_count; c++, cell = cell->next)
                        assert_string_equal(cell->string, schema->columns[c].name);
                    assert_null(cell);
                }
            }
            const cJSON *escalation = get(get(root, "tables"), "escalation");
            const cJSON *first = cJSON_GetArrayItem(escalation, 0);
            assert_string_equal(get_text(first, "region_code"), "430203");
            assert_true(get_number(first, "parent_value") == 8.0);
            assert_true(cJSON_IsNull(get(cJSON_GetArrayItem(escalation, 1), "parent_value")));
            const cJSON *outcomes = get(get(root, "tables"), "outcomes");
            assert_true(get_number(cJSON_GetArrayItem(outcomes, 0), "value") == 8.7);
            assert_true(get_number(cJSON_GetArrayItem(outcomes, 0), "estimate") == 0);
            const cJSON *summary = get(get(root, "tables"), "escalation_summary");
            assert_true(cJSON_IsNull(get(cJSON_GetArrayItem(summary, 1), "mean_difference")));
            cJSON_Delete(root);
        }
        free(raw);
        cleanup(out);
    }
}

static void test_bad_options(void **unused)
{
    (void)unused;
    static const char *const bad[][2] = {
        {"{\"lines\":\"yes\"}", "lines"},
        {"{\"pretty\":1}", "pretty"},
        {"{\"line\":true}", "lines"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        bg_harness h;
        assert_int_not_equal(harness_load(&h, harness_plugin_path("json"), "/nonexistent/out.json", bad[i][0]), 0);
        if (!strstr(h.message, bad[i][1]))
            fail_msg("%s: message '%s' does not name %s", bad[i][0], h.message, bad[i][1]);
        harness_free(&h);
    }
}

/* An aborted run leaves no file, in either mode. */
static void test_abort_leaves_nothing(void **unused)
{
    (void)unused;
    static const char *const modes[] = {NULL, "{\"lines\":true}"};
    const bg_table_schema *schemas[BG_BUILTIN_TABLE_COUNT];
    for (size_t i = 0; i < BG_BUILTIN_TABLE_COUNT; i++)
        schemas[i] = bg_builtin_table(i);
    for (size_t m = 0; m < 2; m++) {
        char *out = new_output();
        bg_harness h;
        assert_int_equal(harness_load(&h, harness_plugin_path("json"), out, modes[m]), 0);
        assert_int_equal(harness_begin(&h, BG_BUILTIN_TABLE_COUNT, schemas), 0);
        bg_cell row[] = {cell_text("00000000000000a1"),
                         cell_int(0),
                         cell_int(0),
                         cell_text("一"),
                         cell_text("t"),
                         cell_null(),
                         cell_int(0)};
        assert_int_equal(harness_row(&h, schemas[BG_TABLE_SECTIONS], row), 0);
        assert_int_equal(count_files(out), 1); /* the temporary file */
        assert_int_equal(harness_end(&h, BG_BUILTIN_TABLE_COUNT, schemas, NULL, 0), 0);
        assert_int_equal(count_files(out), 0);
        assert_int_equal(access(out, F_OK), -1);
        harness_free(&h);
        cleanup(out);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_descriptor),
        cmocka_unit_test(test_default_document),
        cmocka_unit_test(test_summary),
        cmocka_unit_test(test_pretty),
        cmocka_unit_test(test_lines),
        cmocka_unit_test(test_numbers_round_trip),
        cmocka_unit_test(test_numbers_ignore_locale),
        cmocka_unit_test(test_escaping),
        cmocka_unit_test(test_across_tables),
        cmocka_unit_test(test_bad_options),
        cmocka_unit_test(test_abort_leaves_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
