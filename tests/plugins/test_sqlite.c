/* test_sqlite.c — the SQLite exporter through the real host: the sample's
 * tables and types, keys and indexes, re-runs that replace instead of
 * duplicating, keep/prune of vanished documents, WAL hand-over, views,
 * aborts that leave the old file alone, migration and refusal of a file that
 * is not a database. */
#include "harness.h"
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
        snprintf(msg, size, "%s", h.message);
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
    assert_int_equal(query_int(db, "PRAGMA user_version"), 1);
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
    assert_int_equal(query_int(db, "SELECT count(*) FROM gdp_targets"), 2);
    assert_query_text(db,
                      "SELECT group_concat(region || ':' || value || ':' || province, '|') FROM "
                      "(SELECT * FROM gdp_targets ORDER BY region_code)",
                      "株洲市芦淞区:8.5:湖南省|澧县:-4.2:湖南省");
    assert_query_text(db, "SELECT qualifier || ' ' || plan_year FROM gdp_targets WHERE region_code = '430203'",
                      "at_least 2022");
    assert_int_equal(query_int(db, "SELECT count(*) FROM pragma_table_info('target_matrix') WHERE name = 'gdp'"), 1);
    /* resident_income has no value in the sample: no column for it */
    assert_int_equal(
        query_int(db, "SELECT count(*) FROM pragma_table_info('target_matrix') WHERE name LIKE 'resident_income%'"), 0);
    assert_int_equal(query_int(db, "SELECT count(*) FROM target_matrix"), 2);
    assert_query_text(db, "SELECT gdp FROM target_matrix WHERE doc_id = '" DOC_B "'", "-4.2");
    assert_query_text(db,
                      "SELECT region || ' ' || level || ' ' || plan_year FROM target_matrix WHERE doc_id = '" DOC_A "'",
                      "株洲市芦淞区 district 2022");
    sqlite3_close(db);
}

/* A target with a new indicator shows up as a column after the next run. */
static void test_target_matrix_follows_the_data(void **state)
{
    fixture *f = *state;
    const bg_table_schema *schemas[BG_BUILTIN_TABLE_COUNT];
    for (size_t i = 0; i < BG_BUILTIN_TABLE_COUNT; i++)
        schemas[i] = bg_builtin_table(i);
    bg_harness h;
    assert_int_equal(harness_load(&h, harness_plugin_path("sqlite"), f->out, NULL), 0);
    assert_int_equal(harness_begin(&h, BG_BUILTIN_TABLE_COUNT, schemas), 0);
    assert_int_equal(harness_document(&h, DOC_A, "reports/a.txt"), 0);
    const bg_table_schema *d = schemas[BG_TABLE_DOCUMENTS];
    bg_cell row[32];
    for (size_t c = 0; c < d->column_count; c++)
        row[c] = cell_null();
    row[bg_column_index(d, "doc_id")] = cell_text(DOC_A);
    assert_int_equal(harness_row(&h, d, row), 0);
    const bg_table_schema *t = schemas[BG_TABLE_TARGETS];
    for (size_t c = 0; c < t->column_count; c++)
        row[c] = cell_null();
    row[bg_column_index(t, "doc_id")] = cell_text(DOC_A);
    row[bg_column_index(t, "seq")] = cell_int(0);
    row[bg_column_index(t, "indicator")] = cell_text("grain_output");
    row[bg_column_index(t, "kind")] = cell_text("level");
    row[bg_column_index(t, "value")] = cell_real(30.5);
    assert_int_equal(harness_row(&h, t, row), 0);
    row[bg_column_index(t, "seq")] = cell_int(1);
    row[bg_column_index(t, "indicator")] = cell_text("x'); DROP TABLE targets; --");
    assert_int_equal(harness_row(&h, t, row), 0);
    assert_int_equal(harness_end(&h, BG_BUILTIN_TABLE_COUNT, schemas, NULL, 1), 0);
    harness_free(&h);
    sqlite3 *db = open_db(f->out);
    assert_query_text(db, "SELECT grain_output_level FROM target_matrix", "30.5");
    /* an indicator that is not an identifier makes no column and no harm */
    assert_int_equal(query_int(db, "SELECT count(*) FROM pragma_table_info('target_matrix')"), 6);
    assert_int_equal(query_int(db, "SELECT count(*) FROM targets"), 2);
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
    assert_int_equal(query_int(db, "PRAGMA user_version"), 1);
    assert_int_equal(query_int(db, "SELECT count(*) FROM runs"), 1);
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
    assert_int_equal(sqlite3_exec(db, "PRAGMA user_version = 2", NULL, NULL, NULL), SQLITE_OK);
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
        sizeof prices, BG_EXPORTER_ABI_MAJOR, BG_EXPORTER_ABI_MINOR, 0, "prices", "价格", NULL, 5, price_columns, NULL};
    const bg_table_schema notes = {
        sizeof notes, BG_EXPORTER_ABI_MAJOR, BG_EXPORTER_ABI_MINOR, 1, "notes", NULL, NULL, 2, note_columns, NULL};
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
    assert_int_equal(query_int(db, "SELECT count(*) FROM bg_gdp_targets"), 2);
    assert_int_equal(
        query_int(db, "SELECT count(*) FROM sqlite_master WHERE name IN ('targets', 'runs', 'gdp_targets')"), 0);
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
        cmocka_unit_test_setup_teardown(test_target_matrix_follows_the_data, setup, teardown),
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
