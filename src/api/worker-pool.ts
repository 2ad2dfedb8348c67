// `workers: N`: the main thread's side of running tenants on N worker threads, each with its own
// in-thread Sandbox (worker-entry.ts). The embedder's API does not change: Sandbox.spawn returns
// a WorkerTenant (worker-tenant.ts), which has the Tenant's public surface (TenantHandle).
//
// - Placement: each spawn goes to the worker with the fewest live tenants. Workers start at the
//   first spawn; a worker that died is replaced at the next one.
// - Programs: each program's bytes go to a worker once, then spawns refer to them by id. Bytes
//   the Sandbox read from a path are its own (never changed); bytes the embedder passed are
//   snapshotted, and a later spawn of the same array reuses the id only if the content is
//   unchanged. Workers drop a program once the embedder's array is garbage.
// - Errors stay synchronous where they can: spawn checks the ELF image (planImage, the loader's
//   own validation, without an arena) and the mounts (buildVfs) here, and throws SpawnError as
//   on one thread. What only the worker can find (a starting directory missing from the
//   guest's view, oversized arguments) ends the tenant with reason 'killed' and a message.
// - Policy: the worker posts a policy request and waits on its shared slot; this thread's
//   message handler runs the hook and answers (worker-protocol.ts). Debug events come as
//   events, in order with the output.
// - Failure: when a worker dies (uncaught error, terminated, or close()), every tenant it held
//   ends with reason 'killed' and a message saying so; nothing waits forever.
// - Idle workers are unref'd: they do not keep the host process alive without live tenants.

import type { Readable } from 'node:stream';
import type { Worker } from 'node:worker_threads';
import type { SyscallEvent, TenantSpawnOptions } from './sandbox.js';
import { SpawnError } from './spawn-error.js';
import { checkSpawn } from './spawn-check.js';
import { startWorker } from './worker-start.js';
import { WorkerTenant } from './worker-tenant.js';
import { answerPolicy, POLICY_SLOT_BYTES, type FromWorker, type ToWorker, type WireSpawnOptions } from './worker-protocol.js';

interface Slot {
  readonly index: number;
  readonly worker: Worker;
  readonly policy: SharedArrayBuffer;
  /** Tenants that may still get events (not yet exited, or with output still to come). */
  readonly tenants: Map<number, WorkerTenant>;
  /** Tenants not yet exited: the placement figure. */
  live: number;
  readonly programs: Set<number>;
  /** Why it stopped, when known before its 'exit' event. */
  failure: string | null;
}

interface Program {
  readonly id: number;
  /** What is sent: the Sandbox's own bytes, or a snapshot of the embedder's. */
  readonly bytes: Uint8Array;
  /** planImage's verdict per arena window (null: loads). */
  readonly checked: Map<number, string | null>;
}

/** Tenants on worker threads for one Sandbox. */
export class WorkerPool {
  private readonly slots: (Slot | null)[];
  private readonly owned = new Map<Uint8Array, Program>();
  private readonly borrowed = new WeakMap<Uint8Array, Program>();
  private readonly dropped = new FinalizationRegistry<number>((id) => this.dropProgram(id));
  private nextProgram = 1;
  private nextTid = 1;
  private closed = false;

  constructor(workers: number, private readonly quantum: number) {
    this.slots = new Array<Slot | null>(workers).fill(null);
  }

  /**
   * Starts a tenant on the least loaded worker. `owned`: the bytes are the Sandbox's (read from
   * a path), not the embedder's. Throws SpawnError as Sandbox.spawn does.
   */
  spawn(bytes: Uint8Array, name: string, o: TenantSpawnOptions, owned: boolean): WorkerTenant {
    if (this.closed) throw new SpawnError('the Sandbox is closed');
    const program = this.program(bytes, owned);
    this.check(program, name, o);
    const slot = this.place();
    if (!slot.programs.has(program.id)) {
      slot.programs.add(program.id);
      this.post(slot, { t: 'program', id: program.id, bytes: program.bytes });
    }
    const tid = this.nextTid++;
    try {
      this.post(slot, { t: 'spawn', tid, program: program.id, name, options: wireOptions(o) });
    } catch (e) {
      // An option that cannot be cloned (a function where data was expected): nothing was started.
      throw new SpawnError(`cannot pass the options to a worker thread: ${(e as Error)?.message ?? String(e)}`, { cause: e });
    }
    // Registered after the post, which is fine: the worker's events come on a later turn.
    const debug = typeof o.debug === 'function' ? o.debug as (e: SyscallEvent) => void : null;
    const tenant = new WorkerTenant(tid, (m, transfer) => this.post(slot, m, transfer), o.policy, debug);
    slot.tenants.set(tid, tenant);
    queueMicrotask(() => tenant.launch());
    if (slot.live++ === 0) slot.worker.ref();
    void tenant.exited.then(() => {
      if (--slot.live === 0) slot.worker.unref();
      if (tenant.done) slot.tenants.delete(tid);
    });
    const stdin = o.stdin;
    if (stdin !== undefined && typeof stdin !== 'string' && !ArrayBuffer.isView(stdin)) tenant.forwardStdin(stdin as Readable);
    return tenant;
  }

  /** Ends every worker; their tenants end with reason 'killed'. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.slots.map((s) => s?.worker.terminate()));
  }

  private program(bytes: Uint8Array, owned: boolean): Program {
    if (owned) {
      let p = this.owned.get(bytes);
      if (p === undefined) { p = { id: this.nextProgram++, bytes, checked: new Map() }; this.owned.set(bytes, p); }
      return p;
    }
    const known = this.borrowed.get(bytes);
    if (known !== undefined && Buffer.compare(known.bytes, bytes) === 0) return known;
    // A snapshot: the embedder may change the array after spawn, as it may on one thread once
    // spawn has returned (the program is loaded by then).
    const p: Program = { id: this.nextProgram++, bytes: new Uint8Array(bytes), checked: new Map() };
    this.borrowed.set(bytes, p);
    this.dropped.register(bytes, p.id);
    return p;
  }

  private dropProgram(id: number): void {
    for (const s of this.slots) {
      if (s !== null && s.programs.delete(id)) this.post(s, { t: 'drop-program', id });
    }
  }

  /** The checks that can fail a spawn, done here so that spawn throws as on one thread. */
  private check(program: Program, name: string, o: TenantSpawnOptions): void {
    checkSpawn(program.bytes, name, o, program.checked);
  }

  private place(): Slot {
    let best: Slot | null = null;
    for (let i = 0; i < this.slots.length; i++) {
      const s = this.slots[i] ?? (this.slots[i] = this.start(i));
      if (best === null || s.live < best.live) best = s;
    }
    return best!;
  }

  private start(index: number): Slot {
    const policy = new SharedArrayBuffer(POLICY_SLOT_BYTES);
    const worker = startWorker({ quantum: this.quantum, policy });
    const slot: Slot = { index, worker, policy, tenants: new Map(), live: 0, programs: new Set(), failure: null };
    worker.unref();
    worker.on('message', (m: FromWorker) => this.receive(slot, m));
    worker.on('error', (e) => { slot.failure ??= `worker thread ${index} failed: ${e?.message ?? String(e)}`; });
    worker.on('messageerror', (e) => {
      slot.failure ??= `worker thread ${index} sent a message that could not be read: ${e?.message ?? String(e)}`;
      void worker.terminate();
    });
    worker.on('exit', (code) => this.lost(slot, code));
    return slot;
  }

  private receive(slot: Slot, m: FromWorker): void {
    if (m.t === 'policy') {
      const tenant = slot.tenants.get(m.tid);
      // Always answer: the worker is blocked until then. No tenant (cannot happen) fails closed.
      answerPolicy(slot.policy, tenant === undefined ? { threw: true } : tenant.decide(m.hook)(m.request));
      return;
    }
    for (const ev of m.events) {
      const tenant = slot.tenants.get(ev.tid);
      if (tenant === undefined) continue;
      tenant.deliver(ev);
      if (tenant.done) slot.tenants.delete(ev.tid);
    }
  }

  /** A worker stopped: settle everything it held, and let the next spawn start a new one. */
  private lost(slot: Slot, code: number): void {
    if (this.slots[slot.index] === slot) this.slots[slot.index] = null;
    const why = slot.failure ?? (this.closed ? 'the Sandbox was closed' : `worker thread ${slot.index} stopped (exit code ${code})`);
    for (const t of slot.tenants.values()) t.fail(why);
    slot.tenants.clear();
  }

  private post(slot: Slot, m: ToWorker, transfer?: ArrayBuffer[]): void {
    slot.worker.postMessage(m, transfer);
  }
}

/** The spawn options as data: functions and streams are replaced by what stands for them. */
function wireOptions(o: TenantSpawnOptions): WireSpawnOptions {
  const { stdin, policy, debug, argv, env, mounts, ...data } = o;
  const w: WireSpawnOptions = { ...data };
  if (argv !== undefined) w.argv = [...argv];
  if (env !== undefined) w.env = Array.isArray(env) ? [...env as readonly string[]] : { ...env as Record<string, string> };
  if (mounts !== undefined) w.mounts = mounts.map((m) => ({ ...m }));
  if (typeof stdin === 'string') w.stdin = new Uint8Array(Buffer.from(stdin, 'utf8'));
  else if (stdin !== undefined && ArrayBuffer.isView(stdin)) w.stdin = new Uint8Array(stdin.buffer, stdin.byteOffset, stdin.byteLength).slice();
  else if (stdin !== undefined) w.stdin = 'stream';
  if (debug !== undefined && debug !== false) w.debug = true;
  if (policy !== undefined) {
    const hooks: string[] = [];
    const fields: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(policy)) {
      if (typeof v === 'function') hooks.push(k);
      else fields[k] = v;
    }
    // Hooks defined on a class's prototype are not own entries: take them too.
    for (let p = Object.getPrototypeOf(policy); p !== null && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
      for (const k of Object.getOwnPropertyNames(p)) {
        if (k !== 'constructor' && typeof (policy as Record<string, unknown>)[k] === 'function' && !hooks.includes(k)) hooks.push(k);
      }
    }
    w.policy = { hooks, data: fields };
  }
  return w;
}
