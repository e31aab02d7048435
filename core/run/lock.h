/* lock.h — one run per job: an flock on the job's lock file, holding the
 * holder's pid so that a second run can say who has it. */
#ifndef BAOGAO_LOCK_H
#define BAOGAO_LOCK_H

#include "error.h"

#include <stddef.h>

typedef struct bg_lock {
    int fd;
    char *path;
} bg_lock;

/* BG_E_LOCKED (msg names the holder's pid) when another process holds it. */
bg_error bg_lock_acquire(const char *path, bg_lock *lock, char *msg, size_t msg_size);
void bg_lock_release(bg_lock *lock);

#endif
