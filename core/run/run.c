/* run.c — the pipeline: source -> decoded text -> rows -> exporters, one way.
 * Workers read and extract sources in parallel; the main thread hands each
 * finished document's rows to the exporters in sorted source order and
 * frees them, so the corpus is never held in memory and outputs are
 * reproducible. Outputs go to temporary files that are published together
 * only after every exporter committed and the guard agreed; anything else
 * leaves the previous outputs exactly as they were. */
#include "run/run.h"

#include "across/across.h"
#include "budget.h"
#include "log.h"
#include "paths.h"
#include "run/cache.h"
#include "run/exporters.h"
#include "run/feed.h"
#include "run/lock.h"
#include "run/outputs.h"
#include "run/progress.h"
#include "run/publish.h"
#include "run/state.h"
#include "run/workers.h"
#include "source/read.h"
#include "source/sources.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* What a worker makes of one source: its documents with their rows. */
typedef struct source_out {
    bg_source_docs docs;
    bg_rowset **rows; /* per document, NULL when it failed */
    bool nomem;
    bool cached;         /* the rows came from the cache */
    char key[17];        /* the source's cache key ("" without a cache) */
    void *packed;        /* extracted: its cache entry (NULL when not kept) */
    size_t packed_size;
    bg_log_capture warnings; /* what its extraction warned of: kept with the entry, said again from it */
} source_out;

/* A source on its way to the exporters: what the run decided to deliver. */
typedef struct delivery {
    source_out out;
    bool *deliver;             /* per document: fresh, not failed, not a copy */
    bg_document_info *infos;   /* per document */
    const bg_table_schema *const *tables;
    size_t table_count;
} delivery;

typedef struct summary_builder {
    bg_source_result *items;
    size_t count, capacity;
} summary_builder;

/* doc_id set: the same content under two names is exported once. */
typedef struct id_set {
    uint64_t *slots;
    size_t capacity, count;
} id_set;

typedef struct run {
    bg_job *job;
    const bg_config *c;
    const bg_run_options *o;
    time_t started;
    struct timespec started_clock; /* for the summary's seconds */
    char run_id[64];
    bg_lock lock;
    bool locked;
    bg_state previous;
    bg_source_list sources;
    size_t table_count;
    const bg_table_schema *const *tables;
    uint64_t *row_counts;
    bg_export *exports;
    summary_builder summary;
    id_set seen;
    uint64_t documents, failed, duplicates;
    bg_table_count *counts;
    bg_publish publish;
    bg_cache *cache;       /* NULL: no cache (dry run, "cache": false, or it failed) */
    uint64_t cached, extracted; /* documents */
    bg_feed *feed;         /* the exporters' threads */
    bg_across *across;     /* what the tables across reports need, NULL when the job has none */
    double *own_seconds;   /* per exporter: its open, then its thread's work (wall) */
    double *own_cpu;       /* the same in processor time */
    bg_progress progress;
    bg_outputs outputs; /* what each exporter handed to publishing */
    bool published;     /* ... and it is in place */
    char reason[1024];  /* why the run did not publish */
} run;

static double now_seconds(clockid_t clock)
{
    struct timespec t;
    clock_gettime(clock, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static bool interrupted(const run *r)
{
    return r->o->interrupted && *r->o->interrupted;
}

/* Workers: read, decode, extract ------------------------------------------ */

/* A source whose bytes the cache holds: its documents and rows from there. */
static bool from_cache(const run *r, const bg_source_file *file, const bg_source_bytes *raw, source_out *out)
{
    bg_cache_key(file->config, raw->hash, out->key);
    size_t size = 0;
    void *packed = bg_cache_find(r->cache, file->name, out->key, &size);
    if (!packed)
        return false;
    bg_source_docs docs;
    bg_rowset **rows;
    bool ok = bg_cache_unpack(packed, size, r->table_count, r->tables, &docs, &rows, &out->warnings);
    free(packed);
    if (!ok) { /* a damaged entry is not trusted: the source is extracted */
        bg_debug("%s: its cache entry cannot be read; extracted again", file->name);
        return false;
    }
    bg_source_docs_free(&out->docs);
    out->docs = docs;
    out->rows = rows;
    out->cached = true;
    return true;
}

static void work_source(void *user, size_t index, void *slot)
{
    const run *r = user;
    source_out *out = slot;
    const bg_source_file *file = &r->sources.files[index];
    bg_read_limits limits = {.max_bytes = r->c->limits.document_bytes};
    bg_source_bytes raw;
    if (bg_source_load(file, &limits, &raw, &out->docs) != BG_E_OK) {
        out->nomem = true;
        return;
    }
    if (raw.bytes && r->cache && from_cache(r, file, &raw, out)) {
        free(raw.bytes);
        return;
    }
    if (raw.bytes && bg_source_decode(file, &raw, &out->docs) != BG_E_OK) {
        out->nomem = true;
        return;
    }
    out->rows = calloc(out->docs.count ? out->docs.count : 1, sizeof *out->rows);
    if (!out->rows) {
        out->nomem = true;
        return;
    }
    size_t table_count = r->table_count;
    for (size_t i = 0; i < out->docs.count; i++) {
        bg_source_doc *d = &out->docs.items[i];
        if (d->error)
            continue;
        char msg[1024];
        bg_rowset *rows = bg_rowset_new(table_count, r->tables);
        if (!rows) {
            d->error = strdup("out of memory");
            out->nomem = !d->error;
            continue;
        }
        rows->row_limit = r->c->limits.rows_per_document;
        bg_doc_input input = bg_source_doc_input(d);
        bg_budget_begin(r->o->interrupted, r->c->limits.seconds_per_document);
        if (r->cache)
            bg_log_capture_begin(&out->warnings);
        bg_error e = bg_extract_document(r->job->rules, &input, rows, msg, sizeof msg);
        bg_log_capture_end();
        bg_budget_end();
        /* the text is no longer needed: only the rows travel on */
        free(d->utf8);
        d->utf8 = NULL;
        if (e != BG_E_OK) {
            bg_rowset_free(rows);
            d->error = strdup(msg);
            out->nomem = !d->error;
            continue;
        }
        out->rows[i] = rows;
    }
    /* packed here, on the workers, so that the run's one thread only stores
     * it; a source with a failed document is not kept (NULL) */
    if (r->cache && out->key[0] && out->docs.count)
        out->packed = bg_cache_pack(&out->docs, out->rows, &out->warnings, &out->packed_size);
}

static void free_source_out(void *slot)
{
    source_out *out = slot;
    for (size_t i = 0; out->rows && i < out->docs.count; i++)
        bg_rowset_free(out->rows[i]);
    free(out->rows);
    free(out->packed);
    bg_log_capture_free(&out->warnings);
    bg_source_docs_free(&out->docs);
    memset(out, 0, sizeof *out);
}

static void free_delivery(void *item)
{
    delivery *d = item;
    free_source_out(&d->out);
    free(d->deliver);
    free(d->infos);
    free(d);
}

/* Bookkeeping ---------------------------------------------------------------- */

/* false when out of memory (the caller fails the run: a summary that lost a
 * source would be a false record). */
static bool id_set_insert(id_set *s, const char *hex, bool *fresh)
{
    uint64_t v = strtoull(hex, NULL, 16) | 1; /* 0 marks an empty slot */
    if ((s->count + 1) * 2 > s->capacity) {
        size_t capacity = s->capacity ? s->capacity * 2 : 1024;
        uint64_t *slots = calloc(capacity, sizeof *slots);
        if (!slots)
            return false;
        for (size_t i = 0; i < s->capacity; i++)
            if (s->slots[i])
                for (size_t k = s->slots[i] % capacity;; k = (k + 1) % capacity)
                    if (!slots[k]) {
                        slots[k] = s->slots[i];
                        break;
                    }
        free(s->slots);
        s->slots = slots;
        s->capacity = capacity;
    }
    for (size_t k = v % s->capacity;; k = (k + 1) % s->capacity) {
        if (s->slots[k] == v) {
            *fresh = false;
            return true;
        }
        if (!s->slots[k]) {
            s->slots[k] = v;
            s->count++;
            *fresh = true;
            return true;
        }
    }
}

/* The entry for one document, or NULL when out of memory. */
static bg_source_result *summary_add(summary_builder *b, const bg_source_doc *d, const char *status)
{
    if (b->count == b->capacity) {
        size_t capacity = b->capacity ? b->capacity * 2 : 64;
        bg_source_result *grown = realloc(b->items, capacity * sizeof *grown);
        if (!grown)
            return NULL;
        b->items = grown;
        b->capacity = capacity;
    }
    bg_source_result *s = &b->items[b->count];
    memset(s, 0, sizeof *s);
    s->source = strdup(d->source ? d->source : "?");
    s->doc_id = d->doc_id[0] && !d->error ? strdup(d->doc_id) : NULL;
    s->content_hash = d->content_hash[0] ? strdup(d->content_hash) : NULL;
    s->status = status;
    s->error = d->error ? strdup(d->error) : NULL;
    if (!s->source || (d->doc_id[0] && !d->error && !s->doc_id) || (d->content_hash[0] && !s->content_hash) ||
        (d->error && !s->error)) {
        free((char *)s->source);
        free((char *)s->doc_id);
        free((char *)s->content_hash);
        free((char *)s->error);
        return NULL;
    }
    b->count++;
    return s;
}

static void summary_free(summary_builder *b)
{
    for (size_t i = 0; i < b->count; i++) {
        free((char *)b->items[i].source);
        free((char *)b->items[i].doc_id);
        free((char *)b->items[i].content_hash);
        free((char *)b->items[i].error);
    }
    free(b->items);
}

/* Stages ------------------------------------------------------------------- */

static int take_lock(run *r)
{
    char msg[1024];
    bg_error e = bg_lock_acquire(r->c->lock_path, &r->lock, msg, sizeof msg);
    if (e == BG_E_OK) {
        r->locked = true;
        return BG_EXIT_OK;
    }
    snprintf(r->reason, sizeof r->reason, "%s", msg);
    return e == BG_E_LOCKED ? BG_EXIT_LOCKED : BG_EXIT_USAGE;
}

/* The previous run's state, and the leftovers of runs that were killed. */
static void recover(run *r)
{
    char msg[1024];
    if (bg_state_read(r->c->state_path, r->c->job, &r->previous, msg, sizeof msg) != BG_E_OK) {
        bg_warn("%s; the guard has no previous run to compare with", msg);
        memset(&r->previous, 0, sizeof r->previous);
    }
    if (r->o->dry_run)
        return;
    size_t fixed = 0;
    for (size_t i = 0; i < r->c->exporter_count; i++) {
        if (!r->job->plugins[i])
            continue;
        char *output = bg_config_expand_output(r->c->exporters[i].output_template, r->c->job, r->started);
        if (!output)
            continue;
        char *dir = bg_dirname(output);
        if (dir)
            fixed += bg_publish_recover(dir, r->previous.pid);
        if (r->job->plugins[i]->descriptor.output_kind == BG_OUTPUT_DIRECTORY)
            fixed += bg_publish_recover(output, r->previous.pid);
        free(dir);
        free(output);
    }
    if (fixed)
        bg_info("cleaned up %zu file%s left by stopped runs", fixed, fixed == 1 ? "" : "s");
}

static int list_sources(run *r)
{
    char msg[1024];
    bg_error e = bg_sources_list(r->c, r->o->interrupted, &r->sources, msg, sizeof msg);
    if (e == BG_E_INTERRUPTED)
        return BG_EXIT_INTERRUPTED;
    if (e != BG_E_OK) {
        snprintf(r->reason, sizeof r->reason, "%s", msg);
        return e == BG_E_NOMEM ? BG_EXIT_EXPORT_FAILED : BG_EXIT_USAGE;
    }
    bg_info("job %s: %zu source file%s, %zu exporter%s%s", r->c->job, r->sources.count,
            r->sources.count == 1 ? "" : "s", r->c->exporter_count, r->c->exporter_count == 1 ? "" : "s",
            r->o->dry_run ? " (dry run: nothing is written)" : "");
    return BG_EXIT_OK;
}

/* The cache of unchanged sources (not for a dry run, which writes nothing
 * and measures extraction). Any trouble with it costs speed, never the run. */
static void open_cache(run *r)
{
    if (r->o->dry_run || !r->c->cache_path)
        return;
    char fingerprint[17], msg[1024], warning[1024];
    if (bg_cache_fingerprint(r->c, fingerprint, msg, sizeof msg) != BG_E_OK) {
        bg_warn("%s; the run goes on without a cache", msg);
        return;
    }
    r->cache = bg_cache_open(r->c->cache_path, fingerprint, r->o->full_refresh, warning, sizeof warning, msg,
                             sizeof msg);
    if (warning[0])
        bg_warn("%s", warning);
    if (!r->cache)
        bg_warn("%s; the run goes on without a cache", msg);
    else if (bg_cache_stale(r->cache))
        bg_info("cache: written by other rules, divisions, extract settings or baogao; every source is extracted");
    else if (r->o->full_refresh)
        bg_info("cache: --full-refresh, every source is extracted");
}

/* The guard: too few documents, or far fewer than the last successful run. */
static int guard(run *r, uint64_t documents, const char *counted)
{
    const struct bg_guard_config *g = &r->c->guard;
    if (r->o->allow_shrink || g->allow_shrink)
        return BG_EXIT_OK;
    if ((long long)documents < (long long)g->min_documents) {
        snprintf(r->reason, sizeof r->reason,
                 "guard: %llu %s, fewer than guard.min_documents (%ld)%s; nothing was published (are the sources "
                 "there? --allow-shrink publishes anyway)",
                 (unsigned long long)documents, counted, g->min_documents,
                 r->previous.found ? "" : ", and no earlier run to compare with");
        return BG_EXIT_GUARD;
    }
    uint64_t before = r->previous.documents;
    if (r->previous.found && before > 0 && (double)documents < (double)before * (1.0 - g->max_drop)) {
        snprintf(r->reason, sizeof r->reason,
                 "guard: %llu %s where the last successful run (%s) had %llu documents, a drop of more than "
                 "guard.max_drop (%g%%); nothing was published (--allow-shrink publishes anyway)",
                 (unsigned long long)documents, counted, r->previous.run_id[0] ? r->previous.run_id : "?",
                 (unsigned long long)before, g->max_drop * 100);
        return BG_EXIT_GUARD;
    }
    return BG_EXIT_OK;
}

static int open_exporters(run *r)
{
    r->exports = calloc(r->c->exporter_count ? r->c->exporter_count : 1, sizeof *r->exports);
    r->own_seconds = calloc(r->c->exporter_count ? r->c->exporter_count : 1, sizeof *r->own_seconds);
    r->own_cpu = calloc(r->c->exporter_count ? r->c->exporter_count : 1, sizeof *r->own_cpu);
    if (!r->exports || !r->own_seconds || !r->own_cpu)
        return BG_EXIT_EXPORT_FAILED;
    if (r->o->dry_run)
        return BG_EXIT_OK;
    for (size_t i = 0; i < r->c->exporter_count; i++) {
        if (!r->job->plugins[i])
            continue;
        const bg_exporter_config *e = &r->c->exporters[i];
        char *output = bg_config_expand_output(e->output_template, r->c->job, r->started);
        if (!output) {
            snprintf(r->reason, sizeof r->reason, "%s: out of memory", e->json_path);
            return BG_EXIT_EXPORT_FAILED;
        }
        double shrink = r->o->allow_shrink || r->c->guard.allow_shrink ? 1.0 : r->c->guard.max_drop;
        double start = now_seconds(CLOCK_MONOTONIC), cpu = now_seconds(CLOCK_THREAD_CPUTIME_ID);
        bg_error err = bg_export_open(&r->exports[i], r->job->plugins[i], e->json_path, output, e->options, r->c->job,
                                      shrink, r->tables, r->table_count, r->reason, sizeof r->reason);
        r->own_seconds[i] = now_seconds(CLOCK_MONOTONIC) - start;
        r->own_cpu[i] = now_seconds(CLOCK_THREAD_CPUTIME_ID) - cpu;
        free(output);
        if (err != BG_E_OK)
            return BG_EXIT_EXPORT_FAILED;
    }
    /* rows wait for an exporter only this long: a few sources' worth */
    r->feed = bg_feed_start(r->exports, r->c->exporter_count, 8);
    if (!r->feed) {
        snprintf(r->reason, sizeof r->reason, "cannot start the exporters' threads");
        return BG_EXIT_EXPORT_FAILED;
    }
    return BG_EXIT_OK;
}

/* The text of a documents cell as a string (rowset text is NUL-terminated),
 * NULL when null or empty. */
static const char *identity_text(const bg_cell *row, int column)
{
    if (column < 0 || row[column].type != BG_TYPE_TEXT || row[column].as.text.length == 0)
        return NULL;
    return row[column].as.text.data;
}

/* The document's identity from its documents row, for bg_document_info. */
static void document_identity(const bg_table_schema *documents, bg_rowset *rows, bg_document_info *info)
{
    if (bg_rowset_count(rows, BG_TABLE_DOCUMENTS) == 0)
        return;
    const bg_cell *row = bg_rowset_row(rows, BG_TABLE_DOCUMENTS, 0);
    info->province = identity_text(row, bg_column_index(documents, "province"));
    info->region = identity_text(row, bg_column_index(documents, "region"));
    info->region_code = identity_text(row, bg_column_index(documents, "region_code"));
    info->level = identity_text(row, bg_column_index(documents, "level"));
    info->doc_type = identity_text(row, bg_column_index(documents, "doc_type"));
    int year = bg_column_index(documents, "plan_year");
    if (year >= 0 && row[year].type == BG_TYPE_INTEGER)
        info->plan_year = row[year].as.integer;
}

/* On an exporter's thread: the documents of one source, and their rows. */
static bg_error deliver_rows(bg_export *x, void *item, char *msg, size_t msg_size)
{
    delivery *d = item;
    for (size_t k = 0; k < d->out.docs.count; k++) {
        if (!d->deliver[k])
            continue;
        bg_error e = bg_export_document(x, &d->infos[k], msg, msg_size);
        bg_rowset *rows = d->out.rows[k];
        for (size_t t = 0; t < d->table_count && e == BG_E_OK; t++) {
            size_t n = bg_rowset_count(rows, t);
            for (size_t row = 0; row < n && e == BG_E_OK; row++)
                e = bg_export_row(x, d->tables[t], bg_rowset_row(rows, t, row), row + 1, d->out.docs.items[k].source,
                                  msg, msg_size);
        }
        if (e != BG_E_OK)
            return e;
    }
    return BG_E_OK;
}

/* The source's entry in the next cache: the previous one kept, or the one
 * just packed. A cache that cannot be written is given up with a warning:
 * the run does not depend on it. */
static void keep_in_cache(run *r, const bg_source_file *file, source_out *out)
{
    if (!r->cache || !out->key[0])
        return;
    char msg[1024];
    bg_error e = out->cached  ? bg_cache_keep(r->cache, file->name, out->key, msg, sizeof msg)
                 : out->packed ? bg_cache_put(r->cache, file->name, out->key, out->packed, out->packed_size, msg,
                                              sizeof msg)
                               : BG_E_OK;
    free(out->packed);
    out->packed = NULL;
    if (e != BG_E_OK) {
        bg_warn("%s; the run goes on without a cache", msg);
        bg_cache_close(r->cache);
        r->cache = NULL;
    }
}

/* One source's documents, in order: failures counted, copies skipped, the
 * rest handed to the exporters. */
static int take_source(run *r, size_t index, source_out *out)
{
    if (out->nomem) {
        snprintf(r->reason, sizeof r->reason, "out of memory reading sources");
        return BG_EXIT_EXPORT_FAILED;
    }
    delivery *dl = calloc(1, sizeof *dl);
    size_t count = out->docs.count;
    if (dl) {
        dl->deliver = calloc(count ? count : 1, sizeof *dl->deliver);
        dl->infos = calloc(count ? count : 1, sizeof *dl->infos);
    }
    if (!dl || !dl->deliver || !dl->infos) {
        if (dl) {
            free(dl->deliver);
            free(dl->infos);
        }
        free(dl);
        snprintf(r->reason, sizeof r->reason, "out of memory");
        return BG_EXIT_EXPORT_FAILED;
    }
    if (out->cached) /* as its extraction said them */
        bg_log_replay(&out->warnings);
    for (size_t k = 0; k < count; k++) {
        bg_source_doc *d = &out->docs.items[k];
        if (d->notice) /* a notice is its own kind: "%s: %s" would fold them all together */
            bg_log_kind(BG_LOG_WARN, d->notice, "%s: %s", d->source, d->notice);
        bool fresh = true;
        if (!d->error && !id_set_insert(&r->seen, d->doc_id, &fresh))
            goto nomem;
        const char *status = d->error ? "failed" : fresh ? "ok" : "duplicate";
        if (!summary_add(&r->summary, d, status))
            goto nomem;
        if (d->error) {
            r->failed++;
            bg_warn("source failed: %s", d->error);
            continue;
        }
        if (!fresh) {
            r->duplicates++;
            bg_info("%s: same content as an earlier source (doc %s), skipped", d->source, d->doc_id);
            continue;
        }
        r->documents++;
        if (out->cached)
            r->cached++;
        else
            r->extracted++;
        bg_rowset *rows = out->rows[k];
        for (size_t t = 0; t < r->table_count; t++)
            r->row_counts[t] += bg_rowset_count(rows, t);
        if (r->across && bg_across_add(r->across, rows) != BG_E_OK)
            goto nomem;
        dl->deliver[k] = true;
        dl->infos[k] = (bg_document_info){.struct_size = sizeof dl->infos[k],
                                          .abi_major = BG_EXPORTER_ABI_MAJOR,
                                          .abi_minor = BG_EXPORTER_ABI_MINOR,
                                          .doc_id = d->doc_id,
                                          .source = d->source,
                                          .content_hash = d->content_hash};
        document_identity(r->tables[BG_TABLE_DOCUMENTS], rows, &dl->infos[k]);
    }
    keep_in_cache(r, &r->sources.files[index], out);
    /* the worker's slot is reused: the source moves to the delivery */
    dl->out = *out;
    memset(out, 0, sizeof *out);
    dl->tables = r->tables;
    dl->table_count = r->table_count;
    if (!r->feed) {
        free_delivery(dl);
        return BG_EXIT_OK;
    }
    if (!bg_feed_push(r->feed, deliver_rows, dl, free_delivery)) {
        bg_feed_failure(r->feed, r->reason, sizeof r->reason);
        return BG_EXIT_EXPORT_FAILED;
    }
    return BG_EXIT_OK;
nomem:
    free(dl->deliver);
    free(dl->infos);
    free(dl);
    snprintf(r->reason, sizeof r->reason, "out of memory recording the run's sources");
    return BG_EXIT_EXPORT_FAILED;
}

/* The rows of the tables across reports, after every document's. */
typedef struct across_delivery {
    bg_rowset *rows;
    const bg_table_schema *const *tables;
    size_t table_count;
} across_delivery;

static void free_across(void *item)
{
    across_delivery *d = item;
    bg_rowset_free(d->rows);
    free(d);
}

static bg_error deliver_across(bg_export *x, void *item, char *msg, size_t msg_size)
{
    across_delivery *d = item;
    bg_error e = BG_E_OK;
    for (size_t t = 0; t < d->table_count && e == BG_E_OK; t++) {
        size_t n = bg_rowset_count(d->rows, t);
        for (size_t row = 0; row < n && e == BG_E_OK; row++)
            e = bg_export_row(x, d->tables[t], bg_rowset_row(d->rows, t, row), row + 1, "(across reports)", msg,
                              msg_size);
    }
    return e;
}

/* The tables across reports, from every document's rows, counted and
 * handed to the exporters after the last document. */
static int across_all(run *r)
{
    if (!r->across)
        return BG_EXIT_OK;
    bg_progress_phase(&r->progress, "comparing reports: targets, outcomes, parents…");
    across_delivery *d = calloc(1, sizeof *d);
    if (d)
        d->rows = bg_rowset_new(r->table_count, r->tables);
    if (!d || !d->rows || bg_across_rows(r->across, d->rows) != BG_E_OK) {
        if (d)
            bg_rowset_free(d->rows);
        free(d);
        snprintf(r->reason, sizeof r->reason, "out of memory comparing reports");
        return BG_EXIT_EXPORT_FAILED;
    }
    for (size_t t = 0; t < r->table_count; t++)
        r->row_counts[t] += bg_rowset_count(d->rows, t);
    d->tables = r->tables;
    d->table_count = r->table_count;
    if (!r->feed) {
        free_across(d);
        return BG_EXIT_OK;
    }
    if (!bg_feed_push(r->feed, deliver_across, d, free_across)) {
        bg_feed_failure(r->feed, r->reason, sizeof r->reason);
        return BG_EXIT_EXPORT_FAILED;
    }
    return BG_EXIT_OK;
}

static int extract_all(run *r)
{
    int jobs = r->o->jobs > 0 ? r->o->jobs : r->c->jobs;
    /* in flight: up to 64 sources, and up to 32 MiB of them (memory grows
     * with a source's size: one 5 MB report holds more rows than sixty
     * ordinary ones) */
    uint64_t *sizes = calloc(r->sources.count ? r->sources.count : 1, sizeof *sizes);
    for (size_t i = 0; sizes && i < r->sources.count; i++)
        sizes[i] = r->sources.files[i].size;
    bg_workers *w = r->sources.count && sizes ? bg_workers_start_weighted(r->sources.count, 64, sizes, 32u << 20, jobs,
                                                                          sizeof(source_out), work_source, r,
                                                                          r->o->interrupted)
                                              : NULL;
    if (r->sources.count && !w) {
        snprintf(r->reason, sizeof r->reason, "cannot start worker threads");
        return BG_EXIT_EXPORT_FAILED;
    }
    bg_progress_start(&r->progress, r->o->progress, &r->sources);
    int code = BG_EXIT_OK;
    for (size_t i = 0; i < r->sources.count && code == BG_EXIT_OK; i++) {
        source_out *out = bg_workers_next(w, i);
        if (!out || interrupted(r)) {
            code = BG_EXIT_INTERRUPTED;
            break;
        }
        code = take_source(r, i, out);
        free_source_out(out);
        bg_workers_release(w, i);
        bg_progress_source_done(&r->progress, i);
    }
    bg_workers_finish(w, free_source_out);
    free(sizes);
    if (code == BG_EXIT_OK)
        bg_progress_extracted(&r->progress);
    return code;
}

static void fill_summary(run *r, bg_run_summary *s)
{
    r->counts = calloc(r->table_count ? r->table_count : 1, sizeof *r->counts);
    for (size_t t = 0; t < r->table_count && r->counts; t++) {
        r->counts[t].table = r->tables[t]->name;
        r->counts[t].rows = r->row_counts[t];
    }
    *s = (bg_run_summary){.struct_size = sizeof *s,
                          .abi_major = BG_EXPORTER_ABI_MAJOR,
                          .abi_minor = BG_EXPORTER_ABI_MINOR,
                          .run_id = r->run_id,
                          .job = r->c->job,
                          .started_at = (int64_t)r->started,
                          .finished_at = (int64_t)time(NULL),
                          .config_hash = r->c->config_hash ? r->c->config_hash : "",
                          .sources_seen = r->sources.count,
                          .documents = r->documents,
                          .sources_failed = r->failed,
                          .table_count = r->counts ? r->table_count : 0,
                          .tables = r->counts,
                          .source_count = r->summary.count,
                          .sources = r->summary.items};
}

static uint64_t rows_total(const run *r)
{
    uint64_t rows = 0;
    for (size_t t = 0; t < r->table_count; t++)
        rows += r->row_counts[t];
    return rows;
}

/* What every exporter's thread does at the end: end its tables, finish
 * with the summary, and close for publishing. */
typedef struct ending {
    const bg_table_schema *const *tables;
    size_t table_count;
    const bg_run_summary *summary;
} ending;

static bg_error end_and_commit(bg_export *x, void *item, char *msg, size_t msg_size)
{
    const ending *e = item;
    bg_error err = bg_export_end(x, e->tables, e->table_count, e->summary, msg, msg_size);
    return err != BG_E_OK ? err : bg_export_commit(x, msg, msg_size);
}

/* The export phase line: the exporters still at work. */
static void show_exporters(run *r)
{
    if (!r->progress.on)
        return;
    char names[512] = "";
    size_t busy = 0;
    for (size_t x = 0; x < r->c->exporter_count; x++)
        if (r->exports[x].ctx && bg_feed_busy(r->feed, x)) {
            size_t used = strlen(names);
            snprintf(names + used, sizeof names - used, "%s%s", busy++ ? ", " : "", r->exports[x].plugin->descriptor.name);
        }
    bg_progress_phase(&r->progress, "exporting: %s writing %llu rows…", names, (unsigned long long)rows_total(r));
}

/* Every exporter ends and commits on its own thread, side by side; the
 * phase line names those still at work. */
static int end_exporters(run *r, const bg_run_summary *summary)
{
    ending e = {.tables = r->tables, .table_count = r->table_count, .summary = summary};
    if (!bg_feed_push(r->feed, end_and_commit, &e, NULL)) {
        bg_feed_failure(r->feed, r->reason, sizeof r->reason);
        return BG_EXIT_EXPORT_FAILED;
    }
    show_exporters(r);
    while (!bg_feed_wait(r->feed, 1000))
        show_exporters(r);
    if (bg_feed_failure(r->feed, r->reason, sizeof r->reason) != BG_E_OK)
        return BG_EXIT_EXPORT_FAILED;
    return interrupted(r) ? BG_EXIT_INTERRUPTED : BG_EXIT_OK;
}

/* Place every committed output, write the state (the commit point), then
 * let go of the previous outputs and replace the cache. A failure or a
 * signal before the commit point puts every previous output back. */
static int commit(run *r, const bg_run_summary *summary)
{
    for (size_t x = 0; x < r->c->exporter_count; x++)
    {
        if (bg_export_outputs(&r->exports[x], &r->publish, r->reason, sizeof r->reason) != BG_E_OK)
            return BG_EXIT_EXPORT_FAILED;
        if (!bg_outputs_add(&r->outputs, &r->exports[x], rows_total(r))) {
            snprintf(r->reason, sizeof r->reason, "out of memory");
            return BG_EXIT_EXPORT_FAILED;
        }
    }
    bg_progress_phase(&r->progress, "publishing %zu file%s…", r->publish.count, r->publish.count == 1 ? "" : "s");
    if (bg_publish_place(&r->publish, r->reason, sizeof r->reason) != BG_E_OK)
        return BG_EXIT_EXPORT_FAILED;
    if (interrupted(r)) {
        bg_publish_rollback(&r->publish);
        snprintf(r->reason, sizeof r->reason, "interrupted while publishing: the previous outputs are back in place");
        return BG_EXIT_INTERRUPTED;
    }
    char msg[900];
    if (bg_state_write(r->c->state_path, summary, msg, sizeof msg) != BG_E_OK) {
        bg_publish_rollback(&r->publish);
        snprintf(r->reason, sizeof r->reason, "%s; the previous outputs are back in place", msg);
        return BG_EXIT_EXPORT_FAILED;
    }
    bg_publish_done(&r->publish);
    bg_outputs_measure(&r->outputs);
    r->published = true;
    if (r->cache && bg_cache_commit(r->cache, msg, sizeof msg) != BG_E_OK)
        bg_warn("%s; the next run extracts every source", msg);
    for (size_t i = 0; i < r->publish.count; i++)
        bg_debug("placed %s", r->publish.files[i].final_path);
    return BG_EXIT_OK;
}

/* The summary as fields, for --log-json. */
static cJSON *summary_fields(const run *r, int code, double seconds)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "event", "summary");
    cJSON_AddStringToObject(o, "job", r->c->job);
    cJSON_AddStringToObject(o, "run_id", r->run_id);
    cJSON_AddNumberToObject(o, "sources_seen", (double)r->sources.count);
    cJSON_AddNumberToObject(o, "documents", (double)r->documents);
    cJSON_AddNumberToObject(o, "sources_failed", (double)r->failed);
    cJSON_AddNumberToObject(o, "duplicates", (double)r->duplicates);
    cJSON_AddNumberToObject(o, "cached", (double)r->cached);
    cJSON_AddNumberToObject(o, "extracted", (double)r->extracted);
    cJSON *rows = cJSON_AddObjectToObject(o, "rows");
    for (size_t t = 0; rows && t < r->table_count; t++)
        cJSON_AddNumberToObject(rows, r->tables[t]->name, (double)r->row_counts[t]);
    cJSON_AddNumberToObject(o, "seconds", (double)(long long)(seconds * 1000 + 0.5) / 1000);
    cJSON_AddNumberToObject(o, "exit_code", code);
    cJSON_AddBoolToObject(o, "dry_run", r->o->dry_run);
    /* each exporter's own time: its calls on its thread, and its open */
    cJSON *exporters = cJSON_AddArrayToObject(o, "exporters");
    for (size_t x = 0; exporters && r->exports && x < r->c->exporter_count; x++) {
        if (!r->exports[x].plugin)
            continue;
        cJSON *e = cJSON_CreateObject();
        if (!e)
            break;
        cJSON_AddStringToObject(e, "exporter", r->exports[x].json_path);
        cJSON_AddStringToObject(e, "plugin", r->exports[x].plugin->descriptor.name);
        cJSON_AddNumberToObject(e, "seconds", (double)(long long)(r->own_seconds[x] * 1000 + 0.5) / 1000);
        cJSON_AddNumberToObject(e, "cpu_seconds", (double)(long long)(r->own_cpu[x] * 1000 + 0.5) / 1000);
        cJSON_AddItemToArray(exporters, e);
    }
    /* only what is in place: a run that failed to publish wrote nothing */
    cJSON *outputs = r->published ? bg_outputs_json(&r->outputs) : cJSON_CreateArray();
    if (outputs)
        cJSON_AddItemToObject(o, "outputs", outputs);
    return o;
}

/* The run's last words: one summary line, a `wrote` line per published
 * output, then every failure, then the count of what -q folded. Quiet runs
 * that succeeded say nothing (unless asked); any other outcome is said at
 * warning or error level so that cron mails it. */
static void report(run *r, int code)
{
    char per_table[512] = "";
    for (size_t t = 0; t < r->table_count; t++) {
        char part[64];
        snprintf(part, sizeof part, "%s%s %llu", t ? ", " : "", r->tables[t]->name,
                 (unsigned long long)r->row_counts[t]);
        strncat(per_table, part, sizeof per_table - strlen(per_table) - 1);
    }
    const char *outcome = code == BG_EXIT_OK               ? ""
                          : code == BG_EXIT_SOURCES_FAILED ? " (outputs written without the failed sources)"
                          : code == BG_EXIT_LOCKED         ? " (refused: another run holds the lock)"
                          : code == BG_EXIT_GUARD          ? " (refused by the guard: outputs not replaced)"
                          : code == BG_EXIT_INTERRUPTED    ? " (interrupted: outputs not replaced)"
                          : r->o->dry_run                  ? " (dry run failed)"
                                                           : " (outputs not replaced)";
    if (code != BG_EXIT_OK && code != BG_EXIT_SOURCES_FAILED && r->reason[0])
        bg_error_log("%s", r->reason);
    else if (code == BG_EXIT_INTERRUPTED)
        bg_error_log("interrupted: previous outputs are left as they were");
    bg_log_level level = code == BG_EXIT_OK ? BG_LOG_INFO : code == BG_EXIT_SOURCES_FAILED ? BG_LOG_WARN : BG_LOG_ERROR;
    bool always = level != BG_LOG_INFO || r->o->summary;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    double seconds =
        (double)(now.tv_sec - r->started_clock.tv_sec) + (double)(now.tv_nsec - r->started_clock.tv_nsec) / 1e9;
    char duplicates[96] = "";
    if (r->duplicates)
        snprintf(duplicates, sizeof duplicates, ", %llu duplicate%s", (unsigned long long)r->duplicates,
                 r->duplicates == 1 ? "" : "s");
    if (r->cached) {
        size_t used = strlen(duplicates);
        snprintf(duplicates + used, sizeof duplicates - used, ", %llu from the cache", (unsigned long long)r->cached);
    }
    bg_log_fields(level, always, summary_fields(r, code, seconds),
                  "summary: job %s, %zu sources seen, %llu documents, %llu failed%s, rows: %s; %ld s%s", r->c->job,
                  r->sources.count, (unsigned long long)r->documents, (unsigned long long)r->failed, duplicates,
                  per_table, (long)(seconds + 0.5), outcome);
    /* wrote lines are info, as a successful summary: -q shows them with --summary */
    if (r->published)
        bg_outputs_log(&r->outputs, r->o->summary);
    for (size_t i = 0; i < r->summary.count; i++)
        if (r->summary.items[i].error)
            bg_log_always(BG_LOG_WARN, "failed source: %s", r->summary.items[i].error);
    bg_log_fold_report();
}

/* The run's identity and counters, then the job's lock. */
static int run_start(run *r, bg_job *job, const bg_run_options *options)
{
    *r = (run){.job = job, .c = job->config, .o = options, .started = time(NULL)};
    clock_gettime(CLOCK_MONOTONIC, &r->started_clock);
    r->table_count = bg_rules_table_count(job->rules);
    r->tables = bg_rules_tables(job->rules);
    struct tm tm_start;
    localtime_r(&r->started, &tm_start);
    strftime(r->run_id, sizeof r->run_id, "%Y%m%dT%H%M%S", &tm_start);
    snprintf(r->run_id + strlen(r->run_id), sizeof r->run_id - strlen(r->run_id), "-%ld", (long)getpid());
    r->row_counts = calloc(r->table_count ? r->table_count : 1, sizeof *r->row_counts);
    if (bg_across_wanted(job->rules) && !(r->across = bg_across_new(job->rules)))
        return BG_EXIT_EXPORT_FAILED;
    return r->row_counts ? take_lock(r) : BG_EXIT_EXPORT_FAILED;
}

/* The exporters' threads end (they are done with the exporters), then every
 * exporter is closed: aborted unless it committed. */
static void stop_exporters(run *r)
{
    for (size_t x = 0; r->feed && x < r->c->exporter_count; x++) {
        r->own_seconds[x] += bg_feed_seconds(r->feed, x, false);
        r->own_cpu[x] += bg_feed_seconds(r->feed, x, true);
    }
    bg_feed_stop(r->feed);
    r->feed = NULL;
    for (size_t x = 0; r->exports && x < r->c->exporter_count; x++)
        bg_export_free(&r->exports[x]);
}

static void run_free(run *r)
{
    bg_cache_close(r->cache); /* rolled back unless the run committed it */
    bg_across_free(r->across);
    bg_outputs_free(&r->outputs);
    bg_publish_free(&r->publish);
    free(r->exports);
    free(r->own_seconds);
    free(r->own_cpu);
    summary_free(&r->summary);
    free(r->counts);
    free(r->row_counts);
    free(r->seen.slots);
    bg_source_list_free(&r->sources);
    if (r->locked)
        bg_lock_release(&r->lock);
}

/* The pipeline: each step runs only when every step before it succeeded. */
int bg_run(bg_job *job, const bg_run_options *options)
{
    run r;
    int code = run_start(&r, job, options);
    if (code == BG_EXIT_OK) {
        recover(&r);
        code = list_sources(&r);
    }
    if (code == BG_EXIT_OK)
        open_cache(&r);
    if (code == BG_EXIT_OK && r.sources.count == 0)
        code = guard(&r, 0, "sources listed"); /* nothing to read: say so before any work */
    if (code == BG_EXIT_OK)
        code = open_exporters(&r);
    if (code == BG_EXIT_OK)
        code = extract_all(&r); /* sources -> workers -> rows -> every exporter's queue */
    if (code == BG_EXIT_OK)
        code = guard(&r, r.documents, "documents");
    if (code == BG_EXIT_OK)
        code = across_all(&r); /* the tables across reports, after the last document */
    bg_run_summary summary;
    fill_summary(&r, &summary);
    if (code == BG_EXIT_OK && !r.counts)
        code = BG_EXIT_EXPORT_FAILED;
    if (code == BG_EXIT_OK && !options->dry_run)
        code = end_exporters(&r, &summary); /* side by side */
    if (code == BG_EXIT_OK && !options->dry_run)
        code = commit(&r, &summary); /* publish, state, cache */
    if (code == BG_EXIT_OK && r.failed)
        code = BG_EXIT_SOURCES_FAILED;
    if (code == BG_EXIT_OK && interrupted(&r))
        bg_info("a signal arrived after the outputs were published; the run is complete");
    bg_progress_end(&r.progress);
    stop_exporters(&r);
    report(&r, code);
    run_free(&r);
    return code;
}
