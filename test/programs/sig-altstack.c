/* A stack overflow caught on an alternate signal stack (sigaltstack + SA_ONSTACK), the handler
   checking that it runs on that stack and escaping with siglongjmp; then sigaltstack's report
   of the stack (SS_ONSTACK inside a handler, EPERM for changing it there). */
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static sigjmp_buf env;
static char altstack[64 * 1024];
static volatile int on_alt, onstack_flag, eperm;
static volatile int depth;

static void segv(int sig, siginfo_t *si, void *uc) {
  (void)sig; (void)si; (void)uc;
  char here;
  on_alt = (uintptr_t)&here >= (uintptr_t)altstack && (uintptr_t)&here < (uintptr_t)altstack + sizeof altstack;
  stack_t cur;
  sigaltstack(NULL, &cur);
  onstack_flag = (cur.ss_flags & SS_ONSTACK) != 0;
  stack_t other = { .ss_sp = altstack, .ss_size = sizeof altstack, .ss_flags = 0 };
  eperm = sigaltstack(&other, NULL) == -1 && errno == EPERM;
  siglongjmp(env, 1);
}

static int recurse(int n) {
  volatile char pad[1024];
  pad[0] = (char)n;
  depth = n;
  return recurse(n + 1) + pad[0];
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  stack_t ss = { .ss_sp = altstack, .ss_size = sizeof altstack, .ss_flags = 0 };
  printf("sigaltstack: %d\n", sigaltstack(&ss, NULL));
  stack_t small = { .ss_sp = altstack, .ss_size = 100, .ss_flags = 0 };
  int r = sigaltstack(&small, NULL);
  int err = errno;
  printf("too small: %d enomem=%d\n", r, err == ENOMEM);
  stack_t cur;
  sigaltstack(NULL, &cur);
  printf("current: size_ok=%d flags=%d\n", cur.ss_size == sizeof altstack, cur.ss_flags);

  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = segv;
  sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
  sigaction(SIGSEGV, &sa, NULL);
  if (sigsetjmp(env, 1) == 0) {
    recurse(0);
  } else {
    printf("overflow caught: deep=%d on_alt=%d ss_onstack=%d eperm=%d\n", depth > 1000, on_alt, onstack_flag, eperm);
  }
  sigaltstack(NULL, &cur);
  printf("after: flags=%d\n", cur.ss_flags);
  return 3;
}
