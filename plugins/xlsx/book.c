/* book.c — the XLSX exporter's base, used by its sheets (xlsx.c: About and
 * the table sheets; matrix.c: the sheets built from the targets): text made
 * safe for XML and Excel's limits, display widths, sheet names Excel
 * accepts, number formats made once, print setup, value labels. */
#include "book.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const bg_host_api *xlsx_host;


char *xlsx_strdup(const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s);
    char *copy = malloc(n + 1);
    if (copy)
        memcpy(copy, s, n + 1);
    return copy;
}

/* Grows *array (of element size size) to hold at least need elements. */
bool xlsx_grow(void **array, size_t *capacity, size_t need, size_t size)
{
    if (need <= *capacity)
        return true;
    size_t n = *capacity ? *capacity * 2 : 16;
    while (n < need)
        n *= 2;
    void *p = realloc(*array, n * size);
    if (!p)
        return false;
    *array = p;
    *capacity = n;
    return true;
}

bg_status xlsx_nomem(xlsx_state *s, const char *what)
{
    return xlsx_host->fail(s->ctx, BG_ERR_NOMEM, "%s: out of memory (%s)", s->path, what);
}

/* Decodes one UTF-8 code point at p (n bytes left); returns its length, or 0
 * for a malformed sequence (the ABI promises valid UTF-8; we still never
 * emit a broken one). */
static size_t utf8_decode(const unsigned char *p, size_t n, uint32_t *cp)
{
    if (p[0] < 0x80) {
        *cp = p[0];
        return 1;
    }
    size_t len = (p[0] & 0xE0) == 0xC0 ? 2 : (p[0] & 0xF0) == 0xE0 ? 3 : (p[0] & 0xF8) == 0xF0 ? 4 : 0;
    if (!len || len > n)
        return 0;
    uint32_t v = p[0] & (0x7F >> len);
    for (size_t i = 1; i < len; i++) {
        if ((p[i] & 0xC0) != 0x80)
            return 0;
        v = (v << 6) | (p[i] & 0x3F);
    }
    *cp = v;
    return len;
}

/* Characters XML 1.0 forbids (C0 controls but tab, newline and CR; U+FFFE,
 * U+FFFF); Excel refuses a file that contains them. */
static bool xml_forbidden(uint32_t cp)
{
    return (cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') || cp == 0xFFFE || cp == 0xFFFF;
}

/* East Asian wide and fullwidth characters take two columns in Excel. */
static bool wide_char(uint32_t cp)
{
    return (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0x303E) || (cp >= 0x3041 && cp <= 0x33FF) ||
           (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0xA000 && cp <= 0xA4CF) ||
           (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0xFE30 && cp <= 0xFE4F) ||
           (cp >= 0xFF00 && cp <= 0xFF60) || (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x1F300 && cp <= 0x1F64F) ||
           (cp >= 0x1F900 && cp <= 0x1F9FF) || (cp >= 0x20000 && cp <= 0x3FFFD);
}

/* Display width of the widest line of s (n bytes). */
unsigned xlsx_text_width(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    unsigned line = 0, widest = 0;
    size_t i = 0;
    while (i < n) {
        uint32_t cp;
        size_t len = utf8_decode(p + i, n - i, &cp);
        if (!len) {
            i++;
            continue;
        }
        i += len;
        if (cp == '\n') {
            line = 0;
            continue;
        }
        line += wide_char(cp) ? 2 : 1;
        if (line > widest)
            widest = line;
    }
    return widest;
}

/* Copies text into s->scratch (NUL-terminated) without the characters XML
 * forbids, cut on a character boundary at Excel's 32,767 UTF-16 units.
 * Returns the length, or SIZE_MAX when out of memory; *cut says whether the
 * text was cut. */
size_t xlsx_clean_text(xlsx_state *s, const char *text, size_t length, bool *cut)
{
    *cut = false;
    if (!xlsx_grow((void **)&s->scratch, &s->scratch_capacity, length + 1, 1))
        return SIZE_MAX;
    const unsigned char *p = (const unsigned char *)text;
    size_t in = 0, out = 0, units = 0;
    while (in < length) {
        uint32_t cp;
        size_t len = utf8_decode(p + in, length - in, &cp);
        if (!len || xml_forbidden(cp)) {
            in += len ? len : 1;
            s->removed_chars++;
            continue;
        }
        size_t u = cp >= 0x10000 ? 2 : 1;
        if (units + u > XLSX_CELL_UNITS_MAX) {
            *cut = true;
            break;
        }
        units += u;
        memcpy(s->scratch + out, p + in, len);
        out += len;
        in += len;
    }
    s->scratch[out] = '\0';
    return out;
}

bool xlsx_same_text(const bg_cell *cell, const char *s)
{
    return cell->type == BG_TYPE_TEXT && cell->as.text.length == strlen(s) &&
           memcmp(cell->as.text.data, s, cell->as.text.length) == 0;
}

/* A cleaned, NUL-terminated copy of a text cell, or NULL (not text, or no memory). */
char *xlsx_cell_dup(xlsx_state *s, const bg_cell *cell)
{
    if (cell->type != BG_TYPE_TEXT)
        return NULL;
    bool cut;
    size_t n = xlsx_clean_text(s, cell->as.text.data, cell->as.text.length, &cut);
    return n == SIZE_MAX ? NULL : xlsx_strdup(s->scratch);
}

/* The text a header cell shows for a column, per the header option. */
void xlsx_header_text(const xlsx_state *s, const char *name, const char *label, char *out, size_t size)
{
    const char *shown = label && *label ? label : name;
    if (s->header == HEADER_NAME || shown == name)
        snprintf(out, size, "%s", name);
    else if (s->header == HEADER_LABEL)
        snprintf(out, size, "%s", shown);
    else
        snprintf(out, size, "%s\n%s", shown, name);
}

bg_status xlsx_lxw_failed(xlsx_state *s, lxw_error err, const char *sheet, uint64_t row, const char *what)
{
    return xlsx_host->fail(s->ctx, err == LXW_ERROR_MEMORY_MALLOC_FAILED ? BG_ERR_NOMEM : BG_ERR_FORMAT,
                      "%s: sheet '%s' row %" PRIu64 ": %s: %s", s->path, sheet, row + 1, what, lxw_strerror(err));
}

static bool ascii_case_equal(const char *a, const char *b)
{
    for (; *a && *b; a++, b++) {
        char x = *a >= 'A' && *a <= 'Z' ? (char)(*a + 32) : *a;
        char y = *b >= 'A' && *b <= 'Z' ? (char)(*b + 32) : *b;
        if (x != y)
            return false;
    }
    return *a == *b;
}

static bool name_taken(const xlsx_state *s, const char *name)
{
    if (ascii_case_equal(name, "History")) /* reserved by English Excel */
        return true;
    for (size_t i = 0; i < s->used_name_count; i++)
        if (ascii_case_equal(s->used_names[i], name))
            return true;
    return false;
}

/* Copies at most max_chars UTF-8 characters of src into dst. */
static void copy_chars(char *dst, const char *src, size_t max_chars)
{
    size_t chars = 0, i = 0;
    while (src[i] && chars < max_chars) {
        size_t len = 1;
        while ((src[i + len] & 0xC0) == 0x80)
            len++;
        memcpy(dst + i, src + i, len);
        i += len;
        chars++;
    }
    dst[i] = '\0';
}

/* A sheet name Excel accepts, unique (case-insensitive) in the workbook:
 * []:*?/\ become _, no apostrophe at either end, at most 31 characters with
 * the suffix (" (2)" for a table's second sheet, or NULL), and " (2)",
 * " (3)"... appended on a clash. Returns the claimed name (owned by
 * s->used_names) or NULL when out of memory. */
const char *xlsx_claim_sheet_name(xlsx_state *s, const char *wanted, const char *suffix)
{
    char base[LXW_MAX_SHEETNAME_LENGTH], name[LXW_MAX_SHEETNAME_LENGTH + 32];
    char clean[256];
    size_t n = 0;
    for (const char *p = wanted; *p && n < sizeof clean - 4; p++)
        clean[n++] = strchr("[]:*?/\\", *p) ? '_' : *p;
    clean[n] = '\0';
    char *start = clean;
    while (*start == '\'')
        start++;
    size_t suffix_length = suffix ? strlen(suffix) : 0;
    copy_chars(base, *start ? start : "Sheet", LXW_SHEETNAME_MAX - suffix_length);
    for (size_t k = strlen(base); k > 0 && base[k - 1] == '\''; k--)
        base[k - 1] = '\0';
    if (suffix)
        strcat(base, suffix);
    snprintf(name, sizeof name, "%s", base);
    for (unsigned k = 2; name_taken(s, name); k++) {
        char clash[16];
        int clash_length = snprintf(clash, sizeof clash, " (%u)", k);
        copy_chars(name, base, LXW_SHEETNAME_MAX - (size_t)clash_length);
        strcat(name, clash);
    }
    if (!xlsx_grow((void **)&s->used_names, &s->used_name_capacity, s->used_name_count + 1, sizeof(char *)))
        return NULL;
    char *copy = xlsx_strdup(name);
    if (!copy)
        return NULL;
    s->used_names[s->used_name_count++] = copy;
    return copy;
}

lxw_worksheet *xlsx_add_sheet(xlsx_state *s, const char *name)
{
    return workbook_add_worksheet(s->workbook, name);
}

lxw_error xlsx_print_setup(lxw_worksheet *ws, bool header_row, lxw_col_t repeat_columns)
{
    worksheet_set_landscape(ws);
    worksheet_set_paper(ws, 9); /* A4 */
    worksheet_fit_to_pages(ws, 1, 0);
    worksheet_set_margins(ws, 0.4, 0.4, 0.6, 0.6);
    lxw_error err = worksheet_set_header(ws, "&L&A&R&D");
    if (err == LXW_NO_ERROR)
        err = worksheet_set_footer(ws, "&C&P / &N");
    if (err == LXW_NO_ERROR && header_row)
        err = worksheet_repeat_rows(ws, 0, 0);
    if (err == LXW_NO_ERROR && repeat_columns > 0)
        err = worksheet_repeat_columns(ws, 0, (lxw_col_t)(repeat_columns - 1));
    return err;
}

lxw_format *xlsx_number_format(xlsx_state *s, const char *code, bool centred)
{
    if (!code)
        code = "";
    for (size_t i = 0; i < s->number_format_count; i++)
        if (s->number_formats[i].centred == centred && strcmp(s->number_formats[i].code, code) == 0)
            return s->number_formats[i].format;
    if (!xlsx_grow((void **)&s->number_formats, &s->number_format_capacity, s->number_format_count + 1,
                   sizeof *s->number_formats))
        return NULL;
    char *copy = xlsx_strdup(code);
    lxw_format *format = copy ? workbook_add_format(s->workbook) : NULL;
    if (!format) {
        free(copy);
        return NULL;
    }
    if (*code)
        format_set_num_format(format, code);
    if (centred)
        format_set_align(format, LXW_ALIGN_CENTER);
    s->number_formats[s->number_format_count++] = (xlsx_format_entry){copy, centred, format};
    return format;
}

double xlsx_percent(double v)
{
    char text[64];
    snprintf(text, sizeof text, "%.15g", v / 100.0);
    return strtod(text, NULL);
}

void xlsx_short_number(double v, char *out, size_t size)
{
    snprintf(out, size, "%.6f", v);
    char *dot = strchr(out, '.');
    if (dot) {
        char *end = out + strlen(out) - 1;
        while (end > dot && *end == '0')
            *end-- = '\0';
        if (end == dot)
            *end = '\0';
    }
    if (strcmp(out, "-0") == 0)
        snprintf(out, size, "0");
}

bool xlsx_is_percent(const xlsx_table *t, size_t c, const bg_cell *cells)
{
    const xlsx_column *col = &t->columns[c];
    if (col->flags & BG_COLUMN_PERCENT)
        return true;
    return col->unit_column >= 0 && xlsx_same_text(&cells[col->unit_column], "%");
}

const char *xlsx_value_label(const xlsx_code_label *values, size_t count, const char *value)
{
    for (size_t i = 0; value && i < count; i++)
        if (strcmp(values[i].value, value) == 0)
            return values[i].label;
    return NULL;
}

const xlsx_column *xlsx_documents_column(const xlsx_state *s, const char *name)
{
    if (s->documents_table < 0)
        return NULL;
    const xlsx_table *t = &s->tables[s->documents_table];
    for (size_t c = 0; c < t->column_count; c++)
        if (strcmp(t->columns[c].name, name) == 0)
            return &t->columns[c];
    return NULL;
}

const char *xlsx_documents_label(const xlsx_state *s, const char *column, const char *code)
{
    const xlsx_column *col = xlsx_documents_column(s, column);
    const char *label = col ? xlsx_value_label(col->values, col->value_count, code) : NULL;
    return label ? label : code;
}

void xlsx_column_name(lxw_col_t col, char *out)
{
    char tmp[8];
    int n = 0;
    unsigned c = (unsigned)col + 1;
    while (c) {
        tmp[n++] = (char)('A' + (c - 1) % 26);
        c = (c - 1) / 26;
    }
    for (int i = 0; i < n; i++)
        out[i] = tmp[n - 1 - i];
    out[n] = '\0';
}

/* The comment on a header cell: the English side of the column. */
lxw_error xlsx_header_comment(xlsx_state *s, lxw_worksheet *ws, lxw_col_t col, const char *name, const char *label,
                                const char *label_en)
{
    char text[1024];
    if (s->header == HEADER_NAME)
        snprintf(text, sizeof text, "%s%s%s%s", label ? label : "", label ? "\n" : "", label_en ? label_en : "",
                 label_en ? "" : name);
    else
        snprintf(text, sizeof text, "%s%s%s", name, label_en ? ": " : "", label_en ? label_en : "");
    lxw_comment_options options = {.author = "baogao", .x_scale = 2.0, .y_scale = 1.2};
    return worksheet_write_comment_opt(ws, 0, col, text, &options);
}
