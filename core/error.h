/* error.h — the core's error codes and their messages.
 * One convention everywhere: 0 is success, failures are positive; the detail
 * goes into a caller-owned buffer that names the file, JSON path, plugin or row. */
#ifndef BAOGAO_ERROR_H
#define BAOGAO_ERROR_H

#include <stddef.h>

typedef enum bg_error {
    BG_E_OK = 0,
    BG_E_USAGE = 1,       /* bad command line */
    BG_E_CONFIG = 2,      /* the job config or the rules are invalid */
    BG_E_IO = 3,          /* a file could not be read or written */
    BG_E_DECODE = 4,      /* a source could not be decoded */
    BG_E_PLUGIN = 5,      /* a plugin could not be loaded or refused */
    BG_E_EXPORT = 6,      /* an exporter failed during the run */
    BG_E_LOCKED = 7,      /* another run holds the job's lock */
    BG_E_NOMEM = 8,       /* out of memory */
    BG_E_INTERRUPTED = 9, /* SIGINT or SIGTERM */
    BG_E_PATTERN = 10,    /* a regular expression failed to compile or match */
    BG_E_GOLD = 11,       /* a gold file is malformed */
    BG_E_TIMEOUT = 12,    /* a document took longer than its limit */
    BG_E_LIMIT = 13       /* an input exceeds a configured limit */
} bg_error;

/* A static English phrase for the code; never NULL. */
const char *bg_strerror(bg_error code);

/* Formats into buf (size n, always NUL-terminated) and returns code. */
bg_error bg_fail(char *buf, size_t n, bg_error code, const char *format, ...) __attribute__((format(printf, 4, 5)));

#endif
