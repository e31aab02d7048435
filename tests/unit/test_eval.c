/* test_eval.c — the scoring of `baogao eval`: a wrong or missing target
 * lowers recall (outcomes likewise, on indicator, value and year), an extra
 * one (also in a document whose gold has none)
 * lowers precision, thresholds decide `passed` and the verdict (none
 * without them), empty categories are n/a, a malformed gold file is
 * reported key by key with its JSON path (every gold file of tests/gold
 * passes the check), and documents come from a folder and its subfolders or
 * from a job's sources (a folder and a CSV corpus) by their source names. */
#include "eval.h"
#include "gold.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static bg_rules *rules;

/* A scratch folder of its own, emptied at the start, so that looking for a
 * document never walks the whole build tree. */
#define SCRATCH BG_TEST_BINARY_DIR "/test_eval_docs"

static int setup(void **state)
{
    (void)state;
    if (system("rm -rf '" SCRATCH "'") != 0)
        return -1;
    bg_problems problems = {0};
    rules = bg_rules_load(BG_TEST_SOURCE_DIR "/config/rules/gov_work_report.json",
                          BG_TEST_SOURCE_DIR "/config/rules/divisions.csv", NULL, "extract", &problems);
    bg_problems_free(&problems);
    return rules ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    bg_rules_free(rules);
    return 0;
}

static const char *write_gold(const char *name, const char *json)
{
    static char path[512];
    snprintf(path, sizeof path, "%s/%s", BG_TEST_BINARY_DIR, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(json, f);
    fclose(f);
    return path;
}

static const char *write_file(const char *relative, const char *text)
{
    static char path[1024];
    snprintf(path, sizeof path, "%s/%s", SCRATCH, relative);
    for (char *p = path + strlen(SCRATCH) + 1; *p; p++)
        if (*p == '/') {
            *p = '\0';
            mkdir(path, 0777);
            *p = '/';
        }
    mkdir(SCRATCH, 0777);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    return path;
}

static bg_error run(const char *json, double min_p, double min_r, int *passed, bg_eval_score *s, char *msg)
{
    const char *path = write_gold("test_eval_gold.json", json);
    mkdir(SCRATCH, 0777);
    bg_eval_thresholds th = {min_p, min_r, 0, false};
    return bg_eval_run_scored(rules, path, SCRATCH, &th, NULL, passed, s, msg, 256);
}

/* The report of a run with thresholds th (malloc'ed). */
static char *report_of(const char *json, bg_eval_thresholds th, int *passed)
{
    const char *path = write_gold("test_eval_gold.json", json);
    char *text = NULL, msg[256];
    size_t size = 0;
    FILE *report = open_memstream(&text, &size);
    assert_non_null(report);
    bg_error e = bg_eval_run_scored(rules, path, SCRATCH, &th, report, passed, NULL, msg, sizeof msg);
    fclose(report);
    if (e != BG_E_OK)
        fprintf(stderr, "%s\n", msg);
    assert_int_equal(e, BG_E_OK);
    return text;
}

/* The line of the report that starts with name. */
static const char *line_of(const char *report, const char *name)
{
    static char line[256];
    for (const char *p = report; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
        if (!strncmp(p, name, strlen(name)) && p[strlen(name)] == ' ') {
            size_t n = strcspn(p, "\n");
            snprintf(line, sizeof line, "%.*s", (int)n, p);
            return line;
        }
    fail_msg("no line '%s' in:\n%s", name, report);
    return NULL;
}

static bool has_word(const char *text, const char *word)
{
    for (const char *p = strstr(text, word); p; p = strstr(p + 1, word)) {
        bool before = p == text || p[-1] == ' ' || p[-1] == '\n';
        char after = p[strlen(word)];
        if (before && (after == '\0' || after == ' ' || after == '\n'))
            return true;
    }
    return false;
}

static const bg_eval_thresholds no_thresholds = {BG_EVAL_NONE, BG_EVAL_NONE, BG_EVAL_NONE, false};

#define DOC(text, targets)                                                                                             \
    "{\"format\": \"baogao-gold/1\", \"documents\": {\"a.txt\": {\"text\": "                                           \
    "\"" text "\", \"targets\": " targets "}}}"

static void test_perfect(void **state)
{
    (void)state;
    int passed;
    bg_eval_score s;
    char msg[256];
    assert_int_equal(
        run(DOC("主要预期目标是：地区生产总值增长7%左右。", "[{\"indicator\": \"gdp\", \"kind\": \"growth\", "
                                                            "\"value\": 7, \"qualifier\": \"about\", "
                                                            "\"unit\": \"%\"}]"),
            1, 1, &passed, &s, msg),
        BG_E_OK);
    assert_true(passed);
    assert_int_equal(s.targets_matched, 1);
    assert_int_equal(s.field_correct, s.field_total);
}

static void test_wrong_qualifier_is_a_miss(void **state)
{
    (void)state;
    int passed;
    bg_eval_score s;
    char msg[256];
    assert_int_equal(
        run(DOC("主要预期目标是：地区生产总值增长7%左右。", "[{\"indicator\": \"gdp\", \"kind\": \"growth\", "
                                                            "\"value\": 7, \"qualifier\": \"at_least\"}]"),
            1, 1, &passed, &s, msg),
        BG_E_OK);
    assert_false(passed);
    assert_int_equal(s.targets_matched, 0);
    assert_int_equal(s.targets_found, 1);
    /* thresholds of 0 accept it */
    assert_int_equal(
        run(DOC("主要预期目标是：地区生产总值增长7%左右。", "[{\"indicator\": \"gdp\", \"kind\": \"growth\", "
                                                            "\"value\": 7, \"qualifier\": \"at_least\"}]"),
            0, 0, &passed, &s, msg),
        BG_E_OK);
    assert_true(passed);
}

#define OUTCOME_DOC(outcomes)                                                                                          \
    "{\"format\": \"baogao-gold/1\", \"documents\": {\"o.txt\": {\"text\": "                                           \
    "\"2022年政府工作报告\\n2021年，全市地区生产总值增长8.2%，固定资产投资增长6.5%。\", \"outcomes\": " outcomes "}}}"

/* Outcomes are scored on indicator, value and year: a wrong year or value
 * is a miss and an extra, a document whose gold has no outcomes key is not
 * scored for them, and thresholds apply to them as to targets. */
static void test_outcomes_scored(void **state)
{
    (void)state;
    int passed;
    bg_eval_score s;
    char msg[256];
    assert_int_equal(run(OUTCOME_DOC("[{\"indicator\": \"gdp\", \"value\": 8.2, \"year\": 2021},"
                                     " {\"indicator\": \"fixed_asset_investment\", \"value\": 6.5, \"year\": 2021}]"),
                         1, 1, &passed, &s, msg),
                     BG_E_OK);
    assert_true(passed);
    assert_int_equal(s.outcomes_gold, 2);
    assert_int_equal(s.outcomes_found, 2);
    assert_int_equal(s.outcomes_matched, 2);
    /* the wrong year: a miss and an extra, below the thresholds */
    assert_int_equal(run(OUTCOME_DOC("[{\"indicator\": \"gdp\", \"value\": 8.2, \"year\": 2022},"
                                     " {\"indicator\": \"fixed_asset_investment\", \"value\": 6.5, \"year\": 2021}]"),
                         1, 1, &passed, &s, msg),
                     BG_E_OK);
    assert_false(passed);
    assert_int_equal(s.outcomes_matched, 1);
    assert_int_equal(s.outcomes_found, 2);
    /* the wrong value */
    assert_int_equal(run(OUTCOME_DOC("[{\"indicator\": \"gdp\", \"value\": 8, \"year\": 2021}]"), 0, 0, &passed, &s,
                         msg),
                     BG_E_OK);
    assert_int_equal(s.outcomes_matched, 0);
    /* no outcomes key: not scored */
    assert_int_equal(run(DOC("2022年政府工作报告\\n2021年，全市地区生产总值增长8.2%。", "[]"), 1, 1, &passed, &s, msg),
                     BG_E_OK);
    assert_int_equal(s.outcomes_found, 0);
    assert_int_equal(s.outcomes_gold, 0);
}

static void test_empty_gold_must_yield_none(void **state)
{
    (void)state;
    int passed;
    bg_eval_score s;
    char msg[256];
    assert_int_equal(run(DOC("主要预期目标是：地区生产总值增长7%左右。", "[]"), 1, 1, &passed, &s, msg), BG_E_OK);
    assert_false(passed); /* precision 0 of 1 */
    assert_int_equal(s.targets_found, 1);
    assert_int_equal(s.targets_gold, 0);
}

static void test_bad_gold(void **state)
{
    (void)state;
    int passed;
    char msg[256];
    assert_int_equal(run("{\"format\": \"other\"}", 1, 1, &passed, NULL, msg), BG_E_GOLD);
    assert_non_null(strstr(msg, "test_eval_gold.json"));
    assert_non_null(strstr(msg, "baogao-gold/1"));
    assert_int_equal(run("{\"format\": \"baogao-gold/1\", \"documents\": "
                         "{\"missing.txt\": {\"targets\": []}}}",
                         1, 1, &passed, NULL, msg),
                     BG_E_IO);
    assert_non_null(strstr(msg, "missing.txt"));
}

#define WRONG_QUALIFIER                                                                                                \
    DOC("主要预期目标是：地区生产总值增长7%左右。", "[{\"indicator\": \"gdp\", \"kind\": \"growth\", "                 \
                                                    "\"value\": 7, \"qualifier\": \"at_least\"}]")
#define RIGHT                                                                                                          \
    DOC("主要预期目标是：地区生产总值增长7%左右。", "[{\"indicator\": \"gdp\", \"kind\": \"growth\", "                 \
                                                    "\"value\": 7, \"qualifier\": \"about\"}]")

/* Without a threshold: the figures (precision 0 here), no verdict word, and
 * nothing counts as failed. */
static void test_no_thresholds_no_verdict(void **state)
{
    (void)state;
    int passed = 0;
    char *report = report_of(WRONG_QUALIFIER, no_thresholds, &passed);
    assert_true(passed);
    assert_non_null(strstr(line_of(report, "targets"), "0.000"));
    assert_false(has_word(report, "PASS"));
    assert_false(has_word(report, "FAIL"));
    assert_false(has_word(report, "ok"));
    assert_false(has_word(report, "BELOW"));
    free(report);
    assert_false(bg_eval_has_thresholds(&no_thresholds));
}

/* With thresholds each figure is compared: FAIL below, PASS when met. */
static void test_thresholds_give_a_verdict(void **state)
{
    (void)state;
    int passed = 1;
    bg_eval_thresholds th = {0.5, BG_EVAL_NONE, BG_EVAL_NONE, false};
    char *report = report_of(WRONG_QUALIFIER, th, &passed);
    assert_false(passed);
    assert_true(has_word(line_of(report, "targets"), "BELOW"));
    assert_true(has_word(report, "FAIL"));
    assert_false(has_word(report, "PASS"));
    free(report);
    report = report_of(RIGHT, th, &passed);
    assert_true(passed);
    assert_true(has_word(line_of(report, "targets"), "ok"));
    assert_true(has_word(report, "PASS"));
    assert_false(has_word(report, "FAIL"));
    /* no field threshold: the field lines carry no mark */
    assert_false(has_word(line_of(report, "indicator_text"), "ok"));
    free(report);
    /* a recall threshold alone fails a missed target too */
    th = (bg_eval_thresholds){BG_EVAL_NONE, 1, BG_EVAL_NONE, false};
    report = report_of(WRONG_QUALIFIER, th, &passed);
    assert_false(passed);
    assert_true(has_word(report, "FAIL"));
    free(report);
}

/* Categories the gold has nothing for are n/a, never ok, never failed. */
static void test_empty_categories_are_na(void **state)
{
    (void)state;
    int passed = 0;
    bg_eval_thresholds all = {1, 1, 1, false};
    char *report = report_of(RIGHT, all, &passed);
    assert_true(passed);
    const char *lists = line_of(report, "lists");
    assert_true(has_word(lists, "n/a"));
    assert_null(strstr(lists, "1.000"));
    assert_false(has_word(lists, "ok"));
    assert_true(has_word(line_of(report, "value_max"), "n/a"));
    assert_false(has_word(line_of(report, "value_max"), "ok"));
    assert_true(has_word(line_of(report, "meta fields"), "n/a"));
    free(report);
    /* a document without targets whose gold has none: targets n/a too */
    report = report_of(DOC("今年要做好民生工作。", "[]"), all, &passed);
    assert_true(passed);
    const char *targets = line_of(report, "targets");
    assert_non_null(strstr(targets, "n/a     n/a"));
    assert_false(has_word(targets, "ok"));
    assert_true(has_word(report, "PASS"));
    free(report);
}

static bool has_problem(const bg_problems *p, const char *text)
{
    for (size_t i = 0; i < p->count; i++)
        if (strstr(p->items[i], text))
            return true;
    return false;
}

/* A misspelt key is named with the key meant, wherever it is. */
static void test_gold_misspelt_key(void **state)
{
    (void)state;
    const char *path = write_gold("test_eval_keys.json",
                                  "{\"format\": \"baogao-gold/1\", \"documents\": {\"a.txt\": {\"text\": \"x\", "
                                  "\"targts\": [], \"meta\": {\"plan_yeer\": 2023}, \"sections\": [{\"levl\": 0, "
                                  "\"number\": \"一、\", \"title\": \"t\"}]}}, \"abuot\": \"\"}");
    bg_problems p = {0};
    cJSON *gold = NULL;
    assert_int_equal(bg_gold_read(path, &gold, &p), BG_E_GOLD);
    assert_null(gold);
    for (size_t i = 0; i < p.count; i++)
        fprintf(stderr, "%s\n", p.items[i]);
    assert_true(
        has_problem(&p, "test_eval_keys.json: documents[\"a.txt\"].targts: unknown key (did you mean 'targets'?)"));
    assert_true(has_problem(&p, "documents[\"a.txt\"].meta.plan_yeer: unknown key (did you mean 'plan_year'?)"));
    assert_true(has_problem(&p, "documents[\"a.txt\"].sections[0].levl: unknown key (did you mean 'level'?)"));
    assert_true(has_problem(&p, "documents[\"a.txt\"].sections[0].level: missing (an integer)"));
    assert_true(has_problem(&p, "abuot: unknown key (did you mean 'about'?)"));
    assert_int_equal(p.count, 5);
    bg_problems_free(&p);
}

/* Wrong types: a string where a number belongs, and others, all at once,
 * each on one line with its path and what was expected. */
static void test_gold_wrong_types(void **state)
{
    (void)state;
    const char *path =
        write_gold("test_eval_types.json",
                   "{\"format\": \"baogao-gold/1\", \"documents\": {\"a.txt\": {\"text\": \"x\", \"targets\": "
                   "[{\"indicator\": \"gdp\", \"kind\": \"growth\", \"value\": \"7\", \"qualifier\": \"about\"}], "
                   "\"meta\": {\"plan_year\": \"2023\", \"report_date\": \"2023-1-5\"}, \"lists\": {\"name\": \"x\"}, "
                   "\"boilerplate_absent\": [\"a\", 3]}, \"b.txt\": [1]}}");
    bg_problems p = {0};
    cJSON *gold = NULL;
    assert_int_equal(bg_gold_read(path, &gold, &p), BG_E_GOLD);
    for (size_t i = 0; i < p.count; i++)
        fprintf(stderr, "%s\n", p.items[i]);
    assert_true(has_problem(&p, "documents[\"a.txt\"].targets[0].value: expected a number or null, got \"7\""));
    assert_true(has_problem(&p, "documents[\"a.txt\"].meta.plan_year: expected an integer or null, got \"2023\""));
    assert_true(has_problem(&p, "documents[\"a.txt\"].meta.report_date: expected a date \"YYYY-MM-DD\" or null"));
    assert_true(has_problem(&p, "documents[\"a.txt\"].lists: expected an array of objects, got"));
    assert_true(has_problem(&p, "documents[\"a.txt\"].boilerplate_absent[1]: expected a string, got 3"));
    assert_true(has_problem(&p, "documents[\"b.txt\"]: expected an object, got [1]"));
    assert_int_equal(p.count, 6);
    for (size_t i = 0; i < p.count; i++)
        assert_null(strchr(p.items[i], '\n'));
    bg_problems_free(&p);
    /* scoring refuses it, naming the first problem */
    int passed;
    char msg[256];
    bg_eval_thresholds th = {1, 1, 1, false};
    assert_int_equal(bg_eval_run_scored(rules, path, SCRATCH, &th, NULL, &passed, NULL, msg, sizeof msg), BG_E_GOLD);
    assert_non_null(strstr(msg, "test_eval_types.json: documents"));
}

/* Every gold file the project keeps passes the check. */
static void test_gold_files_validate(void **state)
{
    (void)state;
    glob_t g;
    assert_int_equal(glob(BG_TEST_SOURCE_DIR "/tests/gold/*.json", 0, NULL, &g), 0);
    assert_true(g.gl_pathc >= 7);
    for (size_t i = 0; i < g.gl_pathc; i++) {
        bg_problems p = {0};
        cJSON *gold = NULL;
        bg_error e = bg_gold_read(g.gl_pathv[i], &gold, &p);
        for (size_t k = 0; k < p.count; k++)
            fprintf(stderr, "%s\n", p.items[k]);
        assert_int_equal(e, BG_E_OK);
        assert_int_equal(p.count, 0);
        assert_non_null(gold);
        cJSON_Delete(gold);
        bg_problems_free(&p);
    }
    globfree(&g);
}

#define TARGET_7_ABOUT_OBJECT "{\"indicator\": \"gdp\", \"kind\": \"growth\", \"value\": 7, \"qualifier\": \"about\"}"
#define TARGET_7_ABOUT "[" TARGET_7_ABOUT_OBJECT "]"

/* --docs: the folder and its subfolders, the file kinds of a job's folder
 * source; a key is a name below the folder or its trailing part. */
static void test_docs_recursive(void **state)
{
    (void)state;
    write_file("rec/2023/deep/a.txt", "主要预期目标是：地区生产总值增长7%左右。\n");
    write_file("rec/2022/b.html", "<html><body><p>主要预期目标是：地区生产总值增长7%左右。</p></body></html>");
    write_file("rec/2022/c.json", "主要预期目标是：地区生产总值增长7%左右。\n");
    const char *path = write_gold("test_eval_rec.json", "{\"format\": \"baogao-gold/1\", \"documents\": {"
                                                        "\"a.txt\": {\"targets\": " TARGET_7_ABOUT "},"
                                                        "\"2022/b.html\": {\"targets\": " TARGET_7_ABOUT "}}}");
    bg_eval_thresholds th = {1, 1, 1, false};
    int passed = 0;
    bg_eval_score s;
    char msg[512];
    bg_error e = bg_eval_run_scored(rules, path, SCRATCH "/rec", &th, NULL, &passed, &s, msg, sizeof msg);
    if (e != BG_E_OK)
        fprintf(stderr, "%s\n", msg);
    assert_int_equal(e, BG_E_OK);
    assert_true(passed);
    assert_int_equal(s.targets_matched, 2);
    assert_int_equal(s.targets_found, 2);
    /* a kind of file a folder source does not take */
    path = write_gold("test_eval_rec.json",
                      "{\"format\": \"baogao-gold/1\", \"documents\": {\"c.json\": {\"targets\": []}}}");
    assert_int_equal(bg_eval_run_scored(rules, path, SCRATCH "/rec", &th, NULL, &passed, &s, msg, sizeof msg), BG_E_IO);
    assert_non_null(strstr(msg, "c.json: the gold names a document that is not in"));
    /* two files of that name: the key must say which */
    write_file("rec/2022/deep/a.txt", "主要预期目标是：地区生产总值增长7%左右。\n");
    path = write_gold("test_eval_rec.json",
                      "{\"format\": \"baogao-gold/1\", \"documents\": {\"a.txt\": {\"targets\": []}}}");
    assert_int_equal(bg_eval_run_scored(rules, path, SCRATCH "/rec", &th, NULL, &passed, &s, msg, sizeof msg), BG_E_IO);
    assert_non_null(strstr(msg, "both 2022/deep/a.txt and 2023/deep/a.txt"));
}

/* -c: the job's sources, here a folder and a CSV corpus (records named
 * file#row), read with the job's options. */
static void test_job_sources(void **state)
{
    (void)state;
    write_file("job/reports/2023/a.txt", "主要预期目标是：地区生产总值增长6%左右。\n");
    write_file("job/corpus/c.csv", "id;正文\n1;\"主要预期目标是：地区生产总值增长5%以上。\"\n"
                                   "2;\"主要预期目标是：地区生产总值增长7%左右，城镇调查失业率5.5%以内。\"\n");
    const char *config_path = write_file(
        "job/job.json", "{\"sources\": [{\"path\": \"reports\", \"recursive\": true}, {\"path\": \"corpus/c.csv\", "
                        "\"format\": \"csv\", \"text_column\": \"正文\", \"delimiter\": \";\"}], "
                        "\"exporters\": [{\"plugin\": \"json\", \"output\": \"out.json\"}]}");
    bg_problems p = {0};
    bg_config *job = bg_config_load(config_path, &p);
    for (size_t i = 0; i < p.count; i++)
        fprintf(stderr, "%s\n", p.items[i]);
    assert_non_null(job);
    const char *path =
        write_gold("test_eval_job.json", "{\"format\": \"baogao-gold/1\", \"documents\": {"
                                         "\"a.txt\": {\"targets\": [{\"indicator\": \"gdp\", \"kind\": \"growth\", "
                                         "\"value\": 6, \"qualifier\": \"about\"}]},"
                                         "\"c.csv#1\": {\"targets\": [{\"indicator\": \"gdp\", \"kind\": \"growth\", "
                                         "\"value\": 5, \"qualifier\": \"at_least\"}]},"
                                         "\"corpus/c.csv#2\": {\"targets\": [" TARGET_7_ABOUT_OBJECT
                                         ",{\"indicator\": \"urban_unemployment_rate\", \"kind\": "
                                         "\"level\", \"value\": 5.5, \"qualifier\": \"at_most\"}]}}}");
    bg_problems gp = {0};
    cJSON *gold = NULL;
    assert_int_equal(bg_gold_read(path, &gold, &gp), BG_E_OK);
    assert_int_equal(gp.count, 0);
    bg_eval_documents docs = {.job = job};
    bg_eval_thresholds th = {1, 1, 1, false};
    int passed = 0;
    bg_eval_score s;
    char msg[512];
    bg_error e = bg_eval_gold(rules, path, gold, &docs, &th, NULL, &passed, &s, msg, sizeof msg);
    if (e != BG_E_OK)
        fprintf(stderr, "%s\n", msg);
    assert_int_equal(e, BG_E_OK);
    assert_true(passed);
    assert_int_equal(s.targets_gold, 4);
    assert_int_equal(s.targets_matched, 4);
    assert_int_equal(s.targets_found, 4);
    cJSON_Delete(gold);
    /* a record the corpus does not have, and the corpus without a record */
    assert_int_equal(bg_gold_read(write_gold("test_eval_job.json", "{\"format\": \"baogao-gold/1\", \"documents\": "
                                                                   "{\"c.csv#9\": {\"targets\": []}}}"),
                                  &gold, &gp),
                     BG_E_OK);
    assert_int_equal(bg_eval_gold(rules, path, gold, &docs, &th, NULL, &passed, &s, msg, sizeof msg), BG_E_IO);
    assert_non_null(strstr(msg, "corpus/c.csv has no record 9"));
    cJSON_Delete(gold);
    assert_int_equal(bg_gold_read(write_gold("test_eval_job.json", "{\"format\": \"baogao-gold/1\", \"documents\": "
                                                                   "{\"c.csv\": {\"targets\": []}}}"),
                                  &gold, &gp),
                     BG_E_OK);
    assert_int_equal(bg_eval_gold(rules, path, gold, &docs, &th, NULL, &passed, &s, msg, sizeof msg), BG_E_IO);
    assert_non_null(strstr(msg, "is a corpus; name one of its records as c.csv#ROW"));
    cJSON_Delete(gold);
    bg_problems_free(&gp);
    bg_problems_free(&p);
    bg_config_free(job);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_perfect),
        cmocka_unit_test(test_wrong_qualifier_is_a_miss),
        cmocka_unit_test(test_empty_gold_must_yield_none),
        cmocka_unit_test(test_outcomes_scored),
        cmocka_unit_test(test_bad_gold),
        cmocka_unit_test(test_no_thresholds_no_verdict),
        cmocka_unit_test(test_thresholds_give_a_verdict),
        cmocka_unit_test(test_empty_categories_are_na),
        cmocka_unit_test(test_gold_misspelt_key),
        cmocka_unit_test(test_gold_wrong_types),
        cmocka_unit_test(test_gold_files_validate),
        cmocka_unit_test(test_docs_recursive),
        cmocka_unit_test(test_job_sources),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
