/* corpus.c — corpora (corpus.h): CSV read with libcsv in strict mode and fed
 * one line at a time, so that each record's first line is known and a parse
 * error fails that record alone: the parser restarts at the next line; JSON
 * Lines parsed with cJSON one line at a time. */
#include "source/corpus.h"

#include <cjson/cJSON.h>
#include <csv.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct csv_state {
    char **fields;
    size_t field_count, field_capacity;
    char **header;
    size_t header_count;
    bg_corpus_rows *out;
    const bg_source_config *config;
    const char *name;
    long text_index, title_index, region_index, year_index, url_index;
    size_t row;         /* data rows seen */
    size_t line;        /* the line being fed */
    size_t record_line; /* where the current record began */
    bg_error error;     /* for the whole file */
    char *msg;
    size_t msg_size;
} csv_state;

static void on_field(void *data, size_t length, void *user)
{
    csv_state *st = user;
    if (st->error)
        return;
    if (st->field_count == st->field_capacity) {
        size_t capacity = st->field_capacity ? st->field_capacity * 2 : 16;
        char **grown = realloc(st->fields, capacity * sizeof *grown);
        if (!grown) {
            st->error = BG_E_NOMEM;
            return;
        }
        st->fields = grown;
        st->field_capacity = capacity;
    }
    char *copy = malloc(length + 1);
    if (!copy) {
        st->error = BG_E_NOMEM;
        return;
    }
    if (length)
        memcpy(copy, data, length);
    copy[length] = '\0';
    st->fields[st->field_count++] = copy;
}

static void drop_fields(csv_state *st)
{
    for (size_t i = 0; i < st->field_count; i++)
        free(st->fields[i]);
    st->field_count = 0;
}

static long column_of(csv_state *st, const char *name, const char *key)
{
    if (!name)
        return -1;
    for (size_t i = 0; i < st->header_count; i++)
        if (!strcmp(st->header[i], name))
            return (long)i;
    if (!st->error) {
        char found[300] = "";
        for (size_t i = 0; i < st->header_count; i++) {
            strncat(found, i ? ", " : "", sizeof found - strlen(found) - 1);
            strncat(found, st->header[i], sizeof found - strlen(found) - 1);
        }
        st->error = bg_fail(st->msg, st->msg_size, BG_E_CONFIG, "%s: %s: no column '%s' (found: %s)", st->name, key,
                            name, found);
    }
    return -1;
}

static char *take_field(csv_state *st, long index)
{
    if (index < 0 || (size_t)index >= st->field_count)
        return NULL;
    char *value = st->fields[index];
    st->fields[index] = NULL;
    return value;
}

static bg_corpus_row *add_row(csv_state *st)
{
    bg_corpus_rows *out = st->out;
    bg_corpus_row *grown = realloc(out->rows, (out->count + 1) * sizeof *grown);
    if (!grown) {
        st->error = BG_E_NOMEM;
        return NULL;
    }
    out->rows = grown;
    bg_corpus_row *r = &out->rows[out->count++];
    memset(r, 0, sizeof *r);
    r->row = ++st->row;
    r->line = st->record_line;
    return r;
}

/* A record that cannot be read: a failed row saying why. */
static void add_broken(csv_state *st, const char *format, ...) __attribute__((format(printf, 2, 3)));
static void add_broken(csv_state *st, const char *format, ...)
{
    bg_corpus_row *r = add_row(st);
    if (!r)
        return;
    char why[256], message[512];
    va_list ap;
    va_start(ap, format);
    vsnprintf(why, sizeof why, format, ap);
    va_end(ap);
    snprintf(message, sizeof message, "%s: row %zu (line %zu): %s", st->name, r->row, r->line, why);
    r->error = strdup(message);
    if (!r->error)
        st->error = BG_E_NOMEM;
}

static void on_row(int terminator, void *user)
{
    (void)terminator;
    csv_state *st = user;
    if (st->error) {
        drop_fields(st);
        return;
    }
    if (!st->header) {
        /* The header: strip a UTF-8 BOM from the first name. */
        if (st->field_count && !strncmp(st->fields[0], "\xEF\xBB\xBF", 3))
            memmove(st->fields[0], st->fields[0] + 3, strlen(st->fields[0] + 3) + 1);
        st->header = st->fields;
        st->header_count = st->field_count;
        st->fields = NULL;
        st->field_count = st->field_capacity = 0;
        st->text_index = column_of(st, st->config->text_column, "text_column");
        st->title_index = column_of(st, st->config->title_column, "columns.title");
        st->region_index = column_of(st, st->config->region_column, "columns.region");
        st->year_index = column_of(st, st->config->year_column, "columns.year");
        st->url_index = column_of(st, st->config->url_column, "columns.url");
        return;
    }
    if (st->field_count != st->header_count) {
        add_broken(st, "%zu fields where the header has %zu (a stray delimiter or quote?)", st->field_count,
                   st->header_count);
        drop_fields(st);
        return;
    }
    bg_corpus_row *r = add_row(st);
    if (!r) {
        drop_fields(st);
        return;
    }
    r->text = take_field(st, st->text_index);
    if (!r->text)
        r->text = strdup("");
    if (!r->text)
        st->error = BG_E_NOMEM;
    r->text_length = r->text ? strlen(r->text) : 0;
    r->title = take_field(st, st->title_index);
    r->region = take_field(st, st->region_index);
    r->url = take_field(st, st->url_index);
    char *year = take_field(st, st->year_index);
    if (year) {
        r->year = atoi(year);
        free(year);
    }
    drop_fields(st);
}

bg_error bg_csv_read(const char *utf8, size_t length, const char *name, const bg_source_config *config,
                     bg_corpus_rows *out, char *msg, size_t msg_size)
{
    memset(out, 0, sizeof *out);
    const unsigned char options = CSV_STRICT | CSV_STRICT_FINI;
    struct csv_parser parser;
    if (csv_init(&parser, options) != 0)
        return bg_fail(msg, msg_size, BG_E_NOMEM, "%s: cannot start the CSV parser", name);
    unsigned char delimiter = config->delimiter && config->delimiter[0] ? (unsigned char)config->delimiter[0] : ',';
    csv_set_delim(&parser, delimiter);
    csv_state st = {.out = out,
                    .config = config,
                    .name = name,
                    .msg = msg,
                    .msg_size = msg_size,
                    .text_index = -1,
                    .title_index = -1,
                    .region_index = -1,
                    .year_index = -1,
                    .url_index = -1,
                    .record_line = 1};
    for (size_t at = 0; at < length && !st.error;) {
        const char *nl = memchr(utf8 + at, '\n', length - at);
        size_t end = nl ? (size_t)(nl - utf8) + 1 : length;
        st.line++;
        if (parser.pstate == 0) /* no record in progress: one may start here */
            st.record_line = st.line;
        size_t len = end - at;
        if (csv_parse(&parser, utf8 + at, len, on_field, on_row, &st) != len && !st.error) {
            int why = csv_error(&parser);
            if (why != CSV_EPARSE) {
                st.error = BG_E_NOMEM;
                break;
            }
            if (!st.header) {
                st.error = bg_fail(msg, msg_size, BG_E_DECODE, "%s: the header row (line %zu) is not valid CSV: %s",
                                   name, st.line, csv_strerror(why));
                break;
            }
            add_broken(&st, "a quote inside a field that is not doubled (\"\"), or text after a closing quote");
            drop_fields(&st);
            /* start over on the next line */
            csv_free(&parser);
            if (csv_init(&parser, options) != 0) {
                st.error = BG_E_NOMEM;
                break;
            }
            csv_set_delim(&parser, delimiter);
        }
        at = end;
    }
    if (!st.error && csv_fini(&parser, on_field, on_row, &st) != 0 && !st.error) {
        if (st.header)
            add_broken(&st, "the last field's quote is never closed (the file may be cut)");
        else
            st.error = bg_fail(msg, msg_size, BG_E_DECODE, "%s: the header row's quote is never closed", name);
        drop_fields(&st);
    }
    csv_free(&parser);
    drop_fields(&st);
    free(st.fields);
    for (size_t i = 0; i < st.header_count; i++)
        free(st.header[i]);
    free(st.header);
    if (!st.error && !st.header_count)
        st.error = bg_fail(msg, msg_size, BG_E_DECODE, "%s: empty CSV (no header row)", name);
    if (st.error) {
        if (st.error == BG_E_NOMEM)
            bg_fail(msg, msg_size, BG_E_NOMEM, "%s: out of memory reading CSV", name);
        bg_corpus_rows_free(out);
        return st.error;
    }
    return BG_E_OK;
}

/* ---- JSON Lines ----------------------------------------------------------- */

/* The field `path` of object: the key itself, else a.b.c through nested
 * objects. */
static const cJSON *field_of(const cJSON *object, const char *path)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(object, path);
    if (v || !strchr(path, '.'))
        return v;
    char key[256];
    const char *at = path;
    v = object;
    while (v && *at) {
        const char *dot = strchr(at, '.');
        size_t n = dot ? (size_t)(dot - at) : strlen(at);
        if (n >= sizeof key)
            return NULL;
        memcpy(key, at, n);
        key[n] = '\0';
        v = cJSON_IsObject(v) ? cJSON_GetObjectItemCaseSensitive(v, key) : NULL;
        at = dot ? dot + 1 : at + n;
    }
    return v;
}

/* A field's string value, copied; a number as written; NULL when absent or
 * null. *bad set when it is there but neither. */
static char *field_string(const cJSON *object, const char *path, bool *bad)
{
    *bad = false;
    if (!path)
        return NULL;
    const cJSON *v = field_of(object, path);
    if (!v || cJSON_IsNull(v))
        return NULL;
    if (cJSON_IsString(v))
        return strdup(v->valuestring);
    if (cJSON_IsNumber(v)) {
        char number[32];
        snprintf(number, sizeof number, "%.15g", v->valuedouble);
        return strdup(number);
    }
    *bad = true;
    return NULL;
}

static bool jsonl_broken(bg_corpus_rows *out, bg_corpus_row *r, const char *name, const char *format, ...)
    __attribute__((format(printf, 4, 5)));
static bool jsonl_broken(bg_corpus_rows *out, bg_corpus_row *r, const char *name, const char *format, ...)
{
    (void)out;
    char why[256], message[600];
    va_list ap;
    va_start(ap, format);
    vsnprintf(why, sizeof why, format, ap);
    va_end(ap);
    snprintf(message, sizeof message, "%s: line %zu: %s", name, r->line, why);
    free(r->text);
    free(r->title);
    free(r->region);
    free(r->url);
    r->text = r->title = r->region = r->url = NULL;
    r->text_length = 0;
    r->error = strdup(message);
    return r->error != NULL;
}

/* Reads one record's fields into r; false on no memory. */
static bool jsonl_record(const char *line, size_t n, const char *name, const bg_source_config *config,
                         bg_corpus_rows *out, bg_corpus_row *r)
{
    const char *end = NULL;
    cJSON *object = cJSON_ParseWithLengthOpts(line, n, &end, false);
    if (!object) {
        size_t at = end && end >= line && end <= line + n ? (size_t)(end - line) : 0;
        return jsonl_broken(out, r, name, "not JSON (the parser stopped at byte %zu of the line)", at + 1);
    }
    bool ok = true;
    if (!cJSON_IsObject(object)) {
        ok = jsonl_broken(out, r, name, "a JSON %s, not an object with a \"%s\" field",
                          cJSON_IsArray(object) ? "array" : "value", config->text_field);
        cJSON_Delete(object);
        return ok;
    }
    const cJSON *text = field_of(object, config->text_field);
    if (!text) {
        ok = jsonl_broken(out, r, name, "no field \"%s\" (text_field)", config->text_field);
    } else if (!cJSON_IsString(text)) {
        ok = jsonl_broken(out, r, name, "the field \"%s\" (text_field) is not a string", config->text_field);
    } else {
        r->text = strdup(text->valuestring);
        r->text_length = r->text ? strlen(r->text) : 0;
        static const char *const keys[] = {"columns.title", "columns.region", "columns.year", "columns.url"};
        const char *paths[] = {config->title_column, config->region_column, config->year_column, config->url_column};
        char *values[4] = {NULL, NULL, NULL, NULL};
        for (size_t k = 0; k < 4 && r->text; k++) {
            bool bad;
            values[k] = field_string(object, paths[k], &bad);
            if (bad) {
                for (size_t j = 0; j < k; j++)
                    free(values[j]);
                ok = jsonl_broken(out, r, name, "the field \"%s\" (%s) is neither a string nor a number", paths[k],
                                  keys[k]);
                cJSON_Delete(object);
                return ok;
            }
        }
        r->title = values[0];
        r->region = values[1];
        if (values[2]) {
            r->year = atoi(values[2]);
            free(values[2]);
        }
        r->url = values[3];
        ok = r->text != NULL;
    }
    cJSON_Delete(object);
    return ok;
}

bg_error bg_jsonl_read(const char *utf8, size_t length, const char *name, const bg_source_config *config,
                       bg_corpus_rows *out, char *msg, size_t msg_size)
{
    memset(out, 0, sizeof *out);
    size_t capacity = 0, line = 0;
    for (size_t at = 0; at < length;) {
        const char *nl = memchr(utf8 + at, '\n', length - at);
        size_t end = nl ? (size_t)(nl - utf8) : length;
        line++;
        size_t from = at, to = end;
        if (line == 1 && to - from >= 3 && !memcmp(utf8 + from, "\xEF\xBB\xBF", 3))
            from += 3;
        while (from < to && (utf8[from] == ' ' || utf8[from] == '\t' || utf8[from] == '\r'))
            from++;
        while (to > from && (utf8[to - 1] == ' ' || utf8[to - 1] == '\t' || utf8[to - 1] == '\r'))
            to--;
        at = end + 1;
        if (from == to)
            continue; /* a blank line holds no record */
        if (out->count == capacity) {
            capacity = capacity ? capacity * 2 : 64;
            bg_corpus_row *grown = realloc(out->rows, capacity * sizeof *grown);
            if (!grown)
                goto nomem;
            out->rows = grown;
        }
        bg_corpus_row *r = &out->rows[out->count++];
        memset(r, 0, sizeof *r);
        r->row = r->line = line;
        if (!jsonl_record(utf8 + from, to - from, name, config, out, r))
            goto nomem;
    }
    if (!out->count) {
        bg_corpus_rows_free(out);
        return bg_fail(msg, msg_size, BG_E_DECODE, "%s: empty JSON Lines file (no record)", name);
    }
    return BG_E_OK;
nomem:
    bg_corpus_rows_free(out);
    return bg_fail(msg, msg_size, BG_E_NOMEM, "%s: out of memory reading JSON Lines", name);
}

void bg_corpus_rows_free(bg_corpus_rows *rows)
{
    for (size_t i = 0; i < rows->count; i++) {
        free(rows->rows[i].text);
        free(rows->rows[i].title);
        free(rows->rows[i].region);
        free(rows->rows[i].url);
        free(rows->rows[i].error);
    }
    free(rows->rows);
    rows->rows = NULL;
    rows->count = 0;
}
