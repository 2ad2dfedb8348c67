/* Recovering from faults with sigsetjmp/siglongjmp: reads of NULL and of an unmapped page,
 * a write to a read-only page (mprotect), integer division by zero (SIGFPE, FPE_INTDIV), an
 * undefined instruction (SIGILL, ud2), int3 (SIGTRAP); each handler checks the siginfo
 * (signal, code, fault address) and jumps back, and the signal mask is restored each time. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static sigjmp_buf back;
static volatile int got_sig, got_code;
static void *volatile got_addr;

static void handler(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	got_sig = sig;
	got_code = si->si_code;
	got_addr = si->si_addr;
	siglongjmp(back, 1);
}

static const char *code_name(int sig, int code)
{
	if (sig == SIGSEGV) return code == SEGV_MAPERR ? "SEGV_MAPERR" : code == SEGV_ACCERR ? "SEGV_ACCERR" : "other";
	if (sig == SIGFPE) return code == FPE_INTDIV ? "FPE_INTDIV" : "other";
	if (sig == SIGILL) return code == ILL_ILLOPN ? "ILL_ILLOPN" : "other";
	if (sig == SIGTRAP) return code == SI_KERNEL ? "SI_KERNEL" : code == TRAP_BRKPT ? "TRAP_BRKPT" : "other";
	return "?";
}

static volatile int zero = 0;

static void try(const char *what, int kind, void *addr)
{
	got_sig = 0;
	if (sigsetjmp(back, 1) == 0) {
		switch (kind) {
		case 0: (void)*(volatile int *)addr; break;
		case 1: *(volatile int *)addr = 1; break;
		case 2: { volatile int r = 100 / zero; (void)r; break; }
		case 3: __asm__ volatile("ud2"); break;
		case 4: __asm__ volatile("int3"); break;
		}
		if (what) printf("%s: no signal\n", what);
		return;
	}
	if (!what) return;
	printf("%s: signal %d (%s) %s", what, got_sig, strsignal(got_sig), code_name(got_sig, got_code));
	if (got_sig == SIGSEGV) printf(", si_addr %s", got_addr == addr ? "is the faulting address" : "WRONG");
	sigset_t cur; sigprocmask(SIG_BLOCK, NULL, &cur);
	printf(", mask restored %d\n", !sigismember(&cur, got_sig));
}

int main(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = handler;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGFPE, &sa, NULL);
	sigaction(SIGILL, &sa, NULL);
	sigaction(SIGTRAP, &sa, NULL);

	long page = sysconf(_SC_PAGESIZE);
	char *p = mmap(NULL, 3 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	strcpy(p, "writable");
	munmap(p + page, page);
	mprotect(p + 2 * page, page, PROT_READ);

	try("read NULL", 0, NULL);
	try("read unmapped page", 0, p + page + 16);
	try("write read-only page", 1, p + 2 * page + 8);
	try("write writable page", 1, p + 4);
	try("divide by zero", 2, NULL);
	try("ud2", 3, NULL);
	try("int3", 4, NULL);
	for (int i = 0; i < 100; i++) try(i == 99 ? "100th NULL read" : NULL, 0, NULL);
	printf("after 100 recoveries: still running, p=%.1s\n", p);
	return 0;
}
