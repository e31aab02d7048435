/* rules.c — loading the ruleset (extract.h): the rules JSON, the divisions
 * list and the job's extract section, each module validating its own keys
 * so that every problem is reported at once with its file and JSON path. */
#include "extract/rules.h"

#include "paths.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Top-level keys of the rules JSON and the module that reads each. */
static const char *const rules_keys[] = {
    "format",     "about",      "version", "boilerplate", "headings", "parts",       "region", "keywords",
    "indicators", "qualifiers", "units",   "aspirations", "targets",  "commitments", "lists",  "identity", "outcomes",
};

static const char *const job_keys[] = {"tables", "custom", "boilerplate", "rules", "divisions"};

static cJSON *read_json(const char *path, bg_problems *p)
{
    size_t size = 0;
    char *bytes = bg_read_file(path, &size);
    if (!bytes) {
        bg_problems_add(p, "%s: cannot read: %s", path, strerror(errno));
        return NULL;
    }
    cJSON *root = bg_json_parse(bytes, size, path, p);
    if (root && !cJSON_IsObject(root)) {
        bg_problems_add(p, "%s: must be a JSON object", path);
        cJSON_Delete(root);
        root = NULL;
    }
    free(bytes);
    return root;
}

static void check_keys(const cJSON *object, const char *const *known, size_t count, const char *where, bg_problems *p)
{
    bg_check_keys(object, where, known, count, p);
}

void bg_rules_free(bg_rules *rules)
{
    if (!rules)
        return;
    bg_clean_rules_free(rules->clean);
    bg_regions_free(rules->regions);
    bg_facts_rules_free(rules->facts);
    bg_outline_rules_free(rules->outline);
    bg_keywords_rules_free(rules->keywords);
    if (rules->targets)
        bg_targets_rules_free(rules->targets);
    bg_outcomes_rules_free(rules->outcomes);
    if (rules->commitments)
        bg_commitments_rules_free(rules->commitments);
    if (rules->lists)
        bg_lists_rules_free(rules->lists);
    bg_custom_rules_free(rules->custom);
    bg_lexicon_free(rules->lexicon);
    for (size_t i = 0; i < rules->indicator_count; i++) {
        free(rules->indicator_keys[i]);
        free(rules->indicator_labels[i]);
    }
    free(rules->indicator_keys);
    free(rules->indicator_labels);
    free(rules->tables);
    free(rules);
}

/* Keeps each indicator's key and label; their validation is targets.c's. */
static void load_indicator_labels(bg_rules *rules, const cJSON *root)
{
    const cJSON *indicators = cJSON_GetObjectItemCaseSensitive(root, "indicators");
    size_t n = cJSON_IsArray(indicators) ? (size_t)cJSON_GetArraySize(indicators) : 0;
    rules->indicator_keys = calloc(n ? n : 1, sizeof *rules->indicator_keys);
    rules->indicator_labels = calloc(n ? n : 1, sizeof *rules->indicator_labels);
    if (!rules->indicator_keys || !rules->indicator_labels)
        return;
    const cJSON *item;
    cJSON_ArrayForEach(item, indicators)
    {
        const cJSON *key = cJSON_GetObjectItemCaseSensitive(item, "key");
        const cJSON *label = cJSON_GetObjectItemCaseSensitive(item, "label");
        if (!cJSON_IsString(key) || !cJSON_IsString(label))
            continue;
        char *k = strdup(key->valuestring), *l = strdup(label->valuestring);
        if (!k || !l) { /* a label missing for want of memory is only a label */
            free(k);
            free(l);
            continue;
        }
        rules->indicator_keys[rules->indicator_count] = k;
        rules->indicator_labels[rules->indicator_count] = l;
        rules->indicator_count++;
    }
}

const char *bg_rules_indicator_label(const bg_rules *rules, const char *key, size_t key_length)
{
    for (size_t i = 0; i < rules->indicator_count; i++)
        if (rules->indicator_keys[i] && strlen(rules->indicator_keys[i]) == key_length &&
            !memcmp(rules->indicator_keys[i], key, key_length))
            return rules->indicator_labels[i];
    return NULL;
}

/* The job's "tables" selection: built-in names, documents always first. */
static bool select_tables(bg_rules *rules, const cJSON *tables, const char *path, bg_problems *p)
{
    bool selected[BG_BUILTIN_TABLE_COUNT] = {false};
    bool ok = true;
    if (!tables) {
        for (size_t i = 0; i < BG_BUILTIN_TABLE_COUNT; i++)
            selected[i] = true;
    } else if (!cJSON_IsArray(tables)) {
        bg_problems_add(p, "%s.tables: must be an array of table names", path);
        ok = false;
    } else {
        const char *names[BG_BUILTIN_TABLE_COUNT];
        char valid[256] = "";
        for (size_t i = 0; i < BG_BUILTIN_TABLE_COUNT; i++) {
            names[i] = bg_builtin_table(i)->name;
            strncat(valid, names[i], sizeof valid - strlen(valid) - 1);
            if (i + 1 < BG_BUILTIN_TABLE_COUNT)
                strncat(valid, ", ", sizeof valid - strlen(valid) - 1);
        }
        size_t k = 0;
        const cJSON *item;
        cJSON_ArrayForEach(item, tables)
        {
            int index = cJSON_IsString(item) ? bg_builtin_table_index(item->valuestring) : -1;
            if (index < 0) {
                const char *near =
                    cJSON_IsString(item) ? bg_nearest(item->valuestring, names, BG_BUILTIN_TABLE_COUNT) : NULL;
                if (near)
                    bg_problems_add(p,
                                    "%s.tables[%zu]: unknown table '%s' (did you mean "
                                    "'%s'? valid: %s)",
                                    path, k, item->valuestring, near, valid);
                else
                    bg_problems_add(p, "%s.tables[%zu]: unknown table%s%s%s (valid: %s)", path, k,
                                    cJSON_IsString(item) ? " '" : "", cJSON_IsString(item) ? item->valuestring : "",
                                    cJSON_IsString(item) ? "'" : "", valid);
                ok = false;
            } else {
                selected[index] = true;
            }
            k++;
        }
        selected[BG_TABLE_DOCUMENTS] = true;
        /* the tables across reports are made of the targets and outcomes */
        static const struct {
            int table, needs;
        } needs[] = {{BG_TABLE_TARGET_OUTCOMES, BG_TABLE_TARGETS},  {BG_TABLE_TARGET_OUTCOMES, BG_TABLE_OUTCOMES},
                     {BG_TABLE_ESCALATION, BG_TABLE_TARGETS},       {BG_TABLE_ESCALATION_SUMMARY, BG_TABLE_TARGETS},
                     {BG_TABLE_TARGET_CHANGES, BG_TABLE_TARGETS}};
        for (size_t i = 0; i < sizeof needs / sizeof *needs; i++)
            if (selected[needs[i].table] && !selected[needs[i].needs]) {
                bg_problems_add(p, "%s.tables: %s is computed from %s; add \"%s\" to the list", path,
                                names[needs[i].table], names[needs[i].needs], names[needs[i].needs]);
                ok = false;
            }
    }
    size_t n = 0;
    for (size_t i = 0; i < BG_BUILTIN_TABLE_COUNT; i++)
        rules->table_at[i] = selected[i] ? (int)n++ : -1;
    rules->custom_first = n;
    return ok;
}

bg_rules *bg_rules_load(const char *rules_path, const char *divisions_path, const cJSON *job_extract,
                        const char *job_extract_path, bg_problems *problems)
{
    size_t before = problems->count;
    const char *path = job_extract_path ? job_extract_path : "extract";
    bg_rules *rules = calloc(1, sizeof *rules);
    if (!rules) {
        bg_problems_add(problems, "%s: out of memory", rules_path);
        return NULL;
    }
    cJSON *root = read_json(rules_path, problems);
    if (job_extract && !cJSON_IsObject(job_extract)) {
        bg_problems_add(problems, "%s: must be an object", path);
        job_extract = NULL;
    }
    char where[512];
    if (root) {
        snprintf(where, sizeof where, "%s: ", rules_path);
        check_keys(root, rules_keys, sizeof rules_keys / sizeof *rules_keys, where, problems);
    }
    if (job_extract) {
        snprintf(where, sizeof where, "%s.", path);
        check_keys(job_extract, job_keys, sizeof job_keys / sizeof *job_keys, where, problems);
    }
    const cJSON *extra = job_extract ? cJSON_GetObjectItemCaseSensitive(job_extract, "boilerplate") : NULL;
    char extra_path[512];
    snprintf(extra_path, sizeof extra_path, "%s.boilerplate", path);
    if (root) {
        rules->clean = bg_clean_rules_load(root, rules_path, extra, extra_path, problems);
        rules->outline = bg_outline_rules_load(root, rules_path, problems);
        rules->keywords = bg_keywords_rules_load(root, rules_path, problems);
        rules->targets = bg_targets_rules_load(root, rules_path, problems);
        rules->outcomes = bg_outcomes_rules_load(root, rules_path, problems);
        rules->commitments = bg_commitments_rules_load(root, rules_path, problems);
        rules->lists = bg_lists_rules_load(root, rules_path, problems);
        rules->facts = bg_facts_rules_load(root, rules_path, problems);
        load_indicator_labels(rules, root);
        if (divisions_path)
            rules->regions = bg_regions_load(divisions_path, root, rules_path, problems);
    }
    select_tables(rules, job_extract ? cJSON_GetObjectItemCaseSensitive(job_extract, "tables") : NULL, path, problems);
    char custom_path[512];
    snprintf(custom_path, sizeof custom_path, "%s.custom", path);
    rules->custom = bg_custom_rules_load(job_extract ? cJSON_GetObjectItemCaseSensitive(job_extract, "custom") : NULL,
                                         custom_path, rules->custom_first, problems);
    cJSON_Delete(root);
    if (problems->count == before) {
        size_t custom = bg_custom_table_count(rules->custom);
        rules->tables = calloc(rules->custom_first + custom + 1, sizeof *rules->tables);
        if (!rules->tables) {
            bg_problems_add(problems, "%s: out of memory", rules_path);
        } else {
            for (size_t i = 0; i < BG_BUILTIN_TABLE_COUNT; i++)
                if (rules->table_at[i] >= 0) {
                    rules->builtin[i] = *bg_builtin_table(i);
                    rules->builtin[i].index = (size_t)rules->table_at[i];
                    rules->tables[rules->table_at[i]] = &rules->builtin[i];
                }
            for (size_t i = 0; i < custom; i++)
                rules->tables[rules->custom_first + i] = bg_custom_table(rules->custom, i);
            rules->table_count = rules->custom_first + custom;
        }
    }
    if (problems->count == before && rules->keywords && rules->commitments && rules->lists && rules->targets) {
        char *message = NULL;
        rules->lexicon = bg_lexicon_new();
        bg_error e = !rules->lexicon ? BG_E_NOMEM
                     : bg_commitments_rules_lexicon(rules->commitments, rules->lexicon) &&
                             bg_lists_rules_lexicon(rules->lists, rules->lexicon) &&
                             bg_keywords_rules_lexicon(rules->keywords, rules->lexicon) &&
                             bg_targets_rules_lexicon(rules->targets, rules->lexicon) &&
                             (!rules->regions || bg_regions_lexicon(rules->regions, rules->lexicon))
                         ? bg_lexicon_compile(rules->lexicon, &message)
                         : BG_E_NOMEM;
        if (e)
            bg_problems_add(problems, "%s: %s", rules_path, message ? message : "out of memory");
        free(message);
    }
    if (problems->count != before || !rules->clean || !rules->outline || !rules->keywords || !rules->targets || !rules->outcomes ||
        !rules->commitments || !rules->lists || !rules->facts || !rules->custom) {
        if (problems->count == before)
            bg_problems_add(problems, "%s: the rules could not be loaded", rules_path);
        bg_rules_free(rules);
        return NULL;
    }
    return rules;
}

size_t bg_rules_table_count(const bg_rules *rules)
{
    return rules->table_count;
}

const bg_table_schema *const *bg_rules_tables(const bg_rules *rules)
{
    return rules->tables;
}

bg_error bg_rules_normalize(const bg_rules *rules, const char *utf8, size_t length, bg_text *out, char *msg,
                            size_t msg_size)
{
    return bg_clean_text(rules->clean, utf8, length, out, msg, msg_size);
}
