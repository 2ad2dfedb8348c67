// Linux i386 signal ABI constants (from the kernel's uapi headers asm/signal.h,
// asm-generic/signal-defs.h, asm-generic/siginfo.h) and signal sets as 64-bit bigints
// (bit N-1 is signal N), the way the kernel's sigset_t holds them on i386 (two 32-bit words).

export const NSIG = 64;

export const SIGHUP = 1, SIGINT = 2, SIGQUIT = 3, SIGILL = 4, SIGTRAP = 5, SIGABRT = 6, SIGBUS = 7,
  SIGFPE = 8, SIGKILL = 9, SIGUSR1 = 10, SIGSEGV = 11, SIGUSR2 = 12, SIGPIPE = 13, SIGALRM = 14,
  SIGTERM = 15, SIGSTKFLT = 16, SIGCHLD = 17, SIGCONT = 18, SIGSTOP = 19, SIGTSTP = 20, SIGTTIN = 21,
  SIGTTOU = 22, SIGURG = 23, SIGXCPU = 24, SIGXFSZ = 25, SIGVTALRM = 26, SIGPROF = 27, SIGWINCH = 28,
  SIGIO = 29, SIGPWR = 30, SIGSYS = 31;

/** sa_handler special values. */
export const SIG_DFL = 0, SIG_IGN = 1;

/** sa_flags. */
export const SA_NOCLDSTOP = 0x1, SA_NOCLDWAIT = 0x2, SA_SIGINFO = 0x4, SA_RESTORER = 0x0400_0000,
  SA_ONSTACK = 0x0800_0000, SA_RESTART = 0x1000_0000, SA_NODEFER = 0x4000_0000, SA_RESETHAND = 0x8000_0000;

/** sigprocmask `how`. */
export const SIG_BLOCK = 0, SIG_UNBLOCK = 1, SIG_SETMASK = 2;

/** stack_t ss_flags; MINSIGSTKSZ for i386. */
export const SS_ONSTACK = 1, SS_DISABLE = 2, SS_AUTODISARM = 0x8000_0000, MINSIGSTKSZ = 2048;

/** si_code values. */
export const SI_USER = 0, SI_KERNEL = 0x80, SI_QUEUE = -1, SI_TIMER = -2, SI_TKILL = -6;
export const CLD_EXITED = 1, CLD_KILLED = 2, CLD_DUMPED = 3;

export const sigbit = (sig: number): bigint => 1n << BigInt(sig - 1);
export const ALL_SIGNALS = (1n << 64n) - 1n;
/** SIGKILL and SIGSTOP can be neither caught, blocked nor ignored. */
export const UNBLOCKABLE = sigbit(SIGKILL) | sigbit(SIGSTOP);

/** What a signal does when its action is SIG_DFL. */
export type DefaultAction = 'term' | 'core' | 'ign' | 'stop' | 'cont';

export function defaultAction(sig: number): DefaultAction {
  switch (sig) {
    case SIGCHLD: case SIGURG: case SIGWINCH: return 'ign';
    case SIGCONT: return 'cont';
    case SIGSTOP: case SIGTSTP: case SIGTTIN: case SIGTTOU: return 'stop';
    case SIGQUIT: case SIGILL: case SIGTRAP: case SIGABRT: case SIGBUS: case SIGFPE: case SIGSEGV:
    case SIGXCPU: case SIGXFSZ: case SIGSYS: return 'core';
    default: return 'term'; // includes the real-time signals 32..64
  }
}

/** A 64-bit set from its two 32-bit words, and back. */
export const setFromWords = (lo: number, hi: number): bigint => (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
export const loWord = (s: bigint): number => Number(s & 0xffff_ffffn);
export const hiWord = (s: bigint): number => Number((s >> 32n) & 0xffff_ffffn);
