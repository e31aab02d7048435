/*
 * baogao/exporter.h — the one public header for writing a baogao exporter.
 *
 * An exporter is a shared object that baogao loads with dlopen. It never links
 * against baogao: the host hands it a table of host functions (bg_host_api) at
 * the entry point, the way SQLite hands sqlite3_api_routines to an extension.
 * This header alone is enough to build one out of tree:
 *
 *     cc -shared -fPIC $(pkg-config --cflags baogao-exporter) my.c -o my.so
 *
 * Lifecycle (one exporter's callbacks come one at a time and in this order,
 * though not all on the same thread: open on the run's, the rest on the
 * exporter's own; the exporters of a run work side by side, so keep what an
 * instance changes in its state, not in globals):
 *
 *     entry(host) -> descriptor            (no side effects allowed here)
 *     [check(ctx, tables)]                 optional, also at `baogao check`
 *     open(ctx, &state)                    options already validated
 *       begin_table(schema)  x every table (all tables begin before any row)
 *       [begin_document(doc)] write_row(table, cells)...   per document
 *       write_row(across table, cells)...  tables across reports, at the end
 *       end_table(schema)    x every table
 *       [finish(summary)]                  optional: the run's summary
 *     close(ctx, state, commit)            exactly once, also after a failure
 *
 * Rows of different tables arrive interleaved, document by document, in the
 * sorted order of the sources; within a table they arrive in order. The rows
 * of the tables across reports (flag BG_TABLE_ACROSS, ABI 1.3) come last,
 * after the last document's, without a begin_document.
 *
 * Ownership and lifetimes:
 *  1. Everything the host passes (schemas, cells, strings, the summary) is the
 *     host's and borrowed for the duration of the call, except a table schema,
 *     which stays valid from its begin_table until its end_table returns.
 *     Copy what you keep.
 *  2. The plugin's state is its own from open to close; close runs exactly once
 *     when open succeeded, with commit = 1 only when the whole run succeeded.
 *  3. The message buffer behind bg_host_api.fail is the host's, fixed size
 *     (BG_MESSAGE_MAX bytes, longer messages are cut).
 *  4. Memory is never freed by the side that did not allocate it.
 *
 * Output files: never write to the destination directly. Ask the host for a
 * path with output_file(); the host creates nothing there, hands you a
 * temporary path in the destination's folder, renames it into place only
 * after every exporter committed, and removes it after an abort.
 *
 * Rules: no exit(), nothing on stdout or stderr (use host->log), no signal
 * handlers, no global mutable state (several instances of one plugin may be
 * open at once). Callbacks return BG_OK (0) or a positive bg_status; call
 * host->fail() first to say what went wrong, naming the table and row.
 *
 * Versioning: the ABI major is part of the entry symbol's name, so a host
 * speaking another major finds no symbol. Every struct crossing the boundary
 * starts with its size and version. Members are only ever appended, in groups
 * marked with the ABI minor that added them; enum values are never renumbered.
 * The host accepts a plugin with an equal major and a minor no newer than its
 * own, and reads only the members the plugin's struct_size covers.
 */
#ifndef BAOGAO_EXPORTER_H
#define BAOGAO_EXPORTER_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define BG_EXPORTER_ABI_MAJOR 1
#define BG_EXPORTER_ABI_MINOR 3

/* The entry symbol every exporter exports; the major is in its name. */
#define BG_EXPORTER_ENTRY bg_exporter_entry_v1
#define BG_EXPORTER_ENTRY_NAME "bg_exporter_entry_v1"

/* Size of the host's message buffer behind bg_host_api.fail, with the NUL. */
#define BG_MESSAGE_MAX 512

#if defined(_WIN32)
#define BG_EXPORTER_EXPORT __declspec(dllexport)
#elif defined(__GNUC__)
#define BG_EXPORTER_EXPORT __attribute__((visibility("default")))
#else
#define BG_EXPORTER_EXPORT
#endif

/* Status codes: 0 is success, failures are positive. Never renumbered. */
typedef enum bg_status {
    BG_OK = 0,
    BG_ERR_IO = 1,          /* reading or writing a file failed */
    BG_ERR_NOMEM = 2,       /* out of memory */
    BG_ERR_OPTION = 3,      /* an option value the plugin cannot use */
    BG_ERR_FORMAT = 4,      /* data the output format cannot hold */
    BG_ERR_UNSUPPORTED = 5, /* a request the plugin does not implement */
    BG_ERR_INTERNAL = 6     /* a bug: a broken invariant */
} bg_status;

/* Cell and column types. A column's type is never BG_TYPE_NULL; any cell
 * may be BG_TYPE_NULL. */
typedef enum bg_type {
    BG_TYPE_NULL = 0,
    BG_TYPE_INTEGER = 1, /* int64_t */
    BG_TYPE_REAL = 2,    /* double, finite */
    BG_TYPE_TEXT = 3,    /* UTF-8 with a length, not NUL-terminated */
    BG_TYPE_DATE = 4     /* calendar date, no time zone */
} bg_type;

typedef struct bg_date {
    int32_t year;  /* e.g. 2023 */
    int32_t month; /* 1..12 */
    int32_t day;   /* 1..31 */
} bg_date;

typedef struct bg_cell {
    bg_type type;
    union {
        int64_t integer;
        double real;
        struct {
            const char *data; /* valid UTF-8, may contain no NUL */
            size_t length;    /* in bytes */
        } text;
        bg_date date;
    } as;
} bg_cell;

/* Column flags: hints a format may use. */
#define BG_COLUMN_KEY 0x1u     /* part of the table's primary key */
#define BG_COLUMN_CODE 0x2u    /* text that looks like a number but is a code */
#define BG_COLUMN_PERCENT 0x4u /* a number in percent (8.5 means 8.5%) */
#define BG_COLUMN_INDEXED 0x8u /* worth an index in a database */
#define BG_COLUMN_LONG 0x10u   /* long free text (a sentence, a path) */

typedef struct bg_column {
    const char *name;     /* [a-z][a-z0-9_]*, unique in the table */
    bg_type type;         /* never BG_TYPE_NULL */
    const char *label;    /* Chinese label for people, or NULL */
    const char *label_en; /* English description, or NULL */
    uint32_t flags;       /* BG_COLUMN_* */
} bg_column;

/* The codes a coded column holds and their Chinese labels (ABI 1.2): the
 * cells keep the code ("growth"), a format for people may show the label
 * ("增长"). */
typedef struct bg_value_label {
    const char *value; /* the code as the cell holds it */
    const char *label; /* Chinese label */
} bg_value_label;

typedef struct bg_column_values {
    size_t count; /* 0: the column is not coded */
    const bg_value_label *values;
} bg_column_values;

typedef struct bg_table_schema {
    uint32_t struct_size;
    uint16_t abi_major;
    uint16_t abi_minor;
    size_t index;         /* 0-based, in begin_table order */
    const char *name;     /* [a-z][a-z0-9_]* */
    const char *label;    /* Chinese label, or NULL */
    const char *label_en; /* English description, or NULL */
    size_t column_count;
    const bg_column *columns; /* column_count entries */
    /* Added in ABI 1.2 --------------------------------------------------- */
    /* column_count entries parallel to columns, or NULL: the codes of each
     * coded column. Check struct_size before use. */
    const bg_column_values *column_values;
    /* Added in ABI 1.3 --------------------------------------------------- */
    uint32_t flags; /* BG_TABLE_*; check struct_size before use */
} bg_table_schema;

/* Table flags (ABI 1.3). A table across reports (target_outcomes,
 * escalation …) is computed after every document from the rows of several
 * reports: its rows come after the last document's, with no begin_document
 * before them, and they name their regions in their own columns, so a
 * format must not give them the current document's identity. */
#define BG_TABLE_ACROSS 0x1u

/* A document whose rows follow, until the next begin_document. */
typedef struct bg_document_info {
    uint32_t struct_size;
    uint16_t abi_major;
    uint16_t abi_minor;
    const char *doc_id;       /* 16 hex digits, from the content hash */
    const char *source;       /* path, or path#row for a CSV container */
    const char *content_hash; /* hex XXH3-64 of the source bytes */
    /* Added in ABI 1.2 --------------------------------------------------- */
    /* The document's identity, as its documents row has it (NULL / 0 when
     * unknown), so that any table's rows can carry it. */
    const char *province;
    const char *region;
    const char *region_code; /* GB/T 2260 as of the plan year */
    const char *level;       /* national, province, city, district, county, unknown */
    int64_t plan_year;       /* 0 when unknown */
    const char *doc_type;    /* work_report, interpretation, other */
} bg_document_info;

/* What happened to one source of the run. */
typedef struct bg_source_result {
    const char *source;       /* path, or path#row */
    const char *doc_id;       /* NULL when the source failed before hashing */
    const char *content_hash; /* NULL likewise */
    const char *status;       /* "ok" or "failed" */
    const char *error;        /* NULL unless failed */
} bg_source_result;

typedef struct bg_table_count {
    const char *table;
    uint64_t rows;
} bg_table_count;

/* The whole run, handed to finish() before close(). */
typedef struct bg_run_summary {
    uint32_t struct_size;
    uint16_t abi_major;
    uint16_t abi_minor;
    const char *run_id; /* unique per run: start time and pid */
    const char *job;
    int64_t started_at;      /* Unix seconds */
    int64_t finished_at;     /* Unix seconds */
    const char *config_hash; /* hex XXH3-64 of the config file's bytes */
    uint64_t sources_seen;
    uint64_t documents;
    uint64_t sources_failed;
    size_t table_count;
    const bg_table_count *tables;
    size_t source_count;
    const bg_source_result *sources;
} bg_run_summary;

typedef enum bg_log_level { BG_LOG_ERROR = 0, BG_LOG_WARN = 1, BG_LOG_INFO = 2, BG_LOG_DEBUG = 3 } bg_log_level;

/* Opaque: one open instance of an exporter, owned by the host. */
typedef struct bg_context bg_context;

/* Functions the host offers the plugin. Valid from the entry call until the
 * plugin is unloaded. Every string returned is the host's and stays valid
 * until close() returns. */
typedef struct bg_host_api {
    uint32_t struct_size;
    uint16_t abi_major;
    uint16_t abi_minor;
    /* printf-style message to the run's log, tagged with the plugin name. */
    void (*log)(bg_context *ctx, bg_log_level level, const char *format, ...)
#if defined(__GNUC__)
        __attribute__((format(printf, 3, 4)))
#endif
        ;
    /* Records why the current call fails; returns code so that a callback
     * can `return host->fail(ctx, BG_ERR_IO, "%s: %s", path, strerror(e));` */
    bg_status (*fail)(bg_context *ctx, bg_status code, const char *format, ...)
#if defined(__GNUC__)
        __attribute__((format(printf, 3, 4)))
#endif
        ;
    /* Option values, validated against the plugin's declared options, with
     * defaults applied. Asking for an undeclared name or with the wrong type
     * returns 0 / 0.0 / NULL. */
    int (*option_bool)(bg_context *ctx, const char *name);
    int64_t (*option_integer)(bg_context *ctx, const char *name);
    double (*option_real)(bg_context *ctx, const char *name);
    const char *(*option_text)(bg_context *ctx, const char *name);
    /* The configured output path (after {job} and strftime expansion). */
    const char *(*output_path)(bg_context *ctx);
    /* A temporary path to write one output file to. name NULL means the
     * output path itself; otherwise name is a file name placed inside the
     * output path, which is then a folder ("targets.csv"). The host renames
     * it into place after a committed run, removes it after an abort, and
     * returns NULL (having called fail) when name is not a plain file name. */
    const char *(*output_file)(bg_context *ctx, const char *name);
    const char *(*job_name)(bg_context *ctx);
    /* baogao's version, e.g. "0.3.0". */
    const char *(*host_version)(bg_context *ctx);
    /* 1 when the job's config sets the option (as opposed to its default),
     * so that an explicit value can override a profile either way. */
    int (*option_is_set)(bg_context *ctx, const char *name);
    /* Added in ABI 1.1 --------------------------------------------------- */
    /* The largest fraction of what an output already holds that this run
     * may remove (the job's guard.max_drop, 1.0 when the run was told it may
     * shrink): an exporter that deletes data it did not receive this run
     * (SQLite's prune) must delete no more. Check struct_size before use. */
    double (*shrink_limit)(bg_context *ctx);
    /* Added in ABI 1.2 --------------------------------------------------- */
    /* What the committed output holds, in a few words ("8 sheets, 307
     * rows"), for the line the run ends with (`wrote PATH (SIZE): WORDS`).
     * Call it from finish() or close(); the last call wins. */
    void (*describe)(bg_context *ctx, const char *format, ...)
#if defined(__GNUC__)
        __attribute__((format(printf, 2, 3)))
#endif
        ;
} bg_host_api;

typedef enum bg_option_type {
    BG_OPTION_BOOL = 1,
    BG_OPTION_INTEGER = 2,
    BG_OPTION_REAL = 3,
    BG_OPTION_TEXT = 4,
    BG_OPTION_CHOICE = 5 /* text, one of choices */
} bg_option_type;

/* Bounds of one option (ABI 1.1), in a table parallel to the options;
 * the host refuses a configured value outside them, naming its JSON path. */
#define BG_OPTION_HAS_MINIMUM 0x1u /* integer and real options */
#define BG_OPTION_HAS_MAXIMUM 0x2u
typedef struct bg_option_limits {
    uint32_t flags; /* BG_OPTION_HAS_* */
    double minimum, maximum;
    const char *pattern; /* text options: a PCRE2 pattern the whole value must match, or NULL */
    const char *pattern_help; /* what the pattern allows, for messages ("a name of [a-z0-9_]"), or NULL */
} bg_option_limits;

/* One option the plugin accepts, declared as data. */
typedef struct bg_option_spec {
    const char *name; /* [a-z][a-z0-9_]* */
    bg_option_type type;
    const char *default_value; /* as JSON text: "true", "10", "\"excel\"", or NULL for none */
    const char *choices;       /* BG_OPTION_CHOICE: "a|b|c"; else NULL */
    const char *help;          /* one line */
} bg_option_spec;

/* What a plugin's output is: one file, or a folder of files. */
typedef enum bg_output_kind { BG_OUTPUT_FILE = 1, BG_OUTPUT_DIRECTORY = 2 } bg_output_kind;

typedef struct bg_exporter {
    uint32_t struct_size;    /* sizeof(bg_exporter) as the plugin was built */
    uint16_t abi_major;      /* BG_EXPORTER_ABI_MAJOR */
    uint16_t abi_minor;      /* BG_EXPORTER_ABI_MINOR */
    const char *name;        /* [a-z][a-z0-9_]*, what configs name */
    const char *version;     /* the plugin's own version */
    const char *description; /* one line */
    bg_output_kind output_kind;
    size_t option_count;
    const bg_option_spec *options;

    /* Required. Creates the state; options are readable through host. */
    bg_status (*open)(bg_context *ctx, void **state);
    /* Required. Called once per table before any row. */
    bg_status (*begin_table)(bg_context *ctx, void *state, const bg_table_schema *table);
    /* Optional (NULL): a document begins; its rows in every table follow. */
    bg_status (*begin_document)(bg_context *ctx, void *state, const bg_document_info *document);
    /* Required. cells has table->column_count entries, in column order. */
    bg_status (*write_row)(bg_context *ctx, void *state, const bg_table_schema *table, const bg_cell *cells);
    /* Required. After the table's last row. */
    bg_status (*end_table)(bg_context *ctx, void *state, const bg_table_schema *table);
    /* Optional (NULL): the run's summary, after every end_table. */
    bg_status (*finish)(bg_context *ctx, void *state, const bg_run_summary *summary);
    /* Required. Commit = 1: flush and close every output file so that the
     * host may rename it. Commit = 0: abandon; the host removes the files.
     * Frees the state in both cases. A failure with commit = 1 aborts the
     * whole run. */
    bg_status (*close)(bg_context *ctx, void *state, int commit);
    /* Added in ABI 1.1 --------------------------------------------------- */
    /* Optional (NULL): bounds of the options, option_count entries of
     * option_limits_size bytes each (sizeof(bg_option_limits) as built). */
    const bg_option_limits *option_limits;
    uint32_t option_limits_size;
    /* Optional (NULL): checks the options against each other and against
     * the run's tables, without opening anything, when `baogao check`,
     * `--dry-run` and every run check the job. Options are readable through
     * host; on a problem call host->fail and return non-zero. */
    bg_status (*check)(bg_context *ctx, const bg_table_schema *const *tables, size_t table_count);
} bg_exporter;

/* The entry point every exporter defines:
 *
 *     BG_EXPORTER_EXPORT const bg_exporter *
 *     BG_EXPORTER_ENTRY(const bg_host_api *host)
 *     {
 *         api = host;            // keep it for the callbacks
 *         return &my_exporter;   // static, lives until unload
 *     }
 *
 * The host checks the returned descriptor's size and version before calling
 * anything else. Return NULL when the host is too old for the plugin
 * (host->abi_minor below what it needs).
 */
typedef const bg_exporter *(*bg_exporter_entry_fn)(const bg_host_api *host);

#ifdef __cplusplus
}
#endif

#endif /* BAOGAO_EXPORTER_H */
