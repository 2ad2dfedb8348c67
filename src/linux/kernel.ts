// The processes of one sandbox: a table of pids, parent/child links, zombies and their reaping,
// the hook that starts a new process's run loop (set by run.ts, so that fork can start a child
// with the same run options), fork's copy of a process, and what happens when a process ends
// (descriptors closed, children reparented, SIGCHLD and wait4 wake-ups for the parent).
//
// Several processes share one Node process: each runs its own cooperative loop (run.ts) that
// yields to the event loop between quanta and parks on a promise when a call must wait.

import { processHostCost } from './memory-budget.js';
import { Machine, type GuestCpu, type MachineOptions } from '../engine/machine.js';
import { layoutFor } from '../loader/index.js';
import { LinuxProcess, type ExitState } from './process.js';
import { CLD_EXITED, CLD_KILLED, SIGCHLD } from './signals/constants.js';
import { sendSignal } from './signals/deliver.js';
import { forkFs } from './vfs/attach.js';

/** fork would pass the family's process limit (the call fails with EAGAIN). */
export class ProcessLimitError extends Error {
  constructor(readonly limit: number) {
    super(`process limit of ${limit} reached`);
    this.name = 'ProcessLimitError';
  }
}

export class ProcessTable {
  readonly procs = new Map<number, LinuxProcess>();
  /** Most processes (zombies included, as RLIMIT_NPROC counts them) the family may hold. */
  maxProcesses = Infinity;
  /** Called when fork is refused by maxProcesses. */
  onLimit: (() => void) | null = null;
  private next: number;
  /** Starts the run loop of a new process (run.ts installs it). */
  start: ((p: LinuxProcess) => void) | null = null;
  constructor(firstPid: number) { this.next = firstPid + 1; }
  allocPid(): number {
    while (this.procs.has(this.next)) this.next++;
    return this.next++;
  }
}

export interface Family {
  table: ProcessTable;
  parent: LinuxProcess | null;
  children: Set<LinuxProcess>;
  /** Ended but not yet waited for. */
  zombie: boolean;
  /** wait4 callers parked on a child's change. */
  childWaiters: (() => void)[];
  /** vfork: the parent waits until the child execs or exits. */
  vforkDone: (() => void)[];
}

const families = new WeakMap<LinuxProcess, Family>();

/** The process's place in its table (a process never registered gets a table of its own). */
export function familyOf(p: LinuxProcess): Family {
  let f = families.get(p);
  if (f === undefined) {
    const table = new ProcessTable(p.pid);
    table.procs.set(p.pid, p);
    f = { table, parent: null, children: new Set(), zombie: false, childWaiters: [], vforkDone: [] };
    families.set(p, f);
  }
  return f;
}

export const findProcess = (p: LinuxProcess, pid: number): LinuxProcess | undefined => familyOf(p).table.procs.get(pid);

/** The status word wait4 reports. */
export function waitStatus(e: ExitState): number {
  return e.kind === 'exited' ? (e.code & 0xff) << 8 : e.signal & 0x7f;
}

/** Copies the CPU state: every number and typed array of the state and its x87 part, the TLS entries. */
function copyCpu(from: GuestCpu, to: GuestCpu): void {
  const copyFields = (a: Record<string, unknown>, b: Record<string, unknown>): void => {
    for (const k of Object.keys(a)) {
      const v = a[k];
      if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') b[k] = v;
      else if (ArrayBuffer.isView(v) && ArrayBuffer.isView(b[k])) (b[k] as Uint8Array).set(v as Uint8Array);
    }
  };
  copyFields(from as unknown as Record<string, unknown>, to as unknown as Record<string, unknown>);
  copyFields(from.fpu as unknown as Record<string, unknown>, to.fpu as unknown as Record<string, unknown>);
  to.tls.clear();
  for (const [k, v] of from.tls) to.tls.set(k, v);
}

/** Is the 4 KiB page at `a` all zero (an untouched page reads as zero and costs nothing)? */
/** A new Machine whose arena holds a copy of the pages `src` ever mapped (zero pages stay untouched). */
function copyMachine(src: Machine, o: MachineOptions): Machine {
  const m = new Machine({ ...o, memorySize: src.memory.size });
  const from = src.memory, to = m.memory;
  const words = new Int32Array(from.buffer, from.offset, from.size >>> 2);
  for (const pg of from.usedPages) to.copyPageFrom(from, pg, words);
  to.growth = from.growth === null ? null : { ...from.growth };
  copyCpu(src.cpu, m.cpu);
  return m;
}

/** fork: a new process with a copy of the address space, descriptors, fs context and signal state. */
export function forkProcess(parent: LinuxProcess): LinuxProcess {
  const fam = familyOf(parent);
  if (fam.table.procs.size >= fam.table.maxProcesses) {
    fam.table.onLimit?.();
    throw new ProcessLimitError(fam.table.maxProcesses);
  }
  const pid = fam.table.allocPid();
  const machine = copyMachine(parent.machine, parent.machineOptions);
  const child = new LinuxProcess(machine, layoutFor(machine.memory.size), {
    pid, ppid: parent.pid, random: parent.random, clock: { deterministic: parent.clock.deterministic },
    fds: parent.fds.fork(), strace: parent.strace,
  });
  child.machineOptions = parent.machineOptions;
  child.pgid = parent.pgid;
  child.sid = parent.sid;
  child.creds = parent.creds.clone();
  child.rlimits = parent.rlimits.map(([s, h]) => [s, h] as [bigint, bigint]);
  for (const v of parent.mm.mappings) child.mm.record(v.start, v.end, { ...v });
  child.mm.limit = parent.mm.limit;
  child.mm.onLimit = parent.mm.onLimit;
  // The child counts against its family's memory limit (a fork is not a way out of it).
  parent.mm.budget?.join(child.mm, () => processHostCost(child));
  child.mm.startBrk = parent.mm.startBrk;
  child.mm.brk = parent.mm.brk;
  child.argv = [...parent.argv];
  child.envp = [...parent.envp];
  child.exePath = parent.exePath;
  child.exeImage = parent.exeImage;
  child.comm = parent.comm;
  child.argArea = { ...parent.argArea };
  child.envArea = { ...parent.envArea };
  child.robustList = { ...parent.robustList };
  child.sig = parent.sig.fork();
  if (parent.fs !== undefined) forkFs(parent, child);
  families.set(child, { table: fam.table, parent, children: new Set(), zombie: false, childWaiters: [], vforkDone: [] });
  fam.table.procs.set(pid, child);
  fam.children.add(child);
  return child;
}

/** Starts the child's run loop; without a scheduler (a process driven call by call, as in
 * tests) the child stays unstarted until its owner runs it. */
export function startProcess(child: LinuxProcess): void {
  familyOf(child).table.start?.(child);
}

const wakeAll = (list: (() => void)[]): void => { for (const w of list.splice(0)) w(); };

/** Removes a zombie from the table (wait4 reaped it, or nobody will). */
export function reap(child: LinuxProcess): void {
  const f = familyOf(child);
  f.zombie = false;
  f.table.procs.delete(child.pid);
  f.parent && familyOf(f.parent).children.delete(child);
}

/** execve done: a vfork parent may go on. */
export function execDone(p: LinuxProcess): void {
  wakeAll(familyOf(p).vforkDone);
}

/** Bookkeeping when a process has ended (its descriptors are already closed). */
export function processEnded(p: LinuxProcess, end: ExitState): void {
  const f = familyOf(p);
  const t = p.sig.timer;
  if (t.hostTimer !== null) { clearTimeout(t.hostTimer); t.hostTimer = null; }
  p.clock.cancelSleeps();
  t.deadline = 0n;
  wakeAll(f.vforkDone);
  // Orphans go to "init": nobody here waits for them, so they are reaped when they end.
  for (const c of f.children) {
    const cf = familyOf(c);
    cf.parent = null;
    c.ppid = 1;
    if (cf.zombie) { cf.zombie = false; f.table.procs.delete(c.pid); }
  }
  f.children.clear();
  const parent = f.parent;
  if (parent === null || parent.exit !== null) {
    f.table.procs.delete(p.pid);
    return;
  }
  if (parent.sig.autoReap()) reap(p);
  else f.zombie = true;
  sendSignal(parent, SIGCHLD, {
    signo: SIGCHLD, code: end.kind === 'exited' ? CLD_EXITED : CLD_KILLED, pid: p.pid, uid: p.creds.uid,
    status: end.kind === 'exited' ? end.code : end.signal,
  });
  wakeAll(familyOf(parent).childWaiters);
}
