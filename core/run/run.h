/* run.h — one run of a job: check it, lock it, list its sources, extract them
 * on worker threads, stream each document's rows to every exporter in source
 * order, guard against a run that saw far less than the last one, and
 * publish the outputs only when everything succeeded. */
#ifndef BAOGAO_RUN_RUN_H
#define BAOGAO_RUN_RUN_H

#include "config.h"
#include "extract/extract.h"
#include "run/plugin.h"

#include <signal.h>
#include <stdbool.h>

/* Exit codes, documented in the README. */
enum {
    BG_EXIT_OK = 0,
    BG_EXIT_SOURCES_FAILED = 1,
    BG_EXIT_USAGE = 2,
    BG_EXIT_EXPORT_FAILED = 3,
    BG_EXIT_GUARD = 4,
    BG_EXIT_LOCKED = 75,
    BG_EXIT_INTERRUPTED = 130
};

/* A checked job: plugins loaded and options validated, rules loaded. */
typedef struct bg_job {
    bg_config *config;
    bg_rules *rules;
    bg_plugin **plugins; /* one per config exporter (NULL when skipped by --only) */
    size_t plugin_count;
} bg_job;

/* Loads the config, every plugin it names (from dirs) with its option and
 * output checks, and the rules; every problem goes to problems, all at once.
 * only: a plugin name or NULL. Returns NULL when there was any problem. */
bg_job *bg_job_check(const char *config_path, const bg_plugin_dirs *dirs, const char *only, bg_problems *problems);
void bg_job_free(bg_job *job);

typedef struct bg_run_options {
    bool dry_run;
    int jobs;                           /* 0: the config's */
    bool progress;                      /* a progress bar on stderr */
    bool allow_shrink;                  /* publish even when the guard would refuse */
    bool full_refresh;                  /* extract every source, ignoring the cache */
    bool summary;                       /* print the summary of a successful run even when quiet */
    volatile sig_atomic_t *interrupted; /* set by the signal handler, may be NULL */
} bg_run_options;

/* Runs the job; returns one of the exit codes above. */
int bg_run(bg_job *job, const bg_run_options *options);

#endif
