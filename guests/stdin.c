/* Standard input: reads it all with fgets, counts lines, words and bytes like wc, parses the
 * numbers it finds with sscanf, then checks that a further read gives EOF; writes a summary
 * to stdout and a note to stderr (unbuffered, so the order of the two streams is fixed per
 * stream). */
#define _DEFAULT_SOURCE
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(void)
{
	char line[1024];
	unsigned long lines = 0, words = 0, bytes = 0, hash = 5381;
	double numsum = 0; int nums = 0;
	while (fgets(line, sizeof line, stdin)) {
		lines++;
		bytes += strlen(line);
		int inword = 0;
		for (char *p = line; *p; p++) {
			hash = hash * 33 + (unsigned char)*p;
			if (isspace((unsigned char)*p)) inword = 0;
			else if (!inword) { inword = 1; words++; }
		}
		char *save, *tok = line;
		for (char *t; (t = strtok_r(tok, " \t\n", &save)); tok = NULL) {
			double v; char extra;
			if (sscanf(t, "%lf%c", &v, &extra) == 1) { numsum += v; nums++; }
		}
		printf("%3lu| %s", lines, line);
	}
	printf("lines %lu words %lu bytes %lu hash %lu\n", lines, words, bytes, hash);
	printf("numbers %d sum %g\n", nums, numsum);
	printf("feof %d, read after EOF returns %zd\n", feof(stdin) != 0, read(0, line, 10));
	fprintf(stderr, "stdin: %lu lines read\n", lines);
	return 0;
}
