/* Time: the clocks must be sane and consistent with each other, but their values differ from
 * run to run, so only checks and differences are printed. time(), gettimeofday(),
 * clock_gettime() on REALTIME/MONOTONIC/PROCESS_CPUTIME, clock_getres, nanosleep advancing the
 * monotonic clock, clock(); and calendar conversion of fixed instants (gmtime, timegm,
 * strftime), which is deterministic. */
#define _DEFAULT_SOURCE
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

static double ts(struct timespec t) { return t.tv_sec + t.tv_nsec / 1e9; }

int main(void)
{
	time_t now = time(NULL);
	printf("time() after 2020: %d\n", now > 1577836800);
	struct timeval tv; gettimeofday(&tv, NULL);
	printf("gettimeofday within 2s of time(): %d, usec in range: %d\n", tv.tv_sec - now >= 0 && tv.tv_sec - now <= 2, tv.tv_usec >= 0 && tv.tv_usec < 1000000);
	struct timespec r, m1, m2, res;
	clock_gettime(CLOCK_REALTIME, &r);
	printf("realtime within 2s of time(): %d, nsec in range: %d\n", r.tv_sec - now >= 0 && r.tv_sec - now <= 2, r.tv_nsec >= 0 && r.tv_nsec < 1000000000);
	clock_getres(CLOCK_MONOTONIC, &res);
	printf("monotonic resolution at most 1ms: %d\n", res.tv_sec == 0 && res.tv_nsec > 0 && res.tv_nsec <= 1000000);
	clock_gettime(CLOCK_MONOTONIC, &m1);
	int nondecreasing = 1;
	for (int i = 0; i < 1000; i++) {
		clock_gettime(CLOCK_MONOTONIC, &m2);
		if (ts(m2) < ts(m1)) nondecreasing = 0;
		m1 = m2;
	}
	printf("monotonic never goes back: %d\n", nondecreasing);
	struct timespec req = { 0, 30 * 1000 * 1000 }, rem = { 9, 9 };
	clock_gettime(CLOCK_MONOTONIC, &m1);
	int rc = nanosleep(&req, &rem);
	clock_gettime(CLOCK_MONOTONIC, &m2);
	double slept = ts(m2) - ts(m1);
	printf("nanosleep(30ms) returned %d, monotonic advanced >= 30ms: %d, < 5s: %d\n", rc, slept >= 0.030, slept < 5);
	struct timespec c1, c2;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c1);
	volatile unsigned long x = 0;
	for (unsigned long i = 0; i < 300000; i++) x += i ^ (x >> 3);
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c2);
	printf("cpu time does not go back: %d\n", ts(c2) >= ts(c1));
	printf("clock() non-negative: %d\n", clock() >= 0);

	static const time_t fixed[] = { 0, 951782400, 1234567890, 2147483647, -86400, 1709210096 };
	char buf[128];
	for (unsigned i = 0; i < sizeof fixed / sizeof fixed[0]; i++) {
		struct tm tm;
		gmtime_r(&fixed[i], &tm);
		strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S %a %b %j %U %w", &tm);
		printf("%ld -> %s yday=%d back=%ld\n", (long)fixed[i], buf, tm.tm_yday, (long)timegm(&tm));
	}
	struct tm t = { .tm_year = 124, .tm_mon = 1, .tm_mday = 29 + 1, .tm_hour = 25 };
	time_t norm = timegm(&t);
	printf("normalised: %ld %04d-%02d-%02d %02d:00 wday=%d\n", (long)norm, t.tm_year + 1900, t.tm_mon + 1, t.tm_mday, t.tm_hour, t.tm_wday);
	printf("difftime %.1f\n", difftime((time_t)100, (time_t)40));
	return 0;
}
