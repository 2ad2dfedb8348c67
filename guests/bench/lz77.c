/* Compression: an LZ77 compressor with hash chains over generated text, its decompressor, and a
   round-trip check; the checksum covers the compressed stream. */
#include "bench.h"
#include <string.h>

#define N (1 << 17)
#define WINDOW 4096
#define MIN_MATCH 3
#define MAX_MATCH 258
#define HASH_BITS 13

static unsigned char text[N];
static unsigned char packed[N * 2];
static unsigned char unpacked[N];
static int head[1 << HASH_BITS];
static int prev[N];

static const char *words[] = { "the ", "quick ", "brown ", "fox ", "jumps ", "over ", "lazy ", "dog ",
  "sandbox ", "guest ", "block ", "translate ", "register ", "memory ", "flags ", "\n" };

static void make_text(void) {
  int n = 0;
  while (n < N) {
    const char *w = words[rng() % 16];
    while (*w && n < N) text[n++] = (unsigned char)*w++;
    if (rng() % 7 == 0 && n < N) text[n++] = (unsigned char)('a' + rng() % 26);
  }
}

static inline unsigned hash3(const unsigned char *p) {
  return ((p[0] << 10) ^ (p[1] << 5) ^ p[2]) & ((1 << HASH_BITS) - 1);
}

static int compress(void) {
  int out = 0;
  for (int i = 0; i < (1 << HASH_BITS); i++) head[i] = -1;
  int i = 0;
  while (i < N) {
    int best = 0, bestd = 0;
    if (i + MIN_MATCH <= N) {
      unsigned h = hash3(text + i);
      int cand = head[h], chain = 32;
      while (cand >= 0 && i - cand <= WINDOW && chain-- > 0) {
        int len = 0, max = N - i < MAX_MATCH ? N - i : MAX_MATCH;
        while (len < max && text[cand + len] == text[i + len]) len++;
        if (len > best) { best = len; bestd = i - cand; }
        cand = prev[cand];
      }
      prev[i] = head[h];
      head[h] = i;
    }
    if (best >= MIN_MATCH) {
      packed[out++] = 0xff;
      packed[out++] = (unsigned char)(best - MIN_MATCH);
      packed[out++] = (unsigned char)(bestd >> 8);
      packed[out++] = (unsigned char)bestd;
      for (int k = 1; k < best; k++) {
        if (i + k + MIN_MATCH <= N) {
          unsigned h = hash3(text + i + k);
          prev[i + k] = head[h];
          head[h] = i + k;
        }
      }
      i += best;
    } else {
      if (text[i] == 0xff) packed[out++] = 0xff, packed[out++] = 0xff;
      else packed[out++] = text[i];
      i++;
    }
  }
  return out;
}

static int decompress(int len) {
  int o = 0;
  for (int i = 0; i < len;) {
    unsigned char c = packed[i++];
    if (c != 0xff) { unpacked[o++] = c; continue; }
    int l = packed[i++] + MIN_MATCH;
    int d = (packed[i] << 8) | packed[i + 1];
    i += 2;
    for (int k = 0; k < l; k++, o++) unpacked[o] = unpacked[o - d];
  }
  return o;
}

int main(int argc, char **argv) {
  int reps = repeats(argc, argv, 36);
  uint32_t sum = 0;
  for (int r = 0; r < reps; r++) {
    make_text();
    int len = compress();
    int back = decompress(len);
    if (back != N || memcmp(text, unpacked, N) != 0) { printf("lz77: round trip FAILED\n"); return 1; }
    uint32_t h = 2166136261u;
    for (int i = 0; i < len; i++) h = (h ^ packed[i]) * 16777619u;
    sum = sum * 31 + h + (uint32_t)len;
  }
  checksum("lz77", sum);
  return 0;
}
