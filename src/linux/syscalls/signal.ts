// The signal system calls: sigaction (old i386 struct) and rt_sigaction, signal, sigprocmask and
// rt_sigprocmask, sigpending and rt_sigpending, sigsuspend and rt_sigsuspend, pause, sigaltstack,
// alarm, setitimer/getitimer (ITIMER_REAL), kill, tkill, tgkill, rt_sigqueueinfo, sigreturn and
// rt_sigreturn. Structures (from the kernel's i386 uapi headers):
//   old_sigaction: handler u32, mask u32, flags u32, restorer u32
//   sigaction (rt): handler u32, flags u32, restorer u32, mask u64 (sigsetsize must be 8)
//   stack_t: ss_sp u32, ss_flags i32, ss_size u32
//   itimerval: it_interval {sec, usec}, it_value {sec, usec} (i32 each)

import { EINVAL, ENOMEM, EPERM, ESRCH } from '../errno.js';
import { familyOf } from '../kernel.js';
import type { LinuxProcess } from '../process.js';
import {
  MINSIGSTKSZ, NSIG, SA_NODEFER, SA_RESETHAND, SIG_BLOCK, SIG_DFL, SIG_SETMASK, SIG_UNBLOCK, SIGKILL,
  SIGPIPE, SIGSTOP, SI_TKILL, SI_USER, SS_AUTODISARM, SS_DISABLE, SS_ONSTACK, UNBLOCKABLE, hiWord, loWord, setFromWords, sigbit,
} from '../signals/constants.js';
import { armHostTimer, fireTimer, sendSignal } from '../signals/deliver.js';
import { altStackFlags, onAltStack, rtSigreturn, sigreturn } from '../signals/frame.js';
import type { SigAction } from '../signals/state.js';
import { ESP } from '../../cpu/state.js';
import { Blocked, defineSyscall } from './registry.js';
import { fileHooks } from './vfs-util.js';

const valid = (sig: number): boolean => sig >= 1 && sig <= NSIG;

/** Sets a new action (already validated), discarding pending instances of a now-ignored signal. */
function setAction(p: LinuxProcess, sig: number, act: SigAction): void {
  p.sig.actions[sig] = act;
  if (p.sig.ignored(sig)) p.sig.discard(sig);
}

defineSyscall(174, 'rt_sigaction', (p, a) => {
  const sig = a[0] | 0, act = a[1], oact = a[2];
  if (a[3] !== 8) return -EINVAL;
  if (!valid(sig)) return -EINVAL;
  let next: SigAction | null = null;
  if (act !== 0) {
    const b = p.mem.readBytes(act, 20);
    const v = new DataView(b.buffer);
    if (sig === SIGKILL || sig === SIGSTOP) return -EINVAL;
    next = { handler: v.getUint32(0, true), flags: v.getUint32(4, true), restorer: v.getUint32(8, true), mask: setFromWords(v.getUint32(12, true), v.getUint32(16, true)) & ~UNBLOCKABLE };
  }
  if (oact !== 0) {
    const o = p.sig.actions[sig];
    const b = new Uint8Array(20);
    const v = new DataView(b.buffer);
    v.setUint32(0, o.handler >>> 0, true);
    v.setUint32(4, o.flags >>> 0, true);
    v.setUint32(8, o.restorer >>> 0, true);
    v.setUint32(12, loWord(o.mask), true);
    v.setUint32(16, hiWord(o.mask), true);
    p.mem.writeBytes(oact, b);
  }
  if (next !== null) setAction(p, sig, next);
  return 0;
});

defineSyscall(67, 'sigaction', (p, a) => {
  const sig = a[0] | 0, act = a[1], oact = a[2];
  if (!valid(sig)) return -EINVAL;
  let next: SigAction | null = null;
  if (act !== 0) {
    const b = p.mem.readBytes(act, 16);
    const v = new DataView(b.buffer);
    if (sig === SIGKILL || sig === SIGSTOP) return -EINVAL;
    next = { handler: v.getUint32(0, true), mask: BigInt(v.getUint32(4, true)) & ~UNBLOCKABLE, flags: v.getUint32(8, true), restorer: v.getUint32(12, true) };
  }
  if (oact !== 0) {
    const o = p.sig.actions[sig];
    const b = new Uint8Array(16);
    const v = new DataView(b.buffer);
    v.setUint32(0, o.handler >>> 0, true);
    v.setUint32(4, loWord(o.mask), true);
    v.setUint32(8, o.flags >>> 0, true);
    v.setUint32(12, o.restorer >>> 0, true);
    p.mem.writeBytes(oact, b);
  }
  if (next !== null) setAction(p, sig, next);
  return 0;
});

// signal(2) as the kernel implements it: one-shot, not masked during the handler.
defineSyscall(48, 'signal', (p, a) => {
  const sig = a[0] | 0;
  if (!valid(sig) || sig === SIGKILL || sig === SIGSTOP) return -EINVAL;
  const old = p.sig.actions[sig].handler;
  setAction(p, sig, { handler: a[1], flags: SA_RESETHAND | SA_NODEFER, restorer: 0, mask: 0n });
  return old | 0;
});

function changeMask(p: LinuxProcess, how: number, set: bigint | null): number {
  const s = p.sig;
  if (set === null) return 0;
  switch (how) {
    case SIG_BLOCK: s.blocked |= set; break;
    case SIG_UNBLOCK: s.blocked &= ~set; break;
    case SIG_SETMASK: s.blocked = set; break;
    default: return -EINVAL;
  }
  s.blocked &= ~UNBLOCKABLE;
  return 0;
}

defineSyscall(175, 'rt_sigprocmask', (p, a) => {
  if (a[3] !== 8) return -EINVAL;
  const how = a[0] | 0;
  const old = p.sig.blocked;
  let set: bigint | null = null;
  if (a[1] !== 0) {
    set = setFromWords(p.mem.read32(a[1]), p.mem.read32(a[1] + 4));
    if (how !== SIG_BLOCK && how !== SIG_UNBLOCK && how !== SIG_SETMASK) return -EINVAL;
  }
  if (a[2] !== 0) { p.mem.write32(a[2], loWord(old)); p.mem.write32(a[2] + 4, hiWord(old)); }
  return changeMask(p, how, set);
});

defineSyscall(126, 'sigprocmask', (p, a) => {
  const how = a[0] | 0;
  const old = p.sig.blocked;
  let set: bigint | null = null;
  if (a[1] !== 0) {
    // The old call sees only the first 32 signals: the others keep their state.
    const lo = BigInt(p.mem.read32(a[1]) >>> 0);
    if (how === SIG_SETMASK) set = (old & ~0xffff_ffffn) | lo;
    else set = lo;
    if (how !== SIG_BLOCK && how !== SIG_UNBLOCK && how !== SIG_SETMASK) return -EINVAL;
  }
  if (a[2] !== 0) p.mem.write32(a[2], loWord(old));
  return changeMask(p, how, set);
});

defineSyscall(176, 'rt_sigpending', (p, a) => {
  if (a[1] > 8) return -EINVAL;
  const pend = p.sig.pending & p.sig.blocked;
  const b = new Uint8Array(8);
  new DataView(b.buffer).setUint32(0, loWord(pend), true);
  new DataView(b.buffer).setUint32(4, hiWord(pend), true);
  p.mem.writeBytes(a[0], b.subarray(0, a[1]));
  return 0;
});
defineSyscall(73, 'sigpending', (p, a) => {
  p.mem.write32(a[0], loWord(p.sig.pending & p.sig.blocked));
  return 0;
});

const forever = (): Blocked => new Blocked(new Promise<void>(() => undefined));

/** sigsuspend: the mask is replaced until a signal is handled; the call always ends in EINTR. */
function suspend(p: LinuxProcess, mask: bigint): number | Blocked {
  const s = p.sig;
  if (s.savedMask === null) {
    s.savedMask = s.blocked;
    s.blocked = mask & ~UNBLOCKABLE;
  }
  return forever();
}
defineSyscall(179, 'rt_sigsuspend', (p, a) => {
  if (a[1] !== 8) return -EINVAL;
  return suspend(p, setFromWords(p.mem.read32(a[0]), p.mem.read32(a[0] + 4)));
});
// i386 sigsuspend(history0, history1, old_sigset_t mask): the mask is the third argument.
defineSyscall(72, 'sigsuspend', (p, a) => suspend(p, (p.sig.blocked & ~0xffff_ffffn) | BigInt(a[2] >>> 0)));

defineSyscall(29, 'pause', () => forever());

defineSyscall(186, 'sigaltstack', (p, a) => {
  const s = p.sig;
  const sp = p.machine.cpu.r[ESP] >>> 0;
  if (a[0] !== 0) {
    const b = p.mem.readBytes(a[0], 12);
    const v = new DataView(b.buffer);
    const ss = { sp: v.getUint32(0, true), flags: v.getInt32(4, true) >>> 0, size: v.getUint32(8, true) };
    if (onAltStack(s.altstack, sp)) return -EPERM;
    const mode = ss.flags & ~SS_AUTODISARM;
    if (mode !== SS_DISABLE && mode !== SS_ONSTACK && mode !== 0) return -EINVAL;
    if (a[1] !== 0) writeStack(p, a[1], sp);
    if (mode === SS_DISABLE) s.altstack = { sp: 0, size: 0, flags: SS_DISABLE };
    else {
      if (ss.size < MINSIGSTKSZ) return -ENOMEM;
      s.altstack = { sp: ss.sp, size: ss.size, flags: ss.flags & SS_AUTODISARM };
    }
    return 0;
  }
  if (a[1] !== 0) writeStack(p, a[1], sp);
  return 0;
});

function writeStack(p: LinuxProcess, at: number, sp: number): void {
  const s = p.sig.altstack;
  const b = new Uint8Array(12);
  const v = new DataView(b.buffer);
  v.setUint32(0, s.sp >>> 0, true);
  v.setInt32(4, altStackFlags(s, sp) | (s.flags & SS_AUTODISARM), true);
  v.setUint32(8, s.size >>> 0, true);
  p.mem.writeBytes(at, b);
}

defineSyscall(119, 'sigreturn', (p) => sigreturn(p));
defineSyscall(173, 'rt_sigreturn', (p) => rtSigreturn(p));

// ITIMER_REAL behind alarm() and setitimer(); the deadline is on the process's monotonic clock.
function remaining(p: LinuxProcess): bigint {
  const t = p.sig.timer;
  if (t.deadline === 0n) return 0n;
  const left = t.deadline - (p.clock.now(1) ?? 0n);
  return left > 0n ? left : 1n;
}

function setTimer(p: LinuxProcess, value: bigint, interval: bigint): void {
  const t = p.sig.timer;
  t.deadline = value > 0n ? (p.clock.now(1) ?? 0n) + value : 0n;
  t.interval = value > 0n ? interval : 0n;
  armHostTimer(p);
}

defineSyscall(27, 'alarm', (p, a) => {
  const left = remaining(p);
  setTimer(p, BigInt(a[0] >>> 0) * 1_000_000_000n, 0n);
  // Whole seconds, rounded to nearest, at least 1 when a timer was pending (as Linux).
  if (left === 0n) return 0;
  const secs = Number((left + 500_000_000n) / 1_000_000_000n);
  return secs === 0 ? 1 : secs;
});

const ITIMER_REAL = 0;
function putItimerval(p: LinuxProcess, at: number, interval: bigint, value: bigint): void {
  const b = new Uint8Array(16);
  const v = new DataView(b.buffer);
  const us = (ns: bigint): [number, number] => [Number(ns / 1_000_000_000n), Number((ns % 1_000_000_000n + 999n) / 1000n)];
  const [is, iu] = us(interval), [vs, vu] = us(value);
  v.setInt32(0, is, true); v.setInt32(4, iu, true); v.setInt32(8, vs, true); v.setInt32(12, vu, true);
  p.mem.writeBytes(at, b);
}
defineSyscall(105, 'getitimer', (p, a) => {
  if (a[0] !== ITIMER_REAL) return a[0] <= 2 ? (putItimerval(p, a[1], 0n, 0n), 0) : -EINVAL;
  putItimerval(p, a[1], p.sig.timer.interval, remaining(p));
  return 0;
});
defineSyscall(104, 'setitimer', (p, a) => {
  if (a[0] > 2) return -EINVAL;
  let value = 0n, interval = 0n;
  if (a[1] !== 0) {
    const b = p.mem.readBytes(a[1], 16);
    const v = new DataView(b.buffer);
    const tv = (o: number): bigint | null => {
      const s = v.getInt32(o, true), us = v.getInt32(o + 4, true);
      if (s < 0 || us < 0 || us >= 1_000_000) return null;
      return BigInt(s) * 1_000_000_000n + BigInt(us) * 1000n;
    };
    const i = tv(0), val = tv(8);
    if (i === null || val === null) return -EINVAL;
    interval = i; value = val;
  }
  if (a[0] !== ITIMER_REAL) {
    // ITIMER_VIRTUAL/ITIMER_PROF are accepted and never fire (no CPU-time timers yet).
    if (a[2] !== 0) putItimerval(p, a[2], 0n, 0n);
    return 0;
  }
  if (a[2] !== 0) putItimerval(p, a[2], p.sig.timer.interval, remaining(p));
  setTimer(p, value, interval);
  if (value > 0n && p.clock.deterministic && remaining(p) <= 0n) fireTimer(p);
  return 0;
});

/** Who `pid` names for kill(): one process, a process group, or everyone (-1). */
function targets(p: LinuxProcess, pid: number): LinuxProcess[] {
  const all = [...familyOf(p).table.procs.values()].filter((q) => q.exit === null);
  if (pid > 0) return all.filter((q) => q.pid === pid);
  if (pid === 0) return all.filter((q) => q.pgid === p.pgid);
  if (pid === -1) return all.filter((q) => q !== p && q.pid !== 1).concat([p]);
  return all.filter((q) => q.pgid === -pid);
}

function killOne(p: LinuxProcess, q: LinuxProcess, sig: number, code: number): void {
  if (sig === 0) return;
  sendSignal(q, sig, { signo: sig, code, pid: p.pid, uid: p.creds.uid });
}

defineSyscall(37, 'kill', (p, a) => {
  const pid = a[0] | 0, sig = a[1] | 0;
  if (sig < 0 || sig > NSIG) return -EINVAL;
  if (pid === -2147483648) return -ESRCH;
  const qs = targets(p, pid);
  if (qs.length === 0) return -ESRCH;
  for (const q of qs) killOne(p, q, sig, SI_USER);
  return 0;
});

function tkill(p: LinuxProcess, tgid: number, tid: number, sig: number): number {
  if (tid <= 0 || sig < 0 || sig > NSIG) return -EINVAL;
  const q = familyOf(p).table.procs.get(tid);
  if (q === undefined || q.exit !== null || (tgid > 0 && q.pid !== tgid)) return -ESRCH;
  killOne(p, q, sig, SI_TKILL);
  return 0;
}
defineSyscall(238, 'tkill', (p, a) => tkill(p, -1, a[0] | 0, a[1] | 0));
defineSyscall(270, 'tgkill', (p, a) => ((a[0] | 0) <= 0 ? -EINVAL : tkill(p, a[0] | 0, a[1] | 0, a[2] | 0)));

defineSyscall(178, 'rt_sigqueueinfo', (p, a) => {
  const pid = a[0] | 0, sig = a[1] | 0;
  if (!valid(sig)) return -EINVAL;
  const b = p.mem.readBytes(a[2], 128);
  const v = new DataView(b.buffer);
  const code = v.getInt32(8, true);
  // Only negative codes may be forged by a process other than the kernel.
  if (code >= 0 && pid !== p.pid) return -EPERM;
  const q = familyOf(p).table.procs.get(pid);
  if (q === undefined || q.exit !== null) return -ESRCH;
  sendSignal(q, sig, { signo: sig, code, pid: v.getInt32(12, true), uid: v.getUint32(16, true), value: v.getInt32(20, true) });
  return 0;
});

// A write to a pipe with no reader: SIGPIPE (its default action kills), sent as the kernel
// does with send_sig (si_code SI_USER), before the call returns EPIPE.
// With the default action and SIGPIPE not blocked, the process dies right away (nothing of the
// guest could run before the delivery anyway).
fileHooks.sigpipe = (p: LinuxProcess): void => {
  const s = p.sig;
  if (s.actions[SIGPIPE].handler === SIG_DFL && (s.blocked & sigbit(SIGPIPE)) === 0n) {
    p.terminate({ kind: 'signaled', signal: SIGPIPE });
    return;
  }
  sendSignal(p, SIGPIPE, { signo: SIGPIPE, code: SI_USER, pid: p.pid, uid: p.creds.uid });
};

