/* charts.h — the charts beside a table sheet's data (charts.c): the GDP
 * growth outcomes, and one chart for each table across reports (targets
 * against outcomes, escalation, the escalation summary, target changes). */
#ifndef BAOGAO_PLUGIN_XLSX_CHARTS_H
#define BAOGAO_PLUGIN_XLSX_CHARTS_H

#include "book.h"

/* Most points a chart keeps (see charts.c): the points are held in memory
 * until the workbook is built, so a chart's range stops here. */
#define XLSX_CHART_POINTS_MAX 4000

/* When the table begins (its sheet columns known): gives t a chart when its
 * table has one and the columns the chart reads; false when out of memory. */
bool xlsx_chart_setup(xlsx_state *s, xlsx_table *t);
/* Keeps the point a row gives the table's chart, if any. cells are the row
 * as the sheet shows it (identity first), with codes, not labels. */
bg_status xlsx_chart_capture(xlsx_state *s, xlsx_table *t, const bg_cell *cells);
/* Header and widths of the chart's own range, to the right of the data on
 * row 0 of the table's first sheet; nothing when the chart has no points. */
bg_status xlsx_chart_frame(xlsx_state *s, const xlsx_table *t, lxw_worksheet *ws, const char *sheet);
/* The chart range's cells of sheet row `row` (1-based, as the data's),
 * written after that row's data so that constant_memory mode still writes
 * row by row. */
bg_status xlsx_chart_row(xlsx_state *s, const xlsx_table *t, lxw_worksheet *ws, const char *sheet, uint64_t row);
/* The rest of the chart's range (rows past the data, which a table's rows
 * never leave) and the chart, right of its range; an info log instead when
 * the table gave no point. */
bg_status xlsx_chart_insert(xlsx_state *s, xlsx_table *t, lxw_worksheet *ws, const char *sheet, uint64_t rows_written);
/* Whether the table's sheet got a chart (for About). */
bool xlsx_chart_drawn(const xlsx_table *t);
void xlsx_chart_free(xlsx_table *t);

#endif
