/* test_cache.c — the cache of unchanged sources (run/cache.h): entries
 * packed and unpacked exactly, damaged entries refused, the file's entries
 * across runs (committed, kept, dropped, rolled back), fingerprints and
 * full refreshes, unusable files moved aside, and what keys and
 * fingerprints depend on. */
#include "run/cache.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <float.h>
#include <math.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Tables: one column of each type, and a second table. ------------------- */

static const bg_column cell_columns[] = {
    {.name = "i", .type = BG_TYPE_INTEGER}, {.name = "r", .type = BG_TYPE_REAL}, {.name = "t", .type = BG_TYPE_TEXT},
    {.name = "d", .type = BG_TYPE_DATE},    {.name = "x", .type = BG_TYPE_TEXT},
};
static const bg_column other_columns[] = {{.name = "k", .type = BG_TYPE_TEXT}, {.name = "v", .type = BG_TYPE_INTEGER}};

#define SCHEMA(idx, nm, cols, n)                                                                                       \
    {                                                                                                                  \
        .struct_size = sizeof(bg_table_schema), .abi_major = BG_EXPORTER_ABI_MAJOR,                                    \
        .abi_minor = BG_EXPORTER_ABI_MINOR, .index = (idx), .name = (nm), .column_count = (n), .columns = (cols)       \
    }

static const bg_table_schema cells_table = SCHEMA(0, "cells", cell_columns, 5);
static const bg_table_schema other_table = SCHEMA(1, "other", other_columns, 2);
/* the same names, one column fewer */
static const bg_table_schema narrow_table = SCHEMA(0, "cells", cell_columns, 4);
static const bg_table_schema *const tables[] = {&cells_table, &other_table};
static const bg_table_schema *const narrow_tables[] = {&narrow_table, &other_table};
static const bg_table_schema *const three_tables[] = {&cells_table, &other_table, &other_table};
#define TABLES 2

/* Documents ---------------------------------------------------------------- */

typedef struct entry {
    bg_source_docs docs;
    bg_rowset **rows;
    bg_log_capture warnings;
} entry;

static void set_doc(bg_source_doc *d, const char *source, const char *doc_id, const char *hash, const char *notice)
{
    memset(d, 0, sizeof *d);
    d->source = strdup(source);
    snprintf(d->doc_id, sizeof d->doc_id, "%s", doc_id);
    snprintf(d->content_hash, sizeof d->content_hash, "%s", hash);
    d->notice = notice ? strdup(notice) : NULL;
    /* not kept: the text and what decoding said of it */
    d->utf8 = strdup("全文");
    d->length = strlen(d->utf8);
    d->encoding = "utf-8";
}

static bg_cell *add_row(bg_rowset *set, size_t table)
{
    bg_cell *cells = bg_rowset_add(set, table);
    assert_non_null(cells);
    return cells;
}

static void text(bg_rowset *set, bg_cell *cell, const char *s)
{
    assert_true(bg_cell_set_text(set, cell, s, strlen(s)));
}

static const int64_t integers[] = {0, 1, -1, INT64_MIN, INT64_MAX, INT64_MIN + 1, 1234567890123LL};
static const char *const texts[] = {"", "a", "十四五规划：GDP 增长5%左右", "𠀀𝄞 four-byte UTF-8",
                                    "line\nbreak\ttab \"quoted\""};

static double reals(size_t i)
{
    const double values[] = {0.0,     -0.0,     DBL_MIN / 2,       DBL_TRUE_MIN, -DBL_TRUE_MIN,
                             DBL_MAX, -DBL_MAX, 3.141592653589793, 8.5};
    return values[i % (sizeof values / sizeof *values)];
}

/* Three documents (one with a notice, one with no rows in a table, one
 * with rows over several of the rowset's blocks when big) and two warnings. */
static void make_entry(entry *e, bool big)
{
    memset(e, 0, sizeof *e);
    e->docs.count = 3;
    e->docs.items = calloc(3, sizeof *e->docs.items);
    e->rows = calloc(3, sizeof *e->rows);
    assert_non_null(e->docs.items);
    assert_non_null(e->rows);
    set_doc(&e->docs.items[0], "reports/2023/beijing.txt", "0123456789abcdef", "fedcba9876543210", NULL);
    set_doc(&e->docs.items[1], "corpus.csv#2", "1111111111111111", "2222222222222222",
            "decoded as GB18030: 3 bytes replaced");
    set_doc(&e->docs.items[2], "中文/报告.html", "aaaaaaaaaaaaaaaa", "bbbbbbbbbbbbbbbb", NULL);
    for (size_t i = 0; i < 3; i++) {
        e->rows[i] = bg_rowset_new(TABLES, tables);
        assert_non_null(e->rows[i]);
    }
    /* doc 0: every cell type, NULLs in every column */
    bg_rowset *set = e->rows[0];
    size_t n = sizeof integers / sizeof *integers;
    for (size_t r = 0; r < n; r++) {
        bg_cell *c = add_row(set, 0);
        bg_cell_set_integer(&c[0], integers[r]);
        bg_cell_set_real(&c[1], reals(r));
        text(set, &c[2], texts[r % (sizeof texts / sizeof *texts)]);
        bg_cell_set_date(&c[3], 1949 + (int)r * 11, 1 + (int)r, 1 + (int)r * 4);
        if (r % 2)
            bg_cell_set_null(&c[4]);
        else
            text(set, &c[4], "x");
    }
    bg_cell *c = add_row(set, 0);
    for (size_t k = 0; k < 5; k++)
        bg_cell_set_null(&c[k]);
    c = add_row(set, 0); /* types need not be the column's */
    text(set, &c[0], "text in an integer column");
    bg_cell_set_integer(&c[2], 42);
    bg_cell_set_real(&c[3], reals(2));
    bg_cell_set_date(&c[4], 2024, 2, 29);
    bg_cell_set_real(&c[1], reals(3));
    /* doc 1: table 0 empty, table 1 two rows */
    for (int r = 0; r < 2; r++) {
        c = add_row(e->rows[1], 1);
        text(e->rows[1], &c[0], r ? "key" : "");
        bg_cell_set_integer(&c[1], r ? INT64_MAX : INT64_MIN);
    }
    /* doc 2: a long text, and when big rows over several blocks */
    char *long_text = malloc(5001);
    assert_non_null(long_text);
    for (size_t k = 0; k < 5000; k++)
        long_text[k] = (char)('a' + k % 26);
    long_text[5000] = '\0';
    c = add_row(e->rows[2], 0);
    text(e->rows[2], &c[2], long_text);
    free(long_text);
    for (size_t r = 0; big && r < 3 * BG_ROWS_PER_BLOCK + 7; r++) {
        c = add_row(e->rows[2], 1);
        char key[32];
        snprintf(key, sizeof key, "row %zu", r);
        text(e->rows[2], &c[0], key);
        bg_cell_set_integer(&c[1], (int64_t)r * -3);
    }
    /* warnings: kind, message pairs */
    const char *warnings[] = {"extract", "reports/2023/beijing.txt: a target without a number", "decode",
                              "corpus.csv#2: 3 bytes replaced"};
    e->warnings.count = 4;
    e->warnings.items = calloc(4, sizeof *e->warnings.items);
    assert_non_null(e->warnings.items);
    for (size_t i = 0; i < 4; i++)
        e->warnings.items[i] = strdup(warnings[i]);
}

static void free_entry(entry *e)
{
    for (size_t i = 0; e->rows && i < e->docs.count; i++)
        bg_rowset_free(e->rows[i]);
    free(e->rows);
    bg_source_docs_free(&e->docs);
    bg_log_capture_free(&e->warnings);
    memset(e, 0, sizeof *e);
}

static void assert_cell_equal(const bg_cell *a, const bg_cell *b)
{
    assert_int_equal(a->type, b->type);
    switch (a->type) {
    case BG_TYPE_NULL: break;
    case BG_TYPE_INTEGER: assert_true(a->as.integer == b->as.integer); break;
    case BG_TYPE_REAL: /* bit for bit: -0.0 and subnormals */
        assert_memory_equal(&a->as.real, &b->as.real, sizeof a->as.real);
        break;
    case BG_TYPE_TEXT:
        assert_int_equal(a->as.text.length, b->as.text.length);
        assert_non_null(b->as.text.data);
        if (a->as.text.length)
            assert_memory_equal(a->as.text.data, b->as.text.data, a->as.text.length);
        break;
    case BG_TYPE_DATE:
        assert_int_equal(a->as.date.year, b->as.date.year);
        assert_int_equal(a->as.date.month, b->as.date.month);
        assert_int_equal(a->as.date.day, b->as.date.day);
        break;
    }
}

static void assert_entry_equal(const entry *a, const entry *b)
{
    assert_int_equal(a->docs.count, b->docs.count);
    for (size_t i = 0; i < a->docs.count; i++) {
        const bg_source_doc *x = &a->docs.items[i], *y = &b->docs.items[i];
        assert_string_equal(x->source, y->source);
        assert_string_equal(x->doc_id, y->doc_id);
        assert_string_equal(x->content_hash, y->content_hash);
        if (x->notice)
            assert_string_equal(x->notice, y->notice);
        else
            assert_null(y->notice);
        assert_null(y->error);
        assert_int_equal(a->rows[i]->table_count, b->rows[i]->table_count);
        for (size_t t = 0; t < a->rows[i]->table_count; t++) {
            size_t n = bg_rowset_count(a->rows[i], t);
            assert_int_equal(bg_rowset_count(b->rows[i], t), n);
            for (size_t r = 0; r < n; r++) {
                const bg_cell *ca = bg_rowset_row(a->rows[i], t, r), *cb = bg_rowset_row(b->rows[i], t, r);
                for (size_t k = 0; k < tables[t]->column_count; k++)
                    assert_cell_equal(&ca[k], &cb[k]);
            }
        }
    }
    assert_int_equal(a->warnings.count, b->warnings.count);
    for (size_t i = 0; i < a->warnings.count; i++)
        assert_string_equal(a->warnings.items[i], b->warnings.items[i]);
}

/* Outputs a refused unpack must leave empty; set to junk first. */
static char junk;
static void junk_outputs(entry *out)
{
    out->docs.items = (bg_source_doc *)&junk;
    out->docs.count = 7;
    out->rows = (bg_rowset **)&junk;
    out->warnings.items = (char **)&junk;
    out->warnings.count = 9;
}

static void assert_outputs_empty(const entry *out)
{
    assert_null(out->docs.items);
    assert_int_equal(out->docs.count, 0);
    assert_null(out->rows);
    assert_null(out->warnings.items);
    assert_int_equal(out->warnings.count, 0);
}

static bool unpack_into(const void *packed, size_t size, size_t table_count, const bg_table_schema *const *schemas,
                        entry *out)
{
    junk_outputs(out);
    bool ok = bg_cache_unpack(packed, size, table_count, schemas, &out->docs, &out->rows, &out->warnings);
    if (!ok)
        assert_outputs_empty(out);
    return ok;
}

/* Packing ------------------------------------------------------------------ */

static void test_pack_unpack_round_trip(void **state)
{
    (void)state;
    for (int big = 0; big <= 1; big++) {
        entry e, back;
        make_entry(&e, big);
        size_t size = 0;
        void *packed = bg_cache_pack(&e.docs, e.rows, &e.warnings, &size);
        assert_non_null(packed);
        assert_true(size > 0);
        /* the unpacked entry owns its strings: the buffer may go first */
        void *copy = malloc(size);
        assert_non_null(copy);
        memcpy(copy, packed, size);
        assert_true(unpack_into(copy, size, TABLES, tables, &back));
        memset(copy, 0xAB, size);
        free(copy);
        assert_entry_equal(&e, &back);
        /* and packs to the same bytes again */
        size_t again_size = 0;
        void *again = bg_cache_pack(&back.docs, back.rows, &back.warnings, &again_size);
        assert_non_null(again);
        assert_int_equal(again_size, size);
        assert_memory_equal(again, packed, size);
        free(again);
        free(packed);
        free_entry(&back);
        free_entry(&e);
    }
}

static void test_pack_without_warnings(void **state)
{
    (void)state;
    entry e, back;
    make_entry(&e, false);
    size_t size = 0;
    void *packed = bg_cache_pack(&e.docs, e.rows, NULL, &size);
    assert_non_null(packed);
    assert_true(unpack_into(packed, size, TABLES, tables, &back));
    assert_int_equal(back.warnings.count, 0);
    bg_log_capture_free(&e.warnings);
    assert_entry_equal(&e, &back);
    free(packed);
    free_entry(&back);
    free_entry(&e);
}

static void test_pack_refuses_failures(void **state)
{
    (void)state;
    entry e;
    make_entry(&e, false);
    size_t size = 12345;
    /* a failed document */
    e.docs.items[1].error = strdup("corpus.csv#2: cannot be decoded");
    assert_null(bg_cache_pack(&e.docs, e.rows, &e.warnings, &size));
    free(e.docs.items[1].error);
    e.docs.items[1].error = NULL;
    /* a document without rows */
    bg_rowset *keep = e.rows[2];
    e.rows[2] = NULL;
    assert_null(bg_cache_pack(&e.docs, e.rows, &e.warnings, &size));
    e.rows[2] = keep;
    /* a warning that could not be kept: the entry would say less than the run did */
    e.warnings.nomem = true;
    assert_null(bg_cache_pack(&e.docs, e.rows, &e.warnings, &size));
    e.warnings.nomem = false;
    void *packed = bg_cache_pack(&e.docs, e.rows, &e.warnings, &size);
    assert_non_null(packed);
    free(packed);
    free_entry(&e);
}

static void test_unpack_rejects_damage(void **state)
{
    (void)state;
    entry e, out;
    make_entry(&e, false);
    size_t size = 0;
    unsigned char *packed = bg_cache_pack(&e.docs, e.rows, &e.warnings, &size);
    assert_non_null(packed);

    /* every truncation, in a buffer of its own size (ASan sees any read past it) */
    for (size_t len = 0; len < size; len++) {
        unsigned char *cut = malloc(len ? len : 1);
        assert_non_null(cut);
        memcpy(cut, packed, len);
        if (unpack_into(cut, len, TABLES, tables, &out))
            fail_msg("a truncation to %zu of %zu bytes was accepted", len, size);
        free(cut);
    }
    /* a byte too many */
    unsigned char *longer = malloc(size + 1);
    assert_non_null(longer);
    memcpy(longer, packed, size);
    longer[size] = 0;
    assert_false(unpack_into(longer, size + 1, TABLES, tables, &out));
    free(longer);
    /* the magic */
    for (size_t k = 0; k < 4; k++) {
        packed[k] ^= 0x20;
        assert_false(unpack_into(packed, size, TABLES, tables, &out));
        packed[k] ^= 0x20;
    }
    /* the tables the run has now differ from those it was packed with */
    assert_false(unpack_into(packed, size, 1, tables, &out));
    assert_false(unpack_into(packed, size, 3, three_tables, &out));
    assert_false(unpack_into(packed, size, TABLES, narrow_tables, &out));
    /* still sound after all that */
    assert_true(unpack_into(packed, size, TABLES, tables, &out));
    assert_entry_equal(&e, &out);
    free_entry(&out);

    /* Every single byte changed: refused, or accepted whole (a value may
     * change into another value); never a crash or a leak. */
    size_t accepted = 0;
    for (size_t k = 0; k < size; k++) {
        for (unsigned flip = 0x01; flip <= 0x80; flip <<= 3) {
            packed[k] ^= (unsigned char)flip;
            if (unpack_into(packed, size, TABLES, tables, &out)) {
                accepted++;
                assert_int_equal(out.docs.count, 3);
                free_entry(&out);
            }
            packed[k] ^= (unsigned char)flip;
        }
    }
    assert_true(accepted < 3 * size);

    /* Garbage, and garbage behind a sound beginning. */
    uint64_t seed = 0x9E3779B97F4A7C15ull;
    unsigned char garbage[512];
    for (int round = 0; round < 3000; round++) {
        size_t len = (size_t)(seed % sizeof garbage);
        for (size_t k = 0; k < len; k++) {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            garbage[k] = (unsigned char)seed;
        }
        size_t prefix = round % 3 == 0 ? 0 : (size_t)(seed >> 32) % (size < len ? size : len + 1);
        if (prefix > len)
            prefix = len;
        memcpy(garbage, packed, prefix);
        if (unpack_into(garbage, len, TABLES, tables, &out))
            fail_msg("garbage of %zu bytes (%zu sound) was accepted", len, prefix);
    }
    free(packed);
    free_entry(&e);
}

/* Files -------------------------------------------------------------------- */

static char temp_dir[64];

static void make_temp_dir(void)
{
    snprintf(temp_dir, sizeof temp_dir, "/tmp/baogao-cache-XXXXXX");
    assert_non_null(mkdtemp(temp_dir));
}

static void remove_tree(const char *dir)
{
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

static unsigned char *read_all(const char *path, size_t *size)
{
    FILE *in = fopen(path, "rb");
    if (!in)
        return NULL;
    unsigned char *data = NULL;
    size_t n = 0, cap = 0;
    int ch;
    while ((ch = fgetc(in)) != EOF) {
        if (n == cap) {
            cap = cap ? cap * 2 : 4096;
            data = realloc(data, cap);
            assert_non_null(data);
        }
        data[n++] = (unsigned char)ch;
    }
    fclose(in);
    *size = n;
    return data ? data : calloc(1, 1);
}

static void write_all(const char *path, const void *data, size_t size)
{
    FILE *out = fopen(path, "wb");
    assert_non_null(out);
    assert_int_equal(fwrite(data, 1, size, out), size);
    assert_int_equal(fclose(out), 0);
}

static void write_text(const char *path, const char *s)
{
    write_all(path, s, strlen(s));
}

#define FP1 "0123456789abcdef"
#define FP2 "fedcba9876543210"
#define KEY_A "aaaaaaaaaaaaaaa1"
#define KEY_B "bbbbbbbbbbbbbbb2"
#define KEY_C "ccccccccccccccc3"

static bg_cache *open_cache(const char *path, const char *fp, bool full_refresh, char *warning, size_t warning_size)
{
    char msg[512] = "";
    bg_cache *c = bg_cache_open(path, fp, full_refresh, warning, warning_size, msg, sizeof msg);
    if (!c)
        fail_msg("bg_cache_open(%s): %s", path, msg);
    return c;
}

static bg_cache *open_clean(const char *path, const char *fp, bool full_refresh)
{
    char warning[512] = "junk";
    bg_cache *c = open_cache(path, fp, full_refresh, warning, sizeof warning);
    assert_string_equal(warning, "");
    return c;
}

static void put_bytes(bg_cache *c, const char *name, const char *key, const void *bytes, size_t size)
{
    char msg[512] = "";
    assert_int_equal(bg_cache_put(c, name, key, bytes, size, msg, sizeof msg), BG_E_OK);
}
/* blobs are arrays (with their 0x00 bytes), their last NUL left out */
#define put(c, name, key, blob) put_bytes(c, name, key, blob, sizeof blob - 1)
#define assert_found(c, name, key, blob) assert_found_bytes(c, name, key, blob, sizeof blob - 1)

static void keep(bg_cache *c, const char *name, const char *key)
{
    char msg[512] = "";
    assert_int_equal(bg_cache_keep(c, name, key, msg, sizeof msg), BG_E_OK);
}

static void commit(bg_cache *c)
{
    char msg[512] = "";
    if (bg_cache_commit(c, msg, sizeof msg) != BG_E_OK)
        fail_msg("commit: %s", msg);
}

static void assert_found_bytes(bg_cache *c, const char *name, const char *key, const void *bytes, size_t want)
{
    size_t size = 0;
    void *found = bg_cache_find(c, name, key, &size);
    if (!found)
        fail_msg("%s under %s not found", name, key);
    assert_int_equal(size, want);
    assert_memory_equal(found, bytes, size);
    free(found);
}

static void assert_missing(bg_cache *c, const char *name, const char *key)
{
    size_t size = 777;
    void *found = bg_cache_find(c, name, key, &size);
    if (found)
        fail_msg("%s under %s found", name, key);
}

/* Entries are binary: bytes 0x00 and 0xff included. */
static const char blob_a[] = "entry of a \xff\x00\x01 after a NUL";
static const char blob_b[] = "entry of b, a little longer";
static const char blob_c[] = "entry of c";

static void test_entries_across_runs(void **state)
{
    (void)state;
    make_temp_dir();
    char path[256];
    snprintf(path, sizeof path, "%s/.baogao/job.cache.sqlite", temp_dir);

    /* run 1: a new file (its folder created), nothing to use yet */
    bg_cache *c = open_clean(path, FP1, false);
    assert_false(bg_cache_ready(c));
    assert_false(bg_cache_stale(c));
    assert_missing(c, "a.txt", KEY_A);
    put(c, "a.txt", KEY_A, blob_a);
    put(c, "b.txt", KEY_B, blob_b);
    commit(c);
    bg_cache_close(c);

    /* run 2: same fingerprint, both found; another key or name finds nothing */
    c = open_clean(path, FP1, false);
    assert_true(bg_cache_ready(c));
    assert_false(bg_cache_stale(c));
    assert_found(c, "a.txt", KEY_A, blob_a);
    assert_found(c, "b.txt", KEY_B, blob_b);
    assert_missing(c, "a.txt", KEY_B);
    assert_missing(c, "b.txt", KEY_A);
    assert_missing(c, "c.txt", KEY_A);
    assert_missing(c, "A.TXT", KEY_A);
    /* a is kept, c is new, b is not delivered */
    keep(c, "a.txt", KEY_A);
    put(c, "c.txt", KEY_C, blob_c);
    /* what the run writes is not found before it commits */
    assert_missing(c, "c.txt", KEY_C);
    assert_found(c, "b.txt", KEY_B, blob_b);
    commit(c);
    bg_cache_close(c);

    c = open_clean(path, FP1, false);
    assert_true(bg_cache_ready(c));
    assert_found(c, "a.txt", KEY_A, blob_a);
    assert_found(c, "c.txt", KEY_C, blob_c);
    assert_missing(c, "b.txt", KEY_B);
    commit(c); /* nothing kept nor put: every entry goes */
    bg_cache_close(c);
    c = open_clean(path, FP1, false);
    assert_missing(c, "a.txt", KEY_A);
    assert_missing(c, "c.txt", KEY_C);
    put(c, "a.txt", KEY_A, blob_a);
    put(c, "c.txt", KEY_C, blob_c);
    commit(c);
    bg_cache_close(c);

    /* a run that does not commit: the file as it was, to the byte */
    size_t before_size = 0, after_size = 0;
    unsigned char *before = read_all(path, &before_size);
    assert_non_null(before);
    c = open_clean(path, FP1, false);
    put(c, "a.txt", KEY_A, "a changed entry");
    /* the workers still find what the last run committed */
    put(c, "d.txt", KEY_B, blob_b);
    assert_found(c, "a.txt", KEY_A, blob_a);
    /* c is neither kept nor put */
    bg_cache_close(c);
    unsigned char *after = read_all(path, &after_size);
    assert_non_null(after);
    assert_int_equal(after_size, before_size);
    assert_memory_equal(after, before, before_size);
    free(after);
    c = open_clean(path, FP1, false);
    assert_found(c, "a.txt", KEY_A, blob_a);
    assert_found(c, "c.txt", KEY_C, blob_c);
    assert_missing(c, "d.txt", KEY_B);
    bg_cache_close(c);
    after = read_all(path, &after_size);
    assert_int_equal(after_size, before_size);
    assert_memory_equal(after, before, before_size);
    free(after);
    free(before);

    /* another fingerprint: stale, nothing found, only its own entries after */
    c = open_clean(path, FP2, false);
    assert_true(bg_cache_stale(c));
    assert_false(bg_cache_ready(c));
    assert_missing(c, "a.txt", KEY_A);
    assert_missing(c, "c.txt", KEY_C);
    put(c, "b.txt", KEY_B, blob_b);
    keep(c, "a.txt", KEY_A); /* a keep under another fingerprint brings nothing back */
    commit(c);
    bg_cache_close(c);
    c = open_clean(path, FP2, false);
    assert_true(bg_cache_ready(c));
    assert_false(bg_cache_stale(c));
    assert_found(c, "b.txt", KEY_B, blob_b);
    assert_missing(c, "a.txt", KEY_A);
    assert_missing(c, "c.txt", KEY_C);
    bg_cache_close(c);
    /* and the first fingerprint now finds the file stale */
    c = open_clean(path, FP1, false);
    assert_true(bg_cache_stale(c));
    assert_missing(c, "b.txt", KEY_B);
    bg_cache_close(c);

    /* --full-refresh: nothing found; not committed, the file keeps its entries */
    c = open_clean(path, FP2, true);
    assert_false(bg_cache_ready(c));
    assert_false(bg_cache_stale(c));
    assert_missing(c, "b.txt", KEY_B);
    bg_cache_close(c);
    c = open_clean(path, FP2, false);
    assert_found(c, "b.txt", KEY_B, blob_b);
    bg_cache_close(c);
    /* committed, it holds what the refresh wrote */
    c = open_clean(path, FP2, true);
    put(c, "c.txt", KEY_C, blob_c);
    commit(c);
    bg_cache_close(c);
    c = open_clean(path, FP2, false);
    assert_found(c, "c.txt", KEY_C, blob_c);
    assert_missing(c, "b.txt", KEY_B);
    bg_cache_close(c);
    remove_tree(temp_dir);
}

/* Workers find entries side by side while the main thread writes. */
typedef struct finder {
    bg_cache *c;
    int misses;
} finder;

static void *find_many(void *arg)
{
    finder *f = arg;
    for (int i = 0; i < 300; i++) {
        const char *name = i % 2 ? "a.txt" : "b.txt";
        const char *key = i % 2 ? KEY_A : KEY_B;
        const char *want = i % 2 ? blob_a : blob_b;
        size_t size = 0;
        void *found = bg_cache_find(f->c, name, key, &size);
        size_t want_size = i % 2 ? sizeof blob_a - 1 : sizeof blob_b - 1;
        if (!found || size != want_size || memcmp(found, want, size) != 0)
            f->misses++;
        free(found);
    }
    return NULL;
}

static void test_find_from_several_threads(void **state)
{
    (void)state;
    make_temp_dir();
    char path[256];
    snprintf(path, sizeof path, "%s/job.cache.sqlite", temp_dir);
    bg_cache *c = open_clean(path, FP1, false);
    put(c, "a.txt", KEY_A, blob_a);
    put(c, "b.txt", KEY_B, blob_b);
    commit(c);
    bg_cache_close(c);
    c = open_clean(path, FP1, false);
    finder finders[4];
    pthread_t threads[4];
    for (int t = 0; t < 4; t++) {
        finders[t] = (finder){.c = c};
        assert_int_equal(pthread_create(&threads[t], NULL, find_many, &finders[t]), 0);
    }
    for (int i = 0; i < 200; i++) {
        char name[32];
        snprintf(name, sizeof name, "new%d.txt", i);
        put(c, name, KEY_C, blob_c);
    }
    keep(c, "a.txt", KEY_A);
    keep(c, "b.txt", KEY_B);
    for (int t = 0; t < 4; t++) {
        pthread_join(threads[t], NULL);
        assert_int_equal(finders[t].misses, 0);
    }
    commit(c);
    bg_cache_close(c);
    c = open_clean(path, FP1, false);
    assert_found(c, "new199.txt", KEY_C, blob_c);
    assert_found(c, "a.txt", KEY_A, blob_a);
    bg_cache_close(c);
    remove_tree(temp_dir);
}

/* A file at the path that is not a cache: moved aside intact, with one
 * warning naming it, and a new cache works in its place. */
static void assert_moved_aside_and_rebuilt(const char *path)
{
    size_t size = 0, bad_size = 0;
    unsigned char *bytes = read_all(path, &size);
    assert_non_null(bytes);
    char warning[1024] = "";
    bg_cache *c = open_cache(path, FP1, false, warning, sizeof warning);
    if (!strstr(warning, path))
        fail_msg("warning \"%s\" does not name %s", warning, path);
    assert_null(strchr(warning, '\n'));
    assert_false(bg_cache_ready(c));
    assert_missing(c, "a.txt", KEY_A);
    char bad[300];
    snprintf(bad, sizeof bad, "%s.bad", path);
    assert_non_null(strstr(warning, bad));
    unsigned char *moved = read_all(bad, &bad_size);
    assert_non_null(moved);
    assert_int_equal(bad_size, size);
    assert_memory_equal(moved, bytes, size);
    free(moved);
    free(bytes);
    put(c, "a.txt", KEY_A, blob_a);
    commit(c);
    bg_cache_close(c);
    c = open_clean(path, FP1, false);
    assert_true(bg_cache_ready(c));
    assert_found(c, "a.txt", KEY_A, blob_a);
    bg_cache_close(c);
}

static void test_unusable_files_moved_aside(void **state)
{
    (void)state;
    make_temp_dir();
    char path[256];

    /* garbage */
    snprintf(path, sizeof path, "%s/garbage.sqlite", temp_dir);
    char garbage[3000];
    for (size_t k = 0; k < sizeof garbage; k++)
        garbage[k] = (char)(k * 131 + 7);
    write_all(path, garbage, sizeof garbage);
    assert_moved_aside_and_rebuilt(path);

    /* an empty file */
    snprintf(path, sizeof path, "%s/empty.sqlite", temp_dir);
    write_all(path, "", 0);
    char warning[1024] = "";
    bg_cache *c = open_cache(path, FP1, false, warning, sizeof warning);
    bg_cache_close(c);

    /* someone else's SQLite database */
    snprintf(path, sizeof path, "%s/foreign.sqlite", temp_dir);
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db,
                                  "CREATE TABLE notes(x TEXT); INSERT INTO notes VALUES('mine');"
                                  "CREATE TABLE entries(name TEXT, key TEXT, packed BLOB);",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_close(db);
    assert_moved_aside_and_rebuilt(path);

    /* a cache of another format */
    snprintf(path, sizeof path, "%s/older.sqlite", temp_dir);
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db,
                                  "CREATE TABLE baogao_cache(format TEXT, fingerprint TEXT);"
                                  "INSERT INTO baogao_cache VALUES('baogao-cache 0', '" FP1 "');",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_close(db);
    assert_moved_aside_and_rebuilt(path);
    remove_tree(temp_dir);
}

/* Keys and fingerprints ---------------------------------------------------- */

static void test_key_depends_on_hash_and_decode_options(void **state)
{
    (void)state;
    char encoding[] = "gb18030", format[] = "csv", text_column[] = "text", text_field[] = "body.text",
         title_column[] = "title", region_column[] = "region", year_column[] = "year", url_column[] = "url",
         delimiter[] = ";", json_path[] = "sources[0]", path[] = "/data/corpus.csv", other[] = "other";
    bg_source_config s = {.json_path = json_path,
                          .path = path,
                          .encoding = encoding,
                          .format = format,
                          .text_column = text_column,
                          .text_field = text_field,
                          .title_column = title_column,
                          .region_column = region_column,
                          .year_column = year_column,
                          .url_column = url_column,
                          .delimiter = delimiter};
    const char hash[17] = "0123456789abcdef", other_hash[17] = "0123456789abcdee";
    char base[17], key[17];
    bg_cache_key(&s, hash, base);
    assert_int_equal(strlen(base), 16);
    assert_int_equal(strspn(base, "0123456789abcdef"), 16);
    bg_cache_key(&s, hash, key);
    assert_string_equal(key, base);
    bg_cache_key(&s, other_hash, key);
    assert_string_not_equal(key, base);

    char **options[] = {&s.encoding,      &s.format,      &s.text_column, &s.text_field, &s.title_column,
                        &s.region_column, &s.year_column, &s.url_column,  &s.delimiter};
    char seen[2 * sizeof options / sizeof *options + 1][17];
    size_t seen_count = 0;
    memcpy(seen[seen_count++], base, 17);
    for (size_t i = 0; i < sizeof options / sizeof *options; i++) {
        char *value = *options[i];
        char *variants[] = {other, NULL};
        for (size_t v = 0; v < 2; v++) {
            *options[i] = variants[v];
            bg_cache_key(&s, hash, key);
            /* differs from the base and from every other change */
            for (size_t k = 0; k < seen_count; k++)
                if (!strcmp(key, seen[k]))
                    fail_msg("option %zu set to %s gives a key seen before", i, variants[v] ? variants[v] : "NULL");
            memcpy(seen[seen_count++], key, 17);
        }
        *options[i] = value;
        bg_cache_key(&s, hash, key);
        assert_string_equal(key, base);
    }
    /* the options' boundaries count: "ab"+"c" is not "a"+"bc" */
    char ab[] = "ab", c[] = "c", a[] = "a", bc[] = "bc";
    char k1[17], k2[17];
    s.encoding = ab;
    s.format = c;
    bg_cache_key(&s, hash, k1);
    s.encoding = a;
    s.format = bc;
    bg_cache_key(&s, hash, k2);
    assert_string_not_equal(k1, k2);
    s.encoding = encoding;
    s.format = format;
    /* where the source sits in the config is not how it is decoded */
    char moved[] = "sources[3]";
    s.json_path = moved;
    bg_cache_key(&s, hash, key);
    assert_string_equal(key, base);
}

static void test_fingerprint_follows_rules_and_divisions(void **state)
{
    (void)state;
    make_temp_dir();
    char rules[256], divisions[256];
    snprintf(rules, sizeof rules, "%s/rules.json", temp_dir);
    snprintf(divisions, sizeof divisions, "%s/divisions.tsv", temp_dir);
    write_text(rules, "{\"targets\": [\"GDP\"]}");
    write_text(divisions, "110000\t北京市\n");
    bg_config config = {.rules_path = rules, .divisions_path = divisions};
    char msg[512] = "", base[17], fp[17];
    assert_int_equal(bg_cache_fingerprint(&config, base, msg, sizeof msg), BG_E_OK);
    assert_int_equal(strlen(base), 16);
    assert_int_equal(strspn(base, "0123456789abcdef"), 16);
    assert_int_equal(bg_cache_fingerprint(&config, fp, msg, sizeof msg), BG_E_OK);
    assert_string_equal(fp, base);

    /* one byte of the rules */
    write_text(rules, "{\"targets\": [\"GDQ\"]}");
    assert_int_equal(bg_cache_fingerprint(&config, fp, msg, sizeof msg), BG_E_OK);
    assert_string_not_equal(fp, base);
    write_text(rules, "{\"targets\": [\"GDP\"]}");
    assert_int_equal(bg_cache_fingerprint(&config, fp, msg, sizeof msg), BG_E_OK);
    assert_string_equal(fp, base);
    /* the divisions */
    write_text(divisions, "110000\t北京市\n120000\t天津市\n");
    assert_int_equal(bg_cache_fingerprint(&config, fp, msg, sizeof msg), BG_E_OK);
    assert_string_not_equal(fp, base);
    /* bytes moved from one file to the other */
    write_text(rules, "AB");
    write_text(divisions, "C");
    char ab_c[17];
    assert_int_equal(bg_cache_fingerprint(&config, ab_c, msg, sizeof msg), BG_E_OK);
    write_text(rules, "A");
    write_text(divisions, "BC");
    assert_int_equal(bg_cache_fingerprint(&config, fp, msg, sizeof msg), BG_E_OK);
    assert_string_not_equal(fp, ab_c);
    /* the extract section and the limits */
    char with_extract[17];
    config.extract = cJSON_Parse("{\"keywords\": {\"top\": 10}}");
    assert_non_null(config.extract);
    assert_int_equal(bg_cache_fingerprint(&config, with_extract, msg, sizeof msg), BG_E_OK);
    assert_string_not_equal(with_extract, fp);
    cJSON_Delete(config.extract);
    config.extract = cJSON_Parse("{\"keywords\": {\"top\": 11}}");
    assert_int_equal(bg_cache_fingerprint(&config, fp, msg, sizeof msg), BG_E_OK);
    assert_string_not_equal(with_extract, fp);
    cJSON_Delete(config.extract);
    config.extract = NULL;
    config.limits.rows_per_document = 1000;
    assert_int_equal(bg_cache_fingerprint(&config, fp, msg, sizeof msg), BG_E_OK);
    char limited[17];
    memcpy(limited, fp, 17);
    config.limits.rows_per_document = 1001;
    assert_int_equal(bg_cache_fingerprint(&config, fp, msg, sizeof msg), BG_E_OK);
    assert_string_not_equal(fp, limited);

    /* a rules file that cannot be read: an error naming it */
    unlink(rules);
    assert_int_equal(bg_cache_fingerprint(&config, fp, msg, sizeof msg), BG_E_IO);
    assert_non_null(strstr(msg, rules));
    remove_tree(temp_dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pack_unpack_round_trip),
        cmocka_unit_test(test_pack_without_warnings),
        cmocka_unit_test(test_pack_refuses_failures),
        cmocka_unit_test(test_unpack_rejects_damage),
        cmocka_unit_test(test_entries_across_runs),
        cmocka_unit_test(test_find_from_several_threads),
        cmocka_unit_test(test_unusable_files_moved_aside),
        cmocka_unit_test(test_key_depends_on_hash_and_decode_options),
        cmocka_unit_test(test_fingerprint_follows_rules_and_divisions),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
