/* hash.c — content hashes (hash.h). */
#include "hash.h"

#include <xxhash.h>

void bg_content_hash(const void *bytes, size_t size, char out[17])
{
    static const char hex[] = "0123456789abcdef";
    XXH64_hash_t h = XXH3_64bits(bytes, size);
    for (int i = 15; i >= 0; i--) {
        out[i] = hex[h & 0xf];
        h >>= 4;
    }
    out[16] = '\0';
}
