// The tenant policy of the embedding API: the types a policy sees (system calls with decoded,
// copied arguments; network requests with decoded socket addresses), how its answers map to
// errnos, and helpers for the common network rule "remote hosts only".
//
// Model (docs/SECURITY.md has the whole of it):
//  - `syscall(req)` sees every system call before it runs, with its pointer arguments copied out
//    of the arena once and decoded (paths, argv, socket addresses). The call then runs with
//    those copies, never a second read, so the guest cannot change an argument between the
//    check and the use. Returning nothing lets the call run (the default); 'deny' / false
//    refuses it with EPERM; a positive number refuses it with that errno.
//  - Network is default-deny: socket, socketpair, connect, bind, listen and accept fail with
//    EACCES unless `network(req)` returns 'allow' / true (or `syscall` explicitly returned
//    'allow' for that call). connect's request carries the decoded address it will connect to.
//  - A hook that throws fails closed: the call is refused (EPERM, or EACCES for network).

import { networkInterfaces } from 'node:os';
import type { LinuxProcess } from '../linux/process.js';
import type { CallHooks, DecodedArg, DecodedCall, NetRequest, SockAddr } from '../linux/syscalls/decode-args.js';

export type { ArgKind, DecodedArg, NetOp, SockAddr, SocketFamily, SocketType } from '../linux/syscalls/decode-args.js';

/** What a hook may answer: nothing (the default), allow, deny (EPERM / EACCES), or an errno number. */
export type PolicyVerdict = boolean | 'allow' | 'deny' | number | void;

/** A system call as the policy sees it. Every value is a copy: changing it changes nothing. */
export interface SyscallRequest {
  readonly pid: number;
  /** The call that will run; a socketcall(2) is shown as the socket call it stands for. */
  readonly nr: number;
  readonly name: string;
  /** 'socketcall' when the guest made the call through socketcall(2). */
  readonly via: 'socketcall' | null;
  /** The six argument words (for socketcall, the words of its copied argument array). */
  readonly args: readonly number[];
  /**
   * The arguments decoded, for the calls the decoder table knows (paths, *at calls, execve,
   * sockets); empty for the others. Paths are byte strings, one char per byte (ASCII reads as
   * itself; Buffer.from(path, 'latin1') gives the bytes).
   */
  readonly decoded: readonly DecodedArg[];
  /** The path arguments that could be read, in order (a shortcut over `decoded`). */
  readonly paths: readonly string[];
  /** For socket calls that need network permission: what `network` would be asked. */
  readonly network?: NetworkRequest;
}

/** A network request: socket creation, or connect/bind with the decoded address. */
export interface NetworkRequest extends NetRequest {
  readonly pid: number;
}

export interface TenantPolicy {
  /** Decides each system call before it runs (see the header for the answers). */
  syscall?(call: SyscallRequest): PolicyVerdict;
  /** Decides each network request; without an explicit allow the call fails with EACCES. */
  network?(req: NetworkRequest): PolicyVerdict;
}

const EPERM = 1, EACCES = 13;

/** The request object shown to `syscall`, made from the dispatcher's decoded copy. */
export function syscallRequest(pid: number, c: DecodedCall): SyscallRequest {
  const paths: string[] = [];
  for (const d of c.decoded) if (d.kind === 'path' && d.value !== null) paths.push(d.value);
  const req: SyscallRequest = { pid, nr: c.nr, name: c.name, via: c.via, args: Array.from(c.args), decoded: c.decoded, paths };
  return c.net === null ? req : { ...req, network: { ...c.net, pid } };
}

/** The run loop's hooks for a policy (null when it has none). */
export function policyHooks(policy: TenantPolicy | undefined): CallHooks | null {
  if (policy === undefined || (policy.syscall === undefined && policy.network === undefined)) return null;
  const hooks: CallHooks = {};
  const { syscall, network } = policy;
  if (syscall !== undefined) {
    hooks.syscall = (p: LinuxProcess, c: DecodedCall) => {
      let v: PolicyVerdict;
      try {
        v = syscall.call(policy, syscallRequest(p.pid, c));
      } catch {
        return -EPERM;
      }
      if (v === undefined || v === 0) return null;
      if (v === true || v === 'allow') return 'allow';
      if (v === false || v === 'deny') return -EPERM;
      return typeof v === 'number' && Number.isFinite(v) ? -Math.abs(Math.trunc(v)) : -EPERM;
    };
  }
  if (network !== undefined) {
    hooks.network = (p: LinuxProcess, req: NetRequest) => {
      let v: PolicyVerdict;
      try {
        v = network.call(policy, { ...req, pid: p.pid });
      } catch {
        return -EACCES;
      }
      if (v === true || v === 'allow') return 'allow';
      return typeof v === 'number' && Number.isFinite(v) && v !== 0 ? -Math.abs(Math.trunc(v)) : -EACCES;
    };
  }
  return hooks;
}

/** 127.0.0.0/8, ::1, and the unspecified addresses 0.0.0.0 and :: (a connect to them reaches this host). */
export function isLoopback(a: SockAddr): boolean {
  if (a.family === 'inet') return a.address.startsWith('127.') || a.address === '0.0.0.0';
  if (a.family === 'inet6') {
    const x = a.address.toLowerCase();
    if (x === '::1' || x === '::') return true;
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(x);
    return mapped !== null && isLoopback({ family: 'inet', address: mapped[1], port: a.port });
  }
  return false;
}

/**
 * Addresses that reach this host: loopback, unspecified, and every address of the host's own
 * interfaces (read when called). AF_UNIX addresses count as local.
 */
export function isLocalHost(a: SockAddr): boolean {
  if (a.family === 'unix') return true;
  if (a.family !== 'inet' && a.family !== 'inet6') return false;
  if (isLoopback(a)) return true;
  const mapped = a.family === 'inet6' ? /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(a.address.toLowerCase())?.[1] : undefined;
  const want = (mapped ?? a.address).toLowerCase();
  for (const list of Object.values(networkInterfaces())) {
    for (const i of list ?? []) if (i.address.toLowerCase() === want) return true;
  }
  return false;
}
