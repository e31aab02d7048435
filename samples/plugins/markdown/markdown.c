/* markdown.c — a complete third-party baogao exporter: every table as a
 * Markdown table in one file. Built out of tree against the installed public
 * header only (see the Makefile beside it); read it top to bottom as a
 * template: options, open, begin_table, write_row, end_table, close.
 *
 * Rows of different tables arrive interleaved (document by document), so each
 * table's lines are spooled to a temporary file and the document is assembled
 * at commit. */
#include <baogao/exporter.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const bg_host_api *host; /* set once at load, read-only afterwards */

/* Options, declared as data: the host validates them and `baogao plugins`
 * lists them. */
static const bg_option_spec options[] = {
    {"max_rows", BG_OPTION_INTEGER, "0", NULL, "rows per table to write, 0 for all"},
    {"labels", BG_OPTION_BOOL, "false", NULL, "use the columns' Chinese labels as headers"},
};

typedef struct table_spool {
    FILE *lines;        /* the table's body lines so far */
    unsigned long rows; /* rows seen */
} table_spool;

typedef struct markdown_state {
    const char *path; /* the host's temporary output path */
    long max_rows;
    int labels;
    table_spool *tables;
    size_t table_count;
    char **names;
    char **headers;
} markdown_state;

static bg_status md_open(bg_context *ctx, void **out)
{
    markdown_state *s = calloc(1, sizeof *s);
    if (!s)
        return host->fail(ctx, BG_ERR_NOMEM, "out of memory");
    s->path = host->output_file(ctx, NULL);
    if (!s->path) {
        free(s);
        return BG_ERR_IO; /* output_file already said why */
    }
    s->max_rows = (long)host->option_integer(ctx, "max_rows");
    s->labels = host->option_bool(ctx, "labels");
    *out = s;
    return BG_OK;
}

/* Markdown cells: one line, and | must be escaped. */
static void put_escaped(FILE *f, const char *text, size_t length)
{
    for (size_t i = 0; i < length; i++) {
        char c = text[i];
        if (c == '|')
            fputs("\\|", f);
        else if (c == '\n' || c == '\r')
            fputc(' ', f);
        else
            fputc(c, f);
    }
}

static bg_status md_begin_table(bg_context *ctx, void *state, const bg_table_schema *table)
{
    markdown_state *s = state;
    size_t n = table->index + 1 > s->table_count ? table->index + 1 : s->table_count;
    table_spool *tables = realloc(s->tables, n * sizeof *tables);
    char **names = realloc(s->names, n * sizeof *names);
    char **headers = names ? realloc(s->headers, n * sizeof *headers) : NULL;
    if (tables)
        s->tables = tables;
    if (names)
        s->names = names;
    if (headers)
        s->headers = headers;
    if (!tables || !names || !headers)
        return host->fail(ctx, BG_ERR_NOMEM, "out of memory");
    for (size_t i = s->table_count; i < n; i++) {
        memset(&s->tables[i], 0, sizeof s->tables[i]);
        s->names[i] = NULL;
        s->headers[i] = NULL;
    }
    s->table_count = n;
    table_spool *t = &s->tables[table->index];
    t->lines = tmpfile();
    if (!t->lines)
        return host->fail(ctx, BG_ERR_IO, "table %s: cannot create a temporary file", table->name);
    /* The schema is only borrowed: keep copies of what close() needs. */
    s->names[table->index] = strdup(table->name);
    char *header = NULL;
    size_t header_size = 0;
    FILE *h = open_memstream(&header, &header_size);
    if (!h || !s->names[table->index])
        return host->fail(ctx, BG_ERR_NOMEM, "out of memory");
    fputc('|', h);
    for (size_t c = 0; c < table->column_count; c++) {
        const bg_column *col = &table->columns[c];
        const char *title = s->labels && col->label ? col->label : col->name;
        fputc(' ', h);
        put_escaped(h, title, strlen(title));
        fputs(" |", h);
    }
    fputs("\n|", h);
    for (size_t c = 0; c < table->column_count; c++)
        fputs(table->columns[c].type == BG_TYPE_TEXT ? " --- |" : " ---: |", h);
    fputc('\n', h);
    fclose(h);
    s->headers[table->index] = header;
    return BG_OK;
}

static bg_status md_write_row(bg_context *ctx, void *state, const bg_table_schema *table, const bg_cell *cells)
{
    markdown_state *s = state;
    table_spool *t = &s->tables[table->index];
    t->rows++;
    if (s->max_rows > 0 && t->rows > (unsigned long)s->max_rows)
        return BG_OK;
    FILE *f = t->lines;
    fputc('|', f);
    for (size_t c = 0; c < table->column_count; c++) {
        const bg_cell *cell = &cells[c];
        fputc(' ', f);
        switch (cell->type) {
        case BG_TYPE_NULL: break;
        case BG_TYPE_INTEGER: fprintf(f, "%" PRId64, cell->as.integer); break;
        case BG_TYPE_REAL: fprintf(f, "%.15g", cell->as.real); break;
        case BG_TYPE_TEXT: put_escaped(f, cell->as.text.data, cell->as.text.length); break;
        case BG_TYPE_DATE:
            fprintf(f, "%04d-%02d-%02d", (int)cell->as.date.year, (int)cell->as.date.month, (int)cell->as.date.day);
            break;
        }
        fputs(" |", f);
    }
    fputc('\n', f);
    if (ferror(f))
        return host->fail(ctx, BG_ERR_IO, "table %s, row %lu: cannot spool", table->name, t->rows);
    return BG_OK;
}

static bg_status md_end_table(bg_context *ctx, void *state, const bg_table_schema *table)
{
    (void)ctx;
    (void)state;
    (void)table;
    return BG_OK;
}

/* Commit: write the document; abort: just free. Either way, free everything. */
static bg_status md_close(bg_context *ctx, void *state, int commit)
{
    markdown_state *s = state;
    bg_status status = BG_OK;
    FILE *out = commit ? fopen(s->path, "w") : NULL;
    if (commit && !out)
        status = host->fail(ctx, BG_ERR_IO, "%s: cannot write", s->path);
    if (out) {
        fprintf(out, "# %s\n", host->job_name(ctx));
        for (size_t i = 0; i < s->table_count; i++) {
            table_spool *t = &s->tables[i];
            if (!t->lines)
                continue;
            fprintf(out, "\n## %s (%lu rows)\n\n%s", s->names[i], t->rows, s->headers[i]);
            rewind(t->lines);
            char buf[8192];
            size_t n;
            while ((n = fread(buf, 1, sizeof buf, t->lines)) > 0)
                fwrite(buf, 1, n, out);
            if (s->max_rows > 0 && t->rows > (unsigned long)s->max_rows)
                fprintf(out, "\n… %lu more rows\n", t->rows - (unsigned long)s->max_rows);
        }
        if (fclose(out) != 0)
            status = host->fail(ctx, BG_ERR_IO, "%s: cannot write", s->path);
    }
    for (size_t i = 0; i < s->table_count; i++) {
        if (s->tables[i].lines)
            fclose(s->tables[i].lines);
        free(s->names[i]);
        free(s->headers[i]);
    }
    free(s->tables);
    free(s->names);
    free(s->headers);
    free(s);
    return status;
}

static const bg_exporter markdown_exporter = {
    .struct_size = sizeof(bg_exporter),
    .abi_major = BG_EXPORTER_ABI_MAJOR,
    .abi_minor = BG_EXPORTER_ABI_MINOR,
    .name = "markdown",
    .version = "1.0.0",
    .description = "every table as a Markdown table in one file",
    .output_kind = BG_OUTPUT_FILE,
    .option_count = sizeof options / sizeof options[0],
    .options = options,
    .open = md_open,
    .begin_table = md_begin_table,
    .write_row = md_write_row,
    .end_table = md_end_table,
    .close = md_close,
};

BG_EXPORTER_EXPORT const bg_exporter *BG_EXPORTER_ENTRY(const bg_host_api *api)
{
    host = api;
    return &markdown_exporter;
}
