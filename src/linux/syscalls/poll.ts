// poll, ppoll and the select family (select, _newselect, pselect6, with 32- and 64-bit times).
// Readiness comes from each description's poll(); regular files and devices are always ready.
// When nothing is ready the call blocks on the wait queues of the descriptions involved and
// on a timer for the timeout; the deadline is kept across the retries after each wake-up, so a
// timeout is not restarted by unrelated activity. The signal mask arguments of ppoll and
// pselect6 are not applied (signal delivery during the wait belongs to the signal code).

import type { Sleep } from '../clock.js';
import { EBADF, EFAULT, EINVAL } from '../errno.js';
import type { FileDescription } from '../fd.js';
import type { LinuxProcess } from '../process.js';
import { POLLERR, POLLHUP, POLLIN, POLLNVAL, POLLOUT, POLLPRI, POLLRDNORM, POLLWRNORM } from '../vfs/description.js';
import { type WaitQueue, waitAny } from '../vfs/waitq.js';
import { Blocked, type SyscallResult } from './registry.js';
import { getStruct, putStruct } from './structs.js';
import { defineFileCall, fdLimit } from './vfs-util.js';

const NS = 1_000_000_000n;
const CLOCK_MONOTONIC = 1;
const ALWAYS = POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM;

const readiness = (d: FileDescription): number => (d.poll !== undefined ? d.poll() : ALWAYS);
const queues = (ds: FileDescription[]): WaitQueue[] => ds.flatMap((d) => d.pollQueues?.() ?? []);

/** A call's deadline, kept while the same call is retried. */
const pending = new WeakMap<LinuxProcess, { key: string; deadline: bigint | null }>();

const now = (p: LinuxProcess): bigint => p.clock.now(CLOCK_MONOTONIC) ?? 0n;

/** The deadline of this call (set on its first attempt); null waits forever. */
function deadlineOf(p: LinuxProcess, a: Uint32Array, timeout: bigint | null): bigint | null {
  const key = Array.from(a).join(',');
  const old = pending.get(p);
  if (old !== undefined && old.key === key) return old.deadline;
  const deadline = timeout === null ? null : now(p) + timeout;
  pending.set(p, { key, deadline });
  return deadline;
}

/** Nothing ready: block until a queue wakes or the deadline passes; 'timeout' once it has. */
function wait(p: LinuxProcess, deadline: bigint | null, ds: FileDescription[]): Blocked | 'timeout' {
  let timer: Sleep | null = null;
  if (deadline !== null) {
    const left = deadline - now(p);
    if (left <= 0n) return 'timeout';
    timer = p.clock.sleep(left);
    // A deterministic clock jumps ahead instead of waiting: the time is up.
    if (timer === null) return 'timeout';
  }
  const qs = queues(ds);
  if (qs.length === 0 && timer === null) return new Blocked(new Promise(() => {}));
  // Woken early by a descriptor: the timeout's host timer goes too (it would keep Node alive).
  return new Blocked(waitAny(qs, timer).then(() => timer?.cancel()));
}

const finish = (p: LinuxProcess): void => { pending.delete(p); };
const remaining = (p: LinuxProcess, deadline: bigint | null): bigint => (deadline === null ? 0n : deadline > now(p) ? deadline - now(p) : 0n);

function poll(p: LinuxProcess, a: Uint32Array, fdsAddr: number, nfds: number, timeout: bigint | null, after?: (left: bigint) => void): SyscallResult {
  if (nfds > fdLimit(p)) return -EINVAL;
  const deadline = deadlineOf(p, a, timeout);
  const raw = nfds === 0 ? new DataView(new ArrayBuffer(0)) : getStruct(p.mem, fdsAddr, nfds * 8);
  const out = new Uint8Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
  const v = new DataView(out.buffer);
  const ds: FileDescription[] = [];
  let ready = 0;
  for (let i = 0; i < nfds; i++) {
    const fd = v.getInt32(i * 8, true);
    const events = v.getUint16(i * 8 + 4, true);
    let rev = 0;
    if (fd >= 0) {
      const d = p.fds.get(fd);
      if (d === undefined) rev = POLLNVAL;
      else { ds.push(d); rev = readiness(d) & (events | POLLERR | POLLHUP); }
    }
    v.setUint16(i * 8 + 6, rev, true);
    if (rev !== 0) ready++;
  }
  if (ready === 0) {
    const w = wait(p, deadline, ds);
    if (w instanceof Blocked) return w;
  }
  finish(p);
  if (nfds > 0) p.mem.writeBytes(fdsAddr, out);
  after?.(remaining(p, deadline));
  return ready;
}

defineFileCall(168, 'poll', (p, a) => {
  const ms = a[2] | 0;
  return poll(p, a, a[0], a[1], ms < 0 ? null : BigInt(ms) * 1_000_000n);
});

/** A timespec (32- or 64-bit) as ns, EINVAL when malformed; NULL is "forever". */
function timespecArg(p: LinuxProcess, address: number, wide: boolean): bigint | null | number {
  if (address === 0) return null;
  const v = getStruct(p.mem, address, wide ? 16 : 8);
  const sec = wide ? v.getBigInt64(0, true) : BigInt(v.getInt32(0, true));
  const nsec = BigInt(wide ? v.getInt32(8, true) : v.getInt32(4, true));
  if (sec < 0n || nsec < 0n || nsec >= NS) return -EINVAL;
  return sec * NS + nsec;
}

function putTimespec(p: LinuxProcess, address: number, ns: bigint, wide: boolean): void {
  putStruct(p.mem, address, wide ? 16 : 8, (v) => {
    if (wide) { v.setBigInt64(0, ns / NS, true); v.setBigInt64(8, ns % NS, true); }
    else { v.setInt32(0, Number(ns / NS), true); v.setInt32(4, Number(ns % NS), true); }
  });
}

function ppoll(p: LinuxProcess, a: Uint32Array, wide: boolean): SyscallResult {
  const t = timespecArg(p, a[2], wide);
  if (typeof t === 'number') return t;
  return poll(p, a, a[0], a[1], t, (left) => { if (a[2] !== 0) putTimespec(p, a[2], left, wide); });
}
defineFileCall(309, 'ppoll', (p, a) => ppoll(p, a, false));
defineFileCall(414, 'ppoll_time64', (p, a) => ppoll(p, a, true));

const READ_SET = POLLIN | POLLRDNORM | POLLHUP | POLLERR;
const WRITE_SET = POLLOUT | POLLWRNORM | POLLERR;
const EXCEPT_SET = POLLPRI;

/** select's core: three fd_sets of n bits (rounded to 32-bit words), updated in place. */
function select(p: LinuxProcess, a: Uint32Array, n: number, sets: number[], timeout: bigint | null, after: (left: bigint) => void): SyscallResult {
  if ((n | 0) < 0) return -EINVAL;
  n = Math.min(n, fdLimit(p));
  const bytes = Math.ceil(n / 32) * 4;
  const masks = [READ_SET, WRITE_SET, EXCEPT_SET];
  const ins = sets.map((addr) => (addr === 0 || bytes === 0 ? null : p.mem.readBytes(addr, bytes)));
  const outs = ins.map((b) => (b === null ? null : new Uint8Array(b.length)));
  const ds: FileDescription[] = [];
  let count = 0;
  for (let fd = 0; fd < n; fd++) {
    const bit = 1 << (fd & 7), byte = fd >> 3;
    const wanted = ins.map((b) => b !== null && (b[byte] & bit) !== 0);
    if (!wanted.includes(true)) continue;
    const d = p.fds.get(fd);
    if (d === undefined) { finish(p); return -EBADF; }
    ds.push(d);
    const r = readiness(d);
    wanted.forEach((w, i) => {
      if (w && r & masks[i]) { outs[i]![byte] |= bit; count++; }
    });
  }
  const deadline = deadlineOf(p, a, timeout);
  if (count === 0) {
    const w = wait(p, deadline, ds);
    if (w instanceof Blocked) return w;
  }
  finish(p);
  outs.forEach((o, i) => { if (o !== null) p.mem.writeBytes(sets[i], o); });
  after(remaining(p, deadline));
  return count;
}

/** struct timeval {long tv_sec; long tv_usec}. */
function timevalArg(p: LinuxProcess, address: number): bigint | null | number {
  if (address === 0) return null;
  const v = getStruct(p.mem, address, 8);
  const sec = v.getInt32(0, true), usec = v.getInt32(4, true);
  if (sec < 0 || usec < 0 || usec >= 1_000_000) return -EINVAL;
  return BigInt(sec) * NS + BigInt(usec) * 1000n;
}

function newselect(p: LinuxProcess, a: Uint32Array, args: number[]): SyscallResult {
  const t = timevalArg(p, args[4]);
  if (typeof t === 'number') return t;
  return select(p, a, args[0], args.slice(1, 4), t, (left) => {
    if (args[4] !== 0) putStruct(p.mem, args[4], 8, (v) => { v.setInt32(0, Number(left / NS), true); v.setInt32(4, Number((left % NS) / 1000n), true); });
  });
}
defineFileCall(142, '_newselect', (p, a) => newselect(p, a, Array.from(a.subarray(0, 5))));
// The old select takes one pointer to its five arguments.
defineFileCall(82, 'select', (p, a) => {
  if (a[0] === 0) return -EFAULT;
  const v = getStruct(p.mem, a[0], 20);
  return newselect(p, a, [0, 4, 8, 12, 16].map((o) => v.getUint32(o, true)));
});

function pselect(p: LinuxProcess, a: Uint32Array, wide: boolean): SyscallResult {
  const t = timespecArg(p, a[4], wide);
  if (typeof t === 'number') return t;
  return select(p, a, a[0], [a[1], a[2], a[3]], t, (left) => { if (a[4] !== 0) putTimespec(p, a[4], left, wide); });
}
defineFileCall(308, 'pselect6', (p, a) => pselect(p, a, false));
defineFileCall(413, 'pselect6_time64', (p, a) => pselect(p, a, true));
