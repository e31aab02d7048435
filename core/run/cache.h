/* cache.h — the rows of unchanged sources, kept from one run to the next.
 *
 * One SQLite file per job. Each entry is one source: its name, a key made of
 * the hash of its bytes and the options it is decoded with, and every
 * document it held with that document's rows and the warnings its
 * extraction gave, packed. The whole file belongs to one fingerprint: the
 * baogao version and executable, the rules and divisions files, the job's
 * extract section and limits. A run whose fingerprint differs finds no
 * entries; so does a run with --full-refresh.
 *
 * A run whose entries can be used updates the file in place in one
 * transaction (WAL mode, so the worker threads read the last committed
 * entries meanwhile, each through a read-only connection of its own):
 * entries of the sources it extracted are written, those of sources no
 * longer delivered deleted. A run that can use none (no file yet, another
 * fingerprint, --full-refresh) writes a new file beside it instead, without
 * journal, and renames it over the old one. Either way the cache changes
 * only when the run published, so a failed or refused run leaves it as it
 * was. A file that is not a baogao cache, or is
 * damaged, is never trusted nor destroyed: it is moved to NAME.bad with a
 * warning and a new cache is written. */
#ifndef BAOGAO_RUN_CACHE_H
#define BAOGAO_RUN_CACHE_H

#include "config.h"
#include "error.h"
#include "log.h"
#include "source/read.h"
#include "table.h"

#include <stdbool.h>
#include <stddef.h>

typedef struct bg_cache bg_cache;

/* The fingerprint of what extraction depends on, into out[17]. BG_E_IO with
 * msg when the rules or divisions cannot be read. */
bg_error bg_cache_fingerprint(const bg_config *config, char out[17], char *msg, size_t msg_size);

/* Opens the cache at path (creating it) and begins the run's transaction;
 * its entries are used unless full_refresh or another fingerprint. A file
 * that cannot be used is reported in *warning (one line, the caller logs
 * it). NULL with msg when there can be no cache this run (the run goes on
 * without one). */
bg_cache *bg_cache_open(const char *path, const char *fingerprint, bool full_refresh, char *warning,
                        size_t warning_size, char *msg, size_t msg_size);

/* Whether the previous cache is used (there, sound, same fingerprint), and
 * whether it was there but written for another fingerprint. */
bool bg_cache_ready(const bg_cache *c);
bool bg_cache_stale(const bg_cache *c);

/* The key of a source: its bytes' hash and its decode options, into out[17]. */
void bg_cache_key(const bg_source_config *source, const char content_hash[17], char out[17]);

/* The packed entry of source `name` with `key` as the last run committed it
 * (malloc'd, *size bytes), or NULL when there is none. Thread-safe. */
void *bg_cache_find(bg_cache *c, const char *name, const char *key, size_t *size);

/* Writes the entry of a source that was extracted (main thread only). */
bg_error bg_cache_put(bg_cache *c, const char *name, const char *key, const void *packed, size_t size, char *msg,
                      size_t msg_size);

/* Keeps the entry of a source whose rows came from it (main thread only). */
bg_error bg_cache_keep(bg_cache *c, const char *name, const char *key, char *msg, size_t msg_size);

/* Deletes the entries of sources this run did not deliver and commits
 * (after the run published). */
bg_error bg_cache_commit(bg_cache *c, char *msg, size_t msg_size);

/* Closes the cache; what was not committed is rolled back. */
void bg_cache_close(bg_cache *c);

/* Entries: a source's documents and their rows, and the warnings its
 * extraction logged, packed into one buffer and back. pack: malloc'd buffer,
 * or NULL when out of memory or when a document failed (failures are never
 * kept). unpack: false when the buffer is damaged or its tables do not match
 * `tables` (the outputs are left empty). Documents are docs->items[i] with
 * rows[i]. */
void *bg_cache_pack(const bg_source_docs *docs, bg_rowset *const *rows, const bg_log_capture *warnings,
                    size_t *size);
bool bg_cache_unpack(const void *packed, size_t size, size_t table_count, const bg_table_schema *const *tables,
                     bg_source_docs *docs, bg_rowset ***rows, bg_log_capture *warnings);

#endif
