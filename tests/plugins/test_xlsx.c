/* test_xlsx.c — the XLSX exporter, driven through the real host (harness.c).
 * Workbooks are checked by their XML parts (unzip -p), as Excel would read
 * them, plus openpyxl and LibreOffice when they are on the machine; the
 * sheets and charts of outcomes and the tables across reports too. */
#include "across_sample.h"
#include "harness.h"
#include "table.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- Helpers ------------------------------------------------------------ */

/* Output of a shell command, malloc'ed and NUL-terminated (NULL when empty). */
static char *command_output(const char *command)
{
    FILE *p = popen(command, "r");
    if (!p)
        return NULL;
    size_t size = 0, capacity = 1 << 16;
    char *buf = malloc(capacity);
    size_t n;
    while (buf && (n = fread(buf + size, 1, capacity - size - 1, p)) > 0) {
        size += n;
        if (capacity - size < 2) {
            char *bigger = realloc(buf, capacity * 2);
            if (!bigger) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = bigger;
            capacity *= 2;
        }
    }
    pclose(p);
    if (buf)
        buf[size] = '\0';
    if (buf && size == 0) {
        free(buf);
        buf = NULL;
    }
    return buf;
}

/* One part of the workbook's zip, or NULL when missing. */
static char *part(const char *xlsx, const char *member)
{
    char command[2048];
    snprintf(command, sizeof command, "unzip -p '%s' '%s' 2>/dev/null", xlsx, member);
    return command_output(command);
}

static char *sheet(const char *xlsx, int n)
{
    char member[64];
    snprintf(member, sizeof member, "xl/worksheets/sheet%d.xml", n);
    return part(xlsx, member);
}

/* The <c r="REF" ...>...</c> element of a cell, copied (NULL when absent). */
static char *cell_xml(const char *sheet_xml, const char *ref)
{
    char needle[32];
    snprintf(needle, sizeof needle, "<c r=\"%s\"", ref);
    const char *start = strstr(sheet_xml, needle);
    if (!start)
        return NULL;
    const char *open_end = strchr(start, '>');
    const char *end = open_end[-1] == '/' ? open_end + 1 : strstr(start, "</c>") + 4;
    return strndup(start, (size_t)(end - start));
}

/* Value of attribute name in an element's text, copied (NULL when absent). */
static char *attribute(const char *element, const char *name)
{
    char needle[64];
    snprintf(needle, sizeof needle, " %s=\"", name);
    const char *p = strstr(element, needle);
    if (!p)
        return NULL;
    p += strlen(needle);
    return strndup(p, strcspn(p, "\""));
}

/* Text between <v> and </v>, copied. */
static char *cell_value(const char *cell)
{
    const char *v = strstr(cell, "<v>");
    if (!v)
        return NULL;
    v += 3;
    return strndup(v, strcspn(v, "<"));
}

/* The index-th shared string (raw XML text), copied. */
static char *shared_string(const char *sst, long index)
{
    const char *p = sst;
    for (long i = 0; i <= index; i++) {
        p = strstr(p, "<si>");
        if (!p)
            return NULL;
        p += 4;
    }
    const char *t = strchr(strstr(p, "<t"), '>') + 1;
    return strndup(t, (size_t)(strstr(t, "</t>") - t));
}

/* The formatCode of the style a cell uses ("" for a built-in format). */
static char *cell_format(const char *xlsx, const char *cell)
{
    char *s = attribute(cell, "s");
    if (!s)
        return strdup("");
    char *styles = part(xlsx, "xl/styles.xml");
    assert_non_null(styles);
    const char *xf = strstr(styles, "<cellXfs");
    for (long i = 0; i <= atol(s); i++)
        xf = strstr(xf + 1, "<xf ");
    char *id = attribute(xf, "numFmtId");
    char needle[64];
    snprintf(needle, sizeof needle, "<numFmt numFmtId=\"%s\"", id);
    const char *fmt = strstr(styles, needle);
    char *code = fmt ? attribute(fmt, "formatCode") : strdup("");
    free(id);
    free(styles);
    free(s);
    return code;
}

static void assert_in_order(const char *text, const char *const *needles, size_t n)
{
    const char *p = text;
    for (size_t i = 0; i < n; i++) {
        const char *hit = strstr(p, needles[i]);
        if (!hit)
            fail_msg("'%s' missing or out of order", needles[i]);
        p = hit + strlen(needles[i]);
    }
}

static bool file_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* Writes the harness sample with options; returns the workbook's path. */
static char *write_sample(const char *options_json)
{
    char *dir = harness_tempdir();
    assert_non_null(dir);
    char *path = malloc(strlen(dir) + 16);
    sprintf(path, "%s/out.xlsx", dir);
    free(dir);
    bg_harness h;
    assert_int_equal(harness_load(&h, harness_plugin_path("xlsx"), path, options_json), 0);
    int rc = harness_write_sample(&h);
    if (rc)
        fail_msg("sample failed: %s", h.message);
    harness_free(&h);
    assert_true(file_exists(path));
    return path;
}

static void remove_workbook(char *path)
{
    unlink(path);
    char *slash = strrchr(path, '/');
    *slash = '\0';
    rmdir(path);
    free(path);
}

/* Fills row (schema's columns) with NULL and then name = value pairs. */
static void set_cell(const bg_table_schema *schema, bg_cell *row, const char *name, bg_cell value)
{
    int c = bg_column_index(schema, name);
    assert_true(c >= 0);
    row[c] = value;
}

static void null_row(const bg_table_schema *schema, bg_cell *row)
{
    for (size_t c = 0; c < schema->column_count; c++)
        row[c] = cell_null();
}

/* A run with only the documents table and one document titled title. */
static char *write_one_title(const char *title, const char *options_json)
{
    char *dir = harness_tempdir();
    char *path = malloc(strlen(dir) + 16);
    sprintf(path, "%s/out.xlsx", dir);
    free(dir);
    const bg_table_schema *schemas[1] = {bg_builtin_table(BG_TABLE_DOCUMENTS)};
    bg_harness h;
    assert_int_equal(harness_load(&h, harness_plugin_path("xlsx"), path, options_json), 0);
    assert_int_equal(harness_begin(&h, 1, schemas), 0);
    bg_cell row[64];
    null_row(schemas[0], row);
    set_cell(schemas[0], row, "doc_id", cell_text("00000000000000c3"));
    set_cell(schemas[0], row, "title", cell_text(title));
    set_cell(schemas[0], row, "region", cell_text("长沙市"));
    assert_int_equal(harness_row(&h, schemas[0], row), 0);
    int rc = harness_end(&h, 1, schemas, NULL, 1);
    if (rc)
        fail_msg("run failed: %s", h.message);
    harness_free(&h);
    return path;
}

/* ---- The sample workbook, written once ------------------------------------ */

static char *sample;

static int sample_setup(void **state)
{
    (void)state;
    sample = write_sample(NULL);
    return 0;
}

static int sample_teardown(void **state)
{
    (void)state;
    /* XLSX_TEST_KEEP=path keeps a copy of the sample to open by hand. */
    const char *keep = getenv("XLSX_TEST_KEEP");
    if (keep && *keep) {
        char command[2048];
        snprintf(command, sizeof command, "cp '%s' '%s'", sample, keep);
        if (system(command) != 0)
            print_error("could not keep the sample as %s\n", keep);
    }
    remove_workbook(sample);
    return 0;
}

static void test_sheet_order(void **state)
{
    (void)state;
    char *workbook = part(sample, "xl/workbook.xml");
    assert_non_null(workbook);
    const char *names[] = {"name=\"About\"",
                           "name=\"Targets matrix\"",
                           "name=\"GDP 2022\"",
                           "name=\"documents\"",
                           "name=\"targets\"",
                           "name=\"outcomes\"",
                           "name=\"commitments\"",
                           "name=\"list_items\"",
                           "name=\"sections\"",
                           "name=\"keywords\"",
                           "name=\"target_outcomes\"",
                           "name=\"escalation\"",
                           "name=\"escalation_summary\"",
                           "name=\"target_changes\""};
    assert_in_order(workbook, names, sizeof names / sizeof names[0]);
    free(workbook);
}

static void test_header_labels_and_comments(void **state)
{
    (void)state;
    char *sst = part(sample, "xl/sharedStrings.xml");
    assert_non_null(sst);
    assert_non_null(strstr(sst, "<t>地区</t>"));
    assert_non_null(strstr(sst, "<t>指标</t>"));
    assert_non_null(strstr(sst, "<t>文档编号</t>"));
    /* documents!A1 shows the Chinese label by default. */
    char *documents = sheet(sample, 4);
    char *a1 = cell_xml(documents, "A1");
    char *index = cell_value(a1);
    char *text = shared_string(sst, atol(index));
    assert_string_equal(text, "文档编号");
    /* The English side is in the header comments (the matrix's comments
     * come first). */
    char *comments = part(sample, "xl/comments2.xml");
    assert_non_null(comments);
    assert_non_null(strstr(comments, "region_code: six-digit GB/T 2260 code"));
    free(comments);
    free(text);
    free(index);
    free(a1);
    free(documents);
    free(sst);
}

static void test_date_cell_is_a_date(void **state)
{
    (void)state;
    char *documents = sheet(sample, 4);
    char *k2 = cell_xml(documents, "K2"); /* report_date of the first document */
    assert_non_null(k2);
    char *type = attribute(k2, "t");
    assert_null(type); /* a number, not a string */
    char *value = cell_value(k2);
    assert_string_equal(value, "44559"); /* 2021-12-29 */
    char *format = cell_format(sample, k2);
    assert_non_null(strstr(format, "yyyy-mm-dd"));
    free(format);
    free(value);
    free(k2);
    free(documents);
}

static void test_codes_and_formula_like_text_are_strings(void **state)
{
    (void)state;
    char *documents = sheet(sample, 4);
    char *sst = part(sample, "xl/sharedStrings.xml");
    char *e2 = cell_xml(documents, "E2"); /* region_code 430203 */
    char *type = attribute(e2, "t");
    assert_string_equal(type, "s");
    char *index = cell_value(e2);
    char *text = shared_string(sst, atol(index));
    assert_string_equal(text, "430203");
    char *format = cell_format(sample, e2);
    assert_string_equal(format, "@");
    char *c3 = cell_xml(documents, "C3"); /* title "=cmd|' /C calc'!A0" */
    char *c3_type = attribute(c3, "t");
    assert_string_equal(c3_type, "s");
    assert_null(strstr(documents, "<f>"));
    char *c3_index = cell_value(c3);
    char *title = shared_string(sst, atol(c3_index));
    assert_string_equal(title, "=cmd|' /C calc'!A0");
    free(title);
    free(c3_index);
    free(c3_type);
    free(c3);
    free(format);
    free(text);
    free(index);
    free(type);
    free(e2);
    free(sst);
    free(documents);
}

static void test_targets_sheet_frame(void **state)
{
    (void)state;
    char *targets = sheet(sample, 5);
    assert_non_null(targets);
    /* the header row and the two identity columns that name the region stay in view */
    assert_non_null(strstr(targets, "<pane xSplit=\"2\" ySplit=\"1\" topLeftCell=\"C2\" activePane=\"bottomRight\" "
                                    "state=\"frozen\"/>"));
    /* 5 identity columns (the table's own plan_year among them) + 17 */
    assert_non_null(strstr(targets, "<autoFilter ref=\"A1:V5\"/>"));
    assert_non_null(strstr(targets, "<ignoredErrors><ignoredError sqref=\"C1:C5 F1:F5\" numberStoredAsText=\"1\"/>"));
    /* Widths from content: the sentence column (R) fits its longest value,
     * 居民收入增长与经济增长同步, 13 CJK characters counted double, plus one. */
    assert_non_null(strstr(targets, "<col min=\"18\" max=\"18\" width=\"27.7109375\""));
    /* print setup: landscape A4, one page wide */
    assert_non_null(strstr(targets, "<pageSetup paperSize=\"9\" fitToHeight=\"0\" orientation=\"landscape\"/>"));
    assert_non_null(strstr(targets, "<pageSetUpPr fitToPage=\"1\"/>"));
    free(targets);
    char *workbook = part(sample, "xl/workbook.xml");
    assert_non_null(strstr(workbook, "<definedName name=\"_xlnm.Print_Titles\" localSheetId=\"4\">targets!$A:$B,targets!$1:$1</definedName>"));
    free(workbook);
}

static void test_percent_values_use_a_number_format(void **state)
{
    (void)state;
    char *targets = sheet(sample, 5);
    char *k2 = cell_xml(targets, "K2"); /* gdp 8.5 % */
    char *value = cell_value(k2);
    /* an Excel percentage: the double nearest 0.085, as libxlsxwriter prints it */
    assert_string_equal(value, "0.08500000000000001");
    char *format = cell_format(sample, k2);
    assert_string_equal(format, "0.0##%");
    char *k4 = cell_xml(targets, "K4"); /* -4.2 % */
    char *v4 = cell_value(k4);
    assert_string_equal(v4, "-0.042");
    /* A non-percent value (110 亿元) in commitments keeps the General format,
     * and its 11,000,000,000 base value gets thousands separators. */
    char *commitments = sheet(sample, 7); /* after outcomes */
    char *l2 = cell_xml(commitments, "L2");
    char *l2_value = cell_value(l2);
    assert_string_equal(l2_value, "110");
    char *plain = cell_format(sample, l2);
    assert_string_equal(plain, "");
    char *o2 = cell_xml(commitments, "O2");
    char *big = cell_format(sample, o2);
    assert_string_equal(big, "#,##0");
    free(big);
    free(o2);
    free(plain);
    free(l2_value);
    free(l2);
    free(commitments);
    free(v4);
    free(k4);
    free(format);
    free(value);
    free(k2);
    free(targets);
}

static void test_properties(void **state)
{
    (void)state;
    char *core = part(sample, "docProps/core.xml");
    assert_non_null(core);
    assert_non_null(strstr(core, "<dc:creator>baogao</dc:creator>"));
    assert_non_null(strstr(core, "<dc:title>testjob"));
    assert_non_null(strstr(core, "<dcterms:created xsi:type=\"dcterms:W3CDTF\">2022-12-31T00:00:01Z"));
    free(core);
}

static void test_about_sheet(void **state)
{
    (void)state;
    char *sst = part(sample, "xl/sharedStrings.xml");
    const char *in_order[] = {"政府工作报告数据",
                              "testjob",
                              "20221231T000000-1",
                              "各表行数 Rows per table",
                              "目标矩阵 Targets matrix",
                              "字段说明 Glossary",
                              "region as the report names it",
                              "policy-term frequencies"};
    for (size_t i = 0; i < sizeof in_order / sizeof in_order[0]; i++)
        if (!strstr(sst, in_order[i]))
            fail_msg("About sheet lacks '%s'", in_order[i]);
    char *about = sheet(sample, 1);
    /* Started 2022-12-31 00:00:00 UTC as an Excel date-time (local time). */
    char *b5 = cell_xml(about, "B5");
    char *format = cell_format(sample, b5);
    assert_string_equal(format, "yyyy-mm-dd hh:mm:ss");
    free(format);
    free(b5);
    free(about);
    free(sst);
}

/* The shared string a cell of a sheet holds. */
static char *string_at(const char *xlsx, const char *sheet_xml, const char *ref)
{
    char *sst = part(xlsx, "xl/sharedStrings.xml");
    char *cell = cell_xml(sheet_xml, ref);
    assert_non_null(cell);
    char *index = cell_value(cell);
    char *text = shared_string(sst, atol(index));
    free(index);
    free(cell);
    free(sst);
    return text;
}

static void assert_string_cell(const char *xlsx, const char *sheet_xml, const char *ref, const char *want)
{
    char *text = string_at(xlsx, sheet_xml, ref);
    if (strcmp(text, want) != 0)
        fail_msg("%s is '%s', want '%s'", ref, text, want);
    free(text);
}

static void assert_number_cell(const char *xlsx, const char *sheet_xml, const char *ref, const char *want,
                               const char *want_format)
{
    char *cell = cell_xml(sheet_xml, ref);
    assert_non_null(cell);
    char *value = cell_value(cell);
    char *format = cell_format(xlsx, cell);
    if (strcmp(value, want) != 0 || strcmp(format, want_format) != 0)
        fail_msg("%s is %s as '%s', want %s as '%s'", ref, value, format, want, want_format);
    free(format);
    free(value);
    free(cell);
}

static void test_matrix_and_chart(void **state)
{
    (void)state;
    char *matrix = sheet(sample, 2);
    assert_non_null(matrix);
    /* Identity first, sorted by region code: 430203 before 430723. */
    assert_string_cell(sample, matrix, "A1", "省份");
    assert_string_cell(sample, matrix, "F1", "地区生产总值");
    assert_string_cell(sample, matrix, "A2", "湖南省");
    assert_string_cell(sample, matrix, "B2", "株洲市芦淞区");
    assert_string_cell(sample, matrix, "C2", "430203");
    assert_string_cell(sample, matrix, "D2", "区");
    assert_string_cell(sample, matrix, "D3", "县");
    /* One cell per indicator: a number whose format shows the qualifier. */
    assert_number_cell(sample, matrix, "F2", "0.08500000000000001", "&quot;≥&quot;0.0%");
    /* A decline, without the wording as written: 下降 and the qualifier's words. */
    assert_number_cell(sample, matrix, "F3", "-0.042", "&quot;≥&quot;0.0%;&quot;下降&quot;0.0%&quot;以上&quot;");
    /* A relation is words. */
    assert_string_cell(sample, matrix, "G2", "与经济增长同步");
    assert_string_cell(sample, matrix, "I2", "00000000000000a1");
    assert_non_null(strstr(matrix, "<autoFilter ref=\"A1:I3\"/>"));
    assert_non_null(strstr(matrix, "<pane xSplit=\"5\" ySplit=\"1\" topLeftCell=\"F2\""));
    char *workbook = part(sample, "xl/workbook.xml");
    assert_non_null(strstr(workbook, "'Targets matrix'!$A:$E,'Targets matrix'!$1:$1"));
    free(workbook);
    /* The GDP chart: its own sheet, one bar per region of the latest year. */
    char *gdp = sheet(sample, 3);
    assert_string_cell(sample, gdp, "B3", "澧县");
    assert_number_cell(sample, gdp, "E2", "0.08500000000000001", "&quot;≥&quot;0.0%");
    char *chart = part(sample, "xl/charts/chart1.xml");
    assert_non_null(chart);
    assert_non_null(strstr(chart, "<c:barDir val=\"bar\"/>"));
    assert_non_null(strstr(chart, "2022年地区生产总值增长目标"));
    /* First region on top: the category axis runs max to min. */
    const char *category_axis = strstr(chart, "<c:catAx>");
    assert_non_null(category_axis);
    assert_memory_equal(strstr(category_axis, "<c:orientation"), "<c:orientation val=\"maxMin\"/>", 29);
    assert_non_null(strstr(chart, "<c:f>'GDP 2022'!$E$2:$E$3</c:f>"));
    assert_non_null(strstr(chart, "<c:f>'GDP 2022'!$B$2:$B$3</c:f>"));
    /* a decline among the bars: the axis may not start at 0 */
    assert_null(strstr(chart, "<c:min val=\"0\"/>"));
    free(chart);
    free(gdp);
    free(matrix);
}

/* ---- Options ------------------------------------------------------------- */

static char *header_of(const char *xlsx, int sheet_number, const char *ref)
{
    char *xml = sheet(xlsx, sheet_number);
    char *sst = part(xlsx, "xl/sharedStrings.xml");
    char *cell = cell_xml(xml, ref);
    char *index = cell_value(cell);
    char *text = shared_string(sst, atol(index));
    free(index);
    free(cell);
    free(sst);
    free(xml);
    return text;
}

static void test_header_option(void **state)
{
    (void)state;
    char *path = write_sample("{\"header\": \"name\"}");
    char *text = header_of(path, 4, "E1");
    assert_string_equal(text, "region_code");
    free(text);
    remove_workbook(path);

    path = write_sample("{\"header\": \"both\"}");
    text = header_of(path, 4, "E1");
    assert_string_equal(text, "行政区划代码\nregion_code");
    free(text);
    char *documents = sheet(path, 4);
    assert_non_null(strstr(documents, "<row r=\"1\" spans=\"1:21\" ht=\"30\" customHeight=\"1\">"));
    free(documents);
    remove_workbook(path);
}

static void test_matrix_off(void **state)
{
    (void)state;
    char *path = write_sample("{\"matrix\": false}");
    char *workbook = part(path, "xl/workbook.xml");
    assert_null(strstr(workbook, "Targets matrix"));
    char *chart = part(path, "xl/charts/chart1.xml");
    assert_null(chart);
    free(workbook);
    remove_workbook(path);
}

static void test_max_column_width(void **state)
{
    (void)state;
    char *path = write_sample("{\"max_column_width\": 20}");
    char *targets = sheet(path, 5);
    /* The sentence column would be 27 wide; it is capped at 20. */
    assert_non_null(strstr(targets, "<col min=\"18\" max=\"18\" width=\"20.7109375\""));
    free(targets);
    remove_workbook(path);
}

static void test_bad_max_column_width_is_refused(void **state)
{
    (void)state;
    char *dir = harness_tempdir();
    char path[256];
    snprintf(path, sizeof path, "%s/out.xlsx", dir);
    bg_harness h;
    /* the host refuses it from the plugin's declared bounds, before open */
    assert_int_equal(harness_load(&h, harness_plugin_path("xlsx"), path, "{\"max_column_width\": 1}"), 1);
    assert_string_equal(h.message, "options.max_column_width: expected a value from 5 to 255, got 1");
    harness_free(&h);
    rmdir(dir);
    free(dir);
}

/* ---- Text cleaning and limits --------------------------------------------- */

static void test_invalid_xml_characters_removed(void **state)
{
    (void)state;
    char *path = write_one_title("a\x01"
                                 "b\xEF\xBF\xBE"
                                 "c\xEF\xBF\xBF\td",
                                 NULL);
    char *sst = part(path, "xl/sharedStrings.xml");
    assert_non_null(strstr(sst, "<t>abc\td</t>"));
    assert_null(strstr(sst, "\x01"));
    assert_null(strstr(sst, "\xEF\xBF\xBE"));
    free(sst);
    remove_workbook(path);
}

/* Bytes of the title cell's string (documents!C2). */
static size_t stored_title_length(const char *path)
{
    char *text = header_of(path, 2, "C2");
    size_t n = strlen(text);
    free(text);
    return n;
}

static void test_long_string_cut(void **state)
{
    (void)state;
    /* "a" then 40,000 汉: cut to 32,767 characters, on a character boundary. */
    size_t n = 40000;
    char *title = malloc(1 + 3 * n + 1);
    title[0] = 'a';
    for (size_t i = 0; i < n; i++)
        memcpy(title + 1 + 3 * i, "汉", 3);
    title[1 + 3 * n] = '\0';
    char *path = write_one_title(title, NULL);
    assert_int_equal(stored_title_length(path), 1 + 3 * 32766);
    char *documents = sheet(path, 2);
    /* The title column is as wide as the cap allows. */
    assert_non_null(strstr(documents, "<col min=\"3\" max=\"3\" width=\"60.7109375\""));
    free(documents);
    remove_workbook(path);

    /* Characters outside the BMP are two UTF-16 units in Excel's count. */
    for (size_t i = 0; i < 20000; i++)
        memcpy(title + 4 * i, "\xF0\x9F\x98\x80", 4); /* U+1F600 */
    title[4 * 20000] = '\0';
    path = write_one_title(title, NULL);
    assert_int_equal(stored_title_length(path), 4 * 16383);
    remove_workbook(path);
    free(title);
}

static void test_sheet_names_are_unique_and_short(void **state)
{
    (void)state;
    static const bg_column columns[] = {{"id", BG_TYPE_TEXT, NULL, NULL, BG_COLUMN_CODE}};
    const bg_table_schema about = {
        sizeof about, BG_EXPORTER_ABI_MAJOR, BG_EXPORTER_ABI_MINOR, 0, "about", NULL, NULL, 1, columns, NULL, 0};
    const bg_table_schema long_name = {sizeof long_name,
                                       BG_EXPORTER_ABI_MAJOR,
                                       BG_EXPORTER_ABI_MINOR,
                                       1,
                                       "a_table_name_longer_than_thirty_one_characters",
                                       NULL,
                                       NULL,
                                       1,
                                       columns,
                                       NULL,
                                       0};
    const bg_table_schema *schemas[2] = {&about, &long_name};
    char *dir = harness_tempdir();
    char *path = malloc(strlen(dir) + 16);
    sprintf(path, "%s/out.xlsx", dir);
    free(dir);
    bg_harness h;
    assert_int_equal(harness_load(&h, harness_plugin_path("xlsx"), path, NULL), 0);
    assert_int_equal(harness_begin(&h, 2, schemas), 0);
    bg_cell row[1] = {cell_text("007")};
    assert_int_equal(harness_row(&h, &about, row), 0);
    assert_int_equal(harness_end(&h, 2, schemas, NULL, 1), 0);
    harness_free(&h);
    char *workbook = part(path, "xl/workbook.xml");
    /* Excel compares names case-insensitively: the table "about" yields to About. */
    const char *names[] = {"name=\"About\"", "name=\"about (2)\"", "name=\"a_table_name_longer_than_thirty\""};
    assert_in_order(workbook, names, 3);
    assert_null(strstr(workbook, "Targets matrix")); /* no targets table */
    free(workbook);
    remove_workbook(path);
}

/* ---- Failure paths --------------------------------------------------------- */

static void test_abort_leaves_no_file(void **state)
{
    (void)state;
    char *dir = harness_tempdir();
    char path[256];
    snprintf(path, sizeof path, "%s/out.xlsx", dir);
    const bg_table_schema *schemas[1] = {bg_builtin_table(BG_TABLE_DOCUMENTS)};
    bg_harness h;
    assert_int_equal(harness_load(&h, harness_plugin_path("xlsx"), path, NULL), 0);
    assert_int_equal(harness_begin(&h, 1, schemas), 0);
    assert_int_equal(harness_end(&h, 1, schemas, NULL, 0), 0);
    harness_free(&h);
    assert_false(file_exists(path));
    assert_int_equal(rmdir(dir), 0); /* empty: no temporary left behind */
    free(dir);
}

static void test_unwritable_output_fails_naming_the_file(void **state)
{
    (void)state;
    char *dir = harness_tempdir();
    char path[256];
    snprintf(path, sizeof path, "%s/out.xlsx", dir);
    const bg_table_schema *schemas[1] = {bg_builtin_table(BG_TABLE_DOCUMENTS)};
    bg_harness h;
    assert_int_equal(harness_load(&h, harness_plugin_path("xlsx"), path, NULL), 0);
    assert_int_equal(harness_begin(&h, 1, schemas), 0);
    /* The folder vanishes before close: the workbook cannot be created
     * (even for root, unlike a read-only folder). */
    char command[512];
    snprintf(command, sizeof command, "rm -rf '%s'", dir);
    assert_int_equal(system(command), 0);
    int rc = harness_end(&h, 1, schemas, NULL, 1);
    assert_int_equal(rc, BG_ERR_IO);
    assert_non_null(strstr(h.message, dir));
    assert_non_null(strstr(h.message, "out.xlsx"));
    harness_free(&h);
    free(dir);
}

/* ---- Big tables: constant_memory and the second sheet ---------------------- */

static void test_table_over_row_limit_continues_on_second_sheet(void **state)
{
    (void)state;
    char *dir = harness_tempdir();
    char *path = malloc(strlen(dir) + 16);
    sprintf(path, "%s/out.xlsx", dir);
    free(dir);
    const bg_table_schema *schemas[1] = {bg_builtin_table(BG_TABLE_KEYWORDS)};
    bg_harness h;
    assert_int_equal(harness_load(&h, harness_plugin_path("xlsx"), path, NULL), 0);
    assert_int_equal(harness_begin(&h, 1, schemas), 0);
    const size_t rows = 1048575 + 5;
    for (size_t i = 0; i < rows; i++) {
        bg_cell row[5] = {cell_text("00000000000000a1"), cell_text(i % 2 ? "新质生产力" : "高质量发展"),
                          cell_text("发展理念"), cell_int((int64_t)i), cell_real(1.5)};
        if (harness_row(&h, schemas[0], row))
            fail_msg("row %zu: %s", i, h.message);
    }
    int rc = harness_end(&h, 1, schemas, NULL, 1);
    if (rc)
        fail_msg("run failed: %s", h.message);
    harness_free(&h);

    char *workbook = part(path, "xl/workbook.xml");
    const char *names[] = {"name=\"About\"", "name=\"keywords\"", "name=\"keywords (2)\""};
    assert_in_order(workbook, names, 3);
    assert_null(strstr(workbook, "Targets matrix")); /* no targets table, no matrix */
    free(workbook);
    char command[1024];
    snprintf(command, sizeof command, "unzip -p '%s' xl/worksheets/sheet2.xml | head -c 4000", path);
    char *head = command_output(command);
    assert_non_null(strstr(head, "<dimension ref=\"A1:J1048576\"/>"));
    assert_non_null(strstr(head, "t=\"inlineStr\"")); /* constant_memory mode */
    free(head);
    snprintf(command, sizeof command, "unzip -p '%s' xl/worksheets/sheet2.xml | tail -c 2000", path);
    char *tail = command_output(command);
    assert_non_null(strstr(tail, "<row r=\"1048576\""));
    assert_non_null(strstr(tail, "<autoFilter ref=\"A1:J1048576\"/>"));
    assert_non_null(strstr(tail, "<legacyDrawing r:id=")); /* header comments */
    free(tail);
    char *second = sheet(path, 3);
    assert_non_null(strstr(second, "<dimension ref=\"A1:J6\"/>"));
    assert_non_null(strstr(second, "<autoFilter ref=\"A1:J6\"/>"));
    char *d6 = cell_xml(second, "I6"); /* the last row: count = rows - 1 */
    char *value = cell_value(d6);
    assert_string_equal(value, "1048579");
    /* Header comments work in constant_memory mode too (row 1 is written first). */
    char *comments = part(path, "xl/comments2.xml");
    assert_non_null(comments);
    free(comments);
    free(value);
    free(d6);
    free(second);
    remove_workbook(path);
}

/* ---- The analyst's workbook: every case the matrix sheets show ------------- */

typedef struct analyst_doc {
    const char *doc_id, *province, *region, *code, *level, *doc_type;
    int year;
} analyst_doc;

typedef struct analyst_target {
    int doc;
    const char *indicator, *label, *kind;
    double value, value_max; /* NAN: none */
    const char *unit, *qualifier, *qualifier_text, *written, *reference, *direction;
} analyst_target;

static void analyst_row(bg_harness *h, const bg_table_schema *schema, const analyst_target *t, const analyst_doc *d,
                        int seq)
{
    bg_cell row[64];
    null_row(schema, row);
    set_cell(schema, row, "doc_id", cell_text(d->doc_id));
    set_cell(schema, row, "seq", cell_int(seq));
    set_cell(schema, row, "plan_year", cell_int(d->year));
    set_cell(schema, row, "indicator", cell_text(t->indicator));
    set_cell(schema, row, "indicator_label", cell_text(t->label));
    set_cell(schema, row, "indicator_text", cell_text(t->label));
    set_cell(schema, row, "kind", cell_text(t->kind));
    if (!isnan(t->value))
        set_cell(schema, row, "value", cell_real(t->value));
    if (!isnan(t->value_max))
        set_cell(schema, row, "value_max", cell_real(t->value_max));
    if (t->unit)
        set_cell(schema, row, "unit", cell_text(t->unit));
    if (t->qualifier)
        set_cell(schema, row, "qualifier", cell_text(t->qualifier));
    if (t->qualifier_text)
        set_cell(schema, row, "qualifier_text", cell_text(t->qualifier_text));
    if (t->written)
        set_cell(schema, row, "value_text", cell_text(t->written));
    if (t->reference)
        set_cell(schema, row, "reference", cell_text(t->reference));
    if (t->direction)
        set_cell(schema, row, "direction", cell_text(t->direction));
    set_cell(schema, row, "sentence", cell_text("（原句）"));
    if (harness_row(h, schema, row))
        fail_msg("target row: %s", h->message);
}

/* Six documents of two plan years: a national report, two regions with a
 * report each year, a newspaper interpretation; growth, rate levels, a
 * relation, a range, a decline as written, an absent target; and a custom
 * table with labelled columns. */
static char *write_analyst_workbook(const char *options_json)
{
    static const analyst_doc docs[] = {
        {"00000000000000d1", "湖南省", "株洲市芦淞区", "430203", "district", "work_report", 2022},
        {"00000000000000d2", "湖南省", "澧县", "430723", "county", "work_report", 2022},
        {"00000000000000d3", "湖南省", "株洲市芦淞区", "430203", "district", "work_report", 2023},
        {"00000000000000d4", "湖南省", "澧县", "430723", "county", "work_report", 2023},
        {"00000000000000d5", "湖南省", "株洲市", "430200", "city", "interpretation", 2023},
        {"00000000000000d6", NULL, "全国", "100000", "national", "work_report", 2023},
    };
    static const analyst_target targets[] = {
        {0, "gdp", "地区生产总值", "growth", 8.5, NAN, "%", "at_least", "以上", "增长8.5%以上", NULL, "rise"},
        {0, "cpi", "居民消费价格", "level", 3, NAN, "%", "about", "左右", "涨幅3%左右", NULL, NULL},
        {0, "urban_unemployment_rate", "城镇调查失业率", "level", 5.5, NAN, "%", "at_most", "以内",
         "控制在5.5%以内", NULL, NULL},
        {0, "resident_income", "居民人均可支配收入", "relation", NAN, NAN, NULL, "in_line", "同步", NULL, "经济增长",
         NULL},
        {1, "gdp", "地区生产总值", "growth", 7, 7.5, "%", "range", NULL, "增长7%-7.5%", NULL, "rise"},
        {1, "energy_intensity", "单位地区生产总值能耗", "growth", -3, NAN, "%", "at_most", "以上", "下降3%以上", NULL,
         "fall"},
        {2, "gdp", "地区生产总值", "growth", 6, NAN, "%", "about", "左右", "增长6%左右", NULL, "rise"},
        {3, "gdp", "地区生产总值", "absent", NAN, NAN, NULL, NULL, NULL, NULL, NULL, NULL},
        {4, "gdp", "地区生产总值", "growth", 7, NAN, "%", "about", "左右", "增长7%左右", NULL, "rise"},
        {5, "gdp", "地区生产总值", "growth", 5, NAN, "%", "about", "左右", "增长5%左右", NULL, "rise"},
    };
    static const bg_column port_columns[] = {
        {"doc_id", BG_TYPE_TEXT, "文档编号", "document id", BG_COLUMN_KEY | BG_COLUMN_CODE},
        {"seq", BG_TYPE_INTEGER, "序号", NULL, BG_COLUMN_KEY},
        {"tons", BG_TYPE_REAL, "吞吐量（万吨）", "throughput", 0},
    };
    const bg_table_schema ports = {sizeof ports, BG_EXPORTER_ABI_MAJOR, BG_EXPORTER_ABI_MINOR, 2, "ports", "港口",
                                   "custom rule", 3, port_columns, NULL, 0};
    const bg_table_schema *schemas[3] = {bg_builtin_table(BG_TABLE_DOCUMENTS), bg_builtin_table(BG_TABLE_TARGETS),
                                         &ports};
    char *dir = harness_tempdir();
    char *path = malloc(strlen(dir) + 16);
    sprintf(path, "%s/out.xlsx", dir);
    free(dir);
    bg_harness h;
    assert_int_equal(harness_load(&h, harness_plugin_path("xlsx"), path, options_json), 0);
    assert_int_equal(harness_begin(&h, 3, schemas), 0);
    for (size_t d = 0; d < sizeof docs / sizeof docs[0]; d++) {
        const analyst_doc *doc = &docs[d];
        bg_document_info info = {.struct_size = sizeof info,
                                 .abi_major = BG_EXPORTER_ABI_MAJOR,
                                 .abi_minor = BG_EXPORTER_ABI_MINOR,
                                 .doc_id = doc->doc_id,
                                 .source = "r.txt",
                                 .content_hash = "0123456789abcdef",
                                 .province = doc->province,
                                 .region = doc->region,
                                 .region_code = doc->code,
                                 .level = doc->level,
                                 .plan_year = doc->year,
                                 .doc_type = doc->doc_type};
        assert_int_equal(harness_document_info(&h, &info), 0);
        bg_cell row[64];
        null_row(schemas[0], row);
        set_cell(schemas[0], row, "doc_id", cell_text(doc->doc_id));
        set_cell(schemas[0], row, "province", doc->province ? cell_text(doc->province) : cell_null());
        set_cell(schemas[0], row, "region", cell_text(doc->region));
        set_cell(schemas[0], row, "region_code", cell_text(doc->code));
        set_cell(schemas[0], row, "level", cell_text(doc->level));
        set_cell(schemas[0], row, "doc_type", cell_text(doc->doc_type));
        set_cell(schemas[0], row, "plan_year", cell_int(doc->year));
        assert_int_equal(harness_row(&h, schemas[0], row), 0);
        int seq = 1;
        for (size_t t = 0; t < sizeof targets / sizeof targets[0]; t++)
            if (targets[t].doc == (int)d)
                analyst_row(&h, schemas[1], &targets[t], doc, seq++);
        if (d == 0) {
            bg_cell port[3] = {cell_text(doc->doc_id), cell_int(1), cell_real(150.5)};
            assert_int_equal(harness_row(&h, &ports, port), 0);
        }
    }
    int rc = harness_end(&h, 3, schemas, NULL, 1);
    if (rc)
        fail_msg("run failed: %s", h.message);
    harness_free(&h);
    return path;
}

static const char *python_with_openpyxl(void);

static void run_check(const char *mode, const char *path)
{
    const char *python = python_with_openpyxl();
    if (!python)
        skip();
    char command[2048];
    snprintf(command, sizeof command, "%s '%s/tests/plugins/xlsx_check.py' %s '%s'", python, BG_TEST_SOURCE_DIR, mode,
             path);
    assert_int_equal(system(command), 0);
}

/* The matrix as a paper table, the GDP chart sheet, the panel, identity
 * columns, Excel percentages, value labels, print setup: read back with
 * openpyxl (tests/plugins/xlsx_check.py analyst). */
static void test_analyst_workbook(void **state)
{
    (void)state;
    char *path = write_analyst_workbook(NULL);
    run_check("analyst", path);
    char *chart = part(path, "xl/charts/chart1.xml");
    assert_non_null(chart);
    assert_non_null(strstr(chart, "2023年地区生产总值增长目标"));
    assert_non_null(strstr(chart, "<c:min val=\"0\"/>")); /* bars from 0 */
    assert_non_null(strstr(chart, "<c:f>'GDP 2023'!$E$2:$E$3</c:f>")); /* the national report and 芦淞区 */
    free(chart);
    remove_workbook(path);
}

/* ---- Outcomes and the tables across reports -------------------------------- */

/* The five new sheets in table order, the tables across reports without the
 * identity block (their header is their schema's labels), each new sheet
 * with its chart right of the data, reading a range of its own that holds
 * only the rows with the values it draws (xlsx_check.py across). */
static void test_across_sheets_and_charts(void **state)
{
    (void)state;
    char *dir = harness_tempdir();
    char *path = malloc(strlen(dir) + 16), *headers = malloc(strlen(dir) + 16);
    sprintf(path, "%s/out.xlsx", dir);
    sprintf(headers, "%s/headers.json", dir);
    free(dir);
    bg_harness h;
    assert_int_equal(harness_load(&h, harness_plugin_path("xlsx"), path, NULL), 0);
    if (across_write(&h, "20221231T000000-1", 3u, 0) != 0)
        fail_msg("across sample: %s", h.message);
    harness_free(&h);
    FILE *out = fopen(headers, "w");
    assert_non_null(out);
    fputs("{", out);
    for (size_t t = 0, n = 0; t < BG_BUILTIN_TABLE_COUNT; t++) {
        const bg_table_schema *schema = bg_builtin_table(t);
        if (!(schema->flags & BG_TABLE_ACROSS))
            continue;
        fprintf(out, "%s\"%s\": [", n++ ? ", " : "", schema->name);
        for (size_t c = 0; c < schema->column_count; c++)
            fprintf(out, "%s\"%s\"", c ? ", " : "",
                    schema->columns[c].label ? schema->columns[c].label : schema->columns[c].name);
        fputs("]", out);
    }
    fputs("}\n", out);
    assert_int_equal(fclose(out), 0);
    const char *python = python_with_openpyxl();
    if (python) {
        char command[4096];
        snprintf(command, sizeof command, "%s '%s/tests/plugins/xlsx_check.py' across '%s' '%s'", python,
                 BG_TEST_SOURCE_DIR, path, headers);
        assert_int_equal(system(command), 0);
    }
    /* without openpyxl, the chart parts at least: one per new sheet, and the GDP chart */
    for (int n = 1; n <= 6; n++) {
        char member[64];
        snprintf(member, sizeof member, "xl/charts/chart%d.xml", n);
        char *chart = part(path, member);
        assert_non_null(chart);
        free(chart);
    }
    char *seventh = part(path, "xl/charts/chart7.xml");
    assert_null(seventh);
    unlink(headers);
    free(headers);
    remove_workbook(path);
    if (!python)
        skip();
}

/* A chart keeps at most XLSX_CHART_POINTS_MAX points (4000): its range stops
 * there, the sheet keeps every row. */
static void test_chart_range_is_capped(void **state)
{
    (void)state;
    char *dir = harness_tempdir();
    char *path = malloc(strlen(dir) + 16);
    sprintf(path, "%s/out.xlsx", dir);
    free(dir);
    const bg_table_schema *schema = bg_builtin_table(BG_TABLE_ESCALATION);
    const bg_table_schema *schemas[1] = {schema};
    bg_harness h;
    assert_int_equal(harness_load(&h, harness_plugin_path("xlsx"), path, NULL), 0);
    assert_int_equal(harness_begin(&h, 1, schemas), 0);
    bg_cell row[64];
    for (int i = 0; i < 4100; i++) {
        null_row(schema, row);
        set_cell(schema, row, "doc_id", cell_text("00000000000000a1"));
        set_cell(schema, row, "seq", cell_int(i));
        set_cell(schema, row, "unit", cell_text("%"));
        set_cell(schema, row, "value", cell_real(6 + i % 7 * 0.5));
        set_cell(schema, row, "parent_value", cell_real(6));
        assert_int_equal(harness_row(&h, schema, row), 0);
    }
    if (harness_end(&h, 1, schemas, NULL, 1) != 0)
        fail_msg("run failed: %s", h.message);
    harness_free(&h);
    char *chart = part(path, "xl/charts/chart1.xml");
    assert_non_null(chart);
    /* the range right of escalation's 24 columns and a blank one: Z and AA */
    assert_non_null(strstr(chart, "<c:f>escalation!$Z$2:$Z$4001</c:f>"));
    assert_non_null(strstr(chart, "<c:f>escalation!$AA$2:$AA$4001</c:f>"));
    free(chart);
    char *sheet_xml = sheet(path, 2);
    assert_non_null(sheet_xml);
    assert_non_null(strstr(sheet_xml, "<c r=\"V4101\"")); /* every row on the sheet (doc_id) */
    assert_null(strstr(sheet_xml, "<c r=\"Z4002\""));     /* the range stops at 4000 */
    assert_non_null(strstr(sheet_xml, "<c r=\"Z4001\""));
    free(sheet_xml);
    remove_workbook(path);
}

static void test_interpretations_omitted(void **state)
{
    (void)state;
    char *path = write_analyst_workbook("{\"interpretations\": \"omit\", \"panels\": false}");
    run_check("omit", path);
    remove_workbook(path);
}

/* ---- Other readers --------------------------------------------------------- */

static const char *python_with_openpyxl(void)
{
    if (system("python3 -c 'import openpyxl' >/dev/null 2>&1") == 0)
        return "python3";
    if (system("/usr/bin/python3 -c 'import openpyxl' >/dev/null 2>&1") == 0)
        return "/usr/bin/python3";
    return NULL;
}

static void test_openpyxl_reads_it(void **state)
{
    (void)state;
    const char *python = python_with_openpyxl();
    if (!python)
        skip();
    char command[2048];
    snprintf(command, sizeof command, "%s '%s/tests/plugins/xlsx_check.py' sample '%s'", python, BG_TEST_SOURCE_DIR,
             sample);
    assert_int_equal(system(command), 0);
}

/* LibreOffice (when installed; CI installs it) prints the workbooks: the
 * sample, and the analyst workbook, whose printed text must show the
 * qualifiers and declines as the number formats say (≥8.5%, 下降3%以上,
 * 7–7.5%, 未设定), the matrix one page wide. */
static void test_libreoffice_renders_it(void **state)
{
    (void)state;
    if (system("command -v libreoffice >/dev/null 2>&1") != 0)
        skip();
    char *dir = harness_tempdir();
    char command[4096];
    snprintf(command, sizeof command, "libreoffice --headless --convert-to pdf --outdir '%s' '%s' >/dev/null 2>&1", dir,
             sample);
    assert_int_equal(system(command), 0);
    char pdf[512];
    snprintf(pdf, sizeof pdf, "%s/out.pdf", dir);
    struct stat st;
    assert_int_equal(stat(pdf, &st), 0);
    assert_true(st.st_size > 1000);
    unlink(pdf);

    char *analyst = write_analyst_workbook(NULL);
    snprintf(command, sizeof command, "libreoffice --headless --convert-to pdf --outdir '%s' '%s' >/dev/null 2>&1", dir,
             analyst);
    assert_int_equal(system(command), 0);
    if (system("command -v pdftotext >/dev/null 2>&1") == 0) {
        /* page 2 is the matrix (About fits on one page) */
        snprintf(command, sizeof command, "pdftotext -layout -f 2 -l 2 '%s' - 2>/dev/null", pdf);
        char *text = command_output(command);
        static const char *const shown[] = {"Targets matrix", "≥8.5%", "≈3%",    "≤5.5%",         "7–7.5%",
                                            "下降3%以上",     "未设定", "≈5%",    "与经济增长同步", "430723"};
        for (size_t i = 0; i < sizeof shown / sizeof shown[0]; i++)
            if (!strstr(text, shown[i]))
                fail_msg("the printed matrix lacks '%s':\n%s", shown[i], text);
        free(text);
    }
    unlink(pdf);
    remove_workbook(analyst);
    rmdir(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest sample_tests[] = {
        cmocka_unit_test(test_sheet_order),
        cmocka_unit_test(test_header_labels_and_comments),
        cmocka_unit_test(test_date_cell_is_a_date),
        cmocka_unit_test(test_codes_and_formula_like_text_are_strings),
        cmocka_unit_test(test_targets_sheet_frame),
        cmocka_unit_test(test_percent_values_use_a_number_format),
        cmocka_unit_test(test_properties),
        cmocka_unit_test(test_about_sheet),
        cmocka_unit_test(test_matrix_and_chart),
        cmocka_unit_test(test_openpyxl_reads_it),
        cmocka_unit_test(test_libreoffice_renders_it),
    };
    const struct CMUnitTest other_tests[] = {
        cmocka_unit_test(test_analyst_workbook),
        cmocka_unit_test(test_interpretations_omitted),
        cmocka_unit_test(test_across_sheets_and_charts),
        cmocka_unit_test(test_chart_range_is_capped),
        cmocka_unit_test(test_header_option),
        cmocka_unit_test(test_matrix_off),
        cmocka_unit_test(test_max_column_width),
        cmocka_unit_test(test_bad_max_column_width_is_refused),
        cmocka_unit_test(test_invalid_xml_characters_removed),
        cmocka_unit_test(test_long_string_cut),
        cmocka_unit_test(test_sheet_names_are_unique_and_short),
        cmocka_unit_test(test_abort_leaves_no_file),
        cmocka_unit_test(test_unwritable_output_fails_naming_the_file),
        cmocka_unit_test(test_table_over_row_limit_continues_on_second_sheet),
    };
    int failed = cmocka_run_group_tests_name("xlsx sample", sample_tests, sample_setup, sample_teardown);
    failed += cmocka_run_group_tests_name("xlsx", other_tests, NULL, NULL);
    return failed;
}
