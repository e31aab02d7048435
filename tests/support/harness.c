/* harness.c — see harness.h. */
#include "harness.h"

#include "paths.h"
#include "table.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *harness_plugin_path(const char *name)
{
    static char path[1024];
    snprintf(path, sizeof path, "%s/plugins/%s.so", BG_TEST_BINARY_DIR, name);
    return path;
}

int harness_load(bg_harness *h, const char *plugin_path, const char *output_path, const char *options_json)
{
    memset(h, 0, sizeof *h);
    if (bg_plugin_load_file(plugin_path, &h->plugin, h->message, sizeof h->message) != BG_E_OK)
        return 1;
    if (options_json) {
        h->options = cJSON_Parse(options_json);
        if (!h->options) {
            snprintf(h->message, sizeof h->message, "bad options JSON");
            return 1;
        }
        bg_problems problems = {0};
        bg_plugin_validate_options(h->plugin, h->options, "options", &problems);
        if (problems.count) {
            snprintf(h->message, sizeof h->message, "%s", problems.items[0]);
            bg_problems_free(&problems);
            return 1;
        }
    }
    h->output = strdup(output_path ? output_path : "");
    return h->output ? 0 : 1;
}

/* 0, or the plugin's status (BG_ERR_IO …) as the tests expect it */
static int check_export(const bg_harness *h, bg_error e)
{
    if (e == BG_E_OK)
        return 0;
    return h->export.status != BG_OK ? (int)h->export.status : (int)BG_ERR_INTERNAL;
}

int harness_begin(bg_harness *h, size_t table_count, const bg_table_schema *const *schemas)
{
    bg_error e = bg_export_open(&h->export, h->plugin, "exporters[0]", h->output, h->options, "testjob", 1.0, schemas,
                                table_count, h->message, sizeof h->message);
    h->ctx = h->export.ctx;
    return check_export(h, e);
}

int harness_document(bg_harness *h, const char *doc_id, const char *source)
{
    bg_document_info info = {.struct_size = sizeof info,
                             .abi_major = BG_EXPORTER_ABI_MAJOR,
                             .abi_minor = BG_EXPORTER_ABI_MINOR,
                             .doc_id = doc_id,
                             .source = source,
                             .content_hash = "0123456789abcdef"};
    return harness_document_info(h, &info);
}

int harness_document_info(bg_harness *h, const bg_document_info *info)
{
    return check_export(h, bg_export_document(&h->export, info, h->message, sizeof h->message));
}

int harness_row(bg_harness *h, const bg_table_schema *schema, const bg_cell *cells)
{
    size_t row = schema->index < 64 ? ++h->rows[schema->index] : 0;
    return check_export(h, bg_export_row(&h->export, schema, cells, row, "harness", h->message, sizeof h->message));
}

int harness_end(bg_harness *h, size_t table_count, const bg_table_schema *const *schemas, const bg_run_summary *summary,
                int commit)
{
    int rc = 0;
    if (commit) {
        rc = check_export(h, bg_export_end(&h->export, schemas, table_count, summary, h->message, sizeof h->message));
        if (!rc)
            rc = check_export(h, bg_export_commit(&h->export, h->message, sizeof h->message));
        if (!rc && bg_context_publish(h->export.ctx, h->message, sizeof h->message) != BG_E_OK)
            rc = 1;
    }
    /* aborts when not closed, removes what was not published */
    bg_export_free(&h->export);
    h->ctx = NULL;
    return rc;
}

void harness_free(bg_harness *h)
{
    bg_export_free(&h->export);
    cJSON_Delete(h->options);
    free(h->output);
    bg_plugin_unload(h->plugin);
    memset(h, 0, sizeof *h);
}

bg_cell cell_text(const char *s)
{
    bg_cell c = {.type = BG_TYPE_TEXT};
    c.as.text.data = s;
    c.as.text.length = strlen(s);
    return c;
}
bg_cell cell_int(int64_t v)
{
    return (bg_cell){.type = BG_TYPE_INTEGER, .as.integer = v};
}
bg_cell cell_real(double v)
{
    return (bg_cell){.type = BG_TYPE_REAL, .as.real = v};
}
bg_cell cell_null(void)
{
    return (bg_cell){.type = BG_TYPE_NULL};
}
bg_cell cell_date(int y, int m, int d)
{
    bg_cell c = {.type = BG_TYPE_DATE};
    c.as.date.year = y;
    c.as.date.month = m;
    c.as.date.day = d;
    return c;
}

/* Fills a row of table t from a list of (column name, cell) pairs; other
 * columns stay NULL. */
static int sample_row(bg_harness *h, size_t t, size_t n, const char *const *names, const bg_cell *values)
{
    const bg_table_schema *s = bg_builtin_table(t);
    bg_cell row[64];
    for (size_t c = 0; c < s->column_count; c++)
        row[c] = cell_null();
    for (size_t i = 0; i < n; i++) {
        int c = bg_column_index(s, names[i]);
        if (c >= 0)
            row[c] = values[i];
    }
    return harness_row(h, s, row);
}

#define ROW(t, ...)                                                                                                    \
    do {                                                                                                               \
        const char *const names_[] = {__VA_ARGS__};                                                                    \
        if ((rc = sample_row(h, t, sizeof names_ / sizeof names_[0], names_, values_)))                                \
            return rc;                                                                                                 \
    } while (0)

int harness_write_sample(bg_harness *h)
{
    return harness_write_sample_docs(h, "20221231T000000-1", 3u);
}

int harness_write_sample_docs(bg_harness *h, const char *run_id, unsigned doc_mask)
{
    const bg_table_schema *schemas[BG_BUILTIN_TABLE_COUNT];
    for (size_t i = 0; i < BG_BUILTIN_TABLE_COUNT; i++)
        schemas[i] = bg_builtin_table(i);
    int rc = harness_begin(h, BG_BUILTIN_TABLE_COUNT, schemas);
    if (rc)
        return rc;
    static const char *docs[2][6] = {
        {"00000000000000a1", "reports/a.txt", "株洲市芦淞区2022年政府工作报告", "株洲市芦淞区", "430203", "district"},
        {"00000000000000b2", "reports/b.txt", "=cmd|' /C calc'!A0", "澧县", "430723", "county"},
    };
    for (int d = 0; d < 2; d++) {
        if (!(doc_mask & (1u << d)))
            continue;
        if ((rc = harness_document(h, docs[d][0], docs[d][1])))
            return rc;
        {
            bg_cell values_[] = {cell_text(docs[d][0]), cell_text(docs[d][1]),
                                 cell_text(docs[d][2]), cell_text(docs[d][3]),
                                 cell_text(docs[d][4]), cell_text("湖南省"),
                                 cell_text(docs[d][5]), cell_int(2022),
                                 cell_int(2022),        d == 0 ? cell_date(2021, 12, 29) : cell_null(),
                                 cell_int(7000 + d)};
            ROW(BG_TABLE_DOCUMENTS, "doc_id", "source", "title", "region", "region_code", "province", "level",
                "report_year", "plan_year", "report_date", "chars");
        }
        {
            bg_cell values_[] = {cell_text(docs[d][0]),
                                 cell_int(0),
                                 cell_int(2022),
                                 cell_text("gdp"),
                                 cell_text("地区生产总值"),
                                 cell_text("growth"),
                                 cell_real(d ? -4.2 : 8.5),
                                 cell_text("%"),
                                 cell_text("at_least"),
                                 cell_text("以上"),
                                 cell_text("地区生产总值增长8.5%以上"),
                                 cell_int(120)};
            ROW(BG_TABLE_TARGETS, "doc_id", "seq", "plan_year", "indicator", "indicator_text", "kind", "value", "unit",
                "qualifier", "qualifier_text", "sentence", "offset");
        }
        {
            bg_cell values_[] = {cell_text(docs[d][0]),
                                 cell_int(1),
                                 cell_int(2022),
                                 cell_text("resident_income"),
                                 cell_text("居民收入"),
                                 cell_text("relation"),
                                 cell_text(""),
                                 cell_text("in_line"),
                                 cell_text("同步"),
                                 cell_text("经济增长"),
                                 cell_text("居民收入增长与经济增长同步"),
                                 cell_int(140)};
            ROW(BG_TABLE_TARGETS, "doc_id", "seq", "plan_year", "indicator", "indicator_text", "kind", "unit",
                "qualifier", "qualifier_text", "reference", "sentence", "offset");
        }
        {
            bg_cell values_[] = {cell_text(docs[d][0]),
                                 cell_int(0),
                                 cell_text("plan"),
                                 cell_text("狠抓重点项目攻坚"),
                                 cell_text("完成"),
                                 cell_text("投资"),
                                 cell_real(110),
                                 cell_text("亿元"),
                                 cell_real(11000000000.0),
                                 cell_text("元"),
                                 cell_text("at_least"),
                                 cell_text("以上"),
                                 cell_text("完成投资110亿元以上"),
                                 cell_int(300)};
            ROW(BG_TABLE_COMMITMENTS, "doc_id", "seq", "part", "section", "verb", "object", "value", "unit",
                "base_value", "base_unit", "qualifier", "qualifier_text", "sentence", "offset");
        }
        for (int i = 0; i < 2; i++) {
            bg_cell values_[] = {cell_text(docs[d][0]),
                                 cell_int(0),
                                 cell_text("十大产业项目"),
                                 cell_int(10),
                                 cell_int(2),
                                 cell_int(i),
                                 cell_text(i ? "泛航智能制造" : "航空动力专项")};
            ROW(BG_TABLE_LIST_ITEMS, "doc_id", "list_seq", "list", "declared_count", "found_count", "item_seq", "item");
        }
        {
            bg_cell values_[] = {
                cell_text(docs[d][0]), cell_int(0),  cell_int(1), cell_text("一"), cell_text("全力以赴推进制造强区"),
                cell_text("plan"),     cell_int(200)};
            ROW(BG_TABLE_SECTIONS, "doc_id", "seq", "level", "number", "title", "part", "offset");
        }
        {
            bg_cell values_[] = {cell_text(docs[d][0]), cell_text("高质量发展"), cell_text("发展理念"), cell_int(3),
                                 cell_real(3 * 10000.0 / (7000 + d))};
            ROW(BG_TABLE_KEYWORDS, "doc_id", "keyword", "category", "count", "per_10k");
        }
    }
    uint64_t n = (doc_mask & 1u) + ((doc_mask >> 1) & 1u);
    bg_table_count counts[BG_BUILTIN_TABLE_COUNT] = {{"documents", n},      {"targets", 2 * n}, {"commitments", n},
                                                     {"list_items", 2 * n}, {"sections", n},    {"keywords", n}};
    const bg_source_result all_sources[2] = {
        {"reports/a.txt", docs[0][0], "0123456789abcdef", "ok", NULL},
        {"reports/b.txt", docs[1][0], "0123456789abcdee", "ok", NULL},
    };
    bg_source_result sources[2];
    size_t source_count = 0;
    for (int d = 0; d < 2; d++)
        if (doc_mask & (1u << d))
            sources[source_count++] = all_sources[d];
    bg_run_summary summary = {sizeof summary,
                              BG_EXPORTER_ABI_MAJOR,
                              BG_EXPORTER_ABI_MINOR,
                              run_id,
                              "testjob",
                              1672444800,
                              1672444801,
                              "feedfacefeedface",
                              n,
                              n,
                              0,
                              BG_BUILTIN_TABLE_COUNT,
                              counts,
                              source_count,
                              sources};
    return harness_end(h, BG_BUILTIN_TABLE_COUNT, schemas, &summary, 1);
}

char *harness_read(const char *path)
{
    return bg_read_file(path, NULL);
}

char *harness_tempdir(void)
{
    char tmpl[] = "/tmp/baogao-test-XXXXXX";
    char *dir = mkdtemp(tmpl);
    return dir ? strdup(dir) : NULL;
}
