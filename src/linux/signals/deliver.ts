// Signal generation and delivery: sending a signal to a process (kill, SIGCHLD, SIGPIPE, timers),
// delivering pending ones at the run loop's check points (after each system call and quantum),
// turning machine faults into synchronous signals with their siginfo and trap details, and
// interrupting a parked system call (EINTR, or a restart under SA_RESTART).

import { SIGBUS, SIGFPE, SIGILL, SIGSEGV, SIGTRAP } from '../../cpu/faults.js';
import { EAX } from '../../cpu/state.js';
import { GuestFault } from '../../memory/arena.js';
import type { LinuxProcess } from '../process.js';
import {
  SA_NODEFER, SA_RESETHAND, SA_RESTART, SIG_DFL, SIG_IGN, SIGALRM, SI_KERNEL, UNBLOCKABLE, defaultAction, sigbit,
} from './constants.js';
import { setupFrame, type FaultContext } from './frame.js';
import type { SigInfo } from './state.js';

/** Makes `sig` pending on `p` (and wakes it if it is parked and must act). */
export function sendSignal(p: LinuxProcess, sig: number, info: SigInfo): void {
  if (p.exit !== null || sig === 0) return;
  p.sig.post(sig, info);
}

/** How the process ends when a signal's default action kills it. */
function killedBy(p: LinuxProcess, sig: number, extra: { address?: number; eip?: number; message?: string } = {}): void {
  p.terminate({ kind: 'signaled', signal: sig, ...extra });
}

/**
 * Acts on one signal: the default action, nothing, or a frame for the handler. Returns true
 * when a handler frame was set up. A frame that cannot be written kills with SIGSEGV.
 */
function act(p: LinuxProcess, sig: number, info: SigInfo, fault: FaultContext | null, oldmask: bigint, extra?: { address?: number; eip?: number; message?: string }): boolean {
  const a = p.sig.actions[sig];
  if (a.handler === SIG_IGN) return false;
  if (a.handler === SIG_DFL) {
    const d = defaultAction(sig);
    // Stop signals are treated as ignored: there is no job control to resume a stopped guest.
    if (d === 'term' || d === 'core') killedBy(p, sig, extra);
    return false;
  }
  const action = { ...a };
  try {
    setupFrame(p, sig, action, info, oldmask, fault);
  } catch (e) {
    if (!(e instanceof GuestFault)) throw e;
    // Linux: a signal frame that cannot be written forces SIGSEGV with its default action.
    if (p.strace !== null) p.strace(`[pid ${p.pid}] --- cannot build the frame for signal ${sig}: ${e.message} ---`);
    killedBy(p, SIGSEGV, { address: e.address, eip: extra?.eip });
    return false;
  }
  p.sig.blocked = (p.sig.blocked | action.mask | (action.flags & SA_NODEFER ? 0n : sigbit(sig))) & ~UNBLOCKABLE;
  if (action.flags & SA_RESETHAND) p.sig.actions[sig] = { handler: SIG_DFL, flags: 0, restorer: 0, mask: 0n };
  return true;
}

/** Fires ITIMER_REAL (alarm) when its deadline has passed on the process's clock. */
export function checkTimer(p: LinuxProcess): void {
  const t = p.sig.timer;
  if (t.deadline === 0n) return;
  const now = p.clock.now(1) ?? 0n;
  if (now < t.deadline) return;
  fireTimer(p);
}

export function fireTimer(p: LinuxProcess): void {
  const t = p.sig.timer;
  if (t.hostTimer !== null) { clearTimeout(t.hostTimer); t.hostTimer = null; }
  if (t.interval > 0n) {
    const now = p.clock.now(1) ?? 0n;
    t.deadline = now + t.interval;
    armHostTimer(p);
  } else {
    t.deadline = 0n;
  }
  sendSignal(p, SIGALRM, { signo: SIGALRM, code: SI_KERNEL });
}

/** With real clocks a host timer posts SIGALRM even while the process is parked. */
export function armHostTimer(p: LinuxProcess): void {
  const t = p.sig.timer;
  if (t.hostTimer !== null) { clearTimeout(t.hostTimer); t.hostTimer = null; }
  if (t.deadline === 0n || p.clock.deterministic) return;
  const now = p.clock.now(1) ?? 0n;
  const ms = Math.min(Math.max(0, Number((t.deadline - now + 999_999n) / 1_000_000n)), 0x7fff_ffff);
  t.hostTimer = setTimeout(() => {
    t.hostTimer = null;
    if (p.exit === null) checkTimer(p);
    if (p.exit === null && t.deadline !== 0n && t.hostTimer === null) armHostTimer(p);
  }, ms);
}

/** Deterministic clocks: a parked process with an armed timer skips ahead to it. */
export function advanceToTimer(p: LinuxProcess): boolean {
  const t = p.sig.timer;
  if (!p.clock.deterministic || t.deadline === 0n) return false;
  const now = p.clock.now(1) ?? 0n;
  if (t.deadline > now) p.clock.sleep(t.deadline - now);
  checkTimer(p);
  return true;
}

/** Delivers pending signals at a check point of the run loop. */
export function deliverSignals(p: LinuxProcess): void {
  checkTimer(p);
  const s = p.sig;
  let framed = false;
  while (p.exit === null) {
    const sig = s.deliverable();
    if (sig === 0) break;
    const info = s.take(sig);
    const oldmask = s.savedMask ?? s.blocked;
    if (p.strace !== null) p.strace(`[pid ${p.pid}] --- ${signalLabel(sig)} {si_signo=${signalLabel(sig)}, si_code=${info.code}${info.pid !== undefined ? `, si_pid=${info.pid}` : ''}} ---`);
    if (act(p, sig, info, null, oldmask)) {
      s.savedMask = null;
      framed = true;
      // Linux frames every deliverable signal before returning to user mode, each on top of
      // the last under the previous handler's mask, so the last one framed runs first.
    }
  }
  if (!framed && s.savedMask !== null && p.exit === null) {
    s.blocked = s.savedMask;
    s.savedMask = null;
  }
}

const NAMES: Record<number, string> = { 1: 'SIGHUP', 2: 'SIGINT', 3: 'SIGQUIT', 6: 'SIGABRT', 9: 'SIGKILL', 10: 'SIGUSR1', 12: 'SIGUSR2', 13: 'SIGPIPE', 14: 'SIGALRM', 15: 'SIGTERM', 17: 'SIGCHLD' };
const signalLabel = (sig: number): string => NAMES[sig] ?? `SIG${sig}`;

/** trapno and error code the CPU would report for a fault of this kind. */
function faultContext(signal: number, code: number, address: number): FaultContext {
  switch (signal) {
    case SIGSEGV: return code === 0x80 ? { trapno: 13, err: 0, cr2: 0 } : { trapno: 14, err: 4 | (code === 2 ? 1 : 0), cr2: address >>> 0 };
    case SIGFPE: return { trapno: 0, err: 0, cr2: 0 };
    case SIGILL: return { trapno: 6, err: 0, cr2: 0 };
    case SIGTRAP: return { trapno: 3, err: 0, cr2: 0 };
    case SIGBUS: return { trapno: 17, err: 0, cr2: 0 };
    default: return { trapno: 0, err: 0, cr2: 0 };
  }
}

export interface MachineFault { signal: number; code: number; address: number; eip: number; message: string }

/**
 * A fault of the machine as a synchronous signal (force_sig_fault): a blocked or ignored fault
 * signal kills; a handler gets a frame with the faulting EIP in its sigcontext. Returns true
 * when the guest handles it (or the process has been ended with the right state).
 */
export function deliverFault(p: LinuxProcess, f: MachineFault): boolean {
  const sig = f.signal;
  const a = p.sig.actions[sig];
  if (a === undefined || a.handler === SIG_DFL || a.handler === SIG_IGN || (p.sig.blocked & sigbit(sig)) !== 0n) return false;
  p.machine.eip = f.eip;
  const info: SigInfo = { signo: sig, code: f.code, addr: sig === SIGTRAP || sig === SIGSEGV || sig === SIGBUS ? f.address : f.eip };
  if (sig === SIGSEGV && f.code === SI_KERNEL) info.addr = 0;
  if (p.strace !== null) p.strace(`[pid ${p.pid}] --- ${sig === SIGSEGV ? 'SIGSEGV' : `SIG${sig}`} {si_signo=${sig}, si_code=${f.code}, si_addr=0x${(info.addr! >>> 0).toString(16)}} ---`);
  const oldmask = p.sig.savedMask ?? p.sig.blocked;
  p.sig.savedMask = null;
  act(p, sig, info, faultContext(sig, f.code, f.address), oldmask, { address: f.address, eip: f.eip, message: f.message });
  return true;
}

/** System calls a signal never restarts, whatever SA_RESTART says (Linux: ERESTARTNOHAND & co). */
const NO_RESTART = new Set(['nanosleep', 'clock_nanosleep', 'clock_nanosleep_time64', 'pause', 'rt_sigsuspend', 'sigsuspend',
  'poll', 'ppoll', 'ppoll_time64', 'select', '_newselect', 'pselect6', 'pselect6_time64', 'rt_sigtimedwait', 'rt_sigtimedwait_time64']);

/**
 * A parked call was interrupted by a deliverable signal: either arrange for it to be made again
 * after the handler (EIP back over `int 0x80`, EAX = the call number) or return -EINTR.
 */
export function interruptSyscall(p: LinuxProcess, nr: number, name: string): number | null {
  const sig = p.sig.deliverable();
  if (sig === 0) return null;
  p.sleepDeadline = null;
  const a = p.sig.actions[sig];
  const handled = a.handler !== SIG_DFL && a.handler !== SIG_IGN;
  if (handled && (a.flags & SA_RESTART) && !NO_RESTART.has(name)) {
    p.machine.cpu.eip = (p.machine.cpu.eip - 2) >>> 0;
    p.machine.cpu.r[EAX] = nr;
    return nr;
  }
  return -4; // EINTR
}
