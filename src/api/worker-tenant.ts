// The main thread's stand-in for a tenant that runs on a worker thread (worker-pool.ts places it,
// worker-entry.ts runs it). It has the exact public surface of the in-thread Tenant
// (TenantHandle): streams fed by the worker's output events, `exited` settled by its exit event,
// kill/suspend/resume sent as messages, 'syscall' events replayed from the worker's debug events.
//
// Its streams acknowledge output as the consumer takes it (see worker-protocol.ts): bytes count as
// consumed once they have left the Readable's buffer, and acknowledgements go in ACK_STEP steps.
// A Node Readable given as stdin is read here and forwarded chunk by chunk, paused while
// STDIN_WINDOW bytes are in flight.

import { EventEmitter } from 'node:events';
import { Readable } from 'node:stream';
import type { SyscallEvent, TenantPolicy, TenantResult, TenantState } from './sandbox.js';
import type { TenantHandle } from './tenant-handle.js';
import { ACK_STEP, STDIN_WINDOW, type HookOutcome, type ToWorker, type WorkerEvent } from './worker-protocol.js';

const SIGKILL = 9;

/** Output of a worker tenant, with the consumer's progress reported back as credit. */
class ProxyStream extends Readable {
  ended = false;
  private pushed = 0;
  private acked = 0;
  constructor(private readonly consumed: (bytes: number) => void) { super({ highWaterMark: 64 * 1024 }); }

  // Data comes by itself (pushed as the worker's events arrive): nothing to start here.
  override _read(): void {}

  // Every way of consuming a Readable (flowing mode, pipe, async iteration, read(n)) goes through
  // read(), and what has left the buffer after it is credit. (_read would not do: Readable calls
  // it before taking the data out, and not again until the next push.)
  override read(size?: number): unknown {
    const chunk: unknown = super.read(size);
    if (!this.ended) {
      const n = this.pushed - this.readableLength - this.acked;
      if (n >= ACK_STEP) { this.acked += n; this.consumed(n); }
    }
    return chunk;
  }

  add(chunk: Uint8Array): void {
    if (this.ended) return;
    this.pushed += chunk.length;
    this.push(chunk);
  }

  finish(): void {
    if (this.ended) return;
    this.ended = true;
    this.push(null);
  }
}

/** A tenant on a worker thread, seen from the main thread. Created by WorkerPool.spawn. */
export class WorkerTenant extends EventEmitter implements TenantHandle {
  readonly stdout: Readable;
  readonly stderr: Readable;
  readonly exited: Promise<TenantResult>;
  /** As on one thread: each tenant numbers its processes from 1, so the first one is 1. */
  readonly pid = 1;
  private status: TenantState = 'running';
  private settle!: (r: TenantResult) => void;
  private readonly out: [ProxyStream, ProxyStream];
  private readonly t0 = performance.now();
  private stdinDetach: ((pause: boolean) => void) | null = null;
  private stdinInFlight = 0;
  private stdinResume: (() => void) | null = null;

  /** @internal */
  constructor(
    readonly tid: number,
    private readonly send: (m: ToWorker, transfer?: ArrayBuffer[]) => void,
    private readonly policy: TenantPolicy | undefined,
    private readonly debug: ((e: SyscallEvent) => void) | null,
  ) {
    super();
    this.out = [new ProxyStream((n) => this.ack(1, n)), new ProxyStream((n) => this.ack(2, n))];
    this.stdout = this.out[0];
    this.stderr = this.out[1];
    this.exited = new Promise((resolve) => { this.settle = resolve; });
  }

  get state(): TenantState { return this.status; }

  kill(): void {
    if (this.status === 'exited') return;
    // As Tenant.kill: a held tenant is released so that it can end.
    this.status = 'running';
    this.send({ t: 'kill', tid: this.tid });
  }

  /**
   * @internal The worker holds a new tenant until this: called by the pool after the turn that
   * spawned it, so a suspend() in that turn keeps it held (the worker may start before it).
   */
  launch(): void {
    if (this.status === 'running') this.send({ t: 'resume', tid: this.tid });
  }

  suspend(): void {
    if (this.status !== 'running') return;
    this.status = 'suspended';
    this.send({ t: 'suspend', tid: this.tid });
  }

  resume(): void {
    if (this.status !== 'suspended') return;
    this.status = 'running';
    this.send({ t: 'resume', tid: this.tid });
  }

  /** @internal Both output streams have ended and the tenant has exited: no event can follow. */
  get done(): boolean { return this.status === 'exited' && this.out[0].ended && this.out[1].ended; }

  /** @internal One event from the worker. */
  deliver(ev: WorkerEvent): void {
    switch (ev.t) {
      case 'out': this.out[ev.fd - 1].add(ev.chunk); return;
      case 'end': this.out[ev.fd - 1].finish(); return;
      case 'syscall':
        if (this.debug !== null) this.debug(ev.event);
        else this.emit('syscall', ev.event);
        return;
      case 'stdin-ack':
        this.stdinInFlight -= ev.bytes;
        if (this.stdinInFlight < STDIN_WINDOW) this.stdinResume?.();
        return;
      case 'exit': this.end(ev.result); return;
      case 'spawn-error': this.fail(`could not start: ${ev.message}`); return;
    }
  }

  /** @internal The main thread's side of a policy question: runs the hook here, where it lives. */
  decide(hook: string): (request: unknown) => HookOutcome {
    return (request) => {
      const f = (this.policy as Record<string, unknown> | undefined)?.[hook];
      if (typeof f !== 'function') return { threw: true };
      try {
        return { threw: false, value: f.call(this.policy, request) };
      } catch {
        return { threw: true };
      }
    };
  }

  /** @internal Ends the tenant without the worker (it failed, or the Sandbox closed): 'killed'. */
  fail(message: string): void {
    if (this.status === 'exited') return;
    this.out[0].finish();
    this.out[1].finish();
    this.end({
      code: null, signal: SIGKILL, reason: 'killed', message,
      stats: {
        instructions: 0, blocksTranslated: 0, translateMs: 0, compileMs: 0, syscalls: 0, cpuMs: 0,
        wallMs: performance.now() - this.t0, outputBytes: 0, processes: 1, memoryRefusals: 0, memoryPeak: 0, processRefusals: 0,
      },
    });
  }

  /** @internal Forwards a Node Readable as the guest's stdin, within STDIN_WINDOW. */
  forwardStdin(input: Readable): void {
    const onData = (c: Uint8Array | string): void => {
      const src = typeof c === 'string' ? Buffer.from(c, 'utf8') : c;
      if (src.length === 0) return;
      // A copy in its own buffer, handed over by transfer (never a view of a larger buffer).
      const chunk = new Uint8Array(src.length);
      chunk.set(src);
      this.stdinInFlight += chunk.length;
      this.send({ t: 'stdin', tid: this.tid, chunk }, [chunk.buffer]);
      if (this.stdinInFlight >= STDIN_WINDOW && this.stdinResume === null) {
        input.pause();
        this.stdinResume = () => { this.stdinResume = null; input.resume(); };
      }
    };
    const onEnd = (): void => { detach(false); this.send({ t: 'stdin-end', tid: this.tid }); };
    const onError = (e: unknown): void => { detach(false); this.send({ t: 'stdin-end', tid: this.tid, error: String((e as Error)?.message ?? e) }); };
    const detach = (pause: boolean): void => {
      this.stdinDetach = null;
      this.stdinResume = null;
      input.removeListener('data', onData);
      input.removeListener('end', onEnd);
      input.removeListener('close', onEnd);
      input.removeListener('error', onError);
      if (pause) input.pause();
    };
    this.stdinDetach = detach;
    input.on('data', onData);
    input.on('end', onEnd);
    input.on('close', onEnd);
    input.on('error', onError);
  }

  private ack(fd: 1 | 2, bytes: number): void {
    this.send({ t: 'ack', tid: this.tid, fd, bytes });
  }

  private end(result: TenantResult): void {
    if (this.status === 'exited') return;
    this.status = 'exited';
    // The guest reads no more: let go of the embedder's stdin, paused, as the in-thread Tenant does.
    this.stdinDetach?.(true);
    this.settle(result);
    this.emit('exit', result);
  }
}
