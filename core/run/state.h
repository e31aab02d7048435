/* state.h — the job's state file: what the last successful run saw (its
 * sources with their content hashes and statuses, how many documents it
 * exported) and which process committed it. The guard compares a run with
 * it; recovery after a killed run reads which run committed last. Written
 * atomically (temporary file, then rename) as the run's commit point. */
#ifndef BAOGAO_RUN_STATE_H
#define BAOGAO_RUN_STATE_H

#include "baogao/exporter.h"
#include "error.h"

#include <stdbool.h>
#include <stdint.h>

typedef struct bg_state {
    bool found;          /* a state file was read */
    uint64_t documents;  /* documents the last successful run exported */
    long pid;            /* the process that wrote it (0 when unknown) */
    char run_id[64];
} bg_state;

/* Reads path. A missing file is no state (found false, BG_E_OK); a file that
 * is not a state file of this job is BG_E_CONFIG with msg saying why (the
 * caller warns and goes on without it). */
bg_error bg_state_read(const char *path, const char *job, bg_state *out, char *msg, size_t msg_size);

/* Writes the run's summary to path atomically, with this process's pid.
 * BG_E_IO with msg when it cannot. */
bg_error bg_state_write(const char *path, const bg_run_summary *summary, char *msg, size_t msg_size);

#endif
