/* Synchronous signals from faults: SIGSEGV (unmapped and read-only), SIGFPE (integer divide by
   zero) and SIGILL (ud2), each caught by a handler that reads its siginfo and ucontext and
   recovers with siglongjmp. Finally an unhandled SIGSEGV kills the process. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

static sigjmp_buf env;
static volatile int got_sig, got_code;
static volatile uintptr_t got_addr, got_eip;
static volatile int mask_has_sig;

static void handler(int sig, siginfo_t *si, void *uc_) {
  ucontext_t *uc = uc_;
  got_sig = si->si_signo;
  got_code = si->si_code;
  got_addr = (uintptr_t)si->si_addr;
  got_eip = uc->uc_mcontext.gregs[REG_EIP];
  sigset_t now;
  sigprocmask(SIG_BLOCK, NULL, &now);
  mask_has_sig = sigismember(&now, sig);
  (void)sig;
  siglongjmp(env, 1);
}

static volatile int zero = 0;
extern char ud2_here[], segv_here[];

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = handler;
  sa.sa_flags = SA_SIGINFO;
  sigaction(SIGSEGV, &sa, NULL);
  sigaction(SIGFPE, &sa, NULL);
  sigaction(SIGILL, &sa, NULL);

  for (int round = 0; round < 3; round++) {
    if (sigsetjmp(env, 1) == 0) {
      __asm__ volatile("segv_here: movl 0x10, %%eax" ::: "eax", "memory");
      puts("no fault?");
    } else {
      printf("SIGSEGV round %d: signo=%d code=%d addr=%#lx at_insn=%d masked_in_handler=%d\n", round, got_sig, got_code,
             (unsigned long)got_addr, got_eip == (uintptr_t)segv_here, mask_has_sig);
    }
  }
  sigset_t after;
  sigprocmask(SIG_BLOCK, NULL, &after);
  printf("mask restored by siglongjmp: %d\n", !sigismember(&after, SIGSEGV));

  char *ro = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (sigsetjmp(env, 1) == 0) {
    ro[5] = 1;
  } else {
    printf("write to read-only: signo=%d code=%d offset=%ld\n", got_sig, got_code, (long)(got_addr - (uintptr_t)ro));
  }

  if (sigsetjmp(env, 1) == 0) {
    volatile int x = 10 / zero;
    (void)x;
  } else {
    printf("SIGFPE: signo=%d code=%d\n", got_sig, got_code);
  }

  if (sigsetjmp(env, 1) == 0) {
    __asm__ volatile("ud2_here: ud2");
  } else {
    printf("SIGILL: signo=%d code=%d addr_is_insn=%d\n", got_sig, got_code, got_addr == (uintptr_t)ud2_here);
  }

  signal(SIGSEGV, SIG_DFL);
  puts("now dying of SIGSEGV");
  *(volatile int *)0 = 1;
  return 0;
}
