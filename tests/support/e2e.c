/* e2e.c — see e2e.h. */
#include "e2e.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

char e2e_work[128];
char e2e_err[65536];
long e2e_peak_kib;

int e2e_setup(void **state)
{
    (void)state;
    strcpy(e2e_work, "/tmp/baogao-e2e-XXXXXX");
    return mkdtemp(e2e_work) ? 0 : -1;
}

int e2e_teardown(void **state)
{
    (void)state;
    char cmd[512];
    snprintf(cmd, sizeof cmd, "chmod -R u+rwx '%s' 2>/dev/null; rm -rf '%s'", e2e_work, e2e_work);
    return system(cmd);
}

char *e2e_slurp(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t capacity = 65536, used = 0;
    char *buf = malloc(capacity);
    size_t n;
    while (buf && (n = fread(buf + used, 1, capacity - used - 1, f)) > 0) {
        used += n;
        if (used + 1 == capacity) {
            char *grown = realloc(buf, capacity * 2);
            if (!grown) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = grown;
            capacity *= 2;
        }
    }
    fclose(f);
    if (buf)
        buf[used] = '\0';
    if (size)
        *size = used;
    return buf;
}

int e2e_run(const char *format, ...)
{
    char cmd[8192], full[8400];
    va_list ap;
    va_start(ap, format);
    vsnprintf(cmd, sizeof cmd, format, ap);
    va_end(ap);
    snprintf(full, sizeof full, "%s 2>%s/stderr.txt", cmd, e2e_work);
    /* fork and wait4 rather than system(): the rusage of this child alone
     * (and its descendants) gives the command's peak memory */
    int status = -1;
    struct rusage usage;
    memset(&usage, 0, sizeof usage);
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        execl("/bin/sh", "sh", "-c", full, (char *)NULL);
        _exit(127);
    }
    while (pid > 0 && wait4(pid, &status, 0, &usage) < 0 && errno == EINTR)
        ;
    e2e_peak_kib = usage.ru_maxrss;
    char path[256];
    snprintf(path, sizeof path, "%s/stderr.txt", e2e_work);
    char *e = e2e_slurp(path, NULL);
    snprintf(e2e_err, sizeof e2e_err, "%s", e ? e : "");
    free(e);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

const char *e2e_path(const char *format, ...)
{
    static char paths[4][1200];
    static int next;
    char *out = paths[next++ % 4];
    char rel[900];
    va_list ap;
    va_start(ap, format);
    vsnprintf(rel, sizeof rel, format, ap);
    va_end(ap);
    snprintf(out, 1200, "%s/%s", e2e_work, rel);
    return out;
}

static void make_parents(const char *path)
{
    char copy[1024];
    snprintf(copy, sizeof copy, "%s", path);
    for (char *p = copy + 1; *p; p++)
        if (*p == '/') {
            *p = '\0';
            mkdir(copy, 0777);
            *p = '/';
        }
}

const char *e2e_write(const char *name, const void *bytes, size_t size)
{
    const char *path = e2e_path("%s", name);
    make_parents(path);
    FILE *f = fopen(path, "wb");
    if (!f)
        return path;
    fwrite(bytes, 1, size == (size_t)-1 ? strlen(bytes) : size, f);
    fclose(f);
    return path;
}

bool e2e_exists(const char *path)
{
    return access(path, F_OK) == 0;
}

const char *e2e_job(const char *name, const char *sources_json, const char *exporters_json, const char *extra)
{
    size_t n = strlen(sources_json) + strlen(exporters_json) + (extra ? strlen(extra) : 0) + strlen(name) + 128;
    char *json = malloc(n);
    snprintf(json, n, "{\"job\":\"%s\",\"sources\":%s,\"exporters\":%s%s%s}", name, sources_json, exporters_json,
             extra ? "," : "", extra ? extra : "");
    char file[256];
    snprintf(file, sizeof file, "%s.json", name);
    /* its own ring of paths, apart from e2e_path's, so that a config path
     * outlives the scratch paths a test makes after it */
    static char configs[16][1200];
    static int next;
    char *out = configs[next++ % 16];
    snprintf(out, sizeof configs[0], "%s", e2e_write(file, json, (size_t)-1));
    free(json);
    return out;
}
