// The signal state of one process: the action per signal (handler, flags, restorer, mask), the
// blocked mask, pending signals with their siginfo, the alternate stack, the saved mask of
// sigsuspend, the interval timer behind alarm/setitimer, and a way to wake the process when it
// is parked in a blocking call and a signal arrives that it must act on.

import {
  NSIG, SA_NOCLDWAIT, SIG_DFL, SIG_IGN, SIGCHLD, SIGKILL, SIGSTOP, SS_DISABLE, UNBLOCKABLE,
  defaultAction, sigbit,
} from './constants.js';

export interface SigAction {
  handler: number;
  flags: number;
  restorer: number;
  mask: bigint;
}

/** The fields of a siginfo the kernel fills (the union members used on i386). */
export interface SigInfo {
  signo: number;
  code: number;
  errno?: number;
  /** kill, SIGCHLD: sender pid and uid. */
  pid?: number;
  uid?: number;
  /** SIGCHLD: exit status or signal. */
  status?: number;
  /** Faults: the address. */
  addr?: number;
  /** Timers: the timer id and overrun; sigqueue: the value. */
  timerid?: number;
  overrun?: number;
  value?: number;
}

export interface AltStack { sp: number; size: number; flags: number }

/** ITIMER_REAL: next expiry on CLOCK_MONOTONIC (ns) and reload interval (ns), 0n when off. */
export interface RealTimer { deadline: bigint; interval: bigint; hostTimer: ReturnType<typeof setTimeout> | null }

const dfl = (): SigAction => ({ handler: SIG_DFL, flags: 0, restorer: 0, mask: 0n });

export class SignalState {
  /** Index 1..64. */
  actions: SigAction[] = Array.from({ length: NSIG + 1 }, dfl);
  blocked = 0n;
  /** Pending set and the siginfo of each (standard signals keep one; real-time ones queue). */
  pending = 0n;
  private readonly infos = new Map<number, SigInfo[]>();
  altstack: AltStack = { sp: 0, size: 0, flags: SS_DISABLE };
  /** sigsuspend/ppoll: the mask to restore once a handler (or nothing) has run. */
  savedMask: bigint | null = null;
  timer: RealTimer = { deadline: 0n, interval: 0n, hostTimer: null };
  private wakers: (() => void)[] = [];

  /** Does the signal, if delivered now, do anything (a handler, or a default that is not ignore)? */
  acts(sig: number): boolean {
    const a = this.actions[sig];
    if (a.handler === SIG_IGN) return false;
    if (a.handler === SIG_DFL) {
      const d = defaultAction(sig);
      return d === 'term' || d === 'core';
    }
    return true;
  }

  /** Would this signal be discarded at generation (ignored, explicitly or by default)? */
  ignored(sig: number): boolean {
    if (sig === SIGKILL || sig === SIGSTOP) return false;
    const a = this.actions[sig];
    if (a.handler === SIG_IGN) return true;
    if (a.handler === SIG_DFL) {
      const d = defaultAction(sig);
      return d === 'ign' || d === 'cont' || d === 'stop';
    }
    return false;
  }

  /** SIGCHLD ignored or SA_NOCLDWAIT: children are reaped automatically. */
  autoReap(): boolean {
    const a = this.actions[SIGCHLD];
    return a.handler === SIG_IGN || (a.flags & SA_NOCLDWAIT) !== 0;
  }

  /** Makes `sig` pending with `info` (a no-op for an ignored signal). */
  post(sig: number, info: SigInfo): void {
    if (this.ignored(sig)) return;
    const bit = sigbit(sig);
    let q = this.infos.get(sig);
    if (q === undefined) this.infos.set(sig, (q = []));
    if (sig >= 32) q.push(info);
    else if ((this.pending & bit) === 0n) q.push(info);
    this.pending |= bit;
    if (this.deliverable() !== 0) this.wake();
  }

  /** The lowest pending signal that is not blocked and acts, or 0. Ignorable ones are dropped. */
  deliverable(): number {
    const ready = this.pending & ~(this.blocked & ~UNBLOCKABLE);
    if (ready === 0n) return 0;
    for (let sig = 1; sig <= NSIG; sig++) {
      if ((ready & sigbit(sig)) === 0n) continue;
      if (!this.acts(sig)) { this.take(sig); continue; }
      return sig;
    }
    return 0;
  }

  /** Removes one instance of `sig` from the pending set; returns its siginfo. */
  take(sig: number): SigInfo {
    const q = this.infos.get(sig) ?? [];
    const info = q.shift() ?? { signo: sig, code: 0 };
    if (q.length === 0) this.pending &= ~sigbit(sig);
    return info;
  }

  /** Drops pending instances of a signal (when its action becomes ignore). */
  discard(sig: number): void {
    this.infos.delete(sig);
    this.pending &= ~sigbit(sig);
  }

  /** A promise that settles when a signal arrives that the process must act on. */
  interrupted(): { promise: Promise<void>; cancel: () => void } {
    let w: () => void = () => undefined;
    const promise = new Promise<void>((resolve) => { w = resolve; });
    this.wakers.push(w);
    return { promise, cancel: () => { this.wakers = this.wakers.filter((x) => x !== w); } };
  }

  wake(): void {
    const ws = this.wakers;
    this.wakers = [];
    for (const w of ws) w();
  }

  /** fork: the child inherits actions, mask and alternate stack; nothing pending, no timer. */
  fork(): SignalState {
    const s = new SignalState();
    s.actions = this.actions.map((a) => ({ ...a }));
    s.blocked = this.blocked;
    s.altstack = { ...this.altstack };
    return s;
  }

  /** execve: handled signals go back to default (ignored stay ignored), no alternate stack. */
  exec(): void {
    for (let sig = 1; sig <= NSIG; sig++) {
      const a = this.actions[sig];
      if (a.handler !== SIG_IGN) this.actions[sig] = dfl();
      else this.actions[sig] = { handler: SIG_IGN, flags: 0, restorer: 0, mask: 0n };
    }
    this.altstack = { sp: 0, size: 0, flags: SS_DISABLE };
  }
}
