/* A guest racing its own system call arguments: a forked child rewrites a path in a MAP_SHARED
 * page, back and forth between an allowed and a denied file, while the parent opens the path
 * again and again. Whatever the policy checked must be what the call opened. (vxts copies each
 * argument once, before the check, and the call uses that copy; it also does not share
 * MAP_SHARED anonymous pages across fork, which `shared` shows.) Modes (usage and exit 2
 * without one):
 *   open ALLOWED DENIED N   N opens of the flipping path; counts what each open read
 *   shared                  does a child's write to a MAP_SHARED page reach the parent? */
#include "hostile.h"
#include <fcntl.h>
#include <sys/mman.h>

static int race(const char *allowed, const char *denied, int n)
{
	size_t la = strlen(allowed) + 1, ld = strlen(denied) + 1;
	if (la > 2000 || ld > 2000) return 1;
	char *shared = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	volatile int *stop = (volatile int *)(shared + 4092);
	memcpy(shared, allowed, la);
	pid_t child = fork();
	if (child == 0) {
		for (unsigned long i = 0; !*stop && i < 100000000UL; i++) {
			if (i & 1) memcpy(shared, denied, ld); else memcpy(shared, allowed, la);
		}
		_exit(0);
	}
	int got_allowed = 0, got_denied = 0, refused = 0, other = 0;
	for (int i = 0; i < n; i++) {
		int fd = open(shared, O_RDONLY);
		if (fd < 0) { refused++; continue; }
		char buf[16] = { 0 };
		read(fd, buf, sizeof buf - 1);
		close(fd);
		if (!strncmp(buf, "allowed", 7)) got_allowed++;
		else if (!strncmp(buf, "denied", 6)) got_denied++;
		else other++;
	}
	*stop = 1;
	kill(child, SIGKILL);
	waitpid(child, 0, 0);
	printf("opened allowed: %d\nopened denied: %d\nrefused: %d\nother: %d\n", got_allowed, got_denied, refused, other);
	return 0;
}

static int shared_after_fork(void)
{
	volatile int *shared = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	*shared = 0;
	pid_t child = fork();
	if (child == 0) { *shared = 42; _exit(0); }
	waitpid(child, 0, 0);
	printf("child's write to a MAP_SHARED page: %s\n", *shared == 42 ? "seen by the parent" : "not seen by the parent");
	return 0;
}

int main(int argc, char **argv)
{
	const char *m = argc > 1 ? argv[1] : "";
	if (!strcmp(m, "open") && argc == 5) return race(argv[2], argv[3], atoi(argv[4]));
	if (!strcmp(m, "shared") && argc == 2) return shared_after_fork();
	fprintf(stderr, "usage: hostile-race open ALLOWED DENIED N | shared\n");
	return 2;
}
