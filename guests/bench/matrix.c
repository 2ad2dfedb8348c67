/* A matrix kernel in double (x87 on i386): C = A * B with an i-k-j loop, then a trace and a
   Frobenius-style fold of C into the checksum (rounded to fixed point, exact across hosts). */
#include "bench.h"

#define N 160
static double A[N][N], B[N][N], C[N][N];

int main(int argc, char **argv) {
  int reps = repeats(argc, argv, 2);
  uint32_t sum = 0;
  for (int i = 0; i < N; i++)
    for (int j = 0; j < N; j++) {
      A[i][j] = (double)((i * 7 + j * 3) % 17) / 8.0 - 1.0;
      B[i][j] = (double)((i * 5 + j * 11) % 13) / 4.0 - 1.5;
    }
  for (int r = 0; r < reps; r++) {
    for (int i = 0; i < N; i++)
      for (int j = 0; j < N; j++) C[i][j] = 0.0;
    for (int i = 0; i < N; i++)
      for (int k = 0; k < N; k++) {
        double a = A[i][k];
        for (int j = 0; j < N; j++) C[i][j] += a * B[k][j];
      }
    double t = 0;
    for (int i = 0; i < N; i++) t += C[i][i] + C[i][N - 1 - i] * 0.5;
    sum = sum * 31 + (uint32_t)(int64_t)(t * 1024.0);
    for (int i = 0; i < N; i++) A[i][(i + r) % N] += 0.125;
  }
  checksum("matrix", sum);
  return 0;
}
