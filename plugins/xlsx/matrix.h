/* matrix.h — the sheets built from the targets (matrix.c): the Targets
 * matrix, the GDP chart sheet, the panels. */
#ifndef BAOGAO_PLUGIN_XLSX_MATRIX_H
#define BAOGAO_PLUGIN_XLSX_MATRIX_H

#include "book.h"

/* Column indexes of what the matrix needs, when the documents or targets
 * table begins. */
void xlsx_matrix_documents_columns(xlsx_state *s, const xlsx_table *t);
void xlsx_matrix_targets_columns(xlsx_state *s, const xlsx_table *t);
/* Keeps what the matrix needs of a documents or targets row (host cells). */
bg_status xlsx_capture_document(xlsx_state *s, const bg_cell *cells);
bg_status xlsx_capture_target(xlsx_state *s, const bg_cell *cells);
/* Adds the Targets matrix, the GDP chart sheet and the panels (each when
 * there is something to show); their names go to s->matrix_sheets. */
bg_status xlsx_write_matrix_sheets(xlsx_state *s);
/* About's paragraph on the matrix sheets and the marks: one line each, at
 * most max lines of XLSX_NOTE_MAX bytes. */
#define XLSX_NOTE_MAX 512
size_t xlsx_matrix_notes(const xlsx_state *s, char (*lines)[XLSX_NOTE_MAX], size_t max);
void xlsx_matrix_free(xlsx_state *s);

#endif
