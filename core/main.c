/* main.c — the baogao command line: run, check, plugins, extract, eval.
 * Parses arguments with getopt_long, sets up logging and signals, and hands
 * over to run.c; the only place that decides exit codes. */
#define _GNU_SOURCE
#include "budget.h"
#include "config.h"
#include "eval.h"
#include "across/across.h"
#include "extract/extract.h"
#include "extract/rules.h"
#include "gold.h"
#include "hash.h"
#include "log.h"
#include "paths.h"
#include "run/plugin.h"
#include "run/run.h"
#include "source/read.h"
#include "source/decode.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static volatile sig_atomic_t interrupted;

/* Under -q, warnings of one kind shown before the rest are only counted. */
#define BG_FOLD_KEEP 3

static void on_signal(int signo)
{
    (void)signo;
    interrupted = 1;
}

static void usage(FILE *out)
{
    fputs("usage: baogao COMMAND [OPTIONS]\n"
          "\n"
          "Turns government work reports (政府工作报告) into typed tables through exporter plugins.\n"
          "\n"
          "commands:\n"
          "  run      [-c FILE] [-j N] [--only PLUGIN] [--dry-run] [--full-refresh] [--allow-shrink]\n"
          "           [-q|-v] [--summary] [--log-json] [--log-file FILE]\n"
          "           run the job: read the sources, extract, write every exporter's output\n"
          "  check    [-c FILE]   validate the config, its plugins and rules; exit 0 or 2\n"
          "  plugins  [-c FILE]   list the exporter plugins found and their options\n"
          "  extract  [--cleaned] FILE...\n"
          "           print the tables of ad-hoc files as JSON on stdout (the tables across\n"
          "           reports over the files given); --cleaned: the text the rules read\n"
          "           instead (decoded, cleaned, one paragraph per line)\n"
          "  eval     --gold FILE [--gold FILE...] [-c FILE] [--docs DIR] [--min-precision P]\n"
          "           [--min-recall R] [--min-field F] [--verbose]\n"
          "           score extraction against hand-checked gold, each file and all together;\n"
          "           documents from --docs DIR (and its subfolders), else the job's sources;\n"
          "           PASS/FAIL only with a --min-* threshold\n"
          "\n"
          "options:\n"
          "  -c, --config FILE   the job config (default: baogao.json)\n"
          "  -j, --jobs N        worker threads (default: the config's jobs, else the CPU count)\n"
          "      --only PLUGIN   run only the exporters of this plugin\n"
          "      --dry-run       extract everything, write nothing (nor read the cache)\n"
          "      --full-refresh  extract every source again, ignoring the cache of unchanged ones\n"
          "      --allow-shrink  publish even when far fewer documents than last time were read\n"
          "  -q, --quiet         only warnings and errors: a successful run prints nothing; after 3\n"
          "                      warnings of one kind the rest are counted in one line at the end\n"
          "      --summary       with -q, still print the summary and `wrote` lines of a successful run\n"
          "      --log-file FILE also append every info message to FILE (cron: -q mails, FILE keeps)\n"
          "  -v, --verbose       debug messages\n"
          "      --log-json      one JSON object per log line; the summary's object has the run's\n"
          "                      figures and outputs as fields\n"
          "      --no-progress   no progress bar (nor export phase line) even on a terminal\n"
          "      --progress      draw them even when stderr is no terminal (a terminal behind a pipe;\n"
          "                      width from COLUMNS)\n"
          "  -h, --help          this help\n"
          "      --version       print the version\n"
          "\n"
          "exit codes: 0 success; 1 some sources failed, outputs written; 2 usage or config error;\n"
          "            3 export failed, previous outputs untouched; 4 refused by the guard (far fewer\n"
          "            documents than the last run), previous outputs untouched; 75 another run holds the\n"
          "            lock; 130 interrupted, previous outputs untouched\n"
          "            eval: 0 the figures (and every threshold met); 1 a figure below its threshold;\n"
          "            2 a bad gold file, config or missing document\n",
          out);
}

enum {
    OPT_ONLY = 256,
    OPT_DRY_RUN,
    OPT_LOG_JSON,
    OPT_VERSION,
    OPT_GOLD,
    OPT_DOCS,
    OPT_MIN_P,
    OPT_MIN_R,
    OPT_MIN_F,
    OPT_NO_PROGRESS,
    OPT_PROGRESS,
    OPT_ALLOW_SHRINK,
    OPT_FULL_REFRESH,
    OPT_SUMMARY,
    OPT_LOG_FILE,
    OPT_CLEANED
};

typedef struct cli {
    const char *config;
    int jobs;
    const char *only;
    bool dry_run;
    int verbosity; /* -1 quiet, 0 normal, 1 verbose */
    bool log_json;
    bool no_progress;
    bool force_progress; /* --progress: draw the bar on a non-terminal too */
    const char *gold;
    const char *golds[32]; /* every --gold, in order */
    size_t gold_count;
    const char *docs;
    double min_precision, min_recall, min_field;
    bool eval_verbose;
    bool allow_shrink, summary, full_refresh;
    const char *log_file;
    bool cleaned;
} cli;

static void print_problems(const bg_problems *problems)
{
    for (size_t i = 0; i < problems->count; i++)
        bg_error_log("%s", problems->items[i]);
    if (problems->count > 1)
        bg_error_log("%zu problems", problems->count);
}

static bool parse_fraction(const char *text, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    if (errno || *end || v < 0 || v > 1)
        return false;
    *out = v;
    return true;
}

static int command_run(const cli *o, bool check_only)
{
    bg_plugin_dirs dirs;
    bg_problems problems = {0};
    bg_job *job = NULL;
    char *plugin_dir = NULL;
    /* plugin_dir comes from the config; read it first without plugins (its
     * problems are reported once, with everything else, by the check) */
    bg_problems peek_problems = {0};
    bg_config *peek = bg_config_read(o->config, &peek_problems);
    if (peek) {
        plugin_dir = peek->plugin_dir ? strdup(peek->plugin_dir) : NULL;
        bg_config_free(peek);
    }
    bg_problems_free(&peek_problems);
    bg_plugin_dirs_init(&dirs, plugin_dir);
    free(plugin_dir);
    job = bg_job_check(o->config, &dirs, o->only, &problems);
    bg_plugin_dirs_free(&dirs);
    if (!job) {
        print_problems(&problems);
        bg_problems_free(&problems);
        return BG_EXIT_USAGE;
    }
    if (check_only) {
        printf("%s: ok (job %s, %zu sources, %zu exporters, %zu tables)\n", o->config, job->config->job,
               job->config->source_count, job->config->exporter_count, bg_rules_table_count(job->rules));
        bg_job_free(job);
        return BG_EXIT_OK;
    }
    bg_run_options options = {.dry_run = o->dry_run,
                              .jobs = o->jobs,
                              .allow_shrink = o->allow_shrink,
                              .full_refresh = o->full_refresh,
                              .summary = o->summary,
                              .progress = !o->no_progress && !o->log_json && o->verbosity >= 0 &&
                                          (o->force_progress || isatty(2)),
                              .interrupted = &interrupted};
    /* -q: a warning per document for a thousand documents says no more than
     * the first few and a count */
    if (o->verbosity < 0)
        bg_log_fold(BG_FOLD_KEEP);
    int code = bg_run(job, &options);
    bg_job_free(job);
    return code;
}

static const char *option_type_name(bg_option_type t)
{
    switch (t) {
    case BG_OPTION_BOOL: return "bool";
    case BG_OPTION_INTEGER: return "integer";
    case BG_OPTION_REAL: return "number";
    case BG_OPTION_TEXT: return "text";
    case BG_OPTION_CHOICE: return "choice";
    }
    return "?";
}

static int command_plugins(const cli *o)
{
    char *plugin_dir = NULL;
    if (access(o->config, R_OK) == 0) {
        bg_problems problems = {0};
        bg_config *c = bg_config_load(o->config, &problems);
        if (c && c->plugin_dir)
            plugin_dir = strdup(c->plugin_dir);
        bg_config_free(c);
        bg_problems_free(&problems);
    }
    bg_plugin_dirs dirs;
    bg_plugin_dirs_init(&dirs, plugin_dir);
    free(plugin_dir);
    printf("exporter ABI %d.%d; plugin folders, in search order:\n", BG_EXPORTER_ABI_MAJOR, BG_EXPORTER_ABI_MINOR);
    for (size_t i = 0; i < dirs.count; i++)
        printf("  %s%s\n", dirs.dirs[i], access(dirs.dirs[i], R_OK) == 0 ? "" : "  (missing)");
    size_t count = 0;
    char **names = bg_plugin_names(&dirs, &count);
    int code = BG_EXIT_OK;
    for (size_t i = 0; i < count; i++) {
        bg_plugin *p = NULL;
        char msg[BG_MESSAGE_MAX];
        if (bg_plugin_load(&dirs, names[i], &p, msg, sizeof msg) != BG_E_OK) {
            printf("\n%s: cannot load: %s\n", names[i], msg);
            code = BG_EXIT_USAGE;
        } else {
            const bg_exporter *e = &p->descriptor;
            printf("\n%s %s (ABI %u.%u, writes a %s) — %s\n  %s\n", e->name, e->version ? e->version : "", e->abi_major,
                   e->abi_minor, e->output_kind == BG_OUTPUT_DIRECTORY ? "folder" : "file",
                   e->description ? e->description : "", p->path);
            for (size_t k = 0; k < e->option_count; k++) {
                const bg_option_spec *s = &e->options[k];
                printf("    %-16s %-8s default %-10s %s%s%s%s\n", s->name, option_type_name(s->type),
                       s->default_value ? s->default_value : "-", s->help ? s->help : "", s->choices ? " (one of " : "",
                       s->choices ? s->choices : "", s->choices ? ")" : "");
            }
        }
        bg_plugin_unload(p);
        free(names[i]);
    }
    free(names);
    if (!count)
        printf("\nno plugins found\n");
    bg_plugin_dirs_free(&dirs);
    return code;
}

/* `extract`: JSON on stdout with the same column names as every exporter. */
static cJSON *cell_json(const bg_cell *cell)
{
    switch (cell->type) {
    case BG_TYPE_NULL: return cJSON_CreateNull();
    case BG_TYPE_INTEGER: return cJSON_CreateNumber((double)cell->as.integer);
    case BG_TYPE_REAL: return cJSON_CreateNumber(cell->as.real);
    case BG_TYPE_TEXT: {
        char *s = strndup(cell->as.text.data, cell->as.text.length);
        cJSON *v = cJSON_CreateString(s ? s : "");
        free(s);
        return v;
    }
    case BG_TYPE_DATE: {
        char s[16];
        snprintf(s, sizeof s, "%04d-%02d-%02d", (int)cell->as.date.year, (int)cell->as.date.month,
                 (int)cell->as.date.day);
        return cJSON_CreateString(s);
    }
    }
    return cJSON_CreateNull();
}

/* Appends every row of rows to the JSON arrays of its table. */
static void rows_json(bg_rowset *rows, const bg_table_schema *const *tables, size_t table_count, cJSON **arrays)
{
    for (size_t t = 0; t < table_count; t++)
        for (size_t r = 0; r < bg_rowset_count(rows, t); r++) {
            const bg_cell *cells = bg_rowset_row(rows, t, r);
            cJSON *o_row = cJSON_CreateObject();
            for (size_t col = 0; col < tables[t]->column_count; col++)
                cJSON_AddItemToObject(o_row, tables[t]->columns[col].name, cell_json(&cells[col]));
            cJSON_AddItemToArray(arrays[t], o_row);
        }
}

static int command_extract(const cli *o, int argc, char **argv)
{
    if (argc == 0) {
        fprintf(stderr, "baogao extract: name at least one file\n");
        return BG_EXIT_USAGE;
    }
    bg_problems problems = {0};
    bg_config *c = NULL;
    if (o->config && access(o->config, R_OK) == 0 && strcmp(o->config, "baogao.json") != 0)
        c = bg_config_load(o->config, &problems);
    if (!c && !problems.count)
        c = bg_config_default();
    bg_rules *rules = c ? bg_rules_load(c->rules_path, c->divisions_path, c->extract, "extract", &problems) : NULL;
    if (!rules) {
        print_problems(&problems);
        bg_problems_free(&problems);
        bg_config_free(c);
        return BG_EXIT_USAGE;
    }
    size_t table_count = bg_rules_table_count(rules);
    const bg_table_schema *const *tables = bg_rules_tables(rules);
    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "baogao_version", BAOGAO_VERSION);
    cJSON *out_tables = cJSON_AddObjectToObject(root, "tables");
    cJSON **arrays = calloc(table_count, sizeof *arrays);
    for (size_t t = 0; t < table_count; t++)
        arrays[t] = cJSON_AddArrayToObject(out_tables, tables[t]->name);
    int code = BG_EXIT_OK;
    /* the tables across reports, over the files given */
    bg_across *across = !o->cleaned && bg_across_wanted(rules) ? bg_across_new(rules) : NULL;
    bg_source_config auto_source = {.json_path = "extract", .encoding = "auto", .format = "auto"};
    for (int i = 0; i < argc && !interrupted; i++) {
        char msg[1024];
        bg_source_file file = {.path = argv[i], .name = argv[i], .config = &auto_source};
        bg_read_limits limits = {.max_bytes = c->limits.document_bytes};
        bg_source_docs docs;
        if (bg_source_read(&file, &limits, &docs) != BG_E_OK) {
            bg_error_log("%s: out of memory", argv[i]);
            code = BG_EXIT_SOURCES_FAILED;
            continue;
        }
        for (size_t k = 0; k < docs.count; k++) {
            const bg_source_doc *d = &docs.items[k];
            if (d->notice)
                bg_warn("%s: %s", d->source, d->notice);
            if (d->error) {
                bg_error_log("%s", d->error);
                code = BG_EXIT_SOURCES_FAILED;
                continue;
            }
            bg_doc_input input = bg_source_doc_input(d);
            if (o->cleaned) {
                bg_text cleaned;
                if (bg_clean_text(rules->clean, input.utf8, input.length, &cleaned, msg, sizeof msg) != BG_E_OK) {
                    bg_error_log("%s: %s", d->source, msg);
                    code = BG_EXIT_SOURCES_FAILED;
                    continue;
                }
                if (docs.count > 1 || argc > 1)
                    printf("==> %s <==\n", d->source);
                fwrite(cleaned.text, 1, cleaned.length, stdout);
                if (cleaned.length && cleaned.text[cleaned.length - 1] != '\n')
                    fputc('\n', stdout);
                bg_text_free(&cleaned);
                continue;
            }
            bg_rowset *rows = bg_rowset_new(table_count, tables);
            if (rows)
                rows->row_limit = c->limits.rows_per_document;
            bg_budget_begin(&interrupted, c->limits.seconds_per_document);
            bg_error e = rows ? bg_extract_document(rules, &input, rows, msg, sizeof msg) : BG_E_NOMEM;
            bg_budget_end();
            if (e != BG_E_OK) {
                bg_error_log("%s", rows ? msg : "out of memory");
                code = e == BG_E_INTERRUPTED ? BG_EXIT_INTERRUPTED : BG_EXIT_SOURCES_FAILED;
            } else {
                rows_json(rows, tables, table_count, arrays);
                if (across && bg_across_add(across, rows) != BG_E_OK) {
                    bg_error_log("out of memory");
                    code = BG_EXIT_SOURCES_FAILED;
                }
            }
            bg_rowset_free(rows);
        }
        bg_source_docs_free(&docs);
    }
    if (across && !interrupted) {
        bg_rowset *rows = bg_rowset_new(table_count, tables);
        if (rows && bg_across_rows(across, rows) == BG_E_OK) {
            rows_json(rows, tables, table_count, arrays);
        } else {
            bg_error_log("out of memory comparing the reports");
            code = BG_EXIT_SOURCES_FAILED;
        }
        bg_rowset_free(rows);
    }
    bg_across_free(across);
    if (interrupted) {
        bg_error_log("interrupted: nothing printed");
        cJSON_Delete(root);
        free(arrays);
        bg_rules_free(rules);
        bg_config_free(c);
        return BG_EXIT_INTERRUPTED;
    }
    char *text = cJSON_Print(root);
    if (text) {
        fputs(text, stdout);
        fputc('\n', stdout);
        cJSON_free(text);
    }
    cJSON_Delete(root);
    free(arrays);
    bg_rules_free(rules);
    bg_config_free(c);
    return code;
}

/* `eval`: every gold file is checked before any is scored, and all their
 * problems are reported at once (exit 2); the documents come from --docs,
 * else the job's sources (-c, or baogao.json when present), else each gold
 * file's folder. Exit 1 only when a threshold was set and a figure is below
 * it. */
static int command_eval(const cli *o)
{
    if (!o->gold) {
        fprintf(stderr, "baogao eval: --gold FILE is required\n");
        return BG_EXIT_USAGE;
    }
    bg_problems problems = {0};
    bool have_config = access(o->config, R_OK) == 0;
    bg_config *c = NULL;
    if (have_config)
        c = bg_config_load(o->config, &problems);
    else if (strcmp(o->config, "baogao.json") != 0)
        bg_problems_add(&problems, "%s: %s", o->config, strerror(errno));
    if (!c && !problems.count)
        c = bg_config_default();
    struct stat st;
    if (o->docs && stat(o->docs, &st) != 0)
        bg_problems_add(&problems, "--docs %s: %s", o->docs, strerror(errno));
    else if (o->docs && !S_ISDIR(st.st_mode))
        bg_problems_add(&problems, "--docs %s: not a folder", o->docs);
    cJSON *golds[sizeof o->golds / sizeof *o->golds] = {0};
    for (size_t g = 0; g < o->gold_count; g++)
        bg_gold_read(o->golds[g], &golds[g], &problems);
    bg_rules *rules = c ? bg_rules_load(c->rules_path, c->divisions_path, c->extract, "extract", &problems) : NULL;
    if (!rules || problems.count) {
        print_problems(&problems);
        bg_problems_free(&problems);
        for (size_t g = 0; g < o->gold_count; g++)
            cJSON_Delete(golds[g]);
        bg_rules_free(rules);
        bg_config_free(c);
        return BG_EXIT_USAGE;
    }
    bg_eval_thresholds th = {.min_precision = o->min_precision,
                             .min_recall = o->min_recall,
                             .min_field = o->min_field,
                             .verbose = o->eval_verbose};
    bg_eval_documents docs = {
        .job = !o->docs && have_config ? c : NULL, .folder = o->docs, .max_bytes = c->limits.document_bytes};
    size_t failed = 0;
    bg_eval_score total = {0};
    bg_error e = BG_E_OK;
    char msg[1024];
    for (size_t g = 0; g < o->gold_count && e == BG_E_OK; g++) {
        if (o->gold_count > 1)
            printf("%s== %s\n", g ? "\n" : "", o->golds[g]);
        int passed = 0;
        bg_eval_score score;
        e = bg_eval_gold(rules, o->golds[g], golds[g], &docs, &th, stdout, &passed, &score, msg, sizeof msg);
        if (e == BG_E_OK) {
            bg_eval_score_add(&total, &score);
            failed += !passed;
        }
    }
    if (e == BG_E_OK && o->gold_count > 1) {
        bg_eval_print_total(&total, o->gold_count, stdout);
        if (bg_eval_has_thresholds(&th)) {
            if (failed)
                printf("\nFAIL (%zu of %zu gold files below the thresholds)\n", failed, o->gold_count);
            else
                printf("\nPASS (all %zu gold files)\n", o->gold_count);
        }
    }
    for (size_t g = 0; g < o->gold_count; g++)
        cJSON_Delete(golds[g]);
    bg_rules_free(rules);
    bg_config_free(c);
    if (e != BG_E_OK) {
        bg_error_log("%s", msg);
        return BG_EXIT_USAGE;
    }
    return failed ? BG_EXIT_SOURCES_FAILED : BG_EXIT_OK;
}

int main(int argc, char **argv)
{
    static const struct option long_options[] = {{"config", required_argument, NULL, 'c'},
                                                 {"jobs", required_argument, NULL, 'j'},
                                                 {"only", required_argument, NULL, OPT_ONLY},
                                                 {"dry-run", no_argument, NULL, OPT_DRY_RUN},
                                                 {"quiet", no_argument, NULL, 'q'},
                                                 {"verbose", no_argument, NULL, 'v'},
                                                 {"log-json", no_argument, NULL, OPT_LOG_JSON},
                                                 {"help", no_argument, NULL, 'h'},
                                                 {"version", no_argument, NULL, OPT_VERSION},
                                                 {"gold", required_argument, NULL, OPT_GOLD},
                                                 {"docs", required_argument, NULL, OPT_DOCS},
                                                 {"min-precision", required_argument, NULL, OPT_MIN_P},
                                                 {"min-recall", required_argument, NULL, OPT_MIN_R},
                                                 {"min-field", required_argument, NULL, OPT_MIN_F},
                                                 {"no-progress", no_argument, NULL, OPT_NO_PROGRESS},
                                                 {"progress", no_argument, NULL, OPT_PROGRESS},
                                                 {"allow-shrink", no_argument, NULL, OPT_ALLOW_SHRINK},
                                                 {"full-refresh", no_argument, NULL, OPT_FULL_REFRESH},
                                                 {"summary", no_argument, NULL, OPT_SUMMARY},
                                                 {"log-file", required_argument, NULL, OPT_LOG_FILE},
                                                 {"cleaned", no_argument, NULL, OPT_CLEANED},
                                                 {NULL, 0, NULL, 0}};
    cli o = {
        .config = "baogao.json", .min_precision = BG_EVAL_NONE, .min_recall = BG_EVAL_NONE, .min_field = BG_EVAL_NONE};
    const char *command = NULL;
    if (argc > 1 && argv[1][0] != '-') {
        command = argv[1];
        argv[1] = argv[0];
        argv++;
        argc--;
    }
    int opt;
    while ((opt = getopt_long(argc, argv, "c:j:qvh", long_options, NULL)) != -1) {
        switch (opt) {
        case 'c': o.config = optarg; break;
        case 'j': {
            char *end;
            long n = strtol(optarg, &end, 10);
            if (*end || n < 1 || n > 256) {
                fprintf(stderr, "baogao: -j expects a number from 1 to 256, got '%s'\n", optarg);
                return BG_EXIT_USAGE;
            }
            o.jobs = (int)n;
            break;
        }
        case 'q': o.verbosity = -1; break;
        case 'v': o.verbosity = 1; break;
        case 'h': usage(stdout); return BG_EXIT_OK;
        case OPT_ONLY: o.only = optarg; break;
        case OPT_DRY_RUN: o.dry_run = true; break;
        case OPT_LOG_JSON: o.log_json = true; break;
        case OPT_NO_PROGRESS: o.no_progress = true; break;
        case OPT_PROGRESS: o.force_progress = true; break;
        case OPT_ALLOW_SHRINK: o.allow_shrink = true; break;
        case OPT_FULL_REFRESH: o.full_refresh = true; break;
        case OPT_SUMMARY: o.summary = true; break;
        case OPT_LOG_FILE: o.log_file = optarg; break;
        case OPT_CLEANED: o.cleaned = true; break;
        case OPT_VERSION:
            printf("baogao %s (exporter ABI %d.%d)\n", BAOGAO_VERSION, BG_EXPORTER_ABI_MAJOR, BG_EXPORTER_ABI_MINOR);
            return BG_EXIT_OK;
        case OPT_GOLD:
            if (o.gold_count == sizeof o.golds / sizeof *o.golds) {
                fprintf(stderr, "baogao: at most %zu --gold files\n", sizeof o.golds / sizeof *o.golds);
                return BG_EXIT_USAGE;
            }
            o.gold = o.golds[o.gold_count++] = optarg;
            break;
        case OPT_DOCS: o.docs = optarg; break;
        case OPT_MIN_P:
        case OPT_MIN_R:
        case OPT_MIN_F: {
            double *target = opt == OPT_MIN_P ? &o.min_precision : opt == OPT_MIN_R ? &o.min_recall : &o.min_field;
            if (!parse_fraction(optarg, target)) {
                fprintf(stderr, "baogao: %s expects a number from 0 to 1, got '%s'\n",
                        opt == OPT_MIN_P   ? "--min-precision"
                        : opt == OPT_MIN_R ? "--min-recall"
                                           : "--min-field",
                        optarg);
                return BG_EXIT_USAGE;
            }
            break;
        }
        default: usage(stderr); return BG_EXIT_USAGE;
        }
    }
    if (!strcmp(argv[0], "eval") || (command && !strcmp(command, "eval")))
        o.eval_verbose = o.verbosity > 0;
    bg_log_configure(o.verbosity < 0 ? BG_LOG_WARN : o.verbosity > 0 ? BG_LOG_DEBUG : BG_LOG_INFO, o.log_json);
    if (!command) {
        usage(stderr);
        return BG_EXIT_USAGE;
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    /* past RLIMIT_FSIZE a write fails with EFBIG (an I/O error the exporter
     * reports) instead of killing the run without a word */
    signal(SIGXFSZ, SIG_IGN);
    if (o.log_file && bg_log_open_file(o.log_file, o.verbosity > 0 ? BG_LOG_DEBUG : BG_LOG_INFO) != 0) {
        fprintf(stderr, "baogao: --log-file %s: %s\n", o.log_file, strerror(errno));
        return BG_EXIT_USAGE;
    }

    if (!strcmp(command, "run"))
        return command_run(&o, false);
    if (!strcmp(command, "check"))
        return command_run(&o, true);
    if (!strcmp(command, "plugins"))
        return command_plugins(&o);
    if (!strcmp(command, "extract"))
        return command_extract(&o, argc - optind, argv + optind);
    if (!strcmp(command, "eval"))
        return command_eval(&o);
    if (!strcmp(command, "help")) {
        usage(stdout);
        return BG_EXIT_OK;
    }
    fprintf(stderr, "baogao: unknown command '%s' (run, check, plugins, extract, eval)\n", command);
    return BG_EXIT_USAGE;
}
