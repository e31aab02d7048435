/* test_csv.c — the csv exporter, loaded through the real host code: files per
 * table, header, BOM and line endings by profile, quoting, the formula guard,
 * numbers that round-trip in any locale, the table option, option checks and
 * abort; the identity columns (by profile, by option, from the document info
 * or the documents row) and datapackage.json, read with cJSON and checked
 * against the files by datapackage_check.py; the tables across reports
 * without identity columns, described as their schema says. Files are read
 * back with libcsv's parser. */
#include "across_sample.h"
#include "harness.h"
#include "table.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cjson/cJSON.h>
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

/* A built-in table across reports (BG_TABLE_ACROSS). */
static int is_across(const char *table)
{
    int t = bg_builtin_table_index(table);
    return t >= 0 && (bg_builtin_table((size_t)t)->flags & BG_TABLE_ACROSS);
}

/* The identity columns a table's header begins with (the excel default):
 * none for documents and the tables across reports; targets keeps its own
 * plan_year; the document's level is region_level, clear of sections' own
 * level (a heading's depth). */
static const char *const *identity_header(const char *table)
{
    static const char *const none[] = {NULL};
    static const char *const all[] = {"province", "region", "region_code", "region_level", "plan_year", NULL};
    static const char *const targets[] = {"province", "region", "region_code", "region_level", NULL};
    if (!strcmp(table, "documents") || is_across(table))
        return none;
    if (!strcmp(table, "targets"))
        return targets;
    return all;
}

/* Checks that the header begins with the table's identity columns; returns
 * how many there are. */
static size_t assert_identity_header(const csv_doc *doc, const char *table)
{
    const char *const *names = identity_header(table);
    size_t n = 0;
    for (; names[n]; n++) {
        assert_true(doc->rows[0].count > n);
        assert_string_equal(doc->rows[0].fields[n], names[n]);
    }
    return n;
}

/* The header is the schema's columns and nothing before them. */
static void assert_plain_header(const csv_doc *doc, const bg_table_schema *schema)
{
    assert_int_equal(doc->rows[0].count, schema->column_count);
    for (size_t c = 0; c < schema->column_count; c++)
        assert_string_equal(doc->rows[0].fields[c], schema->columns[c].name);
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
    assert_int_equal(count_entries(out), BG_BUILTIN_TABLE_COUNT + 1); /* and datapackage.json */
    for (size_t t = 0; t < BG_BUILTIN_TABLE_COUNT; t++) {
        const bg_table_schema *schema = bg_builtin_table(t);
        csv_doc doc;
        read_table(out, schema->name, &doc);
        assert_memory_equal(doc.raw, BOM, 3);
        assert_line_endings(doc.raw, 1);
        size_t lead = assert_identity_header(&doc, schema->name);
        assert_int_equal(doc.rows[0].count, lead + schema->column_count);
        for (size_t c = 0; c < schema->column_count; c++)
            assert_string_equal(doc.rows[0].fields[lead + c], schema->columns[c].name);
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
    assert_int_equal(count_entries(out), 2); /* targets.csv, datapackage.json */
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

/* ---- Identity columns ------------------------------------------------------ */

/* excel: every table but documents begins with the identity columns; the
 * harness sample's document info leaves them unknown, so they come from each
 * document's documents row. */
static void test_identity_columns_excel(void **unused)
{
    (void)unused;
    char *out = write_sample(NULL);
    csv_doc doc;
    read_table(out, "targets", &doc);
    assert_string_equal(field(&doc, 1, "province"), "湖南省");
    assert_string_equal(field(&doc, 1, "region"), "株洲市芦淞区");
    assert_string_equal(field(&doc, 1, "region_code"), "430203");
    assert_string_equal(field(&doc, 1, "region_level"), "district");
    assert_string_equal(field(&doc, 1, "plan_year"), "2022");
    assert_string_equal(field(&doc, 3, "region"), "澧县");
    assert_string_equal(field(&doc, 3, "region_code"), "430723");
    assert_string_equal(field(&doc, 3, "region_level"), "county");
    assert_string_equal(field(&doc, 3, "doc_id"), "00000000000000b2");
    csv_doc_free(&doc);
    read_table(out, "sections", &doc);
    assert_string_equal(field(&doc, 1, "region_level"), "district");
    assert_string_equal(field(&doc, 1, "level"), "1"); /* the heading's own */
    assert_string_equal(field(&doc, 2, "plan_year"), "2022");
    csv_doc_free(&doc);
    read_table(out, "documents", &doc);
    assert_plain_header(&doc, bg_builtin_table(BG_TABLE_DOCUMENTS));
    csv_doc_free(&doc);
    cleanup(out);
}

/* rfc4180: no identity columns anywhere. */
static void test_identity_columns_rfc4180(void **unused)
{
    (void)unused;
    char *out = write_sample("{\"profile\":\"rfc4180\"}");
    for (size_t t = 0; t < BG_BUILTIN_TABLE_COUNT; t++) {
        csv_doc doc;
        read_table(out, bg_builtin_table(t)->name, &doc);
        assert_plain_header(&doc, bg_builtin_table(t));
        csv_doc_free(&doc);
    }
    cleanup(out);
}

/* identity_columns set in the config overrides the profile, either way. */
static void test_identity_columns_option(void **unused)
{
    (void)unused;
    char *out = write_sample("{\"identity_columns\":false}");
    csv_doc doc;
    read_table(out, "keywords", &doc);
    assert_plain_header(&doc, bg_builtin_table(BG_TABLE_KEYWORDS));
    assert_memory_equal(doc.raw, BOM, 3); /* the rest of the profile stays */
    csv_doc_free(&doc);
    cleanup(out);

    out = write_sample("{\"profile\":\"rfc4180\",\"identity_columns\":true}");
    read_table(out, "keywords", &doc);
    assert_int_equal(assert_identity_header(&doc, "keywords"), 5);
    assert_string_equal(field(&doc, 2, "region"), "澧县");
    assert_string_equal(field(&doc, 2, "keyword"), "高质量发展");
    assert_line_endings(doc.raw, 0);
    csv_doc_free(&doc);
    cleanup(out);
}

/* A row of schema from (column name, cell) pairs; other columns NULL. */
static void put_row(bg_harness *h, const bg_table_schema *schema, size_t n, const char *const *names,
                    const bg_cell *values)
{
    bg_cell row[64];
    assert_true(schema->column_count <= 64);
    for (size_t c = 0; c < schema->column_count; c++)
        row[c] = cell_null();
    for (size_t i = 0; i < n; i++) {
        int c = bg_column_index(schema, names[i]);
        if (c < 0)
            fail_msg("%s has no column %s", schema->name, names[i]);
        row[c] = values[i];
    }
    if (harness_row(h, schema, row) != 0)
        fail_msg("row of %s: %s", schema->name, h->message);
}

static void put_document(bg_harness *h, const char *doc_id, const char *province, const char *region,
                         const char *region_code, const char *level, int64_t plan_year)
{
    static const char *const names[] = {"doc_id", "province", "region", "region_code", "level", "plan_year"};
    bg_cell values[] = {cell_text(doc_id),      cell_text(province), cell_text(region),
                        cell_text(region_code), cell_text(level),    cell_int(plan_year)};
    put_row(h, bg_builtin_table(BG_TABLE_DOCUMENTS), 6, names, values);
}

static void put_keyword(bg_harness *h, const char *doc_id)
{
    static const char *const names[] = {"doc_id", "keyword", "count"};
    bg_cell values[] = {cell_text(doc_id), cell_text("乡村振兴"), cell_int(2)};
    put_row(h, bg_builtin_table(BG_TABLE_KEYWORDS), 3, names, values);
}

/* The identity comes from bg_document_info (ABI 1.2) before the documents
 * row; an older host's info (struct_size short of the identity) is not read
 * past its size, and the documents row says it; a document whose info and
 * row say nothing gets empty identity cells, not the previous document's. */
static void test_identity_from_document_info(void **unused)
{
    (void)unused;
    char *root = harness_tempdir();
    char *out = file_in(root, "out");
    free(root);
    const bg_table_schema *schemas[] = {bg_builtin_table(BG_TABLE_DOCUMENTS), bg_builtin_table(BG_TABLE_KEYWORDS)};
    bg_harness h;
    assert_int_equal(harness_load(&h, harness_plugin_path("csv"), out,
                                  "{\"profile\":\"rfc4180\","
                                  "\"identity_columns\":true}"),
                     0);
    assert_int_equal(harness_begin(&h, 2, schemas), 0);

    bg_document_info info = {.struct_size = sizeof info,
                             .abi_major = BG_EXPORTER_ABI_MAJOR,
                             .abi_minor = BG_EXPORTER_ABI_MINOR,
                             .doc_id = "00000000000000c3",
                             .source = "c.txt",
                             .content_hash = "00000000000000c3",
                             .province = "湖北省",
                             .region = "武汉市",
                             .region_code = "420100",
                             .level = "city",
                             .plan_year = 2023,
                             .doc_type = "work_report"};
    assert_int_equal(harness_document_info(&h, &info), 0);
    put_document(&h, "00000000000000c3", "湖南省", "长沙市", "430100", "county", 2021);
    put_keyword(&h, "00000000000000c3");

    bg_document_info old = info; /* an ABI 1.1 host: the identity is past its size */
    old.struct_size = (uint32_t)offsetof(bg_document_info, province);
    old.abi_minor = 1;
    old.doc_id = "00000000000000d4";
    old.province = old.region = old.region_code = old.level = "not to be read";
    old.plan_year = 1999;
    assert_int_equal(harness_document_info(&h, &old), 0);
    put_document(&h, "00000000000000d4", "湖南省", "澧县", "430723", "county", 2022);
    put_keyword(&h, "00000000000000d4");

    bg_document_info unknown = {.struct_size = sizeof unknown,
                                .abi_major = BG_EXPORTER_ABI_MAJOR,
                                .abi_minor = BG_EXPORTER_ABI_MINOR,
                                .doc_id = "00000000000000e5",
                                .source = "e.txt",
                                .content_hash = "00000000000000e5"};
    assert_int_equal(harness_document_info(&h, &unknown), 0);
    put_keyword(&h, "00000000000000e5");
    if (harness_end(&h, 2, schemas, NULL, 1) != 0)
        fail_msg("end: %s", h.message);
    harness_free(&h);

    csv_doc doc;
    read_table(out, "keywords", &doc);
    assert_int_equal(doc.count, 4);
    assert_string_equal(field(&doc, 1, "province"), "湖北省");
    assert_string_equal(field(&doc, 1, "region"), "武汉市");
    assert_string_equal(field(&doc, 1, "region_code"), "420100");
    assert_string_equal(field(&doc, 1, "region_level"), "city");
    assert_string_equal(field(&doc, 1, "plan_year"), "2023");
    assert_string_equal(field(&doc, 2, "region"), "澧县");
    assert_string_equal(field(&doc, 2, "region_code"), "430723");
    assert_string_equal(field(&doc, 2, "plan_year"), "2022");
    assert_null(strstr(doc.raw, "not to be read"));
    assert_non_null(strstr(doc.raw, "\n,,,,,00000000000000e5,乡村振兴,"));
    csv_doc_free(&doc);
    read_table(out, "documents", &doc);
    assert_string_equal(field(&doc, 1, "region"), "长沙市"); /* documents itself is as written */
    csv_doc_free(&doc);
    cleanup(out);
}

/* ---- datapackage.json ------------------------------------------------------ */

static const char *python3(void)
{
    if (access("/usr/bin/python3", X_OK) == 0)
        return "/usr/bin/python3";
    return system("python3 -c 1 >/dev/null 2>&1") == 0 ? "python3" : NULL;
}

/* A custom table as extract.custom builds it, labelled by the config, with
 * an ABI 1.1 schema: column_values lies past its struct_size and must not
 * be read. */
static const bg_value_label unread_codes[] = {{"x", "不应读取"}};
static const bg_column_values unread_values[6] = {{1, unread_codes}, {1, unread_codes}, {1, unread_codes},
                                                  {1, unread_codes}, {1, unread_codes}, {1, unread_codes}};
static const bg_column port_columns[] = {
    {"doc_id", BG_TYPE_TEXT, "文档编号", "document id", BG_COLUMN_KEY | BG_COLUMN_CODE},
    {"seq", BG_TYPE_INTEGER, "序号", "order within the document", BG_COLUMN_KEY},
    {"throughput", BG_TYPE_REAL, "吞吐量（万吨）", "cargo throughput", 0},
    {"port", BG_TYPE_TEXT, NULL, NULL, 0},
    {"sentence", BG_TYPE_TEXT, "原句", "the sentence as in the source", BG_COLUMN_LONG},
    {"offset", BG_TYPE_INTEGER, "位置", "character offset in the cleaned text", 0},
};
static const bg_table_schema port_schema = {(uint32_t)offsetof(bg_table_schema, column_values),
                                            1,
                                            1,
                                            BG_BUILTIN_TABLE_COUNT,
                                            "ports",
                                            "港口",
                                            "custom rule",
                                            6,
                                            port_columns,
                                            unread_values,
                                            0};

/* Two documents whose ids a number-guessing reader would break (0042… loses
 * its zeros, 05e3… is 5×10^3651223799005), through every table and the
 * custom one; returns the folder. */
static char *write_codes(const char *options)
{
    char *root = harness_tempdir();
    char *out = file_in(root, "out");
    free(root);
    const bg_table_schema *schemas[BG_BUILTIN_TABLE_COUNT + 1];
    for (size_t i = 0; i < BG_BUILTIN_TABLE_COUNT; i++)
        schemas[i] = bg_builtin_table(i);
    schemas[BG_BUILTIN_TABLE_COUNT] = &port_schema;
    bg_harness h;
    if (harness_load(&h, harness_plugin_path("csv"), out, options) != 0)
        fail_msg("load: %s", h.message);
    assert_int_equal(harness_begin(&h, BG_BUILTIN_TABLE_COUNT + 1, schemas), 0);
    static const char *const ids[] = {"0042556206815997", "05e3651223799005"};
    for (int d = 0; d < 2; d++) {
        bg_document_info info = {.struct_size = sizeof info,
                                 .abi_major = BG_EXPORTER_ABI_MAJOR,
                                 .abi_minor = BG_EXPORTER_ABI_MINOR,
                                 .doc_id = ids[d],
                                 .source = d ? "b.txt" : "a.txt",
                                 .content_hash = "0007e1d5e3c1a2b4",
                                 .province = "北京市",
                                 .region = d ? "东城区" : "北京市",
                                 .region_code = d ? "110101" : "110000",
                                 .level = d ? "district" : "province",
                                 .plan_year = 2024,
                                 .doc_type = "work_report"};
        assert_int_equal(harness_document_info(&h, &info), 0);
        {
            static const char *const names[] = {"doc_id",   "source",       "region",    "region_code",
                                                "province", "level",        "plan_year", "report_date",
                                                "doc_type", "content_hash", "chars"};
            bg_cell values[] = {cell_text(ids[d]),
                                cell_text(info.source),
                                cell_text(info.region),
                                cell_text(info.region_code),
                                cell_text("北京市"),
                                cell_text(info.level),
                                cell_int(2024),
                                cell_date(2024, 1, 21),
                                cell_text("work_report"),
                                cell_text("0007e1d5e3c1a2b4"),
                                cell_int(9000)};
            put_row(&h, schemas[BG_TABLE_DOCUMENTS], 11, names, values);
        }
        for (int seq = 0; seq < 2; seq++) {
            static const char *const names[] = {"doc_id", "seq",  "plan_year", "indicator", "kind",
                                                "value",  "unit", "qualifier", "direction", "value_text"};
            bg_cell values[] = {cell_text(ids[d]),
                                cell_int(seq),
                                cell_int(2024),
                                cell_text(seq ? "cpi" : "gdp"),
                                cell_text(seq ? "level" : "growth"),
                                cell_real(seq ? 3 : 5.5),
                                cell_text("%"),
                                cell_text(seq ? "about" : "at_least"),
                                seq ? cell_null() : cell_text("rise"),
                                cell_text(seq ? "3%左右" : "增长5.5%以上")};
            put_row(&h, schemas[BG_TABLE_TARGETS], 10, names, values);
        }
        {
            static const char *const names[] = {"doc_id", "seq", "part", "object", "value", "qualifier"};
            bg_cell values[] = {cell_text(ids[d]),     cell_int(0),    cell_text("plan"),
                                cell_text("新增就业"), cell_real(1e4), cell_text("exact")};
            put_row(&h, schemas[BG_TABLE_COMMITMENTS], 6, names, values);
        }
        {
            static const char *const names[] = {"doc_id", "list_seq", "list", "item_seq", "item"};
            bg_cell values[] = {cell_text(ids[d]), cell_int(0), cell_text("十大工程"), cell_int(0), cell_text("一")};
            put_row(&h, schemas[BG_TABLE_LIST_ITEMS], 5, names, values);
        }
        {
            static const char *const names[] = {"doc_id", "seq", "level", "number", "title", "part"};
            bg_cell values[] = {cell_text(ids[d]), cell_int(0),       cell_int(0),
                                cell_text("一"),   cell_text("回顾"), cell_text("review")};
            put_row(&h, schemas[BG_TABLE_SECTIONS], 6, names, values);
        }
        put_keyword(&h, ids[d]);
        {
            static const char *const names[] = {"doc_id", "seq", "throughput", "port", "sentence", "offset"};
            bg_cell values[] = {cell_text(ids[d]),           cell_int(0), cell_real(1.25e3), cell_text("天津港"),
                                cell_text("吞吐量1250万吨"), cell_int(42)};
            put_row(&h, &port_schema, 6, names, values);
        }
    }
    if (harness_end(&h, BG_BUILTIN_TABLE_COUNT + 1, schemas, NULL, 1) != 0)
        fail_msg("end: %s", h.message);
    harness_free(&h);
    return out;
}

static cJSON *read_package(const char *out)
{
    char *path = file_in(out, "datapackage.json");
    char *text = harness_read(path);
    free(path);
    assert_non_null(text);
    cJSON *package = cJSON_Parse(text);
    free(text);
    assert_non_null(package);
    return package;
}

static const cJSON *member(const cJSON *object, const char *name)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(object, name);
    if (!item)
        fail_msg("no member %s", name);
    return item;
}

static const char *text_of(const cJSON *object, const char *name)
{
    const cJSON *item = member(object, name);
    assert_true(cJSON_IsString(item));
    return item->valuestring;
}

static const cJSON *resource_named(const cJSON *package, const char *name)
{
    const cJSON *resource;
    cJSON_ArrayForEach(resource, member(package, "resources"))
    {
        if (!strcmp(text_of(resource, "name"), name))
            return resource;
    }
    fail_msg("no resource %s", name);
    return NULL;
}

static const cJSON *field_named(const cJSON *resource, const char *name)
{
    const cJSON *field;
    cJSON_ArrayForEach(field, member(member(resource, "schema"), "fields"))
    {
        if (!strcmp(text_of(field, "name"), name))
            return field;
    }
    fail_msg("no field %s", name);
    return NULL;
}

static const char *field_name_at(const cJSON *resource, int i)
{
    return text_of(cJSON_GetArrayItem(member(member(resource, "schema"), "fields"), i), "name");
}

/* Runs datapackage_check.py on out with arguments, telling it which
 * tables are across reports (from the schemas' flags); returns its exit
 * status. */
static int run_checker(const char *out, const char *arguments)
{
    const char *python = python3();
    if (!python)
        return -1;
    char across[512] = "";
    for (size_t t = 0; t < BG_BUILTIN_TABLE_COUNT; t++)
        if (bg_builtin_table(t)->flags & BG_TABLE_ACROSS)
            snprintf(across + strlen(across), sizeof across - strlen(across), "%s%s", *across ? "," : "",
                     bg_builtin_table(t)->name);
    char command[4096];
    snprintf(command, sizeof command, "%s '%s/tests/plugins/datapackage_check.py' '%s' --across '%s' %s", python,
             BG_TEST_SOURCE_DIR, out, across, arguments);
    return system(command);
}

/* datapackage.json describes every file as written: resources in order,
 * dialect and BOM of the profile, identity fields first with the documents
 * table's descriptions, types (codes as strings), Chinese titles, English
 * descriptions, codes with their labels, primary keys; a custom table the
 * same way; and the checker finds every file true to it, codes as written. */
static void test_datapackage_excel(void **unused)
{
    (void)unused;
    char *out = write_codes(NULL);
    cJSON *package = read_package(out);
    assert_string_equal(text_of(package, "profile"), "tabular-data-package");
    assert_string_equal(text_of(package, "name"), "testjob");
    const cJSON *resources = member(package, "resources");
    assert_int_equal(cJSON_GetArraySize(resources), BG_BUILTIN_TABLE_COUNT + 1);
    for (size_t t = 0; t < BG_BUILTIN_TABLE_COUNT; t++)
        assert_string_equal(text_of(cJSON_GetArrayItem(resources, (int)t), "name"), bg_builtin_table(t)->name);

    const cJSON *targets = resource_named(package, "targets");
    assert_string_equal(text_of(targets, "path"), "targets.csv");
    assert_string_equal(text_of(targets, "profile"), "tabular-data-resource");
    assert_string_equal(text_of(targets, "encoding"), "utf-8");
    assert_string_equal(text_of(targets, "mediatype"), "text/csv");
    assert_string_equal(text_of(targets, "title"), "主要预期目标");
    assert_true(cJSON_IsTrue(member(targets, "bom")));
    assert_string_equal(text_of(member(targets, "dialect"), "lineTerminator"), "\r\n");
    assert_string_equal(text_of(member(targets, "dialect"), "delimiter"), ",");
    assert_true(cJSON_IsTrue(member(member(targets, "dialect"), "header")));
    assert_string_equal(field_name_at(targets, 0), "province");
    assert_string_equal(field_name_at(targets, 3), "region_level");
    assert_string_equal(field_name_at(targets, 4), "doc_id");
    assert_string_equal(text_of(field_named(targets, "province"), "title"), "省份");
    assert_string_equal(text_of(field_named(targets, "doc_id"), "type"), "string");
    assert_string_equal(text_of(field_named(targets, "region_code"), "type"), "string");
    assert_string_equal(text_of(field_named(targets, "region_code"), "title"), "行政区划代码");
    assert_string_equal(text_of(field_named(targets, "seq"), "type"), "integer");
    assert_string_equal(text_of(field_named(targets, "value"), "type"), "number");
    assert_string_equal(text_of(field_named(targets, "value"), "description"),
                        "the figure, signed: negative for a decline");
    const cJSON *kind = field_named(targets, "kind");
    const cJSON *codes = member(member(kind, "constraints"), "enum");
    assert_string_equal(cJSON_GetArrayItem(codes, 0)->valuestring, "growth");
    const cJSON *category = cJSON_GetArrayItem(member(kind, "categories"), 0);
    assert_string_equal(text_of(category, "value"), "growth");
    assert_string_equal(text_of(category, "label"), "增长");
    assert_int_equal(cJSON_GetArraySize(codes), cJSON_GetArraySize(member(kind, "categories")));
    assert_null(cJSON_GetObjectItemCaseSensitive(field_named(targets, "sentence"), "constraints"));
    const cJSON *key = member(member(targets, "schema"), "primaryKey");
    assert_int_equal(cJSON_GetArraySize(key), 2);
    assert_string_equal(cJSON_GetArrayItem(key, 0)->valuestring, "doc_id");
    assert_string_equal(cJSON_GetArrayItem(key, 1)->valuestring, "seq");

    const cJSON *documents = resource_named(package, "documents");
    assert_string_equal(field_name_at(documents, 0), "doc_id");
    assert_string_equal(text_of(field_named(documents, "report_date"), "type"), "date");
    assert_string_equal(text_of(field_named(documents, "content_hash"), "type"), "string");
    assert_string_equal(text_of(field_named(documents, "plan_year"), "type"), "integer");

    const cJSON *sections = resource_named(package, "sections");
    const cJSON *region_level = field_named(sections, "region_level");
    assert_string_equal(text_of(region_level, "title"), "级别");
    assert_string_equal(text_of(cJSON_GetArrayItem(member(region_level, "categories"), 4), "label"), "县");
    assert_string_equal(text_of(field_named(sections, "level"), "type"), "integer");

    const cJSON *ports = resource_named(package, "ports");
    assert_string_equal(text_of(ports, "title"), "港口");
    assert_string_equal(field_name_at(ports, 0), "province");
    assert_string_equal(text_of(field_named(ports, "throughput"), "type"), "number");
    assert_string_equal(text_of(field_named(ports, "throughput"), "title"), "吞吐量（万吨）");
    assert_null(cJSON_GetObjectItemCaseSensitive(field_named(ports, "port"), "title"));
    for (size_t c = 0; c < port_schema.column_count; c++) /* its own columns: no codes read */
        assert_null(cJSON_GetObjectItemCaseSensitive(field_named(ports, port_columns[c].name), "constraints"));
    assert_non_null(member(field_named(ports, "region_level"), "constraints")); /* the identity's, from documents */
    cJSON_Delete(package);

    int rc = run_checker(out, "--identity yes --expect documents.doc_id=0042556206815997 "
                              "--expect targets.doc_id=05e3651223799005 --expect ports.doc_id=0042556206815997 "
                              "--expect documents.content_hash=0007e1d5e3c1a2b4 --expect targets.region_code=110000");
    if (rc == -1) {
        cleanup(out);
        skip();
    }
    assert_int_equal(rc, 0);
    cleanup(out);
}

/* rfc4180: LF, no BOM, no identity fields, and the README's pandas lines
 * read the files with the types datapackage.json gives. */
static void test_datapackage_rfc4180(void **unused)
{
    (void)unused;
    char *out = write_codes("{\"profile\":\"rfc4180\"}");
    cJSON *package = read_package(out);
    const cJSON *targets = resource_named(package, "targets");
    assert_true(cJSON_IsFalse(member(targets, "bom")));
    assert_string_equal(text_of(member(targets, "dialect"), "lineTerminator"), "\n");
    assert_string_equal(field_name_at(targets, 0), "doc_id");
    cJSON_Delete(package);
    char arguments[1024];
    snprintf(arguments, sizeof arguments,
             "--identity no --expect documents.doc_id=0042556206815997 --readme '%s/README.md'", BG_TEST_SOURCE_DIR);
    int rc = run_checker(out, arguments);
    if (rc == -1) {
        cleanup(out);
        skip();
    }
    assert_int_equal(rc, 0);
    cleanup(out);
}

/* ---- Tables across reports ---------------------------------------------------- */

/* The sample with rows in outcomes and the tables across reports, in a
 * fresh folder; returns that folder. */
static char *write_across(const char *options)
{
    char *root = harness_tempdir();
    char *out = file_in(root, "out");
    free(root);
    bg_harness h;
    if (harness_load(&h, harness_plugin_path("csv"), out, options) != 0)
        fail_msg("load: %s", h.message);
    if (across_write(&h, "20221231T000000-1", 3u, 0) != 0)
        fail_msg("across sample: %s", h.message);
    harness_free(&h);
    return out;
}

/* The Table Schema type a column must have. */
static const char *schema_type(const bg_column *column)
{
    if ((column->flags & BG_COLUMN_CODE) || column->type == BG_TYPE_TEXT)
        return "string";
    return column->type == BG_TYPE_INTEGER ? "integer" : column->type == BG_TYPE_REAL ? "number" : "date";
}

/* A resource's fields are the schema's columns and nothing else: names in
 * order, types, titles, descriptions, the codes of coded columns, the
 * primary key from the KEY columns. */
static void assert_fields_are_schema(const cJSON *resource, const bg_table_schema *schema)
{
    const cJSON *fields = member(member(resource, "schema"), "fields");
    assert_int_equal(cJSON_GetArraySize(fields), schema->column_count);
    size_t keys = 0;
    for (size_t c = 0; c < schema->column_count; c++) {
        const bg_column *column = &schema->columns[c];
        const cJSON *field = cJSON_GetArrayItem(fields, (int)c);
        assert_string_equal(text_of(field, "name"), column->name);
        assert_string_equal(text_of(field, "type"), schema_type(column));
        assert_string_equal(text_of(field, "title"), column->label);
        assert_string_equal(text_of(field, "description"), column->label_en);
        const bg_column_values *codes = &schema->column_values[c];
        const cJSON *constraints = cJSON_GetObjectItemCaseSensitive(field, "constraints");
        if (!codes->count) {
            assert_null(constraints);
            continue;
        }
        const cJSON *values = member(constraints, "enum");
        const cJSON *categories = member(field, "categories");
        assert_int_equal(cJSON_GetArraySize(values), codes->count);
        for (size_t v = 0; v < codes->count; v++) {
            assert_string_equal(cJSON_GetArrayItem(values, (int)v)->valuestring, codes->values[v].value);
            assert_string_equal(text_of(cJSON_GetArrayItem(categories, (int)v), "label"), codes->values[v].label);
        }
    }
    const cJSON *key = member(member(resource, "schema"), "primaryKey");
    for (size_t c = 0; c < schema->column_count; c++)
        if (schema->columns[c].flags & BG_COLUMN_KEY)
            assert_string_equal(cJSON_GetArrayItem(key, (int)keys++)->valuestring, schema->columns[c].name);
    assert_int_equal(cJSON_GetArraySize(key), keys);
}

/* Excel (identity columns on): a table across reports has the columns of
 * its schema and nothing before them, its rows name their own regions (not
 * the last document's), and datapackage.json describes exactly those
 * fields; outcomes, a table of documents' rows, has the identity first. */
static void test_across_tables_have_no_identity(void **unused)
{
    (void)unused;
    char *out = write_across(NULL);
    size_t across = 0;
    for (size_t t = 0; t < BG_BUILTIN_TABLE_COUNT; t++) {
        const bg_table_schema *schema = bg_builtin_table(t);
        csv_doc doc;
        read_table(out, schema->name, &doc);
        assert_int_equal(doc.count, 1 + (size_t)across_row_count(t, 0));
        if (schema->flags & BG_TABLE_ACROSS) {
            assert_plain_header(&doc, schema);
            across++;
        } else if (t != BG_TABLE_DOCUMENTS) {
            assert_int_equal(doc.rows[0].count, assert_identity_header(&doc, schema->name) + schema->column_count);
        }
        csv_doc_free(&doc);
    }
    assert_int_equal(across, 4);

    csv_doc doc;
    read_table(out, "target_outcomes", &doc);
    assert_string_equal(field(&doc, 1, "region_code"), "430203");
    assert_string_equal(field(&doc, 4, "region"), "澧县"); /* its own, not from a document */
    assert_string_equal(field(&doc, 1, "met"), "yes");     /* codes, as in every table */
    assert_string_equal(field(&doc, 3, "outcome_value"), "");
    csv_doc_free(&doc);
    read_table(out, "escalation", &doc);
    assert_string_equal(field(&doc, 1, "province"), "湖南省");
    assert_string_equal(field(&doc, 1, "plan_year"), "2022");
    assert_string_equal(field(&doc, 1, "region_level"), "district");
    assert_string_equal(field(&doc, 2, "region_level"), "county");
    assert_string_equal(field(&doc, 1, "parent_value"), "8");
    csv_doc_free(&doc);
    read_table(out, "outcomes", &doc);
    assert_string_equal(field(&doc, 1, "region"), "株洲市芦淞区"); /* from the document's info */
    assert_string_equal(field(&doc, 1, "plan_year"), "2022");
    assert_string_equal(field(&doc, 5, "region_code"), "430723");
    assert_string_equal(field(&doc, 1, "year"), "2021");
    csv_doc_free(&doc);

    cJSON *package = read_package(out);
    for (size_t t = 0; t < BG_BUILTIN_TABLE_COUNT; t++) {
        const bg_table_schema *schema = bg_builtin_table(t);
        if (schema->flags & BG_TABLE_ACROSS)
            assert_fields_are_schema(resource_named(package, schema->name), schema);
    }
    const cJSON *outcomes = resource_named(package, "outcomes");
    assert_string_equal(field_name_at(outcomes, 0), "province");
    assert_string_equal(field_name_at(outcomes, 5), "doc_id");
    const cJSON *kinds = member(member(field_named(outcomes, "kind"), "constraints"), "enum");
    assert_string_equal(cJSON_GetArrayItem(kinds, 0)->valuestring, "growth");
    cJSON_Delete(package);

    int rc = run_checker(out, "--identity yes --expect target_outcomes.region_code=430203 "
                              "--expect escalation.parent_code=430200 --expect outcomes.doc_id=00000000000000b2");
    cleanup(out);
    if (rc == -1)
        skip();
    assert_int_equal(rc, 0);
}

/* The checker is not a rubber stamp: a CSV cell that contradicts its type,
 * a code outside the enum, a repeated key or a header out of order fail it. */
static void test_checker_finds_faults(void **unused)
{
    (void)unused;
    if (!python3())
        skip();
    static const char *const faults[][2] = {
        {"targets.csv", "s/,growth,/,growht,/"},                         /* not in the enum */
        {"keywords.csv", "s/,乡村振兴,,2,/,乡村振兴,,two,/"},            /* not an integer */
        {"documents.csv", "s/2024-01-21/2024-02-30/"},                   /* not a date */
        {"targets.csv", "3s/^0042556206815997,1,/0042556206815997,0,/"}, /* key repeats */
        {"sections.csv", "1s/^doc_id,seq/seq,doc_id/"},                  /* header out of order */
    };
    for (size_t i = 0; i < sizeof faults / sizeof faults[0]; i++) {
        char *out = write_codes("{\"profile\":\"rfc4180\"}");
        char command[1024];
        snprintf(command, sizeof command, "sed -i '%s' '%s/%s'", faults[i][1], out, faults[i][0]);
        assert_int_equal(system(command), 0);
        int rc = run_checker(out, ">/dev/null");
        if (rc == 0)
            fail_msg("the checker passed %s after %s", faults[i][0], faults[i][1]);
        cleanup(out);
    }
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
        cmocka_unit_test(test_identity_columns_excel),
        cmocka_unit_test(test_identity_columns_rfc4180),
        cmocka_unit_test(test_identity_columns_option),
        cmocka_unit_test(test_identity_from_document_info),
        cmocka_unit_test(test_datapackage_excel),
        cmocka_unit_test(test_datapackage_rfc4180),
        cmocka_unit_test(test_across_tables_have_no_identity),
        cmocka_unit_test(test_checker_finds_faults),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
