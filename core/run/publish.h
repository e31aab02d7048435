/* publish.h — putting a run's outputs in place all together or not at all,
 * and cleaning up after runs that were killed.
 *
 * Publishing renames each output's previous file aside (".NAME.baogao-old-
 * PID"), then the new temporary file into place; when any step fails, or a
 * signal arrives before the commit point, every previous file is put back,
 * so "previous outputs left as they were" is always true. After the commit
 * point (the state file written) the set-aside files are removed.
 *
 * Leftovers: temporary files (".NAME.baogao-tmp-PID-N…") of a process that
 * no longer exists are removed by the next run of the job; a set-aside file
 * of such a process is put back in place unless that process had committed
 * (the state file names it), in which case it is removed. */
#ifndef BAOGAO_RUN_PUBLISH_H
#define BAOGAO_RUN_PUBLISH_H

#include "error.h"

#include <stdbool.h>
#include <stddef.h>

typedef struct bg_publish_file {
    const char *temp_path;  /* borrowed; NULL: remove final_path at the commit */
    const char *final_path; /* borrowed */
    char *backup_path;      /* the previous file set aside, or NULL */
    bool placed;            /* temp renamed to final */
} bg_publish_file;

typedef struct bg_publish {
    bg_publish_file *files;
    size_t count, capacity;
} bg_publish;

/* Adds a file to publish (temp_path NULL: a file to remove, set aside like
 * a replaced one, so a rollback puts it back); false on no memory. */
bool bg_publish_add(bg_publish *p, const char *temp_path, const char *final_path);
/* Sets each previous file aside and moves each new one in place; on any
 * failure restores every previous file and returns BG_E_IO with msg. */
bg_error bg_publish_place(bg_publish *p, char *msg, size_t msg_size);
/* Puts every previous file back (after bg_publish_place succeeded, when the
 * run must not commit after all). Failures are logged. */
void bg_publish_rollback(bg_publish *p);
/* Removes the set-aside files: the run has committed. */
void bg_publish_done(bg_publish *p);
void bg_publish_free(bg_publish *p);

/* Cleans the leftovers of killed runs in folder dir (see above).
 * committed_pid: the pid the state file names (0: none). Returns the number
 * of files removed or put back. */
size_t bg_publish_recover(const char *dir, long committed_pid);

#endif
