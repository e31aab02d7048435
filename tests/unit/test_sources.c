/* test_sources.c — sources are listed in sorted path order whatever the file
 * system's order, with include/exclude globs; CSV containers give one row per
 * report with mapped columns. */
#include "source/corpus.h"
#include "source/read.h"
#include "source/sources.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[64];

static void touch(const char *rel)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, rel);
    FILE *f = fopen(path, "w");
    fputs("x", f);
    fclose(f);
}

static int setup(void **state)
{
    (void)state;
    strcpy(dir, "/tmp/baogao-sources-XXXXXX");
    if (!mkdtemp(dir))
        return -1;
    char sub[128];
    snprintf(sub, sizeof sub, "%s/sub", dir);
    mkdir(sub, 0777);
    /* Created out of order on purpose. */
    touch("c.txt");
    touch("a.html");
    touch("sub/b.txt");
    touch("skip.log");
    touch("draft-1.txt");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd);
}

static const char *rel(const char *path)
{
    return path + strlen(dir) + 1;
}

static void test_folder_sorted_recursive_with_excludes(void **state)
{
    (void)state;
    char *exclude[] = {"draft-*"};
    bg_source_config s = {.json_path = "sources[0]",
                          .path = dir,
                          .recursive = true,
                          .exclude = exclude,
                          .exclude_count = 1,
                          .encoding = "auto",
                          .format = "auto"};
    bg_config c = {.sources = &s, .source_count = 1};
    bg_source_list list;
    char msg[256];
    assert_int_equal(bg_sources_list(&c, NULL, &list, msg, sizeof msg), BG_E_OK);
    assert_int_equal(list.count, 3);
    assert_string_equal(rel(list.files[0].path), "a.html");
    assert_string_equal(rel(list.files[1].path), "c.txt");
    assert_string_equal(rel(list.files[2].path), "sub/b.txt");
    bg_source_list_free(&list);

    s.recursive = false;
    assert_int_equal(bg_sources_list(&c, NULL, &list, msg, sizeof msg), BG_E_OK);
    assert_int_equal(list.count, 2);
    bg_source_list_free(&list);
}

static void test_glob_and_duplicates(void **state)
{
    (void)state;
    char pattern[128], file[128];
    snprintf(pattern, sizeof pattern, "%s/*.txt", dir);
    snprintf(file, sizeof file, "%s/c.txt", dir);
    bg_source_config s[2] = {
        {.json_path = "sources[0]", .path = pattern, .is_glob = true, .encoding = "auto", .format = "auto"},
        {.json_path = "sources[1]", .path = file, .encoding = "auto", .format = "auto"},
    };
    bg_config c = {.sources = s, .source_count = 2};
    bg_source_list list;
    char msg[256];
    assert_int_equal(bg_sources_list(&c, NULL, &list, msg, sizeof msg), BG_E_OK);
    assert_int_equal(list.count, 2); /* c.txt once */
    assert_string_equal(rel(list.files[0].path), "c.txt");
    assert_string_equal(rel(list.files[1].path), "draft-1.txt");
    bg_source_list_free(&list);
}

static void test_csv_container(void **state)
{
    (void)state;
    const char *csv = "\xEF\xBB\xBFid,title,year,text\n"
                      "1,\"甲县政府工作报告\",2023,\"第一行\n第二行，含\"\"引号\"\"\"\n"
                      "2,乙县,2022,短文本\n";
    bg_source_config s = {.json_path = "sources[0]",
                          .text_column = "text",
                          .title_column = "title",
                          .year_column = "year",
                          .delimiter = ","};
    bg_corpus_rows rows;
    char msg[256];
    assert_int_equal(bg_csv_read(csv, strlen(csv), "c.csv", &s, &rows, msg, sizeof msg), BG_E_OK);
    assert_int_equal(rows.count, 2);
    assert_int_equal(rows.rows[0].row, 1);
    assert_string_equal(rows.rows[0].text, "第一行\n第二行，含\"引号\"");
    assert_string_equal(rows.rows[0].title, "甲县政府工作报告");
    assert_int_equal(rows.rows[0].year, 2023);
    assert_string_equal(rows.rows[1].text, "短文本");
    bg_corpus_rows_free(&rows);

    s.text_column = "body";
    assert_int_equal(bg_csv_read(csv, strlen(csv), "c.csv", &s, &rows, msg, sizeof msg), BG_E_CONFIG);
    assert_string_equal(msg, "c.csv: text_column: no column 'body' (found: id, title, year, text)");
}

/* A symlink loop adds nothing; a folder that cannot be opened and a FIFO are
 * failed sources, not a stopped job or a blocked one. */
static void test_loops_fifos_and_unreadable_folders(void **state)
{
    (void)state;
    char root[128], path[256], target[256];
    snprintf(root, sizeof root, "%s/odd", dir);
    mkdir(root, 0777);
    snprintf(path, sizeof path, "%s/a", root);
    mkdir(path, 0777);
    snprintf(path, sizeof path, "%s/a/report.txt", root);
    FILE *f = fopen(path, "w");
    fputs("x", f);
    fclose(f);
    /* a/loop -> .. and a/self -> . : two loops */
    snprintf(path, sizeof path, "%s/a/loop", root);
    assert_int_equal(symlink("..", path), 0);
    snprintf(path, sizeof path, "%s/a/self", root);
    assert_int_equal(symlink(".", path), 0);
    snprintf(path, sizeof path, "%s/pipe.txt", root);
    assert_int_equal(mkfifo(path, 0600), 0);
    snprintf(target, sizeof target, "%s/locked", root);
    mkdir(target, 0000);
    bg_source_config s = {.json_path = "sources[0]", .path = root, .recursive = true, .encoding = "auto",
                          .format = "auto"};
    bg_config c = {.sources = &s, .source_count = 1, .dir = dir};
    bg_source_list list;
    char msg[256];
    assert_int_equal(bg_sources_list(&c, NULL, &list, msg, sizeof msg), BG_E_OK);
    size_t reports = 0, failed = 0;
    bool fifo = false, locked = false;
    for (size_t i = 0; i < list.count; i++) {
        if (list.files[i].error) {
            failed++;
            fifo = fifo || strstr(list.files[i].error, "a FIFO") != NULL;
            locked = locked || strstr(list.files[i].error, "cannot open folder") != NULL;
        } else {
            reports++;
            assert_non_null(strstr(list.files[i].path, "report.txt"));
            assert_string_equal(list.files[i].name, "odd/a/report.txt"); /* relative to the config's folder */
        }
    }
    assert_int_equal(reports, 1);
    assert_true(fifo);
    /* root ignores permissions: the locked folder is then simply empty */
    if (geteuid() != 0)
        assert_true(locked);
    assert_int_equal(failed, geteuid() != 0 ? 2 : 1);
    bg_source_list_free(&list);
    chmod(target, 0700);
}

/* A stray quote fails its own row, with the row and line, and the rows
 * after it are read; a ragged row and an unterminated last quote too. */
static void test_csv_broken_rows(void **state)
{
    (void)state;
    const char *csv = "id,text\n"
                      "1,\"第一份报告\n两行\"\n"
                      "2,\"第二份 \" 引号没有成对\"\n"
                      "3,\"第三份\"\n"
                      "4,多,一列\n"
                      "5,\"第五份没有结束\n";
    bg_source_config s = {.json_path = "sources[0]", .text_column = "text", .delimiter = ","};
    bg_corpus_rows rows;
    char msg[256];
    assert_int_equal(bg_csv_read(csv, strlen(csv), "c.csv", &s, &rows, msg, sizeof msg), BG_E_OK);
    assert_int_equal(rows.count, 5);
    assert_null(rows.rows[0].error);
    assert_string_equal(rows.rows[0].text, "第一份报告\n两行");
    assert_non_null(rows.rows[1].error);
    assert_non_null(strstr(rows.rows[1].error, "c.csv: row 2 (line 4)"));
    assert_null(rows.rows[2].error);
    assert_string_equal(rows.rows[2].text, "第三份");
    assert_int_equal(rows.rows[2].line, 5);
    assert_non_null(rows.rows[3].error);
    assert_non_null(strstr(rows.rows[3].error, "3 fields where the header has 2"));
    assert_non_null(rows.rows[4].error);
    assert_non_null(strstr(rows.rows[4].error, "never closed"));
    bg_corpus_rows_free(&rows);
}

/* JSON Lines: one record per line, its text and mapped fields (nested with
 * a.b, a year as a number or a string); blank lines hold nothing; a line that
 * is not JSON, not an object, or lacks its text fails alone, naming its line,
 * and the lines after it are read. */
static void test_jsonl_corpus(void **state)
{
    (void)state;
    const char *jsonl = "\xEF\xBB\xBF{\"id\": 1, \"text\": \"第一行\\n第二行，含\\\"引号\\\"\", "
                        "\"meta\": {\"title\": \"甲县政府工作报告\", \"year\": 2023}, \"url\": null}\r\n"
                        "\n"
                        "{\"id\": 2, \"text\": \"短文本\", \"meta\": {\"title\": \"乙县\", \"year\": \"2022\"}}\n"
                        "{\"id\": 3, \"text\": \"断了\n"
                        "[\"an\", \"array\"]\n"
                        "{\"id\": 5, \"body\": \"字段名不对\"}\n"
                        "{\"id\": 6, \"text\": 42}\n"
                        "{\"id\": 7, \"text\": \"第七份\", \"meta\": {\"title\": [1]}}\n"
                        "{\"id\": 8, \"text\": \"最后一份\"}";
    bg_source_config s = {.json_path = "sources[0]",
                          .format = "jsonl",
                          .text_field = "text",
                          .title_column = "meta.title",
                          .year_column = "meta.year",
                          .url_column = "url"};
    bg_corpus_rows rows;
    char msg[256];
    assert_int_equal(bg_jsonl_read(jsonl, strlen(jsonl), "c.jsonl", &s, &rows, msg, sizeof msg), BG_E_OK);
    assert_int_equal(rows.count, 8);
    assert_null(rows.rows[0].error);
    assert_int_equal(rows.rows[0].line, 1);
    assert_string_equal(rows.rows[0].text, "第一行\n第二行，含\"引号\"");
    assert_string_equal(rows.rows[0].title, "甲县政府工作报告");
    assert_int_equal(rows.rows[0].year, 2023);
    assert_null(rows.rows[0].url);
    assert_int_equal(rows.rows[1].line, 3); /* the blank line 2 holds no record */
    assert_string_equal(rows.rows[1].text, "短文本");
    assert_int_equal(rows.rows[1].year, 2022);
    static const char *const errors[] = {"c.jsonl: line 4: not JSON", "c.jsonl: line 5: a JSON array",
                                         "c.jsonl: line 6: no field \"text\"",
                                         "c.jsonl: line 7: the field \"text\" (text_field) is not a string",
                                         "c.jsonl: line 8: the field \"meta.title\" (columns.title)"};
    for (size_t i = 0; i < 5; i++) {
        assert_non_null(rows.rows[2 + i].error);
        assert_non_null(strstr(rows.rows[2 + i].error, errors[i]));
        assert_null(rows.rows[2 + i].text);
    }
    assert_null(rows.rows[7].error);
    assert_int_equal(rows.rows[7].line, 9);
    assert_string_equal(rows.rows[7].text, "最后一份");
    bg_corpus_rows_free(&rows);
    /* nothing but blank lines: the file fails as a whole */
    assert_int_equal(bg_jsonl_read("\n \n", 3, "e.jsonl", &s, &rows, msg, sizeof msg), BG_E_DECODE);
    assert_string_equal(msg, "e.jsonl: empty JSON Lines file (no record)");
}

/* A file listed and then gone (moved by a sync job) is one failed source. */
static void test_vanished_source(void **state)
{
    (void)state;
    char path[256];
    snprintf(path, sizeof path, "%s/gone.txt", dir);
    bg_source_config s = {.json_path = "sources[0]", .encoding = "auto", .format = "auto"};
    bg_source_file file = {.path = path, .name = "gone.txt", .config = &s};
    bg_source_docs docs;
    assert_int_equal(bg_source_read(&file, NULL, &docs), BG_E_OK);
    assert_int_equal(docs.count, 1);
    assert_non_null(docs.items[0].error);
    assert_non_null(strstr(docs.items[0].error, "gone.txt: cannot read: No such file or directory"));
    bg_source_docs_free(&docs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_folder_sorted_recursive_with_excludes),
        cmocka_unit_test(test_glob_and_duplicates),
        cmocka_unit_test(test_csv_container),
        cmocka_unit_test(test_loops_fifos_and_unreadable_folders),
        cmocka_unit_test(test_csv_broken_rows),
        cmocka_unit_test(test_jsonl_corpus),
        cmocka_unit_test(test_vanished_source),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
