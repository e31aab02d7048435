/* config.c — reading and validating the job config. Validation never stops at
 * the first fault: researchers fix a config in one go when every problem is
 * listed, each as `json.path: what was expected, what was found`. */
#include "config.h"

#include "hash.h"
#include "paths.h"

#include <errno.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const top_keys[] = {"job",  "sources", "extract", "exporters", "plugin_dir", "lock",    "state",
                                       "cache", "jobs",   "guard",   "limits",    "$schema",    "comment"};
static const char *const guard_keys[] = {"min_documents", "max_drop", "allow_shrink", "comment"};
static const char *const limits_keys[] = {"document_bytes", "seconds_per_document", "rows_per_document", "comment"};
static const char *const source_keys[] = {"path",        "recursive",  "include", "exclude",   "encoding", "format",
                                          "text_column", "text_field", "columns", "delimiter", "comment"};
static const char *const column_keys[] = {"title", "region", "year", "url"};
static const char *const exporter_keys[] = {"plugin", "output", "options", "comment"};
static const char *const extract_keys[] = {"tables", "rules", "divisions", "custom", "boilerplate", "comment"};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

const char *bg_json_kind(const cJSON *v)
{
    if (!v)
        return "nothing";
    if (cJSON_IsBool(v))
        return "a boolean";
    if (cJSON_IsNumber(v))
        return "a number";
    if (cJSON_IsString(v))
        return "a string";
    if (cJSON_IsArray(v))
        return "an array";
    if (cJSON_IsObject(v))
        return "an object";
    return "null";
}

void bg_json_describe(const cJSON *v, char *buf, size_t n)
{
    char *text = v ? cJSON_PrintUnformatted(v) : NULL;
    if (text && strlen(text) < 60)
        snprintf(buf, n, "%s", text);
    else
        snprintf(buf, n, "%s", bg_json_kind(v));
    cJSON_free(text);
}

static void check_keys(const cJSON *object, const char *json_path, const char *const *known, size_t count,
                       bg_problems *problems)
{
    char prefix[256];
    snprintf(prefix, sizeof prefix, "%s%s", json_path, *json_path ? "." : "");
    bg_check_keys(object, prefix, known, count, problems);
}

/* A number member within [min, max] (integer when integer); fallback when absent. */
static double get_number(const cJSON *object, const char *key, const char *json_path, double fallback, double min,
                         double max, bool integer, bg_problems *problems)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(object, key);
    if (!v)
        return fallback;
    if (!cJSON_IsNumber(v) || v->valuedouble < min || v->valuedouble > max ||
        (integer && v->valuedouble != (double)(long long)v->valuedouble)) {
        char got[80];
        bg_json_describe(v, got, sizeof got);
        bg_problems_add(problems, "%s.%s: expected %s from %g to %g, got %s", json_path, key,
                        integer ? "an integer" : "a number", min, max, got);
        return fallback;
    }
    return v->valuedouble;
}

/* Optional string member; returns a malloc'ed copy of it or of fallback. */
static char *get_string(const cJSON *object, const char *key, const char *json_path, const char *fallback,
                        bg_problems *problems)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(object, key);
    if (!v)
        return fallback ? strdup(fallback) : NULL;
    if (!cJSON_IsString(v) || !*v->valuestring) {
        char got[80];
        bg_json_describe(v, got, sizeof got);
        bg_problems_add(problems, "%s%s%s: expected a non-empty string, got %s", json_path, *json_path ? "." : "", key,
                        got);
        return fallback ? strdup(fallback) : NULL;
    }
    return strdup(v->valuestring);
}

static bool get_bool(const cJSON *object, const char *key, const char *json_path, bool fallback, bg_problems *problems)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(object, key);
    if (!v)
        return fallback;
    if (!cJSON_IsBool(v)) {
        char got[80];
        bg_json_describe(v, got, sizeof got);
        bg_problems_add(problems, "%s.%s: expected true or false, got %s", json_path, key, got);
        return fallback;
    }
    return cJSON_IsTrue(v);
}

static void check_choice(const char *value, const char *json_path, const char *key, const char *const *choices,
                         size_t count, bg_problems *problems)
{
    if (!value)
        return;
    for (size_t i = 0; i < count; i++)
        if (strcmp(value, choices[i]) == 0)
            return;
    char list[160] = "";
    for (size_t i = 0; i < count; i++) {
        strncat(list, i ? ", " : "", sizeof list - strlen(list) - 1);
        strncat(list, choices[i], sizeof list - strlen(list) - 1);
    }
    bg_problems_add(problems, "%s.%s: expected one of %s, got \"%s\"", json_path, key, list, value);
}

static char **get_globs(const cJSON *object, const char *key, const char *json_path, size_t *count,
                        bg_problems *problems)
{
    *count = 0;
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(object, key);
    if (!v)
        return NULL;
    if (cJSON_IsString(v)) {
        char **out = malloc(sizeof *out);
        if (out && (out[0] = strdup(v->valuestring)))
            *count = 1;
        return out;
    }
    if (!cJSON_IsArray(v)) {
        bg_problems_add(problems, "%s.%s: expected a glob or an array of globs, got %s", json_path, key,
                        bg_json_kind(v));
        return NULL;
    }
    size_t n = (size_t)cJSON_GetArraySize(v);
    char **out = calloc(n ? n : 1, sizeof *out);
    if (!out)
        return NULL;
    const cJSON *item;
    size_t i = 0;
    cJSON_ArrayForEach(item, v)
    {
        if (!cJSON_IsString(item)) {
            bg_problems_add(problems, "%s.%s[%zu]: expected a glob string, got %s", json_path, key, i,
                            bg_json_kind(item));
        } else {
            if ((out[*count] = strdup(item->valuestring)) != NULL)
                (*count)++;
            else
                bg_problems_add(problems, "%s.%s[%zu]: out of memory", json_path, key, i);
        }
        i++;
    }
    return out;
}

static const char *const encodings[] = {"auto", "utf-8", "gb18030", "gbk", "gb2312"};
static const char *const formats[] = {"auto", "text", "html", "csv", "jsonl"};

static void load_source(const cJSON *item, size_t index, const char *dir, bg_source_config *s, bg_problems *problems)
{
    char json_path[64];
    snprintf(json_path, sizeof json_path, "sources[%zu]", index);
    if (!(s->json_path = strdup(json_path)))
        bg_problems_add(problems, "%s: out of memory", json_path);
    const cJSON *object = item;
    cJSON *wrapped = NULL;
    if (cJSON_IsString(item)) { /* shorthand: "reports/" */
        wrapped = cJSON_CreateObject();
        cJSON_AddStringToObject(wrapped, "path", item->valuestring);
        object = wrapped;
    } else if (!cJSON_IsObject(item)) {
        bg_problems_add(problems, "%s: expected an object or a path string, got %s", json_path, bg_json_kind(item));
        return;
    }
    check_keys(object, json_path, source_keys, COUNT(source_keys), problems);
    char *raw = get_string(object, "path", json_path, NULL, problems);
    if (!raw && !cJSON_GetObjectItemCaseSensitive(object, "path"))
        bg_problems_add(problems, "%s.path: missing (a file, a folder or a glob)", json_path);
    s->recursive = get_bool(object, "recursive", json_path, false, problems);
    s->include = get_globs(object, "include", json_path, &s->include_count, problems);
    s->exclude = get_globs(object, "exclude", json_path, &s->exclude_count, problems);
    s->encoding = get_string(object, "encoding", json_path, "auto", problems);
    check_choice(s->encoding, json_path, "encoding", encodings, COUNT(encodings), problems);
    s->format = get_string(object, "format", json_path, "auto", problems);
    check_choice(s->format, json_path, "format", formats, COUNT(formats), problems);
    s->text_column = get_string(object, "text_column", json_path, NULL, problems);
    s->text_field = get_string(object, "text_field", json_path, NULL, problems);
    s->delimiter = get_string(object, "delimiter", json_path, ",", problems);
    if (s->delimiter && strlen(s->delimiter) != 1)
        bg_problems_add(problems, "%s.delimiter: expected one character, got \"%s\"", json_path, s->delimiter);
    const cJSON *columns = cJSON_GetObjectItemCaseSensitive(object, "columns");
    if (columns) {
        char columns_path[80];
        snprintf(columns_path, sizeof columns_path, "%s.columns", json_path);
        if (!cJSON_IsObject(columns)) {
            bg_problems_add(problems,
                            "%s: expected an object mapping title/region/year/url to column (or field) names, got %s",
                            columns_path, bg_json_kind(columns));
        } else {
            check_keys(columns, columns_path, column_keys, COUNT(column_keys), problems);
            s->title_column = get_string(columns, "title", columns_path, NULL, problems);
            s->region_column = get_string(columns, "region", columns_path, NULL, problems);
            s->year_column = get_string(columns, "year", columns_path, NULL, problems);
            s->url_column = get_string(columns, "url", columns_path, NULL, problems);
        }
    }
    bool csv = s->format && !strcmp(s->format, "csv"), jsonl = s->format && !strcmp(s->format, "jsonl");
    if (csv && !s->text_column)
        bg_problems_add(problems, "%s.text_column: required when format is \"csv\" (the column holding the text)",
                        json_path);
    if (jsonl && !s->text_field)
        bg_problems_add(problems,
                        "%s.text_field: required when format is \"jsonl\" (the field holding the text; a.b for a "
                        "nested one)",
                        json_path);
    if (!csv && s->text_column)
        bg_problems_add(problems, "%s.text_column: applies only to format \"csv\"%s", json_path,
                        jsonl ? " (JSON Lines name theirs with text_field)" : "");
    if (!jsonl && s->text_field)
        bg_problems_add(problems, "%s.text_field: applies only to format \"jsonl\"%s", json_path,
                        csv ? " (a CSV names its column with text_column)" : "");
    if (!csv && !jsonl && columns)
        bg_problems_add(problems, "%s.columns: applies only to formats \"csv\" and \"jsonl\"", json_path);
    if (raw) {
        s->path = bg_path_resolve(dir, raw);
        s->is_glob = strpbrk(raw, "*?[") != NULL;
        if (s->path && !s->is_glob) {
            struct stat st;
            if (stat(s->path, &st) != 0)
                bg_problems_add(problems, "%s.path: %s: %s", json_path, s->path, strerror(errno));
            else if (S_ISREG(st.st_mode) && s->recursive)
                bg_problems_add(problems, "%s.recursive: applies to folders, and %s is a file", json_path, s->path);
        }
        free(raw);
    }
    cJSON_Delete(wrapped);
}

static void load_exporter(const cJSON *item, size_t index, const char *dir, bg_exporter_config *e,
                          bg_problems *problems)
{
    char json_path[64];
    snprintf(json_path, sizeof json_path, "exporters[%zu]", index);
    if (!(e->json_path = strdup(json_path)))
        bg_problems_add(problems, "%s: out of memory", json_path);
    if (!cJSON_IsObject(item)) {
        bg_problems_add(problems, "%s: expected an object with plugin, output and options, got %s", json_path,
                        bg_json_kind(item));
        return;
    }
    check_keys(item, json_path, exporter_keys, COUNT(exporter_keys), problems);
    e->plugin = get_string(item, "plugin", json_path, NULL, problems);
    if (!cJSON_GetObjectItemCaseSensitive(item, "plugin"))
        bg_problems_add(problems, "%s.plugin: missing (csv, json, sqlite, xlsx or another installed plugin)",
                        json_path);
    char *output = get_string(item, "output", json_path, NULL, problems);
    if (!cJSON_GetObjectItemCaseSensitive(item, "output"))
        bg_problems_add(problems, "%s.output: missing (a file or folder path; may contain {job} and %%Y%%m%%d)",
                        json_path);
    if (output) {
        char where[96];
        snprintf(where, sizeof where, "%s.output", json_path);
        bg_config_check_template(output, where, problems);
        e->output_template = bg_path_resolve(dir, output);
        free(output);
    }
    const cJSON *options = cJSON_GetObjectItemCaseSensitive(item, "options");
    if (options) {
        if (!cJSON_IsObject(options))
            bg_problems_add(problems, "%s.options: expected an object, got %s", json_path, bg_json_kind(options));
        else
            e->options = cJSON_Duplicate(options, 1);
    }
}

static void load_extract(const cJSON *extract, bg_config *c, bg_problems *problems)
{
    if (!extract)
        return;
    if (!cJSON_IsObject(extract)) {
        bg_problems_add(problems, "extract: expected an object, got %s", bg_json_kind(extract));
        return;
    }
    check_keys(extract, "extract", extract_keys, COUNT(extract_keys), problems);
    c->extract = cJSON_Duplicate(extract, 1);
    char *rules = get_string(extract, "rules", "extract", NULL, problems);
    if (rules) {
        free(c->rules_path);
        c->rules_path = bg_path_resolve(c->dir, rules);
        free(rules);
        if (access(c->rules_path, R_OK) != 0)
            bg_problems_add(problems, "extract.rules: %s: %s", c->rules_path, strerror(errno));
    }
    char *divisions = get_string(extract, "divisions", "extract", NULL, problems);
    if (divisions) {
        free(c->divisions_path);
        c->divisions_path = bg_path_resolve(c->dir, divisions);
        free(divisions);
        if (access(c->divisions_path, R_OK) != 0)
            bg_problems_add(problems, "extract.divisions: %s: %s", c->divisions_path, strerror(errno));
    }
}

static void load_guard(const cJSON *guard, bg_config *c, bg_problems *problems)
{
    if (!guard)
        return;
    if (!cJSON_IsObject(guard)) {
        bg_problems_add(problems, "guard: expected an object {min_documents, max_drop, allow_shrink}, got %s",
                        bg_json_kind(guard));
        return;
    }
    check_keys(guard, "guard", guard_keys, COUNT(guard_keys), problems);
    c->guard.min_documents =
        (long)get_number(guard, "min_documents", "guard", (double)c->guard.min_documents, 0, 1e12, true, problems);
    c->guard.max_drop = get_number(guard, "max_drop", "guard", c->guard.max_drop, 0, 1, false, problems);
    c->guard.allow_shrink = get_bool(guard, "allow_shrink", "guard", c->guard.allow_shrink, problems);
}

static void load_limits(const cJSON *limits, bg_config *c, bg_problems *problems)
{
    if (!limits)
        return;
    if (!cJSON_IsObject(limits)) {
        bg_problems_add(problems,
                        "limits: expected an object {document_bytes, seconds_per_document, rows_per_document}, got %s",
                        bg_json_kind(limits));
        return;
    }
    check_keys(limits, "limits", limits_keys, COUNT(limits_keys), problems);
    c->limits.document_bytes = (size_t)get_number(limits, "document_bytes", "limits", (double)c->limits.document_bytes,
                                                  1, 1024.0 * 1024 * 1024, true, problems);
    c->limits.seconds_per_document = get_number(limits, "seconds_per_document", "limits",
                                                c->limits.seconds_per_document, 0.001, 86400, false, problems);
    c->limits.rows_per_document = (size_t)get_number(limits, "rows_per_document", "limits",
                                                     (double)c->limits.rows_per_document, 1, 1e9, true, problems);
}

static void set_defaults(bg_config *c)
{
    c->guard.min_documents = 1;
    c->guard.max_drop = 0.5;
    c->limits.document_bytes = (size_t)256 * 1024 * 1024;
    c->limits.seconds_per_document = 120;
    c->limits.rows_per_document = 1000000;
    char *data = bg_data_dir();
    c->rules_path = data ? bg_path_join(data, "rules/gov_work_report.json") : NULL;
    c->divisions_path = data ? bg_path_join(data, "rules/divisions.csv") : NULL;
    free(data);
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    c->jobs = cpus < 1 ? 1 : cpus > 8 ? 8 : (int)cpus;
}

bg_config *bg_config_default(void)
{
    bg_config *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->job = strdup("adhoc");
    c->dir = strdup(".");
    set_defaults(c);
    if (!c->job || !c->dir || !c->rules_path || !c->divisions_path) {
        bg_config_free(c);
        return NULL;
    }
    return c;
}

/* {job} in the lock and state paths. */
static char *replace_job(const char *text, const char *job)
{
    size_t cap = strlen(text) + 1;
    for (const char *p = strstr(text, "{job}"); p; p = strstr(p + 5, "{job}"))
        cap += strlen(job);
    char *out = malloc(cap);
    if (!out)
        return NULL;
    size_t used = 0;
    for (const char *p = text; *p;) {
        if (!strncmp(p, "{job}", 5)) {
            memcpy(out + used, job, strlen(job));
            used += strlen(job);
            p += 5;
        } else {
            out[used++] = *p++;
        }
    }
    out[used] = '\0';
    return out;
}

bg_config *bg_config_read(const char *path, bg_problems *problems)
{
    size_t size;
    char *bytes = bg_read_file(path, &size);
    if (!bytes) {
        bg_problems_add(problems, "%s: cannot read: %s", path, strerror(errno));
        return NULL;
    }
    bg_config *c = bg_config_parse(bytes, size, path, problems);
    free(bytes);
    return c;
}

bg_config *bg_config_parse(const char *bytes, size_t size, const char *path, bg_problems *problems)
{
    cJSON *root = bg_json_parse(bytes, size, path, problems);
    if (!root)
        return NULL;
    bg_config *c = calloc(1, sizeof *c);
    if (!c) {
        cJSON_Delete(root);
        bg_problems_add(problems, "%s: out of memory", path);
        return NULL;
    }
    char hash[17];
    bg_content_hash(bytes, size, hash);
    c->config_hash = strdup(hash);
    c->path = strdup(path);
    if (!c->config_hash || !c->path) {
        bg_problems_add(problems, "%s: out of memory", path);
        cJSON_Delete(root);
        bg_config_free(c);
        return NULL;
    }
    /* the config's folder, absolute and without symlinks, so that a source's
     * name does not depend on how -c was typed */
    char *dir = bg_dirname(path);
    c->dir = dir ? realpath(dir, NULL) : NULL;
    if (!c->dir)
        c->dir = dir;
    else
        free(dir);
    set_defaults(c);
    size_t before = problems->count;

    if (!cJSON_IsObject(root)) {
        bg_problems_add(problems, "%s: expected a JSON object at the top, got %s", path, bg_json_kind(root));
        cJSON_Delete(root);
        bg_config_free(c);
        return NULL;
    }
    check_keys(root, "", top_keys, COUNT(top_keys), problems);

    char *base = bg_basename(path);
    if (base) {
        char *dot = strrchr(base, '.');
        if (dot && dot != base)
            *dot = '\0';
    }
    c->job = get_string(root, "job", "", base ? base : "job", problems);
    free(base);
    if (!c->job)
        bg_problems_add(problems, "job: out of memory");
    for (const char *p = c->job; p && *p; p++)
        if (*p == '/' || *p == '\0') {
            bg_problems_add(problems, "job: must not contain '/', got \"%s\"", c->job);
            break;
        }

    const cJSON *sources = cJSON_GetObjectItemCaseSensitive(root, "sources");
    if (!sources) {
        bg_problems_add(problems, "sources: missing (an array of files, folders or globs)");
    } else if (!cJSON_IsArray(sources) || cJSON_GetArraySize(sources) == 0) {
        bg_problems_add(problems, "sources: expected a non-empty array, got %s", bg_json_kind(sources));
    } else {
        c->source_count = (size_t)cJSON_GetArraySize(sources);
        c->sources = calloc(c->source_count, sizeof *c->sources);
        size_t i = 0;
        const cJSON *item;
        cJSON_ArrayForEach(item, sources)
        {
            load_source(item, i, c->dir, &c->sources[i], problems);
            i++;
        }
    }

    const cJSON *exporters = cJSON_GetObjectItemCaseSensitive(root, "exporters");
    if (!exporters) {
        bg_problems_add(problems, "exporters: missing (an array of {plugin, output, options})");
    } else if (!cJSON_IsArray(exporters) || cJSON_GetArraySize(exporters) == 0) {
        bg_problems_add(problems, "exporters: expected a non-empty array, got %s", bg_json_kind(exporters));
    } else {
        c->exporter_count = (size_t)cJSON_GetArraySize(exporters);
        c->exporters = calloc(c->exporter_count, sizeof *c->exporters);
        size_t i = 0;
        const cJSON *item;
        cJSON_ArrayForEach(item, exporters)
        {
            load_exporter(item, i, c->dir, &c->exporters[i], problems);
            i++;
        }
    }

    load_extract(cJSON_GetObjectItemCaseSensitive(root, "extract"), c, problems);

    char *plugin_dir = get_string(root, "plugin_dir", "", NULL, problems);
    if (plugin_dir) {
        c->plugin_dir = bg_path_resolve(c->dir, plugin_dir);
        free(plugin_dir);
        struct stat st;
        if (stat(c->plugin_dir, &st) != 0 || !S_ISDIR(st.st_mode))
            bg_problems_add(problems, "plugin_dir: %s is not a folder", c->plugin_dir);
    }

    char default_lock[300], default_state[300];
    snprintf(default_lock, sizeof default_lock, ".baogao/%s.lock", c->job ? c->job : "job");
    snprintf(default_state, sizeof default_state, ".baogao/%s.state.json", c->job ? c->job : "job");
    char *lock = get_string(root, "lock", "", default_lock, problems);
    char *state = get_string(root, "state", "", default_state, problems);
    char *lock_expanded = lock ? replace_job(lock, c->job ? c->job : "job") : NULL;
    char *state_expanded = state ? replace_job(state, c->job ? c->job : "job") : NULL;
    c->lock_path = lock_expanded ? bg_path_resolve(c->dir, lock_expanded) : NULL;
    c->state_path = state_expanded ? bg_path_resolve(c->dir, state_expanded) : NULL;
    free(lock_expanded);
    free(state_expanded);
    free(lock);
    free(state);

    /* the cache of unchanged sources' rows: a path, or false for none */
    const cJSON *cache = cJSON_GetObjectItemCaseSensitive(root, "cache");
    if (cJSON_IsFalse(cache)) {
        c->cache_path = NULL;
    } else if (cache && (!cJSON_IsString(cache) || !*cache->valuestring)) {
        char got[80];
        bg_json_describe(cache, got, sizeof got);
        bg_problems_add(problems, "cache: expected a path or false, got %s", got);
    } else {
        char default_cache[300];
        snprintf(default_cache, sizeof default_cache, ".baogao/%s.cache.sqlite", c->job ? c->job : "job");
        char *expanded = replace_job(cache ? cache->valuestring : default_cache, c->job ? c->job : "job");
        c->cache_path = expanded ? bg_path_resolve(c->dir, expanded) : NULL;
        free(expanded);
    }

    load_guard(cJSON_GetObjectItemCaseSensitive(root, "guard"), c, problems);
    load_limits(cJSON_GetObjectItemCaseSensitive(root, "limits"), c, problems);

    const cJSON *jobs = cJSON_GetObjectItemCaseSensitive(root, "jobs");
    if (jobs) {
        if (!cJSON_IsNumber(jobs) || jobs->valuedouble != (double)(int)jobs->valuedouble || jobs->valueint < 1 ||
            jobs->valueint > 256) {
            char got[80];
            bg_json_describe(jobs, got, sizeof got);
            bg_problems_add(problems, "jobs: expected an integer from 1 to 256, got %s", got);
        } else {
            c->jobs = jobs->valueint;
        }
    }
    cJSON_Delete(root);
    (void)before;
    return c;
}

bg_config *bg_config_load(const char *path, bg_problems *problems)
{
    size_t before = problems->count;
    bg_config *c = bg_config_read(path, problems);
    if (c && problems->count > before) {
        bg_config_free(c);
        return NULL;
    }
    return c;
}

static void free_strings(char **items, size_t count)
{
    for (size_t i = 0; i < count; i++)
        free(items[i]);
    free(items);
}

void bg_config_free(bg_config *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->source_count; i++) {
        bg_source_config *s = &c->sources[i];
        free(s->json_path);
        free(s->path);
        free_strings(s->include, s->include_count);
        free_strings(s->exclude, s->exclude_count);
        free(s->encoding);
        free(s->format);
        free(s->text_column);
        free(s->text_field);
        free(s->title_column);
        free(s->region_column);
        free(s->year_column);
        free(s->url_column);
        free(s->delimiter);
    }
    free(c->sources);
    for (size_t i = 0; i < c->exporter_count; i++) {
        free(c->exporters[i].json_path);
        free(c->exporters[i].plugin);
        free(c->exporters[i].output_template);
        cJSON_Delete(c->exporters[i].options);
    }
    free(c->exporters);
    free(c->path);
    free(c->dir);
    free(c->config_hash);
    free(c->job);
    free(c->plugin_dir);
    free(c->lock_path);
    free(c->state_path);
    free(c->cache_path);
    free(c->rules_path);
    free(c->divisions_path);
    cJSON_Delete(c->extract);
    free(c);
}

char *bg_config_expand_output(const char *template_path, const char *job, time_t when)
{
    /* First {job}, then strftime over the result (a job name with % is
     * escaped so strftime leaves it alone). */
    size_t cap = strlen(template_path) * 2 + strlen(job) * 8 + 64;
    char *with_job = malloc(cap);
    if (!with_job)
        return NULL;
    size_t used = 0;
    for (const char *p = template_path; *p;) {
        if (!strncmp(p, "{job}", 5)) {
            for (const char *j = job; *j; j++) {
                if (*j == '%')
                    with_job[used++] = '%';
                with_job[used++] = *j;
            }
            p += 5;
        } else {
            with_job[used++] = *p++;
        }
    }
    with_job[used] = '\0';
    struct tm tm;
    localtime_r(&when, &tm);
    size_t out_cap = used * 4 + 64;
    char *out = malloc(out_cap);
    if (out && strftime(out, out_cap, with_job, &tm) == 0 && used > 0) {
        free(out);
        out = NULL;
    }
    if (out && used == 0)
        out[0] = '\0';
    free(with_job);
    return out;
}

/* strftime conversions an output template may use: dates and times. */
static const char strftime_fields[] = "aAbBcCdDeFgGhHIjklmMnpPrRsStTuUVwWxXyYzZ%";

void bg_config_check_template(const char *template_path, const char *json_path, bg_problems *problems)
{
    for (const char *p = template_path; *p; p++) {
        if (*p == '{') {
            const char *close = strchr(p, '}');
            if (close && close - p == 4 && !strncmp(p, "{job}", 5)) {
                p = close;
                continue;
            }
            int n = close ? (int)(close - p + 1) : (int)strlen(p);
            bg_problems_add(problems, "%s: unknown placeholder '%.*s' in \"%s\" (known: {job} and strftime fields such as %%Y%%m%%d)",
                            json_path, n, p, template_path);
            if (!close)
                return;
            p = close;
        } else if (*p == '%') {
            char f = p[1];
            if (f == 'E' || f == 'O')
                f = p[2] ? p[2] : '\0';
            if (!f || !strchr(strftime_fields, f)) {
                bg_problems_add(problems, "%s: unknown date field '%%%c' in \"%s\" (use %%Y %%m %%d %%H %%M %%S …, %%%% for %%)",
                                json_path, f ? f : ' ', template_path);
                if (!f)
                    return;
            }
            p += (p[1] == 'E' || p[1] == 'O') ? 2 : 1;
        }
    }
}
