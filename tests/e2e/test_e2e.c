/* test_e2e.c — runs the baogao program as a user would and reads every
 * output back: CSV with libcsv, JSON with cJSON, SQLite with sqlite3, XLSX by
 * unzipping it and reading the sheet XML. Also the failure paths: bad config,
 * unknown plugin, wrong ABI, a plugin failing in write_row (exit 3, previous
 * outputs unchanged) and a concurrent run (exit 75). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <cjson/cJSON.h>
#include <csv.h>
#include <dirent.h>
#include <stdbool.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define BAOGAO BG_TEST_BINARY_DIR "/baogao"
#define SAMPLES BG_TEST_SOURCE_DIR "/samples/reports"
#define FIXTURES BG_TEST_BINARY_DIR "/tests/fixtures/plugins"

static char work[128];
static char err_text[65536];

static char *slurp(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    size_t got = fread(buf, 1, (size_t)n, f);
    fclose(f);
    buf[got] = '\0';
    if (size)
        *size = got;
    return buf;
}

/* Runs a shell command; stderr is kept in err_text; returns the exit code. */
static int run(const char *format, ...)
{
    char cmd[4096], full[4300];
    va_list ap;
    va_start(ap, format);
    vsnprintf(cmd, sizeof cmd, format, ap);
    va_end(ap);
    snprintf(full, sizeof full, "%s 2>%s/stderr.txt", cmd, work);
    int status = system(full);
    char path[256];
    snprintf(path, sizeof path, "%s/stderr.txt", work);
    char *e = slurp(path, NULL);
    snprintf(err_text, sizeof err_text, "%s", e ? e : "");
    free(e);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static const char *write_file(const char *name, const char *text)
{
    static char path[256];
    snprintf(path, sizeof path, "%s/%s", work, name);
    FILE *f = fopen(path, "w");
    fputs(text, f);
    fclose(f);
    return path;
}

/* A job over the samples with the given exporters JSON. */
static const char *job(const char *name, const char *exporters, const char *extra)
{
    char json[4096];
    snprintf(json, sizeof json, "{\"job\":\"%s\",\"sources\":[{\"path\":\"%s\"}],\"exporters\":%s%s%s}", name, SAMPLES,
             exporters, extra ? "," : "", extra ? extra : "");
    char file[64];
    snprintf(file, sizeof file, "%s.json", name);
    return write_file(file, json);
}

static int setup(void **state)
{
    (void)state;
    strcpy(work, "/tmp/baogao-e2e-XXXXXX");
    return mkdtemp(work) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", work);
    return system(cmd);
}

/* CSV reading with libcsv: counts rows and remembers one column's values. */
typedef struct csv_read {
    size_t rows, field;
    long want_column;
    char header[64][64];
    size_t header_count;
    char values[64][256];
} csv_read;

static void csv_field(void *data, size_t len, void *user)
{
    csv_read *r = user;
    if (r->rows == 0 && r->header_count < 64)
        snprintf(r->header[r->header_count++], 64, "%.*s", (int)len, (char *)data);
    else if ((long)r->field == r->want_column && r->rows > 0 && r->rows <= 64)
        snprintf(r->values[r->rows - 1], 256, "%.*s", (int)len, (char *)data);
    r->field++;
}

static void csv_row(int c, void *user)
{
    (void)c;
    csv_read *r = user;
    r->rows++;
    r->field = 0;
}

static csv_read read_csv(const char *path, long want_column)
{
    csv_read r = {.want_column = want_column};
    size_t size = 0;
    char *text = slurp(path, &size);
    if (!text)
        fail_msg("missing %s", path);
    struct csv_parser p;
    csv_init(&p, CSV_STRICT);
    size_t skip = size >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3) ? 3 : 0;
    assert_int_equal(csv_parse(&p, text + skip, size - skip, csv_field, csv_row, &r), size - skip);
    csv_fini(&p, csv_field, csv_row, &r);
    csv_free(&p);
    free(text);
    return r;
}

static long sql_count(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        fail_msg("%s: %s", sql, sqlite3_errmsg(db));
    long n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
    sqlite3_finalize(st);
    return n;
}

static const char *all_four =
    "[{\"plugin\":\"csv\",\"output\":\"out/{job}-csv\"},{\"plugin\":\"json\",\"output\":\"out/{job}.json\"},"
    "{\"plugin\":\"sqlite\",\"output\":\"out/{job}.sqlite\"},{\"plugin\":\"xlsx\",\"output\":\"out/{job}.xlsx\"}]";

static void test_sample_job_all_outputs(void **state)
{
    (void)state;
    const char *config = job("sample", all_four, NULL);
    int rc = run("cd / && %s run -c %s -q --no-progress", BAOGAO, config);
    if (rc != 0)
        fail_msg("exit %d: %s", rc, err_text);
    char path[256];

    /* CSV: documents.csv has a header and five rows; the doc ids are 16 hex digits. */
    snprintf(path, sizeof path, "%s/out/sample-csv/documents.csv", work);
    csv_read docs = read_csv(path, 0);
    assert_int_equal(docs.rows, 6);
    assert_string_equal(docs.header[0], "doc_id");
    assert_int_equal(strlen(docs.values[0]), 16);
    snprintf(path, sizeof path, "%s/out/sample-csv/targets.csv", work);
    csv_read targets = read_csv(path, 7);
    assert_string_equal(targets.header[0], "province"); /* the identity columns first (excel profile) */
    assert_string_equal(targets.header[7], "indicator");
    assert_true(targets.rows > 20);

    /* JSON: tables.documents has five objects with the contract's columns. */
    snprintf(path, sizeof path, "%s/out/sample.json", work);
    char *text = slurp(path, NULL);
    assert_non_null(text);
    cJSON *root = cJSON_Parse(text);
    assert_non_null(root);
    assert_string_equal(cJSON_GetObjectItem(root, "job")->valuestring, "sample");
    cJSON *tables = cJSON_GetObjectItem(root, "tables");
    cJSON *documents = cJSON_GetObjectItem(tables, "documents");
    assert_int_equal(cJSON_GetArraySize(documents), 5);
    bool found_region = false;
    cJSON *d;
    cJSON_ArrayForEach(d, documents)
    {
        cJSON *region = cJSON_GetObjectItem(d, "region");
        if (cJSON_IsString(region) && !strcmp(region->valuestring, "株洲市芦淞区"))
            found_region = true;
    }
    assert_true(found_region);
    assert_true(cJSON_GetArraySize(cJSON_GetObjectItem(tables, "targets")) == (int)targets.rows - 1);
    /* Every export names an indicator the same way, whatever the wording. */
    bool labelled = false;
    cJSON *t;
    cJSON_ArrayForEach(t, cJSON_GetObjectItem(tables, "targets"))
    {
        if (!strcmp(cJSON_GetObjectItem(t, "indicator_text")->valuestring, "GDP")) {
            assert_string_equal(cJSON_GetObjectItem(t, "indicator")->valuestring, "gdp");
            assert_string_equal(cJSON_GetObjectItem(t, "indicator_label")->valuestring, "地区生产总值");
            labelled = true;
        }
    }
    assert_true(labelled);
    cJSON_Delete(root);
    free(text);

    /* SQLite: typed tables, the same counts. */
    snprintf(path, sizeof path, "%s/out/sample.sqlite", work);
    sqlite3 *db;
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    assert_int_equal(sql_count(db, "select count(*) from documents"), 5);
    assert_int_equal(sql_count(db, "select count(*) from targets"), (long)targets.rows - 1);
    assert_int_equal(sql_count(db, "select count(*) from targets where typeof(value) not in ('real','null')"), 0);
    assert_true(
        sql_count(db, "select count(*) from targets where indicator='gdp' and value=8 and qualifier='at_least'") >= 1);
    sqlite3_close(db);

    /* XLSX: a zip with one sheet per table; shared strings hold the text. */
    snprintf(path, sizeof path, "%s/out/sample.xlsx", work);
    assert_int_equal(run("unzip -p %s xl/workbook.xml > %s/wb.xml", path, work), 0);
    snprintf(path, sizeof path, "%s/wb.xml", work);
    text = slurp(path, NULL);
    assert_non_null(strstr(text, "name=\"documents\""));
    assert_non_null(strstr(text, "name=\"targets\""));
    free(text);
    snprintf(path, sizeof path, "%s/out/sample.xlsx", work);
    assert_int_equal(run("unzip -p %s xl/sharedStrings.xml > %s/ss.xml", path, work), 0);
    snprintf(path, sizeof path, "%s/ss.xml", work);
    text = slurp(path, NULL);
    assert_non_null(strstr(text, "株洲市芦淞区"));
    free(text);

    /* No temporary files are left behind. */
    assert_int_equal(run("find %s/out -name '*baogao-tmp*' | grep -q .", work), 1);
}

static void test_check_and_bad_config(void **state)
{
    (void)state;
    const char *good = job("checked", "[{\"plugin\":\"json\",\"output\":\"out/c.json\"}]", NULL);
    assert_int_equal(run("%s check -c %s", BAOGAO, good), 0);
    const char *bad = write_file("bad.json", "{\"sources\":[\"nowhere\"],\"exporters\":[{\"plugin\":\"csv\","
                                             "\"output\":\"o\",\"options\":{\"bom\":\"yes\"}}],\"plugin_dri\":\"p\"}");
    assert_int_equal(run("%s check -c %s", BAOGAO, bad), 2);
    assert_non_null(strstr(err_text, "plugin_dri: unknown key (did you mean 'plugin_dir'?)"));
    assert_non_null(strstr(err_text, "sources[0].path:"));
    assert_int_equal(run("%s run -c %s", BAOGAO, bad), 2);
    /* Options are checked by the plugin's declarations once the shape is fine. */
    const char *bad_option =
        job("badopt", "[{\"plugin\":\"csv\",\"output\":\"o\",\"options\":{\"bom\":\"yes\"}}]", NULL);
    assert_int_equal(run("%s check -c %s", BAOGAO, bad_option), 2);
    assert_non_null(strstr(err_text, "exporters[0].options.bom: expected true or false, got \"yes\""));
}

static void test_unknown_plugin(void **state)
{
    (void)state;
    const char *config =
        job("unknown", "[{\"plugin\":\"csv\",\"output\":\"o\"},{\"plugin\":\"xslx\",\"output\":\"x\"}]", NULL);
    assert_int_equal(run("BAOGAO_PLUGIN_PATH= %s run -c %s", BAOGAO, config), 2);
    assert_non_null(strstr(err_text, "exporters[1].plugin: no plugin 'xslx' (found: csv, json, sqlite, xlsx)"));
}

static void test_wrong_abi_plugin(void **state)
{
    (void)state;
    char extra[512];
    snprintf(extra, sizeof extra, "\"plugin_dir\":\"%s\"", FIXTURES);
    const char *config = job("abi", "[{\"plugin\":\"wrong_major\",\"output\":\"out/w\"}]", extra);
    assert_int_equal(run("%s run -c %s", BAOGAO, config), 2);
    assert_non_null(strstr(err_text, "exporter ABI 2, this baogao speaks ABI 1"));
    char path[256];
    snprintf(path, sizeof path, "%s/out/w", work);
    assert_int_not_equal(access(path, F_OK), 0); /* nothing written */
}

static void test_failing_plugin_leaves_previous_outputs(void **state)
{
    (void)state;
    char extra[512];
    snprintf(extra, sizeof extra, "\"plugin_dir\":\"%s\"", FIXTURES);
    const char *ok =
        job("keep", "[{\"plugin\":\"csv\",\"output\":\"out/keep\"},{\"plugin\":\"json\",\"output\":\"out/keep.json\"}]",
            NULL);
    assert_int_equal(run("%s run -q -c %s", BAOGAO, ok), 0);
    char csv_path[256], json_path[256];
    snprintf(csv_path, sizeof csv_path, "%s/out/keep/targets.csv", work);
    snprintf(json_path, sizeof json_path, "%s/out/keep.json", work);
    size_t csv_size, json_size;
    char *csv_before = slurp(csv_path, &csv_size);
    char *json_before = slurp(json_path, &json_size);
    assert_non_null(csv_before);
    assert_non_null(json_before);
    /* Same outputs, plus a plugin that fails in write_row. */
    const char *failing =
        job("keep",
            "[{\"plugin\":\"csv\",\"output\":\"out/keep\"},{\"plugin\":\"json\",\"output\":\"out/keep.json\"},"
            "{\"plugin\":\"fail_write\",\"output\":\"out/fail.txt\"}]",
            extra);
    assert_int_equal(run("%s run -c %s", BAOGAO, failing), 3);
    assert_non_null(strstr(err_text, "fail_write"));
    assert_non_null(strstr(err_text, "refusing row"));
    assert_non_null(strstr(err_text, "table "));
    size_t csv_after_size, json_after_size;
    char *csv_after = slurp(csv_path, &csv_after_size);
    char *json_after = slurp(json_path, &json_after_size);
    assert_int_equal(csv_size, csv_after_size);
    assert_memory_equal(csv_before, csv_after, csv_size);
    assert_int_equal(json_size, json_after_size);
    assert_memory_equal(json_before, json_after, json_size);
    char fail_path[256];
    snprintf(fail_path, sizeof fail_path, "%s/out/fail.txt", work);
    assert_int_not_equal(access(fail_path, F_OK), 0);
    assert_int_equal(run("find %s/out -name '*baogao-tmp*' | grep -q .", work), 1);
    free(csv_before);
    free(csv_after);
    free(json_before);
    free(json_after);
}

static void test_concurrent_run_exits_75(void **state)
{
    (void)state;
    const char *config = job("locked", "[{\"plugin\":\"json\",\"output\":\"out/l.json\"}]", "\"lock\":\"locked.lock\"");
    char lock_path[256];
    snprintf(lock_path, sizeof lock_path, "%s/locked.lock", work);
    int fd = open(lock_path, O_RDWR | O_CREAT, 0644);
    assert_true(fd >= 0);
    assert_int_equal(flock(fd, LOCK_EX), 0);
    char pid[32];
    int n = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
    assert_int_equal(write(fd, pid, (size_t)n), n);
    assert_int_equal(run("%s run -c %s", BAOGAO, config), 75);
    char expect[64];
    snprintf(expect, sizeof expect, "(pid %ld)", (long)getpid());
    assert_non_null(strstr(err_text, expect));
    close(fd);
    assert_int_equal(run("%s run -q -c %s", BAOGAO, config), 0);
}

static void test_dry_run_writes_nothing(void **state)
{
    (void)state;
    const char *config = job("dry", "[{\"plugin\":\"json\",\"output\":\"out/dry.json\"}]", NULL);
    assert_int_equal(run("%s run --dry-run -c %s", BAOGAO, config), 0);
    char path[256];
    snprintf(path, sizeof path, "%s/out/dry.json", work);
    assert_int_not_equal(access(path, F_OK), 0);
    assert_non_null(strstr(err_text, "summary: job dry, 5 sources seen, 5 documents"));
}

static void test_csv_container_and_failed_source(void **state)
{
    (void)state;
    write_file("corpus.csv",
               "id,标题,正文\n1,某县政府工作报告,\"某县2023年政府工作报告\n主要预期目标是：地区生产总值增长6%左右。\"\n"
               "2,另一份,\"第二份报告，\n多行文本。\"\n");
    char json[1024];
    snprintf(json, sizeof json,
             "{\"job\":\"corpus\",\"sources\":[{\"path\":\"corpus.csv\",\"format\":\"csv\",\"text_column\":\"正文\","
             "\"columns\":{\"title\":\"标题\"}},{\"path\":\"missing.txt\"}],"
             "\"exporters\":[{\"plugin\":\"json\",\"output\":\"out/corpus.json\"}]}");
    const char *config = write_file("corpus.json", json);
    /* A missing source is a config error... */
    assert_int_equal(run("%s run -c %s", BAOGAO, config), 2);
    assert_non_null(strstr(err_text, "sources[1].path:"));
    /* ...a good CSV container gives one document per row... */
    snprintf(
        json, sizeof json,
        "{\"job\":\"corpus\",\"sources\":[{\"path\":\"corpus.csv\",\"format\":\"csv\",\"text_column\":\"正文\","
        "\"columns\":{\"title\":\"标题\"}}],\"exporters\":[{\"plugin\":\"json\",\"output\":\"out/corpus.json\"}]}");
    config = write_file("corpus.json", json);
    assert_int_equal(run("%s run -q -c %s", BAOGAO, config), 0);
    char path[256];
    snprintf(path, sizeof path, "%s/out/corpus.json", work);
    char *text = slurp(path, NULL);
    cJSON *root = cJSON_Parse(text);
    cJSON *docs = cJSON_GetObjectItem(cJSON_GetObjectItem(root, "tables"), "documents");
    assert_int_equal(cJSON_GetArraySize(docs), 2);
    cJSON *first = cJSON_GetArrayItem(docs, 0);
    assert_non_null(strstr(cJSON_GetObjectItem(first, "source")->valuestring, "corpus.csv#1"));
    assert_string_equal(cJSON_GetObjectItem(first, "format")->valuestring, "csv");
    cJSON_Delete(root);
    free(text);

    snprintf(json, sizeof json,
             "{\"job\":\"corpus\",\"sources\":[{\"path\":\"corpus.csv\",\"format\":\"csv\",\"text_column\":\"text\"}],"
             "\"exporters\":[{\"plugin\":\"json\",\"output\":\"out/corpus2.json\"}]}");
    config = write_file("corpus.json", json);
    /* ...and a wrong column fails that source, naming the columns found:
     * with no document left the guard publishes nothing (exit 4)... */
    assert_int_equal(run("%s run -c %s", BAOGAO, config), 4);
    assert_non_null(strstr(err_text, "no column 'text' (found: id, 标题, 正文)"));
    assert_non_null(strstr(err_text, "guard: 0 documents"));
    snprintf(path, sizeof path, "%s/out/corpus2.json", work);
    assert_int_equal(access(path, F_OK), -1);
    /* ...unless told to (exit 1, outputs written without the failed source) */
    assert_int_equal(run("%s run --allow-shrink -c %s", BAOGAO, config), 1);
    assert_int_equal(access(path, F_OK), 0);
}

/* A JSON Lines corpus (as dataset hubs publish them): one document per
 * line, named file.jsonl#line, with the mapped fields as hints; a broken
 * line is a failed source naming its line (exit 1) and the others are read;
 * config mistakes name the key. */
static void test_jsonl_corpus(void **state)
{
    (void)state;
    write_file("corpus.jsonl",
               "{\"id\":1,\"meta\":{\"region\":\"临朐县\",\"year\":2023},\"content\":\"临朐县2023年政府工作报告\\n"
               "主要预期目标是：地区生产总值增长6%左右。\"}\n"
               "{\"id\":2,\"content\":\"第二份报告，\\n多行文本。\"\n"
               "{\"id\":3,\"content\":\"第三份报告：一般公共预算收入增长5%。\"}\n");
    const char *config = write_file(
        "jsonl.json", "{\"job\":\"jsonl\",\"sources\":[{\"path\":\"corpus.jsonl\",\"format\":\"jsonl\","
                      "\"text_field\":\"content\",\"columns\":{\"region\":\"meta.region\",\"year\":\"meta.year\"}}],"
                      "\"exporters\":[{\"plugin\":\"json\",\"output\":\"out/jsonl.json\"}]}");
    assert_int_equal(run("%s run -q -c %s", BAOGAO, config), 1);
    assert_non_null(strstr(err_text, "corpus.jsonl: line 2: not JSON"));
    char path[256];
    snprintf(path, sizeof path, "%s/out/jsonl.json", work);
    char *text = slurp(path, NULL);
    cJSON *root = cJSON_Parse(text);
    cJSON *docs = cJSON_GetObjectItem(cJSON_GetObjectItem(root, "tables"), "documents");
    assert_int_equal(cJSON_GetArraySize(docs), 2);
    cJSON *first = cJSON_GetArrayItem(docs, 0);
    assert_non_null(strstr(cJSON_GetObjectItem(first, "source")->valuestring, "corpus.jsonl#1"));
    assert_string_equal(cJSON_GetObjectItem(first, "format")->valuestring, "jsonl");
    assert_string_equal(cJSON_GetObjectItem(first, "region")->valuestring, "临朐县");
    assert_int_equal(cJSON_GetObjectItem(first, "plan_year")->valueint, 2023);
    assert_non_null(strstr(cJSON_GetObjectItem(cJSON_GetArrayItem(docs, 1), "source")->valuestring,
                           "corpus.jsonl#3"));
    cJSON *targets = cJSON_GetObjectItem(cJSON_GetObjectItem(root, "tables"), "targets");
    assert_true(cJSON_GetArraySize(targets) >= 1);
    cJSON_Delete(root);
    free(text);
    /* no text_field, or a CSV key on JSON Lines: a config error naming it */
    config = write_file("jsonl.json", "{\"job\":\"jsonl\",\"sources\":[{\"path\":\"corpus.jsonl\",\"format\":"
                                      "\"jsonl\",\"text_column\":\"content\"}],"
                                      "\"exporters\":[{\"plugin\":\"json\",\"output\":\"out/jsonl.json\"}]}");
    assert_int_equal(run("%s check -c %s", BAOGAO, config), 2);
    assert_non_null(strstr(err_text, "sources[0].text_field: required when format is \"jsonl\""));
    assert_non_null(strstr(err_text, "sources[0].text_column: applies only to format \"csv\""));
}

static void test_extract_command(void **state)
{
    (void)state;
    char out[256];
    snprintf(out, sizeof out, "%s/extract.json", work);
    assert_int_equal(run("%s extract %s/001_8b242355d6154d07.txt > %s", BAOGAO, SAMPLES, out), 0);
    char *text = slurp(out, NULL);
    cJSON *root = cJSON_Parse(text);
    assert_non_null(root);
    cJSON *targets = cJSON_GetObjectItem(cJSON_GetObjectItem(root, "tables"), "targets");
    assert_true(cJSON_GetArraySize(targets) >= 7);
    cJSON_Delete(root);
    free(text);
}

/* SIGTERM mid-run: exit 130, the previous output untouched, no temp files. */
static void test_sigterm_leaves_previous_outputs(void **state)
{
    (void)state;
    assert_int_equal(run("mkdir -p %s/big && for i in $(seq 1 600); do for f in %s/*.txt; do "
                         "{ cat \"$f\"; echo \"copy $i\"; } > %s/big/$(basename \"$f\" .txt)_$i.txt; done; done",
                         work, SAMPLES, work),
                     0);
    const char *config = write_file("sig.json", "{\"job\":\"sig\",\"sources\":[\"big\"],\"jobs\":1,"
                                                "\"exporters\":[{\"plugin\":\"json\",\"output\":\"out/sig.json\"}]}");
    char out_path[256];
    snprintf(out_path, sizeof out_path, "%s/out", work);
    mkdir(out_path, 0777);
    snprintf(out_path, sizeof out_path, "%s/out/sig.json", work);
    FILE *f = fopen(out_path, "w");
    fputs("previous", f);
    fclose(f);
    pid_t child = fork();
    if (child == 0) {
        int null = open("/dev/null", O_WRONLY);
        dup2(null, 2);
        execl(BAOGAO, BAOGAO, "run", "-q", "--no-progress", "-c", config, (char *)NULL);
        _exit(127);
    }
    usleep(300 * 1000);
    kill(child, SIGTERM);
    int status;
    waitpid(child, &status, 0);
    assert_true(WIFEXITED(status));
    if (WEXITSTATUS(status) == 0)
        skip(); /* the machine finished 3000 documents in 0.3 s: nothing to interrupt */
    assert_int_equal(WEXITSTATUS(status), 130);
    char *text = slurp(out_path, NULL);
    assert_string_equal(text, "previous");
    free(text);
    assert_int_equal(run("find %s/out -name '*baogao-tmp*' | grep -q .", work), 1);
}

static void test_help_and_version(void **state)
{
    (void)state;
    char out[256];
    snprintf(out, sizeof out, "%s/help.txt", work);
    assert_int_equal(run("%s --help > %s", BAOGAO, out), 0);
    char *text = slurp(out, NULL);
    assert_non_null(strstr(text, "exit codes"));
    free(text);
    assert_int_equal(run("%s --version > %s", BAOGAO, out), 0);
    assert_int_equal(run("%s frobnicate", BAOGAO), 2);
    assert_non_null(strstr(err_text, "unknown command 'frobnicate'"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sample_job_all_outputs),
        cmocka_unit_test(test_check_and_bad_config),
        cmocka_unit_test(test_unknown_plugin),
        cmocka_unit_test(test_wrong_abi_plugin),
        cmocka_unit_test(test_failing_plugin_leaves_previous_outputs),
        cmocka_unit_test(test_concurrent_run_exits_75),
        cmocka_unit_test(test_dry_run_writes_nothing),
        cmocka_unit_test(test_csv_container_and_failed_source),
        cmocka_unit_test(test_jsonl_corpus),
        cmocka_unit_test(test_extract_command),
        cmocka_unit_test(test_sigterm_leaves_previous_outputs),
        cmocka_unit_test(test_help_and_version),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
