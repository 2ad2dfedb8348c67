// The main loop of a Linux process: run translated code for a quantum, then serve whatever
// stopped it. A system call is dispatched by EAX through the syscall table (unknown numbers get
// -ENOSYS and a --strace line); a call that must wait returns Blocked, and the process is parked
// until its promise settles, then the call is made again. A fault ends the process with its
// signal (until signal delivery exists), which the CLI reports like a shell, as 128+N.

import { EAX, EBP, EBX, ECX, EDI, EDX, ESI } from '../cpu/state.js';
import type { RunResult } from '../engine/machine.js';
import { GuestFault } from '../memory/arena.js';
import { EFAULT, ENOSYS } from './errno.js';
import type { ExitState, LinuxProcess } from './process.js';
import { signalName, SIGXCPU } from './signals-info.js';
import { straceLine } from './strace.js';
import { Blocked, SYSCALLS, type SyscallDef, type SyscallResult } from './syscalls/registry.js';
import { SYSCALL_NAMES } from './syscalls/names.js';
import { BlockTracer } from './trace.js';
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
}

/** Calls whose strace line is printed before the call, because they do not return. */
const NO_RETURN = new Set(['exit', 'exit_group']);

const SI_CODES: Record<number, Record<number, string>> = {
  11: { 1: 'SEGV_MAPERR', 2: 'SEGV_ACCERR', 0x80: 'SI_KERNEL' },
  4: { 1: 'ILL_ILLOPC', 2: 'ILL_ILLOPN', 0x80: 'SI_KERNEL' },
  8: { 1: 'FPE_INTDIV', 2: 'FPE_INTOVF', 0x80: 'SI_KERNEL' },
};

function call(p: LinuxProcess, def: SyscallDef, args: Uint32Array): SyscallResult {
  try {
    return def.handler(p, args);
  } catch (e) {
    // Every guest pointer goes through the arena's checked accessors: a bad one is EFAULT.
    if (e instanceof GuestFault) return -EFAULT;
    throw e;
  }
}

function complete(p: LinuxProcess, name: string, args: Uint32Array, result: number): void {
  if (p.exit !== null) return;
  p.machine.cpu.r[EAX] = result | 0;
  if (p.strace !== null) p.strace(straceLine(p, name, args, result));
}

async function waitAndRetry(p: LinuxProcess, def: SyscallDef, args: Uint32Array, first: Blocked): Promise<void> {
  let result: SyscallResult = first;
  while (result instanceof Blocked) {
    // A wake-up that fails (a host stream error) still means "look again": the retry decides.
    await result.wake.catch(() => undefined);
    if (p.exit !== null) return;
    result = call(p, def, args);
  }
  complete(p, def.name, args, result);
}

/** Serves the system call the guest stopped at; a promise when the call had to wait. */
export function dispatchSyscall(p: LinuxProcess): Promise<void> | null {
  const r = p.machine.cpu.r;
  const nr = r[EAX] >>> 0;
  const args = Uint32Array.of(r[EBX], r[ECX], r[EDX], r[ESI], r[EDI], r[EBP]);
  p.stats.syscalls++;
  const def = SYSCALLS.get(nr);
  if (def === undefined) {
    complete(p, SYSCALL_NAMES.get(nr) ?? `syscall_0x${nr.toString(16)}`, args, -ENOSYS);
    return null;
  }
  if (p.strace !== null && NO_RETURN.has(def.name)) p.strace(straceLine(p, def.name, args, null));
  const result = call(p, def, args);
  if (result instanceof Blocked) return waitAndRetry(p, def, args, result);
  complete(p, def.name, args, result);
  return null;
}

function die(p: LinuxProcess, f: FaultResult, o: RunOptions): void {
  if (o.onFault?.(p, f)) return;
  if (p.strace !== null) {
    const code = SI_CODES[f.signal]?.[f.code] ?? String(f.code);
    p.strace(`[pid ${p.pid}] --- ${signalName(f.signal)} {si_signo=${signalName(f.signal)}, si_code=${code}, si_addr=0x${(f.address >>> 0).toString(16)}} ---`);
  }
  p.terminate({ kind: 'signaled', signal: f.signal, address: f.address, eip: f.eip, message: f.message });
}

const yieldToHost = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Runs `p` until it exits or dies; resolves to how it ended. */
export async function runProcess(p: LinuxProcess, o: RunOptions = {}): Promise<ExitState> {
  const m = p.machine;
  const tracer = o.trace ? new BlockTracer(o.trace, () => p.pid) : null;
  // Tracing runs one block per slice (the engine stops at the first block end past the budget).
  const quantum = tracer !== null ? 1 : Math.max(1, o.quantum ?? 1_000_000);
  let slices = 0;
  while (p.exit === null) {
    let slice = quantum;
    if (o.maxInstructions !== undefined) {
      const left = o.maxInstructions - p.stats.instructions;
      if (left <= 0) {
        p.terminate({ kind: 'signaled', signal: SIGXCPU, eip: m.eip, message: `instruction limit of ${o.maxInstructions} reached` });
        break;
      }
      slice = Math.min(slice, left);
    }
    tracer?.enter(m.memory, m.eip);
    const r = m.run(slice);
    p.stats.instructions += Math.max(0, slice - m.cpu.budget);
    if (r.kind === 'syscall') {
      const wait = dispatchSyscall(p);
      if (wait !== null) await wait;
    } else if (r.kind === 'fault') {
      die(p, r, o);
    } else if (tracer === null || ++slices % 4096 === 0) {
      // Let timers and I/O of the host (and other tenants) run between slices.
      await yieldToHost();
    }
  }
  const end = p.exit as ExitState;
  // Linux closes every descriptor of a process that ends (pipe readers then see EOF).
  p.fds.closeAll();
  if (p.strace !== null) {
    p.strace(end.kind === 'exited' ? `[pid ${p.pid}] +++ exited with ${end.code} +++` : `[pid ${p.pid}] +++ killed by ${signalName(end.signal)} +++`);
  }
  return end;
}
