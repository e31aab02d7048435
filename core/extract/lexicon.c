/* lexicon.c — one Vectorscan literal database for all word lists of a
 * ruleset, and the sorted mentions of one scan (lexicon.h). */
#define _GNU_SOURCE /* memmem */
#include "extract/lexicon.h"

#include <hs.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* a word of some list, before the distinct words are numbered */
typedef struct entry {
    const char *text;
    size_t length;
    unsigned list;  /* lexicon_id of its list */
    uint32_t index; /* its entry in that list */
} entry;

struct bg_lexicon {
    bg_words **lists; /* lists[id - 1] */
    unsigned list_count;
    /* distinct words, and for each the lists holding it (member_first CSR) */
    char **literal;
    size_t *literal_length;
    uint32_t literal_count;
    uint32_t *member_first; /* literal_count + 1 */
    unsigned *member_list;
    uint32_t *member_index;
    hs_database_t *db; /* NULL when there are no words */
};

bg_lexicon *bg_lexicon_new(void)
{
    return calloc(1, sizeof(bg_lexicon));
}

bool bg_lexicon_add(bg_lexicon *lex, bg_words *w)
{
    bg_words **grown = realloc(lex->lists, (lex->list_count + 1) * sizeof *grown);
    if (!grown)
        return false;
    lex->lists = grown;
    lex->lists[lex->list_count++] = w;
    w->lexicon_id = lex->list_count;
    return true;
}

static int entry_order(const void *a, const void *b)
{
    const entry *x = a, *y = b;
    size_t n = x->length < y->length ? x->length : y->length;
    int c = memcmp(x->text, y->text, n);
    if (c)
        return c;
    if (x->length != y->length)
        return x->length < y->length ? -1 : 1;
    if (x->list != y->list)
        return x->list < y->list ? -1 : 1;
    return x->index < y->index ? -1 : x->index > y->index;
}

bg_error bg_lexicon_compile(bg_lexicon *lex, char **message)
{
    *message = NULL;
    size_t total = 0;
    for (unsigned l = 0; l < lex->list_count; l++)
        total += lex->lists[l]->count;
    if (total >= UINT32_MAX)
        return BG_E_LIMIT;
    entry *all = malloc((total ? total : 1) * sizeof *all);
    lex->literal = malloc((total ? total : 1) * sizeof *lex->literal);
    lex->literal_length = malloc((total ? total : 1) * sizeof *lex->literal_length);
    lex->member_first = malloc((total + 1) * sizeof *lex->member_first);
    lex->member_list = malloc((total ? total : 1) * sizeof *lex->member_list);
    lex->member_index = malloc((total ? total : 1) * sizeof *lex->member_index);
    unsigned *flags = calloc(total ? total : 1, sizeof *flags);
    unsigned *ids = malloc((total ? total : 1) * sizeof *ids);
    if (!all || !lex->literal || !lex->literal_length || !lex->member_first || !lex->member_list ||
        !lex->member_index || !flags || !ids) {
        free(all);
        free(flags);
        free(ids);
        return BG_E_NOMEM;
    }
    size_t k = 0;
    for (unsigned l = 0; l < lex->list_count; l++)
        for (size_t i = 0; i < lex->lists[l]->count; i++)
            all[k++] = (entry){lex->lists[l]->text[i], lex->lists[l]->length[i], l + 1, (uint32_t)i};
    qsort(all, total, sizeof *all, entry_order);
    /* distinct words; a word twice in one list keeps its first entry, as a
     * word-by-word match would */
    uint32_t members = 0;
    for (size_t i = 0; i < total; i++) {
        bool same_word = i > 0 && all[i].length == all[i - 1].length &&
                         memcmp(all[i].text, all[i - 1].text, all[i].length) == 0;
        if (!same_word) {
            lex->member_first[lex->literal_count] = members;
            lex->literal[lex->literal_count] = (char *)all[i].text;
            lex->literal_length[lex->literal_count] = all[i].length;
            ids[lex->literal_count] = lex->literal_count;
            lex->literal_count++;
        } else if (all[i].list == all[i - 1].list) {
            continue;
        }
        lex->member_list[members] = all[i].list;
        lex->member_index[members] = all[i].index;
        members++;
    }
    lex->member_first[lex->literal_count] = members;
    free(all);
    bg_error rc = BG_E_OK;
    if (lex->literal_count && hs_valid_platform() != HS_SUCCESS) {
        *message = strdup("Vectorscan does not run on this processor (it needs SSE4.2 on x86)");
        rc = BG_E_CONFIG;
    } else if (lex->literal_count) {
        hs_compile_error_t *error = NULL;
        if (hs_compile_lit_multi((const char *const *)lex->literal, flags, ids, lex->literal_length,
                                 lex->literal_count, HS_MODE_BLOCK, NULL, &lex->db, &error) != HS_SUCCESS) {
            char buf[512];
            snprintf(buf, sizeof buf, "the word lists could not be compiled into one matcher: %s",
                     error && error->message ? error->message : "unknown error");
            *message = strdup(buf);
            hs_free_compile_error(error);
            lex->db = NULL;
            rc = BG_E_CONFIG;
        }
    }
    free(flags);
    free(ids);
    return rc;
}

void bg_lexicon_free(bg_lexicon *lex)
{
    if (!lex)
        return;
    hs_free_database(lex->db);
    free(lex->lists);
    free(lex->literal); /* the words themselves belong to their lists */
    free(lex->literal_length);
    free(lex->member_first);
    free(lex->member_list);
    free(lex->member_index);
    free(lex);
}

/* ---- scanning ------------------------------------------------------------ */

/* one scratch space per thread, grown to fit any database it scans with */
static pthread_key_t scratch_key;
static pthread_once_t scratch_once = PTHREAD_ONCE_INIT;
static void scratch_release(void *scratch)
{
    hs_free_scratch(scratch);
}
static void scratch_key_make(void)
{
    (void)pthread_key_create(&scratch_key, scratch_release);
}
static hs_scratch_t *thread_scratch(const hs_database_t *db)
{
    (void)pthread_once(&scratch_once, scratch_key_make);
    hs_scratch_t *scratch = pthread_getspecific(scratch_key);
    if (hs_alloc_scratch(db, &scratch) != HS_SUCCESS)
        return NULL;
    (void)pthread_setspecific(scratch_key, scratch);
    return scratch;
}

typedef struct collector {
    const bg_lexicon *lex;
    bg_mention *m;
    size_t count, cap;
    bool nomem;
} collector;

static int on_match(unsigned int id, unsigned long long from, unsigned long long to, unsigned int flags, void *ctx)
{
    (void)from;
    (void)flags;
    collector *c = ctx;
    if (c->count == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 1024;
        bg_mention *grown = realloc(c->m, cap * sizeof *grown);
        if (!grown) {
            c->nomem = true;
            return 1; /* stops the scan */
        }
        c->m = grown;
        c->cap = cap;
    }
    c->m[c->count++] = (bg_mention){(uint32_t)(to - c->lex->literal_length[id]), (uint32_t)to, id};
    return 0;
}

/* by start, then longest first */
static bool start_before(const bg_mention *a, const bg_mention *b)
{
    return a->start < b->start || (a->start == b->start && a->end > b->end);
}
static int start_order(const void *a, const void *b)
{
    return start_before(a, b) ? -1 : start_before(b, a);
}

/* Matches arrive in order of their end, so a mention is out of start order
 * by at most the longest word's length: insertion sort moves each a few
 * places (linear); anything else falls back to qsort. */
static void sort_by_start(bg_mention *m, size_t count)
{
    for (size_t i = 1; i < count; i++)
        if (m[i].end < m[i - 1].end) {
            qsort(m, count, sizeof *m, start_order);
            return;
        }
    for (size_t i = 1; i < count; i++) {
        bg_mention x = m[i];
        size_t j = i;
        while (j > 0 && start_before(&x, &m[j - 1])) {
            m[j] = m[j - 1];
            j--;
        }
        m[j] = x;
    }
}

/* indexes into m in order of end, then longest first (nearly sorted already) */
static void sort_by_end(const bg_mention *m, uint32_t *order, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        uint32_t x = (uint32_t)i;
        size_t j = i;
        while (j > 0 && (m[order[j - 1]].end > m[x].end ||
                         (m[order[j - 1]].end == m[x].end && m[order[j - 1]].start > m[x].start))) {
            order[j] = order[j - 1];
            j--;
        }
        order[j] = x;
    }
}

/* the bit set, block ranks and first mention of each marked position, for
 * positions pos(i) of mentions in the given order */
static bool index_positions(size_t length, size_t count, const bg_mention *m, const uint32_t *order, bool ends,
                            uint64_t **bits_out, uint32_t **rank_out, uint32_t **first_out)
{
    size_t blocks = length / 64 + 1;
    uint64_t *bits = calloc(blocks, sizeof *bits);
    uint32_t *rank = malloc(blocks * sizeof *rank);
    uint32_t *first = malloc((count ? count : 1) * sizeof *first);
    if (!bits || !rank || !first) {
        free(bits);
        free(rank);
        free(first);
        return false;
    }
    size_t distinct = 0;
    uint32_t last = UINT32_MAX;
    for (size_t i = 0; i < count; i++) {
        const bg_mention *x = &m[order ? order[i] : i];
        uint32_t pos = ends ? x->end : x->start;
        if (pos == last)
            continue;
        last = pos;
        bits[pos / 64] |= (uint64_t)1 << (pos % 64);
        first[distinct++] = (uint32_t)i;
    }
    uint32_t total = 0;
    for (size_t b = 0; b < blocks; b++) {
        rank[b] = total;
        total += (uint32_t)__builtin_popcountll(bits[b]);
    }
    *bits_out = bits;
    *rank_out = rank;
    *first_out = first;
    return true;
}

bg_error bg_mentions_scan(const bg_lexicon *lex, const char *text, size_t length, bg_mentions *out)
{
    memset(out, 0, sizeof *out);
    out->lex = lex;
    out->text = text;
    out->length = length;
    if (length >= UINT32_MAX)
        return BG_E_LIMIT;
    collector c = {lex, NULL, 0, 0, false};
    if (lex->db && length) {
        hs_scratch_t *scratch = thread_scratch(lex->db);
        if (!scratch)
            return BG_E_NOMEM;
        hs_error_t rc = hs_scan(lex->db, text, (unsigned int)length, 0, scratch, on_match, &c);
        if (c.nomem || (rc != HS_SUCCESS && rc != HS_SCAN_TERMINATED)) {
            free(c.m);
            return BG_E_NOMEM;
        }
    }
    sort_by_start(c.m, c.count);
    out->by_start = c.m;
    out->count = c.count;
    out->by_end = malloc((c.count ? c.count : 1) * sizeof *out->by_end);
    out->list_first = calloc(lex->list_count + 2, sizeof *out->list_first);
    if (!out->by_end || !out->list_first)
        goto nomem;
    sort_by_end(c.m, out->by_end, c.count);
    if (!index_positions(length, c.count, c.m, NULL, false, &out->start_bits, &out->start_rank, &out->start_first) ||
        !index_positions(length, c.count, c.m, out->by_end, true, &out->end_bits, &out->end_rank, &out->end_first))
        goto nomem;
    /* per list, its mentions in start order (CSR by lexicon_id) */
    size_t items = 0;
    for (size_t i = 0; i < c.count; i++)
        for (uint32_t k = lex->member_first[c.m[i].literal]; k < lex->member_first[c.m[i].literal + 1]; k++) {
            out->list_first[lex->member_list[k] + 1]++;
            items++;
        }
    for (unsigned l = 0; l <= lex->list_count; l++)
        out->list_first[l + 1] += out->list_first[l];
    out->list_items = malloc((items ? items : 1) * sizeof *out->list_items);
    uint32_t *fill = malloc((lex->list_count + 1) * sizeof *fill);
    if (!out->list_items || !fill) {
        free(fill);
        goto nomem;
    }
    memcpy(fill, out->list_first, (lex->list_count + 1) * sizeof *fill);
    for (size_t i = 0; i < c.count; i++)
        for (uint32_t k = lex->member_first[c.m[i].literal]; k < lex->member_first[c.m[i].literal + 1]; k++)
            out->list_items[fill[lex->member_list[k]]++] = (uint32_t)i;
    free(fill);
    return BG_E_OK;
nomem:
    bg_mentions_free(out);
    return BG_E_NOMEM;
}

void bg_mentions_free(bg_mentions *m)
{
    free(m->by_start);
    free(m->by_end);
    free(m->start_bits);
    free(m->end_bits);
    free(m->start_rank);
    free(m->end_rank);
    free(m->start_first);
    free(m->end_first);
    free(m->list_first);
    free(m->list_items);
    memset(m, 0, sizeof *m);
}

/* ---- queries ------------------------------------------------------------- */

/* true when the lexicon answers for w on these mentions */
static bool answered(const bg_mentions *m, const bg_words *w)
{
    return m && m->lex && w->lexicon_id && w->lexicon_id <= m->lex->list_count &&
           m->lex->lists[w->lexicon_id - 1] == w;
}

/* w's entry for a distinct word, or false when w does not hold it */
static bool member(const bg_lexicon *lex, uint32_t literal, unsigned list, size_t *index)
{
    for (uint32_t k = lex->member_first[literal]; k < lex->member_first[literal + 1]; k++)
        if (lex->member_list[k] == list) {
            if (index)
                *index = lex->member_index[k];
            return true;
        }
    return false;
}

/* the first mention (in the given order) at a marked position, or false */
static bool first_at(const uint64_t *bits, const uint32_t *rank, const uint32_t *first, size_t pos, size_t *i)
{
    uint64_t word = bits[pos / 64];
    uint64_t bit = (uint64_t)1 << (pos % 64);
    if (!(word & bit))
        return false;
    *i = first[rank[pos / 64] + (uint32_t)__builtin_popcountll(word & (bit - 1))];
    return true;
}

size_t bg_lex_next(const bg_mentions *m, const bg_words *w, size_t from, size_t *cursor, size_t *len)
{
    *len = 0;
    if (!answered(m, w)) {
        size_t at;
        return from < m->length && bg_words_find(w, m->text, from, m->length, &at, len, NULL) ? at : m->length;
    }
    const uint32_t *items = m->list_items + m->list_first[w->lexicon_id];
    size_t n = m->list_first[w->lexicon_id + 1] - m->list_first[w->lexicon_id];
    while (*cursor < n && m->by_start[items[*cursor]].start < from)
        (*cursor)++;
    if (*cursor >= n)
        return m->length;
    const bg_mention *x = &m->by_start[items[*cursor]];
    *len = x->end - x->start;
    return x->start;
}

size_t bg_mentions_next(const bg_mentions *m, size_t from, size_t to)
{
    if (!m->lex)
        return from < to ? from : to;
    if (to > m->length)
        to = m->length;
    if (from >= to)
        return to;
    size_t block = from / 64;
    uint64_t word = m->start_bits[block] & (~(uint64_t)0 << (from % 64));
    for (;;) {
        if (word) {
            size_t at = block * 64 + (size_t)__builtin_ctzll(word);
            return at < to ? at : to;
        }
        if (++block * 64 >= to)
            return to;
        word = m->start_bits[block];
    }
}

size_t bg_lex_at(const bg_mentions *m, const bg_words *w, size_t at, size_t limit, size_t *index)
{
    if (!answered(m, w))
        return bg_words_at(w, m->text, limit < m->length ? limit : m->length, at, index);
    size_t i;
    if (at >= m->length || !first_at(m->start_bits, m->start_rank, m->start_first, at, &i))
        return 0;
    for (; i < m->count && m->by_start[i].start == at; i++)
        if (m->by_start[i].end <= limit && member(m->lex, m->by_start[i].literal, w->lexicon_id, index))
            return m->by_start[i].end - at;
    return 0;
}

size_t bg_lex_ending_at(const bg_mentions *m, const bg_words *w, size_t from, size_t end, size_t *index)
{
    if (!answered(m, w))
        return bg_words_ending_at(w, m->text, from, end, index);
    size_t i;
    if (end > m->length || !first_at(m->end_bits, m->end_rank, m->end_first, end, &i))
        return 0;
    for (; i < m->count && m->by_start[m->by_end[i]].end == end; i++) {
        const bg_mention *x = &m->by_start[m->by_end[i]];
        if (x->start >= from && member(m->lex, x->literal, w->lexicon_id, index))
            return end - x->start;
    }
    return 0;
}

bool bg_lex_find(const bg_mentions *m, const bg_words *w, size_t from, size_t to, size_t *at, size_t *len,
                 size_t *index)
{
    if (!answered(m, w))
        return bg_words_find(w, m->text, from, to < m->length ? to : m->length, at, len, index);
    const uint32_t *items = m->list_items + m->list_first[w->lexicon_id];
    size_t lo = 0, hi = m->list_first[w->lexicon_id + 1] - m->list_first[w->lexicon_id];
    while (lo < hi) { /* the first of w's mentions starting at or after from */
        size_t mid = lo + (hi - lo) / 2;
        if (m->by_start[items[mid]].start < from)
            lo = mid + 1;
        else
            hi = mid;
    }
    size_t n = m->list_first[w->lexicon_id + 1] - m->list_first[w->lexicon_id];
    for (size_t i = lo; i < n && m->by_start[items[i]].start < to; i++) {
        const bg_mention *x = &m->by_start[items[i]];
        if (x->end <= to) {
            *at = x->start;
            *len = x->end - x->start;
            (void)member(m->lex, x->literal, w->lexicon_id, index);
            return true;
        }
    }
    return false;
}

static size_t index_at(const void *index, const bg_words *w, size_t pos, size_t limit, size_t *found)
{
    return bg_lex_at(index, w, pos, limit, found);
}

bg_word_index bg_lex_index(const bg_mentions *m)
{
    return (bg_word_index){m, index_at};
}

void bg_lex_count(const bg_mentions *m, const bg_words *w, size_t *counts)
{
    memset(counts, 0, w->count * sizeof *counts);
    if (!answered(m, w)) {
        size_t at = 0, len, index;
        while (at < m->length && bg_words_find(w, m->text, at, m->length, &at, &len, &index)) {
            counts[index]++;
            at += len;
        }
        return;
    }
    const uint32_t *items = m->list_items + m->list_first[w->lexicon_id];
    size_t n = m->list_first[w->lexicon_id + 1] - m->list_first[w->lexicon_id];
    size_t next = 0;
    for (size_t i = 0; i < n; i++) {
        const bg_mention *x = &m->by_start[items[i]];
        size_t index;
        if (x->start < next || !member(m->lex, x->literal, w->lexicon_id, &index))
            continue;
        counts[index]++;
        next = x->end;
    }
}

void bg_lex_count_each(const bg_mentions *m, const bg_words *w, size_t *counts)
{
    memset(counts, 0, w->count * sizeof *counts);
    if (!answered(m, w)) {
        for (size_t i = 0; i < w->count; i++)
            for (const char *p = m->text, *stop = m->text + m->length; p && (size_t)(stop - p) >= w->length[i];) {
                const char *hit = memmem(p, (size_t)(stop - p), w->text[i], w->length[i]);
                if (!hit)
                    break;
                counts[i]++;
                p = hit + w->length[i];
            }
        return;
    }
    size_t *next = calloc(w->count ? w->count : 1, sizeof *next); /* where each word may occur again */
    if (!next)
        return;
    const uint32_t *items = m->list_items + m->list_first[w->lexicon_id];
    size_t n = m->list_first[w->lexicon_id + 1] - m->list_first[w->lexicon_id];
    for (size_t i = 0; i < n; i++) {
        const bg_mention *x = &m->by_start[items[i]];
        size_t index;
        if (!member(m->lex, x->literal, w->lexicon_id, &index) || x->start < next[index])
            continue;
        counts[index]++;
        next[index] = x->end;
    }
    free(next);
}
