/* charts.c — a chart beside the data of the sheets that have one:
 *
 *  - outcomes: the GDP growth each report says its region achieved the year
 *    before (indicator gdp, kind growth), one column per region and year;
 *  - target_outcomes (目标与完成): target against outcome, a scatter with the
 *    line outcome = target, where the bunching of outcomes at the target
 *    shows;
 *  - escalation (层层加码): the parent's target against the region's own;
 *  - escalation_summary: the mean escalation of each plan year, indicator
 *    and level, one column each;
 *  - target_changes (目标调整): last year's target against this year's.
 *
 * A chart reads a contiguous range of its own that the sheet holds right of
 * the data (one blank column between): only the rows that have every value
 * the chart draws, so a NULL never becomes a zero or a gap. The points are
 * captured as rows arrive (two numbers and a short label each) and kept
 * until close(), so a range stops at XLSX_CHART_POINTS_MAX points (an info
 * log says so); the rows themselves stay spooled on disk, as every table's.
 * Scatters and the outcomes chart draw rates only (values in %, as Excel
 * percentages like the cells beside them): a level in 亿元 next to a rate
 * of 6% would squash every rate into a corner. */
#include "charts.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef enum chart_kind { CHART_COLUMN, CHART_SCATTER } chart_kind;

/* How a column chart names its columns. */
typedef enum chart_category {
    CATEGORY_NONE,
    CATEGORY_REGION_YEAR,          /* 株洲市芦淞区 2021, sorted by region code and year */
    CATEGORY_YEAR_INDICATOR_LEVEL, /* 2022 地区生产总值 县, in arrival order */
} chart_category;

typedef struct chart_spec {
    const char *table;
    chart_kind kind;
    const char *title;
    const char *x, *y;       /* the columns drawn: x only for a scatter */
    const char *y_name;      /* the value axis' title, NULL: y's label */
    const char *diagonal;    /* a scatter's y = x line, by name */
    const char *where[2][2]; /* rows drawn: column = code, or NULL */
    chart_category category;
    bool rates_only;         /* only values in % (see the file's comment) */
    const char *none;        /* what no point means, for the log */
    const char *description; /* alternative text of the chart */
} chart_spec;

static const chart_spec chart_specs[] = {
    {.table = "outcomes",
     .kind = CHART_COLUMN,
     .title = "上年地区生产总值增长 GDP growth achieved",
     .y = "value",
     .y_name = "地区生产总值增长",
     .where = {{"indicator", "gdp"}, {"kind", "growth"}},
     .category = CATEGORY_REGION_YEAR,
     .rates_only = true,
     .none = "no GDP growth outcome in % (indicator gdp, kind growth)",
     .description = "Column chart of the GDP growth each region achieved, by region and year"},
    {.table = "target_outcomes",
     .kind = CHART_SCATTER,
     .title = "目标与完成",
     .x = "target_value",
     .y = "outcome_value",
     .diagonal = "完成 = 目标",
     .rates_only = true,
     .none = "no row with both target_value and outcome_value in %",
     .description = "Scatter of each target (x) against the outcome the next year's report states (y)"},
    {.table = "escalation",
     .kind = CHART_SCATTER,
     .title = "层层加码",
     .x = "parent_value",
     .y = "value",
     .diagonal = "本级 = 上级",
     .rates_only = true,
     .none = "no row with both parent_value and value in %",
     .description = "Scatter of the parent's target (x) against the region's own (y)"},
    {.table = "escalation_summary",
     .kind = CHART_COLUMN,
     .title = "平均加码幅度 Mean escalation",
     .y = "mean_difference",
     .category = CATEGORY_YEAR_INDICATOR_LEVEL,
     .none = "no row with a mean_difference",
     .description = "Column chart of the mean escalation of each plan year, indicator and level"},
    {.table = "target_changes",
     .kind = CHART_SCATTER,
     .title = "目标调整",
     .x = "previous_value",
     .y = "value",
     .diagonal = "本年 = 上年",
     .rates_only = true,
     .none = "no row with both previous_value and value in %",
     .description = "Scatter of last year's target (x) against this year's (y)"},
};

typedef struct chart_point {
    double x, y;    /* as the sheet holds them: a percent is an Excel percentage */
    char *category; /* a column chart's label */
    char *order;    /* CATEGORY_REGION_YEAR: the region code it sorts by */
    int64_t year;
} chart_point;

struct xlsx_chart {
    const chart_spec *spec;
    int x, y;        /* sheet columns of the values (x: -1 for a column chart) */
    int where[2];    /* sheet columns of spec->where, -1 when unused */
    int category[3]; /* sheet columns a label is made of, -1 when unused */
    bool percent;    /* the values are percentages (rates_only: always) */
    bool percent_known;
    chart_point *points;
    size_t count, capacity;
    uint64_t dropped; /* points past XLSX_CHART_POINTS_MAX */
    uint64_t unit_skipped;
    double low, high; /* of every x and y: the ends of the diagonal */
    bool negative;    /* some y below 0: a column chart's axis may not start at 0 */
    lxw_col_t first;  /* the range's first column */
    bool drawn;
};

static int sheet_column(const xlsx_table *t, const char *name)
{
    for (size_t c = 0; name && c < t->column_count; c++)
        if (strcmp(t->columns[c].name, name) == 0)
            return (int)c;
    return -1;
}

bool xlsx_chart_setup(xlsx_state *s, xlsx_table *t)
{
    (void)s;
    const chart_spec *spec = NULL;
    for (size_t i = 0; i < sizeof chart_specs / sizeof chart_specs[0] && !spec; i++)
        if (strcmp(chart_specs[i].table, t->name) == 0)
            spec = &chart_specs[i];
    if (!spec)
        return true;
    int x = sheet_column(t, spec->x), y = sheet_column(t, spec->y);
    int where[2] = {sheet_column(t, spec->where[0][0]), sheet_column(t, spec->where[1][0])};
    static const char *const parts[][3] = {
        [CATEGORY_NONE] = {NULL, NULL, NULL},
        [CATEGORY_REGION_YEAR] = {"region", "year", "region_code"},
        [CATEGORY_YEAR_INDICATOR_LEVEL] = {"plan_year", "indicator_label", "region_level"},
    };
    int category[3];
    for (int k = 0; k < 3; k++)
        category[k] = sheet_column(t, parts[spec->category][k]);
    /* a table of that name without the columns (an older host's, a custom
     * rule's) goes without */
    if (y < 0 || (spec->kind == CHART_SCATTER && x < 0) || (spec->where[0][0] && where[0] < 0) ||
        (spec->where[1][0] && where[1] < 0) || (spec->category != CATEGORY_NONE && category[0] < 0))
        return true;
    struct xlsx_chart *chart = calloc(1, sizeof *chart);
    if (!chart)
        return false;
    chart->spec = spec;
    chart->x = x;
    chart->y = y;
    memcpy(chart->where, where, sizeof where);
    memcpy(chart->category, category, sizeof category);
    chart->percent = spec->rates_only;
    chart->percent_known = spec->rates_only;
    t->chart = chart;
    return true;
}

/* A number cell's value, false when it is not a number. */
static bool number_of(const bg_cell *cell, double *v)
{
    if (cell->type == BG_TYPE_REAL)
        *v = cell->as.real;
    else if (cell->type == BG_TYPE_INTEGER)
        *v = (double)cell->as.integer;
    else
        return false;
    return isfinite(*v);
}

/* A text cell as a NUL-terminated copy, the code's label when the column
 * has one; NULL when it is not text or out of memory (*nomem). */
static char *label_of(const xlsx_column *col, const bg_cell *cell, bool *nomem)
{
    if (cell->type != BG_TYPE_TEXT || !cell->as.text.length)
        return NULL;
    char *text = malloc(cell->as.text.length + 1);
    if (!text) {
        *nomem = true;
        return NULL;
    }
    memcpy(text, cell->as.text.data, cell->as.text.length);
    text[cell->as.text.length] = '\0';
    const char *label = xlsx_value_label(col->values, col->value_count, text);
    if (label) {
        char *copy = xlsx_strdup(label);
        free(text);
        if (!copy)
            *nomem = true;
        return copy;
    }
    return text;
}

/* A column chart's label of a row (malloc'ed), and what it sorts by. */
static bool make_category(const xlsx_table *t, const struct xlsx_chart *chart, const bg_cell *cells, chart_point *point)
{
    bool nomem = false;
    char *part[3] = {NULL, NULL, NULL};
    char number[32] = "";
    const int *c = chart->category;
    if (chart->spec->category == CATEGORY_REGION_YEAR) {
        part[0] = label_of(&t->columns[c[0]], &cells[c[0]], &nomem);
        part[2] = c[2] >= 0 ? label_of(&t->columns[c[2]], &cells[c[2]], &nomem) : NULL;
        if (c[1] >= 0 && cells[c[1]].type == BG_TYPE_INTEGER) {
            point->year = cells[c[1]].as.integer;
            snprintf(number, sizeof number, " %" PRId64, point->year);
        }
        if (!part[0] && part[2] && !(part[0] = xlsx_strdup(part[2]))) /* no name: the code */
            nomem = true;
    } else {
        if (cells[c[0]].type == BG_TYPE_INTEGER)
            snprintf(number, sizeof number, "%" PRId64 " ", cells[c[0]].as.integer);
        part[0] = c[1] >= 0 ? label_of(&t->columns[c[1]], &cells[c[1]], &nomem) : NULL;
        if (!part[0]) { /* no name in the ruleset: the key */
            int key = sheet_column(t, "indicator");
            part[0] = key >= 0 ? label_of(&t->columns[key], &cells[key], &nomem) : NULL;
        }
        part[1] = c[2] >= 0 ? label_of(&t->columns[c[2]], &cells[c[2]], &nomem) : NULL;
    }
    const char *name = part[0] ? part[0] : "?";
    size_t n = strlen(name) + strlen(number) + (part[1] ? strlen(part[1]) + 1 : 0) + 1;
    point->category = nomem ? NULL : malloc(n);
    if (point->category) {
        if (chart->spec->category == CATEGORY_REGION_YEAR)
            snprintf(point->category, n, "%s%s", name, number);
        else
            snprintf(point->category, n, "%s%s%s%s", number, name, part[1] ? " " : "", part[1] ? part[1] : "");
    }
    point->order = part[2]; /* the region code, kept; NULL for the summary */
    if (chart->spec->category != CATEGORY_REGION_YEAR) {
        free(part[2]);
        point->order = NULL;
    }
    free(part[0]);
    free(part[1]);
    return point->category != NULL;
}

static void free_point(chart_point *point)
{
    free(point->category);
    free(point->order);
}

bg_status xlsx_chart_capture(xlsx_state *s, xlsx_table *t, const bg_cell *cells)
{
    struct xlsx_chart *chart = t->chart;
    if (!chart)
        return BG_OK;
    const chart_spec *spec = chart->spec;
    for (int k = 0; k < 2; k++)
        if (spec->where[k][0] && !xlsx_same_text(&cells[chart->where[k]], spec->where[k][1]))
            return BG_OK;
    chart_point point = {0};
    if (!number_of(&cells[chart->y], &point.y) ||
        (spec->kind == CHART_SCATTER && !number_of(&cells[chart->x], &point.x)))
        return BG_OK; /* a NULL is left out of the chart, not drawn as 0 */
    bool percent = xlsx_is_percent(t, (size_t)chart->y, cells) &&
                   (spec->kind != CHART_SCATTER || xlsx_is_percent(t, (size_t)chart->x, cells));
    if (!chart->percent_known) {
        chart->percent = percent;
        chart->percent_known = true;
    }
    if (percent != chart->percent) {
        chart->unit_skipped++;
        return BG_OK;
    }
    if (chart->count == XLSX_CHART_POINTS_MAX) {
        chart->dropped++;
        return BG_OK;
    }
    if (percent) {
        point.x = xlsx_percent(point.x);
        point.y = xlsx_percent(point.y);
    }
    if (spec->category != CATEGORY_NONE && !make_category(t, chart, cells, &point)) {
        free_point(&point);
        return xlsx_nomem(s, "chart");
    }
    /* a region-year once (a report and its interpretation say the same) */
    for (size_t i = 0; spec->category == CATEGORY_REGION_YEAR && i < chart->count; i++)
        if (strcmp(chart->points[i].category, point.category) == 0) {
            free_point(&point);
            return BG_OK;
        }
    if (!xlsx_grow((void **)&chart->points, &chart->capacity, chart->count + 1, sizeof *chart->points)) {
        free_point(&point);
        return xlsx_nomem(s, "chart");
    }
    double low = spec->kind == CHART_SCATTER && point.x < point.y ? point.x : point.y;
    double high = spec->kind == CHART_SCATTER && point.x > point.y ? point.x : point.y;
    if (!chart->count || low < chart->low)
        chart->low = low;
    if (!chart->count || high > chart->high)
        chart->high = high;
    chart->negative |= point.y < 0;
    chart->points[chart->count++] = point;
    return BG_OK;
}

static int compare_region_year(const void *a, const void *b)
{
    const chart_point *p = a, *q = b;
    const char *x = p->order ? p->order : p->category, *y = q->order ? q->order : q->category;
    int c = strcmp(x, y);
    if (c)
        return c;
    return p->year < q->year ? -1 : p->year > q->year;
}

/* The range's columns, from its first: a scatter's x, y and diagonal, a
 * column chart's label and value. */
static lxw_col_t range_columns(const struct xlsx_chart *chart)
{
    return chart->spec->kind == CHART_SCATTER ? 3 : 2;
}

bg_status xlsx_chart_frame(xlsx_state *s, const xlsx_table *t, lxw_worksheet *ws, const char *sheet)
{
    struct xlsx_chart *chart = t->chart;
    if (!chart || !chart->count)
        return BG_OK;
    if (chart->spec->category == CATEGORY_REGION_YEAR)
        qsort(chart->points, chart->count, sizeof *chart->points, compare_region_year);
    chart->first = (lxw_col_t)(t->column_count + 1);
    const xlsx_column *y = &t->columns[chart->y];
    char text[3][512];
    unsigned width[3] = {12, 12, 12};
    if (chart->spec->kind == CHART_SCATTER && chart->x >= 0) {
        const xlsx_column *x = &t->columns[chart->x];
        xlsx_header_text(s, x->name, x->label, text[0], sizeof text[0]);
        xlsx_header_text(s, y->name, y->label, text[1], sizeof text[1]);
        snprintf(text[2], sizeof text[2], "%s", chart->spec->diagonal);
    } else {
        snprintf(text[0], sizeof text[0], "%s", s->header == HEADER_NAME ? "category" : "图表类别");
        xlsx_header_text(s, y->name, y->label, text[1], sizeof text[1]);
        for (size_t i = 0; i < chart->count; i++) {
            unsigned w = xlsx_text_width(chart->points[i].category, strlen(chart->points[i].category));
            if (w > width[0])
                width[0] = w;
        }
    }
    char comment[512];
    snprintf(comment, sizeof comment,
             "Chart data: the %zu rows of this sheet the chart %s draws (%s), at most %d; the chart reads this "
             "range, not the table.",
             chart->count, chart->spec->title,
             chart->spec->kind == CHART_SCATTER ? "both values set, in %" : "its value set", XLSX_CHART_POINTS_MAX);
    lxw_comment_options options = {.author = "baogao", .x_scale = 2.0, .y_scale = 1.2};
    for (lxw_col_t c = 0; c < range_columns(chart); c++) {
        lxw_col_t col = chart->first + c;
        unsigned w = xlsx_text_width(text[c], strlen(text[c])) + 2;
        if (w < width[c])
            w = width[c];
        double shown = w + 1 > s->max_width ? s->max_width : w + 1;
        LXW_TRY(s, worksheet_set_column(ws, col, col, shown, NULL), sheet, 0, "chart range");
        LXW_TRY(s, worksheet_write_string(ws, 0, col, text[c], s->f_header), sheet, 0, "chart range");
    }
    LXW_TRY(s, worksheet_write_comment_opt(ws, 0, chart->first, comment, &options), sheet, 0, "chart range");
    return BG_OK;
}

bg_status xlsx_chart_row(xlsx_state *s, const xlsx_table *t, lxw_worksheet *ws, const char *sheet, uint64_t row)
{
    const struct xlsx_chart *chart = t->chart;
    if (!chart || !chart->count || row < 1)
        return BG_OK;
    lxw_format *number = chart->percent ? s->f_percent : NULL;
    lxw_row_t r = (lxw_row_t)row;
    if (row <= chart->count) {
        const chart_point *p = &chart->points[row - 1];
        if (chart->spec->kind == CHART_SCATTER) {
            LXW_TRY(s, worksheet_write_number(ws, r, chart->first, p->x, number), sheet, row, "chart range");
            LXW_TRY(s, worksheet_write_number(ws, r, chart->first + 1, p->y, number), sheet, row, "chart range");
        } else {
            LXW_TRY(s, worksheet_write_string(ws, r, chart->first, p->category, NULL), sheet, row, "chart range");
            LXW_TRY(s, worksheet_write_number(ws, r, chart->first + 1, p->y, number), sheet, row, "chart range");
        }
    }
    if (chart->spec->kind == CHART_SCATTER && row <= 2) /* the diagonal's ends */
        LXW_TRY(s, worksheet_write_number(ws, r, chart->first + 2, row == 1 ? chart->low : chart->high, number), sheet,
                row, "chart range");
    return BG_OK;
}

/* Chart size: a scatter is square-ish; a column chart widens with its
 * columns, as the GDP chart does. */
static double width_scale(const struct xlsx_chart *chart)
{
    if (chart->spec->kind == CHART_SCATTER)
        return 1.5;
    double width = 120.0 + 24.0 * (double)chart->count;
    return width < 720 ? 1.5 : width > 19200 ? 40.0 : width / 480.0;
}

bg_status xlsx_chart_insert(xlsx_state *s, xlsx_table *t, lxw_worksheet *ws, const char *sheet, uint64_t rows_written)
{
    struct xlsx_chart *chart = t->chart;
    if (!chart)
        return BG_OK;
    const chart_spec *spec = chart->spec;
    if (!chart->count) {
        /* an empty table across reports (a run of one year) goes quietly */
        bool quiet = t->across && !t->row_count;
        xlsx_host->log(s->ctx, quiet ? BG_LOG_DEBUG : BG_LOG_INFO, "table %s: %s: its sheet has no chart", t->name,
                       spec->none);
        return BG_OK;
    }
    if (chart->dropped)
        xlsx_host->log(s->ctx, BG_LOG_INFO,
                       "table %s: the chart shows the first %d of %" PRIu64
                       " points (its range is capped so that the workbook's memory stays bounded)",
                       t->name, XLSX_CHART_POINTS_MAX, (uint64_t)chart->count + chart->dropped);
    if (chart->unit_skipped)
        xlsx_host->log(s->ctx, BG_LOG_DEBUG, "table %s: %" PRIu64 " rows left out of the chart: not in %s", t->name,
                       chart->unit_skipped, chart->percent ? "%" : "the unit of the first");
    uint64_t last = chart->count > 2 ? chart->count : 2;
    for (uint64_t row = rows_written + 1; row <= last; row++) {
        bg_status status = xlsx_chart_row(s, t, ws, sheet, row);
        if (status != BG_OK)
            return status;
    }
    lxw_chart *c = workbook_add_chart(s->workbook, spec->kind == CHART_SCATTER ? LXW_CHART_SCATTER : LXW_CHART_COLUMN);
    lxw_chart_series *series = c ? chart_add_series(c, NULL, NULL) : NULL;
    if (!series)
        return xlsx_nomem(s, "chart");
    lxw_row_t n = (lxw_row_t)chart->count;
    const xlsx_column *y = &t->columns[chart->y];
    chart_series_set_categories(series, sheet, 1, chart->first, n, chart->first);
    chart_series_set_values(series, sheet, 1, chart->first + 1, n, chart->first + 1);
    chart_series_set_name(series, y->label ? y->label : y->name);
    chart_title_set_name(c, spec->title);
    const char *format = chart->percent ? "0.0%" : "0.0#";
    if (spec->kind == CHART_SCATTER) {
        const xlsx_column *x = &t->columns[chart->x];
        chart_series_set_marker_type(series, LXW_CHART_MARKER_CIRCLE);
        chart_series_set_marker_size(series, 5);
        lxw_chart_series *diagonal = chart_add_series(c, NULL, NULL);
        if (!diagonal)
            return xlsx_nomem(s, "chart");
        chart_series_set_categories(diagonal, sheet, 1, chart->first + 2, 2, chart->first + 2);
        chart_series_set_values(diagonal, sheet, 1, chart->first + 2, 2, chart->first + 2);
        chart_series_set_name(diagonal, spec->diagonal);
        chart_series_set_marker_type(diagonal, LXW_CHART_MARKER_NONE);
        lxw_chart_line line = {.color = 0x808080, .width = 1.25, .dash_type = LXW_CHART_LINE_DASH_DASH};
        chart_series_set_line(diagonal, &line);
        chart_axis_set_name(c->x_axis, x->label ? x->label : x->name);
        chart_axis_set_name(c->y_axis, y->label ? y->label : y->name);
        chart_axis_set_num_format(c->x_axis, format);
        chart_legend_set_position(c, LXW_CHART_LEGEND_BOTTOM);
    } else {
        chart_legend_set_position(c, LXW_CHART_LEGEND_NONE);
        chart_axis_set_label_position(c->x_axis, LXW_CHART_AXIS_LABEL_POSITION_LOW); /* clear of negative columns */
        chart_axis_set_name(c->y_axis, spec->y_name ? spec->y_name : y->label ? y->label : y->name);
        if (!chart->negative)
            chart_axis_set_min(c->y_axis, 0); /* columns from 0: no exaggerated differences */
    }
    chart_axis_set_num_format(c->y_axis, format);
    lxw_chart_options options = {.x_offset = 10,
                                 .y_offset = 4,
                                 .x_scale = width_scale(chart),
                                 .y_scale = 1.5,
                                 .object_position = LXW_OBJECT_DONT_MOVE_DONT_SIZE,
                                 .description = (char *)spec->description};
    LXW_TRY(s, worksheet_insert_chart_opt(ws, 0, chart->first + range_columns(chart) + 1, c, &options), sheet, 0,
            "chart");
    chart->drawn = true;
    return BG_OK;
}

bool xlsx_chart_drawn(const xlsx_table *t)
{
    return t->chart && t->chart->drawn;
}

void xlsx_chart_free(xlsx_table *t)
{
    if (!t->chart)
        return;
    for (size_t i = 0; i < t->chart->count; i++)
        free_point(&t->chart->points[i]);
    free(t->chart->points);
    free(t->chart);
    t->chart = NULL;
}
