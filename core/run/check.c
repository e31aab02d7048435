/* check.c — bg_job_check: everything `run` would refuse, found before any
 * work and reported all at once, each problem with its JSON path: the
 * config's own problems, the plugins and their options (types, ranges,
 * choices, patterns, the plugin's own check), outputs that collide with each
 * other or with a source, plugin folders others could write to, the rules. */
#include "run/run.h"

#include "log.h"
#include "paths.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* A plugin a user other than its owner (or root) could replace is code
 * anyone could run as this job: refused, as sudo and ssh refuse loose files. */
static void check_permissions(const bg_plugin *plugin, const char *json_path, bg_problems *problems)
{
    char *dir = bg_dirname(plugin->path);
    const char *paths[2] = {plugin->path, dir};
    for (size_t i = 0; i < 2; i++) {
        struct stat st;
        if (!paths[i] || stat(paths[i], &st) != 0)
            continue;
        if (st.st_mode & (S_IWGRP | S_IWOTH)) {
            bg_problems_add(problems,
                            "%s.plugin: %s is writable by %s: refused (chmod go-w %s)", json_path, paths[i],
                            st.st_mode & S_IWOTH ? "everyone" : "its group", paths[i]);
            break;
        }
        if (st.st_uid != 0 && st.st_uid != geteuid()) {
            bg_problems_add(problems, "%s.plugin: %s belongs to another user (uid %ld): refused", json_path, paths[i],
                            (long)st.st_uid);
            break;
        }
    }
    free(dir);
}

/* Two exporters writing one path, or an output where a source is read. */
static void check_outputs(const bg_config *c, bg_problems *problems)
{
    time_t now = time(NULL);
    char **outputs = calloc(c->exporter_count ? c->exporter_count : 1, sizeof *outputs);
    if (!outputs)
        return;
    for (size_t i = 0; i < c->exporter_count; i++) {
        const bg_exporter_config *e = &c->exporters[i];
        if (!e->output_template)
            continue;
        outputs[i] = bg_config_expand_output(e->output_template, c->job ? c->job : "job", now);
        if (!outputs[i])
            continue;
        for (size_t k = 0; k < i; k++)
            if (outputs[k] && !strcmp(outputs[k], outputs[i]))
                bg_problems_add(problems, "%s.output: %s is also the output of %s: each exporter needs its own path",
                                e->json_path, outputs[i], c->exporters[k].json_path);
        for (size_t s = 0; s < c->source_count; s++) {
            const bg_source_config *src = &c->sources[s];
            if (!src->path || src->is_glob)
                continue;
            size_t n = strlen(src->path);
            struct stat st;
            bool folder = stat(src->path, &st) == 0 && S_ISDIR(st.st_mode);
            if (!strcmp(outputs[i], src->path))
                bg_problems_add(problems, "%s.output: %s is a source (%s): the run would overwrite what it reads",
                                e->json_path, outputs[i], src->json_path);
            else if (folder && !strncmp(outputs[i], src->path, n) && outputs[i][n] == '/' &&
                     (src->recursive || !strchr(outputs[i] + n + 1, '/')))
                bg_problems_add(problems,
                                "%s.output: %s lies inside the source folder of %s: the next run would read it",
                                e->json_path, outputs[i], src->json_path);
        }
    }
    for (size_t i = 0; i < c->exporter_count; i++)
        free(outputs[i]);
    free(outputs);
}

bg_job *bg_job_check(const char *config_path, const bg_plugin_dirs *dirs, const char *only, bg_problems *problems)
{
    bg_config *config = bg_config_read(config_path, problems);
    if (!config)
        return NULL;
    bg_job *job = calloc(1, sizeof *job);
    if (!job) {
        bg_config_free(config);
        bg_problems_add(problems, "%s: out of memory", config_path);
        return NULL;
    }
    job->config = config;
    job->plugin_count = config->exporter_count;
    job->plugins = calloc(config->exporter_count ? config->exporter_count : 1, sizeof *job->plugins);
    if (!job->plugins) {
        bg_problems_add(problems, "%s: out of memory", config_path);
        bg_job_free(job);
        return NULL;
    }
    /* a rules path the config could not find was reported with its JSON path */
    if (config->rules_path && config->divisions_path && access(config->rules_path, R_OK) == 0 &&
        access(config->divisions_path, R_OK) == 0)
        job->rules = bg_rules_load(config->rules_path, config->divisions_path, config->extract, "extract", problems);
    else if (!config->rules_path || !config->divisions_path)
        bg_problems_add(problems, "%s: the built-in rules were not found beside the program", config_path);
    bool only_found = false;
    for (size_t i = 0; i < config->exporter_count; i++) {
        bg_exporter_config *e = &config->exporters[i];
        if (!e->plugin)
            continue;
        if (only && strcmp(only, e->plugin) != 0)
            continue;
        only_found = true;
        char msg[BG_MESSAGE_MAX];
        if (bg_plugin_load(dirs, e->plugin, &job->plugins[i], msg, sizeof msg) != BG_E_OK) {
            bg_problems_add(problems, "%s.plugin: %s", e->json_path, msg);
            continue;
        }
        check_permissions(job->plugins[i], e->json_path, problems);
        char options_path[96];
        snprintf(options_path, sizeof options_path, "%s.options", e->json_path);
        size_t before = problems->count;
        bg_plugin_validate_options(job->plugins[i], e->options, options_path, problems);
        /* the plugin's own check, once its options are known to be well formed */
        if (problems->count == before && e->output_template && job->rules) {
            char *output = bg_config_expand_output(e->output_template, config->job, time(NULL));
            if (output)
                bg_plugin_check(job->plugins[i], output, e->options, config->job, bg_rules_tables(job->rules),
                                bg_rules_table_count(job->rules), options_path, problems);
            free(output);
        }
    }
    if (only && !only_found)
        bg_problems_add(problems, "--only %s: the job has no exporter with plugin '%s'", only, only);
    check_outputs(config, problems);
    if (problems->count) {
        bg_job_free(job);
        return NULL;
    }
    return job;
}

void bg_job_free(bg_job *job)
{
    if (!job)
        return;
    for (size_t i = 0; i < job->plugin_count; i++)
        bg_plugin_unload(job->plugins[i]);
    free(job->plugins);
    bg_rules_free(job->rules);
    bg_config_free(job->config);
    free(job);
}
