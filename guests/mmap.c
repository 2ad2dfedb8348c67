/* Memory mappings: anonymous mappings zero-filled, munmap of a middle page (the rest stays),
 * mprotect, mremap growing a mapping (its contents move with it), MAP_FIXED over part of a
 * mapping, a private file mapping of argv[1] (a data file) whose changes do not reach the
 * file, brk growth and shrinking, and the errors for bad arguments. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc < 2) { fprintf(stderr, "usage: mmap FILE\n"); return 2; }
	long pg = sysconf(_SC_PAGESIZE);
	unsigned char *a = mmap(NULL, 8 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int zero = 1;
	for (long i = 0; i < 8 * pg; i++) if (a[i]) zero = 0;
	printf("anonymous mapping zero-filled %d, page aligned %d\n", zero, ((uintptr_t)a & (uintptr_t)(pg - 1)) == 0);
	for (long i = 0; i < 8 * pg; i++) a[i] = (unsigned char)(i / pg + 1);
	printf("munmap middle page: %d\n", munmap(a + 3 * pg, pg));
	printf("neighbours intact: %d %d\n", a[2 * pg + 5], a[4 * pg]);
	printf("mprotect read-only: %d, read still works: %d\n", mprotect(a, pg, PROT_READ), a[10]);
	unsigned char *b = mremap(a + 4 * pg, 4 * pg, 64 * pg, MREMAP_MAYMOVE);
	printf("mremap grew: %d, contents kept: %d %d, new part zero: %d\n", b != MAP_FAILED, b[0], b[4 * pg - 1], b[40 * pg]);
	unsigned char *f = mmap(b + 8 * pg, 2 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	printf("MAP_FIXED placed where asked: %d, zeroed %d, neighbour %d\n", f == b + 8 * pg, f[0], b[7 * pg]);
	munmap(b, 64 * pg);
	munmap(a, 3 * pg);

	int fd = open(argv[1], O_RDONLY);
	if (fd < 0) { printf("open %s: %s\n", argv[1], strerror(errno)); return 1; }
	off_t size = lseek(fd, 0, SEEK_END);
	char *m = mmap(NULL, (size_t)size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	printf("file mapping of %ld bytes: %.19s|\n", (long)size, m);
	m[0] = 'F';
	char first; pread(fd, &first, 1, 0);
	printf("private write is private: mapped %c, file %c; byte past EOF in page: %d\n", m[0], first, m[size]);
	munmap(m, (size_t)size);
	close(fd);

	/* The break, with the raw system call (musl's sbrk only reports it). */
	char *brk0 = (char *)syscall(SYS_brk, 0);
	char *brk1 = (char *)syscall(SYS_brk, brk0 + 3 * pg);
	printf("brk moved by 3 pages: %d\n", brk1 - brk0 == 3 * pg);
	memset(brk0, 0x5a, 3 * pg);
	char *brk2 = (char *)syscall(SYS_brk, brk0 + 2 * pg);
	printf("shrunk by one page: %d\n", brk2 - brk0 == 2 * pg);
	char *brk3 = (char *)syscall(SYS_brk, (char *)16);
	printf("brk below the start is refused (returns the current break): %d\n", brk3 == brk2);

	errno = 0;
	printf("mmap length 0: %s\n", mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == MAP_FAILED ? strerror(errno) : "ok");
	printf("munmap unaligned: %s\n", munmap(brk0 + 1, pg) == -1 ? strerror(errno) : "ok");
	printf("mmap bad fd: %s\n", mmap(NULL, pg, PROT_READ, MAP_PRIVATE, 99, 0) == MAP_FAILED ? strerror(errno) : "ok");
	return 0;
}
