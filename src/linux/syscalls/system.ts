// What the process learns about the system and its own resource use: uname (an i686 Linux),
// sysinfo, resource limits in their three i386 forms (getrlimit with the old clamp, ugetrlimit,
// prlimit64) plus setrlimit, getrusage and times; ioperm and iopl as an unprivileged process.

import { EINVAL, EPERM, ESRCH } from '../errno.js';
import { CLOCK_MONOTONIC } from '../clock.js';
import { RLIM_INFINITY, RLIM_NLIMITS } from '../identity.js';
import type { LinuxProcess } from '../process.js';
import { defineSyscall } from './registry.js';
import { getStruct, putStruct } from './structs.js';
import { PAGE_SIZE, Perm } from '../../memory/arena.js';

/** struct new_utsname: six NUL-padded 65-byte fields. */
export const UTSNAME = {
  sysname: 'Linux', nodename: 'vxts', release: '6.1.0', version: '#1 SMP PREEMPT_DYNAMIC vxts',
  machine: 'i686', domainname: '(none)',
};

defineSyscall(122, 'uname', (p, a) => {
  const fields = [UTSNAME.sysname, UTSNAME.nodename, UTSNAME.release, UTSNAME.version, UTSNAME.machine, UTSNAME.domainname];
  const out = new Uint8Array(65 * 6);
  fields.forEach((f, i) => out.set(new TextEncoder().encode(f).subarray(0, 64), i * 65));
  p.mem.writeBytes(a[0], out);
  return 0;
});
defineSyscall(74, 'sethostname', () => -EPERM);
defineSyscall(121, 'setdomainname', () => -EPERM);

// I/O port access: the guest is unprivileged (no CAP_SYS_RAWIO), so it can only ask for what it
// has, as Linux answers such a process: ioperm turning ports off and iopl(0) succeed, raising
// privilege is EPERM; out-of-range arguments are EINVAL first. IN/OUT fault regardless.
defineSyscall(101, 'ioperm', (_p, a) => {
  const from = a[0], num = a[1];
  if (from + num <= from || from + num > 65536) return -EINVAL;
  return a[2] !== 0 ? -EPERM : 0;
});
defineSyscall(110, 'iopl', (_p, a) => (a[0] > 3 ? -EINVAL : a[0] > 0 ? -EPERM : 0));

/** Bytes of guest memory ever touched (pages with the Used bit): the resident set. */
function residentBytes(p: LinuxProcess): number {
  const perms = p.mem.perms;
  let n = 0;
  for (const i of p.mem.usedPages) if (perms[i] & (Perm.Read | Perm.Write | Perm.Exec)) n++;
  return n * PAGE_SIZE;
}

defineSyscall(116, 'sysinfo', (p, a) => {
  // The machine as the guest sees it: its arena is all the RAM there is; no swap; one process.
  const uptime = Number((p.clock.now(CLOCK_MONOTONIC) ?? 0n) / 1_000_000_000n);
  const mapped = p.mm.mappings.reduce((n, v) => n + (v.end - v.start), 0);
  putStruct(p.mem, a[0], 64, (v) => {
    v.setInt32(0, uptime, true);
    v.setUint32(16, p.mem.size, true); // totalram
    v.setUint32(20, Math.max(0, p.mem.size - mapped), true); // freeram
    v.setUint16(40, 1, true); // procs
    v.setUint32(52, 1, true); // mem_unit
  });
  return 0;
});

/** The limits of `resource`, or null when it does not exist. */
function limits(p: LinuxProcess, resource: number): [bigint, bigint] | null {
  return resource < RLIM_NLIMITS ? p.rlimits[resource] : null;
}

/** Old getrlimit (76): Linux clamps values above 0x7fffffff for these old binaries. */
defineSyscall(76, 'getrlimit', (p, a) => {
  const l = limits(p, a[0]);
  if (l === null) return -EINVAL;
  const clamp = (x: bigint): number => Number(x > 0x7fff_ffffn ? 0x7fff_ffffn : x);
  putStruct(p.mem, a[1], 8, (v) => { v.setUint32(0, clamp(l[0]), true); v.setUint32(4, clamp(l[1]), true); });
  return 0;
});

/** ugetrlimit (191): 32-bit values, anything that does not fit reads as RLIM_INFINITY. */
defineSyscall(191, 'ugetrlimit', (p, a) => {
  const l = limits(p, a[0]);
  if (l === null) return -EINVAL;
  const fit = (x: bigint): number => Number(x > 0xffff_ffffn ? 0xffff_ffffn : x);
  putStruct(p.mem, a[1], 8, (v) => { v.setUint32(0, fit(l[0]), true); v.setUint32(4, fit(l[1]), true); });
  return 0;
});

/** Applies new limits as an unprivileged process may: soft <= hard, hard never raised. */
function setLimits(p: LinuxProcess, resource: number, soft: bigint, hard: bigint): number {
  const l = limits(p, resource);
  if (l === null) return -EINVAL;
  if (soft > hard) return -EINVAL;
  if (hard > l[1]) return -EPERM;
  p.rlimits[resource] = [soft, hard];
  return 0;
}

defineSyscall(75, 'setrlimit', (p, a) => {
  const v = getStruct(p.mem, a[1], 8);
  const wide = (x: number): bigint => (x === 0xffff_ffff ? RLIM_INFINITY : BigInt(x));
  return setLimits(p, a[0], wide(v.getUint32(0, true)), wide(v.getUint32(4, true)));
});

defineSyscall(340, 'prlimit64', (p, a) => {
  const pid = a[0] | 0;
  if (pid !== 0 && pid !== p.pid) return -ESRCH;
  const l = limits(p, a[1]);
  if (l === null) return -EINVAL;
  const old: [bigint, bigint] = [l[0], l[1]];
  if (a[2] !== 0) {
    const v = getStruct(p.mem, a[2], 16);
    const r = setLimits(p, a[1], v.getBigUint64(0, true), v.getBigUint64(8, true));
    if (r < 0) return r;
  }
  if (a[3] !== 0) putStruct(p.mem, a[3], 16, (v) => { v.setBigUint64(0, old[0], true); v.setBigUint64(8, old[1], true); });
  return 0;
});

const RUSAGE_SELF = 0, RUSAGE_CHILDREN = -1, RUSAGE_THREAD = 1;

defineSyscall(77, 'getrusage', (p, a) => {
  const who = a[0] | 0;
  if (who !== RUSAGE_SELF && who !== RUSAGE_CHILDREN && who !== RUSAGE_THREAD) return -EINVAL;
  // struct rusage on i386: two timevals, then 14 longs (ru_maxrss in KiB first).
  const [user, sys] = who === RUSAGE_CHILDREN ? [0n, 0n] : p.clock.cpuTimes();
  const maxrss = who === RUSAGE_CHILDREN ? 0 : residentBytes(p) / 1024;
  putStruct(p.mem, a[1], 72, (v) => {
    v.setInt32(0, Number(user / 1_000_000_000n), true); v.setInt32(4, Number((user % 1_000_000_000n) / 1000n), true);
    v.setInt32(8, Number(sys / 1_000_000_000n), true); v.setInt32(12, Number((sys % 1_000_000_000n) / 1000n), true);
    v.setInt32(16, maxrss, true);
  });
  return 0;
});

defineSyscall(43, 'times', (p, a) => {
  // clock_t counts USER_HZ (100) ticks; the return value is ticks since an arbitrary point.
  const ticks = (ns: bigint): number => Number(BigInt.asIntN(32, ns / 10_000_000n));
  const [user, sys] = p.clock.cpuTimes();
  if (a[0] !== 0) putStruct(p.mem, a[0], 16, (v) => { v.setInt32(0, ticks(user), true); v.setInt32(4, ticks(sys), true); });
  return ticks(p.clock.now(CLOCK_MONOTONIC) ?? 0n);
});
