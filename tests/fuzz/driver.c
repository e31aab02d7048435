/* driver.c — the deterministic fuzz driver (fuzz.h): replays the target's
 * seed corpus, then mutates it with flips, cuts, deletions, duplications and
 * fragments of real reports, from a fixed seed so that a failure repeats.
 * Usage: fuzz_NAME [ITERATIONS] */
#include "fuzz.h"

#include "paths.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Fragments real reports and configs are made of, spliced in. */
static const char *const fragments[] = {
    "主要预期目标是：", "增长", "％", "%", "左右", "以上", "以内", "分别增长", "、", "，", "；", "。", "\n", "\\r\\n",
    "<br>", "—", "-", "至", "～", "个百分点", "万人", "亿元", "１２．５", "8.5", "百分之六点五", "二〇二三年",
    "（一）", "一、", "同步", "高于", "力争", "今后五年", "到2030年", "<p>", "</span>", "<script>", "<meta charset=utf-8>",
    "十大", "等十大产业项目", "◆ ", "\xE3\x80\x80", "\xEF\xBB\xBF", "\xFF", "\xE4\xB8", "\xED\xA0\x80", "地区生产总值",
    "本文地址:/a.html", "——2023年1月12日在某市第十五届人民代表大会第二次会议上", "\"", "\"\"", ",", "{", "}", "[", "]",
    ":", "\"sources\"", "\"exporters\"", "\"plugin\"", "null", "1e308", "-1", "\"pattern\":\"(a+)+$\"", "\0",
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
        switch (next_random() % 5) {
        case 0: /* flip a byte */
            if (size)
                buf[at % size] ^= (char)(1u << (next_random() % 8));
            break;
        case 1: /* truncate */ size = at; break;
        case 2: { /* splice a fragment */
            size_t which = next_random() % (sizeof fragments / sizeof *fragments);
            const char *f = fragments[which];
            size_t n = f[0] ? strlen(f) : 1;
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
        case 4: /* duplicate a run */
            if (at < size) {
                size_t n = next_random() % (size - at + 1);
                if (size + n < capacity) {
                    memmove(buf + at + n, buf + at, size - at);
                    size += n;
                }
            }
            break;
        }
    }
    return size;
}

int main(int argc, char **argv)
{
    int iterations = argc > 1 ? atoi(argv[1]) : 2000;
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/tests/fuzz/corpus/%s", BG_TEST_SOURCE_DIR, bg_fuzz_name);
    DIR *d = opendir(dir);
    if (!d) {
        fprintf(stderr, "fuzz_%s: no seed corpus %s\n", bg_fuzz_name, dir);
        return 1;
    }
    char *seeds[256];
    size_t seed_sizes[256], seed_count = 0;
    struct dirent *e;
    while ((e = readdir(d)) && seed_count < 256) {
        if (e->d_name[0] == '.')
            continue;
        char *path = bg_path_join(dir, e->d_name);
        seeds[seed_count] = path ? bg_read_file(path, &seed_sizes[seed_count]) : NULL;
        free(path);
        if (seeds[seed_count])
            seed_count++;
    }
    closedir(d);
    size_t capacity = 1 << 17;
    char *buf = malloc(capacity);
    int runs = 0;
    for (size_t s = 0; s < seed_count; s++, runs++)
        LLVMFuzzerTestOneInput((const uint8_t *)seeds[s], seed_sizes[s]);
    for (int i = 0; i < iterations && seed_count && buf; i++, runs++) {
        size_t s = next_random() % seed_count;
        size_t size = seed_sizes[s] < capacity / 2 ? seed_sizes[s] : capacity / 2;
        memcpy(buf, seeds[s], size);
        size = mutate(buf, size, capacity);
        LLVMFuzzerTestOneInput((const uint8_t *)buf, size);
    }
    for (size_t s = 0; s < seed_count; s++)
        free(seeds[s]);
    free(buf);
    printf("fuzz_%s: %d inputs from %zu seeds, no fault\n", bg_fuzz_name, runs, seed_count);
    return 0;
}
