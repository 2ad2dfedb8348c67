/* Pipes and descriptors in one process: pipe round trips, a write larger than a read,
 * O_NONBLOCK reads of an empty pipe (EAGAIN), poll readiness before and after writes and
 * after the write end closes (POLLHUP), dup/dup2/fcntl(F_DUPFD), writing to a pipe with no
 * reader (EPIPE with SIGPIPE ignored), and FIONREAD. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

int main(void)
{
	int p[2];
	printf("pipe: %d\n", pipe(p));
	char buf[256];
	write(p[1], "abcdefghij", 10);
	int avail = -1; ioctl(p[0], FIONREAD, &avail);
	printf("FIONREAD %d\n", avail);
	printf("read 4: %zd [%.4s]\n", read(p[0], buf, 4), buf);
	printf("read rest: %zd [%.6s]\n", read(p[0], buf, sizeof buf), buf);
	fcntl(p[0], F_SETFL, fcntl(p[0], F_GETFL) | O_NONBLOCK);
	ssize_t r = read(p[0], buf, 1);
	printf("empty non-blocking read: %zd %s\n", r, r < 0 && errno == EAGAIN ? "EAGAIN" : "unexpected");
	struct pollfd pf[2] = { { p[0], POLLIN, 0 }, { p[1], POLLOUT, 0 } };
	int np = poll(pf, 2, 0);
	printf("poll empty: %d revents %#x %#x\n", np, pf[0].revents, pf[1].revents);
	write(p[1], "x", 1);
	np = poll(pf, 1, 0);
	printf("poll after write: %d revents %#x\n", np, pf[0].revents);
	int d = dup(p[1]);
	int d2 = fcntl(p[1], F_DUPFD, 20);
	printf("dup gives lowest free %d, F_DUPFD >= 20 gives %d\n", d, d2);
	write(d2, "yz", 2);
	close(p[1]); close(d);
	printf("read through the dup: %zd [%.3s]\n", read(p[0], buf, sizeof buf), buf);
	close(d2);
	pf[0].revents = 0;
	np = poll(pf, 1, 0);
	printf("poll after all writers closed: %d POLLHUP %d\n", np, (pf[0].revents & POLLHUP) != 0);
	printf("read at EOF: %zd\n", read(p[0], buf, 1));
	close(p[0]);

	pipe(p);
	signal(SIGPIPE, SIG_IGN);
	close(p[0]);
	r = write(p[1], "lost", 4);
	printf("write with no reader: %zd %s\n", r, r < 0 && errno == EPIPE ? "EPIPE" : "unexpected");
	close(p[1]);

	pipe(p);
	fcntl(p[1], F_SETFL, O_NONBLOCK);
	static char chunk[4096];
	long total = 0;
	for (;;) { r = write(p[1], chunk, sizeof chunk); if (r < 0) break; total += r; }
	printf("pipe capacity %ld (EAGAIN when full: %d)\n", total, errno == EAGAIN);
	long drained = 0;
	while ((r = read(p[0], buf, sizeof buf)) > 0) { drained += r; if (drained == total) break; }
	printf("drained %ld\n", drained);
	int same = dup2(p[0], p[0]) == p[0];
	int fifty = dup2(p[0], 50);
	printf("dup2 onto itself: %d, dup2 to 50: %d, F_GETFD of 50: %d\n", same, fifty, fcntl(50, F_GETFD));
	int c1 = close(50);
	int c2 = close(50);
	printf("close twice: %d then %d %s\n", c1, c2, strerror(errno));
	return 0;
}
