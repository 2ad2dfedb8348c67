/* Asking for more memory than there is: huge brk, mmap and mremap requests must fail (brk
 * leaves the break where it was, the others ENOMEM) without the host committing memory, and a
 * guest that touches page after page must be stopped by the tenant's memory limit with ENOMEM
 * (test/isolation.test.ts watches the host's RSS meanwhile). Modes:
 *   (none)      impossible requests, one result line each
 *   touch MB    mmap 1 MiB chunks and touch every page, up to MB MiB or until refused
 *   brk MB      the same growing the break
 *   one MB      a single mapping of MB MiB, every page touched */
#include "hostile.h"
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#define MB (1UL << 20)

static void touch(char *p, unsigned long n)
{
	for (unsigned long i = 0; i < n; i += 4096) p[i] = 1;
}

static void mresult(const char *what, void *p)
{
	printf("%s: %s\n", what, p == MAP_FAILED ? errname(errno) : "mapped");
	fflush(stdout);
}

static int chunks(unsigned long max, int use_brk)
{
	unsigned long got = 0;
	while (got < max) {
		char *p;
		if (use_brk) {
			unsigned long old = syscall(SYS_brk, 0);
			unsigned long now = syscall(SYS_brk, old + MB);
			if (now != old + MB) { printf("brk: refused after %lu MiB\n", got); return 0; }
			p = (char *)old;
		} else {
			p = mmap(0, MB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
			if (p == MAP_FAILED) { printf("mmap: %s after %lu MiB\n", errname(errno), got); return 0; }
		}
		touch(p, MB);
		got++;
	}
	printf("%s: got all %lu MiB\n", use_brk ? "brk" : "mmap", got);
	return 0;
}

int main(int argc, char **argv)
{
	const char *m = argc > 1 ? argv[1] : "";
	unsigned long n = argc > 2 ? strtoul(argv[2], 0, 0) : 0;
	if (!strcmp(m, "touch") && argc == 3) return chunks(n, 0);
	if (!strcmp(m, "brk") && argc == 3) return chunks(n, 1);
	if (!strcmp(m, "one") && argc == 3) {
		char *p = mmap(0, n * MB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		mresult("mmap", p);
		if (p != MAP_FAILED) { touch(p, n * MB); printf("touched %lu MiB\n", n); }
		return 0;
	}
	if (argc > 1) {
		fprintf(stderr, "usage: hostile-alloc [touch MB | brk MB | one MB]\n");
		return 2;
	}
	unsigned long old = syscall(SYS_brk, 0);
	unsigned long now = syscall(SYS_brk, old + 0xc0000000UL);
	printf("brk +3G: %s\n", now == old ? "unchanged" : "moved");
	now = syscall(SYS_brk, 1);
	printf("brk to 1: %s\n", now == old ? "unchanged" : "moved");
	mresult("mmap 3.75G", mmap(0, 0xf0000000UL, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
	mresult("mmap 4G-4K", mmap(0, 0xfffff000UL, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
	mresult("mmap 4G-1", mmap(0, 0xffffffffUL, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
	mresult("mmap 0", mmap(0, 0, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
	mresult("mmap fixed at 0xfffff000 for 2 pages", mmap((void *)0xfffff000UL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0));
	char *p = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	mresult("mremap to 3.75G", mremap(p, 4096, 0xf0000000UL, MREMAP_MAYMOVE));
	/* Sizes through a volatile, so the compiler does not reject the requests at build time. */
	volatile size_t big = 0xc0000000UL, half = 0x10000;
	void *q = malloc(big);
	printf("malloc 3G: %s\n", q ? "got it" : errname(errno));
	q = calloc(half, half);
	printf("calloc 64K x 64K: %s\n", q ? "got it" : errname(errno));
	return 0;
}
