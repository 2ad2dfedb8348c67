/* Signals sent by the process to itself: raise/kill with SA_SIGINFO (si_signo, si_code, si_pid),
   the legacy frame of a plain handler (registers preserved across it), sigprocmask blocking and
   pending delivery at unblock, sigpending, sigsuspend, SA_RESETHAND, SA_NODEFER, signal masks
   during a handler (sa_mask), SIG_IGN, and the real-time signals queueing. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static volatile int count[65];
static volatile int last_code, last_pid, last_signo;
static volatile int usr2_blocked_inside;
static volatile int order[16], norder;

static void info_handler(int sig, siginfo_t *si, void *uc) {
  (void)uc;
  count[sig]++;
  last_signo = si->si_signo;
  last_code = si->si_code;
  last_pid = si->si_pid;
}

static void plain(int sig) {
  count[sig]++;
  sigset_t now;
  sigprocmask(SIG_BLOCK, NULL, &now);
  usr2_blocked_inside = sigismember(&now, SIGUSR2);
  if (norder < 16) order[norder++] = sig;
}

static void nested(int sig) {
  count[sig]++;
  if (count[sig] < 3) raise(sig); /* SA_NODEFER: runs nested right away */
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = info_handler;
  sa.sa_flags = SA_SIGINFO;
  sigaction(SIGUSR1, &sa, NULL);

  raise(SIGUSR1);
  printf("raise: count=%d signo=%d code_is_tkill=%d pid_ok=%d\n", count[SIGUSR1], last_signo, last_code == SI_TKILL, last_pid == getpid());
  kill(getpid(), SIGUSR1);
  printf("kill: count=%d code_is_user=%d pid_ok=%d\n", count[SIGUSR1], last_code == SI_USER, last_pid == getpid());

  /* A plain handler with sa_mask: SIGUSR2 blocked while it runs. */
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = plain;
  sigemptyset(&sa.sa_mask);
  sigaddset(&sa.sa_mask, SIGUSR2);
  sigaction(SIGTERM, &sa, NULL);
  kill(getpid(), SIGTERM);
  printf("plain handler: count=%d usr2_blocked_inside=%d\n", count[SIGTERM], usr2_blocked_inside);

  /* Blocking: the signal stays pending until unblocked, then is delivered once. */
  sigset_t set, old, pend;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGHUP);
  sigaction(SIGHUP, &sa, NULL);
  sigprocmask(SIG_BLOCK, &set, &old);
  kill(getpid(), SIGTERM);
  kill(getpid(), SIGTERM);
  kill(getpid(), SIGHUP);
  sigpending(&pend);
  printf("blocked: count=%d pending_term=%d pending_hup=%d pending_usr1=%d\n", count[SIGTERM], sigismember(&pend, SIGTERM), sigismember(&pend, SIGHUP), sigismember(&pend, SIGUSR1));
  norder = 0;
  sigprocmask(SIG_SETMASK, &old, NULL);
  printf("unblocked: term=%d hup=%d order=%d,%d n=%d\n", count[SIGTERM], count[SIGHUP], order[0], order[1], norder);

  /* Real-time signals queue: three sends, three deliveries. */
  sa.sa_handler = plain;
  sigaction(SIGRTMIN + 1, &sa, NULL);
  sigemptyset(&set);
  sigaddset(&set, SIGRTMIN + 1);
  sigprocmask(SIG_BLOCK, &set, NULL);
  for (int i = 0; i < 3; i++) kill(getpid(), SIGRTMIN + 1);
  sigprocmask(SIG_UNBLOCK, &set, NULL);
  printf("rt queued: %d\n", count[SIGRTMIN + 1]);

  /* sigsuspend: wait with SIGUSR2 unblocked; the old mask is back afterwards. */
  sa.sa_handler = plain;
  sigaction(SIGUSR2, &sa, NULL);
  sigemptyset(&set);
  sigaddset(&set, SIGUSR2);
  sigprocmask(SIG_BLOCK, &set, NULL);
  kill(getpid(), SIGUSR2);
  sigset_t waitmask;
  sigemptyset(&waitmask);
  int r = sigsuspend(&waitmask);
  sigprocmask(SIG_BLOCK, NULL, &old);
  printf("sigsuspend: r=%d usr2=%d usr2_still_blocked=%d\n", r, count[SIGUSR2], sigismember(&old, SIGUSR2));
  sigprocmask(SIG_UNBLOCK, &set, NULL);

  /* SA_RESETHAND: the second signal gets the default action (here SIG_DFL of SIGURG: ignore). */
  sa.sa_handler = plain;
  sa.sa_flags = SA_RESETHAND;
  sigaction(SIGURG, &sa, NULL);
  raise(SIGURG);
  raise(SIGURG);
  struct sigaction now;
  sigaction(SIGURG, NULL, &now);
  printf("resethand: count=%d reset_to_default=%d\n", count[SIGURG], now.sa_handler == SIG_DFL);

  /* SA_NODEFER: the handler can be re-entered. */
  sa.sa_handler = nested;
  sa.sa_flags = SA_NODEFER;
  sigaction(SIGUSR2, &sa, NULL);
  count[SIGUSR2] = 0;
  raise(SIGUSR2);
  printf("nodefer: nested count=%d\n", count[SIGUSR2]);

  /* SIG_IGN: nothing happens. */
  signal(SIGTERM, SIG_IGN);
  raise(SIGTERM);
  puts("ignored SIGTERM");

  /* Default action of SIGUSR1: death, status 128+10 in a shell. */
  signal(SIGUSR1, SIG_DFL);
  raise(SIGUSR1);
  puts("not reached");
  return 0;
}
