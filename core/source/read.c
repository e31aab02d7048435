/* read.c — a source into its documents (read.h). */
#define _GNU_SOURCE
#include "source/read.h"

#include "hash.h"
#include "source/corpus.h"
#include "source/decode.h"

#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

char *bg_read_regular(const char *path, size_t max_bytes, size_t *size, char *msg, size_t msg_size)
{
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        bg_fail(msg, msg_size, BG_E_IO, "%s: cannot read: %s", path, strerror(errno));
        return NULL;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        bg_fail(msg, msg_size, BG_E_IO, "%s: not a regular file, not read", path);
        close(fd);
        return NULL;
    }
    if (max_bytes && (size_t)st.st_size > max_bytes) {
        bg_fail(msg, msg_size, BG_E_LIMIT, "%s: %lld bytes, more than limits.document_bytes (%zu)", path,
                (long long)st.st_size, max_bytes);
        close(fd);
        return NULL;
    }
    size_t capacity = (size_t)st.st_size + 1 > 4096 ? (size_t)st.st_size + 1 : 4096, used = 0;
    char *buf = malloc(capacity);
    if (!buf) {
        bg_fail(msg, msg_size, BG_E_NOMEM, "%s: out of memory reading %lld bytes", path, (long long)st.st_size);
        close(fd);
        return NULL;
    }
    for (;;) {
        if (used + 1 >= capacity) { /* the file grew while we read it */
            if (max_bytes && used > max_bytes) {
                bg_fail(msg, msg_size, BG_E_LIMIT, "%s: more than limits.document_bytes (%zu)", path, max_bytes);
                goto fail;
            }
            char *grown = realloc(buf, capacity * 2);
            if (!grown) {
                bg_fail(msg, msg_size, BG_E_NOMEM, "%s: out of memory", path);
                goto fail;
            }
            buf = grown;
            capacity *= 2;
        }
        ssize_t n = read(fd, buf + used, capacity - used - 1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            bg_fail(msg, msg_size, BG_E_IO, "%s: cannot read: %s", path, strerror(errno));
            goto fail;
        }
        if (n == 0)
            break;
        used += (size_t)n;
    }
    if (max_bytes && used > max_bytes) {
        bg_fail(msg, msg_size, BG_E_LIMIT, "%s: more than limits.document_bytes (%zu)", path, max_bytes);
        goto fail;
    }
    close(fd);
    buf[used] = '\0';
    *size = used;
    return buf;
fail:
    free(buf);
    close(fd);
    return NULL;
}

/* Whether text holds anything but whitespace (ASCII, U+3000, NBSP, BOM). */
static bool has_text(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v')
            continue;
        if (i + 3 <= n && (!memcmp(s + i, "\xE3\x80\x80", 3) || !memcmp(s + i, "\xEF\xBB\xBF", 3))) {
            i += 2;
            continue;
        }
        if (i + 2 <= n && !memcmp(s + i, "\xC2\xA0", 2)) {
            i++;
            continue;
        }
        return true;
    }
    return false;
}

static bg_source_doc *add(bg_source_docs *docs)
{
    bg_source_doc *grown = realloc(docs->items, (docs->count + 1) * sizeof *grown);
    if (!grown)
        return NULL;
    docs->items = grown;
    bg_source_doc *d = &docs->items[docs->count++];
    memset(d, 0, sizeof *d);
    return d;
}

/* A failed entry for the whole source; false only when out of memory. */
static bool add_failed(bg_source_docs *docs, const char *source, const char *hash, const char *why)
{
    bg_source_doc *d = add(docs);
    if (!d)
        return false;
    d->source = strdup(source);
    d->error = strdup(why);
    if (hash)
        memcpy(d->content_hash, hash, 17);
    return d->source && d->error;
}

static bg_error corpus_docs(const bg_source_file *file, const bg_decoded *decoded, const char *file_hash,
                            bg_source_docs *out)
{
    char msg[1024];
    bg_corpus_rows rows;
    bool jsonl = !strcmp(file->config->format, "jsonl");
    if ((jsonl ? bg_jsonl_read : bg_csv_read)(decoded->utf8, decoded->length, file->path, file->config, &rows, msg,
                                              sizeof msg) != BG_E_OK)
        return add_failed(out, file->name, file_hash, msg) ? BG_E_OK : BG_E_NOMEM;
    bg_error e = BG_E_OK;
    for (size_t i = 0; i < rows.count && e == BG_E_OK; i++) {
        bg_corpus_row *row = &rows.rows[i];
        bg_source_doc *d = add(out);
        char name[4096];
        snprintf(name, sizeof name, "%s#%zu", file->name, row->row);
        if (!d || !(d->source = strdup(name))) {
            e = BG_E_NOMEM;
            break;
        }
        if (row->error) {
            d->error = row->error;
            row->error = NULL;
            continue;
        }
        if (!has_text(row->text, row->text_length)) {
            if (jsonl)
                snprintf(name, sizeof name, "%s: line %zu: the text field is empty", file->name, row->line);
            else
                snprintf(name, sizeof name, "%s: row %zu (line %zu): the text column is empty", file->name, row->row,
                         row->line);
            if (!(d->error = strdup(name)))
                e = BG_E_NOMEM;
            continue;
        }
        bg_content_hash(row->text, row->text_length, d->content_hash);
        memcpy(d->doc_id, d->content_hash, sizeof d->doc_id);
        d->encoding = decoded->encoding;
        d->encoding_reason = decoded->reason;
        d->format = jsonl ? "jsonl" : "csv";
        /* the record's strings move over to the document */
        d->utf8 = row->text;
        d->length = row->text_length;
        d->hint_title = row->title;
        d->hint_region = row->region;
        d->hint_url = row->url;
        d->hint_year = row->year;
        row->text = row->title = row->region = row->url = NULL;
    }
    bg_corpus_rows_free(&rows);
    return e;
}

bg_error bg_source_load(const bg_source_file *file, const bg_read_limits *limits, bg_source_bytes *raw,
                        bg_source_docs *out)
{
    memset(out, 0, sizeof *out);
    memset(raw, 0, sizeof *raw);
    if (file->error)
        return add_failed(out, file->name, NULL, file->error) ? BG_E_OK : BG_E_NOMEM;
    char msg[1024];
    raw->bytes = bg_read_regular(file->path, limits ? limits->max_bytes : 0, &raw->size, msg, sizeof msg);
    if (!raw->bytes)
        return add_failed(out, file->name, NULL, msg) ? BG_E_OK : BG_E_NOMEM;
    bg_content_hash(raw->bytes, raw->size, raw->hash);
    return BG_E_OK;
}

bg_error bg_source_read(const bg_source_file *file, const bg_read_limits *limits, bg_source_docs *out)
{
    bg_source_bytes raw;
    bg_error e = bg_source_load(file, limits, &raw, out);
    return e != BG_E_OK || !raw.bytes ? e : bg_source_decode(file, &raw, out);
}

bg_error bg_source_decode(const bg_source_file *file, bg_source_bytes *raw, bg_source_docs *out)
{
    char msg[1024];
    char *bytes = raw->bytes;
    size_t size = raw->size;
    char hash[17];
    memcpy(hash, raw->hash, sizeof hash);
    raw->bytes = NULL;
    const bg_source_config *s = file->config;
    bool corpus = s && s->format && (!strcmp(s->format, "csv") || !strcmp(s->format, "jsonl"));
    bg_decoded decoded;
    bg_error e = bg_decode(bytes, size, file->path, s ? s->encoding : "auto", corpus ? "text" : s ? s->format : "auto",
                           &decoded, msg, sizeof msg);
    free(bytes);
    if (e != BG_E_OK)
        return add_failed(out, file->name, hash, msg) ? BG_E_OK : BG_E_NOMEM;
    if (corpus) {
        e = corpus_docs(file, &decoded, hash, out);
        bg_decoded_free(&decoded);
        return e;
    }
    if (!has_text(decoded.utf8, decoded.length)) {
        bg_decoded_free(&decoded);
        snprintf(msg, sizeof msg, "%s: empty (no text%s)", file->name, size ? " after decoding" : "");
        return add_failed(out, file->name, hash, msg) ? BG_E_OK : BG_E_NOMEM;
    }
    bg_source_doc *d = add(out);
    if (!d || !(d->source = strdup(file->name))) {
        bg_decoded_free(&decoded);
        return BG_E_NOMEM;
    }
    memcpy(d->content_hash, hash, sizeof hash);
    memcpy(d->doc_id, hash, sizeof hash);
    d->encoding = decoded.encoding;
    d->encoding_reason = decoded.reason;
    d->format = decoded.format;
    d->utf8 = decoded.utf8;
    d->length = decoded.length;
    if (decoded.notice[0] && !(d->notice = strdup(decoded.notice))) {
        free(decoded.utf8);
        d->utf8 = NULL;
        return BG_E_NOMEM;
    }
    return BG_E_OK;
}

void bg_source_docs_free(bg_source_docs *docs)
{
    for (size_t i = 0; i < docs->count; i++) {
        bg_source_doc *d = &docs->items[i];
        free(d->source);
        free(d->utf8);
        free(d->hint_title);
        free(d->hint_region);
        free(d->hint_url);
        free(d->notice);
        free(d->error);
    }
    free(docs->items);
    docs->items = NULL;
    docs->count = 0;
}

bg_doc_input bg_source_doc_input(const bg_source_doc *d)
{
    return (bg_doc_input){.doc_id = d->doc_id,
                          .source = d->source,
                          .content_hash = d->content_hash,
                          .encoding = d->encoding,
                          .encoding_reason = d->encoding_reason,
                          .format = d->format,
                          .utf8 = d->utf8,
                          .length = d->length,
                          .hint_title = d->hint_title,
                          .hint_region = d->hint_region,
                          .hint_year = d->hint_year,
                          .hint_url = d->hint_url};
}
