/* decode.c — bytes to UTF-8 text. The encoding is decided once per source and
 * recorded with its reason (bom, valid utf-8, meta, config, fallback) because
 * researchers need to know when a GB18030 guess was made. HTML goes through
 * libxml2's forgiving HTML parser and is flattened to text lines. */
#include "source/decode.h"

#include "text/utf8.h"

#include <errno.h>
#include <iconv.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>

char *bg_iconv_to_utf8(const char *bytes, size_t size, const char *charset, size_t *out_length, bool *cut, char *msg,
                       size_t msg_size)
{
    iconv_t cd = iconv_open("UTF-8", charset);
    if (cd == (iconv_t)-1) {
        bg_fail(msg, msg_size, BG_E_DECODE, "iconv cannot convert from %s", charset);
        return NULL;
    }
    size_t capacity = size * 2 + 16;
    char *out = malloc(capacity);
    if (!out) {
        iconv_close(cd);
        return NULL;
    }
    char *in = (char *)bytes;
    size_t in_left = size;
    char *dst = out;
    size_t dst_left = capacity - 1;
    while (in_left > 0) {
        size_t r = iconv(cd, &in, &in_left, &dst, &dst_left);
        if (r != (size_t)-1)
            break;
        if (errno == E2BIG) {
            size_t used = (size_t)(dst - out);
            capacity *= 2;
            char *grown = realloc(out, capacity);
            if (!grown) {
                free(out);
                iconv_close(cd);
                return NULL;
            }
            out = grown;
            dst = out + used;
            dst_left = capacity - used - 1;
        } else if (errno == EINVAL && cut) {
            *cut = true; /* an incomplete character at the end: keep the rest */
            break;
        } else {
            size_t at = size - in_left;
            free(out);
            iconv_close(cd);
            bg_fail(msg, msg_size, BG_E_DECODE, "not valid %s at byte %zu", charset, at);
            return NULL;
        }
    }
    iconv_close(cd);
    *dst = '\0';
    *out_length = (size_t)(dst - out);
    return out;
}

/* Charset labels that mean GB18030 to us: GB18030 is a superset of both. */
static const char *canonical_charset(const char *label)
{
    if (!strcasecmp(label, "utf-8") || !strcasecmp(label, "utf8"))
        return "utf-8";
    if (!strcasecmp(label, "gb18030") || !strcasecmp(label, "gbk") || !strcasecmp(label, "gb2312") ||
        !strcasecmp(label, "gb_2312-80") || !strcasecmp(label, "x-gbk") || !strcasecmp(label, "cp936") ||
        !strcasecmp(label, "euc-cn"))
        return "gb18030";
    return NULL;
}

/* Finds charset=... in the first 4 KiB of an HTML page (meta charset or
 * http-equiv content type). Returns the canonical name or NULL. */
static const char *sniff_meta_charset(const char *bytes, size_t size)
{
    size_t n = size < 4096 ? size : 4096;
    for (size_t i = 0; i + 8 < n; i++) {
        if (strncasecmp(bytes + i, "charset", 7) != 0)
            continue;
        size_t j = i + 7;
        while (j < n && (bytes[j] == ' ' || bytes[j] == '=' || bytes[j] == '"' || bytes[j] == '\''))
            j++;
        char label[32];
        size_t k = 0;
        while (j < n && k + 1 < sizeof label &&
               (bytes[j] == '-' || bytes[j] == '_' || (bytes[j] >= '0' && bytes[j] <= '9') ||
                (bytes[j] >= 'a' && bytes[j] <= 'z') || (bytes[j] >= 'A' && bytes[j] <= 'Z')))
            label[k++] = bytes[j++];
        label[k] = '\0';
        const char *c = canonical_charset(label);
        if (c)
            return c;
    }
    return NULL;
}

static bool looks_like_html(const char *name, const char *bytes, size_t size)
{
    const char *dot = name ? strrchr(name, '.') : NULL;
    if (dot && (!strcasecmp(dot, ".html") || !strcasecmp(dot, ".htm") || !strcasecmp(dot, ".xhtml")))
        return true;
    if (dot && !strcasecmp(dot, ".txt"))
        return false;
    size_t n = size < 1024 ? size : 1024;
    for (size_t i = 0; i + 5 < n; i++)
        if (bytes[i] == '<' && (!strncasecmp(bytes + i, "<html", 5) || !strncasecmp(bytes + i, "<!doctype", 9) ||
                                !strncasecmp(bytes + i, "<body", 5) || !strncasecmp(bytes + i, "<head", 5)))
            return true;
    return false;
}

/* HTML flattening ---------------------------------------------------------- */

typedef struct text_out {
    char *data;
    size_t length, capacity;
    bool failed;
} text_out;

static void out_append(text_out *o, const char *s, size_t n)
{
    if (o->failed)
        return;
    if (o->length + n + 1 > o->capacity) {
        size_t capacity = o->capacity ? o->capacity : 4096;
        while (o->length + n + 1 > capacity)
            capacity *= 2;
        char *grown = realloc(o->data, capacity);
        if (!grown) {
            o->failed = true;
            return;
        }
        o->data = grown;
        o->capacity = capacity;
    }
    memcpy(o->data + o->length, s, n);
    o->length += n;
    o->data[o->length] = '\0';
}

static void out_newline(text_out *o)
{
    if (o->length > 0 && o->data[o->length - 1] != '\n')
        out_append(o, "\n", 1);
}

static bool name_in(const xmlChar *name, const char *const *names)
{
    for (; *names; names++)
        if (!strcasecmp((const char *)name, *names))
            return true;
    return false;
}

static const char *const dropped_elements[] = {"script", "style", "nav",    "noscript", "template", "iframe",
                                               "object", "head",  "select", "button",   NULL};
static const char *const block_elements[] = {
    "p",     "div",     "br", "li", "ul",      "ol",      "tr",       "table",  "h1",         "h2",
    "h3",    "h4",      "h5", "h6", "section", "article", "header",   "footer", "blockquote", "pre",
    "dd",    "dt",      "dl", "hr", "center",  "form",    "fieldset", "figure", "figcaption", "main",
    "aside", "address", "td", "th", "caption", "tbody",   "thead",    NULL};

/* Text nodes are appended as they are; whitespace-only runs containing a
 * newline collapse (HTML source line breaks are not text). Inline elements add
 * nothing, so "185<span>亿元</span>" stays "185亿元". */
static void flatten(xmlNode *node, text_out *o)
{
    for (xmlNode *n = node; n; n = n->next) {
        if (n->type == XML_ELEMENT_NODE) {
            if (name_in(n->name, dropped_elements))
                continue;
            bool block = name_in(n->name, block_elements);
            if (block)
                out_newline(o);
            flatten(n->children, o);
            if (block)
                out_newline(o);
        } else if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
            const char *s = (const char *)n->content;
            if (!s)
                continue;
            /* Replace source newlines/tabs by nothing between characters: Word
             * pages wrap mid-sentence. Collapse runs of ASCII spaces to one. */
            size_t len = strlen(s);
            bool last_space = o->length > 0 && (o->data[o->length - 1] == ' ' || o->data[o->length - 1] == '\n');
            for (size_t i = 0; i < len; i++) {
                char c = s[i];
                if (c == '\n' || c == '\r' || c == '\t' || c == ' ') {
                    if (c == ' ' && !last_space) {
                        out_append(o, " ", 1);
                        last_space = true;
                    }
                    continue;
                }
                out_append(o, &c, 1);
                last_space = false;
            }
        }
    }
}

static bg_error html_to_text(const char *utf8, size_t length, const char *name, char **text, size_t *text_length,
                             char *msg, size_t msg_size)
{
    if (length > (size_t)0x7fffffff)
        return bg_fail(msg, msg_size, BG_E_DECODE, "%s: HTML too large", name);
    htmlDocPtr doc = htmlReadMemory(utf8, (int)length, name, "UTF-8",
                                    HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET |
                                        HTML_PARSE_NOBLANKS);
    if (!doc)
        return bg_fail(msg, msg_size, BG_E_DECODE, "%s: cannot parse HTML", name);
    text_out o = {0};
    flatten(xmlDocGetRootElement(doc), &o);
    xmlFreeDoc(doc);
    if (o.failed) {
        free(o.data);
        return bg_fail(msg, msg_size, BG_E_NOMEM, "%s: out of memory", name);
    }
    if (!o.data) {
        o.data = strdup("");
        if (!o.data)
            return BG_E_NOMEM;
    }
    *text = o.data;
    *text_length = o.length;
    return BG_E_OK;
}

bg_error bg_decode(const char *bytes, size_t size, const char *name, const char *encoding, const char *format,
                   bg_decoded *out, char *msg, size_t msg_size)
{
    memset(out, 0, sizeof *out);
    if (!encoding)
        encoding = "auto";
    if (!format)
        format = "auto";
    bool html = !strcmp(format, "html") || (!strcmp(format, "auto") && looks_like_html(name, bytes, size));
    out->format = html ? "html" : "text";

    const char *charset = NULL;
    const char *reason = NULL;
    const char *meta = html ? sniff_meta_charset(bytes, size) : NULL;
    size_t skip = 0, keep = size;
    bool cut = false;
    if (strcmp(encoding, "auto") != 0) {
        charset = canonical_charset(encoding);
        if (!charset)
            return bg_fail(msg, msg_size, BG_E_DECODE, "%s: unknown encoding '%s'", name, encoding);
        reason = "config";
        if (!strcmp(charset, "utf-8") && size >= 3 && !memcmp(bytes, "\xEF\xBB\xBF", 3))
            skip = 3;
    } else if (size >= 3 && !memcmp(bytes, "\xEF\xBB\xBF", 3)) {
        charset = "utf-8";
        reason = "bom";
        skip = 3;
    } else if (bg_utf8_valid(bytes, size) || bg_utf8_cut_at_end(bytes, size, &keep)) {
        /* A declared <meta charset> only matters when the bytes are not
         * UTF-8: pages that declare gb2312 but were re-saved as UTF-8 are
         * common. */
        charset = "utf-8";
        reason = "valid utf-8";
    } else if (meta && !strcmp(meta, "gb18030")) {
        charset = "gb18030";
        reason = "meta";
    } else if (meta) {
        /* <meta charset=utf-8> on bytes that are not UTF-8: the bytes decide */
        charset = "gb18030";
        reason = "bytes over meta";
        snprintf(out->notice, sizeof out->notice, "its <meta charset> says utf-8 but the bytes are not: read as GB18030");
    } else {
        charset = "gb18030";
        reason = "fallback";
    }

    char *utf8;
    size_t length;
    if (!strcmp(charset, "utf-8")) {
        const char *from = bytes + skip;
        size_t n = size - skip;
        if (!bg_utf8_valid(from, n)) {
            size_t valid = bg_utf8_valid_prefix(from, n);
            if (!bg_utf8_cut_at_end(from, n, &keep))
                return bg_fail(msg, msg_size, BG_E_DECODE, "%s: not valid UTF-8 at byte %zu (encoding %s)", name,
                               valid + skip, !strcmp(reason, "bom") ? "set by its byte-order mark" : "set to utf-8");
            n = keep;
            cut = true;
        } else if (keep < n) {
            n = keep;
            cut = true;
        }
        utf8 = malloc(n + 1);
        if (!utf8)
            return bg_fail(msg, msg_size, BG_E_NOMEM, "%s: out of memory", name);
        memcpy(utf8, from, n);
        utf8[n] = '\0';
        length = n;
    } else {
        char why[160];
        utf8 = bg_iconv_to_utf8(bytes, size, "GB18030", &length, &cut, why, sizeof why);
        if (!utf8)
            return bg_fail(msg, msg_size, BG_E_DECODE, "%s: %s (tried GB18030 because %s)", name, why,
                           !strcmp(reason, "fallback")          ? "it is not UTF-8"
                           : !strcmp(reason, "bytes over meta") ? "its bytes are not the UTF-8 its <meta> declares"
                                                                : reason);
    }
    if (cut)
        snprintf(out->notice, sizeof out->notice, "its last character is cut short at the end of the file (dropped)");
    out->encoding = charset;
    out->reason = reason;
    if (html) {
        char *text = NULL;
        size_t text_length = 0;
        bg_error e = html_to_text(utf8, length, name, &text, &text_length, msg, msg_size);
        free(utf8);
        if (e != BG_E_OK)
            return e;
        utf8 = text;
        length = text_length;
    }
    /* Text must not carry NULs: every later stage treats it as a C string. */
    if (memchr(utf8, '\0', length)) {
        free(utf8);
        return bg_fail(msg, msg_size, BG_E_DECODE, "%s: contains NUL bytes (binary file?)", name);
    }
    out->utf8 = utf8;
    out->length = length;
    return BG_E_OK;
}

void bg_decoded_free(bg_decoded *d)
{
    if (!d)
        return;
    free(d->utf8);
    d->utf8 = NULL;
}
