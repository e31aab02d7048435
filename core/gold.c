/* gold.c — the gold format as data (which keys each object of a gold file
 * may have, of which types, which a match needs) and the check that walks a
 * gold file against it. Unknown keys go through bg_check_keys, as in the job
 * config, so a misspelt key is named with the key it was meant to be. The
 * keys of `meta` are the columns of the documents table (what eval compares
 * them with), so the two cannot drift apart. */
#include "gold.h"

#include "config.h"
#include "paths.h"
#include "table.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What a value may be. */
enum {
    G_STRING = 1u << 0,
    G_NUMBER = 1u << 1,
    G_INTEGER = 1u << 2, /* a number without a fraction */
    G_NULL = 1u << 3,
    G_BOOL = 1u << 4,
    G_ARRAY = 1u << 5,
    G_OBJECT = 1u << 6,
    G_DATE = 1u << 7 /* a string "YYYY-MM-DD" */
};

typedef struct gold_shape gold_shape;

typedef struct gold_key {
    const char *name;
    unsigned types;
    bool required;           /* a match needs it */
    unsigned items;          /* an array: what each item may be */
    const gold_shape *shape; /* an object, or an array's object items: their keys */
} gold_key;

struct gold_shape {
    const gold_key *keys;
    size_t count;
};

#define SHAPE(keys)                                                                                                    \
    {                                                                                                                  \
        keys, sizeof keys / sizeof *keys                                                                               \
    }
#define NOTE                                                                                                           \
    {                                                                                                                  \
        "note", G_STRING, false, 0, NULL                                                                               \
    }

static const gold_key target_keys[] = {
    {"indicator", G_STRING, true, 0, NULL},
    {"indicator_text", G_STRING | G_NULL, false, 0, NULL},
    {"kind", G_STRING, true, 0, NULL},
    {"value", G_NUMBER | G_NULL, true, 0, NULL},
    {"value_max", G_NUMBER | G_NULL, false, 0, NULL},
    {"unit", G_STRING | G_NULL, false, 0, NULL},
    {"qualifier", G_STRING, true, 0, NULL},
    {"qualifier_text", G_STRING | G_NULL, false, 0, NULL},
    {"reference", G_STRING | G_NULL, false, 0, NULL},
    {"direction", G_STRING | G_NULL, false, 0, NULL},
    NOTE,
};
static const gold_key must_find_keys[] = {
    {"text", G_STRING, false, 0, NULL},
    {"value", G_NUMBER, true, 0, NULL},
    {"unit", G_STRING | G_NULL, true, 0, NULL},
    {"qualifier", G_STRING | G_NULL, true, 0, NULL},
    {"base_value", G_NUMBER | G_NULL, false, 0, NULL},
    {"base_unit", G_STRING | G_NULL, false, 0, NULL},
    NOTE,
};
static const gold_key judged_keys[] = {
    {"id", G_INTEGER, true, 0, NULL},
    {"judged", G_STRING, false, 0, NULL},
    {"verdict", G_STRING, true, 0, NULL},
    {"reasons", G_ARRAY, false, G_STRING, NULL},
    {"part", G_STRING | G_NULL, false, 0, NULL},
    {"verb", G_STRING | G_NULL, false, 0, NULL},
    {"object", G_STRING | G_NULL, false, 0, NULL},
    {"value", G_NUMBER, true, 0, NULL},
    {"value_max", G_NUMBER | G_NULL, false, 0, NULL},
    {"unit", G_STRING | G_NULL, false, 0, NULL},
    {"qualifier", G_STRING | G_NULL, false, 0, NULL},
    {"sentence", G_STRING, true, 0, NULL},
    {"offset", G_INTEGER, false, 0, NULL},
    NOTE,
};
static const gold_key review_keys[] = {
    {"text", G_STRING, true, 0, NULL},
    NOTE,
};
static const gold_key list_keys[] = {
    {"name", G_STRING, true, 0, NULL},
    {"declared_count", G_INTEGER | G_NULL, false, 0, NULL},
    {"items", G_ARRAY, true, G_STRING, NULL},
    NOTE,
};
static const gold_key section_keys[] = {
    {"level", G_INTEGER, true, 0, NULL},
    {"number", G_STRING, true, 0, NULL},
    {"title", G_STRING, true, 0, NULL},
    NOTE,
};
static const gold_key outcome_keys[] = {
    {"indicator", G_STRING, false, 0, NULL},
    {"kind", G_STRING, false, 0, NULL},
    {"value", G_NUMBER | G_NULL, false, 0, NULL},
    {"unit", G_STRING | G_NULL, false, 0, NULL},
    {"year", G_INTEGER, false, 0, NULL},
    {"estimate", G_BOOL, false, 0, NULL},
    NOTE,
};

static const gold_shape target_shape = SHAPE(target_keys), must_find_shape = SHAPE(must_find_keys),
                        judged_shape = SHAPE(judged_keys), review_shape = SHAPE(review_keys),
                        list_shape = SHAPE(list_keys), section_shape = SHAPE(section_keys),
                        outcome_shape = SHAPE(outcome_keys);

/* meta: one key per column of the documents table, typed as the column */
enum { META_MAX = 64 };
static gold_key meta_keys[META_MAX];
static gold_shape meta_shape = {meta_keys, 0};
static pthread_once_t meta_once = PTHREAD_ONCE_INIT;

static void build_meta_shape(void)
{
    const bg_table_schema *documents = bg_builtin_table(BG_TABLE_DOCUMENTS);
    size_t n = 0;
    for (size_t c = 0; c < documents->column_count && n < META_MAX - 1; c++) {
        const bg_column *column = &documents->columns[c];
        unsigned types = column->type == BG_TYPE_INTEGER ? G_INTEGER
                         : column->type == BG_TYPE_REAL  ? G_NUMBER
                         : column->type == BG_TYPE_DATE  ? G_DATE
                                                         : G_STRING;
        meta_keys[n++] = (gold_key){column->name, types | G_NULL, false, 0, NULL};
    }
    meta_keys[n++] = (gold_key)NOTE;
    meta_shape.count = n;
}

static const gold_key document_keys[] = {
    {"text", G_STRING, false, 0, NULL},
    {"meta", G_OBJECT, false, 0, &meta_shape},
    {"targets", G_ARRAY, false, G_OBJECT, &target_shape},
    {"commitments_must_find", G_ARRAY, false, G_OBJECT, &must_find_shape},
    {"commitments_judged", G_ARRAY, false, G_OBJECT, &judged_shape},
    {"review_not_plan", G_ARRAY, false, G_OBJECT, &review_shape},
    {"lists", G_ARRAY, false, G_OBJECT, &list_shape},
    {"sections", G_ARRAY, false, G_OBJECT, &section_shape},
    {"boilerplate_absent", G_ARRAY, false, G_STRING, NULL},
    {"outcomes", G_ARRAY, false, G_OBJECT, &outcome_shape},
    NOTE,
};
static const gold_shape document_shape = SHAPE(document_keys);

/* The top: documents is checked by hand (its keys are file names). */
static const gold_key top_keys[] = {
    {"format", G_STRING, true, 0, NULL},
    {"documents", G_OBJECT, true, 0, NULL},
    {"about", G_STRING, false, 0, NULL},
    /* what the tables across reports must hold for these documents (tests/e2e read it) */
    {"expected", G_OBJECT, false, 0, NULL},
    {"about_commitments_judged", G_STRING, false, 0, NULL},
    {"about_outcomes", G_STRING, false, 0, NULL},
    {"about_indicator_text", G_STRING, false, 0, NULL},
    NOTE,
};
static const gold_shape top_shape = SHAPE(top_keys);

static const char gold_format[] = "baogao-gold/1";

/* The walk: the file and the JSON path of the value being checked, grown
 * and cut back as the walk goes in and out. */
typedef struct checker {
    const char *file;
    bg_problems *problems;
    char path[1024];
    size_t path_length;
} checker;

/* Appends to the path; returns the length to cut back to. */
static size_t path_push(checker *c, const char *format, const char *part) __attribute__((format(printf, 2, 0)));
static size_t path_push(checker *c, const char *format, const char *part)
{
    size_t before = c->path_length;
    if (before < sizeof c->path) {
        int added = snprintf(c->path + before, sizeof c->path - before, format, part);
        c->path_length = added < 0 ? before : before + (size_t)added;
        if (c->path_length >= sizeof c->path)
            c->path_length = sizeof c->path - 1;
    }
    return before;
}

static void path_cut(checker *c, size_t length)
{
    c->path_length = length;
    c->path[length] = '\0';
}

static bool is_date(const char *s)
{
    int year, month, day, end = 0;
    return sscanf(s, "%4d-%2d-%2d%n", &year, &month, &day, &end) == 3 && end == 10 && !s[end] && month >= 1 &&
           month <= 12 && day >= 1 && day <= 31;
}

static bool fits(const cJSON *v, unsigned types)
{
    return ((types & G_STRING) && cJSON_IsString(v)) ||
           ((types & G_DATE) && cJSON_IsString(v) && is_date(v->valuestring)) ||
           ((types & G_NUMBER) && cJSON_IsNumber(v)) ||
           ((types & G_INTEGER) && cJSON_IsNumber(v) && isfinite(v->valuedouble) &&
            v->valuedouble == floor(v->valuedouble)) ||
           ((types & G_NULL) && cJSON_IsNull(v)) || ((types & G_BOOL) && cJSON_IsBool(v)) ||
           ((types & G_ARRAY) && cJSON_IsArray(v)) || ((types & G_OBJECT) && cJSON_IsObject(v));
}

/* "a number or null", "an array of objects" … */
static void describe(unsigned types, unsigned items, char *buf, size_t n)
{
    static const struct {
        unsigned type;
        const char *one, *many;
    } names[] = {{G_STRING, "a string", "strings"},     {G_DATE, "a date \"YYYY-MM-DD\"", "dates"},
                 {G_INTEGER, "an integer", "integers"}, {G_NUMBER, "a number", "numbers"},
                 {G_BOOL, "true or false", "booleans"}, {G_OBJECT, "an object", "objects"},
                 {G_ARRAY, "an array", "arrays"},       {G_NULL, "null", "nulls"}};
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < sizeof names / sizeof *names && used < n; i++) {
        if (!(types & names[i].type))
            continue;
        used += (size_t)snprintf(buf + used, n - used, "%s%s", used ? " or " : "", names[i].one);
        if (names[i].type == G_ARRAY && items && used < n) {
            used += (size_t)snprintf(buf + used, n - used, " of ");
            for (size_t k = 0, first = 1; k < sizeof names / sizeof *names && used < n; k++)
                if (items & names[k].type) {
                    used += (size_t)snprintf(buf + used, n - used, "%s%s", first ? "" : " or ", names[k].many);
                    first = 0;
                }
        }
    }
}

/* "PATH: json.path: expected …, got …" for the value at the path. */
static void wrong_type(checker *c, const cJSON *v, unsigned types, unsigned items)
{
    char want[160], got[80];
    describe(types, items, want, sizeof want);
    bg_json_describe(v, got, sizeof got);
    bg_problems_add(c->problems, "%s: %s: expected %s, got %s", c->file, c->path, want, got);
}

static void check_object(checker *c, const cJSON *object, const gold_shape *shape);

/* The value of key k (at the path), and what it holds. */
static void check_value(checker *c, const cJSON *v, const gold_key *k)
{
    if (!fits(v, k->types)) {
        wrong_type(c, v, k->types, k->items);
        return;
    }
    if (cJSON_IsObject(v) && k->shape) {
        check_object(c, v, k->shape);
    } else if (cJSON_IsArray(v) && k->items) {
        size_t i = 0;
        const cJSON *item;
        cJSON_ArrayForEach(item, v)
        {
            char index[24];
            snprintf(index, sizeof index, "%zu", i++);
            size_t back = path_push(c, "[%s]", index);
            if (!fits(item, k->items))
                wrong_type(c, item, k->items, 0);
            else if (cJSON_IsObject(item) && k->shape)
                check_object(c, item, k->shape);
            path_cut(c, back);
        }
    }
}

static void check_object(checker *c, const cJSON *object, const gold_shape *shape)
{
    const char *names[META_MAX];
    for (size_t i = 0; i < shape->count; i++)
        names[i] = shape->keys[i].name;
    bool top = c->path_length == 0;
    char prefix[sizeof c->path + 256];
    snprintf(prefix, sizeof prefix, "%s: %s%s", c->file, c->path, top ? "" : ".");
    bg_check_keys(object, prefix, names, shape->count, c->problems);
    for (size_t i = 0; i < shape->count; i++) {
        const gold_key *k = &shape->keys[i];
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(object, k->name);
        size_t back = path_push(c, top ? "%s" : ".%s", k->name);
        if (v) {
            check_value(c, v, k);
        } else if (k->required) {
            char want[160];
            describe(k->types, k->items, want, sizeof want);
            bg_problems_add(c->problems, "%s: %s: missing (%s)", c->file, c->path, want);
        }
        path_cut(c, back);
    }
}

static void check_gold(checker *c, const cJSON *root)
{
    if (!cJSON_IsObject(root)) {
        bg_problems_add(c->problems, "%s: expected a JSON object at the top, got %s", c->file, bg_json_kind(root));
        return;
    }
    /* another format first: the rest of the file is not ours to judge */
    const cJSON *format = cJSON_GetObjectItemCaseSensitive(root, "format");
    if (cJSON_IsString(format) && strcmp(format->valuestring, gold_format) != 0) {
        bg_problems_add(c->problems, "%s: format: expected \"%s\", got \"%s\"", c->file, gold_format,
                        format->valuestring);
        return;
    }
    check_object(c, root, &top_shape);
    const cJSON *documents = cJSON_GetObjectItemCaseSensitive(root, "documents");
    if (!cJSON_IsObject(documents))
        return;
    const cJSON *doc;
    cJSON_ArrayForEach(doc, documents)
    {
        /* the key is a file name: quoted as JSON, so dots and quotes in it
         * stay readable and the message stays on one line */
        cJSON *name = cJSON_CreateString(doc->string);
        char *quoted = name ? cJSON_PrintUnformatted(name) : NULL;
        cJSON_Delete(name);
        size_t back = path_push(c, "documents[%s]", quoted ? quoted : "?");
        cJSON_free(quoted);
        if (!*doc->string)
            bg_problems_add(c->problems, "%s: %s: a document needs a name (the file it is read from)", c->file,
                            c->path);
        if (!cJSON_IsObject(doc))
            wrong_type(c, doc, G_OBJECT, 0);
        else
            check_object(c, doc, &document_shape);
        path_cut(c, back);
    }
}

bg_error bg_gold_read(const char *path, cJSON **gold, bg_problems *problems)
{
    *gold = NULL;
    pthread_once(&meta_once, build_meta_shape);
    size_t size;
    char *bytes = bg_read_file(path, &size);
    if (!bytes) {
        bg_problems_add(problems, "%s: cannot read the gold file: %s", path, strerror(errno));
        return BG_E_IO;
    }
    cJSON *root = bg_json_parse(bytes, size, path, problems);
    free(bytes);
    if (!root)
        return BG_E_GOLD;
    size_t before = problems->count;
    checker c = {.file = path, .problems = problems};
    check_gold(&c, root);
    if (problems->count > before) {
        cJSON_Delete(root);
        return BG_E_GOLD;
    }
    *gold = root;
    return BG_E_OK;
}
