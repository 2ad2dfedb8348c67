// Signals raised by host helpers while translated code runs (divide error, bad selector...).
// The engine catches them with GuestFault (memory) and reports them as the run's exit reason.

export const SIGILL = 4, SIGTRAP = 5, SIGBUS = 7, SIGFPE = 8, SIGSEGV = 11;

/** si_code values used in the siginfo the Linux personality will build (asm-generic/siginfo.h). */
export const FPE_INTDIV = 1, ILL_ILLOPN = 2, SEGV_MAPERR = 1, SEGV_ACCERR = 2, SI_KERNEL = 0x80;

export class GuestTrap extends Error {
  constructor(readonly signal: number, readonly code: number, readonly address = 0) {
    super(`guest trap: signal ${signal}, code ${code}`);
    this.name = 'GuestTrap';
  }
}
