/* Signal handlers: sigaction with and without SA_SIGINFO, raise and kill to oneself, the
 * handler's signal blocked while it runs (and sa_mask), sigprocmask blocking with sigpending and
 * delivery on unblock, SIG_IGN, SA_RESETHAND, a signal raised inside a handler, alarm + pause,
 * and sigsuspend. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t hits[65];
static volatile sig_atomic_t order[16], norder;
static volatile int info_signo, info_code, info_pid_ok, nested_blocked, mask_has_usr2;

static void plain(int sig)
{
	hits[sig]++;
	if (norder < 16) order[norder++] = sig;
}

static void with_info(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	hits[sig]++;
	info_signo = si->si_signo;
	info_code = si->si_code;
	info_pid_ok = si->si_pid == getpid();
}

static void checks_mask(int sig)
{
	sigset_t cur;
	sigprocmask(SIG_BLOCK, NULL, &cur);
	nested_blocked = sigismember(&cur, sig);
	mask_has_usr2 = sigismember(&cur, SIGUSR2);
	hits[sig]++;
	raise(SIGUSR2); /* blocked by sa_mask: delivered when this handler returns */
	if (hits[SIGUSR2] != 0) nested_blocked = -1;
}

int main(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = plain;
	sigaction(SIGUSR1, &sa, NULL);
	raise(SIGUSR1);
	kill(getpid(), SIGUSR1);
	printf("SIGUSR1 handled %d times\n", hits[SIGUSR1]);

	sa.sa_flags = SA_SIGINFO;
	sa.sa_sigaction = with_info;
	sigaction(SIGUSR2, &sa, NULL);
	kill(getpid(), SIGUSR2);
	printf("SA_SIGINFO: signo=%d code=%s pid matches=%d\n", info_signo, info_code == SI_USER ? "SI_USER" : info_code == SI_TKILL ? "SI_TKILL" : "other", info_pid_ok);
	raise(SIGUSR2);
	printf("raise: code=%s\n", info_code == SI_USER ? "SI_USER" : info_code == SI_TKILL ? "SI_TKILL" : "other");

	/* Blocked signals stay pending and arrive, lowest number first, when unblocked. */
	sa.sa_flags = 0; sa.sa_handler = plain;
	sigaction(SIGUSR2, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigset_t set, old, pend;
	sigemptyset(&set); sigaddset(&set, SIGTERM); sigaddset(&set, SIGHUP); sigaddset(&set, SIGUSR2);
	sigprocmask(SIG_BLOCK, &set, &old);
	norder = 0;
	raise(SIGTERM); raise(SIGUSR2); raise(SIGHUP); raise(SIGHUP);
	sigpending(&pend);
	printf("pending: TERM=%d USR2=%d HUP=%d INT=%d, delivered so far %d\n", sigismember(&pend, SIGTERM), sigismember(&pend, SIGUSR2), sigismember(&pend, SIGHUP), sigismember(&pend, SIGINT), (int)norder);
	sigprocmask(SIG_SETMASK, &old, NULL);
	printf("after unblock, delivery order:");
	for (int i = 0; i < norder; i++) printf(" %d", order[i]);
	printf(" (HUP twice counts once: %d)\n", hits[SIGHUP]);

	signal(SIGINT, SIG_IGN);
	raise(SIGINT);
	printf("SIGINT ignored, still running\n");

	sa.sa_handler = plain; sa.sa_flags = SA_RESETHAND;
	sigaction(SIGWINCH, &sa, NULL);
	raise(SIGWINCH);
	struct sigaction now; sigaction(SIGWINCH, NULL, &now);
	printf("SA_RESETHAND: hits=%d handler reset to default=%d\n", hits[SIGWINCH], now.sa_handler == SIG_DFL);

	hits[SIGUSR2] = 0;
	sa.sa_handler = checks_mask; sa.sa_flags = 0;
	sigemptyset(&sa.sa_mask); sigaddset(&sa.sa_mask, SIGUSR2);
	sigaction(SIGUSR1, &sa, NULL);
	sa.sa_handler = plain; sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR2, &sa, NULL);
	raise(SIGUSR1);
	printf("in handler: own signal blocked=%d, sa_mask signal blocked=%d, nested delivered after return=%d\n", nested_blocked, mask_has_usr2, hits[SIGUSR2]);
	sigprocmask(SIG_BLOCK, NULL, &set);
	printf("mask restored after handler: USR1 blocked=%d\n", sigismember(&set, SIGUSR1));

	sa.sa_handler = plain; sa.sa_flags = 0;
	sigaction(SIGALRM, &sa, NULL);
	alarm(1);
	pause();
	printf("alarm woke pause: %d\n", hits[SIGALRM]);
	printf("alarm(0) with none pending returns %u\n", alarm(0));

	sigemptyset(&set); sigaddset(&set, SIGUSR2);
	sigprocmask(SIG_BLOCK, &set, &old);
	raise(SIGUSR2);
	int before = hits[SIGUSR2];
	sigset_t wait; sigemptyset(&wait);
	sigsuspend(&wait);
	printf("sigsuspend delivered pending USR2: %d\n", hits[SIGUSR2] - before);
	sigprocmask(SIG_SETMASK, &old, NULL);
	printf("signal names: %s / %s\n", strsignal(SIGSEGV), strsignal(SIGUSR1));
	return 0;
}
