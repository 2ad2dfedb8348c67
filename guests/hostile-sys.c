/* System calls handed pointers the guest does not own: each must fail with EFAULT (or read or
 * write only the bytes that are the guest's) and never touch host memory. Raw system calls
 * (syscall(2)), so no C library check stands in front. Modes:
 *   (none)       the suite with NULL, an unmapped page, a PROT_NONE page and 0xfffff000, plus
 *                paths that run into an unmapped page or past PATH_MAX
 *   ptr ADDR     the suite with ADDR
 *   end ADDR     buffers straddling ADDR, the first address past the guest's memory: the last
 *                bytes before it are the guest's (the top of its stack), the rest is not */
#include "hostile.h"
#include <fcntl.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <time.h>

static char self[256];

static void check(const char *call, const char *what, long r)
{
	if (r < 0) printf("%s %s: %s\n", call, what, errname(errno));
	else printf("%s %s: %ld\n", call, what, r);
	fflush(stdout);
}

/* A pipe holding `n` bytes; returns its read end (the write end stays open). */
static int filled_pipe(int n, int *wr)
{
	int p[2];
	pipe(p);
	write(p[1], "0123456789abcdef", n);
	*wr = p[1];
	return p[0];
}

static void suite(const char *what, long bad)
{
	int w, r = filled_pipe(16, &w);
	char *ok_argv[] = { self, 0 };
	char *bad_argv[] = { (char *)bad, 0 };
	struct iovec iov = { (void *)bad, 8 };
	char buf[64];
	char st[256];
	check("write", what, syscall(SYS_write, w, bad, 8));
	check("read", what, syscall(SYS_read, r, bad, 8));
	check("writev iov", what, syscall(SYS_writev, w, bad, 1));
	check("writev base", what, syscall(SYS_writev, w, &iov, 1));
	check("open", what, syscall(SYS_open, bad, O_RDONLY));
	check("stat path", what, syscall(SYS_stat64, bad, st));
	check("stat buf", what, syscall(SYS_stat64, ".", bad));
	check("execve path", what, syscall(SYS_execve, bad, ok_argv, 0));
	/* A NULL argv, argv[0] or envp is an empty list (the exec would succeed): only real addresses. */
	if (bad != 0) check("execve argv", what, syscall(SYS_execve, self, bad, 0));
	if (bad != 0) check("execve argv[0]", what, syscall(SYS_execve, self, bad_argv, 0));
	if (bad != 0) check("execve envp", what, syscall(SYS_execve, self, ok_argv, bad));
	check("uname", what, syscall(SYS_uname, bad));
	check("clock_gettime", what, syscall(SYS_clock_gettime32, CLOCK_MONOTONIC, bad));
	check("pipe", what, syscall(SYS_pipe, bad));
	check("getcwd", what, syscall(SYS_getcwd, bad, sizeof buf));
	check("rt_sigaction", what, syscall(SYS_rt_sigaction, SIGUSR1, bad, 0, 8));
	int d = open(".", O_RDONLY | O_DIRECTORY);
	check("getdents64", what, syscall(SYS_getdents64, d, bad, 4096));
	close(d);
	close(r);
	close(w);
}

/* Paths the kernel must stop reading: into an unmapped page, and past PATH_MAX. */
static void paths(void)
{
	char *p = mmap(0, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	munmap(p + 4096, 4096);
	memset(p, 'a', 4096);
	check("open", "path into unmapped page", syscall(SYS_open, p + 4000, O_RDONLY));
	char *q = mmap(0, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	memset(q, 'b', 8192);
	q[8191] = 0;
	check("open", "path longer than PATH_MAX", syscall(SYS_open, q, O_RDONLY));
	q[4095] = 0;
	check("open", "path of 4095 bytes", syscall(SYS_open, q, O_RDONLY));
}

/* Straddling `end`: the guest's last bytes are below it. */
static void straddle(long end)
{
	char *top = (char *)(end - 4);
	memcpy(top, "WXYZ", 4);
	int fd = open("/tmp/hostile-sys.out", O_RDWR | O_CREAT | O_TRUNC, 0600);
	check("write", "straddling end", syscall(SYS_write, fd, top, 8));
	char back[16] = { 0 };
	pread(fd, back, sizeof back - 1, 0);
	printf("file holds: %s\n", back);
	pwrite(fd, "0123456789abcdef", 16, 0);
	lseek(fd, 0, SEEK_SET);
	check("read", "straddling end", syscall(SYS_read, fd, top, 8));
	printf("top holds: %.4s\n", top);
	close(fd);
	memcpy(top, "/abc", 4);
	check("open", "path running past end", syscall(SYS_open, top, O_RDONLY));
	char *st = (char *)(end - 8);
	check("stat buf", "straddling end", syscall(SYS_stat64, ".", st));
	check("clock_gettime", "straddling end", syscall(SYS_clock_gettime32, CLOCK_MONOTONIC, end - 4));
	char **argv = (char **)(end - 4);
	argv[0] = self;
	check("execve argv", "straddling end", syscall(SYS_execve, self, argv, 0));
	check("uname", "straddling end", syscall(SYS_uname, end - 100));
	memcpy(top, "\0\0\0\0", 4);
}

int main(int argc, char **argv)
{
	snprintf(self, sizeof self, "%s", argv[0]);
	const char *m = argc > 1 ? argv[1] : "";
	if (!strcmp(m, "ptr") && argc == 3) { suite(argv[2], (long)strtoul(argv[2], 0, 0)); return 0; }
	if (!strcmp(m, "end") && argc == 3) { straddle((long)strtoul(argv[2], 0, 0)); return 0; }
	if (argc > 1) {
		fprintf(stderr, "usage: hostile-sys [ptr ADDR | end ADDR]\n");
		return 2;
	}
	char *hole = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	munmap(hole, 4096);
	char *none = mmap(0, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	suite("NULL", 0);
	suite("unmapped", (long)hole);
	suite("PROT_NONE", (long)none);
	suite("0xfffff000", (long)0xfffff000UL);
	paths();
	return 0;
}
