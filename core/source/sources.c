/* sources.c — source enumeration in sorted path order (so that outputs are
 * reproducible whatever the file system's order) and CSV containers. */
#define _GNU_SOURCE
#include "source/sources.h"

#include "log.h"
#include "paths.h"

#include <csv.h>
#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <glob.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

typedef struct file_vec {
    bg_source_file *items;
    size_t count, capacity;
    bool failed;
} file_vec;

static void vec_push(file_vec *v, const char *path, const bg_source_config *config)
{
    if (v->failed)
        return;
    if (v->count == v->capacity) {
        size_t capacity = v->capacity ? v->capacity * 2 : 64;
        bg_source_file *grown = realloc(v->items, capacity * sizeof *grown);
        if (!grown) {
            v->failed = true;
            return;
        }
        v->items = grown;
        v->capacity = capacity;
    }
    char *copy = strdup(path);
    if (!copy) {
        v->failed = true;
        return;
    }
    v->items[v->count].path = copy;
    v->items[v->count].config = config;
    v->count++;
}

/* Folders use include globs (default: the formats baogao reads); files and
 * globs named explicitly are taken as they are, minus excludes. */
static const char *const default_includes[] = {"*.txt", "*.text", "*.htm", "*.html", "*.xhtml", "*.csv"};

static bool wanted(const char *path, const bg_source_config *s, bool apply_include)
{
    const char *name = strrchr(path, '/');
    name = name ? name + 1 : path;
    for (size_t i = 0; i < s->exclude_count; i++)
        if (fnmatch(s->exclude[i], name, 0) == 0 || fnmatch(s->exclude[i], path, FNM_PATHNAME) == 0)
            return false;
    if (!apply_include)
        return true;
    if (s->include_count) {
        for (size_t i = 0; i < s->include_count; i++)
            if (fnmatch(s->include[i], name, 0) == 0 || fnmatch(s->include[i], path, FNM_PATHNAME) == 0)
                return true;
        return false;
    }
    if (name[0] == '.')
        return false;
    for (size_t i = 0; i < sizeof default_includes / sizeof default_includes[0]; i++)
        if (fnmatch(default_includes[i], name, FNM_CASEFOLD) == 0)
            return true;
    return false;
}

static bg_error walk(const char *dir, const bg_source_config *s, bool recursive, file_vec *v, char *msg,
                     size_t msg_size)
{
    DIR *d = opendir(dir);
    if (!d)
        return bg_fail(msg, msg_size, BG_E_IO, "%s: %s: %s", s->json_path, dir, strerror(errno));
    struct dirent *entry;
    bg_error result = BG_E_OK;
    while ((entry = readdir(d)) && result == BG_E_OK) {
        if (!strcmp(entry->d_name, ".") || !strcmp(entry->d_name, ".."))
            continue;
        char *path = bg_path_join(dir, entry->d_name);
        if (!path) {
            result = BG_E_NOMEM;
            break;
        }
        struct stat st;
        if (stat(path, &st) == 0) {
            if (S_ISDIR(st.st_mode)) {
                if (recursive && entry->d_name[0] != '.')
                    result = walk(path, s, recursive, v, msg, msg_size);
            } else if (S_ISREG(st.st_mode) && wanted(path, s, true)) {
                vec_push(v, path, s);
            }
        }
        free(path);
    }
    closedir(d);
    return result;
}

static int compare_files(const void *a, const void *b)
{
    return strcmp(((const bg_source_file *)a)->path, ((const bg_source_file *)b)->path);
}

bg_error bg_sources_list(const bg_config *config, bg_source_list *out, char *msg, size_t msg_size)
{
    file_vec v = {0};
    bg_error e = BG_E_OK;
    for (size_t i = 0; i < config->source_count && e == BG_E_OK; i++) {
        const bg_source_config *s = &config->sources[i];
        if (s->is_glob) {
            glob_t g;
            int rc = glob(s->path, GLOB_NOSORT, NULL, &g);
            if (rc == GLOB_NOMATCH) {
                bg_warn("%s.path: %s matches no file", s->json_path, s->path);
            } else if (rc != 0) {
                e = bg_fail(msg, msg_size, BG_E_IO, "%s.path: cannot expand %s", s->json_path, s->path);
            } else {
                for (size_t k = 0; k < g.gl_pathc && e == BG_E_OK; k++) {
                    struct stat st;
                    if (stat(g.gl_pathv[k], &st) != 0)
                        continue;
                    if (S_ISDIR(st.st_mode))
                        e = walk(g.gl_pathv[k], s, s->recursive, &v, msg, msg_size);
                    else if (S_ISREG(st.st_mode) && wanted(g.gl_pathv[k], s, s->include_count > 0))
                        vec_push(&v, g.gl_pathv[k], s);
                }
            }
            if (rc == 0)
                globfree(&g);
            continue;
        }
        struct stat st;
        if (stat(s->path, &st) != 0) {
            e = bg_fail(msg, msg_size, BG_E_IO, "%s.path: %s: %s", s->json_path, s->path, strerror(errno));
        } else if (S_ISDIR(st.st_mode)) {
            e = walk(s->path, s, s->recursive, &v, msg, msg_size);
        } else if (wanted(s->path, s, false)) {
            vec_push(&v, s->path, s);
        }
    }
    if (v.failed && e == BG_E_OK)
        e = bg_fail(msg, msg_size, BG_E_NOMEM, "out of memory listing sources");
    if (e != BG_E_OK) {
        bg_source_list list = {v.items, v.count};
        bg_source_list_free(&list);
        return e;
    }
    qsort(v.items, v.count, sizeof *v.items, compare_files);
    /* The same file named by two sources is read once, with the first. */
    size_t kept = 0;
    for (size_t i = 0; i < v.count; i++) {
        if (kept && !strcmp(v.items[kept - 1].path, v.items[i].path)) {
            free(v.items[i].path);
            continue;
        }
        v.items[kept++] = v.items[i];
    }
    out->files = v.items;
    out->count = kept;
    return BG_E_OK;
}

void bg_source_list_free(bg_source_list *list)
{
    for (size_t i = 0; i < list->count; i++)
        free(list->files[i].path);
    free(list->files);
    list->files = NULL;
    list->count = 0;
}

/* CSV containers --------------------------------------------------------- */

typedef struct csv_state {
    char **fields;
    size_t field_count, field_capacity;
    char **header;
    size_t header_count;
    bg_csv_rows *out;
    const bg_source_config *config;
    const char *name;
    long text_index, title_index, region_index, year_index, url_index;
    size_t row;
    bg_error error;
    char *msg;
    size_t msg_size;
} csv_state;

static void on_field(void *data, size_t length, void *user)
{
    csv_state *st = user;
    if (st->error)
        return;
    if (st->field_count == st->field_capacity) {
        size_t capacity = st->field_capacity ? st->field_capacity * 2 : 16;
        char **grown = realloc(st->fields, capacity * sizeof *grown);
        if (!grown) {
            st->error = BG_E_NOMEM;
            return;
        }
        st->fields = grown;
        st->field_capacity = capacity;
    }
    char *copy = malloc(length + 1);
    if (!copy) {
        st->error = BG_E_NOMEM;
        return;
    }
    if (length)
        memcpy(copy, data, length);
    copy[length] = '\0';
    st->fields[st->field_count++] = copy;
}

static long column_of(csv_state *st, const char *name, const char *key)
{
    if (!name)
        return -1;
    for (size_t i = 0; i < st->header_count; i++)
        if (!strcmp(st->header[i], name))
            return (long)i;
    if (!st->error) {
        char found[300] = "";
        for (size_t i = 0; i < st->header_count; i++) {
            strncat(found, i ? ", " : "", sizeof found - strlen(found) - 1);
            strncat(found, st->header[i], sizeof found - strlen(found) - 1);
        }
        st->error = bg_fail(st->msg, st->msg_size, BG_E_CONFIG, "%s: %s: no column '%s' (found: %s)", st->name, key,
                            name, found);
    }
    return -1;
}

static char *take_field(csv_state *st, long index)
{
    if (index < 0 || (size_t)index >= st->field_count)
        return NULL;
    char *value = st->fields[index];
    st->fields[index] = NULL;
    return value;
}

static void on_row(int terminator, void *user)
{
    (void)terminator;
    csv_state *st = user;
    if (st->error)
        goto done;
    if (!st->header) {
        /* The header: strip a UTF-8 BOM from the first name. */
        if (st->field_count && !strncmp(st->fields[0], "\xEF\xBB\xBF", 3))
            memmove(st->fields[0], st->fields[0] + 3, strlen(st->fields[0] + 3) + 1);
        st->header = st->fields;
        st->header_count = st->field_count;
        st->fields = NULL;
        st->field_count = st->field_capacity = 0;
        st->text_index = column_of(st, st->config->text_column, "text_column");
        st->title_index = column_of(st, st->config->title_column, "columns.title");
        st->region_index = column_of(st, st->config->region_column, "columns.region");
        st->year_index = column_of(st, st->config->year_column, "columns.year");
        st->url_index = column_of(st, st->config->url_column, "columns.url");
        return;
    }
    st->row++;
    bg_csv_rows *out = st->out;
    bg_csv_row *grown = realloc(out->rows, (out->count + 1) * sizeof *grown);
    if (!grown) {
        st->error = BG_E_NOMEM;
        goto done;
    }
    out->rows = grown;
    bg_csv_row *r = &out->rows[out->count++];
    memset(r, 0, sizeof *r);
    r->row = st->row;
    r->text = take_field(st, st->text_index);
    if (!r->text)
        r->text = strdup("");
    r->text_length = r->text ? strlen(r->text) : 0;
    r->title = take_field(st, st->title_index);
    r->region = take_field(st, st->region_index);
    r->url = take_field(st, st->url_index);
    char *year = take_field(st, st->year_index);
    if (year) {
        r->year = atoi(year);
        free(year);
    }
done:
    for (size_t i = 0; i < st->field_count; i++)
        free(st->fields[i]);
    st->field_count = 0;
}

bg_error bg_csv_read(const char *utf8, size_t length, const char *name, const bg_source_config *config,
                     bg_csv_rows *out, char *msg, size_t msg_size)
{
    memset(out, 0, sizeof *out);
    struct csv_parser parser;
    if (csv_init(&parser, 0) != 0)
        return bg_fail(msg, msg_size, BG_E_NOMEM, "%s: cannot start the CSV parser", name);
    if (config->delimiter && config->delimiter[0])
        csv_set_delim(&parser, (unsigned char)config->delimiter[0]);
    csv_state st = {.out = out,
                    .config = config,
                    .name = name,
                    .msg = msg,
                    .msg_size = msg_size,
                    .text_index = -1,
                    .title_index = -1,
                    .region_index = -1,
                    .year_index = -1,
                    .url_index = -1};
    if (csv_parse(&parser, utf8, length, on_field, on_row, &st) != length && !st.error)
        st.error = bg_fail(msg, msg_size, BG_E_DECODE, "%s: CSV error after data row %zu: %s", name, st.row,
                           csv_strerror(csv_error(&parser)));
    if (!st.error)
        csv_fini(&parser, on_field, on_row, &st);
    csv_free(&parser);
    for (size_t i = 0; i < st.field_count; i++)
        free(st.fields[i]);
    free(st.fields);
    for (size_t i = 0; i < st.header_count; i++)
        free(st.header[i]);
    free(st.header);
    if (!st.error && !st.header_count)
        st.error = bg_fail(msg, msg_size, BG_E_DECODE, "%s: empty CSV (no header row)", name);
    if (st.error) {
        if (st.error == BG_E_NOMEM)
            bg_fail(msg, msg_size, BG_E_NOMEM, "%s: out of memory reading CSV", name);
        bg_csv_rows_free(out);
        return st.error;
    }
    return BG_E_OK;
}

void bg_csv_rows_free(bg_csv_rows *rows)
{
    for (size_t i = 0; i < rows->count; i++) {
        free(rows->rows[i].text);
        free(rows->rows[i].title);
        free(rows->rows[i].region);
        free(rows->rows[i].url);
    }
    free(rows->rows);
    rows->rows = NULL;
    rows->count = 0;
}
