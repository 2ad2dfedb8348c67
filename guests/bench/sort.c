/* Sorting: quicksort (median of three, insertion sort for small ranges) and a bottom-up merge
   sort of pseudo-random integers, each checked for order. */
#include "bench.h"

#define N 200000
static int a[N], b[N], tmp[N];

static void insertion(int *x, int lo, int hi) {
  for (int i = lo + 1; i <= hi; i++) {
    int v = x[i], j = i - 1;
    while (j >= lo && x[j] > v) { x[j + 1] = x[j]; j--; }
    x[j + 1] = v;
  }
}

static void quick(int *x, int lo, int hi) {
  while (hi - lo > 16) {
    int mid = lo + (hi - lo) / 2;
    if (x[mid] < x[lo]) { int t = x[mid]; x[mid] = x[lo]; x[lo] = t; }
    if (x[hi] < x[lo]) { int t = x[hi]; x[hi] = x[lo]; x[lo] = t; }
    if (x[hi] < x[mid]) { int t = x[hi]; x[hi] = x[mid]; x[mid] = t; }
    int p = x[mid], i = lo, j = hi;
    while (i <= j) {
      while (x[i] < p) i++;
      while (x[j] > p) j--;
      if (i <= j) { int t = x[i]; x[i] = x[j]; x[j] = t; i++; j--; }
    }
    if (j - lo < hi - i) { quick(x, lo, j); lo = i; } else { quick(x, i, hi); hi = j; }
  }
  insertion(x, lo, hi);
}

static void merge_sort(int *x, int n) {
  int *src = x, *dst = tmp;
  for (int w = 1; w < n; w *= 2) {
    for (int lo = 0; lo < n; lo += 2 * w) {
      int mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;
      int i = lo, j = mid, k = lo;
      while (i < mid && j < hi) dst[k++] = src[i] <= src[j] ? src[i++] : src[j++];
      while (i < mid) dst[k++] = src[i++];
      while (j < hi) dst[k++] = src[j++];
    }
    int *t = src; src = dst; dst = t;
  }
  if (src != x) for (int i = 0; i < n; i++) x[i] = src[i];
}

int main(int argc, char **argv) {
  int reps = repeats(argc, argv, 10);
  uint32_t sum = 0;
  for (int r = 0; r < reps; r++) {
    for (int i = 0; i < N; i++) a[i] = b[i] = (int)(rng() % 1000000) - 500000;
    quick(a, 0, N - 1);
    merge_sort(b, N);
    for (int i = 0; i < N; i++) {
      if ((i > 0 && a[i - 1] > a[i]) || a[i] != b[i]) { printf("sort: FAILED at %d\n", i); return 1; }
      sum = sum * 33 + (uint32_t)a[i];
    }
  }
  checksum("sort", sum);
  return 0;
}
