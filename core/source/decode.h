/* decode.h — from a source's bytes to UTF-8 text: encoding detection (BOM,
 * valid UTF-8, HTML <meta charset>, else GB18030 through iconv), and HTML to
 * text through libxml2's HTML parser (script/style/nav dropped, block
 * elements become line breaks, inline tags vanish without adding spaces). */
#ifndef BAOGAO_DECODE_H
#define BAOGAO_DECODE_H

#include "error.h"

#include <stdbool.h>
#include <stddef.h>

typedef struct bg_decoded {
    char *utf8; /* owned, NUL-terminated */
    size_t length;
    const char *encoding; /* static: "utf-8" or "gb18030" */
    const char *reason;   /* static: "bom", "valid utf-8", "meta", "bytes over meta", "config", "fallback" */
    const char *format;   /* static: "text" or "html" */
    char notice[160];     /* set when decoding needed a warning (a cut last character, a wrong <meta>) */
} bg_decoded;

/* encoding: "auto", "utf-8" or "gb18030" (gbk/gb2312 accepted as gb18030);
 * format: "auto", "text" or "html" (auto: by extension .htm/.html, else by
 * sniffing for <html/<!doctype). name is used in messages. */
bg_error bg_decode(const char *bytes, size_t size, const char *name, const char *encoding, const char *format,
                   bg_decoded *out, char *msg, size_t msg_size);
void bg_decoded_free(bg_decoded *d);

/* Converts from a charset to UTF-8 with iconv; NULL and msg on failure. cut
 * (may be NULL): an incomplete character at the end is dropped and *cut set
 * instead of failing. */
char *bg_iconv_to_utf8(const char *bytes, size_t size, const char *charset, size_t *out_length, bool *cut, char *msg,
                       size_t msg_size);

#endif
