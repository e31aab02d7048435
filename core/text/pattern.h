/* pattern.h — PCRE2 as every stage uses it: compiled with UTF and UCP and
 * JIT-compiled, matched under a match limit and a depth limit so that no
 * pattern (a job's own rule with catastrophic backtracking included) can run
 * away, and never silently: a match that stops at a limit is recorded as the
 * thread's pattern fault, naming the rule, for the document's extraction to
 * report. Subjects are cleaned text, valid UTF-8 by construction, so the
 * per-call UTF check is skipped. */
#ifndef BAOGAO_TEXT_PATTERN_H
#define BAOGAO_TEXT_PATTERN_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include "problems.h"

#include <cjson/cJSON.h>
#include <pcre2.h>
#include <stdbool.h>
#include <stddef.h>

/* Limits on every match (PCRE2's match limit counts backtracking steps, the
 * depth limit bounds the interpreter's backtracking memory). A pattern that
 * needs more on one subject is a rule that does not work on that text. */
enum { BG_PATTERN_MATCH_LIMIT = 1000000, BG_PATTERN_DEPTH_LIMIT = 10000 };

/* Compiles pattern (UTF, UCP, JIT when available); on failure adds a problem
 * "file: path: pattern does not compile at offset N: reason" and returns NULL.
 * file may be NULL when path already names it. The pattern's name for fault
 * messages is "file: path" (or path). */
pcre2_code *bg_pattern_compile(const char *pattern, const char *file, const char *path, bg_problems *p);
/* Frees a pattern from bg_pattern_compile (and its name). NULL is fine. */
void bg_pattern_free(pcre2_code *code);
/* Compiles a JSON array of patterns; false on any problem. */
bool bg_patterns_load(pcre2_code ***out, size_t *count, const cJSON *array, const char *file, const char *path,
                      bg_problems *p);
void bg_patterns_free(pcre2_code **codes, size_t count);

/* pcre2_match over s[0, n) from `start` with the limits above and
 * PCRE2_NO_UTF_CHECK added to options. Returns pcre2_match's code; a code
 * other than a match or PCRE2_ERROR_NOMATCH is also recorded as the calling
 * thread's fault (the first one counts). */
int bg_pattern_match(const pcre2_code *code, const char *s, size_t n, size_t start, unsigned options,
                     pcre2_match_data *md);
/* True when any pattern matches s[from, to). md: the caller's match data. */
bool bg_patterns_search(pcre2_code *const *codes, size_t count, const char *s, size_t from, size_t to,
                        pcre2_match_data *md);

/* The calling thread's first pattern fault since the last reset. */
typedef struct bg_pattern_fault {
    bool set;
    int code;          /* PCRE2 error code (PCRE2_ERROR_MATCHLIMIT …) */
    char rule[256];    /* the pattern's name */
    size_t offset;     /* where the failed match started in its subject */
    char reason[128];  /* PCRE2's message */
} bg_pattern_fault;

void bg_pattern_fault_reset(void);
/* Copies the thread's fault; false when there is none. */
bool bg_pattern_fault_get(bg_pattern_fault *out);

#endif
