/* Two tenants, one secret: a writer puts TEXT in its static data, at a fixed mmap address, in
 * its heap and deep in its stack; a reader (the same program, so the same addresses) looks for
 * it everywhere it can read. It must find only its own memory (zeros where it mapped fresh
 * pages, SIGSEGV where it did not map), never the writer's bytes: at the same time (the writer
 * waits until the reader is done, rendezvous through files in a shared directory) and after
 * the writer ended (its recycled memory must come back zeroed). Modes (usage and exit 2
 * without one):
 *   secret DIR TEXT   write TEXT everywhere, create DIR/ready, wait for DIR/done
 *   peek DIR TXET     wait for DIR/ready, search for TEXT (given reversed), create DIR/done
 *   fill TEXT         write TEXT everywhere and exit
 *   scan TXET         search for TEXT (given reversed)
 *   selftest TXET     plant and search in the same process (the search must find it) */
#include "hostile.h"
#include <fcntl.h>
#include <stdint.h>
#include <sys/mman.h>
#include <time.h>

#define FIXED ((char *)0x30000000)
#define SIZE (1 << 20)

static char box[SIZE] __attribute__((aligned(4096)));

static void fill(char *p, size_t n, const char *text)
{
	size_t t = strlen(text);
	for (size_t i = 0; i + t <= n; i += t) memcpy(p + i, text, t);
}

/* Occurrences of `text` in [p, p+n) (memmem: the search must be quick over tens of MiB). */
static long count(const char *p, size_t n, const char *text)
{
	size_t t = strlen(text);
	long c = 0;
	const char *end = p + n;
	for (const char *q = p; q + t <= end; q++) {
		q = memmem(q, end - q, text, t);
		if (!q) break;
		c++;
	}
	return c;
}

static void nap(void)
{
	struct timespec ts = { 0, 1000000 };
	nanosleep(&ts, 0);
}

static int wait_for(const char *dir, const char *name)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	for (int i = 0; i < 30000; i++) {
		if (access(path, F_OK) == 0) return 0;
		nap();
	}
	return -1;
}

static void touch(const char *dir, const char *name)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	close(open(path, O_WRONLY | O_CREAT, 0644));
}

/* Fills a megabyte of stack below this frame, then runs `then` with it still live. */
static void deep(const char *text, const char *dir)
{
	char frame[SIZE];
	fill(frame, sizeof frame, text);
	if (dir) { touch(dir, "ready"); wait_for(dir, "done"); }
	__asm__ volatile("" : : "r"(frame) : "memory");
}

static void plant(const char *text, const char *dir)
{
	fill(box, sizeof box, text);
	char *f = mmap(FIXED, SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	if (f != MAP_FAILED) fill(f, SIZE, text);
	char *heap = malloc(SIZE);
	fill(heap, SIZE, text);
	printf("planted\n");
	fflush(stdout);
	deep(text, dir);
}

static void read_fixed(long a) { (void)*(volatile char *)a; }

/* Searches the writer's places and every readable mapping of /proc/self/maps for the text,
 * given reversed (so the reader's own argv does not hold it); the one copy of it this function
 * makes is discounted. */
static void search(const char *rev)
{
	char real[64];
	size_t t = strlen(rev);
	if (t == 0 || t >= sizeof real) return;
	for (size_t i = 0; i < t; i++) real[i] = rev[t - 1 - i];
	real[t] = 0;
	printf("static data: %ld\n", count(box, sizeof box, real));
	in_child("fixed address unmapped", read_fixed, (long)FIXED);
	char *f = mmap(FIXED, SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	printf("fixed address mapped: %ld\n", f == MAP_FAILED ? -1L : count(f, SIZE, real));
	char *fresh = mmap(0, 8 * SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	printf("fresh mapping: %ld\n", fresh == MAP_FAILED ? -1L : count(fresh, 8 * SIZE, real));
	FILE *maps = fopen("/proc/self/maps", "r");
	char line[256];
	long regions = 0, found = 0;
	while (maps && fgets(line, sizeof line, maps)) {
		unsigned long lo, hi;
		char perms[8];
		if (sscanf(line, "%lx-%lx %7s", &lo, &hi, perms) != 3 || perms[0] != 'r') continue;
		regions++;
		found += count((const char *)lo, hi - lo, real);
	}
	printf("readable mappings searched: %s\n", regions > 3 ? "yes" : "no");
	printf("found elsewhere: %ld\n", found - 1);
}

int main(int argc, char **argv)
{
	const char *m = argc > 1 ? argv[1] : "";
	if (!strcmp(m, "secret") && argc == 4) { plant(argv[3], argv[2]); return 0; }
	if (!strcmp(m, "fill") && argc == 3) { plant(argv[2], 0); return 0; }
	if (!strcmp(m, "peek") && argc == 4) {
		if (wait_for(argv[2], "ready") < 0) { printf("no writer\n"); return 1; }
		search(argv[3]);
		touch(argv[2], "done");
		return 0;
	}
	if (!strcmp(m, "scan") && argc == 3) { search(argv[2]); return 0; }
	if (!strcmp(m, "selftest") && argc == 3) {
		/* The search's own check: planted here, it must be found. */
		char real[64];
		size_t t = strlen(argv[2]);
		if (t == 0 || t >= sizeof real) return 1;
		for (size_t i = 0; i < t; i++) real[i] = argv[2][t - 1 - i];
		real[t] = 0;
		plant(real, 0);
		memset(real, 0, sizeof real);
		search(argv[2]);
		return 0;
	}
	fprintf(stderr, "usage: hostile-tenant secret DIR TEXT | peek DIR TXET | fill TEXT | scan TXET | selftest TXET\n");
	return 2;
}
