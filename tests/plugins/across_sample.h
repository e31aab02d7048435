/* across_sample.h — a small run through every built-in table with rows in
 * outcomes and in the four tables across reports, written as the host
 * writes them: each document's rows after its begin_document, then the rows
 * across reports after the last document's, with no begin_document before
 * them. Two variants with different rows across reports, so that a second
 * run can show they are replaced whole. Included by the plugin tests
 * (static inline: each test uses what it needs, no other file to link). */
#ifndef BG_TEST_ACROSS_SAMPLE_H
#define BG_TEST_ACROSS_SAMPLE_H

#include "harness.h"
#include "table.h"

#include <string.h>

#define ACROSS_DOC_A "00000000000000a1"
#define ACROSS_DOC_B "00000000000000b2"

/* One cell of a row: the columns a row does not name stay NULL. */
typedef struct across_pair {
    const char *column;
    bg_cell cell;
} across_pair;

static inline int across_row(bg_harness *h, size_t table, const across_pair *pairs, size_t n)
{
    const bg_table_schema *schema = bg_builtin_table(table);
    bg_cell row[64];
    for (size_t c = 0; c < schema->column_count && c < 64; c++)
        row[c] = cell_null();
    for (size_t i = 0; i < n; i++) {
        int c = bg_column_index(schema, pairs[i].column);
        if (c < 0)
            return 99; /* a typo in the sample: fail loudly */
        row[c] = pairs[i].cell;
    }
    return harness_row(h, schema, row);
}

#define ACROSS_ROW(h, table, ...)                                                                                      \
    do {                                                                                                               \
        const across_pair pairs_[] = {__VA_ARGS__};                                                                    \
        int rc_ = across_row((h), (table), pairs_, sizeof pairs_ / sizeof pairs_[0]);                                  \
        if (rc_)                                                                                                       \
            return rc_;                                                                                                \
    } while (0)

/* A document of the sample: its begin_document (identity included), its
 * documents row, a GDP target and its outcomes. */
static inline int across_document(bg_harness *h, int d)
{
    static const char *const ids[2] = {ACROSS_DOC_A, ACROSS_DOC_B};
    static const char *const regions[2] = {"株洲市芦淞区", "澧县"};
    static const char *const codes[2] = {"430203", "430723"};
    static const char *const levels[2] = {"district", "county"};
    bg_document_info info = {.struct_size = sizeof info,
                             .abi_major = BG_EXPORTER_ABI_MAJOR,
                             .abi_minor = BG_EXPORTER_ABI_MINOR,
                             .doc_id = ids[d],
                             .source = d ? "reports/b.txt" : "reports/a.txt",
                             .content_hash = d ? "0123456789abcdee" : "0123456789abcdef",
                             .province = "湖南省",
                             .region = regions[d],
                             .region_code = codes[d],
                             .level = levels[d],
                             .plan_year = 2022,
                             .doc_type = "work_report"};
    int rc = harness_document_info(h, &info);
    if (rc)
        return rc;
    ACROSS_ROW(h, BG_TABLE_DOCUMENTS, {"doc_id", cell_text(ids[d])}, {"source", cell_text(info.source)},
               {"region", cell_text(regions[d])}, {"region_code", cell_text(codes[d])},
               {"province", cell_text("湖南省")}, {"level", cell_text(levels[d])}, {"report_year", cell_int(2022)},
               {"plan_year", cell_int(2022)}, {"doc_type", cell_text("work_report")}, {"chars", cell_int(7000)});
    ACROSS_ROW(h, BG_TABLE_TARGETS, {"doc_id", cell_text(ids[d])}, {"seq", cell_int(0)}, {"plan_year", cell_int(2022)},
               {"indicator", cell_text("gdp")}, {"indicator_text", cell_text("地区生产总值")},
               {"kind", cell_text("growth")}, {"value", cell_real(d ? 7.0 : 8.5)}, {"unit", cell_text("%")},
               {"qualifier", cell_text("about")}, {"sentence", cell_text("地区生产总值增长8.5%左右")},
               {"offset", cell_int(120)}, {"indicator_label", cell_text("地区生产总值")});
    /* outcomes: the GDP growth achieved (drawn), a level in 亿元 and another
     * indicator (not drawn), and for b a growth without a figure (left out) */
    ACROSS_ROW(h, BG_TABLE_OUTCOMES, {"doc_id", cell_text(ids[d])}, {"seq", cell_int(0)}, {"year", cell_int(2021)},
               {"indicator", cell_text("gdp")}, {"indicator_text", cell_text("地区生产总值")},
               {"kind", cell_text("growth")}, {"value", cell_real(d ? 7.9 : 8.7)}, {"unit", cell_text("%")},
               {"estimate", cell_int(d)}, {"sentence", cell_text("地区生产总值增长8.7%")}, {"offset", cell_int(40)},
               {"indicator_label", cell_text("地区生产总值")});
    ACROSS_ROW(h, BG_TABLE_OUTCOMES, {"doc_id", cell_text(ids[d])}, {"seq", cell_int(1)}, {"year", cell_int(2021)},
               {"indicator", cell_text("gdp")}, {"indicator_text", cell_text("地区生产总值")},
               {"kind", cell_text("level")}, {"value", cell_real(d ? 260 : 510)}, {"unit", cell_text("亿元")},
               {"estimate", cell_int(0)}, {"sentence", cell_text("地区生产总值达到510亿元")}, {"offset", cell_int(30)},
               {"indicator_label", cell_text("地区生产总值")});
    ACROSS_ROW(h, BG_TABLE_OUTCOMES, {"doc_id", cell_text(ids[d])}, {"seq", cell_int(2)}, {"year", cell_int(2021)},
               {"indicator", cell_text("fixed_asset_investment")}, {"indicator_text", cell_text("固定资产投资")},
               {"kind", cell_text("growth")}, {"value", cell_real(10.1)}, {"unit", cell_text("%")},
               {"estimate", cell_int(0)}, {"sentence", cell_text("固定资产投资增长10.1%")}, {"offset", cell_int(60)},
               {"indicator_label", cell_text("固定资产投资")});
    if (d)
        ACROSS_ROW(h, BG_TABLE_OUTCOMES, {"doc_id", cell_text(ids[d])}, {"seq", cell_int(3)}, {"year", cell_int(2021)},
                   {"indicator", cell_text("gdp")}, {"kind", cell_text("growth")}, {"unit", cell_text("%")},
                   {"estimate", cell_int(0)}, {"sentence", cell_text("地区生产总值保持增长")},
                   {"offset", cell_int(80)});
    return 0;
}

/* Rows the sample writes in built-in table t with both documents. */
static inline int across_row_count(size_t t, int variant)
{
    static const int rows[2][BG_BUILTIN_TABLE_COUNT] = {
        {2, 2, 7, 0, 0, 0, 0, 4, 3, 3, 2},
        {2, 2, 7, 0, 0, 0, 0, 1, 1, 1, 1},
    };
    return t < BG_BUILTIN_TABLE_COUNT ? rows[variant != 0][t] : 0;
}

/* target_outcomes: a rate compared (drawn), a level in 亿元 (not drawn), a
 * target without an outcome (left out), another rate compared (drawn). */
static inline int across_target_outcomes(bg_harness *h, int variant)
{
    size_t t = BG_TABLE_TARGET_OUTCOMES;
    if (variant) {
        ACROSS_ROW(h, t, {"region_code", cell_text("430723")}, {"region", cell_text("澧县")},
                   {"province", cell_text("湖南省")}, {"region_level", cell_text("county")}, {"year", cell_int(2022)},
                   {"indicator", cell_text("gdp")}, {"indicator_label", cell_text("地区生产总值")},
                   {"kind", cell_text("growth")}, {"target_value", cell_real(7.0)}, {"target_unit", cell_text("%")},
                   {"target_qualifier", cell_text("about")}, {"outcome_value", cell_real(6.1)},
                   {"outcome_unit", cell_text("%")}, {"outcome_estimate", cell_int(0)}, {"gap", cell_real(-0.9)},
                   {"met", cell_text("no")}, {"state", cell_text("compared")},
                   {"target_doc_id", cell_text(ACROSS_DOC_B)}, {"target_seq", cell_int(0)});
        return 0;
    }
    ACROSS_ROW(
        h, t, {"region_code", cell_text("430203")}, {"region_code_now", cell_text("430203")},
        {"region", cell_text("株洲市芦淞区")}, {"province", cell_text("湖南省")},
        {"region_level", cell_text("district")}, {"year", cell_int(2021)}, {"indicator", cell_text("gdp")},
        {"indicator_label", cell_text("地区生产总值")}, {"kind", cell_text("growth")}, {"target_value", cell_real(8.5)},
        {"target_unit", cell_text("%")}, {"target_qualifier", cell_text("about")}, {"outcome_value", cell_real(8.7)},
        {"outcome_unit", cell_text("%")}, {"outcome_estimate", cell_int(0)}, {"gap", cell_real(0.2)},
        {"met", cell_text("yes")}, {"state", cell_text("compared")}, {"target_doc_id", cell_text("00000000000000a0")},
        {"target_seq", cell_int(0)}, {"outcome_doc_id", cell_text(ACROSS_DOC_A)}, {"outcome_seq", cell_int(0)});
    ACROSS_ROW(h, t, {"region_code", cell_text("430203")}, {"region", cell_text("株洲市芦淞区")},
               {"province", cell_text("湖南省")}, {"region_level", cell_text("district")}, {"year", cell_int(2021)},
               {"indicator", cell_text("gdp")}, {"kind", cell_text("level")}, {"target_value", cell_real(500)},
               {"target_unit", cell_text("亿元")}, {"target_qualifier", cell_text("at_least")},
               {"outcome_value", cell_real(510)}, {"outcome_unit", cell_text("亿元")}, {"gap", cell_real(10)},
               {"met", cell_text("yes")}, {"state", cell_text("compared")},
               {"target_doc_id", cell_text("00000000000000a0")}, {"target_seq", cell_int(1)},
               {"outcome_doc_id", cell_text(ACROSS_DOC_A)}, {"outcome_seq", cell_int(1)});
    ACROSS_ROW(h, t, {"region_code", cell_text("430723")}, {"region", cell_text("澧县")},
               {"province", cell_text("湖南省")}, {"region_level", cell_text("county")}, {"year", cell_int(2021)},
               {"indicator", cell_text("gdp")}, {"kind", cell_text("growth")}, {"target_value", cell_real(8.0)},
               {"target_unit", cell_text("%")}, {"target_qualifier", cell_text("at_least")},
               {"state", cell_text("no_outcome")}, {"target_doc_id", cell_text("00000000000000b0")},
               {"target_seq", cell_int(0)});
    ACROSS_ROW(h, t, {"region_code", cell_text("430723")}, {"region", cell_text("澧县")},
               {"province", cell_text("湖南省")}, {"region_level", cell_text("county")}, {"year", cell_int(2021)},
               {"indicator", cell_text("cpi")}, {"kind", cell_text("growth")}, {"target_value", cell_real(3.0)},
               {"target_unit", cell_text("%")}, {"target_qualifier", cell_text("about")},
               {"outcome_value", cell_real(1.1)}, {"outcome_unit", cell_text("%")}, {"gap", cell_real(-1.9)},
               {"met", cell_text("unclear")}, {"state", cell_text("compared")},
               {"target_doc_id", cell_text("00000000000000b0")}, {"target_seq", cell_int(1)},
               {"outcome_doc_id", cell_text(ACROSS_DOC_B)}, {"outcome_seq", cell_int(2)});
    return 0;
}

/* escalation: two regions compared with their parent (drawn), one whose
 * parent's report is missing (left out). Variant 1 names document a, which
 * its run may not have: a row across reports is no document's. */
static inline int across_escalation(bg_harness *h, int variant)
{
    size_t t = BG_TABLE_ESCALATION;
    if (variant) {
        ACROSS_ROW(h, t, {"plan_year", cell_int(2023)}, {"indicator", cell_text("gdp")},
                   {"indicator_label", cell_text("地区生产总值")}, {"region_code", cell_text("430203")},
                   {"region", cell_text("株洲市芦淞区")}, {"province", cell_text("湖南省")},
                   {"region_level", cell_text("district")}, {"kind", cell_text("growth")}, {"unit", cell_text("%")},
                   {"value", cell_real(6.5)}, {"qualifier", cell_text("about")}, {"parent_code", cell_text("430200")},
                   {"parent_region", cell_text("株洲市")}, {"parent_level", cell_text("city")},
                   {"parent_value", cell_real(6.0)}, {"parent_qualifier", cell_text("about")},
                   {"difference", cell_real(0.5)}, {"state", cell_text("compared")},
                   {"doc_id", cell_text(ACROSS_DOC_A)}, {"seq", cell_int(7)},
                   {"parent_doc_id", cell_text("00000000000000c3")});
        return 0;
    }
    ACROSS_ROW(h, t, {"plan_year", cell_int(2022)}, {"indicator", cell_text("gdp")},
               {"indicator_label", cell_text("地区生产总值")}, {"region_code", cell_text("430203")},
               {"region", cell_text("株洲市芦淞区")}, {"province", cell_text("湖南省")},
               {"region_level", cell_text("district")}, {"kind", cell_text("growth")}, {"unit", cell_text("%")},
               {"value", cell_real(8.5)}, {"qualifier", cell_text("about")}, {"parent_code", cell_text("430200")},
               {"parent_region", cell_text("株洲市")}, {"parent_level", cell_text("city")},
               {"parent_value", cell_real(8.0)}, {"parent_qualifier", cell_text("about")},
               {"difference", cell_real(0.5)}, {"national_value", cell_real(5.5)},
               {"national_qualifier", cell_text("about")}, {"national_difference", cell_real(3.0)},
               {"state", cell_text("compared")}, {"doc_id", cell_text(ACROSS_DOC_A)}, {"seq", cell_int(0)},
               {"parent_doc_id", cell_text("00000000000000c3")});
    ACROSS_ROW(h, t, {"plan_year", cell_int(2022)}, {"indicator", cell_text("gdp")},
               {"indicator_label", cell_text("地区生产总值")}, {"region_code", cell_text("430723")},
               {"region", cell_text("澧县")}, {"province", cell_text("湖南省")}, {"region_level", cell_text("county")},
               {"kind", cell_text("growth")}, {"unit", cell_text("%")}, {"value", cell_real(7.0)},
               {"qualifier", cell_text("about")}, {"parent_code", cell_text("430700")},
               {"parent_region", cell_text("常德市")}, {"parent_level", cell_text("city")},
               {"state", cell_text("no_parent_report")}, {"doc_id", cell_text(ACROSS_DOC_B)}, {"seq", cell_int(0)});
    ACROSS_ROW(h, t, {"plan_year", cell_int(2022)}, {"indicator", cell_text("fixed_asset_investment")},
               {"indicator_label", cell_text("固定资产投资")}, {"region_code", cell_text("430203")},
               {"region", cell_text("株洲市芦淞区")}, {"province", cell_text("湖南省")},
               {"region_level", cell_text("district")}, {"kind", cell_text("growth")}, {"unit", cell_text("%")},
               {"value", cell_real(12.0)}, {"qualifier", cell_text("at_least")}, {"parent_code", cell_text("430200")},
               {"parent_region", cell_text("株洲市")}, {"parent_level", cell_text("city")},
               {"parent_value", cell_real(10.0)}, {"parent_qualifier", cell_text("about")},
               {"difference", cell_real(2.0)}, {"state", cell_text("compared")}, {"doc_id", cell_text(ACROSS_DOC_A)},
               {"seq", cell_int(3)}, {"parent_doc_id", cell_text("00000000000000c3")});
    return 0;
}

/* escalation_summary: two groups with a mean (drawn), one without (left
 * out). */
static inline int across_escalation_summary(bg_harness *h, int variant)
{
    size_t t = BG_TABLE_ESCALATION_SUMMARY;
    if (variant) {
        ACROSS_ROW(h, t, {"plan_year", cell_int(2023)}, {"indicator", cell_text("gdp")},
                   {"indicator_label", cell_text("地区生产总值")}, {"region_level", cell_text("district")},
                   {"regions", cell_int(1)}, {"mean_difference", cell_real(0.5)}, {"share_above", cell_real(1)},
                   {"share_equal", cell_real(0)}, {"national_regions", cell_int(0)});
        return 0;
    }
    ACROSS_ROW(h, t, {"plan_year", cell_int(2022)}, {"indicator", cell_text("gdp")},
               {"indicator_label", cell_text("地区生产总值")}, {"region_level", cell_text("district")},
               {"regions", cell_int(1)}, {"mean_difference", cell_real(0.5)}, {"share_above", cell_real(1)},
               {"share_equal", cell_real(0)}, {"national_regions", cell_int(1)});
    ACROSS_ROW(h, t, {"plan_year", cell_int(2022)}, {"indicator", cell_text("gdp")},
               {"indicator_label", cell_text("地区生产总值")}, {"region_level", cell_text("county")},
               {"regions", cell_int(0)}, {"national_regions", cell_int(0)});
    ACROSS_ROW(h, t, {"plan_year", cell_int(2022)}, {"indicator", cell_text("fixed_asset_investment")},
               {"region_level", cell_text("district")}, {"regions", cell_int(1)}, {"mean_difference", cell_real(2.0)},
               {"share_above", cell_real(1)}, {"share_equal", cell_real(0)}, {"national_regions", cell_int(0)});
    return 0;
}

/* target_changes: one region compared with its own last year (drawn), one
 * without last year's target (left out). */
static inline int across_target_changes(bg_harness *h, int variant)
{
    size_t t = BG_TABLE_TARGET_CHANGES;
    if (variant) {
        ACROSS_ROW(h, t, {"region_code", cell_text("430723")}, {"region", cell_text("澧县")},
                   {"province", cell_text("湖南省")}, {"region_level", cell_text("county")},
                   {"plan_year", cell_int(2023)}, {"indicator", cell_text("gdp")}, {"kind", cell_text("growth")},
                   {"unit", cell_text("%")}, {"value", cell_real(6.0)}, {"qualifier", cell_text("about")},
                   {"previous_kind", cell_text("growth")}, {"previous_value", cell_real(7.0)},
                   {"previous_qualifier", cell_text("about")}, {"change", cell_real(-1.0)},
                   {"qualifier_changed", cell_int(0)}, {"state", cell_text("compared")},
                   {"doc_id", cell_text(ACROSS_DOC_B)}, {"seq", cell_int(5)});
        return 0;
    }
    ACROSS_ROW(h, t, {"region_code", cell_text("430203")}, {"region", cell_text("株洲市芦淞区")},
               {"province", cell_text("湖南省")}, {"region_level", cell_text("district")},
               {"plan_year", cell_int(2022)}, {"indicator", cell_text("gdp")},
               {"indicator_label", cell_text("地区生产总值")}, {"kind", cell_text("growth")}, {"unit", cell_text("%")},
               {"value", cell_real(8.5)}, {"qualifier", cell_text("about")}, {"previous_kind", cell_text("growth")},
               {"previous_value", cell_real(9.0)}, {"previous_qualifier", cell_text("at_least")},
               {"change", cell_real(-0.5)}, {"qualifier_changed", cell_int(1)}, {"state", cell_text("compared")},
               {"previous_region_code", cell_text("430203")}, {"doc_id", cell_text(ACROSS_DOC_A)}, {"seq", cell_int(0)},
               {"previous_doc_id", cell_text("00000000000000a0")});
    ACROSS_ROW(h, t, {"region_code", cell_text("430723")}, {"region", cell_text("澧县")},
               {"province", cell_text("湖南省")}, {"region_level", cell_text("county")}, {"plan_year", cell_int(2022)},
               {"indicator", cell_text("gdp")}, {"kind", cell_text("growth")}, {"unit", cell_text("%")},
               {"value", cell_real(7.0)}, {"qualifier", cell_text("about")}, {"qualifier_changed", cell_int(0)},
               {"state", cell_text("previously_absent")}, {"doc_id", cell_text(ACROSS_DOC_B)}, {"seq", cell_int(0)});
    return 0;
}

/* The whole run: every built-in table begins, the documents in doc_mask
 * (bit 0: a, bit 1: b) with their rows, then the rows across reports of the
 * variant, then the end, the summary and the commit. */
static inline int across_write(bg_harness *h, const char *run_id, unsigned doc_mask, int variant)
{
    const bg_table_schema *schemas[BG_BUILTIN_TABLE_COUNT];
    for (size_t i = 0; i < BG_BUILTIN_TABLE_COUNT; i++)
        schemas[i] = bg_builtin_table(i);
    int rc = harness_begin(h, BG_BUILTIN_TABLE_COUNT, schemas);
    for (int d = 0; d < 2 && !rc; d++)
        if (doc_mask & (1u << d))
            rc = across_document(h, d);
    /* after the last document, no begin_document: as the host does */
    if (!rc)
        rc = across_target_outcomes(h, variant);
    if (!rc)
        rc = across_escalation(h, variant);
    if (!rc)
        rc = across_escalation_summary(h, variant);
    if (!rc)
        rc = across_target_changes(h, variant);
    if (rc)
        return rc;
    bg_table_count counts[BG_BUILTIN_TABLE_COUNT];
    for (size_t i = 0; i < BG_BUILTIN_TABLE_COUNT; i++)
        counts[i] = (bg_table_count){schemas[i]->name, (uint64_t)h->rows[i]};
    bg_source_result sources[2];
    size_t source_count = 0;
    if (doc_mask & 1u)
        sources[source_count++] = (bg_source_result){"reports/a.txt", ACROSS_DOC_A, "0123456789abcdef", "ok", NULL};
    if (doc_mask & 2u)
        sources[source_count++] = (bg_source_result){"reports/b.txt", ACROSS_DOC_B, "0123456789abcdee", "ok", NULL};
    bg_run_summary summary = {.struct_size = sizeof summary,
                              .abi_major = BG_EXPORTER_ABI_MAJOR,
                              .abi_minor = BG_EXPORTER_ABI_MINOR,
                              .run_id = run_id,
                              .job = "testjob",
                              .started_at = 1672444800,
                              .finished_at = 1672444801,
                              .config_hash = "feedfacefeedface",
                              .sources_seen = source_count,
                              .documents = source_count,
                              .sources_failed = 0,
                              .table_count = BG_BUILTIN_TABLE_COUNT,
                              .tables = counts,
                              .source_count = source_count,
                              .sources = sources};
    return harness_end(h, BG_BUILTIN_TABLE_COUNT, schemas, &summary, 1);
}

#endif
