/* The math library: trigonometric, exponential, logarithmic, power, rounding and
 * classification functions over a fixed table of arguments, printed with %.17g so the last
 * bit shows. glibc's i386 libm uses x87 instructions (fsin, fpatan, fyl2x, f2xm1, fscale ...);
 * musl's uses a mix of x87 and C. */
#define _DEFAULT_SOURCE
#include <math.h>
#include <stdio.h>

static const double args[] = { 0.0, 0.5, 1.0, -1.0, 2.0, 3.14159265358979323846, 10.0, -2.5, 100.0, 1e-8, 0.7853981633974483 };

int main(void)
{
	unsigned n = sizeof args / sizeof args[0];
	for (unsigned i = 0; i < n; i++) {
		double x = args[i];
		printf("x=%.17g\n", x);
		printf("  sin %.17g cos %.17g tan %.17g\n", sin(x), cos(x), tan(x));
		printf("  atan %.17g atan2 %.17g sinh %.17g cosh %.17g tanh %.17g\n", atan(x), atan2(x, 1.5), sinh(x), cosh(x), tanh(x));
		printf("  exp %.17g expm1 %.17g exp2 %.17g\n", exp(x), expm1(x), exp2(x));
		double ax = fabs(x) + 0.25;
		printf("  log %.17g log10 %.17g log2 %.17g log1p %.17g\n", log(ax), log10(ax), log2(ax), log1p(ax));
		printf("  sqrt %.17g cbrt %.17g pow %.17g pow2 %.17g hypot %.17g\n", sqrt(ax), cbrt(x), pow(ax, 1.7), pow(x, 3.0), hypot(x, 3.0));
		printf("  floor %g ceil %g round %g trunc %g rint %g lround %ld fmod %.17g\n", floor(x), ceil(x), round(x), trunc(x), rint(x), lround(x), fmod(x, 0.75));
		if (fabs(x) <= 1.0)
			printf("  asin %.17g acos %.17g\n", asin(x), acos(x));
	}
	int e;
	double m = frexp(1234.5, &e);
	printf("frexp %.17g %d ldexp %.17g modf ", m, e, ldexp(m, e));
	double ip, fp = modf(-3.75, &ip);
	printf("%g %g\n", ip, fp);
	printf("specials: sqrt(-1) is nan %d, log(0) %g, exp(1000) %g, pow(0,0) %g, atan2(0,-1) %.17g\n",
		isnan(sqrt(-1.0)), log(0.0), exp(1000.0), pow(0.0, 0.0), atan2(0.0, -1.0));
	printf("classify: %d %d %d %d %d\n", fpclassify(0.0) == FP_ZERO, fpclassify(1.0) == FP_NORMAL,
		fpclassify(1e-310) == FP_SUBNORMAL, fpclassify(INFINITY) == FP_INFINITE, fpclassify(NAN) == FP_NAN);
	printf("float: sinf %.9g expf %.9g sqrtf %.9g powf %.9g\n", (double)sinf(1.0f), (double)expf(2.0f), (double)sqrtf(2.0f), (double)powf(2.0f, 0.5f));
	/* A small numeric workload: integrate sin on [0, pi] with Simpson's rule. */
	double h = 3.14159265358979323846 / 1000, s = 0;
	for (int i = 0; i <= 1000; i++)
		s += (i == 0 || i == 1000 ? 1 : (i % 2 ? 4 : 2)) * sin(i * h);
	printf("simpson %.15f\n", s * h / 3);
	return 0;
}
