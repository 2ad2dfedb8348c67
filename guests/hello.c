/* The first vxts guest: prints a greeting and its command line, then exits 0.
 * Built static for i386 with musl and with glibc by guests/Makefile; it exercises
 * startup code, write(2) through stdio, and exit_group(2). */
#include <stdio.h>

int main(int argc, char **argv)
{
	printf("hello from vxts guest\n");
	printf("argc=%d\n", argc);
	for (int i = 0; i < argc; i++)
		printf("argv[%d]=%s\n", i, argv[i]);
	return 0;
}
