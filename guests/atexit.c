/* Exit paths: stdout fully buffered (it is a pipe or file in the tests) and stderr unbuffered,
 * setvbuf to line buffering, atexit handlers running in reverse order and flushing their own
 * output, and a non-zero exit status from exit(). */
#include <stdio.h>
#include <stdlib.h>

static void first(void) { printf("atexit: registered first, runs last\n"); }
static void second(void) { printf("atexit: registered second, runs second\n"); fprintf(stderr, "stderr from an atexit handler\n"); }
static void third(void) { printf("atexit: registered third, runs first\n"); }

int main(void)
{
	atexit(first);
	atexit(second);
	atexit(third);
	printf("stdout line 1\n");
	fprintf(stderr, "stderr line 1\n");
	printf("stdout line 2 (no newline yet)");
	fprintf(stderr, "stderr line 2\n");
	printf("...\n");
	fflush(stdout);
	setvbuf(stderr, NULL, _IOLBF, 0);
	fprintf(stderr, "stderr, line-buffered now\n");
	for (int i = 0; i < 3; i++) fprintf(stderr, "%d%s", i, i == 2 ? "\n" : " ");
	printf("exiting with status 42\n");
	exit(42);
}
