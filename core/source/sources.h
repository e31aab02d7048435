/* sources.h — turning the config's sources into the sorted list of files to
 * read. Only regular files are sources: a folder that cannot be opened, a
 * FIFO or a device named in the config is listed as a failed source (one
 * line saying why) instead of stopping the job or blocking it, and each real
 * folder is visited once, so symlink loops cannot make the list grow. */
#ifndef BAOGAO_SOURCE_SOURCES_H
#define BAOGAO_SOURCE_SOURCES_H

#include "config.h"
#include "error.h"
#include "problems.h"

#include <signal.h>
#include <stdint.h>

typedef struct bg_source_file {
    char *path;                     /* to open */
    char *name;                     /* the `source` column: relative to the config's folder when below it */
    char *error;                    /* set: a failed source, never read (why, in one line) */
    const bg_source_config *config; /* borrowed from the bg_config */
    uint64_t size;                  /* bytes when listed (0 for a failed source) */
} bg_source_file;

typedef struct bg_source_list {
    bg_source_file *files;
    size_t count;
} bg_source_list;

/* Expands every source (file, folder, glob; include/exclude on the file
 * name) into one list sorted by path, without duplicates. A glob matching
 * nothing is logged as a warning. Fails only when out of memory or when a
 * glob cannot be expanded; stop (may be NULL) ends the listing early with
 * BG_E_INTERRUPTED. */
bg_error bg_sources_list(const bg_config *config, const volatile sig_atomic_t *stop, bg_source_list *out, char *msg,
                         size_t msg_size);
void bg_source_list_free(bg_source_list *list);

/* The `source` name of path: relative to dir (the config's folder) when it
 * lies below it, else path itself. malloc'ed. */
char *bg_source_name(const char *dir, const char *path);

#endif
