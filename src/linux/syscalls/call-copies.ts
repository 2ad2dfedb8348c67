// The copies of one system call's pointed-to arguments, made once before the policy saw them
// (decode-args.ts), and the lookups the argument readers make while the call runs. This module
// is small and imports nothing heavy, so the readers (vfs-util.ts readPath, execve's argv
// reader, the socket address reader) can consult it without pulling in the decoder.
//
// The copies of a call are active only while its handler runs (runWithCopies): set just before
// each attempt (the first and every retry of a call that waited) and cleared right after, so a
// copy can never answer for another call.

import type { LinuxProcess } from '../process.js';
import { VfsError } from '../vfs/types.js';
import type { DecodedCall } from './decode-args.js';
import type { SockAddr } from './net-addr.js';

/** One socketcall(2) sub-call: the direct call it stands for and how many words its array holds. */
export interface SocketcallSub {
  readonly nr: number;
  readonly name: string;
  readonly count: number;
  /** The six argument words of the direct call from the copied array. */
  widen(words: Uint32Array): Uint32Array;
}

const same = (w: Uint32Array): Uint32Array => w;
/** send/recv are sendto/recvfrom without an address; accept is accept4 with no flags. */
const noAddress = (w: Uint32Array): Uint32Array => { w[4] = 0; w[5] = 0; return w; };
const noFlags = (w: Uint32Array): Uint32Array => { w[3] = 0; return w; };

/** socketcall numbers (linux/net.h SYS_*) -> the direct i386 calls. */
export const SOCKETCALLS: Readonly<Record<number, SocketcallSub>> = {
  1: { nr: 359, name: 'socket', count: 3, widen: same },
  2: { nr: 361, name: 'bind', count: 3, widen: same },
  3: { nr: 362, name: 'connect', count: 3, widen: same },
  4: { nr: 363, name: 'listen', count: 2, widen: same },
  5: { nr: 364, name: 'accept4', count: 3, widen: noFlags },
  6: { nr: 367, name: 'getsockname', count: 3, widen: same },
  7: { nr: 368, name: 'getpeername', count: 3, widen: same },
  8: { nr: 360, name: 'socketpair', count: 4, widen: same },
  9: { nr: 369, name: 'sendto', count: 4, widen: noAddress },
  10: { nr: 371, name: 'recvfrom', count: 4, widen: noAddress },
  11: { nr: 369, name: 'sendto', count: 6, widen: same },
  12: { nr: 371, name: 'recvfrom', count: 6, widen: same },
  13: { nr: 373, name: 'shutdown', count: 2, widen: same },
  14: { nr: 366, name: 'setsockopt', count: 5, widen: same },
  15: { nr: 365, name: 'getsockopt', count: 5, widen: same },
  16: { nr: 370, name: 'sendmsg', count: 3, widen: same },
  17: { nr: 372, name: 'recvmsg', count: 3, widen: same },
  18: { nr: 364, name: 'accept4', count: 4, widen: same },
  19: { nr: 337, name: 'recvmmsg', count: 5, widen: same },
  20: { nr: 345, name: 'sendmmsg', count: 4, widen: same },
};

export class CallCopies {
  /** Path arguments by guest address: the byte string, or the errno reading it gave. */
  readonly paths = new Map<number, string | number>();
  /** argv/envp arrays by guest address: the strings, or an errno (EFAULT, E2BIG). */
  readonly argvs = new Map<number, Uint8Array[] | number>();
  /** Socket addresses by `address:length`: the decoded value, or an errno. */
  readonly sockaddrs = new Map<string, SockAddr | number>();
  /** socketcall: the copied argument words (widened to six), or EFAULT; null for other calls. */
  socketArgs: Uint32Array | number | null = null;
  /** Set once a policy allowed the call's network request: the socket code refuses without it. */
  netAllowed = false;
  /** Handler state kept across the retries of this one call (a blocking connect in progress). */
  pending: unknown = null;
  /** What the policy was shown. */
  call!: DecodedCall;
}

const active = new WeakMap<LinuxProcess, CallCopies>();

/** Runs one attempt of a handler with `c` as the active copies of `p`. */
export function runWithCopies<T>(p: LinuxProcess, c: CallCopies | null, fn: () => T): T {
  if (c === null) return fn();
  active.set(p, c);
  try {
    return fn();
  } finally {
    active.delete(p);
  }
}

/** The copies of the call `p` is running, if any. */
export const activeCopies = (p: LinuxProcess): CallCopies | undefined => active.get(p);

/** A copied path argument (undefined when none was copied); a recorded failure is thrown as its errno. */
export function copiedPath(p: LinuxProcess, address: number): string | undefined {
  const r = active.get(p)?.paths.get(address >>> 0);
  if (typeof r === 'number') throw new VfsError(r);
  return r;
}

/** A copied argv/envp array (undefined when none was copied); a recorded failure is thrown as its errno. */
export function copiedArgv(p: LinuxProcess, array: number): Uint8Array[] | undefined {
  const r = active.get(p)?.argvs.get(array >>> 0);
  if (typeof r === 'number') throw new VfsError(r);
  return r;
}

/** A copied socket address (or the errno decoding it gave); undefined when none was copied. */
export const copiedSockaddr = (p: LinuxProcess, address: number, len: number): SockAddr | number | undefined =>
  active.get(p)?.sockaddrs.get(`${address >>> 0}:${len >>> 0}`);
