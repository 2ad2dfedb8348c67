// The public surface of a tenant, as an interface: what Sandbox.spawn returns whether the tenant
// runs on this thread (the Tenant class of sandbox.ts) or on a worker thread (the WorkerTenant
// proxy of worker-tenant.ts). Embedders program against this; both implement it exactly, so
// `workers: N` changes where guests run, not the code that drives them.

import type { EventEmitter } from 'node:events';
import type { Readable } from 'node:stream';
import type { TenantResult, TenantState } from './sandbox.js';

/**
 * One running program and the processes it forks. Events: 'syscall' (SyscallEvent, with
 * `debug: true`) and 'exit' (TenantResult, once, as `exited` settles).
 */
export interface TenantHandle extends EventEmitter {
  /** The guest's stdout and stderr; the guest waits (backpressure) while they are not read. */
  readonly stdout: Readable;
  readonly stderr: Readable;
  /** Settles when every process of the tenant has ended. Never rejects. */
  readonly exited: Promise<TenantResult>;
  /** The first process's pid inside the tenant (1: each tenant has its own pid numbering). */
  readonly pid: number;
  readonly state: TenantState;
  /** Ends every process of the tenant (reason 'killed', SIGKILL). */
  kill(): void;
  /** Holds every process of the tenant at its next slice; a parked call completes first. */
  suspend(): void;
  resume(): void;
}
