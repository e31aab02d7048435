/* error.c — messages for bg_error; the switch has no default so that a new
 * code without a message fails the build (-Wswitch -Werror). */
#include "error.h"

#include <stdarg.h>
#include <stdio.h>

const char *bg_strerror(bg_error code)
{
    switch (code) {
    case BG_E_OK: return "success";
    case BG_E_USAGE: return "usage error";
    case BG_E_CONFIG: return "invalid configuration";
    case BG_E_IO: return "input/output error";
    case BG_E_DECODE: return "cannot decode text";
    case BG_E_PLUGIN: return "plugin error";
    case BG_E_EXPORT: return "export failed";
    case BG_E_LOCKED: return "job is locked by another run";
    case BG_E_NOMEM: return "out of memory";
    case BG_E_INTERRUPTED: return "interrupted";
    case BG_E_PATTERN: return "bad pattern";
    case BG_E_GOLD: return "bad gold file";
    case BG_E_TIMEOUT: return "took too long";
    case BG_E_LIMIT: return "over a configured limit";
    }
    return "unknown error";
}

bg_error bg_fail(char *buf, size_t n, bg_error code, const char *format, ...)
{
    if (buf && n > 0) {
        va_list ap;
        va_start(ap, format);
        vsnprintf(buf, n, format, ap);
        va_end(ap);
    }
    return code;
}
