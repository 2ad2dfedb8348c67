// The main loop of a Linux process: run translated code for a quantum, then serve whatever
// stopped it. A system call is dispatched by EAX through the syscall table (unknown numbers get
// -ENOSYS and a --strace line); a call that must wait returns Blocked, and the process is parked
// until its promise settles (or a signal interrupts it: EINTR, or a restart under SA_RESTART),
// then the call is made again. Pending signals are delivered after every system call and quantum;
// a fault becomes a synchronous signal for the guest's handler, or ends the process with its
// signal, which the CLI reports like a shell, as 128+N. Every process (the first and each forked
// child) runs its own loop; they share the host event loop cooperatively.

import { TF } from '../cpu/flags.js';
import { EAX, EBP, EBX, ECX, EDI, EDX, ESI } from '../cpu/state.js';
import type { RunResult } from '../engine/machine.js';
import { GuestFault } from '../memory/arena.js';
import { EAGAIN, EFAULT, ENOMEM, ENOSYS } from './errno.js';
import type { ExitState, LinuxProcess } from './process.js';
import { signalName, SIGXCPU } from './signals-info.js';
import { straceLine } from './strace.js';
import { Blocked, SYSCALLS, type SyscallDef, type SyscallResult } from './syscalls/registry.js';
import { admitCall, copyArgs, NET_CALLS, type CallHooks } from './syscalls/decode-args.js';
import { runWithCopies, type CallCopies } from './syscalls/call-copies.js';
import { SYSCALL_NAMES } from './syscalls/names.js';
import { BlockTracer } from './trace.js';
import { familyOf, processEnded, ProcessLimitError } from './kernel.js';
import { MemoryLimitError } from './mm.js';
import { advanceToTimer, deliverFault, deliverSignals, interruptSyscall } from './signals/deliver.js';
import './syscalls/index.js';

export type FaultResult = Extract<RunResult, { kind: 'fault' }>;

export interface RunOptions {
  /** Instructions per engine slice between checks of the host event loop (default 1,000,000). */
  quantum?: number;
  /** Stop the guest with SIGXCPU after this many instructions (--cpu-insns). */
  maxInstructions?: number;
  /** Block-level trace sink (--trace): one block per slice, with its disassembly. */
  trace?: ((line: string) => void) | null;
  /**
   * Signal delivery hook: return true when the fault was turned into a signal the guest
   * handles. Without one (or when it returns false) the process dies of the signal.
   */
  onFault?: (p: LinuxProcess, fault: FaultResult) => boolean;
  /** Per-tenant accounting and control (the embedding API's limits, suspend, policy, debug). */
  account?: Account | null;
}

/**
 * What a tenant's processes report to, and are held by, the embedder (src/api/sandbox.ts). Every
 * process of a family (the first and its forked children) uses the same account.
 */
export interface Account extends CallHooks {
  /**
   * Before each slice: may end the process (p.terminate) and returns the most instructions the
   * slice may run (Infinity for no cap). A promise holds the process (suspend) until it settles.
   */
  beforeSlice(p: LinuxProcess): number | Promise<void>;
  /** After each slice and its system call: instructions retired and host milliseconds spent. */
  charge(p: LinuxProcess, instructions: number, hostMs: number): void;
  // CallHooks: syscall(p, call) before a call runs under a policy, with its arguments decoded and
  // copied (decode-args.ts); network(p, req) for socket calls, which are refused with EACCES
  // unless it (or syscall) answers 'allow'. A negative errno refuses; the handler never runs.
  /** After a system call completes (debug events). */
  syscallDone?(p: LinuxProcess, nr: number, name: string, args: Uint32Array, result: number): void;
  /** The process has ended (its descriptors are closed). */
  ended(p: LinuxProcess, end: ExitState): void;
}

/** Calls whose strace line is printed before the call, because they do not return. */
const NO_RETURN = new Set(['exit', 'exit_group']);

const SI_CODES: Record<number, Record<number, string>> = {
  11: { 1: 'SEGV_MAPERR', 2: 'SEGV_ACCERR', 0x80: 'SI_KERNEL' },
  4: { 1: 'ILL_ILLOPC', 2: 'ILL_ILLOPN', 0x80: 'SI_KERNEL' },
  8: { 1: 'FPE_INTDIV', 2: 'FPE_INTOVF', 0x80: 'SI_KERNEL' },
};

function call(p: LinuxProcess, def: SyscallDef, args: Uint32Array, copies: CallCopies | null): SyscallResult {
  try {
    // With copies, the handler reads the arguments the policy saw, not guest memory again.
    return runWithCopies(p, copies, () => def.handler(p, args));
  } catch (e) {
    // Every guest pointer goes through the arena's checked accessors: a bad one is EFAULT.
    if (e instanceof GuestFault) return -EFAULT;
    // Tenant limits (the embedding API): checked before anything changed.
    if (e instanceof MemoryLimitError) return -ENOMEM;
    if (e instanceof ProcessLimitError) return -EAGAIN;
    throw e;
  }
}

function complete(p: LinuxProcess, name: string, args: Uint32Array, result: number, account?: Account | null, nr = -1): void {
  if (p.exit !== null) return;
  p.machine.cpu.r[EAX] = result | 0;
  if (p.strace !== null) p.strace(straceLine(p, name, args, result));
  account?.syscallDone?.(p, nr, name, args, result | 0);
}

async function waitAndRetry(p: LinuxProcess, def: SyscallDef, args: Uint32Array, first: Blocked, account: Account | null | undefined, copies: CallCopies | null): Promise<void> {
  let result: SyscallResult = first;
  while (result instanceof Blocked) {
    // Deterministic clocks: a process parked with an alarm armed jumps ahead to it.
    advanceToTimer(p);
    if (p.sig.deliverable() === 0) {
      const intr = p.sig.interrupted();
      // A wake-up that fails (a host stream error) still means "look again": the retry decides.
      await Promise.race([result.wake.catch(() => undefined), intr.promise]);
      intr.cancel();
    }
    if (p.exit !== null) return;
    result = call(p, def, args, copies);
    if (p.exit !== null) return;
    // Still waiting, and a signal the process must act on has come: EINTR, or the call made
    // again after the handler (SA_RESTART).
    if (result instanceof Blocked) {
      const interrupted = interruptSyscall(p, def.nr, def.name);
      if (interrupted !== null) {
        if (interrupted < 0) complete(p, def.name, args, interrupted, account, def.nr);
        else if (p.strace !== null) p.strace(`[pid ${p.pid}] ${def.name}(...) = ? ERESTARTSYS (To be restarted if SA_RESTART is set)`);
        return;
      }
    }
  }
  complete(p, def.name, args, result, account, def.nr);
}

/** Serves the system call the guest stopped at; a promise when the call had to wait. */
export function dispatchSyscall(p: LinuxProcess, account?: Account | null): Promise<void> | null {
  const r = p.machine.cpu.r;
  const nr = r[EAX] >>> 0;
  const args = Uint32Array.of(r[EBX], r[ECX], r[EDX], r[ESI], r[EDI], r[EBP]);
  p.stats.syscalls++;
  const def = SYSCALLS.get(nr);
  if (def === undefined) {
    complete(p, SYSCALL_NAMES.get(nr) ?? `syscall_0x${nr.toString(16)}`, args, -ENOSYS, account, nr);
    return null;
  }
  // Under a policy, and for every socket call (network is default-deny), the pointed-to
  // arguments are copied and decoded once, judged, and then used by the handler.
  const copies = account?.syscall !== undefined || NET_CALLS.has(nr) ? copyArgs(p, nr, def.name, args) : null;
  const refused = copies !== null ? admitCall(p, copies, account ?? null) : null;
  if (refused !== null) {
    complete(p, def.name, args, refused, account, nr);
    return null;
  }
  if (p.strace !== null && NO_RETURN.has(def.name)) p.strace(straceLine(p, def.name, args, null));
  const result = call(p, def, args, copies);
  if (result instanceof Blocked) return waitAndRetry(p, def, args, result, account, copies);
  complete(p, def.name, args, result, account, def.nr);
  return null;
}

function die(p: LinuxProcess, f: FaultResult, o: RunOptions): void {
  if (o.onFault?.(p, f)) return;
  if (deliverFault(p, f)) return;
  if (p.strace !== null) {
    const code = SI_CODES[f.signal]?.[f.code] ?? String(f.code);
    p.strace(`[pid ${p.pid}] --- ${signalName(f.signal)} {si_signo=${signalName(f.signal)}, si_code=${code}, si_addr=0x${(f.address >>> 0).toString(16)}} ---`);
  }
  p.terminate({ kind: 'signaled', signal: f.signal, address: f.address, eip: f.eip, message: f.message });
}

const yieldToHost = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Instructions and system calls a process may run before it lets others (and the host) in. */
const SYSCALLS_PER_TURN = 64;

/** Runs `p` until it exits or dies; resolves to how it ended. Forked children run alongside. */
export async function runProcess(p: LinuxProcess, o: RunOptions = {}): Promise<ExitState> {
  const table = familyOf(p).table;
  if (table.start === null) {
    // A forked child starts on a later turn of the event loop, not inside its parent's call.
    table.start = (child) => {
      yieldToHost().then(() => runProcess(child, o)).catch((e: unknown) => {
        process.stderr.write(`vxts: internal error in pid ${child.pid}: ${(e as Error)?.stack ?? String(e)}\n`);
        child.terminate({ kind: 'signaled', signal: 6, message: 'internal error' });
      });
    };
  }
  const tracer = o.trace ? new BlockTracer(o.trace, () => p.pid) : null;
  // Tracing runs one block per slice (the engine stops at the first block end past the budget).
  const quantum = tracer !== null ? 1 : Math.max(1, o.quantum ?? 1_000_000);
  let slices = 0;
  let turnInstructions = 0, turnSyscalls = 0;
  const account = o.account ?? null;
  while (p.exit === null) {
    let slice = quantum;
    if (account !== null) {
      const allowed = account.beforeSlice(p);
      if (typeof allowed !== 'number') {
        await allowed;
        turnInstructions = turnSyscalls = 0;
        continue;
      }
      if (p.exit !== null) break;
      slice = Math.max(1, Math.min(slice, allowed));
    }
    // execve replaces the Machine: look it up on every slice.
    const m = p.machine;
    if (o.maxInstructions !== undefined) {
      const left = o.maxInstructions - p.stats.instructions;
      if (left <= 0) {
        p.terminate({ kind: 'signaled', signal: SIGXCPU, eip: m.eip, message: `instruction limit of ${o.maxInstructions} reached` });
        break;
      }
      slice = Math.min(slice, left);
    }
    tracer?.enter(m.memory, m.eip);
    const t0 = account !== null ? performance.now() : 0;
    const r = m.run(slice);
    const ran = Math.max(0, slice - m.cpu.budget);
    p.stats.instructions += ran;
    turnInstructions += ran;
    let yieldNow = false;
    if (r.kind === 'syscall') {
      // TF when the call began: the single-step trap follows it (after sigreturn restores TF, the
      // trap comes after the next instruction instead, as TF was clear when the call began).
      const stepping = (m.cpu.eflags & TF) !== 0;
      const wait = dispatchSyscall(p, account);
      account?.charge(p, ran, performance.now() - t0);
      if (wait !== null) {
        await wait;
        turnInstructions = turnSyscalls = 0;
      } else if (++turnSyscalls >= SYSCALLS_PER_TURN) {
        yieldNow = true;
      }
      if (stepping && p.exit === null && p.machine === m) {
        const eip = m.eip;
        die(p, { kind: 'fault', signal: 5, code: 1 /* TRAP_BRKPT, as Linux reports a stepped system call */, address: eip, eip, message: `single step at 0x${eip.toString(16)}` }, o);
      }
    } else if (r.kind === 'fault') {
      account?.charge(p, ran, performance.now() - t0);
      die(p, r, o);
    } else {
      account?.charge(p, ran, performance.now() - t0);
      if (tracer === null || ++slices % 4096 === 0) yieldNow = true;
    }
    if (p.exit === null) deliverSignals(p);
    if (yieldNow || (tracer === null && turnInstructions >= quantum)) {
      // Let timers and I/O of the host, and the other processes, run between slices.
      turnInstructions = turnSyscalls = 0;
      await yieldToHost();
    }
  }
  const end = p.exit as ExitState;
  // Linux closes every descriptor of a process that ends (pipe readers then see EOF).
  p.fds.closeAll();
  if (p.strace !== null) {
    p.strace(end.kind === 'exited' ? `[pid ${p.pid}] +++ exited with ${end.code} +++` : `[pid ${p.pid}] +++ killed by ${signalName(end.signal)} +++`);
  }
  processEnded(p, end);
  account?.ended(p, end);
  // Nothing runs this image again (a zombie keeps only its exit status): the arena is recycled
  // and the family's memory account no longer counts it.
  p.mm.budget?.leave(p.mm);
  p.machine.release();
  return end;
}
