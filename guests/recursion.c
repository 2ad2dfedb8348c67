/* Deep recursion: a 100000-deep recursive sum with a frame that holds an array, Ackermann's
 * function, naive Fibonacci, mutual recursion, and a recursive quicksort over a large array;
 * stays within the default 8 MiB stack. */
#include <stdio.h>

static unsigned long deep(unsigned n)
{
	volatile unsigned char pad[24];
	pad[n % 24] = (unsigned char)n;
	if (n == 0) return 0;
	return n + deep(n - 1) + pad[n % 24] * 0;
}
static unsigned ack(unsigned m, unsigned n) { return m == 0 ? n + 1 : n == 0 ? ack(m - 1, 1) : ack(m - 1, ack(m, n - 1)); }
static unsigned fib(unsigned n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }
static int is_odd(unsigned n);
static int is_even(unsigned n) { return n == 0 ? 1 : is_odd(n - 1); }
static int is_odd(unsigned n) { return n == 0 ? 0 : is_even(n - 1); }

static int arr[50000];
static void quick(int *a, int lo, int hi)
{
	if (lo >= hi) return;
	int p = a[(lo + hi) / 2], i = lo, j = hi;
	while (i <= j) {
		while (a[i] < p) i++;
		while (a[j] > p) j--;
		if (i <= j) { int t = a[i]; a[i] = a[j]; a[j] = t; i++; j--; }
	}
	quick(a, lo, j); quick(a, i, hi);
}
static unsigned long hanoi_moves;
static void hanoi(int n, int from, int to, int via) { if (n == 0) return; hanoi(n - 1, from, via, to); hanoi_moves++; hanoi(n - 1, via, to, from); }

int main(void)
{
	printf("deep(100000) = %lu\n", deep(100000));
	printf("ack(2, 300) = %u, ack(3, 6) = %u\n", ack(2, 300), ack(3, 6));
	printf("fib(24) = %u\n", fib(24));
	printf("is_even(30001) = %d, is_odd(30001) = %d\n", is_even(30001), is_odd(30001));
	unsigned s = 1;
	for (int i = 0; i < 50000; i++) { s = s * 1664525u + 1013904223u; arr[i] = (int)(s >> 12); }
	quick(arr, 0, 49999);
	int ok = 1; for (int i = 1; i < 50000; i++) if (arr[i - 1] > arr[i]) ok = 0;
	printf("quicksort sorted=%d min=%d max=%d\n", ok, arr[0], arr[49999]);
	hanoi(16, 1, 3, 2);
	printf("hanoi(16) moves = %lu\n", hanoi_moves);
	return 0;
}
