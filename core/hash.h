/* hash.h — content hashes: XXH3-64 (libxxhash) as 16 lowercase hex digits,
 * for doc ids, the config's and the rules' fingerprints. */
#ifndef BAOGAO_HASH_H
#define BAOGAO_HASH_H

#include <stddef.h>

/* XXH3-64 of bytes as 16 lowercase hex digits into out[17]. */
void bg_content_hash(const void *bytes, size_t size, char out[17]);

#endif
