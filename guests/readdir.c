/* Directory listing of argv[1]: opendir/readdir (names sorted, since directory order is the
 * file system's), d_type, stat of each entry, rewinddir, scandir with alphasort, a nested
 * walk, and the errors for a missing directory and a file opened as a directory. */
#define _DEFAULT_SOURCE
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static void list(const char *path, int depth)
{
	DIR *d = opendir(path);
	if (!d) { printf("%*sopendir %s: %s\n", depth * 2, "", path, strerror(errno)); return; }
	char *names[256]; int n = 0;
	struct dirent *e;
	while ((e = readdir(d)) && n < 256) names[n++] = strdup(e->d_name);
	closedir(d);
	qsort(names, n, sizeof names[0], cmp);
	for (int i = 0; i < n; i++) {
		char full[1024]; struct stat st;
		snprintf(full, sizeof full, "%s/%s", path, names[i]);
		if (lstat(full, &st) != 0) { printf("%*s%s: %s\n", depth * 2, "", names[i], strerror(errno)); continue; }
		const char *kind = S_ISDIR(st.st_mode) ? "dir" : S_ISREG(st.st_mode) ? "file" : S_ISLNK(st.st_mode) ? "link" : "other";
		if (S_ISDIR(st.st_mode)) printf("%*s%s/ (%s)\n", depth * 2, "", names[i], kind);
		else printf("%*s%s (%s, %lld bytes)\n", depth * 2, "", names[i], kind, (long long)st.st_size);
		if (S_ISDIR(st.st_mode) && strcmp(names[i], ".") && strcmp(names[i], "..")) list(full, depth + 1);
	}
	for (int i = 0; i < n; i++) free(names[i]);
}

int main(int argc, char **argv)
{
	if (argc < 2) { fprintf(stderr, "usage: readdir DIR\n"); return 2; }
	list(argv[1], 0);
	DIR *d = opendir(argv[1]);
	int first = 0, second = 0, typed = 0;
	struct dirent *e;
	while ((e = readdir(d))) { first++; if (e->d_type == DT_DIR || e->d_type == DT_REG) typed++; }
	rewinddir(d);
	while (readdir(d)) second++;
	closedir(d);
	printf("entries %d, again after rewinddir %d, with d_type DIR/REG %d\n", first, second, typed);
	struct dirent **list2;
	int n = scandir(argv[1], &list2, NULL, alphasort);
	printf("scandir: %d:", n);
	for (int i = 0; i < n; i++) { printf(" %s", list2[i]->d_name); free(list2[i]); }
	printf("\n");
	free(list2);
	char path[512];
	snprintf(path, sizeof path, "%s/does-not-exist", argv[1]);
	printf("missing: %s\n", opendir(path) ? "opened" : strerror(errno));
	snprintf(path, sizeof path, "%s/input.txt", argv[1]);
	printf("a file: %s\n", opendir(path) ? "opened" : strerror(errno));
	return 0;
}
