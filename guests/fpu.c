/* Floating-point arithmetic without the math library's help: float, double and long double
 * (80-bit x87) arithmetic, conversions between integers and floats (including 64-bit and
 * unsigned), rounding modes via fesetround with rint and nearbyint, exception flags, comparison
 * with NaN, and a series that accumulates rounding error the same way every time. */
#define _DEFAULT_SOURCE
#include <fenv.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>

static volatile double vd = 1.0;
static volatile float vf = 3.0f;
static volatile long double vl = 1.0L;

int main(void)
{
	printf("float 1/3 %.9g, double 1/3 %.17g, long double 1/3 %.21Lg\n", (double)(1.0f / vf), vd / 3, vl / 3);
	printf("sizeof long double %zu, LDBL_MANT_DIG %d, LDBL_EPSILON %Lg\n", sizeof(long double), LDBL_MANT_DIG, LDBL_EPSILON);
	long double big = 1e4000L;
	printf("long double range: %Lg %Lg %La\n", big, 1 / big, vl / 7);
	volatile double a = 0.1, b = 0.2;
	printf("0.1+0.2 == 0.3: %d (%.17g)\n", a + b == 0.3, a + b);
	/* Conversions. */
	volatile double d = -2.75;
	volatile int64_t i64 = -9007199254740993LL;
	volatile uint64_t u64 = 18446744073709551615ULL;
	volatile uint32_t u32 = 4294967295u;
	printf("(int)%g=%d (long long)%g=%lld (unsigned)%g=%u\n", d, (int)d, 1e18, (long long)1e18, 3e9, (unsigned)3e9);
	printf("i64->double %.17g, u64->double %.17g, u32->double %.17g, u64->float %.9g\n", (double)i64, (double)u64, (double)u32, (double)(float)u64);
	printf("double->u64 %llu, ld->i64 %lld\n", (unsigned long long)1.8e19, (long long)(vl * 123456789012345678.0L));
	/* Rounding modes. */
	int modes[] = { FE_TONEAREST, FE_DOWNWARD, FE_UPWARD, FE_TOWARDZERO };
	const char *names[] = { "nearest", "down", "up", "zero" };
	for (int m = 0; m < 4; m++) {
		fesetround(modes[m]);
		volatile double x = 2.5, y = -3.5, one = 1.0, three = 3.0;
		printf("%-7s rint(2.5)=%g rint(-3.5)=%g nearbyint(0.5)=%g lrint(7.5)=%ld 1/3=%.17g\n",
			names[m], rint(x), rint(y), nearbyint(0.5 * one), lrint(7.5 * one), one / three);
	}
	fesetround(FE_TONEAREST);
	printf("fegetround is nearest: %d\n", fegetround() == FE_TONEAREST);
	/* Exception flags. */
	feclearexcept(FE_ALL_EXCEPT);
	volatile double zero = 0.0, one = 1.0, huge = 1e308;
	volatile double r = one / zero;
	printf("1/0=%g FE_DIVBYZERO=%d\n", r, fetestexcept(FE_DIVBYZERO) != 0);
	feclearexcept(FE_ALL_EXCEPT);
	r = huge * 10;
	printf("overflow %g FE_OVERFLOW=%d FE_INEXACT=%d\n", r, fetestexcept(FE_OVERFLOW) != 0, fetestexcept(FE_INEXACT) != 0);
	feclearexcept(FE_ALL_EXCEPT);
	r = zero / zero;
	printf("0/0 is nan %d FE_INVALID=%d\n", isnan(r), fetestexcept(FE_INVALID) != 0);
	volatile double nan = r;
	printf("nan comparisons: < %d > %d == %d != %d\n", nan < 1, nan > 1, nan == nan, nan != nan);
	/* A deterministic accumulation: harmonic series and a logistic map. */
	float hf = 0; double hd = 0; long double hl = 0;
	for (int k = 1; k <= 100000; k++) { hf += 1.0f / k; hd += 1.0 / k; hl += 1.0L / k; }
	printf("harmonic(100000): float %.9g double %.17g long double %.21Lg\n", (double)hf, hd, hl);
	double xm = 0.3;
	for (int k = 0; k < 1000; k++) xm = 3.9 * xm * (1 - xm);
	printf("logistic map after 1000 steps %.17g\n", xm);
	printf("fmod-free remainder %.17g, sqrt via x87 %.17g\n", 10.5 - 3 * (int)(10.5 / 3), sqrt(vd * 2));
	return 0;
}
