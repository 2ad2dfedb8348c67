// The messages between the main thread (worker-pool.ts, worker-tenant.ts) and a worker thread
// running tenants (worker-entry.ts), and the shared slot through which a worker asks the main
// thread's policy hook for a verdict. Everything here crosses threads by structured clone, so it
// is data only: functions (policy hooks, debug callbacks) and streams stay in the main thread and
// are represented by flags, and their work is done by messages.
//
// Flow control, both ways, is by credit (bytes sent but not yet consumed on the other side):
//  - guest output: the worker stops reading a tenant's stdout/stderr once OUTPUT_WINDOW bytes of
//    that stream are unacknowledged; the guest then blocks in write() (the in-thread stream's own
//    backpressure). The main side acknowledges bytes as its Readable hands them to the consumer.
//  - stdin from a Node Readable: the main side pauses it once STDIN_WINDOW bytes are in flight;
//    the worker acknowledges each chunk once the guest's input buffer has taken it.

import type { SyscallEvent, TenantLimits, TenantMount, TenantResult } from './sandbox.js';

/** Unacknowledged bytes of one output stream at which the worker stops reading it. */
export const OUTPUT_WINDOW = 256 * 1024;
/** The main side acknowledges output in steps of at least this much (fewer messages). */
export const ACK_STEP = 16 * 1024;
/** Bytes of a Node Readable stdin in flight to the worker at most (then it is paused). */
export const STDIN_WINDOW = 64 * 1024;

/** What crosses of TenantSpawnOptions (already merged with the Sandbox's defaults). */
export interface WireSpawnOptions {
  argv?: string[];
  env?: Record<string, string> | string[];
  limits?: TenantLimits;
  mounts?: TenantMount[];
  cwd?: string;
  guestPath?: string;
  deterministic?: boolean;
  seed?: string;
  addressSpace?: number;
  /** The bytes, or 'stream': chunks follow as 'stdin' messages and 'stdin-end'. Absent: EOF. */
  stdin?: Uint8Array | 'stream';
  /**
   * The policy: the names of its hooks (functions, which stay in the main thread: the worker asks
   * for each verdict) and its other fields as data. Taken from whatever TenantPolicy holds, so
   * a hook added to the policy later crosses as well.
   */
  policy?: { hooks: string[]; data: Record<string, unknown> };
  /** Forward every completed system call as a 'syscall' event. */
  debug?: boolean;
}

/** Main thread to worker. `tid` numbers tenants across the whole pool. */
export type ToWorker =
  | { t: 'program'; id: number; bytes: Uint8Array }
  | { t: 'drop-program'; id: number }
  | { t: 'spawn'; tid: number; program: number; name: string; options: WireSpawnOptions }
  | { t: 'stdin'; tid: number; chunk: Uint8Array }
  | { t: 'stdin-end'; tid: number; error?: string }
  | { t: 'ack'; tid: number; fd: 1 | 2; bytes: number }
  | { t: 'kill' | 'suspend' | 'resume'; tid: number };

/** One thing that happened to a tenant in the worker, in the order it happened. */
export type WorkerEvent =
  | { t: 'out'; tid: number; fd: 1 | 2; chunk: Uint8Array }
  | { t: 'end'; tid: number; fd: 1 | 2 }
  | { t: 'syscall'; tid: number; event: SyscallEvent }
  | { t: 'stdin-ack'; tid: number; bytes: number }
  | { t: 'exit'; tid: number; result: TenantResult }
  /** The worker could not start the tenant (a failure the main thread's checks could not see). */
  | { t: 'spawn-error'; tid: number; message: string };

/**
 * Worker to main thread. Events are batched per turn of the worker's event loop; a policy
 * request is sent alone, after the batch before it, and the worker then waits on the slot.
 */
export type FromWorker =
  | { t: 'batch'; events: WorkerEvent[] }
  | { t: 'policy'; tid: number; hook: string; request: unknown };

/** What a worker is started with. */
export interface WorkerInit {
  quantum: number;
  /** The policy slot: POLICY_SLOT_BYTES of shared memory, one request at a time per worker. */
  policy: SharedArrayBuffer;
}

// The policy slot: Int32 0 is the state (0: the worker waits, 1: answered), Int32 1 the kind of
// verdict, Float64 at byte 8 its number. A verdict is any PolicyVerdict, or "the hook threw",
// which the worker turns back into a throw so policy.ts fails closed exactly as on one thread.
export const POLICY_SLOT_BYTES = 16;
const V_NONE = 0, V_TRUE = 1, V_FALSE = 2, V_ALLOW = 3, V_DENY = 4, V_NUMBER = 5, V_THREW = 6;

/** A hook's answer as the main thread saw it: a returned value or a throw. */
export type HookOutcome = { threw: false; value: unknown } | { threw: true };

/** Main thread: writes the outcome into the slot and wakes the worker. */
export function answerPolicy(slot: SharedArrayBuffer, o: HookOutcome): void {
  const i32 = new Int32Array(slot, 0, 2);
  const f64 = new Float64Array(slot, 8, 1);
  let kind = V_THREW;
  if (!o.threw) {
    const v = o.value;
    if (v === undefined) kind = V_NONE;
    else if (v === true) kind = V_TRUE;
    else if (v === false) kind = V_FALSE;
    else if (v === 'allow') kind = V_ALLOW;
    else if (v === 'deny') kind = V_DENY;
    else if (typeof v === 'number') { kind = V_NUMBER; f64[0] = v; }
    // Anything else (another string, an object) is not a verdict: policy.ts refuses the call
    // for it, and a throw is refused the same way without carrying the object across.
  }
  Atomics.store(i32, 1, kind);
  Atomics.store(i32, 0, 1);
  Atomics.notify(i32, 0);
}

/** Worker: blocks until the main thread has answered, then returns the verdict (or throws). */
export function awaitPolicy(slot: SharedArrayBuffer): unknown {
  const i32 = new Int32Array(slot, 0, 2);
  Atomics.wait(i32, 0, 0);
  const kind = Atomics.load(i32, 1);
  const n = new Float64Array(slot, 8, 1)[0];
  Atomics.store(i32, 0, 0);
  switch (kind) {
    case V_NONE: return undefined;
    case V_TRUE: return true;
    case V_FALSE: return false;
    case V_ALLOW: return 'allow';
    case V_DENY: return 'deny';
    case V_NUMBER: return n;
    default: throw new Error('the policy hook threw or answered with something that is not a verdict');
  }
}
