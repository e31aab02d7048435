/* test_sqlite.c — the SQLite exporter through the real host: the sample's
 * tables and types, keys and indexes, re-runs that replace instead of
 * duplicating, keep/prune of vanished documents, WAL hand-over, views,
 * aborts that leave the old file alone, migration and refusal of a file that
 * is not a database; the tables across reports, replaced whole by every
 * run, with plain views. */
#include "across_sample.h"
#include "harness.h"
#include "read_json.h"
#include "table.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define RUN_ID "20221231T000000-1"
#define DOC_A "00000000000000a1"
#define DOC_B "00000000000000b2"
#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

/* Fixture ------------------------------------------------------------------ */

typedef struct fixture {
    char *dir;
    char out[1024];
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    f->dir = harness_tempdir();
    assert_non_null(f->dir);
    snprintf(f->out, sizeof f->out, "%s/out.db", f->dir);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    DIR *d = opendir(f->dir);
    if (d) {
        struct dirent *e;
        char path[2048];
        while ((e = readdir(d)))
            if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
                snprintf(path, sizeof path, "%s/%s", f->dir, e->d_name);
                unlink(path);
            }
        closedir(d);
    }
    rmdir(f->dir);
    free(f->dir);
    free(f);
    return 0;
}

/* Helpers ------------------------------------------------------------------ */

/* Writes the sample (documents in mask) with the given run id and options;
 * returns the harness status, message in msg. */
static int write_sample(fixture *f, const char *options, const char *run_id, unsigned mask, char *msg, size_t size)
{
    bg_harness h;
    int rc = harness_load(&h, harness_plugin_path("sqlite"), f->out, options);
    if (!rc)
        rc = harness_write_sample_docs(&h, run_id, mask);
    if (msg)
        snprintf(msg, size, "%.*s", (int)(size ? size - 1 : 0), h.message);
    if (rc)
        print_error("sqlite exporter: %s\n", h.message);
    /* As the host does: an exporter that opened is closed, also after a
     * failure (the sample writer stops at the first error). */
    if (h.ctx && h.ctx->opened)
        harness_end(&h, 0, NULL, NULL, 0);
    harness_free(&h);
    return rc;
}

static void must_write_sample(fixture *f, const char *options, const char *run_id, unsigned mask)
{
    assert_int_equal(write_sample(f, options, run_id, mask, NULL, 0), 0);
}

static sqlite3 *open_db(const char *path)
{
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
    return db;
}

static long long query_int(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *stmt = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) != SQLITE_OK)
        fail_msg("%s: %s", sql, sqlite3_errmsg(db));
    assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
    long long v = sqlite3_column_int64(stmt, 0);
    sqlite3_finalize(stmt);
    return v;
}

/* First column of the first row as a malloc'ed string ("(null)" for NULL). */
static char *query_text(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *stmt = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) != SQLITE_OK)
        fail_msg("%s: %s", sql, sqlite3_errmsg(db));
    assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
    const char *t = (const char *)sqlite3_column_text(stmt, 0);
    char *copy = strdup(t ? t : "(null)");
    sqlite3_finalize(stmt);
    return copy;
}

static void assert_query_text(sqlite3 *db, const char *sql, const char *expected)
{
    char *got = query_text(db, sql);
    int same = strcmp(got, expected) == 0;
    if (!same)
        print_error("%s\n  expected: %s\n  got:      %s\n", sql, expected, got);
    free(got);
    assert_true(same);
}

static void assert_counts(sqlite3 *db, long long documents, long long targets, long long commitments,
                          long long list_items, long long sections, long long keywords)
{
    assert_int_equal(query_int(db, "SELECT count(*) FROM documents"), documents);
    assert_int_equal(query_int(db, "SELECT count(*) FROM targets"), targets);
    assert_int_equal(query_int(db, "SELECT count(*) FROM commitments"), commitments);
    assert_int_equal(query_int(db, "SELECT count(*) FROM list_items"), list_items);
    assert_int_equal(query_int(db, "SELECT count(*) FROM sections"), sections);
    assert_int_equal(query_int(db, "SELECT count(*) FROM keywords"), keywords);
}

static unsigned char *read_bytes(const char *path, size_t *size)
{
    FILE *fp = fopen(path, "rb");
    assert_non_null(fp);
    fseek(fp, 0, SEEK_END);
    long n = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    unsigned char *data = malloc((size_t)n + 1);
    assert_non_null(data);
    assert_int_equal(fread(data, 1, (size_t)n, fp), (size_t)n);
    fclose(fp);
    *size = (size_t)n;
    return data;
}

static int file_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* Number of entries in dir other than . and .. */
static int dir_entries(const char *dir)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            n++;
    closedir(d);
    return n;
}

/* Tests -------------------------------------------------------------------- */

static void test_sample_tables_and_types(void **state)
{
    fixture *f = *state;
    must_write_sample(f, NULL, RUN_ID, 3u);
    sqlite3 *db = open_db(f->out);
    assert_counts(db, 2, 4, 2, 4, 2, 2);
    assert_query_text(db, "SELECT typeof(value) FROM targets WHERE doc_id = '" DOC_A "' AND seq = 0", "real");
    assert_query_text(db, "SELECT value FROM targets WHERE doc_id = '" DOC_A "' AND seq = 0", "8.5");
    assert_query_text(db, "SELECT typeof(seq) FROM targets LIMIT 1", "integer");
    assert_query_text(db, "SELECT typeof(region_code) || ':' || region_code FROM documents WHERE doc_id = '" DOC_A "'",
                      "text:430203");
    assert_query_text(db, "SELECT report_date FROM documents WHERE doc_id = '" DOC_A "'", "2021-12-29");
    assert_query_text(db, "SELECT typeof(report_date) FROM documents WHERE doc_id = '" DOC_B "'", "null");
    assert_query_text(db, "SELECT region FROM documents WHERE doc_id = '" DOC_B "'", "澧县");
    assert_query_text(db, "SELECT typeof(per_10k) FROM keywords LIMIT 1", "real");
    /* declared column types */
    assert_query_text(db, "SELECT type FROM pragma_table_info('targets') WHERE name = 'value'", "REAL");
    assert_query_text(db, "SELECT type FROM pragma_table_info('documents') WHERE name = 'chars'", "INTEGER");
    assert_query_text(db, "SELECT type FROM pragma_table_info('documents') WHERE name = 'report_date'", "TEXT");
    assert_int_equal(query_int(db, "PRAGMA user_version"), 2);
    /* runs and sources from the summary */
    assert_int_equal(query_int(db, "SELECT count(*) FROM runs"), 1);
    assert_query_text(db, "SELECT run_id FROM runs", RUN_ID);
    assert_query_text(db, "SELECT started || ' ' || finished FROM runs", "2022-12-31T00:00:00Z 2022-12-31T00:00:01Z");
    assert_query_text(db, "SELECT json_extract(rows_per_table, '$.targets') FROM runs", "4");
    assert_query_text(db, "SELECT job || ' ' || config_hash || ' ' || documents FROM runs",
                      "testjob feedfacefeedface 2");
    assert_int_equal(query_int(db, "SELECT count(*) FROM sources"), 2);
    assert_query_text(db, "SELECT doc_id || ' ' || status || ' ' || run_id FROM sources WHERE path = 'reports/b.txt'",
                      DOC_B " ok " RUN_ID);
    /* labels for notebooks */
    assert_query_text(db, "SELECT label FROM baogao_columns WHERE table_name = 'targets' AND column_name = 'value'",
                      "数值");
    assert_query_text(
        db, "SELECT type FROM baogao_columns WHERE table_name = 'documents' AND column_name = 'report_date'", "date");
    assert_query_text(db, "SELECT label FROM baogao_tables WHERE table_name = 'targets'", "主要预期目标");
    sqlite3_close(db);
}

static void test_primary_keys(void **state)
{
    fixture *f = *state;
    must_write_sample(f, NULL, RUN_ID, 3u);
    sqlite3 *db = open_db(f->out);
    assert_int_equal(sqlite3_exec(db, "INSERT INTO targets (doc_id, seq) VALUES ('" DOC_A "', 0)", NULL, NULL, NULL),
                     SQLITE_CONSTRAINT);
    assert_int_equal(sqlite3_exec(db, "INSERT INTO documents (doc_id) VALUES ('" DOC_B "')", NULL, NULL, NULL),
                     SQLITE_CONSTRAINT);
    assert_int_equal(
        sqlite3_exec(db, "INSERT INTO keywords (doc_id, keyword) VALUES ('" DOC_A "', '高质量发展')", NULL, NULL, NULL),
        SQLITE_CONSTRAINT);
    /* another seq is fine */
    assert_int_equal(sqlite3_exec(db, "INSERT INTO targets (doc_id, seq) VALUES ('" DOC_A "', 99)", NULL, NULL, NULL),
                     SQLITE_OK);
    /* key columns in schema order */
    assert_int_equal(query_int(db, "SELECT pk FROM pragma_table_info('targets') WHERE name = 'doc_id'"), 1);
    assert_int_equal(query_int(db, "SELECT pk FROM pragma_table_info('targets') WHERE name = 'seq'"), 2);
    assert_int_equal(query_int(db, "SELECT pk FROM pragma_table_info('documents') WHERE name = 'doc_id'"), 1);
    assert_int_equal(query_int(db, "SELECT count(*) FROM pragma_table_info('documents') WHERE pk > 0"), 1);
    assert_int_equal(query_int(db, "SELECT pk FROM pragma_table_info('list_items') WHERE name = 'list_seq'"), 2);
    assert_int_equal(query_int(db, "SELECT pk FROM pragma_table_info('list_items') WHERE name = 'item_seq'"), 3);
    assert_int_equal(query_int(db, "SELECT pk FROM pragma_table_info('keywords') WHERE name = 'keyword'"), 2);
    assert_int_equal(query_int(db, "SELECT count(*) FROM pragma_table_info('runs') WHERE name = 'run_id' AND pk = 1"),
                     1);
    assert_int_equal(query_int(db, "SELECT count(*) FROM pragma_table_info('sources') WHERE name = 'path' AND pk = 1"),
                     1);
    sqlite3_close(db);
}

static void test_indexes(void **state)
{
    fixture *f = *state;
    must_write_sample(f, NULL, RUN_ID, 3u);
    sqlite3 *db = open_db(f->out);
    static const char *const expected[][2] = {
        {"targets", "indicator"}, {"documents", "region_code"}, {"documents", "province"}, {"keywords", "keyword"}};
    for (size_t i = 0; i < sizeof expected / sizeof expected[0]; i++) {
        char sql[256];
        snprintf(sql, sizeof sql,
                 "SELECT count(*) FROM sqlite_master m, pragma_index_info(m.name) c WHERE m.type = 'index' "
                 "AND m.tbl_name = '%s' AND c.name = '%s'",
                 expected[i][0], expected[i][1]);
        if (query_int(db, sql) < 1)
            fail_msg("no index on %s.%s", expected[i][0], expected[i][1]);
    }
    /* doc_id lookups use an index (the primary key's) in every result table */
    static const char *const tables[] = {"documents", "targets", "commitments", "list_items", "sections", "keywords"};
    for (size_t i = 0; i < sizeof tables / sizeof tables[0]; i++) {
        char sql[256];
        sqlite3_stmt *stmt;
        snprintf(sql, sizeof sql, "EXPLAIN QUERY PLAN SELECT * FROM %s WHERE doc_id = 'x'", tables[i]);
        assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &stmt, NULL), SQLITE_OK);
        int indexed = 0;
        while (sqlite3_step(stmt) == SQLITE_ROW) {
            const char *detail = (const char *)sqlite3_column_text(stmt, 3);
            indexed |= detail && strstr(detail, "USING") && strstr(detail, "INDEX");
        }
        sqlite3_finalize(stmt);
        if (!indexed)
            fail_msg("%s: doc_id lookup scans the table", tables[i]);
    }
    sqlite3_close(db);
}

static void test_rerun_does_not_duplicate(void **state)
{
    fixture *f = *state;
    must_write_sample(f, NULL, "run-1", 3u);
    must_write_sample(f, NULL, "run-2", 3u);
    sqlite3 *db = open_db(f->out);
    assert_counts(db, 2, 4, 2, 4, 2, 2);
    assert_int_equal(query_int(db, "SELECT count(*) FROM runs"), 2);
    assert_int_equal(query_int(db, "SELECT count(*) FROM sources"), 2);
    assert_query_text(db, "SELECT group_concat(DISTINCT run_id) FROM sources", "run-2");
    assert_int_equal(query_int(db, "SELECT count(*) FROM baogao_columns WHERE table_name = 'targets'"),
                     (long long)bg_builtin_table(BG_TABLE_TARGETS)->column_count);
    sqlite3_close(db);
}

static void test_vanished_document_kept_by_default(void **state)
{
    fixture *f = *state;
    must_write_sample(f, NULL, "run-1", 3u);
    must_write_sample(f, NULL, "run-2", 1u); /* only document a */
    sqlite3 *db = open_db(f->out);
    assert_counts(db, 2, 4, 2, 4, 2, 2);
    assert_int_equal(query_int(db, "SELECT count(*) FROM targets WHERE doc_id = '" DOC_B "'"), 2);
    assert_int_equal(query_int(db, "SELECT count(*) FROM sources"), 2);
    assert_query_text(db, "SELECT run_id FROM sources WHERE path = 'reports/b.txt'", "run-1");
    assert_int_equal(query_int(db, "SELECT count(*) FROM runs"), 2);
    sqlite3_close(db);
}

static void test_prune_drops_vanished_document(void **state)
{
    fixture *f = *state;
    must_write_sample(f, NULL, "run-1", 3u);
    must_write_sample(f, "{\"prune\": true}", "run-2", 1u);
    sqlite3 *db = open_db(f->out);
    assert_counts(db, 1, 2, 1, 2, 1, 1);
    static const char *const tables[] = {"documents", "targets", "commitments", "list_items", "sections", "keywords"};
    for (size_t i = 0; i < sizeof tables / sizeof tables[0]; i++) {
        char sql[128];
        snprintf(sql, sizeof sql, "SELECT count(*) FROM %s WHERE doc_id = '" DOC_B "'", tables[i]);
        assert_int_equal(query_int(db, sql), 0);
    }
    assert_int_equal(query_int(db, "SELECT count(*) FROM sources"), 1);
    assert_query_text(db, "SELECT path FROM sources", "reports/a.txt");
    sqlite3_close(db);
}

/* A source that fails in a later run is not a vanished one: even with prune
 * its document stays, and sources remembers which document it was. */
static void test_failed_source_keeps_its_document(void **state)
{
    fixture *f = *state;
    must_write_sample(f, NULL, "run-1", 3u);
    const bg_table_schema *schemas[BG_BUILTIN_TABLE_COUNT];
    for (size_t i = 0; i < BG_BUILTIN_TABLE_COUNT; i++)
        schemas[i] = bg_builtin_table(i);
    bg_harness h;
    assert_int_equal(harness_load(&h, harness_plugin_path("sqlite"), f->out, "{\"prune\": true}"), 0);
    assert_int_equal(harness_begin(&h, BG_BUILTIN_TABLE_COUNT, schemas), 0);
    assert_int_equal(harness_document(&h, DOC_A, "reports/a.txt"), 0);
    const bg_table_schema *d = schemas[BG_TABLE_DOCUMENTS];
    bg_cell row[32];
    for (size_t c = 0; c < d->column_count; c++)
        row[c] = cell_null();
    row[0] = cell_text(DOC_A);
    assert_int_equal(harness_row(&h, d, row), 0);
    bg_table_count counts[] = {{"documents", 1}};
    bg_source_result sources[] = {{"reports/a.txt", DOC_A, "0123456789abcdef", "ok", NULL},
                                  {"reports/b.txt", NULL, NULL, "failed", "reports/b.txt: permission denied"}};
    bg_run_summary summary = {sizeof summary,
                              BG_EXPORTER_ABI_MAJOR,
                              BG_EXPORTER_ABI_MINOR,
                              "run-2",
                              "testjob",
                              0,
                              1,
                              "feedfacefeedface",
                              2,
                              1,
                              1,
                              1,
                              counts,
                              2,
                              sources};
    if (harness_end(&h, BG_BUILTIN_TABLE_COUNT, schemas, &summary, 1))
        fail_msg("%s", h.message);
    harness_free(&h);
    sqlite3 *db = open_db(f->out);
    assert_int_equal(query_int(db, "SELECT count(*) FROM documents"), 2);
    assert_int_equal(query_int(db, "SELECT count(*) FROM targets WHERE doc_id = '" DOC_B "'"), 2);
    assert_int_equal(query_int(db, "SELECT count(*) FROM targets WHERE doc_id = '" DOC_A "'"), 0); /* replaced */
    assert_query_text(db,
                      "SELECT doc_id || ' ' || status || ' ' || error || ' ' || run_id FROM sources "
                      "WHERE path = 'reports/b.txt'",
                      DOC_B " failed reports/b.txt: permission denied run-2");
    assert_query_text(db, "SELECT sources_failed FROM runs WHERE run_id = 'run-2'", "1");
    sqlite3_close(db);
}

static void test_handed_over_file_stands_alone(void **state)
{
    fixture *f = *state;
    must_write_sample(f, NULL, RUN_ID, 3u);
    char wal[1100], shm[1100];
    snprintf(wal, sizeof wal, "%s-wal", f->out);
    snprintf(shm, sizeof shm, "%s-shm", f->out);
    assert_false(file_exists(wal));
    assert_false(file_exists(shm));
    assert_int_equal(dir_entries(f->dir), 1); /* no temporary left behind */
    sqlite3 *db = open_db(f->out);
    assert_query_text(db, "PRAGMA journal_mode", "delete");
    assert_query_text(db, "PRAGMA integrity_check", "ok");
    sqlite3_close(db);
}

static void test_views(void **state)
{
    fixture *f = *state;
    must_write_sample(f, NULL, RUN_ID, 3u);
    sqlite3 *db = open_db(f->out);
    /* the sample's documents have no doc_type: none is a work report */
    assert_int_equal(query_int(db, "SELECT count(*) FROM gdp_targets"), 0);
    assert_int_equal(query_int(db, "SELECT count(*) FROM gdp_targets_all"), 2);
    assert_query_text(db, "SELECT group_concat(region || ':' || value || ':' || province, '|') FROM gdp_targets_all",
                      "株洲市芦淞区:8.5:湖南省|澧县:-4.2:湖南省");
    assert_query_text(db, "SELECT qualifier || ' ' || plan_year FROM gdp_targets_all WHERE region_code = '430203'",
                      "at_least 2022");
    assert_int_equal(query_int(db, "SELECT count(*) FROM target_matrix"), 2);
    assert_query_text(db, "SELECT gdp FROM target_matrix WHERE doc_id = '" DOC_B "'", "-4.2");
    /* the relation 居民收入增长与经济增长同步: no figure, its qualifier */
    assert_query_text(db,
                      "SELECT typeof(resident_income) || ' ' || resident_income_qualifier FROM target_matrix "
                      "WHERE doc_id = '" DOC_A "'",
                      "null in_line");
    assert_query_text(db,
                      "SELECT region || ' ' || region_level || ' ' || plan_year FROM target_matrix WHERE doc_id = '" DOC_A "'",
                      "株洲市芦淞区 district 2022");
    /* a view per table but documents, each as many rows as its table */
    static const char *const tables[] = {"targets", "commitments", "list_items", "sections", "keywords"};
    for (size_t i = 0; i < sizeof tables / sizeof tables[0]; i++) {
        char sql[256];
        snprintf(sql, sizeof sql, "SELECT (SELECT count(*) FROM v_%s) = (SELECT count(*) FROM %s)", tables[i],
                 tables[i]);
        if (query_int(db, sql) != 1)
            fail_msg("v_%s: not one row per row of %s", tables[i], tables[i]);
        snprintf(sql, sizeof sql, "SELECT count(*) FROM v_%s WHERE region_code IS NULL OR province <> '湖南省'",
                 tables[i]);
        assert_int_equal(query_int(db, sql), 0);
    }
    assert_int_equal(query_int(db, "SELECT count(*) FROM sqlite_master WHERE name = 'v_documents'"), 0);
    sqlite3_close(db);
}

static void test_abort_leaves_previous_file(void **state)
{
    fixture *f = *state;
    must_write_sample(f, NULL, RUN_ID, 3u);
    size_t before_size, after_size;
    unsigned char *before = read_bytes(f->out, &before_size);

    const bg_table_schema *schemas[BG_BUILTIN_TABLE_COUNT];
    for (size_t i = 0; i < BG_BUILTIN_TABLE_COUNT; i++)
        schemas[i] = bg_builtin_table(i);
    bg_harness h;
    assert_int_equal(harness_load(&h, harness_plugin_path("sqlite"), f->out, "{\"prune\": true}"), 0);
    assert_int_equal(harness_begin(&h, BG_BUILTIN_TABLE_COUNT, schemas), 0);
    assert_int_equal(harness_document(&h, DOC_A, "reports/a.txt"), 0); /* deletes a's rows in the copy */
    const bg_table_schema *d = schemas[BG_TABLE_DOCUMENTS];
    bg_cell row[32];
    for (size_t c = 0; c < d->column_count; c++)
        row[c] = cell_null();
    row[0] = cell_text(DOC_A);
    assert_int_equal(harness_row(&h, d, row), 0);
    assert_int_equal(harness_end(&h, BG_BUILTIN_TABLE_COUNT, schemas, NULL, 0), 0);
    harness_free(&h);

    unsigned char *after = read_bytes(f->out, &after_size);
    assert_int_equal(after_size, before_size);
    assert_memory_equal(after, before, before_size);
    assert_int_equal(dir_entries(f->dir), 1);
    free(before);
    free(after);
}

/* A write that fails mid-run (a duplicate key) aborts with a message naming
 * the table and row, and the previous file stays. */
static void test_failed_row_names_table_and_keeps_file(void **state)
{
    fixture *f = *state;
    must_write_sample(f, NULL, RUN_ID, 3u);
    size_t before_size, after_size;
    unsigned char *before = read_bytes(f->out, &before_size);
    const bg_table_schema *schemas[BG_BUILTIN_TABLE_COUNT];
    for (size_t i = 0; i < BG_BUILTIN_TABLE_COUNT; i++)
        schemas[i] = bg_builtin_table(i);
    bg_harness h;
    assert_int_equal(harness_load(&h, harness_plugin_path("sqlite"), f->out, NULL), 0);
    assert_int_equal(harness_begin(&h, BG_BUILTIN_TABLE_COUNT, schemas), 0);
    assert_int_equal(harness_document(&h, DOC_A, "reports/a.txt"), 0);
    const bg_table_schema *k = schemas[BG_TABLE_KEYWORDS];
    bg_cell row[] = {cell_text(DOC_A), cell_text("改革"), cell_null(), cell_int(1), cell_real(0.1)};
    assert_int_equal(harness_row(&h, k, row), 0);
    assert_int_not_equal(harness_row(&h, k, row), 0);
    assert_non_null(strstr(h.message, "keywords"));
    assert_non_null(strstr(h.message, "row 2"));
    assert_non_null(strstr(h.message, f->out));
    assert_non_null(strstr(h.message, "UNIQUE"));
    assert_int_equal(harness_end(&h, BG_BUILTIN_TABLE_COUNT, schemas, NULL, 0), 0);
    harness_free(&h);
    unsigned char *after = read_bytes(f->out, &after_size);
    assert_int_equal(after_size, before_size);
    assert_memory_equal(after, before, before_size);
    assert_int_equal(dir_entries(f->dir), 1);
    free(before);
    free(after);
}

static void test_migrates_older_file(void **state)
{
    fixture *f = *state;
    /* An older layout: targets without aspiration and sentence, no
     * bookkeeping tables, user_version 0, and a document of its own. */
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(f->out, &db), SQLITE_OK);
    assert_int_equal(
        sqlite3_exec(db,
                     "CREATE TABLE targets (doc_id TEXT NOT NULL, seq INTEGER NOT NULL, plan_year INTEGER, "
                     "indicator TEXT, indicator_text TEXT, kind TEXT, value REAL, value_max REAL, unit TEXT, "
                     "qualifier TEXT, qualifier_text TEXT, reference TEXT, \"offset\" INTEGER, "
                     "PRIMARY KEY (doc_id, seq));"
                     "INSERT INTO targets (doc_id, seq, indicator, kind, value) "
                     "VALUES ('00000000000000c3', 0, 'gdp', 'growth', 6.0);",
                     NULL, NULL, NULL),
        SQLITE_OK);
    sqlite3_close(db);

    must_write_sample(f, NULL, RUN_ID, 3u);
    db = open_db(f->out);
    assert_int_equal(query_int(db, "SELECT count(*) FROM pragma_table_info('targets') WHERE name = 'aspiration'"), 1);
    assert_int_equal(query_int(db, "SELECT count(*) FROM pragma_table_info('targets') WHERE name = 'sentence'"), 1);
    assert_int_equal(query_int(db, "SELECT count(*) FROM targets"), 5);
    assert_query_text(db, "SELECT value FROM targets WHERE doc_id = '00000000000000c3'", "6.0");
    assert_query_text(db, "SELECT sentence FROM targets WHERE doc_id = '" DOC_A "' AND seq = 0",
                      "地区生产总值增长8.5%以上");
    assert_int_equal(query_int(db, "PRAGMA user_version"), 2);
    assert_int_equal(query_int(db, "SELECT count(*) FROM runs"), 1);
    assert_int_equal(query_int(db, "SELECT count(*) FROM baogao_values WHERE table_name = 'targets'"), 15);
    sqlite3_close(db);
}

static void test_missing_key_column_is_refused(void **state)
{
    fixture *f = *state;
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(f->out, &db), SQLITE_OK);
    assert_int_equal(
        sqlite3_exec(db, "CREATE TABLE keywords (doc_id TEXT PRIMARY KEY, count INTEGER)", NULL, NULL, NULL),
        SQLITE_OK);
    sqlite3_close(db);
    char msg[BG_MESSAGE_MAX];
    assert_int_not_equal(write_sample(f, NULL, RUN_ID, 3u, msg, sizeof msg), 0);
    assert_non_null(strstr(msg, "keywords"));
    assert_non_null(strstr(msg, "keyword"));
    assert_non_null(strstr(msg, f->out));
}

static void test_newer_layout_is_refused(void **state)
{
    fixture *f = *state;
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(f->out, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "PRAGMA user_version = 3", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    char msg[BG_MESSAGE_MAX];
    assert_int_not_equal(write_sample(f, NULL, RUN_ID, 3u, msg, sizeof msg), 0);
    assert_non_null(strstr(msg, "newer"));
    assert_int_equal(dir_entries(f->dir), 1);
}

static void test_not_a_database_is_refused(void **state)
{
    fixture *f = *state;
    static const char text[] =
        "doc_id,region\n00000000000000a1,澧县\n"
        "this is a CSV file that someone named out.db by mistake, long enough to have a header\n";
    FILE *fp = fopen(f->out, "wb");
    assert_non_null(fp);
    fputs(text, fp);
    fclose(fp);
    char msg[BG_MESSAGE_MAX];
    assert_int_not_equal(write_sample(f, NULL, RUN_ID, 3u, msg, sizeof msg), 0);
    assert_non_null(strstr(msg, f->out));
    assert_non_null(strstr(msg, "not a SQLite database"));
    char *after = harness_read(f->out);
    assert_non_null(after);
    assert_string_equal(after, text);
    free(after);
    assert_int_equal(dir_entries(f->dir), 1);
}

/* Custom tables: any schema; with doc_id rows are replaced per document,
 * without doc_id the table holds the latest run's rows. */
static void write_custom(fixture *f, const char *run)
{
    static const bg_column price_columns[] = {
        {"doc_id", BG_TYPE_TEXT, "文档编号", NULL, BG_COLUMN_KEY},
        {"item", BG_TYPE_TEXT, "项目", "item", BG_COLUMN_KEY | BG_COLUMN_INDEXED},
        {"price", BG_TYPE_REAL, NULL, NULL, 0},
        {"day", BG_TYPE_DATE, NULL, NULL, 0},
        {"code", BG_TYPE_TEXT, NULL, NULL, BG_COLUMN_CODE | BG_COLUMN_INDEXED},
    };
    static const bg_column note_columns[] = {
        {"note", BG_TYPE_TEXT, NULL, NULL, 0},
        {"n", BG_TYPE_INTEGER, NULL, NULL, 0},
    };
    const bg_table_schema prices = {
        sizeof prices, BG_EXPORTER_ABI_MAJOR, BG_EXPORTER_ABI_MINOR, 0, "prices", "价格", NULL, 5, price_columns, NULL, 0};
    const bg_table_schema notes = {
        sizeof notes, BG_EXPORTER_ABI_MAJOR, BG_EXPORTER_ABI_MINOR, 1, "notes", NULL, NULL, 2, note_columns, NULL, 0};
    const bg_table_schema *schemas[] = {&prices, &notes};
    bg_harness h;
    assert_int_equal(harness_load(&h, harness_plugin_path("sqlite"), f->out, NULL), 0);
    assert_int_equal(harness_begin(&h, 2, schemas), 0);
    assert_int_equal(harness_document(&h, DOC_A, "a.csv"), 0);
    bg_cell p1[] = {cell_text(DOC_A), cell_text("rice"), cell_real(2.5), cell_date(2023, 1, 2), cell_text("007")};
    bg_cell p2[] = {cell_text(DOC_A), cell_text("tea"), cell_real(10), cell_null(), cell_text("008")};
    bg_cell n1[] = {cell_text(run), cell_int(1)};
    assert_int_equal(harness_row(&h, &prices, p1), 0);
    assert_int_equal(harness_row(&h, &prices, p2), 0);
    assert_int_equal(harness_row(&h, &notes, n1), 0);
    bg_table_count counts[] = {{"prices", 2}, {"notes", 1}};
    bg_source_result sources[] = {{"a.csv", DOC_A, "0123456789abcdef", "ok", NULL}};
    bg_run_summary summary = {
        sizeof summary, BG_EXPORTER_ABI_MAJOR, BG_EXPORTER_ABI_MINOR, run, "custom", 0, 1, "h", 1, 1, 0, 2, counts, 1,
        sources};
    if (harness_end(&h, 2, schemas, &summary, 1))
        fail_msg("%s", h.message);
    harness_free(&h);
}

static void test_custom_tables(void **state)
{
    fixture *f = *state;
    write_custom(f, "run-1");
    write_custom(f, "run-2");
    sqlite3 *db = open_db(f->out);
    assert_int_equal(query_int(db, "SELECT count(*) FROM prices"), 2);
    assert_query_text(db, "SELECT day || ' ' || typeof(code) || ' ' || code FROM prices WHERE item = 'rice'",
                      "2023-01-02 text 007");
    assert_int_equal(query_int(db, "SELECT count(*) FROM notes"), 1);
    assert_query_text(db, "SELECT note FROM notes", "run-2");
    assert_int_equal(
        query_int(db, "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = 'prices_code_idx'"), 1);
    assert_int_equal(query_int(db, "SELECT count(*) FROM runs"), 2);
    /* no documents/targets tables: no views */
    assert_int_equal(query_int(db, "SELECT count(*) FROM sqlite_master WHERE type = 'view'"), 0);
    sqlite3_close(db);
}

static void test_table_prefix(void **state)
{
    fixture *f = *state;
    must_write_sample(f, "{\"table_prefix\": \"bg_\"}", RUN_ID, 3u);
    sqlite3 *db = open_db(f->out);
    assert_int_equal(query_int(db, "SELECT count(*) FROM bg_targets"), 4);
    assert_int_equal(query_int(db, "SELECT count(*) FROM bg_runs"), 1);
    assert_int_equal(query_int(db, "SELECT count(*) FROM bg_gdp_targets_all"), 2);
    assert_int_equal(query_int(db, "SELECT count(*) FROM bg_v_targets"), 4);
    assert_int_equal(query_int(db, "SELECT count(*) FROM bg_target_matrix"), 2);
    assert_int_equal(query_int(db, "SELECT count(*) FROM bg_baogao_values WHERE table_name = 'bg_targets'"), 15);
    assert_int_equal(query_int(db, "SELECT count(*) FROM sqlite_master WHERE name IN ('targets', 'runs', "
                                   "'gdp_targets', 'v_targets', 'bg_targets_v', 'baogao_values')"),
                     0);
    sqlite3_close(db);
}

static void test_bad_options_are_refused(void **state)
{
    fixture *f = *state;
    char msg[BG_MESSAGE_MAX];
    assert_int_not_equal(write_sample(f, "{\"table_prefix\": \"Bad-Prefix\"}", RUN_ID, 3u, msg, sizeof msg), 0);
    assert_non_null(strstr(msg, "table_prefix"));
    assert_int_not_equal(write_sample(f, "{\"busy_timeout_ms\": -1}", RUN_ID, 3u, msg, sizeof msg), 0);
    assert_non_null(strstr(msg, "busy_timeout_ms"));
    assert_false(file_exists(f->out));
}

/* Views for notebooks -------------------------------------------------------- */

#define DOC_R "00000000000000d4" /* 株洲市's work report */
#define DOC_I "00000000000000e5" /* a newspaper's interpretation of it */
#define DOC_N "00000000000000f6" /* a report that sets no GDP target */

typedef struct doc_spec {
    const char *doc_id, *province, *region, *region_code, *level;
    int plan_year;
    const char *doc_type;
} doc_spec;

/* A target row; has_value 0 leaves value NULL. */
typedef struct target_spec {
    const char *doc_id;
    int seq;
    const char *indicator, *kind;
    int has_value;
    double value;
    const char *qualifier, *qualifier_text, *aspiration;
} target_spec;

static const doc_spec identity_docs[] = {
    {DOC_R, "湖南省", "株洲市", "430200", "city", 2023, "work_report"},
    {DOC_I, "湖南省", "株洲市", "430200", "city", 2023, "interpretation"},
    {DOC_N, "湖北省", "宜昌市猇亭区", "420505", "district", 2022, "work_report"},
};

static const target_spec identity_targets[] = {
    {DOC_R, 0, "gdp", "level", 1, 4200, "exact", NULL, NULL}, /* 达到4200亿元: not the growth column */
    {DOC_R, 1, "gdp", "growth", 1, 6.5, "at_least", "以上", NULL},
    {DOC_R, 2, "gdp", "growth", 1, 7, "exact", NULL, "力争"},
    {DOC_R, 3, "cpi", "growth", 1, 3, "about", "左右", NULL},
    {DOC_R, 4, "urban_unemployment_rate", "level", 1, 5.5, "at_most", "以内", NULL},
    {DOC_R, 5, "resident_income", "relation", 0, 0, "in_line", "同步", NULL},
    {DOC_R, 6, "grain_output", "level", 1, 30.5, "at_least", "以上", NULL},   /* no headline column */
    {DOC_R, 7, "energy_intensity", "growth", 1, -3, "at_most", "以上", NULL}, /* 下降3%以上 */
    {DOC_I, 0, "gdp", "growth", 1, 6.5, "at_least", "以上", NULL},
    {DOC_I, 1, "resident_income", "relation", 0, 0, "in_line", "同步", NULL}, /* the growth below wins */
    {DOC_I, 2, "resident_income", "growth", 1, 6, "about", "左右", NULL},
    {DOC_N, 0, "gdp", "absent", 0, 0, "exact", NULL, NULL},
    {DOC_N, 1, "retail_sales", "growth", 1, 8, "about", "左右", NULL},
};

/* A custom table with doc_id, for the per-table views. */
static const bg_column planned_columns[] = {
    {"doc_id", BG_TYPE_TEXT, "文档编号", NULL, BG_COLUMN_KEY},
    {"seq", BG_TYPE_INTEGER, "序号", NULL, BG_COLUMN_KEY},
    {"amount", BG_TYPE_REAL, "金额", NULL, 0},
    {"region", BG_TYPE_TEXT, "地区原文", NULL, 0}, /* named like an identity column */
    {"note", BG_TYPE_TEXT, NULL, NULL, 0},
};

static void put(bg_cell *row, const bg_table_schema *schema, const char *column, bg_cell cell)
{
    int c = bg_column_index(schema, column);
    assert_true(c >= 0);
    row[c] = cell;
}

static void clear_row(bg_cell *row, const bg_table_schema *schema)
{
    for (size_t c = 0; c < schema->column_count; c++)
        row[c] = cell_null();
}

/* Writes the documents with their identity (in bg_document_info and in
 * documents), the targets given, and one row per document in every other
 * built-in table and in planned_investment, whose schema has its first
 * planned_count columns. */
static void write_identity_run(fixture *f, const char *options, const doc_spec *docs, size_t doc_count,
                               const target_spec *targets, size_t target_count, size_t planned_count)
{
    const bg_table_schema planned = {sizeof planned,
                                     BG_EXPORTER_ABI_MAJOR,
                                     BG_EXPORTER_ABI_MINOR,
                                     BG_BUILTIN_TABLE_COUNT,
                                     "planned_investment",
                                     "计划投资",
                                     NULL,
                                     planned_count,
                                     planned_columns,
                                     NULL,
                                     0};
    const bg_table_schema *schemas[BG_BUILTIN_TABLE_COUNT + 1];
    for (size_t i = 0; i < BG_BUILTIN_TABLE_COUNT; i++)
        schemas[i] = bg_builtin_table(i);
    schemas[BG_BUILTIN_TABLE_COUNT] = &planned;
    size_t table_count = BG_BUILTIN_TABLE_COUNT + 1;
    bg_harness h;
    assert_int_equal(harness_load(&h, harness_plugin_path("sqlite"), f->out, options), 0);
    if (harness_begin(&h, table_count, schemas))
        fail_msg("%s", h.message);
    bg_cell row[64];
    for (size_t d = 0; d < doc_count; d++) {
        const doc_spec *doc = &docs[d];
        bg_document_info info = {.struct_size = sizeof info,
                                 .abi_major = BG_EXPORTER_ABI_MAJOR,
                                 .abi_minor = BG_EXPORTER_ABI_MINOR,
                                 .doc_id = doc->doc_id,
                                 .source = doc->doc_id,
                                 .content_hash = "0123456789abcdef",
                                 .province = doc->province,
                                 .region = doc->region,
                                 .region_code = doc->region_code,
                                 .level = doc->level,
                                 .plan_year = doc->plan_year,
                                 .doc_type = doc->doc_type};
        assert_int_equal(harness_document_info(&h, &info), 0);
        const bg_table_schema *s = schemas[BG_TABLE_DOCUMENTS];
        clear_row(row, s);
        put(row, s, "doc_id", cell_text(doc->doc_id));
        put(row, s, "province", cell_text(doc->province));
        put(row, s, "region", cell_text(doc->region));
        put(row, s, "region_code", cell_text(doc->region_code));
        put(row, s, "level", cell_text(doc->level));
        put(row, s, "plan_year", cell_int(doc->plan_year));
        put(row, s, "doc_type", cell_text(doc->doc_type));
        assert_int_equal(harness_row(&h, s, row), 0);
        s = schemas[BG_TABLE_TARGETS];
        for (size_t t = 0; t < target_count; t++) {
            const target_spec *g = &targets[t];
            if (strcmp(g->doc_id, doc->doc_id) != 0)
                continue;
            clear_row(row, s);
            put(row, s, "doc_id", cell_text(g->doc_id));
            put(row, s, "seq", cell_int(g->seq));
            put(row, s, "plan_year", cell_int(doc->plan_year));
            put(row, s, "indicator", cell_text(g->indicator));
            put(row, s, "kind", cell_text(g->kind));
            if (g->has_value)
                put(row, s, "value", cell_real(g->value));
            put(row, s, "unit", cell_text(g->has_value ? "%" : ""));
            put(row, s, "qualifier", cell_text(g->qualifier));
            if (g->qualifier_text)
                put(row, s, "qualifier_text", cell_text(g->qualifier_text));
            if (g->aspiration)
                put(row, s, "aspiration", cell_text(g->aspiration));
            put(row, s, "value_text", cell_text("增长"));
            assert_int_equal(harness_row(&h, s, row), 0);
        }
        s = schemas[BG_TABLE_COMMITMENTS];
        clear_row(row, s);
        put(row, s, "doc_id", cell_text(doc->doc_id));
        put(row, s, "seq", cell_int(0));
        put(row, s, "verb", cell_text("新增"));
        put(row, s, "value", cell_real(1.2));
        assert_int_equal(harness_row(&h, s, row), 0);
        s = schemas[BG_TABLE_LIST_ITEMS];
        clear_row(row, s);
        put(row, s, "doc_id", cell_text(doc->doc_id));
        put(row, s, "list_seq", cell_int(0));
        put(row, s, "item_seq", cell_int(0));
        put(row, s, "item", cell_text("航空动力专项"));
        assert_int_equal(harness_row(&h, s, row), 0);
        s = schemas[BG_TABLE_SECTIONS];
        clear_row(row, s);
        put(row, s, "doc_id", cell_text(doc->doc_id));
        put(row, s, "seq", cell_int(0));
        put(row, s, "level", cell_int(1));
        put(row, s, "title", cell_text("全力以赴推进制造强市"));
        assert_int_equal(harness_row(&h, s, row), 0);
        s = schemas[BG_TABLE_KEYWORDS];
        clear_row(row, s);
        put(row, s, "doc_id", cell_text(doc->doc_id));
        put(row, s, "keyword", cell_text("高质量发展"));
        put(row, s, "count", cell_int(2));
        assert_int_equal(harness_row(&h, s, row), 0);
        bg_cell p[] = {cell_text(doc->doc_id), cell_int(0), cell_real(110), cell_text("全市"), cell_text("力争")};
        assert_int_equal(harness_row(&h, &planned, p), 0);
    }
    if (harness_end(&h, table_count, schemas, NULL, 1))
        fail_msg("%s", h.message);
    harness_free(&h);
}

static void write_identity_sample(fixture *f, const char *options)
{
    write_identity_run(f, options, identity_docs, COUNT_OF(identity_docs), identity_targets, COUNT_OF(identity_targets),
                       COUNT_OF(planned_columns));
}

/* The view's column names, comma-separated (malloc'ed). */
static char *view_columns(sqlite3 *db, const char *view)
{
    char sql[256];
    snprintf(sql, sizeof sql,
             "SELECT group_concat(name, ',') FROM (SELECT name FROM pragma_table_info('%s') ORDER BY cid)", view);
    return query_text(db, sql);
}

static void test_table_views_carry_identity(void **state)
{
    fixture *f = *state;
    write_identity_sample(f, NULL);
    sqlite3 *db = open_db(f->out);
    static const char *const tables[] = {"targets",  "commitments", "list_items",
                                         "sections", "keywords",    "planned_investment"};
    for (size_t i = 0; i < COUNT_OF(tables); i++) {
        char sql[512], view[64];
        snprintf(view, sizeof view, "v_%s", tables[i]);
        char *columns = view_columns(db, view);
        static const char head[] = "province,region,region_code,region_level,plan_year,doc_type,doc_id,";
        if (strncmp(columns, head, strlen(head)) != 0)
            fail_msg("%s starts with %s", view, columns);
        free(columns);
        snprintf(sql, sizeof sql, "SELECT (SELECT count(*) FROM %s) = (SELECT count(*) FROM %s)", view, tables[i]);
        if (query_int(db, sql) != 1)
            fail_msg("%s: not one row per row of %s", view, tables[i]);
        /* every row carries its own document's identity */
        snprintf(sql, sizeof sql,
                 "SELECT count(*) FROM %s v JOIN documents d USING (doc_id) WHERE v.province IS d.province "
                 "AND v.region IS d.region AND v.region_code IS d.region_code AND v.region_level IS d.level "
                 "AND v.plan_year IS d.plan_year AND v.doc_type IS d.doc_type",
                 view);
        long long matching = query_int(db, sql);
        snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", tables[i]);
        assert_int_equal(matching, query_int(db, sql));
        assert_true(matching >= 3);
    }
    assert_query_text(db,
                      "SELECT province || ' ' || region || ' ' || region_code || ' ' || plan_year || ' ' || doc_type "
                      "|| ' ' || value FROM v_targets WHERE doc_id = '" DOC_R "' AND seq = 1",
                      "湖南省 株洲市 430200 2023 work_report 6.5");
    assert_query_text(db, "SELECT region_code || ' ' || region_level FROM v_keywords WHERE doc_id = '" DOC_N "'",
                      "420505 district");
    /* the document's level is region_level, clear of the heading's own level */
    assert_query_text(db, "SELECT region_level || ' ' || level FROM v_sections WHERE doc_id = '" DOC_N "'",
                      "district 1");
    /* a table's own column named like an identity column keeps its value under <table>_<column> */
    assert_query_text(db, "SELECT targets_plan_year FROM v_targets WHERE doc_id = '" DOC_N "' AND seq = 0", "2022");
    assert_query_text(db,
                      "SELECT region || ' ' || planned_investment_region || ' ' || amount FROM v_planned_investment "
                      "WHERE doc_id = '" DOC_I "'",
                      "株洲市 全市 110.0");
    assert_int_equal(query_int(db, "SELECT count(*) FROM sqlite_master WHERE name = 'v_documents'"), 0);
    sqlite3_close(db);
}

/* A view shows the columns the table has now: a column added in a later run
 * appears in it, and the earlier run's rows show NULL there. */
static void test_views_follow_the_columns(void **state)
{
    fixture *f = *state;
    write_identity_run(f, NULL, identity_docs, 1, identity_targets, COUNT_OF(identity_targets),
                       COUNT_OF(planned_columns) - 1);
    sqlite3 *db = open_db(f->out);
    char *columns = view_columns(db, "v_planned_investment");
    assert_string_equal(columns, "province,region,region_code,region_level,plan_year,doc_type,doc_id,seq,amount,"
                                 "planned_investment_region");
    free(columns);
    sqlite3_close(db);
    /* the second run writes the other documents with the note column */
    write_identity_run(f, NULL, identity_docs + 1, 2, identity_targets, COUNT_OF(identity_targets),
                       COUNT_OF(planned_columns));
    db = open_db(f->out);
    columns = view_columns(db, "v_planned_investment");
    assert_string_equal(columns, "province,region,region_code,region_level,plan_year,doc_type,doc_id,seq,amount,"
                                 "planned_investment_region,note");
    free(columns);
    assert_int_equal(query_int(db, "SELECT count(*) FROM v_planned_investment"), 3);
    assert_query_text(db, "SELECT typeof(note) FROM v_planned_investment WHERE doc_id = '" DOC_R "'", "null");
    assert_query_text(db, "SELECT note FROM v_planned_investment WHERE doc_id = '" DOC_N "'", "力争");
    /* the first run's document still has its identity */
    assert_query_text(db, "SELECT doc_type FROM v_planned_investment WHERE doc_id = '" DOC_R "'", "work_report");
    sqlite3_close(db);
}

static void test_gdp_targets_leave_out_interpretations(void **state)
{
    fixture *f = *state;
    write_identity_sample(f, NULL);
    sqlite3 *db = open_db(f->out);
    static const char columns[] = "province,region,region_code,region_level,plan_year,doc_type,value,value_max,qualifier,"
                                  "qualifier_text,value_text,aspiration,doc_id";
    char *got = view_columns(db, "gdp_targets");
    assert_string_equal(got, columns);
    free(got);
    got = view_columns(db, "gdp_targets_all");
    assert_string_equal(got, columns);
    free(got);
    /* work reports only: 株洲市's two growth targets (the level is not one),
     * and 猇亭区's "no GDP target" as absent with no value */
    assert_query_text(db,
                      "SELECT group_concat(region || ':' || doc_type || ':' || coalesce(value, 'NULL') || ':' || "
                      "qualifier || ':' || coalesce(aspiration, ''), '|') FROM gdp_targets",
                      "宜昌市猇亭区:work_report:NULL:absent:|株洲市:work_report:6.5:at_least:|"
                      "株洲市:work_report:7.0:exact:力争");
    assert_int_equal(query_int(db, "SELECT count(*) FROM gdp_targets WHERE doc_id = '" DOC_I "'"), 0);
    /* _all adds the interpretation, with its doc_type */
    assert_int_equal(query_int(db, "SELECT count(*) FROM gdp_targets_all"), 4);
    assert_query_text(db,
                      "SELECT doc_type || ' ' || value || ' ' || plan_year FROM gdp_targets_all "
                      "WHERE doc_id = '" DOC_I "'",
                      "interpretation 6.5 2023");
    sqlite3_close(db);
}

/* The expected target_matrix columns: identity, doc_id, then value and
 * qualifier per headline indicator. */
static void assert_matrix_columns(sqlite3 *db)
{
    char *columns = view_columns(db, "target_matrix");
    static const char head[] = "province,region,region_code,region_level,plan_year,doc_type,doc_id,gdp,gdp_qualifier,";
    if (strncmp(columns, head, strlen(head)) != 0)
        fail_msg("target_matrix columns: %s", columns);
    free(columns);
    assert_int_equal(query_int(db, "SELECT count(*) FROM pragma_table_info('target_matrix')"), 7 + 2 * 14);
    static const char *const headline[] = {"cpi",          "urban_unemployment_rate", "resident_income",
                                           "retail_sales", "fixed_asset_investment",  "general_budget_revenue"};
    for (size_t i = 0; i < COUNT_OF(headline); i++) {
        char sql[256];
        snprintf(sql, sizeof sql,
                 "SELECT count(*) FROM pragma_table_info('target_matrix') WHERE name IN ('%s', '%s_qualifier')",
                 headline[i], headline[i]);
        if (query_int(db, sql) != 2)
            fail_msg("target_matrix has no %s columns", headline[i]);
    }
}

static void test_target_matrix_has_fixed_columns(void **state)
{
    fixture *f = *state;
    write_identity_sample(f, NULL);
    sqlite3 *db = open_db(f->out);
    char *with_data = view_columns(db, "target_matrix");
    assert_matrix_columns(db);
    /* grain_output is in the data but no headline indicator */
    assert_int_equal(query_int(db, "SELECT count(*) FROM pragma_table_info('target_matrix') WHERE name LIKE 'grain%'"),
                     0);
    sqlite3_close(db);
    /* a file with no target at all has the same columns */
    char other[sizeof f->out];
    snprintf(other, sizeof other, "%s", f->out);
    snprintf(f->out, sizeof f->out, "%s/empty.db", f->dir);
    write_identity_run(f, NULL, identity_docs, 1, identity_targets, 0, COUNT_OF(planned_columns));
    db = open_db(f->out);
    char *without_data = view_columns(db, "target_matrix");
    assert_string_equal(with_data, without_data);
    assert_int_equal(query_int(db, "SELECT count(*) FROM target_matrix WHERE gdp IS NULL AND gdp_qualifier IS NULL"),
                     1);
    sqlite3_close(db);
    free(with_data);
    free(without_data);
    snprintf(f->out, sizeof f->out, "%s", other);
}

static void test_target_matrix_picks(void **state)
{
    fixture *f = *state;
    write_identity_sample(f, NULL);
    sqlite3 *db = open_db(f->out);
    /* one row per document, the report before its interpretation */
    assert_query_text(db, "SELECT group_concat(doc_id, ',') FROM target_matrix", DOC_N "," DOC_R "," DOC_I);
    /* the first growth target, not the level (4200) nor the 力争 one */
    assert_query_text(db,
                      "SELECT gdp || ' ' || gdp_qualifier || ' ' || cpi || ' ' || cpi_qualifier || ' ' || "
                      "urban_unemployment_rate || ' ' || urban_unemployment_rate_qualifier || ' ' || "
                      "energy_intensity || ' ' || energy_intensity_qualifier FROM target_matrix "
                      "WHERE doc_id = '" DOC_R "'",
                      "6.5 at_least 3.0 about 5.5 at_most -3.0 at_most");
    assert_query_text(db,
                      "SELECT typeof(resident_income) || ' ' || resident_income_qualifier FROM target_matrix "
                      "WHERE doc_id = '" DOC_R "'",
                      "null in_line");
    /* no GDP target: NULL, never 0, and the qualifier says absent */
    assert_query_text(db,
                      "SELECT typeof(gdp) || ' ' || gdp_qualifier || ' ' || retail_sales FROM target_matrix "
                      "WHERE doc_id = '" DOC_N "'",
                      "null absent 8.0");
    /* a headline indicator the document does not mention: NULL, NULL */
    assert_query_text(
        db, "SELECT typeof(cpi) || ' ' || typeof(cpi_qualifier) FROM target_matrix WHERE doc_id = '" DOC_N "'",
        "null null");
    assert_query_text(db,
                      "SELECT province || ' ' || region_code || ' ' || region_level || ' ' || plan_year || ' ' || doc_type "
                      "|| ' ' || gdp FROM target_matrix WHERE doc_id = '" DOC_I "'",
                      "湖南省 430200 city 2023 interpretation 6.5");
    /* a growth target comes before a relation of the same indicator */
    assert_query_text(db,
                      "SELECT resident_income || ' ' || resident_income_qualifier FROM target_matrix "
                      "WHERE doc_id = '" DOC_I "'",
                      "6.0 about");
    sqlite3_close(db);
}

/* The matrix's indicator columns name indicators the shipped rules define. */
static void test_headline_indicators_are_rule_keys(void **state)
{
    fixture *f = *state;
    write_identity_run(f, NULL, identity_docs, 1, identity_targets, 0, COUNT_OF(planned_columns));
    cJSON *rules = read_json(BG_TEST_SOURCE_DIR "/config/rules/gov_work_report.json");
    assert_non_null(rules);
    const cJSON *indicators = cJSON_GetObjectItemCaseSensitive(rules, "indicators");
    assert_true(cJSON_IsArray(indicators));
    sqlite3 *db = open_db(f->out);
    sqlite3_stmt *stmt;
    assert_int_equal(sqlite3_prepare_v2(db,
                                        "SELECT name FROM pragma_table_info('target_matrix') WHERE cid >= 7 "
                                        "AND name NOT LIKE '%!_qualifier' ESCAPE '!' ORDER BY cid",
                                        -1, &stmt, NULL),
                     SQLITE_OK);
    int keys = 0;
    while (sqlite3_step(stmt) == SQLITE_ROW) {
        const char *key = (const char *)sqlite3_column_text(stmt, 0);
        int found = 0;
        const cJSON *indicator;
        cJSON_ArrayForEach(indicator, indicators)
        {
            const cJSON *k = cJSON_GetObjectItemCaseSensitive(indicator, "key");
            found |= cJSON_IsString(k) && strcmp(k->valuestring, key) == 0;
        }
        if (!found)
            fail_msg("target_matrix column %s is no indicator key of the rules", key);
        keys++;
    }
    sqlite3_finalize(stmt);
    assert_int_equal(keys, 14);
    sqlite3_close(db);
    cJSON_Delete(rules);
}

static void test_value_labels(void **state)
{
    fixture *f = *state;
    write_identity_sample(f, NULL);
    write_identity_sample(f, NULL); /* a re-run replaces, never duplicates */
    sqlite3 *db = open_db(f->out);
    assert_query_text(db,
                      "SELECT label FROM baogao_values WHERE table_name = 'targets' AND column_name = 'kind' "
                      "AND value = 'growth'",
                      "增长");
    assert_query_text(db,
                      "SELECT label FROM baogao_values WHERE table_name = 'documents' AND column_name = 'doc_type' "
                      "AND value = 'interpretation'",
                      "解读");
    assert_int_equal(
        query_int(db, "SELECT count(*) FROM baogao_values WHERE table_name = 'targets' AND column_name = 'kind'"), 5);
    /* as many rows as the schema has codes */
    const bg_table_schema *targets = bg_builtin_table(BG_TABLE_TARGETS);
    size_t codes = 0;
    for (size_t c = 0; c < targets->column_count; c++)
        codes += targets->column_values[c].count;
    assert_int_equal(query_int(db, "SELECT count(*) FROM baogao_values WHERE table_name = 'targets'"),
                     (long long)codes);
    /* a table without coded columns has none */
    assert_int_equal(query_int(db, "SELECT count(*) FROM baogao_values WHERE table_name = 'planned_investment'"), 0);
    /* the notebook join: the Chinese label beside each code */
    assert_query_text(db,
                      "SELECT group_concat(l.label, ',') FROM (SELECT * FROM v_targets WHERE doc_id = '" DOC_R "' "
                      "ORDER BY seq) t JOIN baogao_values l ON l.table_name = 'targets' AND l.column_name = 'kind' "
                      "AND l.value = t.kind",
                      "绝对量,增长,增长,增长,绝对量,关系,绝对量,增长");
    sqlite3_close(db);
}

/* A schema from an ABI 1.1 host ends before column_values: its labels are
 * not read, and the previous run's labels of the table go. */
static void test_value_labels_need_abi_1_2(void **state)
{
    fixture *f = *state;
    static const bg_value_label unit_values[] = {{"yuan", "元"}};
    static const bg_column columns[] = {{"doc_id", BG_TYPE_TEXT, NULL, NULL, BG_COLUMN_KEY},
                                        {"unit", BG_TYPE_TEXT, NULL, NULL, 0}};
    static const bg_column_values values[] = {{0, NULL}, {1, unit_values}};
    for (int old = 0; old < 2; old++) {
        const bg_table_schema prices = {old ? offsetof(bg_table_schema, column_values) : sizeof prices,
                                        BG_EXPORTER_ABI_MAJOR,
                                        old ? 1 : BG_EXPORTER_ABI_MINOR,
                                        0,
                                        "prices",
                                        NULL,
                                        NULL,
                                        2,
                                        columns,
                                        values,
                                        0};
        const bg_table_schema *schemas[] = {&prices};
        bg_harness h;
        assert_int_equal(harness_load(&h, harness_plugin_path("sqlite"), f->out, NULL), 0);
        assert_int_equal(harness_begin(&h, 1, schemas), 0);
        assert_int_equal(harness_end(&h, 1, schemas, NULL, 1), 0);
        harness_free(&h);
        sqlite3 *db = open_db(f->out);
        assert_int_equal(query_int(db, "SELECT count(*) FROM baogao_values WHERE table_name = 'prices'"), old ? 0 : 1);
        sqlite3_close(db);
    }
}

/* ---- Tables across reports ------------------------------------------------ */

static void must_write_across(fixture *f, const char *options, const char *run_id, unsigned mask, int variant)
{
    bg_harness h;
    assert_int_equal(harness_load(&h, harness_plugin_path("sqlite"), f->out, options), 0);
    int rc = across_write(&h, run_id, mask, variant);
    if (rc)
        fail_msg("across sample: %s", h.message);
    harness_free(&h);
}

static long long rows_of(sqlite3 *db, const char *table)
{
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM \"%s\"", table);
    return query_int(db, sql);
}

/* The table's columns, comma-separated, as the file has them. */
static char *table_columns(sqlite3 *db, const char *table)
{
    return view_columns(db, table);
}

/* A run replaces a table across reports whole: the second run's rows only,
 * though it writes one document of two (a table replaced document by
 * document would keep the other's rows), and a row naming a document the
 * run does not have survives prune (a table pruned by doc_id would lose
 * it); the tables of documents' rows keep their way. */
static void test_across_tables_replaced_whole(void **state)
{
    fixture *f = *state;
    must_write_across(f, NULL, "run-1", 3u, 0);
    sqlite3 *db = open_db(f->out);
    for (size_t t = 0; t < BG_BUILTIN_TABLE_COUNT; t++)
        assert_int_equal(rows_of(db, bg_builtin_table(t)->name), across_row_count(t, 0));
    assert_int_equal(query_int(db, "SELECT count(*) FROM escalation WHERE doc_id = '" DOC_A "'"), 2);
    sqlite3_close(db);

    /* only document b this time, other rows across reports */
    must_write_across(f, NULL, "run-2", 2u, 1);
    db = open_db(f->out);
    for (size_t t = BG_TABLE_TARGET_OUTCOMES; t < BG_BUILTIN_TABLE_COUNT; t++)
        assert_int_equal(rows_of(db, bg_builtin_table(t)->name), across_row_count(t, 1));
    assert_query_text(db, "SELECT plan_year || ' ' || doc_id || ' ' || seq FROM escalation", "2023 " DOC_A " 7");
    assert_query_text(db, "SELECT region_code || ' ' || target_value || ' ' || outcome_value FROM target_outcomes",
                      "430723 7.0 6.1");
    assert_query_text(db, "SELECT plan_year || ' ' || mean_difference FROM escalation_summary", "2023 0.5");
    assert_query_text(db, "SELECT doc_id || ' ' || seq FROM target_changes", DOC_B " 5");
    /* documents' rows: a's kept from run 1 (no prune), b's replaced */
    assert_int_equal(rows_of(db, "documents"), 2);
    assert_int_equal(rows_of(db, "outcomes"), 7);
    sqlite3_close(db);

    /* prune: document a goes, the row across reports that names it stays */
    must_write_across(f, "{\"prune\": true}", "run-3", 2u, 1);
    db = open_db(f->out);
    assert_int_equal(rows_of(db, "documents"), 1);
    assert_int_equal(query_int(db, "SELECT count(*) FROM outcomes WHERE doc_id = '" DOC_A "'"), 0);
    assert_int_equal(rows_of(db, "outcomes"), 4);
    assert_query_text(db, "SELECT doc_id || ' ' || seq FROM escalation", DOC_A " 7");
    for (size_t t = BG_TABLE_TARGET_OUTCOMES; t < BG_BUILTIN_TABLE_COUNT; t++)
        assert_int_equal(rows_of(db, bg_builtin_table(t)->name), across_row_count(t, 1));
    sqlite3_close(db);
}

/* The tables across reports are tables like the others (typed, keyed, in
 * baogao_tables with flag 1, their codes in baogao_values); v_<table> is the
 * table as it is, without the documents join (its rows name their own
 * regions); outcomes, a table of documents' rows, gets the identity view. */
static void test_across_tables_views_and_codebook(void **state)
{
    fixture *f = *state;
    must_write_across(f, NULL, RUN_ID, 3u, 0);
    sqlite3 *db = open_db(f->out);
    for (size_t t = 0; t < BG_BUILTIN_TABLE_COUNT; t++) {
        const bg_table_schema *schema = bg_builtin_table(t);
        char sql[512];
        snprintf(sql, sizeof sql, "SELECT flags FROM baogao_tables WHERE table_name = '%s'", schema->name);
        assert_int_equal(query_int(db, sql), (schema->flags & BG_TABLE_ACROSS) ? 1 : 0);
        /* every code of every coded column, for the notebook's labels */
        size_t codes = 0;
        for (size_t c = 0; c < schema->column_count; c++)
            codes += schema->column_values[c].count;
        snprintf(sql, sizeof sql, "SELECT count(*) FROM baogao_values WHERE table_name = '%s'", schema->name);
        assert_int_equal(query_int(db, sql), codes);
        if (!(schema->flags & BG_TABLE_ACROSS))
            continue;
        assert_true(codes > 0);
        char view[64];
        snprintf(view, sizeof view, "v_%s", schema->name);
        char *columns = view_columns(db, view);
        char *own = table_columns(db, schema->name);
        assert_string_equal(columns, own);
        free(own);
        free(columns);
        snprintf(sql, sizeof sql, "SELECT (SELECT count(*) FROM %s) = (SELECT count(*) FROM %s)", view, schema->name);
        assert_int_equal(query_int(db, sql), 1);
    }
    assert_query_text(db, "SELECT type FROM pragma_table_info('escalation') WHERE name = 'parent_value'", "REAL");
    assert_int_equal(query_int(db, "SELECT pk FROM pragma_table_info('target_outcomes') WHERE name = 'target_seq'"), 2);
    assert_query_text(db,
                      "SELECT label FROM baogao_values WHERE table_name = 'target_outcomes' AND column_name = 'met' "
                      "AND value = 'unclear'",
                      "无法判断");
    assert_query_text(db,
                      "SELECT label FROM baogao_values WHERE table_name = 'target_changes' AND column_name = 'state' "
                      "AND value = 'previously_absent'",
                      "上年未设定");
    assert_query_text(db, "SELECT region || ' ' || region_level FROM v_escalation WHERE seq = 3",
                      "株洲市芦淞区 district");
    char *columns = view_columns(db, "v_outcomes");
    static const char head[] = "province,region,region_code,region_level,plan_year,doc_type,doc_id,seq,year,";
    if (strncmp(columns, head, strlen(head)) != 0)
        fail_msg("v_outcomes starts with %s", columns);
    free(columns);
    assert_query_text(
        db, "SELECT region || ' ' || year || ' ' || value FROM v_outcomes WHERE seq = 0 AND doc_id = '" DOC_B "'",
        "澧县 2021 7.9");
    sqlite3_close(db);
}

static void test_view_prefix_is_refused_as_table_name(void **state)
{
    fixture *f = *state;
    static const bg_column columns[] = {{"doc_id", BG_TYPE_TEXT, NULL, NULL, BG_COLUMN_KEY}};
    const bg_table_schema clash = {
        sizeof clash, BG_EXPORTER_ABI_MAJOR, BG_EXPORTER_ABI_MINOR, 0, "v_targets", NULL, NULL, 1, columns, NULL, 0};
    const bg_table_schema *schemas[] = {&clash};
    bg_harness h;
    assert_int_equal(harness_load(&h, harness_plugin_path("sqlite"), f->out, NULL), 0);
    assert_int_not_equal(harness_begin(&h, 1, schemas), 0);
    assert_non_null(strstr(h.message, "v_targets"));
    assert_non_null(strstr(h.message, "views"));
    harness_end(&h, 0, NULL, NULL, 0);
    harness_free(&h);
    assert_false(file_exists(f->out));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_sample_tables_and_types, setup, teardown),
        cmocka_unit_test_setup_teardown(test_primary_keys, setup, teardown),
        cmocka_unit_test_setup_teardown(test_indexes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rerun_does_not_duplicate, setup, teardown),
        cmocka_unit_test_setup_teardown(test_vanished_document_kept_by_default, setup, teardown),
        cmocka_unit_test_setup_teardown(test_prune_drops_vanished_document, setup, teardown),
        cmocka_unit_test_setup_teardown(test_failed_source_keeps_its_document, setup, teardown),
        cmocka_unit_test_setup_teardown(test_handed_over_file_stands_alone, setup, teardown),
        cmocka_unit_test_setup_teardown(test_views, setup, teardown),
        cmocka_unit_test_setup_teardown(test_table_views_carry_identity, setup, teardown),
        cmocka_unit_test_setup_teardown(test_views_follow_the_columns, setup, teardown),
        cmocka_unit_test_setup_teardown(test_gdp_targets_leave_out_interpretations, setup, teardown),
        cmocka_unit_test_setup_teardown(test_target_matrix_has_fixed_columns, setup, teardown),
        cmocka_unit_test_setup_teardown(test_target_matrix_picks, setup, teardown),
        cmocka_unit_test_setup_teardown(test_headline_indicators_are_rule_keys, setup, teardown),
        cmocka_unit_test_setup_teardown(test_value_labels, setup, teardown),
        cmocka_unit_test_setup_teardown(test_value_labels_need_abi_1_2, setup, teardown),
        cmocka_unit_test_setup_teardown(test_view_prefix_is_refused_as_table_name, setup, teardown),
        cmocka_unit_test_setup_teardown(test_across_tables_replaced_whole, setup, teardown),
        cmocka_unit_test_setup_teardown(test_across_tables_views_and_codebook, setup, teardown),
        cmocka_unit_test_setup_teardown(test_abort_leaves_previous_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_failed_row_names_table_and_keeps_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_migrates_older_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_missing_key_column_is_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_newer_layout_is_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_not_a_database_is_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_custom_tables, setup, teardown),
        cmocka_unit_test_setup_teardown(test_table_prefix, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_options_are_refused, setup, teardown),
    };
    return cmocka_run_group_tests_name("sqlite exporter", tests, NULL, NULL);
}
