/* utf8.c — UTF-8 at the byte level (utf8.h): decoding one code point,
 * validity, counting and the character classes the cleaning and the readers
 * share. Pure functions, no state. */
#include "text/utf8.h"

#include <stdint.h>
#include <string.h>

unsigned bg_utf8_next(const char *s, size_t n, size_t *i)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t at = *i;
    unsigned c = u[at];
    size_t need;
    unsigned cp;
    if (c < 0x80) {
        *i = at + 1;
        return c;
    } else if ((c & 0xE0) == 0xC0) {
        need = 1;
        cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
        need = 2;
        cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
        need = 3;
        cp = c & 0x07;
    } else {
        *i = at + 1;
        return 0xFFFD;
    }
    for (size_t k = 1; k <= need; k++) {
        if (at + k >= n || (u[at + k] & 0xC0) != 0x80) {
            *i = at + 1;
            return 0xFFFD;
        }
        cp = (cp << 6) | (u[at + k] & 0x3F);
    }
    *i = at + need + 1;
    return cp;
}

size_t bg_utf8_valid_prefix(const char *bytes, size_t size)
{
    const unsigned char *s = (const unsigned char *)bytes;
    size_t i = 0;
    while (i < size) {
        unsigned char c = s[i];
        size_t n;
        uint32_t cp;
        if (c < 0x80) {
            i++;
            continue;
        }
        if (c >= 0xE1 && c != 0xED && c <= 0xEF && i + 2 < size && (s[i + 1] & 0xC0) == 0x80 &&
            (s[i + 2] & 0xC0) == 0x80) {
            i += 3; /* most Chinese text: a three-byte character that can be neither overlong nor a surrogate */
            continue;
        }
        if ((c & 0xE0) == 0xC0) {
            n = 1;
            cp = c & 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            n = 2;
            cp = c & 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            n = 3;
            cp = c & 0x07;
        } else {
            return i;
        }
        for (size_t k = 1; k <= n; k++) {
            if (i + k >= size || (s[i + k] & 0xC0) != 0x80)
                return i;
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) || cp > 0x10FFFF ||
            (cp >= 0xD800 && cp <= 0xDFFF))
            return i;
        i += n + 1;
    }
    return size;
}

int bg_utf8_valid(const char *bytes, size_t size)
{
    return bg_utf8_valid_prefix(bytes, size) == size;
}

bool bg_utf8_cut_at_end(const char *bytes, size_t size, size_t *keep)
{
    size_t valid = bg_utf8_valid_prefix(bytes, size);
    if (valid == size || size - valid > 3)
        return false;
    const unsigned char *s = (const unsigned char *)bytes + valid;
    size_t rest = size - valid, need;
    if ((s[0] & 0xE0) == 0xC0)
        need = 2;
    else if ((s[0] & 0xF0) == 0xE0)
        need = 3;
    else if ((s[0] & 0xF8) == 0xF0)
        need = 4;
    else
        return false;
    if (rest >= need)
        return false; /* complete, so invalid for another reason */
    for (size_t k = 1; k < rest; k++)
        if ((s[k] & 0xC0) != 0x80)
            return false;
    *keep = valid;
    return true;
}

int bg_is_cjk(unsigned cp)
{
    return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0xF900 && cp <= 0xFAFF) ||
           (cp >= 0x20000 && cp <= 0x2FFFF);
}

size_t bg_utf8_count(const char *s, size_t n)
{
    size_t count = 0;
    for (size_t i = 0; i < n; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            count++;
    return count;
}

bool bg_contains(const char *s, size_t n, const char *needle)
{
    size_t k = strlen(needle);
    for (size_t i = 0; k && i + k <= n; i++)
        if (memcmp(s + i, needle, k) == 0)
            return true;
    return false;
}
