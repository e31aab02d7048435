/* fuzz.h — what every fuzz target shares. A target defines
 * LLVMFuzzerTestOneInput and names its seed corpus (tests/fuzz/corpus/NAME);
 * built with clang -fsanitize=fuzzer it is a libFuzzer binary, otherwise
 * driver.c replays its seeds and a few thousand mutations of them, so every
 * test run (and the sanitizer build) puts the same code through hostile
 * input. */
#ifndef BG_FUZZ_H
#define BG_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
/* The target's seed corpus folder name (tests/fuzz/corpus/NAME). */
extern const char bg_fuzz_name[];

#endif
