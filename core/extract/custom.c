/* custom.c — the job's custom regex rules (custom.h). Each rule's schema is
 * built at load time (bg_table_def with dynamic columns) so exporters see
 * custom tables exactly like built-in ones. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "extract/custom.h"

#include "budget.h"
#include "config.h"
#include "text/pattern.h"

#include <pcre2.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct custom_column {
    char *name;
    bg_type type;
    int group;
    char *label;       /* the config's Chinese label, or NULL */
    char *description; /* the config's description, or NULL */
} custom_column;

typedef struct custom_rule {
    char *name;
    char *table;
    char *label; /* the table's label: the config's, else the rule's name */
    pcre2_code *code;
    custom_column *columns;
    size_t column_count;
    bg_table_def def;
} custom_rule;

struct bg_custom_rules {
    custom_rule *rules;
    size_t count;
};

static bool valid_name(const char *s)
{
    if (!s || !(*s >= 'a' && *s <= 'z'))
        return false;
    for (const char *c = s + 1; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '_'))
            return false;
    return strlen(s) <= 63;
}

static void free_rule(custom_rule *rule)
{
    free(rule->name);
    free(rule->table);
    free(rule->label);
    bg_pattern_free(rule->code);
    for (size_t i = 0; i < rule->column_count; i++) {
        free(rule->columns[i].name);
        free(rule->columns[i].label);
        free(rule->columns[i].description);
    }
    free(rule->columns);
    free(rule->def.columns);
}

void bg_custom_rules_free(bg_custom_rules *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->count; i++)
        free_rule(&r->rules[i]);
    free(r->rules);
    free(r);
}

static const char *const reserved_columns[] = {"doc_id", "seq", "sentence", "offset"};

/* Fills rule->def: doc_id, seq, the rule's columns, sentence, offset. */
static bool build_schema(custom_rule *rule, size_t index)
{
    size_t n = rule->column_count + 4;
    bg_column *columns = calloc(n, sizeof *columns);
    if (!columns)
        return false;
    columns[0] = (bg_column){"doc_id", BG_TYPE_TEXT, "文档编号", "document id", BG_COLUMN_KEY | BG_COLUMN_CODE};
    columns[1] = (bg_column){"seq", BG_TYPE_INTEGER, "序号", "order within the document", BG_COLUMN_KEY};
    for (size_t i = 0; i < rule->column_count; i++)
        columns[2 + i] = (bg_column){rule->columns[i].name, rule->columns[i].type, rule->columns[i].label,
                                     rule->columns[i].description, 0};
    columns[n - 2] = (bg_column){"sentence", BG_TYPE_TEXT, "原句", "the sentence as in the source", BG_COLUMN_LONG};
    columns[n - 1] = (bg_column){"offset", BG_TYPE_INTEGER, "位置", "character offset in the cleaned text", 0};
    rule->def.columns = columns;
    rule->def.dynamic = true;
    rule->def.schema = (bg_table_schema){sizeof(bg_table_schema),
                                         BG_EXPORTER_ABI_MAJOR,
                                         BG_EXPORTER_ABI_MINOR,
                                         index,
                                         rule->table,
                                         rule->label,
                                         "custom rule",
                                         n,
                                         columns,
                                         NULL,
                                         0};
    return true;
}

static bool load_rule(bg_custom_rules *r, const cJSON *item, const char *path, size_t i, size_t first_index,
                      bg_problems *p)
{
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(item, "name");
    const cJSON *table = cJSON_GetObjectItemCaseSensitive(item, "table");
    const cJSON *pattern = cJSON_GetObjectItemCaseSensitive(item, "pattern");
    const cJSON *columns = cJSON_GetObjectItemCaseSensitive(item, "columns");
    const cJSON *label = cJSON_GetObjectItemCaseSensitive(item, "label");
    bool ok = true;
    if (!cJSON_IsObject(item)) {
        bg_problems_add(p, "%s[%zu]: must be an object with name, table, pattern and columns", path, i);
        return false;
    }
    const cJSON *key;
    cJSON_ArrayForEach(key, item)
    {
        if (strcmp(key->string, "name") && strcmp(key->string, "table") && strcmp(key->string, "pattern") &&
            strcmp(key->string, "columns") && strcmp(key->string, "label")) {
            bg_problems_add(p, "%s[%zu].%s: unknown key (name, table, pattern, columns, label)", path, i,
                            key->string);
            ok = false;
        }
    }
    if (label && (!cJSON_IsString(label) || !*label->valuestring)) {
        bg_problems_add(p, "%s[%zu].label: expected a non-empty string (the table's name for people), got %s", path,
                        i, bg_json_kind(label));
        ok = false;
    }
    const char *rule_name = cJSON_IsString(name) ? name->valuestring : NULL;
    if (!rule_name || !*rule_name) {
        bg_problems_add(p, "%s[%zu].name: must be a non-empty string", path, i);
        ok = false;
        rule_name = "?";
    }
    if (!cJSON_IsString(table) || !valid_name(table->valuestring)) {
        bg_problems_add(p, "%s[%zu].table: rule '%s' needs a table name matching [a-z][a-z0-9_]*", path, i, rule_name);
        ok = false;
    } else if (bg_builtin_table_index(table->valuestring) >= 0) {
        bg_problems_add(p, "%s[%zu].table: rule '%s' uses '%s', the name of a built-in table", path, i, rule_name,
                        table->valuestring);
        ok = false;
    } else {
        for (size_t k = 0; k < r->count; k++)
            if (strcmp(r->rules[k].table, table->valuestring) == 0) {
                bg_problems_add(p,
                                "%s[%zu].table: rule '%s' uses table '%s', already "
                                "used by rule '%s'",
                                path, i, rule_name, table->valuestring, r->rules[k].name);
                ok = false;
            }
    }
    pcre2_code *code = NULL;
    if (!cJSON_IsString(pattern)) {
        bg_problems_add(p, "%s[%zu].pattern: rule '%s' needs a pattern (a string)", path, i, rule_name);
        ok = false;
    } else {
        char where[256];
        snprintf(where, sizeof where, "%s[%zu].pattern (rule '%s')", path, i, rule_name);
        code = bg_pattern_compile(pattern->valuestring, NULL, where, p);
        if (!code)
            ok = false;
    }
    custom_rule rule = {0};
    rule.code = code;
    if (!cJSON_IsObject(columns) || !columns->child) {
        bg_problems_add(p,
                        "%s[%zu].columns: rule '%s' needs an object {\"column\": "
                        "\"text|integer|real\"} (or {\"column\": {\"type\": …, \"label\": …}})",
                        path, i, rule_name);
        ok = false;
    } else {
        size_t n = (size_t)cJSON_GetArraySize(columns);
        rule.columns = calloc(n, sizeof *rule.columns);
        if (!rule.columns) {
            free_rule(&rule);
            return false;
        }
        const cJSON *column;
        cJSON_ArrayForEach(column, columns)
        {
            const char *cname = column->string;
            bg_type type = BG_TYPE_NULL;
            /* "real", or {"type": "real", "label": "吞吐量（万吨）", "description": "..."} */
            const cJSON *type_item = column, *column_label = NULL, *column_description = NULL;
            if (cJSON_IsObject(column)) {
                type_item = cJSON_GetObjectItemCaseSensitive(column, "type");
                column_label = cJSON_GetObjectItemCaseSensitive(column, "label");
                column_description = cJSON_GetObjectItemCaseSensitive(column, "description");
                const cJSON *k;
                cJSON_ArrayForEach(k, column)
                {
                    if (strcmp(k->string, "type") && strcmp(k->string, "label") && strcmp(k->string, "description")) {
                        bg_problems_add(p, "%s[%zu].columns.%s.%s: unknown key (type, label, description)", path, i,
                                        cname, k->string);
                        ok = false;
                    }
                }
                if (column_label && (!cJSON_IsString(column_label) || !*column_label->valuestring)) {
                    bg_problems_add(p, "%s[%zu].columns.%s.label: expected a non-empty string, got %s", path, i,
                                    cname, bg_json_kind(column_label));
                    ok = false;
                    column_label = NULL;
                }
                if (column_description && !cJSON_IsString(column_description)) {
                    bg_problems_add(p, "%s[%zu].columns.%s.description: expected a string, got %s", path, i, cname,
                                    bg_json_kind(column_description));
                    ok = false;
                    column_description = NULL;
                }
            }
            if (cJSON_IsString(type_item)) {
                if (strcmp(type_item->valuestring, "text") == 0)
                    type = BG_TYPE_TEXT;
                else if (strcmp(type_item->valuestring, "integer") == 0)
                    type = BG_TYPE_INTEGER;
                else if (strcmp(type_item->valuestring, "real") == 0)
                    type = BG_TYPE_REAL;
            }
            if (!valid_name(cname)) {
                bg_problems_add(p,
                                "%s[%zu].columns.%s: rule '%s': column names must "
                                "match [a-z][a-z0-9_]*",
                                path, i, cname, rule_name);
                ok = false;
                continue;
            }
            for (size_t k = 0; k < sizeof reserved_columns / sizeof *reserved_columns; k++)
                if (strcmp(cname, reserved_columns[k]) == 0) {
                    bg_problems_add(p,
                                    "%s[%zu].columns.%s: rule '%s': '%s' is added to "
                                    "every row; choose another name",
                                    path, i, cname, rule_name, cname);
                    ok = false;
                }
            if (type == BG_TYPE_NULL) {
                bg_problems_add(p, "%s[%zu].columns.%s: rule '%s': type must be text, integer or real", path, i, cname,
                                rule_name);
                ok = false;
            }
            int group = code ? pcre2_substring_number_from_name(code, (PCRE2_SPTR)cname) : -1;
            if (code && group < 0) {
                bg_problems_add(p, "%s[%zu].columns.%s: rule '%s': the pattern has no group (?<%s>…)", path, i, cname,
                                rule_name, cname);
                ok = false;
            }
            char *copy = strdup(cname);
            char *label_copy = column_label ? strdup(column_label->valuestring) : NULL;
            char *description_copy = column_description ? strdup(column_description->valuestring) : NULL;
            if (!copy || (column_label && !label_copy) || (column_description && !description_copy)) {
                free(copy);
                free(label_copy);
                free(description_copy);
                free_rule(&rule);
                return false;
            }
            rule.columns[rule.column_count++] = (custom_column){copy, type, group, label_copy, description_copy};
        }
    }
    if (!ok) {
        free_rule(&rule);
        return false;
    }
    rule.name = strdup(rule_name);
    rule.table = strdup(table->valuestring);
    rule.label = strdup(label ? label->valuestring : rule_name);
    custom_rule *grown = realloc(r->rules, (r->count + 1) * sizeof *grown);
    if (!rule.name || !rule.table || !rule.label || !grown) {
        if (grown)
            r->rules = grown;
        free_rule(&rule);
        bg_problems_add(p, "%s[%zu]: out of memory", path, i);
        return false;
    }
    r->rules = grown;
    if (!build_schema(&rule, first_index + r->count)) {
        free_rule(&rule);
        bg_problems_add(p, "%s[%zu]: out of memory", path, i);
        return false;
    }
    r->rules[r->count++] = rule;
    return true;
}

bg_custom_rules *bg_custom_rules_load(const cJSON *custom, const char *json_path, size_t first_index, bg_problems *p)
{
    bg_custom_rules *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    const char *path = json_path ? json_path : "extract.custom";
    bool ok = true;
    if (custom && !cJSON_IsArray(custom)) {
        bg_problems_add(p, "%s: must be an array of rules", path);
        ok = false;
    } else if (custom) {
        size_t i = 0;
        const cJSON *item;
        cJSON_ArrayForEach(item, custom) ok = load_rule(r, item, path, i++, first_index, p) && ok;
    }
    if (!ok) {
        bg_custom_rules_free(r);
        return NULL;
    }
    /* schema names point into rule strings: fix pointers after reallocs */
    for (size_t i = 0; i < r->count; i++) {
        r->rules[i].def.schema.name = r->rules[i].table;
        r->rules[i].def.schema.label = r->rules[i].label;
    }
    return r;
}

size_t bg_custom_table_count(const bg_custom_rules *r)
{
    return r ? r->count : 0;
}

const bg_table_schema *bg_custom_table(const bg_custom_rules *r, size_t i)
{
    return &r->rules[i].def.schema;
}

long bg_custom_extract(const bg_custom_rules *r, size_t index, const bg_doc *doc, bg_rowset *out, size_t table)
{
    const custom_rule *rule = &r->rules[index];
    const bg_text *t = doc->text;
    const char *doc_id = doc->doc_id;
    pcre2_match_data *md = pcre2_match_data_create_from_pattern(rule->code, NULL);
    if (!md)
        return -1;
    long added = 0;
    size_t start = 0;
    while (start <= t->length && !bg_budget_exceeded()) {
        int rc = bg_pattern_match(rule->code, t->text, t->length, start, 0, md);
        if (rc < 0)
            break;
        PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
        size_t ms = ov[0], me = ov[1];
        /* the enclosing sentence, quoted as a bounded window around the match */
        size_t from, to;
        bg_span_at(doc->breaks, BG_SPAN_PHRASE, ms, &from, &to);
        if (me > to)
            to = bg_break_after(doc->breaks, BG_SPAN_PHRASE, me > 0 ? me - 1 : me);
        if (to < t->length && t->text[to] != '\n')
            to += ((unsigned char)t->text[to] < 0x80) ? 1 : 3;
        bg_cell *row = bg_rowset_add(out, table);
        char *sentence = bg_quote_window(t, doc->breaks, from, to, ms, me);
        if (!row || !sentence || !bg_cell_set_cstr(out, &row[0], doc_id) ||
            !bg_cell_set_cstr(out, &row[rule->column_count + 2], sentence)) {
            free(sentence);
            pcre2_match_data_free(md);
            return -1;
        }
        free(sentence);
        bg_cell_set_integer(&row[1], added + 1);
        for (size_t c = 0; c < rule->column_count; c++) {
            const custom_column *col = &rule->columns[c];
            size_t gs = ov[2 * col->group], ge = ov[2 * col->group + 1];
            if (gs == PCRE2_UNSET)
                continue;
            char buf[64];
            size_t n = 0;
            if (col->type == BG_TYPE_TEXT) {
                if (!bg_cell_set_text(out, &row[2 + c], t->text + gs, ge - gs)) {
                    pcre2_match_data_free(md);
                    return -1;
                }
                continue;
            }
            for (size_t k = gs; k < ge && n + 1 < sizeof buf; k++)
                if (t->text[k] != ',' && t->text[k] != ' ')
                    buf[n++] = t->text[k];
            buf[n] = '\0';
            char *end;
            if (col->type == BG_TYPE_INTEGER) {
                long long v = strtoll(buf, &end, 10);
                if (n && *end == '\0')
                    bg_cell_set_integer(&row[2 + c], v);
            } else {
                double v = strtod(buf, &end);
                if (n && *end == '\0' && v == v)
                    bg_cell_set_real(&row[2 + c], v);
            }
        }
        bg_cell_set_integer(&row[rule->column_count + 3], (int64_t)bg_text_char_offset(t, ms));
        added++;
        if (me == ms) {
            if (me >= t->length)
                break;
            start = me + 1;
            while (start < t->length && ((unsigned char)t->text[start] & 0xC0) == 0x80)
                start++;
        } else {
            start = me;
        }
    }
    pcre2_match_data_free(md);
    return added;
}
