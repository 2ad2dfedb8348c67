/* Shared by the hostile-*.c guests (the isolation suite, test/isolation.test.ts): errno and
 * signal names for the one-line results they print, so a result reads the same under vxts and
 * qemu-i386 and a test can match it exactly, and a runner that performs one probe in a forked
 * child and reports how the child ended (a probe that kills its process must not end the run). */
#ifndef HOSTILE_H
#define HOSTILE_H
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static inline const char *errname(int e)
{
	switch (e) {
	case 0: return "ok";
	case EPERM: return "EPERM"; case ENOENT: return "ENOENT"; case EINTR: return "EINTR";
	case EBADF: return "EBADF"; case EAGAIN: return "EAGAIN"; case ENOMEM: return "ENOMEM";
	case EACCES: return "EACCES"; case EFAULT: return "EFAULT"; case EEXIST: return "EEXIST";
	case ENOTDIR: return "ENOTDIR"; case EISDIR: return "EISDIR"; case EINVAL: return "EINVAL";
	case EROFS: return "EROFS"; case EPIPE: return "EPIPE"; case ENAMETOOLONG: return "ENAMETOOLONG";
	case ENOSYS: return "ENOSYS"; case ELOOP: return "ELOOP"; case E2BIG: return "E2BIG";
	case ENOEXEC: return "ENOEXEC"; case EXDEV: return "EXDEV"; case ENOTEMPTY: return "ENOTEMPTY";
	case ENOTSOCK: return "ENOTSOCK"; case EAFNOSUPPORT: return "EAFNOSUPPORT";
	case ECONNREFUSED: return "ECONNREFUSED"; case ENOTCONN: return "ENOTCONN"; case EISCONN: return "EISCONN";
	case EINPROGRESS: return "EINPROGRESS"; case EALREADY: return "EALREADY"; case EOPNOTSUPP: return "EOPNOTSUPP";
	case ESOCKTNOSUPPORT: return "ESOCKTNOSUPPORT"; case EPROTONOSUPPORT: return "EPROTONOSUPPORT";
	case ETIMEDOUT: return "ETIMEDOUT"; case ENETUNREACH: return "ENETUNREACH"; case EHOSTUNREACH: return "EHOSTUNREACH";
	case ECONNRESET: return "ECONNRESET"; case EBUSY: return "EBUSY"; case EIO: return "EIO";
	case EMFILE: return "EMFILE"; case ESPIPE: return "ESPIPE"; case ENOTTY: return "ENOTTY";
	case ENXIO: return "ENXIO"; case ENODEV: return "ENODEV"; case EMSGSIZE: return "EMSGSIZE";
	case ENOPROTOOPT: return "ENOPROTOOPT"; case EDESTADDRREQ: return "EDESTADDRREQ";
	}
	static char buf[16];
	snprintf(buf, sizeof buf, "errno%d", e);
	return buf;
}

/* "NAME: ok" when r >= 0, else "NAME: ENAME" (errno). */
static inline void report(const char *name, long r)
{
	printf("%s: %s\n", name, r < 0 ? errname(errno) : "ok");
	fflush(stdout);
}

static const char *probe_name;
/* Whether the probe's line shows si_code (qemu-i386 reports a stack guard hit as SEGV_ACCERR
 * where Linux says SEGV_MAPERR, so that probe leaves it out). */
static int probe_code = 1;

/* Reports the signal that ended a probe, with its si_code, and ends the child. */
static inline void probe_signal(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	char line[160];
	int n = probe_code ? snprintf(line, sizeof line, "%s: signal %d code %d\n", probe_name, sig, si->si_code)
		: snprintf(line, sizeof line, "%s: signal %d\n", probe_name, sig);
	write(1, line, n);
	_exit(100);
}

/* Runs probe(arg) in a forked child; prints "NAME: signal N code C" (a fault, caught on an
 * alternate stack so a stack overflow reports too, the child then exits 100), "NAME: returned"
 * or "NAME: exit N". */
static inline void in_child(const char *name, void (*probe)(long), long arg)
{
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		static char alt[65536];
		stack_t ss = { .ss_sp = alt, .ss_size = sizeof alt, .ss_flags = 0 };
		sigaltstack(&ss, 0);
		struct sigaction sa;
		memset(&sa, 0, sizeof sa);
		sa.sa_sigaction = probe_signal;
		sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
		probe_name = name;
		int sigs[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE };
		for (unsigned i = 0; i < sizeof sigs / sizeof sigs[0]; i++) sigaction(sigs[i], &sa, 0);
		probe(arg);
		_exit(0);
	}
	int st = 0;
	waitpid(pid, &st, 0);
	if (WIFSIGNALED(st)) printf("%s: killed by %d\n", name, WTERMSIG(st));
	else if (WEXITSTATUS(st) == 0) printf("%s: returned\n", name);
	else if (WEXITSTATUS(st) != 100) printf("%s: exit %d\n", name, WEXITSTATUS(st));
	fflush(stdout);
}
#endif
