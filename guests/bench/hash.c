/* Integer hashing: murmur3-style mixing of a stream of keys into an open-addressing table,
   then lookups of present and absent keys. */
#include "bench.h"
#include <string.h>

#define TABLE_BITS 16
#define TABLE_SIZE (1u << TABLE_BITS)
static uint32_t keys[TABLE_SIZE];
static uint32_t vals[TABLE_SIZE];

static inline uint32_t mix(uint32_t h) {
  h ^= h >> 16; h *= 0x85ebca6bu; h ^= h >> 13; h *= 0xc2b2ae35u; h ^= h >> 16;
  return h;
}

static uint32_t murmur(const uint32_t *data, int n, uint32_t seed) {
  uint32_t h = seed;
  for (int i = 0; i < n; i++) {
    uint32_t k = data[i] * 0xcc9e2d51u;
    k = (k << 15) | (k >> 17);
    k *= 0x1b873593u;
    h ^= k; h = (h << 13) | (h >> 19); h = h * 5 + 0xe6546b64u;
  }
  return mix(h ^ (uint32_t)n);
}

int main(int argc, char **argv) {
  int reps = repeats(argc, argv, 192);
  uint32_t sum = 0;
  static uint32_t block[4096];
  for (int r = 0; r < reps; r++) {
    memset(keys, 0, sizeof keys);
    uint32_t filled = 0;
    for (uint32_t i = 1; i <= TABLE_SIZE * 3 / 4; i++) {
      uint32_t key = mix(i * 2654435761u + (uint32_t)r) | 1;
      uint32_t slot = mix(key) & (TABLE_SIZE - 1);
      while (keys[slot] != 0 && keys[slot] != key) slot = (slot + 1) & (TABLE_SIZE - 1);
      if (keys[slot] == 0) { keys[slot] = key; vals[slot] = i; filled++; }
    }
    uint32_t found = 0;
    for (uint32_t i = 1; i <= TABLE_SIZE; i++) {
      uint32_t key = mix(i * 2654435761u + (uint32_t)r) | 1;
      uint32_t slot = mix(key) & (TABLE_SIZE - 1);
      while (keys[slot] != 0) {
        if (keys[slot] == key) { found += vals[slot]; break; }
        slot = (slot + 1) & (TABLE_SIZE - 1);
      }
    }
    for (int i = 0; i < 4096; i++) block[i] = rng();
    for (int k = 0; k < 24; k++) sum ^= murmur(block, 4096, sum + (uint32_t)k);
    sum += found * 31 + filled;
  }
  checksum("hash", sum);
  return 0;
}
