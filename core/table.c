/* table.c — the built-in table schemas (column names are a contract with
 * every exporter and every user's notebook) and the per-document row store. */
#include "table.h"

#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#define T BG_TYPE_TEXT
#define I BG_TYPE_INTEGER
#define R BG_TYPE_REAL
#define D BG_TYPE_DATE
#define KEY BG_COLUMN_KEY
#define CODE BG_COLUMN_CODE
#define IDX BG_COLUMN_INDEXED
#define LONG BG_COLUMN_LONG

static const bg_column documents_columns[] = {
    {"doc_id", T, "文档编号", "document id (first 16 hex digits of the XXH3 content hash)", KEY | CODE | IDX},
    {"source", T, "来源", "source path, or path#row for a CSV container", LONG},
    {"title", T, "标题", "title line, when the document starts with one", LONG},
    {"region", T, "地区", "region as the report names it (city + district when both)", 0},
    {"region_code", T, "行政区划代码", "six-digit GB/T 2260 code the region had in the plan year (100000: the country)",
     CODE | IDX},
    {"province", T, "省份", "province the region belongs to", IDX},
    {"city", T, "地级市", "prefecture, for a district or county", 0},
    {"level", T, "行政级别", "national, province, city, district, county or unknown", 0},
    {"report_year", I, "报告年份", "year the report was delivered", 0},
    {"plan_year", I, "计划年份", "year the plan and targets are for", 0},
    {"report_date", D, "报告日期", "date of the session, when stated", 0},
    {"doc_type", T, "文档类型", "work_report, interpretation or other", 0},
    {"encoding", T, "编码", "encoding the text was decoded from", 0},
    {"encoding_reason", T, "编码依据", "how the encoding was decided (bom, utf-8 valid, meta, config, fallback)", 0},
    {"format", T, "格式", "text, html or csv", 0},
    {"chars", I, "字符数", "characters of cleaned text", 0},
    {"targets_found", I, "目标数", "rows in targets for this document", 0},
    {"content_hash", T, "内容哈希", "XXH3-64 of the source bytes, hex", CODE},
    {"origin_path", T, "原文地址", "where the page came from (its 本文地址 line, or a CSV corpus's url column)", LONG},
    {"publish_date", D, "发布日期", "date the page states for itself (a newspaper's issue date), when given", 0},
    {"region_code_now", T, "现行区划代码",
     "the code(s) that hold the region's area today, ';'-separated when it was split (GB/T 2260, areacodes)", CODE},
};

static const bg_column targets_columns[] = {
    {"doc_id", T, "文档编号", "document id", KEY | CODE | IDX},
    {"seq", I, "序号", "order within the document", KEY},
    {"plan_year", I, "计划年份", "year the target is for", 0},
    {"indicator", T, "指标", "canonical indicator key (other when unknown)", IDX},
    {"indicator_text", T, "指标原文", "the words the report uses", 0},
    {"kind", T, "类型", "growth, level, change, relation, or absent (the report sets no figure)", 0},
    {"value", R, "数值", "the figure, signed: negative for a decline", 0},
    {"value_max", R, "上限", "upper end of a range", 0},
    {"unit", T, "单位", "unit of value (%, pp, 亿元, 万人 ...)", 0},
    {"qualifier", T, "限定", "exact, at_least, about, at_most, above, below, in_line or range: true of the signed value",
     0},
    {"qualifier_text", T, "限定原文", "the qualifying words used (下降3%以上: 以上, qualifier at_most)", 0},
    {"reference", T, "参照", "what a relation is measured against", 0},
    {"aspiration", T, "力争", "力争/争取/确保 when said", 0},
    {"sentence", T, "原句", "the clause exactly as in the source", LONG},
    {"offset", I, "位置", "character offset of the clause in the cleaned text", 0},
    {"indicator_label", T, "指标名称", "the indicator's name in the ruleset (地区生产总值 for gdp); empty for other",
     0},
    {"direction", T, "方向", "rise or fall (下降, 降低, 减少, 削减 …), for growth, level and change targets", 0},
    {"value_text", T, "目标原文", "the target as written after its subject: 增长6.5%左右, 下降3%以上, 控制在5.5%以内", 0},
};

static const bg_column outcomes_columns[] = {
    {"doc_id", T, "文档编号", "document id", KEY | CODE | IDX},
    {"seq", I, "序号", "order within the document", KEY},
    {"year", I, "年份", "year the result was achieved (the report's plan year - 1)", 0},
    {"indicator", T, "指标", "canonical indicator key", IDX},
    {"indicator_text", T, "指标原文", "the words the report uses", 0},
    {"kind", T, "类型", "growth (a rate, negative for a decline), level or change", 0},
    {"value", R, "数值", "the figure as stated, signed, unrounded", 0},
    {"unit", T, "单位", "unit of value (%, pp, 亿元, 万人 ...)", 0},
    {"estimate", I, "预计", "1 when the report gives it as an estimate (预计, 预计完成), else 0", 0},
    {"sentence", T, "原句", "the clause exactly as in the source", LONG},
    {"offset", I, "位置", "character offset of the clause in the cleaned text", 0},
    {"indicator_label", T, "指标名称", "the indicator's name in the ruleset", 0},
};

static const bg_column commitments_columns[] = {
    {"doc_id", T, "文档编号", "document id", KEY | CODE | IDX},
    {"seq", I, "序号", "order within the document", KEY},
    {"part", T, "部分", "plan (this year), review (past years) or outlook (multi-year)", 0},
    {"section", T, "章节", "title of the enclosing heading", 0},
    {"verb", T, "动词", "the action (新增, 完成, 达到 ...)", 0},
    {"object", T, "对象", "what is counted", 0},
    {"value", R, "数值", "the figure as written", 0},
    {"value_max", R, "上限", "upper end of a range", 0},
    {"unit", T, "单位", "unit as written", 0},
    {"base_value", R, "基准数值", "value in the base unit (万/亿 resolved)", 0},
    {"base_unit", T, "基准单位", "base unit", 0},
    {"qualifier", T, "限定", "exact, at_least, about, at_most, above, below or range", 0},
    {"qualifier_text", T, "限定原文", "the qualifying words used", 0},
    {"sentence", T, "原句", "the sentence exactly as in the source", LONG},
    {"offset", I, "位置", "character offset in the cleaned text", 0},
};

static const bg_column list_items_columns[] = {
    {"doc_id", T, "文档编号", "document id", KEY | CODE | IDX},
    {"list_seq", I, "清单序号", "order of the list within the document", KEY},
    {"list", T, "清单", "name of the list (十大产业项目 ...)", 0},
    {"declared_count", I, "声明数量", "number the list's name announces", 0},
    {"found_count", I, "实际数量", "items the text lists", 0},
    {"item_seq", I, "条目序号", "order of the item in the list", KEY},
    {"item", T, "条目", "the item", LONG},
};

static const bg_column sections_columns[] = {
    {"doc_id", T, "文档编号", "document id", KEY | CODE | IDX},
    {"seq", I, "序号", "order within the document", KEY},
    {"level", I, "层级", "0 for 一、, 1 for (一) and 1.", 0},
    {"number", T, "编号", "the heading's number as written", 0},
    {"title", T, "标题", "heading without number or trailing 。", LONG},
    {"part", T, "部分", "plan, review or outlook", 0},
    {"offset", I, "位置", "character offset in the cleaned text", 0},
};

static const bg_column keywords_columns[] = {
    {"doc_id", T, "文档编号", "document id", KEY | CODE | IDX},
    {"keyword", T, "关键词", "policy term from the ruleset", KEY | IDX},
    {"category", T, "类别", "the term's category", 0},
    {"count", I, "次数", "occurrences in the cleaned text", 0},
    {"per_10k", R, "每万字", "occurrences per 10,000 characters", 0},
};

/* The tables across reports (BG_TABLE_ACROSS): computed after every
 * document from the rows of documents, targets and outcomes. They name their
 * regions themselves; region_code is the code as of the year, and
 * region_code_now the code(s) holding its area today, the key that follows a
 * region across renames. */
static const bg_column target_outcomes_columns[] = {
    {"region_code", T, "行政区划代码", "the target's region, code as of the year", CODE | IDX},
    {"region_code_now", T, "现行区划代码", "the code(s) holding the region's area today", CODE},
    {"region", T, "地区", "region as the target's report names it", 0},
    {"province", T, "省份", "province", 0},
    {"region_level", T, "行政级别", "national, province, city, district or county", 0},
    {"year", I, "年份", "the year the target was set for", IDX},
    {"indicator", T, "指标", "canonical indicator key", IDX},
    {"indicator_label", T, "指标名称", "the indicator's name in the ruleset", 0},
    {"kind", T, "类型", "the target's kind: growth, level, change, relation or absent", 0},
    {"target_value", R, "目标值", "the target's figure, signed (lower end of a range)", 0},
    {"target_value_max", R, "目标上限", "upper end of a range target", 0},
    {"target_unit", T, "目标单位", "unit of the target", 0},
    {"target_qualifier", T, "目标限定", "the target's qualifier (at_least, about, at_most, exact, range, above, below, in_line)", 0},
    {"target_reference", T, "目标参照", "what a relation target is measured against", 0},
    {"outcome_value", R, "完成值", "the outcome stated in the next year's report, unrounded", 0},
    {"outcome_unit", T, "完成单位", "unit of the outcome", 0},
    {"outcome_estimate", I, "完成值为预计", "1 when the outcome was given as an estimate (预计)", 0},
    {"reference_outcome", R, "参照完成值", "for a relation: the outcome of what it is measured against", 0},
    {"gap", R, "差距", "outcome - target in the unit's points (for a range: outcome - lower end)", 0},
    {"met", T, "是否完成", "yes, no or unclear by the qualifier's meaning (README); empty unless compared", 0},
    {"state", T, "状态", "compared, no_outcome (no report of the next year says it) or absent (no target set)", 0},
    {"target_doc_id", T, "目标文档", "document of the target", KEY | CODE | IDX},
    {"target_seq", I, "目标序号", "the target's seq in targets", KEY},
    {"outcome_doc_id", T, "完成值文档", "document of the outcome (the report of the next year)", CODE},
    {"outcome_seq", I, "完成值序号", "the outcome's seq in outcomes", 0},
};

static const bg_column escalation_columns[] = {
    {"plan_year", I, "计划年份", "the plan year of both targets", IDX},
    {"indicator", T, "指标", "canonical indicator key", IDX},
    {"indicator_label", T, "指标名称", "the indicator's name in the ruleset", 0},
    {"region_code", T, "行政区划代码", "the region, code as of the year", CODE | IDX},
    {"region", T, "地区", "region", 0},
    {"province", T, "省份", "province", 0},
    {"region_level", T, "行政级别", "province, city, district or county", 0},
    {"kind", T, "类型", "growth, level (rates in %) or absent", 0},
    {"unit", T, "单位", "unit of the values", 0},
    {"value", R, "目标值", "the region's target, signed", 0},
    {"qualifier", T, "限定", "the region's qualifier", 0},
    {"parent_code", T, "上级代码", "the parent division as of the year (prefecture, province or the country)", CODE},
    {"parent_region", T, "上级地区", "the parent's name", 0},
    {"parent_level", T, "上级级别", "the parent's level", 0},
    {"parent_value", R, "上级目标值", "the parent's target for the indicator, when its report is in the corpus", 0},
    {"parent_qualifier", T, "上级限定", "the parent's qualifier", 0},
    {"difference", R, "加码幅度", "value - parent_value, in points", 0},
    {"national_value", R, "全国目标值", "the national target, when the national report of the year is in the corpus", 0},
    {"national_qualifier", T, "全国限定", "the national target's qualifier", 0},
    {"national_difference", R, "较全国加码", "value - national_value, in points", 0},
    {"state", T, "状态", "compared, absent (the region sets none), parent_absent, no_parent_target (the parent's report sets no figure for it) or no_parent_report", 0},
    {"doc_id", T, "文档编号", "the region's document", KEY | CODE | IDX},
    {"seq", I, "序号", "the target's seq in targets", KEY},
    {"parent_doc_id", T, "上级文档", "the parent's document", CODE},
};

static const bg_column escalation_summary_columns[] = {
    {"plan_year", I, "计划年份", "plan year", KEY},
    {"indicator", T, "指标", "canonical indicator key", KEY},
    {"indicator_label", T, "指标名称", "the indicator's name in the ruleset", 0},
    {"region_level", T, "行政级别", "level of the regions summarised", KEY},
    {"regions", I, "地区数", "regions compared with their parent", 0},
    {"mean_difference", R, "平均加码幅度", "mean of value - parent_value, in points", BG_COLUMN_PERCENT},
    {"share_above", R, "高于上级占比", "share of those regions whose target is above their parent's (0..1)", 0},
    {"share_equal", R, "等于上级占比", "share equal to their parent's", 0},
    {"national_regions", I, "较全国地区数", "regions compared with the national target", 0},
    {"mean_national_difference", R, "较全国平均加码", "mean of value - national_value, in points", BG_COLUMN_PERCENT},
};

static const bg_column target_changes_columns[] = {
    {"region_code", T, "行政区划代码", "the region, code as of this year", CODE | IDX},
    {"region_code_now", T, "现行区划代码", "the code(s) holding its area today: the key across renames", CODE},
    {"region", T, "地区", "region as this year's report names it", 0},
    {"province", T, "省份", "province", 0},
    {"region_level", T, "行政级别", "level", 0},
    {"plan_year", I, "计划年份", "this year", IDX},
    {"indicator", T, "指标", "canonical indicator key", IDX},
    {"indicator_label", T, "指标名称", "the indicator's name in the ruleset", 0},
    {"kind", T, "类型", "this year's kind", 0},
    {"unit", T, "单位", "unit", 0},
    {"value", R, "目标值", "this year's target, signed", 0},
    {"qualifier", T, "限定", "this year's qualifier", 0},
    {"previous_kind", T, "上年类型", "last year's kind", 0},
    {"previous_value", R, "上年目标值", "the region's target for the year before", 0},
    {"previous_qualifier", T, "上年限定", "last year's qualifier", 0},
    {"change", R, "变化", "value - previous_value, in points", 0},
    {"qualifier_changed", I, "限定变化", "1 when the qualifier changed, else 0", 0},
    {"state", T, "状态", "compared, absent (none set this year), previously_absent, both_absent or not_comparable (kind or unit differ)", 0},
    {"previous_region_code", T, "上年区划代码", "the code the region had in last year's report", CODE},
    {"doc_id", T, "文档编号", "this year's document", KEY | CODE | IDX},
    {"seq", I, "序号", "the target's seq in targets", KEY},
    {"previous_doc_id", T, "上年文档", "last year's document", CODE},
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* The codes of the coded columns and their Chinese labels (ABI 1.2): cells
 * keep the code, formats for people show the label. A qualifier is true of
 * the signed value (下降3%以上 is 以内 −3), so its labels are those of the
 * comparison, not of the words. */
static const bg_value_label level_values[] = {
    {"national", "全国"}, {"province", "省"}, {"city", "市"},
    {"district", "区"},   {"county", "县"},   {"unknown", "未知"},
};
static const bg_value_label doc_type_values[] = {
    {"work_report", "政府工作报告"},
    {"interpretation", "解读"},
    {"other", "其他"},
};
static const bg_value_label kind_values[] = {
    {"growth", "增长"}, {"level", "绝对量"}, {"change", "变化"}, {"relation", "关系"}, {"absent", "未设定"},
};
static const bg_value_label qualifier_values[] = {
    {"exact", "确数"}, {"at_least", "以上"}, {"about", "左右"},   {"at_most", "以内"},
    {"above", "高于"}, {"below", "低于"},    {"in_line", "同步"}, {"range", "区间"},
};
static const bg_value_label direction_values[] = {{"rise", "上升"}, {"fall", "下降"}};
static const bg_value_label part_values[] = {{"plan", "计划"}, {"review", "回顾"}, {"outlook", "展望"}};
static const bg_value_label met_values[] = {{"yes", "完成"}, {"no", "未完成"}, {"unclear", "无法判断"}};
static const bg_value_label outcome_state_values[] = {
    {"compared", "已比较"}, {"no_outcome", "无完成值"}, {"absent", "未设定"}};
static const bg_value_label escalation_state_values[] = {{"compared", "已比较"},
                                                          {"absent", "未设定"},
                                                          {"parent_absent", "上级未设定"},
                                                          {"no_parent_target", "上级无此目标"},
                                                          {"no_parent_report", "无上级报告"}};
static const bg_value_label change_state_values[] = {{"compared", "已比较"},
                                                      {"absent", "本年未设定"},
                                                      {"previously_absent", "上年未设定"},
                                                      {"both_absent", "均未设定"},
                                                      {"not_comparable", "不可比"}};

typedef struct coded_column {
    const char *table, *column;
    const bg_value_label *values;
    size_t count;
} coded_column;

#define CODED(t, c, v) {t, c, v, N(v)}
static const coded_column coded_columns[] = {
    CODED("documents", "level", level_values),         CODED("documents", "doc_type", doc_type_values),
    CODED("targets", "kind", kind_values),             CODED("targets", "qualifier", qualifier_values),
    CODED("targets", "direction", direction_values),   CODED("commitments", "part", part_values),
    CODED("commitments", "qualifier", qualifier_values), CODED("sections", "part", part_values),
    CODED("outcomes", "kind", kind_values),
    CODED("target_outcomes", "region_level", level_values),
    CODED("target_outcomes", "kind", kind_values),
    CODED("target_outcomes", "target_qualifier", qualifier_values),
    CODED("target_outcomes", "met", met_values),
    CODED("target_outcomes", "state", outcome_state_values),
    CODED("escalation", "region_level", level_values),
    CODED("escalation", "parent_level", level_values),
    CODED("escalation", "kind", kind_values),
    CODED("escalation", "qualifier", qualifier_values),
    CODED("escalation", "parent_qualifier", qualifier_values),
    CODED("escalation", "national_qualifier", qualifier_values),
    CODED("escalation", "state", escalation_state_values),
    CODED("escalation_summary", "region_level", level_values),
    CODED("target_changes", "region_level", level_values),
    CODED("target_changes", "kind", kind_values),
    CODED("target_changes", "previous_kind", kind_values),
    CODED("target_changes", "qualifier", qualifier_values),
    CODED("target_changes", "previous_qualifier", qualifier_values),
    CODED("target_changes", "state", change_state_values),
};

static bg_column_values documents_values[N(documents_columns)];
static bg_column_values targets_values[N(targets_columns)];
static bg_column_values outcomes_values[N(outcomes_columns)];
static bg_column_values target_outcomes_values[N(target_outcomes_columns)];
static bg_column_values escalation_values[N(escalation_columns)];
static bg_column_values escalation_summary_values[N(escalation_summary_columns)];
static bg_column_values target_changes_values[N(target_changes_columns)];
static bg_column_values commitments_values[N(commitments_columns)];
static bg_column_values list_items_values[N(list_items_columns)];
static bg_column_values sections_values[N(sections_columns)];
static bg_column_values keywords_values[N(keywords_columns)];

#define SCHEMA_F(i, nm, lb, en, cols, vals, fl)                                                                        \
    {                                                                                                                  \
        sizeof(bg_table_schema), BG_EXPORTER_ABI_MAJOR, BG_EXPORTER_ABI_MINOR, i, nm, lb, en, N(cols), cols, vals, fl  \
    }
#define SCHEMA(i, nm, lb, en, cols, vals) SCHEMA_F(i, nm, lb, en, cols, vals, 0)
#define ACROSS BG_TABLE_ACROSS

static bg_table_schema builtin_tables[BG_BUILTIN_TABLE_COUNT] = {
    SCHEMA(0, "documents", "文档", "one row per report", documents_columns, documents_values),
    SCHEMA(1, "targets", "主要预期目标", "the year's main targets", targets_columns, targets_values),
    SCHEMA(2, "outcomes", "上年完成情况", "last year's stated results of the headline indicators", outcomes_columns,
           outcomes_values),
    SCHEMA(3, "commitments", "量化任务", "other numeric commitments", commitments_columns, commitments_values),
    SCHEMA(4, "list_items", "项目清单", "items of named lists (十大产业项目 ...)", list_items_columns,
           list_items_values),
    SCHEMA(5, "sections", "章节", "headings", sections_columns, sections_values),
    SCHEMA(6, "keywords", "政策关键词", "policy-term frequencies", keywords_columns, keywords_values),
    SCHEMA_F(7, "target_outcomes", "目标完成情况", "each target against the outcome the next year's report states",
             target_outcomes_columns, target_outcomes_values, ACROSS),
    SCHEMA_F(8, "escalation", "层层加码", "each target against its parent's and the national target of the year",
             escalation_columns, escalation_values, ACROSS),
    SCHEMA_F(9, "escalation_summary", "加码汇总", "escalation per plan year, indicator and level",
             escalation_summary_columns, escalation_summary_values, ACROSS),
    SCHEMA_F(10, "target_changes", "目标调整", "each target against the region's own target of the year before",
             target_changes_columns, target_changes_values, ACROSS),
};

static pthread_once_t values_once = PTHREAD_ONCE_INIT;

/* Fills the value-label arrays from coded_columns, by name, once. */
static void values_init(void)
{
    for (size_t k = 0; k < N(coded_columns); k++)
        for (size_t t = 0; t < BG_BUILTIN_TABLE_COUNT; t++) {
            if (strcmp(builtin_tables[t].name, coded_columns[k].table) != 0)
                continue;
            int c = bg_column_index(&builtin_tables[t], coded_columns[k].column);
            if (c >= 0) {
                bg_column_values *v = (bg_column_values *)&builtin_tables[t].column_values[c];
                v->count = coded_columns[k].count;
                v->values = coded_columns[k].values;
            }
        }
}

const char *bg_value_label_of(const bg_table_schema *schema, size_t column, const char *value, size_t length)
{
    if (schema->struct_size < offsetof(bg_table_schema, column_values) + sizeof schema->column_values ||
        !schema->column_values || column >= schema->column_count)
        return NULL;
    const bg_column_values *v = &schema->column_values[column];
    for (size_t i = 0; i < v->count; i++)
        if (strlen(v->values[i].value) == length && memcmp(v->values[i].value, value, length) == 0)
            return v->values[i].label;
    return NULL;
}

const bg_table_schema *bg_builtin_table(size_t i)
{
    pthread_once(&values_once, values_init);
    return i < BG_BUILTIN_TABLE_COUNT ? &builtin_tables[i] : NULL;
}

int bg_builtin_table_index(const char *name)
{
    for (size_t i = 0; i < BG_BUILTIN_TABLE_COUNT; i++)
        if (strcmp(builtin_tables[i].name, name) == 0)
            return (int)i;
    return -1;
}

int bg_column_index(const bg_table_schema *schema, const char *name)
{
    for (size_t i = 0; i < schema->column_count; i++)
        if (strcmp(schema->columns[i].name, name) == 0)
            return (int)i;
    return -1;
}

bg_rowset *bg_rowset_new(size_t table_count, const bg_table_schema *const *schemas)
{
    bg_rowset *set = calloc(1, sizeof *set);
    if (!set)
        return NULL;
    set->tables = calloc(table_count ? table_count : 1, sizeof *set->tables);
    if (!set->tables) {
        free(set);
        return NULL;
    }
    set->table_count = table_count;
    for (size_t i = 0; i < table_count; i++)
        set->tables[i].column_count = schemas[i]->column_count;
    return set;
}

void bg_rowset_free(bg_rowset *set)
{
    if (!set)
        return;
    for (size_t i = 0; i < set->table_count; i++) {
        for (size_t b = 0; b < set->tables[i].block_count; b++)
            free(set->tables[i].blocks[b]);
        free(set->tables[i].blocks);
    }
    for (size_t i = 0; i < set->chunk_count; i++)
        free(set->chunks[i]);
    free(set->chunks);
    free(set->tables);
    free(set);
}

/* Room for one more row in rows; false when out of memory. */
static bool rows_reserve(bg_rows *rows)
{
    size_t cells = rows->column_count ? rows->column_count : 1;
    size_t row = rows->row_count;
    if (row < BG_ROWS_PER_BLOCK) {
        if (row < rows->first_capacity)
            return true;
        size_t capacity = rows->first_capacity ? rows->first_capacity * 2 : 16;
        if (capacity > BG_ROWS_PER_BLOCK)
            capacity = BG_ROWS_PER_BLOCK;
        if (!rows->blocks && !(rows->blocks = calloc(4, sizeof *rows->blocks)))
            return false;
        if (!rows->block_capacity)
            rows->block_capacity = 4;
        bg_cell *first = realloc(rows->block_count ? rows->blocks[0] : NULL, capacity * cells * sizeof *first);
        if (!first)
            return false;
        rows->blocks[0] = first;
        rows->block_count = 1;
        rows->first_capacity = capacity;
        return true;
    }
    if (row / BG_ROWS_PER_BLOCK < rows->block_count)
        return true;
    if (rows->block_count == rows->block_capacity) {
        size_t capacity = rows->block_capacity * 2;
        bg_cell **blocks = realloc(rows->blocks, capacity * sizeof *blocks);
        if (!blocks)
            return false;
        rows->blocks = blocks;
        rows->block_capacity = capacity;
    }
    bg_cell *block = malloc(BG_ROWS_PER_BLOCK * cells * sizeof *block);
    if (!block)
        return false;
    rows->blocks[rows->block_count++] = block;
    return true;
}

static bg_cell *row_at(const bg_rows *rows, size_t row)
{
    return rows->blocks[row / BG_ROWS_PER_BLOCK] + (row % BG_ROWS_PER_BLOCK) * rows->column_count;
}

bg_cell *bg_rowset_add(bg_rowset *set, size_t table)
{
    if (set->row_limit && set->row_total >= set->row_limit) {
        set->limit_hit = true;
        return NULL;
    }
    bg_rows *rows = &set->tables[table];
    if (!rows_reserve(rows))
        return NULL;
    bg_cell *row = row_at(rows, rows->row_count);
    memset(row, 0, rows->column_count * sizeof *row);
    for (size_t c = 0; c < rows->column_count; c++)
        row[c].type = BG_TYPE_NULL;
    rows->row_count++;
    set->row_total++;
    return row;
}

bg_cell *bg_rowset_row(bg_rowset *set, size_t table, size_t row)
{
    return row_at(&set->tables[table], row);
}

size_t bg_rowset_count(const bg_rowset *set, size_t table)
{
    return set->tables[table].row_count;
}

void bg_cell_set_null(bg_cell *cell)
{
    cell->type = BG_TYPE_NULL;
}

void bg_cell_set_integer(bg_cell *cell, int64_t value)
{
    cell->type = BG_TYPE_INTEGER;
    cell->as.integer = value;
}

void bg_cell_set_real(bg_cell *cell, double value)
{
    cell->type = BG_TYPE_REAL;
    cell->as.real = value;
}

void bg_cell_set_date(bg_cell *cell, int year, int month, int day)
{
    cell->type = BG_TYPE_DATE;
    cell->as.date.year = year;
    cell->as.date.month = month;
    cell->as.date.day = day;
}

/* Copies length bytes plus a NUL into the rowset's chunk storage. */
static char *rowset_strdup(bg_rowset *set, const char *text, size_t length)
{
    if (!set->chunk_count || set->chunk_used + length + 1 > set->chunk_size) {
        size_t size = length + 1 > 8192 ? length + 1 : 8192;
        if (set->chunk_count == set->chunk_capacity) {
            size_t capacity = set->chunk_capacity ? set->chunk_capacity * 2 : 8;
            char **chunks = realloc(set->chunks, capacity * sizeof *chunks);
            if (!chunks)
                return NULL;
            set->chunks = chunks;
            set->chunk_capacity = capacity;
        }
        char *chunk = malloc(size);
        if (!chunk)
            return NULL;
        set->chunks[set->chunk_count++] = chunk;
        set->chunk_size = size;
        set->chunk_used = 0;
    }
    char *out = set->chunks[set->chunk_count - 1] + set->chunk_used;
    memcpy(out, text, length);
    out[length] = '\0';
    set->chunk_used += length + 1;
    return out;
}

bool bg_cell_set_text(bg_rowset *set, bg_cell *cell, const char *text, size_t length)
{
    char *copy = rowset_strdup(set, text ? text : "", text ? length : 0);
    if (!copy)
        return false;
    cell->type = BG_TYPE_TEXT;
    cell->as.text.data = copy;
    cell->as.text.length = text ? length : 0;
    return true;
}

bool bg_cell_set_cstr(bg_rowset *set, bg_cell *cell, const char *text)
{
    if (!text) {
        cell->type = BG_TYPE_NULL;
        return true;
    }
    return bg_cell_set_text(set, cell, text, strlen(text));
}
