/* File I/O in a directory given as argv[1] (relative to the working directory): reads a data
 * file with stdio and with read(2), creates, writes, appends, seeks, preads/pwrites, truncates,
 * renames and removes files, makes and removes a directory, and reports the errors of
 * operations that must fail. Leaves the directory as it found it. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[256];
static const char *at(const char *name) { static char p[2][512]; static int k; k ^= 1; snprintf(p[k], sizeof p[k], "%s/%s", dir, name); return p[k]; }
#define CHECK(x) do { if ((x) < 0) { printf("FAILED: %s: %s\n", #x, strerror(errno)); return 1; } } while (0)

int main(int argc, char **argv)
{
	if (argc < 2) { fprintf(stderr, "usage: fileio DIR\n"); return 2; }
	snprintf(dir, sizeof dir, "%s", argv[1]);
	umask(022); /* the mode printed below must not depend on the caller's umask */

	FILE *f = fopen(at("input.txt"), "r");
	if (!f) { printf("cannot open input.txt: %s\n", strerror(errno)); return 1; }
	char line[256]; int lines = 0; unsigned long chars = 0;
	while (fgets(line, sizeof line, f)) { lines++; chars += strlen(line); if (lines <= 3) printf("line %d: %s", lines, line); }
	printf("input.txt: %d lines, %lu chars\n", lines, chars);
	fclose(f);

	int fd = open(at("scratch.bin"), O_CREAT | O_TRUNC | O_RDWR, 0644);
	CHECK(fd);
	unsigned char block[1000];
	for (int i = 0; i < 1000; i++) block[i] = (unsigned char)(i * 7);
	for (int i = 0; i < 50; i++) CHECK(write(fd, block, sizeof block));
	struct stat st; CHECK(fstat(fd, &st));
	printf("scratch.bin size %lld regular %d mode %o\n", (long long)st.st_size, S_ISREG(st.st_mode), (unsigned)(st.st_mode & 0777));
	long end = (long)lseek(fd, 0, SEEK_END);
	long set = (long)lseek(fd, 12345, SEEK_SET);
	long cur = (long)lseek(fd, -45, SEEK_CUR);
	printf("lseek end %ld, set %ld, cur %ld\n", end, set, cur);
	unsigned char got[16];
	CHECK(read(fd, got, 16));
	printf("read at 12300: %u %u %u\n", got[0], got[1], got[15]);
	CHECK(pwrite(fd, "HELLO", 5, 100));
	CHECK(pread(fd, got, 8, 98));
	printf("pread: %u %u [%.5s] %u\n", got[0], got[1], got + 2, got[7]);
	printf("position after pread/pwrite %ld\n", (long)lseek(fd, 0, SEEK_CUR));
	CHECK(ftruncate(fd, 777));
	CHECK(fstat(fd, &st));
	printf("after ftruncate size %lld\n", (long long)st.st_size);
	/* A sparse extension reads back zeros. */
	CHECK(lseek(fd, 5000, SEEK_SET));
	CHECK(write(fd, "end", 3));
	CHECK(pread(fd, got, 4, 4000));
	printf("hole bytes %u %u %u %u\n", got[0], got[1], got[2], got[3]);
	CHECK(close(fd));

	/* stdio writing, appending, and reading back. */
	f = fopen(at("notes.txt"), "w");
	for (int i = 0; i < 5; i++) fprintf(f, "note %d: %s\n", i, i % 2 ? "odd" : "even");
	fclose(f);
	f = fopen(at("notes.txt"), "a");
	fputs("appended\n", f);
	fclose(f);
	fd = open(at("notes.txt"), O_WRONLY | O_APPEND);
	CHECK(fd); CHECK(write(fd, "raw append\n", 11)); close(fd);
	f = fopen(at("notes.txt"), "r");
	while (fgets(line, sizeof line, f)) printf("notes: %s", line);
	fclose(f);

	CHECK(rename(at("notes.txt"), at("renamed.txt")));
	printf("old name: %s\n", access(at("notes.txt"), F_OK) == 0 ? "exists" : strerror(errno));
	printf("new name: %s\n", access(at("renamed.txt"), R_OK) == 0 ? "readable" : strerror(errno));
	CHECK(mkdir(at("subdir"), 0755));
	printf("mkdir again: %s\n", mkdir(at("subdir"), 0755) == 0 ? "ok" : strerror(errno));
	fd = open(at("subdir/inner"), O_CREAT | O_WRONLY | O_EXCL, 0600);
	CHECK(fd); close(fd);
	printf("O_EXCL again: %s\n", open(at("subdir/inner"), O_CREAT | O_WRONLY | O_EXCL, 0600) >= 0 ? "ok" : strerror(errno));
	printf("rmdir non-empty: %s\n", rmdir(at("subdir")) == 0 ? "ok" : strerror(errno));
	CHECK(unlink(at("subdir/inner")));
	CHECK(rmdir(at("subdir")));
	CHECK(unlink(at("renamed.txt")));
	CHECK(unlink(at("scratch.bin")));
	printf("open missing: %s\n", open(at("no-such-file"), O_RDONLY) >= 0 ? "ok" : strerror(errno));
	printf("open dir for writing: %s\n", open(dir, O_WRONLY) >= 0 ? "ok" : strerror(errno));
	printf("unlink missing: %s\n", unlink(at("no-such-file")) == 0 ? "ok" : strerror(errno));
	printf("read bad fd: %s\n", read(99, line, 1) >= 0 ? "ok" : strerror(errno));
	char cwd[4096];
	printf("getcwd ok: %d\n", getcwd(cwd, sizeof cwd) != NULL);
	CHECK(chdir(dir));
	printf("after chdir, input.txt readable: %d\n", access("input.txt", R_OK) == 0);
	return 0;
}
