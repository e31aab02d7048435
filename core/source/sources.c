/* sources.c — source enumeration in sorted path order (so that outputs are
 * reproducible whatever the file system's order). Folders are walked once
 * per real folder (device and inode), so a symlink loop adds nothing; what
 * cannot be listed or is not a regular file becomes a failed source, so one
 * bad folder never stops the job. */
#define _GNU_SOURCE
#include "source/sources.h"

#include "log.h"
#include "paths.h"

#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <glob.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

typedef struct file_vec {
    bg_source_file *items;
    size_t count, capacity;
    bool failed;
} file_vec;

/* Folders already walked, by device and inode. */
typedef struct folder_set {
    struct folder_id {
        dev_t dev;
        ino_t ino;
    } * items;
    size_t count, capacity;
} folder_set;

typedef struct walker {
    const bg_config *config;
    const volatile sig_atomic_t *stop;
    file_vec files;
    folder_set folders;
} walker;

/* path relative to dir when it lies below it, else NULL. */
static char *below(const char *dir, const char *path)
{
    size_t n = dir ? strlen(dir) : 0;
    while (n > 1 && dir[n - 1] == '/')
        n--;
    if (n && strncmp(path, dir, n) == 0 && path[n] == '/' && path[n + 1])
        return strdup(path + n + 1);
    if (n == 1 && dir[0] == '/' && path[0] == '/' && path[1])
        return strdup(path + 1);
    return NULL;
}

char *bg_source_name(const char *dir, const char *path)
{
    char *name = below(dir, path);
    if (name || path[0] != '/')
        return name ? name : strdup(path);
    /* Not below the config's folder as written: the same file reached through
     * a symlinked folder must still get one name, so resolve its folder. The
     * file itself is not resolved (a symlinked report keeps its own name). */
    char *folder = bg_dirname(path), *base = bg_basename(path);
    char *real = folder ? realpath(folder, NULL) : NULL;
    char *resolved = real && base ? bg_path_join(real, base) : NULL;
    free(folder);
    free(base);
    free(real);
    if (resolved) {
        name = below(dir, resolved);
        if (!name)
            return resolved;
        free(resolved);
        return name;
    }
    return strdup(path);
}

static void push(walker *w, const char *path, const bg_source_config *config, const char *error, uint64_t size)
{
    file_vec *v = &w->files;
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
    bg_source_file *f = &v->items[v->count];
    f->path = strdup(path);
    f->name = bg_source_name(w->config->dir, path);
    f->error = error ? strdup(error) : NULL;
    f->config = config;
    f->size = size;
    if (!f->path || !f->name || (error && !f->error)) {
        free(f->path);
        free(f->name);
        free(f->error);
        v->failed = true;
        return;
    }
    v->count++;
}

static void push_failed(walker *w, const char *path, const bg_source_config *config, const char *format,
                        const char *detail)
{
    char why[1024];
    snprintf(why, sizeof why, format, path, detail);
    push(w, path, config, why, 0);
}

/* true when the folder was not walked yet (and marks it walked). */
static bool first_visit(walker *w, const struct stat *st)
{
    folder_set *s = &w->folders;
    for (size_t i = 0; i < s->count; i++)
        if (s->items[i].dev == st->st_dev && s->items[i].ino == st->st_ino)
            return false;
    if (s->count == s->capacity) {
        size_t capacity = s->capacity ? s->capacity * 2 : 32;
        struct folder_id *grown = realloc(s->items, capacity * sizeof *grown);
        if (!grown) {
            w->files.failed = true;
            return false;
        }
        s->items = grown;
        s->capacity = capacity;
    }
    s->items[s->count].dev = st->st_dev;
    s->items[s->count].ino = st->st_ino;
    s->count++;
    return true;
}

/* Folders use include globs (default: the files of the source's format — a
 * corpus folder its .csv or .jsonl files, any other its texts and pages);
 * files and globs named explicitly are taken as they are, minus excludes. */
static const char *const default_includes[] = {"*.txt", "*.text", "*.htm", "*.html", "*.xhtml", NULL};
static const char *const csv_includes[] = {"*.csv", "*.tsv", NULL};
static const char *const jsonl_includes[] = {"*.jsonl", "*.ndjson", "*.jsonlines", NULL};

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
    const char *const *includes = !s->format                  ? default_includes
                                  : !strcmp(s->format, "csv")   ? csv_includes
                                  : !strcmp(s->format, "jsonl") ? jsonl_includes
                                                                : default_includes;
    for (size_t i = 0; includes[i]; i++)
        if (fnmatch(includes[i], name, FNM_CASEFOLD) == 0)
            return true;
    return false;
}

static const char *file_kind(mode_t mode)
{
    return S_ISFIFO(mode)   ? "a FIFO"
           : S_ISCHR(mode)  ? "a character device"
           : S_ISBLK(mode)  ? "a block device"
           : S_ISSOCK(mode) ? "a socket"
           : S_ISDIR(mode)  ? "a folder"
                            : "not a regular file";
}

static bool stopped(const walker *w)
{
    return w->stop && *w->stop;
}

/* A folder and, when recursive, its subfolders (not hidden ones). */
static void walk(walker *w, const char *dir, const struct stat *dir_st, const bg_source_config *s)
{
    if (!first_visit(w, dir_st) || stopped(w))
        return;
    DIR *d = opendir(dir);
    if (!d) {
        push_failed(w, dir, s, "%s: cannot open folder: %s", strerror(errno));
        return;
    }
    struct dirent *entry;
    while ((entry = readdir(d)) && !w->files.failed && !stopped(w)) {
        if (!strcmp(entry->d_name, ".") || !strcmp(entry->d_name, ".."))
            continue;
        char *path = bg_path_join(dir, entry->d_name);
        if (!path) {
            w->files.failed = true;
            break;
        }
        struct stat st;
        if (stat(path, &st) != 0) {
            /* a dangling symlink, or an entry that vanished: only a file we
             * would have read is worth a failed source */
            if (wanted(path, s, true) && errno != ENOENT)
                push_failed(w, path, s, "%s: cannot read: %s", strerror(errno));
        } else if (S_ISDIR(st.st_mode)) {
            if (s->recursive && entry->d_name[0] != '.')
                walk(w, path, &st, s);
        } else if (wanted(path, s, true)) {
            if (S_ISREG(st.st_mode))
                push(w, path, s, NULL, (uint64_t)st.st_size);
            else
                push_failed(w, path, s, "%s: %s, not read (only regular files are sources)", file_kind(st.st_mode));
        }
        free(path);
    }
    closedir(d);
}

/* One path named by the config or matched by a glob. */
static void visit(walker *w, const char *path, const bg_source_config *s, bool apply_include)
{
    struct stat st;
    if (stat(path, &st) != 0)
        push_failed(w, path, s, "%s: %s", strerror(errno));
    else if (S_ISDIR(st.st_mode))
        walk(w, path, &st, s);
    else if (!wanted(path, s, apply_include))
        return;
    else if (S_ISREG(st.st_mode))
        push(w, path, s, NULL, (uint64_t)st.st_size);
    else
        push_failed(w, path, s, "%s: %s, not read (only regular files are sources)", file_kind(st.st_mode));
}

static int compare_files(const void *a, const void *b)
{
    return strcmp(((const bg_source_file *)a)->path, ((const bg_source_file *)b)->path);
}

bg_error bg_sources_list(const bg_config *config, const volatile sig_atomic_t *stop, bg_source_list *out, char *msg,
                         size_t msg_size)
{
    walker w = {.config = config, .stop = stop};
    bg_error e = BG_E_OK;
    for (size_t i = 0; i < config->source_count && e == BG_E_OK && !stopped(&w); i++) {
        const bg_source_config *s = &config->sources[i];
        if (!s->path)
            continue;
        if (!s->is_glob) {
            visit(&w, s->path, s, false);
            continue;
        }
        glob_t g;
        int rc = glob(s->path, 0, NULL, &g);
        if (rc == GLOB_NOMATCH)
            bg_warn("%s.path: %s matches no file", s->json_path, s->path);
        else if (rc != 0)
            e = bg_fail(msg, msg_size, rc == GLOB_NOSPACE ? BG_E_NOMEM : BG_E_IO, "%s.path: cannot expand %s",
                        s->json_path, s->path);
        else
            for (size_t k = 0; k < g.gl_pathc && !stopped(&w); k++)
                visit(&w, g.gl_pathv[k], s, s->include_count > 0);
        if (rc == 0)
            globfree(&g);
    }
    free(w.folders.items);
    if (w.files.failed && e == BG_E_OK)
        e = bg_fail(msg, msg_size, BG_E_NOMEM, "out of memory listing sources");
    if (e == BG_E_OK && stopped(&w))
        e = bg_fail(msg, msg_size, BG_E_INTERRUPTED, "interrupted while listing sources");
    if (e != BG_E_OK) {
        bg_source_list list = {w.files.items, w.files.count};
        bg_source_list_free(&list);
        return e;
    }
    file_vec *v = &w.files;
    if (v->count)
        qsort(v->items, v->count, sizeof *v->items, compare_files);
    /* The same file named by two sources is read once, with the first. */
    size_t kept = 0;
    for (size_t i = 0; i < v->count; i++) {
        if (kept && !strcmp(v->items[kept - 1].path, v->items[i].path)) {
            free(v->items[i].path);
            free(v->items[i].name);
            free(v->items[i].error);
            continue;
        }
        v->items[kept++] = v->items[i];
    }
    out->files = v->items;
    out->count = kept;
    return BG_E_OK;
}

void bg_source_list_free(bg_source_list *list)
{
    for (size_t i = 0; i < list->count; i++) {
        free(list->files[i].path);
        free(list->files[i].name);
        free(list->files[i].error);
    }
    free(list->files);
    list->files = NULL;
    list->count = 0;
}
