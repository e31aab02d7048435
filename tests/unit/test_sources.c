/* test_sources.c — sources are listed in sorted path order whatever the file
 * system's order, with include/exclude globs; CSV containers give one row per
 * report with mapped columns. */
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
    assert_int_equal(bg_sources_list(&c, &list, msg, sizeof msg), BG_E_OK);
    assert_int_equal(list.count, 3);
    assert_string_equal(rel(list.files[0].path), "a.html");
    assert_string_equal(rel(list.files[1].path), "c.txt");
    assert_string_equal(rel(list.files[2].path), "sub/b.txt");
    bg_source_list_free(&list);

    s.recursive = false;
    assert_int_equal(bg_sources_list(&c, &list, msg, sizeof msg), BG_E_OK);
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
    assert_int_equal(bg_sources_list(&c, &list, msg, sizeof msg), BG_E_OK);
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
    bg_csv_rows rows;
    char msg[256];
    assert_int_equal(bg_csv_read(csv, strlen(csv), "c.csv", &s, &rows, msg, sizeof msg), BG_E_OK);
    assert_int_equal(rows.count, 2);
    assert_int_equal(rows.rows[0].row, 1);
    assert_string_equal(rows.rows[0].text, "第一行\n第二行，含\"引号\"");
    assert_string_equal(rows.rows[0].title, "甲县政府工作报告");
    assert_int_equal(rows.rows[0].year, 2023);
    assert_string_equal(rows.rows[1].text, "短文本");
    bg_csv_rows_free(&rows);

    s.text_column = "body";
    assert_int_equal(bg_csv_read(csv, strlen(csv), "c.csv", &s, &rows, msg, sizeof msg), BG_E_CONFIG);
    assert_string_equal(msg, "c.csv: text_column: no column 'body' (found: id, title, year, text)");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_folder_sorted_recursive_with_excludes),
        cmocka_unit_test(test_glob_and_duplicates),
        cmocka_unit_test(test_csv_container),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
