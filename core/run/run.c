/* run.c — the pipeline: source -> decoded text -> rows -> exporters, one way.
 * Workers extract documents in parallel; the main thread hands each finished
 * document's rows to the exporters in sorted source order and frees them, so
 * the corpus is never held in memory and outputs are reproducible. Outputs go
 * to temporary files that are renamed into place only after every exporter
 * committed; anything else leaves the previous outputs exactly as they were. */
#include "run/run.h"

#include "hash.h"
#include "log.h"
#include "paths.h"
#include "run/lock.h"
#include "source/decode.h"
#include "source/sources.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Checking --------------------------------------------------------------- */

bg_job *bg_job_check(const char *config_path, const bg_plugin_dirs *dirs, const char *only, bg_problems *problems)
{
    bg_config *config = bg_config_load(config_path, problems);
    if (!config)
        return NULL;
    bg_job *job = calloc(1, sizeof *job);
    if (!job) {
        bg_config_free(config);
        return NULL;
    }
    job->config = config;
    job->plugin_count = config->exporter_count;
    job->plugins = calloc(config->exporter_count ? config->exporter_count : 1, sizeof *job->plugins);
    bool only_found = false;
    for (size_t i = 0; i < config->exporter_count; i++) {
        bg_exporter_config *e = &config->exporters[i];
        if (!e->plugin)
            continue;
        if (only && strcmp(only, e->plugin) != 0)
            continue;
        only_found = true;
        char msg[BG_MESSAGE_MAX];
        if (bg_plugin_load(dirs, e->plugin, &job->plugins[i], msg, sizeof msg) != BG_E_OK) {
            bg_problems_add(problems, "%s.plugin: %s", e->json_path, msg);
            continue;
        }
        char options_path[96];
        snprintf(options_path, sizeof options_path, "%s.options", e->json_path);
        bg_plugin_validate_options(job->plugins[i], e->options, options_path, problems);
    }
    if (only && !only_found)
        bg_problems_add(problems, "--only %s: the job has no exporter with plugin '%s'", only, only);
    job->rules = bg_rules_load(config->rules_path, config->divisions_path, config->extract, "extract", problems);
    if (problems->count) {
        bg_job_free(job);
        return NULL;
    }
    return job;
}

void bg_job_free(bg_job *job)
{
    if (!job)
        return;
    for (size_t i = 0; i < job->plugin_count; i++)
        bg_plugin_unload(job->plugins[i]);
    free(job->plugins);
    bg_rules_free(job->rules);
    bg_config_free(job->config);
    free(job);
}

/* Extraction of one source --------------------------------------------- */

typedef struct doc_result {
    bg_rowset *rows;
    char *source;
    char doc_id[17];
    char content_hash[17];
    char *error; /* set when the source failed */
} doc_result;

typedef struct source_result {
    doc_result *docs;
    size_t count;
    bool done;
} source_result;

static doc_result *add_doc(source_result *r)
{
    doc_result *grown = realloc(r->docs, (r->count + 1) * sizeof *grown);
    if (!grown)
        return NULL;
    r->docs = grown;
    doc_result *d = &r->docs[r->count++];
    memset(d, 0, sizeof *d);
    return d;
}

static void fail_doc(doc_result *d, const char *message)
{
    d->error = strdup(message);
    bg_rowset_free(d->rows);
    d->rows = NULL;
}

static void extract_one(const bg_job *job, doc_result *d, bg_doc_input *input)
{
    char msg[1024];
    size_t table_count = bg_rules_table_count(job->rules);
    d->rows = bg_rowset_new(table_count, bg_rules_tables(job->rules));
    if (!d->rows) {
        fail_doc(d, "out of memory");
        return;
    }
    input->doc_id = d->doc_id;
    input->content_hash = d->content_hash;
    input->source = d->source;
    if (bg_extract_document(job->rules, input, d->rows, msg, sizeof msg) != BG_E_OK)
        fail_doc(d, msg);
}

static void process_source(const bg_job *job, const bg_source_file *file, source_result *r)
{
    char msg[1024];
    size_t size;
    char *bytes = bg_read_file(file->path, &size);
    if (!bytes) {
        doc_result *d = add_doc(r);
        if (d) {
            d->source = strdup(file->path);
            snprintf(msg, sizeof msg, "%s: cannot read: %s", file->path, strerror(errno));
            fail_doc(d, msg);
        }
        return;
    }
    const bg_source_config *s = file->config;
    bool csv = !strcmp(s->format, "csv");
    bg_decoded decoded;
    bg_error e = bg_decode(bytes, size, file->path, s->encoding, csv ? "text" : s->format, &decoded, msg, sizeof msg);
    char hash[17];
    bg_content_hash(bytes, size, hash);
    free(bytes);
    if (e != BG_E_OK) {
        doc_result *d = add_doc(r);
        if (d) {
            d->source = strdup(file->path);
            memcpy(d->content_hash, hash, sizeof hash);
            fail_doc(d, msg);
        }
        return;
    }
    if (!csv) {
        doc_result *d = add_doc(r);
        if (!d) {
            bg_decoded_free(&decoded);
            return;
        }
        d->source = strdup(file->path);
        memcpy(d->content_hash, hash, sizeof hash);
        memcpy(d->doc_id, hash, sizeof hash);
        bg_doc_input input = {.encoding = decoded.encoding,
                              .encoding_reason = decoded.reason,
                              .format = decoded.format,
                              .utf8 = decoded.utf8,
                              .length = decoded.length};
        extract_one(job, d, &input);
        bg_decoded_free(&decoded);
        return;
    }
    bg_csv_rows rows;
    e = bg_csv_read(decoded.utf8, decoded.length, file->path, s, &rows, msg, sizeof msg);
    if (e != BG_E_OK) {
        doc_result *d = add_doc(r);
        if (d) {
            d->source = strdup(file->path);
            memcpy(d->content_hash, hash, sizeof hash);
            fail_doc(d, msg);
        }
        bg_decoded_free(&decoded);
        return;
    }
    for (size_t i = 0; i < rows.count; i++) {
        bg_csv_row *row = &rows.rows[i];
        doc_result *d = add_doc(r);
        if (!d)
            break;
        char name[4096];
        snprintf(name, sizeof name, "%s#%zu", file->path, row->row);
        d->source = strdup(name);
        bg_content_hash(row->text, row->text_length, d->content_hash);
        memcpy(d->doc_id, d->content_hash, sizeof d->doc_id);
        bg_doc_input input = {.encoding = decoded.encoding,
                              .encoding_reason = decoded.reason,
                              .format = "csv",
                              .utf8 = row->text,
                              .length = row->text_length,
                              .hint_title = row->title,
                              .hint_region = row->region,
                              .hint_year = row->year,
                              .hint_url = row->url};
        extract_one(job, d, &input);
    }
    bg_csv_rows_free(&rows);
    bg_decoded_free(&decoded);
}

static void free_source_result(source_result *r)
{
    for (size_t i = 0; i < r->count; i++) {
        bg_rowset_free(r->docs[i].rows);
        free(r->docs[i].source);
        free(r->docs[i].error);
    }
    free(r->docs);
    r->docs = NULL;
    r->count = 0;
}

/* Workers deliver in order ----------------------------------------------- */

typedef struct work_queue {
    const bg_job *job;
    const bg_source_list *sources;
    source_result *results;
    size_t next, consumed, window;
    bool stop;
    pthread_mutex_t mutex;
    pthread_cond_t done_cv, space_cv;
} work_queue;

static void *worker_main(void *arg)
{
    work_queue *q = arg;
    for (;;) {
        pthread_mutex_lock(&q->mutex);
        while (!q->stop && q->next < q->sources->count && q->next >= q->consumed + q->window)
            pthread_cond_wait(&q->space_cv, &q->mutex);
        if (q->stop || q->next >= q->sources->count) {
            pthread_mutex_unlock(&q->mutex);
            return NULL;
        }
        size_t i = q->next++;
        pthread_mutex_unlock(&q->mutex);
        source_result r = {0};
        process_source(q->job, &q->sources->files[i], &r);
        pthread_mutex_lock(&q->mutex);
        q->results[i] = r;
        q->results[i].done = true;
        pthread_cond_broadcast(&q->done_cv);
        pthread_mutex_unlock(&q->mutex);
    }
}

/* Exporters ---------------------------------------------------------------- */

typedef struct exporter_run {
    const bg_plugin *plugin;
    const bg_exporter_config *config;
    bg_context *ctx;
    bool closed;
} exporter_run;

static int exporter_failed(exporter_run *x, const char *what)
{
    bg_error_log("exporter %s (plugin %s, output %s): %s: %s", x->config->json_path, x->plugin->descriptor.name,
                 x->ctx->output_path, what, x->ctx->message[0] ? x->ctx->message : "failed without a message");
    return BG_EXIT_EXPORT_FAILED;
}

static void abort_all(exporter_run *xs, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        if (!xs[i].ctx)
            continue;
        if (xs[i].ctx->opened && !xs[i].closed) {
            xs[i].ctx->message[0] = '\0';
            if (xs[i].plugin->descriptor.close(xs[i].ctx, xs[i].ctx->state, 0) != BG_OK)
                bg_warn("plugin %s: abort failed: %s", xs[i].plugin->descriptor.name, xs[i].ctx->message);
            xs[i].closed = true;
        }
        bg_context_discard(xs[i].ctx);
    }
}

/* doc_id set: the same content under two names is exported once. */
typedef struct id_set {
    uint64_t *slots;
    size_t capacity, count;
} id_set;

static bool id_set_insert(id_set *s, const char *hex)
{
    uint64_t v = strtoull(hex, NULL, 16) | 1; /* 0 marks an empty slot */
    if ((s->count + 1) * 2 > s->capacity) {
        size_t capacity = s->capacity ? s->capacity * 2 : 1024;
        uint64_t *slots = calloc(capacity, sizeof *slots);
        if (!slots)
            return true;
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
        if (s->slots[k] == v)
            return false;
        if (!s->slots[k]) {
            s->slots[k] = v;
            s->count++;
            return true;
        }
    }
}

typedef struct summary_builder {
    bg_source_result *items;
    size_t count, capacity;
} summary_builder;

static void summary_add(summary_builder *b, const doc_result *d)
{
    if (b->count == b->capacity) {
        size_t capacity = b->capacity ? b->capacity * 2 : 64;
        bg_source_result *grown = realloc(b->items, capacity * sizeof *grown);
        if (!grown)
            return;
        b->items = grown;
        b->capacity = capacity;
    }
    bg_source_result *s = &b->items[b->count++];
    s->source = d->source ? strdup(d->source) : strdup("?");
    s->doc_id = d->doc_id[0] && !d->error ? strdup(d->doc_id) : NULL;
    s->content_hash = d->content_hash[0] ? strdup(d->content_hash) : NULL;
    s->status = d->error ? "failed" : "ok";
    s->error = d->error ? strdup(d->error) : NULL;
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

static void progress(size_t done, size_t total, time_t started)
{
    int width = 30;
    int filled = total ? (int)(done * (size_t)width / total) : width;
    fprintf(stderr, "\r[%.*s%*s] %zu/%zu sources, %lds", filled, "##############################", width - filled, "",
            done, total, (long)(time(NULL) - started));
    if (done == total)
        fputc('\n', stderr);
    fflush(stderr);
}

/* Writes the state file atomically: the last successful run's sources. */
static void write_state(const bg_config *c, const bg_run_summary *summary)
{
    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "job", c->job);
    cJSON_AddStringToObject(root, "run_id", summary->run_id);
    cJSON_AddNumberToObject(root, "started_at", (double)summary->started_at);
    cJSON_AddNumberToObject(root, "finished_at", (double)summary->finished_at);
    cJSON_AddStringToObject(root, "config_hash", summary->config_hash);
    cJSON *sources = cJSON_AddArrayToObject(root, "sources");
    for (size_t i = 0; i < summary->source_count; i++) {
        const bg_source_result *s = &summary->sources[i];
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "source", s->source);
        if (s->doc_id)
            cJSON_AddStringToObject(o, "doc_id", s->doc_id);
        if (s->content_hash)
            cJSON_AddStringToObject(o, "content_hash", s->content_hash);
        cJSON_AddStringToObject(o, "status", s->status);
        if (s->error)
            cJSON_AddStringToObject(o, "error", s->error);
        cJSON_AddItemToArray(sources, o);
    }
    char *text = cJSON_Print(root);
    cJSON_Delete(root);
    if (!text)
        return;
    char *dir = bg_dirname(c->state_path);
    char temp[4096];
    snprintf(temp, sizeof temp, "%s.tmp-%ld", c->state_path, (long)getpid());
    FILE *f = dir && bg_mkdirs(dir) == 0 ? fopen(temp, "w") : NULL;
    bool written = f && fputs(text, f) >= 0;
    if (f && fclose(f) != 0)
        written = false;
    if (written) {
        if (rename(temp, c->state_path) != 0)
            bg_warn("state %s: %s", c->state_path, strerror(errno));
    } else {
        unlink(temp);
        bg_warn("state %s: cannot write", c->state_path);
    }
    free(dir);
    cJSON_free(text);
}

static const char *cell_describe(const bg_cell *cells, const bg_table_schema *t, char *buf, size_t n)
{
    int doc = bg_column_index(t, "doc_id");
    if (doc >= 0 && cells[doc].type == BG_TYPE_TEXT)
        snprintf(buf, n, "doc %.*s", (int)cells[doc].as.text.length, cells[doc].as.text.data);
    else
        snprintf(buf, n, "row");
    return buf;
}

int bg_run(bg_job *job, const bg_run_options *options)
{
    const bg_config *c = job->config;
    time_t started = time(NULL);
    char msg[1024];
    bg_lock lock;
    bg_error e = bg_lock_acquire(c->lock_path, &lock, msg, sizeof msg);
    if (e == BG_E_LOCKED) {
        bg_error_log("%s", msg);
        return BG_EXIT_LOCKED;
    }
    if (e != BG_E_OK) {
        bg_error_log("%s", msg);
        return BG_EXIT_USAGE;
    }
    bg_source_list sources = {0};
    if ((e = bg_sources_list(c, &sources, msg, sizeof msg)) != BG_E_OK) {
        bg_error_log("%s", msg);
        bg_lock_release(&lock);
        return BG_EXIT_USAGE;
    }
    bg_info("job %s: %zu source file%s, %zu exporter%s%s", c->job, sources.count, sources.count == 1 ? "" : "s",
            c->exporter_count, c->exporter_count == 1 ? "" : "s",
            options->dry_run ? " (dry run: nothing is written)" : "");

    size_t table_count = bg_rules_table_count(job->rules);
    const bg_table_schema *const *tables = bg_rules_tables(job->rules);
    uint64_t *row_counts = calloc(table_count ? table_count : 1, sizeof *row_counts);
    exporter_run *xs = calloc(c->exporter_count ? c->exporter_count : 1, sizeof *xs);
    int exit_code = BG_EXIT_OK;
    char run_id[64];
    struct tm tm_start;
    localtime_r(&started, &tm_start);
    strftime(run_id, sizeof run_id, "%Y%m%dT%H%M%S", &tm_start);
    snprintf(run_id + strlen(run_id), sizeof run_id - strlen(run_id), "-%ld", (long)getpid());

    /* Open every exporter and begin every table before any work. */
    for (size_t i = 0; i < c->exporter_count && !options->dry_run && exit_code == BG_EXIT_OK; i++) {
        if (!job->plugins[i])
            continue;
        exporter_run *x = &xs[i];
        x->plugin = job->plugins[i];
        x->config = &c->exporters[i];
        char *output = bg_config_expand_output(x->config->output_template, c->job, started);
        x->ctx = output ? bg_context_new(x->plugin, output, x->config->options, c->job) : NULL;
        free(output);
        if (!x->ctx) {
            bg_error_log("%s: out of memory", x->config->json_path);
            exit_code = BG_EXIT_EXPORT_FAILED;
            break;
        }
        const bg_exporter *d = &x->plugin->descriptor;
        if (d->open(x->ctx, &x->ctx->state) != BG_OK) {
            exit_code = exporter_failed(x, "open");
            break;
        }
        x->ctx->opened = true;
        for (size_t t = 0; t < table_count; t++)
            if (d->begin_table(x->ctx, x->ctx->state, tables[t]) != BG_OK) {
                char what[128];
                snprintf(what, sizeof what, "begin table %s", tables[t]->name);
                exit_code = exporter_failed(x, what);
                break;
            }
    }

    source_result *results = calloc(sources.count ? sources.count : 1, sizeof *results);
    work_queue q = {.job = job, .sources = &sources, .results = results, .window = 64};
    pthread_mutex_init(&q.mutex, NULL);
    pthread_cond_init(&q.done_cv, NULL);
    pthread_cond_init(&q.space_cv, NULL);
    int jobs = options->jobs > 0 ? options->jobs : c->jobs;
    if (jobs < 1)
        jobs = 1;
    if ((size_t)jobs > sources.count && sources.count > 0)
        jobs = (int)sources.count;
    pthread_t *threads = calloc((size_t)jobs, sizeof *threads);
    int started_threads = 0;
    if (exit_code == BG_EXIT_OK && results && threads)
        for (; started_threads < jobs; started_threads++)
            if (pthread_create(&threads[started_threads], NULL, worker_main, &q) != 0)
                break;
    if (exit_code == BG_EXIT_OK && started_threads == 0 && sources.count) {
        bg_error_log("cannot start worker threads");
        exit_code = BG_EXIT_EXPORT_FAILED;
    }

    summary_builder summary_sources = {0};
    id_set seen = {0};
    uint64_t documents = 0, failed = 0;
    bool show_progress = options->progress && sources.count > 0;
    for (size_t i = 0; i < sources.count && exit_code == BG_EXIT_OK; i++) {
        pthread_mutex_lock(&q.mutex);
        while (!results[i].done && !(options->interrupted && *options->interrupted)) {
            struct timespec until;
            clock_gettime(CLOCK_REALTIME, &until);
            until.tv_nsec += 200 * 1000 * 1000;
            if (until.tv_nsec >= 1000000000L) {
                until.tv_sec++;
                until.tv_nsec -= 1000000000L;
            }
            pthread_cond_timedwait(&q.done_cv, &q.mutex, &until);
        }
        pthread_mutex_unlock(&q.mutex);
        if (options->interrupted && *options->interrupted) {
            bg_error_log("interrupted: previous outputs are left as they were");
            exit_code = BG_EXIT_INTERRUPTED;
            break;
        }
        source_result *r = &results[i];
        for (size_t k = 0; k < r->count && exit_code == BG_EXIT_OK; k++) {
            doc_result *d = &r->docs[k];
            summary_add(&summary_sources, d);
            if (d->error) {
                failed++;
                bg_warn("source failed: %s", d->error);
                continue;
            }
            if (!id_set_insert(&seen, d->doc_id)) {
                bg_info("%s: same content as an earlier source (doc %s), skipped", d->source, d->doc_id);
                summary_sources.items[summary_sources.count - 1].status = "duplicate";
                continue;
            }
            documents++;
            bg_document_info info = {sizeof info, BG_EXPORTER_ABI_MAJOR, BG_EXPORTER_ABI_MINOR, d->doc_id,
                                     d->source,   d->content_hash};
            for (size_t t = 0; t < table_count; t++)
                row_counts[t] += bg_rowset_count(d->rows, t);
            for (size_t x = 0; x < c->exporter_count && exit_code == BG_EXIT_OK; x++) {
                if (!xs[x].ctx)
                    continue;
                const bg_exporter *ex = &xs[x].plugin->descriptor;
                if (ex->begin_document && ex->begin_document(xs[x].ctx, xs[x].ctx->state, &info) != BG_OK) {
                    char what[256];
                    snprintf(what, sizeof what, "document %s (%s)", d->doc_id, d->source);
                    exit_code = exporter_failed(&xs[x], what);
                    break;
                }
                for (size_t t = 0; t < table_count && exit_code == BG_EXIT_OK; t++) {
                    size_t n = bg_rowset_count(d->rows, t);
                    for (size_t row = 0; row < n; row++) {
                        const bg_cell *cells = bg_rowset_row(d->rows, t, row);
                        if (ex->write_row(xs[x].ctx, xs[x].ctx->state, tables[t], cells) != BG_OK) {
                            char what[256], doc[64];
                            snprintf(what, sizeof what, "table %s, row %zu of %s (%s)", tables[t]->name, row + 1,
                                     cell_describe(cells, tables[t], doc, sizeof doc), d->source);
                            exit_code = exporter_failed(&xs[x], what);
                            break;
                        }
                    }
                }
            }
        }
        free_source_result(r);
        pthread_mutex_lock(&q.mutex);
        q.consumed++;
        pthread_cond_broadcast(&q.space_cv);
        pthread_mutex_unlock(&q.mutex);
        if (show_progress)
            progress(i + 1, sources.count, started);
    }
    pthread_mutex_lock(&q.mutex);
    q.stop = true;
    pthread_cond_broadcast(&q.space_cv);
    pthread_mutex_unlock(&q.mutex);
    for (int t = 0; t < started_threads; t++)
        pthread_join(threads[t], NULL);
    for (size_t i = 0; i < sources.count; i++)
        free_source_result(&results[i]);
    free(results);
    free(threads);
    pthread_mutex_destroy(&q.mutex);
    pthread_cond_destroy(&q.done_cv);
    pthread_cond_destroy(&q.space_cv);

    bg_table_count *counts = calloc(table_count ? table_count : 1, sizeof *counts);
    for (size_t t = 0; t < table_count && counts; t++) {
        counts[t].table = tables[t]->name;
        counts[t].rows = row_counts[t];
    }
    bg_run_summary summary = {sizeof summary,
                              BG_EXPORTER_ABI_MAJOR,
                              BG_EXPORTER_ABI_MINOR,
                              run_id,
                              c->job,
                              (int64_t)started,
                              (int64_t)time(NULL),
                              c->config_hash ? c->config_hash : "",
                              sources.count,
                              documents,
                              failed,
                              counts ? table_count : 0,
                              counts,
                              summary_sources.count,
                              summary_sources.items};

    /* End, finish and commit every exporter; any failure aborts them all. */
    for (size_t x = 0; x < c->exporter_count && exit_code == BG_EXIT_OK; x++) {
        if (!xs[x].ctx)
            continue;
        const bg_exporter *ex = &xs[x].plugin->descriptor;
        for (size_t t = 0; t < table_count && exit_code == BG_EXIT_OK; t++)
            if (ex->end_table(xs[x].ctx, xs[x].ctx->state, tables[t]) != BG_OK) {
                char what[128];
                snprintf(what, sizeof what, "end table %s", tables[t]->name);
                exit_code = exporter_failed(&xs[x], what);
            }
        if (exit_code == BG_EXIT_OK && ex->finish && ex->finish(xs[x].ctx, xs[x].ctx->state, &summary) != BG_OK)
            exit_code = exporter_failed(&xs[x], "finish");
    }
    if (options->interrupted && *options->interrupted && exit_code == BG_EXIT_OK)
        exit_code = BG_EXIT_INTERRUPTED;
    for (size_t x = 0; x < c->exporter_count && exit_code == BG_EXIT_OK; x++) {
        if (!xs[x].ctx)
            continue;
        bg_status s = xs[x].plugin->descriptor.close(xs[x].ctx, xs[x].ctx->state, 1);
        xs[x].closed = true;
        if (s != BG_OK)
            exit_code = exporter_failed(&xs[x], "commit");
    }
    if (exit_code == BG_EXIT_OK) {
        for (size_t x = 0; x < c->exporter_count; x++)
            if (xs[x].ctx && bg_context_publish(xs[x].ctx, msg, sizeof msg) != BG_E_OK) {
                bg_error_log("%s: %s", xs[x].config->json_path, msg);
                exit_code = BG_EXIT_EXPORT_FAILED;
            }
        if (exit_code == BG_EXIT_OK && !options->dry_run)
            write_state(c, &summary);
    } else if (exit_code != BG_EXIT_INTERRUPTED) {
        bg_error_log("export failed: previous outputs are left as they were");
    }
    abort_all(xs, c->exporter_count);
    for (size_t x = 0; x < c->exporter_count; x++)
        bg_context_free(xs[x].ctx);
    free(xs);

    if (exit_code == BG_EXIT_OK && failed)
        exit_code = BG_EXIT_SOURCES_FAILED;
    char per_table[512] = "";
    for (size_t t = 0; t < table_count; t++) {
        char part[64];
        snprintf(part, sizeof part, "%s%s %llu", t ? ", " : "", tables[t]->name, (unsigned long long)row_counts[t]);
        strncat(per_table, part, sizeof per_table - strlen(per_table) - 1);
    }
    bg_log_always(exit_code <= BG_EXIT_SOURCES_FAILED ? BG_LOG_INFO : BG_LOG_ERROR,
                  "summary: job %s, %zu sources seen, %llu documents, %llu failed, rows: %s; %ld s%s", c->job,
                  sources.count, (unsigned long long)documents, (unsigned long long)failed, per_table,
                  (long)(time(NULL) - started),
                  exit_code == BG_EXIT_OK || exit_code == BG_EXIT_SOURCES_FAILED ? "" : " (outputs not replaced)");
    if (failed)
        for (size_t i = 0; i < summary_sources.count; i++)
            if (summary_sources.items[i].error)
                bg_warn("failed source: %s", summary_sources.items[i].error);
    summary_free(&summary_sources);
    free(counts);
    free(row_counts);
    free(seen.slots);
    bg_source_list_free(&sources);
    bg_lock_release(&lock);
    return exit_code;
}
