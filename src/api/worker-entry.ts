// The worker thread's side of `workers: N` (see worker-pool.ts for the main side): an in-thread
// Sandbox of its own, driven by messages (worker-protocol.ts). Limits, mounts and scheduling are
// all the in-thread Sandbox's, unchanged; this file only translates:
//  - a 'spawn' message into Sandbox.spawnLoaded with the program bytes sent earlier (by id),
//    stdin as bytes or as a PassThrough fed by 'stdin' messages, and policy hooks that ask the
//    main thread synchronously (post the request, then Atomics.wait on the shared slot: a hook
//    decides before the call runs, so the guest must not go on without the verdict);
//  - the tenant's output, debug events and end into events, batched per turn of the event loop
//    (a guest writing many small pieces costs one message per turn, not one per write);
//  - acknowledgements from the main thread into credit: a stream's reading stops once
//    OUTPUT_WINDOW bytes are unacknowledged, so a flooding guest blocks in write() here instead
//    of filling the message queue.

import { parentPort, workerData } from 'node:worker_threads';
import { PassThrough, type Readable } from 'node:stream';
import { Sandbox, type Tenant, type TenantPolicy, type TenantSpawnOptions } from './sandbox.js';
import {
  awaitPolicy, OUTPUT_WINDOW, type FromWorker, type ToWorker, type WireSpawnOptions, type WorkerEvent, type WorkerInit,
} from './worker-protocol.js';

if (parentPort === null) throw new Error('worker-entry runs as a worker thread (started by worker-pool.ts)');
const port = parentPort;
const init = workerData as WorkerInit;
const sandbox = new Sandbox({ quantum: init.quantum });
const programs = new Map<number, Uint8Array>();

interface Output { readonly stream: Readable; unacked: number; paused: boolean; ended: boolean }
interface Entry { readonly tenant: Tenant; readonly stdin: PassThrough | null; readonly out: [Output, Output]; exited: boolean }
const tenants = new Map<number, Entry>();

// Events waiting for the end of this turn. Consecutive output of one stream is gathered into one
// event (its pieces are joined at the flush), which keeps the order of everything else exact.
let outbox: { ev: WorkerEvent; parts: Uint8Array[] | null }[] = [];
let flushScheduled = false;

function flush(): void {
  flushScheduled = false;
  if (outbox.length === 0) return;
  const events: WorkerEvent[] = [];
  const transfer: ArrayBuffer[] = [];
  for (const { ev, parts } of outbox) {
    if (ev.t === 'out' && parts !== null) {
      // A fresh, exactly sized buffer: cloning a view would copy its whole backing buffer, and
      // transferring it hands the memory over instead of copying it again.
      const first = parts[0];
      let chunk: Uint8Array;
      if (parts.length === 1 && first.byteOffset === 0 && first.byteLength === first.buffer.byteLength && first.buffer instanceof ArrayBuffer) {
        chunk = new Uint8Array(first.buffer);
      } else {
        chunk = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
        let at = 0;
        for (const p of parts) { chunk.set(p, at); at += p.length; }
      }
      transfer.push(chunk.buffer as ArrayBuffer);
      events.push({ ...ev, chunk });
    } else {
      events.push(ev);
    }
  }
  outbox = [];
  port.postMessage({ t: 'batch', events } satisfies FromWorker, transfer);
}

function emit(ev: WorkerEvent, part: Uint8Array | null = null): void {
  const last = outbox[outbox.length - 1];
  if (part !== null && last !== undefined && last.parts !== null && last.ev.t === 'out' && ev.t === 'out' &&
      last.ev.tid === ev.tid && last.ev.fd === ev.fd) {
    last.parts.push(part);
  } else {
    outbox.push({ ev, parts: part === null ? null : [part] });
  }
  if (!flushScheduled) { flushScheduled = true; setImmediate(flush); }
}

/** The policy as the worker's tenant sees it: data fields copied, each hook a synchronous question. */
function remotePolicy(tid: number, w: NonNullable<WireSpawnOptions['policy']>): TenantPolicy {
  const policy: Record<string, unknown> = { ...w.data };
  for (const hook of w.hooks) {
    policy[hook] = (request: unknown): unknown => {
      // Whatever the tenant wrote before this call reaches the main thread before the question.
      flush();
      // A request that cannot be cloned throws here, and policy.ts refuses the call (fail closed).
      port.postMessage({ t: 'policy', tid, hook, request } satisfies FromWorker);
      return awaitPolicy(init.policy);
    };
  }
  return policy as TenantPolicy;
}

function forget(tid: number, e: Entry): void {
  if (e.exited && e.out[0].ended && e.out[1].ended) tenants.delete(tid);
}

function spawn(m: Extract<ToWorker, { t: 'spawn' }>): void {
  const { tid } = m;
  const bytes = programs.get(m.program);
  if (bytes === undefined) { emit({ t: 'spawn-error', tid, message: `internal error: program ${m.program} was not sent to this worker` }); return; }
  const { stdin: wireStdin, policy: wirePolicy, debug, ...rest } = m.options;
  const stdin = wireStdin === 'stream' ? new PassThrough() : null;
  // The guest's input reader listens for errors only once the guest reads; until then an error
  // passed on from the main thread must not be an unhandled 'error' that ends this worker.
  stdin?.on('error', () => undefined);
  const o: TenantSpawnOptions = { ...rest, stdin: stdin ?? wireStdin, debug: debug === true };
  if (wirePolicy !== undefined) o.policy = remotePolicy(tid, wirePolicy);
  let tenant: Tenant;
  try {
    tenant = sandbox.spawnLoaded(bytes, m.name, o);
  } catch (e) {
    emit({ t: 'spawn-error', tid, message: (e as Error)?.message ?? String(e) });
    return;
  }
  const output = (fd: 1 | 2, stream: Readable): Output => {
    const s: Output = { stream, unacked: 0, paused: false, ended: false };
    stream.on('data', (chunk: Uint8Array) => {
      emit({ t: 'out', tid, fd, chunk: chunk }, chunk);
      s.unacked += chunk.length;
      if (s.unacked >= OUTPUT_WINDOW && !s.paused && !entry.exited) { s.paused = true; stream.pause(); }
    });
    stream.on('end', () => { s.ended = true; emit({ t: 'end', tid, fd }); forget(tid, entry); });
    return s;
  };
  // Held until the main side says go (WorkerTenant.launch): a suspend() the embedder calls right
  // after spawn must hold the tenant before its first slice, and this thread may get the spawn
  // message before the main thread has even returned from spawn.
  tenant.suspend();
  const entry: Entry = { tenant, stdin, out: [output(1, tenant.stdout), output(2, tenant.stderr)], exited: false };
  tenants.set(tid, entry);
  if (debug === true) tenant.on('syscall', (event) => emit({ t: 'syscall', tid, event }));
  void tenant.exited.then((result) => {
    entry.exited = true;
    // The guest writes no more, so what is left is bounded (the stream's buffer): send it all
    // without waiting for credit. The streams then end and both sides let go of the tenant even
    // if the embedder never reads its output.
    for (const s of entry.out) if (s.paused) { s.paused = false; s.stream.resume(); }
    emit({ t: 'exit', tid, result });
    forget(tid, entry);
  });
}

function onMessage(m: ToWorker): void {
  switch (m.t) {
    case 'program': programs.set(m.id, m.bytes); return;
    case 'drop-program': programs.delete(m.id); return;
    case 'spawn': spawn(m); return;
  }
  const e = tenants.get(m.tid);
  if (e === undefined) return; // ended meanwhile: the main side learns it from the events already sent
  switch (m.t) {
    case 'stdin': {
      const n = m.chunk.length;
      // The callback runs once the PassThrough has passed the chunk on (the guest's input buffer
      // took it): only then may the main thread send more.
      e.stdin?.write(m.chunk, () => emit({ t: 'stdin-ack', tid: m.tid, bytes: n }));
      return;
    }
    case 'stdin-end': {
      const input = e.stdin;
      if (input === null) return;
      if (m.error === undefined) { input.end(); return; }
      // The guest's read gets EIO, as on one thread. Its reader attaches on the first read and
      // resumes the stream; an error before that would go unseen and the read would wait forever.
      const fail = (): void => { input.destroy(new Error(m.error)); };
      if (input.listenerCount('data') > 0) fail();
      else input.once('resume', fail);
      return;
    }
    case 'ack': {
      const s = e.out[m.fd - 1];
      s.unacked -= m.bytes;
      if (s.paused && s.unacked < OUTPUT_WINDOW) { s.paused = false; s.stream.resume(); }
      return;
    }
    case 'kill': e.tenant.kill(); return;
    case 'suspend': e.tenant.suspend(); return;
    case 'resume': e.tenant.resume(); return;
  }
}

port.on('message', onMessage);
