/* pattern.c — PCRE2 compilation and matching under limits (pattern.h).
 * Each thread has its own match context and JIT stack (created on first use,
 * freed when the thread ends); compiled patterns are shared read-only. */
#include "text/pattern.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Names of compiled patterns, for fault messages: written while the rules
 * load (one thread), read when a match fails. */
typedef struct named {
    const pcre2_code *code;
    char *name;
} named;
static named *names;
static size_t name_count, name_capacity;
static pthread_mutex_t names_lock = PTHREAD_MUTEX_INITIALIZER;

static void name_add(const pcre2_code *code, const char *file, const char *path)
{
    char buf[512];
    snprintf(buf, sizeof buf, "%s%s%s", file ? file : "", file ? ": " : "", path ? path : "pattern");
    pthread_mutex_lock(&names_lock);
    if (name_count == name_capacity) {
        size_t capacity = name_capacity ? name_capacity * 2 : 64;
        named *grown = realloc(names, capacity * sizeof *grown);
        if (grown) {
            names = grown;
            name_capacity = capacity;
        }
    }
    if (name_count < name_capacity) {
        names[name_count].code = code;
        names[name_count].name = strdup(buf);
        if (names[name_count].name)
            name_count++;
    }
    pthread_mutex_unlock(&names_lock);
}

static void name_of(const pcre2_code *code, char *out, size_t n)
{
    snprintf(out, n, "a pattern");
    pthread_mutex_lock(&names_lock);
    for (size_t i = 0; i < name_count; i++)
        if (names[i].code == code) {
            snprintf(out, n, "%s", names[i].name);
            break;
        }
    pthread_mutex_unlock(&names_lock);
}

pcre2_code *bg_pattern_compile(const char *pattern, const char *file, const char *path, bg_problems *p)
{
    int code;
    PCRE2_SIZE offset;
    pcre2_code *re =
        pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, PCRE2_UTF | PCRE2_UCP, &code, &offset, NULL);
    if (!re) {
        PCRE2_UCHAR reason[256];
        pcre2_get_error_message(code, reason, sizeof reason);
        bg_problems_add(p, "%s%s%s: pattern does not compile at offset %zu: %s", file ? file : "", file ? ": " : "",
                        path, (size_t)offset, (const char *)reason);
        return NULL;
    }
    /* the interpreter is a fine fallback; BAOGAO_NO_JIT=1 asks for it (valgrind
     * cannot follow JIT code) */
    if (!getenv("BAOGAO_NO_JIT"))
        (void)pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);
    name_add(re, file, path);
    return re;
}

void bg_pattern_free(pcre2_code *code)
{
    if (!code)
        return;
    pthread_mutex_lock(&names_lock);
    for (size_t i = 0; i < name_count; i++)
        if (names[i].code == code) {
            free(names[i].name);
            names[i] = names[--name_count];
            break;
        }
    if (name_count == 0) {
        free(names);
        names = NULL;
        name_capacity = 0;
    }
    pthread_mutex_unlock(&names_lock);
    pcre2_code_free(code);
}

bool bg_patterns_load(pcre2_code ***out, size_t *count, const cJSON *array, const char *file, const char *path,
                      bg_problems *p)
{
    *out = NULL;
    *count = 0;
    if (!cJSON_IsArray(array)) {
        bg_problems_add(p, "%s: %s: expected an array of patterns", file, path);
        return false;
    }
    size_t total = (size_t)cJSON_GetArraySize(array);
    pcre2_code **codes = calloc(total ? total : 1, sizeof *codes);
    if (!codes) {
        bg_problems_add(p, "%s: %s: out of memory", file, path);
        return false;
    }
    bool ok = true;
    size_t i = 0;
    const cJSON *item;
    cJSON_ArrayForEach(item, array)
    {
        char where[128];
        snprintf(where, sizeof where, "%s[%zu]", path, i);
        if (!cJSON_IsString(item) || !item->valuestring[0]) {
            bg_problems_add(p, "%s: %s: expected a non-empty string", file, where);
            ok = false;
        } else if (!(codes[*count] = bg_pattern_compile(item->valuestring, file, where, p))) {
            ok = false;
        } else {
            (*count)++;
        }
        i++;
    }
    *out = codes;
    if (!ok) {
        bg_patterns_free(codes, *count);
        *out = NULL;
        *count = 0;
    }
    return ok;
}

void bg_patterns_free(pcre2_code **codes, size_t count)
{
    for (size_t i = 0; i < count; i++)
        bg_pattern_free(codes[i]);
    free(codes);
}

/* Per-thread matching state ------------------------------------------------ */

typedef struct thread_state {
    pcre2_match_context *context;
    pcre2_jit_stack *jit_stack;
    bg_pattern_fault fault;
} thread_state;

static pthread_key_t state_key;
static pthread_once_t state_once = PTHREAD_ONCE_INIT;

static void state_free(void *p)
{
    thread_state *st = p;
    if (!st)
        return;
    pcre2_match_context_free(st->context);
    pcre2_jit_stack_free(st->jit_stack);
    free(st);
}

static void state_key_make(void)
{
    (void)pthread_key_create(&state_key, state_free);
}

static thread_state *state_get(void)
{
    pthread_once(&state_once, state_key_make);
    thread_state *st = pthread_getspecific(state_key);
    if (st)
        return st;
    st = calloc(1, sizeof *st);
    if (!st)
        return NULL;
    st->context = pcre2_match_context_create(NULL);
    if (!st->context) {
        free(st);
        return NULL;
    }
    pcre2_set_match_limit(st->context, BG_PATTERN_MATCH_LIMIT);
    pcre2_set_depth_limit(st->context, BG_PATTERN_DEPTH_LIMIT);
    /* JIT code needs more than the default 32 KiB stack on long clauses */
    st->jit_stack = pcre2_jit_stack_create(32 * 1024, 1024 * 1024, NULL);
    if (st->jit_stack)
        pcre2_jit_stack_assign(st->context, NULL, st->jit_stack);
    if (pthread_setspecific(state_key, st) != 0) {
        state_free(st);
        return NULL;
    }
    return st;
}

static void fault_record(thread_state *st, const pcre2_code *code, int rc, size_t start)
{
    if (!st || st->fault.set)
        return;
    st->fault.set = true;
    st->fault.code = rc;
    st->fault.offset = start;
    name_of(code, st->fault.rule, sizeof st->fault.rule);
    PCRE2_UCHAR reason[128];
    if (pcre2_get_error_message(rc, reason, sizeof reason) < 0)
        snprintf((char *)reason, sizeof reason, "PCRE2 error %d", rc);
    snprintf(st->fault.reason, sizeof st->fault.reason, "%s", (const char *)reason);
}

int bg_pattern_match(const pcre2_code *code, const char *s, size_t n, size_t start, unsigned options,
                     pcre2_match_data *md)
{
    thread_state *st = state_get();
    int rc = pcre2_match(code, (PCRE2_SPTR)s, n, start, options | PCRE2_NO_UTF_CHECK, md, st ? st->context : NULL);
    if (rc < 0 && rc != PCRE2_ERROR_NOMATCH)
        fault_record(st, code, rc, start);
    return rc;
}

bool bg_patterns_search(pcre2_code *const *codes, size_t count, const char *s, size_t from, size_t to,
                        pcre2_match_data *md)
{
    for (size_t i = 0; i < count; i++)
        if (bg_pattern_match(codes[i], s + from, to - from, 0, 0, md) >= 0)
            return true;
    return false;
}

void bg_pattern_fault_reset(void)
{
    thread_state *st = state_get();
    if (st)
        memset(&st->fault, 0, sizeof st->fault);
}

bool bg_pattern_fault_get(bg_pattern_fault *out)
{
    thread_state *st = state_get();
    if (!st || !st->fault.set)
        return false;
    *out = st->fault;
    return true;
}
