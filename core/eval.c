/* eval.c — `baogao eval`: runs extraction on the documents a gold file names
 * and scores it as tests/gold/README.md says (a target matches on
 * indicator, kind, value to 1e-9 and qualifier; precision and recall over
 * all documents; a document with no gold targets must yield none). The
 * documents are read as a run reads its sources (source/sources.h lists
 * them, source/read.h reads and decodes them, corpora split into records). */
#include "eval.h"

#include "extract/rules.h"
#include "gold.h"
#include "hash.h"
#include "log.h"
#include "paths.h"
#include "source/read.h"
#include "source/sources.h"
#include "table.h"
#include "text/clean.h"
#include "text/utf8.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Target fields scored for accuracy on matched rows, when the gold has them. */
static const char *const target_fields[] = {"indicator_text", "unit", "qualifier_text", "value_max", "reference"};
enum { TARGET_FIELD_COUNT = sizeof target_fields / sizeof *target_fields };

typedef struct tables {
    int documents, targets, outcomes, commitments, lists, sections;
    const bg_table_schema *const *schemas;
    size_t count;
} tables;

typedef struct eval_state {
    const bg_rules *rules;
    const bg_eval_thresholds *th;
    FILE *report;
    tables t;
    bg_eval_score s;
    size_t field_total[TARGET_FIELD_COUNT], field_correct[TARGET_FIELD_COUNT];
} eval_state;

static void say(eval_state *e, const char *format, ...) __attribute__((format(printf, 2, 3)));
static void say(eval_state *e, const char *format, ...)
{
    if (!e->report || !e->th->verbose)
        return;
    va_list ap;
    va_start(ap, format);
    vfprintf(e->report, format, ap);
    va_end(ap);
}

static int table_index(const tables *t, const char *name)
{
    for (size_t i = 0; i < t->count; i++)
        if (strcmp(t->schemas[i]->name, name) == 0)
            return (int)i;
    return -1;
}

static const bg_cell *cell(bg_rowset *set, const tables *t, int table, size_t row, const char *column)
{
    int c = bg_column_index(t->schemas[table], column);
    return c < 0 ? NULL : &bg_rowset_row(set, (size_t)table, row)[c];
}

static bool text_is(const bg_cell *c, const char *want)
{
    if (!c || c->type != BG_TYPE_TEXT)
        return want == NULL || !want[0];
    return want && strlen(want) == c->as.text.length && memcmp(c->as.text.data, want, c->as.text.length) == 0;
}

static bool number_is(const bg_cell *c, const cJSON *want)
{
    if (!want || cJSON_IsNull(want))
        return !c || c->type == BG_TYPE_NULL;
    if (!c || !cJSON_IsNumber(want))
        return false;
    double v = c->type == BG_TYPE_REAL ? c->as.real : c->type == BG_TYPE_INTEGER ? (double)c->as.integer : NAN;
    double w = want->valuedouble;
    return fabs(v - w) <= 1e-9 * (fabs(w) > 1 ? fabs(w) : 1);
}

static const char *str(const cJSON *object, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(object, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* a gold string for a message: "?" when the gold lacks it */
static const char *shown(const char *s)
{
    return s ? s : "?";
}

static bool gold_field_is(const bg_cell *c, const cJSON *want)
{
    if (cJSON_IsNumber(want) || cJSON_IsNull(want))
        return number_is(c, want);
    if (cJSON_IsString(want))
        return text_is(c, want->valuestring);
    return false;
}

static void print_cell(eval_state *e, const bg_cell *c)
{
    if (!c || c->type == BG_TYPE_NULL)
        say(e, "null");
    else if (c->type == BG_TYPE_TEXT)
        say(e, "%.*s", (int)c->as.text.length, c->as.text.data);
    else if (c->type == BG_TYPE_REAL)
        say(e, "%g", c->as.real);
    else if (c->type == BG_TYPE_INTEGER)
        say(e, "%lld", (long long)c->as.integer);
    else
        say(e, "?");
}

static void print_target_row(eval_state *e, bg_rowset *set, size_t row)
{
    static const char *const columns[] = {"indicator", "indicator_text", "kind",           "value",
                                          "unit",      "qualifier",      "qualifier_text", "reference"};
    for (size_t i = 0; i < sizeof columns / sizeof *columns; i++) {
        say(e, i ? " " : "");
        print_cell(e, cell(set, &e->t, e->t.targets, row, columns[i]));
    }
}

static void score_targets(eval_state *e, const char *key, const cJSON *gold, bg_rowset *set)
{
    size_t found = e->t.targets >= 0 ? bg_rowset_count(set, (size_t)e->t.targets) : 0;
    bool *used = calloc(found + 1, sizeof *used);
    if (!used)
        return;
    e->s.targets_found += found;
    const cJSON *g;
    cJSON_ArrayForEach(g, gold)
    {
        e->s.targets_gold++;
        size_t match = found;
        for (size_t r = 0; r < found && match == found; r++) {
            if (used[r])
                continue;
            if (text_is(cell(set, &e->t, e->t.targets, r, "indicator"), str(g, "indicator")) &&
                text_is(cell(set, &e->t, e->t.targets, r, "kind"), str(g, "kind")) &&
                number_is(cell(set, &e->t, e->t.targets, r, "value"), cJSON_GetObjectItemCaseSensitive(g, "value")) &&
                text_is(cell(set, &e->t, e->t.targets, r, "qualifier"), str(g, "qualifier")))
                match = r;
        }
        if (match == found) {
            char *printed = cJSON_PrintUnformatted(g);
            say(e, "  %s: missed target %s\n", key, printed ? printed : "");
            free(printed);
            continue;
        }
        used[match] = true;
        e->s.targets_matched++;
        for (size_t f = 0; f < TARGET_FIELD_COUNT; f++) {
            const cJSON *want = cJSON_GetObjectItemCaseSensitive(g, target_fields[f]);
            if (!want)
                continue;
            e->field_total[f]++;
            const bg_cell *c = cell(set, &e->t, e->t.targets, match, target_fields[f]);
            /* a unit as the gold writes it (个百分点) is the unit the column
             * reports for it (pp) */
            const char *unit = !strcmp(target_fields[f], "unit") && cJSON_IsString(want)
                                   ? bg_targets_unit_name(e->rules->targets, want->valuestring)
                                   : NULL;
            if (unit ? text_is(c, unit) : gold_field_is(c, want)) {
                e->field_correct[f]++;
            } else {
                say(e, "  %s: target %s: %s is '", key, shown(str(g, "indicator")), target_fields[f]);
                print_cell(e, c);
                say(e, "'\n");
            }
        }
    }
    for (size_t r = 0; r < found; r++) {
        if (!used[r]) {
            say(e, "  %s: extra target: ", key);
            print_target_row(e, set, r);
            say(e, "\n");
        }
    }
    free(used);
}

static bool integer_is(const bg_cell *c, const cJSON *want)
{
    return cJSON_IsNumber(want) && c && c->type == BG_TYPE_INTEGER && (double)c->as.integer == want->valuedouble;
}

/* Outcomes match like targets, on indicator, value and year. */
static void score_outcomes(eval_state *e, const char *key, const cJSON *gold, bg_rowset *set)
{
    if (!cJSON_IsArray(gold))
        return;
    size_t found = e->t.outcomes >= 0 ? bg_rowset_count(set, (size_t)e->t.outcomes) : 0;
    bool *used = calloc(found + 1, sizeof *used);
    if (!used)
        return;
    e->s.outcomes_found += found;
    const cJSON *g;
    cJSON_ArrayForEach(g, gold)
    {
        e->s.outcomes_gold++;
        size_t match = found;
        for (size_t r = 0; r < found && match == found; r++)
            if (!used[r] && text_is(cell(set, &e->t, e->t.outcomes, r, "indicator"), str(g, "indicator")) &&
                number_is(cell(set, &e->t, e->t.outcomes, r, "value"), cJSON_GetObjectItemCaseSensitive(g, "value")) &&
                integer_is(cell(set, &e->t, e->t.outcomes, r, "year"), cJSON_GetObjectItemCaseSensitive(g, "year")))
                match = r;
        if (match == found) {
            char *printed = cJSON_PrintUnformatted(g);
            say(e, "  %s: missed outcome %s\n", key, printed ? printed : "");
            free(printed);
            continue;
        }
        used[match] = true;
        e->s.outcomes_matched++;
    }
    static const char *const columns[] = {"indicator", "kind", "value", "unit", "year", "estimate", "sentence"};
    for (size_t r = 0; r < found; r++) {
        if (used[r])
            continue;
        say(e, "  %s: extra outcome:", key);
        for (size_t i = 0; i < sizeof columns / sizeof *columns; i++) {
            say(e, " ");
            print_cell(e, cell(set, &e->t, e->t.outcomes, r, columns[i]));
        }
        say(e, "\n");
    }
    free(used);
}

static void score_commitments(eval_state *e, const char *key, const cJSON *gold, bg_rowset *set)
{
    size_t found = e->t.commitments >= 0 ? bg_rowset_count(set, (size_t)e->t.commitments) : 0;
    const cJSON *g;
    cJSON_ArrayForEach(g, gold)
    {
        e->s.commitments_gold++;
        bool hit = false;
        for (size_t r = 0; r < found && !hit; r++) {
            const cJSON *base = cJSON_GetObjectItemCaseSensitive(g, "base_value");
            hit = number_is(cell(set, &e->t, e->t.commitments, r, "value"),
                            cJSON_GetObjectItemCaseSensitive(g, "value")) &&
                  text_is(cell(set, &e->t, e->t.commitments, r, "unit"), str(g, "unit")) &&
                  text_is(cell(set, &e->t, e->t.commitments, r, "qualifier"), str(g, "qualifier")) &&
                  (!base || number_is(cell(set, &e->t, e->t.commitments, r, "base_value"), base)) &&
                  (!str(g, "base_unit") ||
                   text_is(cell(set, &e->t, e->t.commitments, r, "base_unit"), str(g, "base_unit")));
        }
        if (hit)
            e->s.commitments_matched++;
        else
            say(e, "  %s: missed commitment %s\n", key, shown(str(g, "text")));
    }
}

/* Whether two quotes of a sentence are of the same place: equal, or one
 * holds the other (a quote window cut differently). */
static bool same_sentence(const bg_cell *c, const char *judged)
{
    if (!judged || c->type != BG_TYPE_TEXT)
        return false;
    if (bg_contains(c->as.text.data, c->as.text.length, judged))
        return true;
    char *quote = strndup(c->as.text.data, c->as.text.length);
    bool inside = quote && *quote && strstr(judged, quote) != NULL;
    free(quote);
    return inside;
}

static bool same_text(const bg_cell *c, const cJSON *want)
{
    if (cJSON_IsNull(want) || !want)
        return c->type == BG_TYPE_NULL || (c->type == BG_TYPE_TEXT && c->as.text.length == 0);
    return cJSON_IsString(want) && text_is(c, want->valuestring);
}

/* The judged rows of one document: every judgment names its sample id; a
 * sample row counts once, under the judgment whose fields the row still
 * has. */
static void score_judged(eval_state *e, const char *key, const cJSON *gold, bg_rowset *set)
{
    size_t found = e->t.commitments >= 0 ? bg_rowset_count(set, (size_t)e->t.commitments) : 0;
    static const char *const text_fields[] = {"part", "object", "unit", "qualifier"};
    const cJSON *g;
    cJSON_ArrayForEach(g, gold)
    {
        const cJSON *id = cJSON_GetObjectItemCaseSensitive(g, "id");
        /* a later judgment of the same sample row: scored with the first */
        bool seen_before = false;
        for (const cJSON *p = gold->child; p && p != g && !seen_before; p = p->next)
            seen_before = cJSON_IsNumber(id) &&
                          number_is(&(bg_cell){.type = BG_TYPE_INTEGER, .as.integer = (long long)id->valuedouble},
                                    cJSON_GetObjectItemCaseSensitive(p, "id"));
        if (seen_before)
            continue;
        e->s.judged_sample++;
        const cJSON *as_judged = NULL;
        bool placed = false;
        for (const cJSON *v = g; v && !as_judged; v = v->next) {
            if (!cJSON_Compare(cJSON_GetObjectItemCaseSensitive(v, "id"), id, true))
                continue;
            /* the row of the same figure: same value, same sentence, the
             * nearest offset */
            const cJSON *offset = cJSON_GetObjectItemCaseSensitive(v, "offset");
            size_t best = found;
            double best_distance = 0;
            for (size_t r = 0; r < found; r++) {
                const bg_cell *sentence = cell(set, &e->t, e->t.commitments, r, "sentence");
                if (!number_is(cell(set, &e->t, e->t.commitments, r, "value"),
                               cJSON_GetObjectItemCaseSensitive(v, "value")) ||
                    !same_sentence(sentence, str(v, "sentence")))
                    continue;
                const bg_cell *at = cell(set, &e->t, e->t.commitments, r, "offset");
                double distance = cJSON_IsNumber(offset) && at->type == BG_TYPE_INTEGER
                                      ? fabs((double)at->as.integer - offset->valuedouble)
                                      : 0;
                if (best == found || distance < best_distance) {
                    best = r;
                    best_distance = distance;
                }
            }
            if (best < found) {
                size_t r = best;
                placed = true;
                bool same = true;
                for (size_t f = 0; f < 4 && same; f++)
                    same = same_text(cell(set, &e->t, e->t.commitments, r, text_fields[f]),
                                     cJSON_GetObjectItemCaseSensitive(v, text_fields[f]));
                const cJSON *max = cJSON_GetObjectItemCaseSensitive(v, "value_max");
                const bg_cell *got_max = cell(set, &e->t, e->t.commitments, r, "value_max");
                same = same && (cJSON_IsNumber(max) ? number_is(got_max, max) : got_max->type == BG_TYPE_NULL);
                if (same)
                    as_judged = v;
            }
        }
        const char *verdict = as_judged ? str(as_judged, "verdict") : str(g, "verdict");
        bool correct = verdict && !strcmp(verdict, "correct");
        if (as_judged) {
            e->s.judged_current++;
            if (correct)
                e->s.judged_correct++;
            else
                say(e, "  %s: judged wrong (#%d): %s %s\n", key, id ? id->valueint : 0, shown(str(as_judged, "object")),
                    str(as_judged, "note") ? shown(str(as_judged, "note")) : "");
        } else if (placed) {
            e->s.judged_changed++;
            say(e, "  %s: judged row #%d changed since judged: judge it again\n", key, id ? id->valueint : 0);
        } else {
            e->s.judged_gone++;
            if (correct) {
                e->s.judged_lost++;
                say(e, "  %s: judged correct (#%d) no longer produced: %s\n", key, id ? id->valueint : 0,
                    shown(str(g, "sentence")));
            }
        }
    }
}

/* A review statement may be extracted, but never with part = plan. */
static void score_review(eval_state *e, const char *key, const cJSON *gold, bg_rowset *set)
{
    size_t found = e->t.commitments >= 0 ? bg_rowset_count(set, (size_t)e->t.commitments) : 0;
    const cJSON *g;
    cJSON_ArrayForEach(g, gold)
    {
        e->s.review_gold++;
        const char *want = str(g, "text");
        bool wrong = false;
        for (size_t r = 0; r < found && want; r++) {
            const bg_cell *sentence = cell(set, &e->t, e->t.commitments, r, "sentence");
            if (!sentence || sentence->type != BG_TYPE_TEXT)
                continue;
            char *copy = strndup(sentence->as.text.data, sentence->as.text.length);
            if (copy && strstr(copy, want) && text_is(cell(set, &e->t, e->t.commitments, r, "part"), "plan"))
                wrong = true;
            free(copy);
        }
        if (wrong)
            say(e, "  %s: review statement taken as plan: %s\n", key, want);
        else
            e->s.review_matched++;
    }
}

static void score_lists(eval_state *e, const char *key, const cJSON *gold, bg_rowset *set)
{
    size_t found = e->t.lists >= 0 ? bg_rowset_count(set, (size_t)e->t.lists) : 0;
    const cJSON *g;
    cJSON_ArrayForEach(g, gold)
    {
        e->s.lists_gold++;
        const cJSON *items = cJSON_GetObjectItemCaseSensitive(g, "items");
        const cJSON *declared = cJSON_GetObjectItemCaseSensitive(g, "declared_count");
        size_t want = (size_t)cJSON_GetArraySize(items);
        cJSON *want_count = cJSON_CreateNumber((double)want), *next_seq = cJSON_CreateNumber((double)want + 1);
        /* rows of the first list with this name, in item order */
        bool ok = false, named = false;
        for (size_t r = 0; r < found && !named; r++) {
            if (!text_is(cell(set, &e->t, e->t.lists, r, "list"), str(g, "name")))
                continue;
            named = true;
            ok = number_is(cell(set, &e->t, e->t.lists, r, "declared_count"), declared) &&
                 number_is(cell(set, &e->t, e->t.lists, r, "found_count"), want_count);
            size_t k = 0;
            const cJSON *item;
            cJSON_ArrayForEach(item, items)
            {
                if (r + k >= found || !text_is(cell(set, &e->t, e->t.lists, r + k, "list"), str(g, "name")) ||
                    !text_is(cell(set, &e->t, e->t.lists, r + k, "item"), item->valuestring)) {
                    if (ok)
                        say(e, "  %s: list %s: item %zu differs (want %s)\n", key, shown(str(g, "name")), k + 1,
                            item->valuestring);
                    ok = false;
                }
                k++;
            }
            if (r + k < found && text_is(cell(set, &e->t, e->t.lists, r + k, "list"), str(g, "name")) &&
                number_is(cell(set, &e->t, e->t.lists, r + k, "item_seq"), next_seq))
                ok = false; /* more items than the gold */
        }
        cJSON_Delete(want_count);
        cJSON_Delete(next_seq);
        if (ok)
            e->s.lists_matched++;
        else if (!named)
            say(e, "  %s: missed list %s\n", key, shown(str(g, "name")));
        else
            say(e, "  %s: list %s differs\n", key, shown(str(g, "name")));
    }
}

static void score_sections(eval_state *e, const char *key, const cJSON *gold, bg_rowset *set)
{
    size_t found = e->t.sections >= 0 ? bg_rowset_count(set, (size_t)e->t.sections) : 0;
    const cJSON *g;
    cJSON_ArrayForEach(g, gold)
    {
        e->s.sections_gold++;
        bool hit = false;
        for (size_t r = 0; r < found && !hit; r++)
            hit =
                number_is(cell(set, &e->t, e->t.sections, r, "level"), cJSON_GetObjectItemCaseSensitive(g, "level")) &&
                text_is(cell(set, &e->t, e->t.sections, r, "number"), str(g, "number")) &&
                text_is(cell(set, &e->t, e->t.sections, r, "title"), str(g, "title"));
        if (hit)
            e->s.sections_matched++;
        else
            say(e, "  %s: missed section %s %s\n", key, shown(str(g, "number")), shown(str(g, "title")));
    }
}

static void score_meta(eval_state *e, const char *key, const cJSON *gold, bg_rowset *set)
{
    if (e->t.documents < 0 || bg_rowset_count(set, (size_t)e->t.documents) == 0)
        return;
    const cJSON *g;
    cJSON_ArrayForEach(g, gold)
    {
        const bg_cell *c = cell(set, &e->t, e->t.documents, 0, g->string);
        if (!c)
            continue; /* note, origin_path …: not a documents column */
        e->s.meta_gold++;
        bool ok;
        if (c->type == BG_TYPE_DATE && cJSON_IsString(g)) {
            char date[16];
            snprintf(date, sizeof date, "%04d-%02d-%02d", c->as.date.year, c->as.date.month, c->as.date.day);
            ok = strcmp(date, g->valuestring) == 0;
        } else {
            ok = gold_field_is(c, g);
        }
        if (ok) {
            e->s.meta_matched++;
        } else {
            say(e, "  %s: meta %s is '", key, g->string);
            print_cell(e, c);
            say(e, "'\n");
        }
    }
}

static void score_boilerplate(eval_state *e, const char *key, const cJSON *gold, const char *utf8, size_t length,
                              bg_rowset *set)
{
    bg_text text;
    char msg[256];
    if (cJSON_GetArraySize(gold) == 0 || bg_rules_normalize(e->rules, utf8, length, &text, msg, sizeof msg) != BG_E_OK)
        return;
    const cJSON *g;
    cJSON_ArrayForEach(g, gold)
    {
        if (!cJSON_IsString(g))
            continue;
        e->s.boilerplate_gold++;
        bool seen = bg_contains(text.text, text.length, g->valuestring);
        for (size_t t = 0; t < set->table_count && !seen; t++) {
            if ((int)t == e->t.documents)
                continue; /* source paths and titles are not cleaned text */
            size_t rows = bg_rowset_count(set, t), columns = set->tables[t].column_count;
            for (size_t r = 0; r < rows && !seen; r++)
                for (size_t c = 0; c < columns && !seen; c++) {
                    const bg_cell *v = &bg_rowset_row(set, t, r)[c];
                    seen = v->type == BG_TYPE_TEXT && bg_contains(v->as.text.data, v->as.text.length, g->valuestring);
                }
        }
        if (seen)
            say(e, "  %s: boilerplate still present: %s\n", key, g->valuestring);
        else
            e->s.boilerplate_absent++;
    }
    bg_text_free(&text);
}

/* The documents gold keys name: the files of the job's sources, or of a
 * folder and its subfolders; listed once, each file read (and a corpus
 * split) the first time a key names it. */
typedef struct doc_source {
    const bg_config *config; /* whose sources are listed */
    bg_config *folder;       /* owned: the sources of a folder */
    const char *where;       /* for messages */
    size_t max_bytes;
    bool listed;
    bg_source_list list;
    bg_source_docs *docs; /* per listed file, once read */
    bool *read;
} doc_source;

/* A job of one source: folder and its subfolders, the kinds of file a job's
 * folder source takes, names relative to folder. */
static bg_config *folder_sources(const char *folder)
{
    bg_config *c = calloc(1, sizeof *c);
    bg_source_config *s = c ? calloc(1, sizeof *s) : NULL;
    if (!s) {
        free(c);
        return NULL;
    }
    c->sources = s;
    c->source_count = 1;
    c->dir = strdup(folder);
    s->json_path = strdup("--docs");
    s->path = strdup(folder);
    s->recursive = true;
    s->encoding = strdup("auto");
    s->format = strdup("auto");
    s->delimiter = strdup(",");
    if (!c->dir || !s->json_path || !s->path || !s->encoding || !s->format || !s->delimiter) {
        bg_config_free(c);
        return NULL;
    }
    return c;
}

static void doc_source_free(doc_source *ds)
{
    for (size_t i = 0; ds->docs && i < ds->list.count; i++)
        bg_source_docs_free(&ds->docs[i]);
    free(ds->docs);
    free(ds->read);
    bg_source_list_free(&ds->list);
    bg_config_free(ds->folder);
}

/* 2: name is key (key_length bytes); 1: name ends with "/" key; 0: neither. */
static int name_match(const char *name, const char *key, size_t key_length)
{
    size_t length = strlen(name);
    if (length == key_length && !memcmp(name, key, key_length))
        return 2;
    if (length > key_length && name[length - key_length - 1] == '/' &&
        !memcmp(name + length - key_length, key, key_length))
        return 1;
    return 0;
}

static bool is_corpus(const bg_source_file *f)
{
    const char *format = f->config ? f->config->format : NULL;
    return format && (!strcmp(format, "csv") || !strcmp(format, "jsonl"));
}

/* The document key names: a file by its name, a corpus record as file#row. */
static bg_error find_document(doc_source *ds, const char *key, const bg_source_doc **out, char *msg, size_t n)
{
    if (!ds->listed) {
        bg_error err = bg_sources_list(ds->config, NULL, &ds->list, msg, n);
        if (err != BG_E_OK)
            return err;
        ds->listed = true;
        ds->docs = calloc(ds->list.count + 1, sizeof *ds->docs);
        ds->read = calloc(ds->list.count + 1, sizeof *ds->read);
        if (!ds->docs || !ds->read)
            return bg_fail(msg, n, BG_E_NOMEM, "out of memory");
    }
    const char *record = strrchr(key, '#');
    size_t best = ds->list.count, other = ds->list.count;
    int best_quality = 0;
    for (size_t i = 0; i < ds->list.count; i++) {
        const bg_source_file *f = &ds->list.files[i];
        int quality = is_corpus(f) ? (record ? name_match(f->name, key, (size_t)(record - key)) : 0)
                                   : name_match(f->name, key, strlen(key));
        if (quality > best_quality) {
            best_quality = quality;
            best = i;
            other = ds->list.count;
        } else if (quality && quality == best_quality) {
            other = i;
        }
    }
    for (size_t i = 0; i < ds->list.count && best == ds->list.count && !record; i++)
        if (is_corpus(&ds->list.files[i]) && name_match(ds->list.files[i].name, key, strlen(key)))
            return bg_fail(msg, n, BG_E_IO, "%s: %s is a corpus; name one of its records as %s#ROW", key,
                           ds->list.files[i].name, key);
    if (best == ds->list.count) {
        size_t failed = 0;
        const char *why = NULL;
        for (size_t i = 0; i < ds->list.count; i++)
            if (ds->list.files[i].error && !failed++)
                why = ds->list.files[i].error;
        return bg_fail(msg, n, BG_E_IO, "%s: the gold names a document that is not %s (%zu files listed)%s%s%s", key,
                       ds->where, ds->list.count - failed, why ? "; not readable: " : "", why ? why : "",
                       failed > 1 ? " …" : "");
    }
    const bg_source_file *f = &ds->list.files[best];
    if (other != ds->list.count)
        return bg_fail(msg, n, BG_E_IO, "%s: the gold names both %s and %s %s; name the one meant by its path", key,
                       f->name, ds->list.files[other].name, ds->where);
    if (!ds->read[best]) {
        bg_read_limits limits = {.max_bytes = ds->max_bytes};
        if (bg_source_read(f, &limits, &ds->docs[best]) != BG_E_OK)
            return bg_fail(msg, n, BG_E_NOMEM, "%s: out of memory", f->name);
        ds->read[best] = true;
    }
    size_t want_length = strlen(f->name) + (record && is_corpus(f) ? strlen(record) : 0);
    const bg_source_docs *docs = &ds->docs[best];
    for (size_t k = 0; k < docs->count; k++) {
        const bg_source_doc *d = &docs->items[k];
        if (strlen(d->source) != want_length || strncmp(d->source, f->name, strlen(f->name)) != 0 ||
            (record && is_corpus(f) && strcmp(d->source + strlen(f->name), record) != 0))
            continue;
        if (d->error)
            return bg_fail(msg, n, BG_E_IO, "%s: %s", key, d->error);
        if (d->notice)
            bg_warn("%s: %s", d->source, d->notice);
        *out = d;
        return BG_E_OK;
    }
    /* a corpus read whole but without that record, or a corpus that failed */
    if (docs->count == 1 && docs->items[0].error)
        return bg_fail(msg, n, BG_E_IO, "%s: %s", key, docs->items[0].error);
    return bg_fail(msg, n, BG_E_IO, "%s: %s has no record %s (%zu read)", key, f->name, record + 1, docs->count);
}

/* Extracts one gold document and scores it. */
static bg_error eval_document(eval_state *e, const char *key, const cJSON *doc, doc_source *ds, char *msg, size_t n)
{
    const char *inline_text = str(doc, "text");
    char hash[17];
    bg_doc_input in;
    if (inline_text) {
        size_t size = strlen(inline_text);
        bg_content_hash(inline_text, size, hash);
        in = (bg_doc_input){.doc_id = hash,
                            .source = key,
                            .content_hash = hash,
                            .encoding = "utf-8",
                            .encoding_reason = "valid utf-8",
                            .format = "text",
                            .utf8 = inline_text,
                            .length = size};
    } else {
        const bg_source_doc *d = NULL;
        bg_error err = find_document(ds, key, &d, msg, n);
        if (err != BG_E_OK)
            return err;
        in = bg_source_doc_input(d);
    }
    bg_rowset *set = bg_rowset_new(e->t.count, e->t.schemas);
    bg_error err = set ? bg_extract_document(e->rules, &in, set, msg, n) : bg_fail(msg, n, BG_E_NOMEM, "out of memory");
    if (err == BG_E_OK) {
        const cJSON *targets = cJSON_GetObjectItemCaseSensitive(doc, "targets");
        if (cJSON_IsArray(targets))
            score_targets(e, key, targets, set);
        score_outcomes(e, key, cJSON_GetObjectItemCaseSensitive(doc, "outcomes"), set);
        score_commitments(e, key, cJSON_GetObjectItemCaseSensitive(doc, "commitments_must_find"), set);
        score_judged(e, key, cJSON_GetObjectItemCaseSensitive(doc, "commitments_judged"), set);
        score_review(e, key, cJSON_GetObjectItemCaseSensitive(doc, "review_not_plan"), set);
        score_lists(e, key, cJSON_GetObjectItemCaseSensitive(doc, "lists"), set);
        score_sections(e, key, cJSON_GetObjectItemCaseSensitive(doc, "sections"), set);
        score_meta(e, key, cJSON_GetObjectItemCaseSensitive(doc, "meta"), set);
        score_boilerplate(e, key, cJSON_GetObjectItemCaseSensitive(doc, "boilerplate_absent"), in.utf8, in.length, set);
    }
    bg_rowset_free(set);
    return err;
}

static double ratio(size_t a, size_t b)
{
    return b ? (double)a / (double)b : 1.0;
}

/* a ratio as printed: "n/a" when nothing was there to count */
static const char *shown_ratio(char buf[16], size_t a, size_t b)
{
    if (!b)
        return "n/a";
    snprintf(buf, 16, "%.3f", (double)a / (double)b);
    return buf;
}

static bool threshold_set(double t)
{
    return t >= 0; /* false for BG_EVAL_NONE and NAN */
}

/* One line of the table. found < 0: the table has no precision. A figure
 * is compared only when it exists and its threshold is set; the line is
 * marked ok or BELOW only when one was. Returns false when one is below. */
static bool line(eval_state *e, const char *name, size_t gold, long found, size_t matched, double min_p, double min_r)
{
    bool has_p = found > 0, has_r = gold > 0;
    bool compare_p = has_p && threshold_set(min_p), compare_r = has_r && threshold_set(min_r);
    bool ok = (!compare_p || ratio(matched, (size_t)found) >= min_p) && (!compare_r || ratio(matched, gold) >= min_r);
    if (e->report) {
        char fbuf[24], pbuf[16], rbuf[16];
        snprintf(fbuf, sizeof fbuf, found < 0 ? "-" : "%ld", found);
        fprintf(e->report, "%-22s %6zu %6s %8zu %9s %7s%s%s\n", name, gold, fbuf, matched,
                found < 0 ? "-" : shown_ratio(pbuf, matched, (size_t)found), shown_ratio(rbuf, matched, gold),
                compare_p || compare_r ? "  " : "", compare_p || compare_r ? (ok ? "ok" : "BELOW") : "");
    }
    return ok;
}

bg_error bg_eval_gold(const bg_rules *rules, const char *gold_path, const cJSON *gold, const bg_eval_documents *docs,
                      const bg_eval_thresholds *th, FILE *report, int *passed, bg_eval_score *score, char *msg,
                      size_t n)
{
    *passed = 0;
    eval_state e;
    memset(&e, 0, sizeof e);
    e.rules = rules;
    e.th = th;
    e.report = report;
    e.t.schemas = bg_rules_tables(rules);
    e.t.count = bg_rules_table_count(rules);
    e.t.documents = table_index(&e.t, "documents");
    e.t.targets = table_index(&e.t, "targets");
    e.t.outcomes = table_index(&e.t, "outcomes");
    e.t.commitments = table_index(&e.t, "commitments");
    e.t.lists = table_index(&e.t, "list_items");
    e.t.sections = table_index(&e.t, "sections");
    char *gold_folder = NULL;
    char where[512];
    snprintf(where, sizeof where, "among the job's sources");
    doc_source ds = {.config = docs->job, .where = where, .max_bytes = docs->max_bytes};
    if (!docs->job) {
        const char *folder = docs->folder ? docs->folder : (gold_folder = bg_dirname(gold_path));
        snprintf(where, sizeof where, "in %s or its subfolders", folder ? folder : "?");
        ds.config = ds.folder = folder ? folder_sources(folder) : NULL;
        if (!ds.config) {
            free(gold_folder);
            return bg_fail(msg, n, BG_E_NOMEM, "out of memory");
        }
    }
    const cJSON *doc;
    bg_error err = BG_E_OK;
    cJSON_ArrayForEach(doc, cJSON_GetObjectItemCaseSensitive(gold, "documents"))
    {
        if ((err = eval_document(&e, doc->string, doc, &ds, msg, n)) != BG_E_OK)
            break;
    }
    doc_source_free(&ds);
    free(gold_folder);
    if (err != BG_E_OK)
        return err;
    bool ok = true;
    if (report)
        fprintf(report, "%-22s %6s %6s %8s %9s %7s\n", "table", "gold", "found", "matched", "precision", "recall");
    ok = line(&e, "targets", e.s.targets_gold, (long)e.s.targets_found, e.s.targets_matched, th->min_precision,
              th->min_recall) &&
         ok;
    if (e.s.outcomes_gold || e.s.outcomes_found)
        ok = line(&e, "outcomes", e.s.outcomes_gold, (long)e.s.outcomes_found, e.s.outcomes_matched,
                  th->min_precision, th->min_recall) &&
             ok;
    ok = line(&e, "commitments (must)", e.s.commitments_gold, -1, e.s.commitments_matched, 0, th->min_recall) && ok;
    if (e.s.judged_sample && report) {
        /* precision over the judged sample: of the rows still produced as
         * judged, those judged correct; no threshold applies */
        char pbuf[16];
        fprintf(report, "%-22s %6zu %6zu %8zu %9s %7s%s\n", "commitments (judged)", e.s.judged_sample,
                e.s.judged_current, e.s.judged_correct, shown_ratio(pbuf, e.s.judged_correct, e.s.judged_current), "-",
                e.s.judged_changed ? "  CHANGED" : "");
    }
    ok = line(&e, "review not plan", e.s.review_gold, -1, e.s.review_matched, 0, th->min_recall) && ok;
    ok = line(&e, "lists", e.s.lists_gold, -1, e.s.lists_matched, 0, th->min_recall) && ok;
    ok = line(&e, "sections", e.s.sections_gold, -1, e.s.sections_matched, 0, th->min_recall) && ok;
    ok = line(&e, "meta fields", e.s.meta_gold, -1, e.s.meta_matched, 0, th->min_field) && ok;
    ok = line(&e, "boilerplate absent", e.s.boilerplate_gold, -1, e.s.boilerplate_absent, 0, th->min_recall) && ok;
    if (report)
        fprintf(report,
                "\ntarget fields (matched rows where the gold gives them)\n%-22s "
                "%6s %8s %9s\n",
                "field", "gold", "correct", "accuracy");
    e.s.worst_field = 1.0;
    for (size_t f = 0; f < TARGET_FIELD_COUNT; f++) {
        e.s.field_total += e.field_total[f];
        e.s.field_correct += e.field_correct[f];
        bool known = e.field_total[f] > 0, compared = known && threshold_set(th->min_field);
        double a = ratio(e.field_correct[f], e.field_total[f]);
        if (known && a < e.s.worst_field)
            e.s.worst_field = a;
        bool fok = !compared || a >= th->min_field;
        ok = ok && fok;
        char abuf[16];
        if (report)
            fprintf(report, "%-22s %6zu %8zu %9s%s%s\n", target_fields[f], e.field_total[f], e.field_correct[f],
                    shown_ratio(abuf, e.field_correct[f], e.field_total[f]), compared ? "  " : "",
                    compared ? (fok ? "ok" : "BELOW") : "");
    }
    if (report && e.s.judged_sample) {
        char pbuf[16];
        fprintf(report,
                "\ncommitments judged by hand: %zu rows sampled, %zu still produced as judged (precision %s), %zu "
                "changed since judged (judge them again), %zu no longer produced (%zu of them judged correct)\n",
                e.s.judged_sample, e.s.judged_current, shown_ratio(pbuf, e.s.judged_correct, e.s.judged_current),
                e.s.judged_changed, e.s.judged_gone, e.s.judged_lost);
    }
    if (report && bg_eval_has_thresholds(th))
        fprintf(report, "\n%s\n", ok ? "PASS" : "FAIL");
    *passed = ok;
    if (score)
        *score = e.s;
    return BG_E_OK;
}

bool bg_eval_has_thresholds(const bg_eval_thresholds *th)
{
    return threshold_set(th->min_precision) || threshold_set(th->min_recall) || threshold_set(th->min_field);
}

bg_error bg_eval_run_scored(const bg_rules *rules, const char *gold_path, const char *docs_dir,
                            const bg_eval_thresholds *th, FILE *report, int *passed, bg_eval_score *score, char *msg,
                            size_t n)
{
    *passed = 0;
    bg_problems problems = {0};
    cJSON *gold = NULL;
    bg_error err = bg_gold_read(gold_path, &gold, &problems);
    if (err != BG_E_OK) {
        bg_fail(msg, n, err, "%s%s", problems.count ? problems.items[0] : gold_path,
                problems.count > 1 ? " (and more problems)" : "");
        bg_problems_free(&problems);
        return err;
    }
    bg_eval_documents docs = {.folder = docs_dir};
    err = bg_eval_gold(rules, gold_path, gold, &docs, th, report, passed, score, msg, n);
    cJSON_Delete(gold);
    return err;
}

bg_error bg_eval_run(const bg_rules *rules, const char *gold_path, const char *docs_dir, const bg_eval_thresholds *th,
                     FILE *report, int *passed, char *msg, size_t n)
{
    return bg_eval_run_scored(rules, gold_path, docs_dir, th, report, passed, NULL, msg, n);
}

void bg_eval_score_add(bg_eval_score *t, const bg_eval_score *s)
{
    size_t *to = &t->targets_gold;
    const size_t *from = &s->targets_gold;
    /* every size_t field from targets_gold to judged_lost, in order */
    size_t count = (size_t)((const char *)&s->field_correct - (const char *)&s->targets_gold) / sizeof(size_t) + 1;
    for (size_t i = 0; i < count; i++)
        to[i] += from[i];
    t->judged_sample += s->judged_sample;
    t->judged_current += s->judged_current;
    t->judged_correct += s->judged_correct;
    t->judged_changed += s->judged_changed;
    t->judged_gone += s->judged_gone;
    t->judged_lost += s->judged_lost;
    if (s->worst_field < t->worst_field || t->worst_field == 0)
        t->worst_field = s->worst_field;
}

void bg_eval_print_total(const bg_eval_score *t, size_t files, FILE *report)
{
    char p[16], r[16];
    fprintf(report, "\nall %zu gold files\n%-22s %6s %6s %8s %9s %7s\n", files, "table", "gold", "found", "matched",
            "precision", "recall");
    fprintf(report, "%-22s %6zu %6zu %8zu %9s %7s\n", "targets", t->targets_gold, t->targets_found, t->targets_matched,
            shown_ratio(p, t->targets_matched, t->targets_found), shown_ratio(r, t->targets_matched, t->targets_gold));
    if (t->outcomes_gold || t->outcomes_found)
        fprintf(report, "%-22s %6zu %6zu %8zu %9s %7s\n", "outcomes", t->outcomes_gold, t->outcomes_found,
                t->outcomes_matched, shown_ratio(p, t->outcomes_matched, t->outcomes_found),
                shown_ratio(r, t->outcomes_matched, t->outcomes_gold));
    fprintf(report, "%-22s %6zu %6s %8zu %9s %7s\n", "commitments (must)", t->commitments_gold, "-",
            t->commitments_matched, "-", shown_ratio(r, t->commitments_matched, t->commitments_gold));
    if (t->judged_sample)
        fprintf(report, "%-22s %6zu %6zu %8zu %9s %7s\n", "commitments (judged)", t->judged_sample, t->judged_current,
                t->judged_correct, shown_ratio(p, t->judged_correct, t->judged_current), "-");
    fprintf(report, "%-22s %6zu %6s %8zu %9s %7s\n", "meta fields", t->meta_gold, "-", t->meta_matched, "-",
            shown_ratio(r, t->meta_matched, t->meta_gold));
    fprintf(report, "%-22s %6zu %6s %8zu %9s %7s\n", "sections", t->sections_gold, "-", t->sections_matched, "-",
            shown_ratio(r, t->sections_matched, t->sections_gold));
    fprintf(report, "%-22s %6zu %6s %8zu %9s %7s\n", "lists", t->lists_gold, "-", t->lists_matched, "-",
            shown_ratio(r, t->lists_matched, t->lists_gold));
    if (t->judged_sample)
        fprintf(report,
                "commitments judged by hand: %zu rows sampled, %zu still produced as judged (precision %s), %zu "
                "changed since judged, %zu no longer produced (%zu of them judged correct)\n",
                t->judged_sample, t->judged_current, shown_ratio(p, t->judged_correct, t->judged_current),
                t->judged_changed, t->judged_gone, t->judged_lost);
}
