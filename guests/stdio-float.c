/* stdio and formatted floating point: printf's %f %e %g %a (and their upper-case, width,
 * precision and flag forms) over ordinary values, powers of ten, tiny and huge numbers,
 * subnormals, infinities, NaN and negative zero; snprintf truncation; strtod and sscanf
 * round trips. Exercises the x87 (musl and glibc format doubles with it on i386). */
#define _DEFAULT_SOURCE
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const double values[] = {
	0.0, 1.0, -1.0, 0.5, 0.1, 1.0 / 3.0, 2.0 / 3.0, 3.14159265358979323846, 2.718281828459045,
	100.0, 1e10, 123456789.125, 1e-5, 1.5e-300, 1.7976931348623157e308, 2.2250738585072014e-308,
	4.9406564584124654e-324, 9.5, 10.5, 0.125, 1e21, 1e22, 1e23, 5e-324, 65536.0, -273.15,
};

int main(void)
{
	char buf[128];
	unsigned n = sizeof values / sizeof values[0];
	for (unsigned i = 0; i < n; i++) {
		double v = values[i];
		printf("[%u] %f | %.3f | %e | %.10e | %g | %.17g | %a | %.3a\n", i, v, v, v, v, v, v, v, v);
		printf("    %12.4f|%-12.2e|%+g|% G|%#g|%010.3f|%E|%A\n", v, v, v, v, v, v, v, v);
	}
	double special[] = { INFINITY, -INFINITY, NAN, -0.0 };
	for (unsigned i = 0; i < 4; i++) {
		double v = special[i];
		printf("special %f %e %g %a %F %E %G %A %5.1f|\n", v, v, v, v, v, v, v, v, v);
	}
	float f = 1.1f;
	printf("float %f %.9g %a\n", f, f, f);
	printf("rounding %.0f %.0f %.0f %.0f %.1f %.2f\n", 0.5, 1.5, 2.5, -0.5, 0.05, 1.005);
	printf("precision %.30f\n%.40e\n", 0.1, 1.0 / 7.0);
	printf("big %.0f\n", 1e300);
	printf("ints %d %5d|%-5d|%05d %x %X %o %#x %lld %llu %hhd %zu %%\n",
		42, -42, 7, 123, 0xdeadbeefu, 0xcafeu, 511u, 255u, -9000000000000LL, 18446744073709551615ULL,
		(char)300, sizeof(double));
	printf("strings [%s] [%10s] [%-10s] [%.3s] [%c]\n", "abc", "right", "left", "truncate", 'Z');

	int k = snprintf(buf, 10, "%f", 3.14159);
	printf("snprintf returned %d, buf=[%s]\n", k, buf);
	k = snprintf(NULL, 0, "%e|%g", 1e100, 1e-100);
	printf("snprintf(NULL) wants %d\n", k);

	const char *texts[] = { "0.1", "1e308", "1e309", "-1e-320", "0x1.8p3", "  42.5xyz", "nan", "-inf", "3.4028235e38", "2.5e-1" };
	for (unsigned i = 0; i < sizeof texts / sizeof texts[0]; i++) {
		char *end;
		double d = strtod(texts[i], &end);
		printf("strtod(%s) = %.17g %a rest=[%s]\n", texts[i], d, d, end);
	}
	float sf; double sd; int si; char word[16];
	int got = sscanf("2.5 -7.25e2 99 word", "%f %lf %d %15s", &sf, &sd, &si, word);
	printf("sscanf got %d: %g %g %d %s\n", got, sf, sd, si, word);

	/* Round trip: every value printed with %.17g reads back exactly. */
	int bad = 0;
	for (unsigned i = 0; i < n; i++) {
		snprintf(buf, sizeof buf, "%.17g", values[i]);
		if (strtod(buf, NULL) != values[i]) bad++;
		snprintf(buf, sizeof buf, "%a", values[i]);
		if (strtod(buf, NULL) != values[i]) bad++;
	}
	printf("round trip failures: %d\n", bad);
	printf("DBL_EPSILON %g DBL_MAX %g FLT_MIN %g\n", DBL_EPSILON, DBL_MAX, (double)FLT_MIN);
	fputs("stdio-float: done\n", stderr);
	return 0;
}
