/* Bignum arithmetic: factorials in base 10^9 limbs (32x32->64 multiply, 64-bit division by a
   constant), then Fibonacci numbers by repeated limb addition; the checksum folds the limbs. */
#include "bench.h"

#define LIMBS 6000
static uint32_t f[LIMBS], x[LIMBS], y[LIMBS];

static int factorial(int n) {
  int len = 1;
  f[0] = 1;
  for (int k = 2; k <= n; k++) {
    uint64_t carry = 0;
    for (int i = 0; i < len; i++) {
      uint64_t v = (uint64_t)f[i] * (uint32_t)k + carry;
      f[i] = (uint32_t)(v % 1000000000u);
      carry = v / 1000000000u;
    }
    while (carry) { f[len++] = (uint32_t)(carry % 1000000000u); carry /= 1000000000u; }
  }
  return len;
}

static int fibonacci(int n) {
  int len = 1;
  x[0] = 0; y[0] = 1;
  for (int k = 0; k < n; k++) {
    uint32_t carry = 0;
    for (int i = 0; i < len; i++) {
      uint32_t s = x[i] + y[i] + carry;
      carry = s >= 1000000000u;
      if (carry) s -= 1000000000u;
      x[i] = y[i];
      y[i] = s;
    }
    if (carry) { x[len] = 0; y[len++] = carry; }
  }
  return len;
}

int main(int argc, char **argv) {
  int reps = repeats(argc, argv, 15);
  uint32_t sum = 0;
  for (int r = 0; r < reps; r++) {
    int len = factorial(2500 + r);
    for (int i = 0; i < len; i++) sum = sum * 31 + f[i];
    len = fibonacci(20000 + r);
    for (int i = 0; i < len; i++) sum = sum * 37 + y[i];
  }
  checksum("bignum", sum);
  return 0;
}
