/* String search: naive search, Boyer-Moore-Horspool and KMP for many patterns in generated
   text over a small alphabet; all three must agree on every count. */
#include "bench.h"
#include <string.h>

#define N (1 << 18)
static char text[N + 1];

static int naive(const char *t, int n, const char *p, int m) {
  int c = 0;
  for (int i = 0; i + m <= n; i++) {
    int j = 0;
    while (j < m && t[i + j] == p[j]) j++;
    if (j == m) c++;
  }
  return c;
}

static int horspool(const char *t, int n, const char *p, int m) {
  int shift[256], c = 0;
  for (int i = 0; i < 256; i++) shift[i] = m;
  for (int i = 0; i < m - 1; i++) shift[(unsigned char)p[i]] = m - 1 - i;
  for (int i = 0; i + m <= n; i += shift[(unsigned char)t[i + m - 1]]) {
    if (memcmp(t + i, p, (size_t)m) == 0) c++;
  }
  return c;
}

static int kmp(const char *t, int n, const char *p, int m) {
  int fail[64], c = 0;
  fail[0] = 0;
  for (int i = 1, k = 0; i < m; i++) {
    while (k > 0 && p[i] != p[k]) k = fail[k - 1];
    if (p[i] == p[k]) k++;
    fail[i] = k;
  }
  for (int i = 0, k = 0; i < n; i++) {
    while (k > 0 && t[i] != p[k]) k = fail[k - 1];
    if (t[i] == p[k]) k++;
    if (k == m) { c++; k = fail[k - 1]; }
  }
  return c;
}

int main(int argc, char **argv) {
  int reps = repeats(argc, argv, 10);
  uint32_t sum = 0;
  for (int i = 0; i < N; i++) text[i] = (char)('a' + rng() % 4);
  for (int r = 0; r < reps; r++) {
    for (int q = 0; q < 6; q++) {
      char p[16];
      int m = 4 + (int)(rng() % 9);
      int at = (int)(rng() % (N - 16));
      memcpy(p, text + at, (size_t)m);
      p[m] = 0;
      int a = naive(text, N, p, m), b = horspool(text, N, p, m), c = kmp(text, N, p, m);
      if (a != b || b != c) { printf("strsearch: MISMATCH %d %d %d\n", a, b, c); return 1; }
      sum = sum * 131 + (uint32_t)a;
    }
  }
  checksum("strsearch", sum);
  return 0;
}
