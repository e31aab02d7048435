/* sqlite.c — the SQLite exporter: one database file that grows across runs.
 * Each result table becomes a typed SQL table keyed by its BG_COLUMN_KEY
 * columns; a document's rows are replaced when it is exported again, documents
 * from earlier runs stay (unless `prune`), and runs/sources record what each
 * run saw. A table across reports (BG_TABLE_ACROSS, ABI 1.3: target_outcomes,
 * escalation …) is computed over the whole corpus of the run, so every run
 * replaces its rows whole: never by document, never pruned; baogao_tables
 * remembers which tables those are (flags). The host's temporary file
 * starts as a copy of the existing output and is only renamed over it after
 * a committed run, so a failed run leaves the previous database exactly as
 * it was. Views for notebooks (v_<table>, gdp_targets, target_matrix) are
 * rebuilt at the end of every run, so they follow the tables' columns. */
#include "baogao/exporter.h"

#include <sqlite3.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Layout of the bookkeeping tables, in PRAGMA user_version. Bump it and add a
 * step to migrate() when that layout changes; result tables migrate by
 * themselves (ensure_table adds missing columns). */
#define SQLITE_LAYOUT_VERSION 2

/* Longest table prefix; table names stay short enough for index names. */
#define PREFIX_MAX 32
#define NAME_MAX_LENGTH 64

static const bg_host_api *host;

static const bg_option_spec sqlite_options[] = {
    {"prune", BG_OPTION_BOOL, "false", NULL, "delete the rows of documents whose source is no longer part of the run"},
    {"busy_timeout_ms", BG_OPTION_INTEGER, "5000", NULL,
     "how long to wait for a database another program has locked, in milliseconds"},
    {"table_prefix", BG_OPTION_TEXT, "\"\"", NULL,
     "prefix for every table and view the exporter creates, e.g. \"bg_\" ([a-z][a-z0-9_]*)"},
};

static const bg_option_limits sqlite_limits[] = {
    {0},
    {.flags = BG_OPTION_HAS_MINIMUM | BG_OPTION_HAS_MAXIMUM, .minimum = 0, .maximum = 3600000},
    {.pattern = "(?:[a-z][a-z0-9_]{0,31})?", .pattern_help = "[a-z][a-z0-9_]* of at most 32 characters, or \"\""},
};

/* Bookkeeping tables, declared like result tables so that ensure_table
 * creates them or adds the columns an older file lacks. */
static const bg_column runs_columns[] = {
    {"run_id", BG_TYPE_TEXT, "运行编号", "unique per run: start time and pid", BG_COLUMN_KEY},
    {"job", BG_TYPE_TEXT, "任务", "job name", 0},
    {"started", BG_TYPE_TEXT, "开始时间", "start of the run, ISO-8601 UTC", 0},
    {"finished", BG_TYPE_TEXT, "结束时间", "end of the run, ISO-8601 UTC", 0},
    {"config_hash", BG_TYPE_TEXT, "配置哈希", "XXH3-64 of the config file, hex", 0},
    {"rows_per_table", BG_TYPE_TEXT, "各表行数", "JSON object: table name -> rows written", 0},
    {"sources_seen", BG_TYPE_INTEGER, "来源数", "sources the run looked at", 0},
    {"documents", BG_TYPE_INTEGER, "文档数", "documents exported", 0},
    {"sources_failed", BG_TYPE_INTEGER, "失败数", "sources that failed", 0},
};

static const bg_column sources_columns[] = {
    {"path", BG_TYPE_TEXT, "来源", "path, or path#row for a CSV container", BG_COLUMN_KEY},
    {"doc_id", BG_TYPE_TEXT, "文档编号", "document the source produced (kept when it later fails)", 0},
    {"content_hash", BG_TYPE_TEXT, "内容哈希", "XXH3-64 of the source bytes, hex", 0},
    {"status", BG_TYPE_TEXT, "状态", "ok or failed, in the last run that saw it", 0},
    {"error", BG_TYPE_TEXT, "错误", "why it failed", 0},
    {"run_id", BG_TYPE_TEXT, "运行编号", "last run that saw it", 0},
};

static const bg_column tables_columns[] = {
    {"table_name", BG_TYPE_TEXT, "表名", "SQL name of a result table", BG_COLUMN_KEY},
    {"label", BG_TYPE_TEXT, "标签", "Chinese label", 0},
    {"label_en", BG_TYPE_TEXT, "英文说明", "English description", 0},
    {"flags", BG_TYPE_INTEGER, "标志",
     "BG_TABLE_* bits: 1 across reports (its rows are replaced whole by every run); NULL from an older exporter", 0},
};

static const bg_column columns_columns[] = {
    {"table_name", BG_TYPE_TEXT, "表名", "SQL name of a result table", BG_COLUMN_KEY},
    {"column_name", BG_TYPE_TEXT, "列名", "column name", BG_COLUMN_KEY},
    {"position", BG_TYPE_INTEGER, "位置", "0-based position in the exporter's schema", 0},
    {"type", BG_TYPE_TEXT, "类型", "integer, real, text or date (a date is stored as YYYY-MM-DD text)", 0},
    {"flags", BG_TYPE_INTEGER, "标志", "BG_COLUMN_* bits: 1 key, 2 code, 4 percent, 8 indexed, 16 long", 0},
    {"label", BG_TYPE_TEXT, "标签", "Chinese label", 0},
    {"label_en", BG_TYPE_TEXT, "英文说明", "English description", 0},
};

static const bg_column values_columns[] = {
    {"table_name", BG_TYPE_TEXT, "表名", "SQL name of a result table", BG_COLUMN_KEY},
    {"column_name", BG_TYPE_TEXT, "列名", "a coded column", BG_COLUMN_KEY},
    {"value", BG_TYPE_TEXT, "代码", "a code the column holds (growth)", BG_COLUMN_KEY},
    {"label", BG_TYPE_TEXT, "标签", "its Chinese label (增长)", 0},
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Names the exporter uses itself; a result table may not take them, nor
 * start with VIEW_PREFIX, which the per-table views take. */
static const char *const reserved_names[] = {"runs",          "sources",       "baogao_tables", "baogao_columns",
                                             "baogao_values", "target_matrix", "gdp_targets",   "gdp_targets_all"};
#define VIEW_PREFIX "v_"

/* One result table of the run. */
typedef struct result_table {
    char *schema_name; /* as the host names it */
    char *sql_name;    /* prefix + schema name */
    size_t column_count;
    sqlite3_stmt *insert; /* NULL after end_table */
    uint64_t rows;
    const bg_table_schema *schema; /* the host's, valid until close */
} result_table;

/* Per-run state, from open to close. */
typedef struct sqlite_state {
    bg_context *ctx;
    sqlite3 *db;
    const char *destination; /* host's, valid until close returns */
    const char *path;        /* the temporary file we write (host's) */
    char prefix[PREFIX_MAX + 1];
    int prune;
    int busy_timeout_ms;
    int in_transaction;
    int views_done;
    int fresh; /* no earlier database: nothing to replace, indexes built after the rows */
    result_table *tables;
    size_t table_count, table_capacity;
    /* DELETE ... WHERE doc_id = ? for every result table, prepared at the
     * first begin_document (or in finish when no document came). */
    sqlite3_stmt **deletes;
    char **delete_tables;
    size_t delete_count;
    int deletes_ready;
    char doc_id[NAME_MAX_LENGTH + 1]; /* current document, for messages */
} sqlite_state;

/* Helpers ------------------------------------------------------------------- */

static int is_identifier(const char *name)
{
    if (!name || !(*name >= 'a' && *name <= 'z'))
        return 0;
    size_t length = 0;
    for (const char *p = name; *p; p++, length++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_'))
            return 0;
    return length <= NAME_MAX_LENGTH;
}

static const char *sql_type(bg_type type)
{
    switch (type) {
    case BG_TYPE_INTEGER: return "INTEGER";
    case BG_TYPE_REAL: return "REAL";
    case BG_TYPE_TEXT:
    case BG_TYPE_DATE: return "TEXT";
    case BG_TYPE_NULL: return "";
    }
    return "";
}

static const char *logical_type(bg_type type)
{
    switch (type) {
    case BG_TYPE_INTEGER: return "integer";
    case BG_TYPE_REAL: return "real";
    case BG_TYPE_TEXT: return "text";
    case BG_TYPE_DATE: return "date";
    case BG_TYPE_NULL: return "null";
    }
    return "null";
}

/* A growing SQL text. Only identifiers that passed is_identifier and fixed
 * words go in here; values are always bound. */
typedef struct sql_text {
    char *data;
    size_t length, capacity;
    int failed;
} sql_text;

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static void
sql_add(sql_text *text, const char *format, ...)
{
    if (text->failed)
        return;
    for (;;) {
        va_list ap;
        va_start(ap, format);
        size_t room = text->capacity - text->length;
        int n = vsnprintf(text->data ? text->data + text->length : NULL, room, format, ap);
        va_end(ap);
        if (n < 0) {
            text->failed = 1;
            return;
        }
        if ((size_t)n < room) {
            text->length += (size_t)n;
            return;
        }
        size_t capacity = text->capacity ? text->capacity * 2 : 256;
        while (capacity < text->length + (size_t)n + 1)
            capacity *= 2;
        char *data = realloc(text->data, capacity);
        if (!data) {
            text->failed = 1;
            return;
        }
        text->data = data;
        text->capacity = capacity;
    }
}

/* The SQL name of one of our tables: prefix + name (name is an identifier). */
static void sql_name(const sqlite_state *s, const char *name, char out[PREFIX_MAX + NAME_MAX_LENGTH + 1])
{
    snprintf(out, PREFIX_MAX + NAME_MAX_LENGTH + 1, "%s%s", s->prefix, name);
}

static bg_status fail_db(sqlite_state *s, const char *what)
{
    return host->fail(s->ctx, BG_ERR_IO, "%s: %s: %s", s->destination, what, sqlite3_errmsg(s->db));
}

static bg_status exec_sql(sqlite_state *s, const char *sql, const char *what)
{
    if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK)
        return fail_db(s, what);
    return BG_OK;
}

static bg_status exec_text(sqlite_state *s, sql_text *sql, const char *what)
{
    if (sql->failed) {
        free(sql->data);
        return host->fail(s->ctx, BG_ERR_NOMEM, "%s: %s: out of memory", s->destination, what);
    }
    bg_status status = exec_sql(s, sql->data, what);
    free(sql->data);
    return status;
}

static bg_status prepare_text(sqlite_state *s, sql_text *sql, sqlite3_stmt **stmt, const char *what)
{
    *stmt = NULL;
    if (sql->failed) {
        free(sql->data);
        return host->fail(s->ctx, BG_ERR_NOMEM, "%s: %s: out of memory", s->destination, what);
    }
    int rc = sqlite3_prepare_v2(s->db, sql->data, -1, stmt, NULL);
    free(sql->data);
    return rc == SQLITE_OK ? BG_OK : fail_db(s, what);
}

static bg_status prepare(sqlite_state *s, const char *sql, sqlite3_stmt **stmt, const char *what)
{
    return sqlite3_prepare_v2(s->db, sql, -1, stmt, NULL) == SQLITE_OK ? BG_OK : fail_db(s, what);
}

/* Steps a statement that returns no rows, then resets it for the next use. */
static bg_status step_done(sqlite_state *s, sqlite3_stmt *stmt, const char *what)
{
    int rc = sqlite3_step(stmt);
    bg_status status = rc == SQLITE_DONE || rc == SQLITE_ROW ? BG_OK : fail_db(s, what);
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
    return status;
}

static void bind_text_or_null(sqlite3_stmt *stmt, int i, const char *text)
{
    if (text)
        sqlite3_bind_text(stmt, i, text, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(stmt, i);
}

static char *copy_string(const char *text)
{
    size_t n = strlen(text) + 1;
    char *copy = malloc(n);
    if (copy)
        memcpy(copy, text, n);
    return copy;
}

/* Removes the files SQLite keeps next to a database: they are ours (next to
 * the host's temporary path), and must not outlive the run. */
static void remove_sidecars(const char *path)
{
    static const char *const suffixes[] = {"-wal", "-shm", "-journal"};
    char name[4096];
    for (size_t i = 0; i < COUNT(suffixes); i++) {
        if (snprintf(name, sizeof name, "%s%s", path, suffixes[i]) < (int)sizeof name)
            unlink(name);
    }
}

/* The type of the schema object called name in main ("table", "view", ...),
 * or "" when there is none; out has room for 16 bytes. */
static bg_status object_type(sqlite_state *s, const char *name, char out[16])
{
    sqlite3_stmt *stmt;
    out[0] = '\0';
    bg_status status = prepare(s, "SELECT type FROM main.sqlite_master WHERE name = ?1", &stmt, "reading the schema");
    if (status)
        return status;
    sqlite3_bind_text(stmt, 1, name, -1, SQLITE_STATIC);
    int rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW)
        snprintf(out, 16, "%s", (const char *)sqlite3_column_text(stmt, 0));
    else if (rc != SQLITE_DONE)
        status = fail_db(s, "reading the schema");
    sqlite3_finalize(stmt);
    return status;
}

/* Creates table name with the given columns (PRIMARY KEY from the key
 * columns), or, when it exists, adds the columns an older file lacks. */
static bg_status ensure_table(sqlite_state *s, const char *name, size_t count, const bg_column *columns)
{
    char type[16];
    bg_status status = object_type(s, name, type);
    if (status)
        return status;
    if (type[0] && strcmp(type, "table") != 0)
        return host->fail(s->ctx, BG_ERR_FORMAT, "%s: cannot create table %s: a %s of that name exists", s->destination,
                          name, type);
    if (!type[0]) {
        sql_text sql = {0};
        sql_add(&sql, "CREATE TABLE \"%s\" (", name);
        size_t keys = 0;
        for (size_t i = 0; i < count; i++) {
            int key = (columns[i].flags & BG_COLUMN_KEY) != 0;
            keys += (size_t)key;
            sql_add(&sql, "%s\"%s\" %s%s", i ? ", " : "", columns[i].name, sql_type(columns[i].type),
                    key ? " NOT NULL" : "");
        }
        if (keys) {
            sql_add(&sql, ", PRIMARY KEY (");
            for (size_t i = 0, k = 0; i < count; i++)
                if (columns[i].flags & BG_COLUMN_KEY)
                    sql_add(&sql, "%s\"%s\"", k++ ? ", " : "", columns[i].name);
            sql_add(&sql, ")");
        }
        sql_add(&sql, ")");
        char what[160];
        snprintf(what, sizeof what, "creating table %s", name);
        return exec_text(s, &sql, what);
    }
    sqlite3_stmt *has;
    status = prepare(s, "SELECT 1 FROM pragma_table_info(?1, 'main') WHERE name = ?2", &has, "reading the schema");
    for (size_t i = 0; i < count && !status; i++) {
        sqlite3_bind_text(has, 1, name, -1, SQLITE_STATIC);
        sqlite3_bind_text(has, 2, columns[i].name, -1, SQLITE_STATIC);
        int rc = sqlite3_step(has);
        sqlite3_reset(has);
        if (rc == SQLITE_ROW)
            continue;
        if (rc != SQLITE_DONE) {
            status = fail_db(s, "reading the schema");
            break;
        }
        if (columns[i].flags & BG_COLUMN_KEY) {
            status = host->fail(s->ctx, BG_ERR_FORMAT,
                                "%s: table %s lacks key column %s, which cannot be added to an existing table; "
                                "drop the table or write to a new file",
                                s->destination, name, columns[i].name);
            break;
        }
        sql_text sql = {0};
        sql_add(&sql, "ALTER TABLE \"%s\" ADD COLUMN \"%s\" %s", name, columns[i].name, sql_type(columns[i].type));
        char what[200];
        snprintf(what, sizeof what, "adding column %s to table %s", columns[i].name, name);
        status = exec_text(s, &sql, what);
        if (!status)
            host->log(s->ctx, BG_LOG_INFO, "%s: added column %s to table %s", s->destination, columns[i].name, name);
    }
    sqlite3_finalize(has);
    return status;
}

/* Brings the bookkeeping tables up to SQLITE_LAYOUT_VERSION. */
static bg_status migrate(sqlite_state *s)
{
    sqlite3_stmt *stmt;
    bg_status status = prepare(s, "PRAGMA user_version", &stmt, "reading user_version");
    if (status)
        return status;
    int version = sqlite3_step(stmt) == SQLITE_ROW ? sqlite3_column_int(stmt, 0) : -1;
    sqlite3_finalize(stmt);
    if (version < 0)
        return fail_db(s, "reading user_version");
    if (version > SQLITE_LAYOUT_VERSION)
        return host->fail(s->ctx, BG_ERR_FORMAT,
                          "%s: written by a newer sqlite exporter (layout %d; this one knows up to %d)", s->destination,
                          version, SQLITE_LAYOUT_VERSION);
    /* Layout 1: runs, sources, baogao_tables, baogao_columns; layout 2 adds
     * baogao_values. Creating them when missing also covers a new
     * table_prefix in an existing file; a column added later
     * (baogao_tables.flags) is added by ensure_table, as in a result table,
     * and an older exporter leaves it NULL. */
    static const struct {
        const char *name;
        size_t count;
        const bg_column *columns;
    } bookkeeping[] = {
        {"runs", COUNT(runs_columns), runs_columns},
        {"sources", COUNT(sources_columns), sources_columns},
        {"baogao_tables", COUNT(tables_columns), tables_columns},
        {"baogao_columns", COUNT(columns_columns), columns_columns},
        {"baogao_values", COUNT(values_columns), values_columns},
    };
    char name[PREFIX_MAX + NAME_MAX_LENGTH + 1];
    for (size_t i = 0; i < COUNT(bookkeeping) && !status; i++) {
        sql_name(s, bookkeeping[i].name, name);
        status = ensure_table(s, name, bookkeeping[i].count, bookkeeping[i].columns);
    }
    if (status || version == SQLITE_LAYOUT_VERSION)
        return status;
    char sql[64];
    snprintf(sql, sizeof sql, "PRAGMA user_version = %d", SQLITE_LAYOUT_VERSION);
    status = exec_sql(s, sql, "setting user_version");
    if (!status)
        host->log(s->ctx, version ? BG_LOG_INFO : BG_LOG_DEBUG, "%s: layout version %d -> %d", s->destination, version,
                  SQLITE_LAYOUT_VERSION);
    return status;
}

/* Copies the existing output into the fresh temporary database, so that the
 * run updates a copy and the original stays intact until the host renames. */
static bg_status copy_existing(sqlite_state *s)
{
    struct stat st;
    if (stat(s->destination, &st) != 0) {
        if (errno == ENOENT) {
            s->fresh = 1;
            return BG_OK;
        }
        return host->fail(s->ctx, BG_ERR_IO, "%s: %s", s->destination, strerror(errno));
    }
    if (!S_ISREG(st.st_mode))
        return host->fail(s->ctx, BG_ERR_IO, "%s: exists and is not a file", s->destination);
    sqlite3 *old = NULL;
    int rc = sqlite3_open_v2(s->destination, &old, SQLITE_OPEN_READONLY, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_busy_timeout(old, s->busy_timeout_ms);
        rc = sqlite3_exec(old, "SELECT count(*) FROM sqlite_master", NULL, NULL, NULL);
    }
    if (rc != SQLITE_OK) {
        bg_status status;
        if (rc == SQLITE_NOTADB)
            status = host->fail(s->ctx, BG_ERR_FORMAT,
                                "%s: exists and is not a SQLite database; move it away or choose another output",
                                s->destination);
        else
            status = host->fail(s->ctx, BG_ERR_IO, "%s: cannot read the existing database: %s", s->destination,
                                old ? sqlite3_errmsg(old) : "out of memory");
        sqlite3_close(old);
        return status;
    }
    sqlite3_backup *backup = sqlite3_backup_init(s->db, "main", old, "main");
    bg_status status = BG_OK;
    if (!backup) {
        status = fail_db(s, "copying the existing database");
    } else {
        rc = sqlite3_backup_step(backup, -1);
        sqlite3_backup_finish(backup);
        if (rc != SQLITE_DONE)
            status = host->fail(s->ctx, BG_ERR_IO, "%s: copying the existing database: %s", s->destination,
                                sqlite3_errstr(rc));
    }
    sqlite3_close(old);
    /* The copy replaces the original: keep who may read it. */
    if (!status && chmod(s->path, st.st_mode & 07777) != 0)
        host->log(s->ctx, BG_LOG_WARN, "%s: cannot keep the file's permissions: %s", s->destination, strerror(errno));
    if (!status)
        host->log(s->ctx, BG_LOG_DEBUG, "%s: updating a copy of the existing database", s->destination);
    return status;
}

static void free_state(sqlite_state *s)
{
    for (size_t i = 0; i < s->table_count; i++) {
        sqlite3_finalize(s->tables[i].insert);
        free(s->tables[i].schema_name);
        free(s->tables[i].sql_name);
    }
    free(s->tables);
    for (size_t i = 0; i < s->delete_count; i++) {
        sqlite3_finalize(s->deletes[i]);
        free(s->delete_tables[i]);
    }
    free(s->deletes);
    free(s->delete_tables);
    if (s->db)
        sqlite3_close_v2(s->db);
    if (s->path)
        remove_sidecars(s->path);
    free(s);
}

/* open ---------------------------------------------------------------------- */

static bg_status sqlite_open(bg_context *ctx, void **state)
{
    sqlite_state *s = calloc(1, sizeof *s);
    if (!s)
        return host->fail(ctx, BG_ERR_NOMEM, "sqlite: out of memory");
    s->ctx = ctx;
    s->destination = host->output_path(ctx);
    s->prune = host->option_bool(ctx, "prune");
    int64_t busy_timeout = host->option_integer(ctx, "busy_timeout_ms");
    const char *prefix = host->option_text(ctx, "table_prefix");
    if (busy_timeout < 0 || busy_timeout > 3600000) {
        free_state(s);
        return host->fail(ctx, BG_ERR_OPTION, "busy_timeout_ms: %lld is not between 0 and 3600000",
                          (long long)busy_timeout);
    }
    if (prefix && *prefix && (!is_identifier(prefix) || strlen(prefix) > PREFIX_MAX)) {
        free_state(s);
        return host->fail(ctx, BG_ERR_OPTION, "table_prefix: '%s' is not [a-z][a-z0-9_]* of at most %d characters",
                          prefix, PREFIX_MAX);
    }
    snprintf(s->prefix, sizeof s->prefix, "%s", prefix ? prefix : "");
    s->path = host->output_file(ctx, NULL);
    if (!s->path) {
        free_state(s);
        return BG_ERR_IO; /* output_file said why */
    }
    /* The host creates nothing at the temporary path; anything there is a
     * leftover of a crashed process with our pid. */
    unlink(s->path);
    remove_sidecars(s->path);
    /* one thread at a time uses the connection: no per-call mutex */
    if (sqlite3_open_v2(s->path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) !=
        SQLITE_OK) {
        bg_status status = host->fail(ctx, BG_ERR_IO, "%s: cannot create %s: %s", s->destination, s->path,
                                      s->db ? sqlite3_errmsg(s->db) : "out of memory");
        free_state(s);
        return status;
    }
    sqlite3_extended_result_codes(s->db, 1);
    s->busy_timeout_ms = (int)busy_timeout;
    sqlite3_busy_timeout(s->db, s->busy_timeout_ms);
    bg_status status = copy_existing(s);
    /* The temporary file is the run's scratch copy: a failed run throws it
     * away and the host renames it over the output only after commit, so it
     * needs no journal and no syncing while it is written (close() syncs it
     * once). Every page is written once, not to a journal or WAL first. */
    if (!status)
        status = exec_sql(s, "PRAGMA journal_mode = OFF", "setting journal_mode");
    if (!status)
        status = exec_sql(s, "PRAGMA synchronous = OFF", "setting synchronous");
    if (!status)
        status = exec_sql(s, "BEGIN IMMEDIATE", "starting the transaction");
    if (!status) {
        s->in_transaction = 1;
        status = migrate(s);
    }
    if (status) {
        if (s->in_transaction)
            sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
        free_state(s);
        return status;
    }
    *state = s;
    return BG_OK;
}

/* begin_table ---------------------------------------------------------------- */

/* A table across reports (ABI 1.3); an older host has none. */
static int across_reports(const bg_table_schema *schema)
{
    size_t needed = offsetof(bg_table_schema, flags) + sizeof schema->flags;
    return schema->struct_size >= needed && (schema->flags & BG_TABLE_ACROSS) != 0;
}

/* The value labels of the schema's coded columns (ABI 1.2), or NULL from
 * an older host. */
static const bg_column_values *schema_values(const bg_table_schema *schema)
{
    size_t needed = offsetof(bg_table_schema, column_values) + sizeof schema->column_values;
    return schema->struct_size >= needed ? schema->column_values : NULL;
}

/* Replaces the table's rows in baogao_values: one per code of each coded
 * column, so that a notebook can join the Chinese labels. */
static bg_status record_values(sqlite_state *s, const char *table_name, const bg_table_schema *schema)
{
    char values[PREFIX_MAX + NAME_MAX_LENGTH + 1];
    sql_name(s, "baogao_values", values);
    sqlite3_stmt *stmt;
    sql_text sql = {0};
    sql_add(&sql, "DELETE FROM \"%s\" WHERE table_name = ?1", values);
    bg_status status = prepare_text(s, &sql, &stmt, "recording value labels");
    if (status)
        return status;
    sqlite3_bind_text(stmt, 1, table_name, -1, SQLITE_STATIC);
    status = step_done(s, stmt, "recording value labels");
    sqlite3_finalize(stmt);
    const bg_column_values *coded = schema_values(schema);
    if (status || !coded)
        return status;
    sql = (sql_text){0};
    sql_add(&sql, "INSERT OR REPLACE INTO \"%s\" (table_name, column_name, value, label) VALUES (?1, ?2, ?3, ?4)",
            values);
    if ((status = prepare_text(s, &sql, &stmt, "recording value labels")))
        return status;
    for (size_t i = 0; i < schema->column_count && !status; i++)
        for (size_t v = 0; coded[i].values && v < coded[i].count && !status; v++) {
            const bg_value_label *label = &coded[i].values[v];
            if (!label->value)
                continue;
            sqlite3_bind_text(stmt, 1, table_name, -1, SQLITE_STATIC);
            sqlite3_bind_text(stmt, 2, schema->columns[i].name, -1, SQLITE_STATIC);
            sqlite3_bind_text(stmt, 3, label->value, -1, SQLITE_STATIC);
            bind_text_or_null(stmt, 4, label->label);
            status = step_done(s, stmt, "recording value labels");
        }
    sqlite3_finalize(stmt);
    return status;
}

/* Replaces the table's labels in baogao_tables, baogao_columns and
 * baogao_values. */
static bg_status record_metadata(sqlite_state *s, const char *table_name, const bg_table_schema *schema)
{
    char tables[PREFIX_MAX + NAME_MAX_LENGTH + 1], columns[PREFIX_MAX + NAME_MAX_LENGTH + 1];
    sql_name(s, "baogao_tables", tables);
    sql_name(s, "baogao_columns", columns);
    sqlite3_stmt *stmt;
    sql_text sql = {0};
    sql_add(&sql, "INSERT OR REPLACE INTO \"%s\" (table_name, label, label_en, flags) VALUES (?1, ?2, ?3, ?4)", tables);
    bg_status status = prepare_text(s, &sql, &stmt, "recording table labels");
    if (status)
        return status;
    sqlite3_bind_text(stmt, 1, table_name, -1, SQLITE_STATIC);
    bind_text_or_null(stmt, 2, schema->label);
    bind_text_or_null(stmt, 3, schema->label_en);
    sqlite3_bind_int64(stmt, 4, across_reports(schema) ? BG_TABLE_ACROSS : 0);
    status = step_done(s, stmt, "recording table labels");
    sqlite3_finalize(stmt);
    if (status)
        return status;

    sql = (sql_text){0};
    sql_add(&sql, "DELETE FROM \"%s\" WHERE table_name = ?1", columns);
    if ((status = prepare_text(s, &sql, &stmt, "recording column labels")))
        return status;
    sqlite3_bind_text(stmt, 1, table_name, -1, SQLITE_STATIC);
    status = step_done(s, stmt, "recording column labels");
    sqlite3_finalize(stmt);
    if (status)
        return status;

    sql = (sql_text){0};
    sql_add(&sql,
            "INSERT INTO \"%s\" (table_name, column_name, position, type, flags, label, label_en) "
            "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            columns);
    if ((status = prepare_text(s, &sql, &stmt, "recording column labels")))
        return status;
    for (size_t i = 0; i < schema->column_count && !status; i++) {
        const bg_column *c = &schema->columns[i];
        sqlite3_bind_text(stmt, 1, table_name, -1, SQLITE_STATIC);
        sqlite3_bind_text(stmt, 2, c->name, -1, SQLITE_STATIC);
        sqlite3_bind_int64(stmt, 3, (sqlite3_int64)i);
        sqlite3_bind_text(stmt, 4, logical_type(c->type), -1, SQLITE_STATIC);
        sqlite3_bind_int64(stmt, 5, (sqlite3_int64)c->flags);
        bind_text_or_null(stmt, 6, c->label);
        bind_text_or_null(stmt, 7, c->label_en);
        status = step_done(s, stmt, "recording column labels");
    }
    sqlite3_finalize(stmt);
    return status ? status : record_values(s, table_name, schema);
}

/* Indexes on doc_id, indicator, region_code and BG_COLUMN_INDEXED columns,
 * except the leading key column, which the primary key already indexes. */
static bg_status create_indexes(sqlite_state *s, const char *table_name, const bg_table_schema *schema)
{
    const char *leading_key = NULL;
    for (size_t i = 0; i < schema->column_count && !leading_key; i++)
        if (schema->columns[i].flags & BG_COLUMN_KEY)
            leading_key = schema->columns[i].name;
    bg_status status = BG_OK;
    for (size_t i = 0; i < schema->column_count && !status; i++) {
        const bg_column *c = &schema->columns[i];
        int wanted = (c->flags & BG_COLUMN_INDEXED) || strcmp(c->name, "doc_id") == 0 ||
                     strcmp(c->name, "indicator") == 0 || strcmp(c->name, "region_code") == 0;
        if (!wanted || (leading_key && strcmp(c->name, leading_key) == 0))
            continue;
        sql_text sql = {0};
        sql_add(&sql, "CREATE INDEX IF NOT EXISTS \"%s_%s_idx\" ON \"%s\" (\"%s\")", table_name, c->name, table_name,
                c->name);
        char what[200];
        snprintf(what, sizeof what, "creating an index on %s.%s", table_name, c->name);
        status = exec_text(s, &sql, what);
    }
    return status;
}

static bg_status sqlite_begin_table(bg_context *ctx, void *state, const bg_table_schema *schema)
{
    sqlite_state *s = state;
    if (!is_identifier(schema->name))
        return host->fail(ctx, BG_ERR_FORMAT, "%s: table name '%s' is not [a-z][a-z0-9_]*", s->destination,
                          schema->name ? schema->name : "(null)");
    for (size_t i = 0; i < COUNT(reserved_names); i++)
        if (strcmp(schema->name, reserved_names[i]) == 0)
            return host->fail(ctx, BG_ERR_FORMAT, "%s: table %s: the sqlite exporter uses that name itself",
                              s->destination, schema->name);
    if (strncmp(schema->name, VIEW_PREFIX, strlen(VIEW_PREFIX)) == 0)
        return host->fail(ctx, BG_ERR_FORMAT,
                          "%s: table %s: names starting with " VIEW_PREFIX " are the sqlite exporter's views; "
                          "rename the table",
                          s->destination, schema->name);
    if (!schema->column_count)
        return host->fail(ctx, BG_ERR_FORMAT, "%s: table %s has no columns", s->destination, schema->name);
    int has_doc_id = 0;
    for (size_t i = 0; i < schema->column_count; i++) {
        const bg_column *c = &schema->columns[i];
        if (!is_identifier(c->name))
            return host->fail(ctx, BG_ERR_FORMAT, "%s: table %s: column name '%s' is not [a-z][a-z0-9_]*",
                              s->destination, schema->name, c->name ? c->name : "(null)");
        has_doc_id |= strcmp(c->name, "doc_id") == 0;
    }
    for (size_t i = 0; i < s->table_count; i++)
        if (strcmp(s->tables[i].schema_name, schema->name) == 0)
            return host->fail(ctx, BG_ERR_INTERNAL, "%s: table %s begun twice", s->destination, schema->name);
    if (s->table_count == s->table_capacity) {
        size_t capacity = s->table_capacity ? s->table_capacity * 2 : 8;
        result_table *tables = realloc(s->tables, capacity * sizeof *tables);
        if (!tables)
            return host->fail(ctx, BG_ERR_NOMEM, "%s: out of memory", s->destination);
        s->tables = tables;
        s->table_capacity = capacity;
    }
    result_table *t = &s->tables[s->table_count];
    memset(t, 0, sizeof *t);
    char name[PREFIX_MAX + NAME_MAX_LENGTH + 1];
    sql_name(s, schema->name, name);
    t->schema_name = copy_string(schema->name);
    t->sql_name = copy_string(name);
    t->column_count = schema->column_count;
    s->table_count++; /* from here free_state owns t */
    if (!t->schema_name || !t->sql_name)
        return host->fail(ctx, BG_ERR_NOMEM, "%s: out of memory", s->destination);

    t->schema = schema;
    bg_status status = ensure_table(s, name, schema->column_count, schema->columns);
    if (!status && !s->fresh) /* a new file gets its indexes after its rows: end_table */
        status = create_indexes(s, name, schema);
    if (!status)
        status = record_metadata(s, name, schema);
    if (!status && (!has_doc_id || across_reports(schema))) {
        /* Rows that belong to no document cannot be replaced document by
         * document, and those of a table across reports are computed over
         * the whole run: such a table holds what the latest run wrote. */
        sql_text sql = {0};
        sql_add(&sql, "DELETE FROM \"%s\"", name);
        status = exec_text(s, &sql, "clearing a table replaced whole");
        host->log(ctx, BG_LOG_DEBUG, "%s: table %s %s; replacing its rows", s->destination, name,
                  has_doc_id ? "is across reports" : "has no doc_id");
    }
    if (status)
        return status;
    sql_text sql = {0};
    sql_add(&sql, "INSERT INTO \"%s\" (", name);
    for (size_t i = 0; i < schema->column_count; i++)
        sql_add(&sql, "%s\"%s\"", i ? ", " : "", schema->columns[i].name);
    sql_add(&sql, ") VALUES (");
    for (size_t i = 0; i < schema->column_count; i++)
        sql_add(&sql, "%s?", i ? ", " : "");
    sql_add(&sql, ")");
    return prepare_text(s, &sql, &t->insert, "preparing the insert");
}

/* begin_document -------------------------------------------------------------- */

/* Prepares DELETE ... WHERE doc_id = ? for every result table this file
 * knows (this run's and earlier runs'), so that a document's rows are
 * replaced everywhere; not for the tables across reports, whose doc_id names
 * one of several reports a row compares and which every run replaces whole
 * (begin_table). The same list is what prune prunes. */
static bg_status prepare_deletes(sqlite_state *s)
{
    if (s->deletes_ready)
        return BG_OK;
    char tables[PREFIX_MAX + NAME_MAX_LENGTH + 1], columns[PREFIX_MAX + NAME_MAX_LENGTH + 1];
    sql_name(s, "baogao_tables", tables);
    sql_name(s, "baogao_columns", columns);
    sql_text sql = {0};
    sql_add(
        &sql,
        "SELECT t.table_name FROM \"%s\" t JOIN \"%s\" c ON c.table_name = t.table_name AND c.column_name = 'doc_id' "
        "JOIN main.sqlite_master m ON m.name = t.table_name AND m.type = 'table' "
        "WHERE (coalesce(t.flags, 0) & %u) = 0 ORDER BY t.table_name",
        tables, columns, BG_TABLE_ACROSS);
    sqlite3_stmt *list;
    bg_status status = prepare_text(s, &sql, &list, "listing result tables");
    if (status)
        return status;
    int rc;
    while (!status && (rc = sqlite3_step(list)) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(list, 0);
        if (!is_identifier(name))
            continue; /* not one of ours */
        sqlite3_stmt **deletes = realloc(s->deletes, (s->delete_count + 1) * sizeof *deletes);
        if (deletes)
            s->deletes = deletes;
        char **names = realloc(s->delete_tables, (s->delete_count + 1) * sizeof *names);
        if (names)
            s->delete_tables = names;
        char *copy = copy_string(name);
        if (!deletes || !names || !copy) {
            free(copy);
            status = host->fail(s->ctx, BG_ERR_NOMEM, "%s: out of memory", s->destination);
            break;
        }
        s->delete_tables[s->delete_count] = copy;
        s->deletes[s->delete_count] = NULL;
        s->delete_count++;
        sql = (sql_text){0};
        sql_add(&sql, "DELETE FROM \"%s\" WHERE doc_id = ?1", name);
        status = prepare_text(s, &sql, &s->deletes[s->delete_count - 1], "preparing the delete");
    }
    if (!status && rc != SQLITE_DONE)
        status = fail_db(s, "listing result tables");
    sqlite3_finalize(list);
    s->deletes_ready = !status;
    return status;
}

static bg_status sqlite_begin_document(bg_context *ctx, void *state, const bg_document_info *document)
{
    sqlite_state *s = state;
    bg_status status = prepare_deletes(s);
    if (status)
        return status;
    if (!document->doc_id) {
        host->log(ctx, BG_LOG_WARN, "%s: document %s has no doc_id; earlier rows cannot be replaced", s->destination,
                  document->source ? document->source : "?");
        s->doc_id[0] = '\0';
        return BG_OK;
    }
    snprintf(s->doc_id, sizeof s->doc_id, "%s", document->doc_id);
    /* in a new file a document has no earlier rows */
    for (size_t i = 0; i < s->delete_count && !status && !s->fresh; i++) {
        sqlite3_bind_text(s->deletes[i], 1, document->doc_id, -1, SQLITE_STATIC);
        if (step_done(s, s->deletes[i], "") != BG_OK)
            status = host->fail(ctx, BG_ERR_IO, "%s: table %s: replacing document %s: %s", s->destination,
                                s->delete_tables[i], document->doc_id, sqlite3_errmsg(s->db));
    }
    return status;
}

/* write_row ------------------------------------------------------------------- */

static result_table *find_table(sqlite_state *s, const bg_table_schema *schema)
{
    if (schema->index < s->table_count && strcmp(s->tables[schema->index].schema_name, schema->name) == 0)
        return &s->tables[schema->index];
    for (size_t i = 0; i < s->table_count; i++)
        if (strcmp(s->tables[i].schema_name, schema->name) == 0)
            return &s->tables[i];
    return NULL;
}

static bg_status sqlite_write_row(bg_context *ctx, void *state, const bg_table_schema *schema, const bg_cell *cells)
{
    sqlite_state *s = state;
    result_table *t = find_table(s, schema);
    if (!t || !t->insert)
        return host->fail(ctx, BG_ERR_INTERNAL, "%s: row for table %s outside begin_table/end_table", s->destination,
                          schema->name);
    t->rows++;
    char date[16];
    for (size_t i = 0; i < t->column_count; i++) {
        int p = (int)i + 1, rc = SQLITE_OK;
        const bg_cell *c = &cells[i];
        switch (c->type) {
        case BG_TYPE_NULL: rc = sqlite3_bind_null(t->insert, p); break;
        case BG_TYPE_INTEGER: rc = sqlite3_bind_int64(t->insert, p, (sqlite3_int64)c->as.integer); break;
        case BG_TYPE_REAL: rc = sqlite3_bind_double(t->insert, p, c->as.real); break;
        case BG_TYPE_TEXT:
            /* the cell outlives the step below: no copy */
            rc = sqlite3_bind_text64(t->insert, p, c->as.text.data ? c->as.text.data : "",
                                     c->as.text.data ? (sqlite3_uint64)c->as.text.length : 0, SQLITE_STATIC,
                                     SQLITE_UTF8);
            break;
        case BG_TYPE_DATE:
            snprintf(date, sizeof date, "%04d-%02d-%02d", (int)c->as.date.year, (int)c->as.date.month,
                     (int)c->as.date.day);
            rc = sqlite3_bind_text(t->insert, p, date, -1, SQLITE_TRANSIENT);
            break;
        }
        if (rc != SQLITE_OK) {
            sqlite3_clear_bindings(t->insert);
            return host->fail(ctx, BG_ERR_FORMAT, "%s: table %s, row %llu (document %s), column %s: %s", s->destination,
                              t->sql_name, (unsigned long long)t->rows, s->doc_id, schema->columns[i].name,
                              sqlite3_errmsg(s->db));
        }
    }
    int rc = sqlite3_step(t->insert);
    bg_status status = BG_OK;
    if (rc != SQLITE_DONE)
        status = host->fail(ctx, BG_ERR_IO, "%s: table %s, row %llu (document %s): %s", s->destination, t->sql_name,
                            (unsigned long long)t->rows, s->doc_id, sqlite3_errmsg(s->db));
    sqlite3_reset(t->insert);
    sqlite3_clear_bindings(t->insert);
    return status;
}

/* end_table ------------------------------------------------------------------- */

static bg_status sqlite_end_table(bg_context *ctx, void *state, const bg_table_schema *schema)
{
    sqlite_state *s = state;
    result_table *t = find_table(s, schema);
    if (!t)
        return host->fail(ctx, BG_ERR_INTERNAL, "%s: end_table for unknown table %s", s->destination, schema->name);
    sqlite3_finalize(t->insert);
    t->insert = NULL;
    host->log(ctx, BG_LOG_DEBUG, "%s: table %s: %llu rows", s->destination, t->sql_name, (unsigned long long)t->rows);
    return s->fresh ? create_indexes(s, t->sql_name, schema) : BG_OK;
}

/* finish ---------------------------------------------------------------------- */

static void iso_time(int64_t seconds, char out[32])
{
    time_t t = (time_t)seconds;
    struct tm tm;
    if (!gmtime_r(&t, &tm) || !strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm))
        snprintf(out, 32, "%lld", (long long)seconds);
}

/* Appends text as a JSON string. */
static void json_string(sql_text *json, const char *text)
{
    sql_add(json, "\"");
    for (const unsigned char *p = (const unsigned char *)(text ? text : ""); *p; p++) {
        if (*p == '"' || *p == '\\')
            sql_add(json, "\\%c", *p);
        else if (*p < 0x20)
            sql_add(json, "\\u%04x", *p);
        else
            sql_add(json, "%c", *p);
    }
    sql_add(json, "\"");
}

/* Fills temp.baogao_keep_docs / baogao_keep_paths with what this run still
 * has: each source's document, and for a source that failed before hashing,
 * the document it produced in an earlier run. */
static bg_status collect_current(sqlite_state *s, const bg_run_summary *summary)
{
    char sources[PREFIX_MAX + NAME_MAX_LENGTH + 1];
    sql_name(s, "sources", sources);
    bg_status status = exec_sql(s,
                                "CREATE TEMP TABLE IF NOT EXISTS baogao_keep_docs (doc_id TEXT PRIMARY KEY);"
                                "CREATE TEMP TABLE IF NOT EXISTS baogao_keep_paths (path TEXT PRIMARY KEY);"
                                "DELETE FROM temp.baogao_keep_docs; DELETE FROM temp.baogao_keep_paths;",
                                "collecting the run's documents");
    if (status)
        return status;
    sqlite3_stmt *doc = NULL, *path = NULL, *earlier = NULL;
    sql_text sql = {0};
    sql_add(&sql,
            "INSERT OR IGNORE INTO temp.baogao_keep_docs SELECT doc_id FROM main.\"%s\" "
            "WHERE path = ?1 AND doc_id IS NOT NULL",
            sources);
    status = prepare_text(s, &sql, &earlier, "collecting the run's documents");
    if (!status)
        status = prepare(s, "INSERT OR IGNORE INTO temp.baogao_keep_docs VALUES (?1)", &doc,
                         "collecting the run's documents");
    if (!status)
        status = prepare(s, "INSERT OR IGNORE INTO temp.baogao_keep_paths VALUES (?1)", &path,
                         "collecting the run's documents");
    for (size_t i = 0; i < summary->source_count && !status; i++) {
        const bg_source_result *r = &summary->sources[i];
        if (!r->source)
            continue;
        sqlite3_bind_text(path, 1, r->source, -1, SQLITE_STATIC);
        status = step_done(s, path, "collecting the run's documents");
        if (status)
            break;
        sqlite3_stmt *stmt = r->doc_id ? doc : earlier;
        sqlite3_bind_text(stmt, 1, r->doc_id ? r->doc_id : r->source, -1, SQLITE_STATIC);
        status = step_done(s, stmt, "collecting the run's documents");
    }
    sqlite3_finalize(doc);
    sqlite3_finalize(path);
    sqlite3_finalize(earlier);
    return status;
}

/* One count from a query, or -1 on failure. */
static long long count_of(sqlite_state *s, sql_text *sql)
{
    sqlite3_stmt *stmt = NULL;
    long long n = -1;
    if (prepare_text(s, sql, &stmt, "counting documents") == BG_OK && sqlite3_step(stmt) == SQLITE_ROW)
        n = sqlite3_column_int64(stmt, 0);
    sqlite3_finalize(stmt);
    return n;
}

/* The host's limit on how much of what the file holds one run may remove
 * (ABI 1.1; a 1.0 host has none). */
static double shrink_limit(sqlite_state *s)
{
    size_t needed = offsetof(bg_host_api, shrink_limit) + sizeof host->shrink_limit;
    return host->struct_size >= needed && host->shrink_limit ? host->shrink_limit(s->ctx) : 1.0;
}

/* Deletes the rows of documents absent from this run, and their sources —
 * but never more of the file's documents than the job's guard allows: a run
 * over a share that was not mounted must not empty the database. */
static bg_status prune(sqlite_state *s)
{
    bg_status status = BG_OK;
    uint64_t rows = 0;
    char documents[PREFIX_MAX + NAME_MAX_LENGTH + 1];
    sql_name(s, "documents", documents);
    sql_text all = {0}, gone = {0};
    sql_add(&all, "SELECT count(*) FROM \"%s\"", documents);
    sql_add(&gone, "SELECT count(*) FROM \"%s\" WHERE doc_id NOT IN (SELECT doc_id FROM temp.baogao_keep_docs)",
            documents);
    long long total = count_of(s, &all), vanished = count_of(s, &gone);
    double limit = shrink_limit(s);
    if (total > 0 && vanished > 0 && limit < 1.0 && (double)vanished > limit * (double)total) {
        host->log(s->ctx, BG_LOG_WARN,
                  "%s: prune would delete %lld of %lld documents, more than guard.max_drop (%g%%) allows; "
                  "nothing was pruned (run with --allow-shrink to prune them)",
                  s->destination, vanished, total, limit * 100);
        return BG_OK;
    }
    for (size_t i = 0; i < s->delete_count && !status; i++) {
        sql_text sql = {0};
        sql_add(&sql, "DELETE FROM \"%s\" WHERE doc_id NOT IN (SELECT doc_id FROM temp.baogao_keep_docs)",
                s->delete_tables[i]);
        char what[160];
        snprintf(what, sizeof what, "table %s: pruning vanished documents", s->delete_tables[i]);
        status = exec_text(s, &sql, what);
        rows += (uint64_t)sqlite3_changes(s->db);
    }
    if (status)
        return status;
    char sources[PREFIX_MAX + NAME_MAX_LENGTH + 1];
    sql_name(s, "sources", sources);
    sql_text sql = {0};
    sql_add(&sql, "DELETE FROM \"%s\" WHERE path NOT IN (SELECT path FROM temp.baogao_keep_paths)", sources);
    status = exec_text(s, &sql, "pruning vanished sources");
    if (!status)
        host->log(s->ctx, BG_LOG_INFO, "%s: pruned %llu rows and %d sources no longer in the run", s->destination,
                  (unsigned long long)rows, sqlite3_changes(s->db));
    return status;
}

static bg_status record_sources(sqlite_state *s, const bg_run_summary *summary)
{
    char sources[PREFIX_MAX + NAME_MAX_LENGTH + 1];
    sql_name(s, "sources", sources);
    sql_text sql = {0};
    /* A source that failed keeps the document it produced before: its rows
     * are still in the file. */
    sql_add(&sql,
            "INSERT INTO \"%s\" (path, doc_id, content_hash, status, error, run_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6) "
            "ON CONFLICT (path) DO UPDATE SET doc_id = coalesce(excluded.doc_id, doc_id), "
            "content_hash = coalesce(excluded.content_hash, content_hash), status = excluded.status, "
            "error = excluded.error, run_id = excluded.run_id",
            sources);
    sqlite3_stmt *stmt;
    bg_status status = prepare_text(s, &sql, &stmt, "recording sources");
    for (size_t i = 0; i < summary->source_count && !status; i++) {
        const bg_source_result *r = &summary->sources[i];
        if (!r->source)
            continue;
        sqlite3_bind_text(stmt, 1, r->source, -1, SQLITE_STATIC);
        bind_text_or_null(stmt, 2, r->doc_id);
        bind_text_or_null(stmt, 3, r->content_hash);
        bind_text_or_null(stmt, 4, r->status);
        bind_text_or_null(stmt, 5, r->error);
        bind_text_or_null(stmt, 6, summary->run_id);
        if (step_done(s, stmt, "") != BG_OK)
            status = host->fail(s->ctx, BG_ERR_IO, "%s: table %s, source %s: %s", s->destination, sources, r->source,
                                sqlite3_errmsg(s->db));
    }
    sqlite3_finalize(stmt);
    return status;
}

static bg_status record_run(sqlite_state *s, const bg_run_summary *summary)
{
    sql_text json = {0};
    sql_add(&json, "{");
    for (size_t i = 0; i < summary->table_count; i++) {
        sql_add(&json, "%s", i ? "," : "");
        json_string(&json, summary->tables[i].table);
        sql_add(&json, ":%llu", (unsigned long long)summary->tables[i].rows);
    }
    sql_add(&json, "}");
    if (json.failed) {
        free(json.data);
        return host->fail(s->ctx, BG_ERR_NOMEM, "%s: out of memory", s->destination);
    }
    char runs[PREFIX_MAX + NAME_MAX_LENGTH + 1], started[32], finished[32];
    sql_name(s, "runs", runs);
    iso_time(summary->started_at, started);
    iso_time(summary->finished_at, finished);
    sql_text sql = {0};
    sql_add(&sql,
            "INSERT OR REPLACE INTO \"%s\" (run_id, job, started, finished, config_hash, rows_per_table, "
            "sources_seen, documents, sources_failed) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            runs);
    sqlite3_stmt *stmt;
    bg_status status = prepare_text(s, &sql, &stmt, "recording the run");
    if (!status) {
        bind_text_or_null(stmt, 1, summary->run_id ? summary->run_id : "unknown");
        bind_text_or_null(stmt, 2, summary->job);
        sqlite3_bind_text(stmt, 3, started, -1, SQLITE_STATIC);
        sqlite3_bind_text(stmt, 4, finished, -1, SQLITE_STATIC);
        bind_text_or_null(stmt, 5, summary->config_hash);
        sqlite3_bind_text(stmt, 6, json.data, -1, SQLITE_STATIC);
        sqlite3_bind_int64(stmt, 7, (sqlite3_int64)summary->sources_seen);
        sqlite3_bind_int64(stmt, 8, (sqlite3_int64)summary->documents);
        sqlite3_bind_int64(stmt, 9, (sqlite3_int64)summary->sources_failed);
        status = step_done(s, stmt, "recording the run");
        sqlite3_finalize(stmt);
    }
    free(json.data);
    return status;
}

/* The document's identity, from documents, that every view starts with:
 * the documents column and the name it has in the view (the document's
 * level is region_level, as in every export, clear of sections.level). */
static const char *const identity_columns[][2] = {
    {"province", "province"},   {"region", "region"},       {"region_code", "region_code"},
    {"level", "region_level"},  {"plan_year", "plan_year"}, {"doc_type", "doc_type"},
};

/* The headline indicators of target_matrix, compiled in so that its columns
 * stay the same whatever the data: keys of the shipped rules
 * (config/rules/gov_work_report.json), each with the kind of target it
 * usually has; every one is a percentage. The README lists them. */
typedef struct headline_indicator {
    const char *indicator;
    const char *kind;
} headline_indicator;

static const headline_indicator headline_indicators[] = {
    {"gdp", "growth"},
    {"industrial_value_added", "growth"},
    {"fixed_asset_investment", "growth"},
    {"retail_sales", "growth"},
    {"general_budget_revenue", "growth"},
    {"local_general_budget_revenue", "growth"},
    {"foreign_trade", "growth"},
    {"resident_income", "growth"},
    {"urban_resident_income", "growth"},
    {"rural_resident_income", "growth"},
    {"cpi", "growth"},
    {"urban_unemployment_rate", "level"},
    {"registered_unemployment_rate", "level"},
    {"energy_intensity", "growth"},
};

static int is_identity_column(const char *name)
{
    for (size_t i = 0; i < COUNT(identity_columns); i++)
        if (strcmp(name, identity_columns[i][1]) == 0)
            return 1;
    return 0;
}

/* Appends the identity columns of documents d. */
static void add_identity(sql_text *sql)
{
    for (size_t i = 0; i < COUNT(identity_columns); i++)
        sql_add(sql, "%sd.\"%s\" AS \"%s\"", i ? ", " : "", identity_columns[i][0], identity_columns[i][1]);
}

/* Runs one view's DROP + CREATE in a savepoint; a view that cannot be built
 * (an older documents table without doc_type, say) is skipped with a
 * warning. */
static bg_status replace_view(sqlite_state *s, const char *name, sql_text *create)
{
    if (create->failed) {
        free(create->data);
        return host->fail(s->ctx, BG_ERR_NOMEM, "%s: out of memory", s->destination);
    }
    bg_status status = exec_sql(s, "SAVEPOINT baogao_view", "creating a view");
    if (status) {
        free(create->data);
        return status;
    }
    char drop[PREFIX_MAX + NAME_MAX_LENGTH + 32];
    snprintf(drop, sizeof drop, "DROP VIEW IF EXISTS \"%s\"", name);
    if (sqlite3_exec(s->db, drop, NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_exec(s->db, create->data, NULL, NULL, NULL) != SQLITE_OK) {
        host->log(s->ctx, BG_LOG_WARN, "%s: view %s not created: %s", s->destination, name, sqlite3_errmsg(s->db));
        sqlite3_exec(s->db, "ROLLBACK TO baogao_view", NULL, NULL, NULL);
    }
    free(create->data);
    return exec_sql(s, "RELEASE baogao_view", "creating a view");
}

/* v_<table>: the identity, then the table's columns as the file has them
 * now (older runs' columns included); a column named like an identity
 * column (targets.plan_year) shows as <table>_<column>. documents NULL: a
 * table across reports, whose rows name their regions themselves (and
 * compare several reports, so no one document is theirs): its columns
 * alone, without the join. */
static bg_status create_table_view(sqlite_state *s, const char *documents, const char *table)
{
    const char *name = table + strlen(s->prefix);
    char view[PREFIX_MAX + NAME_MAX_LENGTH + 8];
    snprintf(view, sizeof view, "%s" VIEW_PREFIX "%s", s->prefix, name);
    sqlite3_stmt *stmt;
    bg_status status =
        prepare(s, "SELECT name FROM pragma_table_info(?1, 'main') ORDER BY cid", &stmt, "reading the schema");
    if (status)
        return status;
    sqlite3_bind_text(stmt, 1, table, -1, SQLITE_STATIC);
    sql_text sql = {0};
    sql_add(&sql, "CREATE VIEW \"%s\" AS SELECT ", view);
    int columns = 0;
    if (documents) {
        add_identity(&sql);
        columns++;
    }
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        const char *column = (const char *)sqlite3_column_text(stmt, 0);
        if (!is_identifier(column))
            continue; /* added by someone else; only identifiers go into SQL text */
        if (documents && is_identity_column(column))
            sql_add(&sql, ", t.\"%s\" AS \"%s_%s\"", column, name, column);
        else
            sql_add(&sql, "%st.\"%s\" AS \"%s\"", columns ? ", " : "", column, column);
        columns++;
    }
    sqlite3_finalize(stmt);
    if (rc != SQLITE_DONE || !columns) {
        free(sql.data);
        return rc != SQLITE_DONE ? fail_db(s, "reading the schema") : BG_OK;
    }
    if (documents)
        sql_add(&sql, " FROM \"%s\" t LEFT JOIN \"%s\" d ON d.doc_id = t.doc_id", table, documents);
    else
        sql_add(&sql, " FROM \"%s\" t", table);
    return replace_view(s, view, &sql);
}

/* The views of the file's tables across reports, this run's and earlier
 * ones' (baogao_tables.flags). */
static bg_status create_across_views(sqlite_state *s)
{
    char tables[PREFIX_MAX + NAME_MAX_LENGTH + 1];
    sql_name(s, "baogao_tables", tables);
    sql_text sql = {0};
    sql_add(&sql,
            "SELECT t.table_name FROM \"%s\" t JOIN main.sqlite_master m ON m.name = t.table_name AND m.type = 'table' "
            "WHERE (coalesce(t.flags, 0) & %u) != 0 ORDER BY t.table_name",
            tables, BG_TABLE_ACROSS);
    sqlite3_stmt *list;
    bg_status status = prepare_text(s, &sql, &list, "listing the tables across reports");
    if (status)
        return status;
    /* the names first: a view's DROP and CREATE would disturb the listing */
    char **names = NULL;
    size_t count = 0;
    size_t prefix_length = strlen(s->prefix);
    int rc;
    while ((rc = sqlite3_step(list)) == SQLITE_ROW && !status) {
        const char *name = (const char *)sqlite3_column_text(list, 0);
        if (!is_identifier(name) || strncmp(name, s->prefix, prefix_length) != 0)
            continue; /* not one of ours, or another prefix's */
        char **grown = realloc(names, (count + 1) * sizeof *names);
        char *copy = grown ? copy_string(name) : NULL;
        if (grown)
            names = grown;
        if (!copy)
            status = host->fail(s->ctx, BG_ERR_NOMEM, "%s: out of memory", s->destination);
        else
            names[count++] = copy;
    }
    if (!status && rc != SQLITE_DONE && rc != SQLITE_ROW)
        status = fail_db(s, "listing the tables across reports");
    sqlite3_finalize(list);
    for (size_t i = 0; i < count; i++) {
        if (!status)
            status = create_table_view(s, NULL, names[i]);
        free(names[i]);
    }
    free(names);
    return status;
}

/* gdp_targets_all: every GDP growth target (and every "no GDP target") with
 * the document's identity; gdp_targets: the same for work reports only, as
 * an interpretation of a report would count its region-year twice. */
static bg_status create_gdp_targets(sqlite_state *s, const char *documents, const char *targets, int reports_only)
{
    char view[PREFIX_MAX + NAME_MAX_LENGTH + 1];
    sql_name(s, reports_only ? "gdp_targets" : "gdp_targets_all", view);
    sql_text sql = {0};
    sql_add(&sql, "CREATE VIEW \"%s\" AS SELECT ", view);
    add_identity(&sql);
    sql_add(&sql,
            ", CASE WHEN t.kind = 'absent' THEN NULL ELSE t.value END AS value, t.value_max AS value_max, "
            "CASE WHEN t.kind = 'absent' THEN 'absent' ELSE t.qualifier END AS qualifier, "
            "t.qualifier_text AS qualifier_text, t.value_text AS value_text, t.aspiration AS aspiration, "
            "t.doc_id AS doc_id FROM \"%s\" t JOIN \"%s\" d ON d.doc_id = t.doc_id "
            "WHERE t.indicator = 'gdp' AND t.kind IN ('growth', 'absent')%s "
            "ORDER BY d.region_code, d.plan_year, t.doc_id, t.seq",
            targets, documents, reports_only ? " AND d.doc_type = 'work_report'" : "");
    return replace_view(s, view, &sql);
}

/* target_matrix: one row per document (reports before interpretations of
 * the same region-year), the identity and doc_id, then per headline
 * indicator its value and qualifier. A document's first target of the
 * indicator's kind is taken, else a relation (value NULL, qualifier
 * in_line …), else an "absent" (value NULL, qualifier 'absent'). Scalar
 * subqueries rather than window functions, so that older SQLite libraries
 * still read the schema. */
static bg_status create_target_matrix(sqlite_state *s, const char *documents, const char *targets)
{
    char view[PREFIX_MAX + NAME_MAX_LENGTH + 1];
    sql_name(s, "target_matrix", view);
    sql_text sql = {0};
    sql_add(&sql, "CREATE VIEW \"%s\" AS SELECT ", view);
    add_identity(&sql);
    sql_add(&sql, ", d.doc_id AS doc_id");
    for (size_t i = 0; i < COUNT(headline_indicators); i++) {
        const headline_indicator *h = &headline_indicators[i];
        static const char *const picks[][2] = {
            {"CASE WHEN t.kind = 'absent' THEN NULL ELSE t.value END", ""},
            {"CASE WHEN t.kind = 'absent' THEN 'absent' ELSE t.qualifier END", "_qualifier"},
        };
        for (size_t p = 0; p < COUNT(picks); p++)
            sql_add(&sql,
                    ", (SELECT %s FROM \"%s\" t WHERE t.doc_id = d.doc_id AND t.indicator = '%s' "
                    "AND t.kind IN ('%s', 'relation', 'absent') "
                    "ORDER BY CASE t.kind WHEN 'relation' THEN 1 WHEN 'absent' THEN 2 ELSE 0 END, t.seq LIMIT 1) "
                    "AS \"%s%s\"",
                    picks[p][0], targets, h->indicator, h->kind, h->indicator, picks[p][1]);
    }
    sql_add(&sql,
            " FROM \"%s\" d ORDER BY d.region_code, d.plan_year, "
            "CASE WHEN d.doc_type = 'work_report' THEN 0 ELSE 1 END, d.doc_id",
            documents);
    return replace_view(s, view, &sql);
}

/* Rebuilds the views from the tables the file has now. Without documents
 * there is no identity to join, hence no view but those of the tables
 * across reports. */
static bg_status create_views(sqlite_state *s)
{
    s->views_done = 1;
    char documents[PREFIX_MAX + NAME_MAX_LENGTH + 1], targets[PREFIX_MAX + NAME_MAX_LENGTH + 1];
    char type_documents[16] = "", type_targets[16] = "";
    sql_name(s, "documents", documents);
    sql_name(s, "targets", targets);
    bg_status status = create_across_views(s);
    if (!status)
        status = object_type(s, documents, type_documents);
    if (!status)
        status = object_type(s, targets, type_targets);
    if (status || strcmp(type_documents, "table") != 0)
        return status;
    /* The file's result tables with a doc_id, this run's and earlier ones'. */
    status = prepare_deletes(s);
    size_t prefix_length = strlen(s->prefix);
    for (size_t i = 0; i < s->delete_count && !status; i++) {
        const char *table = s->delete_tables[i];
        if (strcmp(table, documents) != 0 && strncmp(table, s->prefix, prefix_length) == 0)
            status = create_table_view(s, documents, table);
    }
    if (status || strcmp(type_targets, "table") != 0)
        return status;
    status = create_gdp_targets(s, documents, targets, 0);
    if (!status)
        status = create_gdp_targets(s, documents, targets, 1);
    if (!status)
        status = create_target_matrix(s, documents, targets);
    return status;
}

static bg_status sqlite_finish(bg_context *ctx, void *state, const bg_run_summary *summary)
{
    sqlite_state *s = state;
    bg_status status = prepare_deletes(s);
    if (!status)
        status = collect_current(s, summary);
    if (!status && s->prune)
        status = prune(s);
    if (!status)
        status = record_sources(s, summary);
    if (!status)
        status = record_run(s, summary);
    if (!status)
        status = create_views(s);
    /* ABI 1.2: what the file holds after this run, for the closing line */
    if (!status && host->struct_size >= offsetof(bg_host_api, describe) + sizeof host->describe && host->describe) {
        char documents[PREFIX_MAX + NAME_MAX_LENGTH + 1];
        sql_name(s, "documents", documents);
        sql_text sql = {0};
        sql_add(&sql, "SELECT count(*) FROM \"%s\"", documents);
        long long n = count_of(s, &sql);
        if (n >= 0)
            host->describe(ctx, "%zu tables, %lld document%s in the file", s->table_count, n, n == 1 ? "" : "s");
    }
    return status;
}

/* close ----------------------------------------------------------------------- */

/* fsync of the written file, before the host renames it over the output. */
static bg_status sync_file(sqlite_state *s)
{
    int fd = open(s->path, O_RDONLY | O_CLOEXEC);
    int rc = fd >= 0 ? fsync(fd) : -1;
    if (fd >= 0)
        close(fd);
    return rc == 0 ? BG_OK : host->fail(s->ctx, BG_ERR_IO, "%s: syncing %s: %s", s->destination, s->path,
                                        strerror(errno));
}

/* Commits, and leaves a database with the ordinary rollback journal. */
static bg_status commit(sqlite_state *s)
{
    bg_status status = BG_OK;
    if (!s->views_done)
        status = create_views(s);
    if (!status)
        status = exec_sql(s, "COMMIT", "committing");
    if (status)
        return status;
    s->in_transaction = 0;
    for (size_t i = 0; i < s->table_count; i++) {
        sqlite3_finalize(s->tables[i].insert);
        s->tables[i].insert = NULL;
    }
    for (size_t i = 0; i < s->delete_count; i++) {
        sqlite3_finalize(s->deletes[i]);
        s->deletes[i] = NULL;
    }
    sqlite3_stmt *stmt;
    if ((status = prepare(s, "PRAGMA main.journal_mode = DELETE", &stmt, "setting journal_mode")))
        return status;
    const char *mode = sqlite3_step(stmt) == SQLITE_ROW ? (const char *)sqlite3_column_text(stmt, 0) : NULL;
    if (!mode || strcmp(mode, "delete") != 0)
        status = host->fail(s->ctx, BG_ERR_IO, "%s: cannot set journal_mode: %s", s->destination,
                            mode ? mode : sqlite3_errmsg(s->db));
    sqlite3_finalize(stmt);
    if (status)
        return status;
    int rc = sqlite3_close(s->db);
    if (rc != SQLITE_OK)
        return fail_db(s, "closing");
    s->db = NULL;
    return sync_file(s);
}

static bg_status sqlite_close(bg_context *ctx, void *state, int do_commit)
{
    sqlite_state *s = state;
    (void)ctx;
    bg_status status = BG_OK;
    if (do_commit)
        status = commit(s);
    if (s->in_transaction && s->db)
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    free_state(s);
    return status;
}

/* The descriptor ----------------------------------------------------------------- */

static const bg_exporter sqlite_exporter = {
    .struct_size = sizeof(bg_exporter),
    .abi_major = BG_EXPORTER_ABI_MAJOR,
    .abi_minor = BG_EXPORTER_ABI_MINOR,
    .name = "sqlite",
    .version = "1.0.0",
    .description = "one SQLite database kept across runs: typed tables, runs, sources and views",
    .output_kind = BG_OUTPUT_FILE,
    .option_count = COUNT(sqlite_options),
    .options = sqlite_options,
    .open = sqlite_open,
    .begin_table = sqlite_begin_table,
    .begin_document = sqlite_begin_document,
    .write_row = sqlite_write_row,
    .end_table = sqlite_end_table,
    .finish = sqlite_finish,
    .close = sqlite_close,
    .option_limits = sqlite_limits,
    .option_limits_size = sizeof(bg_option_limits),
};

BG_EXPORTER_EXPORT const bg_exporter *BG_EXPORTER_ENTRY(const bg_host_api *api)
{
    host = api;
    return &sqlite_exporter;
}
