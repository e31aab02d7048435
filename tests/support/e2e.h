/* e2e.h — running the real baogao program as a user would, for the
 * end-to-end tests: a scratch folder per test group, commands whose stderr
 * is kept, files written and read back, the child's peak memory. */
#ifndef BG_TEST_E2E_H
#define BG_TEST_E2E_H

#include <stdbool.h>
#include <stddef.h>

#define BAOGAO BG_TEST_BINARY_DIR "/baogao"
#define SAMPLES BG_TEST_SOURCE_DIR "/samples/reports"
#define FIXTURES BG_TEST_BINARY_DIR "/tests/fixtures/plugins"

/* The scratch folder of the current group and the last command's stderr. */
extern char e2e_work[128];
extern char e2e_err[65536];
/* Peak resident memory of the last command's children, in KiB. */
extern long e2e_peak_kib;

/* cmocka group setup/teardown: a fresh /tmp folder, removed afterwards. */
int e2e_setup(void **state);
int e2e_teardown(void **state);

/* Runs a shell command (printf-style) with its stderr kept in e2e_err;
 * returns its exit code, or 128 + the signal that ended it. */
int e2e_run(const char *format, ...) __attribute__((format(printf, 1, 2)));
/* A path inside the scratch folder (static buffer, one of four in turn). */
const char *e2e_path(const char *format, ...) __attribute__((format(printf, 1, 2)));
/* Writes size bytes (or a C string when size is (size_t)-1) to a scratch
 * file, creating its folders; returns its path (as e2e_path). */
const char *e2e_write(const char *name, const void *bytes, size_t size);
/* Reads a file (NULL when missing); *size may be NULL. */
char *e2e_slurp(const char *path, size_t *size);
bool e2e_exists(const char *path);
/* A job config over source_json ("[...]") and exporters_json, extra top
 * keys (may be NULL) appended; written to NAME.json, path returned (valid
 * for the next 15 calls, whatever e2e_path does meanwhile). */
const char *e2e_job(const char *name, const char *sources_json, const char *exporters_json, const char *extra);

#endif
