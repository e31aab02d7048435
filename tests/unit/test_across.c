/* test_across.c — the tables across reports (core/across): met by every
 * qualifier class, targets against the next year's outcomes, escalation to
 * the parent division as of the plan year (renamed, municipality and
 * province-administered units, against the real divisions list), target
 * changes across a rename, and a run of 10,000 documents whose memory follows
 * the targets, not the text. Each document is fed as the run feeds it: its
 * rows in the job's table layout, freed right after bg_across_add. */
#include "across/across.h"
#include "extract/extract.h"
#include "extract/rules.h"

#include <cjson/cJSON.h>
#include <malloc.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Under AddressSanitizer malloc's own counters stay empty: ask its
 * allocator (declared here, GCC ships no header for it). */
#if defined(__SANITIZE_ADDRESS__)
#define BG_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define BG_ASAN 1
#endif
#endif
#ifdef BG_ASAN
size_t __sanitizer_get_current_allocated_bytes(void);
#endif

static bg_rules *rules;

static bg_rules *load_rules(const cJSON *job_extract)
{
    bg_problems problems = {0};
    bg_rules *r = bg_rules_load(BG_TEST_SOURCE_DIR "/config/rules/gov_work_report.json",
                                BG_TEST_SOURCE_DIR "/config/rules/divisions.csv", job_extract, "extract", &problems);
    for (size_t i = 0; i < problems.count; i++)
        fprintf(stderr, "%s\n", problems.items[i]);
    bg_problems_free(&problems);
    return r;
}

static int setup(void **state)
{
    (void)state;
    rules = load_rules(NULL);
    return rules && rules->regions && bg_across_wanted(rules) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    bg_rules_free(rules);
    return 0;
}

/* ---- writing a document's rows ------------------------------------------- */

typedef struct doc_spec {
    const char *doc_id, *region, *code, *code_now, *province, *level;
    int plan_year;
    const char *doc_type; /* NULL: work_report */
} doc_spec;

typedef struct target_spec {
    const char *indicator, *kind, *unit, *qualifier, *direction, *reference;
    double value, value_max;
    bool no_value, has_max;
} target_spec;

typedef struct outcome_spec {
    const char *indicator, *kind, *unit;
    int year;
    double value;
    bool estimate;
} outcome_spec;

static const bg_table_schema *schema_of(const bg_rules *r, int builtin)
{
    assert_true(r->table_at[builtin] >= 0);
    return bg_rules_tables(r)[r->table_at[builtin]];
}

static bg_rowset *rowset_for(const bg_rules *r)
{
    bg_rowset *set = bg_rowset_new(bg_rules_table_count(r), bg_rules_tables(r));
    assert_non_null(set);
    return set;
}

static bg_cell *new_row(const bg_rules *r, bg_rowset *set, int builtin)
{
    bg_cell *row = bg_rowset_add(set, (size_t)r->table_at[builtin]);
    assert_non_null(row);
    return row;
}

static bg_cell *column(const bg_rules *r, bg_cell *row, int builtin, const char *name)
{
    int c = bg_column_index(schema_of(r, builtin), name);
    if (c < 0)
        fprintf(stderr, "no column %s in %s\n", name, schema_of(r, builtin)->name);
    assert_true(c >= 0);
    return &row[c];
}

static void set_text(const bg_rules *r, bg_rowset *set, bg_cell *row, int builtin, const char *name, const char *v)
{
    if (v)
        assert_true(bg_cell_set_cstr(set, column(r, row, builtin, name), v));
}

/* Adds one document as the run does: its rows in the job's layout, handed
 * over, then freed (what the across tables keep must be their own copies). */
static void add_doc_to(const bg_rules *r, bg_across *a, const doc_spec *d, const target_spec *t, size_t nt,
                       const outcome_spec *o, size_t no, const char *sentence)
{
    bg_rowset *set = rowset_for(r);
    bg_cell *row = new_row(r, set, BG_TABLE_DOCUMENTS);
    int D = BG_TABLE_DOCUMENTS;
    set_text(r, set, row, D, "doc_id", d->doc_id);
    set_text(r, set, row, D, "region", d->region);
    set_text(r, set, row, D, "region_code", d->code);
    set_text(r, set, row, D, "region_code_now", d->code_now ? d->code_now : d->code);
    set_text(r, set, row, D, "province", d->province);
    set_text(r, set, row, D, "level", d->level);
    set_text(r, set, row, D, "doc_type", d->doc_type ? d->doc_type : "work_report");
    bg_cell_set_integer(column(r, row, D, "plan_year"), d->plan_year);
    bg_cell_set_integer(column(r, row, D, "report_year"), d->plan_year);
    bg_cell_set_integer(column(r, row, D, "targets_found"), (int64_t)nt);
    for (size_t i = 0; i < nt && r->table_at[BG_TABLE_TARGETS] >= 0; i++) {
        int T = BG_TABLE_TARGETS;
        row = new_row(r, set, T);
        set_text(r, set, row, T, "doc_id", d->doc_id);
        bg_cell_set_integer(column(r, row, T, "seq"), (int64_t)i + 1);
        bg_cell_set_integer(column(r, row, T, "plan_year"), d->plan_year);
        set_text(r, set, row, T, "indicator", t[i].indicator);
        set_text(r, set, row, T, "indicator_text", t[i].indicator);
        set_text(r, set, row, T, "kind", t[i].kind);
        if (!t[i].no_value)
            bg_cell_set_real(column(r, row, T, "value"), t[i].value);
        if (t[i].has_max)
            bg_cell_set_real(column(r, row, T, "value_max"), t[i].value_max);
        set_text(r, set, row, T, "unit", t[i].unit);
        set_text(r, set, row, T, "qualifier", t[i].qualifier);
        set_text(r, set, row, T, "direction", t[i].direction);
        set_text(r, set, row, T, "reference", t[i].reference);
        set_text(r, set, row, T, "sentence", sentence ? sentence : "主要预期目标是：……");
    }
    for (size_t i = 0; i < no && r->table_at[BG_TABLE_OUTCOMES] >= 0; i++) {
        int O = BG_TABLE_OUTCOMES;
        row = new_row(r, set, O);
        set_text(r, set, row, O, "doc_id", d->doc_id);
        bg_cell_set_integer(column(r, row, O, "seq"), (int64_t)i + 1);
        bg_cell_set_integer(column(r, row, O, "year"), o[i].year);
        set_text(r, set, row, O, "indicator", o[i].indicator);
        set_text(r, set, row, O, "kind", o[i].kind);
        bg_cell_set_real(column(r, row, O, "value"), o[i].value);
        set_text(r, set, row, O, "unit", o[i].unit);
        bg_cell_set_integer(column(r, row, O, "estimate"), o[i].estimate ? 1 : 0);
        set_text(r, set, row, O, "sentence", sentence ? sentence : "过去一年……");
    }
    assert_int_equal(bg_across_add(a, set), BG_E_OK);
    bg_rowset_free(set);
}

#define N(x) (sizeof(x) / sizeof((x)[0]))
#define ADD(a, d, t, o) add_doc_to(rules, a, &(d), t, N(t), o, N(o), NULL)
#define ADD_TARGETS(a, d, t) add_doc_to(rules, a, &(d), t, N(t), NULL, 0, NULL)
#define ADD_OUTCOMES(a, d, o) add_doc_to(rules, a, &(d), NULL, 0, o, N(o), NULL)

static bg_rowset *rows_of(const bg_rules *r, bg_across *a)
{
    bg_rowset *out = rowset_for(r);
    assert_int_equal(bg_across_rows(a, out), BG_E_OK);
    return out;
}

/* ---- reading the across tables back by column name ----------------------- */

typedef struct result {
    const bg_rules *rules;
    bg_rowset *out;
} result;

static size_t count_of(const result *res, int builtin)
{
    return bg_rowset_count(res->out, (size_t)res->rules->table_at[builtin]);
}

static const bg_cell *cell_of(const result *res, int builtin, size_t row, const char *name)
{
    int c = bg_column_index(schema_of(res->rules, builtin), name);
    if (c < 0)
        fprintf(stderr, "no column %s in %s\n", name, schema_of(res->rules, builtin)->name);
    assert_true(c >= 0);
    return &bg_rowset_row(res->out, (size_t)res->rules->table_at[builtin], row)[c];
}

static void describe(const bg_cell *c, char *buf, size_t size)
{
    if (c->type == BG_TYPE_NULL)
        snprintf(buf, size, "null");
    else if (c->type == BG_TYPE_TEXT)
        snprintf(buf, size, "'%.*s'", (int)c->as.text.length, c->as.text.data);
    else if (c->type == BG_TYPE_INTEGER)
        snprintf(buf, size, "%lld", (long long)c->as.integer);
    else if (c->type == BG_TYPE_REAL)
        snprintf(buf, size, "%.17g", c->as.real);
    else
        snprintf(buf, size, "(type %d)", (int)c->type);
}

/* "column=value": text equal, or the number (integer or real) it spells */
static bool matches(const bg_cell *c, const char *want)
{
    if (c->type == BG_TYPE_TEXT)
        return c->as.text.length == strlen(want) && !memcmp(c->as.text.data, want, c->as.text.length);
    if (c->type == BG_TYPE_INTEGER)
        return c->as.integer == strtoll(want, NULL, 10);
    if (c->type == BG_TYPE_REAL)
        return fabs(c->as.real - strtod(want, NULL)) <= 1e-9;
    return false;
}

static bool row_matches(const result *res, int builtin, size_t row, const char *const *filters)
{
    for (size_t f = 0; filters[f]; f++) {
        char name[64];
        const char *eq = strchr(filters[f], '=');
        assert_non_null(eq);
        snprintf(name, sizeof name, "%.*s", (int)(eq - filters[f]), filters[f]);
        if (!matches(cell_of(res, builtin, row, name), eq + 1))
            return false;
    }
    return true;
}

#define WHERE(...) ((const char *const[]){__VA_ARGS__, NULL})

static size_t count_where(const result *res, int builtin, const char *const *filters)
{
    size_t n = 0;
    for (size_t i = 0; i < count_of(res, builtin); i++)
        n += row_matches(res, builtin, i, filters);
    return n;
}

/* The one row that matches every filter. */
static size_t find_at(int line, const result *res, int builtin, const char *const *filters)
{
    size_t found = 0, at = 0;
    for (size_t i = 0; i < count_of(res, builtin); i++)
        if (row_matches(res, builtin, i, filters)) {
            if (!found++)
                at = i;
        }
    if (found != 1) {
        fprintf(stderr, "line %d: %zu rows of %s where", line, found, schema_of(res->rules, builtin)->name);
        for (size_t f = 0; filters[f]; f++)
            fprintf(stderr, " %s", filters[f]);
        fprintf(stderr, "\n");
    }
    assert_int_equal(found, 1);
    return at;
}
#define FIND(res, table, ...) find_at(__LINE__, res, table, WHERE(__VA_ARGS__))

/* want: a text, or NULL for a null cell */
static void expect_text_at(int line, const result *res, int builtin, size_t row, const char *name, const char *want)
{
    const bg_cell *c = cell_of(res, builtin, row, name);
    bool ok = want ? c->type == BG_TYPE_TEXT && matches(c, want) : c->type == BG_TYPE_NULL;
    if (!ok) {
        char got[256];
        describe(c, got, sizeof got);
        fprintf(stderr, "line %d: %s.%s row %zu: want %s%s%s, got %s\n", line, schema_of(res->rules, builtin)->name,
                name, row, want ? "'" : "", want ? want : "null", want ? "'" : "", got);
    }
    assert_true(ok);
}

/* want: a number (NAN for a null cell); integers compare exactly */
static void expect_number_at(int line, const result *res, int builtin, size_t row, const char *name, double want)
{
    const bg_cell *c = cell_of(res, builtin, row, name);
    bool ok = isnan(want)                  ? c->type == BG_TYPE_NULL
              : c->type == BG_TYPE_REAL    ? fabs(c->as.real - want) <= 1e-9
              : c->type == BG_TYPE_INTEGER ? (double)c->as.integer == want
                                           : false;
    if (!ok) {
        char got[256];
        describe(c, got, sizeof got);
        fprintf(stderr, "line %d: %s.%s row %zu: want %.17g, got %s\n", line, schema_of(res->rules, builtin)->name,
                name, row, want, got);
    }
    assert_true(ok);
}
#define TEXT(res, table, row, name, want) expect_text_at(__LINE__, res, table, row, name, want)
#define NUM(res, table, row, name, want) expect_number_at(__LINE__, res, table, row, name, want)
#define NONE NAN

enum {
    TO = BG_TABLE_TARGET_OUTCOMES,
    ESC = BG_TABLE_ESCALATION,
    SUM = BG_TABLE_ESCALATION_SUMMARY,
    TC = BG_TABLE_TARGET_CHANGES
};

/* ---- 1. met, by the qualifier's meaning ----------------------------------- */

static void expect_met(int line, bg_met_query q, const char *want, double want_gap)
{
    double gap = 12345;
    bool has_gap = true; /* must be reset when there is no gap */
    const char *met = bg_across_met(&q, &gap, &has_gap);
    bool ok = met && !strcmp(met, want) && (isnan(want_gap) ? !has_gap : has_gap && fabs(gap - want_gap) <= 1e-9);
    if (!ok)
        fprintf(stderr, "line %d: want %s gap %g, got %s gap %s%g\n", line, want, want_gap, met ? met : "NULL",
                has_gap ? "" : "(none) ", has_gap ? gap : 0);
    assert_true(ok);
}
#define MET(want, gap, ...) expect_met(__LINE__, (bg_met_query){__VA_ARGS__}, want, gap)
#define PCT .target_unit = "%", .outcome_unit = "%", .has_value = true
#define RISE .kind = "growth", .direction = "rise", PCT
#define FALL .kind = "growth", .direction = "fall", PCT

static void test_met_by_qualifier(void **state)
{
    (void)state;
    /* exact (no qualifier word): reached in the target's direction */
    MET("yes", 0, RISE, .qualifier = "exact", .value = 6.5, .outcome = 6.5);
    MET("yes", 0.7, RISE, .qualifier = "exact", .value = 6.5, .outcome = 7.2);
    MET("no", -0.1, RISE, .qualifier = "exact", .value = 6.5, .outcome = 6.4);
    /* a fall written as a negative value (下降3%): met at or below it */
    MET("yes", 0, FALL, .qualifier = "exact", .value = -3, .outcome = -3);
    MET("yes", -0.5, FALL, .qualifier = "exact", .value = -3, .outcome = -3.5);
    MET("no", 0.1, FALL, .qualifier = "exact", .value = -3, .outcome = -2.9);
    MET("no", 4, FALL, .qualifier = "exact", .value = -3, .outcome = 1);
    /* at_least */
    MET("yes", 0, RISE, .qualifier = "at_least", .value = 7, .outcome = 7);
    MET("yes", 1.2, RISE, .qualifier = "at_least", .value = 7, .outcome = 8.2);
    MET("no", -0.01, RISE, .qualifier = "at_least", .value = 7, .outcome = 6.99);
    /* at_most: a ceiling (失业率5.5%以内), and a fall of at least 3 (下降3%以上 = at_most −3) */
    MET("yes", 0, .kind = "level", .direction = "rise", PCT, .qualifier = "at_most", .value = 5.5, .outcome = 5.5);
    MET("yes", -0.3, .kind = "level", .direction = "rise", PCT, .qualifier = "at_most", .value = 5.5, .outcome = 5.2);
    MET("no", 0.1, .kind = "level", .direction = "rise", PCT, .qualifier = "at_most", .value = 5.5, .outcome = 5.6);
    MET("yes", -1, FALL, .qualifier = "at_most", .value = -3, .outcome = -4);
    MET("no", 1, FALL, .qualifier = "at_most", .value = -3, .outcome = -2);
    /* about: within 0.5 points of a rate, either side */
    MET("yes", -0.5, RISE, .qualifier = "about", .value = 8, .outcome = 7.5);
    MET("no", -0.6, RISE, .qualifier = "about", .value = 8, .outcome = 7.4);
    MET("yes", 0.5, RISE, .qualifier = "about", .value = 8, .outcome = 8.5);
    MET("no", 0.6, RISE, .qualifier = "about", .value = 8, .outcome = 8.6);
    MET("yes", 0, RISE, .qualifier = "about", .value = 8, .outcome = 8);
    /* ... but an amount (1000亿元左右) has no points to be within */
    MET("unclear", -50, .kind = "level", .direction = "rise", .target_unit = "亿元", .outcome_unit = "亿元",
        .has_value = true, .qualifier = "about", .value = 1000, .outcome = 950);
    {
        double gap;
        bool has_gap;
        bg_met_query q = {.kind = "level",
                          .qualifier = "about",
                          .target_unit = "亿元",
                          .outcome_unit = "亿元",
                          .has_value = true,
                          .value = 1000,
                          .outcome = 1000};
        assert_string_equal(bg_across_met(&q, &gap, &has_gap), "unclear");
    }
    /* above / below: strict */
    MET("no", 0, RISE, .qualifier = "above", .value = 6, .outcome = 6);
    MET("yes", 0.1, RISE, .qualifier = "above", .value = 6, .outcome = 6.1);
    MET("no", 0, .kind = "level", PCT, .qualifier = "below", .value = 3, .outcome = 3);
    MET("yes", -0.1, .kind = "level", PCT, .qualifier = "below", .value = 3, .outcome = 2.9);
    /* range 7%-7.5%: met from the lower end up, exceeding it counts; gap from the lower end */
    MET("yes", 0, RISE, .qualifier = "range", .value = 7, .value_max = 7.5, .has_max = true, .outcome = 7.0);
    MET("yes", 0.3, RISE, .qualifier = "range", .value = 7, .value_max = 7.5, .has_max = true, .outcome = 7.3);
    MET("yes", 0.8, RISE, .qualifier = "range", .value = 7, .value_max = 7.5, .has_max = true, .outcome = 7.8);
    MET("no", -0.1, RISE, .qualifier = "range", .value = 7, .value_max = 7.5, .has_max = true, .outcome = 6.9);
    /* a fall range 下降3%-5% (−5 to −3): met once it falls by 3 */
    MET("yes", 2, FALL, .qualifier = "range", .value = -5, .value_max = -3, .has_max = true, .outcome = -3);
    MET("yes", 1, FALL, .qualifier = "range", .value = -5, .value_max = -3, .has_max = true, .outcome = -4);
    MET("yes", -1, FALL, .qualifier = "range", .value = -5, .value_max = -3, .has_max = true, .outcome = -6);
    MET("no", 2.5, FALL, .qualifier = "range", .value = -5, .value_max = -3, .has_max = true, .outcome = -2.5);
    /* relation (与经济增长同步): against the reference's outcome, gap from it */
    MET("yes", -0.5, .kind = "relation", .qualifier = "in_line", .outcome = 5.5, .reference = 6, .has_reference = true);
    MET("yes", 1, .kind = "relation", .qualifier = "in_line", .outcome = 7, .reference = 6, .has_reference = true);
    MET("no", -0.6, .kind = "relation", .qualifier = "in_line", .outcome = 5.4, .reference = 6, .has_reference = true);
    MET("yes", 0.1, .kind = "relation", .qualifier = "above", .outcome = 6.1, .reference = 6, .has_reference = true);
    MET("no", 0, .kind = "relation", .qualifier = "above", .outcome = 6, .reference = 6, .has_reference = true);
    MET("yes", -0.1, .kind = "relation", .qualifier = "below", .outcome = 5.9, .reference = 6, .has_reference = true);
    MET("no", 0, .kind = "relation", .qualifier = "below", .outcome = 6, .reference = 6, .has_reference = true);
    /* ... and no reference outcome: nothing to compare with */
    MET("unclear", NONE, .kind = "relation", .qualifier = "in_line", .outcome = 7);
    MET("unclear", NONE, .kind = "relation", .qualifier = "above", .outcome = 7);
    MET("unclear", NONE, .kind = "relation", .qualifier = "below", .outcome = 1);
    /* mismatched units are not compared (3000人 against 0.36万人, % against pp) */
    MET("unclear", NONE, .kind = "level", .qualifier = "at_least", .target_unit = "万人", .outcome_unit = "人",
        .has_value = true, .value = 0.36, .outcome = 3000);
    MET("unclear", NONE, .kind = "growth", .qualifier = "at_least", .target_unit = "%", .outcome_unit = "pp",
        .has_value = true, .value = 7, .outcome = 8);
    MET("unclear", NONE, .kind = "growth", .qualifier = "at_least", .target_unit = "%", .outcome_unit = NULL,
        .has_value = true, .value = 7, .outcome = 8);
    /* a target without a figure */
    MET("unclear", NONE, .kind = "growth", .qualifier = "at_least", .target_unit = "%", .outcome_unit = "%",
        .has_value = false, .outcome = 8);
}

/* ---- 2. target_outcomes ------------------------------------------------------ */

/* clang-format off */
#define GROWTH(ind, v, q) {.indicator = ind, .kind = "growth", .unit = "%", .qualifier = q, .direction = "rise", .value = v}
#define ABSENT(ind) {.indicator = ind, .kind = "absent", .no_value = true}
#define OUT_GROWTH(ind, y, v) {.indicator = ind, .kind = "growth", .unit = "%", .year = y, .value = v}
/* clang-format on */

static void test_target_outcomes(void **state)
{
    (void)state;
    bg_across *a = bg_across_new(rules);
    assert_non_null(a);
    /* X: 永安市, reports of 2021 and 2022 */
    doc_spec x21 = {"a000000000002021", "永安市", "350481", NULL, "福建省", "county", 2021, NULL};
    target_spec x21_targets[] = {
        GROWTH("gdp", 7, "at_least"),                 /* 1: met */
        GROWTH("general_budget_revenue", 5, "exact"), /* 2: missed */
        {.indicator = "resident_income",
         .kind = "relation",
         .qualifier = "in_line",
         .reference = "经济增长",
         .no_value = true},                           /* 3: against gdp's outcome */
        ABSENT("retail_sales"),                       /* 4 */
        GROWTH("fixed_asset_investment", 8, "about"), /* 5: the 2022 report says nothing */
        {.indicator = "new_urban_jobs",
         .kind = "level",
         .unit = "万人",
         .qualifier = "at_least",
         .direction = "rise",
         .value = 0.36},                                                                         /* 6: outcome in 人 */
        {.indicator = "other", .kind = "growth", .unit = "%", .qualifier = "exact", .value = 9}, /* 7: not joined */
        {.indicator = "urban_resident_income",
         .kind = "relation",
         .qualifier = "above",
         .reference = "全省平均水平",
         .no_value = true}, /* 8: no reference indicator */
        {.indicator = "urban_unemployment_rate",
         .kind = "level",
         .unit = "%",
         .qualifier = "at_most",
         .direction = "rise",
         .value = 5.5}, /* 9: met */
    };
    /* an interpretation of the 2022 report comes first: it states other figures and must not count */
    doc_spec x22_reading = {"a0000000000020ff", "永安市", "350481", NULL, "福建省", "county", 2022, "interpretation"};
    outcome_spec x22_reading_outcomes[] = {OUT_GROWTH("gdp", 2021, 1.0), OUT_GROWTH("general_budget_revenue", 2021, 9)};
    target_spec x22_reading_targets[] = {GROWTH("gdp", 5, "about")};
    doc_spec x22 = {"a000000000002022", "永安市", "350481", NULL, "福建省", "county", 2022, NULL};
    target_spec x22_targets[] = {GROWTH("gdp", 6.5, "about")};
    outcome_spec x22_outcomes[] = {
        OUT_GROWTH("gdp", 2020, 2.0), /* a figure of another year, before the one of 2021 */
        OUT_GROWTH("gdp", 2021, 7.9),
        {.indicator = "general_budget_revenue",
         .kind = "growth",
         .unit = "%",
         .year = 2021,
         .value = 4.2,
         .estimate = true},
        OUT_GROWTH("resident_income", 2021, 8.5),
        {.indicator = "new_urban_jobs", .kind = "level", .unit = "人", .year = 2021, .value = 3000},
        OUT_GROWTH("urban_resident_income", 2021, 8.0),
        {.indicator = "urban_unemployment_rate", .kind = "level", .unit = "%", .year = 2021, .value = 5.1},
        OUT_GROWTH("retail_sales", 2021, 10.2), /* no target was set: still absent */
    };
    /* Y: 尤溪县, whose 2022 report is missing */
    doc_spec y21 = {"b000000000002021", "尤溪县", "350426", NULL, "福建省", "county", 2021, NULL};
    target_spec y21_targets[] = {GROWTH("gdp", 7.5, "about"), ABSENT("retail_sales")};

    /* the country's report of 2021 (its own target finds no 2022 report) */
    doc_spec cn21 = {"c000000000002021", "全国", "100000", NULL, "", "national", 2021, NULL};
    target_spec cn21_targets[] = {GROWTH("gdp", 6, "at_least")};

    ADD_TARGETS(a, cn21, cn21_targets);
    ADD_TARGETS(a, x21, x21_targets);
    ADD_TARGETS(a, y21, y21_targets);
    ADD(a, x22_reading, x22_reading_targets, x22_reading_outcomes);
    ADD(a, x22, x22_targets, x22_outcomes);
    result res = {rules, rows_of(rules, a)};

    /* every target but the one of indicator other, and none of the interpretation */
    assert_int_equal(count_of(&res, TO), 1 + 8 + 1 + 2);
    assert_int_equal(count_where(&res, TO, WHERE("target_doc_id=a0000000000020ff")), 0);
    assert_int_equal(count_where(&res, TO, WHERE("indicator=other")), 0);

    size_t r = FIND(&res, TO, "region_code=350481", "year=2021", "indicator=gdp");
    TEXT(&res, TO, r, "region", "永安市");
    TEXT(&res, TO, r, "region_code_now", "350481");
    TEXT(&res, TO, r, "province", "福建省");
    TEXT(&res, TO, r, "region_level", "county");
    TEXT(&res, TO, r, "indicator_label", "地区生产总值");
    TEXT(&res, TO, r, "kind", "growth");
    NUM(&res, TO, r, "target_value", 7);
    NUM(&res, TO, r, "target_value_max", NONE);
    TEXT(&res, TO, r, "target_unit", "%");
    TEXT(&res, TO, r, "target_qualifier", "at_least");
    NUM(&res, TO, r, "outcome_value", 7.9);
    TEXT(&res, TO, r, "outcome_unit", "%");
    NUM(&res, TO, r, "outcome_estimate", 0);
    NUM(&res, TO, r, "gap", 0.9);
    TEXT(&res, TO, r, "met", "yes");
    TEXT(&res, TO, r, "state", "compared");
    TEXT(&res, TO, r, "target_doc_id", "a000000000002021");
    NUM(&res, TO, r, "target_seq", 1);
    TEXT(&res, TO, r, "outcome_doc_id", "a000000000002022");
    NUM(&res, TO, r, "outcome_seq", 2);

    r = FIND(&res, TO, "region_code=350481", "year=2021", "indicator=general_budget_revenue");
    NUM(&res, TO, r, "outcome_value", 4.2);
    NUM(&res, TO, r, "outcome_estimate", 1);
    NUM(&res, TO, r, "gap", -0.8);
    TEXT(&res, TO, r, "met", "no");
    TEXT(&res, TO, r, "state", "compared");
    NUM(&res, TO, r, "outcome_seq", 3);

    r = FIND(&res, TO, "region_code=350481", "year=2021", "indicator=resident_income");
    TEXT(&res, TO, r, "kind", "relation");
    TEXT(&res, TO, r, "target_qualifier", "in_line");
    TEXT(&res, TO, r, "target_reference", "经济增长");
    NUM(&res, TO, r, "target_value", NONE);
    NUM(&res, TO, r, "outcome_value", 8.5);
    NUM(&res, TO, r, "reference_outcome", 7.9);
    NUM(&res, TO, r, "gap", 0.6);
    TEXT(&res, TO, r, "met", "yes");

    r = FIND(&res, TO, "region_code=350481", "year=2021", "indicator=urban_resident_income");
    NUM(&res, TO, r, "outcome_value", 8.0);
    NUM(&res, TO, r, "reference_outcome", NONE);
    NUM(&res, TO, r, "gap", NONE);
    TEXT(&res, TO, r, "met", "unclear");
    TEXT(&res, TO, r, "state", "compared");

    r = FIND(&res, TO, "region_code=350481", "year=2021", "indicator=new_urban_jobs");
    NUM(&res, TO, r, "target_value", 0.36);
    TEXT(&res, TO, r, "target_unit", "万人");
    NUM(&res, TO, r, "outcome_value", 3000);
    TEXT(&res, TO, r, "outcome_unit", "人");
    NUM(&res, TO, r, "gap", NONE);
    TEXT(&res, TO, r, "met", "unclear");
    TEXT(&res, TO, r, "state", "compared");

    r = FIND(&res, TO, "region_code=350481", "year=2021", "indicator=urban_unemployment_rate");
    NUM(&res, TO, r, "gap", -0.4);
    TEXT(&res, TO, r, "met", "yes");

    r = FIND(&res, TO, "region_code=350481", "year=2021", "indicator=fixed_asset_investment");
    TEXT(&res, TO, r, "state", "no_outcome");
    TEXT(&res, TO, r, "met", NULL);
    NUM(&res, TO, r, "outcome_value", NONE);
    NUM(&res, TO, r, "gap", NONE);
    TEXT(&res, TO, r, "outcome_doc_id", NULL);

    r = FIND(&res, TO, "region_code=350481", "year=2021", "indicator=retail_sales");
    TEXT(&res, TO, r, "kind", "absent");
    TEXT(&res, TO, r, "state", "absent");
    TEXT(&res, TO, r, "met", NULL);
    NUM(&res, TO, r, "outcome_value", NONE);
    NUM(&res, TO, r, "target_value", NONE);

    /* the 2022 targets: no report of 2023 */
    r = FIND(&res, TO, "region_code=350481", "year=2022", "indicator=gdp");
    NUM(&res, TO, r, "target_value", 6.5);
    TEXT(&res, TO, r, "state", "no_outcome");
    TEXT(&res, TO, r, "target_doc_id", "a000000000002022");

    /* Y: no report of 2022 */
    r = FIND(&res, TO, "region_code=350426", "year=2021", "indicator=gdp");
    TEXT(&res, TO, r, "region", "尤溪县");
    TEXT(&res, TO, r, "state", "no_outcome");
    TEXT(&res, TO, r, "met", NULL);
    NUM(&res, TO, r, "outcome_value", NONE);
    NUM(&res, TO, r, "outcome_seq", NONE);
    r = FIND(&res, TO, "region_code=350426", "year=2021", "indicator=retail_sales");
    TEXT(&res, TO, r, "state", "absent");
    TEXT(&res, TO, r, "met", NULL);

    assert_int_equal(count_where(&res, TO, WHERE("state=compared")), 6);
    assert_int_equal(count_where(&res, TO, WHERE("state=no_outcome")), 4);
    assert_int_equal(count_where(&res, TO, WHERE("state=absent")), 2);
    bg_rowset_free(res.out);
    bg_across_free(a);
}

/* ---- 3. escalation ---------------------------------------------------------- */

static void test_parent_by_code_as_of_the_year(void **state)
{
    (void)state;
    const bg_regions *regions = rules->regions;
    char parent[7];
    /* 莱芜市莱城区 before the merger into 济南 (areacodes: 371202 until 2018) */
    const bg_division *p = bg_across_parent(regions, "371202", "district", 2017, parent);
    assert_string_equal(parent, "371200");
    assert_non_null(p);
    assert_string_equal(p->name, "莱芜市");
    assert_string_equal(p->level, "city");
    /* the same area as 济南市莱芜区 370116 (from 2018) */
    p = bg_across_parent(regions, "370116", "district", 2018, parent);
    assert_string_equal(parent, "370100");
    assert_non_null(p);
    assert_string_equal(p->name, "济南市");
    p = bg_across_parent(regions, "370116", "district", 2020, parent);
    assert_string_equal(parent, "370100");
    /* a split prefecture: 巢湖市 (341400) was divided among 合肥, 芜湖 and 马鞍山
     * in 2011; 庐江县 had it as its parent in 2010 and 合肥市 from 2011 */
    p = bg_across_parent(regions, "341421", "county", 2010, parent);
    assert_string_equal(parent, "341400");
    assert_non_null(p);
    assert_string_equal(p->name, "巢湖市");
    p = bg_across_parent(regions, "340124", "county", 2012, parent);
    assert_string_equal(parent, "340100");
    assert_non_null(p);
    assert_string_equal(p->name, "合肥市");
    p = bg_across_parent(regions, "341422", "county", 2010, parent); /* 无为县, to 芜湖 in 2011 */
    assert_string_equal(parent, "341400");
    p = bg_across_parent(regions, "340225", "county", 2015, parent);
    assert_string_equal(parent, "340200");
    assert_string_equal(p->name, "芜湖市");
    /* a county-level city under the province directly */
    p = bg_across_parent(regions, "429004", "county", 2018, parent);
    assert_string_equal(parent, "420000");
    assert_non_null(p);
    assert_string_equal(p->name, "湖北省");
    /* a municipality's district */
    p = bg_across_parent(regions, "110105", "district", 2018, parent);
    assert_string_equal(parent, "110000");
    assert_non_null(p);
    assert_string_equal(p->name, "北京市");
    /* prefecture -> province -> the country -> none */
    p = bg_across_parent(regions, "370100", "city", 2018, parent);
    assert_string_equal(parent, "370000");
    assert_string_equal(p->name, "山东省");
    p = bg_across_parent(regions, "370000", "province", 2018, parent);
    assert_string_equal(parent, "100000");
    assert_non_null(p);
    assert_string_equal(p->level, "national");
    p = bg_across_parent(regions, "110000", "province", 2018, parent);
    assert_string_equal(parent, "100000");
    assert_null(bg_across_parent(regions, "100000", "national", 2018, parent));
    assert_string_equal(parent, "");
    /* by the code alone when the level is not known */
    bg_across_parent(regions, "371202", NULL, 2017, parent);
    assert_string_equal(parent, "371200");
    bg_across_parent(regions, "370100", NULL, 2017, parent);
    assert_string_equal(parent, "370000");
    bg_across_parent(regions, "110105", NULL, 2017, parent);
    assert_string_equal(parent, "110000");
    /* without divisions the code is still written */
    assert_null(bg_across_parent(NULL, "370116", "district", 2018, parent));
    assert_string_equal(parent, "370000");
}

static void test_escalation(void **state)
{
    (void)state;
    bg_across *a = bg_across_new(rules);
    assert_non_null(a);
    doc_spec cn17 = {"c000000000002017", "全国", "100000", NULL, "", "national", 2017, NULL};
    target_spec cn17_t[] = {GROWTH("gdp", 6.5, "about")};
    doc_spec cn18 = {"c000000000002018", "全国", "100000", NULL, "", "national", 2018, NULL};
    target_spec cn18_t[] = {GROWTH("gdp", 6.5, "about")};
    doc_spec sd18 = {"d000000000002018", "山东省", "370000", NULL, "山东省", "province", 2018, NULL};
    target_spec sd18_t[] = {GROWTH("gdp", 7, "about")};
    doc_spec hb18 = {"e000000000002018", "湖北省", "420000", NULL, "湖北省", "province", 2018, NULL};
    target_spec hb18_t[] = {GROWTH("gdp", 7.5, "about")};
    doc_spec bj18 = {"f000000000002018", "北京市", "110000", NULL, "北京市", "province", 2018, NULL};
    target_spec bj18_t[] = {GROWTH("gdp", 6.5, "about")};
    doc_spec jn18 = {"1000000000002018", "济南市", "370100", NULL, "山东省", "city", 2018, NULL};
    target_spec jn18_t[] = {GROWTH("gdp", 7.5, "about"), ABSENT("retail_sales"),
                            GROWTH("fixed_asset_investment", 10, "about")};
    /* 莱城区 2017 (莱芜市 has no report in the corpus) */
    doc_spec lc17 = {"2000000000002017", "莱芜市莱城区", "371202", "370116", "山东省", "district", 2017, NULL};
    target_spec lc17_t[] = {GROWTH("gdp", 8.5, "at_least")};
    /* 莱芜区 2018 under 济南 */
    doc_spec lw18 = {"3000000000002018", "济南市莱芜区", "370116", NULL, "山东省", "district", 2018, NULL};
    target_spec lw18_t[] = {
        GROWTH("gdp", 8, "at_least"),
        GROWTH("general_budget_revenue", 6, "exact"), /* 济南 sets none: no_parent_target */
        GROWTH("retail_sales", 10, "about"),          /* 济南 sets it absent */
        ABSENT("fixed_asset_investment"),             /* absent here */
        {.indicator = "gdp",
         .kind = "level",
         .unit = "亿元",
         .qualifier = "exact",
         .direction = "rise",
         .value = 1000}, /* not a rate: no row */
        {.indicator = "urban_unemployment_rate",
         .kind = "level",
         .unit = "pp",
         .qualifier = "at_most",
         .direction = "rise",
         .value = 0.5}, /* points: no row */
    };
    doc_spec xt18 = {"4000000000002018", "仙桃市", "429004", NULL, "湖北省", "county", 2018, NULL};
    target_spec xt18_t[] = {GROWTH("gdp", 8, "about")};
    doc_spec cy18 = {"5000000000002018", "北京市朝阳区", "110105", NULL, "北京市", "district", 2018, NULL};
    target_spec cy18_t[] = {GROWTH("gdp", 6.5, "about")};
    /* 莱芜区 2020: neither 济南 nor the country of 2020 is in the corpus */
    doc_spec lw20 = {"3000000000002020", "济南市莱芜区", "370116", NULL, "山东省", "district", 2020, NULL};
    target_spec lw20_t[] = {GROWTH("gdp", 6, "about")};

    /* children before their parents: the order of the corpus does not matter */
    ADD_TARGETS(a, lc17, lc17_t);
    ADD_TARGETS(a, lw18, lw18_t);
    ADD_TARGETS(a, xt18, xt18_t);
    ADD_TARGETS(a, cy18, cy18_t);
    ADD_TARGETS(a, lw20, lw20_t);
    ADD_TARGETS(a, jn18, jn18_t);
    ADD_TARGETS(a, sd18, sd18_t);
    ADD_TARGETS(a, hb18, hb18_t);
    ADD_TARGETS(a, bj18, bj18_t);
    ADD_TARGETS(a, cn17, cn17_t);
    ADD_TARGETS(a, cn18, cn18_t);
    result res = {rules, rows_of(rules, a)};

    /* the country has no parent; lw20 finds no parent report and no national one;
     * 亿元 and pp targets are not escalated */
    assert_int_equal(count_where(&res, ESC, WHERE("region_code=100000")), 0);
    assert_int_equal(count_where(&res, ESC, WHERE("plan_year=2020")), 0);
    assert_int_equal(count_where(&res, ESC, WHERE("unit=亿元")), 0);
    assert_int_equal(count_where(&res, ESC, WHERE("unit=pp")), 0);
    /* sd, hb, bj, jn (3), lc, lw (4), xt, cy */
    assert_int_equal(count_of(&res, ESC), 3 + 3 + 1 + 4 + 1 + 1);

    /* 莱芜区 2018 against 济南 2018 and the country */
    size_t r = FIND(&res, ESC, "region_code=370116", "plan_year=2018", "indicator=gdp");
    TEXT(&res, ESC, r, "region", "济南市莱芜区");
    TEXT(&res, ESC, r, "province", "山东省");
    TEXT(&res, ESC, r, "region_level", "district");
    TEXT(&res, ESC, r, "indicator_label", "地区生产总值");
    TEXT(&res, ESC, r, "kind", "growth");
    TEXT(&res, ESC, r, "unit", "%");
    NUM(&res, ESC, r, "value", 8);
    TEXT(&res, ESC, r, "qualifier", "at_least");
    TEXT(&res, ESC, r, "parent_code", "370100");
    TEXT(&res, ESC, r, "parent_region", "济南市");
    TEXT(&res, ESC, r, "parent_level", "city");
    NUM(&res, ESC, r, "parent_value", 7.5);
    TEXT(&res, ESC, r, "parent_qualifier", "about");
    NUM(&res, ESC, r, "difference", 0.5);
    NUM(&res, ESC, r, "national_value", 6.5);
    TEXT(&res, ESC, r, "national_qualifier", "about");
    NUM(&res, ESC, r, "national_difference", 1.5);
    TEXT(&res, ESC, r, "state", "compared");
    TEXT(&res, ESC, r, "doc_id", "3000000000002018");
    NUM(&res, ESC, r, "seq", 1);
    TEXT(&res, ESC, r, "parent_doc_id", "1000000000002018");

    r = FIND(&res, ESC, "region_code=370116", "plan_year=2018", "indicator=general_budget_revenue");
    TEXT(&res, ESC, r, "state", "no_parent_target");
    NUM(&res, ESC, r, "parent_value", NONE);
    NUM(&res, ESC, r, "difference", NONE);
    NUM(&res, ESC, r, "national_value", NONE);
    NUM(&res, ESC, r, "national_difference", NONE);
    TEXT(&res, ESC, r, "parent_doc_id", "1000000000002018");

    r = FIND(&res, ESC, "region_code=370116", "plan_year=2018", "indicator=retail_sales");
    TEXT(&res, ESC, r, "state", "parent_absent");
    NUM(&res, ESC, r, "value", 10);
    NUM(&res, ESC, r, "parent_value", NONE);
    NUM(&res, ESC, r, "difference", NONE);

    /* absent here: shown against the parent's growth target, no difference */
    r = FIND(&res, ESC, "region_code=370116", "plan_year=2018", "indicator=fixed_asset_investment");
    TEXT(&res, ESC, r, "kind", "absent");
    TEXT(&res, ESC, r, "state", "absent");
    NUM(&res, ESC, r, "value", NONE);
    NUM(&res, ESC, r, "parent_value", 10);
    NUM(&res, ESC, r, "difference", NONE);
    NUM(&res, ESC, r, "national_difference", NONE);

    /* 莱城区 2017: its parent 莱芜市 (named from the divisions) has no report; the country's is in */
    r = FIND(&res, ESC, "region_code=371202", "plan_year=2017", "indicator=gdp");
    TEXT(&res, ESC, r, "region", "莱芜市莱城区");
    TEXT(&res, ESC, r, "parent_code", "371200");
    TEXT(&res, ESC, r, "parent_region", "莱芜市");
    TEXT(&res, ESC, r, "parent_level", "city");
    TEXT(&res, ESC, r, "parent_doc_id", NULL);
    TEXT(&res, ESC, r, "state", "no_parent_report");
    NUM(&res, ESC, r, "parent_value", NONE);
    NUM(&res, ESC, r, "difference", NONE);
    NUM(&res, ESC, r, "national_value", 6.5);
    NUM(&res, ESC, r, "national_difference", 2);

    /* 仙桃市 against 湖北省 */
    r = FIND(&res, ESC, "region_code=429004", "plan_year=2018", "indicator=gdp");
    TEXT(&res, ESC, r, "parent_code", "420000");
    TEXT(&res, ESC, r, "parent_region", "湖北省");
    TEXT(&res, ESC, r, "parent_level", "province");
    NUM(&res, ESC, r, "difference", 0.5);
    NUM(&res, ESC, r, "national_difference", 1.5);
    TEXT(&res, ESC, r, "state", "compared");
    TEXT(&res, ESC, r, "parent_doc_id", "e000000000002018");

    /* 朝阳区 against 北京市 */
    r = FIND(&res, ESC, "region_code=110105", "plan_year=2018", "indicator=gdp");
    TEXT(&res, ESC, r, "parent_code", "110000");
    TEXT(&res, ESC, r, "parent_region", "北京市");
    NUM(&res, ESC, r, "parent_value", 6.5);
    NUM(&res, ESC, r, "difference", 0);
    NUM(&res, ESC, r, "national_difference", 0);

    /* a prefecture against its province; a province against the country, which is also the national target */
    r = FIND(&res, ESC, "region_code=370100", "plan_year=2018", "indicator=gdp");
    TEXT(&res, ESC, r, "parent_code", "370000");
    NUM(&res, ESC, r, "difference", 0.5);
    NUM(&res, ESC, r, "national_difference", 1);
    r = FIND(&res, ESC, "region_code=420000", "plan_year=2018", "indicator=gdp");
    TEXT(&res, ESC, r, "parent_code", "100000");
    TEXT(&res, ESC, r, "parent_region", "全国");
    TEXT(&res, ESC, r, "parent_level", "national");
    NUM(&res, ESC, r, "parent_value", 6.5);
    NUM(&res, ESC, r, "difference", 1);
    NUM(&res, ESC, r, "national_difference", 1);
    TEXT(&res, ESC, r, "parent_doc_id", "c000000000002018");

    /* the summary: per plan year, indicator and level, in level order */
    assert_int_equal(count_of(&res, SUM), 5);
    static const char *const order[][3] = {{"2017", "gdp", "district"},
                                           {"2018", "gdp", "province"},
                                           {"2018", "gdp", "city"},
                                           {"2018", "gdp", "district"},
                                           {"2018", "gdp", "county"}};
    for (size_t i = 0; i < 5; i++) {
        NUM(&res, SUM, i, "plan_year", atoi(order[i][0]));
        TEXT(&res, SUM, i, "indicator", order[i][1]);
        TEXT(&res, SUM, i, "region_level", order[i][2]);
        TEXT(&res, SUM, i, "indicator_label", "地区生产总值");
    }
    /* 2017 district: 莱城区, compared with the country only */
    NUM(&res, SUM, 0, "regions", 0);
    NUM(&res, SUM, 0, "mean_difference", NONE);
    NUM(&res, SUM, 0, "share_above", NONE);
    NUM(&res, SUM, 0, "national_regions", 1);
    NUM(&res, SUM, 0, "mean_national_difference", 2);
    /* 2018 provinces: 山东 +0.5, 湖北 +1, 北京 0 */
    NUM(&res, SUM, 1, "regions", 3);
    NUM(&res, SUM, 1, "mean_difference", 0.5);
    NUM(&res, SUM, 1, "share_above", 2.0 / 3.0);
    NUM(&res, SUM, 1, "share_equal", 1.0 / 3.0);
    NUM(&res, SUM, 1, "national_regions", 3);
    NUM(&res, SUM, 1, "mean_national_difference", 0.5);
    /* 2018 city: 济南 +0.5 (national +1) */
    NUM(&res, SUM, 2, "regions", 1);
    NUM(&res, SUM, 2, "mean_difference", 0.5);
    NUM(&res, SUM, 2, "share_above", 1);
    NUM(&res, SUM, 2, "mean_national_difference", 1);
    /* 2018 districts: 莱芜区 +0.5 (national +1.5), 朝阳区 0 (0) */
    NUM(&res, SUM, 3, "regions", 2);
    NUM(&res, SUM, 3, "mean_difference", 0.25);
    NUM(&res, SUM, 3, "share_above", 0.5);
    NUM(&res, SUM, 3, "share_equal", 0.5);
    NUM(&res, SUM, 3, "national_regions", 2);
    NUM(&res, SUM, 3, "mean_national_difference", 0.75);
    /* 2018 county: 仙桃 +0.5 (national +1.5) */
    NUM(&res, SUM, 4, "regions", 1);
    NUM(&res, SUM, 4, "mean_difference", 0.5);
    NUM(&res, SUM, 4, "share_above", 1);
    NUM(&res, SUM, 4, "share_equal", 0);
    NUM(&res, SUM, 4, "mean_national_difference", 1.5);
    bg_rowset_free(res.out);
    bg_across_free(a);
}

/* A job that exports the summary without the escalation rows gets the same summary. */
static void test_summary_without_escalation(void **state)
{
    (void)state;
    cJSON *job = cJSON_Parse("{\"tables\": [\"targets\", \"escalation_summary\"]}");
    assert_non_null(job);
    bg_rules *only = load_rules(job);
    cJSON_Delete(job);
    assert_non_null(only);
    assert_true(only->table_at[BG_TABLE_ESCALATION] < 0);
    assert_true(only->table_at[BG_TABLE_OUTCOMES] < 0);
    assert_true(bg_across_wanted(only));
    bg_across *a = bg_across_new(only);
    assert_non_null(a);
    doc_spec hb = {"e000000000002018", "湖北省", "420000", NULL, "湖北省", "province", 2018, NULL};
    target_spec hb_t[] = {GROWTH("gdp", 7.5, "about")};
    doc_spec xt = {"4000000000002018", "仙桃市", "429004", NULL, "湖北省", "county", 2018, NULL};
    target_spec xt_t[] = {GROWTH("gdp", 8.5, "about")};
    add_doc_to(only, a, &xt, xt_t, 1, NULL, 0, NULL);
    add_doc_to(only, a, &hb, hb_t, 1, NULL, 0, NULL);
    result res = {only, rows_of(only, a)};
    assert_int_equal(count_of(&res, SUM), 1);
    TEXT(&res, SUM, 0, "region_level", "county");
    NUM(&res, SUM, 0, "regions", 1);
    NUM(&res, SUM, 0, "mean_difference", 1);
    NUM(&res, SUM, 0, "national_regions", 0);
    NUM(&res, SUM, 0, "mean_national_difference", NONE);
    bg_rowset_free(res.out);
    bg_across_free(a);
    bg_rules_free(only);
}

/* ---- 4. target_changes across the rename ------------------------------------ */

static void test_target_changes_across_rename(void **state)
{
    (void)state;
    /* the code that holds 莱城区's area today, as the extraction writes it */
    const bg_division *lc = bg_regions_by_code(rules->regions, "371202", 2017);
    assert_non_null(lc);
    assert_true(bg_division_in_use(lc, 2017));
    assert_false(bg_division_in_use(lc, 2018));
    char now[64];
    bg_division_code_now(rules->regions, lc, 2017, now, sizeof now);
    assert_string_equal(now, "370116");

    bg_across *a = bg_across_new(rules);
    assert_non_null(a);
    /* 莱城区 2016 and 2017: code 371202, both keyed by the code of today */
    doc_spec lc16 = {"2000000000002016", "莱芜市莱城区", "371202", now, "山东省", "district", 2016, NULL};
    target_spec lc16_t[] = {GROWTH("gdp", 9, "about")};
    doc_spec lc17 = {"2000000000002017", "莱芜市莱城区", "371202", now, "山东省", "district", 2017, NULL};
    target_spec lc17_t[] = {
        GROWTH("gdp", 8.5, "about"),
        GROWTH("fixed_asset_investment", 12, "about"),
        ABSENT("retail_sales"),
        GROWTH("general_budget_revenue", 6, "exact"),
        ABSENT("exports"),
        GROWTH("tax_revenue", 5, "exact"),
        /* a level but no growth target (总量500亿元, no 增长 figure) */
        {.indicator = "industrial_value_added",
         .kind = "level",
         .unit = "亿元",
         .qualifier = "exact",
         .direction = "rise",
         .value = 500},
        ABSENT("industrial_value_added"),
    };
    outcome_spec lc17_o[] = {OUT_GROWTH("gdp", 2016, 8.0)};
    doc_spec lw18 = {"3000000000002018", "济南市莱芜区", "370116", "370116", "山东省", "district", 2018, NULL};
    target_spec lw18_t[] = {
        GROWTH("gdp", 8, "at_least"),        /* compared, −0.5, qualifier changed */
        ABSENT("fixed_asset_investment"),    /* absent */
        GROWTH("retail_sales", 10, "about"), /* previously_absent */
        {.indicator = "general_budget_revenue",
         .kind = "level",
         .unit = "亿元",
         .qualifier = "at_least",
         .direction = "rise",
         .value = 30},                                /* not_comparable */
        ABSENT("exports"),                            /* both_absent */
        GROWTH("foreign_trade", 5, "exact"),          /* new: no row */
        GROWTH("tax_revenue", 5, "exact"),            /* compared, 0 */
        GROWTH("industrial_value_added", 7, "exact"), /* previously_absent: its growth was not set */
    };
    outcome_spec lw18_o[] = {OUT_GROWTH("gdp", 2017, 8.2)};
    /* another region of 2017 with the same indicators must not be taken for it */
    doc_spec gc17 = {"6000000000002017", "莱芜市钢城区", "371203", "370117", "山东省", "district", 2017, NULL};
    target_spec gc17_t[] = {GROWTH("gdp", 9, "about"), GROWTH("foreign_trade", 3, "exact")};
    doc_spec cn17 = {"c000000000002017", "全国", "100000", NULL, "", "national", 2017, NULL};
    target_spec cn17_t[] = {GROWTH("gdp", 6.5, "about")};
    ADD_TARGETS(a, cn17, cn17_t);
    ADD_TARGETS(a, gc17, gc17_t);
    ADD_TARGETS(a, lc16, lc16_t);
    ADD(a, lc17, lc17_t, lc17_o);
    ADD(a, lw18, lw18_t, lw18_o);
    result res = {rules, rows_of(rules, a)};

    /* lw18 against lc17 (all but foreign_trade), lc17 against lc16 (gdp only) */
    assert_int_equal(count_of(&res, TC), 7 + 1);
    assert_int_equal(count_where(&res, TC, WHERE("plan_year=2017")), 1);
    assert_int_equal(count_where(&res, TC, WHERE("indicator=foreign_trade")), 0);

    /* the old code against the old code, keyed by the code of today */
    size_t r = FIND(&res, TC, "region_code=371202", "plan_year=2017", "indicator=gdp");
    TEXT(&res, TC, r, "region_code_now", "370116");
    NUM(&res, TC, r, "previous_value", 9);
    NUM(&res, TC, r, "change", -0.5);
    TEXT(&res, TC, r, "previous_doc_id", "2000000000002016");

    r = FIND(&res, TC, "region_code=370116", "plan_year=2018", "indicator=gdp");
    TEXT(&res, TC, r, "region_code_now", "370116");
    TEXT(&res, TC, r, "region", "济南市莱芜区");
    TEXT(&res, TC, r, "province", "山东省");
    TEXT(&res, TC, r, "region_level", "district");
    TEXT(&res, TC, r, "indicator_label", "地区生产总值");
    TEXT(&res, TC, r, "kind", "growth");
    TEXT(&res, TC, r, "unit", "%");
    NUM(&res, TC, r, "value", 8);
    TEXT(&res, TC, r, "qualifier", "at_least");
    TEXT(&res, TC, r, "previous_kind", "growth");
    NUM(&res, TC, r, "previous_value", 8.5);
    TEXT(&res, TC, r, "previous_qualifier", "about");
    NUM(&res, TC, r, "change", -0.5);
    NUM(&res, TC, r, "qualifier_changed", 1);
    TEXT(&res, TC, r, "state", "compared");
    TEXT(&res, TC, r, "previous_region_code", "371202");
    TEXT(&res, TC, r, "doc_id", "3000000000002018");
    NUM(&res, TC, r, "seq", 1);
    TEXT(&res, TC, r, "previous_doc_id", "2000000000002017");

    r = FIND(&res, TC, "region_code=370116", "plan_year=2018", "indicator=tax_revenue");
    NUM(&res, TC, r, "change", 0);
    NUM(&res, TC, r, "qualifier_changed", 0);
    TEXT(&res, TC, r, "state", "compared");

    r = FIND(&res, TC, "region_code=370116", "plan_year=2018", "indicator=fixed_asset_investment");
    TEXT(&res, TC, r, "state", "absent");
    TEXT(&res, TC, r, "kind", "absent");
    NUM(&res, TC, r, "previous_value", 12);
    NUM(&res, TC, r, "change", NONE);
    NUM(&res, TC, r, "qualifier_changed", NONE);

    r = FIND(&res, TC, "region_code=370116", "plan_year=2018", "indicator=retail_sales");
    TEXT(&res, TC, r, "state", "previously_absent");
    TEXT(&res, TC, r, "previous_kind", "absent");
    NUM(&res, TC, r, "value", 10);
    NUM(&res, TC, r, "previous_value", NONE);
    NUM(&res, TC, r, "change", NONE);

    r = FIND(&res, TC, "region_code=370116", "plan_year=2018", "indicator=general_budget_revenue");
    TEXT(&res, TC, r, "state", "not_comparable");
    TEXT(&res, TC, r, "kind", "level");
    TEXT(&res, TC, r, "unit", "亿元");
    TEXT(&res, TC, r, "previous_kind", "growth");
    NUM(&res, TC, r, "previous_value", 6);
    NUM(&res, TC, r, "change", NONE);
    NUM(&res, TC, r, "qualifier_changed", 1);

    r = FIND(&res, TC, "region_code=370116", "plan_year=2018", "indicator=exports");
    TEXT(&res, TC, r, "state", "both_absent");
    NUM(&res, TC, r, "change", NONE);

    r = FIND(&res, TC, "region_code=370116", "plan_year=2018", "indicator=industrial_value_added");
    TEXT(&res, TC, r, "state", "previously_absent");
    TEXT(&res, TC, r, "previous_kind", "absent");
    NUM(&res, TC, r, "change", NONE);

    /* every row names the old code of the year before */
    assert_int_equal(count_where(&res, TC, WHERE("previous_region_code=371202")), 8);

    /* targets meet the outcomes of the next year's report across the rename too */
    r = FIND(&res, TO, "region_code=371202", "year=2017", "indicator=gdp");
    TEXT(&res, TO, r, "region_code_now", "370116");
    NUM(&res, TO, r, "outcome_value", 8.2);
    NUM(&res, TO, r, "gap", -0.3);
    TEXT(&res, TO, r, "met", "yes");
    TEXT(&res, TO, r, "outcome_doc_id", "3000000000002018");
    r = FIND(&res, TO, "region_code=371202", "year=2016", "indicator=gdp");
    NUM(&res, TO, r, "outcome_value", 8.0);
    TEXT(&res, TO, r, "met", "no");
    TEXT(&res, TO, r, "outcome_doc_id", "2000000000002017");
    /* 钢城区 is another region today (370117): its 2017 targets find no 2018 report */
    r = FIND(&res, TO, "region_code=371203", "year=2017", "indicator=gdp");
    TEXT(&res, TO, r, "state", "no_outcome");
    bg_rowset_free(res.out);
    bg_across_free(a);
}

/* ---- 5. a large run ------------------------------------------------------------ */

static size_t allocated_bytes(void)
{
#ifdef BG_ASAN
    return __sanitizer_get_current_allocated_bytes();
#else
    struct mallinfo2 m = mallinfo2();
    return m.uordblks + m.hblkhd;
#endif
}

/* 10,000 documents of one target each (5,000 counties, 2020 and 2021, each
 * 2021 report stating the 2020 outcome), plus the two national reports; every
 * target row carries an 8 KB sentence that must not be kept. */
static void test_memory_follows_targets(void **state)
{
    (void)state;
    enum { REGIONS = 5000, SENTENCE = 8192 };
    char *sentence = malloc(SENTENCE + 1);
    assert_non_null(sentence);
    for (size_t i = 0; i + 3 <= SENTENCE; i += 3)
        memcpy(sentence + i, "经", 3);
    sentence[SENTENCE - SENTENCE % 3] = '\0';

    size_t before = allocated_bytes();
    bg_across *a = bg_across_new(rules);
    assert_non_null(a);
    for (int year = 2020; year <= 2021; year++)
        for (int i = 0; i < REGIONS; i++) {
            char id[17], code[7], region[32];
            snprintf(id, sizeof id, "%08x%08x", (unsigned)year, (unsigned)i);
            /* codes of no real province (99): counties, parent 99xx00 */
            snprintf(code, sizeof code, "99%02d%02d", i / 99 + 1, i % 99 + 1);
            snprintf(region, sizeof region, "测试县%d", i);
            doc_spec d = {id, region, code, NULL, "测试省", "county", year, NULL};
            /* even counties set 7, odd ones 6; the outcome of 2020 is 6.5 */
            target_spec t = GROWTH("gdp", i % 2 ? 6 : 7, "at_least");
            outcome_spec o = OUT_GROWTH("gdp", 2020, 6.5);
            add_doc_to(rules, a, &d, &t, 1, &o, year == 2021, sentence);
        }
    size_t kept = allocated_bytes() - before;
    fprintf(stderr, "across: %zu bytes kept for %d documents\n", kept, 2 * REGIONS);
    /* the sentences alone are 80 MB; what is kept is tens of bytes a row */
    assert_true(kept < (size_t)2 * REGIONS * 1024);
    doc_spec cn20 = {"c000000000002020", "全国", "100000", NULL, "", "national", 2020, NULL};
    doc_spec cn21 = {"c000000000002021", "全国", "100000", NULL, "", "national", 2021, NULL};
    target_spec cn_t[] = {GROWTH("gdp", 6, "at_least")};
    ADD_TARGETS(a, cn20, cn_t);
    ADD_TARGETS(a, cn21, cn_t);
    free(sentence);

    result res = {rules, rows_of(rules, a)};
    assert_int_equal(count_of(&res, TO), 2 * REGIONS + 2);
    assert_int_equal(count_where(&res, TO, WHERE("state=compared")), REGIONS);
    assert_int_equal(count_where(&res, TO, WHERE("state=compared", "met=yes")), REGIONS / 2);
    assert_int_equal(count_where(&res, TO, WHERE("state=compared", "met=no")), REGIONS / 2);
    assert_int_equal(count_where(&res, TO, WHERE("state=no_outcome")), REGIONS + 2);
    assert_int_equal(count_of(&res, TC), REGIONS + 1); /* and the country's 2021 against 2020 */
    assert_int_equal(count_where(&res, TC, WHERE("state=compared", "change=0")), REGIONS + 1);
    assert_int_equal(count_of(&res, ESC), 2 * REGIONS);
    assert_int_equal(count_where(&res, ESC, WHERE("state=no_parent_report")), 2 * REGIONS);
    assert_int_equal(count_where(&res, ESC, WHERE("national_difference=1")), REGIONS);
    assert_int_equal(count_where(&res, ESC, WHERE("national_difference=0")), REGIONS);
    assert_int_equal(count_of(&res, SUM), 2);
    for (size_t i = 0; i < 2; i++) {
        NUM(&res, SUM, i, "plan_year", 2020 + (int)i);
        NUM(&res, SUM, i, "regions", 0);
        NUM(&res, SUM, i, "national_regions", REGIONS);
        NUM(&res, SUM, i, "mean_national_difference", 0.5);
    }
    size_t r = FIND(&res, TO, "region_code=990101", "year=2020");
    NUM(&res, TO, r, "gap", -0.5);
    TEXT(&res, TO, r, "met", "no");
    TEXT(&res, TO, r, "outcome_doc_id", "000007e500000000");
    bg_rowset_free(res.out);
    bg_across_free(a);
}

/* ---- 6. one report per region and year ------------------------------------------ */

/* A region's report that comes twice (the same report from two sites, or a
 * second edition) counts once: the first in source order (across.h). */
static bg_across *corpus_with_a_second_report(void)
{
    bg_across *a = bg_across_new(rules);
    assert_non_null(a);
    doc_spec hb = {"e000000000002018", "湖北省", "420000", NULL, "湖北省", "province", 2018, NULL};
    target_spec hb_t[] = {GROWTH("gdp", 7.5, "about")};
    doc_spec xt = {"4000000000002018", "仙桃市", "429004", NULL, "湖北省", "county", 2018, NULL};
    target_spec xt_t[] = {GROWTH("gdp", 8, "about")};
    doc_spec xt_again = {"4100000000002018", "仙桃市", "429004", NULL, "湖北省", "county", 2018, NULL};
    target_spec xt_again_t[] = {GROWTH("gdp", 9, "about")};
    doc_spec hb_again = {"e100000000002018", "湖北省", "420000", NULL, "湖北省", "province", 2018, NULL};
    target_spec hb_again_t[] = {GROWTH("gdp", 6, "about")};
    doc_spec xt19 = {"4000000000002019", "仙桃市", "429004", NULL, "湖北省", "county", 2019, NULL};
    target_spec xt19_t[] = {GROWTH("gdp", 7.5, "about")};
    outcome_spec xt19_o[] = {OUT_GROWTH("gdp", 2018, 8.2)};
    doc_spec xt19_again = {"4100000000002019", "仙桃市", "429004", NULL, "湖北省", "county", 2019, NULL};
    outcome_spec xt19_again_o[] = {OUT_GROWTH("gdp", 2018, 7.0)};
    ADD_TARGETS(a, hb, hb_t);
    ADD_TARGETS(a, xt, xt_t);
    ADD_TARGETS(a, xt_again, xt_again_t);
    ADD_TARGETS(a, hb_again, hb_again_t);
    ADD(a, xt19, xt19_t, xt19_o);
    ADD_OUTCOMES(a, xt19_again, xt19_again_o);
    return a;
}

/* What a test that is expected to fail holds, freed by its teardown so
 * that the failure leaves no leak for LeakSanitizer. */
typedef struct held_objects {
    bg_across *across;
    bg_rowset *out;
} held_objects;

static int hold(void **state)
{
    *state = calloc(1, sizeof(held_objects));
    return *state ? 0 : -1;
}

static int free_held(void **state)
{
    held_objects *held = *state;
    bg_rowset_free(held->out);
    bg_across_free(held->across);
    free(held);
    return 0;
}

/* Every lookup of another report (next year's, the year before's, the
 * parent's) takes the first of its region and year. */
static void test_first_report_is_the_one_looked_up(void **state)
{
    (void)state;
    bg_across *a = corpus_with_a_second_report();
    result res = {rules, rows_of(rules, a)};
    size_t r = FIND(&res, TC, "region_code=429004", "plan_year=2019");
    NUM(&res, TC, r, "previous_value", 8);
    TEXT(&res, TC, r, "previous_doc_id", "4000000000002018");
    r = FIND(&res, TO, "region_code=429004", "year=2018", "target_doc_id=4000000000002018");
    NUM(&res, TO, r, "outcome_value", 8.2);
    TEXT(&res, TO, r, "met", "yes");
    TEXT(&res, TO, r, "outcome_doc_id", "4000000000002019");
    r = FIND(&res, ESC, "region_code=429004", "plan_year=2018", "doc_id=4000000000002018");
    NUM(&res, ESC, r, "parent_value", 7.5);
    TEXT(&res, ESC, r, "parent_doc_id", "e000000000002018");
    bg_rowset_free(res.out);
    bg_across_free(a);
}

/* Only the first report of a region and year counts: the second reports of
 * 仙桃市 2018 and 湖北省 2018 get no target_outcomes rows of their own, 仙桃市
 * 2018 one escalation row, and escalation_summary counts 仙桃市 once (2018
 * county: regions 1, mean_difference 0.5). (This test found the bug: the
 * second report used to be counted too.) */
static void test_second_report_of_a_region_and_year_is_not_counted(void **state)
{
    held_objects *held = *state; /* freed by free_held, also when an assertion fails */
    bg_across *a = held->across = corpus_with_a_second_report();
    result res = {rules, held->out = rows_of(rules, a)};
    size_t to = count_where(&res, TO, WHERE("target_doc_id=4100000000002018"));
    size_t to_hb = count_where(&res, TO, WHERE("target_doc_id=e100000000002018"));
    size_t esc = count_where(&res, ESC, WHERE("region_code=429004", "plan_year=2018"));
    size_t r = FIND(&res, SUM, "plan_year=2018", "region_level=county");
    const bg_cell *regions = cell_of(&res, SUM, r, "regions"), *mean = cell_of(&res, SUM, r, "mean_difference");
    fprintf(stderr,
            "second reports: target_outcomes rows 仙桃市 %zu 湖北省 %zu, escalation rows 仙桃市 %zu, "
            "summary regions %lld mean %g\n",
            to, to_hb, esc, (long long)regions->as.integer, mean->type == BG_TYPE_REAL ? mean->as.real : NAN);
    assert_int_equal(to, 0);
    assert_int_equal(to_hb, 0);
    assert_int_equal(esc, 1);
    NUM(&res, SUM, r, "regions", 1);
    NUM(&res, SUM, r, "mean_difference", 0.5);
}

/* ---- 7. nothing to summarise ------------------------------------------------------ */

/* When no target has a parent or national target to be compared with, the
 * summary has no cells: no rows, and (under UBSan) no qsort of a NULL array,
 * which this test found. */
static void test_nothing_to_summarise(void **state)
{
    (void)state;
    bg_across *a = bg_across_new(rules);
    assert_non_null(a);
    result res = {rules, rows_of(rules, a)}; /* no document at all */
    assert_int_equal(count_of(&res, TO), 0);
    assert_int_equal(count_of(&res, ESC), 0);
    assert_int_equal(count_of(&res, SUM), 0);
    assert_int_equal(count_of(&res, TC), 0);
    bg_rowset_free(res.out);
    /* one county without a parent report or the country's */
    doc_spec xt = {"4000000000002018", "仙桃市", "429004", NULL, "湖北省", "county", 2018, NULL};
    target_spec xt_t[] = {GROWTH("gdp", 8, "about")};
    ADD_TARGETS(a, xt, xt_t);
    res.out = rows_of(rules, a);
    assert_int_equal(count_of(&res, TO), 1);
    assert_int_equal(count_of(&res, ESC), 0);
    assert_int_equal(count_of(&res, SUM), 0);
    bg_rowset_free(res.out);
    bg_across_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_met_by_qualifier),
        cmocka_unit_test(test_target_outcomes),
        cmocka_unit_test(test_parent_by_code_as_of_the_year),
        cmocka_unit_test(test_escalation),
        cmocka_unit_test(test_summary_without_escalation),
        cmocka_unit_test(test_target_changes_across_rename),
        cmocka_unit_test(test_memory_follows_targets),
        cmocka_unit_test(test_first_report_is_the_one_looked_up),
        cmocka_unit_test_setup_teardown(test_second_report_of_a_region_and_year_is_not_counted, hold, free_held),
        cmocka_unit_test(test_nothing_to_summarise),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
