// The embedding API: a Sandbox runs many untrusted static i386 Linux programs ("tenants") in
// this Node process, each with its own arena, file view, descriptors and hard limits.
//
//   const sandbox = new Sandbox();
//   const t = sandbox.spawn('guests/bin/hello-musl', { limits: { instructions: 1e9 } });
//   t.stdout.on('data', (b) => ...);
//   const r = await t.exited;   // { code, signal, reason, stats }
//
// Scheduling is the Linux personality's cooperative one (src/linux/run.ts): every process of
// every tenant runs its own loop, which yields to the event loop after a quantum of
// instructions (the engine stops at a block end, so a tight loop is preempted too) or a batch
// of system calls, and a process parked in a blocking call costs nothing. The Sandbox adds an
// Account per tenant (run.ts's hook): it charges instructions and host time (translation and
// system calls included) to the tenant, cuts slices at the instruction limit, holds suspended
// tenants, applies the syscall policy and emits debug events. Limits (see TenantLimits) are
// per tenant: the first process and every process it forks count against the same figures,
// except memory, which is per process (each has its own arena).
//
// Default-deny: a tenant sees no host file at all unless a mount says so: an in-memory root,
// /tmp (tmpfs), /dev and /proc, plus the given mounts. No network unless the policy allows it:
// socket calls fail with EACCES unless `policy.network` says 'allow' (src/api/policy.ts,
// docs/SECURITY.md); the policy sees arguments copied once and the calls use those copies.

import { DEFAULT_FEATURES, type CpuFeatures } from '../../decoder/validate.js';
import type { IsaExt } from '../../decoder/types.js';
import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { policyHooks, type TenantPolicy } from './policy.js';
import { familyOf } from '../linux/kernel.js';
import type { ExitState, LinuxProcess } from '../linux/process.js';
import { cryptoRandom, seededRandom } from '../linux/random.js';
import { runProcess, type Account } from '../linux/run.js';
import { spawnProcess } from '../linux/spawn.js';
import { MemoryBudget, processHostCost } from '../linux/memory-budget.js';
import { windowFor } from '../loader/layout.js';
import { attachFs, buildVfs, hostStdio, installStdio, type ByteSink, type ByteSource } from '../linux/vfs/index.js';
import { SYSCALL_NAMES } from '../linux/syscalls/names.js';
import type { TenantHandle } from './tenant-handle.js';
import { WorkerPool } from './worker-pool.js';
import { SpawnError } from './spawn-error.js';
import { checkSpawn } from './spawn-check.js';

// What spawn returns, on this thread or on a worker thread (worker-pool.ts).
export type { TenantHandle } from './tenant-handle.js';

const SIGKILL = 9, SIGXCPU = 24, SIGXFSZ = 25;
/** 2024-01-01T00:00:00Z in ns: file times of the synthetic file systems under `deterministic`. */
const FIXED_EPOCH_NS = 1_704_067_200_000_000_000n;

/** Hard limits of one tenant. Every field is optional; absent means unlimited. */
export interface TenantLimits {
  /**
   * Bytes of guest address space each process of the tenant may have mapped ("committed"
   * pages: program segments, the 8 MiB stack reservation, heap and mmap areas, whether touched
   * or not). brk, mmap and mremap that would pass it fail (brk returns the old break, the
   * others ENOMEM); nothing is killed for it. The loaded image itself is never refused.
   */
  memory?: number;
  /** Guest instructions retired by all the tenant's processes; passing it kills (reason 'cpu-limit', SIGXCPU). */
  instructions?: number;
  /**
   * Host milliseconds charged to the tenant: guest code, translation, system calls and loading.
   * Checked between slices (at most one quantum late); passing it kills (reason 'cpu-limit', SIGXCPU).
   */
  cpuMs?: number;
  /**
   * Bytes written to stdout and stderr together. The write that crosses it is cut at the limit
   * (the bytes before it are delivered) and the tenant is killed (reason 'output-limit',
   * SIGXFSZ, as Linux's RLIMIT_FSIZE would): a flood would otherwise burn CPU to no purpose.
   */
  output?: number;
  /** Processes alive or not yet reaped at once (the first one included); fork/clone past it fail with EAGAIN. */
  processes?: number;
}

export interface TenantMount {
  /** Host directory. */
  host: string;
  /** Absolute guest path. */
  guest: string;
  readOnly?: boolean;
}

// The policy's types (SyscallRequest with decoded arguments, NetworkRequest, TenantPolicy) live
// in policy.ts; they are re-exported here for code that imported them from this module.
export type { NetworkRequest, PolicyVerdict, SyscallRequest, TenantPolicy } from './policy.js';

/** A completed system call (debug events): the number, the six register arguments and EAX. */
export interface SyscallEvent {
  readonly pid: number;
  readonly nr: number;
  readonly name: string;
  readonly args: readonly number[];
  /** EAX after the call (a negative errno on failure). */
  readonly result: number;
}

export interface TenantSpawnOptions {
  /** argv (default: [the program's name]). */
  argv?: readonly string[];
  /** Environment (default: empty). */
  env?: Readonly<Record<string, string>> | readonly string[];
  /** The guest's stdin: bytes, text (UTF-8) or a Node Readable. Default: empty (EOF). */
  stdin?: string | Uint8Array | Readable;
  limits?: TenantLimits;
  /** Host directories the guest may see. Default: none. */
  mounts?: readonly TenantMount[];
  /** Starting guest directory (default '/'). */
  cwd?: string;
  /** The program's path as the guest sees it (/proc/self/exe; default /bin/NAME). */
  guestPath?: string;
  policy?: TenantPolicy;
  /** Emit a 'syscall' event (SyscallEvent) on the tenant after every system call; a function is called instead. */
  debug?: boolean | ((e: SyscallEvent) => void);
  /**
   * Reproducible runs: clocks advance with retired instructions (fixed epoch 2024-01-01), and
   * randomness (AT_RANDOM, getrandom, /dev/urandom) comes from `seed` (default '0').
   */
  deterministic?: boolean;
  seed?: string;
  /**
   * Instruction-set extensions beyond the default CPU (a P6: x87, CMOV, CX8) that the guest may
   * execute and sees in CPUID, e.g. ['sse3'] for FISTTP. The translator implements the x87 and
   * integer forms of them; their SSE vector forms are SIGILL ("not implemented"), so a guest that
   * chooses code by CPUID may meet that: the default CPU reports none of them.
   */
  extensions?: readonly IsaExt[];
  /**
   * The tenant's weight for the scheduler (default 1): each of its slices runs `share` times
   * the Sandbox's quantum of instructions before the others get their turn.
   */
  share?: number;
  /**
   * Arena window in bytes (virtual: untouched pages cost nothing). Default: 1 GiB, or with
   * limits.memory the smallest power of two from 256 MiB that holds a program at 0x08048000,
   * that much memory and the stack (see windowFor in src/loader/layout.ts).
   */
  addressSpace?: number;
}

export interface SandboxOptions {
  /** Guest instructions a process runs before it lets others in (default 200,000). */
  quantum?: number;
  /**
   * Threads that run tenants (default 1: this thread). With N > 1, each spawn goes to the one of
   * N worker threads with the fewest live tenants; the returned handle, its streams, limits,
   * policy hooks (run on this thread) and results are the same (src/api/worker-pool.ts). One
   * difference: a spawn failure only the worker can see (a cwd missing from the guest's view)
   * ends the tenant with reason 'killed' and message 'could not start: ...' instead of throwing.
   */
  workers?: number;
  /** Defaults merged under each spawn's options (limits are merged field by field). */
  defaults?: TenantSpawnOptions;
  /**
   * Tenants loaded at once on this thread (default 1024). Beyond it, spawn checks the program
   * and returns a tenant in state 'queued' that loads when a resident one ends, first come first
   * served: a burst of spawns then costs arenas and heap for this many, not for the burst.
   */
  maxResident?: number;
}

export type ExitReason = 'exit' | 'signal' | 'cpu-limit' | 'memory-limit' | 'output-limit' | 'killed';

export interface TenantStats {
  /** Guest instructions retired by all the tenant's processes. */
  instructions: number;
  blocksTranslated: number;
  /** Host time decoding and emitting translations (compile time is in compileMs). */
  translateMs: number;
  compileMs: number;
  syscalls: number;
  /** Host time charged to the tenant (what limits.cpuMs checks). */
  cpuMs: number;
  /** From spawn to the end of the last process. */
  wallMs: number;
  /** Bytes delivered on stdout and stderr. */
  outputBytes: number;
  /** Processes the tenant ran (1 + successful forks). */
  processes: number;
  /** brk/mmap/mremap refused by limits.memory, forks refused by limits.processes. */
  memoryRefusals: number;
  /**
   * The most memory charged at once: guest pages mapped by all the tenant's processes plus
   * their host-side costs (src/linux/memory-budget.ts), in bytes.
   */
  memoryPeak: number;
  processRefusals: number;
}

export interface TenantResult {
  /** Exit status of the first process, or null when it died of a signal. */
  code: number | null;
  /** The signal it died of, or null. */
  signal: number | null;
  /**
   * 'exit' and 'signal': it ended by itself. 'cpu-limit' (SIGXCPU), 'output-limit' (SIGXFSZ),
   * 'killed' (SIGKILL, by kill()): the Sandbox ended it. 'memory-limit': it ended with a
   * non-zero status or a signal after the memory limit refused it at least once (code and
   * signal say exactly how).
   */
  reason: ExitReason;
  /** One line on why, for limits and faults. */
  message?: string;
  stats: TenantStats;
}

/** 'queued': spawned, waiting for a resident slot (SandboxOptions.maxResident); nothing loaded yet. */
export type TenantState = 'queued' | 'running' | 'suspended' | 'exited';

/** Guest output as a Node Readable; the guest waits (backpressure) while 64 KiB are unread. */
class OutputStream extends Readable implements ByteSink {
  private drains: (() => void)[] = [];
  private done = false;
  constructor(private readonly tenant: Tenant) { super({ highWaterMark: 64 * 1024 }); }
  override _read(): void {
    const d = this.drains;
    this.drains = [];
    for (const f of d) f();
  }
  write(chunk: Uint8Array): boolean {
    if (this.done) return true;
    const allowed = this.tenant.admitOutput(chunk.length);
    const ok = allowed > 0 ? this.push(allowed < chunk.length ? chunk.subarray(0, allowed) : chunk) : true;
    return ok;
  }
  override once(event: string | symbol, cb: (...args: any[]) => void): this {
    if (event === 'drain') { this.drains.push(cb); return this; }
    return super.once(event, cb);
  }
  finish(): void {
    if (this.done) return;
    this.done = true;
    this._read();
    this.push(null);
  }
}

/** Fixed stdin bytes, handed over as the guest reads (16 KiB at a time, honouring pause). */
class BytesSource implements ByteSource {
  private at = 0;
  private paused = true;
  private data: ((c: Uint8Array) => void)[] = [];
  private end: (() => void)[] = [];
  constructor(private readonly bytes: Uint8Array) {}
  on(event: string, cb: (...a: any[]) => void): this {
    if (event === 'data') this.data.push(cb);
    else if (event === 'end') this.end.push(cb);
    return this;
  }
  removeListener(event: string, cb: (...a: never[]) => void): this {
    if (event === 'data') this.data = this.data.filter((f) => f !== cb);
    else if (event === 'end') this.end = this.end.filter((f) => f !== cb);
    return this;
  }
  pause(): this { this.paused = true; return this; }
  resume(): this {
    if (!this.paused) return this;
    this.paused = false;
    while (!this.paused && this.at < this.bytes.length) {
      const c = this.bytes.subarray(this.at, this.at + 16384);
      this.at += c.length;
      for (const f of this.data) f(c);
    }
    if (this.at >= this.bytes.length && !this.paused) {
      const e = this.end;
      this.end = [];
      for (const f of e) f();
    }
    return this;
  }
}

interface Prepared {
  process: LinuxProcess;
  dispose: () => void;
  loadMs: number;
}

/** One running program and the processes it forks. Created by Sandbox.spawn. */
export class Tenant extends EventEmitter {
  readonly stdout: Readable;
  readonly stderr: Readable;
  /** Settles when every process of the tenant has ended. Never rejects. */
  readonly exited: Promise<TenantResult>;
  /** The first process's pid inside the tenant (1: each tenant has its own pid numbering). */
  readonly pid = 1;
  private readonly out: OutputStream;
  private readonly err: OutputStream;
  private readonly limits: TenantLimits;
  // Set when the tenant starts (at once, or when a queued tenant is admitted).
  private main!: LinuxProcess;
  private memory: MemoryBudget | null = null;
  private started = false;
  private readonly t0 = performance.now();
  private reason: ExitReason | null = null;
  private message: string | undefined;
  private mainEnd: ExitState | null = null;
  private gate: { promise: Promise<void>; open: () => void } | null = null;
  private finished = false;
  private settle!: (r: TenantResult) => void;
  private dispose: () => void = () => undefined;
  private readonly totals = {
    instructions: 0, cpuMs: 0, syscalls: 0, blocksTranslated: 0, translateMs: 0, compileMs: 0, outputBytes: 0,
    processes: 1, memoryRefusals: 0, processRefusals: 0,
  };

  /**
   * @internal Use Sandbox.spawn. With `queued`, nothing is loaded until start() (the Sandbox
   * calls it when a resident slot frees); otherwise the tenant starts now (SpawnError if it
   * cannot load).
   */
  constructor(
    private readonly prepare: (t: Tenant) => Prepared, private readonly o: TenantSpawnOptions, private readonly quantum: number,
    queued = false,
  ) {
    super();
    this.limits = { ...o.limits };
    this.out = new OutputStream(this);
    this.err = new OutputStream(this);
    this.stdout = this.out;
    this.stderr = this.err;
    this.exited = new Promise((resolve) => { this.settle = resolve; });
    if (!queued) this.start();
  }

  /**
   * @internal Loads the program and starts the first process on a later turn. A queued tenant
   * that cannot load after all (its checks passed at spawn) ends as 'killed' with the reason.
   */
  start(): void {
    if (this.started || this.finished) return;
    this.started = true;
    const o = this.o, quantum = this.quantum;
    let prepared: Prepared;
    try {
      prepared = this.prepare(this);
    } catch (e) {
      if (!this.queuedStart) throw e;
      this.settleUnstarted(`could not start: ${(e as Error).message}`);
      return;
    }
    this.main = prepared.process;
    this.dispose = prepared.dispose;
    this.totals.cpuMs += prepared.loadMs;

    const main = this.main;
    // One account for the whole family: forked children and exec'd images count against it.
    const memory = this.memory = new MemoryBudget(this.limits.memory ?? Infinity, () => { this.totals.memoryRefusals++; });
    memory.join(main.mm, () => processHostCost(main));
    const table = familyOf(main).table;
    table.maxProcesses = this.limits.processes ?? Infinity;
    table.onLimit = () => { this.totals.processRefusals++; };

    const account = this.account(o);
    const slice = Math.max(1, Math.min(2 ** 30, Math.round(quantum * (o.share ?? 1))));
    // Start on a later turn, so that spawning many tenants is quick and they start together.
    setImmediate(() => {
      runProcess(main, { quantum: slice, account }).catch((e: unknown) => {
        this.message = `internal error: ${(e as Error)?.message ?? String(e)}`;
        main.terminate({ kind: 'signaled', signal: 6, message: this.message });
        account.ended(main, main.exit!);
      });
    });
  }

  get state(): TenantState {
    return this.finished ? 'exited' : !this.started ? 'queued' : this.gate !== null ? 'suspended' : 'running';
  }

  /** @internal True once start() is called by the Sandbox's queue rather than by spawn. */
  queuedStart = false;

  /** Ends every process of the tenant (reason 'killed', SIGKILL). */
  kill(): void {
    if (!this.started) { this.settleUnstarted('killed before it started'); return; }
    this.stop('killed', SIGKILL, 'killed');
  }

  /** Ends a tenant that never started (killed while queued, or unloadable when admitted). */
  private settleUnstarted(message: string): void {
    if (this.finished) return;
    this.started = true;
    this.finished = true;
    this.out.finish();
    this.err.finish();
    const result: TenantResult = {
      code: null, signal: SIGKILL, reason: 'killed', message,
      stats: {
        instructions: 0, blocksTranslated: 0, translateMs: 0, compileMs: 0, syscalls: 0, cpuMs: 0,
        wallMs: performance.now() - this.t0, outputBytes: 0, processes: 0, memoryRefusals: 0, processRefusals: 0, memoryPeak: 0,
      },
    };
    this.settle(result);
    this.emit('exit', result);
  }

  /** Holds every process of the tenant at its next slice; a parked call completes first. */
  suspend(): void {
    if (this.finished || this.gate !== null) return;
    let open: () => void = () => undefined;
    const promise = new Promise<void>((r) => { open = r; });
    this.gate = { promise, open };
  }

  resume(): void {
    const g = this.gate;
    this.gate = null;
    g?.open();
  }

  /** @internal How many of `n` bytes of output may go out (the rest is cut; the tenant is then killed). */
  admitOutput(n: number): number {
    const limit = this.limits.output ?? Infinity;
    if (this.reason === 'output-limit') return 0;
    const room = Math.max(0, limit - this.totals.outputBytes);
    const allowed = Math.min(n, room);
    this.totals.outputBytes += allowed;
    if (allowed < n) this.stop('output-limit', SIGXFSZ, `output limit of ${limit} bytes reached`);
    return allowed;
  }

  private processes(): LinuxProcess[] {
    return [...familyOf(this.main).table.procs.values()];
  }

  /** Ends every process with `signal` and records why (the first reason wins). */
  private stop(reason: ExitReason, signal: number, message: string): void {
    if (this.finished) return;
    if (this.reason === null) { this.reason = reason; this.message = message; }
    for (const p of this.processes()) {
      p.terminate({ kind: 'signaled', signal, message });
      // A process parked in a blocking call wakes, sees it has ended and stops.
      p.sig.wake();
    }
    this.resume();
  }

  private account(o: TenantSpawnOptions): Account {
    const t = this.totals;
    const limits = this.limits;
    const hooks = policyHooks(o.policy);
    const debug = o.debug === true ? (e: SyscallEvent) => { this.emit('syscall', e); } : typeof o.debug === 'function' ? o.debug : null;
    const a: Account = {
      beforeSlice: (p) => {
        // Host-side growth the guest cannot be refused (its private translated code, page
        // tables) is checked here: past the limit the tenant ends, with the reason.
        const memory = this.memory;
        if (limits.memory !== undefined && memory !== null && memory.note() > limits.memory) {
          this.stop('memory-limit', SIGKILL, `memory limit of ${limits.memory} bytes exceeded by host-side costs (${memory.peak} bytes charged)`);
        }
        if (this.gate !== null) return this.gate.promise;
        if (limits.instructions !== undefined && t.instructions >= limits.instructions) {
          this.stop('cpu-limit', SIGXCPU, `instruction limit of ${limits.instructions} reached`);
        } else if (limits.cpuMs !== undefined && t.cpuMs >= limits.cpuMs) {
          this.stop('cpu-limit', SIGXCPU, `CPU time limit of ${limits.cpuMs} ms reached`);
        }
        if (p.exit !== null) return 0;
        return limits.instructions !== undefined ? limits.instructions - t.instructions : Infinity;
      },
      charge: (_p, instructions, ms) => {
        t.instructions += instructions;
        t.cpuMs += ms;
      },
      ended: (p, end) => {
        const ms = p.machine.stats;
        t.blocksTranslated += ms.blocksTranslated;
        t.translateMs += ms.translateMs;
        t.compileMs += ms.compileMs;
        t.syscalls += p.stats.syscalls;
        if (p === this.main) {
          this.mainEnd = end;
          // The tenant ends with its first process, as a container with its init: the rest are killed.
          for (const q of this.processes()) if (q.exit === null) { q.terminate({ kind: 'signaled', signal: SIGKILL }); q.sig.wake(); }
          this.resume();
        } else {
          t.processes++;
        }
        if (this.mainEnd !== null && this.processes().every((q) => q.exit !== null)) this.finish();
      },
    };
    // Decoded, copied arguments for the policy (and default-deny network) come from policy.ts.
    if (hooks?.syscall !== undefined) a.syscall = hooks.syscall;
    if (hooks?.network !== undefined) a.network = hooks.network;
    if (debug !== null) {
      a.syscallDone = (p, nr, name, args, result) => {
        debug({ pid: p.pid, nr, name: name || (SYSCALL_NAMES.get(nr) ?? String(nr)), args: Array.from(args), result });
      };
    }
    return a;
  }

  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.gate = null;
    this.dispose();
    this.out.finish();
    this.err.finish();
    const end = this.mainEnd!;
    let reason: ExitReason;
    if (this.reason !== null) reason = this.reason;
    else if (this.totals.memoryRefusals > 0 && (end.kind === 'signaled' || end.code !== 0)) reason = 'memory-limit';
    else reason = end.kind === 'exited' ? 'exit' : 'signal';
    const message = this.message ?? (end.kind === 'signaled' ? end.message : undefined) ??
      (reason === 'memory-limit' ? `memory limit of ${this.limits.memory} bytes refused ${this.totals.memoryRefusals} request(s)` : undefined);
    const t = this.totals;
    const result: TenantResult = {
      code: end.kind === 'exited' ? end.code : null,
      signal: end.kind === 'signaled' ? end.signal : null,
      reason,
      stats: {
        instructions: t.instructions, blocksTranslated: t.blocksTranslated, translateMs: t.translateMs, compileMs: t.compileMs,
        syscalls: t.syscalls, cpuMs: t.cpuMs, wallMs: performance.now() - this.t0, outputBytes: t.outputBytes,
        processes: t.processes, memoryRefusals: t.memoryRefusals, processRefusals: t.processRefusals,
        memoryPeak: this.memory?.peak ?? 0,
      },
    };
    if (message !== undefined) result.message = message;
    this.settle(result);
    this.emit('exit', result);
  }
}

export { SpawnError } from './spawn-error.js';

const mergeOptions = (d: TenantSpawnOptions | undefined, o: TenantSpawnOptions): TenantSpawnOptions =>
  (d === undefined ? o : { ...d, ...o, limits: { ...d.limits, ...o.limits } });

/** Runs tenants: untrusted static i386 Linux programs, many at once, each within its limits. */
export class Sandbox {
  private readonly quantum: number;
  private readonly defaults: TenantSpawnOptions | undefined;
  private readonly programs = new Map<string, Uint8Array>();
  private readonly live = new Set<TenantHandle>();
  private readonly maxResident: number;
  /** Tenants of this thread that hold a slot (loaded), and those waiting for one. */
  private resident = 0;
  private readonly waiting: Tenant[] = [];
  /** Worker threads (workers > 1), or null: tenants run on this thread. */
  private readonly pool: WorkerPool | null = null;
  private closed = false;

  constructor(options: SandboxOptions = {}) {
    const workers = options.workers ?? 1;
    if (!Number.isInteger(workers) || workers < 1) throw new RangeError(`Sandbox: workers must be a whole number from 1 (got ${workers})`);
    // Budgets are int32 inside the engine: a quantum above 2^30 would wrap; 2^30 is unbounded enough.
    this.quantum = Math.max(1, Math.min(options.quantum ?? 200_000, 2 ** 30));
    this.defaults = options.defaults;
    this.maxResident = Math.max(1, options.maxResident ?? 1024);
    if (workers > 1) this.pool = new WorkerPool(workers, this.quantum);
  }

  /** Tenants not yet ended. */
  get tenants(): ReadonlySet<TenantHandle> { return this.live; }

  /**
   * Starts `program` (ELF bytes, or a host path read once per Sandbox) as a new tenant. It
   * starts running on a later turn of the event loop. Throws SpawnError when it cannot load.
   */
  spawn(program: Uint8Array | string, options: TenantSpawnOptions = {}): TenantHandle {
    if (this.closed) throw new SpawnError('the Sandbox is closed');
    const o = mergeOptions(this.defaults, options);
    let bytes: Uint8Array;
    let name: string;
    if (typeof program === 'string') {
      const path = resolve(program);
      name = basename(path);
      let b = this.programs.get(path);
      if (b === undefined) {
        try {
          b = new Uint8Array(readFileSync(path));
        } catch (e) {
          throw new SpawnError(`cannot read ${program}: ${(e as Error).message}`, { cause: e });
        }
        this.programs.set(path, b);
      }
      bytes = b;
    } else {
      bytes = program;
      name = o.argv?.[0] !== undefined ? basename(o.argv[0]) : 'program';
    }
    const tenant = this.pool !== null ? this.pool.spawn(bytes, name, o, typeof program === 'string') : this.spawnLoaded(bytes, name, o);
    this.live.add(tenant);
    void tenant.exited.then(() => this.live.delete(tenant));
    return tenant;
  }

  /** @internal A tenant on this thread from loaded bytes named `name` (worker-entry.ts uses it too). */
  spawnLoaded(bytes: Uint8Array, name: string, o: TenantSpawnOptions): Tenant {
    if (o.share !== undefined && !(o.share > 0 && Number.isFinite(o.share))) throw new SpawnError(`share must be a positive number (got ${o.share})`);
    for (const x of o.extensions ?? []) if (!KNOWN_EXTENSIONS.has(x)) throw new SpawnError(`unknown instruction-set extension '${x}'`);
    const queued = this.resident >= this.maxResident;
    // A queued tenant loads later: what can fail a load is checked now, so spawn still throws.
    if (queued) checkSpawn(bytes, name, o);
    const t = new Tenant((x) => prepare(x, bytes, name, o), o, this.quantum, queued);
    if (queued) {
      t.queuedStart = true;
      this.waiting.push(t);
    } else {
      this.holdSlot(t);
    }
    return t;
  }

  /** `t` holds a resident slot until it ends; then the first queued tenant gets it. */
  private holdSlot(t: Tenant): void {
    this.resident++;
    void t.exited.then(() => {
      this.resident--;
      while (this.resident < this.maxResident && this.waiting.length > 0) {
        const next = this.waiting.shift() as Tenant;
        if (next.state !== 'queued') continue; // killed while it waited
        this.holdSlot(next);
        next.start();
      }
    });
  }

  /** Kills every live tenant. */
  killAll(): void {
    for (const t of this.live) t.kill();
  }

  /**
   * Kills every live tenant, waits for them to end (at most a second: then worker threads are
   * stopped anyway, and their tenants end with reason 'killed'), and stops the worker threads.
   * spawn throws SpawnError afterwards.
   */
  async close(): Promise<void> {
    this.closed = true;
    const ended = Promise.all([...this.live].map((t) => t.exited));
    this.killAll();
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<void>((r) => { timer = setTimeout(r, 1000); timer.unref(); });
    if (this.pool !== null) {
      await Promise.race([ended, late]);
      await this.pool.close();
    }
    clearTimeout(timer);
    await ended;
  }
}

/** Every extension the decoder's table knows (decoder/types.ts IsaExt). */
const EXTENSIONS: readonly IsaExt[] = [
  'x87', 'cmov', 'cx8', 'fxsr', 'mmx', 'sse', 'sse2', 'sse3', 'ssse3', 'sse41', 'sse42', 'popcnt', 'lzcnt', 'bmi1',
  'movbe', 'cet', 'rdrand', 'rdseed', 'clflush', 'fma', 'aes', 'pclmul', 'xsave', 'rdtscp', 'pause',
];
const KNOWN_EXTENSIONS = new Set<string>(EXTENSIONS);
const cpus = new Map<string, CpuFeatures>();

/** The default CPU plus `extensions`, one Set per distinct list (the code cache keys on it). */
function cpuWith(extensions: readonly IsaExt[]): CpuFeatures {
  const key = [...new Set(extensions)].sort().join(',');
  let f = cpus.get(key);
  if (f === undefined) cpus.set(key, (f = new Set<IsaExt>([...DEFAULT_FEATURES, ...extensions])));
  return f;
}

function prepare(t: Tenant, bytes: Uint8Array, name: string, o: TenantSpawnOptions): Prepared {
  const t0 = performance.now();
  const deterministic = o.deterministic === true;
  const seed = o.seed ?? (deterministic ? '0' : undefined);
  const env = o.env === undefined ? [] : Array.isArray(o.env) ? [...o.env as readonly string[]]
    : Object.entries(o.env as Record<string, string>).map(([k, v]) => `${k}=${v}`);
  const guestPath = o.guestPath ?? `/bin/${name}`;
  const stdinSource: ByteSource = o.stdin === undefined ? new BytesSource(new Uint8Array(0))
    : typeof o.stdin === 'string' ? new BytesSource(new Uint8Array(Buffer.from(o.stdin, 'utf8')))
    : o.stdin instanceof Uint8Array ? new BytesSource(o.stdin)
    : o.stdin;
  const stdio = hostStdio({ stdin: stdinSource, stdout: t.stdout as unknown as ByteSink, stderr: t.stderr as unknown as ByteSink });
  try {
    let vfs;
    try {
      vfs = buildVfs({ cwd: null, mounts: o.mounts, tty: null, now: deterministic ? FIXED_EPOCH_NS : undefined });
    } catch (e) {
      throw new SpawnError((e as Error).message, { cause: e });
    }
    let p: LinuxProcess;
    try {
      p = spawnProcess({
        program: bytes, name, guestPath, argv: o.argv ?? [name], envp: env, memorySize: o.addressSpace ?? windowFor(o.limits?.memory),
        random: seed !== undefined ? seededRandom(seed) : cryptoRandom(),
        clock: { deterministic },
        ...(o.extensions !== undefined ? { features: cpuWith(o.extensions) } : {}),
      }).process;
    } catch (e) {
      throw new SpawnError((e as Error).message, { cause: e });
    }
    try {
      attachFs(p, vfs, o.cwd);
    } catch (e) {
      throw new SpawnError((e as Error).message, { cause: e });
    }
    installStdio(p.fds, stdio);
    return { process: p, dispose: () => stdio.dispose(), loadMs: performance.now() - t0 };
  } catch (e) {
    stdio.dispose();
    throw e;
  }
}
