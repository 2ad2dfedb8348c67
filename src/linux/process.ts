// A Linux process of the personality: its Machine (CPU + arena + code cache), file descriptors,
// file-system context, address space (mappings, brk, mmap area), identity, clocks, randomness,
// resource limits and exit state. The syscall handlers in syscalls/ act on it; run.ts drives it.

import type { Machine, MachineOptions } from '../engine/machine.js';
import type { Layout } from '../loader/layout.js';
import type { Arena } from '../memory/arena.js';
import { GuestClock, type ClockOptions } from './clock.js';
import { FdTable } from './fd.js';
import { Credentials, defaultLimits, type IdentityOptions } from './identity.js';
import { AddressSpace } from './mm.js';
import { cryptoRandom, type RandomSource } from './random.js';
import type { FsContext } from './vfs/context.js';
import { SignalState } from './signals/state.js';

/** How a process ended: exit(status) or death by a signal (with the fault that raised it). */
export type ExitState =
  | { readonly kind: 'exited'; readonly code: number }
  | { readonly kind: 'signaled'; readonly signal: number; readonly address?: number; readonly eip?: number; readonly message?: string };

export interface ProcessOptions {
  pid?: number;
  ppid?: number;
  identity?: IdentityOptions;
  random?: RandomSource;
  clock?: ClockOptions;
  fds?: FdTable;
  /** The file-system context (vfs/attach.ts attachFs sets it; file calls make a private one if unset). */
  fs?: FsContext;
  /** Called with each --strace line (without newline). */
  strace?: ((line: string) => void) | null;
}

export class LinuxProcess {
  /** Replaced by execve (a fresh Machine for the new image). */
  machine: Machine;
  /** How the Machine was made (fork and execve make new ones alike). */
  machineOptions: MachineOptions = {};
  fds: FdTable;
  pid: number;
  ppid: number;
  /** Thread ID (= pid: one thread per process), process group and session. */
  tid: number;
  pgid: number;
  sid: number;
  creds: Credentials;
  mm: AddressSpace;
  random: RandomSource;
  readonly clock: GuestClock;
  /** [soft, hard] per RLIMIT_* resource. */
  rlimits: [bigint, bigint][];
  /** File-system context: which VFS, root, cwd, umask (see vfs/context.ts). */
  fs: FsContext | undefined;
  /** What the program was started with, and as which guest path (/proc/self/exe, AT_EXECFN). */
  argv: string[] = [];
  envp: string[] = [];
  exePath = '';
  /**
   * The running program's bytes: /proc/self/exe names the program itself, wherever it lives, so
   * execve of it works even when the file is outside every mount (as Linux's proc link does).
   */
  exeImage: Uint8Array | null = null;
  /** prctl(PR_SET_NAME) name: at most 15 bytes (TASK_COMM_LEN 16 with the NUL). */
  comm = '';
  exit: ExitState | null = null;
  /** set_tid_address and set_robust_list state (used at exit and by futex-based threads). */
  clearChildTid = 0;
  robustList = { head: 0, length: 0 };
  /** Where argv/envp strings live in guest memory ([start, end)), for /proc/self/cmdline and environ. */
  argArea = { start: 0, end: 0 };
  envArea = { start: 0, end: 0 };
  /** A sleep in progress (absolute CLOCK_MONOTONIC deadline), kept across Blocked retries. */
  sleepDeadline: bigint | null = null;
  strace: ((line: string) => void) | null;
  /** Signal actions, mask, pending signals, alternate stack, ITIMER_REAL (signals/state.ts). */
  sig = new SignalState();
  readonly stats = { syscalls: 0, instructions: 0 };

  constructor(machine: Machine, layout: Layout, o: ProcessOptions = {}) {
    this.machine = machine;
    this.pid = o.pid ?? 1;
    this.ppid = o.ppid ?? 0;
    this.tid = this.pid;
    this.pgid = this.pid;
    // Like a command started from a shell: its own process group, the parent's session.
    this.sid = this.ppid !== 0 ? this.ppid : this.pid;
    this.fds = o.fds ?? new FdTable();
    this.creds = new Credentials(o.identity);
    this.mm = new AddressSpace(machine.memory, layout, (a, n) => machine.invalidate(a, n));
    this.random = o.random ?? cryptoRandom();
    this.clock = new GuestClock(() => this.stats.instructions, o.clock);
    this.rlimits = defaultLimits(layout.stackTop - layout.stackBottom);
    this.fs = o.fs;
    this.strace = o.strace ?? null;
  }

  get mem(): Arena {
    return this.machine.memory;
  }

  /** Ends the process (the run loop stops at the next check). */
  terminate(state: ExitState): void {
    if (this.exit === null) this.exit = state;
  }
}
