/* publish.c — all-or-nothing publishing and recovery (publish.h). */
#include "run/publish.h"

#include "log.h"
#include "paths.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char tmp_mark[] = ".baogao-tmp-";
static const char old_mark[] = ".baogao-old-";

bool bg_publish_add(bg_publish *p, const char *temp_path, const char *final_path)
{
    if (p->count == p->capacity) {
        size_t capacity = p->capacity ? p->capacity * 2 : 8;
        bg_publish_file *grown = realloc(p->files, capacity * sizeof *grown);
        if (!grown)
            return false;
        p->files = grown;
        p->capacity = capacity;
    }
    p->files[p->count++] = (bg_publish_file){temp_path, final_path, NULL, false};
    return true;
}

/* dir/.BASE.baogao-old-PID for final path dir/BASE. */
static char *backup_name(const char *final_path)
{
    char *dir = bg_dirname(final_path), *base = bg_basename(final_path);
    char name[1024];
    char *out = NULL;
    if (dir && base) {
        snprintf(name, sizeof name, ".%s%s%ld", base, old_mark, (long)getpid());
        out = bg_path_join(dir, name);
    }
    free(dir);
    free(base);
    return out;
}

/* Undoes one file: the new one goes back to its temporary name (removed
 * with the run's other temporary files), the previous one back in place. */
static void restore(bg_publish_file *f)
{
    if (f->placed && f->temp_path) {
        if (rename(f->final_path, f->temp_path) != 0 && unlink(f->final_path) != 0 && errno != ENOENT)
            bg_error_log("%s: cannot take the new file back: %s", f->final_path, strerror(errno));
        f->placed = false;
    }
    if (f->backup_path) {
        if (rename(f->backup_path, f->final_path) != 0)
            bg_error_log("%s: cannot put the previous file back from %s: %s", f->final_path, f->backup_path,
                         strerror(errno));
        free(f->backup_path);
        f->backup_path = NULL;
    }
}

bg_error bg_publish_place(bg_publish *p, char *msg, size_t msg_size)
{
    for (size_t i = 0; i < p->count; i++) {
        bg_publish_file *f = &p->files[i];
        struct stat st;
        if (lstat(f->final_path, &st) == 0) {
            f->backup_path = backup_name(f->final_path);
            if (!f->backup_path || rename(f->final_path, f->backup_path) != 0) {
                int e = f->backup_path ? errno : ENOMEM;
                free(f->backup_path);
                f->backup_path = NULL;
                bg_fail(msg, msg_size, BG_E_IO, "%s: cannot set the previous file aside: %s", f->final_path,
                        strerror(e));
                goto undo;
            }
        }
        if (!f->temp_path) {
            /* a removal: the file stays set aside until the commit */
            bg_debug("set aside %s (no longer written)", f->final_path);
            continue;
        }
        if (rename(f->temp_path, f->final_path) != 0) {
            bg_fail(msg, msg_size, BG_E_IO, "%s: cannot move into place: %s", f->final_path, strerror(errno));
            restore(f);
            goto undo;
        }
        f->placed = true;
        bg_debug("placed %s", f->final_path);
    }
    return BG_E_OK;
undo:
    bg_publish_rollback(p);
    return BG_E_IO;
}

void bg_publish_rollback(bg_publish *p)
{
    for (size_t i = p->count; i-- > 0;)
        restore(&p->files[i]);
}

void bg_publish_done(bg_publish *p)
{
    for (size_t i = 0; i < p->count; i++) {
        bg_publish_file *f = &p->files[i];
        if (f->backup_path && unlink(f->backup_path) != 0 && errno != ENOENT)
            bg_warn("%s: cannot remove the previous file set aside: %s", f->backup_path, strerror(errno));
        free(f->backup_path);
        f->backup_path = NULL;
    }
}

void bg_publish_free(bg_publish *p)
{
    for (size_t i = 0; i < p->count; i++)
        free(p->files[i].backup_path);
    free(p->files);
    memset(p, 0, sizeof *p);
}

/* Recovery ------------------------------------------------------------------ */

static bool process_gone(long pid)
{
    if (pid <= 0 || pid == (long)getpid())
        return pid > 0; /* our own pid: left by an earlier run of this process */
    return kill((pid_t)pid, 0) != 0 && errno == ESRCH;
}

/* The pid after mark in name ("…-PID" or "…-PID-…"), or 0. */
static long pid_after(const char *name, const char *mark)
{
    const char *p = strstr(name, mark);
    if (!p)
        return 0;
    char *end;
    long pid = strtol(p + strlen(mark), &end, 10);
    return end > p + strlen(mark) ? pid : 0;
}

size_t bg_publish_recover(const char *dir, long committed_pid)
{
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    size_t done = 0;
    struct dirent *entry;
    while ((entry = readdir(d))) {
        const char *name = entry->d_name;
        if (name[0] != '.')
            continue;
        long pid = pid_after(name, tmp_mark);
        bool temp = pid != 0;
        if (!temp)
            pid = pid_after(name, old_mark);
        if (!pid || !process_gone(pid))
            continue;
        char *path = bg_path_join(dir, name);
        if (!path)
            break;
        if (temp) {
            if (unlink(path) == 0) {
                bg_info("removed %s, left by a run (pid %ld) that was stopped", path, pid);
                done++;
            }
        } else {
            /* .BASE.baogao-old-PID: the previous output BASE, set aside */
            const char *mark = strstr(name, old_mark);
            char base[1024];
            snprintf(base, sizeof base, "%.*s", (int)(mark - name - 1), name + 1);
            char *final_path = bg_path_join(dir, base);
            if (pid == committed_pid) {
                if (unlink(path) == 0)
                    done++;
            } else if (final_path && rename(path, final_path) == 0) {
                bg_warn("%s: put the previous output back (the run of pid %ld was stopped while publishing)",
                        final_path, pid);
                done++;
            }
            free(final_path);
        }
        free(path);
    }
    closedir(d);
    return done;
}
