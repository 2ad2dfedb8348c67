/* A stack overflow: unbounded recursion runs into the guard gap below the 8 MiB stack; the
 * SIGSEGV is handled on an alternate signal stack (sigaltstack), which reports that the
 * recursion went deep and longjmps out. The program then overflows a second time to show the
 * handler and the alternate stack still work, and exits 0. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static sigjmp_buf back;
static volatile unsigned long depth, max_depth;
static volatile int on_alt, keep_going = 1;
static char altstack[65536];

static void handler(int sig, siginfo_t *si, void *uc)
{
	(void)si; (void)uc;
	char here;
	on_alt = &here >= altstack && &here < altstack + sizeof altstack;
	max_depth = depth;
	(void)sig;
	siglongjmp(back, 1);
}

static unsigned long recurse(unsigned long n)
{
	volatile char frame[256];
	frame[n % 256] = (char)n;
	depth = n;
	if (!keep_going) return n;
	return recurse(n + 1) + frame[n % 256];
}

int main(void)
{
	stack_t ss = { .ss_sp = altstack, .ss_size = sizeof altstack, .ss_flags = 0 };
	if (sigaltstack(&ss, NULL) != 0) { perror("sigaltstack"); return 1; }
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = handler;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
	sigaction(SIGSEGV, &sa, NULL);
	for (int round = 1; round <= 2; round++) {
		depth = 0;
		if (sigsetjmp(back, 1) == 0) {
			recurse(0);
			printf("round %d: recursion returned?\n", round);
		} else {
			/* 8 MiB / ~300 bytes a frame: well over 20000 frames before the fault. */
			printf("round %d: caught SIGSEGV from the stack overflow, depth > 20000: %d, handler ran on the alternate stack: %d\n",
				round, max_depth > 20000, on_alt);
		}
	}
	stack_t cur;
	sigaltstack(NULL, &cur);
	printf("alternate stack still registered: %d, not in use: %d\n", cur.ss_sp == altstack, !(cur.ss_flags & SS_ONSTACK));
	return 0;
}
