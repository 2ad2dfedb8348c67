/* Network attempts from a guest (the isolation and network suites): sockets are denied unless
 * the embedder's policy allows them, and when allowed, TCP client sockets work through the
 * descriptor table. Modes (one per run; without one it prints its usage and exits 2):
 *   socket                  try every way of making a socket; print each result
 *   connect HOST PORT MSG   connect (libc: socketcall on i386), send MSG, half-close, print the reply
 *   raw HOST PORT MSG       the same through socketcall(2) (102), which older C libraries use
 *   nb HOST PORT            non-blocking connect: EINPROGRESS, poll for POLLOUT, SO_ERROR
 *   pair                    an AF_UNIX socket pair: data, EOF, EPIPE
 *   count HOST PORT         read until EOF; print the byte count and a checksum
 *   blast HOST PORT MB      send MB MiB, half-close, print what the server answers
 *   flip HOST PA PB N       N connects to PA while a forked child flips the port in a MAP_SHARED
 *                           page to PB; prints how many replies came from each server */
#include "hostile.h"
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>

/* socketcall(2): the call number and a pointer to its argument words. */
static long sc(int call, long a, long b, long c, long d, long e, long f)
{
	long args[6] = { a, b, c, d, e, f };
	return syscall(SYS_socketcall, call, args);
}

static socklen_t make_addr(const char *host, int port, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof *ss);
	if (strchr(host, ':')) {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;
		a->sin6_family = AF_INET6;
		a->sin6_port = htons(port);
		inet_pton(AF_INET6, host, &a->sin6_addr);
		return sizeof *a;
	}
	struct sockaddr_in *a = (struct sockaddr_in *)ss;
	a->sin_family = AF_INET;
	a->sin_port = htons(port);
	inet_pton(AF_INET, host, &a->sin_addr);
	return sizeof *a;
}

static void print_addr(const char *what, struct sockaddr_storage *ss)
{
	char text[64] = "?";
	int port = 0;
	if (ss->ss_family == AF_INET) {
		struct sockaddr_in *a = (struct sockaddr_in *)ss;
		inet_ntop(AF_INET, &a->sin_addr, text, sizeof text);
		port = ntohs(a->sin_port);
	} else if (ss->ss_family == AF_INET6) {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;
		inet_ntop(AF_INET6, &a->sin6_addr, text, sizeof text);
		port = ntohs(a->sin6_port);
	}
	printf("%s: %s %d\n", what, text, port);
}

/* Reads until EOF; prints what came. */
static void read_reply(int fd, int raw)
{
	char buf[4096];
	size_t n = 0;
	for (;;) {
		long r = raw ? sc(12 /* SYS_RECVFROM */, fd, (long)(buf + n), sizeof buf - 1 - n, 0, 0, 0) : read(fd, buf + n, sizeof buf - 1 - n);
		if (r < 0) { printf("read: %s\n", errname(errno)); return; }
		if (r == 0 || n + r >= sizeof buf - 1) { n += r; break; }
		n += r;
	}
	buf[n] = 0;
	printf("reply: %s\n", buf);
}

static int client(const char *host, int port, const char *msg, int raw)
{
	struct sockaddr_storage ss, got;
	socklen_t len = make_addr(host, port, &ss), glen = sizeof got;
	int fd = raw ? (int)sc(1 /* SYS_SOCKET */, ss.ss_family, SOCK_STREAM, 0, 0, 0, 0) : socket(ss.ss_family, SOCK_STREAM, 0);
	report("socket", fd);
	if (fd < 0) return 1;
	long r = raw ? sc(3 /* SYS_CONNECT */, fd, (long)&ss, len, 0, 0, 0) : connect(fd, (struct sockaddr *)&ss, len);
	report("connect", r);
	if (r < 0) return 1;
	r = raw ? sc(7 /* SYS_GETPEERNAME */, fd, (long)&got, (long)&glen, 0, 0, 0) : getpeername(fd, (struct sockaddr *)&got, &glen);
	if (r == 0) print_addr("peer", &got);
	else report("getpeername", r);
	glen = sizeof got;
	r = raw ? sc(6 /* SYS_GETSOCKNAME */, fd, (long)&got, (long)&glen, 0, 0, 0) : getsockname(fd, (struct sockaddr *)&got, &glen);
	printf("local family: %s\n", r == 0 && got.ss_family == ss.ss_family ? "same" : "other");
	r = raw ? sc(9 /* SYS_SEND */, fd, (long)msg, strlen(msg), MSG_NOSIGNAL, 0, 0) : send(fd, msg, strlen(msg), MSG_NOSIGNAL);
	printf("send: %ld\n", r);
	report("shutdown", raw ? sc(13 /* SYS_SHUTDOWN */, fd, SHUT_WR, 0, 0, 0, 0) : shutdown(fd, SHUT_WR));
	struct pollfd pfd = { fd, POLLIN, 0 };
	r = poll(&pfd, 1, -1);
	printf("poll: %ld%s\n", r, pfd.revents & POLLIN ? " POLLIN" : "");
	read_reply(fd, raw);
	report("close", close(fd));
	return 0;
}

static int nonblocking(const char *host, int port)
{
	struct sockaddr_storage ss;
	socklen_t len = make_addr(host, port, &ss);
	int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK, 0);
	report("socket", fd);
	if (fd < 0) return 1;
	int r = connect(fd, (struct sockaddr *)&ss, len);
	printf("connect: %s\n", r == 0 ? "ok" : errname(errno));
	struct pollfd pfd = { fd, POLLOUT, 0 };
	r = poll(&pfd, 1, -1);
	printf("poll: %d%s%s\n", r, pfd.revents & POLLOUT ? " POLLOUT" : "", pfd.revents & POLLERR ? " POLLERR" : "");
	int err = -1;
	socklen_t elen = sizeof err;
	getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen);
	printf("SO_ERROR: %s\n", errname(err));
	char c;
	r = read(fd, &c, 1);
	printf("read: %s\n", r < 0 ? errname(errno) : r == 0 ? "eof" : "data");
	close(fd);
	return 0;
}

static int try_sockets(void)
{
	struct sockaddr_storage ss;
	socklen_t len = make_addr("127.0.0.1", 1, &ss);
	report("socket inet stream", socket(AF_INET, SOCK_STREAM, 0));
	report("socket inet6 stream", socket(AF_INET6, SOCK_STREAM, 0));
	report("socket inet dgram", socket(AF_INET, SOCK_DGRAM, 0));
	report("socket unix stream", socket(AF_UNIX, SOCK_STREAM, 0));
	int sv[2];
	report("socketpair unix", socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	report("socketcall socket", sc(1, AF_INET, SOCK_STREAM, 0, 0, 0, 0));
	report("connect stdout", connect(1, (struct sockaddr *)&ss, len));
	report("connect bad fd", connect(99, (struct sockaddr *)&ss, len));
	return 0;
}

static int pair(void)
{
	int sv[2];
	char buf[16] = { 0 };
	report("socketpair", socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	printf("write: %ld\n", (long)write(sv[0], "ping", 4));
	printf("read: %ld %s\n", (long)read(sv[1], buf, sizeof buf - 1), buf);
	close(sv[0]);
	printf("read after close: %ld\n", (long)read(sv[1], buf, sizeof buf));
	long r = send(sv[1], "x", 1, MSG_NOSIGNAL);
	printf("send after close: %s\n", r < 0 ? errname(errno) : "ok");
	return 0;
}

static int connect_to(const char *host, int port)
{
	struct sockaddr_storage ss;
	socklen_t len = make_addr(host, port, &ss);
	int fd = socket(ss.ss_family, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&ss, len) < 0) {
		printf("connect: %s\n", errname(errno));
		return -1;
	}
	return fd;
}

static int count(const char *host, int port)
{
	int fd = connect_to(host, port);
	if (fd < 0) return 1;
	static unsigned char buf[65536];
	unsigned long total = 0, sum = 0;
	for (;;) {
		long r = read(fd, buf, sizeof buf);
		if (r < 0) { printf("read: %s\n", errname(errno)); return 1; }
		if (r == 0) break;
		for (long i = 0; i < r; i++) sum = (sum * 31 + buf[i]) & 0xffffffffUL;
		total += r;
	}
	printf("bytes: %lu\nsum: %lu\n", total, sum);
	close(fd);
	return 0;
}

static int blast(const char *host, int port, int mb)
{
	int fd = connect_to(host, port);
	if (fd < 0) return 1;
	static char buf[65536];
	memset(buf, 'z', sizeof buf);
	unsigned long sent = 0;
	while (sent < (unsigned long)mb << 20) {
		long r = write(fd, buf, sizeof buf);
		if (r < 0) { printf("write: %s\n", errname(errno)); return 1; }
		sent += r;
	}
	shutdown(fd, SHUT_WR);
	printf("sent: %lu\n", sent);
	read_reply(fd, 0);
	close(fd);
	return 0;
}

/* The race: the child flips the port of a shared sockaddr while the parent connects with it. */
static int flip(const char *host, int pa, int pb, int n)
{
	struct sockaddr_in *shared = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	volatile int *stop = (volatile int *)(shared + 8);
	struct sockaddr_storage ss;
	socklen_t len = make_addr(host, pa, &ss);
	memcpy(shared, &ss, sizeof *shared);
	pid_t child = fork();
	if (child == 0) {
		for (unsigned long i = 0; !*stop && i < 50000000UL; i++) shared->sin_port = htons(i & 1 ? pb : pa);
		_exit(0);
	}
	int from_a = 0, from_b = 0, failed = 0;
	for (int i = 0; i < n; i++) {
		int fd = socket(AF_INET, SOCK_STREAM, 0);
		if (fd < 0 || connect(fd, (struct sockaddr *)shared, len) < 0) { failed++; if (fd >= 0) close(fd); continue; }
		char c = 0;
		if (read(fd, &c, 1) == 1) { if (c == 'A') from_a++; else if (c == 'B') from_b++; }
		close(fd);
	}
	*stop = 1;
	kill(child, SIGKILL);
	waitpid(child, 0, 0);
	printf("from A: %d\nfrom B: %d\nrefused: %d\n", from_a, from_b, failed);
	return 0;
}

int main(int argc, char **argv)
{
	const char *m = argc > 1 ? argv[1] : "";
	if (!strcmp(m, "socket")) return try_sockets();
	if (!strcmp(m, "pair")) return pair();
	if (!strcmp(m, "connect") && argc == 5) return client(argv[2], atoi(argv[3]), argv[4], 0);
	if (!strcmp(m, "raw") && argc == 5) return client(argv[2], atoi(argv[3]), argv[4], 1);
	if (!strcmp(m, "nb") && argc == 4) return nonblocking(argv[2], atoi(argv[3]));
	if (!strcmp(m, "count") && argc == 4) return count(argv[2], atoi(argv[3]));
	if (!strcmp(m, "blast") && argc == 5) return blast(argv[2], atoi(argv[3]), atoi(argv[4]));
	if (!strcmp(m, "flip") && argc == 6) return flip(argv[2], atoi(argv[3]), atoi(argv[4]), atoi(argv[5]));
	fprintf(stderr, "usage: hostile-net socket | pair | connect HOST PORT MSG | raw HOST PORT MSG | nb HOST PORT | count HOST PORT | blast HOST PORT MB | flip HOST PA PB N\n");
	return 2;
}
