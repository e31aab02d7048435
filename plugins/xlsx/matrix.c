/* matrix.c — the sheets an analyst hands on, built from the targets:
 *
 *  - Targets matrix: the table a paper prints. One row per report, sorted by
 *    region code (newspaper interpretations after the reports, or left
 *    out), the identity columns frozen, one cell per indicator that stays a
 *    number and shows its qualifier through its number format (≥8.5% is
 *    0.085 formatted "≥"0.0%; a decline is written as the report writes it,
 *    下降3%以上; a range shows 7–7.5% and holds its lower bound).
 *  - GDP chart: one bar per region for the latest plan year, axis from 0,
 *    the year in the title, beside the numbers it draws.
 *  - Panels: when the run covers several plan years, one sheet per headline
 *    indicator, regions x years.
 *
 * Documents and targets are captured while rows arrive (a few strings per
 * target); everything else is computed in close(). */
#include "matrix.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Headline indicators, in the order a paper's table prints them: they come
 * first in the matrix; the first PANEL_COUNT get a panel each. */
static const char *const headline[] = {
    "gdp",
    "general_budget_revenue",
    "fixed_asset_investment",
    "retail_sales",
    "resident_income",
    "cpi",
    "urban_unemployment_rate",
    /* the panels end here */
    "local_general_budget_revenue",
    "industrial_value_added",
    "foreign_trade",
    "urban_resident_income",
    "rural_resident_income",
    "registered_unemployment_rate",
    "energy_intensity",
};
#define HEADLINE_COUNT (sizeof headline / sizeof headline[0])
#define PANEL_COUNT 7

/* Which target of an indicator a cell shows: the lowest rank, then the first.
 * A level is shown only when it is a rate (unit %): 城镇调查失业率5.5%以内, CPI 3%左右. */
enum { RANK_GROWTH, RANK_RATE, RANK_CHANGE, RANK_RELATION, RANK_ABSENT, RANK_NONE };

enum { D_DOC_ID, D_PROVINCE, D_REGION, D_REGION_CODE, D_LEVEL, D_PLAN_YEAR, D_DOC_TYPE, D_COUNT };
enum {
    T_DOC_ID,
    T_INDICATOR,
    T_INDICATOR_TEXT,
    T_KIND,
    T_VALUE,
    T_VALUE_MAX,
    T_UNIT,
    T_QUALIFIER,
    T_QUALIFIER_TEXT,
    T_VALUE_TEXT,
    T_REFERENCE,
    T_LABEL,
    T_COUNT
};

/* Marks a number format puts before a value, by qualifier. */
static const char *const qualifier_marks[][3] = {
    /* key, mark, what the report says */
    {"at_least", "\xE2\x89\xA5", "以上, 不低于"}, /* ≥ */
    {"about", "\xE2\x89\x88", "左右"},            /* ≈ */
    {"at_most", "\xE2\x89\xA4", "以内, 不超过"},  /* ≤ */
    {"above", ">", "超过, 高于"},
    {"below", "<", "低于"},
    {"exact", "", "(no qualifier)"},
};
#define MARK_COUNT (sizeof qualifier_marks / sizeof qualifier_marks[0])

static const char *mark_of(const char *qualifier)
{
    for (size_t i = 0; qualifier && i < MARK_COUNT; i++)
        if (strcmp(qualifier, qualifier_marks[i][0]) == 0)
            return qualifier_marks[i][1];
    return "";
}

/* The host's index of a column of table t, or -1 (identity columns the
 * plugin adds are not the host's). */
static int host_index(const xlsx_table *t, const char *name)
{
    for (size_t c = 0; c < t->column_count; c++)
        if (strcmp(t->columns[c].name, name) == 0)
            return t->columns[c].source >= XLSX_IDENTITY_COLUMNS ? t->columns[c].source - XLSX_IDENTITY_COLUMNS : -1;
    return -1;
}

void xlsx_matrix_documents_columns(xlsx_state *s, const xlsx_table *t)
{
    static const char *const names[D_COUNT] = {"doc_id", "province",  "region",  "region_code",
                                               "level",  "plan_year", "doc_type"};
    for (int i = 0; i < D_COUNT; i++)
        s->doc_col[i] = host_index(t, names[i]);
}

void xlsx_matrix_targets_columns(xlsx_state *s, const xlsx_table *t)
{
    static const char *const names[T_COUNT] = {"doc_id",    "indicator",      "indicator_text", "kind",
                                               "value",     "value_max",      "unit",           "qualifier",
                                               "qualifier_text", "value_text", "reference",     "indicator_label"};
    for (int i = 0; i < T_COUNT; i++)
        s->target_col[i] = host_index(t, names[i]);
}

static char *text_at(xlsx_state *s, const bg_cell *cells, int column)
{
    return column >= 0 ? xlsx_cell_dup(s, &cells[column]) : NULL;
}

bg_status xlsx_capture_document(xlsx_state *s, const bg_cell *cells)
{
    const int *col = s->doc_col;
    if (col[D_DOC_ID] < 0 || cells[col[D_DOC_ID]].type != BG_TYPE_TEXT)
        return BG_OK; /* no doc_id: nothing to join on */
    if (!xlsx_grow((void **)&s->docs, &s->doc_capacity, s->doc_count + 1, sizeof *s->docs))
        return xlsx_nomem(s, "documents");
    xlsx_doc *d = &s->docs[s->doc_count];
    memset(d, 0, sizeof *d);
    d->doc_id = text_at(s, cells, col[D_DOC_ID]);
    d->province = text_at(s, cells, col[D_PROVINCE]);
    d->region = text_at(s, cells, col[D_REGION]);
    d->region_code = text_at(s, cells, col[D_REGION_CODE]);
    d->level = text_at(s, cells, col[D_LEVEL]);
    d->doc_type = text_at(s, cells, col[D_DOC_TYPE]);
    if (col[D_PLAN_YEAR] >= 0 && cells[col[D_PLAN_YEAR]].type == BG_TYPE_INTEGER) {
        d->plan_year = cells[col[D_PLAN_YEAR]].as.integer;
        d->has_plan_year = true;
    }
    s->doc_count++; /* counted first, so free_state frees what was copied */
    return d->doc_id ? BG_OK : xlsx_nomem(s, "documents");
}

static int rank_of(const bg_cell *kind, const bg_cell *unit)
{
    if (xlsx_same_text(kind, "growth"))
        return RANK_GROWTH;
    if (xlsx_same_text(kind, "level"))
        return xlsx_same_text(unit, "%") ? RANK_RATE : RANK_NONE;
    if (xlsx_same_text(kind, "change"))
        return RANK_CHANGE;
    if (xlsx_same_text(kind, "relation"))
        return RANK_RELATION;
    if (xlsx_same_text(kind, "absent"))
        return RANK_ABSENT;
    return RANK_NONE;
}

static const bg_cell null_cell = {.type = BG_TYPE_NULL};

bg_status xlsx_capture_target(xlsx_state *s, const bg_cell *cells)
{
    const int *col = s->target_col;
    if (col[T_DOC_ID] < 0 || col[T_INDICATOR] < 0 || col[T_KIND] < 0)
        return BG_OK;
    const bg_cell *unit = col[T_UNIT] >= 0 ? &cells[col[T_UNIT]] : &null_cell;
    int rank = rank_of(&cells[col[T_KIND]], unit);
    if (rank == RANK_NONE || cells[col[T_DOC_ID]].type != BG_TYPE_TEXT || cells[col[T_INDICATOR]].type != BG_TYPE_TEXT)
        return BG_OK;
    const bg_cell *key = &cells[col[T_INDICATOR]];
    size_t i = 0;
    while (i < s->indicator_count && !(strlen(s->indicators[i].key) == key->as.text.length &&
                                       memcmp(s->indicators[i].key, key->as.text.data, key->as.text.length) == 0))
        i++;
    if (i == s->indicator_count) {
        if (!xlsx_grow((void **)&s->indicators, &s->indicator_capacity, i + 1, sizeof *s->indicators))
            return xlsx_nomem(s, "indicators");
        xlsx_indicator *ind = &s->indicators[i];
        memset(ind, 0, sizeof *ind);
        s->indicator_count++;
        ind->key = xlsx_cell_dup(s, key);
        /* Head the column with the ruleset's name for the indicator when the
         * host gives one (the same in every run), else the first wording. */
        const bg_cell *label = col[T_LABEL] >= 0 ? &cells[col[T_LABEL]] : NULL;
        if (label && label->type == BG_TYPE_TEXT && label->as.text.length > 0)
            ind->text = xlsx_cell_dup(s, label);
        else
            ind->text = text_at(s, cells, col[T_INDICATOR_TEXT]);
        if (!ind->key)
            return xlsx_nomem(s, "indicators");
    }
    if (!xlsx_grow((void **)&s->targets, &s->target_capacity, s->target_count + 1, sizeof *s->targets))
        return xlsx_nomem(s, "targets");
    xlsx_target *t = &s->targets[s->target_count];
    memset(t, 0, sizeof *t);
    s->target_count++;
    t->indicator = i;
    t->rank = rank;
    if (col[T_VALUE] >= 0 && cells[col[T_VALUE]].type == BG_TYPE_REAL) {
        t->value = cells[col[T_VALUE]].as.real;
        t->has_value = true;
    }
    if (col[T_VALUE_MAX] >= 0 && cells[col[T_VALUE_MAX]].type == BG_TYPE_REAL) {
        t->value_max = cells[col[T_VALUE_MAX]].as.real;
        t->has_value_max = true;
    }
    t->percent = xlsx_same_text(unit, "%");
    t->doc_id = xlsx_cell_dup(s, &cells[col[T_DOC_ID]]);
    t->kind = text_at(s, cells, col[T_KIND]);
    t->unit = text_at(s, cells, col[T_UNIT]);
    t->qualifier = text_at(s, cells, col[T_QUALIFIER]);
    t->qualifier_text = text_at(s, cells, col[T_QUALIFIER_TEXT]);
    t->written = text_at(s, cells, col[T_VALUE_TEXT]);
    t->reference = text_at(s, cells, col[T_REFERENCE]);
    return t->doc_id && t->kind ? BG_OK : xlsx_nomem(s, "targets");
}

/* ---- The grid: documents x indicators ------------------------------------ */

typedef struct grid {
    long *cells;    /* doc * indicator_count + indicator: the target shown, or -1 */
    size_t *order;  /* indicators in column order */
    size_t *rows;   /* documents in row order (reports, then interpretations) */
    size_t row_count, report_count;
} grid;

/* Open-addressing index of documents by doc_id. */
typedef struct doc_index {
    size_t *slots; /* doc index + 1; 0 is empty */
    size_t capacity;
} doc_index;

static uint64_t hash_string(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

static size_t *doc_slot(const xlsx_state *s, const doc_index *index, const char *doc_id)
{
    size_t i = (size_t)hash_string(doc_id) & (index->capacity - 1);
    while (index->slots[i] && strcmp(s->docs[index->slots[i] - 1].doc_id, doc_id) != 0)
        i = (i + 1) & (index->capacity - 1);
    return &index->slots[i];
}

static void free_doc(xlsx_doc *d)
{
    free(d->doc_id);
    free(d->province);
    free(d->region);
    free(d->region_code);
    free(d->level);
    free(d->doc_type);
}

static bool interpretation(const xlsx_doc *d)
{
    return d->doc_type && strcmp(d->doc_type, "interpretation") == 0;
}

static int compare_text(const char *a, const char *b)
{
    if (!a || !b)
        return (a == NULL) - (b == NULL); /* the missing after the present */
    return strcmp(a, b);
}

/* Row order: reports before interpretations, then by region code (none
 * last), plan year, region, doc_id. */
static int compare_docs(const xlsx_doc *a, const xlsx_doc *b)
{
    int c = (int)interpretation(a) - (int)interpretation(b);
    if (c)
        return c;
    if ((c = compare_text(a->region_code, b->region_code)) != 0)
        return c;
    if (a->has_plan_year != b->has_plan_year)
        return a->has_plan_year ? -1 : 1;
    if (a->plan_year != b->plan_year)
        return a->plan_year < b->plan_year ? -1 : 1;
    if ((c = compare_text(a->region, b->region)) != 0)
        return c;
    return compare_text(a->doc_id, b->doc_id);
}

/* qsort has no context argument: sort (key, index) pairs through a pointer
 * to the documents stored beside each index. */
typedef struct doc_ref {
    const xlsx_doc *doc;
    size_t index;
} doc_ref;

static int compare_refs(const void *a, const void *b)
{
    const doc_ref *x = a, *y = b;
    int c = compare_docs(x->doc, y->doc);
    return c ? c : (x->index > y->index) - (x->index < y->index);
}

static void grid_free(grid *g)
{
    free(g->cells);
    free(g->order);
    free(g->rows);
}

/* Headline indicators first, in their order; the others as first seen. */
static bool column_order(const xlsx_state *s, grid *g)
{
    g->order = malloc((s->indicator_count + 1) * sizeof *g->order);
    if (!g->order)
        return false;
    size_t n = 0;
    for (size_t h = 0; h < HEADLINE_COUNT; h++)
        for (size_t i = 0; i < s->indicator_count; i++)
            if (strcmp(s->indicators[i].key, headline[h]) == 0)
                g->order[n++] = i;
    for (size_t i = 0; i < s->indicator_count; i++) {
        bool is_headline = false;
        for (size_t h = 0; h < HEADLINE_COUNT && !is_headline; h++)
            is_headline = strcmp(s->indicators[i].key, headline[h]) == 0;
        if (!is_headline)
            g->order[n++] = i;
    }
    return true;
}

/* Every document of the run (duplicate doc_ids dropped), then those only
 * the targets table names; each cell the best target of its indicator. */
static bg_status build_grid(xlsx_state *s, grid *g)
{
    memset(g, 0, sizeof *g);
    doc_index index = {0};
    size_t need = (s->doc_count + s->target_count) * 2 + 2;
    index.capacity = 16;
    while (index.capacity < need)
        index.capacity *= 2;
    index.slots = calloc(index.capacity, sizeof *index.slots);
    long *doc_of_target = malloc((s->target_count + 1) * sizeof *doc_of_target);
    if (!index.slots || !doc_of_target) {
        free(index.slots);
        free(doc_of_target);
        return xlsx_nomem(s, "targets matrix");
    }
    size_t kept = 0;
    for (size_t d = 0; d < s->doc_count; d++) {
        size_t *slot = doc_slot(s, &index, s->docs[d].doc_id);
        if (*slot) {
            free_doc(&s->docs[d]);
            continue;
        }
        s->docs[kept] = s->docs[d];
        *slot = kept + 1; /* the slot found above is still the empty one */
        kept++;
    }
    s->doc_count = kept;
    bg_status status = BG_OK;
    for (size_t i = 0; i < s->target_count && status == BG_OK; i++) {
        xlsx_target *t = &s->targets[i];
        size_t *slot = doc_slot(s, &index, t->doc_id);
        if (!*slot) {
            if (!xlsx_grow((void **)&s->docs, &s->doc_capacity, s->doc_count + 1, sizeof *s->docs)) {
                status = xlsx_nomem(s, "targets matrix");
                break;
            }
            xlsx_doc *d = &s->docs[s->doc_count];
            memset(d, 0, sizeof *d);
            d->doc_id = xlsx_strdup(t->doc_id);
            if (!d->doc_id) {
                status = xlsx_nomem(s, "targets matrix");
                break;
            }
            *slot = ++s->doc_count;
        }
        doc_of_target[i] = (long)*slot - 1;
    }
    free(index.slots);
    size_t cells = s->doc_count * s->indicator_count;
    if (status == BG_OK && (!(g->cells = malloc((cells + 1) * sizeof *g->cells)) || !column_order(s, g)))
        status = xlsx_nomem(s, "targets matrix");
    if (status == BG_OK) {
        for (size_t i = 0; i < cells; i++)
            g->cells[i] = -1;
        for (size_t i = 0; i < s->target_count; i++) {
            long *cell = &g->cells[(size_t)doc_of_target[i] * s->indicator_count + s->targets[i].indicator];
            if (*cell < 0 || s->targets[i].rank < s->targets[*cell].rank)
                *cell = (long)i;
        }
    }
    free(doc_of_target);
    doc_ref *refs = status == BG_OK ? malloc((s->doc_count + 1) * sizeof *refs) : NULL;
    if (status == BG_OK && (!refs || !(g->rows = malloc((s->doc_count + 1) * sizeof *g->rows))))
        status = xlsx_nomem(s, "targets matrix");
    if (status == BG_OK) {
        for (size_t d = 0; d < s->doc_count; d++)
            refs[d] = (doc_ref){&s->docs[d], d};
        qsort(refs, s->doc_count, sizeof *refs, compare_refs);
        for (size_t d = 0; d < s->doc_count; d++) {
            if (!interpretation(refs[d].doc))
                g->report_count++;
            else if (!s->interpretations)
                continue;
            g->rows[g->row_count++] = refs[d].index;
        }
    }
    free(refs);
    if (status != BG_OK)
        grid_free(g);
    return status;
}

/* ---- One target in one cell ---------------------------------------------- */

/* Appends text to a number format as a quoted literal ("" and \ dropped). */
static void literal(char *out, size_t size, const char *text)
{
    size_t n = strlen(out);
    if (!text || !*text || n + 3 >= size)
        return;
    out[n++] = '"';
    for (const char *p = text; *p && n + 2 < size; p++)
        if (*p != '"' && *p != '\\')
            out[n++] = *p;
    out[n++] = '"';
    out[n] = '\0';
}

/* Decimals the value is written with (at most 3): 8 -> 0, 6.5 -> 1. */
static int decimals(double v)
{
    char text[64];
    xlsx_short_number(fabs(v), text, sizeof text);
    const char *dot = strchr(text, '.');
    int n = dot ? (int)strlen(dot + 1) : 0;
    return n > 3 ? 3 : n;
}

/* The words around the figure in the target as written: 下降3%以上 ->
 * 下降 and 以上. Returns false when the text holds no figure. */
static bool wording(const xlsx_target *t, char *before, char *after, size_t size)
{
    before[0] = after[0] = '\0';
    const char *w = t->written;
    if (!w)
        return false;
    const char *digit = w;
    while (*digit && !(*digit >= '0' && *digit <= '9'))
        digit++;
    if (!*digit)
        return false;
    snprintf(before, size, "%.*s", (int)(digit - w), w);
    const char *end = digit;
    while ((*end >= '0' && *end <= '9') || *end == '.' || *end == ',')
        end++;
    if (t->unit && *t->unit && strncmp(end, t->unit, strlen(t->unit)) == 0)
        end += strlen(t->unit);
    snprintf(after, size, "%s", end);
    return true;
}

/* The number format that shows a target's qualifier, and its decline as
 * written: "≥"0.0%;"下降"0.0%"以上". Not for ranges. */
static void target_format(const xlsx_target *t, char *out, size_t size)
{
    char number[32] = "0";
    int places = decimals(t->value);
    if (places) {
        strcat(number, ".");
        for (int i = 0; i < places; i++)
            strcat(number, "0");
    }
    if (t->percent)
        strcat(number, "%");
    char unit[160] = "";
    if (!t->percent && t->unit && *t->unit)
        literal(unit, sizeof unit, t->unit);
    out[0] = '\0';
    literal(out, size, mark_of(t->qualifier));
    snprintf(out + strlen(out), size - strlen(out), "%s%s", number, unit);
    if (t->value < 0) {
        char before[128], after[128];
        if (!wording(t, before, after, sizeof before) || !*before) {
            snprintf(before, sizeof before, "下降");
            snprintf(after, sizeof after, "%s", t->qualifier_text ? t->qualifier_text : "");
        }
        snprintf(out + strlen(out), size - strlen(out), ";");
        literal(out, size, before);
        snprintf(out + strlen(out), size - strlen(out), "%s%s", number, unit);
        literal(out, size, after);
    }
}

/* What a cell that holds no number says: 未设定 for an absent target, the
 * relation as written (与经济增长同步) for a relation. */
static void target_words(const xlsx_target *t, char *out, size_t size)
{
    if (t->kind && strcmp(t->kind, "absent") == 0)
        snprintf(out, size, "未设定");
    else if (t->written && *t->written)
        snprintf(out, size, "%s", t->written);
    else if (t->reference && *t->reference) {
        /* 与经济增长同步 / 相适应 / 基本同步, but 高于GDP增速, 低于全市平均水平 */
        const char *q = t->qualifier_text ? t->qualifier_text : "";
        if (strstr(q, "同步") || strstr(q, "适应") || strstr(q, "一致") || strstr(q, "相当") || !*q)
            snprintf(out, size, "与%s%s", t->reference, q);
        else
            snprintf(out, size, "%s%s", q, t->reference);
    }
    else
        snprintf(out, size, "%s", t->qualifier_text ? t->qualifier_text : "");
}

static bg_status write_target(xlsx_state *s, lxw_worksheet *ws, const char *sheet, lxw_row_t row, lxw_col_t col,
                              const xlsx_target *t)
{
    char text[512];
    if (!t->has_value || t->rank == RANK_RELATION || t->rank == RANK_ABSENT) {
        target_words(t, text, sizeof text);
        lxw_format *centred = xlsx_number_format(s, NULL, true);
        if (!centred)
            return xlsx_nomem(s, "number formats");
        if (*text)
            LXW_TRY(s, worksheet_write_string(ws, row, col, text, centred), sheet, row, "target");
        return BG_OK;
    }
    char code[512];
    if (t->qualifier && strcmp(t->qualifier, "range") == 0 && t->has_value_max) {
        /* the range as written, over its lower bound (what a filter sees) */
        char lo[48], hi[48], shown[128] = "";
        xlsx_short_number(t->value, lo, sizeof lo);
        xlsx_short_number(t->value_max, hi, sizeof hi);
        snprintf(shown, sizeof shown, "%s\xE2\x80\x93%s%s", lo, hi, t->percent ? "%" : t->unit ? t->unit : "");
        code[0] = '\0';
        literal(code, sizeof code, shown);
        lxw_format *f = xlsx_number_format(s, code, true);
        if (!f)
            return xlsx_nomem(s, "number formats");
        LXW_TRY(s, worksheet_write_number(ws, row, col, t->percent ? xlsx_percent(t->value) : t->value, f), sheet, row, "target");
        snprintf(text, sizeof text, "区间 %s–%s%s：单元格数值为下限 %s%s (range; the cell holds its lower bound)",
                 lo, hi, t->percent ? "%" : "", lo, t->percent ? "%" : "");
        lxw_comment_options options = {.author = "baogao", .x_scale = 2.0};
        LXW_TRY(s, worksheet_write_comment_opt(ws, row, col, text, &options), sheet, row, "comment");
        return BG_OK;
    }
    target_format(t, code, sizeof code);
    lxw_format *f = xlsx_number_format(s, code, true);
    if (!f)
        return xlsx_nomem(s, "number formats");
    LXW_TRY(s, worksheet_write_number(ws, row, col, t->percent ? xlsx_percent(t->value) : t->value, f), sheet, row, "target");
    return BG_OK;
}

/* ---- Sheet frames --------------------------------------------------------- */

typedef struct frame_column {
    const char *name, *label, *comment;
    unsigned width;
    bool code;
} frame_column;

/* Header row with comments, widths, frozen panes, autofilter, print setup. */
static bg_status frame(xlsx_state *s, lxw_worksheet *ws, const char *sheet, const frame_column *columns, size_t count,
                       size_t data_rows, lxw_col_t frozen)
{
    if (s->header == HEADER_BOTH)
        LXW_TRY(s, worksheet_set_row(ws, 0, 2 * LXW_DEF_ROW_HEIGHT, NULL), sheet, 0, "set_row");
    char ranges[512] = "";
    for (size_t c = 0; c < count; c++) {
        char text[512];
        xlsx_header_text(s, columns[c].name, columns[c].label, text, sizeof text);
        unsigned width = xlsx_text_width(text, strlen(text)) + 3;
        if (columns[c].width > width)
            width = columns[c].width;
        if (width > s->max_width)
            width = s->max_width;
        LXW_TRY(s,
                worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, width, columns[c].code ? s->f_text : NULL),
                sheet, 0, "set_column");
        LXW_TRY(s, worksheet_write_string(ws, 0, (lxw_col_t)c, text, s->f_header), sheet, 0, "header");
        if (columns[c].comment) {
            lxw_comment_options options = {.author = "baogao", .x_scale = 2.5, .y_scale = 1.5};
            LXW_TRY(s, worksheet_write_comment_opt(ws, 0, (lxw_col_t)c, columns[c].comment, &options), sheet, 0,
                    "comment");
        }
        if (columns[c].code && data_rows && strlen(ranges) + 32 < sizeof ranges) {
            char letters[8];
            xlsx_column_name((lxw_col_t)c, letters);
            snprintf(ranges + strlen(ranges), sizeof ranges - strlen(ranges), "%s%s2:%s%zu", *ranges ? " " : "",
                     letters, letters, data_rows + 1);
        }
    }
    worksheet_freeze_panes(ws, 1, frozen);
    if (count)
        LXW_TRY(s, worksheet_autofilter(ws, 0, 0, (lxw_row_t)data_rows, (lxw_col_t)(count - 1)), sheet, 0,
                "autofilter");
    if (*ranges)
        LXW_TRY(s, worksheet_ignore_errors(ws, LXW_IGNORE_NUMBER_STORED_AS_TEXT, ranges), sheet, 0, "ignore_errors");
    LXW_TRY(s, xlsx_print_setup(ws, true, frozen), sheet, 0, "print setup");
    return BG_OK;
}

static unsigned width_of(const char *text)
{
    return text ? xlsx_text_width(text, strlen(text)) + 2 : 0;
}

static const char *indicator_name(const xlsx_indicator *ind)
{
    return ind->text && *ind->text ? ind->text : ind->key;
}

/* The comment on an indicator's header: what its cells mean. */
static void indicator_comment(const xlsx_indicator *ind, char *out, size_t size)
{
    snprintf(out, size,
             "%s (%s). Each cell is the report's target, a number (percentages as Excel percentages) whose format "
             "shows the qualifier: \xE2\x89\xA5 以上, \xE2\x89\x88 左右, \xE2\x89\xA4 以内, > 高于, < 低于; a "
             "decline as written (下降3%%以上, the cell holds -3%%); a range as written (7–7.5%%, the cell holds "
             "the lower bound); 未设定 when the report sets no figure; a relation in words.",
             indicator_name(ind), ind->key);
}

/* ---- The Targets matrix --------------------------------------------------- */

enum { IDENTITY_SHOWN = 5 };

static bg_status write_identity(xlsx_state *s, lxw_worksheet *ws, const char *sheet, lxw_row_t row,
                                const xlsx_doc *d, bool year)
{
    if (d->province)
        LXW_TRY(s, worksheet_write_string(ws, row, 0, d->province, NULL), sheet, row, "province");
    if (d->region)
        LXW_TRY(s, worksheet_write_string(ws, row, 1, d->region, NULL), sheet, row, "region");
    if (d->region_code)
        LXW_TRY(s, worksheet_write_string(ws, row, 2, d->region_code, s->f_text), sheet, row, "region_code");
    if (d->level)
        LXW_TRY(s, worksheet_write_string(ws, row, 3, xlsx_documents_label(s, "level", d->level), NULL), sheet, row, "level");
    if (year && d->has_plan_year)
        LXW_TRY(s, worksheet_write_number(ws, row, 4, (double)d->plan_year, NULL), sheet, row, "plan_year");
    return BG_OK;
}

static void identity_widths(const xlsx_state *s, const grid *g, frame_column *columns)
{
    for (size_t r = 0; r < g->row_count; r++) {
        const xlsx_doc *d = &s->docs[g->rows[r]];
        const char *text[4] = {d->province, d->region, d->region_code, xlsx_documents_label(s, "level", d->level)};
        for (int c = 0; c < 4; c++)
            if (width_of(text[c]) > columns[c].width)
                columns[c].width = width_of(text[c]);
    }
}

static bg_status add_named_sheet(xlsx_state *s, const char *wanted, const char **name, lxw_worksheet **ws)
{
    *name = xlsx_claim_sheet_name(s, wanted, NULL);
    if (!*name)
        return xlsx_nomem(s, "sheet names");
    char **grown = realloc(s->matrix_sheets, (s->matrix_sheet_count + 1) * sizeof *grown);
    if (!grown)
        return xlsx_nomem(s, "sheet names");
    s->matrix_sheets = grown;
    s->matrix_sheets[s->matrix_sheet_count++] = (char *)*name;
    *ws = xlsx_add_sheet(s, *name);
    if (!*ws)
        return xlsx_host->fail(s->ctx, BG_ERR_FORMAT, "%s: cannot add sheet '%s'", s->path, *name);
    return BG_OK;
}

static bg_status write_matrix(xlsx_state *s, const grid *g)
{
    const char *sheet;
    lxw_worksheet *ws;
    bg_status status = add_named_sheet(s, "Targets matrix", &sheet, &ws);
    if (status != BG_OK)
        return status;
    size_t count = IDENTITY_SHOWN + s->indicator_count + 2;
    frame_column *columns = calloc(count, sizeof *columns);
    char (*comments)[1024] = calloc(s->indicator_count + 1, sizeof *comments);
    if (!columns || !comments) {
        free(columns);
        free(comments);
        return xlsx_nomem(s, "targets matrix");
    }
    columns[0] = (frame_column){"province", "省份", NULL, 0, false};
    columns[1] = (frame_column){"region", "地区", NULL, 0, false};
    columns[2] = (frame_column){"region_code", "行政区划代码", NULL, 8, true};
    columns[3] = (frame_column){"region_level", "级别", NULL, 0, false};
    columns[4] = (frame_column){"plan_year", "计划年份", NULL, 0, false};
    identity_widths(s, g, columns);
    for (size_t k = 0; k < s->indicator_count; k++) {
        const xlsx_indicator *ind = &s->indicators[g->order[k]];
        indicator_comment(ind, comments[k], sizeof comments[k]);
        columns[IDENTITY_SHOWN + k] = (frame_column){ind->key, indicator_name(ind), comments[k], 11, false};
    }
    /* a column as wide as its words (未设定, 与经济增长同步), numbers fit in 11 */
    for (size_t r = 0; r < g->row_count; r++)
        for (size_t k = 0; k < s->indicator_count; k++) {
            long i = g->cells[g->rows[r] * s->indicator_count + g->order[k]];
            const xlsx_target *t = i >= 0 ? &s->targets[i] : NULL;
            if (!t || (t->has_value && t->rank != RANK_RELATION && t->rank != RANK_ABSENT))
                continue;
            char text[512];
            target_words(t, text, sizeof text);
            if (width_of(text) > columns[IDENTITY_SHOWN + k].width)
                columns[IDENTITY_SHOWN + k].width = width_of(text);
        }
    columns[count - 2] = (frame_column){"doc_type", "文档类型", NULL, 0, false};
    columns[count - 1] = (frame_column){"doc_id", "文档编号", NULL, 18, true};
    status = frame(s, ws, sheet, columns, count, g->row_count, IDENTITY_SHOWN);
    free(comments);
    free(columns);
    for (size_t r = 0; r < g->row_count && status == BG_OK; r++) {
        const xlsx_doc *d = &s->docs[g->rows[r]];
        lxw_row_t row = (lxw_row_t)(r + 1);
        status = write_identity(s, ws, sheet, row, d, true);
        for (size_t k = 0; k < s->indicator_count && status == BG_OK; k++) {
            long i = g->cells[g->rows[r] * s->indicator_count + g->order[k]];
            if (i >= 0)
                status = write_target(s, ws, sheet, row, (lxw_col_t)(IDENTITY_SHOWN + k), &s->targets[i]);
        }
        if (status == BG_OK && d->doc_type) {
            lxw_error err = worksheet_write_string(ws, row, (lxw_col_t)(count - 2), xlsx_documents_label(s, "doc_type", d->doc_type),
                                                   NULL);
            status = err == LXW_NO_ERROR ? BG_OK : xlsx_lxw_failed(s, err, sheet, row, "doc_type");
        }
        if (status == BG_OK) {
            lxw_error err = worksheet_write_string(ws, row, (lxw_col_t)(count - 1), d->doc_id, s->f_text);
            status = err == LXW_NO_ERROR ? BG_OK : xlsx_lxw_failed(s, err, sheet, row, "doc_id");
        }
    }
    return status;
}

/* ---- The GDP chart --------------------------------------------------------- */

static long gdp_indicator(const xlsx_state *s)
{
    for (size_t i = 0; i < s->indicator_count; i++)
        if (strcmp(s->indicators[i].key, "gdp") == 0)
            return (long)i;
    return -1;
}

/* The region a panel or chart row stands for: its code, else its name. */
static const char *region_key(const xlsx_doc *d)
{
    return d->region_code ? d->region_code : d->region;
}

static const xlsx_target *numeric_target(const xlsx_state *s, const grid *g, size_t doc, long indicator)
{
    long i = g->cells[doc * s->indicator_count + (size_t)indicator];
    if (i < 0)
        return NULL;
    const xlsx_target *t = &s->targets[i];
    return t->has_value && t->rank <= RANK_CHANGE ? t : NULL;
}

static bg_status write_gdp_chart(xlsx_state *s, const grid *g)
{
    long gdp = gdp_indicator(s);
    bool found = false;
    int64_t year = 0;
    for (size_t r = 0; gdp >= 0 && r < g->report_count; r++) {
        const xlsx_doc *d = &s->docs[g->rows[r]];
        if (d->has_plan_year && region_key(d) && numeric_target(s, g, g->rows[r], gdp) &&
            (!found || d->plan_year > year)) {
            year = d->plan_year;
            found = true;
        }
    }
    if (!found) {
        xlsx_host->log(s->ctx, BG_LOG_INFO, "no report with a GDP growth target: the workbook has no GDP chart");
        return BG_OK;
    }
    /* the reports of that year, one per region, in region-code order */
    size_t *picked = malloc((g->report_count + 1) * sizeof *picked);
    if (!picked)
        return xlsx_nomem(s, "GDP chart");
    size_t n = 0;
    bool negative = false;
    for (size_t r = 0; r < g->report_count; r++) {
        const xlsx_doc *d = &s->docs[g->rows[r]];
        const xlsx_target *t = numeric_target(s, g, g->rows[r], gdp);
        if (!d->has_plan_year || d->plan_year != year || !region_key(d) || !t)
            continue;
        if (n && strcmp(region_key(&s->docs[picked[n - 1]]), region_key(d)) == 0)
            continue;
        negative |= t->value < 0;
        picked[n++] = g->rows[r];
    }
    char wanted[64], title[160];
    snprintf(wanted, sizeof wanted, "GDP %" PRId64, year);
    snprintf(title, sizeof title, "%" PRId64 "年地区生产总值增长目标 GDP growth targets, %" PRId64, year, year);
    const char *sheet;
    lxw_worksheet *ws;
    bg_status status = add_named_sheet(s, wanted, &sheet, &ws);
    frame_column columns[6] = {{"province", "省份", NULL, 0, false},
                               {"region", "地区", NULL, 0, false},
                               {"region_code", "行政区划代码", NULL, 8, true},
                               {"region_level", "级别", NULL, 0, false},
                               {"gdp", "地区生产总值增长目标", NULL, 12, false},
                               {"value_text", "目标原文", NULL, 0, false}};
    for (size_t k = 0; k < n; k++) {
        const xlsx_doc *d = &s->docs[picked[k]];
        const char *text[4] = {d->province, d->region, d->region_code, xlsx_documents_label(s, "level", d->level)};
        for (int c = 0; c < 4; c++)
            if (width_of(text[c]) > columns[c].width)
                columns[c].width = width_of(text[c]);
        const xlsx_target *t = numeric_target(s, g, picked[k], gdp);
        if (width_of(t->written) > columns[5].width)
            columns[5].width = width_of(t->written);
    }
    if (status == BG_OK)
        status = frame(s, ws, sheet, columns, 6, n, 2);
    for (size_t k = 0; k < n && status == BG_OK; k++) {
        lxw_row_t row = (lxw_row_t)(k + 1);
        const xlsx_target *t = numeric_target(s, g, picked[k], gdp);
        status = write_identity(s, ws, sheet, row, &s->docs[picked[k]], false);
        if (status == BG_OK)
            status = write_target(s, ws, sheet, row, 4, t);
        if (status == BG_OK && t->written) {
            lxw_error err = worksheet_write_string(ws, row, 5, t->written, NULL);
            status = err == LXW_NO_ERROR ? BG_OK : xlsx_lxw_failed(s, err, sheet, row, "value_text");
        }
    }
    free(picked);
    if (status != BG_OK)
        return status;
    lxw_chart *chart = workbook_add_chart(s->workbook, LXW_CHART_BAR);
    lxw_chart_series *series = chart ? chart_add_series(chart, NULL, NULL) : NULL;
    if (!series)
        return xlsx_nomem(s, "chart");
    chart_series_set_categories(series, sheet, 1, 1, (lxw_row_t)n, 1);
    chart_series_set_values(series, sheet, 1, 4, (lxw_row_t)n, 4);
    chart_series_set_name(series, "GDP growth target");
    chart_series_set_labels(series);
    chart_series_set_labels_num_format(series, "0.0#%");
    chart_title_set_name(chart, title);
    /* In libxlsxwriter's bar chart, y_axis is the vertical category axis and
     * x_axis the horizontal value axis (checked in the chart XML). */
    chart_axis_set_num_format(chart->x_axis, "0%");
    if (!negative)
        chart_axis_set_min(chart->x_axis, 0); /* bars from 0: no exaggerated differences */
    chart_axis_set_reverse(chart->y_axis);                                           /* first region on top */
    chart_axis_set_label_position(chart->y_axis, LXW_CHART_AXIS_LABEL_POSITION_LOW); /* clear of negative bars */
    chart_legend_set_position(chart, LXW_CHART_LEGEND_NONE);
    double height = 80.0 + 20.0 * (double)n;
    lxw_chart_options options = {.x_offset = 10,
                                 .y_offset = 4,
                                 .x_scale = 1.6,
                                 .y_scale = height < 288     ? 1.0
                                            : height > 11520 ? 40.0
                                                             : height / 288.0,
                                 .object_position = LXW_OBJECT_DONT_MOVE_DONT_SIZE,
                                 .description = "Bar chart of each region's GDP growth target"};
    LXW_TRY(s, worksheet_insert_chart_opt(ws, 0, 7, chart, &options), sheet, 0, "chart");
    return BG_OK;
}

/* ---- Panels: regions x years ----------------------------------------------- */

/* Most plan-year columns a panel spans (a corpus of 1981–2060 fits). */
#define PANEL_YEARS_MAX 80

static bg_status write_panel(xlsx_state *s, const grid *g, long indicator, int64_t first, int64_t last)
{
    const xlsx_indicator *ind = &s->indicators[indicator];
    /* rows: one per region that has this indicator in some year */
    size_t *starts = malloc((g->report_count + 1) * sizeof *starts);
    if (!starts)
        return xlsx_nomem(s, "panel");
    size_t regions = 0;
    for (size_t r = 0; r < g->report_count;) {
        const xlsx_doc *d = &s->docs[g->rows[r]];
        size_t end = r + 1;
        while (end < g->report_count && region_key(d) && region_key(&s->docs[g->rows[end]]) &&
               strcmp(region_key(d), region_key(&s->docs[g->rows[end]])) == 0)
            end++;
        bool has = false;
        for (size_t k = r; k < end && !has && region_key(d); k++)
            has = g->cells[g->rows[k] * s->indicator_count + (size_t)indicator] >= 0;
        if (has)
            starts[regions++] = r;
        r = end;
    }
    char wanted[128];
    snprintf(wanted, sizeof wanted, "面板 %s", indicator_name(ind));
    const char *sheet;
    lxw_worksheet *ws;
    bg_status status = add_named_sheet(s, wanted, &sheet, &ws);
    size_t years = (size_t)(last - first + 1);
    size_t count = 4 + years;
    frame_column *columns = calloc(count, sizeof *columns);
    char (*names)[24] = calloc(years, sizeof *names);
    char comment[1024];
    indicator_comment(ind, comment, sizeof comment);
    if (status == BG_OK && (!columns || !names))
        status = xlsx_nomem(s, "panel");
    if (status == BG_OK) {
        columns[0] = (frame_column){"province", "省份", NULL, 0, false};
        columns[1] = (frame_column){"region", "地区", NULL, 0, false};
        columns[2] = (frame_column){"region_code", "行政区划代码", NULL, 8, true};
        columns[3] = (frame_column){"region_level", "级别", NULL, 0, false};
        for (size_t y = 0; y < years; y++) {
            snprintf(names[y], sizeof names[y], "%" PRId64, first + (int64_t)y);
            columns[4 + y] = (frame_column){names[y], names[y], y == 0 ? comment : NULL, 10, false};
        }
        for (size_t k = 0; k < regions; k++) {
            const xlsx_doc *d = &s->docs[g->rows[starts[k]]];
            const char *text[4] = {d->province, d->region, d->region_code, xlsx_documents_label(s, "level", d->level)};
            for (int c = 0; c < 4; c++)
                if (width_of(text[c]) > columns[c].width)
                    columns[c].width = width_of(text[c]);
        }
        status = frame(s, ws, sheet, columns, count, regions, 4);
    }
    free(columns);
    free(names);
    for (size_t k = 0; k < regions && status == BG_OK; k++) {
        lxw_row_t row = (lxw_row_t)(k + 1);
        size_t r = starts[k];
        const char *key = region_key(&s->docs[g->rows[r]]);
        /* the region's latest report names it */
        size_t latest = r;
        lxw_col_t written_col = 0;
        for (; r < g->report_count && region_key(&s->docs[g->rows[r]]) &&
               strcmp(region_key(&s->docs[g->rows[r]]), key) == 0;
             r++) {
            const xlsx_doc *d = &s->docs[g->rows[r]];
            latest = r;
            long i = g->cells[g->rows[r] * s->indicator_count + (size_t)indicator];
            if (i < 0 || !d->has_plan_year || d->plan_year < first || d->plan_year > last)
                continue;
            lxw_col_t col = (lxw_col_t)(4 + (d->plan_year - first));
            if (col == written_col)
                continue; /* a second report of the same year: the first one counts */
            written_col = col;
            status = write_target(s, ws, sheet, row, col, &s->targets[i]);
            if (status != BG_OK)
                break;
        }
        if (status == BG_OK)
            status = write_identity(s, ws, sheet, row, &s->docs[g->rows[latest]], false);
    }
    free(starts);
    return status;
}

/* How many distinct plan years have a report with this indicator (2 is enough). */
static int years_with(const xlsx_state *s, const grid *g, long indicator)
{
    bool found = false;
    int64_t seen = 0;
    for (size_t r = 0; r < g->report_count; r++) {
        const xlsx_doc *d = &s->docs[g->rows[r]];
        if (!d->has_plan_year || g->cells[g->rows[r] * s->indicator_count + (size_t)indicator] < 0)
            continue;
        if (found && d->plan_year != seen)
            return 2;
        seen = d->plan_year;
        found = true;
    }
    return found ? 1 : 0;
}

static bg_status write_panels(xlsx_state *s, const grid *g)
{
    int64_t first = 0, last = 0;
    bool any = false;
    for (size_t r = 0; r < g->report_count; r++) {
        const xlsx_doc *d = &s->docs[g->rows[r]];
        if (!d->has_plan_year)
            continue;
        if (!any || d->plan_year < first)
            first = d->plan_year;
        if (!any || d->plan_year > last)
            last = d->plan_year;
        any = true;
    }
    if (!any || first == last)
        return BG_OK; /* one plan year: the matrix is the panel */
    if (last - first + 1 > PANEL_YEARS_MAX) {
        xlsx_host->log(s->ctx, BG_LOG_WARN, "plan years %" PRId64 "–%" PRId64 " span more than %d years: panels "
                       "show the last %d", first, last, PANEL_YEARS_MAX, PANEL_YEARS_MAX);
        first = last - PANEL_YEARS_MAX + 1;
    }
    for (size_t h = 0; h < PANEL_COUNT; h++)
        for (size_t i = 0; i < s->indicator_count; i++)
            if (strcmp(s->indicators[i].key, headline[h]) == 0 && years_with(s, g, (long)i) >= 2) {
                bg_status status = write_panel(s, g, (long)i, first, last);
                if (status != BG_OK)
                    return status;
            }
    return BG_OK;
}

bg_status xlsx_write_matrix_sheets(xlsx_state *s)
{
    if (s->doc_count + s->target_count > XLSX_DATA_ROWS_MAX || s->indicator_count > 8000) {
        xlsx_host->log(s->ctx, BG_LOG_WARN, "too many documents or indicators for one sheet: no Targets matrix");
        return BG_OK;
    }
    grid g;
    bg_status status = build_grid(s, &g);
    if (status != BG_OK)
        return status;
    status = write_matrix(s, &g);
    if (status == BG_OK)
        status = write_gdp_chart(s, &g);
    if (status == BG_OK && s->panels)
        status = write_panels(s, &g);
    grid_free(&g);
    return status;
}

size_t xlsx_matrix_notes(const xlsx_state *s, char (*lines)[XLSX_NOTE_MAX], size_t max)
{
    size_t n = 0;
    if (!s->matrix_sheet_count || max < MARK_COUNT + 6)
        return 0;
    char *line = lines[n++];
    snprintf(line, XLSX_NOTE_MAX, "Sheets");
    for (size_t i = 0; i < s->matrix_sheet_count; i++)
        snprintf(line + strlen(line), XLSX_NOTE_MAX - strlen(line), "%s '%s'", i ? "," : "", s->matrix_sheets[i]);
    snprintf(line + strlen(line), XLSX_NOTE_MAX - strlen(line), ".");
    snprintf(lines[n++], XLSX_NOTE_MAX,
             "Targets matrix: one row per report, sorted by region code (%s), the identity columns frozen; one "
             "cell per indicator.",
             s->interpretations ? "newspaper interpretations after the reports" : "newspaper interpretations left out");
    snprintf(lines[n++], XLSX_NOTE_MAX,
             "A cell is a number (8.5%% is 0.085) whose number format shows the qualifier; a decline is shown as "
             "written (下降3%%以上 holds -0.03); a range as written (7–7.5%%) holds its lower bound.");
    snprintf(lines[n++], XLSX_NOTE_MAX,
             "未设定: the report says it sets no figure. A relation (与经济增长同步) is text. Growth targets come "
             "first; a rate level (失业率, CPI) fills the cell when the report gives no growth figure.");
    snprintf(lines[n++], XLSX_NOTE_MAX,
             "GDP sheet: one bar per region for the latest plan year, axis from 0. Panels (面板 …): a sheet per "
             "headline indicator (GDP, budget revenue, investment, retail sales, income, CPI, unemployment) that "
             "reports of several plan years set: regions x plan years.");
    snprintf(lines[n++], XLSX_NOTE_MAX, "Marks:");
    for (size_t i = 0; i < MARK_COUNT; i++)
        snprintf(lines[n++], XLSX_NOTE_MAX, "%s  %s: %s", *qualifier_marks[i][1] ? qualifier_marks[i][1] : "(none)",
                 qualifier_marks[i][0], qualifier_marks[i][2]);
    return n;
}

void xlsx_matrix_free(xlsx_state *s)
{
    for (size_t i = 0; i < s->doc_count; i++)
        free_doc(&s->docs[i]);
    free(s->docs);
    for (size_t i = 0; i < s->target_count; i++) {
        xlsx_target *t = &s->targets[i];
        free(t->doc_id);
        free(t->kind);
        free(t->unit);
        free(t->qualifier);
        free(t->qualifier_text);
        free(t->written);
        free(t->reference);
    }
    free(s->targets);
    for (size_t i = 0; i < s->indicator_count; i++) {
        free(s->indicators[i].key);
        free(s->indicators[i].text);
    }
    free(s->indicators);
    free(s->matrix_sheets); /* the names themselves are in used_names */
}
