/* malloc churn: thousands of allocations of mixed sizes (a few bytes to a megabyte, so both
 * brk and mmap are used), frees in pseudo-random order, realloc growing and shrinking, calloc
 * zeroing; every block carries a pattern that is checked before it is freed or moved. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SLOTS 512
static uint32_t seed = 12345;
static uint32_t rnd(void) { seed = seed * 1103515245u + 12345u; return seed >> 8; }

static unsigned char *blocks[SLOTS];
static size_t sizes[SLOTS];

/* Each block is filled with one byte value; checks look at its first, last and every 512th byte. */
static unsigned char pattern(unsigned i) { return (unsigned char)(i * 31 + 7); }
static void fill(unsigned i) { memset(blocks[i], pattern(i), sizes[i]); }
static int check_bytes(const unsigned char *p, size_t n, unsigned char v) {
	if (n == 0) return 1;
	for (size_t j = 0; j < n; j += 512) if (p[j] != v) return 0;
	return p[n - 1] == v;
}
static int check(unsigned i) { return check_bytes(blocks[i], sizes[i], pattern(i)); }

static size_t pick_size(void)
{
	uint32_t r = rnd() % 100;
	if (r < 70) return 1 + rnd() % 128;
	if (r < 97) return 128 + rnd() % 8192;
	return 65536 + rnd() % (1 << 20);
}

int main(void)
{
	unsigned long ops = 0, bad = 0, reallocs = 0, peak = 0, live = 0;
	for (int round = 0; round < 10000; round++) {
		unsigned i = rnd() % SLOTS;
		if (blocks[i] == NULL) {
			sizes[i] = pick_size();
			if (rnd() % 4 == 0) {
				blocks[i] = calloc(sizes[i], 1);
				if (!check_bytes(blocks[i], sizes[i], 0)) bad++;
			} else {
				blocks[i] = malloc(sizes[i]);
			}
			if (blocks[i] == NULL) { printf("allocation failed\n"); return 1; }
			fill(i);
			live += sizes[i];
		} else if (rnd() % 3 == 0) {
			size_t old = sizes[i], nsz = pick_size();
			if (!check(i)) bad++;
			unsigned char *p = realloc(blocks[i], nsz);
			if (p == NULL) { printf("realloc failed\n"); return 1; }
			size_t keep = old < nsz ? old : nsz;
			if (!check_bytes(p, keep, pattern(i))) bad++;
			blocks[i] = p; sizes[i] = nsz; fill(i);
			live += nsz; live -= old;
			reallocs++;
		} else {
			if (!check(i)) bad++;
			free(blocks[i]);
			blocks[i] = NULL;
			live -= sizes[i];
		}
		if (live > peak) peak = live;
		ops++;
	}
	unsigned left = 0;
	for (unsigned i = 0; i < SLOTS; i++) if (blocks[i]) { if (!check(i)) bad++; free(blocks[i]); left++; }
	/* Many small strings in a linked list, then freed. */
	struct node { struct node *next; char text[]; } *head = NULL;
	for (int i = 0; i < 5000; i++) {
		struct node *n = malloc(sizeof *n + 24);
		snprintf(n->text, 24, "node-%d", i);
		n->next = head; head = n;
	}
	unsigned long sum = 0;
	while (head) { struct node *n = head; head = n->next; sum += strlen(n->text); free(n); }
	printf("ops %lu reallocs %lu freed-at-end %u peak %lu bad %lu list-chars %lu\n", ops, reallocs, left, peak, bad, sum);
	return bad != 0;
}
