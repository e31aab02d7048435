/* lock.c — flock is released by the kernel when the process dies, so a killed
 * run never leaves a stale lock behind; the pid inside is only for messages. */
#include "run/lock.h"

#include "paths.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

bg_error bg_lock_acquire(const char *path, bg_lock *lock, char *msg, size_t msg_size)
{
    lock->fd = -1;
    lock->path = NULL;
    char *dir = bg_dirname(path);
    if (dir && bg_mkdirs(dir) != 0) {
        bg_error e = bg_fail(msg, msg_size, BG_E_IO, "lock %s: cannot create folder: %s", path, strerror(errno));
        free(dir);
        return e;
    }
    free(dir);
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0)
        return bg_fail(msg, msg_size, BG_E_IO, "lock %s: %s", path, strerror(errno));
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        int e = errno;
        char pid[32] = "";
        ssize_t n = pread(fd, pid, sizeof pid - 1, 0);
        close(fd);
        if (n > 0) {
            pid[n] = '\0';
            pid[strcspn(pid, "\r\n")] = '\0';
        }
        if (e == EWOULDBLOCK)
            return bg_fail(msg, msg_size, BG_E_LOCKED, "another run of this job holds %s (pid %s)", path,
                           n > 0 ? pid : "unknown");
        return bg_fail(msg, msg_size, BG_E_IO, "lock %s: %s", path, strerror(e));
    }
    char pid[32];
    int len = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
    if (ftruncate(fd, 0) != 0 || pwrite(fd, pid, (size_t)len, 0) != len) {
        /* The lock holds even if the pid could not be written. */
    }
    lock->fd = fd;
    lock->path = strdup(path); /* for messages only: NULL is fine */
    return BG_E_OK;
}

void bg_lock_release(bg_lock *lock)
{
    if (lock->fd >= 0) {
        if (ftruncate(lock->fd, 0) != 0) {
            /* Nothing to do: the next holder overwrites the pid. */
        }
        flock(lock->fd, LOCK_UN);
        close(lock->fd);
    }
    lock->fd = -1;
    free(lock->path);
    lock->path = NULL;
}
