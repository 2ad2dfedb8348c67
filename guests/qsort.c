/* qsort and bsearch: integers (with duplicates and negatives), strings, structs sorted by two
 * keys, an already sorted and a reversed array; the result is verified and summarised. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint32_t seed = 777;
static uint32_t rnd(void) { seed ^= seed << 13; seed ^= seed >> 17; seed ^= seed << 5; return seed; }

static int cmp_int(const void *a, const void *b) { int x = *(const int *)a, y = *(const int *)b; return (x > y) - (x < y); }
static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }
struct rec { int key; int id; char name[8]; };
static int cmp_rec(const void *a, const void *b)
{
	const struct rec *x = a, *y = b;
	if (x->key != y->key) return x->key - y->key;
	return strcmp(x->name, y->name);
}

#define N 20000
static int a[N];

int main(void)
{
	for (int i = 0; i < N; i++) a[i] = (int)(rnd() % 100000) - 50000;
	qsort(a, N, sizeof a[0], cmp_int);
	int ok = 1; long long sum = 0;
	for (int i = 0; i < N; i++) { if (i && a[i - 1] > a[i]) ok = 0; sum += (long long)a[i] * (i % 7 + 1); }
	printf("ints sorted=%d min=%d max=%d median=%d weighted=%lld\n", ok, a[0], a[N - 1], a[N / 2], sum);
	int found = 0;
	for (int k = -50000; k < 50000; k += 37) if (bsearch(&k, a, N, sizeof a[0], cmp_int)) found++;
	printf("bsearch found %d keys\n", found);
	qsort(a, N, sizeof a[0], cmp_int); /* already sorted */
	for (int i = 0; i < N; i++) a[i] = N - i; /* reversed */
	qsort(a, N, sizeof a[0], cmp_int);
	ok = 1; for (int i = 0; i < N; i++) if (a[i] != i + 1) ok = 0;
	printf("reversed sorted=%d\n", ok);

	static const char *words[] = { "pear", "apple", "fig", "banana", "cherry", "apple", "date", "elderberry", "grape", "kiwi", "Zebra", "aardvark", "", "lemon" };
	unsigned nw = sizeof words / sizeof words[0];
	const char *w[sizeof words / sizeof words[0]];
	memcpy(w, words, sizeof words);
	qsort(w, nw, sizeof w[0], cmp_str);
	for (unsigned i = 0; i < nw; i++) printf("%s%s", i ? "," : "words: ", w[i]);
	printf("\n");

	struct rec *r = malloc(1000 * sizeof *r);
	for (int i = 0; i < 1000; i++) { r[i].key = rnd() % 10; r[i].id = i; snprintf(r[i].name, sizeof r[i].name, "n%03u", (unsigned)(rnd() % 1000)); }
	qsort(r, 1000, sizeof *r, cmp_rec);
	ok = 1; unsigned long h = 5381;
	for (int i = 0; i < 1000; i++) {
		if (i && cmp_rec(&r[i - 1], &r[i]) > 0) ok = 0;
		h = h * 33 + (unsigned)r[i].key * 1000 + (unsigned)atoi(r[i].name + 1);
	}
	printf("records sorted=%d hash=%lu first=%d:%s last=%d:%s\n", ok, h, r[0].key, r[0].name, r[999].key, r[999].name);
	free(r);
	return 0;
}
