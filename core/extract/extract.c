/* extract.c — one document's rows (extract.h): normalize, document facts,
 * outline, then each table's module in turn, into the tables the job
 * selected. Holds nothing between documents, so threads may share rules. */
#include "budget.h"
#include "extract/outcomes.h"
#include "extract/doc.h"
#include "extract/facts.h"
#include "extract/provenance.h"
#include "extract/rules.h"
#include "text/pattern.h"
#include "text/sentence.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Sets a documents cell by column name, so the row follows table.c's schema. */
static bool set_text(bg_rowset *out, bg_cell *row, const bg_table_schema *schema, const char *column, const char *value)
{
    int c = bg_column_index(schema, column);
    return c < 0 || bg_cell_set_cstr(out, &row[c], value);
}

static void set_integer(bg_cell *row, const bg_table_schema *schema, const char *column, long long value)
{
    int c = bg_column_index(schema, column);
    if (c >= 0)
        bg_cell_set_integer(&row[c], value);
}

static bool documents_row(bg_rowset *out, size_t table, const bg_doc_input *doc, const bg_facts *facts,
                          const bg_text *text)
{
    const bg_table_schema *schema = bg_builtin_table(BG_TABLE_DOCUMENTS);
    bg_cell *row = bg_rowset_add(out, table);
    if (!row)
        return false;
    const bg_division *d = facts->region.division;
    bool ok =
        set_text(out, row, schema, "doc_id", doc->doc_id) && set_text(out, row, schema, "source", doc->source) &&
        set_text(out, row, schema, "title", facts->title) &&
        set_text(out, row, schema, "region", d ? facts->region.region : NULL) &&
        set_text(out, row, schema, "region_code", d ? d->code : NULL) &&
        set_text(out, row, schema, "region_code_now", d ? facts->region.code_now : NULL) &&
        set_text(out, row, schema, "province", d && d->province[0] ? d->province : NULL) &&
        set_text(out, row, schema, "city", d && d->city[0] && strcmp(d->level, "province") != 0 ? d->city : NULL) &&
        set_text(out, row, schema, "level", d ? d->level : "unknown") &&
        set_text(out, row, schema, "doc_type", facts->doc_type) &&
        set_text(out, row, schema, "encoding", doc->encoding) &&
        set_text(out, row, schema, "encoding_reason", doc->encoding_reason) &&
        set_text(out, row, schema, "format", doc->format) &&
        set_text(out, row, schema, "content_hash", doc->content_hash);
    if (facts->report_year)
        set_integer(row, schema, "report_year", facts->report_year);
    if (facts->plan_year)
        set_integer(row, schema, "plan_year", facts->plan_year);
    if (facts->has_report_date) {
        int c = bg_column_index(schema, "report_date");
        if (c >= 0)
            bg_cell_set_date(&row[c], facts->report_year, facts->report_month, facts->report_day);
    }
    set_integer(row, schema, "chars", (long long)bg_text_char_count(text));
    /* Provenance lives in the site chrome that cleaning drops: read the
     * decoded text as it came. */
    bg_provenance provenance;
    bg_provenance_find(doc->utf8, doc->length, doc->hint_url, &provenance);
    ok = ok && set_text(out, row, schema, "origin_path", provenance.origin_path);
    if (provenance.has_publish_date) {
        int c = bg_column_index(schema, "publish_date");
        if (c >= 0)
            bg_cell_set_date(&row[c], provenance.publish_year, provenance.publish_month, provenance.publish_day);
    }
    bg_provenance_free(&provenance);
    return ok;
}

static bool sections_rows(bg_rowset *out, size_t table, const char *doc_id, const bg_outline *outline,
                          const bg_text *text)
{
    for (size_t i = 0; i < outline->heading_count; i++) {
        const bg_heading *h = &outline->headings[i];
        bg_cell *row = bg_rowset_add(out, table);
        if (!row || !bg_cell_set_cstr(out, &row[0], doc_id) || !bg_cell_set_cstr(out, &row[3], h->number) ||
            !bg_cell_set_cstr(out, &row[4], h->title) || !bg_cell_set_cstr(out, &row[5], h->part))
            return false;
        bg_cell_set_integer(&row[1], (int64_t)(i + 1));
        bg_cell_set_integer(&row[2], h->level);
        bg_cell_set_integer(&row[6], (int64_t)bg_text_char_offset(text, h->offset));
    }
    return true;
}

/* The last `count` rows of a targets or outcomes table get their
 * indicator's label from the rules, so that every export names an indicator
 * the same way. */
static bool label_rows(const bg_rules *rules, bg_rowset *out, size_t table, size_t builtin, size_t count)
{
    const bg_table_schema *schema = bg_builtin_table(builtin);
    int key = bg_column_index(schema, "indicator"), label = bg_column_index(schema, "indicator_label");
    size_t rows = bg_rowset_count(out, table);
    for (size_t r = rows - count; key >= 0 && label >= 0 && r < rows; r++) {
        bg_cell *row = bg_rowset_row(out, table, r);
        if (row[key].type != BG_TYPE_TEXT)
            continue;
        const char *text = bg_rules_indicator_label(rules, row[key].as.text.data, row[key].as.text.length);
        if (!bg_cell_set_cstr(out, &row[label], text ? text : ""))
            return false;
    }
    return true;
}

/* Lead-ins of this year's targets a document may hold (a report with a
 * targets paragraph per field: the economy, people's livelihoods …). */
enum { MAX_PASSAGES = 16 };

/* Why a document's extraction stopped early, as its error. */
static bg_error stopped(const char *source, char *msg, size_t msg_size)
{
    if (bg_budget_get() == BG_BUDGET_STOPPED)
        return bg_fail(msg, msg_size, BG_E_INTERRUPTED, "%s: stopped by a signal", source);
    return bg_fail(msg, msg_size, BG_E_TIMEOUT, "%s: extraction took longer than %g s (limits.seconds_per_document)",
                   source, bg_budget_seconds());
}

bg_error bg_extract_document(const bg_rules *rules, const bg_doc_input *doc, bg_rowset *out, char *msg, size_t msg_size)
{
    const char *source = doc->source ? doc->source : "document";
    bg_pattern_fault_reset();
    bg_text text;
    bg_error e = bg_clean_text(rules->clean, doc->utf8, doc->length, &text, msg, msg_size);
    if (e == BG_E_INTERRUPTED)
        return stopped(source, msg, msg_size);
    if (e)
        return e;
    bg_facts facts;
    bg_outline outline;
    bg_breaks breaks;
    memset(&outline, 0, sizeof outline);
    memset(&facts, 0, sizeof facts);
    bg_rowset *scratch = NULL;
    if (bg_breaks_build(text.text, text.length, &breaks) != BG_E_OK) {
        bg_text_free(&text);
        return bg_fail(msg, msg_size, BG_E_NOMEM, "%s: out of memory", source);
    }
    /* the one pass of the lexicon: every stage reads these mentions */
    bg_doc view = {.text = &text, .breaks = &breaks, .outline = &outline, .doc_id = doc->doc_id};
    if ((e = bg_mentions_scan(rules->lexicon, text.text, text.length, &view.words)) != BG_E_OK) {
        bg_breaks_free(&breaks);
        bg_text_free(&text);
        return e == BG_E_LIMIT ? bg_fail(msg, msg_size, e, "%s: a cleaned text of 4 GB or more; left out", source)
                               : bg_fail(msg, msg_size, BG_E_NOMEM, "%s: out of memory", source);
    }
    if (bg_facts_find(rules->facts, rules->regions, &text, doc->hint_title, doc->hint_region, doc->hint_year,
                      &view.words, &facts) !=
            BG_E_OK ||
        bg_outline_build(rules->outline, &text, &outline) != BG_E_OK) {
        e = bg_fail(msg, msg_size, BG_E_NOMEM, "%s: out of memory", source);
        goto done;
    }
    view.plan_year = facts.plan_year;

    int at;
    size_t document_row = 0;
    if ((at = rules->table_at[BG_TABLE_DOCUMENTS]) >= 0) {
        document_row = bg_rowset_count(out, (size_t)at);
        if (!documents_row(out, (size_t)at, doc, &facts, &text))
            goto nomem;
    }
    /* the targets passages, found once: targets read them, commitments leave
     * the ones that held targets alone */
    bg_span passages[MAX_PASSAGES], used_passages[MAX_PASSAGES];
    bool used[MAX_PASSAGES];
    size_t passage_count = bg_targets_passages(rules->targets, &view, passages, MAX_PASSAGES);
    /* targets: into the rowset, or a scratch one when the job does not export
     * them (documents.targets_found still counts them) */
    long targets;
    if ((at = rules->table_at[BG_TABLE_TARGETS]) >= 0) {
        targets = bg_targets_extract(rules->targets, &view, passages, passage_count, used, out, (size_t)at);
    } else {
        const bg_table_schema *schema = bg_builtin_table(BG_TABLE_TARGETS);
        scratch = bg_rowset_new(1, &schema);
        if (!scratch)
            goto nomem;
        scratch->row_limit = out->row_limit;
        targets = bg_targets_extract(rules->targets, &view, passages, passage_count, used, scratch, 0);
    }
    if (targets < 0)
        goto nomem;
    size_t used_count = 0;
    for (size_t i = 0; i < passage_count; i++)
        if (used[i])
            used_passages[used_count++] = passages[i];
    view.target_passages = used_passages;
    view.target_passage_count = used_count;
    if ((at = rules->table_at[BG_TABLE_TARGETS]) >= 0 && !label_rows(rules, out, (size_t)at, BG_TABLE_TARGETS, (size_t)targets))
        goto nomem;
    long outcomes;
    if ((at = rules->table_at[BG_TABLE_OUTCOMES]) >= 0 &&
        ((outcomes = bg_outcomes_extract(rules->outcomes, rules->targets, &view, out, (size_t)at)) < 0 ||
         !label_rows(rules, out, (size_t)at, BG_TABLE_OUTCOMES, (size_t)outcomes)))
        goto nomem;
    if ((at = rules->table_at[BG_TABLE_DOCUMENTS]) >= 0) {
        bg_cell *row = bg_rowset_row(out, (size_t)at, document_row);
        set_integer(row, bg_builtin_table(BG_TABLE_DOCUMENTS), "targets_found", targets);
    }
    if ((at = rules->table_at[BG_TABLE_COMMITMENTS]) >= 0 &&
        bg_commitments_extract(rules->commitments, &view, out, (size_t)at) < 0)
        goto nomem;
    if ((at = rules->table_at[BG_TABLE_LIST_ITEMS]) >= 0 &&
        bg_lists_extract(rules->lists, &view, doc->source, out, (size_t)at) < 0)
        goto nomem;
    if ((at = rules->table_at[BG_TABLE_SECTIONS]) >= 0 && !sections_rows(out, (size_t)at, doc->doc_id, &outline, &text))
        goto nomem;
    if ((at = rules->table_at[BG_TABLE_KEYWORDS]) >= 0 &&
        bg_keywords_extract(rules->keywords, &view, out, (size_t)at) < 0)
        goto nomem;
    for (size_t i = 0; i < bg_custom_table_count(rules->custom); i++)
        if (bg_custom_extract(rules->custom, i, &view, out, rules->custom_first + i) < 0)
            goto nomem;
    bg_pattern_fault fault;
    if (bg_budget_exceeded())
        e = stopped(source, msg, msg_size);
    else if (bg_pattern_fault_get(&fault))
        e = bg_fail(msg, msg_size, BG_E_PATTERN,
                    "%s: %s stopped at offset %zu (%s); the document's rows would be incomplete, so it is left out",
                    source, fault.rule, fault.offset, fault.reason);
    else
        e = BG_E_OK;
    goto done;
nomem:
    if (out->limit_hit || (scratch && scratch->limit_hit))
        e = bg_fail(msg, msg_size, BG_E_LIMIT, "%s: more than %zu rows (limits.rows_per_document); left out", source,
                    out->row_limit);
    else if (bg_budget_exceeded())
        e = stopped(source, msg, msg_size);
    else
        e = bg_fail(msg, msg_size, BG_E_NOMEM, "%s: out of memory during extraction", source);
done:
    bg_rowset_free(scratch);
    bg_outline_free(&outline);
    bg_facts_free(&facts);
    bg_mentions_free(&view.words);
    bg_breaks_free(&breaks);
    bg_text_free(&text);
    return e;
}
