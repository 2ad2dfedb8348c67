/* fork, pipe and wait: a child writes through a pipe to its parent; several children exit
 * with different statuses and are reaped with waitpid; a child killed by SIGKILL; a pipeline of
 * two children (producer | transformer) read by the parent; EOF once every writer is closed;
 * the child's memory is a copy (changes do not reach the parent); WNOHANG and ECHILD. */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int shared_value = 1;

static void describe(int status)
{
	if (WIFEXITED(status)) printf("exited %d\n", WEXITSTATUS(status));
	else if (WIFSIGNALED(status)) printf("killed by signal %d\n", WTERMSIG(status));
	else printf("status %#x\n", status);
}

int main(void)
{
	int fds[2];
	pipe(fds);
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		close(fds[0]);
		shared_value = 99;
		const char msg[] = "hello parent, from the child";
		write(fds[1], msg, sizeof msg - 1);
		_exit(7);
	}
	close(fds[1]);
	char buf[256]; ssize_t n, total = 0;
	while ((n = read(fds[0], buf + total, sizeof buf - 1 - total)) > 0) total += n;
	buf[total] = 0;
	close(fds[0]);
	printf("parent read %zd bytes: %s\n", total, buf);
	int status;
	pid_t w = waitpid(pid, &status, 0);
	printf("waitpid got the child: %d, ", w == pid);
	describe(status);
	printf("parent's copy unchanged: %d\n", shared_value);

	pid_t kids[4];
	for (int i = 0; i < 4; i++) {
		fflush(stdout);
		kids[i] = fork();
		if (kids[i] == 0) _exit(10 + i);
	}
	for (int i = 3; i >= 0; i--) {
		waitpid(kids[i], &status, 0);
		printf("child %d: ", i);
		describe(status);
	}

	fflush(stdout);
	pid = fork();
	if (pid == 0) { raise(SIGKILL); _exit(1); }
	waitpid(pid, &status, 0);
	printf("self-killed child: ");
	describe(status);

	fflush(stdout);
	pid = fork();
	if (pid == 0) { pause(); _exit(1); }
	printf("WNOHANG on a live child returns %d\n", waitpid(pid, &status, WNOHANG));
	kill(pid, SIGTERM);
	waitpid(pid, &status, 0);
	printf("terminated child: ");
	describe(status);

	/* producer | upper-caser | parent */
	int a[2], b[2];
	pipe(a); pipe(b);
	fflush(stdout);
	pid_t p1 = fork();
	if (p1 == 0) {
		close(a[0]); close(b[0]); close(b[1]);
		FILE *out = fdopen(a[1], "w");
		for (int i = 0; i < 200; i++) fprintf(out, "line %d of the producer\n", i);
		fclose(out);
		_exit(0);
	}
	pid_t p2 = fork();
	if (p2 == 0) {
		close(a[1]); close(b[0]);
		char c[512]; ssize_t k;
		while ((k = read(a[0], c, sizeof c)) > 0) {
			for (ssize_t j = 0; j < k; j++) c[j] = (char)toupper((unsigned char)c[j]);
			write(b[1], c, (size_t)k);
		}
		_exit(0);
	}
	close(a[0]); close(a[1]); close(b[1]);
	FILE *in = fdopen(b[0], "r");
	char line[128]; int lines = 0; unsigned long sum = 0;
	while (fgets(line, sizeof line, in)) { lines++; for (char *q = line; *q; q++) sum = sum * 31 + (unsigned char)*q; if (lines == 200) printf("last line: %s", line); }
	fclose(in);
	int s1, s2;
	waitpid(p1, &s1, 0); waitpid(p2, &s2, 0);
	printf("pipeline: %d lines, hash %lu, statuses %d %d\n", lines, sum, s1, s2);
	printf("wait with no children: %s\n", wait(&status) == -1 && errno == ECHILD ? "ECHILD" : "unexpected");
	return 0;
}
