/* paths.c — see paths.h. */
#include "paths.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <stdbool.h>
#include <unistd.h>

#ifndef BAOGAO_DATA_INSTALL_DIR
#define BAOGAO_DATA_INSTALL_DIR "share/baogao"
#endif

char *bg_path_join(const char *dir, const char *name)
{
    size_t a = strlen(dir), b = strlen(name);
    int slash = a > 0 && dir[a - 1] != '/';
    char *out = malloc(a + (size_t)slash + b + 1);
    if (!out)
        return NULL;
    memcpy(out, dir, a);
    if (slash)
        out[a] = '/';
    memcpy(out + a + (size_t)slash, name, b + 1);
    return out;
}

char *bg_dirname(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return strdup(".");
    if (slash == path)
        return strdup("/");
    return strndup(path, (size_t)(slash - path));
}

char *bg_basename(const char *path)
{
    const char *slash = strrchr(path, '/');
    return strdup(slash ? slash + 1 : path);
}

/* Removes "." segments and folds "dir/.." pairs lexically, so that paths
 * resolved against the config's folder read as users expect in logs and in
 * the `source` column ("config/../samples/a.txt" -> "samples/a.txt"). */
static char *clean_path(char *path)
{
    if (!path)
        return NULL;
    bool absolute = path[0] == '/';
    char *segments[512];
    size_t count = 0;
    char *save = NULL;
    char *copy = strdup(path);
    if (!copy)
        return path;
    for (char *part = strtok_r(copy, "/", &save); part; part = strtok_r(NULL, "/", &save)) {
        if (!strcmp(part, "."))
            continue;
        if (!strcmp(part, "..") && count > 0 && strcmp(segments[count - 1], "..") != 0) {
            count--;
            continue;
        }
        if (!strcmp(part, "..") && absolute)
            continue;
        if (count == sizeof segments / sizeof segments[0]) {
            free(copy);
            return path; /* absurdly deep: leave it as it was */
        }
        segments[count++] = part;
    }
    size_t used = 0;
    if (absolute)
        path[used++] = '/';
    for (size_t i = 0; i < count; i++) {
        size_t n = strlen(segments[i]);
        if (i)
            path[used++] = '/';
        memmove(path + used, segments[i], n);
        used += n;
    }
    if (used == 0)
        path[used++] = '.';
    path[used] = '\0';
    free(copy);
    return path;
}

char *bg_path_resolve(const char *base_dir, const char *path)
{
    if (path[0] == '/' || !base_dir || !*base_dir)
        return clean_path(strdup(path));
    return clean_path(bg_path_join(base_dir, path));
}

int bg_mkdirs(const char *path)
{
    char *copy = strdup(path);
    if (!copy)
        return -1;
    size_t len = strlen(copy);
    for (size_t i = 1; i <= len; i++) {
        if (copy[i] == '/' || copy[i] == '\0') {
            char saved = copy[i];
            copy[i] = '\0';
            if (mkdir(copy, 0777) != 0 && errno != EEXIST) {
                int e = errno;
                free(copy);
                errno = e;
                return -1;
            }
            copy[i] = saved;
        }
    }
    free(copy);
    struct stat st;
    if (stat(path, &st) != 0)
        return -1;
    if (!S_ISDIR(st.st_mode)) {
        errno = ENOTDIR;
        return -1;
    }
    return 0;
}

char *bg_read_file(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t capacity = 65536, used = 0;
    char *buf = malloc(capacity);
    while (buf) {
        if (used + 1 >= capacity) {
            char *grown = realloc(buf, capacity * 2);
            if (!grown) {
                free(buf);
                buf = NULL;
                errno = ENOMEM;
                break;
            }
            buf = grown;
            capacity *= 2;
        }
        size_t n = fread(buf + used, 1, capacity - used - 1, f);
        used += n;
        if (n == 0) {
            if (ferror(f)) {
                int e = errno;
                free(buf);
                buf = NULL;
                errno = e ? e : EIO;
            }
            break;
        }
    }
    fclose(f);
    if (buf) {
        buf[used] = '\0';
        if (size)
            *size = used;
    }
    return buf;
}

char *bg_exe_dir(void)
{
    char buf[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
    if (n <= 0)
        return NULL;
    buf[n] = '\0';
    return bg_dirname(buf);
}

char *bg_build_tree_dir(const char *sub)
{
    char *exe = bg_exe_dir();
    if (!exe)
        return NULL;
    /* The program sits at the top of the build tree; test programs one below. */
    for (int up = 0; up < 2; up++) {
        char *cache = bg_path_join(exe, "CMakeCache.txt");
        int found = cache && access(cache, F_OK) == 0;
        free(cache);
        if (found) {
            char *out = bg_path_join(exe, sub);
            free(exe);
            return out;
        }
        char *parent = bg_dirname(exe);
        free(exe);
        exe = parent;
        if (!exe)
            return NULL;
    }
    free(exe);
    return NULL;
}

char *bg_install_dir(const char *relative)
{
    char *exe = bg_exe_dir();
    if (!exe)
        return NULL;
    /* exe is PREFIX/bin: go up once per segment of the bin folder. */
    char *prefix = bg_path_join(exe, "..");
    free(exe);
    char *joined = prefix ? bg_path_join(prefix, relative) : NULL;
    free(prefix);
    return clean_path(joined);
}

char *bg_data_dir(void)
{
#ifdef BAOGAO_SOURCE_DIR
    char *build = bg_build_tree_dir(".");
    if (build) {
        free(build);
        return bg_path_join(BAOGAO_SOURCE_DIR, "config");
    }
#endif
    return bg_install_dir(BAOGAO_DATA_INSTALL_DIR);
}
