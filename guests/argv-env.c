/* The command line and the environment: argc/argv (with spaces, UTF-8 and an empty
 * argument), envp (sorted), getenv, setenv/unsetenv/putenv, and the auxiliary vector entries
 * that are the same on every i386 Linux (AT_PAGESZ, AT_CLKTCK, AT_PHENT, AT_SECURE). */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <unistd.h>

extern char **environ;

static int cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

int main(int argc, char **argv, char **envp)
{
	printf("argc=%d\n", argc);
	for (int i = 0; i < argc; i++) printf("argv[%d]=[%s] len=%zu\n", i, argv[i], strlen(argv[i]));
	printf("argv[argc] is NULL: %d\n", argv[argc] == NULL);
	/* Printed sorted: qemu-user hands the environment to the guest in reverse order. */
	int n = 0;
	for (char **e = envp; *e; e++) n++;
	char **sorted = malloc((size_t)n * sizeof *sorted);
	memcpy(sorted, envp, (size_t)n * sizeof *sorted);
	qsort(sorted, (size_t)n, sizeof *sorted, cmp);
	for (int i = 0; i < n; i++) printf("env (sorted) %s\n", sorted[i]);
	free(sorted);
	printf("environ == envp: %d\n", environ == envp);
	printf("HOME=%s\n", getenv("HOME") ? getenv("HOME") : "(unset)");
	printf("MISSING=%s\n", getenv("MISSING") ? getenv("MISSING") : "(unset)");
	setenv("NEWVAR", "one", 0);
	setenv("NEWVAR", "two", 0);
	printf("NEWVAR=%s\n", getenv("NEWVAR"));
	setenv("NEWVAR", "three", 1);
	printf("NEWVAR=%s\n", getenv("NEWVAR"));
	unsetenv("HOME");
	printf("HOME after unsetenv=%s\n", getenv("HOME") ? getenv("HOME") : "(unset)");
	static char pe[] = "PUT=env";
	putenv(pe);
	printf("PUT=%s\n", getenv("PUT"));
	n = 0;
	for (char **e = environ; *e; e++) n++;
	printf("environ now has %d entries\n", n);
	printf("AT_PAGESZ=%lu AT_CLKTCK=%lu AT_PHENT=%lu AT_SECURE=%lu\n",
		getauxval(AT_PAGESZ), getauxval(AT_CLKTCK), getauxval(AT_PHENT), getauxval(AT_SECURE));
	printf("AT_RANDOM present: %d, AT_EXECFN=%s\n", getauxval(AT_RANDOM) != 0, (const char *)getauxval(AT_EXECFN));
	printf("sysconf(_SC_PAGESIZE)=%ld\n", sysconf(_SC_PAGESIZE));
	return argc;
}
