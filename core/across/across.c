/* across.c — the tables across reports (see across.h). */
#define _GNU_SOURCE
#include "across/across.h"

#include "extract/region.h"
#include "extract/targets.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- what a document leaves ---------------------------------------------- */

typedef struct adoc {
    char doc_id[17];
    char code[7];
    const char *code_now, *region, *province, *level; /* interned */
    int year;
    size_t first_target, target_count;
    size_t first_outcome, outcome_count;
    bool counted; /* the report that counts for its region and year (set by bg_across_rows) */
} adoc;

typedef struct atarget {
    size_t doc;
    int64_t seq;
    const char *indicator, *kind, *unit, *qualifier, *direction, *reference; /* interned; reference may be NULL */
    double value, value_max;
    bool has_value, has_max;
} atarget;

typedef struct aoutcome {
    int64_t seq;
    const char *indicator, *kind, *unit; /* interned */
    double value;
    int year;
    bool estimate;
} aoutcome;

/* Interned strings: one copy of each (indicator keys, units, names). */
typedef struct pool {
    char **slots; /* open addressing */
    size_t capacity, count;
} pool;

struct bg_across {
    const bg_rules *rules;
    adoc *docs;
    size_t doc_count, doc_capacity;
    atarget *targets;
    size_t target_count, target_capacity;
    aoutcome *outcomes;
    size_t outcome_count, outcome_capacity;
    pool strings;
};

static uint64_t hash_of(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
    return h;
}

static const char *intern(pool *p, const char *s, size_t n)
{
    if (p->count * 2 >= p->capacity) {
        size_t capacity = p->capacity ? p->capacity * 2 : 256;
        char **slots = calloc(capacity, sizeof *slots);
        if (!slots)
            return NULL;
        for (size_t i = 0; i < p->capacity; i++)
            if (p->slots[i]) {
                size_t k = hash_of(p->slots[i], strlen(p->slots[i])) & (capacity - 1);
                while (slots[k])
                    k = (k + 1) & (capacity - 1);
                slots[k] = p->slots[i];
            }
        free(p->slots);
        p->slots = slots;
        p->capacity = capacity;
    }
    size_t k = hash_of(s, n) & (p->capacity - 1);
    while (p->slots[k]) {
        if (strlen(p->slots[k]) == n && !memcmp(p->slots[k], s, n))
            return p->slots[k];
        k = (k + 1) & (p->capacity - 1);
    }
    char *copy = strndup(s, n);
    if (!copy)
        return NULL;
    p->slots[k] = copy;
    p->count++;
    return copy;
}

static void pool_free(pool *p)
{
    for (size_t i = 0; i < p->capacity; i++)
        free(p->slots[i]);
    free(p->slots);
}

bool bg_across_wanted(const bg_rules *rules)
{
    for (int t = BG_TABLE_TARGET_OUTCOMES; t <= BG_TABLE_TARGET_CHANGES; t++)
        if (rules->table_at[t] >= 0)
            return true;
    return false;
}

bg_across *bg_across_new(const bg_rules *rules)
{
    bg_across *a = calloc(1, sizeof *a);
    if (a)
        a->rules = rules;
    return a;
}

void bg_across_free(bg_across *a)
{
    if (!a)
        return;
    free(a->docs);
    free(a->targets);
    free(a->outcomes);
    pool_free(&a->strings);
    free(a);
}

static bool grow(void **items, size_t *capacity, size_t count, size_t size)
{
    if (count < *capacity)
        return true;
    size_t c = *capacity ? *capacity * 2 : 64;
    void *p = realloc(*items, c * size);
    if (!p)
        return false;
    *items = p;
    *capacity = c;
    return true;
}

/* ---- reading rows --------------------------------------------------------- */

typedef struct view {
    bg_rowset *rows;
    int at;                      /* rowset index, -1 when the job has no such table */
    const bg_table_schema *schema; /* the built-in schema */
} view;

static view view_of(const bg_across *a, bg_rowset *rows, int builtin)
{
    return (view){rows, a->rules->table_at[builtin], bg_builtin_table((size_t)builtin)};
}

static size_t view_count(const view *v)
{
    return v->at >= 0 ? bg_rowset_count(v->rows, (size_t)v->at) : 0;
}

static const bg_cell *view_cell(const view *v, size_t row, const char *column)
{
    int c = bg_column_index(v->schema, column);
    return c >= 0 ? &bg_rowset_row(v->rows, (size_t)v->at, row)[c] : NULL;
}

static bool has_text(const bg_cell *c)
{
    return c && c->type == BG_TYPE_TEXT && c->as.text.length > 0;
}

static bool text_equals(const bg_cell *c, const char *s)
{
    return c && c->type == BG_TYPE_TEXT && c->as.text.length == strlen(s) && !memcmp(c->as.text.data, s, strlen(s));
}

/* The cell's text interned ("" for none), or NULL on no memory. */
static const char *interned(bg_across *a, const bg_cell *c)
{
    return has_text(c) ? intern(&a->strings, c->as.text.data, c->as.text.length) : intern(&a->strings, "", 0);
}

static bool real_of(const bg_cell *c, double *out)
{
    if (c && c->type == BG_TYPE_REAL) {
        *out = c->as.real;
        return true;
    }
    if (c && c->type == BG_TYPE_INTEGER) {
        *out = (double)c->as.integer;
        return true;
    }
    return false;
}

static int64_t integer_of(const bg_cell *c)
{
    return c && c->type == BG_TYPE_INTEGER ? c->as.integer : 0;
}

bg_error bg_across_add(bg_across *a, bg_rowset *rows)
{
    view d = view_of(a, rows, BG_TABLE_DOCUMENTS);
    if (view_count(&d) == 0)
        return BG_E_OK;
    const bg_cell *code = view_cell(&d, 0, "region_code");
    int64_t year = integer_of(view_cell(&d, 0, "plan_year"));
    /* a work report of a known region and year; interpretations and other
     * pages restate targets, they do not set them */
    if (!text_equals(view_cell(&d, 0, "doc_type"), "work_report") || !has_text(code) || code->as.text.length != 6 ||
        year <= 0)
        return BG_E_OK;
    if (!grow((void **)&a->docs, &a->doc_capacity, a->doc_count, sizeof *a->docs))
        return BG_E_NOMEM;
    adoc *doc = &a->docs[a->doc_count];
    memset(doc, 0, sizeof *doc);
    const bg_cell *id = view_cell(&d, 0, "doc_id");
    snprintf(doc->doc_id, sizeof doc->doc_id, "%.*s", has_text(id) ? (int)id->as.text.length : 0,
             has_text(id) ? id->as.text.data : "");
    memcpy(doc->code, code->as.text.data, 6);
    doc->year = (int)year;
    const bg_cell *now = view_cell(&d, 0, "region_code_now");
    doc->code_now = has_text(now) ? interned(a, now) : intern(&a->strings, doc->code, 6);
    doc->region = interned(a, view_cell(&d, 0, "region"));
    doc->province = interned(a, view_cell(&d, 0, "province"));
    doc->level = interned(a, view_cell(&d, 0, "level"));
    if (!doc->code_now || !doc->region || !doc->province || !doc->level)
        return BG_E_NOMEM;
    doc->first_target = a->target_count;
    view t = view_of(a, rows, BG_TABLE_TARGETS);
    for (size_t r = 0; r < view_count(&t); r++) {
        if (!grow((void **)&a->targets, &a->target_capacity, a->target_count, sizeof *a->targets))
            return BG_E_NOMEM;
        atarget *x = &a->targets[a->target_count];
        memset(x, 0, sizeof *x);
        x->doc = a->doc_count;
        x->seq = integer_of(view_cell(&t, r, "seq"));
        x->indicator = interned(a, view_cell(&t, r, "indicator"));
        x->kind = interned(a, view_cell(&t, r, "kind"));
        x->unit = interned(a, view_cell(&t, r, "unit"));
        x->qualifier = interned(a, view_cell(&t, r, "qualifier"));
        x->direction = interned(a, view_cell(&t, r, "direction"));
        const bg_cell *ref = view_cell(&t, r, "reference");
        x->reference = has_text(ref) ? interned(a, ref) : NULL;
        x->has_value = real_of(view_cell(&t, r, "value"), &x->value);
        x->has_max = real_of(view_cell(&t, r, "value_max"), &x->value_max);
        if (!x->indicator || !x->kind || !x->unit || !x->qualifier || !x->direction || (has_text(ref) && !x->reference))
            return BG_E_NOMEM;
        if (!strcmp(x->indicator, "other"))
            continue; /* no indicator to join on */
        a->target_count++;
    }
    doc->target_count = a->target_count - doc->first_target;
    doc->first_outcome = a->outcome_count;
    view o = view_of(a, rows, BG_TABLE_OUTCOMES);
    for (size_t r = 0; r < view_count(&o); r++) {
        if (!grow((void **)&a->outcomes, &a->outcome_capacity, a->outcome_count, sizeof *a->outcomes))
            return BG_E_NOMEM;
        aoutcome *x = &a->outcomes[a->outcome_count];
        memset(x, 0, sizeof *x);
        x->seq = integer_of(view_cell(&o, r, "seq"));
        x->indicator = interned(a, view_cell(&o, r, "indicator"));
        x->kind = interned(a, view_cell(&o, r, "kind"));
        x->unit = interned(a, view_cell(&o, r, "unit"));
        x->year = (int)integer_of(view_cell(&o, r, "year"));
        x->estimate = integer_of(view_cell(&o, r, "estimate")) != 0;
        if (!x->indicator || !x->kind || !x->unit)
            return BG_E_NOMEM;
        if (!real_of(view_cell(&o, r, "value"), &x->value))
            continue;
        a->outcome_count++;
    }
    doc->outcome_count = a->outcome_count - doc->first_outcome;
    a->doc_count++;
    return BG_E_OK;
}

/* ---- the rules of comparison -------------------------------------------- */

static const double EPS = 1e-9;
/* 左右: within this many points of a rate */
static const double ABOUT_POINTS = 0.5;

/* A difference of two figures as written (7.6 − 7 is 0.6, not
 * 0.5999999999999996): rounded to 1e-9, far below any figure a report gives. */
static double difference(double a, double b)
{
    return nearbyint((a - b) * 1e9) / 1e9;
}

static bool is_rate(const char *unit)
{
    return unit && (!strcmp(unit, "%") || !strcmp(unit, "pp") || !strcmp(unit, "‰"));
}

const char *bg_across_met(const bg_met_query *q, double *gap, bool *has_gap)
{
    *has_gap = false;
    bool relation = q->kind && !strcmp(q->kind, "relation");
    if (relation) {
        if (!q->has_reference)
            return "unclear";
        *gap = difference(q->outcome, q->reference);
        *has_gap = true;
        if (!strcmp(q->qualifier, "in_line"))
            return q->outcome >= q->reference - ABOUT_POINTS - EPS ? "yes" : "no";
        if (!strcmp(q->qualifier, "above"))
            return q->outcome > q->reference + EPS ? "yes" : "no";
        if (!strcmp(q->qualifier, "below"))
            return q->outcome < q->reference - EPS ? "yes" : "no";
        return "unclear";
    }
    if (!q->has_value)
        return "unclear";
    if (!q->target_unit || !q->outcome_unit || strcmp(q->target_unit, q->outcome_unit) != 0)
        return "unclear"; /* 3000人 against 0.36万人: not compared here */
    bool fall = q->direction && !strcmp(q->direction, "fall");
    double v = q->value, o = q->outcome;
    *gap = difference(o, v);
    *has_gap = true;
    const char *k = q->qualifier ? q->qualifier : "exact";
    if (!strcmp(k, "range") && q->has_max) {
        /* 7%-7.5%: met from the lower end up; a fall of 3%-5% from a fall of 3 */
        return fall ? (o <= q->value_max + EPS ? "yes" : "no") : (o >= v - EPS ? "yes" : "no");
    }
    if (!strcmp(k, "at_least"))
        return o >= v - EPS ? "yes" : "no";
    if (!strcmp(k, "at_most"))
        return o <= v + EPS ? "yes" : "no";
    if (!strcmp(k, "above"))
        return o > v + EPS ? "yes" : "no";
    if (!strcmp(k, "below"))
        return o < v - EPS ? "yes" : "no";
    if (!strcmp(k, "about"))
        return is_rate(q->target_unit) ? (fabs(o - v) <= ABOUT_POINTS + EPS ? "yes" : "no") : "unclear";
    if (!strcmp(k, "exact"))
        return fall ? (o <= v + EPS ? "yes" : "no") : (o >= v - EPS ? "yes" : "no");
    return "unclear";
}

const bg_division *bg_across_parent(const bg_regions *regions, const char *code, const char *level, int year,
                                    char parent[7])
{
    parent[0] = '\0';
    if (!code || strlen(code) != 6 || !strcmp(code, "100000") || (level && !strcmp(level, "national")))
        return NULL;
    char province[7], prefecture[7];
    snprintf(province, sizeof province, "%.2s0000", code);
    snprintf(prefecture, sizeof prefecture, "%.4s00", code);
    if ((level && !strcmp(level, "province")) || !strcmp(code, province)) {
        memcpy(parent, "100000", 7);
        return regions ? bg_regions_by_code(regions, parent, year) : NULL;
    }
    if ((level && !strcmp(level, "city")) || !strcmp(code, prefecture)) {
        memcpy(parent, province, 7);
        return regions ? bg_regions_by_code(regions, parent, year) : NULL;
    }
    /* a county or district: its prefecture when one of that code is in use
     * that year, else the province (北京市朝阳区, 仙桃市) */
    const bg_division *p = regions ? bg_regions_by_code(regions, prefecture, year) : NULL;
    if (p && bg_division_in_use(p, year) && !strcmp(p->level, "city")) {
        memcpy(parent, prefecture, 7);
        return p;
    }
    memcpy(parent, province, 7);
    return regions ? bg_regions_by_code(regions, parent, year) : NULL;
}

/* ---- finding documents ---------------------------------------------------- */

/* Documents sorted by key (code_now: a region across years; or code: as of
 * the year), then year, then source order. */
typedef struct key_entry {
    const char *key;
    int year;
    size_t doc;
} key_entry;

typedef struct key_index {
    key_entry *entries;
    size_t count;
    const adoc *docs;
} key_index;

static int compare_entries(const void *x, const void *y)
{
    const key_entry *a = x, *b = y;
    int c = strcmp(a->key, b->key);
    if (c)
        return c;
    if (a->year != b->year)
        return a->year < b->year ? -1 : 1;
    return a->doc < b->doc ? -1 : a->doc > b->doc;
}

static bool index_build(key_index *k, const bg_across *a, bool by_now)
{
    k->count = a->doc_count;
    k->docs = a->docs;
    k->entries = malloc((a->doc_count ? a->doc_count : 1) * sizeof *k->entries);
    if (!k->entries)
        return false;
    for (size_t i = 0; i < a->doc_count; i++)
        k->entries[i] = (key_entry){by_now ? a->docs[i].code_now : a->docs[i].code, a->docs[i].year, i};
    qsort(k->entries, k->count, sizeof *k->entries, compare_entries);
    return true;
}

/* The first document (in source order) of key and year, or NULL. */
static const adoc *index_find(const key_index *k, const char *key, int year)
{
    size_t lo = 0, hi = k->count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const key_entry *e = &k->entries[mid];
        int c = strcmp(e->key, key);
        if (c < 0 || (c == 0 && e->year < year))
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < k->count && !strcmp(k->entries[lo].key, key) && k->entries[lo].year == year)
        return &k->docs[k->entries[lo].doc];
    return NULL;
}

/* Marks the reports that count for their region and year: the first in
 * source order (a second copy of a region's report, from another site, is
 * not a second region). */
static void mark_counted(bg_across *a, const key_index *by_now)
{
    for (size_t i = 0; i < a->doc_count; i++)
        a->docs[i].counted = index_find(by_now, a->docs[i].code_now, a->docs[i].year) == &a->docs[i];
}

/* The next target, from *i on, of a report that counts (NULL after the
 * last); *doc its report. */
static const atarget *next_target(const bg_across *a, size_t *i, const adoc **doc)
{
    for (; *i < a->target_count; (*i)++) {
        const atarget *t = &a->targets[*i];
        if (a->docs[t->doc].counted) {
            *doc = &a->docs[t->doc];
            (*i)++;
            return t;
        }
    }
    return NULL;
}

/* A target of doc for indicator: of the same kind and unit when there is
 * one, else its absent row, else (any_kind) its first. */
static const atarget *target_of(const bg_across *a, const adoc *doc, const char *indicator, const char *kind,
                                const char *unit, bool any_kind)
{
    const atarget *absent = NULL, *first = NULL;
    for (size_t i = doc->first_target; i < doc->first_target + doc->target_count; i++) {
        const atarget *t = &a->targets[i];
        if (t->indicator != indicator && strcmp(t->indicator, indicator) != 0)
            continue;
        if (!strcmp(t->kind, kind) && !strcmp(t->unit, unit))
            return t;
        if (!strcmp(t->kind, "absent") && !absent)
            absent = t;
        if (!first)
            first = t;
    }
    return absent ? absent : any_kind ? first : NULL;
}

static const aoutcome *outcome_of(const bg_across *a, const adoc *doc, const char *indicator, const char *kind,
                                  int year)
{
    for (size_t i = doc->first_outcome; i < doc->first_outcome + doc->outcome_count; i++) {
        const aoutcome *o = &a->outcomes[i];
        if (o->year == year && !strcmp(o->indicator, indicator) && !strcmp(o->kind, kind))
            return o;
    }
    return NULL;
}

static bool absent(const atarget *t)
{
    return !strcmp(t->kind, "absent");
}

/* ---- writing rows ------------------------------------------------------------ */

typedef struct writer {
    bg_across *a;
    bg_rowset *out;
    size_t table;
    const bg_table_schema *schema;
    bg_cell *row;
    bool nomem;
} writer;

static bool begin(writer *w, int builtin)
{
    w->schema = bg_builtin_table((size_t)builtin);
    w->row = bg_rowset_add(w->out, w->table);
    if (!w->row)
        w->nomem = true;
    return w->row != NULL;
}

static void put_text(writer *w, const char *column, const char *value)
{
    int c = bg_column_index(w->schema, column);
    if (c >= 0 && value && value[0] && !bg_cell_set_cstr(w->out, &w->row[c], value))
        w->nomem = true;
}

static void put_real(writer *w, const char *column, bool has, double value)
{
    int c = bg_column_index(w->schema, column);
    if (c >= 0 && has)
        bg_cell_set_real(&w->row[c], value);
}

static void put_integer(writer *w, const char *column, bool has, int64_t value)
{
    int c = bg_column_index(w->schema, column);
    if (c >= 0 && has)
        bg_cell_set_integer(&w->row[c], value);
}

static const char *label_of(const bg_across *a, const char *key)
{
    return bg_rules_indicator_label(a->rules, key, strlen(key));
}

static void put_region(writer *w, const adoc *d)
{
    put_text(w, "region_code", d->code);
    put_text(w, "region_code_now", d->code_now);
    put_text(w, "region", d->region);
    put_text(w, "province", d->province);
    put_text(w, "region_level", d->level);
}


/* target_outcomes: every target against the outcome the region's report of
 * the next year states. */
static void target_outcomes(writer *w, const key_index *by_now)
{
    bg_across *a = w->a;
    const atarget *t;
    const adoc *d;
    for (size_t i = 0; !w->nomem && (t = next_target(a, &i, &d));) {
        if (!begin(w, BG_TABLE_TARGET_OUTCOMES))
            return;
        put_region(w, d);
        put_integer(w, "year", true, d->year);
        put_text(w, "indicator", t->indicator);
        put_text(w, "indicator_label", label_of(a, t->indicator));
        put_text(w, "kind", t->kind);
        put_real(w, "target_value", t->has_value, t->value);
        put_real(w, "target_value_max", t->has_max, t->value_max);
        put_text(w, "target_unit", t->unit);
        put_text(w, "target_qualifier", t->qualifier);
        put_text(w, "target_reference", t->reference);
        put_text(w, "target_doc_id", d->doc_id);
        put_integer(w, "target_seq", true, t->seq);
        if (absent(t)) {
            put_text(w, "state", "absent");
            continue;
        }
        const adoc *next = index_find(by_now, d->code_now, d->year + 1);
        bool relation = !strcmp(t->kind, "relation");
        /* a relation's own figure is the indicator's growth */
        const aoutcome *o = next ? outcome_of(a, next, t->indicator, relation ? "growth" : t->kind, d->year) : NULL;
        if (!o) {
            put_text(w, "state", "no_outcome");
            continue;
        }
        bg_met_query q = {.kind = t->kind,
                          .qualifier = t->qualifier,
                          .direction = t->direction,
                          .target_unit = t->unit,
                          .outcome_unit = o->unit,
                          .value = t->value,
                          .value_max = t->value_max,
                          .outcome = o->value,
                          .has_value = t->has_value,
                          .has_max = t->has_max};
        if (relation) {
            const char *ref = t->reference ? bg_targets_indicator_of(a->rules->targets, t->reference,
                                                                     strlen(t->reference))
                                           : NULL;
            const aoutcome *r = ref ? outcome_of(a, next, ref, "growth", d->year) : NULL;
            if (r) {
                q.reference = r->value;
                q.has_reference = true;
                put_real(w, "reference_outcome", true, r->value);
            }
        }
        double gap = 0;
        bool has_gap = false;
        const char *met = bg_across_met(&q, &gap, &has_gap);
        put_real(w, "outcome_value", true, o->value);
        put_text(w, "outcome_unit", o->unit);
        put_integer(w, "outcome_estimate", true, o->estimate ? 1 : 0);
        put_real(w, "gap", has_gap, gap);
        put_text(w, "met", met);
        put_text(w, "state", "compared");
        put_text(w, "outcome_doc_id", next->doc_id);
        put_integer(w, "outcome_seq", true, o->seq);
    }
}

/* The value a target is compared at: a range's lower end. */
static bool comparable(const atarget *t)
{
    return t->has_value && (!strcmp(t->kind, "growth") || !strcmp(t->kind, "level")) && is_rate(t->unit) &&
           strcmp(t->unit, "pp") != 0;
}

typedef struct summary_cell {
    int year;
    const char *indicator, *level;
    size_t regions, above, equal, national;
    double sum, national_sum;
} summary_cell;

typedef struct summary {
    summary_cell *cells;
    size_t count, capacity;
} summary;

static summary_cell *summary_at(summary *s, int year, const char *indicator, const char *level)
{
    for (size_t i = s->count; i-- > 0;) /* the last ones are the likeliest */
        if (s->cells[i].year == year && s->cells[i].indicator == indicator && !strcmp(s->cells[i].level, level))
            return &s->cells[i];
    if (!grow((void **)&s->cells, &s->capacity, s->count, sizeof *s->cells))
        return NULL;
    summary_cell *c = &s->cells[s->count++];
    memset(c, 0, sizeof *c);
    c->year = year;
    c->indicator = indicator;
    c->level = level;
    return c;
}

/* escalation: each rate target against its parent's and the country's of
 * the same plan year, when their reports are in the corpus. */
static void escalation(writer *w, const key_index *by_code, summary *sum)
{
    bg_across *a = w->a;
    const atarget *t;
    const adoc *d;
    for (size_t i = 0; !w->nomem && (t = next_target(a, &i, &d));) {
        if (!absent(t) && !comparable(t))
            continue;
        char parent[7];
        const bg_division *pdiv = bg_across_parent(a->rules->regions, d->code, d->level, d->year, parent);
        if (!parent[0])
            continue; /* the country has no parent */
        const adoc *pd = index_find(by_code, parent, d->year);
        const adoc *nd = strcmp(parent, "100000") ? index_find(by_code, "100000", d->year) : pd;
        if (!pd && !nd)
            continue;
        if (!begin(w, BG_TABLE_ESCALATION))
            return;
        put_integer(w, "plan_year", true, d->year);
        put_text(w, "indicator", t->indicator);
        put_text(w, "indicator_label", label_of(a, t->indicator));
        put_text(w, "region_code", d->code);
        put_text(w, "region", d->region);
        put_text(w, "province", d->province);
        put_text(w, "region_level", d->level);
        put_text(w, "kind", t->kind);
        put_text(w, "unit", t->unit);
        put_real(w, "value", t->has_value, t->value);
        put_text(w, "qualifier", t->qualifier);
        put_text(w, "parent_code", parent);
        put_text(w, "parent_region", pd ? pd->region : pdiv ? pdiv->name : NULL);
        put_text(w, "parent_level", pd ? pd->level : pdiv ? pdiv->level : NULL);
        put_text(w, "doc_id", d->doc_id);
        put_integer(w, "seq", true, t->seq);
        /* a region that sets none is shown against its parent's growth target */
        const char *kind = absent(t) ? "growth" : t->kind, *unit = absent(t) ? "%" : t->unit;
        const atarget *pt = pd ? target_of(a, pd, t->indicator, kind, unit, false) : NULL;
        const atarget *nt = nd ? target_of(a, nd, t->indicator, kind, unit, false) : NULL;
        if (pd)
            put_text(w, "parent_doc_id", pd->doc_id);
        if (pt && !absent(pt)) {
            put_real(w, "parent_value", pt->has_value, pt->value);
            put_text(w, "parent_qualifier", pt->qualifier);
        }
        if (nt && !absent(nt)) {
            put_real(w, "national_value", nt->has_value, nt->value);
            put_text(w, "national_qualifier", nt->qualifier);
        }
        const char *state = absent(t)          ? "absent"
                            : !pd              ? "no_parent_report"
                            : !pt              ? "no_parent_target"
                            : absent(pt)       ? "parent_absent"
                            : !pt->has_value   ? "no_parent_target"
                                               : "compared";
        put_text(w, "state", state);
        summary_cell *c = NULL;
        if (!absent(t) && ((pt && !absent(pt) && pt->has_value) || (nt && !absent(nt) && nt->has_value))) {
            c = summary_at(sum, d->year, t->indicator, d->level);
            if (!c) {
                w->nomem = true;
                return;
            }
        }
        if (!strcmp(state, "compared")) {
            double diff = difference(t->value, pt->value);
            put_real(w, "difference", true, diff);
            c->regions++;
            c->sum += diff;
            c->above += diff > EPS;
            c->equal += fabs(diff) <= EPS;
        }
        if (!absent(t) && nt && !absent(nt) && nt->has_value) {
            double diff = difference(t->value, nt->value);
            put_real(w, "national_difference", true, diff);
            c->national++;
            c->national_sum += diff;
        }
    }
}

static int level_rank(const char *level)
{
    static const char *const order[] = {"national", "province", "city", "district", "county"};
    for (int i = 0; i < 5; i++)
        if (!strcmp(level, order[i]))
            return i;
    return 5;
}

static int compare_cells(const void *x, const void *y)
{
    const summary_cell *a = x, *b = y;
    if (a->year != b->year)
        return a->year < b->year ? -1 : 1;
    int c = strcmp(a->indicator, b->indicator);
    if (c)
        return c;
    return level_rank(a->level) - level_rank(b->level);
}

static void escalation_summary(writer *w, summary *sum)
{
    if (sum->count) /* qsort wants an array, even of nothing */
        qsort(sum->cells, sum->count, sizeof *sum->cells, compare_cells);
    for (size_t i = 0; i < sum->count && !w->nomem; i++) {
        const summary_cell *c = &sum->cells[i];
        if (!begin(w, BG_TABLE_ESCALATION_SUMMARY))
            return;
        put_integer(w, "plan_year", true, c->year);
        put_text(w, "indicator", c->indicator);
        put_text(w, "indicator_label", label_of(w->a, c->indicator));
        put_text(w, "region_level", c->level);
        put_integer(w, "regions", true, (int64_t)c->regions);
        put_real(w, "mean_difference", c->regions > 0, c->regions ? nearbyint(c->sum / (double)c->regions * 1e9) / 1e9 : 0);
        put_real(w, "share_above", c->regions > 0, c->regions ? (double)c->above / (double)c->regions : 0);
        put_real(w, "share_equal", c->regions > 0, c->regions ? (double)c->equal / (double)c->regions : 0);
        put_integer(w, "national_regions", true, (int64_t)c->national);
        put_real(w, "mean_national_difference", c->national > 0,
                 c->national ? nearbyint(c->national_sum / (double)c->national * 1e9) / 1e9 : 0);
    }
}

/* target_changes: each target against the region's own of the year before. */
static void target_changes(writer *w, const key_index *by_now)
{
    bg_across *a = w->a;
    const atarget *t;
    const adoc *d;
    for (size_t i = 0; !w->nomem && (t = next_target(a, &i, &d));) {
        const adoc *prev = index_find(by_now, d->code_now, d->year - 1);
        const atarget *pt = prev ? target_of(a, prev, t->indicator, t->kind, t->unit, true) : NULL;
        if (!pt)
            continue; /* no report of the year before, or it set nothing for the indicator */
        if (!begin(w, BG_TABLE_TARGET_CHANGES))
            return;
        put_region(w, d);
        put_integer(w, "plan_year", true, d->year);
        put_text(w, "indicator", t->indicator);
        put_text(w, "indicator_label", label_of(a, t->indicator));
        put_text(w, "kind", t->kind);
        put_text(w, "unit", t->unit);
        put_real(w, "value", t->has_value, t->value);
        put_text(w, "qualifier", t->qualifier);
        put_text(w, "previous_kind", pt->kind);
        put_real(w, "previous_value", pt->has_value, pt->value);
        put_text(w, "previous_qualifier", pt->qualifier);
        put_text(w, "previous_region_code", prev->code);
        put_text(w, "doc_id", d->doc_id);
        put_integer(w, "seq", true, t->seq);
        put_text(w, "previous_doc_id", prev->doc_id);
        const char *state;
        if (absent(t) && absent(pt))
            state = "both_absent";
        else if (absent(t))
            state = "absent";
        else if (absent(pt))
            state = "previously_absent";
        else if (strcmp(t->kind, pt->kind) || strcmp(t->unit, pt->unit) || !t->has_value || !pt->has_value)
            state = "not_comparable";
        else
            state = "compared";
        put_text(w, "state", state);
        if (!strcmp(state, "compared")) {
            put_real(w, "change", true, difference(t->value, pt->value));
            put_integer(w, "qualifier_changed", true, strcmp(t->qualifier, pt->qualifier) != 0);
        } else if (!absent(t) && !absent(pt)) {
            put_integer(w, "qualifier_changed", true, strcmp(t->qualifier, pt->qualifier) != 0);
        }
    }
}

bg_error bg_across_rows(bg_across *a, bg_rowset *out)
{
    key_index by_now = {0}, by_code = {0};
    summary sum = {0};
    bool ok = index_build(&by_now, a, true) && index_build(&by_code, a, false);
    if (ok)
        mark_counted(a, &by_now);
    writer w = {.a = a, .out = out, .nomem = !ok};
    const int *at = a->rules->table_at;
    if (!w.nomem && at[BG_TABLE_TARGET_OUTCOMES] >= 0) {
        w.table = (size_t)at[BG_TABLE_TARGET_OUTCOMES];
        target_outcomes(&w, &by_now);
    }
    if (!w.nomem && (at[BG_TABLE_ESCALATION] >= 0 || at[BG_TABLE_ESCALATION_SUMMARY] >= 0)) {
        /* the summary is made while the rows are: they go to a scratch
         * table when the job exports only the summary */
        const bg_table_schema *schema = bg_builtin_table(BG_TABLE_ESCALATION);
        bg_rowset *scratch = at[BG_TABLE_ESCALATION] >= 0 ? NULL : bg_rowset_new(1, &schema);
        writer e = w;
        if (at[BG_TABLE_ESCALATION] >= 0) {
            e.table = (size_t)at[BG_TABLE_ESCALATION];
        } else {
            e.out = scratch;
            e.table = 0;
            e.nomem = !scratch;
        }
        if (!e.nomem)
            escalation(&e, &by_code, &sum);
        w.nomem = e.nomem;
        bg_rowset_free(scratch);
    }
    if (!w.nomem && at[BG_TABLE_ESCALATION_SUMMARY] >= 0) {
        w.table = (size_t)at[BG_TABLE_ESCALATION_SUMMARY];
        escalation_summary(&w, &sum);
    }
    if (!w.nomem && at[BG_TABLE_TARGET_CHANGES] >= 0) {
        w.table = (size_t)at[BG_TABLE_TARGET_CHANGES];
        target_changes(&w, &by_now);
    }
    free(sum.cells);
    free(by_now.entries);
    free(by_code.entries);
    return w.nomem ? BG_E_NOMEM : BG_E_OK;
}
