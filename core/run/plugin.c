/* plugin.c — the exporter loader and host. A plugin is refused, with one line,
 * before any of its callbacks runs: not a shared object, no entry symbol (and
 * which major it was built for, if any), a descriptor of the wrong major, a
 * newer minor, a size too small, or a missing required callback. */
#define _GNU_SOURCE
#include "run/plugin.h"

#include "config.h"
#include "log.h"
#include "paths.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <dirent.h>
#include <pcre2.h>
#include <stddef.h>
#include <dlfcn.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef BAOGAO_PLUGIN_INSTALL_DIR
#define BAOGAO_PLUGIN_INSTALL_DIR "lib/baogao/plugins"
#endif
#ifndef BAOGAO_VERSION
#define BAOGAO_VERSION "0.0.0"
#endif

static void dirs_add(bg_plugin_dirs *dirs, const char *dir)
{
    if (!dir || !*dir || dirs->count == sizeof dirs->dirs / sizeof dirs->dirs[0])
        return;
    for (size_t i = 0; i < dirs->count; i++)
        if (strcmp(dirs->dirs[i], dir) == 0)
            return;
    char *copy = strdup(dir);
    if (copy)
        dirs->dirs[dirs->count++] = copy;
}

void bg_plugin_dirs_init(bg_plugin_dirs *dirs, const char *plugin_dir)
{
    memset(dirs, 0, sizeof *dirs);
    dirs_add(dirs, plugin_dir);
    const char *env = getenv("BAOGAO_PLUGIN_PATH");
    if (env) {
        char *copy = strdup(env), *save = NULL;
        for (char *part = copy ? strtok_r(copy, ":", &save) : NULL; part; part = strtok_r(NULL, ":", &save))
            dirs_add(dirs, part);
        free(copy);
    }
    /* A program in its build tree uses the plugins built beside it, never an
     * installed copy that may be older; an installed one looks in its prefix. */
    char *build = bg_build_tree_dir("plugins");
    if (build) {
        dirs_add(dirs, build);
        free(build);
    } else {
        char *installed = bg_install_dir(BAOGAO_PLUGIN_INSTALL_DIR);
        dirs_add(dirs, installed);
        free(installed);
    }
}

void bg_plugin_dirs_free(bg_plugin_dirs *dirs)
{
    for (size_t i = 0; i < dirs->count; i++)
        free(dirs->dirs[i]);
    dirs->count = 0;
}

/* Host side of the API ------------------------------------------------------ */

static void host_log(bg_context *ctx, bg_log_level level, const char *format, ...)
{
    va_list ap;
    va_start(ap, format);
    bg_logv(level, ctx && ctx->plugin ? ctx->plugin->descriptor.name : "plugin", format, ap);
    va_end(ap);
}

static bg_status host_fail(bg_context *ctx, bg_status code, const char *format, ...)
{
    if (ctx) {
        va_list ap;
        va_start(ap, format);
        vsnprintf(ctx->message, sizeof ctx->message, format, ap);
        va_end(ap);
    }
    return code;
}

static void host_describe(bg_context *ctx, const char *format, ...)
{
    if (!ctx)
        return;
    va_list ap;
    va_start(ap, format);
    vsnprintf(ctx->description, sizeof ctx->description, format, ap);
    va_end(ap);
}

static const bg_option_spec *find_option(const bg_plugin *plugin, const char *name)
{
    for (size_t i = 0; i < plugin->descriptor.option_count; i++)
        if (strcmp(plugin->descriptor.options[i].name, name) == 0)
            return &plugin->descriptor.options[i];
    return NULL;
}

/* The option's value: the configured one, else the parsed default (owned by
 * the caller through *owned). */
static const cJSON *option_value(bg_context *ctx, const char *name, const bg_option_spec **spec_out, cJSON **owned)
{
    *owned = NULL;
    const bg_option_spec *spec = find_option(ctx->plugin, name);
    *spec_out = spec;
    if (!spec)
        return NULL;
    const cJSON *v = ctx->options ? cJSON_GetObjectItemCaseSensitive(ctx->options, name) : NULL;
    if (v)
        return v;
    if (!spec->default_value)
        return NULL;
    *owned = cJSON_Parse(spec->default_value);
    return *owned;
}

static int host_option_bool(bg_context *ctx, const char *name)
{
    const bg_option_spec *spec;
    cJSON *owned;
    const cJSON *v = option_value(ctx, name, &spec, &owned);
    int result = spec && spec->type == BG_OPTION_BOOL && cJSON_IsTrue(v);
    cJSON_Delete(owned);
    return result;
}

static int64_t host_option_integer(bg_context *ctx, const char *name)
{
    const bg_option_spec *spec;
    cJSON *owned;
    const cJSON *v = option_value(ctx, name, &spec, &owned);
    int64_t result = spec && spec->type == BG_OPTION_INTEGER && cJSON_IsNumber(v) ? (int64_t)v->valuedouble : 0;
    cJSON_Delete(owned);
    return result;
}

static double host_option_real(bg_context *ctx, const char *name)
{
    const bg_option_spec *spec;
    cJSON *owned;
    const cJSON *v = option_value(ctx, name, &spec, &owned);
    double result = spec && (spec->type == BG_OPTION_REAL || spec->type == BG_OPTION_INTEGER) && cJSON_IsNumber(v)
                        ? v->valuedouble
                        : 0.0;
    cJSON_Delete(owned);
    return result;
}

/* Text options: the value must outlive the call, so configured values are
 * returned from the config tree and defaults from the static declaration. */
static const char *host_option_text(bg_context *ctx, const char *name)
{
    const bg_option_spec *spec = find_option(ctx->plugin, name);
    if (!spec || (spec->type != BG_OPTION_TEXT && spec->type != BG_OPTION_CHOICE))
        return NULL;
    const cJSON *v = ctx->options ? cJSON_GetObjectItemCaseSensitive(ctx->options, name) : NULL;
    if (cJSON_IsString(v))
        return v->valuestring;
    if (!spec->default_value)
        return NULL;
    /* Defaults are declared as JSON text ("\"excel\""): parse once, keep the
     * copy on the context so that it lives until close. */
    cJSON *parsed = cJSON_Parse(spec->default_value);
    char *copy = cJSON_IsString(parsed) ? strdup(parsed->valuestring) : NULL;
    cJSON_Delete(parsed);
    if (!copy)
        return NULL;
    char **kept = realloc(ctx->kept, (ctx->kept_count + 1) * sizeof *kept);
    if (!kept) {
        free(copy);
        return NULL;
    }
    ctx->kept = kept;
    ctx->kept[ctx->kept_count++] = copy;
    return copy;
}

static int host_option_is_set(bg_context *ctx, const char *name)
{
    return find_option(ctx->plugin, name) && ctx->options &&
           cJSON_GetObjectItemCaseSensitive(ctx->options, name) != NULL;
}

static const char *host_output_path(bg_context *ctx)
{
    return ctx->output_path;
}
static const char *host_job_name(bg_context *ctx)
{
    return ctx->job;
}
static double host_shrink_limit(bg_context *ctx)
{
    return ctx->shrink_limit;
}

static const char *host_version(bg_context *ctx)
{
    (void)ctx;
    return BAOGAO_VERSION;
}

static const char *host_output_file(bg_context *ctx, const char *name)
{
    char *final_path;
    if (name) {
        if (!*name || strchr(name, '/') || strcmp(name, ".") == 0 || strcmp(name, "..") == 0) {
            host_fail(ctx, BG_ERR_INTERNAL, "output_file: '%s' is not a plain file name", name);
            return NULL;
        }
        if (bg_mkdirs(ctx->output_path) != 0) {
            host_fail(ctx, BG_ERR_IO, "%s: cannot create folder: %s", ctx->output_path, strerror(errno));
            return NULL;
        }
        final_path = bg_path_join(ctx->output_path, name);
    } else {
        char *dir = bg_dirname(ctx->output_path);
        if (!dir || bg_mkdirs(dir) != 0) {
            host_fail(ctx, BG_ERR_IO, "%s: cannot create folder: %s", dir ? dir : "?", strerror(errno));
            free(dir);
            return NULL;
        }
        free(dir);
        final_path = strdup(ctx->output_path);
    }
    if (!final_path)
        return NULL;
    for (size_t i = 0; i < ctx->file_count; i++)
        if (strcmp(ctx->files[i].final_path, final_path) == 0) {
            free(final_path);
            return ctx->files[i].temp_path;
        }
    char *dir = bg_dirname(final_path);
    char *base = bg_basename(final_path);
    char temp_name[512];
    static unsigned counter;
    snprintf(temp_name, sizeof temp_name, ".%s.baogao-tmp-%ld-%u", base ? base : "out", (long)getpid(),
             __atomic_fetch_add(&counter, 1, __ATOMIC_RELAXED));
    char *temp_path = dir ? bg_path_join(dir, temp_name) : NULL;
    free(dir);
    free(base);
    if (!temp_path) {
        free(final_path);
        return NULL;
    }
    if (ctx->file_count == ctx->file_capacity) {
        size_t capacity = ctx->file_capacity ? ctx->file_capacity * 2 : 4;
        struct bg_output_file *files = realloc(ctx->files, capacity * sizeof *files);
        if (!files) {
            free(temp_path);
            free(final_path);
            return NULL;
        }
        ctx->files = files;
        ctx->file_capacity = capacity;
    }
    ctx->files[ctx->file_count].temp_path = temp_path;
    ctx->files[ctx->file_count].final_path = final_path;
    ctx->file_count++;
    return temp_path;
}

static const bg_host_api host_api = {
    .struct_size = sizeof(bg_host_api),
    .abi_major = BG_EXPORTER_ABI_MAJOR,
    .abi_minor = BG_EXPORTER_ABI_MINOR,
    .log = host_log,
    .fail = host_fail,
    .option_bool = host_option_bool,
    .option_integer = host_option_integer,
    .option_real = host_option_real,
    .option_text = host_option_text,
    .output_path = host_output_path,
    .output_file = host_output_file,
    .job_name = host_job_name,
    .host_version = host_version,
    .option_is_set = host_option_is_set,
    .shrink_limit = host_shrink_limit,
    .describe = host_describe,
};

const bg_host_api *bg_host_api_get(void)
{
    return &host_api;
}

/* Loading ------------------------------------------------------------------ */

static bool valid_identifier(const char *s)
{
    if (!s || !(*s >= 'a' && *s <= 'z'))
        return false;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_'))
            return false;
    return true;
}

bg_error bg_plugin_load_file(const char *path, bg_plugin **out, char *msg, size_t msg_size)
{
    *out = NULL;
    dlerror();
    void *handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
        const char *why = dlerror();
        return bg_fail(msg, msg_size, BG_E_PLUGIN, "plugin %s: cannot load: %s", path, why ? why : "unknown error");
    }
    bg_exporter_entry_fn entry = NULL;
    *(void **)&entry = dlsym(handle, BG_EXPORTER_ENTRY_NAME);
    if (!entry) {
        /* Say which ABI it was built for, if any. */
        for (int major = 0; major < 100; major++) {
            char name[64];
            snprintf(name, sizeof name, "bg_exporter_entry_v%d", major);
            if (major != BG_EXPORTER_ABI_MAJOR && dlsym(handle, name)) {
                dlclose(handle);
                return bg_fail(msg, msg_size, BG_E_PLUGIN,
                               "plugin %s: built for exporter ABI %d (found %s), this baogao speaks ABI %d", path,
                               major, name, BG_EXPORTER_ABI_MAJOR);
            }
        }
        dlclose(handle);
        return bg_fail(msg, msg_size, BG_E_PLUGIN, "plugin %s: not a baogao exporter (no symbol %s)", path,
                       BG_EXPORTER_ENTRY_NAME);
    }
    const bg_exporter *d = entry(&host_api);
    if (!d) {
        dlclose(handle);
        return bg_fail(msg, msg_size, BG_E_PLUGIN, "plugin %s: refused to load (its entry returned NULL)", path);
    }
    /* Check the header fields before reading anything else. */
    const size_t header = offsetof(bg_exporter, name);
    if (d->struct_size < header || d->abi_major != BG_EXPORTER_ABI_MAJOR) {
        unsigned major = d->struct_size >= header ? d->abi_major : 0;
        dlclose(handle);
        return bg_fail(msg, msg_size, BG_E_PLUGIN, "plugin %s: exporter ABI %u, this baogao speaks ABI %d", path, major,
                       BG_EXPORTER_ABI_MAJOR);
    }
    /* Copy what the messages need: d points into the library. */
    unsigned major = d->abi_major, minor = d->abi_minor, size = d->struct_size;
    if (minor > BG_EXPORTER_ABI_MINOR) {
        dlclose(handle);
        return bg_fail(msg, msg_size, BG_E_PLUGIN,
                       "plugin %s: needs exporter ABI %u.%u, this baogao speaks %d.%d (upgrade baogao)", path, major,
                       minor, BG_EXPORTER_ABI_MAJOR, BG_EXPORTER_ABI_MINOR);
    }
    const size_t required = offsetof(bg_exporter, close) + sizeof(d->close);
    if (size < required) {
        dlclose(handle);
        return bg_fail(msg, msg_size, BG_E_PLUGIN,
                       "plugin %s: descriptor of %u bytes is too small for ABI %u.%u (needs %zu)", path, size, major,
                       minor, required);
    }
    bg_plugin *p = calloc(1, sizeof *p);
    if (!p) {
        dlclose(handle);
        return bg_fail(msg, msg_size, BG_E_NOMEM, "plugin %s: out of memory", path);
    }
    /* Never copy by the host's sizeof: read only what the plugin's size covers. */
    size_t n = d->struct_size < sizeof p->descriptor ? d->struct_size : sizeof p->descriptor;
    memcpy(&p->descriptor, d, n);
    p->plugin_struct_size = d->struct_size;
    p->handle = handle;
    p->path = strdup(path);
    if (!p->path) {
        bg_plugin_unload(p);
        return bg_fail(msg, msg_size, BG_E_NOMEM, "plugin %s: out of memory", path);
    }
    const bg_exporter *e = &p->descriptor;
    const char *missing = !valid_identifier(e->name) ? "a valid name"
                          : !e->open                 ? "open"
                          : !e->begin_table          ? "begin_table"
                          : !e->write_row            ? "write_row"
                          : !e->end_table            ? "end_table"
                          : !e->close                ? "close"
                          : (e->output_kind != BG_OUTPUT_FILE && e->output_kind != BG_OUTPUT_DIRECTORY)
                              ? "a valid output_kind"
                          : (e->option_count && !e->options) ? "its options table"
                                                             : NULL;
    if (missing) {
        bg_fail(msg, msg_size, BG_E_PLUGIN, "plugin %s: descriptor lacks %s", path, missing);
        bg_plugin_unload(p);
        return BG_E_PLUGIN;
    }
    for (size_t i = 0; i < e->option_count; i++) {
        const bg_option_spec *o = &e->options[i];
        if (!valid_identifier(o->name) || o->type < BG_OPTION_BOOL || o->type > BG_OPTION_CHOICE ||
            (o->type == BG_OPTION_CHOICE && !o->choices)) {
            bg_fail(msg, msg_size, BG_E_PLUGIN, "plugin %s: option %zu is malformed", path, i);
            bg_plugin_unload(p);
            return BG_E_PLUGIN;
        }
    }
    *out = p;
    return BG_E_OK;
}

bg_error bg_plugin_load(const bg_plugin_dirs *dirs, const char *name, bg_plugin **out, char *msg, size_t msg_size)
{
    *out = NULL;
    for (size_t i = 0; i < dirs->count; i++) {
        char file[256];
        snprintf(file, sizeof file, "%s.so", name);
        char *path = bg_path_join(dirs->dirs[i], file);
        if (!path)
            return BG_E_NOMEM;
        struct stat st;
        if (stat(path, &st) == 0) {
            bg_error e = bg_plugin_load_file(path, out, msg, msg_size);
            free(path);
            if (e == BG_E_OK && strcmp((*out)->descriptor.name, name) != 0) {
                bg_fail(msg, msg_size, BG_E_PLUGIN, "plugin %s.so: calls itself '%s'", name, (*out)->descriptor.name);
                bg_plugin_unload(*out);
                *out = NULL;
                return BG_E_PLUGIN;
            }
            return e;
        }
        free(path);
    }
    size_t count = 0;
    char **names = bg_plugin_names(dirs, &count);
    char found[256] = "";
    size_t used = 0;
    for (size_t i = 0; i < count; i++) {
        int w = snprintf(found + used, sizeof found - used, "%s%s", i ? ", " : "", names[i]);
        if (w > 0 && (size_t)w < sizeof found - used)
            used += (size_t)w;
        free(names[i]);
    }
    free(names);
    return bg_fail(msg, msg_size, BG_E_PLUGIN, "no plugin '%s' (found: %s)", name, count ? found : "none");
}

void bg_plugin_unload(bg_plugin *plugin)
{
    if (!plugin)
        return;
    if (plugin->handle && !getenv("BAOGAO_NO_DLCLOSE")) /* sanitizers want symbols kept */
        dlclose(plugin->handle);
    free(plugin->path);
    free(plugin);
}

static int compare_strings(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

char **bg_plugin_names(const bg_plugin_dirs *dirs, size_t *count)
{
    char **names = NULL;
    size_t n = 0, capacity = 0;
    for (size_t i = 0; i < dirs->count; i++) {
        DIR *d = opendir(dirs->dirs[i]);
        if (!d)
            continue;
        struct dirent *entry;
        while ((entry = readdir(d))) {
            size_t len = strlen(entry->d_name);
            if (len < 4 || strcmp(entry->d_name + len - 3, ".so") != 0 || entry->d_name[0] == '.')
                continue;
            char *name = strndup(entry->d_name, len - 3);
            if (!name)
                continue;
            bool seen = false;
            for (size_t k = 0; k < n && !seen; k++)
                seen = strcmp(names[k], name) == 0;
            if (seen) {
                free(name);
                continue;
            }
            if (n == capacity) {
                capacity = capacity ? capacity * 2 : 8;
                char **grown = realloc(names, capacity * sizeof *grown);
                if (!grown) {
                    free(name);
                    break;
                }
                names = grown;
            }
            names[n++] = name;
        }
        closedir(d);
    }
    if (n)
        qsort(names, n, sizeof *names, compare_strings);
    *count = n;
    return names;
}

/* Options ------------------------------------------------------------------ */

static bool choice_ok(const char *choices, const char *value)
{
    size_t len = strlen(value);
    for (const char *p = choices; *p;) {
        const char *bar = strchr(p, '|');
        size_t part = bar ? (size_t)(bar - p) : strlen(p);
        if (part == len && strncmp(p, value, len) == 0)
            return true;
        if (!bar)
            break;
        p = bar + 1;
    }
    return false;
}

static const bg_option_limits *option_limits(const bg_plugin *plugin, size_t i);
static void check_limits(const bg_option_spec *spec, const bg_option_limits *limits, const cJSON *item,
                         const char *json_path, const char *got, bg_problems *problems);

void bg_plugin_validate_options(const bg_plugin *plugin, const cJSON *options, const char *json_path,
                                bg_problems *problems)
{
    if (!options)
        return;
    if (!cJSON_IsObject(options)) {
        bg_problems_add(problems, "%s: expected an object, got %s", json_path, bg_json_kind(options));
        return;
    }
    const bg_exporter *e = &plugin->descriptor;
    const cJSON *item;
    cJSON_ArrayForEach(item, options)
    {
        const bg_option_spec *spec = find_option(plugin, item->string);
        char got[128];
        bg_json_describe(item, got, sizeof got);
        if (!spec) {
            const char *names[64];
            size_t count = e->option_count < 64 ? e->option_count : 64;
            for (size_t i = 0; i < count; i++)
                names[i] = e->options[i].name;
            const char *near = bg_nearest(item->string, names, count);
            if (near)
                bg_problems_add(problems, "%s.%s: plugin '%s' has no option '%s' (did you mean '%s'?)", json_path,
                                item->string, e->name, item->string, near);
            else
                bg_problems_add(problems, "%s.%s: plugin '%s' has no option '%s'", json_path, item->string, e->name,
                                item->string);
            continue;
        }
        size_t before = problems->count;
        switch (spec->type) {
        case BG_OPTION_BOOL:
            if (!cJSON_IsBool(item))
                bg_problems_add(problems, "%s.%s: expected true or false, got %s", json_path, item->string, got);
            break;
        case BG_OPTION_INTEGER:
            if (!cJSON_IsNumber(item) || item->valuedouble != floor(item->valuedouble))
                bg_problems_add(problems, "%s.%s: expected an integer, got %s", json_path, item->string, got);
            break;
        case BG_OPTION_REAL:
            if (!cJSON_IsNumber(item))
                bg_problems_add(problems, "%s.%s: expected a number, got %s", json_path, item->string, got);
            break;
        case BG_OPTION_TEXT:
            if (!cJSON_IsString(item))
                bg_problems_add(problems, "%s.%s: expected a string, got %s", json_path, item->string, got);
            break;
        case BG_OPTION_CHOICE:
            if (!cJSON_IsString(item) || !choice_ok(spec->choices, item->valuestring))
                bg_problems_add(problems, "%s.%s: expected one of %s, got %s", json_path, item->string, spec->choices,
                                got);
            break;
        }
        const bg_option_limits *limits = option_limits(plugin, (size_t)(spec - e->options));
        if (problems->count == before && limits)
            check_limits(spec, limits, item, json_path, got, problems);
    }
}

/* The plugin's bounds of option i (ABI 1.1), or NULL. */
static const bg_option_limits *option_limits(const bg_plugin *plugin, size_t i)
{
    const bg_exporter *e = &plugin->descriptor;
    size_t needed = offsetof(bg_exporter, option_limits_size) + sizeof e->option_limits_size;
    if (plugin->plugin_struct_size < needed || !e->option_limits ||
        e->option_limits_size < offsetof(bg_option_limits, pattern))
        return NULL;
    return (const bg_option_limits *)(const void *)((const char *)e->option_limits + i * e->option_limits_size);
}

static void check_limits(const bg_option_spec *spec, const bg_option_limits *limits, const cJSON *item,
                         const char *json_path, const char *got, bg_problems *problems)
{
    if (cJSON_IsNumber(item)) {
        double v = item->valuedouble;
        bool low = (limits->flags & BG_OPTION_HAS_MINIMUM) && v < limits->minimum;
        bool high = (limits->flags & BG_OPTION_HAS_MAXIMUM) && v > limits->maximum;
        if (low || high) {
            if ((limits->flags & BG_OPTION_HAS_MINIMUM) && (limits->flags & BG_OPTION_HAS_MAXIMUM))
                bg_problems_add(problems, "%s.%s: expected a value from %.15g to %.15g, got %s", json_path, spec->name,
                                limits->minimum, limits->maximum, got);
            else if (low)
                bg_problems_add(problems, "%s.%s: expected at least %.15g, got %s", json_path, spec->name,
                                limits->minimum, got);
            else
                bg_problems_add(problems, "%s.%s: expected at most %.15g, got %s", json_path, spec->name,
                                limits->maximum, got);
        }
    }
    size_t pattern_end = offsetof(bg_option_limits, pattern) + sizeof limits->pattern;
    (void)pattern_end;
    if (cJSON_IsString(item) && limits->pattern) {
        int code;
        PCRE2_SIZE offset;
        pcre2_code *re = pcre2_compile((PCRE2_SPTR)limits->pattern, PCRE2_ZERO_TERMINATED,
                                       PCRE2_UTF | PCRE2_ANCHORED | PCRE2_ENDANCHORED, &code, &offset, NULL);
        if (!re) {
            bg_problems_add(problems, "%s.%s: the plugin's pattern for this option does not compile", json_path,
                            spec->name);
            return;
        }
        pcre2_match_data *md = pcre2_match_data_create_from_pattern(re, NULL);
        int rc = md ? pcre2_match(re, (PCRE2_SPTR)item->valuestring, PCRE2_ZERO_TERMINATED, 0, 0, md, NULL) : -1;
        if (rc < 0)
            bg_problems_add(problems, "%s.%s: expected %s, got %s", json_path, spec->name,
                            limits->pattern_help ? limits->pattern_help : "a value matching the plugin's pattern",
                            got);
        pcre2_match_data_free(md);
        pcre2_code_free(re);
    }
}

void bg_plugin_check(const bg_plugin *plugin, const char *output, const cJSON *options, const char *job,
                     const bg_table_schema *const *tables, size_t table_count, const char *json_path,
                     bg_problems *problems)
{
    const bg_exporter *e = &plugin->descriptor;
    size_t needed = offsetof(bg_exporter, check) + sizeof e->check;
    if (plugin->plugin_struct_size < needed || !e->check)
        return;
    bg_context *ctx = bg_context_new(plugin, output, options, job);
    if (!ctx) {
        bg_problems_add(problems, "%s: out of memory", json_path);
        return;
    }
    if (e->check(ctx, tables, table_count) != BG_OK)
        bg_problems_add(problems, "%s: %s", json_path,
                        ctx->message[0] ? ctx->message : "refused by the plugin's check, without a message");
    bg_context_free(ctx);
}

/* Contexts ----------------------------------------------------------------- */

bg_context *bg_context_new(const bg_plugin *plugin, const char *output_path, const cJSON *options, const char *job)
{
    bg_context *ctx = calloc(1, sizeof *ctx);
    if (!ctx)
        return NULL;
    ctx->plugin = plugin;
    ctx->options = options;
    ctx->shrink_limit = 1.0;
    ctx->output_path = strdup(output_path ? output_path : "");
    ctx->job = strdup(job ? job : "");
    if (!ctx->output_path || !ctx->job) {
        bg_context_free(ctx);
        return NULL;
    }
    return ctx;
}

bg_error bg_context_publish(bg_context *ctx, char *msg, size_t msg_size)
{
    for (size_t i = 0; i < ctx->file_count; i++) {
        struct bg_output_file *f = &ctx->files[i];
        if (!f->temp_path)
            continue;
        if (access(f->temp_path, F_OK) != 0)
            continue; /* the plugin asked for a path but wrote nothing there */
        if (rename(f->temp_path, f->final_path) != 0)
            return bg_fail(msg, msg_size, BG_E_IO, "%s: cannot move into place: %s", f->final_path, strerror(errno));
        bg_debug("wrote %s", f->final_path);
        free(f->temp_path);
        f->temp_path = NULL;
    }
    return BG_E_OK;
}

void bg_context_discard(bg_context *ctx)
{
    for (size_t i = 0; i < ctx->file_count; i++) {
        struct bg_output_file *f = &ctx->files[i];
        if (f->temp_path) {
            unlink(f->temp_path);
            free(f->temp_path);
            f->temp_path = NULL;
        }
    }
}

void bg_context_free(bg_context *ctx)
{
    if (!ctx)
        return;
    bg_context_discard(ctx);
    for (size_t i = 0; i < ctx->file_count; i++)
        free(ctx->files[i].final_path);
    free(ctx->files);
    for (size_t i = 0; i < ctx->kept_count; i++)
        free(ctx->kept[i]);
    free(ctx->kept);
    free(ctx->output_path);
    free(ctx->job);
    free(ctx);
}
