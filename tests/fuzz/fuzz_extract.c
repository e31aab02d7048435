/* fuzz_extract.c — arbitrary bytes through decoding and the whole
 * extraction, which must never crash, hang or read out of bounds.
 *
 * Built two ways: with clang -fsanitize=fuzzer it is a libFuzzer target
 * (cmake -DBAOGAO_LIBFUZZER=ON, then ./fuzz_extract_libfuzzer samples/reports);
 * otherwise a deterministic driver (ctest label fuzz) replays the samples and
 * a few thousand mutations of them, so every CI run — and the sanitizer build —
 * exercises the same code on hostile input. */
#include "extract/extract.h"
#include "hash.h"
#include "paths.h"
#include "source/decode.h"

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bg_rules *rules;

static int load_rules(void)
{
    char *data = bg_path_join(BG_TEST_SOURCE_DIR, "config/rules/gov_work_report.json");
    char *divisions = bg_path_join(BG_TEST_SOURCE_DIR, "config/rules/divisions.csv");
    bg_problems problems = {0};
    rules = bg_rules_load(data, divisions, NULL, "extract", &problems);
    for (size_t i = 0; i < problems.count; i++)
        fprintf(stderr, "%s\n", problems.items[i]);
    bg_problems_free(&problems);
    free(data);
    free(divisions);
    return rules ? 0 : 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!rules && load_rules() != 0)
        abort();
    /* The first byte picks the format so that HTML parsing is fuzzed too. */
    const char *format = size && (data[0] & 1) ? "html" : "text";
    bg_decoded decoded;
    char msg[512];
    if (bg_decode((const char *)data, size, "fuzz", "auto", format, &decoded, msg, sizeof msg) != BG_E_OK)
        return 0;
    bg_rowset *rows = bg_rowset_new(bg_rules_table_count(rules), bg_rules_tables(rules));
    char hash[17];
    bg_content_hash(data, size, hash);
    bg_doc_input input = {.doc_id = hash,
                          .source = "fuzz",
                          .content_hash = hash,
                          .encoding = decoded.encoding,
                          .encoding_reason = decoded.reason,
                          .format = decoded.format,
                          .utf8 = decoded.utf8,
                          .length = decoded.length};
    if (rows)
        bg_extract_document(rules, &input, rows, msg, sizeof msg);
    bg_rowset_free(rows);
    bg_decoded_free(&decoded);
    return 0;
}

#ifndef BG_LIBFUZZER
/* Fragments that real reports are made of, spliced in by the mutator. */
static const char *const fragments[] = {
    "主要预期目标是：",
    "增长",
    "％",
    "%",
    "左右",
    "以上",
    "以内",
    "分别增长",
    "、",
    "，",
    "；",
    "。",
    "\n",
    "—",
    "-",
    "至",
    "～",
    "个百分点",
    "万人",
    "亿元",
    "１２．５",
    "8.5",
    "（一）",
    "一、",
    "同步",
    "高于",
    "力争",
    "今后五年",
    "到2030年",
    "<p>",
    "</span>",
    "<script>",
    "十大",
    "等十大产业项目",
    "◆ ",
    "\xE3\x80\x80",
    "\xEF\xBB\xBF",
    "\xFF",
    "\xE4\xB8",
    "地区生产总值",
    "本文地址:/a.html",
    "——2023年1月12日在某市第十五届人民代表大会第二次会议上",
};

static uint64_t rng_state = 0x9E3779B97F4A7C15u;
static uint64_t next_random(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static size_t mutate(char *buf, size_t size, size_t capacity)
{
    int rounds = 1 + (int)(next_random() % 8);
    for (int r = 0; r < rounds; r++) {
        size_t at = size ? next_random() % (size + 1) : 0;
        switch (next_random() % 4) {
        case 0: /* flip a byte */
            if (size)
                buf[at % size] ^= (char)(1u << (next_random() % 8));
            break;
        case 1: /* truncate */ size = at; break;
        case 2: { /* splice a fragment */
            const char *f = fragments[next_random() % (sizeof fragments / sizeof *fragments)];
            size_t n = strlen(f);
            if (size + n < capacity) {
                memmove(buf + at + n, buf + at, size - at);
                memcpy(buf + at, f, n);
                size += n;
            }
            break;
        }
        case 3: /* delete a run */
            if (at < size) {
                size_t n = next_random() % (size - at + 1);
                memmove(buf + at, buf + at + n, size - at - n);
                size -= n;
            }
            break;
        }
    }
    return size;
}

int main(int argc, char **argv)
{
    int iterations = argc > 1 ? atoi(argv[1]) : 3000;
    if (load_rules() != 0)
        return 1;
    const char *dir = BG_TEST_SOURCE_DIR "/samples/reports";
    DIR *d = opendir(dir);
    if (!d)
        return 1;
    char *seeds[64];
    size_t seed_sizes[64], seed_count = 0;
    struct dirent *e;
    while ((e = readdir(d)) && seed_count < 64) {
        if (e->d_name[0] == '.')
            continue;
        char *path = bg_path_join(dir, e->d_name);
        seeds[seed_count] = bg_read_file(path, &seed_sizes[seed_count]);
        free(path);
        if (seeds[seed_count])
            seed_count++;
    }
    closedir(d);
    size_t capacity = 1 << 16;
    char *buf = malloc(capacity);
    int runs = 0;
    for (size_t s = 0; s < seed_count; s++) {
        LLVMFuzzerTestOneInput((const uint8_t *)seeds[s], seed_sizes[s]);
        runs++;
    }
    for (int i = 0; i < iterations && seed_count; i++) {
        size_t s = next_random() % seed_count;
        size_t size = seed_sizes[s] < capacity / 2 ? seed_sizes[s] : capacity / 2;
        memcpy(buf, seeds[s], size);
        size = mutate(buf, size, capacity);
        LLVMFuzzerTestOneInput((const uint8_t *)buf, size);
        runs++;
    }
    for (size_t s = 0; s < seed_count; s++)
        free(seeds[s]);
    free(buf);
    bg_rules_free(rules);
    printf("fuzz_extract: %d inputs, 0 crashes\n%d passed, 0 failed\n", runs, runs);
    return 0;
}
#endif
