/* Path escapes and writes where the guest may not write: each argument is one operation,
 * OP:PATH[:PATH2], run in order, one result line each ("OP PATH: ok ..." or "OP PATH: ENAME").
 * The isolation suite points them at `..` chains, symlinks inside a mount that lead to /etc or
 * up out of it, and read-only mounts. Without arguments it prints its usage and exits 2.
 *   cat ls write append rdwr mkdir rmdir rm mv ln (symlink TARGET:LINK) link chmod trunc
 *   readlink stat utime cd up (chdir("..") PATH times, then print the cwd) */
#include "hostile.h"
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <utime.h>

static int cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static void ls(const char *path)
{
	DIR *d = opendir(path);
	if (!d) { printf("ls %s: %s\n", path, errname(errno)); return; }
	char *names[256];
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d)) && n < 256) {
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) names[n++] = strdup(e->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof names[0], cmp);
	printf("ls %s:", path);
	for (int i = 0; i < n; i++) printf(" %s", names[i]);
	printf("\n");
}

static void cat(const char *path)
{
	int fd = open(path, O_RDONLY);
	if (fd < 0) { printf("cat %s: %s\n", path, errname(errno)); return; }
	char buf[61] = { 0 };
	long n = read(fd, buf, 60);
	close(fd);
	if (n < 0) { printf("cat %s: read %s\n", path, errname(errno)); return; }
	buf[n] = 0;
	char *nl = strchr(buf, '\n');
	if (nl) *nl = 0;
	printf("cat %s: ok %s\n", path, buf);
}

static void result(const char *op, const char *path, long r)
{
	printf("%s %s: %s\n", op, path, r < 0 ? errname(errno) : "ok");
}

static void writefile(const char *op, const char *path, int flags)
{
	int fd = open(path, flags, 0644);
	if (fd < 0) { result(op, path, -1); return; }
	long n = write(fd, "pwned\n", 6);
	close(fd);
	result(op, path, n);
}

static void one(char *arg)
{
	char *op = arg, *a = strchr(arg, ':'), *b = 0;
	if (!a) { printf("%s: bad operation\n", arg); return; }
	*a++ = 0;
	if (!strcmp(op, "mv") || !strcmp(op, "ln") || !strcmp(op, "link")) {
		b = strchr(a, ':');
		if (!b) { printf("%s %s: needs two paths\n", op, a); return; }
		*b++ = 0;
	}
	char buf[256];
	struct stat st;
	if (!strcmp(op, "cat")) cat(a);
	else if (!strcmp(op, "ls")) ls(a);
	else if (!strcmp(op, "write")) writefile(op, a, O_WRONLY | O_CREAT | O_TRUNC);
	else if (!strcmp(op, "append")) writefile(op, a, O_WRONLY | O_APPEND);
	else if (!strcmp(op, "rdwr")) writefile(op, a, O_RDWR);
	else if (!strcmp(op, "mkdir")) result(op, a, mkdir(a, 0755));
	else if (!strcmp(op, "rmdir")) result(op, a, rmdir(a));
	else if (!strcmp(op, "rm")) result(op, a, unlink(a));
	else if (!strcmp(op, "mv")) result(op, a, rename(a, b));
	else if (!strcmp(op, "ln")) result(op, b, symlink(a, b));
	else if (!strcmp(op, "link")) result(op, b, link(a, b));
	else if (!strcmp(op, "chmod")) result(op, a, chmod(a, 0777));
	else if (!strcmp(op, "trunc")) result(op, a, truncate(a, 0));
	else if (!strcmp(op, "utime")) result(op, a, utime(a, 0));
	else if (!strcmp(op, "cd")) result(op, a, chdir(a));
	else if (!strcmp(op, "stat")) {
		if (stat(a, &st) < 0) result(op, a, -1);
		else printf("stat %s: ok %s\n", a, S_ISDIR(st.st_mode) ? "dir" : S_ISLNK(st.st_mode) ? "link" : "file");
	} else if (!strcmp(op, "readlink")) {
		long n = readlink(a, buf, sizeof buf - 1);
		if (n < 0) result(op, a, -1);
		else { buf[n] = 0; printf("readlink %s: ok %s\n", a, buf); }
	} else if (!strcmp(op, "up")) {
		for (int i = atoi(a); i > 0; i--) chdir("..");
		printf("up %s: %s\n", a, getcwd(buf, sizeof buf) ? buf : errname(errno));
	} else printf("%s: unknown operation\n", op);
	fflush(stdout);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: hostile-fs OP:PATH[:PATH2]...\n");
		return 2;
	}
	for (int i = 1; i < argc; i++) one(argv[i]);
	return 0;
}
