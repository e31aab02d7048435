/* test_csv.c — the csv exporter, loaded through the real host code: files per
 * table, header, BOM and line endings by profile, quoting, the formula guard,
 * numbers that round-trip in any locale, the table option, option checks and
 * abort. Files are read back with libcsv's parser. */
#include "harness.h"
#include "table.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <csv.h>
#include <dirent.h>
#include <float.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define BOM "\xEF\xBB\xBF"

/* A parsed CSV file: rows of NUL-terminated fields. */
typedef struct csv_row {
    char **fields;
    size_t count;
} csv_row;

typedef struct csv_doc {
    char *raw; /* the file's bytes */
    csv_row *rows;
    size_t count;
} csv_doc;

static void on_field(void *data, size_t length, void *user)
{
    csv_doc *doc = user;
    csv_row *row = &doc->rows[doc->count - 1];
    row->fields = realloc(row->fields, (row->count + 1) * sizeof *row->fields);
    assert_non_null(row->fields);
    row->fields[row->count] = malloc(length + 1);
    assert_non_null(row->fields[row->count]);
    memcpy(row->fields[row->count], data ? data : "", length);
    row->fields[row->count][length] = '\0';
    row->count++;
}

static void on_row_end(int terminator, void *user)
{
    (void)terminator;
    csv_doc *doc = user;
    doc->rows = realloc(doc->rows, (doc->count + 1) * sizeof *doc->rows);
    assert_non_null(doc->rows);
    doc->rows[doc->count++] = (csv_row){NULL, 0};
}

/* Reads and parses path; the BOM, if any, stays in raw but not in the fields. */
static void csv_read(const char *path, csv_doc *doc)
{
    memset(doc, 0, sizeof *doc);
    doc->raw = harness_read(path);
    if (!doc->raw)
        fail_msg("cannot read %s", path);
    const char *text = doc->raw;
    if (strncmp(text, BOM, 3) == 0)
        text += 3;
    struct csv_parser parser;
    assert_int_equal(csv_init(&parser, CSV_STRICT | CSV_STRICT_FINI), 0);
    on_row_end(0, doc); /* an open row to fill */
    size_t length = strlen(text);
    assert_int_equal(csv_parse(&parser, text, length, on_field, on_row_end, doc), length);
    assert_int_equal(csv_fini(&parser, on_field, on_row_end, doc), 0);
    csv_free(&parser);
    doc->count--; /* the open row after the last terminator is empty */
    assert_int_equal(doc->rows[doc->count].count, 0);
}

static void csv_doc_free(csv_doc *doc)
{
    for (size_t r = 0; r <= doc->count; r++) {
        for (size_t f = 0; f < doc->rows[r].count; f++)
            free(doc->rows[r].fields[f]);
        free(doc->rows[r].fields);
    }
    free(doc->rows);
    free(doc->raw);
}

/* The field of data row `row` (1-based; 0 is the header) in column `name`. */
static const char *field(const csv_doc *doc, size_t row, const char *name)
{
    assert_true(doc->count > row);
    const csv_row *header = &doc->rows[0];
    for (size_t c = 0; c < header->count; c++)
        if (strcmp(header->fields[c], name) == 0) {
            assert_true(doc->rows[row].count == header->count);
            return doc->rows[row].fields[c];
        }
    fail_msg("no column %s", name);
    return NULL;
}

static char *file_in(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *path = malloc(n);
    assert_non_null(path);
    snprintf(path, n, "%s/%s", dir, name);
    return path;
}

static void read_table(const char *dir, const char *table, csv_doc *doc)
{
    char name[64];
    snprintf(name, sizeof name, "%s.csv", table);
    char *path = file_in(dir, name);
    csv_read(path, doc);
    free(path);
}

/* Entries in dir other than . and .., or -1 when dir does not exist. */
static int count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            n++;
    closedir(d);
    return n;
}

static void remove_tree(const char *dir)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

/* Writes the harness sample into a fresh folder; returns that folder. */
static char *write_sample(const char *options)
{
    char *root = harness_tempdir();
    assert_non_null(root);
    char *out = file_in(root, "out");
    free(root);
    bg_harness h;
    if (harness_load(&h, harness_plugin_path("csv"), out, options) != 0)
        fail_msg("load: %s", h.message);
    if (harness_write_sample(&h) != 0)
        fail_msg("sample: %s", h.message);
    harness_free(&h);
    return out;
}

static void cleanup(char *out)
{
    char *root = strdup(out);
    *strrchr(root, '/') = '\0';
    remove_tree(root);
    free(root);
    free(out);
}

/* Every line of raw ends with CRLF (crlf) or with a bare LF (!crlf). Only for
 * files without line breaks inside fields. */
static void assert_line_endings(const char *raw, int crlf)
{
    size_t lines = 0;
    for (const char *p = raw; *p; p++) {
        if (*p == '\n') {
            lines++;
            if (crlf)
                assert_true(p > raw && p[-1] == '\r');
            else
                assert_false(p > raw && p[-1] == '\r');
        }
        if (*p == '\r')
            assert_true(crlf && p[1] == '\n');
    }
    assert_true(lines > 0);
}

/* The descriptor says what it is. */
static void test_descriptor(void **unused)
{
    (void)unused;
    bg_harness h;
    assert_int_equal(harness_load(&h, harness_plugin_path("csv"), "/nonexistent", NULL), 0);
    assert_string_equal(h.plugin->descriptor.name, "csv");
    assert_int_equal(h.plugin->descriptor.output_kind, BG_OUTPUT_DIRECTORY);
    harness_free(&h);
}

/* Default = excel: one file per table, BOM, CRLF, header of column names,
 * formula guard on text but never on numbers, Chinese intact, dates, NULL. */
static void test_excel_default(void **unused)
{
    (void)unused;
    char *out = write_sample(NULL);
    assert_int_equal(count_entries(out), BG_BUILTIN_TABLE_COUNT);
    for (size_t t = 0; t < BG_BUILTIN_TABLE_COUNT; t++) {
        const bg_table_schema *schema = bg_builtin_table(t);
        csv_doc doc;
        read_table(out, schema->name, &doc);
        assert_memory_equal(doc.raw, BOM, 3);
        assert_line_endings(doc.raw, 1);
        assert_int_equal(doc.rows[0].count, schema->column_count);
        for (size_t c = 0; c < schema->column_count; c++)
            assert_string_equal(doc.rows[0].fields[c], schema->columns[c].name);
        csv_doc_free(&doc);
    }

    csv_doc doc;
    read_table(out, "documents", &doc);
    assert_int_equal(doc.count, 3);
    assert_string_equal(field(&doc, 1, "title"), "株洲市芦淞区2022年政府工作报告");
    assert_string_equal(field(&doc, 2, "title"), "'=cmd|' /C calc'!A0");
    assert_string_equal(field(&doc, 1, "region_code"), "430203");
    assert_string_equal(field(&doc, 1, "doc_id"), "00000000000000a1");
    assert_string_equal(field(&doc, 1, "report_date"), "2021-12-29");
    assert_string_equal(field(&doc, 2, "report_date"), "");
    assert_string_equal(field(&doc, 2, "chars"), "7001");
    csv_doc_free(&doc);

    read_table(out, "targets", &doc);
    assert_int_equal(doc.count, 5);
    assert_string_equal(field(&doc, 1, "value"), "8.5");
    assert_string_equal(field(&doc, 3, "value"), "-4.2");
    assert_string_equal(field(&doc, 3, "indicator_text"), "地区生产总值");
    /* Empty text is quoted, NULL is an empty field. */
    assert_non_null(strstr(doc.raw, ",\"\",in_line,"));
    assert_non_null(strstr(doc.raw, ",-4.2,,%,"));
    csv_doc_free(&doc);
    cleanup(out);
}

/* rfc4180: no BOM, LF, no guard. */
static void test_rfc4180_profile(void **unused)
{
    (void)unused;
    char *out = write_sample("{\"profile\":\"rfc4180\"}");
    csv_doc doc;
    read_table(out, "documents", &doc);
    assert_memory_equal(doc.raw, "doc_id,source,", 14);
    assert_line_endings(doc.raw, 0);
    assert_string_equal(field(&doc, 2, "title"), "=cmd|' /C calc'!A0");
    csv_doc_free(&doc);
    cleanup(out);
}

/* Each option set in the config overrides the profile, either way. */
static void test_options_override_profile(void **unused)
{
    (void)unused;
    char *out = write_sample("{\"bom\":false,\"line_ending\":\"lf\",\"formula_guard\":false}");
    csv_doc doc;
    read_table(out, "documents", &doc);
    assert_memory_equal(doc.raw, "doc_id,", 7);
    assert_line_endings(doc.raw, 0);
    assert_string_equal(field(&doc, 2, "title"), "=cmd|' /C calc'!A0");
    csv_doc_free(&doc);
    cleanup(out);

    out = write_sample("{\"bom\":false}");
    read_table(out, "documents", &doc);
    assert_memory_equal(doc.raw, "doc_id,", 7);
    assert_line_endings(doc.raw, 1);
    assert_string_equal(field(&doc, 2, "title"), "'=cmd|' /C calc'!A0");
    csv_doc_free(&doc);
    cleanup(out);

    out = write_sample("{\"profile\":\"rfc4180\",\"line_ending\":\"crlf\"}");
    read_table(out, "documents", &doc);
    assert_memory_equal(doc.raw, "doc_id,", 7);
    assert_line_endings(doc.raw, 1);
    csv_doc_free(&doc);
    cleanup(out);

    out = write_sample("{\"profile\":\"rfc4180\",\"bom\":true,\"formula_guard\":true}");
    read_table(out, "documents", &doc);
    assert_memory_equal(doc.raw,
                        "\xEF\xBB\xBF"
                        "doc_id,",
                        10);
    assert_line_endings(doc.raw, 0);
    assert_string_equal(field(&doc, 2, "title"), "'=cmd|' /C calc'!A0");
    csv_doc_free(&doc);
    cleanup(out);
}

/* Writes rows of one text column (sections.title, a TEXT column) and one
 * real column (keywords.per_10k) through options; returns the folder. */
static char *write_values(const char *options, size_t n, const char *const *texts, const double *reals)
{
    char *root = harness_tempdir();
    assert_non_null(root);
    char *out = file_in(root, "out");
    free(root);
    const bg_table_schema *schemas[] = {bg_builtin_table(BG_TABLE_SECTIONS), bg_builtin_table(BG_TABLE_KEYWORDS)};
    bg_harness h;
    if (harness_load(&h, harness_plugin_path("csv"), out, options) != 0)
        fail_msg("load: %s", h.message);
    assert_int_equal(harness_begin(&h, 2, schemas), 0);
    for (size_t i = 0; i < n; i++) {
        if (texts) {
            bg_cell row[] = {cell_text("00000000000000a1"), cell_int((int64_t)i), cell_int(-3), cell_text("一"),
                             cell_text(texts[i]),           cell_null(),          cell_int(0)};
            assert_int_equal(harness_row(&h, schemas[0], row), 0);
        }
        if (reals) {
            bg_cell row[] = {cell_text("00000000000000a1"), cell_text("k"), cell_text("c"),
                             cell_int(INT64_MIN + (int64_t)i), cell_real(reals[i])};
            assert_int_equal(harness_row(&h, schemas[1], row), 0);
        }
    }
    if (harness_end(&h, 2, schemas, NULL, 1) != 0)
        fail_msg("end: %s", h.message);
    harness_free(&h);
    return out;
}

/* Quoted only when needed, and every field reads back as written. */
static void test_quoting(void **unused)
{
    (void)unused;
    static const char *const texts[] = {"plain", "a,b",    "say \"hi\"", "two\nlines",     "cr\rhere",
                                        " lead", "trail ", "",           "中文，全角逗号", "tab\tinside"};
    size_t n = sizeof texts / sizeof texts[0];
    char *out = write_values("{\"profile\":\"rfc4180\"}", n, texts, NULL);
    csv_doc doc;
    read_table(out, "sections", &doc);
    assert_int_equal(doc.count, n + 1);
    for (size_t i = 0; i < n; i++)
        assert_string_equal(field(&doc, i + 1, "title"), texts[i]);
    assert_non_null(strstr(doc.raw, ",plain,,0\n"));
    assert_non_null(strstr(doc.raw, ",\"a,b\","));
    assert_non_null(strstr(doc.raw, ",\"say \"\"hi\"\"\","));
    assert_non_null(strstr(doc.raw, ",\"two\nlines\","));
    assert_non_null(strstr(doc.raw, ",\" lead\","));
    assert_non_null(strstr(doc.raw, ",\"trail \","));
    assert_non_null(strstr(doc.raw, ",\"\",,0\n"));
    assert_non_null(strstr(doc.raw, ",中文，全角逗号,"));
    assert_non_null(strstr(doc.raw, ",tab\tinside,"));
    csv_doc_free(&doc);
    cleanup(out);
}

/* The guard prefixes ' to text starting with a formula character (ASCII or
 * full-width) and leaves everything else, numbers included, alone. */
static void test_formula_guard(void **unused)
{
    (void)unused;
    static const char *const texts[] = {"=1+1", "+86 731", "-4.2", "@SUM(A1)", "\tx", "\rx",    "＝1",
                                        "＋1",  "－1",     "＠x",  "a=b",      "4.2", "（一）", "'quoted"};
    static const int guarded[] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0};
    static const double reals[] = {-4.2, -1e-7, 0, -0.5, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
    size_t n = sizeof texts / sizeof texts[0];
    char *out = write_values(NULL, n, texts, reals);
    csv_doc doc;
    read_table(out, "sections", &doc);
    for (size_t i = 0; i < n; i++) {
        const char *got = field(&doc, i + 1, "title");
        if (guarded[i]) {
            assert_int_equal(got[0], '\'');
            assert_string_equal(got + 1, texts[i]);
        } else {
            assert_string_equal(got, texts[i]);
        }
        assert_string_equal(field(&doc, i + 1, "level"), "-3");
    }
    csv_doc_free(&doc);
    read_table(out, "keywords", &doc);
    assert_string_equal(field(&doc, 1, "per_10k"), "-4.2");
    assert_string_equal(field(&doc, 2, "per_10k"), "-1e-07");
    assert_string_equal(field(&doc, 1, "count"), "-9223372036854775808");
    csv_doc_free(&doc);
    cleanup(out);
}

static const double round_trip_values[] = {
    0.1,     1e-7, 11000000000.0, 3 * 10000.0 / 7001, 1.0 / 3, 8.5, -4.2, 123456789.123456789, 5e-324,
    DBL_MAX, -0.0, 100,           0.30000000000000004};
#define ROUND_TRIP_COUNT (sizeof round_trip_values / sizeof round_trip_values[0])

/* Every real reads back as the same double, in its shortest form. */
static void check_round_trip(const char *out)
{
    csv_doc doc;
    read_table(out, "keywords", &doc);
    assert_int_equal(doc.count, ROUND_TRIP_COUNT + 1);
    locale_t c = newlocale(LC_ALL_MASK, "C", (locale_t)0);
    locale_t previous = uselocale(c);
    for (size_t i = 0; i < ROUND_TRIP_COUNT; i++) {
        const char *text = field(&doc, i + 1, "per_10k");
        assert_null(strchr(text, ','));
        char *end;
        double back = strtod(text, &end);
        assert_int_equal(*end, '\0');
        assert_memory_equal(&back, &round_trip_values[i], sizeof back);
    }
    uselocale(previous);
    freelocale(c);
    assert_string_equal(field(&doc, 1, "per_10k"), "0.1");
    assert_string_equal(field(&doc, 2, "per_10k"), "1e-07");
    assert_string_equal(field(&doc, 3, "per_10k"), "11000000000");
    assert_string_equal(field(&doc, 4, "per_10k"), "4.285102128267391");
    assert_string_equal(field(&doc, 9, "per_10k"), "4.94065645841247e-324");
    assert_string_equal(field(&doc, 13, "per_10k"), "0.30000000000000004");
    csv_doc_free(&doc);
}

static void test_numbers_round_trip(void **unused)
{
    (void)unused;
    char *out = write_values(NULL, ROUND_TRIP_COUNT, NULL, round_trip_values);
    check_round_trip(out);
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
        remove_tree(dir); /* the loaded locale stays mapped */
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
    char *out = write_values(NULL, ROUND_TRIP_COUNT, NULL, round_trip_values);
    setlocale(LC_NUMERIC, "C");
    check_round_trip(out);
    cleanup(out);
}

/* table writes one table only; a name that is not in the run fails, naming it. */
static void test_table_option(void **unused)
{
    (void)unused;
    char *out = write_sample("{\"table\":\"targets\"}");
    assert_int_equal(count_entries(out), 1);
    csv_doc doc;
    read_table(out, "targets", &doc);
    assert_int_equal(doc.count, 5);
    csv_doc_free(&doc);
    cleanup(out);

    char *root = harness_tempdir();
    out = file_in(root, "out");
    bg_harness h;
    assert_int_equal(harness_load(&h, harness_plugin_path("csv"), out, "{\"table\":\"target\"}"), 0);
    assert_int_not_equal(harness_write_sample(&h), 0);
    assert_non_null(strstr(h.message, "table"));
    assert_non_null(strstr(h.message, "'target'"));
    assert_non_null(strstr(h.message, "targets"));
    harness_free(&h);
    assert_true(count_entries(out) <= 0);
    free(root);
    cleanup(out);
}

/* A table without rows still gets a file with its header. */
static void test_empty_table(void **unused)
{
    (void)unused;
    char *out = write_values("{\"profile\":\"rfc4180\"}", 1, NULL, (const double[]){1.5});
    csv_doc doc;
    read_table(out, "sections", &doc);
    assert_int_equal(doc.count, 1);
    assert_string_equal(doc.raw, "doc_id,seq,level,number,title,part,offset\n");
    csv_doc_free(&doc);
    cleanup(out);
}

/* The host refuses bad values before anything opens, naming the option. */
static void test_bad_options(void **unused)
{
    (void)unused;
    static const char *const bad[][2] = {
        {"{\"profile\":\"xls\"}", "profile"},         {"{\"bom\":\"yes\"}", "bom"},
        {"{\"line_ending\":\"cr\"}", "line_ending"},  {"{\"table\":3}", "table"},
        {"{\"formula_gard\":true}", "formula_guard"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        bg_harness h;
        assert_int_not_equal(harness_load(&h, harness_plugin_path("csv"), "/nonexistent", bad[i][0]), 0);
        if (!strstr(h.message, bad[i][1]))
            fail_msg("%s: message '%s' does not name %s", bad[i][0], h.message, bad[i][1]);
        harness_free(&h);
    }
}

/* An aborted run leaves no file, not even a temporary one. */
static void test_abort_leaves_nothing(void **unused)
{
    (void)unused;
    char *root = harness_tempdir();
    char *out = file_in(root, "out");
    free(root);
    const bg_table_schema *schemas[BG_BUILTIN_TABLE_COUNT];
    for (size_t i = 0; i < BG_BUILTIN_TABLE_COUNT; i++)
        schemas[i] = bg_builtin_table(i);
    bg_harness h;
    assert_int_equal(harness_load(&h, harness_plugin_path("csv"), out, NULL), 0);
    assert_int_equal(harness_begin(&h, BG_BUILTIN_TABLE_COUNT, schemas), 0);
    bg_cell row[] = {cell_text("00000000000000a1"),
                     cell_int(0),
                     cell_int(0),
                     cell_text("一"),
                     cell_text("t"),
                     cell_null(),
                     cell_int(0)};
    assert_int_equal(harness_row(&h, schemas[BG_TABLE_SECTIONS], row), 0);
    assert_true(count_entries(out) > 0); /* temporaries exist while running */
    assert_int_equal(harness_end(&h, BG_BUILTIN_TABLE_COUNT, schemas, NULL, 0), 0);
    assert_int_equal(count_entries(out), 0);
    harness_free(&h);
    cleanup(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_descriptor),
        cmocka_unit_test(test_excel_default),
        cmocka_unit_test(test_rfc4180_profile),
        cmocka_unit_test(test_options_override_profile),
        cmocka_unit_test(test_quoting),
        cmocka_unit_test(test_formula_guard),
        cmocka_unit_test(test_numbers_round_trip),
        cmocka_unit_test(test_numbers_ignore_locale),
        cmocka_unit_test(test_table_option),
        cmocka_unit_test(test_empty_table),
        cmocka_unit_test(test_bad_options),
        cmocka_unit_test(test_abort_leaves_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
