/* Shared by the benchmark programs: a small PRNG, the repeat count from argv[1] (the perf
   suite's quick pass runs fewer repeats) and the checksum line every program ends with. */
#ifndef BENCH_H
#define BENCH_H
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static uint32_t rng_state = 0x12345678u;
static inline uint32_t rng(void) {
  uint32_t x = rng_state;
  x ^= x << 13; x ^= x >> 17; x ^= x << 5;
  return rng_state = x;
}

static inline int repeats(int argc, char **argv, int dflt) {
  if (argc > 1) { int n = atoi(argv[1]); if (n > 0) return n; }
  return dflt;
}

static inline void checksum(const char *name, uint32_t sum) {
  printf("%s checksum %08x\n", name, (unsigned)sum);
}
#endif
