/* cache.c — the rows of unchanged sources from one run to the next (cache.h). */
#define _GNU_SOURCE
#include "run/cache.h"

#include "paths.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xxhash.h>

/* Bumped whenever the file's tables or the packing change. */
#define CACHE_FORMAT "baogao-cache 1"
#define PACK_MAGIC 0x31454342u /* "BCE1" */

/* Fingerprint ------------------------------------------------------------- */

static bool hash_file(XXH3_state_t *st, const char *path)
{
    FILE *in = fopen(path, "rb");
    if (!in)
        return false;
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, in)) > 0)
        XXH3_64bits_update(st, buf, n);
    bool ok = !ferror(in);
    fclose(in);
    return ok;
}

static void hash_text(XXH3_state_t *st, const char *s)
{
    s = s ? s : "";
    XXH3_64bits_update(st, s, strlen(s) + 1); /* with the NUL: "ab"+"c" differs from "a"+"bc" */
}

bg_error bg_cache_fingerprint(const bg_config *config, char out[17], char *msg, size_t msg_size)
{
    XXH3_state_t *st = XXH3_createState();
    if (!st || XXH3_64bits_reset(st) != XXH_OK) {
        XXH3_freeState(st);
        return bg_fail(msg, msg_size, BG_E_NOMEM, "out of memory");
    }
    hash_text(st, CACHE_FORMAT);
    hash_text(st, BAOGAO_VERSION);
    /* the executable itself: a rebuilt baogao of the same version extracts
     * with the code it was built from */
    bool ok = hash_file(st, "/proc/self/exe");
    const char *failed = ok ? NULL : "/proc/self/exe";
    if (ok && config->rules_path && !(ok = hash_file(st, config->rules_path)))
        failed = config->rules_path;
    hash_text(st, "divisions");
    if (ok && config->divisions_path && !(ok = hash_file(st, config->divisions_path)))
        failed = config->divisions_path;
    char *extract = config->extract ? cJSON_PrintUnformatted(config->extract) : NULL;
    hash_text(st, extract ? extract : "no extract section");
    cJSON_free(extract);
    char limits[128];
    snprintf(limits, sizeof limits, "%zu %zu", config->limits.document_bytes, config->limits.rows_per_document);
    hash_text(st, limits);
    XXH64_hash_t h = XXH3_64bits_digest(st);
    XXH3_freeState(st);
    if (!ok)
        return bg_fail(msg, msg_size, BG_E_IO, "%s: cannot read: %s", failed, strerror(errno));
    snprintf(out, 17, "%016llx", (unsigned long long)h);
    return BG_E_OK;
}

void bg_cache_key(const bg_source_config *s, const char content_hash[17], char out[17])
{
    XXH3_state_t *st = XXH3_createState();
    if (!st || XXH3_64bits_reset(st) != XXH_OK) {
        XXH3_freeState(st);
        snprintf(out, 17, "%s", "0000000000000000"); /* matches nothing a run stores */
        return;
    }
    hash_text(st, content_hash);
    if (s) {
        const char *options[] = {s->encoding,     s->format,        s->text_column, s->text_field, s->title_column,
                                 s->region_column, s->year_column, s->url_column,  s->delimiter};
        for (size_t i = 0; i < sizeof options / sizeof *options; i++)
            hash_text(st, options[i] ? options[i] : "\x01(unset)");
    }
    snprintf(out, 17, "%016llx", (unsigned long long)XXH3_64bits_digest(st));
    XXH3_freeState(st);
}

/* Files ------------------------------------------------------------------- */

typedef struct reader {
    sqlite3 *db;
    sqlite3_stmt *find;
    struct reader *next_free, *next_all;
} reader;

/* One file, updated in place by one transaction per run: entries written
 * for the sources extracted, names of the sources delivered recorded in a
 * temporary table, the rest deleted at the commit. In WAL mode the workers'
 * read-only connections see the last committed state meanwhile, and a run
 * that does not commit leaves the file as it was. */
struct bg_cache {
    char *path;
    char *fresh_path; /* set: no entry is used this run, so a new file is
                         written there and renamed over path at the commit */
    char fingerprint[17];
    bool previous; /* its entries are used */
    bool stale;    /* they were written under another fingerprint */
    sqlite3 *db;
    sqlite3_stmt *put, *seen;
    bool in_transaction;
    pthread_mutex_t mutex; /* the free readers */
    reader *free_readers, *all_readers;
};

/* fsync of a file by name: its bytes are on disk before it is renamed. */
static int sync_file(const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    int rc = fsync(fd);
    close(fd);
    return rc;
}

static bool exec(sqlite3 *db, const char *sql)
{
    return sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK;
}

/* The file's format and fingerprint (into fp), or false with *why. */
static bool read_header(sqlite3 *db, char fp[17], const char **why)
{
    sqlite3_stmt *st = NULL;
    bool ok = false;
    *why = "not a baogao cache";
    if (sqlite3_prepare_v2(db, "SELECT format, fingerprint FROM baogao_cache", -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW) {
        const char *format = (const char *)sqlite3_column_text(st, 0);
        const char *f = (const char *)sqlite3_column_text(st, 1);
        if (format && !strcmp(format, CACHE_FORMAT) && f && strlen(f) == 16) {
            memcpy(fp, f, 17);
            ok = true;
        } else if (format && !strncmp(format, "baogao-cache", 12)) {
            *why = "a cache of another baogao format";
        }
    }
    sqlite3_finalize(st);
    if (ok) {
        ok = sqlite3_prepare_v2(db, "SELECT name, key, packed FROM entries LIMIT 1", -1, &st, NULL) == SQLITE_OK &&
             sqlite3_step(st) != SQLITE_ERROR;
        sqlite3_finalize(st);
        if (!ok)
            *why = "damaged";
    }
    return ok;
}

static bool bind_step(sqlite3_stmt *st, const char *a, const char *b)
{
    sqlite3_bind_text(st, 1, a, -1, SQLITE_STATIC);
    if (b)
        sqlite3_bind_text(st, 2, b, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return rc == SQLITE_DONE;
}

/* Opens the file at c->path as a cache: the existing one when it is sound,
 * else (setting *warning) a new one, the unusable file moved aside. */
/* Opens the file at c->path when it is a sound cache of this fingerprint
 * (entries used, updated in place), else leaves c->db NULL for a new file;
 * an unusable file is moved aside (*warning says so). false: no cache this
 * run. */
static bool open_previous(bg_cache *c, bool full_refresh, char *warning, size_t warning_size)
{
    if (access(c->path, F_OK) != 0)
        return true;
    char fp[17] = "";
    const char *why = "cannot be opened";
    bool sound = sqlite3_open_v2(c->path, &c->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) == SQLITE_OK &&
                 read_header(c->db, fp, &why);
    if (sound) {
        c->previous = !full_refresh && !strcmp(fp, c->fingerprint);
        c->stale = strcmp(fp, c->fingerprint) != 0 && !full_refresh;
    }
    if (!c->previous) { /* a new file replaces it at the commit */
        sqlite3_close(c->db);
        c->db = NULL;
    }
    if (sound)
        return true;
    /* never trusted, never destroyed: it may be someone's file */
    char aside[4200];
    snprintf(aside, sizeof aside, "%s.bad", c->path);
    if (rename(c->path, aside) != 0) {
        snprintf(warning, warning_size, "cache %s: %s, and it cannot be moved aside: %s; no cache this run", c->path,
                 why, strerror(errno));
        return false;
    }
    snprintf(warning, warning_size, "cache %s: %s; moved to %s, a new cache is written", c->path, why, aside);
    return true;
}

/* The run's transaction on the previous file (WAL: the workers read its
 * committed entries meanwhile), or a new file beside it, written without
 * journal or syncing (nobody reads it, a failed run removes it; it is synced
 * once at the commit). */
static bool begin_writing(bg_cache *c)
{
    if (c->previous)
        return exec(c->db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
                           "CREATE TEMP TABLE seen(name TEXT PRIMARY KEY) WITHOUT ROWID;") &&
               exec(c->db, "BEGIN IMMEDIATE") && (c->in_transaction = true);
    if (asprintf(&c->fresh_path, "%s.new", c->path) < 0) {
        c->fresh_path = NULL;
        return false;
    }
    unlink(c->fresh_path); /* left by a run that was killed */
    sqlite3_stmt *st = NULL;
    /* entries are blobs of tens to hundreds of KiB: pages of 16 KiB, short overflow chains */
    bool ok =
        sqlite3_open_v2(c->fresh_path, &c->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                        NULL) == SQLITE_OK &&
        exec(c->db, "PRAGMA page_size=16384; PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;") &&
        exec(c->db, "CREATE TABLE baogao_cache(format TEXT NOT NULL, fingerprint TEXT NOT NULL);"
                    "CREATE TABLE entries(name TEXT PRIMARY KEY, key TEXT NOT NULL, packed BLOB NOT NULL)"
                    " WITHOUT ROWID;") &&
        exec(c->db, "BEGIN") && (c->in_transaction = true) &&
        sqlite3_prepare_v2(c->db, "INSERT INTO baogao_cache VALUES(?1, ?2)", -1, &st, NULL) == SQLITE_OK &&
        bind_step(st, CACHE_FORMAT, c->fingerprint);
    sqlite3_finalize(st);
    return ok;
}

bg_cache *bg_cache_open(const char *path, const char *fingerprint, bool full_refresh, char *warning,
                        size_t warning_size, char *msg, size_t msg_size)
{
    if (warning_size)
        warning[0] = '\0';
    bg_cache *c = calloc(1, sizeof *c);
    if (!c || !(c->path = strdup(path))) {
        free(c);
        bg_fail(msg, msg_size, BG_E_NOMEM, "out of memory");
        return NULL;
    }
    pthread_mutex_init(&c->mutex, NULL);
    snprintf(c->fingerprint, sizeof c->fingerprint, "%s", fingerprint);
    char *dir = bg_dirname(path);
    if (!dir || bg_mkdirs(dir) != 0) {
        bg_fail(msg, msg_size, BG_E_IO, "cache %s: cannot create its folder: %s", path, dir ? strerror(errno) : "?");
        free(dir);
        bg_cache_close(c);
        return NULL;
    }
    free(dir);
    if (!open_previous(c, full_refresh, warning, warning_size)) {
        bg_fail(msg, msg_size, BG_E_IO, "cache %s: not used", path);
        bg_cache_close(c);
        return NULL;
    }
    if (c->db)
        sqlite3_busy_timeout(c->db, 5000);
    bool ok = begin_writing(c) &&
              sqlite3_prepare_v2(c->db, "INSERT OR REPLACE INTO main.entries VALUES(?1, ?2, ?3)", -1, &c->put,
                                 NULL) == SQLITE_OK &&
              (!c->previous ||
               sqlite3_prepare_v2(c->db, "INSERT OR IGNORE INTO temp.seen VALUES(?1)", -1, &c->seen, NULL) ==
                   SQLITE_OK);
    if (!ok) {
        bg_fail(msg, msg_size, BG_E_IO, "cache %s: cannot be written: %s", c->fresh_path ? c->fresh_path : path,
                c->db ? sqlite3_errmsg(c->db) : "out of memory");
        bg_cache_close(c);
        return NULL;
    }
    return c;
}

static reader *take_reader(bg_cache *c)
{
    pthread_mutex_lock(&c->mutex);
    reader *r = c->free_readers;
    if (r)
        c->free_readers = r->next_free;
    pthread_mutex_unlock(&c->mutex);
    if (r)
        return r;
    r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    if (sqlite3_open_v2(c->path, &r->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(r->db, "SELECT packed FROM entries WHERE name = ?1 AND key = ?2", -1, &r->find, NULL) !=
            SQLITE_OK) {
        sqlite3_finalize(r->find);
        sqlite3_close(r->db);
        free(r);
        return NULL;
    }
    sqlite3_busy_timeout(r->db, 5000);
    pthread_mutex_lock(&c->mutex);
    r->next_all = c->all_readers;
    c->all_readers = r;
    pthread_mutex_unlock(&c->mutex);
    return r;
}

static void give_reader(bg_cache *c, reader *r)
{
    pthread_mutex_lock(&c->mutex);
    r->next_free = c->free_readers;
    c->free_readers = r;
    pthread_mutex_unlock(&c->mutex);
}

void *bg_cache_find(bg_cache *c, const char *name, const char *key, size_t *size)
{
    if (!c || !c->previous)
        return NULL;
    reader *r = take_reader(c);
    if (!r)
        return NULL;
    void *copy = NULL;
    sqlite3_bind_text(r->find, 1, name, -1, SQLITE_STATIC);
    sqlite3_bind_text(r->find, 2, key, -1, SQLITE_STATIC);
    if (sqlite3_step(r->find) == SQLITE_ROW) {
        const void *blob = sqlite3_column_blob(r->find, 0);
        int n = sqlite3_column_bytes(r->find, 0);
        if (blob && n > 0 && (copy = malloc((size_t)n))) {
            memcpy(copy, blob, (size_t)n);
            *size = (size_t)n;
        }
    }
    sqlite3_reset(r->find);
    sqlite3_clear_bindings(r->find);
    give_reader(c, r);
    return copy;
}

bool bg_cache_ready(const bg_cache *c)
{
    return c && c->previous;
}

bool bg_cache_stale(const bg_cache *c)
{
    return c && c->stale;
}

bg_error bg_cache_put(bg_cache *c, const char *name, const char *key, const void *packed, size_t size, char *msg,
                      size_t msg_size)
{
    if (size > INT32_MAX)
        return BG_E_OK; /* too large for one entry: that source is extracted every time */
    sqlite3_bind_text(c->put, 1, name, -1, SQLITE_STATIC);
    sqlite3_bind_text(c->put, 2, key, -1, SQLITE_STATIC);
    sqlite3_bind_blob(c->put, 3, packed, (int)size, SQLITE_STATIC);
    int rc = sqlite3_step(c->put);
    sqlite3_reset(c->put);
    sqlite3_clear_bindings(c->put);
    if (rc != SQLITE_DONE || (c->seen && !bind_step(c->seen, name, NULL)))
        return bg_fail(msg, msg_size, BG_E_IO, "cache %s: cannot write: %s", c->path, sqlite3_errmsg(c->db));
    return BG_E_OK;
}

bg_error bg_cache_keep(bg_cache *c, const char *name, const char *key, char *msg, size_t msg_size)
{
    (void)key; /* the entry found under this key stays as it is */
    if (c->seen && !bind_step(c->seen, name, NULL))
        return bg_fail(msg, msg_size, BG_E_IO, "cache %s: cannot write: %s", c->path, sqlite3_errmsg(c->db));
    return BG_E_OK;
}

bg_error bg_cache_commit(bg_cache *c, char *msg, size_t msg_size)
{
    sqlite3_finalize(c->put);
    sqlite3_finalize(c->seen);
    c->put = c->seen = NULL;
    if ((c->previous && !exec(c->db, "DELETE FROM main.entries WHERE name NOT IN (SELECT name FROM temp.seen)")) ||
        !exec(c->db, "COMMIT"))
        return bg_fail(msg, msg_size, BG_E_IO, "cache %s: cannot write: %s", c->path, sqlite3_errmsg(c->db));
    c->in_transaction = false;
    if (!c->fresh_path)
        return BG_E_OK;
    int rc = sqlite3_close(c->db);
    c->db = NULL;
    if (rc != SQLITE_OK || sync_file(c->fresh_path) != 0 || rename(c->fresh_path, c->path) != 0)
        return bg_fail(msg, msg_size, BG_E_IO, "cache %s: cannot replace it: %s", c->path, strerror(errno));
    /* a -wal or -shm of the file replaced would be taken for the new one's */
    char side[4200];
    snprintf(side, sizeof side, "%s-wal", c->path);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", c->path);
    unlink(side);
    free(c->fresh_path);
    c->fresh_path = NULL;
    return BG_E_OK;
}

void bg_cache_close(bg_cache *c)
{
    if (!c)
        return;
    for (reader *r = c->all_readers; r;) {
        reader *next = r->next_all;
        sqlite3_finalize(r->find);
        sqlite3_close(r->db);
        free(r);
        r = next;
    }
    sqlite3_finalize(c->put);
    sqlite3_finalize(c->seen);
    if (c->db) {
        if (c->in_transaction)
            exec(c->db, "ROLLBACK");
        /* the last connection folds the WAL back in and removes it */
        if (!c->fresh_path)
            sqlite3_wal_checkpoint_v2(c->db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
        sqlite3_close(c->db);
    }
    if (c->fresh_path) /* not committed */
        unlink(c->fresh_path);
    free(c->fresh_path);
    pthread_mutex_destroy(&c->mutex);
    free(c->path);
    free(c);
}

/* Packing ----------------------------------------------------------------- */

typedef struct buffer {
    unsigned char *data;
    size_t size, capacity;
    bool nomem;
} buffer;

static void put_bytes(buffer *b, const void *p, size_t n)
{
    if (b->nomem)
        return;
    if (b->size + n > b->capacity) {
        size_t capacity = b->capacity ? b->capacity : 4096;
        while (capacity < b->size + n)
            capacity *= 2;
        unsigned char *grown = realloc(b->data, capacity);
        if (!grown) {
            b->nomem = true;
            return;
        }
        b->data = grown;
        b->capacity = capacity;
    }
    memcpy(b->data + b->size, p, n);
    b->size += n;
}

static void put_u32(buffer *b, uint32_t v)
{
    put_bytes(b, &v, sizeof v);
}

#define NO_TEXT UINT32_MAX

static void put_text(buffer *b, const char *s, size_t n)
{
    if (!s) {
        put_u32(b, NO_TEXT);
        return;
    }
    put_u32(b, (uint32_t)n);
    put_bytes(b, s, n);
}

void *bg_cache_pack(const bg_source_docs *docs, bg_rowset *const *rows, const bg_log_capture *warnings,
                    size_t *size)
{
    if (warnings && warnings->nomem)
        return NULL;
    buffer b = {0};
    put_u32(&b, PACK_MAGIC);
    size_t notes = warnings ? warnings->count : 0;
    put_u32(&b, (uint32_t)notes);
    for (size_t i = 0; i < notes; i++)
        put_text(&b, warnings->items[i], strlen(warnings->items[i]));
    put_u32(&b, (uint32_t)docs->count);
    for (size_t i = 0; i < docs->count; i++) {
        const bg_source_doc *d = &docs->items[i];
        const bg_rowset *set = rows[i];
        if (!set || d->error) { /* failures are never kept */
            free(b.data);
            return NULL;
        }
        put_text(&b, d->source, d->source ? strlen(d->source) : 0);
        put_bytes(&b, d->doc_id, 16);
        put_bytes(&b, d->content_hash, 16);
        put_text(&b, d->notice, d->notice ? strlen(d->notice) : 0);
        put_u32(&b, (uint32_t)set->table_count);
        for (size_t t = 0; t < set->table_count; t++) {
            size_t n = bg_rowset_count(set, t), columns = set->tables[t].column_count;
            put_u32(&b, (uint32_t)n);
            put_u32(&b, (uint32_t)columns);
            for (size_t r = 0; r < n; r++) {
                const bg_cell *cells = bg_rowset_row((bg_rowset *)set, t, r);
                for (size_t k = 0; k < columns; k++) {
                    const bg_cell *cell = &cells[k];
                    unsigned char type = (unsigned char)cell->type;
                    put_bytes(&b, &type, 1);
                    switch (cell->type) {
                    case BG_TYPE_INTEGER:
                        put_bytes(&b, &cell->as.integer, sizeof cell->as.integer);
                        break;
                    case BG_TYPE_REAL:
                        put_bytes(&b, &cell->as.real, sizeof cell->as.real);
                        break;
                    case BG_TYPE_TEXT:
                        put_text(&b, cell->as.text.data, cell->as.text.length);
                        break;
                    case BG_TYPE_DATE:
                        put_bytes(&b, &cell->as.date, sizeof cell->as.date);
                        break;
                    case BG_TYPE_NULL:
                        break;
                    }
                }
            }
        }
    }
    if (b.nomem) {
        free(b.data);
        return NULL;
    }
    *size = b.size;
    return b.data;
}

typedef struct reading {
    const unsigned char *p, *end;
    bool bad;
} reading;

static bool get_bytes(reading *r, void *out, size_t n)
{
    if (r->bad || (size_t)(r->end - r->p) < n) {
        r->bad = true;
        return false;
    }
    memcpy(out, r->p, n);
    r->p += n;
    return true;
}

static uint32_t get_u32(reading *r)
{
    uint32_t v = 0;
    get_bytes(r, &v, sizeof v);
    return v;
}

/* A text in place (not copied): *s NULL for no text. */
static bool get_text(reading *r, const char **s, size_t *n)
{
    uint32_t len = get_u32(r);
    if (r->bad)
        return false;
    if (len == NO_TEXT) {
        *s = NULL;
        *n = 0;
        return true;
    }
    if ((size_t)(r->end - r->p) < len) {
        r->bad = true;
        return false;
    }
    *s = (const char *)r->p;
    *n = len;
    r->p += len;
    return true;
}

static char *get_string(reading *r)
{
    const char *s;
    size_t n;
    if (!get_text(r, &s, &n) || !s)
        return NULL;
    char *copy = strndup(s, n);
    if (!copy)
        r->bad = true;
    return copy;
}

bool bg_cache_unpack(const void *packed, size_t size, size_t table_count, const bg_table_schema *const *tables,
                     bg_source_docs *docs, bg_rowset ***rows_out, bg_log_capture *warnings)
{
    reading r = {.p = packed, .end = (const unsigned char *)packed + size};
    memset(docs, 0, sizeof *docs);
    memset(warnings, 0, sizeof *warnings);
    *rows_out = NULL;
    if (get_u32(&r) != PACK_MAGIC)
        return false;
    uint32_t notes = get_u32(&r);
    if (r.bad || notes % 2 || notes > size / 4)
        return false;
    if (notes && !(warnings->items = calloc(notes, sizeof *warnings->items)))
        return false;
    for (uint32_t i = 0; i < notes && !r.bad; i++) {
        warnings->items[i] = get_string(&r);
        if (!warnings->items[i])
            r.bad = true;
        else
            warnings->count++;
    }
    uint32_t count = get_u32(&r);
    /* every document takes at least 40 bytes: a damaged count cannot make us allocate much */
    if (r.bad || count == 0 || count > size / 40) {
        bg_log_capture_free(warnings);
        return false;
    }
    docs->items = calloc(count, sizeof *docs->items);
    bg_rowset **rows = calloc(count, sizeof *rows);
    if (!docs->items || !rows) {
        free(docs->items);
        free(rows);
        docs->items = NULL;
        bg_log_capture_free(warnings);
        return false;
    }
    docs->count = count;
    for (uint32_t i = 0; i < count && !r.bad; i++) {
        bg_source_doc *d = &docs->items[i];
        d->source = get_string(&r);
        if (!d->source || !get_bytes(&r, d->doc_id, 16) || !get_bytes(&r, d->content_hash, 16)) {
            r.bad = true;
            break;
        }
        const char *notice;
        size_t notice_length;
        if (get_text(&r, &notice, &notice_length) && notice && !(d->notice = strndup(notice, notice_length)))
            r.bad = true;
        if (get_u32(&r) != table_count || r.bad) {
            r.bad = true;
            break;
        }
        bg_rowset *set = rows[i] = bg_rowset_new(table_count, tables);
        if (!set) {
            r.bad = true;
            break;
        }
        for (size_t t = 0; t < table_count && !r.bad; t++) {
            uint32_t n = get_u32(&r), columns = get_u32(&r);
            if (r.bad || columns != tables[t]->column_count || (columns && n > (size_t)(r.end - r.p) / columns)) {
                r.bad = true;
                break;
            }
            for (uint32_t row = 0; row < n && !r.bad; row++) {
                bg_cell *cells = bg_rowset_add(set, t);
                if (!cells) {
                    r.bad = true;
                    break;
                }
                for (uint32_t k = 0; k < columns && !r.bad; k++) {
                    unsigned char type = 0;
                    get_bytes(&r, &type, 1);
                    bg_cell *cell = &cells[k];
                    switch (type) {
                    case BG_TYPE_NULL:
                        bg_cell_set_null(cell);
                        break;
                    case BG_TYPE_INTEGER:
                        cell->type = BG_TYPE_INTEGER;
                        get_bytes(&r, &cell->as.integer, sizeof cell->as.integer);
                        break;
                    case BG_TYPE_REAL:
                        cell->type = BG_TYPE_REAL;
                        get_bytes(&r, &cell->as.real, sizeof cell->as.real);
                        break;
                    case BG_TYPE_TEXT: {
                        const char *s;
                        size_t len;
                        if (get_text(&r, &s, &len) && (!s || !bg_cell_set_text(set, cell, s, len)))
                            r.bad = true;
                        break;
                    }
                    case BG_TYPE_DATE:
                        cell->type = BG_TYPE_DATE;
                        get_bytes(&r, &cell->as.date, sizeof cell->as.date);
                        break;
                    default:
                        r.bad = true;
                    }
                }
            }
        }
    }
    if (r.bad || r.p != r.end) {
        for (uint32_t i = 0; i < count; i++)
            bg_rowset_free(rows[i]);
        free(rows);
        bg_source_docs_free(docs);
        bg_log_capture_free(warnings);
        return false;
    }
    *rows_out = rows;
    return true;
}
